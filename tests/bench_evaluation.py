"""Benchmark: entropy weights and TOPSIS on 100,000 rows × 50 indicators.

Target: under 0.5 s each (best of several runs) on a 2-core machine.  Run with
``python tests/bench_evaluation.py``; prints time and peak memory (tracemalloc).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from agglo import entropy_weights, topsis

ROWS, COLS, REPEAT = 100_000, 50, 5


def _best_time(fn, repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    rng = np.random.default_rng(20240601)
    X = rng.lognormal(mean=2.0, sigma=1.0, size=(ROWS, COLS))
    directions = ["+"] * 40 + ["-"] * 8 + ["moderate:7", "interval:5:12"]
    cases = {
        "entropy_weights (min-max, 0*ln0)": lambda: entropy_weights(X, directions),
        "entropy_weights (raw values)": lambda: entropy_weights(X, preset="pymcdm"),
        "topsis (vector)": lambda: topsis(X, None, directions),
        "topsis (min-max)": lambda: topsis(X, None, directions, normalize="minmax"),
        "entropy-TOPSIS (both steps)": lambda: topsis(
            X, entropy_weights(X, directions), directions
        ),
    }
    print(f"matrix {ROWS:,} rows x {COLS} indicators, best of {REPEAT} runs")
    for name, fn in cases.items():
        fn()  # warm-up
        t = _best_time(fn)
        peak = _peak_mib(fn)
        if name.startswith("entropy-TOPSIS"):
            note = "both steps together, for information"
        else:
            note = f"{'OK' if t < 0.5 else 'SLOW'}, target 500 ms"
        print(f"{name:38s} {t * 1000:8.1f} ms   peak {peak:7.1f} MiB   [{note}]")


if __name__ == "__main__":
    main()
