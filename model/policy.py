"""Policy: the levers in force. Quarter 0 is the status quo (every lever at its declared
default) in every scenario; the scenario's levers are enacted at the start of quarter 1, so
the same region and seed give identical quarter-0 outcomes whatever the scenario."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .parameters import PARAMETERS, REGION_LEVERS, STATE_LEVERS
from .spec import ScenarioSpec

_DTYPES = {"bool": bool, "int": np.int64, "float": float}


class Policy:
    """State levers (arrays over state rows) and region levers (arrays over runs) in force,
    for every run of the batch."""

    def __init__(self, specs: Sequence[ScenarioSpec]) -> None:
        R, S = len(specs), len(specs[0].states)
        self.status_quo = {p.name: np.full(R * S, p.default, dtype=_DTYPES[p.type])
                           for p in STATE_LEVERS}
        self.status_quo_region = {p.name: np.full(R, p.default, dtype=_DTYPES[p.type])
                                  for p in REGION_LEVERS}
        self.scenario = {p.name: np.concatenate([s.state_array(p.name) for s in specs])
                         for p in STATE_LEVERS}
        self.scenario_region = {p.name: np.array([s.value(p.name) for s in specs],
                                                 dtype=_DTYPES[p.type])
                                for p in REGION_LEVERS}
        self.lever: dict[str, np.ndarray] = self.status_quo
        self.region: dict[str, np.ndarray] = self.status_quo_region
        self.enacted = False

    def step(self, model) -> None:
        """Enact the scenario's levers at the start of quarter 1 (once)."""
        if self.enacted:
            return
        self.lever, self.region, self.enacted = self.scenario, self.scenario_region, True
        model.body.enact(model)

    def set_lever(self, model, name: str, rows, value: Any, run: int = 0) -> None:
        """A ``set_lever`` event in run ``run``: ``name`` takes ``value`` from this quarter on
        (for the state rows ``rows``, or the run's region). Rhetoric is the body's from
        quarter 1 on, and leaving the body takes effect at once (re-entry follows trust, as
        for any state whose ``member`` lever is on)."""
        p = PARAMETERS[name]
        value = p.check(value)
        if p.scope == "region":
            values = self.region[name].copy()
            values[run] = value
            self.region = {**self.region, name: values}
            return
        self.lever = {**self.lever, name: self.lever[name].copy()}
        self.lever[name][rows] = value
        if name == "possessive_rhetoric":
            model.body.rhetoric[rows] = float(value)
        elif name == "member" and not value:
            model.body.leave(rows, model)
