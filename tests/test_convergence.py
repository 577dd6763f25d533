"""σ and β convergence and kernel density: REAT and R stats values, independent fits, edges."""

from __future__ import annotations

import math

import agglo
import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE
from hypothesis import given, settings
from hypothesis import strategies as st

WAGE = pd.read_csv(REFERENCE / "input_province_wage_2014_2023.csv")
PANEL = WAGE.pivot(index="地区", columns="年份", values="平均工资")
REAT = pd.read_csv(REFERENCE / "reat_disparity.csv").set_index("measure")["value"]
RSTATS = pd.read_csv(REFERENCE / "r_stats_bandwidth.csv").set_index("measure")["value"]


def test_sigma_matches_reat():
    res = agglo.sigma_convergence(PANEL)
    frame = res.to_frame()
    assert frame.loc[2014, "sd_log"] == pytest.approx(REAT["sigma_sd_log_population_2014"], 1e-12)
    assert frame.loc[2023, "sd_log"] == pytest.approx(REAT["sigma_sd_log_population_2023"], 1e-12)
    sample = agglo.sigma_convergence(PANEL, ddof=1).to_frame()
    assert sample.loc[2014, "cv"] == pytest.approx(REAT["sigma_cv_sample_2014"], rel=1e-12)
    assert sample.loc[2023, "cv"] == pytest.approx(REAT["sigma_cv_sample_2023"], rel=1e-12)
    assert res.years == list(range(2014, 2024))
    np.testing.assert_allclose(res.sd_sample, PANEL.std(axis=0, ddof=1), rtol=1e-12)


def test_beta_cross_section_matches_reat():
    res = agglo.beta_convergence(PANEL, start=2014, end=2023)
    assert res.periods == 9
    assert res.beta == pytest.approx(REAT["beta_ols_2014_2023_beta"], rel=1e-9)
    assert res.std_error == pytest.approx(REAT["beta_ols_2014_2023_beta_se"], rel=1e-9)
    assert res.t == pytest.approx(REAT["beta_ols_2014_2023_beta_t"], rel=1e-9)
    assert res.p == pytest.approx(REAT["beta_ols_2014_2023_beta_p"], rel=1e-8)
    assert res.r_squared == pytest.approx(REAT["beta_ols_2014_2023_r2"], rel=1e-9)
    assert res.table.loc["const", "coef"] == pytest.approx(REAT["beta_ols_2014_2023_alpha"], 1e-9)
    # β > 0: wages diverged, so there is no convergence speed or half-life
    assert res.speed == pytest.approx(-math.log(1 + 9 * res.beta) / 9)
    assert np.isnan(res.half_life)


def test_beta_year_labels_as_text_and_positions():
    arr = PANEL.to_numpy()
    labels = [f"{y}年" for y in PANEL.columns]
    a = agglo.beta_convergence(arr, years=labels, start="2014年", end="2023年")
    b = agglo.beta_convergence(PANEL)
    assert a.beta == pytest.approx(b.beta, rel=1e-12)
    c = agglo.beta_convergence(arr)  # positions 0..9: T = 9 as well
    assert c.beta == pytest.approx(b.beta, rel=1e-12)


def test_conditional_beta_equals_least_squares():
    rng = np.random.default_rng(3)
    ctrl = rng.normal(size=(PANEL.shape[0], 2))
    res = agglo.beta_convergence(PANEL, controls=ctrl, start=2015, end=2020)
    logs = np.log(PANEL[[2015, 2020]].to_numpy())
    y = (logs[:, 1] - logs[:, 0]) / 5
    X = np.column_stack([np.ones(len(y)), logs[:, 0], ctrl])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert res.beta == pytest.approx(coef[1], rel=1e-9)
    resid = y - X @ coef
    cov = resid @ resid / (len(y) - X.shape[1]) * np.linalg.inv(X.T @ X)
    assert res.std_error == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-8)
    assert "conditional" in res.convention
    assert list(res.table.index) == ["const", "beta (ln y0)", "x1", "x2"]


def test_panel_fixed_effects_equals_within_estimator():
    res = agglo.beta_convergence(PANEL, fixed_effects=True)
    logs = np.log(PANEL.to_numpy())
    g = logs[:, 1:] - logs[:, :-1]
    x = logs[:, :-1]
    gd = g - g.mean(axis=1, keepdims=True)
    xd = x - x.mean(axis=1, keepdims=True)
    beta = (gd * xd).sum() / (xd**2).sum()
    assert res.beta == pytest.approx(beta, rel=1e-9)
    n, t = g.shape
    resid = gd - beta * xd
    se = math.sqrt((resid**2).sum() / (n * t - n - 1) / (xd**2).sum())
    assert res.std_error == pytest.approx(se, rel=1e-8)
    assert res.n == n * t
    assert res.periods == 1.0


def test_convergent_panel_speed_and_half_life():
    # y_T = y_0^(1+βT) exactly: the estimated β recovers it, λ and half-life follow
    y0 = np.array([1.0, 2.0, 4.0, 8.0, 16.0]) * 1000
    beta_true = -0.05
    T = 10
    yT = np.exp(np.log(y0) * (1 + beta_true * T))
    res = agglo.beta_convergence(np.column_stack([y0, yT]), years=[2000, 2010])
    assert res.beta == pytest.approx(beta_true, rel=1e-9)
    lam = -math.log(1 + beta_true * T) / T
    assert res.speed == pytest.approx(lam, rel=1e-9)
    assert res.half_life == pytest.approx(math.log(2) / lam, rel=1e-9)


def test_convergence_edges():
    with pytest.raises(agglo.AggloValueError, match="正数"):
        agglo.sigma_convergence([[1.0, 2.0], [0.0, 3.0]])
    with pytest.raises(agglo.AggloValueError, match="平衡面板"):
        agglo.beta_convergence([[1.0, np.nan], [2.0, 3.0], [3.0, 4.0]])
    with pytest.raises(agglo.AggloValueError, match="'end'"):
        agglo.beta_convergence(PANEL, start=2020, end=2016)
    with pytest.raises(agglo.AggloValueError, match="'start'"):
        agglo.beta_convergence(PANEL, start=1999)
    with pytest.raises(agglo.AggloValueError, match="controls"):
        agglo.beta_convergence(PANEL, controls=np.ones((31, 1)), fixed_effects=True)
    with pytest.raises(agglo.AggloValueError, match="等间隔"):
        agglo.beta_convergence(PANEL[[2014, 2015, 2017]], fixed_effects=True)


def test_kernel_bandwidths_match_r():
    x = PANEL[2023].to_numpy()
    assert agglo.kernel_density(x).bandwidth[0] == pytest.approx(RSTATS["bw_nrd0_2023"], 1e-12)
    scott = agglo.kernel_density(x, bandwidth="scott").bandwidth[0]
    assert scott == pytest.approx(RSTATS["bw_nrd_2023"], rel=1e-12)
    logs = agglo.kernel_density(np.log(x)).bandwidth[0]
    assert logs == pytest.approx(RSTATS["bw_nrd0_log_2023"], rel=1e-12)


def test_kernel_density_is_the_gaussian_sum_and_integrates_to_one():
    from scipy.stats import norm

    x = PANEL[[2014, 2023]].to_numpy()
    res = agglo.kernel_density(x, points=400)
    assert res.density.shape == (400, 2)
    for j in range(2):
        h = res.bandwidth[j]
        direct = norm.pdf((res.grid[:, None] - x[None, :, j]) / h).sum(axis=1) / (len(x) * h)
        np.testing.assert_allclose(res.density[:, j], direct, rtol=1e-10)
        assert np.trapezoid(res.density[:, j], res.grid) == pytest.approx(1.0, abs=2e-3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1.0, 1e5), min_size=3, max_size=30), st.floats(0.5, 50))
def test_sigma_properties(vals, factor):
    base = np.array(vals)
    panel = np.column_stack([base, base * factor])
    res = agglo.sigma_convergence(panel)
    # a proportional change moves every region alike: CV and sd of logs stay put
    assert res.cv[1] == pytest.approx(res.cv[0], rel=1e-9, abs=1e-12)
    assert res.sd_log[1] == pytest.approx(res.sd_log[0], rel=1e-7, abs=1e-9)
    n = len(vals)
    assert res.sd_sample[0] == pytest.approx(res.sd_population[0] * math.sqrt(n / (n - 1)))


def test_kernel_density_equals_scipy_gaussian_kde_with_the_same_bandwidth():
    from scipy.stats import gaussian_kde

    x = PANEL[2020].to_numpy()
    res = agglo.kernel_density(x, bandwidth="scott", points=50)
    peer = gaussian_kde(x, bw_method=res.bandwidth[0] / x.std(ddof=1))(res.grid)
    np.testing.assert_allclose(res.density, peer, rtol=1e-9)


def test_kernel_density_edges():
    with pytest.raises(agglo.AggloValueError, match="带宽为 0"):
        agglo.kernel_density([3.0, 3.0, 3.0])
    with pytest.raises(agglo.AggloValueError, match="'bandwidth'"):
        agglo.kernel_density([1.0, 2.0], bandwidth=-1)
    nearly = agglo.kernel_density([1e6, 1e6 + 1e-9, 1e6 + 2e-9], points=5)
    assert np.all(np.isfinite(nearly.density))


def test_conditional_panel_beta_equals_within_regression():
    rng = np.random.default_rng(7)
    arr = PANEL.to_numpy()
    x1 = rng.normal(size=arr.shape)
    res = agglo.beta_convergence(PANEL, controls={"open": x1}, fixed_effects=True)
    logs = np.log(arr)
    g = (logs[:, 1:] - logs[:, :-1]).ravel()
    lv = logs[:, :-1].ravel()
    xc = x1[:, :-1].ravel()
    region = np.repeat(np.arange(arr.shape[0]), arr.shape[1] - 1)

    def demean(v):
        means = np.bincount(region, weights=v) / np.bincount(region)
        return v - means[region]

    Z = np.column_stack([demean(lv), demean(xc)])
    coef, *_ = np.linalg.lstsq(Z, demean(g), rcond=None)
    assert res.beta == pytest.approx(coef[0], rel=1e-8)
    assert res.table.loc["open", "coef"] == pytest.approx(coef[1], rel=1e-8)
    assert "conditional" in res.convention
    same = agglo.beta_convergence(PANEL, controls=[x1], fixed_effects=True)
    assert same.beta == pytest.approx(res.beta)
    with pytest.raises(agglo.AggloValueError, match="'controls'"):
        agglo.beta_convergence(PANEL, controls={"open": x1[:, :5]}, fixed_effects=True)


def test_kernel_density_agrees_with_r_density():
    # R bins the data before its FFT, so agreement is to about 1e-3 of the peak
    ref = pd.read_csv(REFERENCE / "r_stats_density_2023.csv")
    res = agglo.kernel_density(PANEL[2023].to_numpy(), grid=ref["x"].to_numpy())
    np.testing.assert_allclose(res.density, ref["y"], rtol=0, atol=2e-3 * ref["y"].max())
