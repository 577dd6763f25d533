"""The bridge to the calculation engine: everything that touches ``formulas``' internals.

The engine package uses the ``formulas`` library (and ``schedula``, the graph library it
runs on) only through this module, written for ``formulas`` :data:`TARGET_VERSION` (the
version ``pyproject.toml`` pins).  What it relies on beyond the library's documented use
(``Parser().ast(...)[1].compile()``, ``ExcelModel``) is listed in :data:`INTERNALS`;
``tests/test_formulas_fixes.py`` fails when an upgrade changes the version, removes one
of them, or fixes a defect replaced here (so that the replacement can go).

What it does with them:

* values: ``formulas``' values (``XlError``, ``schedula.EMPTY``, arrays, references) to
  and from what the file holds and what the Agglo wrappers take, as classic xlwings
  passes them: ranges as lists of rows, empty cells and omitted arguments
  (``=LQ(block,,totals)``) as None, errors as their text.  (``formulas`` compiles an
  omitted argument to 0, as Excel's built-in functions see it; while the Agglo functions
  are registered it compiles to a 0 the adapter can recognise, :class:`_Omitted` —
  built-in functions still see 0.)
* the function table: the Agglo functions are registered in ``formulas``' (global) table
  while a workbook is evaluated, with the replacements of functions it computes unlike
  Excel, and everything is restored afterwards (:func:`_register`, :func:`_unregister`):

  ``ROUND``, ``ROUNDUP``, ``ROUNDDOWN``
      ``formulas`` multiplies by a power of ten in binary floating point and rounds the
      product, so ``ROUND(1122.485,2)`` gives 1122.48 (1122.485 × 100 is
      112248.49999999999).  Excel rounds the number as it shows it, to 15 significant
      digits: 1122.49 (LibreOffice too).  Hand-written because no library function
      rounds a double through its 15-digit decimal form.
  ``CEILING.MATH``, ``FLOOR.MATH``
      ``formulas`` rounds the magnitude of a negative number: ``CEILING.MATH(-23.5)``
      gives 24 instead of -23.  Written from Microsoft's definition (mode decides the
      direction of negative numbers), checked on its documented examples.
  ``PIVOTBY``, ``GROUPBY``
      ``formulas`` builds a pandas DataFrame of the aggregated cells, and an error value
      (``XlError``, a ``str`` subclass) among them is inferred as pandas' ``str`` dtype.
      When PyArrow is installed, pandas stores that column in an Arrow array, which
      keeps only plain strings: the error comes back as the text ``"#VALUE!"``.  The
      same functions, run with pandas' strings stored as Python objects
      (``mode.string_storage = "python"``, what pandas uses without PyArrow), keep it.

* start-up: ``formulas.functions.stat`` imported without SciPy
  (:func:`defer_scipy_for_formulas`);
* compiling: each distinct relative formula compiled once and reused for the cells of
  its pattern (:func:`_compile_with_templates`, :class:`_FastPipe`), for both evaluators;
* array formulas: a result cut to its range as Excel shows it (:func:`_cut_to_range`);
* the full model (:class:`FullModel`): ``formulas.ExcelModel`` with only the workbook
  being refreshed opened, kept cells read as constants, and the cycle solver run only
  when there is a cycle.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import importlib
import math
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from typing import Any

import numpy as np

from .. import xlsx
from .._lazy_imports import _scipy_stand_ins
from ..xlsx import ExcelError, RefusedError
from .dependencies import _needed_formulas
from .names import _ADDIN, normalize_formula
from .references import _MAXC, _MAXR, _cell_key, _template_key

#: the ``formulas`` version this module was written and tested for (pinned in
#: ``pyproject.toml``)
TARGET_VERSION = "1.3.4"

#: what this module uses of ``formulas`` and ``schedula`` beyond their documented use,
#: as "module:attribute.attribute" (checked by ``tests/test_formulas_fixes.py``)
INTERNALS = (
    "formulas:get_functions",
    "formulas:ExcelModel._compile_cell",
    "formulas:ExcelModel.add_book",
    "formulas:ExcelModel.complete",
    "formulas:ExcelModel.anchors",
    "formulas:ExcelModel.assemble",
    "formulas:ExcelModel.solve_circular",
    "formulas:ExcelModel.inverse_references",
    "formulas.excel:tqdm",
    "formulas.cell:Cell.compile",
    "formulas.cell:Cell.update_inputs",
    "formulas.cell:Cell._args",
    "formulas.cell:InvRangesAssembler",
    "formulas.cell:wrap_cell_func",
    "formulas.ranges:Ranges",
    "formulas.ranges:_reshape_array_as_excel",
    "formulas.functions:wrap_ranges_func",
    "formulas.functions:wrap_ufunc",
    "formulas.functions:replace_empty",
    "formulas.functions.look:FUNCTIONS",
    "formulas.tokens.operand:Empty.compile",
    "formulas.tokens.operand:Error.errors",
    "formulas.tokens.operand:XlError",
    "schedula:EMPTY",
    "schedula:NONE",
    "schedula.utils.exc:DispatcherError",
)

_STAT = "formulas.functions.stat"
# what formulas' stat module takes from SciPy at import time: module → names
_SCIPY_NAMES = {"scipy": ("stats", "linalg"), "scipy.interpolate": ("interp1d",)}


def defer_scipy_for_formulas() -> bool:
    """Import ``formulas.functions.stat`` without importing SciPy.

    formulas' statistics module imports ``scipy.stats``, ``scipy.linalg`` and
    ``scipy.interpolate.interp1d`` eagerly for a few distribution, test and forecast
    functions; that import costs more than LibreOffice's whole recalculation of a
    typical workbook.  Here the module is imported with stand-ins for those three
    names that import the real SciPy objects the first time one of those functions
    runs (:func:`agglo_addin._lazy_imports._scipy_stand_ins`).  Afterwards
    ``sys.modules`` holds no stand-in: any later ``import scipy.stats`` (by anyone) gets
    the real module.

    Returns True when the deferral was applied, False when there was nothing to do
    (the statistics module, or all of the SciPy parts it uses, already imported).
    Not thread-safe while it runs (it briefly places stand-ins in ``sys.modules``);
    call it once at start-up, before other threads import SciPy.
    """
    if _STAT in sys.modules:
        return False
    if all(m in sys.modules for m in ("scipy.stats", "scipy.linalg", "scipy.interpolate")):
        return False
    # import formulas' other modules (and what stat imports besides SciPy) for real,
    # outside the window in which the stand-ins are visible
    importlib.import_module("formulas.functions")
    importlib.import_module("statistics")
    with _scipy_stand_ins(_STAT, _SCIPY_NAMES):
        importlib.import_module(_STAT)
    return True


def _known_functions() -> Mapping[str, Any]:
    """``formulas``' function table (SciPy deferred before it is first built)."""
    defer_scipy_for_formulas()
    import formulas

    return formulas.get_functions()


def _conversion():
    try:
        from .. import conversion
    except ModuleNotFoundError as exc:
        if exc.name != f"{_ADDIN}.conversion":
            raise
        return None
    return conversion


# ---------------------------------------------------------------------------
# values between formulas, the wrappers and the file


def _is_error_text(x: Any) -> bool:
    return isinstance(x, str) and x in xlsx.ERROR_CODES


def _to_python(v: Any) -> Any:
    """A value from ``formulas`` → None/float/int/bool/str/ExcelError."""
    t = type(v)
    if t is float:  # the common case first
        return v if math.isfinite(v) else ExcelError("#NUM!")
    if t is str or t is bool:
        return v
    import schedula as sh
    from formulas.tokens.operand import XlError

    if v is sh.EMPTY or v is None:
        return None
    if isinstance(v, XlError):
        if type(v).__name__ == "XlCircular":
            return ExcelError("#CIRC!")
        return ExcelError(str(v))
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else ExcelError("#NUM!")
    if isinstance(v, np.ndarray):
        return _to_python(v.ravel()[0]) if v.size else None
    if hasattr(v, "ranges") and hasattr(v, "value"):  # a reference (INDEX ...): its value
        return _to_python(np.asarray(v.value, dtype=object))
    return str(v)


class _Omitted(int):
    """An omitted argument (``=LQ(a,,b)``): equal to 0 for built-in functions, None for ours.

    ``formulas`` compiles an empty argument to the constant 0 (what Excel's built-in
    functions see); classic xlwings passes an omitted argument to a worksheet function as
    None.  While our functions are registered the empty operand compiles to this 0 instead,
    so the adapter can tell it from a literal 0.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<omitted>"


_OMITTED = _Omitted(0)


def _compile_empty() -> _Omitted:
    return _OMITTED


def _arg_to_xlwings(a: Any) -> Any:
    """A ``formulas`` argument → what classic xlwings passes with ``ndim=2``."""
    if type(a) is _Omitted:
        return None
    if hasattr(a, "ranges") and hasattr(a, "value"):  # a reference (Ranges): its values
        a = a.value
    if isinstance(a, np.ndarray) and a.ndim == 2:
        return [[_cell_to_xlwings(x) for x in row] for row in a.tolist()]
    if isinstance(a, np.ndarray):
        return _cell_to_xlwings(a.ravel()[0]) if a.size else None
    return _cell_to_xlwings(a)


def _cell_to_xlwings(x: Any) -> Any:
    if type(x) is float and math.isfinite(x):
        return x
    v = _to_python(x)
    if isinstance(v, ExcelError):
        return str(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


@dataclasses.dataclass
class _CallRecord:
    function: str
    natural: np.ndarray | None = None
    messages: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)


_CURRENT_CELL: contextvars.ContextVar[str | None] = contextvars.ContextVar("cell", default=None)


def _make_adapter(name: str, fn: Callable[..., Any], log: dict[str, list[_CallRecord]]):
    """The function registered in ``formulas`` for one Agglo worksheet function."""
    from formulas.tokens.operand import Error

    conv = _conversion()
    excel_error_of = getattr(conv, "excel_error_of", None)
    error_message_of = getattr(conv, "error_message_of", None)
    warnings_of = getattr(conv, "warnings_of", None)

    def to_element(x: Any, rec: _CallRecord) -> Any:
        if type(x) is float and math.isfinite(x):
            return x
        code = None
        if excel_error_of is not None:
            try:
                code = excel_error_of(x)
            except Exception:  # noqa: BLE001 - a broken helper must not stop the refresh
                code = None
        if code is None:
            if (
                isinstance(x, float)
                and not math.isfinite(x)
                or isinstance(x, (np.floating,))
                and not np.isfinite(x)
            ):
                code = "#NUM!"
            elif _is_error_text(x):
                code = x
        if code is not None:
            if error_message_of is not None:
                with contextlib.suppress(Exception):
                    msg = error_message_of(x)
                    if msg:
                        rec.messages.append(str(msg))
            return Error.errors.get(code, Error.errors["#VALUE!"])
        if x is None:
            import schedula as sh

            return sh.EMPTY
        if isinstance(x, np.generic):
            return x.item()
        return x

    def adapter(*args: Any) -> Any:
        rec = _CallRecord(name)
        cell = _CURRENT_CELL.get()
        log.setdefault(cell or "", []).append(rec)
        py_args = [_arg_to_xlwings(a) for a in args]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = fn(*py_args)
            except Exception as exc:  # noqa: BLE001 - any failure becomes #VALUE!
                rec.messages.append(f"{type(exc).__name__}: {exc}")
                return np.asarray([[Error.errors["#VALUE!"]]], object)
        for w in caught:
            rec.warnings.append(f"{w.category.__name__}: {w.message}")
        if warnings_of is not None:
            with contextlib.suppress(Exception):
                rec.warnings.extend(str(w) for w in (warnings_of(result) or ()))
        if isinstance(result, np.ndarray):
            result = result.tolist()
        if isinstance(result, (list, tuple)):
            rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in result]
            width = max((len(r) for r in rows), default=0)
            if not rows or width == 0:
                out = np.asarray([[Error.errors["#N/A"]]], object)
            else:
                out = np.empty((len(rows), width), object)
                for i, r in enumerate(rows):
                    for j in range(width):
                        out[i, j] = to_element(r[j], rec) if j < len(r) else Error.errors["#N/A"]
        else:
            out = np.asarray([[to_element(result, rec)]], object)
        rec.natural = out
        return out

    adapter.__name__ = name
    return adapter


_EMPTY_KEY = "\0empty-operand"
_KNOWN_KEY = "\0known-names"


def _register(
    registry: Mapping[str, Callable[..., Any]],
    log: dict[str, list[_CallRecord]],
    formulas_of: dict[tuple[str, str], str] | None = None,
    cells_of: Callable[[str, int, int, int, int], Any] | None = None,
):
    """Register the adapters in ``formulas``' (global) function table; return undo info.

    ``formulas_of`` (SHEET, A1) → formula text of the Agglo cells and ``cells_of(sheet,
    r1, c1, r2, c2)`` → worksheet values feed the argument-origins hook below."""
    import formulas
    from formulas.functions import wrap_ranges_func
    from formulas.tokens.operand import Empty

    defer_scipy_for_formulas()  # SciPy is imported when a function needing it runs
    table = formulas.get_functions()
    # ``formulas``' table is a defaultdict: looking up an unknown name adds it; those
    # names are removed again afterwards (``_KNOWN_KEY``)
    saved: dict[str, Any] = {_EMPTY_KEY: Empty.__dict__["compile"], _KNOWN_KEY: set(table)}
    Empty.compile = staticmethod(_compile_empty)
    for name, fn in replacements().items():  # functions formulas gets wrong
        saved[name] = table.get(name)
        table[name] = fn
    for name, fn in registry.items():
        wrapped = wrap_ranges_func(_make_adapter(name, fn, log))
        wrapped = _with_argument_origins(wrapped, name, fn, formulas_of or {}, cells_of)  # hook
        for alias in (name, f"_XLDUDF_{name}", f"_XLL.{name}"):
            saved[alias] = table.get(alias)
            table[alias] = wrapped
    return saved


# --- hook: argument origins (messages name the worksheet cell, e.g. B7) ----------------
# The one place for cell addresses is ``agglo.host`` (``agglo.cells``); the engine only tells it, for
# the duration of a call, where each range argument starts, read from the calling cell's
# formula text (``agglo_addin.conversion.origins_from_formula``, as classic Excel would
# from ``caller.formula``).  ``formulas_of``: (SHEET, A1) → formula text of Agglo cells;
# ``cells_of`` reads the workbook's stored values, so that the table reader can see the
# row labels beside a selection of numbers (units, totals written only there).
def _with_argument_origins(
    wrapped, name: str, fn, formulas_of: dict[tuple[str, str], str], cells_of=None
):
    import inspect

    from agglo.host import argument_origins

    from ..conversion import origins_from_formula

    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []

    def call(*args: Any, **kwargs: Any) -> Any:
        cell = _CURRENT_CELL.get() or ""
        sheet, _, ref = cell.rpartition("!")
        sheet = sheet.strip("'").rpartition("]")[2].replace("''", "'").upper()
        text = formulas_of.get((sheet, ref.replace("$", "").upper()))
        origins = origins_from_formula(text, name, params) if text else {}
        if not origins:
            return wrapped(*args, **kwargs)
        cells = None
        if cells_of is not None:

            def cells(sh: str | None, r1: int, c1: int, r2: int, c2: int) -> Any:
                return cells_of(sh or sheet, r1, c1, r2, c2)

        with argument_origins(origins, cells):
            return wrapped(*args, **kwargs)

    return functools.update_wrapper(call, wrapped)


# --- end of hook ----------------------------------------------------------------------


def _unregister(saved: dict[str, Any]) -> None:
    import formulas
    from formulas.tokens.operand import Empty

    saved = dict(saved)
    Empty.compile = saved.pop(_EMPTY_KEY)
    known = saved.pop(_KNOWN_KEY)
    table = formulas.get_functions()
    for k in set(table) - known - set(saved):
        table.pop(k, None)
    for k, v in saved.items():
        if v is None:
            table.pop(k, None)
        else:
            table[k] = v


# ---------------------------------------------------------------------------
# array results, the full model, and each relative formula compiled once


def _cut_to_range(v: Any, shape: tuple[int, int]) -> Any:
    """An array formula's result cut to its range where it is larger than the range.

    Excel shows the top-left part of a result larger than the range of its array
    formula (``{=LQRATIO(...)}`` entered in one cell shows the first quotient).
    ``formulas`` fits a result to the range by reshaping it: a plain array that does
    not fit (what the Agglo functions return) becomes ``#VALUE!`` in every cell, and
    its own arrays are flattened and cut, which mixes rows when the widths differ.
    Cut to the range first, the rest of its fitting (a row or column repeated, ``#N/A``
    beyond a smaller result) applies unchanged.
    """
    if isinstance(v, np.ndarray) and v.ndim == 2:
        h, w = shape
        if v.shape[0] > h or v.shape[1] > w:
            return v[:h, :w]
    return v


class _CutToRange:
    """An array formula's compiled function whose result is cut to its range
    (:func:`_cut_to_range`), for the full model."""

    def __init__(self, func, shape: tuple[int, int]):
        self.func, self.shape = func, shape

    def __call__(self, *args, **kwargs):
        return _cut_to_range(self.func(*args, **kwargs), self.shape)

    def __getattr__(self, item):
        return getattr(self.func, item)


class _QuietBar:
    """Stand-in for tqdm inside ``formulas`` (its own bars would clutter the output)."""

    def __init__(self, *a, total=0, **k):
        self.total = total

    def update(self, n=1):
        pass

    def refresh(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _make_model_class(pattern: re.Pattern[str] | None, main_book: str, kept=None):
    import formulas
    import formulas.excel as fx

    fx.tqdm = type("tqdm_stub", (), {"tqdm": _QuietBar})
    kept = kept or {}

    class AggloModel(formulas.ExcelModel):
        def compile_cell(self, cell, context, references, formula_references):
            if kept and cell.data_type == "f":
                got = kept.get((str(context.get("sheet", "")).upper(), cell.coordinate))
                if got is not None:  # evaluated as the value Excel cached (keep_cached)
                    cached = got[0]
                    cell.value = str(cached) if isinstance(cached, ExcelError) else cached
                    if isinstance(cached, ExcelError):
                        cell.data_type = "e"
            array = False
            if cell.data_type == "f":
                val = cell.value
                array = not isinstance(val, str)  # openpyxl's ArrayFormula
                text = val if isinstance(val, str) else getattr(val, "text", None)
                if isinstance(text, str):
                    new = normalize_formula(text, pattern)
                    if new != text:
                        if isinstance(val, str):
                            cell.value = new
                        else:
                            val.text = new
            got = super().compile_cell(cell, context, references, formula_references)
            if array and getattr(got, "func", None) is not None:
                rng = got.range.ranges[0]
                shape = (int(rng["r2"]) - int(rng["r1"]) + 1, rng["n2"] - rng["n1"] + 1)
                got.func = _CutToRange(got.func, shape)
            return got

        _templates: dict | None = None

        def _compile_cell(self, crd, val, context, check_formula, references):
            if self._templates is None:
                self._templates = {}
            if self._templates is _NO_TEMPLATES:
                return super()._compile_cell(crd, val, context, check_formula, references)
            return _compile_with_templates(
                self._templates, crd, val, context, check_formula, references
            )

        def add_book(self, book=None, context=None, data_only=False):
            # Only the workbook being refreshed is ever opened: references to other
            # files (external links) evaluate to #REF! instead of reading them.
            if isinstance(book, str) and self.books:
                name = book.replace("\\", "/").split("/")[-1].upper()
                if name != main_book.upper():
                    raise RefusedError(f"external workbook {book!r} is not opened")
            key = (book, context is None, data_only) if isinstance(book, str) else None
            cache = self.__dict__.setdefault("_book_cache", {})
            if key is not None and key in cache:
                got_book, ctx = cache[key]
                return got_book, dict(ctx)  # complete() asks once per cell: answer once
            got = super().add_book(book, context=context, data_only=data_only)
            if key is not None:
                cache[key] = (got[0], dict(got[1]))
            return got

    return AggloModel


_NO_TEMPLATES: dict = {}

_FN_KEYS = {"type", "inputs", "outputs", "function", "wait_inputs", "index", "solve_cycle"}
_DATA_KEYS = {"type", "wait_inputs", "index", "filters"}


class _FastPipe:
    """Runs a compiled formula's small graph directly, in topological order.

    ``formulas`` compiles each formula to a schedula pipe; running that pipe through
    the general dispatcher costs far more than the arithmetic.  For the common shape
    (plain function nodes, constants, one output) the same node functions are called
    here in the same order.  Anything unusual — and any exception or missing value on
    the fast path — goes through the original pipe, so the results are the library's.
    """

    def __init__(self, pipe):
        import schedula as sh

        self._pipe = pipe
        self._none = sh.NONE
        dsp = pipe.dsp
        self._ok = False
        nodes = dsp.nodes
        fns = {k: n for k, n in nodes.items() if n.get("type") == "function"}
        for n in nodes.values():
            keys = _FN_KEYS if n.get("type") == "function" else _DATA_KEYS
            if not set(n) <= keys or isinstance(n.get("function"), dict):
                return
        outs = list(pipe.outputs)
        if len(outs) != 1:
            return
        self._inputs = list(pipe.inputs)
        self._defaults = {k: v["value"] for k, v in dsp.default_values.items()}
        known = set(self._inputs) | set(self._defaults)
        steps, pending = [], dict(fns)
        while pending:
            ready = [k for k, n in pending.items() if all(i in known for i in n["inputs"])]
            if not ready:
                return
            for k in sorted(ready, key=lambda k: pending[k].get("index", (0,))):
                n = pending.pop(k)
                if len(n["outputs"]) != 1:
                    return
                filters = nodes[n["outputs"][0]].get("filters", ())
                steps.append((n["function"], tuple(n["inputs"]), n["outputs"][0], filters))
                known.add(n["outputs"][0])
        self._out = outs[0]
        if self._out not in known:
            return
        fast = _fast_operators()
        steps = [(fast.get(id(fn), fn), ins, out, filters) for fn, ins, out, filters in steps]
        self._steps = steps
        self._out_filters = (
            () if any(s[2] == self._out for s in steps) else (nodes[self._out].get("filters", ()))
        )
        self._ok = True

    def __call__(self, *args):
        if not self._ok or len(args) != len(self._inputs):
            return self._pipe(*args)
        try:
            vals = dict(self._defaults)
            vals.update(zip(self._inputs, args, strict=True))
            none = self._none
            for fn, ins, out, filters in self._steps:
                v = fn(*[vals[i] for i in ins])
                if v is none:
                    return self._pipe(*args)
                for f in filters:
                    v = f(v)
                vals[out] = v
            v = vals[self._out]
            for f in self._out_filters:
                v = f(v)
            return v
        except Exception:  # noqa: BLE001 - the library's own path decides
            return self._pipe(*args)

    def __getattr__(self, item):
        return getattr(self._pipe, item)


_NUMPY_OPERATORS = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide,
    ">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal,
    "=": np.equal, "<>": np.not_equal,
}  # fmt: skip


_PLAIN = frozenset({float, int})
_PLAIN_OR_NUMPY = frozenset({float, int, np.float64})


def _plain_numbers(x: Any, kinds_allowed: frozenset = _PLAIN) -> Any:
    """``x`` (a constant or an object array of cell values) as float64 when every value is
    a finite number of ``kinds_allowed`` (an ``int`` only when a double holds it
    exactly); else None."""
    tx = type(x)
    if tx in kinds_allowed:
        return np.float64(x) if math.isfinite(x) and abs(x) < 2**53 else None
    if tx is not np.ndarray or x.dtype != object:
        return None
    flat = x.ravel().tolist()
    kinds = set(map(type, flat))
    if not kinds <= kinds_allowed:
        return None
    with np.errstate(all="ignore"):
        arr = np.array(flat, dtype=float)
        if not np.isfinite(arr).all() or (int in kinds and np.abs(arr).max() >= 2**53):
            return None
    return arr.reshape(x.shape)


@functools.lru_cache(maxsize=1)
def _fast_operators() -> dict[int, Any]:
    """id(``formulas``' operator function) → the same operator computed by NumPy on
    columns of plain numbers (:func:`_plain_numbers`).

    ``formulas`` applies an operator to each element of a column in Python (about 5 µs
    an element).  On plain numbers its arithmetic is one IEEE operation on the two
    values made Python floats (NumPy doubles too), and its comparisons compare the
    values as they are (``float`` and ``int`` only here: a NumPy double would give a
    NumPy logical value); NumPy gives the same values (Python ``float``/``bool`` objects
    in an object array of the same shape and class).
    Anything else — a single cell, text, logical values, blanks, errors, a division by
    zero, a result that is not finite (``formulas`` gives #DIV/0! or #NUM!) — is left to
    ``formulas``.  Checked element by element by ``tests/test_engine.py``.
    """
    from formulas.functions import Array
    from formulas.functions.operators import OPERATORS

    def make(name, original):
        op = _NUMPY_OPERATORS[name]
        arithmetic = name in "+-*/"
        kinds = _PLAIN_OR_NUMPY if arithmetic else _PLAIN

        def call(x, y):
            if (getattr(x, "size", 1) < 2 and getattr(y, "size", 1) < 2) or (
                (a := _plain_numbers(x, kinds)) is None or (b := _plain_numbers(y, kinds)) is None
            ):
                return original(x, y)
            with np.errstate(all="ignore"):
                if name == "/" and not b.all():
                    return original(x, y)
                r = op(a, b)
                if arithmetic and not np.isfinite(r).all():
                    return original(x, y)
            return r.astype(object).view(Array)

        return call

    return {id(OPERATORS[k]): make(k, OPERATORS[k]) for k in _NUMPY_OPERATORS}


class _Retargeted:
    """A compiled formula reused for another cell: same function, shifted inputs."""

    def __init__(self, func, inputs, name):
        self._func = func
        self.inputs = inputs
        # a unique name per cell: schedula makes repeated names unique one by one (slow)
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)

    def __getattr__(self, item):
        return getattr(self._func, item)


def _shift_range(rd: dict, area, flags, dr: int, dc: int):
    r1, c1, r2, c2 = area
    r1 = r1 if flags[0] else r1 + dr
    c1 = c1 if flags[1] else c1 + dc
    r2 = r2 if flags[2] else r2 + dr
    c2 = c2 if flags[3] else c2 + dc
    if min(r1, c1, r2, c2) < 1 or max(r1, r2) > _MAXR or max(c1, c2) > _MAXC:
        return None
    a, b = xlsx.cell_ref(r1, c1), xlsx.cell_ref(r2, c2)
    ref = a if a == b else f"{a}:{b}"
    new = dict(rd)
    new.update(r1=str(r1), r2=str(r2), c1=xlsx.num_to_col(c1), c2=xlsx.num_to_col(c2),
               n1=c1, n2=c2, ref=ref, name=f"{rd['sheet_id']}!{ref}")  # fmt: skip
    return new


def _compile_with_templates(cache, crd, val, context, check_formula, references):
    from formulas.cell import Cell, wrap_cell_func
    from formulas.ranges import Ranges

    def plain():
        try:
            cell = Cell(crd, val, context=context, check_formula=check_formula)
            cell.compile(references=references, context=context)
        except Exception:  # noqa: BLE001 - a formula formulas cannot parse
            # evaluates to #NAME?, which is reported and never written over the cache
            cell = Cell(crd, "=#NAME?", context=context)
            cell.compile(references=references, context=context)
        wrapper = getattr(cell, "func", None)
        if wrapper is not None and getattr(wrapper, "func", None) is not None:
            wrapper.func = _FastPipe(wrapper.func)
        return cell

    if not (check_formula and isinstance(val, str) and val.startswith("=") and len(val) > 1):
        return plain()
    try:
        r1, c1, r2, c2 = xlsx.parse_range(crd)
    except ValueError:
        return plain()
    sheet = str(context.get("sheet", "")).upper()
    keyed = _template_key(val, sheet, r1, c1, (r2 - r1 + 1, c2 - c1 + 1))
    if keyed is None:
        return plain()
    key, areas = keyed
    tpl = cache.get(key)
    if tpl is None:
        cell = plain()
        cache[key] = _make_template(cell, areas, r1, c1)
        return cell
    if tpl is False:
        return plain()
    func, plan, t_r, t_c = tpl
    dr, dc = r1 - t_r, c1 - t_c
    inputs = {}
    for k, rng, how in plan:
        if how is None:
            inputs[k] = rng
            continue
        rd, area, flags = how
        new = _shift_range(rd, area, flags, dr, dc)
        if new is None:
            return plain()
        inputs[new["name"]] = Ranges((new,))
    if len(inputs) != len(plan):
        return plain()  # two inputs collapsed into one: compile properly
    cell = Cell(crd, None, context=context, check_formula=False)
    cell.func = wrap_cell_func(_Retargeted(func, inputs, "=" + cell.output), cell._args)
    cell.update_inputs(references=references)
    return cell


def _make_template(cell, areas, r0: int, c0: int):
    """(function, input plan, row, col) of a compiled cell, or False if not reusable."""
    wrapper = getattr(cell, "func", None)
    func = getattr(wrapper, "func", None)
    inputs = getattr(func, "inputs", None)
    if func is None or inputs is None:
        return False
    if not isinstance(func, _FastPipe):
        func = _FastPipe(func)
    plan = []
    for k, rng in inputs.items():
        rs = getattr(rng, "ranges", None)
        if not rs or len(rs) != 1:
            plan.append((k, rng, None))
            if rs and len(rs) != 1:
                return False
            continue
        rd = rs[0]
        try:
            area = (int(rd["r1"]), int(rd["n1"]), int(rd["r2"]), int(rd["n2"]))
        except (KeyError, TypeError, ValueError):
            return False
        if min(area) < 1 or "sheet_id" not in rd:
            return False
        sheet = str(rd.get("sheet", "")).upper()
        flags = {f for s, a, f in areas if s == sheet and a == area}
        if len(flags) > 1:
            return False  # the same area written with different $-anchoring
        plan.append((k, rng, (rd, area, flags.pop()) if flags else None))
    return func, plan, r0, c0


def _needed_cells(pkg, scans, agglo, book_name: str) -> list[str]:
    """Formula cells to load, as ``formulas`` names them (see :func:`_needed_formulas`)."""
    out = []
    for si, fc in _needed_formulas(pkg, scans, agglo):
        sheet = scans[si].info.name.upper().replace("'", "''")
        out.append(f"'[{book_name}]{sheet}'!{fc.ref}")
    return out


def _has_cycle(dsp) -> bool:
    """Whether the model graph has a cycle (iterative depth-first search, O(V + E)).

    ``formulas``' own circular-reference solver enumerates every cycle, which is slow on
    large workbooks; it is only run when this finds one.
    """
    from formulas.cell import InvRangesAssembler

    succ = dsp.dmap.succ
    nodes = dsp.nodes
    skip = {
        k
        for k, n in nodes.items()
        if n.get("type") == "function" and isinstance(n.get("function"), InvRangesAssembler)
    }
    state: dict[Any, int] = {}  # 1 = on the stack, 2 = done
    for root in succ:
        if root in state or root in skip:
            continue
        stack = [(root, iter(succ.get(root, ())))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if nxt in skip:
                    continue
                st = state.get(nxt)
                if st == 1:
                    return True
                if st is None:
                    state[nxt] = 1
                    stack.append((nxt, iter(succ.get(nxt, ()))))
                    break
            else:
                state[node] = 2
                stack.pop()
    return False


class _CellTracker:
    """Wraps a cell's function so Agglo calls know which cell they compute."""

    def __init__(self, func, cell):
        self.func, self.cell = func, cell

    def __call__(self, *args, **kwargs):
        token = _CURRENT_CELL.set(self.cell)
        try:
            return self.func(*args, **kwargs)
        finally:
            _CURRENT_CELL.reset(token)

    def __getattr__(self, item):
        return getattr(self.func, item)


class _Fallback(Exception):
    """The fast evaluator does not handle this workbook; use the full model."""


def _to_formulas_value(v: Any) -> Any:
    """A cached cell value → what ``formulas`` holds for it in a range."""
    t = type(v)
    if t is float or t is int or t is str or t is bool:  # the common cases first
        return v
    import schedula as sh
    from formulas.tokens.operand import Error

    if v is None:
        return sh.EMPTY
    if isinstance(v, ExcelError):
        return Error.errors.get(str(v), Error.errors["#VALUE!"])
    return v


@contextlib.contextmanager
def _cell_calls(node_name, agglo_keys):
    """``call(key, func, args[, shape])`` computing one cell (or the range of an array
    formula of that shape) the way the full model would."""
    from formulas.functions import replace_empty

    # how formulas fits a result to an array formula's range (#N/A beyond a smaller
    # result, a row or column repeated), used by its own cells
    from formulas.ranges import _reshape_array_as_excel
    from formulas.tokens.operand import Error
    from schedula.utils.exc import DispatcherError

    def call(key, func, args, shape=None):
        token = _CURRENT_CELL.set(node_name(key)) if key in agglo_keys else None
        try:
            v = func(*args)
        except DispatcherError as exc:
            if not isinstance(getattr(exc, "ex", None), NotImplementedError):
                raise _Fallback("evaluation error") from exc
            v = Error.errors["#NAME?"]
        except Exception as exc:  # noqa: BLE001 - the full model decides
            raise _Fallback("evaluation error") from exc
        finally:
            if token is not None:
                _CURRENT_CELL.reset(token)
        if shape is not None:  # an array formula: the result fills its range as in Excel
            if not isinstance(v, np.ndarray):
                v = np.asarray([[v]], object)
            elif v.ndim != 2:
                v = np.asarray(v, object).reshape(1, -1)
            return replace_empty(_reshape_array_as_excel(_cut_to_range(v, shape), shape))
        if isinstance(v, np.ndarray):
            if v.size != 1:  # several values for one cell: what formulas' model gives
                v = _reshape_array_as_excel(np.asarray(v, object).reshape(v.shape[0], -1), (1, 1))
            v = v.ravel()[0]
        return replace_empty(v)

    yield call


# --- the fast evaluator's use of compiled formulas ------------------------------------------

_NODE_SUFFIX = re.compile(r"<\d+>$")


@functools.lru_cache(maxsize=1)
def _parser():
    from formulas import Parser

    return Parser()


def _compile_formula(text: str, sheet: str):
    """``formulas``' compiled function of a formula text (raises when it cannot)."""
    return _parser().ast(text, context={"sheet": sheet})[1].compile()


def _inputs_of(func) -> list[tuple[str, int]]:
    """(input name, number of ranges it holds; 0 when it is not a range) of a compiled
    formula, in the order its function takes them."""
    return [
        (name, len(rng.ranges) if hasattr(rng, "ranges") else 0)
        for name, rng in func.inputs.items()
    ]


def _functions_of(func) -> set[str]:
    """Names of the functions and operators a compiled formula calls (upper case)."""
    return {_NODE_SUFFIX.sub("", k).upper() for k in func.dsp.function_nodes}


def _empty():
    """What ``formulas`` holds for an empty cell."""
    import schedula as sh

    return sh.EMPTY


def _column_values(v) -> list:
    """The values of an (n, 1) result computed for n cells at once, one per cell."""
    from formulas.functions import replace_empty

    return [replace_empty(x) for x in v[:, 0].tolist()]


class FullModel:
    """``formulas.ExcelModel`` of one workbook, behind the few calls the engine makes.

    Only the workbook being refreshed is ever opened; kept cells (``kept``: (SHEET,
    cell) → (cached value,)) are read as constants; Agglo names are normalised; each
    distinct relative formula is compiled once.  ``needed_cells`` (``formulas``' names of
    formula cells) limits loading to those cells and their precedents; None loads every
    formula.
    """

    def __init__(self, path, book_name, pattern, kept, needed_cells, progress=None):
        Model = _make_model_class(pattern, book_name, kept)  # noqa: N806 - a class

        def build(shared: bool):
            model = Model()
            if not shared:
                model._templates = _NO_TEMPLATES
            if needed_cells is None:
                model.loads(path)
            else:
                model.add_book(path)
                model.complete(needed_cells)
            if progress:
                progress("compile", 1, 3)
            # formulas' finish(), with the (slow) cycle solver only when needed
            model.complete()
            model.anchors()
            model.assemble()
            if _has_cycle(model.dsp):
                if shared:
                    return None  # the cycle solver needs each cell compiled on its own
                model.solve_circular()
            model.inverse_references()
            return model

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model = build(True) or build(False)

    def formula_nodes(self) -> dict[tuple[str, str], str]:
        """(SHEET, cell or range) → node of every formula cell (or array range)."""
        by_key: dict[tuple[str, str], str] = {}
        for out, cell in self.model.cells.items():
            rng = getattr(cell, "range", None)
            if rng is None or not rng.ranges or getattr(cell, "func", None) is None:
                continue
            r = rng.ranges[0]
            if r.get("sheet") is None or not r.get("r1"):
                continue
            key = _cell_key(r["sheet"], int(r["r1"]), r["n1"], int(r["r2"]), r["n2"])
            by_key[key] = out
        return by_key

    def connected(self, starts) -> set[str]:
        """The nodes ``starts`` depend on and the nodes depending on them."""
        from formulas.cell import InvRangesAssembler

        dsp = self.model.dsp

        def walk(edges) -> set[str]:
            seen, stack = set(), list(starts)
            while stack:
                n = stack.pop()
                for m in edges.get(n, ()):
                    if m in seen:
                        continue
                    node = dsp.nodes.get(m, {})
                    if node.get("type") == "function" and isinstance(
                        node.get("function"), InvRangesAssembler
                    ):
                        continue
                    seen.add(m)
                    stack.append(m)
            return seen

        return walk(dsp.dmap.succ) | walk(dsp.dmap.pred)

    def track(self, nodes) -> None:
        """Let the Agglo calls computing ``nodes`` know which cell they compute."""
        for node in self.model.dsp.function_nodes.values():
            outs = list(node.get("outputs") or ())
            if len(outs) == 1 and outs[0] in nodes:
                node["function"] = _CellTracker(node["function"], outs[0])

    def calculate(self, outputs) -> Mapping[str, Any]:
        """Node → value (``formulas``' ranges) of ``outputs``."""
        return self.model.calculate(outputs=outputs)


# --- functions formulas computes unlike Excel ------------------------------------------


def excel_round(x: float, digits: float, mode: str = ROUND_HALF_UP) -> float:
    """Round ``x`` to ``digits`` decimals as Excel does: from its 15-digit decimal form.

    >>> excel_round(1122.485, 2), excel_round(-2.675, 2), excel_round(1234.5, -2)
    (1122.49, -2.68, 1200.0)
    >>> excel_round(0.1 + 0.2, 1, ROUND_UP), excel_round(-7.25, 0, ROUND_DOWN)
    (0.3, -7.0)
    """
    if not math.isfinite(x):
        raise ValueError("not a finite number")
    d = int(digits)  # Excel truncates the number of digits
    with localcontext() as ctx:
        ctx.prec = 400  # enough for any double at any number of digits Excel accepts
        dec = Decimal(f"{x:.15g}")
        return float(dec.quantize(Decimal(1).scaleb(-d), rounding=mode))


def ceiling_math(number: float, significance: float = 1, mode: float = 0) -> float:
    """Excel's CEILING.MATH: up to a multiple of ``|significance|``; a negative number
    goes toward zero, or away from it when ``mode`` is not 0.

    >>> ceiling_math(24.3, 5), ceiling_math(6.7), ceiling_math(-8.1, 2), ceiling_math(-5.5, 2, -1)
    (25.0, 7.0, -8.0, -6.0)
    """
    return _to_multiple(number, significance, ROUND_UP if number < 0 and mode else _CEIL)


def floor_math(number: float, significance: float = 1, mode: float = 0) -> float:
    """Excel's FLOOR.MATH: down to a multiple of ``|significance|``; a negative number
    goes away from zero, or toward it when ``mode`` is not 0.

    >>> floor_math(24.3, 5), floor_math(6.7), floor_math(-8.1, 2), floor_math(-5.5, 2, -1)
    (20.0, 6.0, -10.0, -4.0)
    """
    return _to_multiple(number, significance, ROUND_DOWN if number < 0 and mode else _FLOOR)


_CEIL, _FLOOR = "ROUND_CEILING", "ROUND_FLOOR"


def _to_multiple(number: float, significance: float, rounding: str) -> float:
    if not (math.isfinite(number) and math.isfinite(significance)):
        raise ValueError("not a finite number")
    if number == 0 or significance == 0:
        return 0.0
    with localcontext() as ctx:
        ctx.prec = 400
        sig = abs(Decimal(f"{significance:.15g}"))
        q = (Decimal(f"{number:.15g}") / sig).quantize(Decimal(1), rounding=rounding)
        return float(q * sig)


def _python_strings(fn):
    """``fn`` run with pandas' strings stored as Python objects (error values kept)."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        import pandas as pd  # imported by the function anyway; only when it runs

        with pd.option_context("mode.string_storage", "python"):
            return fn(*args, **kwargs)

    return call


def replacements() -> dict[str, object]:
    """Function-table entries (NAME → the function ``formulas`` calls) to install."""
    from formulas.functions import look, wrap_ufunc

    out = {}
    for name in ("PIVOTBY", "_XLFN.PIVOTBY", "GROUPBY", "_XLFN.GROUPBY"):
        out[name] = _python_strings(look.FUNCTIONS[name])
    for name, mode in (("ROUND", ROUND_HALF_UP), ("ROUNDUP", ROUND_UP), ("ROUNDDOWN", ROUND_DOWN)):
        out[name] = wrap_ufunc(functools.partial(excel_round, mode=mode))
    for name, fn in (("CEILING.MATH", ceiling_math), ("FLOOR.MATH", floor_math)):
        out[name] = out[f"_XLFN.{name}"] = wrap_ufunc(fn)
    return out
