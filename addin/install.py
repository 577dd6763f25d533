"""``agglo addin ...``: get the worksheet functions and buttons into Excel.

* ``agglo addin install`` (Windows desktop Excel, classic xlwings): points xlwings'
  user config (``~/.xlwings/xlwings.conf``) at ``agglo_addin.udfs`` (``UDF MODULES``) and
  this Python (``INTERPRETER_WIN``), then installs the xlwings add-in (or, with
  ``--xlam``, a built ``agglo.xlam``) through ``xlwings addin install``.  Then, once, in
  Excel: xlwings tab → *Import Functions*.  ``--dry-run`` shows the steps on any system.
* ``agglo addin lite [--out DIR]``: writes the xlwings Lite bundle (``main.py`` +
  ``requirements.txt``) to paste into Lite's editor (Excel 365 / web, any OS).
* ``agglo addin build [--out DIR]``: builds ``agglo.xlam`` with the Agglo ribbon tab
  (see :mod:`agglo_addin.build_addin`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from .cli import command

__all__ = [
    "LITE_REQUIREMENTS",
    "UDF_MODULE",
    "install_steps",
    "lite_bundle_dir",
    "lite_main_source",
    "update_config_text",
]

#: The module Excel imports the worksheet functions from.
UDF_MODULE = "agglo_addin.udfs"


def lite_bundle_dir() -> Path:
    """Folder of the committed xlwings Lite ``main.py`` and ``requirements.txt``."""
    return Path(__file__).resolve().parent / "lite"


_LITE_HEAD = '"""Agglo in xlwings Lite: paste this file as ``main.py`` (with ``requirements.txt``).\n\nxlwings Lite (Excel 365 / 2021+ on Windows and macOS, Excel on the web) runs Python in\nthe add-in\'s Pyodide; ``requirements.txt`` installs the pure-Python ``agglo`` wheel, which\ncarries both the measures (``agglo``) and their worksheet wrappers (``agglo_addin``).\nThe wrappers below are the very functions classic Excel calls, decorated with\n``xlwings.func`` — here Lite\'s own decorators — so every ``=LQ(...)``, ``=HHI(...)``,\n``=COUPLING(...)`` … behaves the same in both.  Invalid input shows ``#VALUE!`` with\nthe message on hover; undefined values show ``#N/A``.\n\nScripts (task pane → Run, or bind a sheet button with ``@script(button=...)``):\n``lq_sheet``, ``coupling_report``, ``entropy_topsis_report``, ``check_data`` — each works\non the current selection.\n"""\n\nfrom agglo_addin.scripts import (  # noqa: F401 (Lite registers what main.py holds)\n    check_data,\n    coupling_report,\n    entropy_topsis_report,\n    lq_sheet,\n)\n'

#: ``requirements.txt`` of the xlwings Lite bundle.
LITE_REQUIREMENTS = "# xlwings Lite: compiled packages (numpy, pandas, scipy, statsmodels) come from\n# Pyodide's own repository; agglo is a pure-Python wheel from PyPI (it also contains\n# agglo_addin).  Do not pin the compiled packages: the Pyodide release decides them.\n# Before agglo is on PyPI, replace the line below by the URL of the wheel on a server\n# that sends CORS headers (e.g. https://example.org/agglo-0.1.0-py3-none-any.whl).\nagglo\n"


def lite_main_source() -> str:
    """``main.py`` of the xlwings Lite bundle: imports every worksheet function and script
    (generated from the registry, so it always lists them all)."""
    from .udfs import lite_names

    names = "".join(f"    {name},\n" for name in lite_names())
    return _LITE_HEAD + "from agglo_addin.udfs import (  # noqa: F401\n" + names + ")\n"


def update_config_text(text: str, settings: dict[str, str]) -> str:
    """Set ``"KEY","value"`` lines of an xlwings.conf file, keeping every other line.

    Keys are compared case-insensitively (xlwings reads them that way).

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


def _interpreter() -> str:
    exe = Path(sys.executable)
    pythonw = exe.with_name("pythonw.exe")
    return str(pythonw if pythonw.exists() else exe)


def install_steps(xlam: str | None = None) -> list[str]:
    """The steps ``agglo addin install`` performs, as text."""
    conf = Path.home() / ".xlwings" / "xlwings.conf"
    addin = f"xlwings addin install --file {xlam}" if xlam else "xlwings addin install"
    return [
        f'set "UDF MODULES" = {UDF_MODULE} and "INTERPRETER_WIN" = {_interpreter()} in {conf}',
        f"run `{addin}` (copies the add-in into Excel's XLSTART folder)",
        "restart Excel; on the xlwings tab (or the Agglo tab) click 'Import Functions' once",
        (
            "buttons: Agglo tab (agglo.xlam), or a Form-Control button with the macro "
            'RunPython "import agglo_addin.scripts as s; s.lq_sheet()"'
        ),
    ]


def _setup(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    i = sub.add_parser("install", help="classic Excel on Windows: config + xlwings add-in")
    i.add_argument("--xlam", help="install this add-in (e.g. a built agglo.xlam) instead")
    i.add_argument("--dry-run", action="store_true", help="only print the steps")
    lite = sub.add_parser("lite", help="write the xlwings Lite bundle (main.py, requirements)")
    lite.add_argument("--out", default="agglo-lite", help="output folder (default: agglo-lite)")
    b = sub.add_parser("build", help="build agglo.xlam with the Agglo ribbon tab")
    b.add_argument("--out", default="dist", help="output folder (default: dist)")
    b.add_argument("--import-vba", action="store_true", help="Windows with Excel only")


@command("addin", "install the Excel add-in or write the xlwings Lite bundle")(_setup)
def _run(args: argparse.Namespace) -> int:
    if args.action == "lite":
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "main.py").write_text(lite_main_source(), encoding="utf-8")
        (out / "requirements.txt").write_text(LITE_REQUIREMENTS, encoding="utf-8")
        print(f"wrote {out / 'main.py'} and {out / 'requirements.txt'}")
        print("xlwings Lite: open its editor, replace main.py and requirements.txt with these")
        return 0
    if args.action == "build":
        from .build_addin import build

        target = build(args.out, import_vba=args.import_vba)
        print(f"built {target} (+ RibbonAgglo.bas); see `agglo addin install --xlam {target}`")
        return 0
    if args.action != "install":
        print("usage: agglo addin {install,lite,build} [options]  (see --help)")
        return 2
    steps = install_steps(args.xlam)
    if args.dry_run or not sys.platform.startswith("win"):
        print("Steps of `agglo addin install` (classic xlwings add-in, Windows desktop Excel):")
        for n, step in enumerate(steps, 1):
            print(f"  {n}. {step}")
        if not args.dry_run:
            print(
                "This system is not Windows: the classic add-in needs Windows desktop Excel. "
                "Use xlwings Lite instead (`agglo addin lite`)."
            )
            return 2
        return 0
    conf = Path.home() / ".xlwings" / "xlwings.conf"  # pragma: no cover - Windows only
    conf.parent.mkdir(parents=True, exist_ok=True)
    old = conf.read_text(encoding="utf-8") if conf.exists() else ""
    conf.write_text(
        update_config_text(old, {"UDF MODULES": UDF_MODULE, "INTERPRETER_WIN": _interpreter()}),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-c", "from xlwings.cli import main; main()", "addin", "install"]
    if args.xlam:
        cmd += ["--file", str(Path(args.xlam).resolve())]
    done = subprocess.run(cmd, check=False)
    if done.returncode:
        return done.returncode
    for n, step in enumerate(steps, 1):
        print(f"  {n}. {step}" + ("  [done]" if n <= 2 else ""))
    return 0
