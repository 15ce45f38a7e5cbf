"""Accounting and budgets: every state lives within its AI budget each quarter.

**Plan** (start of the quarter). Services come first: the forecast is last quarter's bill
for full coverage (services and outage fallback). What is left funds, in this order of
priority, as far as it goes: the national programme's running cost, fees owed to the
regional body, the programme's capex instalment, standards (adoption and running), own
evaluation, procurement capacity, domestic compute, voluntary contributions. What cannot
be funded is deferred (reported as ``unfunded``): a short budget stretches a national
model's build, thins capacity stocks, leaves fees in arrears (the body sees free-riding)
and slows standards adoption.

**Settle** (end of the quarter). The actual bill: services at this quarter's prices
(workflows migrating off a cut-off supplier pay their new one from signature), switching
costs, and an emergency/fallback cost for every workflow left unserved by a cut-off
(``outage_cost_factor`` reference prices). If it exceeds what the plan left, coverage is
cut: routine workflows are dropped before high-stakes ones, dearest first, until the bill
fits; dropped workflows are not served (lost public value) and their price is unfunded.
Spend never exceeds the budget.

Incidents (M9) and public value are counted here, on the workflows actually served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import incidents as m9
from . import supply
from .streams import RowBuffer

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel

#: Discretionary items in order of priority (docs/ODD.md, "Accounting and budgets").
PRIORITIES = ("programme_opex", "fees", "programme_capex", "standards", "evaluation",
              "procurement", "compute", "voluntary")


class Accounts:
    """Budgets, plans, bills, coverage, incidents and public value, per state."""

    def __init__(self, model: SovereigntyModel) -> None:
        S, N = model.region.n, model.workflows.n
        self.budget = model.policy.lever["ai_budget_share"] * model.region.gdp / 4 / 1e6
        self.funded = {name: np.zeros(S) for name in PRIORITIES}
        self.unfunded = np.zeros(S)
        self.discretionary = np.zeros(S)
        self.spend = np.zeros(S)
        self.cumulative_cost = np.zeros(S)
        self.outage_quarters = np.zeros(S)
        self.incident = np.zeros(N, dtype=bool)
        # one row of uniforms per quarter from each run's "incidents" stream, drawn 8 at a time
        self._incident_draws = [RowBuffer(lambda shape, g=streams["incidents"]: g.random(
            shape), model.workflows.per_run, 8) for streams in model.streams]
        # quarter 0: the status quo's bill, so the first plan has a forecast
        self.service_bill = np.zeros(S)
        self.outage_cost = np.zeros(S)

    def open_books(self, model: SovereigntyModel) -> None:
        """Quarter 0: the status quo's bill and plan (recorded, not added to cumulative cost),
        so the first quarter's plan has a forecast."""
        N = model.workflows.n
        self._bill(model, np.ones(N, dtype=bool))
        self.full_bill = self.service_bill
        self.plan(model)
        self.settle(model, initial=True)

    # -- start of the quarter -----------------------------------------------------------------
    def plan(self, model: SovereigntyModel) -> None:
        lever = model.policy.lever
        self.budget = lever["ai_budget_share"] * model.region.gdp / 4 / 1e6
        model.programmes.plan(model)
        body = model.body
        demands = {
            "programme_opex": model.programmes.opex_due,
            "fees": body.fees_due(model),
            "programme_capex": model.programmes.capex_due,
            "standards": model.capacities.standards_due(model),
            "evaluation": lever["own_evaluation_share"] * self.budget,
            "procurement": lever["procurement_capacity_share"] * self.budget,
            "compute": lever["domestic_compute_share"] * self.budget,
            "voluntary": lever["regional_contribution_share"] * self.budget * body.member * (
                model.policy.region["pooled_evaluation"] | model.policy.region[
                    "joint_procurement"])[model.run_of],
        }
        free = np.maximum(self.budget - self.full_bill - self.outage_cost, 0.0)
        deferred = np.zeros_like(free)
        for name in PRIORITIES:
            want = demands[name]
            got = np.minimum(want, free)
            self.funded[name] = got
            free = free - got
            deferred = deferred + (want - got)
        self.discretionary = sum(self.funded.values())
        self.deferred = deferred

    # -- end of the quarter -------------------------------------------------------------------
    def _bill(self, model: SovereigntyModel, paid: np.ndarray) -> None:
        """Bills of the workflows in ``paid`` (those with an available supplier, including
        ones still migrating to it) and the outage fallback."""
        market, wf, world, sup = model.market, model.workflows, model.world, model.suppliers
        by_layer = market.price.ravel().take(market.cell)
        self.workflow_price = by_layer.sum(axis=0)
        self._bought = np.where(sup.is_national[market.supplier], 0.0, by_layer).sum(axis=0)
        self._unit = (model.volume * world.usage_rows)[wf.owner] * \
            world.effective_unit_cost.take(wf.run_cell + market.supplier).sum(axis=0)
        cut = market.outage_left > 0
        self.service_bill, self.market_bill, self.unit_bill, cut_count = wf.sums(
            self.workflow_price * paid, self._bought * paid, self._unit * paid, cut)
        fallback = model.us("outage_cost_factor") * model.reference_price * world.usage_rows
        self.outage_cost = fallback * cut_count

    def _rebill(self, model: SovereigntyModel, paid: np.ndarray) -> None:
        """The bills again for fewer workflows (some dropped for budget): same prices, same
        outages, so only the sums are redone."""
        self.service_bill, self.market_bill, self.unit_bill = model.workflows.sums(
            self.workflow_price * paid, self._bought * paid, self._unit * paid)

    def settle(self, model: SovereigntyModel, initial: bool = False) -> None:
        market, wf, sup = model.market, model.workflows, model.suppliers
        supplied = market.outage_left == 0
        billed = ~supply.cut_off(market.cell, market.unavailable)
        self._bill(model, billed)
        self.full_bill = self.service_bill  # what full coverage costs: next quarter's forecast
        room = self.budget - self.discretionary
        over = self.service_bill + self.outage_cost + market.switch_paid - room
        served = supplied
        dropped_value = 0.0
        if (over > 1e-9).any():
            drop, dropped_value = self._cut_coverage(model, served & billed, over)
            served = served & ~drop
            self._rebill(model, billed & ~drop)
        total = self.service_bill + self.outage_cost + market.switch_paid + self.discretionary
        arrears = np.maximum(total - self.budget, 0.0)
        self.spend = total - arrears
        self.unfunded = self.deferred + dropped_value + arrears
        # M9 incidents on served high-stakes workflows (fixed-shape draws)
        draws = np.concatenate([buffer.take(1)[0] for buffer in self._incident_draws])
        evaluated = model.evaluation.evaluated_workflows(model)
        mv = market.supplier[0]
        p = m9.probability(model.uw("incident_base_rate"), sup.reliability.take(
            market.supplier).prod(axis=0), evaluated, model.uw("unevaluated_risk_multiplier"),
            model.uw("evaluation_effectiveness"), model.c["reference_unreliability"]
        ) * model.world.incident_factor.take(wf.run_cell + mv)
        self.incident = served & wf.high_stakes & (draws < p)
        if initial:
            self.incident[:] = False
        value = wf.stakes * model.evaluation.q_true.ravel().take(market.cell[0]) * \
            wf.fit.ravel().take(wf.fit_cell + mv)
        self.served_count, value_sum, self.incident_count, evaluated_count = wf.sums(
            served, value * (served & ~self.incident), self.incident, evaluated & wf.high_stakes)
        self.public_value = value_sum / wf.stakes_total
        self.evaluated_share = evaluated_count / np.maximum(wf.high_total, 1)
        if not initial:
            self.cumulative_cost = self.cumulative_cost + self.spend
            self.outage_quarters = self.outage_quarters + 1.0 - self.served_count / wf.per_state

    def _cut_coverage(self, model: SovereigntyModel, droppable: np.ndarray,
                      over: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Drop workflows (routine before high-stakes, dearest first) in over-budget states
        until each state's bill fits. Returns (dropped, price of what was dropped)."""
        wf = model.workflows
        need = np.maximum(over, 0.0)
        # only workflows of over-budget states are sorted (most quarters: a few states)
        candidates = np.flatnonzero(droppable & (need[wf.owner] > 1e-9))
        price = self.workflow_price[candidates]
        owner = wf.owner[candidates]
        order = np.lexsort((-price, wf.high_stakes[candidates], owner))  # routine, dearest
        ordered_price = price[order]
        owner = owner[order]
        cumulative = np.cumsum(ordered_price)
        start = np.concatenate([[0.0], cumulative])[np.searchsorted(owner, owner, "left")]
        before = cumulative - ordered_price - start  # dropped before this one, same state
        drop = np.zeros(wf.n, dtype=bool)
        drop[candidates[order]] = before < need[owner] - 1e-9
        return drop, wf.sum(self.workflow_price * drop)
