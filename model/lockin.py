"""M1 Lock-in: switching cost grows with time on a supplier and falls with portability
and interoperability standards; switching pays it once and resets lock-in."""

from __future__ import annotations

import numpy as np


def deepen(depth: np.ndarray, growth: float) -> np.ndarray:
    """Lock-in depth after one more quarter on the same supplier.

    ``depth' = depth + growth * (1 - depth)``: depth approaches 1 with time constant
    ``1 / growth`` quarters.
    """
    return depth + growth * (1.0 - depth)


def exposure(depth, portability, standards, standards_effect: float) -> np.ndarray:
    """Share of the maximum switching cost (or migration time) a workflow faces, 0-1.

    ``depth * (1 - portability) * (1 - standards_effect * standards)``
    """
    return depth * (1.0 - portability) * (1.0 - standards_effect * standards)


def switching_cost(exposure_share, annual_price, switching_cost_max: float) -> np.ndarray:
    """Cost (USD m) to move a workflow to another supplier:
    ``switching_cost_max * exposure * annual_price``."""
    return switching_cost_max * exposure_share * annual_price


def migration_quarters(exposure_share, migration_max_quarters: int) -> np.ndarray:
    """Quarters of lost service when a workflow is forced off its supplier (at least 1):
    ``max(1, ceil(migration_max_quarters * exposure))``."""
    return np.maximum(1, np.ceil(migration_max_quarters * exposure_share - 1e-9)).astype(np.int64)
