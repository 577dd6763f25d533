"""Benchmark: ``agglo refresh`` on 2,000 Agglo + 10,000 ordinary formulas vs LibreOffice.

Run: ``python tests/bench_engine.py [--rows 1000]``.  Builds the workbook, refreshes it
with the headless engine (cold process, as a user would run it), then has LibreOffice
headless recalculate the same workbook with the Agglo formulas replaced by their
values (LibreOffice cannot evaluate them), on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def build(path: Path, rows: int, agglo: bool = True, values: dict | None = None) -> None:
    """Data sheet (rows × 4 + totals) and a Calc sheet: 2 Agglo + 10 ordinary formulas a row."""
    import openpyxl

    wb = openpyxl.Workbook()
    d = wb.active
    d.title = "Data"
    d.append(["region", "a", "b", "c", "d", "total"])
    rng = random.Random(1)
    for i in range(rows):
        r = i + 2
        d.append([f"R{i}", *[round(rng.uniform(1, 100), 3) for _ in range(4)], f"=SUM(B{r}:E{r})"])
    t = rows + 2
    d.append(["nation", *[f"=SUM({c}2:{c}{rows + 1})" for c in "BCDEF"]])
    c = wb.create_sheet("Calc")
    for i in range(rows):
        r = i + 2
        a = f"=LQ(Data!B{r},Data!F{r},Data!B${t},Data!F${t})"
        b = f"=HHI(Data!B{r}:E{r})"
        if not agglo:
            a, b = values[("Calc", f"A{r}")], values[("Calc", f"B{r}")]
        c.cell(row=r, column=1, value=a)
        c.cell(row=r, column=2, value=b)
        ordinary = [
            f"=A{r}*2",
            f'=IF(A{r}>1,"hi","lo")',
            f"=ROUND(B{r}*100,2)",
            f"=AVERAGE(Data!B{r}:E{r})",
            f"=MAX(Data!B{r}:E{r})",
            f"=Data!B{r}/Data!F{r}",
            f"=C{r}+E{r}",
            f"=F{r}-G{r}",
            f"=MIN(Data!B{r}:E{r})",
            f"=H{r}*Data!C{r}",
        ]
        for j, f in enumerate(ordinary):
            c.cell(row=r, column=3 + j, value=f)
    wb.save(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000, help="rows (12 formulas each)")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved runs of each")
    ap.add_argument("--full-model", action="store_true",
                    help="also time the formulas.ExcelModel path the engine falls back to")  # fmt: skip
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="agglo-bench-"))
    try:
        book = tmp / "bench.xlsx"
        build(book, args.rows)
        print(f"workbook: {2 * args.rows:,} Agglo + {10 * args.rows:,} ordinary formulas "
              f"(+{args.rows + 5:,} data-sheet formulas)")  # fmt: skip
        # 1. agglo refresh, cold process (imports included), as a user runs it
        code = (
            "import sys, time; t=time.perf_counter();"
            "from agglo_addin.engine import refresh_workbook;"
            "r = refresh_workbook(sys.argv[1], backup=False);"
            "print(r.status, len(r.changes), r.evaluation.seconds, time.perf_counter()-t)"
        )
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        wall = time.perf_counter() - t0
        print(f"agglo refresh (new process, wall): {wall:.2f} s   [{out.stdout.strip()}]")
        # 1b. the same with every agglo family module imported up front (what an eager
        # ``import agglo`` cost before the package imported its modules on first use)
        eager = "import agglo;[getattr(agglo, m) for m in agglo._SUBMODULES];" + code
        build(book, args.rows)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", eager, str(book)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        print(f"  same, all agglo modules imported eagerly: {time.perf_counter() - t0:.2f} s")
        imports = (
            "import sys, time; t=time.perf_counter();"
            "from agglo_addin.engine import default_registry; default_registry();"
            "print(f'{time.perf_counter()-t:.2f}', 'xlwings' in sys.modules, 'scipy' in sys.modules)"
        )
        out = subprocess.run([sys.executable, "-c", imports], capture_output=True, text=True,
                             check=True)  # fmt: skip
        print(f"  cold imports (engine + registry): {out.stdout.strip()} s [xlwings, scipy loaded]")
        # 2. in-process, warm imports: the engine's own time (imports measured apart)
        t0 = time.perf_counter()
        from agglo_addin.engine import default_registry, refresh_workbook

        default_registry()  # imports the worksheet functions (agglo, xlwings ...)
        print(f"imports (engine + worksheet functions): {time.perf_counter() - t0:.2f} s")
        build(book, args.rows)
        t0 = time.perf_counter()
        rep = refresh_workbook(book, backup=False)
        warm = time.perf_counter() - t0
        ev = rep.evaluation
        print(f"agglo refresh (warm, in process):  {warm:.2f} s   stages "
              + ", ".join(f"{k} {v:.2f}" for k, v in ev.seconds.items()))  # fmt: skip
        # 2b. the same with the full formulas.ExcelModel (the fallback path), for reference
        if args.full_model:
            os.environ["AGGLO_ENGINE_FULL_MODEL"] = "1"
            build(book, args.rows)
            t0 = time.perf_counter()
            refresh_workbook(book, backup=False)
            print(f"agglo refresh with the full formulas model (warm): "
                  f"{time.perf_counter() - t0:.2f} s")  # fmt: skip
            del os.environ["AGGLO_ENGINE_FULL_MODEL"]
        # 3. LibreOffice headless on the same workbook, Agglo formulas replaced by values;
        # then both again, interleaved, so that both see the same machine load
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            print("LibreOffice: not installed (apt-get install libreoffice-calc-nogui)")
            return
        lo_book = tmp / "bench_values.xlsx"
        build(lo_book, args.rows, agglo=False, values=ev.values)
        prof = tmp / "profile" / "user"
        prof.mkdir(parents=True)
        (prof / "registrymodifications.xcu").write_text(_PROFILE)
        cmd = [soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
               "--norestore", "--convert-to", "xlsx", "--outdir", str(tmp / "lo"), str(lo_book)]  # fmt: skip
        subprocess.run(cmd, capture_output=True, check=True)  # first start creates the profile
        ours, theirs = [wall], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            theirs.append(time.perf_counter() - t0)
            build(book, args.rows)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True,
                           check=True)  # fmt: skip
            ours.append(time.perf_counter() - t0)
        med = statistics.median
        print(f"LibreOffice recalculation (wall, incl. start-up): best {min(theirs):.2f} s, "
              f"median {med(theirs):.2f} s over {len(theirs)} runs")  # fmt: skip
        print(f"agglo refresh (new process, wall):                best {min(ours):.2f} s, "
              f"median {med(ours):.2f} s over {len(ours)} runs")  # fmt: skip
        print(
            f"ratio agglo/LibreOffice: cold best {min(ours) / min(theirs):.2f}x, "
            f"cold median {med(ours) / med(theirs):.2f}x, warm {warm / min(theirs):.2f}x"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
