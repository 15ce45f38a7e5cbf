"""M2 Evaluation reveals quality; M3 evaluation is non-rival (pooled testing).

A buyer sees a supplier's *claimed* quality and reliability until it (or its pool) has
evaluated that supplier; an evaluation reveals the true values with noise that falls as
testing capacity rises. One pooled evaluation serves every member at once.

Order within a quarter (the same for own and pooled testing): suppliers release new
versions, which make earlier evaluations of them stale (for everyone: the pool's and each
state's own); then the pool tests, then each state tests. Only suppliers without a current
evaluation are tested (re-testing a current result would buy nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel


def capacity(stock, half_capacity: float) -> np.ndarray:
    """Effective capacity 0-1 of an investment stock: ``stock / (stock + half_capacity)``."""
    stock = np.asarray(stock, dtype=float)
    return stock / (stock + half_capacity)


def accumulate(stock, investment, depreciation: float) -> np.ndarray:
    """Stock after one quarter: ``stock * (1 - depreciation) + investment``."""
    return np.asarray(stock) * (1.0 - depreciation) + investment


def evaluate(known: np.ndarray, estimate: np.ndarray, capacity_by_buyer: np.ndarray,
             true_quality: np.ndarray, draws: np.ndarray, noise: np.ndarray,
             evaluable: np.ndarray, noise_scale: float) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
    """One quarter of testing by buyers (rows) of suppliers (columns).

    Each evaluable supplier without a current evaluation is tested with probability equal to
    the buyer's capacity; a test sets ``estimate = true + noise * noise_scale * (1 -
    capacity)``. Returns (known, estimate, newly_tested).
    """
    cap = capacity_by_buyer[..., None]
    tested = (draws < cap) & evaluable & ~known
    fresh = true_quality + noise * noise_scale * (1.0 - cap)
    return known | tested, np.where(tested, fresh, estimate), tested


def perceived(known, estimate, claimed) -> np.ndarray:
    """What a buyer believes: the estimate where evaluated, otherwise the claim."""
    return np.where(known, estimate, claimed)


class Evaluation:
    """Who knows what about which supplier: ``known`` and ``estimate`` (R*S, V); the
    pool's ``pool_known`` and ``pool_estimate`` (R, V)."""

    def __init__(self, model: SovereigntyModel) -> None:
        RS, V = model.region.n, model.suppliers.n
        self.known = np.zeros((RS, V), dtype=bool)
        self.estimate = np.zeros((RS, V))
        self.pool_known = np.zeros((model.R, V), dtype=bool)
        self.pool_estimate = np.zeros((model.R, V))
        self.q_true = model.true_quality()

    def step(self, model: SovereigntyModel) -> None:
        u, c, sup, body = model.u, model.c, model.suppliers, model.body
        S, V, run_of = model.S, sup.n, model.run_of
        self.q_true = model.true_quality()
        # fixed shapes per run: row 0 pooled tests, row 1 releases, rows 2.. each state's own
        # tests
        uniform = model.draws("evaluation", lambda g: (g.random((S + 2, V)),
                                                       g.normal(size=(S + 1, V))))
        pool_uniform = np.array([x[0][0] for x in uniform])
        release = np.array([x[0][1] for x in uniform])
        own_uniform = np.concatenate([x[0][2:] for x in uniform])
        pool_normal = np.array([x[1][0] for x in uniform])
        own_normal = np.concatenate([x[1][1:] for x in uniform])
        stale = (release < u["evaluation_staleness"][:, None]) & sup.releases  # (R, V)
        self.known &= ~stale[run_of]
        self.pool_known &= ~stale
        unavailable = model.market.unavailable
        noise_scale = c["evaluation_noise"]
        body.evaluations_last = np.zeros(model.R, dtype=np.int64)
        pooled = model.policy.region["pooled_evaluation"] & (body.members(model) > 0)
        if pooled.any():
            cap = (body.pooled_capacity(model) * body.cohesion)[:, None]
            testable = sup.is_model & model.world.active & ~sup.is_national  # (R, V)
            # the pool tests a supplier on behalf of all (quality differs by state only for
            # open weights, where talent matters; the pool reports the state-independent
            # base)
            base = model.world.quality
            tested = (pool_uniform < cap) & testable & ~self.pool_known & pooled[:, None]
            fresh = base + pool_normal * noise_scale * (1.0 - cap)
            self.pool_estimate = np.where(tested, fresh, self.pool_estimate)
            self.pool_known |= tested
            body.evaluations_last = tested.sum(axis=1)
            count = testable.sum(axis=1)
            share = (self.pool_known & testable).sum(axis=1) / np.maximum(count, 1)
            body.evaluated_share = np.where(pooled, np.where(count > 0, share, 0.0),
                                            body.evaluated_share)
            shared = (body.member & pooled[run_of])[:, None] & self.pool_known[run_of] \
                & ~self.known
            scale = model.world.quality_scale
            self.estimate = np.where(shared, self.pool_estimate[run_of] * scale, self.estimate)
            self.known |= shared
        own = model.capacities.evaluation
        evaluable = sup.is_model & ~unavailable
        self.known, self.estimate, _ = evaluate(self.known, self.estimate, own, self.q_true,
                                                own_uniform, own_normal, evaluable,
                                                noise_scale)

    def evaluated_workflows(self, model: SovereigntyModel) -> np.ndarray:
        """(N,) whether each workflow's model supplier is evaluated by its state."""
        return self.known.ravel().take(model.market.cell[0])
