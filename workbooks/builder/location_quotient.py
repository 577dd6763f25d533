"""Template 01: 区位熵与产业专业化 (location quotients and specialisation).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.worksheet.pagebreak import Break

from .book import Book, above_one, unsmooth
from .data import PROVINCES, gdp_year
from .refs import rng, sref
from .styles import (
    CENTER,
    F_GOOD,
    F_HEAD,
    F_NOTE,
    F_SUB,
    FILL_GOOD,
    FILL_HEAD,
    NF_3,
    NF_AMOUNT,
    NF_PCT2,
)

NUMBER = 1
FILE = "01_location_quotient.xlsx"
TITLE = "区位熵与产业专业化 Location quotients and specialisation"

GDP_YEARS = list(range(2015, 2025))
SECTORS = ["第一产业", "第二产业", "第三产业"]


def _lq_formula(year: int, form: str) -> str:
    """The LQ matrix of one year: the VA table against the GDP column and the 全国* row."""
    return formula(
        "LQRATIO",
        f"VA_{year}",
        region_totals=f"GDP_{year}",
        industry_totals=f"VA_NAT_{year}",
        grand_total=f"GDP_NAT_{year}",
        form=form,
    )


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    n = len(PROVINCES)

    # --- data sheet: one yearbook table per year, stacked ---------------------------
    ws = wb.create_sheet("数据")
    book.title(ws, "各地区生产总值（按三次产业分）2015–2024")
    book.banner(ws, 2, 1, 5, font=F_NOTE, fill=None, lines=3, text=
                "Gross regional product by sector. 来源 Source: 国家统计局，分省年度数据，现价 "
                "(NBS provincial annual data, current prices). Yellow cells = data.")  # fmt: skip
    block_rows = n + 6
    first_data_row = {}
    for i, year in enumerate(GDP_YEARS):
        top = 4 + i * block_rows
        if i:  # print: one yearly table a page
            ws.row_breaks.append(Break(id=top - 1))
        d = gdp_year(year)
        book.put(ws, top, 1, f"{year}年 各地区生产总值（按三次产业分）", font=F_SUB, border=False)
        book.put(ws, top + 1, 1, "单位：亿元", font=F_NOTE, border=False)
        book.header(ws, top + 2, 1, ["地区", "地区生产总值", *SECTORS])
        r0 = top + 3
        first_data_row[year] = r0
        book.block(ws, r0, 1, np.array(PROVINCES).reshape(-1, 1), fill=None)
        book.block(ws, r0, 2, d.to_numpy(), fmt=NF_AMOUNT)
        rn = r0 + n - 1
        total_row = rn + 1
        book.put(ws, total_row, 1, "全国*", font=F_HEAD)
        for j in range(4):
            c = 2 + j
            book.formula(ws, total_row, c, f"=SUM({rng(r0, c, rn, c, False)})",
                         fmt=NF_AMOUNT, font=F_HEAD)  # fmt: skip
        book.banner(ws, total_row + 1, 1, 5, lines=4, font=F_NOTE, fill=None, text=
                  "* 全国 = 31个省区市合计（公式）。国家统计局公布的全国数与分省加总不一致；"
                  "如有公布的全国数，可直接覆盖这一行。 / 全国 here = sum of the 31 provinces "
                  "(formula); the published national figure differs — overwrite this row with it "
                  "if you have it.")  # fmt: skip
        book.name(f"GDP_{year}", sref(ws.title, r0, 2, rn, 2))
        book.name(f"VA_{year}", sref(ws.title, r0, 3, rn, 5))
        book.name(f"GDP_NAT_{year}", sref(ws.title, total_row, 2))
        book.name(f"VA_NAT_{year}", sref(ws.title, total_row, 3, total_row, 5))
    r0 = first_data_row[GDP_YEARS[0]]
    book.name("PROVINCES", sref(ws.title, r0, 1, r0 + n - 1, 1))
    book.widths(ws, [12, 14, 12, 12, 12])
    ws.freeze_panes = "B4"

    # --- LQ sheet -------------------------------------------------------------------
    lq = wb.create_sheet("区位熵 LQ")
    book.title(lq, "区位熵 LQ = (e_rk/e_r)/(E_k/E)")
    # the explanations wrap within the first printed page (two years wide)
    book.banner(lq, 2, 1, 7, font=F_NOTE, fill=None, lines=2, text=
                "e_rk 省 r 产业 k 增加值, e_r 省 GDP, E_k 全国产业 k 增加值, E 全国 GDP "
                "(数据表中的全国*行)。LQ > 1 (绿色) = 该产业在该省的比重高于全国。2015–2024。")  # fmt: skip
    form = book.option(lq, 4, 1, "LQ 形式 form", "ratio",
                       ["ratio", "binary", "additive", "symmetric", "zscore", "log_zscore"],
                       "LQ_FORM")  # fmt: skip
    book.banner(lq, 4, 3, 7, font=F_NOTE, fill=None, lines=2, text=
                "ratio = (e_rk/e_r)/(E_k/E) 经典区位熵; symmetric = (LQ−1)/(LQ+1); "
                "binary = LQ ≥ 1 → 1")  # fmt: skip
    head_row, first = 6, 8
    book.header(lq, head_row + 1, 1, ["地区"])
    book.put(lq, head_row, 1, "年份 year", font=F_HEAD, fill=FILL_HEAD)
    for i in range(n):
        book.formula(lq, first + i, 1, f"=INDEX(PROVINCES,{i + 1})", font=F_HEAD)
    for y, year in enumerate(GDP_YEARS):
        c0 = 2 + 3 * y
        lq.merge_cells(start_row=head_row, start_column=c0, end_row=head_row, end_column=c0 + 2)
        book.put(lq, head_row, c0, year, font=F_HEAD, fill=FILL_HEAD, align=CENTER)
        book.header(lq, head_row + 1, c0, SECTORS)
        book.array(lq, first, c0, n, 3, _lq_formula(year, form), fmt=NF_3)
    last_col = 1 + 3 * len(GDP_YEARS)
    lq_range = rng(first, 2, first + n - 1, last_col, absolute=False)
    lq.conditional_formatting.add(
        lq_range,
        FormulaRule(
            formula=[f'AND({form}="ratio",B{first}>1)'],
            fill=FILL_GOOD,
            font=F_GOOD,
        ),  # fmt: skip
    )
    book.name("LQ_ALL", sref(lq.title, first, 2, first + n - 1, last_col))
    book.widths(lq, [10] + [8.5] * (last_col - 1))
    lq.freeze_panes = lq.cell(row=first, column=2)
    # print: two years a page (portrait), the province column and year headers repeated
    lq.page_setup.orientation = "portrait"
    lq.print_title_rows = f"{head_row}:{head_row + 1}"
    lq.print_title_cols = "A:A"
    for y in range(2, len(GDP_YEARS), 2):  # two years a page
        lq.col_breaks.append(Break(id=1 + 3 * y))

    # --- specialisation and growth ----------------------------------------------------
    sp = wb.create_sheet("专业化与增长")
    book.title(sp, "克鲁格曼专业化指数与年均增长率 Krugman specialisation and CAGR",
               "K_r = Σ_k |e_rk/e_r − E_k/E| (Krugman 1991); CAGR = (末年/首年)^(1/年数) − 1 (水平法)")  # fmt: skip
    halved = book.option(sp, 4, 1, "K 取半 halved", "FALSE", ["FALSE", "TRUE"], "KRUGMAN_HALVED",
                         "FALSE: Σ|s−x| ∈ [0,2]; TRUE: ½Σ|s−x| ∈ [0,1] (dissimilarity index)")  # fmt: skip
    y0 = book.option(sp, 5, 1, "CAGR 首年 first year", GDP_YEARS[0], GDP_YEARS, "CAGR_FROM")
    y1 = book.option(sp, 6, 1, "CAGR 末年 last year", GDP_YEARS[-1], GDP_YEARS, "CAGR_TO")
    head, first = 8, 9
    book.put(sp, head - 1 + 0, 2, "克鲁格曼专业化指数 K (各省, 各年)", font=F_SUB, border=False)
    book.header(sp, head, 1, ["地区", *GDP_YEARS])
    for i in range(n):
        book.formula(sp, first + i, 1, f"=INDEX(PROVINCES,{i + 1})", font=F_HEAD)
    for y, year in enumerate(GDP_YEARS):
        fx = formula("KRUGMAN", f"VA_{year}", industry_totals=f"VA_NAT_{year}", halved=halved)
        book.array(sp, first, 2 + y, n, 1, fx, fmt=NF_3)
    book.name("KRUGMAN_ALL", sref(sp.title, first, 2, first + n - 1, 1 + len(GDP_YEARS)))
    sp.conditional_formatting.add(
        rng(first, 2, first + n - 1, 1 + len(GDP_YEARS), absolute=False),
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="F4B183"),
    )
    # CAGR block: chosen years through CHOOSE on the year offset
    c0 = 3 + len(GDP_YEARS)
    book.put(sp, head - 1, c0, "年均增长率 CAGR（所选首年→末年）", font=F_SUB, border=False)
    book.header(sp, head, c0, ["地区", "地区生产总值", *SECTORS])
    book.put(sp, 6, c0, "年数 periods", font=F_HEAD, fill=FILL_HEAD)
    periods = book.name("CAGR_PERIODS", sref(sp.title, 6, c0 + 1))
    book.formula(sp, 6, c0 + 1, f"={y1}-{y0}", font=F_HEAD)

    def pick(kind: str, which: str) -> str:
        names = ",".join(f"{kind}_{y}" for y in GDP_YEARS)
        return f"CHOOSE({which}-{GDP_YEARS[0] - 1},{names})"

    def cagr(kind: str) -> str:
        return formula("CAGR", pick(kind, y0), pick(kind, y1), periods)

    for i in range(n):
        book.formula(sp, first + i, c0, f"=INDEX(PROVINCES,{i + 1})", font=F_HEAD)
    book.array(sp, first, c0 + 1, n, 1, cagr("GDP"), fmt=NF_PCT2)
    book.array(sp, first, c0 + 2, n, 3, cagr("VA"), fmt=NF_PCT2)
    book.name("CAGR_ALL", sref(sp.title, first, c0 + 1, first + n - 1, c0 + 4))
    nat = first + n
    book.put(sp, nat, c0, "全国*", font=F_HEAD)
    book.formula(sp, nat, c0 + 1, cagr("GDP_NAT"), fmt=NF_PCT2, font=F_HEAD)
    book.array(sp, nat, c0 + 2, 1, 3, cagr("VA_NAT"), fmt=NF_PCT2, font=F_HEAD)
    book.widths(sp, [17] + [8] * len(GDP_YEARS) + [3, 10, 12, 10, 10, 10])
    sp.freeze_panes = sp.cell(row=first, column=2)

    # --- trend chart for a chosen province -------------------------------------------
    tr = wb.create_sheet("LQ趋势 trend")
    book.title(tr, "所选省份的区位熵走势 LQ trend of the chosen province")
    sel = book.option(tr, 3, 1, "省份 province", "贵州", "PROVINCES", "SEL_PROVINCE",
                      "从下拉列表选择省份，图表随之更新 / pick a province; the chart follows")  # fmt: skip
    book.header(tr, 5, 1, ["年份", *SECTORS, "专业化 K"])
    pos = f"MATCH({sel},PROVINCES,0)"
    for y, year in enumerate(GDP_YEARS):
        r = 6 + y
        book.put(tr, r, 1, year, font=F_HEAD)
        for k in range(3):
            book.formula(tr, r, 2 + k, f"=INDEX(LQ_ALL,{pos},{3 * y + k + 1})", fmt=NF_3)
        book.formula(tr, r, 5, f"=INDEX(KRUGMAN_ALL,{pos},{y + 1})", fmt=NF_3)
    above_one(tr, f"B6:D{5 + len(GDP_YEARS)}")
    cg = 7 + len(GDP_YEARS)
    book.header(tr, cg, 1, ["年均增长率", "地区生产总值", *SECTORS])
    book.formula(tr, cg + 1, 1, '=CAGR_FROM&"–"&CAGR_TO', font=F_HEAD)
    for k in range(4):
        book.formula(tr, cg + 2 - 1, 2 + k, f"=INDEX(CAGR_ALL,{pos},{k + 1})", fmt=NF_PCT2)
    chart = LineChart()
    chart.title = "区位熵走势 LQ trend"
    chart.y_axis.title = "LQ"
    chart.x_axis.title = "年份"
    chart.height, chart.width = 8, 16
    data = Reference(tr, min_col=2, max_col=4, min_row=5, max_row=5 + len(GDP_YEARS))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(tr, min_col=1, min_row=6, max_row=5 + len(GDP_YEARS)))
    unsmooth(chart)
    tr.add_chart(chart, "G3")
    book.note(tr, cg + 3, 1, "LQ = 1 为全国平均水平；K 与 CAGR 见「专业化与增长」表 / LQ = 1 is the "
              "national average; K and CAGR come from the specialisation sheet.")  # fmt: skip
    book.widths(tr, [14, 13, 10, 10, 10, 3])

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "31个省区市 2015–2024 年三次产业增加值的区位熵（区位商）矩阵（每年一个数组公式）、"
                    "克鲁格曼专业化指数、所选年份间的年均增长率，以及所选省份的区位熵走势图。"
                ),
                (
                    "Location-quotient matrices of the value added of the three sectors for the 31 "
                    "provinces, 2015–2024 (one array formula per year); the Krugman specialisation index "
                    "of each province; the compound annual growth rate between two chosen years; and the "
                    "LQ trend of a chosen province (chart)."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "LQ_rk = (e_rk/e_r)/(E_k/E)：e_r 取地区生产总值列，E_k、E 取数据表中的「全国*」行（默认为31省合计；"
                    "可覆盖为公布的全国数）。形式（ratio/symmetric/binary…）在「区位熵 LQ」表的选项中选择。"
                    "K_r = Σ_k|e_rk/e_r − E_k/E|（Krugman 1991，取值 0–2；选 TRUE 取半，0–1）。"
                    "CAGR = (X_末/X_首)^(1/年数) − 1（水平法）。参考：有色金属产业集聚与竞争力一文（区位熵）；Krugman (1991) Geography and Trade。"
                ),
                (
                    "LQ_rk = (e_rk/e_r)/(E_k/E): e_r is the GDP column, E_k and E come from the 全国* row "
                    "of the data sheet (by default the sum of the 31 provinces; overwrite it with the "
                    "published national figures if you have them). The form (ratio, symmetric, binary ...) "
                    "is an option on the LQ sheet. K_r = Σ_k |e_rk/e_r − E_k/E| (Krugman 1991, range 0–2; "
                    "TRUE halves it to 0–1). CAGR = (X_last/X_first)^(1/years) − 1. Sources: the non-ferrous "
                    "metals study (LQ, see Sources); Krugman (1991), Geography and Trade."
                ),
            ),
            (
                "数据来源 / Data",
                (
                    "国家统计局分省年度数据（现价，亿元），整理自开源教材 mathmodels-book。"
                    "各省GDP与三次产业之和可能因四舍五入相差 0.1。"
                ),
                (
                    "National Bureau of Statistics of China, provincial annual data (current prices, 100 "
                    "million yuan), as compiled in the open book mathmodels-book. "
                    "GDP and the sum of the three sectors may differ by 0.1 (rounding)."
                ),
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    "每年一张表，名称 VA_年份（31×3 三次产业）、GDP_年份（31×1）、VA_NAT_年份、GDP_NAT_年份（全国行）。"
                    "粘贴新数据时保持省份顺序与行数不变，所有结果自动更新。增加 2025 年：复制一张年度表，"
                    "在「公式 > 名称管理器」中新建对应的四个名称，并在 LQ 表右侧照样输入数组公式 "
                    f"{_lq_formula(2025, 'LQ_FORM')}。"
                ),
                (
                    "One table per year, with the names VA_<year> (31×3 sectors), GDP_<year> (31×1), "
                    "VA_NAT_<year> and GDP_NAT_<year> (national row). Paste new figures over the yellow "
                    "cells keeping the province order and the number of rows: every result follows. To "
                    "add 2025: copy a yearly table, create the four names in Formulas > Name Manager, and "
                    f"enter the array formula {_lq_formula(2025, 'LQ_FORM')} to the right of the LQ "
                    "sheet."
                ),
            ),
        ],
        sources=("nonferrous",),
    )
    book.save(path, active="区位熵 LQ")
