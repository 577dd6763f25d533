"""Build ``agglo.xlam``: the Agglo ribbon add-in for Windows desktop Excel (classic xlwings).

Reproducible, no hand-edited binaries:

1. ``xlwings quickstart <tmp> --addin --ribbon`` creates xlwings' own white-label
   add-in (its VBA project is xlwings' BSD code, left unchanged).
2. Three XML parts of that package are replaced as text: ``customUI/customUI.xml`` gets
   the **Agglo** ribbon tab (buttons: Import functions, LQ sheet, Coupling report,
   Entropy–TOPSIS report, Check data); ``xl/workbook.xml`` renames the config sheet from
   the inactive ``_myaddin.conf`` to ``myaddin.conf`` — the sheet xlwings' VBA in the
   add-in actually reads (``PROJECT_NAME & ".conf"``, with ``PROJECT_NAME = "myaddin"``;
   renaming the VBA project itself would mean editing the compiled VBA); and that sheet
   gets ``UDF Modules = agglo_addin.udfs`` and how to start this Python
   (``Interpreter_Win``, or ``Conda Path`` + ``Conda Env`` for a conda environment).
   Every other part is copied byte for byte.  Without the rename, "Import functions"
   would import the module named after the file (``agglo``, no worksheet functions) and
   the buttons would run whatever ``python`` is on PATH.
3. The ribbon callbacks are a small VBA module, written as text next to the add-in
   (``RibbonAgglo.bas``): each calls ``RunPython "import agglo_addin.scripts as s; ..."``.
   On Windows with Excel and "Trust access to the VBA project object model" enabled,
   ``--import-vba`` imports it into the add-in through xlwings; elsewhere import it once
   by hand (VBA editor → File → Import File…).

The built ``.xlam`` is not committed: it embeds the installed xlwings version's VBA (it
must match the Python package, or Excel reports a version mismatch) and it only becomes
complete after the VBA import on Windows — so it is built on the user's machine by
``agglo addin build`` (or ``python -m agglo_addin.build_addin``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from .install import UDF_MODULE, config_project_name, interpreter_settings

__all__ = [
    "ADDIN_NAME",
    "RIBBON_BUTTONS",
    "build",
    "config_project_name",
    "config_sheet_name",
    "customui_xml",
    "ribbon_vba",
]

#: File name of the built add-in (also its module name for xlwings' ``RunMain``).
ADDIN_NAME = "agglo"

#: (button id, label, Office icon, VBA callback, Python statement it runs)
RIBBON_BUTTONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("agImport", "Import functions", "FunctionWizard", "ImportFunctions", ""),
    ("agLQ", "LQ sheet 区位熵", "ChartTypeOtherInsertGallery", "LQSheet", "lq_sheet"),
    ("agCoupling", "Coupling report 耦合协调", "ChartInsert", "CouplingReport", "coupling_report"),
    (
        "agTopsis",
        "Entropy–TOPSIS 熵权TOPSIS",
        "SortDialog",
        "EntropyTopsis",
        "entropy_topsis_report",
    ),
    ("agCheck", "Check data 检查数据", "ReviewTrackChanges", "CheckData", "check_data"),
)


def customui_xml() -> str:
    """The ribbon XML: one **Agglo** tab with the buttons of :data:`RIBBON_BUTTONS`."""
    buttons = "\n".join(
        f'          <button id="{bid}" label="{label}" size="large" '
        f'onAction="RibbonAgglo.{callback}" imageMso="{icon}" />'
        for bid, label, icon, callback, _ in RIBBON_BUTTONS
    )
    return (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">\n'
        "  <ribbon>\n    <tabs>\n"
        '      <tab id="aggloTab" label="Agglo">\n'
        '        <group id="aggloGroup" label="Agglo">\n'
        f"{buttons}\n"
        "        </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n"
    )


def ribbon_vba() -> str:
    """The VBA module with the ribbon callbacks (text, imported once on Windows)."""
    lines = ['Attribute VB_Name = "RibbonAgglo"', "' Ribbon callbacks of the Agglo add-in."]
    for _bid, _label, _icon, callback, func in RIBBON_BUTTONS:
        lines.append(f"Sub {callback}(control As IRibbonControl)")
        if func:
            lines.append(f'    RunPython "import agglo_addin.scripts as s; s.{func}()"')
        else:
            lines.append("    ImportPythonUDFsToAddin")
        lines.append("End Sub")
        lines.append("")
    return "\r\n".join(lines)


def config_sheet_name() -> str:
    """The config sheet the add-in's VBA reads (``myaddin.conf``)."""
    return f"{config_project_name()}.conf"


def _set_config(sheet_xml: str, shared_strings: str, settings: dict[str, str]) -> str:
    """Put each value in column B of the config sheet row whose key (column A) matches
    (the quickstart sheet leaves column B of these rows empty)."""
    keys = [unescape(k) for k in re.findall(r"<si><t>([^<]*)</t></si>", shared_strings)]
    for key, value in settings.items():
        index = keys.index(key)
        row = re.search(rf'<row r="(\d+)"[^>]*><c r="A\1"[^>]*t="s"><v>{index}</v></c>', sheet_xml)
        if row is None or f'<c r="B{row.group(1)}"' in sheet_xml:
            raise RuntimeError(f"the quickstart add-in's config sheet has no free {key!r} row")
        cell = f'<c r="B{row.group(1)}" s="1" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        head = re.sub(r'spans="1:1"', 'spans="1:2"', sheet_xml[row.start() : row.end()])
        sheet_xml = sheet_xml[: row.start()] + head + cell + sheet_xml[row.end() :]
    return sheet_xml


_CONFIG_KEYS = {
    "UDF MODULES": "UDF Modules",
    "INTERPRETER_WIN": "Interpreter_Win",
    "CONDA PATH": "Conda Path",
    "CONDA ENV": "Conda Env",
}


def _config_sheet_part(files: dict[str, bytes]) -> str:
    workbook = files["xl/workbook.xml"].decode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(r'<sheet name="_?[^"]*\.conf"[^>]*r:id="(rId\d+)"', workbook)
    if rid is None:
        raise RuntimeError("the quickstart add-in has no config sheet")
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def _quickstart(workdir: Path) -> Path:
    cmd = [sys.executable, "-c", "from xlwings.cli import main; main()"]
    subprocess.run(
        [*cmd, "quickstart", ADDIN_NAME, "--addin", "--ribbon"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / ADDIN_NAME / f"{ADDIN_NAME}.xlam"


def build(
    out_dir: Path | str, *, import_vba: bool = False, interpreter: dict[str, str] | None = None
) -> Path:
    """Build ``agglo.xlam`` (and ``RibbonAgglo.bas``) into ``out_dir``; returns the add-in.

    ``interpreter``: xlwings settings that start the Python with agglo (default: this
    Python, see :func:`agglo_addin.install.interpreter_settings`).
    """
    settings = {"UDF MODULES": UDF_MODULE, **(interpreter or interpreter_settings())}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = _quickstart(Path(tmp))
        with zipfile.ZipFile(source) as zin:
            infos = zin.infolist()
            files = {i.filename: zin.read(i.filename) for i in infos}
        sheet = _config_sheet_part(files)
        files[sheet] = _set_config(
            files[sheet].decode(),
            files["xl/sharedStrings.xml"].decode(),
            {_CONFIG_KEYS[k]: v for k, v in settings.items()},
        ).encode()
        active = config_sheet_name()
        workbook = files["xl/workbook.xml"].decode()
        files["xl/workbook.xml"] = workbook.replace(
            f'<sheet name="_{active}"', f'<sheet name="{active}"'
        ).encode()
        files["customUI/customUI.xml"] = customui_xml().encode()
        target = out / f"{ADDIN_NAME}.xlam"
        with zipfile.ZipFile(target, "w") as zout:
            for info in infos:  # same order, names and compression as the original
                zout.writestr(info, files[info.filename], compress_type=info.compress_type)
    bas = out / "RibbonAgglo.bas"
    bas.write_bytes(ribbon_vba().encode("cp1252", errors="replace"))
    if import_vba:
        _import_vba(target, bas)
    return target


def _import_vba(xlam: Path, bas: Path) -> None:  # pragma: no cover - needs Windows Excel
    import xlwings as xw

    with xw.App(visible=False) as app:
        book = app.books.open(str(xlam))
        book.api.VBProject.VBComponents.Import(str(bas))
        book.save()
        book.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Agglo ribbon add-in (agglo.xlam).")
    parser.add_argument("--out", default="dist", help="output folder (default: dist)")
    parser.add_argument(
        "--import-vba",
        action="store_true",
        help="import RibbonAgglo.bas into the add-in (Windows with Excel only)",
    )
    args = parser.parse_args(argv)
    target = build(args.out, import_vba=args.import_vba)
    print(f"built {target}")
    if not args.import_vba:
        print(
            f"next (once, on Windows): open {target.name} in Excel, Alt+F11, File > Import "
            f"File... {target.with_name('RibbonAgglo.bas').name}, save; then "
            f"`agglo addin install --xlam {target}`"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
