"""sovsim's simulation: states, suppliers and a regional body (see docs/ODD.md).

Names are loaded lazily (PEP 562) so that light commands, such as validating a scenario
file, do not pay for importing Mesa.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "run": "api", "Event": "events", "EVENT_KINDS": "events", "SovereigntyModel": "model",
    "CONSTANTS": "parameters", "LEVERS": "parameters", "OUTCOMES": "parameters",
    "PARAMETERS": "parameters", "REGION_OUTCOMES": "parameters", "STATE_OUTCOMES": "parameters",
    "UNCERTAINTIES": "parameters", "StateData": "region", "asean_states": "region",
    "MODEL_VERSION": "results", "Results": "results", "ScenarioSpec": "spec",
    "SpecError": "spec", "Engine": "engine", "run_batch": "engine",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
