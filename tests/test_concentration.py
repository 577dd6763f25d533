"""Tests of agglo.concentration: HHI, CR_n and the Gini family.

(Ellison–Glaeser and Maurel–Sédillot, re-exported by agglo.concentration, are tested in
their own file.)  Order: published and peer values first, each naming the peer and the
convention that reproduces it; then hypothesis properties; then edge cases and errors.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, TotalRowWarning
from agglo.concentration import (
    concentration_ratio,
    gini,
    hhi,
    locational_gini,
    lq_gini,
    spatial_gini,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

REFERENCE = Path(__file__).resolve().parent / "reference"

# The 5 × 5 test matrix of methods.md §D1 (EconGeo examples).
MAT = np.array(
    [
        [100, 0, 0, 0, 0],
        [0, 15, 5, 70, 10],
        [0, 20, 10, 20, 50],
        [0, 25, 30, 5, 40],
        [0, 40, 55, 5, 0],
    ],
    dtype=float,
)
MAT_DF = pd.DataFrame(
    MAT, index=[f"R{i}" for i in range(1, 6)], columns=[f"I{i}" for i in range(1, 6)]
)
POP = [10, 15, 20, 25, 30]


@pytest.fixture(scope="module")
def employment():
    return pd.read_csv(REFERENCE / "input_employment_matrix_2023.csv", index_col=0)


@pytest.fixture(scope="module")
def peer_industry():
    return pd.read_csv(REFERENCE / "peer_concentration_by_industry_employment2023.csv", index_col=0)


@pytest.fixture(scope="module")
def peer_region():
    return pd.read_csv(REFERENCE / "peer_specialisation_by_region_employment2023.csv", index_col=0)


# --------------------------------------------------------------------------------------
# HHI
# --------------------------------------------------------------------------------------


def test_hhi_reat_example():
    # methods.md B2: shares ∝ (50, 30, 20, 10, 5, 5): H = 0.2743056, H* = 0.1291667
    # (REAT herf and herf(coefnorm=TRUE)).
    assert hhi([50, 30, 20, 10, 5, 5]) == pytest.approx(0.2743056, abs=5e-8)
    assert hhi([50, 30, 20, 10, 5, 5], normalized=True) == pytest.approx(0.1291667, abs=5e-8)
    assert hhi([50, 30, 20, 10, 5, 5], percent=True) == pytest.approx(2743.056, abs=5e-4)


def test_hhi_econgeo_orientation_test_matrix():
    # methods.md §D1: EconGeo herfindahl(mat) is per REGION (axis=1 here);
    # herfindahl(t(mat)) is per INDUSTRY (axis=0, our default).
    np.testing.assert_allclose(hhi(MAT, axis=1), [1.000, 0.525, 0.340, 0.315, 0.465])
    np.testing.assert_allclose(hhi(MAT), [1.000, 0.285, 0.405, 0.535, 0.420])
    # the pitfall: the two orientations differ, and axis=1 is the transpose
    assert not np.allclose(hhi(MAT), hhi(MAT, axis=1))
    np.testing.assert_allclose(hhi(MAT, axis=1), hhi(MAT.T))


def test_hhi_employment_peers(employment, peer_industry, peer_region):
    # peer_concentration_by_industry_employment2023.csv: EconGeo herfindahl(t(mat)) and
    # REAT herf per industry (default axis=0); REAT herf(coefnorm=TRUE) = normalized=True.
    h = hhi(employment)
    assert isinstance(h, pd.Series)
    np.testing.assert_allclose(
        h.loc[peer_industry.index], peer_industry["econgeo_herfindahl_of_transpose"], rtol=1e-12
    )
    np.testing.assert_allclose(h.loc[peer_industry.index], peer_industry["reat_herf"], rtol=1e-12)
    np.testing.assert_allclose(
        hhi(employment, normalized=True).loc[peer_industry.index],
        peer_industry["reat_herf_normalised"],
        rtol=1e-12,
    )
    # peer_specialisation_by_region_employment2023.csv: EconGeo herfindahl(mat), per region
    np.testing.assert_allclose(
        hhi(employment, axis=1).loc[peer_region.index],
        peer_region["econgeo_herfindahl_per_region"],
        rtol=1e-12,
    )


def test_hhi_integer_overflow_regression():
    # EconGeo multiplies integers and overflows (NA) on big integer matrices; values are
    # converted to float64 here.  int32 squares above 2^31, int64 squares above 2^63.
    m32 = np.array([[100000, 200000], [300000, 50000]], dtype=np.int32)
    np.testing.assert_allclose(hhi(m32), hhi(m32.astype(float)), rtol=1e-14)
    np.testing.assert_allclose(hhi(m32), [0.625, 0.68], rtol=1e-14)
    m64 = np.array([4_000_000_000, 4_000_000_000], dtype=np.int64)
    assert hhi(m64) == pytest.approx(0.5)
    assert concentration_ratio(m64, n=1) == pytest.approx(0.5)
    assert gini(np.array([0, 4_000_000_000], dtype=np.int64)) == pytest.approx(0.5)


# --------------------------------------------------------------------------------------
# CR_n
# --------------------------------------------------------------------------------------


def test_concentration_ratio_values():
    # CR_n = share of the n largest ([nonferrous] in docs/references.md); (50, 30, 20, 10, 5, 5), total 120.
    v = [5, 30, 10, 50, 5, 20]
    assert concentration_ratio(v, n=1) == pytest.approx(50 / 120)
    assert concentration_ratio(v, n=4) == pytest.approx(110 / 120)
    assert concentration_ratio(v, n=6) == pytest.approx(1.0)
    assert concentration_ratio(v, n=10) == pytest.approx(1.0)  # n above the units: all
    # ties at rank n: either tied unit gives the same share
    assert concentration_ratio([5, 5, 5, 1], n=2) == pytest.approx(10 / 16)
    got = concentration_ratio(MAT_DF, n=2)
    assert isinstance(got, pd.Series)
    np.testing.assert_allclose(got, [1.0, 0.65, 0.85, 0.9, 0.9])
    np.testing.assert_allclose(concentration_ratio(MAT, n=1, axis=1), [1.0, 0.7, 0.5, 0.4, 0.55])


# --------------------------------------------------------------------------------------
# Gini family
# --------------------------------------------------------------------------------------


def test_gini_plain_and_corrected():
    # methods.md B3(a): (10, 15, 20, 25, 30): G = 0.2 (PySAL Gini, REAT gini, EconGeo gini);
    # corrected n/(n−1) = 0.25 (REAT gini(coefnorm=TRUE)).
    assert gini([10, 15, 20, 25, 30]) == pytest.approx(0.2, abs=1e-12)
    assert gini([10, 15, 20, 25, 30], corrected=True) == pytest.approx(0.25, abs=1e-12)


def test_gini_econgeo_per_column():
    # methods.md §D1: EconGeo gini per industry column: 0.80 0.36 0.54 0.62 0.56.
    np.testing.assert_allclose(gini(MAT), [0.80, 0.36, 0.54, 0.62, 0.56], atol=1e-12)


def test_gini_employment_econgeo_rounded(employment, peer_industry):
    # EconGeo gini rounds to 3 decimals; our unrounded value rounds to the same.
    got = gini(employment).loc[peer_industry.index].round(3)
    np.testing.assert_array_equal(got.to_numpy(), peer_industry["econgeo_gini_column"].to_numpy())


def _gini_double_sum(y, p):
    y = np.asarray(y, float)
    p = np.asarray(p, float) / np.sum(p)
    mean = np.sum(p * y)
    return np.sum(p[:, None] * p[None, :] * np.abs(y[:, None] - y[None, :])) / (2 * mean)


def test_gini_population_weighted():
    # methods.md B3(a): G_w = (1/(2ȳ_w)) ΣΣ p_i p_j |y_i − y_j|.
    y = [3.0, 10.0, 1.0, 7.0]
    p = [5.0, 1.0, 2.0, 2.0]
    assert gini(y, weights=p) == pytest.approx(_gini_double_sum(y, p), rel=1e-12)
    # integer weights = replicating the units
    assert gini([10, 20], weights=[3, 1]) == pytest.approx(gini([10, 10, 10, 20]), rel=1e-12)
    # equal weights = unweighted
    assert gini(y, weights=[2, 2, 2, 2]) == pytest.approx(gini(y), rel=1e-12)


def test_gini_reat_documented_examples():
    # REAT 3.0.3 gini() help page (man/gini.Rd, examples taken from Dörsam 2004), which our
    # default (uncorrected) and corrected=True reproduce: sales (20, 50, 20, 10) -> 0.3,
    # coefnorm=TRUE -> 0.4; income classes with class sizes as weights -> 0.5278 (values
    # already ascending, so REAT's weight pairing is right there); German regional GDP
    # 2015 -> 0.5009.
    assert gini([20, 50, 20, 10]) == pytest.approx(0.3, abs=1e-12)
    assert gini([20, 50, 20, 10], corrected=True) == pytest.approx(0.4, abs=1e-12)
    income = [500, 1500, 2500, 4000, 7500, 15000]
    sizes = [1000, 1200, 1600, 400, 200, 600]
    assert gini(income, weights=sizes) == pytest.approx(0.5278, abs=5e-5)
    gdp = [460.69, 549.19, 124.16, 65.29, 31.59, 109.27, 263.44, 39.87, 258.53, 645.59,
           131.95, 35.03, 112.66, 56.22, 85.61, 56.81]  # fmt: skip
    assert gini(gdp) == pytest.approx(0.5009, abs=5e-5)


def test_gini_weights_follow_their_values_regression():
    # REAT's weighted gini pairs sorted values with unsorted weights, so its result
    # depends on input order; here each weight stays with its value.
    y = np.array([9.0, 1.0, 4.0])
    p = np.array([1.0, 6.0, 3.0])
    a = gini(y, weights=p)
    b = gini(y[::-1], weights=p[::-1])
    assert a == pytest.approx(b, rel=1e-12)
    assert a == pytest.approx(_gini_double_sum(y, p), rel=1e-12)


def test_spatial_gini_reat_example():
    # methods.md B4: plants (50, 30, 20, 10, 5, 5) in regions (A, A, B, B, C, C), regional
    # totals (1000, 600, 400): G = 0.04388889 (REAT ellison.a "G i").
    assert spatial_gini([80, 30, 10], region_totals=[1000, 600, 400]) == pytest.approx(
        0.04388889, abs=5e-9
    )


def test_spatial_gini_reat_synthetic_plants():
    # reat_ellison_glaeser_synthetic_plants.csv: REAT ellison.a G per industry; aggregated
    # to a regions × industries block with the given regional totals, Σ(s − x)² matches.
    plants = pd.read_csv(REFERENCE / "input_synthetic_plants.csv")
    totals = pd.read_csv(REFERENCE / "input_region_totals_2023.csv", index_col=0).iloc[:, 0]
    ref = pd.read_csv(REFERENCE / "reat_ellison_glaeser_synthetic_plants.csv", index_col=0)
    block = (
        plants.pivot_table(index="region", columns="industry", values="employment", aggfunc="sum")
        .reindex(totals.index)
        .fillna(0.0)
    )
    got = spatial_gini(block, region_totals=totals)
    np.testing.assert_allclose(got.loc[ref.index], ref["G"], rtol=1e-10)
    # the plant Herfindahl H of each industry is hhi of its plant sizes
    h = plants.groupby("industry")["employment"].apply(lambda v: hhi(v.to_numpy()))
    np.testing.assert_allclose(h.loc[ref.index], ref["H"], rtol=1e-12)


def test_locational_gini_econgeo_halved_regression():
    # methods.md B3/§D1: EconGeo locational_gini divides the Lorenz area by 2:
    # I1 0.40 I2 0.18 I3 0.27 I4 0.31 I5 0.28 (halved=True); the Lorenz Gini is twice that
    # (I1: all in R1 with x = 0.2 -> 0.80).
    half = locational_gini(MAT_DF, halved=True)
    np.testing.assert_allclose(half, [0.40, 0.18, 0.27, 0.31, 0.28], atol=1e-12)
    full = locational_gini(MAT_DF)
    assert full["I1"] == pytest.approx(0.80)
    np.testing.assert_allclose(full, 2 * half, rtol=1e-14)


def test_locational_gini_employment_econgeo(employment, peer_industry):
    # peer_concentration_by_industry_employment2023.csv: EconGeo locational_gini (halved).
    got = locational_gini(employment, halved=True)
    np.testing.assert_allclose(
        got.loc[peer_industry.index], peer_industry["econgeo_locational_gini_halved"], rtol=1e-12
    )


def test_locational_gini_population_is_econgeo_hoover_gini():
    # methods.md §D1: EconGeo hoover_gini(mat, pop=c(10,15,20,25,30)) (3 d.p.):
    # I1 0.900 I2 0.160 I3 0.367 I4 0.673 I5 0.535; hoover_gini(c(0,10,10,30,50), pop)=0.31.
    got = locational_gini(MAT, region_totals=POP)
    np.testing.assert_allclose(got.round(3), [0.900, 0.160, 0.367, 0.673, 0.535])
    assert locational_gini([0, 10, 10, 30, 50], region_totals=POP) == pytest.approx(0.31)


def test_lq_gini_reat_gini_conc(employment, peer_industry):
    # peer_concentration_by_industry_employment2023.csv: REAT gini.conc (Gini of the LQs,
    # regions unweighted).
    got = lq_gini(employment)
    np.testing.assert_allclose(
        got.loc[peer_industry.index], peer_industry["reat_gini_conc"], rtol=1e-12
    )
    # with equal region sizes it coincides with the plain Gini of each column (§D1)
    np.testing.assert_allclose(lq_gini(MAT), [0.80, 0.36, 0.54, 0.62, 0.56], atol=1e-12)


def test_lq_gini_is_gini_of_lqs():
    from agglo.location import location_quotient

    block = np.array([[5.0, 1.0], [2.0, 8.0], [3.0, 3.0], [9.0, 1.0]])
    lq = location_quotient(block)
    np.testing.assert_allclose(lq_gini(block), gini(lq), rtol=1e-12)


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

positive_vectors = arrays(np.float64, st.integers(1, 30), elements=st.floats(1e-3, 1e6))
blocks = arrays(
    np.float64,
    st.tuples(st.integers(2, 8), st.integers(1, 5)),
    elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
)


@settings(max_examples=80, deadline=None)
@given(positive_vectors)
def test_hhi_bounds(v):
    n = v.size
    h = hhi(v, total_rows="ignore")
    assert 1 / n - 1e-12 <= h <= 1 + 1e-12
    hn = hhi(v, normalized=True, total_rows="ignore")
    if n > 1:
        assert -1e-9 <= hn <= 1 + 1e-9


@settings(max_examples=80, deadline=None)
@given(positive_vectors)
def test_cr_non_decreasing_in_n(v):
    crs = [concentration_ratio(v, n=k, total_rows="ignore") for k in range(1, v.size + 2)]
    assert all(b >= a - 1e-12 for a, b in zip(crs, crs[1:], strict=False))
    assert crs[0] >= 1 / v.size - 1e-12
    assert crs[-1] == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(positive_vectors, st.randoms(use_true_random=False))
def test_gini_range_and_order_invariance(v, rnd):
    g = gini(v, total_rows="ignore")
    assert -1e-12 <= g < 1
    assert g <= (v.size - 1) / v.size + 1e-9
    perm = list(range(v.size))
    rnd.shuffle(perm)
    assert gini(v[perm], total_rows="ignore") == pytest.approx(g, abs=1e-12)
    w = np.arange(1.0, v.size + 1)
    gw = gini(v, weights=w, total_rows="ignore")
    assert -1e-12 <= gw < 1
    assert gini(v[perm], weights=w[perm], total_rows="ignore") == pytest.approx(gw, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(blocks, st.randoms(use_true_random=False), st.floats(1e-2, 1e2))
def test_block_measures_row_order_and_scale_invariance(block, rnd, factor):
    perm = list(range(block.shape[0]))
    rnd.shuffle(perm)
    for f in (hhi, gini, spatial_gini, locational_gini, lq_gini):
        base = f(block, total_rows="ignore")
        np.testing.assert_allclose(
            f(block[perm], total_rows="ignore"), base, rtol=1e-9, atol=1e-12, equal_nan=True
        )
        np.testing.assert_allclose(
            f(block * factor, total_rows="ignore"), base, rtol=1e-9, atol=1e-12, equal_nan=True
        )


@settings(max_examples=60, deadline=None)
@given(blocks)
def test_block_measure_ranges(block):
    sg = spatial_gini(block, total_rows="ignore")
    sg = sg[~np.isnan(sg)]
    assert ((sg >= 0) & (sg < 2)).all()
    for f in (locational_gini, lq_gini):
        g = f(block, total_rows="ignore")
        g = g[~np.isnan(g)]
        assert ((g >= -1e-12) & (g < 1)).all()
    # locational Gini equals the x-weighted Gini of the LQs (Lorenz-curve identity)
    x = block.sum(axis=1)
    if x.sum() > 0:
        from agglo.location import location_quotient

        keep = x > 0
        lq = location_quotient(block[keep], total_rows="ignore")
        expected = gini(lq, weights=x[keep], total_rows="ignore")
        np.testing.assert_allclose(
            locational_gini(block, total_rows="ignore"), expected, atol=1e-9, equal_nan=True
        )


# --------------------------------------------------------------------------------------
# edge cases
# --------------------------------------------------------------------------------------


def test_zero_column_and_zero_row():
    block = np.array([[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [5.0, 0.0, 10.0]])
    for f in (hhi, gini, concentration_ratio, spatial_gini, locational_gini, lq_gini):
        out = f(block)
        assert np.isnan(out[1]), f.__name__  # empty industry: 0/0
        assert not np.isnan(out[[0, 2]]).any(), f.__name__
    # an empty region counts as a unit for the distribution measures and has no width in
    # the reference-based measures (its LQ is 0/0 and left out of lq_gini)
    np.testing.assert_allclose(
        locational_gini(block)[[0, 2]], locational_gini(block[[0, 2]])[[0, 2]]
    )
    np.testing.assert_allclose(lq_gini(block)[[0, 2]], lq_gini(block[[0, 2]])[[0, 2]])
    np.testing.assert_allclose(spatial_gini(block)[[0, 2]], spatial_gini(block[[0, 2]])[[0, 2]])


def test_single_region_and_all_equal():
    one = np.array([[3.0, 4.0]])
    np.testing.assert_allclose(hhi(one), [1.0, 1.0])
    assert np.isnan(hhi(one, normalized=True)).all()  # (1 − 1)/(1 − 1)
    np.testing.assert_allclose(gini(one), [0.0, 0.0])
    assert np.isnan(gini(one, corrected=True)).all()
    np.testing.assert_allclose(spatial_gini(one), [0.0, 0.0])
    np.testing.assert_allclose(locational_gini(one), [0.0, 0.0])
    eq = np.full((6, 3), 4.0)
    np.testing.assert_allclose(hhi(eq), 1 / 6)
    np.testing.assert_allclose(hhi(eq, normalized=True), 0.0, atol=1e-12)
    np.testing.assert_allclose(gini(eq), 0.0, atol=1e-12)
    np.testing.assert_allclose(spatial_gini(eq), 0.0, atol=1e-15)
    np.testing.assert_allclose(locational_gini(eq), 0.0, atol=1e-12)
    np.testing.assert_allclose(lq_gini(eq), 0.0, atol=1e-12)
    np.testing.assert_allclose(concentration_ratio(eq, n=2), 2 / 6)


def test_missing_values():
    # Distribution measures leave missing values out (n counts the observed units) ...
    v = [50, np.nan, 30, 20]
    assert hhi(v) == pytest.approx(hhi([50, 30, 20]))
    assert hhi(v, normalized=True) == pytest.approx(hhi([50, 30, 20], normalized=True))
    assert gini(v) == pytest.approx(gini([50, 30, 20]))
    assert gini(v, weights=[1, 5, 2, 3]) == pytest.approx(gini([50, 30, 20], weights=[1, 2, 3]))
    assert concentration_ratio(v, n=1) == pytest.approx(0.5)
    block = MAT.copy()
    block[1, 2] = np.nan
    np.testing.assert_allclose(gini(block)[2], gini(np.delete(MAT[:, 2], 1)))
    # ... block measures count a missing cell as 0
    filled = np.nan_to_num(block)
    for f in (spatial_gini, locational_gini, lq_gini):
        np.testing.assert_allclose(f(block), f(filled), err_msg=f.__name__)


def test_pandas_and_types():
    assert isinstance(hhi([1, 2, 3]), float)
    assert isinstance(hhi(MAT), np.ndarray)
    out = hhi(MAT_DF, axis=1)
    assert list(out.index) == list(MAT_DF.index)
    for f in (gini, spatial_gini, locational_gini, lq_gini, concentration_ratio):
        res = f(MAT_DF)
        assert isinstance(res, pd.Series), f.__name__
        assert list(res.index) == list(MAT_DF.columns)
    assert isinstance(spatial_gini(MAT_DF["I2"], region_totals=MAT.sum(axis=1)), float)


def test_input_not_modified():
    block = MAT.copy()
    block[0, 1] = np.nan
    keep = block.copy()
    for f in (hhi, gini, concentration_ratio, spatial_gini, locational_gini, lq_gini):
        f(block)
    np.testing.assert_array_equal(block, keep)


def test_total_row_detection():
    df = MAT_DF.copy()
    df.loc["全国"] = df.sum(axis=0)
    for f in (hhi, gini, concentration_ratio, spatial_gini, locational_gini, lq_gini):
        with pytest.warns(TotalRowWarning, match="total row"):
            f(df)
        with pytest.raises(AggloValueError, match="seems to contain a total row"):
            f(df, total_rows="raise")
        np.testing.assert_allclose(
            f(df, total_rows="exclude"), f(MAT_DF), err_msg=f.__name__, rtol=1e-12
        )
    # a labelled total in a 1-D range (label check only for a single column)
    s = pd.Series([5.0, 3.0, 8.0], index=["甲", "乙", "合计"])
    with pytest.raises(AggloValueError, match="'values' seems to contain a total"):
        hhi(s, total_rows="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hhi([1.0, 2.0, 3.0])  # 3 = 1 + 2, but one column is not checked numerically


def test_errors():
    with pytest.raises(AggloValueError, match="'values' must be non-negative"):
        hhi([1, -2, 3])
    with pytest.raises(AggloValueError, match="'values' must contain numbers only"):
        gini([1, "x", 3])
    with pytest.raises(AggloValueError, match="'data' must be non-negative"):
        spatial_gini([[1, -2], [3, 4]])
    with pytest.raises(AggloValueError, match="'data' must contain numbers only"):
        locational_gini([[1, "…"], [3, 4]])
    with pytest.raises(AggloValueError, match="'axis'"):
        hhi(MAT, axis=2)
    with pytest.raises(AggloValueError, match="'n' must be a whole number"):
        concentration_ratio([1, 2], n=0)
    with pytest.raises(AggloValueError, match="'weights' must have one weight per value"):
        gini([1, 2, 3], weights=[1, 2])
    with pytest.raises(AggloValueError, match="'weights' must not be all zero"):
        gini([1, 2, 3], weights=[0, 0, 0])
    with pytest.raises(AggloValueError, match="'region_totals' is required"):
        locational_gini([1, 2, 3])
    with pytest.raises(AggloValueError, match="'region_totals' must have one value per region"):
        spatial_gini(MAT, region_totals=[1, 2])
    with pytest.raises(AggloValueError, match="'total_rows' must be one of"):
        lq_gini(MAT, total_rows="no")
    with pytest.raises(AggloValueError, match="'values' must be"):
        hhi(np.ones((2, 2, 2)))


def test_locational_gini_zero_reference_region_with_activity_comes_last():
    # Regression: a region with zero reference total (e.g. population 0) but some of the
    # industry has LQ = ∞ and must close the Lorenz curve.  Hand computation for
    # s = (0, 2/3, 1/3), x = (0.5, 0, 0.5): order r1, r3, r2; cx = (.5, 1, 1),
    # cs = (0, 1/3, 1); G = Σ(cs_i cx_{i−1} − cs_{i−1} cx_i) = 0 + 1/6 + 2/3 = 5/6.
    for data, ref in (([0, 10, 5], [1, 0, 1]), ([10, 0, 5], [0, 1, 1]), ([5, 10, 0], [1, 0, 1])):
        got = locational_gini(data, region_totals=ref)
        expected = _lorenz_gini_by_hand(np.array(data, float), np.array(ref, float))
        assert got == pytest.approx(expected, abs=1e-12)
    assert locational_gini([0, 10, 5], region_totals=[1, 0, 1]) == pytest.approx(5 / 6)
    # everything in a region without reference activity: maximal concentration
    assert locational_gini([0, 10], region_totals=[1, 0]) == pytest.approx(1.0)


def _lorenz_gini_by_hand(data, ref):
    """Direct Lorenz construction (LQ = s/x, ∞ for x = 0 < s), one region at a time."""
    s = data / data.sum()
    x = ref / ref.sum()
    lq = [
        np.inf if xi == 0 and si > 0 else (0.0 if xi == 0 else si / xi)
        for si, xi in zip(s, x, strict=True)
    ]
    order = sorted(range(len(s)), key=lambda i: lq[i])
    cs = np.concatenate([[0.0], np.cumsum(s[order])])
    cx = np.concatenate([[0.0], np.cumsum(x[order])])
    return float(np.sum(cs[1:] * cx[:-1] - cs[:-1] * cx[1:]))


@pytest.mark.parametrize(
    ("weights", "zh", "en"),
    [
        ([1.0, 2.0], "每个值一个权重（共3个）", "one weight per value (3)"),
        ([0.0, 0.0, 0.0], "不能全为零", "must not be all zero"),
    ],
)
def test_gini_weight_refusals_are_chinese_first(weights, zh, en):
    """Weights of the wrong length or all zero: Chinese first, then English."""
    with pytest.raises(AggloValueError) as err:
        gini([10.0, 20.0, 30.0], weights=weights)
    message = str(err.value)
    assert zh in message, message
    assert message.index(zh) < message.index(en)
