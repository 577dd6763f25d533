r"""Grey forecasting: the GM(1,1) model (灰色预测 GM(1,1)) with its textbook accuracy tests.

GM(1,1) fits a first-order grey differential equation to the accumulated series of a
short positive time series (4 to about 20 observations) and extrapolates it.  The
result carries the level-ratio test (级比检验), residuals and relative errors, the
posterior-error ratio C (后验差比值) and the small-error probability P (小误差概率),
with the accuracy grades of Chinese textbooks.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._results import Result
from ._validation import AggloValueError, as_positive_int, as_vector

__all__ = ["GM11Result", "gm11", "GM11_GRADES"]

#: Accuracy grades of the posterior-error test (刘思峰《灰色系统理论及其应用》): grade →
#: (largest C, smallest P).  The model's grade is the worse of the C grade and the P grade.
GM11_GRADES: dict[int, tuple[float, float, str, str]] = {
    1: (0.35, 0.95, "好", "good"),
    2: (0.50, 0.80, "合格", "qualified"),
    3: (0.65, 0.70, "勉强合格", "barely qualified"),
    4: (np.inf, 0.0, "不合格", "unqualified"),
}


@dataclasses.dataclass(frozen=True, repr=False)
class GM11Result(Result):
    """Result of :func:`gm11`.

    Attributes
    ----------
    a, b : float
        Development coefficient a and grey input b of dx⁽¹⁾/dt + a x⁽¹⁾ = b.
    fitted : ndarray (n,)
        x̂⁽⁰⁾(k), k = 1..n (x̂⁽⁰⁾(1) = x⁽⁰⁾(1)).
    forecast : ndarray (horizon,)
        x̂⁽⁰⁾(n + 1) … x̂⁽⁰⁾(n + horizon).
    residuals, relative_errors : ndarray (n,)
        x⁽⁰⁾ − x̂⁽⁰⁾ and |residual| / x⁽⁰⁾.
    mean_relative_error : float
        Mean relative error over k = 2..n.
    level_ratios : ndarray (n − 1,)
        σ(k) = x⁽⁰⁾(k − 1) / x⁽⁰⁾(k).
    ratio_bounds : tuple of float
        (e^(−2/(n+1)), e^(2/(n+1))), the admissible interval of the level ratios.
    ratio_test_passed : bool
        Whether every level ratio lies inside the interval.
    C, P : float
        Posterior-error ratio S₂/S₁ and small-error probability.
    grade : int
        1 (好) … 4 (不合格), the worse of the C and P grades.
    grade_label : str
        The grade in Chinese and English.
    convention : str
    """

    a: float
    b: float
    fitted: Any
    forecast: Any
    residuals: Any
    relative_errors: Any
    mean_relative_error: float
    level_ratios: Any
    ratio_bounds: tuple
    ratio_test_passed: bool
    C: float
    P: float
    grade: int
    grade_label: str
    convention: str


def _grade(C: float, P: float) -> int:
    gc = next(g for g, (cmax, _, _, _) in GM11_GRADES.items() if cmax >= C)
    gp = next(g for g, (_, pmin, _, _) in GM11_GRADES.items() if pmin <= P)
    return max(gc, gp)


def gm11(series: Any, horizon: int = 0) -> GM11Result:
    r"""GM(1,1) grey model 灰色预测模型: fit, forecast and accuracy tests.

    Parameters
    ----------
    series : array_like (n,)
        A positive time series x⁽⁰⁾, n ≥ 4, equally spaced, no blanks.
    horizon : int, default 0
        Number of periods to forecast after the last observation.

    Returns
    -------
    GM11Result
        ``a``, ``b``, ``fitted``, ``forecast``, ``residuals``, ``relative_errors``,
        ``mean_relative_error``, ``level_ratios``, ``ratio_bounds``,
        ``ratio_test_passed``, ``C``, ``P``, ``grade``, ``grade_label``, ``convention``.

    Raises
    ------
    AggloValueError
        Fewer than 4 values, a blank, a value ≤ 0, or a = 0 (a constant accumulated slope).

    Notes
    -----
    With the accumulated series :math:`x^{(1)}(k) = \sum_{i \le k} x^{(0)}(i)` and the
    background values :math:`z^{(1)}(k) = \tfrac12 (x^{(1)}(k) + x^{(1)}(k-1))`, a and b
    are the least-squares solution of :math:`x^{(0)}(k) = -a z^{(1)}(k) + b`, k = 2..n:

    .. math::

        \hat x^{(1)}(k+1) = \Big(x^{(0)}(1) - \frac ba\Big) e^{-ak} + \frac ba, \qquad
        \hat x^{(0)}(k+1) = \hat x^{(1)}(k+1) - \hat x^{(1)}(k).

    Level-ratio test: every :math:`\sigma(k) = x^{(0)}(k-1)/x^{(0)}(k)` must lie in
    :math:`(e^{-2/(n+1)}, e^{2/(n+1)})`.  Posterior-error test over k = 1..n (ε(1) = 0):
    :math:`C = S_2/S_1` with :math:`S_1, S_2` the population sds of :math:`x^{(0)}` and of
    the residuals ε, and :math:`P = \Pr(|\varepsilon(k) - \bar\varepsilon| < 0.6745 S_1)`.
    Grades (C ≤, P ≥): 1 好 (0.35, 0.95), 2 合格 (0.5, 0.8), 3 勉强合格 (0.65, 0.7),
    otherwise 4 不合格.  Some texts compute S₂ and P over k = 2..n only; the numbers
    then differ slightly.

    References
    ----------
    .. [1] Deng, J. L. (1982). Control problems of grey systems. *Systems & Control
       Letters*, 1(5), 288–294.
    .. [2] 刘思峰, 党耀国, 方志耕, 谢乃明 (2010). 灰色系统理论及其应用 (第5版). 北京: 科学出版社.

    See [deng_1982], [liu_2010] in docs/references.md.

    Examples
    --------
    The standard textbook example (刘思峰 et al.; 司守奎《Python数学建模算法与应用》),
    a ≈ −0.0372 and b ≈ 3.0654:

    >>> res = gm11([2.874, 3.278, 3.337, 3.390, 3.679], horizon=1)
    >>> round(res.a, 4), round(res.b, 4)
    (-0.0372, 3.0654)
    >>> res.fitted.round(4).tolist(), res.forecast.round(4).tolist()
    ([2.874, 3.232, 3.3545, 3.4817, 3.6137], [3.7507])
    >>> round(res.C, 4), res.P, res.grade_label
    (0.2125, 1.0, '1级 好 (good)')
    """
    x0 = as_vector(series, "series")
    if np.isnan(x0).any():
        i = int(np.flatnonzero(np.isnan(x0))[0])
        raise AggloValueError(
            _m.text(
                f"'series' 第 {i + 1} 个值缺失；GM(1,1) 需要等间隔的完整序列。",
                "'series' is missing "
                f"value {i + 1}; GM(1,1) needs a complete, equally spaced series.",
            )
        )
    if x0.size < 4:
        raise AggloValueError(
            _m.text(
                f"'series' 至少需要 4 个值，收到 {x0.size}。",
                f"'series' needs at least 4 values for GM(1,1); received {x0.size}.",
            )
        )
    if (x0 <= 0).any():
        i = int(np.flatnonzero(x0 <= 0)[0])
        raise AggloValueError(
            _m.text(
                f"'series' 第 {i + 1} 个值为 {x0[i]:g}，GM(1,1) 需要正数（可先整体平移）。",
                "'series' "
                f"must be positive; found {x0[i]:g} at position {i + 1} (shift the series first).",
            )
        )
    horizon = as_positive_int(horizon, "horizon", minimum=0)
    n = x0.size
    x1 = np.cumsum(x0)
    z1 = 0.5 * (x1[1:] + x1[:-1])
    B = np.column_stack([-z1, np.ones(n - 1)])
    (a, b), *_ = np.linalg.lstsq(B, x0[1:], rcond=None)
    a, b = float(a), float(b)
    if abs(a) < 1e-12:
        raise AggloValueError(
            _m.text(
                "'series' 的发展系数 a = 0，GM(1,1) 无定义。",
                "The development coefficient a of 'series' "
                "is 0; GM(1,1) is undefined for this series.",
            )
        )
    k = np.arange(n + horizon)
    x1hat = (x0[0] - b / a) * np.exp(-a * k) + b / a
    x0hat = np.concatenate(([x0[0]], np.diff(x1hat)))
    fitted, forecast = x0hat[:n], x0hat[n:]
    resid = x0 - fitted
    rel = np.abs(resid) / x0
    s1 = float(x0.std())
    s2 = float(resid.std())
    C = s2 / s1 if s1 > 0 else float("nan")
    P = float(np.mean(np.abs(resid - resid.mean()) < 0.6745 * s1))
    ratios = x0[:-1] / x0[1:]
    lo, hi = float(np.exp(-2 / (n + 1))), float(np.exp(2 / (n + 1)))
    grade = _grade(C, P) if np.isfinite(C) else 1
    _, _, zh, en = GM11_GRADES[grade]
    return GM11Result(
        a=a,
        b=b,
        fitted=fitted,
        forecast=forecast,
        residuals=resid,
        relative_errors=rel,
        mean_relative_error=float(rel[1:].mean()),
        level_ratios=ratios,
        ratio_bounds=(lo, hi),
        ratio_test_passed=bool(np.all((ratios > lo) & (ratios < hi))),
        C=C,
        P=P,
        grade=grade,
        grade_label=f"{grade}级 {zh} ({en})",
        convention="background z = (x1(k) + x1(k−1))/2; C and P over k = 1..n, population sds",
    )
