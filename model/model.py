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

from .accounts import Accounts
from .agents import RegionalBodyAgent, StateAgent, VendorAgent
from .body import RegionalBody
from .capacity import Capacities
from .evaluation import Evaluation
from .events import Event
from .market import Market
from .metrics import REGION_INDEX, STATE_INDEX, Metrics
from .national_programme import NationalProgrammes
from .parameters import CONSTANT_VALUES, PARAMETERS, REGION_OUTCOMES, STATE_OUTCOMES
from .policy import Policy
from .spec import ScenarioSpec, SpecError, check_event
from .streams import make_streams, root_sequence
from .tables import Region, Suppliers, Workflows
from .world import World

#: One quarter, in order (docs/ODD.md, "Process overview"): (component, phase).
PROCESS: tuple[tuple[str, str], ...] = (
    ("policy", "step"),          # quarter 1 only: the scenario's levers take effect
    ("world", "step"),           # technology, usage, events, chip access
    ("accounts", "plan"),        # budgets: what can be funded this quarter
    ("body", "step"),            # fees collected, pooled capacity, trust, exits, re-entries
    ("programmes", "step"),      # national programmes: build, release, learn (M5)
    ("capacities", "step"),      # capacity stocks, standards adopted
    ("market", "refresh_supply"),  # who can serve whom (M6)
    ("evaluation", "step"),      # releases -> staleness -> pooled tests -> own tests (M2, M3)
    ("market", "step"),          # migrations, tenders, lock-in, capacity, prices (M1, M4, M8)
    ("accounts", "settle"),      # bills, coverage within budget, incidents, value (M9)
    ("metrics", "record"),       # outcomes
)


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
        self.streams = make_streams(root_sequence(seed))
        self.u = {p.name: spec.value(p.name) for p in PARAMETERS.values()
                  if p.kind == "uncertainty"}
        self.c = CONSTANT_VALUES
        # what every component shares
        self.region = Region(spec.states)
        self.suppliers = Suppliers.build()
        self.workflows = Workflows(self.region, self.suppliers, self.c, self.u,
                                   self.streams["setup"])
        self.policy = Policy(spec)
        self._set_volumes()
        # components, in the order they depend on each other at set-up
        self.world = World(self)
        self.programmes = NationalProgrammes(self)
        self.capacities = Capacities(self)
        self.body = RegionalBody(self)
        self.evaluation = Evaluation(self)
        self.market = Market(self)
        self.accounts = Accounts(self)
        self.accounts.open_books(self)
        self.metrics = Metrics(self)
        # Mesa agents: views onto the components
        self.states = [StateAgent(self, k) for k in range(self.region.n)]
        self.vendors = {key: VendorAgent(self, j) for j, key in enumerate(self.suppliers.keys)
                        if not self.suppliers.is_national[j]}
        for k in np.flatnonzero(self.programmes.released):
            self.add_national_vendor(int(k))
        self.body_agent = RegionalBodyAgent(self)
        self.datacollector = _datacollector() if collect else None
        self.metrics.record(self)  # quarter 0: the status quo
        self._collect()

    def _set_volumes(self) -> None:
        """Workflow volume per state: services cost ``service_budget_share`` of the
        status-quo budget at quarter-0 reference prices (frontier A on cloud A, no
        bargaining power)."""
        status_quo_budget = self.policy.status_quo["ai_budget_share"] * self.region.gdp / 4 / 1e6
        frontier = self.suppliers.column["frontier_a"]
        reference_unit = 2.0 * (1.0 + self.u["base_markup"]
                                * self.suppliers.markup_factor[frontier])
        self.volume = self.c["service_budget_share"] * status_quo_budget / (
            self.workflows.per_state * reference_unit)
        self.reference_price = self.volume * 2.0  # US$ m per workflow-quarter at unit cost

    # ---------------------------------------------------------------- shared queries
    def true_quality(self) -> np.ndarray:
        """(S, V): true model quality for each state (the national column: its programme)."""
        q = self.world.base_quality()
        q[:, self.suppliers.national_model] = self.programmes.quality
        return q

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
        return self.metrics.region

    @property
    def event_log(self) -> list[dict[str, Any]]:
        return self.world.log

    @property
    def live_events(self) -> list[Event]:
        return self.world.live

    @property
    def cohesion(self) -> float:
        return self.body.cohesion

    @property
    def members(self) -> int:
        return int(self.body.member.sum())

    @property
    def pooled_evaluation_capacity(self) -> float:
        return self.body.pooled_capacity(self)

    @property
    def pooled_evaluations(self) -> int:
        return self.body.evaluations_last

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
        for component, phase in PROCESS:
            getattr(getattr(self, component), phase)(self)
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
