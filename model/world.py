"""World: technology progress, usage growth and events (scheduled, random and live).

The world owns what no agent chooses: suppliers' true frontier quality and unit cost,
who is restricted from serving whom, chip access, and one-quarter shocks. Events that act on
the regional body (summits, political shifts) are passed to it. Per-supplier state is kept
per run, (R, V); restrictions per state row, (R*S, V); each run has its own event queue and
log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import supply
from .events import Event

if TYPE_CHECKING:
    from .engine import Engine


class World:
    """Technology, usage, restrictions, chip access and shocks."""

    def __init__(self, model: Engine) -> None:
        sup, R, RS = model.suppliers, model.R, model.region.n
        self.quality = np.tile(sup.quality, (R, 1))
        self.unit_cost = np.tile(sup.unit_cost, (R, 1))
        self.active = np.ones((R, sup.n), dtype=bool)
        self.restricted_until = np.zeros((RS, sup.n), dtype=np.int64)
        self.incident_factor = np.ones((R, sup.n))
        self._failure_pending = np.zeros(R, dtype=bool)
        self.shortage_until = np.zeros(R, dtype=np.int64)
        self.shortage_factor = np.ones(R)
        self.chip_access = np.ones(RS)
        self.usage = np.ones(R)  # volume of AI use per workflow, relative to quarter 0
        self.usage_rows = np.ones(RS)
        floor = model.c["open_weight_talent_floor"]
        talent = floor + (1.0 - floor) * model.region.readiness
        self.quality_scale = np.where(sup.is_open, talent[:, None], 1.0)  # (R*S, V)
        self.effective_unit_cost = self.unit_cost
        self.pending: list[list[Event]] = [list(spec.events) for spec in model.specs]
        self.live: list[list[Event]] = [[] for _ in range(R)]
        self.logs: list[list[dict[str, Any]]] = [[] for _ in range(R)]

    @property
    def log(self) -> list[dict[str, Any]]:
        """The first run's event log (the only one in a one-run model)."""
        return self.logs[0]

    # -- queries -----------------------------------------------------------------------------
    def blocked(self, model: Engine) -> np.ndarray:
        """(R*S, V): suppliers that cannot serve a state (restricted or exited)."""
        return supply.expire(self.restricted_until, model.steps) | ~self.active[model.run_of]

    def base_quality(self, model: Engine) -> np.ndarray:
        """(R*S, V): true quality of every supplier for every state (open weights depend on
        the state's talent; the national column is filled in by the national programmes)."""
        return self.quality[model.run_of] * self.quality_scale

    # -- phase -------------------------------------------------------------------------------
    def step(self, model: Engine) -> None:
        u, t, sup = model.u, model.steps, model.suppliers
        self.quality = self.quality + u["frontier_quality_growth"][:, None] \
            * sup.progress_factor * (1.0 - self.quality)
        self.unit_cost = self.unit_cost * (1.0 - u["compute_cost_decline"])[:, None]
        self.usage = self.usage * (1.0 + u["usage_growth"])
        self.usage_rows = self.usage[model.run_of]
        if self._failure_pending.any():
            self.incident_factor[self._failure_pending] = 1.0
            self._failure_pending[:] = False
        S = model.S
        rate = u["restriction_rate"]
        for r, streams in enumerate(model.streams):
            rng = streams["events"]
            draws, targets = rng.random(2), rng.random((2, S))
            for b, bloc in enumerate(("A", "B")):
                if draws[b] < rate[r]:
                    hit = tuple(model.region.iso3[k] for k in np.flatnonzero(targets[b] < 0.5))
                    if hit:
                        self.apply(model, Event(t, "export_control", hit, {
                            "bloc": bloc, "duration": u["restriction_duration"][r].item()}),
                                   "random", r)
        for r, pending in enumerate(self.pending):
            while pending and pending[0].step <= t:
                event = pending.pop(0)
                self.apply(model, event, "live" if event in self.live[r] else "scenario", r)
        chip_blocked = self.restricted_until[:, sup.chip_cols].max(axis=1) > t
        access = np.where(chip_blocked, model.c["restricted_chip_access"], 1.0)
        cost = self.unit_cost
        short = t < self.shortage_until
        if short.any():
            access = np.where(short[model.run_of],
                              np.minimum(access, model.c["shortage_chip_access"]), access)
            cost = np.where(short[:, None] & ~sup.is_model,
                            cost * self.shortage_factor[:, None], cost)
        self.chip_access = access
        self.effective_unit_cost = cost

    # -- events ------------------------------------------------------------------------------
    def schedule(self, event: Event, run: int = 0) -> None:
        """Queue a live event for run ``run`` (it fires at the start of its step)."""
        pending = self.pending[run]
        pending.append(event)
        pending.sort(key=lambda e: e.step)
        self.live[run].append(event)

    def apply(self, model: Engine, event: Event, origin: str, run: int = 0) -> None:
        """Change run ``run``'s world as ``event`` says (docs/ODD.md, "Events")."""
        t, sup = model.steps, model.suppliers
        rows = model.region.rows(event.targets, run)
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
            self.unit_cost[run, cols] *= float(event.param("factor"))
        elif kind == "supplier_exit":
            key = event.param("vendor")
            self.active[run, sup.column[key]] = False
            model.supplier_exited(key)
        elif kind == "model_failure":
            self.incident_factor[run, sup.column[event.param("vendor")]] = float(
                event.param("factor"))
            self._failure_pending[run] = True  # the factor applies to this quarter only
        elif kind == "chip_shortage":
            self.shortage_until[run] = t + int(event.param("duration"))
            self.shortage_factor[run] = float(event.param("factor"))
        elif kind == "regional_summit":
            model.body.boost_trust(float(event.param("trust_boost")), model, run)
        elif kind == "political_shift":
            model.body.rhetoric[rows] = float(event.param("rhetoric"))
        elif kind == "set_lever":
            model.policy.set_lever(model, event.param("lever"), rows, event.param("value"), run)
        self.logs[run].append({"step": t, "origin": origin, **event.to_dict()})
