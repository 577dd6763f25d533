"""Template 06: AHP 判断矩阵 (AHP judgement matrices).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import agglo
import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font

from .book import Book
from .refs import col, ref, rng, sref
from .styles import (
    CENTER,
    F_HEAD,
    F_SUB,
    F_WARN,
    FILL_BAD,
    FILL_GOOD,
    FILL_HEAD,
    FILL_INPUT,
    FILL_WARN,
    FONT,
    NF_3,
    NF_4,
)

NUMBER = 6
FILE = "06_ahp.xlsx"
TITLE = "AHP 判断矩阵 AHP judgement matrices"

AHP_CRITERIA = ["经济规模", "科技创新", "交通枢纽", "公共服务", "生态环境"]
#: Illustrative judgements (upper triangle, Saaty 1–9 scale), not from any survey.
AHP_UPPER = {(0, 1): 2, (0, 2): 3, (0, 3): 5, (0, 4): 4, (1, 2): 2, (1, 3): 3, (1, 4): 3,
             (2, 3): 2, (2, 4): 1, (3, 4): 1 / 3}  # fmt: skip
AHP_EXPERTS = [
    AHP_UPPER,
    {**AHP_UPPER, (0, 1): 3, (1, 3): 4, (2, 4): 2},
    {**AHP_UPPER, (0, 1): 1, (0, 2): 2, (3, 4): 1, (1, 4): 5},
]
AHP_METHODS = ["eigen", "sum", "geometric"]
NF_FRACTION = "# ?/?"


def _judgement_block(book: Book, ws, top: int, left: int, upper: dict, criteria_name: str,
                     n: int) -> tuple[int, int]:  # fmt: skip
    """Criteria labels, upper-triangle inputs, 1 on the diagonal, reciprocals by formula.

    Returns (first row, first column) of the n × n matrix."""
    r0, c0 = top + 1, left + 1
    for j in range(n):
        book.formula(ws, top, c0 + j, f"=INDEX({criteria_name},{j + 1})", font=F_HEAD)
        ws.cell(row=top, column=c0 + j).fill = FILL_HEAD
        book.formula(ws, r0 + j, left, f"=INDEX({criteria_name},{j + 1})", font=F_HEAD)
        ws.cell(row=r0 + j, column=left).fill = FILL_HEAD
    for i in range(n):
        for j in range(n):
            r, c = r0 + i, c0 + j
            if i == j:
                book.put(ws, r, c, 1, fmt=NF_FRACTION, align=CENTER)
            elif j > i:
                book.put(ws, r, c, float(upper[(i, j)]), fill=FILL_INPUT, fmt=NF_FRACTION,
                         align=CENTER)  # fmt: skip
            else:
                book.formula(ws, r, c, f"=1/{ref(r0 + j, c0 + i, False)}", fmt=NF_FRACTION)
                ws.cell(row=r, column=c).alignment = CENTER
    upper_cells = " ".join(ref(r0 + i, c0 + j, False) for i in range(n) for j in range(n) if j > i)
    book.number_input(ws, upper_cells, 1 / 9, 9,
                      "Saaty 1–9 标度：1 同等重要 … 9 极端重要；倒数如 1/3 输入 =1/3 / "
                      "Saaty scale 1–9; enter reciprocals as =1/3")  # fmt: skip
    return r0, c0


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    n = len(AHP_CRITERIA)
    ws = wb.create_sheet("判断矩阵 AHP")
    book.title(ws, "层次分析法 AHP：判断矩阵 → 权重、λmax、CI、RI、CR",
               "示例判断为虚构的演示数据（illustrative judgements, not from a survey）— 请换成你的专家判断。")  # fmt: skip
    book.banner(ws, 2, 1, 7, "示例判断为虚构的演示数据（ILLUSTRATIVE judgements, not from a "
                "survey）— 请换成你的专家判断 / replace them with your experts' judgements.")  # fmt: skip
    method = book.option(ws, 4, 1, "权重方法 method", "eigen", AHP_METHODS, "AHP_METHOD",
                         "eigen 特征根法 (Saaty); sum 和积法 (SPSSAU 默认); geometric 方根法")  # fmt: skip
    ri = book.option(ws, 5, 1, "RI 表 RI table", "saaty1980", list(agglo.RI_TABLES), "AHP_RI",
                     "各文献的平均随机一致性指标 RI 不同，见下方对照表 / RI tables differ, see below")  # fmt: skip
    # criteria names (inputs)
    book.put(ws, 7, 1, "准则 criteria →", font=F_HEAD, fill=FILL_HEAD)
    book.block(ws, 7, 2, np.array(AHP_CRITERIA).reshape(1, -1))
    crit = book.name("CRITERIA", sref(ws.title, 7, 2, 7, 1 + n))
    book.put(ws, 9, 1, "判断矩阵 A（只填上三角，黄色；下三角自动取倒数）/ judgement matrix: fill the "
             "upper triangle (yellow); the lower triangle is 1/a_ij", font=F_SUB, border=False)  # fmt: skip
    r0, c0 = _judgement_block(book, ws, 10, 1, AHP_UPPER, crit, n)
    mat = book.name("AHP_MATRIX", sref(ws.title, r0, c0, r0 + n - 1, c0 + n - 1))
    # results
    rc = c0 + n + 1  # column of the AHP table
    ahp = formula("AHP", mat, method=method, ri=ri)
    book.put(ws, 9, rc, f"结果 result: {ahp}", font=F_SUB, border=False)
    book.array(ws, 10, rc, n + 6, 2, ahp, fmt=NF_4)
    cr_cell = ref(10 + n + 4, rc + 1)
    ws.conditional_formatting.add(
        ref(10 + n + 4, rc + 1, False),
        CellIsRule(operator="lessThan", formula=["0.1"], fill=FILL_GOOD),
    )
    ws.conditional_formatting.add(ref(10 + n + 4, rc + 1, False),
                                  CellIsRule(operator="greaterThanOrEqual", formula=["0.1"],
                                             fill=FILL_BAD))  # fmt: skip
    wc = rc + 3  # weights column
    book.header(ws, 10, wc - 1, ["准则", "权重 w", "排序"])
    for i in range(n):
        book.formula(ws, r0 + i, wc - 1, f"=INDEX({crit},{i + 1})", font=F_HEAD)
    book.array(ws, r0, wc, n, 1, formula("AHPWEIGHTS", mat, method=method, ri=ri), fmt=NF_4)
    wrng = rng(r0, wc, r0 + n - 1, wc)
    for i in range(n):
        book.formula(ws, r0 + i, wc + 1, f'=1+COUNTIF({wrng},">"&{ref(r0 + i, wc, False)})')
    book.name("AHP_W", sref(ws.title, r0, wc, r0 + n - 1, wc))
    vr = r0 + n + 1
    book.put(ws, vr, wc - 1, "一致性 verdict", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, vr, wc, f'=IF({cr_cell}<0.1,"CR<0.1 通过 consistent","CR≥0.1 请修改判断 revise")',
                 font=F_HEAD)  # fmt: skip
    # chart of the weights
    chart = BarChart()
    chart.type = "bar"
    chart.title = "权重 weights"
    chart.legend = None
    chart.height, chart.width = 7, 12
    chart.add_data(Reference(ws, min_col=wc, min_row=10, max_row=r0 + n - 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=wc - 1, min_row=r0, max_row=r0 + n - 1))
    ws.add_chart(chart, f"{col(wc + 3)}9")

    # most inconsistent judgement: ε_ij = a_ij·w_j/w_i, deviation |ln ε_ij|
    dtop = r0 + n + 4
    book.put(ws, dtop - 1, 1, "一致性偏差 |ln(a_ij·w_j/w_i)|（上三角）— 最大者即最不一致的判断（矩阵中标红）/ "
             "deviation of each judgement from the weights; the largest is highlighted in red",
             font=F_SUB, border=False)  # fmt: skip
    for j in range(n):
        book.formula(ws, dtop, c0 + j, f"=INDEX({crit},{j + 1})", font=F_HEAD)
        ws.cell(row=dtop, column=c0 + j).fill = FILL_HEAD
        book.formula(ws, dtop + 1 + j, 1, f"=INDEX({crit},{j + 1})", font=F_HEAD)
        ws.cell(row=dtop + 1 + j, column=1).fill = FILL_HEAD
    w = [ref(r0 + i, wc) for i in range(n)]
    for i in range(n):
        for j in range(n):
            r, c = dtop + 1 + i, c0 + j
            if j > i:
                a = ref(r0 + i, c0 + j, False)
                book.formula(ws, r, c, f"=ABS(LN({a}*{w[j]}/{w[i]}))", fmt=NF_4)
            else:
                book.put(ws, r, c, None)
    d1, d2 = dtop + 1, dtop + n
    dev = rng(d1, c0, d2, c0 + n - 1)
    # row / column maxima to locate the largest deviation
    book.put(ws, dtop, c0 + n, "行最大 row max", font=F_HEAD, fill=FILL_HEAD)
    for i in range(n):
        book.formula(ws, d1 + i, c0 + n, f"=MAX({rng(d1 + i, c0, d1 + i, c0 + n - 1)})", fmt=NF_4)
    book.put(ws, d2 + 1, 1, "列最大 col max", font=F_HEAD, fill=FILL_HEAD)
    for j in range(n):
        book.formula(ws, d2 + 1, c0 + j, f"=MAX({rng(d1, c0 + j, d2, c0 + j)})", fmt=NF_4)
    sr = d2 + 3
    book.put(ws, sr, 1, "最大偏差 max deviation", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, sr, 2, f"=MAX({dev})", fmt=NF_4)
    mx = ref(sr, 2)
    book.put(ws, sr + 1, 1, "最不一致的判断 most inconsistent", font=F_HEAD, fill=FILL_HEAD)
    rowmax = rng(d1, c0 + n, d2, c0 + n)
    colmax = rng(d2 + 1, c0, d2 + 1, c0 + n - 1)
    book.formula(ws, sr + 1, 2, f"=MATCH({mx},{rowmax},0)")
    book.formula(ws, sr + 1, 3, f"=MATCH({mx},{colmax},0)")
    ii, jj = ref(sr + 1, 2), ref(sr + 1, 3)
    book.formula(ws, sr + 1, 4,
                 f'=IF({mx}<0.000001,"完全一致 fully consistent",INDEX({crit},{ii})&" : "&INDEX({crit},{jj}))',
                 font=F_HEAD)  # fmt: skip
    book.put(ws, sr + 2, 1, "当前判断 a_ij / 与权重一致的值 w_i/w_j", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, sr + 2, 2, f"=INDEX({mat},{ii},{jj})", fmt=NF_3)
    book.formula(ws, sr + 2, 3, "=INDEX(AHP_W," + ii + ")/INDEX(AHP_W," + jj + ")", fmt=NF_3)
    book.note(ws, sr + 3, 1, "ε_ij = a_ij·w_j/w_i 在完全一致时等于 1；|ln ε_ij| 最大的判断最偏离其余判断"
              "（Saaty 2003），优先复核。/ ε_ij = 1 for a perfectly consistent matrix; review the "
              "judgement with the largest |ln ε_ij| first (Saaty 2003).")  # fmt: skip
    upper = rng(r0, c0, r0 + n - 1, c0 + n - 1, absolute=False)
    first_dev = ref(d1, c0, False)
    ws.conditional_formatting.add(
        upper, FormulaRule(formula=[f"AND(ISNUMBER({first_dev}),{first_dev}={mx},{mx}>0.000001)"],
                           fill=FILL_BAD, font=Font(name=FONT, bold=True, color="9C0006")),
    )  # fmt: skip
    # RI tables for reference
    rt = sr + 6
    book.put(ws, rt - 1, 1, "平均随机一致性指标 RI 对照表 / RI tables (n = 3 … 10)", font=F_SUB,
             border=False)  # fmt: skip
    names = list(agglo.RI_TABLES)
    book.header(ws, rt, 1, ["n", *names])
    for k, nn in enumerate(range(3, 11)):
        book.put(ws, rt + 1 + k, 1, nn, font=F_HEAD)
        for t, name in enumerate(names):
            book.put(ws, rt + 1 + k, 2 + t, agglo.random_index(nn, name), fmt="0.0000")
    book.note(ws, rt + 10, 1, "saaty1980: Saaty (1980) 经典表; chinese: 国内教材常用表; saaty2005: "
              "Saaty (2005); tummala_ling: Tummala & Ling (1998); donegan_dodd: Donegan & Dodd "
              "(1991)。所选表与 n 决定 RI。")  # fmt: skip
    book.widths(ws, [26, 10, 10, 10, 10, 10, 10, 34, 12, 12, 10, 8])
    ws.freeze_panes = "A9"

    # --- several experts -------------------------------------------------------------
    gs = wb.create_sheet("多专家 group")
    book.title(gs, "多位专家的判断矩阵合成（AIJ：加权几何平均）/ Combining several experts (AIJ)",
               "合成矩阵 ā_ij = Π_k a_ij^(k)·e_k（e_k 专家权重，归一化）；再对合成矩阵做 AHP。"
               "另列各专家权重的加权平均（AIP）作对照。")  # fmt: skip
    book.put(gs, 3, 1, "示例判断为虚构的演示数据（ILLUSTRATIVE judgements of three fictitious experts）",
             font=F_WARN, fill=FILL_WARN, border=False)  # fmt: skip
    book.put(gs, 5, 1, "专家权重 expert weights e_k", font=F_HEAD, fill=FILL_HEAD)
    k_exp = len(AHP_EXPERTS)
    for k in range(k_exp):
        book.put(gs, 5, 2 + k, 1.0, fill=FILL_INPUT, fmt="0.00")
    ew = book.name("EXPERT_W", sref(gs.title, 5, 2, 5, 1 + k_exp))
    starts = []
    block_h = n + 8  # the AHP table (n + 6 rows) sits beside each matrix
    for k, upper_k in enumerate(AHP_EXPERTS):
        top = 7 + k * block_h
        book.put(gs, top, 1, f"专家 {k + 1} expert {k + 1}", font=F_SUB, border=False)
        r, c = _judgement_block(book, gs, top + 1, 1, upper_k, crit, n)
        starts.append((r, c))
        m = book.name(f"EXPERT{k + 1}", sref(gs.title, r, c, r + n - 1, c + n - 1))
        book.array(
            gs, top + 1, c + n + 1, n + 6, 2, formula("AHP", m, method=method, ri=ri), fmt=NF_4
        )
    # combined matrix
    top = 7 + k_exp * block_h
    book.put(gs, top, 1, "合成判断矩阵 combined matrix (AIJ)", font=F_SUB, border=False)
    cr0, cc0 = top + 2, 2
    for j in range(n):
        book.formula(gs, top + 1, cc0 + j, f"=INDEX({crit},{j + 1})", font=F_HEAD)
        gs.cell(row=top + 1, column=cc0 + j).fill = FILL_HEAD
        book.formula(gs, cr0 + j, 1, f"=INDEX({crit},{j + 1})", font=F_HEAD)
        gs.cell(row=cr0 + j, column=1).fill = FILL_HEAD
    wsum = f"SUM({ew})"
    for i in range(n):
        for j in range(n):
            terms = "+".join(
                f"INDEX({ew},{k + 1})*LN({ref(starts[k][0] + i, starts[k][1] + j, False)})"
                for k in range(k_exp)
            )
            book.formula(gs, cr0 + i, cc0 + j, f"=EXP(({terms})/{wsum})", fmt=NF_3)
    comb = book.name("AHP_COMBINED", sref(gs.title, cr0, cc0, cr0 + n - 1, cc0 + n - 1))
    book.array(
        gs, top + 1, cc0 + n + 1, n + 6, 2, formula("AHP", comb, method=method, ri=ri), fmt=NF_4
    )
    # AIP for comparison
    ar = cr0 + n + 7
    book.put(gs, ar - 1, 1, "对照：各专家权重的加权平均（AIP）/ for comparison: weighted mean of "
             "the experts' weights (AIP)", font=F_SUB, border=False)  # fmt: skip
    book.header(gs, ar, 1, ["准则", *[f"专家{k + 1}" for k in range(k_exp)], "AIP", "AIJ"])
    for i in range(n):
        book.formula(gs, ar + 1 + i, 1, f"=INDEX({crit},{i + 1})", font=F_HEAD)
        for k in range(k_exp):
            top_k = 7 + k * block_h + 1
            book.formula(gs, ar + 1 + i, 2 + k,
                         f"={ref(top_k + 1 + i, starts[k][1] + n + 2, False)}", fmt=NF_4)  # fmt: skip
        cells = rng(ar + 1 + i, 2, ar + 1 + i, 1 + k_exp, False)
        book.formula(gs, ar + 1 + i, 2 + k_exp, f"=SUMPRODUCT({ew},{cells})/{wsum}", fmt=NF_4)
        book.formula(
            gs, ar + 1 + i, 3 + k_exp, f"={ref(top + 2 + i, cc0 + n + 2, False)}", fmt=NF_4
        )
    chart = BarChart()
    chart.title = "各专家与合成权重 weights by expert and combined"
    chart.height, chart.width = 8, 16
    chart.add_data(Reference(gs, min_col=2, max_col=3 + k_exp, min_row=ar, max_row=ar + n),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(gs, min_col=1, min_row=ar + 1, max_row=ar + n))
    gs.add_chart(chart, f"A{ar + n + 3}")
    book.widths(gs, [24, 10, 10, 10, 10, 10, 3, 30, 12])

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "输入判断矩阵的上三角（Saaty 1–9 标度），下三角自动取倒数；得到权重、最大特征根 λmax、"
                    "一致性指标 CI、随机一致性指标 RI 和一致性比例 CR，并标出最不一致的判断。"
                    "第二张表把多位专家的判断矩阵按加权几何平均（AIJ）合成后再计算。"
                ),
                (
                    "Enter the upper triangle of a judgement matrix (Saaty's 1–9 scale); the lower "
                    "triangle holds the reciprocals. You get the weights, λmax, CI, RI and CR, and the "
                    "most inconsistent judgement is highlighted. The second sheet combines several "
                    "experts' matrices by the weighted geometric mean (AIJ) and evaluates the result."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "权重方法（下拉）：eigen 特征根法 Aw = λmax·w（Saaty 1980）；sum 和积法（列归一化后行平均，SPSSAU 默认）；"
                    "geometric 方根法（行几何平均后归一化）。CI = (λmax − n)/(n − 1)，CR = CI/RI，CR < 0.1 视为通过。"
                    "RI 表（下拉）：saaty1980、chinese、saaty2005、tummala_ling、donegan_dodd，数值各不相同（见对照表），"
                    "结果表头写明所用方法与 RI 表。最不一致判断：ε_ij = a_ij·w_j/w_i，|ln ε_ij| 最大者（Saaty 2003）。"
                    "多专家：Aczél & Saaty (1983) 的加权几何平均（AIJ）。"
                ),
                (
                    "Weight method (drop-down): eigen = principal eigenvector (Saaty 1980); sum = "
                    "column-normalise then average rows (SPSSAU's default); geometric = normalised row "
                    "geometric means. CI = (λmax − n)/(n − 1), CR = CI/RI, accepted when CR < 0.1. The RI "
                    "table (drop-down) differs between sources (see the table on the sheet); the result's "
                    "header names the method and RI table used. Most inconsistent judgement: the largest "
                    "|ln(a_ij·w_j/w_i)| (Saaty 2003). Group: weighted geometric mean of the judgements "
                    "(AIJ, Aczél & Saaty 1983)."
                ),
            ),
            (
                "如何换成自己的判断 / How to replace the judgements with your own",
                (
                    "改写黄色的准则名称和上三角判断即可；倒数如 1/3 输入 =1/3。准则个数不是 5 时：在「公式 > 名称管理器」"
                    "中修改 CRITERIA 与 AHP_MATRIX 的范围，调整下三角倒数公式，再按数组公式重新输入结果区域。"
                    "示例判断是虚构的，仅用于演示。"
                ),
                (
                    "Overwrite the yellow criteria names and upper-triangle judgements; enter reciprocals as "
                    "=1/3. For a number of criteria other than 5, resize CRITERIA and AHP_MATRIX in "
                    "Formulas > Name Manager, extend the reciprocal formulas and re-enter the array "
                    "formulas. The example judgements are fictitious, for illustration only."
                ),
            ),
        ],
        sources=(),
    )
    book.save(path, active="判断矩阵 AHP")
