"""Column letters and A1 addresses (:mod:`agglo.cells`), the one implementation.

Round trips (letters ↔ number, address ↔ (row, column), range ↔ corners, quoted sheet
name ↔ name) with hypothesis; every column of Excel against openpyxl's conversion; the
places that used to carry their own copy now hand out these functions.
"""

from __future__ import annotations

import inspect
import re

import pytest
from agglo import cells
from agglo.cells import (
    MAX_COLUMNS,
    cell_address,
    column_index,
    column_letter,
    parse_cell,
    parse_range,
    quote_sheet,
    range_address,
    unquote_sheet,
)
from hypothesis import given
from hypothesis import strategies as st

columns = st.integers(1, 18_278)  # every column of 1 to 3 letters (ZZZ)
rows = st.integers(1, 1_048_576)
sheet_names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=31,
)


def test_known_columns():
    assert [column_letter(c) for c in (1, 2, 26, 27, 52, 53, 702, 703, 16384, 18278)] == [
        "A", "B", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD", "ZZZ",
    ]  # fmt: skip
    assert column_index("xfd") == column_index("XFD") == 16384


def test_every_excel_column_agrees_with_openpyxl():
    from openpyxl.utils import column_index_from_string, get_column_letter

    for c in range(1, MAX_COLUMNS + 1):
        letters = column_letter(c)
        assert letters == get_column_letter(c)
        assert column_index(letters) == column_index_from_string(letters) == c


@given(columns)
def test_column_round_trip(c):
    assert column_index(column_letter(c)) == c
    assert column_index(column_letter(c).lower()) == c


@given(st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=5))
def test_letters_round_trip(letters):
    assert column_letter(column_index(letters)) == letters


@pytest.mark.parametrize("bad", [0, -1])
def test_column_below_one_raises(bad):
    with pytest.raises(ValueError, match="column must be >= 1"):
        column_letter(bad)


@pytest.mark.parametrize("bad", ["", "A1", "Ä", " A", "$A"])
def test_not_letters_raise(bad):
    with pytest.raises(ValueError, match="not column letters"):
        column_index(bad)


@given(rows, columns, st.booleans())
def test_cell_round_trip(r, c, absolute):
    text = cell_address(r, c, absolute=absolute)
    assert text.count("$") == (2 if absolute else 0)
    assert parse_cell(text) == (r, c)
    assert parse_cell(text.lower()) == (r, c)


@given(rows, columns, rows, columns, st.booleans())
def test_range_round_trip(r1, c1, r2, c2, absolute):
    text = range_address(r1, c1, r2, c2, absolute=absolute)
    assert (":" in text) == ((r1, c1) != (r2, c2))
    assert parse_range(text) == (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


@given(sheet_names, st.booleans())
def test_sheet_round_trip(name, always):
    quoted = quote_sheet(name, always=always)
    assert unquote_sheet(quoted) == name
    if always or quoted != name:
        assert quoted[0] == quoted[-1] == "'"
        assert "'" not in quoted[1:-1].replace("''", "")


@given(sheet_names, rows, columns)
def test_sheet_qualified_address_splits_back(name, r, c):
    text = cell_address(r, c, name)
    sheet, _, ref = text.rpartition("!")
    assert unquote_sheet(sheet) == name
    assert parse_cell(ref) == (r, c)


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("Data", "Data"),
        ("Sheet1", "Sheet1"),
        ("_x.y", "_x.y"),
        ("Sheet 1", "'Sheet 1'"),
        ("数据", "'数据'"),
        ("2024", "'2024'"),
        ("AB12", "'AB12'"),
        ("Tom's", "'Tom''s'"),
    ],
)
def test_quoting(name, quoted):
    assert quote_sheet(name) == quoted
    assert quote_sheet(name, always=True) == "'" + name.replace("'", "''") + "'"


@pytest.mark.parametrize("bad", ["12B", "B", "B3x", "A1:B2", "", "AAAA1", "Sheet!A1"])
def test_not_a_cell_raises(bad):
    with pytest.raises(ValueError, match="not a cell reference"):
        parse_cell(bad)


def test_parse_range_single_cell_and_order():
    assert parse_range("$D$5:B2") == (2, 2, 5, 4)
    assert parse_range("c7") == (7, 3, 7, 3)
    with pytest.raises(ValueError, match="not a cell reference: 'B2x'"):
        parse_range("A1:B2x")


def test_every_public_name_is_documented_with_an_example_and_a_source():
    for name in cells.__all__:
        obj = getattr(cells, name)
        if not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        for section in ("Parameters", "Returns", "References", "Examples"):
            assert re.search(rf"^{section}\n-+$", doc, re.M), f"cells.{name}: no {section}"
        assert ">>> " in doc, f"cells.{name}: no doctest"


def test_the_former_copies_are_these_functions():
    """The add-in, the package reader and the messages use agglo.cells, not copies."""
    from agglo import _messages
    from agglo_addin import layouts, xlsx

    assert xlsx.col_to_num is column_index
    assert xlsx.num_to_col is column_letter
    assert xlsx.split_ref is parse_cell
    assert xlsx.parse_range is parse_range
    assert xlsx.cell_ref is cell_address
    assert layouts.column_letter is column_letter
    assert layouts.address is cell_address
    assert _messages.cell_address is cell_address
    assert _messages.column_letters is column_letter
