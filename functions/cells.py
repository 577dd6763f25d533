r"""Column letters and A1 cell addresses: the one implementation for the whole project.

Rows and columns count from 1, as on the worksheet.  Column ``c`` is written in
bijective base 26 with the digits ``A``…``Z``:

.. math::

    c = \sum_{k=0}^{m-1} d_k \, 26^{k}, \qquad d_k \in \{1, \dots, 26\}
    \ (\texttt{A} = 1, \dots, \texttt{Z} = 26),

so ``A`` = 1, ``Z`` = 26, ``AA`` = 27, ``XFD`` = 16 384 (the last column of Excel).
A cell is its column letters followed by its row number (``B7``); ``$`` before either
part makes it absolute (``$B$7``); a range is two cells joined by ``:``; a sheet name
comes before ``!`` and is quoted with apostrophes (an apostrophe inside doubled) when it
is not a plain name.

:mod:`agglo` names cells in its messages with these functions (:mod:`agglo._messages`);
the Excel side (``agglo_addin``: the package reader and the headless engine, the sheet
layouts) and the template builder (``workbooks/builder``) use them for every address
they read or write.  Parsing checks the syntax only, not Excel's limits (1 048 576 rows,
16 384 columns): files written by other programs may go beyond them.

The conversions are cached: the package reader converts the same few column letters for
every row of a sheet, and a dictionary look-up is several times faster than the loop.

References
----------
.. [1] ECMA International (2016). *ECMA-376 Office Open XML File Formats, Part 1:
   Fundamentals and Markup Language Reference*, 5th edition (ISO/IEC 29500-1),
   §18.17.2.3.1 "A1-Style Cell References".
.. [2] Microsoft (2024). *[MS-OI29500]: Office Implementation Information for
   ISO/IEC 29500 Standards Support*, §2.1.864 (the A1-reference grammar Excel writes).
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "CELL_PATTERN",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "cell_address",
    "column_index",
    "column_letter",
    "parse_cell",
    "parse_range",
    "quote_sheet",
    "range_address",
    "unquote_sheet",
]

#: Rows and columns of an Excel worksheet (Excel 2007 and later).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

#: One cell, ``$`` allowed before the letters and the row: groups (letters, row digits).
CELL_PATTERN = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

_LETTERS = re.compile(r"[A-Za-z]+")
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+")


@functools.cache
def column_letter(col: int) -> str:
    r"""Excel column letters of a 1-based column number.

    Parameters
    ----------
    col : int
        Column number, 1 or more (1 is column ``A``).

    Returns
    -------
    str
        The letters, bijective base 26: :math:`c = \sum_k d_k 26^k`, ``A`` = 1 … ``Z`` = 26.

    Raises
    ------
    ValueError
        ``col`` is below 1.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    if col < 1:
        raise ValueError(f"column must be >= 1; received {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@functools.cache
def column_index(letters: str) -> int:
    r"""1-based column number of Excel column letters (upper or lower case).

    Parameters
    ----------
    letters : str
        Column letters, e.g. ``'B'``, ``'aa'``, ``'XFD'``.

    Returns
    -------
    int
        :math:`c = \sum_k d_k 26^k` with ``A`` = 1 … ``Z`` = 26, the inverse of
        :func:`column_letter`.

    Raises
    ------
    ValueError
        ``letters`` is empty or holds anything but the letters A–Z.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> column_index("A"), column_index("aa"), column_index("XFD")
    (1, 27, 16384)
    """
    if not _LETTERS.fullmatch(letters):
        raise ValueError(f"not column letters: {letters!r}")
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def quote_sheet(sheet: str, *, always: bool = False) -> str:
    """A sheet name as it stands before ``!`` in a reference.

    Left bare when it is a plain name (a Latin letter or ``_`` first, then letters,
    digits, ``_`` and ``.``) that does not look like a cell (``A1``, ``AB12``);
    otherwise, or when ``always`` is set, put between apostrophes with any apostrophe
    inside doubled.  Quoting more than Excel needs is harmless: Excel and every
    formula reader accept a quoted name.

    Parameters
    ----------
    sheet : str
        The sheet name.
    always : bool
        Quote even a plain name.

    Returns
    -------
    str
        The name, quoted when needed.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2 (formula syntax: sheet names in
    references).

    Examples
    --------
    >>> quote_sheet("Data"), quote_sheet("Sheet 1"), quote_sheet("数据"), quote_sheet("B2")
    ('Data', "'Sheet 1'", "'数据'", "'B2'")
    >>> quote_sheet("Tom's"), quote_sheet("Data", always=True)
    ("'Tom''s'", "'Data'")
    """
    if not always and _PLAIN_SHEET.fullmatch(sheet) and not _CELL_LIKE.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def unquote_sheet(text: str) -> str:
    """The sheet name of its spelling in a reference: the inverse of :func:`quote_sheet`.

    Parameters
    ----------
    text : str
        ``Data`` or ``'Sheet 1'`` (apostrophes inside doubled).

    Returns
    -------
    str
        The sheet name.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2 (formula syntax: sheet names in
    references).

    Examples
    --------
    >>> unquote_sheet("'Tom''s data'"), unquote_sheet("Data")
    ("Tom's data", 'Data')
    """
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def cell_address(row: int, col: int, sheet: str | None = None, *, absolute: bool = False) -> str:
    """A1 address of a 1-based (row, column), with the sheet when given.

    Parameters
    ----------
    row, col : int
        Row and column, counted from 1.
    sheet : str, optional
        Sheet name, quoted by :func:`quote_sheet`.
    absolute : bool
        ``$`` before the column and the row.

    Returns
    -------
    str
        ``B7``, ``$B$7`` or ``'Sheet 1'!B7``.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> cell_address(7, 2), cell_address(1, 1, "Sheet 1"), cell_address(3, 2, absolute=True)
    ('B7', "'Sheet 1'!A1", '$B$3')
    """
    if absolute:
        addr = f"${column_letter(col)}${row}"
    else:
        addr = f"{column_letter(col)}{row}"
    if sheet:
        return f"{quote_sheet(sheet)}!{addr}"
    return addr


def range_address(
    row1: int,
    col1: int,
    row2: int,
    col2: int,
    sheet: str | None = None,
    *,
    absolute: bool = False,
) -> str:
    """A1 address of the range from (row1, col1) to (row2, col2); one cell if they agree.

    Parameters
    ----------
    row1, col1 : int
        First corner, counted from 1.
    row2, col2 : int
        Opposite corner, counted from 1.
    sheet : str, optional
        Sheet name, quoted by :func:`quote_sheet`.
    absolute : bool
        ``$`` before every column and row.

    Returns
    -------
    str
        ``B3:D33``, ``'数据'!$B$3:$D$33``; a single cell (``B3``) when the corners agree,
        as Excel writes a one-cell range.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> range_address(3, 2, 33, 4), range_address(3, 2, 33, 4, "数据", absolute=True)
    ('B3:D33', "'数据'!$B$3:$D$33")
    >>> range_address(5, 1, 5, 1)
    'A5'
    """
    text = cell_address(row1, col1, absolute=absolute)
    if (row1, col1) != (row2, col2):
        text += ":" + cell_address(row2, col2, absolute=absolute)
    if sheet:
        return f"{quote_sheet(sheet)}!{text}"
    return text


def parse_cell(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 cell address, both 1-based; ``$`` signs are allowed.

    Parameters
    ----------
    ref : str
        A cell address without a sheet: ``B12``, ``$B$12``, ``b12``.

    Returns
    -------
    tuple of int
        ``(row, column)``.

    Raises
    ------
    ValueError
        ``ref`` is not a cell address.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> parse_cell("B12"), parse_cell("$XFD$1")
    ((12, 2), (1, 16384))
    """
    m = CELL_PATTERN.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of an A1 range, 1-based.

    The corners may be given in any order; a single cell is a 1×1 range.

    Parameters
    ----------
    ref : str
        A range without a sheet: ``B2:D5``, ``$D$5:$B$2``, ``C7``.

    Returns
    -------
    tuple of int
        ``(r1, c1, r2, c2)`` with ``r1 <= r2`` and ``c1 <= c2``.

    Raises
    ------
    ValueError
        A corner is not a cell address.

    References
    ----------
    ECMA-376 Part 1 (ISO/IEC 29500-1), §18.17.2.3.1 "A1-Style Cell References".

    Examples
    --------
    >>> parse_range("D5:B2"), parse_range("C7")
    ((2, 2, 5, 4), (7, 3, 7, 3))
    """
    a, _, b = ref.partition(":")
    r1, c1 = parse_cell(a)
    r2, c2 = parse_cell(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
