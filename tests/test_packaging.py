"""Packaging: the wheel is pure Python and self-contained; both install modes import.

The wheel is built with ``python -m build --wheel`` from a copy of the project tree
(so the build's ``build/`` and ``*.egg-info`` folders never land in the working tree),
installed with ``--no-deps`` into a fresh virtual environment and imported from a
directory outside the project.  The fresh environment sees the runtime dependencies
(numpy, pandas, scipy, statsmodels) of the interpreter running the tests through a
``.pth`` path entry: downloading and unpacking them again would take about a minute and
test pip rather than the wheel; the wheel's declared dependencies are checked from its
metadata in ``test_wheel_runtime_dependencies``.  A ``.pth`` path entry does not run the
``.pth`` files of that folder, so the editable install of the project stays invisible.
These tests are marked ``slow`` but run by default (CI included).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_DEPENDENCIES = {"numpy", "pandas", "scipy", "statsmodels"}
IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
)

pytestmark = pytest.mark.slow


def _clean_env() -> dict[str, str]:
    """The environment without anything that would leak the project onto sys.path."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(key, None)
    return env


def _run(cmd: list[str], *, cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "agglo"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    outdir = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(source)],
        cwd=source,
        timeout=900,
    )
    wheels = list(outdir.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel, found {wheels}"
    return wheels[0]


def test_wheel_is_pure_python(wheel: Path):
    # xlwings Lite installs only pure wheels.
    assert wheel.name.endswith("py3-none-any.whl"), wheel.name
    assert wheel.name.startswith("agglo-")


def test_wheel_contents(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "agglo/__init__.py" in names
    assert "agglo/growth.py" in names
    assert any(re.fullmatch(r"agglo/data/[^/]+\.csv", n) for n in names), "no bundled CSV data"
    assert any(n.startswith("agglo_addin/") for n in names), "the add-in package is missing"
    top_level = {n.split("/")[0] for n in names}
    assert "functions" not in top_level, "the source folder name leaked into the wheel"
    assert "tests" not in top_level
    assert "addin" not in top_level
    # agglo demo needs the six templates as package data (setup.py copies them)
    books = sorted(n for n in names if n.startswith("agglo_addin/templates/"))
    assert [Path(n).name for n in books] == sorted(
        p.name for p in (ROOT / "workbooks").glob("0[1-9]_*.xlsx")
    )
    assert not any(n.endswith("build.py") for n in names), "the template builder leaked"
    assert not any("builder/" in n for n in names), "the template builder package leaked"


def test_wheel_runtime_dependencies(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta_name).decode("utf-8")
    requires = [
        ln.split(":", 1)[1].strip()
        for ln in metadata.splitlines()
        if ln.startswith("Requires-Dist:")
    ]
    runtime = {
        re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower()
        for req in requires
        if "extra ==" not in req
    }
    assert runtime == RUNTIME_DEPENDENCIES, f"runtime dependencies: {sorted(runtime)}"


def _fresh_venv(wheel: Path, tmp_path: Path) -> Path:
    """A new virtual environment with the wheel installed (--no-deps); its Python."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
        timeout=60,
    ).stdout.strip()
    # the runtime dependencies of the running interpreter (see the module docstring)
    dependency_dirs = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "runtime_dependencies.pth").write_text(
        "\n".join(sorted(dependency_dirs)) + "\n", encoding="utf-8"
    )
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            str(wheel),
        ],
        cwd=tmp_path,
        timeout=600,
    )
    return python


def test_wheel_installs_in_a_fresh_venv_and_runs(wheel: Path, tmp_path: Path):
    python = _fresh_venv(wheel, tmp_path)
    venv = tmp_path / "venv"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = (
        "import agglo, pathlib; "
        "print(agglo.share([1, 3]).tolist()); "
        "print(round(agglo.cagr(100, 150, 5), 4)); "
        "print(pathlib.Path(agglo.__file__).resolve())"
    )
    out = _run([str(python), "-c", code], cwd=outside, timeout=300).stdout.splitlines()
    assert out[0] == "[0.25, 0.75]"
    assert out[1] == "0.0845"
    installed = Path(out[2])
    assert venv.resolve() in installed.parents, f"agglo imported from {installed}"
    assert ROOT not in installed.parents


def test_editable_install_imports_from_outside_the_repo(tmp_path: Path):
    code = (
        "import agglo, agglo_addin, pathlib; "
        "print(pathlib.Path(agglo.__file__).resolve()); "
        "print(agglo.share([1, 3]).tolist())"
    )
    out = _run([sys.executable, "-c", code], cwd=tmp_path, timeout=300).stdout.splitlines()
    assert Path(out[0]) == (ROOT / "functions" / "__init__.py").resolve()
    assert out[1] == "[0.25, 0.75]"


def test_ci_reruns_the_lite_side_with_the_versions_pyodide_ships():
    """CI installs with Pyodide 0.27.5's versions as constraints and runs files that exist."""
    pins = (ROOT / ".ci" / "pyodide-0.27.5.txt").read_text(encoding="utf-8")
    assert [ln for ln in pins.splitlines() if ln and not ln.startswith("#")] == [
        "numpy==2.0.2", "pandas==2.2.3", "scipy==1.14.1", "statsmodels==0.14.4"
    ]  # fmt: skip
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '-e ".[test]" -c .ci/pyodide-0.27.5.txt' in script
    run = script[script.index('"$PVENV/bin/python" -m pytest') :].replace("\\\n", " ")
    paths = run.split("\n", 1)[0].split()[4:]
    assert "functions" in paths
    assert "tests/test_udfs.py" in paths
    for p in paths:
        assert (ROOT / p).exists(), p


def test_agglo_demo_from_the_installed_wheel(wheel: Path, tmp_path: Path):
    """A plain install (not editable) finds the bundled templates and refreshes them."""
    python = _fresh_venv(wheel, tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    agglo = python.with_name("agglo.exe" if os.name == "nt" else "agglo")  # the entry point
    out = _run([str(agglo), "demo", "--out", "books"], cwd=outside, timeout=600).stdout
    templates = sorted(p.name for p in (ROOT / "workbooks").glob("0[1-9]_*.xlsx"))
    written = sorted(p.name for p in (outside / "books").glob("*.xlsx"))
    assert written == sorted([*templates, "agglo-demo.xlsx"])
    for name in templates:
        assert f"{name}: stored values already up to date" in out, out
    assert "agglo-demo.xlsx: refreshed" in out
    assert "Highest location quotient" in out
    # the demo books are for readers without the add-in too: no recalculation on open
    for book in (outside / "books").glob("*.xlsx"):
        with zipfile.ZipFile(book) as z:
            assert b'fullCalcOnLoad="1"' not in z.read("xl/workbook.xml"), book.name
