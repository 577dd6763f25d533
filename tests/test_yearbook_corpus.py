"""Real yearbook tables, the selections users make on them, and the right answer of each.

Each table listed in ``tests/data/yearbook/cases.toml`` (sources and licences:
``tests/data/yearbook/SOURCES.md``; the files are committed beside them) is put
into a workbook at its real cell positions; the formulas of its cases
(``tests/data/yearbook/cases.toml``) go on sheets of their own; the headless engine
evaluates the workbook once; every case must then be

* right: the numbers this test computes with plain numpy formulas from the region rows
  the manifest lists by label (never by calling agglo), or
* refused: an error value whose message has Chinese text within its first 255 characters
  and names a cell of the selection (A1 address) or a row/column counted from 1.

A case marked ``known_gap`` in the manifest is expected to fail for the reason given; it
fails the suite as soon as it passes, so that the marker is removed.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import tomllib
from agglo.cells import column_index, column_letter
from agglo_addin import engine, xlsx
from conftest import YEARBOOK_TABLES
from lxml import etree
from openpyxl.worksheet.formula import ArrayFormula
from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent / "data" / "yearbook"  # the manifest and sources
MANIFEST = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))
TABLES = {t["file"]: t for t in MANIFEST["table"]}
REGIONS = MANIFEST["regions"]
RTOL = 1e-9

_PHRASE = re.compile(r"[\u3400-\u9fff]{4,}")  # Chinese words, not a quoted label
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”")
_A1 = re.compile(r"(?<![A-Za-z$])\$?([A-Z]{1,3})\$?([1-9]\d{0,6})(?!\d)")
_ROWCOL = re.compile(
    r"第\s*(\d+)\s*([行列])|\b(row|column|col\.?)\s*(\d+)|\b(\d+)(?:st|nd|rd|th)\s+(row|column)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\{data\}!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


# --- the table as a grid, labels looked up as a statistician reads them -------------------


@functools.cache
def grid(file: str) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows of cell values) of the table's first sheet, as stored."""
    wb = CalamineWorkbook.from_path(str(YEARBOOK_TABLES / file))
    name = wb.sheet_names[0]
    return name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def cell(file: str, row: int, col: int) -> Any:
    rows = grid(file)[1]
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        v = rows[row - 1][col - 1]
        return None if v == "" else v
    return None


def _key(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", "", str(v))


def _labels(spec: Any) -> list[str] | str:
    if isinstance(spec, str):
        spec = REGIONS.get(spec, spec)
    return spec


def region_rows(table: dict, spec: Any = None) -> list[int]:
    """Worksheet rows of the listed labels (each must occur once), or of "rows A-B"."""
    spec = _labels(table["regions"] if spec is None else spec)
    if isinstance(spec, str):
        m = re.fullmatch(r"rows (\d+)-(\d+)", spec)
        assert m, spec
        return list(range(int(m[1]), int(m[2]) + 1))
    col = column_index(table["labels"])
    lo, hi = table.get("within", [1, len(grid(table["file"])[1])])
    found = []
    for label in spec:
        hits = [r for r in range(lo, hi + 1) if _key(cell(table["file"], r, col)) == _key(label)]
        assert len(hits) == 1, f"{table['file']}: label {label!r} found in rows {hits}"
        found.append(hits[0])
    return found


def column_of(table: dict, label: str) -> int:
    """Worksheet column of a header label (or a column letter)."""
    if re.fullmatch(r"[A-Z]{1,3}", label):
        return column_index(label)
    row = grid(table["file"])[1][table["header"] - 1]
    hits = [j + 1 for j, v in enumerate(row) if v != "" and _key(v) == _key(label)]
    assert len(hits) == 1, f"{table['file']}: header {label!r} found in columns {hits}"
    return hits[0]


def row_of(table: dict, label: str) -> int:
    return region_rows(table, [label])[0]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def number(file: str, row: int, col: int) -> float:
    v = cell(file, row, col)
    where = f"{file}!{column_letter(col)}{row}"
    assert _is_number(v), f"{where} is {v!r}, not a number: fix the manifest"
    return float(v)


# --- the expected answers: plain numpy, from the listed rows --------------------------


def block(table: dict, case: dict) -> np.ndarray:
    """Regions × columns of the listed rows and columns (a row when ``across``)."""
    f = table["file"]
    rows = region_rows(table, case.get("rows"))
    cols_spec = case["columns"]
    if isinstance(cols_spec, str):  # a label list naming the columns (a transposed table)
        cols = [column_of(table, c) for c in _labels(cols_spec)]
    else:
        cols = [column_of(table, c) for c in cols_spec]
    x = np.array([[number(f, r, c) for c in cols] for r in rows])
    return x.T if case.get("across") else x


def expected(table: dict, case: dict) -> np.ndarray:
    """The right answer as a 2-D array in the shape the worksheet function spills."""
    calc = case["calc"]
    if calc == "cagr":
        f = table["file"]

        def endpoints(spec):
            label, col = spec
            rows = region_rows(table) if label == "*" else [row_of(table, label)]
            return np.array([number(f, r, column_of(table, col)) for r in rows])

        start, end = endpoints(case["start"]), endpoints(case["end"])
        g = (end / start) ** (1.0 / case["periods"]) - 1.0
        return g.reshape(-1, 1)
    x = block(table, case)
    if calc == "hhi":
        s = x / x.sum(axis=0)
        return (s**2).sum(axis=0).reshape(1, -1)
    if calc == "crn":
        s = -np.sort(-(x / x.sum(axis=0)), axis=0)
        return s[: case["n"]].sum(axis=0).reshape(1, -1)
    if calc == "gini":
        assert x.shape[1] == 1
        y = x[:, 0]
        n = y.size
        g = np.abs(y[:, None] - y[None, :]).sum() / (2 * n**2 * y.mean())
        return np.array([[g]])
    if calc == "share":
        assert x.shape[1] == 1
        if "total" in case:
            label, col = case["total"]
            total = number(table["file"], row_of(table, label), column_of(table, col))
        else:
            total = x.sum()
        return x / total
    raise AssertionError(f"unknown calc {calc!r}")


# --- the same selections with a total, header, unit, footnote, subtotal or marker added -------
#
# The property on real numbers: adding one of these to a valid selection never
# changes the result silently.  Each variant copies the labels and values of a clean
# single-column case onto a sheet of its own, adds the row (or marker), and selects the
# labels with the values; the answer is the clean one, or a refusal naming the added cell.

_VARIANT_CALCS = ("hhi", "crn", "gini")


def _base_case(table: dict) -> dict | None:
    for case in table["case"]:
        if (case["expect"] == "value" and case.get("calc") in _VARIANT_CALCS
                and isinstance(case.get("columns"), list) and len(case["columns"]) == 1
                and not case.get("across")):  # fmt: skip
            return case
    return None


def _variant_rows(table: dict, base: dict, variant: str) -> tuple[list[list[Any]], list[int]]:
    """(rows of [label, value], 1-based rows of the added cells)."""
    f = table["file"]
    col = column_of(table, base["columns"][0])
    rows = region_rows(table, base.get("rows"))
    lab = column_index(table["labels"]) if table["labels"] else None
    body = [[cell(f, r, lab) if lab else f"第{r}行", number(f, r, col)] for r in rows]
    total = float(sum(v for _, v in body))
    header = cell(f, table["header"], col)
    year = int(re.search(r"\d{4}", _key(header))[0])
    if variant == "total_row_below":
        return [*body, ["合计", total]], [len(body) + 1]
    if variant == "spaced_total_row_above":
        return [["全    省", total], *body], [1]
    if variant == "text_year_header":
        return [["地区", f"{year}年"], *body], [1]
    if variant == "numeric_year_header":
        return [["地区", year], *body], [1]
    if variant == "unit_row":
        return [["单位：", "（亿元）"], *body], [1]
    if variant == "footnote_rows_below":
        notes = [["注：本表按当年价格计算。", None], ["数据来源：国家统计局", None]]
        return [*body, *notes], [len(body) + 1, len(body) + 2]
    if variant == "grouping_subtotal_above":
        first3 = float(sum(v for _, v in body[:3]))
        return [["东部地区", first3], *body], [1]
    if variant == "footnote_marker":
        marked = [[body[0][0], f"{body[0][1]:.15g}①"], *body[1:]]  # the published digits
        return marked, [1]
    raise AssertionError(variant)


VARIANTS = (
    "total_row_below", "spaced_total_row_above", "text_year_header", "numeric_year_header",
    "unit_row", "footnote_rows_below", "grouping_subtotal_above", "footnote_marker",
)  # fmt: skip


@functools.cache
def variant_cases(file: str) -> tuple[dict, ...]:
    table = TABLES[file]
    base = _base_case(table)
    if base is None:
        return ()
    gaps = MANIFEST.get("variant_gaps", {})
    fn = re.match(r"=(\w+)\(", base["formula"])[1]
    extra = f",{base['n']}" if base["calc"] == "crn" else ""
    out = []
    for j, variant in enumerate(VARIANTS, 1):
        rows, added = _variant_rows(table, base, variant)
        case = {**base, "id": f"{base['id']}+{variant}", "expect": "value_or_refuse",
                "formula": f"={fn}({{data}}!A1:B{len(rows)}{extra})", "sheet": f"d{j}",
                "data_rows": rows, "what": f"{base['what']}, with {variant.replace('_', ' ')}",
                "names": [f"A{r}:B{r}" for r in added]}  # fmt: skip
        case.pop("known_gap", None)
        if f"{file}|{variant}" in gaps:
            case["known_gap"] = gaps[f"{file}|{variant}"]
        out.append(case)
    return tuple(out)


def all_cases(file: str) -> list[dict]:
    return [*TABLES[file]["case"], *variant_cases(file)]


# --- one workbook and one evaluation per table ------------------------------------------


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _make_dynamic(path: Path, sheets: set[str]) -> None:
    """Store the formula at A1 of ``sheets`` as Excel 365 stores a formula that spills."""
    pkg = xlsx.read_package(path)
    parts = {s.part for s in pkg.sheets if s.name in sheets}
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in parts:
                root = etree.fromstring(data)
                for c in root.iter("{*}c"):
                    if c.get("r") == "A1":
                        c.set("cm", "1")
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, data)
    tmp.replace(path)


@functools.cache
def evaluated(file: str, folder: str) -> tuple[dict, list]:
    """Evaluate the table's workbook once: (values, problems) of the case sheets."""
    sheet, rows = grid(file)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for i, row in enumerate(rows, 1):
        for j, v in enumerate(row, 1):
            if v not in ("", None):
                ws.cell(i, j, v)
    cases = all_cases(file)
    for k, case in enumerate(cases, 1):
        target = sheet
        if "data_rows" in case:  # a variant: its own data sheet
            target = case["sheet"]
            data = wb.create_sheet(target)
            for row in case["data_rows"]:
                data.append(row)
        text = case["formula"].replace("{data}", _quoted(target))
        wb.create_sheet(f"c{k}")["A1"] = ArrayFormula("A1", text)  # a formula that spills
    path = Path(folder) / (Path(file).stem + ".xlsx")
    wb.save(path)
    _make_dynamic(path, {f"c{k}" for k in range(1, len(cases) + 1)})
    ev = engine.evaluate_package(xlsx.read_package(path))
    return ev.values, ev.problems


def _is_error(v: Any) -> bool:
    return isinstance(v, xlsx.ExcelError) or (isinstance(v, str) and v.startswith("#"))


def _selection(case: dict) -> list[tuple[int, int, int, int]]:
    out = []
    for m in _RANGE.finditer(case["formula"]):
        c1, r1 = column_index(m[1]), int(m[2])
        c2, r2 = (column_index(m[3]), int(m[4])) if m[3] else (c1, r1)
        out.append((r1, c1, r2, c2))
    return out


def has_chinese(message: str) -> bool:
    """Chinese sentences (not only quoted Chinese labels) within the first 255 characters."""
    return bool(_PHRASE.search(_QUOTED.sub("", message[:255])))


def _cells(spec: str) -> list[tuple[int, int]]:
    """``"B33"`` or ``"B5:B24"`` → [(row, col), ...]."""
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?", spec)
    assert m, spec
    c1, r1 = column_index(m[1]), int(m[2])
    c2, r2 = (column_index(m[3]), int(m[4])) if m[3] else (c1, r1)
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def names_a_cell(message: str, case: dict) -> bool:
    """The message names a cell of the selection: its A1 address, or its row or column
    counted from 1 (on the worksheet or within the selection).  With ``names`` in the
    case, it must be one of those cells (the total row, the header, the negative value ...).
    """
    boxes = _selection(case)
    wanted = [rc for spec in case.get("names", []) for rc in _cells(spec)]
    if not wanted:  # any cell of the selection
        wanted = [(r, c) for r1, c1, r2, c2 in boxes for r in range(r1, r2 + 1)
                  for c in range(c1, c2 + 1)]  # fmt: skip
    cells = set(wanted)
    rows, cols = set(), set()
    for r, c in wanted:
        rows.add(r)
        cols.add(c)
        for r1, c1, r2, c2 in boxes:
            if r1 <= r <= r2 and c1 <= c <= c2:
                rows.add(r - r1 + 1)
                cols.add(c - c1 + 1)
    for m in _A1.finditer(message):
        if (int(m[2]), column_index(m[1])) in cells:
            return True
    for m in _ROWCOL.finditer(message):
        k = int(m[1] or m[4] or m[5])
        axis = (m[2] or m[3] or m[6] or "").lower()
        if k in (rows if axis in ("行", "row") else cols):
            return True
    return False


def outcome(file: str, k: int, case: dict, folder: str) -> tuple[str, Any]:
    """("refused", message) or ("values", 2-D array read around the anchor)."""
    values, problems = evaluated(file, folder)
    sheet = f"c{k}"
    first = values.get((sheet, "A1"))
    if first is None or _is_error(first):
        reasons = [p.reason for p in problems if p.sheet == sheet]
        if not reasons and isinstance(first, str) and len(first) > 8:
            reasons = [first]  # an error text that carries its message ("#VALUE! ...")
        return "refused", (reasons[0] if reasons else f"{first!r} without a message")
    return "values", values


def check(file: str, k: int, case: dict, folder: str) -> None:
    table = TABLES[file]
    kind, got = outcome(file, k, case, folder)
    label = f"{file} {case['id']}: {case['formula']} ({case['what']})"
    if kind == "refused":
        msg = got
        assert case["expect"] != "value", f"{label}: refused a clean selection: {msg}"
        assert has_chinese(msg), f"{label}: refusal without Chinese text: {msg}"
        assert names_a_cell(msg, case), f"{label}: refusal names no cell of the selection: {msg}"
        return
    assert case["expect"] != "refuse", f"{label}: returned a number where it must refuse"
    want = expected(table, case)
    sheet = f"c{k}"
    nr, nc = want.shape

    def at(i: int, j: int) -> Any:  # result cell (0-based from the anchor)
        return got.get((sheet, f"{column_letter(j + 1)}{i + 1}"))

    def is_text(v: Any) -> bool:
        return isinstance(v, str) and not v.startswith("#")

    # a result may carry a row of column labels above, or a column of row labels beside
    dr = int(all(is_text(at(0, j)) or at(0, j) is None for j in range(nc)) and is_text(at(0, 0)))
    dc = int(all(is_text(at(i, 0)) or at(i, 0) is None for i in range(nr)) and is_text(at(0, 0)))
    if dr and dc and is_text(at(0, 1)) and not is_text(at(1, 0)):
        dc = 0
    have = np.full(want.shape, np.nan)
    for i in range(nr):
        for j in range(nc):
            v = at(i + dr, j + dc)
            where = f"{column_letter(j + dc + 1)}{i + dr + 1}"
            assert _is_number(v), f"{label}: cell {where} of the result is {v!r}"
            have[i, j] = v
    np.testing.assert_allclose(have, want, rtol=RTOL, atol=1e-12, err_msg=f"{label}: WRONG")
    # nothing spilled beyond the right answer (e.g. a total row or a header taken as data)
    for i, j in ((nr + dr, dc), (dr, nc + dc)):
        v = at(i, j)
        assert v in (None, "") or (isinstance(v, float) and math.isnan(v)), (
            f"{label}: more values than regions/columns: {column_letter(j + 1)}{i + 1} = {v!r}"
        )


# --- the tests ---------------------------------------------------------------------------

CASES = [
    pytest.param(t["file"], k, c, id=f"{Path(t['file']).stem}-{c['id']}")
    for t in MANIFEST["table"]
    for k, c in enumerate(all_cases(t["file"]), 1)
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("yearbook"))


@pytest.mark.slow
@pytest.mark.parametrize(("file", "k", "case"), CASES)
def test_case_is_right_or_refused_with_an_address(file, k, case, folder):
    gap = case.get("known_gap")
    if gap is None:
        check(file, k, case, folder)
        return
    try:
        check(file, k, case, folder)
    except AssertionError as exc:
        pytest.xfail(f"known gap: {gap} ({str(exc).splitlines()[0][:200]})")
    pytest.fail(f"{file} {case['id']} passes now: remove its known_gap marker ({gap})")


# --- the corpus and the manifest themselves -----------------------------------------------


def test_corpus_has_thirty_real_tables_about_half_xls_each_with_a_source():
    files = sorted(p.name for p in YEARBOOK_TABLES.iterdir() if p.suffix in (".xls", ".xlsx"))
    assert len(files) >= 30
    n_xls = sum(f.endswith(".xls") for f in files)
    assert 0.4 <= n_xls / len(files) <= 0.7
    assert sorted(TABLES) == files  # every table has cases, every case a table
    sources = (HERE / "SOURCES.md").read_text(encoding="utf-8")
    for f in files:
        assert f"`{f}`" in sources, f"{f} has no entry in SOURCES.md"
        assert (YEARBOOK_TABLES / f).stat().st_size < 64_000


def test_manifest_cases_are_well_formed_and_their_answers_computable():
    kinds = {"value", "value_or_refuse", "refuse"}
    for table in MANIFEST["table"]:
        ids = [c["id"] for c in table["case"]]
        assert len(ids) == len(set(ids)), table["file"]
        region_rows(table)  # every listed label occurs exactly once
        for case in table["case"]:
            assert case["expect"] in kinds, case
            assert case["formula"].startswith("="), case
            assert "{data}!" in case["formula"], case
            assert _selection(case), case
            if case["expect"] != "refuse":
                want = expected(table, case)  # every listed cell holds a number
                assert np.isfinite(want).all(), case


def test_variant_gap_markers_name_existing_variants():
    for key in MANIFEST.get("variant_gaps", {}):
        file, variant = key.split("|")
        assert variant in VARIANTS, key
        assert any(c["id"].endswith("+" + variant) for c in variant_cases(file)), key


def test_variants_add_exactly_one_row_or_marker():
    table = TABLES["nbs_province_gdp_2015_2019.xls"]
    base = _base_case(table)
    clean = region_rows(table)
    for variant in VARIANTS:
        rows, added = _variant_rows(table, base, variant)
        extra = 2 if variant == "footnote_rows_below" else 0 if variant == "footnote_marker" else 1
        assert len(rows) == len(clean) + extra, variant
        assert all(1 <= r <= len(rows) for r in added)
    rows, _ = _variant_rows(table, base, "total_row_below")
    assert rows[-1] == ["合计", pytest.approx(sum(v for _, v in rows[:-1]))]
    rows, _ = _variant_rows(table, base, "footnote_marker")
    assert rows[0] == ["北京市", "35371.28①"]


def test_expectations_are_hand_checked_values():
    """A few answers checked by hand against the published numbers (and the formulas)."""
    gdp = TABLES["nbs_province_gdp_2015_2019.xls"]
    case = next(c for c in gdp["case"] if c["id"] == "cagr_beijing")
    assert expected(gdp, case)[0, 0] == pytest.approx((35371.28 / 23014.59) ** 0.25 - 1)
    cars = TABLES["nbs_province_cars_2007_2019.xls"]
    x = block(cars, {"columns": ["2019年"]})
    assert x.shape == (31, 1)
    assert x.sum() == pytest.approx(25376.38)  # the published 合计 row
    gz = TABLES["nbs_guangzhou_gdp_sectors.xls"]
    s = expected(gz, {"calc": "share", "columns": ["2017年"]})
    assert s[:, 0] == pytest.approx([233.49 / 21503.15, 6015.29 / 21503.15, 15254.37 / 21503.15])
    fiscal = TABLES["nbs_beijing_fiscal_expenditure.xlsx"]
    assert region_rows(fiscal) == list(range(5, 25))
    energy = TABLES["nbs_national_energy_by_industry.xls"]
    assert block(energy, {"columns": ["2022年"]}).sum() == pytest.approx(307086, abs=2)
    # the same formulas written differently: HHI in plain Python, Gini by the rank form
    # G = 2 Σ i y_(i) / (n Σ y) − (n + 1)/n, CR4 from the four largest published values
    pop = TABLES["nbs_province_population_2015_2024.xlsx"]
    y = [float(v) for v in block(pop, {"columns": ["2024年"]})[:, 0]]
    total, n = sum(y), len(y)
    hhi = sum((v / total) ** 2 for v in y)
    assert expected(pop, {"calc": "hhi", "columns": ["2024年"]})[0, 0] == pytest.approx(hhi)
    ys = sorted(y)
    rank = 2 * sum(i * v for i, v in enumerate(ys, 1)) / (n * total) - (n + 1) / n
    assert expected(pop, {"calc": "gini", "columns": ["2024年"]})[0, 0] == pytest.approx(rank)
    cr4 = sum(sorted(y, reverse=True)[:4]) / total
    assert expected(pop, {"calc": "crn", "n": 4, "columns": ["2024年"]})[0, 0] == pytest.approx(cr4)
    assert sorted(y, reverse=True)[0] == 12780.0  # 广东省 2024, as published


def test_refusal_checks_can_fail():
    """The message checks reject what they must (a check that cannot fail is a defect)."""
    case = {"formula": "=HHI({data}!B5:B35)"}
    assert names_a_cell("单元格 B7 / cell B7", case)
    assert names_a_cell("第 3 行是合计 / row 3 is a total", case)
    assert not names_a_cell("values must be numbers", case)
    assert not names_a_cell("cell Z99 is text", case)
    assert not names_a_cell("row 40 of the selection", case)
    assert has_chinese("第 33 行（合计）是总计行，请只选地区。 / row 33 is a total")
    assert not has_chinese("'values' row 32 ('合计') is a total (labelled 全国/合计/总计)")
    total = {"formula": "=HHI({data}!B2:B33)", "names": ["B33"]}
    assert names_a_cell("B33 是合计行 / B33 is a total", total)
    assert names_a_cell("第 33 行是合计 / worksheet row 33", total)
    assert names_a_cell("选区第 32 行是合计 / row 32 of the selection", total)
    assert not names_a_cell("B7 是合计行 / B7 is a total", total)
    assert not names_a_cell("第 3 列 / column 3", total)
    assert names_a_cell("第 2 列 / column 2", total)  # B33 is in column B
