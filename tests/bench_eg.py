"""Benchmark: Ellison–Glaeser from 5,000,000 plant records (500 industries, 2,850 regions).

Target (issue 2): under 5 s on the 2-core machine; peak memory (tracemalloc) under 3× the
input size.  Run with ``python tests/bench_eg.py``; prints the figures.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd
from agglo.dartboard import ellison_glaeser

N_PLANTS = 5_000_000
N_INDUSTRIES = 500
N_REGIONS = 2_850
REPEATS = 3


def make_input(rng: np.random.Generator) -> dict[str, object]:
    region_names = np.array([f"县{i:04d}" for i in range(N_REGIONS)], dtype=object)
    industry_names = np.array([f"C{i:03d}" for i in range(N_INDUSTRIES)], dtype=object)
    r = rng.integers(0, N_REGIONS, N_PLANTS)
    k = rng.integers(0, N_INDUSTRIES, N_PLANTS)
    sizes = np.round(rng.lognormal(3.0, 1.2, N_PLANTS))
    totals = np.bincount(r, weights=sizes, minlength=N_REGIONS) * rng.uniform(1.2, 2.0, N_REGIONS)
    return {
        "plant_sizes": sizes,
        "plant_regions": region_names[r],  # object arrays of labels, as read from a sheet
        "plant_industries": industry_names[k],
        "region_totals": pd.Series(totals, index=region_names),
    }


def input_bytes(kw: dict[str, object]) -> int:
    total = 0
    for v in kw.values():
        if isinstance(v, np.ndarray):
            total += v.nbytes
        elif isinstance(v, (pd.Series, pd.Categorical)):
            total += int(v.memory_usage(deep=False)) if isinstance(v, pd.Series) else v.nbytes
    return total


def run(label: str, kw: dict[str, object]) -> None:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = ellison_glaeser(**kw)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    ellison_glaeser(**kw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = input_bytes(kw)
    print(
        f"{label:<34} best {min(times):6.2f} s  median {statistics.median(times):6.2f} s  "
        f"peak {peak / 2**20:7.1f} MiB  input {size / 2**20:7.1f} MiB  "
        f"ratio {peak / size:4.2f}  (gamma mean {float(np.nanmean(res.gamma)):+.5f})"
    )


def main() -> None:
    rng = np.random.default_rng(20231)
    kw = make_input(rng)
    print(
        f"EG benchmark: {N_PLANTS:,} plants, {N_INDUSTRIES} industries, {N_REGIONS:,} regions; "
        f"{REPEATS} runs each; target < 5 s and peak < 3x input"
    )
    run("object label arrays", kw)
    strs = dict(kw)  # what pandas.read_csv gives: Series of the default str dtype
    strs["plant_regions"] = pd.Series(kw["plant_regions"], dtype="str")
    strs["plant_industries"] = pd.Series(kw["plant_industries"], dtype="str")
    run("pandas str Series labels", strs)
    cat = dict(kw)
    cat["plant_regions"] = pd.Categorical(kw["plant_regions"])
    cat["plant_industries"] = pd.Categorical(kw["plant_industries"])
    run("categorical labels", cat)
    codes = dict(kw)
    codes["plant_regions"] = pd.factorize(kw["plant_regions"])[0]
    codes["plant_industries"] = pd.factorize(kw["plant_industries"])[0]
    codes["region_totals"] = pd.Series(kw["region_totals"].to_numpy())
    run("integer label codes", codes)


if __name__ == "__main__":
    main()
