"""Round trip over the real-world workbook corpus (../shared/corpus).

1. Refresh every workbook as it is: none uses Agglo functions, so nothing may be
   written (or the file is refused with a message) and it stays byte-identical.
2. Inject an Agglo formula into a copy (by patching the sheet XML, never through
   openpyxl) and refresh: every zip member other than the patched sheet (and
   xl/workbook.xml for fullCalcOnLoad) keeps its bytes, order and compression, and
   the result opens with openpyxl and python-calamine exactly when the original did,
   and LibreOffice converts it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from agglo_addin import engine, xlsx
from lxml import etree

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
BOOKS = sorted(CORPUS.glob("*/*.xls[xm]")) if CORPUS.is_dir() else []
IDS = [f"{p.parent.name}/{p.name}" for p in BOOKS]

pytestmark = pytest.mark.skipif(not BOOKS, reason=f"corpus not found at {CORPUS}")

#: Workbooks that cannot be processed, and the words their refusal must contain.
EXPECTED_REFUSALS = {
    "tests_pass_protected.xlsx": "password-protected",
    "tests_issue252.xlsx": "corrupt or truncated",  # a member with a bad CRC
}
#: Injected copies the evaluator cannot read (refused, left untouched).
EVALUATOR_REFUSALS = {
    "tests_strict_iso_paths.xlsx": "Strict Open XML",
    # values of the sheet refer to shared strings, but the package has no such part
    "tests_issue_419.xlsx": "has no part 'xl/sharedStrings.xml'",
}

#: Workbooks LibreOffice cannot load even as they are (not only after a refresh).
LIBREOFFICE_CANNOT_LOAD = {"tests_issue_530.xlsx"}  # backslashes in member names


def _members(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, i.compress_type, z.read(i.filename)) for i in z.infolist()]


def _raw_entries(path) -> dict[str, tuple[bytes, tuple]]:
    """Each member's bytes as stored in the archive (local header + compressed data +
    data descriptor, found through zipfile's central directory), and its central
    directory fields other than the offset."""
    data = Path(path).read_bytes()
    out = {}
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            h = i.header_offset
            assert data[h : h + 4] == b"PK\x03\x04", i.filename
            n, m = struct.unpack("<HH", data[h + 26 : h + 30])
            end = h + 30 + n + m + i.compress_size
            if i.flag_bits & 0x08:
                end += 16 if data[end : end + 4] == b"PK\x07\x08" else 12
            fields = (i.CRC, i.compress_size, i.file_size, i.compress_type, i.date_time,
                      i.flag_bits, i.extra, i.comment, i.external_attr, i.internal_attr)  # fmt: skip
            out[i.filename] = (data[h:end], fields)
    return out


def _opens_with_openpyxl(path) -> bool:
    import openpyxl

    try:
        openpyxl.load_workbook(path, data_only=True).close()
        return True
    except Exception:  # noqa: BLE001 - the point is whether it opens
        return False


def _opens_with_calamine(path) -> bool:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        return True
    except Exception:  # noqa: BLE001
        return False


def _inject(src: Path, dst: Path) -> tuple[str, str] | None:
    """Copy ``src`` with a row holding 2, 3 and =HHI(A:B of that row) appended to its
    first worksheet (sheet XML patched, every other member copied). Returns
    (sheet part, formula cell) or None when the package has no worksheet."""
    pkg = xlsx.read_package(src)
    sheets = pkg.worksheet_parts()
    if not sheets:
        return None
    part = sheets[0].part
    member = pkg._member(part).filename
    root = etree.fromstring(pkg.read(part), xlsx.secure_parser())
    ns = etree.QName(root).namespace
    sd = root.find(f"{{{ns}}}sheetData")
    last = max((int(r.get("r", 0)) for r in sd.iterfind(f"{{{ns}}}row")), default=0)
    r = last + 2
    if r > 1_048_576:
        return None
    row = etree.SubElement(sd, f"{{{ns}}}row", r=str(r))
    for col, v in (("A", "2"), ("B", "3")):
        c = etree.SubElement(row, f"{{{ns}}}c", r=f"{col}{r}")
        etree.SubElement(c, f"{{{ns}}}v").text = v
    c = etree.SubElement(row, f"{{{ns}}}c", r=f"C{r}")
    etree.SubElement(c, f"{{{ns}}}f").text = f"HHI(A{r}:B{r})"
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    layout = xlsx._raw_layout(pkg.data)
    if layout is not None:
        # the other members keep their stored bytes (data descriptors, extra fields ...),
        # so the refresh below meets them as the corpus has them
        with open(dst, "wb") as fh:
            xlsx._write_raw(pkg.data, layout, {member: data}, fh, None)
        raw_src, raw_dst = _raw_entries(src), _raw_entries(dst)
        assert [k for k in raw_src if k != member] == [k for k in raw_dst if k != member]
        for name, stored in raw_src.items():
            if name != member:
                assert raw_dst[name] == stored, name
    else:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for info in zin.infolist():
                zout.writestr(info, data if info.filename == member else zin.read(info.filename))
    return member, f"C{r}"


@pytest.fixture(scope="module")
def registry():
    reg = engine.default_registry()
    if "HHI" not in reg:
        pytest.skip("agglo_addin.udfs.REGISTRY has no HHI")
    return reg


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_refresh_agglo_only_without_agglo_formulas_writes_nothing(book, tmp_path):
    p = tmp_path / book.name
    shutil.copyfile(book, p)
    before = p.read_bytes()
    rep = engine.refresh_workbook(p, all_formulas=False)
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [book.name]  # no backup, no temp
    if book.name in EXPECTED_REFUSALS:
        assert rep.status == "refused"
        assert EXPECTED_REFUSALS[book.name] in rep.message
    else:
        assert rep.status == "unchanged", rep.message
        assert rep.n_agglo == 0


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_refresh_after_injecting_an_agglo_formula(book, tmp_path, registry):
    if book.name in EXPECTED_REFUSALS:
        pytest.skip("refused as it is (tested above)")
    src = tmp_path / f"in{book.suffix}"
    injected = _inject(book, src)
    if injected is None:
        pytest.skip("no worksheet, or no free row")
    part, cell = injected
    out = tmp_path / f"out{book.suffix}"
    before = src.read_bytes()
    # the Agglo formula and what is connected to it: the whole-workbook recalculation of
    # the corpus is tested in test_differential.py
    rep = engine.refresh_workbook(src, out=out, registry=registry, all_formulas=False)
    assert src.read_bytes() == before
    if book.name in EVALUATOR_REFUSALS:
        assert rep.status == "refused"
        assert EVALUATOR_REFUSALS[book.name] in rep.message
        assert not out.exists()
        return
    assert rep.status == "refreshed", rep.message
    base = part.replace("\\", "/").split("/")[-1]
    got = rep.evaluation.values[(next(s.name for s in xlsx.read_package(src).worksheet_parts()
                                      if s.part.endswith(base)), cell)]  # fmt: skip
    assert got == pytest.approx(0.4**2 + 0.6**2)  # HHI of shares 2/5, 3/5
    # ... and that value is in the written file (not only in the report)
    written = xlsx.read_package(out)
    info = next(s for s in written.worksheet_parts() if s.part.endswith(base))
    assert written.scan_sheet(info).formulas[cell].cached == pytest.approx(0.4**2 + 0.6**2)
    a, b = _members(src), _members(out)
    assert [m[0] for m in a] == [m[0] for m in b]
    allowed = {part.replace("\\", "/"), "xl/workbook.xml"}
    for (name, ct, data), (_, ct2, data2) in zip(a, b, strict=True):
        assert ct == ct2, name
        if name.replace("\\", "/") not in allowed:
            assert data == data2, name
    # byte-identical in the archive too: the stored (compressed) bytes, not only the content
    raw_a, raw_b = _raw_entries(src), _raw_entries(out)
    assert list(raw_a) == list(raw_b)
    for name, stored in raw_a.items():
        if name.replace("\\", "/") not in allowed:
            assert raw_b[name] == stored, name
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    # opens with openpyxl whenever the original did (the original is only loaded, which
    # takes seconds on large sheets, when the result does not open)
    assert _opens_with_openpyxl(out) or not _opens_with_openpyxl(src)
    assert _opens_with_calamine(out) == _opens_with_calamine(src)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_refreshed_copy(tmp_path, registry):
    outs = []
    for i, book in enumerate(BOOKS):
        if book.name in EXPECTED_REFUSALS or book.name in EVALUATOR_REFUSALS:
            continue
        if book.name in LIBREOFFICE_CANNOT_LOAD:
            continue
        src = tmp_path / f"in{i}{book.suffix}"
        if _inject(book, src) is None:
            continue
        out = tmp_path / f"out{i}{book.suffix}"
        rep = engine.refresh_workbook(src, out=out, registry=registry, all_formulas=False)
        if rep.status == "refreshed":
            outs.append(out)
    assert len(outs) > 50
    conv = tmp_path / "conv"
    # two LibreOffice processes (separate profiles), each converting half of the files
    procs = []
    for k in range(2):
        profile = tmp_path / f"lo-profile-{k}"
        cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "csv", "--outdir", str(conv), *map(str, outs[k::2])]  # fmt: skip
        procs.append(
            subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    logs = ""
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        logs += out + err
        assert proc.returncode == 0, err
    made = {p.stem for p in conv.glob("*.csv")}
    missing = [o.name for o in outs if o.stem not in made]
    assert missing == [], logs
