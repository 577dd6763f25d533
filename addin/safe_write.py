"""Writing a workbook to disk without ever damaging what is there.

One place for the file-safety policy of every command that writes a workbook
(``agglo refresh``, ``agglo share``, ``agglo unshare``):

* the new file is written to a temporary file in the target's own folder, flushed to
  disk, then renamed over the target in one step (:func:`os.replace`), so that the
  target is always either the old file or the complete new one;
* the temporary file has a recognisable name (``.NAME.<pid>.<random>.agglo-tmp``); it
  is removed when the write fails, on SIGTERM/SIGHUP and at exit, and a temporary
  left by a process that was killed outright (SIGKILL, power cut) is swept away by
  the next write into the same folder once its process no longer exists;
* a read-only target is not overwritten; a symbolic link is kept and the file it
  points to is updated; a device, FIFO, socket or folder is never written to;
* a workbook open in Excel (lock file ``~$NAME``) or LibreOffice/WPS
  (``.~lock.NAME#``) is not overwritten: Excel would keep its own copy and overwrite
  ours on the next save, or refuse to save;
* the new file and the backup (``NAME.bak.xlsx``) keep the original's permissions (and
  owner and group, where the system allows);
* a file that changed on disk since it was read is not overwritten.

Every refusal raises :class:`~agglo_addin.xlsx.RefusedError` with a message in
Chinese first, then English, saying what to do.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .xlsx import Package, RefusedError

T = TypeVar("T")

#: suffix of every temporary file written next to a workbook
TMP_SUFFIX = ".agglo-tmp"
_TMP_RE = re.compile(r"^\..*\.(\d+)\.[A-Za-z0-9_]+" + re.escape(TMP_SUFFIX) + r"$")
#: a temporary older than this is swept even when a process with its pid exists (the
#: pid may have been reused) or when it carries no pid
_STALE_SECONDS = 24 * 3600

_live: set[str] = set()
_lock = threading.RLock()  # reentrant: the signal handler may interrupt a holder
_handlers_installed = False


def backup_path(path: Path) -> Path:
    """``report.xlsx`` → ``report.bak.xlsx`` (same folder)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


# ---------------------------------------------------------------------------
# temporaries


def _remove_live() -> None:
    with _lock:
        names = list(_live)
        _live.clear()
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _on_signal(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    _remove_live()
    # die of the same signal, as if no handler had been installed
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers() -> None:
    """Remove live temporaries on SIGTERM/SIGHUP and at exit (once per process)."""
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_remove_live)
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            # only where nobody else handles the signal (a host program may)
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, _on_signal)


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (when unsure: yes, so nothing is removed)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, belongs to someone else (or cannot tell: keep the file)
    return True


def _pid_alive_windows(pid: int) -> bool:
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() != 87  # ERROR_INVALID_PARAMETER: no such process
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # noqa: BLE001 - when unsure, keep the file
        return True


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove temporaries of this program left in ``folder`` by processes that died.

    Returns the files removed.  A temporary whose process still runs is left alone,
    unless it is older than a day.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for e in entries:
        if not e.name.endswith(TMP_SUFFIX) or not e.name.startswith("."):
            continue
        with _lock:
            if os.path.join(folder, e.name) in _live:
                continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        m = _TMP_RE.match(e.name)
        old = now - st.st_mtime > _STALE_SECONDS
        if (m and not _pid_alive(int(m.group(1)))) or old:
            with contextlib.suppress(OSError):
                os.unlink(e.path)
                removed.append(Path(e.path))
    return removed


@contextlib.contextmanager
def temporary_next_to(target: Path) -> Iterator[str]:
    """A new temporary file in ``target``'s folder, removed afterwards if still there."""
    _install_handlers()
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.stem}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=target.parent
    )
    os.close(fd)
    with _lock:
        _live.add(tmp)
    try:
        yield tmp
    finally:
        with _lock:
            _live.discard(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


# ---------------------------------------------------------------------------
# checks


def lock_files(path: Path) -> list[Path]:
    """Lock files showing that ``path`` is open in Excel, LibreOffice or WPS."""
    name = path.name
    cands = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2 and not path.with_name(name[2:]).exists():
        # Office may write the owner file over the first two characters of the name
        # (``report2024.xlsx`` → ``~$port2024.xlsx``); when a workbook of that shorter
        # name exists, the owner file is taken to be that workbook's
        cands.append(f"~${name[2:]}")
    return [path.with_name(c) for c in cands if path.with_name(c).is_file()]


def _refuse_if_open(path: Path) -> None:
    for lock in lock_files(path):
        raise RefusedError(
            f"工作簿 {path.name} 正在 Excel、WPS 或 LibreOffice 中打开（发现锁文件 {lock.name}）："
            "请先在 Excel 中关闭它，再运行一次；若没有程序打开它，删除该锁文件即可。"
            f" {path.name} is open in Excel, WPS or LibreOffice (lock file {lock.name}): "
            "close it in Excel first, then run again (if no program has it open, delete "
            "the lock file). The file was not changed."
        )


def _kind(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "文件夹 a folder"
    if stat.S_ISFIFO(mode):
        return "管道 a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备 a device"
    if stat.S_ISSOCK(mode):
        return "套接字 a socket"
    if not stat.S_ISREG(mode):
        return "特殊文件 a special file"
    return None


def real_target(target: Path) -> Path:
    """Where writing ``target`` must go: the file a symbolic link points to, else itself."""
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def check_target(target: Path) -> Path:
    """Refuse an unsafe target; return the path to actually replace (links resolved)."""
    real = real_target(target)
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind is not None:
            raise RefusedError(
                f"输出位置 {target} 是{kind.split(' ', 1)[0]}，不是工作簿文件：请给出一个文件名"
                f"（例如 {target}/NAME.xlsx）。 The output {target} is {kind.split(' ', 1)[1]}, "
                "not a workbook file: give a file name; nothing was written."
            )
        if not st.st_mode & 0o222 or (
            hasattr(st, "st_file_attributes") and st.st_file_attributes & 1  # Windows read-only
        ):
            raise RefusedError(
                f"{target.name} 是只读文件，未被覆盖：请取消只读属性，或用 --out 写到另一个文件。 "
                f"{target.name} is read-only and was not overwritten: make it writable "
                "or write elsewhere with --out."
            )
    _refuse_if_open(target)
    if real != target:
        _refuse_if_open(real)
    return real


def _keep_owner_and_mode(tmp: str, st: os.stat_result | None) -> None:
    """Give ``tmp`` the owner, group (where allowed) and permissions of the original."""
    if st is None:
        return
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file away; a group may do
            os.chown(tmp, st.st_uid, st.st_gid)
    with contextlib.suppress(OSError):
        os.chmod(tmp, stat.S_IMODE(st.st_mode))


def _write_bytes_keeping_mode(path: Path, data: bytes, st: os.stat_result | None) -> None:
    with temporary_next_to(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_owner_and_mode(tmp, st)
        os.replace(tmp, path)


# ---------------------------------------------------------------------------
# the one write path


def write_workbook(
    pkg: Package,
    target: Path,
    writer: Callable[[str], T],
    *,
    backup: bool = True,
) -> tuple[T, Path, Path | None]:
    """Write a new version of ``pkg`` to ``target`` safely (see the module docstring).

    ``writer(tmp_path)`` writes the new file; its result is returned with the path
    actually written (a symbolic link's target) and the backup's path (or None).
    ``target`` may be ``pkg``'s own file (replaced in place, with a backup when
    ``backup``) or another file (``--out``; no backup).

    Raises
    ------
    RefusedError
        When the target is unsafe to write or the write fails; the target and the
        original are then unchanged and no temporary file remains.
    """
    target = Path(target)
    src_real = Path(os.path.realpath(pkg.path))
    real = check_target(target)
    in_place = os.path.realpath(real) == str(src_real)
    try:
        st: os.stat_result | None = pkg.path.stat()
    except OSError:
        st = None
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        sweep_temporaries(real.parent)
        with temporary_next_to(real) as tmp:
            result = writer(tmp)
            _keep_owner_and_mode(tmp, st)
            bak = None
            if in_place:
                if pkg.changed_on_disk():
                    raise RefusedError(
                        f"{pkg.path.name} 在处理期间被另一个程序修改，未被覆盖：请再运行一次。 "
                        f"{pkg.path.name} changed on disk while it was being processed; it was "
                        "not overwritten (run again)"
                    )
                if backup:
                    bak = backup_path(real)
                    check_target(bak)
                    _write_bytes_keeping_mode(bak, pkg.data, st)
            os.replace(tmp, real)
    except OSError as exc:  # e.g. the file is open in Excel on Windows, or the folder read-only
        raise RefusedError(
            f"无法写入 {target}：{exc.strerror or exc}（文件是否在其他程序中打开，或为只读？），"
            f"原文件未改变。 could not write {target}: {exc.strerror or exc} (is it open in "
            "another program, or read-only?); the original is unchanged"
        ) from exc
    return result, real, bak
