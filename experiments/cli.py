"""The ``sovsim`` command line.

Each command is a small function registered in :data:`COMMANDS`; errors a user can fix
(bad input, unreachable database) are printed as one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


EXIT_USAGE = 2
#: Loggers of sovsim's modules (``logging.getLogger(__name__)``): the installed package, and
#: the repository's package names in a checkout.
LOGGERS = ("sovsim", "model", "experiments", "ui")
#: Libraries whose own warnings repeat, in their words, a fault sovsim reports in one line
#: (psycopg: "error ignored terminating <psycopg.Pipeline [BAD]>" when the server drops the
#: connection mid-write): shown with -v, always written to --log-file.
LIBRARY_LOGGERS = ("psycopg",)
log = logging.getLogger(__name__)


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
    import pandas as pd

    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string())
    print("dependence = largest supplier share; leverage = bargaining power (0-1); "
          "cost = cumulative USD m;\ncontrol, possession = indices 0-1 (see docs/ODD.md)")


#: Functions that add sub-commands; other modules append theirs via COMMAND_MODULES.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []
#: Modules with an ``add_commands(subparsers)`` function, imported when the parser is built.
#: experiments.cli_scenarios provides run, compare, validate, list and show;
#: experiments.cli_app the workshop UI; experiments.cli_sweep sweep, results, export, analyze;
#: experiments.cli_calibrate calibrate; experiments.cli_discover discover (scenario
#: discovery over a hypothesis file).
COMMAND_MODULES: list[str] = ["experiments.cli_scenarios", "experiments.cli_app",
                              "experiments.cli_sweep", "experiments.cli_calibrate",
                              "experiments.cli_discover"]


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
               "  sovsim calibrate                              fit the default "
               "calibration\n"
               "  sovsim app                                    the workshop UI\n"
               "\n`sovsim COMMAND --help` shows a command's options and more examples.")
    parser.add_argument("--version", action="version", version=f"sovsim {_version()}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="diagnostics on stderr: -v progress details, -vv debugging")
    parser.add_argument("--log-file", type=Path, default=None, metavar="FILE",
                        help="also write every diagnostic (debug level, timestamped) to FILE")
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


def configure_logging(verbose: int = 0, log_file: Path | None = None) -> None:
    """Diagnostics through :mod:`logging`: warnings on stderr by default (``sovsim: ...``),
    ``-v`` info, ``-vv`` debug; ``--log-file`` gets everything at debug level. The command's
    own output (tables, summaries, "wrote ...") is printed, never logged."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else \
        logging.DEBUG
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    console.setFormatter(logging.Formatter(
        "sovsim: %(message)s" if verbose <= 0 else "sovsim: %(levelname)s %(name)s: %(message)s"))
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        try:
            file = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"--log-file {log_file}: cannot write: {exc.strerror or exc}") \
                from None
        file.setLevel(logging.DEBUG)
        file.setFormatter(logging.Formatter(
            "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        handlers.append(file)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "_sovsim", False)]:
            logger.removeHandler(old)
            old.close()
        for handler in handlers:
            handler._sovsim = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(min(level, logging.DEBUG if log_file is not None else level))
        logger.propagate = False
    quiet = [] if verbose >= 1 else [console]
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, "_sovsim", False)]:
            logger.removeHandler(old)
        shown = [h for h in handlers if h not in quiet] or [logging.NullHandler()]
        for handler in shown:
            handler._sovsim = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # bare `sovsim`: the help, not a usage error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        configure_logging(args.verbose, args.log_file)
        log.debug("sovsim %s: %s", _version(), " ".join(argv))
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
