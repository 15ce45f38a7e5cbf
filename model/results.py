"""Tidy results: one row per step x state, and one per step for the region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .parameters import REGION_OUTCOMES, STATE_OUTCOMES, SUMMARY_OUTCOMES, SUMMED_OUTCOMES

if TYPE_CHECKING:
    from .model import SovereigntyModel

MODEL_VERSION = "0.1.0"


@dataclass
class Results:
    """Outcomes of one run.

    ``states``: columns ``step, iso3`` then every state outcome. ``region``: ``step``, the
    region outcomes, then each state outcome aggregated over states (sum for counts and
    costs, mean otherwise). ``provenance``: model version, scenario name and hash, seed.
    """

    states: pd.DataFrame
    region: pd.DataFrame
    events: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_model(cls, model: SovereigntyModel) -> Results:
        steps = model.steps + 1
        S = model.n_states
        values = model.state_metrics[:steps].reshape(steps * S, -1)
        states = pd.DataFrame(values, columns=[o.name for o in STATE_OUTCOMES])
        states.insert(0, "iso3", pd.Categorical(np.tile(model.iso3, steps),
                                                categories=model.iso3))
        states.insert(0, "step", np.repeat(np.arange(steps), S))
        states["member"] = states["member"].astype(bool)
        region = pd.DataFrame(model.region_metrics[:steps],
                              columns=[o.name for o in REGION_OUTCOMES])
        region.insert(0, "step", np.arange(steps))
        per_step = model.state_metrics[:steps]
        for k, o in enumerate(STATE_OUTCOMES):
            if o.name in ("trust", "member"):
                continue
            agg = per_step[:, :, k].sum(1) if o.name in SUMMED_OUTCOMES else \
                per_step[:, :, k].mean(1)
            region[o.name] = agg
        events = pd.DataFrame(model.event_log, columns=["step", "origin", "kind", "targets",
                                                        "params"])
        provenance = {"model_version": MODEL_VERSION, "scenario": model.spec.name,
                      "scenario_hash": model.spec.digest(), "seed": model.seed,
                      "steps": model.steps}
        return cls(states, region, events, provenance)

    def final(self) -> pd.DataFrame:
        """The last step, one row per state (indexed by ISO3)."""
        last = self.states[self.states["step"] == self.states["step"].max()]
        return last.set_index("iso3").drop(columns="step")

    def summary(self) -> pd.DataFrame:
        """Per state at the last step: dependence, leverage, cost, control, possession."""
        return self.final()[list(SUMMARY_OUTCOMES)]

    def to_file(self, path) -> None:
        """Write the per-state tidy table to ``.csv`` or ``.parquet``, with provenance
        columns so the file says where it came from."""
        from pathlib import Path
        path = Path(path)
        frame = self.states.assign(**{k: v for k, v in self.provenance.items()
                                      if k in ("model_version", "scenario", "scenario_hash",
                                               "seed")})
        if path.suffix == ".parquet":
            frame.to_parquet(path, index=False)
        elif path.suffix == ".csv":
            frame.to_csv(path, index=False)
        else:
            raise ValueError(f"{path}: unsupported file type; use .csv or .parquet")
