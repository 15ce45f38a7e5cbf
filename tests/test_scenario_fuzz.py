"""Hypothesis fuzzing of the scenario loader: whatever the input, the loader returns a
valid ScenarioSpec or raises ScenarioError with a one-line message - nothing else."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.events import EVENT_KINDS
from model.parameters import PARAMETERS
from model.scenario_file import TOP_KEYS, ScenarioError, loads_scenario
from model.spec import ScenarioSpec

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

NAMES = list(TOP_KEYS) + list(PARAMETERS) + list(EVENT_KINDS) + [
    "all", "IDN", "SGP", "XXX", "states", "members", "step", "kind", "targets", "params",
    "vendor", "bloc", "factor", "iso3", "gdp_usd"]
scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**20)
           | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(NAMES)
           | st.text(max_size=12))
keys = st.sampled_from(NAMES) | st.text(max_size=8)
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(keys, inner, max_size=5), max_leaves=30)


def _check(source) -> None:
    try:
        spec = loads_scenario(source, filename="fuzz.yaml")
    except ScenarioError as exc:
        text = str(exc)
        assert text.startswith("fuzz.yaml: ")
        assert "\n" not in text
        return
    assert isinstance(spec, ScenarioSpec)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(text):
    _check(text)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data):
    _check(data)


@settings(FUZZ, max_examples=150)
@given(st.dictionaries(keys, trees, max_size=6))
def test_arbitrary_nested_mappings(doc):
    _check(yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(st.fixed_dictionaries({}, optional={
    "policies": st.dictionaries(st.sampled_from(["all", "IDN", "idn", "ZZZ"]),
                                st.dictionaries(st.sampled_from(list(PARAMETERS)), scalars,
                                                max_size=3), max_size=2),
    "regional_body": st.dictionaries(st.sampled_from(list(PARAMETERS) + ["members"]), scalars
                                     | st.lists(st.sampled_from(["IDN", "SGP", "XXX"])),
                                     max_size=3),
    "events": st.lists(st.fixed_dictionaries(
        {"step": st.integers(-2, 60) | scalars, "kind": st.sampled_from(list(EVENT_KINDS))},
        optional={"targets": st.just("all") | st.lists(st.sampled_from(["IDN", "SGP", "QQQ"]),
                                                       max_size=3),
                  "params": st.dictionaries(st.sampled_from(
                      ["bloc", "layer", "vendor", "duration", "factor", "rhetoric", "x"]),
                      scalars | st.sampled_from(["A", "B", "model", "frontier_a", ""]),
                      max_size=3)}), max_size=3),
    "horizon": st.integers(-5, 500) | scalars,
    "seed": st.integers(-5, 2**64) | scalars,
}))
def test_near_valid_documents(doc):
    """Structure-aware: mostly the right keys with random values, to reach deep checks."""
    _check(yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(st.text(alphabet="[]{}:,-&*!|>'\"#\n abc1", max_size=200))
def test_yaml_punctuation_soup(text):
    _check(text)
