"""The report scripts against xlwings' real remote Book engine (``xw.Book(json=...)``).

That engine is what xlwings Lite and xlwings Server run the scripts with; it lives in
``xlwings/pro`` (PolyForm Noncommercial or a commercial licence), so nothing of it ships
with Agglo and these tests run only when ``XLWINGS_LICENSE_KEY`` is set.  They run the
scripts with the installed (newest) xlwings and with the minimum the project states
(``agglo_addin.install.XLWINGS_MINIMUM``), installed by pip into a cache folder; xlwings
0.37.4 is checked to fail, which is why the minimum is 0.37.5.  Each run happens in a
child Python, so the versions never mix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from agglo_addin import install, layouts

pytestmark = pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY"),
    reason=(
        "xlwings' remote Book engine is in xlwings/pro (PolyForm Noncommercial or commercial "
        "licence): set XLWINGS_LICENSE_KEY to run these tests"
    ),
)

CHILD = r"""
import json, sys
import xlwings as xw
from agglo_addin import scripts

def book(rows, selection, **sheet):
    return xw.Book(json={
        "client": "Office.js", "version": xw.__version__,
        "book": {"name": "B.xlsx", "active_sheet_index": 0, "selection": selection},
        "names": [],
        "sheets": [{"name": "数据", "values": rows, "pictures": [], "tables": [], **sheet}],
    })

yearbook = [["地区", "工业", "服务业"], ["北京", 1.0, 2.0], ["上海", 3.0, 4.0],
            ["广东", 5.0, 3.0], ["全国", 20.0, 30.0]]
scores = [["城市", "U1", "U2"], ["A", 0.3, 0.5], ["B", 0.6, 0.4], ["C", 0.45, 0.5]]
matrix = [["城市", "GDP", "人口"], ["A", 1.0, 5.0], ["B", 2.0, 3.0], ["C", 4.0, 4.0]]
dirty = [["地区", "工业", "服务业"], ["北京", "n/a?", 2.0], ["上海", -3.0, 4.0]]
runs = [
    ("lq_sheet", yearbook, "A1:C5", {}),
    ("coupling_report", scores, "A1:C4", {}),
    ("entropy_topsis_report", matrix, "A1:C4", {}),
    ("check_data", dirty, "A1:C3", {"notes": []}),  # a host with notes (ExcelApi 1.18)
    ("check_data", dirty, "A1:C3", {"notes_supported": False}),  # a host without
]
out = {"version": xw.__version__, "runs": []}
for name, rows, selection, sheet in runs:
    b = book(rows, selection, **sheet)
    try:
        getattr(scripts, name)(b)
        out["runs"].append({"script": name, "actions": b.json()["actions"]})
    except Exception as exc:
        out["runs"].append({"script": name, "error": f"{type(exc).__name__}: {exc}"})
print(json.dumps(out, ensure_ascii=False))
"""


def _xlwings_dir(version: str) -> Path | None:
    """A folder with xlwings ``version`` (pip --target, cached between runs), or None."""
    cache = Path(os.environ.get("AGGLO_TEST_CACHE", Path.home() / ".cache" / "agglo-tests"))
    target = cache / f"xlwings-{version}"
    if (target / "xlwings" / "__init__.py").exists():
        return target
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), f"xlwings=={version}"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return target if done.returncode == 0 else None


def _run(xlwings_dir: Path | None) -> dict:
    env = dict(os.environ)
    if xlwings_dir is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(xlwings_dir), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _versions() -> list[str]:
    return ["installed", install.XLWINGS_MINIMUM]


@pytest.fixture(scope="module", params=_versions())
def results(request) -> dict:
    if request.param == "installed":
        return _run(None)
    folder = _xlwings_dir(request.param)
    if folder is None:
        pytest.skip(f"xlwings=={request.param} could not be installed (offline?)")
    out = _run(folder)
    assert out["version"] == request.param
    return out


def _actions(results: dict, script: str, index: int = 0) -> list[dict]:
    runs = [r for r in results["runs"] if r["script"] == script]
    assert "error" not in runs[index], (results["version"], runs[index])
    return runs[index]["actions"]


def test_every_script_runs_on_the_remote_engine(results):
    for run in results["runs"]:
        assert "error" not in run, (results["version"], run)


def test_lq_sheet_actions(results):
    actions = _actions(results, "lq_sheet")
    funcs = [a["func"] for a in actions]
    formulas = [a["values"][0][0] for a in actions if a["func"] == "setFormula"]
    assert formulas == ["=LQRATIO('数据'!$B$2:$C$4,,'数据'!$B$5:$C$5)"]
    widths = [a["args"][0] for a in actions if a["func"] == "setColumnWidth"]
    assert widths == [77.25]  # points: 14 characters of the classic layout
    (scale,) = [a["args"][0] for a in actions if a["func"] == "addConditionalFormat"]
    assert scale["type"] == "ColorScale"
    assert scale["thresholds"] == [0.0, 1.0, 2.0]  # the midpoint colour at LQ = 1
    assert scale["threshold_types"] == ["Number", "Number", "Number"]
    assert [c.lower() for c in scale["colors"]] == [c.lower() for c in layouts.HEAT_COLORS]
    assert "addNote" in funcs  # the total row is explained in a note


def test_reports_add_charts_and_formulas(results):
    coupling = _actions(results, "coupling_report")
    assert [a["values"][0][0] for a in coupling if a["func"] == "setFormula"] == [
        "=CTD('数据'!$B$2:$C$4)", "=COORDLEVEL(D5:D7)", "=LEADLAG('数据'!$B$2:$B$4,'数据'!$C$2:$C$4)"
    ]  # fmt: skip
    assert any(a["func"] == "addChart" for a in coupling), {a["func"] for a in coupling}
    topsis = _actions(results, "entropy_topsis_report")
    assert sum(a["func"] == "setFormula" for a in topsis) == 3
    assert any(a["func"] == "addChart" for a in topsis)


def test_check_data_without_notes_still_colours(results):
    with_notes = _actions(results, "check_data", 0)
    without = _actions(results, "check_data", 1)
    colours = [a for a in with_notes if a["func"] != "addNote"]
    assert [a for a in without if a["func"] != "addNote"] == colours
    assert any(a["func"] == "addNote" for a in with_notes)
    assert not any(a["func"] == "addNote" for a in without)


def test_xlwings_0_37_4_lacks_what_the_scripts_need():
    folder = _xlwings_dir("0.37.4")
    if folder is None:
        pytest.skip("xlwings==0.37.4 could not be installed (offline?)")
    out = _run(folder)
    errors = [r.get("error", "") for r in out["runs"]]
    assert any("conditional_formats" in e for e in errors), errors
