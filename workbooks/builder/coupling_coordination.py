"""Template 04: 耦合协调度 (coupling coordination).

``build(path)`` writes the workbook ``FILE``; ``NUMBER`` and ``TITLE`` name it.
"""

from __future__ import annotations

from pathlib import Path

import agglo
import numpy as np
from agglo_addin.declare import formula
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule

from .book import Book, directions_dv, unsmooth
from .data import ceramics_cluster_scores, ceramics_published_tables
from .refs import col, rng, sref
from .sources import source_line
from .styles import (
    CENTER,
    F_BODY,
    F_HEAD,
    F_SUB,
    F_WARN,
    FILL_BAD,
    FILL_GOOD,
    FILL_HEAD,
    FILL_INPUT,
    FILL_MID,
    FILL_OPTION,
    FILL_WARN,
    NF_2,
    NF_4,
    NF_INT,
)

NUMBER = 4
FILE = "04_coupling_coordination.xlsx"
TITLE = "耦合协调度 Coupling coordination"

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


def build(path: Path) -> None:
    book = Book(TITLE)
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
    fx = formula("ENTROPY", sys1, directions=dir1, normalize=norm, zero=zero)
    book.array(ws, et, 1, n1 + 1, 4, fx, fmt=NF_4)
    book.put(ws, et - 1, 6, "系统2 system 2", font=F_SUB, border=False)
    fx = formula("ENTROPY", sys2, directions=dir2, normalize=norm, zero=zero)
    book.array(ws, et, 6, n2 + 1, 4, fx, fmt=NF_4)
    # main table
    top = et + n1 + 4
    heads = ["地区", "年份", "U1 经济与创新", "U2 生态环境"]
    book.header(ws, top, 1, heads)
    book.header(ws, top, 8, ["协调等级 level", "滞后类型 lead/lag"])
    r0, r1 = top + 1, top + nrow
    for i in range(nrow):
        book.formula(ws, r0 + i, 1, f"=INDEX(DEV_REGION,{i + 1})", font=F_HEAD)
        book.formula(ws, r0 + i, 2, f"=INDEX(DEV_YEAR,{i + 1})", font=F_HEAD)
    fx = formula("ENTROPYSCORE", sys1, directions=dir1, normalize=norm, zero=zero)
    book.array(ws, r0, 3, nrow, 1, fx, fmt=NF_4)
    fx = formula("ENTROPYSCORE", sys2, directions=dir2, normalize=norm, zero=zero)
    book.array(ws, r0, 4, nrow, 1, fx, fmt=NF_4)
    u = book.name("U_SCORES", sref(ws.title, r0, 3, r1, 4))
    fx = formula("CTD", u, weights=weights, method=method)
    book.array(ws, top, 5, nrow + 1, 3, fx, fmt=NF_4, font=F_BODY)
    for c in range(5, 8):
        ws.cell(row=top, column=c).font = F_HEAD
        ws.cell(row=top, column=c).fill = FILL_HEAD
    dcol = sref(ws.title, r0, 7, r1, 7)
    book.array(ws, r0, 8, nrow, 1, formula("COORDLEVEL", dcol, scheme=scheme, closed=closed))
    u1, u2 = sref(ws.title, r0, 3, r1, 3), sref(ws.title, r0, 4, r1, 4)
    book.array(ws, r0, 9, nrow, 1, formula("LEADLAG", u1, u2, tolerance=tol))
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

    # --- (b) the ceramics study (章立东、李奥 2021) -----------------------------------------
    ps = wb.create_sheet("陶瓷集群 (b)")
    hqd = agglo.load_dataset("ceramic_cities").set_index("城市")
    cities = list(hqd.index)
    m = len(cities)
    cluster = ceramics_cluster_scores().loc[cities]
    c_pub, c_sign, d_pub, d_sign = (x.loc[cities] for x in ceramics_published_tables())
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
    book.array(ps, c0r, 3, m, 1, formula("RESCALE", cl, low, high), fmt=NF_4)
    book.array(ps, c0r, 4, m, 1,
               formula("RESCALE", sref(ps.title, c0r, 2, c1r, 2), low, high), fmt=NF_4)  # fmt: skip
    pu = book.name("P3_U", sref(ps.title, c0r, 3, c1r, 4))
    fx = formula("CTD", pu, weights=pw, method='"standard"', exponent=expo)
    book.array(ps, ct, 5, m + 1, 3, fx, fmt=NF_4)
    for c in range(5, 8):
        ps.cell(row=ct, column=c).font = F_HEAD
        ps.cell(row=ct, column=c).fill = FILL_HEAD
    fx = formula("COUPLINGSTAGE", sref(ps.title, c0r, 5, c1r, 5), scheme=cs, closed=pclosed)
    book.array(ps, c0r, 8, m, 1, fx)
    fx = formula("COORDLEVEL", sref(ps.title, c0r, 7, c1r, 7), scheme=dsch, closed=pclosed)
    book.array(ps, c0r, 9, m, 1, fx)
    u1, u2 = sref(ps.title, c0r, 3, c1r, 3), sref(ps.title, c0r, 4, c1r, 4)
    book.array(ps, c0r, 10, m, 1, formula("LEADLAG", u1, u2, tolerance="0"))
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
