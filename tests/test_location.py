"""Tests of agglo.location: location quotient, LQ score, Krugman specialisation, Hoover.

Order: published and peer values first (each test names the peer and the convention that
reproduces it), then hypothesis properties, then edge cases and error messages.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, TotalRowWarning
from agglo.location import hoover_coefficient, krugman_specialisation, location_quotient, lq_score
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

# The 5 × 5 test matrix of methods.md §D1 (EconGeo examples), rows R1..R5, columns I1..I5.
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


REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.fixture(scope="module")
def employment():
    return pd.read_csv(REFERENCE / "input_employment_matrix_2023.csv", index_col=0)


# --------------------------------------------------------------------------------------
# published and peer values
# --------------------------------------------------------------------------------------


def test_reat_locq_scalar_example():
    # methods.md B1: REAT locq(1714, 79006, 879213, 15593224) = 0.3847623
    # (Farhauer/Kroell example); element-wise mode with the four totals reproduces it.
    assert location_quotient(1714, 79006, 879213, 15593224) == pytest.approx(0.3847623, abs=5e-8)
    assert isinstance(location_quotient(1714, 79006, 879213, 15593224), float)


def test_econgeo_matrix_totals_from_block():
    # methods.md §D1: EconGeo location_quotient(mat), totals taken from the matrix.
    expected = [
        [5, 0.00, 0.00, 0.00, 0.0],
        [0, 0.75, 0.25, 3.50, 0.5],
        [0, 1.00, 0.50, 1.00, 2.5],
        [0, 1.25, 1.50, 0.25, 2.0],
        [0, 2.00, 2.75, 0.25, 0.0],
    ]
    np.testing.assert_allclose(location_quotient(MAT), expected, rtol=1e-12)


def test_econgeo_binary_matrix():
    # methods.md §D1: EconGeo location_quotient(mat, binary=TRUE); LQ == 1 (R3/I2, R3/I4)
    # stays 1, i.e. the convention LQ >= 1 -> 1 (also ecomplexity rca_mcp_threshold=1).
    expected = [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 1, 0, 1, 1],
        [0, 1, 1, 0, 1],
        [0, 1, 1, 0, 0],
    ]
    np.testing.assert_array_equal(location_quotient(MAT, form="binary"), expected)


def test_econgeo_gdp_2015_reference():
    # tests/reference/econgeo_location_quotient_gdp2015.csv: EconGeo 2.1 location_quotient
    # with totals from the three-sector block (not the GDP column).  The reference file is
    # sorted by province name, the bundled data is not: compare by label.
    ref = pd.read_csv(REFERENCE / "econgeo_location_quotient_gdp2015.csv", index_col=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TotalRowWarning)
        lq = location_quotient(agglo.gdp_by_sector(2015))
    assert list(lq.columns) == list(ref.columns)
    assert sorted(lq.index) == sorted(ref.index)
    pd.testing.assert_frame_equal(lq.loc[ref.index], ref, check_exact=False, rtol=1e-12)


def test_econgeo_krugman_index_test_matrix():
    # methods.md §D1: EconGeo krugman_index R1 1.6 R2 1.0 R3 0.6 R4 0.7 R5 1.1;
    # spec_coeff is half of it (halved=True).
    np.testing.assert_allclose(krugman_specialisation(MAT), [1.6, 1.0, 0.6, 0.7, 1.1])
    np.testing.assert_allclose(
        krugman_specialisation(MAT, halved=True), [0.8, 0.5, 0.3, 0.35, 0.55]
    )


def test_econgeo_krugman_index_employment(employment):
    # peer_specialisation_by_region_employment2023.csv: EconGeo krugman_index
    # (full sum, totals from the block) per province.
    ref = pd.read_csv(REFERENCE / "peer_specialisation_by_region_employment2023.csv", index_col=0)
    got = krugman_specialisation(employment)
    assert isinstance(got, pd.Series)
    np.testing.assert_allclose(
        got.loc[ref.index], ref["econgeo_krugman_index"], rtol=1e-12, atol=1e-15
    )


def test_reat_hoover_and_krugman_conc_employment(employment):
    # peer_concentration_by_industry_employment2023.csv: REAT hoover (½Σ|s−x|, default
    # halved=True) and REAT krugman.conc (Σ|s−x|, halved=False), reference = row sums.
    ref = pd.read_csv(REFERENCE / "peer_concentration_by_industry_employment2023.csv", index_col=0)
    np.testing.assert_allclose(
        hoover_coefficient(employment).loc[ref.index], ref["reat_hoover"], rtol=1e-12
    )
    np.testing.assert_allclose(
        hoover_coefficient(employment, halved=False).loc[ref.index],
        ref["reat_krugman_conc"],
        rtol=1e-12,
    )


def test_econgeo_hoover_index_population_reference():
    # methods.md B3/§D1: EconGeo hoover_index(c(0,10,10,30,50), pop=c(10,15,20,25,30)) = 25
    # (percent, 2 d.p.); here 0.25 with the population as the reference distribution.
    got = hoover_coefficient([0, 10, 10, 30, 50], region_totals=[10, 15, 20, 25, 30])
    assert got == pytest.approx(0.25, abs=1e-12)


def test_national_totals_convention():
    # REAT locq convention: explicit national totals (the nation is not the sum of the
    # regions shown).  Hand computation: LQ = (E_rk/E_r)/(E_k/E).
    block = np.array([[30.0, 70.0], [10.0, 40.0]])
    nat_ind = np.array([100.0, 300.0])
    got = location_quotient(block, industry_totals=nat_ind, grand_total=400.0)
    expected = (block / block.sum(axis=1)[:, None]) / (nat_ind / 400.0)[None, :]
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    # region totals over all industries (the block holds only two of them)
    got2 = location_quotient(
        block, region_totals=[200, 100], industry_totals=nat_ind, grand_total=1000
    )
    expected2 = (block / np.array([200.0, 100.0])[:, None]) / (nat_ind / 1000.0)[None, :]
    np.testing.assert_allclose(got2, expected2, rtol=1e-14)
    # element-wise with the same numbers gives the same cells
    assert location_quotient(30, 200, 100, 1000) == pytest.approx(expected2[0, 0])


def test_explicit_totals_equal_to_block_sums_give_block_result():
    lq = location_quotient(
        MAT, region_totals=MAT.sum(axis=1), industry_totals=MAT.sum(axis=0), grand_total=MAT.sum()
    )
    np.testing.assert_allclose(lq, location_quotient(MAT), rtol=1e-14)


def test_one_industry_column_with_region_totals():
    # A single industry column plus the regions' totals: same as the column of the block.
    col = MAT_DF["I4"]
    got = location_quotient(col, region_totals=MAT.sum(axis=1))
    assert isinstance(got, pd.Series)
    assert list(got.index) == list(MAT_DF.index)
    np.testing.assert_allclose(got, location_quotient(MAT)[:, 3], rtol=1e-14)


# --------------------------------------------------------------------------------------
# forms
# --------------------------------------------------------------------------------------


def test_binary_exact_one_not_lost_to_rounding():
    # In floating point this LQ is 0.9999999999999999 though it is exactly 1
    # (methods.md B1: exact-1 cells are fragile); the binary form still gives 1.
    block = np.array([[1.0, 11.0], [1.0, 11.0]])
    lq = location_quotient(block, total_rows="ignore")
    assert lq[0, 1] < 1.0
    np.testing.assert_array_equal(location_quotient(block, form="binary", total_rows="ignore"), 1)
    # a custom threshold
    np.testing.assert_array_equal(
        location_quotient(MAT, form="binary", threshold=2.0)[:, 4], [0, 0, 1, 1, 0]
    )


def test_additive_form_is_share_difference():
    # methods.md B1: LQ^a = s_rk − x_r (REAT locq LQ.method="a"); sums to 0 per industry.
    add = location_quotient(MAT, form="additive")
    s = MAT / MAT.sum(axis=0)
    x = MAT.sum(axis=1) / MAT.sum()
    np.testing.assert_allclose(add, s - x[:, None], atol=1e-15)
    np.testing.assert_allclose(add.sum(axis=0), 0, atol=1e-15)


def test_symmetric_form():
    # (LQ − 1)/(LQ + 1) ∈ (−1, 1): LQ 5 -> 4/6, LQ 0 -> −1, LQ 1 -> 0.
    sym = location_quotient(MAT, form="symmetric")
    assert sym[0, 0] == pytest.approx(4 / 6)
    assert sym[0, 1] == -1.0
    assert sym[2, 1] == pytest.approx(0.0, abs=1e-15)


def test_zscore_forms():
    lq = location_quotient(MAT)
    z = location_quotient(MAT_DF, form="zscore")
    assert isinstance(z, pd.DataFrame)
    # O'Donoghue & Gleave: standardised within each industry across regions (sample sd)
    expected = (lq - lq.mean(axis=0)) / lq.std(axis=0, ddof=1)
    np.testing.assert_allclose(z.to_numpy()[:, 1:], expected[:, 1:], rtol=1e-12)
    np.testing.assert_allclose(z.to_numpy()[:, 1:].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.to_numpy()[:, 1:].std(axis=0, ddof=1), 1, rtol=1e-12)
    # population sd on request
    z0 = location_quotient(MAT, form="zscore", ddof=0)
    np.testing.assert_allclose(z0[:, 1:].std(axis=0), 1, rtol=1e-12)
    # Tian: z-score of log10 LQ; LQ = 0 has no log -> NaN, the others standardised
    t = location_quotient(MAT, form="log_zscore")
    assert np.isnan(t[0, 1])
    logs = np.log10(lq[1:, 1])
    np.testing.assert_allclose(t[1:, 1], (logs - logs.mean()) / logs.std(ddof=1), rtol=1e-12)


# --------------------------------------------------------------------------------------
# LQ score (章立东 & 李奥 2021 [ceramics])
# --------------------------------------------------------------------------------------


def test_lq_score_maps_interval_linearly():
    # 章立东 & 李奥 (2021), footnote 1: [m/2, 2m] -> [50, 100] linearly, m = mean LQ.
    lq = np.array([0.6, 1.2, 2.4, 0.8, 1.0])
    m = lq.mean()
    score = lq_score(np.array([m / 2, m, 2 * m]), mean=m)
    np.testing.assert_allclose(score, [50, 50 + 50 / 3, 100])
    got = lq_score(lq)
    np.testing.assert_allclose(got, 50 + 50 * (lq - m / 2) / (1.5 * m))


def test_lq_score_clipping_and_options():
    lq = [0.1, 1.0, 5.0]  # mean 2.0333: 0.1 below m/2, 5.0 above 2m
    clipped = lq_score(lq)
    assert clipped[0] == 50
    assert clipped[2] == 100
    free = lq_score(lq, clip=False)
    assert free[0] < 50
    assert free[2] > 100
    np.testing.assert_allclose(lq_score([1.0], mean=1.0, low=0, high=1), [1 / 3])


def test_lq_score_block_per_column():
    lq = location_quotient(MAT_DF)
    score = lq_score(lq)
    assert isinstance(score, pd.DataFrame)
    col = lq["I4"].to_numpy()
    np.testing.assert_allclose(score["I4"], lq_score(col))


def test_lq_score_errors():
    with pytest.raises(AggloValueError, match="'high' must be greater than 'low'"):
        lq_score([1, 2], low=100, high=50)
    with pytest.raises(AggloValueError, match="'mean'"):
        lq_score([1, 2], mean=0)
    with pytest.raises(AggloValueError, match="'lq'"):
        lq_score([1, -2])


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

blocks = arrays(
    np.float64,
    st.tuples(st.integers(2, 7), st.integers(2, 6)),
    # sizes as in yearbooks: zero, or between 0.001 and 1e6
    elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
)


def _nonzero(block):
    return block.sum(axis=1) > 0, block.sum(axis=0) > 0


@settings(max_examples=60, deadline=None)
@given(blocks)
def test_weighted_mean_of_lq_is_one(block):
    # Σ_r x_r · LQ_rk = Σ_r s_rk = 1 for every industry with a non-zero total.
    rows, cols = _nonzero(block)
    lq = location_quotient(block, total_rows="ignore")
    x = block.sum(axis=1) / block.sum() if block.sum() > 0 else np.zeros(block.shape[0])
    weighted = np.nansum(x[:, None] * np.where(rows[:, None], lq, 0.0), axis=0)
    np.testing.assert_allclose(weighted[cols], 1.0, rtol=1e-9)
    assert np.isnan(lq[:, ~cols]).all()
    assert np.isnan(lq[~rows, :]).all()


@settings(max_examples=60, deadline=None)
@given(blocks, st.floats(1e-3, 1e3))
def test_lq_invariant_to_scaling(block, factor):
    a = location_quotient(block, total_rows="ignore")
    b = location_quotient(block * factor, total_rows="ignore")
    np.testing.assert_allclose(a, b, rtol=1e-9, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(blocks, st.randoms(use_true_random=False))
def test_row_order_equivariance(block, rnd):
    perm = list(range(block.shape[0]))
    rnd.shuffle(perm)
    lq = location_quotient(block, total_rows="ignore")
    lq_p = location_quotient(block[perm], total_rows="ignore")
    np.testing.assert_allclose(lq_p, lq[perm], rtol=1e-9, equal_nan=True)
    k = krugman_specialisation(block, total_rows="ignore")
    np.testing.assert_allclose(
        krugman_specialisation(block[perm], total_rows="ignore"),
        k[perm],
        rtol=1e-9,
        atol=1e-12,
        equal_nan=True,
    )
    h = hoover_coefficient(block, total_rows="ignore")
    np.testing.assert_allclose(
        hoover_coefficient(block[perm], total_rows="ignore"),
        h,
        rtol=1e-9,
        atol=1e-12,
        equal_nan=True,
    )


@settings(max_examples=60, deadline=None)
@given(blocks)
def test_ranges_of_specialisation_and_hoover(block):
    k = krugman_specialisation(block, total_rows="ignore")
    k = k[~np.isnan(k)]
    assert ((k >= -1e-12) & (k <= 2)).all()
    h = hoover_coefficient(block, total_rows="ignore")
    full = hoover_coefficient(block, halved=False, total_rows="ignore")
    np.testing.assert_allclose(2 * h, full, rtol=1e-12, equal_nan=True)
    h = h[~np.isnan(h)]
    assert ((h >= -1e-12) & (h < 1)).all()


# --------------------------------------------------------------------------------------
# edge cases
# --------------------------------------------------------------------------------------


def test_zero_row_and_zero_column_are_nan():
    block = np.array([[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [5.0, 0.0, 10.0]])
    lq = location_quotient(block)
    assert np.isnan(lq[1]).all()  # empty region: 0/0
    assert np.isnan(lq[:, 1]).all()  # empty industry: 0/0
    np.testing.assert_allclose(lq[[0, 2]][:, [0, 2]], [[4 / 3, 2 / 3], [2 / 3, 4 / 3]])
    assert np.isnan(krugman_specialisation(block)[1])
    assert np.isnan(hoover_coefficient(block)[1])


def test_single_region_and_all_equal():
    np.testing.assert_allclose(location_quotient([[3.0, 4.0, 5.0]]), [[1.0, 1.0, 1.0]])
    np.testing.assert_allclose(location_quotient(np.full((4, 3), 7.0)), 1.0)
    np.testing.assert_allclose(krugman_specialisation(np.full((4, 3), 7.0)), 0.0)
    np.testing.assert_allclose(hoover_coefficient(np.full((4, 3), 7.0)), 0.0, atol=1e-15)


def test_missing_cells_count_as_zero_and_give_nan_lq():
    block = MAT.copy()
    block[2, 3] = np.nan
    lq = location_quotient(block)
    assert np.isnan(lq[2, 3])
    filled = location_quotient(np.nan_to_num(block))
    mask = np.ones(block.shape, dtype=bool)
    mask[2, 3] = False
    np.testing.assert_allclose(lq[mask], filled[mask])
    # per-region measures count the missing cell as 0
    np.testing.assert_allclose(
        krugman_specialisation(block), krugman_specialisation(np.nan_to_num(block))
    )
    np.testing.assert_allclose(hoover_coefficient(block), hoover_coefficient(np.nan_to_num(block)))


def test_pandas_in_pandas_out_and_lists():
    lq = location_quotient(MAT_DF)
    assert isinstance(lq, pd.DataFrame)
    assert list(lq.index) == list(MAT_DF.index)
    assert list(lq.columns) == list(MAT_DF.columns)
    assert isinstance(location_quotient(MAT.tolist()), np.ndarray)
    k = krugman_specialisation(MAT_DF)
    assert isinstance(k, pd.Series)
    assert list(k.index) == list(MAT_DF.index)
    h = hoover_coefficient(MAT_DF)
    assert isinstance(h, pd.Series)
    assert list(h.index) == list(MAT_DF.columns)
    el = location_quotient(np.array([1714, 100]), 79006, 879213, 15593224)
    assert el.shape == (2,)


def test_input_not_modified():
    block = MAT.copy()
    df = MAT_DF.copy()
    location_quotient(block, form="zscore")
    location_quotient(df, form="additive")
    krugman_specialisation(block)
    hoover_coefficient(df)
    np.testing.assert_array_equal(block, MAT)
    pd.testing.assert_frame_equal(df, MAT_DF)


def test_integer_input():
    big = (MAT * 1e7).astype(np.int64)
    np.testing.assert_allclose(location_quotient(big), location_quotient(MAT), rtol=1e-12)


# --------------------------------------------------------------------------------------
# total rows
# --------------------------------------------------------------------------------------


def _with_total_row():
    df = MAT_DF.copy()
    df.loc["全国"] = df.sum(axis=0)
    return df


def test_english_labels_only_whole_total_words_count():
    # Regression: "Alloys" (all), "Summit" (sum), "Chinatown" (china) are ordinary labels;
    # "Total employment" and "Totals" are totals.
    df = pd.DataFrame(
        [[5.0, 1.0, 2.0], [2.0, 8.0, 1.0], [3.0, 3.0, 9.0]],
        index=["Summit", "Chinatown", "Sumatra"],
        columns=["Alloys", "Textiles", "Totalenergies"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        location_quotient(df)
    for label in ("Total employment", "Totals", "All industries"):
        with pytest.warns(TotalRowWarning, match=repr(label)):
            location_quotient(df.rename(index={"Sumatra": label}))


def test_total_row_warns_by_default():
    with pytest.warns(TotalRowWarning, match="total row"):
        lq = location_quotient(_with_total_row())
    assert lq.shape == (6, 5)  # computed as given, after the warning


def test_total_row_raise_exclude_ignore():
    df = _with_total_row()
    with pytest.raises(AggloValueError, match="'data' seems to contain a total row"):
        location_quotient(df, total_rows="raise")
    lq = location_quotient(df, total_rows="exclude")
    assert np.isnan(lq.loc["全国"]).all()
    pd.testing.assert_frame_equal(lq.iloc[:5], location_quotient(MAT_DF))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        location_quotient(df, total_rows="ignore")
    # per-region and per-industry measures use the same detection
    with pytest.raises(AggloValueError, match="total row"):
        krugman_specialisation(df, total_rows="raise")
    np.testing.assert_allclose(
        hoover_coefficient(df, total_rows="exclude"), hoover_coefficient(MAT_DF)
    )


def test_excluded_total_also_leaves_the_given_totals():
    # Regression: with total_rows='exclude' and explicit totals that carry an entry for the
    # total row (or column), that entry must not count in the grand total either; the
    # result equals that of the block without the total.
    df = _with_total_row()
    region_totals = df.sum(axis=1) * 1.25  # the block holds 80 % of each region
    got = location_quotient(df, region_totals=region_totals, total_rows="exclude")
    expected = location_quotient(MAT_DF, region_totals=region_totals.iloc[:5])
    pd.testing.assert_frame_equal(got.iloc[:5], expected)
    with_total_col = MAT_DF.assign(合计=MAT_DF.sum(axis=1))
    industry_totals = np.append(MAT.sum(axis=0) * 2.0, MAT.sum() * 2.0)
    got = location_quotient(with_total_col, industry_totals=industry_totals, total_rows="exclude")
    expected = location_quotient(MAT_DF, industry_totals=industry_totals[:5])
    pd.testing.assert_frame_equal(got.iloc[:, :5], expected)
    assert got["合计"].isna().all()


def test_total_row_detected_by_sum_without_labels():
    block = np.vstack([MAT, MAT.sum(axis=0)])
    with pytest.raises(AggloValueError, match=r"row 6, counting from 1"):
        location_quotient(block, total_rows="raise")


def test_total_column_detected():
    df = MAT_DF.copy()
    df.insert(0, "合计", df.sum(axis=1))
    with pytest.raises(AggloValueError, match="total column"):
        location_quotient(df, total_rows="raise")
    lq = location_quotient(df, total_rows="exclude")
    assert np.isnan(lq["合计"]).all()
    pd.testing.assert_frame_equal(lq[MAT_DF.columns], location_quotient(MAT_DF))


def test_explicit_industry_totals_skip_row_check():
    # With national industry totals and grand total given, a 全国 row is not used as a
    # total by the formula, so only the given totals matter (no warning).
    df = _with_total_row()
    block = df.iloc[:5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        location_quotient(block, industry_totals=df.loc["全国"], grand_total=500)


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------


def test_negative_and_text_raise():
    with pytest.raises(AggloValueError, match="'data' must be non-negative"):
        location_quotient([[1, -2], [3, 4]])
    with pytest.raises(AggloValueError, match="'data' must contain numbers only"):
        location_quotient([[1, "x"], [3, 4]])
    with pytest.raises(AggloValueError, match="'data' must be non-negative"):
        krugman_specialisation([[1, -2], [3, 4]])
    with pytest.raises(AggloValueError, match="'data' must contain numbers only"):
        hoover_coefficient([[1, "—"], [3, 4]])


def test_bad_totals_raise():
    with pytest.raises(AggloValueError, match="'region_totals' must have one value per region"):
        location_quotient(MAT, region_totals=[1, 2, 3])
    with pytest.raises(AggloValueError, match="'region_totals' must be at least as large"):
        location_quotient(MAT, region_totals=[10] * 5)
    with pytest.raises(AggloValueError, match="'industry_totals' must be at least as large"):
        location_quotient(MAT, industry_totals=[1] * 5)
    with pytest.raises(AggloValueError, match="'grand_total'"):
        location_quotient(MAT, grand_total=10)
    with pytest.raises(AggloValueError, match="'grand_total' is needed"):
        location_quotient(MAT, region_totals=[200] * 5, industry_totals=[100] * 5)
    with pytest.raises(AggloValueError, match="'data' must not exceed 'region_totals'"):
        location_quotient(79006, 1714, 879213, 15593224)
    with pytest.raises(AggloValueError, match="same length"):
        location_quotient([1, 2, 3], [10, 10], 100, 1000)


def test_shape_and_option_errors():
    with pytest.raises(AggloValueError, match="'region_totals'"):
        location_quotient([1, 2, 3])
    with pytest.raises(AggloValueError, match="'data' is a single number"):
        location_quotient(5)
    with pytest.raises(AggloValueError, match="'form' must be one of"):
        location_quotient(MAT, form="log")
    with pytest.raises(AggloValueError, match="'total_rows' must be one of"):
        location_quotient(MAT, total_rows="drop")
    with pytest.raises(AggloValueError, match="needs a 2-D"):
        location_quotient(1714, 79006, 879213, 15593224, form="zscore")
    with pytest.raises(AggloValueError, match="at least 2 regions"):
        location_quotient([[1.0, 2.0]], form="zscore")
    with pytest.raises(AggloValueError, match="'ddof'"):
        location_quotient(MAT, form="zscore", ddof=-1)
    with pytest.raises(AggloValueError, match="'data' must be a 2-D block"):
        krugman_specialisation([1, 2, 3])
    # one industry without the regions' totals would be compared with itself (always 0)
    with pytest.raises(AggloValueError, match="'region_totals' is required"):
        hoover_coefficient([1, 2, 3])
    with pytest.raises(AggloValueError, match="'data' must have at least 1"):
        location_quotient(np.zeros((0, 3)))


# --- the plain-number shortcut of the element-wise LQ (one cell of a filled-down sheet) ---

_num = st.one_of(
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from([0.0, -1.0, float("nan"), float("inf"), 1e-300]),
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_num, _num, _num, _num, st.sampled_from(["ratio", "additive", "symmetric", "binary"]))
def test_lq_of_plain_numbers_equals_the_array_path(d, er, ek, e, form):
    """Python numbers take a shortcut; NumPy scalars the general path: same value or error."""

    def run(*args):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ("ok", agglo.location_quotient(*args, form=form))
        except AggloValueError as exc:
            return ("error", str(exc))

    fast = run(d, er, ek, e)
    slow = run(*(np.float64(v) for v in (d, er, ek, e)))
    assert fast[0] == slow[0]
    if fast[0] == "error":
        assert fast[1] == slow[1]
    else:
        assert type(fast[1]) is float
        np.testing.assert_equal(fast[1], slow[1])


def test_lq_of_plain_numbers_value():
    from agglo.location import _lq_of_numbers

    assert _lq_of_numbers(1714, 79006, 879213, 15593224, "ratio", 1.0, 1, "warn") is not None
    # methods.md B1: locq(1714, 79006, 879213, 15593224) = 0.3847623
    assert agglo.location_quotient(1714, 79006, 879213, 15593224) == pytest.approx(
        0.3847623, abs=5e-8
    )
    assert agglo.location_quotient(1714.0, 79006, 879213, 15593224, form="additive") == (
        pytest.approx(1714 / 879213 - 79006 / 15593224, rel=1e-15)
    )


@pytest.mark.parametrize(
    ("kwargs", "zh", "en"),
    [
        ({"region_totals": [10.0, 20.0, 30.0]}, "每个地区（行）一个值", "one value per region"),
        ({"region_totals": [1.0, 20.0]}, "大于地区合计 1", "above its region total 1"),
    ],
)
def test_location_quotient_refusals_are_chinese_first(kwargs, zh, en):
    """Totals of the wrong length or smaller than a value: Chinese first, then English."""
    with pytest.raises(AggloValueError) as err:
        agglo.location_quotient(np.array([[2.0, 3.0], [4.0, 5.0]]), **kwargs)
    message = str(err.value)
    assert zh in message, message
    assert message.index(zh) < message.index(en)
