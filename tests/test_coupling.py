"""Tests of agglo.coupling (耦合协调度模型).

Order: published values and peer outputs first, then property tests, then edge cases.
"""

from __future__ import annotations

import dataclasses
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, AggloWarning
from agglo import normalize as agglo_normalize
from agglo.coupling import (
    LEVEL_SCHEMES,
    CouplingResult,
    coordination_index,
    coordination_level,
    coupling_coordination,
    coupling_degree,
    coupling_stage,
    lead_lag,
    rescale,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


def _data(name: str) -> pd.DataFrame:
    with resources.files("agglo.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, encoding="utf-8")


# ======================================================================================
# 1. Reference values
# ======================================================================================

# methods.md B12 "Reference values — three systems, from the mathmodels docs, reproduced
# exactly by an independent implementation" (printed to 3 decimals).  Columns: U, then
# standard (C, T, D) with equal weights, Wang 2021 (C, T, D) with w = .4/.3/.3, and
# Fan 2024 (C, D) with equal weights.
REF_U = np.array(
    [
        (0.0162, 0.2720, 0.2655),
        (0.1782, 0.6824, 0.3721),
        (0.5490, 0.0593, 0.5729),
        (0.6730, 0.4812, 0.9082),
        (0.0207, 0.8891, 0.2017),
        (0.9875, 0.5573, 0.8984),
    ]
)
REF_STANDARD = np.array(
    [
        (0.571, 0.185, 0.325),
        (0.867, 0.411, 0.597),
        (0.674, 0.394, 0.515),
        (0.967, 0.687, 0.815),
        (0.418, 0.370, 0.393),
        (0.971, 0.814, 0.889),
    ]
)
REF_WANG = np.array(
    [
        (0.447, 0.168, 0.274),
        (0.501, 0.388, 0.440),
        (0.455, 0.409, 0.432),
        (0.669, 0.686, 0.678),
        (0.175, 0.336, 0.242),
        (0.715, 0.832, 0.771),
    ]
)
REF_FAN = np.array(
    [
        (0.762, 0.375),
        (0.585, 0.490),
        (0.527, 0.455),
        (0.651, 0.669),
        (0.252, 0.305),
        (0.629, 0.716),
    ]
)
HALF_UNIT_3DP = 0.0005 + 1e-12  # a value printed to 3 decimals


def test_reference_table_standard():
    res = coupling_coordination(REF_U)
    got = np.column_stack([res.C, res.T, res.D])
    assert np.abs(got - REF_STANDARD).max() <= HALF_UNIT_3DP
    assert res.method == "standard"
    assert res.exponent == pytest.approx(1 / 3)


def test_reference_table_wang2021_with_weights():
    res = coupling_coordination(REF_U, method="wang2021", weights=[0.4, 0.3, 0.3])
    got = np.column_stack([res.C, res.T, res.D])
    assert np.abs(got - REF_WANG).max() <= HALF_UNIT_3DP
    assert res.exponent is None
    np.testing.assert_allclose(res.weights, [0.4, 0.3, 0.3])


def test_reference_table_fan2024():
    res = coupling_coordination(REF_U, method="fan2024")
    got = np.column_stack([res.C, res.D])
    assert np.abs(got - REF_FAN).max() <= HALF_UNIT_3DP


def test_reference_table_systems_as_separate_arguments():
    # same table, systems passed one per argument
    c = coupling_degree(REF_U[:, 0], REF_U[:, 1], REF_U[:, 2])
    assert np.abs(c - REF_STANDARD[:, 0]).max() <= HALF_UNIT_3DP


def test_spssau_preset_interval_scaling_then_standard():
    # SPSSAU 耦合协调度 default (methods.md B12/C9): 数据区间化 onto [0.01, 0.99], i.e.
    # z = 0.01 + 0.98 (x - min)/(max - min) per system, then the standard C, T, D.
    # By hand: U1 = (0.01, 0.5, 0.99), U2 = (0.99, 0.01, 0.01 + 0.98/3).
    res = coupling_coordination([2, 5, 8], [40, 10, 20], preset="spssau")
    u1 = np.array([0.01, 0.5, 0.99])
    u2 = np.array([0.99, 0.01, 0.01 + 0.98 / 3])
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    np.testing.assert_allclose(res.C, c, rtol=1e-14)
    np.testing.assert_allclose(res.T, (u1 + u2) / 2, rtol=1e-14)
    np.testing.assert_allclose(res.D, np.sqrt(c * (u1 + u2) / 2), rtol=1e-14)
    np.testing.assert_allclose(res.C, [0.1990, 0.2773, 0.8703], atol=5e-5)
    assert res.convention.startswith("SPSSAU preset")
    # same as normalising first; 'textbook' is the data as given
    z = agglo_normalize([[2, 40], [5, 10], [8, 20]], feature_range=(0.01, 0.99))
    np.testing.assert_allclose(coupling_coordination(z).D, res.D, rtol=1e-14)
    np.testing.assert_allclose(
        coupling_coordination(REF_U, preset="textbook").D, coupling_coordination(REF_U).D
    )
    # raw inputs above 1 do not warn under the preset (they are rescaled)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AggloWarning)
        coupling_coordination([2, 5, 8], [40, 10, 20], preset="spssau")
    # raw columns may hold negative values (e.g. growth rates): min-max takes them in
    neg = coupling_coordination([-2, 1, 4], [40, 10, 20], preset="spssau")
    np.testing.assert_allclose(neg.D, res.D, rtol=1e-14)
    with pytest.raises(AggloValueError, match="non-negative"):
        coupling_coordination([-2, 1, 4], [40, 10, 20])
    # a constant system maps to 0.99 (as normalize); NaN stays NaN for its row
    const = coupling_coordination([3, 3, 3], [1, 2, np.nan], preset="spssau")
    np.testing.assert_allclose(const.T[:2], [(0.99 + 0.01) / 2, 0.99])
    assert np.isnan(const.D[2])
    with pytest.raises(AggloValueError, match=r"'preset' \('spssau'\) uses the standard C"):
        coupling_coordination(REF_U, preset="spssau", method="wang2021")
    with pytest.raises(AggloValueError, match=r"'preset' \('spssau'\)"):
        coupling_coordination(REF_U, preset="spssau", exponent=5)
    with pytest.raises(AggloValueError, match="'preset' must be one of"):
        coupling_coordination(REF_U, preset="spsspro")


def test_reference_two_systems():
    # methods.md B12, two systems with T = 0.5 U1 + 0.5 U2 [computed from the formulas]:
    # (0.2, 0.8) -> C 0.8000, D 0.6325; Wang C 0.3162, D 0.3976; dropped-coefficient C 0.4000.
    # (0.9, 0.1) -> C 0.6000, D 0.5477; Wang C 0.1491, D 0.2730.
    u1, u2 = [0.2, 0.9], [0.8, 0.1]
    std = coupling_coordination(u1, u2)
    np.testing.assert_allclose(std.C, [0.8, 0.6], atol=5e-5)
    np.testing.assert_allclose(std.D, [0.6325, 0.5477], atol=5e-5)
    wang = coupling_coordination(u1, u2, method="wang2021")
    np.testing.assert_allclose(wang.C, [0.3162, 0.1491], atol=5e-5)
    np.testing.assert_allclose(wang.D, [0.3976, 0.2730], atol=5e-5)
    legacy = coupling_degree(0.2, 0.8, method="dropped-coefficient")
    assert legacy == pytest.approx(0.4, abs=5e-5)


# Outputs printed in the vignette of the R package coupling (stscl/coupling 0.1,
# vignettes/ccd.Rmd, "Analysis of coupling coordination degree"): coupling::ccd(dt),
# ccd(dt, method = "wang"), ccd(dt, method = "fan") on the first six rows of the min-max
# normalised gzma scores (equal weights).  The inputs are printed to 7 significant digits.
R_COUPLING_VIGNETTE = {
    "standard": (
        [0.8051958, 0.8914577, 0.8999423, 0.9346128, 0.9440912, 0.9519923],
        [0.6237105, 0.5497290, 0.7134825, 0.7632959, 0.7944703, 0.7858001],
    ),
    "wang2021": (
        [0.4722274, 0.6211236, 0.5375842, 0.5861986, 0.6640321, 0.6319211],
        [0.4776480, 0.4588675, 0.5514412, 0.6045044, 0.6662930, 0.6402164],
    ),
    "fan2024": (
        [0.4593785, 0.7164548, 0.4915051, 0.5399620, 0.5951898, 0.5907777],
        [0.4711049, 0.4928249, 0.5272784, 0.5801746, 0.6308098, 0.6190239],
    ),
}


@pytest.mark.parametrize("method", list(R_COUPLING_VIGNETTE))
def test_r_coupling_vignette_four_systems(method):
    gz = _data("guangzhou_2010_four_subsystems_normalized_sample.csv").set_index("row")
    res = coupling_coordination(gz, method=method)
    c_ref, d_ref = R_COUPLING_VIGNETTE[method]
    np.testing.assert_allclose(res.C.to_numpy(), c_ref, atol=2e-7)
    np.testing.assert_allclose(res.D.to_numpy(), d_ref, atol=2e-7)
    assert res.systems == ("PS_Score", "EL_Score", "OH_Score", "IL_Score")
    assert list(res.C.index) == [1, 2, 3, 4, 5, 6]


# ---- 章立东 & 李奥 (2021) [ceramics]: ceramic clusters × high-quality development, 2019
# Tables 3 and 4 of [ceramics], as printed (4 decimals; '+'/'-' = cluster ahead/lagging).
# Columns: cluster × 动力升级, 生态和谐, 社会进步, 经济基本盘, 区域经济高质量发展 (overall).
P003_C = {
    "潮州": "0.4191+ 0.7699 0.1805+ 0.0017+ 0.7220",
    "佛山": "0.9766 0.9673 0.9980 0.9917 0.9999",
    "邯郸": "0.4563+ 0.5512 0.0388+ 0.9124 0.5038",
    "景德镇": "0.7224 0.8191 0.7371 0.0001+ 0.8335",
    "乐山": "0.7307 0.0081- 0.1365- 0.6350 0.1435-",
    "临沂": "0.0070+ 0.9579 0.4402+ 0.9265 0.8153",
    "萍乡": "0.7728 0.5832 0.8393 0.0217+ 0.9259",
    "泉州": "0.7971 0.9289 0.9918 0.9907 0.9997",
    "唐山": "0.5430 0.5207 0.9949 0.9108 0.9443",
    "宜昌": "0.0142- 0.0820- 0.0807- 0.2905- 0.0654-",
    "株洲": "0.6540 0.8790 0.9895 0.6099 0.9589",
    "淄博": "0.8483 0.5083 0.9774 0.9721 0.9357",
}
P003_D = {
    "潮州": "0.3908+ 0.7121 0.2446+ 0.0219+ 0.5425",
    "佛山": "0.9143 0.8444 0.8830 0.9078 0.8951",
    "邯郸": "0.3654+ 0.4085+ 0.0963+ 0.5700 0.3872+",
    "景德镇": "0.5421 0.7208 0.5492 0.0017+ 0.5972",
    "乐山": "0.1970- 0.0501- 0.1455- 0.2441- 0.1482-",
    "临沂": "0.0394+ 0.5900 0.3547+ 0.6477 0.5194",
    "萍乡": "0.5761 0.5345 0.5860 0.0646+ 0.5933",
    "泉州": "0.7157 0.9067 0.8611 0.8975 0.8786",
    "唐山": "0.4668+ 0.4553+ 0.7197 0.7526 0.6770",
    "宜昌": "0.0819- 0.1590- 0.1581- 0.2505- 0.1463-",
    "株洲": "0.6422 0.6866 0.6837 0.4586+ 0.6897",
    "淄博": "0.6869 0.4960+ 0.8294 0.7703 0.7421",
}


def _parse_table(table: dict[str, str], columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    values, signs = {}, {}
    for city, row in table.items():
        cells = row.split()
        values[city] = [float(c.rstrip("+-")) for c in cells]
        signs[city] = [c[-1] if c[-1] in "+-" else "" for c in cells]
    return (
        pd.DataFrame(values, index=columns).T,
        pd.DataFrame(signs, index=columns).T,
    )


@pytest.fixture(scope="module")
def ceramics():
    """The inputs and published results of 章立东 & 李奥 (2021) [ceramics].

    The development scores (Table 2) are bundled.  The cluster levels are shown only as a
    bar chart (Figure 1), so they are recovered from the published C and D using only
    D = sqrt(C T) and T = 0.5 U1 + 0.5 U2 (not the formula of C): U1 = 2 D^2 / C - U2 for
    each of the five columns, the median over the columns, put back on the paper's 50-100
    scale and rounded to 2 decimals like every other score of the paper.
    """
    hqd = _data("ceramic_cities_hqd_2019.csv").set_index("城市")
    cols = list(hqd.columns)
    c_pub, c_sign = _parse_table(P003_C, cols)
    d_pub, d_sign = _parse_table(P003_D, cols)
    c_pub, c_sign, d_pub, d_sign = (x.loc[hqd.index] for x in (c_pub, c_sign, d_pub, d_sign))
    u2 = rescale(hqd, 50, 100)
    estimates = 2 * d_pub**2 / c_pub - u2
    cluster_score = (50 + 50 * estimates.median(axis=1)).round(2)
    return {
        "hqd": hqd,
        "u2": u2,
        "cluster": cluster_score,
        "c": c_pub,
        "d": d_pub,
        "c_sign": c_sign,
        "d_sign": d_sign,
    }


def test_ceramics_cluster_levels_are_consistent(ceramics):
    # The five columns give the same cluster level (a check of rescale 50-100, equal
    # weights and D = sqrt(C T)); cells with C < 0.01 are too rounded to say anything.
    u2, c, d = ceramics["u2"], ceramics["c"], ceramics["d"]
    u1 = rescale(ceramics["cluster"], 50, 100)
    est = 2 * d**2 / c - u2
    ok = c >= 0.01
    assert (est.sub(u1, axis=0).abs()[ok]).max().max() < 0.002


def test_ceramics_tables_3_and_4_reproduced(ceramics):
    # exponent 5 ("调节系数 t = 5"), weights 0.5/0.5, scores rescaled from 50-100:
    # all 60 C values within 1e-3 and all 60 D values within 5e-4 of the printed ones.
    u1 = rescale(ceramics["cluster"], 50, 100)
    u2 = ceramics["u2"]
    max_c = max_d = 0.0
    for col in u2.columns:
        res = coupling_coordination(u1, u2[col], weights=[0.5, 0.5], exponent=5)
        assert isinstance(res.C, pd.Series)
        assert list(res.C.index) == list(u2.index)
        max_c = max(max_c, float((res.C - ceramics["c"][col]).abs().max()))
        max_d = max(max_d, float((res.D - ceramics["d"][col]).abs().max()))
    assert max_c < 1e-3
    assert max_d < 5e-4


def test_ceramics_exponent_is_5_not_the_standard_or_one_fifth(ceramics):
    # The other readings of "t = 5" (standard C; the 1/5 power; the standard C to the 5th
    # power, i.e. exponent 2.5 on the ratio) miss the published C by far.
    u1 = rescale(ceramics["cluster"], 50, 100)
    u2 = ceramics["u2"].iloc[:, 4]
    published = ceramics["c"].iloc[:, 4]
    for exponent in (None, 1 / 5, 2.5):
        c = coupling_degree(u1, u2, exponent=exponent)
        assert (c - published).abs().max() > 0.15


def test_ceramics_lead_lag_signs(ceramics):
    # '+'/'-' = cluster ahead/lagging, printed on the cells below 0.5 (颉颃 / 失调);
    # strict comparison (tolerance 0) reproduces all 42 printed signs but one.
    # One printed sign contradicts the paper's own numbers: 乐山 × 动力升级 in Table 4 is
    # marked '-' although its cluster level (0.066, the same in all five columns) exceeds
    # the rescaled 动力升级 score (52.00 -> 0.04); the same cell in Table 3 is unsigned
    # (C 0.7307), and the row's other four cells are all '-'.
    u1 = rescale(ceramics["cluster"], 50, 100)
    u2 = ceramics["u2"]
    n_signed = 0
    mismatches = []
    for col in u2.columns:
        sign = lead_lag(u1, u2[col], tolerance=0, style="sign")
        for table, signs in (("c", "c_sign"), ("d", "d_sign")):
            low = ceramics[table][col] < 0.5
            assert (ceramics[signs][col][~low] == "").all()
            bad = low & (sign != ceramics[signs][col])
            mismatches += [(city, col, table) for city in bad[bad].index]
            n_signed += int(low.sum())
    assert n_signed == 42
    assert mismatches == [("乐山", "动力升级指数", "d")]
    types = lead_lag(u1, u2.iloc[:, 4], tolerance=0, names=("产业集群", "高质量发展"))
    assert types["宜昌"] == "产业集群滞后型"
    assert types["邯郸"] == "高质量发展滞后型"


def test_ceramics_classes_of_the_overall_column(ceramics):
    c = ceramics["c"].iloc[:, 4]
    d = ceramics["d"].iloc[:, 4]
    stage = coupling_stage(c, scheme="zhang2021-C", closed="left")
    # text: 佛山、泉州 完全耦合; 株洲、唐山、淄博、萍乡 高耦合 ("一半城市 ... 高耦合或完全耦合");
    # 景德镇、潮州 低耦合; 乐山、宜昌 颉颃.
    assert stage[["佛山", "泉州"]].tolist() == ["完全耦合"] * 2
    assert stage[["株洲", "唐山", "淄博", "萍乡"]].tolist() == ["高耦合"] * 4
    assert stage[["景德镇", "潮州", "邯郸", "临沂"]].tolist() == ["低耦合"] * 4
    assert stage[["乐山", "宜昌"]].tolist() == ["颉颃"] * 2
    level = coordination_level(d, scheme="zhang2021-D", closed="left")
    assert level[["邯郸", "乐山", "宜昌"]].tolist() == ["失调"] * 3
    assert level[["株洲", "唐山", "淄博", "萍乡", "景德镇", "潮州"]].tolist() == ["低水平协调"] * 6
    # The paper's text calls 佛山 (0.8951) and 泉州 (0.8786) 高水平协调, contradicting its
    # own "0.9以上" threshold; the scheme follows the stated threshold.
    assert level[["佛山", "泉州"]].tolist() == ["低水平协调"] * 2
    assert coordination_level(0.9, scheme="paper003", closed="left") == "高水平协调"


# ======================================================================================
# 2. Classification schemes
# ======================================================================================


def test_ten_levels_every_class_and_both_closures():
    mids = np.arange(10) / 10 + 0.05
    assert coordination_level(mids).tolist() == list(LEVEL_SCHEMES["10-level"]["zh"])
    assert coordination_level(mids, lang="en").tolist() == list(LEVEL_SCHEMES["10-level"]["en"])
    # boundaries: right-closed (a, b] puts 0.5 in 濒临失调, left-closed [a, b) in 勉强协调
    assert coordination_level(0.5) == "濒临失调"
    assert coordination_level(0.5, closed="left") == "勉强协调"
    assert coordination_level([0.1, 0.9], closed="right").tolist() == ["极度失调", "良好协调"]
    assert coordination_level([0.1, 0.9], closed="left").tolist() == ["严重失调", "优质协调"]
    # the ends of the range belong to the first and last class under both closures
    for closed in ("right", "left"):
        assert coordination_level([0.0, 1.0], closed=closed).tolist() == ["极度失调", "优质协调"]


def test_floating_noise_does_not_cross_a_boundary():
    d = 0.1 + 0.2  # 0.30000000000000004
    assert coordination_level(d) == "中度失调"
    assert coordination_level(d, closed="left") == "轻度失调"


def test_level_codes_and_nan():
    out = coordination_level([0.05, float("nan"), 0.95], codes=True)
    np.testing.assert_array_equal(out, [1.0, np.nan, 10.0])
    labels = coordination_level([0.05, None, 0.95])
    assert labels.tolist() == ["极度失调", "", "优质协调"]
    assert coordination_level(float("nan")) == ""


def test_three_and_five_class_schemes():
    assert coordination_level([0.39, 0.4, 0.6], scheme="3-class", closed="left").tolist() == [
        "失调衰退类",
        "过渡调和类",
        "协调发展类",
    ]
    assert coordination_level(0.6, scheme="3-class", lang="en") == "transitional"
    got = coordination_level([0.1, 0.3, 0.6, 0.8, 0.9], scheme="5-class", lang="en")
    assert got.tolist() == list(LEVEL_SCHEMES["5-class"]["en"])


def test_coupling_stage_four_stages():
    c = [0.3, 0.30001, 0.5, 0.8, 0.80001, 1.0]
    assert coupling_stage(c).tolist() == [
        "低水平耦合",
        "拮抗阶段",
        "拮抗阶段",
        "磨合阶段",
        "高水平耦合",
        "高水平耦合",
    ]
    assert coupling_stage(0.5, closed="left", lang="en") == "running-in stage"


def test_ceramics_c_scheme_boundaries():
    assert coupling_stage([0.99, 0.991], scheme="paper003-C").tolist() == ["高耦合", "完全耦合"]
    assert coupling_stage(0.99, scheme="paper003-C", closed="left") == "完全耦合"
    assert coupling_stage(0.4999, scheme="paper003", lang="en") == "antagonistic"
    # the C scheme is also available from coordination_level by its full name
    assert coordination_level(0.95, scheme="paper003-C") == "高耦合"


def test_every_scheme_has_matching_zh_and_en_labels():
    for name, spec in LEVEL_SCHEMES.items():
        assert len(spec["zh"]) == len(spec["en"]) == len(spec["breaks"]) + 1, name
        assert all(spec["en"])
        assert all(spec["zh"])


def test_custom_breaks_and_labels():
    got = coordination_level([0.1, 0.16, 0.2, 0.3], breaks=[0.16, 0.22], labels=["低", "中", "高"])
    assert got.tolist() == ["低", "低", "中", "高"]
    got = coordination_level([0.16], breaks=[0.16, 0.22], labels=["低", "中", "高"], closed="left")
    assert got.tolist() == ["中"]
    # default labels are class numbers; a custom scheme is not limited to [0, 1]
    assert coordination_level([-1, 5], scheme="custom", breaks=[0]).tolist() == ["1", "2"]


def test_classification_keeps_pandas_labels_and_accepts_results():
    d = pd.Series([0.2, 0.7], index=["北京", "上海"], name="D")
    out = coordination_level(d)
    assert isinstance(out, pd.Series)
    assert out.to_dict() == {"北京": "严重失调", "上海": "初级协调"}
    frame = pd.DataFrame({"2019": [0.2, 0.7], "2020": [0.25, 0.75]}, index=["北京", "上海"])
    out = coordination_level(frame)
    assert out.loc["上海", "2020"] == "中级协调"
    res = coupling_coordination([0.2, 0.9], [0.8, 0.1])
    assert coordination_level(res).tolist() == ["初级协调", "勉强协调"]
    assert coupling_stage(res).tolist() == ["磨合阶段", "磨合阶段"]


def test_classification_errors():
    with pytest.raises(AggloValueError, match="'d' must lie in \\[0, 1\\]"):
        coordination_level([0.5, 1.2])
    with pytest.raises(AggloValueError, match="'c' must lie in \\[0, 1\\]"):
        coupling_stage(-0.1)
    with pytest.raises(AggloValueError, match="'scheme' must be one of"):
        coordination_level(0.5, scheme="7-level")
    with pytest.raises(AggloValueError, match="'closed' must be one of"):
        coordination_level(0.5, closed="both")
    with pytest.raises(AggloValueError, match="'lang' must be one of"):
        coordination_level(0.5, lang="fr")
    with pytest.raises(AggloValueError, match="'labels' must have one label per class"):
        coordination_level(0.5, breaks=[0.3, 0.6], labels=["a", "b"])
    with pytest.raises(AggloValueError, match="'breaks' must be strictly increasing"):
        coordination_level(0.5, breaks=[0.6, 0.3], labels=["a", "b", "c"])
    with pytest.raises(AggloValueError, match="'labels' needs 'breaks'"):
        coordination_level(0.5, labels=["a", "b"])
    with pytest.raises(AggloValueError, match="scheme='custom' needs 'breaks'"):
        coordination_level(0.5, scheme="custom")
    with pytest.raises(AggloValueError, match="'breaks' defines its own classes"):
        coordination_level(0.5, scheme="3-class", breaks=[0.5], labels=["a", "b"])
    with pytest.raises(AggloValueError, match="'d' must contain numbers only"):
        coordination_level(["高"])


# ======================================================================================
# 3. Lead / lag and rescale
# ======================================================================================


def test_lead_lag_difference_mode():
    u1 = [0.51, 0.11, 0.50, 0.50, 0.60]
    u2 = [0.31, 0.54, 0.45, 0.60, 0.50]
    # |U1 - U2| = 0.1 exactly is synchronous (the band is closed)
    assert lead_lag(u1, u2).tolist() == ["U2滞后型", "U1滞后型", "同步型", "同步型", "同步型"]
    assert lead_lag(u1, u2, tolerance=0.05).tolist()[2:] == ["同步型", "U1滞后型", "U2滞后型"]
    assert lead_lag(u1, u2, tolerance=0).tolist()[2] == "U2滞后型"


def test_lead_lag_ratio_mode_and_names():
    u1 = [0.55, 0.56, 0.44, 0.0, 0.1]
    u2 = [0.50, 0.50, 0.50, 0.0, 0.0]
    got = lead_lag(u1, u2, mode="ratio", names=("城镇化", "生态环境"))
    assert got.tolist() == ["同步型", "生态环境滞后型", "城镇化滞后型", "同步型", "生态环境滞后型"]
    got = lead_lag(u1[:3], u2[:3], mode="ratio", lang="en", names=("urbanisation", "environment"))
    assert got.tolist() == ["synchronous", "environment lagging", "urbanisation lagging"]


def test_lead_lag_nan_pandas_and_errors():
    s1 = pd.Series([0.5, np.nan], index=["A", "B"])
    out = lead_lag(s1, [0.1, 0.2])
    assert out.to_dict() == {"A": "U2滞后型", "B": ""}
    with pytest.raises(AggloValueError, match="'u1' has 2, 'u2' has 3"):
        lead_lag([0.1, 0.2], [0.1, 0.2, 0.3])
    with pytest.raises(AggloValueError, match="'tolerance' must be a non-negative number"):
        lead_lag(0.1, 0.2, tolerance=-0.1)
    with pytest.raises(AggloValueError, match="'names' must be two names"):
        lead_lag(0.1, 0.2, names="产业集群")
    with pytest.raises(AggloValueError, match="'mode' must be one of"):
        lead_lag(0.1, 0.2, mode="log")


def test_rescale_ceramics_scale():
    hqd = _data("ceramic_cities_hqd_2019.csv").set_index("城市")["区域经济高质量发展指数"]
    z = rescale(hqd, 50, 100)
    assert isinstance(z, pd.Series)
    assert z.name == "区域经济高质量发展指数"
    assert z["佛山"] == pytest.approx((90.28 - 50) / 50)
    assert rescale(75.5, 50, 100) == pytest.approx(0.51)


def test_rescale_outside_options_and_columns():
    assert rescale([40, 75, 120], 50, 100, outside="clip").tolist() == [0.0, 0.5, 1.0]
    np.testing.assert_allclose(rescale([40, 120], 50, 100, outside="keep"), [-0.2, 1.4])
    with pytest.raises(AggloValueError, match="'values' must lie in \\[low, high\\].*found 120"):
        rescale([60, 120], 50, 100)
    block = np.array([[50.0, 0.0], [100.0, 10.0]])
    np.testing.assert_allclose(rescale(block, [50, 0], [100, 10]), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(rescale([np.nan, 60], 50, 100), [np.nan, 0.2])
    with pytest.raises(AggloValueError, match="'high' must be greater than 'low'"):
        rescale([1, 2], 5, 5)
    with pytest.raises(AggloValueError, match="'low' must be one number or one bound per column"):
        rescale(block, [0, 0, 0], 100)


# ======================================================================================
# 4. Properties
# ======================================================================================

unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
positive_unit = st.floats(1e-6, 1.0, allow_nan=False)


def _block(elements, n_min=2, n_max=5):
    return st.integers(n_min, n_max).flatmap(
        lambda n: arrays(np.float64, st.tuples(st.integers(1, 8), st.just(n)), elements=elements)
    )


@settings(max_examples=150, deadline=None)
@given(_block(st.floats(0.0, 50.0, allow_nan=False, allow_subnormal=False)))
def test_property_standard_c_in_unit_interval(u):
    c = coupling_degree(u, allow_above_one=True)  # C is scale-free: in [0, 1] on any scale
    finite = ~np.all(u == 0, axis=1)
    assert np.all(np.isnan(c[~finite]))
    assert np.all((c[finite] >= 0) & (c[finite] <= 1))


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 6), positive_unit, st.integers(1, 5))
def test_property_c_is_one_when_all_systems_equal(n, value, rows):
    u = np.full((rows, n), value)
    for method in ("standard", "wang2021", "fan2024"):
        assert np.all(coupling_degree(u, method=method) == 1.0)


@settings(max_examples=100, deadline=None)
@given(_block(positive_unit))
def test_property_c_below_one_when_systems_differ(u):
    c = coupling_degree(u)
    spread = (u.max(axis=1) - u.min(axis=1)) / u.max(axis=1)
    assert np.all(c[spread > 1e-4] < 1.0)


@settings(max_examples=150, deadline=None)
@given(_block(unit), st.sampled_from(["standard", "wang2021", "fan2024"]))
def test_property_t_and_d_bounds(u, method):
    n = u.shape[1]
    w = np.arange(1, n + 1, dtype=float)
    res = coupling_coordination(u, weights=w, method=method)
    tol = 1e-12
    assert np.all(u.min(axis=1) - tol <= res.T)
    assert np.all(u.max(axis=1) + tol >= res.T)
    ok = ~np.isnan(res.C)
    c, t, d = res.C[ok], res.T[ok], res.D[ok]
    assert np.all((c >= -tol) & (c <= 1 + tol))
    assert np.all(d <= np.maximum(c, t) + tol)
    assert np.all(d >= np.minimum(c, t) - tol)


@settings(max_examples=100, deadline=None)
@given(_block(unit, n_min=3), st.randoms(use_true_random=False))
def test_property_order_of_systems_does_not_matter(u, rnd):
    perm = list(range(u.shape[1]))
    rnd.shuffle(perm)
    for method in ("standard", "wang2021", "fan2024"):
        a = coupling_coordination(u, method=method).to_frame()
        b = coupling_coordination(u[:, perm], method=method).to_frame()
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12, atol=1e-14)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=unit), st.sampled_from(["right", "left"]))
def test_property_level_codes_monotone(d, closed):
    d = np.sort(d)
    codes = coordination_level(d, closed=closed, codes=True)
    assert np.all(np.diff(codes) >= 0)
    right = coordination_level(d, codes=True)
    left = coordination_level(d, closed="left", codes=True)
    on_break = np.isclose(d * 10, np.round(d * 10)) & (d > 0) & (d < 1)
    assert np.array_equal(right[~on_break], left[~on_break])


def test_property_standard_c_is_scale_free():
    u = REF_U
    np.testing.assert_allclose(coupling_degree(u), coupling_degree(u / 7), rtol=1e-13)


# ======================================================================================
# 5. Inputs, outputs and edge cases
# ======================================================================================


def test_scalar_list_series_and_dataframe_inputs():
    assert isinstance(coupling_degree(0.2, 0.8), float)
    assert coupling_degree([[0.2, 0.8]]).tolist() == pytest.approx([0.8])
    s1 = pd.Series([0.2, 0.9], index=["广州", "深圳"], name="产业集群")
    s2 = pd.Series([0.8, 0.1], index=["广州", "深圳"], name="高质量发展")
    res = coupling_coordination(s1, s2)
    assert res.systems == ("产业集群", "高质量发展")
    frame = res.to_frame()
    assert list(frame.index) == ["广州", "深圳"]
    assert list(frame.columns) == ["C", "T", "D"]
    assert frame.loc["广州", "C"] == pytest.approx(0.8)
    # a pandas system mixed with a list: labels of the pandas one
    assert list(coordination_index([0.2, 0.9], s2).index) == ["广州", "深圳"]
    # Excel-style column ranges (n × 1 lists) are one system each
    assert coupling_degree([[0.2], [0.9]], [[0.8], [0.1]]).round(4).tolist() == [0.8, 0.6]


def test_result_is_frozen_and_records_convention():
    res = coupling_coordination([0.2, 0.3], [0.8, 0.1], exponent=5, weights=[1, 3])
    assert isinstance(res, CouplingResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.C = None
    assert res.exponent == 5.0
    np.testing.assert_allclose(res.weights, [0.25, 0.75])
    assert "k = 5" in res.convention
    assert "w = (0.25, 0.75)" in res.convention
    one_row = coupling_coordination(0.2, 0.8).to_frame()
    assert one_row.shape == (1, 3)
    assert "Wang" in coupling_coordination(0.2, 0.8, method="wang2021").convention


def test_exponent_changes_spread_as_documented():
    # exponent 5 on two systems = standard C to the 10th power
    c = coupling_degree([0.2, 0.4], [0.8, 0.5])
    np.testing.assert_allclose(coupling_degree([0.2, 0.4], [0.8, 0.5], exponent=5), c**10)
    # dropped coefficient = standard / n for the default exponent
    u = REF_U
    np.testing.assert_allclose(
        coupling_degree(u, method="dropped-coefficient"), coupling_degree(u) / 3
    )


def test_zero_system_gives_zero_coupling():
    u = [[0.0, 0.5, 0.6]]
    assert coupling_degree(u).tolist() == [0.0]
    assert coupling_degree(u, method="wang2021").tolist() == [0.0]
    res = coupling_coordination(u)
    assert res.D.tolist() == [0.0]
    assert res.T.tolist() == pytest.approx([1.1 / 3])


def test_all_zero_row():
    u = [[0.0, 0.0], [0.2, 0.8]]
    assert np.isnan(coupling_degree(u)[0])
    assert np.isnan(coupling_degree(u, method="wang2021")[0])
    assert coupling_degree(u, method="fan2024")[0] == 1.0
    for method in ("standard", "wang2021", "fan2024"):
        res = coupling_coordination(u, method=method)
        assert res.T[0] == 0.0
        assert res.D[0] == 0.0


def test_nan_in_a_system_gives_nan_for_that_row_only():
    u1 = [0.2, np.nan, 0.5]
    u2 = [0.8, 0.4, None]
    for method in ("standard", "wang2021", "fan2024"):
        res = coupling_coordination(u1, u2, method=method)
        assert not np.isnan(res.C[0])
        assert not np.isnan(res.D[0])
        assert np.isnan(res.C[1:]).all()
        assert np.isnan(res.T[1:]).all()
        assert np.isnan(res.D[1:]).all()


def test_mismatched_lengths_name_the_systems():
    with pytest.raises(AggloValueError, match="'U1' has 3, 'U2' has 2"):
        coupling_degree([0.1, 0.2, 0.3], [0.1, 0.2])
    s = pd.Series([0.1, 0.2], name="生态")
    with pytest.raises(AggloValueError, match=r"'U2 \(生态\)' has 2"):
        coupling_coordination([0.1, 0.2, 0.3], s)


def test_one_system_raises():
    with pytest.raises(AggloValueError, match="at least two systems; received one list"):
        coupling_degree([0.1, 0.2, 0.3])
    with pytest.raises(AggloValueError, match="at least two systems; received one column"):
        coupling_coordination([[0.1], [0.2]])
    with pytest.raises(AggloValueError, match="at least two systems"):
        coordination_index(0.5)
    with pytest.raises(AggloValueError, match="at least two systems; received none"):
        coupling_degree()


def test_negative_and_text_values_raise():
    with pytest.raises(AggloValueError, match="'U2' must be non-negative"):
        coupling_degree([0.1, 0.2], [0.3, -0.2])
    with pytest.raises(AggloValueError, match="'systems' must be non-negative"):
        coupling_coordination([[0.1, -0.2]])
    with pytest.raises(AggloValueError, match="'U1' must contain numbers only"):
        coupling_degree(["高", 0.2], [0.3, 0.2])


def test_option_and_weight_errors():
    with pytest.raises(AggloValueError, match="'method' must be one of"):
        coupling_degree(0.1, 0.2, method="liu")
    with pytest.raises(AggloValueError, match="'exponent' applies only to method='standard'"):
        coupling_degree(0.1, 0.2, method="wang2021", exponent=5)
    with pytest.raises(AggloValueError, match="'exponent' must be a positive number"):
        coupling_degree(0.1, 0.2, exponent=0)
    with pytest.raises(AggloValueError, match="'weights' must have one weight per indicator"):
        coupling_coordination(0.1, 0.2, weights=[0.5, 0.3, 0.2])
    with pytest.raises(AggloValueError, match="'weights' must be non-negative"):
        coordination_index(0.1, 0.2, weights=[1.5, -0.5])
    with pytest.raises(AggloValueError, match="'weights' must not be all zero"):
        coordination_index(0.1, 0.2, weights=[0, 0])


def test_inputs_are_not_modified():
    block = REF_U.copy()
    u1, u2 = block[:, 0].copy(), block[:, 1].copy()
    for method in ("standard", "wang2021", "fan2024"):
        coupling_coordination(block, method=method)
        coupling_coordination(u1, u2, method=method)
    np.testing.assert_array_equal(block, REF_U)
    np.testing.assert_array_equal(u1, REF_U[:, 0])
    np.testing.assert_array_equal(u2, REF_U[:, 1])
    with pytest.raises(TypeError):
        LEVEL_SCHEMES["10-level"] = {}


def test_values_above_one_are_refused_unless_allowed():
    """Scores on 0-100 would change T and D: refused, naming the system and the row, Chinese
    first, pointing to NORMALIZE / RESCALE; allowed explicitly they give the raw-score model."""
    for fn in (coupling_coordination, coupling_degree, coordination_index):
        with pytest.raises(AggloValueError) as err:
            fn([65.26, 90.28], [70.0, 80.0])
        message = str(err.value)
        assert message.index("标准化") < message.index("Normalise first")
        for part in ("'U1'", "第2行", "row 2", "90.28", "NORMALIZE / RESCALE", "allow_above_one"):
            assert part in message, message
    r = coupling_coordination([65.26, 90.28], [70.0, 80.0], allow_above_one=True)
    np.testing.assert_allclose(r.T, [67.63, 85.14])
    np.testing.assert_allclose(r.C, 2 * np.sqrt(np.array([65.26 * 70.0, 90.28 * 80.0]))
                               / np.array([135.26, 170.28]))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coupling_coordination([0.2, 1.0], [0.8, 0.0])  # exactly 1 is fine
