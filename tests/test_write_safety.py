"""The write path never damages a file: read-only files, symbolic links, lock files of
Excel and LibreOffice, special files, temporaries after a kill, permissions."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from agglo_addin import engine, safe_write, share
from agglo_addin.cli import main
from engine_switches import PAUSED_CLI

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX files and signals")


def _book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b", "total"])
    ws.append(["X", 10.0, 30.0, "=B2+C2"])
    ws.append(["Y", 20.0, 40.0, "=B3+C3"])
    ws.append(["all", "=SUM(B2:B3)", "=SUM(C2:C3)", "=SUM(D2:D3)"])
    ws["F2"] = "=LQ(B2,D2,B4,D4)"
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def _needs_lq():
    if "LQ" not in engine.default_registry():
        pytest.skip("agglo_addin.udfs.REGISTRY has no LQ")


def _temps(folder):
    return sorted(folder.glob(".*" + safe_write.TMP_SUFFIX))


def _lq(path):
    return openpyxl.load_workbook(path, data_only=True)["Data"]["F2"].value


# ---------------------------------------------------------------------------
# read-only, links, special files


def test_a_read_only_workbook_is_not_overwritten(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    p.chmod(0o444)
    try:
        rep = engine.refresh_workbook(p)
    finally:
        p.chmod(0o644)
    assert rep.status == "refused"
    assert rep.message.index("只读") < rep.message.index("read-only")
    assert p.read_bytes() == before
    assert not (tmp_path / "b.bak.xlsx").exists()
    assert _temps(tmp_path) == []
    # --check writes nothing, so it still works on a read-only file
    p.chmod(0o444)
    try:
        assert engine.refresh_workbook(p, check=True).status == "differs"
    finally:
        p.chmod(0o644)


@posix_only
def test_a_symlink_is_kept_and_its_target_updated(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = _book(real_dir / "b.xlsx")
    before = real.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    rep = engine.refresh_workbook(link)
    assert rep.status == "refreshed", rep.message
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert _lq(real) == pytest.approx((10 / 40) / (30 / 100))
    assert (real_dir / "b.bak.xlsx").read_bytes() == before  # the backup beside the file
    assert _temps(tmp_path) == []
    assert _temps(real_dir) == []


@posix_only
@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_out_onto_a_special_file_is_refused(tmp_path, kind):
    p = _book(tmp_path / "b.xlsx")
    if kind == "directory":
        out = tmp_path / "folder"
        out.mkdir()
    elif kind == "fifo":
        out = tmp_path / "pipe.xlsx"
        os.mkfifo(out)
    else:
        out = tmp_path / "null.xlsx"
        out.symlink_to("/dev/null")  # a link to a device: the device is what would be written
    rep = engine.refresh_workbook(p, out=out)
    assert rep.status == "refused"
    assert "not a workbook file" in rep.message
    mode = os.stat(out).st_mode
    assert {"directory": stat.S_ISDIR, "fifo": stat.S_ISFIFO, "device": stat.S_ISCHR}[kind](mode)
    assert _temps(tmp_path) == []
    assert _temps(out.parent) == []
    # the same policy for the shared copy
    assert share.share_workbook(p, out=out).status == "refused"


def test_out_onto_a_read_only_file_is_refused(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    out.chmod(0o444)
    try:
        rep = engine.refresh_workbook(p, out=out)
    finally:
        out.chmod(0o644)
    assert rep.status == "refused"
    assert out.read_bytes() == b"keep me"


# ---------------------------------------------------------------------------
# lock files


@pytest.mark.parametrize(
    "lock",
    ["~$b-report.xlsx", ".~lock.b-report.xlsx#", "~$report.xlsx"],
    ids=["excel", "lo", "excel-short"],
)
def test_a_workbook_open_in_excel_or_libreoffice_is_not_overwritten(tmp_path, lock, capsys):
    p = _book(tmp_path / "b-report.xlsx")
    before = p.read_bytes()
    (tmp_path / lock).write_bytes(b"owner")
    code = main(["refresh", str(p)])
    out = capsys.readouterr().out
    assert code == 4
    assert "请先在 Excel 中关闭它" in out
    assert out.index("请先在 Excel 中关闭它") < out.index("close it in Excel first")
    assert lock in out
    assert p.read_bytes() == before
    # checking writes nothing and is allowed; once the lock is gone the refresh runs
    assert main(["refresh", "--check", str(p)]) == 1
    (tmp_path / lock).unlink()
    assert main(["refresh", str(p)]) == 0
    capsys.readouterr()


def test_an_output_open_in_excel_is_not_overwritten(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the copy open in Excel")
    (tmp_path / "~$out.xlsx").write_bytes(b"owner")
    rep = engine.refresh_workbook(p, out=out)
    assert rep.status == "refused"
    assert out.read_bytes() == b"the copy open in Excel"
    assert share.share_workbook(p, out=out).status == "refused"
    assert out.read_bytes() == b"the copy open in Excel"


# ---------------------------------------------------------------------------
# permissions


@posix_only
def test_the_backup_and_the_new_file_keep_the_permissions(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    p.chmod(0o640)
    rep = engine.refresh_workbook(p)
    assert rep.status == "refreshed"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "b.bak.xlsx").stat().st_mode) == 0o640
    # unshare keeps them too
    p.chmod(0o604)
    copy = tmp_path / "c.xlsx"
    share.share_workbook(p, out=copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o604
    copy.chmod(0o660)
    assert share.unshare_workbook(copy).status == "unshared"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o660
    assert stat.S_IMODE((tmp_path / "c.bak.xlsx").stat().st_mode) == 0o660


# ---------------------------------------------------------------------------
# temporaries and kills


def _start_paused(p, *extra, command="refresh"):
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_CLI, "30", command, str(p), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not _temps(p.parent):
        time.sleep(0.05)
    assert _temps(p.parent), "the refresh never reached the write phase"
    time.sleep(0.3)  # inside the write (paused after the first bytes)
    return proc


def _original_or_complete(p, before):
    data = p.read_bytes()
    if data != before:
        with zipfile.ZipFile(p) as z:
            assert z.testzip() is None
        assert _lq(p) == pytest.approx((10 / 40) / (30 / 100))


@posix_only
def test_sigkill_mid_write_leaves_the_original_and_the_next_run_sweeps_the_temporary(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    proc = _start_paused(p)
    tmp_name = _temps(tmp_path)[0].name
    assert f".{proc.pid}." in tmp_name  # recognisable: the pid of the writer
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert p.read_bytes() == before
    assert _temps(tmp_path)  # SIGKILL cannot be caught: the temporary is still there
    assert main(["refresh", str(p)]) == 0
    assert _temps(tmp_path) == []
    _original_or_complete(p, before)
    assert p.read_bytes() != before


@posix_only
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_sigterm_mid_write_removes_the_temporary_at_once(tmp_path, sig):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    proc = _start_paused(p)
    proc.send_signal(getattr(signal, sig))
    assert proc.wait(timeout=30) == -getattr(signal, sig)  # still dies of the signal
    assert p.read_bytes() == before
    assert _temps(tmp_path) == []
    assert not (tmp_path / "b.bak.xlsx").exists()


@posix_only
def test_sweep_removes_only_temporaries_of_dead_processes(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stale = tmp_path / f".b.{dead.pid}.abc123{safe_write.TMP_SUFFIX}"
        busy = tmp_path / f".b.{alive.pid}.def456{safe_write.TMP_SUFFIX}"
        other = tmp_path / "b.agglo-tmp.xlsx"  # not a temporary of ours
        old = tmp_path / f".b.nopid{safe_write.TMP_SUFFIX}"
        young = tmp_path / f".c.nopid{safe_write.TMP_SUFFIX}"
        for f in (stale, busy, other, old, young):
            f.write_bytes(b"x")
        os.utime(old, (time.time() - 3 * 86400,) * 2)
        removed = safe_write.sweep_temporaries(tmp_path)
        assert sorted(removed) == sorted([stale, old])
        assert busy.exists()
        assert other.exists()
        assert young.exists()
    finally:
        alive.kill()
        alive.wait()


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_the_owner_and_group_are_kept(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    os.chown(p, 1234, 2345)
    assert engine.refresh_workbook(p).status == "refreshed"
    for f in (p, tmp_path / "b.bak.xlsx"):
        st = f.stat()
        assert (st.st_uid, st.st_gid) == (1234, 2345), f


@posix_only
def test_ctrl_c_mid_write_removes_the_temporary(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    proc = _start_paused(p)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) != 0
    assert p.read_bytes() == before
    assert _temps(tmp_path) == []


def test_the_owner_file_of_another_workbook_does_not_block(tmp_path):
    p = _book(tmp_path / "b-report.xlsx")
    _book(tmp_path / "report.xlsx")
    (tmp_path / "~$report.xlsx").write_bytes(b"owner")  # report.xlsx is open, not b-report
    assert safe_write.lock_files(p) == []
    assert engine.refresh_workbook(p).status == "refreshed"
    assert safe_write.lock_files(tmp_path / "report.xlsx") == [tmp_path / "~$report.xlsx"]


@posix_only
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_a_share_killed_mid_write_leaves_no_copy_and_no_temporary(tmp_path, sig):
    p = _book(tmp_path / "b.xlsx")
    before = p.read_bytes()
    proc = _start_paused(p, command="share")
    proc.send_signal(getattr(signal, sig))
    proc.wait(timeout=30)
    assert p.read_bytes() == before
    assert not (tmp_path / "b.shared.xlsx").exists()
    if sig == "SIGTERM":
        assert _temps(tmp_path) == []
    assert main(["share", str(p)]) == 0  # the next run sweeps what a SIGKILL left
    assert _temps(tmp_path) == []
    assert _lq(tmp_path / "b.shared.xlsx") == pytest.approx((10 / 40) / (30 / 100))
