"""The data of the templates: the bundled yearbook tables (:func:`agglo.load_dataset`),
the published tables of ``workbooks/data/``, and the stacked data sheet of employment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
from openpyxl.worksheet.pagebreak import Break

from .book import Book
from .refs import sref
from .styles import F_NOTE, F_SUB, NF_INT

#: The published tables of ``workbooks/data/`` (sources in its README).
DATA = Path(__file__).resolve().parent.parent / "data"

#: Provinces in the order the China Statistical Yearbook prints them (the project's list).
PROVINCES = list(agglo.NBS_PROVINCES)

#: Years of the employment and wage tables (templates 02, 03 and 07).
EMP_YEARS = list(range(2014, 2024))
WAGE_YEARS = EMP_YEARS
#: The NBS grouping of the provinces (template 02).
MACRO_REGIONS = ["东部", "中部", "西部", "东北"]


def gdp_long() -> pd.DataFrame:
    return agglo.load_dataset("gdp_by_sector")


def gdp_year(year: int) -> pd.DataFrame:
    d = gdp_long()
    d = d[d["年份"] == year].set_index("地区").loc[list(PROVINCES)]
    return d[["GDP", "第一产业", "第二产业", "第三产业"]].astype(float)


def employment_year(year: int, value: str = "就业人数") -> pd.DataFrame:
    e = agglo.load_dataset("employment_wage")
    e = e[e["年份"] == year]
    wide = e.pivot(index="地区", columns="行业", values=value).loc[list(PROVINCES)]
    wide.columns.name = None
    return wide.astype(float)


def macro_region() -> pd.Series:
    e = agglo.load_dataset("employment_wage")
    return e.groupby("地区")["区域"].first().loc[list(PROVINCES)]


def ceramics_published_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tables 3 (C) and 4 (D) of the ceramics study (章立东、李奥 2021; [ceramics] in docs/references.md) as printed: values and '+'/'-' marks."""
    out = []
    for name in ("ceramics2021_table3_coupling_C.csv", "ceramics2021_table4_coordination_D.csv"):
        raw = pd.read_csv(DATA / name, encoding="utf-8", dtype=str).set_index("城市")
        values = raw.apply(lambda s: s.str.rstrip("+-").astype(float))
        signs = raw.apply(lambda s: s.str[-1].where(s.str[-1].isin(["+", "-"]), ""))
        out += [values, signs]
    return out[0], out[1], out[2], out[3]


def ceramics_cluster_scores() -> pd.Series:
    """Cluster levels of the ceramics study recovered from its published C and D.

    The paper shows the cluster levels only as a bar chart (Figure 1).  With
    D = √(C·T) and T = 0.5·U1 + 0.5·U2 (not the formula of C), U1 = 2D²/C − U2 for each of
    the five columns of Tables 3–4; the median over the columns, on the paper's 50–100
    scale, rounded to 2 decimals like the paper's other scores.
    """
    hqd = agglo.load_dataset("ceramic_cities").set_index("城市")
    c, _, d, _ = ceramics_published_tables()
    c, d = c.loc[hqd.index], d.loc[hqd.index]
    u2 = agglo.rescale(hqd, 50, 100)
    est = 2 * d.to_numpy() ** 2 / c.to_numpy() - u2.to_numpy()
    return pd.Series(np.round(50 + 50 * np.median(est, axis=1), 2), index=hqd.index)


def provincial_wage() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Average wage (Σ wage·employment / Σ employment over the 8 industries) and employment
    of each province and year, with the NBS four-region grouping."""
    e = agglo.load_dataset("employment_wage")
    e = e.assign(wb=e["平均工资"] * e["就业人数"])
    g = e.groupby(["地区", "年份"])[["wb", "就业人数"]].sum()
    wage = (g["wb"] / g["就业人数"]).round(2).unstack("年份").loc[list(PROVINCES), WAGE_YEARS]
    emp = g["就业人数"].unstack("年份").loc[list(PROVINCES), WAGE_YEARS].astype(float)
    regions = agglo.load_dataset("four_regions").set_index("地区")["区域"].loc[list(PROVINCES)]
    return wage, emp, regions


def emp_data_sheet(book: Book, years: Sequence[int], value: str = "就业人数",
                    prefix: str = "EMP", sheet: str = "数据") -> tuple[list[str], dict[int, int]]:  # fmt: skip
    """Stacked yearbook tables of employment (or wages): 31 provinces × 8 industries."""
    ws = book.wb.create_sheet(sheet)
    unit = "人" if value == "就业人数" else "元"
    what = "就业人员" if value == "就业人数" else "平均工资"
    book.title(ws, f"城镇非私营单位分行业{what}（8个行业）by province",
               "来源 Source: 国家统计局，分省年度数据，城镇非私营单位 (NBS provincial annual data, "
               "urban non-private units). Yellow cells = data.")  # fmt: skip
    industries = employment_year(years[0], value).columns.tolist()
    n = len(PROVINCES)
    regions = macro_region()
    starts = {}
    block_rows = n + 5
    for i, year in enumerate(years):
        top = 4 + i * block_rows
        if i:  # print: one yearly table a page
            ws.row_breaks.append(Break(id=top - 1))
        d = employment_year(year, value)
        book.put(ws, top, 1, f"{year}年 分行业城镇非私营单位{what}", font=F_SUB, border=False)
        book.put(ws, top + 1, 1, f"单位：{unit}", font=F_NOTE, border=False)
        book.header(ws, top + 2, 1, ["地区", "区域", *industries])
        r0 = top + 3
        starts[year] = r0
        book.block(ws, r0, 1, np.array(PROVINCES).reshape(-1, 1), fill=None)
        book.block(ws, r0, 2, regions.to_numpy().reshape(-1, 1), fill=None)
        book.block(ws, r0, 3, d[industries].to_numpy(), fmt=NF_INT)
        book.name(f"{prefix}_{year}", sref(ws.title, r0, 3, r0 + n - 1, 2 + len(industries)))
        # the same block with its header row (industry names), for tables labelled by industry
        book.name(f"{prefix}L_{year}", sref(ws.title, r0 - 1, 3, r0 + n - 1, 2 + len(industries)))
    r0 = starts[years[0]]
    book.name(f"{prefix}_INDUSTRIES", sref(ws.title, r0 - 1, 3, r0 - 1, 2 + len(industries)))
    book.widths(ws, [10, 8] + [11] * len(industries))
    ws.freeze_panes = "C4"
    ws.page_setup.orientation = "landscape"  # a yearly table (36 rows) a page at 90 %
    ws.page_setup.scale = 90
    return industries, starts
