r"""What a program that hosts :mod:`agglo` builds on (供宿主程序使用的接口：Excel 加载项等).

A measure is called through :mod:`agglo` itself.  A *host* — the Excel add-in
(``agglo_addin``), or any front end that reads worksheet cells and shows agglo's results
and messages to people — also needs the steps below: the language and positions of
messages, and the table reader's steps for the raw cells it holds.  They are public and
kept stable here; the add-in uses only these names, :mod:`agglo` and its family modules
(a test fails when ``agglo_addin`` imports a private ``agglo._*`` module or name).  Their
code lives where the policy lives (:mod:`agglo.tables` for reading tables, the message
module for wording), so each rule still has one place.

Errors and settings (from :mod:`agglo`): :class:`agglo.AggloValueError`,
:func:`agglo.config_context` (``validate_once``: a host that has just read and checked
an array tells agglo not to scan it again), :func:`agglo.get_config`.

Messages — Chinese first, then English (``AGGLO_LANG=en`` or ``zh`` for one language)

=========================  ==============================================================
:func:`text`               ``text(zh, en)``: one message in the user's language
:func:`record_layout`      inside :func:`argument_origins`: how the array read from an
                           argument sits in its range (rows kept, header and label
                           columns left out); agglo's checks of that array then name
                           the cell of a bad value
:func:`recorded_layouts`   the same scope without origins (positions within the selection)
:func:`position_of`        where an element of such an array is: its worksheet address,
                           or its row and column in the selection; None if not known
:func:`where`              ``where(name, i, j)``: the position of a cell of an argument,
                           ``(Chinese, English)``; its worksheet address (``B7``) inside
                           :func:`argument_origins`
:func:`argument_origins`   ``with argument_origins({"data": (sheet, row, col)}, cells):``
                           — where each argument's range starts on the worksheet
                           (1-based), for the duration of one call; every message of
                           agglo inside the block names cells by their address.
                           ``cells(sheet, r1, c1, r2, c2)``, optional, reads worksheet
                           values: the row labels beside a selection of numbers alone
=========================  ==============================================================

Reading worksheet cells — the steps of :func:`agglo.read_table` (README, "How Agglo reads
your table"), for a host that holds the raw cells

============================  ===========================================================
:func:`read_grid`             a grid (list of rows) → values, row and column labels,
                              units, excluded total/subtotal/footnote rows
:func:`parse_text`            a cell's text → ``(number or None, had a footnote mark)``
:func:`is_total_label`        a label reads as a total or subtotal (全国, 合  计, 小计 …)
:func:`unit_of`               ``'GDP(亿元)'`` → ``('GDP', '亿元')``
:func:`years_run`             numeric cells form a run of years (2019, 2020, …)
:func:`year_above`            a year-like number above these values is a header
:func:`years_over_columns`    a first row of increasing years over every data column
:func:`check_total_rows`      rows equal to the sum of the others or labelled as totals
:func:`totals_ruled_out`      the row and column sums prove no row/column is a total
:func:`lines_free_of_totals`  the same proof for each row of a block read as one list
:func:`subtotal_runs`         rows equal to the sum of a run of their neighbours
:func:`column_subtotals`      cells of one column equal to the sum of a run below them
:func:`family_total_rows`     the first/last row of an indicator family (one label stem)
                              that is at least the sum of the other rows
:func:`labels_beside`         the row labels left of an argument's selection, read through
                              ``argument_origins(…, cells)``
============================  ===========================================================

Data frames

====================  ====================================================================
:func:`from_native`   a pandas, Polars, PyArrow, DuckDB or Dask frame as a narwhals frame
                      (:mod:`agglo.microdata`'s reader), refusing anything else with a
                      message
====================  ====================================================================

Examples
--------
>>> from agglo import host
>>> host.text("缺少数值。", "A number is missing.")
'缺少数值。 / A number is missing.'
>>> with host.argument_origins({"data": ("Sheet1", 3, 2)}):
...     host.where("data", 4, 1)
('Sheet1!C7', 'Sheet1!C7')
>>> host.parse_text("1,234.5①"), host.parse_text("—"), host.parse_text("北京")
((1234.5, True), (nan, False), (None, False))
>>> host.is_total_label("合  计"), host.unit_of("GDP(亿元)"), host.years_run([2019, 2020, 2021])
(True, ('GDP', '亿元'), True)
>>> import numpy as np
>>> block = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 2.0], [6.0, 1.0, 3.0]])
>>> host.totals_ruled_out(block), host.totals_ruled_out(np.vstack([block, block.sum(axis=0)]))
(True, False)
>>> g = host.read_grid([["地区", "GDP(亿元)"], ["全省", 30.0], ["甲市", "10①"], ["乙市", 20.0]])
>>> g.values.tolist(), g.row_labels, g.excluded
([[10.0], [20.0]], ['甲市', '乙市'], [(1, '全省', 'total')])
"""

from __future__ import annotations

from typing import Any

from ._messages import (
    argument_origins,
    position_of,
    record_layout,
    recorded_layouts,
    text,
    where,
)
from .tables import _check_total_rows as check_total_rows
from .tables import _column_subtotals as column_subtotals
from .tables import _family_total_rows as family_total_rows
from .tables import _is_total_label as is_total_label
from .tables import _labels_beside as labels_beside
from .tables import _lines_free_of_totals as lines_free_of_totals
from .tables import _parse_text as parse_text
from .tables import _read_grid as read_grid
from .tables import _subtotal_runs as subtotal_runs
from .tables import _totals_ruled_out as totals_ruled_out
from .tables import _unit_of as unit_of
from .tables import _year_above as year_above
from .tables import _years_over_columns as years_over_columns
from .tables import _years_run as years_run

__all__ = [
    "argument_origins",
    "check_total_rows",
    "column_subtotals",
    "family_total_rows",
    "from_native",
    "is_total_label",
    "labels_beside",
    "lines_free_of_totals",
    "parse_text",
    "position_of",
    "read_grid",
    "record_layout",
    "recorded_layouts",
    "subtotal_runs",
    "text",
    "totals_ruled_out",
    "unit_of",
    "where",
    "year_above",
    "years_over_columns",
    "years_run",
]


def from_native(frame: Any) -> Any:
    """A pandas, Polars, PyArrow, DuckDB or Dask frame as a narwhals frame.

    The reader of :func:`agglo.plant_summary` and :func:`agglo.aggregate` (imported on
    first use, so that importing this module does not load narwhals).  Anything else
    raises :class:`agglo.AggloValueError` naming the argument ``'plants'``.

    Examples
    --------
    >>> import pandas as pd
    >>> from agglo.host import from_native
    >>> from_native(pd.DataFrame({"x": [1, 2]})).shape
    (2, 1)
    >>> from_native([1, 2])
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'plants' 应为数据框...
    """
    from .microdata import _from_native

    return _from_native(frame)
