"""The boundary between the add-in and :mod:`agglo`: public names only.

``agglo_addin`` uses :mod:`agglo`, its family modules and :mod:`agglo.host`, never a
private ``agglo._*`` module or a private name of a public module (``agglo.tables._x``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import agglo
import pytest
from agglo import host

ADDIN = Path(__file__).resolve().parent.parent / "addin"
_AGGLO_PRIVATE = re.compile(r"^agglo(\.\w+)*\._")


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_uses(source: str) -> list[str]:
    """Private agglo names that ``source`` imports or reaches by attribute (code only)."""
    tree = ast.parse(source)
    found: list[str] = []
    bound: set[str] = set()  # local names of agglo modules
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "agglo":
                    if any(_private(p) for p in alias.name.split(".")):
                        found.append(f"import {alias.name}")
                    bound.add(alias.asname or "agglo")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "agglo":
                continue
            if any(_private(p) for p in parts):
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                else:
                    bound.add(alias.asname or alias.name)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _AGGLO_PRIVATE.match(node.value)
            and " " not in node.value
        ):
            found.append(f"the string {node.value!r}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = []
            cur: ast.AST = node
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in bound and _private(node.attr):
                found.append(".".join([cur.id, *reversed(chain)]))
    return found


def test_the_addin_uses_no_private_agglo_name():
    offenders = {
        str(path.relative_to(ADDIN.parent)): uses
        for path in sorted(ADDIN.rglob("*.py"))
        if (uses := private_uses(path.read_text("utf-8")))
    }
    assert not offenders, f"the add-in reaches into agglo's private names: {offenders}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from agglo._validation import AggloValueError", 1),
        ("from agglo import _messages as msg", 1),
        ("import agglo._pandas", 1),
        ("from agglo.tables import _read_grid, ERROR_CODES", 1),
        ("import agglo\nagglo.tables._totals_ruled_out(x)", 1),
        ("from agglo import tables as t\nt._parse_text('1')", 1),
        ("import importlib\nimportlib.import_module('agglo._validation')", 1),
        ("from agglo.host import read_grid as _read_grid\n_read_grid(x)", 0),
        ("import agglo\nagglo.__version__, agglo.tables.read_table", 0),
        ("from agglo import AggloValueError, config_context", 0),
        ("from numpy import _core\nx._private", 0),
    ],
)
def test_the_check_finds_each_kind_of_side_door(code, expected):
    assert len(private_uses(code)) == expected, private_uses(code)


def test_host_names_are_the_objects_agglo_uses():
    from agglo import _messages, microdata, tables

    assert host.read_grid is tables._read_grid
    assert host.totals_ruled_out is tables._totals_ruled_out
    assert host.argument_origins is _messages.argument_origins
    assert host.where is _messages.where
    for name in host.__all__:
        obj = getattr(host, name)
        assert (obj.__doc__ or "").strip(), f"agglo.host.{name} has no docstring"
        assert f":func:`{name}`" in host.__doc__, f"agglo.host.{name} is not listed"
    plants = __import__("pandas").DataFrame({"region": ["甲", "乙"], "value": [1.0, 2.0]})
    assert host.from_native(plants).shape == microdata._from_native(plants).shape == (2, 2)
    with pytest.raises(agglo.AggloValueError, match="'plants'"):
        host.from_native([1, 2])


def test_importing_host_loads_no_data_frame_library():
    import subprocess
    import sys

    code = (
        "import sys, agglo.host; "
        "print(sorted(m for m in ('narwhals', 'polars', 'duckdb', 'dask', 'scipy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
