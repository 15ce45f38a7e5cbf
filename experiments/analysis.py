"""Reading sweep results back: tidy pandas frames, summaries, sensitivity indices, charts.

* :func:`load_results` - one row per run x step x state, the design's parameters as columns;
* :func:`load_region` - one row per run (final) or per run x step, region outcomes;
* :func:`analyze` - per-scenario means with 95% intervals, paired differences against the
  first scenario (same point, same replication, same seed), Sobol or Morris indices when the
  design is a Sobol or Morris design, and PNG charts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from .storage import REGION_COLUMNS, STATE_COLUMNS, Storage

RUN_COLUMNS = ("experiment", "scenario", "scenario_hash", "point", "replication", "seed",
               "run_id", "extension")


# ---------------------------------------------------------------------------- loading
def _runs_frame(storage: Storage, exp: dict[str, Any]) -> pd.DataFrame:
    r = storage.runs.c
    factors = list(exp["definition"]["design"]["factors"])
    with storage.engine.connect() as conn:
        rows = conn.execute(select(r.id, r.scenario, r.scenario_hash, r.point, r.replication,
                                   r.seed, r.params)
                            .where(r.experiment_id == exp["id"], r.status == "done")
                            .order_by(r.id)).all()
    frame = pd.DataFrame({
        "experiment": pd.Series([exp["name"]] * len(rows), dtype="string"),
        "scenario": [row.scenario for row in rows],
        "scenario_hash": [row.scenario_hash for row in rows],
        "point": np.array([row.point for row in rows], dtype=np.int64),
        "replication": np.array([row.replication for row in rows], dtype=np.int64),
        "seed": np.array([row.seed for row in rows], dtype=np.int64),
        "run_id": np.array([row.id for row in rows], dtype=np.int64),
    })
    for name in factors:
        frame[name] = [row.params.get(name) for row in rows]
    scen = list(exp["definition"]["scenarios"])
    frame["scenario"] = pd.Categorical(frame["scenario"], categories=scen)
    frame.insert(frame.columns.get_loc("run_id") + 1, "extension",
                 extension_numbers(storage.extension_history(exp["id"]), frame["point"],
                                   frame["replication"]))
    return frame


def extension_numbers(history: Sequence[dict[str, Any]], point, replication) -> np.ndarray:
    """Which extension of the experiment added each run (1: the first definition): the
    first whose plan holds the run's point and replication (1 for all without a history)."""
    point, replication = np.asarray(point), np.asarray(replication)
    out = np.zeros(point.shape, dtype=np.int64)
    for ext in history:
        inside = (out == 0) & (point < ext["n_points"]) & (replication < ext["replications"])
        out[inside] = ext["number"]
    out[out == 0] = 1
    return out


def _kept(exp: dict[str, Any], columns: Sequence[str]) -> list[str]:
    kept = exp["definition"]["keep"]["outcomes"]
    return [c for c in columns if not kept or c in kept]


def iter_results(db: str | None, experiment: str, *, level: str = "state",
                 runs_per_chunk: int = 2000) -> Iterator[pd.DataFrame]:
    """Tidy frames of ``runs_per_chunk`` runs at a time (flat memory for exports).

    ``level="state"``: one row per run x step x state (only the final step unless the
    experiment kept ``per_step_state``); ``level="region"``: one row per run x step (only the
    final step unless it kept ``per_step`` or ``per_step_state``). ``scenario`` and ``iso3``
    are categoricals with the same categories in every chunk.
    """
    with Storage(db, create=False) as storage:
        exp = storage.experiment(experiment)
        runs = _runs_frame(storage, exp)
        keep = exp["keep"]
        if level == "state":
            table = storage.state_steps if keep == "per_step_state" else storage.state_finals
            cols = _kept(exp, STATE_COLUMNS)
            index = ["step", "iso3"]
        elif level == "region":
            table = storage.region_steps if keep != "final" else storage.region_finals
            cols = _kept(exp, REGION_COLUMNS)
            index = ["step"]
        else:
            raise ValueError(f"level must be 'state' or 'region', got {level!r}")
        r = storage.runs.c
        codes: list[str] = []
        if level == "state":  # the same categories in every chunk (one Parquet dictionary)
            with storage.engine.connect() as conn:
                codes = sorted(conn.execute(
                    select(table.c.iso3).distinct()
                    .join(storage.runs, storage.runs.c.id == table.c.run_id)
                    .where(r.experiment_id == exp["id"])).scalars())
        for start in range(0, len(runs), runs_per_chunk):
            part = runs.iloc[start:start + runs_per_chunk]
            lo, hi = int(part["run_id"].iloc[0]), int(part["run_id"].iloc[-1])
            q = (select(table.c.run_id, *[table.c[c] for c in index + cols])
                 .join(storage.runs, storage.runs.c.id == table.c.run_id)
                 .where(r.experiment_id == exp["id"], r.status == "done",
                        table.c.run_id >= lo, table.c.run_id <= hi)
                 .order_by(table.c.run_id, *[table.c[c] for c in index]))
            with storage.engine.connect() as conn:
                values = pd.read_sql(q, conn)
            frame = part.merge(values, on="run_id", how="inner", validate="one_to_many")
            if "member" in frame:
                frame["member"] = frame["member"].astype(bool)
            if "iso3" in frame:
                frame["iso3"] = pd.Categorical(frame["iso3"], categories=codes)
            yield frame.reset_index(drop=True)


def load_results(db_url: str | None, experiment: str) -> pd.DataFrame:
    """All finished runs of ``experiment``: one row per run x state at the final step (per
    run x step x state if the experiment kept ``per_step_state``), with the scenario, point,
    replication, seed and the design's parameters as columns."""
    frames = list(iter_results(db_url, experiment, level="state"))
    return _concat(frames)


def load_region(db_url: str | None, experiment: str, *, final: bool = True) -> pd.DataFrame:
    """Region outcomes: one row per run (``final``) or per run x kept step."""
    frames = list(iter_results(db_url, experiment, level="region"))
    frame = _concat(frames)
    if final and len(frame):
        frame = frame[frame["step"] == frame.groupby("run_id")["step"].transform("max")]
    return frame.reset_index(drop=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    for column in ("scenario", "iso3"):
        if column in out and not isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("category")
    return out


# ---------------------------------------------------------------------------- analysis
@dataclass
class Analysis:
    experiment: str
    out_dir: Path
    means: pd.DataFrame
    differences: pd.DataFrame
    sensitivity: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: per state, small/large group and region: paired differences (analyze_per_state)
    per_state: pd.DataFrame | None = None


def _interval(values: np.ndarray) -> tuple[float, float, float, float]:
    from scipy import stats

    values = values[np.isfinite(values)]
    n = len(values)
    mean = float(values.mean()) if n else float("nan")
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan")
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def scenario_means(finals: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Mean, sd and 95% t-interval of each outcome per scenario (one value per run)."""
    rows = []
    for scenario, group in finals.groupby("scenario", observed=True, sort=True):
        for o in outcomes:
            mean, sd, low, high = _interval(group[o].to_numpy(float))
            rows.append({"scenario": scenario, "outcome": o, "n": len(group), "mean": mean,
                         "sd": sd, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def paired_differences(finals: pd.DataFrame, outcomes: Sequence[str],
                       reference: str) -> pd.DataFrame:
    """Scenario minus ``reference`` on the same point and replication (the same seed)."""
    base = finals[finals["scenario"] == reference].set_index(["point", "replication"])
    rows = []
    for scenario, group in finals.groupby("scenario", observed=True, sort=True):
        if scenario == reference:
            continue
        g = group.set_index(["point", "replication"])
        common = g.index.intersection(base.index)
        for o in outcomes:
            d = (g.loc[common, o] - base.loc[common, o]).to_numpy(float)
            mean, sd, low, high = _interval(d)
            rows.append({"scenario": scenario, "reference": reference, "outcome": o,
                         "pairs": len(common), "mean_difference": mean, "sd": sd,
                         "ci_low": low, "ci_high": high,
                         "share_higher": float((d > 0).mean()) if len(d) else float("nan")})
    return pd.DataFrame(rows)


def sensitivity_indices(finals: pd.DataFrame, definition: dict[str, Any],
                        outcomes: Sequence[str], seed: int = 0,
                        notes: list[str] | None = None) -> pd.DataFrame | None:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices per scenario and outcome, and per paired
    difference (each scenario minus the first), from the replication means at each design
    point, with the seed-noise share, constant outputs and wide intervals flagged
    (:mod:`experiments.sensitivity`); None unless the design is Sobol or Morris. Warnings
    are appended to ``notes``."""
    from .sensitivity import sensitivity_table

    out = sensitivity_table(finals, definition, outcomes, seed=seed)
    if out is None:
        return None
    table, warnings = out
    if notes is not None:
        notes.extend(warnings)
    return table


def analyze(db: str | None, experiment: str, out_dir: str | Path | None = None,
            outcomes: Sequence[str] | None = None) -> Analysis:
    """Write means, paired differences, sensitivity indices (CSV) and charts (PNG)."""
    with Storage(db, create=False) as storage:
        exp = storage.experiment(experiment)
        counts = storage.counts(exp["id"])
    definition = exp["definition"]
    outcomes = list(outcomes or definition["analysis"]["outcomes"])
    kept = definition["keep"]["outcomes"]
    bad = [o for o in outcomes if o not in REGION_COLUMNS or (kept and o not in kept)]
    if bad:
        allowed = [c for c in REGION_COLUMNS if not kept or c in kept]
        raise ValueError(f"outcome {bad[0]!r} is not a stored region outcome of {experiment}; "
                         f"allowed: {', '.join(allowed)}")
    out = Path(out_dir) if out_dir else Path("analysis") / experiment
    out.mkdir(parents=True, exist_ok=True)
    finals = load_region(db, experiment, final=True)
    notes = []
    done = sum(c["done"] for c in counts.values())
    failed = sum(c["failed"] for c in counts.values())
    if done < exp["n_runs"]:
        notes.append(f"{done} of {exp['n_runs']} runs done ({failed} failed): results are "
                     "partial")
    if finals.empty:
        raise ValueError(f"experiment {experiment} has no finished runs yet")
    scenarios = list(definition["scenarios"])
    means = scenario_means(finals, outcomes)
    reference = scenarios[0]
    diffs = paired_differences(finals, outcomes, reference)
    sens = None
    if done == exp["n_runs"]:
        sens = sensitivity_indices(finals, definition, outcomes, seed=definition["seed"] % 2**32,
                                   notes=notes)
        if sens is None:
            notes.append(f"no sensitivity indices: the design is {definition['design']['method']}"
                         " (use sobol or morris)")
    elif definition["design"]["method"] in ("sobol", "morris"):
        notes.append("sensitivity indices need every run of the design")
    files = []
    for name, frame in (("means.csv", means), ("paired_differences.csv", diffs),
                        ("sensitivity.csv", sens)):
        if frame is not None and not frame.empty:
            frame.to_csv(out / name, index=False)
            files.append(out / name)
    files += _charts(out, finals, means, diffs, sens, outcomes, scenarios, reference,
                     definition, db, experiment)
    per_state, more = analyze_per_state(db, experiment, out, outcomes)
    files += more
    return Analysis(experiment, out, means, diffs, sens, notes, files, per_state)


# ---------------------------------------------------------------------------- charts
def _charts(out: Path, finals, means, diffs, sens, outcomes, scenarios, reference, definition,
            db, experiment) -> list[Path]:
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global backend or figure state

    from model.parameters import OUTCOMES

    def subplots(rows: int, cols: int):
        fig = Figure(figsize=(4.2 * cols, 3.4 * rows))
        return fig, fig.subplots(rows, cols, squeeze=False)

    def label(o: str) -> str:
        return OUTCOMES[o].label if o in OUTCOMES else o

    files = []
    n = len(outcomes)
    cols = min(n, 3)
    rows = -(-n // cols)
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] * 4

    fig, axes = subplots(rows, cols)
    for ax, o in zip(axes.flat, outcomes):
        m = means[means["outcome"] == o].set_index("scenario").reindex(scenarios)
        err = np.vstack([m["mean"] - m["ci_low"], m["ci_high"] - m["mean"]])
        ax.bar(range(len(scenarios)), m["mean"], yerr=np.nan_to_num(err), capsize=4,
               color=colors[:len(scenarios)])
        ax.set_xticks(range(len(scenarios)), scenarios, rotation=20, ha="right", fontsize=8)
        ax.set_title(label(o), fontsize=10)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"{experiment}: final values, mean and 95% interval over runs")
    fig.tight_layout()
    files.append(_save(fig, out / "means.png"))

    if not diffs.empty:
        others = [s for s in scenarios if s != reference]
        fig, axes = subplots(rows, cols)
        for ax, o in zip(axes.flat, outcomes):
            d = diffs[diffs["outcome"] == o].set_index("scenario").reindex(others)
            err = np.vstack([d["mean_difference"] - d["ci_low"],
                             d["ci_high"] - d["mean_difference"]])
            ax.barh(range(len(others)), d["mean_difference"], xerr=np.nan_to_num(err),
                    capsize=4, color=colors[1:len(others) + 1])
            ax.axvline(0, color="black", lw=0.8)
            ax.set_yticks(range(len(others)), others, fontsize=8)
            ax.set_title(label(o), fontsize=10)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(f"{experiment}: paired difference vs {reference} (same seeds), 95% CI")
        fig.tight_layout()
        files.append(_save(fig, out / "paired_differences.png"))

    if sens is not None and not sens.empty:
        value = "ST" if "ST" in sens else "mu_star"
        conf = f"{value}_conf"
        fig, axes = subplots(rows, cols)
        for ax, o in zip(axes.flat, outcomes):
            s = sens[sens["outcome"] == o]
            # the 12 factors with the largest index in any output; constant outputs (NaN)
            # draw no bar, which the legend says
            top = s.groupby("factor", sort=False)[value].max().sort_values(ascending=False)
            factors = list(top.index[:12])[::-1]
            labels = list(dict.fromkeys(s["scenario"]))
            width = 0.8 / len(labels)
            for k, scen in enumerate(labels):
                part = s[s["scenario"] == scen].set_index("factor").reindex(factors)
                flag = " (constant)" if part["constant"].any() else ""
                ax.barh(np.arange(len(factors)) + k * width, part[value], height=width,
                        xerr=np.nan_to_num(part[conf]), label=scen + flag,
                        color=colors[k], hatch="//" if " - " in str(scen) else None)
            ax.set_yticks(np.arange(len(factors)) + 0.4 - width / 2, factors, fontsize=7)
            ax.set_title(label(o), fontsize=10)
        axes.flat[0].legend(fontsize=7)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        kind = "Sobol total-order index ST" if value == "ST" else "Morris mu*"
        fig.suptitle(f"{experiment}: {kind} per factor")
        fig.tight_layout()
        files.append(_save(fig, out / "sensitivity.png"))

    if definition["keep"]["level"] != "final":
        series = load_region(db, experiment, final=False)
        fig, axes = subplots(rows, cols)
        for ax, o in zip(axes.flat, outcomes):
            for k, scen in enumerate(scenarios):
                g = series[series["scenario"] == scen].groupby("step")[o]
                mean, lo, hi = g.mean(), g.quantile(0.1), g.quantile(0.9)
                ax.plot(mean.index, mean, color=colors[k], label=scen)
                ax.fill_between(mean.index, lo, hi, color=colors[k], alpha=0.2)
            ax.set_title(label(o), fontsize=10)
            ax.set_xlabel("quarter", fontsize=8)
        axes.flat[0].legend(fontsize=7)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(f"{experiment}: region, mean and 10-90% band over runs")
        fig.tight_layout()
        files.append(_save(fig, out / "timeseries.png"))
    return files


def _save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=110)
    return path


# ---------------------------------------------------------------------------- who gains, who pays
#: State groups of the default region: the five smallest economies (GDP, World Bank 2023)
#: and the rest.
def state_groups() -> dict[str, tuple[str, ...]]:
    from model.region import asean_states

    ranked = sorted(asean_states(), key=lambda s: s.gdp_usd)
    small = tuple(s.iso3 for s in ranked[:5])
    return {"small": small, "large": tuple(s.iso3 for s in ranked[5:])}


def per_state_differences(states: pd.DataFrame, outcomes: Sequence[str], reference: str,
                          pair_keys: Sequence[str] = ("point", "replication"),
                          relative: Sequence[str] = ("cumulative_cost",)) -> pd.DataFrame:
    """Paired differences (scenario minus ``reference``, on the same ``pair_keys`` and so the
    same seed and uncertainty values) per state, per state group (small, large) and for the
    region, with 95% t-intervals over the pairs.

    ``states``: one row per run x state at the final quarter (``scenario``, ``iso3``, the
    pair keys, the outcomes). Groups and the region aggregate like the region frame
    (summed outcomes are summed, the rest averaged over the group's states) before the
    difference. For outcomes in ``relative`` the difference is also given in percent of the
    reference (``mean_percent`` and its interval)."""
    from model.parameters import SUMMED_OUTCOMES

    keys = list(pair_keys)
    groups = state_groups()
    frame = states.assign(scenario=states["scenario"].astype(str))
    units: list[tuple[str, pd.DataFrame]] = []
    for iso3, g in frame.groupby("iso3", observed=True, sort=False):
        units.append((str(iso3), g.set_index(["scenario", *keys])[list(outcomes)]))
    for name, members in [*groups.items(), ("region", None)]:
        part = frame if members is None else frame[frame["iso3"].isin(members)]
        if part.empty:
            continue
        agg = {o: ("sum" if o in SUMMED_OUTCOMES else "mean") for o in outcomes}
        units.append((name, part.groupby(["scenario", *keys], observed=True).agg(agg)))
    rows = []
    scenarios = [s for s in dict.fromkeys(frame["scenario"]) if s != reference]
    for unit, table in units:
        kind = "state" if unit not in (*groups, "region") else \
            ("region" if unit == "region" else "group")
        base = table.xs(reference, level="scenario")
        for scenario in scenarios:
            mine = table.xs(scenario, level="scenario")
            common = mine.index.intersection(base.index)
            for o in outcomes:
                a, b = mine.loc[common, o].to_numpy(float), base.loc[common, o].to_numpy(float)
                mean, sd, low, high = _interval(a - b)
                row = {"scenario": scenario, "reference": reference, "unit": unit,
                       "kind": kind, "outcome": o, "pairs": len(common),
                       "mean_difference": mean, "ci_low": low, "ci_high": high,
                       "share_higher": float((a > b).mean()) if len(a) else float("nan")}
                if o in relative:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        pm, _, pl, ph = _interval(100 * (a / b - 1))
                    row.update(mean_percent=pm, percent_low=pl, percent_high=ph)
                rows.append(row)
    return pd.DataFrame(rows)


def format_per_state(table: pd.DataFrame, scenario: str) -> str:
    """A per-state table of one scenario's paired differences: one row per state, group and
    the region, one column per outcome ('+0.021 [+0.015, +0.027]'; cost in %)."""
    part = table[table["scenario"] == scenario]
    if part.empty:
        return ""
    outcomes = list(dict.fromkeys(part["outcome"]))
    units = list(dict.fromkeys(part["unit"]))

    def cell(r) -> str:
        if "mean_percent" in r and r["mean_percent"] == r["mean_percent"]:
            return f"{r['mean_percent']:+.1f}% [{r['percent_low']:+.1f}, {r['percent_high']:+.1f}]"
        m, lo, hi = r["mean_difference"], r["ci_low"], r["ci_high"]
        if max(abs(m), abs(lo) if lo == lo else 0) >= 100:
            return f"{m:+,.0f} [{lo:+,.0f}, {hi:+,.0f}]"
        return f"{m:+.3f} [{lo:+.3f}, {hi:+.3f}]"

    grid = [["unit", *[o + (" (%)" if o == "cumulative_cost" else "") for o in outcomes]]]
    for u in units:
        rows = part[part["unit"] == u].set_index("outcome")
        label = u if rows["kind"].iloc[0] == "state" else f"[{u}]"
        grid.append([label, *[cell(rows.loc[o]) for o in outcomes]])
    widths = [max(len(r[k]) for r in grid) for k in range(len(grid[0]))]
    lines = ["  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in
                       enumerate(zip(r, widths))) for r in grid]
    head = part.iloc[0]
    return (f"{scenario} - {head['reference']}, per state ({head['pairs']} pairs; mean and 95% "
            "interval of the paired difference; [small]/[large]/[region]: groups)\n"
            + "\n".join(lines))


def per_state_chart(table: pd.DataFrame, path: Path, title: str = "") -> Path:
    """One panel per outcome: each state's (and group's) paired difference with its 95%
    interval, small states blue, large orange, groups and region grey; cost in %."""
    from matplotlib.figure import Figure

    from model.parameters import OUTCOMES

    outcomes = list(dict.fromkeys(table["outcome"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    small = set(state_groups()["small"])
    fig = Figure(figsize=(3.6 * len(outcomes), 0.9 + 0.32 * table["unit"].nunique()
                          * len(scenarios)), layout="constrained")
    axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
    for ax, o in zip(axes, outcomes):
        part = table[table["outcome"] == o]
        units = list(dict.fromkeys(part["unit"]))
        height = 0.8 / len(scenarios)
        for k, s in enumerate(scenarios):
            rows = part[part["scenario"] == s].set_index("unit").reindex(units)
            pct = "mean_percent" in rows and rows["mean_percent"].notna().any()
            m = rows["mean_percent"] if pct else rows["mean_difference"]
            lo = rows["percent_low"] if pct else rows["ci_low"]
            hi = rows["percent_high"] if pct else rows["ci_high"]
            colors = ["#4c72b0" if u in small else "#999999" if rows.loc[u, "kind"] != "state"
                      else "#dd8452" for u in units]
            ax.barh(np.arange(len(units)) + k * height, m, height=height, color=colors,
                    xerr=np.nan_to_num(np.vstack([m - lo, hi - m])), capsize=2,
                    alpha=1.0 if k == 0 else 0.6, label=s)
        ax.set_yticks(np.arange(len(units)) + 0.4 - height / 2, units, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        name = OUTCOMES[o].label if o in OUTCOMES else o
        ax.set_title(name + (" (% change)" if o == "cumulative_cost" else ""), fontsize=9)
    if len(scenarios) > 1:
        axes[0].legend(fontsize=7)
    fig.suptitle(title or f"paired difference vs {table['reference'].iloc[0]} per state "
                 "(blue small, orange large, grey groups/region), 95% intervals", fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


def analyze_per_state(db: str | None, experiment: str, out_dir: str | Path,
                      outcomes: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[Path]]:
    """Per-state (and small/large group) paired differences of a stored sweep against its
    first scenario, over every design point and replication (so the intervals include the
    design's parametric uncertainty as well as seed noise): CSV and a chart."""
    with Storage(db, create=False) as storage:
        exp = storage.experiment(experiment)
    definition = exp["definition"]
    scenarios = list(definition["scenarios"])
    out = Path(out_dir)
    if len(scenarios) < 2:
        return pd.DataFrame(), []
    kept = definition["keep"]["outcomes"]
    outcomes = [o for o in (outcomes or definition["analysis"]["outcomes"])
                if o in STATE_COLUMNS and (not kept or o in kept)]
    if not outcomes:
        return pd.DataFrame(), []
    states = load_results(db, experiment)
    states = states[states["step"] == states.groupby("run_id")["step"].transform("max")]
    table = per_state_differences(states, outcomes, scenarios[0])
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "per_state_differences.csv", index=False)
    chart = per_state_chart(table, out / "per_state_differences.png",
                            f"{experiment}: paired difference vs {scenarios[0]} per state, "
                            "over design points and seeds, 95% intervals")
    return table, [out / "per_state_differences.csv", chart]
