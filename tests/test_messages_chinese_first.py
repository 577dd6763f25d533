"""Every message :mod:`agglo` raises with a written text is Chinese first, then English.

The raise sites of ``functions/`` are read with :mod:`ast`.  A message is either
``_messages.text(zh, en)`` (the one way to write a message, see ``agglo._messages``) or a
literal that already reads ``"中文… / English…"``.  A literal without Chinese fails, so the
rule holds for every message added from now on.  Messages built in a variable are checked
where they are written (``tests/test_never_wrong.py`` and the modules' own tests).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "functions"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: an Excel cell shows 255 characters; "#VALUE! " comes first and the values filled into
#: the placeholders take some more, so the Chinese template itself stays well below
ZH_TEMPLATE_LIMIT = 200

#: (file, exception type, start of the message) of raise sites a worksheet user can never
#: reach; they stay in English because only Python code calling the package wrongly sees them
EXEMPT = {
    # the module-level __getattr__ of the package: Python's attribute protocol
    ("__init__.py", "AttributeError", "module "),
    # address helpers given addresses that Excel or the template builder wrote
    # (array ranges of a saved .xlsx, column letters of the builder's layout)
    ("cells.py", "ValueError", "column must be >= 1"),
    ("cells.py", "ValueError", "not column letters"),
    ("cells.py", "ValueError", "not a cell reference"),
}


def _template(node: ast.AST) -> str | None:
    """The text of a literal message, placeholders as ``{}``; None if it is not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _is_text_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "text" and len(node.args) == 2


def _raise_sites():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                exc = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
                yield path.relative_to(PACKAGE).as_posix(), node.lineno, exc, node.exc.args[0]


SITES = list(_raise_sites())


def _exempt(path: str, exc: str, message: str) -> bool:
    return any(path == p and exc == e and message.startswith(start) for p, e, start in EXEMPT)


def test_the_scan_sees_the_raise_sites():
    assert len(SITES) > 250
    assert sum(_is_text_call(arg) for *_, arg in SITES) > 150


def test_every_literal_message_is_chinese_first():
    bad = []
    for path, line, exc, arg in SITES:
        if _is_text_call(arg):
            zh, en = (_template(a) for a in arg.args)
            if zh is not None and not CJK.search(zh):
                bad.append(f"{path}:{line}: the Chinese part has no Chinese: {zh[:60]!r}")
            if zh is not None and len(zh) > ZH_TEMPLATE_LIMIT:
                bad.append(f"{path}:{line}: the Chinese part has {len(zh)} characters")
            if en is not None and not en.strip():
                bad.append(f"{path}:{line}: the English part is empty")
            continue
        message = _template(arg)
        if message is None or _exempt(path, exc, message):
            continue
        first = message.split(" / ", 1)[0]
        if not CJK.search(first):
            bad.append(f"{path}:{line}: {exc}({message[:60]!r}...) has no Chinese first")
    assert not bad, "\n".join(bad)


def test_every_exemption_still_exists():
    """An exemption whose raise site is gone (or now bilingual) is removed from the list."""
    found = {
        (p, e, start)
        for path, _, exc, arg in SITES
        if (message := _template(arg)) is not None
        for p, e, start in EXEMPT
        if path == p and exc == e and message.startswith(start)
    }
    assert found == EXEMPT


@pytest.mark.parametrize(
    ("zh", "expected"),
    [
        ('raise AggloValueError("the weights must be positive.")', False),
        ('raise AggloValueError(f"{name!r} 必须为正。 / {name!r} must be positive.")', True),
        ('raise AggloValueError(_m.text(f"{n} 行", f"{n} rows"))', True),
        ('raise AggloValueError(_m.text("rows", "rows"))', False),
    ],
)
def test_the_check_itself_tells_chinese_from_english(zh, expected):
    node = ast.parse(zh).body[0]
    arg = node.exc.args[0]
    part = _template(arg.args[0]) if _is_text_call(arg) else _template(arg)
    assert bool(CJK.search(part.split(" / ", 1)[0])) is expected
