"""Compare a calculation engine's values with LibreOffice's on the differential corpus.

Shared by ``tests/test_differential.py`` (the headless engine of ``agglo refresh``) and
``tests/bench_engines.py`` (the candidate engines).  The oracle is the cached JSON of
:mod:`differential_oracle`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from differential_oracle import ORACLE, decode

#: relative/absolute tolerance: LibreOffice and the engines compute in binary floating
#: point with different orders of operations
TOL = 1e-9


def load_oracle() -> dict[str, dict[str, Any]]:
    data = json.loads(Path(ORACLE).read_text(encoding="utf-8"))
    return {b: {k: decode(v) for k, v in cells.items()} for b, cells in data["books"].items()}


def reference(lo: dict[str, Any] | None, stored: dict[str, dict[str, Any]]):
    """cell → (value to compare with, where it comes from).

    LibreOffice's recalculation is the reference; where the file holds a value its
    application (Excel for the shared corpus) stored and LibreOffice disagrees with it,
    the stored value is the reference ("stored": a known disagreement of LibreOffice,
    counted apart); a book LibreOffice cannot load is compared with its stored values.
    """
    out = {}
    for sheet, cells in stored.items():
        for ref, cached in cells.items():
            cell = f"{sheet}!{ref}"
            if lo is not None and cell in lo:
                if cached is None or same(lo[cell], cached):
                    out[cell] = (lo[cell], "libreoffice")
                else:
                    out[cell] = (cached, "stored")
            elif lo is None and cached is not None:
                out[cell] = (cached, "stored")
    return out


def same(a: Any, b: Any, tol: float = TOL) -> bool:
    """One cell value against the oracle's (numbers within ``tol``; empty equals "")."""
    from agglo_addin.xlsx import ExcelError

    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return False
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    if isinstance(a, ExcelError) or isinstance(b, ExcelError):
        return isinstance(a, ExcelError) and isinstance(b, ExcelError) and str(a) == str(b)
    return a == b


@dataclasses.dataclass
class Tally:
    agree: int = 0
    disagree: int = 0
    kept: int = 0  # not evaluated, reported (the cached value is kept)
    missing: int = 0  # no value from the engine
    stored: int = 0  # compared with the stored value: LibreOffice disagrees with it
    disagreements: list[tuple[str, str, Any, Any]] = dataclasses.field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.agree += other.agree
        self.disagree += other.disagree
        self.kept += other.kept
        self.missing += other.missing
        self.stored += other.stored
        self.disagreements.extend(other.disagreements)

    @property
    def compared(self) -> int:
        return self.agree + self.disagree


def compare(
    book: str,
    oracle: dict[str, Any],
    got: dict[str, Any],
    kept: set[str] = frozenset(),
) -> Tally:
    """``oracle``: cell → (value, source) (see :func:`reference`); ``got``: "Sheet!A1" →
    the engine's value; ``kept``: cells it did not evaluate (kept and reported)."""
    t = Tally()
    for cell, (want, source) in oracle.items():
        if source == "stored":
            t.stored += 1
        if cell in kept:
            t.kept += 1
            continue
        if cell not in got:
            t.missing += 1
            continue
        if same(got[cell], want):
            t.agree += 1
        else:
            t.disagree += 1
            t.disagreements.append((book, cell, got[cell], want))
    return t


def run_agglo(path: Path, cells: dict[str, dict[str, Any]]):
    from agglo_addin import engine, xlsx
    from agglo_addin.xlsx import ExcelError

    ev = engine.evaluate_package(xlsx.read_package(path), registry={}, all_formulas=True)
    got = {f"{sh}!{ref}": v for (sh, ref), v in ev.values.items()}
    kept = {f"{p.sheet}!{p.cell}" for p in ev.problems}
    # values a refresh does not write (circular references ...) are kept too
    for cell, v in got.items():
        if isinstance(v, ExcelError) and str(v) in engine.results._NOT_EVALUABLE:
            sheet, ref = cell.rsplit("!", 1)
            if not engine.values_close(v, cells.get(sheet, {}).get(ref)):
                kept.add(cell)
    return got, kept
