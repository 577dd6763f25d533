r"""Comprehensive evaluation (综合评价): composite index, TOPSIS, grey relational analysis,
obstacle degree.

Blocks have regions (alternatives, region-years) in rows and indicators in columns.
Directions and normalisation follow :func:`agglo.normalize`; weights may be given as
numbers or as the result of :func:`agglo.entropy_weights`, :func:`agglo.critic_weights`
or any result with a ``weights`` attribute.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import (
    AggloValueError,
    as_array,
    as_option,
    as_weights,
    cell_position,
    labels_of,
)
from .normalization import (
    MODERATE,
    NEGATIVE,
    Directions,
    _check_range,
    _column_norms,
    _normalize_2d,
    _positivise,
    _prepare,
)

__all__ = [
    "CompositeResult",
    "TopsisResult",
    "GreyResult",
    "ObstacleResult",
    "composite_index",
    "topsis",
    "grey_relational",
    "obstacle_degree",
]


def _weights_of(weights: Any, k: int, name: str = "weights", columns: Any = None) -> np.ndarray:
    """Equal weights for None, the ``weights`` of a result object, else a checked vector.

    A Series labelled by exactly the block's column labels is aligned to them by label.
    """
    if weights is None:
        return np.full(k, 1.0 / k)
    if hasattr(weights, "weights") and not isinstance(weights, (pd.Series, pd.DataFrame)):
        weights = weights.weights
    if (
        isinstance(weights, pd.Series)
        and columns is not None
        and len(weights) == k
        and weights.index.is_unique
        and set(weights.index) == set(columns)
    ):
        weights = weights.reindex(columns)
    return as_weights(weights, name, k)


def _rows(values: np.ndarray, labels: Any, name: str) -> Any:
    if labels is None:
        return values
    return pd.Series(values, index=labels[0], name=name)


def _cols(values: np.ndarray, labels: Any, name: str) -> Any:
    if labels is None or labels[1] is None:
        return values
    return pd.Series(values, index=labels[1], name=name)


def _frame(values: np.ndarray, labels: Any, columns: Any = None) -> Any:
    if labels is None:
        return values
    return pd.DataFrame(values, index=labels[0], columns=labels[1] if columns is None else columns)


def _normalized_block(
    X: np.ndarray, d: Directions, normalize: str, feature_range: Any, cols: Any
) -> tuple[np.ndarray, str]:
    """Min–max (with direction) or the block as given ('none', positive directions only)."""
    rng = _check_range(feature_range)
    if normalize == "minmax":
        text = "min-max" + (f" onto [{rng[0]:g}, {rng[1]:g}]" if rng else "")
        return _normalize_2d(X, d, "minmax", rng, None, 1, cols), text
    if rng is not None:
        raise AggloValueError(
            _m.text(
                "'feature_range' 需要 normalize='minmax'；收到 'none'。",
                "'feature_range' needs normalize='minmax'; received 'none'.",
            )
        )
    if not d.all_positive:
        raise AggloValueError(
            _m.text(
                "normalize='none' 时 'directions' 必须全为正向（按原值使用）。负向、适度或区间指标请用 normalize='minmax'。",
                "'directions' must all be positive with normalize='none' (the block is used as "
                "given); use normalize='minmax' to handle negative, moderate or interval indicators.",
            )
        )
    return X.copy(), "data as given"


# --------------------------------------------------------------------------- composite index


@dataclasses.dataclass(frozen=True, repr=False)
class CompositeResult(Result):
    """Result of :func:`composite_index`.

    Attributes
    ----------
    scores : ndarray or Series (n,)
        Total index per row, × ``scale``.
    group_scores : ndarray or DataFrame (n, g) or None
        Dimension (subsystem) scores U_s per row, × ``scale`` (columns in order of first
        appearance of the group labels); None for a single-level index.
    weights : ndarray or Series (k,)
        Indicator weights used (summing to 1 overall).
    group_weights : ndarray or Series (g,) or None
        Dimension weights W_s (summing to 1).
    normalized : ndarray or DataFrame (n, k)
    convention : str
    """

    scores: Any
    group_scores: Any
    weights: Any
    group_weights: Any
    normalized: Any
    convention: str


def composite_index(
    matrix: Any,
    weights: Any = None,
    directions: Any = None,
    normalize: str | None = "minmax",
    scale: float = 100.0,
    groups: Any = None,
    *,
    group_weights: Any = None,
    feature_range: Any = None,
    best: Any = None,
    interval: Any = None,
) -> CompositeResult:
    r"""Composite index (综合指数): weighted sum of normalised indicators, one or two levels.

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators)
        Regions (or region-years) in rows, indicators in columns; no blanks.
    weights : array_like (k,), result with ``weights``, or None
        Indicator weights (normalised to sum 1); None gives equal weights.  With ``groups``
        they may also be given per group (each group summing to 1): only their ratios
        within a group matter for the dimension scores.
    directions : None, str or sequence, optional
        Indicator directions as in :func:`agglo.normalize`.
    normalize : {'minmax', 'none'}
        ``'minmax'`` (极差标准化, default) or ``'none'`` when the block is already normalised
        (or is made of dimension scores, as in the second step of [ceramics]).
    scale : float
        Multiplier of the scores: 100 (default) for a 0–100 index, 1 for [0, 1].
    groups : sequence (k,), optional
        A dimension (subsystem, 维度) label per indicator, e.g. 动力升级 / 生态和谐
        / 社会进步 / 经济基本盘 in [ceramics].  Gives a two-level index: indicator →
        dimension → total.
    group_weights : None, 'equal', array_like (g,) or dict, optional
        Dimension weights W_s (normalised to sum 1), in order of first appearance of the
        group labels or as ``{label: weight}``.  None (default): W_s = Σ_{j∈s} w_j, the
        group's share of the indicator weights, so the total equals the single-level index
        Σ_j w_j z_ij (with per-group weights summing to 1 this is equal weighting).
        ``'equal'``: W_s = 1/g (the Table 2 total of [ceramics] is the plain mean of its four
        dimension indices).
    feature_range, best, interval : optional
        As in :func:`agglo.normalize`.

    Returns
    -------
    CompositeResult
        ``scores``, ``group_scores``, ``weights``, ``group_weights``, ``normalized``,
        ``convention``.

    Raises
    ------
    AggloValueError
        Blanks or text, a weights vector of the wrong length, negative or all-zero weights,
        ``groups`` of the wrong length, unknown group labels in ``group_weights``, a
        non-positive direction with ``normalize='none'``.

    Notes
    -----
    Single level: :math:`S_i = \text{scale}\sum_j w_j z_{ij}`.  Two levels (B11 of the
    methods reference):

    .. math::

        U_{is} = \text{scale}\,\frac{\sum_{j\in s} w_j z_{ij}}{\sum_{j\in s} w_j},\qquad
        S_i = \sum_s W_s U_{is},\qquad \sum_s W_s = 1.

    Dimension scores are on the same scale as the total (0–scale), so they can feed the
    coupling model (:mod:`agglo.coupling`) directly (with ``scale=1``).  Peers: EconGeo
    ``weighted_avg``, pymcdm ``WSM``, pyDecision ``saw`` and SPSSAU 综合得分 give the single
    level only.

    References
    ----------
    .. [1] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3):
       the regional high-quality development index with four
       dimension indices (Table 1) and its 12-city results (Table 2).

    See [ceramics] in docs/references.md.

    Examples
    --------
    >>> X = [[1, 10, 5], [2, 30, 3], [3, 20, 4]]
    >>> composite_index(X, [0.5, 0.25, 0.25], ["+", "-", "+"]).scores.round(2).tolist()
    [50.0, 25.0, 75.0]
    >>> r = composite_index(X, [0.5, 0.25, 0.25], ["+", "-", "+"], groups=["A", "A", "B"])
    >>> r.group_scores.round(2)
           A      B
    0  33.33  100.0
    1  33.33    0.0
    2  83.33   50.0
    >>> r.group_weights.round(2).tolist(), r.scores.round(2).tolist()
    ([0.75, 0.25], [50.0, 25.0, 75.0])
    >>> composite_index(X, [1, 2])
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'weights' 的权重个数须等于指标数 3；收到 2 个。... / 'weights' must have one weight per indicator (3); received 2.
    """
    norm = as_option("none" if normalize is None else normalize, "normalize", ("minmax", "none"))
    X, d, labels, shape = _prepare(
        matrix, directions, best=best, interval=interval, allow_nan=False
    )
    if len(shape) == 3:
        raise AggloValueError(
            _m.text(
                "'matrix' 必须是二维区域；面板数据请按 地区-年份 每行一条堆叠。",
                "'matrix' must be a 2-D block; stack a panel as one row per region-year.",
            )
        )
    k = X.shape[1]
    cols = labels[1] if labels is not None else None
    w = _weights_of(weights, k, columns=cols)
    Z, text = _normalized_block(X, d, norm, feature_range, cols)
    scale = float(scale)
    if groups is None:
        if group_weights is not None:
            raise AggloValueError(
                _m.text(
                    "'group_weights' 需要 'groups'（每个指标的维度标签）。",
                    "'group_weights' needs 'groups' (a dimension label per indicator).",
                )
            )
        scores = (Z @ w) * scale
        return CompositeResult(
            scores=_rows(scores, labels, "score"),
            group_scores=None,
            weights=_cols(w, labels, "weights"),
            group_weights=None,
            normalized=_frame(Z, labels),
            convention=f"composite index: {text}; S = scale*sum(w*z), scale={scale:g}",
        )
    g = np.asarray(groups, dtype=object).ravel()
    if g.size != k:
        raise AggloValueError(
            _m.text(
                f"'groups' 须为每个指标给一个维度标签（{k} 个）；收到 {g.size} 个。",
                f"'groups' must give one dimension label per indicator ({k}); received {g.size}.",
            )
        )
    codes, names = pd.factorize(pd.Series(g), sort=False)
    G = np.zeros((k, len(names)))
    G[np.arange(k), codes] = 1.0
    share = w @ G  # Σ_{j∈s} w_j
    if (share <= 0).any():
        s = names[int(np.flatnonzero(share <= 0)[0])]
        raise AggloValueError(
            _m.text(
                f"维度 {s!r} 中的 'weights' 权重全为 0；请给它权重。",
                f"'weights' are all zero in the group {s!r}; give it a weight.",
            )
        )
    U = (Z @ (w[:, None] * G)) / share * scale
    if group_weights is None:
        W = share / share.sum()
        wtext = "W_s = share of indicator weights"
    elif isinstance(group_weights, str):
        as_option(group_weights, "group_weights", ("equal",))
        W = np.full(len(names), 1.0 / len(names))
        wtext = "W_s equal"
    elif isinstance(group_weights, dict):
        missing = [n for n in names if n not in group_weights]
        extra = [key for key in group_weights if key not in list(names)]
        if missing or extra:
            raise AggloValueError(
                _m.text(
                    f"'group_weights' 须为每个维度 {list(names)} 给权重；缺少 {missing}，多出 {extra}。",
                    f"'group_weights' must give a weight to each group {list(names)}; missing "
                    f"{missing}, unknown {extra}.",
                )
            )
        W = as_weights([group_weights[n] for n in names], "group_weights", len(names))
        wtext = "W_s given"
    else:
        W = _weights_of(group_weights, len(names), "group_weights")
        wtext = "W_s given"
    scores = U @ W
    gs = (
        pd.DataFrame(U, index=labels[0], columns=pd.Index(names))
        if labels is not None
        else pd.DataFrame(U, columns=pd.Index(names))
    )
    return CompositeResult(
        scores=_rows(scores, labels, "score"),
        group_scores=gs,
        weights=_cols(w, labels, "weights"),
        group_weights=pd.Series(W, index=pd.Index(names), name="group_weights"),
        normalized=_frame(Z, labels),
        convention=(
            f"composite index (two levels): {text}; U_s = scale*sum_s(w*z)/sum_s(w); "
            f"{wtext}; scale={scale:g}"
        ),
    )


# --------------------------------------------------------------------------- TOPSIS


def _distances(
    S: np.ndarray, ideal: np.ndarray, anti: np.ndarray, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean distances of each row to ``ideal`` and ``anti`` (weighted by ``w`` if given).

    Written by hand for speed on large blocks: the expansion Σw(s − a)² = Σws² − 2Σwsa + Σwa²
    needs two passes over the block for both points, instead of four with temporaries.
    Rows where the expansion loses precision (D² below 1e-4 of Σws² + Σwa², i.e. rows very
    close to a point) are recomputed directly, so every distance keeps about 12 digits.
    """
    ww = np.ones(S.shape[1]) if w is None else w
    ss = np.einsum("ij,ij,j->i", S, S, ww)
    points = np.column_stack([ideal, anti])
    cross = S @ (points * ww[:, None])
    aa = (points**2 * ww[:, None]).sum(axis=0)
    d2 = ss[:, None] - 2.0 * cross + aa
    inexact = d2 <= 1e-4 * (ss[:, None] + aa)
    for col in range(2):  # the two points, not a loop over rows
        rows = np.flatnonzero(inexact[:, col])
        if rows.size:
            diff = S[rows] - points[:, col]
            d2[rows, col] = np.einsum("ij,ij,j->i", diff, diff, ww)
    np.maximum(d2, 0.0, out=d2)
    return np.sqrt(d2[:, 0]), np.sqrt(d2[:, 1])


def _rank_desc(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest; ties share the smallest rank (1, 1, 3); NaN stays NaN."""
    ok = ~np.isnan(values)
    sorted_neg = np.sort(-values[ok])
    ranks = np.searchsorted(sorted_neg, -values[ok], side="left") + 1
    if ok.all():
        return ranks.astype(int)
    out = np.full(values.shape, np.nan)
    out[ok] = ranks
    return out


@dataclasses.dataclass(frozen=True, repr=False)
class TopsisResult(Result):
    """Result of :func:`topsis`.

    Attributes
    ----------
    closeness : ndarray or Series (n,)
        C_i = D⁻/(D⁺ + D⁻) ∈ [0, 1] (贴近度); NaN when D⁺ + D⁻ = 0.
    d_plus, d_minus : ndarray or Series (n,)
        Distances to the ideal (正理想解) and anti-ideal (负理想解) points.
    rank : ndarray or Series (n,)
        1 = best (largest closeness); ties share the smallest rank (1, 1, 3).
    ideal, anti_ideal : ndarray or Series (k,)
        A⁺ and A⁻ in the space the distances are measured in (weighted when
        ``weights_in='data'``).
    weights : ndarray or Series (k,)
    normalized : ndarray or DataFrame (n, k)
        The normalised (unweighted) block.
    convention : str
    """

    closeness: Any
    d_plus: Any
    d_minus: Any
    rank: Any
    ideal: Any
    anti_ideal: Any
    weights: Any
    normalized: Any
    convention: str


def topsis(
    matrix: Any,
    weights: Any = None,
    directions: Any = None,
    normalize: str | None = "vector",
    weights_in: str = "data",
    *,
    best: Any = None,
    interval: Any = None,
) -> TopsisResult:
    r"""TOPSIS (优劣解距离法; 熵权TOPSIS with entropy weights): closeness to the ideal solution.

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators)
        Alternatives (regions) in rows, indicators in columns; no blanks.
    weights : array_like (k,), result with ``weights``, or None
        Indicator weights (normalised to sum 1); None gives equal weights.  Pass the result
        of :func:`agglo.entropy_weights` for 熵权TOPSIS.
    directions : None, str or sequence, optional
        Indicator directions as in :func:`agglo.normalize`.  Negative indicators take the
        column minimum as ideal; moderate and interval indicators are first mapped onto
        [0, 1] (larger = better) by the formulas of :func:`agglo.normalize`.
    normalize : {'vector', 'minmax', 'none'}
        ``'vector'`` (default; Hwang & Yoon, pyDecision): r = x/‖x‖.  ``'minmax'``: pymcdm's
        default.  ``'none'``: the block as given (SPSSAU, which leaves normalisation to the
        user).
    weights_in : {'data', 'distance'}
        ``'data'`` (classic): v = w·r, distances on v.  ``'distance'``: D = √Σ w (r − r*)²
        (popular 数学建模 tutorials).  Applying entropy weights to data that were already
        multiplied by them squares the weights: check when reproducing a paper.
    best, interval : optional
        Parameters of moderate and interval indicators.

    Returns
    -------
    TopsisResult
        ``closeness``, ``d_plus``, ``d_minus``, ``rank``, ``ideal``, ``anti_ideal``,
        ``weights``, ``normalized``, ``convention``.

    Raises
    ------
    AggloValueError
        Blanks, text, a weights vector of the wrong length, unknown options.

    Notes
    -----
    .. math::

        v_{ij} = w_j r_{ij},\quad A^+_j = \max_i v_{ij}\ (\min_i \text{ for cost}),\quad
        A^-_j = \min_i v_{ij}\ (\max_i \text{ for cost}),

        D^+_i = \sqrt{\sum_j (v_{ij} - A^+_j)^2},\quad
        D^-_i = \sqrt{\sum_j (v_{ij} - A^-_j)^2},\quad C_i = \frac{D^-_i}{D^+_i + D^-_i}.

    With ``weights_in='distance'`` :math:`D^\pm_i = \sqrt{\sum_j w_j (r_{ij} - A^\pm_j)^2}`
    on the unweighted r.  Under vector normalisation a negative indicator is kept as
    x/‖x‖ with the minimum as ideal; this equals pymcdm's 1 − x/‖x‖ with a maximum ideal.
    Under min–max a negative indicator is reversed, (max − x)/(max − min).  When all rows
    are identical D⁺ = D⁻ = 0 and C is NaN (rank NaN).  Ranks: 1 = best, ties get the
    smallest rank of the tie (competition ranking).

    Peers: pymcdm ``TOPSIS()`` defaults to min–max, pyDecision ``topsis_method`` uses vector
    normalisation; the ranks can differ between the two (B9 of the methods reference).

    References
    ----------
    .. [1] Hwang, C.-L. and Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
       and Applications*. Springer.
    .. [2] 罗丹阳. 增强中心城市聚集效应研究——以贵州省贵阳市为例 (2018 yearbook data;
       the text names no journal or year):
       the central-city innovation indicators used in the tests.

    See [hwang_yoon_1981], [central_cities] in docs/references.md.

    Examples
    --------
    >>> r = topsis([[7, 9, 9], [8, 7, 8], [9, 6, 8], [6, 7, 8]], [0.5, 0.3, 0.2], ["+", "+", "-"])
    >>> r.closeness.round(4).tolist(), r.rank.tolist()
    ([0.5096, 0.5715, 0.6188, 0.1817], [3, 2, 1, 4])
    >>> topsis([[1, 2], [3, 4]], normalize="minmax").closeness.tolist()
    [0.0, 1.0]
    """
    norm = as_option(
        "none" if normalize is None else normalize, "normalize", ("vector", "minmax", "none")
    )
    weights_in = as_option(weights_in, "weights_in", ("data", "distance"))
    X, d, labels, shape = _prepare(
        matrix, directions, best=best, interval=interval, allow_nan=False
    )
    if len(shape) == 3:
        raise AggloValueError(
            _m.text(
                "'matrix' 必须是二维区域；面板数据请按 地区-年份 每行一条堆叠。",
                "'matrix' must be a 2-D block; stack a panel as one row per region-year.",
            )
        )
    k = X.shape[1]
    w = _weights_of(weights, k, columns=labels[1] if labels is not None else None)
    shaped = d.kind >= MODERATE
    cost = d.kind == NEGATIVE
    if norm == "minmax":
        R = _normalize_2d(X, d, "minmax", None, None, 1, None, has_nan=False)
        cost = np.zeros(k, dtype=bool)  # already reversed
    else:
        R = _positivise(X, d, False) if shaped.any() else X
        if norm == "vector":
            norms = _column_norms(R)
            # an all-zero column stays zero (contributes nothing to the distances)
            R = R / np.where(norms > 0, norms, 1.0)
    S = R * w if weights_in == "data" else R
    hi, lo = S.max(axis=0), S.min(axis=0)
    ideal = np.where(cost, lo, hi)
    anti = np.where(cost, hi, lo)
    dp, dm = _distances(S, ideal, anti, None if weights_in == "data" else w)
    denom = dp + dm
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(denom > 0, dm / np.where(denom > 0, denom, 1.0), np.nan)
    rank = _rank_desc(c)
    convention = (
        f"TOPSIS: {norm} normalisation, weights in "
        f"{'the data (v = w*r)' if weights_in == 'data' else 'the distance (sqrt(sum w*(r-r*)^2))'}"
        "; rank 1 = best, ties share the smallest rank"
    )
    return TopsisResult(
        closeness=_rows(c, labels, "closeness"),
        d_plus=_rows(dp, labels, "d_plus"),
        d_minus=_rows(dm, labels, "d_minus"),
        rank=_rows(rank, labels, "rank"),
        ideal=_cols(ideal, labels, "ideal"),
        anti_ideal=_cols(anti, labels, "anti_ideal"),
        weights=_cols(w, labels, "weights"),
        normalized=_frame(R, labels),
        convention=convention,
    )


# --------------------------------------------------------------------------- grey relational


@dataclasses.dataclass(frozen=True, repr=False)
class GreyResult(Result):
    """Result of :func:`grey_relational`.

    Attributes
    ----------
    coefficients : ndarray or DataFrame, same shape as ``comparison``
        ξ_i(k) (灰色关联系数).
    grades : ndarray or Series (one per comparison sequence)
        r_i (灰色关联度).
    rank : ndarray or Series
        1 = most related; ties share the smallest rank.
    delta_min, delta_max : float
        The two-level minimum and maximum of |x₀(k) − x_i(k)| used in Deng's formula.
    rho : float
    convention : str
    """

    coefficients: Any
    grades: Any
    rank: Any
    delta_min: float
    delta_max: float
    rho: float
    convention: str


def grey_relational(
    reference: Any,
    comparison: Any,
    rho: float = 0.5,
    normalize: str | None = "none",
    weights: Any = None,
    *,
    sequences: str = "columns",
    extremes: str = "global",
) -> GreyResult:
    r"""Grey relational analysis (灰色关联分析, Deng 1982): coefficients and grades.

    Parameters
    ----------
    reference : array_like (n_points,) or 'ideal'
        The reference sequence x₀ (母序列 / 参考序列).  With ``sequences='columns'`` it is a
        column with one value per row of ``comparison``; with ``sequences='rows'`` a row with
        one value per column.  ``'ideal'`` (rows only): the best value of each column after
        normalisation (evaluation mode, pyDecision's ideal of 1 after min–max).
    comparison : array_like of shape (n_rows, k_columns)
        The comparison sequences (比较序列 / 特征序列).
    rho : float in (0, 1]
        Distinguishing coefficient (分辨系数), 0.5 by default.
    normalize : {'none', 'mean', 'initial', 'minmax'}
        Dimensionless step applied to every **column** of the table, reference included:
        ``'mean'`` (均值化 x/x̄), ``'initial'`` (初值化 x/x₁, divide by the first row),
        ``'minmax'`` (min–max, positive).  ``'none'`` (default, as SPSSAU) uses the data as
        given.
    weights : array_like (n_points,), optional
        Weights of the points in the grade (normalised to sum 1); default equal (mean).
    sequences : {'columns', 'rows'}
        Which axis holds a sequence.  ``'columns'`` (default, SPSSAU): each column of
        ``comparison`` is a sequence and the rows are its points (years, regions);
        ``reference`` is a column.  ``'rows'`` (evaluation of alternatives): each row is a
        sequence (a region) compared across the indicator columns with ``reference`` (a row).
    extremes : {'global', 'sequence'}
        ``'global'`` (Deng's two-level min and max, over every sequence and point) or
        ``'sequence'`` (min and max of each sequence's own differences).

    Returns
    -------
    GreyResult
        ``coefficients`` (shape of ``comparison``), ``grades`` and ``rank`` (one per
        sequence), ``delta_min``, ``delta_max``, ``rho``, ``convention``.

    Raises
    ------
    AggloValueError
        Blanks or text, a reference of the wrong length, rho outside (0, 1], weights of the
        wrong length, ``'ideal'`` with ``sequences='columns'``, ``'initial'``/``'mean'`` on
        a sequence whose first value/mean is 0.

    Notes
    -----
    .. math::

        \Delta_i(k) = |x_0(k) - x_i(k)|,\qquad
        \xi_i(k) = \frac{\min_i\min_k \Delta_i(k) + \rho\max_i\max_k \Delta_i(k)}
                        {\Delta_i(k) + \rho\max_i\max_k \Delta_i(k)},\qquad
        r_i = \sum_k w_k\,\xi_i(k).

    When every difference is 0 (Δmax = 0) every sequence equals the reference and all
    coefficients are 1.  初值化 of a sequence whose first value is 0 (or 均值化 of one
    with mean 0) is undefined and raises an error.  Peers: SPSSAU (母序列 + 特征序列, 均值化/初值化, ρ = 0.5, optional
    weights); pyDecision ``gra_method`` assumes Δmin = 0 and Δmax = 1 after min–max and
    divides the weighted sum by the number of alternatives (a constant factor).

    References
    ----------
    .. [1] Deng, J. L. (1982). Control problems of grey systems. *Systems & Control Letters*
       1(5), 288–294.

    See [deng_1982] in docs/references.md.

    Examples
    --------
    >>> r = grey_relational([10, 12, 15], [[9, 14], [12, 11], [14, 18]], normalize="initial")
    >>> r.grades.round(4).tolist(), r.rank.tolist()
    ([0.799, 0.6083], [1, 2])
    >>> r = grey_relational("ideal", [[0.2, 0.9], [1.0, 0.5], [0.6, 0.6]], sequences="rows")
    >>> r.grades.round(4).tolist()
    [0.6667, 0.75, 0.5357]
    """
    sequences = as_option(sequences, "sequences", ("columns", "rows"))
    extremes = as_option(extremes, "extremes", ("global", "sequence"))
    norm = as_option(
        "none" if normalize is None else normalize,
        "normalize",
        ("none", "mean", "initial", "minmax"),
    )
    rho = float(as_array(rho, "rho", ndim=0, allow_nan=False))
    if not 0 < rho <= 1:
        raise AggloValueError(
            _m.text(
                f"'rho' 分辨系数必须在 (0, 1] 内（通常为 0.5）；收到 {rho:g}。",
                f"'rho' must be in (0, 1] (usually 0.5); received {rho:g}.",
            )
        )
    cmp_labels = labels_of(comparison)
    if isinstance(comparison, pd.Series):
        comparison = comparison.to_frame()
        cmp_labels = labels_of(comparison)
    Y = as_array(comparison, "comparison", ndim=2, allow_nan=False)
    n, k = Y.shape
    ideal = isinstance(reference, str)
    if ideal:
        as_option(reference, "reference", ("ideal",))
        if sequences == "columns":
            raise AggloValueError(
                _m.text(
                    "'reference'='ideal' 需要 sequences='rows'（方案为行，指标为列）。",
                    "'reference'='ideal' needs sequences='rows' (alternatives in rows, indicators "
                    "in columns).",
                )
            )
        x0 = None
    else:
        x0 = as_array(reference, "reference", ndim=(1, 2), allow_nan=False).ravel()
        need = n if sequences == "columns" else k
        if x0.size != need:
            raise AggloValueError(
                _m.text(
                    f"'reference' 须与 'comparison' 的每{('行' if sequences == 'columns' else '列')}对应一个值（{need} 个）；收到 {x0.size} 个。",
                    f"'reference' must have one value per {'row' if sequences == 'columns' else 'column'} "
                    f"of 'comparison' ({need}); received {x0.size}.",
                )
            )
    # stack the reference with the comparison block so that normalisation acts per column
    if x0 is None:
        T = Y
    elif sequences == "columns":
        T = np.column_stack([x0, Y])
    else:
        T = np.vstack([x0, Y])
    if norm != "none":
        ones = Directions(
            np.zeros(T.shape[1], dtype=np.int8),
            np.full(T.shape[1], np.nan),
            np.full(T.shape[1], np.nan),
            np.full(T.shape[1], np.nan),
        )
        T = _normalize_2d(T, ones, norm, None, None, 1, None)
        undefined = np.isnan(T).any(axis=0)
        if undefined.any():  # x/x̄ or x/x₁ with a divisor of 0 (a series starting at 0)
            j = int(np.flatnonzero(undefined)[0])
            if sequences == "rows":
                where = (
                    f"'reference' 和 'comparison' 的第{j + 1}列",
                    f"column {j + 1} of 'reference' and 'comparison'",
                )
            elif j == 0:
                where = ("'reference'", "'reference'")
            else:
                where = (f"'comparison' 的第{j}列", f"column {j} of 'comparison'")
            raise AggloValueError(
                _m.text(
                    f"normalize={norm!r} 在 {where[0]}无定义：其{('首值' if norm == 'initial' else '均值')}为 0 而其他值不为 0。请用 normalize='minmax' 或 'none'。",
                    f"normalize={norm!r} is undefined for {where[1]}: its "
                    f"{'first value' if norm == 'initial' else 'mean'} is 0 while other values "
                    "are not. Use normalize='minmax' or 'none', or drop the leading zero point.",
                )
            )
    if x0 is None:
        Yn = T
        ref = T.max(axis=0)[None, :]
    elif sequences == "columns":
        ref, Yn = T[:, :1], T[:, 1:]
    else:
        ref, Yn = T[:1, :], T[1:, :]
    delta = np.abs(Yn - ref)
    seq_axis = 0 if sequences == "columns" else 1  # axis running over a sequence's points
    if extremes == "global":
        dmin = np.full((1, 1), delta.min())
        dmax = np.full((1, 1), delta.max())
    else:
        dmin = delta.min(axis=seq_axis, keepdims=True)
        dmax = delta.max(axis=seq_axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        xi = np.where(
            dmax > 0, (dmin + rho * dmax) / (delta + rho * np.where(dmax > 0, dmax, 1.0)), 1.0
        )
    npts = n if sequences == "columns" else k
    w = _weights_of(weights, npts)
    grades = w @ xi if sequences == "columns" else xi @ w
    rank = _rank_desc(grades)
    if sequences == "columns":
        seq_lab = cmp_labels[1] if cmp_labels is not None else None
    else:
        seq_lab = cmp_labels[0] if cmp_labels is not None else None
    coef = (
        pd.DataFrame(xi, index=cmp_labels[0], columns=cmp_labels[1])
        if cmp_labels is not None
        else xi
    )
    convention = (
        f"grey relational (Deng): sequences in {sequences}, normalisation {norm} per column, "
        f"{'two-level global' if extremes == 'global' else 'per-sequence'} min/max, "
        f"rho={rho:g}, {'equal' if weights is None else 'given'} point weights"
    )
    wrap = (lambda v, nm: pd.Series(v, index=seq_lab, name=nm)) if seq_lab is not None else None
    return GreyResult(
        coefficients=coef,
        grades=wrap(grades, "grade") if wrap else grades,
        rank=wrap(rank, "rank") if wrap else rank,
        delta_min=float(delta.min()),
        delta_max=float(delta.max()),
        rho=rho,
        convention=convention,
    )


# --------------------------------------------------------------------------- obstacle degree


@dataclasses.dataclass(frozen=True, repr=False)
class ObstacleResult(Result):
    """Result of :func:`obstacle_degree`.

    Attributes
    ----------
    degree : ndarray or DataFrame (n, k)
        O_ij, each row summing to 1 (× ``scale``); NaN for a row at the best everywhere.
    deviation : ndarray or DataFrame (n, k)
        I_ij = 1 − z_ij (指标偏离度).
    group_degree : DataFrame (n, g) or None
        Sum of O_ij within each dimension.
    main : DataFrame or None
        The ``top`` largest obstacles of each row: labels (or positions) and degrees.
    weights : ndarray or Series (k,)
        Factor contribution F_j = w_j (因子贡献度).
    convention : str
    """

    degree: Any
    deviation: Any
    group_degree: Any
    main: Any
    weights: Any
    convention: str


def obstacle_degree(
    matrix: Any,
    weights: Any,
    directions: Any = None,
    normalize: str | None = "minmax",
    *,
    groups: Any = None,
    top: int = 3,
    scale: float = 1.0,
    feature_range: Any = None,
    best: Any = None,
    interval: Any = None,
) -> ObstacleResult:
    r"""Obstacle degree (障碍度) of each indicator for each region.

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators)
        Regions (or region-years) in rows, indicators in columns; no blanks.
    weights : array_like (k,) or result with ``weights``
        Indicator weights (factor contribution), normalised to sum 1.
    directions : None, str or sequence, optional
        Indicator directions as in :func:`agglo.normalize`.
    normalize : {'minmax', 'none'}
        ``'minmax'`` (default) or ``'none'`` when ``matrix`` already holds normalised
        values z ∈ [0, 1].
    groups : sequence (k,), optional
        A dimension label per indicator: also report each dimension's obstacle degree.
    top : int
        Number of main obstacle factors listed per row in ``main`` (0 for none).
    scale : float
        1 (default) for shares, 100 for percentages.
    feature_range, best, interval : optional
        As in :func:`agglo.normalize`.

    Returns
    -------
    ObstacleResult
        ``degree``, ``deviation``, ``group_degree``, ``main``, ``weights``, ``convention``.

    Raises
    ------
    AggloValueError
        Blanks or text, weights of the wrong length, normalised values outside [0, 1] with
        ``normalize='none'``.

    Notes
    -----
    .. math::

        I_{ij} = 1 - z_{ij},\qquad O_{ij} = \frac{w_j I_{ij}}{\sum_j w_j I_{ij}},
        \qquad \sum_j O_{ij} = 1.

    A row with z = 1 in every indicator has no obstacle: 0/0, returned as NaN.  This is
    mathmodels' ``obstacle_degree``; its unscaled variant (1 − z)·w is ``deviation`` times
    ``weights``.

    References
    ----------
    .. [1] mathmodels (R package), ``obstacle_degree`` documentation.
    .. [2] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3):
       dimension shortfalls (短板) of the development index.

    See [mathmodels], [ceramics] in docs/references.md.

    Examples
    --------
    >>> r = obstacle_degree([[1, 10], [2, 30], [3, 20]], [0.6, 0.4], ["+", "-"])
    >>> r.degree.round(4).tolist()
    [[1.0, 0.0], [0.4286, 0.5714], [0.0, 1.0]]
    """
    norm = as_option("none" if normalize is None else normalize, "normalize", ("minmax", "none"))
    X, d, labels, shape = _prepare(
        matrix, directions, best=best, interval=interval, allow_nan=False
    )
    if len(shape) == 3:
        raise AggloValueError(
            _m.text(
                "'matrix' 必须是二维区域；面板数据请按 地区-年份 每行一条堆叠。",
                "'matrix' must be a 2-D block; stack a panel as one row per region-year.",
            )
        )
    k = X.shape[1]
    if weights is None:
        raise AggloValueError(
            _m.text(
                "必须给出 'weights' 权重：每个指标一个。",
                "'weights' are required: one weight per indicator.",
            )
        )
    cols = labels[1] if labels is not None else None
    w = _weights_of(weights, k, columns=cols)
    Z, text = _normalized_block(X, d, norm, feature_range, cols)
    lo, hi = (0.0, 1.0) if feature_range is None else _check_range(feature_range)
    if norm == "none" and ((Z < 0) | (Z > 1)).any():
        i, j = np.argwhere((Z < 0) | (Z > 1))[0]
        pz, pe = cell_position("matrix", (i, j), Z.shape)
        raise AggloValueError(
            _m.text(
                f"normalize='none' 时 'matrix' 必须是 [0, 1] 内的标准化值；{pz}为 {Z[i, j]:g}。请用 normalize='minmax'。",
                f"'matrix' must hold normalised values in [0, 1] with normalize='none'; found "
                f"{Z[i, j]:g} at {pe}. Use normalize='minmax'.",
            )
        )
    # deviation from the best value of the scale
    dev = (hi - Z) / (hi - lo)
    contrib = dev * w
    tot = contrib.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        deg = np.where(tot > 0, contrib / np.where(tot > 0, tot, 1.0), np.nan) * float(scale)
    gdeg = None
    if groups is not None:
        g = np.asarray(groups, dtype=object).ravel()
        if g.size != k:
            raise AggloValueError(
                _m.text(
                    f"'groups' 须为每个指标给一个维度标签（{k} 个）；收到 {g.size} 个。",
                    f"'groups' must give one dimension label per indicator ({k}); received {g.size}.",
                )
            )
        codes, names = pd.factorize(pd.Series(g), sort=False)
        G = np.zeros((k, len(names)))
        G[np.arange(k), codes] = 1.0
        gdeg = pd.DataFrame(
            deg @ G, index=labels[0] if labels is not None else None, columns=pd.Index(names)
        )
    main = None
    top = int(top)
    if top > 0:
        t = min(top, k)
        order = np.argsort(-np.nan_to_num(deg, nan=-1.0), axis=1, kind="stable")[:, :t]
        names_arr = np.asarray(list(cols) if cols is not None else list(range(k)), dtype=object)
        data = {}
        for r in range(t):  # t columns (a few), not a loop over regions
            data[f"obstacle_{r + 1}"] = names_arr[order[:, r]]
            data[f"degree_{r + 1}"] = np.take_along_axis(deg, order[:, r : r + 1], axis=1)[:, 0]
        main = pd.DataFrame(data, index=labels[0] if labels is not None else None)
    return ObstacleResult(
        degree=_frame(deg, labels),
        deviation=_frame(dev, labels),
        group_degree=gdeg,
        main=main,
        weights=_cols(w, labels, "weights"),
        convention=(f"obstacle degree: {text}; O = w*(1-z)/sum(w*(1-z)), scale={float(scale):g}"),
    )
