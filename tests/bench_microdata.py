"""Benchmark: plant records → block + EG in every engine; throughput in plants per second.

Sizes 1 M and 5 M in memory (pandas, Polars, DuckDB, Dask on a LocalCluster; a bare NumPy
``bincount`` floor for comparison) and 50 M from partitioned Parquet on disk (Dask and
DuckDB, each in its own process, peak memory = that process's maximum resident set).

Synthetic plants: a 6-digit county code (2 850 counties), a 2-digit industry code (40
industries, as 两位数行业), a log-normal employment.  Targets: at 5 M the pandas path
within 2× of the NumPy floor and Dask within 3× of the in-memory path; at 50 M Dask with
peak memory under 4 GB.

    python tests/bench_microdata.py                 # 1 M and 5 M in memory
    python tests/bench_microdata.py --big DIR       # also 50 M from Parquet in DIR
                                                    # (written if absent; ~0.6 GB)
    python tests/bench_microdata.py --one ENGINE DIR   # internal: one 50 M run

Timings on a shared 2-core machine are noisy; best of a few repeats are printed, and\npandas and Dask runs are interleaved (best and median of each, ratio per pair).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

N_REGIONS = 2_850
N_INDUSTRIES = 40
PART_ROWS = 2_000_000


def make_plants(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = 110000 + np.arange(N_REGIONS, dtype=np.int32) * 37  # stand-ins for county codes
    return pd.DataFrame(
        {
            "county": codes[rng.integers(0, N_REGIONS, n)],
            "industry": rng.integers(6, 6 + N_INDUSTRIES, n).astype(np.int16),
            "emp": np.round(rng.lognormal(3.0, 1.2, n)).astype(np.float32),
        }
    )


def best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def numpy_floor(df: pd.DataFrame) -> None:
    """The bare minimum: code the labels, then bincount sums, squares, fourth powers."""
    r, r_inv = np.unique(df["county"].to_numpy(), return_inverse=True)
    k, k_inv = np.unique(df["industry"].to_numpy(), return_inverse=True)
    cell = r_inv * len(k) + k_inv
    e = df["emp"].to_numpy(dtype=float)
    m = len(r) * len(k)
    np.bincount(cell, weights=e, minlength=m)
    sq = e * e
    np.bincount(cell, weights=sq, minlength=m)
    np.bincount(cell, weights=sq * sq, minlength=m)
    np.bincount(cell, minlength=m)


def bincount_only(cell: np.ndarray, e: np.ndarray, m: int) -> None:
    """bincount alone, with the cell codes already given."""
    np.bincount(cell, weights=e, minlength=m)
    sq = e * e
    np.bincount(cell, weights=sq, minlength=m)
    np.bincount(cell, weights=sq * sq, minlength=m)


def block_and_eg(native) -> None:
    import agglo

    s = agglo.plant_summary(native, "county", "industry", "emp")
    agglo.aggregate(s, "county", "industry", "emp")
    agglo.ellison_glaeser(s)


def report(label: str, n: int, seconds: float, extra: str = "") -> None:
    print(f"  {label:<36} {seconds:7.2f} s  {n / seconds / 1e6:7.2f} M plants/s  {extra}")


def in_memory(n: int) -> None:
    import agglo

    df = make_plants(n)
    print(f"{n / 1e6:g} M plants in memory")
    floor = best(lambda: numpy_floor(df))
    report("numpy floor (unique + bincount)", n, floor)
    r_inv = np.unique(df["county"].to_numpy(), return_inverse=True)[1]
    cell = r_inv * N_INDUSTRIES + (df["industry"].to_numpy() - 6)
    e = df["emp"].to_numpy(dtype=float)
    report("bincount only (codes given)", n, best(lambda: bincount_only(cell, e, N_REGIONS * 40)))
    arrays = best(
        lambda: agglo.ellison_glaeser(
            plant_sizes=e, plant_regions=df["county"], plant_industries=df["industry"]
        )
    )
    report("EG from arrays (existing path)", n, arrays)
    t_pd = best(lambda: block_and_eg(df))
    report("pandas frame: summary+block+EG", n, t_pd, f"{t_pd / floor:4.2f}× floor")
    try:
        import polars as pl

        pdf = pl.from_pandas(df)
        report("polars frame", n, best(lambda: block_and_eg(pdf)))
        report("polars lazy", n, best(lambda: block_and_eg(pdf.lazy())))
    except ImportError:
        pass
    try:
        import duckdb

        con = duckdb.connect()
        con.register("plants", df)
        report("duckdb relation", n, best(lambda: block_and_eg(con.sql("select * from plants"))))
    except ImportError:
        pass
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   dashboard_address=":0")  # fmt: skip
        with cluster, Client(cluster):
            # the same records, generated and held on the workers (4 partitions)
            quarter = n // 4
            ddf = dd.from_map(
                lambda i: make_plants(quarter, seed=i), range(4), meta=make_plants(0)
            ).persist()
            pd_dask(n, df, ddf)
    except ImportError:
        pass


def pd_dask(n: int, df: pd.DataFrame, ddf, repeats: int = 7) -> None:
    """pandas and Dask runs interleaved (the machine is shared: load drifts), best and median."""
    block_and_eg(ddf)  # warm-up: imports, first task graph
    t_pd, t_dk = [], []
    for _ in range(repeats):
        for times, native in ((t_pd, df), (t_dk, ddf)):
            t0 = time.perf_counter()
            block_and_eg(native)
            times.append(time.perf_counter() - t0)
    pairs = [d / p for p, d in zip(t_pd, t_dk, strict=True)]
    for label, times in (
        ("pandas frame (interleaved)", t_pd),
        ("dask LocalCluster (2 workers)", t_dk),
    ):
        report(label, n, min(times), f"median {np.median(times):.2f} s")
    print(
        f"  dask / pandas: best {min(t_dk) / min(t_pd):.2f}×, median {np.median(t_dk) / np.median(t_pd):.2f}×,"
        f" per pair median {np.median(pairs):.2f}× (max {max(pairs):.2f}×, {repeats} pairs)"
    )


def write_parquet(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.parquet"))) * PART_ROWS >= n:
        return
    print(f"writing {n / 1e6:g} M plants to {folder} ...", flush=True)
    for i in range(n // PART_ROWS):
        make_plants(PART_ROWS, seed=1000 + i).to_parquet(folder / f"part-{i:03d}.parquet")


def one_run(engine: str, folder: Path) -> dict:
    """One 50 M run in this process (called in a subprocess, so its peak memory is its own)."""
    files = sorted(str(f) for f in folder.glob("*.parquet"))
    t0 = time.perf_counter()
    if engine == "dask":
        import dask
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        dask.config.set({"dataframe.shuffle.method": "tasks"})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   memory_limit="1.5GB", dashboard_address=":0")  # fmt: skip
        with cluster, Client(cluster):
            block_and_eg(dd.read_parquet(files, columns=["county", "industry", "emp"]))
    elif engine == "duckdb":
        import duckdb

        con = duckdb.connect(config={"memory_limit": "3GB", "threads": 2})
        block_and_eg(con.read_parquet(files))
    else:
        raise SystemExit(f"unknown engine {engine}")
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"engine": engine, "seconds": seconds, "peak_gb": peak_kb / 1024**2}


def big(folder: Path, n: int = 50_000_000) -> None:
    write_parquet(folder, n)
    n = len(list(folder.glob("*.parquet"))) * PART_ROWS
    print(f"{n / 1e6:g} M plants from partitioned Parquet ({folder})")
    for engine in ("dask", "duckdb"):
        out = subprocess.run(
            [sys.executable, __file__, "--one", engine, str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        res = json.loads(out.stdout.strip().splitlines()[-1])
        report(f"{engine} (own process)", n, res["seconds"], f"peak {res['peak_gb']:.2f} GB")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--big", type=Path, help="folder for the 50 M Parquet dataset")
    p.add_argument("--one", nargs=2, metavar=("ENGINE", "DIR"))
    p.add_argument("--sizes", default="1,5", help="in-memory sizes in millions")
    args = p.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one[0], Path(args.one[1]))))
        return
    for m in args.sizes.split(","):
        if m:
            in_memory(int(float(m) * 1_000_000))
    if args.big:
        big(args.big)


if __name__ == "__main__":
    main()
