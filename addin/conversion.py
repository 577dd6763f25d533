r"""What worksheet values become before :mod:`agglo` sees them, and what results become in cells.

This module is the one place that decides how yearbook-shaped input is read and how
results, undefined values and invalid input are shown in a cell.  The worksheet
functions (:mod:`agglo_addin.udfs`), the macro scripts, the headless engine and the
templates all use it, so Excel (classic xlwings and xlwings Lite) and the engine
behave the same way.

Arguments arrive as classic xlwings delivers them when every argument is declared
``ndim=2, err_to_str=True``: a range is a list of rows, a blank cell is ``None``, a
number is a float, text is a str, a boolean is a bool, an error cell is its error text
(``"#N/A"``).  A literal scalar argument may also arrive as the bare scalar.

Input policy (one table for every function)
-------------------------------------------

=================================================  ===========================================
cell content                                       becomes
=================================================  ===========================================
number (float/int)                                 the number
blank cell (``None``, ``""``, only spaces)         missing (NaN)
placeholder text ``—`` ``–`` ``-`` ``--``          missing (NaN) — yearbooks print these for
``…`` ``...`` ``－`` ``/`` ``x`` ``X`` ``×``         "no data" / "confidential" (NBS uses ``x``
``*`` ``NA`` ``N/A`` ``n.a.`` ``无``               and ``×`` for suppressed values)
error cell ``#N/A`` ``#DIV/0!`` ``#VALUE!``        missing (NaN): a broken upstream formula
``#REF!`` ``#NAME?`` ``#NUM!`` ``#NULL!``          counts as "no data", like a blank
``#SPILL!`` ``#CALC!`` ``#GETTING_DATA``
number stored as text ``"1,234.5"`` ``"1 234"``    the number; thousands separators ``,``/``，``,
``"１２３"`` (full-width) ``" 12 "`` ``"−5"``        spaces and NBSP are removed, full-width
                                                   characters are folded (Unicode NFKC), the
                                                   minus sign U+2212 is read as ``-``
percent text ``"12.5%"``                           0.125 (what Excel itself stores when
                                                   ``12.5%`` is typed)
fraction text ``"1/3"``                            0.333… (AHP judgements typed as text);
                                                   ``"1/0"`` is not a number
boolean TRUE/FALSE                                 invalid: ``#VALUE!`` naming the argument
                                                   and the cell
any other text inside the numbers                  invalid: ``#VALUE!`` naming the argument
                                                   and the cell
a header of one or more rows and leading label      labels, not data: read by the table reader
columns (Chinese and English names, years, units)  :func:`agglo.host.read_grid`, the one
                                                   reader of :func:`agglo.read_table` (README,
                                                   "How Agglo reads your table")
a number with a footnote mark ``"444.22①"``         the number (444.22), the mark removed
=================================================  ===========================================

Table policy.  Which rows are regions is decided by :mod:`agglo.tables`, not here: a
total (全国, 合计, …), subtotal, grouping (苏南, 东部地区 …) or ``其中`` row is refused
with a message naming the argument and the row (:func:`_refuse_rows`); footnote and unit
rows are left out.  With ``totals=True`` rows and columns equal to the sum of the others,
and rows equal to the sum of a run of their neighbours, are refused too; in the
worksheet functions of extensive quantities (LQ, HHI, CR_n, the Gini family, EG/MS,
share, primacy …: ``extensive=True``) also mixed units, negative values and, in one row
or column, blank cells; their agglo function checks the whole-block total itself with
``total_rows='raise'`` so the block is scanned once.  Scores and indicator matrices
(coupling, entropy, TOPSIS …) are checked by label only — a sum of scores means nothing —
and coupling scores must lie in [0, 1] (:func:`refuse_outside_unit_interval`).

Positions in messages count from 1 and are worksheet addresses when the caller's ranges
are known (:func:`origins_from_formula`, :func:`agglo.host.argument_origins`).

Validate once.  :func:`call_checked` calls agglo on a block just read here without
agglo scanning it again: agglo trusts the array's finiteness and sign (proved by its
minimum and maximum) and is told not to search for a total row or column when the
row and column sums already rule one out (``total_rows='ignore'``); otherwise it
searches with ``total_rows='raise'`` and its message reports the total.  Results and
messages are exactly those of the full checks.

Output policy
-------------

=====================================  ==================================================
result element                         written to the cell as
=====================================  ==================================================
finite number                          a Python float (int/str/bool kept as they are)
NaN (undefined, e.g. 0/0)              the text ``"#N/A"`` — a real ``#N/A`` error in
                                       xlwings Lite and in the headless engine (both map
                                       exact error strings to error values); classic
                                       xlwings writes it as the text ``#N/A`` (it cannot
                                       return error values, xlwings issue #776; the
                                       worksheet function ISAGGLOERROR tests for it)
±inf                                   ``"#NUM!"`` (same mapping)
invalid input                          ``"#VALUE! <message>"`` — one string of at most 255
                                       characters; in xlwings Lite the wrapper raises
                                       :class:`xlwings.XlwingsError` with the message
                                       instead, which Lite shows as ``#VALUE!`` with the
                                       message on hover
=====================================  ==================================================

A Python traceback never reaches a cell: classic xlwings would write the full
traceback into the cell for an uncaught exception (xlwings issue #1108), so every
wrapper catches exceptions and returns the short message.

Use :func:`excel_error_of` to get the Excel error code a returned element stands for
and :func:`error_message_of` for the message of an invalid-input result.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import numpy as np
from agglo import AggloValueError, config_context
from agglo import host as msg
from agglo.cells import column_index, unquote_sheet
from agglo.host import check_total_rows as _check_total_rows
from agglo.host import column_subtotals as _column_subtotals
from agglo.host import family_total_rows as _family_total_rows
from agglo.host import is_total_label as _is_total_label
from agglo.host import labels_beside as _labels_beside
from agglo.host import parse_text as _parse_text
from agglo.host import read_grid as _read_grid
from agglo.host import subtotal_runs as _subtotal_runs
from agglo.host import totals_ruled_out as _totals_ruled_out
from agglo.host import unit_of as _unit_of
from agglo.host import year_above as _year_above
from agglo.host import years_over_columns as _years_over_columns
from agglo.host import years_run as _years_run
from agglo.tables import ERROR_CODES, PLACEHOLDERS

__all__ = [
    "ERROR_CODES",
    "IN_LITE",
    "MAX_TEXT",
    "NA",
    "PLACEHOLDERS",
    "Block",
    "call_checked",
    "error_message_of",
    "excel_error_of",
    "invalid",
    "parse_number",
    "read_block",
    "read_option",
    "read_scalar_or_block",
    "origins_from_formula",
    "read_vector",
    "refuse_outside_unit_interval",
    "split_labels",
    "to_column",
    "to_excel",
    "to_row",
    "to_table",
]

#: True inside xlwings Lite (Pyodide compiles Python to WebAssembly: ``emscripten``).
IN_LITE: bool = sys.platform == "emscripten"

# ERROR_CODES (the Excel error values a cell can hold, as xlwings delivers them with
# ``err_to_str``) and PLACEHOLDERS (the texts yearbooks print instead of a number) are
# defined in agglo.tables and re-exported here.

#: The representation of an undefined value (NaN) in a result.
NA = "#N/A"

#: Longest text a cell of an array result can take (xlwings issue #456).
MAX_TEXT = 255

_INVALID_PREFIX = "#VALUE! "
# --------------------------------------------------------------------------------------
# single cells
# --------------------------------------------------------------------------------------


def parse_number(value: Any) -> float | None:
    """Read one cell as a number following the input policy.

    Returns the float (NaN for blank, placeholder or error cell) or ``None`` when the
    cell holds something that is not a number (other text, a boolean).

    Examples
    --------
    >>> parse_number("1,234.5"), parse_number("１２３"), parse_number("12.5%"), parse_number("1/4")
    (1234.5, 123.0, 0.125, 0.25)
    >>> parse_number("—"), parse_number("#N/A"), parse_number(None)
    (nan, nan, nan)
    >>> parse_number("广东") is None, parse_number(True) is None
    (True, True)
    """
    kind = type(value)
    if kind is float or kind is int:
        return float(value)
    if value is None:
        return math.nan
    if kind is str:
        return _parse_text(value)[0]  # footnote marks removed (444.22① is 444.22)
    if kind is bool or isinstance(value, np.bool_):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    return None


@functools.lru_cache(maxsize=4096)
def _is_total(label: Any) -> bool:
    """:func:`agglo.host.is_total_label`, cached (the same labels recur)."""
    return _is_total_label(label)


def _is_label_text(value: Any) -> bool:
    """True for text that is not a number, a placeholder or an error code."""
    return isinstance(value, str) and bool(value.strip()) and parse_number(value) is None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------------------
# blocks
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A worksheet range read as numbers, with the labels found inside the selection.

    ``values`` is a float array of shape (rows, columns) without the label rows/columns;
    ``row_labels``/``col_labels`` are the labels (or None); ``missing`` counts the cells
    read as missing (blank, placeholder, error cell); ``units`` the unit of each column
    found in the header (or None); ``excluded`` the rows left out by the table reader
    (:func:`agglo.host.read_grid`: footnote and unit rows, and — refused when totals
    are checked — totals, subtotals, groupings, ``其中`` rows) as (row in the selection,
    label, kind); ``flagged`` the columns that are a total, a sum or a part of other
    columns; ``marks`` the footnote marks removed from numbers.
    """

    values: np.ndarray
    row_labels: list[Any] | None = None
    col_labels: list[Any] | None = None
    missing: int = 0
    notes: list[str] = field(default_factory=list)
    units: list[str | None] | None = None
    excluded: list[tuple[int, Any, str]] = field(default_factory=list)
    flagged: dict[int, str] = field(default_factory=dict)
    marks: int = 0
    header_rows: int = 0
    label_cols: int = 0
    grid_rows: list[int] | None = None


_NESTED = (list, tuple, np.ndarray, dict, set)
_PLAIN = frozenset({float, int, type(None)})


def _rows_of(value: Any, name: str) -> tuple[list[list[Any]], set[type]]:
    """A rectangular list of rows from a scalar, a 1-D list or a list of rows, and the
    set of cell types found (one C-level pass: this is the hot path of every call)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [[value]], {type(value)}
    if not value:
        raise AggloValueError(f"{name!r} is empty; select a range with at least one value.")
    if not isinstance(value[0], list | tuple | np.ndarray):
        rows = [list(value)]
    else:
        rows = [r.tolist() if isinstance(r, np.ndarray) else r for r in value]
        if not all(isinstance(r, list | tuple) for r in rows):
            raise AggloValueError(
                f"{name!r} must be a rectangular range; received rows of different shapes."
            )
        widths = set(map(len, rows))
        if len(widths) > 1:
            i = next(i for i, r in enumerate(rows) if len(r) != len(rows[0]))
            raise AggloValueError(
                f"{name!r} must be a rectangular range; row {i + 1} has {len(rows[i])} cells "
                f"but row 1 has {len(rows[0])}."
            )
        if widths == {0}:
            raise AggloValueError(f"{name!r} is empty; select a range with at least one value.")
    kinds = set(map(type, chain.from_iterable(rows)))
    if not kinds <= _PLAIN and any(issubclass(k, _NESTED) for k in kinds):
        raise AggloValueError(
            f"{name!r} must be a rectangular range of cells; received nested rows of "
            "different depths."
        )
    return rows, kinds


def _all_numbers(value: Any) -> np.ndarray | None:
    """A range of numbers only, as a 2-D float array without a per-cell Python pass; else None.

    None means "use the per-cell policy": blanks, text, booleans, ragged or nested
    rows and scalars all go the general way, which also words the messages.
    """
    if type(value) is list and value and type(value[0]) is list:
        return _float_rows(value)  # what xlwings delivers for a range
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiu" or value.ndim not in (1, 2) or not value.size:
            return None
        return value.astype(float).reshape(value.shape[0] if value.ndim == 2 else 1, -1)
    if not isinstance(value, list | tuple) or not value:
        return None
    # a 1-D list, tuples, rows of arrays: NumPy's type discovery does the per-cell work
    # in C (a ``None`` or a non-number makes an object or text array)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError):  # ragged or odd rows: per-cell path
        return None
    if arr.dtype.kind not in "fiu" or arr.ndim not in (1, 2) or not arr.size:
        return None
    rows = value
    if arr.ndim == 1:
        arr, rows = arr.reshape(1, -1), [value]
    if _hides_booleans(arr, rows):
        return None
    return arr if arr.dtype == np.float64 else arr.astype(float)


def _float_rows(rows: list[list[Any]]) -> np.ndarray | None:
    """:func:`_all_numbers` for a list of equally long lists of floats and ints.

    Two C-level passes and no per-cell Python code.  ``array('d').fromlist`` converts a
    row at C speed and refuses ``None`` and text (so text such as ``"1_000"`` or
    ``"nan"``, which Python's ``float`` would read, never reaches a lenient parser); it
    also takes booleans and any object with ``__float__``.  ``sum(row, 0.0)`` stays a
    float only while every cell is a float or an int (a NumPy scalar, an array cell or a
    Decimal changes its type or raises), so anything but floats, ints and booleans takes
    the per-cell path, which words the message; booleans are found by
    :func:`_hides_booleans`.
    """
    n, k = len(rows), len(rows[0])
    buf = array("d")
    try:
        if not k or set(map(len, rows)) != {k}:  # ragged: the per-cell path words it
            return None
        for _ in map(buf.fromlist, rows):  # a row that is not a list raises TypeError
            pass
        total = sum(map(sum, rows, repeat(0.0, n)), 0.0)
    except Exception:  # not a number: the per-cell path finds it and words the message
        return None
    if type(total) is not float:
        return None
    arr = np.frombuffer(buf, dtype=np.float64).reshape(n, k)
    return None if _hides_booleans(arr, rows) else arr


#: At most this many cells equal to 0 or 1 are checked one by one for booleans on the
#: fast path of :func:`_all_numbers`; a block with more takes the per-cell path.
_MAX_BOOL_SUSPECTS = 256


def _hides_booleans(arr: np.ndarray, rows: Any) -> bool:
    """Whether a cell of ``rows`` read as 0.0 or 1.0 into ``arr`` (2-D) is a boolean.

    NumPy and ``array('d')`` read ``True`` as 1.0, so a boolean can only hide as 0.0 or
    1.0 and only those cells are looked at (True when there are too many to look at).
    """
    hidden = arr == 0
    hidden |= arr == 1
    if not hidden.any():
        return False
    suspects = np.flatnonzero(hidden)
    if suspects.size > _MAX_BOOL_SUSPECTS:
        return True
    k = arr.shape[1]
    cells = (rows[p // k][p % k] for p in suspects.tolist())
    return any(type(v) is not float and isinstance(v, bool | np.bool_) for v in cells)


def split_labels(rows: list[list[Any]]) -> tuple[bool, bool]:
    """Whether the first column / first row of a range hold text labels.

    Examples
    --------
    >>> split_labels([["地区", "工业"], ["北京", 1.0]]), split_labels([[1.0, 2.0]])
    ((True, True), (False, False))
    """
    n, k = len(rows), len(rows[0])
    col0 = [r[0] for r in rows]

    def labels(cells: Sequence[Any]) -> bool:
        cells = [c for c in cells if not _is_blank(c)]
        return bool(cells) and all(_is_label_text(c) for c in cells)

    label_col = k >= 2 and labels(col0)
    start = 1 if label_col else 0
    label_row = n >= 2 and labels(rows[0][start:])
    return label_col, label_row


def _where(name: str, i: int, j: int) -> tuple[str, str]:
    """Position of cell (i, j) (0-based in the selection): the worksheet address when known."""
    return msg.where(name, i, j)


def _looks_like_years(arr: np.ndarray) -> bool:
    """Whether the first row (or, with 3+ rows, the first column) of an all-number block is
    a run of years (2012, 2013 …): a header, not data — the table reader takes it."""
    if arr.shape[1] == 1 and arr.shape[0] >= 3:  # one column under a year: 2007 / 3.5 / …
        first, below = float(arr[0, 0]), arr[1:, 0]
        below = below[np.isfinite(below)]
        return first.is_integer() and 1900 <= first <= 2100 and _year_above(first, below)
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        return False
    for line, size in ((arr[0], arr.shape[1]), (arr[:, 0], 3 if arr.shape[0] >= 3 else 0)):
        if size and line.size >= 2:
            lo, hi = float(line.min()), float(line.max())
            if lo >= 1900 and hi <= 2100 and _years_run(line.tolist()):
                return True
    head = arr[0]
    if np.all(head == np.round(head)) and head.min() >= 1900 and head.max() <= 2100:
        return _years_over_columns(arr.tolist(), 0, 0, arr.shape[1])  # 2014, 2023 over data
    return False


def read_block(
    value: Any,
    name: str,
    *,
    labels: bool = True,
    totals: bool | str = True,
    min_rows: int = 1,
    min_cols: int = 1,
    extensive: bool = False,
) -> Block:
    """Read a range argument as a block of numbers following the input policy.

    Parameters
    ----------
    value : list of rows, 1-D list or scalar
        What xlwings delivers (``ndim=2``) or a literal scalar.
    name : str
        The argument's name, used in messages.
    labels : bool
        Read header rows and label columns inside the selection with the table reader
        (:func:`agglo.host.read_grid`): text labels, a header of several rows, units,
        years, footnote rows.
    totals : True, 'labels' or False
        Refuse total, subtotal, grouping and ``其中`` rows and total/sum/part columns
        found by their labels; with ``True`` (extensive quantities such as employment or
        output) also rows and columns equal to the sum of the others, or of a run of
        the rows next to them.
    min_rows, min_cols : int
        Minimum size after removing labels.
    extensive : bool
        The block holds quantities that add up (output, employment): refuse columns
        whose header units differ (亿元 beside 万人 or %) and rows equal to the sum of a
        run of the rows next to them (an unlabelled subtotal).

    Raises
    ------
    AggloValueError
        Text or booleans among the numbers, a ragged range, a total row, too small.

    Examples
    --------
    >>> b = read_block([[None, "工业", "建筑业"], ["北京", "1,200", 30.0], ["天津", "—", 20.0]], "data")
    >>> b.values.tolist(), b.row_labels, b.col_labels, b.missing
    ([[1200.0, 30.0], [nan, 20.0]], ['北京', '天津'], ['工业', '建筑业'], 1)
    >>> read_block([[1.0, 2.0], ["abc", 3.0]], "data")
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'data' 的第2行第1列是'abc'，不是数值。... / 'data' row 2, column 1 holds the text 'abc', not a number. ...
    """
    arr = _all_numbers(value)  # the common case: one numpy call, no per-cell pass
    if arr is not None and labels and _looks_like_years(arr):
        arr = None
    if arr is None:
        block = _read_cells(value, name, labels)
        arr = block.values
    else:
        block = Block(arr)
    if arr.shape[0] < min_rows or arr.shape[1] < min_cols:
        raise AggloValueError(
            msg.text(
                f"{name!r} 至少需要{min_rows}行、{min_cols}列数值；现在是 {arr.shape[0]} × {arr.shape[1]}。",
                f"{name!r} must have at least {min_rows} row(s) and {min_cols} column(s) of "
                f"numbers; received {arr.shape[0]} × {arr.shape[1]}.",
            )
        )
    _refuse_rows(block, name)  # a total/subtotal/其中 row is never data, whatever is asked
    if totals and (totals is True or block.row_labels is not None or block.col_labels is not None):
        _refuse_totals(block, name, numeric=totals is True)
    if (totals or extensive) and block.row_labels is None and arr.shape[0] >= 2:
        _refuse_by_labels_beside(block, name, totals=bool(totals), units=extensive)
    if extensive:
        _refuse_mixed_units(block, name)
        _refuse_subtotal_runs(block, name)
        _refuse_negative_or_missing(block, name)
    # agglo's own checks of this array then name worksheet cells (B7), where known
    msg.record_layout(name, arr.shape, block.grid_rows, block.header_rows, block.label_cols)
    return block


def _read_cells(value: Any, name: str, labels: bool) -> Block:
    """:func:`read_block` cell by cell: blanks, text, labels, booleans (the general way)."""
    rows, kinds = _rows_of(value, name)
    if labels and not kinds <= _PLAIN or labels and _looks_like_years(_floats_or_empty(rows)):
        g = _read_grid(rows, name, sums=False)
        return Block(
            g.values,
            g.row_labels,
            g.col_labels,
            g.missing,
            units=g.units,
            excluded=g.refused,
            flagged=g.flagged,
            marks=g.marks,
            header_rows=g.header_rows,
            label_cols=g.label_cols,
            grid_rows=g.rows,
        )
    if kinds <= _PLAIN:  # numbers and blanks: one numpy call
        arr = np.array(rows, dtype=float)
        missing = int(np.isnan(arr).sum()) if type(None) in kinds else 0
        return Block(arr, missing=missing)
    parsed = [[v if type(v) is float else parse_number(v) for v in r] for r in rows]
    for i, r in enumerate(parsed):
        if None in r:
            j = r.index(None)
            raise _not_a_number(name, i, j, rows[i][j])
    arr = np.array(parsed, dtype=float)
    return Block(arr, missing=int(np.isnan(arr).sum()))


def _floats_or_empty(rows: list[list[Any]]) -> np.ndarray:
    try:
        return np.array(rows, dtype=float)
    except (TypeError, ValueError):
        return np.zeros((0, 0))


def _not_a_number(name: str, i: int, j: int, v: Any) -> AggloValueError:
    what = f"the text {v!r}" if isinstance(v, str) else f"the value {v!r}"
    if isinstance(v, bool | np.bool_):
        what = f"the boolean {'TRUE' if v else 'FALSE'}"
    pz, pe = _where(name, i, j)
    return AggloValueError(
        msg.text(
            f"{name!r} 的{pz}是{str(v)[:30]!r}，不是数值。请填数值、留空或用 — 表示缺失。",
            f"{name!r} {pe} holds {what[:60]}, not a number. Type a number, leave the cell "
            "blank or use a placeholder such as —.",
        )
    )


#: kind of a refused row → (Chinese, English) words for messages.
_ROW_WORDS = {
    "total": ("合计行", "a total"),
    "subtotal": ("小计行", "a subtotal"),
    "grouping": ("地区分组的小计行", "a subtotal of a grouping of regions"),
    "of_which": ("“其中”项（上一行的一部分）", "an 'of which' item (a part of the row above)"),
    "by": ("分组标题行", "a grouping heading"),
    "sum": ("等于相邻几行之和的小计行", "a subtotal (the sum of the rows next to it)"),
    "footnote": ("注释行", "a footnote row"),
    "unit": ("单位行", "a unit row"),
}


def _refuse_rows(block: Block, name: str) -> None:
    """Refuse the total, subtotal, grouping and ``其中`` rows the table reader found."""
    if not block.excluded:
        return
    r, lab, kind = block.excluded[0]
    zh, en = _ROW_WORDS.get(kind, _ROW_WORDS["total"])
    pz, pe = msg.where(name, r)
    shown = f" ({lab!r})" if lab is not None else ""
    raise AggloValueError(
        msg.text(
            f"{name!r} 的{pz}{shown}是{zh}，不是一个地区，计入会重复计算。请只选各地区；合计可另作参照总量。",
            f"{name!r} {pe}{shown} is {en}, not a region; counting it would double count. "
            "Select the regions only and pass a total separately (e.g. LQ's totals argument).",
        )
    )


def _refuse_by_labels_beside(block: Block, name: str, *, totals: bool, units: bool) -> None:
    """A selection of numbers alone, read with the row labels written beside it on the
    worksheet (classic Excel and the headless engine, :func:`agglo.host.labels_beside`):
    refuse what those labels show — total, subtotal and ``其中`` rows, the total of an
    indicator family, and (``units``) rows in different units (亿元 above 万平方米).
    Without a worksheet to read (xlwings Lite, Python) nothing is read here."""
    beside = _labels_beside(name, block.values.shape[0])
    if beside is None:
        return
    if totals:
        _check_total_rows(block.values, name, beside, policy="raise", numeric=False)
    if units:
        _refuse_mixed_row_units(Block(block.values, row_labels=beside), name)


def _refuse_subtotal_runs(block: Block, name: str) -> None:
    """Refuse a row equal to the sum of a run of the rows next to it (a subtotal)."""
    m = block.values
    if m.ndim == 2 and m.shape[1] == 1:  # one column: two subtotals or more are needed
        runs = _column_subtotals(m[:, 0])
        runs = runs if len(runs) >= 2 else {}
    elif m.ndim != 2 or m.shape[1] < 2 or not 3 <= m.shape[0] <= 400:
        return
    else:
        runs = _subtotal_runs(m, set())
    if runs:
        i, (a, b) = next(iter(runs.items()))
        pz, pe = _grid_position(block, name, i, 0)
        (az, ae), (bz, be) = _grid_position(block, name, a, 0), _grid_position(block, name, b, 0)
        raise AggloValueError(
            msg.text(
                f"{name!r} 的{pz}等于{az}至{bz}之和，是小计行，计入会重复计算。请不要选小计行。",
                f"{name!r} {pe} equals the sum of {ae} to {be}: a subtotal, counting it would "
                "double count. Leave subtotal rows out.",
            )
        )


def _refuse_negative_or_missing(block: Block, name: str) -> None:
    """Quantities that add up are never negative; and in one row or column (the units of
    one HHI, CR_n, Gini or share) a blank cell would silently shrink the total the shares
    are taken of — both are refused, naming the cell."""
    arr = block.values
    if arr.size == 0:
        return
    low = float(np.nanmin(arr)) if not np.isnan(arr).all() else 0.0
    bad = None
    if low < 0:
        bad = np.argwhere(arr < 0)[0]
        v = float(arr[tuple(bad)])
        zh = f"是负数 {v:g}；份额、集中度和区位熵只用于可加的非负量（增长率、差额不行）。请检查数据。"
        en = f"is negative ({v:g}); shares, concentration and location quotients need quantities that add up, never negative (not growth rates or balances). Check the data."
    elif (arr.shape[0] == 1 or arr.shape[1] == 1) and np.isnan(arr).any():
        bad = np.argwhere(np.isnan(arr))[0]
        n_missing = int(np.isnan(arr).sum())
        zh = (
            f"为空（共{n_missing}个空格）；份额只在有数值的单位间计算会偏大。请补齐数值或不选空格。"
        )
        en = f"is blank ({n_missing} blank cells); shares taken among the reported units only would be too large. Fill in the values or leave the blanks out."
    elif (arr.shape[0] == 1 or arr.shape[1] == 1) and not np.any(arr > 0):
        bad = np.array([0, 0])
        zh = "起全为零，没有可计算份额的数值。请选有数值的行或列。"
        en = "on are all zero: there is nothing to take shares of. Select a row or column with values."
    if bad is None:
        return
    i, j = int(bad[0]), int(bad[1])
    row = block.grid_rows[i] if block.grid_rows else i + block.header_rows
    pz, pe = msg.where(name, row, j + block.label_cols)
    raise AggloValueError(msg.text(f"{name!r} 的{pz}{zh}", f"{name!r} {pe} {en}"))


def _refuse_mixed_units(block: Block, name: str) -> None:
    """Refuse columns with different units (a measure of shares adds them up)."""
    units = block.units
    if not units:
        return
    known = {u for u in units if u}
    if len(known) > 1:
        first = next(u for u in units if u)
        j = next(j for j, u in enumerate(units) if u and u != first)
        pz, pe = msg.where(name, None, j + block.label_cols)
        raise AggloValueError(
            msg.text(
                f"{name!r} 的各列单位不同（{first} 与 {units[j]}，{pz}）；"
                "份额要求同一单位的量。请只选同一单位的列。",
                f"{name!r} mixes units ({first} and {units[j]}, {pe}); "
                "shares need one unit. Select columns of one unit only.",
            )
        )
    _refuse_mixed_row_units(block, name)


def _row_unit(label: Any) -> str | None:
    """The unit written in a row label (``'房地产开发投资额(亿元)'`` → ``'亿元'``), or None;
    a label of several parts gives the unit of its first part that has one."""
    for part in label if isinstance(label, tuple | list) else (label,):
        unit = _unit_of(part)[1] if isinstance(part, str) else None
        if unit:
            return unit
    return None


def _refuse_mixed_row_units(block: Block, name: str) -> None:
    """Refuse rows whose labels carry different units (亿元 above 万平方米): the sums over
    the rows of a measure of shares would add them up."""
    labels = block.row_labels
    if not labels:
        return
    units = [_row_unit(lab) for lab in labels]
    known = [(i, u) for i, u in enumerate(units) if u]
    if len({u for _, u in known}) < 2:
        return
    first = known[0][1]
    i = next(i for i, u in known if u != first)
    row = block.grid_rows[i] if block.grid_rows else i + block.header_rows
    pz, pe = msg.where(name, row)
    raise AggloValueError(
        msg.text(
            f"{name!r} 的各行单位不同（{first} 与 {units[i]}，{pz}）；"
            "份额要求同一单位的量。请只选同一单位的行。",
            f"{name!r} mixes units across rows ({first} and {units[i]}, {pe}); "
            "shares need one unit. Select rows of one unit only.",
        )
    )


def _refuse_totals(block: Block, name: str, *, numeric: bool = True) -> None:
    """Raise when a row or column is a total of the others (never count it as a region),
    or a column is a sum or a part of other columns (工业 beside 第二产业)."""
    arr, row_labels, col_labels = block.values, block.row_labels, block.col_labels
    for axis, labs in ((0, row_labels), (1, col_labels)):
        m = arr if axis == 0 else arr.T
        check = numeric and m.shape[0] >= 3 and m.shape[1] >= 2
        found = _check_total_rows(m, name, policy="ignore") if check else []
        family: list[int] = []
        if labs is not None:
            labelled = {i for i, lab in enumerate(labs) if isinstance(lab, str) and _is_total(lab)}
            family = [
                i for i in _family_total_rows(m, labs) if i not in found and i not in labelled
            ]
            found = sorted(set(found) | labelled | set(family))
        if found:
            word = "row" if axis == 0 else "column"
            i = found[0]
            lab = f" ({labs[i]!r})" if labs is not None else ""
            pz, pe = _grid_position(block, name, i, axis)
            if i in family:  # labelled as one indicator's items, and at least their sum
                zw = "行" if axis == 0 else "列"
                raise AggloValueError(
                    msg.text(
                        f"{name!r} 的{pz}{lab}看来是其余各{zw}（同一指标的分项）的合计：它不小于它们之和。"
                        "计入会重复计算。请只选各分项，合计另行给出（如 SHAREOF 的 total 参数）。",
                        f"{name!r} {pe}{lab} looks like the total of the other {word}s (items of "
                        f"one indicator): it is at least their sum. Counting it double counts. "
                        f"Select the items only and pass the total separately (e.g. SHAREOF's "
                        f"total argument).",
                    )
                )
            raise AggloValueError(
                msg.text(
                    f"{name!r} 的{pz}{lab}是合计（标为全国/合计/总计，或等于其他{'行' if axis == 0 else '列'}之和），"
                    "计入会使总量加倍。请只选各地区，合计另行给出（如 LQ 的 totals 参数）。",
                    f"{name!r} {pe}{lab} is a total "
                    f"(labelled 全国/合计/总计 or equal to the sum of the other {word}s); counting "
                    f"it would double every total. Select the regions only and pass the total "
                    f"separately (e.g. LQ's totals argument).",
                )
            )
        if numeric and axis == 0:
            _refuse_subtotal_runs(block, name)
    for j, why in sorted(block.flagged.items())[:1]:
        lab = block.col_labels[j] if block.col_labels else None
        pz, pe = _grid_position(block, name, j, 1)
        kind, _, other = why.partition(":")
        zh = {"sum": f"是其他列（{other}）之和", "part": f"是“{other}”列的一部分"}.get(
            kind, "是合计列"
        )
        en = {
            "sum": f"is the sum of other columns ({other})",
            "part": f"is a part of the column {other!r}",
        }.get(kind, "is a total column")
        raise AggloValueError(
            msg.text(
                f"{name!r} 的{pz}（{lab!r}）{zh}，同时计入会重复计算。请只选互不包含的行业。",
                f"{name!r} {pe} ({lab!r}) {en}; counting both double counts. Select industries "
                "that do not contain one another.",
            )
        )


def refuse_outside_unit_interval(block: Block, name: str) -> None:
    """Refuse scores outside [0, 1] (the coupling model needs development indices):
    raw GDP or 50–100 scores give a plausible but meaningless C, T and D."""
    arr = block.values
    with np.errstate(invalid="ignore"):
        bad = (arr < 0.0) | (arr > 1.0)
    if not bad.any():
        return
    i, j = (int(x) for x in np.argwhere(bad)[0])
    row = block.grid_rows[i] if block.grid_rows else i + block.header_rows
    pz, pe = msg.where(name, row, j + block.label_cols)
    v = float(arr[i, j])
    raise AggloValueError(
        msg.text(
            f"{name!r} 的{pz}是 {v:g}，不在 [0, 1] 内：耦合协调模型要求 0–1 的发展指数。"
            "请先标准化（NORMALIZE 或 RESCALE）。",
            f"{name!r} {pe} is {v:g}, outside [0, 1]: the coupling model needs development "
            "indices in [0, 1]. Normalise first (NORMALIZE / RESCALE).",
        )
    )


_A1_REF = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!(),\s]+)!)?\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)"
    r"(?::\$?[A-Za-z]{1,3}\$?\d+)?$"
)


def origins_from_formula(formula: str, func: str, params: Sequence[str]) -> dict[str, tuple]:
    """Where each range argument of the call of ``func`` in ``formula`` starts.

    ``{parameter name: (sheet or None, row, column)}`` (1-based) for every argument that
    is a plain reference (``B3:I33``, ``Data!$B$3``); other arguments (expressions,
    names) are left out, and their messages count rows and columns instead.  The first
    call of ``func`` in the formula is read.  Argument ``i`` is also recorded as
    ``'system i'`` (COUPLING(E3:E14, F3:F14) names its systems so).

    Examples
    --------
    >>> origins_from_formula("=LQ(B3:I33,,Data!$B$40)", "LQ", ["data", "region_totals", "industry_totals"])
    {'data': (None, 3, 2), 'system 1': (None, 3, 2), 'industry_totals': ('Data', 40, 2), 'system 3': ('Data', 40, 2)}
    """
    # the stored spellings too: _xldudf_HHI(, AGGLO.HHI(, 'agglo.xlam'!HHI(
    match = re.search(
        rf"(?<![A-Za-z0-9_.])(?:_xldudf_|_xll\.)?(?:[A-Za-z_]\w*\.)?{re.escape(func)}\s*\(",
        formula or "",
        re.IGNORECASE,
    )
    if not match:
        return {}
    args, depth, quote, start = [], 0, None, match.end()
    for pos in range(match.end(), len(formula)):
        ch = formula[pos]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            if depth == 0:
                args.append(formula[start:pos])
                break
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(formula[start:pos])
            start = pos + 1
    origins: dict[str, tuple] = {}
    for i, arg in enumerate(args):
        ref = _A1_REF.match(arg.strip())
        if ref is None:
            continue
        sheet = unquote_sheet(ref["sheet"]) if ref["sheet"] else None
        origin = (sheet, int(ref["row"]), column_index(ref["col"]))
        if i < len(params):
            origins[params[i]] = origin
        origins[f"system {i + 1}"] = origin
    return origins


def _grid_position(block: Block, name: str, i: int, axis: int) -> tuple[str, str]:
    """Position (Chinese, English) of data row/column ``i`` in the selection."""
    if axis == 0:
        return msg.where(name, block.grid_rows[i] if block.grid_rows else i)
    return msg.where(name, None, i + block.label_cols)


def call_checked(
    func: Any, values: Any, /, *args: Any, totals: bool | str = False, **kwargs: Any
) -> Any:
    """``func(values, *args, **kwargs)`` for a block just read here, validated once.

    The block was read and checked by :func:`read_block`; the agglo function would scan
    it again.  Two things avoid that without changing any result or message:

    * agglo's own checks of the array (missing values, ±inf, sign) are skipped when the
      array's minimum and maximum prove that they pass
      (:func:`agglo.config_context` with ``validate_once``, for this one array during this
      one call); otherwise, and
      for every error, they run as usual and word the message;
    * with ``totals=True`` (extensive quantities, whose agglo functions take
      ``total_rows``), the call gets ``total_rows='raise'`` — a row or column equal to the
      sum of the others is refused with agglo's message — unless the row and column sums
      already rule out any such row or column (:func:`agglo.host.totals_ruled_out`), when agglo
      is told not to search again (``total_rows='ignore'``).  ``totals='rows'`` screens
      the rows only, for functions that check only the rows (units) of the block (HHI,
      CR_n).  Labelled totals were refused by :func:`read_block`.

    Examples
    --------
    >>> import agglo
    >>> call_checked(agglo.hhi, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 1.0]]), totals=True).round(4)
    array([0.4321, 0.4286])
    >>> call_checked(agglo.hhi, np.array([[1.0, 2.0], [3.0, 4.0], [4.0, 6.0]]), totals=True)
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'values' 的第3行是合计行... / 'values' seems to contain a total row (row 3, counting from 1): ...
    """
    if totals:
        free = _totals_ruled_out(values, columns=totals != "rows")
        kwargs["total_rows"] = "ignore" if free else "raise"
    with config_context(validate_once=values):
        return func(values, *args, **kwargs)


def read_vector(
    value: Any, name: str, *, totals: bool = True, min_size: int = 1, extensive: bool = False
) -> np.ndarray:
    """Read a single row or column (labels allowed) as a 1-D float array.

    Examples
    --------
    >>> read_vector([["GDP"], [1.0], ["2,000"]], "values").tolist()
    [1.0, 2000.0]
    """
    block = read_block(value, name, totals=False, extensive=extensive)
    arr = block.values
    if arr.shape[0] != 1 and arr.shape[1] != 1:
        raise AggloValueError(
            f"{name!r} must be a single row or column; received a block of "
            f"{arr.shape[0]} × {arr.shape[1]} cells."
        )
    labs = block.row_labels if arr.shape[1] == 1 else block.col_labels
    if totals and labs is not None:
        hits = [i for i, lab in enumerate(labs) if isinstance(lab, str) and _is_total(lab)]
        if hits:
            raise AggloValueError(
                f"{name!r} item {hits[0] + 1} ({labs[hits[0]]!r}) is a total (全国/合计/总计); "
                "select the regions only."
            )
    vec = arr.ravel()
    if vec.size < min_size:
        raise AggloValueError(f"{name!r} must have at least {min_size} value(s).")
    return vec


def read_scalar_or_block(value: Any, name: str, *, totals: bool | str = True) -> float | np.ndarray:
    """A single cell gives a float; a range gives a 2-D array (labels removed)."""
    arr = read_block(value, name, totals=totals).values
    if arr.size == 1:
        return float(arr[0, 0])
    return arr


def _unwrap(value: Any) -> Any:
    while isinstance(value, list | tuple | np.ndarray) and len(value) == 1:
        value = value[0]
    return value


def read_option(value: Any, name: str, default: Any, kind: str = "text") -> Any:
    """Read an option argument: a literal or a one-cell range; blank means the default.

    ``kind`` is ``'text'``, ``'number'``, ``'int'``, ``'bool'`` or ``'any'``.  Choices are
    checked by :mod:`agglo` itself, so its message lists the allowed values.

    Examples
    --------
    >>> read_option([[None]], "method", "standard"), read_option([["wang2021"]], "method", "x")
    ('standard', 'wang2021')
    >>> read_option([[4.0]], "n", 4, "int"), read_option("TRUE", "normalized", False, "bool")
    (4, True)
    """
    if value is None:  # an omitted argument: the common case, answered at once
        return default
    kind_of = type(value)  # literal defaults next: the same answers as the general way
    if kind_of is float and kind == "number" and math.isfinite(value):
        return value
    if kind_of is str and kind == "text":
        text = value.strip()
        if text and text not in ERROR_CODES:
            return text
    elif kind_of is bool and kind == "bool":
        return value
    value = _unwrap(value)
    if isinstance(value, list | tuple | np.ndarray):
        raise AggloValueError(f"{name!r} must be a single value (one cell); received a range.")
    if _is_blank(value):
        return default
    if isinstance(value, str) and value.strip() in ERROR_CODES:
        raise AggloValueError(f"{name!r} refers to an error cell ({value.strip()}).")
    if kind == "text":
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        return value.strip() if isinstance(value, str) else value
    if kind == "bool":
        if isinstance(value, bool | np.bool_):
            return bool(value)
        if isinstance(value, numbers.Real) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE", "1", "0"):
            return value.strip().upper() in ("TRUE", "1")
        raise AggloValueError(f"{name!r} must be TRUE or FALSE; received {value!r}.")
    if kind in ("number", "int"):
        num = parse_number(value)
        if num is None or num != num or math.isinf(num):
            raise AggloValueError(f"{name!r} must be a number; received {value!r}.")
        if kind == "int":
            if not num.is_integer():
                raise AggloValueError(f"{name!r} must be a whole number; received {value!r}.")
            return int(num)
        return num
    return value


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------


def _cell(x: Any) -> Any:
    """One result element as a plain Python cell value."""
    kind = type(x)
    if kind is float:  # the common case first: no ABC checks (numbers.Real is slow)
        if x - x == 0.0:  # finite (inf - inf and nan - nan are NaN)
            return x
        return NA if x != x else "#NUM!"
    if kind is int:
        return x
    if isinstance(x, str):
        return x if len(x) <= MAX_TEXT else x[: MAX_TEXT - 1] + "…"
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if x is None:
        return ""
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        f = float(x)
        if f != f:
            return NA
        if math.isinf(f):
            return "#NUM!"
        return f
    return str(x)[:MAX_TEXT]


def _plain_2d(arr: np.ndarray) -> list[list[Any]]:
    """Fast path for float arrays: tolist, then patch the non-finite cells."""
    out = arr.tolist()
    # one reduction instead of a mask: any NaN/inf makes the sum non-finite (an overflowing
    # sum of finite cells only costs the exact check below, which then patches nothing)
    if not math.isfinite(arr.sum()):
        for i, j in zip(*np.nonzero(~np.isfinite(arr)), strict=True):
            out[i][j] = NA if np.isnan(arr[i, j]) else "#NUM!"
    return out


def to_excel(result: Any) -> Any:
    """Convert a result (scalar, array, pandas) to a cell value or a list of rows.

    A 1-D result becomes a column; use :func:`to_row` for a row.

    Examples
    --------
    >>> to_excel(np.array([[1.0, np.nan], [np.inf, 2.0]]))
    [[1.0, '#N/A'], ['#NUM!', 2.0]]
    >>> to_excel(np.float64(0.5)), to_excel(float("nan"))
    (0.5, '#N/A')
    """
    if hasattr(result, "to_numpy") and not isinstance(result, np.ndarray):
        result = result.to_numpy()
    if isinstance(result, np.ndarray):
        if result.ndim == 0:
            return _cell(result.item())
        if result.ndim == 1:
            return to_column(result)
        if result.dtype.kind == "f":
            return _plain_2d(result)
        return [[_cell(v) for v in row] for row in result.tolist()]
    if isinstance(result, list | tuple):
        rows = [list(r) if isinstance(r, list | tuple | np.ndarray) else [r] for r in result]
        return [[_cell(v) for v in r] for r in rows]
    return _cell(result)


def _as_1d(values: Any) -> np.ndarray:
    if type(values) is np.ndarray and values.dtype.kind in "fiub":  # the common case
        return values.reshape(-1)
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind not in "fiub":
        arr = np.asarray(values, dtype=object)
    return arr.reshape(-1)


def to_column(values: Any) -> list[list[Any]]:
    """A 1-D result as one column (one row per item)."""
    arr = _as_1d(values)
    if arr.dtype.kind == "f":
        return _plain_2d(arr.reshape(-1, 1))
    return [[_cell(v)] for v in arr.tolist()]


def to_row(values: Any) -> list[list[Any]]:
    """A 1-D result as one row (one column per item)."""
    arr = _as_1d(values).reshape(1, -1)
    if arr.dtype.kind == "f":
        return _plain_2d(arr)
    return [[_cell(v) for v in arr[0].tolist()]]


def to_table(header: Sequence[Any], columns: Sequence[Any]) -> list[list[Any]]:
    """A table with a header row: ``columns`` are equal-length 1-D sequences.

    Examples
    --------
    >>> to_table(["w", "e"], [[0.5, 0.5], [np.nan, 1.0]])
    [['w', 'e'], [0.5, '#N/A'], [0.5, 1.0]]
    """
    cols = [_column_cells(c) for c in columns]
    n = max((len(c) for c in cols), default=0)
    for c in cols:
        if len(c) < n:
            c.extend([""] * (n - len(c)))
    body = [list(row) for row in zip(*cols, strict=True)] if cols else [[] for _ in range(n)]
    return [[_cell(h) for h in header], *body]


def _column_cells(column: Any) -> list[Any]:
    """One column of :func:`to_table` as a list of cell values (a float or integer array in
    one ``tolist`` call, non-finite cells patched; anything else cell by cell)."""
    if type(column) is not np.ndarray and hasattr(column, "to_numpy"):
        column = column.to_numpy()
    if isinstance(column, np.ndarray) and column.dtype in _TOLIST_DTYPES:
        flat = column.reshape(-1)
        if flat.dtype.kind == "f":
            return _plain_2d(flat.reshape(1, -1))[0]
        return flat.tolist()
    return [_cell(v) for v in np.asarray(column, dtype=object).reshape(-1).tolist()]


#: Array dtypes whose ``tolist`` already gives what :func:`_cell` gives for each element
#: (Python floats, ints, bools); float results are then patched for NaN/inf.
_TOLIST_DTYPES = frozenset(
    np.dtype(t)
    for t in (np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
              np.uint64, np.uint32, np.uint16, np.uint8, np.bool_)
)  # fmt: skip


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------


def invalid(message: str) -> str:
    """The cell value for invalid input: ``"#VALUE! "`` + the message (≤ 255 characters).

    Examples
    --------
    >>> invalid("'data' must not be empty.")
    "#VALUE! 'data' must not be empty."
    """
    text = " ".join(str(message).split())
    out = _INVALID_PREFIX + text
    return out if len(out) <= MAX_TEXT else out[: MAX_TEXT - 1] + "…"


def excel_error_of(value: Any) -> str | None:
    """The Excel error code a result element (or a raised exception) stands for, else None.

    Examples
    --------
    >>> excel_error_of("#N/A"), excel_error_of("#VALUE! 'x' is empty."), excel_error_of(1.0)
    ('#N/A', '#VALUE!', None)
    >>> excel_error_of(float("nan")), excel_error_of(ValueError("bad"))
    ('#N/A', '#VALUE!')
    """
    if isinstance(value, BaseException):
        return "#VALUE!"
    if isinstance(value, str):
        if value in ERROR_CODES:
            return value
        if value.startswith(_INVALID_PREFIX):
            return "#VALUE!"
        return None
    if isinstance(value, float | np.floating):
        if value != value:
            return NA
        if math.isinf(value):
            return "#NUM!"
    return None


def error_message_of(value: Any) -> str | None:
    """The message of an invalid-input result (or of a raised exception), else None.

    Examples
    --------
    >>> error_message_of("#VALUE! 'data' is empty."), error_message_of("#N/A")
    ("'data' is empty.", None)
    """
    if isinstance(value, BaseException):
        return " ".join(str(value).split()) or type(value).__name__
    if isinstance(value, str) and value.startswith(_INVALID_PREFIX):
        return value[len(_INVALID_PREFIX) :]
    return None
