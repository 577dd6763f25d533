"""Excel worksheet functions (UDFs): every :mod:`agglo` measure as ``=NAME(...)``.

Each function is declared once in :mod:`agglo_addin.declarations` (name, agglo
functions, arguments with Chinese and English help, description, layout); this module
only decorates the declared functions for xlwings.  Each reads what Excel passes
(:mod:`agglo_addin.conversion`), calls the :mod:`agglo` function, and converts the
result back to a cell value or a list of rows that spills.  No statistics happen here.

The same module runs in classic xlwings (Windows desktop Excel, ``UDF_MODULES``) and in
xlwings Lite (``main.py`` imports it): only options both support are used — ``@func``
with a category, ``@arg(ndim=2, err_to_str=True, doc=...)``, positional options with
defaults, docstrings ≤ 255 characters.  Every argument is declared ``ndim=2`` so a
range always arrives as a list of rows and a single cell as ``[[x]]``.

Names work in both hosts: at least 3 characters, a letter first, no Excel built-in or
Excel 4.0 macro function name (Office custom functions, i.e. Lite, require it), and no
argument named like a VBA keyword (the VBA module *Import Functions* generates must
compile).  The old short names LQ, EG, MS and SHARE stay as :data:`CLASSIC_ALIASES` of
LQRATIO, EGINDEX, MSINDEX and SHAREOF for classic Excel only; :func:`lite_names` is what
Lite's ``main.py`` imports.

:data:`REGISTRY` maps each Excel function name to the very function Excel calls; the
headless engine evaluates workbooks with the same functions undecorated
(:func:`agglo_addin.declare.plain_registry`), without importing xlwings.
:data:`REQUIRES` names the :mod:`agglo` functions each wrapper needs; :func:`available`
says whether they exist in the installed agglo (tests skip a wrapper whose function is
missing).

Results and errors follow :mod:`agglo_addin.conversion`: NaN → ``"#N/A"``, ±inf →
``"#NUM!"``, invalid input → ``"#VALUE! <message>"`` (in xlwings Lite a raised
:class:`xlwings.XlwingsError`, shown as ``#VALUE!`` with the message on hover).  Classic
xlwings cannot return real error values, so there these are texts that ``ISERROR`` does
not see; ``=ISAGGLOERROR(cell)`` tests for them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import xlwings as xw
from agglo.host import argument_origins

from . import conversion as cv
from .declarations import DECLARATIONS
from .declare import CATEGORY, MAX_DRAWS, Declaration
from .declare import lite_names as _lite_names

__all__ = [
    "ARG_OPTIONS",
    "CATEGORY",
    "CLASSIC_ALIASES",
    "MAX_DRAWS",
    "REGISTRY",
    "REQUIRES",
    "available",
    "lite_names",
]

#: Converter options declared for every argument of every worksheet function.
ARG_OPTIONS: dict[str, Any] = {"ndim": 2, "err_to_str": True}

#: Excel function name -> the function Excel calls.
REGISTRY: dict[str, Callable[..., Any]] = {}

#: Excel function name -> names of the ``agglo`` functions it calls.
REQUIRES: dict[str, tuple[str, ...]] = {}

#: Short names kept for classic Excel only -> the name to type (works in classic and Lite).
#: Office custom functions (xlwings Lite) need names of at least 3 characters starting
#: with a letter, and must avoid Excel 4.0 macro function names such as SHARE; workbooks
#: written with the short names keep working in classic Excel and in the headless engine.
CLASSIC_ALIASES: dict[str, str] = {}


def available(name: str) -> bool:
    """True when every ``agglo`` function the UDF ``name`` needs exists."""
    from .declare import agglo

    try:
        pkg = agglo()
    except Exception:  # an import error in agglo: nothing is available
        return False
    return all(callable(getattr(pkg, f, None)) for f in REQUIRES[name])


def lite_names() -> list[str]:
    """The worksheet functions xlwings Lite registers (every name but the classic aliases)."""
    return _lite_names()


def _with_caller(g: Callable[..., Any], f: Callable[..., Any]) -> Callable[..., Any]:
    """Classic Excel: take the calling cell, which xlwings passes as the reserved last
    argument ``caller`` (not shown in Excel), and record where each range argument starts
    (read from the cell's formula) so that messages name worksheet cells (``B7``).

    Any other caller (the headless engine, tests, xlwings Lite) passes no ``caller``;
    anything unexpected about it only means messages count rows and columns instead.
    """
    sig = inspect.signature(f)
    params = list(sig.parameters.values())
    names = [p.name for p in params]
    n = len(params)

    @functools.wraps(g)
    def call(*args: Any) -> Any:
        if len(args) == n + 1 and hasattr(type(args[n]), "formula"):  # a Range, not a value
            caller, args = args[n], args[:n]
            origins = _caller_origins(caller, f.__name__, names)
            if origins:
                with argument_origins(origins, _caller_cells(caller)):
                    return g(*args)
        return g(*args)

    caller_param = inspect.Parameter(
        "caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None
    )
    call.__signature__ = sig.replace(parameters=[*params, caller_param])  # type: ignore[attr-defined]
    return call


def _caller_cells(caller: Any) -> Callable[..., Any]:
    """Read worksheet values through the calling cell's workbook, only when the table
    reader asks (the row labels beside a selection of numbers: units and totals written
    only there); ``sheet`` None is the calling cell's sheet."""

    def cells(sheet: str | None, r1: int, c1: int, r2: int, c2: int) -> Any:
        sh = caller.sheet if sheet is None else caller.sheet.book.sheets[sheet]
        return sh.range((r1, c1), (r2, c2)).options(ndim=2).value

    return cells


def _caller_origins(caller: Any, name: str, params: list[str]) -> dict[str, tuple]:
    """Argument origins from the calling cell's formula (see :func:`_with_caller`)."""
    try:
        formula = caller.formula
        while isinstance(formula, list | tuple):  # an array formula's range: its first cell
            formula = formula[0]
        if not isinstance(formula, str):
            return {}
        return cv.origins_from_formula(formula, name, params)
    except Exception:  # noqa: BLE001 - no caller, or one we cannot read: rows and columns
        return {}


def _decorated(decl: Declaration, name: str) -> Callable[..., Any]:
    """The declared function under ``name``: guarded, every argument declared (ndim=2,
    its help), described and put in the Agglo category, and registered."""
    f = decl.function(name)
    g = decl.guarded(name)
    if not cv.IN_LITE:
        g = _with_caller(g, f)
    for arg in decl.args:
        g = xw.arg(arg.name, doc=arg.doc, **ARG_OPTIONS)(g)
    g = xw.func(category=CATEGORY)(g)
    REGISTRY[name] = g
    REQUIRES[name] = decl.calls
    return g


for _decl in DECLARATIONS:
    for _name in _decl.names():
        globals()[_name] = _decorated(_decl, _name)
        if _name != _decl.name:
            CLASSIC_ALIASES[_name] = _decl.name
del _decl, _name
