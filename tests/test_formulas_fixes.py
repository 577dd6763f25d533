"""The replacements of ``formulas`` functions: Excel's results, and a guard for upgrades."""

from __future__ import annotations

import openpyxl
import pytest
from agglo_addin import engine, formulas_fixes, xlsx


def test_the_targeted_formulas_version_still_has_the_defects():
    """Fails when ``formulas`` is upgraded: check that the replacements are still needed
    (the defects below) and still fit (``wrap_ufunc``), then update TARGET_VERSION."""
    import formulas
    from formulas.functions import wrap_ufunc  # noqa: F401 - what the replacements use

    assert formulas.__version__ == formulas_fixes.TARGET_VERSION
    func = formulas.Parser().ast("=ROUND(1122.485,2)")[1].compile()
    assert float(func()) == 1122.48  # the defects replaced here (Excel: 1122.49, -23)
    func = formulas.Parser().ast("=_xlfn.CEILING.MATH(-23.5)")[1].compile()
    assert float(func()) == 24


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
