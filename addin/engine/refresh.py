"""Refreshing a file: evaluate, then write the new cached values safely."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import xlsx
from ..xlsx import Limits, RefusedError
from .evaluate import _cyclic_gc, evaluate_package
from .results import CellChange, Evaluation, Problem, values_close

__all__ = ["Report", "refresh_workbook"]


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
    with _cyclic_gc(False):  # many objects, no cycles: see evaluate._cyclic_gc
        return _refresh(
            path, out, check, backup, tolerance, limits, registry, progress, all_formulas,
            recalc_on_open,
        )  # fmt: skip


def _refresh(
    path, out, check, backup, tolerance, limits, registry, progress, all_formulas, recalc_on_open
) -> Report:
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
