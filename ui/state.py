"""The UI's state: frozen dataclasses and pure functions that return a changed copy.

Components never mutate state; they call back with a new :class:`AppState` made by the
functions here, so every view is a function of one immutable value (which is also what a
share link encodes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from model import EVENT_KINDS, PARAMETERS, Event, ScenarioSpec
from model.spec import SpecError, check_event

from . import limits
from .sim import ENSEMBLE_SIZE, ENSEMBLE_SIZES, REGION
from .wording import describe_event

#: Live event buttons, in the order shown.
LIVE_EVENT_KINDS = ("export_control", "vendor_cutoff", "price_shock", "regional_summit")
SPEEDS = (1.0, 2.0, 4.0, 8.0)  # quarters per second
#: The two large charts of presentation mode unless the facilitator picks others.
PRESENTATION_CHARTS = ("control", "resilience")
#: The comparison choice that stands for the session's own (edited) setup.
CURRENT = "(current setup)"


@dataclass(frozen=True)
class Setup:
    """What runs: a loaded scenario, the user's lever changes, and live events.

    ``values`` are levers (for all states / the region) and uncertainties; ``overrides`` are
    per-state lever values on top; ``live_events`` were injected by the facilitator.
    """

    scenario: str
    base: ScenarioSpec
    values: Mapping[str, Any] = field(default_factory=dict)
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    live_events: tuple[Event, ...] = ()

    def spec(self) -> ScenarioSpec:
        """The resolved, validated scenario (raises :class:`SpecError`)."""
        spec = self.base.with_values(**self.values) if self.values else self.base
        overrides = {k: dict(v) for k, v in self.base.overrides.items()}
        for iso3, values in self.overrides.items():
            overrides.setdefault(iso3, {}).update(values)
        return replace(spec, overrides=overrides, events=(*self.base.events, *self.live_events))

    @property
    def edited(self) -> bool:
        """Whether levers, overrides or live events differ from the loaded scenario."""
        return bool(self.values or self.overrides or self.live_events)

    def export_name(self) -> str:
        """The scenario's own name, marked when the workshop changed it (the name of the
        exported YAML, inside the file and as its file name)."""
        name = self.base.name or self.scenario.removesuffix(".yaml")
        return f"{name}_workshop" if self.edited else name

    def export_spec(self) -> ScenarioSpec:
        """The resolved scenario under :meth:`export_name`, its description saying what the
        workshop changed: ``sovsim run`` on its YAML replays this run exactly."""
        spec = self.spec()
        if not self.edited:
            return spec
        changes = [f"{k}={v}" for k, v in sorted(self.values.items())]
        changes += [f"{iso3}.{k}={v}" for iso3, levers in sorted(self.overrides.items())
                    for k, v in sorted(levers.items())]
        note = (f"Edited in the sovsim workshop from '{self.base.name}'"
                + (f"; levers: {', '.join(changes)}" if changes else "")
                + (f"; {len(self.live_events)} live event(s)" if self.live_events else "")
                + ".")
        description = f"{self.base.description} {note}".strip()
        return replace(spec, name=self.export_name(), description=description[:4000])

    def value(self, name: str, iso3: str | None = None) -> Any:
        """The lever or uncertainty value in effect (for ``iso3`` when given)."""
        if iso3 is not None and name in self.overrides.get(iso3, {}):
            return self.overrides[iso3][name]
        if name in self.values:
            return self.values[name]
        return self.base.value(name, iso3)


@dataclass(frozen=True)
class AppState:
    """Everything one browser session shows."""

    setup: Setup
    step: int
    playing: bool = False
    speed: float = 2.0
    ensemble: bool = False
    ensemble_size: int = ENSEMBLE_SIZE  # replications, seeds 1..n
    focus: str = REGION  # "region" or an ISO3 code
    override_state: str = ""  # state chosen in the per-state overrides panel
    compare: tuple[str, str] = ("", "")  # scenario names; "" = defaults (baseline, current)
    tab: int = 0  # 0 workshop, 1 compare, 2 about, 3 glossary, 4 stories
    message: str = ""  # last one-line error or notice shown to the user
    present: bool = False  # presentation mode: key levers beside two large charts
    big: tuple[str, str] = PRESENTATION_CHARTS  # the two charts presentation mode shows
    story: str = ""  # the takeaway story being told ("" = none) and its chapter
    chapter: int = 0


def initial_state(scenario: str, base: ScenarioSpec) -> AppState:
    """A fresh session: the scenario run to its horizon, paused."""
    return AppState(Setup(scenario, base), step=base.horizon,
                    override_state=base.states[0].iso3)


def _resolve(state: AppState, setup: Setup, **changes: Any) -> AppState:
    """``state`` with ``setup`` if it resolves to a valid spec; else unchanged + message."""
    try:
        spec = setup.spec()
    except SpecError as exc:
        return replace(state, message=str(exc))
    step = min(changes.pop("step", state.step), spec.horizon)
    return replace(state, setup=setup, step=step, message=changes.pop("message", ""), **changes)


def set_value(state: AppState, name: str, value: Any) -> AppState:
    """Change a lever (all states / the region) or an uncertainty; the run restarts."""
    if name not in PARAMETERS:
        return replace(state, message=f"{name}: unknown parameter")
    values = dict(state.setup.values)
    values[name] = value
    return _resolve(state, replace(state.setup, values=values))


def set_override(state: AppState, iso3: str, name: str, value: Any) -> AppState:
    """Change one state's lever."""
    overrides = {k: dict(v) for k, v in state.setup.overrides.items()}
    overrides.setdefault(iso3, {})[name] = value
    return _resolve(state, replace(state.setup, overrides=overrides))


def clear_overrides(state: AppState, iso3: str) -> AppState:
    overrides = {k: dict(v) for k, v in state.setup.overrides.items() if k != iso3}
    return _resolve(state, replace(state.setup, overrides=overrides))


def load_scenario(state: AppState, scenario: str, base: ScenarioSpec) -> AppState:
    """Switch to another scenario: lever changes, overrides and live events are dropped."""
    fresh = initial_state(scenario, base)
    return replace(fresh, speed=state.speed, ensemble=state.ensemble, focus=state.focus
                   if state.focus in (REGION, *(s.iso3 for s in base.states)) else REGION,
                   compare=state.compare, present=state.present, big=state.big)


def inject(state: AppState, kind: str, targets: tuple[str, ...], **params: Any) -> AppState:
    """Schedule a live event at the start of the next quarter (it enters the scenario, so
    replaying the exported scenario reproduces what the room saw)."""
    spec = state.setup.spec()
    if kind not in EVENT_KINDS:
        return replace(state, message=f"{limits.short(kind)}: unknown event kind")
    if len(state.setup.live_events) >= limits.MAX_LIVE_EVENTS:
        return replace(state, message=f"at most {limits.MAX_LIVE_EVENTS} live events per "
                                      "session; remove live events to inject more")
    if state.step >= spec.horizon:
        return replace(state, message=f"the run is at its last quarter ({spec.horizon}); "
                                      "reset or step back before injecting an event")
    event = Event(state.step + 1, kind, tuple(targets), dict(params))
    try:
        check_event(event, [s.iso3 for s in spec.states], spec.horizon, "event")
    except SpecError as exc:
        return replace(state, message=str(exc))
    names = {s.iso3: s.name for s in spec.states}
    setup = replace(state.setup, live_events=(*state.setup.live_events, event))
    return _resolve(state, setup, message=f"Scheduled: {describe_event(event, names)}")


def dismiss(state: AppState) -> AppState:
    """Hide the notice."""
    return replace(state, message="")


def clear_live_events(state: AppState) -> AppState:
    return _resolve(state, replace(state.setup, live_events=()))


def set_ensemble(state: AppState, on: bool) -> AppState:
    """Show the ensemble (median and band) instead of the single run, if it fits the
    session's budget (:data:`limits.MAX_ENSEMBLE_WORK`)."""
    if on and not limits.ensemble_allowed(state.setup.spec(), state.ensemble_size):
        return replace(state, ensemble=False, message=_too_many_runs(state, state.ensemble_size))
    return replace(state, ensemble=bool(on), message="")


def set_ensemble_size(state: AppState, n: int) -> AppState:
    """Replications in the ensemble (one of :data:`ENSEMBLE_SIZES`, within the budget)."""
    if n not in ENSEMBLE_SIZES:
        return replace(state, message=f"ensemble size {limits.short(n)}; allowed: "
                                      f"{', '.join(map(str, ENSEMBLE_SIZES))}")
    if state.ensemble and not limits.ensemble_allowed(state.setup.spec(), n):
        return replace(state, message=_too_many_runs(state, n))
    return replace(state, ensemble_size=n, message="")


def _too_many_runs(state: AppState, n: int) -> str:
    spec = state.setup.spec()
    fits = [k for k in ENSEMBLE_SIZES if limits.ensemble_allowed(spec, k)]
    return (f"an ensemble of {n} runs of {spec.horizon} quarters × {len(spec.states)} states "
            f"is more than one session may run; " + (f"choose {fits[-1]} runs or fewer"
                                                     if fits else "use 'sovsim sweep'"))


def play(state: AppState) -> AppState:
    """Start playing (from quarter 0 if the run is at its end)."""
    horizon = state.setup.spec().horizon
    return replace(state, playing=True, step=0 if state.step >= horizon else state.step)


def pause(state: AppState) -> AppState:
    return replace(state, playing=False)


def step_once(state: AppState) -> AppState:
    """One quarter ahead; stops playing at the horizon."""
    horizon = state.setup.spec().horizon
    step = min(state.step + 1, horizon)
    return replace(state, step=step, playing=state.playing and step < horizon)


def tick(state: AppState) -> AppState:
    """The player's step: advances only while playing (a tick racing a pause is void)."""
    return step_once(state) if state.playing else state


def advance(state: AppState, step: int) -> AppState:
    """The player's move to quarter ``step`` (never back; stops at the horizon); void when
    not playing, so a tick racing a pause changes nothing."""
    if not state.playing:
        return state
    horizon = state.setup.spec().horizon
    step = min(max(step, state.step), horizon)
    return replace(state, step=step, playing=step < horizon)


def reset(state: AppState) -> AppState:
    """Back to quarter 0, paused (levers and live events kept)."""
    return replace(state, step=0, playing=False, message="")


def set_present(state: AppState, on: bool) -> AppState:
    return replace(state, present=bool(on))


def set_big(state: AppState, slot: int, key: str) -> AppState:
    """Choose the chart in presentation slot ``slot`` (0 or 1); picking the other slot's
    chart swaps the two."""
    big = list(state.big)
    other = 1 - slot
    if big[other] == key:
        big[other] = big[slot]
    big[slot] = key
    return replace(state, big=(big[0], big[1]))
