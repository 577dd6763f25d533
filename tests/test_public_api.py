"""One test module over the whole public API of :mod:`agglo`.

Parametrised over ``agglo.__all__``, so every function that lands is checked
automatically: numpydoc sections, documented parameters matching the signature, a
``.. math::`` block, doctest examples, and the generic rule that text input raises
:class:`agglo.AggloValueError` naming an argument.  Classes, exceptions, constants and
the dataset loaders are skipped; placeholder modules and functions that still raise
``NotImplementedError`` are skipped with a reason.

Also: every family module's ``__all__`` is exported by ``agglo``; ``agglo`` never
imports xlwings (nor the add-in package); ``agglo`` never reads the shared folder.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import agglo
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "functions"

# Every public module of the package (functions/*.py without a leading underscore).
FAMILY_MODULES = sorted(p.stem for p in SOURCE.glob("*.py") if not p.stem.startswith("_"))
LOADERS = set(importlib.import_module("agglo.datasets").__all__)
SECTIONS = ("Parameters", "Returns", "Examples", "References")
# Public functions that legitimately accept any text in every required argument (none so far).
TEXT_ACCEPTED: set[str] = set()
# Public functions that are not measures (labels, parsers): no formula block required.
NOT_MEASURES: dict[str, str] = {
    "coordination_level": "maps D to class labels",
    "coupling_stage": "maps C to stage labels",
    "parse_directions": "parses indicator directions",
}


def _module_of(name: str) -> str:
    obj = getattr(agglo, name)
    return getattr(obj, "__module__", "") or ""


def _is_placeholder_module(module_name: str) -> bool:
    module = sys.modules.get(module_name)
    return module is not None and (module.__doc__ or "").lstrip().startswith("(placeholder")


def _public_functions() -> list[str]:
    names = []
    for name in agglo.__all__:
        obj = getattr(agglo, name, None)
        if name in LOADERS or inspect.isclass(obj) or not inspect.isfunction(obj):
            continue
        names.append(name)
    return names


FUNCTIONS = _public_functions()


def _function_or_skip(name: str):
    func = getattr(agglo, name)
    module_name = func.__module__
    if _is_placeholder_module(module_name):
        pytest.skip(f"{module_name} is still a placeholder (written in parallel)")
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):  # pragma: no cover - C functions are not expected
        source = ""
    if "raise NotImplementedError" in source:
        pytest.skip(f"agglo.{name} still raises NotImplementedError (written in parallel)")
    return func


def _section(doc: str, title: str) -> str | None:
    """Text of a numpydoc section (between its underlined title and the next one)."""
    lines = doc.splitlines()
    for i in range(len(lines) - 1):
        if lines[i].strip() == title and re.fullmatch(r"\s*-{3,}\s*", lines[i + 1]):
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and re.fullmatch(r"\s*-{3,}\s*", lines[j + 1]):
                    break
                body.append(lines[j])
            return "\n".join(body)
    return None


def _documented_parameters(doc: str) -> set[str]:
    body = _section(doc, "Parameters") or ""
    lines = [ln for ln in body.splitlines() if ln.strip()]
    if not lines:
        return set()
    indent = min(len(ln) - len(ln.lstrip()) for ln in lines)
    names: set[str] = set()
    for ln in lines:
        if len(ln) - len(ln.lstrip()) != indent:
            continue
        head = ln.strip().split(" : ")[0].split(":")[0]
        names.update(part.strip().lstrip("*") for part in head.split(",") if part.strip())
    return names


# ---------------------------------------------------------------------------
# exports
# ---------------------------------------------------------------------------


def test_all_names_resolve_and_are_unique():
    missing = [n for n in agglo.__all__ if not hasattr(agglo, n)]
    assert not missing, f"names in agglo.__all__ that agglo does not define: {missing}"
    dupes = sorted({n for n in agglo.__all__ if agglo.__all__.count(n) > 1})
    assert not dupes, f"names exported twice (one module shadows another): {dupes}"


@pytest.mark.parametrize("module_name", FAMILY_MODULES)
def test_module_exports_are_in_agglo_all(module_name):
    module = importlib.import_module(f"agglo.{module_name}")
    assert getattr(agglo, module_name, None) is module, (
        f"agglo.{module_name} is not the module: an exported name shadows it"
    )
    exported = list(getattr(module, "__all__", []))
    for name in exported:
        assert hasattr(module, name), f"agglo.{module_name}.__all__ lists {name!r}, not defined"
        assert name in agglo.__all__, f"agglo.{module_name}.{name} is not in agglo.__all__"
        assert getattr(agglo, name) is getattr(module, name), (
            f"agglo.{name} is not agglo.{module_name}.{name}: a name clash shadows it"
        )
    # Public functions defined in the module must be exported (or be made private).
    defined = [
        n
        for n, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not n.startswith("_")
    ]
    unexported = sorted(set(defined) - set(exported))
    assert not unexported, (
        f"agglo.{module_name} defines public functions missing from __all__: {unexported} "
        "(export them or prefix them with '_')"
    )


def test_there_are_public_functions():
    # Guards the parametrisation below against silently checking nothing.
    assert {"growth_rate", "cagr", "share", "correlation", "ols"} <= set(FUNCTIONS)


# ---------------------------------------------------------------------------
# every public function
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
def test_docstring_sections(name):
    func = _function_or_skip(name)
    doc = inspect.getdoc(func) or ""
    assert doc.strip(), f"agglo.{name} has no docstring"
    assert doc.splitlines()[0].strip(), f"agglo.{name}: the docstring must open with a summary"
    missing = [s for s in SECTIONS if _section(doc, s) is None]
    assert not missing, f"agglo.{name}: docstring lacks the numpydoc section(s) {missing}"
    if name not in NOT_MEASURES:
        assert ".. math::" in doc, f"agglo.{name}: the formula belongs in a '.. math::' block"
    assert ">>> " in (_section(doc, "Examples") or ""), f"agglo.{name}: Examples has no doctest"
    assert (_section(doc, "References") or "").strip(), f"agglo.{name}: References is empty"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_documented_parameters_match_signature(name):
    func = _function_or_skip(name)
    signature = set(inspect.signature(func).parameters)
    documented = _documented_parameters(inspect.getdoc(func) or "")
    assert signature - documented == set(), (
        f"agglo.{name}: parameters not documented: {sorted(signature - documented)}"
    )
    assert documented - signature == set(), (
        f"agglo.{name}: documented parameters not in the signature: "
        f"{sorted(documented - signature)}"
    )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_text_input_raises_agglo_value_error_naming_an_argument(name):
    func = _function_or_skip(name)
    if name in TEXT_ACCEPTED:
        pytest.skip(f"agglo.{name} accepts text")
    params = inspect.signature(func).parameters
    required = [
        p
        for p in params.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if not required:
        pytest.skip(f"agglo.{name} has no required argument")
    args = ["abc" for p in required if p.kind != p.KEYWORD_ONLY]
    kwargs = {p.name: "abc" for p in required if p.kind == p.KEYWORD_ONLY}
    with pytest.raises(agglo.AggloValueError) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert any(f"'{p}'" in message for p in params), (
        f"agglo.{name}: the error message must name the argument: {message!r}"
    )


# ---------------------------------------------------------------------------
# the package's boundaries
# ---------------------------------------------------------------------------


def _python_sources() -> list[Path]:
    files = sorted(SOURCE.rglob("*.py"))
    assert files, "no sources found under functions/"
    return files


def test_agglo_does_not_import_xlwings_at_run_time():
    code = (
        "import sys, agglo; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('xlwings', 'agglo_addin', 'formulas', 'openpyxl')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT.parent,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "[]", f"importing agglo loaded Excel-side modules: {out.stdout}"


def test_agglo_sources_never_import_xlwings():
    pattern = re.compile(r"^\s*(import|from)\s+(xlwings|agglo_addin)\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(ROOT)) for p in _python_sources() if pattern.search(p.read_text("utf-8"))
    ]
    assert not offenders, f"agglo modules importing xlwings or the add-in: {offenders}"


def _shared_paths(tree: ast.AST) -> list[str]:
    """Code (not docstrings or comments) that points at the shared folder.

    Flags string constants containing ``../shared`` or ``/work/shared`` or starting with
    ``shared/``, and ``"shared"`` used as a path part (``base / "shared"``,
    ``os.path.join(base, "shared")``).  The word alone is allowed (it is an option
    value elsewhere).
    """
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))

    def is_shared(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in ("shared", "shared/", "../shared")

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if id(node) not in docstrings and (
                "../shared" in text
                or "..\\shared" in text
                or "/work/shared" in text
                or text.startswith(("shared/", "shared\\"))
            ):
                found.append(text[:60])
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if is_shared(node.left) or is_shared(node.right):
                found.append("<path> / 'shared'")
        elif isinstance(node, ast.Call) and any(is_shared(arg) for arg in node.args):
            func = node.func
            fname = getattr(func, "attr", getattr(func, "id", ""))
            if fname in ("join", "joinpath", "Path", "PurePath"):
                found.append(f"{fname}(..., 'shared')")
    return found


def test_agglo_never_reads_the_shared_folder():
    offenders = [
        f"{path.relative_to(ROOT)}: {hit!r}"
        for path in _python_sources()
        for hit in _shared_paths(ast.parse(path.read_text("utf-8")))
    ]
    assert not offenders, (
        f"agglo must use its bundled copies (agglo/data), never the shared folder: {offenders}"
    )


def test_shared_path_detector_catches_the_usual_spellings():
    # The check above must be able to fail.
    code = (
        "from pathlib import Path\nimport os\n"
        'a = Path(__file__).parent / "shared"\n'
        'b = "../shared/data/x.csv"\n'
        'c = os.path.join(ROOT, "shared")\n'
        'd = "shared"  # an option value: allowed\n'
    )
    assert len(_shared_paths(ast.parse(code))) == 3
