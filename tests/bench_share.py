"""Benchmark: ``agglo share`` / ``agglo unshare`` on the engine benchmark's workbook.

Run: ``python tests/bench_share.py [--rows 1000 20000]``.  Builds the workbook of
``tests/bench_engine.py`` (2 Agglo + 10 ordinary formulas a row), then times, in this
process: the refresh, the share (which refreshes again, into memory), the share of the
refreshed book without refreshing (``--no-refresh``: the cost of the copy itself) and the
unshare.  Timings on a shared machine are noisy; compare sizes within one run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    from agglo_addin import engine, share
    from bench_engine import build

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 20000])
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="agglo-bench-share-"))
    try:
        for rows in args.rows:
            book = tmp / f"bench{rows}.xlsx"
            build(book, rows)
            t0 = time.perf_counter()
            engine.refresh_workbook(book, backup=False)
            t_refresh = time.perf_counter() - t0
            t0 = time.perf_counter()
            rep = share.share_workbook(book, out=tmp / "shared.xlsx")
            t_share = time.perf_counter() - t0
            t0 = time.perf_counter()
            share.share_workbook(book, out=tmp / "shared2.xlsx", refresh=False)
            t_copy = time.perf_counter() - t0
            t0 = time.perf_counter()
            back = share.unshare_workbook(tmp / "shared.xlsx", out=tmp / "back.xlsx")
            t_unshare = time.perf_counter() - t0
            size = (tmp / "shared.xlsx").stat().st_size / 1e6
            print(f"{rows:>7,} rows, {rep.n_agglo:,} Agglo formulas: refresh {t_refresh:.2f} s, "
                  f"share {t_share:.2f} s (copy alone {t_copy:.2f} s), unshare "
                  f"{t_unshare:.2f} s ({len(back.changes):,} restored); copy {size:.1f} MB")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
