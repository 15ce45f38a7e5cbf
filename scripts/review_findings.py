"""The review of model 1.0 (issue "Model 2.0"), re-measured on the current model.

    .venv/bin/python scripts/review_findings.py [--seeds 5]

One number per finding, means over seeds 1..N of the default region (40 quarters).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from model import Event, ScenarioSpec, SovereigntyModel, run

SMALL = ["TLS", "BRN", "LAO", "KHM", "MMR"]
SHOCK = (Event(8, "export_control", ("all",), {"bloc": "A", "duration": 8}),)


def states(values=None, seed=1, events=(), **spec) -> pd.DataFrame:
    return run(ScenarioSpec(events=events, **spec).with_values(**(values or {})), seed=seed).states


def mean_over(seeds, fn) -> float:
    return float(np.mean([fn(s) for s in seeds]))


def findings(seeds: range) -> list[tuple[str, str, float]]:
    out = []

    def pooled_share(s):
        f = states({"pooled_evaluation": True}, s)
        return f[f.step > 0].evaluated_share.mean()
    out.append(("1 ordering", "evaluated share, pooled evaluation (mean of quarters 1-40)",
                mean_over(seeds, pooled_share)))

    def zigzag(s):
        f = states({"pooled_evaluation": True}, s)
        c = f.pivot(index="step", columns="iso3", values="control_index")
        return c.diff().abs().mean().mean()
    out.append(("1 ordering", "mean |quarter-to-quarter change| of control, pooled",
                mean_over(seeds, zigzag)))
    coordinated = {"pooled_evaluation": True, "joint_procurement": True, "shared_standards": 0.7}
    q0 = [np.abs(SovereigntyModel(ScenarioSpec(horizon=1).with_values(**v), collect=False)
                 .state_metrics[0] - SovereigntyModel(ScenarioSpec(horizon=1),
                                                      collect=False).state_metrics[0]).max()
          for v in (coordinated, {"national_model": True, "domestic_compute_share": 0.3})]
    out.append(("2 quarter 0", "max |q0 difference| of any outcome vs baseline", max(q0)))

    def khm_first_year(s):
        f = states({"national_model": True, "ours_premium": 0.2, "domestic_compute_share": 0.1},
                   s)
        k = f[(f.iso3 == "KHM") & f.step.between(1, 4)]
        return (k.spend / k.budget).max()
    out.append(("3 budget", "KHM max spend/budget, first year of possession",
                mean_over(seeds, khm_first_year)))
    for q in (1, 40):
        out.append(("3 budget", f"baseline region spend/budget at q{q}", mean_over(
            seeds, lambda s, q=q: (lambda g: g.spend.sum() / g.budget.sum())(
                states(seed=s).query(f"step == {q}")))))

    def small_cost(values, s, events=()):
        f = states(values, s, events)
        return f[(f.step == f.step.max()) & f.iso3.isin(SMALL)].cumulative_cost.sum()
    out.append(("4 contributions", "joint procurement: small states' cumulative cost vs "
                "baseline (%)", mean_over(seeds, lambda s: 100 * (small_cost(
                    {"joint_procurement": True}, s) / small_cost({}, s) - 1))))
    big = ["IDN", "SGP", "THA"]

    def big_cost(values, s):
        f = states(values, s)
        return f[(f.step == f.step.max()) & f.iso3.isin(big)].cumulative_cost.sum()
    out.append(("4 contributions", "joint procurement: IDN+SGP+THA cumulative cost vs "
                "baseline (%)", mean_over(seeds, lambda s: 100 * (big_cost(
                    {"joint_procurement": True}, s) / big_cost({}, s) - 1))))

    def region_cost(values, s, events=()):
        f = states(values, s, events)
        return f[f.step == f.step.max()].cumulative_cost.sum()
    out.append(("5 free lunches", "full standards: region cumulative cost vs baseline (%)",
                mean_over(seeds, lambda s: 100 * (region_cost({"interop_standards": 1.0}, s)
                                                  / region_cost({}, s) - 1))))
    deltas = [region_cost({}, s, SHOCK) - region_cost({}, s) for s in seeds]
    out.append(("5 free lunches", "export control on bloc A: region cost change (US$ m)",
                float(np.mean(deltas))))
    out.append(("5 free lunches", "export control on bloc A: share of seeds cheaper",
                float(np.mean([d < 0 for d in deltas]))))

    def markup_change(s):
        base = SovereigntyModel(ScenarioSpec(horizon=12), rng=s, collect=False)
        shock = SovereigntyModel(ScenarioSpec(horizon=12, events=SHOCK), rng=s, collect=False)
        base.run()
        shock.run()
        j = base.suppliers.column["cloud_b"]
        return 100 * (shock.market.markup[:, j].mean() / base.market.markup[:, j].mean() - 1)
    out.append(("6 supply", "cloud B markup under a bloc-A export control, q12 (% change)",
                mean_over(seeds, markup_change)))
    f = states({"pooled_evaluation": True, "joint_procurement": True}, 1)
    g = states({}, 1)
    out.append(("7 indices", "control at q0: coordination minus baseline",
                float(f[f.step == 0].control_index.mean() - g[g.step == 0].control_index.mean())))
    out.append(("7 indices", "SGP possession at q0 (985 MW of data centres)",
                float(g[(g.step == 0) & (g.iso3 == "SGP")].possession_index.iloc[0])))
    m = SovereigntyModel(ScenarioSpec(horizon=1), collect=False)
    out.append(("8 programmes", "states with a national model at q0",
                float(m.programmes.released.sum())))
    out.append(("8 programmes", "first-release quality, fine-tune route (PHL)",
                float(m.world.quality[0, m.suppliers.open_column]
                      * m.world.quality_scale[m.iso3.index("PHL"), m.suppliers.open_column]
                      * m.c["fine_tune_start_share"])))
    out.append(("9 cohesion", "baseline cohesion at q40", mean_over(
        seeds, lambda s: run(seed=s).region.cohesion.iloc[-1])))
    out.append(("9 cohesion", "members at q40, rhetoric 0.7 everywhere", mean_over(
        seeds, lambda s: run({"possessive_rhetoric": 0.7}, seed=s).region.members.iloc[-1])))
    out.append(("9 cohesion", "cohesion at q40, coordinated (pooled + JP + standards)",
                mean_over(seeds, lambda s: run(coordinated, seed=s).region.cohesion.iloc[-1])))
    from model.parameters import CONSTANTS, UNCERTAINTIES
    out.append(("10 sweepable", "uncertainties declared", float(len(UNCERTAINTIES))))
    out.append(("10 sweepable", "constants declared", float(len(CONSTANTS))))
    out.append(("11 granularity", "fewest workflows of any state",
                float(m.workflows.per_state.min())))
    lss = np.array([SovereigntyModel(ScenarioSpec(horizon=1), rng=s, collect=False).metric(
        "largest_supplier_share") for s in seeds])
    out.append(("11 granularity", "max over states of q0 largest supplier share", lss.max()))
    finals = np.array([run(seed=s).final().largest_supplier_share.to_numpy() for s in seeds])
    out.append(("11 granularity", "max over states of seed s.d. of final largest share",
                float(finals.std(axis=0).max())))
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    rows = findings(range(1, parser.parse_args().seeds + 1))
    table = pd.DataFrame(rows, columns=["finding", "measure", "value"])
    with pd.option_context("display.width", 160, "display.max_colwidth", 90):
        print(table.to_string(index=False, float_format="{:.4g}".format))
