"""Build the Agglo template workbooks (``workbooks/*.xlsx``) from the bundled data.

Usage::

    python workbooks/build.py                 # writes workbooks/0*.xlsx
    python workbooks/build.py --out DIR       # writes into DIR instead
    python workbooks/build.py --refresh       # then fills cached values with `agglo refresh`

Each template is a new file written with openpyxl (creating a file, not re-saving a
user's one).  Every Agglo result is a live worksheet formula (``=LQRATIO(...)``, ``=CTD(...)``
...) using the names registered in :data:`agglo_addin.udfs.REGISTRY`; results that fill
more than one cell are stored as legacy array formulas (``t="array"`` with a ``ref``
covering the whole output), which every Excel version, LibreOffice and the headless
engine read the same way.  Data blocks are workbook-level defined names, options are
cells with drop-down lists referenced by the formulas.  The files carry no cached
values until ``agglo refresh`` has run on them (``--refresh``).

Data come from :func:`agglo.load_dataset` (copies of the project's data with their
sources in ``agglo/data/SOURCES.md``) and, for the published coupling results of paper
003, from ``workbooks/data/`` (sources in ``workbooks/data/README.md``).

One module per template (its number, file name, title and ``build(path)``); the layout
they share is in :mod:`.book` (the workbook and its cell helpers), :mod:`.styles`,
:mod:`.refs` (addresses), :mod:`.printing` (print layout), :mod:`.instructions` (the
说明 sheet), :mod:`.sources` (citations, 来源 lines) and :mod:`.data` (the data).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import (
    agglomeration_competitiveness,
    ahp,
    central_cities,
    concentration_eg,
    coupling_coordination,
    location_quotient,
    regional_disparity,
)

__all__ = ["BUILDERS", "FILES", "TITLES", "WORKBOOKS", "build_all", "fill_cached_values", "main"]

#: The folder of the templates (``workbooks/``), the default output folder.
WORKBOOKS = Path(__file__).resolve().parent.parent

_TEMPLATES = sorted(
    (
        location_quotient,
        concentration_eg,
        agglomeration_competitiveness,
        coupling_coordination,
        central_cities,
        ahp,
        regional_disparity,
    ),
    key=lambda m: m.NUMBER,
)

#: File names of the templates (ASCII, see README: safe in zip archives, e-mail
#: attachments and consoles with a non-UTF-8 code page); the Chinese title is inside.
FILES: dict[int, str] = {m.NUMBER: m.FILE for m in _TEMPLATES}
TITLES: dict[int, str] = {m.NUMBER: m.TITLE for m in _TEMPLATES}
BUILDERS: dict[int, Callable[[Path], None]] = {m.NUMBER: m.build for m in _TEMPLATES}


def build_all(out: Path, numbers: Sequence[int] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, builder in BUILDERS.items():
        if numbers and number not in numbers:
            continue
        path = out / FILES[number]
        builder(path)
        paths.append(path)
    return paths


def fill_cached_values(path: Path) -> dict[str, Any]:
    """Fill the cached value of every formula of a freshly built template.

    Uses the headless engine (:mod:`agglo_addin.engine`): ``agglo refresh`` evaluates
    the Agglo formulas and the formulas connected to them; a new template also has
    formulas unconnected to any Agglo cell (labels such as ``=INDEX(PROVINCES,1)``), so
    here every formula is evaluated (``all_formulas=True``) and the values are written
    with the engine's surgical patcher — a workbook opened in a viewer that does not
    recalculate then shows every number.
    """
    import os
    import tempfile

    from agglo_addin import engine, xlsx

    pkg = xlsx.read_package(path)
    ev = engine.evaluate_package(pkg, all_formulas=True)
    if ev.problems:
        raise RuntimeError(f"{path.name}: formulas the engine could not evaluate: {ev.problems}")
    patches = {k: v for k, v in ev.patches.items() if v}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        xlsx.write_patched(pkg, patches, tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a template is an ordinary shared file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"agglo_formulas": ev.n_agglo, "evaluated": ev.n_evaluated, "changes": len(ev.changes)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=WORKBOOKS, help="output folder (default: workbooks/)"
    )
    parser.add_argument("--only", type=int, nargs="*", help="template numbers to build")
    parser.add_argument("--refresh", action="store_true",
                        help="fill the cached values with the headless engine")  # fmt: skip
    args = parser.parse_args(argv)
    paths = build_all(args.out, args.only)
    for p in paths:
        print(f"built {p}")
        if args.refresh:
            info = fill_cached_values(p)
            print(f"  cached values filled: {info}")
    return 0
