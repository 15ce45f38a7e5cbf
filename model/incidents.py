"""M9 Incidents: per high-stakes workflow and quarter, failure probability rises with the
supply chain's unreliability and with deployment without evaluation."""

from __future__ import annotations

import numpy as np


def probability(base_rate: float, reliability, evaluated, unevaluated_multiplier: float,
                evaluation_effectiveness: float, reference_unreliability: float) -> np.ndarray:
    """``base * (1 - reliability) / reference * (1 + mult * (1 - effectiveness *
    evaluated))``, capped at 1."""
    risk = base_rate * (1.0 - np.asarray(reliability)) / reference_unreliability
    extra = 1.0 + unevaluated_multiplier * (1.0 - evaluation_effectiveness * np.asarray(evaluated))
    return np.minimum(risk * extra, 1.0)
