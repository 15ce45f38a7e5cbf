"""What a worker sends back for one run. Kept free of heavy imports: sweep workers import
this module, the engine and nothing else (see :mod:`experiments.worker`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np


@dataclass
class RunRecord:
    """What a worker sends back for one run (compact numpy arrays, no DataFrames)."""

    scenario: str
    scenario_hash: str
    point: int
    replication: int
    seed: int
    params: dict[str, Any]
    model_version: str
    status: str  # "done" or "failed"
    started_at: datetime
    finished_at: datetime
    duration_s: float
    worker: str
    error: str | None = None
    iso3: tuple[str, ...] = ()
    state_steps: np.ndarray | None = None  # (steps, states, len(STATE_COLUMNS))
    region_steps: np.ndarray | None = None  # (steps, len(REGION_COLUMNS))
    state_final: np.ndarray | None = None  # (states, len(STATE_COLUMNS))
    region_final: np.ndarray | None = None  # (len(REGION_COLUMNS),)
    final_step: int = 0

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.scenario, self.point, self.replication)
