"""``sovsim discover``: where each hypothesis holds and where it fails (PRIM and CART).

Needs the ``research`` extra (``pip install sovsim[research]``: EMA Workbench and
scikit-learn).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli import UserError
from .cli_sweep import DB_HELP, _positive, safe_stem


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover", help="scenario discovery: where a hypothesis holds and where it fails",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run a hypothesis file's sweep (or read its stored runs), judge its "
                    "predicate per (design point, state), and describe where it holds and "
                    "where it fails with PRIM (EMA Workbench) and a CART tree (scikit-learn): "
                    "plain-language findings with coverage and density, the boxes (JSON), "
                    "the trees (text) and a PNG per hypothesis.",
        epilog="examples:\n"
               "  sovsim discover experiments/hypotheses/H5.yaml\n"
               "  sovsim discover experiments/hypotheses/*.yaml --db atlas.sqlite\n"
               "  sovsim discover experiments/hypotheses/headline.yaml --stored\n")
    p.add_argument("experiments", nargs="+", metavar="EXPERIMENT",
                   help="hypothesis files (experiments/hypotheses/*.yaml)")
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--out", type=Path, default=Path("analysis/discover"),
                   help="output folder; one sub-folder per hypothesis "
                        "(default: analysis/discover)")
    p.add_argument("--workers", type=_positive, default=None,
                   help="worker processes for the runs (default: the number of cores)")
    p.add_argument("--stored", action="store_true",
                   help="only read stored runs (fail if any is missing); never run the model")
    p.add_argument("--min-density", type=float, default=0.8,
                   help="PRIM: the box kept is the one of largest coverage x density among "
                        "those of at least this density (default: 0.8)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_discover)


def cmd_discover(args: argparse.Namespace) -> int:
    try:
        import ema_workbench  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise UserError(f"sovsim discover needs the research extra ({exc.name} is missing): "
                        "pip install 'sovsim[research]'") from None
    from .discover import (
        HypothesisError,
        discover,
        ensure_runs,
        load_hypothesis,
        report_lines,
        write_outputs,
    )
    from .storage import StorageError

    if not 0 < args.min_density <= 1:
        raise UserError(f"--min-density {args.min_density}: expected a number in (0, 1]")
    hyps = []
    for ref in args.experiments:
        try:
            hyps.append(load_hypothesis(ref))
        except HypothesisError as exc:
            raise UserError(str(exc)) from None
    for hyp in hyps:
        try:
            ensure_runs(hyp, args.db, workers=args.workers, progress=not args.no_progress,
                        run=not args.stored)
            disc = discover(hyp, args.db, min_density=args.min_density)
        except (StorageError, ValueError) as exc:
            raise UserError(str(exc)) from None
        files = write_outputs(disc, args.out / safe_stem(hyp.name))
        print("\n".join(report_lines(disc)))
        print(f"  wrote {', '.join(str(f) for f in files)}\n")
    return 0
