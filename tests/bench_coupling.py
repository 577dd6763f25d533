"""Benchmark of agglo.coupling (run: python tests/bench_coupling.py).

Target: coupling coordination for 1,000,000 rows × 3 systems under 0.5 s.
Also times the classification of 1,000,000 D values and the lead/lag typing.
Prints the best of several runs (the machine may be shared) and the peak memory.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from agglo.coupling import coordination_level, coupling_coordination, coupling_stage, lead_lag

N = 1_000_000
REPEAT = 3


def best_time(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    rng = np.random.default_rng(2024)
    block = rng.uniform(0.0, 1.0, size=(N, 3))
    u1, u2, u3 = (np.ascontiguousarray(block[:, j]) for j in range(3))
    d = coupling_coordination(u1, u2, u3).D

    cases = {
        "coupling_coordination standard, 3 arrays": lambda: coupling_coordination(u1, u2, u3),
        "coupling_coordination standard, (N, 3) block": lambda: coupling_coordination(block),
        "coupling_coordination exponent=5, 2 arrays": lambda: coupling_coordination(
            u1, u2, exponent=5
        ),
        "coupling_coordination wang2021, 3 arrays": lambda: coupling_coordination(
            u1, u2, u3, method="wang2021"
        ),
        "coupling_coordination fan2024, 3 arrays": lambda: coupling_coordination(
            u1, u2, u3, method="fan2024"
        ),
        "coordination_level 10-level, labels": lambda: coordination_level(d),
        "coordination_level 10-level, codes": lambda: coordination_level(d, codes=True),
        "coupling_stage 4-stage": lambda: coupling_stage(d),
        "lead_lag difference 0.1": lambda: lead_lag(u1, u2),
    }
    print(f"agglo.coupling benchmark: {N:,} rows, best of {REPEAT} runs")
    for name, fn in cases.items():
        t = best_time(fn)
        flag = ""
        if name.startswith("coupling_coordination standard"):
            flag = "  (target < 0.5 s: " + ("met" if t < 0.5 else "MISSED") + ")"
        print(f"  {name:<46s} {t * 1000:8.1f} ms{flag}")
    mem = peak_mib(lambda: coupling_coordination(u1, u2, u3))
    print(f"  peak memory, coupling_coordination standard (3 arrays): {mem:.0f} MiB")
    mem = peak_mib(lambda: coordination_level(d))
    print(f"  peak memory, coordination_level: {mem:.0f} MiB")


if __name__ == "__main__":
    main()
