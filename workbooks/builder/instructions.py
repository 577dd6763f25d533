"""The 说明 (instructions) sheet: the sections every template shares and the sheet's layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .sources import sources_section
from .styles import F_NOTE, F_SUB, F_TITLE, WRAP

if TYPE_CHECKING:
    from .book import Book

#: The 说明 column (character widths) and the characters per printed line of its text.
INSTR_WIDTH = 80
INSTR_ZH_PER_LINE = 36
INSTR_EN_PER_LINE = 80


def wrapped_lines(text: str, per_line: int) -> int:
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


def instructions_sheet(book: Book, sections: Sequence[tuple[str, str, str]],
                       sources: Sequence[str] = ()) -> None:  # fmt: skip
    """The 说明 sheet of ``book``: (heading, Chinese text, English text) per section.

    One column, Chinese paragraph above its English one, so that the sheet prints
    portrait on A4 at full size; ``sources`` are keys of :data:`.sources.CITATIONS`.
    The shared sections frame the template's own: which file for whom first, then the
    template's sections and its sources, then array formulas and the colour code.
    """
    ws = book.wb.create_sheet("说明 Instructions", 0)
    ws.sheet_view.showGridLines = False
    book.put(ws, 1, 1, book.heading, font=F_TITLE, border=False)
    book.put(ws, 2, 1, "Agglo 模板 / Agglo template — 每节中文在上，English below",
             font=F_NOTE, border=False)  # fmt: skip
    row = 4
    extra = [sources_section(*sources)] if sources else []
    for heading, zh, en in [*COMMON_SECTIONS[:1], *sections, *extra, *COMMON_SECTIONS[1:]]:
        book.put(ws, row, 1, heading, font=F_SUB, border=False)
        row += 1
        for text, per_line in ((zh, INSTR_ZH_PER_LINE), (en, INSTR_EN_PER_LINE)):
            book.put(ws, row, 1, text, align=WRAP, border=False)
            ws.row_dimensions[row].height = min(409, 15 * wrapped_lines(text, per_line) + 4)
            row += 1
        row += 1
    ws.column_dimensions["A"].width = INSTR_WIDTH
    ws.page_setup.orientation = "portrait"
