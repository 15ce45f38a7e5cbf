"""Scenario discovery: hypothesis files load (and bad ones are refused with file, field and
what is allowed), predicates evaluate per (point, state), PRIM and CART find a planted box."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")
pytest.importorskip("sklearn")

from experiments.cli import main  # noqa: E402
from experiments.discover import (  # noqa: E402
    HypothesisError,
    cart_leaf,
    cart_tree,
    describe_limits,
    evaluate,
    hypothesis_files,
    hypothesis_from_dict,
    load_hypothesis,
    parse_expr,
    prim_box,
)


def _planted(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"language_need": rng.uniform(0.05, 0.95, n),
                      "national_model_capex": rng.uniform(3, 300, n),
                      "base_markup": rng.uniform(0.1, 1.5, n)})
    y = (x["language_need"] > 0.7) & (x["national_model_capex"] < 100)
    return x, y.to_numpy()


def test_prim_finds_a_planted_box():
    x, y = _planted()
    limits, coverage, density = prim_box(x, y)
    lim = {f: (lo, hi) for f, lo, hi in limits}
    assert set(lim) == {"language_need", "national_model_capex"}
    assert lim["language_need"][0] == pytest.approx(0.7, abs=0.05)
    assert lim["national_model_capex"][1] == pytest.approx(100, abs=25)
    assert coverage > 0.8 and density > 0.9
    text = describe_limits(limits)
    assert "local-language need > 0.7" in text and "US$" in text


def test_cart_leaf_finds_the_planted_box():
    x, y = _planted(seed=1)
    tree = cart_tree(x, y)
    limits, coverage, density = cart_leaf(tree, x, y, True)
    assert {f for f, _, _ in limits} == {"language_need", "national_model_capex"}
    assert density > 0.9 and coverage > 0.8


def test_prim_says_nothing_when_the_claim_always_holds():
    x, _ = _planted()
    assert prim_box(x, np.ones(len(x), bool)) is None


def test_predicate_is_evaluated_per_row():
    e = parse_expr("a.cumulative_cost < 0.9 * b.cumulative_cost and not sum(a.incidents) > 3",
                   ["a", "b"], [], "f.yaml", "predicate")
    assert e.terms == {("final", "a", "cumulative_cost"), ("final", "b", "cumulative_cost"),
                       ("sum", "a", "incidents")}
    values = {("final", "a", "cumulative_cost"): np.array([80.0, 95.0, 50.0]),
              ("final", "b", "cumulative_cost"): np.array([100.0, 100.0, 100.0]),
              ("sum", "a", "incidents"): np.array([1.0, 1.0, 5.0])}
    assert evaluate(e, values, {}).tolist() == [True, False, False]


@pytest.mark.parametrize("text, message", [
    ("a.cost < b.cumulative_cost", "unknown state outcome 'cost'"),
    ("c.control_index > 0", "unknown scenario 'c'"),
    ("__import__('os')", "unknown call"),
    ("a.control_index ** 2 > 0", "operator Pow is not allowed"),
    ("a.control_index >", "not a valid expression"),
    ("gain > 0", "unknown name 'gain'"),
])
def test_bad_predicates_are_refused(text, message):
    with pytest.raises(HypothesisError, match=message) as info:
        parse_expr(text, ["a", "b"], [], "h.yaml", "predicate")
    assert str(info.value).startswith("h.yaml: predicate: ")


def test_every_shipped_hypothesis_loads():
    names = [load_hypothesis(f).name for f in hypothesis_files()]
    assert names == ["H1", "H2", "H3", "H4", "H5", "H6", "headline"]
    h5 = load_hypothesis(hypothesis_files()[4])
    assert h5.experiment.keep == "per_step_state"  # mean() over quarters needs every step
    from model.parameters import UNCERTAINTIES
    assert len(h5.experiment.design.factors) == len(UNCERTAINTIES)


def test_bad_hypothesis_field_names_file_and_field():
    base = {"name": "X", "claim": "c", "scenarios": {"a": "baseline", "b": "possession"},
            "predicate": "a.control_index < b.control_index"}
    with pytest.raises(HypothesisError, match=r"x\.yaml: states: expected all, small"):
        hypothesis_from_dict({**base, "states": "medium"}, source="x.yaml")
    with pytest.raises(HypothesisError, match=r"x\.yaml: design\.samples"):
        hypothesis_from_dict({**base, "design": {"samples": 0}}, source="x.yaml")
    with pytest.raises(HypothesisError, match=r"scenarios\.b: .*nope"):
        hypothesis_from_dict({**base, "scenarios": {"a": "baseline",
                                                    "b": {"policies": {"all": {"nope": 1}}}}},
                             source="x.yaml")


def test_discover_cli_exits_2_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nclaim: c\nscenarios: {a: baseline}\npredicate: a.nope > 1\n")
    assert main(["discover", str(bad), "--db", str(tmp_path / "x.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: predicate: unknown state outcome 'nope'" in err
