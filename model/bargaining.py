"""M4 Bargaining: price = unit cost x (1 + markup), the markup split by Nash bargaining.

The buyer's share of the markup (its bargaining power) rises with credible outside options,
demand size (its own, or the bloc's under joint procurement), evaluation capacity (claims
can be checked) and procurement capacity (contract skill).
"""

from __future__ import annotations

import numpy as np

#: Weights of outside options, demand size, evaluation and procurement capacity; assumption.
WEIGHTS = (0.3, 0.3, 0.2, 0.2)


def outside_options(credible_alternatives, switching_cost_ratio) -> np.ndarray:
    """Outside-option strength 0-1: ``n / (n + 1) * 1 / (1 + switching_cost_ratio)``.

    ``n`` counts reachable alternative suppliers in the layer, an unevaluated one as half.
    """
    n = np.maximum(np.asarray(credible_alternatives, dtype=float), 0.0)
    return n / (n + 1.0) / (1.0 + np.asarray(switching_cost_ratio))


def demand_effect(demand, half_saturation: float) -> np.ndarray:
    """Size effect 0-1, saturating (Chipty & Snyder): ``demand / (demand + half)``."""
    demand = np.asarray(demand, dtype=float)
    return demand / (demand + half_saturation)


def bargaining_power(outside, size, evaluation, procurement, max_power: float) -> np.ndarray:
    """Buyer's share of the markup, ``max_power * weighted mean of the four factors``."""
    w_o, w_d, w_e, w_p = WEIGHTS
    return max_power * (w_o * outside + w_d * size + w_e * evaluation + w_p * procurement)


def markup(base_markup: float, markup_factor, power) -> np.ndarray:
    """Markup over unit cost: ``base_markup * markup_factor * (1 - power)``."""
    return base_markup * np.asarray(markup_factor) * (1.0 - np.asarray(power))
