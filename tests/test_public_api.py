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
import numpy as np
import pandas as pd
import pytest
from agglo_addin import udfs

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "functions"

# Public modules that are not families of measures: imported by their own name
# (``from agglo.cells import column_letter``), their names are not exported by ``agglo``;
# tests/test_cells.py and tests/test_host.py check their documentation.
TOOL_MODULES = {
    "cells": "column letters and A1 addresses",
    "host": "the interface for programs hosting agglo",
}
# Every family module of the package (functions/*.py without a leading underscore).
FAMILY_MODULES = sorted(
    p.stem for p in SOURCE.glob("*.py") if not p.stem.startswith("_") and p.stem not in TOOL_MODULES
)
LOADERS = set(importlib.import_module("agglo.datasets").__all__)
SECTIONS = ("Parameters", "Returns", "Examples", "References")
# Public functions that legitimately accept any text in every required argument (none so far).
TEXT_ACCEPTED: set[str] = set()
# Public functions that are not measures (labels, parsers): no formula block required.
NOT_MEASURES: dict[str, str] = {
    "coordination_level": "maps D to class labels",
    "coupling_stage": "maps C to stage labels",
    "get_config": "returns the settings",
    "parse_directions": "parses indicator directions",
    "region_codes": "returns the shipped code list",
    "region_names": "maps codes to names",
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
    takes_arguments = bool(inspect.signature(func).parameters)
    missing = [
        s for s in SECTIONS if _section(doc, s) is None and (takes_arguments or s != "Parameters")
    ]
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


# ---------------------------------------------------------------------------
# issue-2 measures: lists, arrays and pandas give the same numbers; pandas keeps labels
# ---------------------------------------------------------------------------

_REGIONS = pd.Index(["广东", "江苏", "山东", "浙江"], name="地区")
_INDUSTRIES = pd.Index(["制造业", "建筑业", "金融业"], name="行业")
# No row equals the sum of the others and no label reads as a total.
_BLOCK = pd.DataFrame(
    [[120.0, 30.0, 15.0], [90.0, 45.0, 10.0], [60.0, 20.0, 25.0], [50.0, 10.0, 30.0]],
    index=_REGIONS,
    columns=_INDUSTRIES,
)
_LATER = _BLOCK * 1.1 + 3.0
_FIRMS = pd.DataFrame(
    [[12, 3, 2], [9, 5, 1], [6, 2, 3], [5, 1, 3]], index=_REGIONS, columns=_INDUSTRIES
)
_TOTALS = pd.Series([400.0, 300.0, 250.0, 200.0], index=_REGIONS)
_LQ = agglo.location_quotient(_BLOCK)

ROWS, COLS, BOTH = "rows", "columns", "both"
KINDS = ("list", "ndarray", "pandas")

# name -> (call taking converted inputs, inputs, which labels the pandas result carries)
ISSUE2_CASES = {
    "location_quotient": (lambda d: agglo.location_quotient(d), (_BLOCK,), BOTH),
    "location_quotient_binary": (
        lambda d: agglo.location_quotient(d, form="binary"),
        (_BLOCK,),
        BOTH,
    ),
    "location_quotient_additive": (
        lambda d: agglo.location_quotient(d, form="additive"),
        (_BLOCK,),
        BOTH,
    ),
    "location_quotient_zscore": (
        lambda d: agglo.location_quotient(d, form="zscore"),
        (_BLOCK,),
        BOTH,
    ),
    "location_quotient_log_zscore": (
        lambda d: agglo.location_quotient(d, form="log_zscore"),
        (_BLOCK,),
        BOTH,
    ),
    "location_quotient_one_industry": (
        lambda d, t: agglo.location_quotient(d, region_totals=t),
        (_BLOCK["制造业"], _TOTALS),
        ROWS,
    ),
    "lq_score": (lambda q: agglo.lq_score(q), (_LQ,), BOTH),
    "lq_score_1d": (lambda q: agglo.lq_score(q), (_LQ["制造业"],), ROWS),
    "krugman_specialisation": (lambda d: agglo.krugman_specialisation(d), (_BLOCK,), ROWS),
    "hoover_coefficient": (lambda d: agglo.hoover_coefficient(d), (_BLOCK,), COLS),
    "hhi": (lambda d: agglo.hhi(d), (_BLOCK,), COLS),
    "hhi_axis1": (lambda d: agglo.hhi(d, axis=1, normalized=True), (_BLOCK,), ROWS),
    "concentration_ratio": (lambda d: agglo.concentration_ratio(d, n=2), (_BLOCK,), COLS),
    "gini": (lambda d: agglo.gini(d, corrected=True), (_BLOCK,), COLS),
    "gini_weighted": (
        lambda d, w: agglo.gini(d, weights=w),
        (_BLOCK, _TOTALS),
        COLS,
    ),
    "spatial_gini": (lambda d: agglo.spatial_gini(d), (_BLOCK,), COLS),
    "locational_gini": (lambda d: agglo.locational_gini(d), (_BLOCK,), COLS),
    "lq_gini": (lambda d: agglo.lq_gini(d), (_BLOCK,), COLS),
    "ellison_glaeser": (
        lambda d, f: agglo.ellison_glaeser(d, firm_counts=f).gamma,
        (_BLOCK, _FIRMS),
        COLS,
    ),
    "maurel_sedillot": (
        lambda d, f: agglo.maurel_sedillot(d, firm_counts=f).gamma,
        (_BLOCK, _FIRMS),
        COLS,
    ),
    "growth_rate": (lambda c, p: agglo.growth_rate(c, p), (_LATER, _BLOCK), BOTH),
    "growth_rate_1d": (
        lambda c, p: agglo.growth_rate(c, p),
        (_LATER["制造业"], _BLOCK["制造业"]),
        ROWS,
    ),
    "cagr": (lambda s, e: agglo.cagr(s, e, 3), (_BLOCK, _LATER), BOTH),
    "cagr_cumulative": (lambda v: agglo.cagr_cumulative(v), (_BLOCK,), COLS),
    "cagr_cumulative_axis1": (lambda v: agglo.cagr_cumulative(v, axis=1), (_BLOCK,), ROWS),
    "primacy_index": (lambda v: agglo.primacy_index(v, k=2), (_BLOCK,), COLS),
    "share": (lambda v: agglo.share(v), (_BLOCK,), BOTH),
    "share_1d": (lambda v: agglo.share(v), (_BLOCK["建筑业"],), ROWS),
    "profit_margin": (lambda p, r: agglo.profit_margin(p, r), (_BLOCK - 40.0, _LATER), BOTH),
    "correlation": (
        lambda x, y: [agglo.correlation(x, y).r, agglo.correlation(x, y).p_value],
        (_BLOCK["制造业"], _BLOCK["金融业"]),
        None,
    ),
    "ols": (
        lambda y, x: agglo.ols(y, x).table,
        (_BLOCK["金融业"], _BLOCK[["制造业", "建筑业"]]),
        None,
    ),
}


def _as_kind(value, kind):
    if kind == "pandas":
        return value
    return value.to_numpy() if kind == "ndarray" else value.to_numpy().tolist()


def test_issue2_cases_cover_every_issue2_function():
    # Guards the parametrisation below: each issue-2 measure is exercised.
    names = set(ISSUE2_FUNCTIONS)
    covered = {key.split("_1d")[0].split("_axis1")[0] for key in ISSUE2_CASES}
    covered |= {k for k in names if any(key.startswith(k) for key in ISSUE2_CASES)}
    assert names <= covered
    assert names <= set(agglo.__all__)


@pytest.mark.parametrize("case", sorted(ISSUE2_CASES))
def test_lists_arrays_and_pandas_agree_and_pandas_keeps_labels(case):
    func, inputs, labels = ISSUE2_CASES[case]
    results = {kind: func(*(_as_kind(v, kind) for v in inputs)) for kind in KINDS}
    reference = np.asarray(results["pandas"], dtype=float)
    for kind in ("list", "ndarray"):
        got = np.asarray(results[kind], dtype=float)
        assert got.shape == reference.shape, f"{case}: {kind} gives shape {got.shape}"
        np.testing.assert_allclose(got, reference, rtol=1e-12, equal_nan=True)
    assert np.isfinite(reference).any(), f"{case}: nothing finite to compare"
    out = results["pandas"]
    if labels is None:
        return
    first = inputs[0]
    if labels == BOTH:
        assert isinstance(out, pd.DataFrame), f"{case}: pandas in must give a DataFrame"
        assert out.index.equals(first.index)
        assert out.columns.equals(first.columns)
    else:
        assert isinstance(out, pd.Series), f"{case}: pandas in must give a Series"
        expected = first.index if labels == ROWS else first.columns
        assert list(out.index) == list(expected), f"{case}: labels lost or reordered"
    for kind in ("list", "ndarray"):
        assert not isinstance(results[kind], (pd.Series, pd.DataFrame)), (
            f"{case}: {kind} in must not give pandas"
        )


def test_ols_names_come_from_pandas_labels():
    fit = agglo.ols(_BLOCK["金融业"], _BLOCK[["制造业", "建筑业"]])
    assert fit.table.index.tolist() == ["const", "制造业", "建筑业"]
    plain = agglo.ols(_BLOCK["金融业"].tolist(), _BLOCK[["制造业", "建筑业"]].to_numpy())
    assert plain.table.index.tolist() == ["const", "x1", "x2"]


@pytest.mark.parametrize(
    "call",
    [
        lambda t: agglo.location_quotient(_BLOCK, region_totals=t),
        lambda t: agglo.spatial_gini(_BLOCK, region_totals=t),
        lambda t: agglo.locational_gini(_BLOCK, region_totals=t),
        lambda t: agglo.gini(_BLOCK, weights=t),
        lambda t: agglo.share(_BLOCK.T, total=t),  # one total per column (region)
    ],
)
def test_labelled_totals_are_matched_by_label_not_position(call):
    # A Series of totals/weights in another order gives the numbers of the ordered one;
    # the same values as a plain (reversed) array are matched by position and differ.
    in_order = np.asarray(call(_TOTALS), dtype=float)
    reordered = _TOTALS.iloc[::-1]
    np.testing.assert_allclose(np.asarray(call(reordered), dtype=float), in_order, rtol=1e-12)
    positional = pd.Series(reordered.to_numpy())  # default 0..n−1 index: positional
    assert not np.allclose(np.asarray(call(positional), dtype=float), in_order)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda t: agglo.location_quotient(_BLOCK, region_totals=t), "region_totals"),
        (lambda t: agglo.hoover_coefficient(_BLOCK, region_totals=t), "region_totals"),
        (lambda t: agglo.gini(_BLOCK, weights=t), "weights"),
    ],
)
def test_totals_with_foreign_labels_raise(call, name):
    wrong = pd.Series(_TOTALS.to_numpy(), index=["北京", "江苏", "山东", "浙江"])
    with pytest.raises(agglo.AggloValueError, match=f"'{name}' is labelled"):
        call(wrong)


ISSUE2_FUNCTIONS = (
    "location_quotient", "lq_score", "krugman_specialisation", "hoover_coefficient", "hhi",
    "concentration_ratio", "gini", "spatial_gini", "locational_gini", "lq_gini",
    "ellison_glaeser", "maurel_sedillot", "growth_rate", "cagr", "cagr_cumulative",
    "primacy_index", "share", "profit_margin", "correlation", "ols",
)  # fmt: skip
# Measures whose source is one of the published studies the templates reproduce (keys of
# docs/references.md): [nonferrous] for the LQ, H index, EG, CR_n, profit margin and the
# regression of competitiveness on LQ; [ceramics] for the cluster LQ score.
STUDY_SOURCES = {
    "location_quotient": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "hhi": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "concentration_ratio": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "ellison_glaeser": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "profit_margin": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "correlation": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "ols": ("nonferrous", "有色金属产业集聚程度及其与竞争力之间的关系"),
    "lq_score": ("ceramics", "章立东, 李奥 (2021)"),
}


@pytest.mark.parametrize("name", ISSUE2_FUNCTIONS)
def test_issue2_docstrings_have_raises_notes_and_convention(name):
    doc = inspect.getdoc(getattr(agglo, name)) or ""
    for title in ("Raises", "Notes"):
        assert (_section(doc, title) or "").strip(), f"agglo.{name}: no {title} section"
    notes = _section(doc, "Notes") or ""
    assert ".. math::" in notes, f"agglo.{name}: the formula belongs in Notes"
    assert "NaN" in doc, f"agglo.{name}: the docstring must say where results are NaN"


@pytest.mark.parametrize(("name", "source"), sorted(STUDY_SOURCES.items()))
def test_issue2_source_study_is_cited(name, source):
    key, citation = source
    refs = _section(inspect.getdoc(getattr(agglo, name)) or "", "References") or ""
    assert citation in refs, f"agglo.{name}: cite the study itself ({citation} …)"
    assert f"[{key}]" in refs, f"agglo.{name}: point to [{key}] in docs/references.md"


# ---------------------------------------------------------------------------
# every public function and every worksheet function: a formula, a source, a doctest,
# a Chinese description and a test file that mentions it
# ---------------------------------------------------------------------------

REFERENCES = ROOT / "docs" / "references.md"
CJK = re.compile(r"[\u3400-\u9fff]")
# a key as docstrings write it: "[ceramics]", not "agglo[tables]" (literals ``...`` are
# left out before looking)
KEY = re.compile(r"(?<!\w)\[([a-z][a-z0-9_]*)\]")
LITERAL = re.compile(r"``.*?``", re.DOTALL)
# Worksheet functions that wrap no agglo measure (no formula or source of their own).
WORKSHEET_NOT_MEASURES = {
    "ISAGGLOERROR": "tells which cells hold the error values Agglo writes",
}


def _bibliography() -> set[str]:
    keys = re.findall(r"^- \*\*\[([a-z][a-z0-9_]*)\]\*\*", REFERENCES.read_text("utf-8"), re.M)
    assert len(keys) == len(set(keys)), "docs/references.md gives a key twice"
    return set(keys)


BIBLIOGRAPHY = _bibliography()
CALLABLES = [n for n in agglo.__all__ if inspect.isfunction(getattr(agglo, n, None))]
_TEST_FILES = {
    p.name: p.read_text("utf-8")
    for p in sorted((ROOT / "tests").glob("test_*.py"))
    if p.name != Path(__file__).name  # the name lists here would mention everything
}


def _tests_mentioning(name: str) -> list[str]:
    """Test files that call, import or name ``name`` (``hhi(``, ``agglo.hhi``, ``u.HHI``,
    ``"=HHI(..."``, ``from agglo import (..., hhi, ...)``)."""
    pattern = re.compile(
        rf"(?<![\w.]){name}\(|\.{name}\b|[\"'=]{name}[\"'(]|^\s*{name},?$|\bimport .*\b{name}\b",
        re.MULTILINE,
    )
    return [file for file, text in _TEST_FILES.items() if pattern.search(text)]


def _summary(doc: str) -> str:
    return doc.split("\n\n", 1)[0]


def _gaps(name: str) -> list[str]:
    """What the docstring of ``agglo.<name>`` lacks: formula, source, doctest."""
    doc = inspect.getdoc(getattr(agglo, name)) or ""
    gaps = []
    if name not in NOT_MEASURES and name not in LOADERS and ".. math::" not in doc:
        gaps.append("a formula ('.. math::' block)")
    if not set(KEY.findall(_section(doc, "References") or "")) & BIBLIOGRAPHY:
        gaps.append("a source: References pointing to docs/references.md ('See [key] in ...')")
    if ">>> " not in (_section(doc, "Examples") or ""):
        gaps.append("a doctest under Examples")
    return gaps


def test_the_walk_covers_the_api():
    # Guards the parametrisations below against silently checking nothing.
    assert {"hhi", "ellison_glaeser", "ahp", "gdp_by_sector", "moran"} <= set(CALLABLES)
    assert {"LQRATIO", "EGINDEX", "AHP", "MORANI", "ISAGGLOERROR"} <= set(udfs.REGISTRY)
    assert {"nonferrous", "ceramics", "central_cities", "ellison_glaeser_1997"} <= BIBLIOGRAPHY


@pytest.mark.parametrize("name", CALLABLES)
def test_public_function_is_documented_and_tested(name):
    func = _function_or_skip(name)
    gaps = _gaps(name)
    if not CJK.search(_summary(inspect.getdoc(func) or "")):
        gaps.append("a Chinese term in the summary (e.g. 区位熵)")
    if not _tests_mentioning(name):
        gaps.append("a test file under tests/ that mentions it")
    assert not gaps, f"agglo.{name} lacks: " + "; ".join(gaps)


@pytest.mark.parametrize("name", sorted(udfs.REGISTRY))
def test_worksheet_function_is_documented_and_tested(name):
    # The help Excel shows is short (255 characters): the formula, source and doctest are
    # those of the agglo function(s) the worksheet function calls.
    doc = inspect.getdoc(udfs.REGISTRY[name]) or ""
    gaps = [] if CJK.search(doc) else ["a Chinese description"]
    if name not in WORKSHEET_NOT_MEASURES:
        required = udfs.REQUIRES.get(name) or ()
        assert required, f"={name}: REQUIRES names no agglo function"
        for function in required:
            assert function in CALLABLES, f"={name} calls agglo.{function}, not public"
            gaps += [f"{g} (in agglo.{function})" for g in _gaps(function)]
    if not _tests_mentioning(name):
        gaps.append("a test file under tests/ that mentions it")
    assert not gaps, f"={name} lacks: " + "; ".join(gaps)


def test_every_key_cited_is_in_the_bibliography():
    cited: dict[str, set[str]] = {}
    for path in _python_sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            doc = (
                ast.get_docstring(node, clean=True)
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                else None
            )
            if doc and "docs/references.md" in doc:
                for key in KEY.findall(LITERAL.sub("", doc)):
                    cited.setdefault(key, set()).add(path.name)
    assert len(cited) > 40, "the docstrings point to too few entries: the scan is broken"
    missing = {k: sorted(v) for k, v in cited.items() if k not in BIBLIOGRAPHY}
    assert not missing, f"keys cited but not in docs/references.md: {missing}"


def test_no_internal_labels_of_the_sources():
    # The studies are cited by author, year and title, never as "paper 003"; the option
    # values 'paper003', 'paper003-C' and 'paper003-D' of coupling_stage/coordination_level
    # are accepted only as earlier names of 'zhang2021-C'/'zhang2021-D' (SCHEME_ALIASES).
    label = re.compile(r"(?i)\bpaper[ -]?00\d|论文 ?00\d|project source paper|\.\./papers")
    allowed = re.compile(r"""["'`]+paper003(?:-[CD])?["'`]+|SCHEME_ALIASES""")
    files = [
        *_python_sources(),
        *sorted((SOURCE / "data").glob("*.md")),
        *sorted((ROOT / "addin").rglob("*.py")),
        *sorted((ROOT / "workbooks").rglob("*.py")),
        *sorted((ROOT / "workbooks").rglob("*.md")),
    ]
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in files
        for i, line in enumerate(p.read_text("utf-8").splitlines(), 1)
        if label.search(allowed.sub("", line))
    ]
    assert not offenders, f"internal labels instead of citations: {offenders}"
