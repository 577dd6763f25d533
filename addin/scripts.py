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

Formulas are written with ``formula2`` so the results spill (Excel 365 dynamic arrays).
Invalid selections raise :class:`agglo.AggloValueError` with a message for the user.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from agglo._validation import AggloValueError

from . import layouts

__all__ = ["apply_plan", "check_data", "coupling_report", "entropy_topsis_report", "lq_sheet"]


def _book(book: Any) -> Any:
    return book if book is not None else xw.Book.caller()


def _selection(book: Any) -> layouts.Selection:
    rng = book.selection
    if rng is None:
        raise AggloValueError("Select a block of cells first.")
    values = rng.options(ndim=2).value
    return layouts.Selection(rng.sheet.name, rng.row, rng.column, values)


def apply_plan(book: Any, plan: layouts.Plan) -> Any:
    """Add the plan's sheet to ``book`` and write it; returns the new sheet."""
    sheet = book.sheets.add(name=plan.sheet, after=book.sheets[len(book.sheets) - 1])
    for w in plan.writes:
        rng = sheet[w.address]
        if w.formula is not None:
            rng.formula2 = w.formula
        else:
            rng.value = w.value
        if w.number_format:
            # the format of the anchor cell; spilled cells take the column's format
            rng.number_format = w.number_format
        if w.bold:
            rng.font.bold = True
    for col, width in plan.column_widths.items():
        sheet[f"{col}1"].column_width = width
    if plan.color_scale is not None:
        target, colors = plan.color_scale
        sheet[target].conditional_formats.add_color_scale(list(colors))
    for chart in plan.charts:
        sheet.charts.add(
            chart_type=chart.kind,
            source=sheet[chart.source],
            anchor=sheet[chart.anchor],
            name=chart.title,
        )
    for cell, text in plan.notes.items():
        sheet[cell].add_note(text)
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
            rng.add_note(mark.message)
