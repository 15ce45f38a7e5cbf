"""The worker side of a sweep: run chunks of tasks as batches of the engine.

A sweep worker (a pool process or a Dask worker) imports this module, the engine
(:mod:`model.engine`: numpy only) and the records; not Mesa, pandas, SciPy or SQLAlchemy, so
a spawned worker starts in a fraction of a second and stays small. Each chunk's runs are
grouped by region and horizon and advanced together (:class:`model.engine.Engine`); every
run's results are the same as if it ran alone (tested).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import socket
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from model.engine import Engine
from model.parameters import STATE_OUTCOMES, SUMMED_OUTCOMES
from model.spec import ScenarioSpec

from .records import RunRecord

if TYPE_CHECKING:
    from .design import RunTask

_AGGREGATED = [(k, o.name in SUMMED_OUTCOMES) for k, o in enumerate(STATE_OUTCOMES)
               if o.name not in ("trust", "member")]
#: Runs advanced together at most (memory: about 0.4 MB per run of 11 states x 40 quarters).
MAX_BATCH = 256


@dataclass(frozen=True)
class Chunk:
    """Runs sent to one worker together, advanced as one batch per region and horizon."""

    specs: dict[str, ScenarioSpec]
    tasks: tuple[RunTask, ...]
    keep: str
    model_version: str = ""


def outcome_arrays(state_metrics: np.ndarray, region_metrics: np.ndarray,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(states, region)`` arrays of one finished run, the same numbers as
    :meth:`model.results.Results.from_model` (tested) without building DataFrames."""
    steps = state_metrics.shape[0]
    agg = np.empty((steps, len(_AGGREGATED)))
    for j, (k, summed) in enumerate(_AGGREGATED):
        agg[:, j] = state_metrics[:, :, k].sum(1) if summed else state_metrics[:, :, k].mean(1)
    return state_metrics, np.concatenate([region_metrics, agg], axis=1)


def _base(spec: ScenarioSpec, task: RunTask, version: str, started: datetime) -> dict:
    return dict(scenario=task.scenario, scenario_hash=spec.digest(), point=task.point,
                replication=task.replication, seed=task.seed, params=task.params,
                model_version=version, started_at=started,
                worker=f"{socket.gethostname()}:{os.getpid()}")


def _failed(base: dict, exc: BaseException, seconds: float) -> RunRecord:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return RunRecord(**base, status="failed", finished_at=datetime.now(UTC),
                     duration_s=seconds, error=f"{type(exc).__name__}: {exc}{where}")


def _done(base: dict, states: np.ndarray, region: np.ndarray, iso3, keep: str,
          seconds: float) -> RunRecord:
    states, region = outcome_arrays(states, region)
    return RunRecord(
        **base, status="done", finished_at=datetime.now(UTC), duration_s=seconds,
        iso3=tuple(iso3),
        state_steps=np.ascontiguousarray(states) if keep == "per_step_state" else None,
        region_steps=region if keep in ("per_step_state", "per_step") else None,
        state_final=states[-1].copy(), region_final=region[-1].copy(),
        final_step=states.shape[0] - 1)


def run_tasks(specs: Sequence[ScenarioSpec], tasks: Sequence[RunTask], keep: str,
              version: str) -> list[RunRecord]:
    """Run ``tasks`` (``specs[i]`` is task ``i``'s scenario) in batches; return one record
    per task, in task order. A run that fails becomes a failed record with its error (the
    batch it was in is re-run one run at a time, so the others still finish)."""
    started = datetime.now(UTC)
    records: list[RunRecord | None] = [None] * len(tasks)
    ready: list[tuple[int, ScenarioSpec, dict]] = []
    for i, (spec, task) in enumerate(zip(specs, tasks, strict=True)):
        base = _base(spec, task, version, started)
        t0 = time.perf_counter()
        try:
            run_spec = spec.with_values(**task.params) if task.params else spec
            run_spec = replace(run_spec, seed=task.seed)
        except Exception as exc:  # noqa: BLE001 - a failed run is data, the sweep goes on
            records[i] = _failed(base, exc, time.perf_counter() - t0)
            continue
        ready.append((i, run_spec, base))
    for batch in engine_batches([spec for _, spec, _ in ready]):
        _run_group([ready[k] for k in batch], keep, records)
    return records  # type: ignore[return-value]


def engine_batches(specs: Sequence[ScenarioSpec]) -> list[list[int]]:
    """Indices of ``specs`` grouped into batches one engine can advance together: the same
    region and horizon, at most :data:`MAX_BATCH` runs, in the order given."""
    groups: dict[tuple, list[int]] = {}
    for i, spec in enumerate(specs):
        groups.setdefault((spec.states, spec.horizon), []).append(i)
    return [members[start:start + MAX_BATCH] for members in groups.values()
            for start in range(0, len(members), MAX_BATCH)]


def _run_group(members: list[tuple[int, ScenarioSpec, dict]], keep: str,
               records: list[RunRecord | None]) -> None:
    t0 = time.perf_counter()
    try:
        engine = Engine([spec for _, spec, _ in members]).run()
    except Exception as exc:  # noqa: BLE001 - isolate the failing run(s)
        if len(members) == 1:
            i, _, base = members[0]
            records[i] = _failed(base, exc, time.perf_counter() - t0)
            return
        for member in members:
            _run_group([member], keep, records)
        return
    seconds = (time.perf_counter() - t0) / len(members)  # each run's share of the batch
    states, region = engine.state_by_run(), engine.region_by_run()
    for r, (i, _, base) in enumerate(members):
        records[i] = _done(base, states[r], region[r], engine.region.iso3, keep, seconds)


def execute_run(spec: ScenarioSpec, task: RunTask, keep: str, version: str = "") -> RunRecord:
    """Run one task (a batch of one)."""
    return run_tasks([spec], [task], keep, version or _version())[0]


def execute_chunk(chunk: Chunk) -> list[RunRecord]:
    """The function workers run (module level, so pools and Dask can import it)."""
    return run_tasks([chunk.specs[t.scenario] for t in chunk.tasks], chunk.tasks, chunk.keep,
                     chunk.model_version or _version())


def _version() -> str:
    from .design import model_version  # the parent normally sends it with the chunk
    return model_version()


# ---------------------------------------------------------------------------- pool workers
def exit_with_parent() -> None:
    """Pool worker initializer: exit when the sweep process dies, even by SIGKILL (a pool
    worker otherwise waits forever on its task queue as an orphan)."""
    import threading
    from multiprocessing.connection import wait as wait_for

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait_for([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="sovsim-parent-watch", daemon=True).start()


def start_worker(barrier: Any) -> None:
    """Pool worker initializer: one BLAS thread (workers are the parallelism), exit with the
    parent, and wait (bounded) until all the pool's workers have started."""
    import threading

    exit_with_parent()
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=120)


#: Environment for pool workers: one BLAS/OpenMP thread each (set before numpy loads).
SINGLE_THREAD_ENV = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                            "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
