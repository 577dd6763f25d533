"""Tests of agglo.spatial (spatial weights, Moran's I, Geary's C, LISA).

Order: peer outputs (PySAL libpysal/esda, each with its own convention) and known facts
first, then property tests, then edge cases.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from agglo import AggloValueError
from agglo.spatial import (
    EARTH_RADIUS_KM,
    SpatialWeights,
    china_province_weights,
    china_provinces,
    distance_band_weights,
    geary,
    inverse_distance_weights,
    knn_weights,
    local_moran,
    moran,
    spatial_weights,
)
from hypothesis import given, settings
from hypothesis import strategies as st

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")
from libpysal.weights import KNN, WSP, DistanceBand  # noqa: E402

#: agglo style → PySAL transformation letter
PYSAL_STYLE = {"W": "r", "B": "b", "U": "d", "S": "v", "O": "o"}
QUAD = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def _pysal_w(w: SpatialWeights, style: str):
    pw = WSP(w.original).to_W(silence_warnings=True)
    pw.transform = PYSAL_STYLE[style]
    return pw


@pytest.fixture(scope="module")
def field():
    """600 random points with a spatial trend plus noise, and their 5-NN weights."""
    rng = np.random.default_rng(7)
    xy = rng.random((600, 2)) * 100
    y = xy[:, 0] / 25 + rng.normal(size=600)
    return xy, y


# ======================================================================================
# 1. Peer outputs: PySAL esda / libpysal
# ======================================================================================


@pytest.mark.parametrize("style", ["W", "B", "U", "S"])
def test_moran_matches_esda(style, field):
    xy, y = field
    w = knn_weights(xy, k=5)
    r = moran(y, w, style=style, permutations=0)
    e = esda.Moran(y, _pysal_w(w, style), transformation=PYSAL_STYLE[style], permutations=0)
    assert pytest.approx(e.I, abs=1e-10) == r.I
    assert r.expected == pytest.approx(e.EI, abs=1e-12)
    assert r.variance_normal == pytest.approx(e.VI_norm, abs=1e-10)
    assert r.variance_random == pytest.approx(e.VI_rand, abs=1e-10)
    assert r.z_normal == pytest.approx(e.z_norm, abs=1e-8)
    assert r.z_random == pytest.approx(e.z_rand, abs=1e-8)
    assert r.p_normal == pytest.approx(e.p_norm, abs=1e-10)  # both two-sided
    assert r.p_random == pytest.approx(e.p_rand, abs=1e-10)


@pytest.mark.parametrize("style", ["W", "B", "S"])
def test_geary_matches_esda(style):
    w = china_province_weights()
    y = np.sin(np.arange(31.0)) * 10 + np.arange(31.0)
    r = geary(y, w, style=style, permutations=0)
    e = esda.Geary(y, _pysal_w(w, style), transformation=PYSAL_STYLE[style], permutations=0)
    assert pytest.approx(e.C, abs=1e-10) == r.C
    assert r.variance_normal == pytest.approx(e.VC_norm, abs=1e-10)
    assert r.variance_random == pytest.approx(e.VC_rand, abs=1e-10)
    assert r.z_random == pytest.approx(e.z_rand, abs=1e-8)
    # esda reports one-sided normal p-values; ours are two-sided
    assert r.p_normal == pytest.approx(2 * e.p_norm, abs=1e-10)
    assert r.p_random == pytest.approx(2 * e.p_rand, abs=1e-10)


@pytest.mark.parametrize("style", ["W", "B"])
def test_local_moran_matches_esda(style, field):
    xy, y = field
    w = knn_weights(xy, k=5)
    r = local_moran(y, w, style=style, permutations=0)
    e = esda.Moran_Local(y, _pysal_w(w, style), transformation=PYSAL_STYLE[style], permutations=0)
    np.testing.assert_allclose(r.I, e.Is, atol=1e-10)
    np.testing.assert_allclose(r.expected, e.EI, atol=1e-12)
    np.testing.assert_allclose(r.variance, e.VI, atol=1e-10)
    assert r.quadrant.tolist() == [QUAD[q] for q in e.q]


@pytest.mark.slow  # esda compiles its permutation kernel with numba (~30 s once)
def test_local_moran_permutation_p_agrees_with_esda(field):
    """Pseudo p-values are random; with 999 draws each they agree within Monte Carlo error."""
    xy, y = field
    w = knn_weights(xy, k=5)
    r = local_moran(y, w, permutations=999, rng=3)
    e = esda.Moran_Local(y, _pysal_w(w, "W"), permutations=999, seed=3)
    diff = np.abs(r.p_permutation - e.p_sim)
    assert np.median(diff) < 0.01
    assert diff.max() < 0.08
    assert np.corrcoef(r.p_permutation, e.p_sim)[0, 1] > 0.98


def test_global_permutation_p(field):
    xy, y = field
    w = knn_weights(xy, k=5)
    r = moran(y, w, permutations=999, rng=1)
    assert r.p_permutation == pytest.approx(0.001)  # the trend is far beyond every draw
    assert r.z_permutation > 10
    g = geary(y, w, permutations=199, rng=1)
    assert g.p_permutation == pytest.approx(1 / 200)
    # no structure: the pseudo p is not small, and the seed reproduces it
    noise = np.random.default_rng(5).normal(size=600)
    a = moran(noise, w, permutations=499, rng=11)
    b = moran(noise, w, permutations=499, rng=11)
    assert a.p_permutation == b.p_permutation
    assert a.p_permutation > 0.05


def test_knn_and_distance_band_match_libpysal(field):
    xy, _ = field
    for k in (1, 4, 8):
        ours = knn_weights(xy, k=k, style="O").original
        theirs = KNN.from_array(xy, k=k).sparse
        assert abs(ours - theirs).sum() == 0
    band = DistanceBand(xy, threshold=9.0, binary=True, silence_warnings=True).sparse
    assert abs(distance_band_weights(xy, 9.0, style="O").original - band).sum() == 0
    inv = DistanceBand(xy, threshold=9.0, binary=False, alpha=-2.0, silence_warnings=True)
    ours = distance_band_weights(xy, 9.0, binary=False, power=2, style="O").original
    assert abs(ours - inv.sparse).max() < 1e-12


def test_styles_match_libpysal_transforms():
    w = inverse_distance_weights(china_provinces()[["lon", "lat"]], style="O")
    for ours, theirs in (("W", "r"), ("B", "b"), ("U", "d"), ("S", "v")):
        # a fresh W each time: libpysal's "D" divides by the S0 of the transform active
        # before it, so chained transforms differ
        pw = WSP(w.original).to_W(silence_warnings=True)
        pw.transform = theirs
        np.testing.assert_allclose(spatial_weights(w, ours).to_dense(), pw.full()[0], atol=1e-14)
    c = spatial_weights(w, "C").to_dense()
    assert c.sum() == pytest.approx(31)  # spdep style C: all weights sum to n
    np.testing.assert_allclose(c, w.to_dense() * 31 / w.to_dense().sum())


# ======================================================================================
# 2. China's provinces: known borders
# ======================================================================================


def test_china_contiguity_known_pairs():
    w = china_province_weights("isolated", style="B")
    df = w.to_frame()
    assert list(df.index[:3]) == ["北京", "天津", "河北"]
    assert df.index.tolist() == china_provinces()["province"].tolist()
    assert (df.to_numpy() == df.to_numpy().T).all()  # symmetric
    card = dict(zip(w.labels, w.cardinalities.tolist(), strict=True))
    assert card["内蒙古"] == 8
    assert card["陕西"] == 8
    assert card["北京"] == card["天津"] == card["上海"] == card["黑龙江"] == 2
    assert card["海南"] == 0
    for a, b in [
        ("北京", "天津"),
        ("北京", "河北"),
        ("天津", "河北"),
        ("新疆", "西藏"),
        ("内蒙古", "黑龙江"),
        ("内蒙古", "宁夏"),
        ("重庆", "四川"),
        ("广东", "福建"),
        ("安徽", "山东"),
        ("青海", "四川"),
    ]:
        assert df.loc[a, b] == 1, (a, b)
    for a, b in [("河南", "江苏"), ("新疆", "内蒙古"), ("北京", "山西"), ("上海", "安徽")]:
        assert df.loc[a, b] == 0, (a, b)
    assert int(w.original.sum()) == 2 * 68


def test_hainan_conventions():
    g = china_province_weights("guangdong", style="B").to_frame()
    gg = china_province_weights("guangdong_guangxi", style="B").to_frame()
    assert g.loc["海南"].sum() == 1
    assert g.loc["海南", "广东"] == 1
    assert gg.loc["海南"].sum() == 2
    assert gg.loc["海南", "广西"] == 1 == gg.loc["广西", "海南"]
    assert china_province_weights("isolated").islands == [20]
    assert "Hainan: isolated" in china_province_weights("isolated").convention
    w = china_province_weights("isolated")  # an island keeps a zero row in style W
    assert w.to_dense()[20].sum() == 0
    assert np.allclose(np.delete(w.to_dense().sum(axis=1), 20), 1)


def test_capital_coordinates_and_great_circle():
    df = china_provinces().set_index("province")
    assert df.loc["新疆", "capital"] == "乌鲁木齐"
    assert df["lon"].between(85, 127).all()
    assert df["lat"].between(18, 47).all()
    # Beijing–Shanghai ≈ 1,068 km by great circle
    w = inverse_distance_weights(df[["lon", "lat"]], metric="great_circle", style="O")
    d = 1 / w.to_frame().loc["北京", "上海"]
    assert d == pytest.approx(1068, abs=10)
    # haversine, by hand
    lon, lat = (
        np.radians(df.loc[["北京", "上海"], "lon"]),
        np.radians(df.loc[["北京", "上海"], "lat"]),
    )
    h = (
        np.sin(np.diff(lat) / 2) ** 2
        + np.cos(lat.iloc[0]) * np.cos(lat.iloc[1]) * np.sin(np.diff(lon) / 2) ** 2
    )
    assert d == pytest.approx(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h[0])), rel=1e-12)
    band = distance_band_weights(df[["lon", "lat"]], 1100, metric="great_circle", style="B")
    assert band.to_frame().loc["北京", "上海"] == 1
    assert (
        distance_band_weights(df[["lon", "lat"]], 1000, "great_circle", style="B")
        .to_frame()
        .loc["北京", "上海"]
        == 0
    )


def test_labelled_values_are_matched_by_label():
    w = china_province_weights()
    y = pd.Series(np.arange(31.0) ** 1.5, index=w.labels)
    shuffled = y.sample(frac=1.0, random_state=1)
    assert pytest.approx(moran(y, w, permutations=0).I) == moran(shuffled, w, permutations=0).I
    lisa = local_moran(shuffled, w, permutations=0).to_frame()
    assert lisa.index.tolist() == list(w.labels)
    assert set(lisa["quadrant"]) <= {"HH", "LH", "LL", "HL"}


# ======================================================================================
# 3. Properties
# ======================================================================================


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), style=st.sampled_from(["W", "B", "C", "U", "S"]))
def test_lisa_sums_to_global_moran(seed, style):
    """Anselin (1995): Σ_i I_i = (n − 1)/n · S0 · I, in every style."""
    rng = np.random.default_rng(seed)
    xy = rng.random((40, 2))
    y = rng.normal(size=40)
    w = knn_weights(xy, k=3, style=style)
    glob = moran(y, w, permutations=0)
    loc = local_moran(y, w, permutations=0)
    n = 40
    assert loc.I.sum() * (n / (n - 1)) / w.s0 == pytest.approx(glob.I, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 1000), shift=st.floats(-1e3, 1e3))
def test_invariant_to_affine_change_of_values(seed, scale, shift):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=31)
    w = china_province_weights()
    a, b = moran(y, w, permutations=0), moran(y * scale + shift, w, permutations=0)
    assert pytest.approx(a.I, rel=1e-8, abs=1e-10) == b.I
    assert (
        pytest.approx(geary(y, w, permutations=0).C, rel=1e-8)
        == geary(y * scale + shift, w, permutations=0).C
    )


def test_noise_is_near_expectation():
    """Moran's I of a constant plus noise is near E[I] (mean over many fields)."""
    rng = np.random.default_rng(0)
    w = china_province_weights()
    vals = [moran(5 + rng.normal(size=31), w, permutations=0).I for _ in range(300)]
    assert np.mean(vals) == pytest.approx(-1 / 30, abs=0.02)


def test_row_standardised_rows_sum_to_one():
    w = knn_weights(np.random.default_rng(1).random((50, 2)), k=4)
    assert np.allclose(w.to_dense().sum(axis=1), 1)
    assert w.style == "W"
    assert "4 nearest neighbours" in w.convention
    assert dataclasses.is_dataclass(w)
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.style = "B"  # type: ignore[misc]


# ======================================================================================
# 4. Edge cases
# ======================================================================================


def test_refusals():
    w = china_province_weights()
    with pytest.raises(AggloValueError, match="方阵"):
        spatial_weights([[0, 1, 0], [1, 0, 1]])
    with pytest.raises(AggloValueError, match="对角线"):
        spatial_weights([[1, 1], [1, 0]])
    with pytest.raises(AggloValueError, match="non-negative"):
        spatial_weights([[0, -1], [1, 0]])
    with pytest.raises(AggloValueError, match="31"):
        moran(np.arange(30.0), w)
    with pytest.raises(AggloValueError, match="所有值相同"):
        moran(np.ones(31), w)
    with pytest.raises(AggloValueError, match="style"):
        moran(np.arange(31.0), w, style="X")
    with pytest.raises(AggloValueError, match="missing"):
        moran([1.0, np.nan, 2.0, 3.0, 4.0], np.ones((5, 5)) - np.eye(5))
    with pytest.raises(AggloValueError, match="'k'"):
        knn_weights([[0, 0], [1, 1]], k=2)
    with pytest.raises(AggloValueError, match="经纬度"):
        knn_weights([[0, 100], [1, 1], [2, 2]], k=1, metric="great_circle")
    with pytest.raises(AggloValueError, match="hainan"):
        china_province_weights("taiwan")
    with pytest.raises(AggloValueError, match="坐标相同"):
        inverse_distance_weights([[0, 0], [0, 0], [1, 1]])
    with pytest.raises(AggloValueError, match="不是列表中的单元"):
        spatial_weights({"a": ["b"], "b": ["z"]})
    with pytest.raises(AggloValueError, match="neighbour"):
        moran(np.arange(4.0), sp.csr_array(np.zeros((4, 4))))


def test_neighbour_list_and_dataframe_inputs():
    nb = {"a": ["b", "c"], "b": ["a"], "c": ["a", "d"], "d": ["c"]}
    w = spatial_weights(nb)
    dense = np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]], float)
    np.testing.assert_allclose(w.restyle("B").to_dense(), dense)
    df = pd.DataFrame(dense, index=list("abcd"), columns=list("abcd"))
    np.testing.assert_allclose(spatial_weights(df).to_dense(), w.to_dense())
    assert spatial_weights(df).labels == ("a", "b", "c", "d")
    weighted = spatial_weights({"a": {"b": 2.0}, "b": {"a": 2.0, "c": 1.0}, "c": {"b": 1.0}})
    assert weighted.to_dense()[1].tolist() == pytest.approx([2 / 3, 0, 1 / 3])


def test_island_matches_esda():
    """Hainan isolated: a zero row in W, as PySAL's islands (esda's moments still apply)."""
    w = china_province_weights("isolated")
    y = np.cos(np.arange(31.0)) + np.arange(31.0) / 10
    e = esda.Moran(y, _pysal_w(w, "W"), permutations=0)
    r = moran(y, w, permutations=0)
    assert pytest.approx(e.I, abs=1e-10) == r.I
    assert pytest.approx(e.VI_rand, abs=1e-10) == r.variance_random
    loc = local_moran(y, w, permutations=0)
    assert loc.lag[20] == 0
    assert loc.I[20] == 0


@pytest.mark.parametrize("stat", ["moran", "geary"])
def test_permutation_p_equals_brute_force_over_the_same_draws(stat):
    """The vectorised permutation statistics equal the statistic recomputed on each
    permuted field (the same draws: rows of Generator.permuted on the centred values)."""
    w = china_province_weights()
    y = np.sin(np.arange(31.0)) * 3 + np.arange(31.0) / 7
    fn = moran if stat == "moran" else geary
    perms = 99
    draws = np.random.default_rng(5).permuted(np.broadcast_to(y - y.mean(), (perms, 31)), axis=1)
    observed = getattr(fn(y, w, permutations=0), "I" if stat == "moran" else "C")
    sims = np.array(
        [getattr(fn(d, w, permutations=0), "I" if stat == "moran" else "C") for d in draws]
    )
    larger = (sims >= observed - 1e-12).sum()
    expected = (min(larger, perms - larger) + 1) / (perms + 1)
    assert fn(y, w, permutations=perms, rng=5).p_permutation == pytest.approx(expected)


def test_result_tables():
    w = china_province_weights()
    y = np.arange(31.0) ** 0.5
    m = moran(y, w, permutations=0).to_frame()
    assert m.loc["I", "value"] == pytest.approx(moran(y, w, permutations=0).I)
    assert "p_random" in m.index
    assert geary(y, w, permutations=0).to_frame().loc["expected", "value"] == 1.0


def test_real_provincial_data_matches_esda():
    """NBS provincial data (bundled): tertiary share of GDP by province, 2015 and 2024,
    with the contiguity weights; every analytic value agrees with esda."""
    import agglo

    order = agglo.china_provinces()["province"]
    for year in (2015, 2024):
        g = agglo.gdp_by_sector(year).reindex(order)
        share = (g["第三产业"] / g.sum(axis=1)).to_numpy()
        for hainan in ("guangdong", "isolated"):
            w = china_province_weights(hainan)
            e = esda.Moran(share, _pysal_w(w, "W"), permutations=0)
            r = moran(share, w, permutations=0)
            assert pytest.approx(e.I, abs=1e-10) == r.I
            assert pytest.approx(e.z_rand, abs=1e-8) == r.z_random
            el = esda.Moran_Local(share, _pysal_w(w, "W"), permutations=0)
            np.testing.assert_allclose(local_moran(share, w, permutations=0).I, el.Is, atol=1e-10)
