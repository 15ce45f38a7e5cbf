"""The sovsim model: states, suppliers and a regional body on Mesa.

State is held in numpy arrays indexed by state, supplier and workflow; the Mesa agents are
views onto them (see :mod:`model.agents`). Each agent type's phase calls the mechanism
functions (M1-M9) on whole arrays, so all states act simultaneously within a phase and the
result does not depend on any activation order.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from . import bargaining, cohesion, diversification, evaluation, incidents, lockin
from . import national_programme as nmp
from . import supply
from .agents import RegionalBodyAgent, StateAgent, VendorAgent
from .events import Event
from .parameters import (CONSTANT_VALUES, PARAMETERS, REGION_OUTCOMES, STATE_OUTCOMES)
from .procurement import Tender, choose, utility
from .spec import ScenarioSpec, SpecError
from .streams import make_streams, root_sequence
from .vendors import ARCHETYPES, CHIP_BLOC, NATIONAL_PROGRAMME, OPEN_BLOC, REGIONAL_BLOC

STATE_INDEX = {o.name: k for k, o in enumerate(STATE_OUTCOMES)}
REGION_INDEX = {o.name: k for k, o in enumerate(REGION_OUTCOMES)}
GUMBEL = "gumbel"


class SovereigntyModel(mesa.Model):
    """Regional AI interdependence: who supplies, who tests, who bargains, who owns.

    Args:
        spec: the resolved scenario (default: ASEAN-11, all defaults).
        rng: seed for every random stream (default: ``spec.seed``).
        collect: also record outcomes in a Mesa ``DataCollector`` (``self.datacollector``).
            The tidy outcome arrays behind :meth:`results` are always kept.
        **values: lever or uncertainty values applied on top of ``spec`` for all states
            (so ``mesa.batch_run`` can sweep them as keyword arguments).
    """

    def __init__(self, spec: ScenarioSpec | None = None, *, rng: Any = None,
                 collect: bool = True, **values: Any) -> None:
        spec = spec or ScenarioSpec()
        if values:
            spec = spec.with_values(**values)
            ScenarioSpec.__post_init__(spec)  # validate the new values
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
        self._setup_states()
        self._setup_vendors()
        self._setup_workflows()
        self._setup_body()
        self.state_metrics = np.zeros((self.horizon + 1, self.n_states, len(STATE_OUTCOMES)))
        self.region_metrics = np.zeros((self.horizon + 1, len(REGION_OUTCOMES)))
        self._price_quotes()
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
        gdp_bn = self.gdp / 1e9
        self.n_workflows = np.clip(np.round(
            c["workflows_base"] + c["workflows_scale"] * self.readiness * np.log10(1 + gdp_bn)),
            1, None).astype(np.int64)
        self.talent = self.readiness.copy()
        half = self.u["evaluation_half_capacity"]
        has_body = np.array([bool(s.eval_body) for s in data])
        self.eval_stock = half * (0.2 * self.readiness + 1.0 * has_body)
        self.proc_stock = half * 0.5 * self.readiness
        self.compute_stock = np.array([s.datacenter_mw for s in data]) * c["datacenter_mw_value"]
        self.chip_access = np.ones(S)
        self.trust = np.where(self.lever["member"], c["initial_trust"], 0.0)
        self.member = self.lever["member"].copy()
        self.cumulative_cost = np.zeros(S)
        self.outage_quarters = np.zeros(S)
        self.nm_age = np.full(S, -1, dtype=np.int64)
        self.nm_quality = np.zeros(S)
        self.states = [StateAgent(self, k) for k in range(S)]

    def _setup_vendors(self) -> None:
        S = self.n_states
        self.archetypes = list(ARCHETYPES) + [NATIONAL_PROGRAMME] * S
        self.n_vendors = V = len(self.archetypes)
        self.national_index = np.arange(len(ARCHETYPES), V)
        a = self.archetypes
        self.vendor_keys = [x.key for x in ARCHETYPES] + [f"national_{i}" for i in self.iso3]
        self.bloc = [x.bloc for x in ARCHETYPES] + list(self.iso3)
        self.is_model = np.array([x.layer == "model" for x in a])
        self.quality = np.array([x.quality for x in a])
        self.hype = np.array([x.hype for x in a])
        self.unit_cost = np.array([x.unit_cost for x in a])
        self.reliability = np.array([x.reliability for x in a])
        self.claimed_reliability = np.array([x.claimed_reliability for x in a])
        self.portability = np.array([x.portability for x in a])
        self.language_fit = np.array([x.language_fit for x in a])
        self.markup_factor = np.array([x.markup_factor for x in a])
        self.progress = np.array([x.progress_factor for x in a])
        self.active = np.ones(V, dtype=bool)
        self.active[self.national_index] = False
        self.is_open = np.array([b == OPEN_BLOC for b in self.bloc])
        self.is_national = np.zeros(V, dtype=bool)
        self.is_national[self.national_index] = True
        self.own_national = np.zeros((S, V), dtype=bool)
        self.own_national[np.arange(S), self.national_index] = True
        foreign = np.array([b not in (REGIONAL_BLOC,) for b in self.bloc])
        self.external = foreign[None, :] & ~self.own_national & ~(
            self.is_national[None, :])
        self.restricted_until = np.zeros((S, V), dtype=np.int64)
        self.incident_factor = np.ones(V)
        self.chip_shortage_until = 0
        self.chip_shortage_factor = 1.0
        self.known = np.zeros((S, V), dtype=bool)
        self.estimate = np.zeros((S, V))
        self.vendors = {k: VendorAgent(self, j) for j, k in enumerate(self.vendor_keys)
                        if self.active[j]}

    def _setup_workflows(self) -> None:
        rng, c = self.streams["setup"], self.c
        S, V = self.n_states, self.n_vendors
        self.owner = np.repeat(np.arange(S), self.n_workflows)
        N = len(self.owner)
        self.high_stakes = rng.random(N) < c["high_stakes_share"]
        self.stakes = np.where(self.high_stakes, c["high_stakes_weight"], 1.0)
        self.language_need = rng.beta(2.0, 2.0, N)
        shares = np.array([x.initial_share for x in self.archetypes])
        model_p = np.where(self.is_model, shares, 0) / shares[self.is_model].sum()
        compute_p = np.where(~self.is_model, shares, 0) / shares[~self.is_model].sum()
        self.model_v = rng.choice(V, size=N, p=model_p)
        self.compute_v = rng.choice(V, size=N, p=compute_p)
        self.depth_model = rng.uniform(0.0, 0.8, N)
        self.depth_compute = rng.uniform(0.0, 0.8, N)
        term = self.lever["contract_term"][self.owner]
        self.contract_left = np.floor(rng.random(N) * term).astype(np.int64) + 1
        self.outage_left = np.zeros(N, dtype=np.int64)
        self.stakes_total = np.bincount(self.owner, self.stakes, minlength=S)
        self.high_total = np.bincount(self.owner, self.high_stakes, minlength=S)
        ref_unit = 2.0 * (1.0 + self.u["base_markup"] * 1.2)  # frontier A + cloud A at t=0
        self.volume = c["service_budget_share"] * self.budget / (self.n_workflows * ref_unit)
        self.reference_price = self.volume * 2.0  # USD m per workflow-quarter at unit cost
        self.own_demand = self.n_workflows * self.reference_price  # USD m / quarter

    def _setup_body(self) -> None:
        self.pool_eval_stock = 0.0
        self.pool_proc_stock = 0.0
        self.body_gains = np.zeros(self.n_states)
        self.body = RegionalBodyAgent(self)
        self.beta = np.zeros((self.n_states, 2))
        self.beta_own = np.zeros((self.n_states, 2))
        self.spend_now = np.zeros(self.n_states)
        self.switch_paid = np.zeros(self.n_states)

    # ---------------------------------------------------------------- derived quantities
    @property
    def cohesion(self) -> float:
        return cohesion.cohesion(self.trust, self.member)

    @property
    def members(self) -> int:
        return int(self.member.sum())

    @property
    def pooled_evaluation_capacity(self) -> float:
        return float(evaluation.capacity(self.pool_eval_stock, self.u["evaluation_half_capacity"]))

    def true_quality(self) -> np.ndarray:
        """(S, V): true model quality for each state (open weights depend on talent)."""
        q = np.broadcast_to(self.quality, (self.n_states, self.n_vendors)).copy()
        open_cols = self.is_open
        q[:, open_cols] *= (0.7 + 0.3 * self.talent)[:, None]
        q[:, self.national_index] = np.where(self.own_national[:, self.national_index],
                                             self.nm_quality[:, None], 0.0)
        return q

    def unavailable(self) -> np.ndarray:
        """(S, V): suppliers that cannot serve a state now."""
        blocked = supply.expire(self.restricted_until, self.steps + 1)
        return blocked | ~self.active[None, :] | (self.is_national[None, :] & ~self.own_national)

    def standards(self) -> np.ndarray:
        shared = self.body_lever["shared_standards"] * self.cohesion
        return np.maximum(self.lever["interop_standards"], np.where(self.member, shared, 0.0))

    def effective_evaluation(self) -> np.ndarray:
        own = evaluation.capacity(self.eval_stock, self.u["evaluation_half_capacity"])
        if not self.body_lever["pooled_evaluation"]:
            return own
        pooled = self.pooled_evaluation_capacity * self.cohesion
        return np.maximum(own, np.where(self.member, pooled, 0.0))

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One quarter: world, regional body, states, suppliers, metrics."""
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
        growth = u["frontier_quality_growth"] * self.progress
        self.quality = self.quality + growth * (1.0 - self.quality)
        self.unit_cost = self.unit_cost * (1.0 - u["compute_cost_decline"])
        self.incident_factor[:] = 1.0
        rng = self.streams["events"]
        draws, targets = rng.random(2), rng.random((2, self.n_states))
        for b, bloc in enumerate(("A", "B")):
            if draws[b] < u["restriction_rate"]:
                hit = [self.iso3[k] for k in np.flatnonzero(targets[b] < 0.5)]
                if hit:
                    self.apply_event(Event(t, "export_control", tuple(hit),
                                           {"bloc": bloc, "duration": u["restriction_duration"]}),
                                     origin="random")
        while self._pending_events and self._pending_events[0].step <= t:
            self.apply_event(self._pending_events.pop(0), origin="scenario")
        chip_blocked = np.zeros(self.n_states, dtype=bool)
        chip_cols = [j for j, b in enumerate(self.bloc) if b == CHIP_BLOC and not self.is_model[j]]
        if chip_cols:
            chip_blocked = (self.restricted_until[:, chip_cols] > t).any(axis=1)
        shortage = t < self.chip_shortage_until
        self.chip_access = np.where(chip_blocked, self.c["restricted_chip_access"], 1.0) * (
            self.c["restricted_chip_access"] ** 0.5 if shortage else 1.0)

    def inject(self, kind: str, targets: tuple[str, ...] = ("all",), **params: Any) -> Event:
        """Apply an event now (a facilitator's live button); it enters the event log."""
        event = Event(max(self.steps, 1), kind, tuple(targets), params)
        from .spec import check_event
        check_event(event, self.iso3, self.horizon, "event")
        self.apply_event(event, origin="live")
        return event

    def apply_event(self, event: Event, origin: str) -> None:
        """Change the world as ``event`` says (see docs/ODD.md, "Events")."""
        t = self.steps
        rows = np.arange(self.n_states) if tuple(event.targets) == ("all",) else np.array(
            [self.iso3.index(x) for x in event.targets], dtype=np.int64)
        kind = event.kind
        duration = int(event.param("duration")) if kind in (
            "export_control", "vendor_cutoff") else 0
        until = self.horizon + 1 if duration == 0 else t + duration
        if kind == "export_control":
            layer = event.param("layer")
            cols = [j for j, b in enumerate(self.bloc) if b == event.param("bloc") and (
                layer == "both" or (layer == "model") == bool(self.is_model[j]))]
            self.restricted_until[np.ix_(rows, cols)] = np.maximum(
                self.restricted_until[np.ix_(rows, cols)], until)
        elif kind == "vendor_cutoff":
            j = self.vendor_keys.index(event.param("vendor"))
            self.restricted_until[rows, j] = np.maximum(self.restricted_until[rows, j], until)
        elif kind == "price_shock":
            vendor = event.param("vendor")
            cols = [self.vendor_keys.index(vendor)] if vendor else [
                j for j, b in enumerate(self.bloc) if b == event.param("bloc")]
            self.unit_cost[cols] *= float(event.param("factor"))
        elif kind == "supplier_exit":
            j = self.vendor_keys.index(event.param("vendor"))
            self.active[j] = False
            self.vendors.pop(self.vendor_keys[j], None)
        elif kind == "model_failure":
            self.incident_factor[self.vendor_keys.index(event.param("vendor"))] = float(
                event.param("factor"))
        elif kind == "chip_shortage":
            self.chip_shortage_until = t + int(event.param("duration"))
            self.chip_shortage_factor = float(event.param("factor"))
        elif kind == "regional_summit":
            boost = float(event.param("trust_boost"))
            self.trust = np.where(self.member, np.minimum(self.trust + boost, 1.0), self.trust)
        elif kind == "political_shift":
            self.rhetoric[rows] = float(event.param("rhetoric"))
        self.event_log.append({"step": t, "origin": origin, **event.to_dict()})

    # -- regional body (called from RegionalBodyAgent.step)
    def body_phase(self) -> None:
        """Contributions, pooled capacities, pooled evaluation (M3), trust and exits (M7)."""
        u, c = self.u, self.c
        lev = self.body_lever
        arrangements = lev["pooled_evaluation"] + lev["joint_procurement"]
        rng = self.streams["cohesion"]
        shocks = rng.normal(0.0, c["trust_noise"], self.n_states)
        ev_draws = self.streams["evaluation"].random(self.n_vendors)
        ev_noise = self.streams["evaluation"].normal(size=self.n_vendors)
        if arrangements:
            share = np.where(self.member, self.lever["regional_contribution_share"], 0.0)
            self.contribution = share * self.budget
        else:
            share = np.zeros(self.n_states)
            self.contribution = np.zeros(self.n_states)
        total = self.contribution.sum()
        depreciation = u["capacity_depreciation"]
        eval_part = total * (lev["pooled_evaluation"] / max(arrangements, 1))
        self.pool_eval_stock = float(evaluation.accumulate(
            self.pool_eval_stock, eval_part, depreciation))
        self.pool_proc_stock = float(evaluation.accumulate(
            self.pool_proc_stock, total - eval_part, depreciation))
        gains = np.zeros(self.n_states)
        cohesion_now = self.cohesion
        if lev["pooled_evaluation"] and self.member.any():
            cap = self.pooled_evaluation_capacity * cohesion_now
            evaluable = self.is_model & self.active & ~self.is_national
            tested = (ev_draws < cap) & evaluable
            q_true = self.true_quality()
            fresh = q_true + ev_noise * evaluation.EVALUATION_NOISE * (1.0 - cap)
            shared = self.member[:, None] & tested[None, :]
            self.known |= shared
            self.estimate = np.where(shared, fresh, self.estimate)
            gains += np.where(self.member, tested.sum() / max(evaluable.sum(), 1), 0.0)
        if lev["joint_procurement"]:
            gains += np.where(self.member, (self.beta - self.beta_own).mean(axis=1)
                              / max(u["max_bargaining_power"], 1e-9), 0.0)
        mean_share = share[self.member].mean() if self.member.any() else 0.0
        free = self.member & (share < 0.5 * mean_share) if arrangements else np.zeros(
            self.n_states, dtype=bool)
        free_riding = free.sum() / max(self.member.sum(), 1)
        self.trust = cohesion.update_trust(self.trust, self.member, gains, self.rhetoric,
                                           free_riding, u["cohesion_sensitivity"], shocks)
        leaving = cohesion.exits(self.trust, self.member, c["trust_exit_threshold"])
        for k in np.flatnonzero(leaving):
            self.event_log.append({"step": self.steps, "origin": "model", "kind": "member_exit",
                                   "targets": [self.iso3[k]]})
        self.member = self.member & ~leaving

    # -- states (called from StateAgent.step_all)
    def state_phase(self) -> None:
        u, c = self.u, self.c
        S = self.n_states
        lev = self.lever
        depreciation = u["capacity_depreciation"]
        # investments
        self.eval_stock = evaluation.accumulate(self.eval_stock,
                                                lev["own_evaluation_share"] * self.budget,
                                                depreciation)
        self.proc_stock = evaluation.accumulate(self.proc_stock,
                                                lev["procurement_capacity_share"] * self.budget,
                                                depreciation)
        self.compute_stock = evaluation.accumulate(
            self.compute_stock, lev["domestic_compute_share"] * self.budget * self.chip_access,
            depreciation)
        # M5 national model programme
        wants = lev["national_model"] & (self.nm_age < 0) & nmp.affordable(
            u["national_model_capex"], 4 * self.budget, c["national_model_affordability"])
        self.nm_age = np.where(self.nm_age >= 0, self.nm_age + 1, np.where(wants, 0, -1))
        build = c["national_model_build_quarters"]
        released = self.nm_age >= build
        newly = self.nm_age == build
        ceiling = c["national_model_ceiling"] * self.quality[0]
        compute_cap = evaluation.capacity(self.compute_stock, c["compute_half_capacity"])
        self.nm_quality = np.where(newly, NATIONAL_PROGRAMME.quality, self.nm_quality)
        self.nm_quality = np.where(released & ~newly, nmp.learn(
            self.nm_quality, ceiling, u["national_model_learning_rate"], self.talent,
            self.chip_access, compute_cap), self.nm_quality)
        for k in np.flatnonzero(newly):
            j = self.national_index[k]
            self.active[j] = True
            self.vendors[self.vendor_keys[j]] = VendorAgent(self, j)
        self.nm_cost = nmp.quarterly_cost(self.nm_age, u["national_model_capex"],
                                          u["national_model_opex"], build)
        # M2 own evaluation (with staleness from new releases)
        ev = self.streams["evaluation"]
        release = (ev.random(self.n_vendors) < u["evaluation_staleness"]) & (self.progress > 0)
        release |= self.is_national & (ev.random(self.n_vendors) < u["evaluation_staleness"])
        self.known &= ~release[None, :]
        draws, noise = ev.random((S, self.n_vendors)), ev.normal(size=(S, self.n_vendors))
        q_true = self.true_quality()
        own_cap = evaluation.capacity(self.eval_stock, u["evaluation_half_capacity"])
        evaluable = self.is_model[None, :] & self.active[None, :] & ~(
            self.is_national[None, :] & ~self.own_national)
        self.known, self.estimate, _ = evaluation.evaluate(
            self.known, self.estimate, own_cap, q_true, draws, noise, evaluable)
        # M6 forced migrations, then renewals (M1, M2, M4, M8)
        unavailable = self.unavailable()
        self.switch_paid = np.zeros(S)
        self.outage_left = np.maximum(self.outage_left - 1, 0)
        forced = supply.cut_off(self.model_v, self.compute_v, self.owner, unavailable)
        self.contract_left -= 1
        due = forced | (self.contract_left <= 0)
        if due.any():
            self._renew(np.flatnonzero(due), forced[due], unavailable, q_true)
        # M1 lock-in deepens for kept suppliers (reset for those that switched, in _renew)
        self.depth_model = lockin.deepen(self.depth_model, u["lockin_growth"])
        self.depth_compute = lockin.deepen(self.depth_compute, u["lockin_growth"])

    def _renew(self, idx: np.ndarray, forced: np.ndarray, unavailable: np.ndarray,
               q_true: np.ndarray) -> None:
        u, c = self.u, self.c
        s = self.owner[idx]
        n, V = len(idx), self.n_vendors
        std = self.standards()
        perceived_q = evaluation.perceived(self.known, self.estimate,
                                           np.minimum(q_true + self.hype, 1.0))
        perceived_rel = np.where(self.known, self.reliability, self.claimed_reliability)
        model_shares, compute_shares = self.layer_shares()
        cap = self.lever["diversification_cap"]
        over = diversification.over_cap(model_shares + compute_shares, cap)
        require = self.lever["require_evaluation"][s] & self.high_stakes[idx]
        g = self.streams["procurement"].gumbel(size=(2, n, V)) * c["procurement_noise"]
        ref = self.reference_price[s][:, None]
        term = self.lever["contract_term"][s]
        premium = self.lever["ours_premium"][s][:, None] * self.own_national[s]
        changed_any = np.zeros(len(idx), dtype=bool)
        migration = np.zeros(len(idx), dtype=np.int64)
        for layer, (vendor_arr, depth_arr) in enumerate(
                ((self.model_v, self.depth_model), (self.compute_v, self.depth_compute))):
            current = vendor_arr[idx]
            in_layer = self.is_model if layer == 0 else ~self.is_model
            allowed = in_layer[None, :] & ~unavailable[s]
            exposure = lockin.exposure(depth_arr[idx], self.portability[current], std[s],
                                       u["standards_effect"])
            annual = 4 * self.price[s, current]
            cost_to_leave = lockin.switching_cost(exposure, annual, u["switching_cost_max"])
            penalty = c["price_weight"] * cost_to_leave / (self.reference_price[s] * term)
            if layer == 0:
                fit = 1.0 - self.language_need[idx][:, None] * (1.0 - self.language_fit[None, :])
                value = perceived_q[s] * fit
                barred = over[s] | (require[:, None] & ~self.known[s])
            else:
                value = np.zeros((n, V))
                barred = over[s]
            tender = Tender(allowed, value, perceived_rel[s], self.high_stakes[idx],
                            self.price[s] / ref, penalty, current,
                            premium if layer == 0 else np.zeros((n, V)), barred, g[layer])
            winner = choose(utility(tender, c["price_weight"]), current)
            moved = winner != current
            lost = unavailable[s, current]
            np.add.at(self.switch_paid, s[moved], cost_to_leave[moved])
            migration = np.maximum(migration, np.where(lost & moved, lockin.migration_quarters(
                exposure, u["migration_max_quarters"]), 0))
            migration = np.where(lost & ~moved, 1, migration)  # nowhere to go: retry next quarter
            vendor_arr[idx] = winner
            depth_arr[idx] = np.where(moved, 0.0, depth_arr[idx])
            changed_any |= moved
        self.outage_left[idx] = np.maximum(self.outage_left[idx], migration)
        self.contract_left[idx] = np.where(forced & ~changed_any, self.contract_left[idx],
                                           self.lever["contract_term"][s])
        self.contract_left[idx] = np.maximum(self.contract_left[idx], 1)

    def layer_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Stakes-weighted supplier shares per state, (S, V) for the model and compute layers."""
        S, V = self.n_states, self.n_vendors
        base = self.owner * V
        total = self.stakes_total[:, None]
        m = np.bincount(base + self.model_v, self.stakes, minlength=S * V).reshape(S, V)
        k = np.bincount(base + self.compute_v, self.stakes, minlength=S * V).reshape(S, V)
        return m / total, k / total

    # -- suppliers (called from VendorAgent.step_all)
    def _price_quotes(self) -> None:
        """M4: bargaining power per state and layer, then prices (S, V) for this quarter."""
        u = self.u
        S = self.n_states
        unavailable = self.unavailable()
        credible = np.where(self.known, 1.0, 0.5) * ~unavailable
        std = self.standards()
        ratio = np.zeros((S, 2))
        for layer, (vendor_arr, depth_arr) in enumerate(
                ((self.model_v, self.depth_model), (self.compute_v, self.depth_compute))):
            exposure = lockin.exposure(depth_arr, self.portability[vendor_arr], std[self.owner],
                                       u["standards_effect"])
            ratio[:, layer] = np.bincount(self.owner, exposure, minlength=S) / self.n_workflows
        ratio *= u["switching_cost_max"]
        alternatives = np.stack([credible[:, self.is_model].sum(1),
                                 credible[:, ~self.is_model].sum(1)], axis=1) - 1.0
        outside = bargaining.outside_options(alternatives, ratio)
        own_eval = self.effective_evaluation()
        proc = evaluation.capacity(self.proc_stock, u["evaluation_half_capacity"])
        size = bargaining.demand_effect(self.own_demand, u["demand_half_saturation"])
        self.beta_own = bargaining.bargaining_power(outside, size[:, None], own_eval[:, None],
                                                    proc[:, None], u["max_bargaining_power"])
        if self.body_lever["joint_procurement"] and self.member.any():
            coh = self.cohesion
            bloc_demand = coh * self.own_demand[self.member].sum()
            bloc_size = bargaining.demand_effect(bloc_demand, u["demand_half_saturation"])
            body_proc = evaluation.capacity(self.pool_proc_stock,
                                            u["evaluation_half_capacity"]) * coh
            size = np.where(self.member, np.maximum(size, bloc_size), size)
            proc = np.where(self.member, np.maximum(proc, body_proc), proc)
        self.beta = bargaining.bargaining_power(outside, size[:, None], own_eval[:, None],
                                                proc[:, None], u["max_bargaining_power"])
        beta_by_vendor = np.where(self.is_model[None, :], self.beta[:, :1], self.beta[:, 1:])
        self.markup = bargaining.markup(u["base_markup"], self.markup_factor, beta_by_vendor)
        cost = self.unit_cost.copy()
        if self.steps < self.chip_shortage_until:
            cost[~self.is_model] *= self.chip_shortage_factor
        self.effective_unit_cost = cost
        self.price = self.volume[:, None] * cost[None, :] * (1.0 + self.markup)
        self.switching_ratio_by_layer = ratio

    # -- accounting and incidents (M9)
    def _account(self) -> None:
        u, lev = self.u, self.lever
        S = self.n_states
        N = len(self.owner)
        served = self.outage_left == 0
        q_true = self.true_quality()
        draws = self.streams["incidents"].random(N)
        rel = self.reliability[self.model_v] * self.reliability[self.compute_v]
        evaluated = self.known[self.owner, self.model_v]
        p = incidents.probability(u["incident_base_rate"], rel, evaluated,
                                  u["unevaluated_risk_multiplier"],
                                  u["evaluation_effectiveness"]) * self.incident_factor[self.model_v]
        self.incident = served & self.high_stakes & (draws < p)
        service_price = self.price[self.owner, self.model_v] + self.price[self.owner, self.compute_v]
        unit = self.volume[self.owner] * (self.effective_unit_cost[self.model_v]
                                          + self.effective_unit_cost[self.compute_v])
        services = np.bincount(self.owner, service_price * served, minlength=S)
        self.unit_spend = np.bincount(self.owner, unit * served, minlength=S)
        self.service_spend = services
        investments = self.budget * (lev["own_evaluation_share"] + lev["procurement_capacity_share"]
                                     + lev["domestic_compute_share"])
        contribution = getattr(self, "contribution", np.zeros(S))
        self.spend_now = services + investments + contribution + self.nm_cost + self.switch_paid
        self.cumulative_cost = self.cumulative_cost + self.spend_now
        fit = 1.0 - self.language_need * (1.0 - self.language_fit[self.model_v])
        value = self.stakes * q_true[self.owner, self.model_v] * fit * served * ~self.incident
        self.public_value = np.bincount(self.owner, value, minlength=S) / self.stakes_total
        self.served_count = np.bincount(self.owner, served, minlength=S)
        self.outage_quarters += 1.0 - self.served_count / self.n_workflows

    # ---------------------------------------------------------------- metrics
    def _record(self) -> None:
        """Compute this step's outcomes (docs/ODD.md, "Outcomes") into the metric arrays."""
        t = self.steps
        S = self.n_states
        row = self.state_metrics[t]
        i = STATE_INDEX
        m, k = self.layer_shares()
        row[:, i["supplier_hhi"]] = 5000.0 * ((m ** 2).sum(1) + (k ** 2).sum(1))
        row[:, i["external_share"]] = 0.5 * ((m * self.external).sum(1)
                                             + (k * self.external).sum(1))
        row[:, i["largest_supplier_share"]] = np.maximum(m.max(1), k.max(1))
        beta = self.beta.mean(axis=1)
        row[:, i["bargaining_power"]] = beta
        if t == 0:
            self._account_initial()
        row[:, i["markup_paid"]] = np.where(self.unit_spend > 0, self.service_spend
                                            / np.maximum(self.unit_spend, 1e-12) - 1.0, 0.0)
        row[:, i["spend"]] = self.spend_now
        row[:, i["cumulative_cost"]] = self.cumulative_cost
        row[:, i["cost_per_workflow"]] = self.spend_now / np.maximum(self.served_count, 1)
        evaluated = self.known[self.owner, self.model_v] & self.high_stakes
        row[:, i["evaluated_share"]] = np.bincount(self.owner, evaluated, minlength=S) / \
            np.maximum(self.high_total, 1)
        ratio = self.switching_ratio_by_layer.mean(axis=1)
        row[:, i["switching_cost_ratio"]] = ratio
        row[:, i["control_index"]] = (row[:, i["evaluated_share"]] + beta
                                      + 1.0 / (1.0 + ratio)) / 3.0
        national_share = (m * self.own_national).sum(1)
        compute_owned = evaluation.capacity(self.compute_stock, self.c["compute_half_capacity"])
        maturity = np.where(self.nm_age >= self.c["national_model_build_quarters"],
                            self.nm_quality / self.quality[0], 0.0)
        row[:, i["possession_index"]] = (national_share + compute_owned + maturity) / 3.0
        row[:, i["service_continuity"]] = self.served_count / self.n_workflows
        row[:, i["outage_quarters"]] = self.outage_quarters
        row[:, i["incidents"]] = np.bincount(self.owner, self.incident, minlength=S)
        row[:, i["public_value"]] = self.public_value
        row[:, i["trust"]] = self.trust
        row[:, i["member"]] = self.member
        region = self.region_metrics[t]
        region[REGION_INDEX["cohesion"]] = self.cohesion
        region[REGION_INDEX["members"]] = self.members
        region[REGION_INDEX["pooled_evaluation_capacity"]] = self.pooled_evaluation_capacity
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _account_initial(self) -> None:
        S = self.n_states
        self.contribution = np.zeros(S)
        self.nm_cost = np.zeros(S)
        self.incident = np.zeros(len(self.owner), dtype=bool)
        self.outage_left[:] = 0
        served = np.ones(len(self.owner), dtype=bool)
        self.service_spend = np.bincount(
            self.owner, self.price[self.owner, self.model_v] + self.price[self.owner, self.compute_v],
            minlength=S)
        self.unit_spend = np.bincount(self.owner, self.volume[self.owner] * (
            self.unit_cost[self.model_v] + self.unit_cost[self.compute_v]), minlength=S)
        self.spend_now = np.zeros(S)
        q_true = self.true_quality()
        fit = 1.0 - self.language_need * (1.0 - self.language_fit[self.model_v])
        self.public_value = np.bincount(self.owner, self.stakes * q_true[self.owner, self.model_v]
                                        * fit * served, minlength=S) / self.stakes_total
        self.served_count = self.n_workflows.astype(float)

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


def _mean_reporter(name: str):
    return property(lambda self: float(self.metric(name).mean()))


for _name in ("control_index", "possession_index", "largest_supplier_share"):
    setattr(SovereigntyModel, f"mean_{_name}", _mean_reporter(_name))

__all__ = ["SovereigntyModel", "SpecError", "math"]
