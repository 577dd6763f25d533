"""Addresses in the templates' formulas and defined names, written by :mod:`agglo.cells`.

Data are referenced absolutely (``$B$3``) unless asked otherwise, and sheet names are
always quoted (``'数据'!$B$3``): names with CJK characters read more safely quoted.
"""

from __future__ import annotations

from agglo.cells import cell_address, column_letter, quote_sheet

#: Column letters of a 1-based column number (27 → ``AA``).
col = column_letter


def ref(row: int, column: int, absolute: bool = True) -> str:
    """One cell: ``$B$3`` (``B3`` when not absolute)."""
    return cell_address(row, column, absolute=absolute)


def rng(r1: int, c1: int, r2: int, c2: int, absolute: bool = True) -> str:
    """Two corners, both written even when they agree: ``$B$3:$D$33``."""
    return f"{ref(r1, c1, absolute)}:{ref(r2, c2, absolute)}"


def sref(ws_title: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    """Absolute reference with the sheet name: 'Sheet'!$A$1 or 'Sheet'!$A$1:$B$2."""
    sheet = quote_sheet(ws_title, always=True)
    if r2 is None:
        return f"{sheet}!{ref(r1, c1)}"
    return f"{sheet}!{rng(r1, c1, r2, c2)}"


def excel_text(s: str) -> str:
    """A string literal inside a formula."""
    return '"' + s.replace('"', '""') + '"'
