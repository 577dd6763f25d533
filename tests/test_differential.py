"""Every formula ``agglo refresh`` evaluates, checked against LibreOffice's recalculation.

The corpus: the 96 workbooks of ``../shared/corpus`` and the 40 formula-heavy books of
:mod:`differential_books` (SUMIFS, lookups, TEXT, dates and working days, ROUND,
statistical distributions, descriptive statistics, regression, logic, finance, legacy
array formulas).  The oracle is LibreOffice's value of each formula cell (cached in
``tests/reference/differential_oracle.json`` by ``tests/differential_oracle.py``); where
a file holds the value Excel stored and LibreOffice disagrees with it, Excel's value is
the reference, and a book LibreOffice cannot load is compared with Excel's values.

A cell the engine evaluates must equal the reference, or its disagreement must be one
listed below with its reason; a formula the engine cannot evaluate right is kept with its
cached value and reported (``agglo_addin.keep_cached``), which is counted apart.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from differential import Tally, compare, load_oracle, reference, run_agglo, same
from differential_oracle import (
    _RECALC_ALWAYS,
    CORPUS,
    built_books,
    corpus_books,
    formula_cells,
    libreoffice_values,
)

ORACLE = load_oracle() if Path(__file__).with_name("reference").exists() else {}

#: where LibreOffice 7.4 and Excel disagree and the engine gives Excel's answer
#: (first function of the formula → reason)
LIBREOFFICE_DIFFERS = {
    "PERCENTRANK.INC": "Excel truncates the rank to 3 significant digits (Microsoft's example "
    "gives 0.666 for 2/3); LibreOffice rounds (0.667)",
    "LOGNORM.DIST": "for x <= 0 Excel gives #NUM! (Microsoft's documentation); LibreOffice 0",
    "LN": "LN of a negative number is #NUM! in Excel; LibreOffice saves its Err:502 as #VALUE!",
}
#: where the engine is known to differ from Excel and LibreOffice (both agree) on a
#: formula it cannot recognise as such before evaluating: (book, cell) → reason
ENGINE_DIFFERS = {
    ("xlwings/tests_cell_errors.xlsx", "Sheet1!A5"): "an overflowing power "
    "(99999999999999^9999999999999990): the engine gives #VALUE!, Excel #NUM!",
    ("calamine/tests_errors.xlsx", "Feuil1!A7"): "VLOOKUP(B1,B1,B1,3) with a column index "
    "beyond the table: the engine gives #VALUE!, Excel #N/A",
    ("xlwings/tests_test_engines_integration_write.xlsm", "Sheet 1!H6"): "=C4:D7=E4:F7 in "
    "one cell: Excel intersects the ranges with the cell's row (implicit intersection), "
    "the engine compares the first cells",
}
# Excel's SUM ignores TRUE/FALSE in referenced cells; LibreOffice has no logical type and
# adds them as 1/0 (the XOR column of the logic books)
for _k, _row in ((0, 23), (1, 23), (2, 43), (3, 43)):
    LIBREOFFICE_DIFFERS[(f"built/logic_{_k}.xlsx", f"计算!I{_row}")] = (
        "SUM over logical values: Excel ignores them, LibreOffice adds them as 1/0"
    )

SLOW = {
    "formulas/test_test_files_test.xlsx",  # 13,000 formulas through the full model: ~100 s
    "formulas/test_test_files_full-range.xlsx",  # whole-column references: ~20 s
}


def _ids():
    ids = sorted(corpus_books()) if CORPUS.exists() else []
    ids += [f"built/{fam}_{k}.xlsx" for fam in _families() for k in range(4)]
    return [pytest.param(i, marks=pytest.mark.slow) if i in SLOW else i for i in ids]


def _families():
    import differential_books

    return list(differential_books.FAMILIES)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    out = dict(corpus_books()) if CORPUS.exists() else {}
    out.update(built_books(tmp_path_factory.mktemp("built")))
    return out


def _first_function(text: str | None) -> str:
    import re

    names = re.findall(r"([A-Za-z_][\w.]*)\(", text or "")
    names = [n.upper().replace("_XLFN.", "").replace("_XLWS.", "") for n in names]
    return names[0] if names else ""


def _texts(path: Path) -> dict[str, str | None]:
    from agglo_addin import engine, xlsx

    pkg = xlsx.read_package(path)
    out = {}
    for info in pkg.worksheet_parts():
        scan = pkg.scan_sheet(info)
        for ref, fc in scan.formulas.items():
            out[f"{info.name}!{ref}"] = engine.references._text_of([scan], info.name, fc)
    return out


def _explained(book: str, cell: str, text: str | None) -> str | None:
    return (
        ENGINE_DIFFERS.get((book, cell))
        or LIBREOFFICE_DIFFERS.get((book, cell))
        or LIBREOFFICE_DIFFERS.get(_first_function(text))
    )


def _depends_on(text: str | None, cell: str, others: set[str]) -> bool:
    """Whether the formula of ``cell`` refers to one of ``others`` ("Sheet!A1")."""
    from agglo_addin import engine, xlsx

    sheet = cell.rsplit("!", 1)[0]
    refs = engine.references._references(text or "", sheet, {}) or []
    for other in others:
        o_sheet, o_ref = other.rsplit("!", 1)
        r, c = xlsx.parse_range(o_ref)[:2]
        for sh, r1, c1, r2, c2 in refs:
            if sh == o_sheet.upper() and r1 <= r <= r2 and c1 <= c <= c2:
                return True
    return False


_TOTAL = Tally()


@pytest.mark.parametrize("book", _ids())
def test_every_evaluated_cell_agrees_with_libreoffice(book, books):
    from agglo_addin.xlsx import RefusedError

    path = books[book]
    try:
        cells = formula_cells(path)
    except RefusedError:
        pytest.skip("refused by the reader (encrypted, unsafe ...): tested in test_hostile")
    ref = reference(ORACLE.get(book), cells)
    if not ref:
        pytest.skip("no formula cell with a reference value")
    try:
        got, kept = run_agglo(path, cells)
    except RefusedError as exc:
        pytest.skip(f"refused by the evaluator: {exc}")
    t = compare(book, ref, got, kept)
    _TOTAL.add(t)
    texts = _texts(path)
    # an array formula's other cells carry the anchor's formula
    explained, unexplained = set(), []
    for _b, cell, g, w in t.disagreements:
        text = texts.get(cell) or _anchor_text(cell, texts, path)
        if _explained(book, cell, text) is None:
            unexplained.append((cell, text, g, w))
        else:
            explained.add(cell)
    # what depends on an explained disagreement differs for the same reason
    changed = True
    while changed and unexplained:
        changed = False
        for item in list(unexplained):
            if _depends_on(item[1], item[0], explained):
                unexplained.remove(item)
                explained.add(item[0])
                changed = True
    assert not unexplained, unexplained[:10]


def _anchor_text(cell: str, texts: dict[str, str | None], path: Path) -> str | None:
    from agglo_addin import xlsx

    pkg = xlsx.read_package(path)
    sheet, ref = cell.rsplit("!", 1)
    r, c = xlsx.parse_range(ref)[:2]
    for info in pkg.worksheet_parts():
        if info.name != sheet:
            continue
        for fc in pkg.scan_sheet(info).formulas.values():
            if fc.kind == "array" and fc.array_ref:
                r1, c1, r2, c2 = xlsx.parse_range(fc.array_ref)
                if r1 <= r <= r2 and c1 <= c <= c2:
                    return texts.get(f"{sheet}!{fc.ref}")
    return None


def test_the_corpus_is_large_enough():
    built = {b: v for b, v in ORACLE.items() if b.startswith("built/")}
    assert len(built) >= 40
    assert sum(len(v) for v in built.values()) >= 2000
    assert sum(len(v) for v in ORACLE.values()) >= 20000


def test_values_compare_as_the_oracle_needs():
    from agglo_addin.xlsx import ExcelError

    assert same(1.0, 1.0 + 1e-12)
    assert not same(1122.48, 1122.49)
    assert same(None, "")
    assert not same(True, 1)
    assert not same(ExcelError("#N/A"), ExcelError("#VALUE!"))
    assert reference({"S!A1": 2.0}, {"S": {"A1": 3.0}}) == {"S!A1": (3.0, "stored")}
    assert reference({"S!A1": 2.0}, {"S": {"A1": None}}) == {"S!A1": (2.0, "libreoffice")}


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_the_cached_oracle_equals_a_fresh_libreoffice_recalculation(books, tmp_path):
    sample = {b: books[b] for b in ("built/rounding_1.xlsx", "built/dates_0.xlsx",
                                    "built/distributions_2.xlsx")}  # fmt: skip
    assert "OOXMLRecalcMode" in _RECALC_ALWAYS
    fresh = libreoffice_values(sample, tmp_path)
    for b in sample:
        assert fresh[b].keys() == ORACLE[b].keys()
        bad = [c for c in fresh[b] if not same(fresh[b][c], ORACLE[b][c])]
        assert not bad, bad[:5]


def test_soffice_is_not_needed_for_the_cached_oracle():
    # the oracle file is committed: the differential test runs without LibreOffice
    assert ORACLE, "tests/reference/differential_oracle.json is missing"
    assert subprocess is not None
