r"""Markov chains of regional distributions (马尔可夫链, 空间马尔可夫链).

:func:`markov` classifies every region in every year into quantile classes and counts
the moves between consecutive years: transition counts and probabilities, the steady
state (ergodic distribution), mean first-passage times and sojourn times.
:func:`spatial_markov` does the same conditioned on the class of each region's spatial
lag in the starting year (Rey 2001), the "spatial Markov chain" of Chinese
convergence papers.

Conventions follow PySAL ``giddy`` (the tests' oracle): quantile classes as
``mapclassify.Quantiles`` (class i holds values in (q_{i−1}, q_i]), pooled over all years
(giddy ``fixed=True``) or per year (``fixed=False``); the spatial lag uses the weights as
given in their style (row-standardised by default).  giddy is not a runtime dependency
(it brings quantecon, numba and geopandas); the counting is a few lines of NumPy.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_matrix, as_option, as_positive_int

__all__ = ["MarkovResult", "SpatialMarkovResult", "markov", "spatial_markov"]

_SCOPES = ("pooled", "per_year")


@dataclasses.dataclass(frozen=True, repr=False)
class MarkovResult(Result):
    """A classic Markov chain estimated from a panel (see :func:`markov`).

    Attributes
    ----------
    counts : ndarray (k, k)
        Transitions from class i (row) in year t to class j (column) in year t + 1.
    probabilities : ndarray (k, k)
        Row-normalised counts (maximum likelihood); a row with no observations is NaN.
    steady_state : ndarray (k,)
        Ergodic distribution π = πP (NaN when it is not unique).
    first_passage : ndarray (k, k)
        Mean first-passage times from i to j (years); the diagonal holds the mean
        recurrence times 1/π_j.  NaN unless the chain is irreducible.
    sojourn : ndarray (k,)
        Expected years spent in a class once entered, 1/(1 − p_ii) (inf if absorbing).
    class_ids : ndarray (n, t)
        Class of each region (row) in each year (column), 0 = lowest.
    cutoffs : ndarray
        Upper bounds of the classes: (k,) pooled or given; (t, k) per year.
    irreducible : bool
        Whether every class can be reached from every other.
    convention : str
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray
    sojourn: np.ndarray
    class_ids: np.ndarray
    cutoffs: np.ndarray
    irreducible: bool
    convention: str

    @property
    def k(self) -> int:
        """Number of classes."""
        return int(self.counts.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """Probabilities with counts, steady state and sojourn times, one row per class."""
        names = [f"C{i + 1}" for i in range(self.k)]
        df = pd.DataFrame(self.probabilities, index=names, columns=names)
        df.insert(0, "n", self.counts.sum(axis=1))
        df["steady_state"] = self.steady_state
        df["sojourn"] = self.sojourn
        return df


@dataclasses.dataclass(frozen=True, repr=False)
class SpatialMarkovResult(Result):
    """A spatial Markov chain (see :func:`spatial_markov`).

    Attributes
    ----------
    counts, probabilities : ndarray (m, k, k)
        Transitions conditioned on the lag class l (first axis) in the starting year.
    steady_states : ndarray (m, k)
    first_passage : ndarray (m, k, k)
    sojourn : ndarray (m, k)
        As in :class:`MarkovResult`, per lag class.
    overall : MarkovResult
        The classic (non-spatial) chain of the same classes.
    lag_class_ids : ndarray (n, t)
    lag_cutoffs : ndarray
    Q, Q_p_value, LR, LR_p_value : float
        Bickenbach–Bode homogeneity tests: do the conditional matrices differ from the
        overall one (H0: the neighbours' class does not matter)?  χ² with ``dof``.
    dof : int
    convention : str
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_states: np.ndarray
    first_passage: np.ndarray
    sojourn: np.ndarray
    overall: MarkovResult
    lag_class_ids: np.ndarray
    lag_cutoffs: np.ndarray
    Q: float
    Q_p_value: float
    LR: float
    LR_p_value: float
    dof: int
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """All conditional matrices stacked: one row per (lag class, class)."""
        m, k, _ = self.counts.shape
        names = [f"C{i + 1}" for i in range(k)]
        frames = []
        for lag in range(m):
            df = pd.DataFrame(self.probabilities[lag], columns=names)
            df.insert(0, "class", names)
            df.insert(0, "lag_class", f"L{lag + 1}")
            df.insert(2, "n", self.counts[lag].sum(axis=1))
            frames.append(df)
        return pd.concat(frames, ignore_index=True)


def _panel(panel: Any, name: str = "panel") -> np.ndarray:
    y = as_matrix(panel, name, allow_nan=False)
    n, t = y.shape
    if n < 2 or t < 2:
        raise AggloValueError(
            _m.text(
                f"{name!r} 需要至少 2 个地区（行）和 2 个年份（列）；收到 {n} 行 × {t} 列。",
                f"{name!r} needs at least 2 regions (rows) and 2 years (columns); received "
                f"{n} × {t}. Put regions in rows and years in columns.",
            )
        )
    return y


def _quantile_cuts(values: np.ndarray, k: int, what: str) -> np.ndarray:
    """Upper class bounds as mapclassify.Quantiles: the (100 i/k)-th percentiles."""
    if k > values.size:
        raise AggloValueError(
            _m.text(
                f"'classes' ({k}) 多于 {what} 中可分类的值的个数 ({values.size})。请减少类数。",
                f"'classes' ({k}) exceeds the number of values of {what} to classify "
                f"({values.size}); use fewer classes.",
            )
        )
    cuts = np.unique(np.percentile(values, np.arange(1, k + 1) * 100.0 / k))
    if cuts.size < k:
        raise AggloValueError(
            _m.text(
                f"{what} 中相同的值太多，无法分成 {k} 个分位数类（只得到 {cuts.size} 个）。请减少类数或给出 "
                "cutoffs。",
                f"Too many tied values in {what} to form {k} quantile classes (only "
                f"{cuts.size} distinct bounds); use fewer classes or give 'cutoffs'.",
            )
        )
    return cuts


def _classify(
    y: np.ndarray, k: int, scope: str, cutoffs: Any, what: str
) -> tuple[np.ndarray, np.ndarray, str]:
    """Class ids (0..k−1) of a panel, the cutoffs used and a description."""
    if cutoffs is not None:
        from ._validation import as_vector

        cuts = as_vector(cutoffs, "cutoffs", allow_nan=False)
        if np.any(np.diff(cuts) <= 0):
            raise AggloValueError(
                _m.text(
                    f"'cutoffs' 分类界限必须严格递增；收到 {cuts.tolist()}。",
                    f"'cutoffs' must be strictly increasing; received {cuts.tolist()}.",
                )
            )
        bounds = np.append(cuts, np.inf)
        return np.searchsorted(bounds, y, side="left"), bounds, "given cutoffs (upper bounds)"
    if scope == "pooled":
        cuts = _quantile_cuts(y.ravel(), k, what)
        return (
            np.searchsorted(cuts, y, side="left"),
            cuts,
            f"{k} quantile classes pooled over years",
        )
    cuts = np.column_stack(
        [_quantile_cuts(y[:, j], k, f"{what} (year {j + 1})") for j in range(y.shape[1])]
    )
    ids = np.column_stack(
        [np.searchsorted(cuts[:, j], y[:, j], side="left") for j in range(y.shape[1])]
    )
    return ids, cuts.T, f"{k} quantile classes per year"


def _chain(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Probabilities, steady state, first-passage and sojourn times of one count matrix."""
    from scipy.sparse.csgraph import connected_components

    k = counts.shape[0]
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(rows > 0, counts / np.where(rows > 0, rows, 1.0), np.nan)
    pii = np.diag(p)
    with np.errstate(divide="ignore"):
        sojourn = np.where(np.isnan(pii), np.nan, 1.0 / (1.0 - pii))
    steady = np.full(k, np.nan)
    passage = np.full((k, k), np.nan)
    if np.isnan(p).any():
        return p, steady, passage, sojourn, False
    n_comp, _ = connected_components(p > 0, directed=True, connection="strong")
    irreducible = n_comp == 1
    # π (I − P) = 0 with Σπ = 1: unique iff the augmented system has full rank
    a = np.vstack([(np.eye(k) - p).T, np.ones(k)])
    b = np.zeros(k + 1)
    b[-1] = 1.0
    sol, _, rank, _ = np.linalg.lstsq(a, b, rcond=None)
    if rank == k and np.allclose(a @ sol, b, atol=1e-10):
        steady = np.clip(sol, 0.0, None)
        steady /= steady.sum()
    if irreducible:
        # Kemeny and Snell (1976): Z = (I − P + 1π')⁻¹, M = (I − Z + E Z_dg) D, D = diag(1/π)
        z = np.linalg.inv(np.eye(k) - p + np.outer(np.ones(k), steady))
        passage = (np.eye(k) - z + np.outer(np.ones(k), np.diag(z))) / steady[None, :]
    return p, steady, passage, sojourn, irreducible


def _relative(y: np.ndarray, relative: bool) -> np.ndarray:
    if not relative:
        return y
    means = y.mean(axis=0)
    if np.any(means == 0):
        raise AggloValueError(
            _m.text(
                "'relative' 需要每年的均值不为 0。",
                "'relative' needs a non-zero mean in every year.",
            )
        )
    return y / means


def markov(
    panel: Any,
    classes: int = 5,
    scope: str = "pooled",
    cutoffs: Any = None,
    relative: bool = False,
) -> MarkovResult:
    r"""Classic Markov chain (传统马尔可夫链) of regions moving between quantile classes.

    Parameters
    ----------
    panel : array-like (n, t)
        Regions in rows, years in columns (in time order), e.g. GDP per capita.
    classes : int
        Number k of quantile classes (default 5: 低, 中低, 中, 中高, 高).
    scope : {'pooled', 'per_year'}
        Quantiles of all n·t values together (giddy ``fixed=True``, default: a region
        moves when its level crosses fixed bounds) or of each year separately (giddy
        ``fixed=False``: a region moves when its rank class changes).
    cutoffs : array-like, optional
        Upper bounds of the classes except the last (k − 1 numbers, increasing); then
        ``classes`` and ``scope`` are ignored (giddy ``cutoffs``).
    relative : bool
        Divide each year by its mean first (relative levels, common in convergence
        papers).

    Returns
    -------
    MarkovResult

    Notes
    -----
    With :math:`n_{ij}` the number of region-years in class i followed by class j:

    .. math::

        p_{ij} = \frac{n_{ij}}{\sum_j n_{ij}},\qquad \pi = \pi P,\ \sum_i\pi_i = 1,
        \qquad M = (I - Z + E Z_{dg})\,D,\ Z = (I - P + \mathbf{1}\pi')^{-1},

    :math:`D=\mathrm{diag}(1/\pi)`, sojourn time :math:`1/(1-p_{ii})`.  Classes follow
    ``mapclassify.Quantiles``: class i holds values in :math:`(q_{i-1}, q_i]`, q the
    (100 i/k)-th percentiles (linear interpolation).  Ties that would merge classes are
    refused (giddy silently merges them).  A class never left from has no
    probabilities (NaN row; giddy writes 0), and then no steady state; the steady state
    is NaN when not unique and first-passage times NaN unless the chain is irreducible.
    Conventions match giddy's ``Markov``, ``steady_state``, ``mfpt`` (diagonal =
    recurrence times) and ``sojourn_time``.

    References
    ----------
    Quah, D. T. (1993), "Empirical cross-section dynamics in economic growth", *European
    Economic Review* 37(2–3): 426–434.  Kemeny, J. G. and Snell, J. L. (1976), *Finite
    Markov Chains*, New York: Springer, ch. 4.  Rey, S. J., Kang, W. and Wolf, L. (2016),
    "The properties of tests for spatial effects in discrete Markov chain models of
    regional income distribution dynamics", *Journal of Geographical Systems* 18(4):
    377–398.

    See [quah_1993], [kemeny_snell_1976], [rey_kang_wolf_2016] in docs/references.md.

    Examples
    --------
    >>> y = [[1, 2, 3], [2, 1, 1], [3, 3, 2], [4, 4, 4]]
    >>> r = markov(y, classes=2)
    >>> r.counts.tolist()
    [[3.0, 1.0], [1.0, 3.0]]
    >>> r.steady_state.tolist(), r.sojourn.tolist()
    ([0.5, 0.5], [4.0, 4.0])
    """
    y = _relative(_panel(panel), relative)
    scope = as_option(scope, "scope", _SCOPES)
    k = as_positive_int(classes, "classes", minimum=2)
    ids, cuts, how = _classify(y, k, scope, cutoffs, "'panel'")
    if cutoffs is not None:
        k = len(cuts)
    counts = np.bincount((ids[:, :-1] * k + ids[:, 1:]).ravel(), minlength=k * k)
    counts = counts.reshape(k, k).astype(float)
    p, steady, passage, sojourn, irreducible = _chain(counts)
    return MarkovResult(
        counts,
        p,
        steady,
        passage,
        sojourn,
        ids,
        cuts,
        irreducible,
        f"{how}{', relative to the yearly mean' if relative else ''}; class i = "
        f"(q_(i-1), q_i]; maximum-likelihood P; first-passage diagonal = recurrence time",
    )


def spatial_markov(
    panel: Any,
    weights: Any,
    classes: int = 5,
    lag_classes: int | None = None,
    scope: str = "pooled",
    relative: bool = False,
) -> SpatialMarkovResult:
    r"""Spatial Markov chain (空间马尔可夫链): transitions conditioned on the neighbours' class.

    Parameters
    ----------
    panel : array-like (n, t)
        Regions in rows, years in columns.
    weights : SpatialWeights, matrix (n, n) or neighbour list
        Spatial weights (:func:`agglo.spatial_weights`); a matrix or list is
        row-standardised, a :class:`~agglo.SpatialWeights` is used in its own style.
    classes : int
        Number k of quantile classes of the values.
    lag_classes : int, optional
        Number m of quantile classes of the spatial lag (default k).
    scope : {'pooled', 'per_year'}
        As in :func:`markov`, for both the values and the lags.
    relative : bool
        Divide each year by its mean first.

    Returns
    -------
    SpatialMarkovResult

    Notes
    -----
    The spatial lag of region i in year t is :math:`L_{it}=\sum_j w_{ij}y_{jt}`; with
    :math:`n_{l,ij}` the transitions from class i to j of regions whose lag was in
    class l in the starting year,

    .. math::

        p_{l,ij} = \frac{n_{l,ij}}{\sum_j n_{l,ij}}

    and each conditional matrix gets its steady state, first-passage and sojourn times
    as in :func:`markov`.  Homogeneity (Bickenbach and Bode 2003), with
    :math:`p_{ij}` the pooled probabilities and :math:`n_{l,i}=\sum_j n_{l,ij}`:

    .. math::

        Q = \sum_l\sum_{ij} n_{l,i}\frac{(p_{l,ij}-p_{ij})^2}{p_{ij}},\qquad
        LR = 2\sum_l\sum_{ij} n_{l,ij}\ln\frac{p_{l,ij}}{p_{ij}},

    both χ² with :math:`\sum_i (b_i-1)(a_i-1)` degrees of freedom (:math:`b_i` lag
    classes with transitions from i, :math:`a_i` non-zero pooled transitions from i),
    as giddy's ``Homogeneity_Results``.  Matches giddy ``Spatial_Markov(y, w, k, m, fixed=...)`` with
    the weights in the same style (giddy's docs row-standardise them first).

    References
    ----------
    Rey, S. J. (2001), "Spatial empirics for economic growth and convergence",
    *Geographical Analysis* 33(3): 195–214.  Rey, S. J., Kang, W. and Wolf, L. (2016),
    "The properties of tests for spatial effects in discrete Markov chain models of
    regional income distribution dynamics", *Journal of Geographical Systems* 18(4):
    377–398.  Bickenbach, F. and Bode, E. (2003), "Evaluating the Markov property in
    studies of economic convergence", *International Regional Science Review* 26(3):
    363–392.

    See [rey_2001], [rey_kang_wolf_2016], [bickenbach_bode_2003] in docs/references.md.

    Examples
    --------
    >>> w = [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]  # a chain of 4 regions
    >>> y = [[1, 2, 3], [2, 1, 1], [3, 3, 2], [4, 4, 4]]
    >>> r = spatial_markov(y, w, classes=2)
    >>> r.counts.sum(axis=(1, 2)).tolist()
    [5.0, 3.0]
    """
    from .spatial import SpatialWeights, spatial_weights

    y = _relative(_panel(panel), relative)
    scope = as_option(scope, "scope", _SCOPES)
    k = as_positive_int(classes, "classes", minimum=2)
    m = k if lag_classes is None else as_positive_int(lag_classes, "lag_classes", minimum=2)
    w = weights if isinstance(weights, SpatialWeights) else spatial_weights(weights, "W")
    n, t = y.shape
    if w.n != n:
        raise AggloValueError(
            _m.text(
                f"'weights' 有 {w.n} 个单元，但 'panel' 有 {n} 行（地区）；两者必须一一对应。",
                f"The weights have {w.n} units but 'panel' has {n} rows (regions); give one "
                "row per unit, in the order of the weights.",
            )
        )
    overall = markov(y, k, scope)
    lag = np.asarray(w.matrix @ y)
    lag_ids, lag_cuts, _ = _classify(lag, m, scope, None, "the spatial lag ('weights' × 'panel')")
    ids = overall.class_ids
    code = (lag_ids[:, :-1] * k + ids[:, :-1]) * k + ids[:, 1:]
    counts = np.bincount(code.ravel(), minlength=m * k * k).reshape(m, k, k).astype(float)
    parts = [_chain(c) for c in counts]
    q, q_p, lr, lr_p, dof = _homogeneity(counts)
    return SpatialMarkovResult(
        counts,
        np.stack([q[0] for q in parts]),
        np.stack([q[1] for q in parts]),
        np.stack([q[2] for q in parts]),
        np.stack([q[3] for q in parts]),
        overall,
        lag_ids,
        lag_cuts,
        q,
        q_p,
        lr,
        lr_p,
        dof,
        f"{overall.convention}; conditioned on {m} quantile classes of the spatial lag "
        f"in the starting year ({scope}); weights: {w.convention}",
    )


def _homogeneity(counts: np.ndarray) -> tuple[float, float, float, float, int]:
    """Bickenbach–Bode Q and LR tests of m conditional count matrices (m, k, k)."""
    from scipy import stats

    pooled = counts.sum(axis=0)
    n_i = pooled.sum(axis=1, keepdims=True)
    p = np.divide(pooled, n_i, out=np.zeros_like(pooled), where=n_i > 0)
    n_li = counts.sum(axis=2, keepdims=True)
    p_l = np.divide(counts, n_li, out=np.zeros_like(counts), where=n_li > 0)
    den = np.where(p > 0, p, 1.0)
    q = float((n_li * (p_l - p) ** 2 / den).sum())
    use = (counts > 0) & (p > 0)
    ratio = np.divide(p_l, p, out=np.ones_like(p_l), where=use)
    lr = float(2.0 * (counts * np.log(np.where(use, ratio, 1.0))).sum())
    b = (n_li[..., 0] > 0).sum(axis=0)
    a = (pooled > 0).sum(axis=1)
    dof = int(((b - 1) * (a - 1)).sum())
    if dof <= 0:
        return q, np.nan, lr, np.nan, dof
    return q, float(stats.chi2.sf(q, dof)), lr, float(stats.chi2.sf(lr, dof)), dof
