"""Analysis: paired differences, Sobol and Morris indices on small real sweeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import analyze, load_region, paired_differences, scenario_means
from experiments.design import experiment_from_dict
from experiments.runner import run_sweep


def sweep(tmp_path, method: str, samples: int, **design) -> tuple[str, str]:
    data = {"name": f"sa_{method}", "scenarios": ["possession"],
            "design": {"method": method, "samples": samples, **design,
                       "factors": {"ai_budget_share": {"low": 0.0002, "high": 0.002},
                                   "cohesion_sensitivity": {"high": 0.2}}},
            "replications": 1, "seed": 3, "horizon": 10,
            "analysis": {"outcomes": ["possession_index", "cumulative_cost"]}}
    exp = experiment_from_dict(data)
    db = f"sqlite:///{tmp_path / 'sa.sqlite'}"
    assert run_sweep(exp, db, workers=1, progress=False).done == exp.n_runs
    return db, exp.name


@pytest.mark.parametrize("method,samples,extra,value", [
    ("sobol", 32, {}, "ST"), ("morris", 8, {"levels": 4}, "mu_star")])
def test_sensitivity_indices(tmp_path, method, samples, extra, value):
    db, name = sweep(tmp_path, method, samples, **extra)
    result = analyze(db, name, tmp_path / "out")
    sens = result.sensitivity
    assert sens is not None and len(sens) == 2 * 2  # outcomes x factors
    assert np.isfinite(sens[value]).all()
    # the AI budget pays for everything (national compute is a share of it); with no regional
    # arrangement in this scenario, cohesion moves neither outcome
    pos = sens[sens.outcome == "possession_index"].set_index("factor")[value]
    assert pos["ai_budget_share"] > 2 * abs(pos["cohesion_sensitivity"]), pos
    cost = sens[sens.outcome == "cumulative_cost"].set_index("factor")[value]
    assert cost["ai_budget_share"] > 10 * abs(cost["cohesion_sensitivity"]), cost
    assert (tmp_path / "out" / "sensitivity.png").stat().st_size > 0
    assert (tmp_path / "out" / "sensitivity.csv").exists()


def test_paired_differences_use_the_same_seed():
    finals = pd.DataFrame({
        "scenario": ["a", "a", "b", "b"], "point": [0, 0, 0, 0], "replication": [0, 1, 0, 1],
        "x": [1.0, 3.0, 2.0, 5.0]})
    d = paired_differences(finals, ["x"], reference="a").iloc[0]
    assert d.pairs == 2 and d.mean_difference == pytest.approx(1.5)
    assert d.share_higher == 1.0
    m = scenario_means(finals, ["x"]).set_index("scenario")
    assert m.loc["b", "mean"] == pytest.approx(3.5) and m.loc["b", "n"] == 2
    assert m.loc["a", "ci_low"] < 2.0 < m.loc["a", "ci_high"]


def test_analyze_notes_partial_results(tmp_path):
    data = {"name": "partial", "scenarios": ["baseline", "possession"],
            "design": {"method": "latin_hypercube", "samples": 2,
                       "factors": {"base_markup": {}}},
            "replications": 2, "seed": 1, "horizon": 5}
    exp = experiment_from_dict(data)
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    from experiments.runner import execute_run
    from experiments.storage import Storage
    with Storage(db) as st:
        exp_id = st.register(exp.name, exp.digest(), exp.n_runs, exp.keep, exp.to_dict())
        st.write(exp_id, [execute_run(exp.spec(t.scenario), t, exp.keep)
                          for t in list(exp.tasks())[:6]])
    result = analyze(db, "partial", tmp_path / "o")
    assert any("6 of 8 runs" in n for n in result.notes)
    assert len(load_region(db, "partial")) == 6
