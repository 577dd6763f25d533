"""Never a plausible wrong number: what a yearbook selection can hide is refused or left out.

The worksheet functions are called as Excel calls them (a list of rows per argument).
Every variation of a valid table that a user's selection can bring in — a total row, a
subtotal of a grouping, a footnote row, a unit row, a year header, a footnote mark — gives
the same result as the clean table, or a refusal (``#VALUE!``) with a message; never
another number.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from _yearbook_grids import CITIES, CITY_NAMES, REAL_ESTATE_2019, jiangsu_grid
from agglo import _messages
from agglo_addin import conversion as cv
from agglo_addin.udfs import REGISTRY
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

MEASURES = ("LQ", "HHI", "KRUGMAN", "HOOVER", "SPATIALGINI")


def _call(name: str, *args):
    return REGISTRY[name](*args)


def _refused(out) -> bool:
    return cv.excel_error_of(out) == "#VALUE!" and isinstance(out, str)


def _same_or_refused(base, out) -> bool:
    if _refused(out):
        return True
    return np.allclose(np.asarray(base, dtype=float), np.asarray(out, dtype=float), rtol=1e-12)


# --------------------------------------------------------------------------------------
# the cases of the yearbook tables, one by one
# --------------------------------------------------------------------------------------


def test_jiangsu_table_selected_whole_is_refused_naming_the_total_row():
    out = _call("LQ", jiangsu_grid())
    assert _refused(out)
    message = cv.error_message_of(out)
    assert "第6行" in message  # the 全省 row, counted from 1 in the selection
    assert "row 6" in message


def test_jiangsu_cities_only_give_the_lq_of_the_clean_block():
    grid = jiangsu_grid()
    header = grid[2:5]
    cities = [r for r in grid if r[0] in CITY_NAMES]
    out = np.asarray(_call("LQ", header + cities), dtype=float)
    share = CITIES / CITIES.sum(axis=1, keepdims=True)
    expected = share / (CITIES.sum(axis=0) / CITIES.sum())
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("where", ["top", "bottom"])
@pytest.mark.parametrize("measure", ["HHI", "CRN", "GINI"])
def test_one_column_with_an_unlabelled_total_is_refused(where, measure):
    col = [[v] for v in CITIES[:, 1]]
    total = [[float(CITIES[:, 1].sum())]]
    out = _call(measure, total + col if where == "top" else col + total)
    assert _refused(out)
    assert "合计" in cv.error_message_of(out)


@pytest.mark.parametrize("measure", MEASURES)
def test_unlabelled_subtotal_rows_are_refused(measure):
    sub = CITIES[:3].sum(axis=0).round(2).tolist()
    labelled = [["地区", "甲", "乙", "丙"], ["片区一", *sub]]
    labelled += [[n, *row] for n, row in zip(CITY_NAMES, CITIES.tolist(), strict=True)]
    numbers_only = [r[1:] for r in labelled[1:]]
    for grid in (labelled, numbers_only):
        out = _call(measure, grid)
        assert _refused(out)
        assert "小计" in cv.error_message_of(out)
    assert "第2行" in cv.error_message_of(_call(measure, labelled))


def test_mixed_units_are_refused():
    grid = [
        ["地区", "从业人员(万人)", "增加值(亿元)"],
        ["甲", 1.0, 2.0],
        ["乙", 3.0, 4.0],
        ["丙", 5.0, 7.0],
    ]
    for measure in MEASURES:
        out = _call(measure, grid)
        assert _refused(out), measure
        assert "万人" in cv.error_message_of(out)
        assert "第3列" in cv.error_message_of(out)


def test_a_sector_beside_its_parts_is_refused():
    grid = [
        ["地区", "工业", "建筑业", "第二产业"],
        ["甲", 1.0, 2.0, 3.0],
        ["乙", 3.0, 1.0, 4.0],
        ["丙", 5.0, 2.0, 7.0],
    ]
    out = _call("LQ", grid)
    assert _refused(out)
    assert "第二产业" in cv.error_message_of(out)


def test_coupling_of_raw_values_asks_to_normalise_first():
    for measure in ("COUPLING", "CTD", "COORDDEGREE", "COORDINDEX"):
        out = _call(measure, [[3500.2, 0.4], [0.5, 0.6], [0.7, 0.2]])
        assert _refused(out), measure
        message = cv.error_message_of(out)
        assert "NORMALIZE" in message
        assert "RESCALE" in message
        assert "第1行第1列" in message
    assert not _refused(_call("COUPLING", [[0.3, 0.4], [0.5, 0.6], [0.7, 0.2]]))


def test_footnote_mark_is_not_read_into_the_number():
    grid = [["地区", "甲", "乙"], ["A市", "444.22①", 2.0], ["B市", 3.0, 4.0], ["C市", 5.0, 7.0]]
    clean = [["地区", "甲", "乙"], ["A市", 444.22, 2.0], ["B市", 3.0, 4.0], ["C市", 5.0, 7.0]]
    assert _call("LQ", grid) == _call("LQ", clean)


def test_year_header_of_numbers_is_not_read_as_a_region():
    clean = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5], [2.0, 1.0, 0.5]]
    with_years = [[2012.0, 2013.0, 2014.0], *clean]
    assert _call("HOOVER", with_years) == _call("HOOVER", clean)


# --------------------------------------------------------------------------------------
# messages
# --------------------------------------------------------------------------------------

BAD_CALLS = [
    ("LQ", [jiangsu_grid()]),
    ("LQ", [[["地区", "甲"], ["A", 1.0], ["B", "abc"]]]),
    ("HHI", [[[10.0], [1.0], [2.0], [3.0], [4.0]]]),
    ("COUPLING", [[[3.0, 0.4], [0.5, 0.6]]]),
    ("LQ", [[["地区", "GDP(亿元)", "人口(万人)"], ["A", 1.0, 2.0], ["B", 3.0, 4.0]]]),
]


@pytest.mark.parametrize(("measure", "args"), BAD_CALLS)
def test_messages_are_chinese_first_one_based_and_fit_a_cell(measure, args):
    out = _call(measure, *args)
    message = cv.error_message_of(out)
    assert len(out) <= cv.MAX_TEXT
    assert re.match(r"^'\w+' 的", message)  # Chinese first
    zh = message.split(" / ")[0]
    assert re.search(r"第[1-9]\d*[行列]", zh)  # 1-based position
    assert re.search(r"请", zh)  # the remedy, within the Chinese part
    assert len("#VALUE! " + zh) <= cv.MAX_TEXT


@pytest.mark.parametrize(("measure", "args"), BAD_CALLS)
def test_messages_name_the_cell_when_the_range_is_known(measure, args):
    name = "data" if measure == "LQ" else ("values" if measure == "HHI" else "systems")
    with _messages.argument_origins({name: ("Sheet1", 4, 2)}):
        message = cv.error_message_of(_call(measure, *args))
    assert re.search(r"Sheet1!\$?[B-Z]\d+", message), message


def test_english_only_switch(monkeypatch):
    monkeypatch.setenv("AGGLO_LANG", "en")
    message = cv.error_message_of(_call("HHI", [[10.0], [1.0], [2.0], [3.0], [4.0]]))
    assert not re.search(r"[\u4e00-\u9fff]{3}", message.split("(")[0])
    assert message.startswith("'values' seems to contain a total row (row 1")


# --------------------------------------------------------------------------------------
# properties: nothing a selection brings in changes a result silently
# --------------------------------------------------------------------------------------

POOL = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市",
        "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"]  # fmt: skip


@st.composite
def tables(draw):
    n = draw(st.integers(3, 9))
    k = draw(st.integers(2, 4))
    cents = draw(
        st.lists(st.lists(st.integers(100, 99_999), min_size=k, max_size=k), min_size=n, max_size=n)
    )
    values = np.array(cents, dtype=float) / 100.0
    names = POOL[:n]
    return names, values


def _grid(names, values, header=None):
    k = values.shape[1]
    head = header or ["地区", *[f"行业{j + 1}" for j in range(k)]]
    return [head, *[[nm, *row.tolist()] for nm, row in zip(names, values, strict=True)]]


VARIANTS = ("total_top", "total_bottom", "total_numbers_only", "subtotal", "footnote_row",
            "unit_row", "year_header", "footnote_mark")  # fmt: skip


def _variant(kind, names, values, data):
    grid = _grid(names, values)
    k = values.shape[1]
    if kind == "total_top":
        grid.insert(1, ["全    省", *values.sum(axis=0).round(2).tolist()])
    elif kind == "total_bottom":
        grid.append(["合  计", *values.sum(axis=0).round(2).tolist()])
    elif kind == "total_numbers_only":
        body = [r[1:] for r in grid[1:]]
        body.append(values.sum(axis=0).round(2).tolist())
        return body
    elif kind == "subtotal":
        a = data.draw(st.integers(0, len(names) - 2))
        b = data.draw(st.integers(a + 1, len(names) - 1))
        label = data.draw(
            st.sampled_from(
                ["苏南", "苏中", "苏北", "珠三角", "浙东北", "东部地区", "小计", "片区一"]
            )
        )
        grid.insert(1 + a, [label, *values[a : b + 1].sum(axis=0).round(2).tolist()])
    elif kind == "footnote_row":
        grid.append(["注：本表按当年价格计算。", *([None] * k)])
    elif kind == "unit_row":
        grid.insert(1, [None, *(["(亿元)"] * k)])
    elif kind == "year_header":
        grid[0] = [None, *[2012.0 + j for j in range(k)]]
    elif kind == "footnote_mark":
        i = data.draw(st.integers(1, len(names)))
        j = data.draw(st.integers(1, k))
        grid[i][j] = f"{grid[i][j]}{data.draw(st.sampled_from(['①', '②', '*', '¹']))}"
    return grid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(VARIANTS), st.sampled_from(MEASURES), st.data())
def test_a_selection_never_changes_a_result_silently(table, kind, measure, data):
    names, values = table
    base = _call(measure, _grid(names, values))
    assume(not _refused(base))
    out = _call(measure, _variant(kind, names, values, data))
    assert _same_or_refused(base, out), (kind, out)
    if kind.startswith("total") or kind == "subtotal":
        assert _refused(out), (kind, out)  # a total or subtotal is never counted


@settings(max_examples=40, deadline=None)
@given(
    tables(),
    st.sampled_from(("total_top", "total_bottom", "footnote_row", "footnote_mark")),
    st.sampled_from(("HHI", "CRN", "GINI")),
    st.data(),
)
def test_one_column_measures_never_change_silently(table, kind, measure, data):
    names, values = table
    values = values[:, :1]
    base = _call(measure, _grid(names, values))
    assume(not _refused(base))
    out = _call(measure, _variant(kind, names, values, data))
    assert _same_or_refused(base, out), (kind, out)
    if kind.startswith("total"):
        assert _refused(out)


# --------------------------------------------------------------------------------------
# the headless engine names the worksheet cell
# --------------------------------------------------------------------------------------


def test_engine_messages_name_the_worksheet_cell(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from agglo_addin import engine, xlsx

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "地区"
    ws["C2"] = "GDP"
    rows = [("全  省", 100.0), ("甲市", 20.0), ("乙市", 30.0), ("丙市", 50.0)]
    for r, (name, v) in enumerate(rows, 3):
        ws.cell(r, 2, name)
        ws.cell(r, 3, v)
    ws["E2"] = "=HHI(C3:C6)"
    ws["E3"] = "=HHI(B2:C6)"
    ws["E4"] = "=HHI(C4:C6)"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ev = engine.evaluate_package(xlsx.read_package(path))
    reasons = {pr.cell: pr.reason for pr in ev.problems}
    assert "C3" in reasons["E2"]  # the unlabelled total, by its cell
    assert "B3" in reasons["E3"]  # the labelled 全省 row, by its first cell
    assert reasons["E2"].startswith("'values' 的C3")
    assert "E4" not in reasons


# --------------------------------------------------------------------------------------
# check_data and the report scripts read the table the same way
# --------------------------------------------------------------------------------------


def test_check_data_marks_totals_subtotals_footnotes_and_year_headers():
    from agglo_addin.layouts import Selection, check_data

    grid = jiangsu_grid()
    marks = {(m.address, m.kind) for m in check_data(Selection("S", 1, 1, grid))}
    assert ("A6", "total") in marks  # 全    省
    assert ("C7", "subtotal") in marks  # 苏南
    assert ("A18", "footnote") in marks
    years = [
        [None, 2012.0, 2013.0],
        ["南京市", 1.0, 2.0],
        ["其中：市区", 0.5, 1.0],
        ["苏州市", 2.0, 3.0],
    ]
    marks = {(m.address, m.kind) for m in check_data(Selection("S", 1, 1, years))}
    assert {("B1", "header"), ("C1", "header"), ("A3", "of_which")} <= marks


def test_report_layout_refuses_subtotals_and_skips_footnotes():
    from agglo import AggloValueError
    from agglo_addin.layouts import Selection, analyse_block

    grid = jiangsu_grid()
    with pytest.raises(AggloValueError, match=r"第5行（'苏南"):
        analyse_block(Selection("S", 1, 1, grid[2:]), allow_total=True)
    cities = [r for r in grid if r[0] in CITY_NAMES]
    lay = analyse_block(Selection("S", 1, 1, [*grid[2:6], *cities[:3], grid[-2], grid[-1]]))
    assert lay.total_row == 4  # 全省, the national reference
    assert lay.n_rows == 3  # the footnote rows are not regions
    assert lay.data_row == 5
    assert lay.data_col == 3  # two label columns


def test_missing_cells_are_counted_in_the_table_header():
    out = _call("CTD", [[0.2, 0.3], [None, 0.5], [0.4, 0.6], [0.1, 0.9]])
    assert "缺失1格" in out[0][0]
    assert "1 missing cell" in out[0][0]
    clean = _call("CTD", [[0.2, 0.3], [0.3, 0.5], [0.4, 0.6], [0.1, 0.9]])
    assert "missing" not in clean[0][0]


@pytest.mark.parametrize(
    ("formula", "func", "expected"),
    [
        ("=LQ(B3:I33)", "LQ", {"data": (None, 3, 2)}),
        (
            "=lq($B$3:$I$33,,Data!B40:I40)",
            "LQ",
            {"data": (None, 3, 2), "industry_totals": ("Data", 40, 2)},
        ),
        ("=ROUND(HHI('省 数据'!C5:C35),4)", "HHI", {"values": ("省 数据", 5, 3)}),
        ("=HHI(IF(A1:A3>0,A1:A3))", "HHI", {}),  # an expression: rows counted instead
        ("=_xldudf_HHI(AA10:AA20)", "HHI", {"values": (None, 10, 27)}),
        ("=SUM(A1:A3)", "HHI", {}),
    ],
)
def test_origins_from_formula(formula, func, expected):
    params = {"LQ": ["data", "region_totals", "industry_totals"], "HHI": ["values"]}[func]
    got = cv.origins_from_formula(formula, func, params)
    assert {k: v for k, v in got.items() if not k.startswith("system")} == expected


def test_classic_excel_caller_gives_worksheet_addresses():
    """xlwings passes the calling cell as the reserved last argument ``caller``."""

    class Caller:  # what xlwings passes: a Range whose formula is the calling cell's
        formula = "=ROUND(HHI(Data!$C$3:$C$7),4)"

    values = [[10.0], [1.0], [2.0], [3.0], [4.0]]
    out = REGISTRY["HHI"](values, None, None, Caller())
    assert "Data!C3" in cv.error_message_of(out)
    # no caller (the headless engine, xlwings Lite, Python): rows counted from 1
    assert "第1行" in cv.error_message_of(REGISTRY["HHI"](values))

    class Broken:
        @property
        def formula(self):
            raise RuntimeError("COM error")

    assert "第1行" in cv.error_message_of(REGISTRY["HHI"](values, None, None, Broken()))
    # a surplus value typed in a formula is still an error, not taken for the caller
    assert cv.excel_error_of(REGISTRY["HHI"](values, None, None, 5.0)) == "#VALUE!"


# --------------------------------------------------------------------------------------
# units written in the row labels
# --------------------------------------------------------------------------------------

_ROWS_IN_UNITS = [
    ["指标", "2019年", "2018年", "2017年"],
    ["住宅投资额(亿元)", 2318.13, 2225.92, 2152.4],
    ["办公楼投资额(亿元)", 689.36, 692.71, 642.2],
    ["住宅施工面积(万平方米)", 7961.0, 7820.0, 7756.0],
    ["住宅平均售价(元/平方米)", 45000.0, 43000.0, 41000.0],
]


@pytest.mark.parametrize("measure", ["LQ", "KRUGMAN", "HOOVER"])
def test_rows_whose_labels_carry_different_units_are_refused(measure):
    """亿元 rows above 万平方米 and 元/平方米 rows: no share over the rows means anything;
    the message names the first row of another unit (row 4 of the selection)."""
    out = _call(measure, _ROWS_IN_UNITS)
    assert _refused(out), out
    for part in ("各行单位不同", "亿元", "万平方米", "第4行", "row 4"):
        assert part in out, out


def test_rows_of_one_unit_in_their_labels_are_read():
    """The two 亿元 rows alone: the same LQs as the bare numbers."""
    same = _call("LQ", _ROWS_IN_UNITS[:3])
    bare = _call("LQ", [r[1:] for r in _ROWS_IN_UNITS[1:3]])
    assert not _refused(same), same
    assert np.allclose(np.asarray(same, dtype=float), np.asarray(bare, dtype=float), rtol=1e-12)


class _Sheet:
    """What classic xlwings gives a worksheet function through ``caller``: the calling
    cell's formula, and its sheet and book to read cells from (here a grid, A1 = [0][0])."""

    def __init__(self, grid, formula):
        self.grid, self._formula, self.reads = grid, formula, []
        self.sheet = self.book = self

    @property
    def formula(self):
        return self._formula

    @property
    def sheets(self):
        return {"Data": self}

    def range(self, first, last):
        (r1, c1), (r2, c2) = first, last
        self.reads.append((r1, c1, r2, c2))
        g = self.grid

        def cell(r, c):
            return g[r - 1][c - 1] if r <= len(g) and c <= len(g[r - 1]) else None

        class Range:
            value = [[cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

            def options(self, **_kw):
                return self

        return Range()


def test_units_in_the_labels_beside_a_selection_of_numbers_are_seen():
    """LQ over the numbers alone (B2:D5) while the labels in column A carry 亿元, 万平方米
    and 元/平方米: classic Excel reads the labels beside the selection and refuses,
    naming the first row of another unit by its address; where no worksheet can be read
    (xlwings Lite, Python) the numbers alone are all there is."""
    numbers = [r[1:] for r in _ROWS_IN_UNITS[1:]]
    for measure in ("LQ", "KRUGMAN", "HOOVER"):
        caller = _Sheet(_ROWS_IN_UNITS, f"={measure}(Data!B2:D5)")
        out = REGISTRY[measure](numbers, *[None] * (_arity(measure) - 1), caller)
        msg = cv.error_message_of(out)
        assert msg, (measure, out)
        assert "各行单位不同" in msg, msg
        assert "Data!B4" in msg, msg
        assert caller.reads == [(2, 1, 5, 1)]  # the label column only, once
        assert cv.error_message_of(REGISTRY[measure](numbers)) is None
    # one unit in the labels beside: the same numbers as without them
    caller = _Sheet(_ROWS_IN_UNITS, "=LQ(Data!B2:D3)")
    same = REGISTRY["LQ"](numbers[:2], *[None] * 5, caller)
    assert np.allclose(np.asarray(same, float), np.asarray(_call("LQ", numbers[:2]), float))


_FAMILY = REAL_ESTATE_2019


def test_totals_named_in_the_labels_beside_a_selection_are_refused():
    """The indicator's total above three of its items (not their sum: other items are
    unpublished), and a 合计 row, each seen through the labels beside the numbers."""
    col = [[r[1]] for r in _FAMILY[1:5]]
    caller = _Sheet(_FAMILY, "=SHAREOF(Data!B2:B5)")
    msg = cv.error_message_of(REGISTRY["SHAREOF"](col, None, None, caller))
    assert msg, msg
    assert "Data!B2" in msg, msg
    assert "合计" in msg, msg
    # the three items alone: a large item among its siblings is not a total
    caller = _Sheet(_FAMILY, "=SHAREOF(Data!B3:B5)")
    shares = REGISTRY["SHAREOF"](col[1:], None, None, caller)
    assert np.allclose(np.asarray(shares, float).ravel(), np.array(col[1:]).ravel() / 3464.72)
    caller = _Sheet(_FAMILY, "=HHI(Data!B3:B6)")
    items = [[r[1]] for r in _FAMILY[2:6]]
    msg = cv.error_message_of(REGISTRY["HHI"](items, None, None, caller))
    assert msg, msg
    assert "Data!B6" in msg, msg
    assert "'合计'" in msg, msg
    # labels inside the selection: the same refusal
    msg = cv.error_message_of(_call("SHAREOF", [r[:2] for r in _FAMILY[1:5]]))
    assert msg, msg
    assert "第1行" in msg, msg
    assert "合计" in msg, msg


def test_checks_inside_agglo_name_the_cell_of_a_labelled_selection():
    """A blank inside a block with a header row and a label column: agglo's own check of
    the array names the worksheet cell (classic Excel, the engine), or the row and column
    of the selection (Lite, no caller) — never the position inside the array of numbers."""
    block = [[None, "x1", "x2"], ["甲", 1.0, 2.0], ["乙", None, 3.0], ["丙", 2.0, 5.0]]
    caller = _Sheet(block, "=ENTROPY(Data!B2:D5)")
    msg = cv.error_message_of(REGISTRY["ENTROPY"](block, *[None] * 4, caller))
    assert "Data!C4为空" in msg, msg
    assert "found one at Data!C4" in msg, msg
    msg = cv.error_message_of(REGISTRY["ENTROPY"](block))
    assert "第3行第2列为空" in msg, msg
    assert "row 3, column 2" in msg, msg
    # the numbers alone: the same cell
    numbers = [r[1:] for r in block[1:]]
    caller = _Sheet(block, "=ENTROPY(Data!C3:D5)")
    msg = cv.error_message_of(REGISTRY["ENTROPY"](numbers, *[None] * 4, caller))
    assert "Data!C4为空" in msg, msg


def test_a_total_at_the_end_of_a_row_is_named_by_its_cell():
    """=HHI(Data!B9:E9) whose last value is the sum of the others: the cell is E9, not a
    cell counted down the rows from B9."""
    caller = _Sheet([], "=HHI(Data!B9:E9)")
    msg = cv.error_message_of(REGISTRY["HHI"]([[1.0, 2.0, 3.0, 6.0]], None, None, caller))
    assert "Data!E9" in msg, msg
    assert "B12" not in msg, msg
    msg = cv.error_message_of(REGISTRY["HHI"]([[1.0, 2.0, 3.0, 6.0]]))
    assert "第1行第4列" in msg, msg


def _arity(measure: str) -> int:
    import inspect

    return len(inspect.signature(REGISTRY[measure]).parameters) - 1  # without caller


# --------------------------------------------------------------------------------------
# nested subtotals in one column
# --------------------------------------------------------------------------------------

# 采矿业 over three of its divisions, 制造业 over four, then 电力… (2022, 万吨标准煤 shape)
_MINING = [7812.0, 2466.0, 1580.0]
_MANUFACTURING = [1961.0, 1103.0, 26754.0, 42519.0]
_NESTED = [sum(_MINING), *_MINING, sum(_MANUFACTURING), *_MANUFACTURING, 30210.0]


@pytest.mark.parametrize(("measure", "extra"), [("HHI", ()), ("CRN", (4.0,))])
def test_nested_subtotals_in_one_column_are_refused(measure, extra):
    """Two rows each equal to the sum of the rows just below them: subtotals, which would
    count every division twice; the message names the first one (row 1)."""
    out = _call(measure, [[v] for v in _NESTED], *extra)
    assert _refused(out), out
    for part in ("小计行", "subtotal", "第1行", "row 1"):
        assert part in out, out


def test_one_column_with_a_single_run_sum_is_not_refused():
    """One value equal to the sum of the two below may be chance (4 = 1 + 3): one column
    needs two such rows before it is refused, so the HHI of the plain column is returned."""
    for col in (
        [4.0, 1.0, 3.0, 10.0, 7.0],
        [10.0, 1.0, 2.0, 3.0, 4.0, 25.0],
        [3.0, 1.0, 2.0, 10.0, 4.0, 6.0, 12.0],  # two exact coincidences among small counts
    ):
        s = np.array(col) / sum(col)
        got = _call("HHI", [[v] for v in col])
        assert float(np.ravel(got)[0]) == pytest.approx((s**2).sum(), rel=1e-12), got
    leaves = [*_MINING, *_MANUFACTURING, 30210.0]
    s = np.array(leaves) / sum(leaves)
    got = _call("HHI", [[v] for v in leaves])
    assert float(np.ravel(got)[0]) == pytest.approx((s**2).sum(), rel=1e-12)
