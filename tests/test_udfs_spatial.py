"""Worksheet functions of spatial weights, spatial autocorrelation, Markov chains and
economic complexity: each wrapper returns what its agglo function computes, laid out
as documented, and turns bad input into one clear #VALUE! message."""

from __future__ import annotations

import agglo
import numpy as np
import pytest
from agglo_addin import udfs as u


def _col(values) -> list[list[float]]:
    return [[float(v)] for v in values]


@pytest.fixture(scope="module")
def gdp():
    """Provincial GDP 2015 in NBS order, as a worksheet column with a header."""
    prov = agglo.china_provinces()["province"]
    g = agglo.gdp_by_sector(2015).sum(axis=1).reindex(prov)
    return [["GDP"], *_col(g.to_numpy())], g


def test_chinaweights_block_feeds_morani(gdp):
    block = u.CHINAWEIGHTS()
    assert block[0][1:4] == ["北京", "天津", "河北"]
    assert block[1][0] == "北京"
    assert len(block) == 32
    assert all(len(row) == 32 for row in block)
    cells, g = gdp
    table = {row[0]: row[1] for row in u.MORANI(cells, block, None, 0)}
    r = agglo.moran(g, agglo.china_province_weights(), permutations=0)
    assert table["I"] == pytest.approx(r.I, abs=1e-12)
    assert table["p (randomisation, two-sided)"] == pytest.approx(r.p_random, abs=1e-12)
    assert table["p (permutation, pseudo)"] == "#N/A"  # no permutations asked for
    # the numbers-only block gives the same statistic
    plain = u.CHINAWEIGHTS("guangdong", "W", False)
    assert {row[0]: row[1] for row in u.MORANI(cells, plain, None, 0)}["I"] == table["I"]
    # the seed makes the pseudo p-value stable on recalculation
    a = u.MORANI(cells, block, "W", 199, 7)
    assert a == u.MORANI(cells, block, "W", 199, 7)


def test_geary_and_lisa(gdp):
    cells, g = gdp
    w = agglo.china_province_weights("isolated")
    block = u.CHINAWEIGHTS("isolated", "W", False)
    c = {row[0]: row[1] for row in u.GEARYC(cells, block, None, 0)}
    assert c["C"] == pytest.approx(agglo.geary(g, w, permutations=0).C, abs=1e-12)
    lisa = u.LISA(cells, block, "W", 99, 1)
    assert lisa[0] == ["I_i", "E[I_i]", "z", "p", "p (permutation)", "quadrant", "z-value", "lag"]
    ref = agglo.local_moran(g, w, permutations=0)
    assert [row[5] for row in lisa[1:]] == ref.quadrant.tolist()
    np.testing.assert_allclose([row[0] for row in lisa[1:]], ref.I, atol=1e-12)
    assert lisa[21][4] == "#N/A"  # Hainan, isolated: no neighbours to permute


def test_weight_builders():
    xy = np.random.default_rng(2).random((12, 2)).tolist()
    np.testing.assert_allclose(u.KNNWEIGHTS(xy, 3), agglo.knn_weights(xy, 3).to_dense())
    band = u.DISTWEIGHTS(xy, 0.4, 0)
    np.testing.assert_allclose(band, agglo.distance_band_weights(xy, 0.4).to_dense())
    inv = u.DISTWEIGHTS(xy, None, 2, None, "O")
    np.testing.assert_allclose(inv, agglo.inverse_distance_weights(xy, 2, style="O").to_dense())
    assert u.SPWEIGHTS([[0, 2], [1, 0]], "B") == [[0.0, 1.0], [1.0, 0.0]]
    assert u.SPWEIGHTS([[1, 2], [1, 0]]).startswith("#VALUE! 'matrix'")


def test_markov_tables():
    rng = np.random.default_rng(5)
    panel = rng.normal(size=(31, 8)).cumsum(axis=1)
    t = u.MARKOV(panel.tolist(), 4)
    r = agglo.markov(panel, 4)
    assert t[0] == ["class [pooled]", "n", "C1", "C2", "C3", "C4", "steady state", "sojourn"]
    np.testing.assert_allclose([row[2:6] for row in t[1:]], r.probabilities)
    np.testing.assert_allclose([row[6] for row in t[1:]], r.steady_state)
    counts = u.MARKOV(panel.tolist(), 4, "pooled", "counts")
    np.testing.assert_array_equal([row[1:] for row in counts[1:]], r.counts)
    w = u.CHINAWEIGHTS()
    s = u.SPMARKOV(panel.tolist(), w, 3, 2)
    ref = agglo.spatial_markov(panel, agglo.china_province_weights(), 3, 2)
    assert len(s) == 1 + 2 * 3
    assert s[1][:2] == ["L1", "C1"]
    np.testing.assert_allclose([row[3:6] for row in s[1:]], ref.probabilities.reshape(6, 3))
    assert u.MARKOV(panel.tolist(), 4, None, "table").startswith("#VALUE! 'show'")
    test = {row[0]: row[1] for row in u.SPMARKOV(panel.tolist(), w, 3, 2, None, "test")}
    assert test["Q"] == pytest.approx(ref.Q)
    assert test["dof"] == ref.dof


def test_complexity_tables():
    x = np.random.default_rng(8).lognormal(size=(12, 7))
    header = [[None, *[f"产业{j}" for j in range(7)]]]
    cells = header + [[f"地区{i}", *row] for i, row in enumerate(x.tolist())]
    r = agglo.economic_complexity(x)
    eci = u.ECI(cells)
    assert eci[0] == ["diversity [reflections]", "ECI"]
    np.testing.assert_allclose([row[1] for row in eci[1:]], r.eci)
    pci = u.PCI(cells, "eigenvector", None, None, "ecomplexity")
    ref = agglo.economic_complexity(x, "eigenvector", convention="ecomplexity")
    np.testing.assert_allclose([row[1] for row in pci[1:]], ref.pci)
    fit = u.ECI(cells, "fitness")
    assert fit[0][1] == "fitness"
    np.testing.assert_allclose(u.PROXIMITY(cells), agglo.proximity(x))
    np.testing.assert_allclose(
        u.RELDENSITY(cells, None, None, False), agglo.relatedness_density(x, include_self=False)
    )
    total = cells + [["合计", *x.sum(axis=0).tolist()]]
    assert u.ECI(total).startswith("#VALUE!")


def test_headless_engine_chains_chinaweights_into_morani(tmp_path, gdp):
    """A workbook as a user builds it: the weights spill from CHINAWEIGHTS and MORANI
    reads them; the headless engine evaluates both with the real worksheet functions."""
    openpyxl = pytest.importorskip("openpyxl")
    from agglo_addin import engine, xlsx
    from openpyxl.worksheet.formula import ArrayFormula

    cells, g = gdp
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "GDP"
    for i, v in enumerate(g.to_numpy(), start=2):
        ws.cell(row=i, column=1, value=float(v))
    ws["C1"] = ArrayFormula("C1:AH32", "=CHINAWEIGHTS()")
    ws["AJ1"] = ArrayFormula("AJ1:AK12", "=MORANI(A2:A32,C1:AH32,,0)")
    path = tmp_path / "moran.xlsx"
    wb.save(path)
    ev = engine.evaluate_package(xlsx.read_package(path))
    assert ev.values[("Data", "D1")] == "北京"
    assert ev.values[("Data", "AJ2")] == "I"
    r = agglo.moran(g, agglo.china_province_weights(), permutations=0)
    assert ev.values[("Data", "AK2")] == pytest.approx(r.I, abs=1e-12)


def test_nbweights_from_a_neighbour_list():
    pairs = [["地区", "邻居"], ["北京", "天津"], ["北京", "河北"], ["天津", "河北"], [None, None]]
    out = u.NBWEIGHTS(pairs, "B", True, True)
    assert out[0] == ["B (neighbour list)", "北京", "天津", "河北"]
    assert [row[1:] for row in out[1:]] == [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    # the borders shipped with agglo, as a list, give CHINAWEIGHTS (without Hainan's link)
    borders = agglo.load_dataset("china_province_borders").to_numpy().tolist()
    listed = u.NBWEIGHTS(borders + [["海南", "广东"]], "W")
    china = agglo.china_province_weights().to_frame()
    names = listed[0][1:]
    got = np.array([row[1:] for row in listed[1:]])
    np.testing.assert_allclose(got, china.loc[names, names].to_numpy())
    # weights in a third column, one direction only
    directed = u.NBWEIGHTS([[11, 12, 2.0], [12, 13, 1.0]], "O", False)
    assert directed[0][1:] == [11, 12, 13]
    assert directed[1][1:] == [0.0, 2.0, 0.0]
    assert directed[2][1:] == [0.0, 0.0, 1.0]
    assert u.NBWEIGHTS([["北京", "北京"]]).startswith("#VALUE! 'pairs'")
    assert u.NBWEIGHTS([["北京", "天津", 1], ["天津", "北京", 2]]).startswith("#VALUE! 'pairs'")


def test_morani_gives_one_column_per_year():
    order = agglo.china_provinces()["province"]
    years = (2015, 2020, 2024)
    shares = {
        y: (lambda g: g["第三产业"] / g.sum(axis=1))(agglo.gdp_by_sector(y).reindex(order))
        for y in years
    }
    head = [f"{y}年" for y in years]  # year headers: the reader gives the years (agglo.tables)
    cells = [[None, *head], *[[p, *[float(shares[y][p]) for y in years]] for p in order]]
    out = u.MORANI(cells, u.CHINAWEIGHTS(), None, 0)
    assert out[0] == ["Moran's I [W]", 2015, 2020, 2024]
    assert out[1][0] == "I"
    w = agglo.china_province_weights()
    for j, y in enumerate(years, start=1):
        assert out[1][j] == pytest.approx(agglo.moran(shares[y], w, permutations=0).I, abs=1e-12)
    geary = u.GEARYC(cells, u.CHINAWEIGHTS(), None, 0)
    assert geary[2][0] == "E[C]"
    assert geary[2][1] == 1.0
