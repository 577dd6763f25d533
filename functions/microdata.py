r"""From plant records (micro-data) to the region × industry block, in the user's engine.

Census records of legal units, firm panels and establishment files are too large for
one process.  Everything Agglo needs from them is additive over plants: per region ×
industry cell the number of plants, the summed size, the summed squares and fourth
powers of the sizes (for the plant Herfindahl H = Σz² and Σz⁴ of Ellison–Glaeser).
:func:`plant_summary` computes these sums as **one group-by inside the engine that
holds the data** — pandas, Polars (eager or lazy), PyArrow, DuckDB or Dask (also on a
multi-machine cluster; there one group-by per partition, whose partial tables are added
up in a tree) — and brings back only the small cell table.  Summaries of
chunks or files add up (:meth:`PlantSummary.combine`), so a file too large for memory
can be read in pieces.  :func:`aggregate` turns a summary (or a frame) into the block;
:func:`agglo.ellison_glaeser` and :func:`agglo.maurel_sedillot` accept a frame or a
summary with ``region=``/``industry=``/``size=`` column names.

One code path serves every engine through *narwhals* (a dependency-free translation
layer to each engine's own expressions).  Alternatives considered: Ibis (a large
dependency with its own backends, and no Dask backend any more), the dataframe
interchange protocol (moves the data, does not run the group-by where it lives) and one
hand-written branch per engine (five code paths to keep identical).  narwhals is
imported only when a frame reaches this module (extra ``agglo[frames]``, or the extra of
an engine: ``[polars]``, ``[duckdb]``, ``[dask]``); the base install does not need it.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_option

__all__ = ["PlantSummary", "plant_summary", "aggregate"]

#: Reasons for which :func:`plant_summary` leaves a record out, in report order.
DROP_REASONS = {
    "missing_region": ("地区缺失", "missing region"),
    "missing_industry": ("行业缺失", "missing industry"),
    "missing_size": ("规模缺失", "missing size"),
    "negative_size": ("规模为负", "negative size"),
}

_KEY_R, _KEY_K, _REASON = "__agglo_region", "__agglo_industry", "__agglo_reason"


def _nw():
    """narwhals (stable API v2), or a clear message saying which extra installs it."""
    try:
        import narwhals.stable.v2 as nw
    except ImportError as exc:  # pragma: no cover - narwhals comes with the extras
        raise ImportError(
            _m.text(
                "读取企业数据框需要 narwhals：pip install 'agglo[frames]'（Polars/DuckDB/Dask 用 "
                "[polars]/[duckdb]/[dask]）。",
                "Plant frames need narwhals: pip install "
                "'agglo[frames]' (or [polars], [duckdb], [dask] with the engine).",
            )
        ) from exc
    return nw


def _from_native(plants: Any):
    nw = _nw()
    with warnings.catch_warnings():
        # narwhals announces that its Dask support moves to a separate package, not yet
        # released; the support itself is unchanged.
        warnings.filterwarnings("ignore", message=".*narwhals-dask.*", category=FutureWarning)
        try:
            return nw.from_native(plants)
        except TypeError as exc:
            raise AggloValueError(
                _m.text(
                    "'plants' 应为数据框（pandas、Polars、PyArrow、DuckDB 或 Dask），收到 "
                    f"{type(plants).__name__}。",
                    "'plants' must be a data frame (pandas, Polars, "
                    f"PyArrow, DuckDB or Dask); received {type(plants).__name__}.",
                )
            ) from exc


def _collect(frame: Any) -> pd.DataFrame:
    """The (small) result of a group-by as a pandas DataFrame."""
    nw = _nw()
    if isinstance(frame, nw.LazyFrame):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*narwhals-dask.*", category=FutureWarning)
            frame = frame.collect()
    return frame.to_pandas()


def _columns(frame: Any) -> dict[str, Any]:
    return dict(frame.collect_schema())


def _check_column(schema: dict[str, Any], col: Any, role: str) -> None:
    if not isinstance(col, str):
        raise AggloValueError(
            _m.text(
                f"'{role}' 应为列名（文本），收到 {col!r}。",
                f"'{role}' must be a column name (text); received {col!r}.",
            )
        )
    if col not in schema:
        shown = ", ".join(map(repr, list(schema)[:12]))
        raise AggloValueError(
            _m.text(
                f"找不到{_ROLE_ZH[role]}列 {col!r}（共 {len(schema)} 列：{shown}）。",
                f"Column {col!r} ('{role}') not found among the {len(schema)} columns: {shown}.",
            )
        )


_ROLE_ZH = {"region": "地区", "industry": "行业", "size": "规模", "value": "数值"}


def _text_sizes(frame: Any, col: str, role: str) -> None:
    """Refuse a size column that is not numeric, counting the entries that are not numbers."""
    nw = _nw()
    number = r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$"
    try:
        counts = _collect(
            frame.select(
                nw.col(col).is_null().sum().alias("missing"),
                nw.col(col).cast(nw.String).str.contains(number).sum().alias("numeric"),
                nw.len().alias("rows"),
            )
        ).iloc[0]
        bad = int(counts["rows"] - counts["missing"] - counts["numeric"])
        detail_zh = f"其中 {bad} 个值不是数字"
        detail_en = f"{bad} of its values are not numbers"
    except Exception:  # an engine that cannot test the texts: name the column only
        bad, detail_zh, detail_en = -1, "该列为文本", "the column holds text"
    raise AggloValueError(
        _m.text(
            f"{_ROLE_ZH[role]}列 {col!r} 应为数字，{detail_zh}。请先转换为数值。",
            f"Column {col!r} "
            f"('{role}') must hold numbers; {detail_en}. Convert it to numbers first.",
        )
    )


@dataclasses.dataclass(frozen=True, repr=False)
class PlantSummary(Result):
    r"""Additive per-cell sums of plant records: what every block and EG/MS need.

    Attributes
    ----------
    cells : DataFrame
        One row per occupied region × industry cell, columns ``region``, ``industry``,
        ``plants`` (records kept), ``positive`` (plants with size > 0), ``total``
        (Σ size), ``sum_sq`` (Σ size²), ``sum_4`` (Σ size⁴).  Without a size column every
        plant has size 1.
    rows : int
        Records read.
    dropped : dict
        Records left out, by reason (``missing_region``, ``missing_industry``,
        ``missing_size``, ``negative_size``); each record counts under its first reason.
    region, industry, size : str or None
        The column names used.
    region_level : str or None
        ``'province'``/``'prefecture'``/``'county'`` when region codes were mapped to the
        units of that level (see :func:`agglo.region_names`), else None.  Whether the
        units below the province carry names (from a code list) or their codes is stated
        in ``convention``.
    engine : str
        The engine that ran the group-by (``'pandas'``, ``'polars'``, ``'duckdb'`` ...).
    convention : str
        How the sums were formed.
    """

    cells: Any
    rows: int
    dropped: dict
    region: str
    industry: str | None
    size: str | None
    region_level: str | None
    engine: str
    convention: str

    @property
    def kept(self) -> int:
        """Records kept (rows minus dropped)."""
        return int(self.rows - sum(self.dropped.values()))

    def to_frame(self) -> pd.DataFrame:
        """The cell table."""
        return self.cells.copy()

    def at_level(self, level: str, code_list: Any = None) -> PlantSummary:
        """The summary with its regions (6-digit 行政区划代码) replaced by the units of
        ``level`` (``'province'``, ``'prefecture'`` or ``'county'``); cells that fall
        together are added up.  Names are shipped (provinces: GB/T 2260; prefectures and
        counties: the 2023 statistical division codes); ``code_list`` (format in
        :func:`agglo.region_codes`) overrides and extends them, e.g. with the codes of the
        data's year.  Codes whose province part is unknown, or whose unit is in neither
        table, raise, counting codes and records.

        Examples
        --------
        >>> s = plant_summary(pd.DataFrame({"region": [440106, 440305], "industry": ["C13"] * 2}))
        >>> s.at_level("province").cells[["region", "plants"]].values.tolist()
        [['广东省', 2]]
        >>> s.at_level("prefecture").cells["region"].tolist()
        ['广州市', '深圳市']
        >>> s.at_level("prefecture", {440300: "深圳"}).cells["region"].tolist()
        ['广州市', '深圳']
        """
        level = as_option(level, "level", ("province", "prefecture", "county"))
        if self.region_level is not None:
            raise AggloValueError(
                _m.text(
                    f"该汇总的地区已是{self.region_level}名称。",
                    "The regions of this summary are "
                    f"already {self.region_level} names; summarise the codes again.",
                )
            )
        _check_codes(self.cells, self.region, level, code_list)
        cells = self.cells.assign(
            region=_region_names(
                self.cells["region"].to_numpy(), level, name=self.region, code_list=code_list
            )
        )
        return dataclasses.replace(
            self,
            cells=_sum_cells(cells),
            region_level=level,
            convention=(
                f"{self.convention}; regions = {_level_text(level, code_list)} "
                f"(行政区划代码 in column {self.region!r})"
            ),
        )

    @classmethod
    def combine(cls, parts: Any) -> PlantSummary:
        """Add up summaries of disjoint pieces of the same data (chunks, files, years).

        Examples
        --------
        >>> a = plant_summary(pd.DataFrame({"region": ["甲"], "industry": ["纺织"]}))
        >>> b = plant_summary(pd.DataFrame({"region": ["甲", "乙"], "industry": ["纺织"] * 2}))
        >>> PlantSummary.combine([a, b]).cells[["region", "plants"]].values.tolist()
        [['乙', 1], ['甲', 2]]
        """
        parts = list(parts)
        if not parts:
            raise AggloValueError(
                _m.text(
                    "没有可合并的汇总。",
                    "No summaries to combine; received none.",
                )
            )
        first = parts[0]
        for p in parts[1:]:
            if (p.region, p.industry, p.size, p.region_level) != (
                first.region,
                first.industry,
                first.size,
                first.region_level,
            ):
                raise AggloValueError(
                    _m.text(
                        "只能合并相同列、相同地区层级的汇总。",
                        "Only summaries of the same columns "
                        "and region level can be combined; the columns or levels differ.",
                    )
                )
        cells = _sum_cells(pd.concat([p.cells for p in parts], ignore_index=True))
        dropped = {k: sum(p.dropped[k] for p in parts) for k in DROP_REASONS}
        return dataclasses.replace(
            first, cells=cells, rows=sum(p.rows for p in parts), dropped=dropped
        )


def _sum_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per (region, industry), sums of every moment, sorted by the labels."""
    keys = ["region", "industry"]
    out = cells.groupby(keys, sort=True, dropna=False, observed=True)[
        ["plants", "positive", "total", "sum_sq", "sum_4"]
    ].sum()
    return out.reset_index().astype({"plants": np.int64, "positive": np.int64})


def _keys(region: str, industry: str | None) -> tuple[str, str]:
    """Group by the columns themselves (no copies) unless one column serves both roles."""
    key_r = region if region != industry else _KEY_R
    key_k = industry if industry is not None and industry != region else _KEY_K
    return key_r, key_k


def _dask_group_sums(
    frame: Any, region: str, industry: str | None, size: str | None
) -> pd.DataFrame:
    """Dask only: :func:`_group_sums` on each partition, then one tree reduction.

    narwhals cannot express this.  Its ``group_by(...).agg`` on a Dask frame becomes
    Dask's group-by with the default ``split_out``, which for several keys spreads the
    result over many output partitions and shuffles the partial sums between workers;
    narwhals has no ``split_out=1`` argument and no per-partition operation.  (Its Dask
    translation of the record-level expressions — literals as aligned Dask series — also
    costs more than the group-by itself.)  All the sums (row count, positive count,
    Σsize, Σsize², Σsize⁴) are additive, so each partition is summarised apart by the
    very same narwhals code on the partition's pandas frame, and the partial tables (one
    row per occupied cell) are added up in a tree, a few at a time, into one table.
    The records never leave their workers; only partial tables travel.
    """
    nw = _nw()
    ddf = frame.to_native()
    keys = [*_keys(region, industry), _REASON]

    def chunk(part: pd.DataFrame) -> pd.DataFrame:
        return _group_sums(nw.from_native(part), region, industry, size)

    def add(parts: pd.DataFrame) -> pd.DataFrame:
        g = parts.groupby(keys, sort=False, dropna=False, observed=True)
        return g.sum().reset_index()

    meta = chunk(ddf._meta)  # the result's columns and dtypes, from Dask's empty frame
    total = ddf.reduction(chunk, aggregate=add, combine=add, meta=meta, split_every=8)
    return total.compute()


def _group_sums(frame: Any, region: str, industry: str | None, size: str | None) -> pd.DataFrame:
    """Sums per (region key, industry key, reason code) of a narwhals frame, as pandas."""
    nw = _nw()
    # One pass: a reason code per record (0 = kept) and the powers of the size as
    # columns, then plain sums per (region, industry, reason) — simple aggregations that
    # every engine runs natively.  Groups of left-out records only give their counts.
    r_null = nw.col(region).is_null()
    k_null = nw.col(industry).is_null() if industry is not None else nw.lit(False)
    reason = nw.when(r_null).then(1).otherwise(nw.when(k_null).then(2).otherwise(0))
    if size is not None:
        s = nw.col(size).cast(nw.Float64)
        s_missing = ~((s >= 0) | (s < 0)).fill_null(False)  # null or NaN
        reason = (
            nw.when(r_null)
            .then(1)
            .otherwise(
                nw.when(k_null)
                .then(2)
                .otherwise(
                    nw.when(s_missing).then(3).otherwise(nw.when(s < 0).then(4).otherwise(0))
                )
            )
        )
    key_r, key_k = _keys(region, industry)
    columns = {_REASON: reason.cast(nw.Int8)}
    if key_r == _KEY_R:
        columns[_KEY_R] = nw.col(region)
    if key_k == _KEY_K:
        columns[_KEY_K] = nw.col(industry) if industry is not None else nw.lit(0, dtype=nw.Int64)
    aggs = [nw.len().alias("rows")]
    if size is not None:
        columns["_v"] = s
        columns["_pos"] = (s > 0).cast(nw.Int64)
        frame = frame.with_columns(**columns).with_columns(_sq=nw.col("_v") * nw.col("_v"))
        frame = frame.with_columns(_q4=nw.col("_sq") * nw.col("_sq"))
        aggs += [
            nw.col("_pos").sum().alias("positive"),
            nw.col("_v").sum().alias("total"),
            nw.col("_sq").sum().alias("sum_sq"),
            nw.col("_q4").sum().alias("sum_4"),
        ]
    else:
        frame = frame.with_columns(**columns)
    return _collect(frame.group_by(key_r, key_k, _REASON, drop_null_keys=False).agg(*aggs))


def plant_summary(
    plants: Any,
    region: str = "region",
    industry: str | None = "industry",
    size: str | None = None,
    *,
    region_level: str | None = None,
    code_list: Any = None,
) -> PlantSummary:
    r"""Per region × industry sums of plant records (企业微观数据), computed in the data's own engine.

    One group-by runs where the data live (pandas, Polars eager or lazy, PyArrow, DuckDB,
    Dask on one machine or a cluster); only the cell table — one row per occupied
    region × industry cell — comes back.  Records with a missing region, industry or
    size, or a negative size, are left out and counted in ``dropped``.

    Parameters
    ----------
    plants : DataFrame
        One record per plant (legal unit, establishment, firm-year): a pandas, Polars,
        PyArrow, DuckDB (relation) or Dask data frame.
    region, industry : str
        Column names of the region label and the industry label.  ``industry=None``: all
        plants form one industry (labelled 0).
    size : str, optional
        Column of plant sizes (employment, output ...), numeric and non-negative.
        Omitted: every plant counts 1 (plant counts).
    region_level : {'province', 'prefecture', 'county'}, optional
        The region column holds 6-digit administrative division codes (行政区划代码);
        label the cells with the units of this level (:func:`agglo.region_names`) and add
        up the cells that fall together.  Units carry their names: shipped for the 34
        provinces (GB/T 2260) and for the prefecture and county units of 2023
        (统计用区划代码; ``convention`` says which tables were used).  A code whose
        province part is not one of the 34 provincial-level units, or whose unit is in
        neither the shipped table nor ``code_list``, raises, naming the count.
    code_list : str, path, DataFrame or mapping, optional
        With ``region_level``: names of units below the province, e.g. of the data's
        year, a CSV file of two columns ``code,name`` (format in
        :func:`agglo.region_codes`); they override and extend the shipped 2023 names.

    Returns
    -------
    PlantSummary
        ``cells`` (region, industry, plants, positive, total, sum_sq, sum_4), ``rows``,
        ``dropped`` (by reason), the column names, ``engine`` and ``convention``.

    Raises
    ------
    AggloValueError
        A column that does not exist; a size column holding text (naming how many values
        are not numbers); region codes not in the list.

    Notes
    -----
    For the plants j of region r and industry k, with sizes e_j, each cell holds

    .. math::

        N_{rk} = \sum_{j \in (r,k)} 1, \quad E_{rk} = \sum_{j \in (r,k)} e_j, \quad
        Q_{rk} = \sum_{j \in (r,k)} e_j^2, \quad F_{rk} = \sum_{j \in (r,k)} e_j^4,

    from which the plant Herfindahl H_k = Σ_r Q_rk / E_k² and Σ_j z_j⁴ = Σ_r F_rk / E_k⁴
    of Ellison & Glaeser (1997) follow, with E_k = Σ_r E_rk.  All sums are additive over
    plants, which is why pieces of the data can be summarised apart and combined.

    References
    ----------
    Ellison, G., & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing
    industries: a dartboard approach. *Journal of Political Economy*, 105(5), 889–927.

    See [ellison_glaeser_1997] in docs/references.md.

    Examples
    --------
    >>> plants = pd.DataFrame({
    ...     "region": ["甲", "甲", "乙", None],
    ...     "industry": ["纺织", "纺织", "电子", "纺织"],
    ...     "emp": [50, 30, 20, 10],
    ... })
    >>> s = plant_summary(plants, size="emp")
    >>> s.cells[["region", "industry", "plants", "total", "sum_sq"]].values.tolist()
    [['乙', '电子', 1, 20.0, 400.0], ['甲', '纺织', 2, 80.0, 3400.0]]
    >>> s.dropped["missing_region"], s.kept
    (1, 3)
    """
    if isinstance(plants, PlantSummary):
        if region_level is not None and plants.region_level != region_level:
            return plants.at_level(region_level, code_list)
        return plants
    nw = _nw()
    frame = _from_native(plants)
    if isinstance(frame, nw.DataFrame):
        # An eager Polars frame becomes a lazy query (one optimised plan instead of a
        # step at a time); pandas and PyArrow frames stay as they are.
        frame = frame.lazy()
    schema = _columns(frame)
    _check_column(schema, region, "region")
    if industry is not None:
        _check_column(schema, industry, "industry")
    if size is not None:
        _check_column(schema, size, "size")
        if not schema[size].is_numeric():
            _text_sizes(frame, size, "size")
    if region_level is not None:
        region_level = as_option(region_level, "region_level", ("province", "prefecture", "county"))

    key_r, key_k = _keys(region, industry)
    if frame.implementation.is_dask():
        raw = _dask_group_sums(frame, region, industry, size)
    else:
        raw = _group_sums(frame, region, industry, size)
    raw = raw.rename(columns={key_r: "region", key_k: "industry"})
    code = raw[_REASON].to_numpy(dtype=np.int64)
    n_rows = raw["rows"].to_numpy(dtype=np.int64)
    dropped = {k: int(n_rows[code == i + 1].sum()) for i, k in enumerate(DROP_REASONS)}
    rows = int(n_rows.sum())
    cells = raw[code == 0].drop(columns=[_REASON]).rename(columns={"rows": "plants"})
    if size is None:  # every plant has size 1
        cells = cells.assign(
            positive=cells["plants"],
            total=cells["plants"].astype(float),
            sum_sq=cells["plants"].astype(float),
            sum_4=cells["plants"].astype(float),
        )
    if not np.isfinite(cells["sum_4"].to_numpy(dtype=float)).all():
        raise AggloValueError(
            _m.text(
                f"规模列 {size!r} 的数值过大（四次方溢出）。请换用较大的单位（如万人）。",
                "The sizes "
                f"in {size!r} are too large (their fourth powers overflow); use a larger unit.",
            )
        )
    impl = getattr(frame, "implementation", None)
    engine = str(impl).split(".")[-1].lower() if impl is not None else "unknown"
    how = (
        "group-by in dask per partition, partial sums added in a tree"
        if engine == "dask"
        else f"one group-by in {engine}"
    )
    summary = PlantSummary(
        cells=_sum_cells(cells),
        rows=rows,
        dropped=dropped,
        region=region,
        industry=industry,
        size=size,
        region_level=None,
        engine=engine,
        convention=(
            f"{how}; size = {size if size else 'each plant counts 1'}; "
            "records with a missing region/industry/size or a negative size left out and "
            "counted"
        ),
    )
    return summary if region_level is None else summary.at_level(region_level, code_list)


def _region_names(codes: Any, level: str, *, name: str, code_list: Any = None) -> np.ndarray:
    from .regions import region_names as _names

    return _names(codes, level, name=name, code_list=code_list)


def _check_codes(cells: pd.DataFrame, col: str, level: str, code_list: Any = None) -> None:
    """Refuse region codes of an unknown province, or whose unit is in neither the shipped
    table nor the code list given, counting the codes and the records."""
    from .regions import _as_codes, _known, _listed, _lookup, _shown, _unknown_units

    known = _known(cells["region"].to_numpy())
    if not known.all():
        bad = cells.loc[~known]
        codes = pd.unique(bad["region"].to_numpy())
        shown = _shown(codes)
        n_rec = int(bad["plants"].sum())
        raise AggloValueError(
            _m.text(
                f"地区列 {col!r} 中有 {len(codes)} 个值（{n_rec} 条记录）不是有效的行政区划代码"
                f"（省级部分不在 GB/T 2260 的 34 个省级单位中），例如 {shown}。",
                f"{len(codes)} "
                f"value(s) in column {col!r} ({n_rec} records) are no administrative division "
                "code (province part not one of the 34 provincial-level units of GB/T 2260), "
                f"e.g. {shown}.",
            )
        )
    listed, user = _listed(code_list)
    ints, _raw = _as_codes(cells["region"].to_numpy())
    names, high = _lookup(ints, level, listed)
    missing = pd.isna(names) & ~high
    if missing.any():
        bad = cells.loc[missing]
        codes = pd.unique(bad["region"].to_numpy())
        n_rec = int(bad["plants"].sum())
        zh, en = _unknown_units(col, level, _shown(codes), len(codes), user is not None, n_rec)
        raise AggloValueError(_m.text("地区列 " + zh, en))


def _level_text(level: str, code_list: Any) -> str:
    """How the regions of a level are labelled (for ``convention``)."""
    from .regions import REGION_CODES_VINTAGE

    if level == "province" or code_list is None:
        return f"{level} names ({REGION_CODES_VINTAGE})"
    src = code_list if isinstance(code_list, str) else type(code_list).__name__
    return f"{level} names from the code list given ({src}), then {REGION_CODES_VINTAGE}"


def _refuse_dropped(summary: PlantSummary, given: str) -> None:
    """Raise when records of a frame were invalid (a summary made on purpose keeps its drops)."""
    cols = {
        "missing_region": summary.region,
        "missing_industry": summary.industry,
        "missing_size": summary.size,
        "negative_size": summary.size,
    }
    for reason, count in summary.dropped.items():
        if count:
            zh, en = DROP_REASONS[reason]
            raise AggloValueError(
                _m.text(
                    f"列 {cols[reason]!r} 有 {count} 条记录{zh}（共 {summary.rows} 条）。请补全或删除，"
                    "或先用 agglo.plant_summary 汇总（会剔除并记录）。",
                    f"Column {cols[reason]!r}: "
                    f"{count} of {summary.rows} records have a {en}. Fill them in or remove them, "
                    "or summarise with agglo.plant_summary, which leaves them out and counts them.",
                )
            )


def _summarise(
    plants: Any,
    region: str,
    industry: str | None,
    size: str | None,
    region_level: Any,
    code_list: Any = None,
) -> PlantSummary:
    """A summary of a frame (invalid records raise) or a summary given as is."""
    if isinstance(plants, PlantSummary):
        want = (region, industry, plants.size if size is None else size)
        have = (plants.region, plants.industry, plants.size)
        if want == have and region_level is not None and plants.region_level is None:
            return plants.at_level(region_level, code_list)
        if want != have or (region_level is not None and region_level != plants.region_level):
            raise AggloValueError(
                _m.text(
                    f"汇总的列为 {have}，与所给的 {want} 不同。",
                    "The summary was made from the "
                    f"columns (region, industry, size) = {have}, not {want}; make a new summary.",
                )
            )
        return plants
    summary = plant_summary(
        plants, region, industry, size, region_level=region_level, code_list=code_list
    )
    _refuse_dropped(summary, "frame")
    if summary.kept == 0:
        raise AggloValueError(
            _m.text(
                "数据框没有任何记录。",
                "'plants' has no records; received an empty frame.",
            )
        )
    return summary


def aggregate(
    plants: Any,
    region: str = "region",
    industry: str = "industry",
    value: str | None = None,
    *,
    region_level: str | None = None,
    code_list: Any = None,
) -> pd.DataFrame:
    r"""The region × industry block (地区×行业) of plant records: plant counts or summed values.

    The group-by runs inside the engine that holds ``plants`` (pandas, Polars eager or
    lazy, PyArrow, DuckDB, Dask — also on a cluster); only the block comes back.

    Parameters
    ----------
    plants : DataFrame or PlantSummary
        One record per plant, or a :func:`plant_summary` of them.
    region, industry : str
        Column names of the region and industry labels (rows and columns of the block).
    value : str, optional
        Column to sum (employment, output ...; numeric, non-negative).  Omitted: the
        number of plants in each cell (企业数).
    region_level : {'province', 'prefecture', 'county'}, optional
        The region column holds 6-digit 行政区划代码: rows are the units of this level
        (see :func:`plant_summary`), named from the shipped tables (provinces: GB/T 2260;
        prefectures and counties: 统计用区划代码 2023) and ``code_list``.
    code_list : str, path, DataFrame or mapping, optional
        Names of units below the province, e.g. of the data's year (format in
        :func:`agglo.region_codes`); they override and extend the shipped 2023 names.

    Returns
    -------
    DataFrame
        Regions (sorted labels) × industries (sorted labels); empty cells are 0.  The
        index is named after the region column (after the level with ``region_level``),
        the columns after the industry column.  Plant
        counts are integers, summed values floats.  Ready for every agglo function and
        for a worksheet.

    Raises
    ------
    AggloValueError
        A missing column; a value column of text; records with a missing region,
        industry or value or a negative value (each message names the column and the
        count; a :func:`plant_summary` leaves them out and records them instead).

    Notes
    -----
    The block of every yearbook table of industry by region:

    .. math::

        E_{rk} = \sum_{j \in \text{region } r,\ \text{industry } k} e_j
        \qquad \text{(or the number of plants when ``value`` is omitted).}

    References
    ----------
    Ellison, G., & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing
    industries: a dartboard approach. *Journal of Political Economy*, 105(5), 889–927
    (the region × industry sums from plant records).

    See [ellison_glaeser_1997] in docs/references.md.

    Examples
    --------
    >>> plants = pd.DataFrame({
    ...     "地区": ["甲", "甲", "乙", "乙", "乙"],
    ...     "行业": ["纺织", "电子", "纺织", "纺织", "电子"],
    ...     "从业人员": [120, 40, 30, 10, 60],
    ... })
    >>> aggregate(plants, "地区", "行业")
    行业  电子  纺织
    地区
    乙    1   2
    甲    1   1
    >>> aggregate(plants, "地区", "行业", "从业人员")
    行业    电子     纺织
    地区
    乙   60.0   40.0
    甲   40.0  120.0
    """
    summary = _summarise(plants, region, industry, value, region_level, code_list)
    if value is not None and summary.size != value:
        raise AggloValueError(
            _m.text(
                f"汇总的规模列为 {summary.size!r}，不是 {value!r}。",
                f"The summary sums {summary.size!r}, not {value!r}.",
            )
        )
    cells = summary.cells
    col = "total" if value is not None else "plants"
    block = cells.pivot(index="region", columns="industry", values=col)
    block = block.fillna(0).astype(np.int64 if value is None else float)
    # rows are named after the column, or after the level its codes were mapped to
    block.index.name = summary.region_level or region
    block.columns.name = industry
    return block
