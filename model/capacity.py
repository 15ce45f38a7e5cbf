"""Capacities a state builds with its budget: evaluation, procurement and national compute
stocks (depreciating), the talent spillover of a national programme, and the
interoperability standards it has actually adopted (and paid for).

Standards cost money (issue: no free lunch): raising the adopted level by ``d`` costs
``d * standards_adoption_cost * a year's service spend``, at most ``standards_adoption_rate``
a quarter; running to the standard costs ``level * standards_running_cost * service spend``
every quarter. A member's target is the higher of its own adoption target and the body's
shared level (scaled by cohesion).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .evaluation import accumulate, capacity

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel


def spillover(own_capacity, talent_capacity, spill: float) -> np.ndarray:
    """Capacity with a national programme's talent: ``1 - (1 - own) * (1 - spill * talent)``."""
    return 1.0 - (1.0 - own_capacity) * (1.0 - spill * talent_capacity)


class Capacities:
    """Stocks (3, S): evaluation, procurement, national compute (US$ m); standards level."""

    def __init__(self, model: SovereigntyModel) -> None:
        region, c = model.region, model.c
        half = model.us("evaluation_half_capacity")
        S = region.n
        self.stocks = np.array((
            half * (c["initial_evaluation_readiness"] * region.readiness
                    + c["initial_evaluation_body"] * region.has_eval_body),
            half * c["initial_procurement_readiness"] * region.readiness,
            np.zeros(S)))  # data-centre MW today is mostly foreign-owned colocation
        self.half = np.array((half, half, np.full(S, c["compute_half_capacity"])))
        self.standards = np.zeros(S)
        self.adoption_due = np.zeros(S)
        self.running_due = np.zeros(S)
        self._step_up = np.zeros(S)
        self._none = np.zeros(S)
        self._refresh(model)

    def _refresh(self, model: SovereigntyModel) -> None:
        cap = capacity(self.stocks, self.half)
        talent = model.programmes.talent_capacity(model)
        spill = model.us("talent_spillover")
        self.evaluation = spillover(cap[0], talent, spill)
        self.procurement = spillover(cap[1], talent, spill)
        self.compute = cap[2]
        # workflows nationally owned compute can host
        self.hosting = self.stocks[2] / (model.c["compute_capex_quarters"]
                                         * model.reference_price)

    def standards_due(self, model: SovereigntyModel) -> np.ndarray:
        """(S,) what adopting and running to standards costs this quarter."""
        c, body = model.c, model.body
        own = model.policy.lever["interop_standards"]
        shared = body.shared_level[model.run_of]
        if not shared.any() and not own.any() and not self.standards.any():
            self._step_up = self.adoption_due = self.running_due = self._none
            return self._none  # no standard wanted or held: nothing to pay
        target = np.maximum(own, np.where(body.member, shared, 0.0))
        self.standards = np.minimum(self.standards, target)  # lowering a target costs nothing
        self._step_up = np.minimum(target - self.standards, c["standards_adoption_rate"])
        annual_services = 4.0 * model.accounts.service_bill
        self.adoption_due = self._step_up * model.us("standards_adoption_cost") \
            * annual_services
        self.running_due = self.standards * model.us("standards_running_cost") * \
            model.accounts.service_bill
        return self.adoption_due + self.running_due

    def step(self, model: SovereigntyModel) -> None:
        """Invest what the budget funded; adopt as much of the standards step as was paid."""
        funded = model.accounts.funded
        investment = np.array((funded["evaluation"], funded["procurement"],
                               funded["compute"] * model.world.chip_access))
        self.stocks = accumulate(self.stocks, investment, model.us("capacity_depreciation"))
        if self._step_up.any():
            paid = np.maximum(funded["standards"] - self.running_due, 0.0)
            share = np.where(self.adoption_due > 0, np.minimum(
                paid / np.maximum(self.adoption_due, 1e-12), 1.0), 1.0)
            self.standards = self.standards + self._step_up * share
        self._refresh(model)
