"""What a worksheet function's declaration is: :class:`Arg`, :class:`Declaration`, the
readers of each argument kind, the result layouts and the guard every wrapper runs in.

The declarations themselves are in :mod:`agglo_addin.declarations`; what is made from
them (the registry, the Lite names, the README table, formulas) in
:mod:`agglo_addin.declare`.  Kept apart so that the three import one another in one
direction: declare → declarations → declaration.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import types
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from agglo import AggloValueError
from agglo.host import recorded_layouts

from . import conversion as cv

__all__ = [
    "CATEGORY",
    "LAYOUTS",
    "MAX_DRAWS",
    "READERS",
    "REQUIRED",
    "Arg",
    "Declaration",
    "guard",
]

#: The one function category shown in Excel's function wizard.
CATEGORY = "Agglo"

#: Largest number of random draws or permutations a worksheet function accepts (keeps a
#: recalculation short).
MAX_DRAWS = 100_000


class _Required:
    """The default of an argument that must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: Marks an argument without a default.
REQUIRED: Any = _Required()


def agglo() -> Any:
    """The :mod:`agglo` package, imported on first use."""
    return sys.modules.get("agglo") or importlib.import_module("agglo")


def fn(name: str) -> Callable[..., Any]:
    """An ``agglo`` function by name (a clear message if it is not available)."""
    f = getattr(agglo(), name, None)
    if f is None:
        raise error(f"this version of agglo has no function {name!r}; update agglo.")
    return f


def error(message: str) -> AggloValueError:
    """An invalid-input error raised by a wrapper itself."""
    return AggloValueError(message)


# --------------------------------------------------------------------------------------
# reading arguments by kind
# --------------------------------------------------------------------------------------


def is_single(value: Any) -> bool:
    """True for one cell (or a literal), however deeply xlwings nested it."""
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    return not isinstance(value, list | tuple)


def read_numbers(value: Any, name: str) -> Any:
    """One cell -> float; a range -> 2-D array (no total rows are looked for)."""
    arr = cv.read_block(value, name, totals=False).values
    return float(arr[0, 0]) if arr.size == 1 else arr


def read_optional_array(value: Any, name: str) -> Any:
    """None/blank -> None; one cell -> float; a range -> 1-D array."""
    if is_single(value):
        return cv.read_option(value, name, None, "number")
    return cv.read_vector(value, name, totals=False)


def read_weights(value: Any, name: str = "weights") -> Any:
    """None/blank -> None; otherwise one row or column of weights."""
    if is_single(value) and cv.read_option(value, name, None, "any") is None:
        return None
    return cv.read_vector(value, name, totals=False)


def read_optional_block(value: Any, name: str) -> np.ndarray | None:
    """None/blank -> None; otherwise a block of numbers."""
    if is_single(value) and cv.read_option(value, name, None, "any") is None:
        return None
    return cv.read_block(value, name, totals=False).values


def read_directions(value: Any) -> Any:
    """Indicator directions: blank -> all positive; a row of '+'/'-' (or 1/-1) texts."""
    if is_single(value):
        v = cv.read_option(value, "directions", None, "any")
        if v is None:
            return None
        return v if isinstance(v, str) else [v]
    rows = value if isinstance(value, list | tuple) else [[value]]
    flat = [c for r in rows for c in (r if isinstance(r, list | tuple) else [r])]
    out = []
    for c in flat:
        if c is None or (isinstance(c, str) and not c.strip()):
            out.append("+")
        elif isinstance(c, float) and c.is_integer():
            out.append(int(c))
        else:
            out.append(c.strip() if isinstance(c, str) else c)
    return out


def read_seed(value: Any) -> int:
    """A random seed: a whole number >= 0 (default 1)."""
    seed = cv.read_option(value, "seed", 1, "int")
    if seed < 0:
        raise error(f"'seed' must be a whole number >= 0; received {seed}.")
    return seed


def read_ri(value: Any) -> Any:
    """The RI table of AHP: a name or a number."""
    v = cv.read_option(value, "ri", "saaty1980", "any")
    return v.strip() if isinstance(v, str) else v


def _option(kind: str) -> Callable[[Arg], Callable[[Any], Any]]:
    def reader(arg: Arg) -> Callable[[Any], Any]:
        name, default = arg.name, arg.read_default
        return lambda v: cv.read_option(v, name, default, kind)

    return reader


#: Argument kind -> ``reader(arg)``, which returns how the cells Excel passes for that
#: argument are read.  The kinds ``cells`` (passed on unread), ``systems``, ``labels``
#: and ``neighbours`` have no reader: they occur only in declarations with an adapter.
READERS: dict[str, Callable[[Arg], Callable[[Any], Any]]] = {
    "block": lambda a: (
        lambda v: cv.read_block(v, a.name, totals=a.totals, extensive=a.extensive).values
    ),
    "vector": lambda a: lambda v: cv.read_vector(v, a.name, totals=a.totals, extensive=a.extensive),
    "numbers": lambda a: lambda v: read_numbers(v, a.name),
    "number_or_vector": lambda a: lambda v: read_optional_array(v, a.name),
    "optional_block": lambda a: lambda v: read_optional_block(v, a.name),
    "weights": lambda a: lambda v: read_weights(v, a.name),
    "directions": lambda a: read_directions,
    "seed": lambda a: read_seed,
    "ri": lambda a: read_ri,
    "text": _option("text"),
    "number": _option("number"),
    "int": _option("int"),
    "bool": _option("bool"),
    "any": _option("any"),
}

#: Every argument kind a declaration may name.
KINDS = frozenset(READERS) | {"cells", "systems", "labels", "neighbours"}


# --------------------------------------------------------------------------------------
# laying results out
# --------------------------------------------------------------------------------------


def _values(result: Any) -> Any:
    out = np.asarray(result, dtype=float)
    return cv.to_excel(out.reshape(-1)[0]) if out.size == 1 else cv.to_excel(out)


#: Result layout -> how an agglo result becomes cells.  ``table`` (a header row, then
#: rows) and ``labelled matrix`` are laid out by adapters.
LAYOUTS: dict[str, Callable[[Any], Any]] = {
    "value": cv.to_excel,  # one cell, or the shape of the input
    "row": cv.to_row,
    "column": cv.to_column,
    "matrix": lambda r: cv.to_excel(np.asarray(r, dtype=float)),
    "values": _values,  # one cell for one value, else the shape of the result
    "weights": lambda w: cv.to_excel(np.asarray(w.to_dense(), dtype=float)),
}

#: Every layout a declaration may name (the last ones need an adapter).
RESULTS = frozenset(LAYOUTS) | {"table", "labelled matrix", "per series", "same shape"}


# --------------------------------------------------------------------------------------
# declarations
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """One argument of a worksheet function.

    ``kind`` names its reader (:data:`READERS`); ``default`` is the default Excel sees
    (:data:`REQUIRED` if it must be given), also what a blank option stands for; ``to`` is
    the keyword it is passed to the agglo function as (``None``: positionally, in declared
    order).  ``totals`` and ``extensive`` are the options of
    :func:`agglo_addin.conversion.read_block` for blocks and vectors.
    """

    name: str
    kind: str
    zh: str
    en: str
    default: Any = REQUIRED
    to: str | None = None
    totals: bool | str = False
    extensive: bool = False

    @property
    def read_default(self) -> Any:
        """What a blank option is read as: its default (None for a required argument)."""
        return None if self.default is REQUIRED else self.default

    @property
    def doc(self) -> str:
        """The argument's help as Excel shows it: Chinese, then English."""
        return f"{self.zh} {self.en}" if self.zh else self.en

    @property
    def optional(self) -> bool:
        return self.default is not REQUIRED


@dataclass(frozen=True)
class Declaration:
    """One worksheet function (see the module docstring).

    ``calls`` are the agglo functions it needs (the first is the one the generated body
    calls); ``checked`` says how the generated body calls it: ``None`` plainly, otherwise
    through :func:`agglo_addin.conversion.call_checked` with ``totals=checked``;
    ``fixed`` are keyword arguments always passed; ``pick`` an attribute of the result
    that is laid out; ``result`` the layout; ``adapter`` the body of a function that
    needs more than the common pattern (taking the cells as Excel passes them, in the
    declared order); ``aliases`` short names kept for classic Excel only, with their
    descriptions.
    """

    name: str
    calls: tuple[str, ...]
    family: str
    zh: str
    en: str
    args: tuple[Arg, ...]
    result: str
    adapter: Callable[..., Any] | None = None
    checked: bool | str | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)
    pick: str | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.result not in RESULTS:
            problems.append(f"result {self.result!r}")
        for a in self.args:
            if a.kind not in KINDS:
                problems.append(f"kind {a.kind!r} of {a.name}")
        if self.adapter is None:
            if self.result not in LAYOUTS:
                problems.append(f"layout {self.result!r} needs an adapter")
            problems += [
                f"kind {a.kind!r} needs an adapter" for a in self.args if a.kind not in READERS
            ]
        else:
            params = list(inspect.signature(self.adapter).parameters.values())
            if [p.name for p in params] != [a.name for a in self.args]:
                problems.append(f"adapter arguments {[p.name for p in params]}")
            for p, a in zip(params, self.args, strict=False):
                if (p.default is inspect.Parameter.empty) == a.optional or (
                    a.optional and p.default != a.default
                ):
                    problems.append(f"default of {a.name} differs from the adapter's")
        seen_optional = False
        for a in self.args:
            if a.optional:
                seen_optional = True
            elif seen_optional:
                problems.append(f"required {a.name} after an optional argument")
        if problems:
            raise ValueError(f"declaration of {self.name}: " + "; ".join(problems))

    @property
    def doc(self) -> str:
        """The description Excel shows (≤ 255 characters): Chinese, then English."""
        return f"{self.zh} {self.en}"

    @functools.cached_property
    def _run(self) -> Callable[[tuple[Any, ...]], Any]:
        """The common pattern made from the declaration: read each argument by its kind,
        call the agglo function, lay the result out."""
        call, checked, fixed, pick = self.calls[0], self.checked, dict(self.fixed), self.pick
        layout = LAYOUTS[self.result]
        readers = [(READERS[a.kind](a), a.to) for a in self.args]

        def run(values: tuple[Any, ...]) -> Any:
            f = fn(call)
            positional = []
            keywords = dict(fixed)
            for (read, to), value in zip(readers, values, strict=True):
                if to is None:
                    positional.append(read(value))
                else:
                    keywords[to] = read(value)
            if checked is None:
                result = f(*positional, **keywords)
            else:
                result = cv.call_checked(f, *positional, totals=checked, **keywords)
            return layout(getattr(result, pick) if pick else result)

        return run

    def function(self, name: str | None = None) -> Callable[..., Any]:
        """A new, unguarded function object named ``name`` (the declared name or a classic
        alias) with the declared arguments and defaults: the adapter, or the common
        pattern.  A plain Python function, so a call with missing or extra arguments
        fails as any Python call does, naming the function."""
        name = name or self.name
        if self.adapter is not None:
            a = self.adapter
            f = types.FunctionType(a.__code__, a.__globals__, name, a.__defaults__, a.__closure__)
        else:
            params = ", ".join(
                f"{a.name}=_defaults[{i}]" if a.optional else a.name
                for i, a in enumerate(self.args)
            )
            values = "".join(f"{a.name}, " for a in self.args)
            namespace: dict[str, Any] = {
                "_run": self._run,
                "_defaults": [a.default for a in self.args],
            }
            # a real def, so that Python itself checks the arguments (as dataclasses do)
            exec(f"def {name}({params}):\n    return _run(({values}))\n", namespace)  # noqa: S102
            f = namespace[name]
        f.__qualname__ = name
        f.__module__ = "agglo_addin.udfs"
        f.__doc__ = self.aliases.get(name, self.doc)
        return f

    def guarded(self, name: str | None = None) -> Callable[..., Any]:
        """A new guarded function (see :func:`guard`) named ``name``."""
        return guard(self.function(name))

    def names(self) -> tuple[str, ...]:
        """The declared name and its classic aliases."""
        return (self.name, *self.aliases)


def guard(f: Callable[..., Any]) -> Callable[..., Any]:
    """Never let an exception (and its traceback) reach a cell.

    Classic xlwings and the headless engine get ``"#VALUE! <message>"``; xlwings Lite
    gets :class:`xlwings.XlwingsError` (shown as ``#VALUE!`` with the message on hover).
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"), recorded_layouts():
                    return f(*args)
        except Exception as exc:  # every failure becomes a short message
            if isinstance(exc, AggloValueError):
                text = str(exc)
            else:
                text = f"{f.__name__}: {type(exc).__name__}: {exc}"
            message = cv.invalid(text)
            if cv.IN_LITE:
                import xlwings as xw  # only in xlwings Lite, where it is loaded already

                raise xw.XlwingsError(cv.error_message_of(message)) from None
            return message

    return wrapper
