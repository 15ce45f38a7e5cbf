"""World: technology progress, usage growth and events (scheduled, random and live).

The world owns what no agent chooses: suppliers' true frontier quality and unit cost,
who is restricted from serving whom, chip access, and one-quarter shocks. Events that act on
the regional body (summits, political shifts) are passed to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import supply
from .events import Event

if TYPE_CHECKING:
    from .model import SovereigntyModel


class World:
    """Technology, usage, restrictions, chip access and shocks."""

    def __init__(self, model: SovereigntyModel) -> None:
        sup, S = model.suppliers, model.region.n
        self.quality = sup.quality.copy()
        self.unit_cost = sup.unit_cost.copy()
        self.active = np.ones(sup.n, dtype=bool)
        self.restricted_until = np.zeros((S, sup.n), dtype=np.int64)
        self.incident_factor = np.ones(sup.n)
        self._failure_pending = False
        self.shortage_until = 0
        self.shortage_factor = 1.0
        self.chip_access = np.ones(S)
        self.usage = 1.0  # volume of AI use per workflow, relative to quarter 0
        floor = model.c["open_weight_talent_floor"]
        talent = floor + (1.0 - floor) * model.region.readiness
        self.quality_scale = np.where(sup.is_open, talent[:, None], 1.0)  # (S, V)
        self.effective_unit_cost = self.unit_cost
        self.pending: list[Event] = list(model.spec.events)
        self.live: list[Event] = []
        self.log: list[dict[str, Any]] = []

    # -- queries -----------------------------------------------------------------------------
    def blocked(self, step: int) -> np.ndarray:
        """(S, V): suppliers that cannot serve a state (restricted or exited)."""
        return supply.expire(self.restricted_until, step) | ~self.active

    def base_quality(self) -> np.ndarray:
        """(S, V): true quality of every supplier for every state (open weights depend on the
        state's talent; the national column is filled in by the national programmes)."""
        return self.quality * self.quality_scale

    # -- phase -------------------------------------------------------------------------------
    def step(self, model: SovereigntyModel) -> None:
        u, t, sup = model.u, model.steps, model.suppliers
        self.quality = self.quality + u["frontier_quality_growth"] * sup.progress_factor * (
            1.0 - self.quality)
        self.unit_cost = self.unit_cost * (1.0 - u["compute_cost_decline"])
        self.usage *= 1.0 + u["usage_growth"]
        if self._failure_pending:
            self.incident_factor[:] = 1.0
            self._failure_pending = False
        rng = model.streams["events"]
        draws, targets = rng.random(2), rng.random((2, model.region.n))
        for b, bloc in enumerate(("A", "B")):
            if draws[b] < u["restriction_rate"]:
                hit = tuple(model.region.iso3[k] for k in np.flatnonzero(targets[b] < 0.5))
                if hit:
                    self.apply(model, Event(t, "export_control", hit, {
                        "bloc": bloc, "duration": u["restriction_duration"]}), "random")
        while self.pending and self.pending[0].step <= t:
            event = self.pending.pop(0)
            self.apply(model, event, "live" if event in self.live else "scenario")
        if self.restricted_until.max() > t:
            chip_blocked = self.restricted_until[:, sup.chip_cols].max(axis=1) > t
            access = np.where(chip_blocked, model.c["restricted_chip_access"], 1.0)
        else:
            access = np.ones(model.region.n)
        cost = self.unit_cost
        if t < self.shortage_until:
            access = np.minimum(access, model.c["shortage_chip_access"])
            cost = np.where(sup.is_model, cost, cost * self.shortage_factor)
        self.chip_access = access
        self.effective_unit_cost = cost

    # -- events ------------------------------------------------------------------------------
    def schedule(self, event: Event) -> None:
        """Queue a live event (it fires at the start of its step)."""
        self.pending.append(event)
        self.pending.sort(key=lambda e: e.step)
        self.live.append(event)

    def apply(self, model: SovereigntyModel, event: Event, origin: str) -> None:
        """Change the world as ``event`` says (docs/ODD.md, "Events")."""
        t, sup = model.steps, model.suppliers
        rows = model.region.rows(event.targets)
        kind = event.kind
        if kind in ("export_control", "vendor_cutoff"):
            duration = int(event.param("duration"))
            until = model.horizon + 1 if duration == 0 else t + duration
            cols = sup.in_bloc(event.param("bloc"), event.param("layer")) \
                if kind == "export_control" else [sup.column[event.param("vendor")]]
            block = np.ix_(rows, cols)
            self.restricted_until[block] = np.maximum(self.restricted_until[block], until)
        elif kind == "price_shock":
            vendor = event.param("vendor")
            cols = [sup.column[vendor]] if vendor else sup.in_bloc(event.param("bloc"))
            self.unit_cost[cols] *= float(event.param("factor"))
        elif kind == "supplier_exit":
            key = event.param("vendor")
            self.active[sup.column[key]] = False
            model.retire_vendor(key)
        elif kind == "model_failure":
            self.incident_factor[sup.column[event.param("vendor")]] = float(event.param("factor"))
            self._failure_pending = True  # the factor applies to this quarter only
        elif kind == "chip_shortage":
            self.shortage_until = t + int(event.param("duration"))
            self.shortage_factor = float(event.param("factor"))
        elif kind == "regional_summit":
            model.body.boost_trust(float(event.param("trust_boost")))
        elif kind == "political_shift":
            model.body.rhetoric[rows] = float(event.param("rhetoric"))
        elif kind == "set_lever":
            model.policy.set_lever(model, event.param("lever"), rows, event.param("value"))
        self.log.append({"step": t, "origin": origin, **event.to_dict()})
