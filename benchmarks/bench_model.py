"""Benchmark: one default-region run (11 states, 40 quarters), by hand.

    .venv/bin/python benchmarks/bench_model.py [--runs 200]

Prints the median (and quartiles) of milliseconds per run with and without the Mesa
DataCollector, and where the time goes, phase by phase. Target: <= 10 ms per run on a
2-core machine. Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import time

from model import ScenarioSpec, SovereigntyModel
from model.model import PROCESS


def time_runs(runs: int, collect: bool) -> list[float]:
    spec = ScenarioSpec()
    out = []
    for seed in range(runs):
        start = time.perf_counter()
        SovereigntyModel(spec, rng=seed, collect=collect).run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def phase_breakdown(runs: int) -> dict[str, float]:
    """Milliseconds per run spent in each phase of the model's ``PROCESS`` (plus set-up)."""
    spent: dict[str, float] = {"set-up": 0.0}
    start = time.perf_counter()
    for seed in range(runs):
        t = time.perf_counter()
        model = SovereigntyModel(ScenarioSpec(), rng=seed, collect=False)
        spent["set-up"] += time.perf_counter() - t
        engine = model.engine  # the phases act on the model's one-run engine
        while engine.steps < engine.horizon:
            engine.steps += 1  # what Engine.step does, so phases see the quarter
            for component, phase in PROCESS:
                t = time.perf_counter()
                getattr(getattr(engine, component), phase)(engine)
                key = f"{component}.{phase}"
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t
    total = time.perf_counter() - start
    result = {name: value / runs * 1000 for name, value in spent.items()}
    result["total (instrumented)"] = total / runs * 1000
    return result


def describe(label: str, times: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(times, n=4)
    return f"{label:28s} median {median:6.2f} ms   IQR {q1:6.2f}-{q3:6.2f} ms   n={len(times)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    time_runs(10, collect=False)  # warm-up: imports, caches
    print(describe("without data collection", time_runs(args.runs, collect=False)))
    print(describe("with Mesa DataCollector", time_runs(args.runs, collect=True)))
    print("\nwhere the time goes (ms per run):")
    for name, ms in phase_breakdown(max(args.runs // 4, 20)).items():
        print(f"  {name:28s} {ms:6.2f}")


if __name__ == "__main__":
    main()
