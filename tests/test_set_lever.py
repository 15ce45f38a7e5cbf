"""The ``set_lever`` event: a policy change from a quarter on (the participatory workshop's
decisions are these events, so a game is an ordinary scenario file)."""

from __future__ import annotations

import numpy as np
import pytest

from model import Event, ScenarioSpec, SovereigntyModel
from model import scenario_file as sf
from model.spec import SpecError


def run(events=()):
    m = SovereigntyModel(ScenarioSpec(events=tuple(events), horizon=16), collect=False)
    m.run()
    return m


def test_a_lever_changes_from_its_quarter_on_and_only_for_its_targets():
    base = run()
    m = run([Event(6, "set_lever", ("IDN",), {"lever": "own_evaluation_share", "value": 0.15}),
             Event(8, "set_lever", ("all",), {"lever": "pooled_evaluation", "value": True})])
    assert np.array_equal(m.state_metrics[:6], base.state_metrics[:6])  # before: identical
    assert not np.array_equal(m.state_metrics, base.state_metrics)
    k = m.iso3.index("IDN")
    assert m.policy.lever["own_evaluation_share"][k] == 0.15
    assert (np.delete(m.policy.lever["own_evaluation_share"], k) == 0.02).all()
    assert m.policy.region["pooled_evaluation"][0]  # region levers: one value per run
    assert m.policy.scenario["own_evaluation_share"][k] == 0.02  # the scenario is untouched
    assert any(e["kind"] == "set_lever" for e in m.event_log)


def test_rhetoric_and_leaving_the_body_take_effect_at_once():
    m = SovereigntyModel(ScenarioSpec(horizon=8, events=(
        Event(3, "set_lever", ("SGP",), {"lever": "possessive_rhetoric", "value": 0.9}),
        Event(3, "set_lever", ("MYS",), {"lever": "member", "value": False}))), collect=False)
    for _ in range(3):
        m.step()
    assert m.body.rhetoric[m.iso3.index("SGP")] == 0.9
    assert not m.body.member[m.iso3.index("MYS")]


@pytest.mark.parametrize("targets, params, where", [
    (("IDN",), {"lever": "pooled_evaluation", "value": True}, "targets"),
    (("all",), {"lever": "contract_term", "value": 99}, "params.value"),
    (("all",), {"lever": "contract_term", "value": 2.5}, "params.value"),
    (("all",), {"lever": "member", "value": 1}, "params.value"),
    (("all",), {"lever": "no_such", "value": 1}, "params.lever"),
    (("all",), {"lever": "contract_term"}, "params.value"),
    (("all",), {"value": 3}, "params.lever"),
])
def test_bad_lever_changes_are_refused_with_their_field(targets, params, where):
    with pytest.raises(SpecError) as err:
        ScenarioSpec(events=(Event(2, "set_lever", targets, params),))
    assert err.value.path == f"events[0].{where}"


def test_a_scenario_file_with_lever_changes_replays_exactly():
    events = (Event(2, "set_lever", ("VNM",), {"lever": "national_model", "value": True}),
              Event(4, "set_lever", ("all",), {"lever": "shared_standards", "value": 0.5}))
    spec = ScenarioSpec(events=events, horizon=12)
    again = sf.loads_scenario(sf.dump_scenario(spec), "game.yaml")
    a, b = SovereigntyModel(spec, collect=False), SovereigntyModel(again, collect=False)
    a.run()
    b.run()
    assert np.array_equal(a.state_metrics, b.state_metrics)
    with pytest.raises(sf.ScenarioError, match="params.value"):
        sf.loads_scenario("events:\n- {step: 2, kind: set_lever, targets: [IDN], "
                          "params: {lever: member, value: 3}}\n", "bad.yaml")
