"""A demonstration workbook built in code, for ``agglo demo`` and the engine tests.

It holds the bundled provincial GDP by sector (the yearbook table, with its 全国 row
kept apart from the block) and live Agglo formulas on it: the LQ matrix (an array
formula over the block), HHI per sector, and the coupling degree of two systems
derived by ordinary Excel formulas.  The file is new (written by openpyxl, without
cached values); ``agglo refresh`` fills in the values.

When template workbooks are bundled, ``agglo demo`` uses them instead; this builder
stays as the fallback and as a small, known workbook for tests.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_NAME", "build_demo_workbook", "demo_layout"]

DEMO_NAME = "agglo-demo.xlsx"

#: Where the results are, for summaries and tests (sheet, range).
_LAYOUT = {
    "data": ("数据", "B4:D34"),
    "provinces": ("数据", "A4:A34"),
    "national": ("数据", "B35:D35"),
    "lq": ("区位熵", "B4:D34"),
    "hhi": ("集中度", "B4:D4"),
    "systems": ("耦合", "B4:C34"),
    "coupling": ("耦合", "D4:D34"),
}


def demo_layout() -> dict[str, tuple[str, str]]:
    """Name → (sheet, range) of the blocks of the demo workbook."""
    return dict(_LAYOUT)


def build_demo_workbook(path: str | Path, year: int = 2024) -> Path:
    """Write the demo workbook for ``year`` (2015–2024) to ``path`` and return the path."""
    import agglo
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.formula import ArrayFormula

    block = agglo.gdp_by_sector(year)
    sectors = [str(c) for c in block.columns]
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"] = f"{year}年 各地区生产总值（按三次产业分）"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "单位：亿元（数据：agglo 内置数据集 gdp_by_sector）"
    ws.append(["地区", *sectors])
    for region, row in block.iterrows():
        ws.append([str(region), *[float(v) for v in row]])
    n = len(block)
    last = 3 + n
    ws.append(["全国", *[f"=SUM({c}4:{c}{last})" for c in "BCD"]])
    ws.column_dimensions["A"].width = 10

    lq = wb.create_sheet("区位熵")
    lq["A1"] = "区位熵 LQ（各省各产业，全国 = 31 省合计）"
    lq["A1"].font = Font(bold=True)
    lq.append([])
    lq.append(["地区", *sectors])
    for i in range(n):
        lq.cell(row=4 + i, column=1, value=f"=数据!A{4 + i}")
    ref = f"B4:D{last}"
    lq["B4"] = ArrayFormula(ref, f"=LQRATIO(数据!B4:D{last})")
    lq["F3"] = "最大 LQ"
    for i in range(n):
        r = 4 + i
        lq.cell(row=r, column=6, value=f"=MAX(B{r}:D{r})")

    conc = wb.create_sheet("集中度")
    conc["A1"] = "产业集中度 HHI（各产业在 31 省间的分布）"
    conc["A1"].font = Font(bold=True)
    conc.append([])
    conc.append(["", *sectors])
    conc["A4"] = "HHI"
    conc["B4"] = ArrayFormula("B4:D4", f"=HHI(数据!B4:D{last})")
    conc["A5"] = "HHI×10000"
    for j, c in enumerate("BCD"):
        conc.cell(row=5, column=2 + j, value=f"={c}4*10000")

    cp = wb.create_sheet("耦合")
    cp["A1"] = "耦合度 C：第二产业（U1）与第三产业（U2）规模指数（各自除以最大值）"
    cp["A1"].font = Font(bold=True)
    cp.append([])
    cp.append(["地区", "U1 第二产业", "U2 第三产业", "耦合度 C"])
    for i in range(n):
        r = 4 + i
        cp.cell(row=r, column=1, value=f"=数据!A{r}")
        cp.cell(row=r, column=2, value=f"=数据!C{r}/MAX(数据!C$4:C${last})")
        cp.cell(row=r, column=3, value=f"=数据!D{r}/MAX(数据!D$4:D${last})")
    cp["D4"] = ArrayFormula(f"D4:D{last}", f"=COUPLING(B4:C{last})")
    cp["F3"] = "平均 C"
    cp["F4"] = f"=AVERAGE(D4:D{last})"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
