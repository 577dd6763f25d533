"""What evaluating a workbook found: computed values compared with the cached ones.

Each computed formula (a cell, or the range of an array formula) is compared with the
value Excel cached; what differs becomes a :class:`CellChange` and a value in the
:class:`~agglo_addin.xlsx.SheetPatch` to write, what could not be evaluated a
:class:`Problem` (never written over the cached value).  A dynamic array whose Agglo
result changed size gets its range resized when nothing is in the way.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np

from .. import xlsx
from ..xlsx import ExcelError, SheetPatch
from .bridge import _to_python
from .references import _text_of

__all__ = ["CellChange", "Evaluation", "Problem", "values_close"]


@dataclasses.dataclass(slots=True)  # one per changed cell: slots make them cheaper
class CellChange:
    sheet: str
    cell: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "old": _jsonable(self.old),
                "new": _jsonable(self.new)}  # fmt: skip


@dataclasses.dataclass(slots=True)
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


def _collect_cell(ev, scan, node, sol, agglo_nodes, log, tol, pkg, scans) -> None:
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
            _record(ev, patch, sheet, cref, lambda: formula, old, new, (i, j) == (0, 0), tol)
    if is_agglo and messages:
        ev.problems.append(Problem(sheet, anchor, formula, "; ".join(dict.fromkeys(messages))))


def _record(ev, patch, sheet, cref, formula_of, old, new, anchor: bool, tol) -> None:
    """Record one computed cell: its value, a change, a problem (``formula_of()``: the
    formula's text, only asked for when a problem names it)."""
    ev.values[(sheet, cref)] = new
    if type(new) is ExcelError:
        code = str(new)
        if code in _NOT_EVALUABLE and not (isinstance(old, ExcelError) and str(old) == code):
            if anchor:
                formula = formula_of()
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


def _collect_single(ev, scan, ref, value, node, log, tol, scans) -> None:
    """:func:`_collect_cell` for one formula cell that is not an array formula (what the
    fast evaluator has); ``node``: the cell's node name when it holds an Agglo formula,
    else ""."""
    sheet = scan.info.name
    fc = scan.formulas.get(ref)
    if fc is None:
        return
    patch = ev.patches.get(scan.info.part)
    if patch is None:
        patch = ev.patches[scan.info.part] = SheetPatch()
    if type(value) is float and not node and math.isfinite(value):
        # the common case, once per cell of a large sheet: a number from an ordinary
        # formula, which names no formula in a problem and carries no messages
        _record(ev, patch, sheet, fc.ref, None, fc.cached, value, True, tol)
        return

    def formula_of() -> str | None:
        return _text_of(scans, sheet, fc)

    _record(ev, patch, sheet, fc.ref, formula_of, fc.cached, _to_python(value), True, tol)
    if node:
        messages = [m for r in log.get(node, ()) for m in r.messages]
        if messages:
            ev.problems.append(
                Problem(sheet, fc.ref, formula_of(), "; ".join(dict.fromkeys(messages)))
            )


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


def _collect_warnings(ev, log) -> None:
    """The warnings of the Agglo calls, once each, prefixed with the function's name."""
    for recs in log.values():
        for rec in recs:
            for w in rec.warnings:
                msg = f"{rec.function}: {w}"
                if msg not in ev.warnings:
                    ev.warnings.append(msg)
