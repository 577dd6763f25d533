"""Template 05: 中心城市综合评价 (comparing central cities; Luo's Guiyang study).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import agglo
import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import BarChart, RadarChart, Reference, Series
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule

from .book import Book, directions_dv
from .refs import col, sref
from .sources import source_line
from .styles import (
    CENTER,
    F_HEAD,
    F_SUB,
    FILL_GOOD,
    FILL_HEAD,
    FILL_OPTION,
    NF_4,
    NF_AMOUNT,
    NF_PCT,
)

NUMBER = 5
FILE = "05_central_cities.xlsx"
TITLE = "中心城市综合评价 Comparing central cities"


def build(path: Path) -> None:
    book = Book(TITLE)
    wb = book.wb
    scale = agglo.load_dataset("central_cities_scale").set_index("城市")
    innov = agglo.load_dataset("central_cities_innovation").set_index("城市")
    m = len(scale)
    ds = wb.create_sheet("数据 data")
    book.title(ds, "中心城市比较 表1、表2：重庆、长沙、昆明、南宁、贵阳（2018年统计年鉴）",
               source_line("central_cities") + " 表1 城市经济规模比较、表2 科技创新能力比较，数值照录原文。"
               "Yellow cells = data.")  # fmt: skip
    book.put(ds, 4, 1, "表1 城市经济规模比较", font=F_SUB, border=False)
    book.header(ds, 5, 1, ["城市", *scale.columns.tolist()])
    book.block(ds, 6, 1, np.array(scale.index).reshape(-1, 1), fill=None)
    for j, c in enumerate(scale.columns):
        vals = scale[c].to_numpy(dtype=object)
        vals = np.array([v if isinstance(v, str) and not v.replace(".", "").isdigit()
                         else float(v) for v in vals], dtype=object)  # fmt: skip
        book.block(ds, 6, 2 + j, vals, fmt="#,##0.0#")
    gdp_col = 2 + scale.columns.tolist().index("GDP_亿元")
    gdp = book.name("CITY_GDP", sref(ds.title, 6, gdp_col, 5 + m, gdp_col))
    book.name("CITIES", sref(ds.title, 6, 1, 5 + m, 1))
    t2 = 8 + m
    book.put(ds, t2 - 1, 1, "表2 科技创新能力比较", font=F_SUB, border=False)
    ind_cols = [c for c in innov.columns if c != "城市发展潜力"]
    book.put(ds, t2, 1, "方向 direction", font=F_HEAD, fill=FILL_HEAD)
    for j in range(len(ind_cols)):
        book.put(ds, t2, 2 + j, "+", fill=FILL_OPTION, font=F_HEAD, align=CENTER)
    directions_dv(book, ds, f"B{t2}:{col(1 + len(ind_cols))}{t2}")
    dirs = book.name("INNOV_DIR", sref(ds.title, t2, 2, t2, 1 + len(ind_cols)))
    book.header(ds, t2 + 1, 1, ["城市", *ind_cols, "城市发展潜力"])
    book.block(ds, t2 + 2, 1, np.array(innov.index).reshape(-1, 1), fill=None)
    book.block(ds, t2 + 2, 2, innov[ind_cols].to_numpy(dtype=float), fmt="#,##0.0##")
    book.block(
        ds, t2 + 2, 2 + len(ind_cols), innov[["城市发展潜力"]].to_numpy(dtype=float), fmt="0.0"
    )
    k = len(ind_cols)
    table = book.name("INNOV_TABLE", sref(ds.title, t2 + 1, 2, t2 + 1 + m, 1 + k))
    book.name("POTENTIAL", sref(ds.title, t2 + 2, 2 + k, t2 + 1 + m, 2 + k))
    book.note(ds, t2 + 2 + m, 1, "重庆在表1为「重庆主城区」，全国省会城市排位为「直辖市」（文字）。城市发展潜力为论文给出的"
              "数值，不参与下方的评价。/ 城市发展潜力 is the paper's own figure and is not used as an indicator.")  # fmt: skip
    book.widths(ds, [14] + [13] * 9)
    ds.freeze_panes = "B6"

    ws = wb.create_sheet("综合评价 evaluation")
    book.title(ws, "熵值法权重 → TOPSIS 贴近度与排名、综合指数；GDP 份额与首位度",
               "罗丹阳（贵阳中心城市研究） 只做描述性比较；这里的权重、TOPSIS 与综合指数是 Agglo 对论文表2数据的计算结果，"
               "不是论文公布的结论。/ Luo's Guiyang study compares the cities descriptively; the scores here are "
               "computed from its tables, not published results.")  # fmt: skip
    norm = book.option(ws, 4, 1, "熵值法标准化 normalize", "minmax", ["minmax", "none"], "ENT_NORM")
    tnorm = book.option(ws, 5, 1, "TOPSIS 标准化", "vector", ["vector", "minmax"], "TOPSIS_NORM",
                        "vector 向量归一化（经典 TOPSIS）; minmax 极差")  # fmt: skip
    et = 8
    book.put(ws, et - 1, 1, "熵值法权重 entropy weights =ENTROPY(INNOV_TABLE, INNOV_DIR, ENT_NORM)",
             font=F_SUB, border=False)  # fmt: skip
    fx = formula("ENTROPY", table, directions=dirs, normalize=norm)
    book.array(ws, et, 1, k + 1, 4, fx, fmt=NF_4)
    for c in range(1, 5):
        ws.cell(row=et, column=c).font = F_HEAD
        ws.cell(row=et, column=c).fill = FILL_HEAD
    w = book.name("INNOV_WEIGHTS", sref(ws.title, et + 1, 4, et + k, 4))
    rt = et + k + 3
    book.put(ws, rt - 1, 1, "评价结果 results", font=F_SUB, border=False)
    book.header(ws, rt, 1, ["城市", "TOPSIS 贴近度 C", "TOPSIS 排名", "综合指数 (0–100)",
                            "城市发展潜力（论文）", "GDP（亿元）", "GDP 份额（5城）"])  # fmt: skip
    r0, r1 = rt + 1, rt + m
    for i in range(m):
        book.formula(ws, r0 + i, 1, f"=INDEX(CITIES,{i + 1})", font=F_HEAD)
        book.formula(ws, r0 + i, 5, f"=INDEX(POTENTIAL,{i + 1})", fmt="0.0")
        book.formula(ws, r0 + i, 6, f"=INDEX({gdp},{i + 1})", fmt=NF_AMOUNT)
    fx = formula("TOPSIS", table, weights=w, directions=dirs, normalize=tnorm)
    book.array(ws, r0, 2, m, 1, fx, fmt=NF_4)
    fx = formula("TOPSISRANK", table, weights=w, directions=dirs, normalize=tnorm)
    book.array(ws, r0, 3, m, 1, fx, fmt="0")
    fx = formula("COMPOSITE", table, weights=w, directions=dirs, normalize='"minmax"',
                 multiplier="100")  # fmt: skip
    book.array(ws, r0, 4, m, 1, fx, fmt="0.00")
    book.array(ws, r0, 7, m, 1, formula("SHAREOF", gdp), fmt=NF_PCT)
    ws.conditional_formatting.add(f"C{r0}:C{r1}", CellIsRule(operator="equal", formula=["1"],
                                                             fill=FILL_GOOD))  # fmt: skip
    ws.conditional_formatting.add(
        f"B{r0}:B{r1}", ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max",
                                       end_color="63BE7B"))  # fmt: skip
    pr = r1 + 2
    book.put(ws, pr, 1, "GDP 首位度 primacy S1/S2", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, pr, 2, formula("PRIMACY", gdp, k="2"), fmt="0.000")
    book.put(ws, pr + 1, 1, "四城指数 S1/(S2+S3+S4)", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, pr + 1, 2, formula("PRIMACY", gdp, k="4"), fmt="0.000")
    book.note(
        ws, pr + 2, 1, "首位度在这 5 个城市之间计算（并非各省内部的城市首位度）；重庆为主城区 GDP。"
    )
    # normalised matrix for the radar chart
    nt = pr + 5
    book.put(ws, nt - 1, 1, "标准化指标（极差，按方向）normalised indicators =NORMALIZE(INNOV_TABLE, INNOV_DIR)",
             font=F_SUB, border=False)  # fmt: skip
    book.header(ws, nt, 1, ["城市", *ind_cols])
    for i in range(m):
        book.formula(ws, nt + 1 + i, 1, f"=INDEX(CITIES,{i + 1})", font=F_HEAD)
    fx = formula("NORMALIZE", table, directions=dirs, method='"minmax"')
    book.array(ws, nt + 1, 2, m, k, fx, fmt="0.00")
    # charts
    bar = BarChart()
    bar.title = "综合指数（Agglo 计算，非论文结果）"
    bar.height, bar.width = 8, 14
    bar.add_data(Reference(ws, min_col=4, min_row=rt, max_row=r1), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=1, min_row=r0, max_row=r1))
    ws.add_chart(bar, f"K{et}")
    radar = RadarChart()
    radar.type = "marker"
    radar.title = "科技创新指标雷达图（标准化）"
    radar.height, radar.width = 10, 14
    for i in range(m):
        s = Series(Reference(ws, min_col=2, max_col=1 + k, min_row=nt + 1 + i, max_row=nt + 1 + i),
                   title=str(innov.index[i]))  # fmt: skip
        radar.series.append(s)
    radar.set_categories(Reference(ws, min_col=2, max_col=1 + k, min_row=nt, max_row=nt))
    ws.add_chart(radar, f"K{et + 17}")
    book.widths(ws, [24] + [13] * 8 + [3])

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "罗丹阳（贵阳中心城市研究） 的两张表（重庆、长沙、昆明、南宁、贵阳的经济规模与科技创新能力）：用熵值法给 8 项科技创新"
                    "指标定权，计算 TOPSIS 贴近度与排名、综合指数，GDP 在 5 城中的份额与首位度，并画柱状图和雷达图。"
                ),
                (
                    "The two tables of Luo's Guiyang study (economic scale and innovation capacity of Chongqing, "
                    "Changsha, Kunming, Nanning and Guiyang): entropy weights of the 8 innovation "
                    "indicators, TOPSIS closeness and rank, a composite index, each city's share of the "
                    "five cities' GDP and the primacy index, with a bar chart and a radar chart."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "熵值法：按方向极差标准化后 e_j = −Σp ln p/ln n，w_j = (1 − e_j)/Σ(1 − e)。TOPSIS：向量归一化、"
                    "加权，C = D⁻/(D⁺ + D⁻)。综合指数 = 100·Σ w_j z_ij（z 为极差标准化值）。首位度 S1/S2；四城指数 "
                    "S1/(S2+S3+S4)。只有 5 个城市时熵值法权重很不稳定，结果只作方法演示。罗丹阳（贵阳中心城市研究） 本身没有计算这些指数。"
                ),
                (
                    "Entropy: e_j = −Σ p ln p / ln n on min–max normalised data, w_j = (1 − e_j)/Σ(1 − e). "
                    "TOPSIS: vector normalisation, weighting, C = D⁻/(D⁺ + D⁻). Composite index = 100·Σ w_j "
                    "z_ij. Primacy S1/S2; four-city index S1/(S2+S3+S4). With only five cities the entropy "
                    "weights are unstable — read the scores as a demonstration. Luo's Guiyang study itself computes "
                    "none of these indices."
                ),
            ),
            (
                "数据 / Data",
                "罗丹阳（贵阳中心城市研究） 表1、表2（原文注明数据来源为 2018 年统计年鉴），数值照录。",
                "Tables 1 and 2 of Luo's Guiyang study (from the 2018 statistical yearbooks), as printed.",
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    "在「数据 data」表中覆盖黄色数值（城市与指标顺序不变），第一行可改每个指标的方向（+/−）。"
                    "增减城市或指标时，在名称管理器中修改 INNOV_TABLE、INNOV_DIR、CITY_GDP、CITIES 并重新输入数组公式。"
                ),
                (
                    "Overwrite the yellow values on the data sheet (same cities and indicators); the "
                    "direction row sets + or − per indicator. To add cities or indicators, resize "
                    "INNOV_TABLE, INNOV_DIR, CITY_GDP and CITIES in the Name Manager and re-enter the array "
                    "formulas."
                ),
            ),
        ],
        sources=("central_cities",),
    )
    book.save(path, active="综合评价 evaluation")
