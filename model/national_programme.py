"""M5 National model programmes: two routes, a budget-paced build, a learning curve, a
local-language advantage, and channels into control.

* **Fine-tune** (the route SEA-LION, Typhoon and Sahabat-AI took): adapt an open-weight
  base; cheap (a share of from-scratch capex) and fast, quality capped by the base's
  quality for the state (open weights depend on talent), which rises as the base improves.
* **From scratch** (MaLLaM, PhoGPT): dearer and slower, starts low, but its ceiling is a
  share of frontier quality, not the open base's.

A programme is launched only where the capex is affordable (a few years of AI budget); its
capex is paid as the budget allows (a short budget stretches the build), its running cost
every quarter. Channels into control: the talent a programme builds (its cumulative
spend) raises the state's evaluation and procurement capacity (``talent_capacity``), and a
released model is an in-house alternative counted among the state's outside options in
bargaining (M4). The states that have a programme today (data) start with it released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .evaluation import capacity
from .vendors import NATIONAL_PROGRAMME

if TYPE_CHECKING:
    from .engine import Engine as SovereigntyModel

NONE, FINE_TUNE, FROM_SCRATCH = 0, 1, 2


def affordable(capex, annual_budget, affordability_years: float) -> np.ndarray:
    """A programme starts only if ``capex <= affordability_years * annual AI budget``."""
    return np.asarray(capex) <= affordability_years * np.asarray(annual_budget)


def learn(quality, ceiling, learning_rate: float, talent, chip_access, compute_capacity,
          compute_floor: float):
    """Quality after one quarter of development:
    ``q + rate * talent * chip_access * (floor + (1 - floor) * compute) * (ceiling - q)``;
    a ceiling below ``q`` (a worse base) pulls quality down to it."""
    speed = learning_rate * talent * chip_access * (compute_floor + (1 - compute_floor)
                                                    * compute_capacity)
    gap = ceiling - quality
    return np.where(gap > 0, quality + speed * gap, ceiling)


class NationalProgrammes:
    """Per state: route, capex paid, age, release, quality and programme experience."""

    def __init__(self, model: SovereigntyModel) -> None:
        region = model.region
        S = region.n
        existing = region.existing_programme
        self.route = np.where(existing, np.where(region.existing_from_scratch, FROM_SCRATCH,
                                                 FINE_TUNE), NONE)
        capex = model.us("national_model_capex")
        self.capex = np.where(self.route == FROM_SCRATCH, capex,
                              capex * model.us("fine_tune_capex_share")) * existing
        self.paid = self.capex.copy()
        self.experience = self.capex.copy()  # cumulative programme spend (US$ m)
        self.age = np.where(existing, 0, -1)
        self.released = existing.copy()
        self.quality = np.zeros(S)
        self.quality = np.where(existing, self.first_release(model), 0.0)  # needs route
        self.opex_due = np.zeros(S)
        self.capex_due = np.zeros(S)
        self.running = existing.copy()  # opex paid in full this quarter
        self.retired = np.zeros(S, dtype=bool)  # closed to new contracts (policy)

    @property
    def launched(self) -> np.ndarray:
        return self.route != NONE

    def ceiling(self, model: SovereigntyModel) -> np.ndarray:
        """(S,) quality ceiling of each state's route."""
        world, sup = model.world, model.suppliers
        run_of = model.run_of
        base = world.quality[run_of, sup.open_column] * world.quality_scale[:, sup.open_column]
        frontier = world.quality[:, sup.frontier_columns].max(axis=1)[run_of]
        return np.where(self.route == FROM_SCRATCH,
                        model.us("national_model_ceiling") * frontier, base)

    def first_release(self, model: SovereigntyModel) -> np.ndarray:
        c = model.c
        return np.where(self.route == FROM_SCRATCH, c["national_model_start_quality"],
                        c["fine_tune_start_share"] * self.ceiling(model))

    def talent_capacity(self, model: SovereigntyModel) -> np.ndarray:
        """(S,) 0-1 programme experience, for the talent spillover."""
        return capacity(self.experience, model.c["talent_half_experience"])

    def plan(self, model: SovereigntyModel) -> None:
        """Launch new programmes (affordable ones the policy wants), then say what is due."""
        c, lever = model.c, model.policy.lever
        self._retire(model, lever["retire_national_model"])
        if not (lever["national_model"] & ~self.launched & ~self.retired).any() and (
                self.paid >= self.capex).all():
            self.capex_due = np.zeros(model.region.n)  # nothing to launch, nothing owed
            self.opex_due = model.us("national_model_opex") * self.launched
            return
        scratch = lever["national_model_from_scratch"]
        full = model.us("national_model_capex")
        capex = np.where(scratch, full, full * model.us("fine_tune_capex_share"))
        launch = lever["national_model"] & ~self.launched & ~self.retired & affordable(
            capex, 4 * model.accounts.budget, c["national_model_affordability"])
        if launch.any():
            self.route = np.where(launch, np.where(scratch, FROM_SCRATCH, FINE_TUNE), self.route)
            self.capex = np.where(launch, capex, self.capex)
            self.age = np.where(launch, -1, self.age)
        build = np.where(self.route == FROM_SCRATCH, c["national_model_build_quarters"],
                         c["fine_tune_build_quarters"])
        outstanding = np.maximum(self.capex - self.paid, 0.0)
        self.capex_due = np.minimum(self.capex / build, outstanding) * self.launched
        self.opex_due = model.us("national_model_opex") * self.launched

    def _retire(self, model: SovereigntyModel, wanted: np.ndarray) -> None:
        """Close retiring programmes to new contracts; shut one down (no more running cost,
        no longer a supplier) once no workflow is left on it."""
        self.retired = self.retired | (wanted & self.launched)
        if not self.retired.any():
            return
        in_use = model.market.shares[:, model.suppliers.national_model] > 0
        closing = self.retired & self.launched & ~in_use
        if closing.any():
            self.route = np.where(closing, NONE, self.route)
            self.released = self.released & ~closing
            self.age = np.where(closing, -1, self.age)

    def step(self, model: SovereigntyModel) -> None:
        """Pay, age, release and train (with what the budget funded)."""
        c = model.c
        if not self.launched.any():
            return
        funded = model.accounts.funded
        self.paid = self.paid + funded["programme_capex"]
        self.experience = self.experience + funded["programme_capex"] + funded["programme_opex"]
        self.running = self.launched & (funded["programme_opex"] >= self.opex_due - 1e-9)
        self.age = np.where(self.launched, self.age + 1, -1)
        build = np.where(self.route == FROM_SCRATCH, c["national_model_build_quarters"],
                         c["fine_tune_build_quarters"])
        ready = self.launched & ~self.released & (self.paid >= self.capex - 1e-9) & (
            self.age >= build)
        if ready.any():
            self.quality = np.where(ready, self.first_release(model), self.quality)
            self.released = self.released | ready
            for k in np.flatnonzero(ready):
                model.released_national(int(k))
        training = self.released & self.running & ~ready & ~self.retired
        if training.any():
            learned = learn(self.quality, self.ceiling(model),
                            model.us("national_model_learning_rate"),
                            model.region.readiness, model.world.chip_access,
                            model.capacities.compute, c["learning_compute_floor"])
            self.quality = np.where(training, learned, self.quality)


__all__ = ["NATIONAL_PROGRAMME", "NationalProgrammes", "affordable", "learn"]
