"""Macro scripts for buttons: LQ sheet, coupling report, entropy–TOPSIS report, check data.

Each script reads the current selection, asks :mod:`agglo_addin.layouts` what goes where,
and writes it through xlwings' object model (the subset: ``book.selection``,
``book.sheets.add``, ``sheet[address].value/.formula2/.number_format/.color``,
``range.add_note``, ``range.conditional_formats.add_color_scale``, ``sheet.charts.add``).

* xlwings Lite: each script is an ``@script`` taking ``book: xw.Book`` (run from the task
  pane, or bound to a sheet button with ``@script(button=...)``).
* Classic Excel: a Form-Control button runs
  ``RunPython "import agglo_addin.scripts as s; s.lq_sheet()"`` (or the VBA ``Sub`` that
  *Import Functions* generates); with no argument the script uses ``xw.Book.caller()``.

Host differences handled here (one place):

* Formulas are written with ``formula2`` so the results spill (Excel 365/2021 dynamic
  arrays).  Classic Excel before 2021 has no ``Range.Formula2``: there the formula is
  written as an array formula over the size the result spills to (``Write.spill``).
* Column widths: plans give characters (classic xlwings' unit); xlwings Lite and
  xlwings Server measure ``column_width`` in points, so the width is converted there.
* Notes need ExcelApi 1.18 in Office.js; where the host lacks them xlwings raises
  ``NotImplementedError`` and the note is skipped (the colours and cells still go in).
* The LQ heat map gets number thresholds so its midpoint colour sits at LQ = 1.

Invalid selections raise :class:`agglo.AggloValueError` with a message for the user.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from agglo import AggloValueError

from . import conversion as cv
from . import layouts

__all__ = [
    "apply_plan",
    "check_data",
    "coupling_report",
    "entropy_topsis_report",
    "lq_sheet",
    "width_in_points",
]


def _book(book: Any) -> Any:
    return book if book is not None else xw.Book.caller()


def _selection(book: Any) -> layouts.Selection:
    rng = book.selection
    if rng is None:
        raise AggloValueError("Select a block of cells first.")
    values = rng.options(ndim=2).value
    return layouts.Selection(rng.sheet.name, rng.row, rng.column, values)


def width_in_points(characters: float) -> float:
    """A column width in characters of the Normal style (Calibri 11) as points.

    Excel's rule: pixels = trunc(characters · 7 + 5) for the 7-pixel maximum digit width
    of Calibri 11 (5 pixels of padding), and 1 pixel = 0.75 point at 96 dpi.

    Examples
    --------
    >>> width_in_points(8.43), width_in_points(14)
    (48.0, 77.25)
    """
    return float(int(characters * 7 + 5)) * 0.75


def _measures_in_points(book: Any) -> bool:
    """True where ``column_width`` is in points: xlwings Lite and xlwings Server."""
    if cv.IN_LITE:
        return True
    try:
        engine = book.app.engine
        return "remote" in (engine.name, getattr(engine, "type", None))
    except Exception:  # a host without app/engine information: classic units
        return False


def _add_note(rng: Any, text: str) -> bool:
    """Add a note; False (and nothing added) where the host has no notes."""
    try:
        rng.add_note(text)
    except NotImplementedError:  # Office.js before ExcelApi 1.18, or no Office.js client
        return False
    return True


def _write_formula(sheet: Any, w: layouts.Write) -> None:
    rng = sheet[w.address]
    try:
        rng.formula2 = w.formula
        return
    except AggloValueError:
        raise
    except Exception:  # classic Excel before 2021: no Range.Formula2 (COM/attribute error)
        pass
    if w.spill is not None and w.spill != (1, 1):
        rng.resize(*w.spill).formula_array = w.formula
    else:
        rng.formula = w.formula


def apply_plan(book: Any, plan: layouts.Plan) -> Any:
    """Add the plan's sheet to ``book`` and write it; returns the new sheet."""
    sheet = book.sheets.add(name=plan.sheet, after=book.sheets[len(book.sheets) - 1])
    for w in plan.writes:
        rng = sheet[w.address]
        if w.formula is not None:
            _write_formula(sheet, w)
        else:
            rng.value = w.value
        if w.number_format:
            # the format of the anchor cell; spilled cells take the column's format
            rng.number_format = w.number_format
        if w.bold:
            rng.font.bold = True
    points = _measures_in_points(book)
    for col, width in plan.column_widths.items():
        sheet[f"{col}1"].column_width = width_in_points(width) if points else width
    if plan.color_scale is not None:
        target, colors, thresholds = plan.color_scale
        sheet[target].conditional_formats.add_color_scale(
            list(colors), thresholds=list(thresholds), threshold_type="number"
        )
    for chart in plan.charts:
        sheet.charts.add(
            chart_type=chart.kind,
            source=sheet[chart.source],
            anchor=sheet[chart.anchor],
            name=chart.title,
        )
    for cell, text in plan.notes.items():
        _add_note(sheet[cell], text)
    return sheet


def _sheet_names(book: Any) -> list[str]:
    return [s.name for s in book.sheets]


@xw.script
def lq_sheet(book: xw.Book = None) -> None:
    """LQ sheet: a new sheet with the live LQ matrix of the selected yearbook block."""
    book = _book(book)
    apply_plan(book, layouts.lq_sheet(_selection(book), _sheet_names(book)))


@xw.script
def coupling_report(book: xw.Book = None) -> None:
    """Coupling report: C, T, D, level, lead/lag and a chart for the selected system scores."""
    book = _book(book)
    apply_plan(book, layouts.coupling_report(_selection(book), _sheet_names(book)))


@xw.script
def entropy_topsis_report(book: xw.Book = None) -> None:
    """Entropy–TOPSIS report: weights table, closeness, ranks and a chart."""
    book = _book(book)
    apply_plan(book, layouts.entropy_topsis_report(_selection(book), _sheet_names(book)))


@xw.script
def check_data(book: xw.Book = None) -> None:
    """Check data: colour non-numeric, missing, total-row and negative cells of the selection."""
    book = _book(book)
    sel = _selection(book)
    sheet = book.sheets[sel.sheet]
    for mark in layouts.check_data(sel):
        rng = sheet[mark.address]
        rng.color = layouts.MARK_COLORS[mark.kind]
        if mark.kind != "missing":
            _add_note(rng, mark.message)
