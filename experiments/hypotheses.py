"""The design's hypotheses (DESIGN.md §9) and the headline, as tests over the declared ranges.

Each hypothesis compares scenarios that differ only in levers, on paired seeds (common
random numbers), at one point of the uncertainty space; it *holds* at that point when the
comparison goes the way the essay says. :func:`atlas` samples the declared ranges (a Latin
hypercube over every uncertainty) and reports, per hypothesis, the share of points where it
holds and the uncertainties that most separate holding from failing. Nothing here feeds back
into the model: the verdicts come from the mechanisms.

    .venv/bin/python -m experiments.hypotheses --points 64 --seeds 2
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy.stats import qmc

from model import Event, ScenarioSpec, run
from model.parameters import UNCERTAINTIES

SHOCK = (Event(8, "export_control", ("all",), {"bloc": "A", "duration": 8}),)
POSSESSION = {"national_model": True, "ours_premium": 0.2, "domestic_compute_share": 0.1,
              "possessive_rhetoric": 0.7}
POOLED = {"pooled_evaluation": True, "joint_procurement": True}
COORDINATED = {**POOLED, "shared_standards": 0.7, "interop_standards": 0.7,
               "diversification_cap": 0.5, "require_evaluation": True}

#: The scenarios the hypotheses compare: (levers, events).
SCENARIOS: dict[str, tuple[dict[str, Any], tuple[Event, ...]]] = {
    "baseline": ({}, ()),
    "national": ({"national_model": True}, ()),
    "retired": ({"retire_national_model": True}, ()),
    "possession": (POSSESSION, ()),
    "pooled": (POOLED, ()),
    "coordinated": (COORDINATED, ()),
    "coordinated_loud": ({**COORDINATED, "possessive_rhetoric": 0.9}, ()),
    "evaluation": ({"own_evaluation_share": 0.15}, ()),
    "shock": ({}, SHOCK),
    "shock_standards": ({"interop_standards": 1.0}, SHOCK),
}

#: The five smallest economies of the default region (GDP, World Bank 2023).
SMALL_STATES = ("TLS", "BRN", "LAO", "KHM", "MMR")


@dataclass(frozen=True)
class Hypothesis:
    key: str
    claim: str
    holds: Callable[[Mapping[str, pd.DataFrame]], bool | float]


def _final(frame: pd.DataFrame, column: str, states=None) -> float:
    last = frame[frame.step == frame.step.max()]
    if states is not None:
        last = last[last.iso3.isin(states)]
    return float(last[column].mean())


def _h1(f) -> bool:
    pooled, national = f["pooled"], f["national"]
    return (_final(pooled, "cumulative_cost", SMALL_STATES)
            < _final(national, "cumulative_cost", SMALL_STATES)
            and _final(pooled, "largest_supplier_share", SMALL_STATES)
            < _final(national, "largest_supplier_share", SMALL_STATES))


def _h2(f) -> bool:
    gain = _final(f["possession"], "possession_index") - _final(f["baseline"], "possession_index")
    control = _final(f["possession"], "control_index") - _final(f["baseline"], "control_index")
    return gain > 0.05 and control < 0.5 * gain


def _h3(f) -> bool:
    plain = _final(f["shock"], "outage_quarters")
    return plain > 0 and _final(f["shock_standards"], "outage_quarters") < 0.95 * plain


def _h4(f) -> bool:
    quiet, loud = f["coordinated"], f["coordinated_loud"]
    return (_final(loud, "trust") < _final(quiet, "trust") - 0.01
            and _final(loud, "bargaining_power") < _final(quiet, "bargaining_power") - 1e-4)


def _pays_off(without: pd.DataFrame, with_: pd.DataFrame) -> pd.Series:
    """Per state: whether having the programme raises public value (mean over the run) by
    a larger share than it raises cumulative cost (value for money improves)."""
    a = without.groupby("iso3", observed=True)
    b = with_.groupby("iso3", observed=True)
    value_a, value_b = a["public_value"].mean(), b["public_value"].mean()
    cost_a, cost_b = a["cumulative_cost"].last(), b["cumulative_cost"].last()
    value_gain = (value_b - value_a) / value_a
    cost_rise = (cost_b - cost_a) / cost_a
    return (value_gain > 0) & (value_gain > cost_rise)


def national_payoff(f) -> pd.Series:
    """Per state with a programme in play: for states without one today, launching it
    ("national" vs baseline; only those whose costs show they launched); for states with one
    today (SEA-LION, Typhoon, ...), keeping it (baseline vs "retired")."""
    base, national, retired = f["baseline"], f["national"], f["retired"]
    b = base.groupby("iso3", observed=True)
    has_one = b["national_model_share"].max() > 0
    launched = ~has_one & (national.groupby("iso3", observed=True)["cumulative_cost"].last()
                           > 1.001 * b["cumulative_cost"].last())
    kept = has_one & (b["cumulative_cost"].last() > retired.groupby(
        "iso3", observed=True)["cumulative_cost"].last())
    return pd.concat([_pays_off(base, national)[launched], _pays_off(retired, base)[kept]])


def _h5(f) -> float:
    """The share of states with a programme in play for which it pays off: H5's conditions
    include the state (large, strong language needs), so its unit is a (point, state) pair."""
    paid = national_payoff(f)
    return float(paid.mean()) if len(paid) else 0.0


def _h6(f) -> bool:
    return f["evaluation"]["incidents"].sum() < 0.95 * f["baseline"]["incidents"].sum()


def _headline(f) -> bool:
    coord, poss = f["coordinated"], f["possession"]
    cost = lambda frame: float(frame[frame.step == frame.step.max()]["cumulative_cost"].sum())  # noqa: E731
    return (_final(coord, "control_index") > _final(poss, "control_index")
            and cost(coord) < cost(poss))


HYPOTHESES: tuple[Hypothesis, ...] = (
    Hypothesis("H1", "For small states, pooled evaluation plus joint procurement lowers cost "
               "and largest supplier share more than a national model (same budget rule)", _h1),
    Hypothesis("H2", "Possession raises the possession index without a matching rise in "
               "control (control rises by less than half as much)", _h2),
    Hypothesis("H3", "Under an export control, interoperability standards shorten the "
               "disruption (by at least 5%)", _h3),
    Hypothesis("H4", "Possessive rhetoric erodes trust and with it pooled leverage", _h4),
    Hypothesis("H5", "A national model pays off for some states under some conditions: its "
               "public value rises by a larger share than its cost (share of states that "
               "launch one, or keep the one they have)", _h5),
    Hypothesis("H6", "Evaluation capacity reduces incidents (by at least 5%)", _h6),
    Hypothesis("headline", "Coordinated resilience beats possession on control and on cost",
               _headline),
)


def sample_points(n: int, seed: int = 0) -> list[dict[str, float | int]]:
    """A Latin hypercube over every declared uncertainty range."""
    unit = qmc.LatinHypercube(d=len(UNCERTAINTIES), seed=seed).random(n)
    points = []
    for row in unit:
        point = {}
        for p, x in zip(UNCERTAINTIES, row, strict=True):
            value = p.low + x * (p.high - p.low)
            point[p.name] = int(round(value)) if p.type == "int" else float(value)
        points.append(point)
    return points


def verdicts(point: Mapping[str, Any], seeds: tuple[int, ...]) -> dict[str, Any]:
    """Whether each hypothesis holds at ``point``, on seed-averaged outcomes (for H5, the
    share of launching states it holds for, and which)."""
    frames: dict[str, pd.DataFrame] = {}
    for name, (levers, events) in SCENARIOS.items():
        spec = ScenarioSpec(uncertainties=dict(point), events=events).with_values(**levers)
        runs = [run(spec, seed=s).states for s in seeds]
        frames[name] = pd.concat(runs).groupby(["step", "iso3"], observed=True,
                                               as_index=False).mean(numeric_only=True)
    out: dict[str, Any] = {h.key: h.holds(frames) for h in HYPOTHESES}
    paid = national_payoff(frames)
    out["H5_states"] = " ".join(sorted(paid.index[paid.to_numpy()].astype(str)))
    return out


def atlas(points: int, seeds: tuple[int, ...], sample_seed: int = 0) -> pd.DataFrame:
    """One row per sampled point: its uncertainties and each hypothesis's verdict."""
    rows = []
    for point in sample_points(points, sample_seed):
        rows.append({**point, **verdicts(point, seeds)})
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Share of points where each hypothesis holds, and the uncertainty that most separates
    holding from failing (difference of means on the unit range, failing minus holding)."""
    out = []
    for h in HYPOTHESES:
        share = float(table[h.key].astype(float).mean())
        held = table[h.key].astype(float) > 0  # H5: for at least one launching state
        row = {"hypothesis": h.key, "holds_share": share, "points": len(table),
               "claim": h.claim}
        if 0 < held.mean() < 1:
            gaps = {}
            for p in UNCERTAINTIES:
                x = (table[p.name] - p.low) / (p.high - p.low)
                gaps[p.name] = x[~held].mean() - x[held].mean()
            name = max(gaps, key=lambda k: abs(gaps[k]))
            row["fails_where"] = f"{name} {'high' if gaps[name] > 0 else 'low'} " \
                f"(mean {table.loc[~held, name].mean():.3g} where it fails vs " \
                f"{table.loc[held, name].mean():.3g} where it holds)"
        out.append(row)
    return pd.DataFrame(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    table = atlas(args.points, tuple(range(1, args.seeds + 1)))
    if args.out:
        table.to_csv(args.out, index=False)
    with pd.option_context("display.width", 200, "display.max_colwidth", 120):
        print(summary(table).drop(columns="claim").to_string(index=False))


if __name__ == "__main__":
    main()
