"""Plant records in every engine: agglo.plant_summary, agglo.aggregate, EG/MS from a frame,
administrative division codes.

Order: the REAT peer output through every engine, then agreement with the in-memory path
(1e-12) and independent recomputation (pandas crosstab), the Dask cluster, hypothesis
properties, then edge cases and errors (messages name the column and the count).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, PlantSummary, aggregate, plant_summary
from agglo.dartboard import ellison_glaeser, maurel_sedillot
from hypothesis import example, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")

REFERENCE = Path(__file__).resolve().parent / "reference"
dd = pytest.importorskip("dask.dataframe")
# "dask" here runs on the local threaded scheduler, in three partitions (its own code path:
# per-partition group-by and one reduction); the cluster has its own test below.
ENGINES = ("pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "dask")


@pytest.fixture(scope="module")
def plants() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "input_synthetic_plants.csv")


@pytest.fixture(scope="module")
def totals() -> pd.Series:
    return pd.read_csv(REFERENCE / "input_region_totals_2023.csv").set_index("region")[
        "total_employment"
    ]


@pytest.fixture(scope="module")
def reat() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "reat_ellison_glaeser_synthetic_plants.csv", index_col=0)


def _native(df: pd.DataFrame, engine: str):
    """The same records in another engine (DuckDB keeps a reference to ``df``)."""
    if engine == "pandas":
        return df
    if engine == "polars":
        return pl.from_pandas(df)
    if engine == "polars-lazy":
        return pl.from_pandas(df).lazy()
    if engine == "pyarrow":
        return pa.Table.from_pandas(df, preserve_index=False)
    if engine == "duckdb":
        con = duckdb.connect()
        con.register("plants_view", df)
        return con.sql("select * from plants_view")
    if engine == "dask":
        return dd.from_pandas(df, npartitions=3)
    raise AssertionError(engine)


def _random_plants(seed: int, n: int, n_regions: int = 25, n_ind: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "region": rng.integers(0, n_regions, n).astype(str),
            "industry": rng.choice([f"C{i:02d}" for i in range(n_ind)], n),
            "emp": np.round(rng.lognormal(3, 1.2, n)),
        }
    )


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.index) == list(b.index)
    for col in a.columns:
        np.testing.assert_allclose(a[col], b[col], rtol=1e-12, atol=1e-15, err_msg=col)


# ---------------------------------------------------------------- peer output, every engine


@pytest.mark.parametrize("engine", ENGINES)
def test_reat_values_through_every_engine(plants, totals, reat, engine):
    # REAT 3.0.3 ellison.a on the synthetic plants (tests/reference/SOURCES.md), now with
    # the group-by run inside each engine.
    res = ellison_glaeser(
        _native(plants, engine),
        region="region",
        industry="industry",
        size="employment",
        region_totals=totals,
    )
    frame = res.to_frame()
    assert list(frame.index) == ["A", "B", "C"]
    for col in ("gamma", "G", "z", "H"):
        np.testing.assert_allclose(frame[col], reat[col], rtol=1e-10, atol=1e-13, err_msg=col)
    np.testing.assert_array_equal(frame["n_plants"], reat["n_plants"])
    assert res.mode == "plant"
    assert "group-by in" in res.convention


def test_methods_md_small_example_from_a_frame():
    # methods.md §B4 [checked: REAT run]: G = 0.04388889, H = 0.2743056, gamma = −0.2804.
    df = pd.DataFrame({"e": [50, 30, 20, 10, 5, 5], "r": list("AABBCC"), "k": ["x"] * 6})
    res = ellison_glaeser(
        pl.from_pandas(df), region="r", industry="k", size="e",
        region_totals={"A": 1000, "B": 600, "C": 400},
    )  # fmt: skip
    assert res.G["x"] == pytest.approx(0.04388889, abs=1e-8)
    assert res.H["x"] == pytest.approx(0.2743056, abs=1e-7)
    assert res.gamma["x"] == pytest.approx(-0.2804, abs=1e-4)
    ms = maurel_sedillot(df, region="r", industry="k", size="e", region_totals=res_totals())
    assert ms.G["x"] == pytest.approx(0.21595, abs=1e-6)
    assert ms.gamma["x"] == pytest.approx(-0.080414, abs=1e-6)


def res_totals() -> dict:
    return {"A": 1000, "B": 600, "C": 400}


# ---------------------------------------------- agreement with the in-memory path (1e-12)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("func", [ellison_glaeser, maurel_sedillot])
def test_frame_path_equals_array_path(engine, func):
    df = _random_plants(1, 20_000)
    ref = func(plant_sizes=df["emp"], plant_regions=df["region"], plant_industries=df["industry"])
    got = func(_native(df, engine), region="region", industry="industry", size="emp")
    _assert_same(got.to_frame(), ref.to_frame())
    assert got.sum_x2 == pytest.approx(ref.sum_x2, rel=1e-14)


def test_frame_path_equals_array_path_with_totals_and_sparse_layout(monkeypatch, totals, plants):
    import agglo.dartboard as eg

    ref = ellison_glaeser(
        plant_sizes=plants["employment"],
        plant_regions=plants["region"],
        plant_industries=plants["industry"],
        region_totals=totals,
    ).to_frame()
    monkeypatch.setattr(eg, "_DENSE_EXTRA_CELLS", -(10**9))  # force the sparse layout
    got = ellison_glaeser(
        plants, region="region", industry="industry", size="employment", region_totals=totals
    ).to_frame()
    _assert_same(got, ref)


@pytest.mark.parametrize("engine", ENGINES)
def test_aggregate_equals_pandas_crosstab(engine):
    df = _random_plants(2, 5_000)
    counts = aggregate(_native(df, engine), "region", "industry")
    sums = aggregate(_native(df, engine), "region", "industry", "emp")
    want_counts = pd.crosstab(df["region"], df["industry"])
    want_sums = df.pivot_table(index="region", columns="industry", values="emp", aggfunc="sum")
    # Dask turns text columns into its Arrow-backed string dtype: same labels, other dtype.
    label_dtype = engine != "dask"
    pd.testing.assert_frame_equal(
        counts, want_counts, check_names=False, check_dtype=False, check_index_type=label_dtype,
        check_column_type=label_dtype,
    )  # fmt: skip
    pd.testing.assert_frame_equal(
        sums, want_sums.fillna(0.0), check_names=False, check_index_type=label_dtype,
        check_column_type=label_dtype,
    )  # fmt: skip
    assert counts.index.name == "region"
    assert counts.columns.name == "industry"
    assert counts.to_numpy().sum() == len(df)
    # the block feeds every agglo function
    lq = agglo.location_quotient(sums)
    assert lq.shape == sums.shape


def test_summaries_of_chunks_add_up_to_the_whole():
    df = _random_plants(3, 9_000)
    whole = plant_summary(df, size="emp")
    parts = [plant_summary(df.iloc[i : i + 2_000], size="emp") for i in range(0, len(df), 2_000)]
    combined = PlantSummary.combine(parts)
    pd.testing.assert_frame_equal(combined.cells, whole.cells, rtol=1e-13)
    assert combined.rows == whole.rows == len(df)
    ref = ellison_glaeser(df, region="region", industry="industry", size="emp").to_frame()
    _assert_same(ellison_glaeser(combined).to_frame(), ref)


# ---------------------------------------------------------------------- Dask on a cluster


def test_dask_local_cluster_with_partitions_generated_on_the_workers():
    distributed = pytest.importorskip("distributed")

    def part(i: int) -> pd.DataFrame:  # each partition is generated where it is computed
        return _random_plants(100 + i, 4_000)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        )
    with cluster, distributed.Client(cluster):
        ddf = dd.from_map(part, range(6), meta=part(0).iloc[:0])
        res = ellison_glaeser(ddf, region="region", industry="industry", size="emp")
        block = aggregate(ddf, "region", "industry", "emp")
        ms = maurel_sedillot(ddf, region="region", industry="industry", size="emp")
    local = pd.concat([part(i) for i in range(6)], ignore_index=True)
    ref = ellison_glaeser(
        plant_sizes=local["emp"], plant_regions=local["region"], plant_industries=local["industry"]
    )
    _assert_same(res.to_frame(), ref.to_frame())
    _assert_same(
        ms.to_frame(),
        maurel_sedillot(
            plant_sizes=local["emp"],
            plant_regions=local["region"],
            plant_industries=local["industry"],
        ).to_frame(),
    )
    np.testing.assert_allclose(
        block.to_numpy(),
        local.pivot_table(index="region", columns="industry", values="emp", aggfunc="sum")
        .fillna(0)
        .to_numpy(),
        rtol=1e-12,
    )
    assert "dask" in res.convention


@pytest.mark.parametrize("size", ["emp", None])
@pytest.mark.parametrize("industry", ["industry", None, "region"])
def test_dask_partition_sums_equal_the_pandas_summary(size, industry):
    df = _random_plants(7, 3_000)
    df.loc[::17, "region"] = None
    df.loc[::23, "industry"] = None
    df.loc[::29, "emp"] = np.nan
    df.loc[::31, "emp"] = -1.0
    df.loc[::37, "emp"] = 0.0
    want = plant_summary(df, "region", industry, size)
    # 19 partitions: the tree adds 8 partial tables at a time, then the 3 sums of those
    got = plant_summary(dd.from_pandas(df, npartitions=19), "region", industry, size)
    assert (got.rows, got.dropped) == (want.rows, want.dropped)
    assert want.dropped["missing_region"] > 0
    assert got.cells[["region", "industry"]].astype(str).values.tolist() == (
        want.cells[["region", "industry"]].astype(str).values.tolist()
    )
    for col in ["plants", "positive", "total", "sum_sq", "sum_4"]:
        np.testing.assert_allclose(got.cells[col], want.cells[col], rtol=1e-12, err_msg=col)
    assert got.engine == "dask"
    assert "per partition" in got.convention


def test_dask_empty_partitions_add_nothing():
    df = _random_plants(3, 1_000)
    ddf = dd.from_pandas(df, npartitions=5)
    none = ddf[ddf["emp"] < 0]  # five empty partitions
    got = plant_summary(dd.concat([none, ddf]), "region", "industry", "emp")
    want = plant_summary(df, "region", "industry", "emp")
    assert got.rows == want.rows == 1_000
    np.testing.assert_allclose(got.cells["sum_sq"], want.cells["sum_sq"], rtol=1e-12)
    empty = plant_summary(none, "region", "industry", "emp")
    assert (empty.rows, len(empty.cells)) == (0, 0)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 300),
    cut=st.integers(1, 299),
)
def test_any_split_into_two_summaries_gives_the_same_result(seed, n, cut):
    df = _random_plants(seed, n, n_regions=5, n_ind=3)
    cut = min(cut, n - 1)
    a, b = plant_summary(df.iloc[:cut], size="emp"), plant_summary(df.iloc[cut:], size="emp")
    both = PlantSummary.combine([a, b])
    whole = plant_summary(df, size="emp")
    pd.testing.assert_frame_equal(both.cells, whole.cells, rtol=1e-12)
    block = aggregate(both, "region", "industry", "emp")
    assert block.to_numpy().sum() == pytest.approx(df["emp"].sum(), rel=1e-12)


# ------------------------------------------------------------------- region codes (行政区划)


# A small code list, typed for these tests (names of the units below the province).
CODE_LIST = {
    440100: "广州市",
    440104: "越秀区",
    440106: "天河区",
    440300: "深圳市",
    440305: "南山区",
    320500: "苏州市",
    320583: "昆山市",
    429004: "仙桃市",
    110105: "朝阳区",
}


def test_region_codes_shipped_provinces():
    t = agglo.region_codes("province").set_index("code")
    assert len(t) == 34
    assert (t["level"] == "province").all()
    cols = ["name", "short_name", "name_en"]
    assert t.loc[440000, cols].tolist() == ["广东省", "广东", "Guangdong"]
    assert t.loc[110000, cols].tolist() == ["北京市", "北京", "Beijing"]
    assert t.loc[820000, "name"] == "澳门特别行政区"
    assert pd.isna(t.loc[500000, "prefecture_code"])
    assert t.index.is_unique
    assert (t.index % 10000 == 0).all()
    # 4 municipalities, 5 autonomous regions, 2 special administrative regions, 23 provinces
    kinds = t["name"].str.extract(r"(市|自治区|特别行政区|省)$")[0].value_counts()
    assert kinds.to_dict() == {"省": 23, "自治区": 5, "市": 4, "特别行政区": 2}
    # the 31 mainland provinces agree with the province table shipped for maps
    mainland = agglo.load_dataset("china_provinces").set_index("code")
    got = t.loc[mainland.index * 10000]
    assert got["short_name"].tolist() == mainland["province"].tolist()
    assert got["name_en"].tolist() == mainland["name_en"].tolist()
    assert (t["source"] == "GB/T 2260").all()
    assert agglo.REGION_CODES_VINTAGE == (
        "provinces: GB/T 2260 provincial level (34 units); prefectures and counties: "
        "统计用区划代码 2023 (NBS, state on 2023-06-30)"
    )


def test_region_codes_with_a_code_list(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "code,name\n" + "".join(f"{c},{n}\n" for c, n in CODE_LIST.items()), encoding="utf-8"
    )
    frame = pd.DataFrame({"code": list(CODE_LIST), "name": list(CODE_LIST.values())})
    shipped = agglo.region_codes()
    for listed in (path, str(path), frame, pd.Series(CODE_LIST), CODE_LIST):
        t = agglo.region_codes(code_list=listed).set_index("code")
        # the list's names take precedence; its codes are all in the 2023 table
        assert len(t) == len(shipped) == 34 + 333 + 2975
        assert set(t.index[t["source"] == "code_list"]) == set(CODE_LIST)
        assert t.loc[440106, ["name", "level", "prefecture", "province"]].tolist() == [
            "天河区",
            "county",
            "广州市",
            "广东省",
        ]
        assert t.loc[440300, ["level", "province"]].tolist() == ["prefecture", "广东省"]
        # districts of a municipality belong to it; 省直辖县级 units are their own prefecture
        assert t.loc[110105, "prefecture"] == "北京市"
        assert t.loc[429004, ["prefecture", "province"]].tolist() == ["仙桃市", "湖北省"]
    # a list of another year extends the shipped table (371200 莱芜市 was retired in 2019)
    old = agglo.region_codes("prefecture", code_list={371200: "莱芜市"})
    assert len(old) == 333 + 1
    assert old.set_index("code").loc[371200, ["source", "province"]].tolist() == [
        "code_list",
        "山东省",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n440100,广州市\n4401,越秀\n", encoding="utf-8")
    with pytest.raises(AggloValueError, match=r"^代码表中有 1 行.*'4401'"):
        agglo.region_codes(code_list=bad)
    two = pd.DataFrame({"c": [440100, 440100], "n": ["广州市", "广州"]})
    with pytest.raises(AggloValueError, match=r"^代码表中有 1 个代码对应不同名称.*440100"):
        agglo.region_codes(code_list=two)
    with pytest.raises(AggloValueError, match=r"^'code_list' 中有 1 个值.*990100"):
        agglo.region_codes(code_list={990100: "某市"})


def test_region_names_accepts_ints_texts_and_statistical_codes():
    codes = [440106, "440106", "440106001000", 320583.0, "110105"]
    got = agglo.region_names(codes, "prefecture", code_list=CODE_LIST)
    assert got.tolist() == ["广州市", "广州市", "广州市", "苏州市", "北京市"]
    assert agglo.region_names(["320583"], "county", code_list=CODE_LIST).tolist() == ["昆山市"]
    # without a list, the shipped 2023 names
    assert agglo.region_names(codes, "province").tolist() == ["广东省"] * 3 + ["江苏省", "北京市"]
    shipped = agglo.region_names(codes, "prefecture").tolist()
    assert shipped == ["广州市"] * 3 + ["苏州市", "北京市"]
    assert agglo.region_names([429004, 440305], "county").tolist() == ["仙桃市", "南山区"]
    assert agglo.region_names([429004], "prefecture").tolist() == ["仙桃市"]


def test_region_names_refuses_unknown_codes_and_levels_above():
    with pytest.raises(AggloValueError, match=r"^'code' 中有 2 个值.*999999.*2 value\(s\)"):
        agglo.region_names([440106, 999999, "999999"], name="code")
    with pytest.raises(AggloValueError, match=r"^'codes' 中有 1 个值.*'abc'"):
        agglo.region_names([440106, "abc"])
    with pytest.raises(AggloValueError, match="高于所求层级"):
        agglo.region_names([440000], "prefecture")
    # 371202 莱城区 and 371203 钢城区 of 莱芜市, retired in 2019 (now 370116, 370117 of 济南)
    with pytest.raises(
        AggloValueError,
        match=r"^'codes' 中有 2 个代码的地级单位不在附带的 2023 年统计用区划代码及所给代码表中.*371202",
    ):
        agglo.region_names([371202, 440106, 371203], code_list=CODE_LIST)


def test_aggregate_by_prefecture_from_county_codes():
    df = pd.DataFrame(
        {
            "code": [440106, 440104, 440305, 110105, 429004, 440106],
            "ind": ["C13", "C13", "C39", "C39", "C13", "C39"],
            "emp": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        }
    )
    block = aggregate(
        pl.from_pandas(df), "code", "ind", "emp", region_level="prefecture", code_list=CODE_LIST
    )
    assert sorted(block.index) == sorted(["仙桃市", "北京市", "广州市", "深圳市"])
    assert block.loc["广州市"].tolist() == [30.0, 60.0]
    assert block.loc["深圳市"].tolist() == [0.0, 30.0]
    assert block.loc["仙桃市"].tolist() == [50.0, 0.0]
    assert block.loc["北京市"].tolist() == [0.0, 40.0]
    # without a list, the shipped 2023 names, and the summary says so
    shipped = aggregate(df, "code", "ind", "emp", region_level="prefecture")
    pd.testing.assert_frame_equal(shipped, block.sort_index())
    s = plant_summary(df, "code", "ind", "emp", region_level="prefecture")
    assert "prefecture names (provinces: GB/T 2260" in s.convention
    assert "统计用区划代码 2023" in s.convention
    named = plant_summary(df, "code", "ind", "emp", region_level="county", code_list=CODE_LIST)
    assert "county names from the code list given" in named.convention
    assert set(named.cells["region"]) == {"天河区", "越秀区", "南山区", "朝阳区", "仙桃市"}
    prov = aggregate(df, "code", "ind", region_level="province")
    assert prov.loc["广东省"].tolist() == [2, 2]
    assert prov.loc["湖北省"].tolist() == [1, 0]
    res = ellison_glaeser(df, region="code", industry="ind", size="emp", region_level="province")
    assert "province names" in res.convention
    # a summary of the codes, levelled afterwards, gives the same
    s = plant_summary(df, "code", "ind", "emp")
    again = ellison_glaeser(s, region_level="province")
    _assert_same(again.to_frame(), res.to_frame())
    pd.testing.assert_frame_equal(
        aggregate(s, "code", "ind", region_level="province"), prov, check_dtype=False
    )
    direct = plant_summary(df, "code", "ind", "emp", region_level="prefecture", code_list=CODE_LIST)
    pd.testing.assert_frame_equal(s.at_level("prefecture", CODE_LIST).cells, direct.cells)
    with pytest.raises(AggloValueError, match="already province names"):
        s.at_level("province").at_level("prefecture")
    bad = df.assign(code=[440106, 991111, 772222, 110105, 429004, 991111])
    with pytest.raises(AggloValueError, match=r"^地区列 'code' 中有 2 个值（3 条记录）.*991111"):
        aggregate(bad, "code", "ind", region_level="prefecture")
    # a unit in neither table is refused, counting codes and records
    gap = df.assign(code=[440106, 371202, 371202, 110105, 371203, 440106])
    with pytest.raises(
        AggloValueError, match=r"^地区列 'code' 中有 2 个代码（3 条记录）的地级单位不在"
    ):
        aggregate(gap, "code", "ind", region_level="prefecture", code_list=CODE_LIST)
    fixed = aggregate(gap, "code", "ind", region_level="prefecture", code_list={371200: "莱芜市"})
    assert fixed.loc["莱芜市"].tolist() == [2, 1]  # C13: rows 1 and 4; C39: row 2


# -------------------------------------------------------------------- errors and edge cases


def test_missing_column_names_it_and_lists_the_columns(plants):
    with pytest.raises(AggloValueError, match=r"^找不到规模列 'emp'.*Column 'emp' \('size'\)"):
        ellison_glaeser(plants, region="region", industry="industry", size="emp")
    with pytest.raises(AggloValueError, match="找不到地区列 '地区'"):
        aggregate(pl.from_pandas(plants), "地区", "industry")


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_text_sizes_name_the_column_and_the_count(engine):
    df = pd.DataFrame(
        {"region": ["a", "b", "c"], "industry": ["x"] * 3, "emp": ["12", "三", "n/a"]}
    )
    with pytest.raises(AggloValueError, match=r"^规模列 'emp' 应为数字，其中 2 个值不是数字"):
        aggregate(_native(df, engine), value="emp")


@pytest.mark.parametrize("engine", ENGINES)
def test_invalid_records_raise_with_column_and_count_or_are_recorded(engine):
    df = pd.DataFrame(
        {
            "region": ["a", None, "b", "b", None, "a"],
            "industry": ["x", "x", None, "y", "y", "x"],
            "emp": [1.0, 2.0, 3.0, -4.0, np.nan, np.nan],
        }
    )
    with pytest.raises(AggloValueError, match=r"^列 'region' 有 2 条记录地区缺失（共 6 条）"):
        ellison_glaeser(_native(df, engine), region="region", industry="industry", size="emp")
    s = plant_summary(_native(df, engine), size="emp")
    assert s.dropped == {
        "missing_region": 2,
        "missing_industry": 1,
        "missing_size": 1,
        "negative_size": 1,
    }
    assert s.rows == 6
    assert s.kept == 1
    assert s.cells[["region", "industry", "plants", "total"]].values.tolist() == [
        ["a", "x", 1, 1.0]
    ]


def test_negative_size_message():
    df = pd.DataFrame({"region": ["a", "b"], "industry": ["x", "x"], "emp": [1.0, -1.0]})
    with pytest.raises(AggloValueError, match=r"列 'emp' 有 1 条记录规模为负.*negative size"):
        aggregate(df, value="emp")


def test_frame_mode_needs_all_three_columns_and_no_arrays(plants):
    with pytest.raises(AggloValueError, match=r"size"):
        ellison_glaeser(plants, region="region", industry="industry")
    with pytest.raises(AggloValueError, match="plant_sizes"):
        ellison_glaeser(
            plants, region="region", industry="industry", size="employment", plant_sizes=[1]
        )
    with pytest.raises(AggloValueError, match="no frame"):
        ellison_glaeser(region="region", industry="industry", size="employment")
    with pytest.raises(AggloValueError, match="data frame"):
        plant_summary([[1, 2]], "region")


def test_summary_keeps_its_columns_and_refuses_others(plants):
    s = plant_summary(plants, size="employment")
    assert ellison_glaeser(s).to_frame().shape == (3, 7)
    with pytest.raises(AggloValueError, match="make a new summary"):
        ellison_glaeser(s, region="region", industry="industry", size="other")
    with pytest.raises(AggloValueError, match="same columns"):
        PlantSummary.combine([s, plant_summary(plants)])


def test_summary_of_counts_and_messages_fit_255_chars(plants):
    s = plant_summary(plants)  # no size: each plant counts 1
    assert s.cells["total"].sum() == len(plants)
    assert "each plant counts 1" in s.convention
    df = pd.DataFrame({"region": [None], "industry": ["x"], "emp": [1.0]})
    with pytest.raises(AggloValueError) as err:
        aggregate(df, value="emp")
    msg = str(err.value)
    assert re.match(r"^[^\x00-\x7f]", msg)  # Chinese first
    assert "'region'" in msg[:255]
    assert "1" in msg[:255]


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.sampled_from([0.0, 1.0, 2.5, 7.0, 40.0, 1e3]), min_size=3, max_size=60),
    seed=st.integers(0, 1_000),
)
@example(sizes=[1000.0, 1000.0, 0.0, 1.0], seed=800)  # Var(G) ~ 1e-7: ill-conditioned z
@example(sizes=[0.0, 0.0, 0.0], seed=0)  # nothing to share out
def test_frame_equals_arrays_with_zero_sizes_and_few_plants(sizes, seed):
    rng = np.random.default_rng(seed)
    n = len(sizes)
    df = pd.DataFrame(
        {"r": rng.choice(["甲", "乙", "丙"], n), "k": rng.choice(["x", "y"], n), "e": sizes}
    )
    if sum(sizes) == 0:  # nothing to share out: both paths refuse
        with pytest.raises(AggloValueError, match="Every plant size is 0"):
            ellison_glaeser(plant_sizes=df["e"], plant_regions=df["r"])
        with pytest.raises(AggloValueError, match="Every plant size is 0"):
            ellison_glaeser(df, region="r", industry="k", size="e")
        return
    ref = ellison_glaeser(plant_sizes=df["e"], plant_regions=df["r"], plant_industries=df["k"])
    got = ellison_glaeser(pl.from_pandas(df), region="r", industry="k", size="e")
    a, b = got.to_frame(), ref.to_frame()
    assert list(a.index) == list(b.index)
    for col in ("gamma", "G", "H", "n_plants", "industry_total"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-12, atol=1e-12, err_msg=col)
    # Var(G) = 2{H²(Σx² − 2Σx³ + (Σx²)²) − Σz⁴(...)} is a difference of terms of order 1;
    # with one plant in two near-equal regions it is ~1e-7, so rounding at 1e-16 in H or
    # Σz⁴ moves it (and z) by ~1e-10 relative.  Both agree to 1e-12 absolutely, and so
    # does z's numerator G − (1 − Σx²)H.
    np.testing.assert_allclose(a["var_G"], b["var_G"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        a["z"] * np.sqrt(a["var_G"]), b["z"] * np.sqrt(b["var_G"]), rtol=1e-12, atol=1e-12
    )


def test_region_names_province_part_of_every_code():
    # every code maps to the province named by its first two digits, at any level
    provinces = agglo.region_codes("province").set_index("code")["name"]
    codes = np.array([c + d for c in provinces.index for d in (0, 100, 101, 9001, 2799)])
    np.testing.assert_array_equal(
        agglo.region_names(codes, "province"), provinces.loc[codes // 10000 * 10000].to_numpy()
    )
