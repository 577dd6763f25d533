"""The registry of ``agglo`` subcommands.

A command module registers a subcommand with :func:`command`; :mod:`agglo_addin.cli`
imports those modules and dispatches.  The registry lives here, apart from the
dispatcher, so that the command modules depend on it and the dispatcher on them, never
in a circle.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["COMMANDS", "command"]

#: Subcommand name → (``setup(parser)``, ``run(args) -> exit code``, help text), in the
#: order the commands registered.
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int], str]] = {}


def command(name: str, help_text: str):
    """Register ``setup(parser)`` and ``run(args) -> exit code`` under a subcommand name."""

    def decorator(setup: Callable[[argparse.ArgumentParser], None]):
        def bind(run: Callable[..., int]) -> Callable[..., int]:
            COMMANDS[name] = (setup, run, help_text)
            return run

        return bind

    return decorator
