"""Surgical patching of cached values: only the patched parts change, byte for byte."""

from __future__ import annotations

import contextlib
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from agglo_addin import xlsx
from agglo_addin.xlsx import ExcelError, RefusedError, SheetPatch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


# ---------------------------------------------------------------------------
# the faster scanner and patcher give what the previous ones gave
#
# The functions below are the scanner and patcher as they were before they were
# rewritten for speed (a cell-by-cell pass with iterparse, and a search of each row
# for each patched cell), kept here as the reference the new ones must match: the
# same SheetScan for every sheet of the corpus, the same bytes for every patch.


def _old_decode_cached(c: etree._Element, strings: Any) -> Any:
    v = _old_decode_cached_raw(c, strings)
    return xlsx.unescape_text(v) if type(v) is str else v


_old_NOT_DECODED = object()


def _old_decode_number(v: str) -> Any:
    try:
        f = float(v)
    except ValueError:
        return v
    return (
        int(f) if f.is_integer() and abs(f) < 2**53 and "." not in v and "E" not in v.upper() else f
    )


def _old_decode_cached_raw(c: etree._Element, strings: Any) -> Any:
    t = c.get("t", "n")
    v = None
    is_ = None
    for ch in c:
        ln = etree.QName(ch).localname
        if ln == "v":
            v = ch.text
        elif ln == "is":
            is_ = ch
    if t == "inlineStr":
        if is_ is None:
            return v
        return "".join(x.text or "" for x in is_.iter("{*}t"))
    if v is None:
        return None
    if t == "n":
        return _old_decode_number(v)
    if t == "b":
        return v.strip() in ("1", "true")
    if t == "e":
        return xlsx.ExcelError(v)
    if t == "s":
        try:
            return strings()[int(v)]
        except (ValueError, IndexError):
            return None
    if t == "d":
        return v
    return v  # "str"


def _old_scan_sheet(
    pkg: xlsx.Package, info: xlsx.SheetInfo, *, keep_occupied: bool, keep_values: bool = False
) -> xlsx.SheetScan:
    member = pkg._member(info.part)
    with pkg.zip.open(member) as fh:
        xlsx._check_xml_bytes(info.part, fh.read(4096))
    formulas: dict[str, xlsx.FormulaCell] = {}
    masters: dict[str, xlsx.FormulaCell] = {}
    covered: dict[str, Any] = {}
    occupied: set[str] | None = set() if keep_occupied else None
    values: dict[tuple[int, int], Any] | None = {} if keep_values else None
    arrays: list[tuple[int, int, int, int]] = []
    array_rows: dict[int, list[tuple[int, int, int, int]]] = {}
    big_arrays: list[tuple[int, int, int, int]] = []
    n = 0
    last_row = 0
    strings = lambda: pkg.shared_strings  # noqa: E731 - lazy

    context = etree.iterparse(
        pkg.zip.open(member),
        events=("end",),
        tag=("{*}c", "{*}row"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )
    col_in_row = 0
    track_values = occupied is not None or values is not None
    try:
        for _event, el in context:
            tag = el.tag
            if tag[-3:] == "row" and (len(tag) == 3 or tag[-4] in "}:"):
                el.clear(keep_tail=False)
                parent = el.getparent()
                while el.getprevious() is not None and parent is not None:
                    del parent[0]  # keep memory flat on very long sheets
                col_in_row = 0
                continue
            n += 1
            ref = el.get("r")
            f = None
            has_value = False
            v_el = None
            for ch in el:
                t = ch.tag
                if t[-1] == "f" and (len(t) == 1 or t[-2] == "}"):
                    f = ch
                elif t[-1] == "v" and (len(t) == 1 or t[-2] == "}"):
                    has_value = True
                    v_el = ch
                elif t[-1] == "v" or t[-2:] == "is":
                    has_value = True
            if f is None and not has_value:
                if ref is None:
                    col_in_row += 1
                continue
            if f is None and not (track_values or arrays):
                if ref is None:
                    col_in_row += 1
                continue
            if ref is None:  # cells without r follow the previous one
                parent = el.getparent()
                row = int(parent.get("r", last_row + 1)) if parent is not None else last_row
                col_in_row += 1
                ref = xlsx.cell_ref(row, col_in_row)
            row, col = xlsx.split_ref(ref)
            last_row, col_in_row = row, col
            if f is not None:
                kind = f.get("t", "normal")
                fc = xlsx.FormulaCell(
                    ref=ref,
                    row=row,
                    col=col,
                    text=f.text if (f.text or kind != "shared") else None,
                    kind=kind,
                    array_ref=f.get("ref"),
                    shared_index=f.get("si"),
                    dynamic=el.get("cm") is not None,
                    cached=_old_decode_cached(el, strings),
                )
                formulas[ref] = fc
                if kind == "shared" and fc.text is not None and fc.shared_index is not None:
                    masters[fc.shared_index] = fc
                if kind == "array" and fc.array_ref:
                    with contextlib.suppress(ValueError):
                        area = xlsx.parse_range(fc.array_ref)
                        arrays.append(area)
                        if area[2] - area[0] < 10_000:
                            # rows → the array ranges crossing them, for a quick lookup
                            for r in range(area[0], area[2] + 1):
                                array_rows.setdefault(r, []).append(area)
                        else:
                            big_arrays.append(area)
                if occupied is not None:
                    occupied.add(ref)
                if values is not None:
                    values[(row, col)] = fc.cached
            else:
                if occupied is not None:
                    occupied.add(ref)
                value = _old_NOT_DECODED
                if values is not None:
                    t = el.get("t", "n")
                    if t == "n" and v_el is not None:  # the common case, decoded here
                        value = _old_decode_number(v_el.text) if v_el.text else None
                    else:
                        value = _old_decode_cached(el, strings)
                    values[(row, col)] = value
                if arrays and any(
                    r1 <= row <= r2 and c1 <= col <= c2
                    for r1, c1, r2, c2 in (*array_rows.get(row, ()), *big_arrays)
                ):
                    covered[ref] = (
                        _old_decode_cached(el, strings) if value is _old_NOT_DECODED else value
                    )
    except etree.XMLSyntaxError as exc:
        raise xlsx.RefusedError(
            f"the sheet {info.name!r} ({info.part}) is not well-formed XML: {exc}"
        ) from exc
    return xlsx.SheetScan(info, n, formulas, masters, covered, occupied, values)


def _old_set_value(c: etree._Element, value: Any, ns: str) -> None:
    """Replace the cached value of cell element ``c`` (keeps ``<f>`` and attributes)."""
    for ch in list(c):
        if etree.QName(ch).localname in ("v", "is"):
            c.remove(ch)
    if value is None or (isinstance(value, str) and value == "" and c.find(f"{{{ns}}}f") is None):
        c.attrib.pop("t", None)
        return
    v = etree.SubElement(c, f"{{{ns}}}v")
    if isinstance(value, xlsx.ExcelError):
        c.set("t", "e")
        v.text = str(value)
    elif isinstance(value, bool):
        c.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            c.set("t", "e")
            v.text = "#NUM!"
        else:
            c.attrib.pop("t", None)
            v.text = xlsx._format_number(value)
    else:
        # Excel writes text results of formulas and of spilled/array cells as t="str"
        c.set("t", "str")
        v.text = xlsx.escape_text(str(value))
        if v.text != v.text.strip():
            v.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    # <v> must come after <f> and before <extLst>
    ext = None
    for ch in c:
        if etree.QName(ch).localname == "extLst":
            ext = ch
    if ext is not None:
        c.remove(v)
        ext.addprevious(v)


def _old_patch_sheet_xml(data: bytes, patch: xlsx.SheetPatch) -> bytes:
    root = etree.fromstring(data, xlsx.secure_parser())
    ns = etree.QName(root).namespace or ""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is None:
        sheet_data = etree.SubElement(root, f"{{{ns}}}sheetData")
    rows: dict[int, etree._Element] = {}
    for r in sheet_data.iterfind(f"{{{ns}}}row"):
        try:
            rows[int(r.get("r"))] = r
        except (TypeError, ValueError):
            continue

    def find_cell(ref: str, create: bool) -> etree._Element | None:
        row_n, col_n = xlsx.split_ref(ref)
        row = rows.get(row_n)
        if row is None:
            if not create:
                return None
            row = etree.Element(f"{{{ns}}}row", r=str(row_n))
            before = [k for k in rows if k > row_n]
            if before:
                rows[min(before)].addprevious(row)
            else:
                sheet_data.append(row)
            rows[row_n] = row
        cells = row.findall(f"{{{ns}}}c")
        for c in cells:
            if c.get("r") == ref:
                return c
        if not create:
            return None
        c = etree.Element(f"{{{ns}}}c", r=ref)
        nxt = None
        for cc in cells:
            try:
                if xlsx.split_ref(cc.get("r", ""))[1] > col_n:
                    nxt = cc
                    break
            except ValueError:
                continue
        if nxt is not None:
            nxt.addprevious(c)
        else:
            row.append(c)
        row.attrib.pop("spans", None)
        return c

    for anchor, new_ref in patch.array_refs.items():
        c = find_cell(anchor, create=False)
        if c is not None:
            f = c.find(f"{{{ns}}}f")
            if f is not None:
                f.set("ref", new_ref)
    for ref in sorted(patch.clear, key=xlsx.split_ref):
        c = find_cell(ref, create=False)
        if c is not None and c.find(f"{{{ns}}}f") is None:
            _old_set_value(c, None, ns)
    max_row = max_col = 0
    for ref, value in patch.values.items():
        c = find_cell(ref, create=True)
        _old_set_value(c, value, ns)
        r, col = xlsx.split_ref(ref)
        max_row, max_col = max(max_row, r), max(max_col, col)
    dim = root.find(f"{{{ns}}}dimension")
    if dim is not None and max_row:
        try:
            r1, c1, r2, c2 = xlsx.parse_range(dim.get("ref", "A1"))
            if max_row > r2 or max_col > c2:
                dim.set(
                    "ref",
                    f"{xlsx.cell_ref(r1, c1)}:{xlsx.cell_ref(max(r2, max_row), max(c2, max_col))}",
                )
        except ValueError:
            pass
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
CORPUS_BOOKS = sorted(CORPUS.glob("*/*.xls[xm]")) if CORPUS.is_dir() else []


def _norm(x):
    # type and repr: tells 1 from 1.0 and True, ExcelError from str, and NaN equals NaN
    return (type(x).__name__, repr(x))


def _canon(scan):
    def cell(fc):
        return tuple(
            _norm(getattr(fc, k))
            for k in ("ref", "row", "col", "text", "kind", "array_ref", "shared_index",
                      "dynamic", "cached")
        )  # fmt: skip

    values = scan.values
    return {
        "n": scan.n_cells,
        "formulas": [(k, cell(v)) for k, v in scan.formulas.items()],
        "masters": [(k, cell(v)) for k, v in scan.shared_masters.items()],
        "covered": [(k, _norm(v)) for k, v in scan.covered_values.items()],
        "occupied": scan.occupied,
        "values": None if values is None else [(k, _norm(v)) for k, v in values.items()],
    }


def _scans(pkg, info, monkeypatch, old=True, **kw):
    """Canonical results (or the error) of the previous scanner (``old``) and of the new
    one reading the sheet's bytes, parsing it in one piece and parsing it row by row."""
    out = []
    kw.setdefault("keep_occupied", False)
    for scan, bytes_max, tree_max in (
        (_old_scan_sheet, None, None),
        (xlsx._scan_sheet, xlsx._BYTES_SCAN_MAX, xlsx._TREE_MAX_BYTES),
        (xlsx._scan_sheet, -1, xlsx._TREE_MAX_BYTES),
        (xlsx._scan_sheet, -1, 0),  # the incremental parser used for large sheets
    ):
        if bytes_max is None and not old:
            continue
        if bytes_max is not None:
            monkeypatch.setattr(xlsx, "_BYTES_SCAN_MAX", bytes_max)
            monkeypatch.setattr(xlsx, "_TREE_MAX_BYTES", tree_max)
        try:
            out.append(_canon(scan(pkg, info, **kw)))
        except Exception as exc:  # noqa: BLE001 - the same error is expected of all
            out.append((type(exc).__name__, str(exc)))
        finally:
            monkeypatch.undo()
    return out


def _read_from_bytes(pkg, info) -> bool:
    """Whether the scan reads this sheet from its bytes (not through a tree)."""
    got = xlsx._cells_of_bytes(pkg.read(info.part))
    return got is not None and sum(1 for _ in got[0]) == got[1]


@pytest.mark.skipif(not CORPUS_BOOKS, reason=f"corpus not found at {CORPUS}")
def test_scan_matches_previous_scanner_on_the_corpus(monkeypatch):
    n_sheets = n_formulas = n_values = n_bytes = 0
    for path in CORPUS_BOOKS:
        try:
            pkg = xlsx.read_package(path)
            sheets = pkg.worksheet_parts()
        except RefusedError:
            continue  # refused by design (password-protected, corrupt member)
        for info in sheets:
            for kw in ({"keep_values": True}, {"keep_occupied": True}, {}):
                old, from_bytes, tree, streamed = _scans(pkg, info, monkeypatch, **kw)
                assert from_bytes == old, (path.name, info.name, kw)
                assert tree == old, (path.name, info.name, kw)
                assert streamed == old, (path.name, info.name, kw)
                if kw.get("keep_values") and isinstance(old, dict):
                    n_sheets += 1
                    n_formulas += len(old["formulas"])
                    n_values += len(old["values"])
            # the evaluator's scan: formula cells' values only in their cached
            kw = {"keep_values": True, "formula_values": False}
            from_bytes, tree, streamed = _scans(pkg, info, monkeypatch, old=False, **kw)
            assert from_bytes == tree == streamed, (path.name, info.name)
            n_bytes += _read_from_bytes(pkg, info)
    # the comparison covered real content, not only empty sheets
    assert n_sheets > 150
    assert n_formulas > 1000
    assert n_values > 10_000
    # most real sheets are read from their bytes; the others by the tree reader
    assert n_bytes > n_sheets // 2, (n_bytes, n_sheets)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

#: A sheet with the unusual cases: cells and rows without ``r``, lower-case and
#: anchored references, shared/array/dynamic formulas, every value type, values a
#: scanner must not decode (bad numbers, out-of-range string indices), whitespace,
#: and ``<xm:f>`` elements outside sheetData that are not cell formulas.
_ODD_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}"
 xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"
 xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">
<dimension ref="A1:F6"/>
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>12</v></c\
><c r="D1"><v>1.50</v></c><c r="E1"><v>1E3</v></c><c r="F1"><v>_x0041_</v></c></row>
<row r="2"><c><v>7</v></c><c><f>A2*2</f><v>14</v></c><c t="b"><v>1</v></c\
><c t="e"><v>#N/A</v></c><c t="inlineStr"><is><t>in_x0041_line</t></is></c\
><c t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>
<row r="3" spans="1:6"><c r="A3"><f t="shared" ref="A3:A5" si="0">B3+1</f><v>2</v></c\
><c r="B3"><v>1</v></c><c r="C3"><f t="array" ref="C3:D4">B3:B4*2</f><v>2</v></c\
><c r="D3"><v>4</v></c><c r="E3" cm="1"><f t="array" ref="E3:E4">SEQUENCE(2)</f><v>1</v></c\
><c r="F3" s="1"/></row>
<row r="4"><c r="A4"><f t="shared" si="0"/><v>3</v></c><c r="B4"><v>2</v></c\
><c r="C4"><v>4</v></c><c r="D4" t="str"><v>x</v></c><c r="E4"><v>2</v></c></row>
<row r="5">
  <c r="A5"><f t="shared" si="0"></f><v>3</v></c>
  <c r="b5"><v>99999999999999999999</v></c>
  <c r="$C$5" t="d"><v>2024-01-01T00:00:00</v></c>
  <c r="D5" t="s"><v>7</v></c><c r="E5" t="s"><v>abc</v></c><c r="F5"><v>-0</v></c>
</row>
<row><c r="A6"><v> 8 </v></c><c><v>NaN</v></c><c t="n"><is><t>x</t></is></c\
><c r="D6"><f>1/0</f><v>#DIV/0!</v></c><c t="inlineStr"><v>plain_x0042_</v></c></row>
</sheetData>
<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}"><x14:conditionalFormattings>\
<x14:conditionalFormatting><x14:cfRule type="cellIs" priority="1" operator="greaterThan">\
<xm:f>5</xm:f></x14:cfRule><xm:sqref>A1:A3</xm:sqref></x14:conditionalFormatting>\
</x14:conditionalFormattings></ext></extLst>
</worksheet>"""

_ODD_STRINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{_MAIN}" count="2" uniqueCount="2">
<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>
<si><r><t>a</t></r><r><rPr><b/></rPr><t xml:space="preserve">b_x000D_</t></r></si>
</sst>"""


def _with_members(src, dst, members: dict[str, bytes]):
    """Copy workbook ``src`` to ``dst`` with some members replaced or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [i.filename for i in zin.infolist()]
        for name in names:
            zout.writestr(name, members.get(name, zin.read(name)))
        for name, data in members.items():
            if name not in names:
                zout.writestr(name, data)
    return dst


def _odd_book(tmp_path):
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as z:
        rels = z.read("xl/_rels/workbook.xml.rels")
        types = z.read("[Content_Types].xml")
    rel = (
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return _with_members(
        tmp_path / "plain.xlsx",
        tmp_path / "odd.xlsx",
        {
            "xl/worksheets/sheet1.xml": _ODD_SHEET.encode(),
            "xl/sharedStrings.xml": _ODD_STRINGS.encode(),
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>", rel + b"</Relationships>"
            ),
            "[Content_Types].xml": types.replace(b"</Types>", override + b"</Types>"),
        },
    )


def test_scan_of_unusual_cells(tmp_path, monkeypatch):
    path = _odd_book(tmp_path)
    for kw in ({"keep_values": True}, {"keep_occupied": True}, {}):
        pkg = xlsx.read_package(path)
        old, from_bytes, tree, streamed = _scans(pkg, pkg.worksheet_parts()[0], monkeypatch, **kw)
        assert from_bytes == old, kw
        assert tree == old, kw
        assert streamed == old, kw
    info = xlsx.read_package(path).worksheet_parts()[0]
    scan = xlsx.read_package(path).scan_sheet(info, keep_values=True, keep_occupied=True)
    v = scan.values
    # shared strings: phonetic run left out, rich-text runs joined, escapes decoded
    assert v[(1, 1)] == "漢字"
    assert v[(1, 2)] == "ab\r"
    assert [v[(1, 3)], v[(1, 4)], v[(1, 5)]] == [12, 1.5, 1000.0]
    assert [type(v[(1, c)]) for c in (3, 4, 5)] == [int, float, float]
    assert v[(1, 6)] == "_x0041_"  # a number cell holding text: kept as it is
    # cells without r follow the previous cell of their row
    assert v[(2, 1)] == 7
    assert scan.formulas["B2"].text == "A2*2"
    assert scan.formulas["B2"].cached == 14
    assert v[(2, 3)] is True
    assert v[(2, 4)] == "#N/A"
    assert isinstance(v[(2, 4)], ExcelError)
    assert v[(2, 5)] == "inAline"
    assert scan.formulas["F2"].text == '"a"&"b"'
    assert scan.formulas["F2"].cached == "ab"
    # shared and array formulas
    assert scan.shared_masters["0"].ref == "A3"
    assert scan.formulas["A4"].text is None
    assert scan.formulas["A4"].shared_index == "0"
    assert scan.formulas["A5"].text is None
    assert (scan.formulas["C3"].kind, scan.formulas["C3"].array_ref) == ("array", "C3:D4")
    assert scan.formulas["E3"].dynamic is True
    assert scan.formulas["C3"].dynamic is False
    assert scan.covered_values == {"D3": 4, "C4": 4, "D4": "x", "E4": 2}
    # large integers stay floats; dates as text; bad shared-string indices give None
    assert v[(5, 2)] == 1e20
    assert type(v[(5, 2)]) is float
    assert v[(5, 3)] == "2024-01-01T00:00:00"
    assert v[(5, 4)] is None
    assert v[(5, 5)] is None
    assert v[(5, 6)] == 0
    # a row without r: its cells with r are placed by it; the others are placed as
    # the previous scanner placed them (compared above), the values decoded the same
    assert v[(6, 1)] == 8
    assert scan.formulas["D6"].cached == "#DIV/0!"
    assert any(isinstance(x, float) and math.isnan(x) for x in v.values())
    assert "plainB" in v.values()
    # the <xm:f> of the conditional format is not a cell formula
    assert sorted(scan.formulas) == ["A3", "A4", "A5", "B2", "C3", "D6", "E3", "F2"]
    assert scan.n_cells == 34
    assert "F3" not in scan.occupied  # a styled cell without value


# texts as a cell's <f>, <v> or <t> may hold them: entities, character references,
# Office's _xHHHH_ escapes, spaces, CJK, numbers of every form
_TEXTS = st.sampled_from(
    ["", "1", "12", "-0", "1.50", "1E3", "2.5e-3", " 8 ", "NaN", "99999999999999999999",
     "abc", "a&amp;b", "&lt;&gt;&quot;&apos;", "&#13;x&#x41;", "_x0041_", "全省", "#N/A",
     "true", "A1*2", "SUM(A1:B2)&amp;\"x\"", "0", "7", "-3.25", "  "]
)  # fmt: skip


@st.composite
def _generated_cell(draw, row: int, col: int) -> str:
    """One cell element in the layouts Excel, LibreOffice and openpyxl write, and a few
    that the byte-level reader leaves to the tree reader."""
    letters = xlsx.num_to_col(col)
    ref = draw(st.sampled_from([f"{letters}{row}", f"{letters.lower()}{row}",
                                f"${letters}${row}"]))  # fmt: skip
    attrs = f' r="{ref}"'
    if draw(st.booleans()):
        attrs += ' s="1"'
    t = draw(st.sampled_from([None, "n", "s", "str", "b", "e", "inlineStr", "d", ""]))
    if t is not None:
        attrs += f' t="{t}"'
    if draw(st.integers(0, 5)) == 0:
        attrs += ' cm="1"'
    space = draw(st.sampled_from(["", "", "\n  "]))
    f = draw(st.sampled_from(["", "", "plain", "empty", "shared", "child", "array"]))
    f_xml = {
        "": "",
        "plain": f"<f>{draw(_TEXTS)}</f>",
        "empty": "<f/>",
        "shared": f'<f t="shared" ref="{letters}{row}:{letters}{row + 2}" si="{col}">A1</f>',
        "child": f'<f t="shared" si="{col}"/>',
        "array": f'<f t="array" ref="{letters}{row}:{letters}{row + 1}">{draw(_TEXTS)}</f>',
    }[f]
    v = draw(st.sampled_from(["", "v", "v", "empty v", "is", "is empty", "odd"]))
    v_xml = {
        "": "",
        "v": f"<v>{draw(_TEXTS)}</v>",
        "empty v": draw(st.sampled_from(["<v/>", "<v></v>"])),
        "is": f'<is><t xml:space="preserve">{draw(_TEXTS)}</t></is>',
        "is empty": draw(st.sampled_from(["<is></is>", "<is><t/></is>"])),
        # left to the tree reader: a comment, attributes on <v>, rich text, a CR
        "odd": draw(st.sampled_from(["<!-- x --><v>1</v>", '<v xml:space="preserve">1</v>',
                                     "<is><r><t>a</t></r><r><t>b</t></r></is>", "<v>1\r\n2</v>"])),
    }[v]  # fmt: skip
    if not f_xml and not v_xml and draw(st.booleans()):
        return f"<c{attrs}/>"
    return f"<c{attrs}>{space}{f_xml}{space}{v_xml}{space}</c>"


@st.composite
def _generated_sheet(draw) -> str:
    rows = []
    for r in range(1, draw(st.integers(1, 5)) + 1):
        cols = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        cells = "".join(draw(_generated_cell(r, c)) for c in cols)
        rows.append(f'<row r="{r}">{cells}</row>')
    sep = draw(st.sampled_from(["", "\r\n", "\n"]))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{sep}<worksheet '
            f'xmlns="{_MAIN}"><dimension ref="A1:AD5"/><sheetData>{sep.join(rows)}'
            f"</sheetData></worksheet>")  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheet=_generated_sheet())
def test_scan_from_bytes_matches_the_tree_readers_on_generated_sheets(sheet, tmp_path_factory):
    """Every kind of cell the byte-level reader takes, and some it leaves: the same scan
    from the bytes, from the tree, row by row and from the previous scanner."""
    tmp = tmp_path_factory.mktemp("gen")
    path = _with_members(
        _odd_book(tmp), tmp / "gen.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()}
    )
    pkg = xlsx.read_package(path)
    info = pkg.worksheet_parts()[0]
    comment = "<!--" in sheet  # the previous scanner failed on comments in cells
    with pytest.MonkeyPatch.context() as mp:
        for kw in ({"keep_values": True}, {"keep_occupied": True}, {}):
            old, from_bytes, tree, streamed = _scans(pkg, info, mp, **kw)
            assert from_bytes == tree == streamed, kw
            assert comment or from_bytes == old, kw
        kw = {"keep_values": True, "formula_values": False}
        from_bytes, tree, streamed = _scans(pkg, info, mp, old=False, **kw)
        assert from_bytes == tree == streamed
    cells = sheet[sheet.index("<sheetData>") :]
    odd = any(x in cells for x in ("<!--", "<v xml", "<r>", "\r"))
    assert _read_from_bytes(pkg, info) is not odd


def test_scan_from_bytes_decodes_entities_and_refuses_bad_xml(tmp_path):
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\r\n<worksheet xmlns="{_MAIN}"><sheetData>'
             '<row r="1"><c r="A1" t="str"><f>"a"&amp;"&lt;b&gt;"</f><v>a&lt;b&gt;&#x41;&#66;</v>'
             '</c><c r="B1" t="inlineStr"><is><t>全省_x0041_</t></is></c></row></sheetData>'
             "</worksheet>")  # fmt: skip
    path = _with_members(
        _odd_book(tmp_path), tmp_path / "e.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()}
    )
    pkg = xlsx.read_package(path)
    info = pkg.worksheet_parts()[0]
    assert _read_from_bytes(pkg, info)
    scan = pkg.scan_sheet(info, keep_values=True)
    assert scan.formulas["A1"].text == '"a"&"<b>"'
    assert scan.formulas["A1"].cached == "a<b>AB"
    assert scan.values[(1, 2)] == "全省A"
    # an entity XML does not define: not read from the bytes, refused as the tree refuses it
    bad = sheet.replace("&#66;", "&nbsp;")
    path = _with_members(
        _odd_book(tmp_path), tmp_path / "b.xlsx", {"xl/worksheets/sheet1.xml": bad.encode()}
    )
    pkg = xlsx.read_package(path)
    assert xlsx._cells_of_bytes(pkg.read(pkg.worksheet_parts()[0].part)) is None
    with pytest.raises(RefusedError, match="is not well-formed XML"):
        pkg.scan_sheet(pkg.worksheet_parts()[0], keep_values=True)


def test_scan_ignores_comments_inside_cells(tmp_path):
    # a comment among a cell's children (the previous scanner failed on it)
    sheet = _ODD_SHEET.replace('<c r="F5"><v>-0</v></c>', '<c r="F5"><!-- c --><v>5</v></c>')
    path = _with_members(
        _odd_book(tmp_path), tmp_path / "comment.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()}
    )
    pkg = xlsx.read_package(path)
    assert pkg.scan_sheet(pkg.worksheet_parts()[0], keep_values=True).values[(5, 6)] == 5


def test_scan_refuses_bad_references_and_bad_xml(tmp_path):
    sheet = _ODD_SHEET.replace('<c r="B3">', '<c r="B3x">')
    path = _with_members(
        _odd_book(tmp_path), tmp_path / "bad.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()}
    )
    pkg = xlsx.read_package(path)
    with pytest.raises(ValueError, match="not a cell reference: 'B3x'"):
        pkg.scan_sheet(pkg.worksheet_parts()[0], keep_values=True)
    broken = _ODD_SHEET.replace("</sheetData>", "</sheetDat>")
    path = _with_members(
        _odd_book(tmp_path), tmp_path / "broken.xlsx", {"xl/worksheets/sheet1.xml": broken.encode()}
    )
    pkg = xlsx.read_package(path)
    for threshold in (xlsx._TREE_MAX_BYTES, 0):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(xlsx, "_TREE_MAX_BYTES", threshold)
            with pytest.raises(RefusedError, match="is not well-formed XML"):
                pkg.scan_sheet(pkg.worksheet_parts()[0])


#: cells in every layout the patcher meets: value only, formula and value, inline
#: string, value before formula, extension list, attributes and whitespace on <v>
_PATCH_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}"><dimension ref="A1:E4"/><sheetData>
<row r="1" spans="1:5"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c\
><c r="C1" t="inlineStr"><is><t>x</t></is></c><c r="E1" t="s"><v>0</v></c></row>
<row r="2"><c r="A2"><v>1</v><f>A1</f></c><c r="B2"><f>1</f><v>1</v><extLst><ext/></extLst></c\
><c r="C2" t="str"><f>"a"</f><v xml:space="preserve"> a</v></c><c r="D2"/></row>
<row r="4">
    <c r="A4">
        <v>3</v>
    </c>
    <c r="B4" t="e"><f>1/0</f><v>#DIV/0!</v></c>
    <c r="C4"><f t="array" ref="C4:C6">A1:A3</f><v>1</v></c>
</row>
<row r="7"><c r="C5"><v>9</v></c><c r="C6"><v>9</v></c></row>
</sheetData></worksheet>"""


@pytest.mark.parametrize(
    "patch",
    [
        SheetPatch(values={"A1": 2.5, "B1": 5.0, "C1": "y", "E1": ExcelError("#N/A")}),
        SheetPatch(values={"A2": 7, "B2": True, "C2": "  padded ", "D2": float("nan")}),
        SheetPatch(values={"A4": float("inf"), "B4": 1e20, "C4": -0.0, "D4": 3}),
        SheetPatch(values={"B1": "", "A1": "", "C2": None, "A4": None}),
        # new cells: in an existing row (middle and end), new rows (between and after)
        SheetPatch(values={"D1": 1.0, "F1": 2.0, "A3": "new", "Z9": 0.1, "B5": False}),
        SheetPatch(values={"C4": 1.0}, array_refs={"C4": "C4:C5"}, clear={"C6", "B4", "X1"}),
        SheetPatch(values={"B2": np.float64(0.25), "A1": np.int64(3), "C1": "_x0041_\x01"}),
    ],
    ids=["layouts", "types", "specials", "empties", "new-cells", "arrays", "numpy"],
)
def test_patch_gives_the_bytes_the_previous_patcher_gave(patch):
    data = _PATCH_SHEET.encode()
    assert xlsx._patch_sheet_tree(data, patch) == _old_patch_sheet_xml(data, patch)
    new = xlsx._patch_sheet_xml(data, patch)
    assert _canonical(new) == _canonical(_old_patch_sheet_xml(data, patch))


def _canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


#: the plain layouts Excel, LibreOffice and openpyxl write, which are edited in place
_PLAIN_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}"><dimension ref="A1:F3"/><sheetData>\
<row r="1" spans="1:6"><c r="A1" s="2"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c>\
<c r="C1" t="inlineStr"><is><t>x</t></is></c><c r="D1" t="s"><v>0</v></c><c r='E1' t='str'>\
<f>"a"&amp;"b"</f><v>ab</v></c><c r="F1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>\
<row r="2"><c r="A2"/><c r="B2" t="b"><f>TRUE</f><v>1</v></c><c r="C2"><f>A2</f></c>\
<c r="D2"><f t="shared" ref="D2:D3" si="0">A2+1</f><v>1</v></c><c r="E2"><v>5</v></c></row>\
<row r="3"><c r="D3"><f t="shared" si="0"/><v>1</v></c><c r="E3" t="str"><f>E2&amp;"&lt;"</f>\
<v>5&lt;</v></c></row></sheetData><pageMargins left="0.7"/></worksheet>"""

_ALL_VALUES = [0.25, 3, -0.0, 1e20, True, False, "", " padded ", "a<b&c>\rd", "_x0041_\x01",
               ExcelError("#N/A"), float("inf"), np.float64(2.5), np.int64(7), None]  # fmt: skip


@pytest.mark.parametrize("value", _ALL_VALUES, ids=repr)
def test_plain_cells_are_edited_in_place_as_the_tree_would(value):
    """Every layout of _PLAIN_SHEET and every kind of value: the bytes outside the cell
    unchanged, the document the tree patcher gives."""
    data = _PLAIN_SHEET.encode()
    refs = ["A1", "B1", "C1", "D1", "E1", "F1", "A2", "B2", "C2", "D2", "E2", "D3", "E3"]
    for ref in refs:
        patch = SheetPatch(values={ref: value})
        new = xlsx._patch_sheet_bytes(data, patch)
        assert new is not None, ref
        assert _canonical(new) == _canonical(xlsx._patch_sheet_tree(data, patch)), ref
        i = data.index(f'r="{ref}"'.encode() if ref != "E1" else b"r='E1'")
        assert new[: i - 3] == data[: i - 3]  # everything before the cell as it was
    patch = SheetPatch(values=dict.fromkeys(refs, value))
    new = xlsx._patch_sheet_bytes(data, patch)
    assert _canonical(new) == _canonical(xlsx._patch_sheet_tree(data, patch))
    assert new.endswith(b'</sheetData><pageMargins left="0.7"/></worksheet>')


@pytest.mark.parametrize(
    ("sheet", "patch"),
    [
        (_PLAIN_SHEET, SheetPatch(values={"G9": 1.0})),  # a cell to create
        (_PLAIN_SHEET, SheetPatch(values={"A1": 1.0}, clear={"E2"})),
        (_PLAIN_SHEET, SheetPatch(values={"D2": 1.0}, array_refs={"D2": "D2:D4"})),
        (_PLAIN_SHEET.replace("A1:F3", "A1:B2"), SheetPatch(values={"E3": 1.0})),  # dimension
        (
            _PLAIN_SHEET.replace('<row r="2">', '<row r="2"><!-- x -->'),
            SheetPatch(values={"A1": 1}),
        ),
        (
            _PLAIN_SHEET.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
            SheetPatch(values={"A1": 1}),
        ),
        ("\ufeff" + _PLAIN_SHEET, SheetPatch(values={"A1": 1})),  # a byte-order mark
        (_PATCH_SHEET, SheetPatch(values={"A4": 1})),  # whitespace between a cell's children
        (_PATCH_SHEET, SheetPatch(values={"A2": 1})),  # <v> before <f>
        (_PATCH_SHEET, SheetPatch(values={"B2": 1})),  # an extension list
    ],
)
def test_other_layouts_and_patches_go_through_the_tree(sheet, patch):
    data = sheet.encode()
    assert xlsx._patch_sheet_bytes(data, patch) is None
    assert xlsx._patch_sheet_xml(data, patch) == xlsx._patch_sheet_tree(data, patch)


def _real_sheets():
    books = sorted(Path(__file__).parent.joinpath("data", "yearbook").glob("*.xlsx"))
    books += sorted(Path(__file__).parents[1].joinpath("workbooks").glob("*.xlsx"))
    for book in books:
        pkg = xlsx.read_package(book)
        for info in pkg.worksheet_parts():
            yield book.name, info, pkg


def test_real_sheets_edited_in_place_give_the_tree_patchers_document():
    """Every sheet of the committed yearbook files and templates: the formula cells and a
    spread of value cells patched with values of every kind, edited in place (where the
    layout allows) and through the tree, give the same document."""
    import random

    rng = random.Random(7)
    in_place = 0
    sheets = 0
    for name, info, pkg in _real_sheets():
        scan = pkg.scan_sheet(info, keep_values=True)
        refs = sorted(scan.formulas) + [xlsx.cell_ref(r, c) for (r, c) in scan.values][::7]
        if not refs:
            continue
        sheets += 1
        data = pkg.read(info.part)
        patch = SheetPatch(values={ref: rng.choice(_ALL_VALUES) for ref in refs})
        new = xlsx._patch_sheet_bytes(data, patch)
        if new is not None:
            in_place += 1
            assert _canonical(new) == _canonical(xlsx._patch_sheet_tree(data, patch)), name
    assert sheets > 40
    assert in_place > sheets // 2, (sheets, in_place)


def test_patch_of_the_layouts_reads_back(tmp_path):
    src = _with_members(
        _odd_book(tmp_path),
        tmp_path / "p.xlsx",
        {"xl/worksheets/sheet1.xml": _PATCH_SHEET.encode()},
    )
    pkg = xlsx.read_package(src)
    part = pkg.worksheet_parts()[0].part
    values = {"A1": 2.5, "B1": 5.0, "C1": "y", "A2": 7, "B2": True, "C2": " a b", "A4": 4.0}
    out = tmp_path / "out.xlsx"
    xlsx.write_patched(pkg, {part: SheetPatch(values=values)}, out)
    scan = xlsx.read_package(out).scan_sheet(pkg.worksheet_parts()[0], keep_values=True)
    got = {xlsx.cell_ref(r, c): x for (r, c), x in scan.values.items()}
    assert {k: got[k] for k in values} == values
    assert scan.formulas["B2"].text == "1"
    root = etree.fromstring(zipfile.ZipFile(out).read(part))
    b2 = next(c for c in root.iter(f"{{{_MAIN}}}c") if c.get("r") == "B2")
    assert [etree.QName(ch).localname for ch in b2] == ["f", "v", "extLst"]
    assert b2.get("t") == "b"
    c2 = next(c for c in root.iter(f"{{{_MAIN}}}c") if c.get("r") == "C2")
    assert c2.find(f"{{{_MAIN}}}v").get("{http://www.w3.org/XML/1998/namespace}space") == (
        "preserve"
    )


@pytest.mark.parametrize("raw", [True, False], ids=["raw-copier", "zipfile"])
def test_write_members_adds_and_removes_members(tmp_path, raw, monkeypatch):
    src = tmp_path / "in.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1.5
    wb.save(src)
    pkg = xlsx.read_package(src)
    if not raw:  # the path for archives the raw copier does not handle
        monkeypatch.setattr(xlsx, "_raw_layout", lambda data: None)
    out = tmp_path / "out.xlsx"
    xlsx.write_members(
        pkg,
        {"docProps/app.xml": b"<Properties/>"},
        out,
        added={"xl/new/extra.xml": b"<x>" + "数据".encode() * 500 + b"</x>"},
        removed={"docProps/core.xml"},
    )
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert b.testzip() is None
        names = [n for n in a.namelist() if n != "docProps/core.xml"] + ["xl/new/extra.xml"]
        assert b.namelist() == names
        assert b.read("xl/new/extra.xml") == b"<x>" + "数据".encode() * 500 + b"</x>"
        assert b.getinfo("xl/new/extra.xml").compress_type == zipfile.ZIP_DEFLATED
        assert b.read("docProps/app.xml") == b"<Properties/>"
        for n in names[:-1]:
            if n != "docProps/app.xml":
                assert b.read(n) == a.read(n)
    assert xlsx.read_package(out).sheets[0].name == "Sheet"


def test_members_stored_with_backslashes_are_patched_not_skipped(tmp_path):
    """Some writers store ``xl\\worksheets\\sheet1.xml``; the patch must reach that member."""
    src = tmp_path / "slash.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1.0
    wb.active["B1"] = "=A1*2"
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    back = tmp_path / "back.xlsx"
    with zipfile.ZipFile(back, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info.filename.replace("/", "\\"), data)
    pkg = xlsx.read_package(back)
    part = pkg.worksheet_parts()[0].part
    assert part == "xl/worksheets/sheet1.xml"
    out = tmp_path / "out.xlsx"
    written = xlsx.write_patched(pkg, {part: SheetPatch(values={"B1": 2.0})}, out)
    assert part in written
    with zipfile.ZipFile(out) as z:
        assert z.namelist() == [i.filename.replace("/", "\\") for i, _ in members]
        assert b"<v>2</v>" in z.read("xl\\worksheets\\sheet1.xml")
    with pytest.raises(ValueError, match="not members"):
        xlsx.write_members(pkg, {"xl/nowhere.xml": b"<x/>"}, tmp_path / "x.xlsx")


def test_error_codes_are_defined_once_and_the_reader_stays_light():
    import subprocess
    import sys

    import agglo.tables
    from agglo_addin import conversion

    assert xlsx.ERROR_CODES is agglo.tables.ERROR_CODES
    assert conversion.ERROR_CODES is agglo.tables.ERROR_CODES
    assert {"#N/A", "#DIV/0!", "#VALUE!", "#SPILL!"} <= xlsx.ERROR_CODES
    # importing the file reader loads no pandas (the codes come on first use); NumPy comes
    # with the agglo package, whose agglo.cells spells every cell address of the project
    code = "import sys, agglo_addin.xlsx; print('pandas' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
