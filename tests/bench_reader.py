"""Benchmark: the measures against a bare NumPy one-liner of the same formula, and the reader.

Target (speed section of the table-reader work): on a 10,000 × 1,000 block every measure
within 2× of a bare NumPy one-liner for the same formula; reading a 31 × 40 yearbook grid
(header, labels, a total row) with ``agglo.read_table`` in a few milliseconds.

Run: ``python tests/bench_reader.py [repeats] [rows] [columns]``.  Prints the best time of
each measure and of its one-liner over the repeats, and their ratio.  Timings on a shared
machine are noisy: compare ratios, not absolute times.
"""

from __future__ import annotations

import sys
import time

import agglo
import numpy as np


def make_block(n: int, k: int, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    block = rng.lognormal(mean=5.0, sigma=1.5, size=(n, k))
    block[rng.random(block.shape) < 0.05] = 0.0
    return block


def _shares_of_regions(b):
    return b.sum(axis=1) / b.sum()


PAIRS = {
    # measure: (agglo call, bare numpy one-liner of the same formula)
    "location_quotient": (
        lambda b: agglo.location_quotient(b),
        lambda b: (b / b.sum(axis=1, keepdims=True)) / (b.sum(axis=0) / b.sum()),
    ),
    "hhi": (
        lambda b: agglo.hhi(b),
        lambda b: ((b / b.sum(axis=0)) ** 2).sum(axis=0),
    ),
    "krugman_specialisation": (
        lambda b: agglo.krugman_specialisation(b),
        lambda b: np.abs(b / b.sum(axis=1, keepdims=True) - b.sum(axis=0) / b.sum()).sum(axis=1),
    ),
    "hoover_coefficient": (
        lambda b: agglo.hoover_coefficient(b),
        lambda b: 0.5 * np.abs(b / b.sum(axis=0) - _shares_of_regions(b)[:, None]).sum(axis=0),
    ),
    "spatial_gini": (
        lambda b: agglo.spatial_gini(b),
        lambda b: ((b / b.sum(axis=0) - _shares_of_regions(b)[:, None]) ** 2).sum(axis=0),
    ),
}


def best_of(fn, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def yearbook_grid(n: int = 31, k: int = 40) -> list[list[object]]:
    rng = np.random.default_rng(3)
    values = rng.uniform(10, 5000, size=(n, k)).round(2)
    grid: list[list[object]] = [["地区", *[f"行业{j + 1}(亿元)" for j in range(k)]]]
    grid.append(["全    国", *values.sum(axis=0).round(2).tolist()])
    grid += [[f"地区{i + 1}", *row] for i, row in enumerate(values.tolist())]
    grid.append(["注：本表按当年价格计算。", *([None] * k)])
    return grid


def main(repeats: int = 3, n: int = 10_000, k: int = 1_000) -> int:
    block = make_block(n, k)
    print(f"block {block.shape}, {block.nbytes / 1e6:.0f} MB; best of {repeats}")
    width = max(map(len, PAIRS))
    worst = 0.0
    for name, (measure, bare) in PAIRS.items():
        np.testing.assert_allclose(measure(block), bare(block), rtol=1e-9)
        t_measure = best_of(lambda m=measure: m(block), repeats)
        t_bare = best_of(lambda b=bare: b(block), repeats)
        ratio = t_measure / t_bare
        worst = max(worst, ratio)
        print(f"{name:<{width}}  agglo {t_measure * 1e3:8.1f} ms   numpy {t_bare * 1e3:8.1f} ms   "
              f"ratio {ratio:4.2f}")  # fmt: skip
    print(f"worst ratio {worst:.2f} (target < 2)")
    grid = yearbook_grid()
    t_read = best_of(lambda: agglo.read_table(grid), max(repeats, 20))
    print(
        f"read_table on a 31 × 40 yearbook grid (header, 全国 row, footnote): {t_read * 1e3:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    sys.exit(main(*args))
