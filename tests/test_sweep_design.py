"""Experiment files and designs: validation with file + field path, designs generated from
the declarations, seeds spawned from the root seed and shared across scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from experiments.design import ExperimentError, experiment_from_dict, load_experiment
from model.parameters import PARAMETERS
from model.results import MODEL_VERSION

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "experiments" / "possession_vs_coordination.yaml"


def base(**changes) -> dict:
    data = {"name": "t", "scenarios": ["possession", "coordinated_resilience"],
            "design": {"method": "latin_hypercube", "samples": 5,
                       "factors": {"base_markup": {}, "lockin_growth": {"low": 0.05},
                                   "restriction_rate": {"high": 0.05}}},
            "replications": 3, "seed": 1, "horizon": 12}
    data.update(changes)
    return data


def error(data, source="exp.yaml") -> str:
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict(data, source=source)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"{source}: ")
    return msg


def test_shipped_experiment_meets_the_issue():
    exp = load_experiment(SHIPPED)
    assert len(exp.scenarios) >= 2
    factors = exp.design.factors
    assert sum(PARAMETERS[f.name].kind == "uncertainty" for f in factors) >= 3
    assert exp.replications >= 10
    assert exp.n_runs == len(exp.scenarios) * exp.n_points * exp.replications
    for f in factors:  # bounds inside the declared ranges
        p = PARAMETERS[f.name]
        assert p.low <= f.low < f.high <= p.high


@pytest.mark.parametrize("method,extra,points", [
    ("latin_hypercube", {"samples": 7}, 7),
    ("sobol", {"samples": 8}, 8 * (3 + 2)),
    ("sobol", {"samples": 4, "second_order": True}, 4 * (2 * 3 + 2)),
    ("morris", {"samples": 5, "levels": 4}, 5 * (3 + 1)),
    ("full_factorial", {"levels": 3}, 27),
])
def test_design_sizes_and_bounds(method, extra, points):
    data = base()
    data["design"].update(method=method, **extra)
    exp = experiment_from_dict(data)
    X = exp.design.points()
    assert X.shape == (points, 3) == (exp.n_points, 3)
    for j, f in enumerate(exp.design.factors):
        col = X[:, j].astype(float)
        assert col.min() >= f.low and col.max() <= f.high
    # defaults come from the declarations
    assert exp.design.factors[0].low == PARAMETERS["base_markup"].low
    assert exp.design.factors[2].high == 0.05
    # the design is reproducible
    np.testing.assert_array_equal(X, experiment_from_dict(data).design.points())


def test_factorial_with_values_bools_and_ints():
    data = base()
    data["design"] = {"method": "full_factorial", "levels": 2, "factors": {
        "national_model": {}, "restriction_duration": {"low": 2, "high": 10},
        "base_markup": {"values": [0.2, 0.8, 1.4]}}}
    exp = experiment_from_dict(data)
    X = exp.design.points()
    assert X.shape == (2 * 2 * 3, 3)
    assert {type(v) for v in X[:, 0]} == {bool} and set(X[:, 1]) == {2, 10}
    assert all(isinstance(v, int) for v in X[:, 1])


def test_seeds_spawned_and_paired():
    exp = experiment_from_dict(base())
    seeds = exp.seeds()
    assert seeds.shape == (5, 3) and len(np.unique(seeds)) == 15
    assert (seeds >= 0).all()
    tasks = list(exp.tasks())
    assert len(tasks) == exp.n_runs == 2 * 5 * 3
    by_key = {}
    for t in tasks:
        by_key.setdefault((t.point, t.replication), set()).add(t.seed)
    assert all(len(s) == 1 for s in by_key.values())  # same seed for every scenario
    expected = np.random.SeedSequence(1).spawn(5)[2].spawn(3)[1].generate_state(1, np.uint64)
    assert seeds[2, 1] == int(expected[0] >> np.uint64(1))
    assert not np.array_equal(experiment_from_dict(base(seed=2)).seeds(), seeds)


def test_digest_tracks_what_decides_the_runs(monkeypatch):
    import experiments.design as design

    a = experiment_from_dict(base())
    assert a.to_dict()["model_version"].startswith(f"{MODEL_VERSION}+")
    before = a.digest()
    with monkeypatch.context() as m:  # other model code: another experiment, never mixed
        m.setattr(design, "model_code_hash", lambda: "0123456789ab")
        assert experiment_from_dict(base()).digest() != before
    assert a.digest() == experiment_from_dict(base(description="new words")).digest()
    assert a.digest() != experiment_from_dict(base(replications=4)).digest()
    assert a.digest() != experiment_from_dict(base(horizon=13)).digest()


@pytest.mark.parametrize("change,path,words", [
    ({"replications": 0}, "replications", "from 1 to"),
    ({"horizon": "long"}, "horizon", "'long'"),
    ({"seed": -1}, "seed", "from 0 to"),
    ({"scenarios": []}, "scenarios", "non-empty list"),
    ({"scenarios": ["posession"]}, "scenarios[0]", "possession"),
    ({"scenarios": ["possession", "possession"]}, "scenarios", "appears twice"),
    ({"keep": {"level": "everything"}}, "keep.level", "per_step_state, per_step, final"),
    ({"keep": {"outcomes": ["control"]}}, "keep.outcomes[0]", "control_index"),
    ({"analysis": {"outcomes": ["nope"]}}, "analysis.outcomes[0]", "allowed"),
    ({"replicatons": 3}, "replicatons", "did you mean 'replications'"),
])
def test_top_level_errors(change, path, words):
    msg = error(base(**change))
    assert f": {path}: " in msg and words in msg, msg


@pytest.mark.parametrize("design,path,words", [
    ({"method": "random"}, "design.method", "latin_hypercube, sobol, morris"),
    ({"factors": {"base_markup": {"high": 2.0}}}, "design.factors.base_markup.high",
     "from 0.1 to 1.5"),
    ({"factors": {"base_markup": {"low": 1.0, "high": 0.5}}}, "design.factors.base_markup",
     "must be below"),
    ({"factors": {"base_markpu": {}}}, "design.factors.base_markpu", "base_markup"),
    ({"factors": {"national_model": {}}}, "design.factors.national_model", "on/off"),
    ({"factors": {"base_markup": {"values": [0.5]}}}, "design.factors.base_markup.values",
     "full_factorial"),
    ({"factors": {"base_markup": {"step": 1}}}, "design.factors.base_markup.step",
     "low, high, values"),
    ({"method": "sobol", "samples": 10}, "design.samples", "power of 2"),
    ({"method": "morris", "factors": {"base_markup": {}}}, "design.factors", "at least 2"),
])
def test_design_errors(design, path, words):
    data = base()
    data["design"] = {**data["design"], **design}
    msg = error(data)
    assert f": {path}: " in msg and words in msg, msg


def test_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscenarios: [possession\n")
    with pytest.raises(ExperimentError, match=r"bad\.yaml: line \d+, column \d+: malformed YAML"):
        load_experiment(bad)
    with pytest.raises(ExperimentError, match="no such experiment file"):
        load_experiment(tmp_path / "missing.yaml")
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ExperimentError, match="expected a mapping"):
        load_experiment(bad)
    # an unsafe tag is refused by safe loading, not executed
    bad.write_text("name: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ExperimentError, match="tag not allowed in an? experiment file"):
        load_experiment(bad)


def test_scenario_files_relative_to_the_experiment(tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\nextends: baseline\n"
                                        "regional_body: {pooled_evaluation: true}\n")
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(base(scenarios=[{"file": "mine.yaml", "name": "pooled"},
                                                   "baseline"])))
    exp = load_experiment(path)
    assert [label for label, _ in exp.scenarios] == ["pooled", "baseline"]
    assert exp.spec("pooled").value("pooled_evaluation") is True
    assert all(spec.horizon == 12 for _, spec in exp.scenarios)
