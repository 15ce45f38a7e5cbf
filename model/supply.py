"""M6 Conditional supply: a supplier's home bloc (or the supplier) can restrict supply to
some states. Affected workflows lose service until they have migrated elsewhere, which takes
longer the deeper their lock-in: lock-in turns into disruption time."""

from __future__ import annotations

import numpy as np


def cut_off(cells, unavailable) -> np.ndarray:
    """Workflows whose model or compute supplier is unavailable to their state.

    ``unavailable[s, v]`` is True where supplier v cannot serve state s; ``cells`` is
    (layers, workflows) of flat indices ``s * n_suppliers + v`` into it.
    """
    return unavailable.ravel().take(cells).any(axis=0)


def expire(restricted_until, step: int) -> np.ndarray:
    """Restrictions still in force at ``step`` (``restricted_until`` is exclusive)."""
    return restricted_until > step
