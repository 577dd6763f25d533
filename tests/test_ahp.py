"""Tests of agglo.analytic_hierarchy: AHP weights and consistency, group and hierarchy AHP, and
the rule-based random weighting of 章立东 & 李奥 (2021)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError
from agglo.analytic_hierarchy import (
    AHP_PRESETS,
    RI_TABLES,
    ahp,
    ahp_group,
    ahp_hierarchy,
    ahp_matrix_from_upper,
    random_index,
    random_weights,
)
from hypothesis import given, settings
from hypothesis import strategies as st

# Reference matrix of methods.md B8 and of the AHPy run in tests/reference.
A3 = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
METHODS = ("eigen", "sum", "geometric")
SAATY_SCALE = np.array(
    [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]
)


# --------------------------------------------------------------------------------------
# Published / peer reference values
# --------------------------------------------------------------------------------------


def test_ahpy_reference(reference_dir):
    """AHPy 2.1: eigenvector weights and CR with random_index='saaty' (RI(3) = 0.52)."""
    ref = json.loads(
        (reference_dir / "python_peers_central_cities_innovation_2018.json").read_text()
    )
    w_ref = ref["ahpy_eigen_weights_A=[[1,3,5],[1/3,1,3],[1/5,1/3,1]]"]
    res = ahp(A3, method="eigen", ri="saaty2005")
    np.testing.assert_allclose(res.weights, [w_ref["a"], w_ref["b"], w_ref["c"]], atol=1e-6)
    assert res.ri == 0.52
    assert res.cr == pytest.approx(ref["ahpy_consistency_ratio_saaty_RI"], abs=5e-6)


def test_methods_md_reference_eigen():
    """methods.md B8 reference: eigenvector w = (0.6370, 0.2583, 0.1047), λmax = 3.03851,
    CI = 0.019256 (numpy, pymcdm, pyDecision and ahpy runs)."""
    res = ahp(A3)
    np.testing.assert_allclose(res.weights, [0.6370, 0.2583, 0.1047], atol=5e-5)
    assert res.lambda_max == pytest.approx(3.03851, abs=5e-6)
    assert res.ci == pytest.approx(0.019256, abs=5e-7)
    assert res.method == "eigen"


@pytest.mark.parametrize(
    ("table", "ri", "cr"),
    [
        # methods.md B8: CR = 0.0332 (RI 0.58 / 0.5799), 0.0370 (RI 0.52), 0.0392 (RI 0.4914)
        ("saaty1980", 0.58, 0.0332),
        ("tummala_ling", 0.5799, 0.0332),
        ("chinese", 0.52, 0.0370),
        ("saaty2005", 0.52, 0.0370),
        ("donegan_dodd", 0.4914, 0.0392),
    ],
)
def test_methods_md_reference_cr_by_ri_table(table, ri, cr):
    res = ahp(A3, ri=table)
    assert res.ri == ri
    assert res.ri_table == table
    assert res.cr == pytest.approx(cr, abs=5e-5)
    assert res.consistent
    assert table in res.convention or "table" in res.convention


def test_methods_md_reference_sum_product():
    """methods.md B8: sum-product (和积法, SPSSAU's default) w = (0.6333, 0.2605, 0.1062),
    λmax = 3.03871."""
    res = ahp(A3, method="sum")
    np.testing.assert_allclose(res.weights, [0.6333, 0.2605, 0.1062], atol=5e-5)
    assert res.lambda_max == pytest.approx(3.03871, abs=5e-6)
    assert res.ci == pytest.approx((res.lambda_max - 3) / 2)
    assert "和积法" in res.convention


def test_sum_product_is_spssau_procedure():
    """SPSSAU 和积法: normalise each column to sum 1, average each row; λmax = mean (Aw)_i/w_i
    (SPSSAU help page); checked step by step on a 4 × 4 matrix."""
    a = np.array([[1, 2, 4, 3], [1 / 2, 1, 3, 2], [1 / 4, 1 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 2, 1]])
    col = a / a.sum(axis=0)
    w = col.mean(axis=1)
    lam = np.mean(a @ w / w)
    res = ahp(a, method="sum", ri="chinese")
    np.testing.assert_allclose(res.weights, w, rtol=1e-12)
    assert res.lambda_max == pytest.approx(lam, rel=1e-12)
    assert res.cr == pytest.approx((lam - 4) / 3 / 0.89, rel=1e-12)


def test_spssau_preset_is_sum_product_next_to_textbook():
    """SPSSAU default 和积法 as a named preset (methods.md B8/C9); 'textbook' = the defaults
    (eigenvector, Saaty 1980 RI).  SPSSAU's RI table is undocumented, so 'ri' stays free."""
    assert AHP_PRESETS["spssau"] == {"method": "sum"}
    spssau = ahp(A3, preset="spssau")
    np.testing.assert_allclose(spssau.weights, [0.6333, 0.2605, 0.1062], atol=5e-5)
    assert spssau.lambda_max == pytest.approx(3.03871, abs=5e-6)
    assert spssau.method == "sum"
    assert "preset 'spssau'" in spssau.convention
    assert ahp(A3, preset="spssau", ri="chinese").ri == 0.52
    textbook = ahp(A3, preset="textbook")
    np.testing.assert_allclose(textbook.weights, ahp(A3).weights, rtol=0, atol=0)
    assert (textbook.method, textbook.ri_table) == ("eigen", "saaty1980")
    with pytest.raises(AggloValueError, match=r"'preset' \('spssau'\) sets method='sum'"):
        ahp(A3, preset="spssau", method="geometric")
    with pytest.raises(AggloValueError, match=r"'preset' \('textbook'\) sets"):
        ahp(A3, preset="textbook", ri="chinese")
    with pytest.raises(AggloValueError, match="'preset' must be one of"):
        ahp(A3, preset="yaahp")


def test_geometric_equals_eigen_for_three_criteria():
    """For n = 3 the row geometric mean is exactly the principal eigenvector (a known
    property of 3 × 3 reciprocal matrices), so both methods agree on λmax too."""
    eig = ahp(A3, method="eigen")
    geo = ahp(A3, method="geometric")
    np.testing.assert_allclose(geo.weights, eig.weights, rtol=1e-12)
    assert geo.lambda_max == pytest.approx(eig.lambda_max, rel=1e-12)


def test_geometric_by_hand_four_criteria():
    a = np.array([[1, 2, 4, 3], [1 / 2, 1, 3, 2], [1 / 4, 1 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 2, 1]])
    g = np.prod(a, axis=1) ** (1 / 4)
    res = ahp(a, method="geometric")
    np.testing.assert_allclose(res.weights, g / g.sum(), rtol=1e-12)
    assert res.lambda_max == pytest.approx(np.mean(a @ (g / g.sum()) / (g / g.sum())), rel=1e-12)
    # eigen λmax is the smallest over positive vectors of max (Aw)_i/w_i; the estimates
    # of the approximate methods are all > n here
    assert res.lambda_max > 4


# --------------------------------------------------------------------------------------
# RI tables
# --------------------------------------------------------------------------------------


def test_ri_tables_values_from_methods_md():
    # methods.md B8 table (n = 3..15; Chinese table to 20)
    assert RI_TABLES["saaty1980"][2:] == (
        0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    )  # fmt: skip
    assert RI_TABLES["chinese"][15:] == (1.60, 1.61, 1.615, 1.62, 1.63)
    assert random_index(9, "saaty2005") == 1.45
    assert random_index(5, "tummala_ling") == 1.1159
    assert random_index(15, "donegan_dodd") == 1.4969
    for table in RI_TABLES:
        assert random_index(1, table) == 0.0
        assert random_index(2, table) == 0.0


def test_more_than_15_criteria():
    n = 16
    v = np.arange(1, n + 1, dtype=float)
    a = v[:, None] / v[None, :]
    with pytest.raises(AggloValueError, match=r"'saaty1980' covers n <= 15.*'chinese' \(n <= 20\)"):
        ahp(a)
    res = ahp(a, ri="chinese")
    assert res.ri == 1.60
    assert res.cr == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(res.weights, v / v.sum(), rtol=1e-10)
    # a user-given RI number also works beyond every table
    v = np.arange(1, 22, dtype=float)
    with pytest.raises(AggloValueError, match="No RI table covers n = 21"):
        ahp(v[:, None] / v[None, :], ri="chinese")
    res = ahp(v[:, None] / v[None, :], ri=1.65)
    assert res.ri_table == "user-given"
    assert res.ri == 1.65


def test_ri_argument_errors():
    with pytest.raises(AggloValueError, match="'ri' must be one of"):
        ahp(A3, ri="saaty")
    with pytest.raises(AggloValueError, match="'ri' given as a number"):
        ahp(A3, ri=-1)
    with pytest.raises(AggloValueError, match="'n' must be a whole number"):
        random_index(0)


# --------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------

positive = st.floats(min_value=0.05, max_value=20, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(v=st.lists(positive, min_size=1, max_size=12), method=st.sampled_from(METHODS))
def test_consistent_matrix_gives_generating_vector(v, method):
    v = np.array(v)
    a = v[:, None] / v[None, :]
    res = ahp(a, method=method, ri="chinese")
    assert res.cr == pytest.approx(0.0, abs=1e-12)
    assert res.ci == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(res.weights, v / v.sum(), rtol=1e-9, atol=1e-12)
    assert res.consistent
    assert res.worst_judgement is None


@st.composite
def saaty_matrices(draw, min_n=3, max_n=8):
    n = draw(st.integers(min_n, max_n))
    upper = draw(
        st.lists(
            st.sampled_from(SAATY_SCALE.tolist()),
            min_size=n * (n - 1) // 2,
            max_size=n * (n - 1) // 2,
        )
    )
    a = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[(iu[1], iu[0])] = 1 / np.array(upper)
    return a


@settings(max_examples=80, deadline=None)
@given(a=saaty_matrices(), method=st.sampled_from(METHODS))
def test_weights_nonnegative_sum_to_one_and_lambda_at_least_n(a, method):
    res = ahp(a, method=method)
    w = np.asarray(res.weights)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert res.lambda_max >= a.shape[0] - 1e-9
    assert res.ci >= 0
    assert res.consistent == (res.cr < 0.1)


@settings(max_examples=80, deadline=None)
@given(a=saaty_matrices(), method=st.sampled_from(METHODS))
def test_suggested_judgement_lowers_cr(a, method):
    res = ahp(a, method=method)
    if res.worst_judgement is None:
        assert np.isnan(res.suggested_value)
        return
    i, j = res.worst_judgement
    assert i < j
    assert res.suggested_value in SAATY_SCALE
    b = a.copy()
    b[i, j] = res.suggested_value
    b[j, i] = 1 / res.suggested_value
    changed = ahp(b, method=method)
    assert changed.cr == pytest.approx(res.suggested_cr, rel=1e-9, abs=1e-12)
    assert changed.cr < res.cr


def test_suggestion_finds_reversed_judgement():
    # consistent matrix from v = (4, 2, 2, 1) with a_14 entered the wrong way round
    v = np.array([4, 2, 2, 1.0])
    a = v[:, None] / v[None, :]
    a[0, 3], a[3, 0] = 1 / 4, 4
    for method in METHODS:
        res = ahp(a, method=method)
        assert not res.consistent
        assert res.worst_judgement == (0, 3)
        assert res.suggested_cr < 0.1 < res.cr


@pytest.mark.parametrize("method", METHODS)
def test_row_dominance_orders_weights(method):
    a = np.array([[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]])
    w = np.asarray(ahp(a, method=method).weights)
    assert (np.diff(w) < 0).all()


# --------------------------------------------------------------------------------------
# Edge cases and validation
# --------------------------------------------------------------------------------------


def test_one_criterion():
    res = ahp([[1]])
    assert res.weights.tolist() == [1.0]
    assert (res.lambda_max, res.ci, res.ri, res.cr, res.consistent) == (1.0, 0.0, 0.0, 0.0, True)
    assert res.worst_judgement is None


@pytest.mark.parametrize("method", METHODS)
def test_two_criteria(method):
    res = ahp([[1, 3], [1 / 3, 1]], method=method)
    np.testing.assert_allclose(res.weights, [0.75, 0.25], rtol=1e-12)
    assert (res.lambda_max, res.ci, res.ri, res.cr) == (2.0, 0.0, 0.0, 0.0)
    assert res.consistent


def test_upper_triangle_input():
    full = ahp(A3)
    for upper in (
        [[1, 3, 5], [None, 1, 3], [None, None, 1]],
        [[1, 3, 5], [0, 1, 3], [0, 0, 1]],
        [[None, 3, 5], [None, None, 3], [None, None, None]],
        np.array([[1, 3, 5], [np.nan, 1, 3], [np.nan, np.nan, 1]]),
    ):
        res = ahp(upper)
        np.testing.assert_allclose(res.weights, full.weights, rtol=1e-12)
        np.testing.assert_allclose(res.matrix, A3, rtol=1e-15)
    filled = ahp_matrix_from_upper([[1, 3, 5], [None, 1, 3], [None, None, 1]])
    np.testing.assert_allclose(filled, A3, rtol=1e-15)
    with pytest.raises(AggloValueError, match=r"'matrix' has a missing judgement.*row 2, column 1"):
        ahp([[1, 3, 5], [None, 1, 3], [None, None, 1]], fill_lower=False)


def test_fraction_text_and_rounded_reciprocals():
    res = ahp([["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "1/3", 1]])
    np.testing.assert_allclose(res.matrix, A3, rtol=1e-15)
    # 0.33 and 0.2 typed for 1/3 and 1/5: accepted, and the reciprocal of 3 is made exact
    res = ahp([[1, 3, 5], [0.33, 1, 3], [0.2, 0.33, 1]])
    np.testing.assert_allclose(res.matrix, A3, rtol=1e-15)
    np.testing.assert_allclose(res.weights, ahp(A3).weights, rtol=1e-12)
    # the entry >= 1 of a pair is kept even when it is below the diagonal
    res = ahp([[1, 0.33], [3, 1]])
    np.testing.assert_allclose(res.matrix, [[1, 1 / 3], [3, 1]], rtol=1e-15)


def test_non_reciprocal_raises_with_position():
    a = A3.copy()
    a[2, 1] = 2.0  # should be 1/3
    with pytest.raises(AggloValueError, match=r"'matrix' is not reciprocal: a\[2, 3\] = 3"):
        ahp(a)
    labels = ["动力升级", "生态和谐", "社会进步"]
    df = pd.DataFrame(a, index=labels, columns=labels)
    with pytest.raises(AggloValueError, match="row 2 \\('生态和谐'\\), column 3 \\('社会进步'\\)"):
        ahp(df)
    with pytest.raises(AggloValueError, match="not reciprocal"):
        ahp([[1, 3], [0.3, 1]], rtol=0.01)


@pytest.mark.parametrize(
    ("matrix", "pattern"),
    [
        (
            [[1, 0, 5], [None, 1, 3], [None, None, 1]],
            r"'matrix' must contain positive.*found 0 at row 1, column 2",
        ),
        ([[1, -3, 5], [None, 1, 3], [None, None, 1]], r"'matrix' must contain positive.*found -3"),
        (
            [[1, 3, 5], [1 / 3, 1, np.nan], [1 / 5, 1 / 3, 1]],
            r"'matrix' has a missing judgement.*row 2, column 3",
        ),
        (
            [[1, 3, 5], [1 / 3, 2, 3], [1 / 5, 1 / 3, 1]],
            r"'matrix' must have 1 on the diagonal.*found 2",
        ),
        ([[1, 3, 5], [1 / 3, 1, 3]], r"'matrix' must be a square judgement matrix"),
        ([[1, 3, np.inf], [None, 1, 3], [None, None, 1]], r"'matrix' must be finite"),
        ([[1, "x"], [None, 1]], r"'matrix' must contain numbers only"),
        ([1, 2, 3], r"'matrix' must be a 2-D block"),
    ],
)
def test_invalid_matrices(matrix, pattern):
    with pytest.raises(AggloValueError, match=pattern):
        ahp(matrix)


def test_option_errors():
    with pytest.raises(
        AggloValueError, match="'method' must be one of 'eigen', 'sum', 'geometric'"
    ):
        ahp(A3, method="power")
    with pytest.raises(AggloValueError, match="'rtol' must be a number in"):
        ahp(A3, rtol=2)


def test_pandas_in_pandas_out_and_frozen():
    labels = ["经济基本盘", "动力升级", "生态和谐"]
    df = pd.DataFrame(A3, index=labels, columns=labels)
    res = ahp(df)
    assert isinstance(res.weights, pd.Series)
    assert res.weights.index.tolist() == labels
    assert isinstance(res.matrix, pd.DataFrame)
    assert res.to_frame().index.tolist() == labels
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.cr = 0.0
    assert "CR = CI/RI" in res.convention
    assert "Saaty 1980" in res.convention


# --------------------------------------------------------------------------------------
# Group AHP
# --------------------------------------------------------------------------------------


def test_group_geometric_mean():
    b = np.array([[1, 5, 3], [1 / 5, 1, 1 / 2], [1 / 3, 2, 1]])
    res = ahp_group([A3, b])
    expected = np.sqrt(A3 * b)
    np.testing.assert_allclose(res.matrix, expected, rtol=1e-12)
    np.testing.assert_allclose(res.weights, ahp(expected).weights, rtol=1e-12)
    assert "2 experts" in res.convention
    # weighted: exp(Σ e_k ln a_k) with e = (0.75, 0.25)
    res = ahp_group([A3, b], weights=[3, 1], method="sum")
    np.testing.assert_allclose(res.matrix, A3**0.75 * b**0.25, rtol=1e-12)
    np.testing.assert_allclose(res.weights, ahp(A3**0.75 * b**0.25, method="sum").weights)


def test_group_input_forms():
    b = np.array([[1, 5, 3], [1 / 5, 1, 1 / 2], [1 / 3, 2, 1]])
    ref = ahp_group([A3, b]).weights
    np.testing.assert_allclose(ahp_group(np.stack([A3, b])).weights, ref, rtol=1e-12)
    np.testing.assert_allclose(ahp_group(np.vstack([A3, b])).weights, ref, rtol=1e-12)
    # upper triangles only, stacked as one worksheet block
    up = np.vstack([np.triu(A3), np.triu(b)])
    np.testing.assert_allclose(ahp_group(up).weights, ref, rtol=1e-12)
    # identical experts = one expert
    np.testing.assert_allclose(ahp_group([A3, A3, A3]).weights, ahp(A3).weights, rtol=1e-12)
    labels = ["a", "b", "c"]
    res = ahp_group([pd.DataFrame(A3, index=labels, columns=labels), b])
    assert res.weights.index.tolist() == labels


def test_group_errors():
    with pytest.raises(AggloValueError, match="'matrices' must all have the same size"):
        ahp_group([A3, [[1, 2], [1 / 2, 1]]])
    with pytest.raises(
        AggloValueError, match="'weights' must have one weight per expert matrix \\(2\\)"
    ):
        ahp_group([A3, A3], weights=[1, 2, 3])
    bad = A3.copy()
    bad[0, 1] = -3
    with pytest.raises(AggloValueError, match=r"'matrices\[1\]' must contain positive"):
        ahp_group([A3, bad])
    with pytest.raises(AggloValueError, match="rows a multiple of the columns"):
        ahp_group(np.ones((4, 3)))


# --------------------------------------------------------------------------------------
# Hierarchy synthesis
# --------------------------------------------------------------------------------------


def test_hierarchy_shared_alternatives():
    crit = A3
    alts = [
        np.array([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]]),
        np.array([[1, 1 / 3, 1 / 2], [3, 1, 2], [2, 1 / 2, 1]]),
        np.array([[1, 5, 1], [1 / 5, 1, 1 / 4], [1, 4, 1]]),
    ]
    res = ahp_hierarchy(crit, alts, ri="chinese")
    wc = ahp(crit, ri="chinese").weights
    parts = [ahp(a, ri="chinese") for a in alts]
    local = np.column_stack([p.weights for p in parts])
    np.testing.assert_allclose(res.local_weights, local, rtol=1e-12)
    np.testing.assert_allclose(res.weights, local @ wc, rtol=1e-12)
    assert np.sum(res.weights) == pytest.approx(1.0)
    ci = sum(w * p.ci for w, p in zip(wc, parts, strict=True))
    ri = sum(w * p.ri for w, p in zip(wc, parts, strict=True))
    assert res.ci == pytest.approx(ci, rel=1e-12)
    assert res.ri == pytest.approx(0.52)  # all RI = 0.52 for n = 3 in the Chinese table
    assert res.cr == pytest.approx(ci / ri, rel=1e-12)
    assert res.consistent == (res.cr < 0.1 and res.criteria.cr < 0.1)
    assert res.structure == "shared"
    assert len(res.children) == 3


def test_hierarchy_separate_subcriteria_with_labels():
    dims = ["动力升级", "生态和谐"]
    crit = pd.DataFrame([[1, 2], [1 / 2, 1]], index=dims, columns=dims)
    s1 = ["研发", "专利", "新产品"]
    s2 = ["绿化", "空气"]
    sub1 = pd.DataFrame(A3, index=s1, columns=s1)
    sub2 = pd.DataFrame([[1, 3], [1 / 3, 1]], index=s2, columns=s2)
    res = ahp_hierarchy(crit, [sub1, sub2], children="separate")
    w1 = ahp(A3).weights
    expected = np.concatenate([w1 * 2 / 3, np.array([0.75, 0.25]) / 3])
    np.testing.assert_allclose(res.weights, expected, rtol=1e-12)
    assert res.weights.index.tolist() == s1 + s2
    assert res.parent.tolist() == [0, 0, 0, 1, 1]
    # total CR: only the 3 × 3 block has RI > 0: (2/3·CI_1)/(2/3·RI_1) = CR_1
    assert res.cr == pytest.approx(ahp(A3).cr, rel=1e-12)
    frame = res.to_frame()
    assert frame.columns.tolist() == ["weights", "local_weights", "parent"]


def test_hierarchy_errors():
    with pytest.raises(AggloValueError, match="one judgement matrix per criterion \\(3\\)"):
        ahp_hierarchy(A3, [A3, A3])
    with pytest.raises(AggloValueError, match="same alternatives"):
        ahp_hierarchy([[1, 2], [1 / 2, 1]], [A3, [[1, 2], [1 / 2, 1]]])
    with pytest.raises(AggloValueError, match="'children' must be one of"):
        ahp_hierarchy(A3, [A3, A3, A3], children="tree")
    bad = A3.copy()
    bad[0, 2] = 0
    with pytest.raises(AggloValueError, match=r"'alternative_matrices\[2\]' must contain positive"):
        ahp_hierarchy(A3, [A3, A3, bad])


# --------------------------------------------------------------------------------------
# Rule-based random weighting (章立东 & 李奥 2021 [ceramics], footnote 2)
# --------------------------------------------------------------------------------------


def _check_order(draws, ranks, tol=1e-12):
    ranks = np.asarray(ranks)
    for i in range(len(ranks)):  # tests only: a handful of criteria
        for j in range(len(ranks)):
            if ranks[i] < ranks[j]:
                assert (draws[:, i] > draws[:, j] - tol).all(), (i, j)
            elif ranks[i] == ranks[j]:
                np.testing.assert_allclose(draws[:, i], draws[:, j], rtol=1e-9, atol=tol)


@settings(max_examples=40, deadline=None)
@given(
    ranks=st.lists(st.integers(1, 5), min_size=1, max_size=7),
    scale=st.sampled_from(("saaty", "continuous")),
    method=st.sampled_from(METHODS),
    seed=st.integers(0, 2**32 - 1),
    max_ratio=st.floats(2, 9),
)
def test_random_weights_respect_order_in_every_draw(ranks, scale, method, seed, max_ratio):
    res = random_weights(
        ranks, n_draws=300, scale=scale, method=method, max_ratio=max_ratio, rng=seed
    )
    assert res.draws.shape == (300, len(ranks))
    assert (res.draws >= 0).all()
    np.testing.assert_allclose(res.draws.sum(axis=1), 1.0, rtol=1e-12)
    _check_order(res.draws, ranks)
    _check_order(res.weights[None, :], ranks)
    if scale == "saaty":
        # a strict preference is a judgement >= 2, so the weights are strictly ordered
        strict = np.argwhere(np.asarray(ranks)[:, None] < np.asarray(ranks)[None, :])
        for i, j in strict:
            assert (res.draws[:, i] > res.draws[:, j] * (1 + 1e-6)).all()
    else:
        # exact ratios: consistent matrices, every weight ratio within the bound
        assert np.max(res.cr) == pytest.approx(0.0, abs=1e-10)
        ratio = res.draws.max(axis=1) / res.draws.min(axis=1)
        assert (ratio <= max_ratio * (1 + 1e-9)).all()


def test_random_weights_paper_003_dimensions():
    """章立东 & 李奥 (2021): 经济基本盘 ≻ 动力升级 ≻ 生态和谐 (footnote 2's example) and 社会进步,
    ranks given as a labelled worksheet row."""
    order = pd.Series([2, 3, 4, 1], index=["动力升级", "生态和谐", "社会进步", "经济基本盘"])
    res = random_weights(order, rng=2024)
    assert res.n_draws == 10000
    assert isinstance(res.weights, pd.Series)
    assert res.weights.index.tolist() == order.index.tolist()
    w = res.weights
    assert w["经济基本盘"] > w["动力升级"] > w["生态和谐"] > w["社会进步"]
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert (res.lower <= res.weights).all()
    assert (res.weights <= res.upper).all()
    assert (res.std > 0).all()
    np.testing.assert_allclose(res.std, res.draws.std(axis=0, ddof=1))
    np.testing.assert_allclose(res.lower, np.quantile(res.draws, 0.05, axis=0))
    # Saaty-scale matrices generated from one ordering are nearly consistent
    assert res.cr.mean() < 0.1
    frame = res.to_frame()
    assert frame.columns.tolist() == ["weights", "std", "q0.05", "q0.95", "order"]
    assert "rule-based random weighting" in res.convention


def test_random_weights_reproducible_and_rng_forms():
    a = random_weights([1, 2, 3], n_draws=500, rng=7)
    b = random_weights([1, 2, 3], n_draws=500, rng=np.random.default_rng(7))
    c = random_weights([1, 2, 3], n_draws=500, rng=8)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    with pytest.raises(AggloValueError, match="'rng' must be None, an integer seed"):
        random_weights([1, 2, 3], rng="seed")


def test_random_weights_continuous_equals_generating_vector():
    # consistent matrices: the weights of every method are the generating vector
    eig = random_weights([1, 2, 2, 3], n_draws=200, scale="continuous", rng=3)
    geo = random_weights([1, 2, 2, 3], n_draws=200, scale="continuous", method="geometric", rng=3)
    np.testing.assert_allclose(eig.draws, geo.draws, rtol=1e-10)


def test_random_weights_smaller_bound_narrows_weights():
    wide = random_weights([1, 2, 3, 4], n_draws=2000, max_ratio=9, rng=1)
    narrow = random_weights([1, 2, 3, 4], n_draws=2000, max_ratio=3, rng=1)
    assert narrow.weights[0] < wide.weights[0]
    assert narrow.weights[3] > wide.weights[3]
    # max_ratio = 3 on Saaty's scale: every judgement is 2 or 3 (or 1/2, 1/3), so no weight
    # ratio can exceed max_k a_0k / a_3k <= 3 / (1/3)
    assert (narrow.draws[:, 0] / narrow.draws[:, 3] <= 9).all()


def test_random_weights_edge_cases():
    one = random_weights([1], n_draws=10, rng=0)
    assert one.weights.tolist() == [1.0]
    tied = random_weights([1, 1, 1], n_draws=10, rng=0)
    np.testing.assert_allclose(tied.draws, 1 / 3, rtol=1e-12)
    np.testing.assert_allclose(tied.std, 0, atol=1e-12)
    single = random_weights([1, 2], n_draws=1, rng=0)
    assert np.isnan(single.std).all()
    big = random_weights(np.arange(16), n_draws=50, ri="chinese", rng=0)
    _check_order(big.draws, np.arange(16))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"order": [1, None, 2]}, "'order' must not contain missing values"),
        ({"order": []}, "'order' must have at least 1 value"),
        ({"order": [1, 2], "max_ratio": 1}, "'max_ratio' must be a number > 1"),
        ({"order": [1, 2], "max_ratio": 12}, r"'max_ratio' must lie in \[2, 9\]"),
        ({"order": [1, 2], "n_draws": 0}, "'n_draws' must be a whole number"),
        ({"order": [1, 2], "quantiles": (0.9, 0.1)}, "'quantiles' must be two levels"),
        ({"order": [1, 2], "scale": "log"}, "'scale' must be one of"),
        ({"order": np.arange(16)}, "'saaty1980' covers n <= 15"),
    ],
)
def test_random_weights_errors(kwargs, pattern):
    with pytest.raises(AggloValueError, match=pattern):
        random_weights(**kwargs)


def test_random_weights_continuous_allows_large_bound():
    res = random_weights([1, 2], n_draws=100, max_ratio=20, scale="continuous", rng=0)
    assert (res.draws[:, 0] / res.draws[:, 1] <= 20 * (1 + 1e-9)).all()
    assert (res.draws[:, 0] / res.draws[:, 1] > 9).any()
