"""Agglo formula names: the registry and every stored spelling of a registered name.

How a saved file may spell an Agglo function, and how each spelling is handled:

``LQ(...)``
    VBA functions imported into the workbook (classic xlwings) — used as is.
``_xldudf_LQ(...)``, ``_xldudf_NS.LQ(...)``, ``NS.LQ(...)``
    Office.js custom functions (xlwings Lite), with or without a namespace.
``_xll.LQ(...)``
    XLL add-ins.
``[1]!LQ(...)``, ``'C:\\path\\agglo.xlam'!LQ(...)``, ``agglo.xlam!LQ(...)``
    functions living in an add-in, stored as an external reference to the add-in
    (``[n]`` is the n-th ``xl/externalLinks`` part, which names the ``.xlam``).

Before a formula is handed to the calculation engine its text is rewritten so that every
such spelling of a registered name becomes the bare name (outside string literals only;
the file itself is never changed).  ``formulas`` rejects the two external-reference
forms, so this rewrite is what makes add-in workbooks evaluable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import xlsx
from ..xlsx import FormulaCell
from .references import _DIGITS

_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_ADDIN = __package__.rpartition(".")[0]  # agglo_addin


def default_registry() -> dict[str, Callable[..., Any]]:
    """The worksheet functions of the add-in as plain guarded callables, made from their
    declarations without xlwings (empty if not available)."""
    try:
        from ..declare import plain_registry
    except ModuleNotFoundError as exc:
        if exc.name != f"{_ADDIN}.declare":
            raise  # a dependency of the worksheet functions is missing: say so
        return {}
    return {str(k).upper(): v for k, v in plain_registry().items()}


def agglo_name_pattern(names: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex matching a call of any registered name, in every stored spelling.

    Group ``name`` is the bare function name; the match ends at the opening
    parenthesis.
    """
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    qualifier = (
        r"(?:'(?:[^']|'')*'!"  # 'C:\path\agglo.xlam'!
        r"|\[\d+\]!"  # [1]!
        r"|[A-Za-z0-9_.~\\:-]+\.xl[al]m?!"  # agglo.xlam!
        r")?"
    )
    prefix = r"(?:_xldudf_|_xll\.)?(?:(?!_xlfn\.|_xlws\.)[A-Za-z_][A-Za-z0-9_]*\.)?"
    return re.compile(
        rf"(?<![\w.!\]'])(?P<qual>{qualifier}{prefix})(?P<name>{alts})\s*\(",
        re.IGNORECASE,
    )


def _outside_strings(text: str, fn: Callable[[str], str]) -> str:
    out, pos = [], 0
    for m in _STRING_LITERAL.finditer(text):
        out.append(fn(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


def normalize_formula(text: str, pattern: re.Pattern[str] | None) -> str:
    """Rewrite every stored spelling of a registered function to its bare name."""
    if pattern is None or not text:
        return text
    return _outside_strings(text, lambda s: pattern.sub(lambda m: m["name"].upper() + "(", s))


def _digit_free(text: str) -> str:
    """``text`` with every digit run replaced by 0: the key under which answers that do
    not depend on a formula's digits are kept — whether it uses Agglo, how its names
    normalise, whether it uses reference-valued or cell-dependent functions (no
    registered name or checked function has digits; qualifiers and references match
    any digits)."""
    return _DIGITS.sub("0", text)


def _uses_agglo(text: str | None, pattern: re.Pattern[str] | None) -> bool:
    if not text or pattern is None:
        return False
    skeleton = _digit_free(text)
    key = (pattern.pattern, skeleton)
    got = _USES_AGGLO.get(key)
    if got is None:
        if len(_USES_AGGLO) > 65536:
            _USES_AGGLO.clear()
        got = _USES_AGGLO[key] = bool(pattern.search(_STRING_LITERAL.sub('""', skeleton)))
    return got


_USES_AGGLO: dict[tuple[str, str], bool] = {}


def find_agglo_cells(
    scans: list[xlsx.SheetScan], pattern: re.Pattern[str] | None
) -> dict[tuple[str, str], FormulaCell]:
    """(sheet name, cell) → formula cell, for every formula that calls an Agglo function."""
    out = {}
    for scan in scans:
        for ref, fc in scan.formulas.items():
            text = fc.text
            if text is None and fc.shared_index is not None:
                master = scan.shared_masters.get(fc.shared_index)
                text = master.text if master else None
            if _uses_agglo(text, pattern):
                out[(scan.info.name, ref)] = fc
    return out
