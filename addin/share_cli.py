"""The ``agglo share`` and ``agglo unshare`` commands (see :mod:`agglo_addin.share`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .commands import command
from .engine import Report
from .engine_cli import EXIT_USAGE, _limits, _print_report, _quiet_engine_logs, exit_code_of
from .reasons import explain, internal_error

_SHARE_HELP = """\
The copy is for people without the Agglo add-in (plain Excel, WPS, LibreOffice):
every Agglo formula is replaced by its value (after a refresh), everything else is
kept, and the formulas are recorded in a hidden sheet "AggloFormulas" so that
`agglo unshare COPY` puts them back. Do not insert rows or columns in the copy
before unsharing it (the record is by cell address).

exit codes: 0 written; 3 written, but some Agglo formulas could not be evaluated
(their cached values were kept); 4 refused (nothing written)
"""

_UNSHARE_HELP = """\
Puts the Agglo formulas recorded by `agglo share` back into their cells and
removes the hidden sheet "AggloFormulas". The previous version is kept as
NAME.bak.xlsx unless --no-backup. The cells keep the values of the copy; --refresh
recalculates them right away (or run `agglo refresh` afterwards).

exit codes: 0 written; 3 with --refresh: some formulas could not be evaluated;
4 refused (nothing written)
"""


def _setup_share(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = _SHARE_HELP
    p.add_argument("book", metavar="BOOK", help="workbook (.xlsx/.xlsm) with Agglo formulas")
    p.add_argument("--out", metavar="COPY", help="the copy to write (default BOOK.shared.xlsx)")
    p.add_argument("--no-refresh", dest="refresh", action="store_false",
                   help="use the values stored in BOOK as they are, without recalculating")  # fmt: skip
    p.add_argument("--max-cells", type=int, default=None,
                   help="largest workbook (cells) handed to the evaluator (default 500,000)")  # fmt: skip
    p.add_argument("--show", type=int, default=20, help="cells listed (default 20; 0 = all)")
    p.add_argument("--json", action="store_true", help="machine-readable report on stdout")


def _setup_unshare(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = _UNSHARE_HELP
    p.add_argument("book", metavar="COPY", help="a copy written by agglo share")
    p.add_argument("--out", metavar="BOOK", help="write the result here instead of replacing COPY")
    p.add_argument("--no-backup", action="store_true", help="do not keep NAME.bak.xlsx")
    p.add_argument("--refresh", action="store_true",
                   help="then recalculate the workbook (as agglo refresh), e.g. when its data "
                   "were changed in the shared copy")  # fmt: skip
    p.add_argument("--force", action="store_true",
                   help="restore the formulas even where a cell no longer holds the value it "
                   "had when the copy was written (rows or columns moved?)")  # fmt: skip
    p.add_argument("--show", type=int, default=20, help="cells listed (default 20; 0 = all)")
    p.add_argument("--json", action="store_true", help="machine-readable report on stdout")


def _finish(d: dict, args: argparse.Namespace) -> int:
    d = explain(d)
    code = exit_code_of([d])
    if args.json:
        json.dump({"files": [d], "exit_code": code}, sys.stdout, ensure_ascii=False, indent=2,
                  default=str)  # fmt: skip
        print()
    else:
        _print_report(d, args.show, False)
    return code


@command("share", "write a copy with the Agglo formulas replaced by their values, for people "
         "without the add-in")(_setup_share)  # fmt: skip
def run_share(args: argparse.Namespace) -> int:
    from .share import share_workbook

    if not Path(args.book).exists():
        print(f"agglo share: {args.book}: no such file", file=sys.stderr)
        return EXIT_USAGE
    _quiet_engine_logs()
    try:
        rep = share_workbook(args.book, out=args.out, limits=_limits(args.max_cells),
                             refresh=args.refresh)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - a defect becomes a clear refusal, not a traceback
        rep = Report(path=args.book, status="refused", message=internal_error(args.book, exc))
    if not args.refresh or rep.status != "unshared":
        return _finish(rep.as_dict(), args)
    from .engine_cli import _refresh_one

    second = _refresh_one({"path": rep.written_to, "backup": False})
    if args.json:
        d = explain(rep.as_dict())
        json.dump({"files": [d, second], "exit_code": exit_code_of([d, second])}, sys.stdout,
                  ensure_ascii=False, indent=2, default=str)  # fmt: skip
        print()
    else:
        _print_report(explain(rep.as_dict()), args.show, False)
        _print_report(second, args.show, False)
    return exit_code_of([explain(rep.as_dict()), second])


@command("unshare", "put back the Agglo formulas of a copy written by agglo share")(_setup_unshare)
def run_unshare(args: argparse.Namespace) -> int:
    from .share import unshare_workbook

    if not Path(args.book).exists():
        print(f"agglo unshare: {args.book}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        rep = unshare_workbook(args.book, out=args.out, backup=not args.no_backup,
                               force=args.force)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - a defect becomes a clear refusal, not a traceback
        rep = Report(path=args.book, status="refused", message=internal_error(args.book, exc))
    if not args.refresh or rep.status != "unshared":
        return _finish(rep.as_dict(), args)
    from .engine_cli import _refresh_one

    second = _refresh_one({"path": rep.written_to, "backup": False})
    if args.json:
        d = explain(rep.as_dict())
        json.dump({"files": [d, second], "exit_code": exit_code_of([d, second])}, sys.stdout,
                  ensure_ascii=False, indent=2, default=str)  # fmt: skip
        print()
    else:
        _print_report(explain(rep.as_dict()), args.show, False)
        _print_report(second, args.show, False)
    return exit_code_of([explain(rep.as_dict()), second])
