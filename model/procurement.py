"""Contract renewal: tenders score every available supplier for a batch of workflows.

A tender combines the mechanisms: perceived quality and reliability (M2), price (M4),
switching cost (M1), the diversification cap (M8), the evaluation requirement and the 'ours'
premium (M5). All workflows up for renewal in a quarter are tendered at once (vectorised),
both layers in one score matrix whose model and compute columns are contiguous.
"""

from __future__ import annotations

import numpy as np

#: Utility lost per point of (perceived) unreliability on a high-stakes workflow; assumption.
RELIABILITY_WEIGHT = 5.0


def score(value, perceived_reliability, high_stakes, relative_price, premium, noise,
          price_weight: float) -> np.ndarray:
    """Utility of each supplier (column) for each workflow (row), before switching costs:

    ``value - RELIABILITY_WEIGHT * high_stakes * (1 - reliability) - price_weight * price
    + premium + noise``, where value = perceived quality x language fit (constant across
    compute suppliers) and price is relative to the state's reference price.
    """
    return (value - RELIABILITY_WEIGHT * high_stakes[:, None] * (1.0 - perceived_reliability)
            - price_weight * relative_price + premium + noise)


def charge_switching(utility, layer_of_column, current, penalty) -> np.ndarray:
    """Subtract each layer's switching penalty (utility points) from every supplier in that
    layer except the workflow's current one. ``current`` and ``penalty`` are (layers, n)."""
    out = utility - penalty.T[:, layer_of_column]
    rows = np.arange(utility.shape[0])
    for cur, pen in zip(current, penalty):
        out[rows, cur] += pen
    return out


def choose(utility, allowed, barred, layers: tuple[slice, ...], current) -> np.ndarray:
    """Winner per layer (array (layers, n)): the best allowed, unbarred supplier. Bars (cap,
    evaluation requirement) are dropped for a workflow that would otherwise have no supplier
    in a layer; a workflow with no allowed supplier at all keeps its current one."""
    ok = allowed & ~barred
    starts = [layer.start for layer in layers]
    empty = ~np.logical_or.reduceat(ok, starts, axis=1)
    if empty.any():  # rare: relax the bars for that workflow and layer
        for k, layer in enumerate(layers):
            rows = empty[:, k]
            ok[rows, layer] = allowed[rows, layer]
    masked = np.where(ok, utility, -np.inf)
    winners = np.empty((len(layers), utility.shape[0]), dtype=np.int64)
    for k, layer in enumerate(layers):
        part = masked[:, layer]
        best = part.argmax(axis=1)
        found = np.isfinite(part.max(axis=1))
        winners[k] = np.where(found, best + layer.start, current[k])
    return winners
