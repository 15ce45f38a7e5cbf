"""Benchmark ``sovsim sweep`` against ``mesa.batch_run`` (a script run by hand).

One design for every contender: the default (baseline) scenario, a full factorial over three
uncertainties x 3 levels = 27 points, ``--reps`` replications, 40 quarters; outcomes kept:
final values per state and for the region (what ``batch_run`` returns with
``data_collection_period=-1``).

1. ``mesa.batch_run`` in 1 process, rows then written to SQLite with pandas ``to_sql``;
2. ``sovsim sweep`` (the runner) with SQLite writes: 1 worker (in process), 2 worker processes,
   and Dask LocalCluster with 2 workers;
3. ``--rss``: peak RSS of ``sovsim sweep`` (the command, as a subprocess, sampled with psutil
   over the whole process tree) on a 20,000-run sweep keeping final summaries.

Usage::

    python benchmarks/bench_sweep.py                # speed comparisons (~1-2 min)
    python benchmarks/bench_sweep.py --rss          # plus the 20,000-run memory check

Targets (issue 4): sweep >= 2x batch_run; 2 workers >= 1.7x one; peak RSS <= 400 MB.
Wall-clock times include process start-up (spawned workers import numpy, pandas and Mesa).
Other work on the same machine makes timings noisy: the script reports the load average.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FACTORS = {"base_markup": [0.3, 0.6, 0.9], "lockin_growth": [0.05, 0.1, 0.2],
           "frontier_quality_growth": [0.01, 0.03, 0.06]}


def experiment(reps: int, name: str = "bench"):
    from experiments.design import Design, Experiment, Factor
    from model import ScenarioSpec

    factors = tuple(Factor(n, min(v), max(v), values=tuple(v)) for n, v in FACTORS.items())
    return Experiment(name=name, scenarios=(("baseline", ScenarioSpec(name="baseline")),),
                      design=Design("full_factorial", factors), replications=reps, seed=1,
                      horizon=40, keep="final")


def bench_batch_run(reps: int, tmp: Path) -> tuple[float, int]:
    import mesa
    import pandas as pd

    from model import SovereigntyModel

    t0 = time.perf_counter()
    rows = mesa.batch_run(SovereigntyModel, {**FACTORS, "horizon": [40]}, number_processes=1,
                          data_collection_period=-1, max_steps=40, display_progress=False,
                          rng=list(range(reps)))
    frame = pd.DataFrame(rows)
    with sqlite3.connect(tmp / "batch_run.sqlite") as conn:
        frame.to_sql("results", conn, index=False, if_exists="replace")
    runs = 27 * reps
    assert frame["RunId"].nunique() == runs, frame["RunId"].nunique()
    return time.perf_counter() - t0, runs


def bench_sweep(reps: int, tmp: Path, workers: int, dask: str | None = None
                ) -> tuple[float, int]:
    from experiments.runner import run_sweep

    exp = experiment(reps)
    db = tmp / f"sweep_{workers}_{dask or 'pool'}.sqlite"
    t0 = time.perf_counter()
    summary = run_sweep(exp, str(db), workers=workers, dask=dask, progress=False)
    assert summary.done == exp.n_runs, summary
    seconds = time.perf_counter() - t0
    print(f"    (start-up until the first results: {summary.startup_seconds:.1f} s)")
    return seconds, exp.n_runs


def bench_rss(runs: int, tmp: Path, workers: int) -> dict[str, float]:
    import psutil

    reps = max(1, runs // 27)
    path = tmp / "rss.yaml"
    levels = "\n".join(f"    {n}: {{values: {v}}}" for n, v in FACTORS.items())
    path.write_text(textwrap.dedent("""\
        name: rss
        scenarios: [baseline]
        design:
          method: full_factorial
          factors:
        """) + levels + f"\nreplications: {reps}\nseed: 1\nhorizon: 40\nkeep: final\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", "import sys; from experiments.cli import main; "
           "sys.exit(main())", "sweep", str(path), "--db", str(tmp / "rss.sqlite"),
           "--workers", str(workers), "--no-progress"]
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = {"main": 0.0, "worker": 0.0, "total": 0.0}
    samples: list[tuple[float, float]] = []

    def sample() -> None:
        while proc.poll() is None:
            try:
                main = proc.memory_info().rss
                kids = [c.memory_info().rss for c in proc.children(recursive=True)]
            except psutil.Error:
                continue
            peak["main"] = max(peak["main"], main / 2**20)
            peak["worker"] = max([peak["worker"], *[k / 2**20 for k in kids]])
            peak["total"] = max(peak["total"], (main + sum(kids)) / 2**20)
            samples.append((time.perf_counter() - t0, main / 2**20))
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed: {err.decode()[-500:]}")
    seconds = time.perf_counter() - t0
    with sqlite3.connect(tmp / "rss.sqlite") as conn:
        n = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    # main-process RSS in the first and last quarter of the run: flat means no growth
    q = max(1, len(samples) // 4)
    early = max(s[1] for s in samples[:q]) if samples else 0.0
    late = max(s[1] for s in samples[-q:]) if samples else 0.0
    return {"runs": n, "seconds": seconds, "main_mb": peak["main"],
            "worker_mb": peak["worker"], "total_mb": peak["total"], "main_early_mb": early,
            "main_late_mb": late}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60, help="replications (27 points each)")
    parser.add_argument("--rss", action="store_true", help="also the 20,000-run RSS check")
    parser.add_argument("--rss-runs", type=int, default=20_000)
    parser.add_argument("--rss-workers", type=int, default=2)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.skip_speed:
            results = {}
            for label, fn in (
                    ("mesa.batch_run (1 process) + to_sql", lambda: bench_batch_run(
                        args.reps, tmp)),
                    ("sovsim sweep, 1 worker (in process)", lambda: bench_sweep(
                        args.reps, tmp, 1)),
                    ("sovsim sweep, 2 worker processes", lambda: bench_sweep(
                        args.reps, tmp, 2)),
                    ("sovsim sweep, Dask LocalCluster 2 workers", lambda: bench_sweep(
                        args.reps, tmp, 2, "local"))):
                seconds, runs = fn()
                results[label] = runs / seconds
                print(f"{label:<44} {runs:>6} runs {seconds:>7.2f} s {runs / seconds:>7.1f} "
                      f"runs/s", flush=True)
            rates = list(results.values())
            print(f"\nsweep (1 worker) / batch_run:   {rates[1] / rates[0]:.2f}x (target >= 2)")
            print(f"sweep 2 workers / 1 worker:     {rates[2] / rates[1]:.2f}x (target >= 1.7)")
            print(f"Dask LocalCluster / local pool: {rates[3] / rates[2]:.2f}x")
        if args.rss:
            r = bench_rss(args.rss_runs, tmp, args.rss_workers)
            print(f"\n{r['runs']} runs, keep final, {args.rss_workers} worker(s): "
                  f"{r['seconds']:.0f} s ({r['runs'] / r['seconds']:.1f} runs/s)")
            print(f"peak RSS: main process {r['main_mb']:.0f} MB (first quarter "
                  f"{r['main_early_mb']:.0f} MB, last quarter {r['main_late_mb']:.0f} MB), "
                  f"largest worker {r['worker_mb']:.0f} MB, whole tree {r['total_mb']:.0f} MB "
                  "(target <= 400 MB)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
