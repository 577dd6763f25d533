"""The ``agglo refresh`` and ``agglo demo`` commands (headless workbook engine)."""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .cli import command

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
  3  evaluation errors: some formulas could not be evaluated or returned an error
     with a message (the values that could be computed were written)
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
        help="workbook(s) (.xlsx/.xlsm), folders (their workbooks) or glob patterns",
    )
    p.add_argument("--out", help="write the result here instead of replacing BOOK "
                   "(a folder when several workbooks are given)")  # fmt: skip
    p.add_argument("--check", action="store_true",
                   help="recompute and compare with the cached values; write nothing")  # fmt: skip
    p.add_argument("--tolerance", type=float, default=1e-9,
                   help="relative/absolute tolerance of --check (default 1e-9)")  # fmt: skip
    p.add_argument("--all", dest="all_formulas", action="store_true",
                   help="also recalculate the ordinary formulas that are not connected to an "
                   "Agglo formula (by default only Agglo formulas, the formulas they depend on "
                   "and the formulas that depend on them are recalculated)")  # fmt: skip
    p.add_argument("--no-recalc-on-open", dest="recalc_on_open", action="store_false",
                   help="do not mark the workbook for a full recalculation when Excel opens "
                   "it. By default it is marked, so Excel with the add-in recomputes "
                   "everything; but the Excel of someone WITHOUT the add-in would then turn "
                   "every Agglo formula's stored value into #NAME? (and LibreOffice and WPS "
                   "recalculate anyway). To share results with such users, use agglo share, "
                   "which writes a copy with the values instead of the Agglo formulas")  # fmt: skip
    p.add_argument("--no-backup", action="store_true", help="do not keep NAME.bak.xlsx")
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


def expand_books(items: list[str]) -> list[Path]:
    """Files, folders (their .xlsx/.xlsm, not backups) and glob patterns → files."""
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            cands = sorted(x for x in p.iterdir() if x.is_file())
        elif any(ch in item for ch in "*?["):
            cands = sorted(Path(x) for x in glob.glob(item, recursive=True))
        else:
            out.append(p)
            continue
        for x in cands:
            name = x.name
            if (
                x.suffix.lower() in _BOOK_SUFFIXES
                and not name.startswith(("~$", "."))
                and ".bak." not in name
            ):
                out.append(x)
    seen, uniq = set(), []
    for x in out:
        k = os.path.abspath(x)
        if k not in seen:
            seen.add(k)
            uniq.append(x)
    return uniq


def _limits(max_cells: int | None):
    from .xlsx import Limits

    return Limits(max_cells=max_cells) if max_cells else Limits()


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
        all_formulas=job.get("all_formulas", False),
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
    if d["written_to"] and status in ("refreshed", "shared", "unshared"):
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
    books = expand_books(args.books)
    if not books:
        print("agglo refresh: no workbook found", file=sys.stderr)
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
        }  # fmt: skip
        for b, o in zip(books, outs, strict=False)
    ]
    reports: list[dict[str, Any]] = []
    if len(jobs) == 1:
        bar = _Bar(3, books[0].name) if show_progress else None
        jobs[0]["progress"] = bar.stage if bar else None
        try:
            reports.append(_refresh_one(jobs[0]))
        finally:
            if bar:
                bar.close()
    else:
        bar = _Bar(len(jobs), "workbooks") if show_progress else None
        n = max(1, int(args.jobs))
        try:
            if n == 1:
                for job in jobs:
                    reports.append(_refresh_one(job))
                    if bar:
                        bar.update()
            else:
                with ProcessPoolExecutor(max_workers=n) as pool:
                    for rep in pool.map(_refresh_one, jobs):
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
    }
    if args.json:
        json.dump({"files": reports, "summary": summary, "exit_code": code}, sys.stdout,
                  ensure_ascii=False, indent=2, default=str)  # fmt: skip
        print()
        return code
    for r in reports:
        _print_report(r, args.show, args.check)
    if len(reports) > 1:
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
