r"""Messages and positions: the one place for the language of a message and for position texts.

Every message of :mod:`agglo` that a user acts on is written twice, Chinese first and
English after (``"中文… / English…"``); ``AGGLO_LANG=en`` in the environment gives the
English text alone (``AGGLO_LANG=zh`` the Chinese alone).  Positions count from 1.

When the caller's worksheet ranges are known (the Excel add-in knows where each argument
of a worksheet function starts), :func:`argument_origins` records the top-left cell of
each argument's range for the duration of the call; :func:`where` then names a cell of
that argument by its worksheet address (``B7``), and otherwise by row and column within
the selection (counted from 1).  Nothing else in :mod:`agglo` builds a position text;
the addresses themselves come from :mod:`agglo.cells`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

# Cell addresses are written by agglo.cells (the one implementation); the two names are
# kept here for code that imports them from this module.
from .cells import cell_address
from .cells import column_letter as column_letters

__all__ = ["argument_origins", "cell_address", "column_letters", "text", "where"]

#: argument name -> (sheet or None, 1-based worksheet row, 1-based column) of its top-left cell
_ORIGINS: contextvars.ContextVar[Mapping[str, tuple[str | None, int, int]] | None] = (
    contextvars.ContextVar("agglo_argument_origins", default=None)
)
#: argument name -> (shape, row offsets or None, first row offset, column offset): how the
#: array a host read from the argument's range sits in it (labels and header left out)
_LAYOUTS: contextvars.ContextVar[dict[str, tuple] | None] = contextvars.ContextVar(
    "agglo_argument_layouts", default=None
)
#: (sheet or None, r1, c1, r2, c2) -> rows of worksheet values (1-based, inclusive)
_CELLS: contextvars.ContextVar[Callable[[str | None, int, int, int, int], Any] | None] = (
    contextvars.ContextVar("agglo_worksheet_cells", default=None)
)


def _lang() -> str:
    return os.environ.get("AGGLO_LANG", "").strip().lower()[:2]


def text(zh: str, en: str) -> str:
    """One message in the user's language: Chinese first, then English (the default).

    Examples
    --------
    >>> text("缺少数值。", "A number is missing.")
    '缺少数值。 / A number is missing.'
    """
    lang = _lang()
    if lang == "en":
        return en
    if lang == "zh":
        return zh
    return f"{zh} / {en}"


@contextlib.contextmanager
def argument_origins(
    origins: Mapping[str, tuple[str | None, int, int]],
    cells: Callable[[str | None, int, int, int, int], Any] | None = None,
) -> Iterator[None]:
    """Record, for one call, where each argument's range starts on the worksheet.

    ``origins`` maps an argument name to ``(sheet, row, column)`` of its top-left cell
    (1-based).  The Excel add-in sets it around a worksheet function call.  ``cells``,
    when the host can read the worksheet, is ``cells(sheet, r1, c1, r2, c2)`` → the rows
    of values of that range (``sheet`` None: the calling cell's sheet); the table
    reader then reads the row labels beside a selection of numbers alone
    (:func:`agglo.tables` — units and totals written only in the labels), and never
    anything else.  A failing ``cells`` only means the labels stay unknown.

    Examples
    --------
    >>> with argument_origins({"data": (None, 3, 2)}):
    ...     where("data", 4, 0)
    ('B7', 'B7')
    >>> where("data", 4, 0)
    ('第5行第1列', 'row 5, column 1')
    """
    token = _ORIGINS.set(dict(origins))
    token_cells = _CELLS.set(cells)
    token_layouts = _LAYOUTS.set({})
    try:
        yield
    finally:
        _LAYOUTS.reset(token_layouts)
        _CELLS.reset(token_cells)
        _ORIGINS.reset(token)


@contextlib.contextmanager
def recorded_layouts() -> Iterator[None]:
    """A scope for :func:`record_layout` where no :func:`argument_origins` block is open
    (a host that knows no worksheet addresses: positions within the selection)."""
    if _LAYOUTS.get() is not None:
        yield
        return
    token = _LAYOUTS.set({})
    try:
        yield
    finally:
        _LAYOUTS.reset(token)


def record_layout(
    name: str,
    shape: tuple[int, ...],
    rows: Sequence[int] | None = None,
    first_row: int = 0,
    first_col: int = 0,
) -> None:
    """Inside :func:`argument_origins`: where the array read from argument ``name`` sits in
    its range — row ``i`` of the array is row ``rows[i]`` of the range (or ``first_row +
    i``), column ``j`` is column ``first_col + j`` (0-based offsets; label columns and
    header rows left out).  Messages about a value of an array of that shape (or of its
    flattened row or column) then name the worksheet cell, or the row and column within
    the selection when the range's origin is not known (:func:`position_of`).  Outside
    such a block nothing is recorded.
    """
    layouts = _LAYOUTS.get()
    if layouts is not None:
        layouts[name] = (tuple(shape), rows, first_row, first_col)


def position_of(
    name: str | None, index: Sequence[int], shape: Sequence[int]
) -> tuple[str, str] | None:
    """Where element ``index`` of an array of ``shape`` read from argument ``name`` is in
    the worksheet range (:func:`record_layout`): ``(Chinese, English)`` as :func:`where`
    gives it — the cell address when the origin is known, else the row and column within
    the selection — or None when it is not known: no layout, or an array of another shape
    (one the function derived, never guessed at).

    Examples
    --------
    >>> with argument_origins({"data": ("Data", 3, 1)}):
    ...     record_layout("data", (2, 3), rows=[1, 3], first_col=1)
    ...     position_of("data", (1, 2), (2, 3)), position_of("data", (0, 0), (3, 2))
    (('Data!D6', 'Data!D6'), None)
    >>> with argument_origins({}):
    ...     record_layout("data", (3, 1), first_row=1, first_col=1)
    ...     position_of("data", (2,), (3,))
    ('第4行第2列', 'row 4, column 2')
    """
    layouts = _LAYOUTS.get()
    lay = layouts.get(name) if layouts and name is not None else None
    if lay is None or len(lay[0]) != 2:
        return None
    (n, k), rows, first_row, first_col = lay
    index, shape = tuple(int(i) for i in index), tuple(int(x) for x in shape)
    if len(index) == 2 and shape == (n, k):
        i, j = index
    elif len(index) == 1 and len(shape) == 1 and shape[0] == n * k and 1 in (n, k):
        i, j = (index[0], 0) if k == 1 else (0, index[0])
    else:
        return None
    if not (0 <= i < n and 0 <= j < k):
        return None
    r = rows[i] if rows is not None else first_row + i
    return where(name, r, first_col + j)


def origin_of(name: str) -> tuple[str | None, int, int] | None:
    """The recorded top-left cell of argument ``name``, or None."""
    origins = _ORIGINS.get()
    if not origins:
        return None
    return origins.get(name)


def worksheet_cells(sheet: str | None, r1: int, c1: int, r2: int, c2: int) -> list | None:
    """The values of a worksheet range (1-based, inclusive) through the host's ``cells``
    of :func:`argument_origins`, or None: no host reader, or it failed."""
    cells = _CELLS.get()
    if cells is None or r2 < r1 or c2 < c1:
        return None
    try:
        rows = cells(sheet, r1, c1, r2, c2)
    except Exception:  # noqa: BLE001 - the host could not read: the labels stay unknown
        return None
    if not isinstance(rows, list | tuple) or len(rows) != r2 - r1 + 1:
        return None
    return [list(r) if isinstance(r, list | tuple) else [r] for r in rows]


def where(name: str, i: int | None, j: int | None = None) -> tuple[str, str]:
    """The position of the 0-based cell ``(i, j)`` of argument ``name``: ``(Chinese, English)``.

    The worksheet address (``B7``, the same in both languages) when the argument's origin
    is known, else the row and column within the selection counted from 1.  ``j=None``
    names a row (by its first cell when the origin is known), ``i=None`` a column.

    Examples
    --------
    >>> where("data", 0, 1), where("data", 2), where("data", None, 3)
    (('第1行第2列', 'row 1, column 2'), ('第3行', 'row 3'), ('第4列', 'column 4'))
    """
    origin = origin_of(name)
    if origin is not None:
        sheet, r0, c0 = origin
        addr = cell_address(r0 + (i or 0), c0 + (j or 0), sheet)
        return addr, addr
    if j is None:
        return f"第{i + 1}行", f"row {i + 1}"
    if i is None:
        return f"第{j + 1}列", f"column {j + 1}"
    return f"第{i + 1}行第{j + 1}列", f"row {i + 1}, column {j + 1}"
