"""The sovsim commands for scenarios: run, compare, validate, list, show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import build_parser, main
from model.scenario_file import load_scenario, loads_scenario, shipped_scenarios

ROOT = Path(__file__).parent.parent
COMMANDS = ["run", "compare", "validate", "list", "show"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert f"sovsim {command}" in out.split("examples:")[1]


def test_top_level_help_lists_the_commands():
    text = build_parser().format_help()
    for command in COMMANDS:
        assert command in text


# -- run --------------------------------------------------------------------------------------

def test_run_named_scenario_prints_summary_and_writes_table(tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["run", "possession", "--steps", "6", "--seed", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("scenario possession (hash ")
    assert "seed 3, 6 quarters" in text
    assert "dependence  leverage  cost_usd_m  control  possession" in text
    table = pd.read_csv(out)
    assert len(table) == 7 * 11
    assert set(table["scenario"]) == {"possession"} and set(table["seed"]) == {3}


def test_run_default_is_the_model_defaults(tmp_path, capsys):
    assert main(["run", "--steps", "3", "--out", str(tmp_path / "d.csv")]) == 0
    assert capsys.readouterr().out.startswith("scenario default ")


def test_run_replications_use_consecutive_seeds(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["run", "baseline", "--steps", "4", "--replications", "3", "--seed", "10",
                 "--out", str(out)]) == 0
    assert "mean of 3 replications (seeds 10-12)" in capsys.readouterr().out
    table = pd.read_parquet(out)
    assert sorted(table.groupby("replication")["seed"].first()) == [10, 11, 12]
    assert len(table) == 3 * 5 * 11


def test_run_steps_shorter_than_events_drops_them_with_a_note(tmp_path, capsys):
    assert main(["run", "vendor_cutoff", "--steps", "5", "--out", str(tmp_path / "v.csv")]) == 0
    assert "1 scheduled event(s) after step 5" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["run", "no_such_scenario"], "unknown scenario"),
    (["run", "baseline", "--out", "x.txt"], "unsupported file type"),
    (["run", "baseline", "--steps", "0"], "--steps 0: out of range"),
    (["run", "baseline", "--seed", "-4"], "--seed -4: out of range"),
    (["compare", "baseline"], "at least two scenarios"),
    (["show", "tests/malformed/unknown_lever.yaml"], "did you mean 'ours_premium'"),
])
def test_user_errors_are_one_line_exit_2(argv, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sovsim: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_option_type_is_argparse_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "baseline", "--replications", "zero"])
    assert info.value.code == 2


# -- compare ----------------------------------------------------------------------------------

def test_compare_prints_paired_table_and_writes_chart(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "possession", "coordinated_resilience", "--replications", "4",
                 "--steps", "6", "--out-dir", str(out)]) == 0
    text = capsys.readouterr().out
    assert "2 scenarios x 4 paired replications (seeds 1-4" in text
    assert "diff vs possession" in text
    for label in ("evaluated_share (final)", "incidents (sum over run)", "markup_paid",
                  "largest_supplier_share", "possession_index", "control_index",
                  "cumulative_cost", "service_continuity (min)", "public_value", "cohesion"):
        assert label in text
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    outcomes = pd.read_csv(out / "outcomes.csv")
    seeds = outcomes.groupby("scenario")["seed"].apply(list)
    assert seeds["possession"] == seeds["coordinated_resilience"] == [1, 2, 3, 4]
    summary = pd.read_csv(out / "summary.csv")
    row = summary[(summary.outcome == "control_index (final)")
                  & (summary.scenario == "coordinated_resilience")].iloc[0]
    by = outcomes.pivot(index="replication", columns="scenario",
                        values="control_index (final)")
    paired = by["coordinated_resilience"] - by["possession"]
    assert row["diff_mean"] == pytest.approx(paired.mean())
    assert row["mean"] == pytest.approx(by["coordinated_resilience"].mean())


def test_compare_a_scenario_with_itself_differs_by_exactly_zero(tmp_path):
    """Common random numbers: same scenario, same seeds, identical runs."""
    from experiments.cli_scenarios import compare, summary_table
    spec = load_scenario("export_control_shock")
    table = summary_table(compare([spec, spec], ["a", "b"], [5, 6, 7]))
    diffs = table[table.scenario == "b"][["diff_mean", "diff_p5", "diff_p95"]]
    assert (diffs.to_numpy() == 0).all()


def test_compare_runs_in_batches_equal_to_runs_alone():
    """compare advances its runs together (one batch per region and horizon): each
    scenario's series and final rows are those of the run alone, in the order asked."""
    from experiments.cli_scenarios import compare
    from model import run
    specs = [load_scenario("baseline"), load_scenario("possession")]
    seeds = [3, 9]
    got = compare(specs, ["base", "own"], seeds)
    assert list(zip(got.outcomes.scenario, got.outcomes.seed)) == [
        ("base", 3), ("base", 9), ("own", 3), ("own", 9)]
    for label, spec in zip(["base", "own"], specs):
        for r, seed in enumerate(seeds):
            alone = run(spec, seed=seed)
            series = got.series[(got.series.scenario == label) & (got.series.replication == r)]
            pd.testing.assert_frame_equal(
                series.drop(columns=["scenario", "replication"]).reset_index(drop=True),
                alone.region)
            final = got.states[(got.states.scenario == label) & (got.states.replication == r)]
            assert final.drop(columns=["scenario", "replication", "seed"]).reset_index(
                drop=True).equals(alone.states[alone.states.step == 40].reset_index(drop=True))


def test_compare_needs_equal_horizons(tmp_path, capsys):
    short = tmp_path / "short.yaml"
    short.write_text("extends: baseline\nhorizon: 10\n")
    assert main(["compare", "baseline", str(short), "--replications", "1",
                 "--out-dir", str(tmp_path)]) == 2
    assert "different horizons" in capsys.readouterr().err
    assert main(["compare", "baseline", str(short), "--replications", "1", "--steps", "4",
                 "--out-dir", str(tmp_path)]) == 0



def test_compare_ensemble_pairs_uncertainty_draws_and_widens_intervals(tmp_path, capsys):
    """--ensemble: replication r draws one Latin-hypercube point of every uncertainty, the
    same point in every scenario (a scenario against itself still differs by exactly 0), so
    the intervals cover parametric uncertainty as well as seed noise: wider than seeds alone
    on the same seeds."""
    from experiments.cli_scenarios import compare, ensemble_points, summary_table
    from model.parameters import UNCERTAINTIES

    seeds = [11, 12, 13, 14, 15, 16]
    points = ensemble_points(len(seeds), seeds[0])
    assert len(points) == len(seeds) and len({tuple(p.values()) for p in points}) == len(seeds)
    for p in UNCERTAINTIES:
        if p.type != "bool":
            values = [point[p.name] for point in points]
            assert all(p.low <= v <= p.high for v in values)
    spec = load_scenario("baseline")
    itself = summary_table(compare([spec, spec], ["a", "b"], seeds, points))
    assert (itself[itself.scenario == "b"][["diff_mean", "diff_p5", "diff_p95"]]
            .to_numpy() == 0).all()
    seed_only = summary_table(compare([spec], ["a"], seeds))
    with_ranges = itself[itself.scenario == "a"]

    def width(table, outcome):
        row = table[table.outcome == outcome].iloc[0]
        return row["p95"] - row["p5"]

    cost = "cumulative_cost USD m (final)"
    assert width(with_ranges, cost) > 1.5 * width(seed_only, cost)

    out = tmp_path / "cmp"
    assert main(["compare", "possession", "coordinated_resilience", "--replications", "3",
                 "--steps", "4", "--ensemble", "--out-dir", str(out)]) == 0
    assert "intervals include parametric uncertainty" in capsys.readouterr().out
    assert (out / "summary.csv").exists()

# -- validate, list, show ----------------------------------------------------------------------

def test_validate_shipped_files_ok(capsys):
    files = [str(p.path) for p in shipped_scenarios().values()]
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(files) and all(line.startswith("ok  ") for line in out)


def test_validate_mixed_good_and_bad_exits_2(capsys):
    bad = str(ROOT / "tests" / "malformed" / "lever_out_of_range.yaml")
    assert main(["validate", "baseline", bad, "possession"]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert captured.err.splitlines()[-1] == "1 of 3 file(s) invalid"


def test_list_shows_every_shipped_scenario_on_one_line(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(shipped_scenarios())
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines)


@pytest.mark.parametrize("name", ["mixed", "possession_under_shock", "rhetoric_erosion"])
def test_show_prints_yaml_that_loads_back_to_the_same_scenario(name, capsys):
    assert main(["show", name]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# ")
    assert "extends" not in text.split("\n", 1)[1]
    assert loads_scenario(text) == load_scenario(name)


def test_console_entry_point_runs_without_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "experiments.cli", "run",
                           str(ROOT / "tests" / "malformed" / "alias_bomb.yaml")],
                          capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("sovsim: error: ") and "alias bomb" in proc.stderr


def test_one_scenario_hash_in_run_show_compare_and_the_sweep_database(tmp_path, capsys):
    """Issue 11 item 10: the hash `run` prints (any seed, any steps) is the one `show`
    prints, the one compare's tables carry and the one a sweep stores."""
    import json
    import re
    import sqlite3

    def printed_hash(argv: list[str]) -> str:
        assert main(argv) == 0
        return re.search(r"\(hash ([0-9a-f]+)\)", capsys.readouterr().out).group(1)

    shown = printed_hash(["show", "possession"])
    assert printed_hash(["run", "possession", "--seed", "3", "--steps", "6"]) == shown
    assert printed_hash(["run", "possession", "--seed", "8", "--steps", "2"]) == shown
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "possession", "--replications", "2", "--steps", "3",
                 "--out-dir", str(out)]) == 0
    meta = json.loads((out / "outcomes.csv-metadata.json").read_text())
    assert meta["sovsim:provenance"]["scenario_hashes"]["possession"] == shown
    exp = tmp_path / "h.yaml"
    exp.write_text("name: h\nscenarios: [possession]\nreplications: 2\nhorizon: 3\n")
    db = tmp_path / "h.sqlite"
    assert main(["sweep", str(exp), "--db", str(db), "--no-progress", "--workers", "1"]) == 0
    with sqlite3.connect(db) as con:
        stored = {h for (h,) in con.execute("select distinct scenario_hash from runs")}
    assert stored == {shown}
