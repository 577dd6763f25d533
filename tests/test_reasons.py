"""Clear reasons in the reports of ``agglo refresh`` / ``agglo share`` (no internal
exception text, no guesses such as "another file?")."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from agglo_addin import engine, engine_cli, reasons
from agglo_addin.cli import main

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"  # as tests/conftest.py
_INTERNAL = re.compile(r"\b\w+Error\b|Traceback|another file\?")


def _book(path, extra=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b", "total"])
    ws.append(["X", 10.0, 30.0, "=B2+C2"])
    ws.append(["Y", 20.0, 40.0, "=B3+C3"])
    ws.append(["all", "=SUM(B2:B3)", "=SUM(C2:C3)", "=SUM(D2:D3)"])
    ws["F2"] = "=LQ(B2,D2,B4,D4)"
    for k, v in (extra or {}).items():
        ws[k] = v
    wb.save(path)
    return path


def _rewrite(path, part, fn):
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, fn(data) if info.filename == part else data)


def _with_data_table(path):
    """I2 holds a one-variable What-If data table ({=TABLE(,B2)} in Excel's bar)."""
    _book(path, {"H1": 1, "H2": 2, "I1": "=F2*2"})

    def add(data):
        new = data.replace(
            b'<c r="H2" t="n"><v>2</v></c>',
            b'<c r="H2" t="n"><v>2</v></c><c r="I2"><f t="dataTable" ref="I2:I2" dt2D="0" '
            b'dtr="0" r1="B2"/><v>5</v></c>',
        )
        assert new != data
        return new

    _rewrite(path, "xl/worksheets/sheet1.xml", add)
    return path


@pytest.fixture(autouse=True)
def _needs_lq():
    if "LQ" not in engine.default_registry():
        pytest.skip("agglo_addin.udfs.REGISTRY has no LQ")


def test_unsupported_function_is_named_and_no_traceback_is_printed(tmp_path, capfd):
    p = _book(tmp_path / "b.xlsx", {"F3": '=LQ(B3,D3,B4,D4)+CUBEVALUE("x")'})
    code = main(["refresh", "--json", str(p)])
    out, err = capfd.readouterr()
    assert code == engine_cli.EXIT_EVAL_ERRORS
    (prob,) = json.loads(out)["files"][0]["problems"]
    assert prob["cell"] == "F3"
    assert prob["kind"] == "unsupported_function"
    assert prob["functions"] == ["CUBEVALUE"]
    assert prob["reason"].startswith("无头引擎不支持函数 CUBEVALUE")
    assert "CUBEVALUE" in prob["reason"].split(" the ", 1)[1]
    assert "Traceback" not in err
    assert "NotImplementedError" not in err


def test_a_data_table_is_reported_as_such(tmp_path, capsys):
    p = _with_data_table(tmp_path / "b.xlsx")
    before = p.read_bytes()
    code = main(["refresh", "--all", "--json", str(p)])
    d = json.loads(capsys.readouterr().out)["files"][0]
    text = d["message"] + " ".join(x["reason"] for x in d["problems"])
    assert not _INTERNAL.search(text), text
    if d["status"] == "refused":
        assert code == engine_cli.EXIT_REFUSED
        assert d["kind"] == "data_table"
        assert d["message"].index("模拟运算表") < d["message"].index("What-If data table")
        assert p.read_bytes() == before
    else:  # an engine that keeps the data table's cached value reports the cell
        assert [x["kind"] for x in d["problems"] if x["cell"] == "I2"] == ["data_table"]


def test_an_internal_error_becomes_a_clear_refusal(tmp_path, capsys, monkeypatch):
    p = _book(tmp_path / "b.xlsx")

    def broken(*a, **k):
        raise AttributeError("'NoneType' object has no attribute 'text'")

    monkeypatch.setattr(engine, "refresh_workbook", broken)
    code = main(["refresh", "--json", str(p)])
    d = json.loads(capsys.readouterr().out)["files"][0]
    assert code == engine_cli.EXIT_REFUSED
    assert d["status"] == "refused"
    assert d["kind"] == "unreadable"
    assert not _INTERNAL.search(d["message"])
    assert d["message"].startswith("引擎无法读取 b.xlsx")
    assert "AttributeError" in d["detail"]  # kept for a bug report, out of the message


def test_a_libreoffice_file_the_engine_cannot_read_says_so(tmp_path):
    p = _book(tmp_path / "b.xlsx")
    _rewrite(
        p,
        "docProps/app.xml",
        lambda d: re.sub(
            rb"<Application>[^<]*<", b"<Application>LibreOffice/7.4.7.2$Linux_X86_64 <", d
        ),
    )
    d = reasons.explain_refusal({"path": str(p), "status": "refused",
                                 "message": "b.xlsx: the evaluator could not read the workbook "
                                 "(KeyError: 'xl/styles.xml')"})  # fmt: skip
    assert d["kind"] == "libreoffice_file"
    assert "LibreOffice" in d["message"]
    assert "KeyError" not in d["message"]


@pytest.mark.parametrize(
    ("formula", "kind", "words"),
    [
        ("=LQ([1]Sheet1!B3,D3,B4,D4)", "external_link", "another workbook"),
        ("=LQ('C:\\data\\[y2023.xlsx]Data'!B3,D3,B4,D4)", "external_link", "another workbook"),
        ('=LQ(INDIRECT("B"&2),D3,B4,D4)', "unresolved_reference", "INDIRECT"),
        ("=LQ(#REF!,D3,B4,D4)", "unresolved_reference", "deleted"),
        ("=A0", "unresolved_reference", "A0 in the formula is not a cell"),
        ("=SUM(Data!B2)+X", "unresolved_reference", "cannot resolve"),
    ],
)
def test_another_file_is_replaced_by_what_the_formula_shows(formula, kind, words):
    guess = (
        "not evaluated: the formula uses a reference the headless engine cannot follow "
        "(another file?); its cached value was kept"
    )
    p = reasons.explain_problem({"sheet": "S", "cell": "A1", "formula": formula, "reason": guess})
    assert p["kind"] == kind
    assert words in p["reason"]
    assert "another file?" not in p["reason"]
    assert p["detail"] == guess


def test_messages_of_agglo_functions_are_left_as_they_are():
    msg = "LQ: 区域合计为 0 / the region total is 0 (cell B4)"
    p = reasons.explain_problem({"sheet": "S", "cell": "A1", "formula": "=LQ(B2,D2,B4,D4)",
                                 "reason": msg}, {"LQ"})  # fmt: skip
    assert p["kind"] == "agglo_message"
    assert p["reason"] == msg


def test_corpus_workbook_reasons_have_no_guess(tmp_path, capsys):
    book = next(SHARED.joinpath("corpus").rglob("tests_errors.xlsx"), None)
    if book is None:
        pytest.skip("corpus workbook tests_errors.xlsx not available")
    main(["refresh", "--all", "--json", "--out", str(tmp_path / "o.xlsx"), str(book)])
    d = json.loads(capsys.readouterr().out)["files"][0]
    assert d["problems"], "the workbook has a formula the engine cannot evaluate"
    for p in d["problems"]:
        assert p["kind"] in reasons.PROBLEM_KINDS
        assert not _INTERNAL.search(p["reason"]), p


_TEXT_NUMBER = (
    "not evaluated: the formula uses a function reading a number stored as text (A1), "
    "which Excel's functions ignore and the headless engine would add"
)
_VOLATILE = (
    "not evaluated: the formula uses the volatile function RAND (its value changes at "
    "every recalculation)"
)
_INEXACT = (
    "not evaluated: the formula uses the function TEXT, which the headless engine does "
    "not evaluate like Excel (halves)"
)


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (_TEXT_NUMBER, "number_stored_as_text"),
        (_VOLATILE, "volatile_function"),
        (_INEXACT, "inexact_function"),
    ],
)
def test_kept_formulas_get_their_kind_and_a_chinese_reason(reason, kind):
    from agglo_addin.reasons import explain

    (p,) = explain({"problems": [{"sheet": "S", "cell": "C1", "formula": "=F(A1)", "reason": reason}], "warnings": []})["problems"]  # fmt: skip
    assert p["kind"] == kind
    assert re.match(r"[\u3400-\u9fff]", p["reason"])
    assert p["detail"] == reason
