"""Sobol indices of the headline DIFFERENCE (coordinated resilience minus possession), per
state group and for the region, from a stored Sobol sweep of experiments/headline_sensitivity.yaml.

    sovsim sweep experiments/headline_sensitivity.yaml --db sobol.sqlite   # N = 256
    .venv/bin/python scripts/headline_sobol.py --db sobol.sqlite --experiment headline_sensitivity

SALib's Saltelli sample for N base samples is the first N x (D + 2) rows of the sample for
any larger power of 2 (same seed), and seeds are shared per base sample, so an unfinished
sweep is analysed on its largest complete prefix: exactly the N' = 2^k design (said in the
output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.analysis import load_results, state_groups  # noqa: E402
from experiments.sensitivity import format_indices, sensitivity_table  # noqa: E402
from experiments.storage import Storage  # noqa: E402
from model.parameters import SUMMED_OUTCOMES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sobol.sqlite")
    parser.add_argument("--experiment", default="headline_sensitivity")
    parser.add_argument("--outcomes", default="control_index,cumulative_cost")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--out", type=Path, default=None, help="CSV of every index")
    args = parser.parse_args(argv)
    outcomes = args.outcomes.split(",")
    with Storage(args.db, create=False) as storage:
        exp = storage.experiment(args.experiment)
    definition = exp["definition"]
    D = len(definition["design"]["factors"])
    block = D + 2
    states = load_results(args.db, args.experiment)
    scen = list(definition["scenarios"])
    reps = definition["replications"]
    # complete points: every scenario x replication stored
    runs = states.drop_duplicates("run_id").groupby("point").size()
    complete = runs[runs == len(scen) * reps].index
    n = 0
    while (n * 2 or 1) * block <= len(complete) and set(range((n * 2 or 1) * block)) <= \
            set(complete):
        n = n * 2 or 1
    if n == 0:
        print("no complete base sample yet")
        return 1
    planned = definition["design"]["samples"]
    states = states[states["point"] < n * block]
    print(f"{args.experiment}: N = {n} base samples (of {planned} planned) x ({D} + 2) = "
          f"{n * block} points x {reps} replications x {len(scen)} scenarios = "
          f"{n * block * reps * len(scen)} runs; seeds shared per base sample")
    design = dict(definition["design"], samples=n)
    definition = dict(definition, design=design)
    groups = {**state_groups(), "region": None}
    tables = []
    for name, members in groups.items():
        part = states if members is None else states[states["iso3"].isin(members)]
        agg = {o: ("sum" if o in SUMMED_OUTCOMES else "mean") for o in outcomes}
        keys = ["scenario", "point", "replication"]
        finals = part.groupby(keys, observed=True).agg(agg).reset_index()
        params = states.groupby("point")[list(design["factors"])].first()
        finals = finals.join(params, on="point")
        table, notes = sensitivity_table(finals, definition, outcomes,
                                         seed=definition["seed"] % 2**32)
        table["group"] = name
        tables.append(table)
        diff = f"{scen[1]} - {scen[0]}"
        print(f"\n=== {name} states" if members else "\n=== region")
        for o in outcomes:
            text = format_indices(table, diff, o).splitlines()
            print("\n".join(text[:args.top + 1]))
            part_t = table[(table["scenario"] == diff) & (table["outcome"] == o)]
            if not part_t["constant"].any():
                print(f"  sum of S1 {part_t['S1'].sum():.2f}; factors with a wide interval: "
                      f"{int(part_t['wide'].sum())} of {D}")
        for note in notes:
            if "S1) intervals" in note:
                print(f"  note: {note}")
    if args.out:
        pd.concat(tables).to_csv(args.out, index=False)
    print(f"\nN = 256 (the file's default): sovsim sweep experiments/headline_sensitivity.yaml "
          f"--db {args.db}  ({256 * block * reps * len(scen):,} runs)")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
