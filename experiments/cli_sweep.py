"""``sovsim sweep | results | export | analyze``: headless experiments (see docs/experiments.md).

EXPERIMENT is an experiment file (``experiments/*.yaml``) or, for results/export/analyze,
the name of an experiment stored in the database.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .cli import UserError

#: Designs larger than this need ``sovsim sweep --force`` (MAX_RUNS in experiments.design is
#: the hard limit): a million runs is hours even on a cluster, so it should be deliberate.
LARGE_RUNS = 1_000_000

DB_HELP = ("results database: a SQLAlchemy URL (sqlite:///file.sqlite, "
           "postgresql+psycopg://user@host:port/db) or a SQLite file path "
           "(default: sovsim.sqlite in the working directory)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "sweep", help="run an experiment's parameter sweep into a results database",
        description="Run every run of an experiment file (scenarios x design x replications) "
                    "not yet in the database, on a local process pool or Dask. Rerunning "
                    "resumes: finished runs are skipped.",
        epilog="examples:\n  sovsim sweep experiments/possession_vs_coordination.yaml\n"
               "  sovsim sweep exp.yaml --workers 2 --db results.sqlite\n"
               "  sovsim sweep exp.yaml --dask local\n"
               "  sovsim sweep exp.yaml --dask tcp://scheduler:8786 "
               "--db postgresql+psycopg://user@host/db\n", formatter_class=fmt)
    p.add_argument("experiment", help="experiment file (YAML)")
    p.add_argument("--workers", type=_positive, default=None,
                   help="worker processes (default: the number of cores; 1 = in this process)")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--dask", default=None, metavar="local|ADDRESS",
                   help="run on Dask distributed: 'local' starts a LocalCluster of --workers "
                        "processes, an address (tcp://host:8786) uses a running scheduler")
    p.add_argument("--retry-failed", action="store_true",
                   help="run failed runs again (by default they count as finished)")
    p.add_argument("--batch", type=_positive, default=256, metavar="N",
                   help="write finished runs to the database every N runs (default: 256) or "
                        "every 2 seconds, each batch in one transaction")
    p.add_argument("--runs-per-batch", type=_positive, default=None, metavar="N",
                   help="runs a worker advances together in one batch of the engine "
                        "(default: chosen from the design, at most 256; 1 runs them one "
                        "at a time; results are identical either way)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--force", action="store_true",
                   help=f"run a design of more than {LARGE_RUNS:,} runs (refused otherwise)")
    p.add_argument("--dask-timeout", type=_positive, default=60, metavar="SECONDS",
                   help="with --dask ADDRESS: give up if no worker has joined the scheduler "
                        "after this many seconds (default: 60)")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("results", help="count done, failed and pending runs of an experiment",
                       description="Show how many runs of an experiment are done, failed and "
                                   "pending, per scenario.", formatter_class=fmt,
                       epilog="example:\n  sovsim results experiments/possession_vs_coordination"
                              ".yaml\n")
    p.add_argument("experiment", help="experiment file or stored experiment name")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_results)

    p = sub.add_parser("export", help="export an experiment's results as CSV or Parquet",
                       description="Write the tidy results (one row per run x step x state, "
                                   "parameters as columns) of finished runs.",
                       formatter_class=fmt,
                       epilog="example:\n  sovsim export possession_vs_coordination --format "
                              "parquet --out pvc.parquet\n")
    p.add_argument("experiment", help="experiment file or stored experiment name")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--level", choices=("state", "region"), default="state",
                   help="state: run x step x state rows (default); region: run x step rows")
    p.add_argument("--out", type=Path, default=None,
                   help="output file (default: out/EXPERIMENT[_region].FORMAT)")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("analyze", help="means, paired differences, sensitivity and charts",
                       description="Per-scenario means with 95% intervals, paired differences "
                                   "against the first scenario, Sobol or Morris indices (for "
                                   "those designs), CSV tables and PNG charts.",
                       formatter_class=fmt,
                       epilog="example:\n  sovsim analyze experiments/possession_vs_coordination"
                              ".yaml --out analysis/pvc\n")
    p.add_argument("experiment", help="experiment file or stored experiment name")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--out", type=Path, default=None,
                   help="output directory (default: analysis/EXPERIMENT)")
    p.add_argument("--outcomes", default=None,
                   help="comma-separated region outcomes (default: the experiment's list)")
    p.set_defaults(func=cmd_analyze)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _load(path: str):
    from .design import ExperimentError, load_experiment

    try:
        return load_experiment(path)
    except ExperimentError as exc:
        raise UserError(str(exc)) from None


def _is_file_ref(ref: str) -> bool:
    try:
        return ref.endswith((".yaml", ".yml")) or Path(ref).is_file()
    except OSError:  # a name too long to be a file: a stored experiment name, then
        return False


def _name(ref: str) -> tuple[str, Any]:
    """(experiment name, Experiment or None) from a file or a stored name."""
    if _is_file_ref(ref):
        exp = _load(ref)
        return exp.name, exp
    return ref, None


def _storage(db: str | None, create: bool = False):
    from .storage import Storage, StorageError

    try:
        return Storage(db, create=create)
    except StorageError as exc:
        raise UserError(str(exc)) from None


def cmd_sweep(args: argparse.Namespace) -> int:
    from .runner import NoDaskWorker, SweepInterrupted, default_workers, run_sweep
    from .storage import StorageError, StorageFault, redact

    exp = _load(args.experiment)
    workers = args.workers or default_workers()
    where = f"Dask {args.dask}" if args.dask else f"{workers} process" + \
        ("es" if workers > 1 else " (in this process)")
    print(f"experiment {exp.name} (hash {exp.digest()}): {len(exp.scenarios)} scenarios x "
          f"{exp.n_points:,} design points x {exp.replications} replications = "
          f"{exp.n_runs:,} runs, {exp.horizon} quarters, keep {exp.keep}; on {where}")
    for label, file in exp.scenario_files:
        print(f"  scenario {label}: {file}")
    one = _time_one_run(exp)
    print(f"estimated time: about {_duration(one * exp.n_runs / workers)} for all runs "
          f"(one run takes {one * 1000:.0f} ms here; finished runs are skipped)")
    if exp.n_runs > LARGE_RUNS and not args.force:
        raise UserError(f"{args.experiment}: {exp.n_runs:,} runs is more than "
                        f"{LARGE_RUNS:,}; check the design (samples, levels, replications) "
                        "or add --force to run it anyway")
    try:
        summary = run_sweep(exp, args.db, workers=workers, dask=args.dask,
                            progress=not args.no_progress, retry_failed=args.retry_failed,
                            batch_runs=args.batch, dask_timeout=args.dask_timeout,
                            chunk_size=args.runs_per_batch)
    except NoDaskWorker as exc:
        print(f"sovsim: error: {exc}", file=sys.stderr)
        return 1
    except StorageFault as exc:  # the database failed mid-sweep: stored runs are safe
        print(f"sovsim: error: {exc}", file=sys.stderr)
        return 1
    except StorageError as exc:
        raise UserError(str(exc)) from None
    except SweepInterrupted as exc:
        s = exc.summary
        print(f"\nsovsim: interrupted: {s.skipped + s.stored} of {s.planned} runs are stored "
              f"in {redact(s.db)} ({s.stored} from this sweep); rerun the same command to "
              "resume", file=sys.stderr)
        return 130
    except BrokenProcessPool as exc:
        print(f"sovsim: a worker process died ({exc}); finished runs are stored, rerun the "
              "same command to resume", file=sys.stderr)
        return 1
    except ImportError as exc:
        if args.dask:
            raise UserError(f"a Dask worker cannot import sovsim ({exc}); install sovsim (same "
                            "version) where the workers run") from None
        raise
    except OSError as exc:
        if args.dask:
            raise UserError(f"cannot reach Dask scheduler {args.dask}: {exc}") from None
        raise
    if summary.done + summary.failed == 0 and not summary.elsewhere:
        print(f"nothing to do: all {summary.planned} runs already in {redact(summary.db)}")
    else:
        print(f"{summary.done} runs done, {summary.failed} failed, {summary.skipped} already "
              f"stored, in {summary.seconds:.1f} s ({summary.rate:.1f} runs/s) -> "
              f"{redact(summary.db)}")
    if summary.elsewhere:
        print(f"{summary.elsewhere} runs were taken by other sweep processes on this database")
    print(f"checked: {summary.verified} of {summary.planned} runs of {summary.experiment} are "
          "stored")
    for err in summary.errors:
        print(f"  failed {err}")
    return 1 if summary.failed else 0


def _time_one_run(exp) -> float:
    """Seconds per run of the experiment's first scenario in this process, timed on a small
    batch as the sweep runs them (a batch of one would overstate the sweep's time)."""
    import time

    from model.engine import Engine

    batch = 8
    start = time.perf_counter()
    Engine([exp.scenarios[0][1]] * batch, seeds=range(batch)).run()
    return (time.perf_counter() - start) / batch


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def safe_stem(name: str) -> str:
    """An experiment name as one file or folder name: output paths built from it stay
    under the chosen output folder (no separators, no leading dots)."""
    import re

    stem = re.sub(r"[^\w.-]+", "_", name).lstrip(".")
    return stem[:120] or "experiment"


def _not_run_yet(name: str, exp, where: str, exc: Exception) -> int:
    """Report an experiment with no stored runs, or re-raise if its file was not given."""
    if exp is None:
        raise UserError(str(exc)) from None
    print(f"experiment {name}: not run yet in {where}; {exp.n_runs} runs pending")
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from .storage import EmptyDatabase, Storage, StorageError, normalise_url, redact

    name, exp = _name(args.experiment)
    try:
        storage = Storage(args.db, create=False)
    except EmptyDatabase as exc:
        return _not_run_yet(name, exp, redact(normalise_url(args.db)), exc)
    except StorageError as exc:
        raise UserError(str(exc)) from None
    try:
        try:
            row = storage.experiment(name)
        except StorageError as exc:
            return _not_run_yet(name, exp, redact(storage.url), exc)
        counts = storage.counts(row["id"])
        history = storage.extension_history(row["id"])
    finally:
        storage.close()
    scenarios = list(row["definition"]["scenarios"])
    per = row["n_runs"] // max(1, len(scenarios))
    print(f"experiment {name} (hash {row['digest']}) in {redact(storage.url)}, "
          f"keep {row['keep']}")
    print(f"{'scenario':<28}{'done':>8}{'failed':>8}{'pending':>9}")
    tot = {"done": 0, "failed": 0, "pending": 0}
    for s in scenarios:
        c = counts.get(s, {"done": 0, "failed": 0})
        pending = per - c["done"] - c["failed"]
        tot["done"] += c["done"]
        tot["failed"] += c["failed"]
        tot["pending"] += pending
        print(f"{s:<28}{c['done']:>8}{c['failed']:>8}{pending:>9}")
    print(f"{'total':<28}{tot['done']:>8}{tot['failed']:>8}{tot['pending']:>9}")
    if len(history) > 1:
        print("extensions (runs are tagged with the one that added them: column extension):")
        for ext in history:
            print(f"  {ext['number']}: hash {ext['digest']}, {ext['n_points']} points x "
                  f"{ext['replications']} replications = {ext['n_runs']} runs, "
                  f"{ext['created_at']:%Y-%m-%d %H:%M} UTC")
    if exp is not None and exp.digest() != row["digest"]:
        print(f"note: {args.experiment} now has hash {exp.digest()}; the stored runs are of "
              "an earlier version")
    return 0


def export_metadata(storage, name: str, level: str) -> dict[str, Any]:
    """What an exported file says about itself: model version(s), scenario -> hash, the
    experiment, its root seed and design, and the unit of every column."""
    from sqlalchemy import select

    from model.exchange import metadata

    from .storage import REGION_COLUMNS, STATE_COLUMNS, StorageError

    try:
        exp = storage.experiment(name)
    except StorageError as exc:
        raise UserError(str(exc)) from None
    r = storage.runs.c
    with storage.engine.connect() as conn:
        rows = conn.execute(select(r.scenario, r.scenario_hash, r.model_version).distinct()
                            .where(r.experiment_id == exp["id"], r.status == "done")).all()
    versions = sorted({row.model_version for row in rows})
    definition = exp["definition"]
    columns = [*definition["design"]["factors"], "step", "iso3", "scenario", "seed",
               *(STATE_COLUMNS if level == "state" else REGION_COLUMNS)]
    return metadata(columns, model_version=", ".join(versions) or "unknown",
                    scenario_hashes={row.scenario: row.scenario_hash for row in rows},
                    experiment=name, level=level, seed=definition["seed"],
                    design=definition["design"])


def cmd_export(args: argparse.Namespace) -> int:
    from .analysis import iter_results
    from .storage import StorageError

    name, _ = _name(args.experiment)
    suffix = "" if args.level == "state" else "_region"
    out = args.out or Path("out") / f"{safe_stem(name)}{suffix}.{args.format}"
    if out.suffix != f".{args.format}":
        raise UserError(f"--out {out}: expected a .{args.format} file for --format "
                        f"{args.format}")
    from model.exchange import TableWriter

    with _storage(args.db) as storage:  # one-line error if unreachable or not sovsim's
        meta = export_metadata(storage, name, args.level)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = TableWriter(out, meta)
    try:
        for frame in iter_results(args.db, name, level=args.level):
            writer.write(frame)
    except StorageError as exc:
        raise UserError(str(exc)) from None
    finally:
        writer.close()
    rows = writer.rows
    if rows == 0:
        raise UserError(f"experiment {name} has no finished runs to export")
    print(f"wrote {rows} rows to {out}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from .analysis import analyze
    from .storage import StorageError

    name, _ = _name(args.experiment)
    outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()] \
        if args.outcomes else None
    _storage(args.db).close()
    try:
        result = analyze(args.db, name, args.out or Path("analysis") / safe_stem(name),
                         outcomes)
    except (StorageError, ValueError) as exc:
        raise UserError(str(exc)) from None
    import pandas as pd

    with pd.option_context("display.width", 140, "display.float_format", "{:.4g}".format,
                           "display.max_rows", 200):
        print(f"experiment {name}: mean and 95% interval of final region values")
        print(result.means.to_string(index=False))
        if not result.differences.empty:
            print("\npaired differences (same point, replication and seed)")
            print(result.differences.to_string(index=False))
        if result.per_state is not None and not result.per_state.empty:
            from .analysis import format_per_state

            for scenario in dict.fromkeys(result.per_state["scenario"]):
                print("\n" + format_per_state(result.per_state, scenario))
        sens = result.sensitivity
        if sens is not None and not sens.empty:
            value = "ST" if "ST" in sens else "mu_star"
            if sens["factor"].nunique() <= 8:
                print(f"\nsensitivity: {value} per factor (all indices in sensitivity.csv)")
                table = sens.pivot_table(index=["scenario", "outcome"], columns="factor",
                                         values=value, sort=False, observed=True)
                print(table.to_string())
            else:  # many factors: the 10 largest per output, with intervals and noise
                from .sensitivity import format_indices

                print(f"\nsensitivity: the 10 largest {value} per output, 95% intervals (all "
                      "in sensitivity.csv)")
                for (label, outcome), _ in sens.groupby(["scenario", "outcome"], sort=False):
                    text = format_indices(sens, label, outcome).splitlines()
                    print("\n".join(text[:11]))
    for note in result.notes:
        print(f"note: {note}")
    print("\nwrote " + ", ".join(str(f) for f in result.files))
    return 0
