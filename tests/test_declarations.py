"""The worksheet functions are declared once (``agglo_addin.declarations``): every place
that lists them — the xlwings wrappers, the headless engine, xlwings Lite's ``main.py``,
the README table, the formulas the report scripts write — follows the declarations."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from agglo_addin import declare, udfs
from agglo_addin.declarations import DECLARATIONS

README = Path(__file__).resolve().parents[1] / "README.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
BY_NAME = {d.name: d for d in DECLARATIONS}


def test_one_declaration_per_worksheet_function():
    names = [n for d in DECLARATIONS for n in d.names()]
    assert len(names) == len(set(names)) == 77
    assert sorted(names) == sorted(udfs.REGISTRY)
    assert {a: d.name for d in DECLARATIONS for a in d.aliases} == udfs.CLASSIC_ALIASES
    assert udfs.REQUIRES["DISTWEIGHTS"] == ("inverse_distance_weights", "distance_band_weights")
    assert udfs.lite_names() == declare.lite_names() == sorted(BY_NAME)


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_declaration_has_chinese_and_english_help(decl):
    assert CJK.search(decl.zh), decl.name
    assert re.search(r"[A-Za-z]{3}", decl.en), decl.name
    assert 20 <= len(decl.doc) <= 255, (decl.name, len(decl.doc))
    assert not re.search(r"paper ?0", decl.doc, flags=re.I)
    for alias_doc in decl.aliases.values():
        assert len(alias_doc) <= 255
    for arg in decl.args:
        assert CJK.search(arg.zh), (decl.name, arg.name)
        assert re.search(r"[A-Za-z]{3}", arg.en), (decl.name, arg.name)
        assert 5 <= len(arg.doc) <= 255, (decl.name, arg.name, len(arg.doc))
        assert not re.search(r"paper ?0", arg.doc, flags=re.I), (decl.name, arg.name)


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_wrapper_signature_and_docs_come_from_the_declaration(decl):
    for name in decl.names():
        f = udfs.REGISTRY[name]
        params = list(inspect.signature(f).parameters.values())[:-1]  # minus 'caller'
        assert [p.name for p in params] == [a.name for a in decl.args]
        for p, a in zip(params, decl.args, strict=True):
            assert p.default == (inspect.Parameter.empty if not a.optional else a.default)
        assert f.__doc__ == (decl.doc if name == decl.name else decl.aliases[name])


def test_a_declaration_that_contradicts_its_adapter_is_refused():
    decl = BY_NAME["HHI"]
    with pytest.raises(ValueError, match="default of percent differs"):
        declare.Declaration(
            "HHIX",
            ("hhi",),
            "x",
            decl.zh,
            decl.en,
            (*decl.args[:2], declare.Arg("percent", "bool", "百分数", "percent", True)),
            "per series",
            adapter=decl.adapter,
        )
    with pytest.raises(ValueError, match="needs an adapter"):
        declare.Declaration("TBL", ("hhi",), "x", "表", "table", decl.args, "table")


def test_generated_wrapper_is_a_plain_python_function():
    """Missing and extra arguments fail as in any Python call, naming the function."""
    assert udfs.RESCALE([[1.0], [2.0]]) == (
        "#VALUE! RESCALE: TypeError: RESCALE() missing 2 required positional arguments: "
        "'low' and 'high'"
    )
    assert udfs.RESCALE([[50.0], [75.0], [100.0]], 50, 100) == [[0.0], [0.5], [1.0]]


def test_headless_callables_equal_the_decorated_ones():
    plain = declare.plain_registry()
    assert sorted(plain) == sorted(udfs.REGISTRY)
    data = [["", "a", "b"], ["x", 1.0, 2.0], ["y", 3.0, 5.0], ["z", 2.0, 2.0]]
    for name in ("LQ", "LQRATIO", "HHI", "KRUGMAN", "HOOVER", "SPATIALGINI", "SHARE", "TOPSIS"):
        assert plain[name](data) == udfs.REGISTRY[name](data), name
        assert not hasattr(plain[name], "__xlfunc__")
    # m = 1: m/2 -> 50, 2m -> 100, linear in between: 1 -> 50 + 0.5/1.5·50
    assert plain["LQSCORE"]([[0.5], [1.0], [2.0]], 50, 100, 1.0) == [[50.0], [200 / 3], [100.0]]


def test_formula_puts_arguments_in_their_declared_places():
    assert declare.formula("CTD", "A1:B9", method='"wang2021"') == '=CTD(A1:B9,,"wang2021")'
    assert declare.formula("LQ", "A1:C9", grand_total="D1") == "=LQ(A1:C9,,,D1)"
    assert declare.formula("HHI", "A1:C9") == "=HHI(A1:C9)"
    with pytest.raises(ValueError, match="HHI has no argument 'weights'"):
        declare.formula("HHI", "A1:C9", weights="D1:D9")
    with pytest.raises(ValueError, match="HHI takes 3 arguments"):
        declare.formula("HHI", "A1:C9", "TRUE", "FALSE", "1")


def test_formula_writes_blank_in_the_places_left_out_before_the_last_given():
    assert declare.formula("BETACONV", "WAGE", fixed_effects="TRUE", years="YEARS", blank='""') == (
        '=BETACONV(WAGE,"","","",TRUE,YEARS)'
    )
    assert declare.formula("THEIL", "W", groups="REGION", blank='""') == '=THEIL(W,"",REGION)'
    # places left out after the last one given are dropped whatever blank is
    assert declare.formula("THEIL", "W", blank='""') == "=THEIL(W)"
    assert declare.formula("THEIL", "W", groups="REGION") == "=THEIL(W,,REGION)"


def test_readme_table_is_the_generated_one():
    """Regenerate with ``python -m agglo_addin.declare README.md``."""
    text = README.read_text(encoding="utf-8")
    assert declare.readme_with_table(text) == text, (
        "README's table of worksheet functions differs from the declarations; run "
        "`python -m agglo_addin.declare README.md`"
    )
    table = text[text.index(declare.README_START) : text.index(declare.README_END)]
    assert table.count("\n| `") == len(DECLARATIONS)
    assert (
        '| `LQRATIO(data, [region_totals], [industry_totals], [grand_total], [form="ratio"], '
        "[threshold=1])` (classic also `LQ`) | 区位熵" in table
    )
    # a | inside a description would split the row: Krugman's Σ_k |s_rk − s_k|
    assert "Σ_k &#124;s_rk − s_k&#124;" in table


def test_readme_regeneration_command(tmp_path, capsys):
    text = README.read_text(encoding="utf-8")
    start = text.index(declare.README_START) + len(declare.README_START)
    stale = text[:start] + "\n| old | table |\n" + text[text.index(declare.README_END) :]
    path = tmp_path / "README.md"
    path.write_text(stale, encoding="utf-8")
    assert declare.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    assert "updated" in capsys.readouterr().out
    declare.main([str(path)])
    assert "already up to date" in capsys.readouterr().out


def test_no_internal_paper_labels_in_the_worksheet_functions():
    for module in ("udfs.py", "declarations.py", "declare.py"):
        source = (Path(udfs.__file__).parent / module).read_text(encoding="utf-8")
        assert not re.search(r"paper ?00\d", source, flags=re.I), module
