"""The ``agglo`` command line.

Subcommands register themselves in :data:`~agglo_addin.commands.COMMANDS` through
:func:`~agglo_addin.commands.command` (:mod:`agglo_addin.commands`); each lives in its own
function so that the Excel-side work (refresh, demo, add-in install) can add commands
without touching the others.  This module imports the command modules; they import only
the registry, so the command-line modules import one another in one direction.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import COMMANDS, command

__all__ = ["COMMANDS", "build_parser", "command", "main"]


def _setup_lq(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--year", type=int, default=2024, help="year of the bundled GDP data (2015–2024)"
    )
    p.add_argument("--digits", type=int, default=3, help="decimals shown")


@command("lq", "print the location quotients (区位熵) of the three sectors for the 31 provinces")(
    _setup_lq
)
def _run_lq(args: argparse.Namespace) -> int:
    import agglo
    import pandas as pd

    block = agglo.gdp_by_sector(args.year)
    lq = agglo.location_quotient(block)
    with pd.option_context("display.max_rows", 100, "display.width", 120):
        print(f"Location quotients (区位熵) of value added by sector, {args.year}")
        print(
            "totals taken from the block: region = sum of its 3 sectors, nation = sum of 31 provinces"
        )
        print(lq.round(args.digits).sort_values("第三产业", ascending=False).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agglo",
        description="Agglo: regional-economics measures for yearbook spreadsheets.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (setup, _run, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        setup(sp)
    return parser


def _load_commands() -> None:
    """Import the modules that register further subcommands (if present)."""
    import importlib

    for mod in (
        "agglo_addin.engine_cli",
        "agglo_addin.share_cli",
        "agglo_addin.addin_cli",
        "agglo_addin.microdata_cli",
    ):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


def main(argv: Sequence[str] | None = None) -> int:
    _load_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    _setup, run, _help = COMMANDS[args.command]
    return run(args)


if __name__ == "__main__":
    # Run as ``python -m agglo_addin.cli``: subcommands register themselves on the
    # importable module ``agglo_addin.cli``, not on ``__main__``, so dispatch through it.
    from agglo_addin.cli import main as _main

    sys.exit(_main())
