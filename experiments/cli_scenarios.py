"""``sovsim`` commands for scenario files: run, compare, validate, list, show.

Registered through :data:`experiments.cli.COMMAND_MODULES`. Every problem a user can fix
(a bad scenario file, a bad option value) becomes a :class:`~experiments.cli.UserError`:
one line on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli import UserError, print_summary, print_table

if TYPE_CHECKING:  # pandas is imported where it is used: `sovsim sweep` never needs it
    import pandas as pd

    from model import Results, ScenarioSpec

_RAW = argparse.RawDescriptionHelpFormatter


def _wrap(text: str) -> str:
    # RawDescriptionHelpFormatter keeps the examples' layout, so wrap descriptions here
    return textwrap.fill(text, 88)
MAX_REPLICATIONS = 10_000

#: Key outcomes of ``compare``: (label, region column, how a run's series becomes one number).
#: Region columns are means over states, except sums for counts and costs (model.results).
KEY_OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("evaluated_share (final)", "evaluated_share", "final"),
    ("incidents (sum over run)", "incidents", "sum"),
    ("markup_paid (final)", "markup_paid", "final"),
    ("largest_supplier_share (final)", "largest_supplier_share", "final"),
    ("possession_index (final)", "possession_index", "final"),
    ("control_index (final)", "control_index", "final"),
    ("cumulative_cost USD m (final)", "cumulative_cost", "final"),
    ("service_continuity (min)", "service_continuity", "min"),
    ("public_value (final)", "public_value", "final"),
    ("cohesion (final)", "cohesion", "final"),
)
#: Outcomes drawn over time in the compare chart.
CHART_OUTCOMES = ("control_index", "possession_index", "largest_supplier_share", "markup_paid",
                  "evaluated_share", "service_continuity", "cumulative_cost", "cohesion")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def load(source: str) -> ScenarioSpec:
    """A scenario by path or shipped name; ScenarioError becomes a one-line UserError."""
    from model.scenario_file import ScenarioError, load_scenario

    try:
        return load_scenario(source)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_REPLICATIONS}, got {value}")
    return value


def with_run_options(spec: ScenarioSpec, steps: int | None) -> ScenarioSpec:
    """``spec`` cut to ``steps`` quarters (if given). Scheduled events after the last step
    cannot happen in a shorter run; they are dropped with a note on stderr."""
    from model import SpecError
    from model.spec import MAX_HORIZON

    if steps is None:
        return spec
    if not 1 <= steps <= MAX_HORIZON:
        raise UserError(f"--steps {steps}: out of range; allowed: 1 to {MAX_HORIZON} quarters")
    kept = tuple(e for e in spec.events if e.step <= steps)
    if len(kept) < len(spec.events):
        print(f"sovsim: note: {spec.name}: {len(spec.events) - len(kept)} scheduled event(s) "
              f"after step {steps} will not happen in this run", file=sys.stderr)
    try:
        return replace(spec, horizon=steps, events=kept)
    except SpecError as exc:
        raise UserError(str(exc)) from None


def seeds_for(base: int, replications: int) -> list[int]:
    """Replication ``r`` uses seed ``base + r``, for every scenario (common random numbers)."""
    if base < 0 or base + replications - 1 >= 2**63:
        raise UserError(f"--seed {base}: out of range; allowed: 0 to 2^63-1")
    return [base + r for r in range(replications)]


def _progress(total: int, label: str):
    from tqdm.auto import tqdm

    # disable=None: a bar on a terminal, silence in pipes, logs and tests
    return tqdm(total=total, desc=label, unit="run", disable=None, file=sys.stderr)


def _check_out(path: Path) -> None:
    if path.suffix not in (".csv", ".parquet"):
        raise UserError(f"--out {path}: unsupported file type; use .csv or .parquet")


def _write_table(frame: pd.DataFrame, path: Path, meta: dict | None = None) -> None:
    """CSV or Parquet with sovsim's metadata (model version, scenario hashes, units; see
    :mod:`model.exchange`): in the Parquet schema, or a CSVW sidecar FILE.csv-metadata.json."""
    from model.exchange import metadata, write_table
    from model.results import MODEL_VERSION

    if meta is None:
        hashes = {}
        if {"scenario", "scenario_hash"} <= set(frame.columns):
            hashes = dict(frame[["scenario", "scenario_hash"]].drop_duplicates()
                          .astype(str).itertuples(index=False))
        meta = metadata(frame.columns, model_version=MODEL_VERSION, scenario_hashes=hashes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_table(frame, path, meta)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _tidy(results: Results, replication: int) -> pd.DataFrame:
    p = results.provenance
    return results.states.assign(replication=replication, seed=p["seed"],
                                 scenario=p["scenario"], scenario_hash=p["scenario_hash"],
                                 model_version=p["model_version"])


# --------------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------------

def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run", help="run a scenario and print a per-state summary", formatter_class=_RAW,
        description=_wrap(
            "Run one scenario (default: the ASEAN-11 region with the model's default "
                    "policies), print final dependence, leverage, cost, control and possession "
                    "per state, and write the tidy per-step, per-state table. With "
                    "--replications N, replication r uses seed SEED+r and the summary is the "
                    "mean over replications."),
        epilog="examples:\n"
               "  sovsim run\n"
               "  sovsim run possession\n"
               "  sovsim run scenarios/vendor_cutoff.yaml --steps 20 --seed 7\n"
               "  sovsim run coordinated_resilience --replications 20 --out out/cr.parquet\n")
    p.add_argument("scenario", nargs="?", default=None, metavar="SCENARIO",
                   help="a scenario file or a shipped scenario name (see `sovsim list`); "
                        "default: the model defaults")
    p.add_argument("--steps", type=int, default=None,
                   help="quarters to run (default: the scenario's horizon)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed of the first replication (default: the scenario's seed)")
    p.add_argument("--replications", type=_positive, default=1,
                   help="runs with seeds SEED, SEED+1, ... (default: 1)")
    p.add_argument("--out", type=Path, default=None,
                   help="write the tidy per-step, per-state table to this .csv or .parquet "
                        "file (default: write nothing)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    import pandas as pd

    from model import ScenarioSpec, run

    if args.out is not None:
        _check_out(args.out)
    spec = load(args.scenario) if args.scenario is not None else ScenarioSpec()
    spec = with_run_options(spec, args.steps)
    seeds = seeds_for(spec.seed if args.seed is None else args.seed, args.replications)
    frames, summaries, results = [], [], None
    with _progress(len(seeds), spec.name) as bar:
        for r, seed in enumerate(seeds):
            results = run(spec, seed=seed)
            frames.append(_tidy(results, r))
            summaries.append(results.summary())
            bar.update()
    assert results is not None
    if len(seeds) == 1:
        print_summary(results)
    else:
        p = results.provenance
        table = pd.concat(summaries).groupby(level=0, sort=False, observed=True).mean()
        print_table(table, f"scenario {p['scenario']} (hash {p['scenario_hash']}), mean of "
                           f"{len(seeds)} replications (seeds {seeds[0]}-{seeds[-1]}), "
                           f"{p['steps']} quarters, model {p['model_version']}")
    if args.out is None:
        print("\nno file written (add --out FILE.csv or FILE.parquet for the tidy table)")
        return 0
    table = pd.concat(frames, ignore_index=True)
    _write_table(table, args.out)
    print(f"\nwrote {len(table)} rows to {args.out}")
    return 0


# --------------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------------

def _add_compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="compare scenarios, paired on common random numbers",
        formatter_class=_RAW,
        description=_wrap(
            "Run every scenario with the same seeds (replication r uses seed SEED+r in "
                    "every scenario), print key outcomes as mean and 90% interval (5th-95th "
                    "percentile of the replications), and the paired difference against the "
                    "first scenario: the same statistics of (scenario - first) replication "
                    "by replication. Writes a chart of the main outcomes over time (mean "
                    "line, 5-95% band) and the tables to --out-dir."),
        epilog="examples:\n"
               "  sovsim compare baseline possession\n"
               "  sovsim compare scenarios/possession.yaml "
               "scenarios/coordinated_resilience.yaml --replications 20\n"
               "  sovsim compare baseline pooled_evaluation joint_procurement mixed "
               "--steps 20 --out-dir out/cmp\n")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario files or shipped names; the first is the "
                        "reference for differences")
    p.add_argument("--replications", type=_positive, default=10,
                   help="paired replications per scenario (default: 10)")
    p.add_argument("--steps", type=int, default=None,
                   help="quarters to run (default: the scenarios' common horizon)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the first replication (default: the first scenario's seed)")
    p.add_argument("--out-dir", type=Path, default=None,
                   help="where to write compare.png, outcomes.csv, summary.csv (default: "
                        "out/compare, or out/compare-2, -3, ... if that holds an earlier "
                        "comparison)")
    p.add_argument("--force", action="store_true",
                   help="replace an earlier comparison in --out-dir")
    p.add_argument("--ensemble", action="store_true",
                   help="parametric uncertainty too: replication r also draws every declared "
                        "uncertainty from its range (Latin hypercube point r, the same in every "
                        "scenario; it overrides values the scenarios set), so intervals cover "
                        "the declared ranges as well as seed noise")
    p.set_defaults(func=cmd_compare)


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass
class Comparison:
    """Per-run key outcomes (``outcomes``: scenario, replication, seed, then one column per
    key outcome) and the region series of every run (``series``)."""

    labels: list[str]
    outcomes: pd.DataFrame
    series: pd.DataFrame
    #: final quarter per run x state (scenario, replication, seed, iso3, state outcomes)
    states: pd.DataFrame = field(default_factory=_empty_frame)


def ensemble_points(replications: int, seed: int) -> list[dict]:
    """One Latin-hypercube point over every declared uncertainty per replication."""
    from experiments.design import Design, Factor
    from model.parameters import UNCERTAINTIES

    design = Design(method="latin_hypercube", samples=replications, seed=seed % 2**32,
                    factors=tuple(Factor(p.name, p.low, p.high) for p in UNCERTAINTIES
                                  if p.type != "bool"))
    names = [f.name for f in design.factors]
    return [dict(zip(names, (Parameter_plain(v) for v in row))) for row in design.points()]


def Parameter_plain(value):  # noqa: N802 - a numpy scalar as the Python value it holds
    from model.parameters import Parameter

    return Parameter.plain(value)


def compare(specs: list[ScenarioSpec], labels: list[str], seeds: list[int],
            ensemble: list[dict] | None = None) -> Comparison:
    """Run every spec with every seed (common random numbers) and reduce to key outcomes;
    with ``ensemble`` (one mapping of uncertainty values per seed), replication r also
    uses ``ensemble[r]`` in every scenario."""
    import pandas as pd

    from model.engine import Engine

    from .worker import engine_batches

    runs = [(label, r, seed, replace(spec.with_values(**ensemble[r]) if ensemble else spec,
                                     seed=seed))
            for label, spec in zip(labels, specs) for r, seed in enumerate(seeds)]
    # the runs advance in batches, as a sweep's do (each equal to the run alone, tested),
    # then come out in the order they were asked for
    results: dict[int, Any] = {}
    with _progress(len(runs), "compare") as bar:
        for batch in engine_batches([run_spec for *_, run_spec in runs]):
            engine = Engine([runs[i][3] for i in batch]).run()
            results.update((i, engine.results(k)) for k, i in enumerate(batch))
            bar.update(len(batch))
    rows, series, finals = [], [], []
    for i, (label, r, seed, _) in enumerate(runs):
        region, states = results[i].region, results[i].states
        finals.append(states[states["step"] == states["step"].max()]
                      .assign(scenario=label, replication=r, seed=seed))
        row = {"scenario": label, "replication": r, "seed": seed}
        for name, column, how in KEY_OUTCOMES:
            values = region[column].to_numpy()
            row[name] = {"final": values[-1], "sum": values.sum(), "min": values.min()}[how]
        rows.append(row)
        series.append(region.assign(scenario=label, replication=r))
    return Comparison(labels, pd.DataFrame(rows), pd.concat(series, ignore_index=True),
                      pd.concat(finals, ignore_index=True))


def summary_table(comparison: Comparison) -> pd.DataFrame:
    """Mean and 5-95% interval per outcome and scenario, and the paired difference from the
    first scenario (computed replication by replication)."""
    import pandas as pd

    out = comparison.outcomes
    first = comparison.labels[0]
    base = out[out["scenario"] == first].set_index("replication")
    rows = []
    for name, _, _ in KEY_OUTCOMES:
        for label in comparison.labels:
            mine = out[out["scenario"] == label].set_index("replication")[name]
            row = {"outcome": name, "scenario": label, "mean": mine.mean(),
                   "p5": mine.quantile(0.05), "p95": mine.quantile(0.95)}
            if label != first:
                diff = mine - base[name]  # aligned on replication = same seed
                row.update(diff_mean=diff.mean(), diff_p5=diff.quantile(0.05),
                           diff_p95=diff.quantile(0.95))
            rows.append(row)
    return pd.DataFrame(rows)


def _fmt(value: float, signed: bool = False) -> str:
    if value != value:
        return ""
    text = f"{value:+.3f}" if signed else f"{value:.3f}"
    if abs(value) >= 1000:
        text = f"{value:+,.0f}" if signed else f"{value:,.0f}"
    return text


def format_summary(table: pd.DataFrame, first: str) -> str:
    has_diff = "diff_mean" in table
    header = ["outcome", "scenario", "mean", "90% interval"]
    if has_diff:
        header += [f"diff vs {first}", "90% interval"]
    lines = []
    previous = None
    for row in table.itertuples(index=False):
        cells = [row.outcome if row.outcome != previous else "", row.scenario,
                 _fmt(row.mean), f"[{_fmt(row.p5)}, {_fmt(row.p95)}]"]
        if has_diff:
            if row.scenario == first or row.diff_mean != row.diff_mean:
                cells += ["", ""]
            else:
                cells += [_fmt(row.diff_mean, True),
                          f"[{_fmt(row.diff_p5, True)}, {_fmt(row.diff_p95, True)}]"]
        previous = row.outcome
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines)]
    right = {2, 3, 4, 5}

    def render(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([render(header), render(["-" * w for w in widths])]
                     + [render(c) for c in lines])


def write_chart(comparison: Comparison, path: Path) -> None:
    """Main outcomes over time: one line per scenario (mean), band = 5-95% of replications."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    from model.parameters import OUTCOMES

    fig = Figure(figsize=(14, 7), layout="constrained")
    axes = fig.subplots(2, 4).ravel()
    series = comparison.series
    for ax, column in zip(axes, CHART_OUTCOMES):
        for label in comparison.labels:
            mine = series[series["scenario"] == label]
            grid = mine.pivot(index="step", columns="replication", values=column)
            steps = grid.index.to_numpy()
            ax.plot(steps, grid.mean(axis=1), label=label, linewidth=1.5)
            ax.fill_between(steps, grid.quantile(0.05, axis=1), grid.quantile(0.95, axis=1),
                            alpha=0.2)
        o = OUTCOMES[column]
        agg = "sum over states" if column in ("cumulative_cost",) else "mean over states"
        ax.set_title(o.label, fontsize=10)
        ax.set_xlabel("quarter")
        ax.set_ylabel(f"{o.unit} ({agg})" if o.level == "state" else o.unit, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    n = comparison.outcomes["replication"].nunique()
    fig.suptitle(f"sovsim compare: mean and 5-95% band of {n} paired replications")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _labels(specs: list[ScenarioSpec]) -> list[str]:
    names = [s.name for s in specs]
    return [n if names.count(n) == 1 else f"{n}#{i + 1}" for i, n in enumerate(names)]


COMPARE_FILES = ("compare.png", "summary.csv", "outcomes.csv")


def _holds_comparison(folder: Path) -> bool:
    return any((folder / name).exists() for name in COMPARE_FILES)


def _compare_dir(chosen: Path | None, force: bool) -> Path:
    """Where compare writes: never over an earlier comparison unless ``--force``."""
    if chosen is not None:
        if _holds_comparison(chosen) and not force:
            raise UserError(f"--out-dir {chosen}: holds an earlier comparison ("
                            f"{', '.join(n for n in COMPARE_FILES if (chosen / n).exists())}); "
                            "choose another folder, or add --force to replace it")
        return chosen
    base = Path("out") / "compare"
    folder, n = base, 1
    while _holds_comparison(folder) and not force:
        n += 1
        folder = base.with_name(f"compare-{n}")
    if n > 1:
        print(f"\n{base} holds an earlier comparison: this one goes to {folder}")
    return folder


def cmd_compare(args: argparse.Namespace) -> int:
    if len(args.scenarios) < 2:
        raise UserError("compare needs at least two scenarios (got 1); "
                        "e.g. sovsim compare baseline possession")
    specs = [with_run_options(load(s), args.steps) for s in args.scenarios]
    horizons = sorted({s.horizon for s in specs})
    if len(horizons) > 1:
        raise UserError(f"the scenarios have different horizons ({', '.join(map(str, horizons))}"
                        " quarters); pass --steps N to compare them over the same run")
    seeds = seeds_for(specs[0].seed if args.seed is None else args.seed, args.replications)
    labels = _labels(specs)
    ensemble = ensemble_points(len(seeds), seeds[0]) if args.ensemble else None
    comparison = compare(specs, labels, seeds, ensemble)
    table = summary_table(comparison)
    print(f"{len(specs)} scenarios x {len(seeds)} paired replications (seeds "
          f"{seeds[0]}-{seeds[-1]}, the same in every scenario), {horizons[0]} quarters; "
          "values are region totals (incidents, cost) or means over states")
    if ensemble:
        print("ensemble: each replication also draws every declared uncertainty from its "
              "range (the same draw in every scenario): intervals include parametric "
              "uncertainty")
    print(format_summary(table, labels[0]))
    print("90% interval: 5th-95th percentile over replications; diff: paired difference "
          f"(scenario - {labels[0]}) with the same seed")
    out = _compare_dir(args.out_dir, args.force)
    from model.exchange import metadata
    from model.results import MODEL_VERSION

    hashes = {label: spec.digest() for label, spec in zip(labels, specs)}
    _write_table(comparison.outcomes, out / "outcomes.csv", metadata(
        comparison.outcomes.columns, model_version=MODEL_VERSION, scenario_hashes=hashes))
    _write_table(table, out / "summary.csv", metadata(
        table.columns, model_version=MODEL_VERSION, scenario_hashes=hashes))
    write_chart(comparison, out / "compare.png")
    per_state = _per_state(comparison, out)
    print(f"\nwrote {out / 'compare.png'}, {out / 'summary.csv'}, {out / 'outcomes.csv'}"
          + (f", {per_state}" if per_state else ""))
    return 0


#: Outcomes of the per-state table of ``sovsim compare`` (final quarter; cost in %).
PER_STATE_OUTCOMES = ("control_index", "possession_index", "cumulative_cost",
                      "largest_supplier_share", "public_value")


def _per_state(comparison: Comparison, out: Path) -> str:
    """Print who gains and who pays: paired differences per state, small/large group and
    region with 95% intervals; write per_state.csv and per_state.png."""
    from .analysis import format_per_state, per_state_chart, per_state_differences

    if comparison.states.empty:
        return ""
    table = per_state_differences(comparison.states, PER_STATE_OUTCOMES,
                                  comparison.labels[0], pair_keys=("replication",))
    for label in comparison.labels[1:]:
        print("\n" + format_per_state(table, label))
    _write_table(table, out / "per_state.csv")
    try:
        per_state_chart(table, out / "per_state.png")
    except OSError as exc:
        raise UserError(f"{out / 'per_state.png'}: cannot write: {exc.strerror or exc}") from None
    return f"{out / 'per_state.png'}, {out / 'per_state.csv'}"


# --------------------------------------------------------------------------------------------
# validate, list, show
# --------------------------------------------------------------------------------------------

def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check scenario or experiment files without running them",
        formatter_class=_RAW,
        description=_wrap(
            "Load and check each scenario (including its extends chain) or experiment file "
            "(an experiment file has a 'scenarios' list; its scenarios are checked too). "
            "Prints 'ok' on stdout for a valid file, or one line per problem on stderr "
            "(file, field path, bad value, what is allowed; at most "
            f"{_max_problems()} per file). Exit code 2 if any file is invalid."),
        epilog="examples:\n"
               "  sovsim validate my_scenario.yaml\n"
               "  sovsim validate scenarios/*.yaml\n"
               "  sovsim validate experiments/possession_vs_coordination.yaml\n")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="scenario or experiment files (or shipped scenario names)")
    p.set_defaults(func=cmd_validate)


def _max_problems() -> int:
    from model.scenario_file import MAX_PROBLEMS

    return MAX_PROBLEMS


def _is_experiment_file(source: str) -> bool:
    """An experiment file is a YAML mapping with a top-level ``scenarios`` key; anything
    unreadable is left to the scenario loader, which reports it."""
    from model.scenario_file import ScenarioError, parse_yaml, read_yaml

    path = Path(source)
    try:
        if not path.is_file():
            return False
    except OSError:  # too long, not searchable: the scenario loader says so in one line
        return False
    try:
        data = parse_yaml(read_yaml(path, source), source)
    except (ScenarioError, OSError):
        return False
    return isinstance(data, dict) and "scenarios" in data


def cmd_validate(args: argparse.Namespace) -> int:
    from experiments.design import ExperimentError, load_experiment
    from model.scenario_file import ScenarioError, load_scenario

    bad = 0
    for source in args.files:
        try:
            if _is_experiment_file(source):
                exp = load_experiment(source)
                print(f"ok  {source}  (experiment {exp.name}: {len(exp.scenarios)} scenarios, "
                      f"{exp.n_runs:,} runs, {exp.horizon} quarters)")
                continue
            spec = load_scenario(source)
        except (ScenarioError, ExperimentError) as exc:
            bad += 1
            for problem in exc.problems:
                print(f"sovsim: error: {problem}", file=sys.stderr)
            continue
        print(f"ok  {source}  ({spec.name}: {len(spec.states)} states, {spec.horizon} quarters, "
              f"{len(spec.events)} events)")
    if bad:
        print(f"{bad} of {len(args.files)} file(s) invalid", file=sys.stderr)
        return 2
    return 0


def _add_list(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "list", help="list the shipped scenarios", formatter_class=_RAW,
        description=_wrap(
            "List the scenarios shipped with sovsim, with one-line descriptions. Use "
                    "a name wherever a SCENARIO is expected, or `sovsim show NAME` to see it."),
        epilog="examples:\n  sovsim list\n  sovsim show possession\n")
    p.set_defaults(func=cmd_list)


def _one_line(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 3] + "..."


def cmd_list(args: argparse.Namespace) -> int:
    from model.scenario_file import shipped_scenarios

    shipped = shipped_scenarios()
    if not shipped:
        raise UserError("no shipped scenarios found (is the scenarios/ folder installed?)")
    width = max(len(n) for n in shipped)
    for name, item in shipped.items():
        print(f"{name.ljust(width)}  {_one_line(item.description) or '(no description)'}")
    return 0


def _add_show(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "show", help="print a scenario fully resolved (after extends) as YAML",
        formatter_class=_RAW,
        description=_wrap(
            "Print the scenario after inheritance, with every setting it makes, as a "
                    "YAML scenario file that loads back to exactly the same scenario."),
        epilog="examples:\n"
               "  sovsim show possession\n"
               "  sovsim show scenarios/mixed.yaml > mixed_resolved.yaml\n")
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario file or shipped name")
    p.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from model.scenario_file import dump_scenario

    spec = load(args.scenario)
    print(f"# {args.scenario} fully resolved by `sovsim show` (hash {spec.digest()}); "
          "unset levers take their declared defaults")
    sys.stdout.write(dump_scenario(spec))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register run, compare, validate, list and show."""
    for add in (_add_run, _add_compare, _add_validate, _add_list, _add_show):
        add(sub)


__all__ = ["add_commands", "compare", "summary_table", "format_summary", "KEY_OUTCOMES",
           "with_run_options", "seeds_for"]
