"""Every message :mod:`agglo` raises with a written text is Chinese first, then English.

The raise sites of ``functions/`` are read with :mod:`ast`.  A message is
``_messages.text(zh, en)`` (the one way to write a message, see ``agglo._messages``), or a
name that the enclosing function sets only to such a call.  A literal fails, even one that
reads ``"中文… / English…"``: only ``text`` follows ``AGGLO_LANG`` and writes the one
separator.  The few ``EXEMPT`` messages only Python code calling the package wrongly can
see stay literal English.  Messages whose parts are built in variables are checked where
they are written (``tests/test_never_wrong.py`` and the modules' own tests).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import agglo
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


def _assigned_texts(func: ast.AST | None, name: str) -> list[ast.AST] | None:
    """The values a function assigns to ``name`` when every one is a ``text`` call, else None."""
    if func is None:
        return None
    values = [
        node.value
        for node in ast.walk(func)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]
    if not values or not all(_is_text_call(v) for v in values):
        return None
    return values


def _raise_sites():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                exc = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
                # the innermost function around the raise (a name is resolved there)
                around = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or 0)]
                func = max(around, key=lambda f: f.lineno) if around else None
                rel = path.relative_to(PACKAGE).as_posix()
                yield rel, node.lineno, exc, node.exc.args[0], func


SITES = list(_raise_sites())


def _exempt(path: str, exc: str, message: str) -> bool:
    return any(path == p and exc == e and message.startswith(start) for p, e, start in EXEMPT)


def _problems(path: str, exc: str, arg: ast.AST, func: ast.AST | None = None) -> list[str]:
    """What is wrong with the message ``arg`` of one raise site (nothing: it is right)."""
    calls = [arg] if _is_text_call(arg) else None
    if calls is None and isinstance(arg, ast.Name):
        calls = _assigned_texts(func, arg.id)
    if calls is None:
        message = _template(arg)
        if message is not None and _exempt(path, exc, message):
            return []
        shown = message[:60] if message is not None else ast.unparse(arg)[:60]
        return [f"{exc}({shown!r}...) is not written as _messages.text(zh, en)"]
    bad = []
    for call in calls:
        zh, en = (_template(a) for a in call.args)
        if zh is not None and not CJK.search(zh):
            bad.append(f"the Chinese part has no Chinese: {zh[:60]!r}")
        if zh is not None and len(zh) > ZH_TEMPLATE_LIMIT:
            bad.append(f"the Chinese part has {len(zh)} characters")
        if en is not None and not en.strip():
            bad.append("the English part is empty")
        if en is not None and CJK.search(en[:1]):
            bad.append(f"the English part starts in Chinese: {en[:60]!r}")
    return bad


def test_the_scan_sees_the_raise_sites():
    assert len(SITES) > 250
    assert sum(_is_text_call(arg) for *_, arg, _ in SITES) > 250


def test_every_message_is_text_of_chinese_and_english():
    bad = [
        f"{path}:{line}: {problem}"
        for path, line, exc, arg, func in SITES
        for problem in _problems(path, exc, arg, func)
    ]
    assert not bad, "\n".join(bad)


def test_every_exemption_still_exists():
    """An exemption whose raise site is gone (or now bilingual) is removed from the list."""
    found = {
        (p, e, start)
        for path, _, exc, arg, _ in SITES
        if (message := _template(arg)) is not None
        for p, e, start in EXEMPT
        if path == p and exc == e and message.startswith(start)
    }
    assert found == EXEMPT


@pytest.mark.parametrize(
    ("source", "right"),
    [
        ('raise AggloValueError("the weights must be positive.")', False),
        ('raise AggloValueError(f"{name!r} 必须为正。 / {name!r} must be positive.")', False),
        ('raise AggloValueError(f"{name!r} 必须为正。 {name!r} must be positive.")', False),
        ('raise AggloValueError("地区列 " + detail)', False),
        ('raise AggloValueError(_m.text(f"{n} 行", f"{n} rows"))', True),
        ('raise AggloValueError(_messages.text("缺少数值。", "A number is missing."))', True),
        ('raise AggloValueError(_m.text("rows", "rows"))', False),
        ('raise AggloValueError(_m.text("缺少数值。", ""))', False),
        ('raise AggloValueError(_m.text("缺少数值。", "缺少数值。"))', False),
        ("raise AggloValueError(msg)", False),
    ],
)
def test_the_check_itself_tells_text_from_a_literal(source, right):
    arg = ast.parse(source).body[0].exc.args[0]
    assert (not _problems("x.py", "AggloValueError", arg)) is right


def test_a_name_passes_only_when_its_function_sets_it_to_text():
    good = ast.parse(
        "def f(n):\n    msg = _m.text(f'{n} 行', f'{n} rows')\n    raise AggloValueError(msg)\n"
    ).body[0]
    bad = ast.parse(
        "def f(n):\n    msg = f'{n} 行 / {n} rows'\n    raise AggloValueError(msg)\n"
    ).body[0]
    for func, right in ((good, True), (bad, False)):
        arg = func.body[-1].exc.args[0]
        assert (not _problems("x.py", "AggloValueError", arg, func)) is right


def test_an_exempt_message_passes_only_in_its_file():
    arg = ast.parse("raise ValueError(f'not column letters: {x!r}')").body[0].exc.args[0]
    assert _problems("cells.py", "ValueError", arg) == []
    assert _problems("spatial.py", "ValueError", arg) != []


#: converted messages as a user meets them: (call, Chinese, English)
LANGUAGE_CASES = [
    (
        lambda: agglo.gm11([1.0, 2.0, 3.0]),
        "'series' 至少需要 4 个值，收到 3。",
        "'series' needs at least 4 values for GM(1,1); received 3.",
    ),
    (
        lambda: agglo.theil([1.0, float("nan"), 3.0]),
        "'values' 第 2 个值缺失（空白或 NaN）；差异指数需要每个地区都有数值，请补齐或删去该地区。",
        (
            "'values' is missing at position 2; every region needs a value: fill it in or leave "
            "that region out of the selection."
        ),
    ),
    (
        lambda: agglo.sigma_convergence([[1.0, 2.0]]),
        "'panel' 至少需要 2 个地区（行），收到 1。",
        "'panel' needs at least 2 regions (rows); received 1.",
    ),
    (
        lambda: agglo.coupling_degree([[0.2], [0.3]]),
        (
            "耦合模型至少需要两个系统；收到一列 2 个值。请把每个系统作为单独的参数"
            "（coupling_degree(U1, U2)），或给出一个二维区域、每列一个系统（行 = 地区）。"
        ),
        (
            "The coupling model needs at least two systems; received one column of 2 values. "
            "Pass each system as its own argument (coupling_degree(U1, U2)) or one 2-D block "
            "whose columns are the systems (rows = regions)."
        ),
    ),
    (
        lambda: agglo.region_names([419999]),
        (
            "'codes' 中有 1 个代码的地级单位不在附带的 2023 年统计用区划代码中，例如 419999"
            "（已撤销、更名或其他年份的代码？）。请提供数据所属年份的代码表（code_list= 或 "
            "--region-codes）。"
        ),
        (
            "1 code(s) of 'codes': prefecture unit not in the shipped 2023 codes, e.g. 419999 "
            "(retired, renamed, another year?). Give the code list of the data's year "
            "(code_list= or --region-codes)."
        ),
    ),
]


@pytest.mark.parametrize(("call", "zh", "en"), LANGUAGE_CASES)
@pytest.mark.parametrize("lang", ["", "en", "EN", "zh", "zh-CN"])
def test_agglo_lang_chooses_the_language_of_a_message(monkeypatch, call, zh, en, lang):
    monkeypatch.setenv("AGGLO_LANG", lang)
    expected = {"": f"{zh} / {en}", "en": en, "zh": zh}[lang.lower()[:2]]
    with pytest.raises(agglo.AggloValueError) as err:
        call()
    assert str(err.value) == expected
