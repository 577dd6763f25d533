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
from collections.abc import Iterator, Mapping

# Cell addresses are written by agglo.cells (the one implementation); the two names are
# kept here for code that imports them from this module.
from .cells import cell_address
from .cells import column_letter as column_letters

__all__ = ["argument_origins", "cell_address", "column_letters", "text", "where"]

#: argument name -> (sheet or None, 1-based worksheet row, 1-based column) of its top-left cell
_ORIGINS: contextvars.ContextVar[Mapping[str, tuple[str | None, int, int]] | None] = (
    contextvars.ContextVar("agglo_argument_origins", default=None)
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
def argument_origins(origins: Mapping[str, tuple[str | None, int, int]]) -> Iterator[None]:
    """Record, for one call, where each argument's range starts on the worksheet.

    ``origins`` maps an argument name to ``(sheet, row, column)`` of its top-left cell
    (1-based).  The Excel add-in sets it around a worksheet function call.

    Examples
    --------
    >>> with argument_origins({"data": (None, 3, 2)}):
    ...     where("data", 4, 0)
    ('B7', 'B7')
    >>> where("data", 4, 0)
    ('第5行第1列', 'row 5, column 1')
    """
    token = _ORIGINS.set(dict(origins))
    try:
        yield
    finally:
        _ORIGINS.reset(token)


def origin_of(name: str) -> tuple[str | None, int, int] | None:
    """The recorded top-left cell of argument ``name``, or None."""
    origins = _ORIGINS.get()
    if not origins:
        return None
    return origins.get(name)


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
