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


class _NoSeek:
    """A write-only stream without seek/tell: zipfile then writes data descriptors."""

    def __init__(self, fh):
        self.fh = fh

    def write(self, b):
        return self.fh.write(b)

    def flush(self):
        self.fh.flush()


def _stored_entries(path):
    """name → (local header + stored data + descriptor bytes, central fields but offset)."""
    import struct

    data = path.read_bytes()
    out = {}
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            h = i.header_offset
            n, m = struct.unpack("<HH", data[h + 26 : h + 30])
            end = h + 30 + n + m + i.compress_size
            if i.flag_bits & 0x08:
                end += 16 if data[end : end + 4] == b"PK\x07\x08" else 12
            out[i.filename] = (data[h:end], (i.CRC, i.compress_size, i.compress_type,
                               i.date_time, i.flag_bits, i.extra, i.comment))  # fmt: skip
    return out


def _unusual_archive(src, dst, *, force_zip64=False):
    """``src`` rewritten with data descriptors (or ZIP64 local headers), a stored member
    with a non-ASCII name, member and archive comments and an unknown extra field."""
    with zipfile.ZipFile(src) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with open(dst, "wb") as raw:
        stream = raw if force_zip64 else _NoSeek(raw)
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in members:
                zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 2, 3, 4, 6))
                zi.compress_type = zipfile.ZIP_DEFLATED
                with out.open(zi, "w", force_zip64=force_zip64) as fh:
                    fh.write(data)
            zi = zipfile.ZipInfo("docProps/说明.txt", date_time=(2021, 5, 6, 7, 8, 10))
            zi.compress_type = zipfile.ZIP_STORED
            zi.comment = b"member comment"
            zi.extra = b"\xca\xfe\x04\x00abcd"  # an unknown extra field, kept as is
            out.writestr(zi, "区位熵 notes".encode())
            out.comment = b"archive comment"
    return dst


@pytest.mark.parametrize("variant", ["descriptors", "zip64_local_headers", "zipfile_fallback"])
def test_untouched_members_keep_their_stored_bytes(tmp_path, variant, monkeypatch):
    src = _unusual_archive(
        _book(tmp_path / "b.xlsx"), tmp_path / "u.xlsx", force_zip64=variant.startswith("zip64")
    )
    assert xlsx._raw_layout(src.read_bytes()) is not None
    if variant == "zipfile_fallback":  # what archives the raw copier declines go through
        monkeypatch.setattr(xlsx, "_raw_layout", lambda data: None)
    pkg = xlsx.read_package(src)
    part = pkg.sheets[0].part
    out = tmp_path / "out.xlsx"
    rewritten = xlsx.write_patched(pkg, {part: SheetPatch(values={"D2": 42.5})}, out)
    assert part in rewritten
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert z.comment == b"archive comment"
        assert z.read("docProps/说明.txt").decode() == "区位熵 notes"
        assert z.getinfo("docProps/说明.txt").comment == b"member comment"
    before, after = _members(src), _members(out)
    assert [m[0] for m in before] == [m[0] for m in after]
    for (n, b, ct), (_, a, ct2) in zip(before, after, strict=True):
        assert ct == ct2, n
        if n not in rewritten:
            assert a == b, n
    assert openpyxl.load_workbook(out, data_only=True)["Data"]["D2"].value == 42.5
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Data").to_python()
    assert rows[1][3] == 42.5
    if variant == "zipfile_fallback":
        return
    raw_before, raw_after = _stored_entries(src), _stored_entries(out)
    if variant == "descriptors":
        assert any(v[1][4] & 0x08 for v in raw_before.values())  # descriptors present
    else:
        assert all(b"\xff\xff\xff\xff" in v[0][14:30] for v in list(raw_before.values())[:-1])
    for n, stored in raw_before.items():
        if n not in rewritten:
            assert raw_after[n] == stored, n  # copied byte for byte
    # the patched member was written anew: same method, no descriptor
    info = zipfile.ZipFile(out).getinfo(part)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    assert not info.flag_bits & 0x08


def test_raw_layout_declines_what_it_does_not_handle(tmp_path):
    good = _book(tmp_path / "b.xlsx").read_bytes()
    members, eocd = xlsx._raw_layout(good)
    assert eocd.startswith(b"PK\x05\x06")
    assert [m.name for m in members] == zipfile.ZipFile(tmp_path / "b.xlsx").namelist()
    assert xlsx._raw_layout(good[:-1]) is None  # truncated end record
    assert xlsx._raw_layout(good + b"trailing") is None
    assert xlsx._raw_layout(b"x" + good) is None  # offsets no longer match
    assert xlsx._raw_layout(b"PK\x03\x04 not a zip") is None
    # a ZIP64 size in the central directory (only archives over 4 GB need them)
    cd = good.index(b"PK\x01\x02")
    zip64 = good[: cd + 20] + b"\xff\xff\xff\xff" + good[cd + 24 :]
    assert xlsx._raw_layout(zip64) is None
    # an encrypted member
    enc = good[: cd + 8] + bytes([good[cd + 8] | 1]) + good[cd + 9 :]
    assert xlsx._raw_layout(enc) is None
