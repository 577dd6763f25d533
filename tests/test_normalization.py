"""Tests of agglo.normalize and agglo.normalization.parse_directions."""

from __future__ import annotations

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, normalize
from agglo.normalization import parse_directions
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

FINITE = st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False
)
ROWS = st.integers(2, 12)
COLS = st.integers(1, 5)


def block(rows=ROWS, cols=COLS):
    return st.tuples(rows, cols).flatmap(lambda s: arrays(np.float64, s, elements=FINITE))


# --------------------------------------------------------------- formulas of B6, by hand


def test_minmax_positive_and_negative_formulas():
    # methods.md B6: z+ = (x - min)/(max - min), z- = (max - x)/(max - min)
    x = np.array([[2.0, 2.0], [4.0, 4.0], [10.0, 10.0]])
    z = normalize(x, ["+", "-"])
    np.testing.assert_allclose(z[:, 0], [0.0, 0.25, 1.0])
    np.testing.assert_allclose(z[:, 1], [1.0, 0.75, 0.0])


def test_rivers_moderate_ph_best_at_7():
    # methods.md B6: z = 1 - |x - x*| / max|x - x*| (moderate, x* = 7 for pH)
    rivers = agglo.load_dataset("rivers_SIMULATED").set_index("ID")
    ph = rivers["PH"].to_numpy()
    expected = 1 - np.abs(ph - 7) / np.abs(ph - 7).max()
    z = normalize(rivers, ["+", "moderate:7", "-", "interval:10:20"])
    np.testing.assert_allclose(z["PH"].to_numpy(), expected, rtol=0, atol=1e-15)
    # row 1: pH 6.59 -> 1 - 0.41/max|x - 7|
    assert z.loc[1, "PH"] == pytest.approx(1 - 0.41 / np.abs(ph - 7).max())
    assert z.index.tolist() == rivers.index.tolist()
    assert z.columns.tolist() == rivers.columns.tolist()


def test_rivers_interval_nutrient_10_20():
    # methods.md B6: 1 - (a - x)/M below a, 1 - (x - b)/M above b, 1 inside,
    # M = max(a - min, max - b)
    rivers = agglo.load_dataset("rivers_SIMULATED").set_index("ID")
    x = rivers["nutrient"].to_numpy()
    a, b = 10.0, 20.0
    M = max(a - x.min(), x.max() - b)
    expected = np.where(x < a, 1 - (a - x) / M, np.where(x > b, 1 - (x - b) / M, 1.0))
    z = normalize(rivers[["nutrient"]], "interval:10:20")
    np.testing.assert_allclose(z["nutrient"].to_numpy(), expected, atol=1e-15)
    assert z["nutrient"].min() == 0.0
    assert z.loc[1, "nutrient"] == 1.0  # 11.94 is inside [10, 20]


def test_interval_boundaries_and_one_sided_range():
    # a and b themselves are inside the best range (score 1); M = max(a - min, max - b)
    z = normalize([[5.0], [10.0], [20.0], [25.0], [15.0]], "interval:10:20").ravel()
    assert z.tolist() == [0.0, 1.0, 1.0, 0.0, 1.0]  # M = max(5, 5) = 5
    # the larger overshoot sets M: here max - b = 10, so 5 (5 below a) scores 0.5
    z = normalize([[5.0], [10.0], [20.0], [30.0]], "interval:10:20").ravel()
    assert z.tolist() == [0.5, 1.0, 1.0, 0.0]
    # every value inside [a, b]: all 1
    assert normalize([[12.0], [18.0]], "interval:10:20").ravel().tolist() == [1.0, 1.0]
    # a == b is a moderate indicator with x* = a
    np.testing.assert_allclose(
        normalize([[4.0], [7.0], [9.0]], "interval:7:7"),
        normalize([[4.0], [7.0], [9.0]], "moderate:7"),
    )


def test_interval_and_moderate_via_keyword_arguments():
    x = [[5.0, 6.0], [12.0, 7.0], [25.0, 9.0]]
    a = normalize(x, ["interval", "moderate"], interval=(10, 20), best=7)
    b = normalize(x, ["interval:10:20", "moderate:7"])
    c = normalize(x, ["interval", "moderate"], interval={0: (10, 20)}, best={1: 7})
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(b, [[0.0, 0.5], [1.0, 1.0], [0.0, 0.0]])


def test_shifted_range_spssau_and_0002():
    # SPSSAU 数据区间化: z = 0.01 + 0.98 (x - min)/(max - min) (methods.md B6, item 3)
    x = np.array([[1.0], [3.0], [5.0]])
    np.testing.assert_allclose(normalize(x, feature_range=(0.01, 0.99)).ravel(), [0.01, 0.5, 0.99])
    np.testing.assert_allclose(
        normalize(x, "-", feature_range=(0.002, 0.998)).ravel(), [0.998, 0.5, 0.002]
    )


def test_zscore_mean_initial_vector():
    x = np.array([[2.0, 4.0], [4.0, 8.0], [6.0, 6.0]])
    z = normalize(x, method="zscore")
    np.testing.assert_allclose(z[:, 0], [-1.0, 0.0, 1.0])  # sample std (ddof=1) = 2
    np.testing.assert_allclose(normalize(x, ["+", "-"], method="zscore")[:, 1], [1.0, -1.0, 0.0])
    np.testing.assert_allclose(
        normalize(x, method="zscore", ddof=0)[:, 0], [-1.2247449, 0, 1.2247449]
    )
    np.testing.assert_allclose(normalize(x, method="mean")[:, 1], [4 / 6, 8 / 6, 1.0])
    np.testing.assert_allclose(normalize(x, method="initial")[:, 0], [1.0, 2.0, 3.0])
    v = normalize(x, method="vector")
    np.testing.assert_allclose(v[:, 0], np.array([2, 4, 6]) / np.sqrt(56))
    # cost column under vector normalisation: 1 - x/||x|| (pymcdm convention)
    np.testing.assert_allclose(
        normalize(x, ["+", "-"], method="vector")[:, 1], 1 - np.array([4, 8, 6]) / np.sqrt(116)
    )


# --------------------------------------------------------------- directions


@pytest.mark.parametrize(
    "word",
    ["-", "\u2212", "negative", "Negative", " cost ", "负向", "逆向", "成本型", -1],
)
def test_negative_spellings(word):
    assert parse_directions([word], 1).kind.tolist() == [1]


@pytest.mark.parametrize("word", ["+", "positive", "benefit", "正向", "效益型", 1])
def test_positive_spellings(word):
    assert parse_directions([word], 1).kind.tolist() == [0]


def test_compact_strings_and_fullwidth_colon():
    d = parse_directions(["适度：7", "区间:10,20", "interval:-5:5"], 3)
    assert d.describe() == ["moderate:7", "interval:10:20", "interval:-5:5"]


def test_single_string_applies_to_all_and_dict_by_label():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 4.0]})
    np.testing.assert_array_equal(
        normalize(df, "-").to_numpy(), normalize(df, ["-", "-"]).to_numpy()
    )
    z = normalize(df, {"b": "-"})
    np.testing.assert_allclose(z["a"], [0, 0.5, 1])
    np.testing.assert_allclose(z["b"], [0.5, 1, 0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"directions": ["+"]}, "'directions' must have one entry per indicator column \\(2\\)"),
        ({"directions": ["+", "up"]}, "'directions' has 'up'"),
        ({"directions": ["+", "moderate"]}, "'best' is missing for the moderate column 2"),
        ({"directions": ["+", "interval"]}, "'interval' is missing"),
        ({"directions": ["+", "interval:5:1"]}, "must have a <= b"),
        ({"directions": ["+", "moderate:x"]}, "is not a number"),
        ({"directions": ["+", "+:3"]}, "take no parameter"),
        ({"method": "robust"}, "'method' must be one of"),
        ({"feature_range": (1, 0)}, "'feature_range' must be two numbers"),
        ({"method": "vector", "feature_range": (0, 1)}, "'feature_range' applies to"),
        ({"method": "mean", "directions": "-"}, "'directions' must be positive"),
        ({"panel": "by_period"}, "'period' is needed"),
        ({"constant": "zero"}, "'constant' must be one of"),
        ({"best": [1, 2, 3], "directions": "moderate"}, "'best' must be one value"),
    ],
)
def test_errors_name_the_argument(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        normalize([[1.0, 2.0], [3.0, 5.0]], **kwargs)


def test_text_in_block_raises():
    with pytest.raises(AggloValueError, match="'matrix' must contain numbers only"):
        normalize([[1, "a"], [2, 3]])


# --------------------------------------------------------------- constant columns, NaN


def test_constant_column_policies():
    x = [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]
    # default 1 (pymcdm minmax_normalization returns ones, methods.md B6)
    assert normalize(x)[:, 1].tolist() == [1.0, 1.0, 1.0]
    assert normalize(x, feature_range=(0.01, 0.99))[:, 1].tolist() == [0.99] * 3
    assert normalize(x, constant=0.5)[:, 1].tolist() == [0.5] * 3
    assert np.isnan(normalize(x, constant="nan")[:, 1]).all()
    assert normalize(x, method="zscore")[:, 1].tolist() == [0.0] * 3
    assert normalize(x, method="mean")[:, 1].tolist() == [1.0] * 3
    with pytest.raises(AggloValueError, match="column 2 cannot be normalised"):
        normalize(x, constant="raise")


def test_initial_and_mean_with_a_zero_divisor():
    # x/x1 with x1 = 0 but later values non-zero is undefined: NaN (not a silent column
    # of ones); an all-zero column stays the degenerate case (1 by default).
    x = [[0.0, 0.0, 1.0], [5.0, 0.0, 2.0], [10.0, 0.0, 3.0]]
    z = normalize(x, method="initial")
    assert np.isnan(z[:, 0]).all()
    assert z[:, 1].tolist() == [1.0, 1.0, 1.0]
    assert z[:, 2].tolist() == [1.0, 2.0, 3.0]
    assert normalize(x, method="initial", constant=0.5)[:, 0].tolist() == [0.5] * 3
    with pytest.raises(AggloValueError, match="column 1 cannot be normalised.*first value of 0"):
        normalize([[0.0, 1.0], [5.0, 2.0]], method="initial", constant="raise")
    m = normalize([[-1.0], [0.0], [1.0]], method="mean")  # mean 0, values non-zero
    assert np.isnan(m).all()


def test_all_zero_column():
    x = [[1.0, 0.0], [2.0, 0.0]]
    assert normalize(x)[:, 1].tolist() == [1.0, 1.0]
    assert normalize(x, method="vector")[:, 1].tolist() == [0.0, 0.0]


def test_moderate_all_at_best_is_one():
    assert normalize([[7.0], [7.0]], "moderate:7").ravel().tolist() == [1.0, 1.0]


def test_nan_is_skipped_and_kept():
    x = [[1.0, np.nan], [2.0, 4.0], [3.0, 8.0], [np.nan, 5.0]]
    z = normalize(x)
    np.testing.assert_allclose(z[:3, 0], [0, 0.5, 1])
    assert np.isnan(z[3, 0])
    assert np.isnan(z[0, 1])
    np.testing.assert_allclose(z[1:, 1], [0, 1, 0.25])
    # a constant fill does not overwrite blanks
    z = normalize([[np.nan, 1.0], [5.0, 2.0], [5.0, 3.0]])
    assert np.isnan(z[0, 0])
    assert z[1:, 0].tolist() == [1.0, 1.0]


def test_single_row():
    assert normalize([[3.0, 4.0]]).tolist() == [[1.0, 1.0]]


# --------------------------------------------------------------- panel data


def test_panel_pooled_long_table_and_3d_agree():
    df = (
        agglo.load_dataset("development_SIMULATED")
        .set_index(["地区", "年份"])
        .sort_index(level=["年份", "地区"])
    )
    directions = ["+"] * 7 + ["-", "+"]
    pooled = normalize(df, directions)
    # pooled = one min and max over all region-years (8 provinces x 10 years)
    assert pooled.to_numpy().min() == 0.0
    assert pooled.to_numpy().max() == 1.0
    col = df["单位GDP能耗"]
    np.testing.assert_allclose(
        pooled["单位GDP能耗"], (col.max() - col) / (col.max() - col.min()), atol=1e-15
    )
    years = sorted(df.index.get_level_values("年份").unique())
    cube = np.stack([df.xs(y, level="年份").to_numpy() for y in years])  # (T, R, K)
    z3 = normalize(cube, directions)
    assert z3.shape == cube.shape
    np.testing.assert_allclose(z3.reshape(-1, cube.shape[2]), pooled.to_numpy(), atol=1e-15)


def test_panel_by_period_matches_year_by_year():
    df = agglo.load_dataset("development_SIMULATED").set_index("地区")
    z = normalize(df, period="年份", panel="by_period")
    assert "年份" not in z.columns
    one = normalize(df[df["年份"] == 2017].drop(columns="年份"))
    np.testing.assert_allclose(z[df["年份"].to_numpy() == 2017].to_numpy(), one.to_numpy())
    # pooled with a period column: the column is dropped, the rest pooled
    zp = normalize(df, period="年份")
    assert zp.shape == (80, 9)
    assert not np.allclose(zp.to_numpy(), z.to_numpy())
    # 3-D by period: each slice on its own
    cube = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(normalize(cube, panel="by_period")[1, :, 0], [0, 0.5, 1])
    # an index level as the period
    dfi = agglo.load_dataset("development_SIMULATED").set_index(["地区", "年份"])
    zi = normalize(dfi, period="年份", panel="by_period")
    np.testing.assert_allclose(zi.to_numpy(), z.to_numpy())


def test_period_errors():
    df = pd.DataFrame({"y": [1, 1, 2], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(AggloValueError, match="'period' names 'year'"):
        normalize(df, period="year", panel="by_period")
    with pytest.raises(AggloValueError, match="'period' must name a column"):
        normalize([[1.0], [2.0]], period=[1], panel="by_period")


# --------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(block(), st.sampled_from(["+", "-"]))
def test_minmax_in_unit_interval(x, direction):
    z = normalize(x, direction)
    assert np.all((z >= 0) & (z <= 1))


@settings(max_examples=40, deadline=None)
@given(block(), st.floats(0.0, 0.4), st.floats(0.6, 1.0))
def test_minmax_in_feature_range(x, lo, hi):
    z = normalize(x, "-", feature_range=(lo, hi))
    assert np.all((z >= lo - 1e-12) & (z <= hi + 1e-12))


@settings(max_examples=40, deadline=None)
@given(block(rows=st.integers(3, 12)), st.floats(-50, 50))
def test_moderate_in_unit_interval_with_max_at_best(x, best):
    z = normalize(x, f"moderate:{best!r}")
    assert np.all((z >= 0) & (z <= 1))


@settings(max_examples=40, deadline=None)
@given(block())
def test_vector_columns_have_unit_norm(x):
    z = normalize(x, method="vector")
    norms = np.sqrt((z**2).sum(axis=0))
    nonzero = np.abs(x).sum(axis=0) > 0
    np.testing.assert_allclose(norms[nonzero], 1.0, rtol=1e-9)
