"""Template 07: 区域差异与收敛 (Theil, Dagum, σ/β convergence, kernel density, Markov, Moran).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import LineChart, Reference, ScatterChart, Series
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule

from .book import Book, unsmooth
from .data import PROVINCES, WAGE_YEARS, provincial_wage
from .refs import col, rng, sref
from .styles import (
    F_HEAD,
    F_NOTE,
    F_SUB,
    FILL_BAD,
    FILL_GOOD,
    FILL_HEAD,
    FILL_MID,
    NF_3,
    NF_4,
    NF_AMOUNT,
    NF_INT,
    NF_PCT,
    NF_PCT2,
    WRAP,
)

NUMBER = 7
FILE = "07_regional_disparity.xlsx"
TITLE = "区域差异与收敛 Regional disparity and convergence"


def _yearly_theil(values: str) -> str:
    """Theil T of one year's wages, provinces weighted equally, split by macro region."""
    return formula("THEIL", values, groups="REGION", index='"T"', blank='""')


def _yearly_dagum(values: str) -> str:
    """Dagum's decomposition of one year's wages by macro region."""
    return formula("DAGUMGINI", values, "REGION")


def _china_weights(hainan: str) -> str:
    """The row-standardised contiguity matrix of the 31 provinces, without labels."""
    return formula("CHINAWEIGHTS", hainan=hainan, style='"W"', labels="FALSE")


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    wage, emp, regions = provincial_wage()
    n, T = len(PROVINCES), len(WAGE_YEARS)
    y0 = WAGE_YEARS[0]

    # --- data -------------------------------------------------------------------------
    ds = wb.create_sheet("数据 data")
    book.title(ds, "各省区市平均工资与就业人员（8个行业合计）Average wage and employment by province",
               "来源 Source: 国家统计局 (NBS) 城镇非私营单位分行业平均工资与就业人员，整理自开源教材 "
               "mathmodels-book；平均工资 = Σ(行业平均工资×就业)/Σ就业。区域：国家统计局东西中部和东北地区划分。")  # fmt: skip
    book.put(ds, 3, 3, "平均工资（元）average wage", font=F_SUB, border=False)
    c_emp = 3 + T + 1
    book.put(ds, 3, c_emp, "就业人员（人）employment", font=F_SUB, border=False)
    book.header(ds, 4, 1, ["地区", "区域", *WAGE_YEARS])
    book.header(ds, 4, c_emp, WAGE_YEARS)
    r0, r1 = 5, 4 + n
    book.block(ds, r0, 1, np.array(PROVINCES).reshape(-1, 1), fill=None)
    book.block(ds, r0, 2, regions.to_numpy().reshape(-1, 1))
    book.block(ds, r0, 3, wage.to_numpy(), fmt=NF_AMOUNT)
    book.block(ds, r0, c_emp, emp.to_numpy(), fmt=NF_INT)
    book.name("REGION", sref(ds.title, r0, 2, r1, 2))
    book.name("WAGE", sref(ds.title, r0, 3, r1, 2 + T))
    book.name("WAGEH", sref(ds.title, 4, 3, r1, 2 + T))
    book.name("YEARS", sref(ds.title, 4, 3, 4, 2 + T))
    book.name("EMPL", sref(ds.title, r0, c_emp, r1, c_emp + T - 1))
    for j, year in enumerate(WAGE_YEARS):
        book.name(f"WAGE_{year}", sref(ds.title, r0, 3 + j, r1, 3 + j))
        book.name(f"EMPL_{year}", sref(ds.title, r0, c_emp + j, r1, c_emp + j))
    book.widths(ds, [9, 7] + [10] * T + [2] + [11] * T)
    ds.freeze_panes = "C5"

    def pick(kind: str, which: str) -> str:
        return f"CHOOSE({which}-{y0 - 1}," + ",".join(f"{kind}_{y}" for y in WAGE_YEARS) + ")"

    # --- disparity ----------------------------------------------------------------------
    ws = wb.create_sheet("差异 disparity")
    book.title(ws, "泰尔指数与 Dagum 基尼系数分解（东部/中部/西部/东北）Theil and Dagum decompositions",
               "各省平均工资的地区差异：泰尔指数 T（或 L）按四大区域分解为组间与组内；Dagum (1997) 基尼系数 "
               "G = G_w（组内）+ G_nb（组间净值）+ G_t（超变密度）。")  # fmt: skip
    year = book.option(
        ws, 3, 1, "年份 year", WAGE_YEARS[-1], WAGE_YEARS, "YEAR", "所选年份的分解表"
    )
    tindex = book.option(ws, 4, 1, "泰尔指数 index", "T", ["T", "L"], "THEIL_INDEX",
                         "T = GE(1)，L = GE(0) 平均对数偏差")  # fmt: skip
    k = 4
    wy, ey = pick("WAGE", year), pick("EMPL", year)
    book.put(ws, 6, 1, "泰尔指数分解（各省等权）unweighted", font=F_SUB, border=False)
    fx = formula("THEIL", wy, groups="REGION", index=tindex, blank='""')
    book.array(ws, 7, 1, k + 3, 4, fx, fmt=NF_4)
    book.put(ws, 6, 6, "泰尔指数分解（就业加权）employment-weighted", font=F_SUB, border=False)
    fx = formula("THEIL", wy, weights=ey, groups="REGION", index=tindex)
    book.array(ws, 7, 6, k + 3, 4, fx, fmt=NF_4)
    book.put(ws, 16, 1, "Dagum 基尼系数分解 Dagum decomposition", font=F_SUB, border=False)
    book.array(ws, 17, 1, k + 5, 3, formula("DAGUMGINI", wy, "REGION"), fmt=NF_4)
    book.put(ws, 16, 6, "组间基尼系数 G_jh（对角线为组内 G_jj）", font=F_SUB, border=False)
    book.array(ws, 17, 6, k + 1, k + 1, formula("DAGUMMATRIX", wy, "REGION"), fmt=NF_4)
    for top, left, width in ((7, 1, 4), (7, 6, 4), (17, 1, 3), (17, 6, k + 1)):
        for c in range(left, left + width):
            ws.cell(row=top, column=c).font = F_HEAD
            ws.cell(row=top, column=c).fill = FILL_HEAD
    # time series from the yearly detail sheet
    dt_ = wb.create_sheet("分解明细 detail")
    book.title(dt_, "各年分解明细（泰尔指数 T 与 Dagum 基尼系数，各省等权）Yearly decompositions",
               f"每年一张表：{_yearly_theil('WAGE_年份')} 与 {_yearly_dagum('WAGE_年份')}。")  # fmt: skip
    tops = {}
    for i, y in enumerate(WAGE_YEARS):
        top = 4 + i * (k + 7)
        book.put(dt_, top, 1, f"{y}年 泰尔指数 T", font=F_SUB, border=False)
        book.put(dt_, top, 6, f"{y}年 Dagum 基尼系数", font=F_SUB, border=False)
        book.array(dt_, top + 1, 1, k + 3, 4, _yearly_theil(f"WAGE_{y}"), fmt=NF_4)
        book.array(dt_, top + 1, 6, k + 5, 3, _yearly_dagum(f"WAGE_{y}"), fmt=NF_4)
        tops[y] = top + 1
    book.widths(dt_, [44, 10, 12, 12, 2, 44, 10, 12])
    dt_.freeze_panes = "A4"

    ts = 28
    book.put(ws, ts - 1, 1, "各年差异与分解 disparity over time", font=F_SUB, border=False)
    heads = ["年份", "泰尔T total", "组间 between", "组内 within", "组间贡献率",
             "Dagum G", "G_w 组内", "G_nb 组间", "G_t 超变", "G_w 贡献率", "G_nb 贡献率", "G_t 贡献率"]  # fmt: skip
    book.header(ws, ts, 1, heads)
    d = f"'{dt_.title}'!"
    for i, y in enumerate(WAGE_YEARS):
        r, t0 = ts + 1 + i, tops[y]
        book.put(ws, r, 1, y, font=F_HEAD)
        total, between = f"{d}B{t0 + k + 2}", f"{d}B{t0 + 1}"
        book.formula(ws, r, 2, f"={total}", fmt=NF_4)
        book.formula(ws, r, 3, f"={between}", fmt=NF_4)
        book.formula(ws, r, 4, f"={total}-{between}", fmt=NF_4)
        book.formula(ws, r, 5, f"={d}D{t0 + 1}", fmt=NF_PCT)
        book.formula(ws, r, 6, f"={d}G{t0 + 4}", fmt=NF_4)
        for q in range(3):
            book.formula(ws, r, 7 + q, f"={d}G{t0 + 1 + q}", fmt=NF_4)
            book.formula(ws, r, 10 + q, f"={d}H{t0 + 1 + q}", fmt=NF_PCT)
    last = ts + T
    ws.conditional_formatting.add(
        rng(ts + 1, 10, last, 12, absolute=False),
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="F4B183"),
    )
    chart = LineChart()
    chart.title = "Dagum 基尼系数及其分解 Dagum G and components"
    chart.height, chart.width = 8, 18
    chart.add_data(
        Reference(ws, min_col=6, max_col=9, min_row=ts, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=ts + 1, max_row=last))
    unsmooth(chart)
    ws.add_chart(chart, f"A{last + 3}")
    chart = LineChart()
    chart.title = "泰尔指数 T：总体、组间、组内 Theil T"
    chart.height, chart.width = 8, 14
    chart.add_data(
        Reference(ws, min_col=2, max_col=4, min_row=ts, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=ts + 1, max_row=last))
    unsmooth(chart)
    ws.add_chart(chart, f"H{last + 3}")
    # Lorenz curve of the chosen year, employment-weighted, with the equality line
    lc = 14
    book.put(ws, 6, lc, "洛伦兹曲线（所选年份，就业加权）Lorenz curve", font=F_SUB, border=False)
    book.array(ws, 7, lc, n + 2, 2, formula("LORENZ", wy, weights=ey), fmt=NF_3)
    for c in (lc, lc + 1):
        ws.cell(row=7, column=c).font = F_HEAD
        ws.cell(row=7, column=c).fill = FILL_HEAD
        ws.cell(row=7, column=c).alignment = WRAP
    ws.row_dimensions[7].height = 45
    chart = ScatterChart()
    chart.title = "洛伦兹曲线 Lorenz curve"
    chart.style = 13
    chart.scatterStyle = "line"
    chart.x_axis.title = "累计就业份额"
    chart.y_axis.title = "累计工资总额份额"
    chart.height, chart.width = 9, 10
    xs = Reference(ws, min_col=lc, min_row=8, max_row=8 + n)
    curve = Series(Reference(ws, min_col=lc + 1, min_row=8, max_row=8 + n), xs, title="Lorenz")
    curve.marker.symbol = "none"
    curve.smooth = False
    equal = Series(xs, xs, title="均等线 equality")
    equal.marker.symbol = "none"
    equal.smooth = False
    equal.graphicalProperties.line.dashStyle = "dash"
    chart.series.extend([curve, equal])
    for axis in (chart.x_axis, chart.y_axis):
        axis.scaling.min, axis.scaling.max = 0, 1
        axis.majorUnit = 0.2
    ws.add_chart(chart, f"{col(lc + 3)}6")
    book.widths(ws, [40, 11, 12, 12, 12, 22, 11, 11, 11, 11, 11, 11, 2, 16, 12])
    ws.freeze_panes = "A6"

    # --- convergence --------------------------------------------------------------------
    cs = wb.create_sheet("收敛 convergence")
    book.title(cs, "σ 收敛与 β 收敛 sigma and beta convergence",
               "σ 收敛：各年标准差、变异系数、对数标准差是否下降；β 收敛：年均增长率对期初对数水平回归，β < 0 且显著为收敛。")  # fmt: skip
    start = book.option(
        cs, 3, 1, "起始年 start", WAGE_YEARS[0], WAGE_YEARS, "START", "β 收敛的期初"
    )
    end = book.option(cs, 4, 1, "结束年 end", WAGE_YEARS[-1], WAGE_YEARS, "END", "β 收敛的期末")
    book.put(cs, 6, 1, "σ 收敛 sigma convergence", font=F_SUB, border=False)
    book.array(cs, 7, 1, T + 1, 6, formula("SIGMACONV", "WAGE", ddof="0", years="YEARS"), fmt=NF_4)
    for c in range(1, 7):
        cs.cell(row=7, column=c).font = F_HEAD
        cs.cell(row=7, column=c).fill = FILL_HEAD
    for r in range(8, 8 + T):
        for c in (2, 3, 4):
            cs.cell(row=r, column=c).number_format = NF_AMOUNT
    chart = LineChart()
    chart.title = "变异系数与对数标准差 CV and sd of ln"
    chart.height, chart.width = 7, 14
    chart.add_data(
        Reference(cs, min_col=5, max_col=6, min_row=7, max_row=7 + T), titles_from_data=True
    )
    chart.set_categories(Reference(cs, min_col=1, min_row=8, max_row=7 + T))
    unsmooth(chart)
    cs.add_chart(chart, "H6")
    bt = 8 + T + 2
    book.put(cs, bt, 1, "β 收敛（截面，绝对）cross-section, absolute", font=F_SUB, border=False)
    fx = formula("BETACONV", "WAGE", first_year=start, last_year=end, fixed_effects="FALSE",
                 years="YEARS", blank='""')  # fmt: skip
    book.array(cs, bt + 1, 1, 10, 2, fx, fmt=NF_4)
    book.put(
        cs, bt, 4, "β 收敛（面板，地区固定效应）panel, fixed effects", font=F_SUB, border=False
    )
    fx = formula("BETACONV", "WAGE", fixed_effects="TRUE", years="YEARS", blank='""')
    book.array(cs, bt + 1, 4, 10, 2, fx, fmt=NF_4)
    for c in (1, 2, 4, 5):
        cs.cell(row=bt + 1, column=c).font = F_HEAD
        cs.cell(row=bt + 1, column=c).fill = FILL_HEAD
        cs.cell(row=bt + 1, column=c).alignment = WRAP
    cs.row_dimensions[bt + 1].height = 60
    for c in (2, 5):
        cs.conditional_formatting.add(
            f"{col(c)}{bt + 2}", CellIsRule(operator="lessThan", formula=["0"], fill=FILL_GOOD)
        )
        cs.conditional_formatting.add(
            f"{col(c)}{bt + 2}", CellIsRule(operator="greaterThan", formula=["0"], fill=FILL_BAD)
        )
    st = bt + 13
    book.put(cs, st - 1, 1, "β 收敛散点 ln(期初) 与年均增长率", font=F_SUB, border=False)
    book.header(cs, st, 1, ["地区", "ln y0", "年均增长率 growth"])
    for i in range(n):
        r = st + 1 + i
        book.formula(cs, r, 1, f"=INDEX('{ds.title}'!$A${r0}:$A${r1},{i + 1})", font=F_HEAD)
        first = f"INDEX(WAGE,{i + 1},{start}-{y0 - 1})"
        lastv = f"INDEX(WAGE,{i + 1},{end}-{y0 - 1})"
        book.formula(cs, r, 2, f"=LN({first})", fmt=NF_4)
        book.formula(cs, r, 3, f"=(LN({lastv})-LN({first}))/({end}-{start})", fmt=NF_PCT2)
    chart = ScatterChart()
    chart.title = "β 收敛散点 beta-convergence scatter"
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "ln 期初平均工资"
    chart.y_axis.title = "年均增长率"
    chart.height, chart.width = 8, 14
    xs = Reference(cs, min_col=2, min_row=st + 1, max_row=st + n)
    pts = Series(Reference(cs, min_col=3, min_row=st, max_row=st + n), xs, title_from_data=True)
    pts.marker.symbol = "circle"
    pts.marker.size = 6
    pts.graphicalProperties.line.noFill = True
    chart.series.append(pts)
    cs.add_chart(chart, f"E{st}")
    book.widths(cs, [34, 13, 13, 34, 13, 10])
    cs.freeze_panes = "A6"

    # --- kernel density -----------------------------------------------------------------
    kd = wb.create_sheet("核密度 density")
    book.title(kd, "平均工资分布的核密度估计（各年）Kernel density of the average wage",
               "高斯核；带宽 silverman = 0.9·min(s, IQR/1.34)·n^(−1/5)（R bw.nrd0、Stata kdensity 默认）。"
               "曲线右移表示整体提高，变矮变宽表示差异扩大，出现多个峰表示极化。")  # fmt: skip
    bw = book.option(kd, 3, 1, "带宽 bandwidth", "silverman", ["silverman", "scott"], "KDE_BW",
                     "silverman 或 scott")  # fmt: skip
    points = 100
    fx = formula("KDENSITY", "WAGEH", bandwidth=bw, points=str(points))
    book.array(kd, 5, 1, points + 1, T + 1, fx, fmt="0.000E+00")
    for c in range(1, T + 2):
        kd.cell(row=5, column=c).font = F_HEAD
        kd.cell(row=5, column=c).fill = FILL_HEAD
        kd.cell(row=5, column=c).number_format = "0"  # the years of the header
    for r in range(6, 6 + points):
        kd.cell(row=r, column=1).number_format = NF_AMOUNT
    chart = ScatterChart()
    chart.title = "核密度 kernel density (2014, 2017, 2020, 2023)"
    chart.style = 13
    chart.scatterStyle = "line"
    chart.x_axis.title = "平均工资（元）"
    chart.y_axis.title = "密度"
    chart.height, chart.width = 9, 18
    xs = Reference(kd, min_col=1, min_row=6, max_row=5 + points)
    for j in (0, 3, 6, 9):
        s = Series(Reference(kd, min_col=2 + j, min_row=5, max_row=5 + points), xs,
                   title_from_data=True)  # fmt: skip
        s.marker.symbol = "none"
        s.smooth = False
        chart.series.append(s)
    kd.add_chart(chart, f"{col(T + 3)}5")
    book.widths(kd, [42] + [11] * T)
    kd.freeze_panes = "B6"

    # --- spatial dependence: contiguity weights, Moran's I, LISA --------------------------
    sw = wb.create_sheet("空间权重 weights")
    book.title(sw, "31 个省区市邻接矩阵（行标准化）Contiguity weights of the 31 provinces",
               f"公式 {_china_weights('HAINAN')}：共享陆地边界为邻居；海南无陆地邻居，按所选约定与广东（及广西）相连。")  # fmt: skip
    hainan = book.option(sw, 3, 1, "海南约定 Hainan", "guangdong",
                         ["guangdong", "guangdong_guangxi", "isolated"], "HAINAN",
                         "guangdong：海南–广东；isolated 会使海南没有邻居")  # fmt: skip
    book.header(sw, 5, 2, PROVINCES)
    book.header(sw, 6, 1, PROVINCES, vertical=True)
    book.array(sw, 6, 2, n, n, _china_weights(hainan), fmt="0.00")
    book.name("CHINA_W", sref(sw.title, 6, 2, 5 + n, 1 + n))
    sw.conditional_formatting.add(
        rng(6, 2, 5 + n, 1 + n, absolute=False),
        CellIsRule(operator="greaterThan", formula=["0"], fill=FILL_GOOD),
    )
    book.widths(sw, [8] + [5] * n)
    sw.freeze_panes = "B6"

    sp = wb.create_sheet("空间相关 Moran")
    book.title(sp, "全局莫兰指数与局部莫兰（LISA）Moran's I and LISA of the average wage",
               "所选年份（差异表的 年份 选项）；邻接矩阵见「空间权重」。象限：HH 高-高，LL 低-低，HL 高-低，LH 低-高；"
               "z-value 为标准化工资，lag 为邻居的加权平均（Moran 散点图的横纵轴）。")  # fmt: skip
    book.put(sp, 3, 1, "年份 year", font=F_HEAD, fill=FILL_HEAD)
    book.formula(sp, 3, 2, f"={year}", font=F_HEAD)
    book.put(sp, 5, 1, "全局 Moran's I（所选年份）", font=F_SUB, border=False)
    book.array(sp, 6, 1, 12, 2, formula("MORANI", wy, "CHINA_W"), fmt=NF_4)
    book.put(sp, 5, 4, "LISA 局部莫兰（所选年份）", font=F_SUB, border=False)
    book.header(sp, 6, 4, ["地区"])
    for i in range(n):
        book.formula(sp, 7 + i, 4, f"=INDEX('{ds.title}'!$A${r0}:$A${r1},{i + 1})", font=F_HEAD)
    book.array(sp, 6, 5, n + 1, 8, formula("LISA", wy, "CHINA_W"), fmt=NF_3)
    for c in (1, 2, *range(5, 13)):
        sp.cell(row=6, column=c).font = F_HEAD
        sp.cell(row=6, column=c).fill = FILL_HEAD
    quad = rng(7, 10, 6 + n, 10, absolute=False)
    for text, fill in (("HH", FILL_BAD), ("LL", FILL_GOOD), ("HL", FILL_MID), ("LH", FILL_MID)):
        sp.conditional_formatting.add(quad, FormulaRule(formula=[f'J7="{text}"'], fill=fill))
    chart = ScatterChart()
    chart.title = "Moran 散点图 Moran scatter (z, Wz)"
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "标准化平均工资 z"
    chart.y_axis.title = "空间滞后 Wz"
    chart.height, chart.width = 9, 12
    xs = Reference(sp, min_col=11, min_row=7, max_row=6 + n)
    pts = Series(Reference(sp, min_col=12, min_row=6, max_row=6 + n), xs, title_from_data=True)
    pts.marker.symbol = "circle"
    pts.marker.size = 6
    pts.graphicalProperties.line.noFill = True
    chart.series.append(pts)
    sp.add_chart(chart, "N5")
    # Moran's I of every year, from small tables below
    mt = 8 + n
    book.put(sp, mt, 1, "各年全局 Moran's I（z 与 p 为随机化假设）", font=F_SUB, border=False)
    book.header(sp, mt + 1, 1, ["年份", "I", "z", "p", "p (permutation)"])
    mtop = mt + 3 + T
    for i, y in enumerate(WAGE_YEARS):
        top = mtop + i * 13
        book.array(sp, top, 1, 12, 2, formula("MORANI", f"WAGE_{y}", "CHINA_W"), fmt=NF_4)
        book.put(sp, top - 1, 1, f"{y}年 Moran's I", font=F_NOTE, border=False)
        r = mt + 2 + i
        book.put(sp, r, 1, y, font=F_HEAD)
        for c, off in ((2, 1), (3, 6), (4, 8), (5, 9)):
            book.formula(sp, r, c, f"=B{top + off}", fmt=NF_4)
    sp.conditional_formatting.add(
        rng(mt + 2, 4, mt + 1 + T, 4, absolute=False),
        CellIsRule(operator="lessThan", formula=["0.05"], fill=FILL_GOOD),
    )
    book.widths(sp, [26, 12, 10, 9, 10, 10, 10, 10, 10, 9, 10, 10])
    sp.freeze_panes = "A5"

    # --- Markov chain of relative wages ---------------------------------------------------
    mk = wb.create_sheet("马尔可夫 Markov")
    book.title(mk, "相对平均工资的马尔可夫转移概率矩阵 Markov transitions of the relative wage",
               "相对工资 = 各省平均工资 / 当年 31 省平均；按全部年份合并的四分位数分为 4 类（C1 最低 … C4 最高），"
               "统计逐年转移。对角线为保持原类型的概率；steady state 为稳态分布，sojourn 为平均停留年数。")  # fmt: skip
    book.header(mk, 4, 1, ["地区", *WAGE_YEARS])
    for i in range(n):
        r = 5 + i
        book.formula(mk, r, 1, f"=INDEX('{ds.title}'!$A${r0}:$A${r1},{i + 1})", font=F_HEAD)
        for j in range(T):
            column = sref(ds.title, r0, 3 + j, r1, 3 + j)
            book.formula(mk, r, 2 + j, f"=INDEX(WAGE,{i + 1},{j + 1})/AVERAGE({column})",
                         fmt=NF_3)  # fmt: skip
    book.name("REL_WAGE", sref(mk.title, 5, 2, 4 + n, 1 + T))
    mtx = 7 + n
    book.put(mk, mtx - 1, 1, "转移概率矩阵（4 类，全部年份合并分位数）", font=F_SUB, border=False)
    fx = formula("MARKOV", "REL_WAGE", classes="4", scope='"pooled"')
    book.array(mk, mtx, 1, 5, 8, fx, fmt=NF_3)
    for c in range(1, 9):
        mk.cell(row=mtx, column=c).font = F_HEAD
        mk.cell(row=mtx, column=c).fill = FILL_HEAD
    mk.conditional_formatting.add(
        rng(mtx + 1, 3, mtx + 4, 6, absolute=False),
        ColorScaleRule(
            start_type="num",
            start_value=0,
            start_color="FFFFFF",
            end_type="num",
            end_value=1,
            end_color="5B9BD5",
        ),  # fmt: skip
    )
    book.put(mk, mtx + 6, 1, "转移次数 counts", font=F_SUB, border=False)
    fx = formula("MARKOV", "REL_WAGE", classes="4", scope='"pooled"', show='"counts"')
    book.array(mk, mtx + 7, 1, 5, 5, fx, fmt=NF_INT)
    for c in range(1, 6):
        mk.cell(row=mtx + 7, column=c).font = F_HEAD
        mk.cell(row=mtx + 7, column=c).fill = FILL_HEAD
    book.widths(mk, [18] + [9] * T)
    mk.freeze_panes = "B5"

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "31 个省区市平均工资（8 个行业就业加权）的地区差异与收敛，2014–2023："
                    "泰尔指数（T 或 L，各省等权或就业加权）按东部/中部/西部/东北分解为组间与组内并给出贡献率；"
                    "Dagum 基尼系数分解为组内 G_w、组间净值 G_nb 和超变密度 G_t，以及组间基尼系数矩阵；"
                    "各年分解的走势图；σ 收敛（标准差、变异系数、对数标准差）；β 收敛（截面绝对收敛与面板固定效应，"
                    "给出 β、标准误、t、p、收敛速度 λ 与半衰期）和散点图；各年核密度曲线；"
                    "省级邻接矩阵上的全局莫兰指数（各年）、LISA 象限与 Moran 散点图；相对工资的马尔可夫转移概率矩阵。"
                ),
                (
                    "Disparity and convergence of the average wage of the 31 provinces (employment-"
                    "weighted over 8 industries), 2014–2023: the Theil index (T or L, provinces equal or "
                    "employment-weighted) split into between and within the four NBS regions (east, "
                    "centre, west, north-east) with contribution rates; Dagum's Gini decomposition into "
                    "within G_w, net between G_nb and transvariation G_t, and the between-group Gini "
                    "matrix; their trend over the years; σ convergence (sd, CV, sd of logs); β "
                    "convergence (cross-section absolute and panel with region fixed effects: β, std. "
                    "error, t, p, speed λ and half-life) with its scatter; kernel densities by year; "
                    "global Moran's I on the provincial contiguity matrix (every year), LISA quadrants "
                    "and the Moran scatter; the Markov transition matrix of the relative wage."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "泰尔 T = Σ s_i ln(y_i/μ)，L = Σ π_i ln(μ/y_i)；分解 T = Σ s_g ln(μ_g/μ) + Σ s_g T_g（Shorrocks 1980）。"
                    "Dagum (1997)：G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| /(2n²μ)，G = G_w + G_nb + G_t（不做小样本修正）。"
                    "σ 收敛的变异系数与对数标准差用总体标准差（除以 n，REAT 同），两种标准差均列出。"
                    "β 收敛：(1/T)·ln(y_T/y_0) = α + β ln y_0 + ε，λ = −ln(1+βT)/T，半衰期 = ln2/λ；"
                    "面板：ln(y_t+1/y_t) = μ_i + β ln y_t + ε，λ = −ln(1+β)。β > 0 表示发散，此时 λ 为负、半衰期无定义（显示“无”）。"
                    "核密度带宽默认 Silverman 规则（R bw.nrd0）。平均工资是名义值，未剔除价格因素。"
                    "Moran's I 用行标准化邻接矩阵（海南约定可选），p 值含正态、随机化与 999 次置换（种子 1，结果可重复）；"
                    "马尔可夫链用相对工资（除以当年均值），4 类按全部年份合并的分位数划分。"
                ),
                (
                    "Theil T = Σ s_i ln(y_i/μ), L = Σ π_i ln(μ/y_i); T = Σ s_g ln(μ_g/μ) + Σ s_g T_g "
                    "(Shorrocks 1980). Dagum (1997): G = ΣΣΣΣ|y_ji − y_hr|/(2n²μ) = G_w + G_nb + G_t, no "
                    "small-sample correction. σ convergence: CV and sd of logs use the population sd "
                    "(divide by n, as REAT); both sds are listed. β convergence: (1/T)·ln(y_T/y_0) = α + "
                    "β ln y_0 + ε, λ = −ln(1 + βT)/T, half-life = ln 2/λ; panel: ln(y_t+1/y_t) = μ_i + β "
                    "ln y_t + ε, λ = −ln(1 + β). β > 0 means divergence: λ is negative and the half-life "
                    "undefined (shown as 'none'). Kernel bandwidth: Silverman's rule (R bw.nrd0). Wages are "
                    "nominal, not deflated. Moran's I uses the row-standardised contiguity matrix "
                    "(Hainan convention selectable), p-values under normality, randomisation and 999 "
                    "permutations (seed 1, reproducible). The Markov chain uses the relative wage "
                    "(divided by the year's mean) in 4 classes from quantiles pooled over the years."
                ),
            ),
            (
                "数据 / Data",
                (
                    "国家统计局，城镇非私营单位分行业平均工资与就业人员，整理自开源教材 mathmodels-book；"
                    "平均工资 = Σ(行业平均工资 × 就业人员)/Σ 就业人员（8 个行业）。四大区域按国家统计局《东西中部和东北"
                    "地区划分方法》（agglo 数据集 four_regions）。"
                ),
                (
                    "NBS, average wage and employment of urban non-private units by industry, as compiled "
                    "in the open book mathmodels-book; average wage = Σ(wage × employment)/Σ "
                    "employment over the 8 industries. Regions: the NBS east/centre/west/north-east "
                    "grouping (agglo dataset four_regions)."
                ),
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    "在「数据」表中粘贴新的人均值（如人均 GDP）与人口（或就业），保持省份顺序和年份列不变；名称 WAGE、"
                    "EMPL、WAGE_年份、EMPL_年份、REGION、YEARS 指向这些区域。换分组时改写区域列（任意组名均可，"
                    "组数变化时按「数组公式」一节调整结果区域大小）。增加年份：扩大名称范围并加一列。"
                ),
                (
                    "Paste new per-capita values (e.g. GDP per capita) and population (or employment) on "
                    "the data sheet, keeping the province order and the year columns; the names WAGE, "
                    "EMPL, WAGE_<year>, EMPL_<year>, REGION and YEARS point at them. To regroup, rewrite "
                    "the region column (any labels; if the number of groups changes, resize the result "
                    "ranges as described under 'Array formulas'). To add a year, widen the names and add "
                    "a column."
                ),
            ),
        ],
        sources=("disparity",),
    )
    book.save(path, active="差异 disparity")
