"""Replacements for functions of the ``formulas`` library that it computes unlike Excel.

Everything here touches ``formulas``' internals (its function table and its
``wrap_ufunc`` helper); it was written for :data:`TARGET_VERSION`, and
``tests/test_formulas_fixes.py`` fails when an upgrade changes what it relies on (or
fixes the defect, so that the replacement can go).  The replacements are installed
only while a workbook is evaluated (:func:`agglo_addin.engine._register` saves and
restores the table).

``ROUND``, ``ROUNDUP``, ``ROUNDDOWN``
    ``formulas`` multiplies by a power of ten in binary floating point and rounds the
    product, so ``ROUND(1122.485,2)`` gives 1122.48 (1122.485 × 100 is
    112248.49999999999).  Excel rounds the number as it shows it, to 15 significant
    digits: 1122.49 (LibreOffice too).  Hand-written because no library function
    rounds a double through its 15-digit decimal form.
``CEILING.MATH``, ``FLOOR.MATH``
    ``formulas`` rounds the magnitude of a negative number: ``CEILING.MATH(-23.5)``
    gives 24 instead of -23.  Written from Microsoft's definition (mode decides the
    direction of negative numbers), checked on its documented examples.
``PIVOTBY``, ``GROUPBY``
    ``formulas`` builds a pandas DataFrame of the aggregated cells, and an error value
    (``XlError``, a ``str`` subclass) among them is inferred as pandas' ``str`` dtype.
    When PyArrow is installed, pandas stores that column in an Arrow array, which keeps
    only plain strings: the error comes back as the text ``"#VALUE!"``.  The same
    functions, run with pandas' strings stored as Python objects
    (``mode.string_storage = "python"``, what pandas uses without PyArrow), keep it.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext

#: the ``formulas`` version these replacements were written and tested for
TARGET_VERSION = "1.3.4"


def excel_round(x: float, digits: float, mode: str = ROUND_HALF_UP) -> float:
    """Round ``x`` to ``digits`` decimals as Excel does: from its 15-digit decimal form.

    >>> excel_round(1122.485, 2), excel_round(-2.675, 2), excel_round(1234.5, -2)
    (1122.49, -2.68, 1200.0)
    >>> excel_round(0.1 + 0.2, 1, ROUND_UP), excel_round(-7.25, 0, ROUND_DOWN)
    (0.3, -7.0)
    """
    if not math.isfinite(x):
        raise ValueError("not a finite number")
    d = int(digits)  # Excel truncates the number of digits
    with localcontext() as ctx:
        ctx.prec = 400  # enough for any double at any number of digits Excel accepts
        dec = Decimal(f"{x:.15g}")
        return float(dec.quantize(Decimal(1).scaleb(-d), rounding=mode))


def ceiling_math(number: float, significance: float = 1, mode: float = 0) -> float:
    """Excel's CEILING.MATH: up to a multiple of ``|significance|``; a negative number
    goes toward zero, or away from it when ``mode`` is not 0.

    >>> ceiling_math(24.3, 5), ceiling_math(6.7), ceiling_math(-8.1, 2), ceiling_math(-5.5, 2, -1)
    (25.0, 7.0, -8.0, -6.0)
    """
    return _to_multiple(number, significance, ROUND_UP if number < 0 and mode else _CEIL)


def floor_math(number: float, significance: float = 1, mode: float = 0) -> float:
    """Excel's FLOOR.MATH: down to a multiple of ``|significance|``; a negative number
    goes away from zero, or toward it when ``mode`` is not 0.

    >>> floor_math(24.3, 5), floor_math(6.7), floor_math(-8.1, 2), floor_math(-5.5, 2, -1)
    (20.0, 6.0, -10.0, -4.0)
    """
    return _to_multiple(number, significance, ROUND_DOWN if number < 0 and mode else _FLOOR)


_CEIL, _FLOOR = "ROUND_CEILING", "ROUND_FLOOR"


def _to_multiple(number: float, significance: float, rounding: str) -> float:
    if not (math.isfinite(number) and math.isfinite(significance)):
        raise ValueError("not a finite number")
    if number == 0 or significance == 0:
        return 0.0
    with localcontext() as ctx:
        ctx.prec = 400
        sig = abs(Decimal(f"{significance:.15g}"))
        q = (Decimal(f"{number:.15g}") / sig).quantize(Decimal(1), rounding=rounding)
        return float(q * sig)


def _python_strings(fn):
    """``fn`` run with pandas' strings stored as Python objects (error values kept)."""
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        import pandas as pd  # imported by the function anyway; only when it runs

        with pd.option_context("mode.string_storage", "python"):
            return fn(*args, **kwargs)

    return call


def replacements() -> dict[str, object]:
    """Function-table entries (NAME → the function ``formulas`` calls) to install."""
    import functools

    from formulas.functions import look, wrap_ufunc

    out = {}
    for name in ("PIVOTBY", "_XLFN.PIVOTBY", "GROUPBY", "_XLFN.GROUPBY"):
        out[name] = _python_strings(look.FUNCTIONS[name])
    for name, mode in (("ROUND", ROUND_HALF_UP), ("ROUNDUP", ROUND_UP), ("ROUNDDOWN", ROUND_DOWN)):
        out[name] = wrap_ufunc(functools.partial(excel_round, mode=mode))
    for name, fn in (("CEILING.MATH", ceiling_math), ("FLOOR.MATH", floor_math)):
        out[name] = out[f"_XLFN.{name}"] = wrap_ufunc(fn)
    return out
