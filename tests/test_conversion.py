"""The one conversion policy between worksheet cells and agglo (agglo_addin.conversion)."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction

import agglo
import numpy as np
import pandas as pd
import pytest
from agglo import AggloValueError, _validation, tables
from agglo_addin import conversion as cv
from hypothesis import given, settings
from hypothesis import strategies as st

# --------------------------------------------------------------------------------------
# single cells
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (3.0, 3.0),
        (7, 7.0),
        ("1,234.5", 1234.5),
        ("1 234", 1234.0),
        ("１２３", 123.0),  # full-width digits (Unicode NFKC)
        ("１，２３４．５", 1234.5),  # full-width comma and point
        ("  42 ", 42.0),
        ("12.5%", 0.125),
        ("-5", -5.0),
        ("\u22125", -5.0),  # typographic minus sign
        ("1e3", 1000.0),
        ("\u00a01\u00a0000", 1000.0),  # no-break spaces as thousands separators
        ("1/3", 1 / 3),  # AHP judgements typed as text
        ("2.5/5", 0.5),
    ],
)
def test_numbers_and_numbers_stored_as_text(cell, expected):
    assert cv.parse_number(cell) == pytest.approx(expected)


@pytest.mark.parametrize(
    "cell",
    [None, "", "   ", "—", "——", "–", "-", "--", "…", "...", "－", "/", "x", "X", "×", "*"]
    + ["NA", "n.a.", "无", "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"],
)
def test_blank_placeholders_and_error_cells_are_missing(cell):
    assert math.isnan(cv.parse_number(cell))


@pytest.mark.parametrize(
    "cell", ["广东", "abc", "1.2.3", True, False, "12%%", "nan", "inf", [1], "1/0", "1/2/3"]
)
def test_other_text_and_booleans_are_not_numbers(cell):
    assert cv.parse_number(cell) is None


@given(st.integers(min_value=-(10**12), max_value=10**12))
@settings(max_examples=200, deadline=None)
def test_thousands_separators_round_trip(n):
    assert cv.parse_number(f"{n:,}") == float(n)
    full_width = f"{n:,}".translate(str.maketrans("0123456789,-", "０１２３４５６７８９，－"))
    assert cv.parse_number(full_width) == float(n)


# --------------------------------------------------------------------------------------
# blocks
# --------------------------------------------------------------------------------------


def test_plain_numbers_take_the_fast_path_and_keep_values():
    rows = [[1.0, 2.0], [3.0, None]]
    block = cv.read_block(rows, "data")
    np.testing.assert_array_equal(block.values, [[1.0, 2.0], [3.0, np.nan]])
    assert block.row_labels is None
    assert block.col_labels is None
    assert block.missing == 1


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        # NumPy turns a boolean among numbers into 0.0/1.0: the fast path must not hide it
        ([[1.0, 2.0], [3.0, True]], r"'data' row 2, column 2 holds the boolean TRUE"),
        ([[0.0, False], [3.0, 4.0]], r"'data' row 1, column 2 holds the boolean FALSE"),
        ([[1, 2], [np.True_, 4]], r"'data' row 2, column 1 holds the boolean TRUE"),
        ([2.0, 3.0, False], r"'data' row 1, column 3 holds the boolean FALSE"),
        ((np.array([1.0, 2.0]), np.array([True, False])), r"row 2, column 1 holds the boolean"),
        # more zeros than the fast path checks one by one: the per-cell path finds it
        ([[0.0] * 40 for _ in range(10)] + [[0.0] * 39 + [True]], r"row 11, column 40"),
        (np.array([[True, False]]), r"'data' row 1, column 1 holds the boolean TRUE"),
        ([[[1.0], [2.0]], [[3.0], [4.0]]], r"'data' must be a rectangular range of cells"),
        ([[1.0, 2.0], [3.0, [4.0]]], r"'data' must be a rectangular range of cells"),
        ([[], []], r"'data' is empty"),
    ],
)
def test_fast_path_still_refuses_booleans_and_odd_shapes(rows, match):
    with pytest.raises(AggloValueError, match=match):
        cv.read_block(rows, "data")


def test_fast_path_accepts_ints_tuples_and_arrays_without_sharing_memory():
    assert cv.read_block(((1, 2), (3, 4.5)), "data").values.tolist() == [[1.0, 2.0], [3.0, 4.5]]
    assert cv.read_block([[0, 1], [1, 0]], "data", totals=False).values.dtype == np.float64
    arr = np.array([[1.0, 2.0], [3.0, 4.0]])
    values = cv.read_block(arr, "data").values
    values[0, 0] = 99.0
    assert arr[0, 0] == 1.0
    assert cv.read_block(np.array([1, 2, 3]), "data").values.tolist() == [[1.0, 2.0, 3.0]]
    block = cv.read_block([[1.0, math.nan], [math.inf, 2.0]], "data")
    assert block.missing == 0  # NaN given as a number is not a blank cell
    assert np.isinf(block.values[1, 0])


_CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, 1.0, 0, 1, True, False, None, "", "—", "1,234", "abc", "#N/A"]),
    st.integers(min_value=-(10**20), max_value=10**20),
)


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda k: st.lists(st.lists(_CELL, min_size=k, max_size=k), min_size=1, max_size=5)
    ),
    st.sampled_from([True, "labels", False]),
)
@settings(max_examples=400, deadline=None)
def test_fast_path_gives_what_the_per_cell_path_gives(rows, totals):
    """The one-call path for all-number blocks changes speed only, never the outcome."""

    def outcome(read):
        try:
            with np.errstate(all="ignore"):  # inf - inf in the total-row check
                b = read(rows, "data", totals=totals)
        except AggloValueError as exc:
            return str(exc)
        return (np.nan_to_num(b.values, nan=-7.5).tolist(), b.row_labels, b.col_labels, b.missing)

    fast = outcome(cv.read_block)
    original = cv._all_numbers
    try:
        cv._all_numbers = lambda value: None
        slow = outcome(cv.read_block)
    finally:
        cv._all_numbers = original
    assert fast == slow


def test_yearbook_block_with_labels_placeholders_and_text_numbers():
    rows = [
        ["地区", "农业", "工业", "服务业"],
        ["北京", "1,234.5", 30.0, "—"],
        ["天津", "１２", "x", 5.0],
        ["河北", None, "#N/A", "..."],
    ]
    block = cv.read_block(rows, "data")
    np.testing.assert_array_equal(
        block.values, [[1234.5, 30.0, np.nan], [12.0, np.nan, 5.0], [np.nan, np.nan, np.nan]]
    )
    assert block.row_labels == ["北京", "天津", "河北"]
    assert block.col_labels == ["农业", "工业", "服务业"]
    assert block.missing == 5


def test_header_row_only_and_label_column_only():
    block = cv.read_block([["GDP", "人口"], [1.0, 2.0], [3.0, 4.0]], "data")
    assert block.col_labels == ["GDP", "人口"]
    assert block.row_labels is None
    assert block.values.shape == (2, 2)
    block = cv.read_block([["北京", 1.0, 2.0], ["上海", 3.0, 4.0]], "data")
    assert block.row_labels == ["北京", "上海"]
    assert block.col_labels is None


def test_one_dimensional_and_scalar_input_become_two_dimensional():
    assert cv.read_block([1.0, 2.0], "data").values.shape == (1, 2)
    assert cv.read_block(5.0, "data").values.tolist() == [[5.0]]
    assert cv.read_block(np.array([[1, 2]]), "data").values.tolist() == [[1.0, 2.0]]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([[1.0, 2.0], ["abc", 3.0]], r"'data' row 2, column 1 holds the text 'abc'"),
        ([[1.0, True], [2.0, 3.0]], r"'data' row 1, column 2 holds the boolean TRUE"),
        ([[1.0, 2.0], [3.0]], r"'data' must be a rectangular range"),
        ([], r"'data' is empty"),
        ([["地区", "工业"], ["北京", None]], None),  # labels only around a blank: allowed
    ],
)
def test_invalid_blocks_name_the_argument_and_cell(rows, match):
    if match is None:
        assert np.isnan(cv.read_block(rows, "data").values).all()
        return
    with pytest.raises(AggloValueError, match=match):
        cv.read_block(rows, "data")


def test_labelled_total_row_is_refused_not_counted():
    rows = [["北京", 10.0, 20.0], ["上海", 30.0, 40.0], ["全国", 100.0, 200.0]]
    with pytest.raises(AggloValueError, match=r"'data' row 3 \('全国'\) is a total"):
        cv.read_block(rows, "data")
    # the same labels are fine when the total is left out of the selection
    assert cv.read_block(rows[:2], "data").values.shape == (2, 2)


def test_numeric_total_row_and_total_column_are_refused():
    rows = [[1.0, 2.0], [3.0, 5.0], [6.0, 1.0], [10.0, 8.0]]  # last row = sum of the others
    with pytest.raises(AggloValueError, match=r"'data' row 4 is a total"):
        cv.read_block(rows, "data")
    cols = [[1.0, 2.0, 4.0, 7.0], [3.0, 1.0, 1.0, 5.0], [2.0, 2.0, 2.0, 6.0]]
    with pytest.raises(AggloValueError, match=r"'data' column 4 is a total"):
        cv.read_block(cols, "data")
    # totals='labels' only looks at labels (scores, indicators: sums mean nothing)
    assert cv.read_block(rows, "data", totals="labels").values.shape == (4, 2)
    assert cv.read_block(rows, "data", totals=False).values.shape == (4, 2)


def test_total_column_by_label():
    rows = [[None, "工业", "合计"], ["北京", 1.0, 3.0], ["上海", 2.0, 4.0]]
    # positions count the columns of the selection (the labels are column 1)
    with pytest.raises(AggloValueError, match=r"column 3 \('合计'\) is a total"):
        cv.read_block(rows, "data")


def test_read_vector_accepts_rows_columns_and_labels():
    assert cv.read_vector([[1.0], [2.0], [3.0]], "v").tolist() == [1.0, 2.0, 3.0]
    assert cv.read_vector([[1.0, 2.0, 3.0]], "v").tolist() == [1.0, 2.0, 3.0]
    assert cv.read_vector([["GDP"], ["1,000"], [2.0]], "v").tolist() == [1000.0, 2.0]
    with pytest.raises(AggloValueError, match=r"'v' must be a single row or column"):
        cv.read_vector([[1.0, 2.0], [3.0, 4.0]], "v")
    with pytest.raises(AggloValueError, match=r"'v' row 3 \('合计'\) is a total"):
        cv.read_vector([["北京", 1.0], ["上海", 2.0], ["合计", 3.0]], "v")


# --------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (None, "text", "dflt"),
        ([[None]], "text", "dflt"),
        ([[""]], "text", "dflt"),
        ([["Wang2021 "]], "text", "Wang2021"),
        ("eigen", "text", "eigen"),
        ([[4.0]], "int", 4),
        ("4", "int", 4),
        ([[0.5]], "number", 0.5),
        ("TRUE", "bool", True),
        ([[False]], "bool", False),
        (1.0, "bool", True),
        (2.0, "text", 2),
    ],
)
def test_read_option(value, kind, expected):
    assert cv.read_option(value, "opt", "dflt", kind) == expected


@pytest.mark.parametrize(
    ("value", "kind", "match"),
    [
        ([[1.0, 2.0]], "text", r"'opt' must be a single value"),
        ("abc", "number", r"'opt' must be a number"),
        (2.5, "int", r"'opt' must be a whole number"),
        ("maybe", "bool", r"'opt' must be TRUE or FALSE"),
        ("#REF!", "text", r"'opt' refers to an error cell"),
    ],
)
def test_read_option_errors_name_the_argument(value, kind, match):
    with pytest.raises(AggloValueError, match=match):
        cv.read_option(value, "opt", None, kind)


# --------------------------------------------------------------------------------------
# results and errors
# --------------------------------------------------------------------------------------


def test_results_become_plain_cells_with_one_nan_policy():
    out = cv.to_excel(np.array([[1.0, np.nan], [np.inf, -np.inf]]))
    assert out == [[1.0, "#N/A"], ["#NUM!", "#NUM!"]]
    assert all(type(v) in (float, str) for row in out for v in row)
    assert cv.to_excel(np.float64(2.5)) == 2.5
    assert type(cv.to_excel(np.float64(2.5))) is float
    assert cv.to_excel(np.int64(3)) == 3
    assert cv.to_excel(float("nan")) == "#N/A"
    assert cv.to_excel(np.array([1.0, 2.0])) == [[1.0], [2.0]]
    assert cv.to_row(np.array([1.0, np.nan])) == [[1.0, "#N/A"]]
    assert cv.to_column([True, "a"]) == [[True], ["a"]]


def test_table_has_header_and_is_rectangular():
    table = cv.to_table(["a", "b"], [[1.0, 2.0, 3.0], [np.nan]])
    assert table == [["a", "b"], [1.0, "#N/A"], [2.0, ""], [3.0, ""]]


def test_long_text_is_cut_to_255_characters():
    assert len(cv.to_excel("x" * 400)) == cv.MAX_TEXT
    assert len(cv.invalid("y" * 400)) == cv.MAX_TEXT


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("#N/A", "#N/A"),
        ("#NUM!", "#NUM!"),
        ("#DIV/0!", "#DIV/0!"),
        ("#VALUE! 'data' is empty.", "#VALUE!"),
        (float("nan"), "#N/A"),
        (float("inf"), "#NUM!"),
        (AggloValueError("bad"), "#VALUE!"),
        (1.5, None),
        ("北京", None),
        ("#hashtag", None),
        (True, None),
        ("", None),
    ],
)
def test_excel_error_of(value, code):
    assert cv.excel_error_of(value) == code


def test_error_message_of():
    msg = cv.invalid("'data' must be\n a block.")
    assert msg == "#VALUE! 'data' must be a block."
    assert cv.error_message_of(msg) == "'data' must be a block."
    assert cv.error_message_of("#N/A") is None
    assert cv.error_message_of(2.0) is None
    assert cv.error_message_of(ValueError("x  y")) == "x y"


# --------------------------------------------------------------------------------------
# validate once: faster paths that must change speed only, never the outcome
# --------------------------------------------------------------------------------------

_RICH_CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=0, max_value=1e6),
    st.sampled_from(
        [0.0, 1.0, 0, 1, True, False, None, "", " ", "—", "x", "1,234", "12.5%", "1/4", "abc"]
        + ["#N/A", "１２", "1_000", "nan", "inf", "-inf", "1e3", " 7 ", "\u22125", "0x10"]
        + [np.float64(2.5), np.float32(0.5), np.int64(3), np.True_, np.False_]
        + [Decimal("1.5"), Fraction(1, 3), np.array(4.0)]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
)


def _with_total(rows: list[list[object]], where: str) -> list[list[object]]:
    """Append a total row or column (the sum of the others) when all cells are numbers."""
    try:
        arr = np.array(rows, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return rows
    if not np.isfinite(arr).all() or np.abs(arr).max() > 1e300:
        return rows
    if where == "row":
        return [*rows, arr.sum(axis=0).tolist()]
    if where == "column":
        return [[*r, s] for r, s in zip(rows, arr.sum(axis=1).tolist(), strict=True)]
    return rows


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda k: st.lists(st.lists(_RICH_CELL, min_size=k, max_size=k), min_size=1, max_size=5)
    ),
    st.sampled_from([True, "labels", False]),
    st.sampled_from(["none", "row", "column"]),
)
@settings(max_examples=300, deadline=None)
def test_fast_read_agrees_with_the_policy_on_odd_cells(rows, totals, total):
    """Text that Python's float() reads but the policy refuses ("1_000", "nan"), NumPy
    scalars, Decimal, Fraction, array cells, booleans and total rows: the one-call path
    and the per-cell path give the same values, labels, missing count or message."""
    rows = _with_total(rows, total)

    def outcome(read):
        try:
            with np.errstate(all="ignore"):
                b = read(rows, "data", totals=totals)
        except AggloValueError as exc:
            return str(exc)
        return (np.nan_to_num(b.values, nan=-7.5).tolist(), b.row_labels, b.col_labels, b.missing)

    fast = outcome(cv.read_block)
    original = cv._all_numbers
    try:
        cv._all_numbers = lambda value: None
        slow = outcome(cv.read_block)
    finally:
        cv._all_numbers = original
    assert fast == slow


_EXTENSIVE = [
    ("location_quotient", "both"),
    ("krugman_specialisation", "both"),
    ("hoover_coefficient", "both"),
    ("spatial_gini", "both"),
    ("locational_gini", "both"),
    ("lq_gini", "both"),
    ("hhi", "rows"),
    ("concentration_ratio", "rows"),
]

_BLOCK_CELL = st.one_of(
    st.floats(min_value=0, max_value=1e4),
    st.sampled_from([0.0, 1.0, 2.0, np.nan, np.inf, -1.0]),
)


@st.composite
def _blocks(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    k = draw(st.integers(min_value=1, max_value=5))
    arr = np.array(draw(st.lists(_BLOCK_CELL, min_size=n * k, max_size=n * k))).reshape(n, k)
    total = draw(st.sampled_from(["none", "none", "row", "column", "near"]))
    with np.errstate(all="ignore"):
        if total == "row":
            arr = np.vstack([arr, arr.sum(axis=0)])
        elif total == "column":
            arr = np.hstack([arr, arr.sum(axis=1, keepdims=True)])
        elif total == "near":  # a row just inside / outside agglo's relative tolerance 1e-3
            factor = draw(st.sampled_from([1.0009, 0.9991, 1.0011, 0.9989, 1.002, 0.998]))
            arr = np.vstack([arr, arr.sum(axis=0) * factor])
    return arr


def _outcome(call):
    try:
        with np.errstate(all="ignore"):
            result = call()
    except AggloValueError as exc:
        return ("error", str(exc))
    return ("ok", np.nan_to_num(np.asarray(result, dtype=float), nan=-7.5).tolist())


@pytest.mark.parametrize(("name", "axes"), _EXTENSIVE)
@given(arr=_blocks())
@settings(max_examples=120, deadline=None)
def test_call_checked_gives_what_agglo_gives_with_total_rows_raise(name, axes, arr):
    """Skipping agglo's scans and its total-row search when the sums rule a total out
    changes nothing: same numbers, same message (total rows, NaN, inf, negatives)."""
    func = getattr(agglo, name)
    totals = True if axes == "both" else "rows"
    plain = _outcome(lambda: func(arr.copy(), total_rows="raise"))
    checked = _outcome(lambda: cv.call_checked(func, arr, totals=totals))
    assert checked == plain
    assert agglo.get_config()["validate_once"] is None  # registered for that call only
    assert arr.flags.writeable  # read-only during the call only


@given(arr=_blocks())
@settings(max_examples=300, deadline=None)
def test_sum_screen_never_rules_out_a_total_agglo_would_find(arr):
    with np.errstate(all="ignore"):  # inf - inf in the check of a block holding ±inf
        found_rows = tables._check_total_rows(arr, "data", policy="ignore")
        found_cols = tables._check_total_rows(arr.T, "data", policy="ignore")
    if tables._totals_ruled_out(arr):
        assert found_rows == []
        assert found_cols == []
    if tables._totals_ruled_out(arr, columns=False):
        assert found_rows == []


def test_sum_screen_examples():
    block = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 2.0], [6.0, 1.0, 3.0]])
    assert tables._totals_ruled_out(block)
    assert not tables._totals_ruled_out(np.vstack([block, block.sum(axis=0)]))
    assert not tables._totals_ruled_out(np.hstack([block, block.sum(axis=1, keepdims=True)]))
    # a total column is not looked for with columns=False (HHI, CR_n check the rows only)
    assert tables._totals_ruled_out(
        np.hstack([block, block.sum(axis=1, keepdims=True)]), columns=False
    )
    # a dominant region (over half of the total) is left to agglo's exact check
    assert not tables._totals_ruled_out(np.array([[100.0, 1.0], [1.0, 1.0], [1.0, 1.0]]))
    assert not tables._totals_ruled_out(np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]]))
    assert not tables._totals_ruled_out(np.array([[1.0, np.inf], [2.0, 3.0], [4.0, 5.0]]))
    assert not tables._totals_ruled_out(np.zeros((3, 3)))
    assert not tables._totals_ruled_out(np.array([1.0, 2.0, 3.0]))
    assert not tables._totals_ruled_out([[1.0, 2.0], [3.0, 4.0]])


_FLAGS = st.fixed_dictionaries(
    {
        "ndim": st.sampled_from([None, 1, 2, (1, 2), (0, 1)]),
        "non_negative": st.booleans(),
        "positive": st.booleans(),
        "allow_nan": st.booleans(),
        "allow_inf": st.booleans(),
        "min_size": st.sampled_from([1, 3, 20]),
    }
)


@given(arr=_blocks(), flags=_FLAGS)
@settings(max_examples=300, deadline=None)
def test_validate_once_as_array_returns_what_the_full_checks_return(arr, flags):
    def check(a):
        out = _validation.as_array(a, "data", **flags)
        return out, out is a, out.flags.writeable, out.dtype

    def outcome(call):
        try:
            out, same, writeable, dtype = call()
        except AggloValueError as exc:
            return str(exc)
        return np.nan_to_num(out, nan=-7.5).tolist(), same, writeable, dtype

    def validated():
        with agglo.config_context(validate_once=arr):
            return check(arr)

    assert outcome(validated) == outcome(lambda: check(arr))


def test_validate_once_trusts_only_that_array_inside_the_block():
    clean = np.array([[1.0, 2.0], [3.0, 4.0]])
    other = np.array([[1.0, np.nan], [-3.0, 4.0]])
    seen = []

    def inner(a):
        seen.append(agglo.get_config()["validate_once"] is a)
        # another array, even an equal copy, gets the full checks
        with pytest.raises(AggloValueError, match=r"'other' must not contain missing values"):
            _validation.as_array(other, "other", allow_nan=False)
        copy = _validation.as_array(a.copy(), "copy", non_negative=True)
        assert copy.tolist() == a.tolist()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"), agglo.config_context(validate_once=clean):
        inner(clean)
    assert seen == [True]
    assert agglo.get_config()["validate_once"] is None  # reset after an exception too
    assert clean.flags.writeable
    # arrays that are not finite float64 are never registered
    for arr in (other, np.array([[1, 2]]), np.zeros((0, 2)), [[1.0, 2.0]]):
        with agglo.config_context(validate_once=arr):
            seen.append(agglo.get_config()["validate_once"] is None)
    assert seen == [True, True, True, True, True]
    # the messages are the full path's
    negative = -clean
    with (
        pytest.raises(AggloValueError, match=r"'data' must be non-negative \(>= 0\); found -1"),
        agglo.config_context(validate_once=negative),
    ):
        _validation.as_matrix(negative, "data", non_negative=True)


def _old_cell(x):
    """The cell conversion before the float fast path (reference for the test below)."""
    if isinstance(x, str):
        return x if len(x) <= cv.MAX_TEXT else x[: cv.MAX_TEXT - 1] + "…"
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if x is None:
        return ""
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        f = float(x)
        if f != f:
            return cv.NA
        if math.isinf(f):
            return "#NUM!"
        return f
    return str(x)[: cv.MAX_TEXT]


def _old_table(header, columns):
    cols = [
        np.asarray(c.to_numpy() if hasattr(c, "to_numpy") else c, dtype=object).reshape(-1)
        for c in columns
    ]
    n = max((len(c) for c in cols), default=0)
    body = [[_old_cell(c[i]) if i < len(c) else "" for c in cols] for i in range(n)]
    return [[_old_cell(h) for h in header], *body]


_RESULT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.sampled_from([np.float64(np.nan), np.float32(1.5), np.int64(7), np.True_, 1.0 + 2.0j]),
)
_COLUMN = st.one_of(
    st.lists(_RESULT, max_size=6),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6).map(np.array),
    st.lists(st.floats(allow_nan=True, width=32), max_size=6).map(
        lambda v: np.array(v, dtype=np.float32)
    ),
    st.lists(st.integers(min_value=-(10**6), max_value=10**6), max_size=6).map(np.array),
    st.lists(st.booleans(), max_size=6).map(np.array),
    st.lists(st.floats(allow_nan=True), max_size=6).map(pd.Series),
    st.lists(st.text(max_size=3), max_size=6),
)


@given(st.lists(_RESULT, max_size=4), st.lists(_COLUMN, max_size=4))
@settings(max_examples=300, deadline=None)
def test_table_and_cells_are_what_the_per_cell_conversion_gives(header, columns):
    def typed(table):
        return [[(type(v), v if v == v else "nan") for v in row] for row in table]

    assert typed(cv.to_table(header, columns)) == typed(_old_table(header, columns))
    for x in header:
        assert (type(cv._cell(x)), cv._cell(x)) == (type(_old_cell(x)), _old_cell(x))


def test_table_columns_of_any_kind():
    table = cv.to_table(
        ["name", "w", "rank", "flag"],
        [["甲", "乙", "丙"], np.array([0.5, np.nan, np.inf]), np.array([1, 2]), [True, None, 2.5]],
    )
    assert table == [
        ["name", "w", "rank", "flag"],
        ["甲", 0.5, 1, True],
        ["乙", "#N/A", 2, ""],
        ["丙", "#NUM!", "", 2.5],
    ]
    assert [type(v) for v in table[1]] == [str, float, int, bool]
    assert cv.to_table(["a"], []) == [["a"]]


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=6),
        st.sampled_from([" ratio ", "#N/A", " ", "TRUE", "1,000", "12.5%", "x", "0", "4.0"]),
    ),
    st.sampled_from(["text", "number", "int", "bool", "any"]),
)
@settings(max_examples=400, deadline=None)
def test_read_option_literal_shortcut_answers_as_the_general_way(value, kind):
    """A literal is answered before unwrapping; a one-cell range takes the general way."""

    def outcome(v):
        try:
            out = cv.read_option(v, "opt", "DEFAULT", kind)
        except AggloValueError as exc:
            return str(exc)
        return type(out), out if out == out else "nan"

    assert outcome(value) == outcome([[value]])
