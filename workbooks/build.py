"""Build the Agglo template workbooks (``workbooks/*.xlsx``) from the bundled data.

Usage::

    python workbooks/build.py                 # writes workbooks/0*.xlsx
    python workbooks/build.py --out DIR       # writes into DIR instead
    python workbooks/build.py --refresh       # then fills cached values with `agglo refresh`

Each template is a new file written with openpyxl (creating a file, not re-saving a
user's one).  Every Agglo result is a live worksheet formula (``=LQRATIO(...)``, ``=CTD(...)``
...) using the names registered in :data:`agglo_addin.udfs.REGISTRY`; results that fill
more than one cell are stored as legacy array formulas (``t="array"`` with a ``ref``
covering the whole output), which every Excel version, LibreOffice and the headless
engine read the same way.  Data blocks are workbook-level defined names, options are
cells with drop-down lists referenced by the formulas.  The files carry no cached
values until ``agglo refresh`` has run on them (``--refresh``).

Data come from :func:`agglo.load_dataset` (copies of the project's data with their
sources in ``agglo/data/SOURCES.md``) and, for the published coupling results of paper
003, from ``workbooks/data/`` (sources in ``workbooks/data/README.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import agglo
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, RadarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.pagebreak import Break

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

#: File names of the templates (ASCII, see README: safe in zip archives, e-mail
#: attachments and consoles with a non-UTF-8 code page); the Chinese title is inside.
FILES = {
    1: "01_location_quotient.xlsx",
    2: "02_concentration_eg.xlsx",
    3: "03_agglomeration_competitiveness.xlsx",
    4: "04_coupling_coordination.xlsx",
    5: "05_central_cities.xlsx",
    6: "06_ahp.xlsx",
    7: "07_regional_disparity.xlsx",
}

TITLES = {
    1: "区位熵与产业专业化 Location quotients and specialisation",
    2: "产业集中度与EG指数 Industrial concentration and the EG index",
    3: "集聚与竞争力 Agglomeration and competitiveness",
    4: "耦合协调度 Coupling coordination",
    5: "中心城市综合评价 Comparing central cities",
    6: "AHP 判断矩阵 AHP judgement matrices",
    7: "区域差异与收敛 Regional disparity and convergence",
}

#: The studies the templates follow, cited in full (来源 lines and the 说明 sheet): key →
#: (Chinese, English).  Only what the texts and their publication pages state is given;
#: a journal or year that could not be checked is said to be missing, never guessed.
CITATIONS = {
    "disparity": (
        (
            "Dagum, C.（1997）：A new approach to the decomposition of the Gini income inequality "
            "ratio，Empirical Economics 22(4): 515–531；Theil, H.（1967）：Economics and Information "
            "Theory，North-Holland；Rey, S. J.（2001）：Spatial empirics for economic growth and "
            "convergence，Geographical Analysis 33(3): 195–214"
        ),
        (
            "Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality "
            "ratio. Empirical Economics 22(4), 515–531; Theil, H. (1967). Economics and "
            "Information Theory. North-Holland; Rey, S. J. (2001). Spatial empirics for economic "
            "growth and convergence. Geographical Analysis 33(3), 195–214"
        ),
    ),
    "nonferrous": (
        (
            "《有色金属产业集聚程度及其与竞争力之间的关系》（贵州省与西部九省，2013 年统计年鉴与"
            "《中国有色金属工业年鉴》数据；原文未载作者与刊期）"
        ),
        (
            "'有色金属产业集聚程度及其与竞争力之间的关系' (non-ferrous metals agglomeration and "
            "competitiveness, Guizhou and nine western provinces, 2013 yearbooks; the text names "
            "no author or journal)"
        ),
    ),
    "ceramics": (
        (
            "章立东、李奥（2021）：传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例，"
            "《江西社会科学》2021 年第 3 期"
        ),
        (
            "Zhang Lidong & Li Ao (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业"
            "为例 (traditional manufacturing clusters and regional high-quality development: "
            "ceramics). Jiangxi Social Sciences (江西社会科学), 2021(3)"
        ),
    ),
    "central_cities": (
        (
            "罗丹阳（中央民族大学）：增强中心城市聚集效应研究——以贵州省贵阳市为例（数据为 2018 年"
            "统计年鉴；原文未载刊期）"
        ),
        (
            "Luo Danyang (Minzu University of China). 增强中心城市聚集效应研究——以贵州省贵阳市为例 "
            "(strengthening the agglomeration effect of central cities: Guiyang; 2018 yearbook "
            "data; the text names no journal or year)"
        ),
    ),
}


def source_line(*keys: str) -> str:
    """The 来源 line of a sheet: the full citations of ``keys``."""
    return "来源 Source: " + "；".join(CITATIONS[k][0] for k in keys) + "。"


def sources_section(*keys: str) -> tuple[str, str, str]:
    """The 来源 section of the 说明 sheet."""
    return (
        "来源 / Sources",
        "\n".join(CITATIONS[k][0] + "。" for k in keys),
        "\n".join(CITATIONS[k][1] + "." for k in keys),
    )


#: Provinces in the order the China Statistical Yearbook prints them (the project's list).
PROVINCES = list(agglo.NBS_PROVINCES)

FIXED_TIME = dt.datetime(2026, 1, 1)

# --------------------------------------------------------------------------------------
# styles
# --------------------------------------------------------------------------------------

FONT = "Microsoft YaHei"
THIN = Side(style="thin", color="B7B7B7")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
F_TITLE = Font(name=FONT, bold=True, size=14, color="1F3864")
F_SUB = Font(name=FONT, bold=True, size=11, color="1F3864")
F_HEAD = Font(name=FONT, bold=True, size=10)
F_BODY = Font(name=FONT, size=10)
F_NOTE = Font(name=FONT, size=9, italic=True, color="595959")
F_WARN = Font(name=FONT, bold=True, size=11, color="C00000")
FILL_HEAD = PatternFill("solid", fgColor="D9E1F2")
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")  # data the user may replace
FILL_OPTION = PatternFill("solid", fgColor="FCE4D6")  # option cells (drop-downs)
FILL_WARN = PatternFill("solid", fgColor="FFE0E0")
FILL_GOOD = PatternFill("solid", fgColor="C6EFCE")
FILL_BAD = PatternFill("solid", fgColor="FFC7CE")
FILL_MID = PatternFill("solid", fgColor="FFEB9C")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")

NF_2 = "0.00"
NF_3 = "0.000"
NF_4 = "0.0000"
NF_PCT = "0.0%"
NF_PCT2 = "0.00%"
NF_AMOUNT = "#,##0.0"
NF_INT = "#,##0"

# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def col(c: int) -> str:
    return get_column_letter(c)


def ref(row: int, column: int, absolute: bool = True) -> str:
    d = "$" if absolute else ""
    return f"{d}{col(column)}{d}{row}"


def rng(r1: int, c1: int, r2: int, c2: int, absolute: bool = True) -> str:
    return f"{ref(r1, c1, absolute)}:{ref(r2, c2, absolute)}"


def sref(ws_title: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    """Absolute reference with the sheet name: 'Sheet'!$A$1 or 'Sheet'!$A$1:$B$2."""
    sheet = quote_sheetname(ws_title)
    if sheet == ws_title:  # always quote: names with CJK characters read more safely
        sheet = f"'{ws_title}'"
    if r2 is None:
        return f"{sheet}!{ref(r1, c1)}"
    return f"{sheet}!{rng(r1, c1, r2, c2)}"


def excel_text(s: str) -> str:
    """A string literal inside a formula."""
    return '"' + s.replace('"', '""') + '"'


class Book:
    """An openpyxl workbook with the conventions of the templates."""

    def __init__(self, number: int):
        self.number = number
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        props = self.wb.properties
        props.creator = "Agglo"
        props.title = TITLES[number]
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        props.lastModifiedBy = "Agglo"
        self._validations: dict[tuple[str, str], DataValidation] = {}

    # names ---------------------------------------------------------------------------
    def name(self, name: str, target: str) -> str:
        """Define a workbook-level name; returns the name for use in formulas."""
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        return name

    # cells ---------------------------------------------------------------------------
    @staticmethod
    def put(ws, row: int, column: int, value: Any, *, font=F_BODY, fill=None, fmt=None,
            border=True, align=None):  # fmt: skip
        cell = ws.cell(row=row, column=column)
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        cell.value = value
        cell.font = font
        if fill is not None:
            cell.fill = fill
        if fmt is not None:
            cell.number_format = fmt
        if border:
            cell.border = BORDER
        if align is not None:
            cell.alignment = align
        return cell

    def header(self, ws, row: int, column: int, labels: Sequence[Any], *, vertical=False):
        for i, lab in enumerate(labels):
            r, c = (row + i, column) if vertical else (row, column + i)
            self.put(ws, r, c, lab, font=F_HEAD, fill=FILL_HEAD, align=CENTER)

    def block(self, ws, row: int, column: int, values: Any, *, fmt=None, fill=FILL_INPUT):
        arr = np.asarray(values, dtype=object)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        for i in range(arr.shape[0]):
            for j in range(arr.shape[1]):
                self.put(ws, row + i, column + j, arr[i, j], fmt=fmt, fill=fill)

    def array(self, ws, row: int, column: int, nrows: int, ncols: int, formula: str, *,
              fmt=None, font=F_BODY):  # fmt: skip
        """A legacy array formula whose ref covers the whole result."""
        target = rng(row, column, row + nrows - 1, column + ncols - 1, absolute=False)
        ws.cell(row=row, column=column).value = ArrayFormula(target, formula)
        for i in range(nrows):
            for j in range(ncols):
                cell = ws.cell(row=row + i, column=column + j)
                cell.border = BORDER
                cell.font = font
                if fmt is not None:
                    cell.number_format = fmt
        return target

    def formula(self, ws, row: int, column: int, formula: str, *, fmt=None, font=F_BODY):
        return self.put(ws, row, column, formula, fmt=fmt, font=font)

    def option(self, ws, row: int, column: int, label: str, value: Any, choices: Any,
               name: str, note: str = "") -> str:  # fmt: skip
        """An option cell with a drop-down list; returns its defined name."""
        self.put(ws, row, column, label, font=F_HEAD, fill=FILL_HEAD)
        self.put(ws, row, column + 1, value, fill=FILL_OPTION, font=F_HEAD)
        if note:
            self.put(ws, row, column + 2, note, font=F_NOTE, border=False)
        if choices is not None:
            if isinstance(choices, str):  # a range / name
                formula1 = choices if choices.startswith("=") else f"={choices}"
            else:
                formula1 = excel_text(",".join(str(c) for c in choices))
            dv = DataValidation(type="list", formula1=formula1, allow_blank=False)
            dv.error = "请从下拉列表中选择 / choose from the list"
            dv.errorTitle = "Agglo"
            dv.prompt = "从下拉列表选择 / choose from the drop-down list"
            dv.showErrorMessage = True
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(ws.cell(row=row, column=column + 1))
        return self.name(name, sref(ws.title, row, column + 1))

    def number_input(self, ws, cells: str, low: float, high: float, message: str) -> None:
        dv = DataValidation(type="decimal", operator="between", formula1=str(low),
                            formula2=str(high), allow_blank=True)  # fmt: skip
        dv.error = message
        dv.errorTitle = "Agglo"
        dv.prompt = message
        dv.showErrorMessage = True
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        for cell in cells.split():
            dv.add(cell)

    def title(self, ws, text: str, sub: str = "", row: int = 1) -> None:
        assert not text.startswith("="), "text, not a formula"
        assert not sub.startswith("="), "text, not a formula"
        self.put(ws, row, 1, text, font=F_TITLE, border=False)
        if sub:
            self.put(ws, row + 1, 1, sub, font=F_NOTE, border=False)

    def banner(self, ws, row: int, first: int, last: int, text: str, *, font=F_WARN,
               fill=FILL_WARN, lines: int = 2) -> None:  # fmt: skip
        """Long text wrapped inside merged cells (so it does not widen the printed page)."""
        assert not text.startswith("="), "text, not a formula"
        self.put(ws, row, first, text, font=font, fill=fill, border=False, align=WRAP)
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        ws.row_dimensions[row].height = 15 * lines

    def note(self, ws, row: int, column: int, text: str, *, font=F_NOTE) -> None:
        assert not text.startswith("="), "text, not a formula"
        self.put(ws, row, column, text, font=font, border=False)

    @staticmethod
    def widths(ws, widths: dict[str, float] | Sequence[float], start: int = 1) -> None:
        if isinstance(widths, dict):
            for letter, w in widths.items():
                ws.column_dimensions[letter].width = w
        else:
            for i, w in enumerate(widths):
                ws.column_dimensions[col(start + i)].width = w

    # instructions ----------------------------------------------------------------------
    def instructions(self, sections: Sequence[tuple[str, str, str]],
                     sources: Sequence[str] = ()) -> None:  # fmt: skip
        """The 说明 sheet: (heading, Chinese text, English text) per section.

        One column, Chinese paragraph above its English one, so that the sheet prints
        portrait on A4 at full size; ``sources`` are keys of :data:`CITATIONS`.
        """
        ws = self.wb.create_sheet("说明 Instructions", 0)
        ws.sheet_view.showGridLines = False
        self.put(ws, 1, 1, TITLES[self.number], font=F_TITLE, border=False)
        self.put(ws, 2, 1, "Agglo 模板 / Agglo template — 每节中文在上，English below",
                 font=F_NOTE, border=False)  # fmt: skip
        row = 4
        extra = [sources_section(*sources)] if sources else []
        for heading, zh, en in [*COMMON_SECTIONS[:1], *sections, *extra, *COMMON_SECTIONS[1:]]:
            self.put(ws, row, 1, heading, font=F_SUB, border=False)
            row += 1
            for text, per_line in ((zh, INSTR_ZH_PER_LINE), (en, INSTR_EN_PER_LINE)):
                self.put(ws, row, 1, text, align=WRAP, border=False)
                ws.row_dimensions[row].height = min(409, 15 * _wrapped_lines(text, per_line) + 4)
                row += 1
            row += 1
        ws.column_dimensions["A"].width = INSTR_WIDTH
        ws.page_setup.orientation = "portrait"

    def save(self, path: Path, active: str | None = None) -> None:
        if active is not None:
            self.wb.active = self.wb.sheetnames.index(active)
            for ws in self.wb.worksheets:
                ws.sheet_view.tabSelected = ws.title == active
        for ws in self.wb.worksheets:
            print_layout(ws)
        self.wb.calculation.fullCalcOnLoad = False
        self.wb.save(path)


#: The 说明 column (character widths) and the characters per printed line of its text.
INSTR_WIDTH = 80
INSTR_ZH_PER_LINE = 36
INSTR_EN_PER_LINE = 80

#: Printable width of an A4 page with the margins of :func:`print_layout`, in points.
PRINT_WIDTH = {"portrait": 595 - 2 * 0.4 * 72, "landscape": 842 - 2 * 0.4 * 72}


def _content_width(ws) -> float:
    """Printed width of the used columns and charts in points (7 px a character)."""

    def x_of(column: int) -> float:  # left edge of a column (1-based)
        total = 0.0
        for c in range(1, column):
            dim = ws.column_dimensions.get(col(c))
            width = dim.width if dim is not None and dim.width else 8.43
            total += (width * 7 + 5) * 0.75
        return total

    right = x_of(ws.max_column + 1)
    for chart in ws._charts:
        start = chart.anchor._from.col + 1 if hasattr(chart.anchor, "_from") else 1
        right = max(right, x_of(start) + chart.width / 2.54 * 72)
    return right


def print_layout(ws) -> None:
    """A4, the sheet name in the header and page numbers in the footer, full-size type.

    Portrait when the used columns fit, else landscape; never shrunk to fit (a wide
    sheet scaled to one page prints at a few points); wide tables are split between
    column groups by the builder (``ws.col_breaks``) and repeat their label column and
    header rows on every page (print titles, from the frozen panes unless set).
    """
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if ws.page_setup.orientation is None:
        fits = _content_width(ws) <= PRINT_WIDTH["portrait"]
        ws.page_setup.orientation = "portrait" if fits else "landscape"
    if ws.page_setup.scale is None:
        ws.page_setup.scale = 100
    assert ws.page_setup.scale >= 90, "9-point notes must print at 8 points or more"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3,
                                  footer=0.3)  # fmt: skip
    ws.print_options.horizontalCentered = False
    ws.oddHeader.center.text = "&A"
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = "第 &P 页，共 &N 页 / page &P of &N"
    ws.oddFooter.center.size = 9
    pane = ws.freeze_panes
    if pane and not ws.print_title_rows and not ws.print_title_cols:
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        letter, row = coordinate_from_string(pane)
        if row > 1:
            ws.print_title_rows = f"{row - 1}:{row - 1}"
        if column_index_from_string(letter) > 1:
            ws.print_title_cols = f"A:{col(column_index_from_string(letter) - 1)}"


def _wrapped_lines(text: str, per_line: int) -> int:
    """Rough number of printed lines of a wrapped paragraph (for the row height)."""
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))


COMMON_SECTIONS = (
    (
        "用哪个文件 / Which file for whom",
        (
            "本文件的结果是 Agglo 公式（如 =LQRATIO(...)），文件中存有 `agglo refresh` 算好的数值。"
            "按你的情况选一种用法：\n"
            "① 装有 Agglo 加载项（Windows 版 Excel + xlwings 加载项，或 Excel 365/网页版 + xlwings Lite，"
            "安装见仓库 README「Use it in Excel」）：直接打开本文件，改黄色数据后结果自动重算。\n"
            "② 没有加载项、但电脑上装了 Python 包 agglo：改数据、保存、关闭后在命令行运行 "
            "`agglo refresh 文件名.xlsx`，重新计算的结果写回文件。\n"
            "③ 只阅读或打印结果（普通 Excel、WPS、LibreOffice，不装任何东西）：使用共享副本"
            "「文件名.shared.xlsx」。它由装有 agglo 的人运行 `agglo share 文件名.xlsx` 生成，Agglo 公式已换成"
            "数值，任何软件打开都显示数字；把结果发给别人时也请发共享副本（`agglo unshare` 可恢复公式）。\n"
            "打开本文件后 Agglo 单元格显示 #NAME?，说明这台电脑属于③：不要保存（保存会用 #NAME? 覆盖存好的"
            "数值），关闭后改用共享副本。单元格显示 “#VALUE! …” 时，后面的文字说明哪个参数有问题、如何修改。"
        ),
        (
            "The results of this file are Agglo formulas (such as =LQRATIO(...)); the file holds the "
            "values computed by `agglo refresh`. Pick the route that fits you:\n"
            "(1) You have the Agglo add-in (desktop Excel on Windows with the xlwings add-in, or "
            "Excel 365 / Excel on the web with xlwings Lite; see 'Use it in Excel' in the "
            "repository README): open this file; results follow when you edit the yellow data.\n"
            "(2) No add-in, but the Python package agglo is installed: edit, save and close, then "
            "run `agglo refresh FILE.xlsx`; the recomputed values are written into the file.\n"
            "(3) You only read or print the results (plain Excel, WPS, LibreOffice, nothing "
            "installed): use the shared copy FILE.shared.xlsx, made by someone with agglo with "
            "`agglo share FILE.xlsx`; its Agglo formulas are replaced by their values, so every "
            "program shows the numbers. Send the shared copy to others too (`agglo unshare` "
            "restores the formulas).\n"
            "If the Agglo cells of this file show #NAME?, this computer is case (3): do not save "
            "(saving replaces the stored values with #NAME?); close it and use the shared copy. A "
            "cell showing '#VALUE! ...' names the argument at fault and what to do."
        ),
    ),
    (
        "数组公式 / Array formulas",
        (
            "返回多个数值的函数（如 LQ 矩阵、CTD 表）以数组公式 {=...} 保存，占据固定大小的区域。"
            "行数或列数改变时：选中新的结果区域，在编辑栏输入公式，按 Ctrl+Shift+Enter；"
            "或先在「公式 > 名称管理器」中修改对应名称的范围。"
        ),
        (
            "Functions returning several values (the LQ matrix, the C/T/D table, ...) are stored "
            "as array formulas {=...} covering a fixed range. When the number of rows or columns "
            "changes: select the new result range, type the formula and press Ctrl+Shift+Enter; "
            "first adjust the defined name in Formulas > Name Manager."
        ),
    ),
    (
        "颜色约定 / Colour code",
        "浅黄色 = 数据，可替换；浅橙色 = 选项（下拉选择）；蓝色 = 表头；其余为公式结果，请勿手工覆盖。",
        (
            "Light yellow = data you may replace; light orange = options (drop-down lists); blue = "
            "headers; everything else is a formula result — do not overwrite it by hand."
        ),
    ),
)


def unsmooth(chart) -> None:
    """Straight line segments (openpyxl's line series default to smoothed curves)."""
    for s in chart.series:
        s.smooth = False


def directions_dv(book: Book, ws, cells: str) -> None:
    dv = DataValidation(type="list", formula1='"+,-"', allow_blank=False)
    dv.prompt = "+ 正向指标（越大越好） / − 负向指标（越小越好）"
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(cells)


def level_colours(ws, cells: str, first: str) -> None:
    """Conditional formatting of coordination-level texts (失调 red, 协调 green)."""
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("失调",{first}))'], fill=FILL_BAD)
    )
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("勉强",{first}))'], fill=FILL_MID)
    )
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("协调",{first}))'], fill=FILL_GOOD)
    )
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("颉颃",{first}))'], fill=FILL_BAD)
    )
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("耦合",{first}))'], fill=FILL_GOOD)
    )


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------


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


def paper003_published() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tables 3 (C) and 4 (D) of paper 003 as printed: values and '+'/'-' marks."""
    out = []
    for name in ("paper003_table3_coupling_C.csv", "paper003_table4_coordination_D.csv"):
        raw = pd.read_csv(DATA / name, encoding="utf-8", dtype=str).set_index("城市")
        values = raw.apply(lambda s: s.str.rstrip("+-").astype(float))
        signs = raw.apply(lambda s: s.str[-1].where(s.str[-1].isin(["+", "-"]), ""))
        out += [values, signs]
    return out[0], out[1], out[2], out[3]


def paper003_cluster_scores() -> pd.Series:
    """Cluster levels of paper 003 recovered from its published C and D.

    The paper shows the cluster levels only as a bar chart (Figure 1).  With
    D = √(C·T) and T = 0.5·U1 + 0.5·U2 (not the formula of C), U1 = 2D²/C − U2 for each of
    the five columns of Tables 3–4; the median over the columns, on the paper's 50–100
    scale, rounded to 2 decimals like the paper's other scores.
    """
    hqd = agglo.load_dataset("ceramic_cities").set_index("城市")
    c, _, d, _ = paper003_published()
    c, d = c.loc[hqd.index], d.loc[hqd.index]
    u2 = agglo.rescale(hqd, 50, 100)
    est = 2 * d.to_numpy() ** 2 / c.to_numpy() - u2.to_numpy()
    return pd.Series(np.round(50 + 50 * np.median(est, axis=1), 2), index=hqd.index)


# --------------------------------------------------------------------------------------
# template 1: 区位熵与产业专业化
# --------------------------------------------------------------------------------------

GDP_YEARS = list(range(2015, 2025))
SECTORS = ["第一产业", "第二产业", "第三产业"]


def build_01(path: Path) -> None:
    book = Book(1)
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
        book.array(lq, first, c0, n, 3,
                   f"=LQRATIO(VA_{year},GDP_{year},VA_NAT_{year},GDP_NAT_{year},{form})", fmt=NF_3)  # fmt: skip
    last_col = 1 + 3 * len(GDP_YEARS)
    lq_range = rng(first, 2, first + n - 1, last_col, absolute=False)
    lq.conditional_formatting.add(
        lq_range,
        FormulaRule(
            formula=[f'AND({form}="ratio",B{first}>1)'],
            fill=FILL_GOOD,
            font=Font(name=FONT, bold=True, color="006100"),
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
        book.array(sp, first, 2 + y, n, 1, f"=KRUGMAN(VA_{year},VA_NAT_{year},{halved})", fmt=NF_3)
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

    for i in range(n):
        book.formula(sp, first + i, c0, f"=INDEX(PROVINCES,{i + 1})", font=F_HEAD)
    book.array(sp, first, c0 + 1, n, 1,
               f"=CAGR({pick('GDP', y0)},{pick('GDP', y1)},{periods})", fmt=NF_PCT2)  # fmt: skip
    book.array(sp, first, c0 + 2, n, 3,
               f"=CAGR({pick('VA', y0)},{pick('VA', y1)},{periods})", fmt=NF_PCT2)  # fmt: skip
    book.name("CAGR_ALL", sref(sp.title, first, c0 + 1, first + n - 1, c0 + 4))
    nat = first + n
    book.put(sp, nat, c0, "全国*", font=F_HEAD)
    book.formula(sp, nat, c0 + 1, f"=CAGR({pick('GDP_NAT', y0)},{pick('GDP_NAT', y1)},{periods})",
                 fmt=NF_PCT2, font=F_HEAD)  # fmt: skip
    book.array(sp, nat, c0 + 2, 1, 3,
               f"=CAGR({pick('VA_NAT', y0)},{pick('VA_NAT', y1)},{periods})", fmt=NF_PCT2,
               font=F_HEAD)  # fmt: skip
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
    tr.conditional_formatting.add(
        f"B6:D{5 + len(GDP_YEARS)}",
        CellIsRule(
            operator="greaterThan",
            formula=["1"],
            fill=FILL_GOOD,
            font=Font(name=FONT, bold=True, color="006100"),
        ),  # fmt: skip
    )
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
                    "=LQRATIO(VA_2025,GDP_2025,VA_NAT_2025,GDP_NAT_2025,LQ_FORM)。"
                ),
                (
                    "One table per year, with the names VA_<year> (31×3 sectors), GDP_<year> (31×1), "
                    "VA_NAT_<year> and GDP_NAT_<year> (national row). Paste new figures over the yellow "
                    "cells keeping the province order and the number of rows: every result follows. To "
                    "add 2025: copy a yearly table, create the four names in Formulas > Name Manager, and "
                    "enter the array formula =LQRATIO(VA_2025,GDP_2025,VA_NAT_2025,GDP_NAT_2025,LQ_FORM) to the "
                    "right of the LQ sheet."
                ),
            ),
        ],
        sources=("nonferrous",),
    )
    book.save(path, active="区位熵 LQ")


# --------------------------------------------------------------------------------------
# template 6: AHP 判断矩阵
# --------------------------------------------------------------------------------------

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


def ahp_matrix(upper: dict[tuple[int, int], float], n: int = 5) -> np.ndarray:
    a = np.eye(n)
    for (i, j), v in upper.items():
        a[i, j], a[j, i] = v, 1 / v
    return a


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


def build_06(path: Path) -> None:
    book = Book(6)
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
    book.put(ws, 9, rc, "结果 result: =AHP(AHP_MATRIX,AHP_METHOD,AHP_RI)", font=F_SUB, border=False)
    book.array(ws, 10, rc, n + 6, 2, f"=AHP({mat},{method},{ri})", fmt=NF_4)
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
    book.array(ws, r0, wc, n, 1, f"=AHPWEIGHTS({mat},{method},{ri})", fmt=NF_4)
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
        book.array(gs, top + 1, c + n + 1, n + 6, 2, f"=AHP({m},{method},{ri})", fmt=NF_4)
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
    book.array(gs, top + 1, cc0 + n + 1, n + 6, 2, f"=AHP({comb},{method},{ri})", fmt=NF_4)
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


# --------------------------------------------------------------------------------------
# template 4: 耦合协调度
# --------------------------------------------------------------------------------------

DEV_SYS1 = [
    "R_D投入强度",
    "高新技术企业数",
    "专利授权量",
    "GDP总量",
    "人均可支配收入",
    "产业结构高级化",
]
DEV_SYS2 = ["空气质量优良率", "单位GDP能耗", "绿地覆盖率"]
DEV_DIRS = {"单位GDP能耗": "-"}
P003_COLS = [
    "动力升级指数",
    "生态和谐指数",
    "社会进步指数",
    "经济基本盘指数",
    "区域经济高质量发展指数",
]
SIMULATED_BANNER = (
    "模拟数据 SIMULATED — 教学用模拟数据（开源教材 mathmodels-book 的模拟数据集），"
    "不是统计数据，结果仅作方法演示 / teaching data, not official statistics"
)


def build_04(path: Path) -> None:
    book = Book(4)
    wb = book.wb
    dev = agglo.load_dataset("development_SIMULATED")
    nrow = len(dev)
    provinces = list(dict.fromkeys(dev["地区"]))

    # --- (a) data: SIMULATED --------------------------------------------------------
    ds = wb.create_sheet("数据 SIMULATED")
    book.put(ds, 1, 1, SIMULATED_BANNER, font=F_WARN, fill=FILL_WARN, border=False)
    book.note(ds, 2, 1, f"{len(provinces)} 个省市 × {dev['年份'].nunique()} 年，9 项指标。"
              "第 3 行为指标方向（+ 正向 / − 负向，可下拉修改）。系统1 = 经济与创新（C:H 列），"
              "系统2 = 生态环境（I:K 列）。")  # fmt: skip
    cols = ["地区", "年份", *DEV_SYS1, *DEV_SYS2]
    book.put(ds, 3, 1, "方向 direction", font=F_HEAD, fill=FILL_HEAD)
    for j, name in enumerate(DEV_SYS1 + DEV_SYS2):
        book.put(ds, 3, 3 + j, DEV_DIRS.get(name, "+"), fill=FILL_OPTION, font=F_HEAD, align=CENTER)
    directions_dv(book, ds, f"C3:{col(2 + len(cols) - 2)}3")
    book.header(ds, 4, 1, cols)
    book.block(ds, 5, 1, dev[["地区"]].to_numpy(), fill=FILL_INPUT)
    book.block(ds, 5, 2, dev[["年份"]].to_numpy(), fill=FILL_INPUT)
    for j, name in enumerate(DEV_SYS1 + DEV_SYS2):
        values = dev[[name]].to_numpy(dtype=float)
        fmt = NF_INT if values.max() > 1000 else "0.000" if values.max() < 1 else "0.00"
        book.block(ds, 5, 3 + j, values, fmt=fmt)
    last = 4 + nrow
    n1, n2 = len(DEV_SYS1), len(DEV_SYS2)
    sys1 = book.name("SYS1_TABLE", sref(ds.title, 4, 3, last, 2 + n1))
    sys2 = book.name("SYS2_TABLE", sref(ds.title, 4, 3 + n1, last, 2 + n1 + n2))
    dir1 = book.name("SYS1_DIR", sref(ds.title, 3, 3, 3, 2 + n1))
    dir2 = book.name("SYS2_DIR", sref(ds.title, 3, 3 + n1, 3, 2 + n1 + n2))
    book.name("DEV_REGION", sref(ds.title, 5, 1, last, 1))
    book.name("DEV_YEAR", sref(ds.title, 5, 2, last, 2))
    lc = 3 + n1 + n2 + 1
    book.header(ds, 4, lc, ["省市列表"])
    book.block(ds, 5, lc, np.array(provinces).reshape(-1, 1), fill=None)
    book.name("DEV_PROVINCES", sref(ds.title, 5, lc, 4 + len(provinces), lc))
    book.widths(ds, [10, 8] + [12] * (n1 + n2) + [3, 10])
    ds.freeze_panes = "C5"

    # --- (a) analysis ---------------------------------------------------------------
    ws = wb.create_sheet("耦合协调 (a)")
    book.title(ws, "熵值法构建两个系统 → 耦合度 C、协调指数 T、耦合协调度 D、等级、滞后类型",
               "U1 = 经济与创新系统得分，U2 = 生态环境系统得分（熵值法，面板数据合并计算）。")  # fmt: skip
    book.put(ws, 2, 6, SIMULATED_BANNER, font=F_WARN, fill=FILL_WARN, border=False)
    norm = book.option(ws, 3, 1, "熵值法标准化 normalize", "minmax", ["minmax", "none"], "ENT_NORM",
                       "minmax 极差标准化（按方向）; none 用原始数值")  # fmt: skip
    zero = book.option(ws, 4, 1, "熵值法 0·ln0 zero", "zero", ["zero", "SPSSAU"], "ENT_ZERO",
                       "zero: 0·ln0 = 0; SPSSAU: 标准化值平移 0.01（SPSSAU 的非负平移）")  # fmt: skip
    method = book.option(ws, 5, 1, "C 公式 method", "standard",
                         ["standard", "wang2021", "fan2024", "dropped-coefficient"], "CPL_METHOD",
                         "standard C = 2√(U1U2)/(U1+U2); wang2021 王淑佳等(2021)修正; fan2024")  # fmt: skip
    book.put(ws, 6, 1, "T 权重 α, β weights", font=F_HEAD, fill=FILL_HEAD)
    book.put(ws, 6, 2, 0.5, fill=FILL_OPTION, font=F_HEAD)
    book.put(ws, 6, 3, 0.5, fill=FILL_OPTION, font=F_HEAD)
    weights = book.name("CPL_WEIGHTS", sref(ws.title, 6, 2, 6, 3))
    book.number_input(
        ws, "B6 C6", 0, 1, "权重介于 0 与 1 之间，两者之和为 1 / weights in [0, 1] summing to 1"
    )
    scheme = book.option(ws, 7, 1, "等级方案 scheme", "10-level", ["10-level", "5-class", "3-class"],
                         "LVL_SCHEME", "10-level: 极度失调 … 优质协调 (廖重斌 1999)")  # fmt: skip
    closed = book.option(ws, 8, 1, "区间闭合 closed", "right", ["right", "left"], "LVL_CLOSED",
                         "right: (0.4, 0.5] ; left: [0.5, 0.6)")  # fmt: skip
    tol = book.option(ws, 9, 1, "同步阈值 tolerance", 0.1, None, "LL_TOL",
                      "|U1 − U2| ≤ 阈值 → 同步型; U1 < U2 → U1滞后型")  # fmt: skip
    # entropy tables
    et = 12
    book.put(ws, et - 1, 1, "熵值法权重 entropy weights: 系统1 (=ENTROPY(SYS1_TABLE,SYS1_DIR,...))",
             font=F_SUB, border=False)  # fmt: skip
    book.array(ws, et, 1, n1 + 1, 4, f"=ENTROPY({sys1},{dir1},{norm},{zero})", fmt=NF_4)
    book.put(ws, et - 1, 6, "系统2 system 2", font=F_SUB, border=False)
    book.array(ws, et, 6, n2 + 1, 4, f"=ENTROPY({sys2},{dir2},{norm},{zero})", fmt=NF_4)
    # main table
    top = et + n1 + 4
    heads = ["地区", "年份", "U1 经济与创新", "U2 生态环境"]
    book.header(ws, top, 1, heads)
    book.header(ws, top, 8, ["协调等级 level", "滞后类型 lead/lag"])
    r0, r1 = top + 1, top + nrow
    for i in range(nrow):
        book.formula(ws, r0 + i, 1, f"=INDEX(DEV_REGION,{i + 1})", font=F_HEAD)
        book.formula(ws, r0 + i, 2, f"=INDEX(DEV_YEAR,{i + 1})", font=F_HEAD)
    book.array(ws, r0, 3, nrow, 1, f"=ENTROPYSCORE({sys1},{dir1},{norm},{zero})", fmt=NF_4)
    book.array(ws, r0, 4, nrow, 1, f"=ENTROPYSCORE({sys2},{dir2},{norm},{zero})", fmt=NF_4)
    u = book.name("U_SCORES", sref(ws.title, r0, 3, r1, 4))
    book.array(ws, top, 5, nrow + 1, 3, f"=CTD({u},{weights},{method})", fmt=NF_4, font=F_BODY)
    for c in range(5, 8):
        ws.cell(row=top, column=c).font = F_HEAD
        ws.cell(row=top, column=c).fill = FILL_HEAD
    dcol = sref(ws.title, r0, 7, r1, 7)
    book.array(ws, r0, 8, nrow, 1, f"=COORDLEVEL({dcol},{scheme},{closed})")
    book.array(ws, r0, 9, nrow, 1,
               f"=LEADLAG({sref(ws.title, r0, 3, r1, 3)},{sref(ws.title, r0, 4, r1, 4)},{tol})")  # fmt: skip
    level_colours(ws, rng(r0, 8, r1, 8, absolute=False), f"H{r0}")
    ws.conditional_formatting.add(
        rng(r0, 7, r1, 7, absolute=False),
        ColorScaleRule(
            start_type="num",
            start_value=0,
            start_color="F8696B",
            mid_type="num",
            mid_value=0.5,
            mid_color="FFEB84",
            end_type="num",
            end_value=1,
            end_color="63BE7B",
        ),  # fmt: skip
    )
    book.name("D_VALUES", dcol)
    # chart of a chosen province
    cc = 12
    sel = book.option(
        ws, 3, cc, "图表省市 province", provinces[0], "DEV_PROVINCES", "SEL_DEV_PROVINCE"
    )
    years = sorted(dev["年份"].unique().tolist())
    book.header(ws, 5, cc, ["年份", "U1", "U2", "D"])
    for t in range(len(years)):
        r = 6 + t
        book.formula(ws, r, cc, f"=INDEX(DEV_YEAR,MATCH({sel},DEV_REGION,0)+{t})", font=F_HEAD)
        for k, c in enumerate((3, 4, 7)):
            src = sref(ws.title, r0, c, r1, c)
            book.formula(ws, r, cc + 1 + k, f"=INDEX({src},MATCH({sel},DEV_REGION,0)+{t})",
                         fmt=NF_4)  # fmt: skip
    chart = LineChart()
    chart.title = "所选省市的 U1、U2 与 D（模拟数据 SIMULATED）"
    chart.height, chart.width = 8, 16
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.add_data(Reference(ws, min_col=cc + 1, max_col=cc + 3, min_row=5, max_row=5 + len(years)),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=cc, min_row=6, max_row=5 + len(years)))
    unsmooth(chart)
    ws.add_chart(chart, f"{col(cc)}{8 + len(years)}")
    book.widths(ws, [22, 10, 13, 13, 30, 10, 10, 14, 14, 3, 3, 12, 9, 9, 9])
    ws.freeze_panes = ws.cell(row=top + 1, column=3)

    # --- (b) paper 003 --------------------------------------------------------------
    ps = wb.create_sheet("陶瓷集群 (b)")
    hqd = agglo.load_dataset("ceramic_cities").set_index("城市")
    cities = list(hqd.index)
    m = len(cities)
    cluster = paper003_cluster_scores().loc[cities]
    c_pub, c_sign, d_pub, d_sign = (x.loc[cities] for x in paper003_published())
    book.title(ps, "陶瓷制造业集群与区域经济高质量发展的耦合协调（12个城市，2019）",
               source_line("ceramics") + " 表2–表4。")  # fmt: skip
    low = book.option(
        ps, 3, 1, "评分下限 low", 50, None, "P3_LOW", "论文把得分映射到 50–100 / scores on 50–100"
    )
    high = book.option(
        ps, 4, 1, "评分上限 high", 100, None, "P3_HIGH", "U = (score − low)/(high − low)"
    )
    expo = book.option(ps, 5, 1, "调节系数 exponent t", 5, None, "P3_EXPONENT",
                       "C = {U1U2/[(U1+U2)/2]²}^t，论文 t = 5")  # fmt: skip
    book.put(ps, 6, 1, "权重 a, 1−a", font=F_HEAD, fill=FILL_HEAD)
    book.put(ps, 6, 2, 0.5, fill=FILL_OPTION, font=F_HEAD)
    book.put(ps, 6, 3, 0.5, fill=FILL_OPTION, font=F_HEAD)
    pw = book.name("P3_WEIGHTS", sref(ps.title, 6, 2, 6, 3))
    cs = book.option(ps, 7, 1, "C 分类 C classes", "zhang2021-C", ["zhang2021-C", "4-stage"],
                     "P3_C_SCHEME", "zhang2021-C（章立东、李奥 2021）: 颉颃 <0.5, 低耦合 0.5–0.9, 高耦合 0.9–0.99, 完全耦合 >0.99")  # fmt: skip
    dsch = book.option(ps, 8, 1, "D 分类 D classes", "zhang2021-D",
                       ["zhang2021-D", "10-level", "5-class", "3-class"], "P3_D_SCHEME",
                       "zhang2021-D（章立东、李奥 2021）: 失调 <0.5, 低水平协调 0.5–0.9, 高水平协调 ≥0.9")  # fmt: skip
    pclosed = book.option(ps, 9, 1, "区间闭合 closed", "left", ["left", "right"], "P3_CLOSED")
    which = book.option(ps, 10, 1, "高质量发展子系统", P003_COLS[-1], P003_COLS, "P3_SYSTEM",
                        "与集群耦合的系统（表3、表4的5列之一）/ which column of Tables 3–4")  # fmt: skip
    # data table
    dt0 = 13
    book.put(
        ps,
        dt0 - 1,
        1,
        "表2 区域经济高质量发展水平（论文公布值）+ 集群水平",
        font=F_SUB,
        border=False,
    )
    book.header(ps, dt0, 1, ["城市", *P003_COLS, "集群水平 cluster*"])
    book.block(ps, dt0 + 1, 1, np.array(cities).reshape(-1, 1), fill=None)
    book.block(ps, dt0 + 1, 2, hqd[P003_COLS].to_numpy(), fmt=NF_2)
    book.block(ps, dt0 + 1, 2 + len(P003_COLS), cluster.to_numpy(), fmt=NF_2)
    hq = book.name("P3_HQD", sref(ps.title, dt0 + 1, 2, dt0 + m, 1 + len(P003_COLS)))
    hh = book.name("P3_HQD_HEAD", sref(ps.title, dt0, 2, dt0, 1 + len(P003_COLS)))
    cl = book.name("P3_CLUSTER", sref(ps.title, dt0 + 1, 2 + len(P003_COLS), dt0 + m,
                                      2 + len(P003_COLS)))  # fmt: skip
    book.note(ps, dt0 + m + 1, 1,
              "* 集群水平：论文只以图1（柱状图）给出，未列数值。此列由论文表3、表4公布的 C 与 D 反推"
              "（D = √(C·T), T = 0.5U1 + 0.5U2 ⇒ U1 = 2D²/C − U2，取5列的中位数，换回 50–100 分制，保留2位），"
              "不是论文公布的数字；有自己的集群得分时直接覆盖。 / Cluster level: the paper shows it only "
              "as a bar chart; this column is RECOVERED from the published C and D, not printed in the "
              "paper — overwrite it with your own scores.")  # fmt: skip
    # computation table
    ct = dt0 + m + 4
    book.put(ps, ct - 1, 1, "计算 computation（所选子系统）", font=F_SUB, border=False)
    book.header(ps, ct, 1, ["城市", "所选得分", "U1 集群", "U2 高质量发展"])
    book.header(ps, ct, 8, ["耦合分类", "协调分类", "滞后类型", "符号 +/−",
                            "公布 C", "公布 D", "C − 公布", "D − 公布"])  # fmt: skip
    c0r, c1r = ct + 1, ct + m
    pub_c0 = ct + m + 5
    for i in range(m):
        r = c0r + i
        book.formula(
            ps, r, 1, f"=INDEX({sref(ps.title, dt0 + 1, 1, dt0 + m, 1)},{i + 1})", font=F_HEAD
        )
        book.formula(ps, r, 2, f"=INDEX({hq},{i + 1},MATCH({which},{hh},0))", fmt=NF_2)
    book.array(ps, c0r, 3, m, 1, f"=RESCALE({cl},{low},{high})", fmt=NF_4)
    book.array(ps, c0r, 4, m, 1,
               f"=RESCALE({sref(ps.title, c0r, 2, c1r, 2)},{low},{high})", fmt=NF_4)  # fmt: skip
    pu = book.name("P3_U", sref(ps.title, c0r, 3, c1r, 4))
    book.array(ps, ct, 5, m + 1, 3, f'=CTD({pu},{pw},"standard",{expo})', fmt=NF_4)
    for c in range(5, 8):
        ps.cell(row=ct, column=c).font = F_HEAD
        ps.cell(row=ct, column=c).fill = FILL_HEAD
    book.array(ps, c0r, 8, m, 1, f"=COUPLINGSTAGE({sref(ps.title, c0r, 5, c1r, 5)},{cs},{pclosed})")
    book.array(ps, c0r, 9, m, 1, f"=COORDLEVEL({sref(ps.title, c0r, 7, c1r, 7)},{dsch},{pclosed})")
    book.array(ps, c0r, 10, m, 1,
               f"=LEADLAG({sref(ps.title, c0r, 3, c1r, 3)},{sref(ps.title, c0r, 4, c1r, 4)},0)")  # fmt: skip
    for i in range(m):
        r = c0r + i
        book.formula(ps, r, 11, f'=IF(C{r}>D{r},"+",IF(C{r}<D{r},"-",""))', font=F_HEAD)
        ps.cell(row=r, column=11).alignment = CENTER
    pc = book.name("P3_PUB_C", sref(ps.title, pub_c0 + 1, 2, pub_c0 + m, 1 + len(P003_COLS)))
    pd_start = pub_c0 + m + 3
    pdn = book.name("P3_PUB_D", sref(ps.title, pd_start + 1, 2, pd_start + m, 1 + len(P003_COLS)))
    for i in range(m):
        r = c0r + i
        book.formula(ps, r, 12, f"=INDEX({pc},{i + 1},MATCH({which},{hh},0))", fmt=NF_4)
        book.formula(ps, r, 13, f"=INDEX({pdn},{i + 1},MATCH({which},{hh},0))", fmt=NF_4)
        book.formula(ps, r, 14, f"=E{r}-L{r}", fmt="+0.0000;-0.0000;0.0000")
        book.formula(ps, r, 15, f"=G{r}-M{r}", fmt="+0.0000;-0.0000;0.0000")
    level_colours(ps, rng(c0r, 8, c1r, 9, absolute=False), f"H{c0r}")
    book.note(ps, c1r + 1, 1,
              "符号：+ 集群超前（U1 > U2），− 集群滞后，与论文表3、表4的标注一致（论文只在 <0.5 的格子标注）。"
              "按论文给出的阈值，佛山（D 0.8951）、泉州（0.8786）属「低水平协调」，而论文正文称其为高水平协调。"
              " / Signs: + cluster ahead, − lagging, as marked in the paper's Tables 3–4.")  # fmt: skip
    # published tables
    book.put(ps, pub_c0 - 1, 1, "论文表3 耦合度 C（公布值，4位小数；标注见右侧）/ Table 3 as printed",
             font=F_SUB, border=False)  # fmt: skip
    book.header(ps, pub_c0, 1, ["城市", *P003_COLS])
    book.block(ps, pub_c0 + 1, 1, np.array(cities).reshape(-1, 1), fill=None)
    book.block(ps, pub_c0 + 1, 2, c_pub.to_numpy(), fmt=NF_4, fill=None)
    book.block(ps, pub_c0 + 1, 3 + len(P003_COLS), c_sign.to_numpy(), fill=None)
    book.put(ps, pd_start - 1, 1, "论文表4 协调度 D（公布值）/ Table 4 as printed", font=F_SUB,
             border=False)  # fmt: skip
    book.header(ps, pd_start, 1, ["城市", *P003_COLS])
    book.block(ps, pd_start + 1, 1, np.array(cities).reshape(-1, 1), fill=None)
    book.block(ps, pd_start + 1, 2, d_pub.to_numpy(), fmt=NF_4, fill=None)
    book.block(ps, pd_start + 1, 3 + len(P003_COLS), d_sign.to_numpy(), fill=None)
    # chart: computed vs published D
    chart = BarChart()
    chart.title = "协调度 D：计算值与论文公布值 computed vs published"
    chart.height, chart.width = 8, 18
    chart.add_data(Reference(ps, min_col=7, min_row=ct, max_row=c1r), titles_from_data=True)
    chart.add_data(Reference(ps, min_col=13, min_row=ct, max_row=c1r), titles_from_data=True)
    chart.set_categories(Reference(ps, min_col=1, min_row=c0r, max_row=c1r))
    ps.add_chart(chart, f"{col(17)}{ct}")
    book.widths(ps, [20, 12, 12, 12, 30, 10, 10, 12, 12, 16, 9, 9, 9, 9, 9, 3])
    ps.freeze_panes = "B14"

    book.instructions(
        [
            (
                "本表计算什么 / What this workbook computes",
                (
                    "(a) 用熵值法把模拟的省级发展指标合成为两个系统得分 U1（经济与创新）和 U2（生态环境），"
                    "再计算耦合度 C、综合协调指数 T、耦合协调度 D、协调等级和滞后类型，并画出所选省市的走势图。"
                    "(a) 使用的是模拟数据（SIMULATED），结果只演示方法。\n"
                    "(b) 章立东、李奥（2021）的设定：12 个陶瓷产区城市的高质量发展指数（论文表2公布值）与集群水平，"
                    "得分从 50–100 映射到 [0,1]，调节系数 t = 5，权重 0.5/0.5，论文的 C、D 分类和超前/滞后符号，"
                    "并与论文表3、表4的公布值逐格比较。"
                ),
                (
                    "(a) The entropy method turns the simulated provincial indicators into two system "
                    "scores, U1 (economy and innovation) and U2 (environment); then the coupling degree C, "
                    "the coordination index T, the coupling coordination degree D, its level and the "
                    "lead/lag type, with a chart for a chosen province. Part (a) uses SIMULATED teaching "
                    "data: the numbers only illustrate the method.\n(b) The setting of Zhang & Li (2021): the "
                    "published development indices of 12 ceramic-producing cities (Table 2) and their "
                    "cluster levels, scores mapped from 50–100 onto [0, 1], adjustment exponent t = 5, "
                    "weights 0.5/0.5, the paper's C and D classes and lead/lag signs, compared cell by "
                    "cell with the published Tables 3–4."
                ),
            ),
            (
                "公式与约定 / Formulas and conventions",
                (
                    "熵值法：按方向极差标准化，p_ij = z_ij/Σz_ij，e_j = −Σp ln p/ln n，d_j = 1 − e_j，w_j = d_j/Σd。"
                    "C = 2√(U1U2)/(U1+U2)（standard）；wang2021 为王淑佳等(2021)修正模型；T = αU1 + βU2；D = √(C·T)。"
                    "10 级等级（廖重斌 1999）：0–0.1 极度失调 … 0.9–1 优质协调，区间闭合方式可选。"
                    "章立东、李奥（2021）：C = {U1U2/[(U1+U2)/2]²}^t，t = 5，U = (得分 − 50)/50。"
                ),
                (
                    "Entropy method: min–max normalisation with directions, p_ij = z_ij/Σz_ij, e_j = "
                    "−Σ p ln p / ln n, d_j = 1 − e_j, w_j = d_j/Σd. C = 2√(U1U2)/(U1+U2) (standard); "
                    "wang2021 = the revised model of 王淑佳 et al. (2021); T = αU1 + βU2; D = √(C·T). "
                    "10 levels (廖重斌 1999), interval closure selectable. Zhang & Li (2021): C = "
                    "{U1U2/[(U1+U2)/2]²}^t with t = 5 and U = (score − 50)/50."
                ),
            ),
            (
                "数据 / Data",
                (
                    "(a) 模拟数据：开源教材 mathmodels-book 的教学用模拟数据（非统计数据）。(b) 章立东、李奥（2021）表2（公布值）；"
                    "集群水平由表3、表4反推（论文只有柱状图），标注见表下。"
                ),
                (
                    "(a) SIMULATED teaching data from the open book mathmodels-book, not official "
                    "statistics. (b) Table 2 of Zhang & Li (2021) as published; the cluster levels are recovered "
                    "from the published Tables 3–4 (the paper gives only a bar chart), see the note."
                ),
            ),
            (
                "如何换成新数据 / How to replace the data",
                (
                    "(a) 在「数据 SIMULATED」表中粘贴同样列结构的真实数据（地区、年份按省市分组、年份升序），"
                    "第3行设置每个指标的方向；行数变化时在名称管理器中修改 SYS1_TABLE、SYS2_TABLE、DEV_REGION、"
                    "DEV_YEAR 并重新输入数组公式。(b) 用自己的集群得分覆盖黄色的「集群水平」列。"
                ),
                (
                    "(a) Paste real data with the same columns into the data sheet (rows grouped by "
                    "province, years ascending) and set each indicator's direction in row 3; when the "
                    "number of rows changes, resize SYS1_TABLE, SYS2_TABLE, DEV_REGION and DEV_YEAR in the "
                    "Name Manager and re-enter the array formulas. (b) Overwrite the yellow cluster column "
                    "with your own cluster scores."
                ),
            ),
        ],
        sources=("ceramics",),
    )
    book.save(path, active="耦合协调 (a)")


# --------------------------------------------------------------------------------------
# template 2: 产业集中度与EG指数
# --------------------------------------------------------------------------------------

EMP_YEARS = list(range(2014, 2024))
MACRO_REGIONS = ["东部", "中部", "西部", "东北"]
#: Placeholder number of enterprises per industry for the 1/N approximation of H.
FIRMS_PLACEHOLDER = 1000


def _emp_data_sheet(book: Book, years: Sequence[int], value: str = "就业人数",
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


def build_02(path: Path) -> None:
    book = Book(2)
    wb = book.wb
    industries, starts = _emp_data_sheet(book, EMP_YEARS)
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
        ("HHI 赫芬达尔指数 H = Σ s_r²", "=HHI({e})", NF_4),
        ("HHI 标准化 (H − 1/n)/(1 − 1/n)", "=HHI({e},TRUE)", NF_4),
        ("CR_n 集中度（最大 n 省份额之和）", "=CRN({e},CRN_OPT)".replace("CRN_OPT", crn), NF_PCT),
        ("空间基尼系数 G = Σ (s_r − x_r)²", "=SPATIALGINI({e})", NF_4),
        (
            "区位基尼系数 locational Gini (Krugman 1991)",
            '=LOCGINI({e},"",HALVED_OPT)'.replace("HALVED_OPT", halved),
            NF_4,
        ),
    ]
    row = 6
    firsts = []
    for title, template, fmt in tables:
        book.put(ws, row, 1, title, font=F_SUB, border=False)
        book.header(ws, row + 1, 1, ["年份", *industries])
        for i, year in enumerate(EMP_YEARS):
            r = row + 2 + i
            book.put(ws, r, 1, year, font=F_HEAD)
            book.array(ws, r, 2, 1, k, template.format(e=f"EMP_{year}"), fmt=fmt)
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
        book.array(dt_, top + 1, 1, k + 1, 5, f"=EGINDEX(EMPL_{year},FIRMS)", fmt=NF_4)
        book.array(dt_, top + 1, 7, k + 1, 4, f"=MSINDEX(EMPL_{year},FIRMS)", fmt=NF_4)
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
        book.array(mr, r0, c_share, nr, k, f"=SHAREOF({block})", fmt=NF_PCT)
        book.array(mr, r0, c_lq, nr, k, f"=LQRATIO({block})", fmt=NF_3)
        for c in range(1, c_lq + k):
            mr.cell(row=r0 + nr - 1, column=c).border = Border(
                left=THIN, right=THIN, top=THIN, bottom=Side(style="medium", color="7F7F7F")
            )
    last = 4 + nr * len(EMP_YEARS)
    mr.conditional_formatting.add(
        rng(5, c_lq, last, c_lq + k - 1, absolute=False),
        CellIsRule(
            operator="greaterThan",
            formula=["1"],
            fill=FILL_GOOD,
            font=Font(name=FONT, bold=True, color="006100"),
        ),  # fmt: skip
    )
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


# --------------------------------------------------------------------------------------
# template 3: 集聚与竞争力
# --------------------------------------------------------------------------------------

T3_YEAR = 2023


def build_03(path: Path) -> None:
    book = Book(3)
    wb = book.wb
    n = len(PROVINCES)
    industries, st_emp = _emp_data_sheet(book, [T3_YEAR], "就业人数", "EMP", "就业 employment")
    _, st_wage = _emp_data_sheet(book, [T3_YEAR], "平均工资", "WAGE", "工资 wages")
    k = len(industries)

    lqs = wb.create_sheet("区位熵矩阵 LQ")
    book.title(lqs, f"{T3_YEAR}年 就业区位熵 LQ（31 省 × 8 行业）= LQRATIO(EMP_{T3_YEAR})",
               "e_r = 该省 8 个行业就业合计，E_k = 31 省该行业合计（本数据不含全国行）。LQ > 1 绿色。")  # fmt: skip
    book.header(lqs, 3, 1, ["地区", *industries])
    for i in range(n):
        book.put(lqs, 4 + i, 1, PROVINCES[i], font=F_HEAD)
    book.array(lqs, 4, 2, n, k, f"=LQRATIO(EMP_{T3_YEAR})", fmt=NF_3)
    lq_all = book.name("LQ_MATRIX", sref(lqs.title, 4, 2, 3 + n, 1 + k))
    lqs.conditional_formatting.add(
        rng(4, 2, 3 + n, 1 + k, absolute=False),
        CellIsRule(
            operator="greaterThan",
            formula=["1"],
            fill=FILL_GOOD,
            font=Font(name=FONT, bold=True, color="006100"),
        ),  # fmt: skip
    )
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
        "利润率 = 利润总额/营业收入（小数），可用 =PROFITMARGIN(利润,收入)",
    )
    book.note(ws, r1 + 1, 1, "利润率列留空时请选用平均工资。有利润总额和营业收入时可输入 =PROFITMARGIN(利润, 收入)。"
              " / Leave the indicator on 平均工资 unless column D holds profit margins.")  # fmt: skip
    # correlation and OLS
    rc = 8
    book.put(
        ws, top - 1, rc, "相关系数 correlation =CORRTEST(x, y, method)", font=F_SUB, border=False
    )
    book.array(ws, top, rc, 2, 4, f"=CORRTEST({x},{y},{meth})", fmt=NF_4)
    book.put(ws, top + 3, rc, "OLS 回归 y = b0 + b1·LQ =OLS(y, x)", font=F_SUB, border=False)
    ot = top + 4
    book.array(ws, ot, rc, 9, 5, f"=OLS({y},{x})", fmt=NF_4)
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


# --------------------------------------------------------------------------------------
# template 5: 中心城市综合评价 (Luo's Guiyang study)
# --------------------------------------------------------------------------------------


def build_05(path: Path) -> None:
    book = Book(5)
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
    book.array(ws, et, 1, k + 1, 4, f"=ENTROPY({table},{dirs},{norm})", fmt=NF_4)
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
    book.array(ws, r0, 2, m, 1, f"=TOPSIS({table},{w},{dirs},{tnorm})", fmt=NF_4)
    book.array(ws, r0, 3, m, 1, f"=TOPSISRANK({table},{w},{dirs},{tnorm})", fmt="0")
    book.array(ws, r0, 4, m, 1, f'=COMPOSITE({table},{w},{dirs},"minmax",100)', fmt="0.00")
    book.array(ws, r0, 7, m, 1, f"=SHAREOF({gdp})", fmt=NF_PCT)
    ws.conditional_formatting.add(f"C{r0}:C{r1}", CellIsRule(operator="equal", formula=["1"],
                                                             fill=FILL_GOOD))  # fmt: skip
    ws.conditional_formatting.add(
        f"B{r0}:B{r1}", ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max",
                                       end_color="63BE7B"))  # fmt: skip
    pr = r1 + 2
    book.put(ws, pr, 1, "GDP 首位度 primacy S1/S2", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, pr, 2, f"=PRIMACY({gdp},2)", fmt="0.000")
    book.put(ws, pr + 1, 1, "四城指数 S1/(S2+S3+S4)", font=F_HEAD, fill=FILL_HEAD)
    book.formula(ws, pr + 1, 2, f"=PRIMACY({gdp},4)", fmt="0.000")
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
    book.array(ws, nt + 1, 2, m, k, f'=NORMALIZE({table},{dirs},"minmax")', fmt="0.00")
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


# --------------------------------------------------------------------------------------
# template 7: 区域差异与收敛 (Theil, Dagum, σ/β convergence, kernel density)
# --------------------------------------------------------------------------------------

WAGE_YEARS = EMP_YEARS


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


def build_07(path: Path) -> None:
    book = Book(7)
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
    book.array(ws, 7, 1, k + 3, 4, f'=THEIL({wy},"",REGION,{tindex})', fmt=NF_4)
    book.put(ws, 6, 6, "泰尔指数分解（就业加权）employment-weighted", font=F_SUB, border=False)
    book.array(ws, 7, 6, k + 3, 4, f"=THEIL({wy},{ey},REGION,{tindex})", fmt=NF_4)
    book.put(ws, 16, 1, "Dagum 基尼系数分解 Dagum decomposition", font=F_SUB, border=False)
    book.array(ws, 17, 1, k + 5, 3, f"=DAGUMGINI({wy},REGION)", fmt=NF_4)
    book.put(ws, 16, 6, "组间基尼系数 G_jh（对角线为组内 G_jj）", font=F_SUB, border=False)
    book.array(ws, 17, 6, k + 1, k + 1, f"=DAGUMMATRIX({wy},REGION)", fmt=NF_4)
    for top, left, width in ((7, 1, 4), (7, 6, 4), (17, 1, 3), (17, 6, k + 1)):
        for c in range(left, left + width):
            ws.cell(row=top, column=c).font = F_HEAD
            ws.cell(row=top, column=c).fill = FILL_HEAD
    # time series from the yearly detail sheet
    dt_ = wb.create_sheet("分解明细 detail")
    book.title(dt_, "各年分解明细（泰尔指数 T 与 Dagum 基尼系数，各省等权）Yearly decompositions",
               "每年一张表：=THEIL(WAGE_年份,\"\",REGION,\"T\") 与 =DAGUMGINI(WAGE_年份,REGION)。")  # fmt: skip
    tops = {}
    for i, y in enumerate(WAGE_YEARS):
        top = 4 + i * (k + 7)
        book.put(dt_, top, 1, f"{y}年 泰尔指数 T", font=F_SUB, border=False)
        book.put(dt_, top, 6, f"{y}年 Dagum 基尼系数", font=F_SUB, border=False)
        book.array(dt_, top + 1, 1, k + 3, 4, f'=THEIL(WAGE_{y},"",REGION,"T")', fmt=NF_4)
        book.array(dt_, top + 1, 6, k + 5, 3, f"=DAGUMGINI(WAGE_{y},REGION)", fmt=NF_4)
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
    book.array(ws, 7, lc, n + 2, 2, f"=LORENZ({wy},{ey})", fmt=NF_3)
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
    book.array(cs, 7, 1, T + 1, 6, "=SIGMACONV(WAGE,0,YEARS)", fmt=NF_4)
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
    book.array(cs, bt + 1, 1, 10, 2, f'=BETACONV(WAGE,"",{start},{end},FALSE,YEARS)', fmt=NF_4)
    book.put(
        cs, bt, 4, "β 收敛（面板，地区固定效应）panel, fixed effects", font=F_SUB, border=False
    )
    book.array(cs, bt + 1, 4, 10, 2, '=BETACONV(WAGE,"","","",TRUE,YEARS)', fmt=NF_4)
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
    book.array(kd, 5, 1, points + 1, T + 1, f"=KDENSITY(WAGEH,{bw},{points})", fmt="0.000E+00")
    for c in range(1, T + 2):
        kd.cell(row=5, column=c).font = F_HEAD
        kd.cell(row=5, column=c).fill = FILL_HEAD
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
               "公式 =CHINAWEIGHTS(HAINAN,\"W\",FALSE)：共享陆地边界为邻居；海南无陆地邻居，按所选约定与广东（及广西）相连。")  # fmt: skip
    hainan = book.option(sw, 3, 1, "海南约定 Hainan", "guangdong",
                         ["guangdong", "guangdong_guangxi", "isolated"], "HAINAN",
                         "guangdong：海南–广东；isolated 会使海南没有邻居")  # fmt: skip
    book.header(sw, 5, 2, PROVINCES)
    book.header(sw, 6, 1, PROVINCES, vertical=True)
    book.array(sw, 6, 2, n, n, f'=CHINAWEIGHTS({hainan},"W",FALSE)', fmt="0.00")
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
    book.array(sp, 6, 1, 12, 2, f"=MORANI({wy},CHINA_W)", fmt=NF_4)
    book.put(sp, 5, 4, "LISA 局部莫兰（所选年份）", font=F_SUB, border=False)
    book.header(sp, 6, 4, ["地区"])
    for i in range(n):
        book.formula(sp, 7 + i, 4, f"=INDEX('{ds.title}'!$A${r0}:$A${r1},{i + 1})", font=F_HEAD)
    book.array(sp, 6, 5, n + 1, 8, f"=LISA({wy},CHINA_W)", fmt=NF_3)
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
        book.array(sp, top, 1, 12, 2, f"=MORANI(WAGE_{y},CHINA_W)", fmt=NF_4)
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
    book.array(mk, mtx, 1, 5, 8, '=MARKOV(REL_WAGE,4,"pooled")', fmt=NF_3)
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
    book.array(mk, mtx + 7, 1, 5, 5, '=MARKOV(REL_WAGE,4,"pooled","counts")', fmt=NF_INT)
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


BUILDERS: dict[int, Callable[[Path], None]] = {
    1: build_01,
    2: build_02,
    3: build_03,
    4: build_04,
    5: build_05,
    6: build_06,
    7: build_07,
}


def build_all(out: Path, numbers: Sequence[int] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, builder in BUILDERS.items():
        if numbers and number not in numbers:
            continue
        path = out / FILES[number]
        builder(path)
        paths.append(path)
    return paths


def fill_cached_values(path: Path) -> dict[str, Any]:
    """Fill the cached value of every formula of a freshly built template.

    Uses the headless engine (:mod:`agglo_addin.engine`): ``agglo refresh`` evaluates
    the Agglo formulas and the formulas connected to them; a new template also has
    formulas unconnected to any Agglo cell (labels such as ``=INDEX(PROVINCES,1)``), so
    here every formula is evaluated (``all_formulas=True``) and the values are written
    with the engine's surgical patcher — a workbook opened in a viewer that does not
    recalculate then shows every number.
    """
    import os
    import tempfile

    from agglo_addin import engine, xlsx

    pkg = xlsx.read_package(path)
    ev = engine.evaluate_package(pkg, all_formulas=True)
    if ev.problems:
        raise RuntimeError(f"{path.name}: formulas the engine could not evaluate: {ev.problems}")
    patches = {k: v for k, v in ev.patches.items() if v}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        xlsx.write_patched(pkg, patches, tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a template is an ordinary shared file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"agglo_formulas": ev.n_agglo, "evaluated": ev.n_evaluated, "changes": len(ev.changes)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: workbooks/)"
    )
    parser.add_argument("--only", type=int, nargs="*", help="template numbers to build")
    parser.add_argument("--refresh", action="store_true",
                        help="fill the cached values with the headless engine")  # fmt: skip
    args = parser.parse_args(argv)
    paths = build_all(args.out, args.only)
    for p in paths:
        print(f"built {p}")
        if args.refresh:
            info = fill_cached_values(p)
            print(f"  cached values filled: {info}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
