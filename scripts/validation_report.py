"""Write docs/VALIDATION.md: each empirical target (model/data/targets.yaml), its source,
the default calibration's value with a seed interval, and pass/fail, on held-out seeds.

    .venv/bin/python scripts/validation_report.py [--seeds N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiments import calibrate as cal  # noqa: E402

OUT = cal.ROOT / "docs" / "VALIDATION.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(cal.VALIDATION_SEEDS),
                        help=f"seeds 1..N (default {len(cal.VALIDATION_SEEDS)})")
    seeds = tuple(range(1, parser.parse_args().seeds + 1))
    groups, targets = cal.load_targets()
    results = cal.evaluate(targets, groups, cal.Runs(cal.Setting.current(), seeds))
    before = cal.evaluate(targets, groups, cal.Runs(cal.Setting.declared(), seeds))
    OUT.write_text(cal.validation_markdown(results, seeds, before), "utf-8")
    print("\n".join(cal.results_table(results, with_source=False, before=before)))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
