"""M4 Bargaining: price = unit cost x (1 + markup), the markup split by Nash bargaining and
shaped by the supply side.

The buyer's share of the markup (its bargaining power) rises with credible outside options,
demand size (its own, or the bloc's under joint procurement), evaluation capacity (claims
can be checked) and procurement capacity (contract skill). Under joint procurement every
member pays the bloc's terms: a member that bargains better alone (large, skilled) can lose
by pooling (Chipty & Snyder 1999; Waning et al. 2009).

The supplier side: the markup rises with the supplier's regional share above its initial
share (market power) and as its regional capacity fills up (scarcity).
"""

from __future__ import annotations

import numpy as np


def outside_options(credible_alternatives, switching_cost_ratio) -> np.ndarray:
    """Outside-option strength 0-1: ``n / (n + 1) * 1 / (1 + switching_cost_ratio)``.

    ``n`` counts reachable alternative suppliers in the layer, weighted by credibility
    (evaluated or not) and by quality relative to the best.
    """
    n = np.maximum(np.asarray(credible_alternatives, dtype=float), 0.0)
    return n / (n + 1.0) / (1.0 + np.asarray(switching_cost_ratio))


def demand_effect(demand, half_saturation: float) -> np.ndarray:
    """Size effect 0-1, saturating (Chipty & Snyder): ``demand / (demand + half)``."""
    demand = np.asarray(demand, dtype=float)
    return demand / (demand + half_saturation)


def bargaining_power(outside, size, evaluation, procurement, max_power: float,
                     weights: tuple[float, float, float, float]) -> np.ndarray:
    """Buyer's share of the markup, ``max_power * weighted mean of the four factors``
    (weights: outside options, demand size, evaluation, procurement; normalised)."""
    w_o, w_d, w_e, w_p = weights
    total = w_o + w_d + w_e + w_p
    return max_power * (w_o * outside + w_d * size + w_e * evaluation + w_p * procurement) / total


def supply_multiplier(share, initial_share, utilisation, share_slope: float,
                      scarcity: float, threshold: float, floor: float = 0.2,
                      ceiling: float = 3.0) -> np.ndarray:
    """Supplier-side markup multiple: ``clip(1 + share_slope * (share - initial), floor,
    ceiling) * (1 + scarcity * clip((utilisation - threshold) / (1 - threshold), 0, 1))``."""
    power = np.clip(1.0 + share_slope * (np.asarray(share) - initial_share), floor, ceiling)
    tight = np.clip((np.asarray(utilisation) - threshold) / (1.0 - threshold), 0.0, 1.0)
    return power * (1.0 + scarcity * tight)


def markup(base_markup: float, markup_factor, power, supply=1.0) -> np.ndarray:
    """Markup over unit cost: ``base_markup * markup_factor * supply * (1 - power)``."""
    return base_markup * np.asarray(markup_factor) * supply * (1.0 - np.asarray(power))
