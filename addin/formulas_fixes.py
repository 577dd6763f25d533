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


def replacements() -> dict[str, object]:
    """Function-table entries (NAME → the function ``formulas`` calls) to install."""
    import functools

    from formulas.functions import wrap_ufunc

    out = {}
    for name, mode in (("ROUND", ROUND_HALF_UP), ("ROUNDUP", ROUND_UP), ("ROUNDDOWN", ROUND_DOWN)):
        out[name] = wrap_ufunc(functools.partial(excel_round, mode=mode))
    return out
