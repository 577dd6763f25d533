"""What goes where: the plain-Python decisions behind the macro scripts (buttons).

Given the values and position of a selected block, each planner returns a :class:`Plan`
— which sheet to add, which cells get which values, which get live formulas (``=LQRATIO(...)``
referencing the block, never pasted results), number formats, the heat-map colour scale,
charts and notes.  Nothing here talks to Excel: :mod:`agglo_addin.scripts` applies a plan
through xlwings (classic Excel or xlwings Lite), and the headless engine and the template
builders can apply the same plan to a file, so all of them lay sheets out identically.

Addresses are A1-style; ranges that point back to the data are absolute and
sheet-qualified (``'数据 2024'!$B$3:$D$33``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from agglo import AggloValueError
from agglo import cells as _cells
from agglo.cells import cell_address, column_letter
from agglo.host import check_total_rows as _check_total_rows
from agglo.host import is_total_label as _is_total_label
from agglo.host import read_grid as _read_grid
from agglo.host import unit_of as _unit_of

from . import conversion as cv
from .declare import formula as udf_formula

__all__ = [
    "HEAT_COLORS",
    "MARK_COLORS",
    "BlockLayout",
    "Chart",
    "Mark",
    "Plan",
    "Selection",
    "Write",
    "address",
    "analyse_block",
    "check_data",
    "column_letter",
    "coupling_report",
    "entropy_topsis_report",
    "lq_sheet",
    "range_address",
    "unique_sheet_name",
]

#: Three-colour heat map for LQ (< 1 blue-ish, 1 neutral, > 1 red): low, midpoint, high.
HEAT_COLORS = ("#5A8AC6", "#FCFCFF", "#F8696B")

#: Thresholds (numbers) of the three colours: 0, the midpoint 1 (no specialisation) and
#: 2 (a common cut-off for strong specialisation; larger LQs take the full high colour).
#: A scale without thresholds would centre on the 50th percentile, not on 1.
HEAT_THRESHOLDS = (0.0, 1.0, 2.0)

#: Fill colours used by "Check data".
MARK_COLORS = {
    "text": "#FFC7CE",  # not a number: the functions refuse it
    "missing": "#FFEB9C",  # blank, placeholder or error cell: read as missing
    "total": "#BDD7EE",  # a total row/column: never count it as a region
    "negative": "#F4B084",  # negative where sizes are expected
    "subtotal": "#DDEBF7",  # a subtotal/grouping row (苏南, 东部地区): not a region
    "of_which": "#E2EFDA",  # an 其中 row: a part of the row above
    "footnote": "#EDEDED",  # a footnote row (注：, 资料来源): not data
    "header": "#FFF2CC",  # a header of years or units: labels, not data
}


# --------------------------------------------------------------------------------------
# addresses (column letters and A1 addresses: agglo.cells)
# --------------------------------------------------------------------------------------

#: ``address(3, 2)`` → ``'B3'``, ``address(3, 2, absolute=True)`` → ``'$B$3'``.
address = cell_address


def range_address(
    row: int,
    col: int,
    n_rows: int = 1,
    n_cols: int = 1,
    *,
    sheet: str | None = None,
    absolute: bool = True,
) -> str:
    """A1 address of the ``n_rows`` × ``n_cols`` range at (row, col), optionally sheet-qualified.

    Examples
    --------
    >>> range_address(3, 2, 31, 3, sheet="数据")
    "'数据'!$B$3:$D$33"
    >>> range_address(1, 1, absolute=False)
    'A1'
    """
    last_row, last_col = row + n_rows - 1, col + n_cols - 1
    return _cells.range_address(row, col, last_row, last_col, sheet, absolute=absolute)


def unique_sheet_name(base: str, existing: Sequence[str]) -> str:
    """``base``, or ``base (2)``, ``base (3)``… — at most 31 characters, as Excel requires.

    Examples
    --------
    >>> unique_sheet_name("LQ", ["Data", "LQ"])
    'LQ (2)'
    """
    taken = {s.lower() for s in existing}
    base = re.sub(r"[\\[\]:*?/]", "_", base)[:31]
    if base.lower() not in taken:
        return base
    i = 2
    while True:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        if name.lower() not in taken:
            return name
        i += 1


# --------------------------------------------------------------------------------------
# plans
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """A selected range: its sheet, top-left cell (1-based) and values (list of rows)."""

    sheet: str
    row: int
    col: int
    values: list[list[Any]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0]) if self.values else 0


@dataclass(frozen=True)
class Write:
    """One cell (or the anchor of a spilled formula) to write."""

    address: str
    value: Any = None
    formula: str | None = None
    number_format: str | None = None
    bold: bool = False
    spill: tuple[int, int] | None = None
    """Rows × columns the formula's result spills over (an array formula of that size
    where the host has no dynamic arrays: classic Excel before 2021)."""


@dataclass(frozen=True)
class Chart:
    """A native chart: ``kind`` is an xlwings chart type (``line``, ``column_clustered``)."""

    kind: str
    source: str
    anchor: str
    title: str


@dataclass(frozen=True)
class Plan:
    """Everything a script writes: a new sheet with cells, formats, colour scale, charts.

    ``color_scale`` is (range, colours, number thresholds); ``column_widths`` are in
    characters of the Normal style (classic Excel's unit; scripts convert to points where
    the host measures widths in points).
    """

    sheet: str
    writes: list[Write] = field(default_factory=list)
    color_scale: tuple[str, tuple[str, ...], tuple[float, ...]] | None = None
    charts: list[Chart] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    column_widths: dict[str, float] = field(default_factory=dict)

    def formulas(self) -> dict[str, str]:
        """Address -> formula text of every formula cell."""
        return {w.address: w.formula for w in self.writes if w.formula}

    def values(self) -> dict[str, Any]:
        """Address -> value of every plain cell."""
        return {w.address: w.value for w in self.writes if w.formula is None}


@dataclass(frozen=True)
class BlockLayout:
    """Where the numbers, labels and totals of a selected yearbook block are."""

    sheet: str
    data_row: int
    data_col: int
    n_rows: int
    n_cols: int
    row_labels: list[Any] | None
    col_labels: list[Any] | None
    total_row: int | None  # worksheet row of a total (全国/合计) row kept out of the data
    warnings: list[str] = field(default_factory=list)

    @property
    def data(self) -> str:
        return range_address(
            self.data_row, self.data_col, self.n_rows, self.n_cols, sheet=self.sheet
        )

    @property
    def totals(self) -> str | None:
        if self.total_row is None:
            return None
        return range_address(self.total_row, self.data_col, 1, self.n_cols, sheet=self.sheet)

    def column(self, j: int) -> str:
        """The data cells of the j-th column (0-based)."""
        return range_address(self.data_row, self.data_col + j, self.n_rows, 1, sheet=self.sheet)

    def region_names(self) -> list[str]:
        if self.row_labels is not None:
            return [str(x) for x in self.row_labels]
        return [f"#{i + 1}" for i in range(self.n_rows)]

    def column_names(self, prefix: str = "") -> list[str]:
        if self.col_labels is not None:
            return [str(x) for x in self.col_labels]
        return [f"{prefix}{j + 1}" for j in range(self.n_cols)]


def analyse_block(
    sel: Selection, *, allow_total: bool = True, numeric_totals: bool = True
) -> BlockLayout:
    """Find the labels, the numbers and a total row in a selected block.

    A total row (labelled 全国/合计/总计…, or equal to the sum of the other rows) at the
    top or the bottom is kept out of the data and reported as ``total_row``; anywhere
    else it is refused, as is a total column.  ``numeric_totals=False`` (scores,
    indicators: sums mean nothing) only looks at the labels.

    Examples
    --------
    >>> sel = Selection("数据", 2, 1, [["地区", "工业", "服务业"], ["北京", 1.0, 2.0],
    ...                               ["上海", 3.0, 4.0], ["全国", 4.0, 6.0]])
    >>> lay = analyse_block(sel)
    >>> lay.data, lay.totals, lay.region_names()
    ("'数据'!$B$3:$C$4", "'数据'!$B$5:$C$5", ['北京', '上海'])
    """
    if not sel.values or not sel.values[0]:
        raise AggloValueError(
            "选区是空的，请先选一块数值。 / The selection is empty; select a block of numbers first."
        )
    rows = [list(r) for r in sel.values]
    label_col, label_row = cv.split_labels(rows)
    r0, c0 = int(label_row), int(label_col)
    trailing = 0
    try:  # the table reader: a header of several rows, several label columns, footnotes
        g = _read_grid(rows, "selection", sums=numeric_totals, strict=False)
    except AggloValueError:
        g = None
    if g is not None:
        r0, c0 = g.header_rows, g.label_cols
        kinds = {r: kind for r, _lab, kind in g.excluded}
        while len(rows) - 1 - trailing in kinds and kinds[len(rows) - 1 - trailing] in (
            "footnote",
            "blank",
        ):
            trailing += 1  # footnote rows below the table: not part of it
        inner = {r: k for r, k in kinds.items() if r < len(rows) - trailing and k != "total"}
        if inner:
            r, kind = min(inner.items())
            lab = next(lab for rr, lab, _k in g.excluded if rr == r)
            raise AggloValueError(
                f"第{sel.row + r}行（{lab!r}）是{_ROW_WORDS.get(kind, '小计行')}，不是地区；报表需要"
                f"连续的地区行，请只选各地区。 / Row {sel.row + r} ({lab!r}) of the selection is "
                f"a {kind.replace('_', ' ')} row, not a region; select the regions only."
            )
        rows = rows[: len(rows) - trailing]
    body = [r[c0:] for r in rows[r0:]]
    row_labels = (
        [" ".join(str(x) for x in r[:c0] if x not in (None, "")) or None for r in rows[r0:]]
        if c0
        else None
    )
    if c0 == 1:
        row_labels = [r[0] for r in rows[r0:]]
    col_labels = (
        (g.col_labels if g is not None and g.col_labels is not None else rows[0][c0:])
        if r0
        else None
    )
    if not body or not body[0]:
        raise AggloValueError(
            "选区只有标签，请把数值一起选上。 / The selection holds only labels; include the numbers."
        )
    # numbers for the sum check only (text is reported by check_data, not here)
    values = np.array(
        [
            [cv.parse_number(v) if cv.parse_number(v) is not None else np.nan for v in r]
            for r in body
        ],
        dtype=float,
    )
    found = set()
    if numeric_totals and values.shape[0] >= 3 and values.shape[1] >= 2:
        found.update(_check_total_rows(values, "selection", policy="ignore"))
    if row_labels is not None:
        found.update(i for i, lab in enumerate(row_labels) if _is_total_label(lab))
    if col_labels is not None and any(_is_total_label(c) for c in col_labels):
        j = next(j for j, c in enumerate(col_labels) if _is_total_label(c))
        col = column_letter(sel.col + c0 + j)
        raise AggloValueError(
            f"第{col}列（{col_labels[j]!r}）是合计列，请只选各行业。 / Column {col} "
            f"({col_labels[j]!r}) of the selection is a total (合计); select the industries only."
        )
    total_row = None
    first, n = 0, len(body)
    warnings = []
    if found:
        if len(found) > 1 or not allow_total:
            where = ", ".join(str(sel.row + r0 + i) for i in sorted(found))
            raise AggloValueError(
                f"第{where}行像是合计行（全国/合计或等于其他行之和），请只选各地区。 / Rows {where} "
                "of the selection look like totals (全国/合计 or the sum of the other rows); "
                "select the regions only."
            )
        i = found.pop()
        if i not in (0, n - 1) or n < 3:
            raise AggloValueError(
                f"第{sel.row + r0 + i}行是夹在地区中间的合计行，请移到顶部或底部，或不选它。 / "
                f"Row {sel.row + r0 + i} of the selection is a total (全国/合计) in the middle "
                "of the regions; move it to the top or bottom, or leave it out."
            )
        total_row = sel.row + r0 + i
        label = f" ({row_labels[i]})" if row_labels is not None else ""
        warnings.append(
            f"Row {total_row}{label} is a total: used as the national reference, not as a region."
        )
        if i == 0:
            first = 1
        n -= 1
        if row_labels is not None:
            row_labels = row_labels[first : first + n]
    return BlockLayout(
        sheet=sel.sheet,
        data_row=sel.row + r0 + first,
        data_col=sel.col + c0,
        n_rows=n,
        n_cols=len(body[0]),
        row_labels=row_labels,
        col_labels=col_labels,
        total_row=total_row,
        warnings=warnings,
    )


def _labels_down(writes: list[Write], row: int, col: int, labels: Sequence[str]) -> None:
    writes.extend(Write(address(row + i, col), value=lab) for i, lab in enumerate(labels))


def _labels_across(writes: list[Write], row: int, col: int, labels: Sequence[str]) -> None:
    writes.extend(
        Write(address(row, col + j), value=lab, bold=True) for j, lab in enumerate(labels)
    )


def lq_sheet(sel: Selection, existing: Sequence[str] = ()) -> Plan:
    """ "LQ sheet": the live LQ matrix of a selected yearbook block, with a heat map.

    Layout: A1 title, A2 conventions note, row 4 industry names from B4, region names
    from A5, the spilled ``=LQRATIO(...)`` at B5, a three-colour scale centred on 1 over the
    matrix.  A total row in the selection becomes LQ's ``industry_totals`` argument.

    Examples
    --------
    >>> sel = Selection("数据", 2, 1, [["地区", "工业", "服务业"], ["北京", 1.0, 2.0],
    ...                               ["上海", 3.0, 4.0], ["全国", 4.0, 6.0]])
    >>> plan = lq_sheet(sel)
    >>> plan.formulas()
    {'B5': "=LQRATIO('数据'!$B$3:$C$4,,'数据'!$B$5:$C$5)"}
    >>> plan.color_scale[0]
    'B5:C6'
    """
    lay = analyse_block(sel)
    if lay.totals:
        formula = udf_formula("LQRATIO", lay.data, industry_totals=lay.totals)
        reference = (
            f"national reference = the total row {lay.total_row} of {sel.sheet} (E_k), "
            "E = its sum; E_r = the region's row sum"
        )
    else:
        formula = udf_formula("LQRATIO", lay.data)
        reference = "totals from the block: E_r = row sums, E_k = column sums, E = grand sum"
    writes = [
        Write("A1", value=f"区位熵 Location quotients of {sel.sheet}", bold=True),
        Write(
            "A2",
            value=(
                "LQ_rk = (E_rk/E_r)/(E_k/E); " + reference + ". LQ > 1: the region is "
                "specialised in the industry. Live formula: edit the data and it recalculates."
            ),
        ),
        Write("A4", value="地区 region", bold=True),
    ]
    _labels_across(writes, 4, 2, lay.column_names("industry "))
    _labels_down(writes, 5, 1, lay.region_names())
    writes.append(
        Write("B5", formula=formula, number_format="0.00", spill=(lay.n_rows, lay.n_cols))
    )
    matrix = range_address(5, 2, lay.n_rows, lay.n_cols, absolute=False)
    notes = {"B5": "; ".join(lay.warnings)} if lay.warnings else {}
    return Plan(
        sheet=unique_sheet_name(f"LQ {sel.sheet}", existing),
        writes=writes,
        color_scale=(matrix, HEAT_COLORS, HEAT_THRESHOLDS),
        notes=notes,
        column_widths={"A": 14},
    )


def coupling_report(sel: Selection, existing: Sequence[str] = ()) -> Plan:
    """ "Coupling report": C, T, D, coordination level and lead/lag of selected system scores.

    The selection holds one column per system (2 or more; scores in [0, 1]) and one row
    per unit (region or year), labels allowed.  Layout: A1 title, A2 conventions, units
    from A5, the spilled ``=CTD(...)`` table (header row 4) at B4, ``=COORDLEVEL`` of the
    D column at E5, ``=LEADLAG`` of the first two systems at F5, and a line chart of C, T
    and D by unit (one contiguous source range, which both classic Excel and Lite accept).

    Examples
    --------
    >>> sel = Selection("S", 1, 1, [["城市", "U1", "U2"], ["A", 0.3, 0.5], ["B", 0.6, 0.4]])
    >>> sorted(coupling_report(sel).formulas().items())
    [('B4', '=CTD(S!$B$2:$C$3)'), ('E5', '=COORDLEVEL(D5:D6)'), ('F5', '=LEADLAG(S!$B$2:$B$3,S!$C$2:$C$3)')]
    """
    lay = analyse_block(sel, allow_total=False, numeric_totals=False)
    if lay.n_cols < 2:
        raise AggloValueError(
            "请每个系统选一列（至少两列得分），每个单位一行。 / Select one column per system "
            "(at least 2 columns of scores), one row per unit."
        )
    n = lay.n_rows
    d_col = range_address(5, 4, n, 1, absolute=False)
    names = lay.column_names("U")
    writes = [
        Write("A1", value=f"耦合协调度 Coupling coordination of {sel.sheet}", bold=True),
        Write(
            "A2",
            value=(
                "C = n·(ΠU)^(1/n)/ΣU (standard), T = ΣwU with equal weights, D = √(C·T); "
                "levels: 10-level scheme, intervals (a, b]; lead/lag: "
                f"{names[0]} vs {names[1]}, tolerance 0.1. Live formulas."
            ),
        ),
        Write("A4", value="单元 unit", bold=True),
        Write("B4", formula=udf_formula("CTD", lay.data), number_format="0.000", spill=(n + 1, 3)),
        Write("E4", value="协调等级 level", bold=True),
        Write("E5", formula=udf_formula("COORDLEVEL", d_col), spill=(n, 1)),
        Write("F4", value="滞后类型 lead/lag", bold=True),
        Write("F5", formula=udf_formula("LEADLAG", lay.column(0), lay.column(1)), spill=(n, 1)),
    ]
    _labels_down(writes, 5, 1, lay.region_names())
    chart_source = range_address(4, 1, n + 1, 4, absolute=False)  # units, C, T, D
    return Plan(
        sheet=unique_sheet_name(f"Coupling {sel.sheet}", existing),
        writes=writes,
        charts=[Chart("line", chart_source, "H4", "C, T, D 耦合协调度")],
        column_widths={"A": 14, "E": 12, "F": 12},
    )


def entropy_topsis_report(
    sel: Selection, existing: Sequence[str] = (), directions: Sequence[str] | None = None
) -> Plan:
    """ "Entropy–TOPSIS report": weights table, TOPSIS scores, ranks and a bar chart.

    The selection holds units × indicators (labels allowed).  Layout: A1 title, A2
    conventions, row 4 the indicator directions (editable ``+``/``-`` cells that every
    formula references), the spilled ``=ENTROPY(...)`` table at A6 (indicator, e, d, w),
    then per unit (from row ``8 + k``): name, ``=TOPSIS`` closeness (weights = the w
    column) and ``=TOPSISRANK``, and a bar chart of the closeness.

    Examples
    --------
    >>> sel = Selection("D", 1, 1, [["城市", "GDP", "人口"], ["A", 1.0, 5.0], ["B", 2.0, 3.0]])
    >>> sorted(entropy_topsis_report(sel).formulas().values())
    ['=ENTROPY(D!$B$2:$C$3,$B$4:$C$4)', '=TOPSIS(D!$B$2:$C$3,$D$7:$D$8,$B$4:$C$4)', '=TOPSISRANK(D!$B$2:$C$3,$D$7:$D$8,$B$4:$C$4)']
    """
    lay = analyse_block(sel, allow_total=False, numeric_totals=False)
    k, n = lay.n_cols, lay.n_rows
    if n < 2 or k < 2:
        raise AggloValueError(
            "请至少选2个单位（行）和2个指标（列）。 / Select at least 2 units (rows) and 2 "
            "indicators (columns)."
        )
    dirs = list(directions) if directions is not None else ["+"] * k
    if len(dirs) != k:
        raise AggloValueError(f"'directions' must have one entry per indicator ({k}).")
    dir_range = range_address(4, 2, 1, k)
    weights = range_address(7, 4, k, 1)  # the w column of the ENTROPY table
    top = 8 + k  # first row of the scores table
    writes = [
        Write("A1", value=f"熵权TOPSIS Entropy–TOPSIS of {sel.sheet}", bold=True),
        Write(
            "A2",
            value=(
                "Entropy weights: min–max with direction, 0·ln0 = 0, k = 1/ln(n); TOPSIS: "
                "vector normalisation, weighted, closeness D−/(D+ + D−). Change a direction "
                "in row 4 (+ benefit, - cost) and everything recalculates."
            ),
        ),
        Write("A3", value="指标 indicator", bold=True),
        Write("A4", value="方向 direction", bold=True),
        Write(
            "A6",
            formula=udf_formula("ENTROPY", lay.data, directions=dir_range),
            number_format="0.0000",
            spill=(k + 1, 4),
        ),
        Write(address(top - 1, 1), value="单元 unit", bold=True),
        Write(address(top - 1, 2), value="贴近度 closeness", bold=True),
        Write(address(top - 1, 3), value="排名 rank", bold=True),
        Write(
            address(top, 2),
            formula=udf_formula("TOPSIS", lay.data, weights, dir_range),
            number_format="0.0000",
            spill=(n, 1),
        ),
        Write(
            address(top, 3),
            formula=udf_formula("TOPSISRANK", lay.data, weights, dir_range),
            spill=(n, 1),
        ),
    ]
    _labels_across(writes, 3, 2, lay.column_names("x"))
    writes.extend(Write(address(4, 2 + j), value=d) for j, d in enumerate(dirs))
    _labels_down(writes, top, 1, lay.region_names())
    source = range_address(top - 1, 1, n + 1, 2, absolute=False)
    return Plan(
        sheet=unique_sheet_name(f"TOPSIS {sel.sheet}", existing),
        writes=writes,
        charts=[Chart("bar_clustered", source, address(top - 1, 5), "TOPSIS 贴近度")],
        column_widths={"A": 16},
    )


# --------------------------------------------------------------------------------------
# check data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A cell that "Check data" marks: ``kind`` is a key of :data:`MARK_COLORS`."""

    address: str
    kind: str
    message: str


def check_data(sel: Selection) -> list[Mark]:
    """Cells of a selection that the worksheet functions would refuse or read specially.

    The selection is read by the table reader (:func:`agglo.host.read_grid`), so the
    marks are the rules the functions apply: text inside the numbers and booleans
    (``text``), blanks/placeholders/error cells (``missing``), negative values
    (``negative``), and every cell of a total row (``total``), of a subtotal or grouping
    row (``subtotal``: 苏南, 东部地区, 小计, the sum of the rows next to it), of an ``其中``
    row (``of_which``), of a footnote row (``footnote``) and of a header row of years or
    units (``header``).  Text label rows/columns are left alone.

    Examples
    --------
    >>> sel = Selection("S", 1, 1, [["地区", "工业"], ["北京", "—"], ["上海", -3.0],
    ...                            ["天津", "abc"], ["全国", 9.0]])
    >>> [(m.address, m.kind) for m in check_data(sel)]
    [('B2', 'missing'), ('B3', 'negative'), ('B4', 'text'), ('A5', 'total'), ('B5', 'total')]
    >>> sel = Selection("S", 1, 1, [[None, 2012.0, 2013.0], ["苏南", 3.0, 5.0], ["南京", 1.0, 2.0],
    ...                            ["苏州", 2.0, 3.0], ["注：当年价格", None, None]])
    >>> sorted({(m.address[0:1] + m.address[1:], m.kind) for m in check_data(sel)})[:4]
    [('A2', 'subtotal'), ('A5', 'footnote'), ('B1', 'header'), ('B2', 'subtotal')]
    """
    rows = [list(r) for r in sel.values]
    if not rows or not rows[0]:
        return []
    try:
        g = _read_grid(rows, "selection", sums=True, strict=False)
    except AggloValueError:
        return []
    k = len(rows[0])
    c0 = g.label_cols
    marks: list[Mark] = []
    for r in range(g.header_rows):  # a header of years or units: labels, not data
        for j in range(c0, k):
            v = rows[r][j]
            if isinstance(v, int | float) and not isinstance(v, bool) or _unit_text(v):
                marks.append(Mark(address(sel.row + r, sel.col + j), "header", _HEADER_TEXT))
    excluded = {r: kind for r, _lab, kind in g.excluded}
    texts = set(g.texts)
    for r in range(g.header_rows, len(rows)):
        row_no = sel.row + r
        kind = excluded.get(r)
        if kind is not None:
            mark_kind = _ROW_MARKS.get(kind, "subtotal")
            for j in range(k):
                marks.append(Mark(address(row_no, sel.col + j), mark_kind, _MARK_TEXT[mark_kind]))
            continue
        for j in range(c0, k):
            v = rows[r][j]
            cell = address(row_no, sel.col + j)
            if (r, j) in texts:
                what = "a boolean" if isinstance(v, bool) else f"the text {v!r}"
                marks.append(
                    Mark(cell, "text", f"不是数值 / Not a number ({what}): #VALUE! in Agglo.")
                )
                continue
            num = cv.parse_number(v)
            if num is None or num != num:
                marks.append(
                    Mark(
                        cell,
                        "missing",
                        "空格、占位符或错误值，按缺失处理 / Blank, placeholder or error: read as missing.",
                    )
                )
            elif num < 0:
                marks.append(
                    Mark(
                        cell,
                        "negative",
                        "负数：规模量（就业、产值）不能为负 / Negative: sizes (employment, output) cannot be.",
                    )
                )
    return marks


def _unit_text(v: Any) -> bool:
    return (
        isinstance(v, str)
        and bool(v.strip())
        and _unit_of(v)[0] == ""
        and _unit_of(v)[1] is not None
    )


#: kind of a row the table reader leaves out → its name in messages.
_ROW_WORDS = {"subtotal": "小计行", "grouping": "分组小计行", "sum": "小计行（等于相邻几行之和）",
              "by": "分组标题行", "of_which": "“其中”行", "unit": "单位行", "footnote": "注释行"}  # fmt: skip

#: kind of a row the table reader leaves out → the mark "Check data" gives it.
_ROW_MARKS = {
    "total": "total",
    "subtotal": "subtotal",
    "grouping": "subtotal",
    "sum": "subtotal",
    "by": "subtotal",
    "of_which": "of_which",
    "footnote": "footnote",
    "unit": "header",
    "blank": "footnote",
}
_HEADER_TEXT = "表头（年份或单位），作标签不作数据 / Header (years or units): labels, not data."
_MARK_TEXT = {
    "total": "合计行：不是地区，可作 totals 参数 / Total row (全国/合计 or the sum of the other "
    "rows): do not count it as a region; pass it as the totals argument.",
    "subtotal": "小计或分组行（如苏南、东部地区）：不是地区 / Subtotal or grouping row "
    "(苏南, 东部地区, the sum of the rows next to it): not a region.",
    "of_which": "“其中”行：上一行的一部分 / 'Of which' row: a part of the row above, not a region.",
    "footnote": "注释行：不是数据 / Footnote row: not data.",
    "header": _HEADER_TEXT,
}
