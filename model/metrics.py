"""Metrics: every outcome of docs/ODD.md ("Outcomes"), per state and for the region, each
quarter, into (steps, states, outcomes) arrays.

Composite indices are built from outcomes the state experiences, never from levers:
``control_index`` weighs the verified share of high-stakes workflows, the ability to exit
(spend movable within a contract term), price discipline (unit cost over price) and service
continuity; ``possession_index`` weighs national-model and national-compute *use*. The
weights are uncertainties (a researcher can sweep them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .parameters import REGION_OUTCOMES, STATE_OUTCOMES

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel

STATE_INDEX = {o.name: k for k, o in enumerate(STATE_OUTCOMES)}
REGION_INDEX = {o.name: k for k, o in enumerate(REGION_OUTCOMES)}


def weighted(components: tuple[np.ndarray, ...], weights: tuple) -> np.ndarray:
    """Weighted mean of outcome arrays (equal weights where all weights are 0); weights may
    be numbers or arrays (one per row)."""
    total = sum(weights)
    mean = sum(components) / len(components)
    if np.ndim(total) == 0 and total <= 0:
        return mean
    return np.where(np.asarray(total) > 0, sum(
        w * x for x, w in zip(components, weights, strict=True)) / np.where(
            np.asarray(total) > 0, total, 1.0), mean)


class Metrics:
    """Outcome arrays of the run so far."""

    def __init__(self, model: SovereigntyModel) -> None:
        S = model.region.n
        self.state = np.zeros((model.horizon + 1, S, len(STATE_OUTCOMES)))
        self.region = np.zeros((model.horizon + 1, model.R, len(REGION_OUTCOMES)))

    def exit_ability(self, model: SovereigntyModel) -> np.ndarray:
        """(S,) price-weighted share of workflows whose suppliers (both layers) could be left
        within a term at a switching cost of at most the threshold, with an alternative."""
        market, wf = model.market, model.workflows
        ratio = model.uw("switching_cost_max") * market.exposure  # years of spend, (2, N)
        has_alternative = (market.available_count >= 2)[wf.owner].T  # (2, N)
        movable = ((ratio <= model.c["exit_cost_threshold"]) & has_alternative).all(axis=0)
        price = model.accounts.workflow_price
        return wf.sum(price * movable) / np.maximum(wf.sum(price), 1e-12)

    def record(self, model: SovereigntyModel) -> None:
        """Compute this quarter's outcomes into the arrays."""
        t = model.steps
        market, accounts, sup, body = model.market, model.accounts, model.suppliers, model.body
        wf = model.workflows
        shares = market.shares
        beta = market.beta.mean(axis=1)
        ratio = market.switching_ratio.mean(axis=1)
        unit, bill = accounts.unit_bill, accounts.service_bill
        price_discipline = np.where(bill > 0, unit / np.maximum(bill, 1e-12), 1.0)
        continuity = accounts.served_count / wf.per_state
        exit_ability = self.exit_ability(model)
        us = model.us
        control = weighted((accounts.evaluated_share, exit_ability, price_discipline, continuity),
                           (us("control_weight_verified"), us("control_weight_exit"),
                            us("control_weight_price"), us("control_weight_continuity")))
        on_model = shares[:, sup.national_model]
        on_compute = shares[:, sup.national_compute]
        w = us("possession_weight_model")
        values = {
            "supplier_hhi": 5000.0 * (shares * shares).sum(1),
            "external_share": 0.5 * (shares * sup.external).sum(1),
            "largest_supplier_share": shares.max(1),
            "bargaining_power": beta,
            "markup_paid": np.where(unit > 0, bill / np.maximum(unit, 1e-12) - 1.0, 0.0),
            "budget": accounts.budget,
            "spend": accounts.spend,
            "unfunded": accounts.unfunded,
            "cumulative_cost": accounts.cumulative_cost,
            "cost_per_workflow": accounts.spend / np.maximum(accounts.served_count, 1),
            "evaluated_share": accounts.evaluated_share,
            "exit_ability": exit_ability,
            "price_discipline": price_discipline,
            "switching_cost_ratio": ratio,
            "control_index": control,
            "national_model_share": on_model,
            "national_compute_share": on_compute,
            "possession_index": w * on_model + (1.0 - w) * on_compute,
            "service_continuity": continuity,
            "outage_quarters": accounts.outage_quarters,
            "outage_cost": accounts.outage_cost,
            "incidents": accounts.incident_count,
            "public_value": accounts.public_value,
            "standards_level": model.capacities.standards,
            "trust": body.trust,
            "member": body.member,
        }
        self.state[t] = np.array([values[o.name] for o in STATE_OUTCOMES], dtype=float).T
        self.region[t] = np.stack((body.cohesion, body.members(model),
                                   body.pooled_capacity(model), body.evaluations_last), axis=1)
