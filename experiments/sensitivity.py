"""Sensitivity indices a referee can trust: Sobol and Morris with their caveats attached.

* **Common random numbers.** Sobol and Morris designs give every point of one base sample
  the same seeds (:meth:`experiments.design.Design.seed_block`), so ``f(AB_i) - f(A)`` and a
  trajectory's elementary effects compare runs that differ only in the factors.
* **Seed noise.** With two or more replications per point, the share of the analysed
  output's variance that is seed noise is reported (``noise_share``): the mean
  within-point variance over the replications, divided by the number of replications
  (the analysed value is their mean), over the variance of that mean across points. A share
  near 1 means the indices describe noise.
* **Constant outputs** (no variance across points) are flagged ``constant`` and get no
  indices (NaN, never 0).
* **Wide intervals** are flagged per factor (``wide``) and summarised in warnings.
* **Differences.** :func:`sensitivity_table` also analyses paired differences between
  scenarios (scenario minus reference, on the same point, replication and seed), e.g.
  coordination minus possession: which uncertainties decide *whether one strategy beats the
  other*, not only what drives each level.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: An index whose 95% half-interval exceeds this is flagged wide (Sobol S1/ST).
WIDE_SOBOL = 0.1
#: A Morris mu* whose 95% half-interval exceeds this share of the largest mu* is wide.
WIDE_MORRIS = 0.2
#: Relative variance (to the squared mean scale) below which an output counts as constant.
CONSTANT_RTOL = 1e-12
#: Seed-noise share above which a warning says the indices are mostly noise.
NOISY = 0.3


@dataclass
class OutputSensitivity:
    """The indices of one output (one scenario's level, or one paired difference)."""

    label: str
    outcome: str
    table: pd.DataFrame  # one row per factor
    constant: bool = False
    noise_share: float = float("nan")
    points: int = 0
    replications: int = 0
    warnings: list[str] = field(default_factory=list)


def problem_of(definition: dict[str, Any]) -> dict[str, Any]:
    factors = definition["design"]["factors"]
    names = list(factors)
    return {"num_vars": len(names), "names": names,
            "bounds": [[float(factors[n]["low"]), float(factors[n]["high"])] for n in names]}


def noise_share(values: np.ndarray) -> float:
    """Seed-noise share of the variance of replication means (``values``: points x reps)."""
    values = np.asarray(values, float)
    if values.ndim != 2 or values.shape[1] < 2 or values.shape[0] < 2:
        return float("nan")
    reps = values.shape[1]
    within = float(np.nanmean(np.nanvar(values, axis=1, ddof=1))) / reps
    total = float(np.nanvar(np.nanmean(values, axis=1), ddof=1))
    if total <= 0:
        return float("nan")
    return min(1.0, within / total)


def is_constant(y: np.ndarray) -> bool:
    y = np.asarray(y, float)
    y = y[np.isfinite(y)]
    if len(y) < 2:
        return True
    scale = max(float(np.mean(np.abs(y))) ** 2, 1e-300)
    return float(np.var(y)) <= CONSTANT_RTOL * scale


def _prepared(problem: dict[str, Any], values, label: str, outcome: str,
              columns: tuple[str, ...]) -> tuple[OutputSensitivity, np.ndarray]:
    """The result table of one output with its seed-noise share, and the output averaged
    over replications; a constant output is flagged (its index columns NaN, not 0)."""
    values = np.asarray(values, float)
    values2 = values if values.ndim == 2 else values[:, None]
    y = values2.mean(axis=1)
    res = OutputSensitivity(label, outcome, pd.DataFrame({"factor": problem["names"]}),
                            points=len(y), replications=values2.shape[1])
    res.noise_share = noise_share(values2)
    if is_constant(y):
        res.constant = True
        for c in columns:
            res.table[c] = np.nan
        res.table["wide"] = False
        res.warnings.append(f"{label} {outcome}: constant over the design (no indices)")
    return res, y


def sobol_output(problem: dict[str, Any], values: np.ndarray, *, second_order: bool = False,
                 seed: int = 0, label: str = "", outcome: str = "") -> OutputSensitivity:
    """Sobol S1 and ST (95% bootstrap intervals) of one output.

    ``values``: points (in SALib's sample order) x replications, or a vector."""
    from SALib.analyze import sobol

    res, y = _prepared(problem, values, label, outcome, ("S1", "S1_conf", "ST", "ST_conf"))
    if res.constant:
        return res
    names = problem["names"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = sobol.analyze(problem, y, calc_second_order=second_order, seed=seed)
    for c in ("S1", "S1_conf", "ST", "ST_conf"):
        res.table[c] = np.asarray(out[c], float)
    res.table["wide"] = (res.table["S1_conf"] > WIDE_SOBOL) | (res.table["ST_conf"] > WIDE_SOBOL)
    wide = int(res.table["wide"].sum())
    if wide:
        res.warnings.append(
            f"{label} {outcome}: {wide} of {len(names)} factors have a 95% interval wider "
            f"than +-{WIDE_SOBOL} (N = {len(y) // _rows_per_base(problem, second_order)}); "
            "increase design.samples")
    _noise_warning(res)
    return res


def morris_output(problem: dict[str, Any], X: np.ndarray, values: np.ndarray, *, levels: int,
                  seed: int = 0, label: str = "", outcome: str = "") -> OutputSensitivity:
    """Morris mu*, its 95% interval and sigma of one output (``values`` as for Sobol)."""
    from SALib.analyze import morris

    res, y = _prepared(problem, values, label, outcome, ("mu_star", "mu_star_conf", "sigma"))
    if res.constant:
        return res
    names = problem["names"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = morris.analyze(problem, np.asarray(X, float), y, num_levels=levels, seed=seed)
    for c in ("mu_star", "mu_star_conf", "sigma"):
        res.table[c] = np.asarray(out[c], float)
    top = float(np.nanmax(res.table["mu_star"])) or 1.0
    res.table["wide"] = res.table["mu_star_conf"] > WIDE_MORRIS * top
    wide = int(res.table["wide"].sum())
    if wide:
        res.warnings.append(f"{label} {outcome}: {wide} of {len(names)} factors have a mu* "
                            f"interval wider than {WIDE_MORRIS:.0%} of the largest mu*; add "
                            "trajectories (design.samples)")
    _noise_warning(res)
    return res


def _rows_per_base(problem: dict[str, Any], second_order: bool) -> int:
    D = problem["num_vars"]
    return 2 * D + 2 if second_order else D + 2


def _noise_warning(res: OutputSensitivity) -> None:
    if res.noise_share == res.noise_share and res.noise_share > NOISY:
        res.warnings.append(f"{res.label} {res.outcome}: {res.noise_share:.0%} of the variance "
                            "is seed noise; add replications")


def _point_matrix(frame: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """points x replications of ``outcome`` (NaN where a run is missing)."""
    grid = frame.pivot_table(index="point", columns="replication", values=outcome,
                             aggfunc="mean", observed=True)
    return grid.reindex(range(n_points)).to_numpy(float)


def sensitivity_table(finals: pd.DataFrame, definition: dict[str, Any],
                      outcomes: Sequence[str], seed: int = 0,
                      differences: bool = True) -> tuple[pd.DataFrame, list[str]] | None:
    """Indices per scenario and outcome, and per paired difference (each scenario minus the
    first), with flags: one row per (scenario, outcome, factor); ``kind`` is ``level`` or
    ``difference``. Returns ``(table, warnings)``, or None unless the design is Sobol or
    Morris. ``finals``: one row per run with ``scenario``, ``point``, ``replication``, the
    design's factors and the outcomes."""
    design = definition["design"]
    method = design["method"]
    if method not in ("sobol", "morris"):
        return None
    problem = problem_of(definition)
    names = problem["names"]
    n_points = int(finals["point"].max()) + 1
    scenarios = [s for s in definition["scenarios"] if s in set(finals["scenario"].astype(str))]
    X = finals.groupby("point")[names].first().reindex(range(n_points)).to_numpy(float)
    per = {s: finals[finals["scenario"].astype(str) == s] for s in scenarios}
    outputs: list[tuple[str, str, np.ndarray]] = []
    for s in scenarios:
        for o in outcomes:
            outputs.append((s, "level", _point_matrix(per[s], o, n_points)))
    if differences and len(scenarios) > 1:
        ref = scenarios[0]
        for s in scenarios[1:]:
            for o in outcomes:
                d = _point_matrix(per[s], o, n_points) - _point_matrix(per[ref], o, n_points)
                outputs.append((f"{s} - {ref}", "difference", d))
    rows, notes = [], []
    for k, (label, kind, values) in enumerate(outputs):
        o = outcomes[k % len(outcomes)]
        if method == "sobol":
            r = sobol_output(problem, values, second_order=design["second_order"], seed=seed,
                             label=label, outcome=o)
        else:
            r = morris_output(problem, X, values, levels=design["levels"], seed=seed,
                              label=label, outcome=o)
        t = r.table.assign(scenario=label, kind=kind, outcome=o, constant=r.constant,
                           noise_share=r.noise_share, points=r.points,
                           replications=r.replications)
        rows.append(t)
        notes += r.warnings
    table = pd.concat(rows, ignore_index=True)
    first = ["scenario", "kind", "outcome", "factor"]
    table = table[first + [c for c in table.columns if c not in first]]
    if method == "sobol":
        lv = table[~table["constant"]]
        straddle = float(((lv["S1"] - lv["S1_conf"] < 0) & (lv["S1"] + lv["S1_conf"] > 0))
                         .mean()) if len(lv) else float("nan")
        if straddle == straddle:
            notes.insert(0, f"{straddle:.0%} of first-order (S1) intervals include 0")
    if design.get("common_seeds") is False:
        notes.insert(0, "seeds are drawn per point (common_seeds: false): seed noise enters "
                     "every estimator difference")
    return table, notes


def format_indices(table: pd.DataFrame, scenario: str, outcome: str) -> str:
    """A plain table of one output's indices, largest total effect first."""
    part = table[(table["scenario"] == scenario) & (table["outcome"] == outcome)]
    if part.empty:
        return ""
    head = part.iloc[0]
    noise = head["noise_share"]
    line = (f"{scenario}: {outcome} ({head['points']} points x {head['replications']} "
            f"replications; seed-noise share "
            f"{'n/a (1 replication)' if noise != noise else f'{noise:.1%}'})")
    if bool(head["constant"]):
        return line + "\n  constant over the design: no indices"
    if "ST" in part:
        part = part.sort_values("ST", ascending=False)
        rows = [f"  {r.factor:<34} S1 {r.S1:+.3f} +- {r.S1_conf:.3f}   ST {r.ST:.3f} +- "
                f"{r.ST_conf:.3f}{'  (wide)' if r.wide else ''}" for r in part.itertuples()]
    else:
        part = part.sort_values("mu_star", ascending=False)
        rows = [f"  {r.factor:<34} mu* {r.mu_star:.4g} +- {r.mu_star_conf:.3g}   sigma "
                f"{r.sigma:.4g}{'  (wide)' if r.wide else ''}" for r in part.itertuples()]
    return "\n".join([line, *rows])
