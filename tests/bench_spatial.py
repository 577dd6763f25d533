"""Benchmark of agglo.spatial and agglo.markov_chains beside PySAL (run: python tests/bench_spatial.py).

Targets: Moran's I with 999 permutations on 3,000 units and sparse weights < 2 s;
spatial Markov chain on 3,000 regions × 20 years < 1 s.  The same data and weights go
to esda.Moran and giddy.Spatial_Markov in the same run (when installed), so the figures
are comparable.  Each figure is the best of a few runs (the machine may be shared; the
first PySAL run also pays numba's compilation, so it is run once before timing).
"""

from __future__ import annotations

import time

import numpy as np
from agglo.markov_chains import spatial_markov
from agglo.spatial import knn_weights, local_moran, moran

N, YEARS, K, PERMUTATIONS = 3000, 20, 6, 999
REPEAT = 3


def best_time(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(2024)
    xy = rng.random((N, 2)) * 100
    y = xy[:, 0] / 30 + rng.normal(size=N)
    panel = np.cumsum(rng.normal(size=(N, YEARS)), axis=1) + xy[:, :1] / 20
    w = knn_weights(xy, k=K)  # row-standardised, sparse (N × K non-zeros)
    rows = [
        ("knn_weights k=6, 3,000 points", best_time(lambda: knn_weights(xy, k=K)), None),
        (
            f"moran, {PERMUTATIONS} permutations",
            best_time(lambda: moran(y, w, permutations=PERMUTATIONS, rng=1)),
            None,
        ),
        (
            f"local_moran, {PERMUTATIONS} permutations",
            best_time(lambda: local_moran(y, w, permutations=PERMUTATIONS, rng=1)),
            None,
        ),
        (
            f"spatial_markov {N} × {YEARS}, 5 × 5 classes",
            best_time(lambda: spatial_markov(panel, w, 5)),
            None,
        ),
    ]
    try:
        import esda
        from giddy.markov import Spatial_Markov
        from libpysal.weights import WSP

        pw = WSP(w.matrix).to_W(silence_warnings=True)
        pw.transform = "r"
        esda.Moran(y, pw, permutations=9)  # warm-up
        esda.Moran_Local(y, pw, permutations=9)  # numba compilation
        peer = {
            1: best_time(lambda: esda.Moran(y, pw, permutations=PERMUTATIONS), 2),
            2: best_time(lambda: esda.Moran_Local(y, pw, permutations=PERMUTATIONS), 2),
            3: best_time(lambda: Spatial_Markov(panel, pw, k=5, m=5, fixed=True), 2),
        }
        names = {1: "esda.Moran", 2: "esda.Moran_Local", 3: "giddy.Spatial_Markov"}
        rows = [
            (label, ours, (names[i], peer[i]) if i in peer else None)
            for i, (label, ours, _) in enumerate(rows)
        ]
    except ImportError:  # the peers are test extras
        print("(PySAL peers not installed: agglo only)")
    print(f"{N} units, k-NN weights (k={K}), best of {REPEAT}; shared machine, noisy figures")
    print(f"{'case':45s} {'agglo s':>9s}   peer")
    for label, ours, peer_row in rows:
        extra = f"{peer_row[0]} {peer_row[1]:.3f} s" if peer_row else ""
        print(f"{label:45s} {ours:9.3f}   {extra}")


if __name__ == "__main__":
    main()
