"""Issue 13: the batch engine. Every run in a batch equals the same run alone, to the bit.

A Hypothesis property test draws batch compositions (shipped scenarios with their events,
seeds, uncertainty values and levers drawn from the declared ranges, horizons) and checks
each run's state outcomes, region outcomes and event log against the run alone in the
ordinary ``SovereigntyModel``. ``SOVSIM_BATCH_EXAMPLES`` sets how many compositions
(default 30; the closing note's figure came from a longer run).
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from model.engine import BatchError, Engine, run_batch
from model.model import SovereigntyModel
from model.parameters import LEVERS, UNCERTAINTIES
from model.scenario_file import load_scenario, shipped_scenarios
from model.spec import ScenarioSpec

SCENARIOS = sorted(shipped_scenarios())
EXAMPLES = int(os.environ.get("SOVSIM_BATCH_EXAMPLES", "30"))
TRIED: list[int] = []


def _value(p):
    if p.type == "bool":
        return st.booleans()
    if p.type == "int":
        return st.integers(int(p.low), int(p.high))
    return st.floats(float(p.low), float(p.high), allow_nan=False)


@st.composite
def runs(draw, horizon: int) -> ScenarioSpec:
    spec = load_scenario(draw(st.sampled_from(SCENARIOS)))
    values = {}
    for p in draw(st.lists(st.sampled_from(UNCERTAINTIES), max_size=8, unique=True)):
        values[p.name] = draw(_value(p))
    levers = [p for p in LEVERS if p.name not in ("member",)]
    for p in draw(st.lists(st.sampled_from(levers), max_size=4, unique=True)):
        values[p.name] = draw(_value(p))
    spec = spec.with_values(**values)
    events = tuple(e for e in spec.events if e.step <= horizon)
    return replace(spec, horizon=horizon, events=events,
                   seed=draw(st.integers(0, 2**31 - 1)))


@st.composite
def compositions(draw) -> list[ScenarioSpec]:
    horizon = draw(st.integers(4, 14))
    return draw(st.lists(runs(horizon), min_size=1, max_size=5))


def _alone(spec: ScenarioSpec) -> SovereigntyModel:
    model = SovereigntyModel(spec, collect=False)
    model.run()
    return model


def _check(specs: list[ScenarioSpec]) -> None:
    TRIED.append(len(specs))
    engine = run_batch(specs)
    states, region = engine.state_by_run(), engine.region_by_run()
    for r, spec in enumerate(specs):
        alone = _alone(spec)
        assert np.array_equal(states[r], alone.state_metrics), f"run {r} ({spec.name}) differs"
        assert np.array_equal(region[r], alone.region_metrics), f"run {r} region differs"
        assert engine.world.logs[r] == alone.event_log, f"run {r} event log differs"


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(compositions())
@example([replace(load_scenario("baseline"), horizon=12, seed=5),
          replace(load_scenario("possession_under_shock"), horizon=12, seed=5),
          replace(load_scenario("coordinated_under_shock"), horizon=12, seed=99)])
def test_every_run_in_a_batch_equals_the_run_alone(specs):
    _check(specs)


def test_a_batch_of_design_points_differing_in_uncertainties_and_levers():
    """A larger batch than the property test draws: 24 runs, every shipped scenario,
    uncertainties drawn over their ranges, to the horizon."""
    rng = np.random.default_rng(11)
    specs = []
    for i in range(24):
        spec = load_scenario(SCENARIOS[i % len(SCENARIOS)])
        values = {p.name: (float(rng.uniform(p.low, p.high)) if p.type == "float"
                           else int(rng.integers(p.low, p.high + 1)))
                  for p in UNCERTAINTIES if i % 2}
        specs.append(replace(spec.with_values(**values), seed=int(rng.integers(10**6))))
    _check(specs)


def test_runs_that_cannot_share_a_batch_are_refused():
    base = ScenarioSpec()
    with pytest.raises(BatchError, match="horizon"):
        Engine([base, replace(base, horizon=8)])
    with pytest.raises(BatchError, match="region"):
        Engine([base, replace(base, states=base.states[:5])])


def test_order_in_the_batch_does_not_matter():
    a, b = replace(ScenarioSpec(), seed=1), load_scenario("possession")
    ab, ba = run_batch([a, b]), run_batch([b, a])
    assert np.array_equal(ab.state_by_run()[0], ba.state_by_run()[1])
    assert np.array_equal(ab.state_by_run()[1], ba.state_by_run()[0])


def test_policy_changes_mid_run_stay_in_their_run():
    """``set_lever`` events (the participatory workshop's rounds) change one run's levers
    only: a region lever and a state lever, in different runs of one batch."""
    from model.events import Event
    base = replace(ScenarioSpec(), horizon=10)
    joint = replace(base, events=(Event(3, "set_lever", ("all",), {
        "lever": "joint_procurement", "value": True}),))
    leave = replace(base, seed=4, events=(Event(2, "set_lever", ("IDN", "VNM"), {
        "lever": "member", "value": False}), Event(5, "set_lever", ("KHM",), {
            "lever": "national_model", "value": True})))
    _check([base, joint, leave, base])
