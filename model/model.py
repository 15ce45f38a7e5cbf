"""The sovsim model: states, suppliers and a regional body on Mesa.

State is held in numpy arrays indexed by state, supplier and workflow; the Mesa agents are
views onto them (see :mod:`model.agents`). Each agent type's phase calls the mechanism
functions (M1-M9) on whole arrays, so all states act simultaneously within a phase and the
result does not depend on any activation order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import mesa
import numpy as np

from . import (
    bargaining,
    cohesion,
    diversification,
    evaluation,
    incidents,
    lockin,
    procurement,
    supply,
)
from . import national_programme as nmp
from .agents import RegionalBodyAgent, StateAgent, VendorAgent
from .events import Event
from .parameters import CONSTANT_VALUES, PARAMETERS, REGION_OUTCOMES, STATE_OUTCOMES
from .spec import ScenarioSpec, SpecError, check_event
from .streams import make_streams, root_sequence
from .vendors import ARCHETYPES, CHIP_BLOC, NATIONAL_PROGRAMME, OPEN_BLOC, REGIONAL_BLOC

STATE_INDEX = {o.name: k for k, o in enumerate(STATE_OUTCOMES)}
REGION_INDEX = {o.name: k for k, o in enumerate(REGION_OUTCOMES)}


class SovereigntyModel(mesa.Model):
    """Regional AI interdependence: who supplies, who tests, who bargains, who owns.

    Args:
        spec: the resolved scenario (default: ASEAN-11, all defaults).
        rng: seed for every random stream (default: ``spec.seed``).
        horizon: quarters to run (default: ``spec.horizon``).
        collect: also record outcomes in a Mesa ``DataCollector`` (``self.datacollector``).
            The tidy outcome arrays behind :meth:`results` are always kept.
        **values: lever or uncertainty values applied on top of ``spec`` for all states
            (so ``mesa.batch_run`` can sweep them as keyword arguments).
    """

    def __init__(self, spec: ScenarioSpec | None = None, *, rng: Any = None,
                 horizon: int | None = None, collect: bool = True, **values: Any) -> None:
        spec = spec or ScenarioSpec()
        if values or horizon is not None:
            spec = spec.with_values(**values)
            if horizon is not None:
                spec = replace(spec, horizon=horizon)  # replace() re-validates
        seed = spec.seed if rng is None else rng
        super().__init__(rng=seed)
        self.spec = spec
        self.seed = seed
        self.horizon = spec.horizon
        self.streams = make_streams(root_sequence(seed))
        self.u = {p.name: spec.value(p.name) for p in PARAMETERS.values()
                  if p.kind == "uncertainty"}
        self.c = CONSTANT_VALUES
        self.event_log: list[dict[str, Any]] = []
        self._pending_events: list[Event] = list(spec.events)
        self.live_events: list[Event] = []
        self._setup_states()
        self._setup_vendors()
        self._setup_workflows()
        self._setup_body()
        self.state_metrics = np.zeros((self.horizon + 1, self.n_states, len(STATE_OUTCOMES)))
        self.region_metrics = np.zeros((self.horizon + 1, len(REGION_OUTCOMES)))
        self._price_quotes()
        everyone = np.ones(len(self.owner), dtype=bool)
        self._tally(everyone, everyone, self.known.ravel().take(self.cell[0]))
        self.datacollector = _datacollector() if collect else None
        self._record()

    # ---------------------------------------------------------------- setup
    def _setup_states(self) -> None:
        spec, c = self.spec, self.c
        data = spec.states
        self.n_states = S = len(data)
        self.iso3 = [s.iso3 for s in data]
        self.gdp = np.array([s.gdp_usd for s in data])
        self.readiness = np.array([s.ai_readiness for s in data]) / 100.0
        self.lever = {p.name: spec.state_array(p.name) for p in PARAMETERS.values()
                      if p.kind == "lever" and p.scope == "state"}
        self.body_lever = {p.name: spec.value(p.name) for p in PARAMETERS.values()
                           if p.kind == "lever" and p.scope == "region"}
        self.rhetoric = self.lever["possessive_rhetoric"].astype(float).copy()
        self.budget = self.lever["ai_budget_share"] * self.gdp / 4 / 1e6  # USD m / quarter
        # rows: evaluation, procurement, domestic compute (US$ m per quarter)
        self.investment = np.array((self.lever["own_evaluation_share"],
                                    self.lever["procurement_capacity_share"],
                                    self.lever["domestic_compute_share"])) * self.budget
        self.invest_total = self.investment.sum(axis=0)
        self.invests_in_compute = bool(self.investment[2].any())
        self.wants_national = self.lever["national_model"] & nmp.affordable(
            self.u["national_model_capex"], 4 * self.budget, c["national_model_affordability"])
        self.any_national = bool(self.wants_national.any())
        gdp_bn = self.gdp / 1e9
        population_m = np.array([s.population for s in data]) / 1e6
        self.n_workflows = np.maximum(1, np.round(
            c["workflows_base"] + c["workflows_scale"] * self.readiness * np.log10(1 + gdp_bn)
            + c["workflows_population_scale"] * np.log10(1 + population_m))).astype(np.int64)
        self.talent = self.readiness.copy()
        half = self.u["evaluation_half_capacity"]
        has_body = np.array([bool(s.eval_body) for s in data])
        self.stocks = np.array((  # same rows as self.investment, US$ m of capacity
            half * (c["initial_evaluation_readiness"] * self.readiness
                    + c["initial_evaluation_body"] * has_body),
            half * c["initial_procurement_readiness"] * self.readiness,
            np.array([s.datacenter_mw for s in data]) * c["datacenter_mw_value"]))
        self.half_capacity = np.array((half, half, c["compute_half_capacity"]))[:, None]
        self.capacities = evaluation.capacity(self.stocks, self.half_capacity)
        self.full_chip_access = np.ones(S)
        self.chip_access = self.full_chip_access
        self.trust = np.where(self.lever["member"], c["initial_trust"], 0.0)
        self.member = self.lever["member"].copy()
        self.cumulative_cost = np.zeros(S)
        self.outage_quarters = np.zeros(S)
        self.nm_age = np.full(S, -1, dtype=np.int64)
        self.nm_quality = np.zeros(S)
        self.states = [StateAgent(self, k) for k in range(S)]

    def _setup_vendors(self) -> None:
        S = self.n_states
        # Columns: model suppliers, then "the buyer's own national programme" (one column for
        # every state, with per-state quality and availability, so tenders stay narrow), then
        # compute suppliers; each layer's columns are contiguous.
        model_layer = [x for x in ARCHETYPES if x.layer == "model"]
        self.archetypes = a = [*model_layer, NATIONAL_PROGRAMME,
                               *(x for x in ARCHETYPES if x.layer == "compute")]
        self.n_vendors = V = len(a)
        self.national_col = len(model_layer)
        self.vendor_keys = [x.key for x in a]
        self.bloc = [x.bloc or "national" for x in a]
        self.is_model = np.array([x.layer == "model" for x in a])
        self.layers = (slice(0, self.national_col + 1), slice(self.national_col + 1, V))
        self.layer_starts = np.array([layer.start for layer in self.layers])
        self.quality = np.array([x.quality for x in a])
        self.hype = np.array([x.hype for x in a])
        self.unit_cost = np.array([x.unit_cost for x in a])
        self.reliability = np.array([x.reliability for x in a])
        self.claimed_reliability = np.array([x.claimed_reliability for x in a])
        self.portability = np.array([x.portability for x in a])
        self.language_fit = np.array([x.language_fit for x in a])
        self.markup_factor = np.array([x.markup_factor for x in a])
        self.progress = np.array([x.progress_factor for x in a])
        self.releases = self.progress > 0  # suppliers whose new versions void evaluations
        self.releases[self.national_col] = True
        self.active = np.ones(V, dtype=bool)
        self.is_open = np.array([b == OPEN_BLOC for b in self.bloc])
        self.is_national = np.zeros(V, dtype=bool)
        self.is_national[self.national_col] = True
        self.external = np.array([b not in (REGIONAL_BLOC, "national") for b in self.bloc])
        self.chip_cols = np.array([j for j, b in enumerate(self.bloc)
                                   if b == CHIP_BLOC and not self.is_model[j]], dtype=np.int64)
        floor = self.c["open_weight_talent_floor"]
        self.quality_scale = np.where(self.is_open, (floor + (1.0 - floor) * self.talent)[:, None],
                                      1.0)
        self.restricted_until = np.zeros((S, V), dtype=np.int64)
        self.incident_factor = np.ones(V)
        self.failure_pending = False
        self.chip_shortage_until = 0
        self.chip_shortage_factor = 1.0
        self.known = np.zeros((S, V), dtype=bool)
        self.estimate = np.zeros((S, V))
        self.vendors = {k: VendorAgent(self, j) for j, k in enumerate(self.vendor_keys)
                        if not self.is_national[j]}

    def _setup_workflows(self) -> None:
        rng, c = self.streams["setup"], self.c
        S, V = self.n_states, self.n_vendors
        self.owner = np.repeat(np.arange(S), self.n_workflows)
        N = len(self.owner)
        self.high_stakes = rng.random(N) < c["high_stakes_share"]
        self.stakes = np.where(self.high_stakes, c["high_stakes_weight"], 1.0)
        need = self.u["language_need"]
        self.language_need = rng.beta(4.0 * need, 4.0 * (1.0 - need), N)
        shares = np.array([x.initial_share for x in self.archetypes])
        model_p = np.where(self.is_model, shares, 0) / shares[self.is_model].sum()
        compute_p = np.where(~self.is_model, shares, 0) / shares[~self.is_model].sum()
        # row 0: model layer, row 1: compute layer
        self.supplier = np.array((rng.choice(V, size=N, p=model_p),
                                  rng.choice(V, size=N, p=compute_p)))
        self.depth = np.array((rng.uniform(0.0, c["initial_lockin_max"], N),
                               rng.uniform(0.0, c["initial_lockin_max"], N)))
        term = self.lever["contract_term"][self.owner]
        self.contract_left = np.floor(rng.random(N) * term).astype(np.int64) + 1
        self.outage_left = np.zeros(N, dtype=np.int64)
        # language fit of every workflow with every model supplier (1 for compute)
        self.nobody = np.zeros(N, dtype=bool)
        self.nobody_barred = np.zeros((N, V), dtype=bool)
        self.any_cap = bool((self.lever["diversification_cap"] < 1.0).any())
        self.any_required = bool(self.lever["require_evaluation"].any())
        self.fit_cell = np.arange(N) * V  # flat index base into the (N, V) fit matrix
        self.owner_matrix = (self.owner == np.arange(S)[:, None]).astype(float)
        self.fit = 1.0 - self.language_need[:, None] * (1.0 - self.language_fit)
        self.premium = self.lever["ours_premium"][:, None] * self.is_national
        self.stakes_total = np.bincount(self.owner, self.stakes, minlength=S)
        self.high_total = np.bincount(self.owner, self.high_stakes, minlength=S)
        ref_unit = 2.0 * (1.0 + self.u["base_markup"] * 1.2)  # frontier A + cloud A at t=0
        self.volume = c["service_budget_share"] * self.budget / (self.n_workflows * ref_unit)
        self.reference_price = self.volume * 2.0  # USD m per workflow-quarter at unit cost
        self.own_demand = self.n_workflows * self.reference_price  # USD m / quarter
        self.owner_both = np.concatenate([self.owner, self.owner + S])
        self.owner_cell = self.owner * V  # flat (state, supplier) index base
        self.volume_w = self.volume[self.owner]
        self.stakes_both = np.concatenate([self.stakes, self.stakes])
        self._update_shares()
        self.own_size = bargaining.demand_effect(self.own_demand, self.u["demand_half_saturation"])

    def _setup_body(self) -> None:
        S = self.n_states
        self.pool_eval_stock = 0.0
        self.pool_proc_stock = 0.0
        self.pooled_tested = 0
        self.body = RegionalBodyAgent(self)
        self._cohesion = cohesion.cohesion(self.trust, self.member)
        self._update_standards()
        self.q_true = self.true_quality()
        self.unavailable_now = self.unavailable()
        self.beta = np.zeros((S, 2))
        self.beta_own = np.zeros((S, 2))
        self.spend_now = np.zeros(S)
        self.switch_paid = np.zeros(S)
        self.contribution = np.zeros(S)
        self.arrangements = int(self.body_lever["pooled_evaluation"]) + int(
            self.body_lever["joint_procurement"])
        self.nm_cost = np.zeros(S)
        self.incident = np.zeros(len(self.owner), dtype=bool)

    # ---------------------------------------------------------------- derived quantities
    @property
    def eval_stock(self) -> np.ndarray:
        """Own evaluation capacity stock per state (US$ m)."""
        return self.stocks[0]

    @property
    def proc_stock(self) -> np.ndarray:
        """Procurement capacity stock per state (US$ m)."""
        return self.stocks[1]

    @property
    def compute_stock(self) -> np.ndarray:
        """Domestic compute stock per state (US$ m)."""
        return self.stocks[2]

    @property
    def model_v(self) -> np.ndarray:
        """Each workflow's model supplier (column index; a view)."""
        return self.supplier[0]

    @property
    def compute_v(self) -> np.ndarray:
        """Each workflow's compute supplier (column index; a view)."""
        return self.supplier[1]

    @property
    def cohesion(self) -> float:
        """Mean trust of the regional body's members, as of the last update."""
        return self._cohesion

    @property
    def members(self) -> int:
        return int(self.member.sum())

    @property
    def pooled_evaluation_capacity(self) -> float:
        return float(evaluation.capacity(self.pool_eval_stock, self.u["evaluation_half_capacity"]))

    def true_quality(self) -> np.ndarray:
        """(S, V): true model quality for each state (open weights depend on talent; the
        national column is the state's own programme)."""
        q = self.quality * self.quality_scale
        q[:, self.national_col] = self.nm_quality
        return q

    def unavailable(self) -> np.ndarray:
        """(S, V): suppliers that cannot serve a state this quarter (restricted, exited, or
        the state's own national model not yet released)."""
        blocked = supply.expire(self.restricted_until, self.steps)
        blocked |= ~self.active
        # no workflow can sit on an unreleased national model, so only this can cut one off
        self.supply_disrupted = bool(blocked.any())
        blocked[:, self.national_col] |= self.nm_age < self.c["national_model_build_quarters"]
        return blocked

    def _update_standards(self) -> None:
        """Effective interoperability standards: own adoption, or the body's shared standard
        scaled by cohesion for members, whichever is higher."""
        level = self.body_lever["shared_standards"]
        if level == 0.0:  # no shared standard: own adoption, which never changes
            self.std = self.lever["interop_standards"]
            return
        shared = level * self._cohesion
        self.std = np.maximum(self.lever["interop_standards"], np.where(self.member, shared, 0.0))

    def effective_evaluation(self) -> np.ndarray:
        """Testing capacity per state: own, or the pool's scaled by cohesion for members."""
        own = self.capacities[0]
        if not self.body_lever["pooled_evaluation"]:
            return own
        pooled = self.pooled_evaluation_capacity * self._cohesion
        return np.maximum(own, np.where(self.member, pooled, 0.0))

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One quarter: world, regional body, states, suppliers, accounting, metrics."""
        self._world()
        self.body.step()
        StateAgent.step_all(self)
        VendorAgent.step_all(self)
        self._account()
        self._record()
        if self.steps >= self.horizon:
            self.running = False

    def run(self) -> None:
        """Run to the horizon."""
        while self.steps < self.horizon:
            self.step()

    # -- world: technology progress and events
    def _world(self) -> None:
        u, t = self.u, self.steps
        self.quality = self.quality + u["frontier_quality_growth"] * self.progress * (
            1.0 - self.quality)
        self.unit_cost = self.unit_cost * (1.0 - u["compute_cost_decline"])
        if self.failure_pending:
            self.incident_factor[:] = 1.0
            self.failure_pending = False
        rng = self.streams["events"]
        draws, targets = rng.random(2), rng.random((2, self.n_states))
        for b, bloc in enumerate(("A", "B")):
            if draws[b] < u["restriction_rate"]:
                hit = tuple(self.iso3[k] for k in np.flatnonzero(targets[b] < 0.5))
                if hit:
                    self.apply_event(Event(t, "export_control", hit,
                                           {"bloc": bloc, "duration": u["restriction_duration"]}),
                                     origin="random")
        while self._pending_events and self._pending_events[0].step <= t:
            event = self._pending_events.pop(0)
            self.apply_event(event, origin="live" if event in self.live_events else "scenario")
        if self.restricted_until.max() > t:  # any restriction in force
            chip_blocked = self.restricted_until[:, self.chip_cols].max(axis=1) > t
            access = np.where(chip_blocked, self.c["restricted_chip_access"], 1.0)
        else:
            access = self.full_chip_access
        if t < self.chip_shortage_until:
            access = np.minimum(access, self.c["shortage_chip_access"])
        self.chip_access = access
        self.q_true = self.true_quality()

    def inject(self, kind: str, targets: tuple[str, ...] | list[str] = ("all",),
               **params: Any) -> Event:
        """Schedule an event for the next quarter (a facilitator's live button).

        It is validated like a scenario event, fires at the start of the next step and
        enters the event log (origin "live"); :attr:`live_events` keeps it for export.
        """
        event = Event(self.steps + 1, kind, tuple(targets), dict(params))
        check_event(event, self.iso3, self.horizon, "event")
        self._pending_events.append(event)
        self._pending_events.sort(key=lambda e: e.step)
        self.live_events.append(event)
        return event

    def apply_event(self, event: Event, origin: str) -> None:
        """Change the world as ``event`` says (see docs/ODD.md, "Events")."""
        t = self.steps
        rows = np.arange(self.n_states) if tuple(event.targets) == ("all",) else np.array(
            [self.iso3.index(x) for x in event.targets], dtype=np.int64)
        kind = event.kind
        if kind in ("export_control", "vendor_cutoff"):
            duration = int(event.param("duration"))
            until = self.horizon + 1 if duration == 0 else t + duration
            if kind == "export_control":
                layer = event.param("layer")
                cols = [j for j, b in enumerate(self.bloc) if b == event.param("bloc") and (
                    layer == "both" or (layer == "model") == bool(self.is_model[j]))]
            else:
                cols = [self.vendor_keys.index(event.param("vendor"))]
            block = np.ix_(rows, cols)
            self.restricted_until[block] = np.maximum(self.restricted_until[block], until)
        elif kind == "price_shock":
            vendor = event.param("vendor")
            cols = [self.vendor_keys.index(vendor)] if vendor else [
                j for j, b in enumerate(self.bloc) if b == event.param("bloc")]
            self.unit_cost[cols] *= float(event.param("factor"))
        elif kind == "supplier_exit":
            j = self.vendor_keys.index(event.param("vendor"))
            self.active[j] = False
            agent = self.vendors.pop(self.vendor_keys[j], None)
            if agent is not None:
                agent.remove()
        elif kind == "model_failure":
            self.incident_factor[self.vendor_keys.index(event.param("vendor"))] = float(
                event.param("factor"))
            self.failure_pending = True  # the factor applies to this quarter only
        elif kind == "chip_shortage":
            self.chip_shortage_until = t + int(event.param("duration"))
            self.chip_shortage_factor = float(event.param("factor"))
        elif kind == "regional_summit":
            boost = float(event.param("trust_boost"))
            self.trust = np.where(self.member, np.minimum(self.trust + boost, 1.0), self.trust)
            self._cohesion = cohesion.cohesion(self.trust, self.member)
        elif kind == "political_shift":
            self.rhetoric[rows] = float(event.param("rhetoric"))
        self.event_log.append({"step": t, "origin": origin, **event.to_dict()})

    # -- regional body (called from RegionalBodyAgent.step)
    def body_phase(self) -> None:
        """Contributions, pooled capacities, pooled evaluation (M3), trust and exits (M7)."""
        u, c, lev = self.u, self.c, self.body_lever
        S, V = self.n_states, self.n_vendors
        # fixed-shape draws every quarter keep the streams aligned across scenarios
        shocks = self.streams["cohesion"].normal(0.0, c["trust_noise"], S)
        ev = self.streams["evaluation"]
        # this quarter's evaluation draws: row 0 pooled testing, row 1 new releases, rows 2..
        # states' own testing (one call each keeps the stream cheap and aligned)
        self.ev_uniform, self.ev_normal = ev.random((S + 2, V)), ev.normal(size=(S + 1, V))
        ev_draws, ev_noise = self.ev_uniform[0], self.ev_normal[0]
        arrangements = self.arrangements
        if arrangements:
            share = np.where(self.member, self.lever["regional_contribution_share"], 0.0)
            self.contribution = share * self.budget
        total = float(self.contribution.sum()) if arrangements else 0.0
        eval_part = total * lev["pooled_evaluation"] / max(arrangements, 1)
        depreciation = u["capacity_depreciation"]
        self.pool_eval_stock = self.pool_eval_stock * (1 - depreciation) + eval_part
        self.pool_proc_stock = self.pool_proc_stock * (1 - depreciation) + total - eval_part
        gains = np.zeros(S)
        self.pooled_tested = 0
        if lev["pooled_evaluation"] and self.member.any():
            cap = self.pooled_evaluation_capacity * self._cohesion
            evaluable = self.is_model & self.active & ~self.is_national
            tested = (ev_draws < cap) & evaluable
            fresh = self.q_true + ev_noise * evaluation.EVALUATION_NOISE * (1.0 - cap)
            shared = self.member[:, None] & tested
            self.known |= shared
            self.estimate = np.where(shared, fresh, self.estimate)
            self.pooled_tested = int(tested.sum())
            gains += self.pooled_tested / max(int(evaluable.sum()), 1)
        if lev["joint_procurement"]:
            gains += (self.beta - self.beta_own).mean(axis=1) / u["max_bargaining_power"]
        if arrangements and self.member.any():
            free = self.member & (share < 0.5 * share[self.member].mean())
            free_riding = free.sum() / self.member.sum()
        else:
            free_riding = 0.0
        self.trust = cohesion.update_trust(self.trust, self.member, gains, self.rhetoric,
                                           free_riding, u["cohesion_sensitivity"], shocks)
        leaving = cohesion.exits(self.trust, self.member, c["trust_exit_threshold"])
        if leaving.any():
            for k in np.flatnonzero(leaving):
                self.event_log.append({"step": self.steps, "origin": "model",
                                       "kind": "member_exit", "targets": [self.iso3[k]]})
            self.member = self.member & ~leaving
        self._cohesion = cohesion.cohesion(self.trust, self.member)
        self._update_standards()

    # -- states (called from StateAgent.step_all)
    def state_phase(self) -> None:
        u = self.u
        S = self.n_states
        depreciation = u["capacity_depreciation"]
        # investments in capacity stocks (compute investment needs chips)
        investment = self.investment
        if self.invests_in_compute:
            investment = investment.copy()
            investment[2] *= self.chip_access
        self.stocks = evaluation.accumulate(self.stocks, investment, depreciation)
        self.capacities = evaluation.capacity(self.stocks, self.half_capacity)
        # M5 national model programme (skipped outright when no state wants one)
        if self.any_national:
            self._national_programmes()
        # M2 own evaluation; new releases make earlier evaluations stale
        stale = self.ev_uniform[1] < u["evaluation_staleness"]
        draws, noise = self.ev_uniform[2:], self.ev_normal[1:]
        self.known &= ~(stale & self.releases)
        self.unavailable_now = unavailable = self.unavailable()
        evaluable = self.is_model & ~unavailable
        self.known, self.estimate, _ = evaluation.evaluate(
            self.known, self.estimate, self.capacities[0], self.q_true, draws, noise, evaluable)
        # M6 forced migrations, then renewals (M1, M2, M4, M8)
        self.switch_paid = np.zeros(S)
        self.outage_left = np.maximum(self.outage_left - 1, 0)
        forced = supply.cut_off(self.cell, unavailable) if self.supply_disrupted else \
            self.nobody
        self.contract_left -= 1
        due = forced | (self.contract_left <= 0)
        if due.any():
            self._renew(np.flatnonzero(due), forced[due], unavailable)
        self._update_shares()
        # M1 lock-in deepens on every workflow (switchers start again from 0)
        self.depth = lockin.deepen(self.depth, u["lockin_growth"])

    def _national_programmes(self) -> None:
        """M5: launch affordable programmes, age them, release and train national models."""
        u, c = self.u, self.c
        build = c["national_model_build_quarters"]
        launching = self.wants_national & (self.nm_age < 0)
        self.nm_age = np.where(self.nm_age >= 0, self.nm_age + 1, np.where(launching, 0, -1))
        released = self.nm_age >= build
        if released.any():
            newly = self.nm_age == build
            compute_cap = self.capacities[2]
            learned = nmp.learn(self.nm_quality, c["national_model_ceiling"] * self.quality[0],
                                u["national_model_learning_rate"], self.talent,
                                self.chip_access, compute_cap)
            self.nm_quality = np.where(newly, NATIONAL_PROGRAMME.quality,
                                       np.where(released, learned, self.nm_quality))
            self.q_true[:, self.national_col] = self.nm_quality
            for k in np.flatnonzero(newly):
                self.vendors[f"national_{self.iso3[k]}"] = VendorAgent(self, self.national_col,
                                                                       state=k)
        self.nm_cost = nmp.quarterly_cost(self.nm_age, u["national_model_capex"],
                                          u["national_model_opex"], build)

    def _renew(self, idx: np.ndarray, forced: np.ndarray, unavailable: np.ndarray) -> None:
        """Tender every workflow in ``idx`` (both layers); pay switching costs; set outages
        for workflows forced off an unavailable supplier (M6)."""
        u, c, lev = self.u, self.c, self.lever
        s = self.owner[idx]
        n = len(idx)
        high = self.high_stakes[idx]
        current = self.supplier[:, idx]
        depth = self.depth[:, idx]
        exposure = lockin.exposure(depth, self.portability[current], self.std[s],
                                   u["standards_effect"])
        cost_to_leave = lockin.switching_cost(exposure, 4 * self.price[s, current],
                                              u["switching_cost_max"])
        term = lev["contract_term"][s]
        penalty = c["price_weight"] * cost_to_leave / (self.reference_price[s] * term)
        perceived = evaluation.perceived(self.known, self.estimate,
                                         np.minimum(self.q_true + self.hype, 1.0))
        reliability = np.where(self.known, self.reliability, self.claimed_reliability)
        noise = self.streams["procurement"].gumbel(size=(n, self.n_vendors))
        utility = procurement.score(perceived[s] * self.fit[idx], reliability[s], high,
                                    self.relative_price[s], self.premium[s],
                                    c["procurement_noise"] * noise, c["price_weight"])
        utility = procurement.charge_switching(utility, self.is_model, current, penalty)
        barred = self.nobody_barred[:n]
        if self.any_cap:
            barred = diversification.over_cap(self.shares, lev["diversification_cap"])[s]
        if self.any_required:
            barred = barred | ((lev["require_evaluation"][s] & high)[:, None] & ~self.known[s]
                               & self.is_model)
        disrupted = self.supply_disrupted
        winner = procurement.choose(utility, ~unavailable[s], barred, self.layers, current,
                                    complete=not (disrupted or self.any_cap or self.any_required))
        moved = winner != current
        self.switch_paid = np.bincount(s, (cost_to_leave * moved).sum(0), minlength=self.n_states)
        self.supplier[:, idx] = winner
        self.depth[:, idx] = np.where(moved, 0.0, depth)
        if not disrupted:  # nobody was forced off, so no outages and no stranded contracts
            self.contract_left[idx] = term
            return
        lost = unavailable[s[None, :], current]
        quarters = lockin.migration_quarters(exposure, u["migration_max_quarters"])
        # forced off with nowhere to go: unserved, and tendered again next quarter
        migration = (np.where(moved, quarters, 1) * lost).max(axis=0)
        self.outage_left[idx] = np.maximum(self.outage_left[idx], migration)
        stuck = (lost & ~moved).any(axis=0)
        self.contract_left[idx] = np.where(stuck, 1, term)

    def _update_shares(self) -> None:
        """Stakes-weighted supplier shares per state, (S, V): each layer's columns sum to 1."""
        S, V = self.n_states, self.n_vendors
        self.cell = self.owner_cell + self.supplier  # (2, N) flat index into (S, V) arrays
        both = np.bincount(self.cell.ravel(), self.stakes_both, minlength=S * V)
        self.shares = both.reshape(S, V) / self.stakes_total[:, None]

    # -- suppliers (called from VendorAgent.step_all)
    def _price_quotes(self) -> None:
        """M4: bargaining power per state and layer, then prices (S, V) for this quarter."""
        u, S = self.u, self.n_states
        unavailable = self.unavailable_now
        credible = np.where(self.known, 1.0, 0.5) * ~unavailable
        exposure = lockin.exposure(self.depth, self.portability[self.supplier],
                                   self.std[self.owner], u["standards_effect"])
        ratio = np.bincount(self.owner_both, exposure.ravel(), minlength=2 * S).reshape(2, S).T
        ratio *= u["switching_cost_max"] / self.n_workflows[:, None]
        alternatives = np.add.reduceat(credible, self.layer_starts, axis=1) - 1.0
        outside = bargaining.outside_options(alternatives, ratio)
        evaluation_cap = self.effective_evaluation()[:, None]
        proc = self.capacities[1]
        size = self.own_size
        self.beta_own = bargaining.bargaining_power(outside, size[:, None], evaluation_cap,
                                                    proc[:, None], u["max_bargaining_power"])
        if self.body_lever["joint_procurement"] and self.member.any():
            coh = self._cohesion
            bloc_size = bargaining.demand_effect(coh * self.own_demand[self.member].sum(),
                                                 u["demand_half_saturation"])
            body_proc = evaluation.capacity(self.pool_proc_stock,
                                            u["evaluation_half_capacity"]) * coh
            size = np.where(self.member, np.maximum(size, bloc_size), size)
            proc = np.where(self.member, np.maximum(proc, body_proc), proc)
            self.beta = bargaining.bargaining_power(outside, size[:, None], evaluation_cap,
                                                    proc[:, None], u["max_bargaining_power"])
        else:
            self.beta = self.beta_own
        beta_by_vendor = np.where(self.is_model, self.beta[:, :1], self.beta[:, 1:])
        self.markup = bargaining.markup(u["base_markup"], self.markup_factor, beta_by_vendor)
        cost = self.unit_cost
        if self.steps < self.chip_shortage_until:
            cost = np.where(self.is_model, cost, cost * self.chip_shortage_factor)
        self.effective_unit_cost = cost
        self.price = self.volume[:, None] * cost * (1.0 + self.markup)
        self.relative_price = self.price / self.reference_price[:, None]
        self.switching_ratio_by_layer = ratio

    # -- accounting and incidents (M9)
    def _account(self) -> None:
        u = self.u
        mv, cv = self.supplier
        served = self.outage_left == 0
        draws = self.streams["incidents"].random(len(mv))
        evaluated = self.known.ravel().take(self.cell[0])
        chain_reliability = self.reliability.take(mv) * self.reliability.take(cv)
        p = incidents.probability(u["incident_base_rate"], chain_reliability, evaluated,
                                  u["unevaluated_risk_multiplier"],
                                  u["evaluation_effectiveness"]) * self.incident_factor.take(mv)
        self.incident = served & self.high_stakes & (draws < p)
        # migrating workflows pay their new supplier from signature; stranded ones pay nobody
        billed = ~supply.cut_off(self.cell, self.unavailable_now) if self.supply_disrupted \
            else ~self.nobody
        self._tally(served, billed, evaluated)
        self.spend_now = (self.service_spend + self.invest_total + self.contribution
                          + self.nm_cost + self.switch_paid)
        self.cumulative_cost = self.cumulative_cost + self.spend_now
        self.outage_quarters += 1.0 - self.served_count / self.n_workflows

    def _tally(self, served: np.ndarray, billed: np.ndarray, evaluated: np.ndarray) -> None:
        """Per-state sums of this quarter's workflow quantities, in one matrix product:
        service spend, spend at unit cost, workflows served, public value, incidents,
        evaluated high-stakes workflows."""
        mv, cv = self.supplier
        cell_m, cell_c = self.cell
        price = self.price.ravel().take(cell_m) + self.price.ravel().take(cell_c)
        cost = self.effective_unit_cost
        unit = self.volume_w * (cost.take(mv) + cost.take(cv))
        value = self.stakes * self.q_true.ravel().take(cell_m) * self.fit.ravel().take(
            self.fit_cell + mv)
        evaluated = evaluated & self.high_stakes
        sums = self.owner_matrix @ np.array(
            (price * billed, unit * billed, served, value * (served & ~self.incident),
             self.incident, evaluated)).T
        (self.service_spend, self.unit_spend, self.served_count, value_sum,
         self.incident_count, evaluated_count) = sums.T
        self.public_value = value_sum / self.stakes_total
        self.evaluated_share = evaluated_count / np.maximum(self.high_total, 1)

    # ---------------------------------------------------------------- metrics
    def _record(self) -> None:
        """Compute this step's outcomes (docs/ODD.md, "Outcomes") into the metric arrays."""
        t, c = self.steps, self.c
        shares = self.shares
        beta = 0.5 * (self.beta[:, 0] + self.beta[:, 1])
        ratio = 0.5 * (self.switching_ratio_by_layer[:, 0] + self.switching_ratio_by_layer[:, 1])
        unit = self.unit_spend
        compute_owned = self.capacities[2]
        maturity = np.where(self.nm_age >= c["national_model_build_quarters"],
                            self.nm_quality / self.quality[0], 0.0) if self.any_national else 0.0
        self.state_metrics[t] = np.array((  # same order as STATE_OUTCOMES
            5000.0 * (shares * shares).sum(1),  # supplier_hhi
            0.5 * (shares @ self.external),  # external_share
            shares.max(1),  # largest_supplier_share
            beta,  # bargaining_power
            np.where(unit > 0, self.service_spend / np.maximum(unit, 1e-12) - 1.0, 0.0),
            self.spend_now,
            self.cumulative_cost,
            self.spend_now / np.maximum(self.served_count, 1),  # cost_per_workflow
            self.evaluated_share,
            ratio,  # switching_cost_ratio
            (self.evaluated_share + beta + 1.0 / (1.0 + ratio)) / 3.0,  # control_index
            (shares[:, self.national_col] + compute_owned + maturity) / 3.0,  # possession
            self.served_count / self.n_workflows,  # service_continuity
            self.outage_quarters,
            self.incident_count,
            self.public_value,
            self.trust,
            self.member,
        )).T
        self.region_metrics[t] = (self._cohesion, self.member.sum(),
                                  self.pooled_evaluation_capacity)
        if self.datacollector is not None:
            self.datacollector.collect(self)

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
        return self.state_metrics[self.steps, :, STATE_INDEX[name]]

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

__all__ = ["SovereigntyModel", "SpecError"]
