"""One call for the common case: ``run(spec_or_values, steps=40, seed=1) -> Results``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .model import SovereigntyModel
from .results import Results
from .spec import ScenarioSpec


def run(scenario: ScenarioSpec | Mapping[str, Any] | None = None, *, steps: int | None = None,
        seed: int | None = None, collect: bool = False) -> Results:
    """Run one scenario to its horizon (or ``steps``) and return tidy results.

    ``scenario`` is a :class:`ScenarioSpec`, or a mapping of lever/uncertainty values
    applied to every state on top of the defaults (e.g. ``{"pooled_evaluation": True}``).
    """
    spec = scenario if isinstance(scenario, ScenarioSpec) else ScenarioSpec().with_values(
        **dict(scenario or {}))
    if steps is not None:
        spec = replace(spec, horizon=steps)
    if seed is not None:
        spec = replace(spec, seed=seed)
    model = SovereigntyModel(spec, collect=collect)
    model.run()
    return model.results()
