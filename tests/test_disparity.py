"""Theil, Dagum Gini, CV/Williamson, Atkinson, Lorenz: peers, identities, properties, edges."""

from __future__ import annotations

import time

import agglo
import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE
from hypothesis import example, given, settings
from hypothesis import strategies as st

WAGE = pd.read_csv(REFERENCE / "input_province_wage_2014_2023.csv")
W23 = WAGE[WAGE["年份"] == 2023].reset_index(drop=True)
REAT = pd.read_csv(REFERENCE / "reat_disparity.csv").set_index("measure")["value"]
Y = W23["平均工资"].to_numpy()
POP = W23["就业人数"].to_numpy(dtype=float)
REGION = W23["区域"].to_numpy()


# --------------------------------------------------------------------------------------
# independent brute-force implementations (pairs, loops: test only)
# --------------------------------------------------------------------------------------


def brute_dagum(y, g, w=None):
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    labels = list(dict.fromkeys(g))
    g = np.asarray(g)
    idx = [np.flatnonzero(g == lab) for lab in labels]
    k = len(labels)
    W = w.sum()
    mu = (w * y).sum() / W
    n_ = np.array([w[i].sum() for i in idx])
    m_ = np.array([(w[i] * y[i]).sum() / w[i].sum() for i in idx])
    total = sum(w[a] * w[b] * abs(y[a] - y[b]) for a in range(y.size) for b in range(y.size)) / (
        2 * W * W * mu
    )
    G = np.zeros((k, k))
    dpos = np.zeros((k, k))
    for j in range(k):
        for h in range(k):
            s = sum(w[a] * w[b] * abs(y[a] - y[b]) for a in idx[j] for b in idx[h])
            G[j, h] = s / (n_[j] * n_[h] * (m_[j] + m_[h]))
            dpos[j, h] = sum(w[a] * w[b] * max(y[a] - y[b], 0) for a in idx[j] for b in idx[h]) / (
                n_[j] * n_[h]
            )
        G[j, j] = sum(w[a] * w[b] * abs(y[a] - y[b]) for a in idx[j] for b in idx[j]) / (
            2 * n_[j] ** 2 * m_[j]
        )
    p = n_ / W
    s = n_ * m_ / (W * mu)
    gw = float(np.sum(G.diagonal() * p * s))
    gnb = gt = 0.0
    for j in range(k):
        for h in range(j):
            a, b = (j, h) if m_[j] >= m_[h] else (h, j)
            djh, pjh = dpos[a, b], dpos[b, a]
            D = (djh - pjh) / (djh + pjh) if djh + pjh > 0 else 0.0
            term = G[j, h] * (p[j] * s[h] + p[h] * s[j])
            gnb += term * D
            gt += term * (1 - D)
    return total, gw, gnb, gt, G


# --------------------------------------------------------------------------------------
# Theil
# --------------------------------------------------------------------------------------


def test_theil_t_matches_pysal_theild_on_provincial_wages():
    theil_mod = pytest.importorskip("inequality.theil")
    codes = pd.factorize(REGION)[0]
    peer = theil_mod.TheilD(Y, codes)
    res = agglo.theil(Y, groups=REGION)
    assert res.total == pytest.approx(theil_mod.Theil(Y).T, rel=1e-12)
    assert res.between == pytest.approx(float(np.ravel(peer.bg)[0]), rel=1e-10)
    assert res.within == pytest.approx(float(np.ravel(peer.wg)[0]), rel=1e-10)
    assert res.groups == tuple(dict.fromkeys(REGION))  # order of first appearance


def test_theil_l_matches_reat():
    assert agglo.theil(Y, index="L").total == pytest.approx(REAT["theil_L_unweighted_2023"], 1e-12)


def test_theil_weighted_equals_replicated_units():
    y = np.array([3.0, 5.0, 8.0, 13.0])
    w = np.array([1, 3, 2, 1])
    g = np.array(["a", "b", "a", "b"])
    rep_y, rep_g = np.repeat(y, w), np.repeat(g, w)
    for index in ("T", "L"):
        a = agglo.theil(y, weights=w, groups=g, index=index)
        b = agglo.theil(rep_y, groups=rep_g, index=index)
        assert a.total == pytest.approx(b.total, rel=1e-12)
        assert a.between == pytest.approx(b.between, rel=1e-12)
        np.testing.assert_allclose(a.group_values, b.group_values, rtol=1e-12)


def test_theil_gdp_share_form():
    # the Chinese-paper form T = Σ (Y_i/Y) ln((Y_i/Y)/(P_i/P)) with GDP Y_i and population P_i
    gdp = Y * POP
    direct = np.sum(gdp / gdp.sum() * np.log((gdp / gdp.sum()) / (POP / POP.sum())))
    assert agglo.theil(Y, weights=POP).total == pytest.approx(direct, rel=1e-12)
    direct_l = np.sum(POP / POP.sum() * np.log((POP / POP.sum()) / (gdp / gdp.sum())))
    assert agglo.theil(Y, weights=POP, index="L").total == pytest.approx(direct_l, rel=1e-12)


def test_theil_table_and_contributions():
    res = agglo.theil(Y, weights=POP, groups=REGION)
    assert res.contributions.sum() == pytest.approx(1.0)
    frame = res.to_frame()
    assert list(frame.index) == ["between", *(f"within {g}" for g in res.groups), "total"]
    assert frame.loc["total", "value"] == pytest.approx(res.total)


def test_theil_edges():
    with pytest.raises(agglo.AggloValueError, match="正数"):
        agglo.theil([1.0, 0.0, 2.0], index="L")
    with pytest.raises(agglo.AggloValueError, match="缺失"):
        agglo.theil([1.0, np.nan, 2.0])
    with pytest.raises(agglo.AggloValueError, match="'groups'"):
        agglo.theil([1.0, 2.0, 3.0], groups=["a", "b"])
    with pytest.raises(agglo.AggloValueError, match="'groups'"):
        agglo.theil([1.0, 2.0, 3.0], groups=["a", None, "b"])
    assert agglo.theil([2.0, 2.0, 2.0]).total == pytest.approx(0.0)
    assert agglo.theil([0.0, 0.0, 4.0]).total == pytest.approx(np.log(3))  # max: one region has all
    assert np.isnan(agglo.theil([0.0, 0.0]).total)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.1, 1e4), min_size=2, max_size=30),
    st.integers(1, 4),
    st.sampled_from(["T", "L"]),
    st.booleans(),
)
def test_theil_decomposition_sums_to_total(vals, k, index, weighted):
    y = np.array(vals)
    g = np.arange(y.size) % k
    w = (np.arange(y.size) % 3 + 1.0) if weighted else None
    res = agglo.theil(y, weights=w, groups=g, index=index)
    assert res.between + res.within == pytest.approx(res.total, abs=1e-10)
    assert res.total >= -1e-12
    assert res.between >= -1e-12
    assert res.within >= -1e-12
    # scale invariance
    assert agglo.theil(y * 7.5, weights=w, index=index).total == pytest.approx(res.total, abs=1e-10)


# --------------------------------------------------------------------------------------
# Dagum
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_dagum_matches_brute_force_on_provincial_wages(weighted):
    w = POP if weighted else None
    res = agglo.dagum_gini(Y, REGION, weights=w)
    total, gw, gnb, gt, G = brute_dagum(Y, REGION, w)
    assert res.total == pytest.approx(total, rel=1e-10)
    assert res.within == pytest.approx(gw, rel=1e-10)
    assert res.between == pytest.approx(gnb, rel=1e-10)
    assert res.transvariation == pytest.approx(gt, rel=1e-10, abs=1e-14)
    np.testing.assert_allclose(res.between_gini, G, rtol=1e-10)
    assert res.within + res.between + res.transvariation == pytest.approx(res.total, rel=1e-12)


def test_dagum_total_is_the_gini_of_reat():
    assert agglo.dagum_gini(Y, REGION).total == pytest.approx(REAT["gini_2023"], rel=1e-12)
    # REAT's weighted gini pairs the weights with the unsorted values (see agglo.gini), so
    # the population-weighted total is checked against agglo.gini instead
    weighted = agglo.dagum_gini(Y, REGION, weights=POP).total
    assert weighted == pytest.approx(agglo.gini(Y, weights=POP), rel=1e-12)


IC2 = pd.read_csv(REFERENCE / "ic2_gini_decomposition_wage.csv", keep_default_na=False)


@pytest.mark.parametrize("year", [2014, 2023])
@pytest.mark.parametrize("weighting", ["none", "employment"])
def test_dagum_matches_ic2_bhattacharya_mahalanobis(year, weighting):
    # R package IC2 1.0-1, decompSGini(param = 2, decomp = "BM") on the provincial wages
    # by the four NBS regions: total = G, within = G_w, between = G_nb, overlap = G_t;
    # its group Ginis are G_jj and its group contributions p_j s_j G_jj
    s = WAGE[WAGE["年份"] == year]
    w = s["就业人数"].to_numpy(dtype=float) if weighting == "employment" else None
    res = agglo.dagum_gini(s["平均工资"].to_numpy(), s["区域"].to_numpy(), weights=w)
    ref = IC2[(IC2["year"] == year) & (IC2["weights"] == weighting)]
    one = ref[ref["group"] == ""].set_index("measure")["value"]
    assert res.total == pytest.approx(one["total"], rel=1e-12)
    assert res.within == pytest.approx(one["within"], rel=1e-12)
    assert res.between == pytest.approx(one["between"], rel=1e-12)
    assert res.transvariation == pytest.approx(one["overlap"], rel=1e-11)
    groups = ref[ref["measure"] == "group_gini"].set_index("group")["value"]
    np.testing.assert_allclose(res.group_gini, groups[list(res.groups)].to_numpy(), rtol=1e-12)
    contrib = ref[ref["measure"] == "group_contribution"].set_index("group")["value"]
    np.testing.assert_allclose(
        res.group_gini * res.population_shares * res.value_shares,
        contrib[list(res.groups)].to_numpy(),
        rtol=1e-12,
    )


def test_dagum_2023_figures_of_ic2():
    # the figures themselves (IC2, unweighted 2023), so a change of input data shows
    res = agglo.dagum_gini(Y, REGION)
    assert (round(res.total, 6), round(res.within, 6)) == (0.136793, 0.034016)
    assert (round(res.between, 6), round(res.transvariation, 6)) == (0.089937, 0.01284)
    assert res.group_gini[list(res.groups).index("东部")] == pytest.approx(0.179687, abs=1e-6)


# A published Dagum table whose input is printed too: 王钰凯、郭辉 (2022), 干旱区地理
# 45(4): 1320-1331, the tourism eco-efficiency of Xinjiang's 14 prefectures, 2005-2019
# (Table 2, three decimals) grouped 北疆 (7) / 南疆 (5) / 东疆 (2), decomposed in Table 3
# (four decimals; contribution rates in %, two decimals), unweighted as here.  The
# efficiencies are printed to 3 decimals, so the published figures are matched within the
# first-order worst case of that rounding (each input ± 0.0005), propagated through the
# independent brute-force implementation, plus half a unit of the published last digit.
XJ = pd.read_csv(REFERENCE / "input_xinjiang_tourism_eco_efficiency_2005_2019.csv")
XJ_TABLE3 = pd.read_csv(REFERENCE / "published_dagum_xinjiang_tourism_2022.csv").set_index("年份")
XJ_GROUPS = ("北疆", "东疆", "南疆")  # order of first appearance in the input


def _xj_year(year):
    s = XJ[XJ["年份"] == year]
    return s["生态效率"].to_numpy(), s["区域"].to_numpy()


def _xj_brute(y, g):
    # G, G_w, G_nb, G_t, contribution rates (%), G_jj of 北疆/东疆/南疆, G_jh of the pairs
    # 北疆-东疆, 北疆-南疆, 南疆-东疆
    total, gw, gnb, gt, G = brute_dagum(y, g)
    rates = [100 * gw / total, 100 * gnb / total, 100 * gt / total]
    return np.array([total, gw, gnb, gt, *rates, *G.diagonal(), G[0, 1], G[0, 2], G[1, 2]])


def _xj_rounding_bound(y, g, half=5e-4):
    base = _xj_brute(y, g)
    bound = np.zeros_like(base)
    for i in range(y.size):
        moved = [y + d * (np.arange(y.size) == i) for d in (half, -half)]
        bound += np.max([np.abs(_xj_brute(m, g) - base) for m in moved], axis=0)
    return bound


XJ_YEARS = list(range(2005, 2020))
XJ_BOUNDS = {year: _xj_rounding_bound(*_xj_year(year)) for year in XJ_YEARS}


def _xj_ours(year):
    y, g = _xj_year(year)
    res = agglo.dagum_gini(y, g)
    assert res.groups == XJ_GROUPS
    G = res.between_gini
    return np.array(
        [
            res.total,
            res.within,
            res.between,
            res.transvariation,
            *(100 * np.asarray(res.contributions)),
            *res.group_gini,
            G[0, 1],
            G[0, 2],
            G[1, 2],
        ]
    )


@pytest.mark.parametrize("year", XJ_YEARS)
def test_dagum_reproduces_the_published_xinjiang_table(year):
    ours = _xj_ours(year)
    np.testing.assert_allclose(ours, _xj_brute(*_xj_year(year)), rtol=1e-10, atol=1e-13)
    row = XJ_TABLE3.loc[str(year)]
    published = row[["总体", "区域内", "区域间", "超变密度"]].to_numpy(float)
    rates = row[["区域内贡献率", "区域间贡献率", "超变密度贡献率"]].to_numpy(float)
    bound = XJ_BOUNDS[year]
    assert np.all(np.abs(ours[:4] - published) <= bound[:4] + 0.5e-4)
    assert np.all(np.abs(ours[4:7] - rates) <= bound[4:7] + 0.5e-2)


def test_dagum_reproduces_the_published_xinjiang_means():
    # the 均值 row of Table 3: means over the 15 years
    ours = np.mean([_xj_ours(year) for year in XJ_YEARS], axis=0)
    bound = np.mean([XJ_BOUNDS[year] for year in XJ_YEARS], axis=0)
    row = XJ_TABLE3.loc["均值"]
    published = row[["总体", "区域内", "区域间", "超变密度"]].to_numpy(float)
    rates = row[["区域内贡献率", "区域间贡献率", "超变密度贡献率"]].to_numpy(float)
    assert np.all(np.abs(ours[:4] - published) <= bound[:4] + 0.5e-4)
    assert np.all(np.abs(ours[4:7] - rates) <= bound[4:7] + 0.5e-2)
    assert round(ours[0], 3) == 0.494  # "总体基尼系数均值为0.494" (sec. 2.2.2)


def test_dagum_group_and_between_ginis_of_the_published_xinjiang_text():
    # Sec. 2.2.2 gives the group Ginis G_jj (means over 2005-2019) and the between-group
    # Ginis G_jh (means and single years).  Its text swaps the labels 东疆 and 南疆: the
    # paper itself puts 吐鲁番 and 哈密 in 东疆 (Table 2, sec. 2.1.3), and with them the
    # two-prefecture group has the mean Gini 0.1829 the text gives to 南疆, the
    # five-prefecture group the 0.3076 it gives to 东疆 (likewise for the pairs with
    # 北疆).  Only the labels differ: Table 3's totals do not depend on them.
    ours = {year: _xj_ours(year) for year in XJ_YEARS}
    # columns of _xj_ours: 7-9 G_jj of 北疆/东疆/南疆; 10 北疆-东疆, 11 北疆-南疆, 12 南疆-东疆
    text_means = {7: 0.4925, 8: 0.1829, 9: 0.3076, 10: 0.5578, 11: 0.5717, 12: 0.3236}
    for col, published in text_means.items():
        mean = np.mean([ours[year][col] for year in XJ_YEARS])
        bound = np.mean([XJ_BOUNDS[year][col] for year in XJ_YEARS])
        assert abs(mean - published) <= bound + 0.5e-4, (col, mean, published)
    text_years = [
        (2005, 10, 0.4960),  # the text's "北疆-南疆"
        (2019, 10, 0.4438),
        (2005, 11, 0.5114),  # the text's "北疆-东疆"
        (2018, 11, 0.7754),
        (2019, 11, 0.4869),
        (2005, 12, 0.1631),  # 南疆-东疆
        (2019, 12, 0.3489),
    ]
    for year, col, published in text_years:
        assert abs(ours[year][col] - published) <= XJ_BOUNDS[year][col] + 0.5e-4, (year, col)


@pytest.mark.parametrize("weighted", [False, True])
def test_dagum_identities_with_bhattacharya_mahalanobis(weighted):
    # Dagum (1997, sec. 4): G_w is the within term Σ p_j s_j G_j of Bhattacharya and
    # Mahalanobis (1967); G_nb = Σ_j Σ_h p_j p_h |μ_j − μ_h| / (2μ), the Gini of the group
    # means weighted by the group populations (their between term); G_t their overlap.
    w = POP if weighted else np.ones_like(Y)
    res = agglo.dagum_gini(Y, REGION, weights=w if weighted else None)
    bm_within = 0.0
    for j, lab in enumerate(res.groups):
        m = lab == REGION
        gj = agglo.gini(Y[m], weights=w[m])
        assert res.group_gini[j] == pytest.approx(gj, rel=1e-10)
        bm_within += res.population_shares[j] * res.value_shares[j] * gj
    assert res.within == pytest.approx(bm_within, rel=1e-10)
    sizes = np.array([w[lab == REGION].sum() for lab in res.groups])
    gini_of_means = agglo.gini(res.group_means, weights=sizes)
    assert res.between == pytest.approx(gini_of_means, rel=1e-10)


def test_dagum_edge_cases():
    one = agglo.dagum_gini([1.0, 2.0, 4.0], ["a", "a", "a"])
    assert one.between == 0.0
    assert one.transvariation == 0.0
    assert one.within == pytest.approx(one.total)
    own = agglo.dagum_gini([1.0, 2.0, 4.0], ["a", "b", "c"])
    assert own.within == 0.0
    assert own.transvariation == pytest.approx(0.0, abs=1e-15)
    assert own.between == pytest.approx(own.total)
    # identical groups: all between-group difference is transvariation
    same = agglo.dagum_gini([1.0, 3.0, 1.0, 3.0], ["a", "a", "b", "b"])
    assert same.between == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(agglo.AggloValueError, match="全为 0"):
        agglo.dagum_gini([0.0, 0.0], ["a", "b"])
    with pytest.raises(agglo.AggloValueError, match="非负"):
        agglo.dagum_gini([1.0, -2.0], ["a", "b"])
    with pytest.raises(agglo.AggloValueError, match="'weights'"):
        agglo.dagum_gini([1.0, 2.0], ["a", "b"], weights=[1.0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e3), min_size=2, max_size=14),
    st.integers(1, 4),
    st.lists(st.integers(1, 4), min_size=14, max_size=14),
)
@example([0.0, 5e-324], 1, [1] * 14)  # the mean rounds to 0: refused, not divided by 0
def test_dagum_properties(vals, k, wts):
    y = np.array(vals)
    g = np.array([f"g{i % k}" for i in range(y.size)])
    w = np.array(wts[: y.size], dtype=float)
    if not (w * y).sum() / w.sum() > 0:  # all zero, or a mean that rounds to 0 (5e-324)
        with pytest.raises(agglo.AggloValueError, match="0/0"):
            agglo.dagum_gini(y, g, weights=w)
        return
    res = agglo.dagum_gini(y, g, weights=w)
    assert res.within + res.between + res.transvariation == pytest.approx(res.total, abs=1e-12)
    assert min(res.within, res.between, res.transvariation) >= -1e-12
    rep = agglo.dagum_gini(np.repeat(y, w.astype(int)), np.repeat(g, w.astype(int)))
    assert rep.total == pytest.approx(res.total, abs=1e-12)
    assert rep.between == pytest.approx(res.between, abs=1e-12)
    assert rep.transvariation == pytest.approx(res.transvariation, abs=1e-12)


def test_dagum_is_fast_without_pair_loops():
    rng = np.random.default_rng(0)
    y = rng.lognormal(10, 0.5, 3000)
    g = rng.integers(0, 4, 3000)
    agglo.dagum_gini(y[:10], g[:10])
    start = time.perf_counter()
    agglo.dagum_gini(y, g)
    assert time.perf_counter() - start < 0.5  # the benchmark prints the real figure


# --------------------------------------------------------------------------------------
# CV, Williamson, Atkinson, Lorenz
# --------------------------------------------------------------------------------------


def test_cv_and_williamson_match_reat():
    cv = agglo.coefficient_of_variation
    assert cv(Y, ddof=1) == pytest.approx(REAT["cv_sample_2023"], rel=1e-12)
    assert cv(Y) == pytest.approx(REAT["cv_population_2023"], rel=1e-12)
    assert cv(Y, weights=POP) == pytest.approx(REAT["williamson_wmean_2023"], rel=1e-12)


@pytest.mark.parametrize("eps", [0.5, 1, 2])
def test_atkinson_matches_reat_and_pysal(eps):
    assert agglo.atkinson(Y, eps) == pytest.approx(REAT[f"atkinson_{eps}_2023"], rel=1e-10)
    atk = pytest.importorskip("inequality.atkinson")
    assert agglo.atkinson(Y, eps) == pytest.approx(atk.atkinson(Y, eps), rel=1e-10)


def test_atkinson_edges_and_weights():
    assert agglo.atkinson([5.0, 5.0, 5.0], 2) == pytest.approx(0.0, abs=1e-15)
    assert agglo.atkinson([1.0, 9.0], 0) == pytest.approx(0.0)
    w = np.array([2, 1, 3])
    y = np.array([1.0, 4.0, 9.0])
    assert agglo.atkinson(y, 1.5, weights=w) == pytest.approx(agglo.atkinson(np.repeat(y, w), 1.5))
    with pytest.raises(agglo.AggloValueError, match="正数"):
        agglo.atkinson([0.0, 1.0], 1)
    with pytest.raises(agglo.AggloValueError, match="'epsilon'"):
        agglo.atkinson([1.0, 2.0], -1)


def test_lorenz_matches_pysal_and_gini():
    wolfson = pytest.importorskip("inequality.wolfson")
    pop, share = wolfson.lorenz_curve(Y)
    res = agglo.lorenz_curve(Y)
    np.testing.assert_allclose(res.population_share, pop, rtol=1e-12)
    np.testing.assert_allclose(res.value_share, share, rtol=1e-12)
    assert res.gini == pytest.approx(REAT["gini_2023"], rel=1e-10)
    weighted = agglo.lorenz_curve(Y, weights=POP)
    assert weighted.gini == pytest.approx(agglo.gini(Y, weights=POP), rel=1e-10)
    assert np.all(np.diff(weighted.value_share) >= 0)


def test_four_regions_dataset_matches_the_yearbook_grouping():
    regions = agglo.load_dataset("four_regions")
    assert regions["区域"].value_counts().to_dict() == {
        "西部": 12,
        "东部": 10,
        "中部": 6,
        "东北": 3,
    }
    emp = agglo.load_dataset("employment_wage").groupby("地区")["区域"].first()
    assert (emp.loc[regions["地区"]].to_numpy() == regions["区域"].to_numpy()).all()


def test_labelled_weights_and_groups_are_matched_by_label():
    y = pd.Series(Y, index=W23["地区"])
    w = pd.Series(POP, index=W23["地区"])
    g = pd.Series(REGION, index=W23["地区"])
    shuffled = w.sample(frac=1.0, random_state=1)
    gshuf = g.sample(frac=1.0, random_state=2)
    a = agglo.theil(y, weights=shuffled, groups=gshuf)
    b = agglo.theil(Y, weights=POP, groups=REGION)
    assert a.total == pytest.approx(b.total)
    assert a.between == pytest.approx(b.between)
    d = agglo.dagum_gini(y, gshuf, weights=shuffled)
    assert d.total == pytest.approx(agglo.dagum_gini(Y, REGION, weights=POP).total)
    assert agglo.atkinson(y, 1, weights=shuffled) == pytest.approx(agglo.atkinson(Y, 1, POP))
    wrong = pd.Series(POP, index=[f"x{i}" for i in range(len(POP))])
    with pytest.raises(agglo.AggloValueError, match="'weights'"):
        agglo.theil(y, weights=wrong)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.5, 1e4), min_size=3, max_size=20),
    st.floats(0.01, 100),
    st.randoms(use_true_random=False),
)
def test_dagum_is_scale_and_order_invariant(vals, factor, rnd):
    y = np.array(vals)
    g = np.array([f"g{i % 3}" for i in range(y.size)])
    base = agglo.dagum_gini(y, g)
    scaled = agglo.dagum_gini(y * factor, g)
    order = list(range(y.size))
    rnd.shuffle(order)
    shuffled = agglo.dagum_gini(y[order], g[order])
    for other in (scaled, shuffled):
        assert other.total == pytest.approx(base.total, abs=1e-12)
        assert other.between == pytest.approx(base.between, abs=1e-12)
        assert other.transvariation == pytest.approx(base.transvariation, abs=1e-12)
    # group matrices follow the group order of first appearance
    pos = [shuffled.groups.index(lab) for lab in base.groups]
    np.testing.assert_allclose(
        shuffled.between_gini[np.ix_(pos, pos)], base.between_gini, atol=1e-12
    )
