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
    # openpyxl (the reader behind the evaluator) cannot load these packages
    "tests_empty_s_attribute.xlsx": "could not read the workbook",
    "tests_issue_419.xlsx": "could not read the workbook",  # no sharedStrings part
    "tests_issue_530.xlsx": "could not read the workbook",  # backslash member names
    "tests_pivots.xlsx": "could not read the workbook",  # Excel-made pivot tables
}


def _members(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, i.compress_type, z.read(i.filename)) for i in z.infolist()]


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
def test_refresh_without_agglo_formulas_writes_nothing(book, tmp_path):
    p = tmp_path / book.name
    shutil.copyfile(book, p)
    before = p.read_bytes()
    rep = engine.refresh_workbook(p)
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
    rep = engine.refresh_workbook(src, out=out, registry=registry)
    assert src.read_bytes() == before
    if book.name in EVALUATOR_REFUSALS:
        assert rep.status == "refused"
        assert EVALUATOR_REFUSALS[book.name] in rep.message
        assert not out.exists()
        return
    assert rep.status == "refreshed", rep.message
    got = rep.evaluation.values[(next(s.name for s in xlsx.read_package(src).worksheet_parts()
                                      if s.part.endswith(part.split("/")[-1])), cell)]  # fmt: skip
    assert got == pytest.approx(0.4**2 + 0.6**2)  # HHI of shares 2/5, 3/5
    a, b = _members(src), _members(out)
    assert [m[0] for m in a] == [m[0] for m in b]
    allowed = {part, "xl/workbook.xml"}
    for (name, ct, data), (_, ct2, data2) in zip(a, b, strict=True):
        assert ct == ct2, name
        if name not in allowed:
            assert data == data2, name
    assert _opens_with_openpyxl(out) == _opens_with_openpyxl(src)
    assert _opens_with_calamine(out) == _opens_with_calamine(src)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_refreshed_copy(tmp_path, registry):
    outs = []
    for i, book in enumerate(BOOKS):
        if book.name in EXPECTED_REFUSALS or book.name in EVALUATOR_REFUSALS:
            continue
        src = tmp_path / f"in{i}{book.suffix}"
        if _inject(book, src) is None:
            continue
        out = tmp_path / f"out{i}{book.suffix}"
        rep = engine.refresh_workbook(src, out=out, registry=registry)
        if rep.status == "refreshed":
            outs.append(out)
    assert len(outs) > 50
    conv = tmp_path / "conv"
    profile = tmp_path / "lo-profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "csv", "--outdir", str(conv), *map(str, outs)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    made = {p.stem for p in conv.glob("*.csv")}
    missing = [o.name for o in outs if o.stem not in made]
    assert missing == [], proc.stdout + proc.stderr
