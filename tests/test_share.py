"""``agglo share`` / ``agglo unshare``: a copy for people without the add-in, and back."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from agglo_addin import engine, engine_cli, share
from agglo_addin.cli import main
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.formula import ArrayFormula

_LO_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

AGGLO = {  # cell → formula of every Agglo formula in the book below
    ("Data", "F2"): "=LQ(B2,D2,B5,D5)",
    ("Data", "F3"): "=ROUND(LQ(B3,D3,B5,D5),4)*2",
    ("Data", "H2"): "=HHI(B2:C2)",
    ("Data", "H3"): "=HHI(B3:C3)",
    ("Data", "H4"): "=HHI(B4:C4)",
    ("Out", "B2"): "=LQ(Data!B2:C4)",
}


def _book(path):
    """Data, styles, a number format, a chart, a shared and an array Agglo formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b", "total"])
    ws.append(["X", 10.0, 30.0, "=B2+C2"])
    ws.append(["Y", 20.0, 40.0, "=B3+C3"])
    ws.append(["Z", 30.0, 10.0, "=B4+C4"])
    ws.append(["all", "=SUM(B2:B4)", "=SUM(C2:C4)", "=SUM(D2:D4)"])
    ws["F2"] = AGGLO[("Data", "F2")]
    ws["F3"] = AGGLO[("Data", "F3")]
    ws["G2"] = "=F2*100"  # an ordinary formula reading an Agglo cell
    ws["F2"].number_format = "0.000"
    ws["F2"].font = Font(bold=True, color="FF0000")
    ws["F3"].fill = PatternFill("solid", fgColor="FFFF00")
    for r in (2, 3, 4):
        ws[f"H{r}"] = f"=HHI(B{r}:C{r})"
    out = wb.create_sheet("Out")
    out["A1"] = "LQ block"
    out["B2"] = ArrayFormula("B2:C4", AGGLO[("Out", "B2")])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(chart, "J2")
    wb.save(path)
    # H2:H4 as one shared formula, as Excel writes a filled-down column
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<f>HHI(B2:C2)</f>", b'<f t="shared" ref="H2:H4" si="0">HHI(B2:C2)</f>'
                )
                for r in (3, 4):
                    data = data.replace(
                        f"<f>HHI(B{r}:C{r})</f>".encode(), b'<f t="shared" si="0"/>'
                    )
                assert data.count(b'si="0"') == 3
            z.writestr(info, data)
    return path


@pytest.fixture
def registry():
    reg = engine.default_registry()
    if "LQ" not in reg or "HHI" not in reg:
        pytest.skip("agglo_addin.udfs.REGISTRY has no LQ/HHI")
    return reg


def _formulas(path):
    """(sheet, cell) → formula text of every formula cell (openpyxl expands shared ones)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, ArrayFormula):
                    out[(ws.title, c.coordinate)] = (v.ref, v.text)
                elif isinstance(v, str) and v.startswith("="):
                    out[(ws.title, c.coordinate)] = v
    return out


def _values(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def _refreshed(tmp_path, registry):
    src = _book(tmp_path / "book.xlsx")
    fresh = tmp_path / "fresh.xlsx"
    rep = engine.refresh_workbook(src, out=fresh, registry=registry, all_formulas=True)
    assert rep.status == "refreshed", rep
    return src, fresh


def test_share_replaces_agglo_formulas_and_keeps_everything_else(tmp_path, registry):
    src, fresh = _refreshed(tmp_path, registry)
    copy = tmp_path / "copy.xlsx"
    rep = share.share_workbook(fresh, out=copy, registry=registry, refresh=False)
    assert rep.status == "shared", rep.message
    assert rep.n_agglo == 6  # F2, F3, H2:H4 and the anchor of the 3×2 LQ block
    formulas = _formulas(copy)
    # no Agglo formula is left; the ordinary ones are all kept
    assert not [k for k, f in formulas.items() if "LQ(" in str(f) or "HHI(" in str(f)]
    ordinary = {k: f for k, f in _formulas(fresh).items() if k not in AGGLO and k[0] != "Out"}
    assert formulas == ordinary
    # every cell shows the value it had (Agglo cells included), in the same style
    before, after = _values(fresh), _values(copy)
    assert {k: v for k, v in after.items() if k[0] != share.RECORD_SHEET} == before
    assert after[("Data", "F2")] == pytest.approx((10 / 40) / (60 / 140))
    assert after[("Out", "C4")] == pytest.approx((10 / 40) / (80 / 140))
    wb = openpyxl.load_workbook(copy)
    assert wb["Data"]["F2"].number_format == "0.000"
    assert wb["Data"]["F2"].font.b
    assert wb["Data"]["F3"].fill.fgColor.rgb.endswith("FFFF00")
    assert wb[share.RECORD_SHEET].sheet_state == "hidden"
    assert wb.sheetnames[:2] == ["Data", "Out"]
    # byte-identical members except the sheets with Agglo formulas and the sheet list
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(copy) as b:
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
        added = set(b.namelist()) - set(a.namelist())
        assert changed == {
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
        }
        assert added == {"xl/worksheets/aggloFormulas.xml"}
        assert any(n.startswith("xl/charts/") for n in b.namelist())
        assert b"fullCalcOnLoad" not in b.read("xl/workbook.xml")
        assert b.testzip() is None


def test_unshare_restores_every_formula_exactly(tmp_path, registry):
    src, fresh = _refreshed(tmp_path, registry)
    copy = tmp_path / "copy.xlsx"
    assert share.share_workbook(src, out=copy, registry=registry).status == "shared"
    rep = share.unshare_workbook(copy, out=tmp_path / "back.xlsx")
    assert rep.status == "unshared", rep.message
    assert len(rep.changes) == 6
    back = tmp_path / "back.xlsx"
    assert _formulas(back) == _formulas(src)
    assert openpyxl.load_workbook(back).sheetnames == ["Data", "Out"]
    with zipfile.ZipFile(back) as z:
        assert not [n for n in z.namelist() if "aggloFormulas" in n]
        assert b"aggloFormulas" not in z.read("[Content_Types].xml")
        assert b"fullCalcOnLoad" in z.read("xl/workbook.xml")  # as the original had it
    # the values stay; a refresh finds them up to date
    check = engine.refresh_workbook(back, check=True, registry=registry)
    assert check.status == "ok", check.changes
    assert check.n_agglo == 6


def test_refresh_of_a_shared_copy_keeps_the_record(tmp_path, registry, capsys):
    src = _book(tmp_path / "book.xlsx")
    copy = tmp_path / "copy.xlsx"
    share.share_workbook(src, out=copy, registry=registry)
    code = main(["refresh", str(copy)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "agglo unshare" in out
    rep = share.unshare_workbook(copy, out=tmp_path / "back.xlsx")
    assert _formulas(tmp_path / "back.xlsx") == _formulas(src), rep.message


def test_shared_copy_refusals(tmp_path, registry):
    src = _book(tmp_path / "book.xlsx")
    before = src.read_bytes()
    rep = share.share_workbook(src, out=src, registry=registry)
    assert rep.status == "refused"
    assert "--out" in rep.message
    assert src.read_bytes() == before
    rep = share.unshare_workbook(src)
    assert rep.status == "refused"
    assert "not a shared copy" in rep.message
    copy = tmp_path / "book.shared.xlsx"
    assert share.share_workbook(src, registry=registry).written_to == str(copy)
    rep = share.share_workbook(copy, out=tmp_path / "again.xlsx", registry=registry)
    assert rep.status == "refused"
    assert "already a shared copy" in rep.message
    assert not (tmp_path / "again.xlsx").exists()


def test_unshare_leaves_a_cell_that_holds_a_formula_again(tmp_path, registry):
    src = _book(tmp_path / "book.xlsx")
    copy = tmp_path / "copy.xlsx"
    share.share_workbook(src, out=copy, registry=registry)
    wb = openpyxl.load_workbook(copy)  # someone types a formula into a shared cell
    wb["Data"]["F3"] = "=1+1"
    wb.save(copy)
    rep = share.unshare_workbook(copy, backup=False)
    assert rep.status == "unshared"
    assert any("Data!F3" in w for w in rep.warnings)
    got = _formulas(copy)
    assert got[("Data", "F3")] == "=1+1"
    assert got[("Data", "F2")] == AGGLO[("Data", "F2")]


def test_dynamic_array_metadata_and_text_results_round_trip():
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<worksheet xmlns="{ns}"><sheetData><row r="1">'
        '<c r="A1" cm="1"><f t="array" ref="A1:A2">LQ(B1:C2)</f><v>1.5</v></c>'
        '<c r="B1" t="str"><f>LQSCORE(A1)</f><v xml:space="preserve"> high </v></c>'
        "</row></sheetData></worksheet>"
    ).encode()
    specs = {"A1": {}, "B1": {}}
    dropped, empty = share._drop_formulas(xml, specs)
    assert empty == []
    root = etree.fromstring(dropped)
    assert root.find(f".//{{{ns}}}f") is None
    a1, b1 = root.iter(f"{{{ns}}}c")
    assert a1.get("cm") is None
    assert a1.findtext(f"{{{ns}}}v") == "1.5"
    assert b1.get("t") == "inlineStr"
    assert b1.findtext(f"{{{ns}}}is/{{{ns}}}t") == " high "
    items = [("S", "A1", "LQ(B1:C2)", specs["A1"]), ("S", "B1", "LQSCORE(A1)", specs["B1"])]
    restored, done, skipped = share._restore_formulas(dropped, items, [], keep_cm=True)
    assert done == ["A1", "B1"]
    assert skipped == []
    assert etree.tostring(etree.fromstring(restored), method="c14n") == etree.tostring(
        etree.fromstring(xml), method="c14n"
    )


def test_cli_share_and_unshare(tmp_path, capsys, registry):
    src = _book(tmp_path / "book.xlsx")
    code = main(["share", str(src), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code == engine_cli.EXIT_OK
    assert d["files"][0]["status"] == "shared"
    assert d["files"][0]["written_to"] == str(tmp_path / "book.shared.xlsx")
    code = main(["unshare", str(tmp_path / "book.shared.xlsx")])
    out = capsys.readouterr().out
    assert code == 0
    assert "6 Agglo formula(s) restored" in out
    assert (tmp_path / "book.shared.bak.xlsx").exists()
    code = main(["unshare", str(src)])
    assert code == engine_cli.EXIT_REFUSED
    assert "不是共享副本" in capsys.readouterr().out


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculating_the_shared_copy_shows_the_values(tmp_path, registry):
    """LibreOffice, forced to recalculate every formula on load, shows no #NAME? in the
    shared copy and the same values; the refreshed original (control) shows #NAME?.
    A LibreOffice-saved shared copy still unshares to the original formulas."""
    src, fresh = _refreshed(tmp_path, registry)
    copy = tmp_path / "copy.xlsx"
    assert share.share_workbook(src, out=copy, registry=registry).status == "shared"
    prof = tmp_path / "profile"
    (prof / "user").mkdir(parents=True)
    (prof / "user" / "registrymodifications.xcu").write_text(_LO_PROFILE)
    lo = tmp_path / "lo"
    cmd = ["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(lo), str(copy), str(fresh)]  # fmt: skip
    subprocess.run(cmd, capture_output=True, check=True, timeout=300)
    control = _values(lo / "fresh.xlsx")
    assert control[("Data", "F2")] == "#NAME?"  # recalculated: LibreOffice has no LQ
    got = _values(lo / "copy.xlsx")
    assert "#NAME?" not in got.values()
    want = _values(fresh)
    for key, v in want.items():
        if isinstance(v, float):
            assert got[key] == pytest.approx(v, rel=1e-12), key
        else:
            assert got[key] == v, key
    # after a LibreOffice save the record is still there and complete
    rep = share.unshare_workbook(lo / "copy.xlsx", out=tmp_path / "back.xlsx")
    assert rep.status == "unshared", rep.message
    assert _formulas(tmp_path / "back.xlsx") == _formulas(src)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_shows_every_template_and_the_demo_shared(tmp_path, registry):
    """Every template and the demo workbook, shared: LibreOffice recalculating everything
    shows no #NAME? and every cell's value; a LibreOffice-saved copy unshares to the
    original Agglo formulas."""
    from agglo_addin.demo import build_demo_workbook

    workbooks = Path(__file__).resolve().parent.parent / "workbooks"
    srcs = []
    for b in sorted(workbooks.glob("0*.xlsx")):
        srcs.append(tmp_path / b.name)
        shutil.copyfile(b, srcs[-1])
    srcs.append(build_demo_workbook(tmp_path / "demo.xlsx"))
    copies = []
    for s in srcs:
        copies.append(tmp_path / f"S_{s.name}")
        rep = share.share_workbook(s, out=copies[-1], registry=registry)
        assert rep.status == "shared", rep.message
        assert rep.problems == []
        assert rep.n_agglo > 0
    prof = tmp_path / "profile"
    (prof / "user").mkdir(parents=True)
    (prof / "user" / "registrymodifications.xcu").write_text(_LO_PROFILE)
    lo = tmp_path / "lo"
    cmd = ["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(lo), *map(str, copies)]  # fmt: skip
    subprocess.run(cmd, capture_output=True, check=True, timeout=600)
    for s, c in zip(srcs, copies, strict=True):
        want, got = _values(c), _values(lo / c.name)
        assert "#NAME?" not in got.values(), c.name
        for key, v in want.items():
            if isinstance(v, float):
                assert got[key] == pytest.approx(v, rel=1e-9, abs=1e-12), (c.name, key)
            else:
                assert got[key] == v, (c.name, key)
        back = tmp_path / f"U_{s.name}"
        rep = share.unshare_workbook(lo / c.name, out=back)
        assert rep.status == "unshared", rep.message
        # LibreOffice rewrites some ordinary formulas ('数据'!A1 → 数据!A1); the Agglo ones
        # come back exactly as they were
        original, restored = _formulas(s), _formulas(back)
        agglo = {(ch.sheet, ch.cell) for ch in rep.changes}
        assert len(agglo) == share.share_workbook(s, out=tmp_path / "again.xlsx").n_agglo
        assert {k: restored[k] for k in agglo} == {k: original[k] for k in agglo}


def test_unshare_refuses_when_rows_were_inserted_in_the_copy(tmp_path, registry, capsys):
    src = _book(tmp_path / "book.xlsx")
    copy = tmp_path / "copy.xlsx"
    share.share_workbook(src, out=copy, registry=registry)
    wb = openpyxl.load_workbook(copy)
    wb["Data"].insert_rows(1)  # every value moves one row down; the record does not
    wb.save(copy)
    before = copy.read_bytes()
    code = main(["unshare", str(copy)])
    out = capsys.readouterr().out
    assert code == engine_cli.EXIT_REFUSED
    assert "Data!F2" in out
    assert "rows or columns inserted or deleted" in out
    assert copy.read_bytes() == before
    # --force restores by address anyway (the user has checked)
    assert main(["unshare", "--force", "--no-backup", str(copy)]) == 0
    assert _formulas(copy)[("Data", "F2")] == AGGLO[("Data", "F2")]


@pytest.mark.parametrize(
    "attrs",
    [
        '{"f": {"t": "shared", "si": "0"}}',
        '{"f": {"onload": "x"}}',
        '{"f": {"ref": "A1\\"/>"}}',
        '{"cm": "1 evil"}',
        "[1, 2]",
        "not json",
    ],  # fmt: skip
)
def test_unshare_refuses_a_tampered_record(tmp_path, registry, attrs):
    src = _book(tmp_path / "book.xlsx")
    copy = tmp_path / "copy.xlsx"
    share.share_workbook(src, out=copy, registry=registry)
    wb = openpyxl.load_workbook(copy)
    wb[share.RECORD_SHEET]["D3"] = attrs
    wb.save(copy)
    before = copy.read_bytes()
    rep = share.unshare_workbook(copy)
    assert rep.status == "refused"
    assert "row 3" in rep.message
    assert copy.read_bytes() == before


def test_a_defined_name_calling_an_agglo_function_is_reported(tmp_path, registry):
    from openpyxl.workbook.defined_name import DefinedName

    src = _book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(src)
    wb.defined_names["TOPLQ"] = DefinedName("TOPLQ", attr_text="MAX(LQ(Data!$B$2:$C$4))")
    wb["Data"]["K1"] = "=TOPLQ"
    wb.save(src)
    rep = share.share_workbook(src, out=tmp_path / "copy.xlsx", registry=registry)
    assert rep.status == "shared"
    assert any("TOPLQ" in w and "#NAME?" in w for w in rep.warnings)
