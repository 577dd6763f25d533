"""Print layout: A4 at full size, the sheet name in the header, print titles."""

from __future__ import annotations

from agglo.cells import parse_cell
from openpyxl.worksheet.page import PageMargins

from .refs import col

#: Printable width of an A4 page with the margins of :func:`print_layout`, in points.
PRINT_WIDTH = {"portrait": 595 - 2 * 0.4 * 72, "landscape": 842 - 2 * 0.4 * 72}


def _content_width(ws) -> float:
    """Printed width of the used columns and charts in points (7 px a character)."""

    def x_of(column: int) -> float:  # left edge of a column (1-based)
        total = 0.0
        for c in range(1, column):
            dim = ws.column_dimensions.get(col(c))
            width = dim.width if dim is not None and dim.width else 8.43
            total += (width * 7 + 5) * 0.75
        return total

    right = x_of(ws.max_column + 1)
    for chart in ws._charts:
        start = chart.anchor._from.col + 1 if hasattr(chart.anchor, "_from") else 1
        right = max(right, x_of(start) + chart.width / 2.54 * 72)
    return right


def print_layout(ws) -> None:
    """A4, the sheet name in the header and page numbers in the footer, full-size type.

    Portrait when the used columns fit, else landscape; never shrunk to fit (a wide
    sheet scaled to one page prints at a few points); wide tables are split between
    column groups by the builder (``ws.col_breaks``) and repeat their label column and
    header rows on every page (print titles, from the frozen panes unless set).
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if ws.page_setup.orientation is None:
        fits = _content_width(ws) <= PRINT_WIDTH["portrait"]
        ws.page_setup.orientation = "portrait" if fits else "landscape"
    if ws.page_setup.scale is None:
        ws.page_setup.scale = 100
    assert ws.page_setup.scale >= 90, "9-point notes must print at 8 points or more"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3,
                                  footer=0.3)  # fmt: skip
    ws.print_options.horizontalCentered = False
    ws.oddHeader.center.text = "&A"
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = "第 &P 页，共 &N 页 / page &P of &N"
    ws.oddFooter.center.size = 9
    pane = ws.freeze_panes
    if pane and not ws.print_title_rows and not ws.print_title_cols:
        row, column = parse_cell(pane)
        if row > 1:
            ws.print_title_rows = f"{row - 1}:{row - 1}"
        if column > 1:
            ws.print_title_cols = f"A:{col(column - 1)}"
