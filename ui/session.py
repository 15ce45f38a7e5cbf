"""One browser session's state and runs, as a Solara hook.

Everything lives in component state created inside the page component, so every visitor
has their own model; nothing is shared at module level.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import solara

from model import ScenarioSpec

from . import share
from . import state as st
from .catalog import Catalog
from .sim import Cancelled, Ensemble, EnsembleCache, LiveRun, Trajectory, run_full
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
    #: (replications done, replications to do) while an ensemble is computed in the
    #: background, else (0, 0); the single run is shown meanwhile.
    progress: tuple[int, int] = (0, 0)
    ensembles: EnsembleCache | None = None  # this session's cache (the comparison uses it)


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
    lock = solara.use_memo(threading.Lock, [])  # the player thread and clicks both update

    def update(change: Callable[[AppState], AppState]) -> None:
        with lock:
            app.value = change(app.value)

    def release():
        """When the session ends (tab closed and culled, see ui.server.CULL_TIMEOUT), drop
        its model and cached runs at once rather than when the garbage collector finds
        them, and hand freed memory back to the system soon after."""
        def end() -> None:
            live.release()
            ensembles.clear()
            return_memory_soon()

        return end

    solara.use_effect(release, [])
    ensemble, baseline_ensemble, progress = use_ensembles(ensembles, spec, base_spec,
                                                          state.ensemble, state.ensemble_size)
    use_player(app, update)
    label = f"baseline scenario '{catalog.baseline}'"
    if spec.states != catalog.load(catalog.baseline).states:
        label += " (baseline policies on this scenario's region)"
    return Session(state, spec, run, baseline, ensemble, baseline_ensemble, label, update,
                   progress, ensembles)


_trim_timer: threading.Timer | None = None
_trim_lock = threading.Lock()


def return_memory_soon(delay: float = 2.0) -> None:
    """Collect garbage and give freed heap back to the operating system a moment after
    sessions close (coalesced: many closing sessions schedule one trim)."""
    global _trim_timer

    def trim() -> None:
        import ctypes
        import gc

        gc.collect()
        # not glibc: the allocator keeps its pages
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)

    with _trim_lock:
        if _trim_timer is not None and _trim_timer.is_alive():
            return
        _trim_timer = threading.Timer(delay, trim)
        _trim_timer.daemon = True
        _trim_timer.start()


def use_ensembles(cache: EnsembleCache, spec: ScenarioSpec, base_spec: ScenarioSpec,
                  wanted: bool, n: int) -> tuple[Ensemble | None, Ensemble | None,
                                                 tuple[int, int]]:
    """The run's and the baseline's ensembles once both are computed, and the progress of
    computing them: the work runs in a background thread (never in a render), reports
    after each replication, and is cancelled as soon as it is no longer wanted (the switch
    turned off, Cancel pressed, a lever moved on, the session closed)."""
    progress, set_progress = solara.use_state((0, 0))
    ens = cache.peek(spec, n) if wanted else None
    bens = cache.peek(base_spec, n) if wanted else None
    need = wanted and (ens is None or bens is None)

    def start():
        if not need:
            return None
        cancel = threading.Event()
        todo = [s for s, e in ((base_spec, bens), (spec, ens)) if e is None]
        total = n * len(todo)

        def work() -> None:
            done = 0
            last = 0.0
            try:
                for i, s in enumerate(todo):
                    def tell(k: int, _n: int, i: int = i) -> None:
                        nonlocal last
                        now = time.monotonic()
                        if now - last > 0.2 or k == n:  # at most 5 progress redraws a second
                            last = now
                            set_progress((i * n + k, total))
                    cache.get(s, n, progress=tell, cancel=cancel)
                    done += 1
            except Cancelled:
                return
            if not cancel.is_set():
                set_progress((0, 0))  # finished: the next render finds both in the cache

        set_progress((0, total))
        threading.Thread(target=work, name="sovsim-ensemble", daemon=True).start()
        return cancel.set

    solara.use_effect(start, [need, spec.digest() if need else "", n])
    return ens, bens, (progress if need else (0, 0))


#: Shortest time between two redraws while playing: at 8 quarters/s each redraw moves two
#: quarters, so neither the server nor a slow browser falls behind the clock.
MIN_FRAME = 0.25


def use_player(app: solara.Reactive[AppState],
               update: Callable[[Callable[[AppState], AppState]], None]) -> None:
    """Play at the chosen speed in quarters per second, measured on the clock: each tick
    moves to the quarter the clock says, so a slow redraw makes the next tick jump further
    instead of slowing the run down."""
    state = app.value

    def player(cancel: threading.Event) -> None:
        if not state.playing:
            return
        speed = max(state.speed, 0.1)
        frame = max(1.0 / speed, MIN_FRAME)  # seconds between redraws
        t0, start = time.monotonic(), state.step
        frames = 1
        while not cancel.wait(max(0.0, t0 + frames * frame - time.monotonic())):
            elapsed = time.monotonic() - t0
            target = start + int(elapsed * speed + 1e-6)
            frames = int(elapsed / frame + 1e-6) + 1
            update(lambda a, target=target: st.advance(a, target))
            if not app.value.playing:
                break

    solara.use_thread(player, dependencies=[state.playing, state.speed],
                      intrusive_cancel=False)
