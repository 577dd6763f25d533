"""A demonstration workbook built in code, for ``agglo demo`` and the engine tests.

It holds the bundled provincial GDP by sector (the yearbook table, provinces in the
NBS order of :data:`agglo.NBS_PROVINCES`, with its 全国 row kept apart from the block) and live Agglo formulas on it: the LQ matrix (an array
formula over the block), HHI per sector, and the coupling degree of two systems
derived by ordinary Excel formulas, with number formats and an A4 print layout.  The
file is new (written by openpyxl, without cached values); ``agglo refresh`` fills in
the values.

When template workbooks are bundled, ``agglo demo`` uses them instead; this builder
stays as the fallback and as a small, known workbook for tests.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_NAME", "build_demo_workbook", "copy_unmarked", "demo_layout"]

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

    from .declare import formula as udf_formula

    block = agglo.gdp_by_sector(year).reindex(list(agglo.NBS_PROVINCES))
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
    _formats(ws, f"B4:D{last + 1}", "#,##0.0")
    ws.column_dimensions["A"].width = 10

    lq = wb.create_sheet("区位熵")
    lq["A1"] = "区位熵 LQ（各省各产业，全国 = 31 省合计）"
    lq["A1"].font = Font(bold=True)
    lq.append([])
    lq.append(["地区", *sectors])
    for i in range(n):
        lq.cell(row=4 + i, column=1, value=f"=数据!A{4 + i}")
    ref = f"B4:D{last}"
    lq["B4"] = ArrayFormula(ref, udf_formula("LQRATIO", f"数据!B4:D{last}"))
    lq["F3"] = "最大 LQ"
    for i in range(n):
        r = 4 + i
        lq.cell(row=r, column=6, value=f"=MAX(B{r}:D{r})")
    _formats(lq, f"B4:D{last}", "0.000")
    _formats(lq, f"F4:F{last}", "0.000")

    conc = wb.create_sheet("集中度")
    conc["A1"] = "产业集中度 HHI（各产业在 31 省间的分布）"
    conc["A1"].font = Font(bold=True)
    conc.append([])
    conc.append([None, *sectors])
    conc["A4"] = "HHI"
    conc["B4"] = ArrayFormula("B4:D4", udf_formula("HHI", f"数据!B4:D{last}"))
    conc["A5"] = "HHI×10000"
    for j, c in enumerate("BCD"):
        conc.cell(row=5, column=2 + j, value=f"={c}4*10000")
    _formats(conc, "B4:D4", "0.0000")
    _formats(conc, "B5:D5", "#,##0")

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
    cp["D4"] = ArrayFormula(f"D4:D{last}", udf_formula("COUPLING", f"B4:C{last}"))
    cp["F3"] = "平均 C"
    cp["F4"] = f"=AVERAGE(D4:D{last})"
    _formats(cp, f"B4:D{last}", "0.0000")
    _formats(cp, "F4", "0.0000")

    for sheet in wb.worksheets:
        _print_layout(sheet)

    # not marked for a full recalculation on open (openpyxl's default): see copy_unmarked
    wb.calculation.fullCalcOnLoad = False
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _formats(ws, cells: str, number_format: str) -> None:
    """Apply ``number_format`` to every cell of ``cells``."""
    rows = ws[cells]
    if not isinstance(rows, tuple):
        rows = ((rows,),)
    elif rows and not isinstance(rows[0], tuple):
        rows = (rows,)
    for row in rows:
        for cell in row:
            cell.number_format = number_format


def _print_layout(ws) -> None:
    """A4 portrait at full size, the sheet name above and page numbers below each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.print_title_rows = "3:3"
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页 / page &P of &N"


def copy_unmarked(src: str | Path, dst: str | Path) -> Path:
    """Copy a workbook without the mark that makes Excel recalculate it fully on open.

    ``agglo demo`` hands its workbooks to people who may not have the add-in: with
    ``fullCalcOnLoad`` their Excel would replace every stored Agglo value by ``#NAME?``
    as soon as the file opens.  Only ``xl/workbook.xml`` changes; every other part is
    copied as it is.
    """
    from lxml import etree

    from . import xlsx

    pkg = xlsx.read_package(src)
    part = pkg.workbook_part
    root = etree.fromstring(pkg.read(part), xlsx.secure_parser())
    replaced = {}
    calc = root.find(f"{{{etree.QName(root).namespace}}}calcPr")
    if calc is not None and "fullCalcOnLoad" in calc.attrib:
        del calc.attrib["fullCalcOnLoad"]
        replaced[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)  # fmt: skip
    dst = Path(dst)
    xlsx.write_members(pkg, replaced, dst)
    return dst
