"""Evaluating a workbook: which formulas, with which evaluator, and what came out.

:func:`evaluate_package` surveys the package, takes out the formulas the engine cannot
evaluate right (:mod:`agglo_addin.keep_cached`: they keep their cached value, are
reported, and the formulas depending on them read that value), registers the Agglo
functions in the calculation engine (:mod:`.bridge`) and evaluates the rest: with the
fast evaluator (:mod:`.fast`) when it takes the workbook, otherwise with ``formulas``'
full model (:class:`~.bridge.FullModel`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from .. import xlsx
from ..xlsx import FormulaCell, Package, RefusedError
from . import fast
from .bridge import (
    FullModel,
    _CallRecord,
    _Fallback,
    _known_functions,
    _needed_cells,
    _register,
    _unregister,
)
from .dependencies import _needed_formulas
from .fast import _ELEMENTWISE
from .names import (
    _STRING_LITERAL,
    _uses_agglo,
    agglo_name_pattern,
    default_registry,
    find_agglo_cells,
    normalize_formula,
)
from .references import _cell_key, _defined_names, _references, _text_of
from .results import Evaluation, Problem, _collect_cell, _collect_warnings

__all__ = ["evaluate_package"]


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
    with _cyclic_gc(False):
        return _evaluate_package(pkg, registry, write_tolerance, progress, all_formulas)


@contextlib.contextmanager
def _cyclic_gc(enabled: bool):
    """Python's cyclic garbage collector on or off, then restored as it was.

    Scanning and evaluating a large workbook with the fast evaluator makes hundreds of
    thousands of small containers (a tuple per cell, a list of inputs per formula, the
    values read and computed) that live until the end and hold no reference cycles.
    The collector, started by the number of allocations, would traverse all of them
    again and again: about a quarter of the time on 260,000 formulas.  So it is off
    meanwhile (reference counting frees everything as usual; cycles made meanwhile are
    collected once it runs again), and on for ``formulas``' full model, whose graphs
    are full of cycles.
    """
    was = gc.isenabled()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def _evaluate_package(pkg, registry, write_tolerance, progress, all_formulas) -> Evaluation:
    registry = {
        k.upper(): v for k, v in (default_registry() if registry is None else registry).items()
    }
    pattern = agglo_name_pattern(list(registry))
    ev = Evaluation()
    t0 = time.perf_counter()
    sheets = pkg.worksheet_parts()
    # fast byte-level survey first: a workbook without Agglo formulas is left alone,
    # and one that is too large is refused before anything parses it in full
    n_cells, any_agglo, any_formula = _survey(pkg, sheets, pattern)
    if not any_agglo and not (all_formulas and any_formula):
        ev.seconds["scan"] = time.perf_counter() - t0
        return ev
    if n_cells > pkg.limits.max_cells:
        raise RefusedError(
            f"{pkg.path.name}: {n_cells:,} cells, more than the limit of "
            f"{pkg.limits.max_cells:,} for evaluation (raise it with --max-cells if the "
            "machine has the memory)"
        )
    # a formula cell's value is its ``cached`` alone (one key less per formula cell):
    # what reads the values of formula cells looks there (_set_aside_kept, cells_of)
    scans = [pkg.scan_sheet(s, keep_values=True, formula_values=False) for s in sheets]
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


_MISSING = object()


def _survey(pkg, sheets, pattern) -> tuple[int, bool, bool]:
    """(cells, any Agglo formula, any formula) of the sheets, from their bytes.  (A
    function of its own so that the formula texts it reads are freed before the sheets
    are scanned.)"""
    n_cells, any_agglo, any_formula = 0, False, False
    for s in sheets:
        n, texts = xlsx.survey_sheet(pkg, s)
        n_cells += n
        any_formula = any_formula or bool(texts)
        any_agglo = any_agglo or any(_uses_agglo(t, pattern) for t in texts)
    return n_cells, any_agglo, any_formula


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
    from ..keep_cached import reason_to_keep

    table = _known_functions()
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
        fc = scan.formulas.pop(ref, None)
        if fc is not None and scan.values is not None:
            # a value from now on, read as the values are (a value cell written after
            # it under the same reference stays, as it does when the scan keeps both)
            scan.values.setdefault((fc.row, fc.col), fc.cached)
        agglo.pop((scan.info.name, ref), None)
    return kept


def _evaluate(
    pkg, scans, agglo, registry, pattern, ev, tol, progress, everything, kept=None
) -> Evaluation:
    suffix = pkg.path.suffix.lower() if pkg.path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    book_name = "book" + suffix
    log: dict[str, list[_CallRecord]] = {}
    # one key per Agglo cell, made of the strings the scan holds where it can (a large
    # sheet has tens of thousands of Agglo cells)
    upper = {s.info.name: s.info.name.upper() for s in scans}
    formulas_of = {}
    for (sh_, ref), fc in agglo.items():
        if fc.text:
            ref_u = ref.upper()
            formulas_of[(upper[sh_], ref if ref_u == ref else ref_u)] = fc.text
    scan_of = {s.info.name.upper(): s for s in scans}

    def cells_of(sheet: str, r1: int, c1: int, r2: int, c2: int) -> list[list[Any]]:
        # stored values: constants, and the cached results of formula cells
        scan = scan_of[sheet.upper()]
        vals, cells = scan.values, scan.formulas

        def at(r: int, c: int) -> Any:
            v = vals.get((r, c), _MISSING)
            if v is _MISSING:
                fc = cells.get(xlsx.cell_ref(r, c))
                return None if fc is None else fc.cached
            return v

        return [[at(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    saved = _register(registry, log, formulas_of, cells_of)  # for the origins hook
    tmpdir = tempfile.mkdtemp(prefix="agglo-eval-")
    # formulas logs every reference it cannot load; those cells are reported instead
    flog = logging.getLogger("formulas")
    old_level = flog.level
    flog.setLevel(logging.CRITICAL)
    try:
        try:
            return fast._evaluate_fast(
                pkg, scans, agglo, ev, tol, everything, pattern, book_name, log, registry
            )
        except _Fallback:
            log.clear()  # the full model below starts afresh
        with _cyclic_gc(True):
            return _evaluate_full(
                pkg, scans, agglo, pattern, ev, tol, progress, everything, kept, book_name, log,
                tmpdir,
            )  # fmt: skip
    finally:
        flog.setLevel(old_level)
        _unregister(saved)
        shutil.rmtree(tmpdir, ignore_errors=True)


def _evaluate_full(
    pkg, scans, agglo, pattern, ev, tol, progress, everything, kept, book_name, log, tmpdir
) -> Evaluation:
    """Evaluate with ``formulas.ExcelModel`` (:class:`~.bridge.FullModel`): the workbooks
    the fast evaluator declines."""
    t0 = time.perf_counter()
    # evaluate exactly the bytes that were checked, under a neutral name
    src = os.path.join(tmpdir, book_name)
    with open(src, "wb") as fh:
        fh.write(pkg.data)
    if progress:
        progress("load", 0, 3)
    try:
        model = FullModel(
            src,
            book_name,
            pattern,
            kept,
            None if everything else _needed_cells(pkg, scans, agglo, book_name),
            progress,
        )
    except RefusedError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported as a refusal with the reason
        raise RefusedError(
            f"{pkg.path.name}: the evaluator could not read the workbook "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    ev.seconds["load"] = time.perf_counter() - t0

    by_key = model.formula_nodes()  # formula cells of the model, by (SHEET, ref)
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
    formula_nodes = set(by_key.values())
    needed = (set(agglo_nodes) | model.connected(agglo_nodes)) & formula_nodes
    if everything:
        needed = formula_nodes
    ev.n_evaluated = len(needed)
    model.track(agglo_nodes)  # to attribute messages and shapes to the Agglo cells

    if progress:
        progress("calculate", 2, 3)
    t1 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = model.calculate(sorted(needed)) if needed else {}
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
        _collect_cell(ev, scan, node, sol, agglo_nodes, log, tol, pkg, scans)
    _collect_warnings(ev, log)
    return ev
