"""M7 Cohesion: the regional body's effectiveness scales with members' trust. Possessive
rhetoric and free-riding erode trust; visible joint gains (shared evaluations, bloc savings)
restore it. A member whose trust falls below the exit threshold leaves for good."""

from __future__ import annotations

import numpy as np


def update_trust(trust, member, gains, own_rhetoric, free_riding, sensitivity: float,
                 shocks) -> np.ndarray:
    """Members' trust after a quarter, clipped to [0, 1]:

    ``trust + sensitivity * (gains - pressure) + shock``, where pressure is the mean of the
    state's own rhetoric and other members' mean rhetoric, plus 0.5 per free-rider share.
    Non-members' trust is left unchanged.
    """
    n = int(np.count_nonzero(member))
    member_rhetoric = own_rhetoric * member
    others = (member_rhetoric.sum() - member_rhetoric) / (n - 1) if n > 1 else 0.0
    pressure = 0.5 * (own_rhetoric + others) + 0.5 * free_riding
    new = np.minimum(np.maximum(trust + sensitivity * (gains - pressure) + shocks, 0.0), 1.0)
    return np.where(member, new, trust)


def cohesion(trust, member) -> float:
    """Mean trust of current members (0 with no members)."""
    n = np.count_nonzero(member)
    return float(np.dot(trust, member) / n) if n else 0.0


def exits(trust, member, threshold: float) -> np.ndarray:
    """Members that leave: trust below the threshold."""
    return np.asarray(member, bool) & (np.asarray(trust) < threshold)
