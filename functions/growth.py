r"""Growth and structure: 增长率, 年均增长率 (水平法 / 累计法), 首位度, 比重, 利润率.

All functions work element-wise where that makes sense: a scalar gives a float, a
list or array gives an array, a Series or DataFrame gives the same pandas type with
the same labels.  Arguments broadcast as in NumPy (a scalar against a column, a
1-D array against the columns of a block).  When two pandas arguments are given,
their labels must agree along the axes broadcasting pairs — rows and columns of two
blocks, a Series with the block's columns — they are compared, never silently
realigned; a Series labelled by the block's rows raises (pass it as one column).

A zero or negative *base* (previous value, start value, revenue, explicit total)
raises :class:`~agglo.AggloValueError`: a rate from such a base is undefined.  A
missing value (NaN or a blank cell) gives NaN in the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize

from . import _messages as _m
from ._pandas import pd
from ._validation import (
    AggloValueError,
    _position,
    _position_zh,
    align_labels,
    as_array,
    as_option,
    labels_of,
    wrap_like,
)
from .location import _check_totals_axis

__all__ = [
    "growth_rate",
    "cagr",
    "cagr_cumulative",
    "primacy_index",
    "share",
    "profit_margin",
]


# ---------------------------------------------------------------------------
# private helpers
# ---------------------------------------------------------------------------


def _check_base(arr: np.ndarray, name: str, x: Any, what: str, *, allow_zero: bool = False) -> None:
    """Raise when a base value is zero/negative (or negative only, with ``allow_zero``).

    A specialised message (rather than ``as_array(positive=True)``) so that the user
    learns *why* the value is refused; NaN cells are left to become NaN results.
    """
    with np.errstate(invalid="ignore"):
        bad = arr < 0 if allow_zero else arr <= 0
    if bad.any():
        pos = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), arr.shape)
        where = f" at {_position(pos, labels_of(x), name, arr.shape)}" if arr.ndim else ""
        word = "non-negative (>= 0)" if allow_zero else "positive (> 0)"
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须{('非负（>= 0）' if allow_zero else '为正（> 0）')}；{(_position_zh(pos, name, arr.shape) + '为') if arr.ndim else '收到'} {arr[pos]:g}。请检查该值的符号、单位或年份。",
                f"{name!r} must be {word}: {what}; found {arr[pos]:g}{where}. "
                "Check the sign, the unit or the year of that value.",
            )
        )


def _operands(**named: tuple[Any, dict[str, Any]]) -> tuple[dict[str, np.ndarray], Any]:
    """Convert element-wise arguments, check that they broadcast and that pandas labels agree.

    ``named`` maps an argument name to ``(value, as_array keyword arguments)``.
    Returns the float arrays and the pandas argument whose shape is the result's
    shape (the template for :func:`wrap_like`), or None.
    """
    arrays = {
        name: as_array(value, name, ndim=(0, 1, 2), **opts) for name, (value, opts) in named.items()
    }
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        desc = ", ".join(f"{k!r} has shape {a.shape}" for k, a in arrays.items())
        desc_zh = "，".join(
            f"{k!r} 为 {' × '.join(map(str, a.shape)) or '单个数'}" for k, a in arrays.items()
        )
        raise AggloValueError(
            _m.text(
                f"各参数的形状必须一致（或为单个数）；{desc_zh}。请选择大小相同的区域。",
                f"The arguments must have matching shapes (or be single numbers); {desc}. "
                "Select ranges of equal size.",
            )
        ) from None
    pandas_args = [
        (name, value)
        for name, (value, _) in named.items()
        if isinstance(value, (pd.Series, pd.DataFrame))
    ]
    for (n1, v1), (n2, v2) in zip(pandas_args, pandas_args[1:], strict=False):
        _check_pair_labels(n1, v1, n2, v2)
    template = next((v for _, v in pandas_args if tuple(v.shape) == shape), None)
    return arrays, template


def _check_pair_labels(n1: str, v1: Any, n2: str, v2: Any) -> None:
    """Labels of two pandas arguments must agree along the axes that broadcasting pairs.

    As in NumPy (and pandas arithmetic), a 1-D argument is paired with the *columns* of a
    block, so a Series is compared with a DataFrame's columns.  A Series labelled like the
    block's rows instead would be applied along the wrong axis and raises.
    """
    if isinstance(v1, pd.DataFrame) and isinstance(v2, pd.Series):
        n1, v1, n2, v2 = n2, v2, n1, v1
    if isinstance(v1, pd.Series) and isinstance(v2, pd.DataFrame):
        # v1 is the Series, v2 the block
        if v1.index.equals(v2.index) and not v1.index.equals(v2.columns):
            raise AggloValueError(
                _m.text(
                    f"{n1!r} 以 {n2!r} 的行作标签，但一维区域会沿区域的列应用。请把它作为一列传入（{n1}.to_frame()），或使用区域的列标签。",
                    f"{n1!r} is labelled by the rows of {n2!r}, but a 1-D range is applied along "
                    f"the columns of a block. Pass it as one column ({n1}.to_frame()) to apply "
                    "it to each row, or give it the block's column labels.",
                )
            )
        checks = [(v2.columns, v1.index, f"{n1}.reindex({n2}.columns)", "column labels")]
    else:
        checks = [(v1.index, v2.index, f"{n2}.reindex({n1}.index)", "row labels")]
        if isinstance(v1, pd.DataFrame) and isinstance(v2, pd.DataFrame):
            checks.append(
                (v1.columns, v2.columns, f"{n2}.reindex(columns={n1}.columns)", "column labels")
            )
    for a, b, hint, word in checks:
        if len(a) == len(b) and not a.equals(b):
            raise AggloValueError(
                _m.text(
                    f"{n1!r} 与 {n2!r} 的标签不同（首个差异：{_first_difference(a, b)}）。请按相同顺序排列，或传入无标签的数组。",
                    f"{n1!r} and {n2!r} have different {word} (first difference: "
                    f"{_first_difference(a, b)}). Put them in the same order, e.g. {hint}, "
                    "or pass plain arrays.",
                )
            )


def _first_difference(a: pd.Index, b: pd.Index) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"position {i}: {x!r} vs {y!r}"
    return "the labels differ"


def _finish(result: np.ndarray, template: Any, *, percent: bool = False) -> Any:
    """Scale to percent, return a float for 0-d results and pandas for a pandas template."""
    if percent:
        result = result * 100.0
    if result.ndim == 0:
        return float(result)
    return wrap_like(result, template)


# ---------------------------------------------------------------------------
# growth
# ---------------------------------------------------------------------------


def growth_rate(current: Any, previous: Any, *, percent: bool = False) -> Any:
    r"""Period growth rate (增长率 / 增长速度) of ``current`` over ``previous``.

    Parameters
    ----------
    current : scalar, array_like, Series or DataFrame
        Values of the reporting period, any shape that broadcasts with ``previous``
        (e.g. a column of regions, or a regions × industries block).  May be zero or
        negative (a loss-making sector).
    previous : scalar, array_like, Series or DataFrame
        Values of the base period (the same quantity one period earlier).  Must be
        positive.
    percent : bool, default False
        Return percentages (×100, as printed in yearbooks) instead of fractions.

    Returns
    -------
    float, ndarray, Series or DataFrame
        :math:`g`, with the shape and labels of the inputs (a float for two numbers).
        NaN where either value is missing.

    Raises
    ------
    AggloValueError
        If ``previous`` has a zero or negative value, if the shapes do not match, if
        a value is text, or if two pandas arguments carry different row labels.

    Notes
    -----
    .. math::

        g = \frac{X_t}{X_{t-1}} - 1, \qquad
        \text{发展速度 (上年 = 100)} = 100\,\frac{X_t}{X_{t-1}} = 100\,(1 + g).

    Convention: a fraction by default (``percent=True`` gives %).  Growth from a
    zero or negative base is undefined and raises instead of returning ±inf.
    Peers: EconGeo's ``growth_mat``/``growth_reg`` return percent changes rounded to
    2 d.p. and turn NaN into 0; here nothing is rounded and a missing value stays
    missing.  Deflate nominal values with a price index before computing real growth.

    References
    ----------
    .. [1] National Bureau of Statistics of China, statistical indicator explanations:
       发展速度与增长速度 (增长速度 = 发展速度 − 1).
    .. [2] Balland, P.-A. EconGeo: Computing Key Indicators of the Spatial Distribution
       of Economic Activities, R package 2.1 (``growth_mat``).

    See [nbs_indicators], [econgeo] in docs/references.md.

    Examples
    --------
    >>> growth_rate(150, 120)
    0.25
    >>> growth_rate([110, 90], [100, 100], percent=True).round(6).tolist()
    [10.0, -10.0]
    >>> growth_rate(5, 0)
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'previous' 必须为正（> 0）... / 'previous' must be positive (> 0): ...
    """
    arrays, template = _operands(current=(current, {}), previous=(previous, {}))
    _check_base(
        arrays["previous"],
        "previous",
        previous,
        "growth from a zero or negative base is undefined",
    )
    return _finish(arrays["current"] / arrays["previous"] - 1.0, template, percent=percent)


def cagr(start: Any, end: Any, periods: Any, *, percent: bool = False) -> Any:
    r"""Compound annual growth rate, 年均增长率 by the 水平法 (geometric-mean method).

    Parameters
    ----------
    start : scalar, array_like, Series or DataFrame
        Level in the base year :math:`X_0` (e.g. a column of regions).  Must be positive.
    end : scalar, array_like, Series or DataFrame
        Level in the final year :math:`X_T`, broadcasting with ``start``.  Must be
        non-negative (a fall to zero gives −1).
    periods : scalar or array_like
        Number of *intervals* :math:`T` between the two levels: 2015 → 2024 is 9
        periods, not 10.  Positive; need not be whole (e.g. 2.5 years).
    percent : bool, default False
        Return percentages instead of fractions.

    Returns
    -------
    float, ndarray, Series or DataFrame
        :math:`r`, shaped and labelled like the inputs; NaN where a value is missing.

    Raises
    ------
    AggloValueError
        If ``start`` is zero or negative, ``end`` negative, ``periods`` not positive,
        the shapes do not match, or a value is text.

    Notes
    -----
    .. math::

        r = \left(\frac{X_T}{X_0}\right)^{1/T} - 1

    Convention: :math:`T` counts intervals (years − 1).  The 水平法 depends only on
    the two end points; for cumulative quantities (investment) the NBS uses the
    累计法, see :func:`cagr_cumulative`.  Peer pitfall: REAT's
    ``growth(100, 150, growth.type = "rate", time.periods = 5)`` divides by the number
    of periods twice and returns −0.14; the compound rate is 0.0845 (the simple average
    0.10).  A zero or negative start is undefined and raises.

    References
    ----------
    .. [1] National Bureau of Statistics of China, statistical indicator explanations:
       平均发展速度 (水平法 / 几何平均法), 平均增长速度 = 平均发展速度 − 1.
    .. [2] Wieland, T. REAT: Regional Economic Analysis Toolbox, R package 3.0.3 (2021),
       ``growth()`` (the pitfall above).

    See [nbs_indicators], [reat] in docs/references.md.

    Examples
    --------
    >>> float(round(cagr(100, 150, 5), 6))
    0.084472
    >>> import pandas as pd
    >>> start = pd.Series([100.0, 200.0], index=["甲", "乙"])
    >>> cagr(start, pd.Series([121.0, 200.0], index=["甲", "乙"]), 2).round(6)
    甲    0.1
    乙    0.0
    dtype: float64
    """
    arrays, template = _operands(
        start=(start, {}),
        end=(end, {}),
        periods=(periods, {"allow_nan": False}),
    )
    _check_base(
        arrays["start"], "start", start, "the growth rate from a zero or negative base is undefined"
    )
    _check_base(
        arrays["end"],
        "end",
        end,
        "a compound rate to a negative level is undefined",
        allow_zero=True,
    )
    _check_base(
        arrays["periods"], "periods", periods, "it counts the intervals between the two years"
    )
    ratio = arrays["end"] / arrays["start"]
    return _finish(ratio ** (1.0 / arrays["periods"]) - 1.0, template, percent=percent)


def _cumulative_root(s: np.ndarray, n_periods: int) -> np.ndarray:
    """Solve :math:`\\sum_{t=1}^{T} q^t = s` for :math:`q \\ge 0`, element-wise.

    :math:`g(q) = \\sum q^t` is increasing and convex on :math:`q \\ge 0` with
    :math:`g(0) = 0`, so the root is unique for every :math:`s \\ge 0`, and Newton's
    method started to the right of the root converges monotonically.  The start
    :math:`q_0 = \\max(1, s^{1/T})` is to the right: for :math:`q \\ge 1`,
    :math:`g(q) \\ge q^T`, and :math:`g(1) = T \\ge s` when :math:`s < 1`.
    ``scipy.optimize.newton`` runs the iteration on the whole array at once; a single
    series uses ``scipy.optimize.brentq`` on the bracket :math:`[0, q_0]`.
    """
    t = np.arange(1, n_periods + 1, dtype=float)

    def g(q: np.ndarray) -> np.ndarray:
        return (q[..., None] ** t).sum(axis=-1) - s

    def dg(q: np.ndarray) -> np.ndarray:
        return (t * q[..., None] ** (t - 1)).sum(axis=-1)

    q0 = np.maximum(1.0, s ** (1.0 / n_periods))
    if s.size == 1:
        # One series: bracketing root finder on [0, q0], where g(0) - s <= 0 <= g(q0) - s.
        s0 = float(s[0])
        if s0 == 0.0:
            return np.zeros(1)
        root = optimize.brentq(
            lambda q: float(np.sum(q**t)) - s0, 0.0, float(q0[0]), xtol=1e-15, rtol=1e-15
        )
        return np.asarray([root], dtype=float)
    root, converged, _ = optimize.newton(
        g, q0, fprime=dg, tol=1e-14, rtol=1e-14, maxiter=200, full_output=True
    )
    if not np.all(converged):  # excluded by the convexity argument but for overflow
        raise AggloValueError(
            _m.text(
                "'values' 的累计法方程无法以浮点数求解（数值量级过大或过小）；"
                "请换算序列的单位，如换成万或亿。",
                "'values' gives a 累计法 equation that could not be solved in floating point "
                "(values of extreme magnitude); rescale the series, e.g. to 万 or 亿.",
            )
        )
    return np.asarray(root, dtype=float)


def cagr_cumulative(values: Any, *, axis: int = 0, percent: bool = False) -> Any:
    r"""Average annual growth rate by the 累计法 (方程式法, cumulative / equation method).

    Used by the National Bureau of Statistics for cumulative quantities such as fixed
    asset investment: the rate :math:`r` at which the base-year level, growing every
    year, adds up to the same total as the observed years.

    Parameters
    ----------
    values : array_like, Series or DataFrame
        A time series :math:`X_0, X_1, \dots, X_T` (1-D, oldest first), or a block with
        one series per column (``axis=0``, years down the rows) or per row (``axis=1``,
        years across the columns, the usual yearbook layout).  Non-negative; the first
        value (the base) must be positive.  At least two values per series.
    axis : {0, 1}, default 0
        Axis along which time runs.
    percent : bool, default False
        Return percentages instead of fractions.

    Returns
    -------
    float, ndarray or Series
        One rate per series: a float for a 1-D series; for a block, one value per column
        (``axis=0``) or per row (``axis=1``), a Series labelled by the columns or the
        index of a DataFrame.  NaN for a series with a missing value.

    Raises
    ------
    AggloValueError
        If a series has fewer than two values, a negative value, a zero base, text,
        or ``axis`` is not 0 or 1.

    Notes
    -----
    .. math::

        \sum_{t=1}^{T} (1 + r)^t = \frac{\sum_{t=1}^{T} X_t}{X_0}

    The left side is increasing and convex in :math:`q = 1 + r \ge 0`, so the root is
    unique; it is found by Newton's method started to the right of the root (monotone
    convergence), vectorised over all series.  Convention: :math:`T` = number of values
    − 1; the base year is excluded from the sum.  The 累计法 equals the 水平法
    (:func:`cagr`) for an exactly geometric series and differs from it when the path is
    volatile, because it uses every year rather than the end points.  No checked peer
    tool implements it.

    References
    ----------
    .. [1] National Bureau of Statistics of China, statistical indicator explanations:
       平均发展速度, 累计法 (方程式法) for cumulative indicators such as 固定资产投资.

    See [nbs_indicators] in docs/references.md.

    Examples
    --------
    With two periods the equation is quadratic, :math:`q + q^2 = S`:

    >>> float(round(cagr_cumulative([100, 110, 121]), 6))
    0.1
    >>> float(round(cagr_cumulative([100, 120, 130]), 6))  # (√11 − 1)/2 − 1
    0.158312
    >>> float(round(cagr([100], [130], 2)[0], 6))  # the 水平法 uses the end points only
    0.140175
    """
    axis = as_option(axis, "axis", (0, 1))
    arr = as_array(values, "values", ndim=(1, 2), non_negative=True)
    if arr.ndim == 2 and axis == 1:
        arr = arr.T
    if arr.shape[0] < 2:
        raise AggloValueError(
            _m.text(
                f"计算增长率时 'values' 每个序列至少需要两个值（基期和一个后续年份）；收到 {arr.shape[0]} 个。",
                f"'values' must hold at least two values per series along axis {axis} "
                f"(a base year and one later year); received {arr.shape[0]}.",
            )
        )
    base = arr[0]
    series_labels = None
    if isinstance(values, pd.DataFrame):
        series_labels = pd.Series(np.nan, index=values.columns if axis == 0 else values.index)
    _check_base(
        np.atleast_1d(base),
        "values",
        series_labels,
        "the first value of each series is the base year",
    )
    n_periods = arr.shape[0] - 1
    with np.errstate(over="ignore", divide="ignore"):
        s = arr[1:].sum(axis=0) / base
    flat = np.atleast_1d(s).astype(float)
    if np.isinf(flat).any():
        raise AggloValueError(
            _m.text(
                "'values' 后续值之和除以首值超出浮点范围（首值与其他值相比太接近 0）。请检查首值和单位。",
                "'values' must keep the sum of the later values divided by the first value within "
                "floating-point range; received a ratio that overflows (the first value is too "
                "close to 0 against the others). Check the first value and the units.",
            )
        )
    out = np.full(flat.shape, np.nan)
    ok = np.isfinite(flat)
    if ok.any():
        out[ok] = _cumulative_root(flat[ok], n_periods) - 1.0
    if percent:
        out = out * 100.0
    if arr.ndim == 1:
        return float(out[0])
    if isinstance(values, pd.DataFrame):
        labels = values.columns if axis == 0 else values.index
        return pd.Series(out, index=labels)
    return out


# ---------------------------------------------------------------------------
# structure
# ---------------------------------------------------------------------------


def primacy_index(values: Any, k: int = 2, *, axis: int = 0, total_rows: str = "warn") -> Any:
    r"""Primacy index (首位度) of the largest city: two-, four- or eleven-city form.

    Parameters
    ----------
    values : array_like, Series or DataFrame
        Sizes of the cities of one system (城区人口, 常住人口 or GDP), in any order:
        1-D, or a block with one variable per column (``axis=0``) or per row
        (``axis=1``).  Non-negative; at least ``k`` cities.
    k : {2, 4, 11}, default 2
        Which index: :math:`S_2` (Jefferson), :math:`S_4` or :math:`S_{11}` (Ginsburg).
    axis : {0, 1}, default 0
        Axis along which the cities run.
    total_rows : {'warn', 'raise', 'ignore'}, default 'warn'
        What to do when a city looks like a total (labelled 全省/合计, or, in a block
        of several columns, equal to the sum of the others in every column): a total
        ranked as the "largest city" makes the index meaningless.  A single unlabelled
        list is not checked by value, since a largest city equal to the sum of the
        others is ordinary data.

    Returns
    -------
    float, ndarray or Series
        A float for 1-D input; one value per column (``axis=0``) or row (``axis=1``)
        for a block, labelled by a DataFrame's columns or index.  NaN when the
        denominator is zero (all other cities zero) or a series has a missing value
        (the rank of a blank city is unknown: fill it in or remove it).

    Raises
    ------
    AggloValueError
        If ``k`` is not 2, 4 or 11, there are fewer than ``k`` cities, a value is
        negative or text, or (``total_rows='raise'``) a total row is found.

    Notes
    -----
    With the sizes sorted in decreasing order :math:`P_1 \ge P_2 \ge \dots`:

    .. math::

        S_2 = \frac{P_1}{P_2}, \qquad
        S_4 = \frac{P_1}{P_2 + P_3 + P_4}, \qquad
        S_{11} = \frac{2 P_1}{P_2 + \dots + P_{11}}.

    Under the rank-size rule :math:`P_i = P_1 / i` the indices are 2, 12/13 ≈ 0.92
    and ≈ 0.99; "normal" values are usually quoted as 2, 1 and 1.  The share of the
    first city :math:`P_1 / \sum P` (首位城市占比) is :func:`share` of the largest value;
    the industry variant (top-n regions' share) is the concentration ratio CR_n.  No
    checked peer tool implements a primacy index.

    References
    ----------
    .. [1] Jefferson, M. (1939). The law of the primate city. Geographical Review,
       29(2), 226–232.
    .. [2] Ginsburg, N. (1961). Atlas of Economic Development. University of Chicago
       Press (four- and eleven-city indices).
    .. [3] 罗丹阳. 增强中心城市聚集效应研究——以贵州省贵阳市为例 (2018 yearbook data;
       the text names no journal or year):
       comparison of central cities by their weight in the region.

    See [jefferson_1939], [ginsburg_1961], [central_cities] in docs/references.md.

    Examples
    --------
    >>> primacy_index([500, 250, 200, 100])
    2.0
    >>> float(round(primacy_index([500, 250, 200, 100], k=4), 6))
    0.909091
    >>> primacy_index([1, 2, 3], k=4)
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 4 城市首位度至少需要 4 个城市的 'values'；收到 3 个。 / 'values' must hold at least 4 cities for the 4-city primacy index; received 3.
    """
    k = int(as_option(k, "k", (2, 4, 11)))
    axis = as_option(axis, "axis", (0, 1))
    arr = as_array(values, "values", ndim=(1, 2), non_negative=True)
    matrix = arr[:, None] if arr.ndim == 1 else (arr.T if axis == 1 else arr)
    if matrix.shape[0] < k:
        raise AggloValueError(
            _m.text(
                f"{k} 城市首位度至少需要 {k} 个城市的 'values'；收到 {matrix.shape[0]} 个。",
                f"'values' must hold at least {k} cities for the {k}-city primacy index; "
                f"received {matrix.shape[0]}.",
            )
        )
    labels = labels_of(values)
    city_labels = None
    if labels is not None:
        city_labels = labels[1] if (arr.ndim == 2 and axis == 1) else labels[0]
    _check_totals_axis(
        matrix,
        city_labels,
        as_option(total_rows, "total_rows", ("warn", "raise", "ignore")),
        "row" if axis == 0 or arr.ndim == 1 else "column",
        name="values",
    )
    ranked = -np.sort(-matrix, axis=0)  # decreasing; NaN cells sort last
    first = ranked[0] * (2.0 if k == 11 else 1.0)
    rest = ranked[1:k].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(rest > 0, first / np.where(rest > 0, rest, 1.0), np.nan)
    out[np.isnan(matrix).any(axis=0)] = np.nan
    if arr.ndim == 1:
        return float(out[0])
    if isinstance(values, pd.DataFrame):
        return pd.Series(out, index=values.columns if axis == 0 else values.index)
    return out


def share(
    values: Any,
    total: Any = None,
    *,
    axis: int = 0,
    percent: bool = False,
    total_rows: str = "warn",
) -> Any:
    r"""Share (比重 / 占比) of each value in a total.

    Parameters
    ----------
    values : array_like, Series or DataFrame
        Non-negative values: a 1-D list (e.g. regions) or a regions × industries block.
        A single number is allowed when ``total`` is given.
    total : scalar or array_like, optional
        The reference total (e.g. the 全国 figure printed in the yearbook, which is not
        the sum of the provinces).  A number; one total per column (``axis=0``) or per
        row (``axis=1``) of a block; or an array shaped like ``values`` (element-wise).
        Must be positive.  By default the sum of ``values`` along ``axis``, missing
        cells skipped.
    axis : {0, 1}, default 0
        For a block: 0 gives each region's share of the column (industry) total, 1 each
        industry's share of the row (region) total.
    percent : bool, default False
        Return percentages instead of fractions.
    total_rows : {'warn', 'raise', 'ignore'}, default 'warn'
        When ``total`` is computed: what to do if an entry along ``axis`` looks like a
        total (labelled 全国/合计, or, in a block of several series, equal to the sum of
        the others in every series); counting it halves every share.  A single
        unlabelled list is not checked by value (a value equal to the sum of the others
        is ordinary data there).

    Returns
    -------
    float, ndarray, Series or DataFrame
        Shares shaped and labelled like ``values``.  NaN for a missing value, and
        0/0 = NaN when a computed total is zero.

    Raises
    ------
    AggloValueError
        If a value is negative or text, ``total`` is zero, negative or of the wrong
        length, or ``values`` is a single number without ``total``.

    Notes
    -----
    .. math::

        s_i = \frac{x_i}{X}, \qquad X = \sum_j x_j \text{ (default) or given.}

    With the computed total the shares of the non-missing values sum to 1.  The share
    of the largest city is the 首位城市占比 of the primacy literature.

    References
    ----------
    .. [1] 罗丹阳. 增强中心城市聚集效应研究——以贵州省贵阳市为例 (2018 yearbook data;
       the text names no journal or year):
       shares of central cities in their province.
    .. [2] Jefferson, M. (1939). The law of the primate city. Geographical Review,
       29(2), 226–232.

    See [central_cities], [jefferson_1939] in docs/references.md.

    Examples
    --------
    >>> share([1, 3]).tolist()
    [0.25, 0.75]
    >>> share([20, 30], total=200, percent=True).tolist()
    [10.0, 15.0]
    >>> import pandas as pd
    >>> block = pd.DataFrame({"工业": [6, 4], "服务业": [2, 6]}, index=["甲", "乙"])
    >>> share(block, axis=1)
         工业  服务业
    甲  0.75  0.25
    乙  0.40  0.60
    """
    axis = as_option(axis, "axis", (0, 1))
    arr = as_array(values, "values", ndim=(0, 1, 2), non_negative=True)
    if total is None:
        if arr.ndim == 0:
            raise AggloValueError(
                _m.text(
                    "'values' 是单个数，必须给出 'total'（一个数占自身的份额为 1）。请给出 total=… 或选择整个区域。",
                    "'values' is a single number, so 'total' must be given (the share of a "
                    "number in itself is 1); pass total=... or select the whole range.",
                )
            )
        matrix = arr[:, None] if arr.ndim == 1 else (arr.T if axis == 1 else arr)
        labels = labels_of(values)
        entry_labels = None
        if labels is not None:
            entry_labels = labels[1] if (arr.ndim == 2 and axis == 1) else labels[0]
        _check_totals_axis(
            matrix,
            entry_labels,
            as_option(total_rows, "total_rows", ("warn", "raise", "ignore")),
            "column" if (arr.ndim == 2 and axis == 1) else "row",
            name="values",
        )
        reduce_axis = 0 if arr.ndim == 1 else axis
        denom = np.nansum(arr, axis=reduce_axis, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = arr / denom
        out[(denom == 0) & np.isfinite(arr)] = np.nan  # 0/0
        return _finish(out, values, percent=percent)
    if isinstance(values, pd.DataFrame):
        total = align_labels(
            total,
            values.columns if axis == 0 else values.index,
            "total",
            what="columns of 'values'" if axis == 0 else "rows of 'values'",
        )
    elif isinstance(values, pd.Series):
        total = align_labels(total, values.index, "total", what="rows of 'values'")
    tot = as_array(total, "total", ndim=(0, 1, 2))
    _check_base(tot, "total", total, "a share of a zero or negative total is undefined")
    if tot.ndim == 0 or tot.shape == arr.shape:
        denom = tot
    elif arr.ndim == 2 and tot.ndim == 1:
        expected = arr.shape[1] if axis == 0 else arr.shape[0]
        if tot.size != expected:
            word = "column" if axis == 0 else "row"
            raise AggloValueError(
                _m.text(
                    f"axis={axis} 时 'total' 须为 'values' 的每{('列' if axis == 0 else '行')}给一个总量（{expected} 个）；收到 {tot.size} 个。",
                    f"'total' must hold one total per {word} of 'values' ({expected}) with "
                    f"axis={axis}; received {tot.size}.",
                )
            )
        denom = tot[None, :] if axis == 0 else tot[:, None]
    else:
        raise AggloValueError(
            _m.text(
                f"'total' 必须是单个数、每列/每行一个总量，或与 'values' 同形 {arr.shape}；收到 {tot.shape}。",
                f"'total' must be a single number, one total per column/row, or shaped like "
                f"'values' {arr.shape}; received shape {tot.shape}.",
            )
        )
    return _finish(arr / denom, values, percent=percent)


def profit_margin(profit: Any, revenue: Any, *, percent: bool = False) -> Any:
    r"""Profit margin (营业收入利润率 / 产值利润率): profit over revenue or output.

    Parameters
    ----------
    profit : scalar, array_like, Series or DataFrame
        利润总额; negative for loss-making sectors (a negative margin is legitimate).
    revenue : scalar, array_like, Series or DataFrame
        营业收入 (or 工业总产值 for the 产值利润率, or 成本费用总额 for the
        成本费用利润率), broadcasting with ``profit``.  Must be positive.
    percent : bool, default False
        Return percentages (as yearbooks print them) instead of fractions.

    Returns
    -------
    float, ndarray, Series or DataFrame
        The margin, shaped and labelled like the inputs; NaN where a value is missing.

    Raises
    ------
    AggloValueError
        If ``revenue`` is zero or negative, the shapes do not match, or a value is text.

    Notes
    -----
    .. math::

        m = \frac{\text{利润总额}}{\text{营业收入}} \; (\times 100\% \text{ with } percent=True)

    The non-ferrous metals study [nonferrous] uses the 产值利润率 (profit over gross output value) of each province's
    industry as its measure of competitiveness and regresses it on the location
    quotient (see :func:`ols`).  The denominator is the caller's choice; this function
    only guards it: a zero or negative denominator raises.

    References
    ----------
    .. [1] National Bureau of Statistics of China, statistical indicator explanations:
       营业收入利润率 = 利润总额 / 营业收入 × 100%.
    .. [2] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       产值利润率 as competitiveness, regressed on
       区位熵.

    See [nbs_indicators], [nonferrous] in docs/references.md.

    Examples
    --------
    >>> profit_margin(16.53, 100, percent=True)
    16.53
    >>> profit_margin([12, -3], [100, 60]).round(6).tolist()
    [0.12, -0.05]
    """
    arrays, template = _operands(profit=(profit, {}), revenue=(revenue, {}))
    _check_base(
        arrays["revenue"],
        "revenue",
        revenue,
        "a margin on zero or negative revenue is undefined",
    )
    return _finish(arrays["profit"] / arrays["revenue"], template, percent=percent)
