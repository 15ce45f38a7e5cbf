"""The ``sovsim`` command line.

Each command is a small function registered in :data:`COMMANDS`; errors a user can fix
(bad input, unreachable database) are printed as one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

import pandas as pd

EXIT_USAGE = 2


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit code 2."""


def print_summary(results) -> None:
    p = results.provenance
    print_table(results.summary(), f"scenario {p['scenario']} (hash {p['scenario_hash']}), "
                f"seed {p['seed']}, {p['steps']} quarters, model {p['model_version']}")


def print_table(summary: pd.DataFrame, header: str) -> None:
    """Print a per-state summary (``Results.summary()`` columns) under a one-line header."""
    table = summary.rename(columns={
        "largest_supplier_share": "dependence", "bargaining_power": "leverage",
        "cumulative_cost": "cost_usd_m", "control_index": "control",
        "possession_index": "possession"})
    print(header)
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string())
    print("dependence = largest supplier share; leverage = bargaining power (0-1); "
          "cost = cumulative USD m;\ncontrol, possession = indices 0-1 (see docs/ODD.md)")


#: Functions that add sub-commands; other modules append theirs via COMMAND_MODULES.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []
#: Modules with an ``add_commands(subparsers)`` function, imported when the parser is built.
#: experiments.cli_scenarios provides run, compare, validate, list and show;
#: experiments.cli_app the workshop UI; experiments.cli_sweep sweep, results, export, analyze;
#: experiments.cli_discover discover (scenario discovery over a hypothesis file).
COMMAND_MODULES: list[str] = ["experiments.cli_scenarios", "experiments.cli_app",
                              "experiments.cli_sweep", "experiments.cli_discover"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sovsim", description="sovsim: regional AI interdependence, possession vs control.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  sovsim list                                   the shipped scenarios\n"
               "  sovsim run possession                         one run, a per-state summary\n"
               "  sovsim compare baseline possession            paired comparison\n"
               "  sovsim validate my_scenario.yaml exp.yaml     check files, one line per "
               "problem\n"
               "  sovsim sweep experiments/possession_vs_coordination.yaml\n"
               "  sovsim analyze possession_vs_coordination     tables and charts\n"
               "  sovsim app                                    the workshop UI\n"
               "\n`sovsim COMMAND --help` shows a command's options and more examples.")
    parser.add_argument("--version", action="version", version=f"sovsim {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sovsim")
    except PackageNotFoundError:  # a source checkout that was never installed
        from model.results import MODEL_VERSION

        return f"{MODEL_VERSION} (source checkout)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # bare `sovsim`: the help, not a usage error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"sovsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sovsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: command modules raise
    # experiments.cli.UserError, which a second copy of this module would not catch.
    from experiments.cli import main as _main

    sys.exit(_main())
