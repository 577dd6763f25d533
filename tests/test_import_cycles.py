"""No import cycles inside ``agglo`` or inside ``agglo_addin``.

The import graph is read from the sources with :mod:`ast`: every ``import`` and
``from ... import`` of a module of the same package, at module level or inside a
function (a deferred import is still a dependency), and every module named by a string
that is imported by name (``importlib.import_module("agglo_addin.engine_cli")``, or a
loop over such names: the command modules the command line loads); other strings that
happen to name a module (``f.__module__ = "agglo_addin.udfs"``) are not imports.  Imports under
``if TYPE_CHECKING:`` never run and are left out.  A cycle is reported as the chain of
modules with the line of each import.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"agglo": ROOT / "functions", "agglo_addin": ROOT / "addin"}


def _modules(package: str, folder: Path) -> dict[str, Path]:
    """Module name → source file, for the package and its subpackages."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        elif not (path.parent / "__init__.py").exists():
            continue  # a script folder (e.g. the Lite bundle), not part of the package
        found[".".join((package, *parts))] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.AST):
    """Every node, except the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def _is_import_call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _strings(node: ast.AST) -> list[str]:
    """The string constants of an expression (a name, or a tuple/list of names)."""
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def import_graph(package: str, folder: Path) -> dict[str, dict[str, int]]:
    """Module → {imported module of the same package: line of the first such import}."""
    modules = _modules(package, folder)

    def known(name: str) -> str | None:
        while name and name not in modules:  # agglo.x.y → agglo.x when y is a name in x
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        here = module if is_package else module.rpartition(".")[0]
        edges: dict[str, int] = {}

        def add(target: str | None, line: int, module=module, edges=edges) -> None:
            if target and target != module and target.split(".")[0] == package:
                edges.setdefault(target, line)

        for node in _walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(known(alias.name), node.lineno)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here
                    for _ in range(node.level - 1):
                        base = base.rpartition(".")[0]
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module or ""
                for alias in node.names:  # ``from . import xlsx`` imports the submodule
                    if f"{source}.{alias.name}" in modules:
                        add(f"{source}.{alias.name}", node.lineno)
                # ``from . import fast`` inside a package names only its submodule: the
                # package's own __init__ is already running, so that is no edge to it
                if source in modules and not all(
                    f"{source}.{a.name}" in modules for a in node.names
                ):
                    add(known(source), node.lineno)
            elif isinstance(node, ast.Call) and _is_import_call(node):
                for arg in node.args[:1]:
                    for name in _strings(arg):
                        add(name if name in modules else None, node.lineno)
            elif isinstance(node, ast.For) and any(
                isinstance(n, ast.Call) and _is_import_call(n)
                for b in node.body
                for n in ast.walk(b)
            ):  # ``for mod in ("agglo_addin.engine_cli", ...): importlib.import_module(mod)``
                for name in _strings(node.iter):
                    add(name if name in modules else None, node.lineno)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """A chain of modules that closes on itself (first = last), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))  # graphlib lists it from importer to imported, reversed
    return None


def _describe(graph, cycle: list[str]) -> str:
    return (
        " → ".join(f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False))
        + f" → {cycle[-1]}"
    )


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycle(package):
    graph = import_graph(package, PACKAGES[package])
    assert len(graph) > 10, f"{package}: the import graph was not read"
    cycle = find_cycle(graph)
    assert cycle is None, f"{package}: import cycle: {_describe(graph, cycle)}"


def test_the_graph_sees_the_command_modules():
    # The command line loads its command modules by name; those count as imports.
    graph = import_graph("agglo_addin", PACKAGES["agglo_addin"])
    assert {"agglo_addin.engine_cli", "agglo_addin.addin_cli"} <= set(graph["agglo_addin.cli"])
    assert "agglo_addin.commands" in graph["agglo_addin.engine_cli"]
    assert "agglo_addin.xlsx" in graph["agglo_addin.engine.bridge"]  # ``from .. import xlsx``
    # ``from . import fast`` in a subpackage: an edge to the submodule, not to the package
    assert "agglo_addin.engine.fast" in graph["agglo_addin.engine.evaluate"]
    assert "agglo_addin.engine" not in graph["agglo_addin.engine.evaluate"]
    assert "agglo.tables" in import_graph("agglo", PACKAGES["agglo"])["agglo.dartboard"]


def test_a_cycle_is_found(tmp_path):
    # The check above must be able to fail: a deferred import closing a circle counts.
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import f\n")
    (pkg / "b.py").write_text("def f():\n    from . import c\n")
    (pkg / "c.py").write_text("import importlib\nimportlib.import_module('pkg.a')\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    (pkg / "e.py").write_text("from .a import f\n")
    graph = import_graph("pkg", pkg)
    cycle = find_cycle(graph)
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"pkg.a", "pkg.b", "pkg.c"}
    assert "pkg.a" not in graph["pkg.d"]
    assert "pkg.b (line 2) → pkg.c" in _describe(graph, cycle)
