"""``import agglo`` is lazy: the static name map, submodules, star import, import cost."""

from __future__ import annotations

import importlib
import subprocess
import sys

import agglo
import pytest

SUBMODULES = agglo._SUBMODULES


def test_static_map_equals_what_the_modules_export():
    actual = {
        name: module
        for module in SUBMODULES
        for name in importlib.import_module(f"agglo.{module}").__all__
    }
    assert actual == agglo._EXPORTS
    # and in the same order as the modules list them, module by module
    assert list(agglo._EXPORTS) == [
        n for m in SUBMODULES for n in importlib.import_module(f"agglo.{m}").__all__
    ]


def test_all_is_complete_and_without_duplicates():
    eager = ["AggloValueError", "AggloWarning", "Result", "TotalRowWarning"]
    eager += ["config_context", "get_config"]  # settings (agglo._config)
    assert agglo.__all__[: len(eager)] == eager
    assert len(agglo.__all__) == len(set(agglo.__all__))
    assert set(agglo.__all__) == set(eager) | set(agglo._EXPORTS)
    assert set(agglo.__all__) <= set(dir(agglo))
    assert set(SUBMODULES) <= set(dir(agglo))


@pytest.mark.parametrize("name", sorted(agglo._EXPORTS))
def test_every_public_name_is_the_defining_modules_object(name):
    module = importlib.import_module(f"agglo.{agglo._EXPORTS[name]}")
    assert getattr(agglo, name) is getattr(module, name)


def test_submodules_and_functions_keep_their_names():
    import agglo.analytic_hierarchy

    assert agglo.analytic_hierarchy is sys.modules["agglo.analytic_hierarchy"]
    assert callable(agglo.ahp)
    assert agglo.ahp is agglo.analytic_hierarchy.ahp
    assert agglo.location.__name__ == "agglo.location"
    # the EG/MS family has its own module; the older spelling still reaches the same function
    assert agglo.ellison_glaeser is agglo.dartboard.ellison_glaeser
    assert agglo.concentration.maurel_sedillot is agglo.dartboard.maurel_sedillot


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_measure'"):
        agglo.no_such_measure  # noqa: B018


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.strip()


def test_import_agglo_loads_no_family_module_and_no_scipy():
    # agglo.cells (column letters and addresses, no dependencies) is not a family: the
    # messages module names cells with it
    loaded = _run(
        "import sys, agglo; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('scipy', 'statsmodels', 'xlwings') "
        "or m.startswith('agglo.') and not m.split('.')[1].startswith('_') "
        "and m != 'agglo.cells'))"
    )
    assert loaded == "[]"


def test_star_import_gives_every_name():
    names = _run(
        "from agglo import *\nimport agglo\n"
        "print(all(n in globals() for n in agglo.__all__), callable(ahp), hhi.__module__)"
    )
    assert names == "True True agglo.concentration"


def test_pandas_is_imported_only_when_a_pandas_object_is_involved():
    """NumPy in, NumPy out without importing pandas; pandas in, pandas out afterwards —
    also through instance tests built before pandas was imported."""
    out = _run(
        "import sys, numpy as np, agglo\n"
        "from agglo._pandas import pd\n"
        "early = (pd.DataFrame, pd.Series)\n"
        "x = np.array([[10., 30.], [20., 40.], [30., 10.]])\n"
        "lq = agglo.location_quotient(x); h = agglo.hhi(x); c = agglo.coupling_degree([.2, .5], [.3, .4])\n"
        "ew = agglo.entropy_weights(x)\n"
        "print('pandas' in sys.modules, type(lq).__name__, isinstance(x, early))\n"
        "import pandas\n"
        "df = pandas.DataFrame(x, index=['a', 'b', 'c'], columns=['u', 'v'])\n"
        "r = agglo.location_quotient(df)\n"
        "print(type(r).__name__, list(r.index), isinstance(df, early), isinstance(df['u'], early),"
        " pd.DataFrame is pandas.DataFrame, bool(np.allclose(r.to_numpy(), lq)))\n"
        "print(type(agglo.hhi(df)).__name__, type(pd.Series([1.0])).__name__)"
    )
    assert out.splitlines() == [
        "False ndarray False",
        "DataFrame ['a', 'b', 'c'] True True True True",
        "Series Series",
    ]


def test_list_datasets_names_every_bundled_file_with_its_source():
    from importlib import resources

    names = agglo.list_datasets()
    assert names[:2] == ["gdp_by_sector", "employment_wage"]
    sources = resources.files("agglo.data").joinpath("SOURCES.md").read_text("utf-8")
    rows = {name: len(agglo.load_dataset(name)) for name in names}
    assert rows["gdp_by_sector"] == 31 * 10  # 31 provinces × 2015–2024
    assert rows["china_province_borders"] == 68
    for name in names:
        file = agglo.datasets._FILES[name]
        assert f"`{file}`" in sources, f"{file} has no line in agglo/data/SOURCES.md"
