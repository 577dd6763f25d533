"""Benchmark: the rule-based random weighting of 章立东 & 李奥 (2021), 10,000 draws of a 4 × 4 matrix.

Target: under 2 s.  Run with ``python tests/bench_ahp.py``; prints the best of several
repeats and the peak memory of one run (tracemalloc).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from agglo import ahp, random_weights

ORDER = [2, 3, 4, 1]  # 经济基本盘 first, then 动力升级, 社会进步, 生态和谐 (ranks per criterion)
N_DRAWS = 10_000
REPEATS = 5


def _best_time(func, repeats: int = REPEATS) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    for scale in ("saaty", "continuous"):
        for method in ("eigen", "sum", "geometric"):
            t = _best_time(
                lambda s=scale, m=method: random_weights(
                    ORDER, N_DRAWS, scale=s, method=m, rng=2024
                )
            )
            print(
                f"random_weights  n=4  draws={N_DRAWS:,}  scale={scale:<10} "
                f"method={method:<9}  best of {REPEATS}: {t * 1000:8.1f} ms  (target < 2000 ms)"
            )
    tracemalloc.start()
    res = random_weights(ORDER, N_DRAWS, rng=2024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory (scale='saaty', eigen): {peak / 2**20:.1f} MiB")
    print(
        "mean weights:", np.round(res.weights, 4).tolist(), " std:", np.round(res.std, 4).tolist()
    )

    big = random_weights(np.arange(15), N_DRAWS, rng=1)
    t = _best_time(lambda: random_weights(np.arange(15), N_DRAWS, rng=1), repeats=2)
    print(
        f"random_weights  n=15 draws={N_DRAWS:,}  eigen: {t * 1000:8.1f} ms  "
        f"(mean CR {big.cr.mean():.3f})"
    )

    a = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    t = _best_time(lambda: ahp(a), repeats=50)
    print(f"ahp 3 × 3 (with suggested judgement): {t * 1e6:8.1f} µs per call")


if __name__ == "__main__":
    main()
