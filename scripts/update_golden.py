"""Regenerate tests/golden/default_summary.csv: the default run's final state, seed 1.

Run this only after a deliberate model change, and say in the commit message why the
numbers moved:  .venv/bin/python scripts/update_golden.py
"""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "default_summary.csv"


def golden_frame():
    from model import run
    return run(seed=1).final().round(9)


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    golden_frame().to_csv(GOLDEN, float_format="%.9g")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
