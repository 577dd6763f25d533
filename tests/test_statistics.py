"""Tests of agglo.statistics: correlation and OLS.

Reference values, in order of authority:

* NIST Statistical Reference Datasets (StRD), linear regression, "Longley" (higher
  difficulty): certified coefficients, standard deviations, residual SD and R².  The
  Longley data ship with statsmodels (``statsmodels.datasets.longley``), which is a
  runtime dependency of agglo.
* Anscombe, F. J. (1973), Graphs in statistical analysis, The American Statistician
  27(1): for all four data sets y = 3.00 + 0.500 x, SE(b) = 0.118, regression SS 27.50,
  residual SS 13.75 (9 d.f.), R² = 0.667, r = 0.816.
* Small examples computed by hand in the comments (methods.md B15 formulas).

scipy/statsmodels are used only as oracles in addition to those values.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, Result, correlation, ols
from agglo.statistics import CorrelationResult, OLSResult
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE = {
    "I": (ANSCOMBE_X, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]),
    "II": (ANSCOMBE_X, [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]),
    "III": (ANSCOMBE_X, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]),
    "IV": (
        [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8],
        [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89],
    ),
}

# Hand-computed example (methods.md B15): x = 1..5, y = 2, 4, 5, 4, 5.
# x̄ = 3, ȳ = 4, Sxx = 10, Syy = 6, Sxy = 6 -> b = 0.6, a = 4 - 0.6*3 = 2.2.
# Fitted 2.8, 3.4, 4.0, 4.6, 5.2; residuals -0.8, 0.6, 1.0, -0.6, -0.2; RSS = 2.4.
# σ̂² = 2.4/3 = 0.8; SE(b) = sqrt(0.8/10); SE(a) = sqrt(0.8*(1/5 + 9/10)) = sqrt(0.88).
# R² = 1 - 2.4/6 = 0.6 = r², r = 6/sqrt(60); adj R² = 1 - 0.4*4/3; F = t_b² = 4.5.
HAND_X = [1, 2, 3, 4, 5]
HAND_Y = [2, 4, 5, 4, 5]


# ---------------------------------------------------------------------------
# correlation
# ---------------------------------------------------------------------------


def test_correlation_hand_computed_pearson():
    res = correlation(HAND_X, HAND_Y)
    r = 6 / math.sqrt(60)
    t = r * math.sqrt(3 / (1 - r**2))
    assert res.r == pytest.approx(r, rel=1e-12)
    assert t == pytest.approx(math.sqrt(4.5))
    # p from the t distribution with n - 2 = 3 d.f. (scipy as the oracle of t's tail).
    assert res.p_value == pytest.approx(2 * stats.t.sf(t, 3), rel=1e-9)
    assert (res.n, res.dropped, res.method) == (5, 0, "pearson")
    assert "pearson" in res.convention


def test_correlation_hand_computed_spearman():
    # Ranks of y: 2, 1, 4, 3, 5; d = -1, 1, -1, 1, 0; Σd² = 4; ρ = 1 - 6·4/(5·24) = 0.8.
    res = correlation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], method="spearman")
    assert res.r == pytest.approx(0.8, rel=1e-12)
    assert res.method == "spearman"
    oracle = stats.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert res.p_value == pytest.approx(oracle.pvalue, rel=1e-12)


@pytest.mark.parametrize("name", list(ANSCOMBE))
def test_correlation_anscombe(name):
    # Anscombe (1973): r = 0.816 for each of the four data sets.
    x, y = ANSCOMBE[name]
    assert correlation(x, y).r == pytest.approx(0.816, abs=1e-3)


def test_correlation_drops_incomplete_pairs_and_says_how_many():
    x = [1, 2, np.nan, 3, 4, 5, None]
    y = [2, 1, 7, 4, np.nan, 5, 3]
    res = correlation(x, y, method="spearman")
    # Complete pairs: (1,2) (2,1) (3,4) (5,5): ranks 1..4 vs 2,1,3,4, Σd² = 2,
    # ρ = 1 - 6·2/(4·15) = 0.8.
    assert (res.n, res.dropped) == (4, 3)
    assert res.r == pytest.approx(0.8)
    assert "dropped" in res.convention


def test_correlation_accepts_pandas_and_worksheet_rows():
    x = pd.Series(HAND_X, index=list("abcde"))
    y = pd.Series(HAND_Y, index=list("abcde"))
    assert correlation(x, y).r == pytest.approx(6 / math.sqrt(60))
    assert correlation([HAND_X], [[v] for v in HAND_Y]).r == pytest.approx(6 / math.sqrt(60))


def test_correlation_constant_variable_is_nan():
    res = correlation([1, 2, 3, 4], [5, 5, 5, 5])
    assert math.isnan(res.r)
    assert math.isnan(res.p_value)
    assert res.n == 4


def test_correlation_alternative():
    two = correlation(HAND_X, HAND_Y)
    greater = correlation(HAND_X, HAND_Y, alternative="greater")
    assert greater.p_value == pytest.approx(two.p_value / 2)
    assert greater.alternative == "greater"


def test_correlation_result_is_frozen_result():
    res = correlation(HAND_X, HAND_Y)
    assert isinstance(res, Result)
    assert isinstance(res, CorrelationResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.r = 0.0  # type: ignore[misc]
    frame = res.to_frame()
    assert frame.shape == (1, 7)
    assert frame.loc[0, "n"] == 5


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1, 2, 3], [1, 2]), {}, r"'x' has 3, 'y' has 2"),
        (([1, 2, np.nan, 4], [1, np.nan, 3, 4]), {}, r"at least 3 complete pairs.*2 pair\(s\)"),
        (([1, 2, 3], [1, 2, 3]), {"method": "kendall"}, r"'method' must be one of"),
        (([1, 2, 3], [1, 2, 3]), {"alternative": "up"}, r"'alternative' must be one of"),
        (([1, "x", 3], [1, 2, 3]), {}, r"'x' must contain numbers only"),
        (([[1, 2], [3, 4]], [1, 2, 3, 4]), {}, r"'x' must be a single row or column"),
    ],
)
def test_correlation_invalid_input_raises(args, kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        correlation(*args, **kwargs)


def test_correlation_different_labels_raise():
    x = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    y = pd.Series([1.0, 2.0, 3.0], index=["c", "b", "a"])
    with pytest.raises(AggloValueError, match=r"'x' and 'y' have different row labels"):
        correlation(x, y)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)),
        min_size=3,
        max_size=30,
    ),
    a=st.floats(0.1, 10),
    b=st.floats(-100, 100),
)
def test_correlation_bounds_symmetry_and_affine_invariance(data, a, b):
    x = np.array([d[0] for d in data], dtype=float)
    y = np.array([d[1] for d in data], dtype=float)
    res = correlation(x, y)
    if math.isnan(res.r):
        return
    assert -1 - 1e-12 <= res.r <= 1 + 1e-12
    assert 0 <= res.p_value <= 1
    assert correlation(y, x).r == pytest.approx(res.r, abs=1e-9)
    spear = correlation(x, y, method="spearman").r
    assert correlation(a * x + b, y, method="spearman").r == pytest.approx(spear, abs=1e-9)


# ---------------------------------------------------------------------------
# OLS
# ---------------------------------------------------------------------------


def test_ols_hand_computed_simple_regression():
    fit = ols(HAND_Y, HAND_X)
    assert fit.coefficients.tolist() == pytest.approx([2.2, 0.6])
    assert fit.std_errors.tolist() == pytest.approx([math.sqrt(0.88), math.sqrt(0.08)])
    assert fit.t_values["x"] == pytest.approx(0.6 / math.sqrt(0.08))
    assert fit.r_squared == pytest.approx(0.6)
    assert fit.adj_r_squared == pytest.approx(1 - 0.4 * 4 / 3)
    assert fit.f_statistic == pytest.approx(4.5)
    assert fit.sigma == pytest.approx(math.sqrt(0.8))
    assert (fit.n, fit.dropped, fit.df_resid) == (5, 0, 3)
    # One regressor: F test p = slope t test p = correlation p, and R² = r².
    assert fit.f_p_value == pytest.approx(fit.p_values["x"])
    assert fit.p_values["x"] == pytest.approx(correlation(HAND_X, HAND_Y).p_value)
    assert fit.r_squared == pytest.approx(correlation(HAND_X, HAND_Y).r ** 2)


@pytest.mark.parametrize("name", list(ANSCOMBE))
def test_ols_anscombe(name):
    # Anscombe (1973), same for all four sets: y = 3.00 + 0.500 x, SE(b) = 0.118,
    # regression SS 27.50, residual SS 13.75 with 9 d.f., R² = 0.667.
    x, y = ANSCOMBE[name]
    fit = ols(y, x)
    assert fit.coefficients["const"] == pytest.approx(3.00, abs=5e-3)
    assert fit.coefficients["x"] == pytest.approx(0.500, abs=5e-4)
    assert fit.std_errors["x"] == pytest.approx(0.118, abs=5e-4)
    assert fit.r_squared == pytest.approx(0.667, abs=1e-3)
    assert fit.df_resid == 9
    assert fit.sigma**2 * fit.df_resid == pytest.approx(13.75, abs=0.03)


def test_ols_nist_longley_certified_values():
    # NIST StRD "Longley" (linear regression, higher difficulty), certified values:
    # y = TOTEMP on GNPDEFL, GNP, UNEMP, ARMED, POP, YEAR with a constant.
    from statsmodels.datasets import longley

    data = longley.load_pandas().data
    fit = ols(data["TOTEMP"], data.drop(columns="TOTEMP"))
    certified_coef = [
        -3482258.63459582,
        15.0618722713733,
        -0.358191792925910e-01,
        -2.02022980381683,
        -1.03322686717359,
        -0.511041056535807e-01,
        1829.15146461355,
    ]
    certified_sd = [
        890420.383607373,
        84.9149257747669,
        0.334910077722432e-01,
        0.488399681651699,
        0.214274163161675,
        0.226073200069370,
        455.478499142212,
    ]
    assert fit.table.index.tolist() == ["const", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
    np.testing.assert_allclose(fit.coefficients.to_numpy(), certified_coef, rtol=1e-7)
    np.testing.assert_allclose(fit.std_errors.to_numpy(), certified_sd, rtol=1e-7)
    assert fit.sigma == pytest.approx(304.854073561965, rel=1e-8)
    assert fit.r_squared == pytest.approx(0.995479004577296, rel=1e-10)
    assert fit.n == 16
    assert fit.df_resid == 9


def test_ols_table_layout():
    fit = ols(HAND_Y, pd.Series(HAND_X, name="区位熵"))
    assert isinstance(fit, OLSResult)
    assert isinstance(fit, Result)
    assert fit.table.columns.tolist() == ["coef", "std_err", "t", "p"]
    assert fit.table.index.tolist() == ["const", "区位熵"]
    pd.testing.assert_frame_equal(fit.to_frame(), fit.table)
    assert "constant added" in fit.convention
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.n = 3  # type: ignore[misc]


def test_ols_matrix_names_and_normal_equations():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(30, 3))
    y = 1.0 + x @ np.array([0.5, -2.0, 0.0]) + rng.normal(scale=0.3, size=30)
    fit = ols(y, x)
    assert fit.table.index.tolist() == ["const", "x1", "x2", "x3"]
    # Oracle: the normal equations solved directly.
    design = np.column_stack([np.ones(30), x])
    beta = np.linalg.solve(design.T @ design, design.T @ y)
    resid = y - design @ beta
    sigma2 = resid @ resid / (30 - 4)
    se = np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * sigma2)
    np.testing.assert_allclose(fit.coefficients.to_numpy(), beta, rtol=1e-10)
    np.testing.assert_allclose(fit.std_errors.to_numpy(), se, rtol=1e-10)
    np.testing.assert_allclose(fit.p_values.to_numpy(), 2 * stats.t.sf(np.abs(beta / se), 26))
    tss = np.sum((y - y.mean()) ** 2)
    r2 = 1 - resid @ resid / tss
    assert fit.r_squared == pytest.approx(r2)
    f = (r2 / 3) / ((1 - r2) / 26)
    assert fit.f_statistic == pytest.approx(f)
    assert fit.f_p_value == pytest.approx(stats.f.sf(f, 3, 26))


def test_ols_without_constant_is_uncentred():
    # y = 2x exactly plus noise; through the origin: b = Σxy/Σx², R² = 1 - RSS/Σy².
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([2.1, 3.9, 6.2, 7.9])
    fit = ols(y, x, add_constant=False)
    b = (x @ y) / (x @ x)
    rss = np.sum((y - b * x) ** 2)
    assert fit.table.index.tolist() == ["x"]
    assert fit.coefficients["x"] == pytest.approx(b)
    assert fit.r_squared == pytest.approx(1 - rss / (y @ y))
    assert fit.std_errors["x"] == pytest.approx(math.sqrt(rss / 3 / (x @ x)))
    assert "uncentred" in fit.convention


def test_ols_drops_incomplete_rows_and_counts_them():
    x = pd.DataFrame({"a": [1, 2, np.nan, 3, 4, 5], "b": [1, 0, 1, 1, np.nan, 0.5]})
    y = [2, 4, 9, 5, 8, 4]
    fit = ols(y, x)
    assert (fit.n, fit.dropped) == (4, 2)
    complete = ols([2, 4, 5, 4], pd.DataFrame({"a": [1, 2, 3, 5], "b": [1, 0, 1, 0.5]}))
    pd.testing.assert_frame_equal(fit.table, complete.table)


@pytest.mark.parametrize(
    ("y", "x", "kwargs", "match"),
    [
        ([1, 2, 3], [1, 2], {}, r"'x' must have one row per observation of 'y' \(3\)"),
        ([1, 2], [1, 3], {}, r"more complete observations than parameters \(2\); received 2"),
        (
            [1, 2, np.nan, 4],
            [1, 3, 4, np.nan],
            {},
            r"more complete observations.*received 2 \(2 dropped",
        ),
        ([1, 2, 3, 4], [5, 5, 5, 5], {}, r"regressor 'x' adds no information \(it is constant"),
        (
            [1, 2, 3, 4, 5],
            pd.DataFrame({"a": [1, 2, 3, 4, 6], "b": [2, 4, 6, 8, 12]}),
            {},
            r"regressor 'b' adds no information \(it is a linear combination of const, a\)",
        ),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], {}, r"'y' must be a single row or column"),
        ([1, 2, "n/a", 4], [1, 2, 3, 4], {}, r"'y' must contain numbers only"),
    ],
)
def test_ols_invalid_input_raises(y, x, kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        ols(y, x, **kwargs)


def test_ols_different_labels_raise():
    y = pd.Series([1.0, 2.0, 4.0], index=["a", "b", "c"])
    x = pd.Series([1.0, 2.0, 3.0], index=["c", "b", "a"])
    with pytest.raises(AggloValueError, match=r"'y' and 'x' have different row labels"):
        ols(y, x)


@settings(max_examples=30, deadline=None)
@given(
    slope=st.floats(-5, 5),
    intercept=st.floats(-50, 50),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(5, 40),
)
def test_ols_row_order_invariance_and_r2_bounds(slope, intercept, seed, n):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, size=n)
    y = intercept + slope * x + rng.normal(size=n)
    fit = ols(y, x)
    perm = rng.permutation(n)
    again = ols(y[perm], x[perm])
    np.testing.assert_allclose(again.coefficients, fit.coefficients, rtol=1e-8, atol=1e-8)
    assert 0 <= fit.r_squared <= 1
    assert fit.adj_r_squared <= fit.r_squared + 1e-12


def test_ols_degenerate_constant_y_is_nan_without_warnings(recwarn):
    # TSS = 0: R² = 1 - 0/0 is undefined; the slope is exactly 0 and RSS = 0.
    fit = ols([3, 3, 3, 3], [1, 2, 3, 4])
    assert fit.coefficients.tolist() == pytest.approx([3.0, 0.0], abs=1e-12)
    assert math.isnan(fit.r_squared)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
