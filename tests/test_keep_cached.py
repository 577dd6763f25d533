"""Formulas the headless engine cannot evaluate right keep their cached value and are
reported (``agglo refresh`` never writes a plausible wrong number); the rest of the
workbook is recalculated around them."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest
from agglo_addin import engine, engine_cli, keep_cached, xlsx
from agglo_addin.cli import main
from agglo_addin.xlsx import ExcelError, SheetPatch
from engine_switches import use_full_model


def fake_hhi(values):
    x = np.array([[np.nan if v is None else v for v in r] for r in values], dtype=float)
    if np.isnan(x).any():
        return "#VALUE! 'values' must be numbers; received empty cells."
    s = x / x.sum(0)
    return [list((s**2).sum(0))]


REG = {"HHI": fake_hhi}


def _with_cached(path, cached: dict[str, dict[str, object]]):
    """Store cached values in formula cells, as Excel leaves them after a calculation."""
    pkg = xlsx.read_package(path)
    parts = {s.name: s.part for s in pkg.sheets}
    patches = {parts[sh]: SheetPatch(values=dict(v)) for sh, v in cached.items()}
    out = path.with_name("cached_" + path.name)
    xlsx.write_patched(pkg, patches, out)
    return out


def _book(tmp_path, formulas: dict[str, str], cached: dict[str, object], name="b.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r, row in enumerate([[10.0, 30.0], [20.0, 40.0], [30.0, 10.0]], start=2):
        ws.cell(r, 2, row[0])
        ws.cell(r, 3, row[1])
    for ref, f in formulas.items():
        ws[ref] = f
    p = tmp_path / name
    wb.save(p)
    return _with_cached(p, {"Data": cached})


def _evaluate(path):
    return engine.evaluate_package(xlsx.read_package(path), registry=REG, all_formulas=True)


# what Excel shows (Microsoft's documentation and Excel 365), each stored as the cached value
EXCEL = [
    ("=_xlfn.POISSON.DIST(2,5,FALSE)", 0.0842243374718774, "POISSON.DIST"),
    ("=_xlfn.MODE.MULT(1,2,2,3,3)", 2, "MODE.MULT"),
    ('=DATEDIF(DATE(2020,1,31),DATE(2021,3,1),"md")', 1, "DATEDIF"),
    ('=_xlfn.WORKDAY.INTL(DATE(2024,1,5),3,"0000011")', 45302, "WORKDAY.INTL"),
    ("=RANDBETWEEN(1,10)", 7, "RANDBETWEEN"),
    ('=TEXT(5.805,"0.00")', "5.81", "TEXT"),
    ("=NOW()", 45000.5, "NOW"),
    ("=IFERROR(NOSUCHFUNCTION(1),0)", 0, "NOSUCHFUNCTION"),
    ("=HHI(OFFSET(B2,0,0,3,2))", 0.3888888888888889, "OFFSET"),
]


@pytest.mark.parametrize(("formula", "excel", "name"), EXCEL, ids=[e[2] for e in EXCEL])
def test_a_formula_not_evaluated_right_keeps_its_cached_value_and_is_reported(
    tmp_path, formula, excel, name
):
    p = _book(tmp_path, {"E2": formula, "E3": "=E2", "E4": "=SUM(B2:B4)"}, {"E2": excel})
    ev = _evaluate(p)
    changes = {c.cell: c.new for c in ev.changes}
    assert "E2" not in changes
    # what depends on it is computed from the kept value; the rest is recalculated
    assert changes["E3"] == excel
    assert changes["E4"] == 60
    [pr] = [pr for pr in ev.problems if pr.cell == "E2"]
    assert name in pr.reason
    assert "cached value was kept" in pr.reason


def test_an_agglo_formula_reading_an_external_link_is_not_computed_as_if_empty(tmp_path):
    p = _book(tmp_path, {"E2": "=HHI([1]Sheet1!A1:B3)"}, {"E2": 0.5})
    ev = _evaluate(p)
    assert not [c for c in ev.changes if c.cell == "E2"]
    [pr] = ev.problems
    assert "external link" in pr.reason


def test_check_fails_and_json_lists_what_was_kept(tmp_path, capsys, monkeypatch):
    p = _book(
        tmp_path,
        {"E2": "=_xlfn.POISSON.DIST(2,5,FALSE)", "E4": "=SUM(B2:B4)"},
        {"E2": 0.08, "E4": 60},
    )
    code = main(["refresh", "--check", "--json", str(p)])
    rep = json.loads(capsys.readouterr().out)
    assert code == engine_cli.EXIT_EVAL_ERRORS
    [f] = rep["files"]
    assert f["status"] == "ok"  # nothing differs, yet the check fails on the kept cell
    assert [(x["cell"], "POISSON.DIST" in x["reason"]) for x in f["problems"]] == [("E2", True)]
    # a refresh writes the other values and keeps E2 as it was
    code = main(["refresh", "--no-backup", str(p)])
    assert code == engine_cli.EXIT_EVAL_ERRORS
    assert openpyxl.load_workbook(p, data_only=True)["Data"]["E2"].value == 0.08


def test_reference_arguments_reach_the_worksheet_function_as_values():
    # a reference computed at run time (formulas' Ranges) reaches the wrapper as numbers,
    # not as the text of the object
    class Rng:  # shaped like formulas' Ranges: a reference with its values
        ranges = ({"sheet": "DATA"},)
        value = np.array([[10.0, 30.0], [20.0, 40.0]], dtype=object)

    assert engine.bridge._arg_to_xlwings(Rng()) == [[10.0, 30.0], [20.0, 40.0]]


@pytest.mark.parametrize("full", [False, True])
def test_a_sheet_name_with_an_apostrophe(tmp_path, monkeypatch, full):
    if full:
        use_full_model(monkeypatch)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["B2"], ws["B3"] = 10.0, 20.0
    other = wb.create_sheet("O'Brien")
    other["A1"] = 5.0
    other["A2"] = "=A1+1"
    ws["E2"] = "='O''Brien'!A1*2"
    ws["E3"] = "=HHI(B2:B3)+'O''Brien'!A2"
    p = tmp_path / "ap.xlsx"
    wb.save(p)
    p = _with_cached(p, {"Data": {"E2": 10.0, "E3": 7.0}, "O'Brien": {"A2": 6.0}})
    ev = _evaluate(p)
    values = {(c.sheet, c.cell): c.new for c in ev.changes}
    assert not any(isinstance(v, ExcelError) for v in values.values())
    if not full:  # evaluated right
        assert ev.values[("Data", "E2")] == 10.0
        assert ev.values[("Data", "E3")] == pytest.approx(6 + 5 / 9)
        assert not ev.problems
    else:  # the full model cannot read such names: kept and reported, nothing wrong written
        assert ev.problems
        assert all("apostrophe" in pr.reason for pr in ev.problems)


def test_a_data_table_reason():
    assert "data table" in keep_cached.reason_to_keep("TABLE(,B1)", "dataTable")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("=[1]Sheet1!A1", "external link"),
        ("='C:\\dir\\[other.xlsx]Sheet 1'!A1", "external link"),
        ("=[other.xlsx]Sheet1!A1+1", "external link"),
        ("=SUM(Table1[[#This Row],[a]])+Sheet2!A1", None),
        ("=SUM(Table1[2020])", None),
        ("=LOG10(A1)+ATAN2(1,2)", None),
        ('="NOW()"&A1', None),
        ("=_xlfn.RANDARRAY(3)", "volatile"),
        ("=TODAY()-A1", "volatile"),
        ("=_xlfn._xlws.SORT(A1:A3)", None),
        ("=XYZFUNC(A1)", "does not support"),
    ],
)
def test_reasons(text, why):
    import formulas

    table = formulas.get_functions()
    got = keep_cached.reason_to_keep(text, known=lambda n: n in table)
    assert (got is None) if why is None else (why in got), got


def test_what_depends_on_a_kept_cell_without_a_value_is_kept_too(tmp_path):
    # a book never calculated (openpyxl writes no values): the SUM must not become 0
    p = _book(tmp_path, {"E2": '=TEXT(B2,"0")', "E3": "=IFERROR(VALUE(E2),0)+1", "E4": "=B2"}, {})
    ev = _evaluate(p)
    assert {c.cell for c in ev.changes} == {"E4"}
    reasons = {pr.cell: pr.reason for pr in ev.problems}
    assert "TEXT" in reasons["E2"]
    assert "depends on a formula that could not be evaluated" in reasons["E3"]


def test_a_what_if_data_table_keeps_its_values_and_is_reported(tmp_path, monkeypatch):
    import re
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"], ws["B1"] = 2.0, "=A1*10"
    for r, v in ((2, 20.0), (3, 30.0), (4, 40.0)):
        ws.cell(r, 1, float(r))
        ws.cell(r, 2, v)  # the data table's results, as Excel stored them
    ws["D1"] = "=SUM(B2:B4)"
    src = tmp_path / "t.xlsx"
    wb.save(src)
    out = tmp_path / "table.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<c r="B2"([^>]*)><v>20</v></c>',
                    rb'<c r="B2"\1><f t="dataTable" ref="B2:B4" dt2D="0" dtr="0" r1="A1"/>'
                    rb"<v>20</v></c>",
                    data,
                )
                assert b"dataTable" in data
            zout.writestr(info, data)
    for full in (False, True):
        if full:
            use_full_model(monkeypatch)
        ev = _evaluate(out)
        assert ev.values[("Data", "D1")] == 90
        assert ev.values[("Data", "B1")] == 20
        [pr] = ev.problems
        assert pr.cell == "B2"
        assert "What-If data table" in pr.reason
        assert "B2" not in {c.cell for c in ev.changes}


def test_functions_with_digits_in_their_names_are_known(tmp_path):
    from scipy import stats  # the peer: Student's t distribution

    p = _book(
        tmp_path,
        {
            "E2": "=_xlfn.T.DIST.2T(1.5,8)",
            "E3": "=_xlfn.T.INV.2T(0.05,10)",
            "E4": '=DEC2BIN(B2)&"|"&BIN2DEC("1010")',
            "E5": "=LOG10(B3)+ATAN2(1,1)",
            "E6": "=B2*2+B3",
        },
        {},
    )
    ev = _evaluate(p)
    assert not ev.problems
    got = {c.cell: c.new for c in ev.changes}
    assert got["E2"] == pytest.approx(2 * stats.t.sf(1.5, 8), rel=1e-12)
    assert got["E3"] == pytest.approx(stats.t.ppf(0.975, 10), rel=1e-12)
    assert got["E4"] == "1010|10"
    assert got["E5"] == pytest.approx(np.log10(20) + np.pi / 4)


def test_a_function_reading_numbers_stored_as_text_is_kept(tmp_path):
    # formulas 1.3.4 converts numbers stored as text inside referenced ranges (SUM gives
    # 16.5 where Excel ignores the text and gives 1): such formulas keep their value
    import openpyxl as ox

    wb = ox.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = "12", "3.5", 1.0, "text"
    ws["C1"] = "=SUM(A1:A3)"
    ws["C2"] = "=A1*2"  # an operator converts the text as Excel does
    ws["C3"] = "=SUM(A3:A4)"
    p = tmp_path / "t.xlsx"
    wb.save(p)
    p = _with_cached(p, {"S": {"C1": 1.0}})
    ev = _evaluate(p)
    assert ev.values[("S", "C2")] == 24
    assert ev.values[("S", "C3")] == 1
    [pr] = ev.problems
    assert (pr.cell, "number stored as text (A1)" in pr.reason) == ("C1", True)
    assert "C1" not in {c.cell for c in ev.changes}


def test_an_agglo_function_reading_a_text_year_is_evaluated(tmp_path):
    # an Agglo function reads its range by the table reader's policy (a text year above
    # the numbers is the column's header), so it is not kept like SUM would be
    from agglo_addin.udfs import REGISTRY

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = "2012", 1.5, 2.5, 6.0
    ws["C1"] = "=HHI(A1:A4)"
    p = tmp_path / "t.xlsx"
    wb.save(p)
    ev = engine.evaluate_package(xlsx.read_package(p), registry=REGISTRY, all_formulas=True)
    assert not ev.problems
    shares = np.array([1.5, 2.5, 6.0]) / 10.0
    assert ev.values[("S", "C1")] == pytest.approx(float((shares**2).sum()))
