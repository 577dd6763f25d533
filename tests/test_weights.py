"""Tests of agglo.entropy_weights and agglo.critic_weights."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, AggloWarning, critic_weights, entropy_weights
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

POSITIVE = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_subnormal=False)
SHAPES = st.tuples(st.integers(2, 15), st.integers(1, 6))


@pytest.fixture(scope="module")
def innovation() -> pd.DataFrame:
    return agglo.load_dataset("central_cities_innovation").set_index("城市")


@pytest.fixture(scope="module")
def peers() -> dict:
    path = Path(__file__).parent / "reference" / "python_peers_central_cities_innovation_2018.json"
    return json.loads(path.read_text("utf-8"))


def textbook_entropy(z: np.ndarray) -> np.ndarray:
    """Independent, loop-based entropy weights (0·ln 0 = 0) for cross-checking."""
    m, n = z.shape
    k = 1 / np.log(m)
    e = np.empty(n)
    for j in range(n):
        p = z[:, j] / z[:, j].sum()
        e[j] = -k * sum(pi * np.log(pi) for pi in p if pi > 0)
    d = 1 - e
    return d / d.sum()


# --------------------------------------------------------------- peer and published values


def test_pymcdm_raw_value_entropy_reference(innovation, peers):
    # tests/reference JSON: pymcdm 1.4.0 entropy_weights on the raw matrix (no min-max)
    expected = pd.Series(peers["pymcdm_entropy_weights_raw"])
    r = entropy_weights(innovation, preset="pymcdm")
    pd.testing.assert_index_equal(r.weights.index, expected.index)
    np.testing.assert_allclose(r.weights.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)
    # the same through the explicit options
    r2 = entropy_weights(innovation, normalize="none")
    np.testing.assert_allclose(r2.weights.to_numpy(), expected.to_numpy(), atol=1e-12)
    assert "raw values" in r.convention
    assert "pymcdm" in r.convention


def test_xu_2004_raw_entropy_weights():
    # Xu, X. (2004), EJOR 156(2), 530-532: entropy weights (0.4630, 0.3992, 0.1378, 0.0000),
    # as used by the test suites of several MCDA libraries; reproduced by raw-value entropy.
    x = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    w = entropy_weights(x, normalize="none").weights
    np.testing.assert_allclose(w.round(4), [0.4630, 0.3992, 0.1378, 0.0000])


def test_pydecision_reciprocal_convention():
    # methods.md B6 item 5 / B7: pyDecision entropy_method sum-normalises the raw matrix and
    # replaces a cost ('min') criterion by 1/(x + 1e-9), with 1e-9 inside ln and added to d.
    # Reproduced (to about 1e-8) by normalize='reciprocal' / preset='pydecision'.
    x = np.array([[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4],
                  [225, 16, 16, 2]], dtype=float)  # fmt: skip
    cols = [1 / (x[:, 0] + 1e-9), x[:, 1], x[:, 2], x[:, 3]]
    d = []
    for c in cols:  # pyDecision's steps, written out
        p = c / c.sum()
        h = -np.sum(p * np.log(p + 1e-9)) / np.log(5 + 1e-9)
        d.append(1 - h + 1e-9)
    expected = np.array(d) / np.sum(d)
    r = entropy_weights(x, ["-", "+", "+", "+"], preset="pydecision")
    np.testing.assert_allclose(r.weights, expected, atol=1e-7)
    np.testing.assert_allclose(r.normalized[:, 0], 1 / x[:, 0])
    assert "1/x for negative" in r.convention
    # all-positive directions: identical to raw-value entropy (pymcdm)
    np.testing.assert_allclose(
        entropy_weights(x, normalize="reciprocal").weights,
        entropy_weights(x, normalize="none").weights,
    )
    with pytest.raises(AggloValueError, match="holds a value <= 0, which has no reciprocal"):
        entropy_weights([[0.0, 1.0], [2.0, 3.0]], ["-", "+"], normalize="reciprocal")
    with pytest.raises(AggloValueError, match="must be '\\+' or '-' with normalize='reciprocal'"):
        entropy_weights([[1.0, 1.0], [2.0, 3.0]], ["moderate:1", "+"], normalize="reciprocal")


def test_zero_in_raw_data_uses_zero_log_zero():
    # style-examples.md (pymcdm section): [[0,1],[10,2],...,[10,6]] gives 0.585/0.415 under
    # 0·ln 0 = 0 (pymcdm's any-zero branch would give 0.933/0.067).
    x = [[0, 1], [10, 2], [10, 3], [10, 4], [10, 5], [10, 6]]
    w = entropy_weights(x, normalize="none").weights
    np.testing.assert_allclose(w.round(3), [0.585, 0.415])


def test_tus_aytac_adali_2019_critic():
    # Tuş & Aytaç Adalı (2019), Opsearch 56(2): CRITIC weights
    # (0.157, 0.249, 0.168, 0.121, 0.154, 0.151), obtained with every column min-max
    # normalised as a benefit (as the MCDA libraries that test against this paper do).
    x = [
        [5000, 3, 3, 4, 3, 2],
        [680, 5, 3, 2, 2, 1],
        [2000, 3, 2, 3, 4, 3],
        [600, 4, 3, 1, 2, 2],
        [800, 2, 4, 3, 3, 4],
    ]
    w = critic_weights(x).weights
    np.testing.assert_allclose(w.round(3), [0.157, 0.249, 0.168, 0.121, 0.154, 0.151])
    # treating column 0 as cost flips its correlations and changes the weights
    w_cost = critic_weights(x, ["-"] + ["+"] * 5).weights
    assert not np.allclose(w_cost, w, atol=1e-3)


def test_entropy_by_hand_3x2():
    # X = [[1, 2], [2, 6], [4, 4]]: min-max z = (0, 1/3, 1) and (0, 1, 1/2), so
    # p = (0, 1/4, 3/4) and (0, 2/3, 1/3); e = -(sum p ln p)/ln 3 with 0 ln 0 = 0.
    e0 = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)) / np.log(3)
    e1 = -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3)) / np.log(3)
    r = entropy_weights([[1, 2], [2, 6], [4, 4]])
    np.testing.assert_allclose(r.entropy, [e0, e1], rtol=1e-14)
    d = np.array([1 - e0, 1 - e1])
    np.testing.assert_allclose(r.weights, d / d.sum(), rtol=1e-14)
    np.testing.assert_allclose(r.weights, [0.53715, 0.46285], atol=5e-6)
    # the first column is a cost: z = (1, 2/3, 0), p = (3/5, 2/5, 0)
    e0c = -(0.6 * np.log(0.6) + 0.4 * np.log(0.4)) / np.log(3)
    rc = entropy_weights([[1, 2], [2, 6], [4, 4]], ["-", "+"])
    assert rc.entropy[0] == pytest.approx(e0c, rel=1e-14)
    np.testing.assert_allclose(rc.scores, rc.normalized @ rc.weights)


def test_textbook_matches_loop_implementation(innovation):
    r = entropy_weights(innovation)
    z = agglo.normalize(innovation)
    np.testing.assert_allclose(r.weights.to_numpy(), textbook_entropy(z.to_numpy()), atol=1e-14)
    np.testing.assert_allclose(r.normalized.to_numpy(), z.to_numpy())
    np.testing.assert_allclose(r.divergence.to_numpy(), 1 - r.entropy.to_numpy())
    np.testing.assert_allclose(r.scores.to_numpy(), z.to_numpy() @ r.weights.to_numpy())
    assert r.scores.index.tolist() == innovation.index.tolist()
    assert r.k == pytest.approx(1 / np.log(5))
    table = r.to_frame()
    assert table.columns.tolist() == ["entropy", "divergence", "weights"]
    assert table.index.tolist() == innovation.columns.tolist()


def test_shift_conventions_methods_b7(innovation):
    # methods.md B7: on min-max data 0·ln 0 and +0.0001 agree closely; +0.01 moves the
    # weights further (third decimal).
    w0 = entropy_weights(innovation).weights.to_numpy()
    w4 = entropy_weights(innovation, zero=0.0001).weights.to_numpy()
    w2 = entropy_weights(innovation, zero=0.01).weights.to_numpy()
    assert np.abs(w0 - w4).max() < 2e-3
    assert np.abs(w0 - w2).max() > np.abs(w0 - w4).max()
    z = agglo.normalize(innovation).to_numpy() + 0.01
    np.testing.assert_allclose(w2, textbook_entropy(z), atol=1e-14)


def test_spssau_preset_is_minmax_plus_001(innovation):
    # SPSSAU 非负平移: |min| + 0.01 on columns whose minimum is <= 0 (methods.md B6/C9);
    # after min-max every column has min 0, so every column gets +0.01.
    r = entropy_weights(innovation, preset="spssau")
    z = agglo.normalize(innovation).to_numpy() + 0.01
    np.testing.assert_allclose(r.weights.to_numpy(), textbook_entropy(z), atol=1e-14)
    np.testing.assert_allclose(r.normalized.to_numpy().min(axis=0), 0.01)
    assert "preset 'spssau'" in r.convention
    # textbook preset = defaults
    np.testing.assert_allclose(
        entropy_weights(innovation, preset="textbook").weights,
        entropy_weights(innovation).weights,
    )
    # [0.01, 0.99] (SPSSAU 数据区间化)
    ri = entropy_weights(innovation, preset="spssau_interval")
    zi = agglo.normalize(innovation, feature_range=(0.01, 0.99)).to_numpy()
    np.testing.assert_allclose(ri.weights.to_numpy(), textbook_entropy(zi), atol=1e-14)


def test_spssau_shift_on_raw_data_with_negatives():
    x = np.array([[-2.0, 1.0], [0.0, 2.0], [3.0, 4.0]])
    r = entropy_weights(x, normalize="none", zero="spssau")
    # column 0 has min -2 <= 0 -> + 2.01; column 1 (min 1 > 0) unchanged
    np.testing.assert_allclose(r.normalized, [[0.01, 1.0], [2.01, 2.0], [5.01, 4.0]])


def test_panel_entropy_k_uses_all_region_years():
    df = agglo.load_dataset("development_SIMULATED").set_index(["地区", "年份"])
    directions = ["+"] * 7 + ["-", "+"]
    r = entropy_weights(df, directions)
    # the bundled file holds 8 provinces x 10 years (2015-2024) despite its name
    assert r.k == pytest.approx(1 / np.log(8 * 10))  # k = 1/ln(R·T)
    df_sorted = df.sort_index(level=["年份", "地区"])
    years = sorted(df.index.get_level_values("年份").unique())
    cube = np.stack([df_sorted.xs(y, level="年份").to_numpy() for y in years])
    r3 = entropy_weights(cube, directions)
    np.testing.assert_allclose(r3.weights, r.weights.to_numpy(), atol=1e-14)
    assert r3.scores.shape == (10, 8)
    assert "pooled panel" in r3.convention
    # a user-chosen k (the Stata recipe's 1/ln T on pooled p) is recorded and warned about
    with pytest.warns(AggloWarning, match="larger than 1/ln"):
        rk = entropy_weights(df, directions, k=1 / np.log(10))
    assert rk.k == pytest.approx(1 / np.log(10))
    z = agglo.normalize(df, directions).to_numpy()
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    d = 1 + plogp.sum(axis=0) / np.log(10)
    assert (d < 0).all()
    np.testing.assert_allclose(rk.weights.to_numpy(), d / d.sum(), atol=1e-12)


def test_scale_100():
    x = [[1, 10], [2, 30], [4, 20], [9, 40]]
    r1 = entropy_weights(x, ["+", "-"])
    r100 = entropy_weights(x, ["+", "-"], scale=100)
    np.testing.assert_allclose(r100.scores, 100 * r1.scores)


def test_critic_parts(innovation):
    r = critic_weights(innovation)
    z = agglo.normalize(innovation).to_numpy()
    sd = z.std(axis=0, ddof=1)
    corr = np.corrcoef(z, rowvar=False)
    c = sd * (1 - corr).sum(axis=0)
    np.testing.assert_allclose(r.contrast.to_numpy(), sd)
    np.testing.assert_allclose(r.conflict.to_numpy(), (1 - corr).sum(axis=0))
    np.testing.assert_allclose(r.weights.to_numpy(), c / c.sum())
    # ddof does not change the weights
    np.testing.assert_allclose(critic_weights(innovation, ddof=0).weights, r.weights)
    ra = critic_weights(innovation, conflict="1-|r|")
    np.testing.assert_allclose(ra.conflict.to_numpy(), (1 - np.abs(corr)).sum(axis=0))
    assert "1-|r|" in ra.convention
    assert r.to_frame().shape == (8, 4)


# --------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(SHAPES.flatmap(lambda s: arrays(np.float64, s, elements=POSITIVE)))
def test_entropy_weights_sum_to_one_and_non_negative(x):
    for kwargs in ({}, {"normalize": "none"}, {"zero": 0.01}, {"preset": "spssau"}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AggloWarning)
            r = entropy_weights(x, **kwargs)
        w = np.asarray(r.weights)
        e = np.asarray(r.entropy)
        assert np.all((e >= 0) & (e <= 1))
        if np.isnan(w).all():
            assert np.all(e == 1)  # documented: every column constant
            continue
        assert np.all(w >= 0)
        assert w.sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(
    SHAPES.filter(lambda s: s[1] >= 2).flatmap(lambda s: arrays(np.float64, s, elements=POSITIVE))
)
def test_critic_weights_sum_to_one_and_non_negative(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AggloWarning)
        w = np.asarray(critic_weights(x).weights)
    if not np.isnan(w).all():
        assert np.all(w >= 0)
        assert w.sum() == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 10), st.floats(-100, 100, allow_subnormal=False))
def test_constant_column_gets_e1_and_weight0(m, value):
    rng = np.random.default_rng(m)
    x = np.column_stack([rng.random(m) + np.arange(m), np.full(m, value)])
    for kwargs in ({}, {"zero": 0.0001}, {"preset": "spssau"}):
        r = entropy_weights(x, **kwargs)
        assert r.entropy[1] == 1.0
        assert r.weights[1] == 0.0
        assert r.weights[0] == 1.0
    c = critic_weights(x)
    assert c.weights[1] == 0.0


# --------------------------------------------------------------- edge cases and errors


def test_all_zero_column():
    x = [[1.0, 0.0], [2.0, 0.0], [4.0, 0.0]]
    for kwargs in ({}, {"normalize": "none"}):
        r = entropy_weights(x, **kwargs)
        assert r.entropy[1] == 1.0
        assert r.weights.tolist() == [1.0, 0.0]


def test_all_constant_gives_nan_with_warning():
    with pytest.warns(AggloWarning, match="constant"):
        r = entropy_weights([[1.0, 2.0], [1.0, 2.0]])
    assert np.isnan(r.weights).all()
    assert r.entropy.tolist() == [1.0, 1.0]
    with pytest.warns(AggloWarning, match="CRITIC"):
        c = critic_weights([[1.0, 2.0], [1.0, 2.0]])
    assert np.isnan(c.weights).all()


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([[1.0, 2.0]],), {}, "'matrix' must have at least 2 rows"),
        (([[1.0, np.nan], [2.0, 3.0]],), {}, "'matrix' must not contain missing values"),
        (([[-1.0, 2.0], [2.0, 3.0]],), {"normalize": "none"}, "'matrix' must be non-negative"),
        (([[1.0, 2.0], [2.0, 3.0]], ["+", "-"]), {"normalize": "none"}, "'directions' must all"),
        (([[1.0, 2.0], [2.0, 3.0]],), {"preset": "spssau", "zero": 0.01}, "'preset'"),
        (([[1.0, 2.0], [2.0, 3.0]],), {"preset": "excel"}, "'preset' must be one of"),
        (([[1.0, 2.0], [2.0, 3.0]],), {"zero": -1}, "'zero' as a shift"),
        (([[1.0, 2.0], [2.0, 3.0]],), {"zero": "eps"}, "'zero' must be one of"),
        (([[1.0, 2.0], [2.0, 3.0]],), {"normalize": "zscore"}, "'normalize' must be one of"),
        (([[1.0, 2.0], [2.0, 3.0]], ["+"]), {}, "'directions' must have one entry"),
    ],
)
def test_entropy_errors(args, kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        entropy_weights(*args, **kwargs)


def test_critic_errors():
    with pytest.raises(AggloValueError, match="'matrix' must have at least 2 rows"):
        critic_weights([[1.0, 2.0]])
    with pytest.raises(AggloValueError, match="'conflict' must be one of"):
        critic_weights([[1.0, 2.0], [2.0, 1.0]], conflict="r")
    with pytest.raises(AggloValueError, match="'directions' must all be positive"):
        critic_weights([[1.0, 2.0], [2.0, 1.0]], "-", normalize="none")


# --------------------------------------------------------------------------------------
# the textbook / R mathmodels convention for moderate and interval indicators
# --------------------------------------------------------------------------------------

_MM_X = [
    [3, 10, 6, 35.2],
    [5, 20, 7, 35.8],
    [2, 15, 8, 36.6],
    [7, 25, 9, 37.1],
    [6, 12, 6.5, 37.8],
    [4, 18, 7.5, 38.4],
]
_MM_DIRS = ["+", "-", "moderate:7", "interval:36:37"]


def test_entropy_mathmodels_preset_matches_r_mathmodels():
    ref = pd.read_csv(
        Path(__file__).parent / "reference" / "mathmodels_entropy_weight_nudge.csv"
    ).set_index("what")["value"]
    res = entropy_weights(_MM_X, _MM_DIRS, preset="mathmodels", scale=100)
    np.testing.assert_allclose(res.weights, ref[[f"w{j}" for j in range(1, 5)]], rtol=1e-10)
    np.testing.assert_allclose(res.scores, ref[[f"s{i}" for i in range(1, 7)]], rtol=1e-10)
    # moderate/interval scores keep their values; only exact 0 and 1 move
    z = np.asarray(res.normalized)
    assert set(np.round(z[:, 2], 12)) == {0.002, 0.5, 0.998, 0.75}
    assert z[:, 3].min() == pytest.approx(0.002)
    # the default 'rescale' maps them linearly instead: different weights
    lin = entropy_weights(_MM_X, _MM_DIRS, feature_range=(0.002, 0.998))
    assert not np.allclose(lin.weights, res.weights, rtol=1e-6)
    same = entropy_weights(_MM_X, _MM_DIRS, feature_range=(0.002, 0.998), shaped="nudge")
    np.testing.assert_allclose(same.weights, res.weights)


def test_entropy_nudge_needs_a_range():
    with pytest.raises(AggloValueError, match="feature_range"):
        entropy_weights(_MM_X, _MM_DIRS, shaped="nudge")
    with pytest.raises(AggloValueError, match="preset"):
        entropy_weights(_MM_X, _MM_DIRS, preset="mathmodels", shaped="nudge")
