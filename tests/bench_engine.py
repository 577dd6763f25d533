"""Benchmark: ``agglo refresh`` against LibreOffice at 1,000, 20,000 and 100,000 rows.

Run: ``python tests/bench_engine.py [--rows 1000,20000,100000] [--repeat 3] [--detail]``.
Each row holds 2 Agglo formulas (LQ, HHI) and 10 ordinary ones, plus a SUM on the data
sheet.  Both sides recalculate every formula: ``agglo refresh`` (its default) in a new
process, as a user runs it, and LibreOffice headless with recalculation on load forced,
on the same workbook with the Agglo formulas replaced by their values (LibreOffice cannot
evaluate them).  Printed per size: wall time and peak resident memory of each (the
process and what it waits for), and how time and memory grow with the size.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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


_MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of a command and the processes it waits for."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                         text=True, check=True)  # fmt: skip
    t, mib = out.stdout.split()
    return float(t), float(mib)


def scaling(rows: list[int], repeat: int) -> None:
    """Agglo refresh (every formula, new process) against LibreOffice's full recalculation
    at each size: time, peak memory, and how the cost grows."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    tmp = Path(tempfile.mkdtemp(prefix="agglo-bench-"))
    try:
        prof = tmp / "profile" / "user"
        prof.mkdir(parents=True)
        (prof / "registrymodifications.xcu").write_text(_PROFILE)
        print(f"{'rows':>8} {'formulas':>10} | {'agglo s':>8} {'MiB':>6} | "
              f"{'LibreOffice s':>13} {'MiB':>6} | ratio")  # fmt: skip
        results = []
        for n in rows:
            book = tmp / f"bench{n}.xlsx"
            build(book, n)
            code = (
                "import sys; from agglo_addin.engine import refresh_workbook;"
                "from agglo_addin.xlsx import Limits;"
                "r = refresh_workbook(sys.argv[1], backup=False, limits=Limits(max_cells=10**8));"
                "assert r.status == 'refreshed', r.message"
            )
            ours = []
            for _ in range(repeat):
                build(book, n)  # no cached values: everything is computed and written
                ours.append(measure([sys.executable, "-c", code, str(book)]))
            theirs = []
            if soffice:
                lo_book = tmp / f"lo{n}.xlsx"
                from agglo_addin.engine import evaluate_package
                from agglo_addin.xlsx import Limits, read_package

                ev = evaluate_package(read_package(book, Limits(max_cells=10**8)),
                                      all_formulas=True)  # fmt: skip
                build(lo_book, n, agglo=False, values=ev.values)
                cmd = [soffice, f"-env:UserInstallation=file://{tmp / 'profile'}",
                       "--headless", "--norestore", "--convert-to", "xlsx", "--outdir",
                       str(tmp / "lo"), str(lo_book)]  # fmt: skip
                for _ in range(repeat):
                    theirs.append(measure(cmd))
            a = min(ours)
            b = min(theirs) if theirs else (float("nan"), float("nan"))
            results.append((n, a, b))
            print(f"{n:>8,} {12 * n + n + 5:>10,} | {a[0]:>8.2f} {a[1]:>6.0f} | "
                  f"{b[0]:>13.2f} {b[1]:>6.0f} | {a[0] / b[0]:.2f}x", flush=True)  # fmt: skip
        import math

        for (n1, a1, b1), (n2, a2, b2) in zip(results, results[1:], strict=False):
            k = math.log(n2 / n1)
            print(f"growth {n1:,} -> {n2:,} rows: agglo time ~ rows^"
                  f"{math.log(a2[0] / a1[0]) / k:.2f}, memory ~ rows^{math.log(a2[1] / a1[1]) / k:.2f}; "
                  f"LibreOffice time ~ rows^{math.log(b2[0] / b1[0]) / k:.2f}, "
                  f"memory ~ rows^{math.log(b2[1] / b1[1]) / k:.2f}")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1000,20000,100000",
                    help="comma-separated sizes (rows of 12 formulas each)")  # fmt: skip
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (best is printed)")
    ap.add_argument("--detail", action="store_true",
                    help="stage times and import costs at the first size")  # fmt: skip
    args = ap.parse_args()
    rows = [int(x) for x in args.rows.split(",")]
    print("Timings on a shared machine are noisy; best of --repeat runs.")
    scaling(rows, args.repeat)
    if args.detail:
        detail(rows[0])


def detail(rows: int) -> None:
    """Stage times of one in-process refresh and the import costs."""
    tmp = Path(tempfile.mkdtemp(prefix="agglo-bench-"))
    try:
        book = tmp / "bench.xlsx"
        imports = (
            "import sys, time; t=time.perf_counter();"
            "from agglo_addin.engine import default_registry; default_registry();"
            "print(f'{time.perf_counter()-t:.2f}', 'xlwings' in sys.modules, 'scipy' in sys.modules)"
        )
        out = subprocess.run([sys.executable, "-c", imports], capture_output=True, text=True,
                             check=True)  # fmt: skip
        print(f"cold imports (engine + registry): {out.stdout.strip()} s [xlwings, scipy loaded]")
        from agglo_addin.engine import default_registry, refresh_workbook
        from agglo_addin.xlsx import Limits

        default_registry()
        build(book, rows)
        t0 = time.perf_counter()
        rep = refresh_workbook(book, backup=False, limits=Limits(max_cells=10**8))
        ev = rep.evaluation
        print(f"agglo refresh (warm, in process, {rows:,} rows): "
              f"{time.perf_counter() - t0:.2f} s   stages "
              + ", ".join(f"{k} {v:.2f}" for k, v in ev.seconds.items()))  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
