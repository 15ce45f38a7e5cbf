"""The market: who supplies each workflow, tenders, lock-in, supply and prices.

Owns the workflows' suppliers (model and compute layer), lock-in depths, contract clocks and
outages (M1, M6), suppliers' regional capacity and load, bargaining power and prices (M4).
Its phase runs: forced migrations off unavailable suppliers and renewals of expiring
contracts (one tender, capacity-rationed), lock-in deepening, capacity expansion, then the
suppliers' price quotes for this quarter's bills.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import bargaining, diversification, lockin, procurement, supply
from .evaluation import perceived
from .streams import RowBuffer

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel


class Market:
    """Suppliers of every workflow, and what suppliers charge every state."""

    def __init__(self, model: SovereigntyModel) -> None:
        region, sup, wf, c = model.region, model.suppliers, model.workflows, model.c
        S, V, N, R = region.n, sup.n, wf.per_run, model.R
        # initial suppliers: the sourced shares; a state with a national model today has a
        # small share of its workflows on it
        model_p = np.where(sup.is_model & ~sup.is_national, sup.initial_share, 0.0)
        model_p = np.tile(model_p / model_p.sum(), (S, 1))
        existing = c["existing_national_share"] * region.existing_programme
        model_p *= (1.0 - existing)[:, None]
        model_p[:, sup.national_model] = existing
        compute_p = np.where(~sup.is_model & ~sup.is_national, sup.initial_share, 0.0)
        compute_p = compute_p / compute_p.sum()
        draws, depth, clock = [], [], []
        for streams in model.streams:  # each run's "setup" stream, in the one-run order
            rng = streams["setup"]
            draws.append(rng.random((2, N)))
            depth.append(rng.uniform(0.0, c["initial_lockin_max"], (2, N)))
            clock.append(rng.random(N))
        draws = np.concatenate(draws, axis=1)
        model_v = (draws[0][:, None] > np.cumsum(model_p, axis=1)[wf.owner]).sum(axis=1)
        compute_v = (draws[1][:, None] > np.cumsum(compute_p)).sum(axis=1)
        self.supplier = np.minimum(np.array((model_v, compute_v)), V - 1)
        self.depth = np.concatenate(depth, axis=1)
        term = model.policy.lever["contract_term"][wf.owner]
        self.contract_left = np.floor(np.concatenate(clock) * term).astype(np.int64) + 1
        self.outage_left = np.zeros(wf.n, dtype=np.int64)
        self.stuck = np.zeros(wf.n, dtype=bool)
        self.switch_paid = np.zeros(S)
        self._update_shares(model)
        self.initial_regional_share = self.load / N
        headroom = model.u["capacity_headroom"][:, None]
        self.capacity = np.where(sup.uncapped | sup.is_national, np.inf,
                                 headroom * np.maximum(self.load, c["capacity_floor_share"] * N))
        del R
        # tender noise: each run's "procurement" stream, a block of rows per generator call
        self._tender_noise = [RowBuffer(lambda shape, g=streams["procurement"]: g.gumbel(
            size=shape), V, N) for streams in model.streams]
        self.refresh_supply(model)
        self.quote(model)

    # -- derived views ------------------------------------------------------------------------
    @property
    def utilisation(self) -> np.ndarray:
        """(R, V) regional load over capacity (0 where uncapped)."""
        return np.where(np.isfinite(self.capacity), self.load / self.capacity, 0.0)

    def _update_shares(self, model: SovereigntyModel) -> None:
        """Stakes-weighted supplier shares per state (S, V), regional loads."""
        wf, S, V = model.workflows, model.region.n, model.suppliers.n
        self.cell = wf.owner_cell + self.supplier  # (2, N) flat index into (S, V) arrays
        cells = self.cell.ravel()
        both = np.bincount(cells, wf.stakes_both, minlength=S * V)
        self.shares = both.reshape(S, V) / wf.stakes_total[:, None]
        counts = np.bincount(cells, minlength=S * V).reshape(S, V)
        self.load = counts.reshape(model.R, model.S, V).sum(axis=1).astype(float)
        self.national_load = counts[:, model.suppliers.national_compute]

    # -- phases -------------------------------------------------------------------------------
    def refresh_supply(self, model: SovereigntyModel) -> None:
        """Which suppliers can serve whom this quarter (M6): restrictions and exits, national
        models not yet released, national compute with no room to host."""
        sup = model.suppliers
        unavailable = model.world.blocked(model)
        unavailable[:, sup.national_model] |= ~model.programmes.released
        unavailable[:, sup.national_compute] |= model.capacities.hosting < 1.0
        self.unavailable = unavailable
        #: (S, 2) suppliers each state can buy from, per layer
        self.available_count = np.add.reduceat(~unavailable, sup.layer_starts, axis=1)
        self.layer_open = self.available_count > 0

    def step(self, model: SovereigntyModel) -> None:
        u, c = model.u, model.c
        self.outage_left = np.maximum(self.outage_left - 1, 0)
        forced = supply.cut_off(self.cell, self.unavailable)
        self.contract_left -= 1
        due = forced | (self.contract_left <= 0) | self.stuck
        self.switch_paid = np.zeros(model.region.n)
        if due.any():
            self._renew(model, np.flatnonzero(due))
        self._update_shares(model)
        self.depth = lockin.deepen(self.depth, model.uw("lockin_growth"))
        threshold = c["utilisation_threshold"]
        tight = np.clip((self.utilisation - threshold) / (1.0 - threshold), 0.0, 1.0)
        self.capacity = self.capacity * (1.0 + u["capacity_expansion"][:, None] * tight)
        self.quote(model)

    def _renew(self, model: SovereigntyModel, idx: np.ndarray) -> None:
        """Tender every workflow in ``idx`` (both layers); pay switching costs; set outages
        for workflows forced off an unavailable supplier or left with no room anywhere."""
        c, sup, wf = model.c, model.suppliers, model.workflows
        lever, ev = model.policy.lever, model.evaluation
        S, V = model.region.n, sup.n
        s = wf.owner[idx]
        run = model.run_of_wf[idx]
        n = len(idx)
        high = wf.high_stakes[idx]
        current = self.supplier[:, idx]
        depth = self.depth[:, idx]
        exposure = lockin.exposure(depth, sup.portability[current],
                                   model.capacities.standards[s],
                                   model.u["standards_effect"][run])
        cost_to_leave = lockin.switching_cost(exposure, 4 * self.price[s, current],
                                              model.u["switching_cost_max"][run])
        term = lever["contract_term"][s]
        reference = model.reference_price[s] * model.world.usage[run]
        price_weight = model.u["price_weight"][run]
        penalty = price_weight * cost_to_leave / (reference * term)
        believed = perceived(ev.known, ev.estimate, np.minimum(ev.q_true + sup.hype, 1.0))
        reliability = np.where(ev.known, sup.reliability, sup.claimed_reliability)
        # each run's tender draws from its own stream, as many rows as it tenders
        counts = np.bincount(run, minlength=model.R)
        noise = np.concatenate([self._tender_noise[r].take(int(k))
                                for r, k in enumerate(counts) if k])
        # the 'ours' premium for national suppliers; every supplier's fitted appeal
        premium = lever["ours_premium"][s][:, None] * sup.is_national + sup.appeal
        utility = procurement.score(believed[s] * wf.fit[idx], reliability[s], high,
                                    self.relative_price[s], premium,
                                    c["procurement_noise"] * noise, price_weight[:, None],
                                    c["reliability_weight"])
        utility = procurement.charge_switching(utility, sup.is_model, current, penalty)
        barred = np.zeros((n, V), dtype=bool)
        cap = lever["diversification_cap"]
        if (cap < 1.0).any():
            barred |= diversification.over_cap(self.shares, cap)[s]
        retired = model.programmes.retired
        if retired.any():  # a retiring programme wins no new contracts
            barred[:, sup.national_model] |= retired[s]
        required = lever["require_evaluation"]
        if required.any():
            barred |= (required[s] & high)[:, None] & ~ev.known[s] & sup.is_model
        allowed = ~self.unavailable[s]
        ok = procurement.relax_bars(allowed, barred, sup.layers) if barred.any() else allowed
        masked = np.where(ok, utility, -np.inf)
        winner = procurement.best(masked, sup.layers)
        if not self.layer_open[s].all():
            # nobody allowed in a layer: the workflow keeps its supplier (cut off if unavailable)
            finite = np.isfinite(np.take_along_axis(masked, winner.T, axis=1).T)
            winner = np.where(finite, winner, current)
        winner, no_room = self._ration(model, masked, winner, current, s, run, allowed)
        moved = winner != current
        self.switch_paid = np.bincount(s, (cost_to_leave * moved).sum(0), minlength=S)
        self.supplier[:, idx] = winner
        self.depth[:, idx] = np.where(moved, 0.0, depth)
        # workflows forced off an unavailable supplier lose service while they migrate; one
        # with no supplier left (or no room anywhere) is stuck and tenders again next quarter
        lost = self.unavailable[s[None, :], current]
        if lost.any():
            quarters = lockin.migration_quarters(exposure, model.u["migration_max_quarters"][run])
            migration = (np.where(moved, quarters, 1) * lost).max(axis=0)
            stuck = (lost & ~moved).any(axis=0) | no_room
            self.outage_left[idx] = np.maximum(self.outage_left[idx],
                                               np.maximum(migration, stuck))
        else:
            stuck = no_room
            self.outage_left[idx] = np.maximum(self.outage_left[idx], no_room)
        self.stuck[idx] = stuck
        self.contract_left[idx] = np.where(stuck, 1, term)

    def _ration(self, model: SovereigntyModel, masked: np.ndarray, winner: np.ndarray,
                current: np.ndarray, s: np.ndarray, run: np.ndarray, allowed: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray]:
        """Enforce regional capacity (M6: substitute supply is limited) on the tender's
        winners. Groups: each supplier column, and each state's national compute. The
        tendered workflows' own slots count as free. Over-subscribed awards go to the
        workflows that value them most; a workflow with no room anywhere keeps its current
        supplier if it can, else it is unserved (``no_room``)."""
        sup, S, V, R = model.suppliers, model.region.n, model.suppliers.n, model.R
        n = len(s)
        no_room = np.zeros(n, dtype=bool)
        base = run * V  # groups: (run, supplier column), then each state row's compute
        free = self.capacity - self.load + np.bincount(
            (base + current).ravel(), minlength=R * V).reshape(R, V)
        free[:, sup.national_compute] = np.inf  # per state, below
        awards = np.bincount((base + winner).ravel(), minlength=R * V).reshape(R, V)
        national = winner[1] == sup.national_compute
        room_national = model.capacities.hosting - self.national_load + np.bincount(
            s, current[1] == sup.national_compute, minlength=S)
        tight_national = national.any() and (
            np.bincount(s, national, minlength=S) > room_national + 1e-9).any()
        if not (awards > free + 1e-9).any() and not tight_national:
            return winner, no_room
        room = np.concatenate([free.ravel(), room_national])
        for k, layer in enumerate(sup.layers):
            def groups_of(local, start=layer.start):
                col = local + start
                return np.where(col == sup.national_compute, R * V + s, base + col)
            local, unplaced = procurement.ration(masked[:, layer], winner[k] - layer.start,
                                                 groups_of, room)
            keep = unplaced & allowed[np.arange(n), current[k]]
            winner[k] = np.where(keep, current[k], local + layer.start)
            no_room |= unplaced & ~keep
        return winner, no_room

    def quote(self, model: SovereigntyModel) -> None:
        """M4: bargaining power per state and layer, then prices (S, V) for this quarter."""
        u, c, sup, wf = model.u, model.c, model.suppliers, model.workflows
        ev, body, policy, run_of = model.evaluation, model.body, model.policy, model.run_of
        available = ~self.unavailable
        q = ev.q_true
        best_model = (q * available * sup.model_mask).max(axis=1, keepdims=True)
        relative_quality = np.where(sup.is_model, np.minimum(q / np.maximum(best_model, 1e-12),
                                                             1.0), 1.0)
        credible = np.where(ev.known, 1.0, c["unevaluated_credibility"]) * available \
            * relative_quality
        standards = model.capacities.standards
        self.exposure = lockin.exposure(self.depth, sup.portability[self.supplier],
                                        standards[wf.owner], model.uw("standards_effect"))
        ratio = wf.sums(*self.exposure).T  # (S, 2): summed exposure per layer
        ratio *= model.uc("switching_cost_max") / wf.per_state[:, None]
        alternatives = np.add.reduceat(credible, sup.layer_starts, axis=1) - 1.0
        outside = bargaining.outside_options(alternatives, ratio)
        self.demand = wf.per_state * model.reference_price * model.world.usage_rows
        half = model.us("demand_half_saturation")
        size = bargaining.demand_effect(self.demand, half)
        evaluation = model.capacities.evaluation
        n_members = body.members(model)
        pooled = policy.region["pooled_evaluation"] & (n_members > 0)  # (R,)
        pool_eval = np.where(pooled, body.pooled_capacity(model) * body.cohesion, 0.0)
        if pooled.any():
            evaluation = np.where(pooled[run_of], np.maximum(
                evaluation, np.where(body.member, pool_eval[run_of], 0.0)), evaluation)
        weights = (c["weight_outside_options"], c["weight_demand_size"],
                   c["weight_evaluation"], c["weight_procurement"])
        max_power = model.uc("max_bargaining_power")
        self.beta_own = bargaining.bargaining_power(outside, size[:, None], evaluation[:, None],
                                                    model.capacities.procurement[:, None],
                                                    max_power, weights)
        joint = policy.region["joint_procurement"] & (n_members > 0)  # (R,)
        if joint.any():
            # one bloc, one set of terms: demand-weighted members' outside options, the
            # bloc's demand (scaled by cohesion), the pool's (or members' mean) evaluation,
            # the body's contract skill
            member_demand = self.demand * body.member
            bloc_demand = model.per_run_sum(member_demand)
            w = member_demand / np.maximum(bloc_demand, 1e-300)[run_of]
            coh = body.cohesion
            R = model.R
            bloc_outside = np.stack([np.bincount(run_of, w * outside[:, k], minlength=R)
                                     for k in range(outside.shape[1])], axis=1)
            bloc_evaluation = np.where(pooled, pool_eval, model.per_run_sum(w * evaluation))
            bloc = bargaining.bargaining_power(
                bloc_outside,
                bargaining.demand_effect(coh * bloc_demand, u["demand_half_saturation"])[:, None],
                bloc_evaluation[:, None],
                (body.procurement_capacity(model) * coh)[:, None],
                u["max_bargaining_power"][:, None], weights)  # (R, layers)
            self.beta = np.where((body.member & joint[run_of])[:, None], bloc[run_of],
                                 self.beta_own)
        else:
            self.beta = self.beta_own
        beta_by_vendor = self.beta[:, sup.layer_of]
        side = bargaining.supply_multiplier(self.load / wf.per_run, self.initial_regional_share,
                                            self.utilisation, u["share_markup_slope"][:, None],
                                            u["scarcity_markup"][:, None],
                                            c["utilisation_threshold"],
                                            c["market_power_floor"], c["market_power_ceiling"])
        self.markup = bargaining.markup(model.uc("base_markup"), sup.markup_factor,
                                        beta_by_vendor, side[run_of])
        per_unit = model.world.effective_unit_cost[run_of] * (1.0 + self.markup)
        self.price = (model.volume * model.world.usage_rows)[:, None] * per_unit
        # price over the reference price (2 x volume x usage: both layers at unit cost 1)
        self.relative_price = 0.5 * per_unit
        self.switching_ratio = ratio
