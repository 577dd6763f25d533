"""LibreOffice's recalculation of the differential corpus, cached as JSON.

The corpus: the real workbooks of ``../shared/corpus`` and the formula-heavy books of
:mod:`differential_books`.  LibreOffice (``soffice --headless``, a private profile that
recalculates every formula on load) converts each book to .xlsx; the values it computed
for the formula cells of the original are written to
``tests/reference/differential_oracle.json``, so that the test does not need LibreOffice.

Run ``python tests/differential_oracle.py`` to regenerate it (a few minutes);
``tests/test_differential.py`` checks a sample against a fresh conversion when soffice is
installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ORACLE = HERE / "reference" / "differential_oracle.json"
CORPUS = HERE.parent.parent / "shared" / "corpus"

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def corpus_books() -> dict[str, Path]:
    """book id → path of the shared corpus (id: folder/name)."""
    out = {}
    for p in sorted(CORPUS.glob("*/*")):
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            out[f"{p.parent.name}/{p.name}"] = p
    return out


def built_books(folder: Path) -> dict[str, Path]:
    import differential_books

    return {f"built/{p.name}": p for p in differential_books.build_all(folder)}


def encode(v: Any) -> Any:
    from agglo_addin.xlsx import ExcelError

    if isinstance(v, ExcelError):
        return {"e": str(v)}
    if isinstance(v, float) and v != v:
        return {"e": "#NUM!"}
    return v


def decode(v: Any) -> Any:
    from agglo_addin.xlsx import ExcelError

    if isinstance(v, dict):
        return ExcelError(v["e"])
    return v


def formula_cells(path: Path) -> dict[str, dict[str, Any]]:
    """sheet → cell → (formula text, Excel's cached value) of every formula cell, array
    ranges cell by cell (the anchor carries the formula, the other cells None)."""
    from agglo_addin import xlsx

    pkg = xlsx.read_package(path)
    out: dict[str, dict[str, Any]] = {}
    for info in pkg.worksheet_parts():
        scan = pkg.scan_sheet(info, keep_values=True)
        cells = out.setdefault(info.name, {})
        for ref, fc in scan.formulas.items():
            if fc.kind == "array" and fc.array_ref:
                r1, c1, r2, c2 = xlsx.parse_range(fc.array_ref)
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        cells[xlsx.cell_ref(r, c)] = scan.values.get((r, c))
            else:
                cells[ref] = fc.cached
    return out


def libreoffice_values(books: dict[str, Path], work: Path) -> dict[str, dict[str, Any]]:
    """book id → {"Sheet!A1": value} as LibreOffice recalculates the formula cells."""
    from agglo_addin import xlsx

    stage, conv, profile = work / "in", work / "out", work / "profile"
    for d in (stage, conv, profile / "user"):
        d.mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
    names = {}
    for i, (bid, p) in enumerate(books.items()):
        name = f"b{i:04d}{p.suffix.lower()}"
        shutil.copyfile(p, stage / name)
        names[bid] = name
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(conv),
         *sorted(str(stage / n) for n in names.values())],
        capture_output=True, timeout=3600, check=False,
    )  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for bid, name in names.items():
        got = conv / (Path(name).stem + ".xlsx")
        if not got.exists():
            continue
        try:
            cells = formula_cells(books[bid])
            pkg = xlsx.read_package(got, xlsx.Limits(max_cells=5_000_000))
        except Exception:  # noqa: BLE001 - a book we or LibreOffice cannot read: no oracle
            continue
        lo = {s.name: pkg.scan_sheet(s, keep_values=True).values for s in pkg.worksheet_parts()}
        vals = {}
        for sheet, refs in cells.items():
            sv = lo.get(sheet)
            if sv is None:
                continue
            for ref in refs:
                r, c = xlsx.parse_range(ref)[:2]
                vals[f"{sheet}!{ref}"] = encode(sv.get((r, c)))
        out[bid] = vals
    return out


def soffice_version() -> str:
    got = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False)
    return got.stdout.strip()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        books = {**corpus_books(), **built_books(Path(tmp) / "built")}
        values = libreoffice_values(books, Path(tmp) / "lo")
    ORACLE.write_text(
        json.dumps({"libreoffice": soffice_version(), "books": values}, ensure_ascii=False,
                   sort_keys=True, indent=0),
        encoding="utf-8",
    )  # fmt: skip
    n = sum(len(v) for v in values.values())
    print(f"{len(values)} books, {n} formula cells -> {ORACLE}")


if __name__ == "__main__":
    main()
