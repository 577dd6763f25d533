"""The fast evaluator: the common workbook evaluated without ``formulas.ExcelModel``.

``formulas.ExcelModel`` builds one dispatcher graph for the whole workbook: every cell,
every range and every link becomes a node, which costs far more than the arithmetic on
yearbook-sized sheets.  For the common case this evaluator keeps ``formulas`` as the
parser, compiler and function library (through :mod:`.bridge`) and only replaces the
bookkeeping: each distinct relative (R1C1) formula is compiled once (a formula filled
down a column is one pattern), and cells are evaluated depth first in dependency order,
reading their inputs from the values the sheet XML holds.  The cells of an element-wise
pattern (``=A2*2``, ``=IF(B2>1,"hi","lo")``, only functions on :data:`_ELEMENTWISE`) are
computed in one call on columns of values (arithmetic and comparisons of plain numbers by
NumPy, :func:`.bridge._fast_operators`), and so are the cells of a row aggregate
(:data:`_ROW_AGGREGATES`) and of an LQ or HHI pattern on plain numbers (one ``agglo``
call per pattern, :meth:`_FastBook._evaluate_shortcuts`); the other cells one by one.
A formula filled down a column is compiled once for the column
(:meth:`_FastBook._precompile`).  It takes legacy and dynamic
array formulas (results fitted to their range as Excel shows them), defined names that
stand for a range or for a formula of absolute references, and formulas it cannot share
(``INDEX``/``MATCH`` ...) compiled for their cell alone.  What it does not take —
functions whose value depends on the cell or on references made at run time (``ROW()``,
``INDIRECT``, ``CELL``, ``ISREF`` ...), names whose formulas hold relative references,
whole rows/columns, circular references — raises ``_Fallback`` and the workbook goes
through the full model.  (Data tables, other files and unsupported functions never reach
it: see :mod:`agglo_addin.keep_cached`.)
"""

from __future__ import annotations

import bisect
import math
import re
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from agglo.cells import quote_sheet

from .. import xlsx
from ..xlsx import FormulaCell
from .bridge import (
    _cell_calls,
    _column_values,
    _compile_formula,
    _empty,
    _Fallback,
    _FastPipe,
    _functions_of,
    _inputs_of,
    _to_formulas_value,
)
from .dependencies import _needed_formulas
from .names import _STRING_LITERAL, _digit_free, _outside_strings, normalize_formula
from .references import (
    _AREA,
    _DIGITS,
    _SCIENTIFIC,
    _defined_names,
    _name_target,
    _parse_area,
    _plan_of,
    _split_sheet,
    _template_key,
    _text_of,
    _tokenize,
)
from .results import _collect_cell, _collect_single, _collect_warnings

_REFERENCE_FUNCS = re.compile(r"\b(ISREF|AREAS|SINGLE|_XLFN\.SINGLE)\s*\(|@|#", re.IGNORECASE)
# functions whose value depends on the cell holding them or on references computed at
# run time: left to the full model
_CELL_DEPENDENT = re.compile(
    r"\b(ROW|COLUMN|OFFSET|INDIRECT|CELL|INFO|FORMULATEXT|ISFORMULA|_XLFN\.FORMULATEXT|"
    r"_XLFN\.ISFORMULA|LAMBDA|_XLFN\.LAMBDA|LET|_XLFN\.LET)\s*\(",
    re.IGNORECASE,
)


class _Moved(Sequence):
    """The inputs of a cell of a pattern compiled for its column (:meth:`_FastBook._precompile`):
    the pattern's first inputs moved down ``dr`` rows, each made when it is read.

    One small object per cell instead of a tuple of tuples: the plans of every cell of a
    sheet are held at once while their order is found, which is when memory peaks (80 MiB
    of tuples for 240,000 cells of the engine benchmark).
    """

    __slots__ = ("shape", "dr")

    def __init__(self, shape: list[tuple], dr: int) -> None:
        #: each input: (sheet, first row, moves?, first column, last row, moves?, last column)
        self.shape = shape
        self.dr = dr

    def __len__(self) -> int:
        return len(self.shape)

    def __getitem__(self, j: int) -> tuple[int, int, int, int, int]:
        sid, r1, m1, c1, r2, m2, c2 = self.shape[j]
        a = r1 + self.dr if m1 else r1
        return (sid, a, c1, r2 + self.dr if m2 else r2, c2)

    def __iter__(self):
        dr = self.dr
        for sid, r1, m1, c1, r2, m2, c2 in self.shape:
            yield (sid, r1 + dr if m1 else r1, c1, r2 + dr if m2 else r2, c2)


class _FastBook:
    """Formula cells and values of a workbook, evaluated without ``ExcelModel``."""

    def __init__(self, pkg, scans, pattern, shortcuts=None):
        self.scans = scans
        self.pattern = pattern
        #: NAME → (:func:`_lq_of_four_numbers`-like function, its batch form) for the Agglo functions
        #: computed directly for plain numbers (:func:`_shortcuts`)
        self.shortcuts = shortcuts or {}
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
                quoted.append(re.escape(quote_sheet(s.info.name, always=True) + "!"))
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

    def _precompile(self, keys) -> None:
        """Compile the cells of each formula filled down a column at once.

        Cells of one column whose texts differ only in digit runs (``=A2*2``, ``=A3*2``
        ...) are the same pattern when each digit run that is a relative row moves with
        the row and every other one (literals, absolute rows) is the same: then they share
        the first cell's compiled formula (its R1C1 key is theirs), and their inputs are
        its inputs moved by the rows between them.  The first cell is compiled by
        :meth:`compile` as any other; a cell that does not follow it, and every case
        this does not cover (defined names, sheet names with an apostrophe, data tables,
        shared or array formulas, formulas that normalise or do not share), is left to
        :meth:`compile`.  Same results as compiling each cell (checked by
        ``tests/test_engine.py``), about a third of the cost.
        """
        if self.defined or self.quoted is not None or any(self.blocked):
            return
        formulas, compiled, arrays = self.formulas, self.compiled, self.array_area
        columns: dict[tuple[int, int], list] = {}
        for key in keys:
            fc = formulas.get(key)
            if fc is None or fc.kind != "normal" or not fc.text or key in arrays or key in compiled:
                continue
            columns.setdefault((key[0], key[2]), []).append(key)
        # a column at a time: the digit runs of one column are held at once, not the book's
        offsets: dict[int, int] = {}  # the columns' cells share their row offsets
        for (si, _col), col_keys in columns.items():
            self._precompile_column(si, col_keys, offsets)

    def _precompile_column(self, si: int, keys, offsets: dict[int, int]) -> None:
        """:meth:`_precompile` of the cells ``keys`` of one column of sheet ``si``."""
        formulas, compiled = self.formulas, self.compiled
        split = _DIGITS.split
        runs: dict[str, list] = {}
        for key in keys:
            pieces = split(formulas[key].text.lstrip("="))
            if len(pieces) > 1:
                runs.setdefault("\0".join(pieces[0::2]), []).append((key, pieces[1::2]))
        for members in runs.values():
            if len(members) < 2:
                continue
            key0, digits0 = members[0]
            body = formulas[key0].text.lstrip("=")
            if _SCIENTIFIC.search(body):
                continue
            func, ins0, tkey = compiled[key0] = self.compile(si, formulas[key0])
            if type(tkey) is not str or not self.facts[_digit_free(body)][0]:
                continue  # compiled for its cell alone, or normalised: cell by cell
            got = _plan_of("=" + body, self.scans[si].info.name.upper())
            if got is None or got[0][2] or len(got[0][0]) != len(digits0):
                continue
            roles = got[0][0]
            moving = [i for i, role in enumerate(roles) if role is not None and not role[2]]
            start = [int(digits0[i]) for i in moving]
            tpl = self.templates[tkey]
            flags = [tpl[3][k][2] for k in tpl[1]]
            # each input: (sheet, first row, moves?, first column, last row, moves?, last column)
            shape = [(sid, r1, not f[0], c1, r2, not f[2], c2)
                     for (sid, r1, c1, r2, c2), f in zip(ins0, flags, strict=True)]  # fmt: skip
            r0 = key0[1]
            # a cell follows the first when its digit runs are the first's with each
            # moving row moved by the rows between them, written as Excel writes a row
            # (a cell written otherwise is compiled on its own, with the same result)
            expected = list(digits0)
            for key, digits in members[1:]:
                dr = key[1] - r0
                for i, s0 in zip(moving, start, strict=True):
                    expected[i] = str(s0 + dr)
                if digits == expected:
                    compiled[key] = (func, _Moved(shape, offsets.setdefault(dr, dr)), tkey)

    def _compile_template(self, text: str, sheet: str, areas):
        """(function, input picks, batchable, areas); ``areas`` None: read from the inputs
        (a formula compiled for one cell only)."""
        try:
            func = _compile_formula(text, sheet.upper())
        except Exception as exc:  # noqa: BLE001 - formulas cannot parse it: the model decides
            raise _Fallback(f"cannot compile {text}") from exc
        own = areas is None
        if own:
            areas = []
        picks = []
        for name, n_ranges in _inputs_of(func):
            if n_ranges != 1:
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
        names = _functions_of(func)
        single = all(
            areas[k][1][0] == areas[k][1][2] and areas[k][1][1] == areas[k][1][3] for k in picks
        )
        if not own and single and names <= _ELEMENTWISE:
            return _FastPipe(func), picks, True, areas, None
        shortcut = None
        if not own and len(names) == 1 and next(iter(names)) in self.shortcuts:
            shortcut = self._shortcut_of(text, sheet, next(iter(names)), picks, areas)
        if shortcut is not None:
            # the cells of such a pattern are computed together (:meth:`_evaluate_shortcuts`)
            return _FastPipe(func), picks, _SHORTCUT, areas, shortcut
        # ``=AVERAGE(Data!B2:E2)`` filled down: one aggregate of one row (see _ROW_AGGREGATES)
        row_agg = (
            not own
            and len(picks) == 1
            and len(names) == 1
            and next(iter(names)) in _ROW_AGGREGATES
            and areas[picks[0]][1][0] == areas[picks[0]][1][2]
            and re.fullmatch(r"=\s*[\w.]+\(\s*[^(),]+\)\s*", text) is not None
        )
        return _FastPipe(func), picks, next(iter(names)) if row_agg else False, areas, None

    def _shortcut_of(self, text: str, sheet: str, name: str, picks, areas):
        """(shortcut of ``name``, which input gives each argument) for a formula that is
        ``=NAME(a,b,...)`` of distinct references only, each of the shape the shortcut
        takes (:data:`_SHORTCUT_SHAPES`); else None."""
        m = re.fullmatch(r"=\s*([\w.]+)\(([^(),\"]+(?:,[^(),\"]+)*)\)\s*", text)
        if m is None or m.group(1).upper() != name:
            return None
        args = [a.strip() for a in m.group(2).split(",")]
        shapes = _SHORTCUT_SHAPES[name]
        if len(args) != len(picks) or len(args) != len(shapes):
            return None  # a literal, an omitted, a repeated or a further argument
        order = []  # formulas orders a compiled formula's inputs its own way
        for a, shape in zip(args, shapes, strict=True):
            sh, ref = _split_sheet(a)
            area = ((sh or sheet).upper(), _parse_area(ref))
            hits = [j for j, k in enumerate(picks) if areas[k][:2] == area]
            if len(hits) != 1:
                return None
            r1, c1, r2, c2 = area[1]
            # a "line" is one row: a column of two rows or more goes through the registered
            # function, which also reads the row labels beside it (units, totals)
            if (shape == "cell" and (r1, c1) != (r2, c2)) or r1 != r2:
                return None
            order.append(hits[0])
        return self.shortcuts[name], order

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
            if r1 == r2:  # one row: at most one cell of this column
                i = bisect.bisect_left(rows, r1)
                if i < len(rows) and rows[i] == r1:
                    yield (sid, r1, c)
                continue
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

    def _line_values(self, sid, r1, c1, r2, c2) -> list:
        """The values of the cells of one row or column, as the file or the evaluation
        holds them (None for an empty cell and for a cell of an array formula)."""
        out = []
        covered, arrays, formulas, res = self.covered, self.array_area, self.formulas, self.results
        vals = self.values[sid]
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                key = (sid, r, c)
                if key in covered or key in arrays:
                    out.append(None)
                elif key in formulas:
                    out.append(res[key])
                else:
                    out.append(vals.get((r, c)))
        return out

    def _area_value(self, sid, r1, c1, r2, c2):
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
        empty = _empty()
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
        self._precompile(starts)
        stack = [k for k in starts if k not in res]
        got = None
        if len(stack) == len(self.formulas):  # every formula cell: the order by pattern
            got = self._pattern_order(stack[::-1])
        order, groups = got if got is not None else self._cell_order(stack)
        del stack  # memory peaks while the results are computed
        # a cell's compiled plan and inputs are dropped once it is computed
        with _cell_calls(node_name, agglo_keys) as call:
            for kind, item in order:
                if kind == "g":
                    members = groups[item]
                    self._evaluate_group(members, call)
                    for m in members:
                        del compiled[m]
                else:
                    self._evaluate_cell(item, call)
                    del compiled[item]

    def _pattern_order(self, keys):
        """(order, groups) as :meth:`_cell_order` gives them when every formula cell is
        evaluated, found a pattern at a time: None when it does not apply (array
        formulas, a pattern that depends on itself, a cycle, or too many links between
        single cells), and :meth:`_cell_order` decides.

        ``keys``: every formula cell, in the order :meth:`_cell_order` visits them (the
        order of each pattern's cells).  Each cell's node is its pattern's (in ``groups``)
        or its own.  The cells of a pattern compiled for their column (:class:`_Moved`)
        share their inputs moved by their rows: for each input, the formula cells all of
        them read are found by one search over the column's rows (NumPy), which gives the
        same links between nodes as looking at each cell, and any order of the nodes
        that respects them computes the same values.
        """
        if self.array_area or self.covered:
            return None
        compiled, templates, formulas = self.compiled, self.templates, self.formulas
        for key in keys:  # as _cell_order compiles them
            if key not in compiled:
                compiled[key] = self.compile(key[0], formulas[key])
        groups: dict[Any, list[tuple[int, int, int]]] = {}
        for key in keys:
            t = compiled[key][2]
            if templates[t][2]:
                groups.setdefault(t, []).append(key)
        groups = {t: m for t, m in groups.items() if len(m) > 1}
        # nodes: the patterns of groups, then the other cells; each formula cell's node
        # number, column by column in the order of its rows
        nodes: list[tuple[str, Any]] = [("g", t) for t in groups]
        gid = {t: i for i, t in enumerate(groups)}
        columns: dict[tuple[int, int], tuple[list[int], list[int], np.ndarray, np.ndarray]] = {}
        for sid, by_col in enumerate(self.rows_by_col):
            for col, rows in by_col.items():
                nids = []
                for r in rows:
                    g = gid.get(compiled[(sid, r, col)][2])
                    if g is None:
                        g = len(nodes)
                        nodes.append(("c", (sid, r, col)))
                    nids.append(g)
                columns[(sid, col)] = (
                    rows,
                    nids,
                    np.array(rows, np.int64),
                    np.array(nids, np.int64),
                )

        def reads(sid, c1, c2, lo, hi) -> np.ndarray:
            """Node numbers of the formula cells in columns c1..c2 of the sheet, rows
            lo[i]..hi[i] for some i (arrays)."""
            by_col = self.rows_by_col[sid]
            cols = range(c1, c2 + 1) if c2 - c1 < len(by_col) else sorted(by_col)
            found = []
            for c in cols:
                if not (c1 <= c <= c2) or c not in by_col:
                    continue
                _rows, _nids, rows, nids = columns[(sid, c)]
                a = np.searchsorted(rows, lo, "left")
                b = np.searchsorted(rows, hi, "right")
                n = len(rows)
                inside = np.cumsum(
                    np.bincount(a, minlength=n + 1) - np.bincount(b, minlength=n + 1)
                )
                found.append(nids[inside[:n] > 0])
            return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)

        edges: set[tuple[int, int]] = set()
        for t, members in groups.items():
            g = gid[t]
            runs: dict[int, tuple[list, list[int]]] = {}  # shape → its cells' row offsets
            loose: dict[tuple[int, int, int], tuple[list[int], list[int]]] = {}
            for m in members:
                ins = compiled[m][1]
                if type(ins) is _Moved:
                    runs.setdefault(id(ins.shape), (ins.shape, []))[1].append(ins.dr)
                    continue
                for sid, r1, c1, r2, c2 in ins:
                    lo_hi = loose.setdefault((sid, c1, c2), ([], []))
                    lo_hi[0].append(r1)
                    lo_hi[1].append(r2)
            for shape, drs in runs.values():
                dr = np.array(drs, np.int64)
                for sid, r1, m1, c1, r2, m2, c2 in shape:
                    lo = r1 + dr if m1 else np.full(len(dr), r1, np.int64)
                    hi = r2 + dr if m2 else np.full(len(dr), r2, np.int64)
                    edges.update((int(x), g) for x in reads(sid, c1, c2, lo, hi))
            for (sid, c1, c2), (lo, hi) in loose.items():
                found = reads(sid, c1, c2, np.array(lo, np.int64), np.array(hi, np.int64))
                edges.update((int(x), g) for x in found)
        # the other cells one by one, as _cell_order looks at them
        links = 0
        for nid in range(len(groups), len(nodes)):
            key = nodes[nid][1]
            for sid, r1, c1, r2, c2 in compiled[key][1]:
                by_col = self.rows_by_col[sid]
                if r1 == r2 and c1 == c2:
                    col = columns.get((sid, c1))
                    if col is not None:
                        i = bisect.bisect_left(col[0], r1)
                        if i < len(col[0]) and col[0][i] == r1:
                            edges.add((col[1][i], nid))
                    continue
                for k in self._formula_cells_in(sid, r1, c1, r2, c2):
                    col = columns[(k[0], k[2])]
                    edges.add((col[1][bisect.bisect_left(col[0], k[1])], nid))
                    links += 1
                if links > 1_000_000:
                    return None  # ranges over many formula cells: cell by cell
        if any(a == b for a, b in edges):
            return None  # a pattern reading its own cells, or a cell itself
        succ: list[list[int]] = [[] for _ in nodes]
        indeg = [0] * len(nodes)
        for a, b in edges:
            succ[a].append(b)
            indeg[b] += 1
        ready = [i for i, d in enumerate(indeg) if d == 0]
        order = []
        while ready:
            i = ready.pop()
            order.append(nodes[i])
            for j in succ[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    ready.append(j)
        if len(order) < len(nodes):
            return None  # a cycle
        return order, groups

    def _cell_order(self, stack):
        """(order, groups) of :func:`_schedule` for the cells of ``stack`` (popped from its
        end) and everything they depend on, found cell by cell."""
        plain: dict[tuple[int, int, int], bool] = {}  # (sheet, c1, c2) → _values_only
        deps: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        res, compiled = self.results, self.compiled
        formulas, covered = self.formulas, self.covered
        # every formula cell is a start: what a cell depends on is visited as a start too
        every = len(stack) == len(formulas)
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
            d = []
            for a in got[1]:
                sid, r1, c1, r2, c2 = a
                span = (sid, c1, c2)
                value_only = plain.get(span)
                if value_only is None:
                    value_only = plain[span] = self._values_only(*span)
                if value_only:
                    continue  # columns of values only: nothing to wait for
                if r1 == r2 and c1 == c2:  # one cell: the common case, looked up here
                    k = (sid, r1, c1)
                    if k not in formulas:
                        k = covered.get(k)
                        if k is None:
                            continue
                    if k not in res:
                        d.append(k)
                else:
                    d.extend(k for k in self._formula_cells_in(*a) if k not in res)
            # kept for every cell until the order is known: as numbers (:func:`_pack`)
            if not d:
                deps[key] = ()
            else:
                deps[key] = _pack(*d[0]) if len(d) == 1 else tuple([_pack(*k) for k in d])
                if not every:
                    stack.extend(k for k in d if k not in deps)
        groups: dict[str, list[tuple[int, int, int]]] = {}
        for key in deps:
            t = compiled[key][2]
            if self.templates[t][2]:
                groups.setdefault(t, []).append(key)
        groups = {t: m for t, m in groups.items() if len(m) > 1}
        while True:
            order, bad = _schedule(deps, groups, compiled)
            if not bad:
                break
            for t in bad:
                del groups[t]
        return order, groups

    def _values_only(self, sid: int, c1: int, c2: int) -> bool:
        """True when columns c1..c2 of the sheet hold no formula cell and the sheet no
        array formula: an input there depends on nothing."""
        by_col = self.rows_by_col[sid]
        if c2 - c1 < len(by_col):
            formulas_there = any(c in by_col for c in range(c1, c2 + 1))
        else:
            formulas_there = any(c1 <= c <= c2 for c in by_col)
        return not formulas_there and not self.arrays[sid]

    def _evaluate_cell(self, key, call) -> None:
        func, ins, t = self.compiled[key]
        area = self.array_area.get(key)
        shortcut = self.templates[t][4]
        if shortcut is not None and area is None:
            (fn, _batch), order = shortcut
            v = fn(*[self._line_values(*ins[j]) for j in order])
            if v is not None:
                self.results[key] = v
                return
        args = [self._area_value(*a) for a in ins]
        if area is None:
            self.results[key] = call(key, func, args)
        else:
            self.results[key] = call(
                key, func, args, (area[2] - area[0] + 1, area[3] - area[1] + 1)
            )

    def _evaluate_rows(self, members, call, name: str) -> None:
        """``=F(row)`` filled down (F in _ROW_AGGREGATES): one NumPy reduction over the
        rows whose cells all hold finite numbers (:func:`_aggregate_rows`); the other
        rows cell by cell."""
        res, compiled, formulas = self.results, self.compiled, self.formulas
        batch, rows = [], []
        for m in members:
            sid, r, c1, _r2, c2 = compiled[m][1][0]
            vals = self.values[sid]
            row = []
            for c in range(c1, c2 + 1):
                k = (sid, r, c)
                if k in formulas and k not in self.array_area:
                    x = res[k]
                elif k in self.covered or k in self.array_area:
                    row = None  # a cell of an array formula: cell by cell
                    break
                else:
                    x = vals.get((r, c))
                if not _plain_number(x):
                    row = None  # empty, text, logical or error cells: Excel's rules apply
                    break
                row.append(x)
            if row is None:
                self._evaluate_cell(m, call)
            else:
                batch.append(m)
                rows.append(row)
        if batch:
            for m, x in zip(batch, _aggregate_rows(name, rows), strict=True):
                res[m] = x

    def _evaluate_shortcuts(self, members, call) -> None:
        """The cells of a pattern whose Agglo function has a shortcut (:func:`_shortcuts`):
        one batch call for them all; the cells it leaves (None) one by one."""
        (_fn, batch), order = self.templates[self.compiled[members[0]][2]][4]
        compiled, line = self.compiled, self._line_values
        args = [[line(*compiled[m][1][j]) for m in members] for j in order]
        for m, v in zip(members, batch(*args), strict=True):
            if v is None:
                self._evaluate_cell(m, call)
            else:
                self.results[m] = v

    def _evaluate_group(self, members, call) -> None:
        """One call for all cells of an element-wise pattern (columns of inputs)."""
        res, compiled, formulas = self.results, self.compiled, self.formulas
        kind = self.templates[compiled[members[0]][2]][2]
        if kind is _SHORTCUT:
            return self._evaluate_shortcuts(members, call)
        if kind is not True:
            return self._evaluate_rows(members, call, kind)
        func = compiled[members[0]][0]
        n = len(members)
        covered, values = self.covered, self.values
        ins = [compiled[m][1] for m in members]
        plain = (float, int, str, bool)
        cols = []
        for j in range(len(ins[0])):
            got = []
            add = got.append
            for inputs in ins:
                sid, r, c, _r2, _c2 = inputs[j]
                k = (sid, r, c)
                if covered and k in covered:  # a cell of an array formula: cell by cell
                    for m2 in members:
                        self._evaluate_cell(m2, call)
                    return
                if k in formulas:
                    add(res[k])
                    continue
                x = values[sid].get((r, c))
                add(x if type(x) in plain else _to_formulas_value(x))
            # fromiter keeps each value one element, whatever it is
            cols.append(np.fromiter(got, dtype=object, count=n).reshape(n, 1))
        try:
            v = func(*cols)
        except Exception:  # noqa: BLE001 - cell by cell decides (and reports)
            v = None
        if isinstance(v, np.ndarray) and v.shape == (n, 1):
            for m, x in zip(members, _column_values(v), strict=True):
                res[m] = x
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
# the kind of a pattern of Agglo cells computed by a shortcut (:meth:`_evaluate_shortcuts`)
_SHORTCUT = "shortcut"
# Aggregates of one row computed for a whole pattern with NumPy (``=AVERAGE(B2:E2)``
# filled down), when every cell holds a finite number: what Excel gives then
_ROW_AGGREGATES = {"SUM": np.sum, "AVERAGE": np.mean, "MAX": np.argmax, "MIN": np.argmin}
_INT_EXACT = 2**53


def _plain_number(x: Any) -> bool:
    """A finite number (not a logical value) that a double holds exactly."""
    t = type(x)
    if t is float or t is np.float64:
        return math.isfinite(x)
    return t is int and -_INT_EXACT < x < _INT_EXACT


def _aggregate_rows(name: str, rows: list[list]) -> list:
    """``name`` (a key of :data:`_ROW_AGGREGATES`) of each row of plain numbers
    (:func:`_plain_number`), each value what ``formulas`` gives for that one cell.

    Its SUM and AVERAGE add the row as doubles (``np.sum``, ``np.mean``; a NumPy
    double comes back), as one reduction along the rows does; its MAX and MIN are
    Python's ``max``/``min``, which return the first largest (smallest) element itself,
    an ``int`` staying an ``int``: ``argmax``/``argmin`` pick that same element (the
    doubles compare as the numbers do, exactly below 2**53).
    """
    fn = _ROW_AGGREGATES[name]
    if len({len(r) for r in rows}) != 1:  # rows of different lengths: one at a time
        return [_aggregate_rows(name, [r])[0] for r in rows]
    got = fn(np.array(rows, dtype=float), axis=1)
    if name in ("MAX", "MIN"):
        return [r[i] for r, i in zip(rows, got.tolist(), strict=True)]
    return list(got)


# a cell (sheet, row, column) as one number: what each cell depends on is held for every
# cell at once while the order is found, and a number is half the size of a tuple
_COL_BITS, _ROW_BITS = 15, 21  # columns up to 16,384 (XFD), rows up to 1,048,576
_COL_MASK, _ROW_MASK = (1 << _COL_BITS) - 1, (1 << _ROW_BITS) - 1
_SHEET_SHIFT = _COL_BITS + _ROW_BITS


def _pack(sid: int, row: int, col: int) -> int:
    """A cell as one number (:func:`_schedule` reads it back)."""
    return (sid << _SHEET_SHIFT) | (row << _COL_BITS) | col


def _schedule(deps, groups, compiled):
    """Order of evaluation: ([("g", pattern) | ("c", cell)], set()) or (None, patterns
    to compute cell by cell because they depend on themselves or sit in a cycle).

    A cell's node is its pattern's when the pattern is in ``groups`` (every cell of a
    pattern in ``groups`` is one of its members), found through the cell's compiled
    template key, so that no map of every cell to its node is built.  ``deps``: cell →
    the cells it depends on, packed by :func:`_pack` (one number, or a tuple of them)."""
    gnode = {t: ("g", t) for t in groups}
    indeg: dict[tuple, int] = {}
    succ: dict[tuple, set] = {}
    self_loops = set()
    for k, d in deps.items():  # every cell a cell depends on is in deps (and compiled)
        a = gnode.get(compiled[k][2]) or ("c", k)
        indeg.setdefault(a, 0)
        for e in (d,) if type(d) is int else d:
            j = (e >> _SHEET_SHIFT, (e >> _COL_BITS) & _ROW_MASK, e & _COL_MASK)
            b = gnode.get(compiled[j][2]) or ("c", j)
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


def _positive_numbers(values: list) -> list[float] | None:
    """Cell values as the floats a worksheet function reads, when every one is a finite
    number above 0 (not a logical value); else None."""
    out = []
    for x in values:
        t = type(x)
        if t is float or t is np.float64 or t is int:
            x = float(x)  # as the cell reaches the worksheet function
        else:
            return None
        if not (0 < x < math.inf):
            return None
        out.append(x)
    return out


def _checked_call(func, *args, **kwargs):
    """``call_checked(func, *args, **kwargs)`` as the worksheet function makes it (warnings
    and floating-point flags ignored), its one value as a finite float, or None (an error
    raised, any other result)."""
    from ..conversion import call_checked

    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = call_checked(func, *args, **kwargs)
    except Exception:  # noqa: BLE001 - the registered function reports it
        return None
    got = np.asarray(got, dtype=float).reshape(-1) if type(got) is not float else [got]
    if len(got) != 1 or not math.isfinite(got[0]):
        return None
    return float(got[0])


def _lq_of_four_numbers(data: list, region_totals: list, industry_totals: list, grand_total: list):
    """``=LQ(a,b,c,d)`` of four cells, as the registered LQ gives it when the four hold
    numbers above 0 (its adapter reads them as numbers, calls
    :func:`agglo_addin.conversion.call_checked` with ``location_quotient`` and the default
    options, and turns a finite result into that number); None for anything else — text,
    blanks, logical values, errors, zeros (a block of zeros is refused by the adapter),
    negative numbers, an error raised, a result that is not a finite number — which the
    registered function then computes and reports.  It spares the conversions of the
    worksheet-function layers, about 100 µs a call; checked against the registered
    function by ``tests/test_engine.py``."""
    vals = _positive_numbers([*data, *region_totals, *industry_totals, *grand_total])
    if vals is None:
        return None
    import agglo

    return _checked_call(agglo.location_quotient, *vals, form="ratio", threshold=1.0, totals=True)


def _hhi_of_a_line(values: list):
    """``=HHI(B2:E2)`` (one row or column, no options), as the registered HHI gives it when
    every cell holds a number above 0: ``hhi`` of the row read as one series, the total
    rows screened by :func:`agglo_addin.conversion.call_checked` (a row equal to the sum of
    the others raises, and the registered function then reports it); None otherwise, as
    :func:`_lq_of_four_numbers`."""
    vals = _positive_numbers(values)
    if vals is None:
        return None
    import agglo

    return _checked_call(agglo.hhi, np.array(vals, dtype=float), normalized=False,
                         percent=False, totals="rows")  # fmt: skip


def _lq_of_four_columns(data, region_totals, industry_totals, grand_total) -> list:
    """:func:`_lq_of_four_numbers` of many cells at once: each argument a list of the
    cells' one-value lists; for each cell its value or None (computed cell by cell).

    The cells whose four values are numbers above 0 are computed by one call of
    :func:`agglo.location_quotient` on columns, its element-wise LQ: the same IEEE
    divisions, element by element, as the call for one cell (checked by
    ``tests/test_engine.py``).  When that call refuses (a part above its whole, in any
    cell), every cell is left to the one-cell path, which reports the cell concerned.
    """
    import agglo

    cols = zip(data, region_totals, industry_totals, grand_total, strict=True)
    m = np.array([_positive_numbers([*a, *b, *c, *d]) or (np.nan,) * 4 for a, b, c, d in cols],
                 dtype=float).reshape(-1, 4)  # fmt: skip
    ok = ~np.isnan(m[:, 0])
    out: list = [None] * len(m)
    if not ok.any():
        return out
    d, er, ek, e = m[ok].T
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = agglo.location_quotient(d, er, ek, e, form="ratio", threshold=1.0,
                                          total_rows="ignore")  # fmt: skip
    except agglo.AggloValueError:
        return out
    for i, v in zip(np.flatnonzero(ok).tolist(), np.asarray(got).tolist(), strict=True):
        if math.isfinite(v):
            out[i] = v
    return out


def _hhi_of_lines(lines) -> list:
    """:func:`_hhi_of_a_line` of many cells at once (one list of the cells' line values);
    for each cell its value or None (computed cell by cell).

    Lines of positive numbers, all of one length, in which no value can be the sum of the
    others (:func:`agglo.host.lines_free_of_totals`) are computed by one :func:`agglo.hhi`
    along the rows of a C-ordered block, which sums each row as the call for one line does
    (checked by ``tests/test_engine.py``).
    """
    import agglo
    from agglo.host import lines_free_of_totals

    vals = [_positive_numbers(x) for x in lines]
    width = {len(v) for v in vals if v is not None}
    out: list = [None] * len(vals)
    if len(width) != 1:
        return out
    k = width.pop()
    m = np.array([v if v is not None else (np.nan,) * k for v in vals], dtype=float).reshape(-1, k)
    ok = lines_free_of_totals(m)
    if not ok.any():
        return out
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = agglo.hhi(np.ascontiguousarray(m[ok]), normalized=False, percent=False, axis=1,
                        total_rows="ignore")  # fmt: skip
    for i, v in zip(np.flatnonzero(ok).tolist(), np.asarray(got).tolist(), strict=True):
        if math.isfinite(v):
            out[i] = v
    return out


# the shortcuts and what each argument must be: one cell, or one row
_SHORTCUT_SHAPES = {"LQ": ("cell",) * 4, "LQRATIO": ("cell",) * 4, "HHI": ("line",)}


def _shortcuts(registry) -> dict[str, Any]:
    """NAME → (shortcut, its batch form) of the registered Agglo functions that have one,
    when the function registered under that name is the add-in's own (not one a caller
    passed instead)."""
    if not registry:
        return {}
    try:
        from ..declare import plain_registry
    except ModuleNotFoundError:
        return {}
    own = plain_registry()
    lq = (_lq_of_four_numbers, _lq_of_four_columns)
    funcs = {"LQ": lq, "LQRATIO": lq, "HHI": (_hhi_of_a_line, _hhi_of_lines)}
    return {
        name: f
        for name, f in funcs.items()
        if name in registry and own.get(name) is not None and registry[name] is own[name]
    }


def _evaluate_fast(pkg, scans, agglo, ev, tol, everything, pattern, book_name, log, registry=None):
    """Evaluate with :class:`_FastBook`; raises ``_Fallback`` when it does not apply."""
    t0 = time.perf_counter()
    fb = _FastBook(pkg, scans, pattern, _shortcuts(registry))
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

    agglo_keys = {
        (fb.sheet_index[sheet.upper()], fc.row, fc.col) for (sheet, _r), fc in agglo.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fb.evaluate(starts, node_name, agglo_keys)
    # what compiling left (a plan and inputs per cell) and the map of formula cells (keys
    # that are not all the results' own) are not needed to collect: freed before the
    # results are collected, which is when memory peaks
    fb.compiled.clear()
    fb.templates.clear()
    fb.formulas.clear()
    del starts
    ev.seconds["load"] = time.perf_counter() - t0
    ev.seconds["calculate"] = 0.0
    ev.n_evaluated = len(fb.results)
    res = fb.results
    arrays = fb.array_area
    cell_ref = xlsx.cell_ref
    # in the order of (sheet, cell reference as text); the references made for the sort
    # are freed before collecting (which is when memory peaks) and made again there
    keys = list(res)
    keys.sort(key=lambda k: (names[k[0]], ref_of(k) if k in arrays else cell_ref(k[1], k[2])))
    for key in keys:
        if key in arrays:
            node = node_name(key)
            _collect_cell(ev, scans[key[0]], node, {node: res[key]},
                          (node,) if key in agglo_keys else (), log, tol, pkg, scans)  # fmt: skip
            continue
        node = node_name(key) if key in agglo_keys else ""
        _collect_single(ev, scans[key[0]], cell_ref(key[1], key[2]), res[key], node, log, tol,
                        scans)  # fmt: skip
    _collect_warnings(ev, log)
    return ev
