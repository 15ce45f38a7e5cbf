"""EMA Workbench + PRIM on sovsim (docs/experiments.md): where is coordinated resilience dear?

    .venv/bin/python examples/ema_prim.py      # needs the research extra; about 15 s
"""

from ema_workbench import perform_experiments
from ema_workbench.analysis import prim

from sovsim.experiments.ema import sovsim_model


def main() -> None:
    model = sovsim_model(scenario="coordinated_resilience")
    experiments, outcomes = perform_experiments(model, scenarios=128,
                                                uncertainty_sampling_kwargs={"rng": 7})

    # PRIM pastes fractional limits into integer columns: give it floats
    x = experiments[[u.name for u in model.uncertainties]].astype(float)
    cost = outcomes["cumulative_cost"]
    y = cost > cost.mean() + cost.std()          # the dearest runs of coordinated resilience
    box = prim.Prim(x, y, mass_min=0.05).find_box()
    simple = box.peeling_trajectory.query("res_dim <= 2")["density"].idxmax()
    box.select(simple)                           # the densest box on at most two uncertainties
    print(f"{y.mean():.0%} of runs; box: coverage {box.coverage:.2f}, "
          f"density {box.density:.2f}")
    lims = box.box_lims[simple]
    restricted = (lims.iloc[0] > x.min()[lims.columns]) | (lims.iloc[1] < x.max()[lims.columns])
    print(lims.loc[:, restricted])


if __name__ == "__main__":
    main()
