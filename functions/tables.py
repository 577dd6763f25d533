r"""Reading yearbook tables (统计年鉴表格的读取): the one reader and the one row/column policy.

A statistical-yearbook table is more than a block of numbers: a header of one or more
rows (merged cells, a unit row, an English row, years as column labels), one or more
label columns (Chinese and English names), total rows (全省, 合计), subtotal and grouping
rows (苏南/苏中/苏北, 东部地区, ``其中：``), footnote rows (``注：``, ``资料来源``), footnote
marks on numbers (``444.22①``) and placeholders for missing values (``—``, ``…``).
:func:`read_table` reads such a table as a statistician reads it, and says what it left
out and why.  Every reader of :mod:`agglo` and of the Excel add-in (worksheet functions,
``check_data``, the report scripts, the headless engine) goes through this module, so one
rule decides everything; the rules are listed in the README section "How Agglo reads your
table".

Nothing here knows about Excel beyond cell addresses (``B7``) for messages.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import functools
import math
import numbers
import os
import re
import unicodedata
import warnings
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, TotalRowWarning, as_option
from .cells import parse_cell

__all__ = ["Table", "read_table"]

# --------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------

#: The error values a spreadsheet cell can hold (read as missing: a broken formula upstream).
ERROR_CODES: frozenset[str] = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip

#: Texts that yearbooks print instead of a number; they are read as missing values.
PLACEHOLDERS: frozenset[str] = frozenset(
    {"-", "--", "---", "—", "——", "–", "…", "……", "...", "..", "/", "x", "×", "*", "na", "n/a",
     "n.a.", "n.a", "无", "－", "nil", "......"}
)  # fmt: skip

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION_RE = re.compile(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_REMOVE = str.maketrans({",": None, " ": None, "\u00a0": None, "'": None, "\u2212": "-"})
# Footnote marks printed after (rarely before) a number: circled and parenthesised
# numbers, superscript digits, asterisks, daggers, a trailing letter.  They are removed
# BEFORE Unicode folding, which would turn ① into the digit 1 (444.22① → 444.221).
_MARKS = (
    "\u2460-\u24ff"  # ①–⑳, ⑴–⒇, ⒈–⒛, ⓐ …
    "\u2776-\u2793"  # ❶–❿, ➀–➓
    "\u00b9\u00b2\u00b3\u2070-\u2079"  # superscript digits
    "*＊†‡§#＃"
)
_MARK_RE = re.compile(
    rf"^([{_MARKS}]+)?(.*?)([{_MARKS}]+|(?<=\d)[a-zA-Z]|[（(][{_MARKS}\d][)）])?$"
)


def _parse_cell(value: Any) -> tuple[float | None, bool]:
    """Read one cell: ``(number, marked)``.

    The number is a float (NaN for a blank, a placeholder or an error value) or ``None``
    for text that is not a number (and for booleans); ``marked`` says whether a
    footnote mark was removed from a number.

    Examples
    --------
    >>> _parse_cell("444.22①"), _parse_cell("1,234.5"), _parse_cell("１２３")
    ((444.22, True), (1234.5, False), (123.0, False))
    >>> _parse_cell("—"), _parse_cell("12.5%"), _parse_cell("广东"), _parse_cell("87.6a")
    ((nan, False), (0.125, False), (None, False), (87.6, True))
    """
    kind = type(value)
    if kind is float or kind is int:
        return float(value), False
    if value is None:
        return math.nan, False
    if kind is str:
        return _parse_text(value)
    if kind is bool or isinstance(value, np.bool_):
        return None, False
    if isinstance(value, numbers.Real):
        return float(value), False
    return None, False


@functools.lru_cache(maxsize=16384)
def _parse_text(value: str) -> tuple[float | None, bool]:
    """A cell's text read as a number: ``(number, had a footnote mark)``.

    A number stored as text (``"1,234.5"``, full-width digits, ``"12.5%"``, ``"1/3"``) is
    its number; a footnote mark (``"444.22①"``, ``"10*"``) is removed and reported; a
    blank, a placeholder (``—``, ``x`` …) or an error value (``#N/A``) is NaN; any other
    text is ``None`` (a label).  Cached: the same texts recur across a table.

    Examples
    --------
    >>> _parse_text("444.22①"), _parse_text("12.5%"), _parse_text("#N/A"), _parse_text("地区")
    ((444.22, True), (0.125, False), (nan, False), (None, False))
    """
    text = value.strip()
    if not text:
        return math.nan, False
    if text in ERROR_CODES:
        return math.nan, False
    if not text.isascii() or "*" in text or "#" in text or text[-1:].isalpha():
        match = _MARK_RE.match(text)
        if match and (match.group(1) or match.group(3)) and match.group(2).strip():
            number = _plain_number(match.group(2).strip())
            if number is not None and number == number:
                return number, True
    return _plain_number(text), False


def _plain_number(text: str) -> float | None:
    """A text read as a number without footnote marks (NaN for a placeholder), else None."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    low = text.lower()
    if low in PLACEHOLDERS or text in PLACEHOLDERS:
        return math.nan
    text = text.translate(_REMOVE)
    fraction = _FRACTION_RE.fullmatch(text)
    if fraction:
        denominator = float(fraction.group(2))
        return float(fraction.group(1)) / denominator if denominator else None
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if not _NUMBER_RE.fullmatch(text):
        return None
    number = float(text)
    return number / 100.0 if percent else number


def _is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


_YEAR_TEXT_RE = re.compile(r"^'?\s*((?:19|20)\d\d)(?:\.0+)?\s*(?:年(?:末|底|度|初)?)?\s*$")


def _year_of(value: Any) -> int | str | None:
    """The year (or date) a header cell stands for, else None.

    ``2012``, ``2012.0``, ``'2012'``, ``"'2012"``, ``'2012年'``, ``'2012年末'`` give 2012;
    a date gives its year when it is 1 January or 31 December, else its ISO date.

    Examples
    --------
    >>> _year_of(2012.0), _year_of("'2012"), _year_of("2012年"), _year_of(2012.5), _year_of("广东")
    (2012, 2012, 2012, None, None)
    """
    kind = type(value)
    if kind is float or kind is int:
        if value == value and float(value).is_integer() and 1900 <= value <= 2100:
            return int(value)
        return None
    if kind is str:
        match = _YEAR_TEXT_RE.match(unicodedata.normalize("NFKC", value))
        return int(match.group(1)) if match else None
    if isinstance(value, _dt.datetime | _dt.date):
        if (value.month, value.day) in ((1, 1), (12, 31)):
            return value.year
        return value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
    return None


def _years_run(values: Sequence[Any]) -> bool:
    """Whether numeric cells are a run of years: whole numbers in 1900–2100 with one
    constant step of 1, 2, 5 or 10 (either direction), at least two of them."""
    years = [_year_of(v) for v in values]
    if len(years) < 2 or not all(isinstance(y, int) for y in years):
        return False
    steps = {b - a for a, b in zip(years, years[1:], strict=False)}
    return len(steps) == 1 and abs(steps.pop()) in (1, 2, 5, 10)


# --------------------------------------------------------------------------------------
# labels: totals, subtotals, groupings, 其中, footnotes, units
# --------------------------------------------------------------------------------------

#: Chinese words a total row's label starts (or ends) with, and English whole labels.
TOTAL_LABELS: tuple[str, ...] = (
    "全国", "全省", "全市", "全区", "全县", "全自治区", "全盟", "合计", "总计", "总和", "总量",
    "全部", "total", "totals", "grand total", "national total", "sum", "sum total", "all",
    "national", "nationwide", "whole country", "all regions", "all industries", "overall",
)  # fmt: skip
_CJK_TOTAL_START = tuple(w for w in TOTAL_LABELS if not w.isascii())
_CJK_TOTAL_END = ("合计", "总计", "总和")
_ASCII_TOTALS = frozenset(w for w in TOTAL_LABELS if w.isascii())
_ASCII_TOTAL_START = ("total", "totals", "grand total", "national total", "sum total")
_SUBTOTAL_WORDS = ("小计", "subtotal", "sub-total")
_OF_WHICH_RE = re.compile(r"^(?:其中|#|＃|内[：:]|of\s*which|including\b|incl\.)", re.I)
_BY_RE = re.compile(r"^按.{1,12}分(?:组|类)?[：:]?$|^by\s+\w+", re.I)
_FOOTNOTE_RE = re.compile(
    r"^(?:注(?:$|[：:\d\s、.①-⑳释])|资料来源|数据来源|说明[：:]|备注|附注|notes?(?:$|[:：\s])"
    r"|(?:data\s+)?sources?(?:$|[:：\s])|\*\s*注)",
    re.I,
)
_UNIT_WORD = (
    r"(?:%|‰|百分点|[万亿千百十]*(?:元|美元|港元|人民币|人|人次|吨|公顷|亩|千瓦时|千瓦|"
    r"立方米|平方米|平方公里|平方千米|公里|千米|户|个|家|件|台|辆|所|床|张|项|标准煤|吨标准煤)"
    r"(?:/[^\s)）]{1,6})?|(?:100\s*million|10[, ]?000|10\s*thousand|billion|million)?\s*"
    r"(?:yuan|persons?|people|tons?|hectares?|kwh|usd|us\s*dollars?)|percent"
    # an index and its base (上年=100, 1978=100, preceding year = 100): another unit
    r"|(?:上年同期|上年|上月|(?:19|20)\d\d年?|(?:the\s+)?(?:previous|preceding)\s+year"
    r"|(?:19|20)\d\d)\s*=\s*100)"
)
_UNIT_RE = re.compile(
    rf"^[(（\[]?\s*(?:单位[：:]\s*|unit[：:]?\s*)?(?P<u>{_UNIT_WORD})\s*[)）\]]?$", re.I
)
_UNIT_PREFIX_RE = re.compile(r"^(?:单位|unit)\s*[：:]\s*(?P<u>.+)$", re.I)
_TRAILING_UNIT_RE = re.compile(rf"\s*[(（\[]\s*(?P<u>{_UNIT_WORD})\s*[)）\]]\s*$", re.I)
_SPACES_RE = re.compile(r"\s+")
# "key：value" title lines of statistical database exports (数据库：年度数据, 指标：…,
# 时间：最近10年, Database: annual data, Indicator: …), never column labels
_META_RE = re.compile(
    r"^\s*(?:数据库|指标|地区|时间|表|database|indicator|region|time)\s*[：:]", re.I
)

# words that name the label column itself (地区 above 北京, 上海 …): a row led by one of
# them is a header row, so whole years beside it are column labels, not values
_COLUMN_NAME_RE = re.compile(
    r"^(?:地区|地区名称|省份|省市|省区市|省\(区、市\)|城市|市州|县区|区县|行业|项目|指标|年份|"
    r"region|province|city|industry|item|indicator|year)$",
    re.I,
)


def _names_label_column(parts: Sequence[Any]) -> bool:
    """Whether the label cells of a row name the label column (``'地区'``, ``'项目'``)."""
    texts = [_squash(v) for v in parts if isinstance(v, str) and not _is_blank(v)]
    return bool(texts) and all(_COLUMN_NAME_RE.match(t) for t in texts)


def _squash(label: str) -> str:
    """A label compared by the rules: NFKC-folded, without any whitespace, lower case."""
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", label)).lower()


def _load_csv(name: str) -> list[dict[str, str]]:
    with resources.files("agglo.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def _groupings() -> frozenset[str]:
    """Names of groupings of regions (苏南, 珠三角, 东部地区 …), from ``region_groupings.csv``."""
    return frozenset(_squash(row["name"]) for row in _load_csv("region_groupings.csv"))


_GROUP_SUFFIXES = ("地区", "区域", "片区", "板块", "合计", "小计", "region", "regions")


def _is_grouping(key: str) -> bool:
    names = _groupings()
    if key in names:
        return True
    return any(key.endswith(suffix) and key[: -len(suffix)] in names for suffix in _GROUP_SUFFIXES)


@functools.lru_cache(maxsize=8192)
def _part_kind(label: str) -> str | None:
    """The kind of one label text: 'total', 'subtotal', 'grouping', 'of_which', 'by',
    'footnote', 'unit' or None (an ordinary name)."""
    raw = unicodedata.normalize("NFKC", label).strip()
    if not raw:
        return None
    if _FOOTNOTE_RE.match(raw):
        return "footnote"
    if _UNIT_RE.match(raw) or _UNIT_PREFIX_RE.match(raw):
        return "unit"
    key = _SPACES_RE.sub("", raw).lower()
    if _OF_WHICH_RE.match(raw) or _OF_WHICH_RE.match(key):
        return "of_which"
    key = _TRAILING_UNIT_RE.sub("", key) or key
    if key.startswith(_CJK_TOTAL_START) and not key.startswith("全州"):
        return "total"
    if key.endswith(_SUBTOTAL_WORDS) or key.startswith(_SUBTOTAL_WORDS):
        return "subtotal"
    if key.endswith(_CJK_TOTAL_END):
        return "total"
    if raw.isascii():
        words = " ".join(raw.lower().replace("_", " ").split())
        words = _TRAILING_UNIT_RE.sub("", words).strip(" :.")
        if words in _ASCII_TOTALS or words.endswith(" total"):
            return "total"
        for start in _ASCII_TOTAL_START:
            if words.startswith(start + " ") or words.startswith(start + "("):
                return "total"
    if _BY_RE.match(raw):
        return "by"
    if _is_grouping(key):
        return "grouping"
    return None


def _label_kind(label: Any) -> str | None:
    """How the rules read a row (or column) label: ``'total'``, ``'subtotal'``,
    ``'grouping'``, ``'of_which'`` (其中), ``'by'`` (按…分), ``'footnote'``, ``'unit'`` or
    None for an ordinary name.  A label of several parts (Chinese and English name) is
    read part by part; the first part that is not ordinary decides.

    Whitespace inside a label does not matter (``'全    省'``); ordinary names in any
    language are not totals (``'China'``, ``'National Capital Region'``).

    Examples
    --------
    >>> [_label_kind(x) for x in ["全    省", "合  计", "苏南", "其中：城镇", "注：…", "广东"]]
    ['total', 'total', 'grouping', 'of_which', 'footnote', None]
    >>> [_label_kind(x) for x in ["China", "National Capital Region", "Total employment"]]
    [None, None, 'total']
    >>> _label_kind(("全国", "National"))
    'total'
    """
    if isinstance(label, tuple | list):
        for part in label:
            kind = _label_kind(part)
            if kind is not None:
                return kind
        return None
    if not isinstance(label, str):
        return None
    return _part_kind(label)


def _is_total_label(label: Any) -> bool:
    """Return True when ``label`` reads as a total or subtotal (``'全国'``, ``'合  计'``,
    ``'Total'``, ``'小计'``).

    Whitespace-insensitive; Chinese words may be followed by a unit (``'合计（万人）'``);
    English ones must be whole words, so ``'Alloys'``, ``'Summit'``, ``'China'`` and
    ``'National Capital Region'`` are not totals.

    Examples
    --------
    >>> _is_total_label(" 全    国 "), _is_total_label("合计（万人）"), _is_total_label("广东")
    (True, True, False)
    >>> _is_total_label("Total employment"), _is_total_label("Alloys"), _is_total_label("China")
    (True, False, False)
    """
    return _label_kind(label) in ("total", "subtotal")


@functools.lru_cache(maxsize=4096)
def _unit_of(label: Any) -> tuple[Any, str | None]:
    """Split a header text into its label and its unit: ``'GDP(亿元)'`` → ``('GDP', '亿元')``.

    Examples
    --------
    >>> _unit_of("地区生产总值（亿元）"), _unit_of("单位：万人"), _unit_of("%"), _unit_of("工业")
    (('地区生产总值', '亿元'), ('', '万人'), ('', '%'), ('工业', None))
    >>> _unit_of("平均货币工资指数(上年=100)"), _unit_of("GDP指数(1978=100)")
    (('平均货币工资指数', '上年=100'), ('GDP指数', '1978=100'))
    """
    if not isinstance(label, str):
        return label, None
    raw = unicodedata.normalize("NFKC", label).strip()
    match = _UNIT_RE.match(raw) or _UNIT_PREFIX_RE.match(raw)
    if match:
        return "", match.group("u").strip()
    match = _TRAILING_UNIT_RE.search(raw)
    if match:
        return raw[: match.start()].strip(), match.group("u").strip()
    return label.strip(), None


# --------------------------------------------------------------------------------------
# industries: parts and sums (GB/T 4754 sections, the three sectors)
# --------------------------------------------------------------------------------------


@functools.cache
def _industries() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """name → code and code → the codes it is the sum of (``industry_sections_gbt4754.csv``)."""
    names: dict[str, str] = {}
    parts: dict[str, frozenset[str]] = {}
    for row in _load_csv("industry_sections_gbt4754.csv"):
        code = row["code"]
        for name in [row["name_zh"], row["name_en"], *row["aliases"].split(";")]:
            if name.strip():
                names[_industry_key(name)] = code
        if row["parts"].strip():
            parts[code] = frozenset(row["parts"].split(";"))
    return names, parts


_PUNCT_RE = re.compile(r"[\s、,，.。:：;；\"'“”()（）\[\]]")


def _industry_key(label: str) -> str:
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", label)).lower()


@functools.lru_cache(maxsize=4096)
def _industry_code(label: Any) -> str | None:
    """The GB/T 4754 section (``'C'``) or aggregate (``'IND'`` 工业, ``'S2'`` 第二产业,
    ``'TOT'`` 地区生产总值/合计) a column label names, else None.

    Examples
    --------
    >>> _industry_code("制造业"), _industry_code("工业"), _industry_code("第二产业(亿元)")
    ('C', 'IND', 'S2')
    """
    parts = label if isinstance(label, tuple | list) else (label,)
    names, _ = _industries()
    for part in parts:
        if isinstance(part, str):
            text, _unit = _unit_of(part)
            code = names.get(_industry_key(text))
            if code is not None:
                return code
    return None


def _flag_columns_by_name(labels: Sequence[Any]) -> dict[int, str]:
    """Columns that are a sum of (or a part of) other selected columns, by their names."""
    _, parts = _industries()
    codes = [_industry_code(lab) for lab in labels]
    flagged: dict[int, str] = {}
    for i, code in enumerate(codes):
        if code is None or code not in parts:
            continue
        inside = [j for j, other in enumerate(codes) if j != i and other in parts[code]]
        if inside:
            names = "、".join(str(_short(labels[j])) for j in inside[:4])
            flagged[i] = f"sum:{names}"
            for j in inside:
                flagged.setdefault(j, f"part:{_short(labels[i])}")
    return flagged


def _short(label: Any) -> Any:
    if isinstance(label, tuple | list):
        return next((p for p in label if isinstance(p, str) and p.strip()), label[0])
    return label


# --------------------------------------------------------------------------------------
# sums: totals and subtotals found from the numbers
# --------------------------------------------------------------------------------------


def _numeric_total_rows(matrix: np.ndarray, rtol: float) -> list[int]:
    """Rows equal (within ``rtol``) to the sum of all the other rows."""
    if matrix.shape[0] < 3:
        return []
    # Cheap screen first: a total row's sum is half the sum of the whole block.
    row_sums = np.nansum(matrix, axis=1)
    grand = row_sums.sum()
    candidates = np.flatnonzero(
        (np.abs(row_sums - (grand - row_sums)) <= rtol * np.abs(row_sums)) & (row_sums != 0)
    )
    found = []
    if candidates.size:
        col_sum = np.nansum(matrix, axis=0)
        for i in candidates:  # at most a couple of rows pass the screen
            row = np.nan_to_num(matrix[i])
            others = col_sum - row
            if np.all(np.abs(others - row) <= rtol * np.maximum(np.abs(row), 1e-12)):
                found.append(int(i))
    return found


def _end_total(column: np.ndarray, rtol: float = 1e-3) -> list[int]:
    """For one column of at least 4 values: the first or the last value when it equals
    the sum of the others (a 全省 row at the top or the bottom of a one-column list).
    Three values are not enough evidence: (50, 30, 20) is an ordinary list."""
    v = column[~np.isnan(column)]
    if v.size < 4:
        return []
    found = []
    positions = np.flatnonzero(~np.isnan(column))
    for end in (0, -1):
        rest = v.sum() - v[end]
        if v[end] != 0 and abs(v[end] - rest) <= rtol * abs(v[end]):
            found.append(int(positions[end]))
    return found


def _subtotal_runs(matrix: np.ndarray, skip: set[int], rtol: float = 5e-4) -> dict[int, tuple]:
    """Rows equal to the sum of a contiguous run (≥ 2) of the rows just below or just above
    them, in every column (a 苏南 row followed by its five cities), within rounding.
    Blocks of at least two columns and at most 400 rows.

    A row sum screen finds the candidates at once (one (n+1)² table of run sums); only
    those are compared column by column.  Returns row → (first, last) of the run
    (0-based, inclusive).
    """
    n, k = matrix.shape
    if k < 2 or n < 3 or n > 400:
        return {}
    complete = ~np.isnan(matrix).any(axis=0)
    if not complete.all():  # a column with a blank cannot confirm a sum: compare the others
        if complete.sum() < 2:
            return {}
        matrix = matrix[:, complete]
        k = matrix.shape[1]
    m = matrix
    rs = m.sum(axis=1)
    absr = np.abs(m).sum(axis=1)
    total = np.concatenate([[0.0], np.cumsum(rs)])  # total[y] - total[x] = rows x..y-1
    # screen: the row sums must match within the sum of the cell tolerances; the rounding
    # unit is taken from a few rows (never finer than the whole block's, so the screen
    # keeps every row the cell-by-cell check could accept)
    half = 0.5 * 10.0 ** -_decimals(m[:4])
    tol = rtol * absr + k * half * (n + 1) + 1e-9
    idx = np.arange(n)
    if rs.min() >= 0:  # cumulative sums never decrease: two binary searches per row
        lo_b = np.searchsorted(total, total[np.minimum(idx + 1, n)] + rs - tol, "left")
        hi_b = np.searchsorted(total, total[np.minimum(idx + 1, n)] + rs + tol, "right") - 1
        lo_a = np.searchsorted(total, total[idx] - rs - tol, "left")
        hi_a = np.searchsorted(total, total[idx] - rs + tol, "right") - 1
        below = (np.maximum(lo_b, idx + 3) <= np.minimum(hi_b, n)) & (idx + 3 <= n)
        above = (lo_a <= np.minimum(hi_a, idx - 2)) & (idx >= 2)
        candidates = np.flatnonzero((below | above) & (absr > 0)).tolist()
    else:
        candidates = [i for i in range(n) if absr[i] > 0]
    found: dict[int, tuple] = {}
    if not candidates:
        return found
    half = 0.5 * 10.0 ** -_decimals(m)
    csum = np.concatenate([np.zeros((1, k)), np.cumsum(m, axis=0)])
    for i in candidates:
        if i in skip:
            continue
        runs = [(i + 1, y - 1) for y in range(i + 3, n + 1)]  # just below
        runs += [(x, i - 1) for x in range(i - 2, -1, -1)]  # just above
        for first, last in runs:
            if abs(total[last + 1] - total[first] - rs[i]) > tol[i]:
                continue
            part = csum[last + 1] - csum[first]
            cell_tol = np.maximum(rtol * np.abs(m[i]), half * (last - first + 2))
            if np.all(np.abs(part - m[i]) <= cell_tol):
                found[i] = (first, last)
                break
    return found


def _column_subtotals(column: np.ndarray) -> dict[int, tuple]:
    """Cells of one column equal, to the rounding of the published digits, to the sum of a
    contiguous run (≥ 2) of the cells just below or just above them; nested subtotals
    (工业 over 采矿业 and its divisions, 制造业 and its divisions …).

    One column gives less evidence than a block (a value may equal a run sum by chance),
    so no relative tolerance beyond 0.1 % is allowed, a subtotal must be at least 1,000
    rounding units (500 for whole numbers: small counts coincide too easily), and callers
    refuse only when two or more such cells are found.  The column must be complete and non-negative, else nothing is found.
    Vectorised: the cumulative sums never decrease, so one binary search per cell and side
    finds the only run ends that can match.  Cells whose span (the cell and its run)
    overlaps the span of a cell found before are left out: they are no separate evidence.  Returns cell → (first, last) of the run
    (0-based, inclusive).

    Examples
    --------
    >>> _column_subtotals(np.array([305.5, 102.1, 203.4, 71.1, 33.3, 37.8, 56.6]))
    {0: (1, 2), 3: (4, 5)}
    >>> _column_subtotals(np.array([500.0, 800.0, 1300.0, 400.0]))  # 1300 = 500 + 800 (above)
    {2: (0, 1)}
    >>> _column_subtotals(np.array([1e4, 1e3, 2e3, 3e3, 4e3]))  # 3000 = 1000 + 2000 lies inside
    {0: (1, 4)}
    >>> _column_subtotals(np.array([3.0, 1.0, 2.0, 10.0, 4.0, 6.0]))  # small counts: chance
    {}
    """
    x = np.asarray(column, dtype=float).ravel()
    n = x.size
    if n < 3 or np.isnan(x).any() or x.min() < 0:
        return {}
    half = 0.5 * 10.0 ** -_decimals(x) + 1e-9

    def tol(terms: np.ndarray) -> np.ndarray:
        # the rounding errors of the cells add up like a random walk: two standard
        # deviations of their sum (never more than the worst case, half a unit per cell),
        # and never more than 0.1 % of the subtotal (small whole numbers: 10 = 4 + 1 + 3
        # is not taken for a subtotal within rounding)
        t = np.maximum(terms, 1)
        return np.minimum(half * np.minimum(t, 1.0 + 2.0 * np.sqrt(t)), 1e-3 * x)

    cs = np.concatenate([[0.0], np.cumsum(x)])
    below, above = cs[1:] + x, cs[:-1] - x  # the run sums a subtotal below / above needs
    at_b, at_a = np.searchsorted(cs, below), np.searchsorted(cs, above)
    # screen with the loosest tolerance: most columns have no candidate at all
    loose = np.minimum(half * min(n, 1.0 + 2.0 * np.sqrt(n)), 1e-3 * x)
    near = (np.abs(cs[np.minimum(at_b, n)] - below) <= loose) | (
        np.abs(cs[np.maximum(at_b - 1, 0)] - below) <= loose
    )
    near |= (np.abs(cs[np.minimum(at_a, n)] - above) <= loose) | (
        np.abs(cs[np.maximum(at_a - 1, 0)] - above) <= loose
    )
    # small numbers (3 = 1 + 2 among counts of firms) coincide too easily: a subtotal
    # counts only when it shows at least three significant digits beyond the rounding
    near &= x >= 1000.0 * half
    if not near.any():
        return {}
    idx = np.arange(n)
    found: dict[int, tuple] = {}
    # below: cells i+1 .. y-1 sum to cs[y] - cs[i+1]; the run ends y >= i + 3
    target, at = below, at_b
    for y in (np.minimum(at, n), np.maximum(at - 1, 0)):
        ok = (y >= idx + 3) & (np.abs(cs[y] - target) <= tol(y - idx)) & near
        for i in np.flatnonzero(ok).tolist():
            found.setdefault(i, (i + 1, int(y[i]) - 1))
    # above: cells a .. i-1 sum to cs[i] - cs[a]; the run starts a <= i - 2
    at = at_a
    for a in (np.minimum(at, n), np.maximum(at - 1, 0)):
        ok = (a <= idx - 2) & (np.abs(cs[idx] - cs[a] - x) <= tol(idx - a + 1)) & near
        for i in np.flatnonzero(ok).tolist():
            found.setdefault(i, (int(a[i]), i - 1))
    # a cell inside another's span (the subtotal with its run) is no separate evidence:
    # only cells whose spans are disjoint are kept (3 = 1 + 2 inside 10 = 1 + 2 + 3 + 4)
    kept: dict[int, tuple] = {}
    spans: list[tuple[int, int]] = []
    for i, (a, b) in sorted(found.items()):
        lo, hi = min(i, a), max(i, b)
        if all(hi < s0 or lo > s1 for s0, s1 in spans):
            kept[i] = (a, b)
            spans.append((lo, hi))
    return kept


def _decimals(m: np.ndarray) -> int:
    """How many decimals the numbers show (0–3, else 6), for the rounding tolerance of sums."""
    for d in range(4):
        if np.array_equal(np.round(m, d), m):
            return d
    return 6


def _totals_ruled_out(values: Any, *, columns: bool = True) -> bool:
    """True when no row (and, with ``columns``, no column) of a finite 2-D block can be the
    sum of the others — a cheaper proof than :func:`_check_total_rows` finding none.

    :func:`_numeric_total_rows` examines a row with sum ``r`` in a block with grand sum
    ``T`` only if ``|T - 2r| <= 1e-3·r``, which needs ``r >= T / 2.001``.  So when the
    largest row sum is below ``(T - 1e-9) / 2.002`` (a looser bound, far above any
    rounding difference between the two summations) and ``T > 0``, no row can be found;
    the same on the columns (and the same bound covers a one-column list whose first or
    last value is the sum of the others).  One reduction per axis, no full-size
    temporary.  NaN or ±inf in the block (``T`` not finite), or anything but a 2-D array,
    answer False.  Used by the Excel add-in to let a checked block skip the exact check.
    """
    if type(values) is not np.ndarray or values.ndim != 2:
        return False
    for axis in (1, 0) if columns else (1,):
        sums = np.add.reduce(values, axis)
        total = float(np.add.reduce(sums))
        if not (math.isfinite(total) and total > 0.0):
            return False
        if float(np.maximum.reduce(sums)) * _HALF_BOUND + _HALF_SLACK >= total:
            return False
    return True


#: a sum ``r`` is looked at as a total of a block with grand sum ``T`` only if
#: ``r >= T / 2.001``: a largest part below ``(T - _HALF_SLACK) / _HALF_BOUND`` rules it out
_HALF_BOUND = 2.002
_HALF_SLACK = 1e-9


def _lines_free_of_totals(m: np.ndarray) -> np.ndarray:
    """For each row of a 2-D float array, read as one list of values (a row of cells, or
    a one-column list): True when none of its values can be the sum of the others —
    :func:`_totals_ruled_out`'s bound applied to each row at once, so the exact total
    check of that list has nothing to find.  NaN, ±inf or a sum not above 0: False.

    Examples
    --------
    >>> _lines_free_of_totals(np.array([[3.0, 4.0, 5.0], [1.0, 2.0, 3.0]])).tolist()
    [True, False]
    """
    with np.errstate(all="ignore"):
        sums = np.add.reduce(m, 1)
        largest = np.maximum.reduce(m, 1)
        return np.isfinite(sums) & (sums > 0) & (largest * _HALF_BOUND + _HALF_SLACK < sums)


def _family_total_rows(matrix: np.ndarray, labels: Sequence[Any]) -> list[int]:
    """The first or last row of an indicator family that is at least the sum of the others.

    NBS and yearbook tables list an indicator and its items under one stem
    (``房地产开发投资额`` above ``房地产开发住宅投资额`` …; ``地方财政一般公共预算支出``
    above ``地方财政教育支出`` …), often with some items unpublished, so the total is not
    their exact sum.  Among at least three rows whose labels (units and spaces left out)
    all share a stem of at least two characters, the first or the last row is reported
    when in every column it is at least the sum of the other rows (all non-negative) and
    either its name is contained in each of theirs (the parent indicator: 房地产开发投资额
    in 房地产开发住宅投资额) or it exceeds their sum by at most 25 % (a total with a few
    items unpublished).  A large item among its siblings (住宅 beside 办公楼 and 商业,
    twice their sum) is not a total; region and industry names share no two-character
    stem, so an ordinary list with one large unit is not affected.

    Examples
    --------
    >>> labs = ["房地产开发投资额(亿元)", "房地产开发住宅投资额(亿元)", "房地产开发办公楼投资额(亿元)",
    ...         "房地产开发商业营业用房投资额(亿元)"]
    >>> _family_total_rows(np.array([[4231.38], [2318.13], [689.36], [457.23]]), labs)
    [0]
    >>> _family_total_rows(np.array([[2318.13], [689.36], [457.23]]), labs[1:])
    []
    >>> _family_total_rows(np.array([[60.0], [25.0], [15.0]]), ["广州", "深圳", "珠海"])
    []
    """
    if matrix.ndim != 2 or matrix.shape[0] < 3 or len(labels) != matrix.shape[0]:
        return []
    m = np.where(np.isnan(matrix), 0.0, matrix)
    rest_first, rest_last = m[1:].sum(axis=0), m[:-1].sum(axis=0)
    if not (np.all(m[0] >= rest_first * (1 - 1e-9)) or np.all(m[-1] >= rest_last * (1 - 1e-9))):
        return []  # the cheap test first: neither end is as large as the others together
    keys = []
    for lab in labels:
        part = lab[0] if isinstance(lab, tuple | list) and lab else lab
        if not isinstance(part, str):
            return []
        key = _squash(_TRAILING_UNIT_RE.sub("", _squash(part)))
        if not key:
            return []
        keys.append(key)
    stem = os.path.commonprefix(keys)
    if len(stem) < 2 or len(set(keys)) < len(keys):
        return []
    if (m < 0).any():
        return []
    found = []
    for end in (0, matrix.shape[0] - 1):
        rest = m.sum(axis=0) - m[end]
        if not (np.all(m[end] > 0) and np.all(rest > 0) and np.all(m[end] >= rest * (1 - 1e-9))):
            continue
        others = keys[:end] + keys[end + 1 :] if end == 0 else keys[:end]
        if all(_is_subsequence(keys[end], k) for k in others) or np.all(m[end] <= 1.25 * rest):
            found.append(end)
    return found


def _is_subsequence(short: str, long: str) -> bool:
    """Every character of ``short`` appears in ``long`` in the same order."""
    chars = iter(long)
    return all(ch in chars for ch in short)


def _labels_beside(name: str, n_rows: int) -> list[Any] | None:
    """The row labels written left of argument ``name``'s selection on the worksheet.

    Only when the host told where the argument starts and can read the worksheet
    (:func:`agglo.host.argument_origins` with ``cells``): the nearest columns to the left
    holding text in at least half of the ``n_rows`` rows (a Chinese and an English name
    give a tuple per row), at most 64 columns away; else None.  Read to check the rows
    of a selection of numbers alone (units, totals), never to label a result.

    Examples
    --------
    >>> sheet = [["GDP(亿元)", 5.0], ["人口(万人)", 2.0]]
    >>> def cells(sh, r1, c1, r2, c2):
    ...     return [row[c1 - 1 : c2] for row in sheet[r1 - 1 : r2]]
    >>> with _m.argument_origins({"data": (None, 1, 2)}, cells):
    ...     _labels_beside("data", 2)
    ['GDP(亿元)', '人口(万人)']
    >>> _labels_beside("data", 2) is None
    True
    """
    origin = _m.origin_of(name)
    if origin is None or origin[2] <= 1 or n_rows < 1:
        return None
    sheet, r0, c0 = origin
    first = max(1, c0 - 64)
    rows = _m.worksheet_cells(sheet, r0, first, r0 + n_rows - 1, c0 - 1)
    if rows is None or any(len(r) != c0 - first for r in rows):
        return None

    def is_label(v: Any) -> bool:
        return isinstance(v, str) and not _is_blank(v) and _parse_text(v)[0] is None

    cols = []
    for j in range(c0 - first - 1, -1, -1):  # nearest first
        if 2 * sum(is_label(r[j]) for r in rows) >= n_rows:
            cols.append(j)
        elif cols:
            break
    if not cols:
        return None
    cols.reverse()
    out = []
    for r in rows:
        parts = tuple(r[j] if is_label(r[j]) else None for j in cols)
        out.append(parts[0] if len(parts) == 1 else parts)
    return out


def _check_total_rows(
    matrix: np.ndarray,
    name: str,
    labels: Sequence[Any] | None = None,
    *,
    policy: str = "raise",
    axis_word: str = "row",
    rtol: float = 1e-3,
    numeric: bool = True,
) -> list[int]:
    """Detect rows of a block that are totals (全国/合计/总计) or subtotals of the other rows.

    A row is reported when its label reads as a total, a subtotal, a grouping of
    regions (苏南, 东部地区 … — only beside ordinary names) or a ``其中`` item
    (:func:`_label_kind`), when it heads an indicator family of which it is at least the
    sum (:func:`_family_total_rows`), or (with ``numeric``) when its values equal the sum
    of all other rows within ``rtol`` (blocks of two or more columns; in one column, the
    first or the last value equal to the sum of the others).

    Parameters
    ----------
    matrix : ndarray of shape (n_regions, k_industries)
    name : str
        Argument name for messages.
    labels : sequence, optional
        Row labels (e.g. the DataFrame index).
    policy : {'raise', 'warn', 'ignore'}
        What to do when a total row is found.
    axis_word : str
        'row' or 'column', for messages.
    rtol : float
        Relative tolerance of the numeric check.
    numeric : bool
        Also report rows equal to the sum of the others (False: labels decide alone).

    Returns
    -------
    list of int
        Positions of suspected total rows.

    Examples
    --------
    >>> _check_total_rows(np.array([[1., 2.], [3., 4.], [4., 6.]]), "data", policy="ignore")
    [2]
    >>> _check_total_rows(np.array([[10.], [1.], [2.], [3.], [4.]]), "data", policy="ignore")
    [0]
    """
    policy = as_option(policy, "total_rows", ("raise", "warn", "ignore"))
    found = set()
    if numeric and matrix.ndim == 2 and matrix.size:
        found.update(_numeric_total_rows(matrix, rtol))
        if matrix.shape[1] == 1 and matrix.shape[0] >= 4:
            found.update(_end_total(matrix[:, 0], rtol))
    kinds: dict[int, str] = {}
    if labels is not None:
        if matrix.ndim == 2:
            kinds.update(dict.fromkeys(_family_total_rows(matrix, labels), "family"))
        kinds.update(_row_label_kinds(labels))
        found.update(kinds)
    found_list = sorted(found)
    if found_list and policy != "ignore":
        i = found_list[0]
        shown = _short(labels[i]) if labels is not None else None
        if isinstance(shown, str) and len(shown) > 24:
            shown = shown[:23] + "…"
        lab = f" ({shown!r})" if labels is not None else ""
        kind = kinds.get(i, "total")
        zh_word, en_word = _REASONS.get(kind, _REASONS["total"])
        col = axis_word == "column"
        pos_zh, pos_en = _total_position(matrix, name, i, col)
        if kind == "family":
            why_zh = f"（不小于其余各{'列' if col else '行'}之和，且同属一个指标）"
            why_en = f"at least the sum of the other {axis_word}s, all under one indicator"
        else:
            why_zh = f"（等于其他{'列' if col else '行'}之和或标为全国/合计/小计）"
            why_en = f"equal to the sum of the other {axis_word}s or labelled 全国/合计/小计"
        msg = _m.text(
            f"{name!r} 的{pos_zh}{lab}是{zh_word}{why_zh}，"
            f"不是一个地区，计入会重复计算。请只选各地区，把合计作为参照总量另行给出。",
            f"{name!r} seems to contain a total {axis_word} ({pos_en}{lab}, counting from 1): "
            f"it is a {en_word} ({why_en}). Counting it as a region doubles every total. "
            f"Leave it out of the selected block and pass it as the reference total instead "
            f"(in Python, total_rows='ignore' keeps it if it is a real region).",
        )
        if policy == "raise":
            raise AggloValueError(msg)
        warnings.warn(msg, TotalRowWarning, stacklevel=3)
    return found_list


def _total_position(matrix: np.ndarray, name: str, i: int, col: bool) -> tuple[str, str]:
    """Where row (or column) ``i`` of ``matrix`` is on the sheet: through the layout the
    host recorded for argument ``name`` (header rows and label columns counted; a row of
    cells flattened to a column of values), else counted from the argument's start."""
    found = None
    if matrix.ndim == 2:
        if col:  # a column is named by its first cell where the sheet is known
            if _m.origin_of(name) is not None:
                found = _m.position_of(name, (0, i), matrix.shape[::-1])
        else:
            found = _m.position_of(name, (i, 0), matrix.shape)
            if found is None and matrix.shape[1] == 1:
                found = _m.position_of(name, (i,), (matrix.shape[0],))
    if found is not None:
        return found
    return _m.where(name, None, i) if col else _m.where(name, i)


def _row_label_kinds(labels: Sequence[Any]) -> dict[int, str]:
    """Positions of labels that are not ordinary names → their kind.  Grouping names
    (东部, 苏南 …) count only beside ordinary names: a table of the four regions 东部/中部/
    西部/东北 is a table of regions."""
    kinds = {i: _label_kind(lab) for i, lab in enumerate(labels)}
    kinds = {i: k for i, k in kinds.items() if k is not None}
    groups = [i for i, k in kinds.items() if k == "grouping"]
    named = sum(1 for lab in labels if isinstance(lab, str | tuple | list))
    if groups and named - len(kinds) <= 0:
        for i in groups:
            del kinds[i]
    return {i: k for i, k in kinds.items() if k in _ROW_EXCLUDED}


#: Reasons a row is left out: kind → (Chinese, English).
_REASONS: dict[str, tuple[str, str]] = {
    "total": ("合计行", "total row"),
    "subtotal": ("小计行", "subtotal row"),
    "grouping": ("分组小计行", "grouping (subtotal) row"),
    "of_which": ("“其中”行", "'of which' row"),
    "by": ("分组标题行", "grouping heading row"),
    "footnote": ("注释行", "footnote row"),
    "unit": ("单位行", "unit row"),
    "year_header": ("年份表头行", "year header row"),
    "header": ("表头行", "header row"),
    "blank": ("空行", "blank row"),
    "sum": ("等于相邻几行之和的小计行", "subtotal row (the sum of the rows next to it)"),
    "family": ("各分项的合计行", "total of the items below or above it"),
}
_ROW_EXCLUDED = frozenset({"total", "subtotal", "grouping", "of_which", "by", "footnote", "unit"})


# --------------------------------------------------------------------------------------
# the grid reader
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Grid:
    """What :func:`_read_grid` found in a 2-D grid of cells (no pandas: the add-in's path)."""

    values: np.ndarray  # kept rows × data columns
    row_labels: list[Any] | None  # one per kept row (a str, or a tuple of parts), or None
    col_labels: list[Any] | None  # one per data column, or None
    units: list[str | None]  # one per data column
    excluded: list[tuple[int, Any, str]]  # (grid row, label, reason kind)
    flagged: dict[int, str]  # data column → 'total' | 'sum:…' | 'part:…'
    missing: int
    marks: int
    header_rows: int
    label_cols: int
    rows: list[int]  # grid row of each kept row
    refused: list[tuple[int, Any, str]]  # excluded rows that carry numbers
    texts: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # strict=False


def _rows(value: Any, name: str) -> list[list[Any]]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [[value]]
    if not value:
        raise AggloValueError(
            _m.text(
                f"{name!r} 是空的，请选择至少一个数值。",
                f"{name!r} is empty; select a range with at least one value.",
            )
        )
    if not isinstance(value[0], list | tuple | np.ndarray):
        return [list(value)]
    rows = [list(r.tolist() if isinstance(r, np.ndarray) else r) for r in value]
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            raise AggloValueError(
                _m.text(
                    f"{name!r} 须是矩形区域：第{i + 1}行有{len(r)}个单元格，第1行有{width}个。",
                    f"{name!r} must be a rectangular range; row {i + 1} has {len(r)} cells "
                    f"but row 1 has {width}.",
                )
            )
    return rows


_FLOAT = {float}


def _year_over_column(nums: list[list[Any]], c: int) -> bool:
    """A one-column selection whose first cell is a year (2007) above numbers with decimals:
    the year is the column's header (years are whole numbers; the values below are not)."""
    first = nums[0][c]
    if first is None or not isinstance(_year_of(first), int):
        return False
    below = np.array([r[c] for r in nums[1:] if r[c] is not None and r[c] == r[c]], dtype=float)
    return _year_above(float(first), below)


def _years_over_columns(nums: list[list[Any]], r: int, c0: int, k: int) -> bool:
    """A first row of increasing years with any step (2014, 2023: the base and end year of a
    convergence) above every data column, each year a header by :func:`_year_above`."""
    first = [nums[r][c] for c in range(c0, k)]
    if len(first) < 2 or any(v is None or v != v for v in first):
        return False
    years = [_year_of(v) for v in first]
    if not all(isinstance(y, int) for y in years) or any(
        b <= a for a, b in zip(years, years[1:], strict=False)
    ):
        return False
    for c, year in zip(range(c0, k), years, strict=True):
        below = [row[c] for row in nums[r + 1 :] if row[c] is not None and row[c] == row[c]]
        if not _year_above(float(year), np.array(below, dtype=float)):
            return False
    return True


def _missing_cells(rows: list[list[Any]], nums: list[list[Any]], kept: list[int], c0: int) -> int:
    """Cells read as missing (blank, placeholder, error value) in the kept rows; a NaN the
    caller passed as a number is a number's value, not counted (as in the one-call path
    of the add-in's conversion)."""
    return sum(
        (x is None or x != x) and not (isinstance(v, float | np.floating) and v != v)
        for r in kept
        for v, x in zip(rows[r][c0:], nums[r][c0:], strict=True)
    )


def _year_above(first: float, below: np.ndarray) -> bool:
    """Whether a year-like ``first`` above the values ``below`` is a header: the values are
    not whole numbers, or none of them is year-like and the year lies far outside them
    (2022 above incomes of 20,000–80,000)."""
    if below.size < 2:
        return False
    if np.any(below != np.round(below)):
        return True
    outside = np.all((below < 1900) | (below > 2100))
    return bool(outside and (first < 0.5 * below.min() or first > 2.0 * below.max()))


def _text_cell(v: Any, num: float | None) -> bool:
    """A label: text that is not a number, a placeholder or an error value."""
    return num is None and isinstance(v, str) and not _is_blank(v)


def _read_grid(
    value: Any,
    name: str = "data",
    *,
    sums: bool = True,
    drop_blank: bool = False,
    merged: Sequence[tuple[int, int, int, int]] | None = None,
    strict: bool = True,
) -> _Grid:
    """Read a 2-D grid of cell values (a list of rows, as xlwings passes a range).

    The engine of :func:`read_table` and of the Excel add-in's reading; see
    :func:`read_table` for the rules.  ``sums`` also finds totals and subtotals from the
    numbers; ``drop_blank`` leaves out rows without any value; ``merged`` lists merged
    ranges ``(first_row, first_col, last_row, last_col)`` (0-based, inclusive) whose value
    fills the whole range in the header.  ``strict=False`` reads text among the numbers
    as missing and lists its cells in ``texts`` (for marking, not computing).

    Examples
    --------
    >>> g = _read_grid([["地区", "GDP(亿元)"], ["全省", 30.0], ["甲市", "10①"], ["乙市", 20.0]])
    >>> g.values.tolist(), g.row_labels, g.col_labels, g.units, g.excluded, g.marks
    ([[10.0], [20.0]], ['甲市', '乙市'], ['GDP'], ['亿元'], [(1, '全省', 'total')], 1)
    """
    rows = _rows(value, name)
    n, k = len(rows), len(rows[0])
    if k == 0:
        raise AggloValueError(
            _m.text(
                f"{name!r} 是空的，请选择至少一个数值。",
                f"{name!r} is empty; select a range with at least one value.",
            )
        )
    if merged:
        rows = [list(r) for r in rows]
        for r0, c0, r1, c1 in merged:
            top = rows[r0][c0] if r0 < n and c0 < k else None
            for r in range(r0, min(r1, n - 1) + 1):
                for c in range(c0, min(c1, k - 1) + 1):
                    if _is_blank(rows[r][c]):
                        rows[r][c] = top
    # rows of floats (most rows) pass through at C speed; other cells are parsed (cached)
    nums: list[list[Any]] = []
    marked: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        lead = 0  # leading cells that are not floats (labels): parsed one by one
        while lead < len(row) and type(row[lead]) is not float:
            lead += 1
        rest = row[lead:] if set(map(type, row[lead:])) <= _FLOAT else None
        cells = []
        for c, v in enumerate(row if rest is None else row[:lead]):
            if type(v) is float:
                cells.append(v)
                continue
            num, mark = _parse_cell(v)
            cells.append(num)
            if mark:
                marked.add((r, c))
        nums.append(cells if rest is None else cells + rest)
    # label columns: leading columns of text (and blanks) only
    label_cols = 0
    while label_cols < k - 1:
        col = [(rows[r][label_cols], nums[r][label_cols]) for r in range(n)]
        if any(not _text_cell(v, num) for v, num in col if not _is_blank(v)) or not any(
            _text_cell(v, num) for v, num in col
        ):
            break
        label_cols += 1
    # header rows: text, years, units above the first row of numbers; rows with nothing in
    # the data columns belong to the header when a header row follows them (title lines:
    # 数据库：年度数据, 指标：…), else to the body (regions without data)
    header = 0  # rows up to the last header row seen so far
    r = 0
    while r < n - 1:
        data = [(rows[r][c], nums[r][c]) for c in range(label_cols, k)]
        numbers_ = [v for v, num in data if num is not None and num == num]
        texts = [v for v, num in data if _text_cell(v, num) or isinstance(v, _dt.date)]
        placeholders = [v for v, num in data if num is not None and num != num and not _is_blank(v)]
        if numbers_:
            if not (
                (_years_run(numbers_) and not placeholders)
                or (r == 0 and k - label_cols == 1 and _year_over_column(nums, label_cols))
                or (r == 0 and _years_over_columns(nums, r, label_cols, k))
                or (
                    r == 0
                    and label_cols > 0
                    and all(isinstance(_year_of(v), int) for v in numbers_)
                    and len(numbers_) == len(data)
                    and _names_label_column(rows[r][:label_cols])
                )
            ):
                break
        elif not texts:
            if placeholders or label_cols == 0 and r == header:
                break  # a row of placeholders is data
            r += 1
            continue  # nothing in the data columns: decided by the rows below
        r += 1
        header = r
    # a first column of years (a time series) is a label column
    if label_cols == 0 and k >= 2 and n - header >= 3:
        first = [rows[r][0] for r in range(header, n)]
        if _years_run(first):
            label_cols = 1
    body = list(range(header, n))
    if not body or label_cols >= k:
        raise AggloValueError(
            _m.text(
                f"{name!r} 只有标签没有数值；请把数值一起选上（第一行、第一列可以是标签）。",
                f"{name!r} holds only labels; select the numbers too (labels may be included "
                "in the first rows and columns).",
            )
        )

    # row labels and the kinds of rows
    def parts_of(r: int) -> tuple[Any, ...]:
        out = []
        for c in range(label_cols):
            v = rows[r][c]
            if not _is_blank(v):
                out.append(v.strip() if isinstance(v, str) else _year_of(v) or v)
        return tuple(out)

    parts = {r: parts_of(r) for r in body}
    kinds: dict[int, str] = {}
    for r in body:
        data_cells = rows[r][label_cols:]
        first_text = next((v for v in rows[r] if not _is_blank(v)), None)
        if isinstance(first_text, str) and _part_kind(first_text) == "footnote":
            kinds[r] = "footnote"
            continue
        if first_text is None:  # nothing in the row
            if drop_blank:
                kinds[r] = "blank"
            continue
        if label_cols:
            kind = _label_kind(parts[r])
            if kind is not None:
                kinds[r] = kind
        elif any(
            _text_cell(v, num) for v, num in zip(data_cells, nums[r][label_cols:], strict=True)
        ):
            pass  # text among the numbers: refused below, naming the cell
    # groupings count only beside ordinary names
    groups = [r for r, kind in kinds.items() if kind == "grouping"]
    ordinary = [r for r in body if r not in kinds and parts[r]]
    if groups and not ordinary:
        for r in groups:
            del kinds[r]
    excluded_rows = set(kinds)
    # text among the numbers of a kept row: refuse, naming the cell
    texts: list[tuple[int, int]] = []
    for r in body:
        if r in excluded_rows or None not in nums[r]:
            continue
        for c in range(label_cols, k):
            v = rows[r][c]
            if nums[r][c] is None and not _is_blank(v):
                if not strict:
                    texts.append((r, c))
                    continue
                what = f"the text {v!r}" if isinstance(v, str) else f"the value {v!r}"
                if isinstance(v, bool | np.bool_):
                    what = f"the boolean {'TRUE' if v else 'FALSE'}"
                pz, pe = _m.where(name, r, c)
                raise AggloValueError(
                    _m.text(
                        f"{name!r} 的{pz}是{str(v)[:30]!r}，不是数值。请填数值、留空或用 — 表示缺失。",
                        f"{name!r} {pe} holds {what[:60]}, not a number. Type a number, leave "
                        "the cell blank or use a placeholder such as —.",
                    )
                )
    kept = [r for r in body if r not in excluded_rows]
    # None (text read as missing with strict=False) becomes NaN
    arr = np.array([nums[r][label_cols:] for r in kept], dtype=float).reshape(
        len(kept), k - label_cols
    )
    # totals and subtotals from the numbers
    if sums and arr.shape[0] >= 3:
        found: dict[int, str] = {}
        if arr.shape[1] >= 2:
            found.update(dict.fromkeys(_numeric_total_rows(arr, 1e-3), "total"))
            runs = _subtotal_runs(arr, set(found))
            found.update(dict.fromkeys(runs, "sum"))
        else:
            found.update(dict.fromkeys(_end_total(arr[:, 0]), "total"))
        if label_cols:  # the total of an indicator's items, by its label and its size
            labs = [_label_value(parts[r]) for r in kept]
            for i in _family_total_rows(arr, labs):
                found.setdefault(i, "family")
        if found:
            for i, kind in found.items():
                kinds[kept[i]] = kind
            keep = [i for i in range(len(kept)) if i not in found]
            kept = [kept[i] for i in keep]
            arr = arr[keep]
    excluded = [
        (r, _label_value(parts[r]) if label_cols else None, kinds[r]) for r in sorted(kinds)
    ]
    refused = [
        (r, lab, kind)
        for r, lab, kind in excluded
        if kind not in ("footnote", "unit", "blank")
        or any(num is not None and num == num for num in nums[r][label_cols:])
    ]
    # column labels and units
    col_labels, units = _column_labels(rows, nums, header, label_cols, merged is not None)
    flagged: dict[int, str] = {}
    if col_labels is not None:
        flagged.update(_flag_columns_by_name(col_labels))
        for j, lab in enumerate(col_labels):
            kind = _label_kind(lab)
            if kind in ("total", "subtotal"):
                flagged[j] = "total"
    if sums and arr.shape[1] >= 3 and arr.shape[0] >= 1:
        for j in _numeric_total_rows(arr.T, 1e-3) if arr.shape[0] >= 2 else []:
            flagged.setdefault(j, "total")
        for j, (a, b) in _subtotal_runs(arr.T, set(flagged)).items():
            flagged.setdefault(j, f"sum:{a + 1}–{b + 1}")
    row_labels = [_label_value(parts[r]) for r in kept] if label_cols else None
    kept_set = set(kept)
    marks = sum(1 for r, c in marked if r in kept_set and c >= label_cols)
    return _Grid(
        values=arr,
        row_labels=row_labels,
        col_labels=col_labels,
        units=units,
        excluded=excluded,
        flagged=flagged,
        missing=_missing_cells(rows, nums, kept, label_cols),
        marks=int(marks),
        header_rows=header,
        label_cols=label_cols,
        rows=kept,
        refused=refused,
        texts=texts,
    )


def _label_value(parts: tuple[Any, ...]) -> Any:
    """One label from its parts: the single part, or the parts joined by a space."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " ".join(str(p) for p in parts)


def _column_labels(
    rows: list[list[Any]], nums: list[list[Any]], header: int, label_cols: int, has_merged: bool
) -> tuple[list[Any] | None, list[str | None]]:
    """Column labels and units from the header rows (merged cells filled, units split off)."""
    k = len(rows[0])
    width = k - label_cols
    units: list[str | None] = [None] * width
    if header == 0:
        return None, units
    table_unit = None
    parts: list[list[Any]] = [[] for _ in range(width)]
    for h in range(header):
        cells = rows[h][label_cols:]
        # a "单位：亿元" anywhere in the header (often in the title row) is the table's unit
        for v in rows[h]:
            if isinstance(v, str) and _UNIT_PREFIX_RE.match(
                unicodedata.normalize("NFKC", v).strip()
            ):
                table_unit = _unit_of(v)[1]
        texts = [v for v in cells if not _is_blank(v)]
        if not texts:
            continue
        if (
            len({str(v) for v in texts}) == 1
            and isinstance(texts[0], str)
            and _META_RE.match(unicodedata.normalize("NFKC", texts[0]))
        ):
            continue  # a title line (数据库：年度数据, Indicator: …) filled across a merge
        if len(texts) == 1 and width > 1 and isinstance(texts[0], str) and not _is_blank(cells[0]):
            pass  # a group header over the first column: filled below
        if all(isinstance(v, str) and _unit_of(v)[0] == "" for v in texts):
            if len(texts) == 1 and width > 1:
                table_unit = _unit_of(texts[0])[1]
            else:
                for j, v in enumerate(cells):
                    if not _is_blank(v):
                        units[j] = _unit_of(v)[1]
            continue
        if len(texts) == 1 and width > 2 and _is_blank(cells[0]) and h < header - 1:
            # one text over many columns, not at the start: a title, not a column label
            continue
        filled = list(cells)
        last = h == header - 1
        if not last and not has_merged:
            for j in range(1, width):  # merged group headers: fill to the right
                below = rows[h + 1][label_cols + j]
                if _is_blank(filled[j]) and not _is_blank(filled[j - 1]) and not _is_blank(below):
                    filled[j] = filled[j - 1]
        for j, v in enumerate(filled):
            if _is_blank(v):
                continue
            year = _year_of(v)
            if year is not None and not (
                isinstance(v, str) and not _YEAR_TEXT_RE.match(unicodedata.normalize("NFKC", v))
            ):
                part: Any = year
            else:
                text, unit = _unit_of(str(v) if not isinstance(v, str) else v)
                if unit is not None:
                    units[j] = unit
                part = " ".join(text.split())
                if not part:
                    continue
            if not parts[j] or parts[j][-1] != part:
                parts[j].append(part)
    if table_unit is not None:
        units = [u if u is not None else table_unit for u in units]
    if not any(parts):
        return None, units
    labels = [(p[0] if len(p) == 1 else " ".join(str(x) for x in p)) if p else None for p in parts]
    return labels, units


# --------------------------------------------------------------------------------------
# the public reader
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class Table(Result):
    """A yearbook table as :func:`read_table` read it.

    Attributes
    ----------
    data : DataFrame
        The numbers: one row per region (index = the row labels, all leading text
        columns joined by a space), one column per indicator (columns = the column
        labels from the header rows; a year header gives integer years).  Missing
        cells are NaN.
    units : Series
        The unit of each column (``'亿元'``, ``'万人'``, ``'%'``) or None.
    excluded : tuple of (position, label, reason)
        Rows left out and why: ``'total'``, ``'subtotal'``, ``'grouping'``,
        ``'of_which'`` (其中), ``'by'`` (按…分), ``'sum'`` (equal to the sum of the rows next
        to it), ``'footnote'``, ``'unit'``, ``'blank'``.  The position is the worksheet
        address of the row's first cell when known, else ``第n行 / row n`` (from 1).
    flagged_columns : tuple of (column label, reason)
        Columns kept but not independent of the others: ``'total'`` (a 合计 column or
        the sum of all others), ``'sum:…'`` (the sum of the named columns, e.g. 第二产业
        beside 工业 and 建筑业), ``'part:…'`` (a part of the named column).
    missing : int
        Cells read as missing (blank, placeholder ``—``/``…``/``x``, error value).
    footnote_marks : int
        Footnote marks removed from numbers (``444.22①`` → 444.22).
    header_rows, label_columns : int
        How many rows of the selection formed the header and how many columns the labels.
    convention : str
        What was read and what was left out, in words.
    """

    data: Any
    units: Any
    excluded: tuple[tuple[str, Any, str], ...]
    flagged_columns: tuple[tuple[Any, str], ...]
    missing: int
    footnote_marks: int
    header_rows: int
    label_columns: int
    convention: str

    @property
    def values(self) -> np.ndarray:
        """The numbers as a float array (regions × indicators)."""
        return self.data.to_numpy(dtype=float)

    def __repr__(self) -> str:
        return f"Table({self.data.shape[0]} × {self.data.shape[1]}; {self.convention})"


def _convention(grid: _Grid, name: str) -> str:
    parts = [
        f"header {grid.header_rows} row(s), labels {grid.label_cols} column(s)",
    ]
    if grid.excluded:
        shown = ", ".join(
            f"{lab if lab is not None else _m.where(name, r)[1]} ({kind})"
            for r, lab, kind in grid.excluded[:6]
        )
        more = f" and {len(grid.excluded) - 6} more" if len(grid.excluded) > 6 else ""
        parts.append(f"rows left out: {shown}{more}")
    if grid.flagged:
        shown = ", ".join(
            f"{grid.col_labels[j] if grid.col_labels else j + 1} ({why})"
            for j, why in sorted(grid.flagged.items())[:6]
        )
        parts.append(f"columns not independent of the others: {shown}")
    if grid.marks:
        parts.append(f"{grid.marks} footnote mark(s) removed from numbers")
    parts.append(f"{grid.missing} missing cell(s)")
    return "; ".join(parts)


def _file_grid(
    path: Any, sheet: Any, cells: str | None
) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], tuple[str, int, int]]:
    """Cells of a sheet of an .xlsx/.xls/.ods file (python-calamine), the merged ranges
    inside the range, and the range's origin (sheet, 1-based row, column)."""
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - depends on the installation
        raise AggloValueError(
            _m.text(
                "读取文件需要 python-calamine：pip install agglo[tables]",
                "Reading a file needs python-calamine: pip install agglo[tables]",
            )
        ) from None
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    names = workbook.sheet_names
    if sheet is None:
        sheet = names[0]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        sheet = names[sheet]
    if sheet not in names:
        raise AggloValueError(
            _m.text(
                f"文件中没有工作表 {sheet!r}；现有：{names}。",
                f"The file has no sheet {sheet!r}; it has {names}.",
            )
        )
    ws = workbook.get_sheet_by_name(sheet)
    grid = ws.to_python(skip_empty_area=False)
    width = max((len(r) for r in grid), default=0)
    grid = [list(r) + [None] * (width - len(r)) for r in grid]
    r0, c0, r1, c1 = 0, 0, len(grid) - 1, width - 1
    if cells:
        r0, c0, r1, c1 = _parse_range(cells)
        if r1 is None:
            r1 = len(grid) - 1
        if c1 is None:
            c1 = width - 1
    rows = [
        [(grid[r][c] if r < len(grid) and c < width else None) for c in range(c0, c1 + 1)]
        for r in range(r0, r1 + 1)
    ]
    rows = [[None if v == "" else v for v in r] for r in rows]
    merged = []
    try:
        ranges = ws.merged_cell_ranges or []
    except Exception:  # pragma: no cover - older python-calamine or .xls
        ranges = []
    for (a, b), (c, d) in ranges:
        if c >= r0 and a <= r1 and d >= c0 and b <= c1:
            merged.append((max(a, r0) - r0, max(b, c0) - c0, min(c, r1) - r0, min(d, c1) - c0))
    return rows, merged, (sheet, r0 + 1, c0 + 1)


def _parse_range(cells: str) -> tuple[int, int, int | None, int | None]:
    """``'B3:I33'`` → 0-based (first row, first column, last row, last column)."""
    first, colon, last = cells.strip().split("!")[-1].partition(":")
    try:
        r0, c0 = parse_cell(first)
        r1, c1 = parse_cell(last) if colon else (r0, c0)
    except ValueError:
        raise AggloValueError(
            _m.text(
                f"区域 {cells!r} 无法识别；请写成 'B3:I33' 的形式。",
                f"The range {cells!r} is not understood; write it like 'B3:I33'.",
            )
        ) from None
    return r0 - 1, c0 - 1, r1 - 1, c1 - 1


def read_table(
    source: Any,
    sheet: Any = None,
    cells: str | None = None,
    *,
    name: str = "data",
    sums: bool = True,
    drop_blank: bool = True,
) -> Table:
    r"""Read a yearbook table (统计年鉴表格) as a statistician reads it.

    Parameters
    ----------
    source : list of rows, DataFrame or path
        A 2-D grid of cell values (a list of rows, as xlwings passes a range), a
        DataFrame (its index and columns are taken as labels when they are not the
        default 0…n−1, and the table is read from its cells otherwise), or the path of an
        ``.xlsx``/``.xls``/``.ods`` file (read with python-calamine: ``pip install
        agglo[tables]``).
    sheet : str or int, optional
        The sheet of a file (default: the first).
    cells : str, optional
        The range of a file, e.g. ``'A3:I40'`` (default: the whole used sheet).
    name : str
        What the table is called in messages.
    sums : bool
        Also find totals and subtotals from the numbers (a row equal to the sum of the
        others, or of a run of the rows next to it).  Meaningful for quantities that add
        up (output, employment); harmless otherwise.
    drop_blank : bool
        Leave out rows with no value at all.

    Returns
    -------
    Table
        ``data`` (DataFrame), ``units``, ``excluded`` rows and why, ``flagged_columns``,
        ``missing``, ``footnote_marks``, ``convention``.

    Raises
    ------
    AggloValueError
        Text among the numbers (the message names the cell), a ragged grid, only labels.

    Notes
    -----
    A row :math:`i` is a total or subtotal when its values equal the sum of other rows
    in every column :math:`j`, within rounding:

    .. math::

        \Bigl|x_{ij} - \sum_{r=a}^{b} x_{rj}\Bigr| \le
        \max\bigl(\varepsilon\,|x_{ij}|,\ \tfrac12 10^{-d}(b-a+2)\bigr),

    with :math:`a..b` all other rows (a total) or a run of at least two rows just below
    or above :math:`i` (a subtotal), :math:`d` the decimals the numbers show and
    :math:`\varepsilon = 10^{-3}` (totals) or :math:`5\cdot10^{-4}` (runs).

    The rules (also in the README, "How Agglo reads your table"):

    * **Labels.** All leading columns of text are row labels (Chinese and English names
      joined by a space); a leading column of consecutive years is a label column too.
      The rows above the first row of numbers form the header: each column's label joins
      its header cells from top to bottom; a blank header cell right of a text, above a
      non-blank cell, belongs to a merged group header and is filled; a row of units
      (``亿元``, ``(万人)``, ``%``) or ``单位：亿元`` gives units, not labels; a unit in
      brackets at the end of a header (``GDP(亿元)``) is split off.  A row of consecutive
      years (``2012``, ``'2012'``, ``2012年``, ``2012.0``, 1 January/31 December dates) is a
      header, not data.
    * **Numbers.** Text numbers, thousands separators, full-width digits and percent
      signs are read; footnote marks (①②…, ¹²…, ``*``, ``#``, a trailing letter) are
      removed and counted, never read into the number (``444.22①`` is 444.22);
      placeholders (``—``, ``…``, ``-``, ``x``, ``/``, blank) and error values are missing.
      Any other text among the numbers is refused, naming the cell.
    * **Rows left out.** Totals (全国/全省/全市/合计/总计…, whitespace-insensitive, a
      Chinese word at the start or 合计/总计 at the end; English whole words such as
      ``Total``; ordinary names such as ``China`` are not totals), subtotals (小计),
      groupings of regions (苏南/苏中/苏北, 珠三角, 浙东北, 东部地区 …, from
      ``agglo/data/region_groupings.csv``, only beside ordinary names), ``其中`` items,
      ``按…分`` headings, footnote rows (``注：``, ``资料来源``), and, with ``sums``, a row
      equal to the sum of all other rows (in one column: the first or the last value
      equal to the sum of the others) or to the sum of a run of at least two rows just
      below or above it (all columns, within rounding).
    * **Columns flagged.** A column labelled as a total, a column that is the sum of
      other selected columns by the national industry classification (GB/T 4754-2017
      sections and the three-sector grouping of NBS 2018, from
      ``agglo/data/industry_sections_gbt4754.csv``: 工业 = B+C+D, 第二产业 = 工业 + 建筑业,
      地区生产总值 = all) and the parts beside it, and, with ``sums`` and at least three
      columns, a column equal to the sum of the others or of a run of the columns next to
      it.  Flagged columns are kept; the worksheet functions of extensive measures refuse
      them.

    References
    ----------
    .. [1] National Bureau of Statistics of China (2017). GB/T 4754-2017 *Industrial
       classification for national economic activities* (国民经济行业分类).
    .. [2] National Bureau of Statistics of China (2018). 三次产业划分规定 (Regulation on
       the division of the three sectors), revised 2018.
    .. [3] National Bureau of Statistics of China (2011). 东西中部和东北地区划分方法.

    See [gbt_4754_2017], [nbs_three_sectors_2018], [nbs_regions_2011] in

    docs/references.md.

    Examples
    --------
    >>> grid = [
    ...     ["地区", "地区生产总值", None, None],
    ...     [None, "第一产业", "第二产业", "第三产业"],
    ...     [None, "(亿元)", "(亿元)", "(亿元)"],
    ...     ["全  省", 60.0, 300.0, 240.0],
    ...     ["苏南", 20.0, 150.0, 130.0],
    ...     ["南京", "10①", 100.0, 90.0],
    ...     ["苏州", 10.0, 50.0, 40.0],
    ...     ["苏北", 40.0, 150.0, 110.0],
    ...     ["徐州", 25.0, 90.0, 60.0],
    ...     ["盐城", 15.0, "60", "—"],
    ...     ["注：本表按当年价格计算。", None, None, None],
    ... ]
    >>> t = read_table(grid)
    >>> t.data
        地区生产总值 第一产业  地区生产总值 第二产业  地区生产总值 第三产业
    南京          10.0         100.0          90.0
    苏州          10.0          50.0          40.0
    徐州          25.0          90.0          60.0
    盐城          15.0          60.0           NaN
    >>> [(lab, why) for _, lab, why in t.excluded]
    [('全  省', 'total'), ('苏南', 'grouping'), ('苏北', 'grouping'), ('注：本表按当年价格计算。', 'footnote')]
    >>> t.units.tolist(), t.footnote_marks, t.missing
    (['亿元', '亿元', '亿元'], 1, 1)
    """
    origin = None
    merged = None
    if isinstance(source, pd.DataFrame):
        grid = _frame_grid(source)
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        if not os.path.isfile(source):
            raise AggloValueError(
                _m.text(
                    f"'source' 应是表格（行的列表）、DataFrame 或文件路径；找不到文件 {str(source)[:80]!r}。",
                    f"'source' must be a grid (list of rows), a DataFrame or a file path; no "
                    f"file {str(source)[:80]!r} was found.",
                )
            )
        grid, merged, origin = _file_grid(source, sheet, cells)
    else:
        grid = source
    if origin is not None and _m.origin_of(name) is None:
        with _m.argument_origins({name: origin}):
            return _make_table(grid, name, sums, drop_blank, merged)
    return _make_table(grid, name, sums, drop_blank, merged)


def _frame_grid(frame: Any) -> list[list[Any]]:
    """A DataFrame as a grid: its labels as the first row/column unless they are defaults."""
    body = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    default_cols = isinstance(frame.columns, pd.RangeIndex)
    default_rows = isinstance(frame.index, pd.RangeIndex)
    rows = body
    if not default_rows:
        index = [tuple(i) if isinstance(i, tuple) else i for i in frame.index]
        rows = [
            [*(i if isinstance(i, tuple) else (i,)), *r] for i, r in zip(index, rows, strict=True)
        ]
    if not default_cols:
        depth = len(rows[0]) - frame.shape[1] if rows else 0
        header = [None] * depth + [
            str(c) if not isinstance(c, int | float) else c for c in frame.columns
        ]
        rows = [header, *rows]
    return rows


def _make_table(grid: Any, name: str, sums: bool, drop_blank: bool, merged: Any) -> Table:
    g = _read_grid(grid, name, sums=sums, drop_blank=drop_blank, merged=merged)
    k = g.values.shape[1]
    columns = g.col_labels if g.col_labels is not None else list(range(1, k + 1))
    index = g.row_labels if g.row_labels is not None else [r + 1 for r in g.rows]
    data = pd.DataFrame(g.values, index=pd.Index(index), columns=pd.Index(columns))
    units = pd.Series(g.units, index=data.columns, dtype=object, name="unit")
    excluded = tuple((_m.where(name, r)[1], lab, kind) for r, lab, kind in g.excluded)
    flagged = tuple((columns[j], why) for j, why in sorted(g.flagged.items()))
    return Table(
        data=data,
        units=units,
        excluded=excluded,
        flagged_columns=flagged,
        missing=g.missing,
        footnote_marks=g.marks,
        header_rows=g.header_rows,
        label_columns=g.label_cols,
        convention=_convention(g, name),
    )
