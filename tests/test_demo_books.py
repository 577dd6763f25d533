"""The books ``agglo demo`` writes and the templates, read as a recipient would.

NBS province order, number formats, no mark to recalculate on open (a reader without
the add-in would see #NAME?), no internal labels or the text ``None`` in any cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import agglo
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "workbooks").glob("0[1-9]_*.xlsx"))
#: Labels the project uses internally; a bureau would not hand them out.
INTERNAL = re.compile(r"论文\s*0\d\d|paper\s*0\d\d|paper0\d\d|\bspssau\b|mathmodels-book data/")

openpyxl = pytest.importorskip("openpyxl")


def _calc_pr(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    m = re.search(r"<calcPr[^>]*>", xml)
    return m.group(0) if m else ""


def test_nbs_provinces_is_the_yearbook_order():
    assert agglo.NBS_PROVINCES[:4] == ("北京", "天津", "河北", "山西")
    assert agglo.NBS_PROVINCES[-3:] == ("青海", "宁夏", "新疆")
    assert len(set(agglo.NBS_PROVINCES)) == 31
    assert tuple(agglo.gdp_by_sector(2024).index) == agglo.NBS_PROVINCES
    assert tuple(agglo.employment_by_industry(2023).index) == agglo.NBS_PROVINCES


def test_demo_workbook_order_formats_and_no_recalc_mark(tmp_path):
    from agglo_addin.demo import build_demo_workbook

    p = build_demo_workbook(tmp_path / "demo.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb["数据"]
    assert [ws.cell(r, 1).value for r in range(4, 35)] == list(agglo.NBS_PROVINCES)
    assert ws["B4"].number_format == "#,##0.0"
    assert wb["区位熵"]["C20"].number_format == "0.000"
    assert wb["耦合"]["D4"].number_format == "0.0000"
    assert wb["集中度"]["A3"].value is None  # a blank label, not the text '' or 'None'
    assert all(int(s.page_setup.paperSize) == 9 for s in wb.worksheets)  # A4
    assert 'fullCalcOnLoad="1"' not in _calc_pr(p)


def test_copy_unmarked_drops_only_the_recalc_mark(tmp_path):
    from agglo_addin.demo import copy_unmarked

    src = TEMPLATES[0]
    assert 'fullCalcOnLoad="1"' in _calc_pr(src)  # templates are for add-in users
    dst = copy_unmarked(src, tmp_path / src.name)
    assert "fullCalcOnLoad" not in _calc_pr(dst)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "xl/workbook.xml":
                assert a.read(name) == b.read(name), name


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_templates_have_no_internal_labels_or_none(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and (INTERNAL.search(v) or v.strip() == "None"):
                    found.append(f"{ws.title}!{cell.coordinate}: {v[:60]}")
    for dv_ws in wb.worksheets:
        for dv in dv_ws.data_validations.dataValidation:
            if dv.formula1 and INTERNAL.search(dv.formula1):
                found.append(f"{dv_ws.title} drop-down: {dv.formula1}")
    assert not found, found
