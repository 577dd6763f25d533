"""Tests of agglo.complexity (ECI/PCI, fitness, proximity, relatedness density).

Order: peer outputs first, each with its own convention (Growth Lab ``ecomplexity``;
OEC/Datawheel ``economic-complexity``), hand-computed values, then property tests and
edge cases.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, location_quotient
from agglo.complexity import economic_complexity, proximity, relatedness_density
from hypothesis import given, settings
from hypothesis import strategies as st

ecomplexity_pkg = pytest.importorskip("ecomplexity")
oec = pytest.importorskip("economic_complexity")


@pytest.fixture(scope="module")
def exports():
    rng = np.random.default_rng(4)
    n, k = 25, 18
    x = rng.lognormal(size=(n, k)) * np.outer(rng.lognormal(size=n), rng.lognormal(size=k))
    return pd.DataFrame(x, index=[f"r{i}" for i in range(n)], columns=[f"p{j}" for j in range(k)])


@pytest.fixture(scope="module")
def growth_lab(exports):
    long = exports.stack().reset_index()
    long.columns = ["loc", "prod", "val"]
    long["time"] = 2020
    cols = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        out = ecomplexity_pkg.ecomplexity(long, cols)
        prox = ecomplexity_pkg.proximity(long, cols)
    return out, prox


# ======================================================================================
# 1. Peers
# ======================================================================================


def test_eigenvector_matches_ecomplexity(exports, growth_lab):
    out, _ = growth_lab
    r = economic_complexity(exports, method="eigenvector", convention="ecomplexity")
    by_loc = out.groupby("loc").first().reindex(exports.index)
    by_prod = out.groupby("prod").first().reindex(exports.columns)
    np.testing.assert_allclose(r.eci, by_loc["eci"], atol=1e-10)
    np.testing.assert_allclose(r.pci, by_prod["pci"], atol=1e-10)
    np.testing.assert_array_equal(r.diversity, by_loc["diversity"])
    np.testing.assert_array_equal(r.ubiquity, by_prod["ubiquity"])
    rca = out.pivot(index="loc", columns="prod", values="rca").reindex_like(exports)
    np.testing.assert_allclose(r.rca, rca, atol=1e-12)
    np.testing.assert_allclose(r.rca, location_quotient(exports.to_numpy()), atol=1e-12)


def test_proximity_and_density_match_ecomplexity(exports, growth_lab):
    out, prox = growth_lab
    phi = prox.pivot(index="prod_1", columns="prod_2", values="proximity")
    phi = phi.reindex(index=exports.columns, columns=exports.columns)
    np.testing.assert_allclose(proximity(exports), phi, atol=1e-12)
    dens = out.pivot(index="loc", columns="prod", values="density").reindex_like(exports)
    np.testing.assert_allclose(relatedness_density(exports), dens, atol=1e-12)


def test_reflections_match_economic_complexity_package(exports):
    """OEC/Datawheel: ECI from k_r,18, PCI from k_p,19, sample sd, no sign rule."""
    r = economic_complexity(exports)  # reflections, Hidalgo–Hausmann standardisation
    rca = pd.DataFrame(r.rca, index=exports.index, columns=exports.columns)
    eci, pci = oec.complexity(rca)
    eci, pci = eci.reindex(exports.index).to_numpy(), pci.reindex(exports.columns).to_numpy()
    sign = np.sign(np.corrcoef(r.eci, eci)[0, 1])
    n, k = exports.shape
    np.testing.assert_allclose(r.eci, sign * eci * np.sqrt(n / (n - 1)), atol=1e-10)
    np.testing.assert_allclose(r.pci, sign * pci * np.sqrt(k / (k - 1)), atol=1e-10)
    # the peer's densities leave the industry itself out (proximity diagonal 0)
    dens = oec.relatedness(rca, proximities=proximity(exports, include_self=False))
    np.testing.assert_allclose(relatedness_density(exports, include_self=False), dens, atol=1e-12)
    assert (np.diag(proximity(exports, include_self=False)) == 0).all()


# ======================================================================================
# 2. Hand-computed values
# ======================================================================================

NESTED = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]], float)


def test_nested_matrix_by_hand():
    e = economic_complexity(NESTED, "eigenvector", "binary")
    # perfectly nested 4 × 4: ECI ∝ (3, 1, −1, −3), standardised
    np.testing.assert_allclose(e.eci, np.array([3, 1, -1, -3]) / np.sqrt(5), atol=1e-12)
    for steps in (2, 18):
        r = economic_complexity(NESTED, "reflections", "binary", iterations=steps)
        np.testing.assert_allclose(r.eci, e.eci, atol=1e-10)
    f = economic_complexity(NESTED, "fitness", "binary", iterations=2)
    # F1 = diversity / mean; Q1 = (1/ubiquity)/mean = (.48, .64, .96, 1.92); F2 = M Q1 / mean
    np.testing.assert_allclose(f.fitness, [2.0 / 0.96, 1.04 / 0.96, 0.56 / 0.96, 0.24 / 0.96])
    assert f.eci is None
    assert f.pci is None
    assert "fitness" in f.convention


def test_proximity_by_hand():
    m = [[1, 1, 0], [1, 0, 1], [1, 1, 0]]
    # industries 1 & 2 co-occur in 2 regions; ubiquities 3 and 2 → 2/3
    assert proximity(m, kind="binary")[0, 1] == pytest.approx(2 / 3)
    dens = relatedness_density(m, kind="binary")
    assert dens[1, 0] == pytest.approx((1 + 1 / 3) / 2)


# ======================================================================================
# 3. Properties
# ======================================================================================


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_eci_is_mean_pci_and_positively_related_to_diversity(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(15, 10)) * np.outer(np.arange(1, 16), np.ones(10)) ** rng.random()
    try:
        r = economic_complexity(x, "eigenvector", convention="ecomplexity")
    except AggloValueError:
        return  # a disconnected or degenerate draw is refused, not computed
    ok = ~np.isnan(r.eci)
    m = r.presence[ok][:, ~np.isnan(r.pci)]
    # with ecomplexity's scaling the ECI of a region is the mean PCI of its industries
    # up to the eigenvalue: ECI ∝ mean PCI, so they correlate perfectly
    mean_pci = (m @ r.pci[~np.isnan(r.pci)]) / m.sum(axis=1)
    assert np.corrcoef(mean_pci, r.eci[ok])[0, 1] > 0.999
    assert np.corrcoef(r.diversity[ok], r.eci[ok])[0, 1] >= 0
    assert r.eci[ok].mean() == pytest.approx(0, abs=1e-9)
    assert r.eci[ok].std() == pytest.approx(1)
    f = economic_complexity(x, "fitness", iterations=30)
    assert np.nanmean(f.fitness) == pytest.approx(1)
    dens = relatedness_density(x)
    assert np.nanmin(dens) >= 0
    assert np.nanmax(dens) <= 1 + 1e-12


def test_labels_and_tables(exports):
    r = economic_complexity(exports)
    assert r.regions().index.tolist() == exports.index.tolist()
    assert list(r.industries().columns) == ["ubiquity", "PCI"]
    assert isinstance(proximity(exports), pd.DataFrame)
    assert relatedness_density(exports).shape == exports.shape


# ======================================================================================
# 4. Edge cases
# ======================================================================================


def test_empty_rows_get_nan_and_refusals():
    m = np.vstack([NESTED, np.zeros(4)])
    r = economic_complexity(m, "eigenvector", "binary")
    assert np.isnan(r.eci[-1])
    assert not np.isnan(r.eci[:-1]).any()
    with pytest.raises(AggloValueError, match="不连通"):
        economic_complexity([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], "eigenvector", "binary")
    with pytest.raises(AggloValueError, match="0 和 1"):
        economic_complexity([[1, 2], [0, 1]], kind="binary")
    with pytest.raises(AggloValueError, match="method"):
        economic_complexity(NESTED, method="pagerank")
    with pytest.raises(AggloValueError, match="ECI"):
        economic_complexity(np.ones((3, 3)), kind="binary")
    with pytest.raises(AggloValueError, match="non-negative"):
        economic_complexity([[1.0, -2.0], [3.0, 4.0]])
