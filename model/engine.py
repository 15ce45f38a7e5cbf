"""The engine: R runs of the model advanced together, in one set of arrays.

Every component's state carries the runs on its leading axis. Per-state arrays stack the
runs' states into ``R * S`` rows (run ``r``'s states are rows ``r*S .. r*S + S - 1``), per
workflow arrays stack the runs' workflows the same way, and per-supplier arrays that
belong to a run (true quality, unit cost, regional load and capacity) are ``(R, V)``. Per
state sums are segment reductions over the stacked owner index, so the runs never mix:
each row's arithmetic is the same whether it is computed with one run or with a thousand.
``SovereigntyModel`` (a ``mesa.Model``) is the engine with R = 1.

Runs in one batch share the region and the horizon; they may differ in seed, uncertainty
values, levers and events. Each run keeps its own named random streams (see
:mod:`model.streams`), drawn with the same shapes in the same order as it would alone, so a
run's results are identical to the bit whether it runs alone or in a batch, and scenarios
keep comparing on common random numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .accounts import Accounts
from .body import RegionalBody
from .capacity import Capacities
from .evaluation import Evaluation
from .market import Market
from .metrics import Metrics
from .national_programme import NationalProgrammes
from .parameters import CONSTANT_VALUES, PARAMETERS
from .policy import Policy
from .spec import ScenarioSpec
from .streams import make_streams, root_sequence
from .tables import Region, Suppliers, Workflows
from .world import World

#: One quarter, in order (docs/ODD.md, "Process overview"): (component, phase).
PROCESS: tuple[tuple[str, str], ...] = (
    ("policy", "step"),          # quarter 1 only: the scenario's levers take effect
    ("world", "step"),           # technology, usage, events, chip access
    ("accounts", "plan"),        # budgets: what can be funded this quarter
    ("body", "step"),            # fees collected, pooled capacity, trust, exits, re-entries
    ("programmes", "step"),      # national programmes: build, release, learn (M5)
    ("capacities", "step"),      # capacity stocks, standards adopted
    ("market", "refresh_supply"),  # who can serve whom (M6)
    ("evaluation", "step"),      # releases -> staleness -> pooled tests -> own tests (M2, M3)
    ("market", "step"),          # migrations, tenders, lock-in, capacity, prices (M1, M4, M8)
    ("accounts", "settle"),      # bills, coverage within budget, incidents, value (M9)
    ("metrics", "record"),       # outcomes
)

_DTYPES = {"bool": bool, "int": np.int64, "float": float}
UNCERTAINTY_NAMES = tuple(p.name for p in PARAMETERS.values() if p.kind == "uncertainty")


class BatchError(ValueError):
    """Runs that cannot share a batch (a different region or horizon)."""


class Engine:
    """R runs advanced together.

    Args:
        specs: one resolved scenario per run (same region and horizon for all).
        seeds: one seed per run (default: each spec's own seed).
        listener: told when a national model is released or a supplier exits (the Mesa
            model keeps its vendor agents in step); only with one run.
    """

    def __init__(self, specs: Sequence[ScenarioSpec], seeds: Sequence[int] | None = None,
                 listener: Any = None) -> None:
        specs = list(specs)
        if not specs:
            raise BatchError("a batch needs at least one run")
        first = specs[0]
        for spec in specs[1:]:
            if spec.states != first.states:
                raise BatchError("runs in one batch must share the region")
            if spec.horizon != first.horizon:
                raise BatchError("runs in one batch must share the horizon")
        if listener is not None and len(specs) != 1:
            raise BatchError("a listener needs a batch of one run")
        self.specs = specs
        self.seeds = [s.seed for s in specs] if seeds is None else list(seeds)
        if len(self.seeds) != len(specs):
            raise BatchError("one seed per run")
        self.listener = listener
        self.R = R = len(specs)
        self.steps = 0
        self.horizon = first.horizon
        self.streams = [make_streams(root_sequence(seed)) for seed in self.seeds]
        #: uncertainty values, one per run (R,)
        self.u = {name: np.array([s.value(name) for s in specs],
                                 dtype=_DTYPES[PARAMETERS[name].type])
                  for name in UNCERTAINTY_NAMES}
        self.c = CONSTANT_VALUES
        self.region = Region(first.states, R)
        S = self.region.per_run
        self.S = S
        self.run_of = np.repeat(np.arange(R), S)  # run of each state row
        self._us: dict[str, np.ndarray] = {}
        self._uw: dict[str, np.ndarray] = {}
        self.suppliers = Suppliers.build()
        self.workflows = Workflows(self)
        self.run_of_wf = self.run_of[self.workflows.owner]
        self.policy = Policy(specs)
        self._set_volumes()
        # components, in the order they depend on each other at set-up
        self.world = World(self)
        self.programmes = NationalProgrammes(self)
        self.capacities = Capacities(self)
        self.body = RegionalBody(self)
        self.evaluation = Evaluation(self)
        self.market = Market(self)
        self.accounts = Accounts(self)
        self.accounts.open_books(self)
        self.metrics = Metrics(self)
        self.metrics.record(self)  # quarter 0: the status quo

    # ---------------------------------------------------------------- per-run values
    def us(self, name: str) -> np.ndarray:
        """An uncertainty's value on every state row (R * S,)."""
        got = self._us.get(name)
        if got is None:
            got = self._us[name] = self.u[name][self.run_of]
        return got

    def uc(self, name: str) -> np.ndarray:
        """An uncertainty's value on every state row, as a column (R * S, 1)."""
        return self.us(name)[:, None]

    def uw(self, name: str) -> np.ndarray:
        """An uncertainty's value on every workflow (R * N,)."""
        got = self._uw.get(name)
        if got is None:
            got = self._uw[name] = self.u[name][self.run_of_wf]
        return got

    def per_run_sum(self, values: np.ndarray) -> np.ndarray:
        """(R,) sums over each run's state rows (sequential, in row order)."""
        return np.bincount(self.run_of, values, minlength=self.R)

    def draws(self, stream: str, draw) -> list[Any]:
        """``draw(generator)`` on every run's named stream, in run order."""
        return [draw(s[stream]) for s in self.streams]

    # ---------------------------------------------------------------- set-up
    def _set_volumes(self) -> None:
        """Workflow volume per state: services cost ``service_budget_share`` of the
        status-quo budget at quarter-0 reference prices (frontier A on cloud A, no
        bargaining power)."""
        status_quo_budget = self.policy.status_quo["ai_budget_share"] * self.region.gdp / 4 / 1e6
        frontier = self.suppliers.column["frontier_a"]
        reference_unit = 2.0 * (1.0 + self.us("base_markup")
                                * self.suppliers.markup_factor[frontier])
        self.volume = self.c["service_budget_share"] * status_quo_budget / (
            self.workflows.per_state * reference_unit)
        self.reference_price = self.volume * 2.0  # US$ m per workflow-quarter at unit cost

    # ---------------------------------------------------------------- shared queries
    def true_quality(self) -> np.ndarray:
        """(R*S, V): true model quality for each state (the national column: its
        programme)."""
        q = self.world.base_quality(self)
        q[:, self.suppliers.national_model] = self.programmes.quality
        return q

    def released_national(self, row: int) -> None:
        if self.listener is not None:
            self.listener.add_national_vendor(row)

    def supplier_exited(self, key: str) -> None:
        if self.listener is not None:
            self.listener.retire_vendor(key)

    # ---------------------------------------------------------------- step
    def step(self) -> None:
        """One quarter of every run: the phases of :data:`PROCESS`, in order."""
        self.steps += 1
        for component, phase in PROCESS:
            getattr(getattr(self, component), phase)(self)

    def run(self, progress=None) -> Engine:
        """Run every run to the horizon."""
        while self.steps < self.horizon:
            self.step()
            if progress is not None:
                progress()
        return self

    # ---------------------------------------------------------------- per-run views
    def state_by_run(self) -> np.ndarray:
        """(R, steps + 1, S, outcomes): every run's state outcomes so far."""
        t = self.steps + 1
        shape = (t, self.R, self.S, self.metrics.state.shape[-1])
        return self.metrics.state[:t].reshape(shape).transpose(1, 0, 2, 3)

    def region_by_run(self) -> np.ndarray:
        """(R, steps + 1, region outcomes): every run's region outcomes so far."""
        return self.metrics.region[: self.steps + 1].transpose(1, 0, 2)

    def state_rows(self, r: int) -> slice:
        return slice(r * self.S, (r + 1) * self.S)

    def view(self, r: int) -> RunView:
        """Run ``r``'s outcomes and log, shaped as a one-run model's."""
        return RunView(self, r)

    def results(self, r: int):
        """Tidy results of run ``r`` (see :class:`model.results.Results`)."""
        from .results import Results
        return Results.from_model(self.view(r))


class RunView:
    """One run of a batch, with the attributes :class:`model.results.Results` reads."""

    def __init__(self, engine: Engine, r: int) -> None:
        rows = engine.state_rows(r)
        self.spec = engine.specs[r]
        self.seed = engine.seeds[r]
        self.steps = engine.steps
        self.horizon = engine.horizon
        self.iso3 = engine.region.iso3
        self.state_metrics = engine.metrics.state[: engine.steps + 1, rows]
        self.region_metrics = engine.metrics.region[: engine.steps + 1, r]
        self.event_log = engine.world.logs[r]




def run_batch(specs: Sequence[ScenarioSpec], seeds: Sequence[int] | None = None) -> Engine:
    """Run every spec to the horizon in one batch (same region and horizon) and return the
    engine; :meth:`Engine.results`, :meth:`Engine.state_by_run` read the outcomes."""
    return Engine(specs, seeds).run()


__all__ = ["PROCESS", "BatchError", "Engine", "RunView", "run_batch"]
