"""Benchmark of the core block measures on a 2,850 × 1,000 regions × industries block.

Target (issue 2): location-quotient matrix, HHI, spatial Gini and locational Gini together
in under 1 s on a 2-core machine, with peak memory of each computation under 3× the
input size (measured with tracemalloc: the peak of the allocations made by the call,
relative to the input's ``nbytes``).

Run: ``python tests/bench_core.py [repeats]``.  Prints the best time of each measure over
the repeats, their sum, and the memory ratios.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import agglo
import numpy as np

N_REGIONS, N_INDUSTRIES = 2850, 1000


def make_block(seed: int = 20231) -> np.ndarray:
    """Lognormal sizes with some zero cells, like county × industry employment."""
    rng = np.random.default_rng(seed)
    block = rng.lognormal(mean=5.0, sigma=1.5, size=(N_REGIONS, N_INDUSTRIES))
    block[rng.random(block.shape) < 0.05] = 0.0
    return block


MEASURES = {
    "location_quotient": lambda b: agglo.location_quotient(b),
    "hhi": lambda b: agglo.hhi(b),
    "spatial_gini": lambda b: agglo.spatial_gini(b),
    "locational_gini": lambda b: agglo.locational_gini(b),
}


def main(repeats: int = 3) -> int:
    block = make_block()
    nbytes = block.nbytes
    print(f"block {block.shape}, {nbytes / 1e6:.1f} MB (float64)")
    best: dict[str, float] = {}
    for _ in range(repeats):
        for name, fn in MEASURES.items():
            t0 = time.perf_counter()
            fn(block)
            dt = time.perf_counter() - t0
            best[name] = min(best.get(name, np.inf), dt)
    peaks: dict[str, float] = {}
    for name, fn in MEASURES.items():
        tracemalloc.start()
        tracemalloc.reset_peak()
        result = fn(block)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del result
        peaks[name] = peak / nbytes
    width = max(map(len, MEASURES))
    print(f"{'measure':<{width}}  best time (s)  peak memory / input")
    for name in MEASURES:
        print(f"{name:<{width}}  {best[name]:13.3f}  {peaks[name]:19.2f}")
    total = sum(best.values())
    worst = max(peaks.values())
    print(f"{'total':<{width}}  {total:13.3f}  {worst:19.2f} (max)")
    ok = total < 1.0 and worst < 3.0
    print("target: total < 1 s and peak < 3x input:", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
