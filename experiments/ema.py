"""sovsim as an EMA Workbench model: levers, uncertainties and outcomes from the declarations.

    from ema_workbench import perform_experiments
    from experiments.ema import sovsim_model
    experiments, outcomes = perform_experiments(sovsim_model(), scenarios=64)

Every uncertainty of :data:`model.parameters.UNCERTAINTIES` becomes a ``RealParameter`` or
``IntegerParameter`` over its declared range, every lever of :data:`model.parameters.LEVERS`
a ``RealParameter``/``IntegerParameter``/``BooleanParameter``, and every region outcome (the
final quarter's value; state outcomes summed or averaged over states as in sweeps) a
``ScalarOutcome``; ``per_state=True`` adds ``OUTCOME_ISO3`` outcomes. A run is one call of
:func:`experiments.runner.execute_run` (the function every sweep uses) on the scenario with
the sampled values, with the given seed, so EMA experiments are paired on common random
numbers: the same seed in every experiment unless ``seed`` is itself varied. Values arrive
as numpy scalars and are accepted as the Python values they hold.

Needs the ``research`` extra (``pip install 'sovsim[research]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from model.parameters import LEVERS, OUTCOMES, UNCERTAINTIES, Parameter

#: Outcomes an EMA model reports by default (all region columns are available).
DEFAULT_OUTCOMES: tuple[str, ...] = ("control_index", "possession_index", "cumulative_cost",
                                     "largest_supplier_share", "bargaining_power",
                                     "outage_quarters", "public_value", "cohesion")


@cache
def _spec(scenario: str):
    from model.scenario_file import load_scenario

    return load_scenario(scenario)


def run_sovsim(scenario: str = "baseline", seed: int = 1, horizon: int = 0,
               per_state: bool = False, **values: Any) -> dict[str, Any]:
    """One run: ``scenario`` (shipped name or file) with ``values`` (levers and
    uncertainties by name) and ``seed``; returns every region outcome at the final quarter
    (and ``OUTCOME_ISO3`` per state with ``per_state``)."""
    from dataclasses import replace

    from .design import RunTask
    from .runner import execute_run
    from .storage import REGION_COLUMNS, STATE_COLUMNS

    spec = _spec(str(scenario))
    if horizon:
        spec = replace(spec, horizon=int(horizon))
    params = {k: Parameter.plain(v) for k, v in values.items()}
    record = execute_run(spec, RunTask(str(scenario), 0, 0, int(Parameter.plain(seed)),
                                       params), "final")
    if record.status != "done":
        raise RuntimeError(f"sovsim run failed: {record.error}")
    out = {name: float(v) for name, v in zip(REGION_COLUMNS, record.region_final)}
    if per_state:
        for iso3, row in zip(record.iso3, record.state_final):
            for name, v in zip(STATE_COLUMNS, row):
                out[f"{name}_{iso3}"] = float(v)
    return out


def _ema_parameter(p: Parameter, low: Any = None, high: Any = None):
    from ema_workbench import BooleanParameter, IntegerParameter, RealParameter

    low = p.low if low is None else low
    high = p.high if high is None else high
    if p.type == "bool":
        return BooleanParameter(p.name)
    if p.type == "int":
        return IntegerParameter(p.name, int(low), int(high))
    return RealParameter(p.name, float(low), float(high))


def sovsim_model(name: str = "sovsim", *, scenario: str = "baseline", seed: int = 1,
                 uncertainties: Sequence[str] | None = None,
                 levers: Sequence[str] | None = None,
                 outcomes: Sequence[str] = DEFAULT_OUTCOMES, per_state: bool = False,
                 horizon: int = 0):
    """An ``ema_workbench.Model`` of sovsim.

    ``uncertainties``/``levers``: names to expose (default: every declared one, at its
    declared range); ``outcomes``: region outcomes to report (final quarter);
    ``per_state``: also report ``OUTCOME_ISO3`` for those outcomes; ``scenario``: the
    scenario the sampled values are applied to; ``seed``: the seed of every run."""
    from ema_workbench import Constant, Model, ScalarOutcome

    from model.region import asean_states

    from .storage import REGION_COLUMNS

    by_name = {p.name: p for p in UNCERTAINTIES + LEVERS}
    for group in (uncertainties or (), levers or ()):
        for n in group:
            if n not in by_name:
                from model.parameters import suggest
                kind = "uncertainty" if group is uncertainties else "lever"
                raise ValueError(f"unknown {kind} {n!r}{suggest(n, by_name)}")
    for o in outcomes:
        if o not in REGION_COLUMNS:
            raise ValueError(f"unknown outcome {o!r}; allowed: {', '.join(REGION_COLUMNS)}")
    unc = [p for p in UNCERTAINTIES if uncertainties is None or p.name in uncertainties]
    lev = [p for p in LEVERS if levers is None or p.name in levers]
    model = Model(name, function=run_sovsim)
    model.uncertainties = [_ema_parameter(p) for p in unc]
    model.levers = [_ema_parameter(p) for p in lev]
    names = list(outcomes)
    if per_state:
        names += [f"{o}_{s.iso3}" for o in outcomes if o in OUTCOMES and
                  OUTCOMES[o].level == "state" for s in asean_states()]
    model.outcomes = [ScalarOutcome(n) for n in names]
    model.constants = [Constant("scenario", scenario), Constant("seed", seed),
                       Constant("horizon", horizon), Constant("per_state", per_state)]
    return model
