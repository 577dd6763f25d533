"""The ``agglo refresh`` and ``agglo demo`` commands (headless workbook engine)."""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .commands import command

#: Exit codes of ``agglo refresh``.
EXIT_OK = 0
EXIT_DIFFERS = 1
EXIT_USAGE = 2
EXIT_EVAL_ERRORS = 3
EXIT_REFUSED = 4

_EXIT_HELP = """\
exit codes:
  0  success (refreshed, nothing to do, or --check found no difference)
  1  --check: a recomputed value differs from the cached one beyond --tolerance
  2  command-line usage error
  3  evaluation errors: some formulas could not be evaluated right (unsupported or
     volatile function, external link, data table ...: their cached values were
     kept) or returned an error with a message (the values that could be computed
     were written); with --check this is a failure too
  4  refused: a file could not be processed safely (encrypted, corrupt, too large,
     unsafe XML, changed on disk during the refresh, open in Excel or LibreOffice,
     read-only, --out onto a folder, device or pipe); it was left untouched

Nothing in a workbook is ever executed (no VBA, no external links are opened).
The previous version is kept as NAME.bak.xlsx (or .bak.xlsm) unless --no-backup.
For people without the add-in, `agglo share BOOK` writes a copy with values instead
of the Agglo formulas (`agglo unshare` restores them).
"""

_BOOK_SUFFIXES = (".xlsx", ".xlsm")


def _setup_refresh(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = _EXIT_HELP
    p.add_argument(
        "books",
        nargs="+",
        metavar="BOOK_DIR_OR_GLOB",
        help="workbook(s) (.xlsx/.xlsm), folders (their workbooks) or glob patterns; "
        "backups and lock files are never taken from folders and globs",
    )
    p.add_argument("--out", help="write the result here instead of replacing BOOK "
                   "(a folder when several workbooks are given)")  # fmt: skip
    p.add_argument("--check", action="store_true",
                   help="recompute and compare with the cached values; write nothing")  # fmt: skip
    p.add_argument("--tolerance", type=float, default=1e-9,
                   help="relative/absolute tolerance of --check (default 1e-9)")  # fmt: skip
    p.add_argument("--agglo-only", dest="all_formulas", action="store_false", default=True,
                   help="recalculate only the Agglo formulas, the formulas they depend on and "
                   "the formulas depending on them (faster; other formulas keep their cached "
                   "values even when their data changed). By default every formula is "
                   "recalculated")  # fmt: skip
    p.add_argument(
        "--all", dest="all_formulas", action="store_true", help=argparse.SUPPRESS
    )  # the default now; kept for old scripts
    p.add_argument("--no-recalc-on-open", dest="recalc_on_open", action="store_false",
                   help="do not mark the workbook for a full recalculation when Excel opens "
                   "it. By default it is marked, so Excel with the add-in recomputes "
                   "everything; but the Excel of someone WITHOUT the add-in would then turn "
                   "every Agglo formula's stored value into #NAME? (and LibreOffice and WPS "
                   "recalculate anyway). To share results with such users, use agglo share, "
                   "which writes a copy with the values instead of the Agglo formulas")  # fmt: skip
    p.add_argument("--no-backup", action="store_true", help="do not keep NAME.bak.xlsx")
    p.add_argument("--convert", action="store_true",
                   help="convert old .xls workbooks with LibreOffice (headless) first and "
                   "refresh the copy, NAME.xlsx beside it (or --out); the .xls is kept")  # fmt: skip
    p.add_argument("--jobs", "-j", type=int, default=1, help="parallel processes (batch)")
    p.add_argument("--json", action="store_true", help="machine-readable report on stdout")
    p.add_argument("--max-cells", type=int, default=None,
                   help="largest workbook (cells) handed to the evaluator (default 500,000)")  # fmt: skip
    p.add_argument("--show", type=int, default=20,
                   help="changed cells listed per workbook (default 20; 0 = all)")  # fmt: skip
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", action="store_true", default=None,
                   help="show a progress bar on stderr (default: when stderr is a terminal)")  # fmt: skip
    g.add_argument("--no-progress", dest="progress", action="store_false")


# ---------------------------------------------------------------------------
# which files a refresh takes: folders, glob patterns, backups, lock files, .xls

#: what a skipped file is, Chinese first (shown in the report of a folder or glob run)
SKIP_BACKUP = "agglo refresh 留下的备份，不刷新 / a backup kept by agglo refresh, not refreshed"
SKIP_OFFICE_LOCK = "Excel/WPS 打开工作簿时的锁文件 / lock file of a workbook open in Excel or WPS"
SKIP_LIBRE_LOCK = "LibreOffice 打开工作簿时的锁文件 / lock file of a workbook open in LibreOffice"
SKIP_TEMPORARY = "agglo refresh 的临时文件 / a temporary file of agglo refresh"
SKIP_HIDDEN = "隐藏文件 / hidden file"
SKIP_XLSB = (
    "二进制工作簿（.xlsb）无法刷新：请在 Excel 中另存为“Excel 工作簿 (*.xlsx)” / "
    "binary workbook (.xlsb) cannot be refreshed: save it as 'Excel Workbook (*.xlsx)'"
)
SKIP_NOT_BOOK = "不是 Excel 工作簿 / not an Excel workbook"
SKIP_CONVERTED = (
    "已转换为 {name}，刷新的是该副本 / already converted to {name}, which is refreshed instead"
)
#: the message for an old-format workbook: what it is and how to make it refreshable
XLS_MESSAGE = (
    "{name} 是旧版 Excel 97-2003 格式（.xls），agglo refresh 只能读写 .xlsx/.xlsm。"
    "请在 Excel 中打开，点“文件 > 另存为”，类型选“Excel 工作簿 (*.xlsx)”；"
    "或加 --convert 用 LibreOffice 转换后刷新副本（原文件不变）。 / "
    "{name} is an old Excel 97-2003 workbook (.xls); agglo refresh reads and writes only "
    ".xlsx/.xlsm. Open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)', or "
    "pass --convert to convert it with LibreOffice and refresh the copy (the .xls is kept)."
)
_LEGACY_SUFFIXES = (".xls",)
#: spreadsheet-like files a folder run names when it skips them; other files are counted
_SHEET_SUFFIXES = (*_BOOK_SUFFIXES, *_LEGACY_SUFFIXES, ".xlsb", ".xltx", ".xltm", ".ods",
                   ".et", ".csv")  # fmt: skip


def _skip_reason(path: Path, convert: bool) -> str | None:
    """Why a file found in a folder or by a glob is not refreshed (None: it is)."""
    name, low = path.name, path.name.lower()
    suffix = path.suffix.lower()
    if name.startswith("~$"):
        return SKIP_OFFICE_LOCK
    if name.startswith(".~lock.") or (name.startswith("~") and name.endswith("#")):
        return SKIP_LIBRE_LOCK
    if low.endswith(".agglo-tmp"):
        return SKIP_TEMPORARY
    if name.startswith("."):
        return SKIP_HIDDEN
    if suffix in _BOOK_SUFFIXES:
        # the backups refresh_workbook writes: NAME.bak.xlsx / NAME.bak.xlsm
        if ".bak." in low:
            return SKIP_BACKUP
        copy = _legacy_target(path, None)  # an .xls renamed .xlsx, converted earlier
        if convert and copy.exists() and _biff_inside(path):
            return SKIP_CONVERTED.format(name=copy.name)
        return None
    if suffix in _LEGACY_SUFFIXES:
        if ".bak." in low:
            return SKIP_BACKUP
        if not convert:
            return XLS_MESSAGE.format(name=name)
        copy = path.with_suffix(".xlsx")  # made by an earlier --convert run
        return SKIP_CONVERTED.format(name=copy.name) if copy.exists() else None
    if suffix == ".xlsb":
        return SKIP_XLSB
    return SKIP_NOT_BOOK


def discover_books(
    items: list[str], *, convert: bool = False
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files, folders and glob patterns → (files to refresh, [(file skipped, why)]).

    A file named on the command line is always taken (an ``.xls`` is then refused with
    :data:`XLS_MESSAGE`, or converted with ``convert=True``).  Folders (not recursive)
    and glob patterns (``**`` recursive) never take backups (``NAME.bak.xlsx``), Office
    and LibreOffice lock files (``~$NAME.xlsx``, ``.~lock.NAME.xlsx#``), temporary files
    or hidden files; ``.xls`` files only with ``convert=True``.  Every spreadsheet-like
    file left out is listed with the reason; other files in a folder are summed up in
    one entry.
    """
    books: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for item in items:
        p = Path(item)
        is_dir = p.is_dir()
        if is_dir:
            cands = sorted(x for x in p.iterdir() if x.is_file())
        elif any(ch in item for ch in "*?["):
            cands = sorted(Path(x) for x in glob.glob(item, recursive=True))
            cands = [x for x in cands if x.is_file()]
        else:
            books.append(p)
            continue
        others = 0
        for x in cands:
            why = _skip_reason(x, convert)
            if why is None:
                books.append(x)
            elif is_dir and why == SKIP_NOT_BOOK and x.suffix.lower() not in _SHEET_SUFFIXES:
                others += 1
            else:
                skipped.append((x, why))
        if others:
            what = f"{others} 个其他文件不是 Excel 工作簿 / {others} other file(s), not workbooks"
            skipped.append((p, what))
    seen: set[str] = set()
    uniq: list[Path] = []
    for x in books:
        k = os.path.abspath(x)
        if k not in seen:
            seen.add(k)
            uniq.append(x)
    return uniq, skipped


def expand_books(items: list[str]) -> list[Path]:
    """Files, folders (their .xlsx/.xlsm, not backups) and glob patterns → files."""
    return discover_books(items)[0]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _biff_inside(path: Path, limit: int = 64 << 20) -> bool:
    """An OLE compound file holding an Excel 97-2003 workbook stream (not an encrypted
    ``.xlsx``, which is an OLE file too, holding ``EncryptedPackage``).  The stream names
    are UTF-16 entries of the file's directory; this looks for them by their bytes."""
    try:
        with open(path, "rb") as fh:
            if fh.read(8) != _OLE_MAGIC or path.stat().st_size > limit:
                return False
            data = fh.read()
    except OSError:
        return False
    if "EncryptedPackage".encode("utf-16-le") in data:
        return False
    return "Workbook".encode("utf-16-le") in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data


def is_legacy(path: Path) -> bool:
    """An old-format (Excel 97-2003) workbook: named ``.xls``, or an ``.xls`` renamed to
    ``.xlsx``/``.xlsm`` (read from its first bytes)."""
    suffix = path.suffix.lower()
    return suffix in _LEGACY_SUFFIXES or (suffix in _BOOK_SUFFIXES and _biff_inside(path))


def soffice_path() -> str | None:
    """LibreOffice's command-line program, if installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_legacy(src: Path, dest: Path, *, timeout: float = 300.0) -> None:
    """Convert an ``.xls`` workbook to ``dest`` (.xlsx) with LibreOffice, headless.

    The conversion runs in a temporary folder with its own LibreOffice profile (so a
    LibreOffice window the user has open neither blocks nor receives it); ``dest`` is
    written only when the conversion produced a file.

    Raises
    ------
    RuntimeError
        With a bilingual message when LibreOffice is missing or the conversion fails.
    """
    import subprocess
    import tempfile

    exe = soffice_path()
    if exe is None:
        raise RuntimeError(
            f"未找到 LibreOffice（soffice），无法转换 {src.name}：请安装 LibreOffice，或在 Excel "
            f"中另存为 .xlsx。 / LibreOffice (soffice) was not found, so {src.name} cannot be "
            "converted: install LibreOffice, or save it as .xlsx in Excel."
        )
    with tempfile.TemporaryDirectory(prefix="agglo-xls-") as tmp:
        work = Path(tmp)
        profile = (work / "profile").as_uri()
        cmd = [exe, "--headless", "--norestore", f"-env:UserInstallation={profile}",
               "--convert-to", "xlsx", "--outdir", str(work / "out"), str(src.resolve())]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            detail = (proc.stderr or proc.stdout or "").strip()[-300:]
        except (OSError, subprocess.TimeoutExpired) as exc:
            detail = str(exc)
        made = work / "out" / f"{src.stem}.xlsx"
        if not made.is_file():
            raise RuntimeError(
                f"LibreOffice 未能转换 {src.name}（文件可能已加密或损坏）：请在 Excel 中另存为 "
                f".xlsx。 / LibreOffice could not convert {src.name} (encrypted or damaged?): "
                f"save it as .xlsx in Excel. {detail}"
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, dest)


def _legacy_target(src: Path, out: str | None) -> Path:
    """Where the converted copy of ``src`` goes: ``--out``, else ``NAME.xlsx`` beside it
    (``NAME.converted.xlsx`` for an old workbook that was renamed to ``.xlsx``)."""
    if out:
        return Path(out)
    if src.suffix.lower() in _LEGACY_SUFFIXES:
        return src.with_suffix(".xlsx")
    return src.with_name(f"{src.stem}.converted.xlsx")


def _refused(path: Path, message: str) -> dict[str, Any]:
    from .engine import Report

    return Report(path=str(path), status="refused", message=message).as_dict()


def _refresh_legacy(job: dict[str, Any]) -> dict[str, Any]:
    """Worker for an ``.xls``: refuse with the how-to, or convert and refresh the copy."""
    import tempfile

    src = Path(job["path"])
    if not job.get("convert"):
        return _refused(src, XLS_MESSAGE.format(name=src.name))
    dest = _legacy_target(src, job.get("out"))
    check = job.get("check", False)
    if not check and dest.exists():
        return _refused(
            src,
            f"{dest.name} 已存在，未覆盖：请用 --out 指定转换后副本的位置。 / {dest} already exists "
            "and was not overwritten: give the converted copy's place with --out.",
        )
    with tempfile.TemporaryDirectory(prefix="agglo-xls-") as tmp:
        copy = Path(tmp) / f"{src.stem}.xlsx" if check else dest
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            convert_legacy(src, copy)
        except RuntimeError as exc:
            return _refused(src, str(exc))
        d = _refresh_one({**job, "path": str(copy), "out": None, "backup": False})
    d["path"] = str(src)
    if not check:
        d["converted_to"] = str(dest)
        d["written_to"] = str(dest)
    return d


def _limits(max_cells: int | None):
    from .xlsx import Limits

    return Limits(max_cells=max_cells) if max_cells else Limits()


def _refresh_job(job: dict[str, Any]) -> dict[str, Any]:
    """Worker of a batch: an ``.xls`` goes through :func:`_refresh_legacy`."""
    if is_legacy(Path(job["path"])):
        return _refresh_legacy(job)
    return _refresh_one(job)


def _refresh_one(job: dict[str, Any]) -> dict[str, Any]:
    """Worker: refresh one file, return the report as a dict (picklable)."""
    from .engine import Report
    from .reasons import explain, internal_error

    _quiet_engine_logs()
    try:
        rep = _refresh(job)
    except Exception as exc:  # noqa: BLE001 - a defect becomes a clear refusal, not a traceback
        rep = Report(path=job["path"], status="refused", message=internal_error(job["path"], exc))
    d = explain(rep.as_dict())
    if not rep.n_agglo and rep.status != "refused":
        d["warnings"].extend(_shared_copy_note(job["path"], job.get("max_cells")))
    return d


def _quiet_engine_logs() -> None:
    """The calculation library logs a traceback for every function it does not implement;
    the report says which (see :mod:`agglo_addin.reasons`)."""
    import logging

    logging.getLogger("schedula").setLevel(logging.CRITICAL)


def _refresh(job: dict[str, Any]):
    from .engine import refresh_workbook

    return refresh_workbook(
        job["path"],
        out=job.get("out"),
        check=job.get("check", False),
        backup=job.get("backup", True),
        tolerance=job.get("tolerance", 1e-9),
        limits=_limits(job.get("max_cells")),
        progress=job.get("progress"),
        all_formulas=job.get("all_formulas", True),
        recalc_on_open=job.get("recalc_on_open", True),
    )


def _shared_copy_note(path: str, max_cells: int | None) -> list[str]:
    """A note when the workbook is a copy written by ``agglo share`` (its formulas are values)."""
    from .share import RECORD_SHEET, is_shared_copy
    from .xlsx import RefusedError, read_package

    try:
        shared = is_shared_copy(read_package(path, _limits(max_cells)))
    except RefusedError:
        return []
    if not shared:
        return []
    note = (
        f"这是 agglo share 写出的共享副本，Agglo 公式已替换为数值（记录在隐藏表 {RECORD_SHEET}）；"
        "运行 agglo unshare 可恢复公式后再刷新。 This is a shared copy written by agglo share: its "
        "Agglo formulas are values; run agglo unshare to restore them, then refresh."
    )
    return [note]


def _fmt(v: Any) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v) if isinstance(v, str) and not v.startswith("#") else str(v)


def _print_report(d: dict[str, Any], show: int, check: bool) -> None:
    status = d["status"]
    head = {
        "refreshed": f"refreshed: {len(d['changes'])} cell(s) changed",
        "unchanged": f"unchanged ({d['message']})" if d["message"] else "unchanged",
        "ok": "check passed" + (f" ({d['message']})" if d["message"] else ""),
        "differs": f"check FAILED: {len(d['changes'])} cell(s) differ",
        "refused": "REFUSED",
        "shared": f"shared copy: {len(d['changes'])} Agglo formula(s) replaced by their values"
        + (f" ({d['message']})" if d["message"] else ""),
        "unshared": f"unshared: {len(d['changes'])} Agglo formula(s) restored",
    }.get(status, status)
    print(f"{d['path']}: {head}")
    if status == "refused":
        print(f"  {d['message']}")
        return
    if d["agglo_formulas"] and status != "unshared":
        print(f"  {d['agglo_formulas']} Agglo formula(s); {d['evaluated_formulas']} formula(s) "
              f"evaluated in {d['seconds']:.2f} s")  # fmt: skip
    changes = d["changes"]
    lim = len(changes) if show == 0 else show
    for c in changes[:lim]:
        print(f"  {c['sheet']}!{c['cell']}: {_fmt(c['old'])} -> {_fmt(c['new'])}")
    if len(changes) > lim:
        print(f"  ... and {len(changes) - lim} more (--show 0 lists all, --json for machines)")
    for p in d["problems"]:
        f = f" {p['formula']}" if p["formula"] else ""
        print(f"  could not evaluate {p['sheet']}!{p['cell']}{f}: {p['reason']}")
    for w in d["warnings"]:
        print(f"  warning: {w}")
    if d.get("converted_to"):
        print(f"  converted from .xls by LibreOffice; the copy is written to {d['converted_to']} "
              "(the .xls is unchanged)")  # fmt: skip
    elif d["written_to"] and status in ("refreshed", "shared", "unshared"):
        print(
            f"  written to {d['written_to']}" + (f" (backup: {d['backup']})" if d["backup"] else "")
        )


def exit_code_of(reports: list[dict[str, Any]]) -> int:
    if any(r["status"] == "refused" for r in reports):
        return EXIT_REFUSED
    if any(r["problems"] for r in reports):
        return EXIT_EVAL_ERRORS
    if any(r["status"] == "differs" for r in reports):
        return EXIT_DIFFERS
    return EXIT_OK


class _Bar:
    """A progress bar on stderr (tqdm, already a dependency of ``formulas``)."""

    def __init__(self, total: int, desc: str):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)

    def stage(self, name: str, i: int, n: int) -> None:
        self.bar.total = n
        self.bar.n = i
        self.bar.set_postfix_str(name)
        self.bar.refresh()

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


@command("refresh", "recalculate Agglo formulas in workbooks without Excel and save the values")(
    _setup_refresh
)
def run_refresh(args: argparse.Namespace) -> int:
    books, skipped = discover_books(args.books, convert=args.convert)
    if not books:
        print("agglo refresh: 未找到可刷新的工作簿 / no workbook found", file=sys.stderr)
        for path, why in skipped:
            print(f"  skipped {path}: {why}", file=sys.stderr)
        return EXIT_USAGE
    show_progress = args.progress if args.progress is not None else sys.stderr.isatty()
    show_progress = show_progress and not args.json
    outs: list[str | None] = [None] * len(books)
    if args.out:
        if len(books) > 1:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            outs = [str(Path(args.out) / b.name) for b in books]
        else:
            outs = [args.out]
    jobs = [
        {
            "path": str(b),
            "out": o,
            "check": args.check,
            "backup": not args.no_backup,
            "tolerance": args.tolerance,
            "max_cells": args.max_cells,
            "all_formulas": args.all_formulas,
            "recalc_on_open": args.recalc_on_open,
            "convert": args.convert,
        }  # fmt: skip
        for b, o in zip(books, outs, strict=False)
    ]
    reports: list[dict[str, Any]] = []
    if len(jobs) == 1:
        bar = _Bar(3, books[0].name) if show_progress else None
        jobs[0]["progress"] = bar.stage if bar else None
        try:
            reports.append(_refresh_job(jobs[0]))
        finally:
            if bar:
                bar.close()
    else:
        bar = _Bar(len(jobs), "workbooks") if show_progress else None
        n = max(1, int(args.jobs))
        try:
            if n == 1:
                for job in jobs:
                    reports.append(_refresh_job(job))
                    if bar:
                        bar.update()
            else:
                with ProcessPoolExecutor(max_workers=n) as pool:
                    for rep in pool.map(_refresh_job, jobs):
                        reports.append(rep)
                        if bar:
                            bar.update()
        finally:
            if bar:
                bar.close()
    code = exit_code_of(reports)
    summary = {
        "workbooks": len(reports),
        "refreshed": sum(r["status"] == "refreshed" for r in reports),
        "unchanged": sum(r["status"] == "unchanged" for r in reports),
        "check_ok": sum(r["status"] == "ok" for r in reports),
        "check_differs": sum(r["status"] == "differs" for r in reports),
        "refused": sum(r["status"] == "refused" for r in reports),
        "with_errors": sum(bool(r["problems"]) for r in reports),
        "cells_changed": sum(len(r["changes"]) for r in reports),
        "skipped": len(skipped),
    }
    skipped_list = [{"path": str(path), "reason": why} for path, why in skipped]
    if args.json:
        json.dump({"files": reports, "skipped": skipped_list, "summary": summary,
                   "exit_code": code}, sys.stdout,
                  ensure_ascii=False, indent=2, default=str)  # fmt: skip
        print()
        return code
    for r in reports:
        _print_report(r, args.show, args.check)
    for path, why in skipped:
        print(f"skipped {path}: {why}")
    if len(reports) > 1 or skipped:
        parts = [f"{v} {k.replace('_', ' ')}" for k, v in summary.items() if v and k != "workbooks"]
        print(f"summary: {summary['workbooks']} workbook(s): " + ", ".join(parts))
    return code


# ---------------------------------------------------------------------------
# demo


def bundled_templates() -> list[Path]:
    """The template workbooks: ``agglo_addin/templates/`` in an installed wheel (copied
    there by ``setup.py``), ``workbooks/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    found: list[Path] = []
    for folder in (here / "templates", here.parent / "workbooks"):
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in _BOOK_SUFFIXES))
    return found


def _setup_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="agglo-demo",
                   help="folder for the refreshed workbooks (default ./agglo-demo)")  # fmt: skip
    p.add_argument("--builtin", action="store_true",
                   help="use the workbook built in code even when templates are bundled")  # fmt: skip


def _demo_summary(rep) -> list[str]:
    """Key results of the built-in demo workbook, from the evaluated values."""
    from . import xlsx
    from .demo import demo_layout

    ev = rep.evaluation
    if ev is None:
        return []
    lay = demo_layout()
    vals = ev.values

    def block(key):
        sheet, ref = lay[key]
        r1, c1, r2, c2 = xlsx.parse_range(ref)
        return [[vals.get((sheet, xlsx.cell_ref(r, c))) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]  # fmt: skip

    lines = []
    lq = block("lq")
    prov_sheet, prov_ref = lay["provinces"]
    try:
        import openpyxl

        wb = openpyxl.load_workbook(rep.written_to, read_only=True, data_only=True)
        ws = wb[prov_sheet]
        provinces = [row[0].value for row in ws[prov_ref]]
        sectors = [c.value for c in ws["B3:D3"][0]]
        wb.close()
    except Exception:  # noqa: BLE001 - the summary is a courtesy
        provinces, sectors = [f"#{i + 1}" for i in range(len(lq))], ["1", "2", "3"]
    tops = []
    for name, row in zip(provinces, lq, strict=False):
        nums = [(v, j) for j, v in enumerate(row) if isinstance(v, (int, float))]
        if nums:
            v, j = max(nums)
            tops.append((v, name, sectors[j]))
    lines.append("Highest location quotient (区位熵) of each province:")
    for v, name, sec in sorted(tops, reverse=True):
        lines.append(f"  {name:<6} {sec}  LQ = {v:.3f}")
    hhi = block("hhi")[0]
    lines.append("HHI of each sector across provinces: " + ", ".join(
        f"{s} {v:.4f}" for s, v in zip(sectors, hhi, strict=False) if isinstance(v, (int, float))))  # fmt: skip
    c = [r[0] for r in block("coupling") if isinstance(r[0], (int, float))]
    if c:
        lines.append(f"Coupling degree C (secondary × tertiary): mean {sum(c) / len(c):.3f}, "
                     f"min {min(c):.3f}, max {max(c):.3f}")  # fmt: skip
    return lines


@command("demo", "build or copy demo workbooks, refresh them headlessly and show key results")(
    _setup_demo
)
def run_demo(args: argparse.Namespace) -> int:
    from .demo import DEMO_NAME, build_demo_workbook, copy_unmarked
    from .engine import refresh_workbook
    from .reasons import explain

    _quiet_engine_logs()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    templates = [] if args.builtin else bundled_templates()
    books: list[tuple[Path, bool]] = []
    for t in templates:
        # not marked for a full recalculation on open: the demo books are read by people
        # without the add-in too (their Excel would show #NAME? instead of the values)
        books.append((copy_unmarked(t, out / t.name), False))
    # The workbook built in code comes last: its key results are printed as the summary.
    books.append((build_demo_workbook(out / DEMO_NAME), True))
    code = EXIT_OK
    for path, builtin in books:
        rep = refresh_workbook(path, backup=False, recalc_on_open=False)
        d = explain(rep.as_dict())
        code = max(code, exit_code_of([d]))
        if rep.status == "unchanged":
            what = "stored values already up to date"
        else:
            what = f"{rep.status}, {len(rep.changes)} value(s) updated"
        print(f"{path.name}: {what} ({rep.n_agglo} Agglo formula(s) evaluated "
              f"in {rep.seconds:.1f} s)")  # fmt: skip
        for p in d["problems"]:
            print(f"  could not evaluate {p['sheet']}!{p['cell']}: {p['reason']}")
        if builtin and rep.status == "refreshed":
            print()
            for line in _demo_summary(rep):
                print(line)
    print(f"\nThe refreshed workbooks are in {out.resolve()}")
    print("Open them in Excel (with the Agglo add-in for live formulas) or in any spreadsheet "
          "program: the values are stored in the files.")  # fmt: skip
    print("To send results to people without the add-in (plain Excel, WPS, LibreOffice), run "
          "`agglo share BOOK.xlsx`: the copy BOOK.shared.xlsx has the values instead of the Agglo "
          "formulas, so it never shows #NAME?; `agglo unshare` restores them.")  # fmt: skip
    return code
