"""Every worksheet function, declared once: name, agglo functions, arguments, help,
description and layout (see :mod:`agglo_addin.declare`).

A declaration without an adapter is the common pattern (read each argument by its
kind, call the agglo function, lay the result out); the wrapper is made from it.  A
function that needs more keeps its body here as a small adapter next to its
declaration, taking the cells as Excel passes them.  Adding a measure touches its
:mod:`agglo` module, one declaration here and its tests; the xlwings decoration
(:mod:`agglo_addin.udfs`), the headless engine, xlwings Lite's ``main.py`` and the README
table follow from :data:`DECLARATIONS`.

Works cited in the descriptions: 章立东、李奥（2021）传统制造业集群与区域经济高质量发展耦合
研究——以陶瓷制造业为例，《江西社会科学》2021 年第 3 期; 《有色金属产业集聚程度及其与竞争力之间
的关系》(Guizhou and nine western provinces; the text names no author or journal).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from agglo import AggloValueError

from . import conversion as cv
from .declaration import MAX_DRAWS, REQUIRED, Arg, Declaration
from .declaration import error as _error
from .declaration import fn as _fn
from .declaration import is_single as _is_single
from .declaration import read_directions as _directions
from .declaration import read_optional_array as _optional_array
from .declaration import read_optional_block as _optional_block
from .declaration import read_ri as _ri_option
from .declaration import read_seed as _seed
from .declaration import read_weights as _weights_arg

__all__ = ["DECLARATIONS"]

_opt = cv.read_option
_DECLARED: list[Declaration] = []


def _declare(name: str, calls: str | tuple[str, ...], zh: str, en: str, *args: Arg, **kw: Any):
    """Add the declaration of the worksheet function ``name``."""
    calls = (calls,) if isinstance(calls, str) else calls
    _DECLARED.append(Declaration(name, calls, _FAMILY, zh, en, args, **kw))


def _arg(name: str, kind: str, zh: str, en: str, default: Any = REQUIRED, **kw: Any) -> Arg:
    return Arg(name, kind, zh, en, default, **kw)


def _convention_header(first: str, convention: str, missing: int = 0) -> str:
    """The first header cell of a table result: what was computed and how, and how many
    cells were read as missing (blank, placeholder, error value) and left out."""
    if missing:
        note = f"缺失{missing}格 / {missing} missing cell{'s' if missing > 1 else ''} left out"
        convention = f"{convention}; {note}" if convention else note
    return f"{first} [{convention}]" if convention else first


def _none_text(value: Any, name: str, default: str) -> Any:
    """A text option where ``none`` means None (no normalisation)."""
    v = _opt(value, name, default)
    return None if isinstance(v, str) and v.lower() == "none" else v


# the arguments many functions share -------------------------------------------------

_DATA = ("地区×行业数据块（可含标签）。", "Block regions × industries (labels allowed).")
_RT = (
    "可选：各地区合计（一列）；空=行和。",
    "Optional total of each region (column). Blank = row sums of the block.",
)
_PERCENT = ("TRUE：百分数；默认FALSE（小数）。", "TRUE: in percent. Default FALSE (a fraction).")
_MATRIX = ("单位×指标数据块（可含标签）。", "Block units × indicators (labels allowed).")
_DIRECTIONS = (
    "各指标方向一行：+ 或 -；空=全为+。",
    "Row with one direction per indicator: + or -. Blank = all +.",
)
_AHP_METHOD = (
    "eigen（特征根法，默认）、sum（和积法）或 geometric（方根法）。",
    "eigen (特征根法, default), sum (和积法) or geometric (方根法).",
)
_RI = (
    "RI表：saaty1980（默认）等，或直接给RI数值。",
    "RI table: saaty1980 (default), chinese, saaty2005, tummala_ling, donegan_dodd; or RI as a number.",
)
_LANG = ("zh（默认）或 en。", "zh (default) or en.")
_CLOSED = (
    "right（默认）：区间(a, b]；left：[a, b)。",
    "right (default): intervals (a, b]; left: [a, b).",
)


def _data() -> Arg:
    return _arg("data", "block", *_DATA, totals="labels", extensive=True)


def _region_totals() -> Arg:
    return _arg("region_totals", "number_or_vector", *_RT, None)


# --------------------------------------------------------------------------------------
# location and specialisation (区位熵, 专业化)
# --------------------------------------------------------------------------------------
_FAMILY = "location"


def _lqratio(
    data,
    region_totals=None,
    industry_totals=None,
    grand_total=None,
    form="ratio",
    threshold=1.0,
):
    block = cv.read_block(data, "data", totals="labels", extensive=True)
    values: Any = block.values
    rt = _optional_array(region_totals, "region_totals")
    it = _optional_array(industry_totals, "industry_totals")
    gt = _opt(grand_total, "grand_total", None, "number")
    scalar = values.size == 1 and rt is not None and it is not None and gt is not None
    if scalar:
        values = float(values[0, 0])
    result = cv.call_checked(
        _fn("location_quotient"),
        values,
        rt,
        it,
        gt,
        form=_opt(form, "form", "ratio"),
        threshold=_opt(threshold, "threshold", 1.0, "number"),
        totals=True,
    )
    return cv.to_excel(result)


# fmt: off
_declare(
    "LQRATIO",
    "location_quotient",
    "区位熵：选地区×行业数据块，得区位熵矩阵；合计行须另作参照。",
    "Location quotient 区位熵 LQ=(E_rk/E_r)/(E_k/E): a block gives the LQ matrix; one cell "
    "with the three totals gives one LQ. A 全国/合计 row inside the block is refused, pass it "
    "as industry_totals.",
    _arg("data", "block", "地区×行业数据块（可含标签），或标量形式的一格 e_rk。", "Block regions × industries (labels allowed), or one cell e_rk for the scalar form."),
    _arg("region_totals", "number_or_vector", "可选：各地区合计 E_r（一列）或一格；空=行和。", "Optional: each region's total E_r (column), or one cell. Blank = row sums.", None),
    _arg("industry_totals", "number_or_vector", "可选：各行业全国合计 E_k（一行，如全国行）。", "Optional: national total of each industry E_k (row, e.g. the 全国 row).", None),
    _arg("grand_total", "number", "可选：全国总量 E（一格）；空=行业合计之和。", "Optional: national total E (one cell). Blank = sum of industry totals.", None),
    _arg("form", "text", "ratio（默认）、binary、additive、symmetric、zscore、log_zscore。", "ratio (default), binary (LQ>=threshold), additive, symmetric, zscore, log_zscore.", "ratio"),
    _arg("threshold", "number", "form=binary 的临界值（默认1）。", "Cut-off for form=binary (default 1).", 1.0),
    result="matrix",
    adapter=_lqratio,
    aliases={
        "LQ": "Location quotient 区位熵: the short name LQ, kept for classic Excel only. Type "
        "LQRATIO, which also works in xlwings Lite (Office custom functions need 3+ letters)."
    },
)
# fmt: on

# fmt: off
_declare(
    "LQSCORE",
    "lq_score",
    "区位熵得分：把区位熵线性映射到[low, high]。",
    "LQ score 区位熵得分 (章立东、李奥 2021): maps [m/2, 2m] linearly onto [low, high], m = "
    "mean LQ.",
    _arg("lq", "block", "区位熵（任意区域）。", "Location quotients (any range)."),
    _arg("low", "number", "LQ = m/2 对应的得分（默认50）。", "Score given to LQ = m/2 (default 50).", 50.0),
    _arg("high", "number", "LQ = 2m 对应的得分（默认100）。", "Score given to LQ = 2m (default 100).", 100.0),
    _arg("mean", "number", "可选 m；空=所给区位熵的均值。", "Optional m; blank = mean of the LQs given.", None, to="mean"),
    _arg("clip", "bool", "TRUE（默认）：得分限于[low, high]。", "TRUE (default) keeps scores within [low, high].", True, to="clip"),
    result="value",
)
# fmt: on

# fmt: off
_declare(
    "KRUGMAN",
    "krugman_specialisation",
    "克鲁格曼专业化指数：每个地区一个值（一列）。",
    "Krugman specialisation index 克鲁格曼专业化指数 of each region, Σ_k |s_rk − s_k| (a column).",
    _data(),
    _arg("industry_totals", "number_or_vector", "可选：各行业全国合计（一行）；空=列和。", "Optional national total of each industry (row). Blank = column sums.", None),
    _arg("halved", "bool", "FALSE（默认）：Σ|s-x|，在[0,2]；TRUE：其一半，在[0,1]。", "FALSE (default): Σ|s-x| in [0,2]; TRUE: half of it, in [0,1].", False, to="halved"),
    result="column",
    checked=True,
)
# fmt: on

# fmt: off
_declare(
    "HOOVER",
    "hoover_coefficient",
    "胡佛地方化系数：每个行业一个值（一行）。",
    "Hoover localisation coefficient 胡佛地方化系数 of each industry, ½Σ_r|s_rk − x_r| (a row).",
    _data(),
    _arg("region_totals", "number_or_vector", "可选：各地区合计（一列）；空=行和。", "Optional total of each region (column). Blank = row sums.", None),
    _arg("halved", "bool", "TRUE（默认）：½Σ|s-x|，在[0,1]；FALSE：Σ|s-x|。", "TRUE (default): ½Σ|s-x| in [0,1]; FALSE: Σ|s-x|.", True, to="halved"),
    result="row",
    checked=True,
)
# fmt: on


# --------------------------------------------------------------------------------------
# concentration (集中度, 基尼系数, EG)
# --------------------------------------------------------------------------------------
_FAMILY = "concentration"


def _by_column(data: np.ndarray) -> tuple[np.ndarray, bool]:
    """A single row or column is one series (1-D); otherwise columns are series."""
    if data.shape[0] == 1 or data.shape[1] == 1:
        return data.ravel(), True
    return data, False


def _per_series(result: Any, single: bool) -> Any:
    if single:
        arr = np.asarray(result, dtype=float).reshape(-1)
        return cv.to_excel(arr[0]) if arr.size == 1 else cv.to_row(arr)
    return cv.to_row(result)


def _hhi(values, normalized=False, percent=False):
    arr, single = _by_column(
        cv.read_block(values, "values", totals="labels", extensive=True).values
    )
    result = cv.call_checked(
        _fn("hhi"),
        arr,
        normalized=_opt(normalized, "normalized", False, "bool"),
        percent=_opt(percent, "percent", False, "bool"),
        totals="rows",
    )
    return _per_series(result, single)


# fmt: off
_declare(
    "HHI",
    "hhi",
    "赫芬达尔指数：每列一个值；单列得一个值。不得含合计行。",
    "Herfindahl–Hirschman index 赫芬达尔指数 H = Σ s_i², one per column of the block (a row), "
    "or one value for a single row/column.",
    _arg("values", "block", "一列（或一行）规模，或数据块：每列（行业）一个HHI。", "One column (or row) of sizes, or a block: one HHI per column (industry)."),
    _arg("normalized", "bool", "TRUE：(H−1/n)/(1−1/n)，在[0,1]。默认FALSE。", "TRUE: (H−1/n)/(1−1/n) in [0,1]. Default FALSE.", False),
    _arg("percent", "bool", "TRUE：份额用百分数，HHI在0–10000。默认FALSE。", "TRUE: shares in percent, HHI on 0–10000. Default FALSE.", False),
    result="per series",
    adapter=_hhi,
)
# fmt: on


def _crn(values, n=4):
    arr, single = _by_column(
        cv.read_block(values, "values", totals="labels", extensive=True).values
    )
    result = cv.call_checked(
        _fn("concentration_ratio"), arr, n=_opt(n, "n", 4, "int"), totals="rows"
    )
    return _per_series(result, single)


# fmt: off
_declare(
    "CRN",
    "concentration_ratio",
    "行业集中度CRn：最大n个单位的份额之和。",
    "Concentration ratio 行业集中度 CR_n: share of the n largest units, one per column (a row), "
    "or one value for a single row/column.",
    _arg("values", "block", "一列（或一行）规模，或数据块：每列（行业）一个CRn。", "One column (or row) of sizes, or a block: one CR_n per column (industry)."),
    _arg("n", "int", "最大单位个数（默认4）。", "Number of largest units (default 4).", 4),
    result="per series",
    adapter=_crn,
)
# fmt: on

# fmt: off
_declare(
    "GINI",
    "gini",
    "基尼系数：一行或一列数值，可加人口权重。",
    "Gini coefficient 基尼系数 of a distribution, plain or population-weighted.",
    _arg("values", "vector", "一行或一列数值（如各地区收入或产值）。", "One row or column of values (e.g. income or output of each region).", totals=True, extensive=True),
    _arg("weights", "weights", "可选：等长权重（如人口），得加权基尼系数。", "Optional weights of the same length (e.g. population) for the weighted Gini.", None, to="weights"),
    _arg("corrected", "bool", "TRUE：小样本校正 n/(n−1)。默认FALSE。", "TRUE: small-sample correction n/(n−1). Default FALSE.", False, to="corrected"),
    result="values",
    fixed={"total_rows": "raise"},
)
# fmt: on

_declare(
    "SPATIALGINI",
    "spatial_gini",
    "空间基尼系数：每个行业一个值。",
    "Spatial Gini 空间基尼系数 of each industry, Σ_r (s_rk − x_r)² (a row).",
    _data(),
    _region_totals(),
    result="row",
    checked=True,
)

# fmt: off
_declare(
    "LOCGINI",
    "locational_gini",
    "区位基尼系数：每个行业一个值。",
    "Locational Gini 区位基尼系数 (Krugman's Lorenz-curve Gini) of each industry (a row).",
    _data(),
    _region_totals(),
    _arg("halved", "bool", "TRUE：如EconGeo取一半。默认FALSE。", "TRUE: halve the value as EconGeo does. Default FALSE.", False, to="halved"),
    result="row",
    checked=True,
)
# fmt: on

_declare(
    "LQGINI",
    "lq_gini",
    "区位熵基尼系数：每个行业一个值。",
    "Gini of the location quotients 区位熵基尼系数 of each industry (REAT gini.conc), a row.",
    _data(),
    _region_totals(),
    result="row",
    checked=True,
)


def _eg_table(
    result: Any, labels: list[Any] | None, with_z: bool, missing: int = 0
) -> list[list[Any]]:
    k = np.size(result.gamma)
    names = labels if labels is not None and len(labels) == k else list(range(1, k + 1))
    header = [
        _convention_header("industry", f"H: {result.approximation}; {result.convention}", missing),
        "gamma γ",
        "G",
        "H",
    ]
    cols = [names, result.gamma, result.G, result.H]
    if with_z:
        header.append("z")
        cols.append(result.z)
    return cv.to_table(header, cols)


def _eg_like(func: str, with_z: bool, data, firm_counts, herfindahl, approximation):
    block = cv.read_block(data, "data", totals="labels", extensive=True)
    fc = _optional_block(firm_counts, "firm_counts")
    h = _weights_arg(herfindahl, "herfindahl")
    result = _fn(func)(
        block.values,
        herfindahl=h,
        firm_counts=fc,
        approximation=_opt(approximation, "approximation", None),
    )
    return _eg_table(result, block.col_labels, with_z=with_z, missing=block.missing)


def _egindex(data, firm_counts=None, herfindahl=None, approximation=None):
    return _eg_like("ellison_glaeser", True, data, firm_counts, herfindahl, approximation)


def _msindex(data, firm_counts=None, herfindahl=None, approximation=None):
    return _eg_like("maurel_sedillot", False, data, firm_counts, herfindahl, approximation)


# fmt: off
_EG_ARGS = (
    _arg("data", "block", "地区×行业就业数据块（可含标签）。", "Block regions × industries of employment (labels allowed).", totals="labels", extensive=True),
    _arg("firm_counts", "optional_block", "企业数：与data同形的块（各地区企业等规模）或每行业一行（H=1/N）。与herfindahl二选一。", "Enterprise counts: a block like data (equal-size firms per region) or one row per industry (H = 1/N). Give this or herfindahl.", None),
    _arg("herfindahl", "weights", "已知时各行业的企业赫芬达尔指数H（一行）。与firm_counts二选一。", "Plant Herfindahl H per industry (a row), if known. Give this or firm_counts.", None),
    _arg("approximation", "text", "可选：agglo所列的H近似方法（空=据所给数据）。", "Optional H approximation named by agglo (blank = from what is given).", None),
)
# fmt: on

_declare(
    "EGINDEX",
    "ellison_glaeser",
    "EG指数：每个行业的γ，附G、H、z。",
    "Ellison–Glaeser index EG指数 γ per industry: table with header (industry, γ, G, H, z); the "
    "header names the H approximation used.",
    *_EG_ARGS,
    result="table",
    adapter=_egindex,
    aliases={
        "EG": "Ellison–Glaeser index EG指数: the short name EG, kept for classic Excel only. Type "
        "EGINDEX, which also works in xlwings Lite (Office custom functions need 3+ letters)."
    },
)

_declare(
    "MSINDEX",
    "maurel_sedillot",
    "MS指数：每个行业的γ，附G、H。",
    "Maurel–Sédillot index MS指数 γ per industry: table with header (industry, γ, G, H); the "
    "header names the H approximation used.",
    *_EG_ARGS,
    result="table",
    adapter=_msindex,
    aliases={
        "MS": "Maurel–Sédillot index MS指数: the short name MS, kept for classic Excel only. Type "
        "MSINDEX, which also works in xlwings Lite (Office custom functions need 3+ letters)."
    },
)


# --------------------------------------------------------------------------------------
# growth and structure (增长率, 首位度, 占比)
# --------------------------------------------------------------------------------------
_FAMILY = "growth"

_declare(
    "GROWTHRATE",
    "growth_rate",
    "增长率：(本期−上期)/上期，逐元素。",
    "Growth rate 增长率 (current − previous)/previous, element-wise; a zero or negative base is "
    "refused.",
    _arg("current", "numbers", "本期值（一格或区域）。", "Current values (cell or range)."),
    _arg(
        "previous",
        "numbers",
        "上期值（同形，或一格）。",
        "Previous values (same shape, or one cell).",
    ),
    _arg("percent", "bool", *_PERCENT, False, to="percent"),
    result="value",
)

# fmt: off
_declare(
    "CAGR",
    "cagr",
    "年均增长率（水平法）。",
    "Compound annual growth rate 年均增长率 (水平法) (end_value/start_value)^(1/periods) − 1.",
    _arg("start_value", "numbers", "首年值（一格或区域）。", "Value in the first year (cell or range)."),
    _arg("end_value", "numbers", "末年值（同形，或一格）。", "Value in the last year (same shape, or one cell)."),
    _arg("periods", "numbers", "间隔年数（如 2024−2015 = 9）。", "Number of years between them (e.g. 2024−2015 = 9)."),
    _arg("percent", "bool", *_PERCENT, False, to="percent"),
    result="value",
)
# fmt: on


def _cagrcum(values, percent=False):
    arr = cv.read_block(values, "values", totals=False).values
    if arr.shape[0] == 1:  # a single row of years
        arr = arr.T
    arr, single = _by_column(arr)
    result = _fn("cagr_cumulative")(arr, percent=_opt(percent, "percent", False, "bool"))
    return _per_series(result, single)


# fmt: off
_declare(
    "CAGRCUM",
    "cagr_cumulative",
    "年均增长率（累计法）。",
    "Average growth rate by the cumulative method 累计法: root r of Σ(1+r)^t = ΣX_t/X_0, per "
    "column.",
    _arg("values", "block", "各年数值，年份沿行向下（每序列一列）。", "Yearly values, years down the rows (one column per series)."),
    _arg("percent", "bool", *_PERCENT, False),
    result="per series",
    adapter=_cagrcum,
)
# fmt: on

# fmt: off
_declare(
    "PRIMACY",
    "primacy_index",
    "首位度：两城市、四城市或十一城市指数。",
    "Primacy index 首位度 of the largest unit: k = 2, 4 or 11 (two-, four-, eleven-city index).",
    _arg("values", "vector", "各城市/地区规模（一列或一行），如GDP或人口。", "Sizes of the cities/regions (one column or row), e.g. GDP or population.", totals=True, extensive=True),
    _arg("k", "int", "2（默认）：S1/S2；4：S1/(S2+S3+S4)；11：2·S1/(S2+…+S11)。", "2 (default): S1/S2; 4: S1/(S2+S3+S4); 11: 2·S1/(S2+…+S11).", 2),
    result="value",
    fixed={"total_rows": "raise"},
)
# fmt: on


def _same_orientation(result: Any, like: np.ndarray) -> Any:
    """A 1-D result laid out like the input vector (row in, row out)."""
    arr = np.asarray(result.to_numpy() if hasattr(result, "to_numpy") else result)
    if arr.ndim == 0 or arr.size == 1:
        return cv.to_excel(arr.reshape(-1)[0])
    if like.ndim == 2 and like.shape[0] == 1:
        return cv.to_row(arr)
    return cv.to_excel(arr.reshape(like.shape) if arr.size == like.size else arr)


def _shareof(values, total=None, percent=False):
    arr = cv.read_block(values, "values", totals="labels", extensive=True).values
    like = arr
    data = arr.ravel() if 1 in arr.shape else arr
    result = _fn("share")(
        data,
        _opt(total, "total", None, "number"),
        percent=_opt(percent, "percent", False, "bool"),
        total_rows="raise",
    )
    return _same_orientation(result, like) if data.ndim == 1 else cv.to_excel(result)


# fmt: off
_declare(
    "SHAREOF",
    "share",
    "占比：各值占合计的比重。",
    "Share 占比/比重 of each value in the total (the column sums, or the total given).",
    _arg("values", "block", "数值（一列或一行；或数据块：列内占比）。", "Values (one column or row, or a block: shares within each column)."),
    _arg("total", "number", "可选：除数合计（一格）；空=数值之和。", "Optional total to divide by (one cell); blank = the sum of the values.", None),
    _arg("percent", "bool", *_PERCENT, False),
    result="same shape",
    adapter=_shareof,
    aliases={
        "SHARE": "Share 占比/比重: the old name SHARE, kept for classic Excel only. Type SHAREOF, "
        "which also works in xlwings Lite (SHARE is an Excel 4.0 macro function name)."
    },
)
# fmt: on

_declare(
    "PROFITMARGIN",
    "profit_margin",
    "利润率=利润/收入，逐元素。",
    "Profit margin 利润率 = profit / revenue, element-wise: the competitiveness indicator of "
    "《有色金属产业集聚程度及其与竞争力之间的关系》.",
    _arg("profit", "numbers", "利润（一格或区域）。", "Profit (cell or range)."),
    _arg("revenue", "numbers", "收入（同形，或一格）。", "Revenue (same shape, or one cell)."),
    _arg("percent", "bool", *_PERCENT, False, to="percent"),
    result="value",
)


# --------------------------------------------------------------------------------------
# statistics (相关, 回归)
# --------------------------------------------------------------------------------------
_FAMILY = "statistics"


def _corrtest(x, y, method="pearson"):
    result = _fn("correlation")(
        cv.read_vector(x, "x", totals=False),
        cv.read_vector(y, "y", totals=False),
        _opt(method, "method", "pearson"),
    )
    header = [_convention_header("r", result.convention), "p-value", "n", "dropped"]
    return cv.to_table(header, [[result.r], [result.p_value], [result.n], [result.dropped]])


# fmt: off
_declare(
    "CORRTEST",
    "correlation",
    "相关系数及其检验。",
    "Correlation 相关系数 with its test: table with header (r, p-value, n, dropped); the header "
    "names the method.",
    _arg("x", "vector", "第一个变量（一列或一行）。", "First variable (one column or row)."),
    _arg("y", "vector", "第二个变量（等长）；不完整的配对剔除并计数。", "Second variable (same length). Incomplete pairs are dropped and counted."),
    _arg("method", "text", "pearson（默认）或 spearman。", "pearson (default) or spearman.", "pearson"),
    result="table",
    adapter=_corrtest,
)
# fmt: on


def _ols(y, x, add_constant=True):
    yv = cv.read_vector(y, "y", totals=False)
    xb = cv.read_block(x, "x", totals=False)
    xa = xb.values
    if xa.shape[0] == 1 and xa.shape[1] == yv.size and yv.size > 1:
        xa = xa.T
    result = _fn("ols")(yv, xa, _opt(add_constant, "add_constant", True, "bool"))
    table = result.table
    terms = [str(t) for t in table.index]
    if xb.col_labels is not None and len(xb.col_labels) == xa.shape[1]:
        names = iter(str(c) for c in xb.col_labels)
        terms = [t if t == "const" else next(names, t) for t in terms]
    header = [_convention_header("term", result.convention), "coef", "std err", "t", "p"]
    rows = cv.to_table(header, [terms, *(table[c] for c in table.columns[:4])])
    for label, value in (
        ("R²", result.r_squared),
        ("adj. R²", result.adj_r_squared),
        ("F", result.f_statistic),
        ("p(F)", result.f_p_value),
        ("n", result.n),
        ("dropped", result.dropped),
    ):
        rows.append([label, cv.to_excel(value), "", "", ""])
    return rows


# fmt: off
_declare(
    "OLS",
    "ols",
    "最小二乘回归表。",
    "OLS regression 最小二乘回归 table with header (term, coef, std err, t, p) then R², adj. R², "
    "F, p(F), n; the header names the convention.",
    _arg("y", "vector", "因变量（一列）。", "Dependent variable (one column)."),
    _arg("x", "block", "自变量：每个一列（可含一行变量名）。", "Regressors: one column each (a header row of names may be included)."),
    _arg("add_constant", "bool", "TRUE（默认）：加截距 const。", "TRUE (default): add an intercept 'const'.", True),
    result="table",
    adapter=_ols,
)
# fmt: on


# --------------------------------------------------------------------------------------
# normalisation and weights (无量纲化, 熵值法, CRITIC, AHP)
# --------------------------------------------------------------------------------------
_FAMILY = "weights"


def _range_opt(low: Any, high: Any) -> Any:
    lo = _opt(low, "low", None, "number")
    hi = _opt(high, "high", None, "number")
    if lo is None and hi is None:
        return None
    if lo is None or hi is None:
        raise _error("'low' and 'high' must be given together (e.g. 0.01 and 0.99).")
    return (lo, hi)


def _normalize(matrix, directions=None, method="minmax", low=None, high=None):
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    result = cv.call_checked(
        _fn("normalize"),
        arr,
        _directions(directions),
        _opt(method, "method", "minmax"),
        feature_range=_range_opt(low, high),
    )
    return cv.to_excel(result)


# fmt: off
_declare(
    "NORMALIZE",
    "normalize",
    "无量纲化：按方向(+/−)标准化各指标列。",
    "Normalisation 无量纲化 of each indicator column with its direction (+/−): min–max, "
    "z-score, vector, mean or initial value.",
    _arg("matrix", "block", *_MATRIX),
    _arg("directions", "directions", "各指标方向一行：+（正向）或 -（负向）；空=全为+。", "Row with one direction per indicator: + (positive) or - (negative). Blank = all +.", None),
    _arg("method", "text", "minmax（默认）、zscore、vector、mean（均值化）、initial（初值化）。", "minmax (default), zscore, vector, mean (均值化), initial (初值化).", "minmax"),
    _arg("low", "number", "可选：平移极差区间的下端，如0.01。", "Optional lower end of a shifted min–max range, e.g. 0.01.", None),
    _arg("high", "number", "可选：平移极差区间的上端，如0.99。", "Optional upper end of a shifted min–max range, e.g. 0.99.", None),
    result="same shape",
    adapter=_normalize,
)
# fmt: on


def _entropy(matrix, directions, normalize, zero, preset):
    arr = cv.read_block(matrix, "matrix", totals="labels")
    norm = _none_text(normalize, "normalize", "minmax")
    p = _opt(preset, "preset", None)
    kwargs: dict[str, Any] = {"preset": p} if p is not None else {}
    result = cv.call_checked(
        _fn("entropy_weights"),
        arr.values,
        _directions(directions),
        norm,
        _opt(zero, "zero", "zero"),
        **kwargs,
    )
    return arr, result


# fmt: off
_ENTROPY_ARGS = (
    _arg("matrix", "block", *_MATRIX),
    _arg("directions", "directions", *_DIRECTIONS, None),
    _arg("normalize", "text", "minmax（默认）或 none（原始值求熵，部分文献如此）。", "minmax (default) or none (raw-value entropy, as several papers compute it).", "minmax"),
    _arg("zero", "text", "zero（0·ln0=0，默认）或 spssau（平移0.01）。", "zero (0·ln0=0, default) or spssau (shift by 0.01).", "zero"),
    _arg("preset", "text", "可选预设：textbook、spssau、spssau_interval、pymcdm、pydecision、mathmodels（覆盖normalize/zero）。", "Optional named preset: textbook, spssau, spssau_interval, pymcdm, pydecision, mathmodels (overrides normalize/zero).", None),
)
# fmt: on


def _entropy_table(matrix, directions=None, normalize="minmax", zero="zero", preset=None):
    block, result = _entropy(matrix, directions, normalize, zero, preset)
    k = block.values.shape[1]
    names = block.col_labels if block.col_labels is not None else list(range(1, k + 1))
    header = [_convention_header("indicator", result.convention, block.missing), "e", "d", "w"]
    return cv.to_table(header, [names, result.entropy, result.divergence, result.weights])


def _entropy_score(matrix, directions=None, normalize="minmax", zero="zero", preset=None):
    _block, result = _entropy(matrix, directions, normalize, zero, preset)
    return cv.to_column(result.scores)


_declare(
    "ENTROPY",
    "entropy_weights",
    "熵值法：信息熵、差异系数、权重表。",
    "Entropy weight method 熵值法: table with header (indicator, e 信息熵, d 差异系数, w 权重); "
    "the header names the convention.",
    *_ENTROPY_ARGS,
    result="table",
    adapter=_entropy_table,
)

_declare(
    "ENTROPYSCORE",
    "entropy_weights",
    "熵值法综合得分：每个单位一个值。",
    "Entropy-method score 熵值法综合得分 of each unit, Σ_j w_j·z_ij (a column).",
    *_ENTROPY_ARGS,
    result="column",
    adapter=_entropy_score,
)


def _critic(matrix, directions=None, normalize="minmax"):
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    norm = _none_text(normalize, "normalize", "minmax")
    result = cv.call_checked(_fn("critic_weights"), arr, _directions(directions), norm)
    return cv.to_row(result.weights)


_declare(
    "CRITIC",
    "critic_weights",
    "CRITIC权重法：各指标权重（一行）。",
    "CRITIC weights CRITIC权重法 of the indicators (a row): contrast (std) × conflict (1 − r).",
    _arg("matrix", "block", *_MATRIX),
    _arg("directions", "directions", *_DIRECTIONS, None),
    _arg("normalize", "text", "minmax（默认）或 none。", "minmax (default) or none.", "minmax"),
    result="row",
    adapter=_critic,
)


def _ahp(matrix: Any, method: Any, ri: Any) -> Any:
    arr = cv.read_block(matrix, "matrix", labels=True, totals=False).values
    return _fn("ahp")(arr, _opt(method, "method", "eigen"), _ri_option(ri))


def _ahp_table(result: Any, title: str = "AHP") -> list[list[Any]]:
    weights = np.asarray(result.weights, dtype=float).reshape(-1)
    labels = [f"w{i + 1}" for i in range(weights.size)]
    labels += ["lambda_max", "CI", "RI", "CR", "consistent"]
    values = [*weights.tolist(), result.lambda_max, result.ci, result.ri, result.cr]
    values.append(bool(result.consistent))
    return cv.to_table([_convention_header(title, result.convention), "value"], [labels, values])


# fmt: off
_AHP_ARGS = (
    _arg("matrix", "block", "方形判断矩阵（1–9标度）；只填上三角即可。", "Square judgement matrix (1–9 scale); the upper triangle alone is enough."),
    _arg("method", "text", *_AHP_METHOD, "eigen"),
    _arg("ri", "ri", *_RI, "saaty1980"),
)
# fmt: on


def _ahp_full(matrix, method="eigen", ri="saaty1980"):
    return _ahp_table(_ahp(matrix, method, ri))


def _ahp_weights(matrix, method="eigen", ri="saaty1980"):
    return cv.to_column(_ahp(matrix, method, ri).weights)


_declare(
    "AHP",
    "ahp",
    "层次分析法：权重与一致性检验表。",
    "AHP 层次分析法: table with header; rows w1…wn, λmax, CI, RI, CR, consistent (CR<0.1); the "
    "header names the method and RI table.",
    *_AHP_ARGS,
    result="table",
    adapter=_ahp_full,
)

_declare(
    "AHPWEIGHTS",
    "ahp",
    "层次分析法权重（一列）。",
    "AHP weights 层次分析法权重 of the criteria (a column), from a judgement matrix.",
    *_AHP_ARGS,
    result="column",
    adapter=_ahp_weights,
)

# fmt: off
_declare(
    "AHPMATRIX",
    "ahp_matrix_from_upper",
    "由上三角补全判断矩阵。",
    "Complete an AHP judgement matrix 判断矩阵 from its upper triangle: diagonal 1, lower "
    "triangle the reciprocals (same shape).",
    _arg("upper", "block", "填了上三角的方形判断矩阵（1–9标度；可写1/3）。", "Square judgement matrix with the upper triangle filled (1–9 scale; 1/3 allowed)."),
    result="matrix",
)
# fmt: on

_declare(
    "AHPRI",
    "random_index",
    "平均随机一致性指标RI。",
    "Random consistency index RI 平均随机一致性指标 of an n × n judgement matrix from the chosen "
    "table.",
    _arg(
        "n",
        "int",
        "判断矩阵的阶数（准则个数）。",
        "Order of the judgement matrix (number of criteria).",
    ),
    _arg("ri", "ri", *_RI, "saaty1980"),
    result="value",
)


def _ahpgroup(matrices, weights=None, method="eigen", ri="saaty1980"):
    arr = cv.read_block(matrices, "matrices", totals=False).values
    result = _fn("ahp_group")(
        arr, _weights_arg(weights), _opt(method, "method", "eigen"), _ri_option(ri)
    )
    return _ahp_table(result, "group AHP")


# fmt: off
_declare(
    "AHPGROUP",
    "ahp_group",
    "群组层次分析法：几何平均合成专家矩阵。",
    "Group AHP 群组层次分析法: experts' matrices combined by element-wise geometric mean; table "
    "as AHP (w1…wn, λmax, CI, RI, CR, consistent).",
    _arg("matrices", "block", "各专家的n×n判断矩阵纵向堆叠（K·n行，n列）。", "The experts' n × n judgement matrices stacked vertically (K·n rows, n columns)."),
    _arg("weights", "weights", "可选：专家权重一行；空=等权。", "Optional row of expert weights; blank = equal.", None),
    _arg("method", "text", *_AHP_METHOD, "eigen"),
    _arg("ri", "ri", *_RI, "saaty1980"),
    result="table",
    adapter=_ahpgroup,
)
# fmt: on


def _ahptotal(criteria, alternatives, method="eigen", ri="saaty1980"):
    crit = cv.read_block(criteria, "criteria", totals=False).values
    alts = cv.read_block(alternatives, "alternatives", totals=False).values
    result = _fn("ahp_hierarchy")(crit, alts, _opt(method, "method", "eigen"), _ri_option(ri))
    weights = np.asarray(result.weights, dtype=float).reshape(-1)
    labels = [f"a{i + 1}" for i in range(weights.size)] + ["CI", "RI", "CR", "consistent"]
    values = [*weights.tolist(), result.ci, result.ri, result.cr, bool(result.consistent)]
    header = [_convention_header("AHP total", result.convention), "global weight"]
    return cv.to_table(header, [labels, values])


# fmt: off
_declare(
    "AHPTOTAL",
    "ahp_hierarchy",
    "层次总排序：方案的全局权重与一致性。",
    "AHP hierarchy synthesis 层次总排序: global weights of the alternatives, then total CI, RI, "
    "CR and consistent; the header names the convention.",
    _arg("criteria", "block", "k个准则的判断矩阵（k×k；上三角即可）。", "Judgement matrix of the k criteria (k × k; the upper triangle is enough)."),
    _arg("alternatives", "block", "每个准则下m个方案的判断矩阵，纵向堆叠（k·m行，m列）。", "k matrices of the m alternatives, one per criterion, stacked vertically (k·m rows, m columns)."),
    _arg("method", "text", *_AHP_METHOD, "eigen"),
    _arg("ri", "ri", *_RI, "saaty1980"),
    result="table",
    adapter=_ahptotal,
)
# fmt: on


def _randweights(order, n_draws=10000, seed=1, max_ratio=9.0):
    vec = cv.read_vector(order, "order", totals=False)
    draws = _opt(n_draws, "n_draws", 10000, "int")
    if not 1 <= draws <= MAX_DRAWS:
        raise _error(
            f"'n_draws' must be between 1 and {MAX_DRAWS} in a worksheet function (it "
            f"recalculates with the sheet); received {draws}."
        )
    result = _fn("random_weights")(
        vec,
        draws,
        max_ratio=_opt(max_ratio, "max_ratio", 9.0, "number"),
        rng=_seed(seed),
    )
    k = vec.size
    header = [
        _convention_header("criterion", result.convention),
        "mean weight",
        "std",
        "lower",
        "upper",
    ]
    return cv.to_table(
        header, [list(range(1, k + 1)), result.weights, result.std, result.lower, result.upper]
    )


# fmt: off
_declare(
    "RANDWEIGHTS",
    "random_weights",
    "基于规则的随机赋权法。",
    "Rule-based random weighting 基于规则的随机赋权法 (章立东、李奥 2021): table with header "
    "(criterion, mean weight, std, q5%, q95%); reproducible via seed.",
    _arg("order", "vector", "各准则的重要性排序（1为最重要，可并列），一行。", "Importance rank of each criterion (1 = most important; ties allowed), a row."),
    _arg("n_draws", "int", "随机判断矩阵个数（默认10000）。", "Number of random judgement matrices (default 10000).", 10000),
    _arg("seed", "seed", "随机种子（默认1）：同一种子每次重算得同一权重。", "Random seed (default 1): the same seed gives the same weights on every recalculation.", 1),
    _arg("max_ratio", "number", "允许的最大重要性比（默认9）。", "Largest ratio of importance allowed (default 9).", 9.0),
    result="table",
    adapter=_randweights,
)
# fmt: on


# --------------------------------------------------------------------------------------
# evaluation (综合指数, TOPSIS, 灰色关联, 障碍度)
# --------------------------------------------------------------------------------------
_FAMILY = "evaluation"


def _composite(matrix, weights=None, directions=None, normalize="minmax", multiplier=100.0):
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    norm = _none_text(normalize, "normalize", "minmax")
    result = cv.call_checked(
        _fn("composite_index"),
        arr,
        _weights_arg(weights),
        directions=_directions(directions),
        normalize=norm,
        scale=_opt(multiplier, "multiplier", 100.0, "number"),
    )
    return cv.to_column(result.scores)


# fmt: off
_declare(
    "COMPOSITE",
    "composite_index",
    "综合指数：每个单位一个值。",
    "Composite index 综合指数 of each unit, multiplier·Σ_j w_j·z_ij (a column).",
    _arg("matrix", "block", *_MATRIX),
    _arg("weights", "weights", "可选：指标权重一行（如AHPWEIGHTS所得）；空=等权。", "Optional row of indicator weights (e.g. from AHPWEIGHTS); blank = equal.", None),
    _arg("directions", "directions", *_DIRECTIONS, None),
    _arg("normalize", "text", "minmax（默认）或agglo的其他方法；none=按原值。", "minmax (default) or another agglo method; none = use values as given.", "minmax"),
    _arg("multiplier", "number", "指数乘以此数（默认100）。", "Multiply the index by this (default 100).", 100.0),
    result="column",
    adapter=_composite,
)
# fmt: on

# fmt: off
_TOPSIS_ARGS = (
    _arg("matrix", "block", *_MATRIX, totals="labels"),
    _arg("weights", "weights", "可选：指标权重一行；空=等权。", "Optional row of indicator weights; blank = equal weights.", None, to="weights"),
    _arg("directions", "directions", *_DIRECTIONS, None, to="directions"),
    _arg("normalize", "text", "vector（默认）或 minmax。", "vector (default) or minmax.", "vector", to="normalize"),
)
# fmt: on

_declare(
    "TOPSIS",
    "topsis",
    "TOPSIS优劣解距离法：相对贴近度。",
    "TOPSIS 优劣解距离法 relative closeness C = D−/(D+ + D−) of each unit (a column).",
    *_TOPSIS_ARGS,
    result="column",
    checked=False,
    pick="closeness",
)

_declare(
    "TOPSISRANK",
    "topsis",
    "TOPSIS排名（1为最优）。",
    "TOPSIS 优劣解距离法 rank of each unit (1 = closest to the ideal), a column.",
    *_TOPSIS_ARGS,
    result="column",
    checked=False,
    pick="rank",
)

# fmt: off
_declare(
    "GREYREL",
    "grey_relational",
    "灰色关联度：各比较列与参考列。",
    "Grey relational grade 灰色关联度 (Deng) of each comparison column with the reference (a row).",
    _arg("reference", "vector", "参考序列（一列），如各年/各地区GDP。", "Reference series (one column), e.g. GDP of each year/region."),
    _arg("comparison", "block", "比较序列：每个因素一列，行与参考序列相同。", "Comparison series: one column per factor, same rows as the reference.", totals="labels"),
    _arg("rho", "number", "分辨系数ρ（默认0.5）。", "Distinguishing coefficient ρ (default 0.5).", 0.5, to="rho"),
    result="row",
    pick="grades",
)
# fmt: on

_declare(
    "OBSTACLE",
    "obstacle_degree",
    "障碍度：各单位各指标的障碍度。",
    "Obstacle degree 障碍度 of each indicator for each unit (same shape as the block).",
    _arg("matrix", "block", *_MATRIX, totals="labels"),
    _arg("weights", "weights", "指标权重一行。", "Row of indicator weights."),
    _arg("directions", "directions", *_DIRECTIONS, None, to="directions"),
    result="matrix",
    pick="degree",
)


# --------------------------------------------------------------------------------------
# coupling coordination (耦合协调度)
# --------------------------------------------------------------------------------------
_FAMILY = "coupling"


def _shape(value: Any) -> tuple[int, int] | None:
    """(rows, columns) of a range given as a list of rows; None for a single value."""
    if _is_single(value):
        return None
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        return (len(value), len(value[0]))
    return (len(value), 1) if isinstance(value, list | tuple) else None


def _is_system_like(value: Any, first: Any) -> bool:
    """True when ``value``, found where an option belongs, is in fact another system.

    That lets ``=COUPLING(E3:E14, F3:F14)`` work as well as ``=COUPLING(E3:F14)``: a
    range shaped like the first system (one column of the same length), or a number
    when the first system is a single cell, is a further system; text, blanks and
    anything else are the options, which then follow the systems in order.
    """
    first_shape = _shape(first)
    if first_shape is None:
        if not _is_single(value):
            return False
        scalar = cv.read_option(value, "systems", None, "any")
        return isinstance(scalar, int | float) and not isinstance(scalar, bool)
    if first_shape[1] != 1 and first_shape[0] != 1:
        return False  # a block already holds every system, one per column
    return _shape(value) == first_shape


def _split_systems(systems: Any, *options: Any) -> tuple[list[Any], list[Any]]:
    """Separate further systems given in the option places from the options themselves.

    Returns the raw system arguments and the options shifted into their places (the
    places left over are None, i.e. the defaults).
    """
    rest = list(options)
    found = [systems]
    while rest and _is_system_like(rest[0], systems):
        found.append(rest.pop(0))
    return found, rest + [None] * (len(options) - len(rest))


def _systems(value: Any, *more: Any) -> list[np.ndarray]:
    if more:
        cols = []
        for i, v in enumerate((value, *more), start=1):
            block = cv.read_block(v, f"system {i}", totals="labels")
            cv.refuse_outside_unit_interval(block, f"system {i}")
            cols.append(block.values.ravel())
        return cols
    block = cv.read_block(value, "systems", totals="labels")
    cv.refuse_outside_unit_interval(block, "systems")
    arr = block.values
    if arr.shape[1] < 2:
        raise _error(
            f"'systems' must have one column per system (at least 2), or give each system "
            f"as its own range, e.g. =COUPLING(E3:E14, F3:F14); received "
            f"{arr.shape[0]} × {arr.shape[1]} cells."
        )
    return [arr[:, j] for j in range(arr.shape[1])]


def _coupling(systems, weights, method, exponent):
    found, (weights, method, exponent) = _split_systems(systems, weights, method, exponent)
    if len(found) > 1 and isinstance(weights, str):
        # =CTD(E3:E14, F3:F14, "wang2021"): the text is the method, not weights.
        weights, method, exponent = None, weights, method
    return _fn("coupling_coordination")(
        *_systems(*found),
        weights=_weights_arg(weights),
        method=_opt(method, "method", "standard"),
        exponent=_opt(exponent, "exponent", None, "number"),
    )


# fmt: off
_SYSTEMS = _arg("systems", "systems", "各系统得分：每个系统一列（至少2个），每行一个单位/年；或第一个系统，其余系统作为后续参数。", "Scores of the systems: one column per system (2 or more), one row per unit/year; or the first system, with the others as the next arguments: =COUPLING(E3:E14, F3:F14).")
# fmt: on
# fmt: off
_METHOD = _arg("method", "text", "standard（默认）、wang2021（王淑佳 2021）、fan2024 或 dropped-coefficient。", "standard (default), wang2021 (王淑佳 2021), fan2024 or dropped-coefficient.", None)
# fmt: on
# fmt: off
_EXPONENT = _arg("exponent", "number", "可选：替代1/n的指数（章立东、李奥 2021 对两个系统取5）。", "Optional exponent replacing 1/n (章立东、李奥 2021 use 5 on two systems).", None)
# fmt: on
# fmt: off
_SYSTEM_WEIGHTS = _arg("weights", "weights", "可选：T的系统权重一行（默认等权）。", "Optional row of system weights for T (default equal).", None)
# fmt: on


def _coupling_degree(systems, method=None, exponent=None):
    found, (method, exponent) = _split_systems(systems, method, exponent)
    result = _fn("coupling_degree")(
        *_systems(*found),
        method=_opt(method, "method", "standard"),
        exponent=_opt(exponent, "exponent", None, "number"),
    )
    return cv.to_column(np.atleast_1d(np.asarray(result, dtype=float)))


_declare(
    "COUPLING",
    "coupling_degree",
    "耦合度C：各系统得分须在[0,1]内，否则先标准化。",
    "Coupling degree 耦合度 C of the systems (a column); standard C = n·(ΠU)^(1/n)/ΣU.",
    _SYSTEMS,
    _METHOD,
    _EXPONENT,
    result="column",
    adapter=_coupling_degree,
)


def _coordindex(systems, weights=None):
    found, (weights,) = _split_systems(systems, weights)
    result = _fn("coordination_index")(*_systems(*found), weights=_weights_arg(weights))
    return cv.to_column(np.atleast_1d(np.asarray(result, dtype=float)))


_declare(
    "COORDINDEX",
    "coordination_index",
    "综合协调指数T：得分须在[0,1]内。",
    "Comprehensive coordination index 综合协调指数 T = Σ w_i·U_i (a column).",
    _SYSTEMS,
    _SYSTEM_WEIGHTS,
    result="column",
    adapter=_coordindex,
)


def _coorddegree(systems, weights=None, method=None, exponent=None):
    result = _coupling(systems, weights, method, exponent)
    return cv.to_column(np.atleast_1d(np.asarray(result.D, dtype=float)))


_declare(
    "COORDDEGREE",
    "coupling_coordination",
    "耦合协调度D=√(C·T)：得分须在[0,1]内。",
    "Coupling coordination degree 耦合协调度 D = √(C·T) (a column).",
    _SYSTEMS,
    _SYSTEM_WEIGHTS,
    _METHOD,
    _EXPONENT,
    result="column",
    adapter=_coorddegree,
)


def _ctd(systems, weights=None, method=None, exponent=None):
    result = _coupling(systems, weights, method, exponent)
    missing = int(sum(np.isnan(np.asarray(getattr(result, a), dtype=float)).sum() for a in "D"))
    header = [_convention_header("C", result.convention, missing), "T", "D"]
    cols = [np.atleast_1d(np.asarray(getattr(result, a), dtype=float)) for a in "CTD"]
    return cv.to_table(header, cols)


_declare(
    "CTD",
    "coupling_coordination",
    "耦合协调度表(C, T, D)：得分须在[0,1]内。",
    "Coupling coordination table 耦合协调度表 with header (C, T, D); the header names the method "
    "and exponent.",
    _SYSTEMS,
    _SYSTEM_WEIGHTS,
    _METHOD,
    _EXPONENT,
    result="table",
    adapter=_ctd,
)


def _classes(func: str, arg: str, scheme_default: str, values, scheme, closed, lang):
    arr = cv.read_block(values, arg, totals=False).values
    result = _fn(func)(
        arr.ravel(),
        _opt(scheme, "scheme", scheme_default),
        _opt(closed, "closed", "right"),
        _opt(lang, "lang", "zh"),
    )
    out = np.asarray(result, dtype=object).reshape(arr.shape)
    return cv.to_excel(out) if out.size > 1 else cv.to_excel(out.reshape(-1)[0])


def _coordlevel(d, scheme="10-level", closed="right", lang="zh"):
    return _classes("coordination_level", "d", "10-level", d, scheme, closed, lang)


def _couplingstage(c, scheme="4-stage", closed="right", lang="zh"):
    return _classes("coupling_stage", "c", "4-stage", c, scheme, closed, lang)


# fmt: off
_declare(
    "COORDLEVEL",
    "coordination_level",
    "协调等级：按D划分。",
    "Coordination level 协调等级 of each D, e.g. 10-level 极度失调 … 优质协调 (same shape as d).",
    _arg("d", "block", "耦合协调度D（任意区域）。", "Coupling coordination degrees D (any range)."),
    _arg("scheme", "text", "10-level（默认），或agglo所列的其他方案（如 zhang2021-D，章立东、李奥 2021）。", "10-level (default), or another scheme named by agglo (e.g. zhang2021-D, 章立东、李奥 2021).", "10-level"),
    _arg("closed", "text", *_CLOSED, "right"),
    _arg("lang", "text", "zh（默认，极度失调…优质协调）或 en。", "zh (default, 极度失调…优质协调) or en.", "zh"),
    result="same shape",
    adapter=_coordlevel,
)
# fmt: on

# fmt: off
_declare(
    "COUPLINGSTAGE",
    "coupling_stage",
    "耦合阶段：按C划分。",
    "Coupling stage 耦合阶段 of each C, e.g. 低水平耦合/颉颃/磨合/高水平耦合 (same shape as c).",
    _arg("c", "block", "耦合度C（任意区域）。", "Coupling degrees C (any range)."),
    _arg("scheme", "text", "4-stage（默认），或agglo所列的其他方案（如 zhang2021-C，章立东、李奥 2021）。", "4-stage (default), or another scheme named by agglo (e.g. zhang2021-C, 章立东、李奥 2021).", "4-stage"),
    _arg("closed", "text", *_CLOSED, "right"),
    _arg("lang", "text", *_LANG, "zh"),
    result="same shape",
    adapter=_couplingstage,
)
# fmt: on


def _leadlag(u1, u2, tolerance=0.1, lang="zh"):
    a = cv.read_block(u1, "u1", totals=False).values
    b = cv.read_block(u2, "u2", totals=False).values
    result = _fn("lead_lag")(
        a.ravel(),
        b.ravel(),
        _opt(tolerance, "tolerance", 0.1, "number"),
        lang=_opt(lang, "lang", "zh"),
    )
    out = np.asarray(result, dtype=object).reshape(-1)
    if out.size == 1:
        return cv.to_excel(out[0])
    return cv.to_excel(out.reshape(a.shape) if out.size == a.size else out)


# fmt: off
_declare(
    "LEADLAG",
    "lead_lag",
    "滞后类型：两系统谁滞后。",
    "Lead/lag type 滞后类型 of two systems: U1 lags, U2 lags or synchronous (same shape as u1).",
    _arg("u1", "block", "系统1得分（一格或一列）。", "Scores of system 1 (cell or column)."),
    _arg("u2", "block", "系统2得分（等长）。", "Scores of system 2 (same length)."),
    _arg("tolerance", "number", "差距小于此值视为同步（默认0.1）。", "Gap below which the systems count as synchronous (default 0.1).", 0.1),
    _arg("lang", "text", "zh（默认：U1滞后型/U2滞后型/同步型）或 en。", "zh (default: U1滞后型/U2滞后型/同步型) or en.", "zh"),
    result="same shape",
    adapter=_leadlag,
)
# fmt: on

# fmt: off
_declare(
    "RESCALE",
    "rescale",
    "线性变换到[0,1]，耦合前使用。",
    "Rescale 线性变换 (v − low)/(high − low), e.g. 50–100 scores onto [0, 1] before coupling "
    "(章立东、李奥 2021).",
    _arg("values", "block", "待变换的数值（任意区域），如50–100分。", "Values to rescale (any range), e.g. 50–100 scores."),
    _arg("low", "number", "映射为0的值（如50）。", "Value mapped to 0 (e.g. 50)."),
    _arg("high", "number", "映射为1的值（如100）。", "Value mapped to 1 (e.g. 100)."),
    result="values",
)
# fmt: on


# --------------------------------------------------------------------------------------
# testing for an Agglo error (classic Excel writes errors as text)
# --------------------------------------------------------------------------------------
_FAMILY = "errors"


def _isaggloerror(value):
    cells = value if isinstance(value, list | tuple) else [value]
    rows = [r if isinstance(r, list | tuple) else [r] for r in cells]
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return False
    out = [
        [isinstance(x, str) and cv.excel_error_of(x) is not None for x in row]
        + [False] * (width - len(row))
        for row in rows
    ]
    return out[0][0] if len(out) == 1 and width == 1 else out


# fmt: off
_declare(
    "ISAGGLOERROR",
    "AggloValueError",
    "是否出错：单元格为错误值或Agglo写出的错误文字时为TRUE。",
    "Is it an error: TRUE where a cell holds an error value or the error text Agglo writes in "
    'classic Excel ("#VALUE! …", "#N/A", "#NUM!"), which ISERROR and IFERROR do not catch there. '
    "Spills like its range.",
    _arg("value", "cells", "任意单元格或区域，如Agglo结果所在的单元格。", "Any cell or range, e.g. the cells of an Agglo result."),
    result="same shape",
    adapter=_isaggloerror,
)
# fmt: on


# --------------------------------------------------------------------------------------
# regional disparity and convergence (区域差异与收敛): Theil, Dagum Gini, CV, Atkinson,
# Lorenz, σ/β convergence, kernel density, shift-share, GM(1,1), Tapio decoupling
# --------------------------------------------------------------------------------------
_FAMILY = "disparity"


def _label_list(value: Any, name: str, n: int) -> list[Any]:
    """One text (or number) label per region from a row or column; a header cell is dropped."""
    rows = value if isinstance(value, list | tuple) else [[value]]
    rows = [r if isinstance(r, list | tuple) else [r] for r in rows]
    if len(rows) > 1 and any(len(r) > 1 for r in rows):
        raise _error(
            f"'{name}' 应为一行或一列分组标签。 '{name}' must be a single row or column of "
            "group labels (e.g. 东部/中部/西部/东北)."
        )
    flat = [c for r in rows for c in r]
    if len(flat) == n + 1:  # the selection includes a header cell such as 区域
        flat = flat[1:]
    out = []
    for c in flat:
        if isinstance(c, float) and c.is_integer():
            c = int(c)
        out.append(c.strip() if isinstance(c, str) else c)
    return out


def _convergence_panel(
    value: Any, years: Any
) -> tuple[np.ndarray, list[Any] | None, list[Any] | None]:
    """A regions × years block: text headers or a first row of year numbers become the years."""
    block = cv.read_block(value, "panel", totals="labels")
    arr = block.values
    labels = block.col_labels  # a header of years is recognised by the one reader
    if not (_is_single(years) and _opt(years, "years", None, "any") is None):
        ys = _label_list(years, "years", arr.shape[1])
        labels = ys
    return arr, labels, block.row_labels


def _theil(values, weights=None, groups=None, index="T"):
    vec = cv.read_vector(values, "values")
    w = _weights_arg(weights)
    has_groups = not (_is_single(groups) and _opt(groups, "groups", None, "any") is None)
    g = _label_list(groups, "groups", vec.size) if has_groups else None
    result = _fn("theil")(vec, weights=w, groups=g, index=_opt(index, "index", "T"))
    if g is None:
        return cv.to_excel(result.total)
    parts = ["组间 between", *(f"组内 {lab}" for lab in result.groups), "总体 total"]
    values_ = [result.between, *result.within_terms, result.total]
    inner = [float("nan"), *result.group_values, float("nan")]
    contrib = [*result.contributions, 1.0]
    header = [_convention_header("part", result.convention), "value", "group index", "contribution"]
    rows = cv.to_table(header, [parts, np.array(values_), np.array(inner), np.array(contrib)])
    for row in rows[1:]:
        if row[2] == cv.NA and row[0] in ("组间 between", "总体 total"):
            row[2] = ""
    return rows


_REGION_VALUES = ("每个地区一个值（可含标签）。", "One value per region (labels allowed).")
_POPULATION = ("可选：各地区人口。", "Optional population of each region.")

# fmt: off
_declare(
    "THEIL",
    "theil",
    "泰尔指数T或L；给出分组时为组间、组内、总体分解表。",
    "Theil index 泰尔指数 T or L; with groups a table (part, value, group index, contribution "
    "贡献率): between, within per group, total.",
    _arg("values", "vector", "每个地区一个值，通常为人均值（可含标签）。", "One value per region, usually per capita (labels allowed)."),
    _arg("weights", "weights", "可选：各地区人口（等长）。", "Optional population of each region (same length).", None),
    _arg("groups", "labels", "可选：各地区分组标签（东部/中部/西部/东北），用于分解。", "Optional group label per region (东部/中部/西部/东北) for the decomposition.", None),
    _arg("index", "text", "T（默认，GE(1)）或 L（GE(0)，平均对数偏差）。", "T (default, GE(1)) or L (GE(0), mean log deviation).", "T"),
    result="table",
    adapter=_theil,
)
# fmt: on


def _dagum(values: Any, groups: Any, weights: Any) -> Any:
    vec = cv.read_vector(values, "values")
    return _fn("dagum_gini")(vec, _label_list(groups, "groups", vec.size), _weights_arg(weights))


def _dagumgini(values, groups, weights=None):
    r = _dagum(values, groups, weights)
    parts = ["组内 G_w", "组间 G_nb", "超变密度 G_t", "总体 G"]
    parts += [f"G_jj {lab}" for lab in r.groups]
    vals = np.array([r.within, r.between, r.transvariation, r.total, *r.group_gini])
    contrib = np.array([*r.contributions, 1.0, *([np.nan] * len(r.groups))])
    rows = cv.to_table(
        [_convention_header("part", r.convention), "value", "contribution"], [parts, vals, contrib]
    )
    for row in rows[5:]:
        row[2] = ""
    return rows


def _dagummatrix(values, groups, weights=None):
    r = _dagum(values, groups, weights)
    labels = list(r.groups)
    rows = [["G_jh", *labels]]
    for lab, line in zip(labels, cv.to_excel(np.asarray(r.between_gini)), strict=True):
        rows.append([lab, *line])
    return rows


# fmt: off
_DAGUM_ARGS = (
    _arg("values", "vector", "每个地区一个非负值（可含标签）。", "One non-negative value per region (labels allowed)."),
    _arg("groups", "labels", "各地区分组标签（东部/中部/西部/东北），等长。", "Group label per region (东部/中部/西部/东北), same length."),
    _arg("weights", "weights", "可选：各地区人口（空=每地区计一次）。", "Optional population of each region (blank = each region once).", None),
)
# fmt: on

_declare(
    "DAGUMGINI",
    "dagum_gini",
    "Dagum基尼系数分解：组内、组间、超变密度与总体。",
    "Dagum Gini decomposition Dagum基尼系数分解: table (part, value, contribution) for G_w, G_nb, "
    "G_t, G, then G_jj per group.",
    *_DAGUM_ARGS,
    result="table",
    adapter=_dagumgini,
)

_declare(
    "DAGUMMATRIX",
    "dagum_gini",
    "Dagum组间基尼系数矩阵。",
    "Dagum between-group Gini matrix 组间基尼系数 G_jh, labelled by group; the diagonal holds the "
    "within-group Gini G_jj.",
    *_DAGUM_ARGS,
    result="labelled matrix",
    adapter=_dagummatrix,
)

# fmt: off
_declare(
    "COEFVAR",
    "coefficient_of_variation",
    "变异系数；给出人口权重时为威廉姆森系数。",
    "Coefficient of variation 变异系数 sd/mean; with population weights Williamson's index "
    "加权变异系数.",
    _arg("values", "vector", *_REGION_VALUES, totals=True),
    _arg("weights", "weights", "可选：人口，得威廉姆森加权变异系数。", "Optional population: gives Williamson's weighted coefficient of variation.", None),
    _arg("ddof", "int", "0（默认）：总体标准差；1：样本标准差（STDEV.S）。仅不加权时。", "0 (default): population sd; 1: sample sd (STDEV.S). Unweighted only.", 0),
    result="value",
)
# fmt: on


def _williamson(values, weights):
    vec = cv.read_vector(values, "values")
    w = _weights_arg(weights)
    if w is None:
        raise _error(
            "'weights' 必填（各地区人口）。 'weights' is required: the population of each region."
        )
    return cv.to_excel(_fn("coefficient_of_variation")(vec, w))


# fmt: off
_declare(
    "WILLIAMSON",
    "coefficient_of_variation",
    "威廉姆森系数：人口加权变异系数。",
    "Williamson index 威廉姆森系数 (population-weighted coefficient of variation around the "
    "national mean).",
    _arg("values", "vector", "每个地区一个人均值（可含标签）。", "One per-capita value per region (labels allowed)."),
    _arg("weights", "weights", "各地区人口（等长）。", "Population of each region (same length)."),
    result="value",
    adapter=_williamson,
)
# fmt: on

# fmt: off
_declare(
    "ATKINSON",
    "atkinson",
    "阿特金森指数。",
    "Atkinson index 阿特金森指数 with inequality aversion ε.",
    _arg("values", "vector", *_REGION_VALUES, totals=True),
    _arg("epsilon", "number", "不平等厌恶系数ε ≥ 0（默认0.5）。", "Inequality aversion ε ≥ 0 (default 0.5).", 0.5),
    _arg("weights", "weights", *_POPULATION, None),
    result="value",
)
# fmt: on


def _lorenz(values, weights=None):
    vec = cv.read_vector(values, "values")
    r = _fn("lorenz_curve")(vec, _weights_arg(weights))
    header = [_convention_header("population share", r.convention), "value share"]
    return cv.to_table(header, [r.population_share, r.value_share])


# fmt: off
_declare(
    "LORENZ",
    "lorenz_curve",
    "洛伦兹曲线的点，用于作图。",
    "Lorenz curve points 洛伦兹曲线 for a chart: table (cumulative population share, cumulative "
    "value share) from (0,0) to (1,1).",
    _arg("values", "vector", "每个地区一个非负值（可含标签）。", "One non-negative value per region (labels allowed)."),
    _arg("weights", "weights", *_POPULATION, None),
    result="table",
    adapter=_lorenz,
)
# fmt: on

# fmt: off
_CONV_PANEL = _arg("panel", "block", "地区×年份数据块（可含标签；首行年份如2014…2023视为表头）。", "Regions × years block (labels allowed; a first row of years such as 2014…2023 is read as the header).")
# fmt: on
# fmt: off
_YEARS = _arg("years", "labels", "可选：年份标签一行，每列一个（面板无表头时）。", "Optional row of year labels, one per column (if the panel has no header).", None)
# fmt: on


def _sigmaconv(panel, ddof=0, years=None):
    arr, labels, _ = _convergence_panel(panel, years)
    r = _fn("sigma_convergence")(arr, _opt(ddof, "ddof", 0, "int"), years=labels)
    header = [_convention_header("year", r.convention), "mean", "sd (n)", "sd (n-1)", "CV", "sd ln"]
    return cv.to_table(
        header,
        [np.asarray(r.years, dtype=object), r.mean, r.sd_population, r.sd_sample, r.cv, r.sd_log],
    )


# fmt: off
_declare(
    "SIGMACONV",
    "sigma_convergence",
    "σ收敛：逐年均值、标准差、变异系数与对数标准差。",
    "σ convergence σ收敛: table per year (year, mean, sd population, sd sample, CV, sd of ln).",
    _CONV_PANEL,
    _arg("ddof", "int", "0（默认）：变异系数与对数标准差用总体标准差；1：样本标准差。", "0 (default): cv and sd of logs use the population sd; 1: the sample sd.", 0),
    _YEARS,
    result="table",
    adapter=_sigmaconv,
)
# fmt: on


def _betaconv(
    panel, controls=None, first_year=None, last_year=None, fixed_effects=False, years=None
):
    arr, labels, _ = _convergence_panel(panel, years)
    ctrl = _optional_block(controls, "controls")
    r = _fn("beta_convergence")(
        arr,
        ctrl,
        _opt(first_year, "first_year", None, "any"),
        _opt(last_year, "last_year", None, "any"),
        _opt(fixed_effects, "fixed_effects", False, "bool"),
        years=labels,
    )
    header = [_convention_header("statistic", r.convention), r.form]
    names = ["beta", "std err", "t", "p", "speed λ", "half-life", "T", "R²", "n"]
    half: Any = r.half_life
    if not np.isfinite(half):  # β ≥ 0 (or 1 + βT ≤ 0): say why instead of #N/A
        half = "无 none: β ≥ 0, no convergence" if r.beta >= 0 else "无 none: 1 + βT ≤ 0"
    vals = [r.beta, r.std_error, r.t, r.p, r.speed, half, r.periods, r.r_squared, r.n]
    return cv.to_table(header, [names, np.array(vals, dtype=object)])


# fmt: off
_declare(
    "BETACONV",
    "beta_convergence",
    "β收敛：β、标准误、t、p、收敛速度、半衰期等。",
    "β convergence β收敛: table (statistic, value) with β, std err, t, p, speed λ, half-life, T, "
    "R², n; the header states the regression.",
    _CONV_PANEL,
    _arg("controls", "optional_block", "可选：控制变量，每个地区一行（条件β收敛）。", "Optional control variables, one row per region (conditional β convergence).", None),
    _arg("first_year", "any", "可选：起始年（默认第一列）。", "Optional first year (default: the first column).", None),
    _arg("last_year", "any", "可选：终止年（默认最后一列）。", "Optional last year (default: the last column).", None),
    _arg("fixed_effects", "bool", "TRUE：面板形式，含地区固定效应的逐年增长。默认FALSE。", "TRUE: panel form with region fixed effects on yearly growth. Default FALSE.", False),
    _YEARS,
    result="table",
    adapter=_betaconv,
)
# fmt: on


def _kdensity(values, bandwidth="silverman", points=100):
    block = cv.read_block(values, "values", totals="labels")
    arr, names = block.values, block.col_labels  # year headers: see agglo.tables
    bw = _opt(bandwidth, "bandwidth", "silverman", "any")
    r = _fn("kernel_density")(arr, bw, None, _opt(points, "points", 100, "int"))
    dens = np.asarray(r.density).reshape(len(r.grid), -1)
    k = dens.shape[1]
    if names is None or len(names) != k:
        names = [f"density {j + 1}" for j in range(k)]
    header = [_convention_header("x", r.convention), *names]
    return cv.to_table(header, [r.grid, *dens.T])


# fmt: off
_declare(
    "KDENSITY",
    "kernel_density",
    "核密度估计（高斯核），用于折线图。",
    "Kernel density 核密度估计 (Gaussian) on a common grid: table (x, one density column per "
    "input column) for a line chart.",
    _arg("values", "block", "每列一个分布（如每年一列）；可含标签或年份表头。", "One distribution per column (e.g. one year each); a header of labels or years allowed."),
    _arg("bandwidth", "any", "silverman（默认，R bw.nrd0 / Stata）、scott，或带宽数值h。", "silverman (default, R bw.nrd0 / Stata), scott, or a number h.", "silverman"),
    _arg("points", "int", "网格点数（默认100）。", "Number of grid points (default 100).", 100),
    result="table",
    adapter=_kdensity,
)
# fmt: on


def _shiftshare(base_block, end_block, method="dunn", by="region"):
    b0 = cv.read_block(base_block, "base_block", totals=True)
    b1 = cv.read_block(end_block, "end_block", totals=True)
    r = _fn("shift_share")(b0.values, b1.values, _opt(method, "method", "dunn"))
    view = _opt(by, "by", "region")
    if not isinstance(view, str) or view.lower() not in ("region", "industry"):
        raise _error(
            f"'by' 应为 region 或 industry。 'by' must be region or industry; received {view!r}."
        )
    if view.lower() == "industry":
        if r.by_industry is None:
            raise _error("Gerfin 指数形式只按地区给出。 The Gerfin index form is per region only.")
        table, labs, first = r.by_industry, b0.col_labels, "industry"
    else:
        table, labs, first = r.by_region, b0.row_labels, "region"
    n = table.shape[0]
    labs = labs if labs is not None and len(labs) == n else list(range(1, n + 1))
    header = [_convention_header(first, r.convention), *r.components]
    return cv.to_table(header, [labs, *np.asarray(table).T])


# fmt: off
_declare(
    "SHIFTSHARE",
    "shift_share",
    "偏离-份额分析：按地区（或行业）的增量分解表。",
    "Shift-share analysis 偏离-份额分析: table per region (or industry) with change, national "
    "share, industry mix, competitive share …",
    _arg("base_block", "block", "基期的地区×行业数据块（可含标签）。", "Block regions × industries at the base year (labels allowed)."),
    _arg("end_block", "block", "末期同样地区×行业的数据块。", "Block of the same regions × industries at the end year."),
    _arg("method", "text", "dunn（默认）、esteban（Esteban-Marquillas）或 gerfin（指数形式）。", "dunn (default), esteban (Esteban-Marquillas) or gerfin (index form).", "dunn"),
    _arg("by", "text", "region（默认）或 industry。", "region (default) or industry.", "region"),
    result="table",
    adapter=_shiftshare,
)
# fmt: on

# fmt: off
_SERIES = _arg("series", "vector", "正值时间序列（一行或一列，≥4个值，不得有空格）。", "A positive time series (row or column, ≥ 4 values, no blanks).")
# fmt: on


def _greyforecast(series, horizon=0):
    vec = cv.read_vector(series, "series", totals=False)
    r = _fn("gm11")(vec, _opt(horizon, "horizon", 0, "int"))
    n, h = vec.size, len(r.forecast)
    blank = np.full(h, np.nan)
    header = [
        _convention_header("k", r.convention),
        "actual",
        "fitted",
        "residual",
        "relative error",
    ]
    rows = cv.to_table(
        header,
        [
            np.arange(1, n + h + 1),
            np.concatenate([vec, blank]),
            np.concatenate([r.fitted, r.forecast]),
            np.concatenate([r.residuals, blank]),
            np.concatenate([r.relative_errors, blank]),
        ],
    )
    for row in rows[n + 1 :]:
        row[1] = row[3] = row[4] = ""
    return rows


_declare(
    "GREYFORECAST",
    "gm11",
    "GM(1,1)灰色预测：拟合值与预测值。",
    "GM(1,1) grey forecast 灰色预测: table (k, actual, fitted, residual, relative error), "
    "forecasts appended with blank actual.",
    _SERIES,
    _arg("horizon", "int", "预测期数（默认0）。", "Number of periods to forecast (default 0).", 0),
    result="table",
    adapter=_greyforecast,
)


def _greytest(series):
    vec = cv.read_vector(series, "series", totals=False)
    r = _fn("gm11")(vec, 0)
    lo, hi = r.ratio_bounds
    names = [
        "a", "b", "level ratio min", "level ratio max", "admissible low", "admissible high",
        "level-ratio test passed", "mean relative error", "C", "P", "grade",
    ]  # fmt: skip
    vals = [
        r.a, r.b, float(np.min(r.level_ratios)), float(np.max(r.level_ratios)), lo, hi,
        r.ratio_test_passed, r.mean_relative_error, r.C, r.P, r.grade_label,
    ]  # fmt: skip
    return cv.to_table([_convention_header("statistic", r.convention), "value"], [names, vals])


_declare(
    "GREYTEST",
    "gm11",
    "GM(1,1)精度检验。",
    "GM(1,1) accuracy tests 灰色预测精度检验: table (statistic, value) with a, b, level-ratio test, "
    "C 后验差比, P 小误差概率, grade 精度等级.",
    _SERIES,
    result="table",
    adapter=_greytest,
)


def _tapio(resource, output, reference="previous", lang="zh"):
    rv = cv.read_vector(resource, "resource", totals=False)
    ov = cv.read_vector(output, "output", totals=False)
    r = _fn("tapio")(rv, ov, _opt(reference, "reference", "previous"), _opt(lang, "lang", "zh"))
    periods = np.arange(1, len(r.elasticity) + 1)
    header = [_convention_header("period", r.convention), "ΔR/R", "ΔY/Y", "elasticity", "state"]
    return cv.to_table(
        header, [periods, r.resource_change, r.output_change, r.elasticity, list(r.label)]
    )


# fmt: off
_declare(
    "TAPIO",
    "tapio",
    "Tapio脱钩弹性与八种脱钩状态。",
    "Tapio decoupling 脱钩弹性: table per period (period, ΔR/R, ΔY/Y, elasticity, state 脱钩状态 "
    "of the eight).",
    _arg("resource", "vector", "各年资源消耗或排放（一行或一列，正值）。", "Resource use or emission per year (row or column, positive)."),
    _arg("output", "vector", "各年产出（GDP），等长。", "Output (GDP) per year, same length."),
    _arg("reference", "text", "previous（默认：逐年）或 first（相对首年）。", "previous (default: year on year) or first (against the first year).", "previous"),
    _arg("lang", "text", "zh（默认：强脱钩 …）或 en。", "zh (default: 强脱钩 …) or en.", "zh"),
    result="table",
    adapter=_tapio,
)
# fmt: on


# --------------------------------------------------------------------------------------
# spatial weights, spatial autocorrelation, Markov chains, economic complexity
# (空间权重, 空间自相关, 马尔可夫链, 经济复杂度)
# --------------------------------------------------------------------------------------
_FAMILY = "spatial"

_STYLE = (
    "W（行标准化，默认）、B（二值）、C、U、S（方差稳定）或 O。",
    "W (row-standardised, default), B (binary), C, U, S (variance-stabilising) or O.",
)
_SPATIAL_WEIGHTS = (
    "空间权重：n×n块（0/1邻接或任意权重，对角为0；可有名称表头），如CHINAWEIGHTS或KNNWEIGHTS所得。",
    "Spatial weights: an n × n block (0/1 contiguity or any weights, zero diagonal; a header row/column of names is allowed), e.g. from CHINAWEIGHTS or KNNWEIGHTS.",
)
_COORDS = (
    "两列：x、y（投影坐标）或经度、纬度（度）。",
    "Two columns: x, y (projected) or longitude, latitude in degrees.",
)
_METRIC = (
    "euclidean（默认）或 great_circle（经纬度；距离单位km）。",
    "euclidean (default) or great_circle (longitude/latitude; distances in km).",
)


def _spatial_weights_arg(weights: Any, style: Any, name: str = "weights") -> Any:
    block = cv.read_block(weights, name, totals=False)
    try:
        return _fn("spatial_weights")(block.values, _opt(style, "style", "W"))
    except AggloValueError as exc:
        text = str(exc)
        if name != "weights":  # the message speaks of agglo's argument 'weights'
            text = text.replace("'weights'", f"'{name}'")
        raise _error(text) from None


def _weights_block(w: Any) -> Any:
    return cv.to_excel(np.asarray(w.to_dense(), dtype=float))


def _permutations(value: Any) -> int:
    n = cv.read_option(value, "permutations", 999, "int")
    if not 0 <= n <= MAX_DRAWS:
        raise _error(
            f"'permutations' 必须是 0 到 {MAX_DRAWS} 之间的整数；收到 {n}。 / 'permutations' "
            f"must be a whole number from 0 to {MAX_DRAWS}; received {n}."
        )
    return n


def _spweights(matrix, style="W"):
    return _weights_block(_spatial_weights_arg(matrix, style, "matrix"))


_declare(
    "SPWEIGHTS",
    "spatial_weights",
    "空间权重矩阵：按所选方式标准化，n×n溢出。",
    "Spatial weights matrix 空间权重矩阵 standardised in a style (W row-standardised, B, C, U, "
    "S), spilled n × n.",
    _arg("matrix", "block", *_SPATIAL_WEIGHTS),
    _arg("style", "text", *_STYLE, "W"),
    result="weights",
    adapter=_spweights,
)

_declare(
    "KNNWEIGHTS",
    "knn_weights",
    "k近邻空间权重（n×n溢出）；经纬度用 great_circle。",
    "k-nearest-neighbour weights k近邻空间权重 from coordinates (n × n, spilled); great_circle "
    "for longitude/latitude.",
    _arg("coords", "block", *_COORDS),
    _arg("k", "int", "每个单位的近邻数（默认4）。", "Neighbours per unit (default 4).", 4),
    _arg("metric", "text", *_METRIC, "euclidean"),
    _arg("style", "text", *_STYLE, "W"),
    result="weights",
)


def _distweights(coords, threshold=None, power=1.0, metric="euclidean", style="W"):
    xy = cv.read_block(coords, "coords", totals=False).values
    band = _opt(threshold, "threshold", None, "number")
    pw = _opt(power, "power", 1.0, "number")
    metric = _opt(metric, "metric", "euclidean")
    style = _opt(style, "style", "W")
    if band is None:
        w = _fn("inverse_distance_weights")(xy, pw, None, metric, style)
    else:
        w = _fn("distance_band_weights")(xy, band, metric, pw == 0, pw, style)
    return _weights_block(w)


# fmt: off
_declare(
    "DISTWEIGHTS",
    ("inverse_distance_weights", "distance_band_weights"),
    "距离空间权重：距离倒数的幂，可限距离带（power 0 为二值距离带）。",
    "Distance weights 距离空间权重: inverse distance d^-power, within an optional band (power 0 "
    "= binary band), n × n.",
    _arg("coords", "block", *_COORDS),
    _arg("threshold", "number", "可选：距离带，带内才算邻居（great_circle 时单位km）。", "Optional distance band: only pairs within it are neighbours (km for great_circle).", None),
    _arg("power", "number", "距离倒数的指数 d^-power（默认1；2=引力；0=二值距离带）。", "Exponent of the inverse distance d^-power (default 1; 2 = gravity; 0 = binary band).", 1.0),
    _arg("metric", "text", *_METRIC, "euclidean"),
    _arg("style", "text", *_STYLE, "W"),
    result="weights",
    adapter=_distweights,
)
# fmt: on


def _labelled_weights(w: Any, head: str) -> Any:
    names = list(w.labels)
    dense = np.asarray(w.to_dense(), dtype=float)
    rows = [[n, *row] for n, row in zip(names, dense.tolist(), strict=True)]
    return cv.to_excel([[head, *names], *rows])


def _chinaweights(hainan="guangdong", style="W", labels=True):
    w = _fn("china_province_weights")(
        _opt(hainan, "hainan", "guangdong"), _opt(style, "style", "W")
    )
    if not cv.read_option(labels, "labels", True, "bool"):
        return _weights_block(w)
    return _labelled_weights(w, f"{w.style} (Hainan: {_opt(hainan, 'hainan', 'guangdong')})")


# fmt: off
_declare(
    "CHINAWEIGHTS",
    "china_province_weights",
    "中国31个省份的邻接矩阵（国家统计局顺序），海南的邻接可选。",
    "Contiguity weights 邻接矩阵 of China's 31 provinces (北京, 天津, 河北 … NBS order), Hainan "
    "convention selectable.",
    _arg("hainan", "text", "guangdong（默认：海南–广东）、guangdong_guangxi 或 isolated（无邻居）。", "guangdong (default: 海南–广东), guangdong_guangxi, or isolated (no neighbour).", "guangdong"),
    _arg("style", "text", *_STYLE, "W"),
    _arg("labels", "bool", "TRUE（默认）：带省份名称的表头行与列；FALSE：只有数值。", "TRUE (default): a header row and column of province names; FALSE: numbers only.", True),
    result="labelled matrix",
    adapter=_chinaweights,
)
# fmt: on


def _unit_name(value: Any, row: int) -> Any:
    """A unit's name in a neighbour list: a text, or a whole-number code such as 110000."""
    if isinstance(value, str):
        text = value.strip()
        if text and text not in cv.ERROR_CODES:
            return text
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if abs(number) < 1e15 and number.is_integer():  # NaN and ±inf fail the bound
            return int(number)
    raise _error(
        f"'pairs' 第 {row} 行的 {value!r} 不是单元名称（应为文字或整数代码）。 / 'pairs' row "
        f"{row} holds {value!r}, not a unit name (text or a whole-number code)."
    )


def _nbweights(pairs, style="W", symmetric=True, header=False):
    rows = pairs if isinstance(pairs, list) else [[pairs]]
    rows = [r if isinstance(r, list) else [r] for r in rows]
    if cv.read_option(header, "header", False, "bool"):
        rows = rows[1:]
    both = cv.read_option(symmetric, "symmetric", True, "bool")
    nb: dict[Any, dict[Any, float]] = {}
    for i, row in enumerate(rows, start=1):  # reading the list, not a computation
        cells = [None if (isinstance(c, str) and not c.strip()) else c for c in row]
        if all(c is None for c in cells):
            continue
        if len(cells) < 2 or cells[0] is None or cells[1] is None:
            raise _error(
                f"'pairs' 第 {i} 行需要两个名称（单元, 邻居）。 / 'pairs' row {i} needs two "
                "names: a unit and its neighbour."
            )
        a, b = _unit_name(cells[0], i), _unit_name(cells[1], i)
        wt = 1.0
        if len(cells) > 2 and cells[2] is not None:
            wt = cv.read_option(cells[2], "pairs", 1.0, "number")
        if a == b:
            raise _error(
                f"'pairs' 第 {i} 行的单元与邻居相同 ({a!r})。 / 'pairs' row {i} pairs {a!r} "
                "with itself; a unit is not its own neighbour."
            )
        for x, y in ((a, b), (b, a)) if both else ((a, b),):
            nb.setdefault(x, {})
            nb.setdefault(y, {})
            if nb[x].get(y, wt) != wt:
                raise _error(
                    f"'pairs' 中 {x!r}–{y!r} 出现两次且权重不同。 / 'pairs' gives {x!r}–{y!r} "
                    "twice with different weights."
                )
            nb[x][y] = wt
    if len(nb) < 2:
        raise _error("'pairs' 至少需要一对邻居。 / 'pairs' needs at least one pair of units.")
    w = _fn("spatial_weights")(nb, _opt(style, "style", "W"))
    return _labelled_weights(w, f"{w.style} (neighbour list)")


# fmt: off
_declare(
    "NBWEIGHTS",
    "spatial_weights",
    "由邻居列表得空间权重矩阵（带名称，n×n溢出）。",
    "Spatial weights 空间权重矩阵 from a neighbour list (unit, neighbour[, weight] per row), "
    "labelled n × n, spilled.",
    _arg("pairs", "neighbours", "邻居列表：每行一对（单元, 邻居[, 权重]）；名称或代码。", "Neighbour list: one pair per row (unit, neighbour[, weight]); names or codes."),
    _arg("style", "text", *_STYLE, "W"),
    _arg("symmetric", "bool", "TRUE（默认）：每对双向相连；FALSE：仅单元→邻居。", "TRUE (default): each pair links both ways; FALSE: unit → neighbour only.", True),
    _arg("header", "bool", "首行为列标题时为TRUE（默认FALSE）。", "TRUE if the first row holds column titles (default FALSE).", False),
    result="labelled matrix",
    adapter=_nbweights,
)
# fmt: on


def _spatial_args(values, weights, style, permutations, seed):
    y = cv.read_vector(values, "values", totals=True)
    return (
        y,
        _spatial_weights_arg(weights, style),
        None,
        _permutations(permutations),
        _seed(seed),
    )


_MORAN_ROWS = (
    ("E[{s}]", "expected"),
    ("Var (normality)", "variance_normal"),
    ("Var (randomisation)", "variance_random"),
    ("z (normality)", "z_normal"),
    ("z (randomisation)", "z_random"),
    ("p (normality, two-sided)", "p_normal"),
    ("p (randomisation, two-sided)", "p_random"),
    ("p (permutation, pseudo)", "p_permutation"),
    ("permutations", "permutations"),
    ("n", "n"),
)


def _global_table(func: str, symbol: str, title: str, values, weights, style, permutations, seed):
    """One column of statistics per column of ``values`` (e.g. one per year)."""
    block = cv.read_block(values, "values", totals="labels")
    arr = block.values
    if arr.shape[0] == 1 or arr.shape[1] == 1:
        series, heads = [arr.ravel()], ["value"]
    else:
        series = [arr[:, j] for j in range(arr.shape[1])]
        heads = block.col_labels or [f"column {j + 1}" for j in range(arr.shape[1])]
    w = _spatial_weights_arg(weights, style)
    n_perm, seed_value = _permutations(permutations), _seed(seed)
    results = [_fn(func)(y, w, None, n_perm, seed_value) for y in series]
    labels = [symbol] + [label.format(s=symbol) for label, _ in _MORAN_ROWS]
    cols = [
        [getattr(r, symbol), *[float(getattr(r, attr)) for _, attr in _MORAN_ROWS]] for r in results
    ]
    return cv.to_table([f"{title} [{w.style}]", *heads], [labels, *cols])


def _morani(values, weights, style="W", permutations=999, seed=1):
    return _global_table("moran", "I", "Moran's I", values, weights, style, permutations, seed)


def _gearyc(values, weights, style="W", permutations=999, seed=1):
    return _global_table("geary", "C", "Geary's C", values, weights, style, permutations, seed)


def _lisa(values, weights, style="W", permutations=999, seed=1):
    r = _fn("local_moran")(*_spatial_args(values, weights, style, permutations, seed))
    header = ["I_i", "E[I_i]", "z", "p", "p (permutation)", "quadrant", "z-value", "lag"]
    cols = [r.I, r.expected, r.z, r.p, r.p_permutation, r.quadrant, r.standardized, r.lag]
    return cv.to_table(header, cols)


# fmt: off
_MORAN_REST = (
    _arg("weights", "block", *_SPATIAL_WEIGHTS),
    _arg("style", "text", *_STYLE, "W"),
    _arg("permutations", "int", "伪p值的随机置换次数（默认999；0=不置换）。", "Random permutations for the pseudo p-value (default 999; 0 = none).", 999),
    _arg("seed", "seed", "置换的随机种子（默认1）：同一种子得同一p值。", "Seed of the permutations (default 1): the same seed gives the same p-value.", 1),
)
# fmt: on
# fmt: off
_GLOBAL_VALUES = _arg("values", "block", "每个单位一个值，顺序同权重；多列（如每年一列，带表头）各得一列结果。", "One value per unit, in the order of the weights; several columns (e.g. one per year, with a header) give one column of results each.")
# fmt: on

_declare(
    "MORANI",
    "moran",
    "全局莫兰指数检验表，每年一列。",
    "Global Moran's I 全局莫兰指数 table: I, E[I], variances, z and two-sided p (normality, "
    "randomisation), permutation p; a column per year.",
    _GLOBAL_VALUES,
    *_MORAN_REST,
    result="table",
    adapter=_morani,
)

_declare(
    "GEARYC",
    "geary",
    "吉尔里指数检验表，每年一列。",
    "Geary's C 吉尔里指数 table: C (E[C] = 1), variances, z and two-sided p (normality, "
    "randomisation), permutation p; a column per year.",
    _GLOBAL_VALUES,
    *_MORAN_REST,
    result="table",
    adapter=_gearyc,
)

# fmt: off
_declare(
    "LISA",
    "local_moran",
    "局部莫兰指数：每个单位的I_i、检验与象限。",
    "Local Moran's I (LISA) 局部莫兰指数 per unit: I_i, E, z, p, pseudo p, quadrant "
    "HH/LH/LL/HL, z-value and its spatial lag.",
    _arg("values", "vector", "每个单位一个值（一列或一行），顺序同权重。", "One value per unit (a column or row), in the order of the weights."),
    *_MORAN_REST,
    result="table",
    adapter=_lisa,
)
# fmt: on

# fmt: off
_PANEL = _arg("panel", "block", "地区为行、年份为列（按时间顺序）；可含标签。", "Regions in rows, years in columns (time order); labels allowed.")
# fmt: on
_CLASSES = _arg(
    "classes", "int", "分位数类别数（默认5）。", "Number of quantile classes (default 5).", 5
)
# fmt: off
_SCOPE = _arg("scope", "text", "pooled（默认：各年合并求分位数）或 per_year。", "pooled (default: quantiles of all years together) or per_year.", "pooled")
# fmt: on


def _panel_arg(panel: Any) -> np.ndarray:
    return cv.read_block(panel, "panel", totals="labels").values


def _class_names(k: int) -> list[str]:
    return [f"C{i + 1}" for i in range(k)]


def _markov(panel, classes=5, scope="pooled", show="probabilities"):
    r = _fn("markov")(
        _panel_arg(panel),
        cv.read_option(classes, "classes", 5, "int"),
        _opt(scope, "scope", "pooled"),
    )
    what = str(_opt(show, "show", "probabilities")).lower()
    names = _class_names(r.k)
    if what not in ("probabilities", "counts", "passage"):
        raise _error(
            f"'show' 必须是 probabilities、counts 或 passage；收到 {what!r}。 / 'show' must be "
            f"probabilities, counts or passage; received {what!r}."
        )
    first = f"class [{_opt(scope, 'scope', 'pooled')}]"
    if what == "counts":
        cols = [names, *r.counts.T]
        return cv.to_table([first, *names], cols)
    if what == "passage":
        return cv.to_table([first, *names], [names, *r.first_passage.T])
    cols = [names, r.counts.sum(axis=1), *r.probabilities.T, r.steady_state, r.sojourn]
    return cv.to_table([first, "n", *names, "steady state", "sojourn"], cols)


# fmt: off
_declare(
    "MARKOV",
    "markov",
    "马尔可夫链转移概率矩阵（分位数类别）。",
    "Markov chain 马尔可夫链转移概率矩阵 of quantile classes: probabilities with steady state and "
    "sojourn, counts or passage times.",
    _PANEL,
    _CLASSES,
    _SCOPE,
    _arg("show", "text", "probabilities（默认，附n、稳态与停留期）、counts，或 passage（首达时间）。", "probabilities (default, with n, steady state, sojourn), counts, or passage (first-passage times).", "probabilities"),
    result="table",
    adapter=_markov,
)
# fmt: on


def _spmarkov(panel, weights, classes=5, lag_classes=None, scope="pooled", show="probabilities"):
    k = cv.read_option(classes, "classes", 5, "int")
    r = _fn("spatial_markov")(
        _panel_arg(panel),
        _spatial_weights_arg(weights, "W"),
        k,
        cv.read_option(lag_classes, "lag_classes", None, "int"),
        _opt(scope, "scope", "pooled"),
    )
    what = str(_opt(show, "show", "probabilities")).lower()
    if what not in ("probabilities", "counts", "test"):
        raise _error(
            f"'show' 必须是 probabilities、counts 或 test；收到 {what!r}。 / 'show' must be "
            f"probabilities, counts or test; received {what!r}."
        )
    if what == "test":
        names = ["Q", "p (Q)", "LR", "p (LR)", "dof"]
        vals = [r.Q, r.Q_p_value, r.LR, r.LR_p_value, float(r.dof)]
        return cv.to_table(["homogeneity (Bickenbach–Bode)", "value"], [names, vals])
    m, k, _ = r.counts.shape
    names = _class_names(k)
    lag_col = [f"L{lag + 1}" for lag in range(m) for _ in range(k)]
    cls_col = names * m
    n_col = r.counts.sum(axis=2).reshape(-1)
    mats = (r.counts if what == "counts" else r.probabilities).reshape(m * k, k)
    header = ["lag class", "class", "n", *names]
    cols = [lag_col, cls_col, n_col, *mats.T]
    if what == "probabilities":
        header.append("steady state")
        cols.append(r.steady_states.reshape(-1))
    return cv.to_table(header, cols)


# fmt: off
_declare(
    "SPMARKOV",
    "spatial_markov",
    "空间马尔可夫链：以邻居类别为条件的转移矩阵，堆叠。",
    "Spatial Markov chain 空间马尔可夫链: transition matrices conditioned on the neighbours' class, "
    "stacked (lag class, class).",
    _PANEL,
    _arg("weights", "block", _SPATIAL_WEIGHTS[0] + "行标准化（W）。", _SPATIAL_WEIGHTS[1] + " Row-standardised (W)."),
    _CLASSES,
    _arg("lag_classes", "int", "邻居空间滞后的类别数（默认=classes）。", "Number of classes of the neighbours' spatial lag (default = classes).", None),
    _SCOPE,
    _arg("show", "text", "probabilities（默认，附n与稳态）、counts，或 test（齐性检验Q、LR）。", "probabilities (default, with n and steady state), counts, or test (homogeneity Q, LR).", "probabilities"),
    result="table",
    adapter=_spmarkov,
)
# fmt: on

# fmt: off
_CX_MATRIX = _arg("matrix", "block", "地区×行业的出口、就业或产出数据块（可含标签）。", "Regions × industries block of exports, employment or output (labels allowed).", totals=True)
# fmt: on
# fmt: off
_CX_KIND = _arg("kind", "text", "values（默认：先算RCA = 区位熵）、rca，或 binary（0/1矩阵M）。", "values (default: RCA = LQ is computed), rca, or binary (the 0/1 matrix M).", "values")
# fmt: on
# fmt: off
_CX_THRESHOLD = _arg("threshold", "number", "RCA达到此值即视为拥有该产业（默认1）。", "RCA at or above which an industry counts as present (default 1).", 1.0)
# fmt: on
# fmt: off
_COMPLEXITY_ARGS = (
    _CX_MATRIX,
    _arg("method", "text", "reflections（默认）、eigenvector 或 fitness。", "reflections (default), eigenvector or fitness.", "reflections"),
    _CX_KIND,
    _CX_THRESHOLD,
    _arg("convention", "text", "hidalgo（默认：ECI、PCI各自标准化）或 ecomplexity（PCI用ECI的尺度）。", "hidalgo (default: ECI, PCI each standardised) or ecomplexity (PCI on the ECI's scale).", "hidalgo"),
)
# fmt: on


def _complexity(matrix, method, kind, threshold, convention):
    arr = cv.read_block(matrix, "matrix", totals=True).values
    return _fn("economic_complexity")(
        arr,
        _opt(method, "method", "reflections"),
        _opt(kind, "kind", "values"),
        _opt(threshold, "threshold", 1.0, "number"),
        None,
        _opt(convention, "convention", "hidalgo"),
    )


def _eci(matrix, method="reflections", kind="values", threshold=1.0, convention="hidalgo"):
    r = _complexity(matrix, method, kind, threshold, convention)
    name, vals = ("ECI", r.eci) if r.eci is not None else ("fitness", r.fitness)
    return cv.to_table([f"diversity [{r.method}]", name], [r.diversity, vals])


def _pci(matrix, method="reflections", kind="values", threshold=1.0, convention="hidalgo"):
    r = _complexity(matrix, method, kind, threshold, convention)
    name, vals = ("PCI", r.pci) if r.pci is not None else ("complexity", r.complexity)
    return cv.to_table([f"ubiquity [{r.method}]", name], [r.ubiquity, vals])


_declare(
    "ECI",
    "economic_complexity",
    "经济复杂度：各地区的ECI与多样性。",
    "Economic complexity index 经济复杂度 ECI of each region (rows), with diversity; fitness with "
    "method=fitness.",
    *_COMPLEXITY_ARGS,
    result="table",
    adapter=_eci,
)

_declare(
    "PCI",
    "economic_complexity",
    "产业复杂度：各行业的PCI与普遍性。",
    "Product complexity index 产业复杂度 PCI of each industry (one row per column of the block), "
    "with ubiquity.",
    *_COMPLEXITY_ARGS,
    result="table",
    adapter=_pci,
)

# fmt: off
_RELATED_ARGS = (
    _CX_MATRIX,
    _CX_KIND,
    _CX_THRESHOLD,
    _arg("include_self", "bool", "TRUE（默认）：产业与自身的邻近度为1；FALSE：0。", "TRUE (default): an industry's proximity to itself is 1; FALSE: 0.", True),
)
# fmt: on

_declare(
    "PROXIMITY",
    "proximity",
    "产业邻近度：每对产业的φ（k×k溢出）。",
    "Proximity 产业邻近度 φ = co-occurrence / max ubiquity of every pair of industries (k × k, "
    "spilled).",
    *_RELATED_ARGS,
    result="matrix",
)

_declare(
    "RELDENSITY",
    "relatedness_density",
    "关联密度：各地区在各产业周围的关联密度，在[0,1]。",
    "Relatedness density 关联密度 of each region around each industry (same shape as the block), "
    "in [0, 1].",
    *_RELATED_ARGS,
    result="matrix",
)


#: Every worksheet function, in the order of the README table.
DECLARATIONS: tuple[Declaration, ...] = tuple(_DECLARED)
