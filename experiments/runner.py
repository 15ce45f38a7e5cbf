"""Run an experiment's plan on a local process pool or Dask, streaming results to storage.

Work is submitted in bounded chunks (never the whole plan at once) and finished runs are
written in batches, each batch in one transaction; so memory stays flat in the number of
runs, and a sweep killed at any moment resumes with every run stored exactly once.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import socket
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from .design import Experiment, RunTask, extension_problem, model_version
from .storage import (
    RunRecord,
    Storage,
    StorageError,
    StorageFault,
    chunked,
    redact,
)
from .worker import (
    MAX_BATCH,
    SINGLE_THREAD_ENV,
    Chunk,
    execute_chunk,
    execute_run,
    start_worker,
)
from .worker import outcome_arrays as worker_outcome_arrays

if TYPE_CHECKING:  # the sweep's import path stays lean: no Mesa in the coordinator either
    from model.model import SovereigntyModel

__all__ = ["Chunk", "RunRecord", "SweepSummary", "execute_chunk", "execute_run",
           "make_executor", "outcome_arrays", "plan_keys", "run_sweep"]

log = logging.getLogger(__name__)

#: The start method of sovsim's own pool: "spawn" works everywhere (and with threads in the
#: parent); it is passed to the pool, never set globally.
START_METHOD = "spawn"
#: Seconds a claim on a run lasts without renewal (renewed at every write, at least every
#: few seconds): a sweep process killed on another host gives its runs back after this.
LEASE_SECONDS = 120.0
#: Chunks claimed per claim transaction (fewer database round trips; small enough that
#: several sweep processes still share the work evenly).
CLAIM_CHUNKS = 8
#: Smallest chunk near a sweep's end (guided scheduling): about 0.2 s of work, stacked
#: enough that the engine's per-run cost is near its floor.
MIN_GUIDED = 32


@dataclass
class SweepSummary:
    experiment: str
    experiment_id: int
    db: str
    planned: int
    skipped: int
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0  # from the start until the first results arrived
    errors: list[str] = field(default_factory=list)
    stored: int = 0  # runs this sweep wrote to the database
    elsewhere: int = 0  # pending runs left to other sweep processes (claimed or stored by them)
    verified: int = 0  # runs of the experiment found in the database at the end

    @property
    def rate(self) -> float:
        return (self.done + self.failed) / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------------------- the worker side
def outcome_arrays(model: SovereigntyModel) -> tuple[np.ndarray, np.ndarray]:
    """``(states, region)`` arrays of a finished one-run model (see
    :func:`experiments.worker.outcome_arrays`)."""
    steps = model.steps + 1
    return worker_outcome_arrays(model.state_metrics[:steps], model.region_metrics[:steps])


# ---------------------------------------------------------------------------- executors
class SerialExecutor(Executor):
    """Runs each chunk in this process when it is submitted (``--workers 1``)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001
            future.set_exception(exc)
        return future


class NoDaskWorker(RuntimeError):
    """A Dask scheduler with no worker after the wait (``sovsim sweep --dask-timeout``)."""


class DaskExecutor:
    """A Dask ``Client`` (LocalCluster or a scheduler address) as a futures executor."""

    def __init__(self, address: str, workers: int, worker_timeout: float = 60.0) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address, timeout="10s")
            self._wait_for_a_worker(address, worker_timeout)
        self.executor = self.client.get_executor(pure=False)
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers

    def _wait_for_a_worker(self, address: str, timeout: float) -> None:
        """A scheduler with no worker would take the work and wait forever at 0%: say so,
        wait up to ``timeout`` seconds for a worker, then give up clearly."""
        if self.client.scheduler_info().get("workers"):
            return
        log.warning("no Dask worker has joined scheduler %s yet; waiting up to %g s (start "
                    "one with: dask worker %s)", address, timeout, address)
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            self.client.close()
            raise NoDaskWorker(f"no Dask worker joined scheduler {address} within "
                               f"{timeout:g} s; start workers with `dask worker {address}` "
                               "(with the same sovsim installed) and rerun, or use "
                               "--dask local") from None

    def submit(self, fn, *args) -> Future:
        return self.executor.submit(fn, *args)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def make_executor(workers: int, dask: str | None,
                  dask_timeout: float = 60.0) -> tuple[Any, int]:
    if dask:
        ex = DaskExecutor(dask, workers, dask_timeout)
        return ex, ex.workers
    if workers <= 1:
        return SerialExecutor(), 1
    ctx = multiprocessing.get_context(START_METHOD)
    barrier = ctx.Barrier(workers)
    with _environment(SINGLE_THREAD_ENV):  # spawned workers read it before numpy loads
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                   initializer=start_worker, initargs=(barrier,))
        # Start every worker before any work: the pool starts processes one per submitted
        # task, and a worker that boots first would otherwise take every chunk of a small
        # sweep.
        for future in [pool.submit(os.getpid) for _ in range(workers)]:
            future.result()
    return pool, workers


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration (for child processes started inside)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ---------------------------------------------------------------------------- the driver
def run_sweep(experiment: Experiment, db: str | None = None, *, workers: int | None = None,
              dask: str | None = None, progress: bool = True, chunk_size: int | None = None,
              batch_runs: int = 256, flush_seconds: float = 2.0,
              retry_failed: bool = False, dask_timeout: float = 60.0) -> SweepSummary:
    """Run every run of ``experiment`` not yet stored in ``db`` and store it.

    ``workers``: processes (default: the core count; 1 runs in this process). ``dask``:
    ``"local"`` for a LocalCluster of ``workers`` processes, or a scheduler address.
    Finished runs are written every ``batch_runs`` runs or ``flush_seconds`` seconds.
    With a scheduler address, :class:`NoDaskWorker` if no worker joins within
    ``dask_timeout`` seconds.
    """
    workers = workers or default_workers()
    storage = Storage(db)
    try:
        return _sweep(storage, experiment, workers, dask, progress, chunk_size, batch_runs,
                      flush_seconds, retry_failed, dask_timeout)
    finally:
        storage.close()


def _sweep(storage: Storage, experiment: Experiment, workers: int, dask: str | None,
           progress: bool, chunk_size: int | None, batch_runs: int, flush_seconds: float,
           retry_failed: bool, dask_timeout: float) -> SweepSummary:
    exp_id = storage.retrying(lambda: storage.register(
        experiment.name, experiment.digest(), experiment.n_runs, experiment.keep,
        experiment.to_dict(), lambda old: extension_problem(old, experiment)),
        "registering the experiment")
    if retry_failed:
        storage.retrying(lambda: storage.delete_failed(exp_id), "deleting failed runs")
    finished = storage.retrying(lambda: storage.finished_keys(exp_id), "reading stored runs")
    summary = SweepSummary(experiment.name, exp_id, storage.url, experiment.n_runs,
                           skipped=len(finished))
    log.info("experiment %s (id %d, hash %s): %d runs planned, %d already stored, %s",
             experiment.name, exp_id, experiment.digest(), experiment.n_runs, len(finished),
             f"Dask {dask}" if dask else f"{workers} worker process(es)")
    identity = storage.file_identity()
    try:
        _run_pending(storage, experiment, summary, finished, workers, dask, progress,
                     chunk_size, batch_runs, flush_seconds, dask_timeout)
    except StorageFault as exc:
        raise StorageFault(f"{exc}. {_safe(summary)}") from None
    except KeyboardInterrupt:
        raise SweepInterrupted(summary) from None
    _verify(storage, summary, identity)
    return summary


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep, after the finished runs were stored; ``summary`` says how
    many."""

    def __init__(self, summary: SweepSummary) -> None:
        super().__init__("interrupted")
        self.summary = summary


def _safe(summary: SweepSummary) -> str:
    return (f"The {summary.stored + summary.skipped} runs stored before the fault are safe "
            f"({summary.stored} from this sweep); fix the database and rerun the same "
            "command to resume")


def _verify(storage: Storage, summary: SweepSummary, identity: tuple[int, int] | None) -> None:
    """Check at the end that this sweep's runs are in the database (a SQLite file deleted or
    replaced mid-sweep takes every write with it, silently)."""
    expected = summary.skipped + summary.stored
    if identity is not None and storage.file_identity() != identity:
        raise StorageFault(f"database {redact(storage.url)} was deleted or replaced during "
                           f"the sweep: the {summary.stored} runs this sweep wrote went "
                           "with it; rerun the same command to run them again")
    summary.verified = storage.stored_count(summary.experiment_id)
    if summary.verified < expected:
        raise StorageFault(f"database {redact(storage.url)} holds {summary.verified} runs of "
                           f"experiment {summary.experiment}, but {expected} were stored; "
                           "rerun the same command to run the missing ones")


def _run_pending(storage: Storage, experiment: Experiment, summary: SweepSummary,
                 finished: set, workers: int, dask: str | None, progress: bool,
                 chunk_size: int | None, batch_runs: int, flush_seconds: float,
                 dask_timeout: float) -> None:
    from tqdm.auto import tqdm

    exp_id = summary.experiment_id
    pending = experiment.n_runs - len(finished)
    if pending <= 0:
        return
    tasks: Iterator[RunTask] = (t for t in experiment.tasks() if t.key not in finished)
    # a chunk is at most one database write (``--batch``), so writes come as often as asked
    size = chunk_size or min(chunk_runs(pending, workers), batch_runs)
    version = model_version()
    specs = dict(experiment.scenarios)
    owner = f"{socket.gethostname()}:{os.getpid()}"

    left = pending  # runs not yet handed to a worker

    def next_size() -> int:
        """Guided self-scheduling: chunks shrink as the sweep nears its end (down to
        ``MIN_GUIDED`` runs, still a batch that amortises the engine's per-step work), so
        that workers finish together instead of one waiting on another's last big chunk.
        A size the user chose (``--runs-per-batch``) is kept as is."""
        if chunk_size:
            return size
        return max(min(MIN_GUIDED, size), min(size, -(-left // (2 * workers))))

    def claimed_chunks() -> Iterator[Chunk]:
        """Chunks of runs this process claimed: other sweep processes on the same database
        take the rest (each run is claimed by one process at a time)."""
        nonlocal left
        # one claim per few chunks: about what this process has in flight, so that other
        # sweep processes on the database find runs left to claim
        for block in chunked(tasks, size * min(CLAIM_CHUNKS, 2 * workers)):
            keys = storage.retrying(lambda block=block: storage.claim(
                exp_id, [t.key for t in block], owner, LEASE_SECONDS), "claiming runs")
            mine = set(keys)
            ours = [t for t in block if t.key in mine]
            if len(ours) < len(block):
                summary.elsewhere += len(block) - len(ours)
                bar.total -= len(block) - len(ours)
            while ours:
                k = next_size()
                group, ours = ours[:k], ours[k:]
                left -= len(group)
                yield Chunk({s: specs[s] for s in {t.scenario for t in group}}, tuple(group),
                            experiment.keep, version)

    chunks = claimed_chunks()
    keep_cols = set(experiment.outcomes) or None
    t0 = time.perf_counter()
    executor, n = make_executor(workers, dask, dask_timeout)
    bar = tqdm(total=pending, unit="run", desc=experiment.name, disable=not progress,
               dynamic_ncols=True, smoothing=0.05, mininterval=0.5)
    buffer: list[RunRecord] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal buffer, last_flush
        summary.stored += storage.write(exp_id, buffer, keep_columns=keep_cols)
        buffer = []
        last_flush = time.monotonic()
        storage.retrying(lambda: storage.renew(exp_id, owner, LEASE_SECONDS),
                         "renewing claims")

    in_flight: set[Future] = set()
    window = max(2, 3 * n)
    try:
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < window:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    in_flight.add(executor.submit(execute_chunk, chunk))
            if not in_flight:
                break
            finished_now, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            if not summary.startup_seconds:
                summary.startup_seconds = time.perf_counter() - t0
            for fut in finished_now:
                records = fut.result()
                for rec in records:
                    buffer.append(rec)
                    if rec.status == "done":
                        summary.done += 1
                    else:
                        summary.failed += 1
                        if len(summary.errors) < 5:
                            summary.errors.append(f"{rec.key}: {rec.error}")
                bar.update(len(records))
            if summary.failed:
                bar.set_postfix(failed=summary.failed, refresh=False)
            if len(buffer) >= batch_runs or time.monotonic() - last_flush >= flush_seconds:
                flush()
        flush()
    except BaseException as exc:
        for fut in in_flight:
            fut.cancel()
        if buffer and not isinstance(exc, (SQLAlchemyError, StorageError)):
            with contextlib.suppress(Exception):  # the original error matters more
                flush()  # keep the runs that finished before an interrupt
        bar.close()
        executor.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(Exception):  # unfinished runs go back to the pool now
            storage.release(exp_id, owner)
        raise
    bar.close()
    executor.shutdown(wait=True)
    storage.retrying(lambda: storage.release(exp_id, owner), "releasing claims")
    summary.seconds = time.perf_counter() - t0


def chunk_runs(pending: int, workers: int) -> int:
    """Runs per chunk: big enough that the engine's batches amortise its per-step work
    (the gain levels off at about 64 runs stacked), small enough that every worker gets
    several chunks (an even finish, and other sweep processes on the same database a share
    of the claims) and progress moves; at most ``MAX_BATCH``."""
    return max(1, min(MAX_BATCH, pending // (workers * 8)))


def plan_keys(experiment: Experiment) -> Sequence[tuple[str, int, int]]:
    """Every run key of the plan, in plan order (for tests and reports)."""
    return [t.key for t in experiment.tasks()]
