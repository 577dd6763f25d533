"""Hostile workbooks are refused (or handled) quickly, in bounded memory, untouched."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from agglo_addin import engine, xlsx
from agglo_addin.xlsx import RefusedError

_CT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"
_GOOD_SHEET = (
    _SHEET_HEAD
    + b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>LQ(A1)</f></c></row>'
    + _SHEET_TAIL
)


def _write(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _package(**override):
    m = {
        "[Content_Types].xml": _CT,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WB,
        "xl/_rels/workbook.xml.rels": _WB_RELS,
        "xl/worksheets/sheet1.xml": _GOOD_SHEET,
    }
    m.update(override)
    return m


def _refresh_refused(path, match, **kw):
    before = path.read_bytes()
    rep = engine.refresh_workbook(path, registry={"LQ": lambda *a: 1.0}, **kw)
    assert rep.status == "refused", rep
    assert match in rep.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return rep


def test_valid_minimal_package_is_refreshed(tmp_path):
    p = _write(tmp_path / "ok.xlsx", _package())
    rep = engine.refresh_workbook(p, registry={"LQ": lambda *a: 2.5}, backup=False)
    assert rep.status == "refreshed", rep.message
    assert rep.changes[0].new == 2.5


def test_zip_bomb(tmp_path):
    bomb = _SHEET_HEAD + b"<row/>" * (40_000_000 // 6) + _SHEET_TAIL  # ~40 MB of zeros-like XML
    p = _write(tmp_path / "bomb.xlsx", _package(**{"xl/worksheets/sheet1.xml": bomb}))
    assert p.stat().st_size < 1_000_000
    _refresh_refused(p, "compression ratio")


def test_total_size_limit(tmp_path):
    p = _write(tmp_path / "big.xlsx", _package(**{"xl/media/blob.bin": b"\0" * 3_000_000}))
    before = p.read_bytes()
    with pytest.raises(RefusedError, match="expands to"):
        xlsx.read_package(p, xlsx.Limits(max_total_uncompressed=1_000_000))
    assert p.read_bytes() == before


def test_billion_laughs(tmp_path):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    p = _write(tmp_path / "lol.xlsx", _package(**{"xl/worksheets/sheet1.xml": lol}))
    _refresh_refused(p, "declares a DTD or entities")


def test_external_entity(tmp_path):
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&x;</workbook>'
    )
    p = _write(tmp_path / "xxe.xlsx", _package(**{"xl/workbook.xml": xxe}))
    _refresh_refused(p, "declares a DTD or entities")


def test_utf16_dtd_is_also_caught(tmp_path):
    xxe = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r/>'
    data = b"\xff\xfe" + xxe.encode("utf-16-le")
    p = _write(tmp_path / "u16.xlsx", _package(**{"customXml/item1.xml": data}))
    _refresh_refused(p, "declares a DTD or entities")


def test_secure_parser_does_not_expand_entities():
    from lxml import etree

    doc = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    root = etree.fromstring(doc, xlsx.secure_parser())
    assert "root:" not in etree.tostring(root).decode()


@pytest.mark.parametrize("name", ["../evil.xml", "/abs/evil.xml", "xl/../../evil.xml", "C:/x.xml"])
def test_path_traversal_member(tmp_path, name):
    p = _write(tmp_path / "trav.xlsx", _package(**{name: b"<x/>"}))
    _refresh_refused(p, "unsafe member name")


def test_truncated_file(tmp_path):
    good = _write(tmp_path / "good.xlsx", _package()).read_bytes()
    (tmp_path / "good.xlsx").unlink()
    p = tmp_path / "trunc.xlsx"
    p.write_bytes(good[: len(good) // 2])
    _refresh_refused(p, "truncated or corrupt")


def test_password_protected(tmp_path):
    # an encrypted workbook is an OLE compound file, not a zip package
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    _refresh_refused(p, "password-protected")


def test_not_a_workbook(tmp_path):
    p = _write(tmp_path / "nowb.xlsx", {"hello.txt": b"hi"})
    _refresh_refused(p, "no part '_rels/.rels'")


_MILLION = r"""
import sys, time
sys.path[:0] = [p for p in sys.argv[2:]]
from agglo_addin import engine
t = time.perf_counter()
rep = engine.refresh_workbook(sys.argv[1], registry={"LQ": lambda *a: 1.0})
# peak resident memory of this process (VmHWM; ru_maxrss would include the parent's)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(rep.status, round(time.perf_counter() - t, 1), hwm, rep.message)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_million_rows_is_refused_in_bounded_memory_and_time(tmp_path):
    p = tmp_path / "million.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _package().items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(_SHEET_HEAD + b'<row r="1"><c r="B1"><f>LQ(A1:A1000000)</f></c></row>')
            chunk = []
            for r in range(2, 1_000_002):  # 1,000,000 rows of data below the formula
                chunk.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r))
                if len(chunk) == 50_000:
                    fh.write(b"".join(chunk))
                    chunk = []
            fh.write(b"".join(chunk) + _SHEET_TAIL)
    before_size = p.stat().st_size
    out = subprocess.run(
        [sys.executable, "-c", _MILLION, str(p)], capture_output=True, text=True, timeout=120
    )
    status, seconds, maxrss_kb, *msg = out.stdout.split(" ", 3)
    assert status == "refused", out.stdout + out.stderr
    assert "1,000,001 cells" in " ".join(msg)
    assert int(maxrss_kb) < 1_000_000  # < 1 GB peak resident memory
    assert float(seconds) < 60
    assert p.stat().st_size == before_size
