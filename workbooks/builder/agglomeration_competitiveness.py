"""Template 03: 集聚与竞争力 (agglomeration and competitiveness).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

from agglo_addin.declare import formula
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import CellIsRule

from .book import Book, above_one
from .data import PROVINCES, emp_data_sheet
from .refs import col, ref, rng, sref
from .sources import source_line
from .styles import (
    F_HEAD,
    F_SUB,
    FILL_GOOD,
    FILL_HEAD,
    FILL_INPUT,
    NF_3,
    NF_4,
    NF_PCT,
)

NUMBER = 3
FILE = "03_agglomeration_competitiveness.xlsx"
TITLE = "集聚与竞争力 Agglomeration and competitiveness"

T3_YEAR = 2023


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    n = len(PROVINCES)
    industries, st_emp = emp_data_sheet(book, [T3_YEAR], "就业人数", "EMP", "就业 employment")
    _, st_wage = emp_data_sheet(book, [T3_YEAR], "平均工资", "WAGE", "工资 wages")
    k = len(industries)

    lqs = wb.create_sheet("区位熵矩阵 LQ")
    book.title(lqs, f"{T3_YEAR}年 就业区位熵 LQ（31 省 × 8 行业）= LQRATIO(EMP_{T3_YEAR})",
               "e_r = 该省 8 个行业就业合计，E_k = 31 省该行业合计（本数据不含全国行）。LQ > 1 绿色。")  # fmt: skip
    book.header(lqs, 3, 1, ["地区", *industries])
    for i in range(n):
        book.put(lqs, 4 + i, 1, PROVINCES[i], font=F_HEAD)
    book.array(lqs, 4, 2, n, k, formula("LQRATIO", f"EMP_{T3_YEAR}"), fmt=NF_3)
    lq_all = book.name("LQ_MATRIX", sref(lqs.title, 4, 2, 3 + n, 1 + k))
    above_one(lqs, rng(4, 2, 3 + n, 1 + k, absolute=False))
    book.widths(lqs, [10] + [9] * k)
    lqs.freeze_panes = "B4"

    ws = wb.create_sheet("集聚与竞争力 analysis")
    book.title(ws, "集聚（区位熵）与竞争力：相关与回归 Agglomeration (LQ) and competitiveness",
               "流程同有色金属产业集聚与竞争力一文：区位熵衡量集聚，竞争力指标（平均工资；有利润率时可改用利润率）"
               "对区位熵回归。" + source_line("nonferrous"))  # fmt: skip
    ind = book.option(ws, 3, 1, "行业 industry", "信息业", "EMP_INDUSTRIES", "SEL_INDUSTRY")
    comp = book.option(ws, 4, 1, "竞争力指标 indicator", "平均工资", ["平均工资", "利润率"], "SEL_INDICATOR",
                       "利润率需在 D 列自行填写 / profit margin: fill column D yourself")  # fmt: skip
    meth = book.option(
        ws, 5, 1, "相关方法 method", "pearson", ["pearson", "spearman"], "CORR_METHOD"
    )
    top = 8
    book.header(ws, top, 1, ["地区", "区位熵 LQ (x)", "平均工资（万元）", "利润率（可选）",
                             "竞争力 y", "拟合值 ŷ"])  # fmt: skip
    r0, r1 = top + 1, top + n
    wage = sref("工资 wages", st_wage[T3_YEAR], 3, st_wage[T3_YEAR] + n - 1, 2 + k)
    book.name("WAGE_MATRIX", wage)
    for i in range(n):
        r = r0 + i
        book.put(ws, r, 1, PROVINCES[i], font=F_HEAD)
        book.formula(ws, r, 2, f"=INDEX({lq_all},{i + 1},MATCH({ind},EMP_INDUSTRIES,0))", fmt=NF_3)
        book.formula(ws, r, 3, f"=INDEX(WAGE_MATRIX,{i + 1},MATCH({ind},EMP_INDUSTRIES,0))/10000",
                     fmt="0.00")  # fmt: skip
        book.put(ws, r, 4, None, fill=FILL_INPUT, fmt=NF_PCT)
        book.formula(ws, r, 5, f'=IF({comp}="利润率",D{r},C{r})', fmt="0.000")
    x = book.name("X_LQ", sref(ws.title, r0, 2, r1, 2))
    y = book.name("Y_COMPETITIVENESS", sref(ws.title, r0, 5, r1, 5))
    book.number_input(
        ws,
        f"D{r0}:D{r1}",
        -1,
        1,
        "利润率 = 利润总额/营业收入（小数），可用 " + formula("PROFITMARGIN", "利润", "收入"),
    )
    book.note(ws, r1 + 1, 1, "利润率列留空时请选用平均工资。有利润总额和营业收入时可输入 =PROFITMARGIN(利润, 收入)。"
              " / Leave the indicator on 平均工资 unless column D holds profit margins.")  # fmt: skip
    # correlation and OLS
    rc = 8
    book.put(
        ws, top - 1, rc, "相关系数 correlation =CORRTEST(x, y, method)", font=F_SUB, border=False
    )
    book.array(ws, top, rc, 2, 4, formula("CORRTEST", x, y, method=meth), fmt=NF_4)
    book.put(ws, top + 3, rc, "OLS 回归 y = b0 + b1·LQ =OLS(y, x)", font=F_SUB, border=False)
    ot = top + 4
    book.array(ws, ot, rc, 9, 5, formula("OLS", y, x), fmt=NF_4)
    for c in range(rc, rc + 5):
        for rr in (top, ot):
            ws.cell(row=rr, column=c).font = F_HEAD
            ws.cell(row=rr, column=c).fill = FILL_HEAD
    b0, b1 = ref(ot + 1, rc + 1), ref(ot + 2, rc + 1)
    for i in range(n):
        r = r0 + i
        book.formula(ws, r, 6, f"={b0}+{b1}*B{r}", fmt="0.000")
    ws.conditional_formatting.add(
        f"B{r0}:B{r1}", CellIsRule(operator="greaterThan", formula=["1"], fill=FILL_GOOD)
    )
    # scatter with fitted line
    chart = ScatterChart()
    chart.title = "区位熵与竞争力 LQ vs competitiveness"
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "区位熵 LQ"
    chart.y_axis.title = "竞争力 y"
    chart.height, chart.width = 9, 16
    xs = Reference(ws, min_col=2, min_row=r0, max_row=r1)
    pts = Series(Reference(ws, min_col=5, min_row=top, max_row=r1), xs, title_from_data=True)
    pts.marker.symbol = "circle"
    pts.marker.size = 7
    pts.marker.graphicalProperties = GraphicalProperties(solidFill="4472C4")
    pts.marker.graphicalProperties.line.solidFill = "4472C4"
    pts.graphicalProperties.line.noFill = True
    fit = Series(Reference(ws, min_col=6, min_row=top, max_row=r1), xs, title_from_data=True)
    fit.marker.symbol = "none"
    fit.graphicalProperties.line.solidFill = "C00000"
    fit.graphicalProperties.line.width = 22000
    chart.series.extend([pts, fit])
    ws.add_chart(chart, f"{col(rc)}{ot + 11}")
    book.widths(ws, [20, 13, 15, 13, 11, 11, 3, 34, 12, 12, 12, 12])
    ws.freeze_panes = ws.cell(row=r0, column=2)

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    f"按有色金属产业集聚与竞争力一文的流程：以 {T3_YEAR} 年 31 个省区市 8 个行业的就业区位熵衡量产业集聚，以平均工资"
                    "（数据中已有）或利润率（自行填写）衡量竞争力，对所选行业计算相关系数及其 p 值、OLS 回归表"
                    "（系数、标准误、t、p、R²），并画散点图和拟合直线。"
                ),
                (
                    f"The workflow of the non-ferrous metals study: the employment location quotients of 8 industries in the 31 "
                    f"provinces ({T3_YEAR}) measure agglomeration; the average wage (in the data) or the "
                    "profit margin (enter it yourself) measures competitiveness. For the chosen industry: "
                    "the correlation with its p-value, the OLS table (coefficients, standard errors, t, p, "
                    "R²), and a scatter chart with the fitted line."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "LQ = (e_rk/e_r)/(E_k/E)，e_r 为该省 8 个行业就业合计（数据不含全国行，E_k 为 31 省合计）。"
                    "相关：Pearson（或 Spearman）r 与双侧 p 值；OLS：y = b0 + b1·LQ（statsmodels），表头写明约定。"
                    "有色金属产业集聚与竞争力一文 用产值利润率衡量竞争力、用企业数与产值区位熵衡量集聚；这里的就业与工资数据只是可得的替代，"
                    "结论须谨慎解读。31 个省份是截面，不是随机样本。"
                ),
                (
                    "LQ = (e_rk/e_r)/(E_k/E), e_r = the province's employment in these 8 industries (no "
                    "national row in the data; E_k = sum of the 31 provinces). Correlation: Pearson (or "
                    "Spearman) r with the two-sided p-value; OLS y = b0 + b1·LQ (statsmodels), the header "
                    "names the convention. The non-ferrous metals study uses the profit margin on output as competitiveness "
                    "and LQs of enterprise counts and output as agglomeration; employment and wages are the "
                    "available stand-ins here — read the result with care."
                ),
            ),
            (
                "数据 / Data",
                "国家统计局，城镇非私营单位分行业就业人员与平均工资，整理自开源教材 mathmodels-book。",
                (
                    "NBS, employment and average wage of urban non-private units by industry, as compiled "
                    "in mathmodels-book."
                ),
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    f"把新一年的就业表和工资表粘贴到黄色区域（EMP_{T3_YEAR}、WAGE_MATRIX，31×8，省份与行业顺序不变）；"
                    "有利润率时填入 D 列并把竞争力指标改为「利润率」。"
                ),
                (
                    f"Paste next year's employment and wage tables over the yellow blocks (EMP_{T3_YEAR} and "
                    "WAGE_MATRIX, 31×8, same province and industry order); when you have profit margins, "
                    "fill column D and switch the indicator to 利润率."
                ),
            ),
        ],
        sources=("nonferrous",),
    )
    book.save(path, active="集聚与竞争力 analysis")
