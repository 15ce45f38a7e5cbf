"""Possession against coordination, per state and for the region, through the Python API.

    .venv/bin/python scripts/compare_strategies.py [--seeds 5]

(a) baseline; (b) every state without a national model starts one where affordable;
(c) pooled evaluation + joint procurement through the regional body (members pay its fees).
Means over seeds 1..N: final-quarter control, possession and cumulative cost, mean public
value over the run, and each strategy's change against the baseline per state (who gains,
who pays).
"""

from __future__ import annotations

import argparse

import pandas as pd

from model import ScenarioSpec, run

STRATEGIES = {
    "baseline": {},
    "national models": {"national_model": True},
    "pooled eval + joint procurement": {"pooled_evaluation": True, "joint_procurement": True},
}
FINAL = ["control_index", "possession_index", "cumulative_cost", "largest_supplier_share"]


def per_state(seeds: int) -> pd.DataFrame:
    """One row per strategy x state (means over seeds)."""
    rows = []
    for label, values in STRATEGIES.items():
        spec = ScenarioSpec().with_values(**values)
        for seed in range(1, seeds + 1):
            states = run(spec, seed=seed).states
            final = states[states.step == states.step.max()].set_index("iso3")[FINAL]
            final["public_value"] = states.groupby("iso3", observed=True)["public_value"].mean()
            final["unfunded"] = states.groupby("iso3", observed=True)["unfunded"].sum()
            rows.append(final.assign(strategy=label).reset_index())
    frame = pd.concat(rows)
    return frame.groupby(["strategy", "iso3"], observed=True, sort=False).mean()


def against_baseline(table: pd.DataFrame) -> pd.DataFrame:
    """Each strategy's change per state against the baseline (cost in %)."""
    base = table.loc["baseline"]
    out = []
    for label in STRATEGIES:
        if label == "baseline":
            continue
        t = table.loc[label]
        out.append(pd.DataFrame({
            "strategy": label,
            "d_control": t.control_index - base.control_index,
            "d_possession": t.possession_index - base.possession_index,
            "d_cost_%": 100 * (t.cumulative_cost / base.cumulative_cost - 1),
            "d_public_value": t.public_value - base.public_value,
        }))
    return pd.concat(out).reset_index().set_index(["strategy", "iso3"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    table = per_state(parser.parse_args().seeds)
    with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format,
                           "display.max_rows", 200):
        print(table.to_string())
        print()
        print(against_baseline(table).to_string())
        print()
        region = table.groupby(level="strategy", sort=False).agg(
            {"control_index": "mean", "possession_index": "mean", "cumulative_cost": "sum",
             "public_value": "mean", "unfunded": "sum"})
        print(region.to_string())
