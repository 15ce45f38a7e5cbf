"""Batch engine benchmarks (issue 13), run by hand; figures go in the closing note.

    python benchmarks/bench_batch.py throughput --runs 512 --rounds 3
    python benchmarks/bench_batch.py ensemble
    python benchmarks/bench_batch.py scale
    python benchmarks/bench_batch.py memory --runs 20000 --workers 2
    python benchmarks/bench_batch.py workers --runs 3000

``throughput`` runs one design three ways in interleaved rounds (the machine is shared
and noisy, so read the ratios, and their spread over rounds): the sweep (batch engine,
SQLite storage), the same sweep one run at a time (``--chunk 1``: a batch of one per
chunk), and ``mesa.batch_run`` with the results written by ``DataFrame.to_sql`` to
SQLite. ``scale`` times one 40-quarter run for 11 to 1,000 states and fits the exponent of
time in total workflows. ``memory`` samples the proportional set size (PSS) of the sweep's
whole process tree. ``workers`` compares one worker with two on the same design.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _experiment(folder: Path, runs: int, name: str = "bench") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nscenarios: [baseline, possession]\n"
                    f"replications: {max(1, runs // 2)}\nhorizon: 40\nseed: 7\n"
                    "keep: {level: final}\n")
    return path


def _sweep(exp: Path, db: Path, workers: int, chunk: int | None = None) -> float:
    cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(exp), "--db", str(db),
           "--workers", str(workers), "--no-progress"]
    if chunk:
        cmd += ["--runs-per-batch", str(chunk)]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t0


def _mesa_batch_run(runs: int, db: Path) -> float:
    code = f"""
import mesa, pandas as pd, sqlalchemy as sa
from model.model import SovereigntyModel
from model.scenario_file import load_scenario
t = 0
for name in ("baseline", "possession"):
    spec = load_scenario(name)
    rows = mesa.batch_run(SovereigntyModel, {{"spec": [spec], "collect": [True]}},
                          iterations={max(1, runs // 2)}, max_steps=40,
                          number_processes=1, data_collection_period=-1,
                          display_progress=False)
    pd.DataFrame(rows).drop(columns=["spec"]).to_sql(
        "runs", sa.create_engine("sqlite:///{db}"), if_exists="append")
"""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t0


def throughput(args) -> None:
    times: dict[str, list[float]] = {"batch sweep": [], "one-run sweep": [],
                                     "mesa.batch_run + to_sql": []}
    for r in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            exp = _experiment(folder, args.runs)
            times["batch sweep"].append(_sweep(exp, folder / "a.sqlite", 1))
            times["one-run sweep"].append(_sweep(exp, folder / "b.sqlite", 1, chunk=1))
            times["mesa.batch_run + to_sql"].append(_mesa_batch_run(args.runs,
                                                                    folder / "c.sqlite"))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()))
    batch = np.array(times["batch sweep"])
    for name in ("one-run sweep", "mesa.batch_run + to_sql"):
        ratio = np.array(times[name]) / batch
        print(f"batch sweep is {statistics.median(ratio):.1f}x {name} "
              f"(rounds: {', '.join(f'{x:.1f}' for x in ratio)})")
    print(f"batch sweep: {args.runs / statistics.median(batch):.0f} runs/s incl. start-up and "
          "SQLite writes")


def ensemble(args) -> None:
    from model.spec import ScenarioSpec
    from ui.sim import run_ensemble
    run_ensemble(ScenarioSpec(), 2)
    times = []
    for _ in range(args.rounds * 3):
        t0 = time.perf_counter()
        run_ensemble(ScenarioSpec(), 20)
        times.append(time.perf_counter() - t0)
    print(f"20-run ensemble: median {1000 * statistics.median(times):.0f} ms "
          f"(min {1000 * min(times):.0f}, max {1000 * max(times):.0f})")


def _synthetic_region(n: int):
    from model.region import asean_states
    base = asean_states()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [letters[k // 676] + letters[k // 26 % 26] + letters[k % 26] for k in range(n)]
    return tuple(replace(base[k % len(base)], iso3=code, name=f"State {k}")
                 for k, code in enumerate(codes))


def scale(args) -> None:
    from model.engine import Engine
    from model.spec import ScenarioSpec
    sizes, seconds, workflows = [], [], []
    for n in (11, 33, 100, 330, 1000):
        spec = ScenarioSpec(states=_synthetic_region(n)) if n != 11 else ScenarioSpec()
        best = np.inf
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            engine = Engine([spec]).run()
            best = min(best, time.perf_counter() - t0)
        sizes.append(n)
        seconds.append(best)
        workflows.append(engine.workflows.n)
        print(f"{n:5d} states, {engine.workflows.n:6d} workflows: {best:.3f} s per 40-quarter run")
    slope = np.polyfit(np.log(workflows[1:]), np.log(seconds[1:]), 1)[0]
    print(f"cost exponent in total workflows (33..1000 states): {slope:.2f}")


def _pss_tree(pid: int) -> float:
    import psutil
    total = 0.0
    proc = psutil.Process(pid)
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += p.memory_full_info().pss
    return total / 2**20


def memory(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        exp = _experiment(folder, args.runs)
        cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(exp), "--db",
               str(folder / "m.sqlite"), "--workers", str(args.workers), "--no-progress"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        samples: list[tuple[float, float]] = []
        t0 = time.perf_counter()

        def sample() -> None:
            while proc.poll() is None:
                with contextlib.suppress(Exception):  # the process may end between calls
                    samples.append((time.perf_counter() - t0, _pss_tree(proc.pid)))
                time.sleep(0.5)
        thread = threading.Thread(target=sample)
        thread.start()
        out, err = proc.communicate()
        thread.join()
        assert proc.returncode == 0, err.decode()
    pss = np.array([s[1] for s in samples])
    half = len(pss) // 2
    print(out.decode().strip().splitlines()[-2])
    print(f"whole-tree PSS: peak {pss.max():.0f} MB; median first half {np.median(pss[:half]):.0f}"
          f" MB, second half {np.median(pss[half:]):.0f} MB ({len(pss)} samples)")


def workers(args) -> None:
    ratios = []
    for r in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            exp = _experiment(folder, args.runs)
            one = _sweep(exp, folder / "one.sqlite", 1)
            two = _sweep(exp, folder / "two.sqlite", 2)
        ratios.append(one / two)
        print(f"round {r + 1}: 1 worker {one:.1f} s, 2 workers {two:.1f} s: {one / two:.2f}x")
    print(f"2 workers are {statistics.median(ratios):.2f}x one worker (rounds: "
          f"{', '.join(f'{x:.2f}' for x in ratios)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("throughput", "ensemble", "scale", "memory",
                                         "workers"))
    parser.add_argument("--runs", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.chdir(ROOT)
    globals()[args.what](args)


if __name__ == "__main__":
    main()
