"""Tests of agglo.growth: growth rates, CAGR (水平法 / 累计法), primacy, shares, margins."""

from __future__ import annotations

import math
import warnings

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import (
    AggloValueError,
    TotalRowWarning,
    cagr,
    cagr_cumulative,
    growth_rate,
    primacy_index,
    profit_margin,
    share,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=-0.9, max_value=2.0, allow_nan=False)

# ---------------------------------------------------------------------------
# growth_rate
# ---------------------------------------------------------------------------


def test_growth_rate_hand_computed():
    # 120 -> 150 is +25 %; 100 -> 90 is -10 %.
    assert growth_rate(150, 120) == pytest.approx(0.25)
    assert growth_rate([150, 90], [120, 100]).tolist() == pytest.approx([0.25, -0.10])
    assert growth_rate(150, 120, percent=True) == pytest.approx(25.0)


def test_growth_rate_current_may_be_negative_or_zero():
    # A sector that turns into a loss: growth below -100 % is legitimate.
    assert growth_rate(-50, 100) == pytest.approx(-1.5)
    assert growth_rate(0, 100) == pytest.approx(-1.0)


def test_growth_rate_keeps_pandas_labels():
    cur = pd.Series([110.0, 90.0], index=["北京", "上海"], name="2024")
    prev = pd.Series([100.0, 100.0], index=["北京", "上海"], name="2023")
    out = growth_rate(cur, prev)
    assert isinstance(out, pd.Series)
    assert out.index.tolist() == ["北京", "上海"]
    assert out.tolist() == pytest.approx([0.1, -0.1])


def test_growth_rate_block_and_scalar_broadcast():
    block = pd.DataFrame([[110.0, 120.0], [130.0, 80.0]], index=["甲", "乙"], columns=["a", "b"])
    out = growth_rate(block, 100)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == ["a", "b"]
    np.testing.assert_allclose(out.to_numpy(), [[0.1, 0.2], [0.3, -0.2]])


def test_growth_rate_missing_value_is_nan():
    out = growth_rate([110, np.nan, 120], [100, 100, None])
    assert out[0] == pytest.approx(0.1)
    assert np.isnan(out[1])
    assert np.isnan(out[2])


@pytest.mark.parametrize("base", [0, -5])
def test_growth_rate_zero_or_negative_base_raises(base):
    with pytest.raises(AggloValueError, match=r"'previous' must be positive.*zero or negative"):
        growth_rate(10, base)


def test_growth_rate_base_error_names_the_position():
    prev = pd.Series([100.0, 0.0], index=["北京", "上海"])
    with pytest.raises(AggloValueError, match=r"'previous'.*position 2 \('上海'\)"):
        growth_rate(pd.Series([1.0, 2.0], index=["北京", "上海"]), prev)


def test_growth_rate_mismatched_lengths_raise():
    with pytest.raises(AggloValueError, match=r"'current' has shape \(3,\), 'previous' has"):
        growth_rate([1, 2, 3], [1, 2])


def test_growth_rate_different_labels_raise():
    a = pd.Series([1.0, 2.0], index=["北京", "上海"])
    b = pd.Series([1.0, 2.0], index=["上海", "北京"])
    with pytest.raises(AggloValueError, match=r"'current' and 'previous' have different row"):
        growth_rate(a, b)


def test_series_against_a_square_block_pairs_with_its_columns():
    # Regression: a 1-D argument broadcasts along the columns (as in NumPy and pandas).
    # A Series labelled by the block's columns is accepted (hand: 5/2 - 1 = 1.5), one
    # labelled by the block's rows would silently be applied along the wrong axis and
    # raises; as one column it applies to each row.
    block = pd.DataFrame(
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
        index=["北京", "上海", "广东"],
        columns=["工业", "建筑业", "服务业"],
    )
    per_industry = pd.Series([1.0, 2.0, 4.0], index=block.columns)
    got = growth_rate(block, per_industry)
    assert got.loc["上海", "建筑业"] == pytest.approx(1.5)
    per_region = pd.Series([1.0, 2.0, 4.0], index=block.index)
    with pytest.raises(AggloValueError, match=r"'previous' is labelled by the rows of 'current'"):
        growth_rate(block, per_region)
    as_column = growth_rate(block, per_region.to_frame())
    assert as_column.loc["上海", "建筑业"] == pytest.approx(5.0 / 2.0 - 1.0)
    assert as_column.loc["广东", "工业"] == pytest.approx(7.0 / 4.0 - 1.0)
    with pytest.raises(AggloValueError, match=r"have different column labels"):
        growth_rate(block, per_industry.iloc[::-1])
    with pytest.raises(AggloValueError, match=r"have different column labels"):
        profit_margin(block, block.rename(columns={"工业": "制造业"}))


def test_growth_rate_text_raises():
    with pytest.raises(AggloValueError, match=r"'current' must contain numbers only"):
        growth_rate([1, "—"], [1, 2])


@settings(max_examples=60, deadline=None)
@given(previous=positive, g=rates)
def test_growth_rate_inverse_relation(previous, g):
    current = previous * (1 + g)
    assert growth_rate(current, previous) == pytest.approx(g, rel=1e-9, abs=1e-9)
    assert previous * (1 + growth_rate(current, previous)) == pytest.approx(current, rel=1e-9)


# ---------------------------------------------------------------------------
# cagr (水平法)
# ---------------------------------------------------------------------------


def test_cagr_reat_pitfall():
    # methods.md B13 (peer behaviour): REAT growth(100, 150, growth.type = "rate",
    # time.periods = 5) returns -0.14 because it divides by the periods twice; the true
    # compound annual rate is 0.0845 and the simple average is 0.10.
    r = cagr(100, 150, 5)
    assert r == pytest.approx(0.0845, abs=5e-5)
    assert r == pytest.approx(1.5**0.2 - 1, rel=1e-12)
    assert r != pytest.approx(-0.14, abs=0.01)
    assert r != pytest.approx(0.10, abs=0.005)


def test_cagr_hand_computed():
    # 100 -> 121 over two intervals is 10 % a year; 2015 -> 2024 counts 9 intervals.
    assert cagr(100, 121, 2) == pytest.approx(0.1)
    assert cagr(100, 200, 9) == pytest.approx(2 ** (1 / 9) - 1)
    assert cagr(100, 121, 2, percent=True) == pytest.approx(10.0)
    # A fall to zero is -100 %; non-integer periods are allowed.
    assert cagr(50, 0, 3) == pytest.approx(-1.0)
    assert cagr(100, 150, 2.5) == pytest.approx(1.5 ** (1 / 2.5) - 1)


def test_cagr_over_a_column_of_regions_keeps_labels():
    gdp = agglo.datasets.load_dataset("gdp_by_sector")
    wide = gdp.pivot(index="地区", columns="年份", values="GDP")
    out = cagr(wide[2015], wide[2024], 9)
    assert isinstance(out, pd.Series)
    assert out.index.equals(wide.index)
    expected = (wide[2024] / wide[2015]) ** (1 / 9) - 1
    np.testing.assert_allclose(out.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_cagr_element_wise_periods_and_block():
    out = cagr([[100, 100]], [[121, 133.1]], [2, 3])
    np.testing.assert_allclose(out, [[0.1, 0.1]])


def test_cagr_nan_propagates():
    out = cagr([100, np.nan], [121, 130], 2)
    assert out[0] == pytest.approx(0.1)
    assert np.isnan(out[1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": 0, "end": 10, "periods": 2}, r"'start' must be positive"),
        ({"start": -1, "end": 10, "periods": 2}, r"'start' must be positive"),
        ({"start": 10, "end": -1, "periods": 2}, r"'end' must be non-negative"),
        ({"start": 10, "end": 12, "periods": 0}, r"'periods' must be positive"),
        ({"start": 10, "end": 12, "periods": np.nan}, r"'periods' must not contain missing"),
        ({"start": [1, 2], "end": [1, 2, 3], "periods": 2}, r"'start' has shape \(2,\)"),
    ],
)
def test_cagr_invalid_input_raises(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        cagr(**kwargs)


@settings(max_examples=60, deadline=None)
@given(start=positive, r=rates, n=st.integers(min_value=1, max_value=30))
def test_cagr_round_trip(start, r, n):
    assert cagr(start, start * (1 + r) ** n, n) == pytest.approx(r, rel=1e-8, abs=1e-10)


# ---------------------------------------------------------------------------
# cagr_cumulative (累计法)
# ---------------------------------------------------------------------------


def test_cagr_cumulative_closed_forms():
    # T = 1: q = X1/X0.
    assert cagr_cumulative([100, 150]) == pytest.approx(0.5, rel=1e-12)
    # T = 2: q + q^2 = S has the root q = (sqrt(1 + 4S) - 1)/2.
    # 100, 110, 121: S = 2.31, q = (sqrt(10.24) - 1)/2 = 1.1.
    assert cagr_cumulative([100, 110, 121]) == pytest.approx(0.1, rel=1e-12)
    # 100, 120, 130: S = 2.5, q = (sqrt(11) - 1)/2 = 1.158312...; the 水平法 gives
    # sqrt(1.3) - 1 = 0.140175..., so the two methods differ on a volatile path.
    assert cagr_cumulative([100, 120, 130]) == pytest.approx((math.sqrt(11) - 1) / 2 - 1, 1e-12)
    assert cagr(100, 130, 2) == pytest.approx(math.sqrt(1.3) - 1)
    # T = 3, a non-geometric path with S = 1.2 + 1.2^2 + 1.2^3 = 4.368: r = 0.2 exactly.
    assert cagr_cumulative([100, 150, 136.8, 150]) == pytest.approx(0.2, rel=1e-12)


def test_cagr_cumulative_percent_and_decline():
    assert cagr_cumulative([100, 110, 121], percent=True) == pytest.approx(10.0)
    # Everything after the base is zero: the level fell to nothing at once, r = -1.
    assert cagr_cumulative([100, 0, 0]) == pytest.approx(-1.0)
    # A declining geometric path.
    assert cagr_cumulative([100, 90, 81, 72.9]) == pytest.approx(-0.1, rel=1e-12)


def test_cagr_cumulative_block_matches_brentq_oracle():
    rng = np.random.default_rng(7)
    block = rng.uniform(1, 100, size=(11, 40))  # 11 years (T = 10) × 40 regions
    out = cagr_cumulative(block)
    t = np.arange(1, 11)
    for j in range(block.shape[1]):  # oracle: one bracketing root per region
        s = block[1:, j].sum() / block[0, j]
        q = optimize.brentq(lambda q, s=s: np.sum(q**t) - s, 0.0, 100.0, xtol=1e-15)
        assert out[j] == pytest.approx(q - 1, abs=1e-12)


def test_cagr_cumulative_axis_and_labels():
    years = [2019, 2020, 2021]
    wide = pd.DataFrame(
        [[100, 110, 121], [100, 120, 130]], index=["甲", "乙"], columns=years, dtype=float
    )
    by_row = cagr_cumulative(wide, axis=1)
    assert isinstance(by_row, pd.Series)
    assert by_row.index.tolist() == ["甲", "乙"]
    assert by_row.tolist() == pytest.approx([0.1, (math.sqrt(11) - 1) / 2 - 1])
    by_col = cagr_cumulative(wide.T)
    assert by_col.index.tolist() == ["甲", "乙"]
    assert by_col.tolist() == pytest.approx(by_row.tolist())


def test_cagr_cumulative_nan_series_is_nan():
    out = cagr_cumulative(np.array([[100, 100], [110, np.nan], [121, 121]]))
    assert out[0] == pytest.approx(0.1)
    assert np.isnan(out[1])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([0, 10, 20], r"'values' must be positive.*base year"),
        ([100], r"'values' must hold at least two values"),
        ([100, -5, 20], r"'values' must be non-negative"),
        ([100, "n/a", 20], r"'values' must contain numbers only"),
    ],
)
def test_cagr_cumulative_invalid_input_raises(values, match):
    with pytest.raises(AggloValueError, match=match):
        cagr_cumulative(values)


def test_cagr_cumulative_bad_axis_raises():
    with pytest.raises(AggloValueError, match=r"'axis' must be one of 0, 1"):
        cagr_cumulative([[1, 2], [3, 4]], axis=2)


@settings(max_examples=40, deadline=None)
@given(start=positive, r=rates, n=st.integers(min_value=1, max_value=25))
def test_cagr_cumulative_equals_level_method_on_geometric_paths(start, r, n):
    path = start * (1 + r) ** np.arange(n + 1)
    assert cagr_cumulative(path) == pytest.approx(r, rel=1e-8, abs=1e-9)
    assert cagr_cumulative(path) == pytest.approx(cagr(path[0], path[-1], n), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=1.0, max_value=1e4, allow_nan=False), min_size=3, max_size=15
    ),
    factor=st.floats(min_value=1.01, max_value=3.0),
)
def test_cagr_cumulative_increases_when_later_years_grow(values, factor):
    base = np.array(values)
    higher = base.copy()
    higher[1:] *= factor
    assert cagr_cumulative(higher) > cagr_cumulative(base)


# ---------------------------------------------------------------------------
# primacy_index (首位度)
# ---------------------------------------------------------------------------


def test_primacy_rank_size_rule():
    # methods.md B14: S2 = P1/P2, S4 = P1/(P2+P3+P4), S11 = 2 P1/(P2+...+P11). Under the
    # rank-size rule P_i = P_1/i these are exactly 2, 1/(1/2+1/3+1/4) = 12/13 and
    # 2/(H_11 - 1), H_11 the 11th harmonic number ("normal" values quoted as 2, 1, 1).
    zipf = 1000.0 / np.arange(1, 16)
    rng = np.random.default_rng(3)
    shuffled = rng.permutation(zipf)
    h11 = sum(1 / i for i in range(1, 12))
    assert primacy_index(shuffled) == pytest.approx(2.0)
    assert primacy_index(shuffled, k=4) == pytest.approx(12 / 13)
    assert primacy_index(shuffled, k=11) == pytest.approx(2 / (h11 - 1))
    assert primacy_index(shuffled, k=11) == pytest.approx(0.990159, abs=1e-6)


def test_primacy_hand_computed():
    sizes = [250, 500, 100, 200]
    assert primacy_index(sizes) == pytest.approx(2.0)
    assert primacy_index(sizes, k=4) == pytest.approx(500 / 550)


def test_primacy_block_per_column_and_axis():
    block = pd.DataFrame(
        {"人口": [300.0, 100.0, 150.0, 60.0], "GDP": [900.0, 450.0, 300.0, 100.0]},
        index=["省会", "乙", "丙", "丁"],
    )
    out = primacy_index(block)
    assert isinstance(out, pd.Series)
    assert out.index.tolist() == ["人口", "GDP"]
    assert out.tolist() == pytest.approx([2.0, 2.0])
    out4 = primacy_index(block.T, k=4, axis=1)
    assert out4.index.tolist() == ["人口", "GDP"]
    assert out4.tolist() == pytest.approx([300 / 310, 900 / 850])


def test_primacy_zero_denominator_and_missing_value_are_nan():
    assert np.isnan(primacy_index([10, 0, 0], total_rows="ignore"))
    assert np.isnan(primacy_index([10, np.nan, 3]))


def test_primacy_total_row_is_flagged():
    cities = pd.Series([1000.0, 500.0, 300.0, 150.0], index=["全省", "甲", "乙", "丙"])
    with pytest.warns(TotalRowWarning, match=r"'values' seems to contain a total row"):
        primacy_index(cities)
    with pytest.raises(AggloValueError, match=r"'values' seems to contain a total row"):
        primacy_index(cities, total_rows="raise")
    assert primacy_index(cities.drop("全省")) == pytest.approx(500 / 300)
    # A block of several variables: a row equal to the sum of the others is a total.
    block = pd.DataFrame({"pop": [500.0, 300.0, 200.0, 1000.0], "gdp": [9.0, 4.0, 2.0, 15.0]})
    with pytest.warns(TotalRowWarning, match=r"row 4 \(3\), counting from 1"):
        primacy_index(block)


def test_primacy_and_share_no_false_total_warning_on_a_plain_list():
    # A largest city equal to the sum of the others is ordinary data in one unlabelled
    # list (500 = 300 + 200); only labels can reveal a total there.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert primacy_index([500, 300, 200]) == pytest.approx(500 / 300)
        np.testing.assert_allclose(share([500, 300, 200]), [0.5, 0.3, 0.2])
    with pytest.raises(AggloValueError, match="'total_rows' must be one of"):
        primacy_index([500, 300, 200], total_rows="exclude")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": [3, 2, 1], "k": 3}, r"'k' must be one of 2, 4, 11; received 3"),
        ({"values": [3, 2, 1], "k": 4}, r"'values' must hold at least 4 cities"),
        ({"values": [3, -2, 1]}, r"'values' must be non-negative"),
        ({"values": 5}, r"'values' must be a 1-D list of numbers or a 2-D block"),
    ],
)
def test_primacy_invalid_input_raises(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        primacy_index(**kwargs)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(positive, min_size=11, max_size=30),
    k=st.sampled_from([2, 4, 11]),
    seed=st.integers(0, 2**32 - 1),
)
def test_primacy_invariant_to_order_and_scale(values, k, seed):
    arr = np.array(values)
    perm = np.random.default_rng(seed).permutation(arr)
    base = primacy_index(arr, k=k, total_rows="ignore")
    assert primacy_index(perm, k=k, total_rows="ignore") == pytest.approx(base)
    assert primacy_index(arr * 7.5, k=k, total_rows="ignore") == pytest.approx(base)
    assert base >= (1.0 if k == 2 else 0.0)


# ---------------------------------------------------------------------------
# share (比重)
# ---------------------------------------------------------------------------


def test_share_hand_computed():
    assert share([1, 3]).tolist() == [0.25, 0.75]
    assert share([20, 30], total=200, percent=True).tolist() == pytest.approx([10.0, 15.0])
    assert share(1714, 79006) == pytest.approx(1714 / 79006)


def test_share_block_axes_and_labels():
    block = pd.DataFrame({"工业": [6.0, 4.0], "服务业": [2.0, 6.0]}, index=["甲", "乙"])
    by_col = share(block)  # each region's share of the industry total
    np.testing.assert_allclose(by_col.to_numpy(), [[0.6, 0.25], [0.4, 0.75]])
    by_row = share(block, axis=1)  # each industry's share of the region total
    np.testing.assert_allclose(by_row.to_numpy(), [[0.75, 0.25], [0.4, 0.6]])
    assert by_row.index.tolist() == ["甲", "乙"]
    assert by_row.columns.tolist() == ["工业", "服务业"]


def test_share_explicit_totals():
    block = np.array([[6.0, 2.0], [4.0, 6.0]])
    # One total per column (national figures larger than the sum of the listed regions).
    np.testing.assert_allclose(share(block, total=[20, 16]), [[0.3, 0.125], [0.2, 0.375]])
    # One total per row with axis=1.
    np.testing.assert_allclose(share(block, total=[16, 20], axis=1), [[0.375, 0.125], [0.2, 0.3]])
    # Element-wise totals.
    np.testing.assert_allclose(share([1, 2], total=[4, 8]), [0.25, 0.25])


def test_share_missing_cells_are_skipped():
    out = share([1, np.nan, 3])
    assert out[0] == pytest.approx(0.25)
    assert np.isnan(out[1])
    assert out[2] == pytest.approx(0.75)


def test_share_zero_column_is_nan():
    out = share(np.array([[0.0, 1.0], [0.0, 3.0]]))
    assert np.isnan(out[:, 0]).all()
    np.testing.assert_allclose(out[:, 1], [0.25, 0.75])


def test_share_total_row_warns():
    s = pd.Series([10.0, 4.0, 6.0], index=["全国", "甲", "乙"])
    with pytest.warns(TotalRowWarning, match=r"'values' seems to contain a total row"):
        share(s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        share(s.drop("全国"))
        share(s, total=20)  # an explicit total: nothing is double counted


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": [1, -2]}, r"'values' must be non-negative"),
        ({"values": [1, 2], "total": 0}, r"'total' must be positive"),
        ({"values": [1, 2], "total": -3}, r"'total' must be positive"),
        ({"values": [[1, 2], [3, 4]], "total": [1, 2, 3]}, r"'total' must hold one total per"),
        ({"values": [1, 2, 3], "total": [1, 2]}, r"'total' must be a single number"),
        ({"values": 5}, r"'values' is a single number, so 'total' must be given"),
        ({"values": [1, 2], "axis": 3}, r"'axis' must be one of 0, 1"),
    ],
)
def test_share_invalid_input_raises(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        share(**kwargs)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=40
    ).filter(lambda v: sum(v) > 0)
)
def test_share_sums_to_one(values):
    out = share(values, total_rows="ignore")
    assert out.sum() == pytest.approx(1.0)
    assert (out >= 0).all()
    assert (out <= 1 + 1e-12).all()


def test_share_on_bundled_gdp_sums_to_one_per_sector():
    block = agglo.datasets.gdp_by_sector(2015)
    out = share(block)
    np.testing.assert_allclose(out.sum().to_numpy(), 1.0)
    assert out.index.equals(block.index)


# ---------------------------------------------------------------------------
# profit_margin (利润率)
# ---------------------------------------------------------------------------


def test_profit_margin_hand_computed():
    # The non-ferrous metals study [nonferrous] reports 产值利润率 of 16.53 % and 7.1 % for Guizhou's two industries.
    assert profit_margin(16.53, 100, percent=True) == pytest.approx(16.53)
    assert profit_margin(71, 1000) == pytest.approx(0.071)
    # Loss-making sectors have a legitimate negative margin.
    assert profit_margin([12, -3], [100, 60]).tolist() == pytest.approx([0.12, -0.05])


def test_profit_margin_labels_and_nan():
    profit = pd.Series([5.0, np.nan], index=["贵州", "云南"])
    revenue = pd.Series([50.0, 40.0], index=["贵州", "云南"])
    out = profit_margin(profit, revenue)
    assert out.index.tolist() == ["贵州", "云南"]
    assert out.iloc[0] == pytest.approx(0.1)
    assert np.isnan(out.iloc[1])


@pytest.mark.parametrize("revenue", [0, -10])
def test_profit_margin_non_positive_revenue_raises(revenue):
    with pytest.raises(AggloValueError, match=r"'revenue' must be positive.*zero or negative"):
        profit_margin(5, revenue)


def test_profit_margin_mismatched_lengths_raise():
    with pytest.raises(AggloValueError, match=r"'profit' has shape \(2,\), 'revenue' has"):
        profit_margin([1, 2], [3, 4, 5])


def test_cagr_cumulative_overflowing_ratio_raises_a_clear_error():
    # the first value is so small that the ratio of the sum to it overflows
    with pytest.raises(AggloValueError, match="'values'"):
        cagr_cumulative([1e-310, 1e300, 1e300])
