"""Which formulas depend on the Agglo cells (``agglo refresh --agglo-only``)."""

from __future__ import annotations

import numpy as np

from .. import xlsx
from ..xlsx import FormulaCell
from .references import _defined_names, _fast_references, _references, _text_of


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
