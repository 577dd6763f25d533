"""agglo.complexity against the R package EconGeo 2.1 (run in R 4.2.2; outputs committed).

Input: the 31 provinces × 8 industries employment matrix of 2023
(``tests/reference/input_employment_matrix_2023.csv``); see ``tests/reference/SOURCES.md``.

Mapping of conventions (EconGeo → agglo):

* ``kci(mat, rca = TRUE)`` is the second eigenvector of M̃ rounded to 4 dp, divided by its
  sum and signed by its correlation with ``morc``; standardised (population sd) it is our
  ``economic_complexity(method='eigenvector').eci`` — to ~1e-3 because of that rounding.
* ``tci`` is signed so that it falls with ubiquity (Spearman); our PCI takes its sign from
  the ECI (ecomplexity's coupling).  On this matrix the two choices disagree, so our PCI is
  minus the standardised ``tci``.
* ``morc(steps = 18)`` / ``mort(steps = 19)`` rescale every step to 0–100; they are the
  min–max rescaled ECI / PCI of our method of reflections (ECI from k_r,18, PCI from k_p,19).
* ``co_occurrence(t(M), diagonal = TRUE)`` is MᵀM: our proximity × max(k_p, k_p').
* ``relatedness_density(M, φ)`` with our proximity φ (diagonal 1, or 0) is 100 × our
  ``relatedness_density(include_self=True/False)``, rounded to 2 dp by EconGeo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agglo.complexity import economic_complexity, proximity, relatedness_density

REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.fixture(scope="module")
def employment():
    return pd.read_csv(REFERENCE / "input_employment_matrix_2023.csv", index_col=0)


@pytest.fixture(scope="module")
def econgeo():
    cx = pd.read_csv(REFERENCE / "econgeo_complexity_employment2023.csv")
    co = pd.read_csv(REFERENCE / "econgeo_co_occurrence_employment2023.csv")
    dens = pd.read_csv(REFERENCE / "econgeo_relatedness_density_employment2023.csv")
    return {
        "regions": cx[cx["kind"] == "region"].set_index("name"),
        "industries": cx[cx["kind"] == "industry"].set_index("name"),
        "co": co,
        "density": dens,
    }


def _z(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def _minmax(x):
    x = np.asarray(x, dtype=float)
    return (x - x.min()) / (x.max() - x.min()) * 100


def test_presence_diversity_and_ubiquity_match_econgeo(employment, econgeo):
    r = economic_complexity(employment, method="eigenvector")
    reg = econgeo["regions"].loc[employment.index]
    ind = econgeo["industries"].loc[employment.columns]
    np.testing.assert_array_equal(r.diversity, reg["degree"].to_numpy())
    np.testing.assert_array_equal(r.ubiquity, ind["degree"].to_numpy())
    assert r.diversity.sum() == 100


def test_eigenvector_eci_is_standardised_kci(employment, econgeo):
    r = economic_complexity(employment, method="eigenvector")
    kci = econgeo["regions"].loc[employment.index, "eigenvector"].to_numpy()
    assert abs(kci.sum()) == pytest.approx(1.0)  # EconGeo divides by the sum, then signs
    # EconGeo rounds M̃ to 4 decimals before eigen(): agreement to 2e-3, not to 1e-12
    np.testing.assert_allclose(r.eci, _z(kci), atol=2e-3)
    assert np.abs(r.eci - _z(kci)).max() > 1e-6  # the rounding is visible
    # 安徽 (manufacturing and construction only): EconGeo −2.23731 after standardising
    assert _z(kci)[list(employment.index).index("安徽")] == pytest.approx(-2.23731, abs=1e-5)
    assert r.eci[list(employment.index).index("安徽")] == pytest.approx(-2.23731, abs=2e-3)


def test_eigenvector_pci_is_minus_standardised_tci(employment, econgeo):
    r = economic_complexity(employment, method="eigenvector")
    ind = econgeo["industries"].loc[employment.columns]
    tci = ind["eigenvector"].to_numpy()
    np.testing.assert_allclose(r.pci, -_z(tci), atol=2e-3)
    # EconGeo signs TCI to fall with ubiquity; ours follows the ECI's sign, which on this
    # matrix makes the PCI rise with ubiquity: a sign convention, pinned here
    rho_econgeo = pd.Series(tci).corr(ind["degree"].reset_index(drop=True), method="spearman")
    rho_ours = pd.Series(r.pci).corr(pd.Series(r.ubiquity), method="spearman")
    assert rho_econgeo < 0 < rho_ours


def test_reflections_are_min_max_of_morc_and_mort(employment, econgeo):
    r = economic_complexity(employment, method="reflections", iterations=18)
    morc = econgeo["regions"].loc[employment.index, "reflections"].to_numpy()
    mort = econgeo["industries"].loc[employment.columns, "reflections"].to_numpy()
    np.testing.assert_allclose(_minmax(r.eci), morc, atol=1e-9)
    np.testing.assert_allclose(_minmax(r.pci), mort, atol=1e-9)
    assert mort[list(employment.columns).index("制造业")] == 0.0


def test_proximity_times_max_ubiquity_is_co_occurrence(employment, econgeo):
    phi = proximity(employment)
    k = economic_complexity(employment).ubiquity
    co = econgeo["co"].pivot(index="industry_a", columns="industry_b", values="co_occurrence")
    co = co.loc[employment.columns, employment.columns].to_numpy()
    off = ~np.eye(len(k), dtype=bool)
    np.testing.assert_allclose((phi.to_numpy() * np.maximum.outer(k, k))[off], co[off])
    np.testing.assert_array_equal(np.diag(co), k)  # diagonal=TRUE holds the ubiquity
    assert phi.loc["医疗", "教育"] == pytest.approx(20 / 22)


@pytest.mark.parametrize(
    ("column", "include_self"), [("density_self", True), ("density_others", False)]
)
def test_relatedness_density_matches_econgeo(employment, econgeo, column, include_self):
    ref = econgeo["density"].pivot(index="region", columns="industry", values=column)
    ref = ref.loc[employment.index, employment.columns]
    ours = relatedness_density(employment, include_self=include_self)
    # EconGeo reports 100 × density rounded to 2 decimals
    np.testing.assert_allclose(ours.to_numpy() * 100, ref.to_numpy(), atol=0.005 + 1e-9)
    assert not np.allclose(ours.to_numpy() * 100, ref.to_numpy(), atol=1e-6)


def test_two_reflections_are_standardised_morc_step2(employment, econgeo):
    # morc(steps = 2) is k_r,2 unscaled (EconGeo rescales only from step 3 on)
    r = economic_complexity(employment, method="reflections", iterations=2)
    k_r2 = econgeo["regions"].loc[employment.index, "reflections_step2"].to_numpy()
    np.testing.assert_allclose(r.eci, _z(k_r2), atol=1e-12)
    assert k_r2[list(employment.index).index("上海")] == pytest.approx(3.925)
