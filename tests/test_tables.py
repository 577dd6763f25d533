"""agglo.read_table: yearbook-shaped grids, DataFrames and files read as a statistician would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
import pytest
from _yearbook_grids import CITIES, CITY_EN, CITY_NAMES, jiangsu_grid, years_grid
from agglo import AggloValueError, _messages
from agglo import tables as tb
from conftest import YEARBOOK_TABLES

_DATA = Path(__file__).parent / "data" / "tables"


def test_jiangsu_table_leaves_out_total_subtotals_and_footnotes():
    t = agglo.read_table(jiangsu_grid())
    np.testing.assert_array_equal(t.values, CITIES)
    assert list(t.data.index) == [f"{c} {e}" for c, e in zip(CITY_NAMES, CITY_EN, strict=True)]
    assert list(t.data.columns) == [
        "第一产业 Primary Industry",
        "第二产业 Secondary Industry",
        "第三产业 Tertiary Industry",
    ]
    assert t.units.tolist() == ["亿元"] * 3
    reasons = [(lab.split()[0], why) for _, lab, why in t.excluded]
    assert reasons == [
        ("全", "total"),  # '全    省 Jiangsu' joined; the label is the selection's own text
        ("苏南", "grouping"),
        ("苏中", "grouping"),
        ("苏北", "grouping"),
        ("注：本表按当年价格计算。", "footnote"),
        ("资料来源：江苏省统计局。", "footnote"),
    ]
    assert t.header_rows == 5
    assert t.label_columns == 2
    assert t.missing == 0
    assert t.footnote_marks == 0
    assert "全    省 Jiangsu (total)" in t.convention


def test_positions_of_excluded_rows_count_from_one_or_name_the_cell():
    t = agglo.read_table(jiangsu_grid())
    assert t.excluded[0][0] == "row 6"
    with _messages.argument_origins({"data": ("Sheet1", 3, 1)}):
        t = agglo.read_table(jiangsu_grid())
    assert t.excluded[0][0] == "Sheet1!A8"


def test_subtotal_found_from_the_numbers_when_its_label_is_unknown():
    grid = [["地区", "甲", "乙"]]
    grid.append(["第一片", *(CITIES[:3, :2].sum(axis=0).round(2))])
    grid += [[CITY_NAMES[i], *CITIES[i, :2]] for i in range(8)]
    t = agglo.read_table(grid)
    assert [(lab, why) for _, lab, why in t.excluded] == [("第一片", "sum")]
    np.testing.assert_array_equal(t.values, CITIES[:, :2])


def test_year_headers_text_and_numbers_and_a_bottom_total():
    t = agglo.read_table(years_grid())
    assert list(t.data.columns) == [2020, 2021, 2022]
    assert t.excluded[-1][1:] == ("合  计", "total")
    assert t.footnote_marks == 1
    assert t.data.loc["苏州市", 2021] == pytest.approx(round(196.44 * 1.08, 2))
    grid = [[None, 2012.0, 2013.0, 2014.0], ["北京", 1.0, 2.0, 3.0], ["天津", 4.0, 5.0, 6.0]]
    assert list(agglo.read_table(grid).data.columns) == [2012, 2013, 2014]
    dates = [[None, dt.datetime(2012, 12, 31), dt.datetime(2013, 12, 31)], ["A市", 1.0, 2.0]]
    assert list(agglo.read_table(dates).data.columns) == [2012, 2013]


def test_a_year_beside_the_label_column_name_is_a_header_even_among_whole_values():
    """地区 above the region names: the whole-number year 2020 beside it labels the column,
    though the populations below (1,981 to 2,396) are whole numbers of the same size."""
    body = [["广东", 2396.0], ["山东", 2110.0], ["河南", 1981.0], ["江苏", 2280.0]]
    t = agglo.read_table([["地区", 2020.0], *body])
    assert list(t.data.columns) == [2020]
    assert t.values[:, 0].tolist() == [2396.0, 2110.0, 1981.0, 2280.0]
    for name in ("项目", "省（区、市）", "Region"):
        assert agglo.read_table([[name, 2020.0], *body]).values.shape == (4, 1)
    # an ordinary region beside a year-sized value stays data
    assert agglo.read_table([["湖北", 2020.0], *body]).values.shape == (5, 1)


def test_years_as_a_label_column():
    grid = [[2018.0, 5.0, 7.0], [2019.0, 6.0, 8.0], [2020.0, 7.0, 9.5]]
    t = agglo.read_table(grid)
    assert list(t.data.index) == [2018, 2019, 2020]
    assert t.values.shape == (3, 2)


@pytest.mark.parametrize(
    ("cell", "value", "marked"),
    [
        ("444.22①", 444.22, True),
        ("444.22⑴", 444.22, True),
        ("12.5*", 12.5, True),
        ("87.6a", 87.6, True),
        ("1,234²", 1234.0, True),
        ("１２３．４", 123.4, False),
        ("1,234,567", 1234567.0, False),
        ("12.5%", 0.125, False),
        (" 7 ", 7.0, False),
        ("−5", -5.0, False),
    ],
)
def test_numbers_and_footnote_marks(cell, value, marked):
    assert tb._parse_cell(cell) == (pytest.approx(value), marked)


@pytest.mark.parametrize("cell", ["—", "…", "-", "x", "×", "", None, "#N/A", "……", "/"])
def test_placeholders_are_missing(cell):
    number, marked = tb._parse_cell(cell)
    assert np.isnan(number)
    assert not marked


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("全    省", "total"),
        ("合  计", "total"),
        ("全国总计", "total"),
        ("合计（万人）", "total"),
        ("各市合计", "total"),
        ("Total", "total"),
        ("Total employment", "total"),
        ("National total", "total"),
        ("小计", "subtotal"),
        ("苏南小计", "subtotal"),
        ("苏南", "grouping"),
        ("珠三角", "grouping"),
        ("浙东北", "grouping"),
        ("东部地区", "grouping"),
        ("其中：城镇", "of_which"),
        ("其 中", "of_which"),
        ("按地区分", "by"),
        ("注：本表按当年价格计算", "footnote"),
        ("资料来源：国家统计局", "footnote"),
        ("单位：亿元", "unit"),
        ("China", None),
        ("National Capital Region", None),
        ("全州县", None),
        ("广东", None),
        ("Summit", None),
        ("Alloys", None),
        ("苏州市", None),
    ],
)
def test_label_kinds(label, kind):
    assert tb._label_kind(label) == kind


def test_four_regions_alone_are_regions_not_groupings():
    grid = [["地区", "GDP"], ["东部", 10.0], ["中部", 6.0], ["西部", 5.0], ["东北", 2.0]]
    t = agglo.read_table(grid)
    assert t.excluded == ()
    assert t.values.ravel().tolist() == [10.0, 6.0, 5.0, 2.0]


def test_of_which_rows_are_left_out():
    grid = [
        ["地区", "人口"],
        ["甲市", 100.0],
        ["其中：市辖区", 60.0],
        ["乙市", 80.0],
        ["丙市", 50.0],
    ]
    t = agglo.read_table(grid)
    assert t.data.index.tolist() == ["甲市", "乙市", "丙市"]
    assert t.excluded[0][2] == "of_which"


def test_flagged_columns_by_industry_classification_and_by_sums():
    grid = [
        ["地区", "农林牧渔业", "工业", "建筑业", "第二产业"],
        ["A市", 1.0, 2.0, 3.0, 5.0],
        ["B市", 2.0, 5.0, 1.0, 6.0],
        ["C市", 3.0, 4.0, 2.0, 6.0],
    ]
    flagged = dict(agglo.read_table(grid).flagged_columns)
    assert flagged["第二产业"] == "sum:工业、建筑业"
    assert flagged["工业"] == "part:第二产业"
    assert "农林牧渔业" not in flagged
    grid = [["地区", "甲", "乙", "丙", "合"]]
    grid += [[f"{i}市", a, b, c, a + b + c] for i, (a, b, c) in enumerate(CITIES, 1)]
    assert dict(agglo.read_table(grid).flagged_columns) == {"合": "total"}


def test_dataframe_input():
    df = pd.DataFrame(CITIES, index=CITY_NAMES, columns=["第一产业", "第二产业", "第三产业"])
    with_total = pd.concat(
        [pd.DataFrame([CITIES.sum(axis=0)], index=["全省"], columns=df.columns), df]
    )
    t = agglo.read_table(with_total)
    np.testing.assert_array_equal(t.values, CITIES)
    assert t.data.index.tolist() == CITY_NAMES
    assert t.excluded[0][1:] == ("全省", "total")


def test_text_among_numbers_is_refused_naming_the_cell():
    grid = [["地区", "GDP"], ["甲市", 1.0], ["乙市", "n/a?"]]
    with pytest.raises(AggloValueError, match=r"第3行第2列.* / 'data' row 3, column 2 holds"):
        agglo.read_table(grid)
    with (
        _messages.argument_origins({"data": (None, 5, 2)}),
        pytest.raises(AggloValueError, match=r"C7"),
    ):
        agglo.read_table(grid)


def test_language_switch(monkeypatch):
    grid = [["地区", "GDP"], ["甲市", 1.0], ["乙市", "abc"]]
    monkeypatch.setenv("AGGLO_LANG", "en")
    with pytest.raises(AggloValueError, match=r"^'data' row 3, column 2 holds the text 'abc'"):
        agglo.read_table(grid)
    monkeypatch.setenv("AGGLO_LANG", "zh")
    with pytest.raises(AggloValueError) as info:
        agglo.read_table(grid)
    assert "row 3" not in str(info.value)
    assert "第3行第2列" in str(info.value)


def _write_xlsx(path, grid, merge=None):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表2-5"
    for r, row in enumerate(grid, 2):  # the table starts at B2
        for c, v in enumerate(row, 2):
            if v is not None:
                ws.cell(r, c, v)
    for m in merge or []:
        ws.merge_cells(m)
    wb.save(path)


def test_xlsx_file_with_merged_header_and_a_range(tmp_path):
    grid = [
        ["地区", "地区生产总值", None, None],
        [None, "第一产业", "第二产业", "第三产业"],
        ["全省", *CITIES.sum(axis=0).round(2)],
        *[[n, *row] for n, row in zip(CITY_NAMES, CITIES, strict=True)],
    ]
    path = tmp_path / "gdp.xlsx"
    _write_xlsx(path, grid, merge=["C2:E2", "B2:B3"])
    t = agglo.read_table(path, sheet="表2-5", cells="B2:E12")
    np.testing.assert_array_equal(t.values, CITIES)
    assert t.data.columns[1] == "地区生产总值 第二产业"
    assert t.excluded[0][:2] == ("'表2-5'!B4", "全省")
    grid[5][2] = "abc"
    _write_xlsx(path, grid)
    with pytest.raises(AggloValueError, match=r"'表2-5'!D7"):
        agglo.read_table(path, cells="B2:E12")


def test_xls_file(tmp_path):
    path = tmp_path.parent / "missing.xls"
    with pytest.raises(AggloValueError, match="'source'"):
        agglo.read_table(str(path))
    t = agglo.read_table(_DATA / "jiangsu_like.xls")
    np.testing.assert_array_equal(t.values, CITIES)
    assert t.units.tolist() == ["亿元"] * 3


_CORPUS = YEARBOOK_TABLES


def test_whole_sheets_of_real_nbs_exports():
    """Title lines (数据库：…, 时间：…), a header of years as text, footnote lines below."""
    t = agglo.read_table(_CORPUS / "nbs_province_gdp_2006_2024.xlsx")
    assert t.data.shape == (31, 19)
    assert t.data.columns[0] == 2024
    assert t.data.index[0] == "北京市"
    assert {why for _, _, why in t.excluded} == {"footnote"}
    t = agglo.read_table(_CORPUS / "nbs_guangzhou_gdp_sectors.xls")
    assert t.excluded[0][1:] == ("国内生产总值(亿元)", "sum")  # GDP = the three sectors
    t = agglo.read_table(_CORPUS / "nbs_en_province_income.xls")
    assert list(t.data.columns[:2]) == [2022, 2021]
    assert t.data.index[0] == "Beijing"


def test_the_total_of_an_indicator_family_is_left_out():
    """NBS lists an indicator above its items under one stem; the total is not their exact
    sum when items are unpublished (real estate investment, Shanghai 2019, NBS)."""
    from _yearbook_grids import REAL_ESTATE_2019

    grid = REAL_ESTATE_2019[:5]  # without the 合计 row
    t = agglo.read_table(grid)
    assert [(lab, why) for _, lab, why in t.excluded] == [("房地产开发投资额(亿元)", "family")]
    assert t.data.iloc[:, 0].tolist() == [2318.13, 689.36, 457.23]
    # the items alone: the large one (twice the others) is an item, not a total
    t = agglo.read_table([grid[0], *grid[2:]])
    assert t.excluded == ()
    # ordinary names: one region larger than the others together is still a region
    t = agglo.read_table([["地区", "GDP"], ["广州", 60.0], ["深圳", 25.0], ["珠海", 15.0]])
    assert t.excluded == ()
