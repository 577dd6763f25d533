"""Fonts, fills, alignments and number formats of the templates."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT = "Microsoft YaHei"
THIN = Side(style="thin", color="B7B7B7")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
F_TITLE = Font(name=FONT, bold=True, size=14, color="1F3864")
F_SUB = Font(name=FONT, bold=True, size=11, color="1F3864")
F_HEAD = Font(name=FONT, bold=True, size=10)
F_BODY = Font(name=FONT, size=10)
F_NOTE = Font(name=FONT, size=9, italic=True, color="595959")
F_WARN = Font(name=FONT, bold=True, size=11, color="C00000")
F_GOOD = Font(name=FONT, bold=True, color="006100")  # on FILL_GOOD
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
