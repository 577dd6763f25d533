"""``agglo addin ...``: get the worksheet functions and buttons into Excel.

* ``agglo addin install`` (Windows desktop Excel, classic xlwings): appends
  ``agglo_addin.udfs`` to ``UDF MODULES`` in the user config the add-in reads
  (``~/.xlwings/xlwings.conf``; with ``--xlam`` the built ``agglo.xlam``'s
  ``~/.myaddin/myaddin.conf``) and, unless one is configured already, how to start this
  Python (``INTERPRETER_WIN``, or ``CONDA PATH``/``CONDA ENV`` for conda), keeping every
  other setting and writing the Windows ANSI code page xlwings reads; then installs the
  add-in through ``xlwings addin install``.  Then, once, in Excel: *Import Functions*.
  ``--dry-run`` shows the steps on any system.
* ``agglo addin lite [--out DIR]``: writes the xlwings Lite bundle (``main.py`` to paste
  into Lite's editor, ``requirements.txt`` lines to append to Lite's own).
* ``agglo addin build [--out DIR]``: builds ``agglo.xlam`` with the Agglo ribbon tab
  (see :mod:`agglo_addin.build_addin`).

The command itself is registered by :mod:`agglo_addin.addin_cli`; this module holds the
configuration work it does.
"""

from __future__ import annotations

import locale
import re
import sys
from pathlib import Path

from agglo import AggloValueError

__all__ = [
    "LITE_REQUIREMENTS",
    "UDF_MODULE",
    "XLWINGS_MINIMUM",
    "ansi_encoding",
    "config_project_name",
    "decode_config",
    "encode_config",
    "install_config",
    "install_steps",
    "interpreter_settings",
    "merge_settings",
    "read_config",
    "user_config_path",
    "lite_bundle_dir",
    "lite_main_source",
    "update_config_text",
]

#: The module Excel imports the worksheet functions from.
UDF_MODULE = "agglo_addin.udfs"


def lite_bundle_dir() -> Path:
    """Folder of the committed xlwings Lite ``main.py`` and ``requirements.txt``."""
    return Path(__file__).resolve().parent / "lite"


_LITE_HEAD = '"""Agglo in xlwings Lite: paste this file as ``main.py``; append\n``requirements.txt`` to Lite\'s own (keep its lines).\n\nxlwings Lite (Excel 365 / 2021+ on Windows and macOS, Excel on the web) runs Python in\nthe add-in\'s Pyodide; ``requirements.txt`` installs the pure-Python ``agglo`` wheel, which\ncarries both the measures (``agglo``) and their worksheet wrappers (``agglo_addin``).\nThe wrappers below are the very functions classic Excel calls, decorated with\n``xlwings.func`` — here Lite\'s own decorators — so every ``=LQRATIO(...)``, ``=HHI(...)``,\n``=COUPLING(...)`` … behaves the same in both (the short classic-only aliases LQ, EG,\nMS and SHARE are left out: Office needs 3+ letters and SHARE is an Excel 4.0 macro).\nInvalid input shows ``#VALUE!`` with the message on hover; undefined values show ``#N/A``.\n\nScripts (task pane → Run, or bind a sheet button with ``@script(button=...)``):\n``lq_sheet``, ``coupling_report``, ``entropy_topsis_report``, ``check_data`` — each works\non the current selection.\n"""\n\nfrom agglo_addin.scripts import (  # noqa: F401 (Lite registers what main.py holds)\n    check_data,\n    coupling_report,\n    entropy_topsis_report,\n    lq_sheet,\n)\n'

#: Oldest xlwings whose object model has everything the report scripts use
#: (``formula2``, ``conditional_formats.add_color_scale(thresholds=...)``, ``add_note``,
#: ``charts.add``) in xlwings Lite and classic Excel alike.
XLWINGS_MINIMUM = "0.37.5"

#: Lines to APPEND to xlwings Lite's ``requirements.txt`` (keep Lite's own lines).
LITE_REQUIREMENTS = (
    "# Agglo: append these lines to xlwings Lite's requirements.txt; keep the lines that\n"
    "# are already there (Lite needs them).  numpy, pandas, scipy and statsmodels come from\n"
    "# Pyodide's own repository (do not pin them: the Pyodide release decides them); agglo\n"
    "# is a pure-Python wheel from PyPI (it also contains agglo_addin).  Before agglo is on\n"
    "# PyPI, use the URL of the wheel on a server that sends CORS headers instead.\n"
    "agglo\n"
    f"xlwings>={XLWINGS_MINIMUM}\n"
)


def lite_main_source() -> str:
    """``main.py`` of the xlwings Lite bundle: imports every worksheet function and script
    (generated from the registry, so it always lists them all)."""
    from .declare import lite_names

    names = "".join(f"    {name},\n" for name in lite_names())
    return _LITE_HEAD + "from agglo_addin.udfs import (  # noqa: F401\n" + names + ")\n"


def update_config_text(text: str, settings: dict[str, str]) -> str:
    """Set ``"KEY","value"`` lines of an xlwings.conf file, keeping every other line.

    Keys are compared case-insensitively (xlwings reads them that way).  A setting that
    is already there is replaced; use :func:`merge_settings` first to append to
    ``UDF MODULES`` and to keep the user's interpreter.

    Examples
    --------
    >>> print(update_config_text('"LICENSE_KEY","k"\\n"UDF MODULES","old"\\n',
    ...                          {"UDF MODULES": "agglo_addin.udfs"}), end="")
    "LICENSE_KEY","k"
    "UDF MODULES","agglo_addin.udfs"
    """
    wanted = {k.upper(): (k, v) for k, v in settings.items()}
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key = line.split(",", 1)[0].strip().strip('"').upper()
        if key not in wanted:
            out.append(line)
    out.extend(f'"{k}","{v}"' for k, v in wanted.values())
    return "\n".join(out) + "\n"


def read_config(text: str) -> dict[str, str]:
    """``{KEY: value}`` of an xlwings.conf text, keys upper-cased, as xlwings reads it
    (the first two quoted fields of each line; ``utils.read_user_config``).

    Examples
    --------
    >>> read_config('"udf modules","a;b"\\n"CONDA PATH","C:\\\\conda"\\n')
    {'UDF MODULES': 'a;b', 'CONDA PATH': 'C:\\\\conda'}
    """
    config: dict[str, str] = {}
    for line in text.splitlines():
        values = re.findall(r'"[^"]*"', line)
        if len(values) >= 2:
            config[values[0].strip('"').upper()] = values[1].strip('"')
    return config


_INTERPRETER_KEYS = ("INTERPRETER_WIN", "INTERPRETER", "CONDA PATH", "CONDA ENV")


def merge_settings(
    existing: dict[str, str], ours: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The settings to write so both the user's and Agglo's functions keep working.

    ``UDF MODULES`` is appended to (``;``-separated, as xlwings splits it), never
    replaced.  An interpreter the user already configured (``INTERPRETER_WIN`` or
    ``CONDA PATH``/``CONDA ENV``) is kept: other workbooks rely on it; a warning says to
    install agglo into that Python instead.  Returns (settings, warnings).

    Examples
    --------
    >>> merge_settings({"UDF MODULES": "mine"}, {"UDF MODULES": "agglo_addin.udfs"})
    ({'UDF MODULES': 'mine;agglo_addin.udfs'}, [])
    """
    out: dict[str, str] = {}
    warnings: list[str] = []
    modules = [m.strip() for m in existing.get("UDF MODULES", "").split(";") if m.strip()]
    if UDF_MODULE not in modules:
        modules.append(UDF_MODULE)
    out["UDF MODULES"] = ";".join(modules)
    theirs = {k: existing[k] for k in _INTERPRETER_KEYS if existing.get(k)}
    mine = {k: v for k, v in ours.items() if k in _INTERPRETER_KEYS}
    if theirs and {k: theirs.get(k) for k in mine} != mine:
        shown = ", ".join(f"{k} = {v}" for k, v in theirs.items())
        warnings.append(
            f"kept your interpreter setting ({shown}); agglo runs in {sys.executable}: "
            "install agglo[excel] into that Python too, or change the setting on the "
            "xlwings ribbon. 已保留原有解释器设置，请在该 Python 中安装 agglo[excel]。"
        )
    elif not theirs:
        out.update(mine)
    return out, warnings


def ansi_encoding() -> str:
    """The encoding xlwings reads its ``xlwings.conf`` with: the Windows ANSI code page
    (cp936/GBK on Chinese Windows).  Its VBA reads the file with ``Open ... For Input``
    (ANSI) and its Python with ``open(path)`` (the locale's encoding)."""
    getencoding = getattr(locale, "getencoding", None)  # Python 3.11+
    return getencoding() if getencoding else locale.getpreferredencoding(False)


def decode_config(data: bytes, encoding: str) -> str:
    """An existing config file's text: in the ANSI code page, else UTF-8 (with BOM)."""
    for enc in (encoding, "utf-8-sig"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AggloValueError(
        f"xlwings.conf 无法按 {encoding} 或 UTF-8 解码，请检查该文件。 The existing xlwings.conf "
        f"is neither {encoding} (the Windows ANSI code page xlwings reads) nor UTF-8: fix "
        "or remove it, then run `agglo addin install` again."
    )


def encode_config(text: str, encoding: str) -> bytes:
    """The config text in the ANSI code page; refuse what that code page cannot hold."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise AggloValueError(
            f"路径中的字符 {bad!r} 无法用系统代码页 {encoding} 保存，xlwings 读不到。 The character "
            f"{bad!r} cannot be written in the Windows ANSI code page {encoding}, which "
            "xlwings reads its config in: install Python under a path without it, or "
            "set Windows' system locale to one that has it."
        ) from None


def interpreter_settings(prefix: str | None = None, executable: str | None = None) -> dict:
    """How xlwings should start this Python: a conda environment through ``CONDA PATH``
    and ``CONDA ENV`` (xlwings activates it; pointing at a conda env's ``pythonw.exe``
    directly causes "DLL load failed"), otherwise ``INTERPRETER_WIN`` = ``pythonw.exe``.

    Examples
    --------
    >>> interpreter_settings("/nonexistent/env", "/nonexistent/env/python")
    {'INTERPRETER_WIN': '/nonexistent/env/python'}
    """
    env = Path(prefix or sys.prefix)
    if (env / "conda-meta").is_dir():
        if env.parent.name == "envs" and (env.parent.parent / "conda-meta").is_dir():
            return {"CONDA PATH": str(env.parent.parent), "CONDA ENV": env.name}
        return {"CONDA PATH": str(env), "CONDA ENV": "base"}
    exe = Path(executable or sys.executable)
    pythonw = exe.with_name("pythonw.exe")
    return {"INTERPRETER_WIN": str(pythonw if pythonw.exists() else exe)}


def install_config(path: Path, encoding: str | None = None) -> list[str]:
    """Add Agglo to the xlwings config file ``path`` (created if missing); returns warnings."""
    enc = encoding or ansi_encoding()
    old = decode_config(path.read_bytes(), enc) if path.exists() else ""
    settings, warnings = merge_settings(read_config(old), interpreter_settings())
    data = encode_config(update_config_text(old, settings), enc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return warnings


def config_project_name() -> str:
    """``PROJECT_NAME`` of xlwings' white-label add-in VBA (``myaddin``): its config sheet
    is ``<name>.conf`` and its user config file ``%USERPROFILE%\\.<name>\\<name>.conf``.

    Read from the text of that VBA module as the installed xlwings ships it
    (``xlwings_custom_addin.bas``); the tests check it against the VBA in the built file.
    """
    import xlwings

    bas = Path(xlwings.__file__).with_name("xlwings_custom_addin.bas")
    text = bas.read_text(encoding="utf-8", errors="replace") if bas.exists() else ""
    found = re.search(r'PROJECT_NAME As String = "([^"]+)"', text)
    return found.group(1) if found else "myaddin"


def user_config_path(xlam: str | None = None) -> Path:
    """The user config file the add-in reads: ``~/.xlwings/xlwings.conf`` for the xlwings
    add-in; for the built ``agglo.xlam`` (xlwings' white-label add-in, whose VBA has
    ``PROJECT_NAME = "myaddin"``) ``~/.myaddin/myaddin.conf``."""
    if xlam:
        name = config_project_name()
        return Path.home() / f".{name}" / f"{name}.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def install_steps(xlam: str | None = None) -> list[str]:
    """The steps ``agglo addin install`` performs, as text."""
    conf = user_config_path(xlam)
    addin = f"xlwings addin install --file {xlam}" if xlam else "xlwings addin install"
    interp = ", ".join(f'"{k}" = {v}' for k, v in interpreter_settings().items())
    return [
        (
            f'append {UDF_MODULE} to "UDF MODULES" and, unless you set one, {interp} in '
            f"{conf} (other settings kept; written in the Windows ANSI code page xlwings reads)"
        ),
        f"run `{addin}` (copies the add-in into Excel's XLSTART folder)",
        (
            "Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings > "
            "tick 'Trust access to the VBA project object model'"
        ),
        (
            "restart Excel; on the Agglo tab (agglo.xlam) click 'Import functions', or on "
            "the xlwings tab click 'Import Functions' in your .xlsm (with a reference to "
            "xlwings in its VBA project: Alt+F11 > Tools > References)"
        ),
        (
            "buttons: Agglo tab (agglo.xlam), or a Form-Control button with the macro "
            'RunPython "import agglo_addin.scripts as s; s.lq_sheet()"'
        ),
        "after upgrading agglo: xlwings tab > 'Restart UDF Server', then Import again",
    ]
