"""Excel worksheet functions (UDFs): every :mod:`agglo` measure as ``=NAME(...)``.

Each wrapper is thin: it reads what Excel passes (:mod:`agglo_addin.conversion`),
calls the :mod:`agglo` function, and converts the result back to a cell value or a
list of rows that spills.  No statistics happen here.

The same module runs in classic xlwings (Windows desktop Excel, ``UDF_MODULES``) and in
xlwings Lite (``main.py`` imports it): only options both support are used — ``@func``
with a category, ``@arg(ndim=2, err_to_str=True, doc=...)``, positional options with
defaults, docstrings ≤ 255 characters.  Every argument is declared ``ndim=2`` so a
range always arrives as a list of rows and a single cell as ``[[x]]``.

:data:`REGISTRY` maps each Excel function name to the very function Excel calls; the
headless engine evaluates workbooks through it.  :data:`REQUIRES` names the
:mod:`agglo` functions each wrapper needs; :func:`available` says whether they exist in
the installed agglo (tests skip a wrapper whose function is missing).

Results and errors follow :mod:`agglo_addin.conversion`: NaN → ``"#N/A"``, ±inf →
``"#NUM!"``, invalid input → ``"#VALUE! <message>"`` (in xlwings Lite a raised
:class:`xlwings.XlwingsError`, shown as ``#VALUE!`` with the message on hover).
"""

from __future__ import annotations

import functools
import importlib
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from agglo._messages import argument_origins
from agglo._validation import AggloValueError

from . import _mode
from . import conversion as cv

if _mode.headless_import:
    # imported by the headless engine, which calls these same functions but needs none
    # of Excel's metadata that xlwings' decorators attach (importing xlwings, and pandas
    # with it, would be a third of the time of a typical refresh)
    xw: Any = None
else:
    import xlwings as xw

__all__ = ["ARG_OPTIONS", "CATEGORY", "REGISTRY", "REQUIRES", "available"]

#: The one function category shown in Excel's function wizard.
CATEGORY = "Agglo"

#: Converter options declared for every argument of every worksheet function.
ARG_OPTIONS: dict[str, Any] = {"ndim": 2, "err_to_str": True}

#: Excel function name -> the function Excel calls.
REGISTRY: dict[str, Callable[..., Any]] = {}

#: Excel function name -> names of the ``agglo`` functions it calls.
REQUIRES: dict[str, tuple[str, ...]] = {}

#: Largest number of random draws RANDWEIGHTS accepts (keeps a recalculation short).
MAX_DRAWS = 100_000


def _agglo() -> Any:
    """The :mod:`agglo` package, imported on first use."""
    return sys.modules.get("agglo") or importlib.import_module("agglo")


def _fn(name: str) -> Callable[..., Any]:
    """An ``agglo`` function by name (a clear message if it is not available)."""
    f = getattr(_agglo(), name, None)
    if f is None:
        raise _error(f"this version of agglo has no function {name!r}; update agglo.")
    return f


def _error(message: str) -> AggloValueError:
    """An invalid-input error raised by a wrapper itself."""
    return AggloValueError(message)


def available(name: str) -> bool:
    """True when every ``agglo`` function the UDF ``name`` needs exists."""
    try:
        pkg = _agglo()
    except Exception:  # an import error in agglo: nothing is available
        return False
    return all(callable(getattr(pkg, f, None)) for f in REQUIRES[name])


def _guard(f: Callable[..., Any]) -> Callable[..., Any]:
    """Never let an exception (and its traceback) reach a cell.

    Classic xlwings and the headless engine get ``"#VALUE! <message>"``; xlwings Lite
    gets :class:`xlwings.XlwingsError` (shown as ``#VALUE!`` with the message on hover).
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    return f(*args)
        except Exception as exc:  # every failure becomes a short message
            if isinstance(exc, AggloValueError):
                text = str(exc)
            else:
                text = f"{f.__name__}: {type(exc).__name__}: {exc}"
            message = cv.invalid(text)
            if cv.IN_LITE:
                raise xw.XlwingsError(cv.error_message_of(message)) from None
            return message

    return wrapper


def _with_caller(g: Callable[..., Any], f: Callable[..., Any]) -> Callable[..., Any]:
    """Classic Excel: take the calling cell, which xlwings passes as the reserved last
    argument ``caller`` (not shown in Excel), and record where each range argument starts
    (read from the cell's formula) so that messages name worksheet cells (``B7``).

    Any other caller (the headless engine, tests, xlwings Lite) passes no ``caller``;
    anything unexpected about it only means messages count rows and columns instead.
    """
    import inspect

    sig = inspect.signature(f)
    params = list(sig.parameters.values())
    names = [p.name for p in params]
    n = len(params)

    @functools.wraps(g)
    def call(*args: Any) -> Any:
        if len(args) == n + 1 and hasattr(type(args[n]), "formula"):  # a Range, not a value
            caller, args = args[n], args[:n]
            origins = _caller_origins(caller, f.__name__, names)
            if origins:
                with argument_origins(origins):
                    return g(*args)
        return g(*args)

    caller_param = inspect.Parameter(
        "caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None
    )
    call.__signature__ = sig.replace(parameters=[*params, caller_param])  # type: ignore[attr-defined]
    return call


def _caller_origins(caller: Any, name: str, params: list[str]) -> dict[str, tuple]:
    """Argument origins from the calling cell's formula (see :func:`_with_caller`)."""
    try:
        formula = caller.formula
        while isinstance(formula, list | tuple):  # an array formula's range: its first cell
            formula = formula[0]
        if not isinstance(formula, str):
            return {}
        return cv.origins_from_formula(formula, name, params)
    except Exception:  # noqa: BLE001 - no caller, or one we cannot read: rows and columns
        return {}


def _udf(*requires: str, **docs: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a wrapper: guard, declare every argument (ndim=2, docs), register it."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        g = _guard(f)
        if xw is not None and not cv.IN_LITE:
            g = _with_caller(g, f)
        if xw is not None:
            for arg, doc in docs.items():
                g = xw.arg(arg, doc=doc, **ARG_OPTIONS)(g)
            g = xw.func(category=CATEGORY)(g)
        REGISTRY[f.__name__] = g
        REQUIRES[f.__name__] = requires
        return g

    return decorate


# --------------------------------------------------------------------------------------
# helpers (conversion only)
# --------------------------------------------------------------------------------------

_opt = cv.read_option


def _is_single(value: Any) -> bool:
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    return not isinstance(value, list | tuple)


def _optional_array(value: Any, name: str) -> Any:
    """None/blank -> None; one cell -> float; a range -> 1-D array."""
    if _is_single(value):
        v = cv.read_option(value, name, None, "number")
        return v
    return cv.read_vector(value, name, totals=False)


def _seed(value: Any) -> int:
    seed = cv.read_option(value, "seed", 1, "int")
    if seed < 0:
        raise _error(f"'seed' must be a whole number >= 0; received {seed}.")
    return seed


def _weights_arg(value: Any, name: str = "weights") -> Any:
    if _is_single(value) and _opt(value, name, None, "any") is None:
        return None
    return cv.read_vector(value, name, totals=False)


def _optional_block(value: Any, name: str) -> np.ndarray | None:
    """None/blank -> None; otherwise a block of numbers."""
    if _is_single(value) and cv.read_option(value, name, None, "any") is None:
        return None
    return cv.read_block(value, name, totals=False).values


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


def _same_orientation(result: Any, like: np.ndarray) -> Any:
    """A 1-D result laid out like the input vector (row in, row out)."""
    arr = np.asarray(result.to_numpy() if hasattr(result, "to_numpy") else result)
    if arr.ndim == 0 or arr.size == 1:
        return cv.to_excel(arr.reshape(-1)[0])
    if like.ndim == 2 and like.shape[0] == 1:
        return cv.to_row(arr)
    return cv.to_excel(arr.reshape(like.shape) if arr.size == like.size else arr)


def _directions(value: Any) -> Any:
    """Indicator directions: blank -> all positive; a row of '+'/'-' (or 1/-1) texts."""
    if _is_single(value):
        v = cv.read_option(value, "directions", None, "any")
        if v is None:
            return None
        return v if isinstance(v, str) else [v]
    rows = value if isinstance(value, list | tuple) else [[value]]
    flat = [c for r in rows for c in (r if isinstance(r, list | tuple) else [r])]
    out = []
    for c in flat:
        if c is None or (isinstance(c, str) and not c.strip()):
            out.append("+")
        elif isinstance(c, float) and c.is_integer():
            out.append(int(c))
        else:
            out.append(c.strip() if isinstance(c, str) else c)
    return out


def _convention_header(first: str, convention: str, missing: int = 0) -> str:
    """The first header cell of a table result: what was computed and how, and how many
    cells were read as missing (blank, placeholder, error value) and left out."""
    if missing:
        note = f"缺失{missing}格 / {missing} missing cell{'s' if missing > 1 else ''} left out"
        convention = f"{convention}; {note}" if convention else note
    return f"{first} [{convention}]" if convention else first


# --------------------------------------------------------------------------------------
# location and specialisation (区位熵, 专业化)
# --------------------------------------------------------------------------------------


@_udf(
    "location_quotient",
    data="Block regions × industries (labels allowed), or one cell e_rk for the scalar form.",
    region_totals="Optional: each region's total E_r (column), or one cell. Blank = row sums.",
    industry_totals="Optional: national total of each industry E_k (row, e.g. the 全国 row).",
    grand_total="Optional: national total E (one cell). Blank = sum of industry totals.",
    form="ratio (default), binary (LQ>=threshold), additive, symmetric, zscore, log_zscore.",
    threshold="Cut-off for form=binary (default 1).",
)
def LQ(
    data,
    region_totals=None,
    industry_totals=None,
    grand_total=None,
    form="ratio",
    threshold=1.0,
):
    """区位熵：选地区×行业数据块，得区位熵矩阵；合计行须另作参照。 Location quotient 区位熵 LQ=(E_rk/E_r)/(E_k/E): a block gives the LQ matrix; one cell with the three totals gives one LQ. A 全国/合计 row inside the block is refused, pass it as industry_totals."""
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


@_udf(
    "lq_score",
    lq="Location quotients (any range).",
    low="Score given to LQ = m/2 (default 50).",
    high="Score given to LQ = 2m (default 100).",
    mean="Optional m; blank = mean of the LQs given.",
    clip="TRUE (default) keeps scores within [low, high].",
)
def LQSCORE(lq, low=50.0, high=100.0, mean=None, clip=True):
    """区位熵得分：把区位熵线性映射到[low, high]。 LQ score 区位熵得分 (paper 003): maps [m/2, 2m] linearly onto [low, high], m = mean LQ."""
    arr = cv.read_block(lq, "lq", totals=False).values
    result = _fn("lq_score")(
        arr,
        _opt(low, "low", 50.0, "number"),
        _opt(high, "high", 100.0, "number"),
        mean=_opt(mean, "mean", None, "number"),
        clip=_opt(clip, "clip", True, "bool"),
    )
    return cv.to_excel(result)


@_udf(
    "krugman_specialisation",
    data="Block regions × industries (labels allowed).",
    industry_totals="Optional national total of each industry (row). Blank = column sums.",
    halved="FALSE (default): Σ|s-x| in [0,2]; TRUE: half of it, in [0,1].",
)
def KRUGMAN(data, industry_totals=None, halved=False):
    """克鲁格曼专业化指数：每个地区一个值（一列）。 Krugman specialisation index 克鲁格曼专业化指数 of each region, Σ_k |s_rk − s_k| (a column)."""
    arr = cv.read_block(data, "data", totals="labels", extensive=True).values
    result = cv.call_checked(
        _fn("krugman_specialisation"),
        arr,
        _optional_array(industry_totals, "industry_totals"),
        halved=_opt(halved, "halved", False, "bool"),
        totals=True,
    )
    return cv.to_column(result)


@_udf(
    "hoover_coefficient",
    data="Block regions × industries (labels allowed).",
    region_totals="Optional total of each region (column). Blank = row sums.",
    halved="TRUE (default): ½Σ|s-x| in [0,1]; FALSE: Σ|s-x|.",
)
def HOOVER(data, region_totals=None, halved=True):
    """胡佛地方化系数：每个行业一个值（一行）。 Hoover localisation coefficient 胡佛地方化系数 of each industry, ½Σ_r|s_rk − x_r| (a row)."""
    arr = cv.read_block(data, "data", totals="labels", extensive=True).values
    result = cv.call_checked(
        _fn("hoover_coefficient"),
        arr,
        _optional_array(region_totals, "region_totals"),
        halved=_opt(halved, "halved", True, "bool"),
        totals=True,
    )
    return cv.to_row(result)


# --------------------------------------------------------------------------------------
# concentration (集中度, 基尼系数, EG)
# --------------------------------------------------------------------------------------


@_udf(
    "hhi",
    values="One column (or row) of sizes, or a block: one HHI per column (industry).",
    normalized="TRUE: (H−1/n)/(1−1/n) in [0,1]. Default FALSE.",
    percent="TRUE: shares in percent, HHI on 0–10000. Default FALSE.",
)
def HHI(values, normalized=False, percent=False):
    """赫芬达尔指数：每列一个值；单列得一个值。不得含合计行。 Herfindahl–Hirschman index 赫芬达尔指数 H = Σ s_i², one per column of the block (a row), or one value for a single row/column."""
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


@_udf(
    "concentration_ratio",
    values="One column (or row) of sizes, or a block: one CR_n per column (industry).",
    n="Number of largest units (default 4).",
)
def CRN(values, n=4):
    """行业集中度CRn：最大n个单位的份额之和。 Concentration ratio 行业集中度 CR_n: share of the n largest units, one per column (a row), or one value for a single row/column."""
    arr, single = _by_column(
        cv.read_block(values, "values", totals="labels", extensive=True).values
    )
    result = cv.call_checked(
        _fn("concentration_ratio"), arr, n=_opt(n, "n", 4, "int"), totals="rows"
    )
    return _per_series(result, single)


@_udf(
    "gini",
    values="One row or column of values (e.g. income or output of each region).",
    weights="Optional weights of the same length (e.g. population) for the weighted Gini.",
    corrected="TRUE: small-sample correction n/(n−1). Default FALSE.",
)
def GINI(values, weights=None, corrected=False):
    """基尼系数：一行或一列数值，可加人口权重。 Gini coefficient 基尼系数 of a distribution, plain or population-weighted."""
    vec = cv.read_vector(values, "values", extensive=True)
    w = _weights_arg(weights)
    result = _fn("gini")(
        vec,
        weights=w,
        corrected=_opt(corrected, "corrected", False, "bool"),
        total_rows="raise",
    )
    return cv.to_excel(np.asarray(result).reshape(-1)[0] if np.size(result) == 1 else result)


_RT_DOC = "Optional total of each region (column). Blank = row sums of the block."


@_udf(
    "spatial_gini",
    data="Block regions × industries (labels allowed).",
    region_totals=_RT_DOC,
)
def SPATIALGINI(data, region_totals=None):
    """空间基尼系数：每个行业一个值。 Spatial Gini 空间基尼系数 of each industry, Σ_r (s_rk − x_r)² (a row)."""
    arr = cv.read_block(data, "data", totals="labels", extensive=True).values
    rt = _optional_array(region_totals, "region_totals")
    return cv.to_row(cv.call_checked(_fn("spatial_gini"), arr, rt, totals=True))


@_udf(
    "locational_gini",
    data="Block regions × industries (labels allowed).",
    region_totals=_RT_DOC,
    halved="TRUE: halve the value as EconGeo does. Default FALSE.",
)
def LOCGINI(data, region_totals=None, halved=False):
    """区位基尼系数：每个行业一个值。 Locational Gini 区位基尼系数 (Krugman's Lorenz-curve Gini) of each industry (a row)."""
    arr = cv.read_block(data, "data", totals="labels", extensive=True).values
    rt = _optional_array(region_totals, "region_totals")
    result = cv.call_checked(
        _fn("locational_gini"), arr, rt, halved=_opt(halved, "halved", False, "bool"), totals=True
    )
    return cv.to_row(result)


@_udf(
    "lq_gini",
    data="Block regions × industries (labels allowed).",
    region_totals=_RT_DOC,
)
def LQGINI(data, region_totals=None):
    """区位熵基尼系数：每个行业一个值。 Gini of the location quotients 区位熵基尼系数 of each industry (REAT gini.conc), a row."""
    arr = cv.read_block(data, "data", totals="labels", extensive=True).values
    rt = _optional_array(region_totals, "region_totals")
    return cv.to_row(cv.call_checked(_fn("lq_gini"), arr, rt, totals=True))


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


@_udf(
    "ellison_glaeser",
    data="Block regions × industries of employment (labels allowed).",
    firm_counts="Enterprise counts: a block like data (equal-size firms per region) or one row per industry (H = 1/N). Give this or herfindahl.",
    herfindahl="Plant Herfindahl H per industry (a row), if known. Give this or firm_counts.",
    approximation="Optional H approximation named by agglo (blank = from what is given).",
)
def EG(data, firm_counts=None, herfindahl=None, approximation=None):
    """EG指数：每个行业的γ，附G、H、z。 Ellison–Glaeser index EG指数 γ per industry: table with header (industry, γ, G, H, z); the header names the H approximation used."""
    block = cv.read_block(data, "data", totals="labels", extensive=True)
    fc = _optional_block(firm_counts, "firm_counts")
    h = _weights_arg(herfindahl, "herfindahl")
    result = _fn("ellison_glaeser")(
        block.values,
        herfindahl=h,
        firm_counts=fc,
        approximation=_opt(approximation, "approximation", None),
    )
    return _eg_table(result, block.col_labels, with_z=True, missing=block.missing)


@_udf(
    "maurel_sedillot",
    data="Block regions × industries of employment (labels allowed).",
    firm_counts="Enterprise counts: a block like data (equal-size firms per region) or one row per industry (H = 1/N). Give this or herfindahl.",
    herfindahl="Plant Herfindahl H per industry (a row), if known. Give this or firm_counts.",
    approximation="Optional H approximation named by agglo (blank = from what is given).",
)
def MS(data, firm_counts=None, herfindahl=None, approximation=None):
    """MS指数：每个行业的γ，附G、H。 Maurel–Sédillot index MS指数 γ per industry: table with header (industry, γ, G, H); the header names the H approximation used."""
    block = cv.read_block(data, "data", totals="labels", extensive=True)
    fc = _optional_block(firm_counts, "firm_counts")
    h = _weights_arg(herfindahl, "herfindahl")
    result = _fn("maurel_sedillot")(
        block.values,
        herfindahl=h,
        firm_counts=fc,
        approximation=_opt(approximation, "approximation", None),
    )
    return _eg_table(result, block.col_labels, with_z=False, missing=block.missing)


# --------------------------------------------------------------------------------------
# growth and structure (增长率, 首位度, 占比)
# --------------------------------------------------------------------------------------


def _num_or_array(value: Any, name: str) -> Any:
    arr = cv.read_block(value, name, totals=False).values
    return float(arr[0, 0]) if arr.size == 1 else arr


@_udf(
    "growth_rate",
    current="Current values (cell or range).",
    previous="Previous values (same shape, or one cell).",
    percent="TRUE: in percent. Default FALSE (a fraction).",
)
def GROWTHRATE(current, previous, percent=False):
    """增长率：(本期−上期)/上期，逐元素。 Growth rate 增长率 (current − previous)/previous, element-wise; a zero or negative base is refused."""
    result = _fn("growth_rate")(
        _num_or_array(current, "current"),
        _num_or_array(previous, "previous"),
        percent=_opt(percent, "percent", False, "bool"),
    )
    return cv.to_excel(result)


@_udf(
    "cagr",
    start="Value in the first year (cell or range).",
    end="Value in the last year (same shape, or one cell).",
    periods="Number of years between them (e.g. 2024−2015 = 9).",
    percent="TRUE: in percent. Default FALSE (a fraction).",
)
def CAGR(start, end, periods, percent=False):
    """年均增长率（水平法）。 Compound annual growth rate 年均增长率 (水平法) (end/start)^(1/periods) − 1."""
    result = _fn("cagr")(
        _num_or_array(start, "start"),
        _num_or_array(end, "end"),
        _num_or_array(periods, "periods"),
        percent=_opt(percent, "percent", False, "bool"),
    )
    return cv.to_excel(result)


@_udf(
    "cagr_cumulative",
    values="Yearly values, years down the rows (one column per series).",
    percent="TRUE: in percent. Default FALSE (a fraction).",
)
def CAGRCUM(values, percent=False):
    """年均增长率（累计法）。 Average growth rate by the cumulative method 累计法: root r of Σ(1+r)^t = ΣX_t/X_0, per column."""
    arr = cv.read_block(values, "values", totals=False).values
    if arr.shape[0] == 1:  # a single row of years
        arr = arr.T
    arr, single = _by_column(arr)
    result = _fn("cagr_cumulative")(arr, percent=_opt(percent, "percent", False, "bool"))
    return _per_series(result, single)


@_udf(
    "primacy_index",
    values="Sizes of the cities/regions (one column or row), e.g. GDP or population.",
    k="2 (default): S1/S2; 4: S1/(S2+S3+S4); 11: 2·S1/(S2+…+S11).",
)
def PRIMACY(values, k=2):
    """首位度：两城市、四城市或十一城市指数。 Primacy index 首位度 of the largest unit: k = 2, 4 or 11 (two-, four-, eleven-city index)."""
    vec = cv.read_vector(values, "values", extensive=True)
    return cv.to_excel(_fn("primacy_index")(vec, _opt(k, "k", 2, "int"), total_rows="raise"))


@_udf(
    "share",
    values="Values (one column or row, or a block: shares within each column).",
    total="Optional total to divide by (one cell); blank = the sum of the values.",
    percent="TRUE: in percent. Default FALSE (a fraction).",
)
def SHARE(values, total=None, percent=False):
    """占比：各值占合计的比重。 Share 占比/比重 of each value in the total (the column sums, or the total given)."""
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


@_udf(
    "profit_margin",
    profit="Profit (cell or range).",
    revenue="Revenue (same shape, or one cell).",
    percent="TRUE: in percent. Default FALSE (a fraction).",
)
def PROFITMARGIN(profit, revenue, percent=False):
    """利润率=利润/收入，逐元素。 Profit margin 利润率 = profit / revenue (paper 000's competitiveness indicator), element-wise."""
    result = _fn("profit_margin")(
        _num_or_array(profit, "profit"),
        _num_or_array(revenue, "revenue"),
        percent=_opt(percent, "percent", False, "bool"),
    )
    return cv.to_excel(result)


# --------------------------------------------------------------------------------------
# statistics (相关, 回归)
# --------------------------------------------------------------------------------------


@_udf(
    "correlation",
    x="First variable (one column or row).",
    y="Second variable (same length). Incomplete pairs are dropped and counted.",
    method="pearson (default) or spearman.",
)
def CORRTEST(x, y, method="pearson"):
    """相关系数及其检验。 Correlation 相关系数 with its test: table with header (r, p-value, n, dropped); the header names the method."""
    result = _fn("correlation")(
        cv.read_vector(x, "x", totals=False),
        cv.read_vector(y, "y", totals=False),
        _opt(method, "method", "pearson"),
    )
    header = [_convention_header("r", result.convention), "p-value", "n", "dropped"]
    return cv.to_table(header, [[result.r], [result.p_value], [result.n], [result.dropped]])


@_udf(
    "ols",
    y="Dependent variable (one column).",
    x="Regressors: one column each (a header row of names may be included).",
    add_constant="TRUE (default): add an intercept 'const'.",
)
def OLS(y, x, add_constant=True):
    """最小二乘回归表。 OLS regression 最小二乘回归 table with header (term, coef, std err, t, p) then R², adj. R², F, p(F), n; the header names the convention."""
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


# --------------------------------------------------------------------------------------
# normalisation and weights (无量纲化, 熵值法, CRITIC, AHP)
# --------------------------------------------------------------------------------------


def _range_opt(low: Any, high: Any) -> Any:
    lo = _opt(low, "low", None, "number")
    hi = _opt(high, "high", None, "number")
    if lo is None and hi is None:
        return None
    if lo is None or hi is None:
        raise _error("'low' and 'high' must be given together (e.g. 0.01 and 0.99).")
    return (lo, hi)


@_udf(
    "normalize",
    matrix="Block units × indicators (labels allowed).",
    directions="Row with one direction per indicator: + (positive) or - (negative). Blank = all +.",
    method="minmax (default), zscore, vector, mean (均值化), initial (初值化).",
    low="Optional lower end of a shifted min–max range, e.g. 0.01.",
    high="Optional upper end of a shifted min–max range, e.g. 0.99.",
)
def NORMALIZE(matrix, directions=None, method="minmax", low=None, high=None):
    """无量纲化：按方向(+/−)标准化各指标列。 Normalisation 无量纲化 of each indicator column with its direction (+/−): min–max, z-score, vector, mean or initial value."""
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    result = cv.call_checked(
        _fn("normalize"),
        arr,
        _directions(directions),
        _opt(method, "method", "minmax"),
        feature_range=_range_opt(low, high),
    )
    return cv.to_excel(result)


def _entropy(matrix, directions, normalize, zero, preset):
    arr = cv.read_block(matrix, "matrix", totals="labels")
    norm = _opt(normalize, "normalize", "minmax")
    if isinstance(norm, str) and norm.lower() == "none":
        norm = None
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


_ENTROPY_DOCS = {
    "matrix": "Block units × indicators (labels allowed).",
    "directions": "Row with one direction per indicator: + or -. Blank = all +.",
    "normalize": "minmax (default) or none (raw-value entropy, as several papers compute it).",
    "zero": "zero (0·ln0=0, default) or spssau (shift by 0.01).",
    "preset": "Optional named preset, e.g. textbook or spssau (overrides normalize/zero).",
}


@_udf("entropy_weights", **_ENTROPY_DOCS)
def ENTROPY(matrix, directions=None, normalize="minmax", zero="zero", preset=None):
    """熵值法：信息熵、差异系数、权重表。 Entropy weight method 熵值法: table with header (indicator, e 信息熵, d 差异系数, w 权重); the header names the convention."""
    block, result = _entropy(matrix, directions, normalize, zero, preset)
    k = block.values.shape[1]
    names = block.col_labels if block.col_labels is not None else list(range(1, k + 1))
    header = [_convention_header("indicator", result.convention, block.missing), "e", "d", "w"]
    return cv.to_table(header, [names, result.entropy, result.divergence, result.weights])


@_udf("entropy_weights", **_ENTROPY_DOCS)
def ENTROPYSCORE(matrix, directions=None, normalize="minmax", zero="zero", preset=None):
    """熵值法综合得分：每个单位一个值。 Entropy-method score 熵值法综合得分 of each unit, Σ_j w_j·z_ij (a column)."""
    _block, result = _entropy(matrix, directions, normalize, zero, preset)
    return cv.to_column(result.scores)


@_udf(
    "critic_weights",
    matrix="Block units × indicators (labels allowed).",
    directions="Row with one direction per indicator: + or -. Blank = all +.",
    normalize="minmax (default) or none.",
)
def CRITIC(matrix, directions=None, normalize="minmax"):
    """CRITIC权重法：各指标权重（一行）。 CRITIC weights CRITIC权重法 of the indicators (a row): contrast (std) × conflict (1 − r)."""
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    norm = _opt(normalize, "normalize", "minmax")
    if isinstance(norm, str) and norm.lower() == "none":
        norm = None
    result = cv.call_checked(_fn("critic_weights"), arr, _directions(directions), norm)
    return cv.to_row(result.weights)


_RI_DOC = "RI table: saaty1980 (default), chinese, saaty2005, tummala_ling, donegan_dodd; or RI as a number."

_AHP_DOCS = {
    "matrix": "Square judgement matrix (1–9 scale); the upper triangle alone is enough.",
    "method": "eigen (特征根法, default), sum (和积法) or geometric (方根法).",
    "ri": _RI_DOC,
}


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


def _ri_option(ri: Any) -> Any:
    value = _opt(ri, "ri", "saaty1980", "any")
    return value.strip() if isinstance(value, str) else value


@_udf("ahp", **_AHP_DOCS)
def AHP(matrix, method="eigen", ri="saaty1980"):
    """层次分析法：权重与一致性检验表。 AHP 层次分析法: table with header; rows w1…wn, λmax, CI, RI, CR, consistent (CR<0.1); the header names the method and RI table."""
    return _ahp_table(_ahp(matrix, method, ri))


@_udf("ahp", **_AHP_DOCS)
def AHPWEIGHTS(matrix, method="eigen", ri="saaty1980"):
    """层次分析法权重（一列）。 AHP weights 层次分析法权重 of the criteria (a column), from a judgement matrix."""
    return cv.to_column(_ahp(matrix, method, ri).weights)


@_udf(
    "ahp_matrix_from_upper",
    upper="Square judgement matrix with the upper triangle filled (1–9 scale; 1/3 allowed).",
)
def AHPMATRIX(upper):
    """由上三角补全判断矩阵。 Complete an AHP judgement matrix 判断矩阵 from its upper triangle: diagonal 1, lower triangle the reciprocals (same shape)."""
    arr = cv.read_block(upper, "upper", totals=False).values
    return cv.to_excel(np.asarray(_fn("ahp_matrix_from_upper")(arr), dtype=float))


@_udf(
    "random_index",
    n="Order of the judgement matrix (number of criteria).",
    ri=_RI_DOC,
)
def AHPRI(n, ri="saaty1980"):
    """平均随机一致性指标RI。 Random consistency index RI 平均随机一致性指标 of an n × n judgement matrix from the chosen table."""
    return cv.to_excel(_fn("random_index")(_opt(n, "n", None, "int"), _ri_option(ri)))


@_udf(
    "ahp_group",
    matrices="The experts' n × n judgement matrices stacked vertically (K·n rows, n columns).",
    weights="Optional row of expert weights; blank = equal.",
    method="eigen (特征根法, default), sum (和积法) or geometric (方根法).",
    ri=_RI_DOC,
)
def AHPGROUP(matrices, weights=None, method="eigen", ri="saaty1980"):
    """群组层次分析法：几何平均合成专家矩阵。 Group AHP 群组层次分析法: experts' matrices combined by element-wise geometric mean; table as AHP (w1…wn, λmax, CI, RI, CR, consistent)."""
    arr = cv.read_block(matrices, "matrices", totals=False).values
    result = _fn("ahp_group")(
        arr, _weights_arg(weights), _opt(method, "method", "eigen"), _ri_option(ri)
    )
    return _ahp_table(result, "group AHP")


@_udf(
    "ahp_hierarchy",
    criteria="Judgement matrix of the k criteria (k × k; the upper triangle is enough).",
    alternatives="k matrices of the m alternatives, one per criterion, stacked vertically (k·m rows, m columns).",
    method="eigen (特征根法, default), sum (和积法) or geometric (方根法).",
    ri=_RI_DOC,
)
def AHPTOTAL(criteria, alternatives, method="eigen", ri="saaty1980"):
    """层次总排序：方案的全局权重与一致性。 AHP hierarchy synthesis 层次总排序: global weights of the alternatives, then total CI, RI, CR and consistent; the header names the convention."""
    crit = cv.read_block(criteria, "criteria", totals=False).values
    alts = cv.read_block(alternatives, "alternatives", totals=False).values
    result = _fn("ahp_hierarchy")(crit, alts, _opt(method, "method", "eigen"), _ri_option(ri))
    weights = np.asarray(result.weights, dtype=float).reshape(-1)
    labels = [f"a{i + 1}" for i in range(weights.size)] + ["CI", "RI", "CR", "consistent"]
    values = [*weights.tolist(), result.ci, result.ri, result.cr, bool(result.consistent)]
    header = [_convention_header("AHP total", result.convention), "global weight"]
    return cv.to_table(header, [labels, values])


@_udf(
    "random_weights",
    order="Importance rank of each criterion (1 = most important; ties allowed), a row.",
    n_draws="Number of random judgement matrices (default 10000).",
    seed="Random seed (default 1): the same seed gives the same weights on every recalculation.",
    max_ratio="Largest ratio of importance allowed (default 9).",
)
def RANDWEIGHTS(order, n_draws=10000, seed=1, max_ratio=9.0):
    """基于规则的随机赋权法。 Rule-based random weighting 基于规则的随机赋权法 (paper 003): table with header (criterion, mean weight, std, q5%, q95%); reproducible via seed."""
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


# --------------------------------------------------------------------------------------
# evaluation (综合指数, TOPSIS, 灰色关联, 障碍度)
# --------------------------------------------------------------------------------------


@_udf(
    "composite_index",
    matrix="Block units × indicators (labels allowed).",
    weights="Optional row of indicator weights (e.g. from AHPWEIGHTS); blank = equal.",
    directions="Row with one direction per indicator: + or -. Blank = all +.",
    normalize="minmax (default) or another agglo method; none = use values as given.",
    scale="Multiply the index by this (default 100).",
)
def COMPOSITE(matrix, weights=None, directions=None, normalize="minmax", scale=100.0):
    """综合指数：每个单位一个值。 Composite index 综合指数 of each unit, scale·Σ_j w_j·z_ij (a column)."""
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    norm = _opt(normalize, "normalize", "minmax")
    if isinstance(norm, str) and norm.lower() == "none":
        norm = None
    result = cv.call_checked(
        _fn("composite_index"),
        arr,
        _weights_arg(weights),
        directions=_directions(directions),
        normalize=norm,
        scale=_opt(scale, "scale", 100.0, "number"),
    )
    return cv.to_column(result.scores)


def _topsis(matrix, weights, directions, normalize):
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    return cv.call_checked(
        _fn("topsis"),
        arr,
        weights=_weights_arg(weights),
        directions=_directions(directions),
        normalize=_opt(normalize, "normalize", "vector"),
    )


_TOPSIS_DOCS = {
    "matrix": "Block units × indicators (labels allowed).",
    "weights": "Optional row of indicator weights; blank = equal weights.",
    "directions": "Row with one direction per indicator: + or -. Blank = all +.",
    "normalize": "vector (default) or minmax.",
}


@_udf("topsis", **_TOPSIS_DOCS)
def TOPSIS(matrix, weights=None, directions=None, normalize="vector"):
    """TOPSIS优劣解距离法：相对贴近度。 TOPSIS 优劣解距离法 relative closeness C = D−/(D+ + D−) of each unit (a column)."""
    return cv.to_column(_topsis(matrix, weights, directions, normalize).closeness)


@_udf("topsis", **_TOPSIS_DOCS)
def TOPSISRANK(matrix, weights=None, directions=None, normalize="vector"):
    """TOPSIS排名（1为最优）。 TOPSIS 优劣解距离法 rank of each unit (1 = closest to the ideal), a column."""
    return cv.to_column(_topsis(matrix, weights, directions, normalize).rank)


@_udf(
    "grey_relational",
    reference="Reference series (one column), e.g. GDP of each year/region.",
    comparison="Comparison series: one column per factor, same rows as the reference.",
    rho="Distinguishing coefficient ρ (default 0.5).",
)
def GREYREL(reference, comparison, rho=0.5):
    """灰色关联度：各比较列与参考列。 Grey relational grade 灰色关联度 (Deng) of each comparison column with the reference (a row)."""
    ref = cv.read_vector(reference, "reference", totals=False)
    comp = cv.read_block(comparison, "comparison", totals="labels").values
    result = _fn("grey_relational")(ref, comp, rho=_opt(rho, "rho", 0.5, "number"))
    return cv.to_row(result.grades)


@_udf(
    "obstacle_degree",
    matrix="Block units × indicators (labels allowed).",
    weights="Row of indicator weights.",
    directions="Row with one direction per indicator: + or -. Blank = all +.",
)
def OBSTACLE(matrix, weights, directions=None):
    """障碍度：各单位各指标的障碍度。 Obstacle degree 障碍度 of each indicator for each unit (same shape as the block)."""
    arr = cv.read_block(matrix, "matrix", totals="labels").values
    result = _fn("obstacle_degree")(arr, _weights_arg(weights), directions=_directions(directions))
    return cv.to_excel(np.asarray(result.degree, dtype=float))


# --------------------------------------------------------------------------------------
# coupling coordination (耦合协调度)
# --------------------------------------------------------------------------------------

_SYSTEMS_DOC = (
    "Scores of the systems: one column per system (2 or more), one row per unit/year; "
    "or the first system, with the others as the next arguments: =COUPLING(E3:E14, F3:F14)."
)
_METHOD_DOC = "standard (default), wang2021 (王淑佳 2021), fan2024 or dropped-coefficient."
_EXPONENT_DOC = "Optional exponent replacing 1/n (paper 003 uses 5 on two systems)."
_WEIGHTS_DOC = "Optional row of system weights for T (default equal)."


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


@_udf(
    "coupling_degree",
    systems=_SYSTEMS_DOC,
    method=_METHOD_DOC,
    exponent=_EXPONENT_DOC,
)
def COUPLING(systems, method=None, exponent=None):
    """耦合度C：各系统得分须在[0,1]内，否则先标准化。 Coupling degree 耦合度 C of the systems (a column); standard C = n·(ΠU)^(1/n)/ΣU."""
    found, (method, exponent) = _split_systems(systems, method, exponent)
    result = _fn("coupling_degree")(
        *_systems(*found),
        method=_opt(method, "method", "standard"),
        exponent=_opt(exponent, "exponent", None, "number"),
    )
    return cv.to_column(np.atleast_1d(np.asarray(result, dtype=float)))


@_udf("coordination_index", systems=_SYSTEMS_DOC, weights=_WEIGHTS_DOC)
def COORDINDEX(systems, weights=None):
    """综合协调指数T：得分须在[0,1]内。 Comprehensive coordination index 综合协调指数 T = Σ w_i·U_i (a column)."""
    found, (weights,) = _split_systems(systems, weights)
    result = _fn("coordination_index")(*_systems(*found), weights=_weights_arg(weights))
    return cv.to_column(np.atleast_1d(np.asarray(result, dtype=float)))


@_udf(
    "coupling_coordination",
    systems=_SYSTEMS_DOC,
    weights=_WEIGHTS_DOC,
    method=_METHOD_DOC,
    exponent=_EXPONENT_DOC,
)
def COORDDEGREE(systems, weights=None, method=None, exponent=None):
    """耦合协调度D=√(C·T)：得分须在[0,1]内。 Coupling coordination degree 耦合协调度 D = √(C·T) (a column)."""
    result = _coupling(systems, weights, method, exponent)
    return cv.to_column(np.atleast_1d(np.asarray(result.D, dtype=float)))


@_udf(
    "coupling_coordination",
    systems=_SYSTEMS_DOC,
    weights=_WEIGHTS_DOC,
    method=_METHOD_DOC,
    exponent=_EXPONENT_DOC,
)
def CTD(systems, weights=None, method=None, exponent=None):
    """耦合协调度表(C, T, D)：得分须在[0,1]内。 Coupling coordination table 耦合协调度表 with header (C, T, D); the header names the method and exponent."""
    result = _coupling(systems, weights, method, exponent)
    missing = int(sum(np.isnan(np.asarray(getattr(result, a), dtype=float)).sum() for a in "D"))
    header = [_convention_header("C", result.convention, missing), "T", "D"]
    cols = [np.atleast_1d(np.asarray(getattr(result, a), dtype=float)) for a in "CTD"]
    return cv.to_table(header, cols)


@_udf(
    "coordination_level",
    d="Coupling coordination degrees D (any range).",
    scheme="10-level (default), or another scheme named by agglo (e.g. paper003).",
    closed="right (default): intervals (a, b]; left: [a, b).",
    lang="zh (default, 极度失调…优质协调) or en.",
)
def COORDLEVEL(d, scheme="10-level", closed="right", lang="zh"):
    """协调等级：按D划分。 Coordination level 协调等级 of each D, e.g. 10-level 极度失调 … 优质协调 (same shape as d)."""
    arr = cv.read_block(d, "d", totals=False).values
    result = _fn("coordination_level")(
        arr.ravel(),
        _opt(scheme, "scheme", "10-level"),
        _opt(closed, "closed", "right"),
        _opt(lang, "lang", "zh"),
    )
    out = np.asarray(result, dtype=object).reshape(arr.shape)
    return cv.to_excel(out) if out.size > 1 else cv.to_excel(out.reshape(-1)[0])


@_udf(
    "coupling_stage",
    c="Coupling degrees C (any range).",
    scheme="4-stage (default), or another scheme named by agglo (e.g. paper003).",
    closed="right (default): intervals (a, b]; left: [a, b).",
    lang="zh (default) or en.",
)
def COUPLINGSTAGE(c, scheme="4-stage", closed="right", lang="zh"):
    """耦合阶段：按C划分。 Coupling stage 耦合阶段 of each C, e.g. 低水平耦合/颉颃/磨合/高水平耦合 (same shape as c)."""
    arr = cv.read_block(c, "c", totals=False).values
    result = _fn("coupling_stage")(
        arr.ravel(),
        _opt(scheme, "scheme", "4-stage"),
        _opt(closed, "closed", "right"),
        _opt(lang, "lang", "zh"),
    )
    out = np.asarray(result, dtype=object).reshape(arr.shape)
    return cv.to_excel(out) if out.size > 1 else cv.to_excel(out.reshape(-1)[0])


@_udf(
    "lead_lag",
    u1="Scores of system 1 (cell or column).",
    u2="Scores of system 2 (same length).",
    tolerance="Gap below which the systems count as synchronous (default 0.1).",
    lang="zh (default: U1滞后型/U2滞后型/同步型) or en.",
)
def LEADLAG(u1, u2, tolerance=0.1, lang="zh"):
    """滞后类型：两系统谁滞后。 Lead/lag type 滞后类型 of two systems: U1 lags, U2 lags or synchronous (same shape as u1)."""
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


@_udf(
    "rescale",
    values="Values to rescale (any range), e.g. 50–100 scores.",
    low="Value mapped to 0 (e.g. 50).",
    high="Value mapped to 1 (e.g. 100).",
)
def RESCALE(values, low, high):
    """线性变换到[0,1]，耦合前使用。 Rescale 线性变换 (v − low)/(high − low), e.g. 50–100 scores onto [0, 1] before coupling (paper 003)."""
    arr = cv.read_block(values, "values", totals=False).values
    result = _fn("rescale")(
        arr,
        _opt(low, "low", None, "number"),
        _opt(high, "high", None, "number"),
    )
    out = np.asarray(result, dtype=float)
    return cv.to_excel(out[0, 0]) if out.size == 1 else cv.to_excel(out)
