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


def charge_switching(utility, is_model, current, penalty) -> np.ndarray:
    """Subtract each layer's switching penalty (utility points) from every supplier in that
    layer except the workflow's current one. ``current`` and ``penalty`` are (layers, n):
    row 0 the model layer, row 1 the compute layer."""
    columns = np.arange(utility.shape[1])
    is_current = (columns == current[0][:, None]) | (columns == current[1][:, None])
    per_column = np.where(is_model, penalty[0][:, None], penalty[1][:, None])
    return utility - per_column * ~is_current


def choose(utility, allowed, barred, layers: tuple[slice, ...], current, *,
           complete: bool = False) -> np.ndarray:
    """Winner per layer (array (layers, n)): the best allowed, unbarred supplier. Bars (cap,
    evaluation requirement) are dropped for a workflow that would otherwise have no supplier
    in a layer; a workflow with no allowed supplier at all keeps its current one.

    ``complete=True`` promises that every workflow has an allowed, unbarred supplier in every
    layer (no restrictions, no bars), which skips those checks.
    """
    ok = allowed & ~barred
    masked = np.where(ok, utility, -np.inf)
    best = np.array([masked[:, layer].argmax(axis=1) + layer.start for layer in layers])
    if complete:
        return best
    starts = [layer.start for layer in layers]
    empty = ~np.logical_or.reduceat(ok, starts, axis=1)
    if empty.any():  # rare: relax the bars for that workflow and layer
        for k, layer in enumerate(layers):
            rows = empty[:, k]
            ok[rows, layer] = allowed[rows, layer]
        empty = ~np.logical_or.reduceat(ok, starts, axis=1)
        masked = np.where(ok, utility, -np.inf)
        best = np.array([masked[:, layer].argmax(axis=1) + layer.start for layer in layers])
    return np.where(empty.T, current, best)
