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
    from .engine import Engine as SovereigntyModel


class RegionalBody:
    """Members, trust, rhetoric, pooled stocks, fees: per state row, and per run (R,) for
    what the body holds itself."""

    def __init__(self, model: SovereigntyModel) -> None:
        R, RS = model.R, model.region.n
        lever = model.policy.lever
        self.member = lever["member"].copy()
        self.trust = model.us("initial_trust").copy()
        self.rhetoric = lever["possessive_rhetoric"].astype(float).copy()
        self.eval_stock = np.zeros(R)
        self.procurement_stock = np.zeros(R)
        #: supplier evaluations run last quarter (billed this one), per run
        self.evaluations_last = np.zeros(R, dtype=np.int64)
        #: share of testable suppliers with a current pooled result, per run
        self.evaluated_share = np.zeros(R)
        self.due = np.zeros(RS)
        self.due_evaluation = np.zeros(RS)
        self.in_arrears = np.zeros(RS, dtype=bool)
        self.cohesion = m7.cohesion(self.trust, self.member, model)
        self.shared_level = np.zeros(R)

    def members(self, model: SovereigntyModel) -> np.ndarray:
        """(R,) number of members in each run."""
        return np.bincount(model.run_of, self.member, minlength=model.R)

    # -- what others ask of the body ------------------------------------------------------
    def enact(self, model: SovereigntyModel) -> None:
        """Quarter 1: the scenario's rhetoric and membership take effect."""
        lever = model.policy.lever
        self.rhetoric = lever["possessive_rhetoric"].astype(float).copy()
        self.member = self.member & lever["member"]
        self.cohesion = m7.cohesion(self.trust, self.member, model)

    def leave(self, rows, model: SovereigntyModel) -> None:
        """States (rows) leave the body (a ``set_lever`` event turning ``member`` off)."""
        self.member = self.member.copy()
        self.member[rows] = False
        self.cohesion = m7.cohesion(self.trust, self.member, model)

    def boost_trust(self, boost: float, model: SovereigntyModel, run: int = 0) -> None:
        """A regional summit in run ``run``: members' trust rises by ``boost`` (capped at 1)."""
        rows = model.state_rows(run)
        trust, member = self.trust[rows], self.member[rows]
        self.trust[rows] = np.where(member, np.minimum(trust + boost, 1.0), trust)
        self.cohesion = m7.cohesion(self.trust, self.member, model)

    def pooled_capacity(self, model: SovereigntyModel) -> np.ndarray:
        """(R,) the body's testing capacity 0-1 (before cohesion)."""
        return capacity(self.eval_stock, model.u["evaluation_half_capacity"])

    def procurement_capacity(self, model: SovereigntyModel) -> np.ndarray:
        """(R,) the bloc's contract skill 0-1 (before cohesion)."""
        return capacity(self.procurement_stock, model.u["evaluation_half_capacity"])

    def fees_due(self, model: SovereigntyModel) -> np.ndarray:
        """(R*S,) what each member owes this quarter for last quarter's pooled activity."""
        u, region, run_of = model.u, model.policy.region, model.run_of
        RS = model.region.n
        self.due_evaluation = np.zeros(RS)
        due = np.zeros(RS)
        n = self.members(model)
        joint = (n > 0) & region["joint_procurement"]
        if joint.any():
            # the fee is on what the bloc buys: not on a state's own national model or compute
            due = due + (self.member & joint[run_of]) * model.us("joint_procurement_fee") \
                * model.accounts.market_bill
        pooled = (n > 0) & region["pooled_evaluation"]
        if pooled.any():
            total = u["pooled_evaluation_running_cost"] + self.evaluations_last * u[
                "evaluation_cost"]
            budget = model.accounts.budget * self.member
            equal = u["pool_cost_equal_share"]
            part_equal = (equal / np.maximum(n, 1))[run_of]
            part_budget = (1.0 - equal)[run_of] * budget / np.maximum(
                model.per_run_sum(budget), 1e-12)[run_of]
            self.due_evaluation = (self.member & pooled[run_of]) * total[run_of] * (
                part_equal + part_budget)
            due = due + self.due_evaluation
        self.due = due
        return due

    # -- phase -------------------------------------------------------------------------------
    def step(self, model: SovereigntyModel) -> None:
        """Collect fees, build pooled capacity, update trust, exits and re-entries."""
        u, c, run_of = model.u, model.c, model.run_of
        funded = model.accounts.funded
        paid, voluntary = funded["fees"], funded["voluntary"]
        # fixed-shape draws every quarter keep the stream aligned across scenarios
        shocks = np.concatenate(model.draws("cohesion", lambda g: g.normal(
            0.0, c["trust_noise"], model.S)))
        keep = 1.0 - u["capacity_depreciation"]
        region = model.policy.region
        self.eval_stock = self.eval_stock * keep
        self.procurement_stock = self.procurement_stock * keep
        n = self.members(model)
        active = region["pooled_evaluation"] | region["joint_procurement"] | (
            model.per_run_sum(voluntary) > 0)
        free_riding = np.zeros(model.R)
        gains = np.zeros(model.region.n)
        if active.any():
            evaluation_part = np.where(self.due > 0, paid * self.due_evaluation /
                                       np.maximum(self.due, 1e-12), 0.0)
            voluntary_total = model.per_run_sum(voluntary)
            to_testing = c["voluntary_evaluation_share"] * voluntary_total
            self.eval_stock = np.where(active, self.eval_stock + (
                model.per_run_sum(evaluation_part) + to_testing), self.eval_stock)
            self.procurement_stock = np.where(active, self.procurement_stock + (
                model.per_run_sum(paid - evaluation_part) + voluntary_total - to_testing),
                self.procurement_stock)
            arrears = self.member & (paid < self.due - 1e-9)
            self.in_arrears = np.where(active[run_of], arrears, self.in_arrears)
            free_riding = np.where(active & (n > 0), np.bincount(
                run_of, self.in_arrears, minlength=model.R) / np.maximum(n, 1), 0.0)
            pooled = (active & region["pooled_evaluation"])[run_of]
            gains = gains + np.where(pooled, c["pooled_gain_weight"]
                                     * self.evaluated_share[run_of], 0.0)
            joint = (active & region["joint_procurement"])[run_of]
            if joint.any():
                market = model.market
                gains = gains + np.where(joint, (market.beta - market.beta_own).mean(axis=1)
                                         / model.us("max_bargaining_power"), 0.0)
            gains = gains * self.member
        push = m7.pressure(self.rhetoric, self.member, free_riding, c["rhetoric_own_weight"],
                           c["free_riding_weight"], model)
        self.trust = m7.update_trust(self.trust, model.us("initial_trust"),
                                     model.us("trust_reversion"), gains, push,
                                     model.us("cohesion_sensitivity"), shocks)
        threshold = model.us("trust_exit_threshold")
        leaving = m7.exits(self.trust, self.member, threshold)
        joining = m7.reentries(self.trust, self.member, model.policy.lever["member"], threshold,
                               c["reentry_margin"])
        if leaving.any() or joining.any():
            S = model.S
            for kind, which in (("member_exit", leaving), ("member_reentry", joining)):
                for row in np.flatnonzero(which):
                    model.world.logs[row // S].append({
                        "step": model.steps, "origin": "model", "kind": kind,
                        "targets": [model.region.iso3[row % S]]})
            self.member = (self.member & ~leaving) | joining
        self.cohesion = m7.cohesion(self.trust, self.member, model)
        self.shared_level = region["shared_standards"] * self.cohesion
