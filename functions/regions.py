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

agglo ships only the 34 provincial-level units (``agglo/data/province_codes_gbt2260.csv``).
Names below the province come from a code list the user supplies (argument ``code_list``,
a two-column CSV ``code,name`` or a DataFrame; see :func:`region_codes`), because these
codes change every year; without such a list, prefecture and county units are labelled
by their 6-digit code.  A code whose province part is not one of the 34 is refused,
never guessed.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ._pandas import pd
from ._validation import AggloValueError, as_option

__all__ = ["REGION_CODES_VINTAGE", "region_codes", "region_names"]

#: The source of the shipped table: the provincial level of GB/T 2260.
REGION_CODES_VINTAGE = "GB/T 2260 provincial level (34 units)"

_FILE = "province_codes_gbt2260.csv"
_LEVELS = ("province", "prefecture", "county")
#: Province-level municipalities: their districts and counties have no prefecture level.
_MUNICIPALITIES = (110000, 120000, 310000, 500000)
#: Label of a unit below the province when no code list is given.
_BY_CODE = "labelled by code (no code list given)"


@lru_cache(maxsize=1)
def _provinces() -> pd.DataFrame:
    with resources.files("agglo.data").joinpath(_FILE).open("rb") as fh:
        return pd.read_csv(fh, dtype={"code": np.int64}, encoding="utf-8")


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
                f"无法读取代码表 {os.fspath(codes)!r}（需 UTF-8 编码的 CSV，两列 code,name）：{exc} / "
                f"Cannot read the code list {os.fspath(codes)!r} (a UTF-8 CSV with two "
                f"columns code,name is needed): {exc}"
            ) from None
    elif isinstance(codes, pd.DataFrame):
        frame = codes
    else:
        raise AggloValueError(
            f"code_list 须为 CSV 文件路径、DataFrame 或 {{代码: 名称}} 字典，收到 "
            f"{type(codes).__name__}。 / 'code_list' must be the path of a CSV file, a DataFrame "
            f"or a mapping {{code: name}}; received {type(codes).__name__}."
        )
    if frame.shape[1] != 2:
        raise AggloValueError(
            f"代码表须恰好两列（代码, 名称），收到 {frame.shape[1]} 列。 / The code list must "
            f"have exactly two columns (code, name); it has {frame.shape[1]}."
        )
    ints, raw = _as_codes(frame.iloc[:, 0], "codes")
    names = frame.iloc[:, 1].astype("string").str.strip()
    bad = (ints < 0) | names.isna().to_numpy() | (names == "").fillna(True).to_numpy()
    if bad.any():
        shown = _shown(raw[bad])
        raise AggloValueError(
            f"代码表中有 {int(bad.sum())} 行不是“6 位代码, 名称”，例如 {shown}。 / "
            f"{int(bad.sum())} row(s) of the code list are not a 6-digit code with a name, "
            f"e.g. {shown}."
        )
    out = pd.Series(names.to_numpy(dtype=object), index=ints)
    dup = out.groupby(level=0).nunique() > 1
    if dup.any():
        shown = ", ".join(str(c) for c in dup.index[dup][:5])
        raise AggloValueError(
            f"代码表中有 {int(dup.sum())} 个代码对应不同名称，例如 {shown}。 / {int(dup.sum())} "
            f"code(s) of the code list have two different names, e.g. {shown}."
        )
    return out[~out.index.duplicated()]


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
    """Names of unit codes: provinces from the shipped table, others from the list.

    Without a list, units below the province are labelled by their code (as text).
    Units not in a given list are None.
    """
    prov = _provinces().set_index("code")["name"]
    names = prov.reindex(units).to_numpy(dtype=object)
    below = ~np.isin(units, prov.index.to_numpy())
    if listed is None:
        names[below] = np.char.mod("%06d", units[below]).astype(object)
    else:
        names[below] = listed.reindex(units[below]).to_numpy(dtype=object)
        names[below & pd.isna(names)] = None
    return names


def region_codes(level: str | None = None, *, code_list: Any = None) -> pd.DataFrame:
    """The 34 provincial-level codes (行政区划代码) of GB/T 2260, with the units of a code list.

    Parameters
    ----------
    level : {'province', 'prefecture', 'county'}, optional
        Keep only the units of this level; omitted: all.  ``'prefecture'`` and
        ``'county'`` need ``code_list``: agglo ships no list below the province.
    code_list : str, path, DataFrame or mapping, optional
        A code list for the units below the province: a UTF-8 CSV file with a header
        row and two columns, the 6-digit code and the name, e.g.::

            code,name
            440100,广州市
            440106,天河区

        or a DataFrame of these two columns, or a mapping ``{code: name}``.  Rows of
        provincial codes (``PP0000``) are ignored: the 34 shipped names are used.

    Returns
    -------
    DataFrame
        Columns ``code`` (int), ``name``, ``short_name`` and ``name_en`` (provinces
        only), ``level``, ``province_code``, ``province``, ``prefecture_code`` and
        ``prefecture`` (missing for provinces).  Districts and counties of the four
        municipalities (北京, 天津, 上海, 重庆) have the municipality as their
        prefecture; county-level units directly under a province (``PP90XX``) are their
        own prefecture.  A prefecture missing from the list is labelled by its code.
        ``attrs['source']`` states where the names come from.

    Raises
    ------
    AggloValueError
        ``'prefecture'`` or ``'county'`` without ``code_list``; a list that is not two
        columns of 6-digit codes and names; a code whose province part is not one of
        the 34.

    References
    ----------
    GB/T 2260 中华人民共和国行政区划代码 (administrative division codes of the PRC):
    code structure and the codes of the provincial level.

    See [gbt_2260] in docs/references.md.

    Examples
    --------
    >>> t = region_codes("province").set_index("code")
    >>> len(t), t.loc[440000, ["name", "short_name", "name_en"]].tolist()
    (34, ['广东省', '广东', 'Guangdong'])
    >>> mine = pd.DataFrame({"code": [440100, 440106], "name": ["广州市", "天河区"]})
    >>> t = region_codes(code_list=mine).set_index("code")
    >>> t.loc[440106, ["name", "level", "prefecture", "province"]].tolist()
    ['天河区', 'county', '广州市', '广东省']
    """
    if level is not None:
        level = as_option(level, "level", _LEVELS)
    listed = _code_list(code_list)
    if listed is None and level in ("prefecture", "county"):
        raise AggloValueError(
            f"agglo 只附带省级代码；{level} 层级需要用 code_list= 提供代码表（两列 code,name 的 "
            f"CSV）。 / agglo ships the provincial codes only; the {level} level needs a "
            f"code list: pass code_list= (a CSV of two columns code,name)."
        )
    prov = _provinces()
    ints = prov["code"].to_numpy()
    names = prov["name"].to_numpy(dtype=object)
    if listed is not None:
        keep = listed.index.to_numpy() % 10000 != 0
        below = listed.index.to_numpy()[keep]
        _refuse_unknown_provinces(below, below, "code_list")
        ints = np.concatenate([ints, listed.index.to_numpy()[keep]])
        names = np.concatenate([names, listed.to_numpy(dtype=object)[keep]])
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
        }
    )
    out.loc[out["level"] == "province", "prefecture_code"] = pd.NA
    out = out.sort_values("code", kind="stable").reset_index(drop=True)
    if level is not None:
        out = out[out["level"] == level].reset_index(drop=True)
    out.attrs["source"] = f"provinces: {REGION_CODES_VINTAGE}; " + (
        "below: the code list given" if listed is not None else "no code list given"
    )
    return out


def _refuse_unknown_provinces(ints: np.ndarray, raw: Any, name: str) -> None:
    bad = ~np.isin(ints // 10000 * 10000, _provinces()["code"].to_numpy())
    if bad.any():
        shown = _shown(np.asarray(raw, dtype=object)[bad])
        raise AggloValueError(
            f"{name!r} 中有 {int(bad.sum())} 个值不是有效的行政区划代码（省级部分不在 GB/T 2260 "
            f"的 34 个省级单位中），例如 {shown}。 / {int(bad.sum())} value(s) of {name!r} are "
            f"no administrative division code (their province part is none of the 34 "
            f"provincial-level units of GB/T 2260), e.g. {shown}."
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
        The names of the units below the province (format in :func:`region_codes`).  **Omitted: prefecture and county units are labelled by
        their 6-digit code** (as text, e.g. ``'440100'``); province names are always
        given.

    Returns
    -------
    ndarray of str
        One name (or code label) per code.

    Raises
    ------
    AggloValueError
        A value that is not a 6-digit code or whose province part is not one of the 34
        provincial-level units, naming how many values and which; a unit missing from
        the code list given; a code above the level asked for.

    References
    ----------
    GB/T 2260 中华人民共和国行政区划代码; see :func:`region_codes`.

    See [gbt_2260] in docs/references.md.

    Examples
    --------
    >>> region_names([440106, 110105], "province").tolist()
    ['广东省', '北京市']
    >>> region_names([440106, "440305", "110105"], "prefecture").tolist()
    ['440100', '440300', '北京市']
    >>> mine = {440100: "广州市", 440300: "深圳市"}
    >>> region_names([440106, "440305", "110105"], "prefecture", code_list=mine).tolist()
    ['广州市', '深圳市', '北京市']
    """
    level = as_option(level, "level", _LEVELS)
    listed = _code_list(code_list)
    ints, raw = _as_codes(codes, name)
    _refuse_unknown_provinces(ints, raw, name)
    names, high = _lookup(ints, level, listed)
    if high.any():
        shown = _shown(raw[high])
        raise AggloValueError(
            f"{name!r} 中有 {int(high.sum())} 个代码高于所求层级（{level}），例如 {shown}。"
            f" / {int(high.sum())} code(s) of {name!r} are above the level {level!r} asked "
            f"for, e.g. {shown}; choose a higher level."
        )
    missing = pd.isna(names)
    if missing.any():
        shown = _shown(raw[missing])
        raise AggloValueError(
            f"{name!r} 中有 {int(missing.sum())} 个代码的{level}单位不在所给代码表中，例如 "
            f"{shown}。请核对代码表的年份。 / {int(missing.sum())} code(s) of {name!r} have a "
            f"{level} unit that is not in the code list given, e.g. {shown}. Check the year "
            f"of the code list."
        )
    return names
