"""M5 National model programme: capex, running cost, a learning curve limited by talent and
chip access, and a local-language advantage (the archetype's language fit)."""

from __future__ import annotations

import numpy as np


def affordable(capex: float, annual_budget, affordability_years: float) -> np.ndarray:
    """A programme starts only if ``capex <= affordability_years * annual AI budget``."""
    return capex <= affordability_years * np.asarray(annual_budget)


def quarterly_cost(age, capex: float, opex: float, build_quarters: int) -> np.ndarray:
    """Cost in a programme's quarter ``age`` (0 = launch quarter; -1 = not launched):
    ``capex / build_quarters`` while building, plus ``opex`` every quarter once launched."""
    age = np.asarray(age)
    launched = age >= 0
    building = launched & (age < build_quarters)
    return np.where(building, capex / build_quarters, 0.0) + np.where(launched, opex, 0.0)


def learn(quality, ceiling, learning_rate: float, talent, chip_access, compute_capacity):
    """Quality after one quarter of development:
    ``q + rate * talent * chip_access * (0.5 + 0.5 * compute) * (ceiling - q)``."""
    speed = learning_rate * talent * chip_access * (0.5 + 0.5 * compute_capacity)
    return quality + speed * np.maximum(ceiling - quality, 0.0)
