"""Bundled yearbook data for examples, doctests and templates.

The CSV files in ``agglo/data/`` are copies of the project's shared data; their
sources are listed in ``agglo/data/SOURCES.md`` (National Bureau of Statistics of
China provincial data, and tables of the source papers).  Files whose name contains
``SIMULATED`` are teaching data and must be labelled as such wherever they are shown.
``china_provinces.csv`` and ``china_province_borders.csv`` (provincial codes, capitals'
coordinates and land borders, for :func:`agglo.china_province_weights`) are compiled
for agglo; their sources and checks are in the same file.
"""

from __future__ import annotations

from importlib import resources

from . import _messages as _m
from ._pandas import pd
from ._validation import AggloValueError, as_option

__all__ = [
    "NBS_PROVINCES",
    "list_datasets",
    "load_dataset",
    "gdp_by_sector",
    "employment_by_industry",
    "china_provinces",
]

#: The 31 provincial-level regions of the mainland in the order the National Bureau of
#: Statistics prints them (《中国统计年鉴》 region tables: North, North-East, East, Centre,
#: South, South-West, North-West), with their short names.  The one list of the project:
#: datasets, templates and the demonstration workbook use this order.
NBS_PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
)  # fmt: skip


def _nbs_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in :data:`NBS_PROVINCES` order (other labels, if any, after them)."""
    rank = {p: i for i, p in enumerate(NBS_PROVINCES)}
    order = sorted(range(len(frame)), key=lambda i: rank.get(frame.index[i], len(rank)))
    return frame.iloc[order]


_FILES = {
    "gdp_by_sector": "provinces_gdp_by_sector_2015_2024.csv",
    "employment_wage": "provinces_employment_wage_by_industry_2014_2023.csv",
    "central_cities_scale": "central_cities_scale_2018.csv",
    "central_cities_innovation": "central_cities_innovation_2018.csv",
    "ceramic_cities": "ceramic_cities_hqd_2019.csv",
    "development_SIMULATED": "provinces_development_indicators_SIMULATED_2015_2019.csv",
    "rivers_SIMULATED": "rivers_water_quality_SIMULATED.csv",
    "guangzhou_subsystems": "guangzhou_2010_four_subsystems_normalized_sample.csv",
    "four_regions": "nbs_four_regions.csv",
    "china_provinces": "china_provinces.csv",
    "china_province_borders": "china_province_borders.csv",
}


def list_datasets() -> list[str]:
    """Names of the bundled data sets (内置数据集) accepted by :func:`load_dataset`.

    References
    ----------
    Each file's source is listed in ``agglo/data/SOURCES.md``: National Bureau of
    Statistics of China, provincial annual data, as compiled in the open data of the online
    book *mathmodels-book*; Tables 1–2 of 罗丹阳 (增强中心城市聚集效应研究); Table 2 of
    章立东 & 李奥 (2021); GB/T 2260, GB/T 4754-2017 and the NBS regional division (2011).
    See [nbs_provincial_data], [mathmodels_book], [central_cities], [ceramics], [gbt_2260],
    [gbt_4754_2017], [nbs_regions_2011] in docs/references.md.

    Examples
    --------
    >>> "gdp_by_sector" in list_datasets()
    True
    """
    return list(_FILES)


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled data set (内置数据集) as a DataFrame, exactly as stored (long where it is long).

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    References
    ----------
    The source of each file is listed in ``agglo/data/SOURCES.md`` and in the References
    of :func:`list_datasets`; most come from [nbs_provincial_data] via [mathmodels_book]
    (docs/references.md).

    Examples
    --------
    >>> load_dataset("gdp_by_sector").columns.tolist()
    ['年份', '地区', 'GDP', '第一产业', '第二产业', '第三产业']
    """
    key = as_option(name, "name", tuple(_FILES))
    with resources.files("agglo.data").joinpath(_FILES[key]).open("rb") as fh:
        return pd.read_csv(fh, encoding="utf-8")


def gdp_by_sector(year: int = 2015) -> pd.DataFrame:
    """Value added of the three sectors (亿元) by province for one year: 31 rows × 3 columns.

    Rows are provinces (地区) in the yearbook order (:data:`NBS_PROVINCES`); there is
    no 全国 row.

    References
    ----------
    National Bureau of Statistics of China, provincial annual data (分省年度数据), as
    compiled in the open data of the online book *mathmodels-book*
    (github.com/zhjx19/mathmodels-book, ``data/industry.xlsx``).
    See [nbs_provincial_data], [mathmodels_book] in docs/references.md.

    Examples
    --------
    >>> gdp_by_sector(2015).loc["北京"].round(1).tolist()
    [140.4, 4419.8, 20218.9]
    >>> gdp_by_sector(2015).index[:3].tolist()
    ['北京', '天津', '河北']
    """
    df = load_dataset("gdp_by_sector")
    years = sorted(df["年份"].unique().tolist())
    if year not in years:
        raise AggloValueError(
            _m.text(
                f"'year' 必须是 {years[0]}..{years[-1]} 中的年份；收到 {year!r}。",
                f"'year' must be one of {years[0]}..{years[-1]}; received {year!r}.",
            )
        )
    sub = df[df["年份"] == year].set_index("地区")[["第一产业", "第二产业", "第三产业"]]
    sub.index.name = "地区"
    return _nbs_order(sub.astype(float))


def employment_by_industry(year: int = 2023, value: str = "就业人数") -> pd.DataFrame:
    """Employment (persons) or average wage (元) of urban non-private units: 31 provinces × 8 industries.

    Rows are provinces in the yearbook order (:data:`NBS_PROVINCES`).

    Parameters
    ----------
    year : int
        2014–2023.
    value : {'就业人数', '平均工资'}
        Employment or average wage.

    References
    ----------
    National Bureau of Statistics of China, provincial annual data (分省年度数据), urban
    non-private units (城镇非私营单位), as
    compiled in the open data of the online book *mathmodels-book*
    (github.com/zhjx19/mathmodels-book, ``data/income.xlsx``).
    See [nbs_provincial_data], [mathmodels_book] in docs/references.md.

    Examples
    --------
    >>> employment_by_industry(2023).shape
    (31, 8)
    """
    value = as_option(value, "value", ("就业人数", "平均工资"))
    df = load_dataset("employment_wage")
    years = sorted(df["年份"].unique().tolist())
    if year not in years:
        raise AggloValueError(
            _m.text(
                f"'year' 必须是 {years[0]}..{years[-1]} 中的年份；收到 {year!r}。",
                f"'year' must be one of {years[0]}..{years[-1]}; received {year!r}.",
            )
        )
    sub = df[df["年份"] == year]
    wide = sub.pivot(index="地区", columns="行业", values=value)
    wide.columns.name = None
    return _nbs_order(wide.astype(float))


def china_provinces() -> pd.DataFrame:
    """China's 31 mainland provinces (省份) in NBS order, with their capitals' coordinates.

    Columns: ``code`` (GB/T 2260 province code), ``province`` (北京, 天津, 河北 …),
    ``name_en``, ``capital``, ``capital_en``, ``lon``, ``lat`` (degrees, WGS-84, city
    centre, rounded to 0.01°).  Sources: ``agglo/data/SOURCES.md``.

    References
    ----------
    GB/T 2260 中华人民共和国行政区划代码 (province codes); Ministry of Civil Affairs of
    the PRC, 中华人民共和国行政区划简册 (provincial seats of government).
    See [gbt_2260], [mca_divisions] in docs/references.md.

    Examples
    --------
    >>> df = china_provinces()
    >>> df["province"].head(3).tolist(), len(df)
    (['北京', '天津', '河北'], 31)
    """
    with resources.files("agglo.data").joinpath("china_provinces.csv").open("rb") as fh:
        return pd.read_csv(fh, encoding="utf-8")
