"""The bridge to ``formulas`` (addin/engine/bridge.py): a guard for upgrades, and the
replaced functions giving Excel's results."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import openpyxl
import pytest
from agglo_addin import engine, xlsx
from agglo_addin.engine import bridge

ENGINE = Path(engine.__file__).parent


def test_the_targeted_formulas_version_still_has_the_defects():
    """Fails when ``formulas`` is upgraded: check that the replacements are still needed
    (the defects below) and that what the bridge uses still exists (next test), then
    update TARGET_VERSION and the pin in pyproject.toml."""
    import formulas

    assert formulas.__version__ == bridge.TARGET_VERSION
    func = formulas.Parser().ast("=ROUND(1122.485,2)")[1].compile()
    assert float(func()) == 1122.48  # the defects replaced here (Excel: 1122.49, -23)
    func = formulas.Parser().ast("=_xlfn.CEILING.MATH(-23.5)")[1].compile()
    assert float(func()) == 24
    func = formulas.Parser().ast("=--TRUE")[1].compile()
    assert func().item() is True  # the double minus, kept by agglo_addin.keep_cached (Excel: 1)


@pytest.mark.parametrize("internal", bridge.INTERNALS)
def test_what_the_bridge_uses_of_formulas_exists(internal):
    module, _, path = internal.partition(":")
    obj = importlib.import_module(module)
    for name in path.split("."):
        assert hasattr(obj, name), internal
        obj = getattr(obj, name)


def test_the_stat_module_imports_the_scipy_names_that_are_deferred():
    # defer_scipy_for_formulas stands in for exactly these names while the module loads
    import formulas.functions.stat as stat

    source = Path(stat.__file__).read_text(encoding="utf-8")
    imported = {
        (node.module, alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scipy")
        for alias in node.names
    }
    expected = {(m, n) for m, names in bridge._SCIPY_NAMES.items() for n in names}
    assert imported == expected


def test_only_the_bridge_imports_formulas_or_schedula():
    """Everything that touches the calculation engine lives in one module."""
    found = {}
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                mods = [node.module or ""]
            else:
                continue
            hits = [m for m in mods if m.split(".")[0] in ("formulas", "schedula")]
            if hits:
                found.setdefault(path.name, set()).update(hits)
    assert set(found) == {"bridge.py"}, found


@pytest.mark.parametrize(
    ("formula", "excel"),
    [
        ("=ROUND(1122.485,2)", 1122.49),
        ("=ROUND(-2.675,2)", -2.68),
        ("=ROUND(14.25,1)", 14.3),
        ("=ROUND(1234.5,-2)", 1200),
        ("=ROUND(2.5,0)", 3),
        ("=ROUNDUP(0.1+0.2,1)", 0.3),
        ("=ROUNDUP(-3.14159,2)", -3.15),
        ("=ROUNDDOWN(-7.25,0)", -7),
        ("=ROUNDDOWN(1.999,2.9)", 1.99),
        # Microsoft's CEILING.MATH and FLOOR.MATH examples, and the negatives of the defect
        ("=_xlfn.CEILING.MATH(24.3,5)", 25),
        ("=_xlfn.CEILING.MATH(6.7)", 7),
        ("=_xlfn.CEILING.MATH(-8.1,2)", -8),
        ("=_xlfn.CEILING.MATH(-5.5,2,-1)", -6),
        ("=_xlfn.CEILING.MATH(-23.5)", -23),
        ("=_xlfn.FLOOR.MATH(24.3,5)", 20),
        ("=_xlfn.FLOOR.MATH(6.7)", 6),
        ("=_xlfn.FLOOR.MATH(-8.1,2)", -10),
        ("=_xlfn.FLOOR.MATH(-5.5,2,-1)", -4),
        ("=_xlfn.FLOOR.MATH(-23.5)", -24),
        ("=_xlfn.CEILING.MATH(0.3,0.1)", 0.3),
    ],
)
def test_rounding_in_a_workbook_equals_excel(tmp_path, formula, excel):
    # values from Microsoft's ROUND/ROUNDUP/ROUNDDOWN documentation and Excel 365
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = formula
    p = tmp_path / "r.xlsx"
    wb.save(p)
    ev = engine.evaluate_package(xlsx.read_package(p), registry={}, all_formulas=True)
    assert ev.values[("S", "A1")] == pytest.approx(excel, abs=0)
    # the replacement is installed only while a workbook is evaluated
    import formulas

    func = formulas.Parser().ast("=ROUND(1122.485,2)")[1].compile()
    assert float(func()) == 1122.48
