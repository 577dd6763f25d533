"""Benchmark of agglo.disparity (run: python tests/bench_disparity.py).

Target: Dagum Gini decomposition of 3,000 counties in 4 groups under 0.5 s, without a
Python loop over pairs.  Also times the weighted form, 30,000 units, the Theil
decomposition beside PySAL ``TheilD`` (the peer, when installed) and a dense n × n
NumPy pairwise computation of the same Dagum terms for comparison.  Prints the best of
several runs (the machine may be shared, so figures are noisy).
"""

from __future__ import annotations

import time

import numpy as np
from agglo.disparity import dagum_gini, theil

REPEAT = 5


def best_time(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def dense_dagum_total(y: np.ndarray, g: np.ndarray) -> float:
    """The n × n pairwise way (memory O(n²)): what a direct transcription does."""
    diff = np.abs(y[:, None] - y[None, :])
    k = g.max() + 1
    onehot = (g[:, None] == np.arange(k)).astype(float)
    between = onehot.T @ diff @ onehot  # Σ|y_ji − y_hr| for every pair of groups
    return float(between.sum() / (2 * y.size**2 * y.mean()))


def main() -> None:
    rng = np.random.default_rng(2024)
    n = 3000
    y = rng.lognormal(10.0, 0.5, n)
    g = rng.integers(0, 4, n)
    labels = np.array(["东部", "中部", "西部", "东北"])[g]
    pop = rng.uniform(10, 200, n)
    dagum_gini(y[:20], labels[:20])  # warm-up (imports)

    t = best_time(lambda: dagum_gini(y, labels))
    print(f"dagum_gini, {n} counties, 4 groups:            {t * 1000:8.2f} ms  (target < 500 ms)")
    t = best_time(lambda: dagum_gini(y, labels, weights=pop))
    print(f"dagum_gini, {n} counties, population-weighted: {t * 1000:8.2f} ms")
    big = rng.lognormal(10.0, 0.5, 30_000)
    big_g = rng.integers(0, 4, 30_000)
    t = best_time(lambda: dagum_gini(big, big_g), repeat=3)
    print(f"dagum_gini, 30,000 units, 4 groups:             {t * 1000:8.2f} ms")
    t = best_time(lambda: dense_dagum_total(y, g), repeat=3)
    res = dagum_gini(y, g)
    assert abs(dense_dagum_total(y, g) - res.total) < 1e-10
    print(f"dense n×n NumPy pairwise total only, {n} units: {t * 1000:8.2f} ms  (same G)")

    t = best_time(lambda: theil(y, groups=labels))
    print(f"theil T decomposition, {n} counties:          {t * 1000:8.2f} ms")
    try:
        from inequality.theil import TheilD
    except ImportError:
        print("PySAL inequality not installed: peer timing skipped")
    else:
        t = best_time(lambda: TheilD(y, g))
        print(f"PySAL TheilD (peer), same data:                {t * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
