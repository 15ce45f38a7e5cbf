"""M2 Evaluation reveals quality; M3 evaluation is non-rival (pooled testing).

A buyer sees a supplier's *claimed* quality and reliability until it (or its pool) has
evaluated that supplier; an evaluation reveals the true values with noise that falls as
testing capacity rises. One pooled evaluation serves every member at once.
"""

from __future__ import annotations

import numpy as np

#: Standard deviation of an evaluation's error at zero capacity (quality points); assumption.
EVALUATION_NOISE = 0.1


def capacity(stock, half_capacity: float) -> np.ndarray:
    """Effective capacity 0-1 of an investment stock: ``stock / (stock + half_capacity)``."""
    stock = np.asarray(stock, dtype=float)
    return stock / (stock + half_capacity)


def accumulate(stock, investment, depreciation: float) -> np.ndarray:
    """Stock after one quarter: ``stock * (1 - depreciation) + investment``."""
    return np.asarray(stock) * (1.0 - depreciation) + investment


def evaluate(known: np.ndarray, estimate: np.ndarray, capacity_by_buyer: np.ndarray,
             true_quality: np.ndarray, draws: np.ndarray, noise: np.ndarray,
             evaluable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One quarter of testing by buyers (rows) of suppliers (columns).

    Each evaluable supplier is tested with probability equal to the buyer's capacity; a
    test sets ``estimate = true + noise * EVALUATION_NOISE * (1 - capacity)``.
    Returns (known, estimate, newly_tested).
    """
    cap = capacity_by_buyer[..., None]
    tested = (draws < cap) & evaluable
    fresh = true_quality + noise * EVALUATION_NOISE * (1.0 - cap)
    return known | tested, np.where(tested, fresh, estimate), tested


def perceived(known, estimate, claimed) -> np.ndarray:
    """What a buyer believes: the estimate where evaluated, otherwise the claim."""
    return np.where(known, estimate, claimed)
