"""Runs behind the UI: the live run (stepped as the room watches), full runs and ensembles.

Every result handed to components is an immutable :class:`Trajectory` or :class:`Ensemble`;
the only mutable object is :class:`LiveRun`, one per browser session (created in the
session's component state, never at module level).
"""

from __future__ import annotations

import csv
import io
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

# The server never imports pandas (tests/test_ui_state.py checks): reacton's use_state looks
# pandas up in sys.modules on every call, so a session importing it for a first table while
# another renders crashed that render ("partially initialized module 'pandas'"), seen when
# three devices reconnected at once; and the import was 0.2 s of every server start.
from model import MODEL_VERSION, ScenarioSpec
from model.engine import Engine
from model.metrics import REGION_INDEX, STATE_INDEX
from model.parameters import STATE_OUTCOMES
from model.results import PROVENANCE_COLUMNS, aggregate_over_states

#: Default ensemble size; replication ``i`` uses seed ``i`` (common random numbers).
ENSEMBLE_SIZE = 20
ENSEMBLE_SIZES = (10, 20, 50)
REGION = "region"
#: Environment variable: seconds to wait between the quarters of a UI ensemble (0 when
#: unset). The engine finishes a 50-run ensemble in about 0.3 s, too fast to watch its
#: progress or press Cancel; browser tests and rehearsals of a slow laptop set it so the
#: background work lasts long enough to see. Not reachable from a page.
ENSEMBLE_PACE_ENV = "SOVSIM_UI_ENSEMBLE_PACE"
MAX_ENSEMBLE_PACE = 0.5  # seconds per quarter


def ensemble_pace() -> float:
    """The pause per quarter from :data:`ENSEMBLE_PACE_ENV` (seconds, 0 to 0.5)."""
    raw = os.environ.get(ENSEMBLE_PACE_ENV, "").strip()
    if not raw:
        return 0.0
    try:
        pace = float(raw)
    except ValueError:
        pace = -1.0
    if not 0.0 <= pace <= MAX_ENSEMBLE_PACE:
        raise ValueError(f"{ENSEMBLE_PACE_ENV}={raw!r}: expected seconds per quarter "
                         f"from 0 to {MAX_ENSEMBLE_PACE}")
    return pace


@dataclass(frozen=True)
class Trajectory:
    """Outcomes of one run from step 0 to ``step`` (arrays are read-only copies)."""

    spec: ScenarioSpec
    step: int
    iso3: tuple[str, ...]
    state_metrics: np.ndarray  # (step + 1, S, K) state outcomes
    region_metrics: np.ndarray  # (step + 1, R) region outcomes
    shares: np.ndarray  # (S, V) supplier shares at ``step``
    vendor_keys: tuple[str, ...]
    vendor_blocs: tuple[str, ...]
    vendor_is_model: tuple[bool, ...]
    event_log: tuple[MappingProxyType, ...]
    provenance: MappingProxyType

    @property
    def horizon(self) -> int:
        return self.spec.horizon

    def series(self, metric: str, focus: str = REGION) -> np.ndarray:
        """A metric over steps 0..step, for the region (aggregated) or one state."""
        return outcome_series(self.state_metrics, self.region_metrics, self.iso3, metric, focus)

    def final(self, metric: str, focus: str = REGION) -> float:
        return float(self.series(metric, focus)[-1])

    def results_csv(self) -> str:
        """The tidy per-state table as CSV (``step, iso3``, every state outcome, provenance
        in every row): the text ``model.results.tidy_states(...).to_csv(index=False)`` gives,
        written without pandas (see the note at this module's imports)."""
        names = [o.name for o in STATE_OUTCOMES]
        member = names.index("member")
        tail = [self.provenance[key] for key in PROVENANCE_COLUMNS]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["step", "iso3", *names, *PROVENANCE_COLUMNS])
        for step, rows in enumerate(self.state_metrics.tolist()):
            for code, row in zip(self.iso3, rows, strict=True):
                cells = [_csv_number(x) for x in row]
                cells[member] = bool(row[member])
                writer.writerow([step, code, *cells, *tail])
        return out.getvalue()


def _csv_number(x: float) -> str:
    """A float as pandas writes it to CSV: its shortest repr, an empty cell for NaN."""
    return "" if math.isnan(x) else repr(x)


def outcome_series(state_metrics: np.ndarray, region_metrics: np.ndarray, iso3, metric: str,
                   focus: str) -> np.ndarray:
    """Works on one run (T, S, K) or a stack of runs (N, T, S, K)."""
    if metric in REGION_INDEX:
        return region_metrics[..., REGION_INDEX[metric]]
    k = STATE_INDEX[metric]
    if focus == REGION:
        return aggregate_over_states(state_metrics[..., k], metric)
    return state_metrics[..., list(iso3).index(focus), k]


def provenance(spec: ScenarioSpec, seed: int | None = None) -> MappingProxyType:
    return MappingProxyType({"model_version": MODEL_VERSION, "scenario": spec.name,
                             "scenario_hash": spec.digest(),
                             "seed": spec.seed if seed is None else seed})


def one_run(spec: ScenarioSpec) -> Engine:
    """The batch engine with one run of ``spec`` (its own seed). The UI steps the engine
    itself, not the Mesa model around it: the same numbers (a ``SovereigntyModel`` is this
    engine plus Mesa agents), without importing Mesa into the server or paying for agents."""
    return Engine([spec], [spec.seed])


def snapshot(engine: Engine) -> Trajectory:
    """An immutable copy of what a one-run ``engine`` has produced so far."""
    run, sup = engine.view(0), engine.suppliers

    def frozen(a: np.ndarray) -> np.ndarray:
        a = np.array(a, copy=True)
        a.setflags(write=False)
        return a

    return Trajectory(
        spec=run.spec, step=run.steps, iso3=tuple(run.iso3),
        state_metrics=frozen(run.state_metrics), region_metrics=frozen(run.region_metrics),
        shares=frozen(engine.market.shares), vendor_keys=tuple(sup.keys),
        vendor_blocs=tuple(sup.bloc), vendor_is_model=tuple(bool(x) for x in sup.is_model),
        event_log=tuple(MappingProxyType(dict(e)) for e in run.event_log),
        provenance=provenance(run.spec, run.seed))


def run_full(spec: ScenarioSpec, seed: int | None = None) -> Trajectory:
    """Run ``spec`` to its horizon (with ``seed`` instead of the spec's, if given)."""
    if seed is not None:
        spec = replace(spec, seed=seed)
    return snapshot(one_run(spec).run())


class LiveRun:
    """The one stepped model of a browser session.

    :meth:`advance_to` returns the run of ``spec`` at ``step``: it keeps stepping the current
    model when the spec is unchanged and the step lies ahead, and otherwise re-runs from the
    start, so results never depend on the order of clicks. Finished runs of the last few
    specs are kept, so dragging a lever back to a value it had costs no re-run.
    """

    def __init__(self, keep: int = 8) -> None:
        self.model: Engine | None = None
        self.keep = keep
        self._finished: OrderedDict[str, Trajectory] = OrderedDict()  # by spec digest

    def advance_to(self, spec: ScenarioSpec, step: int) -> Trajectory:
        if not 0 <= step <= spec.horizon:
            raise ValueError(f"step {step} is outside 0..{spec.horizon}")
        key = spec.digest()
        hit = self._finished.get(key) if step == spec.horizon else None
        if hit is not None and hit.spec == spec:
            self._finished.move_to_end(key)
            return hit
        m = self.model
        if m is None or m.specs[0] != spec or m.steps > step:
            m = self.model = one_run(spec)
        while m.steps < step:
            m.step()
        run = snapshot(m)
        if step == spec.horizon:
            self._finished[key] = run
            while len(self._finished) > self.keep:
                self._finished.popitem(last=False)
        return run

    def release(self) -> None:
        """Drop the model and the kept runs (the session has ended)."""
        self.model = None
        self._finished.clear()


@dataclass(frozen=True)
class Ensemble:
    """``n`` replications of one spec with seeds 1..n (common random numbers)."""

    spec: ScenarioSpec
    seeds: tuple[int, ...]
    iso3: tuple[str, ...]
    state_metrics: np.ndarray  # (N, T + 1, S, K)
    region_metrics: np.ndarray  # (N, T + 1, R)

    def band(self, metric: str, focus: str = REGION) -> tuple[np.ndarray, ...]:
        """(median, 5th percentile, 95th percentile) over replications, per step."""
        values = outcome_series(self.state_metrics, self.region_metrics, self.iso3, metric,
                                focus)
        low, median, high = np.percentile(values, [5, 50, 95], axis=0)
        return median, low, high

    @property
    def provenance(self) -> dict[str, Any]:
        p = dict(provenance(self.spec))
        p["seed"] = f"{self.seeds[0]}..{self.seeds[-1]}"
        return p


class Cancelled(Exception):
    """An ensemble stopped before it finished (the user pressed Cancel or moved on)."""


#: ``progress(done, total)`` after each replication; may be called from a worker thread.
Progress = Callable[[int, int], None]


def run_ensemble(spec: ScenarioSpec, n: int = ENSEMBLE_SIZE, *,
                 progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> Ensemble:
    """Replicate ``spec`` to its horizon with seeds 1..n.

    The one function every ensemble of the UI goes through (the session's background
    worker, the comparison, exports): the replications run as one batch of the engine, in
    one set of arrays. ``progress(done, n)`` is told after each quarter (runs-equivalent
    done); a set ``cancel`` stops the work between quarters with :class:`Cancelled`.
    """
    if n < 2:
        raise ValueError(f"an ensemble needs at least 2 replications, got {n}")
    seeds = tuple(range(1, n + 1))
    # one batch of the engine (every replication identical to the run alone, tested),
    # stepped a quarter at a time so progress shows and Cancel is honoured
    engine = Engine([replace(spec, seed=s) for s in seeds])
    pace = ensemble_pace()
    while engine.steps < engine.horizon:
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"ensemble cancelled at quarter {engine.steps} of "
                            f"{engine.horizon}")
        engine.step()
        if progress is not None:
            progress(n * engine.steps // engine.horizon, n)
        time.sleep(pace)  # 0 lets the session's other threads (clicks, redraws) in
    return Ensemble(spec, seeds, tuple(engine.region.iso3), engine.state_by_run().copy(),
                    engine.region_by_run().copy())


class EnsembleCache:
    """One session's ensembles, by spec (a few kept), so toggling the ensemble view or
    returning to a setup does not re-run the replications; safe to fill from a thread."""

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int], Ensemble] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, spec: ScenarioSpec, n: int = ENSEMBLE_SIZE) -> Ensemble | None:
        """The cached ensemble of ``spec``, or None (never computes)."""
        with self._lock:
            hit = self._items.get((spec.digest(), n))
        if hit is None:
            return None
        return hit if hit.spec == spec else replace(hit, spec=spec)

    def get(self, spec: ScenarioSpec, n: int = ENSEMBLE_SIZE, *,
            progress: Progress | None = None,
            cancel: threading.Event | None = None) -> Ensemble:
        """The ensemble of ``spec`` (computed with :func:`run_ensemble` if not cached)."""
        hit = self.peek(spec, n)
        if hit is not None:
            return hit
        ensemble = run_ensemble(spec, n, progress=progress, cancel=cancel)
        with self._lock:
            self._items[(spec.digest(), n)] = ensemble
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return ensemble

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
