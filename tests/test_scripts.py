"""Macro scripts against an in-memory stand-in for the xlwings Book/Sheet/Range subset.

The scripts (agglo_addin.scripts) only use: ``book.selection``, ``book.sheets`` (add,
index, iterate, ``len``), ``sheet[address]``, ``range.options(ndim=2).value``,
``.value``, ``.formula2``, ``.number_format``, ``.font.bold``, ``.column_width``,
``.color``, ``.add_note``, ``.conditional_formats.add_color_scale`` and
``sheet.charts.add``.  The stand-in records all of it; a small evaluator then computes
every written formula with the very wrappers Excel calls (``udfs.REGISTRY``), spilling
results as Excel does, and the numbers are compared with agglo.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import agglo
import numpy as np
import pytest
from agglo import AggloValueError
from agglo.cells import CELL_PATTERN, parse_cell, unquote_sheet
from agglo_addin import conversion as cv
from agglo_addin import layouts, scripts, udfs

# --------------------------------------------------------------------------------------
# the stand-in
# --------------------------------------------------------------------------------------


def _parse(address: str) -> tuple[int, int, int, int]:
    parts = address.split(":")
    (r1, c1), (r2, c2) = (parse_cell(p) for p in (parts[0], parts[-1]))
    return r1, c1, r2, c2


class FakeRange:
    def __init__(self, sheet: FakeSheet, address: str) -> None:
        self.sheet = sheet
        self.row, self.column, self.last_row, self.last_column = _parse(address)
        self.address = address
        self.font = SimpleNamespace(bold=False)
        self.conditional_formats = SimpleNamespace(add_color_scale=self._color_scale)

    def _color_scale(self, colors, *, thresholds=None, threshold_type="number"):
        self.sheet.color_scales.append((self.address, list(colors), thresholds, threshold_type))

    def resize(self, rows, cols):
        last = layouts.address(self.row + rows - 1, self.column + cols - 1)
        return FakeRange(self.sheet, f"{layouts.address(self.row, self.column)}:{last}")

    def options(self, ndim=None):
        assert ndim == 2
        return self

    @property
    def value(self):
        return [
            [self.sheet.cells.get((r, c)) for c in range(self.column, self.last_column + 1)]
            for r in range(self.row, self.last_row + 1)
        ]

    @value.setter
    def value(self, v):
        rows = v if isinstance(v, list) else [[v]]
        for i, r in enumerate(rows):
            for j, x in enumerate(r):
                self.sheet.cells[(self.row + i, self.column + j)] = x

    @property
    def formula2(self):
        return self.sheet.formulas.get((self.row, self.column))

    @formula2.setter
    def formula2(self, text):
        assert text.startswith("=")
        if not self.sheet.book.dynamic_arrays:  # Excel 2010-2019: Range.Formula2 is missing
            raise AttributeError("<unknown>.Formula2")
        self.sheet.formulas[(self.row, self.column)] = text

    @property
    def formula_array(self):
        return self.sheet.array_formulas.get(self.address)

    @formula_array.setter
    def formula_array(self, text):
        self.sheet.array_formulas[self.address] = text
        self.sheet.formulas[(self.row, self.column)] = text

    @property
    def formula(self):
        return self.sheet.formulas.get((self.row, self.column))

    @formula.setter
    def formula(self, text):
        self.sheet.formulas[(self.row, self.column)] = text

    @property
    def number_format(self):
        return self.sheet.formats.get((self.row, self.column))

    @number_format.setter
    def number_format(self, fmt):
        self.sheet.formats[(self.row, self.column)] = fmt

    @property
    def color(self):
        return self.sheet.colors.get(self.address)

    @color.setter
    def color(self, c):
        self.sheet.colors[self.address] = c

    @property
    def column_width(self):
        return self.sheet.widths.get(self.column)

    @column_width.setter
    def column_width(self, w):
        self.sheet.widths[self.column] = w

    def add_note(self, text):
        if not self.sheet.book.notes_supported:  # what xlwings raises before ExcelApi 1.18
            raise NotImplementedError("Notes require ExcelApi 1.18")
        assert self.address not in self.sheet.notes, "a cell can hold one note"
        self.sheet.notes[self.address] = text


class FakeCharts:
    def __init__(self, sheet):
        self.sheet = sheet
        self.added = []

    def add(self, chart_type=None, source=None, anchor=None, name=None):
        self.added.append((chart_type, source.address, anchor.address, name))


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.colors: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.widths: dict[int, float] = {}
        self.color_scales: list = []
        self.array_formulas: dict[str, str] = {}
        self.shapes: dict[tuple[int, int], tuple[int, int]] = {}
        self.charts = FakeCharts(self)

    def __getitem__(self, address: str) -> FakeRange:
        return FakeRange(self, address)


class FakeSheets:
    def __init__(self, book):
        self.book = book
        self.items: list[FakeSheet] = []

    def add(self, name=None, before=None, after=None):
        assert name
        assert name not in [s.name for s in self.items], name
        assert len(name) <= 31
        sheet = FakeSheet(self.book, name)
        pos = self.items.index(after) + 1 if after is not None else 0
        self.items.insert(pos, sheet)
        return sheet

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.items[key]
        return next(s for s in self.items if s.name == key)

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


class FakeBook:
    def __init__(self, engine: str = "excel") -> None:
        self.sheets = FakeSheets(self)
        self.selection: FakeRange | None = None
        self.app = SimpleNamespace(engine=SimpleNamespace(name=engine, type=engine))
        self.dynamic_arrays = True
        self.notes_supported = True

    def select(self, sheet: str, address: str) -> None:
        self.selection = self.sheets[sheet][address]


def make_book(sheet: str, top_left: str, rows: list[list[Any]], **host: Any) -> FakeBook:
    book = FakeBook(host.pop("engine", "excel"))
    for key, value in host.items():
        setattr(book, key, value)
    data = book.sheets.add(name=sheet)
    r0, c0, _, _ = _parse(top_left)
    data[top_left].value = rows
    last = layouts.address(r0 + len(rows) - 1, c0 + len(rows[0]) - 1)
    book.select(sheet, f"{top_left}:{last}")
    return book


# --------------------------------------------------------------------------------------
# a tiny evaluator: =NAME(args) with references, through udfs.REGISTRY, with spilling
# --------------------------------------------------------------------------------------


def _split_args(text: str) -> list[str]:
    args, depth, quote, cur = [], 0, False, ""
    for ch in text:
        if ch == "'":
            quote = not quote
        if ch == "," and depth == 0 and not quote:
            args.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    args.append(cur)
    return args


def _resolve(book: FakeBook, sheet: FakeSheet, arg: str) -> Any:
    arg = arg.strip()
    if arg == "":
        return None
    if "!" in arg:
        name, ref = arg.rsplit("!", 1)
        target = book.sheets[unquote_sheet(name)]
    else:
        target, ref = sheet, arg
    if CELL_PATTERN.match(ref.partition(":")[0]):
        return target[ref.replace("$", "")].value
    if arg.startswith('"'):
        return arg.strip('"')
    return float(arg)


def evaluate(book: FakeBook, sheet: FakeSheet) -> None:
    """Evaluate the sheet's formulas in the order written, spilling array results."""
    for (r, c), text in list(sheet.formulas.items()):
        m = re.fullmatch(r"=([A-Z]+)\((.*)\)", text)
        assert m, text
        args = [_resolve(book, sheet, a) for a in _split_args(m.group(2))]
        while args and args[-1] is None:
            args.pop()
        result = udfs.REGISTRY[m.group(1)](*args)
        assert cv.excel_error_of(result) is None, (text, result)
        sheet[layouts.address(r, c)].value = result
        rows = result if isinstance(result, list) else [[result]]
        sheet.shapes[(r, c)] = (len(rows), len(rows[0]))


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------

REGIONS = ["北京", "天津", "河北", "山西", "内蒙古"]
SECTORS = ["第一产业", "第二产业", "第三产业"]
GDP = np.array(
    [[111.5, 8087.6, 35633.5], [268.5, 5856.4, 10817.5], [4700.6, 17093.7, 20524.5],
     [1261.5, 13100.6, 10788.6], [2652.4, 11133.4, 8841.2]]
)  # fmt: skip


def yearbook_rows(total: bool = True) -> list[list[Any]]:
    rows: list[list[Any]] = [["地区", *SECTORS]]
    rows += [[r, *map(float, v)] for r, v in zip(REGIONS, GDP, strict=True)]
    if total:
        rows.append(["全国", *map(float, GDP.sum(axis=0) * 3)])  # a country bigger than 5 provinces
    return rows


def spilled(sheet: FakeSheet, row: int, col: int, n: int, k: int) -> np.ndarray:
    return np.array(
        [[sheet.cells.get((row + i, col + j)) for j in range(k)] for i in range(n)], dtype=object
    )


# --------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------


def test_lq_sheet_writes_a_live_formula_with_the_national_row_as_totals():
    book = make_book("数据 2024", "A3", yearbook_rows())
    scripts.lq_sheet(book)
    sheet = book.sheets["LQ 数据 2024"]
    assert book.sheets[-1] is sheet
    assert sheet.formulas == {(5, 2): "=LQRATIO('数据 2024'!$B$4:$D$8,,'数据 2024'!$B$9:$D$9)"}
    assert sheet.formats[(5, 2)] == "0.00"
    # the midpoint colour sits at LQ = 1 (number thresholds 0, 1, 2), not at the median
    assert sheet.color_scales == [("B5:D9", list(layouts.HEAT_COLORS), [0.0, 1.0, 2.0], "number")]
    assert "(E_rk/E_r)/(E_k/E)" in sheet.cells[(2, 1)]
    assert [sheet.cells[(4, 2 + j)] for j in range(3)] == SECTORS
    assert [sheet.cells[(5 + i, 1)] for i in range(5)] == REGIONS
    assert "全国" in sheet.notes["B5"]
    evaluate(book, sheet)
    national = GDP.sum(axis=0) * 3
    expected = agglo.location_quotient(GDP, None, national, national.sum())
    np.testing.assert_allclose(spilled(sheet, 5, 2, 5, 3).astype(float), expected)


def test_lq_sheet_without_total_row_takes_totals_from_the_block_and_names_are_unique():
    book = make_book("Data", "B2", yearbook_rows(total=False))
    scripts.lq_sheet(book)
    book.select("Data", "B2:E7")
    scripts.lq_sheet(book)
    assert [s.name for s in book.sheets] == ["Data", "LQ Data", "LQ Data (2)"]
    sheet = book.sheets["LQ Data (2)"]
    assert sheet.formulas == {(5, 2): "=LQRATIO(Data!$C$3:$E$7)"}
    evaluate(book, sheet)
    np.testing.assert_allclose(
        spilled(sheet, 5, 2, 5, 3).astype(float), agglo.location_quotient(GDP)
    )


def test_coupling_report():
    scores = np.array([[0.31, 0.52], [0.66, 0.41], [0.48, 0.47], [0.12, 0.35]])
    rows = [["城市", "产业集聚", "城市发展"]] + [
        [f"C{i}", *map(float, s)] for i, s in enumerate(scores)
    ]
    book = make_book("Scores", "A1", rows)
    scripts.coupling_report(book)
    sheet = book.sheets["Coupling Scores"]
    assert sheet.formulas == {
        (4, 2): "=CTD(Scores!$B$2:$C$5)",
        (5, 5): "=COORDLEVEL(D5:D8)",
        (5, 6): "=LEADLAG(Scores!$B$2:$B$5,Scores!$C$2:$C$5)",
    }
    assert sheet.charts.added == [("line", "A4:D8", "H4", "C, T, D 耦合协调度")]
    evaluate(book, sheet)
    res = agglo.coupling_coordination(scores[:, 0], scores[:, 1])
    table = spilled(sheet, 5, 2, 4, 3).astype(float)
    np.testing.assert_allclose(table, np.c_[res.C, res.T, res.D])
    assert sheet.cells[(4, 2)].startswith("C [standard")
    assert list(spilled(sheet, 5, 5, 4, 1).ravel()) == list(agglo.coordination_level(res.D))
    assert list(spilled(sheet, 5, 6, 4, 1).ravel()) == list(
        agglo.lead_lag(scores[:, 0], scores[:, 1])
    )


def test_entropy_topsis_report():
    rng = np.random.default_rng(3)
    matrix = (rng.random((6, 3)) * 100 + 1).round(1)
    rows = [["城市", "GDP", "人口", "污染"]] + [
        [f"city{i}", *map(float, r)] for i, r in enumerate(matrix)
    ]
    book = make_book("Cities", "A1", rows)
    scripts.entropy_topsis_report(book)
    sheet = book.sheets["TOPSIS Cities"]
    sheet["D4"].value = "-"  # the user marks pollution as a cost indicator
    evaluate(book, sheet)
    dirs = ["+", "+", "-"]
    ent = agglo.entropy_weights(matrix, dirs)
    table = spilled(sheet, 7, 2, 3, 3).astype(float)
    np.testing.assert_allclose(table, np.c_[ent.entropy, ent.divergence, ent.weights])
    top = agglo.topsis(matrix, ent.weights, dirs)
    np.testing.assert_allclose(spilled(sheet, 11, 2, 6, 1).astype(float).ravel(), top.closeness)
    assert list(spilled(sheet, 11, 3, 6, 1).ravel()) == list(top.rank)
    assert sheet.charts.added == [("bar_clustered", "A10:B16", "E10", "TOPSIS 贴近度")]


def test_check_data_marks_text_missing_totals_and_negatives():
    rows = yearbook_rows()
    rows[1][2] = "—"
    rows[2][3] = "n/a?"
    rows[3][1] = -5.0
    rows[4][2] = True
    book = make_book("Data", "A1", rows)
    scripts.check_data(book)
    colors = book.sheets["Data"].colors
    assert colors == {
        "C2": layouts.MARK_COLORS["missing"],
        "D3": layouts.MARK_COLORS["text"],
        "B4": layouts.MARK_COLORS["negative"],
        "C5": layouts.MARK_COLORS["text"],
        **{f"{c}7": layouts.MARK_COLORS["total"] for c in "ABCD"},
    }
    notes = book.sheets["Data"].notes
    assert "C2" not in notes
    assert "boolean" in notes["C5"]
    assert "Total row" in notes["A7"]


def test_invalid_selections_raise_clear_messages():
    book = make_book("S", "A1", [["城市", "U1"], ["A", 0.3], ["B", 0.5]])
    with pytest.raises(AggloValueError, match="one column per system"):
        scripts.coupling_report(book)
    rows = yearbook_rows()
    rows.insert(3, ["合计", 1.0, 2.0, 3.0])
    book = make_book("S", "A1", rows)
    with pytest.raises(AggloValueError, match="totals"):
        scripts.lq_sheet(book)
    book.selection = None
    with pytest.raises(AggloValueError, match="Select a block"):
        scripts.lq_sheet(book)


def test_plans_are_plain_data_for_the_engine_and_templates():
    sel = layouts.Selection("数据", 3, 1, yearbook_rows())
    plan = layouts.lq_sheet(sel, existing=["LQ 数据"])
    assert plan.sheet == "LQ 数据 (2)"
    assert plan.values()["A4"] == "地区 region"
    assert set(plan.formulas()) == {"B5"}
    assert layouts.range_address(1, 1, 2, 2, sheet="O'Brien") == "'O''Brien'!$A$1:$B$2"
    assert layouts.range_address(1, 1, sheet="A1") == "'A1'!$A$1"


# --------------------------------------------------------------------------------------
# add-in files: Lite bundle, install command, ribbon add-in build
# --------------------------------------------------------------------------------------


def test_lite_bundle_exposes_every_function_and_script():
    import ast

    from agglo_addin import install

    bundle = install.lite_bundle_dir()
    main_py = (bundle / "main.py").read_text(encoding="utf-8")
    assert main_py == install.lite_main_source()  # the committed copy is up to date
    assert (bundle / "requirements.txt").read_text(encoding="utf-8") == install.LITE_REQUIREMENTS
    imported = {
        alias.name: node.module
        for node in ast.walk(ast.parse(main_py))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert {n for n, m in imported.items() if m == "agglo_addin.udfs"} == set(udfs.lite_names())
    # the short classic-only names never reach Lite (Office needs 3+ letters; SHARE is XLM)
    assert set(udfs.CLASSIC_ALIASES) == {"LQ", "EG", "MS", "SHARE"}
    assert not set(udfs.CLASSIC_ALIASES) & set(imported)
    assert {n for n, m in imported.items() if m == "agglo_addin.scripts"} == {
        "lq_sheet", "coupling_report", "entropy_topsis_report", "check_data"
    }  # fmt: skip
    namespace: dict[str, Any] = {}
    exec(compile(main_py, "main.py", "exec"), namespace)  # noqa: S102 (our own file)
    for name in udfs.lite_names():
        assert namespace[name] is udfs.REGISTRY[name]
    reqs = [ln for ln in install.LITE_REQUIREMENTS.splitlines() if ln and not ln.startswith("#")]
    assert reqs == ["agglo", "xlwings>=0.37.5"]
    assert "append" in install.LITE_REQUIREMENTS


def test_xlwings_config_update_keeps_other_settings():
    from agglo_addin.install import update_config_text

    old = '"LICENSE_KEY","abc"\n\n"udf modules","mine"\n"INTERPRETER_WIN","C:\\py\\pythonw.exe"\n'
    new = update_config_text(old, {"UDF MODULES": "agglo_addin.udfs", "INTERPRETER_WIN": "X"})
    assert new.splitlines() == [
        '"LICENSE_KEY","abc"',
        '"UDF MODULES","agglo_addin.udfs"',
        '"INTERPRETER_WIN","X"',
    ]
    assert update_config_text("", {"UDF MODULES": "m"}) == '"UDF MODULES","m"\n'


def test_addin_command(tmp_path, capsys):
    import sys

    from agglo_addin.cli import main

    assert main(["addin", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert 'append agglo_addin.udfs to "UDF MODULES"' in out
    assert "Import Functions" in out
    assert "Trust access to the VBA project object model" in out
    assert "Restart UDF Server" in out
    assert "Tools > References" in out
    if not sys.platform.startswith("win"):
        assert main(["addin", "install"]) == 2
        assert "xlwings Lite" in capsys.readouterr().out
    assert main(["addin", "lite", "--out", str(tmp_path / "lite")]) == 0
    assert (tmp_path / "lite" / "main.py").read_text(encoding="utf-8").count("    LQRATIO,") == 1


@pytest.mark.slow
def test_ribbon_addin_build_changes_only_three_xml_parts(tmp_path):
    import zipfile

    from agglo_addin import build_addin

    built = build_addin.build(
        tmp_path / "dist", interpreter={"INTERPRETER_WIN": "C:\\py\\pythonw.exe"}
    )
    template = build_addin._quickstart(tmp_path)
    with zipfile.ZipFile(built) as zb, zipfile.ZipFile(template) as zt:
        assert zb.namelist() == zt.namelist()
        changed = [n for n in zb.namelist() if zb.read(n) != zt.read(n)]
        assert sorted(changed) == [
            "customUI/customUI.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"
        ]  # fmt: skip
        ui = zb.read("customUI/customUI.xml").decode()
        sheet = zb.read("xl/worksheets/sheet1.xml").decode()
    assert 'label="Agglo"' in ui
    vba = (tmp_path / "dist" / "RibbonAgglo.bas").read_text(encoding="cp1252")
    for _bid, _label, _icon, callback, func in build_addin.RIBBON_BUTTONS:
        assert f'onAction="RibbonAgglo.{callback}"' in ui
        assert f"Sub {callback}(control As IRibbonControl)" in vba
        if func:
            assert callable(getattr(scripts, func))
            assert f's.{func}()"' in vba
    assert "<t>agglo_addin.udfs</t>" in sheet


# --------------------------------------------------------------------------------------
# the same plans through the headless engine
# --------------------------------------------------------------------------------------


def _through_engine(book: FakeBook, plan_sheet: str, tmp_path) -> list[list[Any]]:
    """Save the stand-in book as .xlsx (each formula as an array formula sized by the
    stand-in's own evaluation), refresh it headlessly, return the plan sheet's values."""
    openpyxl = pytest.importorskip("openpyxl")
    calamine = pytest.importorskip("python_calamine")
    engine = pytest.importorskip("agglo_addin.engine")
    from openpyxl.worksheet.formula import ArrayFormula

    written = {sh.name: dict(sh.cells) for sh in book.sheets}
    evaluate(book, book.sheets[plan_sheet])
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in book.sheets:
        ws = wb.create_sheet(sh.name)
        for (r, c), v in written[sh.name].items():
            if v is not None:
                ws.cell(r, c, v)
        for (r, c), text in sh.formulas.items():
            n = k = 1
            while sh.cells.get((r + n, c)) is not None and (r + n, c) not in written[sh.name]:
                n += 1
            while sh.cells.get((r, c + k)) is not None and (r, c + k) not in written[sh.name]:
                k += 1
            a = layouts.address(r, c)
            ws[a] = ArrayFormula(f"{a}:{layouts.address(r + n - 1, c + k - 1)}", text)
    tmp_path.mkdir(parents=True, exist_ok=True)
    wb.save(tmp_path / "in.xlsx")
    report = engine.refresh_workbook(tmp_path / "in.xlsx", out=tmp_path / "out.xlsx", backup=False)
    assert not report.problems, report.problems
    book_out = calamine.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx"))
    return book_out.get_sheet_by_name(plan_sheet).to_python()


def _same(engine_rows: list[list[Any]], sheet: FakeSheet, rows: range, cols: range) -> None:
    for r in rows:
        for c in cols:
            want = sheet.cells.get((r, c))
            got = engine_rows[r - 1][c - 1]
            if isinstance(want, float):
                assert got == pytest.approx(want, rel=1e-12), (r, c)
            else:
                assert got == ("" if want is None else want), (r, c)


def test_lq_plan_through_the_headless_engine(tmp_path):
    book = make_book("Data", "B2", yearbook_rows(total=False))
    scripts.lq_sheet(book)
    rows = _through_engine(book, "LQ Data", tmp_path)
    _same(rows, book.sheets["LQ Data"], range(4, 10), range(1, 5))


def test_lq_plan_with_total_row_through_the_headless_engine(tmp_path):
    book = make_book("数据", "A3", yearbook_rows())
    scripts.lq_sheet(book)
    rows = _through_engine(book, "LQ 数据", tmp_path)
    _same(rows, book.sheets["LQ 数据"], range(5, 10), range(2, 5))


def test_coupling_and_topsis_plans_through_the_headless_engine(tmp_path):
    scores = [[0.31, 0.52], [0.66, 0.41], [0.48, 0.47], [0.12, 0.35]]
    book = make_book(
        "Scores", "A1", [["城市", "U1", "U2"]] + [[f"C{i}", *s] for i, s in enumerate(scores)]
    )
    scripts.coupling_report(book)
    rows = _through_engine(book, "Coupling Scores", tmp_path / "c")
    _same(rows, book.sheets["Coupling Scores"], range(4, 9), range(1, 7))
    matrix = [[12.0, 3.1, 40.0], [8.5, 4.2, 22.0], [15.2, 2.2, 35.0], [9.9, 5.0, 18.0]]
    book = make_book(
        "M", "A1", [["城市", "a", "b", "c"]] + [[f"C{i}", *m] for i, m in enumerate(matrix)]
    )
    scripts.entropy_topsis_report(book)
    rows = _through_engine(book, "TOPSIS M", tmp_path / "t")
    _same(rows, book.sheets["TOPSIS M"], range(6, 15), range(1, 5))


# --------------------------------------------------------------------------------------
# host differences: Excel before 2021, column widths in points, hosts without notes
# --------------------------------------------------------------------------------------


def _coupling_rows() -> list[list[Any]]:
    scores = [[0.31, 0.52], [0.66, 0.41], [0.48, 0.47], [0.12, 0.35]]
    return [["城市", "U1", "U2"]] + [[f"C{i}", *s] for i, s in enumerate(scores)]


def _matrix_rows() -> list[list[Any]]:
    matrix = (np.random.default_rng(3).random((6, 3)) * 100 + 1).round(1)
    return [["城市", "GDP", "人口", "污染"]] + [
        [f"city{i}", *map(float, r)] for i, r in enumerate(matrix)
    ]


SCRIPT_CASES = [
    (scripts.lq_sheet, "数据", yearbook_rows),
    (scripts.coupling_report, "Scores", _coupling_rows),
    (scripts.entropy_topsis_report, "Cities", _matrix_rows),
]


@pytest.mark.parametrize(("script", "name", "rows"), SCRIPT_CASES)
def test_declared_spill_sizes_are_what_the_formulas_return(script, name, rows):
    book = make_book(name, "A1", rows())
    script(book)
    sheet = book.sheets[-1]
    sel = layouts.Selection(name, 1, 1, rows())
    plan = {
        scripts.lq_sheet: layouts.lq_sheet,
        scripts.coupling_report: layouts.coupling_report,
        scripts.entropy_topsis_report: layouts.entropy_topsis_report,
    }[script](sel)
    evaluate(book, sheet)
    declared = {_parse(w.address)[:2]: w.spill for w in plan.writes if w.formula}
    assert declared == sheet.shapes
    assert all(s is not None for s in declared.values())


@pytest.mark.parametrize(("script", "name", "rows"), SCRIPT_CASES)
def test_excel_before_2021_gets_array_formulas_of_the_spill_size(script, name, rows):
    modern = make_book(name, "A1", rows())
    script(modern)
    old = make_book(name, "A1", rows(), dynamic_arrays=False)
    script(old)
    new_sheet, old_sheet = modern.sheets[-1], old.sheets[-1]
    assert old_sheet.formulas == new_sheet.formulas
    assert new_sheet.array_formulas == {}
    evaluate(modern, new_sheet)
    for (r, c), (n, k) in new_sheet.shapes.items():
        if (n, k) == (1, 1):
            continue
        ref = f"{layouts.address(r, c)}:{layouts.address(r + n - 1, c + k - 1)}"
        assert old_sheet.array_formulas[ref] == new_sheet.formulas[(r, c)]


def test_column_widths_are_points_where_the_host_measures_points():
    classic = make_book("数据", "A1", yearbook_rows())
    scripts.lq_sheet(classic)
    lite = make_book("数据", "A1", yearbook_rows(), engine="remote")
    scripts.lq_sheet(lite)
    assert classic.sheets[-1].widths == {1: 14}
    # 14 characters of Calibri 11 = 7·14 + 5 = 103 pixels = 77.25 points (Excel's own rule)
    assert lite.sheets[-1].widths == {1: 77.25}
    assert scripts.width_in_points(8.43) == 48.0  # Excel's default column: 64 px = 48 pt


def test_check_data_colours_cells_on_hosts_without_notes():
    rows = yearbook_rows()
    rows[2][3] = "n/a?"
    with_notes = make_book("Data", "A1", rows)
    scripts.check_data(with_notes)
    without = make_book("Data", "A1", rows, notes_supported=False)
    scripts.check_data(without)  # does not abort
    assert without.sheets["Data"].colors == with_notes.sheets["Data"].colors
    assert with_notes.sheets["Data"].notes
    assert not without.sheets["Data"].notes
    book = make_book("数据", "A1", yearbook_rows(), notes_supported=False)
    scripts.lq_sheet(book)  # the LQ sheet's note on the total row is skipped, not fatal
    assert book.sheets[-1].formulas
