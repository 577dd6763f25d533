"""Formula-heavy workbooks for the differential test of the headless engine.

Forty-odd books built with openpyxl from a fixed seed, each a block of yearbook-like data
and a few hundred formulas a statistics office writes: conditional sums and counts,
lookups, rounding, TEXT, dates and working days, statistical distributions and their
inverses, descriptive statistics, regression helpers, text functions, logic, legacy array
formulas.  The books carry no cached values (openpyxl writes none); LibreOffice's
recalculation of them is the oracle (``tests/differential_oracle.py`` writes it to
``tests/reference/differential_oracle.json``).

``build_all(folder)`` writes them and returns their paths; the same seed always gives the
same bytes of formulas and data, so the cached oracle stays valid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

REGIONS = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
           "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西"]  # fmt: skip
SECTORS = ["农业", "制造业", "建筑业", "批发零售", "金融", "信息技术"]

#: families of formulas: name → list of templates; ``{r}`` is the row, ``{n}`` the last
#: data row.  Data columns: A region, B sector, C year, D output, E employment (integer),
#: F growth rate (may be negative), G a date, H a count, I a ratio in (0, 1).
FAMILIES: dict[str, list[str]] = {
    "conditional": [
        "=SUMIFS($D$2:$D${n},$B$2:$B${n},B{r})",
        '=SUMIFS($D$2:$D${n},$B$2:$B${n},B{r},$C$2:$C${n},">="&C{r})',
        '=COUNTIFS($B$2:$B${n},B{r},$F$2:$F${n},">0")',
        "=AVERAGEIFS($E$2:$E${n},$B$2:$B${n},B{r})",
        "=SUMIF($A$2:$A${n},A{r},$E$2:$E${n})",
        '=COUNTIF($F$2:$F${n},"<"&F{r})',
        "=SUMPRODUCT(($B$2:$B${n}=B{r})*$D$2:$D${n})",
        "=IFERROR(D{r}/SUMIF($B$2:$B${n},B{r},$D$2:$D${n}),0)",
    ],
    "lookup": [
        "=VLOOKUP(A{r},$A$2:$I${n},4,FALSE)",
        "=INDEX($D$2:$D${n},MATCH(A{r},$A$2:$A${n},0))",
        "=MATCH(D{r},$D$2:$D${n},0)",
        '=HLOOKUP("output",$D$1:$F${n},2,FALSE)',
        '=IFERROR(VLOOKUP("无此地区",$A$2:$D${n},2,FALSE),"缺失")',
        "=INDEX($A$2:$I${n},{k},3)",
        '=LOOKUP(H{r},{{0,10,20,40}},{{"低","中","高","极高"}})',
        "=CHOOSE(MOD({r},3)+1,D{r},E{r},H{r})",
    ],
    "rounding": [
        "=ROUND(D{r},2)",
        "=ROUND(F{r}*100,1)",
        "=ROUNDUP(D{r}/7,1)",
        "=ROUNDDOWN(-D{r}/7,1)",
        "=MROUND(E{r},5)",
        "=INT(F{r}*10)",
        "=TRUNC(F{r}*10)",
        "=MOD(E{r},7)",
        "=ROUND(D{r},-2)",
        "=CEILING(D{r},10)",
        "=FLOOR(D{r},10)",
        "=ABS(F{r})*SIGN(F{r})",
    ],
    "text": [
        '=TEXT(D{r},"0.00")',
        '=TEXT(F{r},"0.0%")',
        '=TEXT(G{r},"yyyy-mm-dd")',
        '=TEXT(D{r},"#,##0")',
        '=A{r}&"-"&B{r}',
        "=LEFT(A{r},1)",
        "=LEN(A{r}&B{r})",
        '=SUBSTITUTE(B{r},"业","")',
        '=UPPER("gdp")&C{r}',
        '=VALUE(TEXT(E{r},"0"))',
        '=MID("2015年统计年鉴",1,4)+0',
        '=TRIM("  "&A{r}&"  ")',
        '=FIND("业",B{r}&"业")',
        '=REPT("*",MOD(E{r},5))',
    ],
    "dates": [
        "=YEAR(G{r})",
        "=MONTH(G{r})",
        "=DAY(G{r})",
        "=WEEKDAY(G{r})",
        "=WEEKDAY(G{r},2)",
        "=EOMONTH(G{r},1)",
        "=EDATE(G{r},-3)",
        "=DATE(C{r},12,31)-G{r}",
        "=NETWORKDAYS(G{r},G{r}+30)",
        "=WORKDAY(G{r},10)",
        "=YEARFRAC(DATE(C{r},1,1),G{r})",
        "=DAYS360(DATE(C{r},1,1),G{r})",
        "=WEEKNUM(G{r})",
        '=DATEVALUE("2020-03-15")+C{r}-2020',
    ],
    "distributions": [
        "=NORM.DIST(F{r},0,0.1,TRUE)",
        "=NORM.DIST(F{r},0,0.1,FALSE)",
        "=NORM.S.INV(I{r})",
        "=NORM.INV(I{r},100,15)",
        "=NORMSDIST(F{r}*10)",
        "=T.DIST(F{r}*10,5,TRUE)",
        "=T.DIST.2T(ABS(F{r})*10,8)",
        "=T.INV.2T(I{r},10)",
        "=CHISQ.DIST(H{r}/10,4,TRUE)",
        "=CHISQ.INV.RT(I{r},3)",
        "=F.DIST(H{r}/20,3,12,TRUE)",
        "=BINOM.DIST(MOD(H{r},10),10,0.3,FALSE)",
        "=EXPON.DIST(H{r}/10,0.5,TRUE)",
        "=GAMMA.DIST(H{r}/10,2,1.5,TRUE)",
        "=LOGNORM.DIST(D{r}/100,1,0.8,TRUE)",
        "=CONFIDENCE.NORM(0.05,2.5,E{r})",
    ],
    "descriptive": [
        "=AVERAGE($D$2:$D${n})",
        "=MEDIAN($D$2:$D${n})",
        "=STDEV.S($D$2:$D${n})",
        "=STDEV.P($E$2:$E${n})",
        "=VAR.S($F$2:$F${n})",
        "=PERCENTILE.INC($D$2:$D${n},I{r})",
        "=QUARTILE.INC($D$2:$D${n},MOD({r},5))",
        "=PERCENTRANK.INC($D$2:$D${n},D{r})",
        "=RANK.EQ(D{r},$D$2:$D${n})",
        "=RANK.EQ(F{r},$F$2:$F${n},1)",
        "=LARGE($E$2:$E${n},MOD({r},5)+1)",
        "=SMALL($E$2:$E${n},MOD({r},5)+1)",
        "=GEOMEAN($E$2:$E${n})",
        "=HARMEAN($E$2:$E${n})",
        "=AVEDEV($D$2:$D${n})",
        "=KURT($D$2:$D${n})",
        "=SKEW($D$2:$D${n})",
        "=MAX($F$2:$F${n})-MIN($F$2:$F${n})",
        "=COUNTA($A$2:$A${n})+COUNTBLANK($J$2:$J${n})",
    ],
    "regression": [
        "=CORREL($D$2:$D${n},$E$2:$E${n})",
        "=SLOPE($D$2:$D${n},$E$2:$E${n})",
        "=INTERCEPT($D$2:$D${n},$E$2:$E${n})",
        "=RSQ($D$2:$D${n},$E$2:$E${n})",
        "=FORECAST(E{r},$D$2:$D${n},$E$2:$E${n})",
        "=STEYX($D$2:$D${n},$E$2:$E${n})",
        "=COVARIANCE.S($D$2:$D${n},$E$2:$E${n})",
        "=PEARSON($D$2:$D${n},$H$2:$H${n})",
        "=SUMSQ($F$2:$F${n})",
        "=SUMXMY2($D$2:$D${n},$E$2:$E${n})",
        "=D{r}/SUM($D$2:$D${n})",
        "=(D{r}/E{r})/(SUM($D$2:$D${n})/SUM($E$2:$E${n}))",
    ],
    "logic": [
        '=IF(F{r}>0,"增长","下降")',
        "=IF(AND(F{r}>0,E{r}>500),1,0)",
        "=IF(OR(F{r}<-0.05,I{r}>0.9),D{r},-D{r})",
        '=IFERROR(1/(MOD(E{r},3)-1),"除零")',
        "=IFNA(MATCH(-1,$F$2:$F${n},0),-1)",
        "=NOT(ISBLANK(J{r}))",
        "=ISNUMBER(D{r})+ISTEXT(A{r})*2",
        '=IF(ISERROR(FIND("业",B{r})),"否","是")',
        "=XOR(F{r}>0,I{r}>0.5)",
        '=IFS(F{r}>0.05,"快",F{r}>0,"慢",TRUE,"负")',
        '=SWITCH(MOD(E{r},3),0,"零",1,"一","二")',
        "=N(D{r}>1000)",
    ],
    "finance": [
        "=PMT(0.05/12,120,-D{r})",
        "=FV(0.03,C{r}-2010,-E{r})",
        "=PV(0.04,10,-H{r})",
        "=NPV(0.05,D{r},E{r},H{r})",
        "=RATE(10,-100,800)",
        "=NPER(0.01,-100,5000)",
        "=IPMT(0.05/12,1,120,-D{r})",
        "=(1+F{r})^(1/5)-1",
        "=LN(D{r})",
        "=LOG10(E{r})",
        "=EXP(F{r})",
        "=SQRT(ABS(F{r}))",
        "=POWER(I{r},3)",
        "=PRODUCT(I{r},H{r},0.5)",
    ],
}
#: legacy array formulas (CSE): (anchor offset, size, formula)
ARRAYS = [
    "=SUM(($B$2:$B${n}=B{r})*($D$2:$D${n}))",
    "=MAX(IF($B$2:$B${n}=B{r},$D$2:$D${n}))",
    "=SUM(IF($F$2:$F${n}>0,1,0))",
]


def _data(rng: np.random.Generator, n_rows: int, negative: bool):
    rows = []
    for i in range(n_rows):
        year = 2012 + int(rng.integers(0, 12))
        d = dt.date(year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        growth = float(rng.normal(0.03, 0.08 if negative else 0.03))
        output = float(np.round(rng.lognormal(7, 1), 3))
        # values on the rounding edge: x.xx5 (binary floats just below or above)
        if i % 5 == 0:
            output = float(int(output)) + 0.005 + (0.01 * int(rng.integers(0, 9)))
        rows.append([
            REGIONS[i % len(REGIONS)], SECTORS[int(rng.integers(0, len(SECTORS)))], year,
            -output if negative and i % 7 == 3 else output, int(rng.integers(50, 5000)),
            round(growth, 4), d, int(rng.integers(1, 60)), float(rng.uniform(0.02, 0.98)),
        ])  # fmt: skip
    return rows


def build_book(path: Path, family: str, seed: int, n_rows: int = 20) -> Path:
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    rng = np.random.default_rng(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["region", "sector", "year", "output", "employment", "growth", "date", "count",
               "ratio", "blank"])  # fmt: skip
    for row in _data(rng, n_rows, negative=seed % 2 == 1):
        ws.append(row)
    for r in range(2, n_rows + 2):
        ws.cell(r, 7).number_format = "yyyy-mm-dd"
    n = n_rows + 1
    out = wb.create_sheet("计算")
    templates = FAMILIES[family]
    for j, tpl in enumerate(templates):
        out.cell(1, j + 1, f"f{j + 1}")
        for r in range(2, n + 1):
            text = tpl.format(r=r, n=n, k=(r % n_rows) + 1)
            # formulas on the output sheet read the data sheet
            out.cell(r, j + 1, _xlfn(_on_sheet(text, "数据")))
    if family in ("conditional", "descriptive"):
        c = len(templates) + 2
        for k, tpl in enumerate(ARRAYS):
            for r in range(2, 6):
                ref = f"{out.cell(r, c + k).coordinate}"
                out[ref] = ArrayFormula(ref, _xlfn(_on_sheet(tpl.format(r=r, n=n), "数据")))
    # a totals row that depends on the computed sheet
    last = n + 2
    for j in range(len(templates)):
        col = out.cell(1, j + 1).column_letter
        out.cell(last, j + 1, f"=IFERROR(SUM({col}2:{col}{n}),0)")
    wb.save(path)
    return path


#: functions newer than Excel 2007, stored with the ``_xlfn.`` prefix as Excel stores them
XLFN = ["NORM.DIST", "NORM.S.INV", "NORM.INV", "T.DIST.2T", "T.DIST", "T.INV.2T",
        "CHISQ.DIST", "CHISQ.INV.RT", "F.DIST", "BINOM.DIST", "EXPON.DIST", "GAMMA.DIST",
        "LOGNORM.DIST", "CONFIDENCE.NORM", "STDEV.S", "STDEV.P", "VAR.S", "PERCENTILE.INC",
        "QUARTILE.INC", "PERCENTRANK.INC", "RANK.EQ", "COVARIANCE.S", "IFNA", "XOR", "IFS",
        "SWITCH"]  # fmt: skip


def _xlfn(text: str) -> str:
    import re

    names = "|".join(re.escape(x) for x in sorted(XLFN, key=len, reverse=True))
    return re.sub(rf"(?<![\w.])({names})\(", r"_xlfn.\1(", text)


def _on_sheet(text: str, sheet: str) -> str:
    """Qualify the references to data columns A..J with the data sheet."""
    import re

    return re.sub(
        r"(?<![A-Za-z_\"!.])(\$?[A-J]\$?\d+(?::\$?[A-J]\$?\d+)?)(?![\d(\"])",
        lambda m: f"'{sheet}'!{m.group(1)}",
        text,
    )


def build_all(folder: Path) -> list[Path]:
    """Two books per family (the second with negative values and wider growth rates),
    plus larger books of every family: 40 books."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, fam in enumerate(FAMILIES):
        for k in range(4):
            seed = 1000 + 10 * i + k
            paths.append(
                build_book(folder / f"{fam}_{k}.xlsx", fam, seed, n_rows=20 if k < 2 else 40)
            )
    return paths
