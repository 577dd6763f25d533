r"""Supporting statistics: correlation (Pearson / Spearman) and ordinary least squares.

These replace the SPSS step of the source papers (e.g. the non-ferrous metals study [nonferrous] regresses an
industry's 产值利润率 on its location quotient).  Both functions drop incomplete
observations (a blank or NaN in any variable) and say how many were dropped, so a
worksheet with gaps gives the same numbers as SPSS's listwise deletion.

The computations are delegated to :mod:`scipy.stats` (correlation) and
:mod:`statsmodels` (OLS); this module validates the input, handles missing values
and labels, and returns frozen result objects.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np
from scipy import stats

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_array, as_option, check_same_length

__all__ = [
    "CorrelationResult",
    "OLSResult",
    "correlation",
    "ols",
]


@dataclasses.dataclass(frozen=True)
class CorrelationResult(Result):
    """Result of :func:`correlation`.

    Attributes
    ----------
    r : float
        The correlation coefficient (Pearson's r or Spearman's ρ); NaN when a variable
        is constant.
    p_value : float
        p-value of the test of zero correlation (see :func:`correlation` for the test).
    n : int
        Number of complete pairs used.
    dropped : int
        Number of pairs dropped because a value was missing.
    method : str
        ``'pearson'`` or ``'spearman'``.
    alternative : str
        ``'two-sided'``, ``'less'`` or ``'greater'``.
    convention : str
        How the numbers were computed.
    """

    r: float
    p_value: float
    n: int
    dropped: int
    method: str
    alternative: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with the fields."""
        return pd.DataFrame([self.to_dict()])


@dataclasses.dataclass(frozen=True)
class OLSResult(Result):
    """Result of :func:`ols`.

    Attributes
    ----------
    coefficients, std_errors, t_values, p_values : Series
        One entry per parameter (``'const'`` first when a constant was added, then the
        regressors by name).
    r_squared, adj_r_squared : float
        :math:`R^2` and adjusted :math:`R^2` (uncentred when there is no constant).
    f_statistic, f_p_value : float
        F test that all slopes are zero, with its p-value.
    sigma : float
        Standard error of the regression :math:`\\hat\\sigma = \\sqrt{RSS/(n-p)}`.
    n : int
        Number of complete observations used.
    dropped : int
        Number of observations dropped because a value was missing.
    df_resid : int
        Residual degrees of freedom :math:`n - p`.
    table : DataFrame
        Tidy coefficient table: rows = parameters, columns ``coef``, ``std_err``,
        ``t``, ``p``.
    convention : str
        How the numbers were computed.
    """

    coefficients: pd.Series
    std_errors: pd.Series
    t_values: pd.Series
    p_values: pd.Series
    r_squared: float
    adj_r_squared: float
    f_statistic: float
    f_p_value: float
    sigma: float
    n: int
    dropped: int
    df_resid: int
    table: pd.DataFrame
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (same as :attr:`table`)."""
        return self.table.copy()


def _check_labels(x: Any, y: Any, name_x: str, name_y: str) -> None:
    """Two pandas arguments must carry the same row labels (no silent realignment)."""
    if (
        isinstance(x, (pd.Series, pd.DataFrame))
        and isinstance(y, (pd.Series, pd.DataFrame))
        and len(x.index) == len(y.index)
        and not x.index.equals(y.index)
    ):
        raise AggloValueError(
            _m.text(
                f"{name_x!r} 与 {name_y!r} 的行标签不同；请按相同顺序排列各行，或传入无标签的数组。",
                f"{name_x!r} and {name_y!r} have different row labels; put the rows in the same "
                f"order (e.g. {name_y}.reindex({name_x}.index)) or pass plain arrays.",
            )
        )


def correlation(
    x: Any,
    y: Any,
    method: str = "pearson",
    *,
    alternative: str = "two-sided",
) -> CorrelationResult:
    r"""Pearson or Spearman correlation (相关系数) of two variables, dropping incomplete pairs.

    Parameters
    ----------
    x, y : array_like or Series, shape (n,)
        The two variables (e.g. location quotients and profit margins of n regions).
        A single row or column of a worksheet range is accepted.  Missing values (NaN,
        blank) are allowed: a pair with a missing value is dropped.
    method : {'pearson', 'spearman'}, default 'pearson'
        Pearson's product-moment r, or Spearman's rank correlation ρ (ties get the
        average rank).
    alternative : {'two-sided', 'less', 'greater'}, default 'two-sided'
        Alternative hypothesis of the test (SPSS's default is two-tailed).

    Returns
    -------
    CorrelationResult
        ``r``, ``p_value``, ``n`` (complete pairs used), ``dropped`` (pairs dropped),
        ``method``, ``alternative``, ``convention``.  ``r`` and ``p_value`` are NaN
        when either variable is constant over the complete pairs (r is undefined).

    Raises
    ------
    AggloValueError
        If the lengths differ, a value is text, fewer than 3 complete pairs remain, or
        ``method``/``alternative`` is unknown.

    Notes
    -----
    .. math::

        r = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}
                 {\sqrt{\sum_i (x_i - \bar x)^2 \sum_i (y_i - \bar y)^2}},
        \qquad
        t = r \sqrt{\frac{n - 2}{1 - r^2}} \sim t_{n-2}.

    Spearman's ρ is Pearson's r of the ranks.  p-values: Pearson's test is exact under
    bivariate normality (the t distribution with n − 2 d.f., as in SPSS and Excel's
    ``T.DIST.2T``); Spearman's uses the same t approximation, the usual large-sample
    test (exact permutation tables differ slightly for very small n).  Computed with
    :func:`scipy.stats.pearsonr` and :func:`scipy.stats.spearmanr`.  Convention for
    missing values: listwise (pairwise for two variables) deletion, as SPSS's
    default; Excel's ``CORREL`` silently skips pairs with text or blanks.

    References
    ----------
    .. [1] Pearson, K. (1895). Notes on regression and inheritance in the case of two
       parents. Proceedings of the Royal Society of London, 58, 240–242.
    .. [2] Spearman, C. (1904). The proof and measurement of association between two
       things. American Journal of Psychology, 15(1), 72–101.
    .. [3] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       correlation of 区位熵 with 产值利润率.

    See [pearson_1895], [spearman_1904], [nonferrous] in docs/references.md.

    Examples
    --------
    Anscombe's (1973) first data set (published r = 0.816):

    >>> x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
    >>> y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
    >>> res = correlation(x, y)
    >>> float(round(res.r, 3)), res.n, res.dropped
    (0.816, 11, 0)
    >>> res = correlation([1, 2, 3, None, 5], [2, 1, 4, 3, 5], method="spearman")
    >>> float(round(res.r, 4)), res.n, res.dropped
    (0.8, 4, 1)
    """
    method = as_option(method, "method", ("pearson", "spearman"))
    alternative = as_option(alternative, "alternative", ("two-sided", "less", "greater"))
    xa = as_array(x, "x", ndim=(1, 2))
    ya = as_array(y, "y", ndim=(1, 2))
    for name, arr in (("x", xa), ("y", ya)):
        if arr.ndim == 2 and 1 not in arr.shape:
            raise AggloValueError(
                _m.text(
                    f"{name!r} 必须是单行或单列数值；收到 {arr.shape} 的区域。请一次只传一个变量。",
                    f"{name!r} must be a single row or column of numbers; received a block of "
                    f"shape {arr.shape}. Pass one variable at a time.",
                )
            )
    xa, ya = xa.ravel(), ya.ravel()
    check_same_length(x=xa, y=ya)
    _check_labels(x, y, "x", "y")
    complete = ~(np.isnan(xa) | np.isnan(ya))
    n = int(complete.sum())
    dropped = int(xa.size - n)
    if n < 3:
        raise AggloValueError(
            _m.text(
                f"相关性检验要求 'x' 和 'y' 至少有 3 对完整观测；收到 {n} 对（{dropped} 对因缺失值删去）。",
                f"'x' and 'y' must have at least 3 complete pairs for a correlation test; "
                f"received {n} ({dropped} pair(s) dropped for missing values).",
            )
        )
    xc, yc = xa[complete], ya[complete]
    if np.ptp(xc) == 0 or np.ptp(yc) == 0:
        r = p = float("nan")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", stats.ConstantInputWarning)
            if method == "pearson":
                res = stats.pearsonr(xc, yc, alternative=alternative)
            else:
                res = stats.spearmanr(xc, yc, alternative=alternative)
        r, p = float(res.statistic), float(res.pvalue)
    test = "t test with n − 2 d.f." if method == "pearson" else "t approximation, n − 2 d.f."
    convention = f"{method}, {alternative} {test}; incomplete pairs dropped" + (
        ", ties get average ranks" if method == "spearman" else ""
    )
    return CorrelationResult(
        r=r,
        p_value=p,
        n=n,
        dropped=dropped,
        method=method,
        alternative=alternative,
        convention=convention,
    )


def _regressor_names(x: Any, k: int) -> list[str]:
    """Names of the regressors: DataFrame columns, a Series name, or x / x1, x2, ..."""
    if isinstance(x, pd.DataFrame):
        return [str(c) for c in x.columns]
    if isinstance(x, pd.Series):
        return [str(x.name) if x.name is not None else "x"]
    return ["x"] if k == 1 else [f"x{i + 1}" for i in range(k)]


def _first_dependent(design: np.ndarray, names: list[str]) -> tuple[str, list[str]]:
    """The first column that is a linear combination of the previous ones.

    A short loop over the (few) parameters, only on the error path.
    """
    for j in range(1, design.shape[1] + 1):
        if np.linalg.matrix_rank(design[:, :j]) < j:
            return names[j - 1], names[: j - 1]
    return names[-1], names[:-1]  # pragma: no cover - only called when rank-deficient


def ols(y: Any, x: Any, add_constant: bool = True) -> OLSResult:
    r"""Ordinary least squares regression (最小二乘回归) of ``y`` on ``x``, with the coefficient table.

    Parameters
    ----------
    y : array_like or Series, shape (n,)
        The dependent variable (e.g. 产值利润率 of n regions).
    x : array_like, Series or DataFrame, shape (n,) or (n, k)
        One regressor (a vector) or k regressors (columns).  DataFrame columns and a
        Series name become the coefficient names; otherwise ``x`` or ``x1 … xk``.
    add_constant : bool, default True
        Add an intercept named ``'const'`` (first row of the table).

    Returns
    -------
    OLSResult
        ``coefficients``, ``std_errors``, ``t_values``, ``p_values`` (Series by
        parameter), ``r_squared``, ``adj_r_squared``, ``f_statistic``, ``f_p_value``,
        ``sigma``, ``n``, ``dropped``, ``df_resid``, a tidy ``table`` (DataFrame with
        columns ``coef``, ``std_err``, ``t``, ``p``) and ``convention``.

    Raises
    ------
    AggloValueError
        If the lengths differ, a value is text, there are too few complete
        observations (n must exceed the number of parameters), or the design is
        singular (a regressor is constant while a constant is added, or a linear
        combination of the others).

    Notes
    -----
    .. math::

        \hat\beta = (X^\top X)^{-1} X^\top y, \qquad
        \hat\sigma^2 = \frac{RSS}{n - p}, \qquad
        \operatorname{SE}(\hat\beta_j) = \sqrt{\hat\sigma^2 \left[(X^\top X)^{-1}\right]_{jj}},

    .. math::

        t_j = \hat\beta_j / \operatorname{SE}(\hat\beta_j), \qquad
        R^2 = 1 - \frac{RSS}{TSS}, \qquad
        \bar R^2 = 1 - (1 - R^2)\frac{n - 1}{n - p},

    with p parameters (constant included), two-sided p-values from :math:`t_{n-p}` and
    :math:`F = \frac{(TSS - RSS)/(p - 1)}{RSS/(n - p)}`.  For one regressor,
    :math:`b = \sum (x - \bar x)(y - \bar y) / \sum (x - \bar x)^2` and
    :math:`R^2 = r^2`.  Fitted with :class:`statsmodels.regression.linear_model.OLS`
    (classical, non-robust standard errors, as SPSS's linear regression and Excel's
    ``LINEST(..., TRUE, TRUE)``).  Without a constant, :math:`R^2`, adjusted
    :math:`R^2` and F are uncentred (TSS = Σy²), as in statsmodels and SPSS's
    regression through the origin.  Missing values: rows with a blank in ``y`` or
    any regressor are dropped (listwise deletion, SPSS's default) and counted in
    ``dropped``.  Degenerate data: R² is NaN when ``y`` is constant (TSS = 0), and a
    perfect fit (RSS = 0, every standard error 0) gives t = ±inf or NaN with matching
    p-values and F; report the coefficients only in that case.

    References
    ----------
    .. [1] Anscombe, F. J. (1973). Graphs in statistical analysis. The American
       Statistician, 27(1), 17–21 (worked example below).
    .. [2] Greene, W. H. (2018). Econometric Analysis, 8th ed., ch. 4–5. Pearson.
    .. [3] 有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
       provinces, 2013 yearbooks; the text names no author or journal):
       regression of 产值利润率 on 区位熵,
       computed there with SPSS.

    See [anscombe_1973], [greene_2018], [nonferrous] in docs/references.md.

    Examples
    --------
    Anscombe's (1973) first data set: published fit y = 3.00 + 0.500 x, SE(b) = 0.118,
    R² = 0.667, n = 11.

    >>> x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
    >>> y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
    >>> fit = ols(y, x)
    >>> fit.table.round(3)
            coef  std_err      t      p
    const  3.000    1.125  2.667  0.026
    x      0.500    0.118  4.241  0.002
    >>> float(round(fit.r_squared, 3)), fit.n
    (0.667, 11)
    """
    ya = as_array(y, "y", ndim=(1, 2))
    if ya.ndim == 2:
        if 1 not in ya.shape:
            raise AggloValueError(
                _m.text(
                    f"'y' 必须是单行或单列数值；收到 {ya.shape} 的区域。",
                    f"'y' must be a single row or column of numbers; received a block of "
                    f"shape {ya.shape}.",
                )
            )
        ya = ya.ravel()
    xa = as_array(x, "x", ndim=(1, 2))
    if xa.ndim == 1:
        xa = xa[:, None]
    elif xa.shape[0] == 1 and xa.shape[1] == ya.size and ya.size > 1:
        xa = xa.T  # a single worksheet row
    if xa.shape[0] != ya.size:
        raise AggloValueError(
            _m.text(
                f"'x' 的行数须等于 'y' 的观测数（{ya.size}）；收到 {xa.shape[0]} 行。请选择长度相同的区域。",
                f"'x' must have one row per observation of 'y' ({ya.size}); received "
                f"{xa.shape[0]} row(s). Select ranges of equal length.",
            )
        )
    _check_labels(y, x, "y", "x")
    k = xa.shape[1]
    names = _regressor_names(x, k)
    add_constant = bool(add_constant)
    complete = ~(np.isnan(ya) | np.isnan(xa).any(axis=1))
    n = int(complete.sum())
    dropped = int(ya.size - n)
    design = xa[complete]
    if add_constant:
        design = np.column_stack([np.ones(n), design])
        names = ["const", *names]
    p = design.shape[1]
    if n <= p:
        raise AggloValueError(
            _m.text(
                f"'y' 和 'x' 的完整观测数必须多于参数个数（{p}）；收到 {n} 个（{dropped} 个因缺失值删去）。请增加观测或减少自变量。",
                f"'y' and 'x' must have more complete observations than parameters ({p}); "
                f"received {n} ({dropped} dropped for missing values). Add observations or "
                "remove regressors.",
            )
        )
    if np.linalg.matrix_rank(design) < p:
        bad, before = _first_dependent(design, names)
        constant = add_constant and np.ptp(design[:, names.index(bad)]) == 0
        hint = (
            "it is constant, which duplicates the constant term"
            if constant
            else "it is a linear combination of " + (", ".join(before) or "nothing")
        )
        hint_zh = (
            "它是常数，与常数项重复"
            if constant
            else "它是 " + ("、".join(before) or "（无）") + " 的线性组合"
        )
        raise AggloValueError(
            _m.text(
                f"'x' 设计矩阵奇异：自变量 {bad!r} 不提供信息（{hint_zh}）。请删去它（若为有意的常数项，设 add_constant=False）。",
                f"'x' gives a singular design: regressor {bad!r} adds no information ({hint}). "
                "Remove it (or set add_constant=False if it is an intended constant).",
            )
        )
    # statsmodels is imported here: it is the slowest import of the package.
    from statsmodels.regression.linear_model import OLS

    fit = OLS(ya[complete], design).fit()
    index = pd.Index(names)
    with np.errstate(divide="ignore", invalid="ignore"):  # perfect fits: see Notes
        coef = pd.Series(np.asarray(fit.params, dtype=float), index=index, name="coef")
        se = pd.Series(np.asarray(fit.bse, dtype=float), index=index, name="std_err")
        tv = pd.Series(np.asarray(fit.tvalues, dtype=float), index=index, name="t")
        pv = pd.Series(np.asarray(fit.pvalues, dtype=float), index=index, name="p")
        f_stat, f_p = float(fit.fvalue), float(fit.f_pvalue)
        r2, adj_r2 = float(fit.rsquared), float(fit.rsquared_adj)
    table = pd.concat([coef, se, tv, pv], axis=1)
    convention = (
        "OLS, classical standard errors, two-sided t tests with n − p d.f.; "
        + ("centred R² and F (constant added)" if add_constant else "uncentred R² and F")
        + "; rows with missing values dropped"
    )
    return OLSResult(
        coefficients=coef,
        std_errors=se,
        t_values=tv,
        p_values=pv,
        r_squared=r2,
        adj_r_squared=adj_r2,
        f_statistic=f_stat,
        f_p_value=f_p,
        sigma=float(np.sqrt(fit.scale)),
        n=n,
        dropped=dropped,
        df_resid=int(round(fit.df_resid)),
        table=table,
        convention=convention,
    )
