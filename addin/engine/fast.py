"""Headless evaluation of workbooks that use Agglo worksheet functions.

The calculation engine is the ``formulas`` library: it parses and evaluates the
workbook's formulas; the Agglo functions are registered in it from the very
wrappers Excel calls (``agglo_addin.udfs.REGISTRY``), so a refreshed workbook shows
what Excel with the add-in would show.  This module decides *which* cells to
evaluate and converts between ``formulas``' values and the shapes the wrappers
expect; :mod:`agglo_addin.xlsx` reads the package safely and writes the results
back.

How a saved file may spell an Agglo function, and how each spelling is handled:

``LQ(...)``
    VBA functions imported into the workbook (classic xlwings) — used as is.
``_xldudf_LQ(...)``, ``_xldudf_NS.LQ(...)``, ``NS.LQ(...)``
    Office.js custom functions (xlwings Lite), with or without a namespace.
``_xll.LQ(...)``
    XLL add-ins.
``[1]!LQ(...)``, ``'C:\\path\\agglo.xlam'!LQ(...)``, ``agglo.xlam!LQ(...)``
    functions living in an add-in, stored as an external reference to the add-in
    (``[n]`` is the n-th ``xl/externalLinks`` part, which names the ``.xlam``).

Before a formula is handed to ``formulas`` its text is rewritten so that every such
spelling of a registered name becomes the bare name (outside string literals only;
the file itself is never changed).  ``formulas`` rejects the two external-reference
forms, so this rewrite is what makes add-in workbooks evaluable.

Arguments reach the wrappers as classic xlwings passes them: ranges as lists of rows,
empty cells and omitted arguments (``=LQ(block,,totals)``) as None, errors as their
text.  (``formulas`` compiles an omitted argument to 0, as Excel's built-in functions
see it; while the Agglo functions are registered it compiles to a 0 the adapter can
recognise — built-in functions still see 0.)

Which cells are evaluated: ``agglo refresh`` evaluates every formula
(``all_formulas=True``); with ``all_formulas=False`` (``--agglo-only``) every formula that
calls an Agglo function, every formula it depends on and every formula that depends on
it, and a workbook without Agglo formulas is not handed to the evaluator.  Formulas the
engine cannot evaluate right (:mod:`agglo_addin.keep_cached`: external links, data
tables, volatile, unsupported or known-wrong functions) are taken out first: they keep
their cached value, are reported, and the formulas depending on them read that value.
``ROUND``/``ROUNDUP``/``ROUNDDOWN`` are replaced while a workbook is evaluated
(:mod:`agglo_addin.formulas_fixes`).

How: a fast evaluator (:class:`_FastBook`) compiles each distinct relative formula
once with ``formulas`` (a formula filled down a column is one pattern), computes the
cells of an element-wise pattern (``=A2*2``, ``=IF(B2>1,"hi","lo")``, only functions on
:data:`_ELEMENTWISE`) in one call on columns of values, and the other cells one by one,
in dependency order.  It takes legacy and dynamic array formulas (results fitted to
their range as ``formulas`` does), defined names that stand for one range, and
formulas it cannot share (``INDEX``/``MATCH`` ...) compiled for their cell alone.  What
it does not take — functions whose value depends on the cell or on references made at
run time (``ROW()``, ``INDIRECT`` ...), names whose formulas hold relative references,
circular references — sends the workbook through ``formulas.ExcelModel`` as a whole.

Start-up: ``agglo refresh`` is usually a new process, so imports count.  SciPy (imported
by ``formulas`` for a few statistical functions), openpyxl, xlwings and pandas are not
imported unless a workbook needs them (:mod:`agglo_addin._lazy_imports`,
:mod:`agglo_addin._mode`, :mod:`agglo._pandas`).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import math
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import xlsx
from ..safe_write import backup_path  # the backup naming policy lives with the write path
from ..xlsx import ExcelError, FormulaCell, Limits, Package, RefusedError, SheetPatch

__all__ = [
    "CellChange",
    "Evaluation",
    "Problem",
    "Report",
    "backup_path",
    "refresh_workbook",
    "values_close",
    "agglo_name_pattern",
    "default_registry",
    "evaluate_package",
    "find_agglo_cells",
    "normalize_formula",
]

_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_ADDIN = __package__.rpartition(".")[0]  # agglo_addin


# ---------------------------------------------------------------------------
# registry and name forms


def default_registry() -> dict[str, Callable[..., Any]]:
    """The worksheet-function wrappers of the add-in (empty if not available)."""
    import sys

    from .. import _mode

    _mode.headless_import = "xlwings" not in sys.modules and f"{_ADDIN}.udfs" not in (sys.modules)
    try:
        from .. import udfs
    except ModuleNotFoundError as exc:
        if exc.name != f"{_ADDIN}.udfs":
            raise  # a dependency of the worksheet functions is missing: say so
        return {}
    finally:
        _mode.headless_import = False
    reg = getattr(udfs, "REGISTRY", None) or {}
    return {str(k).upper(): v for k, v in reg.items()}


def _conversion():
    try:
        from .. import conversion
    except ModuleNotFoundError as exc:
        if exc.name != f"{_ADDIN}.conversion":
            raise
        return None
    return conversion


def agglo_name_pattern(names: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex matching a call of any registered name, in every stored spelling.

    Group ``name`` is the bare function name; the match ends at the opening
    parenthesis.
    """
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    qualifier = (
        r"(?:'(?:[^']|'')*'!"  # 'C:\path\agglo.xlam'!
        r"|\[\d+\]!"  # [1]!
        r"|[A-Za-z0-9_.~\\:-]+\.xl[al]m?!"  # agglo.xlam!
        r")?"
    )
    prefix = r"(?:_xldudf_|_xll\.)?(?:(?!_xlfn\.|_xlws\.)[A-Za-z_][A-Za-z0-9_]*\.)?"
    return re.compile(
        rf"(?<![\w.!\]'])(?P<qual>{qualifier}{prefix})(?P<name>{alts})\s*\(",
        re.IGNORECASE,
    )


def _outside_strings(text: str, fn: Callable[[str], str]) -> str:
    out, pos = [], 0
    for m in _STRING_LITERAL.finditer(text):
        out.append(fn(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


def normalize_formula(text: str, pattern: re.Pattern[str] | None) -> str:
    """Rewrite every stored spelling of a registered function to its bare name."""
    if pattern is None or not text:
        return text
    return _outside_strings(text, lambda s: pattern.sub(lambda m: m["name"].upper() + "(", s))


def _digit_free(text: str) -> str:
    """``text`` with every digit run replaced by 0: the key under which answers that do
    not depend on a formula's digits are kept — whether it uses Agglo, how its names
    normalise, whether it uses reference-valued or cell-dependent functions (no
    registered name or checked function has digits; qualifiers and references match
    any digits)."""
    return _DIGITS.sub("0", text)


def _uses_agglo(text: str | None, pattern: re.Pattern[str] | None) -> bool:
    if not text or pattern is None:
        return False
    skeleton = _digit_free(text)
    key = (pattern.pattern, skeleton)
    got = _USES_AGGLO.get(key)
    if got is None:
        if len(_USES_AGGLO) > 65536:
            _USES_AGGLO.clear()
        got = _USES_AGGLO[key] = bool(pattern.search(_STRING_LITERAL.sub('""', skeleton)))
    return got


_USES_AGGLO: dict[tuple[str, str], bool] = {}


def find_agglo_cells(
    scans: list[xlsx.SheetScan], pattern: re.Pattern[str] | None
) -> dict[tuple[str, str], FormulaCell]:
    """(sheet name, cell) → formula cell, for every formula that calls an Agglo function."""
    out = {}
    for scan in scans:
        for ref, fc in scan.formulas.items():
            text = fc.text
            if text is None and fc.shared_index is not None:
                master = scan.shared_masters.get(fc.shared_index)
                text = master.text if master else None
            if _uses_agglo(text, pattern):
                out[(scan.info.name, ref)] = fc
    return out


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
):
    """Register the adapters in ``formulas``' (global) function table; return undo info."""
    import formulas
    from formulas.functions import wrap_ranges_func
    from formulas.tokens.operand import Empty

    from .. import formulas_fixes as fixes
    from .._lazy_imports import defer_scipy_for_formulas

    defer_scipy_for_formulas()  # SciPy is imported when a function needing it runs
    table = formulas.get_functions()
    # ``formulas``' table is a defaultdict: looking up an unknown name adds it; those
    # names are removed again afterwards (``_KNOWN_KEY``)
    saved: dict[str, Any] = {_EMPTY_KEY: Empty.__dict__["compile"], _KNOWN_KEY: set(table)}
    Empty.compile = staticmethod(_compile_empty)
    for name, fn in fixes.replacements().items():  # functions formulas gets wrong
        saved[name] = table.get(name)
        table[name] = fn
    for name, fn in registry.items():
        wrapped = wrap_ranges_func(_make_adapter(name, fn, log))
        wrapped = _with_argument_origins(wrapped, name, fn, formulas_of or {})  # hook
        for alias in (name, f"_XLDUDF_{name}", f"_XLL.{name}"):
            saved[alias] = table.get(alias)
            table[alias] = wrapped
    return saved


# --- hook: argument origins (messages name the worksheet cell, e.g. B7) ----------------
# The one place for cell addresses is ``agglo._messages``; the engine only tells it, for
# the duration of a call, where each range argument starts, read from the calling cell's
# formula text (``agglo_addin.conversion.origins_from_formula``, as classic Excel would
# from ``caller.formula``).  ``formulas_of``: (SHEET, A1) → formula text of Agglo cells.
def _with_argument_origins(wrapped, name: str, fn, formulas_of: dict[tuple[str, str], str]):
    import inspect

    from agglo._messages import argument_origins

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
        with argument_origins(origins):
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
# the evaluation model


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


@dataclasses.dataclass
class CellChange:
    sheet: str
    cell: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "old": _jsonable(self.old),
                "new": _jsonable(self.new)}  # fmt: skip


@dataclasses.dataclass
class Problem:
    sheet: str
    cell: str
    formula: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _jsonable(v: Any) -> Any:
    if isinstance(v, ExcelError):
        return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


@dataclasses.dataclass
class Evaluation:
    """What evaluating a workbook found; ``patches`` is what to write."""

    n_agglo: int = 0
    n_evaluated: int = 0
    changes: list[CellChange] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    patches: dict[str, SheetPatch] = dataclasses.field(default_factory=dict)
    #: (sheet, cell) → value computed for every evaluated cell (also unchanged ones)
    values: dict[tuple[str, str], Any] = dataclasses.field(default_factory=dict)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)


def values_close(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Equality of two cell values, numbers within ``tol`` (relative and absolute)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    if a is None or b is None:
        return (a in (None, "")) and (b in (None, ""))
    if isinstance(a, ExcelError) or isinstance(b, ExcelError):
        return isinstance(a, ExcelError) and isinstance(b, ExcelError) and str(a) == str(b)
    return a == b


_NOT_EVALUABLE = {"#CIRC!": "a circular reference (iterative calculation is left to Excel)",
                  "#NAME?": "a function the headless engine does not know",
                  "#REF!": "a reference the headless engine cannot resolve"}  # fmt: skip


def evaluate_package(
    pkg: Package,
    *,
    registry: Mapping[str, Callable[..., Any]] | None = None,
    write_tolerance: float = 1e-12,
    progress: Callable[[str, int, int], None] | None = None,
    all_formulas: bool = False,
) -> Evaluation:
    """Evaluate the Agglo formulas of a checked package and decide what to write.

    With ``all_formulas=True`` every formula of the workbook is evaluated (used to
    check the evaluator against the values Excel cached), not only the Agglo ones
    and the formulas connected to them.

    Raises
    ------
    RefusedError
        When the workbook is too large for evaluation or cannot be read by the
        evaluator; nothing is written then.
    """
    registry = {
        k.upper(): v for k, v in (default_registry() if registry is None else registry).items()
    }
    pattern = agglo_name_pattern(list(registry))
    ev = Evaluation()
    t0 = time.perf_counter()
    sheets = pkg.worksheet_parts()
    # fast byte-level survey first: a workbook without Agglo formulas is left alone,
    # and one that is too large is refused before anything parses it in full
    n_cells, any_agglo, any_formula = 0, False, False
    for s in sheets:
        n, texts = xlsx.survey_sheet(pkg, s)
        n_cells += n
        any_formula = any_formula or bool(texts)
        any_agglo = any_agglo or any(_uses_agglo(t, pattern) for t in texts)
    if not any_agglo and not (all_formulas and any_formula):
        ev.seconds["scan"] = time.perf_counter() - t0
        return ev
    if n_cells > pkg.limits.max_cells:
        raise RefusedError(
            f"{pkg.path.name}: {n_cells:,} cells, more than the limit of "
            f"{pkg.limits.max_cells:,} for evaluation (raise it with --max-cells if the "
            "machine has the memory)"
        )
    scans = [pkg.scan_sheet(s, keep_values=True) for s in sheets]
    agglo = find_agglo_cells(scans, pattern)
    ev.n_agglo = len(agglo)
    ev.seconds["scan"] = time.perf_counter() - t0
    if not agglo and not all_formulas:
        return ev
    if pkg.strict:
        raise RefusedError(
            f"{pkg.path.name}: saved as 'Strict Open XML Spreadsheet', which the evaluator "
            "cannot read; save it as 'Excel Workbook (.xlsx)' and refresh again"
        )
    kept = _set_aside_kept(pkg, scans, agglo, registry, pattern, ev)
    return _evaluate(
        pkg, scans, agglo, registry, pattern, ev, write_tolerance, progress, all_formulas, kept
    )


# digit runs that are not part of a function name (``LOG10(``, ``T.DIST.2T(``,
# ``DEC2BIN(``): the classification key
_NUMBERS = re.compile(r"(?<!\d)\d+(?![\d\w.]|\s*\()")


def _numbers_stored_as_text(scans) -> dict[str, list[tuple[int, int]]]:
    """SHEET → (row, column) of the value cells holding a number stored as text ("12")."""
    out: dict[str, list[tuple[int, int]]] = {}
    for scan in scans:
        formula_cells = {(fc.row, fc.col) for fc in scan.formulas.values()}
        for (r, c), v in (scan.values or {}).items():
            if type(v) is str and (r, c) not in formula_cells:
                try:
                    float(v)
                except ValueError:
                    continue
                out.setdefault(scan.info.name.upper(), []).append((r, c))
    return out


def _reads_numeric_text(text, sheet, defined, numeric_text, agglo_names=frozenset()) -> str | None:
    """Why a formula calling a function on a number stored as text is kept, or None.

    Excel's SUM, AVERAGE, MAX ... ignore text in the cells they read; ``formulas``
    converts "12" to 12 (``tests/test_keep_cached.py`` records it).  Operators and the
    element-wise functions (``=A1*2``, ``VALUE(A1)``) convert text as Excel does and are
    evaluated, and so are the Agglo functions, which read their ranges by their own policy
    (a text year above the numbers is a header; see :mod:`agglo.tables`).
    """
    if not text:
        return None
    calls = {
        n.upper().replace("_XLFN.", "").replace("_XLWS.", "")
        for n in re.findall(r"([A-Za-z_][\w.]*)\s*\(", _STRING_LITERAL.sub('""', text))
    }
    calls = {n.removeprefix("_XLDUDF_").removeprefix("_XLL.") for n in calls} - agglo_names
    if calls <= _ELEMENTWISE:  # (none, or) functions converting "12" to 12 as Excel does
        return None
    refs = _references(text, sheet, defined)
    for sh, r1, c1, r2, c2 in refs or ():
        for r, c in numeric_text.get(sh, ()):
            if r1 <= r <= r2 and c1 <= c <= c2:
                return (
                    f"a function reading a number stored as text ({xlsx.cell_ref(r, c)}), "
                    "which Excel's functions ignore and the headless engine would add"
                )
    return None


def _set_aside_kept(pkg, scans, agglo, registry, pattern, ev) -> dict[tuple[str, str], tuple]:
    """Take the formulas that cannot be evaluated right out of the evaluation.

    They keep their cached value (the evaluators read it as a constant) and are
    reported with the reason (:mod:`agglo_addin.keep_cached`).  Returns
    (SHEET, cell) → (cached value,) of those cells, for the full model.
    """
    from .._lazy_imports import defer_scipy_for_formulas
    from ..keep_cached import reason_to_keep

    defer_scipy_for_formulas()  # before formulas' function table is first built
    import formulas

    table = formulas.get_functions()
    names = set(registry)

    def known(name: str) -> bool:
        return name in table or name in names

    @functools.lru_cache(maxsize=4096)
    def reason_of(skeleton: str, kind: str) -> str | None:
        return reason_to_keep(normalize_formula(skeleton, pattern), kind, known=known)

    kept: dict[tuple[str, str], tuple] = {}
    unknown: dict[tuple[str, str], FormulaCell] = {}  # kept without a cached value
    drops = []
    numeric_text = _numbers_stored_as_text(scans)
    defined = _defined_names(pkg) if numeric_text else {}
    agglo_names = frozenset(name.upper() for name in registry)
    for scan in scans:
        sheet = scan.info.name
        masters = scan.shared_masters
        drop = []
        for ref, fc in scan.formulas.items():
            text = fc.text
            if text is None and fc.shared_index in masters:
                text = masters[fc.shared_index].text  # same functions, same links
            why = reason_of(_NUMBERS.sub("0", text) if text is not None else "", fc.kind)
            if why is None and numeric_text:
                why = _reads_numeric_text(
                    _text_of(scans, sheet, fc), sheet, defined, numeric_text, agglo_names
                )
            if why is None:
                continue
            drop.append(ref)
            kept[(sheet.upper(), ref)] = (fc.cached,)
            if fc.cached is None:
                unknown[(sheet, ref)] = fc
            ev.problems.append(Problem(sheet, ref, _text_of(scans, sheet, fc),
                                       f"not evaluated: the formula uses {why}; its cached "
                                       "value was kept"))  # fmt: skip
        drops.extend((scan, ref) for ref in drop)
    if unknown:
        # what depends on a kept cell that holds no value would be computed from an
        # empty cell: it is kept too
        by_part = {s.info.name: s for s in scans}
        for si, fc in _needed_formulas(pkg, scans, unknown):
            sheet = scans[si].info.name
            if (sheet.upper(), fc.ref) in kept:
                continue
            kept[(sheet.upper(), fc.ref)] = (fc.cached,)
            ev.problems.append(Problem(sheet, fc.ref, _text_of(scans, sheet, fc),
                                       "not evaluated: it depends on a formula that could not "
                                       "be evaluated and holds no value; its cached value "
                                       "was kept"))  # fmt: skip
            drops.append((by_part[sheet], fc.ref))
    for scan, ref in drops:
        scan.formulas.pop(ref, None)
        agglo.pop((scan.info.name, ref), None)
    return kept


def _cell_key(sheet: str, r1: int, c1: int, r2: int, c2: int) -> tuple[str, str]:
    a = xlsx.cell_ref(r1, c1)
    return sheet.upper(), a if (r1, c1) == (r2, c2) else f"{a}:{xlsx.cell_ref(r2, c2)}"


def _evaluate(
    pkg, scans, agglo, registry, pattern, ev, tol, progress, everything, kept=None
) -> Evaluation:
    import schedula as sh
    from formulas.cell import InvRangesAssembler

    t0 = time.perf_counter()
    suffix = pkg.path.suffix.lower() if pkg.path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    book_name = "book" + suffix
    log: dict[str, list[_CallRecord]] = {}
    formulas_of = {
        (sh_.upper(), ref.upper()): fc.text for (sh_, ref), fc in agglo.items() if fc.text
    }
    saved = _register(registry, log, formulas_of)  # formula texts: for the origins hook
    tmpdir = tempfile.mkdtemp(prefix="agglo-eval-")
    # formulas logs every reference it cannot load; those cells are reported instead
    flog = logging.getLogger("formulas")
    old_level = flog.level
    flog.setLevel(logging.CRITICAL)
    try:
        try:
            return _evaluate_fast(pkg, scans, agglo, ev, tol, everything, pattern, book_name, log)
        except _Fallback:
            log.clear()  # the full model below starts afresh
        # evaluate exactly the bytes that were checked, under a neutral name
        src = os.path.join(tmpdir, book_name)
        with open(src, "wb") as fh:
            fh.write(pkg.data)
        Model = _make_model_class(pattern, book_name, kept)
        if progress:
            progress("load", 0, 3)

        def build(shared: bool):
            model = Model()
            if not shared:
                model._templates = _NO_TEMPLATES
            if everything:
                model.loads(src)
            else:
                model.add_book(src)
                model.complete(_needed_cells(pkg, scans, agglo, book_name))
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

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = build(True) or build(False)
        except RefusedError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported as a refusal with the reason
            raise RefusedError(
                f"{pkg.path.name}: the evaluator could not read the workbook "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        ev.seconds["load"] = time.perf_counter() - t0

        # formula cells of the model, by (SHEET, ref)
        by_key: dict[tuple[str, str], Any] = {}
        for out, cell in model.cells.items():
            rng = getattr(cell, "range", None)
            if rng is None or not rng.ranges or getattr(cell, "func", None) is None:
                continue
            r = rng.ranges[0]
            if r.get("sheet") is None or not r.get("r1"):
                continue
            key = _cell_key(r["sheet"], int(r["r1"]), r["n1"], int(r["r2"]), r["n2"])
            by_key[key] = out
        dsp = model.dsp
        sheet_of = {s.info.name.upper(): s for s in scans}

        def node_of(sheet: str, fc: FormulaCell) -> str | None:
            if fc.kind == "array" and fc.array_ref:
                r1, c1, r2, c2 = xlsx.parse_range(fc.array_ref)
                return by_key.get(_cell_key(sheet, r1, c1, r2, c2))
            return by_key.get(_cell_key(sheet, fc.row, fc.col, fc.row, fc.col))

        agglo_nodes: dict[str, tuple[str, FormulaCell]] = {}
        for (sheet, _ref), fc in agglo.items():
            n = node_of(sheet, fc)
            if n is not None:
                agglo_nodes[n] = (sheet, fc)
            else:
                ev.problems.append(Problem(sheet, fc.ref, _text_of(scans, sheet, fc),
                                           "the evaluator did not load this formula"))  # fmt: skip

        # the sub-graph: Agglo cells, what they depend on, what depends on them
        def walk(starts, edges) -> set[str]:
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

        down = walk(agglo_nodes, dsp.dmap.succ)
        up = walk(agglo_nodes, dsp.dmap.pred)
        formula_nodes = set(by_key.values())
        needed = (set(agglo_nodes) | down | up) & formula_nodes
        if everything:
            needed = formula_nodes
        ev.n_evaluated = len(needed)

        # remember which cell is being computed, to attribute messages and shapes
        for node in dsp.function_nodes.values():
            outs = list(node.get("outputs") or ())
            if len(outs) == 1 and outs[0] in agglo_nodes:
                node["function"] = _CellTracker(node["function"], outs[0])

        if progress:
            progress("calculate", 2, 3)
        t1 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sol = model.calculate(outputs=sorted(needed)) if needed else {}
        except Exception as exc:  # noqa: BLE001
            raise RefusedError(
                f"{pkg.path.name}: evaluation failed ({type(exc).__name__}: {exc})"
            ) from exc
        ev.seconds["calculate"] = time.perf_counter() - t1
        if progress:
            progress("write", 3, 3)

        key_of = {v: k for k, v in by_key.items()}
        for node in sorted(needed, key=lambda n: key_of[n]):
            sheet_u, _ = key_of[node]
            scan = sheet_of.get(sheet_u)
            if scan is None:
                continue
            _collect_cell(ev, scan, node, sol, agglo_nodes, log, tol, pkg, sh, scans)
        for recs in log.values():
            for rec in recs:
                for w in rec.warnings:
                    msg = f"{rec.function}: {w}"
                    if msg not in ev.warnings:
                        ev.warnings.append(msg)
        return ev
    finally:
        flog.setLevel(old_level)
        _unregister(saved)
        shutil.rmtree(tmpdir, ignore_errors=True)


# --- compile once per formula pattern ------------------------------------------------------
#
# Yearbook sheets repeat the same formula down a column (``=B2/C2``, ``=B3/C3`` ...).
# ``formulas`` parses and compiles each cell separately, which dominates the time on
# large sheets.  Formulas that are the same in relative (R1C1) terms share one compiled
# function here; each cell gets it with its own input ranges.  Formulas whose meaning
# depends on the cell's position other than through references (ROW(), OFFSET() ...)
# or that use whole rows/columns are compiled individually.

_AREA = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?::(\$?)([A-Za-z]{1,3})(\$?)(\d+))?$")
_POSITIONAL = re.compile(
    r"\b(ROW|ROWS|COLUMN|COLUMNS|OFFSET|INDIRECT|CELL|ADDRESS|INFO|FORMULATEXT|ISFORMULA|"
    r"LAMBDA|LET|INDEX|TRANSPOSE|_XLFN\.\w+)\s*\(",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65536)
def _tokenize(text: str) -> tuple | None:
    from .._lazy_imports import formula_tokenizer

    Tokenizer = formula_tokenizer()  # noqa: N806 - openpyxl's class

    try:
        return tuple((t.value, t.type, t.subtype) for t in Tokenizer("=" + text).items)
    except Exception:  # noqa: BLE001
        return None


_DIGITS = re.compile(r"(\d+)")
_SCIENTIFIC = re.compile(r"\dE[+-]", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _skeleton_tokens(skeleton: str, first: str) -> tuple | None:
    """Tokens of ``first`` with, for each token, which digit runs of the text it holds.

    A formula copied down a column differs from its neighbours only in the digits of
    its references; the tokenizer's decisions do not depend on which digits they are
    (numbers in scientific notation, where they could, are excluded by the caller).
    So each distinct "skeleton" (the text with its digit runs taken out) is tokenized
    once and the tokens of every other text with that skeleton are rebuilt from it.
    """
    toks = _tokenize(first)
    if toks is None or "".join(t[0] for t in toks) != first:
        return None  # the tokens do not tile the text: no reuse
    pieces = _DIGITS.split(first)  # text, digits, text, digits, ... text
    out, pos, k = [], 0, 1
    starts = []  # start offset of each digit run
    off = 0
    for i, p in enumerate(pieces):
        if i % 2:
            starts.append((off, off + len(p)))
        off += len(p)
    for value, ttype, subtype in toks:
        end = pos + len(value)
        parts: list[Any] = []
        cur = pos
        while k - 1 < len(starts) and starts[k - 1][0] < end:
            a, b = starts[k - 1]
            if a < cur or b > end:
                return None  # a digit run across two tokens
            parts.append(first[cur:a])
            parts.append(k - 1)
            cur = b
            k += 1
        parts.append(first[cur:end])
        out.append((tuple(parts), ttype, subtype))
        pos = end
    return tuple(out)


@functools.lru_cache(maxsize=1 << 17)
def _tokens(text: str) -> tuple | None:
    """openpyxl's tokens of a formula (text without "="): (value, type, subtype) tuples."""
    if _SCIENTIFIC.search(text):
        return _tokenize(text)
    pieces = _DIGITS.split(text)
    skeleton = "\x00".join(pieces[0::2])
    if len(pieces) < 3:
        return _tokenize(text)
    if len(_FIRST_OF_SKELETON) > 65536:
        _FIRST_OF_SKELETON.clear()
    first = _FIRST_OF_SKELETON.setdefault(skeleton, text)
    plan = _skeleton_tokens(skeleton, first)
    if plan is None:
        return _tokenize(text)
    digits = pieces[1::2]
    return tuple(
        ("".join(p if isinstance(p, str) else digits[p] for p in parts), ttype, subtype)
        for parts, ttype, subtype in plan
    )


_FIRST_OF_SKELETON: dict[str, str] = {}


def _template_key(val: str, sheet: str, r0: int, c0: int, shape: tuple[int, int]):
    """R1C1-style key of a formula, and its areas with $-flags; None if not shareable.

    Same answer as :func:`_template_key_slow`, computed from a per-"skeleton" plan: a
    formula filled down a column differs from its neighbours only in digit runs, so the
    tokens are analysed once per skeleton and each further text only has its digits read.
    """
    got = _plan_of(val, sheet)
    if got is None:
        return _template_key_slow(val, sheet, r0, c0, shape)
    (roles, area_specs, _has_names, _slots), skeleton, digits = got
    rows = {}
    rel: list[Any] = [shape]
    for d, role in zip(digits, roles, strict=True):
        if role is None:
            rel.append(d)
            continue
        area_i, which, absolute = role
        r = int(d)
        rows[area_i, which] = r
        rel.append(r if absolute else r - r0)
    areas = []
    for i, (sh_u, c1, c2, flags) in enumerate(area_specs):
        r1 = rows[i, 0]
        r2 = rows.get((i, 1), r1)
        areas.append((sh_u, (r1, c1, r2, c2), flags))
        rel.append(c1 if flags[1] else c1 - c0)
        rel.append(c2 if flags[3] else c2 - c0)
    fast = (skeleton, sheet, tuple(rel))
    key = _CANONICAL.get(fast)
    if key is None:
        slow = _template_key_slow(val, sheet, r0, c0, shape)
        if slow is None or slow[1] != areas:
            return slow  # the plan does not describe this text: no shortcut
        key = _CANONICAL[fast] = slow[0]
    return key, areas


_KEY_PLANS: dict[tuple[str, str], Any] = {}
_CANONICAL: dict[tuple, str] = {}


def _plan_of(val: str, sheet: str):
    """(plan, skeleton, digit runs) of a formula text, or None (use the slow path)."""
    key = (val, sheet)
    got = _PLAN_OF_TEXT.get(key, _MISSING)
    if got is _MISSING:  # the same text is analysed for its references, then compiled
        if len(_PLAN_OF_TEXT) > 131072:
            _PLAN_OF_TEXT.clear()
        got = _PLAN_OF_TEXT[key] = _plan_of_text(val, sheet)
    return got


_PLAN_OF_TEXT: dict[tuple[str, str], Any] = {}
_MISSING = object()


def _plan_of_text(val: str, sheet: str):
    text = val[1:] if val.startswith("=") else val
    pieces = _DIGITS.split(text)
    if len(pieces) < 3 or _SCIENTIFIC.search(text):
        return None
    skeleton = "\x00".join(pieces[0::2])
    plan = _KEY_PLANS.get((skeleton, sheet))
    if plan is None:
        if len(_KEY_PLANS) > 65536:
            _KEY_PLANS.clear()
            _CANONICAL.clear()
        plan = _KEY_PLANS[(skeleton, sheet)] = _key_plan(text, sheet) or False
    if plan is False:
        return None
    return plan, skeleton, pieces[1::2]


def _fast_references(text: str, sheet: str):
    """Areas of a formula as (SHEET, r1, c1, r2, c2) from its plan; None: use the slow path."""
    got = _plan_of(text, sheet if sheet.isupper() else sheet.upper())
    if got is None or got[0][2]:
        return None  # no plan, or defined names to follow
    (_roles, specs, _, slots), _skeleton, digits = got
    rows = [0] * (2 * len(specs))
    for k, slot in slots:
        rows[slot] = int(digits[k])
    out = []
    for i, (sh_u, c1, c2, _flags) in enumerate(specs):
        r1 = rows[2 * i]
        r2 = rows[2 * i + 1] or r1
        if r2 < r1:
            r1, r2 = r2, r1
        out.append((sh_u, r1, c1, r2, c2) if c1 <= c2 else (sh_u, r1, c2, r2, c1))
    return out


def _key_plan(text: str, sheet: str):
    """For each digit run of ``text``: None (a literal) or (area, 0 = first row / 1 = last
    row, absolute?); and per area (sheet, first column, last column, $-flags).  None when
    the formula is not shareable or its tokens cannot be mapped onto its digit runs."""
    if _POSITIONAL.search(text):
        return None
    toks = _skeleton_tokens("", text)
    if toks is None:
        return None
    digits = _DIGITS.split(text)[1::2]
    roles: list[Any] = [None] * len(digits)
    specs = []
    has_names = False
    for parts, ttype, subtype in toks:
        if ttype != "OPERAND" or subtype != "RANGE":
            continue
        got = _range_token("".join(p if isinstance(p, str) else digits[p] for p in parts))
        if got is None:
            return None
        if got == "name":
            has_names = True
            continue
        sh, (_r1, c1, _r2, c2), flags, n_rows = got
        runs = [p for p in parts if not isinstance(p, str)]
        if len(runs) < n_rows:
            return None
        i = len(specs)
        specs.append(((sh or sheet).upper(), c1, c2, flags))
        row_runs = runs[-n_rows:]
        roles[row_runs[0]] = (i, 0, flags[0])
        if n_rows == 2:
            roles[row_runs[1]] = (i, 1, flags[2])
    slots = tuple((k, 2 * role[0] + role[1]) for k, role in enumerate(roles) if role is not None)
    return tuple(roles), tuple(specs), has_names, slots


def _range_token(value: str):
    """A range token → (sheet or None, (r1, c1, r2, c2), $-flags (r1, c1, r2, c2), number
    of row numbers written); "name" for a defined name; None when a formula using it
    cannot share a template (another workbook, 3-D, whole rows/columns, spill)."""
    sh, ref = _split_sheet(value)
    if sh is not None and (sh.startswith("[") or ":" in sh):
        return None
    m = _AREA.match(ref)
    if m is None:
        if ":" in ref or ref.endswith("#") or ref[:1].isdigit():
            return None
        return "name"
    g = m.groups()
    c1, r1 = xlsx.col_to_num(g[1]), int(g[3])
    if g[5]:
        c2, r2 = xlsx.col_to_num(g[5]), int(g[7])
        flags = (g[2] == "$", g[0] == "$", g[6] == "$", g[4] == "$")
    else:
        c2, r2 = c1, r1
        flags = (g[2] == "$", g[0] == "$", g[2] == "$", g[0] == "$")
    return sh, (r1, c1, r2, c2), flags, 2 if g[5] else 1


def _template_key_slow(val: str, sheet: str, r0: int, c0: int, shape: tuple[int, int]):
    """R1C1-style key of a formula, and its areas with $-flags; None if not shareable."""
    if _POSITIONAL.search(val):
        return None
    items = _tokens(val[1:] if val.startswith("=") else val)
    if items is None:
        return None
    pieces: list[str] = [sheet, f"{shape[0]}x{shape[1]}"]
    areas = []
    for value, ttype, subtype in items:
        if ttype == "OPERAND" and subtype == "RANGE":
            got = _range_token(value)
            if got is None:
                return None
            if got == "name":
                pieces.append(value.upper())  # a defined name
                continue
            sh, (r1, c1, r2, c2), flags, _n = got
            rel = [
                f"R{r1}" if flags[0] else f"R[{r1 - r0}]",
                f"C{c1}" if flags[1] else f"C[{c1 - c0}]",
                f"R{r2}" if flags[2] else f"R[{r2 - r0}]",
                f"C{c2}" if flags[3] else f"C[{c2 - c0}]",
            ]
            pieces.append(f"{(sh or '').upper()}!{''.join(rel)}")
            areas.append(((sh or sheet).upper(), (r1, c1, r2, c2), flags))
        else:
            pieces.append(value)
    return "\x00".join(pieces), areas


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


# --- which formulas depend on the Agglo cells --------------------------------------------

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_MAXR, _MAXC = 1_048_576, 16_384


def _split_sheet(token: str) -> tuple[str | None, str]:
    if "!" not in token:
        return None, token
    sheet, _, ref = token.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def _parse_area(ref: str) -> tuple[int, int, int, int] | None:
    """``A1``, ``$A$1:B2``, ``A:C``, ``2:5``, ``A1#`` → (r1, c1, r2, c2); None if not an area."""
    spill = ref.endswith("#")
    ref = ref.rstrip("#")
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    pts = []
    for p in parts:
        m = _A1.match(p.strip())
        if not m or (m.group(1) is None and m.group(2) is None):
            return None
        col = xlsx.col_to_num(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) if m.group(2) else None
        pts.append((row, col))
    if len(pts) == 1:
        (r, c) = pts[0]
        if r is None or c is None:
            return None
        return (r, c, _MAXR, _MAXC) if spill else (r, c, r, c)
    (ra, ca), (rb, cb) = pts
    r1, r2 = (1, _MAXR) if ra is None or rb is None else (min(ra, rb), max(ra, rb))
    c1, c2 = (1, _MAXC) if ca is None or cb is None else (min(ca, cb), max(ca, cb))
    return r1, c1, r2, c2


def _references(text: str, sheet: str, names: dict[str, str], depth: int = 0):
    """Areas a formula refers to, as (sheet, r1, c1, r2, c2); None when unknowable.

    Uses openpyxl's formula tokenizer (no parsing of our own); defined names are
    followed; structured references, 3-D references and INDIRECT make the answer
    unknowable, which the caller treats as "may depend on anything".
    """
    if depth == 0:
        fast = _fast_references(text, sheet)
        if fast is not None:
            return fast
    items = _tokens(text.lstrip("="))
    if items is None:
        return None
    out = []
    for value, ttype, subtype in items:
        if ttype == "FUNC" and value.upper().rstrip("(") in ("INDIRECT", "_XLFN.INDIRECT"):
            return None
        if ttype != "OPERAND" or subtype != "RANGE":
            continue
        sh, ref = _split_sheet(value)
        if sh is not None and (sh.startswith("[") or ":" in sh):
            if sh.startswith("["):
                continue  # another workbook: nothing we compute lives there
            return None
        area = _parse_area(ref)
        if area is None:
            target = _name_target(names, sh or sheet, ref)
            if target is None or depth > 5:
                return None
            sub = _references(target, sh or sheet, names, depth + 1)
            if sub is None:
                return None
            out.extend(sub)
            continue
        out.append(((sh or sheet).upper(), *area))
    return out


def _name_target(names: dict[str, str], sheet: str, name: str) -> str | None:
    """What a defined name stands for, seen from ``sheet`` (a sheet-level name first)."""
    key = name.upper()
    return names.get(f"{sheet.upper()}!{key}") or names.get(key)


def _defined_names(pkg: Package) -> dict[str, str]:
    try:
        wb = pkg.parse(pkg.workbook_part)
    except RefusedError:
        return {}
    sheets = [s.name for s in pkg.sheets]
    out = {}
    for dn in wb.iterfind("{*}definedNames/{*}definedName"):
        name = (dn.get("name") or "").upper()
        local = dn.get("localSheetId")
        if local is not None:
            try:
                name = f"{sheets[int(local)].upper()}!{name}"
            except (ValueError, IndexError):
                continue
        out[name] = dn.text or ""
    return out


def _needed_formulas(pkg, scans, agglo) -> list[tuple[int, FormulaCell]]:
    """(sheet index, formula cell) of the Agglo cells and every formula depending on them.

    Precedents are pulled in by the evaluator itself.
    """
    names = _defined_names(pkg)
    sheet_ids = {s.info.name.upper(): i for i, s in enumerate(scans)}
    formulas_list: list[tuple[int, xlsx.FormulaCell, tuple[int, int, int, int]]] = []
    rng_rows: list[tuple[int, int, int, int, int, int]] = []
    chosen: set[int] = set()
    frontier: list[tuple[int, int, int, int, int]] = []
    agglo_keys = {(sh.upper(), ref) for sh, ref in agglo}
    for si, scan in enumerate(scans):
        name, name_u = scan.info.name, scan.info.name.upper()
        for ref, fc in scan.formulas.items():
            area = (
                xlsx.parse_range(fc.array_ref)
                if fc.kind == "array" and fc.array_ref
                else (fc.row, fc.col, fc.row, fc.col)
            )
            idx = len(formulas_list)
            formulas_list.append((si, fc, area))
            if (name_u, ref) in agglo_keys:
                chosen.add(idx)
                frontier.append((si, *area))
                continue
            text = "=" + fc.text if fc.text is not None else _text_of(scans, name, fc)
            if not text:
                continue
            refs = _fast_references(text, name_u)
            if refs is None:
                refs = _references(text, name, names)
            if refs is None:
                # structured/3-D references, INDIRECT: not followed here; Excel
                # recalculates such formulas on open (fullCalcOnLoad is set)
                continue
            for sh, r1, c1, r2, c2 in refs:
                sid = sheet_ids.get(sh)
                if sid is not None:
                    rng_rows.append((sid, r1, c1, r2, c2, idx))
    # cells → formulas referring to them; small areas (a row of a block) are listed
    # cell by cell, large ones are matched as rectangles below
    singles: dict[tuple[int, int, int], list[int]] = {}
    multi = []
    for sid, r1, c1, r2, c2, idx in rng_rows:
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 64:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    singles.setdefault((sid, r, c), []).append(idx)
        else:
            multi.append((sid, r1, c1, r2, c2, idx))
    ranges = np.array(multi, dtype=np.int64).reshape(-1, 6)
    while frontier:
        pts = np.array(frontier, dtype=np.int64)
        hit: set[int] = set()
        for sid, r1, c1, r2, c2 in frontier:
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= 4096:
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        hit.update(singles.get((sid, r, c), ()))
            else:  # a large area: scan the single-cell references instead
                for (s2, r, c), idxs in singles.items():
                    if s2 == sid and r1 <= r <= r2 and c1 <= c <= c2:
                        hit.update(idxs)
        frontier = []
        for k in range(0, len(pts) if len(ranges) else 0, 256):
            p = pts[k : k + 256]
            # a formula depends on an area when one of its ranges overlaps it
            m = (
                (ranges[:, None, 0] == p[None, :, 0])
                & (ranges[:, None, 1] <= p[None, :, 3])
                & (ranges[:, None, 3] >= p[None, :, 1])
                & (ranges[:, None, 2] <= p[None, :, 4])
                & (ranges[:, None, 4] >= p[None, :, 2])
            ).any(axis=1)
            hit.update(int(i) for i in np.unique(ranges[m, 5]))
        for i in sorted(hit - chosen):
            chosen.add(i)
            si, _fc, area = formulas_list[i]
            frontier.append((si, *area))
    return [formulas_list[i][:2] for i in sorted(chosen)]


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


def _text_of(scans, sheet, fc: FormulaCell) -> str | None:
    if fc.text is not None:
        return "=" + fc.text
    for s in scans:
        if s.info.name == sheet and fc.shared_index in s.shared_masters:
            master = s.shared_masters[fc.shared_index]
            try:
                from .._lazy_imports import formula_translator

                Translator = formula_translator()  # noqa: N806 - openpyxl's class

                return Translator("=" + (master.text or ""), master.ref).translate_formula(fc.ref)
            except Exception:  # noqa: BLE001
                return None
    return None


def _collect_cell(ev, scan, node, sol, agglo_nodes, log, tol, pkg, sh, scans) -> None:
    """Compare one evaluated formula (cell or array range) with its cached values."""
    sheet = scan.info.name
    part = scan.info.part
    rng_val = sol.get(node)
    is_agglo = node in agglo_nodes
    # find the formula cell: anchor of the node's range
    ref = node.split("!")[-1]
    anchor = ref.split(":")[0].replace("$", "")
    fc = scan.formulas.get(anchor)
    if fc is None:
        return
    formula = _text_of(scans, sheet, fc)
    if rng_val is None:
        ev.problems.append(
            Problem(sheet, anchor, formula, "not evaluated (the engine gave no value)")
        )
        return
    arr = getattr(rng_val, "value", rng_val)
    arr = np.asarray(arr, dtype=object)
    if arr.ndim != 2:
        arr = arr.reshape(1, -1)
    recs = log.get(node, [])
    messages = [m for r in recs for m in r.messages]

    if fc.kind == "array" and fc.array_ref:
        r1, c1, r2, c2 = xlsx.parse_range(fc.array_ref)
    else:
        r1, c1, r2, c2 = fc.row, fc.col, fc.row, fc.col

    # a dynamic array whose Agglo result changed size: resize the spill range
    if is_agglo and fc.dynamic and fc.kind == "array" and recs and recs[-1].natural is not None:
        natural = recs[-1].natural
        top = _outer_call_only(formula)
        if top and natural.shape != (r2 - r1 + 1, c2 - c1 + 1):
            resized = _resize_spill(ev, scan, pkg, fc, formula, natural, (r1, c1, r2, c2))
            if resized is None:
                return
            arr, (r1, c1, r2, c2) = resized
    patch = ev.patches.setdefault(part, SheetPatch())
    h, w = r2 - r1 + 1, c2 - c1 + 1
    if arr.shape != (h, w):
        full = np.empty((h, w), object)
        full[:] = ExcelError("#N/A")
        hh, ww = min(h, arr.shape[0]), min(w, arr.shape[1])
        full[:hh, :ww] = arr[:hh, :ww]
        arr = full
    for i in range(h):
        for j in range(w):
            cref = xlsx.cell_ref(r1 + i, c1 + j)
            old = fc.cached if (i, j) == (0, 0) else scan.covered_values.get(cref)
            new = _to_python(arr[i, j])
            _record(ev, patch, sheet, cref, formula, old, new, (i, j) == (0, 0), tol)
    if is_agglo and messages:
        ev.problems.append(Problem(sheet, anchor, formula, "; ".join(dict.fromkeys(messages))))


def _record(ev, patch, sheet, cref, formula, old, new, anchor: bool, tol) -> None:
    """Record one computed cell: its value, a change, a problem."""
    ev.values[(sheet, cref)] = new
    if type(new) is ExcelError:
        code = str(new)
        if code in _NOT_EVALUABLE and not (isinstance(old, ExcelError) and str(old) == code):
            if anchor:
                why = _NOT_EVALUABLE[code]
                if code == "#REF!" and ("'" in sheet or "''" in (formula or "")):
                    why = "a sheet name with an apostrophe, which the full evaluator cannot read"
                ev.problems.append(Problem(sheet, cref, formula,
                                           f"not evaluated: the formula uses {why}; "
                                           "its cached value was kept"))  # fmt: skip
            return
    if not values_close(old, new, tol):
        patch.values[cref] = new
        ev.changes.append(CellChange(sheet, cref, old, new))


def _collect_single(ev, scan, key, value, agglo_nodes, node, log, tol, scans) -> None:
    """:func:`_collect_cell` for one ordinary formula cell (what the fast evaluator has)."""
    sheet = scan.info.name
    fc = scan.formulas.get(xlsx.cell_ref(key[1], key[2]))
    if fc is None:
        return
    formula = _text_of(scans, sheet, fc)
    patch = ev.patches.get(scan.info.part)
    if patch is None:
        patch = ev.patches[scan.info.part] = SheetPatch()
    _record(ev, patch, sheet, fc.ref, formula, fc.cached, _to_python(value), True, tol)
    if node in agglo_nodes:
        messages = [m for r in log.get(node, ()) for m in r.messages]
        if messages:
            ev.problems.append(Problem(sheet, fc.ref, formula, "; ".join(dict.fromkeys(messages))))


def _outer_call_only(formula: str | None) -> bool:
    """True when the formula is one function call (``=LQ(...)``) and nothing else."""
    if not formula:
        return False
    text = formula.lstrip("=").strip()
    m = re.match(r"^[^(\"]*\(", text)
    if not m:
        return False
    depth = 0
    in_str = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_str = not in_str
        elif not in_str and ch == "(":
            depth += 1
        elif not in_str and ch == ")":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _resize_spill(ev, scan, pkg, fc, formula, natural, old):
    """New values and range for a dynamic array whose result changed size (or None)."""
    r1, c1, r2, c2 = old
    h, w = natural.shape
    nr2, nc2 = r1 + h - 1, c1 + w - 1
    occupied = getattr(scan, "_occupied_cache", None)
    if occupied is None:
        occupied = pkg.scan_sheet(scan.info, keep_occupied=True).occupied or set()
        scan._occupied_cache = occupied
    for i in range(h):
        for j in range(w):
            r, c = r1 + i, c1 + j
            if r1 <= r <= r2 and c1 <= c <= c2:
                continue
            if xlsx.cell_ref(r, c) in occupied:
                ev.problems.append(Problem(scan.info.name, fc.ref, formula,
                    f"the result is {h}×{w} but cell {xlsx.cell_ref(r, c)} is in the way "
                    "(Excel would show #SPILL!); clear it and refresh again"))  # fmt: skip
                return None
    patch = ev.patches.setdefault(scan.info.part, SheetPatch())
    new_ref = (
        f"{xlsx.cell_ref(r1, c1)}:{xlsx.cell_ref(nr2, nc2)}"
        if (h, w) != (1, 1)
        else xlsx.cell_ref(r1, c1)
    )
    patch.array_refs[fc.ref] = new_ref
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            if not (r <= nr2 and c <= nc2):
                cref = xlsx.cell_ref(r, c)
                patch.clear.add(cref)
                old_v = scan.covered_values.get(cref)
                if old_v is not None:
                    ev.changes.append(CellChange(scan.info.name, cref, old_v, None))
    ev.warnings.append(
        f"{scan.info.name}!{fc.ref}: the spilled result changed size from "
        f"{r2 - r1 + 1}×{c2 - c1 + 1} to {h}×{w}; its range is now {new_ref} "
        "(formulas that refer to the old range are recalculated when Excel opens the file)"
    )
    return natural, (r1, c1, nr2, nc2)


# ---------------------------------------------------------------------------
# refreshing a file


@dataclasses.dataclass
class Report:
    """The outcome of refreshing (or checking) one workbook."""

    path: str
    status: str  # "refreshed", "unchanged", "ok", "differs", "refused"
    message: str = ""
    n_agglo: int = 0
    n_evaluated: int = 0
    changes: list[CellChange] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    written_to: str | None = None
    backup: str | None = None
    parts_rewritten: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    evaluation: Evaluation | None = dataclasses.field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "message": self.message,
            "agglo_formulas": self.n_agglo,
            "evaluated_formulas": self.n_evaluated,
            "changes": [c.as_dict() for c in self.changes],
            "problems": [p.as_dict() for p in self.problems],
            "warnings": list(self.warnings),
            "written_to": self.written_to,
            "backup": self.backup,
            "parts_rewritten": list(self.parts_rewritten),
            "seconds": round(self.seconds, 3),
        }


def refresh_workbook(
    path: str | os.PathLike,
    *,
    out: str | os.PathLike | None = None,
    check: bool = False,
    backup: bool = True,
    tolerance: float = 1e-9,
    limits: Limits | None = None,
    registry: Mapping[str, Callable[..., Any]] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    all_formulas: bool = True,
    recalc_on_open: bool = True,
) -> Report:
    """Recalculate the formulas of a workbook and write the cached values back.

    Every formula of the workbook is recalculated; ``all_formulas=False`` (``agglo
    refresh --agglo-only``) recalculates only the Agglo formulas, the formulas they
    depend on and the formulas depending on them.  A formula the engine cannot
    evaluate right keeps its cached value and is reported
    (:mod:`agglo_addin.keep_cached`).  With
    ``recalc_on_open=False`` the workbook is not marked for a full recalculation when
    Excel opens it (``fullCalcOnLoad``): for workbooks shared with people who do not
    have the add-in, whose Excel would otherwise replace the stored values of the
    Agglo formulas by ``#NAME?`` on opening.

    With ``check=True`` nothing is written; the report's status is ``"differs"`` when
    a recomputed value differs from the cached one by more than ``tolerance``.  The
    file is replaced atomically (a temporary file in the same folder, then a rename);
    ``backup`` keeps the previous version as ``NAME.bak.xlsx``; a file that changed
    on disk since it was read is not overwritten; read-only files, files open in Excel
    or LibreOffice, symbolic links and special files are handled as
    :mod:`agglo_addin.safe_write` says.  Refusals are reported with status
    ``"refused"`` and leave every file untouched.
    """
    t0 = time.perf_counter()
    src = Path(path)
    rep = Report(path=str(src), status="unchanged")
    try:
        pkg = xlsx.read_package(src, limits)
        ev = evaluate_package(pkg, registry=registry, progress=progress, all_formulas=all_formulas)
    except RefusedError as exc:
        rep.status, rep.message = "refused", str(exc)
        rep.seconds = time.perf_counter() - t0
        return rep
    rep.evaluation = ev
    rep.n_agglo, rep.n_evaluated = ev.n_agglo, ev.n_evaluated
    rep.problems, rep.warnings = list(ev.problems), list(ev.warnings)
    if check:
        rep.changes = [c for c in ev.changes if not values_close(c.old, c.new, tolerance)]
        rep.status = "differs" if rep.changes else "ok"
        if not ev.n_agglo and not ev.n_evaluated:
            rep.message = "no Agglo formulas"
        rep.seconds = time.perf_counter() - t0
        return rep
    rep.changes = list(ev.changes)
    patches = {k: v for k, v in ev.patches.items() if v}
    target = Path(out) if out is not None else src
    in_place = target.resolve() == src.resolve()
    if not patches:
        rep.message = (
            "no Agglo formulas"
            if not ev.n_agglo and not ev.n_evaluated
            else "cached values are up to date"
        )
        if in_place:
            rep.seconds = time.perf_counter() - t0
            return rep
    # the file-safety policy of every write lives in safe_write
    from ..safe_write import write_bytes, write_workbook

    def write(tmp: str) -> list[str]:
        if not patches:
            write_bytes(tmp, pkg.data)
            return []
        return xlsx.write_patched(pkg, patches, tmp, full_calc_on_load=recalc_on_open)

    try:
        rep.parts_rewritten, _written, bak = write_workbook(pkg, target, write, backup=backup)
    except RefusedError as exc:
        rep.status, rep.message = "refused", str(exc)
        rep.changes = []
        return rep
    finally:
        rep.seconds = time.perf_counter() - t0
    rep.backup = str(bak) if bak else None
    rep.written_to = str(target)
    if patches:
        rep.status = "refreshed"
    return rep


# --- the fast evaluator ---------------------------------------------------------------------
#
# ``formulas.ExcelModel`` builds one dispatcher graph for the whole workbook: every cell,
# every range and every link becomes a node, which costs far more than the arithmetic on
# yearbook-sized sheets.  For the common case this evaluator keeps ``formulas`` as the
# parser, compiler and function library (``Parser().ast(...).compile()``, the very
# functions the model would call) and only replaces the bookkeeping: each distinct
# relative (R1C1) formula is compiled once, and cells are evaluated depth first in
# dependency order, reading their inputs from the values the sheet XML holds; cells of
# an element-wise pattern are computed together (see ``_ELEMENTWISE``), and so are the
# cells of a row aggregate (``_ROW_AGGREGATES``), array formulas fill their range, defined
# names are replaced by the range or the formula of absolute references they stand for,
# and formulas that cannot share a pattern (INDEX, MATCH ...) are compiled for their own
# cell.  Anything outside that — functions that depend on the cell or on run-time
# references (ROW(), INDIRECT, CELL, ISREF ...), names with relative references, whole
# rows/columns, circular references — raises ``_Fallback`` and the workbook goes through
# ``ExcelModel`` as before.  (Data tables, other files and unsupported functions never
# reach it: see :mod:`agglo_addin.keep_cached`.)


class _Fallback(Exception):
    """The fast evaluator does not handle this workbook; use the full model."""


_REFERENCE_FUNCS = re.compile(r"\b(ISREF|AREAS|SINGLE|_XLFN\.SINGLE)\s*\(|@|#", re.IGNORECASE)
# functions whose value depends on the cell holding them or on references computed at
# run time: left to the full model
_CELL_DEPENDENT = re.compile(
    r"\b(ROW|COLUMN|OFFSET|INDIRECT|CELL|INFO|FORMULATEXT|ISFORMULA|_XLFN\.FORMULATEXT|"
    r"_XLFN\.ISFORMULA|LAMBDA|_XLFN\.LAMBDA|LET|_XLFN\.LET)\s*\(",
    re.IGNORECASE,
)


def _to_formulas_value(v: Any) -> Any:
    """A cached cell value → what ``formulas`` holds for it in a range."""
    import schedula as sh
    from formulas.tokens.operand import Error

    if v is None:
        return sh.EMPTY
    if isinstance(v, ExcelError):
        return Error.errors.get(str(v), Error.errors["#VALUE!"])
    return v


class _FastBook:
    """Formula cells and values of a workbook, evaluated without ``ExcelModel``."""

    def __init__(self, pkg, scans, pattern):
        from formulas import Parser

        self.parser = Parser()
        self.scans = scans
        self.pattern = pattern
        self.sheet_index = {s.info.name.upper(): i for i, s in enumerate(scans)}
        self.formulas: dict[tuple[int, int, int], FormulaCell] = {}
        self.rows_by_col: list[dict[int, list[int]]] = []
        self.values: list[dict[tuple[int, int], Any]] = []
        self.blocked: list[list[tuple[int, int, int, int]]] = []
        # array formulas: anchor → its range; per sheet (r1, c1, r2, c2, anchor);
        # every covered cell → its anchor
        self.array_area: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
        self.arrays: list[list[tuple[int, int, int, int, tuple[int, int, int]]]] = []
        self.covered: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        self.defined = _defined_names(pkg)
        for si, scan in enumerate(scans):
            if scan.values is None:
                raise _Fallback("no values")
            by_col: dict[int, list[int]] = {}
            blocked: list[tuple[int, int, int, int]] = []
            arrays = []
            for fc in scan.formulas.values():
                key = (si, fc.row, fc.col)
                if fc.kind == "array" and fc.array_ref:
                    try:
                        r1, c1, r2, c2 = xlsx.parse_range(fc.array_ref)
                    except ValueError:
                        raise _Fallback("array formula with an unusual range") from None
                    if (r1, c1) != (fc.row, fc.col) or r2 < r1 or c2 < c1:
                        raise _Fallback("array formula with an unusual range")
                    if len(self.covered) + (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
                        raise _Fallback("very large array formulas")
                    self.array_area[key] = (r1, c1, r2, c2)
                    arrays.append((r1, c1, r2, c2, key))
                    for r in range(r1, r2 + 1):
                        for c in range(c1, c2 + 1):
                            self.covered[(si, r, c)] = key
                elif fc.kind not in ("normal", "shared"):
                    # data tables are left to the full model: a workbook needing one
                    # (or a cell it covers) falls back
                    try:
                        area = xlsx.parse_range(fc.array_ref or fc.ref)
                    except ValueError:
                        raise _Fallback(f"{fc.kind} formula") from None
                    blocked.append((area[0], area[1], max(area[0], area[2]), area[3]))
                    continue
                self.formulas[key] = fc
                by_col.setdefault(fc.col, []).append(fc.row)
            for rows in by_col.values():
                rows.sort()
            self.rows_by_col.append(by_col)
            self.values.append(scan.values)
            self.blocked.append(blocked)
            self.arrays.append(arrays)
        self.templates: dict[str, tuple[Any, list[int]]] = {}
        self.facts: dict[str, tuple[bool, bool, bool]] = {}
        self.results: dict[tuple[int, int, int], Any] = {}
        self.compiled: dict[tuple[int, int, int], tuple[Any, list]] = {}
        self.names = [s.info.name.upper() for s in scans]
        # ``formulas`` cannot read a sheet name holding an apostrophe ('O''Brien'!A1):
        # such sheets are given a plain name while their formulas are compiled
        self.alias_of: dict[str, str] = {}
        quoted = []
        for i, s in enumerate(scans):
            if "'" in s.info.name:
                alias = self.alias_of[s.info.name.upper()] = f"AGGLO_SHEET_{i}"
                self.sheet_index[alias] = i
                quoted.append(re.escape("'" + s.info.name.replace("'", "''") + "'!"))
        self.quoted = re.compile("|".join(quoted), re.IGNORECASE) if quoted else None

    def _aliased(self, text: str) -> str:
        def swap(m: re.Match[str]) -> str:
            name = m.group(0)[1:-2].replace("''", "'").upper()
            return self.alias_of[name] + "!"

        return _outside_strings(text, lambda part: self.quoted.sub(swap, part))

    # -- compiling ------------------------------------------------------------------------
    def compile(self, si: int, fc: FormulaCell):
        """(compiled function, input areas as (sheet index, r1, c1, r2, c2))."""
        sheet = self.scans[si].info.name
        text = _text_of(self.scans, sheet, fc)
        if text is None:
            raise _Fallback("shared formula without master")
        body = text.lstrip("=")
        skeleton = _digit_free(body)  # normalising and the checks below: once per skeleton
        facts = self.facts.get(skeleton)
        if facts is None:
            if len(self.facts) > 65536:
                self.facts.clear()
            plain = _STRING_LITERAL.sub('""', skeleton)
            facts = self.facts[skeleton] = (
                normalize_formula(skeleton, self.pattern) == skeleton,
                bool(_REFERENCE_FUNCS.search(plain)),
                bool(_CELL_DEPENDENT.search(plain)),
            )
        same, reference_valued, cell_dependent = facts
        text = "=" + (body if same else normalize_formula(body, self.pattern))
        if reference_valued:
            raise _Fallback("reference-valued function")
        if self.defined:
            text = self._with_names_resolved(text, sheet)
        if self.quoted is not None:
            text = self._aliased(text)
            sheet = self.alias_of.get(sheet.upper(), sheet)
        area = self.array_area.get((si, fc.row, fc.col))
        shape = (1, 1) if area is None else (area[2] - area[0] + 1, area[3] - area[1] + 1)
        keyed = _template_key(text, sheet.upper(), fc.row, fc.col, shape)
        if keyed is None:
            # not shareable (INDEX, ROW(...), a defined name ...): compiled on its own
            if cell_dependent:
                raise _Fallback("positional formula")
            key = ("cell", si, fc.row, fc.col)
            tpl = self._compile_template(text, sheet, None)
            self.templates[key] = tpl
            areas = tpl[3]
        else:
            key, areas = keyed
            tpl = self.templates.get(key)
            if tpl is None:
                tpl = self._compile_template(text, sheet, areas)
                self.templates[key] = tpl
        func, picks = tpl[0], tpl[1]
        ins = []
        for k in picks:
            sh_name, (r1, c1, r2, c2), _flags = areas[k]
            sid = self.sheet_index.get(sh_name)
            if sid is None:
                raise _Fallback("unknown sheet")
            for b1, d1, b2, d2 in self.blocked[sid]:
                if b1 <= r2 and r1 <= b2 and d1 <= c2 and c1 <= d2:
                    raise _Fallback("a reference to an array formula's range")
            ins.append((sid, r1, c1, r2, c2))
        return func, ins, key

    def _compile_template(self, text: str, sheet: str, areas):
        """(function, input picks, batchable, areas); ``areas`` None: read from the inputs
        (a formula compiled for one cell only)."""
        try:
            func = self.parser.ast(text, context={"sheet": sheet.upper()})[1].compile()
        except Exception as exc:  # noqa: BLE001 - formulas cannot parse it: the model decides
            raise _Fallback(f"cannot compile {text}") from exc
        own = areas is None
        if own:
            areas = []
        picks = []
        for name, rng in func.inputs.items():
            if not hasattr(rng, "ranges") or len(rng.ranges) != 1:
                raise _Fallback("unusual input")
            sh_name, ref = _split_sheet(name)
            area = _parse_area(ref)
            if sh_name is None or area is None or ref.endswith("#"):
                raise _Fallback("defined name or unusual reference")
            sh_name = sh_name.upper()
            if own:
                picks.append(len(areas))
                areas.append((sh_name, area, (True, True, True, True)))
                continue
            hits = [i for i, (s, a, _f) in enumerate(areas) if s == sh_name and a == area]
            if not hits or len({areas[i][2] for i in hits}) > 1:
                raise _Fallback("ambiguous reference")
            picks.append(hits[0])
        # cells of this pattern can be computed together when every reference is one
        # cell and every function works element by element (see _ELEMENTWISE)
        names = {_NODE_SUFFIX.sub("", k).upper() for k in func.dsp.function_nodes}
        single = all(
            areas[k][1][0] == areas[k][1][2] and areas[k][1][1] == areas[k][1][3] for k in picks
        )
        if not own and single and names <= _ELEMENTWISE:
            return _FastPipe(func), picks, True, areas
        # ``=AVERAGE(Data!B2:E2)`` filled down: one aggregate of one row (see _ROW_AGGREGATES)
        row_agg = (
            not own
            and len(picks) == 1
            and len(names) == 1
            and next(iter(names)) in _ROW_AGGREGATES
            and areas[picks[0]][1][0] == areas[picks[0]][1][2]
            and re.fullmatch(r"=\s*[\w.]+\(\s*[^(),]+\)\s*", text) is not None
        )
        return _FastPipe(func), picks, next(iter(names)) if row_agg else False, areas

    def _name_text(self, sheet: str, name: str, depth: int) -> str:
        """What a defined name stands for, as text to put in its place.

        A plain range (``'Data'!$B$3:$I$33``) as it is; a formula or a constant
        (``SUM(Data!$B$2:$B$9)*2``, ``0.05``) in parentheses, with the names it uses
        replaced in turn.  A name whose formula holds a relative reference (its meaning
        depends on the cell using it), another workbook or a spill makes the full model
        evaluate the book.
        """
        target = (_name_target(self.defined, sheet, name) or "").lstrip("=")
        t_toks = _tokenize(target) if target else None
        if not t_toks or depth > 5 or "".join(t[0] for t in t_toks) != target:
            raise _Fallback("a defined name that cannot be followed")
        t_sheet, t_ref = _split_sheet(target)
        if (
            len(t_toks) == 1
            and t_toks[0][1:] == ("OPERAND", "RANGE")
            and t_sheet is not None
            and not t_sheet.startswith("[")
            and _parse_area(t_ref) is not None
            and not t_ref.endswith("#")
        ):
            return target
        out = []
        for value, ttype, subtype in t_toks:
            if ttype == "OPERAND" and subtype == "RANGE":
                sh, ref = _split_sheet(value)
                if sh is not None and sh.startswith("["):
                    raise _Fallback("a defined name referring to another workbook")
                m = _AREA.match(ref)
                if m is None:
                    if _parse_area(ref) is not None or ref.endswith("#"):
                        raise _Fallback("a defined name with whole rows/columns or a spill")
                    out.append(self._name_text(sh or sheet, ref, depth + 1))
                    continue
                g = m.groups()
                if sh is None or not (g[0] and g[2]) or (g[5] and not (g[4] and g[6])):
                    raise _Fallback("a defined name with a relative reference")
            out.append(value)
        return "(" + "".join(out) + ")"

    def _with_names_resolved(self, text: str, sheet: str) -> str:
        """The formula with each defined name replaced by what it stands for
        (:meth:`_name_text`)."""
        toks = _tokenize(text.lstrip("="))
        if toks is None or "".join(t[0] for t in toks) != text.lstrip("="):
            raise _Fallback("formula tokens do not tile the text")
        out = []
        changed = False
        for value, ttype, subtype in toks:
            if ttype == "OPERAND" and subtype == "RANGE":
                sh, ref = _split_sheet(value)
                if _parse_area(ref) is None and not (sh or "").startswith("["):
                    out.append(self._name_text(sh or sheet, ref, 0))
                    changed = True
                    continue
            out.append(value)
        return "=" + "".join(out) if changed else text

    # -- evaluating -----------------------------------------------------------------------
    def _formula_cells_in(self, sid, r1, c1, r2, c2):
        import bisect

        if r1 == r2 and c1 == c2:  # one cell
            key = (sid, r1, c1)
            if key in self.formulas:
                yield key
            elif key in self.covered:
                yield self.covered[key]
            return
        by_col = self.rows_by_col[sid]
        if (c2 - c1) > len(by_col):
            cols = [c for c in by_col if c1 <= c <= c2]
        else:
            cols = [c for c in range(c1, c2 + 1) if c in by_col]
        for c in cols:
            rows = by_col[c]
            lo = bisect.bisect_left(rows, r1)
            hi = bisect.bisect_right(rows, r2)
            for r in rows[lo:hi]:
                yield (sid, r, c)
        for a1, b1, a2, b2, key in self.arrays[sid]:
            # an array formula whose range, but not its anchor, overlaps the area
            if (
                a1 <= r2
                and r1 <= a2
                and b1 <= c2
                and c1 <= b2
                and not (r1 <= a1 <= r2 and c1 <= b1 <= c2)
            ):
                yield key

    def _area_value(self, sid, r1, c1, r2, c2):
        import schedula as sh

        vals, res = self.values[sid], self.results
        if r1 == r2 and c1 == c2:  # one cell: the common case, answered directly
            key = (sid, r1, c1)
            out = np.empty((1, 1), object)
            if key in self.formulas and key not in self.array_area:
                out[0, 0] = res[key]
            elif key in self.covered or key in self.array_area:
                anchor = self.covered.get(key, key)
                a1, b1 = self.array_area[anchor][:2]
                out[0, 0] = res[anchor][r1 - a1, c1 - b1]
            else:
                out[0, 0] = _to_formulas_value(vals.get((r1, c1)))
            return out
        out = np.empty((r2 - r1 + 1, c2 - c1 + 1), object)
        empty = sh.EMPTY
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 4 * len(vals) + 64:
            out[:] = empty  # a sparse large area: fill from the stored cells only
            for (r, c), v in vals.items():
                if r1 <= r <= r2 and c1 <= c <= c2:
                    out[r - r1, c - c1] = _to_formulas_value(v)
        else:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    out[r - r1, c - c1] = _to_formulas_value(vals.get((r, c)))
        for key in self._formula_cells_in(sid, r1, c1, r2, c2):
            area = self.array_area.get(key)
            if area is None:
                out[key[1] - r1, key[2] - c1] = res[key]
                continue
            a1, b1, a2, b2 = area  # the part of the array's result inside the area
            y1, x1, y2, x2 = max(a1, r1), max(b1, c1), min(a2, r2), min(b2, c2)
            out[y1 - r1 : y2 - r1 + 1, x1 - c1 : x2 - c1 + 1] = res[key][
                y1 - a1 : y2 - a1 + 1, x1 - b1 : x2 - b1 + 1
            ]
        return out

    def evaluate(self, starts, node_name, agglo_keys) -> None:
        """Evaluate ``starts`` and everything they depend on.

        The cells needed are found first (with what each depends on); cells of one
        element-wise pattern (``=A2*2`` filled down a column) become one node that is
        computed in a single call on columns of values; the nodes are then computed in
        dependency order.  A pattern whose cells depend on each other (a running total),
        or that is caught in a cycle with another pattern, is computed cell by cell.
        """
        res = self.results
        compiled = self.compiled
        deps: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        stack = [k for k in starts if k not in res]
        while stack:
            key = stack.pop()
            if key in deps or key in res:
                continue
            got = compiled.get(key)
            if got is None:
                fc = self.formulas.get(key)
                if fc is None:
                    raise _Fallback("an array formula is needed")
                got = compiled[key] = self.compile(key[0], fc)
            d = [k for a in got[1] for k in self._formula_cells_in(*a) if k not in res]
            deps[key] = d
            stack.extend(k for k in d if k not in deps)
        groups: dict[str, list[tuple[int, int, int]]] = {}
        for key in deps:
            t = compiled[key][2]
            if self.templates[t][2]:
                groups.setdefault(t, []).append(key)
        groups = {t: m for t, m in groups.items() if len(m) > 1}
        while True:
            order, bad = _schedule(deps, groups)
            if not bad:
                break
            for t in bad:
                del groups[t]
        with _cell_calls(node_name, agglo_keys) as call:
            for kind, item in order:
                if kind == "g":
                    self._evaluate_group(groups[item], call)
                else:
                    self._evaluate_cell(item, call)

    def _evaluate_cell(self, key, call) -> None:
        func, ins, _t = self.compiled[key]
        args = [self._area_value(*a) for a in ins]
        area = self.array_area.get(key)
        if area is None:
            self.results[key] = call(key, func, args)
        else:
            self.results[key] = call(
                key, func, args, (area[2] - area[0] + 1, area[3] - area[1] + 1)
            )

    def _evaluate_rows(self, members, call, name: str) -> None:
        """``=F(row)`` filled down (F in _ROW_AGGREGATES): one NumPy reduction over the
        rows when every cell they read holds a finite number; otherwise cell by cell."""
        res, compiled = self.results, self.compiled
        rows = []
        for m in members:
            area = compiled[m][1][0]
            if any(True for _ in self._formula_cells_in(*area)):
                rows = None  # reads formula results: cell by cell keeps their order
                break
            vals = self.values[area[0]]
            row = [vals.get((area[1], c)) for c in range(area[2], area[4] + 1)]
            if not all(type(x) is float and math.isfinite(x) for x in row):
                rows = None  # empty, text, logical or error cells: Excel's rules apply
                break
            rows.append(row)
        if not rows:
            for m in members:
                self._evaluate_cell(m, call)
            return
        got = _ROW_AGGREGATES[name](np.array(rows, dtype=float), axis=1)
        for m, x in zip(members, got.tolist(), strict=True):
            res[m] = x

    def _evaluate_group(self, members, call) -> None:
        """One call for all cells of an element-wise pattern (columns of inputs)."""
        res, compiled, formulas = self.results, self.compiled, self.formulas
        kind = self.templates[compiled[members[0]][2]][2]
        if kind is not True:
            return self._evaluate_rows(members, call, kind)
        func = compiled[members[0]][0]
        n = len(members)
        cols = []
        for j in range(len(compiled[members[0]][1])):
            col = np.empty((n, 1), object)
            for i, m in enumerate(members):
                sid, r, c, _r2, _c2 = compiled[m][1][j]
                k = (sid, r, c)
                if k in self.covered:  # a cell of an array formula: cell by cell
                    for m2 in members:
                        self._evaluate_cell(m2, call)
                    return
                if k in formulas:
                    col[i, 0] = res[k]
                else:
                    col[i, 0] = _to_formulas_value(self.values[sid].get((r, c)))
            cols.append(col)
        try:
            v = func(*cols)
        except Exception:  # noqa: BLE001 - cell by cell decides (and reports)
            v = None
        if isinstance(v, np.ndarray) and v.shape == (n, 1):
            from formulas.functions import replace_empty

            for m, x in zip(members, v[:, 0].tolist(), strict=True):
                res[m] = replace_empty(x)
            return
        for m in members:
            self._evaluate_cell(m, call)


# Functions that compute each cell from the same cells of their arguments, so that a
# pattern using only them gives on columns of values exactly what it gives cell by
# cell (checked for each by tests/test_engine.py).  Anything else (SUM, MAX, lookups,
# our own functions ...) is computed cell by cell.
_ELEMENTWISE = frozenset(
    {"+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">=", "U-", "U+", "%"}
    | {"IF", "IFERROR", "NOT", "ABS", "EXP", "LN", "LOG10", "LOG", "SQRT"}
    | {"INT", "MOD", "POWER", "ROUND", "ROUNDDOWN", "ROUNDUP", "SIGN", "TRUNC"}
    | {"ISNUMBER", "ISTEXT", "ISNONTEXT", "ISBLANK", "ISERROR", "ISERR", "ISNA"}
    | {"ISLOGICAL", "LEN", "LEFT", "RIGHT", "MID", "UPPER", "LOWER", "TRIM", "EXACT", "VALUE"}
)
# Aggregates of one row computed for a whole pattern with NumPy (``=AVERAGE(B2:E2)``
# filled down), when every cell holds a finite number: what Excel gives then
_ROW_AGGREGATES = {"SUM": np.sum, "AVERAGE": np.mean, "MAX": np.max, "MIN": np.min}
_NODE_SUFFIX = re.compile(r"<\d+>$")


def _schedule(deps, groups):
    """Order of evaluation: ([("g", pattern) | ("c", cell)], set()) or (None, patterns
    to compute cell by cell because they depend on themselves or sit in a cycle)."""
    group_of = {k: t for t, m in groups.items() for k in m}

    def node(k):
        t = group_of.get(k)
        return ("g", t) if t is not None else ("c", k)

    indeg: dict[tuple, int] = {}
    succ: dict[tuple, set] = {}
    self_loops = set()
    for k, d in deps.items():
        a = node(k)
        indeg.setdefault(a, 0)
        for j in d:
            b = node(j)
            if b == a:
                if a[0] == "g":
                    self_loops.add(a[1])
                    continue
                raise _Fallback("circular reference")
            s = succ.setdefault(b, set())
            if a not in s:
                s.add(a)
                indeg[a] = indeg.get(a, 0) + 1
    if self_loops:
        return None, self_loops
    ready = [n for n, c in indeg.items() if c == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for m in succ.get(n, ()):
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    if len(order) < len(indeg):
        bad = {n[1] for n, c in indeg.items() if c > 0 and n[0] == "g"}
        if not bad:
            raise _Fallback("circular reference")
        return None, bad
    return order, set()


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


def _evaluate_fast(pkg, scans, agglo, ev, tol, everything, pattern, book_name, log):
    """Evaluate with :class:`_FastBook`; raises ``_Fallback`` when it does not apply."""
    t0 = time.perf_counter()
    fb = _FastBook(pkg, scans, pattern)
    if everything:
        if any(fb.blocked):
            raise _Fallback("data tables to evaluate")
        starts = sorted(fb.formulas)
    else:
        needed = _needed_formulas(pkg, scans, agglo)
        starts = [(si, fc.row, fc.col) for si, fc in needed]
    names = [s.info.name.upper() for s in scans]

    def ref_of(key):
        area = fb.array_area.get(key)
        if area is None or area[:2] == area[2:]:
            return xlsx.cell_ref(key[1], key[2])
        return f"{xlsx.cell_ref(area[0], area[1])}:{xlsx.cell_ref(area[2], area[3])}"

    def node_name(key):
        return f"'[{book_name}]{names[key[0]].replace(chr(39), chr(39) * 2)}'!" + ref_of(key)

    agglo_nodes = {}
    agglo_keys = set()
    for (sheet, _ref), fc in agglo.items():
        key = (fb.sheet_index[sheet.upper()], fc.row, fc.col)
        agglo_keys.add(key)
        agglo_nodes[node_name(key)] = (sheet, fc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fb.evaluate(starts, node_name, agglo_keys)
    ev.seconds["load"] = time.perf_counter() - t0
    ev.seconds["calculate"] = 0.0
    ev.n_evaluated = len(fb.results)
    res = fb.results
    import schedula as sh

    arrays = fb.array_area
    for key in sorted(
        res,
        key=lambda k: (names[k[0]], ref_of(k) if k in arrays else xlsx.cell_ref(k[1], k[2])),
    ):
        if key in fb.array_area:
            node = node_name(key)
            _collect_cell(ev, scans[key[0]], node, {node: res[key]}, agglo_nodes, log, tol, pkg,
                          sh, scans)  # fmt: skip
            continue
        node = node_name(key) if key in agglo_keys else ""
        _collect_single(ev, scans[key[0]], key, res[key], agglo_nodes, node, log, tol, scans)
    for recs in log.values():
        for rec in recs:
            for w in rec.warnings:
                msg = f"{rec.function}: {w}"
                if msg not in ev.warnings:
                    ev.warnings.append(msg)
    return ev
