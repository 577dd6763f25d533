"""Calculation engines against LibreOffice on the differential corpus: agreement and time.

    python tests/bench_engines.py [--engines agglo,formualizer,ironcalc] [--timeout 120]

For every book of the corpus (``../shared/corpus`` and :mod:`differential_books`) each
engine recalculates every formula; its values for the formula cells are compared with
LibreOffice's (``tests/reference/differential_oracle.json``).  Printed per engine: cells
that agree, disagree, that the engine left alone (``agglo`` keeps and reports what it
cannot evaluate right), that it gave no value for, books it failed on, and the time.

``agglo`` is the headless engine of ``agglo refresh`` (``formulas`` library + the keep-
cached list); ``formualizer`` and ``ironcalc`` are native (Rust) engines from PyPI, loaded
from the file with their own readers.  Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from differential import Tally, compare, load_oracle, reference, run_agglo  # noqa: E402
from differential_oracle import built_books, corpus_books, formula_cells  # noqa: E402

_EPOCH = dt.date(1899, 12, 30)
_FZ_ERRORS = {"Na": "#N/A", "Div": "#DIV/0!", "Name": "#NAME?", "Value": "#VALUE!",
              "Ref": "#REF!", "Num": "#NUM!", "Null": "#NULL!", "Spill": "#SPILL!",
              "Calc": "#CALC!", "Circ": "#CIRC!"}  # fmt: skip


def _serial(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float((v - _EPOCH).days)
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    return v


def run_formualizer(path: Path, cells: dict[str, dict[str, Any]]):
    import formualizer as fz
    from agglo_addin import xlsx
    from agglo_addin.xlsx import ExcelError

    wb = fz.Workbook.load_path(str(path))
    wb.evaluate_all()
    got = {}
    for sheet, refs in cells.items():
        for ref in refs:
            r, c = xlsx.parse_range(ref)[:2]
            v = wb.get_value(sheet, r, c)
            if isinstance(v, dict) and v.get("type") == "Error":
                v = ExcelError(_FZ_ERRORS.get(v.get("kind"), f"#{v.get('kind')}"))
            got[f"{sheet}!{ref}"] = _serial(v)
    return got, set()


def run_ironcalc(path: Path, cells: dict[str, dict[str, Any]]):
    import ironcalc as ic
    from agglo_addin import xlsx
    from agglo_addin.xlsx import ExcelError

    m = ic.load_from_xlsx(str(path), "en", "UTC")
    m.evaluate()
    pkg = xlsx.read_package(path)
    index = {s.name: i for i, s in enumerate(pkg.sheets)}
    got = {}
    for sheet, refs in cells.items():
        for ref in refs:
            r, c = xlsx.parse_range(ref)[:2]
            v = m.get_cell_value(index[sheet], r, c)
            if str(m.get_cell_type(index[sheet], r, c)).endswith("ErrorValue"):
                v = ExcelError(str(v))
            got[f"{sheet}!{ref}"] = v
    return got, set()


ENGINES = {"agglo": run_agglo, "formualizer": run_formualizer, "ironcalc": run_ironcalc}


class _Timeout(Exception):
    pass


def _alarm(*_):
    raise _Timeout


def speed(rows: int) -> None:
    """Evaluation time of the benchmark book of ``bench_engine.py`` (2 Agglo + 10
    ordinary formulas a row): this engine, and formualizer with the LQ and HHI wrappers
    registered as Python callbacks."""
    import formualizer as fz
    from agglo_addin.engine import default_registry, evaluate_package
    from agglo_addin.xlsx import Limits, read_package
    from bench_engine import build

    reg = default_registry()
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "bench.xlsx"
        build(book, rows)
        t0 = time.perf_counter()
        ev = evaluate_package(read_package(book, Limits(max_cells=10**8)), all_formulas=True)
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        wb = fz.Workbook.load_path(str(book))
        calls = Counter()

        def callback(name):
            fn = reg[name]

            def call(*args):
                calls[name] += 1
                out = fn(*args)
                return (
                    out[0][0] if isinstance(out, list) and out and isinstance(out[0], list) else out
                )

            return call

        for name in ("LQ", "HHI"):
            wb.register_function(name, callback(name), min_args=1, max_args=4)
        wb.evaluate_all()
        theirs = time.perf_counter() - t0
        a, b = ev.values[("Calc", "A2")], wb.get_value("Calc", 2, 1)
        print(
            f"{rows:,} rows: agglo engine {ours:.2f} s; formualizer (load + evaluate, "
            f"{sum(calls.values()):,} callbacks) {theirs:.2f} s; LQ in A2: {a} vs {b}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="agglo,formualizer,ironcalc")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per book and engine")
    ap.add_argument("--only", default="", help="substring of the book ids to run")
    ap.add_argument("--show", type=int, default=0, help="disagreements listed per engine")
    ap.add_argument("--speed", type=int, default=0, help="only the speed trial at ROWS rows")
    ap.add_argument("--times", action="store_true", help="print the time of each book")
    ap.add_argument("--examples", type=int, default=0, help="examples per function")
    args = ap.parse_args(argv)
    if args.speed:
        speed(args.speed)
        return 0
    oracle = load_oracle()
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as tmp:
        books = {**corpus_books(), **built_books(Path(tmp) / "built")}
        books = {b: p for b, p in books.items() if args.only in b}
        for name in args.engines.split(","):
            run = ENGINES[name]
            total, failed, seconds = Tally(), Counter(), 0.0
            by_function: Counter[str] = Counter()
            for bid, path in books.items():
                try:
                    cells = formula_cells(path)
                except Exception:  # noqa: BLE001 - refused by our reader (encrypted ...)
                    continue
                ref = reference(oracle.get(bid), cells)
                t0 = time.perf_counter()
                signal.alarm(args.timeout)
                try:
                    got, kept = run(path, cells)
                except _Timeout:
                    failed["timeout"] += 1
                    total.missing += len(ref)
                    continue
                except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException
                    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                        raise
                    failed[type(exc).__name__] += 1
                    total.missing += len(ref)
                    continue
                finally:
                    signal.alarm(0)
                    seconds += time.perf_counter() - t0
                    if args.times:
                        print(f"   {bid}: {time.perf_counter() - t0:.2f} s")
                t = compare(bid, ref, got, kept)
                total.add(t)
                texts = {f"{sh}!{ref}": v for sh, refs in _texts(path).items()
                         for ref, v in refs.items()}  # fmt: skip
                for _b, cell, g, w in t.disagreements:
                    fn = _first_function(texts.get(cell))
                    by_function[fn] += 1
                    if args.examples and by_function[fn] <= args.examples:
                        print(f"   {fn}: {bid} {cell} {texts.get(cell)} got {g!r} oracle {w!r}")
            print(
                f"{name:12s} books {len(books) - sum(failed.values())}/{len(books)}  "
                f"agree {total.agree}  disagree {total.disagree}  kept {total.kept}  "
                f"(of which against the stored value {total.stored})  "
                f"no value {total.missing}  failed {dict(failed)}  {seconds:.1f} s"
            )
            print("   disagreements by function:", dict(by_function.most_common(25)))
            for d in total.disagreements[: args.show]:
                print("   ", d)
    return 0


def _texts(path: Path) -> dict[str, dict[str, str | None]]:
    from agglo_addin import engine, xlsx

    pkg = xlsx.read_package(path)
    out = {}
    for info in pkg.worksheet_parts():
        scan = pkg.scan_sheet(info)
        out[info.name] = {
            ref: engine.references._text_of([scan], info.name, fc)
            for ref, fc in scan.formulas.items()
        }
    return out


def _first_function(text: str | None) -> str:
    import re

    if not text:
        return "(array cell)"
    names = re.findall(r"([A-Za-z_][\w.]*)\(", text)
    names = [n.upper().replace("_XLFN.", "").replace("_XLWS.", "") for n in names]
    return names[0] if names else "(operators)"


if __name__ == "__main__":
    sys.exit(main())
