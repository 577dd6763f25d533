r"""AHP (层次分析法): weights and consistency of pairwise judgement matrices.

* :func:`ahp` — weights of one judgement matrix by the eigenvector (特征根法), sum-product
  (和积法) or geometric-mean (方根法) method, with λ_max, CI, RI, CR and the single
  judgement whose change would most improve consistency.
* :func:`ahp_matrix_from_upper` — a full reciprocal matrix from its upper triangle.
* :func:`ahp_group` — group AHP: the experts' matrices aggregated element-wise by a
  (weighted) geometric mean (AIJ).
* :func:`ahp_hierarchy` — hierarchy synthesis (层次总排序) with the total consistency ratio.
* :func:`random_weights` — the rule-based random weighting (基于规则的随机赋权法) of
  章立东 & 李奥 (2021) [ceramics]:
  mean AHP weights over many random judgement matrices that respect a stated importance order.
* :func:`random_index` and :data:`RI_TABLES` — the random-index tables in use.

The module is named after the method, the analytic hierarchy process (a module named
``ahp`` would be shadowed by the function :func:`agglo.ahp` in the package namespace).

The random-index (RI) tables of the peers disagree (Saaty 1980's classic table, the extended
table common in Chinese textbooks, Saaty 2005, Tummala & Ling, Donegan & Dodd), so the table
is an explicit argument and every result records the one used.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import (
    AggloValueError,
    _position,
    _position_zh,
    as_array,
    as_matrix,
    as_option,
    as_positive_int,
    as_rng,
    as_vector,
    as_weights,
)

__all__ = [
    "AHP_PRESETS",
    "RI_TABLES",
    "AHPHierarchyResult",
    "AHPResult",
    "RandomWeightsResult",
    "ahp",
    "ahp_group",
    "ahp_hierarchy",
    "ahp_matrix_from_upper",
    "random_index",
    "random_weights",
]

#: Random-index tables, RI(n) for n = 1, 2, 3, ... (RI(1) = RI(2) = 0).  Values as
#: tabulated by the tools named (see the project's methods notes, section B8).
RI_TABLES: dict[str, tuple[float, ...]] = {
    # Saaty (1980) classic table, n = 1..15 (pyDecision; many English texts; the odd 1.48
    # at n = 12 is in the source table).
    "saaty1980": (
        0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    ),
    # Extended table common in Chinese textbooks and tutorials, n = 1..20.
    "chinese": (
        0.0, 0.0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59,
        1.60, 1.61, 1.615, 1.62, 1.63,
    ),
    # Saaty (2005), AHPy random_index='saaty', n = 1..15.
    "saaty2005": (
        0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59,
    ),
    # Tummala & Ling (1998), pymcdm RI_M, n = 1..15.
    "tummala_ling": (
        0.0, 0.0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537, 1.4882, 1.5117,
        1.5356, 1.5571, 1.5714, 1.5831,
    ),
    # Donegan & Dodd (1991), AHPy default random_index='dd', n = 1..15 (AHPy's table goes
    # further; only n <= 15 is verified here).
    "donegan_dodd": (
        0.0, 0.0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213,
        1.4497, 1.4643, 1.4822, 1.4969,
    ),
}  # fmt: skip

_RI_DESCRIPTIONS = {
    "saaty1980": "Saaty 1980 classic table",
    "chinese": "extended table common in Chinese textbooks",
    "saaty2005": "Saaty 2005 table (AHPy 'saaty')",
    "tummala_ling": "Tummala & Ling 1998 table (pymcdm)",
    "donegan_dodd": "Donegan & Dodd 1991 table (AHPy default)",
}

_METHODS = ("eigen", "sum", "geometric")
_METHOD_DESCRIPTIONS = {
    "eigen": "principal eigenvector (特征根法)",
    "sum": "sum-product: column-normalise, row-average (和积法)",
    "geometric": "row geometric mean (方根法)",
}
_THRESHOLD = 0.1

#: Named presets of :func:`ahp`: the settings a peer uses by default.  ``'textbook'`` is
#: Saaty's principal eigenvector with his 1980 RI table (the defaults of :func:`ahp`);
#: ``'spssau'`` is SPSSAU's default 和积法 (sum-product).  SPSSAU does not document its RI
#: table, so the ``'spssau'`` preset leaves ``ri`` to the caller.
AHP_PRESETS: dict[str, dict[str, Any]] = {
    "textbook": {"method": "eigen", "ri": "saaty1980"},
    "spssau": {"method": "sum"},
}


# ----------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class AHPResult(Result):
    """Weights and consistency of one judgement matrix (returned by :func:`ahp`).

    Attributes
    ----------
    weights : ndarray or Series of shape (n,)
        Priority weights, non-negative, summing to 1 (labelled by the matrix's columns
        when a DataFrame was given).
    lambda_max : float
        Principal eigenvalue λ_max (eigen method) or its estimate
        (1/n) Σ_i (A w)_i / w_i (sum and geometric methods).
    ci : float
        Consistency index (λ_max − n)/(n − 1); 0 for n ≤ 2.
    ri : float
        Random index used.
    cr : float
        Consistency ratio CI/RI; 0 for n ≤ 2 by convention.
    consistent : bool
        ``cr < 0.1``.
    ri_table : str
        Name of the RI table (``'saaty1980'``, ...) or ``'user-given'``.
    method : str
        ``'eigen'``, ``'sum'`` or ``'geometric'``.
    n : int
        Number of criteria.
    matrix : ndarray or DataFrame of shape (n, n)
        The reciprocal matrix the weights were computed from (blanks filled, reciprocals
        made exact).
    worst_judgement : tuple of int or None
        0-based position (i, j), i < j, of the judgement a_ij whose change to
        ``suggested_value`` lowers CR the most; None when no single change helps.
    suggested_value : float
        Saaty-scale value suggested for a_ij (a_ji becomes its reciprocal); NaN if none.
    suggested_cr : float
        CR after that single change; NaN if none.
    convention : str
        Method and RI table used.
    """

    weights: Any
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    ri_table: str
    method: str
    n: int
    matrix: Any
    worst_judgement: tuple[int, int] | None
    suggested_value: float
    suggested_cr: float
    convention: str


@dataclasses.dataclass(frozen=True, repr=False)
class AHPHierarchyResult(Result):
    """Hierarchy synthesis (层次总排序), returned by :func:`ahp_hierarchy`.

    Attributes
    ----------
    weights : ndarray or Series
        Global weights: of the m shared alternatives (``children='shared'``, shape (m,)) or
        of all sub-criteria one criterion after the other (``children='separate'``,
        shape (Σ m_j,)).  They sum to 1.
    local_weights : ndarray or DataFrame
        ``'shared'``: (m, k) matrix of local weights, one column per criterion;
        ``'separate'``: the local weights one criterion after the other, shape (Σ m_j,).
    parent : ndarray of int
        ``'separate'`` only: 0-based criterion of each sub-criterion; for ``'shared'`` an
        empty array.
    criteria : AHPResult
        Result for the criteria matrix.
    children : tuple of AHPResult
        One result per criterion (its alternatives or sub-criteria).
    ci : float
        Σ_j w_j CI_j over the criteria weights w_j.
    ri : float
        Σ_j w_j RI_j.
    cr : float
        Total consistency ratio of the lower level, ci / ri (0 when ri = 0).
    consistent : bool
        ``criteria.cr < 0.1`` and ``cr < 0.1``.
    structure : str
        ``'shared'`` or ``'separate'``.
    convention : str
        Method, RI table and structure used.
    """

    weights: Any
    local_weights: Any
    parent: np.ndarray
    criteria: AHPResult
    children: tuple[AHPResult, ...]
    ci: float
    ri: float
    cr: float
    consistent: bool
    structure: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """Global weights (and, for ``'separate'``, local weights and parent) as a DataFrame."""
        w = self.weights
        index = w.index if isinstance(w, pd.Series) else None
        cols = {"weights": np.asarray(w)}
        if self.structure == "separate":
            cols["local_weights"] = np.asarray(self.local_weights)
            cols["parent"] = self.parent
        return pd.DataFrame(cols, index=index)


@dataclasses.dataclass(frozen=True, repr=False)
class RandomWeightsResult(Result):
    """Rule-based random weighting (returned by :func:`random_weights`).

    Attributes
    ----------
    weights : ndarray or Series of shape (n,)
        Mean of the drawn weight vectors (sums to 1, respects the order).
    std : ndarray or Series of shape (n,)
        Standard deviation of each weight over the draws (ddof = 1; NaN for one draw).
    lower, upper : ndarray or Series of shape (n,)
        The ``quantiles`` of each weight over the draws (5 % and 95 % by default).
    draws : ndarray of shape (n_draws, n)
        The weight vector of every drawn judgement matrix (one row per draw).
    cr : ndarray of shape (n_draws,)
        Consistency ratio of every drawn matrix (0 for ``scale='continuous'`` and n ≤ 2).
    order : ndarray of shape (n,)
        The importance ranks as given (smaller = more important).
    quantiles : tuple of float
        The quantile levels of ``lower`` and ``upper``.
    max_ratio : float
    scale : str
    method : str
    ri_table : str
    n_draws : int
    convention : str
        The generating rule, scale, weighting method and summary statistics used.
    """

    weights: Any
    std: Any
    lower: Any
    upper: Any
    draws: np.ndarray
    cr: np.ndarray
    order: np.ndarray
    quantiles: tuple[float, float]
    max_ratio: float
    scale: str
    method: str
    ri_table: str
    n_draws: int
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """Mean weight, std and quantiles per criterion as a DataFrame."""
        index = self.weights.index if isinstance(self.weights, pd.Series) else None
        lo, hi = self.quantiles
        return pd.DataFrame(
            {
                "weights": np.asarray(self.weights),
                "std": np.asarray(self.std),
                f"q{lo:g}": np.asarray(self.lower),
                f"q{hi:g}": np.asarray(self.upper),
                "order": self.order,
            },
            index=index,
        )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _parse_fraction(v: Any) -> Any:
    """Turn text such as ``'1/3'`` or ``' 5 '`` (typed into a worksheet) into a float.

    Anything else is returned unchanged, so that validation reports it as usual.
    """
    if not isinstance(v, str):
        return v
    text = v.strip()
    if not text:
        return np.nan
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            return float(num) / float(den)
        return float(text)
    except (ValueError, ZeroDivisionError):
        return v


def _convert_text(x: Any) -> Any:
    """Parse fraction text in a judgement matrix given as list, ndarray or DataFrame."""
    if isinstance(x, pd.DataFrame):
        if all(pd.api.types.is_numeric_dtype(d) for d in x.dtypes):
            return x
        return x.map(_parse_fraction)
    if isinstance(x, np.ndarray) and x.dtype.kind in "iufb":
        return x
    try:
        arr = np.asarray(x, dtype=object)
    except ValueError:  # ragged; let the validation report it
        return x
    if arr.ndim == 0:
        return x
    # conversion of worksheet text, not a hot path
    return np.vectorize(_parse_fraction, otypes=[object])(arr)


def _labels(x: Any) -> Any:
    """Criterion labels of a judgement matrix given as a DataFrame (its columns)."""
    if isinstance(x, pd.DataFrame):
        return x.columns
    return None


def _judgement_matrix(matrix: Any, name: str, *, fill_lower: bool, rtol: float) -> np.ndarray:
    """Validate a pairwise judgement matrix and return it exactly reciprocal.

    Blanks (NaN) and zeros on or below the diagonal are filled (diagonal 1, lower
    triangle 1/a_ji) when ``fill_lower``.  Each pair (a_ij, a_ji) must satisfy
    |a_ij a_ji − 1| ≤ rtol; the entry ≥ 1 of the pair is then kept and the other set
    to its exact reciprocal (so 3 and 0.33 typed in a worksheet become 3 and 1/3).
    """
    labels = (matrix.index, matrix.columns) if isinstance(matrix, pd.DataFrame) else None
    a = as_matrix(_convert_text(matrix), name, allow_nan=True)
    n, m = a.shape
    if n != m:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是方形判断矩阵（每个准则一行一列）；收到 {a.shape}。请选择 n × n 区域。",
                f"{name!r} must be a square judgement matrix (one row and one column per "
                f"criterion); received shape {a.shape}. Select an n × n range.",
            )
        )
    if fill_lower:
        blank = np.isnan(a) | (a == 0)
        diag = np.eye(n, dtype=bool)
        lower = np.tril(np.ones((n, n), dtype=bool), -1)
        a = np.where(blank & diag, 1.0, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            recip = 1.0 / a.T
        a = np.where(blank & lower, recip, a)
    nan = np.isnan(a)
    if nan.any():
        pos = tuple(int(p) for p in np.argwhere(nan)[0])
        raise AggloValueError(
            _m.text(
                f"{name!r} 判断矩阵{_position_zh(pos, name, a.shape)}缺少判断值（空白）。请填满对角线以上的判断"
                + (
                    "；对角线以下的空白会自动填倒数。"
                    if fill_lower
                    else "和对角线以下的判断（或设 fill_lower=True）。"
                ),
                f"{name!r} has a missing judgement (blank/NaN) at "
                f"{_position(pos, labels, name, a.shape)}. Fill in every judgement above the diagonal"
                + (
                    "; blanks below the diagonal are filled with reciprocals."
                    if fill_lower
                    else " and below it (or pass fill_lower=True)."
                ),
            )
        )
    bad = ~(a > 0) | np.isinf(a)
    if bad.any():
        pos = tuple(int(p) for p in np.argwhere(bad)[0])
        raise AggloValueError(
            _m.text(
                f"{name!r} 判断矩阵的元素必须为正（Saaty 标度 1/9 … 9）；{_position_zh(pos, name, a.shape)}为 {a[pos]:g}。请改为正数。",
                f"{name!r} must contain positive judgements (Saaty scale 1/9 … 9); found "
                f"{a[pos]:g} at {_position(pos, labels, name, a.shape)}. Judgements are ratios of importance "
                "and cannot be zero or negative.",
            )
        )
    off = ~np.isclose(np.diag(a), 1.0, rtol=0.0, atol=1e-9)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise AggloValueError(
            _m.text(
                f"{name!r} 判断矩阵的对角线必须为 1（准则与自身比较）；{_position_zh((i, i), name, a.shape)}为 {a[i, i]:g}。请改为 1。",
                f"{name!r} must have 1 on the diagonal (a criterion compared with itself); found "
                f"{a[i, i]:g} at {_position((i, i), labels, name, a.shape)}.",
            )
        )
    prod = a * a.T
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    nonrecip = upper & (np.abs(prod - 1.0) > rtol)
    if nonrecip.any():
        i, j = (int(p) for p in np.argwhere(nonrecip)[0])
        raise AggloValueError(
            _m.text(
                f"{name!r} 不是互反矩阵：{_position_zh((i, j), name, a.shape)}是 {a[i, j]:g}，"
                f"{_position_zh((j, i), name, a.shape)}却是 {a[j, i]:g}（应为 1/{a[i, j]:g}）。"
                "请填倒数，或让对角线以下留空自动填补。",
                f"{name!r} is not reciprocal: a[{i + 1}, {j + 1}] = {a[i, j]:g} at "
                f"{_position((i, j), labels, name, a.shape)} but a[{j + 1}, {i + 1}] = {a[j, i]:g} at "
                f"{_position((j, i), labels, name, a.shape)} (expected "
                f"1/{a[i, j]:g} = {1 / a[i, j]:.4g}). Enter a[j, i] = 1/a[i, j], or leave the "
                "entries below the diagonal blank to have them filled (counting from 1).",
            )
        )
    # Keep the entry >= 1 of each pair (the judgement as usually typed, e.g. 3) and set
    # its partner to the exact reciprocal; an equal pair (then within rtol of 1) becomes 1, 1.
    return np.where(a > a.T, a, np.where(a < a.T, 1.0 / a.T, 1.0))


def _batch_weights(a: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Weights (m, n) and λ_max (m,) of a stack of positive reciprocal matrices (m, n, n)."""
    if method == "eigen":
        # Perron root: real, simple and the largest real part of a positive matrix.
        vals, vecs = np.linalg.eig(a)
        k = np.argmax(vals.real, axis=-1)
        lam = np.take_along_axis(vals.real, k[:, None], axis=-1)[:, 0]
        w = np.abs(np.take_along_axis(vecs, k[:, None, None], axis=-1)[..., 0].real)
        w = w / w.sum(axis=-1, keepdims=True)
        return w, lam
    if method == "sum":
        w = (a / a.sum(axis=-2, keepdims=True)).mean(axis=-1)
    else:  # geometric
        w = np.exp(np.log(a).mean(axis=-1))
    w = w / w.sum(axis=-1, keepdims=True)
    lam = (np.einsum("mij,mj->mi", a, w) / w).mean(axis=-1)
    return w, lam


def _ci(lam: np.ndarray | float, n: int) -> np.ndarray:
    """CI = (λ_max − n)/(n − 1), 0 for n <= 2.

    λ_max >= n for every positive reciprocal matrix (also for the estimate
    (1/n) Σ (Aw)_i/w_i, since x + 1/x >= 2), so a negative difference is rounding
    error and is set to 0.
    """
    lam = np.asarray(lam, dtype=float)
    if n <= 2:
        return np.zeros_like(lam)
    return np.maximum(lam - n, 0.0) / (n - 1)


def _resolve_ri(ri: Any, n: int, name: str = "ri") -> tuple[float, str]:
    """Return (RI value, table name) for n criteria."""
    if isinstance(ri, numbers.Real) and not isinstance(ri, (bool, np.bool_)):
        value = float(ri)
        if not np.isfinite(value) or value <= 0:
            raise AggloValueError(
                _m.text(
                    f"{name!r} 作为数值时必须是正的平均随机一致性指标 RI；收到 {ri!r}。",
                    f"{name!r} given as a number must be a positive random index; received {ri!r}.",
                )
            )
        return (0.0 if n <= 2 else value), "user-given"
    table = as_option(ri, name, tuple(RI_TABLES))
    return random_index(n, table), table


def _to_saaty(x: np.ndarray, cap: float = 9.0) -> np.ndarray:
    """Round positive ratios onto the Saaty scale {1/9, …, 1/2, 1, 2, …, 9}.

    x >= 1 goes to the nearest whole number in [1, cap] and x < 1 to the reciprocal of
    that of 1/x, so the rounding is monotone and R(1/x) = 1/R(x).
    """
    x = np.asarray(x, dtype=float)
    big = np.maximum(x, 1.0 / x)
    r = np.clip(np.floor(big + 0.5), 1.0, cap)
    return np.where(x >= 1.0, r, 1.0 / r)


def _matrix_list(matrices: Any, name: str) -> list[Any]:
    """Split ``matrices`` into a list of judgement matrices.

    Accepted: a list/tuple of matrices (DataFrames, arrays, nested lists), a 3-D array
    (K, n, n), or a 2-D block of K square matrices stacked vertically (K·n, n).
    """
    if isinstance(matrices, (list, tuple)) and matrices:
        first = matrices[0]
        try:
            is_list = isinstance(first, pd.DataFrame) or np.ndim(first) == 2
        except ValueError:  # ragged rows inside the first element
            is_list = True
        if is_list:
            return list(matrices)
    if isinstance(matrices, pd.DataFrame):
        n_rows, n_cols = matrices.shape
        if n_cols and n_rows % n_cols == 0:
            return [matrices.iloc[k * n_cols : (k + 1) * n_cols] for k in range(n_rows // n_cols)]
        raise AggloValueError(
            _m.text(
                f"{name!r} 作为一个区域时须由方形判断矩阵纵向堆叠（行数为列数的整数倍）；收到 {matrices.shape}。",
                f"{name!r} given as one block must stack square matrices vertically (rows a "
                f"multiple of the columns); received shape {matrices.shape}.",
            )
        )
    arr = as_array(_convert_text(matrices), name, ndim=(2, 3), allow_nan=True)
    if arr.ndim == 3:
        return list(arr)
    n_rows, n_cols = arr.shape
    if n_rows % n_cols:
        raise AggloValueError(
            _m.text(
                f"{name!r} 作为一个区域时须由方形判断矩阵纵向堆叠（行数为列数的整数倍）；收到 {arr.shape}。请改为传入矩阵列表。",
                f"{name!r} given as one block must stack square matrices vertically (rows a "
                f"multiple of the columns); received shape {arr.shape}. Give a list of matrices "
                "instead.",
            )
        )
    return [arr[k * n_cols : (k + 1) * n_cols] for k in range(n_rows // n_cols)]


def _check_rtol(rtol: Any) -> float:
    if (
        isinstance(rtol, (bool, np.bool_))
        or not isinstance(rtol, numbers.Real)
        or not 0 <= rtol < 1
    ):
        raise AggloValueError(
            _m.text(
                f"'rtol' 必须是 [0, 1) 内的数（|a_ij·a_ji − 1| 的容差）；收到 {rtol!r}。",
                f"'rtol' must be a number in [0, 1) (tolerance of |a_ij·a_ji − 1|); received {rtol!r}.",
            )
        )
    return float(rtol)


def _ahp_core(a: np.ndarray, method: str, ri_value: float, ri_table: str, labels: Any) -> AHPResult:
    """AHP on a validated, exactly reciprocal matrix ``a``."""
    n = a.shape[0]
    w, lam = _batch_weights(a[None], method)
    w, lam = w[0], float(lam[0])
    if n <= 2:  # every 1×1 and 2×2 reciprocal matrix is consistent
        lam = float(n)
    ci = float(_ci(lam, n))
    cr = ci / ri_value if ri_value > 0 else 0.0
    worst: tuple[int, int] | None = None
    suggested = suggested_cr = np.nan
    if n >= 3 and cr > 0:
        # n is small: the n(n−1)/2 single changes are evaluated as one stacked batch.
        iu, ju = np.triu_indices(n, 1)
        target = _to_saaty(w[iu] / w[ju])
        idx = np.flatnonzero(~np.isclose(target, a[iu, ju], rtol=1e-9, atol=0.0))
        if idx.size:
            stack = np.repeat(a[None], idx.size, axis=0)
            r = np.arange(idx.size)
            stack[r, iu[idx], ju[idx]] = target[idx]
            stack[r, ju[idx], iu[idx]] = 1.0 / target[idx]
            _, lam_c = _batch_weights(stack, method)
            cr_c = _ci(lam_c, n) / ri_value
            best = int(np.argmin(cr_c))
            if cr_c[best] < cr - 1e-12:
                k = idx[best]
                worst = (int(iu[k]), int(ju[k]))
                suggested, suggested_cr = float(target[k]), float(cr_c[best])
    desc = _RI_DESCRIPTIONS.get(ri_table, f"RI = {ri_value:g} given by the user")
    convention = (
        f"{_METHOD_DESCRIPTIONS[method]}; CI = (λmax − n)/(n − 1), CR = CI/RI with "
        f"{desc} (RI({n}) = {ri_value:g}); consistent if CR < 0.1; CR = 0 for n <= 2"
    )
    if labels is not None:
        weights: Any = pd.Series(w, index=labels, name="weight")
        mat: Any = pd.DataFrame(a, index=labels, columns=labels)
    else:
        weights, mat = w, a
    return AHPResult(
        weights=weights,
        lambda_max=lam,
        ci=ci,
        ri=float(ri_value),
        cr=float(cr),
        consistent=bool(cr < _THRESHOLD),
        ri_table=ri_table,
        method=method,
        n=n,
        matrix=mat,
        worst_judgement=worst,
        suggested_value=suggested,
        suggested_cr=suggested_cr,
        convention=convention,
    )


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------


def random_index(n: int, ri: str = "saaty1980") -> float:
    r"""Random index RI(n) (平均随机一致性指标) of a named table.

    Parameters
    ----------
    n : int
        Number of criteria (>= 1).
    ri : {'saaty1980', 'chinese', 'saaty2005', 'tummala_ling', 'donegan_dodd'}
        The table.  Coverage: ``'chinese'`` n <= 20, all others n <= 15.

    Returns
    -------
    float
        RI(n); 0 for n = 1 and 2.

    Raises
    ------
    AggloValueError
        Unknown table, or n beyond the table (the message names the tables that cover n).

    Notes
    -----
    RI(n) is the mean consistency index of random reciprocal matrices of order n:

    .. math::

        CR = \frac{CI}{RI(n)}, \qquad CI = \frac{\lambda_{max} - n}{n - 1}.

    The tables differ by the simulation behind them:

    ============  ======  ======  ======  ==========  ================================
    table         n = 3   n = 4   n = 5   up to n     used by
    ============  ======  ======  ======  ==========  ================================
    saaty1980     0.58    0.90    1.12    15          pyDecision, many English texts
    chinese       0.52    0.89    1.12    20          Chinese textbooks and tutorials
    saaty2005     0.52    0.89    1.11    15          AHPy ``'saaty'``
    tummala_ling  0.5799  0.8921  1.1159  15          pymcdm
    donegan_dodd  0.4914  0.8286  1.0591  15          AHPy default ``'dd'``
    ============  ======  ======  ======  ==========  ================================

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Donegan, H. A., & Dodd, F. J. (1991). A note on Saaty's random indexes. *Mathematical
    and Computer Modelling*, 15(10), 135–137.
    Tummala, V. M. R., & Ling, H. (1998). A note on the computation of the mean random
    consistency index of the analytic hierarchy process (AHP). *Theory and Decision*, 44,
    221–230.

    See [saaty_1980], [donegan_dodd_1991], [tummala_ling_1998] in docs/references.md.

    Examples
    --------
    >>> random_index(3), random_index(3, "chinese"), random_index(2)
    (0.58, 0.52, 0.0)
    >>> random_index(16)
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: RI 表 'saaty1980' 只覆盖 n <= 15... / The RI table 'saaty1980' covers n <= 15; received n = 16. Tables that cover n = 16: 'chinese' (n <= 20). Pass ri='chinese', or give the random index as a number (ri=...).
    """
    n = as_positive_int(n, "n")
    table = as_option(ri, "ri", tuple(RI_TABLES))
    values = RI_TABLES[table]
    if n <= len(values):
        return float(values[n - 1])
    covering = [k for k, v in RI_TABLES.items() if len(v) >= n]
    if covering:
        names = ", ".join(f"{k!r} (n <= {len(RI_TABLES[k])})" for k in covering)
        hint = f"Pass ri={covering[0]!r}, or give the random index as a number (ri=...)."
        raise AggloValueError(
            _m.text(
                f"RI 表 {table!r} 只覆盖 n <= {len(values)}；收到 n = {n}。覆盖 n = {n} 的表：{names}。请改用这些表，或直接给出 RI 数值（ri=…）。",
                f"The RI table {table!r} covers n <= {len(values)}; received n = {n}. "
                f"Tables that cover n = {n}: {names}. {hint}",
            )
        )
    largest = max(len(v) for v in RI_TABLES.values())
    raise AggloValueError(
        _m.text(
            f"没有 RI 表覆盖 n = {n} 个准则（最大到 n = {largest}）。请直接给出随机一致性指标 ri=…，或把准则分组为层次结构（ahp_hierarchy）。",
            f"No RI table covers n = {n} criteria (the largest stops at n = {largest}). Give the "
            "random index as a number (ri=...), or split the criteria into groups under a "
            "hierarchy (ahp_hierarchy).",
        )
    )


def ahp_matrix_from_upper(upper: Any, *, rtol: float = 0.05) -> Any:
    r"""Complete a judgement matrix (判断矩阵) given by its upper triangle.

    Blanks (NaN/None) or zeros on the diagonal become 1 and those below the diagonal become
    the reciprocals of the entries above it, as in the judgement-matrix grids of AHP
    software (SPSSAU fills the lower triangle automatically).

    Parameters
    ----------
    upper : array_like or DataFrame of shape (n, n)
        Judgements a_ij (i < j) on the Saaty scale; text such as ``'1/3'`` is accepted.
        Entries below the diagonal may be blank, zero, or already filled in.
    rtol : float, default 0.05
        Tolerance of |a_ij·a_ji − 1| for entries filled in on both sides.

    Returns
    -------
    ndarray or DataFrame of shape (n, n)
        The exactly reciprocal matrix (a DataFrame with the same labels if one was given).

    Raises
    ------
    AggloValueError
        Not square, a blank above the diagonal, zero/negative judgements, or filled pairs
        that are not reciprocal (the position is named).

    Notes
    -----
    .. math::

        a_{ii} = 1, \qquad a_{ji} = 1 / a_{ij} \quad (i < j).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    See [saaty_1980] in docs/references.md.

    Examples
    --------
    >>> ahp_matrix_from_upper([[1, 3, 5], [None, 1, 3], [None, None, 1]]).round(4).tolist()
    [[1.0, 3.0, 5.0], [0.3333, 1.0, 3.0], [0.2, 0.3333, 1.0]]
    """
    rtol = _check_rtol(rtol)
    a = _judgement_matrix(upper, "upper", fill_lower=True, rtol=rtol)
    if isinstance(upper, pd.DataFrame):
        return pd.DataFrame(a, index=upper.index, columns=upper.columns)
    return a


def ahp(
    matrix: Any,
    method: str = "eigen",
    ri: str | float = "saaty1980",
    *,
    fill_lower: bool = True,
    rtol: float = 0.05,
    preset: str | None = None,
) -> AHPResult:
    r"""AHP weights and consistency ratio of a pairwise judgement matrix (层次分析法).

    Parameters
    ----------
    matrix : array_like or DataFrame of shape (n, n)
        Judgement matrix on the Saaty 1–9 scale: a_ij = importance of criterion i relative
        to criterion j, a_ii = 1, a_ji = 1/a_ij.  Text such as ``'1/3'`` is read as a
        fraction.  With ``fill_lower`` only the upper triangle is needed.
    method : {'eigen', 'sum', 'geometric'}, default 'eigen'
        ``'eigen'``: principal eigenvector (Saaty; pymcdm, AHPy, pyDecision ``'me'``).
        ``'sum'``: 和积法, column-normalise then average the rows (SPSSAU's default,
        pyDecision's default ``'m'``).  ``'geometric'``: 方根法, normalised row geometric
        means (SPSSAU's alternative, pyDecision ``'g'``).
    ri : str or float, default 'saaty1980'
        Random-index table: ``'saaty1980'`` (classic, n <= 15), ``'chinese'`` (table common
        in Chinese textbooks, n <= 20), ``'saaty2005'`` (AHPy ``'saaty'``, n <= 15),
        ``'tummala_ling'`` (pymcdm, n <= 15), ``'donegan_dodd'`` (AHPy's default, n <= 15);
        or the random index itself as a positive number.  See :func:`random_index`.
    fill_lower : bool, default True
        Fill blanks/zeros on the diagonal (with 1) and below it (with 1/a_ji).  A full
        matrix is unaffected.
    rtol : float, default 0.05
        Tolerance of |a_ij·a_ji − 1|, so that 0.33 typed for 1/3 is accepted; of each pair
        the entry >= 1 is kept and the other replaced by its exact reciprocal.
    preset : {'textbook', 'spssau'}, optional
        Named settings (see :data:`AHP_PRESETS`): ``'textbook'`` = eigenvector with the
        Saaty 1980 RI table (the defaults); ``'spssau'`` = 和积法 (``method='sum'``), SPSSAU's
        default.  SPSSAU's RI table is not documented, so with ``'spssau'`` the table is
        still chosen by ``ri``.  A preset cannot be combined with a non-default ``method``
        (nor, for ``'textbook'``, ``ri``).  The preset is recorded in ``convention``.

    Returns
    -------
    AHPResult
        ``weights``, ``lambda_max``, ``ci``, ``ri``, ``cr``, ``consistent`` (CR < 0.1),
        ``ri_table``, ``method``, ``n``, ``matrix``, ``worst_judgement``,
        ``suggested_value``, ``suggested_cr``, ``convention``.  ``weights`` is a Series
        labelled by the columns when ``matrix`` is a DataFrame.

    Raises
    ------
    AggloValueError
        Not square; a blank above the diagonal; zero, negative or infinite judgements;
        diagonal not 1; a_ji not the reciprocal of a_ij (the position is named); unknown
        ``method``, ``ri`` or ``preset``; a preset combined with settings it fixes; n
        beyond the RI table (the tables that cover n are named).

    Notes
    -----
    Weights by method, with :math:`\lambda_{max}` for the approximate methods estimated as
    the mean of :math:`(Aw)_i / w_i`:

    .. math::

        \text{eigen: } A w = \lambda_{max} w, \qquad
        \text{sum: } w_i = \frac{1}{n} \sum_j \frac{a_{ij}}{\sum_k a_{kj}}, \qquad
        \text{geometric: } w_i \propto \Big(\prod_j a_{ij}\Big)^{1/n},

    .. math::

        CI = \frac{\lambda_{max} - n}{n - 1}, \qquad CR = \frac{CI}{RI(n)},
        \qquad \text{consistent if } CR < 0.1.

    For n = 1 and 2 every reciprocal matrix is consistent: CI = RI = CR = 0 by
    convention.  A perfectly consistent matrix (a_ij = v_i/v_j) gives CR = 0 and weights
    v/Σv with every method.

    *Improving consistency.*  For each judgement a_ij above the diagonal the value implied
    by the weights, w_i/w_j rounded to the Saaty scale {1/9, …, 1/2, 1, 2, …, 9}, is tried
    as a single change (a_ji set to its reciprocal) and the CR recomputed with the same
    method and RI; ``worst_judgement`` is the change that lowers CR the most, with
    ``suggested_value`` and ``suggested_cr``.  None when no such change lowers CR.

    Peers differ in the default method (eigen in pymcdm/AHPy, sum-product in SPSSAU and
    pyDecision) and above all in the RI table: for the 3 × 3 example below CR is 0.0332
    (Saaty 1980, Tummala & Ling), 0.0370 (Chinese table, Saaty 2005 = AHPy ``'saaty'``)
    or 0.0392 (Donegan & Dodd = AHPy's default).  AHPy rounds weights to 4 decimals.
    SPSSAU's 和积法 is ``method='sum'`` (``preset='spssau'``); which RI table SPSSAU uses is
    not documented.

    References
    ----------
    Saaty, T. L. (1977). A scaling method for priorities in hierarchical structures.
    *Journal of Mathematical Psychology*, 15(3), 234–281.
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Crawford, G., & Williams, C. (1985). A note on the analysis of subjective judgment
    matrices. *Journal of Mathematical Psychology*, 29(4), 387–405.
    章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
    江西社会科学, 2021(3) (AHP combines the indicators into the development index).

    See [saaty_1977], [saaty_1980], [crawford_williams_1985], [ceramics] in

    docs/references.md.

    Examples
    --------
    >>> res = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> res.weights.round(4).tolist(), round(res.lambda_max, 5), round(res.cr, 4)
    ([0.637, 0.2583, 0.1047], 3.03851, 0.0332)
    >>> round(ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]], ri="saaty2005").cr, 4)
    0.037
    >>> ahp([[1, 3, 5], [None, 1, 3], [None, None, 1]], method="sum").weights.round(4).tolist()
    [0.6333, 0.2605, 0.1062]
    >>> ahp([[1, 3, 5], [None, 1, 3], [None, None, 1]], preset="spssau").method
    'sum'

    A judgement entered the wrong way round (a_14 = 1/4 instead of 4) is located:

    >>> res = ahp([[1, 2, 2, 1/4], [None, 1, 1, 2], [None, None, 1, 2], [None, None, None, 1]])
    >>> res.consistent, res.worst_judgement, res.suggested_value, round(res.suggested_cr, 4)
    (False, (0, 3), 1.0, 0.0923)
    >>> ahp([[1, 3], [0.5, 1]])
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'matrix' 不是互反矩阵：... / 'matrix' is not reciprocal: a[1, 2] = 3 at row 1, column 2 but a[2, 1] = 0.5 at row 2, column 1 (expected 1/3 = 0.3333). Enter a[j, i] = 1/a[i, j], or leave the entries below the diagonal blank to have them filled (counting from 1).
    """
    key = None
    if preset is not None:
        key = as_option(preset, "preset", tuple(AHP_PRESETS))
        fixed = AHP_PRESETS[key]
        if method != "eigen" or ("ri" in fixed and ri != "saaty1980"):
            raise AggloValueError(
                _m.text(
                    f"'preset' ({key!r}) 已设定 {', '.join((f'{k}={v!r}' for k, v in fixed.items()))}；请保留这些参数的默认值，或不用该预设。",
                    f"'preset' ({key!r}) sets {', '.join(f'{k}={v!r}' for k, v in fixed.items())}; "
                    f"leave {' and '.join(fixed)} at the default{'s' if len(fixed) > 1 else ''} "
                    "or drop the preset.",
                )
            )
        method, ri = fixed["method"], fixed.get("ri", ri)
    method = as_option(method, "method", _METHODS)
    rtol = _check_rtol(rtol)
    a = _judgement_matrix(matrix, "matrix", fill_lower=bool(fill_lower), rtol=rtol)
    ri_value, ri_table = _resolve_ri(ri, a.shape[0])
    res = _ahp_core(a, method, ri_value, ri_table, _labels(matrix))
    if key is not None:
        res = dataclasses.replace(res, convention=f"{res.convention}; preset {key!r}")
    return res


def ahp_group(
    matrices: Any,
    weights: Any = None,
    method: str = "eigen",
    ri: str | float = "saaty1980",
    *,
    fill_lower: bool = True,
    rtol: float = 0.05,
) -> AHPResult:
    r"""Group AHP (群组层次分析法): the experts' judgement matrices by geometric mean (AIJ).

    Parameters
    ----------
    matrices : sequence of array_like, array of shape (K, n, n), or block of shape (K·n, n)
        The K experts' judgement matrices (as for :func:`ahp`); a single worksheet block
        holding the K square matrices stacked vertically is accepted.
    weights : array_like of shape (K,), optional
        Expert weights (non-negative, not all zero; normalised to sum 1).  Equal by default.
    method, ri, fill_lower, rtol
        As in :func:`ahp`, applied to the aggregated matrix (and to validate each one).

    Returns
    -------
    AHPResult
        The result of :func:`ahp` on the aggregated matrix (``matrix``), with the
        aggregation recorded in ``convention``.

    Raises
    ------
    AggloValueError
        Invalid matrices (the expert's number is named), matrices of different sizes, a
        wrong number of expert weights.

    Notes
    -----
    The aggregated matrix is the element-wise weighted geometric mean, which is again
    reciprocal (and the only such aggregation that is, Aczél & Saaty 1983):

    .. math::

        \bar a_{ij} = \prod_{k=1}^{K} a_{ij}^{(k)\,e_k}, \qquad \sum_k e_k = 1.

    Aggregating individual priorities (AIP: a weighted mean of each expert's weights) is
    the other common approach; it is not what this function does.  The BPMSG Excel
    template uses AIJ as here.

    References
    ----------
    Aczél, J., & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements.
    *Journal of Mathematical Psychology*, 27(1), 93–102.
    Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and priorities
    with the analytic hierarchy process. *European Journal of Operational Research*,
    108(1), 165–169.

    See [aczel_saaty_1983], [forman_peniwati_1998] in docs/references.md.

    Examples
    --------
    >>> a1 = [[1, 2], [1/2, 1]]
    >>> a2 = [[1, 8], [1/8, 1]]
    >>> res = ahp_group([a1, a2])
    >>> res.matrix.round(4).tolist(), res.weights.round(4).tolist()
    ([[1.0, 4.0], [0.25, 1.0]], [0.8, 0.2])
    >>> round(float(ahp_group([a1, a2], weights=[3, 1]).matrix[0, 1]), 4)
    2.8284
    """
    blocks = _matrix_list(matrices, "matrices")
    method = as_option(method, "method", _METHODS)
    rtol = _check_rtol(rtol)
    mats = [
        _judgement_matrix(m, f"matrices[{k}]", fill_lower=bool(fill_lower), rtol=rtol)
        for k, m in enumerate(blocks)  # K experts: validation per matrix, not a hot path
    ]
    sizes = {m.shape[0] for m in mats}
    if len(sizes) > 1:
        raise AggloValueError(
            _m.text(
                f"'matrices' 的判断矩阵大小必须相同（每个准则一行一列）；收到 {[m.shape[0] for m in mats]}。",
                f"'matrices' must all have the same size (one row/column per criterion); received "
                f"sizes {[m.shape[0] for m in mats]}.",
            )
        )
    k = len(mats)
    if weights is None:
        e = np.full(k, 1.0 / k)
    else:
        given = as_vector(weights, "weights", allow_nan=False)
        if given.size != k:
            raise AggloValueError(
                _m.text(
                    f"'weights' 须为每个专家判断矩阵各给一个权重（{k} 个）；收到 {given.size} 个。",
                    f"'weights' must have one weight per expert matrix ({k}); received {given.size}.",
                )
            )
        e = as_weights(given, "weights", k)
    stack = np.stack(mats)
    agg = np.exp(np.einsum("k,kij->ij", e, np.log(stack)))
    # the weighted geometric mean of reciprocal matrices is reciprocal; make it exact
    agg = np.where(agg >= agg.T, agg, 1.0 / agg.T)
    np.fill_diagonal(agg, 1.0)
    ri_value, ri_table = _resolve_ri(ri, agg.shape[0])
    res = _ahp_core(agg, method, ri_value, ri_table, _labels(blocks[0]))
    how = "equal" if weights is None else "weighted"
    return dataclasses.replace(
        res,
        convention=f"group AHP (AIJ): {how} element-wise geometric mean of {k} experts' "
        f"matrices; " + res.convention,
    )


def ahp_hierarchy(
    criteria_matrix: Any,
    alternative_matrices: Any,
    method: str = "eigen",
    ri: str | float = "saaty1980",
    *,
    children: str = "shared",
    fill_lower: bool = True,
    rtol: float = 0.05,
) -> AHPHierarchyResult:
    r"""Hierarchy synthesis (层次总排序): global weights and total consistency ratio.

    Parameters
    ----------
    criteria_matrix : array_like or DataFrame of shape (k, k)
        Judgement matrix of the k criteria (goal level).
    alternative_matrices : sequence of k matrices, array (k, m, m) or block (k·m, m)
        One judgement matrix per criterion, in the criteria's order: the m alternatives
        compared under that criterion (``children='shared'``), or that criterion's own
        sub-criteria (``children='separate'``; sizes may differ, give a list).
    method, ri, fill_lower, rtol
        As in :func:`ahp`, for every matrix.
    children : {'shared', 'separate'}, default 'shared'
        ``'shared'``: every criterion ranks the same m alternatives (classic three-level
        AHP); the global weight of an alternative sums over the criteria.
        ``'separate'``: each criterion has its own sub-criteria (an indicator tree such as
        the indicators → dimensions → index of [ceramics]); the global weight of a sub-criterion
        is its criterion's weight times its local weight.

    Returns
    -------
    AHPHierarchyResult
        ``weights`` (global), ``local_weights``, ``parent``, ``criteria``, ``children``,
        ``ci``, ``ri``, ``cr`` (total), ``consistent``, ``structure``, ``convention``.

    Raises
    ------
    AggloValueError
        Not one matrix per criterion, alternatives matrices of different sizes under
        ``'shared'``, or any invalid matrix (named by its position).

    Notes
    -----
    With criteria weights :math:`w_j` and local weights :math:`u_{ij}` of item i under
    criterion j:

    .. math::

        g_i = \sum_j w_j u_{ij} \ (\text{shared}), \qquad
        g_{(j,i)} = w_j u_{ij} \ (\text{separate}), \qquad
        CR_{total} = \frac{\sum_j w_j CI_j}{\sum_j w_j RI_j}.

    CR_total is the consistency of the lower level's total ranking (0 when every
    lower matrix has n <= 2).  ``consistent`` requires both the criteria CR and CR_total
    below 0.1.  Chinese AHP software (yaahp and similar) reports the same total CR.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
    江西社会科学, 2021(3) (lower-level indicators combined into higher-level indices).

    See [saaty_1980], [ceramics] in docs/references.md.

    Examples
    --------
    >>> crit = [[1, 3], [1/3, 1]]
    >>> alts = [[[1, 2], [1/2, 1]], [[1, 1/4], [4, 1]]]
    >>> res = ahp_hierarchy(crit, alts)
    >>> res.weights.round(4).tolist(), res.cr
    ([0.55, 0.45], 0.0)
    >>> ahp_hierarchy(crit, alts, children="separate").weights.round(4).tolist()
    [0.5, 0.25, 0.05, 0.2]
    """
    structure = as_option(children, "children", ("shared", "separate"))
    method = as_option(method, "method", _METHODS)
    rtol = _check_rtol(rtol)
    # Validate under this function's own argument name before the criteria AHP runs.
    _judgement_matrix(criteria_matrix, "criteria_matrix", fill_lower=bool(fill_lower), rtol=rtol)
    crit = ahp(criteria_matrix, method, ri, fill_lower=fill_lower, rtol=rtol)
    blocks = _matrix_list(alternative_matrices, "alternative_matrices")
    if len(blocks) != crit.n:
        raise AggloValueError(
            _m.text(
                f"'alternative_matrices' 须为每个准则给一个判断矩阵（{crit.n} 个）；收到 {len(blocks)} 个。",
                f"'alternative_matrices' must hold one judgement matrix per criterion ({crit.n}); "
                f"received {len(blocks)}.",
            )
        )
    results = []
    for j, m in enumerate(blocks):  # one small matrix per criterion, not a hot path
        a = _judgement_matrix(
            m, f"alternative_matrices[{j}]", fill_lower=bool(fill_lower), rtol=rtol
        )
        ri_value, ri_table = _resolve_ri(ri, a.shape[0], "ri")
        results.append(_ahp_core(a, method, ri_value, ri_table, _labels(m)))
    wc = np.asarray(crit.weights, dtype=float)
    ci_j = np.array([r.ci for r in results])
    ri_j = np.array([r.ri for r in results])
    ci_tot = float(wc @ ci_j)
    ri_tot = float(wc @ ri_j)
    cr_tot = ci_tot / ri_tot if ri_tot > 0 else 0.0
    crit_labels = _labels(criteria_matrix)
    if structure == "shared":
        sizes = [r.n for r in results]
        if len(set(sizes)) > 1:
            raise AggloValueError(
                _m.text(
                    f"children='shared' 时 'alternative_matrices' 须比较相同的备选方案；收到大小 {sizes}。准则有各自子准则时请用 children='separate'。",
                    "'alternative_matrices' must all compare the same alternatives under "
                    f"children='shared'; received sizes {sizes}. Use children='separate' for "
                    "criteria with their own sub-criteria.",
                )
            )
        local = np.column_stack([np.asarray(r.weights, dtype=float) for r in results])
        glob = local @ wc
        alt_labels = _labels(blocks[0])
        parent = np.array([], dtype=int)
        if alt_labels is not None or crit_labels is not None:
            local_out: Any = pd.DataFrame(local, index=alt_labels, columns=crit_labels)
            weights: Any = pd.Series(glob, index=alt_labels, name="weight")
        else:
            local_out, weights = local, glob
    else:
        local = np.concatenate([np.asarray(r.weights, dtype=float) for r in results])
        parent = np.repeat(np.arange(crit.n), [r.n for r in results])
        glob = local * wc[parent]
        labs = [_labels(m) for m in blocks]
        if all(lab is not None for lab in labs):
            index = pd.Index([x for lab in labs for x in lab])
            weights = pd.Series(glob, index=index, name="weight")
            local_out = pd.Series(local, index=index, name="local_weight")
        else:
            weights, local_out = glob, local
    convention = (
        f"hierarchy synthesis ({structure} lower level): global = criteria weight × local "
        f"weight; CR_total = Σ w_j CI_j / Σ w_j RI_j; {crit.convention}"
    )
    return AHPHierarchyResult(
        weights=weights,
        local_weights=local_out,
        parent=parent,
        criteria=crit,
        children=tuple(results),
        ci=ci_tot,
        ri=ri_tot,
        cr=float(cr_tot),
        consistent=bool(crit.cr < _THRESHOLD and cr_tot < _THRESHOLD),
        structure=structure,
        convention=convention,
    )


def random_weights(
    order: Any,
    n_draws: int = 10000,
    *,
    max_ratio: float = 9.0,
    scale: str = "saaty",
    method: str = "eigen",
    ri: str | float = "saaty1980",
    quantiles: Sequence[float] = (0.05, 0.95),
    rng: Any = None,
) -> RandomWeightsResult:
    r"""Rule-based random weighting (基于规则的随机赋权法) from an importance order.

    Draws many random judgement matrices that respect a stated importance order and are
    transitive, complete and bounded, computes each one's AHP weights, and reports their
    mean and spread.

    Parameters
    ----------
    order : array_like or Series of shape (n,)
        Importance rank of each criterion: smaller = more important (1 = most important);
        equal ranks = equally important.  Only the order of the numbers matters, so a row
        of ranks from a worksheet works (e.g. ``[2, 3, 4, 1]`` for 经济基本盘 first,
        then 动力升级, 生态和谐, 社会进步).  A Series gives labelled results.
    n_draws : int, default 10000
        Number of random judgement matrices.
    max_ratio : float, default 9
        Bound on every ratio of importance (有界性): no judgement exceeds it, so the most
        important criterion is at most ``max_ratio`` times as important as the least.
        9 is the top of Saaty's scale; a smaller bound (e.g. 5) keeps the judgements more
        neutral.  With ``scale='saaty'`` it must lie in [2, 9].
    scale : {'saaty', 'continuous'}, default 'saaty'
        ``'saaty'``: judgements are whole Saaty-scale values (2 … 9 and reciprocals; 1
        for ties) as an expert would enter them, so the matrices are slightly
        inconsistent.  ``'continuous'``: exact ratios, perfectly consistent matrices.
    method : {'eigen', 'sum', 'geometric'}, default 'eigen'
        AHP weighting method applied to every matrix (see :func:`ahp`).
    ri : str or float, default 'saaty1980'
        RI table for the per-draw consistency ratios ``cr`` (see :func:`random_index`).
    quantiles : pair of float, default (0.05, 0.95)
        Quantile levels reported as ``lower`` and ``upper``.
    rng : None, int or numpy.random.Generator
        Source of randomness; pass a seed for reproducible results.  Global random state
        is never used.

    Returns
    -------
    RandomWeightsResult
        ``weights`` (mean), ``std``, ``lower``, ``upper``, ``draws`` (n_draws × n),
        ``cr`` (per draw), ``order``, ``quantiles``, ``max_ratio``, ``scale``, ``method``,
        ``ri_table``, ``n_draws``, ``convention``.

    Raises
    ------
    AggloValueError
        ``order`` empty or with blanks; ``max_ratio`` out of range; bad ``quantiles``,
        ``n_draws``, ``method``, ``scale`` or ``rng``; n beyond the RI table.

    Notes
    -----
    章立东 & 李奥 (2021, footnote 2) state the rules but not the sampling scheme; this function
    implements them as follows.  Let the distinct ranks form L importance levels.  Each
    draw takes L independent uniforms on :math:`[0, \ln R]` (R = ``max_ratio``), sorts
    them so that the most important level gets the largest, and gives every criterion the
    value :math:`v_i = e^{u_{\ell(i)}}` of its level.  The judgement matrix is

    .. math::

        a_{ij} = \begin{cases}
          v_i / v_j & \text{continuous} \\
          \min\{\lfloor R \rfloor, \max\{2, [v_i / v_j]\}\} & \text{saaty, } i
            \text{ ranked above } j \\
          1 & i, j \text{ tied} \\
          1 / a_{ji} & i \text{ ranked below } j
        \end{cases}

    with :math:`[\cdot]` rounding to the nearest whole number.  Such a matrix is
    *complete* (every pair judged), *transitive* (it is built from one ordering of the
    criteria, so if i ≻ j and j ≻ k then i ≻ k, and no judgement contradicts the order)
    and *bounded* (every ratio ≤ R: "A much more important than B and B much more
    important than C" is impossible when their product would exceed R).  Row i of the
    matrix dominates row j element-wise whenever i is ranked above j, so the eigenvector,
    sum-product and geometric weights all respect the order in **every** draw (w_i > w_j,
    and w_i = w_j for ties).  The result is the mean weight vector with its standard
    deviation (ddof = 1) and quantiles over the draws.

    Draws are generated and weighted as one batch (an n_draws × n × n stack passed to
    :func:`numpy.linalg.eig`).

    References
    ----------
    章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
    江西社会科学, 2021(3), footnote 2 (基于规则的随机赋权法: transitivity, completeness, boundedness).
    张涛 (2020). 高质量发展的理论阐释及测度方法研究. 数量经济技术经济研究, 2020(5).
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    See [ceramics], [zhang_2020], [saaty_1980] in docs/references.md.

    Examples
    --------
    >>> res = random_weights([2, 3, 4, 1], n_draws=2000, rng=0)
    >>> res.draws.shape, bool(((res.draws[:, 3] > res.draws[:, 0]) & (res.draws[:, 0] > res.draws[:, 1])).all())
    ((2000, 4), True)
    >>> [round(float(w), 2) for w in res.weights]
    [0.27, 0.17, 0.1, 0.46]
    """
    labels = order.index if isinstance(order, pd.Series) else None
    ranks = as_vector(order, "order", allow_nan=False)
    n = ranks.size
    n_draws = as_positive_int(n_draws, "n_draws")
    scale = as_option(scale, "scale", ("saaty", "continuous"))
    method = as_option(method, "method", _METHODS)
    if (
        isinstance(max_ratio, (bool, np.bool_))
        or not isinstance(max_ratio, numbers.Real)
        or not np.isfinite(max_ratio)
        or max_ratio <= 1
    ):
        raise AggloValueError(
            _m.text(
                f"'max_ratio' 必须是大于 1 的数（允许的最大重要性之比）；收到 {max_ratio!r}。",
                f"'max_ratio' must be a number > 1 (the largest allowed ratio of importance); "
                f"received {max_ratio!r}.",
            )
        )
    max_ratio = float(max_ratio)
    if scale == "saaty" and not 2 <= max_ratio <= 9:
        raise AggloValueError(
            _m.text(
                f"scale='saaty' 时 'max_ratio' 必须在 [2, 9] 内；收到 {max_ratio:g}。其他范围请用 scale='continuous'。",
                f"'max_ratio' must lie in [2, 9] with scale='saaty' (a strict judgement is at "
                f"least 2 and the scale ends at 9); received {max_ratio:g}. Use "
                "scale='continuous' for other bounds.",
            )
        )
    q = as_vector(quantiles, "quantiles", allow_nan=False)
    if q.size != 2 or not (0 <= q[0] <= q[1] <= 1):
        raise AggloValueError(
            _m.text(
                f"'quantiles' 必须是两个分位点 0 <= low <= high <= 1；收到 {q.tolist()}。",
                f"'quantiles' must be two levels 0 <= low <= high <= 1; received {q.tolist()}.",
            )
        )
    ri_value, ri_table = _resolve_ri(ri, n)
    gen = as_rng(rng)

    levels, level_of = np.unique(ranks, return_inverse=True)  # level 0 = most important
    n_levels = levels.size
    logu = np.sort(gen.uniform(0.0, np.log(max_ratio), size=(n_draws, n_levels)), axis=1)
    logv = logu[:, ::-1][:, level_of]  # (n_draws, n): most important level largest
    ratio = np.exp(logv[:, :, None] - logv[:, None, :])  # (n_draws, n, n)
    above = level_of[:, None] < level_of[None, :]  # i ranked strictly above j
    if scale == "continuous":
        a = ratio  # tied criteria share a level, so their ratio is exactly 1
    else:
        val = np.clip(np.floor(ratio + 0.5), 2.0, np.floor(max_ratio))
        a = np.where(above, val, np.where(above.T, 1.0 / np.swapaxes(val, 1, 2), 1.0))
    draws, lam = _batch_weights(a, method)
    ci = _ci(lam, n)
    cr = ci / ri_value if ri_value > 0 else np.zeros(n_draws)

    mean = draws.mean(axis=0)
    std = draws.std(axis=0, ddof=1) if n_draws > 1 else np.full(n, np.nan)
    lo, hi = np.quantile(draws, q, axis=0)

    def wrap(x: np.ndarray, name: str) -> Any:
        return pd.Series(x, index=labels, name=name) if labels is not None else x

    rule = (
        "exact ratios v_i/v_j (consistent matrices)"
        if scale == "continuous"
        else "ratios rounded to the Saaty scale, at least 2 for a strict preference"
    )
    convention = (
        f"rule-based random weighting: {n_draws} judgement matrices respecting the order "
        f"({n_levels} levels); level log-values uniform on [0, ln {max_ratio:g}] (every ratio "
        f"<= {max_ratio:g}); {rule}; {_METHOD_DESCRIPTIONS[method]} weights per draw; mean, "
        f"std (ddof=1) and {q[0]:g}/{q[1]:g} quantiles over the draws"
    )
    return RandomWeightsResult(
        weights=wrap(mean, "weight"),
        std=wrap(std, "std"),
        lower=wrap(lo, f"q{q[0]:g}"),
        upper=wrap(hi, f"q{q[1]:g}"),
        draws=draws,
        cr=cr,
        order=ranks,
        quantiles=(float(q[0]), float(q[1])),
        max_ratio=max_ratio,
        scale=scale,
        method=method,
        ri_table=ri_table,
        n_draws=n_draws,
        convention=convention,
    )
