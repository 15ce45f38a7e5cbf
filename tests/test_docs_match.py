"""The docs say what the code does (issue 11 item 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_live_shock_matches_the_shipped_under_shock_files():
    from model.scenario_file import load_scenario

    text = _text("docs/facilitator.md")
    for name in ("possession_under_shock", "coordinated_under_shock"):
        spec = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        (event,) = [e for e in spec.events if e.kind == "export_control"]
        duration = event.params["duration"]
        # the UI fires a live event at the next quarter: press one quarter earlier
        assert f"at quarter {event.step - 1} press **Export control**" in text
        assert f"it fires at quarter {event.step}" in text
        assert f"**Lasts** {duration} quarters" in text
        assert f"step {event.step}, {duration} quarters" in text


def test_member_is_documented_as_it_is_stored():
    from model import run
    from model.parameters import OUTCOMES

    assert run(steps=1).states["member"].dtype == bool
    assert OUTCOMES["member"].unit == "true/false"
    assert "`member` (0/1)" not in _text("docs/ODD.md")
    assert "| `member` | region | true/false |" in _text("docs/ODD.md")


def test_load_results_granularity_is_documented_as_it_is(tmp_path):
    from experiments.analysis import load_results
    from experiments.design import experiment_from_dict
    from experiments.runner import run_sweep

    exp = experiment_from_dict({"name": "g", "scenarios": ["baseline"], "replications": 2,
                                "horizon": 3, "keep": {"level": "per_step"}})
    db = f"sqlite:///{tmp_path / 'g.db'}"
    run_sweep(exp, db, workers=1, progress=False)
    frame = load_results(db, "g")
    assert len(frame) == 2 * 11 and set(frame["step"]) == {3}  # final step only
    text = _text("docs/experiments.md")
    assert "one row per run x state at the final step (per run x step x state only if" in text
    assert "# one row per run x step x state:" not in text


def test_python_snippets_use_the_one_import_path():
    for doc in DOCS:
        for block in re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            for line in block.splitlines():
                if re.match(r"\s*(from|import) (model|experiments|ui|app)\b", line):
                    pytest.fail(f"{doc.name}: {line.strip()!r}: document sovsim.* imports")
        for inline in re.findall(r"`(from \w+[\w.]* import [^`]+)`", doc.read_text()):
            assert inline.startswith("from sovsim"), f"{doc.name}: {inline}"


def test_no_reference_to_files_outside_the_repository():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])/(work|root|tmp|home)/", text), doc.name
        assert "file://" not in text, doc.name
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path = (doc.parent / target).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: {target}"


def test_sovsim_app_on_path_is_explained():
    text = _text("docs/facilitator.md")
    assert "`PATH`" in text and ".venv/bin/sovsim app" in text
    assert "sovsim app --vendor-assets" in text and "sovsim app --vendor-assets" in \
        _text("README.md")
