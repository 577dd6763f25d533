"""Every worksheet function called the way classic Excel calls it, compared with agglo.

Arguments go through xlwings' own BSD conversion code (``xlwings.conversion.read``) with
each function's declared options (``udfs.ARG_OPTIONS``: ``ndim=2, err_to_str=True``) and a
stand-in for the Windows engine registered as ``"excel"`` (the engine ``call_udf`` uses);
results go back through ``xlwings.conversion.write`` as ``call_udf`` does.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from typing import Any

import agglo
import numpy as np
import pytest
import xlwings as xw
from agglo_addin import conversion as cv
from agglo_addin import udfs
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings import conversion


class CellError:
    """An error cell as the COM layer delivers it (an int code on Windows)."""

    def __init__(self, text: str) -> None:
        self.text = text


class StandInExcel:
    """Mimics xlwings' Windows engine for values (``_xlwindows.Engine``)."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(v):
            if v is None or v == "":
                return empty_as
            if isinstance(v, CellError):
                return v.text if err_to_str else None
            if isinstance(v, float) and number_builder is not None:
                return number_builder(v)
            if isinstance(v, dt.datetime) and datetime_builder is not dt.datetime:
                return datetime_builder(year=v.year, month=v.month, day=v.day)
            return v

        return [[clean(v) for v in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, options):
        if x is None:
            return ""
        if isinstance(x, float | np.floating) and math.isnan(x):
            return ""  # the Windows engine writes NaN as an empty cell
        return float(x) if isinstance(x, np.number) else x


@pytest.fixture(scope="module", autouse=True)
def excel_engine():
    engines = xw.engines
    saved = dict(engines.engines_by_name), list(engines.engines)
    engines.add(xw.Engine(impl=StandInExcel()))
    yield
    engines.engines_by_name.clear()
    engines.engines_by_name.update(saved[0])
    engines.engines[:] = saved[1]


def excel_call(name: str, *args: Any) -> Any:
    """Call a UDF as classic xlwings' ``call_udf`` does (omitted trailing args = defaults)."""
    f = udfs.REGISTRY[name]
    converted = [conversion.read(None, a, udfs.ARG_OPTIONS) for a in args]
    result = conversion.write(f(*converted), None, {})
    if len(result) == 1 and len(result[0]) == 1:  # as the COM server's CallUDF does
        return result[0][0]
    return result


def numbers(cells: Any) -> np.ndarray:
    """Cells -> float array ('#N/A' -> NaN); raises on any other text."""
    arr = np.asarray(cells, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    out = np.empty(arr.shape, dtype=float)
    for idx, v in np.ndenumerate(arr):
        out[idx] = math.nan if v == "#N/A" else float(v)
    return out


def assert_cells(cells: Any, expected: Any, shape: tuple[int, int] | None = None) -> None:
    got = numbers(cells)
    exp = np.asarray(expected.to_numpy() if hasattr(expected, "to_numpy") else expected, float)
    if shape is not None:
        assert got.shape == shape
    np.testing.assert_allclose(got.ravel(), exp.ravel(), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------------------
# data as a yearbook prints it
# --------------------------------------------------------------------------------------

REGIONS = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林"]
INDUSTRIES = ["农业", "工业", "建筑业", "服务业"]
RNG = np.random.default_rng(20240601)
BLOCK = (RNG.random((7, 4)) * 900 + 50).round(1)
BLOCK[2, 1] = 1234.5


def yearbook(block: np.ndarray = BLOCK, labels: bool = True) -> list[list[Any]]:
    """The block with labels; one number stored as text with a thousands separator."""
    rows: list[list[Any]] = [[float(v) for v in row] for row in block]
    rows[2][1] = f"{block[2, 1]:,}"
    if not labels:
        return rows
    return [["地区", *INDUSTRIES]] + [[r, *row] for r, row in zip(REGIONS, rows, strict=True)]


def col(values: Any) -> list[list[float]]:
    return [[float(v)] for v in values]


def row(values: Any) -> list[list[float]]:
    return [[float(v) for v in values]]


SCORES = np.array(
    [[0.0162, 0.2720], [0.1782, 0.6824], [0.5490, 0.0593], [0.6730, 0.4812], [0.9875, 0.5573]]
)
MATRIX = (RNG.random((8, 4)) * 10 + 1).round(2)
DIRS = ["+", "-", "+", "+"]
WEIGHTS = np.array([0.4, 0.3, 0.2, 0.1])
JUDGEMENT = np.array(
    [[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]]
)
UPPER = [[1.0, 3.0, 5.0, 7.0], [None, 1.0, 3.0, 5.0], [None, None, 1.0, 3.0], [None] * 3 + [1.0]]


# --------------------------------------------------------------------------------------
# published values first
# --------------------------------------------------------------------------------------


def test_lq_scalar_form_published_value():
    # issue 2 / methods.md B1: location_quotient(1714, 79006, 879213, 15593224) ≈ 0.38476
    assert excel_call("LQ", 1714.0, 79006.0, 879213.0, 15593224.0) == pytest.approx(
        0.38476, abs=5e-6
    )


@pytest.mark.parametrize(
    ("u", "c", "t", "d"),
    [  # methods.md B12 reference table, standard C with equal weights (three systems)
        ((0.0162, 0.2720, 0.2655), 0.571, 0.185, 0.325),
        ((0.1782, 0.6824, 0.3721), 0.867, 0.411, 0.597),
        ((0.9875, 0.5573, 0.8984), 0.971, 0.814, 0.889),
    ],
)
def test_coupling_reference_table(u, c, t, d):
    cells = [list(u)]
    assert excel_call("COUPLING", cells) == pytest.approx(c, abs=5e-4)
    assert excel_call("COORDINDEX", cells) == pytest.approx(t, abs=5e-4)
    assert excel_call("COORDDEGREE", cells) == pytest.approx(d, abs=5e-4)
    table = excel_call("CTD", cells)
    assert table[0][1:] == ["T", "D"]
    assert table[0][0].startswith("C [standard")
    assert table[1] == pytest.approx([c, t, d], abs=5e-4)


# --------------------------------------------------------------------------------------
# every function against agglo
# --------------------------------------------------------------------------------------


def test_location_functions():
    assert_cells(excel_call("LQ", yearbook()), agglo.location_quotient(BLOCK), (7, 4))
    assert_cells(
        excel_call("LQ", yearbook(), None, None, None, "binary"),
        agglo.location_quotient(BLOCK, form="binary"),
    )
    national = BLOCK.sum(axis=0) * 1.5  # totals of a larger country, passed explicitly
    assert_cells(
        excel_call("LQ", yearbook(labels=False), None, row(national), float(national.sum())),
        agglo.location_quotient(BLOCK, None, national, national.sum()),
    )
    lq = agglo.location_quotient(BLOCK)
    assert_cells(excel_call("LQSCORE", lq.tolist()), agglo.lq_score(lq))
    assert_cells(excel_call("LQSCORE", lq.tolist(), 0.0, 1.0), agglo.lq_score(lq, 0, 1))
    assert_cells(excel_call("KRUGMAN", yearbook()), agglo.krugman_specialisation(BLOCK), (7, 1))
    assert_cells(excel_call("HOOVER", yearbook()), agglo.hoover_coefficient(BLOCK), (1, 4))


def test_concentration_functions():
    assert_cells(excel_call("HHI", yearbook()), agglo.hhi(BLOCK), (1, 4))
    assert_cells(excel_call("HHI", yearbook(), True), agglo.hhi(BLOCK, normalized=True))
    assert_cells(excel_call("HHI", col(BLOCK[:, 0])), agglo.hhi(BLOCK[:, 0]), (1, 1))
    assert_cells(excel_call("CRN", yearbook(), 2.0), agglo.concentration_ratio(BLOCK, n=2))
    assert_cells(excel_call("GINI", col(BLOCK[:, 0])), agglo.gini(BLOCK[:, 0]))
    assert_cells(
        excel_call("GINI", col(BLOCK[:, 0]), col(BLOCK[:, 1])),
        agglo.gini(BLOCK[:, 0], weights=BLOCK[:, 1]),
    )
    assert_cells(excel_call("SPATIALGINI", yearbook()), agglo.spatial_gini(BLOCK), (1, 4))
    assert_cells(excel_call("LOCGINI", yearbook()), agglo.locational_gini(BLOCK))
    assert_cells(
        excel_call("LOCGINI", yearbook(), None, True), agglo.locational_gini(BLOCK, halved=True)
    )
    assert_cells(excel_call("LQGINI", yearbook()), agglo.lq_gini(BLOCK))


def test_ellison_glaeser_and_maurel_sedillot_tables():
    firms = (RNG.integers(1, 40, size=BLOCK.shape)).astype(float)
    for name, fn in (("EG", agglo.ellison_glaeser), ("MS", agglo.maurel_sedillot)):
        table = excel_call(name, yearbook(), firms.tolist())
        expected = fn(BLOCK, firm_counts=firms)
        assert table[0][1:4] == ["gamma γ", "G", "H"]
        assert expected.approximation in table[0][0]
        assert [r[0] for r in table[1:]] == INDUSTRIES
        assert_cells([r[1] for r in table[1:]], expected.gamma)
        assert_cells([r[3] for r in table[1:]], expected.H)


def test_growth_functions():
    prev, cur = BLOCK[:, 0], BLOCK[:, 1]
    assert_cells(excel_call("GROWTHRATE", col(cur), col(prev)), agglo.growth_rate(cur, prev))
    assert_cells(
        excel_call("GROWTHRATE", col(cur), col(prev), True),
        agglo.growth_rate(cur, prev, percent=True),
    )
    assert_cells(excel_call("CAGR", col(prev), col(cur), 9.0), agglo.cagr(prev, cur, 9))
    assert excel_call("CAGR", 100.0, 200.0, 10.0) == pytest.approx(2 ** (1 / 10) - 1)
    assert_cells(excel_call("CAGRCUM", yearbook(labels=False)), agglo.cagr_cumulative(BLOCK))
    assert_cells(excel_call("PRIMACY", col(cur), 4.0), agglo.primacy_index(cur, 4))
    assert_cells(excel_call("SHARE", col(cur)), agglo.share(cur), (7, 1))
    assert_cells(excel_call("SHARE", row(cur)), agglo.share(cur), (1, 7))
    assert_cells(excel_call("PROFITMARGIN", col(prev), col(cur)), agglo.profit_margin(prev, cur))


def test_statistics_tables():
    x, y = BLOCK[:, 0], BLOCK[:, 1]
    table = excel_call("CORRTEST", col(x), col(y), "spearman")
    expected = agglo.correlation(x, y, "spearman")
    assert table[0][1:] == ["p-value", "n", "dropped"]
    assert "spearman" in table[0][0]
    assert table[1] == pytest.approx([expected.r, expected.p_value, 7, 0])
    xs = [["工业", "建筑业"], *BLOCK[:, 1:3].tolist()]
    table = excel_call("OLS", col(y), xs)
    fit = agglo.ols(y, BLOCK[:, 1:3])
    assert table[0][1:] == ["coef", "std err", "t", "p"]
    assert [r[0] for r in table[1:4]] == ["const", "工业", "建筑业"]
    assert_cells([r[1:] for r in table[1:4]], fit.table.to_numpy())
    assert table[4][:2] == ["R²", pytest.approx(fit.r_squared)]
    assert table[8][:2] == ["n", 7]
    assert all(len(r) == 5 for r in table)


def test_normalisation_and_weights():
    assert_cells(
        excel_call("NORMALIZE", MATRIX.tolist(), [DIRS], "minmax"),
        agglo.normalize(MATRIX, DIRS, "minmax"),
    )
    assert_cells(
        excel_call("NORMALIZE", MATRIX.tolist(), [DIRS], None, 0.01, 0.99),
        agglo.normalize(MATRIX, DIRS, feature_range=(0.01, 0.99)),
    )
    table = excel_call("ENTROPY", MATRIX.tolist(), [DIRS])
    ent = agglo.entropy_weights(MATRIX, DIRS)
    assert table[0][1:] == ["e", "d", "w"]
    assert ent.convention in table[0][0]
    assert_cells([r[1:] for r in table[1:]], np.c_[ent.entropy, ent.divergence, ent.weights])
    assert_cells(excel_call("ENTROPYSCORE", MATRIX.tolist(), [DIRS]), ent.scores, (8, 1))
    raw = agglo.entropy_weights(MATRIX, None, None)
    table = excel_call("ENTROPY", MATRIX.tolist(), None, "none")
    assert_cells([r[3] for r in table[1:]], raw.weights)
    assert_cells(
        excel_call("CRITIC", MATRIX.tolist(), [DIRS]), agglo.critic_weights(MATRIX, DIRS).weights
    )


def test_ahp_table_from_upper_triangle():
    expected = agglo.ahp(JUDGEMENT)
    table = excel_call("AHP", UPPER)
    assert [r[0] for r in table[1:]] == ["w1", "w2", "w3", "w4", "lambda_max", "CI", "RI", "CR"] + [
        "consistent"
    ]
    assert_cells([r[1] for r in table[1:5]], expected.weights)
    assert table[5][1:] == [pytest.approx(expected.lambda_max)]
    assert table[8][1:] == [pytest.approx(expected.cr)]
    assert table[9][1] is bool(expected.consistent)
    assert "1980" in table[0][0]  # the header names the RI table
    assert_cells(
        excel_call("AHPWEIGHTS", UPPER, "geometric"), agglo.ahp(JUDGEMENT, "geometric").weights
    )


def test_random_weights_are_reproducible_with_the_seed():
    order = [[2.0, 3.0, 4.0, 1.0]]
    first = excel_call("RANDWEIGHTS", order, 300.0, 7.0)
    assert excel_call("RANDWEIGHTS", order, 300.0, 7.0) == first  # a recalculation
    expected = agglo.random_weights([2, 3, 4, 1], 300, rng=7)
    assert_cells([r[1] for r in first[1:]], expected.weights)
    assert_cells([r[2] for r in first[1:]], expected.std)
    default_seed = excel_call("RANDWEIGHTS", order, 300.0)
    assert default_seed == excel_call("RANDWEIGHTS", order, 300.0)


def test_evaluation_functions():
    w = row(WEIGHTS)
    assert_cells(
        excel_call("COMPOSITE", MATRIX.tolist(), w, [DIRS]),
        agglo.composite_index(MATRIX, WEIGHTS, DIRS).scores,
    )
    top = agglo.topsis(MATRIX, WEIGHTS, DIRS)
    assert_cells(excel_call("TOPSIS", MATRIX.tolist(), w, [DIRS]), top.closeness, (8, 1))
    assert_cells(excel_call("TOPSISRANK", MATRIX.tolist(), w, [DIRS]), top.rank)
    top_mm = agglo.topsis(MATRIX, WEIGHTS, DIRS, normalize="minmax")
    assert_cells(excel_call("TOPSIS", MATRIX.tolist(), w, [DIRS], "minmax"), top_mm.closeness)
    grey = agglo.grey_relational(MATRIX[:, 0], MATRIX[:, 1:])
    assert_cells(excel_call("GREYREL", col(MATRIX[:, 0]), MATRIX[:, 1:].tolist()), grey.grades)
    obstacle = agglo.obstacle_degree(MATRIX, WEIGHTS, DIRS)
    assert_cells(excel_call("OBSTACLE", MATRIX.tolist(), w, [DIRS]), obstacle.degree, (8, 4))


def test_coupling_functions():
    u1, u2 = SCORES[:, 0], SCORES[:, 1]
    cells = SCORES.tolist()
    assert_cells(excel_call("COUPLING", cells), agglo.coupling_degree(u1, u2), (5, 1))
    assert_cells(
        excel_call("COUPLING", cells, "wang2021"), agglo.coupling_degree(u1, u2, method="wang2021")
    )
    assert_cells(
        excel_call("COUPLING", cells, None, 5.0), agglo.coupling_degree(u1, u2, exponent=5)
    )
    res = agglo.coupling_coordination(u1, u2, weights=[0.6, 0.4])
    assert_cells(excel_call("COORDDEGREE", cells, [[0.6, 0.4]]), res.D)
    assert_cells(excel_call("COORDINDEX", cells, [[0.6, 0.4]]), res.T)
    table = excel_call("CTD", cells, [[0.6, 0.4]])
    assert_cells(table[1:], np.c_[res.C, res.T, res.D])
    assert res.convention in table[0][0]
    levels = excel_call("COORDLEVEL", col(res.D))
    assert levels == [[v] for v in agglo.coordination_level(res.D)]
    assert excel_call("COORDLEVEL", 0.95) == "优质协调"  # methods.md B12: 0.90 < D ≤ 1.00
    assert excel_call("COORDLEVEL", 0.5) == "濒临失调"  # right-closed: 0.40 < D ≤ 0.50
    assert excel_call("COORDLEVEL", 0.95, None, None, "en") == "high-quality coordination"
    stages = excel_call("COUPLINGSTAGE", col(res.C))
    assert stages == [[v] for v in agglo.coupling_stage(res.C)]
    lead = excel_call("LEADLAG", col(u1), col(u2))
    assert lead == [[v] for v in agglo.lead_lag(u1, u2)]
    assert_cells(
        excel_call("RESCALE", [[75.0, 50.0], [100.0, 60.0]], 50.0, 100.0),
        [[0.5, 0.0], [1.0, 0.2]],
    )


# --------------------------------------------------------------------------------------
# yearbook-shaped input and errors
# --------------------------------------------------------------------------------------


def test_placeholders_error_cells_and_full_width_digits_follow_the_policy():
    cells = yearbook()
    cells[1][2] = "—"  # 北京 农业: no data
    cells[3][4] = CellError("#N/A")  # a broken upstream formula
    cells[5][1] = "１２３"  # full-width digits
    block = BLOCK.copy()
    block[0, 1] = np.nan
    block[2, 3] = np.nan
    block[4, 0] = 123.0
    assert_cells(excel_call("HHI", cells), agglo.hhi(block))
    assert_cells(excel_call("LQ", cells), agglo.location_quotient(block))


def test_total_row_inside_the_selection_is_reported_not_counted():
    cells = yearbook()
    cells.append(["全国", *BLOCK.sum(axis=0).tolist()])
    out = excel_call("LQ", cells)
    assert cv.excel_error_of(out) == "#VALUE!"
    assert "'data' row 8 ('全国') is a total" in cv.error_message_of(out)
    # without labels agglo's sum check (total_rows='raise') finds it too
    out = excel_call("HHI", [*BLOCK.tolist(), BLOCK.sum(axis=0).tolist()])
    assert cv.excel_error_of(out) == "#VALUE!"
    assert re.search(r"'values' .*total row", cv.error_message_of(out))


PARAMS = {name: inspect.signature(f).parameters for name, f in udfs.REGISTRY.items()}
#: Worksheet functions whose first argument is text by design (no numbers to check).
TEXT_FIRST_ARGUMENT = {"NBWEIGHTS": "a neighbour list holds the units' names"}


@pytest.mark.parametrize("name", sorted(udfs.REGISTRY))
def test_text_in_the_numbers_gives_a_message_naming_the_argument(name):
    if not udfs.available(name):
        pytest.skip(f"agglo does not provide {udfs.REQUIRES[name]} yet")
    if name in TEXT_FIRST_ARGUMENT:
        pytest.skip(TEXT_FIRST_ARGUMENT[name])
    params = list(PARAMS[name].values())
    n_required = sum(p.default is inspect.Parameter.empty for p in params)
    out = excel_call(name, [[1.0, "abc"], [2.0, 3.0]], *([[[1.0]]] * (n_required - 1)))
    assert isinstance(out, str)
    assert cv.excel_error_of(out) == "#VALUE!"
    message = cv.error_message_of(out)
    assert f"'{params[0].name}'" in message
    assert "Traceback" not in message
    assert len(out) <= 255


def test_lite_raises_xlwings_error_with_the_message(monkeypatch):
    monkeypatch.setattr(cv, "IN_LITE", True)
    with pytest.raises(xw.XlwingsError, match=r"^'data' row 1, column 2 holds the text 'abc'"):
        udfs.REGISTRY["LQ"]([[1.0, "abc"], [2.0, 3.0]])


def test_unexpected_exceptions_become_short_messages(monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(agglo, "hhi", boom)
    out = udfs.REGISTRY["HHI"]([[1.0], [2.0]])
    assert out == "#VALUE! HHI: ZeroDivisionError: deep inside"


def test_engine_contract_literal_scalars_and_blank_options():
    # the headless engine passes literal scalars bare and blanks as None
    assert udfs.REGISTRY["CAGR"](100.0, 200.0, 10.0) == pytest.approx(2 ** (1 / 10) - 1)
    assert udfs.REGISTRY["COUPLING"](SCORES.tolist(), None, None) == udfs.REGISTRY["COUPLING"](
        SCORES.tolist()
    )
    assert udfs.REGISTRY["CRN"]([[3.0], [1.0], [1.0]], [[None]]) == pytest.approx(1.0)
    assert udfs.REGISTRY["CRN"]([[3.0], [1.0], [1.0]], [[1.0]]) == pytest.approx(0.6)


def test_available_and_requires_cover_the_registry():
    assert set(udfs.REQUIRES) == set(udfs.REGISTRY)
    for name in udfs.REGISTRY:
        assert udfs.available(name), name


def test_group_ahp_and_hierarchy_synthesis():
    second = np.array(
        [[1, 2, 4, 6], [1 / 2, 1, 2, 4], [1 / 4, 1 / 2, 1, 2], [1 / 6, 1 / 4, 1 / 2, 1]]
    )
    stacked = np.vstack([JUDGEMENT, second])
    table = excel_call("AHPGROUP", stacked.tolist(), [[2.0, 1.0]])
    expected = agglo.ahp_group([JUDGEMENT, second], [2, 1])
    assert table[0][0].startswith("group AHP [")
    assert_cells([r[1] for r in table[1:5]], expected.weights)
    assert table[8][1] == pytest.approx(expected.cr)
    alternatives = [[[1.0, 2.0], [0.5, 1.0]], [[1.0, 1 / 3], [3.0, 1.0]]]
    alternatives += [[[1.0, 1.0], [1.0, 1.0]], [[1.0, 4.0], [0.25, 1.0]]]
    table = excel_call("AHPTOTAL", UPPER, np.vstack(alternatives).tolist())
    total = agglo.ahp_hierarchy(JUDGEMENT, np.array(alternatives))
    assert [r[0] for r in table[1:]] == ["a1", "a2", "CI", "RI", "CR", "consistent"]
    assert_cells([r[1] for r in table[1:3]], total.weights)
    assert table[5][1] == pytest.approx(total.cr)


def test_judgement_matrix_helpers():
    full = excel_call("AHPMATRIX", [[1.0, 3.0, "1/5"], [None, 1.0, 2.0], [None, None, 1.0]])
    assert_cells(full, agglo.ahp_matrix_from_upper([[1, 3, 0.2], [0, 1, 2], [0, 0, 1]]))
    assert full[2][0] == pytest.approx(5.0)
    # methods.md B8: Saaty (1980) RI(4) = 0.90; the table of Chinese textbooks gives 0.89
    assert excel_call("AHPRI", 4.0) == pytest.approx(0.90)
    assert excel_call("AHPRI", 4.0, "chinese") == pytest.approx(agglo.random_index(4, "chinese"))
    assert "'n'" in cv.error_message_of(excel_call("AHPRI", 2.5))


# --------------------------------------------------------------------------------------
# Coupling functions: systems as one block or as separate ranges (=COUPLING(E3:E14, F3:F14))
# --------------------------------------------------------------------------------------

_U1 = [[0.3], [0.5], [0.8]]
_U2 = [[0.4], [0.5], [0.2]]
_U3 = [[0.6], [0.1], [0.9]]
_BLOCK = [[a[0], b[0]] for a, b in zip(_U1, _U2, strict=True)]


def _col(values):
    return [float(v) for v in np.atleast_1d(np.asarray(values, dtype=float))]


def _flat(out):
    return [float(row[0]) for row in out]


def test_coupling_accepts_separate_system_ranges():
    expected = _col(agglo.coupling_degree([0.3, 0.5, 0.8], [0.4, 0.5, 0.2]))
    assert _flat(udfs.COUPLING(_U1, _U2)) == pytest.approx(expected)
    assert _flat(udfs.COUPLING(_BLOCK)) == pytest.approx(expected)
    three = _col(agglo.coupling_degree([0.3, 0.5, 0.8], [0.4, 0.5, 0.2], [0.6, 0.1, 0.9]))
    assert _flat(udfs.COUPLING(_U1, _U2, _U3)) == pytest.approx(three)
    wang = _col(agglo.coupling_degree([0.3, 0.5, 0.8], [0.4, 0.5, 0.2], method="wang2021"))
    assert _flat(udfs.COUPLING(_U1, _U2, "wang2021")) == pytest.approx(wang)
    # single cells: one unit
    assert _flat(udfs.COUPLING(0.3, 0.4)) == pytest.approx(_col(agglo.coupling_degree(0.3, 0.4)))


def test_ctd_and_t_accept_separate_system_ranges_with_options_shifted():
    res = agglo.coupling_coordination([0.3, 0.5, 0.8], [0.4, 0.5, 0.2], weights=[0.6, 0.4])
    table = udfs.CTD(_U1, _U2, [[0.6, 0.4]])
    assert [row[1] for row in table[1:]] == pytest.approx(list(res.T))
    assert [row[2] for row in table[1:]] == pytest.approx(list(res.D))
    assert udfs.CTD(_BLOCK, [[0.6, 0.4]])[1:] == table[1:]
    wang = agglo.coupling_coordination(
        [0.3, 0.5, 0.8], [0.4, 0.5, 0.2], [0.6, 0.1, 0.9], method="wang2021"
    )
    table3 = udfs.CTD(_U1, _U2, _U3, "wang2021")
    assert "wang" in table3[0][0].lower()
    assert [row[0] for row in table3[1:]] == pytest.approx(list(wang.C))
    t = agglo.coordination_index([0.3, 0.5, 0.8], [0.4, 0.5, 0.2])
    assert _flat(udfs.COORDINDEX(_U1, _U2)) == pytest.approx(_col(t))


def test_coupling_single_column_asks_for_the_other_systems():
    out = udfs.COUPLING(_U1)
    assert isinstance(out, str)
    assert out.startswith("#VALUE!")
    assert "=COUPLING(E3:E14, F3:F14)" in out


# --------------------------------------------------------------------------------------
# validate once: the wrappers' faster plumbing changes nothing a cell shows
# --------------------------------------------------------------------------------------


def _plain_call(func, values, /, *args, totals=False, **kwargs):
    """What the wrappers did before ``call_checked``: agglo checks everything itself."""
    if totals:
        kwargs["total_rows"] = "raise"
    return func(values, *args, **kwargs)


_VALIDATED_ONCE = [
    ("LQ", ()),
    ("LQ", (None, None, None, "binary")),
    ("KRUGMAN", ()),
    ("HOOVER", ()),
    ("HHI", ()),
    ("HHI", (True,)),
    ("CRN", (2.0,)),
    ("SPATIALGINI", ()),
    ("LOCGINI", ()),
    ("LQGINI", ()),
    ("NORMALIZE", ()),
    ("ENTROPY", ()),
    ("CRITIC", ()),
    ("COMPOSITE", ()),
    ("TOPSIS", ()),
]


@st.composite
def _sheet_blocks(draw):
    """A block as xlwings delivers it, sometimes with a total row/column or a blank."""
    n = draw(st.integers(min_value=1, max_value=6))
    k = draw(st.integers(min_value=1, max_value=5))
    cell = st.one_of(
        st.floats(min_value=0, max_value=1e4).map(lambda v: round(v, 2)),
        st.sampled_from([0.0, 1.0, 5.0, -2.0]),
    )
    arr = np.array(draw(st.lists(cell, min_size=n * k, max_size=n * k))).reshape(n, k)
    total = draw(st.sampled_from(["none", "none", "row", "column", "near"]))
    if total == "row":
        arr = np.vstack([arr, arr.sum(axis=0)])
    elif total == "column":
        arr = np.hstack([arr, arr.sum(axis=1, keepdims=True)])
    elif total == "near":
        arr = np.vstack([arr, arr.sum(axis=0) * draw(st.sampled_from([1.0009, 1.0011]))])
    rows: list[list[Any]] = arr.tolist()
    if draw(st.booleans()) and arr.size > 1:
        rows[0][0] = draw(st.sampled_from([None, "—", "1,000.5"]))
    return rows


@pytest.mark.parametrize(("name", "options"), _VALIDATED_ONCE)
@given(rows=_sheet_blocks())
@settings(max_examples=60, deadline=None)
def test_validated_once_wrappers_show_what_full_checks_show(name, options, rows):
    f = udfs.REGISTRY[name]
    fast = f(rows, *options)
    saved = cv.call_checked
    try:
        cv.call_checked = _plain_call
        plain = f(rows, *options)
    finally:
        cv.call_checked = saved
    assert fast == plain


def test_total_row_found_by_sums_is_still_refused_with_agglo_message():
    block = BLOCK.tolist()
    with_total = [*block, BLOCK.sum(axis=0).tolist()]
    for name in ("LQ", "HHI", "SPATIALGINI", "KRUGMAN", "HOOVER", "CRN", "LOCGINI", "LQGINI"):
        out = udfs.REGISTRY[name](with_total)
        assert cv.excel_error_of(out) == "#VALUE!", name
        assert "row 8" in cv.error_message_of(out), name
    with_col = [[*r, sum(r)] for r in block]
    for name in ("LQ", "SPATIALGINI", "KRUGMAN", "HOOVER"):
        out = udfs.REGISTRY[name](with_col)
        assert "total column (column 5" in cv.error_message_of(out), name
    # HHI and CR_n look at the units (rows) only: a sum column is just another industry
    hhi = udfs.HHI(with_col)
    assert_cells(hhi, agglo.hhi(np.array(with_col)), shape=(1, 5))
