"""The tables every component shares: the region's states, the supplier columns and the
workflows. They are built once per run (the workflows with the "setup" stream) and never
change; components keep their own changing state.

Arrays are indexed by state (S), supplier column (V) and workflow (N); per-state sums are
segment reductions over the workflow axis (``np.bincount`` on the owner), O(N).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .region import StateData
from .vendors import (
    ARCHETYPES,
    CHIP_BLOC,
    NATIONAL_COMPUTE,
    NATIONAL_PROGRAMME,
    OPEN_BLOC,
    REGIONAL_BLOC,
    VendorArchetype,
)

#: National programmes in the data that were trained from scratch (SOURCES.md: MaLLaM and
#: PhoGPT from scratch, ILMU claimed); the others adapt open-weight bases.
FROM_SCRATCH_PROGRAMMES = ("MaLLaM", "PhoGPT", "ILMU")


@cache
def language_offsets() -> dict[str, float]:
    """Per-state offset to the regional mean language need (model/data/language_need.csv)."""
    text = resources.files("model.data").joinpath("language_need.csv").read_text("utf-8")
    return {r["iso3"]: float(r["offset"]) for r in csv.DictReader(text.splitlines())}


class Region:
    """The states of the run: data arrays in region order, repeated for each of ``runs``
    runs (row ``r * per_run + k`` is state ``k`` of run ``r``)."""

    def __init__(self, states: tuple[StateData, ...], runs: int = 1) -> None:
        self.data = states
        self.per_run = S = len(states)
        self.runs = runs
        self.n = S * runs  # state rows
        self.iso3 = [s.iso3 for s in states]
        self.index = {code: k for k, code in enumerate(self.iso3)}

        def rows(values, dtype=float):
            return np.tile(np.array(values, dtype=dtype), runs)
        self.gdp = rows([s.gdp_usd for s in states])
        self.population = rows([s.population for s in states])
        self.readiness = rows([s.ai_readiness for s in states]) / 100.0
        self.has_eval_body = rows([bool(s.eval_body) for s in states], bool)
        self.existing_programme = rows([bool(s.national_model) for s in states], bool)
        self.existing_from_scratch = rows(
            [any(name in s.national_model for name in FROM_SCRATCH_PROGRAMMES) and
             not _mentions_adapted(s.national_model) for s in states], bool)
        offsets = language_offsets()
        self.language_offset = rows([offsets.get(code, 0.0) for code in self.iso3])

    def rows(self, targets, run: int = 0) -> np.ndarray:
        """State rows of event targets (ISO3 codes, or ("all",)) in run ``run``."""
        base = run * self.per_run
        if tuple(targets) == ("all",):
            return np.arange(base, base + self.per_run)
        return np.array([base + self.index[code] for code in targets], dtype=np.int64)


def _mentions_adapted(text: str) -> bool:
    # a state whose data names an adapted programme besides a from-scratch one keeps the
    # adapted route (none does in the default region)
    return any(name in text for name in ("SEA-LION", "Typhoon", "Sahabat"))


@dataclass(frozen=True)
class Suppliers:
    """Supplier columns: model layer (with one "national" column, each state's own
    programme), then compute layer (with one "national_compute" column)."""

    archetypes: tuple[VendorArchetype, ...]

    @classmethod
    def build(cls) -> Suppliers:
        model = [a for a in ARCHETYPES if a.layer == "model"]
        compute = [a for a in ARCHETYPES if a.layer == "compute"]
        return cls((*model, NATIONAL_PROGRAMME, *compute, NATIONAL_COMPUTE))

    def __post_init__(self) -> None:
        a = self.archetypes
        set_ = object.__setattr__
        set_(self, "n", len(a))
        set_(self, "keys", [x.key for x in a])
        set_(self, "column", {x.key: j for j, x in enumerate(a)})
        set_(self, "bloc", [x.bloc or "national" for x in a])
        set_(self, "is_model", np.array([x.layer == "model" for x in a]))
        national_model = self.keys.index(NATIONAL_PROGRAMME.key)
        national_compute = self.keys.index(NATIONAL_COMPUTE.key)
        set_(self, "national_model", national_model)
        set_(self, "national_compute", national_compute)
        set_(self, "layers", (slice(0, national_model + 1), slice(national_model + 1, len(a))))
        set_(self, "layer_starts", np.array([0, national_model + 1]))
        set_(self, "is_national", np.isin(np.arange(len(a)), (national_model, national_compute)))
        set_(self, "is_open", np.array([b == OPEN_BLOC for b in self.bloc]))
        set_(self, "external", np.array([b not in (REGIONAL_BLOC, "national")
                                         for b in self.bloc]))
        set_(self, "chip_cols", np.array([j for j, b in enumerate(self.bloc)
                                          if b == CHIP_BLOC and not self.is_model[j]]))
        for name in ("quality", "hype", "unit_cost", "reliability", "claimed_reliability",
                     "portability", "language_fit", "markup_factor", "progress_factor",
                     "initial_share", "appeal"):
            set_(self, name, np.array([getattr(x, name) for x in a], dtype=float))
        # suppliers whose new versions void earlier evaluations (national models too)
        releases = self.progress_factor > 0
        releases[national_model] = True
        set_(self, "releases", releases)
        set_(self, "open_column", int(np.flatnonzero(self.is_open)[0]))
        set_(self, "layer_of", np.where(self.is_model, 0, 1))  # column -> layer index
        set_(self, "model_mask", self.is_model.astype(float))
        set_(self, "frontier_columns", np.flatnonzero(self.is_model & ~self.is_national
                                                      & ~self.is_open))
        # open weights are downloaded, national models run in-house: no regional capacity cap
        set_(self, "uncapped", self.is_open | (np.arange(len(a)) == national_model))

    def in_bloc(self, bloc: str, layer: str = "both") -> list[int]:
        """Columns of a bloc's suppliers in a layer ("model", "compute" or "both")."""
        return [j for j, b in enumerate(self.bloc) if b == bloc and (
            layer == "both" or (layer == "model") == bool(self.is_model[j]))]


class Workflows:
    """Every state's public-sector AI workflows: owner, stakes, language need and fit.

    Built per run with that run's "setup" stream, then stacked (run ``r``'s workflows
    follow run ``r - 1``'s; ``owner`` is the state row)."""

    def __init__(self, engine) -> None:
        region, suppliers, c = engine.region, engine.suppliers, engine.c
        S, V, R = region.per_run, suppliers.n, region.runs
        gdp_bn = region.gdp[:S] / 1e9
        population_m = region.population[:S] / 1e6
        per_state = np.maximum(1, np.round(
            c["workflows_base"] + c["workflows_scale"] * region.readiness[:S]
            * np.log10(1 + gdp_bn) + c["workflows_population_scale"]
            * np.log10(1 + population_m))).astype(np.int64)
        self.per_run = N = int(per_state.sum())
        self.per_state = np.tile(per_state, R)
        self.owner = np.repeat(np.arange(S * R), self.per_state)
        # every state has >= 1 workflow and owners are contiguous, so per-state sums are
        # segment reductions over these starts (np.add.reduceat: no scatter, ~4x bincount)
        self.starts = np.concatenate([[0], np.cumsum(self.per_state)[:-1]])
        self.n = len(self.owner)
        self.n_states = S * R
        self.state_need = np.clip(engine.us("language_need") + region.language_offset,
                                  0.05, 0.95)
        need = self.state_need[self.owner]
        k = c["language_need_concentration"]
        high, language = [], []
        for r, streams in enumerate(engine.streams):
            rng = streams["setup"]
            high.append(rng.random(N) < c["high_stakes_share"])
            part = need[r * N:(r + 1) * N]
            language.append(rng.beta(k * part, k * (1.0 - part)))
        self.high_stakes = np.concatenate(high)
        self.stakes = np.where(self.high_stakes, c["high_stakes_weight"], 1.0)
        self.language_need = np.concatenate(language)
        fit_of = np.tile(suppliers.language_fit, (R, 1))
        fit_of[:, suppliers.national_model] = engine.u["national_language_fit"]
        run_of_wf = engine.run_of[self.owner]
        self.fit = 1.0 - self.language_need[:, None] * (1.0 - fit_of[run_of_wf])  # (N, V)
        self.stakes_total = self.sum(self.stakes)
        self.high_total = self.sum(self.high_stakes)
        self.owner_cell = self.owner * V  # flat (state row, supplier) index base
        self.stakes_both = np.concatenate([self.stakes, self.stakes])
        self.fit_cell = np.arange(self.n) * V
        self.run_cell = run_of_wf * V  # flat (run, supplier) index base

    def sum(self, values) -> np.ndarray:
        """Per-state sums of a per-workflow quantity (a segment reduction, O(N))."""
        return np.add.reduceat(np.asarray(values, dtype=float), self.starts)

    def sums(self, *values) -> np.ndarray:
        """Per-state sums of several per-workflow quantities at once, (len(values), S): one
        segment reduction over the stacked values."""
        return np.add.reduceat(np.stack(values).astype(float, copy=False), self.starts, axis=1)
