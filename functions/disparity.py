r"""Regional disparity (区域差异): Theil, Dagum Gini, coefficient of variation, Atkinson, Lorenz.

The measures take one value per region (a per-capita quantity such as GDP per capita)
and, optionally, each region's size (its population) as ``weights``; with ``groups``
(东部/中部/西部/东北 …) the decomposable ones split the total into the part between the
groups and the part within them.

* :func:`theil` — Theil T (GE(1)) and Theil L (GE(0), mean log deviation) with the
  between/within decomposition and contribution rates (泰尔指数及其分解).
* :func:`dagum_gini` — Dagum's (1997) Gini decomposition G = G_w + G_nb + G_t
  (Dagum 基尼系数及其按子群分解), computed with sorting and cumulative sums.
* :func:`coefficient_of_variation` — CV (变异系数); with population weights Williamson's
  index (加权变异系数).
* :func:`atkinson` — Atkinson's index (阿特金森指数) for an inequality aversion ε.
* :func:`lorenz_curve` — the points of the Lorenz curve (洛伦兹曲线) for a chart.

Values must be finite and non-negative (positive where a logarithm is taken); a
missing value is refused, not dropped, because dropping a region changes every measure.
Group labels are kept in the order they first appear.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, align_labels, as_option, as_vector, check_same_length

__all__ = [
    "TheilResult",
    "DagumResult",
    "LorenzResult",
    "theil",
    "dagum_gini",
    "coefficient_of_variation",
    "atkinson",
    "lorenz_curve",
]


# --------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------


def _values(values: Any, *, positive: bool = False, min_size: int = 2) -> np.ndarray:
    """One finite value per region (refuses blanks: a missing region changes the measure)."""
    arr = as_vector(values, "values")
    if np.isnan(arr).any():
        i = int(np.flatnonzero(np.isnan(arr))[0])
        raise AggloValueError(
            _m.text(
                f"'values' 第 {i + 1} 个值缺失（空白或 NaN）；差异指数需要每个地区都有数值，请补齐或删去该地区。",
                f"'values' is missing at position {i + 1}; every region needs a value: fill it "
                "in or leave that region out of the selection.",
            )
        )
    if arr.size < min_size:
        raise AggloValueError(
            _m.text(
                f"'values' 至少需要 {min_size} 个地区的数值，收到 {arr.size} 个。",
                "'values' needs at "
                f"least {min_size} regions; received {arr.size}. Select the whole column.",
            )
        )
    bad = arr <= 0 if positive else arr < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        word = "正数" if positive else "非负数"
        eng = "positive (> 0; a logarithm is taken)" if positive else "non-negative"
        raise AggloValueError(
            _m.text(
                f"'values' 必须为{word}，第 {i + 1} 个值为 {arr[i]:g}。",
                f"'values' must be {eng}; found "
                f"{arr[i]:g} at position {i + 1}. Check the sign or unit of that value.",
            )
        )
    return arr


def _aligned(values: Any, other: Any, name: str) -> Any:
    """A labelled ``weights``/``groups`` Series matched to the labels of a ``values`` Series."""
    if isinstance(values, pd.Series) and isinstance(other, pd.Series):
        return align_labels(other, values.index, name, what="labels of 'values'")
    return other


def _weights(weights: Any, n: int) -> np.ndarray | None:
    """Population (or other size) weights: finite, non-negative, one per region, sum > 0."""
    if weights is None:
        return None
    w = as_vector(weights, "weights")
    check_same_length(values=np.empty(n), weights=w)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AggloValueError(
            _m.text(
                f"'weights'（人口等权重）第 {i + 1} 个值为 {w[i]:g}，应为非负数且不能缺失。",
                "'weights' must "
                f"be non-negative numbers (e.g. population); found {w[i]:g} at position {i + 1}.",
            )
        )
    if not w.sum() > 0:
        raise AggloValueError(
            _m.text(
                "'weights' 全为 0，无法加权。",
                "'weights' are all zero; give each region's population.",
            )
        )
    return w


def _groups(groups: Any, n: int) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Group codes 0..k−1 in order of first appearance, and the labels."""
    if isinstance(groups, (pd.Series, pd.Index, pd.Categorical)):
        raw = np.asarray(groups, dtype=object)
    else:
        raw = np.asarray(groups, dtype=object)
    if raw.ndim == 2 and 1 in raw.shape:
        raw = raw.ravel()
    if raw.ndim != 1:
        raise AggloValueError(
            _m.text(
                f"'groups' 应为一列分组标签（如 东部/中部/西部/东北），收到形状 {raw.shape}。",
                f"'groups' must be one label per region (one column); received shape {raw.shape}.",
            )
        )
    if raw.size != n:
        raise AggloValueError(
            _m.text(
                f"'groups' 有 {raw.size} 个标签，而 'values' 有 {n} 个地区；二者须一一对应。",
                f"'groups' has {raw.size} labels but 'values' has {n}; give one group per region.",
            )
        )
    keys = []
    for i, g in enumerate(raw.tolist()):
        if (
            g is None
            or (isinstance(g, float) and np.isnan(g))
            or (isinstance(g, str) and not g.strip())
        ):
            raise AggloValueError(
                _m.text(
                    f"'groups' 第 {i + 1} 个标签为空；每个地区都需要分组。",
                    f"'groups' is blank at position {i + 1}; every region needs a group label.",
                )
            )
        if isinstance(g, float) and g.is_integer():
            g = int(g)
        keys.append(g.strip() if isinstance(g, str) else g)
    labels: dict[Any, int] = {}
    codes = np.fromiter((labels.setdefault(k, len(labels)) for k in keys), dtype=np.intp, count=n)
    return codes, tuple(labels)


def _labels_of(values: Any) -> Any:
    return values.index if isinstance(values, pd.Series) else None


# --------------------------------------------------------------------------------------
# Theil
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class TheilResult(Result):
    """Result of :func:`theil`.

    Attributes
    ----------
    total : float
        The Theil index of all regions.
    between : float
        Between-group term (NaN without groups).
    within : float
        Within-group term Σ_g ω_g·I_g (NaN without groups); ``between + within == total``.
    group_values : ndarray (k,) or None
        The index I_g computed within each group.
    within_terms : ndarray (k,) or None
        Each group's weighted within term ω_g·I_g.
    group_weights : ndarray (k,) or None
        ω_g: the group's share of the total value (index T) or of the population (index L).
    contributions : ndarray (k + 1,) or None
        Contribution rates (贡献率): between / total, then each ω_g·I_g / total; they sum to 1.
    groups : tuple
        Group labels, in order of first appearance.
    index : str
        ``'T'`` or ``'L'``.
    convention : str
    """

    total: float
    between: float
    within: float
    group_values: Any
    within_terms: Any
    group_weights: Any
    contributions: Any
    groups: tuple
    index: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """Decomposition table: rows between, each group's within term, total."""
        if self.groups == ():
            return pd.DataFrame({"value": [self.total]}, index=["total"])
        return pd.DataFrame(
            {
                "value": [self.between, *np.asarray(self.within_terms), self.total],
                "group_index": [np.nan, *np.asarray(self.group_values), np.nan],
                "contribution": [*np.asarray(self.contributions), 1.0],
            },
            index=["between", *(f"within {g}" for g in self.groups), "total"],
        )


def _theil_core(y: np.ndarray, w: np.ndarray, index: str) -> float:
    """Theil T or L of values y with population weights w (w > 0 somewhere)."""
    pi = w / w.sum()
    mu = float(pi @ y)
    if mu <= 0:
        return float("nan")  # all values zero: 0/0
    r = y / mu
    if index == "T":
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        return float(pi @ terms)
    return float(pi @ -np.log(r))


def theil(
    values: Any,
    weights: Any = None,
    groups: Any = None,
    index: str = "T",
) -> TheilResult:
    r"""Theil index 泰尔指数, T (GE(1)) or L (GE(0)), with the between/within decomposition.

    Parameters
    ----------
    values : array_like (n,)
        One value per region, usually per capita (人均 GDP, 人均收入).  Non-negative;
        positive for ``index='L'`` (a logarithm of each value is taken).
    weights : array_like (n,), optional
        Each region's population (or other size).  Without weights every region counts
        once.  To weight by GDP as Chinese papers put it, pass per-capita GDP as
        ``values`` and population as ``weights``: the T index then weights each region's
        log ratio by its GDP share (GDP 加权), the L index by its population share
        (人口加权).
    groups : array_like (n,), optional
        One group label per region (东部/中部/西部/东北 ...) for the decomposition.
    index : {'T', 'L'}, default 'T'
        Theil T = GE(1) or Theil L = GE(0), the mean log deviation.

    Returns
    -------
    TheilResult
        ``total``, ``between``, ``within``, ``group_values``, ``within_terms``,
        ``group_weights``, ``contributions``, ``groups``, ``index``, ``convention``.

    Raises
    ------
    AggloValueError
        Missing, negative (or, for L, zero) values; weights or groups of the wrong length.

    Notes
    -----
    With population shares :math:`\pi_i = w_i/\sum w`, mean :math:`\mu = \sum_i \pi_i y_i`
    and value shares :math:`s_i = \pi_i y_i / \mu`:

    .. math::

        T = \sum_i s_i \ln\frac{y_i}{\mu}, \qquad
        L = \sum_i \pi_i \ln\frac{\mu}{y_i}.

    For groups g with means :math:`\mu_g`, population shares :math:`\pi_g` and value
    shares :math:`s_g`:

    .. math::

        T = \underbrace{\sum_g s_g \ln\frac{\mu_g}{\mu}}_{T_b}
          + \underbrace{\sum_g s_g T_g}_{T_w}, \qquad
        L = \underbrace{\sum_g \pi_g \ln\frac{\mu}{\mu_g}}_{L_b}
          + \underbrace{\sum_g \pi_g L_g}_{L_w},

    exactly (Shorrocks 1980); contribution rates are each term divided by the total.
    Unweighted, :math:`\pi_i = 1/n` and T is :math:`\frac1n\sum (y_i/\bar y)\ln(y_i/\bar y)`.
    A zero value contributes 0 to T (:math:`0 \ln 0 = 0`); all values zero give NaN.

    Peers: PySAL ``inequality.theil.Theil``/``TheilD`` compute the unweighted T and
    its decomposition (same numbers); REAT ``theil`` computes the unweighted L (its
    weighted variant divides by n once more and is not the population-weighted L).

    References
    ----------
    .. [1] Theil, H. (1967). *Economics and Information Theory*. Amsterdam: North-Holland.
    .. [2] Shorrocks, A. F. (1980). The class of additively decomposable inequality
       measures. *Econometrica*, 48(3), 613–625.

    See [theil_1967], [shorrocks_1980] in docs/references.md.

    Examples
    --------
    >>> res = theil([1, 2, 3, 4], groups=["a", "a", "b", "b"])
    >>> round(res.total, 6), round(res.between, 6), round(res.within, 6)
    (0.10644, 0.082283, 0.024157)
    >>> [round(float(c), 4) for c in res.contributions]
    [0.773, 0.1596, 0.0673]
    >>> round(theil([1, 2, 3, 4], index="L").total, 6)
    0.121777
    """
    index = as_option(index, "index", ("T", "L"))
    y = _values(values, positive=index == "L")
    n = y.size
    weights, groups = _aligned(values, weights, "weights"), _aligned(values, groups, "groups")
    w = _weights(weights, n)
    w = np.ones(n) if w is None else w
    if index == "L" and np.any((y == 0) & (w > 0)):
        raise AggloValueError(
            _m.text(
                "'values' 含 0，Theil L 需要正数。",
                "Theil L needs positive values.",
            )
        )
    total = _theil_core(y, w, index)
    weighting = "unweighted (each region once)" if weights is None else "population-weighted"
    convention = f"Theil {index} = GE({1 if index == 'T' else 0}), {weighting}, natural log"
    if groups is None:
        return TheilResult(
            total=total,
            between=float("nan"),
            within=float("nan"),
            group_values=None,
            within_terms=None,
            group_weights=None,
            contributions=None,
            groups=(),
            index=index,
            convention=convention,
        )
    codes, labels = _groups(groups, n)
    k = len(labels)
    wg = np.bincount(codes, weights=w, minlength=k)
    vg = np.bincount(codes, weights=w * y, minlength=k)
    if np.any(wg <= 0):
        g = labels[int(np.flatnonzero(wg <= 0)[0])]
        raise AggloValueError(
            _m.text(
                f"'weights' 在分组 {g!r} 中之和为 0。",
                f"'weights' sum to zero in group {g!r}; give its population.",
            )
        )
    mu = vg.sum() / wg.sum()
    mug = vg / wg
    pig = wg / wg.sum()
    sg = vg / vg.sum() if vg.sum() > 0 else np.full(k, np.nan)
    # within-group index of each group: the same formula on the group's units (vectorised)
    pi_i = w / wg[codes]
    r = y / mug[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        if index == "T":
            terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        else:
            terms = -np.log(r)
    group_values = np.bincount(codes, weights=pi_i * terms, minlength=k)
    group_values[mug == 0] = np.nan if index == "L" else 0.0
    if index == "T":
        omega = sg
        with np.errstate(divide="ignore", invalid="ignore"):
            between = float(np.sum(np.where(sg > 0, sg * np.log(mug / mu), 0.0)))
    else:
        omega = pig
        between = float(np.sum(pig * np.log(mu / mug)))
    within_terms = omega * group_values
    within = float(within_terms.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        contributions = np.concatenate(([between], within_terms)) / total
    return TheilResult(
        total=total,
        between=between,
        within=within,
        group_values=group_values,
        within_terms=within_terms,
        group_weights=omega,
        contributions=contributions,
        groups=labels,
        index=index,
        convention=convention
        + f"; within weights = group {'value' if index == 'T' else 'population'} shares",
    )


# --------------------------------------------------------------------------------------
# Dagum Gini
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class DagumResult(Result):
    """Result of :func:`dagum_gini`.

    Attributes
    ----------
    total : float
        Gini coefficient G of all regions (= ``within + between + transvariation``).
    within : float
        G_w, the within-group contribution Σ_j G_jj p_j s_j.
    between : float
        G_nb, the net between-group contribution.
    transvariation : float
        G_t, the intensity of transvariation (overlap) between groups.
    group_gini : ndarray (k,)
        G_jj, the Gini coefficient within each group.
    between_gini : ndarray (k, k)
        G_jh, the Gini between groups j and h (the diagonal holds G_jj).
    relative_affluence : ndarray (k, k)
        D_jh, Dagum's relative economic affluence (0 on the diagonal, D_hj = −D_jh).
    contributions : ndarray (3,)
        Contribution rates of G_w, G_nb and G_t to G (they sum to 1).
    group_means, population_shares, value_shares : ndarray (k,)
        μ_j, p_j = n_j/n and s_j = n_j μ_j/(n μ) (with weights: sums of weights).
    groups : tuple
        Group labels, in order of first appearance.
    convention : str
    """

    total: float
    within: float
    between: float
    transvariation: float
    group_gini: Any
    between_gini: Any
    relative_affluence: Any
    contributions: Any
    group_means: Any
    population_shares: Any
    value_shares: Any
    groups: tuple
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """Decomposition table: G_w, G_nb, G_t and G with their contribution rates."""
        return pd.DataFrame(
            {
                "value": [self.within, self.between, self.transvariation, self.total],
                "contribution": [*np.asarray(self.contributions), 1.0],
            },
            index=["within", "between", "transvariation", "total"],
        )


def _gross_affluence(y: np.ndarray, w: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    r"""Matrix A[j, h] = Σ_{i∈j} Σ_{r∈h} w_i w_r (y_i − y_r)^+ without a loop over pairs.

    For each group h the cumulative weights and weighted sums of its sorted values give,
    for every unit i, :math:`\sum_{r\in h,\, y_r \le y_i} w_r (y_i - y_r)` by one
    ``searchsorted``; a ``bincount`` then sums those over the units of each group j.
    The loop runs over the k groups only (written by hand: no library offers Dagum's
    between-group terms).
    """
    out = np.empty((k, k))
    order = np.argsort(y, kind="stable")
    ys, ws, cs = y[order], w[order], codes[order]
    for h in range(k):
        mask = cs == h
        yh, wh = ys[mask], ws[mask]
        cw = np.concatenate(([0.0], np.cumsum(wh)))
        cy = np.concatenate(([0.0], np.cumsum(wh * yh)))
        pos = np.searchsorted(yh, y, side="right")
        below = y * cw[pos] - cy[pos]  # Σ_{r∈h, y_r ≤ y_i} w_r (y_i − y_r)
        out[:, h] = np.bincount(codes, weights=w * below, minlength=k)
    return out


def dagum_gini(values: Any, groups: Any, weights: Any = None) -> DagumResult:
    r"""Dagum Gini coefficient and its decomposition by groups (Dagum 基尼系数及分解).

    Parameters
    ----------
    values : array_like (n,)
        One non-negative value per region (e.g. per-capita GDP of each province).
    groups : array_like (n,)
        One group label per region (东部/中部/西部/东北 ...); at least one group.
    weights : array_like (n,), optional
        Each region's population (frequency weights).  Without weights every region
        counts once, as in most Chinese papers (provinces, cities).

    Returns
    -------
    DagumResult
        ``total``, ``within`` (G_w), ``between`` (G_nb), ``transvariation`` (G_t),
        ``group_gini`` (G_jj), ``between_gini`` (G_jh), ``relative_affluence`` (D_jh),
        ``contributions``, ``group_means``, ``population_shares``, ``value_shares``,
        ``groups``, ``convention``.

    Raises
    ------
    AggloValueError
        Missing or negative values, all values zero, groups or weights of the wrong length.

    Notes
    -----
    For groups j = 1..k with n_j regions and means μ_j (μ overall), p_j = n_j/n and
    s_j = n_j μ_j / (n μ) (Dagum 1997; 刘华军、赵浩, 2012):

    .. math::

        G = \frac{\sum_j \sum_h \sum_i \sum_r |y_{ji} - y_{hr}|}{2 n^2 \mu}, \quad
        G_{jj} = \frac{\sum_i \sum_r |y_{ji} - y_{jr}|}{2 n_j^2 \mu_j}, \quad
        G_{jh} = \frac{\sum_i \sum_r |y_{ji} - y_{hr}|}{n_j n_h (\mu_j + \mu_h)},

        G_w = \sum_j G_{jj} p_j s_j, \quad
        G_{nb} = \sum_{j=2}^{k} \sum_{h=1}^{j-1} G_{jh} (p_j s_h + p_h s_j) D_{jh}, \quad
        G_t = \sum_{j=2}^{k} \sum_{h=1}^{j-1} G_{jh} (p_j s_h + p_h s_j) (1 - D_{jh}),

    with the relative economic affluence :math:`D_{jh} = (d_{jh} - p_{jh})/(d_{jh} + p_{jh})`,
    :math:`d_{jh} = E[(y_j - y_h)^+]` (gross affluence, for μ_j ≥ μ_h) and
    :math:`p_{jh} = E[(y_h - y_j)^+]` (first-order transvariation).  Then
    G = G_w + G_nb + G_t exactly.  Because :math:`d_{jh} - p_{jh} = \mu_j - \mu_h`,
    G_nb reduces to :math:`\frac{1}{2\mu}\sum_j\sum_h p_j p_h |\mu_j - \mu_h|`, the Gini
    of the group means weighted by p_j; G_w is the within term of Bhattacharya and
    Mahalanobis (1967), and G_t is their overlap (residual) term (the relation between
    Dagum's terms and the traditional between-group Gini is discussed by Costa 2009;
    the tests check both identities).  With weights every
    count is replaced by a sum of weights (each region stands for its population).

    Computed with sorting and cumulative sums (O(n log n) per group), never with the
    n² pairs: 3,000 counties in 4 groups take milliseconds.  Peers: the Stata, MATLAB
    and R scripts circulated with Chinese papers implement the same formulas; the
    tests match R ``IC2::decompSGini(param = 2, decomp = "BM")`` (within, between,
    overlap = G_w, G_nb, G_t, and the group Ginis) to 1e-12, weighted and unweighted,
    and ``tests/bench_disparity.py`` runs IC2 beside this function on the same 3,000
    counties.  Published table: the tests reproduce Table 3 of 王钰凯、郭辉 (2022) (G,
    G_w, G_nb, G_t and their contribution rates for 15 years) and the G_jj and G_jh of
    its text from the efficiencies printed in its Table 2, within the rounding of those
    three-decimal inputs (unweighted, as there).

    References
    ----------
    .. [1] Dagum, C. (1997). A new approach to the decomposition of the Gini income
       inequality ratio. *Empirical Economics*, 22(4), 515–531.
    .. [2] Bhattacharya, N., & Mahalanobis, B. (1967). Regional disparities in household
       consumption in India. *Journal of the American Statistical Association*, 62(317),
       143–161.
    .. [3] 刘华军, 赵浩 (2012). 中国二氧化碳排放强度的地区差异分析. 统计研究, 29(6).
    .. [4] Costa, M. (2009). Transvariation and inequality between subpopulations in
       Dagum's Gini index decomposition. *Metron*, 67(3).
    .. [5] 王钰凯, 郭辉 (2022). 新疆旅游业生态效率时空分异与收敛性研究. 干旱区地理, 45(4),
       1320–1331.

    See [dagum_1997], [bhattacharya_mahalanobis_1967], [liu_zhao_2012], [costa_2009],
    [wang_guo_2022] in docs/references.md.

    Examples
    --------
    >>> res = dagum_gini([1, 2, 5, 3, 4, 6], ["a", "a", "a", "b", "b", "b"])
    >>> round(res.total, 6), round(res.within, 6), round(res.between, 6), round(res.transvariation, 6)
    (0.277778, 0.111111, 0.119048, 0.047619)
    >>> res.between_gini.round(4).tolist()
    [[0.3333, 0.3333], [0.3333, 0.1538]]
    """
    y = _values(values)
    n = y.size
    weights, groups = _aligned(values, weights, "weights"), _aligned(values, groups, "groups")
    w = _weights(weights, n)
    weighted = w is not None
    w = np.ones(n) if w is None else w
    codes, labels = _groups(groups, n)
    k = len(labels)
    wg = np.bincount(codes, weights=w, minlength=k)
    if np.any(wg <= 0):
        g = labels[int(np.flatnonzero(wg <= 0)[0])]
        raise AggloValueError(
            _m.text(
                f"'weights' 在分组 {g!r} 中之和为 0。",
                f"'weights' sum to zero in group {g!r}; give its population.",
            )
        )
    vg = np.bincount(codes, weights=w * y, minlength=k)
    W = wg.sum()
    mu = vg.sum() / W
    if not mu > 0:
        raise AggloValueError(
            _m.text(
                "'values' 全为 0（或小到均值为 0），基尼系数无定义（0/0）。",
                "'values' are all zero (or so small that their mean is 0): the Gini is 0/0.",
            )
        )
    mug = vg / wg
    A = _gross_affluence(y, w, codes, k)  # A[j,h] = Σ w_i w_r (y_ji − y_hr)^+
    S = A + A.T  # Σ Σ w_i w_r |y_ji − y_hr|
    total = float(S.sum() / (2.0 * W * W * mu))
    pair = np.outer(wg, wg)
    with np.errstate(divide="ignore", invalid="ignore"):
        gjh = S / (pair * (mug[:, None] + mug[None, :]))
        gjj = np.diag(S) / (2.0 * wg * wg * mug)
        gjh[np.diag_indices(k)] = gjj
        d = A / pair  # E[(y_j − y_h)^+]
        ratio = (d - d.T) / (d + d.T)  # D_jh, signed; |D_jh| with j the richer group
    ratio[np.isnan(ratio)] = 0.0
    ratio[np.diag_indices(k)] = 0.0
    p = wg / W
    s = vg / vg.sum()
    within = float(np.nansum(gjj * p * s))
    iu = np.triu_indices(k, 1)
    cross = (gjh * (np.outer(p, s) + np.outer(s, p)))[iu]
    cross = np.where(np.isnan(cross), 0.0, cross)  # two all-zero groups: no difference
    dd = np.abs(ratio[iu])
    between = float(np.sum(cross * dd))
    transvariation = float(np.sum(cross * (1.0 - dd)))
    contributions = np.array([within, between, transvariation]) / total if total > 0 else None
    if contributions is None:
        contributions = np.full(3, np.nan)
    return DagumResult(
        total=total,
        within=within,
        between=between,
        transvariation=transvariation,
        group_gini=gjj,
        between_gini=gjh,
        relative_affluence=ratio,
        contributions=contributions,
        group_means=mug,
        population_shares=p,
        value_shares=s,
        groups=labels,
        convention=(
            "Dagum (1997), "
            + ("population-weighted" if weighted else "unweighted (each region once)")
            + "; Gini without small-sample correction (2n²μ)"
        ),
    )


# --------------------------------------------------------------------------------------
# CV / Williamson, Atkinson, Lorenz
# --------------------------------------------------------------------------------------


def coefficient_of_variation(values: Any, weights: Any = None, ddof: int = 0) -> float:
    r"""Coefficient of variation 变异系数; with population weights Williamson's index.

    Parameters
    ----------
    values : array_like (n,)
        One value per region (e.g. per-capita GDP).
    weights : array_like (n,), optional
        Population of each region: gives Williamson's (1965) weighted coefficient of
        variation 加权变异系数, around the population-weighted (national) mean.
    ddof : {0, 1}, default 0
        Unweighted only: 0 = population standard deviation (divide by n), 1 = sample
        standard deviation (divide by n − 1, as REAT ``cv(is.sample=TRUE)`` and Excel's
        ``STDEV.S``).  Williamson's index always uses population shares.

    Returns
    -------
    float
        sd / mean (NaN when the mean is 0).

    Notes
    -----
    .. math::

        CV = \frac{1}{\bar y}\sqrt{\frac{1}{n - \text{ddof}}\sum_i (y_i - \bar y)^2}, \qquad
        V_w = \frac{1}{\bar y_w}\sqrt{\sum_i \frac{P_i}{P}(y_i - \bar y_w)^2},
        \quad \bar y_w = \sum_i \frac{P_i}{P} y_i.

    Peers: REAT ``williamson(x, pop, wmean=TRUE)`` gives V_w; its default
    ``wmean=FALSE`` centres on the unweighted mean instead.

    References
    ----------
    .. [1] Williamson, J. G. (1965). Regional inequality and the process of national
       development: a description of the patterns. *Economic Development and Cultural
       Change*, 13(4, Part 2), 1–84.

    See [williamson_1965] in docs/references.md.

    Examples
    --------
    >>> round(coefficient_of_variation([2, 4, 4, 4, 5, 5, 7, 9]), 6)
    0.4
    >>> round(coefficient_of_variation([1, 3], weights=[3, 1]), 6)
    0.57735
    """
    y = as_vector(values, "values", allow_nan=False)
    if y.size < 2:
        raise AggloValueError(
            _m.text(
                "'values' 至少需要 2 个地区。",
                f"'values' needs at least 2 regions; received {y.size}.",
            )
        )
    ddof = as_option(ddof, "ddof", (0, 1))
    w = _weights(_aligned(values, weights, "weights"), y.size)
    if w is None:
        mean = float(y.mean())
        sd = float(y.std(ddof=ddof))
    else:
        pi = w / w.sum()
        mean = float(pi @ y)
        sd = float(np.sqrt(pi @ (y - mean) ** 2))
    return sd / abs(mean) if mean != 0 else float("nan")


def atkinson(values: Any, epsilon: float = 0.5, weights: Any = None) -> float:
    r"""Atkinson index 阿特金森指数 with inequality aversion ε.

    Parameters
    ----------
    values : array_like (n,)
        One non-negative value per region (positive when ε ≥ 1).
    epsilon : float, default 0.5
        Inequality aversion ε ≥ 0 (REAT's default 0.5; PySAL requires it).  ε = 0 gives 0.
    weights : array_like (n,), optional
        Population of each region.

    Returns
    -------
    float
        A_ε in [0, 1].

    Notes
    -----
    With population shares π_i and mean μ = Σ π_i y_i:

    .. math::

        A_\varepsilon = 1 - \frac{1}{\mu}\Big(\sum_i \pi_i y_i^{1-\varepsilon}\Big)^{1/(1-\varepsilon)}
        \ (\varepsilon \ne 1), \qquad
        A_1 = 1 - \frac{\exp(\sum_i \pi_i \ln y_i)}{\mu}.

    Peers: PySAL ``inequality.atkinson.atkinson(y, e)`` and REAT ``atkinson(x, epsilon)``
    (unweighted) give the same numbers.

    References
    ----------
    .. [1] Atkinson, A. B. (1970). On the measurement of inequality. *Journal of Economic
       Theory*, 2(3), 244–263.

    See [atkinson_1970] in docs/references.md.

    Examples
    --------
    >>> round(atkinson([1, 2, 3, 4], epsilon=1), 6)
    0.114654
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)):
        raise AggloValueError(
            _m.text(
                "'epsilon' 应为不小于 0 的数（如 0.5、1、2）。",
                f"'epsilon' must be a number >= 0; received {epsilon!r}.",
            )
        )
    eps = float(epsilon)
    if not (np.isfinite(eps) and eps >= 0):
        raise AggloValueError(
            _m.text(
                "'epsilon' 应为不小于 0 的数。",
                f"'epsilon' must be a finite number >= 0; received {eps}.",
            )
        )
    y = _values(values, positive=eps >= 1)
    w = _weights(_aligned(values, weights, "weights"), y.size)
    pi = np.full(y.size, 1.0 / y.size) if w is None else w / w.sum()
    mu = float(pi @ y)
    if mu == 0:
        return float("nan")
    if eps == 1:
        ede = float(np.exp(pi @ np.log(y)))
    else:
        ede = float((pi @ (y / mu) ** (1 - eps)) ** (1 / (1 - eps))) * mu
    return 1.0 - ede / mu


@dataclasses.dataclass(frozen=True, repr=False)
class LorenzResult(Result):
    """Result of :func:`lorenz_curve`.

    Attributes
    ----------
    population_share : ndarray (n + 1,)
        Cumulative share of regions (or population), from 0 to 1.
    value_share : ndarray (n + 1,)
        Cumulative share of the total value, from 0 to 1.
    gini : float
        Gini coefficient: one minus twice the area under the curve.
    convention : str
    """

    population_share: Any
    value_share: Any
    gini: float
    convention: str


def lorenz_curve(values: Any, weights: Any = None) -> LorenzResult:
    r"""Points of the Lorenz curve 洛伦兹曲线, for a chart, with the Gini coefficient.

    Parameters
    ----------
    values : array_like (n,)
        One non-negative value per region (per capita when ``weights`` is population).
    weights : array_like (n,), optional
        Population of each region; without it every region counts once.

    Returns
    -------
    LorenzResult
        ``population_share`` and ``value_share`` (n + 1 points from (0, 0) to (1, 1),
        regions sorted by value ascending), ``gini``, ``convention``.

    Notes
    -----
    For the values sorted ascending, point i is

    .. math::

        \Big(\sum_{r \le i} \pi_{(r)},\ L_i = \sum_{r \le i} \pi_{(r)} y_{(r)} / \mu\Big),
        \qquad G = 1 - \sum_i \pi_{(i)} (L_{i-1} + L_i)

    (trapezoids), which equals the mean-difference Gini without correction.  Same points
    as PySAL ``inequality.wolfson.lorenz_curve`` (unweighted).

    References
    ----------
    .. [1] Lorenz, M. O. (1905). Methods of measuring the concentration of wealth.
       *Publications of the American Statistical Association*, 9(70), 209–219.

    See [lorenz_1905] in docs/references.md.

    Examples
    --------
    >>> res = lorenz_curve([1, 2, 3, 4])
    >>> res.population_share.tolist(), res.value_share.tolist(), round(res.gini, 6)
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.1, 0.3, 0.6, 1.0], 0.25)
    """
    y = _values(values, min_size=1)
    w = _weights(_aligned(values, weights, "weights"), y.size)
    w = np.ones(y.size) if w is None else w
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], w[order]
    pi = ws / ws.sum()
    total = float(pi @ ys)
    if total <= 0:
        raise AggloValueError(
            _m.text(
                "'values' 全为 0，洛伦兹曲线无定义。",
                "'values' are all zero: no Lorenz curve.",
            )
        )
    pop = np.concatenate(([0.0], np.cumsum(pi)))
    val = np.concatenate(([0.0], np.cumsum(pi * ys) / total))
    pop[-1] = val[-1] = 1.0
    gini = float(1.0 - np.sum(pi * (val[:-1] + val[1:])))
    return LorenzResult(
        population_share=pop,
        value_share=val,
        gini=gini,
        convention="sorted ascending; "
        + ("population-weighted" if weights is not None else "each region once"),
    )
