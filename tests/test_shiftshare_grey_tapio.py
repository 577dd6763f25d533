"""Shift-share (REAT oracle), GM(1,1) (textbook example, closed form) and Tapio decoupling."""

from __future__ import annotations

import math

import agglo
import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

REAT = pd.read_csv(REFERENCE / "reat_shift_share_farhauer_kroell.csv")
BASE = pd.DataFrame(
    [[90, 20, 10, 60], [60, 30, 30, 40], [250, 100, 110, 300]], index=["A", "B", "C"]
)
END = pd.DataFrame(
    [[100, 40, 10, 55], [85, 55, 40, 35], [255, 115, 85, 390]], index=["A", "B", "C"]
)
REAT_ROWS = {
    "Dunn": {
        "Growth (t1-t)": "change",
        "National share": "national_share",
        "Industrial mix": "industry_mix",
        "Regional share": "competitive",
        "Net total shift": "net_shift",
    },
    "Esteban": {
        "Growth (t1-t)": "change",
        "National share": "national_share",
        "Industrial mix": "industry_mix",
        "Regional share": "competitive",
        "Allocation effect": "allocation",
    },
    "Gerfin": {
        "Industrial mix": "mix_index",
        "Regional share": "regional_index",
        "Net total shift": "total_index",
    },
}


# --------------------------------------------------------------------------------------
# shift-share
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["Dunn", "Esteban", "Gerfin"])
def test_shift_share_reproduces_reat_documented_example(method):
    res = agglo.shift_share(BASE, END, method=method.lower())
    table = res.to_frame()
    peer = REAT[REAT["method"] == method]
    assert len(peer) == 3 * len(REAT_ROWS[method])
    for row in peer.itertuples():
        ours = table.loc[row.region, REAT_ROWS[method][row.component]]
        assert ours == pytest.approx(row.value, rel=1e-10, abs=1e-9), (row.region, row.component)


def test_shift_share_national_totals_and_industry_view():
    # the example's nation is the sum of A, B and C: passing it explicitly changes nothing
    nat0, nat1 = BASE.sum().to_numpy(), END.sum().to_numpy()
    a = agglo.shift_share(BASE.to_numpy(), END.to_numpy())
    b = agglo.shift_share(BASE.to_numpy(), END.to_numpy(), national_base=nat0, national_end=nat1)
    np.testing.assert_allclose(a.by_region, b.by_region)
    # per industry, the competitive shares of all regions cancel when the regions are the nation
    np.testing.assert_allclose(a.by_industry[:, 3], 0.0, atol=1e-9)
    np.testing.assert_allclose(a.by_industry[:, 0], nat1 - nat0)
    assert a.cells.shape == (5, 3, 4)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (4, 3), elements=st.floats(1, 1e4)),
    arrays(np.float64, (4, 3), elements=st.floats(0.01, 1e4)),
    st.sampled_from(["dunn", "esteban"]),
)
def test_shift_share_components_add_up(e0, e1, method):
    res = agglo.shift_share(e0, e1, method=method)
    change, ns, im, cs, last = res.by_region.T
    np.testing.assert_allclose(change, e1.sum(axis=1) - e0.sum(axis=1), rtol=1e-9, atol=1e-6)
    if method == "dunn":
        np.testing.assert_allclose(ns + im + cs, change, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(last, im + cs, rtol=1e-9, atol=1e-6)
    else:
        dunn = agglo.shift_share(e0, e1).by_region[:, 3]
        np.testing.assert_allclose(cs + last, dunn, rtol=1e-7, atol=1e-6)
    g = agglo.shift_share(e0, e1, method="gerfin").by_region
    np.testing.assert_allclose(g[:, 0] * g[:, 1], g[:, 2], rtol=1e-10)


def test_shift_share_edges():
    with pytest.raises(agglo.AggloValueError, match="形状"):
        agglo.shift_share([[1, 2]], [[1, 2, 3]])
    with pytest.raises(agglo.AggloValueError, match="'base'"):
        agglo.shift_share([[1, -2]], [[1, 2]])
    with pytest.raises(agglo.AggloValueError, match="全国基期值为 0"):
        agglo.shift_share([[1, 0], [2, 0]], [[1, 2], [2, 1]])
    # a region new to an industry: Dunn is defined, Esteban-Marquillas's cell is NaN
    res = agglo.shift_share([[10, 0], [5, 5]], [[12, 3], [6, 4]], method="esteban")
    assert np.isnan(res.cells[4, 0, 1])
    assert np.isfinite(agglo.shift_share([[10, 0], [5, 5]], [[12, 3], [6, 4]]).by_region).all()


# --------------------------------------------------------------------------------------
# GM(1,1)
# --------------------------------------------------------------------------------------

X0 = np.array([2.874, 3.278, 3.337, 3.390, 3.679])


def test_gm11_textbook_example_closed_form():
    # closed-form normal equations of the textbook (C = Σz, D = Σx0, E = Σz·x0, F = Σz²)
    res = agglo.gm11(X0, horizon=2)
    x1 = np.cumsum(X0)
    z = 0.5 * (x1[1:] + x1[:-1])
    m = len(z)
    C, D, E, F = z.sum(), X0[1:].sum(), (z * X0[1:]).sum(), (z * z).sum()
    a = (C * D - m * E) / (m * F - C * C)
    b = (D * F - C * E) / (m * F - C * C)
    assert res.a == pytest.approx(a, rel=1e-10)
    assert res.b == pytest.approx(b, rel=1e-10)
    assert round(res.a, 4) == -0.0372  # as quoted to 4 d.p. (no printed copy was at hand)
    assert round(res.b, 4) == 3.0654
    k = np.arange(1, 7)
    x1hat = (X0[0] - b / a) * np.exp(-a * k) + b / a
    np.testing.assert_allclose(res.fitted[1:], np.diff(np.r_[X0[0], x1hat[:4]]), rtol=1e-10)
    np.testing.assert_allclose(res.forecast, np.diff(x1hat[3:]), rtol=1e-10)
    lo, hi = res.ratio_bounds
    assert lo == pytest.approx(math.exp(-2 / 6))
    assert hi == pytest.approx(math.exp(2 / 6))
    assert res.ratio_test_passed
    assert res.grade == 1


def test_gm11_is_exact_on_a_homogeneous_exponential():
    # x0(k) = c·q^k: GM(1,1) recovers the growth ratio up to the known discretisation bias
    x = 10 * 1.05 ** np.arange(8)
    res = agglo.gm11(x, horizon=1)
    ratio = res.forecast[0] / res.fitted[-1]
    assert ratio == pytest.approx(1.05, rel=1e-3)
    assert res.mean_relative_error < 1e-3
    assert res.C < 0.01
    assert res.P == 1.0


def test_gm11_grades_and_errors():
    rough = agglo.gm11([5.0, 9.0, 4.0, 8.0, 3.0, 9.0])
    assert rough.grade == 4
    assert "不合格" in rough.grade_label
    assert not rough.ratio_test_passed
    with pytest.raises(agglo.AggloValueError, match="至少需要 4"):
        agglo.gm11([1.0, 2.0, 3.0])
    with pytest.raises(agglo.AggloValueError, match="正数"):
        agglo.gm11([1.0, 2.0, 0.0, 3.0])
    with pytest.raises(agglo.AggloValueError, match="缺失"):
        agglo.gm11([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(agglo.AggloValueError, match="'horizon'"):
        agglo.gm11(X0, horizon=-1)


# --------------------------------------------------------------------------------------
# Tapio
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dr", "dy", "state"),
    [
        (-0.05, 0.10, "strong_decoupling"),
        (0.05, 0.10, "weak_decoupling"),
        (0.0, 0.10, "weak_decoupling"),
        (0.08, 0.10, "expansive_coupling"),
        (0.12, 0.10, "expansive_coupling"),
        (0.13, 0.10, "expansive_negative_decoupling"),
        (0.05, -0.10, "strong_negative_decoupling"),
        (-0.05, -0.10, "weak_negative_decoupling"),
        (-0.10, -0.10, "recessive_coupling"),
        (-0.15, -0.10, "recessive_decoupling"),
        (0.05, 0.0, "undefined"),
    ],
)
def test_tapio_eight_states(dr, dy, state):
    res = agglo.tapio([100.0, 100.0 * (1 + dr)], [200.0, 200.0 * (1 + dy)])
    assert res.state == [state]
    if state != "undefined":
        assert res.elasticity[0] == pytest.approx(dr / dy)
        assert res.label[0] == agglo.TAPIO_STATES[state][0]
    else:
        assert np.isnan(res.elasticity[0])


def test_tapio_base_first_and_english():
    res = agglo.tapio([100, 110, 120], [100, 105, 130], base="first", lang="en")
    np.testing.assert_allclose(res.elasticity, [2.0, 2 / 3])
    assert res.label == ["expansive negative decoupling", "weak decoupling"]
    with pytest.raises(agglo.AggloValueError, match="same length"):
        agglo.tapio([1, 2, 3], [1, 2])
    with pytest.raises(agglo.AggloValueError, match="'resource'"):
        agglo.tapio([1, -2], [1, 2])


def test_shift_share_matches_labelled_blocks_by_label():
    shuffled = END.loc[["C", "A", "B"], [3, 1, 0, 2]]
    a = agglo.shift_share(BASE, shuffled).to_frame()
    b = agglo.shift_share(BASE, END).to_frame()
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(agglo.AggloValueError, match="'base' and 'end'"):
        agglo.shift_share(BASE, END.rename(index={"C": "D"}))


@pytest.mark.parametrize("method", ["Dunn", "Esteban", "Gerfin"])
def test_shift_share_reat_freiburg_against_given_national_totals(method):
    data = pd.read_csv(REFERENCE / "input_reat_freiburg.csv")
    peer = pd.read_csv(REFERENCE / "reat_shift_share_freiburg.csv")
    peer = peer[peer["method"] == method].set_index("component")["value"]
    res = agglo.shift_share(
        data[["e_Freiburg2008"]].T.to_numpy(),
        data[["e_Freiburg2014"]].T.to_numpy(),
        method=method.lower(),
        national_base=data["e_Germany2008"],
        national_end=data["e_Germany2014"],
    )
    ours = dict(zip(res.components, res.by_region[0], strict=True))
    for component, value in peer.items():
        assert ours[REAT_ROWS[method][component]] == pytest.approx(value, rel=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 1e4), min_size=2, max_size=12),
    st.lists(st.floats(1.0, 1e4), min_size=12, max_size=12),
)
def test_tapio_states_agree_with_the_signs_and_the_elasticity(res_vals, out_vals):
    r = np.array(res_vals)
    y = np.array(out_vals[: r.size])
    t = agglo.tapio(r, y, lang="en")
    dr, dy = np.diff(r) / r[:-1], np.diff(y) / y[:-1]
    for state, a, b, e in zip(t.state, dr, dy, t.elasticity, strict=True):
        if b == 0:
            assert state == "undefined"
            continue
        assert e == pytest.approx(a / b)
        if b > 0:
            assert state.startswith(("strong_decoupling", "weak_decoupling", "expansive"))
            assert (state == "strong_decoupling") == (a < 0)
        else:
            assert state.startswith(("strong_negative", "weak_negative", "recessive"))
            assert (state == "strong_negative_decoupling") == (a > 0)
