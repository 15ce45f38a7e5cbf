"""M7 Cohesion: the regional body's effectiveness scales with members' trust.

Trust reverts towards its initial level (absent news, suspicion and goodwill both fade),
possessive rhetoric and free-riding push it down, visible joint gains (shared evaluations,
bloc savings; losses count too) push it up. A member whose trust falls below the exit
threshold leaves; a state that left rejoins once its trust recovers past the threshold plus
a margin (exits are reversible).
"""

from __future__ import annotations

import numpy as np


def pressure(own_rhetoric, member, free_riding, own_weight: float,
             free_riding_weight: float, model=None) -> np.ndarray:
    """Pressure on each state's trust: ``own_weight * own rhetoric + (1 - own_weight) *
    other members' mean rhetoric + free_riding_weight * free-rider share``.

    With ``model`` (an engine), rows are state rows of several runs and ``free_riding`` is
    per run: "other members" are those of the same run."""
    member = np.asarray(member, bool)
    member_rhetoric = own_rhetoric * member
    if model is None:
        run_of, runs = np.zeros(len(member), dtype=np.int64), 1
    else:
        run_of, runs = model.run_of, model.R
    n = np.bincount(run_of, member, minlength=runs)
    total = np.bincount(run_of, member_rhetoric, minlength=runs)
    others = np.where((n > 0)[run_of], (total[run_of] - member_rhetoric)
                      / np.maximum(n[run_of] - member, 1), 0.0)
    free = np.broadcast_to(np.asarray(free_riding, dtype=float), (runs,))[run_of]
    return own_weight * own_rhetoric + (1.0 - own_weight) * others \
        + free_riding_weight * free


def update_trust(trust, anchor: float, reversion: float, gains, pressure_now,
                 sensitivity: float, shocks) -> np.ndarray:
    """Trust after a quarter, clipped to [0, 1]:
    ``trust + reversion * (anchor - trust) + sensitivity * (gains - pressure) + shock``."""
    new = trust + reversion * (anchor - trust) + sensitivity * (gains - pressure_now) + shocks
    return np.minimum(np.maximum(new, 0.0), 1.0)


def cohesion(trust, member, model=None):
    """Mean trust of current members (0 with no members); per run, (R,), with ``model``."""
    member = np.asarray(member, bool)
    if model is None:
        n = np.count_nonzero(member)
        return float(np.dot(trust, member) / n) if n else 0.0
    n = np.bincount(model.run_of, member, minlength=model.R)
    total = np.bincount(model.run_of, trust * member, minlength=model.R)
    return np.where(n > 0, total / np.maximum(n, 1), 0.0)


def exits(trust, member, threshold: float) -> np.ndarray:
    """Members that leave: trust below the threshold."""
    return np.asarray(member, bool) & (np.asarray(trust) < threshold)


def reentries(trust, member, willing, threshold: float, margin: float) -> np.ndarray:
    """Former members (whose policy is to be members) that rejoin: trust above
    ``threshold + margin``."""
    return ~np.asarray(member, bool) & willing & (np.asarray(trust) > threshold + margin)
