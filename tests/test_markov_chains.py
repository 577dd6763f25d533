"""Tests of agglo.markov (classic and spatial Markov chains).

Order: published values (Kemeny and Snell's Land of Oz) and the peer (PySAL giddy, with
its conventions) first, then property tests, then edge cases.
"""

from __future__ import annotations

import numpy as np
import pytest
from agglo import AggloValueError
from agglo.markov_chains import _chain, markov, spatial_markov
from agglo.spatial import china_province_weights, knn_weights
from hypothesis import given, settings
from hypothesis import strategies as st

giddy_markov = pytest.importorskip("giddy.markov")
from giddy.ergodic import mfpt, steady_state  # noqa: E402
from libpysal.weights import WSP  # noqa: E402


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(0)
    n, t = 300, 12
    xy = rng.random((n, 2))
    y = np.cumsum(rng.normal(size=(n, t)), axis=1) + xy[:, :1] * 3
    return y, knn_weights(xy, k=5)


# ======================================================================================
# 1. Published values and the peer
# ======================================================================================


def test_land_of_oz():
    """Kemeny and Snell (1976), Finite Markov Chains, p. 218: steady state and M."""
    counts = np.array([[2.0, 1, 1], [2, 0, 2], [1, 1, 2]])
    p, steady, passage, sojourn, irreducible = _chain(counts)
    assert irreducible
    np.testing.assert_allclose(steady, [0.4, 0.2, 0.4], atol=1e-12)
    np.testing.assert_allclose(
        passage, [[2.5, 4, 10 / 3], [8 / 3, 5, 8 / 3], [10 / 3, 4, 2.5]], atol=1e-12
    )
    np.testing.assert_allclose(sojourn, [2, 1, 2])


@pytest.mark.parametrize(("scope", "fixed"), [("pooled", True), ("per_year", False)])
def test_matches_giddy(panel, scope, fixed):
    y, w = panel
    sm = giddy_markov.Spatial_Markov(
        y, WSP(w.matrix).to_W(silence_warnings=True), k=5, m=5, fixed=fixed
    )
    r = markov(y, 5, scope)
    np.testing.assert_array_equal(r.counts, sm.transitions)
    np.testing.assert_allclose(r.probabilities, sm.p, atol=1e-12)
    np.testing.assert_allclose(r.steady_state, steady_state(sm.p), atol=1e-12)
    np.testing.assert_allclose(r.first_passage, mfpt(sm.p), atol=1e-9)
    np.testing.assert_allclose(r.sojourn, giddy_markov.sojourn_time(sm.p), atol=1e-9)
    np.testing.assert_array_equal(r.class_ids, sm.class_ids)
    s = spatial_markov(y, w, 5, scope=scope)
    np.testing.assert_array_equal(s.counts, sm.T)
    np.testing.assert_array_equal(s.lag_class_ids, sm.lclass_ids)
    np.testing.assert_allclose(s.probabilities, sm.P, atol=1e-12)
    np.testing.assert_allclose(s.steady_states, np.array(list(sm.S), dtype=float), atol=1e-12)
    np.testing.assert_allclose(s.first_passage, sm.F, atol=1e-9)
    assert pytest.approx(sm.Q, rel=1e-10) == s.Q
    assert pytest.approx(sm.LR, rel=1e-10) == s.LR
    assert s.dof == sm.dof_hom
    assert pytest.approx(sm.Q_p_value, abs=1e-12) == s.Q_p_value
    assert pytest.approx(sm.LR_p_value, abs=1e-12) == s.LR_p_value
    if fixed:
        np.testing.assert_allclose(r.cutoffs[:-1], sm.cutoffs)


def test_giddy_markov_on_given_classes_and_cutoffs(panel):
    y, _ = panel
    cuts = [-1.0, 0.5, 2.0]
    r = markov(y, cutoffs=cuts)
    mk = giddy_markov.Markov(r.class_ids)
    np.testing.assert_array_equal(r.counts, mk.transitions)
    sm = giddy_markov.Spatial_Markov(
        y, WSP(panel[1].matrix).to_W(silence_warnings=True), cutoffs=cuts, lag_cutoffs=cuts
    )
    np.testing.assert_array_equal(r.class_ids, sm.class_ids)
    assert r.k == 4


def test_empty_class_rows_are_nan_not_zero():
    """A class never left from has no probabilities (giddy writes 0; we write NaN)."""
    y = np.array([[1.0, 1, 1], [2, 2, 2], [3, 3, 9], [4, 4, 4]])
    r = markov(y, cutoffs=[1.5, 2.5, 5])
    assert r.counts[3].sum() == 0
    assert np.isnan(r.probabilities[3]).all()
    assert np.isnan(r.steady_state).all()
    assert not r.irreducible


# ======================================================================================
# 2. Properties
# ======================================================================================


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 6))
def test_rows_sum_to_one_and_steady_state_is_stationary(seed, k):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(60, 8)).cumsum(axis=1)
    r = markov(y, k)
    assert r.counts.sum() == 60 * 7
    np.testing.assert_allclose(r.probabilities.sum(axis=1), 1.0)
    if r.irreducible:
        np.testing.assert_allclose(r.steady_state @ r.probabilities, r.steady_state, atol=1e-10)
        np.testing.assert_allclose(np.diag(r.first_passage), 1 / r.steady_state, rtol=1e-9)
    w = china_province_weights()
    s = spatial_markov(rng.normal(size=(31, 6)).cumsum(axis=1), w, classes=2, lag_classes=3)
    assert s.counts.shape == (3, 2, 2)
    assert s.counts.sum() == 31 * 5
    np.testing.assert_array_equal(s.counts.sum(axis=0), s.overall.counts)


def test_relative_levels_are_scale_free():
    rng = np.random.default_rng(3)
    y = rng.lognormal(size=(40, 6))
    grown = y * np.array([1, 1.1, 1.3, 1.2, 1.5, 2.0])  # common growth per year
    a = markov(y, 4, relative=True)
    b = markov(grown, 4, relative=True)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert "relative" in a.convention


def test_to_frame():
    rng = np.random.default_rng(1)
    r = markov(rng.normal(size=(50, 5)).cumsum(axis=1), 3)
    df = r.to_frame()
    assert list(df.columns) == ["n", "C1", "C2", "C3", "steady_state", "sojourn"]
    s = spatial_markov(rng.normal(size=(31, 5)), china_province_weights(), 2).to_frame()
    assert s.shape == (4, 5)


# ======================================================================================
# 3. Edge cases
# ======================================================================================


def test_refusals():
    with pytest.raises(AggloValueError, match="2 个年份"):
        markov([[1.0], [2.0]])
    with pytest.raises(AggloValueError, match="相同的值太多"):
        markov(np.ones((10, 3)), 4)
    with pytest.raises(AggloValueError, match="递增"):
        markov(np.arange(12.0).reshape(4, 3), cutoffs=[3, 1])
    with pytest.raises(AggloValueError, match="scope"):
        markov(np.arange(12.0).reshape(4, 3), scope="yearly")
    with pytest.raises(AggloValueError, match="31"):
        spatial_markov(np.arange(12.0).reshape(4, 3), china_province_weights())
    with pytest.raises(AggloValueError, match="missing"):
        markov([[1.0, np.nan], [2.0, 3.0]])


def test_more_classes_than_values_is_refused():
    with pytest.raises(AggloValueError, match="'classes'"):
        markov(np.arange(8.0).reshape(4, 2), 10**15)
    with pytest.raises(AggloValueError, match="'classes'"):
        markov(np.arange(8.0).reshape(4, 2), 5, "per_year")


def test_reducible_chain_with_one_recurrent_class():
    """Class 1 is left for good: the steady state is unique (all mass on class 2) but the
    chain is not irreducible, so first-passage times are not given."""
    p, steady, passage, sojourn, irreducible = _chain(np.array([[1.0, 3.0], [0.0, 4.0]]))
    assert not irreducible
    np.testing.assert_allclose(steady, [0.0, 1.0], atol=1e-12)
    assert np.isnan(passage).all()
    assert sojourn[1] == np.inf
    assert sojourn[0] == pytest.approx(4 / 3)


def test_real_provincial_panel_matches_giddy():
    """NBS data (bundled): GDP of the 31 provinces 2015–2024 relative to the yearly mean."""
    import agglo

    df = agglo.load_dataset("gdp_by_sector")
    order = agglo.china_provinces()["province"]
    panel = df.pivot(index="地区", columns="年份", values="GDP").reindex(order).to_numpy()
    rel = panel / panel.mean(axis=0)
    w = china_province_weights()
    sm = giddy_markov.Spatial_Markov(
        rel, WSP(w.matrix).to_W(silence_warnings=True), k=3, m=3, fixed=True
    )
    s = spatial_markov(panel, w, 3, relative=True)
    np.testing.assert_array_equal(s.counts, sm.T)
    np.testing.assert_allclose(s.overall.probabilities, sm.p, atol=1e-12)
    assert s.overall.counts.sum() == 31 * 9
