"""One browser session's state and runs, as a Solara hook.

Everything lives in component state created inside the page component, so every visitor
has their own model; nothing is shared at module level.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import solara

from model import ScenarioSpec

from . import share
from . import state as st
from .catalog import Catalog
from .sim import Ensemble, EnsembleCache, LiveRun, Trajectory, run_full
from .state import AppState


@dataclass(frozen=True)
class Session:
    """What the page renders: the state, its runs, and how to change the state."""

    state: AppState
    spec: ScenarioSpec
    run: Trajectory
    baseline: Trajectory
    ensemble: Ensemble | None
    baseline_ensemble: Ensemble | None
    baseline_label: str  # what the dashed lines show
    update: Callable[[Callable[[AppState], AppState]], None]


def first_state(catalog: Catalog, search: str | None) -> AppState:
    """The state a page opens with: the share link's if there is one, else the default."""
    default = st.initial_state(catalog.default, catalog.load(catalog.default))
    if search and f"{share.PARAM}=" in search:
        try:
            return share.decode(search, catalog)
        except share.ShareError as exc:
            return replace(default, message=str(exc))
    return default


def baseline_spec(catalog: Catalog, spec: ScenarioSpec) -> ScenarioSpec:
    """The baseline scenario's policies on the current run's region, horizon and seed (a
    scenario with its own region is compared with the baseline policies on that region)."""
    base = catalog.load(catalog.baseline)
    codes = {s.iso3 for s in spec.states}
    events = tuple(e for e in base.events if e.step <= spec.horizon
                   and (tuple(e.targets) == ("all",) or set(e.targets) <= codes))
    return replace(base, states=spec.states, horizon=spec.horizon, seed=spec.seed,
                   overrides={k: v for k, v in base.overrides.items() if k in codes},
                   events=events)


def use_session(catalog: Catalog, search: str | None = None) -> Session:
    initial = solara.use_memo(lambda: first_state(catalog, search), [])
    app = solara.use_reactive(initial)
    live = solara.use_memo(LiveRun, [])  # this session's model
    state = app.value
    spec = state.setup.spec()
    run = solara.use_memo(lambda: live.advance_to(spec, state.step), [spec, state.step])
    base_spec = solara.use_memo(lambda: baseline_spec(catalog, spec),
                                [spec.horizon, spec.seed, spec.states])
    baseline = solara.use_memo(lambda: run_full(base_spec), [base_spec])
    ensembles = solara.use_memo(EnsembleCache, [])  # this session's
    n = state.ensemble_size
    ensemble = solara.use_memo(lambda: ensembles.get(spec, n) if state.ensemble else None,
                               [spec, state.ensemble, n])
    baseline_ensemble = solara.use_memo(
        lambda: ensembles.get(base_spec, n) if state.ensemble else None,
        [base_spec, state.ensemble, n])

    lock = solara.use_memo(threading.Lock, [])  # the player thread and clicks both update

    def update(change: Callable[[AppState], AppState]) -> None:
        with lock:
            app.value = change(app.value)

    def player(cancel: threading.Event) -> None:
        """Advance one quarter per tick while playing."""
        interval = 1.0 / max(state.speed, 0.1)
        while state.playing and not cancel.wait(interval):
            update(st.tick)
            if not app.value.playing:
                break

    solara.use_thread(player, dependencies=[state.playing, state.speed],
                      intrusive_cancel=False)
    label = f"baseline scenario '{catalog.baseline}'"
    if spec.states != catalog.load(catalog.baseline).states:
        label += " (baseline policies on this scenario's region)"
    return Session(state, spec, run, baseline, ensemble, baseline_ensemble, label, update)
