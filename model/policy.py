"""Policy: the levers in force. Quarter 0 is the status quo (every lever at its declared
default) in every scenario; the scenario's levers are enacted at the start of quarter 1, so
the same region and seed give identical quarter-0 outcomes whatever the scenario."""

from __future__ import annotations

from typing import Any

import numpy as np

from .parameters import PARAMETERS, REGION_LEVERS, STATE_LEVERS
from .spec import ScenarioSpec

_DTYPES = {"bool": bool, "int": np.int64, "float": float}


class Policy:
    """State levers (arrays over states) and region levers (scalars) in force."""

    def __init__(self, spec: ScenarioSpec) -> None:
        S = len(spec.states)
        self.status_quo = {p.name: np.full(S, p.default, dtype=_DTYPES[p.type])
                           for p in STATE_LEVERS}
        self.status_quo_region = {p.name: p.default for p in REGION_LEVERS}
        self.scenario = {p.name: spec.state_array(p.name) for p in STATE_LEVERS}
        self.scenario_region = {p.name: spec.value(p.name) for p in REGION_LEVERS}
        self.lever: dict[str, np.ndarray] = self.status_quo
        self.region: dict[str, Any] = self.status_quo_region
        self.enacted = False

    def step(self, model) -> None:
        """Enact the scenario's levers at the start of quarter 1 (once)."""
        if self.enacted:
            return
        self.lever, self.region, self.enacted = self.scenario, self.scenario_region, True
        model.body.enact(model)

    def set_lever(self, model, name: str, rows, value: Any) -> None:
        """A ``set_lever`` event: ``name`` takes ``value`` from this quarter on (for the
        states in ``rows``, or the region). Rhetoric is the body's from quarter 1 on, and
        leaving the body takes effect at once (re-entry follows trust, as for any state whose
        ``member`` lever is on)."""
        p = PARAMETERS[name]
        value = p.check(value)
        if p.scope == "region":
            self.region = {**self.region, name: value}
            return
        self.lever = {**self.lever, name: self.lever[name].copy()}
        self.lever[name][rows] = value
        if name == "possessive_rhetoric":
            model.body.rhetoric[rows] = float(value)
        elif name == "member" and not value:
            model.body.leave(rows)
