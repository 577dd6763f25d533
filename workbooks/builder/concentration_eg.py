"""Template 02: 产业集中度与EG指数 (industrial concentration and the EG index).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Border, PatternFill, Side

from .book import Book, above_one, unsmooth
from .data import EMP_YEARS, MACRO_REGIONS, PROVINCES, emp_data_sheet
from .refs import col, ref, rng, sref
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
    NF_INT,
    NF_PCT,
    THIN,
    WRAP,
)

NUMBER = 2
FILE = "02_concentration_eg.xlsx"
TITLE = "产业集中度与EG指数 Industrial concentration and the EG index"

#: Placeholder number of enterprises per industry for the 1/N approximation of H.
FIRMS_PLACEHOLDER = 1000


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    industries, starts = emp_data_sheet(book, EMP_YEARS)
    k = len(industries)
    n = len(PROVINCES)
    data_title = "数据"

    # --- concentration measures ---------------------------------------------------
    ws = wb.create_sheet("集中度 concentration")
    book.title(ws, "各行业的空间集中度（31个省区市，各年）Concentration of each industry across provinces",
               "s_r = 省 r 占全国该行业就业的份额；x_r = 省 r 占 8 个行业合计就业的份额。")  # fmt: skip
    crn = book.option(ws, 3, 1, "CR_n 的 n", 4, [3, 4, 5, 8], "CR_N", "最大的 n 个省份的份额之和")
    halved = book.option(ws, 4, 1, "区位基尼取半 halved", "FALSE", ["FALSE", "TRUE"], "LOCGINI_HALVED",
                         "TRUE: 与 EconGeo 相同取半 / halve as EconGeo does")  # fmt: skip
    tables = [
        ("HHI 赫芬达尔指数 H = Σ s_r²", lambda e: formula("HHI", e), NF_4),
        ("HHI 标准化 (H − 1/n)/(1 − 1/n)", lambda e: formula("HHI", e, normalized="TRUE"), NF_4),
        ("CR_n 集中度（最大 n 省份额之和）", lambda e: formula("CRN", e, n=crn), NF_PCT),
        ("空间基尼系数 G = Σ (s_r − x_r)²", lambda e: formula("SPATIALGINI", e), NF_4),
        (
            "区位基尼系数 locational Gini (Krugman 1991)",
            lambda e: formula("LOCGINI", e, halved=halved, blank='""'),
            NF_4,
        ),
    ]
    row = 6
    firsts = []
    for title, make, fmt in tables:
        book.put(ws, row, 1, title, font=F_SUB, border=False)
        book.header(ws, row + 1, 1, ["年份", *industries])
        for i, year in enumerate(EMP_YEARS):
            r = row + 2 + i
            book.put(ws, r, 1, year, font=F_HEAD)
            book.array(ws, r, 2, 1, k, make(f"EMP_{year}"), fmt=fmt)
        firsts.append(row + 1)
        ws.conditional_formatting.add(
            rng(row + 2, 2, row + 1 + len(EMP_YEARS), 1 + k, absolute=False),
            ColorScaleRule(
                start_type="min", start_color="FFFFFF", end_type="max", end_color="9BC2E6"
            ),
        )
        row += len(EMP_YEARS) + 4
    chart = LineChart()
    chart.title = "标准化 HHI 走势 normalised HHI"
    chart.height, chart.width = 8, 18
    h0 = firsts[1]
    chart.add_data(Reference(ws, min_col=2, max_col=1 + k, min_row=h0, max_row=h0 + len(EMP_YEARS)),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=1, min_row=h0 + 1, max_row=h0 + len(EMP_YEARS)))
    unsmooth(chart)
    ws.add_chart(chart, f"{col(k + 3)}6")
    book.widths(ws, [30] + [10] * k)
    ws.freeze_panes = "B6"

    # --- EG detail --------------------------------------------------------------------
    dt_ = wb.create_sheet("EG明细 detail")
    book.title(dt_, "EG 指数与 MS 指数明细（每年一张表，表头写明 H 的近似方法）",
               "公式 =EGINDEX(EMPL_年份, FIRMS) 与 =MSINDEX(EMPL_年份, FIRMS)（EMPL = 含行业名称的表头）：γ、G、H（及 EG 的 z 统计量）")  # fmt: skip
    eg_tops = {}
    for i, year in enumerate(EMP_YEARS):
        top = 4 + i * (k + 4)
        book.put(dt_, top, 1, f"{year}年 EG (Ellison–Glaeser 1997)", font=F_SUB, border=False)
        book.put(dt_, top, 7, f"{year}年 MS (Maurel–Sédillot 1999)", font=F_SUB, border=False)
        fx = formula("EGINDEX", f"EMPL_{year}", firm_counts="FIRMS")
        book.array(dt_, top + 1, 1, k + 1, 5, fx, fmt=NF_4)
        fx = formula("MSINDEX", f"EMPL_{year}", firm_counts="FIRMS")
        book.array(dt_, top + 1, 7, k + 1, 4, fx, fmt=NF_4)
        for c in (*range(1, 6), *range(7, 11)):
            dt_.cell(row=top + 1, column=c).font = F_HEAD
            dt_.cell(row=top + 1, column=c).fill = FILL_HEAD
        eg_tops[year] = top + 1
    book.widths(dt_, [16, 10, 10, 10, 10, 3, 16, 10, 10, 10])
    dt_.freeze_panes = "A4"

    # --- EG summary -------------------------------------------------------------------
    eg = wb.create_sheet("EG指数 EG index")
    book.title(eg, "EG 指数 γ 与 MS 指数（各行业、各年）Ellison–Glaeser and Maurel–Sédillot γ",
               "γ_EG = [G/(1 − Σx²) − H]/(1 − H)；γ_MS = (G_MS − H)/(1 − H)。γ < 0.02 低度集聚，"
               "0.02–0.05 中度，> 0.05 高度（EG 1997）。")  # fmt: skip
    book.put(eg, 3, 1, "企业数 N（示例值）", font=F_HEAD, fill=FILL_HEAD)
    book.header(eg, 4, 1, ["行业 industry", *industries])
    book.put(eg, 5, 1, "N_k 企业（法人单位）数", font=F_HEAD, fill=FILL_HEAD)
    book.block(eg, 5, 2, np.full((1, k), float(FIRMS_PLACEHOLDER)), fmt=NF_INT)
    book.name("FIRMS", sref(eg.title, 5, 2, 5, 1 + k))
    book.banner(eg, 6, 1, 1 + k, f"示例值 ILLUSTRATIVE: N = {FIRMS_PLACEHOLDER} 只是占位数，不是统计数据。"
             "本数据没有企业层面的规模，H 用 1/N 近似（各行业 N 家等规模企业）；请填入经济普查等来源的"
             "各行业企业数，或在 EG明细 中改用 H 或分地区企业数。/ N is a placeholder, not a statistic: "
             "H ≈ 1/N (N equal-size firms). Enter real enterprise counts.", lines=3)  # fmt: skip
    row = 9
    heads = []
    for title, colidx in (("γ_EG (Ellison–Glaeser)", 2), ("γ_MS (Maurel–Sédillot)", 8)):
        book.put(eg, row, 1, title, font=F_SUB, border=False)
        book.header(eg, row + 1, 1, ["年份", *industries])
        heads.append(row + 1)
        for i, year in enumerate(EMP_YEARS):
            r = row + 2 + i
            book.put(eg, r, 1, year, font=F_HEAD)
            for j in range(k):
                src = f"'{dt_.title}'!{ref(eg_tops[year] + 1 + j, colidx)}"
                book.formula(eg, r, 2 + j, f"={src}", fmt=NF_4)
        cells = rng(row + 2, 2, row + 1 + len(EMP_YEARS), 1 + k, absolute=False)
        eg.conditional_formatting.add(
            cells, CellIsRule(operator="greaterThan", formula=["0.05"], fill=FILL_GOOD)
        )
        eg.conditional_formatting.add(
            cells, CellIsRule(operator="between", formula=["0.02", "0.05"], fill=FILL_MID)
        )
        eg.conditional_formatting.add(
            cells, CellIsRule(operator="lessThan", formula=["0"], fill=FILL_BAD)
        )
        row += len(EMP_YEARS) + 4
    book.put(eg, row, 1, "H 的近似方法 (EG 表头)", font=F_HEAD, fill=FILL_HEAD)
    book.formula(eg, row, 2, f"='{dt_.title}'!A{eg_tops[EMP_YEARS[-1]]}", font=F_NOTE)
    eg.cell(row=row, column=2).alignment = WRAP
    eg.merge_cells(start_row=row, start_column=2, end_row=row, end_column=1 + k)
    eg.row_dimensions[row].height = 45
    chart = LineChart()
    chart.title = "EG 指数 γ 走势 trend"
    chart.height, chart.width = 9, 18
    h0 = heads[0]
    chart.add_data(Reference(eg, min_col=2, max_col=1 + k, min_row=h0, max_row=h0 + len(EMP_YEARS)),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(eg, min_col=1, min_row=h0 + 1, max_row=h0 + len(EMP_YEARS)))
    unsmooth(chart)
    eg.add_chart(chart, f"{col(k + 3)}9")
    book.widths(eg, [24] + [10] * k)
    eg.freeze_panes = "B5"

    # --- macro regions ------------------------------------------------------------------
    mr = wb.create_sheet("四大区域 regions")
    book.title(mr, "四大区域（东部/中部/西部/东北）分行业就业、份额与区位熵",
               "就业 = SUMIF 按区域加总；份额 = 区域占全国该行业就业的比重 (=SHAREOF)；区位熵 = LQRATIO(区域×行业)。")  # fmt: skip
    c_share = 3 + k + 1
    c_lq = c_share + k + 1
    book.put(mr, 3, 3, "就业人数 employment", font=F_SUB, border=False)
    book.put(mr, 3, c_share, "份额 share", font=F_SUB, border=False)
    book.put(mr, 3, c_lq, "区位熵 LQ", font=F_SUB, border=False)
    book.header(mr, 4, 1, ["年份", "区域", *industries, "", *industries, "", *industries])
    for c in (2 + k + 1, c_share + k):
        mr.cell(row=4, column=c).fill = PatternFill()
        mr.cell(row=4, column=c).border = Border()
    nr = len(MACRO_REGIONS)
    for i, year in enumerate(EMP_YEARS):
        r0 = 5 + i * nr
        s0 = starts[year]
        reg = sref(data_title, s0, 2, s0 + n - 1, 2)
        for q, region in enumerate(MACRO_REGIONS):
            r = r0 + q
            book.put(mr, r, 1, year, font=F_HEAD)
            book.put(mr, r, 2, region, font=F_HEAD)
            for j in range(k):
                colrange = sref(data_title, s0, 3 + j, s0 + n - 1, 3 + j)
                book.formula(mr, r, 3 + j, f"=SUMIF({reg},$B{r},{colrange})", fmt=NF_INT)
        block = rng(r0, 3, r0 + nr - 1, 2 + k)
        book.array(mr, r0, c_share, nr, k, formula("SHAREOF", block), fmt=NF_PCT)
        book.array(mr, r0, c_lq, nr, k, formula("LQRATIO", block), fmt=NF_3)
        for c in range(1, c_lq + k):
            mr.cell(row=r0 + nr - 1, column=c).border = Border(
                left=THIN, right=THIN, top=THIN, bottom=Side(style="medium", color="7F7F7F")
            )
    last = 4 + nr * len(EMP_YEARS)
    above_one(mr, rng(5, c_lq, last, c_lq + k - 1, absolute=False))
    # chart: LQ of the macro regions in the latest year
    chart = BarChart()
    chart.title = f"{EMP_YEARS[-1]}年 四大区域分行业区位熵 LQ by macro region"
    chart.height, chart.width = 9, 20
    r0 = 5 + (len(EMP_YEARS) - 1) * nr
    for q in range(nr):
        s = Series(Reference(mr, min_col=c_lq, max_col=c_lq + k - 1, min_row=r0 + q, max_row=r0 + q),
                   title=MACRO_REGIONS[q])  # fmt: skip
        chart.series.append(s)
    chart.set_categories(Reference(mr, min_col=c_lq, max_col=c_lq + k - 1, min_row=4, max_row=4))
    mr.add_chart(chart, f"A{last + 3}")
    book.widths(mr, [7, 7] + [10] * k + [2] + [8] * k + [2] + [7] * k)
    mr.freeze_panes = "C5"

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "8 个行业在 31 个省区市间的就业集中度，2014–2023 每年一行：赫芬达尔指数 HHI（原始与标准化）、"
                    "CR_n、空间基尼系数、区位基尼系数，EG 指数与 MS 指数（写明 H 的近似方法），走势图；"
                    "以及东部/中部/西部/东北四大区域的就业、份额与区位熵。"
                ),
                (
                    "Concentration of the employment of 8 industries across the 31 provinces, one row per "
                    "year 2014–2023: HHI (raw and normalised), CR_n, the spatial Gini, the locational Gini, "
                    "and the Ellison–Glaeser and Maurel–Sédillot indices with the approximation of H "
                    "named, with trend charts; and the employment, shares and location quotients of the "
                    "four macro regions (east, centre, west, north-east)."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "s_r = e_rk/E_k（省份占该行业全国就业份额），x_r = e_r/E（省份占 8 行业合计就业份额）。"
                    "HHI = Σ s_r²；标准化 (H − 1/n)/(1 − 1/n)；CR_n = 最大 n 个 s_r 之和；空间基尼 G = Σ(s_r − x_r)²；"
                    "区位基尼按 Krugman (1991) 洛伦兹曲线计算（可选取半，与 EconGeo 一致）。"
                    "EG (Ellison & Glaeser 1997)：γ = [G/(1 − Σx²) − H]/(1 − H)；MS (Maurel & Sédillot 1999)："
                    "γ = (G_MS − H)/(1 − H)。H 是企业层面的赫芬达尔指数；年鉴没有企业规模，这里用 H ≈ 1/N 近似，"
                    "N 为示例值，结果只演示方法（EG 表头写明近似方法）。注意：x_r 只用这 8 个行业计算。参考：有色金属产业集聚与竞争力一文。"
                ),
                (
                    "s_r = e_rk/E_k (the province's share of the industry), x_r = e_r/E (its share of the "
                    "8 industries' employment). HHI = Σ s_r²; normalised (H − 1/n)/(1 − 1/n); CR_n = sum of "
                    "the n largest s_r; spatial Gini G = Σ (s_r − x_r)²; locational Gini from the Lorenz "
                    "curve (Krugman 1991; halved optionally, as EconGeo). EG (Ellison & Glaeser 1997): γ = "
                    "[G/(1 − Σx²) − H]/(1 − H); MS (Maurel & Sédillot 1999): γ = (G_MS − H)/(1 − H). H is "
                    "the plant Herfindahl; yearbooks give no plant sizes, so H ≈ 1/N with a PLACEHOLDER N — "
                    "the γ values only illustrate the method until real enterprise counts are entered "
                    "(the EG header names the approximation). x_r uses these 8 industries only. Source: "
                    "the non-ferrous metals study."
                ),
            ),
            (
                "数据 / Data",
                "国家统计局，城镇非私营单位分行业就业人员（人），整理自开源教材 mathmodels-book。",
                (
                    "NBS, employment in urban non-private units by industry (persons), as compiled in "
                    "mathmodels-book."
                ),
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    "每年一张表，名称 EMP_年份 指向 31×8 的就业数（不含地区、区域列）。粘贴新数据时保持省份顺序、"
                    "行业顺序不变。增加一年：复制一张年度表，新建名称 EMP_2024，并在各结果表末尾照样输入一行数组公式。"
                    "在 EG指数 表中把示例的企业数 N 换成真实数据。"
                ),
                (
                    "One table per year; the name EMP_<year> points at the 31×8 employment block (without "
                    "the province and region columns). Keep the province and industry order when pasting "
                    "new figures. To add a year: copy a yearly table, create the name EMP_2024 and add one "
                    "array-formula row to each result table. Replace the placeholder enterprise counts N "
                    "on the EG sheet with real ones."
                ),
            ),
        ],
        sources=("nonferrous",),
    )
    book.save(path, active="集中度 concentration")
