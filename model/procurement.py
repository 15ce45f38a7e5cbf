"""Contract renewal: tenders score every available supplier for a batch of workflows.

A tender combines the mechanisms: perceived quality and reliability (M2), price (M4),
switching cost (M1), the diversification cap (M8), the evaluation requirement, the 'ours'
premium (M5) and suppliers' regional capacity (M6: substitute supply is limited). All
workflows up for renewal in a quarter are tendered at once (vectorised), both layers in one
score matrix whose model and compute columns are contiguous.
"""

from __future__ import annotations

import numpy as np


def score(value, perceived_reliability, high_stakes, relative_price, premium, noise,
          price_weight: float, reliability_weight: float) -> np.ndarray:
    """Utility of each supplier (column) for each workflow (row), before switching costs:

    ``value - reliability_weight * high_stakes * (1 - reliability) - price_weight * price
    + premium + noise``, where value = perceived quality x language fit (1 for compute
    suppliers) and price is relative to the state's reference price.
    """
    return (value - reliability_weight * high_stakes[:, None] * (1.0 - perceived_reliability)
            - price_weight * relative_price + premium + noise)


def charge_switching(utility, is_model, current, penalty) -> np.ndarray:
    """Subtract each layer's switching penalty (utility points) from every supplier in that
    layer except the workflow's current one. ``current`` and ``penalty`` are (layers, n):
    row 0 the model layer, row 1 the compute layer."""
    columns = np.arange(utility.shape[1])
    is_current = (columns == current[0][:, None]) | (columns == current[1][:, None])
    per_column = np.where(is_model, penalty[0][:, None], penalty[1][:, None])
    return utility - per_column * ~is_current


def best(masked, layers: tuple[slice, ...]) -> np.ndarray:
    """Best column per layer, (layers, n)."""
    return np.array([masked[:, layer].argmax(axis=1) + layer.start for layer in layers])


def relax_bars(allowed, barred, layers: tuple[slice, ...]) -> np.ndarray:
    """Allowed-and-unbarred mask, with the bars (cap, evaluation requirement) dropped for a
    workflow that would otherwise have no supplier in a layer."""
    ok = allowed & ~barred
    starts = [layer.start for layer in layers]
    empty = ~np.logical_or.reduceat(ok, starts, axis=1)
    if empty.any():
        for k, layer in enumerate(layers):
            rows = empty[:, k]
            ok[rows, layer] = allowed[rows, layer]
    return ok


def rank_within(groups, value) -> np.ndarray:
    """Each row's rank (0 = highest ``value``) among the rows of its group."""
    order = np.lexsort((-value, groups))
    sorted_groups = groups[order]
    first = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - first
    return rank


def ration(utility, winner, groups_of, room, rounds: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Enforce suppliers' capacity within one layer.

    ``utility`` (n, k) has unusable columns at -inf, ``winner`` (n,) is each row's
    unconstrained choice (a column of ``utility``), ``groups_of(winner)`` maps choices to
    capacity groups and ``room`` is each group's free capacity (workflows). Where a group's
    awards exceed its room, the rows that value it most keep it and the rest move to their
    next choice, for up to ``rounds`` rounds. Returns ``(winner, unplaced)``: unplaced rows
    found no supplier with room.
    """
    utility = utility.copy()
    n = len(winner)
    rows = np.arange(n)
    room = np.append(room, np.inf)  # the last group holds rows taken out of the allocation
    out = len(room) - 1
    unplaced = np.zeros(n, dtype=bool)
    for attempt in range(rounds + 1):
        groups = np.where(unplaced, out, groups_of(winner))
        demand = np.bincount(groups, minlength=len(room))
        over = (demand > room + 1e-9)[groups]
        if not over.any():
            break
        # ranks only within over-subscribed groups (whole groups, so ranks are unchanged)
        crowded = np.flatnonzero(over)
        excess = np.zeros(n, dtype=bool)
        excess[crowded] = rank_within(groups[crowded], utility[crowded, winner[crowded]]) \
            >= np.floor(room[groups[crowded]] + 1e-9)
        if attempt == rounds:
            unplaced |= excess
            break
        utility[rows[excess], winner[excess]] = -np.inf
        choice = utility.argmax(axis=1)
        nowhere = excess & ~np.isfinite(utility[rows, choice])
        unplaced |= nowhere
        winner = np.where(excess & ~nowhere, choice, winner)
    return winner, unplaced
