"""Worksheet functions of the disparity and convergence family, as Excel calls them."""

from __future__ import annotations

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo_addin import udfs
from conftest import REFERENCE

WAGE = pd.read_csv(REFERENCE / "input_province_wage_2014_2023.csv")
W23 = WAGE[WAGE["年份"] == 2023].reset_index(drop=True)
REAT = pd.read_csv(REFERENCE / "reat_disparity.csv").set_index("measure")["value"]
PANEL = WAGE.pivot(index="地区", columns="年份", values="平均工资")

# ranges as Excel delivers them: a list of rows, with a header cell
VALUES = [["平均工资"], *([float(v)] for v in W23["平均工资"])]
GROUPS = [["区域"], *([g] for g in W23["区域"])]
POP = [[float(v)] for v in W23["就业人数"]]
PANEL_RANGE = [
    ["地区", *(float(y) for y in PANEL.columns)],
    *([name, *map(float, row)] for name, row in zip(PANEL.index, PANEL.to_numpy(), strict=True)),
]
PANEL_NO_LABELS = [[float(y) for y in PANEL.columns], *(list(map(float, r)) for r in PANEL.values)]


def call(name, *args):
    return udfs.REGISTRY[name](*args)


def test_theil_table_with_header_cells():
    rows = call("THEIL", VALUES, None, GROUPS)
    assert rows[0][1:] == ["value", "group index", "contribution"]
    assert rows[1][0] == "组间 between"
    assert rows[-1][0] == "总体 total"
    res = agglo.theil(W23["平均工资"], groups=W23["区域"])
    assert rows[-1][1] == pytest.approx(res.total)
    assert rows[1][1] == pytest.approx(res.between)
    assert sum(r[3] for r in rows[1:-1]) == pytest.approx(1.0)
    assert call("THEIL", VALUES, None, None, "L") == pytest.approx(REAT["theil_L_unweighted_2023"])


def test_dagum_tables():
    rows = call("DAGUMGINI", VALUES, GROUPS)
    assert [r[0] for r in rows[1:5]] == ["组内 G_w", "组间 G_nb", "超变密度 G_t", "总体 G"]
    assert rows[4][1] == pytest.approx(REAT["gini_2023"])
    assert rows[1][1] + rows[2][1] + rows[3][1] == pytest.approx(rows[4][1])
    assert len(rows) == 1 + 4 + 4
    matrix = call("DAGUMMATRIX", VALUES, GROUPS, POP)
    assert matrix[0] == ["G_jh", "东部", "西部", "东北", "中部"]
    m = np.array([r[1:] for r in matrix[1:]], dtype=float)
    np.testing.assert_allclose(m, m.T)


def test_scalar_measures():
    assert call("COEFVAR", VALUES, None, 1) == pytest.approx(REAT["cv_sample_2023"])
    assert call("WILLIAMSON", VALUES, POP) == pytest.approx(REAT["williamson_wmean_2023"])
    assert call("ATKINSON", VALUES, 2.0) == pytest.approx(REAT["atkinson_2_2023"])
    assert call("WILLIAMSON", VALUES, None).startswith("#VALUE! 'weights'")
    lorenz = call("LORENZ", VALUES)
    assert lorenz[1] == [0.0, 0.0]
    assert lorenz[-1] == [1.0, 1.0]
    assert len(lorenz) == 1 + 32


@pytest.mark.parametrize("panel", [PANEL_RANGE, PANEL_NO_LABELS])
def test_sigma_and_beta_read_the_year_header(panel):
    sigma = call("SIGMACONV", panel)
    assert [r[0] for r in sigma[1:]] == list(range(2014, 2024))
    assert sigma[1][5] == pytest.approx(REAT["sigma_sd_log_population_2014"])
    beta = call("BETACONV", panel)
    assert beta[0][1].endswith("T = 9")
    assert beta[1] == ["beta", pytest.approx(REAT["beta_ols_2014_2023_beta"])]
    assert beta[4] == ["p", pytest.approx(REAT["beta_ols_2014_2023_beta_p"])]
    short = call("BETACONV", panel, None, 2016, 2020)
    assert short[0][1].endswith("T = 4")


def test_kernel_density_columns_named_by_year():
    rows = call("KDENSITY", [[2014.0, 2023.0], *PANEL[[2014, 2023]].values.tolist()], None, 40)
    assert rows[0][1:] == [2014, 2023]
    assert len(rows) == 41
    grid = np.array([r[0] for r in rows[1:]])
    dens = np.array([r[1] for r in rows[1:]])
    assert np.trapezoid(dens, grid) == pytest.approx(1.0, abs=0.01)


def test_year_header_follows_the_one_reader():
    # a first row that is not a run of years is data, not a header
    block = [[2000.5, 2001.0], [1990.0, 2005.0], [2010.0, 1995.0], [1999.0, 2020.0]]
    rows = call("KDENSITY", block)
    assert rows[0][1:] == ["density 1", "density 2"]
    # a run of years typed as numbers above the data is the header (agglo.tables)
    block = [[2015.0, 2016.0], [1.5, 2.5], [3.25, 1.75], [2.0, 4.5]]
    rows = call("KDENSITY", block)
    assert rows[0][1:] == [2015, 2016]


def test_shift_share_gm11_tapio_tables():
    base = [[None, "农业", "工业"], ["甲", 60.0, 100.0], ["乙", 30.0, 20.0], ["丙", 20.0, 80.0]]
    end = [[None, "农业", "工业"], ["甲", 65.0, 130.0], ["乙", 30.0, 30.0], ["丙", 25.0, 90.0]]
    rows = call("SHIFTSHARE", base, end)
    assert [r[0] for r in rows[1:]] == ["甲", "乙", "丙"]
    res = agglo.shift_share([[60, 100], [30, 20], [20, 80]], [[65, 130], [30, 30], [25, 90]])
    np.testing.assert_allclose(np.array([r[1:] for r in rows[1:]], float), res.by_region)
    ind = call("SHIFTSHARE", base, end, "esteban", "industry")
    assert [r[0] for r in ind[1:]] == ["农业", "工业"]
    assert call("SHIFTSHARE", base, end, "gerfin", "industry").startswith("#VALUE!")
    fc = call("GREYFORECAST", [[2.874, 3.278, 3.337, 3.390, 3.679]], 2)
    assert len(fc) == 1 + 7
    assert fc[6][1] == ""
    assert fc[6][2] == pytest.approx(agglo.gm11([2.874, 3.278, 3.337, 3.390, 3.679], 1).forecast[0])
    test = dict(call("GREYTEST", [[2.874], [3.278], [3.337], [3.390], [3.679]])[1:])
    assert test["grade"] == "1级 好 (good)"
    assert test["level-ratio test passed"] is True
    tp = call("TAPIO", [[100, 102, 101, 110]], [[100, 110, 120, 125]])
    assert [r[4] for r in tp[1:]] == ["弱脱钩", "强脱钩", "扩张负脱钩"]
