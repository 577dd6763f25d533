"""``agglo refresh`` / ``agglo demo``: exit codes, reports, backups, atomic writes, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from agglo_addin import engine, engine_cli, xlsx
from agglo_addin.cli import main
from engine_switches import PAUSED_CLI


def _book(path, formula="=LQ(B2,D2,B5,D5)"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b", "total"])
    ws.append(["X", 10.0, 30.0, "=B2+C2"])
    ws.append(["Y", 20.0, 40.0, "=B3+C3"])
    ws.append(["Z", 30.0, 10.0, "=B4+C4"])
    ws.append(["all", "=SUM(B2:B4)", "=SUM(C2:C4)", "=SUM(D2:D4)"])
    if formula:
        ws["F2"] = formula
    wb.save(path)
    return path


@pytest.fixture
def registry():
    reg = engine.default_registry()
    if "LQ" not in reg:
        pytest.skip("agglo_addin.udfs.REGISTRY has no LQ")
    return reg


def _run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_refresh_writes_values_keeps_backup_and_check_passes(tmp_path, capsys, registry):
    p = _book(tmp_path / "b.xlsx")
    original = p.read_bytes()
    code, out, _ = _run(["refresh", str(p)], capsys)
    assert code == engine_cli.EXIT_OK, out
    assert "refreshed" in out
    assert "Data!F2: (empty) -> 0.583333" in out  # (10/40)/(60/140)
    bak = tmp_path / "b.bak.xlsx"
    assert bak.read_bytes() == original
    wb = openpyxl.load_workbook(p, data_only=True)
    assert wb["Data"]["F2"].value == pytest.approx((10 / 40) / (60 / 140))
    assert openpyxl.load_workbook(p)["Data"]["F2"].value == "=LQ(B2,D2,B5,D5)"
    # second run: nothing to do, nothing written
    before = p.read_bytes()
    code, out, _ = _run(["refresh", str(p), "--no-backup"], capsys)
    assert code == 0
    assert "up to date" in out
    assert p.read_bytes() == before
    code, out, _ = _run(["refresh", "--check", str(p)], capsys)
    assert code == engine_cli.EXIT_OK
    assert "check passed" in out


def test_check_detects_stale_values_and_writes_nothing(tmp_path, capsys, registry):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    code, out, _ = _run(["refresh", "--check", str(p), "--json"], capsys)
    assert code == engine_cli.EXIT_DIFFERS
    rep = json.loads(out)
    assert rep["exit_code"] == 1
    f = rep["files"][0]
    assert f["status"] == "differs"
    assert any(c["cell"] == "F2" and c["old"] is None for c in f["changes"])
    assert p.read_bytes() == before


def test_out_leaves_the_original_alone(tmp_path, capsys, registry):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    dst = tmp_path / "sub" / "new.xlsx"
    code, _, _ = _run(["refresh", str(p), "--out", str(dst)], capsys)
    assert code == 0
    assert p.read_bytes() == before
    assert not (tmp_path / "b.bak.xlsx").exists()
    assert openpyxl.load_workbook(dst, data_only=True)["Data"]["F2"].value > 0


def test_evaluation_errors_exit_code(tmp_path, capsys, registry):
    p = _book(tmp_path / "b.xlsx", formula="=LQ(A2:A4)")  # text block: invalid input
    code, out, _ = _run(["refresh", str(p)], capsys)
    assert code == engine_cli.EXIT_EVAL_ERRORS, out
    assert "could not evaluate Data!F2" in out
    assert openpyxl.load_workbook(p, data_only=True)["Data"]["F2"].value == "#VALUE!"


def test_refused_exit_code_and_untouched(tmp_path, capsys):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    before = p.read_bytes()
    code, out, _ = _run(["refresh", str(p)], capsys)
    assert code == engine_cli.EXIT_REFUSED
    assert "password-protected" in out
    assert p.read_bytes() == before
    assert not (tmp_path / "locked.bak.xlsx").exists()


def test_batch_with_jobs_and_summary(tmp_path, capsys, registry):
    d = tmp_path / "books"
    d.mkdir()
    for i in range(3):
        _book(d / f"b{i}.xlsx")
    _book(d / "plain.xlsx", formula=None)  # no Agglo formula, but SUMs never computed
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1.0
    wb.save(d / "values.xlsx")  # no formula at all
    (d / "bad.xlsx").write_bytes(b"PK\x03\x04truncated")
    code, out, _ = _run(["refresh", str(d), "--jobs", "2", "--json", "--no-backup"], capsys)
    rep = json.loads(out)
    s = rep["summary"]
    assert s["workbooks"] == 6
    assert s["refreshed"] == 4
    assert s["unchanged"] == 1
    assert s["refused"] == 1
    assert code == engine_cli.EXIT_REFUSED
    assert not list(d.glob("*.bak.*"))


def test_expand_books_skips_backups_and_lock_files(tmp_path):
    for n in ("a.xlsx", "a.bak.xlsx", "~$a.xlsx", "b.xlsm", "c.csv"):
        (tmp_path / n).write_bytes(b"")
    got = sorted(p.name for p in engine_cli.expand_books([str(tmp_path)]))
    assert got == ["a.xlsx", "b.xlsm"]
    got = sorted(p.name for p in engine_cli.expand_books([str(tmp_path / "*.xls*")]))
    assert got == ["a.xlsx", "b.xlsm"]


def test_file_changed_during_refresh_is_not_overwritten(tmp_path, registry, monkeypatch):
    p = _book(tmp_path / "b.xlsx")

    def touch():
        with open(p, "ab") as fh:
            fh.write(b"x")  # someone else saves the file meanwhile

    real = xlsx.write_patched

    def write_then_touch(*args, **kwargs):
        out = real(*args, **kwargs)
        touch()
        return out

    monkeypatch.setattr(xlsx, "write_patched", write_then_touch)
    rep = engine.refresh_workbook(p)
    assert rep.status == "refused"
    assert "changed on disk" in rep.message
    assert p.read_bytes().endswith(b"x")
    assert not list(tmp_path.glob("*.agglo-tmp"))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_kill_during_write_leaves_original_intact(tmp_path, registry):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_CLI, "30", "refresh", str(p)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".*.agglo-tmp")):
        time.sleep(0.05)
    tmp_files = list(tmp_path.glob(".*.agglo-tmp"))
    assert tmp_files, "the refresh never reached the write phase"
    time.sleep(0.2)  # inside the write phase (paused after the first bytes)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert p.read_bytes() == before
    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None


def test_demo_builds_refreshes_and_summarises(tmp_path, capsys, registry):
    code, out, _ = _run(["demo", "--out", str(tmp_path / "demo"), "--builtin"], capsys)
    assert code == 0, out
    assert "Highest location quotient" in out
    assert "海南" in out
    assert str((tmp_path / "demo").resolve()) in out
    book = tmp_path / "demo" / "agglo-demo.xlsx"
    wb = openpyxl.load_workbook(book, data_only=True)
    assert isinstance(wb["区位熵"]["B4"].value, float)
    code, out, _ = _run(["refresh", "--check", str(book)], capsys)
    assert code == 0, out


def test_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["refresh", "--help"])
    out = capsys.readouterr().out
    for code in ("0", "1", "3", "4"):
        assert f"  {code}  " in out


def test_unwritable_folder_is_refused_cleanly(tmp_path, registry):
    if os.geteuid() == 0:
        # root ignores permissions: simulate the failure of the final rename instead
        p = _book(tmp_path / "b.xlsx")
        before = p.read_bytes()

        def deny(*a):
            raise PermissionError(13, "Permission denied")

        real = os.replace
        os.replace = deny
        try:
            rep = engine.refresh_workbook(p)
        finally:
            os.replace = real
    else:
        p = _book(tmp_path / "b.xlsx")
        before = p.read_bytes()
        tmp_path.chmod(0o555)
        try:
            rep = engine.refresh_workbook(p, backup=False)
        finally:
            tmp_path.chmod(0o755)
    assert rep.status == "refused"
    assert "could not write" in rep.message
    assert p.read_bytes() == before


def _without_full_calc(path):
    """The workbook with ``fullCalcOnLoad`` removed from ``xl/workbook.xml`` (openpyxl sets it)."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
                assert b"fullCalcOnLoad" not in data
            z.writestr(info, data)
    return path


def test_agglo_only_leaves_unconnected_ordinary_formulas(tmp_path, capsys, registry):
    p = _book(tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(p)
    wb["Data"]["G2"] = "=B2*100"  # not connected to the LQ formula in F2
    wb.save(p)
    code, out, _ = _run(["refresh", str(p), "--no-backup", "--agglo-only", "--json"], capsys)
    assert code == 0, out
    cells = {c["cell"] for c in json.loads(out)["files"][0]["changes"]}
    assert "F2" in cells
    assert "G2" not in cells
    assert "C5" not in cells
    assert openpyxl.load_workbook(p, data_only=True)["Data"]["G2"].value is None
    code, out, _ = _run(["refresh", str(p), "--no-backup", "--json"], capsys)
    assert code == 0, out
    changes = {c["cell"]: c["new"] for c in json.loads(out)["files"][0]["changes"]}
    # F2 and its precedents were up to date; C5 = SUM(C2:C4) feeds nothing Agglo uses
    assert changes == {"C5": 80, "G2": 1000}
    assert openpyxl.load_workbook(p, data_only=True)["Data"]["G2"].value == 1000


def test_default_fills_a_workbook_without_agglo_formulas(tmp_path, capsys):
    p = _book(tmp_path / "b.xlsx", formula=None)
    code, out, _ = _run(["refresh", str(p), "--no-backup", "--agglo-only"], capsys)
    assert code == 0
    assert "no Agglo formulas" in out
    code, out, _ = _run(["refresh", str(p), "--no-backup"], capsys)
    assert code == 0, out
    ws = openpyxl.load_workbook(p, data_only=True)["Data"]
    assert [ws[c].value for c in ("D2", "D3", "D4", "B5", "C5", "D5")] == [40, 60, 40, 60, 80, 140]
    code, out, _ = _run(["refresh", "--check", str(p)], capsys)
    assert code == engine_cli.EXIT_OK
    assert "check passed" in out
    code, out, _ = _run(["refresh", "--check", "--all", str(p)], capsys)  # the old spelling
    assert code == engine_cli.EXIT_OK


def _set_value(path, sheet_part, ref, value):
    """Change one data cell's stored value in place (what a script dropping in new data
    does), leaving every cached formula value as it was."""
    import re

    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == sheet_part:
                pat = rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>'.encode()
                data, n = re.subn(pat, rb"\g<1><v>" + str(value).encode() + b"</v>", data)
                assert n == 1
            z.writestr(info, data)
    os.replace(out, path)


def test_a_changed_data_cell_updates_a_plain_sum_and_check_fails_on_stale_values(
    tmp_path, capsys, registry
):
    p = _book(tmp_path / "b.xlsx")
    code, out, _ = _run(["refresh", str(p), "--no-backup"], capsys)
    assert code == 0, out
    _set_value(p, "xl/worksheets/sheet1.xml", "C3", 41)  # 40 -> 41: C5 = SUM(C2:C4) is stale
    code, out, _ = _run(["refresh", "--check", str(p)], capsys)
    assert code == engine_cli.EXIT_DIFFERS, out
    assert "Data!C5: 80 -> 81" in out
    code, out, _ = _run(["refresh", str(p), "--no-backup"], capsys)
    assert code == 0, out
    ws = openpyxl.load_workbook(p, data_only=True)["Data"]
    assert (ws["C5"].value, ws["D3"].value, ws["D5"].value) == (81, 61, 141)
    code, out, _ = _run(["refresh", "--check", str(p)], capsys)
    assert code == engine_cli.EXIT_OK, out


def test_recalc_on_open_is_set_by_default_and_can_be_skipped(tmp_path, capsys, registry):
    for flag, expect in (([], True), (["--no-recalc-on-open"], False)):
        p = _without_full_calc(_book(tmp_path / f"b{len(flag)}.xlsx"))
        with zipfile.ZipFile(p) as z:
            wb_before = z.read("xl/workbook.xml")
        code, out, _ = _run(["refresh", str(p), "--no-backup", "--json", *flag], capsys)
        assert code == 0, out
        rewritten = json.loads(out)["files"][0]["parts_rewritten"]
        with zipfile.ZipFile(p) as z:
            wb_after = z.read("xl/workbook.xml")
        assert openpyxl.load_workbook(p, data_only=True)["Data"]["F2"].value > 0
        if expect:
            assert "xl/workbook.xml" in rewritten
            assert b'fullCalcOnLoad="1"' in wb_after
        else:
            assert "xl/workbook.xml" not in rewritten
            assert wb_after == wb_before


def test_help_explains_the_new_flags(capsys):
    with pytest.raises(SystemExit):
        main(["refresh", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--agglo-only" in out
    assert "By default every formula is recalculated" in out
    assert "--no-recalc-on-open" in out
    assert "#NAME?" in out  # why someone would skip the recalculation on open
    assert "without the add-in" in out.lower() or "WITHOUT the add-in" in out
