"""M8 Diversification: a cap on any single supplier's share of a state's stakes-weighted
workflows in a layer. It bites at contract renewal: a supplier at or above the cap cannot
win new tenders from that state (unless no other supplier is left)."""

from __future__ import annotations

import numpy as np


def over_cap(shares, cap) -> np.ndarray:
    """``shares[s, v] >= cap[s]`` for suppliers barred from new awards (tolerance 1e-9);
    a cap of 1 means no cap (a sole supplier is not barred)."""
    cap = np.asarray(cap)[:, None]
    return (np.asarray(shares) >= cap - 1e-9) & (cap < 1.0)
