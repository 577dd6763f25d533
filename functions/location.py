r"""Location and specialisation measures (区位熵 and relatives) for regions × industries blocks.

A *block* has regions in rows and industries in columns.  The reference economy is
either the block itself (totals are its row, column and grand sums) or given
explicitly (``region_totals``, ``industry_totals``, ``grand_total``), because
yearbook blocks often omit industries or regions, or carry a 全国/合计 row.

Notation (as in the project's methods reference): :math:`E_{rk}` is the size of
industry :math:`k` in region :math:`r`; :math:`E_r` the region total,
:math:`E_k` the industry total, :math:`E` the grand total;
:math:`s_{rk} = E_{rk}/E_k` is region :math:`r`'s share of industry :math:`k` and
:math:`x_r = E_r/E` region :math:`r`'s share of all activity.

Missing cells (NaN, blank) of a block count as 0 in every total and share; the
cell-level result at a missing cell (an LQ) is NaN.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _messages
from ._pandas import pd
from ._validation import (
    AggloValueError,
    _known_finite,
    align_labels,
    as_array,
    as_matrix,
    as_option,
    as_positive_int,
    as_vector,
    cell_position,
    labels_of,
)
from .tables import _check_total_rows

#: Chinese words for the axes named in messages.
_ZH = {"region (row)": "地区（行）", "industry (column)": "产业（列）"}

__all__ = [
    "location_quotient",
    "lq_score",
    "krugman_specialisation",
    "hoover_coefficient",
]

TOTAL_ROW_POLICIES = ("warn", "raise", "ignore", "exclude")
LQ_FORMS = ("ratio", "binary", "additive", "symmetric", "zscore", "log_zscore")

# Relative tolerance used when comparing a cell with the total that must contain it.
_CONTAIN_RTOL = 1e-9


# --------------------------------------------------------------------------------------
# shared helpers (also used by agglo.concentration)
# --------------------------------------------------------------------------------------


def _check_totals_axis(
    matrix: np.ndarray,
    labels: Any,
    policy: str,
    axis_word: str,
    name: str = "data",
) -> list[int]:
    """Detect total rows (``axis_word='row'``) of ``matrix`` with :func:`_check_total_rows`.

    For a column check pass ``matrix.T``.  The numeric test (a row equal to the sum of
    the others) needs at least two columns; with one column only a first or last value
    equal to the sum of the others (at least four values) is a total — any row would
    flag ordinary data such as (1, 2, 3).  A row can
    only equal the sum of the others if its own sum is about half the grand sum; rows
    failing that cheap necessary condition are not passed to the elementwise check,
    which keeps the check cheap on large blocks.
    """
    check_policy = "ignore" if policy == "exclude" else policy
    n_rows = matrix.shape[0]
    labs = None if labels is None else list(labels)
    numeric = matrix.ndim == 2 and matrix.shape[1] >= 2 and n_rows >= 3
    if matrix.ndim == 2 and matrix.shape[1] == 1 and n_rows >= 4:
        # one column: a first or last value equal to the sum of the others is a total
        # (a 全省 row at the top of a list of cities); it is at least half the total
        col = matrix[:, 0]
        total = np.sum(col, where=~np.isnan(col))
        ends = col[[0, -1]]
        if np.any(np.abs(total - 2.0 * ends) <= 1e-3 * np.abs(ends)):
            return _check_total_rows(matrix, name, labs, policy=check_policy, axis_word=axis_word)
    if numeric:
        # values are already checked non-negative, so |row| sums equal the row sums;
        # ``where=`` avoids the full-size copy that np.nansum would make
        row_sum = matrix.sum(axis=1)
        if not np.isfinite(row_sum).all():  # NaN cells: left out of the sums
            row_sum = np.sum(matrix, axis=1, where=~np.isnan(matrix))
        total = row_sum.sum()
        candidate = np.abs(total - 2.0 * row_sum) <= 1e-3 * row_sum + 1e-12
        numeric = bool(candidate.any())
    if numeric:
        return _check_total_rows(matrix, name, labs, policy=check_policy, axis_word=axis_word)
    if labs is None:
        return []
    empty = np.zeros((0, 1))
    return _check_total_rows(empty, name, labs, policy=check_policy, axis_word=axis_word)


def _total_policy(total_rows: Any) -> str:
    return as_option(total_rows, "total_rows", TOTAL_ROW_POLICIES)


@dataclass
class _Block:
    """A validated block with its totals (internal)."""

    values: np.ndarray  # float copy; missing cells and excluded rows/columns set to 0
    missing: np.ndarray | None  # bool mask of the missing cells, or None
    region_totals: np.ndarray  # (R,)
    industry_totals: np.ndarray  # (K,)
    grand_total: float
    excluded_rows: np.ndarray | None  # bool (R,) or None
    excluded_cols: np.ndarray | None  # bool (K,) or None


def _given_totals(value: Any, name: str, length: int, what: str) -> np.ndarray:
    arr = as_vector(value, name, non_negative=True, allow_nan=False)
    if arr.size != length:
        raise AggloValueError(
            _messages.text(
                f"{name!r} 须每个{_ZH.get(what, what)}一个值（共{length}个），现在是{arr.size}个。"
                f"请选择与数据块{_ZH.get(what, what)}数相同长度的区域。",
                f"{name!r} must have one value per {what} ({length}); received {arr.size}. "
                f"Select a range of the same length as the block's {what}s.",
            )
        )
    return arr


def _prepare_block(
    data: Any,
    region_totals: Any = None,
    industry_totals: Any = None,
    grand_total: Any = None,
    total_rows: Any = "warn",
    *,
    matrix: np.ndarray | None = None,
    contain: bool = True,
) -> _Block:
    """Validate a block and compute (or check) its totals.

    With ``contain`` the given totals must be at least as large as the values they
    contain; measures that use ``region_totals`` only as a reference distribution
    (population, area ...) pass ``contain=False``.
    """
    policy = _total_policy(total_rows)
    arr = as_matrix(data, "data", non_negative=True) if matrix is None else matrix
    n_reg, n_ind = arr.shape
    labels = labels_of(data) if isinstance(data, pd.DataFrame) else None
    row_labels = labels[0] if labels is not None else None
    col_labels = labels[1] if labels is not None else None
    if isinstance(data, pd.Series):
        row_labels = data.index
    # labelled totals are matched to the block by label, never silently by position
    region_totals = align_labels(region_totals, row_labels, "region_totals")
    industry_totals = align_labels(
        industry_totals, col_labels, "industry_totals", what="columns of 'data'"
    )

    excluded_rows = excluded_cols = None
    if policy != "ignore":
        if industry_totals is None or grand_total is None:
            found = _check_totals_axis(arr, row_labels, policy, "row")
            if found and policy == "exclude":
                excluded_rows = np.zeros(n_reg, dtype=bool)
                excluded_rows[found] = True
        if region_totals is None or grand_total is None:
            found = _check_totals_axis(arr.T, col_labels, policy, "column")
            if found and policy == "exclude":
                excluded_cols = np.zeros(n_ind, dtype=bool)
                excluded_cols[found] = True

    if _known_finite(arr):
        missing = None  # read and checked once by the add-in: no NaN
    else:
        nan_mask = np.isnan(arr)
        missing = nan_mask if nan_mask.any() else None
        del nan_mask
    if missing is not None:
        arr[missing] = 0.0
    if excluded_rows is not None:
        arr[excluded_rows, :] = 0.0
    if excluded_cols is not None:
        arr[:, excluded_cols] = 0.0

    if region_totals is None:
        er = arr.sum(axis=1)
    else:
        er = _given_totals(region_totals, "region_totals", n_reg, "region (row)")
        bad = arr.max(axis=1, initial=0.0) > er * (1 + _CONTAIN_RTOL)
        if contain and bad.any():
            r = int(np.flatnonzero(bad)[0])
            lab = f" ({row_labels[r]!r})" if row_labels is not None else ""
            raise AggloValueError(
                _messages.text(
                    f"'region_totals' 须不小于该地区的每个值；第{r}行{lab}有值 {arr[r].max():g}，"
                    f"大于地区合计 {er[r]:g}。请检查合计与数据块的单位是否一致（如万人与人）。",
                    f"'region_totals' must be at least as large as every value of its region; "
                    f"row {r}{lab} has a value {arr[r].max():g} above its region total "
                    f"{er[r]:g}. Check that the totals are in the same unit as the block "
                    "(e.g. 万人 vs 人).",
                )
            )
    if industry_totals is None:
        ek = arr.sum(axis=0)
    else:
        ek = _given_totals(industry_totals, "industry_totals", n_ind, "industry (column)")
        bad = arr.max(axis=0, initial=0.0) > ek * (1 + _CONTAIN_RTOL)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            lab = f" ({col_labels[k]!r})" if col_labels is not None else ""
            raise AggloValueError(
                _messages.text(
                    f"'industry_totals' 须不小于该产业的每个值；第{k}列{lab}有值 "
                    f"{arr[:, k].max():g}，大于产业合计 {ek[k]:g}。请检查合计与数据块的单位是否一致。",
                    f"'industry_totals' must be at least as large as every value of its "
                    f"industry; column {k}{lab} has a value {arr[:, k].max():g} above its "
                    f"industry total {ek[k]:g}. Check that the totals are in the same unit as "
                    "the block.",
                )
            )
    # an excluded total row/column must not count in a total given for it either
    if excluded_rows is not None and region_totals is not None:
        er = np.where(excluded_rows, 0.0, er)
    if excluded_cols is not None and industry_totals is not None:
        ek = np.where(excluded_cols, 0.0, ek)
    if grand_total is not None:
        e = float(as_array(grand_total, "grand_total", ndim=0, non_negative=True, allow_nan=False))
        biggest = max(float(er.max(initial=0.0)), float(ek.max(initial=0.0)))
        if biggest > e * (1 + _CONTAIN_RTOL):
            raise AggloValueError(
                _messages.text(
                    f"'grand_total' 须不小于每个地区合计和产业合计；现在是 {e:g}，但有合计为 "
                    f"{biggest:g}。请检查单位。",
                    f"'grand_total' must be at least as large as every region and industry "
                    f"total; received {e:g} but a total of {biggest:g} was found. Check the unit.",
                )
            )
    elif region_totals is not None and industry_totals is not None:
        sr, sk = float(er.sum()), float(ek.sum())
        if abs(sr - sk) > 1e-6 * max(abs(sr), abs(sk)):
            raise AggloValueError(
                _messages.text(
                    f"同时给出 'region_totals' 和 'industry_totals' 且二者之和不同（{sr:g} 与 "
                    f"{sk:g}）时需要 'grand_total'；请把参照经济的总量（如全国合计）作为 grand_total。",
                    "'grand_total' is needed when both 'region_totals' and 'industry_totals' "
                    f"are given and their sums differ ({sr:g} vs {sk:g}); pass the reference "
                    "economy's grand total (e.g. the national total) as grand_total.",
                )
            )
        e = sr
    elif region_totals is not None:
        e = float(er.sum())
    elif industry_totals is not None:
        e = float(ek.sum())
    else:
        e = float(arr.sum())
    return _Block(arr, missing, er, ek, e, excluded_rows, excluded_cols)


def _per_column(result: np.ndarray, data: Any, name: str) -> Any:
    """Per-industry result: a Series indexed by the columns for a DataFrame, else ndarray."""
    if isinstance(data, pd.DataFrame):
        return pd.Series(result, index=data.columns, name=name)
    if isinstance(data, pd.Series):
        return pd.Series(result, index=[data.name], name=name)
    return result


def _per_row(result: np.ndarray, data: Any, name: str) -> Any:
    """Per-region result: a Series indexed by the rows for pandas input, else ndarray."""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return pd.Series(result, index=data.index, name=name)
    return result


def _column_chunks(n_rows: int, n_cols: int, budget: int = 1 << 18):
    """Slices of columns whose sub-blocks hold about ``budget`` cells.

    Measures that need a full-size temporary (a sort, an absolute difference) are
    computed chunk by chunk so that peak memory stays a small multiple of the input;
    each chunk is processed with vectorised NumPy (the loop is over chunks, not over
    industries).
    """
    step = max(1, budget // max(n_rows, 1))
    for start in range(0, n_cols, step):
        yield slice(start, min(start + step, n_cols))


def _region_shares(block: _Block) -> np.ndarray:
    """x_r = E_r / Σ_r E_r (the reference distribution over the regions of the block)."""
    er = block.region_totals.astype(float, copy=True)
    if block.excluded_rows is not None:
        er[block.excluded_rows] = 0.0
    total = er.sum()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return er / total


# --------------------------------------------------------------------------------------
# location quotient
# --------------------------------------------------------------------------------------


def _apply_form(lq: np.ndarray, form: str, threshold: float, ddof: int) -> np.ndarray:
    """Turn a ratio LQ array into the requested form (in place where possible)."""
    if form == "ratio":
        return lq
    if form == "binary":
        nan = np.isnan(lq)
        out = (lq >= threshold * (1 - 1e-12)).astype(float)
        out[nan] = np.nan
        return out
    if form == "symmetric":
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return (lq - 1.0) / (lq + 1.0)
    # z-scores across regions, per industry (column)
    if form == "log_zscore":
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            val = np.log10(lq)
        val[~np.isfinite(val)] = np.nan
    else:
        val = lq
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(val, axis=0)
        sd = np.nanstd(val, axis=0, ddof=ddof)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = (val - mean) / sd
    return out


def _lq_of_numbers(
    d: Any, er: Any, ek: Any, e: Any, form: Any, threshold: Any, ddof: Any, total_rows: Any
) -> float | None:
    """The element-wise LQ of four plain numbers, or None to take the general path.

    ``=LQ(B3, I3, B$33, I$33)`` filled down a sheet calls this once per cell; the array
    path costs ~100 µs of conversion and checks per call for one division.  Same
    arithmetic (IEEE double, ``(d/er)/(ek/e)``) and the same checks; anything else —
    other types, other forms, an option or a check that would raise, a zero
    denominator — returns None so the general path computes or reports it.
    """
    plain = (float, int)
    if not (
        type(d) in plain
        and type(er) in plain
        and type(ek) in plain
        and type(e) in plain
        and form in ("ratio", "additive")
        and type(threshold) in plain
        and math.isfinite(threshold)
        and type(ddof) is int
        and ddof >= 0
        and total_rows in TOTAL_ROW_POLICIES
    ):
        return None
    d, er, ek, e = float(d), float(er), float(ek), float(e)
    tol = 1 + _CONTAIN_RTOL
    if (
        not (d >= 0 and er >= 0 and ek >= 0 and e >= 0)  # negative or NaN: general path
        or math.isinf(d + er + ek + e)
        or d > er * tol
        or d > ek * tol
        or er > e * tol
        or ek > e * tol
        or er == 0
        or e == 0
        or ek == 0
    ):
        return None
    if form == "additive":
        return d / ek - er / e
    return (d / er) / (ek / e)


def location_quotient(
    data: Any,
    region_totals: Any = None,
    industry_totals: Any = None,
    grand_total: Any = None,
    *,
    form: str = "ratio",
    threshold: float = 1.0,
    ddof: int = 1,
    total_rows: str = "warn",
) -> Any:
    r"""Location quotient (区位熵, LQ) of every region and industry.

    Parameters
    ----------
    data : array-like of shape (R, K), (R,) or scalar
        Block of sizes :math:`E_{rk}` (employment, value added, enterprise counts ...),
        regions in rows, industries in columns.  A 1-D range is one industry across
        regions (then ``region_totals`` is required).  With all three totals given,
        scalars and 1-D arrays are combined element-wise (NumPy broadcasting).
    region_totals : array-like of shape (R,), optional
        :math:`E_r`, e.g. each province's total employment over all industries.
        Default: the row sums of ``data``.  A Series is matched to the rows of a
        DataFrame by label (a Series with other labels raises); a list by position.
    industry_totals : array-like of shape (K,), optional
        :math:`E_k`, e.g. national employment of each industry.  Default: the column
        sums of ``data``.  A Series is matched to the columns by label.
    grand_total : float, optional
        :math:`E`, e.g. national total employment.  Default: the sum of
        ``region_totals`` if given, else of ``industry_totals`` if given, else of the
        block.  Required when both vectors are given and their sums differ.
    form : {'ratio', 'binary', 'additive', 'symmetric', 'zscore', 'log_zscore'}
        ``'ratio'`` the classic LQ; ``'binary'`` 1 where LQ ≥ ``threshold`` else 0;
        ``'additive'`` :math:`s_{rk} - x_r`; ``'symmetric'`` :math:`(LQ-1)/(LQ+1)`;
        ``'zscore'`` the LQ standardised across regions within each industry
        (O'Donoghue & Gleave 2004); ``'log_zscore'`` the same for
        :math:`\log_{10} LQ` (Tian 2013).  The z-score forms need a 2-D block.
    threshold : float
        Threshold of the binary form (default 1).  Cells within a relative 1e-12 below
        the threshold count as reaching it, so that an LQ that is exactly 1 in exact
        arithmetic is not lost to rounding.
    ddof : int
        Degrees of freedom of the standard deviation of the z-score forms (1 = sample
        standard deviation, as REAT ``locq2``).
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        What to do when, with totals taken from the block, a row or column looks like a
        total (labelled 全国/合计/总计/Total ..., or equal to the sum of the others):
        warn (:class:`agglo.TotalRowWarning`) and compute as given, raise, ignore, or
        exclude it from the totals (its results are then NaN).

    Returns
    -------
    DataFrame, ndarray, Series or float
        Same shape and labels as ``data``; a float for scalar input.

    Raises
    ------
    AggloValueError
        Negative values, text, a total smaller than a value it must contain, totals of
        the wrong length, an unknown ``form``, or ``total_rows='raise'`` with a total
        row present.

    Notes
    -----
    .. math::

        LQ_{rk} = \frac{E_{rk} / E_r}{E_k / E} = \frac{s_{rk}}{x_r},
        \qquad LQ^{a}_{rk} = s_{rk} - x_r .

    The weighted mean of each industry's LQs is one:
    :math:`\sum_r x_r LQ_{rk} = 1` when all totals come from the block.

    Conventions and peers: with the totals taken from the block this reproduces
    EconGeo ``location_quotient(mat)`` and ecomplexity's ``rca``; with explicit totals
    it is REAT ``locq(e_ij, e_i, e_j, e)`` (the national-total convention of most
    Chinese papers, where the national figure is not the sum of the provinces shown).
    Binary form: LQ ≥ 1 → 1 as EconGeo (``binary=TRUE``, LQ = 1 stays 1) and
    ecomplexity (``rca_mcp_threshold = 1``).  Undefined cells are NaN: a region or
    industry with zero total gives 0/0; EconGeo turns these into 0, ecomplexity keeps
    NaN.  Missing cells count as 0 in totals taken from the block and their LQ is NaN.
    Binary cells stay NaN where the LQ is NaN.  The z-score forms standardise each
    industry's LQs across regions (REAT ``locq2`` intends the same, but its R code
    subtracts a mean vector of the wrong orientation; this function does not copy
    that); in ``'log_zscore'`` an LQ of 0 has no logarithm and gives NaN.

    References
    ----------
    .. [1] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       区位熵 of enterprise counts and output value.
    .. [2] Balassa, B. (1965). Trade liberalisation and "revealed" comparative
       advantage. *The Manchester School* 33(2), 99–123.
    .. [3] O'Donoghue, D. & Gleave, B. (2004). A note on methods for measuring
       industrial agglomeration. *Regional Studies* 38(4), 419–427.
    .. [4] Tian, Z. (2013). Measuring agglomeration using the standardized location
       quotient with a bootstrap method. *Journal of Regional Analysis and Policy*
       43(2), 186–197.

    See [nonferrous], [balassa_1965], [odonoghue_gleave_2004], [tian_2013] in

    docs/references.md.

    Examples
    --------
    Element-wise with the four totals (the REAT example):

    >>> round(location_quotient(1714, 79006, 879213, 15593224), 6)
    0.384762

    A block with totals from the block:

    >>> mat = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50],
    ...        [0, 25, 30, 5, 40], [0, 40, 55, 5, 0]]
    >>> location_quotient(mat)[1:3].tolist()
    [[0.0, 0.75, 0.25, 3.5, 0.5], [0.0, 1.0, 0.5, 1.0, 2.5]]
    >>> location_quotient(mat, form="binary")[2].tolist()
    [0.0, 1.0, 0.0, 1.0, 1.0]

    A 全国 row is detected:

    >>> import pandas as pd
    >>> df = pd.DataFrame([[1.0, 2.0], [3.0, 1.0], [4.0, 3.0]], index=["甲", "乙", "全国"])
    >>> location_quotient(df, total_rows="raise")
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'data' 的第3行 ('全国')是合计行... / 'data' seems to contain a total row (row 3 ('全国'), counting from 1): ...
    """
    fast = _lq_of_numbers(data, region_totals, industry_totals, grand_total, form, threshold,
                          ddof, total_rows)  # fmt: skip
    if fast is not None:
        return fast
    form = as_option(form, "form", LQ_FORMS)
    policy = _total_policy(total_rows)
    ddof = as_positive_int(ddof, "ddof", minimum=0)
    threshold = float(as_array(threshold, "threshold", ndim=0, allow_nan=False))
    all_totals = (
        region_totals is not None and industry_totals is not None and grand_total is not None
    )
    if isinstance(data, pd.DataFrame):
        ndim = 2
    elif isinstance(data, pd.Series):
        ndim = 1
    else:
        ndim = np.ndim(data) if not isinstance(data, str) else 0

    if ndim <= 1 and all_totals:
        return _lq_elementwise(data, region_totals, industry_totals, grand_total, form, threshold)

    if ndim == 1:
        if region_totals is None:
            raise AggloValueError(
                _messages.text(
                    "'data' 只有一行或一列数值；单个产业的区位熵需要 'region_totals'（各地区全部"
                    "产业的合计）。请给出它，或选择完整的地区×产业数据块。",
                    "'data' is a single row or column of numbers; the location quotient of one "
                    "industry needs 'region_totals' (each region's total over all industries). "
                    "Pass them, or pass the whole regions × industries block.",
                )
            )
        vec = as_vector(data, "data", non_negative=True)
        block = _prepare_block(
            data, region_totals, industry_totals, grand_total, policy, matrix=vec[:, None]
        )
    elif ndim == 0:
        raise AggloValueError(
            _messages.text(
                "'data' 只是一个数；逐元素计算区位熵请给出 region_totals、industry_totals 和 "
                "grand_total，或选择地区×产业数据块。",
                "'data' is a single number; give region_totals, industry_totals and "
                "grand_total for an element-wise location quotient, or pass a regions × "
                "industries block.",
            )
        )
    else:
        block = _prepare_block(data, region_totals, industry_totals, grand_total, policy)

    arr = block.values
    er, ek, e = block.region_totals, block.industry_totals, block.grand_total
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if form == "additive":
            # s_rk - x_r, computed in place on the validated copy
            arr /= ek[None, :]
            arr -= (er / e)[:, None]
        else:
            arr /= er[:, None]
            arr *= (e / ek)[None, :]
    if block.missing is not None:
        arr[block.missing] = np.nan
    if block.excluded_rows is not None:
        arr[block.excluded_rows, :] = np.nan
    if block.excluded_cols is not None:
        arr[:, block.excluded_cols] = np.nan
    if form in ("zscore", "log_zscore") and arr.shape[0] < 2:
        raise AggloValueError(
            _messages.text(
                f"form={form!r} 在地区间标准化，至少需要2个地区；现在是{arr.shape[0]}个。",
                f"form={form!r} standardises across regions and needs at least 2 regions; "
                f"received {arr.shape[0]}.",
            )
        )
    if form != "additive":
        arr = _apply_form(arr, form, threshold, ddof)

    if ndim == 1:
        out = arr[:, 0]
        if isinstance(data, pd.Series):
            return pd.Series(out, index=data.index, name=data.name)
        return out
    if isinstance(data, pd.DataFrame):
        return pd.DataFrame(arr, index=data.index, columns=data.columns)
    return arr


def _lq_elementwise(
    data: Any,
    region_totals: Any,
    industry_totals: Any,
    grand_total: Any,
    form: str,
    threshold: float,
) -> Any:
    """Element-wise LQ from four scalars/1-D arrays (broadcast)."""
    if form in ("zscore", "log_zscore"):
        raise AggloValueError(
            _messages.text(
                f"form={form!r} 在数据块的地区间标准化，需要二维的地区×产业数据块，不能逐元素计算。",
                f"form={form!r} standardises across the regions of a block; it needs a 2-D "
                "regions × industries block, not element-wise values.",
            )
        )
    if isinstance(data, pd.Series):
        region_totals = align_labels(region_totals, data.index, "region_totals")
        industry_totals = align_labels(industry_totals, data.index, "industry_totals")
    kw = {"ndim": (0, 1), "non_negative": True}
    d = as_array(data, "data", **kw)
    er = as_array(region_totals, "region_totals", **kw)
    ek = as_array(industry_totals, "industry_totals", **kw)
    e = as_array(grand_total, "grand_total", **kw)
    try:
        d, er, ek, e = np.broadcast_arrays(d, er, ek, e)
    except ValueError:
        raise AggloValueError(
            _messages.text(
                "逐元素计算区位熵时，'data'、'region_totals'、'industry_totals' 和 'grand_total' "
                f"须是单个数或等长区域；现在长度为 {np.size(d)}、{np.size(er)}、{np.size(ek)}、"
                f"{np.size(e)}。",
                "'data', 'region_totals', 'industry_totals' and 'grand_total' must be single "
                "numbers or ranges of the same length for an element-wise location quotient; "
                f"received lengths {np.size(d)}, {np.size(er)}, {np.size(ek)}, {np.size(e)}.",
            )
        ) from None
    tol = 1 + _CONTAIN_RTOL
    for part, whole, pname, wname in (
        (d, er, "data", "region_totals"),
        (d, ek, "data", "industry_totals"),
        (er, e, "region_totals", "grand_total"),
        (ek, e, "industry_totals", "grand_total"),
    ):
        bad = part > whole * tol
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0]) if bad.ndim else 0
            pz, pe = (
                cell_position(pname, np.unravel_index(i, bad.shape), bad.shape)
                if bad.ndim
                else ("", "")
            )
            p_i = np.broadcast_to(part, bad.shape).ravel()[i] if bad.ndim else float(part)
            w_i = np.broadcast_to(whole, bad.shape).ravel()[i] if bad.ndim else float(whole)
            raise AggloValueError(
                _messages.text(
                    f"{pname!r} 不能大于 {wname!r}；"
                    + (f"{pz}处" if bad.ndim else "")
                    + f"{p_i:g} > {w_i:g}。请检查参数顺序（data、"
                    "region_totals、industry_totals、grand_total）和单位。",
                    f"{pname!r} must not exceed {wname!r}; found {p_i:g} > "
                    f"{w_i:g}"
                    + (f" at {pe}" if bad.ndim else "")
                    + ". Check the order of the arguments (data, region_totals, industry_totals, "
                    "grand_total) and their units.",
                )
            )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if form == "additive":
            out = d / ek - er / e
        else:
            out = (d / er) / (ek / e)
            out = _apply_form(np.atleast_1d(out), form, threshold, 1).reshape(out.shape)
    if out.ndim == 0:
        return float(out)
    if isinstance(data, pd.Series):
        return pd.Series(out, index=data.index, name=data.name)
    return out


def lq_score(
    lq: Any,
    low: float = 50,
    high: float = 100,
    *,
    mean: Any = None,
    clip: bool = True,
) -> Any:
    r"""Cluster score of 章立东 & 李奥 (2021): map :math:`[\bar m/2,\ 2\bar m]` linearly onto ``[low, high]``.

    Parameters
    ----------
    lq : array-like of shape (n,) or (R, K)
        Location quotients (e.g. from :func:`location_quotient`).  For a block each
        column (industry) is scored against its own mean.
    low, high : float
        Scores given to :math:`\bar m/2` and :math:`2\bar m` ([ceramics]: 50 and 100).
    mean : float or array-like of shape (K,), optional
        The centre :math:`\bar m`.  Default: the arithmetic mean of the LQs (per
        column for a block), missing values ignored.
    clip : bool
        If True (default), LQs below :math:`\bar m/2` score ``low`` and above
        :math:`2\bar m` score ``high``, so every score lies in ``[low, high]`` as the
        paper's 50–100 scale implies.  If False the line is extended beyond the
        interval.

    Returns
    -------
    float, ndarray, Series or DataFrame
        Scores with the shape and labels of ``lq``.

    Raises
    ------
    AggloValueError
        Negative or non-numeric LQs, ``high <= low``, or a non-positive ``mean``.

    Notes
    -----
    .. math::

        \text{score} = \text{low} + (\text{high} - \text{low})
        \frac{LQ - \bar m/2}{2\bar m - \bar m/2}

    章立东 & 李奥 (2021, footnote 1) compute the mean LQ of the 12 cities, "建立[LQ/2, 2LQ]
    到[50, 100]分数段的均匀投射" and uses the projection as each city's cluster
    level.  A mean of 0 (all LQs zero) leaves the map undefined: NaN.  Missing LQs
    give missing scores.  No peer tool implements this score.

    References
    ----------
    .. [1] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3), footnote 1.

    See [ceramics] in docs/references.md.

    Examples
    --------
    >>> lq_score([0.5, 1.0, 2.0]).round(2).tolist()
    [50.0, 61.9, 90.48]
    >>> lq_score([0.5, 1.0, 2.0], mean=1.0).round(2).tolist()
    [50.0, 66.67, 100.0]
    """
    arr = as_array(lq, "lq", ndim=(0, 1, 2), non_negative=True)
    low = float(as_array(low, "low", ndim=0, allow_nan=False))
    high = float(as_array(high, "high", ndim=0, allow_nan=False))
    if not high > low:
        raise AggloValueError(
            _messages.text(
                f"'high' 须大于 'low'；现在 low={low:g}，high={high:g}。",
                f"'high' must be greater than 'low'; received low={low:g}, high={high:g}.",
            )
        )
    if mean is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            m = np.nanmean(arr, axis=0) if arr.ndim == 2 else np.nanmean(arr)
    else:
        if isinstance(lq, pd.DataFrame):
            mean = align_labels(mean, lq.columns, "mean", what="columns of 'lq'")
        m = as_array(mean, "mean", ndim=(0, 1), positive=True, allow_nan=False)
        if arr.ndim == 2 and m.ndim == 1 and m.size != arr.shape[1]:
            raise AggloValueError(
                _messages.text(
                    f"'mean' 须是一个数或每列一个（{arr.shape[1]}个）；现在是{m.size}个。",
                    f"'mean' must be one number or one per column ({arr.shape[1]}); "
                    f"received {m.size}.",
                )
            )
        if arr.ndim < 2 and m.ndim == 1:
            if m.size != 1:
                raise AggloValueError(
                    _messages.text(
                        f"一维 'lq' 的 'mean' 须是单个数；现在是{m.size}个值。",
                        f"'mean' must be a single number for a 1-D 'lq'; received {m.size} values.",
                    )
                )
            m = m[0]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = np.where(np.asarray(m) > 0, m, np.nan)
        score = low + (high - low) * (arr - m / 2.0) / (1.5 * m)
    if clip:
        score = np.clip(score, low, high)
    if score.ndim == 0:
        return float(score)
    if isinstance(lq, pd.DataFrame):
        return pd.DataFrame(score, index=lq.index, columns=lq.columns)
    if isinstance(lq, pd.Series):
        return pd.Series(score, index=lq.index, name=lq.name)
    return score


# --------------------------------------------------------------------------------------
# specialisation and localisation
# --------------------------------------------------------------------------------------


def krugman_specialisation(
    data: Any,
    industry_totals: Any = None,
    *,
    halved: bool = False,
    total_rows: str = "warn",
) -> Any:
    r"""Krugman specialisation index of every region (区域专业化指数).

    Parameters
    ----------
    data : array-like of shape (R, K)
        Regions × industries block.
    industry_totals : array-like of shape (K,), optional
        Industry totals of the reference economy (e.g. the nation).  Default: the
        column sums of the block.
    halved : bool
        If True return half the sum (EconGeo ``spec_coeff``, range [0, 1]).
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a total row/column found in the block (see
        :func:`location_quotient`).

    Returns
    -------
    Series (indexed by the regions) or ndarray of shape (R,)

    Raises
    ------
    AggloValueError
        Negative values, text, wrong lengths or a detected total row with
        ``total_rows='raise'``.

    Notes
    -----
    .. math::

        K_r = \sum_k \left| \frac{E_{rk}}{E_r} - \frac{E_k}{E} \right| \in [0, 2],
        \qquad E = \sum_k E_k .

    Default: EconGeo ``krugman_index`` (full sum, range [0, 2]); ``halved=True`` gives
    EconGeo ``spec_coeff``.  REAT ``krugman.spec(e_ij, e_il, e_j, e_l)`` compares two
    regions; with the nation as the second region it is the full sum.  A region with
    zero total has no industry mix: NaN.  Missing cells count as 0.

    References
    ----------
    .. [1] Krugman, P. (1991). *Geography and Trade*. MIT Press.

    See [krugman_1991] in docs/references.md.

    Examples
    --------
    >>> mat = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50],
    ...        [0, 25, 30, 5, 40], [0, 40, 55, 5, 0]]
    >>> krugman_specialisation(mat).round(2).tolist()
    [1.6, 1.0, 0.6, 0.7, 1.1]
    """
    block = _prepare_block(data, None, industry_totals, None, total_rows)
    arr = block.values
    ref = block.industry_totals / block.grand_total if block.grand_total > 0 else None
    if block.excluded_cols is not None and ref is not None:
        ref = ref.copy()
        ref[block.excluded_cols] = 0.0
    er = block.region_totals
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        arr /= er[:, None]
        if ref is None:
            arr[:] = np.nan
        else:
            arr -= ref[None, :]
        np.abs(arr, out=arr)
        k = arr.sum(axis=1)
    if halved:
        k *= 0.5
    if block.excluded_rows is not None:
        k[block.excluded_rows] = np.nan
    return _per_row(k, data, "krugman_specialisation")


def hoover_coefficient(
    data: Any,
    region_totals: Any = None,
    *,
    halved: bool = True,
    total_rows: str = "warn",
) -> Any:
    r"""Hoover coefficient of localisation of every industry (地方化系数).

    Parameters
    ----------
    data : array-like of shape (R, K) or (R,)
        Regions × industries block (a 1-D range is one industry; then
        ``region_totals`` is required).
    region_totals : array-like of shape (R,), optional
        The reference distribution over regions: total activity (default: the row sums
        of the block), or any other reference such as population or area (REAT
        ``hoover(x, weighting=ref)``).
    halved : bool
        True (default): :math:`\tfrac12\sum_r|s_{rk}-x_r| \in [0, 1)` (Hoover; REAT
        ``hoover``).  False: the full sum (REAT ``krugman.conc``), range [0, 2).
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a total row/column (see :func:`location_quotient`).

    Returns
    -------
    Series (indexed by the industries), ndarray of shape (K,), or float for 1-D input

    Raises
    ------
    AggloValueError
        Negative values, text, wrong lengths, a detected total row with
        ``total_rows='raise'``.

    Notes
    -----
    .. math::

        H_k = \tfrac12 \sum_r \left| s_{rk} - x_r \right|,
        \quad s_{rk} = E_{rk}/E_k,\ x_r = E_r/\sum_r E_r .

    REAT ``hoover`` returns this [0, 1) form; EconGeo ``hoover_index`` multiplies by 100
    and rounds to 2 decimals (``hoover_index(c(0,10,10,30,50), pop=c(10,15,20,25,30))``
    = 25 is 0.25 here with the population as ``region_totals``).  Values are not
    required to be below ``region_totals``, since it may be any reference.  An industry with zero total is NaN.  Missing cells count
    as 0.

    References
    ----------
    .. [1] Hoover, E. M. (1936). The measurement of industrial localization. *Review of
       Economics and Statistics* 18(4), 162–171.

    See [hoover_1936] in docs/references.md.

    Examples
    --------
    >>> mat = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50],
    ...        [0, 25, 30, 5, 40], [0, 40, 55, 5, 0]]
    >>> hoover_coefficient(mat).round(3).tolist()
    [0.8, 0.25, 0.45, 0.5, 0.5]
    >>> round(hoover_coefficient([0, 10, 10, 30, 50], region_totals=[10, 15, 20, 25, 30]), 6)
    0.25
    """
    one_d = isinstance(data, pd.Series) or (
        not isinstance(data, pd.DataFrame) and np.ndim(data) == 1
    )
    if one_d:
        if region_totals is None:
            # one column compared with its own row sums would always give 0
            raise AggloValueError(
                _messages.text(
                    "'data' 只有一行或一列（一个产业）；胡佛系数需要各地区的总量 'region_totals'。请给出地区总量，或选择完整的地区 × 产业区域。",
                    "'data' is a single row or column (one industry); the Hoover coefficient "
                    "compares it with the regions' total activity, so 'region_totals' is "
                    "required. Pass them, or pass the whole regions × industries block.",
                )
            )
        vec = as_vector(data, "data", non_negative=True)
        block = _prepare_block(
            data, region_totals, None, None, total_rows, matrix=vec[:, None], contain=False
        )
    else:
        block = _prepare_block(data, region_totals, None, None, total_rows, contain=False)
    arr = block.values
    x = _region_shares(block)
    ek = arr.sum(axis=0)
    out = np.empty(arr.shape[1])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for cols in _column_chunks(*arr.shape):
            sub = arr[:, cols] / ek[None, cols]
            sub -= x[:, None]
            np.abs(sub, out=sub)
            out[cols] = sub.sum(axis=0)
    if halved:
        out *= 0.5
    if block.excluded_cols is not None:
        out[block.excluded_cols] = np.nan
    if one_d:
        return float(out[0])
    return _per_column(out, data, "hoover_coefficient")
