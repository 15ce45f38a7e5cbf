"""Sensitivity that can be trusted: Sobol/Morris recover known indices, seeds are shared per
base sample, seed noise is measured, constant outputs and wide intervals are flagged, and
paired differences get their own indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from experiments.design import experiment_from_dict
from experiments.sensitivity import noise_share, sensitivity_table, sobol_output

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def _definition(method: str = "sobol", **design) -> dict:
    return {"scenarios": {"a": {}, "b": {}},
            "design": {"method": method, "second_order": False, "levels": 4,
                       "factors": {n: {"low": -np.pi, "high": np.pi} for n in PROBLEM["names"]},
                       **design}}


def _finals(X: np.ndarray, outputs: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per run: scenario x point x replication, the factors and outcome y."""
    frames = []
    for scenario, Y in outputs.items():
        Y = Y if Y.ndim == 2 else Y[:, None]
        for r in range(Y.shape[1]):
            f = pd.DataFrame(X, columns=PROBLEM["names"])
            f["point"] = np.arange(len(X))
            f["replication"] = r
            f["scenario"] = scenario
            f["y"] = Y[:, r]
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_sobol_recovers_ishigami_indices():
    X = sobol_sample.sample(PROBLEM, 1024, calc_second_order=False, seed=1)
    res = sobol_output(PROBLEM, Ishigami.evaluate(X), seed=1)
    t = res.table.set_index("factor")
    assert t.loc["x1", "S1"] == pytest.approx(0.314, abs=0.05)
    assert t.loc["x2", "S1"] == pytest.approx(0.442, abs=0.05)
    assert abs(t.loc["x3", "S1"]) < 0.05
    assert t.loc["x3", "ST"] == pytest.approx(0.244, abs=0.05)
    assert t.loc["x1", "ST"] == pytest.approx(0.558, abs=0.06)
    assert not res.constant and not t["wide"].any()


def test_seed_noise_share_is_measured():
    rng = np.random.default_rng(0)
    X = sobol_sample.sample(PROBLEM, 256, calc_second_order=False, seed=2)
    y = Ishigami.evaluate(X)
    sd = float(np.std(y))  # noise variance = signal variance: share ~ (1/2) / (1 + 1/2)
    noisy = y[:, None] + rng.normal(0, sd, size=(len(y), 2))
    assert noise_share(noisy) == pytest.approx(1 / 3, abs=0.05)
    res = sobol_output(PROBLEM, noisy, seed=2, label="a", outcome="y")
    assert res.noise_share == pytest.approx(1 / 3, abs=0.05)
    assert any("seed noise" in w for w in res.warnings)
    assert noise_share(y[:, None]) != noise_share(y[:, None])  # one replication: NaN


def test_constant_output_is_flagged_not_zero():
    X = sobol_sample.sample(PROBLEM, 64, calc_second_order=False, seed=3)
    res = sobol_output(PROBLEM, np.full(len(X), 0.7), label="a", outcome="y")
    assert res.constant
    assert res.table["S1"].isna().all() and res.table["ST"].isna().all()
    assert any("constant" in w for w in res.warnings)


def test_wide_intervals_warn():
    X = sobol_sample.sample(PROBLEM, 8, calc_second_order=False, seed=4)
    res = sobol_output(PROBLEM, Ishigami.evaluate(X), label="a", outcome="y")
    assert res.table["wide"].any()
    assert any("wider than" in w for w in res.warnings)


def test_sensitivity_of_paired_differences():
    X = sobol_sample.sample(PROBLEM, 512, calc_second_order=False, seed=5)
    a = Ishigami.evaluate(X)
    b = a + 3 * np.sin(X[:, 2])  # b - a depends on x3 only
    table, notes = sensitivity_table(_finals(X, {"a": a, "b": b}), _definition(), ["y"])
    diff = table[table["kind"] == "difference"].set_index("factor")
    assert set(table["scenario"]) == {"a", "b", "b - a"}
    assert diff.loc["x3", "ST"] > 0.9 and diff.loc["x1", "ST"] < 0.05
    assert any("S1" in n for n in notes)


def test_morris_flags_constant_and_ranks_factors():
    X = morris_sample.sample(PROBLEM, 40, num_levels=4, seed=6)
    y = Ishigami.evaluate(X)
    table, _ = sensitivity_table(_finals(X, {"a": y, "b": np.zeros(len(y))}),
                                 _definition("morris"), ["y"])
    level_a = table[table["scenario"] == "a"].set_index("factor")
    assert level_a["mu_star"].idxmax() in ("x1", "x2")
    assert table[table["scenario"] == "b"]["constant"].all()


def _sobol_experiment(**design) -> dict:
    return {"name": "crn", "scenarios": ["baseline", "possession"], "replications": 2,
            "design": {"method": "sobol", "samples": 4,
                       "factors": {"base_markup": {}, "lockin_growth": {}}, **design}}


def test_sobol_seeds_shared_per_base_sample():
    exp = experiment_from_dict(_sobol_experiment())
    block = 2 + 2  # D + 2 rows (A, AB_1, AB_2, B) per base sample
    assert exp.design.seed_block() == block
    seeds = exp.seeds()
    for start in range(0, exp.n_points, block):
        assert (seeds[start:start + block] == seeds[start]).all()
    assert len({int(seeds[p, 0]) for p in range(0, exp.n_points, block)}) == 4
    assert seeds[0, 0] != seeds[0, 1]  # replications still differ
    per_point = experiment_from_dict(_sobol_experiment(common_seeds=False)).seeds()
    assert len(set(per_point[:, 0].tolist())) == exp.n_points
    assert experiment_from_dict(_sobol_experiment(common_seeds=False)).digest() != exp.digest()


def test_sobol_defaults_to_every_uncertainty_and_n256():
    from model.parameters import UNCERTAINTIES

    exp = experiment_from_dict({"name": "all", "scenarios": ["baseline"],
                                "design": {"method": "sobol"}})
    assert exp.design.samples == 256
    assert len(exp.design.factors) == len(UNCERTAINTIES)
    assert exp.design.seed_block() == len(UNCERTAINTIES) + 2
