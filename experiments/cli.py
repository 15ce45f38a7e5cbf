"""The ``sovsim`` command line.

Each command is a small function registered in :data:`COMMANDS`; errors a user can fix
(bad input, unreachable database) are printed as one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

EXIT_USAGE = 2


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit code 2."""


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run", help="run a scenario headlessly and print a per-state summary",
        description="Run one scenario (default: the ASEAN-11 region with default policies), "
                    "print final dependence, leverage, cost, control and possession per state, "
                    "and write the tidy per-step, per-state table.",
        epilog="examples:\n  sovsim run\n  sovsim run --seed 7 --steps 20 --out out/run.csv\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=None, help="quarters to run (default: 40)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: 1)")
    p.add_argument("--out", type=Path, default=Path("sovsim_run.csv"),
                   help="tidy output table, .csv or .parquet (default: sovsim_run.csv)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from model import ScenarioSpec, SpecError, run

    if args.out.suffix not in (".csv", ".parquet"):
        raise UserError(f"--out {args.out}: unsupported file type; use .csv or .parquet")
    try:
        results = run(ScenarioSpec(), steps=args.steps, seed=args.seed)
    except SpecError as exc:
        raise UserError(str(exc)) from None
    print_summary(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results.to_file(args.out)
    print(f"\nwrote {len(results.states)} rows to {args.out}")
    return 0


def print_summary(results) -> None:
    table = results.summary().rename(columns={
        "largest_supplier_share": "dependence", "bargaining_power": "leverage",
        "cumulative_cost": "cost_usd_m", "control_index": "control",
        "possession_index": "possession"})
    p = results.provenance
    print(f"scenario {p['scenario']} (hash {p['scenario_hash']}), seed {p['seed']}, "
          f"{p['steps']} quarters, model {p['model_version']}")
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string())
    print("dependence = largest supplier share; leverage = bargaining power (0-1); "
          "cost = cumulative USD m;\ncontrol, possession = indices 0-1 (see docs/ODD.md)")


#: Functions that add sub-commands; other modules append theirs via COMMAND_MODULES.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_run]
#: Modules with an ``add_commands(subparsers)`` function, imported when the parser is built.
COMMAND_MODULES: list[str] = ["experiments.cli_sweep"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sovsim", description="sovsim: regional AI interdependence, possession vs control.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"sovsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sovsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
