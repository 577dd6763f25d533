"""``agglo microdata``: plant files → block workbook, EG/MS table and provenance sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from agglo import ellison_glaeser, maurel_sedillot
from agglo_addin.cli import main

pytest.importorskip("pyarrow")
pytest.importorskip("openpyxl")


def _plants(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counties = np.array([440106, 440104, 440305, 320583, 110105, 429004, 330782])
    return pd.DataFrame(
        {
            "county": rng.choice(counties, n).astype(float),
            "ind": rng.choice(["C13", "C26", "C39"], n),
            "emp": np.round(rng.lognormal(3, 1, n)),
            "year": rng.choice([2018, 2019], n),
        }
    )


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "plants" / "year_part"
    d.mkdir(parents=True)
    frames = []
    for i in range(3):
        df = _plants(i, 400)
        if i == 1:  # bad records: 4 missing regions, 2 negative sizes, 1 missing size
            df.loc[[0, 1, 2, 3], "county"] = np.nan
            df.loc[[10, 11], "emp"] = -5.0
            df.loc[12, "emp"] = np.nan
        df.to_parquet(d / f"part{i}.parquet", index=False)
        frames.append(df)
    return tmp_path / "plants", pd.concat(frames, ignore_index=True)


# Names of the prefecture-level units of the counties above, typed for these tests
# (110105 is a district of 北京, named as the municipality; 429004 仙桃, directly under
# 湖北, is its own prefecture-level unit).
PREFECTURES = {
    440100: "广州市",
    440300: "深圳市",
    320500: "苏州市",
    330700: "金华市",
    429004: "仙桃市",
}


@pytest.fixture
def code_list(tmp_path):
    path = tmp_path / "prefectures.csv"
    rows = "".join(f"{c},{n}\n" for c, n in PREFECTURES.items())
    path.write_text("code,name\n" + rows, encoding="utf-8")
    return path


def _read(path):
    return pd.read_excel(path, sheet_name=None, engine="openpyxl")


# dask's Parquet reader still calls reset_index(inplace=True), deprecated in pandas 3.1
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
@pytest.mark.parametrize("engine", ["pandas", "duckdb", "polars", "dask"])
def test_workbook_block_table_and_provenance(folder, tmp_path, engine, code_list):
    src, data = folder
    out = tmp_path / f"block_{engine}.xlsx"
    argv = ["microdata", str(src), "--region", "county", "--industry", "ind", "--size", "emp",
            "--region-level", "prefecture", "--region-codes", str(code_list),
            "--where", "year=2018", "--engine", engine,
            "--chunk-rows", "250", "--no-progress", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    sheets = _read(out)
    assert list(sheets) == ["规模 block", "企业数 plants", "EG_MS", "来源 provenance"]
    # what a careful statistician computes by hand from the same records
    sel = data[data["year"] == 2018]
    bad = sel["county"].isna() | ~(sel["emp"] >= 0)
    good = sel[~bad]
    from agglo import region_names

    pref = region_names(good["county"].astype(int), "prefecture", code_list=PREFECTURES)
    assert set(pref) == {"广州市", "深圳市", "苏州市", "金华市", "北京市", "仙桃市"}
    want = good.assign(pref=pref).pivot_table(
        index="pref", columns="ind", values="emp", aggfunc="sum", fill_value=0
    )
    block = sheets["规模 block"].set_index("prefecture")
    np.testing.assert_allclose(block.loc[want.index, want.columns], want, rtol=1e-12)
    counts = sheets["企业数 plants"].set_index("prefecture")
    assert counts.to_numpy().sum() == len(good)
    ref = ellison_glaeser(
        plant_sizes=good["emp"], plant_regions=pref, plant_industries=good["ind"]
    ).to_frame()
    table = sheets["EG_MS"].set_index("行业 industry")
    np.testing.assert_allclose(table["γ_EG"], ref["gamma"], rtol=1e-9, atol=1e-12)
    ms = maurel_sedillot(plant_sizes=good["emp"], plant_regions=pref, plant_industries=good["ind"])
    np.testing.assert_allclose(table["γ_MS"], ms.gamma, rtol=1e-9, atol=1e-12)
    prov = dict(sheets["来源 provenance"].values.tolist())
    assert prov["读取记录 records read (after filters)"] == len(sel)
    assert prov["剔除：地区缺失 missing region"] == int(sel["county"].isna().sum())
    assert prov["剔除：规模为负 negative size"] == int(
        (sel["county"].notna() & (sel["emp"] < 0)).sum()
    )
    assert prov["保留记录 records kept"] == len(good)
    assert prov["筛选 filters"] == "year = 2018"
    assert prov["地区层级 region level"] == (
        f"prefecture of the 行政区划代码: names from the code list {code_list}, then provinces: "
        "GB/T 2260 provincial level (34 units); prefectures and counties: 统计用区划代码 2023 "
        "(NBS, state on 2023-06-30)"
    )
    sources = [v for k, v in prov.items() if k.startswith("来源文件")]
    assert len(sources) == 3
    assert all(v.endswith("(400 rows)") for v in sources)


def test_csv_without_size_counts_plants(tmp_path):
    df = _plants(7, 300)
    df.to_csv(tmp_path / "p.csv", index=False)
    out = tmp_path / "o.xlsx"
    argv = ["microdata", str(tmp_path / "p.csv"), "--region", "county", "--industry", "ind",
            "--region-level", "province", "--no-progress", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    sheets = _read(out)
    assert "企业数 block" in sheets
    block = sheets["企业数 block"].set_index("province")
    assert block.to_numpy().sum() == 300
    assert set(block.index) == {"广东省", "江苏省", "北京市", "湖北省", "浙江省"}


def test_prefectures_named_without_a_code_list(tmp_path, code_list, capsys):
    df = _plants(7, 300)
    df.to_csv(tmp_path / "p.csv", index=False)
    out = tmp_path / "o.xlsx"
    argv = ["microdata", str(tmp_path / "p.csv"), "--region", "county", "--industry", "ind",
            "--region-level", "prefecture", "--no-progress", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    sheets = _read(out)
    block = sheets["企业数 block"].set_index("prefecture")
    # the shipped 2023 codes: 110105 is a district of 北京, 429004 仙桃 is directly under 湖北
    assert set(block.index) == {"广州市", "深圳市", "苏州市", "金华市", "北京市", "仙桃市"}
    assert block.to_numpy().sum() == 300
    want = (df["county"] // 100 == 4401).sum()
    assert block.loc["广州市"].sum() == want
    prov = dict(sheets["来源 provenance"].values.tolist())
    assert prov["地区层级 region level"] == (
        "prefecture of the 行政区划代码: names from provinces: GB/T 2260 provincial level "
        "(34 units); prefectures and counties: 统计用区划代码 2023 (NBS, state on 2023-06-30)"
    )
    # a list's names take precedence; a list without the level, or that does not exist
    short = tmp_path / "short.csv"
    short.write_text("code,name\n440100,广州\n", encoding="utf-8")
    assert main([*argv[:-2], "--region-codes", str(short), "--out", str(out)]) == 0
    named = _read(out)["企业数 block"].set_index("prefecture")
    assert named.loc["广州"].sum() == want
    assert "广州市" not in named.index
    no_level = [a for a in argv if a not in ("--region-level", "prefecture")]
    assert main([*no_level, "--region-codes", str(code_list)]) == 2
    assert "--region-codes 须与 --region-level 一起使用" in capsys.readouterr().err
    assert main([*argv, "--region-codes", str(tmp_path / "none.csv")]) == 2
    assert "找不到代码表" in capsys.readouterr().err
    # codes retired before 2023 (莱芜市 371200, merged into 济南 in 2019): refused, counted,
    # unless a list of the data's year names them
    old = df.assign(county=np.where(df.index < 5, 371202.0, df["county"]))
    old.to_csv(tmp_path / "p.csv", index=False)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert (
        "地区列 'county' 中有 1 个代码（5 条记录）的地级单位不在附带的 2023 年统计用区划代码中"
        in err
    )
    assert "371202" in err
    assert "--region-codes" in err
    laiwu = tmp_path / "laiwu.csv"
    laiwu.write_text("code,name\n371200,莱芜市\n", encoding="utf-8")
    assert main([*argv[:-2], "--region-codes", str(laiwu), "--out", str(out)]) == 0
    assert _read(out)["企业数 block"].set_index("prefecture").loc["莱芜市"].sum() == 5


def test_bad_input_messages_name_column_and_count(folder, tmp_path, capsys):
    src, _data = folder
    out = str(tmp_path / "x.xlsx")
    base = ["microdata", str(src), "--industry", "ind", "--no-progress", "--out", out]
    assert main([*base, "--region", "county", "--size", "EMP"]) == 2
    err = capsys.readouterr().err
    assert "找不到列 'EMP'" in err
    assert "Column(s) 'EMP' not found" in err
    # industry labels are not region codes: 3 codes, all 1200 records
    assert main([*base, "--region", "ind", "--region-level", "province"]) == 2
    err = capsys.readouterr().err
    assert "地区列 'ind' 中有 3 个值（1200 条记录）" in err
    text = tmp_path / "text.csv"
    pd.DataFrame({"r": ["a", "b", "c"], "k": ["x"] * 3, "emp": ["1", "二", "3"]}).to_csv(
        text, index=False
    )
    assert main(["microdata", str(text), "--region", "r", "--industry", "k", "--size", "emp",
                 "--engine", "duckdb", "--no-progress", "--out", out]) == 2  # fmt: skip
    assert "规模列 'emp' 应为数字，其中 1 个值不是数字" in capsys.readouterr().err
    assert main([*base, "--region", "county", "--where", "year"]) == 2
    assert "COL=VALUE" in capsys.readouterr().err
    assert main([*base, "--region", "county", "--where", "year=二〇一八"]) == 2
    assert "--where 列 'year' 为数字" in capsys.readouterr().err
    # a filter that keeps nothing: refused, with the count read
    assert main([*base, "--region", "county", "--where", "year=1999"]) == 2
    assert "读取 0 条" in capsys.readouterr().err
    assert main(["microdata", str(tmp_path / "none"), "--region", "r", "--industry", "k",
                 "--out", out]) == 2  # fmt: skip
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
@pytest.mark.parametrize("engine", ["pandas", "duckdb", "polars", "dask"])
def test_partition_columns_from_folder_names_can_be_filtered(tmp_path, engine):
    # a Hive-partitioned dataset: the year lives only in the folder names (year=2018/)
    for year, seed in ((2018, 1), (2019, 2)):
        d = tmp_path / "ds" / f"year={year}"
        d.mkdir(parents=True)
        _plants(seed, 150).drop(columns="year").to_parquet(d / "part0.parquet", index=False)
    out = tmp_path / "o.xlsx"
    argv = ["microdata", str(tmp_path / "ds"), "--region", "county", "--industry", "ind",
            "--where", "year=2019", "--engine", engine, "--no-progress", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    block = _read(out)["企业数 block"].set_index("county")
    want = pd.crosstab(_plants(2, 150)["county"], _plants(2, 150)["ind"])
    np.testing.assert_array_equal(block.loc[want.index, want.columns].to_numpy(), want.to_numpy())
