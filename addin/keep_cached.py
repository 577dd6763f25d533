"""Which formulas the headless engine does not evaluate right: their cached values are kept.

One place for the policy "never a plausible wrong number" in ``agglo refresh``: a
formula whose value the engine cannot compute the way Excel does keeps the value Excel
last stored, and it is reported with the reason (``--check`` fails on it, ``--json``
lists it).  Formulas depending on such a cell are computed from its cached value.

The reasons, in the order they are checked:

* a What-If data table (``{=TABLE(...)}``): Excel recomputes it by substitution, no
  engine here does;
* a reference to another workbook (an external link ``[1]Sheet!A1`` or
  ``'C:\\dir\\[book.xlsx]Sheet'!A1``): that file is never opened;
* a volatile function (``RAND``, ``RANDBETWEEN``, ``NOW`` ...): its value changes at
  every recalculation, so no recomputed value is "the" right one;
* a function the engine does not support (``OFFSET``, ``INDIRECT`` of a computed
  text, functions newer than the engine);
* a function the engine is known to compute wrongly for some arguments
  (:data:`WRONG_IN_ENGINE`, established on the differential corpus of
  ``tests/test_differential.py`` with LibreOffice as the oracle and on the defects
  listed there), or an operator it evaluates wrongly (the double minus ``--x``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["VOLATILE", "WRONG_IN_ENGINE", "reason_to_keep"]

#: Functions whose value changes at every recalculation.
VOLATILE = frozenset({"RAND", "RANDBETWEEN", "RANDARRAY", "NOW", "TODAY"})

#: Functions the ``formulas`` engine computes wrongly for some arguments, with what is
#: wrong (each checked by a test against the value Excel and LibreOffice give).
WRONG_IN_ENGINE: dict[str, str] = {
    "TEXT": 'TEXT(5.805,"0.00") gives "5.80" instead of "5.81" (binary rounding)',
    "POISSON.DIST": "POISSON.DIST gives 0 for some arguments",
    "POISSON": "POISSON gives 0 for some arguments",
    "MODE.MULT": 'MODE.MULT gives the text "[2]" instead of a column of modes',
    "DATEDIF": "DATEDIF gives #NUM! for some units",
    "WORKDAY.INTL": "WORKDAY.INTL gives an error for weekend strings",
    "NETWORKDAYS.INTL": "NETWORKDAYS.INTL gives an error for weekend strings",
    "WORKDAY": "WORKDAY gives #VALUE! for some dates",
    "N": "N(TRUE) gives TRUE instead of 1",
    "IPMT": "IPMT gives #NUM! for ordinary loans",
    "XIRR": "XIRR converges to another value in the 8th digit",
    "XNPV": "XNPV differs in the 9th digit",
    "BAHTTEXT": "BAHTTEXT gives #VALUE!",
    "BESSELI": "BESSELI differs from Excel for some orders",
    "BESSELJ": "BESSELJ differs from Excel for some orders",
    "BESSELY": "BESSELY differs from Excel for some orders",
    "FORECAST.ETS": "FORECAST.ETS differs from Excel's smoothing in the 8th digit",
    "FORECAST.ETS.CONFINT": "FORECAST.ETS.CONFINT differs from Excel",
    "FORECAST.ETS.SEASONALITY": "FORECAST.ETS.SEASONALITY gives #VALUE!",
    "FORECAST.ETS.STAT": "FORECAST.ETS.STAT differs from Excel",
}
# complex-number functions: the result text carries 16-17 digits where Excel writes 15
for _name in ("IMCOS", "IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMDIV", "IMEXP", "IMLN",
              "IMLOG10", "IMLOG2", "IMPOWER", "IMPRODUCT", "IMSEC", "IMSECH", "IMSIN",
              "IMSINH", "IMSQRT", "IMTAN"):  # fmt: skip
    WRONG_IN_ENGINE[_name] = f"{_name} writes 16-17 significant digits where Excel writes 15"

_STRING = re.compile(r'"(?:[^"]|"")*"')
_FUNC = re.compile(r"(?<![\w.])((?:_xlfn\.|_xlws\.)*[A-Za-z][\w.]*)\s*\(", re.IGNORECASE)
# an external reference: [n]Sheet!A1, [n]!Name, '...[book.xlsx]Sheet'!A1, [book.xlsx]Sheet!A1
_EXTERNAL = re.compile(r"(?<![\w\]\[])\[[^\[\]]*\][\w.]*!|'[^']*\[[^\]]+\][^']*'!")
_PREFIX = re.compile(r"^(?:_XLFN\.|_XLWS\.)+")
# a run of signs in front of an operand (a unary run): after the start, "(", ",", ";",
# "{" or a binary operator.  ``formulas`` reads an even run of minus signs as one "+",
# which leaves TRUE and "12" as they are where Excel's --x gives the number 1 and 12.
_UNARY_SIGNS = re.compile(r"(?:^|[(,;{=<>&*/^])\s*([-+][-+\s]*)")


def _bare(name: str) -> str:
    return _PREFIX.sub("", name.upper())


def reason_to_keep(
    text: str | None,
    kind: str = "normal",
    *,
    known: Callable[[str], bool] | None = None,
) -> str | None:
    """Why a formula's cached value must be kept, or None when it can be evaluated.

    ``text`` is the formula (with or without ``=``) after the Agglo names were
    normalised (:func:`agglo_addin.engine.normalize_formula`), so the add-in's own
    external-reference spelling (``[1]!LQ``) is no longer there; ``kind`` is the
    formula kind of the sheet XML; ``known(NAME)`` tells whether the engine has a
    function (prefixes ``_xlfn.``/``_xlws.`` are tried with and without).

    >>> reason_to_keep("=SUM(A1:A3)") is None
    True
    >>> reason_to_keep("=[1]Sheet1!A1*2")
    'a reference to another workbook (external link), which is never opened'
    >>> reason_to_keep("=RAND()*10")
    'the volatile function RAND (its value changes at every recalculation)'
    >>> reason_to_keep("=_xlfn.POISSON.DIST(A1,2,TRUE)")[:40]
    'the function POISSON.DIST, which the hea'
    >>> reason_to_keep('=IF(A1>0,"[1]x!","RAND()")') is None
    True
    >>> reason_to_keep("=SUM(--(A1:A3>1))")[:20], reason_to_keep("=A1--A2") is None
    ('the double minus --x', True)
    """
    if kind == "dataTable":
        return "a What-If data table {=TABLE()}, which only Excel recomputes"
    if text is None:
        return None
    plain = _STRING.sub('""', text)
    if _EXTERNAL.search(plain):
        return "a reference to another workbook (external link), which is never opened"
    names = [_bare(m.group(1)) for m in _FUNC.finditer(plain)]
    for name in names:
        if name in VOLATILE:
            return f"the volatile function {name} (its value changes at every recalculation)"
    if known is not None:
        for m in _FUNC.finditer(plain):
            raw = m.group(1).upper()
            if not (known(raw) or known(_bare(raw)) or known("_XLFN." + _bare(raw))):
                return f"the function {_bare(raw)}, which the headless engine does not support"
    for name in names:
        if name in WRONG_IN_ENGINE:
            return (
                f"the function {name}, which the headless engine does not evaluate like "
                f"Excel ({WRONG_IN_ENGINE[name]})"
            )
    for m in _UNARY_SIGNS.finditer(plain):
        minus = m.group(1).count("-")
        if minus >= 2 and minus % 2 == 0:
            return (
                "the double minus --x, which the headless engine does not evaluate like Excel "
                "(--TRUE gives TRUE instead of 1, so SUM(--(A1:A3>1)) gives 0)"
            )
    return None
