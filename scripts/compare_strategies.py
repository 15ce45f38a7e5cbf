"""Possession against coordination, through the Python API (issue 2's comparison).

    .venv/bin/python scripts/compare_strategies.py [--seeds 5]

(a) baseline; (b) every state that can afford it builds a national model; (c) pooled
evaluation + joint procurement through the regional body (members contribute 2% of their AI
budget). Means over seeds 1..N of final-quarter outcomes (incidents summed over the run).
"""

from __future__ import annotations

import argparse

import pandas as pd

from model import ScenarioSpec, run

STRATEGIES = {
    "baseline": {},
    "national models": {"national_model": True},
    "pooled eval + joint procurement": {"pooled_evaluation": True, "joint_procurement": True,
                                        "regional_contribution_share": 0.02},
}
COLUMNS = ["evaluated_share", "incidents", "markup_paid", "largest_supplier_share",
           "possession_index", "control_index", "cumulative_cost"]


def compare(seeds: int) -> pd.DataFrame:
    rows = {}
    for label, values in STRATEGIES.items():
        spec = ScenarioSpec().with_values(**values)
        finals = []
        for seed in range(1, seeds + 1):
            region = run(spec, seed=seed).region
            final = region.iloc[-1][COLUMNS].copy()
            final["incidents"] = region["incidents"].sum()
            finals.append(final)
        rows[label] = pd.DataFrame(finals).mean()
    return pd.DataFrame(rows).T[COLUMNS]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    table = compare(parser.parse_args().seeds)
    with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
        print(table.to_string())
