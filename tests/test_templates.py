"""The template workbooks in ``workbooks/``: rebuilt identically, refreshed, right, readable.

* the builder rebuilds every template with the same formulas, inputs, names, drop-downs
  and charts as the committed file (``test_rebuild_matches_committed``);
* ``agglo refresh --check`` recomputes every committed file to its cached values
  (``test_refresh_check_passes``) — together with the rebuild test this means a rebuild
  refreshed by the engine has the committed values;
* every Agglo result cached in the files equals what the ``agglo`` Python functions give
  on the bundled data (one test per template), and the published Tables 3–4 of 章立东 & 李奥 (2021)
  are reproduced by the coupling template;
* LibreOffice headless opens each file and converts it to PDF (``libreoffice`` marker).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import agglo
import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.formula import ArrayFormula

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"


def _load_builder():
    spec = importlib.util.spec_from_file_location("agglo_workbooks_build", WORKBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()
FILES = build.FILES
NUMBERS = sorted(FILES)

#: Excel built-in functions the templates may use besides the Agglo ones.
EXCEL_BUILTINS = {
    "ABS", "AND", "AVERAGE", "CHOOSE", "COUNTIF", "EXP", "IF", "INDEX", "ISNUMBER", "LN", "MATCH",
    "MAX", "SEARCH", "SUM", "SUMIF", "SUMPRODUCT",
}  # fmt: skip


class Book:
    """A committed template read twice: formulas and cached values."""

    def __init__(self, path: Path):
        self.path = path
        self.f = openpyxl.load_workbook(path)
        self.v = openpyxl.load_workbook(path, data_only=True)

    def formulas(self):
        """(sheet title, coordinate, formula text, array ref or None) of every formula."""
        for ws in self.f.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, ArrayFormula):
                        yield ws.title, c.coordinate, c.value.text, c.value.ref
                    elif isinstance(c.value, str) and c.value.startswith("="):
                        yield ws.title, c.coordinate, c.value, None

    def array(self, formula: str, sheet: str | None = None) -> np.ndarray:
        """Cached values of the (unique) array formula with exactly this text."""
        hits = [(s, r) for s, _c, t, r in self.formulas() if t == formula and r is not None]
        if sheet is not None:
            hits = [h for h in hits if h[0] == sheet]
        assert len(hits) == 1, f"{formula}: {len(hits)} array formulas found"
        s, r = hits[0]
        cells = self.v[s][r]
        return np.array([[c.value for c in row] for row in cells], dtype=object)

    def starting(self, prefix: str) -> tuple[np.ndarray, int]:
        """Cached values and first row of the unique array formula starting with prefix."""
        hits = [(s, r) for s, _c, t, r in self.formulas() if t.startswith(prefix) and r]
        assert len(hits) == 1, f"{prefix}: {len(hits)} array formulas found"
        s, r = hits[0]
        cells = self.v[s][r]
        first_row = cells[0][0].row
        return np.array([[c.value for c in row] for row in cells], dtype=object), first_row

    def value_of(self, formula: str) -> object:
        hits = [(s, c) for s, c, t, r in self.formulas() if t == formula and r is None]
        assert len(hits) == 1, f"{formula}: {len(hits)} formulas found"
        s, c = hits[0]
        return self.v[s][c].value

    def name_values(self, name: str) -> np.ndarray:
        dn = self.f.defined_names[name]
        (sheet, ref), = list(dn.destinations)  # fmt: skip
        cells = self.v[sheet][ref]
        if not isinstance(cells, tuple):
            return np.array([[cells.value]], dtype=object)
        return np.array([[c.value for c in row] for row in cells], dtype=object)


@pytest.fixture(scope="module")
def books() -> dict[int, Book]:
    return {n: Book(WORKBOOKS / FILES[n]) for n in NUMBERS}


def num(a) -> np.ndarray:
    return np.asarray(a, dtype=float)


def close(a, b, tol: float = 1e-9) -> None:
    np.testing.assert_allclose(num(a), num(b), rtol=tol, atol=tol)


def engine_ready() -> str | None:
    """None when the headless engine can be used, else the reason to skip."""
    try:
        importlib.import_module("agglo_addin.engine")
        importlib.import_module("agglo_addin.engine_cli")
    except Exception as exc:  # the engine is optional for these tests
        return f"headless engine not importable: {exc}"
    return None


# --------------------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------------------


def test_every_template_is_committed():
    assert sorted(p.name for p in WORKBOOKS.glob("*.xlsx")) == sorted(FILES.values())
    for name in FILES.values():
        assert name.isascii()


@pytest.mark.parametrize("number", NUMBERS)
def test_every_formula_has_a_cached_value_and_no_error(books, number):
    book = books[number]
    n_agglo = 0
    for sheet, coord, text, ref in book.formulas():
        names = set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", text.replace('"', " ")))
        unknown = names - EXCEL_BUILTINS - set(_registry())
        assert not unknown, f"{sheet}!{coord}: unknown functions {unknown} in {text}"
        n_agglo += bool(names & set(_registry()))
        cells = book.v[sheet][ref] if ref else ((book.v[sheet][coord],),)
        for row in cells:
            for c in row:
                assert c.value is not None or ref is not None, f"{sheet}!{coord} not cached"
                if isinstance(c.value, str):
                    assert not c.value.startswith("#"), f"{sheet}!{c.coordinate}: {c.value}"
    assert n_agglo >= 3  # live Agglo formulas, not pasted values


def _registry() -> dict:
    from agglo_addin.udfs import REGISTRY

    return REGISTRY


@pytest.mark.parametrize("number", NUMBERS)
def test_instructions_options_names_and_charts(books, number):
    book = books[number]
    ws = book.f.worksheets[0]
    assert ws.title == "说明 Instructions"
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "#NAME?" in text
    assert "agglo refresh" in text
    assert "如何换成" in text
    assert "How to replace" in text
    # option cells: drop-down lists referenced through defined names by formulas
    lists = [dv for s in book.f.worksheets for dv in s.data_validations.dataValidation
             if dv.type == "list"]  # fmt: skip
    assert lists
    formulas = " ".join(t for _s, _c, t, _r in book.formulas())
    names = list(book.f.defined_names)
    assert len(names) >= 4
    used = [n for n in names if re.search(rf"\b{re.escape(n)}\b", formulas)]
    assert len(used) >= 4
    assert sum(len(s._charts) for s in book.f.worksheets) >= 1
    assert sum(len(s.conditional_formatting) for s in book.f.worksheets) >= 1
    for s in book.f.worksheets[1:]:
        assert s.freeze_panes or s._charts or s.max_row < 30


def test_simulated_and_illustrative_data_are_labelled(books):
    def sheet_text(book, title):
        ws = book.v[title]
        return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)

    coupling = books[4]
    for title in ("数据 SIMULATED", "耦合协调 (a)"):
        assert "SIMULATED" in sheet_text(coupling, title)
    assert "RECOVERED" in sheet_text(coupling, "陶瓷集群 (b)")
    assert "ILLUSTRATIVE" in sheet_text(books[2], "EG指数 EG index")
    assert "ILLUSTRATIVE" in sheet_text(books[6], "判断矩阵 AHP")
    assert "ILLUSTRATIVE" in sheet_text(books[6], "多专家 group")
    assert "not published results" in sheet_text(books[5], "综合评价 evaluation")


def _cells(path: Path) -> dict:
    """Everything the builder decides: values of input cells, formulas, names, rules."""
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "names": {k: v.attr_text for k, v in wb.defined_names.items()}}
    for ws in wb.worksheets:
        cells = {}
        inside = set()  # cells of array results other than the anchor hold cached values
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, ArrayFormula):
                    for r in ws[c.value.ref]:
                        inside.update(x.coordinate for x in r[1:] if x.row == c.row)
                        inside.update(x.coordinate for x in r if x.row != c.row)
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, ArrayFormula):
                    v = ("array", v.ref, v.text)
                if v is not None and c.coordinate not in inside:
                    cells[c.coordinate] = (v, c.number_format)
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation
            ),  # fmt: skip
            "charts": len(ws._charts),
            "cf": sorted(str(r.sqref) for r in ws.conditional_formatting),
        }
    return out


def test_rebuild_matches_committed(tmp_path):
    paths = build.build_all(tmp_path)
    assert len(paths) == len(FILES)
    for p in paths:
        fresh, committed = _cells(p), _cells(WORKBOOKS / p.name)
        for key in committed:
            assert fresh[key] == committed[key], f"{p.name}: {key} differs from the committed file"


# --------------------------------------------------------------------------------------
# the headless engine
# --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_refresh_check_passes():
    reason = engine_ready()
    if reason:
        pytest.skip(reason)
    paths = [str(WORKBOOKS / FILES[n]) for n in NUMBERS]
    main = "import sys; from agglo_addin.cli import main; sys.exit(main())"
    cmd = [sys.executable, "-c", main, "refresh", *paths, "--check", "--json", "--no-progress",
           "--jobs", "2"]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    report = json.loads(res.stdout)
    assert report["summary"]["check_ok"] == len(paths)
    for f in report["files"]:
        assert f["status"] == "ok", f
        assert not f["problems"], f
        assert f["agglo_formulas"] >= 3


# --------------------------------------------------------------------------------------
# every Agglo cell equals the agglo result
# --------------------------------------------------------------------------------------


def _gdp(year: int, provinces) -> pd.DataFrame:
    d = agglo.load_dataset("gdp_by_sector")
    return d[d["年份"] == year].set_index("地区").loc[list(provinces)]


def test_01_location_quotient(books):
    book = books[1]
    provinces = book.name_values("PROVINCES").ravel().tolist()
    assert len(provinces) == 31
    assert provinces[0] == "北京"  # yearbook order
    assert book.name_values("LQ_FORM")[0, 0] == "ratio"
    assert book.name_values("KRUGMAN_HALVED")[0, 0] == "FALSE"
    sectors = ["第一产业", "第二产业", "第三产业"]
    for year in range(2015, 2025):
        d = _gdp(year, provinces)
        va, gdp = d[sectors].to_numpy(float), d["GDP"].to_numpy(float)
        close(book.name_values(f"VA_{year}"), va)
        nat, nat_gdp = va.sum(axis=0), gdp.sum()  # the 全国* row: sum of the provinces
        lq = agglo.location_quotient(va, gdp, nat, nat_gdp)
        close(
            book.array(f"=LQRATIO(VA_{year},GDP_{year},VA_NAT_{year},GDP_NAT_{year},LQ_FORM)"), lq
        )
        k = agglo.krugman_specialisation(va, nat)
        close(book.array(f"=KRUGMAN(VA_{year},VA_NAT_{year},KRUGMAN_HALVED)").ravel(), k)
    # a hand check of one LQ: 北京 tertiary sector 2015 (shares 20218.9/24779.1 vs national)
    d = _gdp(2015, provinces)
    tot = d[["第一产业", "第二产业", "第三产业"]].sum()
    by_hand = (20218.9 / 24779.1) / (tot["第三产业"] / d["GDP"].sum())
    lq15 = book.array("=LQRATIO(VA_2015,GDP_2015,VA_NAT_2015,GDP_NAT_2015,LQ_FORM)")
    assert lq15[0, 2] == pytest.approx(by_hand, rel=1e-12)
    # CAGR 2015 -> 2024 (9 periods) per province and sector
    d0, d1 = _gdp(2015, provinces), _gdp(2024, provinces)
    names = ",".join(f"VA_{y}" for y in range(2015, 2025))
    f = f"=CAGR(CHOOSE(CAGR_FROM-2014,{names}),CHOOSE(CAGR_TO-2014,{names}),CAGR_PERIODS)"
    close(book.array(f), agglo.cagr(d0[sectors].to_numpy(float), d1[sectors].to_numpy(float), 9))
    # the chosen province's trend rows repeat the LQ matrices
    trend = book.v["LQ趋势 trend"]
    i = provinces.index(book.name_values("SEL_PROVINCE")[0, 0])
    lq24 = book.array("=LQRATIO(VA_2024,GDP_2024,VA_NAT_2024,GDP_NAT_2024,LQ_FORM)")
    close([trend.cell(row=15, column=c).value for c in (2, 3, 4)], lq24[i])


def _employment(year: int, provinces, value: str = "就业人数") -> pd.DataFrame:
    e = agglo.load_dataset("employment_wage")
    e = e[e["年份"] == year]
    w = e.pivot(index="地区", columns="行业", values=value).loc[list(provinces)]
    return w.astype(float)


def test_02_concentration_and_eg(books):
    book = books[2]
    ws = book.v["数据"]
    provinces = [ws.cell(row=r, column=1).value for r in range(7, 38)]
    industries = book.name_values("EMP_INDUSTRIES").ravel().tolist()
    firms = num(book.name_values("FIRMS")).ravel()
    assert (firms == 1000).all()  # the labelled placeholder
    for year in (2014, 2018, 2023):
        e = _employment(year, provinces)[industries].to_numpy()
        close(book.name_values(f"EMP_{year}"), e)
        close(book.array(f"=HHI(EMP_{year})").ravel(), agglo.hhi(e))
        close(book.array(f"=HHI(EMP_{year},TRUE)").ravel(), agglo.hhi(e, normalized=True))
        close(book.array(f"=CRN(EMP_{year},CR_N)").ravel(), agglo.concentration_ratio(e, 4))
        close(book.array(f"=SPATIALGINI(EMP_{year})").ravel(), agglo.spatial_gini(e))
        close(book.array(f'=LOCGINI(EMP_{year},"",LOCGINI_HALVED)').ravel(),
              agglo.locational_gini(e))  # fmt: skip
        eg = agglo.ellison_glaeser(e, firm_counts=firms)
        tab = book.array(f"=EGINDEX(EMPL_{year},FIRMS)")
        assert "1/N" in tab[0, 0]  # the header names the H approximation
        assert tab[1:, 0].tolist() == industries
        close(tab[1:, 1], eg.gamma)
        close(tab[1:, 3], np.full(len(industries), 1 / 1000))
        ms = agglo.maurel_sedillot(e, firm_counts=firms)
        close(book.array(f"=MSINDEX(EMPL_{year},FIRMS)")[1:, 1], ms.gamma)
    # macro regions: SUMIF totals, shares and LQ of the 4 × 8 block (2023 is the last block)
    e = _employment(2023, provinces)[industries]
    region = agglo.load_dataset("employment_wage").groupby("地区")["区域"].first()
    agg = e.groupby(region.loc[e.index].to_numpy()).sum().loc[["东部", "中部", "西部", "东北"]]
    mr = book.v["四大区域 regions"]
    r0 = 5 + 9 * 4
    got = [[mr.cell(row=r0 + q, column=3 + j).value for j in range(8)] for q in range(4)]
    close(got, agg.to_numpy())
    lq_hits = [r for _s, _c, t, r in book.formulas() if t.startswith("=LQRATIO(") and r]
    last = mr[sorted(lq_hits, key=lambda r: int(re.findall(r"\d+", r)[0]))[-1]]
    close([[c.value for c in row] for row in last], agglo.location_quotient(agg.to_numpy()))


def test_03_agglomeration_competitiveness(books):
    book = books[3]
    lq = num(book.array("=LQRATIO(EMP_2023)"))
    provinces = [book.v["区位熵矩阵 LQ"].cell(row=4 + i, column=1).value for i in range(31)]
    industries = book.name_values("EMP_INDUSTRIES").ravel().tolist()
    e = _employment(2023, provinces)[industries].to_numpy()
    close(lq, agglo.location_quotient(e))
    ind = book.name_values("SEL_INDUSTRY")[0, 0]
    j = industries.index(ind)
    wage = _employment(2023, provinces, "平均工资")[industries].to_numpy()[:, j] / 10000
    x, y = lq[:, j], wage
    close(book.name_values("X_LQ").ravel(), x)
    close(book.name_values("Y_COMPETITIVENESS").ravel(), y)
    corr = agglo.correlation(x, y)
    tab = book.array("=CORRTEST(X_LQ,Y_COMPETITIVENESS,CORR_METHOD)")
    close(tab[1, :3], [corr.r, corr.p_value, 31])
    ols = agglo.ols(y, x)
    otab = book.array("=OLS(Y_COMPETITIVENESS,X_LQ)")
    close(otab[1:3, 1:5].astype(float), ols.table.iloc[:, :4].to_numpy())
    r2 = dict(zip(otab[:, 0], otab[:, 1], strict=True))["R²"]
    assert r2 == pytest.approx(ols.r_squared, rel=1e-9)
    # the slope by hand (covariance / variance)
    assert otab[2, 1] == pytest.approx(np.cov(x, y)[0, 1] / np.var(x, ddof=1), rel=1e-9)


def test_04_coupling_simulated(books):
    book = books[4]
    dev = agglo.load_dataset("development_SIMULATED")
    sys1 = [
        "R_D投入强度",
        "高新技术企业数",
        "专利授权量",
        "GDP总量",
        "人均可支配收入",
        "产业结构高级化",
    ]
    sys2 = ["空气质量优良率", "单位GDP能耗", "绿地覆盖率"]
    d1, d2 = ["+"] * 6, ["+", "-", "+"]
    close(book.name_values("SYS1_TABLE")[1:], dev[sys1].to_numpy(float))
    assert book.name_values("SYS2_DIR").ravel().tolist() == d2
    e1 = agglo.entropy_weights(dev[sys1].to_numpy(float), d1)
    e2 = agglo.entropy_weights(dev[sys2].to_numpy(float), d2)
    t1 = book.array("=ENTROPY(SYS1_TABLE,SYS1_DIR,ENT_NORM,ENT_ZERO)")
    assert t1[1:, 0].tolist() == sys1
    close(t1[1:, 1:].astype(float), np.column_stack([e1.entropy, e1.divergence, e1.weights]))
    close(book.array("=ENTROPY(SYS2_TABLE,SYS2_DIR,ENT_NORM,ENT_ZERO)")[1:, 3], e2.weights)
    u = num(book.name_values("U_SCORES"))
    close(u, np.column_stack([e1.scores, e2.scores]))
    res = agglo.coupling_coordination(u[:, 0], u[:, 1], weights=[0.5, 0.5])
    ctd = book.array("=CTD(U_SCORES,CPL_WEIGHTS,CPL_METHOD)")
    assert ctd[0, 0].startswith("C [standard")
    close(ctd[1:].astype(float), np.column_stack([res.C, res.T, res.D]))
    levels, _ = book.starting("=COORDLEVEL('耦合协调 (a)'!")
    assert levels.ravel().tolist() == list(agglo.coordination_level(res.D))
    lag, _ = book.starting("=LEADLAG('耦合协调 (a)'!")
    assert lag.ravel().tolist() == list(agglo.lead_lag(u[:, 0], u[:, 1], 0.1))


def test_04_ceramics_tables_3_and_4_reproduced(books):
    book = books[4]
    hqd = agglo.load_dataset("ceramic_cities").set_index("城市")
    close(book.name_values("P3_HQD"), hqd.to_numpy(float))
    assert book.name_values("P3_SYSTEM")[0, 0] == "区域经济高质量发展指数"
    assert book.name_values("P3_EXPONENT")[0, 0] == 5
    cluster = num(book.name_values("P3_CLUSTER")).ravel()
    u1 = agglo.rescale(cluster, 50, 100)
    u2 = agglo.rescale(hqd["区域经济高质量发展指数"].to_numpy(float), 50, 100)
    res = agglo.coupling_coordination(u1, u2, weights=[0.5, 0.5], exponent=5)
    ctd, top = book.starting('=CTD(P3_U,P3_WEIGHTS,"standard",P3_EXPONENT)')
    close(ctd[1:].astype(float), np.column_stack([res.C, res.T, res.D]))
    # 章立东 & 李奥 (2021) [ceramics], Tables 3 and 4, last column ("集群与区域经济高质量发展"), as printed
    # (4 decimals): exponent 5, weights 0.5/0.5, scores rescaled from 50–100.
    published_c = [0.7220, 0.9999, 0.5038, 0.8335, 0.1435, 0.8153,
                   0.9259, 0.9997, 0.9443, 0.0654, 0.9589, 0.9357]  # fmt: skip
    published_d = [0.5425, 0.8951, 0.3872, 0.5972, 0.1482, 0.5194,
                   0.5933, 0.8786, 0.6770, 0.1463, 0.6897, 0.7421]  # fmt: skip
    assert hqd.index.tolist()[:3] == ["潮州", "佛山", "邯郸"]
    np.testing.assert_allclose(ctd[1:, 0].astype(float), published_c, atol=1e-3)
    np.testing.assert_allclose(ctd[1:, 2].astype(float), published_d, atol=5e-4)
    # the sheet's own comparison columns hold the same published numbers
    ps = book.v["陶瓷集群 (b)"]
    close([ps.cell(row=top + 1 + i, column=12).value for i in range(12)], published_c)
    close([ps.cell(row=top + 1 + i, column=13).value for i in range(12)], published_d)
    stage, _ = book.starting("=COUPLINGSTAGE(")
    assert stage.ravel().tolist() == list(agglo.coupling_stage(res.C, "zhang2021-C", closed="left"))
    level, _ = book.starting("=COORDLEVEL('陶瓷集群 (b)'!")
    assert level.ravel().tolist() == list(
        agglo.coordination_level(res.D, "zhang2021-D", closed="left")
    )
    # '+'/'-' marks where the paper prints them (C < 0.5): 宜昌 lagging, 乐山 lagging
    signs = {ps.cell(row=top + 1 + i, column=1).value: ps.cell(row=top + 1 + i, column=11).value
             for i in range(12)}  # fmt: skip
    assert signs["宜昌"] == "-"
    assert signs["乐山"] == "-"


def test_05_central_cities(books):
    book = books[5]
    innov = agglo.load_dataset("central_cities_innovation").set_index("城市")
    scale = agglo.load_dataset("central_cities_scale").set_index("城市")
    x = innov.drop(columns="城市发展潜力").to_numpy(float)
    ent = agglo.entropy_weights(x)
    tab = book.array("=ENTROPY(INNOV_TABLE,INNOV_DIR,ENT_NORM)")
    close(tab[1:, 3], ent.weights)
    w = ent.weights
    top = agglo.topsis(x, weights=w)
    close(book.array("=TOPSIS(INNOV_TABLE,INNOV_WEIGHTS,INNOV_DIR,TOPSIS_NORM)").ravel(),
          top.closeness)  # fmt: skip
    close(book.array("=TOPSISRANK(INNOV_TABLE,INNOV_WEIGHTS,INNOV_DIR,TOPSIS_NORM)").ravel(),
          top.rank)  # fmt: skip
    comp = agglo.composite_index(x, w)
    close(book.array('=COMPOSITE(INNOV_TABLE,INNOV_WEIGHTS,INNOV_DIR,"minmax",100)').ravel(),
          comp.scores)  # fmt: skip
    gdp = scale["GDP_亿元"].to_numpy(float)
    close(book.array("=SHAREOF(CITY_GDP)").ravel(), gdp / gdp.sum())
    assert book.value_of("=PRIMACY(CITY_GDP,2)") == pytest.approx(11431.01 / 8223.05, rel=1e-12)
    s = np.sort(gdp)[::-1]
    assert book.value_of("=PRIMACY(CITY_GDP,4)") == pytest.approx(s[0] / s[1:4].sum(), rel=1e-12)
    close(book.array('=NORMALIZE(INNOV_TABLE,INNOV_DIR,"minmax")'), agglo.normalize(x))


def test_06_ahp(books):
    book = books[6]
    a = num(book.name_values("AHP_MATRIX"))
    np.testing.assert_allclose(a * a.T, 1.0)  # reciprocals filled by formula
    res = agglo.ahp(a)
    tab = book.array("=AHP(AHP_MATRIX,AHP_METHOD,AHP_RI)")
    assert "Saaty 1980" in tab[0, 0]
    vals = dict(zip(tab[1:, 0], tab[1:, 1], strict=True))
    close([vals[f"w{i}"] for i in range(1, 6)], res.weights)
    close([vals["lambda_max"], vals["CI"], vals["RI"], vals["CR"]],
          [res.lambda_max, res.ci, 1.12, res.cr])  # fmt: skip
    assert vals["consistent"] is True or vals["consistent"] == 1
    close(book.array("=AHPWEIGHTS(AHP_MATRIX,AHP_METHOD,AHP_RI)").ravel(), res.weights)
    # most inconsistent judgement: largest |ln(a_ij w_j / w_i)| over the upper triangle
    w = res.weights
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    i, j = np.unravel_index(np.argmax(np.triu(dev, 1)), dev.shape)
    ws = book.v["判断矩阵 AHP"]
    labels = {c.value: c.row for c in ws["A"] if isinstance(c.value, str)}
    r = labels["最不一致的判断 most inconsistent"]
    assert (ws.cell(row=r, column=2).value, ws.cell(row=r, column=3).value) == (i + 1, j + 1)
    assert ws.cell(row=r + 1, column=3).value == pytest.approx(w[i] / w[j], rel=1e-9)
    # RI reference table on the sheet: n = 3 row of the five tables (methods.md, B8:
    # Saaty 1980 0.58, Chinese table 0.52, Saaty 2005 0.52, Tummala & Ling 0.5799,
    # Donegan & Dodd 0.4914)
    r3 = next(c.row for c in ws["A"] if c.value == 3)
    close([ws.cell(row=r3, column=c).value for c in range(2, 7)],
          [0.58, 0.52, 0.52, 0.5799, 0.4914], tol=1e-4)  # fmt: skip
    # group: AIJ (element-wise geometric mean, equal expert weights) = agglo.ahp_group
    experts = [num(book.name_values(f"EXPERT{k}")) for k in (1, 2, 3)]
    group = agglo.ahp_group(experts)
    close(book.name_values("AHP_COMBINED"), group.matrix)
    gtab = book.array("=AHP(AHP_COMBINED,AHP_METHOD,AHP_RI)")
    close(gtab[1:6, 1], group.weights)
    for k, m in enumerate(experts, start=1):
        close(book.array(f"=AHP(EXPERT{k},AHP_METHOD,AHP_RI)")[1:6, 1], agglo.ahp(m).weights)


def test_07_regional_disparity(books):
    book = books[7]
    wage = num(book.name_values("WAGE"))
    emp = num(book.name_values("EMPL"))
    region = book.name_values("REGION").ravel()
    regions = agglo.load_dataset("four_regions")
    assert list(region) == list(regions["区域"])
    # the data sheet: employment-weighted average wage of the 8 industries, per province
    e = agglo.load_dataset("employment_wage")
    e23 = e[e["年份"] == 2023].assign(wb=lambda d: d["平均工资"] * d["就业人数"])
    g = e23.groupby("地区")[["wb", "就业人数"]].sum().loc[list(regions["地区"])]
    close(wage[:, -1], (g["wb"] / g["就业人数"]).round(2))
    close(emp[:, -1], g["就业人数"])
    years = list(range(2014, 2024))
    pick = "CHOOSE(YEAR-2013," + ",".join(f"WAGE_{y}" for y in years) + ")"
    pick_e = "CHOOSE(YEAR-2013," + ",".join(f"EMPL_{y}" for y in years) + ")"
    y23, p23 = wage[:, -1], emp[:, -1]
    tab = book.array(f'=THEIL({pick},"",REGION,THEIL_INDEX)')
    res = agglo.theil(y23, groups=region)
    assert list(tab[1:, 0]) == ["组间 between", "组内 东部", "组内 中部", "组内 西部", "组内 东北",
                                "总体 total"]  # fmt: skip
    close(tab[1:, 1], [res.between, *res.within_terms, res.total])
    tabw = book.array(f"=THEIL({pick},{pick_e},REGION,THEIL_INDEX)")
    assert tabw[-1, 1] == pytest.approx(agglo.theil(y23, weights=p23, groups=region).total)
    lor = num(book.array(f"=LORENZ({pick},{pick_e})")[1:])
    lc = agglo.lorenz_curve(y23, weights=p23)
    close(lor[:, 0], lc.population_share)
    close(lor[:, 1], lc.value_share)
    dag = book.array(f"=DAGUMGINI({pick},REGION)")
    d = agglo.dagum_gini(y23, region)
    close(dag[1:5, 1], [d.within, d.between, d.transvariation, d.total])
    close(dag[5:, 1], d.group_gini)
    close(num(book.array(f"=DAGUMMATRIX({pick},REGION)")[1:, 1:]), d.between_gini)
    # σ and β convergence against REAT (tests/reference/reat_disparity.csv)
    reat = pd.read_csv(ROOT / "tests" / "reference" / "reat_disparity.csv").set_index("measure")
    sig = book.array("=SIGMACONV(WAGE,0,YEARS)")
    assert list(sig[1:, 0]) == years
    assert sig[1, 5] == pytest.approx(reat.loc["sigma_sd_log_population_2014", "value"], rel=1e-6)
    beta = book.array('=BETACONV(WAGE,"",START,END,FALSE,YEARS)')
    assert beta[1, 1] == pytest.approx(reat.loc["beta_ols_2014_2023_beta", "value"], rel=1e-6)
    assert beta[4, 1] == pytest.approx(reat.loc["beta_ols_2014_2023_beta_p", "value"], rel=1e-5)
    panel = book.array('=BETACONV(WAGE,"","","",TRUE,YEARS)')
    fe = agglo.beta_convergence(wage, fixed_effects=True, years=years)
    close(num(panel[1:5, 1]), [fe.beta, fe.std_error, fe.t, fe.p])
    kd = book.array("=KDENSITY(WAGEH,KDE_BW,100)")
    assert list(kd[0, 1:]) == years
    kde = agglo.kernel_density(wage, points=100)
    close(num(kd[1:, 1:]), kde.density)
    # spatial dependence on the contiguity matrix (Hainan linked to Guangdong) and Markov
    w = agglo.china_province_weights("guangdong", "W")
    close(book.name_values("CHINA_W"), w.to_dense())
    moran = book.array(f"=MORANI({pick},CHINA_W)")
    m = agglo.moran(y23, w.to_dense(), permutations=0)
    vals = dict(zip(moran[1:, 0], moran[1:, 1], strict=True))
    assert vals["I"] == pytest.approx(m.I, rel=1e-9)
    lisa = book.array(f"=LISA({pick},CHINA_W)")
    loc = agglo.local_moran(y23, w.to_dense(), permutations=0)
    close(num(lisa[1:, 0]), loc.I)
    assert list(lisa[1:, 5]) == list(loc.quadrant)
    rel = wage / wage.mean(axis=0)
    close(book.name_values("REL_WAGE"), rel)
    mk = book.array('=MARKOV(REL_WAGE,4,"pooled")')
    chain = agglo.markov(rel, classes=4)
    close(num(mk[1:, 2:6]), chain.probabilities)
    close(num(book.array('=MARKOV(REL_WAGE,4,"pooled","counts")')[1:, 1:]), chain.counts)
    # the yearly time series on the disparity sheet equals the detail tables
    ws = book.v["差异 disparity"]
    row = next(c.row for c in ws["A"] if c.value == 2014)
    for i in range(len(years)):
        r = agglo.dagum_gini(wage[:, i], region)
        assert ws.cell(row=row + i, column=6).value == pytest.approx(r.total, rel=1e-9)
        assert ws.cell(row=row + i, column=8).value == pytest.approx(r.between, rel=1e-9)
        t = agglo.theil(wage[:, i], groups=region)
        assert ws.cell(row=row + i, column=2).value == pytest.approx(t.total, rel=1e-9)


def test_06_methods_reference_matrix():
    # methods.md B8: A = [[1,3,5],[1/3,1,3],[1/5,1/3,1]] -> eigenvector w = (0.6370, 0.2583,
    # 0.1047), λmax = 3.03851, CR = 0.0332 with Saaty's RI 0.58 — the function the AHP
    # template calls, through the same worksheet wrapper the engine evaluates.
    from agglo_addin.udfs import REGISTRY

    out = REGISTRY["AHP"]([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], "eigen", "saaty1980")
    vals = {row[0]: row[1] for row in out[1:]}
    close([vals["w1"], vals["w2"], vals["w3"]], [0.6370, 0.2583, 0.1047], tol=1e-4)
    assert vals["lambda_max"] == pytest.approx(3.03851, abs=1e-5)
    assert vals["CR"] == pytest.approx(0.0332, abs=1e-4)


# --------------------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_converts_every_template_to_pdf(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (tmp_path / "profile").as_uri()
    paths = [str(WORKBOOKS / FILES[n]) for n in NUMBERS]
    res = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *paths],  # fmt: skip
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    for n in NUMBERS:
        pdf = tmp_path / (Path(FILES[n]).stem + ".pdf")
        assert pdf.exists(), res.stdout + res.stderr
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2
