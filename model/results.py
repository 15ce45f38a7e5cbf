"""Tidy results: one row per step x state, and one per step for the region."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .parameters import REGION_OUTCOMES, STATE_OUTCOMES, SUMMARY_OUTCOMES, SUMMED_OUTCOMES
from .version import MODEL_VERSION

if TYPE_CHECKING:
    import pandas as pd

    from .model import SovereigntyModel

#: Provenance keys written into every exported table.
PROVENANCE_COLUMNS = ("model_version", "scenario", "scenario_hash", "seed")


def tidy_states(state_metrics: np.ndarray, iso3) -> pd.DataFrame:
    """One row per step x state (``step, iso3``, then every state outcome) from a
    (steps, states, outcomes) array."""
    import pandas as pd  # here, not at import: the module's constants and sums stay cheap

    steps, n_states, _ = state_metrics.shape
    states = pd.DataFrame(state_metrics.reshape(steps * n_states, -1),
                          columns=[o.name for o in STATE_OUTCOMES])
    states.insert(0, "iso3", pd.Categorical(np.tile(list(iso3), steps), categories=list(iso3)))
    states.insert(0, "step", np.repeat(np.arange(steps), n_states))
    states["member"] = states["member"].astype(bool)
    return states


def aggregate_over_states(values: np.ndarray, outcome: str) -> np.ndarray:
    """A state outcome for the region (last axis = states): summed for counts and costs,
    the mean over states otherwise."""
    return values.sum(-1) if outcome in SUMMED_OUTCOMES else values.mean(-1)


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
        import pandas as pd

        steps = model.steps + 1
        per_step = model.state_metrics[:steps]
        states = tidy_states(per_step, model.iso3)
        region = pd.DataFrame(model.region_metrics[:steps],
                              columns=[o.name for o in REGION_OUTCOMES])
        region.insert(0, "step", np.arange(steps))
        for k, o in enumerate(STATE_OUTCOMES):
            if o.name not in ("trust", "member"):
                region[o.name] = aggregate_over_states(per_step[:, :, k], o.name)
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
        columns and metadata (model version, scenario hash, seed, units; in the Parquet
        schema or a CSVW sidecar ``FILE.csv-metadata.json``, see :mod:`model.exchange`)."""
        from .exchange import metadata, write_table

        path = Path(path)
        if path.suffix not in (".csv", ".parquet"):
            raise ValueError(f"{path}: unsupported file type; use .csv or .parquet")
        p = self.provenance
        frame = self.states.assign(**{k: p[k] for k in PROVENANCE_COLUMNS})
        write_table(frame, path, metadata(
            frame.columns, model_version=p["model_version"],
            scenario_hashes={p["scenario"]: p["scenario_hash"]}, seed=p["seed"],
            steps=p.get("steps")))

    def __repr__(self) -> str:
        p = self.provenance
        return (f"<Results {p.get('scenario')!r} hash {p.get('scenario_hash')} seed "
                f"{p.get('seed')}, {p.get('steps')} quarters, model {p.get('model_version')}:"
                f" states {self.states.shape[0]}x{self.states.shape[1]}, region "
                f"{self.region.shape[0]}x{self.region.shape[1]}, {len(self.events)} events>")

    def _repr_html_(self) -> str:
        from html import escape

        p = self.provenance
        head = ", ".join(f"<b>{escape(str(k))}</b> {escape(str(v))}" for k, v in p.items())
        return (f"<div class='sovsim-results'><p>sovsim Results: {head}; "
                f"<code>.states</code> {self.states.shape[0]} rows, <code>.region</code> "
                f"{self.region.shape[0]} rows, <code>.events</code> {len(self.events)} rows."
                f"</p>{self.summary().to_html(float_format='{:.3f}'.format)}</div>")
