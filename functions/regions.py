r"""Chinese administrative division codes (行政区划代码, GB/T 2260): names and levels.

A 6-digit code ``PPCCXX`` names a province (``PP0000``), a prefecture-level unit
(``PPCC00``: 地级市, 地区, 自治州, 盟) or a county-level unit (``PPCCXX``: 市辖区, 县,
县级市, 旗 ...).  Micro-data (economic-census records, firm databases) carry the code
of the county; yearbook blocks are by province or prefecture.  :func:`region_names`
maps codes to the names of the level asked for, so that plant records can be summed
into a yearbook-shaped block.

The list shipped with agglo is the Ministry of Civil Affairs list of county-level and
higher codes **as of 31 December 2024** (vintage ``'2024'``; source and licence in
``agglo/data/SOURCES.md``).  Codes change between years (counties become districts,
prefectures are renamed); a code that is not in the list is refused, never guessed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ._pandas import pd
from ._validation import AggloValueError, as_option

__all__ = ["REGION_CODES_VINTAGE", "region_codes", "region_names"]

#: The date of the shipped code list (民政部 县级以上行政区划代码, as of 31 Dec 2024).
REGION_CODES_VINTAGE = "2024-12-31"

_FILE = "region_codes_mca_2024.csv"
_LEVELS = ("province", "prefecture", "county")
#: Province-level municipalities: their districts and counties have no prefecture level.
_MUNICIPALITIES = (110000, 120000, 310000, 500000)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    with resources.files("agglo.data").joinpath(_FILE).open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"code": np.int64, "name": str}, encoding="utf-8")
    code = raw["code"].to_numpy()
    name = pd.Series(raw["name"].to_numpy(), index=code)
    level = np.where(
        code % 10000 == 0, "province", np.where(code % 100 == 0, "prefecture", "county")
    )
    prov = code // 10000 * 10000
    pref = code // 100 * 100
    known = set(code.tolist())
    has_pref = np.fromiter((p in known for p in pref.tolist()), dtype=bool, count=len(code))
    # A county-level unit without a prefecture: in a municipality it belongs to the
    # municipality itself; elsewhere (省直辖县级行政单位 such as 仙桃市, 济源市) it is its own
    # prefecture-level unit, as in the city yearbooks that list them separately.
    pref = np.where(
        level == "province",
        0,
        np.where(has_pref, pref, np.where(np.isin(prov, _MUNICIPALITIES), prov, code)),
    )
    out = pd.DataFrame(
        {
            "code": code,
            "name": raw["name"].to_numpy(),
            "level": level,
            "province_code": prov,
            "province": name.reindex(prov).to_numpy(),
            "prefecture_code": pref,
            "prefecture": np.where(pref > 0, name.reindex(pref).to_numpy(), None),
        }
    )
    out.loc[out["level"] == "province", "prefecture_code"] = pd.NA
    return out.astype({"prefecture_code": "Int64"})


def region_codes(level: str | None = None) -> pd.DataFrame:
    """The shipped list of administrative division codes (民政部, as of 2024-12-31).

    Parameters
    ----------
    level : {'province', 'prefecture', 'county'}, optional
        Keep only the units of this level; omitted: all 3 213 codes.

    Returns
    -------
    DataFrame
        Columns ``code`` (int), ``name``, ``level``, ``province_code``, ``province``,
        ``prefecture_code`` and ``prefecture`` (missing for provinces).  Districts and
        counties of the four municipalities (北京, 天津, 上海, 重庆) have the municipality
        as their prefecture; county-level units directly under a province (仙桃市,
        济源市 ...) are their own prefecture.

    Notes
    -----
    The vintage is :data:`REGION_CODES_VINTAGE`; older micro-data may carry codes that
    no longer exist (they are refused by :func:`region_names`).

    References
    ----------
    中华人民共和国民政部 (Ministry of Civil Affairs of the PRC) (2025). 中华人民共和国县级以上
    行政区划代码 (state on 31 December 2024); as compiled in the CC0 data set *areacodes*
    (github.com/yescallop/areacodes, ``data/2024.txt``).  Code structure: GB/T 2260
    中华人民共和国行政区划代码.

    Examples
    --------
    >>> t = region_codes()
    >>> t.set_index("code").loc[440106, ["name", "level", "prefecture", "province"]].tolist()
    ['天河区', 'county', '广州市', '广东省']
    >>> len(region_codes("province")), len(region_codes("prefecture"))
    (34, 333)
    """
    table = _table()
    if level is None:
        return table.copy()
    level = as_option(level, "level", _LEVELS)
    return table[table["level"] == level].reset_index(drop=True)


def _as_codes(codes: Any, name: str = "codes") -> tuple[np.ndarray, np.ndarray]:
    """Integer 6-digit codes (or -1 where a value is not a code) and the input values.

    Accepts integers and texts of 6 digits; 9- and 12-digit statistical codes
    (统计用区划代码) are cut to their first 6 digits, which are the division code.
    """
    values = pd.Series(np.asarray(codes, dtype=object).ravel())
    text = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    text = text.where(~text.str.fullmatch(r"\d{9}|\d{12}").fillna(False), text.str[:6])
    ok = text.str.fullmatch(r"[1-9]\d{5}").fillna(False).to_numpy(dtype=bool)
    out = np.full(len(values), -1, dtype=np.int64)
    out[ok] = text[ok].astype(np.int64).to_numpy()
    return out, values.to_numpy()


def _known(codes: Any) -> np.ndarray:
    """Which values are codes of the shipped list."""
    ints, _raw = _as_codes(codes)
    return np.isin(ints, _table()["code"].to_numpy())


def region_names(codes: Any, level: str = "prefecture", *, name: str = "codes") -> np.ndarray:
    """Names of the province / prefecture / county to which each code belongs.

    Parameters
    ----------
    codes : array_like
        6-digit administrative division codes, as integers or texts (9- and 12-digit
        statistical codes are cut to their first 6 digits).
    level : {'province', 'prefecture', 'county'}, default 'prefecture'
        The level of the names returned.  A province code has no prefecture: asking for
        the prefecture of a province code raises.
    name : str
        How the codes are called in error messages (e.g. the column name).

    Returns
    -------
    ndarray of str
        One name per code.

    Raises
    ------
    AggloValueError
        A code that is not in the list (vintage 2024-12-31), naming how many values and
        which; a code above the level asked for.

    References
    ----------
    中华人民共和国民政部 (2025). 中华人民共和国县级以上行政区划代码 (state on 31 December
    2024); see :func:`region_codes`.

    Examples
    --------
    >>> region_names([440106, "440300", "110105"], "prefecture").tolist()
    ['广州市', '深圳市', '北京市']
    >>> region_names([440106, 110105], "province").tolist()
    ['广东省', '北京市']
    """
    level = as_option(level, "level", _LEVELS)
    table = _table().set_index("code")
    ints, raw = _as_codes(codes, name)
    pos = table.index.get_indexer(ints)
    bad = pos < 0
    if bad.any():
        shown = ", ".join(repr(v) for v in pd.unique(raw[bad])[:5])
        raise AggloValueError(
            f"{name!r} 中有 {int(bad.sum())} 个值不是已知的行政区划代码（民政部 2024-12-31 版），"
            f"例如 {shown}。请核对代码年份或改用名称。 / {int(bad.sum())} value(s) of {name!r} "
            f"match no administrative division code of the list of {REGION_CODES_VINTAGE}, "
            f"e.g. {shown}. Check the year of the codes, or use names."
        )
    rows = table.iloc[pos]
    if level == "county":
        high = rows["level"].to_numpy() != "county"
        col = "name"
    else:
        col = level
        high = (
            (rows["level"] == "province").to_numpy()
            if level == "prefecture"
            else np.zeros(len(rows), bool)
        )
    if high.any():
        shown = ", ".join(repr(v) for v in pd.unique(raw[high])[:5])
        raise AggloValueError(
            f"{name!r} 中有 {int(high.sum())} 个代码高于所求层级（{level}），例如 {shown}。"
            f" / {int(high.sum())} code(s) of {name!r} are above the level {level!r} asked "
            f"for, e.g. {shown}; choose a higher level."
        )
    return rows[col].to_numpy(dtype=object)
