"""Tests of the Ellison–Glaeser and Maurel–Sédillot indices (agglo.dartboard).

Order: peer outputs and published/reference values first, then cross-mode agreement and
independent recomputation, then hypothesis properties, then edge cases and errors.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, AggloWarning
from agglo.dartboard import ellison_glaeser, maurel_sedillot
from hypothesis import given, settings
from hypothesis import strategies as st

# ----------------------------------------------------------------------------- fixtures

REFERENCE = Path(__file__).resolve().parent / "reference"

# methods.md §B4 "Reference values" [checked: REAT run]: plants (50, 30, 20, 10, 5, 5) in
# regions (A, A, B, B, C, C), regional totals (1000, 600, 400).
SMALL = {
    "plant_sizes": [50, 30, 20, 10, 5, 5],
    "plant_regions": ["A", "A", "B", "B", "C", "C"],
    "region_totals": {"A": 1000, "B": 600, "C": 400},
}


@pytest.fixture(scope="module")
def plants() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "input_synthetic_plants.csv")


@pytest.fixture(scope="module")
def totals() -> pd.Series:
    return pd.read_csv(REFERENCE / "input_region_totals_2023.csv").set_index("region")[
        "total_employment"
    ]


@pytest.fixture(scope="module")
def reat() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "reat_ellison_glaeser_synthetic_plants.csv", index_col=0)


def _eg_plants(df: pd.DataFrame, tot, **kw):
    return ellison_glaeser(
        plant_sizes=df["employment"],
        plant_regions=df["region"],
        plant_industries=df["industry"],
        region_totals=tot,
        **kw,
    )


def _naive_eg(sizes, regions, industries, totals: dict) -> pd.DataFrame:
    """Independent, loop-based EG 1997 (one industry at a time) for cross-checks."""
    reg = list(totals)
    t = np.array([totals[r] for r in reg], dtype=float)
    x = t / t.sum()
    a, b = float(np.sum(x**2)), float(np.sum(x**3))
    rows = {}
    for ind in sorted(set(industries)):
        sel = [i for i, k in enumerate(industries) if k == ind]
        e = np.array([sizes[i] for i in sel], dtype=float)
        z = e / e.sum()
        s = np.array([sum(sizes[i] for i in sel if regions[i] == r) for r in reg]) / e.sum()
        G = float(np.sum((s - x) ** 2))
        H = float(np.sum(z**2))
        gamma = (G - (1 - a) * H) / ((1 - a) * (1 - H)) if H < 1 else math.nan
        var = 2 * (H**2 * (a - 2 * b + a**2) - np.sum(z**4) * (a - 4 * b + 3 * a**2))
        zz = (G - (1 - a) * H) / math.sqrt(var) if var > 0 else math.nan
        g_ms = (np.sum(s**2) - a) / (1 - a)
        gamma_ms = (g_ms - H) / (1 - H) if H < 1 else math.nan
        rows[ind] = {
            "gamma": gamma,
            "G": G,
            "H": H,
            "z": zz,
            "var_G": var,
            "G_ms": g_ms,
            "gamma_ms": gamma_ms,
            "sum_sx": float(s @ x),
        }
    return pd.DataFrame(rows).T


# ------------------------------------------------------------------ peer output (REAT)


def test_reproduces_reat_ellison_a_on_synthetic_plants(plants, totals, reat):
    # REAT 3.0.3 ellison.a (tests/reference/SOURCES.md): EG 1997 with the (1 − Σx²) term,
    # G raw = Σ(s − x)², x_r from the given regional totals. Our default convention
    # (x from region_totals, raw G) reproduces it.
    res = _eg_plants(plants, totals)
    frame = res.to_frame()
    assert list(frame.index) == ["A", "B", "C"]
    for col in ("gamma", "G", "z", "H"):
        np.testing.assert_allclose(frame[col], reat[col], rtol=1e-10, atol=1e-13, err_msg=col)
    np.testing.assert_array_equal(frame["n_plants"], reat["n_plants"])
    assert res.mode == "plant"
    assert res.approximation == "plant sizes"
    assert "region_totals" in res.convention


def test_reat_reference_regardless_of_plant_order_and_totals_order(plants, totals, reat):
    # The REAT pitfall: ellison.a aligns the totals with regions in order of first
    # appearance. Here regions are matched by label, so shuffling plants and totals
    # changes nothing.
    rng = np.random.default_rng(7)
    shuffled = plants.iloc[rng.permutation(len(plants))].reset_index(drop=True)
    tot_shuffled = totals.iloc[rng.permutation(len(totals))]
    frame = _eg_plants(shuffled, tot_shuffled).to_frame()
    for col in ("gamma", "G", "z", "H"):
        np.testing.assert_allclose(frame[col], reat[col], rtol=1e-10, atol=1e-13)
    # plain array + explicit regions list, in yet another order
    order = rng.permutation(len(totals))
    frame2 = _eg_plants(
        shuffled,
        totals.to_numpy()[order],
        regions=list(totals.index[order]),
    ).to_frame()
    np.testing.assert_allclose(frame2["gamma"], reat["gamma"], rtol=1e-10)


def test_positional_misalignment_would_change_the_answer(plants, totals, reat):
    # Guard that the alignment test can fail: pairing the totals with the wrong regions
    # (what REAT does when the order differs) gives a different gamma.
    wrong = pd.Series(totals.to_numpy()[::-1], index=totals.index)
    frame = _eg_plants(plants, wrong).to_frame()
    assert not np.allclose(frame["gamma"], reat["gamma"], rtol=1e-3)


def test_region_totals_forms_agree(plants, totals):
    base = _eg_plants(plants, totals).to_frame()
    as_dict = _eg_plants(plants, totals.to_dict()).to_frame()
    as_frame = _eg_plants(plants, totals.to_frame()).to_frame()
    as_list = _eg_plants(plants, totals.tolist(), regions=totals.index.tolist()).to_frame()
    for other in (as_dict, as_frame, as_list):
        pd.testing.assert_frame_equal(base, other)


# ---------------------------------------------------------- methods.md reference values


def test_methods_md_small_example_eg():
    # methods.md §B4 [checked: REAT run]: G = 0.04388889, H = 0.2743056,
    # γ = −0.2804445, z = −0.9232 (EG 1997 with (1 − Σx²), x from the regional totals).
    res = ellison_glaeser(**SMALL)
    assert res.G.iloc[0] == pytest.approx(0.04388889, abs=5e-9)
    assert res.H.iloc[0] == pytest.approx(0.2743056, abs=5e-8)
    assert res.gamma.iloc[0] == pytest.approx(-0.2804445, abs=5e-8)
    assert res.z.iloc[0] == pytest.approx(-0.9232, abs=5e-5)
    # Σx² for x = (0.5, 0.3, 0.2)
    assert res.sum_x2 == pytest.approx(0.38)


def test_methods_md_small_example_ms():
    # methods.md §B4: Maurel–Sédillot on the same example, G_MS = 0.2159498,
    # γ_MS = −0.0804136 (computed from the formula; no peer implements MS).
    res = maurel_sedillot(**SMALL)
    assert res.G.iloc[0] == pytest.approx(0.2159498, abs=5e-8)
    assert res.gamma.iloc[0] == pytest.approx(-0.0804136, abs=5e-8)
    assert res.H.iloc[0] == pytest.approx(0.2743056, abs=5e-8)


def test_stata_egi_value_differs_but_is_recoverable():
    # Stata egi reports (G − H)/(1 − H) without (1 − Σx²); our γ uses the 1997 formula,
    # and G / (1 − sum_x2) recovers the normalised G.
    res = ellison_glaeser(**SMALL)
    G, H, a = res.G.iloc[0], res.H.iloc[0], res.sum_x2
    egi = (G - H) / (1 - H)
    assert not math.isclose(egi, res.gamma.iloc[0], rel_tol=1e-3)
    assert (G / (1 - a) - H) / (1 - H) == pytest.approx(res.gamma.iloc[0], rel=1e-12)


# --------------------------------------------------- independent recomputation, modes


def _random_plants(rng, n_plants=60, n_regions=6, n_ind=4, equal_within_cell=False):
    regions = [f"R{i}" for i in rng.integers(0, n_regions, n_plants)]
    inds = [f"I{i}" for i in rng.integers(0, n_ind, n_plants)]
    if equal_within_cell:
        cell_size = {(r, k): float(rng.integers(1, 50)) for r in set(regions) for k in set(inds)}
        sizes = [cell_size[(r, k)] for r, k in zip(regions, inds, strict=True)]
    else:
        sizes = rng.integers(1, 500, n_plants).astype(float).tolist()
    totals = {f"R{i}": float(rng.integers(5_000, 20_000)) for i in range(n_regions)}
    return sizes, regions, inds, totals


def test_matches_independent_loop_implementation():
    rng = np.random.default_rng(2024)
    sizes, regions, inds, totals = _random_plants(rng)
    naive = _naive_eg(sizes, regions, inds, totals)
    eg = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    ).to_frame()
    ms = maurel_sedillot(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    ).to_frame()
    for col in ("gamma", "G", "H", "z", "var_G"):
        np.testing.assert_allclose(eg[col], naive[col].astype(float), rtol=1e-10, err_msg=col)
    np.testing.assert_allclose(ms["G"], naive["G_ms"].astype(float), rtol=1e-10)
    np.testing.assert_allclose(ms["gamma"], naive["gamma_ms"].astype(float), rtol=1e-10)


def test_aggregate_equal_within_region_agrees_with_plant_mode():
    # When the firms of each region × industry cell are equal-sized, the
    # 'equal_within_region' approximation is exact: γ, G, H, z and Var(G) coincide.
    rng = np.random.default_rng(11)
    sizes, regions, inds, totals = _random_plants(rng, equal_within_cell=True)
    plant = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    ).to_frame()
    df = pd.DataFrame({"size": sizes, "region": regions, "industry": inds})
    block = df.pivot_table(index="region", columns="industry", values="size", aggfunc="sum")
    counts = df.pivot_table(index="region", columns="industry", values="size", aggfunc="count")
    block, counts = block.fillna(0), counts.fillna(0)
    agg = ellison_glaeser(block, firm_counts=counts, region_totals=pd.Series(totals))
    assert agg.approximation == "equal_within_region"
    assert agg.mode == "aggregate"
    frame = agg.to_frame()
    for col in ("gamma", "G", "H", "z", "var_G", "n_plants", "industry_total"):
        np.testing.assert_allclose(frame[col], plant[col].loc[frame.index], rtol=1e-10)
    ms_agg = maurel_sedillot(block, firm_counts=counts, region_totals=pd.Series(totals))
    ms_plant = maurel_sedillot(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    )
    np.testing.assert_allclose(ms_agg.gamma, ms_plant.gamma.loc[frame.index], rtol=1e-10)


def test_aggregate_one_over_n_agrees_when_all_firms_equal():
    # All plants of an industry of one size: H = 1/N exactly.
    sizes = [5.0] * 4 + [3.0] * 5
    regions = ["a", "b", "b", "c", "a", "a", "c", "c", "c"]
    inds = ["p"] * 4 + ["q"] * 5
    totals = {"a": 100.0, "b": 50.0, "c": 150.0}
    plant = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    ).to_frame()
    block = pd.DataFrame({"p": [5.0, 10.0, 5.0], "q": [6.0, 0.0, 9.0]}, index=["a", "b", "c"])
    agg = ellison_glaeser(
        block, firm_counts=pd.Series({"q": 5, "p": 4}), region_totals=pd.Series(totals)
    )
    assert agg.approximation == "1/N"
    np.testing.assert_allclose(agg.H, [0.25, 0.2])
    for col in ("gamma", "G", "H", "z"):
        np.testing.assert_allclose(agg.to_frame()[col], plant[col], rtol=1e-10)
    # the block of counts with approximation='1/N' gives the same
    counts = pd.DataFrame({"p": [1, 2, 1], "q": [2, 0, 3]}, index=["a", "b", "c"])
    agg2 = ellison_glaeser(
        block, firm_counts=counts, approximation="1/N", region_totals=pd.Series(totals)
    )
    np.testing.assert_allclose(agg2.gamma, agg.gamma, rtol=1e-12)


def test_aggregate_with_given_h_matches_plant_gamma(plants, totals, reat):
    block = plants.pivot_table(
        index="region", columns="industry", values="employment", aggfunc="sum"
    ).fillna(0)
    res = ellison_glaeser(block, herfindahl=reat["H"], region_totals=totals)
    np.testing.assert_allclose(res.gamma, reat["gamma"], rtol=1e-9)
    np.testing.assert_allclose(res.G, reat["G"], rtol=1e-9)
    assert res.approximation == "given"
    assert res.z.isna().all()  # Σz⁴ unknown
    assert res.var_G.isna().all()


def test_aggregate_x_from_block_equals_plant_x_from_data():
    # Without region_totals, x_r comes from the data themselves (REAT ellison.a2): the
    # block's row sums in aggregate mode, the plants of all industries in plant mode.
    rng = np.random.default_rng(3)
    sizes, regions, inds, _ = _random_plants(rng, equal_within_cell=True)
    plant = ellison_glaeser(plant_sizes=sizes, plant_regions=regions, plant_industries=inds)
    df = pd.DataFrame({"size": sizes, "region": regions, "industry": inds})
    block = df.pivot_table(
        index="region", columns="industry", values="size", aggfunc="sum", fill_value=0
    )
    counts = df.pivot_table(
        index="region", columns="industry", values="size", aggfunc="count", fill_value=0
    )
    agg = ellison_glaeser(block, firm_counts=counts)
    np.testing.assert_allclose(agg.gamma, plant.gamma, rtol=1e-10)
    assert "from the block" in agg.convention
    assert "all industries" in plant.convention


def test_numpy_block_gives_arrays_and_dataframe_gives_series():
    block = np.array([[80.0, 10.0], [20.0, 30.0], [0.0, 60.0]])
    counts = np.array([[4, 1], [2, 3], [0, 6]])
    res = ellison_glaeser(block, firm_counts=counts)
    assert isinstance(res.gamma, np.ndarray)
    # docstring example values: x = (0.45, 0.25, 0.30)
    np.testing.assert_allclose(res.gamma, [0.18699187, 0.25925926], rtol=1e-7)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "gamma",
        "G",
        "H",
        "z",
        "var_G",
        "n_plants",
        "industry_total",
    ]
    assert len(frame) == 2


def test_regions_without_plants_count_with_zero_share():
    # Region C has a total but no plant: it still adds x_C² to G.
    res = ellison_glaeser(
        plant_sizes=[1.0, 1.0], plant_regions=["A", "B"], region_totals={"A": 1, "B": 1, "C": 2}
    )
    x = np.array([0.25, 0.25, 0.5])
    s = np.array([0.5, 0.5, 0.0])
    assert res.G.iloc[0] == pytest.approx(float(np.sum((s - x) ** 2)))
    assert res.sum_x2 == pytest.approx(float(x @ x))


def test_ms_relation_to_eg():
    # γ_EG − γ_MS = 2(Σx² − Σ s x) / ((1 − Σx²)(1 − H))  (derived in the MS docstring)
    rng = np.random.default_rng(5)
    sizes, regions, inds, totals = _random_plants(rng, n_plants=80)
    kw = {
        "plant_sizes": sizes,
        "plant_regions": regions,
        "plant_industries": inds,
        "region_totals": totals,
    }
    eg, ms = ellison_glaeser(**kw), maurel_sedillot(**kw)
    naive = _naive_eg(sizes, regions, inds, totals)
    a = eg.sum_x2
    expected = 2 * (a - naive["sum_sx"].astype(float)) / ((1 - a) * (1 - eg.H))
    np.testing.assert_allclose(eg.gamma - ms.gamma, expected, rtol=1e-9, atol=1e-12)
    assert ms.sum_x2 == eg.sum_x2
    pd.testing.assert_series_equal(ms.H, eg.H)


def test_ms_equals_eg_when_industry_mirrors_all_activity():
    # s_r = x_r: G_EG = 0, G_MS = 0 and both γ equal −H/(1 − H).
    res_kw = {
        "plant_sizes": [10.0, 10.0, 20.0, 5.0, 5.0],
        "plant_regions": ["a", "a", "b", "c", "c"],
        "region_totals": {"a": 200.0, "b": 200.0, "c": 100.0},
    }
    eg, ms = ellison_glaeser(**res_kw), maurel_sedillot(**res_kw)
    H = eg.H.iloc[0]
    assert eg.G.iloc[0] == pytest.approx(0.0, abs=1e-15)
    assert ms.G.iloc[0] == pytest.approx(0.0, abs=1e-15)
    assert eg.gamma.iloc[0] == pytest.approx(-H / (1 - H))
    assert ms.gamma.iloc[0] == pytest.approx(eg.gamma.iloc[0])


# ---------------------------------------------------------------- hypothesis properties

_cases = st.integers(0, 2**31 - 1)


@pytest.mark.filterwarnings("ignore::agglo.AggloWarning")  # scaled sizes exceed the totals
@settings(max_examples=40, deadline=None)
@given(seed=_cases, size_scale=st.floats(1e-3, 1e4), total_scale=st.floats(1e-3, 1e4))
def test_gamma_invariant_to_scaling_sizes_and_totals(seed, size_scale, total_scale):
    rng = np.random.default_rng(seed)
    sizes, regions, inds, totals = _random_plants(rng, n_plants=30, n_regions=5, n_ind=3)
    base = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    )
    scaled_sizes = [v * size_scale for v in sizes]
    scaled_totals = {k: v * total_scale for k, v in totals.items()}
    for s_, t_ in ((scaled_sizes, totals), (sizes, scaled_totals), (scaled_sizes, scaled_totals)):
        res = ellison_glaeser(
            plant_sizes=s_, plant_regions=regions, plant_industries=inds, region_totals=t_
        )
        np.testing.assert_allclose(res.gamma, base.gamma, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(res.z, base.z, rtol=1e-8, atol=1e-10)
        ms = maurel_sedillot(
            plant_sizes=s_, plant_regions=regions, plant_industries=inds, region_totals=t_
        )
        np.testing.assert_allclose(
            ms.gamma,
            maurel_sedillot(
                plant_sizes=sizes,
                plant_regions=regions,
                plant_industries=inds,
                region_totals=totals,
            ).gamma,
            rtol=1e-8,
            atol=1e-12,
        )


@settings(max_examples=40, deadline=None)
@given(seed=_cases)
def test_results_invariant_to_plant_order(seed):
    rng = np.random.default_rng(seed)
    sizes, regions, inds, totals = _random_plants(rng, n_plants=40)
    perm = rng.permutation(len(sizes))
    base = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    ).to_frame()
    other = ellison_glaeser(
        plant_sizes=[sizes[i] for i in perm],
        plant_regions=[regions[i] for i in perm],
        plant_industries=[inds[i] for i in perm],
        region_totals=dict(reversed(list(totals.items()))),
    ).to_frame()
    pd.testing.assert_frame_equal(base, other, rtol=1e-10, atol=1e-13)


@settings(max_examples=30, deadline=None)
@given(seed=_cases)
def test_h_bounds_and_expectation_identity(seed):
    # 1/n ≤ H ≤ 1 for n positive plants; z and γ share the sign of G − (1 − Σx²)H.
    rng = np.random.default_rng(seed)
    sizes, regions, inds, totals = _random_plants(rng, n_plants=25, n_ind=3)
    res = ellison_glaeser(
        plant_sizes=sizes, plant_regions=regions, plant_industries=inds, region_totals=totals
    )
    f = res.to_frame()
    assert (f["H"] >= 1 / f["n_plants"] - 1e-12).all()
    assert (f["H"] <= 1 + 1e-12).all()
    ok = f["H"] < 1
    excess = f["G"] - (1 - res.sum_x2) * f["H"]
    assert (np.sign(f.loc[ok, "gamma"]) == np.sign(excess[ok])).all()
    assert (np.sign(f.loc[ok, "z"]) == np.sign(excess[ok])).all()


# ------------------------------------------------------------------------- edge cases


def test_single_plant_industry_gives_nan_gamma():
    res = ellison_glaeser(
        plant_sizes=[10, 4, 6],
        plant_regions=["A", "A", "B"],
        plant_industries=["solo", "pair", "pair"],
        region_totals={"A": 50, "B": 50},
    )
    assert res.H["solo"] == 1.0
    assert math.isnan(res.gamma["solo"])
    assert not math.isnan(res.gamma["pair"])
    assert math.isnan(
        maurel_sedillot(
            plant_sizes=[10], plant_regions=["A"], region_totals={"A": 50, "B": 50}
        ).gamma.iloc[0]
    )


def test_single_region_gives_nan():
    res = ellison_glaeser(plant_sizes=[1, 2, 3], plant_regions=["A"] * 3, region_totals={"A": 9})
    assert res.sum_x2 == 1.0
    assert math.isnan(res.gamma.iloc[0])
    assert math.isnan(res.z.iloc[0])
    assert math.isnan(
        maurel_sedillot(
            plant_sizes=[1, 2, 3], plant_regions=["A"] * 3, region_totals={"A": 9}
        ).gamma.iloc[0]
    )


def test_zero_size_plants_change_nothing_and_empty_industry_is_nan():
    base = ellison_glaeser(**SMALL)
    with_zero = ellison_glaeser(
        plant_sizes=[*SMALL["plant_sizes"], 0, 0],
        plant_regions=[*SMALL["plant_regions"], "A", "C"],
        plant_industries=["x"] * 6 + ["x", "empty"],
        region_totals=SMALL["region_totals"],
    )
    assert with_zero.gamma["x"] == pytest.approx(base.gamma.iloc[0], rel=1e-12)
    assert with_zero.n_plants["x"] == 6
    assert with_zero.n_plants["empty"] == 0
    assert with_zero.to_frame().loc["empty", ["gamma", "G", "H", "z"]].isna().all()


def test_negative_size_raises():
    with pytest.raises(AggloValueError, match="'plant_sizes' must be non-negative"):
        ellison_glaeser(
            plant_sizes=[1, -2], plant_regions=["A", "B"], region_totals={"A": 1, "B": 1}
        )
    with pytest.raises(AggloValueError, match="'data' must be non-negative"):
        ellison_glaeser([[1, -1], [2, 3]], herfindahl=[0.5, 0.5])


def test_nan_inputs_raise_or_propagate():
    with pytest.raises(AggloValueError, match="'plant_sizes' must not contain missing"):
        ellison_glaeser(
            plant_sizes=[1, np.nan], plant_regions=["A", "B"], region_totals={"A": 1, "B": 1}
        )
    with pytest.raises(AggloValueError, match="'plant_regions' must have a label for every"):
        ellison_glaeser(
            plant_sizes=[1, 2], plant_regions=["A", None], region_totals={"A": 1, "B": 1}
        )
    with pytest.raises(AggloValueError, match="'region_totals' must not contain missing"):
        ellison_glaeser(
            plant_sizes=[1, 2], plant_regions=["A", "B"], region_totals={"A": 1, "B": np.nan}
        )
    # aggregate: a blank cell makes only its industry NaN (x from region_totals) ...
    block = pd.DataFrame({"p": [1.0, np.nan, 3.0], "q": [2.0, 2.0, 1.0]}, index=list("abc"))
    res = ellison_glaeser(
        block, firm_counts=[4, 5], region_totals=pd.Series({"a": 10, "b": 10, "c": 10})
    )
    assert math.isnan(res.gamma["p"])
    assert not math.isnan(res.gamma["q"])
    # ... and raises when x would come from the block
    with pytest.raises(AggloValueError, match="'data' has missing cells"):
        ellison_glaeser(block, firm_counts=[4, 5])


def test_unknown_region_label_raises_naming_it():
    with pytest.raises(AggloValueError, match=r"'plant_regions'.*'region_totals': '火星'"):
        ellison_glaeser(
            plant_sizes=[1, 2, 3],
            plant_regions=["北京", "火星", "北京"],
            region_totals={"北京": 10, "上海": 5},
        )
    block = pd.DataFrame({"p": [1, 2]}, index=["a", "zz"])
    with pytest.raises(AggloValueError, match=r"'data'.*'region_totals': 'zz'"):
        ellison_glaeser(block, herfindahl=[0.5], region_totals=pd.Series({"a": 3, "b": 4}))


def test_plain_array_totals_need_regions():
    with pytest.raises(AggloValueError, match="'region_totals' is a plain list.*'regions'"):
        ellison_glaeser(plant_sizes=[1, 2], plant_regions=["A", "B"], region_totals=[5, 5])
    with pytest.raises(AggloValueError, match="'regions' labels the entries"):
        ellison_glaeser(
            plant_sizes=[1, 2],
            plant_regions=["A", "B"],
            region_totals={"A": 5, "B": 5},
            regions=["A", "B"],
        )
    with pytest.raises(AggloValueError, match="same length"):
        ellison_glaeser(
            plant_sizes=[1, 2], plant_regions=["A", "B"], region_totals=[5, 5], regions=["A"]
        )


def test_duplicate_and_total_region_labels_raise():
    with pytest.raises(AggloValueError, match="'region_totals' must be unique.*'A'"):
        ellison_glaeser(
            plant_sizes=[1, 2],
            plant_regions=["A", "B"],
            region_totals=[5, 5, 1],
            regions=["A", "B", "A"],
        )
    tot = {"A": 5, "B": 5, "全国": 10}
    with pytest.raises(AggloValueError, match="'region_totals' seems to contain a total"):
        ellison_glaeser(plant_sizes=[1, 2], plant_regions=["A", "B"], region_totals=tot)
    # numerically detected from 5 regions on
    tot5 = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 10}
    with pytest.raises(AggloValueError, match="total row"):
        ellison_glaeser(plant_sizes=[1], plant_regions=["a"], region_totals=tot5)
    res = ellison_glaeser(
        plant_sizes=[1, 2], plant_regions=["A", "B"], region_totals=tot, total_rows="ignore"
    )
    assert res.sum_x2 == pytest.approx(0.25**2 * 2 + 0.5**2)


def test_two_column_totals_frame_raises():
    df = pd.DataFrame({"region": ["A", "B"], "total": [1, 2]})
    with pytest.raises(AggloValueError, match="'region_totals' must be one column"):
        ellison_glaeser(plant_sizes=[1], plant_regions=["A"], region_totals=df)


def test_mixed_or_incomplete_modes_raise():
    with pytest.raises(AggloValueError, match="Give either 'data'.*received both"):
        ellison_glaeser([[1, 2]], plant_sizes=[1])
    with pytest.raises(AggloValueError, match="Give either 'data'"):
        ellison_glaeser()
    with pytest.raises(AggloValueError, match="needs 'plant_sizes' and 'plant_regions'"):
        ellison_glaeser(plant_sizes=[1, 2])
    with pytest.raises(AggloValueError, match="'herfindahl'.*aggregate mode"):
        ellison_glaeser(plant_sizes=[1], plant_regions=["A"], herfindahl=[0.3])
    with pytest.raises(AggloValueError, match="exactly one of 'herfindahl'.*neither"):
        ellison_glaeser([[1, 2], [3, 4]])
    with pytest.raises(AggloValueError, match="exactly one of 'herfindahl'.*both"):
        ellison_glaeser([[1, 2], [3, 4]], herfindahl=[0.5, 0.5], firm_counts=[2, 2])
    with pytest.raises(AggloValueError, match="'approximation' applies to 'firm_counts'"):
        ellison_glaeser([[1, 2], [3, 4]], herfindahl=[0.5, 0.5], approximation="1/N")
    with pytest.raises(AggloValueError, match="'regions' is used only in plant mode"):
        ellison_glaeser([[1, 2], [3, 4]], herfindahl=[0.5, 0.5], regions=["a", "b"])
    with pytest.raises(
        AggloValueError, match="same length; 'plant_sizes' has 3, 'plant_regions' has 2"
    ):
        ellison_glaeser(plant_sizes=[1, 2, 3], plant_regions=["A", "B"])


def test_aggregate_h_inputs_validated():
    block = [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(AggloValueError, match=r"'herfindahl' must lie in \(0, 1\]"):
        ellison_glaeser(block, herfindahl=[0.5, 2500])
    with pytest.raises(AggloValueError, match="'herfindahl' must have one value per industry"):
        ellison_glaeser(block, herfindahl=[0.5, 0.5, 0.5])
    with pytest.raises(AggloValueError, match="'firm_counts' must be >= 1 wherever 'data'"):
        ellison_glaeser(block, firm_counts=[[1, 0], [2, 2]])
    with pytest.raises(AggloValueError, match="'approximation' must be one of"):
        ellison_glaeser(block, firm_counts=[[1, 1], [2, 2]], approximation="median")
    with pytest.raises(AggloValueError, match="'equal_within_region' needs 'firm_counts'"):
        ellison_glaeser(block, firm_counts=[3, 4], approximation="equal_within_region")
    with pytest.raises(AggloValueError, match="'firm_counts' must be a block of the same shape"):
        ellison_glaeser(block, firm_counts=[[1, 1, 1], [2, 2, 2]])
    with pytest.raises(AggloValueError, match="'region_totals' must have one total per row"):
        ellison_glaeser(block, herfindahl=[0.5, 0.5], region_totals=[1, 2, 3])


def test_labelled_companions_align_by_label():
    block = pd.DataFrame({"p": [5.0, 10.0, 5.0], "q": [6.0, 0.0, 9.0]}, index=["a", "b", "c"])
    counts = pd.DataFrame({"p": [1, 2, 1], "q": [2, 0, 3]}, index=["a", "b", "c"])
    tot = pd.Series({"a": 100.0, "b": 50.0, "c": 150.0})
    base = ellison_glaeser(block, firm_counts=counts, region_totals=tot)
    shuffled = ellison_glaeser(
        block,
        firm_counts=counts.loc[["c", "a", "b"], ["q", "p"]],
        region_totals=tot[["c", "b", "a"]],
    )
    pd.testing.assert_frame_equal(base.to_frame(), shuffled.to_frame())
    positional = ellison_glaeser(block, firm_counts=counts, region_totals=[100.0, 50.0, 150.0])
    np.testing.assert_allclose(positional.gamma, base.gamma, rtol=1e-12)
    h = ellison_glaeser(block, herfindahl=pd.Series({"q": 0.4, "p": 0.3}))
    assert h.H.to_dict() == {"p": 0.3, "q": 0.4}
    h2 = ellison_glaeser(block, herfindahl={"q": 0.4, "p": 0.3})
    pd.testing.assert_frame_equal(h.to_frame(), h2.to_frame())
    n = ellison_glaeser(block, firm_counts={"q": 5, "p": 4})
    np.testing.assert_allclose(n.H, [0.25, 0.2])
    with pytest.raises(AggloValueError, match="'herfindahl' must have one value per industry"):
        ellison_glaeser(block, herfindahl=pd.Series({"p": 0.3, "r": 0.4}))
    with pytest.raises(AggloValueError, match="'region_totals' is keyed by region label"):
        ellison_glaeser(block.to_numpy(), herfindahl=[0.3, 0.4], region_totals=tot)


def test_total_row_in_block_raises():
    block = pd.DataFrame(
        {"p": [1.0, 2.0, 3.0, 6.0], "q": [4.0, 5.0, 6.0, 15.0]},
        index=["a", "b", "c", "合计"],
    )
    with pytest.raises(AggloValueError, match="'data' seems to contain a total row"):
        ellison_glaeser(block, herfindahl=[0.2, 0.2])


def test_warns_when_plants_exceed_region_total():
    with pytest.warns(AggloWarning, match="exceed the value in 'region_totals'"):
        ellison_glaeser(
            plant_sizes=[50, 60], plant_regions=["A", "B"], region_totals={"A": 10, "B": 100}
        )


def test_result_is_frozen_and_records_convention():
    res = ellison_glaeser(**SMALL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.gamma = None  # type: ignore[misc]
    assert "(1 − Σx²)" in res.convention
    assert "G raw" in res.convention
    assert repr(res).startswith("EllisonGlaeserResult(gamma=<Series")
    assert res.to_frame().index.name == "industry"


def test_categorical_and_2d_label_inputs():
    res = ellison_glaeser(
        plant_sizes=np.array(SMALL["plant_sizes"])[:, None],
        plant_regions=pd.Categorical(SMALL["plant_regions"]),
        plant_industries=[["k"]] * 6,
        region_totals=SMALL["region_totals"],
    )
    assert res.gamma["k"] == pytest.approx(-0.2804445, abs=5e-8)


def test_sparse_and_chunked_paths_agree_with_dense(monkeypatch, plants, totals, reat):
    # Very sparse region × industry problems sort the occupied cells instead of using a
    # dense accumulator; sums over plants run in chunks. Both must give the same numbers.
    import agglo.dartboard as eg_module

    monkeypatch.setattr(eg_module, "_DENSE_EXTRA_CELLS", -(10**9))
    monkeypatch.setattr(eg_module, "_CHUNK", 7)
    frame = _eg_plants(plants, totals).to_frame()
    for col in ("gamma", "G", "z", "H"):
        np.testing.assert_allclose(frame[col], reat[col], rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(frame["n_plants"], reat["n_plants"])


def test_categorical_labels_keep_category_order_and_drop_unused(plants, totals, reat):
    cats = ["C", "B", "A", "unused"]
    res = _eg_plants(
        plants.assign(
            industry=pd.Categorical(plants["industry"], categories=cats),
            region=pd.Categorical(plants["region"], categories=[*totals.index, "nowhere"]),
        ),
        totals,
    )
    assert list(res.gamma.index) == ["C", "B", "A"]
    np.testing.assert_allclose(res.gamma, reat["gamma"].loc[["C", "B", "A"]], rtol=1e-10)


def test_total_rows_warn_policy():
    from agglo import TotalRowWarning

    with pytest.warns(TotalRowWarning, match="全国"):
        res = ellison_glaeser(
            plant_sizes=[1, 2],
            plant_regions=["A", "B"],
            region_totals={"A": 5, "B": 5, "全国": 10},
            total_rows="warn",
        )
    assert res.sum_x2 == pytest.approx(0.375)
    with pytest.raises(AggloValueError, match="'total_rows' must be one of"):
        ellison_glaeser(**SMALL, total_rows="drop")


def test_ms_result_frame_and_convention():
    res = maurel_sedillot(**SMALL)
    assert list(res.to_frame().columns) == ["gamma", "G", "H", "n_plants", "industry_total"]
    assert res.convention.startswith("Maurel–Sédillot 1999")
    assert res.mode == "plant"


@pytest.mark.parametrize("func", [ellison_glaeser, maurel_sedillot])
def test_text_input_raises_naming_the_argument(func):
    # The generic public-API text test skips these (no required argument); check both modes.
    with pytest.raises(AggloValueError, match="'data' must contain numbers only"):
        func([["甲", 1.0], [2.0, 3.0]], herfindahl=[0.1, 0.2])
    with pytest.raises(AggloValueError, match="'plant_sizes' must contain numbers only"):
        func(plant_sizes=["x", 1.0], plant_regions=["A", "B"], region_totals={"A": 1, "B": 2})
    with pytest.raises(AggloValueError, match="'herfindahl'"):
        func([[1.0, 2.0], [2.0, 3.0]], herfindahl=["a", 0.2])
