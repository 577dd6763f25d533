r"""Concentration measures: HHI, CR_n and the Gini family (集中度、赫芬达尔指数、基尼系数).

Two kinds of input:

* *Distributions* (:func:`hhi`, :func:`concentration_ratio`, :func:`gini`): a 1-D range
  of values, or a 2-D block measured along ``axis`` (``axis=0``: one value per column,
  i.e. per industry across regions).  Missing values are left out: the measure is
  that of the observed units.
* *Blocks compared with a reference distribution over regions*
  (:func:`spatial_gini`, :func:`locational_gini`, :func:`lq_gini`): a regions ×
  industries block; the reference share of region :math:`r` is
  :math:`x_r = E_r / \sum_r E_r` with :math:`E_r` the row sums or ``region_totals``.
  Missing cells count as 0.

The Ellison–Glaeser and Maurel–Sédillot indices live in :mod:`agglo.dartboard`
(``agglo.concentration.ellison_glaeser`` still works).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _messages
from ._pandas import pd
from ._validation import (
    AggloValueError,
    _known_finite,
    align_labels,
    as_array,
    as_positive_int,
    as_vector,
    labels_of,
)
from .dartboard import ellison_glaeser, maurel_sedillot  # noqa: F401 (older spelling)
from .location import (
    _Block,
    _check_totals_axis,
    _column_chunks,
    _per_column,
    _prepare_block,
    _region_shares,
    _total_policy,
)

__all__: list[str] = [
    "hhi",
    "concentration_ratio",
    "gini",
    "spatial_gini",
    "locational_gini",
    "lq_gini",
]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _oriented(values: Any, axis: Any, total_rows: Any) -> tuple[np.ndarray, bool, Any]:
    """Validate ``values`` and return ``(m, one_d, out_index)``.

    ``m`` is a float array of shape (units, groups): units along axis 0.  Units found
    to be totals with ``total_rows='exclude'`` are set to NaN (left out).
    """
    policy = _total_policy(total_rows)
    if axis not in (0, 1) or isinstance(axis, bool):
        raise AggloValueError(
            _messages.text(
                f"'axis' 须是 0（按列向下）或 1（按行）；现在是 {axis!r}。",
                f"'axis' must be 0 (down the columns) or 1 (along the rows); received {axis!r}.",
            )
        )
    arr = as_array(values, "values", ndim=(1, 2), non_negative=True)
    labels = labels_of(values)
    if arr.ndim == 1:
        m = arr[:, None]
        one_d = True
        unit_labels = labels[0] if labels is not None else None
        out_index = None
        axis_word = "row"
    else:
        one_d = False
        m = arr if axis == 0 else arr.T
        if isinstance(values, pd.DataFrame):
            unit_labels = values.index if axis == 0 else values.columns
            out_index = values.columns if axis == 0 else values.index
        else:
            unit_labels = out_index = None
        axis_word = "row" if axis == 0 else "column"
    if policy != "ignore":
        found = _check_totals_axis(m, unit_labels, policy, axis_word, name="values")
        if found and policy == "exclude":
            m[found, :] = np.nan
    return m, one_d, out_index


def _finish(result: np.ndarray, one_d: bool, out_index: Any, name: str) -> Any:
    if one_d:
        return float(result[0])
    if out_index is not None:
        return pd.Series(result, index=out_index, name=name)
    return result


def _gini_unweighted(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain Gini of each column of ``m`` (NaN left out); returns (G, n).

    ``m`` is overwritten (sorted in place).
    """
    m.sort(axis=0)  # NaN sort last
    valid = ~np.isnan(m)
    n = valid.sum(axis=0)
    np.nan_to_num(m, copy=False)
    ranks = np.arange(1, m.shape[0] + 1, dtype=float)
    total = m.sum(axis=0)
    weighted = ranks @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        g = 2.0 * weighted / (n * total) - (n + 1.0) / n
    return g, n


# --------------------------------------------------------------------------------------
# HHI and CR_n
# --------------------------------------------------------------------------------------


def hhi(
    values: Any,
    normalized: bool = False,
    percent: bool = False,
    axis: int = 0,
    *,
    total_rows: str = "warn",
) -> Any:
    r"""Herfindahl–Hirschman index (赫芬达尔指数, H指数) of the shares of a distribution.

    Parameters
    ----------
    values : array-like of shape (n,) or (R, K)
        Sizes of the units (firms, or regions of one industry).  For a block, the index
        is computed along ``axis``.
    normalized : bool
        If True return :math:`H^* = (H - 1/n)/(1 - 1/n) \in [0, 1]` (REAT
        ``herf(coefnorm=TRUE)``), with :math:`n` the number of non-missing units.
    percent : bool
        If True multiply by 10 000 (the antitrust scale, shares in percent).
    axis : {0, 1}
        0 (default): one value per column — for a regions × industries block, the
        geographic concentration of each industry across regions.  1: one value per
        row — each region's industry mix (specialisation).
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a unit that looks like a total (label 全国/合计/Total, or, for a
        block, equal to the sum of the others); 'exclude' leaves it out.

    Returns
    -------
    float (1-D input), Series (DataFrame input, indexed by the other axis) or ndarray

    Raises
    ------
    AggloValueError
        Negative values, text, bad ``axis``, a detected total with
        ``total_rows='raise'``.

    Notes
    -----
    .. math::

        H = \sum_i s_i^2,\quad s_i = \frac{X_i}{\sum_j X_j},\qquad
        H^* = \frac{H - 1/n}{1 - 1/n}.

    :math:`1/n \le H \le 1`.  Values are converted to float64 first, so large integer
    counts cannot overflow (EconGeo ``herfindahl`` multiplies R integers and returns NA
    on big integer matrices).  Orientation: EconGeo ``herfindahl(mat)`` is per *region*
    (``axis=1`` here); ``herfindahl(t(mat))`` is per industry (``axis=0``, the default).
    Missing values are left out; all-zero units give 0/0 = NaN; with one unit the
    normalised index is 0/0 = NaN.

    References
    ----------
    .. [1] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       H 指数 of an industry's distribution over n regions.
    .. [2] Hirschman, A. O. (1964). The paternity of an index. *American Economic Review*
       54(5), 761.

    See [nonferrous], [hirschman_1964] in docs/references.md.

    Examples
    --------
    >>> round(hhi([50, 30, 20, 10, 5, 5]), 7)
    0.2743056
    >>> round(hhi([50, 30, 20, 10, 5, 5], normalized=True), 7)
    0.1291667
    >>> round(hhi([50, 30, 20], percent=True))
    3800
    """
    m, one_d, out_index = _oriented(values, axis, total_rows)
    total = m.sum(axis=0)  # a column with a NaN has a NaN sum: one pass finds them all
    if (_known_finite(m) and _total_policy(total_rows) != "exclude") or np.isfinite(total).all():
        n = np.full(m.shape[1], m.shape[0])  # no NaN
    else:
        n = (~np.isnan(m)).sum(axis=0)
        np.nan_to_num(m, copy=False)
        total = m.sum(axis=0)
    sq = np.einsum("ij,ij->j", m, m)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = sq / total / total
        if normalized:
            h = (h - 1.0 / n) / (1.0 - 1.0 / n)
    if percent:
        h = h * 10000.0
    return _finish(h, one_d, out_index, "hhi")


def concentration_ratio(
    values: Any,
    n: int = 4,
    axis: int = 0,
    *,
    total_rows: str = "warn",
) -> Any:
    r"""Concentration ratio CR_n (行业集中度): the share of the ``n`` largest units.

    Parameters
    ----------
    values : array-like of shape (m,) or (R, K)
        Sizes of the units (firms, or regions of one industry).
    n : int
        Number of largest units (4 or 8 for firms; 1–5 for regions).
    axis : {0, 1}
        As in :func:`hhi`: 0 gives one value per column (per industry across regions).
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a unit that looks like a total.

    Returns
    -------
    float (1-D input), Series (DataFrame input) or ndarray

    Raises
    ------
    AggloValueError
        Negative values, text, ``n`` not a whole number ≥ 1.

    Notes
    -----
    .. math::

        CR_n = \frac{\sum_{i=1}^{n} X_{(i)}}{\sum_i X_i},\qquad X_{(1)} \ge X_{(2)} \ge \dots

    Ties at rank :math:`n` do not matter (tied units have equal size).  With ``n`` at
    least the number of units, all units are counted and :math:`CR_n = 1`.  Missing
    values are left out; all-zero units give 0/0 = NaN.  No checked peer tool has a
    CR_n function.

    References
    ----------
    .. [1] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       CR 指数, the share of the n largest enterprises.
    .. [2] Bain, J. S. (1959). *Industrial Organization*. Wiley.

    See [nonferrous], [bain_1959] in docs/references.md.

    Examples
    --------
    >>> concentration_ratio([50, 30, 20, 10, 5, 5], n=2)
    0.6666666666666666
    >>> concentration_ratio([[4, 1], [3, 1], [2, 1], [1, 1]], n=1).tolist()
    [0.4, 0.25]
    """
    n = as_positive_int(n, "n")
    m, one_d, out_index = _oriented(values, axis, total_rows)
    np.nan_to_num(m, copy=False)  # a missing unit adds nothing to the top n or the total
    total = m.sum(axis=0)
    units = m.shape[0]
    if n >= units:
        top = total.copy()
    else:
        top = np.partition(m, units - n, axis=0)[units - n :].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cr = top / total
    return _finish(cr, one_d, out_index, "concentration_ratio")


# --------------------------------------------------------------------------------------
# Gini family
# --------------------------------------------------------------------------------------


def gini(
    values: Any,
    weights: Any = None,
    corrected: bool = False,
    *,
    axis: int = 0,
    total_rows: str = "warn",
) -> Any:
    r"""Gini coefficient of a distribution (基尼系数), plain or population-weighted.

    Parameters
    ----------
    values : array-like of shape (n,) or (R, K)
        Non-negative values (per-capita GDP of regions, an industry's employment by
        region ...).  For a block, one Gini per column (``axis=0``) or row (``axis=1``).
    weights : array-like of shape (n,), optional
        Population (or other) weights of the units: the population-weighted regional
        Gini.  Default: every unit weighs the same.  A Series is matched to the units
        of pandas ``values`` by label.
    corrected : bool
        Multiply by :math:`n/(n-1)` (small-sample correction, REAT
        ``gini(coefnorm=TRUE)``); :math:`n` is the number of non-missing units.
    axis : {0, 1}
        Direction for a block.
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a unit that looks like a total (a 全国 row among provinces).

    Returns
    -------
    float (1-D input), Series (DataFrame input) or ndarray

    Raises
    ------
    AggloValueError
        Negative values, text, weights of the wrong length or all zero.

    Notes
    -----
    .. math::

        G = \frac{\sum_i \sum_j |y_i - y_j|}{2 n^2 \bar y}
          = \frac{2 \sum_i i\, y_{(i)}}{n \sum_i y_i} - \frac{n+1}{n},
        \qquad
        G_w = \frac{1}{2 \bar y_w} \sum_i \sum_j p_i p_j |y_i - y_j|,

    with :math:`y` ascending, :math:`p_i` the weight shares and
    :math:`\bar y_w = \sum_i p_i y_i`.  The weighted form is computed from the Lorenz
    curve, :math:`G_w = 1 - \sum_j p_j (Y_{j-1} + Y_j)` with :math:`Y` the cumulative
    shares of :math:`p y` (REAT ``gini(x, weighting=pop)``).  Uncorrected,
    :math:`0 \le G \le (n-1)/n < 1`.

    Peers: PySAL ``Gini``, REAT ``gini`` and EconGeo ``gini`` give the uncorrected
    value; EconGeo rounds to 3 decimals.  REAT's weighted branch pairs the sorted values
    with the *unsorted* weights, so it agrees with this function only when the values
    are already in ascending order; here each weight stays with its value.  Missing
    values (and their weights) are left out; all-zero values give 0/0 = NaN; a single
    value gives 0, and its corrected value is 0/0 = NaN.

    References
    ----------
    .. [1] Gini, C. (1912). *Variabilità e mutabilità*. Bologna.
    .. [2] Dörsam, P. (2004). *Wirtschaftsstatistik anschaulich dargestellt*. PD-Verlag
       (the Lorenz-curve computation used by REAT).

    See [gini_1912], [dorsam_2004], [reat] in docs/references.md.

    Examples
    --------
    >>> round(gini([10, 15, 20, 25, 30]), 6)
    0.2
    >>> round(gini([10, 15, 20, 25, 30], corrected=True), 6)
    0.25
    >>> round(gini([10, 20], weights=[3, 1]), 6)
    0.15
    """
    m, one_d, out_index = _oriented(values, axis, total_rows)
    if weights is None:
        g, n = _gini_unweighted(m)
    else:
        if isinstance(values, pd.Series):
            unit_labels = values.index
        elif isinstance(values, pd.DataFrame):
            unit_labels = values.index if axis == 0 else values.columns
        else:
            unit_labels = None
        weights = align_labels(weights, unit_labels, "weights", what="units of 'values'")
        w = as_vector(weights, "weights", non_negative=True, allow_nan=False)
        if w.size != m.shape[0]:
            raise AggloValueError(
                _messages.text(
                    f"'weights' 须每个值一个权重（共{m.shape[0]}个），现在是{w.size}个。"
                    "请选择等长的权重区域。",
                    f"'weights' must have one weight per value ({m.shape[0]}); received "
                    f"{w.size}. Select a weights range of the same length.",
                )
            )
        if not w.sum() > 0:
            raise AggloValueError(
                _messages.text(
                    f"'weights' 不能全为零；现在是 {w.tolist()}。请给出正的权重。",
                    f"'weights' must not be all zero; received {w.tolist()}.",
                )
            )
        order = np.argsort(m, axis=0)  # NaN sort last
        y = np.take_along_axis(m, order, axis=0)
        p = w[order]
        miss = np.isnan(y)
        n = (~miss).sum(axis=0)
        y[miss] = 0.0
        p[miss] = 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            p /= p.sum(axis=0)
            py = p * y
            cum = np.cumsum(py, axis=0)
            cum /= cum[-1]
            prev = np.vstack([np.zeros((1, cum.shape[1])), cum[:-1]])
            g = 1.0 - (p * (prev + cum)).sum(axis=0)
    if corrected:
        with np.errstate(invalid="ignore", divide="ignore"):
            g = g * n / (n - 1.0)
    return _finish(g, one_d, out_index, "gini")


def _industry_block(data: Any, region_totals: Any, total_rows: Any) -> _Block:
    """A block for per-industry measures; a 1-D range is one industry (needs region totals)."""
    if isinstance(data, pd.Series) or (not isinstance(data, pd.DataFrame) and np.ndim(data) == 1):
        if region_totals is None:
            raise AggloValueError(
                _messages.text(
                    "'data' 只有一行或一列（一个产业）；该指标要与各地区的总量比较，需要 "
                    "'region_totals'。请给出它，或选择完整的地区×产业数据块。",
                    "'data' is a single row or column (one industry); this measure compares it "
                    "with the regions' total activity, so 'region_totals' is required. Pass "
                    "them, or pass the whole regions × industries block.",
                )
            )
        vec = as_vector(data, "data", non_negative=True)
        return _prepare_block(
            data, region_totals, None, None, total_rows, matrix=vec[:, None], contain=False
        )
    return _prepare_block(data, region_totals, None, None, total_rows, contain=False)


def _industry_result(out: np.ndarray, block: _Block, data: Any, name: str) -> Any:
    if block.excluded_cols is not None:
        out[block.excluded_cols] = np.nan
    if isinstance(data, pd.Series):
        return float(out[0])
    if not isinstance(data, pd.DataFrame) and np.ndim(data) == 1:
        return float(out[0])
    return _per_column(out, data, name)


def spatial_gini(
    data: Any,
    region_totals: Any = None,
    *,
    total_rows: str = "warn",
) -> Any:
    r"""Spatial Gini coefficient (空间基尼系数) of every industry: :math:`\sum_r (s_{rk} - x_r)^2`.

    Parameters
    ----------
    data : array-like of shape (R, K) or (R,)
        Regions × industries block (a 1-D range is one industry; then
        ``region_totals`` is required).
    region_totals : array-like of shape (R,), optional
        Each region's total activity over *all* industries (e.g. total employment) when
        the block holds only some industries.  Default: the row sums.  Only the shares
        :math:`x_r` are used; values are not required to be below it.
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a total row/column (see :func:`agglo.location_quotient`).

    Returns
    -------
    Series (indexed by industries), ndarray of shape (K,), or float for one industry

    Raises
    ------
    AggloValueError
        Negative values, text, wrong lengths, a region value above its total.

    Notes
    -----
    .. math::

        G_k = \sum_r (s_{rk} - x_r)^2,\qquad s_{rk} = \frac{E_{rk}}{E_k},\quad
        x_r = \frac{E_r}{\sum_r E_r}.

    This is the index most Chinese agglomeration papers call 空间基尼系数 (attributed to
    Krugman 1991), and exactly the raw geographic concentration :math:`G` of
    Ellison & Glaeser (1997); it reproduces REAT ``ellison.a``'s ``G i``.  Range
    [0, 2), small in practice.  It is *not* a Lorenz-curve Gini (see
    :func:`locational_gini`).  Computed as
    :math:`\sum s^2 - 2\sum s x + \sum x^2` without a full-size temporary.  An industry
    with zero total is NaN; missing cells count as 0.

    References
    ----------
    .. [1] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       地理集聚度指数 G of Ellison and Glaeser.
    .. [2] Ellison, G. & Glaeser, E. L. (1997). Geographic concentration in U.S.
       manufacturing industries: a dartboard approach. *Journal of Political Economy*
       105(5), 889–927.
    .. [3] Krugman, P. (1991). *Geography and Trade*. MIT Press.

    See [nonferrous], [ellison_glaeser_1997], [krugman_1991] in docs/references.md.

    Examples
    --------
    Plants (50, 30) in A, (20, 10) in B, (5, 5) in C; regional totals 1000, 600, 400:

    >>> round(spatial_gini([80, 30, 10], region_totals=[1000, 600, 400]), 8)
    0.04388889
    """
    block = _industry_block(data, region_totals, total_rows)
    arr = block.values
    x = _region_shares(block)
    ek = arr.sum(axis=0)
    sum_s2 = np.einsum("ij,ij->j", arr, arr)
    sum_sx = x @ arr
    with np.errstate(invalid="ignore", divide="ignore"):
        g = sum_s2 / ek / ek - 2.0 * sum_sx / ek + x @ x
    g = np.where(g < 0, 0.0, g)  # rounding of the expanded form near 0
    g[ek == 0] = np.nan
    return _industry_result(g, block, data, "spatial_gini")


def locational_gini(
    data: Any,
    region_totals: Any = None,
    *,
    halved: bool = False,
    total_rows: str = "warn",
) -> Any:
    r"""Locational Gini coefficient (区位基尼系数) of every industry, from the Lorenz curve.

    Parameters
    ----------
    data : array-like of shape (R, K) or (R,)
        Regions × industries block (a 1-D range is one industry; then
        ``region_totals`` is required).
    region_totals : array-like of shape (R,), optional
        Reference distribution over regions: total activity (default: the row sums),
        or e.g. population for the Hoover–Gini.  Values are not required to be below
        it.
    halved : bool
        False (default): the Lorenz-curve Gini in [0, 1).  True: half of it, range
        [0, 0.5), which is what EconGeo ``locational_gini`` returns.
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a total row/column.

    Returns
    -------
    Series (indexed by industries), ndarray of shape (K,), or float for one industry

    Raises
    ------
    AggloValueError
        Negative values, text, wrong lengths, a region value above its total.

    Notes
    -----
    Regions are sorted by :math:`LQ_{rk} = s_{rk}/x_r` ascending; with :math:`cx_i`,
    :math:`cs_i` the cumulative shares of all activity and of industry :math:`k`
    (:math:`cx_0 = cs_0 = 0`):

    .. math::

        G_k = 1 - 2\,(\text{area under the Lorenz curve})
            = \sum_{i=1}^{R} \left(cs_i\, cx_{i-1} - cs_{i-1}\, cx_i\right).

    Krugman (1991, ch. 2, p. 56).  EconGeo ``locational_gini`` computes the same area
    but divides by 2 ("theoretical limit = 0.5"): use ``halved=True`` to reproduce it.
    With the population as ``region_totals`` this is EconGeo ``hoover_gini(mat, pop)``
    (the Hoover–Gini, not halved, which EconGeo rounds to 3 decimals).
    Ties in LQ do not change the area, so the result does not depend on row order.
    Regions with zero reference total take no width on the curve; if they hold some of
    the industry their LQ is infinite and they come last.  An industry with
    zero total is NaN; missing cells count as 0.

    References
    ----------
    .. [1] Krugman, P. (1991). *Geography and Trade*. MIT Press, ch. 2.

    See [krugman_1991] in docs/references.md.

    Examples
    --------
    >>> mat = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50],
    ...        [0, 25, 30, 5, 40], [0, 40, 55, 5, 0]]
    >>> locational_gini(mat).round(2).tolist()
    [0.8, 0.36, 0.54, 0.62, 0.56]
    >>> locational_gini(mat, halved=True).round(2).tolist()
    [0.4, 0.18, 0.27, 0.31, 0.28]
    >>> locational_gini(mat, region_totals=[10, 15, 20, 25, 30]).round(3).tolist()
    [0.9, 0.16, 0.367, 0.673, 0.535]
    """
    block = _industry_block(data, region_totals, total_rows)
    arr = block.values
    x = _region_shares(block)
    ek = arr.sum(axis=0)
    n_reg, n_ind = arr.shape
    out = np.empty(n_ind)
    zero_width = x <= 0
    safe_x = np.where(zero_width, 1.0, x)
    for cols in _column_chunks(n_reg, n_ind):
        # industries in rows of the chunk so that sorting runs along contiguous memory
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.ascontiguousarray(arr[:, cols].T)
            s /= ek[cols, None]
            key = s / safe_x[None, :]
        if zero_width.any():
            # A region with no reference activity but some of industry k has LQ = ∞: it
            # closes the curve (a vertical step at cx = 1).  With s = 0 as well it adds
            # nothing wherever it is placed.
            key[:, zero_width] = np.where(s[:, zero_width] > 0, np.inf, 0.0)
        order = np.argsort(key, axis=1)
        del key
        cs = np.take_along_axis(s, order, axis=1)
        del s
        np.cumsum(cs, axis=1, out=cs)
        cx = x[order]
        del order
        np.cumsum(cx, axis=1, out=cx)
        area = np.einsum("ij,ij->i", cs[:, 1:], cx[:, :-1])
        area -= np.einsum("ij,ij->i", cs[:, :-1], cx[:, 1:])
        out[cols] = area
    if halved:
        out *= 0.5
    out[ek == 0] = np.nan
    return _industry_result(out, block, data, "locational_gini")


def lq_gini(
    data: Any,
    region_totals: Any = None,
    *,
    total_rows: str = "warn",
) -> Any:
    r"""Gini coefficient of the location quotients (区位熵基尼系数) of every industry, regions unweighted.

    Parameters
    ----------
    data : array-like of shape (R, K) or (R,)
        Regions × industries block (a 1-D range is one industry; then
        ``region_totals`` is required).
    region_totals : array-like of shape (R,), optional
        Region totals :math:`E_r` (default: the row sums), or another reference
        distribution; values are not required to be below it.
    total_rows : {'warn', 'raise', 'ignore', 'exclude'}
        Handling of a total row/column.

    Returns
    -------
    Series (indexed by industries), ndarray of shape (K,), or float for one industry

    Raises
    ------
    AggloValueError
        Negative values, text, wrong lengths, a region value above its total.

    Notes
    -----
    With :math:`LQ_{rk} = s_{rk}/x_r` sorted ascending over the :math:`R` regions:

    .. math::

        G_k = \frac{2}{R^2\, \overline{LQ}} \sum_{\lambda=1}^{R}
              \lambda \left(LQ_{(\lambda)} - \overline{LQ}\right),

    i.e. the plain Gini (:func:`gini`) of the :math:`R` LQs, every region weighted
    equally — REAT ``gini.conc(e_ij, e_j)`` ("Gini coefficient of spatial
    concentration").  Unlike :func:`locational_gini`, small regions weigh as much as
    large ones.  Regions with zero total have no finite LQ (0/0, or ∞ when they hold some of the
    industry) and are left out; an industry
    with zero total is NaN; missing cells count as 0.

    References
    ----------
    .. [1] Wieland, T. REAT: Regional Economic Analysis Toolbox, R package 3.0.3,
       function ``gini.conc``.
    .. [2] Krugman, P. (1991). *Geography and Trade*. MIT Press.

    See [reat], [krugman_1991] in docs/references.md.

    Examples
    --------
    >>> mat = [[100, 0, 0, 0, 0], [0, 15, 5, 70, 10], [0, 20, 10, 20, 50],
    ...        [0, 25, 30, 5, 40], [0, 40, 55, 5, 0]]
    >>> lq_gini(mat).round(2).tolist()
    [0.8, 0.36, 0.54, 0.62, 0.56]
    """
    block = _industry_block(data, region_totals, total_rows)
    arr = block.values
    x = _region_shares(block)
    keep = x > 0
    ek = arr.sum(axis=0)
    n_reg, n_ind = arr.shape
    out = np.empty(n_ind)
    xk = x[keep]
    for cols in _column_chunks(n_reg, n_ind):
        with np.errstate(invalid="ignore", divide="ignore"):
            lq = arr[keep, cols] if not keep.all() else arr[:, cols].copy()
            lq /= ek[None, cols]
            lq /= xk[:, None]
        g, _ = _gini_unweighted(lq)
        out[cols] = g
    out[ek == 0] = np.nan
    return _industry_result(out, block, data, "lq_gini")
