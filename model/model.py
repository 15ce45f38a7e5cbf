"""The sovsim model: states, suppliers and a regional body on Mesa, composed of components.

Each mechanism family is a component that owns its arrays and its phase (in the spirit of
Starsim's modules); the model holds only what they share (the region, the supplier columns,
the workflows table, the random streams, the parameters) and runs the phases in the order
of docs/ODD.md's process overview (:data:`PROCESS`). The Mesa agents are views onto the
components (see :mod:`model.agents`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import mesa
import numpy as np

from .agents import RegionalBodyAgent, StateAgent, VendorAgent
from .engine import PROCESS, Engine
from .events import Event
from .metrics import REGION_INDEX, STATE_INDEX
from .parameters import REGION_OUTCOMES, STATE_OUTCOMES
from .spec import ScenarioSpec, SpecError, check_event

#: ``rng`` not given: use the scenario's own seed (``spec.seed``).
_SPEC_SEED: Any = object()
#: Keys of a Mesa ``Scenario`` that are Mesa's, not model parameters.
_MESA_SCENARIO_KEYS = frozenset({"rng", "model", "_scenario_id"})


class SovereigntyModel(mesa.Model):
    """Regional AI interdependence: who supplies, who tests, who bargains, who owns.

    Args:
        spec: the resolved scenario (default: ASEAN-11, all defaults).
        rng: seed for every random stream. Not given: ``spec.seed``. ``None``: a fresh
            seed from OS entropy, as in Mesa (``mesa.batch_run(..., rng=[None] * n)`` gives
            n different runs); the seed drawn is recorded in ``self.seed`` and the results'
            provenance, so the run can be repeated.
        horizon: quarters to run (default: ``spec.horizon``).
        scenario: a Mesa ``Scenario`` (Mesa's SolaraViz passes one on Reset): its parameters
            are lever or uncertainty values (or ``horizon``), its ``rng`` the seed.
        collect: also record outcomes in a Mesa ``DataCollector`` (``self.datacollector``).
            The tidy outcome arrays behind :meth:`results` are always kept.
        **values: lever or uncertainty values applied on top of ``spec`` for all states
            (so ``mesa.batch_run`` can sweep them as keyword arguments).
    """

    def __init__(self, spec: ScenarioSpec | None = None, *, rng: Any = _SPEC_SEED,
                 horizon: int | None = None, collect: bool = True,
                 scenario: Any = None, **values: Any) -> None:
        if scenario is not None:
            given = {k: v for k, v in vars(scenario).items() if k not in _MESA_SCENARIO_KEYS}
            horizon = given.pop("horizon", horizon)
            values = {**given, **values}
            if rng is _SPEC_SEED and scenario.rng is not None:
                rng = scenario.rng
        spec = spec or ScenarioSpec()
        if values or horizon is not None:
            spec = spec.with_values(**values)
            if horizon is not None:
                spec = replace(spec, horizon=horizon)  # replace() re-validates
        if rng is _SPEC_SEED:
            seed = spec.seed
        elif rng is None:  # Mesa's meaning: a fresh seed (recorded, so it can be repeated)
            seed = int(np.random.SeedSequence().entropy % 2**63)
        else:
            seed = int(rng) if isinstance(rng, np.integer) else rng
        if isinstance(seed, int) and seed != spec.seed:
            spec = replace(spec, seed=seed)
        super().__init__(rng=seed)
        self.spec = spec
        self.seed = seed
        self.horizon = spec.horizon
        #: the engine with one run; the components below are its components
        self.engine = engine = Engine([spec], [seed], listener=self)
        self.streams = engine.streams[0]
        self.u = {name: values[0].item() for name, values in engine.u.items()}
        self.c = engine.c
        for name in ("region", "suppliers", "workflows", "policy", "world", "programmes",
                     "capacities", "body", "evaluation", "market", "accounts", "metrics"):
            setattr(self, name, getattr(engine, name))
        self.volume, self.reference_price = engine.volume, engine.reference_price
        # Mesa agents: views onto the components
        self.states = [StateAgent(self, k) for k in range(self.region.n)]
        self.vendors = {key: VendorAgent(self, j) for j, key in enumerate(self.suppliers.keys)
                        if not self.suppliers.is_national[j]}
        for k in np.flatnonzero(self.programmes.released):
            self.add_national_vendor(int(k))
        self.body_agent = RegionalBodyAgent(self)
        self.datacollector = _datacollector() if collect else None
        self._collect()  # quarter 0: the status quo

    # ---------------------------------------------------------------- shared queries
    def true_quality(self) -> np.ndarray:
        """(S, V): true model quality for each state (the national column: its programme)."""
        return self.engine.true_quality()

    @property
    def iso3(self) -> list[str]:
        return self.region.iso3

    @property
    def n_states(self) -> int:
        return self.region.n

    @property
    def vendor_keys(self) -> list[str]:
        return self.suppliers.keys

    @property
    def bloc(self) -> list[str]:
        return self.suppliers.bloc

    @property
    def is_model(self) -> np.ndarray:
        return self.suppliers.is_model

    @property
    def layers(self) -> tuple[slice, ...]:
        return self.suppliers.layers

    @property
    def shares(self) -> np.ndarray:
        """(S, V) stakes-weighted supplier shares; each layer's columns sum to 1."""
        return self.market.shares

    @property
    def model_v(self) -> np.ndarray:
        """Each workflow's model supplier (column index)."""
        return self.market.supplier[0]

    @property
    def state_metrics(self) -> np.ndarray:
        return self.metrics.state

    @property
    def region_metrics(self) -> np.ndarray:
        return self.metrics.region[:, 0]

    @property
    def event_log(self) -> list[dict[str, Any]]:
        return self.world.log

    @property
    def live_events(self) -> list[Event]:
        return self.world.live

    @property
    def cohesion(self) -> float:
        return float(self.body.cohesion[0])

    @property
    def members(self) -> int:
        return int(self.body.member.sum())

    @property
    def pooled_evaluation_capacity(self) -> float:
        return float(self.body.pooled_capacity(self.engine)[0])

    @property
    def pooled_evaluations(self) -> int:
        return int(self.body.evaluations_last[0])

    # ---------------------------------------------------------------- vendors as agents
    def add_national_vendor(self, k: int) -> None:
        """Register state ``k``'s released national model as a Mesa agent."""
        key = f"national_{self.region.iso3[k]}"
        if key not in self.vendors:
            self.vendors[key] = VendorAgent(self, self.suppliers.national_model, state=k)

    def retire_vendor(self, key: str) -> None:
        """A supplier left the market: remove its agent."""
        agent = self.vendors.pop(key, None)
        if agent is not None:
            agent.remove()

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One quarter: the phases of :data:`PROCESS`, in order."""
        self.engine.step()
        self._collect()
        if self.steps >= self.horizon:
            self.running = False

    def run(self) -> None:
        """Run to the horizon."""
        while self.steps < self.horizon:
            self.step()

    def _collect(self) -> None:
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def inject(self, kind: str, targets: tuple[str, ...] | list[str] = ("all",),
               **params: Any) -> Event:
        """Schedule an event for the next quarter (a facilitator's live button).

        It is validated like a scenario event, fires at the start of the next step and
        enters the event log (origin "live"); :attr:`live_events` keeps it for export.
        """
        event = Event(self.steps + 1, kind, tuple(targets), dict(params))
        check_event(event, self.iso3, self.horizon, "event")
        self.world.schedule(event)
        return event

    # region means reported by the Mesa DataCollector (and so by mesa.batch_run)
    @property
    def mean_control_index(self) -> float:
        return float(self.metric("control_index").mean())

    @property
    def mean_possession_index(self) -> float:
        return float(self.metric("possession_index").mean())

    @property
    def mean_largest_supplier_share(self) -> float:
        return float(self.metric("largest_supplier_share").mean())

    def metric(self, name: str) -> np.ndarray:
        """Current per-state values of a state outcome."""
        return self.metrics.state[self.steps, :, STATE_INDEX[name]]

    def results(self):
        """Tidy results of the steps run so far (see :class:`model.results.Results`)."""
        from .results import Results
        return Results.from_model(self)


def _datacollector() -> mesa.DataCollector:
    region = {o.name: o.name for o in REGION_OUTCOMES}
    region.update({f"mean_{n}": f"mean_{n}" for n in ("control_index", "possession_index",
                                                      "largest_supplier_share")})
    return mesa.DataCollector(
        model_reporters=region,
        agenttype_reporters={StateAgent: {"iso3": "iso3", **{o.name: o.name
                                                             for o in STATE_OUTCOMES}}},
    )


__all__ = ["PROCESS", "REGION_INDEX", "STATE_INDEX", "SovereigntyModel", "SpecError"]
