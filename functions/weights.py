r"""Objective weights: the entropy weight method (熵值法 / 熵权法) and CRITIC.

Both take a block with regions (or region-years) in rows and indicators in columns,
normalise it with the indicators' directions (:func:`agglo.normalize`) and return a
frozen result that keeps every intermediate table (e, d, w; contrast, conflict) and
records the convention used.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, AggloWarning, as_option, cell_position
from .normalization import MODERATE, NEGATIVE, _check_range, _normalize_2d, _prepare

__all__ = ["EntropyResult", "CriticResult", "entropy_weights", "critic_weights", "ENTROPY_PRESETS"]

#: Named combinations of (normalize, zero, feature_range) for :func:`entropy_weights`.
ENTROPY_PRESETS: dict[str, dict[str, Any]] = {
    # textbook: min–max with direction, 0·ln 0 = 0
    "textbook": {"normalize": "minmax", "zero": "zero", "feature_range": None},
    # SPSSAU 熵值法 after 生成变量 (正向化/逆向化) with 非负平移: |min| + 0.01 on columns with
    # a value <= 0, i.e. +0.01 on every min–max column
    "spssau": {"normalize": "minmax", "zero": "spssau", "feature_range": None},
    # SPSSAU 数据区间化 (default of its 耦合协调度 module): min–max onto [0.01, 0.99]
    "spssau_interval": {"normalize": "minmax", "zero": "zero", "feature_range": (0.01, 0.99)},
    # pymcdm entropy_weights and several published papers: raw values, no normalisation
    "pymcdm": {"normalize": "none", "zero": "zero", "feature_range": None},
    # pyDecision entropy_method: raw values, a cost indicator replaced by its reciprocal 1/x
    "pydecision": {"normalize": "reciprocal", "zero": "zero", "feature_range": None},
    # Chinese modelling textbooks and R mathmodels (entropy_weight, epsilon = 0.002): '+'/'-'
    # columns min–max onto [0.002, 0.998]; moderate and interval scores, already in [0, 1],
    # keep their values and only an exact 0 or 1 is moved to 0.002 or 0.998 (no second min–max)
    "mathmodels": {
        "normalize": "minmax",
        "zero": "zero",
        "feature_range": (0.002, 0.998),
        "shaped": "nudge",
    },
}


def _wrap_vec(values: np.ndarray, labels: Any, axis: int, name: str) -> Any:
    if labels is None or labels[axis] is None:
        return values
    return pd.Series(values, index=labels[axis], name=name)


def _wrap_mat(values: np.ndarray, labels: Any, shape: tuple[int, ...]) -> Any:
    if len(shape) == 3:
        return values.reshape(shape)
    if labels is None:
        return values
    return pd.DataFrame(values, index=labels[0], columns=labels[1])


@dataclasses.dataclass(frozen=True, repr=False)
class EntropyResult(Result):
    """Result of :func:`entropy_weights`.

    Attributes
    ----------
    weights : ndarray or Series (k,)
        w_j, non-negative, summing to 1 (NaN when every indicator is constant).
    entropy : ndarray or Series (k,)
        e_j (信息熵值), in [0, 1].
    divergence : ndarray or Series (k,)
        d_j = 1 − e_j (信息效用值 / 差异系数).
    normalized : ndarray or DataFrame (n, k)
        The matrix the proportions p_ij were computed from (after normalisation and shift).
    scores : ndarray or Series (n,)
        Σ_j w_j z_ij × ``scale`` (综合得分).
    k : float
        The constant of the entropy, 1/ln(n) unless given.
    convention : str
    """

    weights: Any
    entropy: Any
    divergence: Any
    normalized: Any
    scores: Any
    k: float
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """The e / d / w table (one row per indicator), as SPSSAU and SPSSPRO show it."""
        index = self.weights.index if isinstance(self.weights, pd.Series) else None
        return pd.DataFrame(
            {
                "entropy": np.asarray(self.entropy),
                "divergence": np.asarray(self.divergence),
                "weights": np.asarray(self.weights),
            },
            index=index,
        )


def _resolve_preset(
    preset: Any, normalize: Any, zero: Any, feature_range: Any, shaped: Any
) -> tuple:
    if preset is None:
        return normalize, zero, feature_range, shaped
    key = as_option(preset, "preset", tuple(ENTROPY_PRESETS))
    if normalize != "minmax" or zero != "zero" or feature_range is not None or shaped != "rescale":
        raise AggloValueError(
            _m.text(
                f"'preset' ({key!r}) 已设定 normalize、zero、feature_range 和 shaped；请保留其默认值，或不用该预设。",
                f"'preset' ({key!r}) sets normalize, zero, feature_range and shaped; leave those at "
                "their defaults or drop the preset.",
            )
        )
    p = ENTROPY_PRESETS[key]
    return p["normalize"], p["zero"], p["feature_range"], p.get("shaped", "rescale")


def _zero_option(zero: Any) -> Any:
    if isinstance(zero, str):
        return as_option(zero, "zero", ("zero", "spssau"))
    if isinstance(zero, (int, float, np.integer, np.floating)) and not isinstance(zero, bool):
        if not (np.isfinite(zero) and zero > 0):
            raise AggloValueError(
                _m.text(
                    f"'zero' 作为平移量必须是正数，如 0.0001 或 0.01；收到 {zero!r}。",
                    f"'zero' as a shift must be a positive number such as 0.0001 or 0.01; "
                    f"received {zero!r}.",
                )
            )
        return float(zero)
    raise AggloValueError(
        _m.text(
            f"'zero' 必须是 'zero'（0·ln 0 = 0）、'spssau'（对含 <= 0 值的列加 |min| + 0.01）或正的平移量如 0.0001；收到 {zero!r}。",
            f"'zero' must be 'zero' (0·ln 0 = 0), 'spssau' (|min| + 0.01 on columns with a "
            f"value <= 0) or a positive shift such as 0.0001; received {zero!r}.",
        )
    )


def entropy_weights(
    matrix: Any,
    directions: Any = None,
    normalize: str | None = "minmax",
    zero: Any = "zero",
    *,
    preset: str | None = None,
    feature_range: Any = None,
    shaped: str = "rescale",
    best: Any = None,
    interval: Any = None,
    scale: float = 1.0,
    k: float | None = None,
) -> EntropyResult:
    r"""Entropy weights (熵值法 / 熵权法) of the indicators of a block, with the composite score.

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators), or (T, n_regions, k)
        Regions (or region-years) in rows, indicators in columns.  A long panel table (one
        row per region-year) or a 3-D array (T × regions × indicators) is pooled: one
        normalisation over all R·T rows and k = 1/ln(R·T) (面板熵值法).  No blanks allowed.
    directions : None, str or sequence, optional
        Indicator directions as in :func:`agglo.normalize` (``'+'``, ``'-'``,
        ``'moderate:x*'``, ``'interval:a:b'`` …); default all positive.
    normalize : {'minmax', 'none', 'reciprocal'}
        ``'minmax'`` (default): direction-aware min–max (optionally into ``feature_range``).
        ``'none'`` (or None): raw-value entropy, p_ij = x_ij / Σ_i x_ij, as pymcdm and several
        published papers compute it; needs non-negative data and positive directions.
        ``'reciprocal'``: raw values with each negative indicator replaced by 1/x (pyDecision
        ``entropy_method``); needs positive values in negative columns and only '+'/'-'
        directions.
    zero : {'zero', 'spssau'} or float
        How zeros are kept out of ln 0.  ``'zero'`` (default): 0·ln 0 = 0, the limit.  A
        number s: add s to every normalised value (0.0001 and 0.01 are common in Chinese
        papers).  ``'spssau'``: SPSSAU's 非负平移, add |min| + 0.01 to each column whose
        minimum is <= 0 (+0.01 on every min–max column).
    preset : {'textbook', 'spssau', 'spssau_interval', 'pymcdm', 'pydecision', 'mathmodels'}, optional
        A named combination of ``normalize``, ``zero`` and ``feature_range`` (see
        :data:`ENTROPY_PRESETS`): ``'textbook'`` = min–max and 0·ln 0 = 0 (the defaults);
        ``'spssau'`` = min–max then the 0.01 non-negative shift; ``'spssau_interval'`` =
        min–max onto [0.01, 0.99] (SPSSAU 数据区间化); ``'pymcdm'`` = raw values;
        ``'pydecision'`` = raw values with 1/x for negative indicators; ``'mathmodels'`` =
        min–max onto [0.002, 0.998] with ``shaped='nudge'`` (Chinese modelling textbooks,
        R mathmodels ``entropy_weight``).
    feature_range : (low, high), optional
        Min–max into a shifted range, e.g. (0.01, 0.99).
    shaped : {'rescale', 'nudge'}, default 'rescale'
        How moderate and interval indicators, whose scores are already in [0, 1], enter
        ``feature_range``: ``'rescale'`` maps them linearly like the other columns
        (low + (high − low)·z); ``'nudge'`` keeps every score and moves only an exact 0
        to low and an exact 1 to high, without a second min–max, as Chinese modelling
        textbooks and R mathmodels do.  Needs ``feature_range``.
    best, interval : optional
        x* of moderate and [a, b] of interval indicators (see :func:`agglo.normalize`).
    scale : float
        Multiplier of the scores (100 for the common 0–100 score).
    k : float, optional
        The entropy constant; default 1/ln(n) with n the number of rows (R·T for a pooled
        panel).  Some Stata recipes use 1/ln(T) on pooled p, which is inconsistent.

    Returns
    -------
    EntropyResult
        ``weights``, ``entropy`` (e), ``divergence`` (d), ``normalized``, ``scores``, ``k``
        and ``convention``; ``to_frame()`` gives the e/d/w table.  pandas in → Series
        labelled by the columns (weights, e, d) and by the rows (scores).

    Raises
    ------
    AggloValueError
        Fewer than 2 rows (k = 1/ln 1 is undefined), blanks, text, negative values with
        ``normalize='none'`` (unless ``zero='spssau'``), a direction other than positive
        with ``normalize='none'``, unknown options.

    Notes
    -----
    With z_ij the normalised (and shifted) values:

    .. math::

        p_{ij} = \frac{z_{ij}}{\sum_i z_{ij}},\quad e_j = -k\sum_i p_{ij}\ln p_{ij},\quad
        k = \frac{1}{\ln n},\quad d_j = 1 - e_j,\quad w_j = \frac{d_j}{\sum_j d_j},\quad
        S_i = \text{scale}\cdot\sum_j w_j z_{ij}.

    A column without variation (constant, or all zero) carries no information: e = 1,
    d = 0, weight 0 (its p is uniform).  When every column is constant the weights are
    0/0 and returned as NaN with an :class:`AggloWarning`.

    Peers differ mostly in zero handling and normalisation (methods reference B7):
    pymcdm sum-normalises the raw matrix and raises on any zero; pyDecision uses the raw
    matrix, 1/x for cost criteria and 1e-9 inside ln (``preset='pydecision'``, without
    the 1e-9 terms, which move the weights by about 1e-9); SPSSAU does no standardisation
    itself and offers the |min| + 0.01 shift; Chinese papers often add 0.0001 or 0.01 to
    min–max values (on min–max data 0·ln 0 and +0.0001 agree to about 4 d.p., +0.01
    moves the third decimal).

    References
    ----------
    .. [1] Shannon, C. E. (1948). A mathematical theory of communication. *Bell System
       Technical Journal* 27, 379–423.
    .. [2] 罗丹阳. 增强中心城市聚集效应研究——以贵州省贵阳市为例 (2018 yearbook data;
       the text names no journal or year):
       the central-city innovation indicators used in the tests.
    .. [3] 杨丽, 孙之淳 (2015). 基于熵值法的西部新型城镇化发展水平测评. 经济问题 (panel
       entropy with k = 1/ln(R·T)).

    See [shannon_1948], [central_cities], [yang_sun_2015] in docs/references.md.

    Examples
    --------
    >>> r = entropy_weights([[1, 10], [2, 30], [4, 20], [9, 40]], ["+", "-"])
    >>> r.weights.round(4).tolist()
    [0.6, 0.4]
    >>> r.entropy.round(4).tolist(), r.scores.round(4).tolist()
    ([0.5944, 0.7296], [0.4, 0.2083, 0.4917, 0.6])
    >>> r.to_frame().round(4)
       entropy  divergence  weights
    0   0.5944      0.4056      0.6
    1   0.7296      0.2704      0.4
    >>> raw = entropy_weights([[1, 10], [2, 30], [4, 20], [9, 40]], preset="pymcdm")
    >>> raw.weights.round(4).tolist()
    [0.7266, 0.2734]
    >>> entropy_weights([[1, 2]])
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 熵值法要求 'matrix' 至少 2 行（k = 1/ln n）；收到 1 行。 / 'matrix' must have at least 2 rows for the entropy method (k = 1/ln n); received 1.
    """
    normalize, zero, feature_range, shaped = _resolve_preset(
        preset, normalize, zero, feature_range, shaped
    )
    shaped = as_option(shaped, "shaped", ("rescale", "nudge"))
    norm = as_option(
        "none" if normalize is None else normalize, "normalize", ("minmax", "none", "reciprocal")
    )
    zero = _zero_option(zero)
    rng = _check_range(feature_range)
    X, d, labels, shape = _prepare(
        matrix, directions, best=best, interval=interval, allow_nan=False
    )
    n = X.shape[0]
    if n < 2:
        raise AggloValueError(
            _m.text(
                f"熵值法要求 'matrix' 至少 2 行（k = 1/ln n）；收到 {n} 行。",
                f"'matrix' must have at least 2 rows for the entropy method (k = 1/ln n); received {n}.",
            )
        )
    cols = labels[1] if labels is not None else None
    if shaped == "nudge" and (norm != "minmax" or rng is None):
        raise AggloValueError(
            _m.text(
                "'shaped'='nudge' 需要 normalize='minmax' 并给出 feature_range（如 (0.002, 0.998)）。",
                "shaped='nudge' needs normalize='minmax' and a feature_range such as (0.002, 0.998).",
            )
        )
    if norm == "minmax" and shaped == "nudge":
        Z = _normalize_2d(X, d, "minmax", None, None, 1, cols, has_nan=False)
        a, b = rng
        mid = d.kind >= MODERATE
        Z[:, ~mid] = a + (b - a) * Z[:, ~mid]
        zm = Z[:, mid]
        zm[zm == 0.0] = a
        zm[zm == 1.0] = b
        Z[:, mid] = zm
        desc = (
            f"min-max onto [{a:g}, {b:g}]; moderate/interval scores kept, exact 0 -> {a:g} "
            f"and 1 -> {b:g}"
        )
    elif norm == "minmax":
        Z = _normalize_2d(X, d, "minmax", rng, None, 1, cols, has_nan=False)
        desc = "min-max" + (f" onto [{rng[0]:g}, {rng[1]:g}]" if rng else "")
    else:
        if rng is not None:
            raise AggloValueError(
                _m.text(
                    f"'feature_range' 需要 normalize='minmax'；收到 {norm!r}。",
                    f"'feature_range' needs normalize='minmax'; received {norm!r}.",
                )
            )
        if norm == "reciprocal":
            if (d.kind > NEGATIVE).any():
                raise AggloValueError(
                    _m.text(
                        "normalize='reciprocal' 时 'directions' 只能是 '+' 或 '-'；适度和区间指标请用 normalize='minmax'。",
                        "'directions' must be '+' or '-' with normalize='reciprocal'; use "
                        "normalize='minmax' for moderate and interval indicators.",
                    )
                )
            neg = d.kind == NEGATIVE
            bad = neg & (X <= 0).any(axis=0)
            if bad.any():
                j = int(np.flatnonzero(bad)[0])
                raise AggloValueError(
                    _m.text(
                        f"'matrix' 第{j + 1}列为负向指标且含 <= 0 的值，无法取倒数（normalize='reciprocal'）。请用 normalize='minmax'。",
                        f"'matrix' column {j + 1} is negative ('-') and holds a value <= 0, which has no "
                        "reciprocal (normalize='reciprocal'). Use normalize='minmax'.",
                    )
                )
            Z = X.copy()
            Z[:, neg] = 1.0 / X[:, neg]
            desc = "raw values, 1/x for negative indicators"
        elif not d.all_positive:
            raise AggloValueError(
                _m.text(
                    "normalize='none' 时 'directions' 必须全为正向：原值熵值法不区分方向。负向指标请用 normalize='minmax' 或 'reciprocal'。",
                    "'directions' must all be positive with normalize='none': raw-value entropy "
                    "has no direction. Use normalize='minmax' or 'reciprocal' for negative "
                    "indicators.",
                )
            )
        else:
            Z = X
            desc = "raw values (no normalisation)"
    if zero == "spssau":
        cmin = Z.min(axis=0)
        shift = np.where(cmin <= 0, np.abs(cmin) + 0.01, 0.0)
        if shift.any():
            Z = Z + shift
        desc += ", SPSSAU non-negative shift |min|+0.01 where min<=0"
    elif isinstance(zero, float):
        Z = Z + zero
        desc += f", shift +{zero:g}"
    else:
        desc += ", 0*ln0 = 0"
    if norm != "minmax" and (Z < 0).any():
        i, j = np.argwhere(Z < 0)[0]
        pz, pe = cell_position("matrix", (i, j), X.shape)
        raise AggloValueError(
            _m.text(
                f"原值熵值法（normalize={norm!r}）要求 'matrix' 非负；{pz}为 {X[i, j]:g}。请用 normalize='minmax' 或 zero='spssau'。",
                f"'matrix' must be non-negative for raw-value entropy (normalize={norm!r}); found "
                f"{X[i, j]:g} at {pe}. Use normalize='minmax' or zero='spssau'.",
            )
        )
    kk = 1.0 / np.log(n) if k is None else float(k)
    # p = z / Σz; a column summing to 0 (all zero) has no variation: uniform p, e = 1
    colsum = Z.sum(axis=0)
    empty = ~(colsum > 0)
    if empty.any():
        colsum = np.where(empty, 1.0, colsum)
    # Σ_i p ln p = (Σ_i z ln z)/s − ln s with s = Σ_i z (one logarithm pass, no p matrix);
    # 0·ln 0 = 0 through log(z) := 0 where z = 0
    logZ = np.log(Z, out=np.zeros_like(Z), where=Z > 0)
    e = -kk * (np.einsum("ij,ij->j", Z, logZ) / colsum - np.log(colsum))
    if empty.any():
        e[empty] = 1.0
    if k is None:
        # a constant column has uniform p and e = 1 up to rounding (about 1e-16): make it
        # exact; a one-point distribution can round to -1e-15
        e[e > 1.0 - 1e-12] = 1.0
        np.clip(e, 0.0, 1.0, out=e)
    elif (e > 1.0 + 1e-12).any():
        warnings.warn(
            f"k = {kk:g} is larger than 1/ln(n) = {1 / np.log(n):g} for the {n} rows of "
            "'matrix', so some entropies exceed 1 and their divergences are negative (as in "
            "recipes that use 1/ln(T) on a pooled panel). The default k = 1/ln(n) avoids this.",
            AggloWarning,
            stacklevel=2,
        )
    div = 1.0 - e
    total = div.sum()
    if total != 0 and np.isfinite(total) and not (k is None and total <= 0):
        w = div / total
    else:
        warnings.warn(
            "Every indicator of 'matrix' is constant, so the entropy method has no "
            "information to weight by; the weights are NaN.",
            AggloWarning,
            stacklevel=2,
        )
        w = np.full_like(div, np.nan)
    scores = (Z @ w) * float(scale)
    convention = f"entropy weights: {desc}; k = {'1/ln(n)' if k is None else f'{kk:g}'}"
    if len(shape) == 3:
        convention += f" (pooled panel, n = R*T = {n})"
    if preset is not None:
        convention += f"; preset {as_option(preset, 'preset', tuple(ENTROPY_PRESETS))!r}"
    rows = labels if labels is not None else None
    return EntropyResult(
        weights=_wrap_vec(w, labels, 1, "weights"),
        entropy=_wrap_vec(e, labels, 1, "entropy"),
        divergence=_wrap_vec(div, labels, 1, "divergence"),
        normalized=_wrap_mat(Z, rows, shape),
        scores=(
            scores.reshape(shape[:2]) if len(shape) == 3 else _wrap_vec(scores, labels, 0, "score")
        ),
        k=float(kk),
        convention=convention,
    )


@dataclasses.dataclass(frozen=True, repr=False)
class CriticResult(Result):
    """Result of :func:`critic_weights`.

    Attributes
    ----------
    weights : ndarray or Series (k,)
        w_j = C_j / Σ C_j.
    contrast : ndarray or Series (k,)
        σ_j, the standard deviation of the normalised indicator (对比强度).
    conflict : ndarray or Series (k,)
        Σ_k (1 − r_jk) (冲突性).
    information : ndarray or Series (k,)
        C_j = σ_j × conflict_j (信息量).
    normalized : ndarray or DataFrame (n, k)
    convention : str
    """

    weights: Any
    contrast: Any
    conflict: Any
    information: Any
    normalized: Any
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator: contrast, conflict, information, weights."""
        index = self.weights.index if isinstance(self.weights, pd.Series) else None
        return pd.DataFrame(
            {
                k: np.asarray(getattr(self, k))
                for k in ("contrast", "conflict", "information", "weights")
            },
            index=index,
        )


def critic_weights(
    matrix: Any,
    directions: Any = None,
    normalize: str | None = "minmax",
    *,
    conflict: str = "1-r",
    best: Any = None,
    interval: Any = None,
    ddof: int = 1,
) -> CriticResult:
    r"""CRITIC weights (CRITIC 权重法; Diakoulaki et al. 1995): contrast (std) × conflict (1 − r).

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators), or (T, n_regions, k)
        Regions in rows, indicators in columns; no blanks.  A panel is pooled.
    directions : None, str or sequence, optional
        Indicator directions as in :func:`agglo.normalize`; default all positive.
    normalize : {'minmax', 'none'}
        ``'minmax'`` (default; Diakoulaki et al., pymcdm) or ``'none'`` (the data as given,
        as SPSSAU's CRITIC, which leaves standardisation to the user).
    conflict : {'1-r', '1-|r|'}
        Conflict measure: Σ_k (1 − r_jk) (original; pymcdm, SPSSAU) or Σ_k (1 − |r_jk|) (a
        variant that treats strong negative correlation as redundancy).
    best, interval : optional
        Parameters of moderate and interval indicators.
    ddof : int
        Degrees of freedom of σ_j (1 = sample std).  The weights do not depend on it.

    Returns
    -------
    CriticResult
        ``weights``, ``contrast``, ``conflict``, ``information``, ``normalized``,
        ``convention``.

    Raises
    ------
    AggloValueError
        Fewer than 2 rows, blanks, text, a direction other than positive with
        ``normalize='none'``, unknown options.

    Notes
    -----
    .. math::

        C_j = \sigma_j \sum_{k=1}^{m} (1 - r_{jk}),\qquad w_j = \frac{C_j}{\sum_j C_j},

    with :math:`\sigma_j` the standard deviation of the normalised indicator j and
    :math:`r_{jk}` the Pearson correlation of indicators j and k.  A constant column has
    σ = 0 and an undefined correlation; its correlations are taken as 0 and its weight is
    0.  If every column is constant the weights are NaN (with an :class:`AggloWarning`).

    References
    ----------
    .. [1] Diakoulaki, D., Mavrotas, G. and Papayannakis, L. (1995). Determining objective
       weights in multiple criteria problems: the CRITIC method. *Computers & Operations
       Research* 22(7), 763–770.

    See [diakoulaki_1995] in docs/references.md.

    Examples
    --------
    >>> r = critic_weights([[1, 10, 5], [2, 30, 3], [3, 20, 4], [4, 40, 1]], ["+", "-", "+"])
    >>> r.weights.round(4).tolist()
    [0.4986, 0.2495, 0.2519]
    >>> r.conflict.round(4).tolist()
    [3.6315, 1.8173, 1.8488]
    """
    norm = as_option("none" if normalize is None else normalize, "normalize", ("minmax", "none"))
    conflict = as_option(conflict, "conflict", ("1-r", "1-|r|"))
    X, d, labels, shape = _prepare(
        matrix, directions, best=best, interval=interval, allow_nan=False
    )
    n = X.shape[0]
    if n < 2:
        raise AggloValueError(
            _m.text(
                f"CRITIC 法要求 'matrix' 至少 2 行（需计算标准差）；收到 {n} 行。",
                f"'matrix' must have at least 2 rows for CRITIC (a standard deviation); received {n}.",
            )
        )
    cols = labels[1] if labels is not None else None
    if norm == "minmax":
        Z = _normalize_2d(X, d, "minmax", None, None, 1, cols, has_nan=False)
    else:
        if not d.all_positive:
            raise AggloValueError(
                _m.text(
                    "normalize='none' 时 'directions' 必须全为正向；负向指标请用 normalize='minmax'。",
                    "'directions' must all be positive with normalize='none'; use "
                    "normalize='minmax' to handle negative indicators.",
                )
            )
        Z = X
    sd = Z.std(axis=0, ddof=int(ddof))
    const = np.ptp(Z, axis=0) == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.corrcoef(Z, rowvar=False) if Z.shape[1] > 1 else np.ones((1, 1))
    R = np.atleast_2d(R)
    R[const, :] = 0.0
    R[:, const] = 0.0
    np.fill_diagonal(R, 1.0)
    conf = (1.0 - (np.abs(R) if conflict == "1-|r|" else R)).sum(axis=0)
    info = sd * conf
    info[const] = 0.0
    total = info.sum()
    if total > 0:
        w = info / total
    else:
        warnings.warn(
            "No indicator of 'matrix' carries information for CRITIC (all constant or all "
            "perfectly correlated); the weights are NaN.",
            AggloWarning,
            stacklevel=2,
        )
        w = np.full_like(info, np.nan)
    convention = (
        f"CRITIC: {'min-max' if norm == 'minmax' else 'data as given'}, "
        f"sigma ddof={int(ddof)}, conflict sum({conflict})"
    )
    return CriticResult(
        weights=_wrap_vec(w, labels, 1, "weights"),
        contrast=_wrap_vec(sd, labels, 1, "contrast"),
        conflict=_wrap_vec(conf, labels, 1, "conflict"),
        information=_wrap_vec(info, labels, 1, "information"),
        normalized=_wrap_mat(Z, labels, shape),
        convention=convention,
    )
