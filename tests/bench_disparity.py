"""Benchmark of agglo.disparity (run: python tests/bench_disparity.py).

Target: Dagum Gini decomposition of 3,000 counties in 4 groups under 0.5 s, without a
Python loop over pairs.  The peer runs on the same data in the same run: R ``IC2``
``decompSGini(x, z, w, param = 2, decomp = "BM", ELMO = FALSE)``, whose within, between
and overlap terms are Dagum's G_w, G_nb and G_t (see ``tests/reference/SOURCES.md``), both
unweighted and population-weighted; the terms must agree to 1e-10.  No Python package
offers the decomposition, so the peer is called through ``Rscript`` when R and IC2 are
installed (``R_LIBS`` naming the library that holds IC2) and skipped otherwise.  Also
times 30,000 units, a dense n × n NumPy pairwise computation of the total, and the Theil
decomposition beside PySAL ``TheilD``.  Prints the best of several runs of each (the
machine may be shared, so figures are noisy); the peer's time is measured inside R and
covers the decomposition only, not R's start or reading the data.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

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


# Times IC2's decomposition inside R (best of `repeat` after one warm-up run) and prints
# the time and the four terms at full precision, one per line.
IC2_SCRIPT = r"""
suppressMessages(library(IC2))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
z <- factor(d$g)
w <- if ("w" %in% names(d)) d$w else NULL
run <- function() decompSGini(d$y, z, w = w, param = 2, decomp = "BM", ELMO = FALSE)
r <- run()
best <- Inf
for (i in seq_len(as.integer(args[2]))) {
  t0 <- Sys.time()
  r <- run()
  best <- min(best, as.numeric(Sys.time() - t0, units = "secs"))
}
out <- c(best, r$ineq$index, r$decomp$within, r$decomp$between, r$decomp$overlap)
cat(sprintf("%.17g", out), sep = "\n")
"""


def ic2_peer(y: np.ndarray, g: np.ndarray, w: np.ndarray | None = None) -> tuple | str:
    """(seconds, total, within, between, overlap) from R IC2, or why it did not run."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript not found"
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp, "data.csv"), Path(tmp, "ic2.R")
        cols = [y, g] if w is None else [y, g, w]
        header = "y,g" if w is None else "y,g,w"
        np.savetxt(
            data, np.column_stack(cols), delimiter=",", header=header, comments="", fmt="%.17g"
        )
        script.write_text(IC2_SCRIPT, encoding="utf-8")
        proc = subprocess.run(
            [rscript, str(script), str(data), str(REPEAT)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    if proc.returncode != 0:
        return "R package IC2 not installed (set R_LIBS to its library)"
    return tuple(float(v) for v in proc.stdout.split())


def dense_dagum_total(y: np.ndarray, g: np.ndarray) -> float:
    """The n × n pairwise way (memory O(n²)): what a direct transcription does."""
    diff = np.abs(y[:, None] - y[None, :])
    k = g.max() + 1
    onehot = (g[:, None] == np.arange(k)).astype(float)
    between = onehot.T @ diff @ onehot  # Σ|y_ji − y_hr| for every pair of groups
    return float(between.sum() / (2 * y.size**2 * y.mean()))


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:<60}{seconds * 1000:9.2f} ms  {note}".rstrip())


def main() -> None:
    rng = np.random.default_rng(2024)
    n = 3000
    y = rng.lognormal(10.0, 0.5, n)
    g = rng.integers(0, 4, n)
    labels = np.array(["东部", "中部", "西部", "东北"])[g]
    pop = rng.uniform(10, 200, n)
    dagum_gini(y[:20], labels[:20])  # warm-up (imports)

    for name, w in (("unweighted", None), ("population-weighted", pop)):
        t = best_time(lambda w=w: dagum_gini(y, labels, weights=w))
        row(f"dagum_gini, {n} counties, 4 groups, {name}", t, "(target < 500 ms)")
        peer = ic2_peer(y, g, w)
        if isinstance(peer, str):
            print(f"  R IC2 decompSGini (peer): skipped, {peer}")
            continue
        res = dagum_gini(y, labels, weights=w)
        diff = np.abs(
            np.subtract((res.total, res.within, res.between, res.transvariation), peer[1:])
        )
        assert diff.max() < 1e-10, diff
        row(
            "  R IC2 decompSGini (peer), same data",
            peer[0],
            f"({peer[0] / t:.0f}x ours; G, G_w, G_nb, G_t differ by <= {diff.max():.1e})",
        )
    big = rng.lognormal(10.0, 0.5, 30_000)
    big_g = rng.integers(0, 4, 30_000)
    row("dagum_gini, 30,000 units, 4 groups", best_time(lambda: dagum_gini(big, big_g), repeat=3))
    t = best_time(lambda: dense_dagum_total(y, g), repeat=3)
    assert abs(dense_dagum_total(y, g) - dagum_gini(y, g).total) < 1e-10
    row(f"dense n×n NumPy pairwise total only, {n} units", t, "(same G)")

    row(f"theil T decomposition, {n} counties", best_time(lambda: theil(y, groups=labels)))
    try:
        from inequality.theil import TheilD
    except ImportError:
        print("PySAL inequality not installed: peer timing skipped")
    else:
        row("PySAL TheilD (peer), same data", best_time(lambda: TheilD(y, g)))


if __name__ == "__main__":
    main()
