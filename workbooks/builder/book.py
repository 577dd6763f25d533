"""The workbook of a template (:class:`Book`) and the sheet helpers the templates share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from .instructions import instructions_sheet
from .printing import print_layout
from .refs import col, excel_text, rng, sref
from .styles import (
    BORDER,
    CENTER,
    F_BODY,
    F_GOOD,
    F_HEAD,
    F_NOTE,
    F_TITLE,
    F_WARN,
    FILL_GOOD,
    FILL_HEAD,
    FILL_INPUT,
    FILL_OPTION,
    FILL_WARN,
    WRAP,
)

#: Creation and modification time written into every template (rebuilds are identical).
FIXED_TIME = dt.datetime(2026, 1, 1)


class Book:
    """An openpyxl workbook with the conventions of the templates."""

    def __init__(self, title: str):
        self.heading = title
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        props = self.wb.properties
        props.creator = "Agglo"
        props.title = title
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        props.lastModifiedBy = "Agglo"
        self._validations: dict[tuple[str, str], DataValidation] = {}

    # names ---------------------------------------------------------------------------
    def name(self, name: str, target: str) -> str:
        """Define a workbook-level name; returns the name for use in formulas."""
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        return name

    # cells ---------------------------------------------------------------------------
    @staticmethod
    def put(ws, row: int, column: int, value: Any, *, font=F_BODY, fill=None, fmt=None,
            border=True, align=None):  # fmt: skip
        cell = ws.cell(row=row, column=column)
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        cell.value = value
        cell.font = font
        if fill is not None:
            cell.fill = fill
        if fmt is not None:
            cell.number_format = fmt
        if border:
            cell.border = BORDER
        if align is not None:
            cell.alignment = align
        return cell

    def header(self, ws, row: int, column: int, labels: Sequence[Any], *, vertical=False):
        for i, lab in enumerate(labels):
            r, c = (row + i, column) if vertical else (row, column + i)
            self.put(ws, r, c, lab, font=F_HEAD, fill=FILL_HEAD, align=CENTER)

    def block(self, ws, row: int, column: int, values: Any, *, fmt=None, fill=FILL_INPUT):
        arr = np.asarray(values, dtype=object)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        for i in range(arr.shape[0]):
            for j in range(arr.shape[1]):
                self.put(ws, row + i, column + j, arr[i, j], fmt=fmt, fill=fill)

    def array(self, ws, row: int, column: int, nrows: int, ncols: int, formula: str, *,
              fmt=None, font=F_BODY):  # fmt: skip
        """A legacy array formula whose ref covers the whole result."""
        target = rng(row, column, row + nrows - 1, column + ncols - 1, absolute=False)
        ws.cell(row=row, column=column).value = ArrayFormula(target, formula)
        for i in range(nrows):
            for j in range(ncols):
                cell = ws.cell(row=row + i, column=column + j)
                cell.border = BORDER
                cell.font = font
                if fmt is not None:
                    cell.number_format = fmt
        return target

    def formula(self, ws, row: int, column: int, formula: str, *, fmt=None, font=F_BODY):
        return self.put(ws, row, column, formula, fmt=fmt, font=font)

    def option(self, ws, row: int, column: int, label: str, value: Any, choices: Any,
               name: str, note: str = "") -> str:  # fmt: skip
        """An option cell with a drop-down list; returns its defined name."""
        self.put(ws, row, column, label, font=F_HEAD, fill=FILL_HEAD)
        self.put(ws, row, column + 1, value, fill=FILL_OPTION, font=F_HEAD)
        if note:
            self.put(ws, row, column + 2, note, font=F_NOTE, border=False)
        if choices is not None:
            if isinstance(choices, str):  # a range / name
                formula1 = choices if choices.startswith("=") else f"={choices}"
            else:
                formula1 = excel_text(",".join(str(c) for c in choices))
            dv = DataValidation(type="list", formula1=formula1, allow_blank=False)
            dv.error = "请从下拉列表中选择 / choose from the list"
            dv.errorTitle = "Agglo"
            dv.prompt = "从下拉列表选择 / choose from the drop-down list"
            dv.showErrorMessage = True
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(ws.cell(row=row, column=column + 1))
        return self.name(name, sref(ws.title, row, column + 1))

    def number_input(self, ws, cells: str, low: float, high: float, message: str) -> None:
        dv = DataValidation(type="decimal", operator="between", formula1=str(low),
                            formula2=str(high), allow_blank=True)  # fmt: skip
        dv.error = message
        dv.errorTitle = "Agglo"
        dv.prompt = message
        dv.showErrorMessage = True
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        for cell in cells.split():
            dv.add(cell)

    def title(self, ws, text: str, sub: str = "", row: int = 1) -> None:
        assert not text.startswith("="), "text, not a formula"
        assert not sub.startswith("="), "text, not a formula"
        self.put(ws, row, 1, text, font=F_TITLE, border=False)
        if sub:
            self.put(ws, row + 1, 1, sub, font=F_NOTE, border=False)

    def banner(self, ws, row: int, first: int, last: int, text: str, *, font=F_WARN,
               fill=FILL_WARN, lines: int = 2) -> None:  # fmt: skip
        """Long text wrapped inside merged cells (so it does not widen the printed page)."""
        assert not text.startswith("="), "text, not a formula"
        self.put(ws, row, first, text, font=font, fill=fill, border=False, align=WRAP)
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        ws.row_dimensions[row].height = 15 * lines

    def note(self, ws, row: int, column: int, text: str, *, font=F_NOTE) -> None:
        assert not text.startswith("="), "text, not a formula"
        self.put(ws, row, column, text, font=font, border=False)

    @staticmethod
    def widths(ws, widths: dict[str, float] | Sequence[float], start: int = 1) -> None:
        if isinstance(widths, dict):
            for letter, w in widths.items():
                ws.column_dimensions[letter].width = w
        else:
            for i, w in enumerate(widths):
                ws.column_dimensions[col(start + i)].width = w

    # instructions ----------------------------------------------------------------------
    def instructions(self, sections: Sequence[tuple[str, str, str]],
                     sources: Sequence[str] = ()) -> None:  # fmt: skip
        """The 说明 sheet (see :func:`.instructions.instructions_sheet`)."""
        instructions_sheet(self, sections, sources)

    def save(self, path: Path, active: str | None = None) -> None:
        if active is not None:
            self.wb.active = self.wb.sheetnames.index(active)
            for ws in self.wb.worksheets:
                ws.sheet_view.tabSelected = ws.title == active
        for ws in self.wb.worksheets:
            print_layout(ws)
        self.wb.calculation.fullCalcOnLoad = False
        self.wb.save(path)


def unsmooth(chart) -> None:
    """Straight line segments (openpyxl's line series default to smoothed curves)."""
    for s in chart.series:
        s.smooth = False


def above_one(ws, cells: str) -> None:
    """Green and bold where a value is above 1 (an LQ: the region is specialised)."""
    rule = CellIsRule(operator="greaterThan", formula=["1"], fill=FILL_GOOD, font=F_GOOD)
    ws.conditional_formatting.add(cells, rule)


def directions_dv(book: Book, ws, cells: str) -> None:
    dv = DataValidation(type="list", formula1='"+,-"', allow_blank=False)
    dv.prompt = "+ 正向指标（越大越好） / − 负向指标（越小越好）"
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(cells)
