"""Contract renewal: tenders score every available supplier for a batch of workflows.

A tender combines the mechanisms: perceived quality and reliability (M2), price (M4),
switching cost (M1), the diversification cap (M8), the evaluation requirement and the 'ours'
premium (M5). All workflows up for renewal in a quarter are tendered at once (vectorised).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Utility lost per point of (perceived) unreliability on a high-stakes workflow; assumption.
RELIABILITY_WEIGHT = 5.0


@dataclass
class Tender:
    """Inputs for one layer's tender, one row per workflow (n) and column per supplier (V)."""

    allowed: np.ndarray  # (n, V) available to this workflow's state and in this layer
    value: np.ndarray  # (n, V) perceived quality x language fit (0 for compute)
    perceived_reliability: np.ndarray  # (n, V)
    high_stakes: np.ndarray  # (n,) bool
    relative_price: np.ndarray  # (n, V) price / the state's reference price
    switch_penalty: np.ndarray  # (n,) utility cost of leaving the current supplier
    current: np.ndarray  # (n,) current supplier index
    premium: np.ndarray  # (n, V) 'ours' premium
    barred: np.ndarray  # (n, V) over the diversification cap or unevaluated where required
    noise: np.ndarray  # (n, V) Gumbel taste shocks


def utility(t: Tender, price_weight: float) -> np.ndarray:
    """Score of each supplier for each workflow; -inf where it cannot win.

    ``value - RELIABILITY_WEIGHT * high_stakes * (1 - reliability) - price_weight * price
    - switch_penalty * (supplier != current) + premium + noise``. Bars (cap, evaluation
    requirement) are dropped for a workflow that would otherwise have no supplier at all.
    """
    score = (t.value - RELIABILITY_WEIGHT * t.high_stakes[:, None] * (1.0 - t.perceived_reliability)
             - price_weight * t.relative_price + t.premium + t.noise)
    n = len(t.current)
    leaving = np.ones_like(score, dtype=bool)
    leaving[np.arange(n), t.current] = False
    score = score - t.switch_penalty[:, None] * leaving
    strict = t.allowed & ~t.barred
    fallback = ~strict.any(axis=1)
    mask = np.where(fallback[:, None], t.allowed, strict)
    return np.where(mask, score, -np.inf)


def choose(score: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Winning supplier per workflow; a workflow with no allowed supplier keeps ``current``."""
    winner = np.argmax(score, axis=1)
    none = ~np.isfinite(score[np.arange(len(current)), winner])
    return np.where(none, current, winner)
