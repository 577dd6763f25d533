"""Hand-made grids shaped like real provincial-yearbook tables (values invented, shapes real).

Each grid is what a user selects: a title or unit line, a header of several rows (a
Chinese row, a unit row, an English row), label columns in Chinese and English, a total
row, subtotal rows of groupings of regions, ``其中`` rows, footnote rows.  ``CITIES`` is
the clean block a careful statistician would compute from, written independently.
"""

from __future__ import annotations

import numpy as np

#: The clean answer: 8 cities × 3 sectors (亿元), in the order of the table.
CITY_NAMES = ["南京市", "无锡市", "苏州市", "南通市", "扬州市", "徐州市", "盐城市", "淮安市"]
CITY_EN = ["Nanjing", "Wuxi", "Suzhou", "Nantong", "Yangzhou", "Xuzhou", "Yancheng", "Huai'an"]
CITIES = np.array(
    [
        [289.82, 6213.45, 10321.37],
        [154.13, 6624.06, 7073.88],
        [196.44, 11100.91, 11420.11],
        [527.54, 5134.21, 5071.48],
        [336.52, 3117.29, 3244.42],
        [781.56, 3268.68, 4069.35],
        [807.85, 2797.13, 3524.39],
        [467.34, 1888.37, 2319.60],
    ]
)
SOUTH = [0, 1, 2]  # 苏南
MIDDLE = [3, 4]  # 苏中
NORTH = [5, 6, 7]  # 苏北


def _fmt(row: np.ndarray) -> list[float]:
    return [round(float(v), 2) for v in row]


def jiangsu_grid() -> list[list[object]]:
    """Title, 单位 line, 3-row header (Chinese, unit, English), two label columns,
    全省 first, 苏南/苏中/苏北 subtotals before their cities, two footnote rows."""
    total = CITIES.sum(axis=0)
    grid: list[list[object]] = [
        ["表 2-5  各市地区生产总值（2022年）", None, None, None, None],
        [None, None, None, None, "单位：亿元"],
        ["地区", None, "第一产业", "第二产业", "第三产业"],
        [None, None, "(亿元)", "(亿元)", "(亿元)"],
        ["Region", None, "Primary Industry", "Secondary Industry", "Tertiary Industry"],
        ["全    省", "Jiangsu", *_fmt(total)],
    ]
    for name, rows in (("苏南", SOUTH), ("苏中", MIDDLE), ("苏北", NORTH)):
        grid.append([name, f"{name} area", *_fmt(CITIES[rows].sum(axis=0))])
        for i in rows:
            grid.append([CITY_NAMES[i], CITY_EN[i], *_fmt(CITIES[i])])
    grid.append(["注：本表按当年价格计算。", None, None, None, None])
    grid.append(["资料来源：江苏省统计局。", None, None, None, None])
    return grid


def years_grid() -> list[list[object]]:
    """Years as text headers ('2012, 2013年 …), a bottom 合  计 row, one footnote mark."""
    values = CITIES[:, :1] * np.array([[1.0, 1.08, 1.15]])
    grid: list[list[object]] = [["地区", "'2020", "2021年", "2022.0"]]
    for i, name in enumerate(CITY_NAMES):
        grid.append([name, *_fmt(values[i])])
    grid[3][2] = f"{grid[3][2]}①"  # 苏州市 2021 carries a footnote mark
    grid.append(["合  计", *_fmt(values.sum(axis=0))])
    return grid


#: An indicator above three of its items, and a 合计 row (NBS 主要城市年度数据, 上海, 2019:
#: real values; the items listed are not all of the indicator's items, so the indicator
#: is more than their sum; the 合计 row is not their sum either).
REAL_ESTATE_2019 = [
    ["指标", "2019年"],
    ["房地产开发投资额(亿元)", 4231.38],
    ["房地产开发住宅投资额(亿元)", 2318.13],
    ["房地产开发办公楼投资额(亿元)", 689.36],
    ["房地产开发商业营业用房投资额(亿元)", 457.23],
    ["合计", 7696.1],
]
