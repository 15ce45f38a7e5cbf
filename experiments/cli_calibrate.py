"""``sovsim calibrate``: fit the parameters the empirical targets identify (see
experiments/calibrate.py and docs/CALIBRATION.md)."""

from __future__ import annotations

import argparse

from .cli import UserError


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate", help="fit the default calibration to the targets in model/data/targets.yaml",
        description="Fit the parameters the empirical targets identify (supplier appeal by the "
                    "status-quo shares; size in bargaining by the pooled-procurement price "
                    "effects; migration time by the cut-off disruption) over paired seeds, "
                    "write model/data/calibration.yaml and docs/CALIBRATION.md, and print "
                    "the targets before and after. A few minutes.",
        epilog="examples:\n  sovsim calibrate\n  sovsim calibrate --seeds 4 --dry-run\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=6, metavar="N",
                   help="calibration seeds 101..100+N (default: 6)")
    p.add_argument("--evaluations", type=int, default=24, metavar="N",
                   help="Nelder-Mead evaluations per bargaining fit (default: 24)")
    p.add_argument("--dry-run", action="store_true",
                   help="fit and print, but write neither the calibration file nor the report")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from . import calibrate as cal

    if not 2 <= args.seeds <= 64:
        raise UserError(f"--seeds {args.seeds}: allowed 2 to 64")
    if not 4 <= args.evaluations <= 500:
        raise UserError(f"--evaluations {args.evaluations}: allowed 4 to 500")
    seeds = tuple(range(101, 101 + args.seeds))
    fit = cal.Fit(seeds=seeds, progress=not args.no_progress,
                  max_evaluations=args.evaluations)
    setting, before, after, seconds = fit.run()
    print(f"calibrated in {seconds:.0f} s on seeds {seeds[0]}-{seeds[-1]}")
    for title, results in (("before", before), ("after", after)):
        print(f"\ntargets {title} calibration:")
        print("\n".join(cal.results_table(results, with_source=False)))
    print("\nfitted:", ", ".join(f"{k} = {v}" for k, v in setting.numbers.items()))
    print("supplier appeal:", ", ".join(f"{k} {v:+.3f}" for k, v in setting.appeal.items()))
    if args.dry_run:
        return 0
    cal.write_calibration(setting, fit.targets, seeds)
    cal.write_report(setting, before, after, fit.trace, seconds, seeds)
    print(f"\nwrote {cal.CALIBRATION_FILE.relative_to(cal.ROOT)} and "
          f"{cal.REPORT_FILE.relative_to(cal.ROOT)}; regenerate docs/VALIDATION.md with "
          "scripts/validation_report.py")
    return 0
