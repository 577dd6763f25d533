r"""Coupling coordination degree model (耦合协调度模型).

Two or more subsystems (子系统) of a region — for example an industrial cluster and
regional high-quality development — are each summarised by a development index
:math:`U_i \in [0, 1]` (usually an entropy-weighted composite of min–max data).  The
model combines them into

* the coupling degree :math:`C` (耦合度): how balanced the systems are;
* the comprehensive coordination index :math:`T` (综合协调指数): their weighted level;
* the coupling coordination degree :math:`D = \sqrt{C T}` (耦合协调度).

Published work disagrees on the formula of :math:`C` (the standard form, its variants with an
"adjustment coefficient", the revised model of 王淑佳 et al. 2021 and the form of Fan, Ke &
Cao 2024), on how the :math:`D` scale is cut into levels and on which end of each interval is
closed.  Every one of these choices is an explicit argument here and is recorded in the
result's ``convention``.

Systems are passed as separate equal-length arguments ``U1, U2, ...`` (lists, arrays,
Series, scalars) or as a single 2-D block whose columns are the systems (rows = regions or
region-years).  Computations are vectorised over rows; a loop runs only over the (few)
systems.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from . import _messages
from ._pandas import pd
from ._results import Result
from ._validation import (
    AggloValueError,
    as_array,
    as_option,
    as_vector,
    as_weights,
    check_same_length,
)

__all__ = [
    "CouplingResult",
    "coupling_degree",
    "coordination_index",
    "coupling_coordination",
    "rescale",
    "coordination_level",
    "coupling_stage",
    "lead_lag",
    "LEVEL_SCHEMES",
]

_METHODS = ("standard", "wang2021", "fan2024", "dropped-coefficient")

# --------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Systems:
    """The systems as a list of 1-D float arrays plus what is needed to wrap the output."""

    arrays: list[np.ndarray]
    names: tuple[str, ...]
    index: Any  # pandas Index of the first pandas input, or None
    scalar: bool  # every input was a single number


def _is_scalar(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _collect_systems(
    systems: tuple[Any, ...],
    *,
    check_range: bool = True,
    non_negative: bool = True,
    allow_above_one: bool = False,
) -> _Systems:
    """Parse ``*systems`` (separate vectors, or one 2-D block whose columns are systems)."""
    if len(systems) == 0:
        raise AggloValueError(
            _messages.text(
                "耦合度模型至少需要两个系统的得分；未收到任何得分。请分别传入 U1、U2 …，或传入以各列为系统的区域。",
                "The coupling model needs the scores of at least two systems; received none. "
                "Pass them as separate arguments (U1, U2, ...) or as one block whose columns are "
                "the systems.",
            )
        )
    index = None
    if len(systems) == 1:
        block = systems[0]
        arr = as_array(block, "systems", ndim=(0, 1, 2), non_negative=non_negative)
        if arr.ndim < 2 or arr.shape[1] < 2:
            got = (
                "a single number"
                if arr.ndim == 0
                else (
                    f"one column of {arr.shape[0]} values"
                    if arr.ndim == 2
                    else f"one list of {arr.size} values"
                )
            )
            got_zh = (
                "一个数"
                if arr.ndim == 0
                else (f"一列 {arr.shape[0]} 个值" if arr.ndim == 2 else f"一组 {arr.size} 个值")
            )
            raise AggloValueError(
                _messages.text(
                    f"耦合模型至少需要两个系统；收到{got_zh}。请把每个系统作为单独的参数"
                    "（coupling_degree(U1, U2)），或给出一个二维区域、每列一个系统（行 = 地区）。",
                    f"The coupling model needs at least two systems; received {got}. Pass "
                    "each system as its own argument (coupling_degree(U1, U2)) or one 2-D block "
                    "whose columns are the systems (rows = regions).",
                )
            )
        if isinstance(block, pd.DataFrame):
            names = tuple(str(c) for c in block.columns)
            index = block.index
        else:
            names = tuple(f"U{j + 1}" for j in range(arr.shape[1]))
        arrays = [np.ascontiguousarray(arr[:, j]) for j in range(arr.shape[1])]
        scalar = False
    else:
        arrays = []
        names_list = []
        for i, s in enumerate(systems):
            label = f"U{i + 1}"
            if isinstance(s, pd.Series) and s.name is not None:
                label = f"U{i + 1} ({s.name})"
            if isinstance(s, pd.DataFrame) and s.shape[1] == 1:
                label = f"U{i + 1} ({s.columns[0]})"
            arrays.append(as_vector(s, label, non_negative=non_negative))
            names_list.append(label)
            if index is None and isinstance(s, (pd.Series, pd.DataFrame)):
                index = s.index
        check_same_length(**dict(zip(names_list, arrays, strict=True)))
        names = tuple(
            str(s.name) if isinstance(s, pd.Series) and s.name is not None else f"U{i + 1}"
            for i, s in enumerate(systems)
        )
        scalar = all(_is_scalar(s) for s in systems)
    if check_range:
        above = [n for n, a in zip(names, arrays, strict=True) if np.nanmax(a, initial=0.0) > 1.0]
        if above and not allow_above_one:
            a = arrays[names.index(above[0])]
            i = int(np.nanargmax(a))
            shown = ", ".join(repr(n) for n in above)
            raise AggloValueError(
                _messages.text(
                    f"系统 {shown} 有大于1的值（{above[0]} 第{i + 1}行为 {a[i]:g}）；耦合协调度模型"
                    "要求[0, 1]内的发展指数。请先标准化（NORMALIZE / RESCALE，如 rescale(x, 0, 100)），"
                    "或设 allow_above_one=True。",
                    f"System(s) {shown} have values above 1 ({above[0]} row {i + 1} is {a[i]:g}); "
                    "the coupling model needs development indices in [0, 1]. Normalise first "
                    "(NORMALIZE / RESCALE, e.g. rescale(x, 0, 100)), or pass "
                    "allow_above_one=True.",
                )
            )
    return _Systems(arrays, names, index, scalar)


def _wrap(values: np.ndarray, sys_: _Systems, name: str) -> Any:
    """Float for scalar input, Series for pandas input, else the ndarray."""
    if sys_.scalar:
        return float(values[0])
    if sys_.index is not None:
        return pd.Series(values, index=sys_.index, name=name)
    return values


def _as_exponent(exponent: Any, method: str, n: int) -> float | None:
    if exponent is None:
        return 1.0 / n if method in ("standard", "dropped-coefficient") else None
    if method not in ("standard", "dropped-coefficient"):
        raise AggloValueError(
            _messages.text(
                f"'exponent' 只适用于 method='standard'（或 'dropped-coefficient'）；收到 exponent={exponent!r}、method={method!r}。请保留 exponent=None。",
                f"'exponent' applies only to method='standard' (or 'dropped-coefficient'); "
                f"received exponent={exponent!r} with method={method!r}. Leave exponent=None.",
            )
        )
    if not _is_scalar(exponent) or not np.isfinite(exponent) or exponent <= 0:
        raise AggloValueError(
            _messages.text(
                f"'exponent' 必须是正数（标准模型为 1/n；章立东、李奥 2021 取 5）；收到 {exponent!r}。",
                f"'exponent' must be a positive number (1/n for the standard model; 章立东 & "
                f"李奥 2021 use 5); received {exponent!r}.",
            )
        )
    return float(exponent)


# --------------------------------------------------------------------------------------
# C, T, D
# --------------------------------------------------------------------------------------


def _coupling(arrays: list[np.ndarray], method: str, exponent: float | None) -> np.ndarray:
    """Coupling degree of the systems (row-wise); loops run over the systems only."""
    n = len(arrays)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        total = arrays[0].copy()
        for a in arrays[1:]:
            total += a
        mean = total / n
        hi = np.maximum.reduce(arrays)
        lo = np.minimum.reduce(arrays)
        equal = (hi == lo) & (hi > 0)  # all systems equal and positive
        if method in ("standard", "dropped-coefficient"):
            # Π (U_i / mean U) = Π U_i / (mean U)^n, in [0, 1] by the AM-GM inequality.
            ratio = arrays[0] / mean
            for a in arrays[1:]:
                ratio *= a / mean
            np.clip(ratio, 0.0, 1.0, out=ratio)  # only floating-point noise is clipped
            ratio[equal] = 1.0  # AM-GM equality holds exactly
            c = ratio if exponent == 1.0 else ratio**exponent
            if method == "dropped-coefficient":
                c = c / float(n) ** (n * exponent)
        elif method == "wang2021":
            spread = np.zeros_like(total)
            for i in range(n):
                for j in range(i + 1, n):
                    spread += np.abs(arrays[i] - arrays[j])
            term1 = 1.0 - spread / (n * (n - 1) / 2.0)
            np.maximum(term1, 0.0, out=term1)  # as the R package coupling does
            prod = arrays[0] / hi
            for a in arrays[1:]:
                prod *= a / hi
            term2 = prod if n == 2 else prod ** (1.0 / (n - 1))
            c = np.sqrt(term1 * term2)
            c[equal] = 1.0
        else:  # fan2024: 1 - 2 * population standard deviation of the U_i
            var = (arrays[0] - mean) ** 2
            for a in arrays[1:]:
                var += (a - mean) ** 2
            var /= n
            c = 1.0 - 2.0 * np.sqrt(var)
            c[hi == lo] = 1.0
    return c


def _index(arrays: list[np.ndarray], w: np.ndarray) -> np.ndarray:
    t = w[0] * arrays[0]
    for wi, a in zip(w[1:], arrays[1:], strict=True):
        t += wi * a
    return t


def _weights(weights: Any, n: int) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    return as_weights(weights, "weights", n)


def coupling_degree(
    *systems: Any,
    method: str = "standard",
    exponent: float | None = None,
    allow_above_one: bool = False,
) -> Any:
    r"""Coupling degree C (耦合度) of two or more systems.

    Parameters
    ----------
    *systems : array_like
        ``U1, U2, ..., Un`` as separate equal-length arguments (numbers, lists, arrays or
        Series; one value per region), or a single 2-D block of shape ``(n_regions, n)``
        whose columns are the systems.  pandas inputs are combined by position (not
        aligned on their index); results carry the index of the first pandas argument.
        Values must be non-negative; the model expects development indices in [0, 1]
        (values above 1 are refused unless ``allow_above_one``; use :func:`rescale`).  At
        least two systems are required.
    method : {'standard', 'wang2021', 'fan2024', 'dropped-coefficient'}, optional
        Formula of C (see Notes).  ``'dropped-coefficient'`` reproduces a common error of
        published papers and exists only to replicate them.
    exponent : float, optional
        Replaces the exponent :math:`1/n` of the standard form (the "adjustment coefficient"
        调节系数 k).  Only for ``'standard'`` and ``'dropped-coefficient'``.
    allow_above_one : bool, optional
        Accept scores above 1 (default False: refused, because T and D — and C under
        ``'wang2021'`` and ``'fan2024'`` — depend on the scale; normalise first with
        :func:`agglo.normalize` or :func:`rescale`).  Only to replicate a paper that used
        raw scores.

    Returns
    -------
    float, ndarray or Series
        C per region: a float for scalar input, a Series (same index) for pandas input.
        NaN where any system is NaN; see Notes for zeros.

    Raises
    ------
    AggloValueError
        Fewer than two systems, systems of different lengths (the message names them),
        negative values, text, an unknown method, or ``exponent`` with a method that has
        no exponent.

    Notes
    -----
    Standard ("normative") form, the ratio of geometric to arithmetic mean:

    .. math::

        C = \frac{n \left(\prod_{i=1}^n U_i\right)^{1/n}}{\sum_{i=1}^n U_i}
          = \left[\frac{\prod_i U_i}{\left(\frac1n\sum_i U_i\right)^n}\right]^{k},
        \qquad k = 1/n,

    so for two systems :math:`C = 2\sqrt{U_1U_2}/(U_1+U_2)`.  C lies in [0, 1], is 1
    exactly when all systems are equal and positive, is 0 when any system is 0, and does
    not depend on the scale of the U's.  ``exponent=k`` replaces :math:`1/n`.  章立东 &
    李奥 (2021) [ceramics] couple two systems with "调节系数 t = 5"; their Tables 3 and 4
    are reproduced (to their printed rounding) only by
    :math:`C = \{U_1U_2/[(U_1+U_2)/2]^2\}^5`, i.e. ``exponent=5``
    applied to the ratio — not the 1/5 power and not the standard C to the 5th power.
    A larger k pulls C down and spreads it (k = 5 on two systems gives the standard C to
    the 10th power).  Chinese papers also use k = 2 or 3 under the same name.

    Revised model of 王淑佳 et al. (2021), ``'wang2021'``:

    .. math::

        C = \sqrt{\left[1 - \frac{\sum_{i>j} |U_i - U_j|}{\sum_{m=1}^{n-1} m}\right]
            \left[\prod_{i=1}^n \frac{U_i}{\max_j U_j}\right]^{1/(n-1)}},

    for two systems :math:`\sqrt{(1-|U_1-U_2|)\,\min/\max}`; it spreads over [0, 1] where
    the standard C crowds near 1.  The first factor is floored at 0 (only reachable with
    values above 1), as the R package *coupling* does.

    Fan, Ke & Cao (2024), ``'fan2024'``: one minus twice the population standard deviation,

    .. math::

        C = 1 - 2\sqrt{\frac{n\sum_i U_i^2 - \left(\sum_i U_i\right)^2}{n^2}}.

    ``'dropped-coefficient'`` (legacy, wrong): :math:`C = [\prod_i U_i/(\sum_i U_i)^n]^{k}`,
    the standard form without the factor n (two systems: C in [0, 0.5]).

    Zeros and missing values: a zero system gives C = 0 (standard, Wang); all systems 0 is
    0/0, so C is NaN under 'standard' and 'wang2021' (the R package *coupling* returns 0),
    and 1 under 'fan2024' (no dispersion).  A NaN in any system gives NaN for that row.
    With a single system C is not defined and an error is raised.

    Peers: R ``coupling::ccd(method = "standard" | "wang" | "fan")`` and
    ``mathmodels::coupling_degree(type = "standard" | "adjusted")`` agree with these
    formulas; SPSSAU offers the standard form only.

    References
    ----------
    .. [1] 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
    .. [2] 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正.
       自然资源学报 36(3): 793–810. doi:10.31497/zrzyxb.20210319
    .. [3] Fan, Ke & Cao (2024). 统计与决策 40: 41–46 (the form implemented by the R
       package *coupling*, ``ccd(method = "fan")``).
    .. [4] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3) (ceramic clusters, 2019 data): C with adjustment
       coefficient t = 5 on two systems.

    See [liao_1999], [wang_2021], [fan_ke_cao_2024], [ceramics] in docs/references.md.

    Examples
    --------
    >>> float(round(coupling_degree(0.2, 0.8), 4))
    0.8
    >>> float(round(coupling_degree(0.2, 0.8, method="wang2021"), 4))
    0.3162
    >>> coupling_degree([0.2, 0.9], [0.8, 0.1], exponent=5).round(4).tolist()
    [0.1074, 0.006]
    >>> coupling_degree([[0.0162, 0.2720, 0.2655]], method="fan2024").round(3).tolist()
    [0.762]
    """
    method = as_option(method, "method", _METHODS)
    sys_ = _collect_systems(systems, allow_above_one=allow_above_one)
    k = _as_exponent(exponent, method, len(sys_.arrays))
    return _wrap(_coupling(sys_.arrays, method, k), sys_, "C")


def coordination_index(*systems: Any, weights: Any = None, allow_above_one: bool = False) -> Any:
    r"""Comprehensive coordination index T (综合协调指数): the weighted mean of the systems.

    Parameters
    ----------
    *systems : array_like
        ``U1, ..., Un`` as equal-length arguments or one 2-D block whose columns are the
        systems (as in :func:`coupling_degree`).
    weights : sequence of float, optional
        One non-negative weight per system (α, β, ...).  Default equal weights 1/n.  Weights
        that do not sum to 1 are divided by their sum (as SPSSAU does), so ``(2, 1, 1)``
        means ``(0.5, 0.25, 0.25)``.
    allow_above_one : bool, optional
        Accept scores above 1 (default False: refused, because T and D — and C under
        ``'wang2021'`` and ``'fan2024'`` — depend on the scale; normalise first with
        :func:`agglo.normalize` or :func:`rescale`).  Only to replicate a paper that used
        raw scores.

    Returns
    -------
    float, ndarray or Series
        T per region (NaN where any system is NaN).

    Raises
    ------
    AggloValueError
        As :func:`coupling_degree`; also a weight count different from the number of
        systems, negative or all-zero weights.

    Notes
    -----
    .. math::

        T = \sum_{i=1}^n w_i U_i, \qquad \sum_i w_i = 1,

    so :math:`\min_i U_i \le T \le \max_i U_i`.  [ceramics] uses :math:`w = (0.5, 0.5)`.

    References
    ----------
    .. [1] 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.

    See [liao_1999] in docs/references.md.

    Examples
    --------
    >>> float(coordination_index(0.2, 0.8))
    0.5
    >>> coordination_index([0.2, 0.9], [0.8, 0.1], weights=[3, 1]).round(4).tolist()
    [0.35, 0.7]
    """
    sys_ = _collect_systems(systems, allow_above_one=allow_above_one)
    w = _weights(weights, len(sys_.arrays))
    return _wrap(_index(sys_.arrays, w), sys_, "T")


@dataclasses.dataclass(frozen=True, repr=False)
class CouplingResult(Result):
    """Result of :func:`coupling_coordination`.

    Attributes
    ----------
    C, T, D : float, ndarray or Series
        Coupling degree, comprehensive coordination index and coupling coordination degree
        per region (same type and labels as the input).
    method : str
        Formula of C: 'standard', 'wang2021', 'fan2024' or 'dropped-coefficient'.
    exponent : float or None
        Exponent k of the standard form actually used (1/n by default); None for the
        Wang and Fan forms, which have none.
    weights : ndarray
        The weights of T after normalisation to sum 1.
    systems : tuple of str
        Names of the systems (Series names or DataFrame columns, else 'U1', 'U2', ...).
    convention : str
        One-line description of the formulas used.
    """

    C: Any
    T: Any
    D: Any
    method: str
    exponent: float | None
    weights: np.ndarray
    systems: tuple[str, ...]
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """C, T and D as a DataFrame (one row per region, labels kept)."""
        if isinstance(self.C, pd.Series):
            return pd.DataFrame({"C": self.C, "T": self.T, "D": self.D})
        return pd.DataFrame(
            {"C": np.atleast_1d(self.C), "T": np.atleast_1d(self.T), "D": np.atleast_1d(self.D)}
        )


def _convention(method: str, k: float | None, n: int, w: np.ndarray) -> str:
    wtxt = ", ".join(f"{x:.4g}" for x in w)
    if method in ("standard", "dropped-coefficient"):
        ktxt = f"1/{n}" if np.isclose(k, 1.0 / n) else f"{k:g}"
        if method == "standard":
            ctext = f"standard C = [prod U / (mean U)^n]^k with k = {ktxt}"
        else:
            ctext = f"legacy C without the factor n: [prod U / (sum U)^n]^k with k = {ktxt}"
    elif method == "wang2021":
        ctext = "revised C (Wang et al. 2021)"
    else:
        ctext = "C = 1 - 2 sd(U) (Fan, Ke & Cao 2024)"
    return f"{ctext}; T = sum w U with w = ({wtxt}); D = sqrt(C T); n = {n} systems"


def coupling_coordination(
    *systems: Any,
    weights: Any = None,
    method: str = "standard",
    exponent: float | None = None,
    preset: str | None = None,
    allow_above_one: bool = False,
) -> CouplingResult:
    r"""Coupling coordination degree model (耦合协调度模型): C, T and D together.

    Parameters
    ----------
    *systems : array_like
        ``U1, ..., Un`` as equal-length arguments or one 2-D block ``(n_regions, n)``
        whose columns are the systems; values in [0, 1] (see :func:`coupling_degree`).
    weights : sequence of float, optional
        Weights of T, one per system; default equal; normalised to sum 1.
    method : {'standard', 'wang2021', 'fan2024', 'dropped-coefficient'}, optional
        Formula of C (see :func:`coupling_degree`).
    exponent : float, optional
        Exponent of the standard form (default 1/n; [ceramics] uses 5).
    preset : {'textbook', 'spssau'}, optional
        ``'textbook'`` (same as None): the systems are used as given.  ``'spssau'``:
        SPSSAU's default 数据区间化 first maps each system (column) onto [0.01, 0.99] by
        min–max over the rows, :math:`0.01 + 0.98 (x - \min)/(\max - \min)` (a constant
        system becomes 0.99, as :func:`agglo.normalize` does), then the standard C (SPSSAU
        has no other form) — so raw system columns, negative values included, may be
        passed.  ``'spssau'`` cannot be
        combined with another ``method`` or an ``exponent``.  Recorded in ``convention``.
    allow_above_one : bool, optional
        Accept scores above 1 (default False: refused, because T and D — and C under
        ``'wang2021'`` and ``'fan2024'`` — depend on the scale; normalise first with
        :func:`agglo.normalize` or :func:`rescale`).  Only to replicate a paper that used
        raw scores.

    Returns
    -------
    CouplingResult
        Frozen result with ``C``, ``T``, ``D``, ``method``, ``exponent``, ``weights``,
        ``systems`` and ``convention``; ``to_frame()`` gives the C/T/D table.

    Raises
    ------
    AggloValueError
        As :func:`coupling_degree` and :func:`coordination_index`; also an unknown
        ``preset``, or ``preset='spssau'`` with another method or an exponent.

    Notes
    -----
    .. math::

        D = \sqrt{C \cdot T}, \qquad T = \sum_i w_i U_i,

    with C from :func:`coupling_degree`.  D lies between C and T (their geometric mean).
    When every system is 0, T = 0 and D = 0 whatever C is (C is bounded), while C itself
    is NaN under the standard and Wang forms.  [ceramics] uses two systems, ``exponent=5``,
    ``weights=(0.5, 0.5)`` and scores taken from 50–100 onto [0, 1] with :func:`rescale`.

    Peers: R ``coupling::ccd`` (C and D only), SPSSAU 耦合协调度 (C, T, D and 协调等级;
    standard C only; it scales data to [0.01, 0.99] first by default: ``preset='spssau'``).

    References
    ----------
    .. [1] 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
    .. [2] 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正.
       自然资源学报 36(3): 793–810.
    .. [3] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3), Tables 3–4.

    See [liao_1999], [wang_2021], [ceramics] in docs/references.md.

    Examples
    --------
    >>> res = coupling_coordination([0.2, 0.9], [0.8, 0.1])
    >>> res.to_frame().round(4)
         C    T       D
    0  0.8  0.5  0.6325
    1  0.6  0.5  0.5477
    >>> res.convention
    'standard C = [prod U / (mean U)^n]^k with k = 1/2; T = sum w U with w = (0.5, 0.5); D = sqrt(C T); n = 2 systems'

    SPSSAU's defaults on raw system columns (each mapped onto [0.01, 0.99] first):

    >>> coupling_coordination([2, 5, 8], [40, 10, 20], preset="spssau").to_frame().round(4)
            C       T       D
    0  0.1990  0.5000  0.3154
    1  0.2773  0.2550  0.2659
    2  0.8703  0.6633  0.7598
    """
    method = as_option(method, "method", _METHODS)
    spssau = False
    if preset is not None:
        spssau = as_option(preset, "preset", ("textbook", "spssau")) == "spssau"
        if spssau and (method != "standard" or exponent is not None):
            raise AggloValueError(
                _messages.text(
                    f"'preset' ('spssau') 使用指数为 1/n 的标准耦合度 C；收到 method={method!r}、exponent={exponent!r}。请去掉预设或这些参数。",
                    "'preset' ('spssau') uses the standard C with exponent 1/n (SPSSAU has no "
                    f"other form); received method={method!r}, exponent={exponent!r}. Drop the "
                    "preset or those arguments.",
                )
            )
    # raw columns (negative values included) are mapped onto [0.01, 0.99] by the preset
    sys_ = _collect_systems(
        systems, check_range=not spssau, non_negative=not spssau, allow_above_one=allow_above_one
    )
    if spssau:
        sys_.arrays = [_spssau_interval(a) for a in sys_.arrays]
    n = len(sys_.arrays)
    k = _as_exponent(exponent, method, n)
    w = _weights(weights, n)
    c = _coupling(sys_.arrays, method, k)
    t = _index(sys_.arrays, w)
    with np.errstate(invalid="ignore"):
        d = np.sqrt(c * t)
    d[t == 0] = 0.0
    return CouplingResult(
        C=_wrap(c, sys_, "C"),
        T=_wrap(t, sys_, "T"),
        D=_wrap(d, sys_, "D"),
        method=method,
        exponent=k,
        weights=w,
        systems=sys_.names,
        convention=(
            "SPSSAU preset: each system min-max onto [0.01, 0.99] first; " if spssau else ""
        )
        + _convention(method, k, n, w),
    )


def _spssau_interval(a: np.ndarray) -> np.ndarray:
    """SPSSAU 数据区间化: min–max onto [0.01, 0.99] over the rows (constant -> 0.99)."""
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanmin(a, initial=np.inf), np.nanmax(a, initial=-np.inf)
        span = hi - lo
        z = (a - lo) / span if span > 0 else np.where(np.isnan(a), np.nan, 1.0)
    return 0.01 + 0.98 * z


# --------------------------------------------------------------------------------------
# Rescaling
# --------------------------------------------------------------------------------------


def rescale(values: Any, low: Any, high: Any, *, outside: str = "raise") -> Any:
    r"""Map scores from a fixed range [low, high] onto [0, 1] (线性变换): :math:`(v - low)/(high - low)`.

    Parameters
    ----------
    values : array_like
        A number, a 1-D list/array/Series or a 2-D block (DataFrame).
    low, high : float or sequence of float
        Bounds of the original scale, e.g. 50 and 100 for the scores of [ceramics]; for a block,
        one bound per column is also accepted.  ``high`` must exceed ``low``.
    outside : {'raise', 'clip', 'keep'}, optional
        Values below ``low`` or above ``high``: raise an error (default), clip them to
        0 or 1, or keep the linear result (which then falls outside [0, 1]).

    Returns
    -------
    float, ndarray, Series or DataFrame
        Same shape and labels as ``values``; NaN stays NaN.

    Raises
    ------
    AggloValueError
        Text, ``high <= low``, non-finite bounds, or (with ``outside='raise'``) a value
        outside [low, high].

    Notes
    -----
    .. math::

        z = \frac{v - \mathrm{low}}{\mathrm{high} - \mathrm{low}}.

    Unlike min–max normalisation the bounds are fixed, not the data's own min and max, so
    scores keep their absolute meaning (a score of 75 on 50–100 is always 0.5).  [ceramics]
    scores the cluster level and the development index on 50–100 and couples them after
    this map; its Tables 3–4 are reproduced only with it.

    References
    ----------
    .. [1] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3) (scores on [50, 100]).

    See [ceramics] in docs/references.md.

    Examples
    --------
    >>> rescale([50, 75.5, 100], 50, 100).tolist()
    [0.0, 0.51, 1.0]
    >>> rescale([40, 120], 50, 100, outside="clip").tolist()
    [0.0, 1.0]
    """
    outside = as_option(outside, "outside", ("raise", "clip", "keep"))
    scalar = _is_scalar(values)
    arr = as_array(values, "values", ndim=(0, 1, 2))
    lo = as_array(low, "low", ndim=(0, 1), allow_nan=False)
    hi = as_array(high, "high", ndim=(0, 1), allow_nan=False)
    for name, b in (("low", lo), ("high", hi)):
        if b.ndim == 1 and (arr.ndim < 1 or b.size != arr.shape[-1]):
            raise AggloValueError(
                _messages.text(
                    f"{name!r} 必须是一个数或每列一个界值（{(arr.shape[-1] if arr.ndim else 1)} 个）；收到 {b.size} 个。",
                    f"{name!r} must be one number or one bound per column "
                    f"({arr.shape[-1] if arr.ndim else 1}); received {b.size} values.",
                )
            )
    if np.any(hi <= lo):
        raise AggloValueError(
            _messages.text(
                f"'high' 必须大于 'low'；收到 low={lo.tolist()}、high={hi.tolist()}。",
                f"'high' must be greater than 'low'; received low={lo.tolist()}, high={hi.tolist()}.",
            )
        )
    with np.errstate(invalid="ignore"):
        z = (arr - lo) / (hi - lo)
        bad = (z < 0) | (z > 1)
    if bad.any():
        if outside == "raise":
            first = int(np.flatnonzero(np.broadcast_to(bad, z.shape).ravel())[0])
            v = float(np.broadcast_to(arr, z.shape).ravel()[first])
            pos = ("", "")
            if z.ndim == 1:
                pos = (f"第{first + 1}个", f"position {first + 1}")
            elif z.ndim == 2:
                pos = _messages.where("values", *divmod(first, z.shape[1]))
            where = f" at {pos[1]}" if pos[1] else ""
            raise AggloValueError(
                _messages.text(
                    f"'values' 必须在 [{lo.min():g}, {hi.max():g}] 内；{pos[0] + '为' if pos[0] else '收到'} {v:g}。请检查量纲或上下界，或设 outside='clip' / 'keep'。",
                    f"'values' must lie in [low, high] = [{lo.min():g}, {hi.max():g}]; found {v:g}"
                    f"{where}. Check the scale, or pass outside='clip' (to 0 or 1) or "
                    "outside='keep'.",
                )
            )
        if outside == "clip":
            z = np.clip(z, 0.0, 1.0)
    if scalar:
        return float(z)
    if isinstance(values, pd.DataFrame):
        return pd.DataFrame(z, index=values.index, columns=values.columns)
    if isinstance(values, pd.Series):
        return pd.Series(z, index=values.index, name=values.name)
    return z


# --------------------------------------------------------------------------------------
# Classification schemes
# --------------------------------------------------------------------------------------

#: Built-in classification schemes (read-only): inner breakpoints on [0, 1] and labels
#: in Chinese ('zh') and English ('en').
LEVEL_SCHEMES: Mapping[str, dict[str, tuple]] = MappingProxyType(
    {
        "10-level": {
            "breaks": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
            "zh": (
                "极度失调",
                "严重失调",
                "中度失调",
                "轻度失调",
                "濒临失调",
                "勉强协调",
                "初级协调",
                "中级协调",
                "良好协调",
                "优质协调",
            ),
            "en": (
                "extreme imbalance",
                "severe imbalance",
                "moderate imbalance",
                "mild imbalance",
                "on the verge of imbalance",
                "barely coordinated",
                "primary coordination",
                "intermediate coordination",
                "good coordination",
                "high-quality coordination",
            ),
        },
        "3-class": {
            "breaks": (0.4, 0.6),
            "zh": ("失调衰退类", "过渡调和类", "协调发展类"),
            "en": ("imbalanced-declining", "transitional", "coordinated development"),
        },
        "5-class": {
            "breaks": (0.25, 0.5, 0.7, 0.85),
            "zh": ("严重失调", "轻度失调", "勉强协调", "协调", "优质协调"),
            "en": (
                "severely imbalanced",
                "slightly imbalanced",
                "barely coordinated",
                "coordinated",
                "superiorly balanced",
            ),
        },
        "zhang2021-D": {
            "breaks": (0.5, 0.9),
            "zh": ("失调", "低水平协调", "高水平协调"),
            "en": ("imbalanced", "low-level coordination", "high-level coordination"),
        },
        "zhang2021-C": {
            "breaks": (0.5, 0.9, 0.99),
            "zh": ("颉颃", "低耦合", "高耦合", "完全耦合"),
            "en": ("antagonistic", "low coupling", "high coupling", "complete coupling"),
        },
        "4-stage": {
            "breaks": (0.3, 0.5, 0.8),
            "zh": ("低水平耦合", "拮抗阶段", "磨合阶段", "高水平耦合"),
            "en": (
                "low-level coupling",
                "antagonistic stage",
                "running-in stage",
                "high-level coupling",
            ),
        },
    }
)


#: Earlier names of the two classifications of 章立东 & 李奥 (2021), ``'zhang2021-C'`` and
#: ``'zhang2021-D'``, still accepted so that workbooks typed with them keep working
#: (``'paper003'`` alone: the C or the D scheme, by the function).
SCHEME_ALIASES = {"paper003-C": "zhang2021-C", "paper003-D": "zhang2021-D"}


def _classify(
    x: Any,
    arg: str,
    scheme: str,
    closed: str,
    lang: str,
    breaks: Any,
    labels: Any,
    codes: bool,
    paper_alias: str,
) -> Any:
    """Shared engine of :func:`coordination_level` and :func:`coupling_stage`."""
    closed = as_option(closed, "closed", ("right", "left"))
    lang = as_option(lang, "lang", ("zh", "en"))
    if breaks is not None:
        key = scheme.strip().lower() if isinstance(scheme, str) else scheme
        if key not in ("custom", None, _DEFAULT_SCHEME[arg]):
            raise AggloValueError(
                _messages.text(
                    f"'breaks' 自带分类；又收到 scheme={scheme!r}。请用 scheme='custom'（或不给 scheme），并同时给出 breaks 和 labels。",
                    f"'breaks' defines its own classes; received scheme={scheme!r} as well. "
                    "Pass scheme='custom' (or leave scheme out) together with breaks and labels.",
                )
            )
        b = as_vector(breaks, "breaks", allow_nan=False)
        if b.size > 1 and np.any(np.diff(b) <= 0):
            raise AggloValueError(
                _messages.text(
                    f"'breaks' 必须是严格递增的内部分界点；收到 {b.tolist()}。",
                    f"'breaks' must be strictly increasing inner breakpoints; received {b.tolist()}.",
                )
            )
        if labels is None:
            labs = tuple(str(i + 1) for i in range(b.size + 1))
        else:
            labs = tuple(str(s) for s in labels)
            if len(labs) != b.size + 1:
                raise AggloValueError(
                    _messages.text(
                        f"'labels' 必须每类一个标签，共 len(breaks) + 1 = {b.size + 1} 个；收到 {len(labs)} 个。",
                        f"'labels' must have one label per class, len(breaks) + 1 = {b.size + 1}; "
                        f"received {len(labs)}.",
                    )
                )
        domain = None
        name = "custom"
    else:
        if isinstance(scheme, str) and scheme.strip().lower() == "custom":
            raise AggloValueError(
                _messages.text(
                    "scheme='custom' 需要 'breaks'（内部分界点）和 'labels'；未收到 breaks。例如 breaks=[0.4, 0.6]，labels=['低', '中', '高']。",
                    "scheme='custom' needs 'breaks' (inner breakpoints) and 'labels'; received "
                    "no breaks. Pass e.g. breaks=[0.4, 0.6], labels=['low', 'mid', 'high'].",
                )
            )
        if labels is not None:
            raise AggloValueError(
                _messages.text(
                    "'labels' 需要 'breaks'（自定义分类）；收到了 labels 但没有 breaks。请给出 len(labels) - 1 个内部分界点。",
                    "'labels' needs 'breaks' (a custom scheme); received labels without breaks. "
                    "Pass breaks=[...] with len(labels) - 1 inner breakpoints.",
                )
            )
        name = as_option(scheme, "scheme", (*LEVEL_SCHEMES, "paper003", *SCHEME_ALIASES))
        if name == "paper003":
            name = paper_alias
        name = SCHEME_ALIASES.get(name, name)
        spec = LEVEL_SCHEMES[name]
        b = np.asarray(spec["breaks"], dtype=float)
        labs = spec[lang]
        domain = (0.0, 1.0)
    source = x
    if isinstance(x, CouplingResult):
        source = x.D if arg == "d" else x.C
    scalar = _is_scalar(source)
    arr = as_array(source, arg, ndim=(0, 1, 2))
    # Snap floating-point noise (0.1 + 0.2 -> 0.30000000000000004) before comparing
    # with the breakpoints, so that a value printed as 0.3 is classified as 0.3.
    v = np.atleast_1d(np.round(arr, 12))
    nan = np.isnan(v)
    if domain is not None:
        with np.errstate(invalid="ignore"):
            bad = (v < domain[0]) | (v > domain[1])
        if bad.any():
            first = float(arr.ravel()[np.flatnonzero(bad.ravel())[0]])
            raise AggloValueError(
                _messages.text(
                    f"分类方案 {name!r} 要求 {arg!r} 在 [0, 1] 内；发现 {first:g}。请检查输入（先标准化），或自行给出 breaks 和 labels。",
                    f"{arg!r} must lie in [0, 1] for scheme {name!r}; found {first:g}. "
                    "Check the input, or give your own breaks=... and labels=...",
                )
            )
    # right-closed (a, b]: a value equal to a break belongs to the lower class;
    # left-closed [a, b): to the upper class.
    idx = np.searchsorted(b, v, side="left" if closed == "right" else "right")
    if codes:
        out = (idx + 1).astype(float)
        out[nan] = np.nan
    else:
        table = np.array([*labs, ""], dtype=object)
        idx[nan] = len(labs)
        out = table[idx]
    if scalar or arr.ndim == 0:
        return float(out[0]) if codes else out[0]
    if isinstance(source, pd.DataFrame):
        return pd.DataFrame(out, index=source.index, columns=source.columns)
    if isinstance(source, pd.Series):
        return pd.Series(out, index=source.index, name=source.name)
    return out


_DEFAULT_SCHEME = {"d": "10-level", "c": "4-stage"}


def coordination_level(
    d: Any,
    scheme: str = "10-level",
    closed: str = "right",
    lang: str = "zh",
    *,
    breaks: Any = None,
    labels: Any = None,
    codes: bool = False,
) -> Any:
    r"""Class labels of the coupling coordination degree D (耦合协调等级).

    Parameters
    ----------
    d : float, array_like, Series, DataFrame or CouplingResult
        Values of D (a :class:`CouplingResult` is read through its ``D``).
    scheme : str, optional
        ``'10-level'`` (default, 极度失调 … 优质协调), ``'3-class'``, ``'5-class'``,
        ``'zhang2021-D'``, ``'zhang2021-C'`` (章立东 & 李奥 2021's classes of D and of
        C; earlier names ``'paper003-D'``/``'paper003-C'`` are accepted), ``'4-stage'``, or
        ``'custom'`` with ``breaks`` and ``labels``.  See :data:`LEVEL_SCHEMES` and Notes.
    closed : {'right', 'left'}, optional
        Which end of each interval is closed.  ``'right'``: (0.4, 0.5] — D = 0.5 is
        濒临失调; ``'left'``: [0.5, 0.6) — D = 0.5 is 勉强协调.  The lowest class always
        includes the bottom of the range and the highest its top (0 and 1).
    lang : {'zh', 'en'}, optional
        Chinese or English labels (built-in schemes).
    breaks : sequence of float, optional
        Inner breakpoints of a custom scheme, strictly increasing (k breaks → k + 1
        classes covering the whole real line).
    labels : sequence of str, optional
        Labels of a custom scheme (``len(breaks) + 1``); default '1', '2', ...
    codes : bool, optional
        Return the class number (1 = lowest) as float instead of the label.

    Returns
    -------
    str, ndarray of str (object), Series or DataFrame
        Same shape and labels as ``d``.  A NaN value gives the empty string ``''`` (a blank
        cell in Excel), or NaN with ``codes=True``.

    Raises
    ------
    AggloValueError
        Unknown scheme/closed/lang, a value outside [0, 1] for a built-in scheme, breaks not
        increasing, a wrong number of labels, labels without breaks.

    Notes
    -----
    With inner breakpoints :math:`b_1 < \dots < b_{k-1}` (and :math:`b_0 = -\infty`,
    :math:`b_k = +\infty`), a value :math:`x` is in class :math:`j` when

    .. math::

        b_{j-1} < x \le b_j \quad (\texttt{closed='right'}), \qquad
        b_{j-1} \le x < b_j \quad (\texttt{closed='left'}).

    Values are rounded to 12 decimals before comparison so that floating-point noise does
    not move a value across a boundary.

    * ``'10-level'`` (廖重斌 1999 lineage; table of 田深圳 et al. 2021, which closes intervals
      on the right): 0.1 steps, 极度失调 extreme imbalance, 严重失调 severe imbalance, 中度失调
      moderate imbalance, 轻度失调 mild imbalance, 濒临失调 on the verge of imbalance, 勉强协调
      barely coordinated, 初级协调 primary coordination, 中级协调 intermediate coordination,
      良好协调 good coordination, 优质协调 high-quality coordination.  Many papers close on the
      left instead ([0, 0.1), …, [0.9, 1]) — use ``closed='left'``.
    * ``'3-class'``: 失调衰退类 imbalanced-declining (< 0.4), 过渡调和类 transitional
      (0.4–0.6), 协调发展类 coordinated development (≥ 0.6), attributed to 廖重斌 (1999); the
      "<, ≥" wording corresponds to ``closed='left'``.
    * ``'5-class'`` (breaks 0.25, 0.5, 0.7, 0.85): severely imbalanced, slightly
      imbalanced, barely coordinated, coordinated, superiorly balanced (Chinese labels are
      our translation).
    * ``'zhang2021-D'``: 失调 imbalanced (< 0.5), 低水平协调 low-level coordination (0.5–0.9),
      高水平协调 high-level coordination (≥ 0.9), from the note to Figure 3 of [ceramics]
      (use ``closed='left'`` for its "≥ 0.9").  Note: the paper's text calls 佛山 (D 0.8951)
      and 泉州 (0.8786) 高水平协调, which contradicts its own 0.9 threshold; this scheme
      follows the stated threshold.
    * ``'zhang2021-C'``: 颉颃 antagonistic (< 0.5), 低耦合 low coupling (0.5–0.9), 高耦合 high
      coupling (0.9–0.99), 完全耦合 complete coupling (> 0.99), note to Figure 2 of [ceramics]
      (the paper does not say which ends are closed).
    * ``'4-stage'``: stages of C, see :func:`coupling_stage`.

    SPSSAU writes a 协调等级 column with the 10 levels (its interval closure is not
    documented).

    References
    ----------
    .. [1] 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
    .. [2] 田深圳 et al. (2021). 地理学报 76(4): 781–, Table 1.
    .. [3] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3), notes to Figures 2–3.

    See [liao_1999], [tian_2021], [ceramics] in docs/references.md.

    Examples
    --------
    >>> coordination_level([0.05, 0.5, 0.6325, float("nan")]).tolist()
    ['极度失调', '濒临失调', '初级协调', '']
    >>> coordination_level(0.5, closed="left", lang="en")
    'barely coordinated'
    >>> coordination_level([0.3872, 0.6770, 0.95], scheme="zhang2021-D", closed="left").tolist()
    ['失调', '低水平协调', '高水平协调']
    >>> coordination_level([0.1, 0.3], breaks=[0.2], labels=["low", "high"]).tolist()
    ['low', 'high']
    """
    return _classify(d, "d", scheme, closed, lang, breaks, labels, codes, "zhang2021-D")


def coupling_stage(
    c: Any,
    scheme: str = "4-stage",
    closed: str = "right",
    lang: str = "zh",
    *,
    breaks: Any = None,
    labels: Any = None,
    codes: bool = False,
) -> Any:
    r"""Stage of the coupling degree C (耦合阶段).

    Parameters
    ----------
    c : float, array_like, Series, DataFrame or CouplingResult
        Values of C (a :class:`CouplingResult` is read through its ``C``).
    scheme : str, optional
        ``'4-stage'`` (default), ``'zhang2021-C'`` (earlier name ``'paper003-C'``),
        any other name of
        :data:`LEVEL_SCHEMES`, or ``'custom'`` with ``breaks`` and ``labels``.
    closed : {'right', 'left'}, optional
        Which end of each interval is closed (see :func:`coordination_level`).
    lang : {'zh', 'en'}, optional
        Chinese or English labels.
    breaks, labels, codes
        As in :func:`coordination_level`.

    Returns
    -------
    str, ndarray of str (object), Series or DataFrame
        Same shape and labels as ``c``; NaN gives ``''``.

    Raises
    ------
    AggloValueError
        As :func:`coordination_level`.

    Notes
    -----
    Classes are cut as in :func:`coordination_level`:

    .. math::

        b_{j-1} < C \le b_j \quad (\texttt{closed='right'}), \qquad
        b_{j-1} \le C < b_j \quad (\texttt{closed='left'}).

    ``'4-stage'`` (田深圳 et al. 2021, right-closed): :math:`0 < C \le 0.3` 低水平耦合
    (low-level coupling), :math:`0.3 < C \le 0.5` 拮抗阶段 (antagonistic stage),
    :math:`0.5 < C \le 0.8` 磨合阶段 (running-in stage), :math:`0.8 < C \le 1` 高水平耦合
    (high-level coupling).  ``'zhang2021-C'``: 颉颃 (< 0.5), 低耦合 (0.5–0.9), 高耦合
    (0.9–0.99), 完全耦合 (> 0.99).  The stage thresholds were set for the standard C; the
    Wang and Fan forms spread C lower, so the same C means a different thing.

    References
    ----------
    .. [1] 田深圳 et al. (2021). 地理学报 76(4), Table 1.
    .. [2] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3), note to Figure 2.

    See [tian_2021], [ceramics] in docs/references.md.

    Examples
    --------
    >>> coupling_stage([0.2, 0.3, 0.6, 0.9]).tolist()
    ['低水平耦合', '低水平耦合', '磨合阶段', '高水平耦合']
    >>> coupling_stage([0.0654, 0.8335, 0.9443, 0.9999], scheme="zhang2021-C").tolist()
    ['颉颃', '低耦合', '高耦合', '完全耦合']
    >>> coupling_stage([0.0654, 0.9999], scheme="zhang2021-C").tolist()
    ['颉颃', '完全耦合']
    >>> coupling_stage(0.4, lang="en")
    'antagonistic stage'
    """
    return _classify(c, "c", scheme, closed, lang, breaks, labels, codes, "zhang2021-C")


# --------------------------------------------------------------------------------------
# Lead / lag
# --------------------------------------------------------------------------------------


def lead_lag(
    u1: Any,
    u2: Any,
    tolerance: float = 0.1,
    *,
    mode: str = "difference",
    names: Any = None,
    lang: str = "zh",
    style: str = "type",
) -> Any:
    r"""Which of two systems lags (滞后型 / 同步型).

    Parameters
    ----------
    u1, u2 : float or array_like
        Scores of the two systems (equal length), as passed to :func:`coupling_coordination`.
    tolerance : float, optional
        Band treated as synchronous (default 0.1; 0 = strict comparison).  Its meaning
        depends on ``mode``.
    mode : {'difference', 'ratio'}, optional
        ``'difference'``: synchronous when :math:`|U_1 - U_2| \le` tolerance.
        ``'ratio'``: synchronous when :math:`U_1/U_2 \in [1 - tol, 1 + tol]`.
    names : (str, str), optional
        Names of the two systems, e.g. ``("产业集群", "高质量发展")`` gives
        '高质量发展滞后型'; default 'U1', 'U2'.
    lang : {'zh', 'en'}, optional
        '…滞后型' / '同步型' or '… lagging' / 'synchronous'.
    style : {'type', 'sign'}, optional
        ``'sign'`` gives the marks of [ceramics] instead: '+' (U1 ahead), '-' (U1 lagging),
        '' (synchronous).

    Returns
    -------
    str, ndarray of str (object) or Series
        One label per region; NaN in either input gives ''.

    Raises
    ------
    AggloValueError
        Different lengths, text, negative tolerance, unknown options, ``names`` not two
        strings.

    Notes
    -----
    .. math::

        \text{type} =
        \begin{cases}
        U_2\text{ 滞后型} & U_1 - U_2 > \tau \\
        U_1\text{ 滞后型} & U_2 - U_1 > \tau \\
        \text{同步型} & |U_1 - U_2| \le \tau
        \end{cases}

    (difference mode; in ratio mode :math:`\tau = tol \cdot U_2`, so the band is relative
    to U2 and not symmetric in the two systems; with :math:`U_2 = 0` only :math:`U_1 = 0` is
    synchronous).  Chinese papers use both the difference 0.1 and the ratio band
    [0.9, 1.1]; neither threshold is standardised.  [ceramics] marks its Tables 3–4 with
    '+'/'-' (集群发展超前/滞后) by strict comparison (``tolerance=0, style='sign'``), and
    only on cells below 0.5.

    References
    ----------
    .. [1] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3), notes to Tables 3–4.
    .. [2] 王淑佳 et al. (2021). 自然资源学报 36(3): 793–810.

    See [ceramics], [wang_2021] in docs/references.md.

    Examples
    --------
    >>> lead_lag([0.51, 0.11, 0.50], [0.31, 0.54, 0.45]).tolist()
    ['U2滞后型', 'U1滞后型', '同步型']
    >>> lead_lag(0.51, 0.31, names=("产业集群", "高质量发展"))
    '高质量发展滞后型'
    >>> lead_lag([0.51, 0.11], [0.31, 0.54], tolerance=0, style="sign").tolist()
    ['+', '-']
    """
    mode = as_option(mode, "mode", ("difference", "ratio"))
    lang = as_option(lang, "lang", ("zh", "en"))
    style = as_option(style, "style", ("type", "sign"))
    if not _is_scalar(tolerance) or not np.isfinite(tolerance) or tolerance < 0:
        raise AggloValueError(
            _messages.text(
                f"'tolerance' 必须是非负数（如 0.1）；收到 {tolerance!r}。",
                f"'tolerance' must be a non-negative number (e.g. 0.1); received {tolerance!r}.",
            )
        )
    if names is None:
        n1, n2 = "U1", "U2"
    else:
        if isinstance(names, str) or len(names) != 2:
            raise AggloValueError(
                _messages.text(
                    f"'names' 必须是两个名称，如 ('产业集群', '高质量发展')；收到 {names!r}。",
                    f"'names' must be two names, e.g. ('产业集群', '高质量发展'); received {names!r}.",
                )
            )
        n1, n2 = (str(s) for s in names)
    a = as_vector(u1, "u1")
    b = as_vector(u2, "u2")
    check_same_length(u1=a, u2=b)
    # Rounded to 12 decimals so that floating-point noise (0.55 - 0.5 = 0.050000000000000044)
    # does not push a difference equal to the tolerance out of the synchronous band.
    diff = np.round(a - b, 12)
    band = float(tolerance) if mode == "difference" else np.round(float(tolerance) * np.abs(b), 12)
    with np.errstate(invalid="ignore"):
        ahead = diff > band  # U1 ahead, U2 lags
        behind = -diff > band  # U1 lags
    nan = np.isnan(diff)
    if style == "sign":
        table = np.array(["+", "-", "", ""], dtype=object)
    elif lang == "zh":
        table = np.array([f"{n2}滞后型", f"{n1}滞后型", "同步型", ""], dtype=object)
    else:
        table = np.array([f"{n2} lagging", f"{n1} lagging", "synchronous", ""], dtype=object)
    idx = np.full(a.shape, 2, dtype=np.intp)
    idx[ahead] = 0
    idx[behind] = 1
    idx[nan] = 3
    out = table[idx]
    if _is_scalar(u1) and _is_scalar(u2):
        return out.item()
    for src in (u1, u2):
        if isinstance(src, (pd.Series, pd.DataFrame)):
            return pd.Series(out, index=src.index, name="lead_lag")
    return out
