"""Scenario files: shipped scenarios, inheritance, round trips, and the schema generated
from the declarations."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml

from model import run
from model.events import EVENT_KINDS
from model.parameters import LEVERS, REGION_LEVERS, STATE_LEVERS, UNCERTAINTIES
from model.region import StateData, asean_states
from model.scenario_file import (
    ScenarioError,
    dump_scenario,
    load_scenario,
    loads_scenario,
    scenario_schema,
    shipped_scenarios,
)
from model.spec import ScenarioSpec

ROOT = Path(__file__).parent.parent
SHIPPED = sorted(shipped_scenarios())
REQUIRED = {"baseline", "possession", "pooled_evaluation", "joint_procurement",
            "interop_standards", "diversification", "coordinated_resilience", "mixed",
            "export_control_shock", "vendor_cutoff"}
SMALL = ["BRN", "KHM", "LAO", "MMR", "TLS"]
LARGE = ["IDN", "MYS", "PHL", "SGP", "THA", "VNM"]


# -- shipped scenarios ------------------------------------------------------------------------

def test_required_scenarios_are_shipped_plus_extras():
    assert set(SHIPPED) >= REQUIRED
    assert len(set(SHIPPED) - REQUIRED) >= 2
    names = list(shipped_scenarios())
    assert sorted(names) == names


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_is_documented(name):
    item = shipped_scenarios()[name]
    assert item.path == ROOT / "scenarios" / f"{name}.yaml"
    assert len(item.description) > 40
    text = item.path.read_text()
    comment = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comment) >= 4, "each shipped file opens with a comment block"
    assert "Claims it lets people test" in text
    assert any(f"H{i}" in text for i in range(1, 7))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_validates_and_runs(name):
    spec = load_scenario(name)
    assert spec.name == name
    assert load_scenario(ROOT / "scenarios" / f"{name}.yaml") == spec
    steps = max([8] + [e.step + 1 for e in spec.events])  # short, but long enough for events
    results = run(replace(spec, horizon=steps))
    assert results.states["step"].max() == steps
    assert len(results.final()) == len(spec.states)
    assert np.isfinite(results.states.drop(columns=["iso3"]).to_numpy(float)).all()
    scheduled = results.events[results.events["origin"] != "model"]
    assert sorted(scheduled["kind"]) == sorted(e.kind for e in spec.events)


@pytest.mark.parametrize("name", SHIPPED)
def test_round_trip_resolve_dump_load_is_identical(name):
    spec = load_scenario(name)
    text = dump_scenario(spec)
    again = loads_scenario(text)
    assert again == spec
    assert again.digest() == spec.digest()
    assert dump_scenario(again) == text


def test_round_trip_custom_region_and_events():
    states = (StateData("AAA", "Alpha", 1e6, 5e9, 40.0),
              StateData("BBB", "Beta", 2.5e7, 2.1e11, 71.5, 12.0, "BetaLM", "Beta AISI"))
    from model.events import Event
    spec = ScenarioSpec(name="custom", description="two states\nand a 'quote'", states=states,
                        policies={"ours_premium": 0.25}, overrides={"BBB": {"member": False}},
                        regional_body={"joint_procurement": True},
                        uncertainties={"restriction_duration": 4},
                        events=(Event(3, "price_shock", ("BBB",), {"vendor": "", "factor": 2.0}),
                                Event(2, "chip_shortage")),
                        horizon=12, seed=99)
    assert loads_scenario(dump_scenario(spec)) == spec


# -- what the shipped files say (their settings, not their outcomes) ---------------------------

def test_possession_sets_the_possession_levers_for_everyone():
    spec = load_scenario("possession")
    for iso3 in spec.states:
        assert spec.value("national_model", iso3.iso3) is True
        assert spec.value("ours_premium", iso3.iso3) > 0
    assert spec.value("pooled_evaluation") is False


def test_coordinated_resilience_turns_on_every_coordination_lever():
    spec = load_scenario("coordinated_resilience")
    for p in REGION_LEVERS:
        assert spec.value(p.name) != p.default, p.name
    # the body's fees pay for pooled arrangements: no voluntary contribution is needed
    assert spec.value("regional_contribution_share", "IDN") == 0.0
    for name in ("interop_standards", "diversification_cap", "require_evaluation"):
        assert spec.value(name, "IDN") != next(p for p in LEVERS if p.name == name).default
    assert spec.value("national_model", "IDN") is False


def test_mixed_large_states_build_small_states_pool():
    spec = load_scenario("mixed")
    for iso3 in LARGE:
        assert spec.value("national_model", iso3) is True
        assert spec.value("member", iso3) is False
    for iso3 in SMALL:
        assert spec.value("national_model", iso3) is False
        assert spec.value("member", iso3) is True


def test_shock_scenarios_inherit_their_strategy():
    shock = load_scenario("possession_under_shock")
    possession = load_scenario("possession")
    assert shock.policies == possession.policies
    assert [e.kind for e in shock.events] == ["export_control"]
    assert shock.description != possession.description  # never inherited
    assert load_scenario("coordinated_under_shock").regional_body == \
        load_scenario("coordinated_resilience").regional_body


# -- inheritance rules ----------------------------------------------------------------------

def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_extends_deep_merges_and_null_removes(tmp_path):
    _write(tmp_path, "parent.yaml", "name: parent\ndescription: p\nhorizon: 20\nseed: 5\n"
           "policies:\n  all: {ours_premium: 0.2, interop_standards: 0.5}\n"
           "  IDN: {national_model: true}\n"
           "events: [{step: 3, kind: regional_summit}]\n")
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\n"
                   "policies:\n  all: {ours_premium: 0.4, interop_standards: null}\n"
                   "events: [{step: 5, kind: chip_shortage}]\n")
    spec = load_scenario(child)
    assert spec.name == "child" and spec.description == ""
    assert spec.policies == {"ours_premium": 0.4}
    assert spec.overrides == {"IDN": {"national_model": True}}
    assert [e.kind for e in spec.events] == ["chip_shortage"]  # lists replace
    assert (spec.horizon, spec.seed) == (20, 5)


def test_extends_chain_by_shipped_name_and_relative_path(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path, "a.yaml", "extends: possession\nhorizon: 12\n")
    b = _write(tmp_path / "sub", "b.yaml", "extends: ../a.yaml\nseed: 9\n")
    spec = load_scenario(b)
    assert spec.policies == load_scenario("possession").policies
    assert (spec.horizon, spec.seed) == (12, 9)


def test_child_shortening_horizon_below_parent_event_is_reported_in_child(tmp_path):
    child = _write(tmp_path, "short.yaml", "extends: vendor_cutoff\nhorizon: 10\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert info.value.file == str(child)
    assert info.value.field == "events[0].step"


def test_upload_cannot_extend_a_path(tmp_path):
    _write(tmp_path, "secret.yaml", "name: secret\n")
    with pytest.raises(ScenarioError, match="only extend shipped"):
        loads_scenario(f"extends: {tmp_path}/secret.yaml\n")
    assert loads_scenario("extends: baseline\nname: up\n").name == "up"


def test_loads_accepts_bytes_and_names_the_upload():
    spec = loads_scenario(b"name: up\nhorizon: 8\n", filename="mine.yaml")
    assert (spec.name, spec.horizon) == ("up", 8)
    with pytest.raises(ScenarioError, match=r"^mine\.yaml: horizon:"):
        loads_scenario(b"horizon: 0\n", filename="mine.yaml")


def test_scientific_notation_reads_as_numbers():
    spec = loads_scenario("region:\n  states:\n    - {iso3: AAA, name: A, population: 1e6,"
                          " gdp_usd: 2.5e10, ai_readiness: 50}\n")
    assert spec.states[0].gdp_usd == 2.5e10


# -- validation and schema come from the declarations ----------------------------------------

def _lever_section(p) -> str:
    if p.kind == "uncertainty":
        return "uncertainties"
    return "regional_body" if p.scope == "region" else "policies.all"


def _doc(section: str, name: str, value) -> str:
    if section == "policies.all":
        return yaml.safe_dump({"policies": {"all": {name: value}}})
    return yaml.safe_dump({section: {name: value}})


@pytest.mark.parametrize("p", LEVERS + UNCERTAINTIES, ids=lambda p: p.name)
def test_every_declared_parameter_is_accepted_in_range_and_rejected_outside(p):
    section = _lever_section(p)
    for value in (p.low, p.high):
        spec = loads_scenario(_doc(section, p.name, value))
        assert spec.value(p.name, "IDN") == value
    if p.type == "bool":
        bad = "maybe"
    else:
        bad = p.high + (1 if p.type == "int" else abs(p.high) * 0.01 + 1e-9)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_doc(section, p.name, bad))
    assert info.value.field == f"{section}.{p.name}"
    assert info.value.allowed == p.allowed()


def test_schema_is_generated_from_the_declarations():
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    all_levers = props["policies"]["properties"]["all"]["properties"]
    assert set(all_levers) == {p.name for p in STATE_LEVERS}
    assert set(props["regional_body"]["properties"]) == \
        {p.name for p in REGION_LEVERS} | {"members"}
    assert set(props["uncertainties"]["properties"]) == {p.name for p in UNCERTAINTIES}
    for p in STATE_LEVERS:
        if p.type != "bool":
            assert (all_levers[p.name]["minimum"], all_levers[p.name]["maximum"]) == \
                (p.low, p.high)
    kinds = [e["properties"]["kind"]["const"] for e in props["events"]["items"]["oneOf"]]
    assert kinds == list(EVENT_KINDS)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_and_their_resolved_form_satisfy_the_schema(name):
    validator = jsonschema.Draft202012Validator(scenario_schema())
    raw = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text())
    validator.validate(raw)
    validator.validate(yaml.safe_load(dump_scenario(load_scenario(name))))


def test_schema_rejects_what_the_loader_rejects():
    validator = jsonschema.Draft202012Validator(scenario_schema())
    for doc in ({"horizn": 3}, {"policies": {"all": {"ours_premium": 0.9}}},
                {"events": [{"step": 1, "kind": "vendor_cutoff", "params": {"vendor": "x"}}]}):
        assert not validator.is_valid(doc)
        with pytest.raises(ScenarioError):
            loads_scenario(yaml.safe_dump(doc))


def test_default_region_is_asean_and_defaults_match_the_spec():
    spec = loads_scenario("name: bare\n")
    assert spec.states == asean_states()
    assert spec == ScenarioSpec(name="bare")
    assert math.isclose(spec.value("ai_budget_share", "SGP"),
                        next(p for p in LEVERS if p.name == "ai_budget_share").default)


def test_docs_reference_tables_are_current():
    from model.scenario_file import reference_tables
    text = (ROOT / "docs" / "scenarios.md").read_text()
    block = re.search(r"<!-- scenario-tables:start -->\n(.*?)<!-- scenario-tables:end -->",
                      text, re.S)
    assert block, "docs/scenarios.md lost its generated-table markers"
    assert block.group(1) == reference_tables(), "run: python scripts/gen_docs.py"
    for p in LEVERS + UNCERTAINTIES:
        assert f"`{p.name}`" in block.group(1)


def test_dump_handles_numpy_values_from_code():
    from model.events import Event
    spec = ScenarioSpec(name="np", horizon=int(np.int64(10)),
                        events=(Event(int(np.int64(3)), "price_shock",
                                      params={"factor": np.float64(2.0)}),))
    assert loads_scenario(dump_scenario(spec)).events[0].params["factor"] == 2.0


def test_state_fields_mirror_statedata():
    from dataclasses import fields

    from model.scenario_file import _STATE_FIELDS
    assert list(_STATE_FIELDS) == [f.name for f in fields(StateData)]


def test_custom_region_file_runs(tmp_path):
    path = _write(tmp_path, "two.yaml", "region:\n  states:\n"
                  "    - {iso3: AAA, name: Alpha, population: 5e6, gdp_usd: 4e10,"
                  " ai_readiness: 45}\n"
                  "    - {iso3: BBB, name: Beta, population: 9e7, gdp_usd: 6e11,"
                  " ai_readiness: 70, datacenter_mw: 300}\n"
                  "policies:\n  BBB: {national_model: true}\n"
                  "events: [{step: 2, kind: vendor_cutoff, targets: [AAA]}]\nhorizon: 4\n")
    results = run(load_scenario(path))
    assert list(results.final().index) == ["AAA", "BBB"]
    assert results.states["step"].max() == 4
