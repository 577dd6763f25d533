"""Benchmark: reading and writing the workbook of ``tests/bench_engine.py`` (issue #5).

Run: ``python tests/bench_xlsx.py [--rows 1000] [--module path/to/xlsx.py]``.

Times (best of ``--repeats``) the stages of ``agglo refresh`` that handle the package
itself, on the 2,000 Agglo + 10,000 ordinary formula workbook: the byte-level survey,
the scan of every sheet (in one piece and incrementally, as large sheets are read),
patching the sheet XML and writing the package, for the patches the engine writes
(captured from a refresh) and for new values in every formula cell.  Also prints the
peak memory of a scan and of a write (tracemalloc), and the cold import time of
``formulas``' function table with and without the SciPy deferral, and of openpyxl's
formula tokenizer and translator with and without openpyxl's package.  ``--module`` times another version of
``addin/xlsx.py`` (e.g. a saved copy of an earlier one) for comparison.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import build  # noqa: E402


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _load(module: str | None):
    if module is None:
        from agglo_addin import xlsx

        return xlsx
    spec = importlib.util.spec_from_file_location("xlsx_under_test", module)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["xlsx_under_test"] = mod
    spec.loader.exec_module(mod)
    return mod


def _engine_patches(xlsx, book: Path, tmp: Path) -> dict | None:
    """The patches a refresh of ``book`` writes (None if the engine cannot run here)."""
    from agglo_addin import engine
    from agglo_addin import xlsx as real

    captured: dict = {}
    original = real.write_patched

    def capture(pkg, patches, out_path, **kw):
        captured.update(patches)
        return original(pkg, patches, out_path, **kw)

    copy = tmp / "engine.xlsx"
    shutil.copy(book, copy)
    real.write_patched = capture
    try:
        engine.refresh_workbook(copy, backup=False)
    except Exception as exc:  # noqa: BLE001 - the engine is benchmarked elsewhere
        print(f"  (engine patches not available: {type(exc).__name__}: {exc})")
        return None
    finally:
        real.write_patched = original
    return {
        part: xlsx.SheetPatch(
            values={
                k: xlsx.ExcelError(v) if isinstance(v, real.ExcelError) else v
                for k, v in p.values.items()
            },
            array_refs=dict(p.array_refs),
            clear=set(p.clear),
        )
        for part, p in captured.items()
    }


def _import_seconds(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c",
         f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000, help="rows (12 formulas each)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--module", help="an addin/xlsx.py to time instead of the installed one")
    ap.add_argument("--no-imports", action="store_true", help="skip the import timings")
    args = ap.parse_args()
    xlsx = _load(args.module)
    tmp = Path(tempfile.mkdtemp(prefix="agglo-bench-xlsx-"))
    try:
        book = tmp / "bench.xlsx"
        build(book, args.rows)
        pkg = xlsx.read_package(book)
        sheets = pkg.worksheet_parts()
        print(f"workbook: {book.stat().st_size:,} bytes, sheets "
              + ", ".join(f"{s.name} ({pkg.zip.getinfo(s.part).file_size:,} bytes XML)"
                          for s in sheets))  # fmt: skip
        r = args.repeats
        print(f"read_package:            {_best(lambda: xlsx.read_package(book), r) * 1e3:7.1f} ms")
        t = _best(lambda: [xlsx.survey_sheet(pkg, s) for s in sheets], r)
        print(f"survey_sheet (all):      {t * 1e3:7.1f} ms")
        scans = [pkg.scan_sheet(s, keep_values=True) for s in sheets]
        t = _best(lambda: [pkg.scan_sheet(s, keep_values=True) for s in sheets], r)
        n_cells = sum(s.n_cells for s in scans)
        print(f"scan_sheet (all, values): {t * 1e3:6.1f} ms  ({n_cells:,} cells, "
              f"{sum(len(s.formulas) for s in scans):,} formulas)")  # fmt: skip
        if hasattr(xlsx, "_TREE_MAX_BYTES"):
            saved = xlsx._TREE_MAX_BYTES
            xlsx._TREE_MAX_BYTES = 0
            try:
                t = _best(lambda: [pkg.scan_sheet(s, keep_values=True) for s in sheets], r)
                peak = _peak_mb(lambda: [pkg.scan_sheet(s, keep_values=True) for s in sheets])
            finally:
                xlsx._TREE_MAX_BYTES = saved
            print(f"  incremental parsing:   {t * 1e3:7.1f} ms  (peak {peak:.1f} MB)")
        peak = _peak_mb(lambda: [pkg.scan_sheet(s, keep_values=True) for s in sheets])
        print(f"  peak memory of a scan: {peak:.1f} MB (tracemalloc: Python allocations, "
              "not lxml's own)")  # fmt: skip

        every = {
            s.info.part: xlsx.SheetPatch(
                values={ref: fc.row * 0.5 + fc.col / 7 for ref, fc in s.formulas.items()}
            )
            for s in scans
        }
        for label, patches in (
            ("engine's patches", _engine_patches(xlsx, book, tmp)),
            ("every formula cell", every),
        ):
            if not patches:
                continue
            n = sum(len(p.values) for p in patches.values())
            data = {part: pkg.read(part) for part in patches}
            t = _best(lambda: [xlsx._patch_sheet_xml(data[p], patches[p]) for p in patches], r)  # noqa: B023
            out = tmp / "out.xlsx"
            tw = _best(lambda: xlsx.write_patched(pkg, patches, out), r)  # noqa: B023
            peak = _peak_mb(lambda: xlsx.write_patched(pkg, patches, out))  # noqa: B023
            print(f"{label} ({n:,} values):")
            print(f"  _patch_sheet_xml (all): {t * 1e3:6.1f} ms")
            print(f"  write_patched:          {tw * 1e3:6.1f} ms  (peak {peak:.1f} MB)")

        if not args.no_imports:
            plain = "import formulas.functions as ff; ff.get_functions()"
            deferred = (
                "from agglo_addin.engine.bridge import defer_scipy_for_formulas; "
                "defer_scipy_for_formulas(); " + plain
            )
            tok = "from agglo_addin._lazy_imports import formula_tokenizer; formula_tokenizer()"
            tr = "from agglo_addin._lazy_imports import formula_translator; formula_translator()"
            for label, code in (
                ("formulas get_functions()", plain),
                ("  with SciPy deferred", deferred),
                ("openpyxl.formula.tokenizer", "import openpyxl.formula.tokenizer"),
                ("  loaded alone", tok),
                ("openpyxl.formula.translate", "import openpyxl.formula.translate"),
                ("  loaded alone", tr),
            ):
                ts = sorted(_import_seconds(code) for _ in range(3))
                print(f"cold import, {label}: {ts[1]:.2f} s (median of 3)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
