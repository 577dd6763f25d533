"""Tests of agglo.composite_index, topsis, grey_relational and obstacle_degree."""

from __future__ import annotations

import json
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import (
    AggloValueError,
    composite_index,
    entropy_weights,
    grey_relational,
    obstacle_degree,
    topsis,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

REFERENCE = Path(__file__).parent / "reference"
ELEMENTS = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_subnormal=False)
BLOCKS = st.tuples(st.integers(2, 12), st.integers(1, 6)).flatmap(
    lambda s: arrays(np.float64, s, elements=ELEMENTS)
)


@pytest.fixture(scope="module")
def innovation() -> pd.DataFrame:
    return agglo.load_dataset("central_cities_innovation").set_index("城市")


@pytest.fixture(scope="module")
def peers() -> dict:
    path = REFERENCE / "python_peers_central_cities_innovation_2018.json"
    return json.loads(path.read_text("utf-8"))


def classic_topsis(x, w, cost):
    """Independent loop-based TOPSIS with vector normalisation (Hwang & Yoon 1981)."""
    x = np.asarray(x, float)
    m, n = x.shape
    v = np.empty_like(x)
    for j in range(n):
        v[:, j] = w[j] * x[:, j] / np.sqrt((x[:, j] ** 2).sum())
    a_plus = [v[:, j].min() if cost[j] else v[:, j].max() for j in range(n)]
    a_minus = [v[:, j].max() if cost[j] else v[:, j].min() for j in range(n)]
    c = []
    for i in range(m):
        dp = np.sqrt(sum((v[i, j] - a_plus[j]) ** 2 for j in range(n)))
        dm = np.sqrt(sum((v[i, j] - a_minus[j]) ** 2 for j in range(n)))
        c.append(dm / (dp + dm))
    return np.array(c)


# --------------------------------------------------------------- TOPSIS: peers


def test_pymcdm_topsis_minmax_and_vector(innovation, peers):
    # tests/reference JSON: pymcdm 1.4.0 TOPSIS with the raw-value entropy weights, default
    # min-max normalisation and with vector normalisation; all 8 indicators are benefits.
    w = entropy_weights(innovation, preset="pymcdm")
    for key, norm in [
        ("pymcdm_topsis_default_minmax_normalisation", "minmax"),
        ("pymcdm_topsis_vector_normalisation", "vector"),
    ]:
        expected = pd.Series(peers[key])
        r = topsis(innovation, w, normalize=norm)
        assert r.closeness.index.tolist() == expected.index.tolist()
        np.testing.assert_allclose(r.closeness.to_numpy(), expected.to_numpy(), atol=1e-12)
        assert f"{norm} normalisation" in r.convention
    # the two conventions agree on the top city (长沙) but not on the bottom one
    vec = topsis(innovation, w).rank
    mm = topsis(innovation, w, normalize="minmax").rank
    assert vec["长沙"] == mm["长沙"] == 1
    assert vec.idxmax() == "贵阳"
    assert mm.idxmax() == "南宁"


def test_methods_md_b9_pymcdm_default_vs_vector():
    # methods.md B9 (pymcdm runs): 5 x 4 test matrix, one cost criterion, equal weights:
    # pymcdm default (min-max) C = (0.5000, 0.4027, 0.5973, 0.4869, 0.4654); vector-normalised
    # C = (0.5343, 0.3084, 0.6916, 0.5347, 0.4010); ranks of alternatives 1 and 4 flip.
    # methods.md prints the outputs, not the matrix; this classic example (cost criterion
    # first) reproduces all ten values.
    x = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
    d = ["-", "+", "+", "+"]
    mm = topsis(x, None, d, normalize="minmax")
    vec = topsis(x, None, d, normalize="vector")
    np.testing.assert_allclose(mm.closeness, [0.5000, 0.4027, 0.5973, 0.4869, 0.4654], atol=5e-5)
    np.testing.assert_allclose(vec.closeness, [0.5343, 0.3084, 0.6916, 0.5347, 0.4010], atol=5e-5)
    assert mm.rank[0] < mm.rank[3]
    assert vec.rank[0] > vec.rank[3]


def test_topsis_by_hand_3x2_with_cost():
    # Hand computation: X = [[1, 4], [2, 2], [3, 3]], second column a cost, equal weights.
    # Vector: v = x / (2 ||x||) with ||.|| = sqrt(14), sqrt(29); A+ = (3/(2 sqrt 14),
    # 2/(2 sqrt 29)), A- = (1/(2 sqrt 14), 4/(2 sqrt 29)); a gap of g raw units costs g²/56
    # in column 1 and g²/116 in column 2.
    r = topsis([[1, 4], [2, 2], [3, 3]], None, ["+", "-"])
    dp = np.sqrt([4 / 56 + 4 / 116, 1 / 56, 1 / 116])
    dm = np.sqrt([0.0, 1 / 56 + 4 / 116, 4 / 56 + 1 / 116])
    np.testing.assert_allclose(r.d_plus, dp, atol=1e-15)
    np.testing.assert_allclose(r.d_minus, dm, atol=1e-15)
    np.testing.assert_allclose(r.closeness, [0.0, 0.63127, 0.75292], atol=1e-5)
    assert r.rank.tolist() == [3, 2, 1]
    # min-max: z = (0, .5, 1) and (0, 1, .5); rows 2 and 3 tie at 0.5590/(0.25 + 0.5590)
    m = topsis([[1, 4], [2, 2], [3, 3]], None, ["+", "-"], normalize="minmax")
    np.testing.assert_allclose(m.closeness, [0.0, 0.690983, 0.690983], atol=1e-6)
    assert m.rank.tolist() == [3, 1, 1]


def test_vector_topsis_matches_classic_loop_with_cost():
    x = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
    w = np.array([0.25, 0.25, 0.25, 0.25])
    cost = [True, False, False, False]
    r = topsis(x, w, ["-", "+", "+", "+"])
    np.testing.assert_allclose(r.closeness, classic_topsis(x, w, cost), atol=1e-14)
    # pymcdm's 1 - x/||x|| for cost columns gives the same distances
    z = agglo.normalize(x, ["-", "+", "+", "+"], method="vector")
    r2 = topsis(z, w, normalize="none")
    np.testing.assert_allclose(r2.closeness, r.closeness, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_distances_keep_precision_near_the_ideal(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(300, 6))
    x[7] = x.max(axis=0)  # a row at the ideal: D+ = 0 exactly
    x[8] = x.max(axis=0) * (1 - 1e-9)  # a row extremely close to it
    w = rng.random(6)
    r = topsis(x, w)
    np.testing.assert_allclose(r.closeness, classic_topsis(x, w / w.sum(), [False] * 6), rtol=1e-11)
    assert r.d_plus[7] == 0.0
    assert r.closeness[7] == 1.0


def test_weights_in_distance():
    x = np.array([[7.0, 9, 9], [8, 7, 8], [9, 6, 8], [6, 7, 8]])
    w = np.array([0.5, 0.3, 0.2])
    r = topsis(x, w, ["+", "+", "-"], weights_in="distance")
    rn = x / np.sqrt((x**2).sum(axis=0))
    best = np.array([rn[:, 0].max(), rn[:, 1].max(), rn[:, 2].min()])
    worst = np.array([rn[:, 0].min(), rn[:, 1].min(), rn[:, 2].max()])
    dp = np.sqrt((w * (rn - best) ** 2).sum(axis=1))
    dm = np.sqrt((w * (rn - worst) ** 2).sum(axis=1))
    np.testing.assert_allclose(r.d_plus, dp, atol=1e-15)
    np.testing.assert_allclose(r.d_minus, dm, atol=1e-15)
    np.testing.assert_allclose(r.closeness, dm / (dp + dm), atol=1e-15)
    np.testing.assert_allclose(r.ideal, best)
    assert "distance" in r.convention


def test_topsis_moderate_interval_are_positivised():
    rivers = agglo.load_dataset("rivers_SIMULATED").set_index("ID")
    d = ["+", "moderate:7", "-", "interval:10:20"]
    r = topsis(rivers, None, d)
    p = agglo.normalize(rivers, ["+", "moderate:7", "+", "interval:10:20"]).to_numpy()
    x = rivers.to_numpy().copy()
    x[:, [1, 3]] = p[:, [1, 3]]
    np.testing.assert_allclose(
        r.closeness.to_numpy(), classic_topsis(x, [0.25] * 4, [False, False, True, False])
    )
    assert r.rank.index.tolist() == rivers.index.tolist()


def test_topsis_ranks_ties_and_single_row():
    r = topsis([[1.0, 2.0], [1.0, 2.0], [0.0, 1.0]], normalize="minmax")
    assert r.rank.tolist() == [1, 1, 3]
    single = topsis([[1.0, 2.0]])
    assert np.isnan(single.closeness[0])
    assert np.isnan(single.rank[0])


def test_topsis_all_zero_column_contributes_nothing():
    x = np.array([[1.0, 0.0], [2.0, 0.0], [4.0, 0.0]])
    r = topsis(x, [0.5, 0.5])
    np.testing.assert_allclose(r.closeness, topsis(x[:, :1]).closeness)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": [1, 2]}, "'weights' must have one weight per indicator \\(3\\)"),
        ({"weights": [1, -1, 1]}, "'weights' must be non-negative"),
        ({"weights": [0, 0, 0]}, "'weights' must not be all zero"),
        ({"normalize": "sum"}, "'normalize' must be one of"),
        ({"weights_in": "both"}, "'weights_in' must be one of"),
        ({"directions": ["+", "-"]}, "'directions' must have one entry per indicator"),
    ],
)
def test_topsis_errors(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        topsis([[1.0, 2.0, 3.0], [2.0, 1.0, 4.0]], **kwargs)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: composite_index(x),
        lambda x: obstacle_degree(x, [0.5, 0.5]),
        lambda x: agglo.critic_weights(x),
        lambda x: grey_relational("ideal", x, sequences="rows"),
    ],
)
def test_blank_cells_raise_naming_the_block(call):
    # NaN in inputs: these measures need every cell (normalize alone skips blanks)
    x = [[1.0, 2.0], [np.nan, 1.0], [3.0, 4.0]]
    with pytest.raises(AggloValueError, match="must not contain missing values"):
        call(x)


def test_topsis_nan_raises():
    with pytest.raises(AggloValueError, match="'matrix' must not contain missing values"):
        topsis([[1.0, np.nan], [2.0, 1.0]])


@settings(max_examples=60, deadline=None)
@given(BLOCKS, st.sampled_from(["vector", "minmax"]), st.sampled_from(["data", "distance"]))
def test_closeness_in_unit_interval(x, norm, where):
    c = np.asarray(topsis(x, normalize=norm, weights_in=where).closeness)
    ok = ~np.isnan(c)
    assert np.all((c[ok] >= -1e-12) & (c[ok] <= 1 + 1e-12))


@settings(max_examples=50, deadline=None)
@given(
    st.tuples(st.integers(2, 10), st.integers(1, 5)).flatmap(
        lambda s: arrays(np.float64, s, elements=st.floats(0.1, 1e3))
    ),
    st.floats(1e-3, 1e3),
    st.data(),
)
def test_vector_closeness_invariant_to_column_scaling(x, factor, data):
    j = data.draw(st.integers(0, x.shape[1] - 1))
    y = x.copy()
    y[:, j] *= factor
    c1 = np.asarray(topsis(x).closeness)
    c2 = np.asarray(topsis(y).closeness)
    np.testing.assert_allclose(c1, c2, atol=1e-9)


# --------------------------------------------------------------- composite index


def test_paper_003_table2_total_is_equal_weight_mean_of_dimensions():
    # 章立东 & 李奥 (2021) [ceramics], Table 2: 区域经济高质量发展指数 of 12 cities from its four dimension indices
    # (2 d.p.); equal dimension weights reproduce every total within rounding.
    df = agglo.load_dataset("ceramic_cities").set_index("城市")
    dims = df.iloc[:, :4]
    r = composite_index(dims, None, normalize="none", scale=1)
    # four 2-d.p. inputs averaged (±0.005) plus the rounded total (±0.005)
    assert np.abs(r.scores - df["区域经济高质量发展指数"]).max() <= 0.01
    assert r.scores["佛山"] == pytest.approx(90.28, abs=0.01)
    # the same as the second level of a two-level index with group_weights='equal'
    g = composite_index(dims, None, normalize="none", scale=1, groups=list(dims.columns))
    np.testing.assert_allclose(g.scores, r.scores)
    np.testing.assert_allclose(g.group_scores.to_numpy(), dims.to_numpy())


def test_two_level_index_by_hand():
    x = np.array([[1.0, 10, 5, 2], [2, 30, 3, 8], [3, 20, 4, 5], [4, 15, 1, 3]])
    w = np.array([0.1, 0.2, 0.3, 0.4])
    groups = ["经济", "经济", "生态", "生态"]
    z = agglo.normalize(x, ["+", "-", "+", "+"])
    r = composite_index(x, w, ["+", "-", "+", "+"], groups=groups, scale=1)
    u1 = (z[:, 0] * 0.1 + z[:, 1] * 0.2) / 0.3
    u2 = (z[:, 2] * 0.3 + z[:, 3] * 0.4) / 0.7
    np.testing.assert_allclose(r.group_scores["经济"], u1)
    np.testing.assert_allclose(r.group_scores["生态"], u2)
    # default W_s = share of the indicator weights -> total = single-level index
    np.testing.assert_allclose(r.group_weights, [0.3, 0.7])
    single = composite_index(x, w, ["+", "-", "+", "+"], scale=1)
    np.testing.assert_allclose(r.scores, single.scores)
    np.testing.assert_allclose(single.scores, z @ w)
    # equal and given dimension weights
    eq = composite_index(x, w, ["+", "-", "+", "+"], groups=groups, group_weights="equal")
    np.testing.assert_allclose(eq.scores, 100 * (u1 + u2) / 2)
    given_w = composite_index(
        x, w, ["+", "-", "+", "+"], groups=groups, group_weights={"生态": 1, "经济": 3}
    )
    np.testing.assert_allclose(given_w.scores, 100 * (0.75 * u1 + 0.25 * u2))
    assert "two levels" in given_w.convention


def test_composite_accepts_a_weights_result(innovation):
    ew = entropy_weights(innovation)
    r = composite_index(innovation, ew, scale=100)
    np.testing.assert_allclose(r.scores, ew.scores * 100)
    assert r.scores.index.tolist() == innovation.index.tolist()
    # a weights Series in another order is aligned by label
    shuffled = ew.weights.iloc[::-1]
    r2 = composite_index(innovation, shuffled)
    np.testing.assert_allclose(r2.scores, r.scores)
    t1 = topsis(innovation, ew.weights)
    t2 = topsis(innovation, shuffled)
    np.testing.assert_allclose(t2.closeness, t1.closeness)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": [1, 2]}, "'weights' must have one weight per indicator \\(3\\)"),
        ({"groups": ["a", "b"]}, "'groups' must give one dimension label per indicator"),
        ({"group_weights": [1, 2]}, "'group_weights' needs 'groups'"),
        ({"groups": ["a", "a", "b"], "group_weights": [1]}, "'group_weights' must have one"),
        ({"groups": ["a", "a", "b"], "group_weights": {"a": 1}}, "missing \\['b'\\]"),
        ({"groups": ["a", "a", "b"], "weights": [1, 1, 0]}, "all zero in the group 'b'"),
        ({"directions": "-", "normalize": "none"}, "'directions' must all be positive"),
    ],
)
def test_composite_errors(kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        composite_index([[1.0, 2.0, 3.0], [2.0, 1.0, 4.0]], **kwargs)


# --------------------------------------------------------------- grey relational


def deng_by_hand(x0, xs, rho=0.5):
    """Loop-based Deng grades: each element of xs is one comparison sequence."""
    deltas = [[abs(a - b) for a, b in zip(x0, xi, strict=True)] for xi in xs]
    dmin = min(min(d) for d in deltas)
    dmax = max(max(d) for d in deltas)
    coef = [[(dmin + rho * dmax) / (dk + rho * dmax) for dk in d] for d in deltas]
    return np.array(coef), np.array([np.mean(c) for c in coef])


def test_grey_columns_orientation_matches_deng_by_hand():
    x0 = np.array([10.0, 12.0, 15.0, 18.0])
    y = np.array([[9.0, 14.0, 3.0], [12.0, 11.0, 4.0], [14.0, 18.0, 5.0], [17.0, 20.0, 7.0]])
    for norm, f in [
        ("none", lambda v: v),
        ("initial", lambda v: v / v[0]),
        ("mean", lambda v: v / v.mean()),
    ]:
        coef, grades = deng_by_hand(f(x0), [f(y[:, j]) for j in range(3)])
        r = grey_relational(x0, y, normalize=norm)
        np.testing.assert_allclose(r.coefficients, coef.T, atol=1e-15)
        np.testing.assert_allclose(r.grades, grades, atol=1e-15)
    r = grey_relational(x0, y, rho=0.3, normalize="initial", weights=[1, 1, 1, 2])
    coef, _ = deng_by_hand(x0 / x0[0], [y[:, j] / y[0, j] for j in range(3)], rho=0.3)
    np.testing.assert_allclose(r.grades, coef @ np.array([0.2, 0.2, 0.2, 0.4]))
    assert r.rho == 0.3


def test_grey_rows_orientation_and_labels():
    df = pd.DataFrame(
        [[0.2, 0.9, 3.0], [1.0, 0.5, 1.0], [0.6, 0.6, 2.0]],
        index=["甲", "乙", "丙"],
        columns=["a", "b", "c"],
    )
    ref = [1.0, 1.0, 3.0]
    r = grey_relational(ref, df, sequences="rows")
    coef, grades = deng_by_hand(ref, df.to_numpy())
    np.testing.assert_allclose(r.coefficients.to_numpy(), coef)
    np.testing.assert_allclose(r.grades.to_numpy(), grades)
    assert r.grades.index.tolist() == ["甲", "乙", "丙"]
    assert r.coefficients.columns.tolist() == ["a", "b", "c"]
    rc = grey_relational(df["a"], df[["b", "c"]])
    assert rc.grades.index.tolist() == ["b", "c"]


def test_grey_ideal_reference_is_pydecision_evaluation_mode():
    # pyDecision gra_method: after min-max the ideal is 1, and it takes Δmin = 0, Δmax = 1:
    # xi = rho / (Δ + rho).  Min-max data always contain Δ = 0 and Δ = 1, so Deng's global
    # formula gives the same coefficients.
    x = np.array([[3.0, 200, 7], [5.0, 150, 9], [4.0, 300, 6], [1.0, 250, 8]])
    r = grey_relational("ideal", x, normalize="minmax", sequences="rows")
    z = agglo.normalize(x)
    np.testing.assert_allclose(r.coefficients, 0.5 / ((1 - z) + 0.5), atol=1e-15)
    assert r.delta_min == 0.0
    assert r.delta_max == 1.0
    assert r.rank.tolist() == list(
        pd.Series(r.grades).rank(ascending=False, method="min").astype(int)
    )


def test_grey_sequence_extremes_and_identical():
    x0 = [1.0, 2.0, 3.0]
    y = np.array([[1.5, 2.0], [2.0, 5.0], [3.5, 1.0]])
    r = grey_relational(x0, y, extremes="sequence")
    d = np.abs(y - np.array(x0)[:, None])
    for j in range(2):
        dmin, dmax = d[:, j].min(), d[:, j].max()
        np.testing.assert_allclose(
            r.coefficients[:, j], (dmin + 0.5 * dmax) / (d[:, j] + 0.5 * dmax)
        )
    # every difference 0 (Δmax = 0): documented as coefficient 1
    same = grey_relational(x0, np.array([x0, x0]).T)
    assert same.grades.tolist() == [1.0, 1.0]
    part = grey_relational(x0, np.array([x0, [1.5, 2.0, 3.5]]).T, extremes="sequence")
    assert part.coefficients[:, 0].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1.0, 2.0], [[1.0], [2.0], [3.0]]), {}, "'reference' must have one value per row"),
        (([1.0, 2.0, 3.0], [[1.0], [2.0], [3.0]]), {"rho": 0}, "'rho' must be in \\(0, 1\\]"),
        (([1.0, 2.0, 3.0], [[1.0], [2.0], [3.0]]), {"weights": [1, 1]}, "'weights' must have"),
        (("ideal", [[1.0], [2.0]]), {}, "'reference'='ideal' needs sequences='rows'"),
        (([1.0, 2.0], [[1.0], [np.nan]]), {}, "'comparison' must not contain missing"),
        (([1.0, 2.0], [[1.0], [2.0]]), {"normalize": "log"}, "'normalize' must be one of"),
        (
            ([0.0, 2.0], [[1.0], [2.0]]),
            {"normalize": "initial"},
            "normalize='initial' is undefined for 'reference': its first value is 0",
        ),
        (
            ([1.0, 2.0], [[1.0, 0.0], [2.0, 3.0]]),
            {"normalize": "initial"},
            "undefined for column 2 of 'comparison'",
        ),
    ],
)
def test_grey_errors(args, kwargs, match):
    with pytest.raises(AggloValueError, match=match):
        grey_relational(*args, **kwargs)


# --------------------------------------------------------------- obstacle degree


def test_obstacle_degree_formula_b11():
    # methods.md B11: O_ij = w_j (1 - z_ij) / sum_j w_j (1 - z_ij)
    x = np.array([[1.0, 10, 5], [2, 30, 3], [3, 20, 4], [4, 15, 1]])
    w = np.array([0.5, 0.3, 0.2])
    r = obstacle_degree(x, w, ["+", "-", "+"], scale=100, groups=["A", "A", "B"])
    z = agglo.normalize(x, ["+", "-", "+"])
    dev = 1 - z
    expected = w * dev / (w * dev).sum(axis=1, keepdims=True) * 100
    np.testing.assert_allclose(r.degree, expected)
    np.testing.assert_allclose(r.deviation, dev)
    np.testing.assert_allclose(r.degree.sum(axis=1), 100)
    np.testing.assert_allclose(r.group_degree["A"], expected[:, 0] + expected[:, 1])
    # main obstacles, largest first
    assert r.main.loc[0, "obstacle_1"] == int(np.argmax(expected[0]))
    assert r.main.loc[0, "degree_1"] == pytest.approx(expected[0].max())


def test_obstacle_labels_and_best_row(innovation):
    ew = entropy_weights(innovation)
    r = obstacle_degree(innovation, ew, top=2)
    assert r.degree.index.tolist() == innovation.index.tolist()
    assert r.main.columns.tolist() == ["obstacle_1", "degree_1", "obstacle_2", "degree_2"]
    assert set(r.main["obstacle_1"]) <= set(innovation.columns)
    np.testing.assert_allclose(r.degree.sum(axis=1), 1.0)
    # a row at the best in every indicator has no obstacle: NaN
    best = obstacle_degree([[1.0, 1.0], [0.0, 0.5]], [0.5, 0.5], normalize="none")
    assert np.isnan(best.degree[0]).all()


def test_obstacle_errors():
    with pytest.raises(AggloValueError, match="'weights' must have one weight per indicator"):
        obstacle_degree([[1.0, 2.0], [2.0, 1.0]], [1.0])
    with pytest.raises(AggloValueError, match="normalised values in \\[0, 1\\]"):
        obstacle_degree([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0], normalize="none")
    with pytest.raises(AggloValueError, match="'weights' are required"):
        obstacle_degree([[1.0, 2.0], [2.0, 1.0]], None)


@settings(max_examples=40, deadline=None)
@given(BLOCKS)
def test_obstacle_rows_sum_to_one(x):
    w = np.arange(1, x.shape[1] + 1, dtype=float)
    deg = np.asarray(obstacle_degree(x, w).degree)
    for row in deg:
        if not np.isnan(row).all():
            assert row.sum() == pytest.approx(1.0)
            assert np.all(row >= 0)
