"""M6 Conditional supply: a supplier's home bloc (or the supplier) can restrict supply to
some states. Affected workflows lose service until they have migrated elsewhere, which takes
longer the deeper their lock-in: lock-in turns into disruption time."""

from __future__ import annotations

import numpy as np


def cut_off(model_vendor, compute_vendor, owner, unavailable) -> np.ndarray:
    """Workflows whose model or compute supplier is unavailable to their state.

    ``unavailable[s, v]`` is True where supplier v cannot serve state s.
    """
    return unavailable[owner, model_vendor] | unavailable[owner, compute_vendor]


def expire(restricted_until, step: int) -> np.ndarray:
    """Restrictions still in force at ``step`` (``restricted_until`` is exclusive)."""
    return restricted_until > step
