"""The regional body (M3 pooled evaluation's money side, joint procurement's fee, shared
standards, M7 cohesion).

It charges members for what it does, from last quarter's activity: joint procurement a fee
on purchases made through the bloc (PAHO charges 3-3.5%); pooled evaluation its running
cost plus a cost per supplier evaluation, split among members (partly equally, partly by
AI budget). What members actually pay (within their budgets) builds its testing and
procurement capacity; a member that cannot pay in full is in arrears, which other members
see as free-riding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import cohesion as m7
from .evaluation import capacity

if TYPE_CHECKING:
    from .model import SovereigntyModel


class RegionalBody:
    """Members, trust, rhetoric, pooled stocks, fees."""

    def __init__(self, model: SovereigntyModel) -> None:
        S = model.region.n
        lever = model.policy.lever
        self.member = lever["member"].copy()
        self.trust = np.full(S, model.u["initial_trust"])
        self.rhetoric = lever["possessive_rhetoric"].astype(float).copy()
        self.eval_stock = 0.0
        self.procurement_stock = 0.0
        self.evaluations_last = 0  # supplier evaluations run last quarter (billed this one)
        self.evaluated_share = 0.0  # share of testable suppliers with a current pooled result
        self.due = np.zeros(S)
        self.due_evaluation = np.zeros(S)
        self.in_arrears = np.zeros(S, dtype=bool)
        self.cohesion = m7.cohesion(self.trust, self.member)
        self.shared_level = 0.0

    # -- what others ask of the body ------------------------------------------------------
    def enact(self, model: SovereigntyModel) -> None:
        """Quarter 1: the scenario's rhetoric and membership take effect."""
        lever = model.policy.lever
        self.rhetoric = lever["possessive_rhetoric"].astype(float).copy()
        self.member = self.member & lever["member"]
        self.cohesion = m7.cohesion(self.trust, self.member)

    def leave(self, rows) -> None:
        """States leave the body (a ``set_lever`` event turning ``member`` off)."""
        self.member = self.member.copy()
        self.member[rows] = False
        self.cohesion = m7.cohesion(self.trust, self.member)

    def boost_trust(self, boost: float) -> None:
        """A regional summit: members' trust rises by ``boost`` (capped at 1)."""
        self.trust = np.where(self.member, np.minimum(self.trust + boost, 1.0), self.trust)
        self.cohesion = m7.cohesion(self.trust, self.member)

    def pooled_capacity(self, model: SovereigntyModel) -> float:
        """The body's testing capacity 0-1 (before cohesion)."""
        return float(capacity(self.eval_stock, model.u["evaluation_half_capacity"]))

    def procurement_capacity(self, model: SovereigntyModel) -> float:
        """The bloc's contract skill 0-1 (before cohesion)."""
        return float(capacity(self.procurement_stock, model.u["evaluation_half_capacity"]))

    def fees_due(self, model: SovereigntyModel) -> np.ndarray:
        """(S,) what each member owes this quarter for last quarter's pooled activity."""
        u, region = model.u, model.policy.region
        S = model.region.n
        self.due_evaluation = np.zeros(S)
        due = np.zeros(S)
        n = int(self.member.sum())
        if n and region["joint_procurement"]:
            # the fee is on what the bloc buys: not on a state's own national model or compute
            due += self.member * u["joint_procurement_fee"] * model.accounts.market_bill
        if n and region["pooled_evaluation"]:
            total = u["pooled_evaluation_running_cost"] + self.evaluations_last * u[
                "evaluation_cost"]
            budget = model.accounts.budget * self.member
            equal = u["pool_cost_equal_share"]
            self.due_evaluation = self.member * total * (
                equal / n + (1.0 - equal) * budget / max(budget.sum(), 1e-12))
            due += self.due_evaluation
        self.due = due
        return due

    # -- phase -------------------------------------------------------------------------------
    def step(self, model: SovereigntyModel) -> None:
        """Collect fees, build pooled capacity, update trust, exits and re-entries."""
        u, c = model.u, model.c
        funded = model.accounts.funded
        paid, voluntary = funded["fees"], funded["voluntary"]
        # fixed-shape draws every quarter keep the stream aligned across scenarios
        shocks = model.streams["cohesion"].normal(0.0, c["trust_noise"], model.region.n)
        keep = 1.0 - u["capacity_depreciation"]
        region = model.policy.region
        arrangements = region["pooled_evaluation"] or region["joint_procurement"]
        self.eval_stock *= keep
        self.procurement_stock *= keep
        free_riding = 0.0
        gains = 0.0
        if arrangements or voluntary.any():
            evaluation_part = np.where(self.due > 0, paid * self.due_evaluation /
                                       np.maximum(self.due, 1e-12), 0.0)
            to_testing = c["voluntary_evaluation_share"] * voluntary.sum()
            self.eval_stock += evaluation_part.sum() + to_testing
            self.procurement_stock += (paid - evaluation_part).sum() + voluntary.sum() \
                - to_testing
            self.in_arrears = self.member & (paid < self.due - 1e-9)
            n = int(self.member.sum())
            free_riding = self.in_arrears.sum() / n if n else 0.0
            gains = np.zeros(model.region.n)
            if region["pooled_evaluation"]:
                gains += c["pooled_gain_weight"] * self.evaluated_share
            if region["joint_procurement"]:
                market = model.market
                gains += (market.beta - market.beta_own).mean(axis=1) / u[
                    "max_bargaining_power"]
            gains *= self.member
        push = m7.pressure(self.rhetoric, self.member, free_riding, c["rhetoric_own_weight"],
                           c["free_riding_weight"])
        self.trust = m7.update_trust(self.trust, u["initial_trust"], u["trust_reversion"], gains,
                                     push, u["cohesion_sensitivity"], shocks)
        threshold = u["trust_exit_threshold"]
        leaving = m7.exits(self.trust, self.member, threshold)
        joining = m7.reentries(self.trust, self.member, model.policy.lever["member"], threshold,
                               c["reentry_margin"])
        if leaving.any() or joining.any():
            for kind, which in (("member_exit", leaving), ("member_reentry", joining)):
                for k in np.flatnonzero(which):
                    model.world.log.append({"step": model.steps, "origin": "model",
                                            "kind": kind, "targets": [model.region.iso3[k]]})
            self.member = (self.member & ~leaving) | joining
        self.cohesion = m7.cohesion(self.trust, self.member)
        self.shared_level = region["shared_standards"] * self.cohesion
