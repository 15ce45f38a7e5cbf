"""Outputs land where users expect (issue 11 item 11): ``run`` writes nothing unless asked,
``compare`` never replaces an earlier comparison silently, ``export`` writes into ``out/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.cli import main

TINY = """name: tiny_out
scenarios: [baseline]
design: {method: full_factorial, factors: {base_markup: {values: [0.1, 0.3]}}}
replications: 1
seed: 3
horizon: 2
keep: {level: final}
"""


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_writes_nothing_unless_asked(here, capsys):
    assert main(["run", "--steps", "2"]) == 0
    assert list(here.iterdir()) == []
    assert "no file written (add --out FILE.csv" in capsys.readouterr().out


def test_compare_keeps_the_earlier_comparison(here, capsys):
    args = ["compare", "baseline", "possession", "--replications", "2", "--steps", "2"]
    assert main(args) == 0
    first = (here / "out/compare/summary.csv").read_bytes()
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "out/compare holds an earlier comparison: this one goes to out/compare-2" in printed
    assert (here / "out/compare/summary.csv").read_bytes() == first
    assert (here / "out/compare-2/compare.png").is_file()


def test_compare_into_a_chosen_folder_with_a_comparison_needs_force(here, capsys):
    args = ["compare", "baseline", "possession", "--replications", "2", "--steps", "2",
            "--out-dir", "mine"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sovsim: error: --out-dir mine: holds an earlier comparison (compare.png, "
                   "summary.csv, outcomes.csv); choose another folder, or add --force to "
                   "replace it"]
    assert main([*args, "--force"]) == 0


def test_export_writes_into_the_output_folder(here, capsys):
    (here / "tiny.yaml").write_text(TINY)
    assert main(["sweep", "tiny.yaml", "--db", "t.db", "--workers", "1", "--no-progress"]) == 0
    assert main(["export", "tiny.yaml", "--db", "t.db"]) == 0
    assert (here / "out" / "tiny_out.csv").is_file()
    assert not (here / "tiny_out.csv").exists()
    assert "out/tiny_out.csv" in capsys.readouterr().out
