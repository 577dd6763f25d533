"""What a formula refers to, read from its text: areas, defined names, relative keys.

openpyxl's formula tokenizer does the reading (:mod:`agglo_addin._lazy_imports` loads it
without the rest of openpyxl); nothing here evaluates anything.  Two uses:

* the areas a formula reads (:func:`_references`, and :func:`_fast_references` from a
  plan made once per "skeleton", the text with its digit runs taken out), for the
  dependencies (:mod:`.dependencies`) and for the cells the evaluators compute;
* the key under which formulas that are the same in relative (R1C1) terms share one
  compiled function (:func:`_template_key`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .. import xlsx
from ..xlsx import FormulaCell, Package, RefusedError


def _cell_key(sheet: str, r1: int, c1: int, r2: int, c2: int) -> tuple[str, str]:
    a = xlsx.cell_ref(r1, c1)
    return sheet.upper(), a if (r1, c1) == (r2, c2) else f"{a}:{xlsx.cell_ref(r2, c2)}"


# --- relative keys: one compiled function per formula pattern -----------------------------
#
# Yearbook sheets repeat the same formula down a column (``=B2/C2``, ``=B3/C3`` ...).
# ``formulas`` parses and compiles each cell separately, which dominates the time on
# large sheets.  Formulas that are the same in relative (R1C1) terms share one compiled
# function (:mod:`.bridge`, :mod:`.fast`); each cell gets it with its own input ranges.
# Formulas whose meaning depends on the cell's position other than through references
# (ROW(), OFFSET() ...) or that use whole rows/columns have no key: compiled individually.

_AREA = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?::(\$?)([A-Za-z]{1,3})(\$?)(\d+))?$")
_POSITIONAL = re.compile(
    r"\b(ROW|ROWS|COLUMN|COLUMNS|OFFSET|INDIRECT|CELL|ADDRESS|INFO|FORMULATEXT|ISFORMULA|"
    r"LAMBDA|LET|INDEX|TRANSPOSE|_XLFN\.\w+)\s*\(",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65536)
def _tokenize(text: str) -> tuple | None:
    from .._lazy_imports import formula_tokenizer

    Tokenizer = formula_tokenizer()  # noqa: N806 - openpyxl's class

    try:
        return tuple((t.value, t.type, t.subtype) for t in Tokenizer("=" + text).items)
    except Exception:  # noqa: BLE001
        return None


_DIGITS = re.compile(r"(\d+)")
_SCIENTIFIC = re.compile(r"\dE[+-]", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _skeleton_tokens(skeleton: str, first: str) -> tuple | None:
    """Tokens of ``first`` with, for each token, which digit runs of the text it holds.

    A formula copied down a column differs from its neighbours only in the digits of
    its references; the tokenizer's decisions do not depend on which digits they are
    (numbers in scientific notation, where they could, are excluded by the caller).
    So each distinct "skeleton" (the text with its digit runs taken out) is tokenized
    once and the tokens of every other text with that skeleton are rebuilt from it.
    """
    toks = _tokenize(first)
    if toks is None or "".join(t[0] for t in toks) != first:
        return None  # the tokens do not tile the text: no reuse
    pieces = _DIGITS.split(first)  # text, digits, text, digits, ... text
    out, pos, k = [], 0, 1
    starts = []  # start offset of each digit run
    off = 0
    for i, p in enumerate(pieces):
        if i % 2:
            starts.append((off, off + len(p)))
        off += len(p)
    for value, ttype, subtype in toks:
        end = pos + len(value)
        parts: list[Any] = []
        cur = pos
        while k - 1 < len(starts) and starts[k - 1][0] < end:
            a, b = starts[k - 1]
            if a < cur or b > end:
                return None  # a digit run across two tokens
            parts.append(first[cur:a])
            parts.append(k - 1)
            cur = b
            k += 1
        parts.append(first[cur:end])
        out.append((tuple(parts), ttype, subtype))
        pos = end
    return tuple(out)


@functools.lru_cache(maxsize=1 << 17)
def _tokens(text: str) -> tuple | None:
    """openpyxl's tokens of a formula (text without "="): (value, type, subtype) tuples."""
    if _SCIENTIFIC.search(text):
        return _tokenize(text)
    pieces = _DIGITS.split(text)
    skeleton = "\x00".join(pieces[0::2])
    if len(pieces) < 3:
        return _tokenize(text)
    if len(_FIRST_OF_SKELETON) > 65536:
        _FIRST_OF_SKELETON.clear()
    first = _FIRST_OF_SKELETON.setdefault(skeleton, text)
    plan = _skeleton_tokens(skeleton, first)
    if plan is None:
        return _tokenize(text)
    digits = pieces[1::2]
    return tuple(
        ("".join(p if isinstance(p, str) else digits[p] for p in parts), ttype, subtype)
        for parts, ttype, subtype in plan
    )


_FIRST_OF_SKELETON: dict[str, str] = {}


def _template_key(val: str, sheet: str, r0: int, c0: int, shape: tuple[int, int]):
    """R1C1-style key of a formula, and its areas with $-flags; None if not shareable.

    Same answer as :func:`_template_key_slow`, computed from a per-"skeleton" plan: a
    formula filled down a column differs from its neighbours only in digit runs, so the
    tokens are analysed once per skeleton and each further text only has its digits read.
    """
    got = _plan_of(val, sheet)
    if got is None:
        return _template_key_slow(val, sheet, r0, c0, shape)
    (roles, area_specs, _has_names, _slots), skeleton, digits = got
    rows = {}
    rel: list[Any] = [shape]
    for d, role in zip(digits, roles, strict=True):
        if role is None:
            rel.append(d)
            continue
        area_i, which, absolute = role
        r = int(d)
        rows[area_i, which] = r
        rel.append(r if absolute else r - r0)
    areas = []
    for i, (sh_u, c1, c2, flags) in enumerate(area_specs):
        r1 = rows[i, 0]
        r2 = rows.get((i, 1), r1)
        areas.append((sh_u, (r1, c1, r2, c2), flags))
        rel.append(c1 if flags[1] else c1 - c0)
        rel.append(c2 if flags[3] else c2 - c0)
    fast = (skeleton, sheet, tuple(rel))
    key = _CANONICAL.get(fast)
    if key is None:
        slow = _template_key_slow(val, sheet, r0, c0, shape)
        if slow is None or slow[1] != areas:
            return slow  # the plan does not describe this text: no shortcut
        key = _CANONICAL[fast] = slow[0]
    return key, areas


_KEY_PLANS: dict[tuple[str, str], Any] = {}
_CANONICAL: dict[tuple, str] = {}


def _plan_of(val: str, sheet: str):
    """(plan, skeleton, digit runs) of a formula text, or None (use the slow path).

    Not kept per text: the plan is kept per skeleton, and what is left per text (one
    split of its digit runs) costs less than keeping it for every formula of a large
    workbook."""
    return _plan_of_text(val, sheet)


def _plan_of_text(val: str, sheet: str):
    text = val[1:] if val.startswith("=") else val
    pieces = _DIGITS.split(text)
    if len(pieces) < 3 or _SCIENTIFIC.search(text):
        return None
    skeleton = "\x00".join(pieces[0::2])
    plan = _KEY_PLANS.get((skeleton, sheet))
    if plan is None:
        if len(_KEY_PLANS) > 65536:
            _KEY_PLANS.clear()
            _CANONICAL.clear()
        plan = _KEY_PLANS[(skeleton, sheet)] = _key_plan(text, sheet) or False
    if plan is False:
        return None
    return plan, skeleton, pieces[1::2]


def _fast_references(text: str, sheet: str):
    """Areas of a formula as (SHEET, r1, c1, r2, c2) from its plan; None: use the slow path."""
    got = _plan_of(text, sheet if sheet.isupper() else sheet.upper())
    if got is None or got[0][2]:
        return None  # no plan, or defined names to follow
    (_roles, specs, _, slots), _skeleton, digits = got
    rows = [0] * (2 * len(specs))
    for k, slot in slots:
        rows[slot] = int(digits[k])
    out = []
    for i, (sh_u, c1, c2, _flags) in enumerate(specs):
        r1 = rows[2 * i]
        r2 = rows[2 * i + 1] or r1
        if r2 < r1:
            r1, r2 = r2, r1
        out.append((sh_u, r1, c1, r2, c2) if c1 <= c2 else (sh_u, r1, c2, r2, c1))
    return out


def _key_plan(text: str, sheet: str):
    """For each digit run of ``text``: None (a literal) or (area, 0 = first row / 1 = last
    row, absolute?); and per area (sheet, first column, last column, $-flags).  None when
    the formula is not shareable or its tokens cannot be mapped onto its digit runs."""
    if _POSITIONAL.search(text):
        return None
    toks = _skeleton_tokens("", text)
    if toks is None:
        return None
    digits = _DIGITS.split(text)[1::2]
    roles: list[Any] = [None] * len(digits)
    specs = []
    has_names = False
    for parts, ttype, subtype in toks:
        if ttype != "OPERAND" or subtype != "RANGE":
            continue
        got = _range_token("".join(p if isinstance(p, str) else digits[p] for p in parts))
        if got is None:
            return None
        if got == "name":
            has_names = True
            continue
        sh, (_r1, c1, _r2, c2), flags, n_rows = got
        runs = [p for p in parts if not isinstance(p, str)]
        if len(runs) < n_rows:
            return None
        i = len(specs)
        specs.append(((sh or sheet).upper(), c1, c2, flags))
        row_runs = runs[-n_rows:]
        roles[row_runs[0]] = (i, 0, flags[0])
        if n_rows == 2:
            roles[row_runs[1]] = (i, 1, flags[2])
    slots = tuple((k, 2 * role[0] + role[1]) for k, role in enumerate(roles) if role is not None)
    return tuple(roles), tuple(specs), has_names, slots


def _range_token(value: str):
    """A range token → (sheet or None, (r1, c1, r2, c2), $-flags (r1, c1, r2, c2), number
    of row numbers written); "name" for a defined name; None when a formula using it
    cannot share a template (another workbook, 3-D, whole rows/columns, spill)."""
    sh, ref = _split_sheet(value)
    if sh is not None and (sh.startswith("[") or ":" in sh):
        return None
    m = _AREA.match(ref)
    if m is None:
        if ":" in ref or ref.endswith("#") or ref[:1].isdigit():
            return None
        return "name"
    g = m.groups()
    c1, r1 = xlsx.col_to_num(g[1]), int(g[3])
    if g[5]:
        c2, r2 = xlsx.col_to_num(g[5]), int(g[7])
        flags = (g[2] == "$", g[0] == "$", g[6] == "$", g[4] == "$")
    else:
        c2, r2 = c1, r1
        flags = (g[2] == "$", g[0] == "$", g[2] == "$", g[0] == "$")
    return sh, (r1, c1, r2, c2), flags, 2 if g[5] else 1


def _template_key_slow(val: str, sheet: str, r0: int, c0: int, shape: tuple[int, int]):
    """R1C1-style key of a formula, and its areas with $-flags; None if not shareable."""
    if _POSITIONAL.search(val):
        return None
    items = _tokens(val[1:] if val.startswith("=") else val)
    if items is None:
        return None
    pieces: list[str] = [sheet, f"{shape[0]}x{shape[1]}"]
    areas = []
    for value, ttype, subtype in items:
        if ttype == "OPERAND" and subtype == "RANGE":
            got = _range_token(value)
            if got is None:
                return None
            if got == "name":
                pieces.append(value.upper())  # a defined name
                continue
            sh, (r1, c1, r2, c2), flags, _n = got
            rel = [
                f"R{r1}" if flags[0] else f"R[{r1 - r0}]",
                f"C{c1}" if flags[1] else f"C[{c1 - c0}]",
                f"R{r2}" if flags[2] else f"R[{r2 - r0}]",
                f"C{c2}" if flags[3] else f"C[{c2 - c0}]",
            ]
            pieces.append(f"{(sh or '').upper()}!{''.join(rel)}")
            areas.append(((sh or sheet).upper(), (r1, c1, r2, c2), flags))
        else:
            pieces.append(value)
    return "\x00".join(pieces), areas


# --- areas and defined names ------------------------------------------------------------

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_MAXR, _MAXC = 1_048_576, 16_384


def _split_sheet(token: str) -> tuple[str | None, str]:
    if "!" not in token:
        return None, token
    sheet, _, ref = token.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def _parse_area(ref: str) -> tuple[int, int, int, int] | None:
    """``A1``, ``$A$1:B2``, ``A:C``, ``2:5``, ``A1#`` → (r1, c1, r2, c2); None if not an area."""
    spill = ref.endswith("#")
    ref = ref.rstrip("#")
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    pts = []
    for p in parts:
        m = _A1.match(p.strip())
        if not m or (m.group(1) is None and m.group(2) is None):
            return None
        col = xlsx.col_to_num(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) if m.group(2) else None
        pts.append((row, col))
    if len(pts) == 1:
        (r, c) = pts[0]
        if r is None or c is None:
            return None
        return (r, c, _MAXR, _MAXC) if spill else (r, c, r, c)
    (ra, ca), (rb, cb) = pts
    r1, r2 = (1, _MAXR) if ra is None or rb is None else (min(ra, rb), max(ra, rb))
    c1, c2 = (1, _MAXC) if ca is None or cb is None else (min(ca, cb), max(ca, cb))
    return r1, c1, r2, c2


def _references(text: str, sheet: str, names: dict[str, str], depth: int = 0):
    """Areas a formula refers to, as (sheet, r1, c1, r2, c2); None when unknowable.

    Uses openpyxl's formula tokenizer (no parsing of our own); defined names are
    followed; structured references, 3-D references and INDIRECT make the answer
    unknowable, which the caller treats as "may depend on anything".
    """
    if depth == 0:
        fast = _fast_references(text, sheet)
        if fast is not None:
            return fast
    items = _tokens(text.lstrip("="))
    if items is None:
        return None
    out = []
    for value, ttype, subtype in items:
        if ttype == "FUNC" and value.upper().rstrip("(") in ("INDIRECT", "_XLFN.INDIRECT"):
            return None
        if ttype != "OPERAND" or subtype != "RANGE":
            continue
        sh, ref = _split_sheet(value)
        if sh is not None and (sh.startswith("[") or ":" in sh):
            if sh.startswith("["):
                continue  # another workbook: nothing we compute lives there
            return None
        area = _parse_area(ref)
        if area is None:
            target = _name_target(names, sh or sheet, ref)
            if target is None or depth > 5:
                return None
            sub = _references(target, sh or sheet, names, depth + 1)
            if sub is None:
                return None
            out.extend(sub)
            continue
        out.append(((sh or sheet).upper(), *area))
    return out


def _name_target(names: dict[str, str], sheet: str, name: str) -> str | None:
    """What a defined name stands for, seen from ``sheet`` (a sheet-level name first)."""
    key = name.upper()
    return names.get(f"{sheet.upper()}!{key}") or names.get(key)


def _defined_names(pkg: Package) -> dict[str, str]:
    try:
        wb = pkg.parse(pkg.workbook_part)
    except RefusedError:
        return {}
    sheets = [s.name for s in pkg.sheets]
    out = {}
    for dn in wb.iterfind("{*}definedNames/{*}definedName"):
        name = (dn.get("name") or "").upper()
        local = dn.get("localSheetId")
        if local is not None:
            try:
                name = f"{sheets[int(local)].upper()}!{name}"
            except (ValueError, IndexError):
                continue
        out[name] = dn.text or ""
    return out


def _text_of(scans, sheet, fc: FormulaCell) -> str | None:
    if fc.text is not None:
        return "=" + fc.text
    for s in scans:
        if s.info.name == sheet and fc.shared_index in s.shared_masters:
            master = s.shared_masters[fc.shared_index]
            try:
                from .._lazy_imports import formula_translator

                Translator = formula_translator()  # noqa: N806 - openpyxl's class

                return Translator("=" + (master.text or ""), master.ref).translate_formula(fc.ref)
            except Exception:  # noqa: BLE001
                return None
    return None
