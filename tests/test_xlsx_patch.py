"""Surgical patching of cached values: only the patched parts change, byte for byte."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from agglo_addin import xlsx
from agglo_addin.xlsx import ExcelError, RefusedError, SheetPatch
from lxml import etree


def _book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b"])
    ws.append(["X", 1.0, 2.0])
    ws.append(["Y", 3.0, 4.0])
    ws["D2"] = "=B2+C2"
    ws["E2"] = openpyxl.worksheet.formula.ArrayFormula("E2:E3", "=B2:B3*2")
    other = wb.create_sheet("Other")
    other["A1"] = "untouched"
    wb.save(path)
    return path


def _members(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename), i.compress_type) for i in z.infolist()]


def test_refs_roundtrip():
    assert xlsx.col_to_num("A") == 1
    assert xlsx.col_to_num("AA") == 27
    assert xlsx.col_to_num("XFD") == 16384
    assert xlsx.num_to_col(16384) == "XFD"
    assert xlsx.split_ref("$B$12") == (12, 2)
    assert xlsx.parse_range("D5:B2") == (2, 2, 5, 4)
    with pytest.raises(ValueError, match="not a cell reference"):
        xlsx.split_ref("12B")


def test_patch_changes_only_the_sheet_and_workbook(tmp_path):
    src = _book(tmp_path / "b.xlsx")
    pkg = xlsx.read_package(src)
    part = pkg.sheets[0].part
    patch = SheetPatch(values={"D2": 3.5, "D3": "text", "F9": True, "G2": ExcelError("#N/A")})
    out = tmp_path / "out.xlsx"
    rewritten = xlsx.write_patched(pkg, {part: patch}, out)
    assert part in rewritten
    # openpyxl already writes fullCalcOnLoad, so xl/workbook.xml needs no patch here
    assert set(rewritten) <= {part, pkg.workbook_part}
    before, after = _members(src), _members(out)
    assert [m[0] for m in before] == [m[0] for m in after]  # same order
    for (n, b, ct), (_, a, ct2) in zip(before, after, strict=True):
        assert ct == ct2
        if n not in rewritten:
            assert a == b, n
    wb = openpyxl.load_workbook(out, data_only=True)
    ws = wb["Data"]
    assert ws["D2"].value == 3.5
    assert ws["D3"].value == "text"
    assert ws["F9"].value is True
    assert ws["G2"].value == "#N/A"
    assert wb["Other"]["A1"].value == "untouched"
    # formula kept
    assert openpyxl.load_workbook(out)["Data"]["D2"].value == "=B2+C2"
    # recalculation on open requested
    root = etree.fromstring(zipfile.ZipFile(out).read(pkg.workbook_part))
    calc = root.find("{*}calcPr")
    assert calc is not None
    assert calc.get("fullCalcOnLoad") == "1"


def test_cell_xml_types(tmp_path):
    src = _book(tmp_path / "b.xlsx")
    pkg = xlsx.read_package(src)
    part = pkg.sheets[0].part
    out = tmp_path / "o.xlsx"
    xlsx.write_patched(
        pkg, {part: SheetPatch(values={"D2": 0.1, "B2": float("inf"), "C3": 7})}, out
    )
    root = etree.fromstring(zipfile.ZipFile(out).read(part))
    cells = {c.get("r"): c for c in root.iter("{*}c")}
    assert cells["D2"].find("{*}f").text == "B2+C2"
    assert cells["D2"].find("{*}v").text == repr(0.1)
    assert cells["D2"].get("t") is None
    assert cells["B2"].get("t") == "e"
    assert cells["B2"].find("{*}v").text == "#NUM!"
    assert cells["C3"].find("{*}v").text == "7"
    # rows stay in ascending order, cells in column order
    rows = [int(r.get("r")) for r in root.iter("{*}row")]
    assert rows == sorted(rows)


def test_array_ref_update_and_clear(tmp_path):
    src = _book(tmp_path / "b.xlsx")
    pkg = xlsx.read_package(src)
    part = pkg.sheets[0].part
    out = tmp_path / "o.xlsx"
    patch = SheetPatch(values={"E2": 2.0}, array_refs={"E2": "E2"}, clear={"E3"})
    xlsx.write_patched(pkg, {part: patch}, out)
    root = etree.fromstring(zipfile.ZipFile(out).read(part))
    cells = {c.get("r"): c for c in root.iter("{*}c")}
    assert cells["E2"].find("{*}f").get("ref") == "E2"
    assert "E3" not in cells or cells["E3"].find("{*}v") is None


def test_scan_reads_formulas_and_cached_values(tmp_path):
    src = _book(tmp_path / "b.xlsx")
    pkg = xlsx.read_package(src)
    out = tmp_path / "o.xlsx"
    part = pkg.sheets[0].part
    xlsx.write_patched(pkg, {part: SheetPatch(values={"D2": 3.0, "E2": 2.0, "E3": 6.0})}, out)
    scan = xlsx.read_package(out).scan_sheet(pkg.sheets[0])
    assert scan.formulas["D2"].text == "B2+C2"
    assert scan.formulas["D2"].cached == 3
    assert scan.formulas["E2"].kind == "array"
    assert scan.formulas["E2"].array_ref == "E2:E3"
    assert scan.covered_values["E3"] == 6
    assert scan.n_cells >= 9


def test_workbook_without_calcpr_gets_one_in_schema_order():
    data = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets/><definedNames/><extLst/></workbook>"
    )
    out = xlsx._patch_workbook_xml(data)
    root = etree.fromstring(out)
    names = [etree.QName(c).localname for c in root]
    assert names == ["sheets", "definedNames", "calcPr", "extLst"]
    assert xlsx._patch_workbook_xml(out) is None  # already set: nothing to do


def test_refuses_non_zip(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"hello")
    with pytest.raises(RefusedError, match="not a zip package"):
        xlsx.read_package(p)
