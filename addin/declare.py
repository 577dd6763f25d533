"""How a worksheet function is declared (:class:`Arg`, :class:`Declaration`, in
:mod:`agglo_addin.declaration`), and what is made from the declarations.

A declaration holds everything about one worksheet function that more than one place
needs: its Excel name, the :mod:`agglo` functions it calls, its arguments (kind,
default, help in Chinese and English), a one-line description in Chinese and English,
and how its result is laid out.  From it come

* the wrapper Excel calls (:meth:`Declaration.guarded`): for the common pattern — read
  each argument by its kind, call the agglo function, lay the result out — the body is
  generated here; a function that needs more keeps a small adapter (its body, taking the
  cells as Excel passes them) attached to the declaration;
* the xlwings decoration in :mod:`agglo_addin.udfs` (argument help, description,
  category), the xlwings Lite ``main.py`` (:func:`lite_names`), the README's table of
  worksheet functions (:func:`readme_table`) and worksheet formulas with their
  arguments in the declared order (:func:`formula`).

Nothing here imports xlwings or pandas: the headless engine takes the plain guarded
callables (:func:`plain_registry`) straight from the declarations, and only
:mod:`agglo_addin.udfs` (Excel, xlwings Lite) imports xlwings to decorate them.  That is
why the declarations live in a module of their own rather than in ``udfs.py``.

Adding a worksheet function: write the measure in :mod:`agglo`, add one ``_declare(...)``
to :mod:`agglo_addin.declarations` (with an adapter only if the common pattern does not
fit), add its tests, then run ``python -m agglo_addin.declare README.md`` to regenerate
the README's table (a test fails while it is stale) and
``agglo addin lite --out addin/lite`` for the committed Lite ``main.py`` (also tested).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from typing import Any

from .declaration import (  # noqa: F401 (also reached as agglo_addin.declare.<name>)
    CATEGORY,
    LAYOUTS,
    MAX_DRAWS,
    READERS,
    REQUIRED,
    Arg,
    Declaration,
    agglo,
    guard,
)
from .declarations import DECLARATIONS

__all__ = [
    "CATEGORY",
    "LAYOUTS",
    "READERS",
    "REQUIRED",
    "Arg",
    "Declaration",
    "formula",
    "lite_names",
    "plain_registry",
    "readme_table",
]


# --------------------------------------------------------------------------------------
# what is made from the declarations
# --------------------------------------------------------------------------------------


def _declarations() -> tuple[Declaration, ...]:
    return DECLARATIONS


def by_name() -> dict[str, Declaration]:
    """Every name Excel knows (aliases included) -> its declaration."""
    return {n: d for d in _declarations() for n in d.names()}


def plain_registry() -> dict[str, Callable[..., Any]]:
    """Excel function name -> the guarded callable, without xlwings' decoration (what the
    headless engine evaluates workbooks with; made once per process)."""
    return dict(_plain_registry())


@functools.cache
def _plain_registry() -> dict[str, Callable[..., Any]]:
    return {n: d.guarded(n) for d in _declarations() for n in d.names()}


def lite_names() -> list[str]:
    """The worksheet functions xlwings Lite registers (every name but the classic aliases)."""
    return sorted(d.name for d in _declarations())


def formula(name: str, *args: str, blank: str = "", **named: str) -> str:
    """A worksheet formula calling ``name``: positional texts first, then named ones put
    in their declared places.  Places left out after the last one given are dropped (the
    defaults); those before it hold ``blank``: nothing, or ``'""'`` for an empty text,
    which the functions also read as the default.

    Examples
    --------
    >>> formula("LQRATIO", "B3:D33", industry_totals="B34:D34")
    '=LQRATIO(B3:D33,,B34:D34)'
    >>> formula("LOCGINI", "EMP_2023", halved="TRUE", blank='""')
    '=LOCGINI(EMP_2023,"",TRUE)'
    """
    decl = by_name()[name]
    names = [a.name for a in decl.args]
    if len(args) > len(names):
        raise ValueError(
            f"{name} takes {len(names)} arguments ({', '.join(names)}), not {len(args)}"
        )
    cells = list(args) + [""] * (len(names) - len(args))
    for key, text in named.items():
        if key not in names:
            raise ValueError(f"{name} has no argument {key!r}; it takes {', '.join(names)}")
        cells[names.index(key)] = text
    while cells and cells[-1] == "":
        cells.pop()
    return f"={name}({','.join(c if c != '' else blank for c in cells)})"


def _default_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def usage(decl: Declaration) -> str:
    """``NAME(arg, [option=default], …)`` as the README shows it."""
    parts = []
    for a in decl.args:
        if not a.optional:
            parts.append(a.name)
        elif a.default is None:
            parts.append(f"[{a.name}]")
        else:
            parts.append(f"[{a.name}={_default_text(a.default)}]")
    return f"{decl.name}({', '.join(parts)})"


def readme_table(declarations: Iterable[Declaration] | None = None) -> str:
    """The README's table of worksheet functions (one row per function)."""
    lines = ["| function | returns |", "|---|---|"]
    for d in declarations if declarations is not None else _declarations():
        name = f"`{usage(d)}`"
        if d.aliases:
            name += " (classic also " + ", ".join(f"`{a}`" for a in d.aliases) + ")"
        returns = f"{d.zh} {d.en}".replace("|", "&#124;")
        lines.append(f"| {name} | {returns} |")
    return "\n".join(lines) + "\n"


README_START = "<!-- worksheet functions: generated by `python -m agglo_addin.declare` -->"
README_END = "<!-- end of worksheet functions -->"


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the generated table between the two markers."""
    start = text.index(README_START) + len(README_START)
    end = text.index(README_END)
    return text[:start] + "\n" + readme_table() + text[end:]


def main(argv: list[str] | None = None) -> int:
    """``python -m agglo_addin.declare [README.md]``: rewrite the README's table."""
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path("README.md")
    text = path.read_text(encoding="utf-8")
    new = readme_with_table(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: table of worksheet functions updated")
    else:
        print(f"{path}: table of worksheet functions already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
