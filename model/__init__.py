"""sovsim's simulation: states, suppliers and a regional body (see docs/ODD.md)."""

from .api import run
from .events import EVENT_KINDS, Event
from .model import SovereigntyModel
from .parameters import (
                         CONSTANTS,
                         LEVERS,
                         OUTCOMES,
                         PARAMETERS,
                         REGION_OUTCOMES,
                         STATE_OUTCOMES,
                         UNCERTAINTIES,
)
from .region import StateData, asean_states
from .results import MODEL_VERSION, Results
from .spec import ScenarioSpec, SpecError

__all__ = ["run", "Event", "EVENT_KINDS", "SovereigntyModel", "CONSTANTS", "LEVERS", "OUTCOMES",
           "PARAMETERS", "REGION_OUTCOMES", "STATE_OUTCOMES", "UNCERTAINTIES", "StateData",
           "asean_states", "MODEL_VERSION", "Results", "ScenarioSpec", "SpecError"]
