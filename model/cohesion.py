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
    member = np.asarray(member, bool)
    n = member.sum()
    total = np.sum(np.where(member, own_rhetoric, 0.0))
    others = np.where(n > 1, (total - np.where(member, own_rhetoric, 0.0)) / max(n - 1, 1), 0.0)
    pressure = 0.5 * (own_rhetoric + others) + 0.5 * free_riding
    new = np.clip(trust + sensitivity * (gains - pressure) + shocks, 0.0, 1.0)
    return np.where(member, new, trust)


def cohesion(trust, member) -> float:
    """Mean trust of current members (0 with no members)."""
    member = np.asarray(member, bool)
    return float(np.mean(trust[member])) if member.any() else 0.0


def exits(trust, member, threshold: float) -> np.ndarray:
    """Members that leave: trust below the threshold."""
    return np.asarray(member, bool) & (np.asarray(trust) < threshold)
