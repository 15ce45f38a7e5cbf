"""Golden regression: the default run's final state must not drift silently.

If a model change moves these numbers on purpose, regenerate the file with
``python scripts/update_golden.py`` and explain the change in the commit message.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "update_golden.py"


def _script():
    spec = importlib.util.spec_from_file_location("update_golden", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_run_matches_golden_summary():
    script = _script()
    expected = pd.read_csv(script.GOLDEN, index_col="iso3")
    got = script.golden_frame()
    got.index = got.index.astype(str)
    got["member"] = got["member"].astype(bool)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-7, atol=1e-9,
                                  check_dtype=False)
