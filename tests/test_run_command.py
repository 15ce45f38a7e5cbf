"""`sovsim run` on the default region: the summary for 11 states and a tidy table."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from experiments.cli import main


def test_run_prints_summary_for_every_state_and_writes_tidy_csv(tmp_path, capsys):
    out = tmp_path / "run.csv"
    assert main(["run", "--steps", "8", "--seed", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for iso3 in ("BRN", "IDN", "SGP", "TLS", "VNM"):
        assert f"\n{iso3} " in printed
    for column in ("dependence", "leverage", "cost_usd_m", "control", "possession"):
        assert column in printed
    table = pd.read_csv(out)
    assert len(table) == 9 * 11
    assert table.groupby("step")["iso3"].nunique().eq(11).all()
    assert set(table["seed"]) == {2}


def test_run_rejects_unknown_output_type_with_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "experiments.cli", "run", "--out",
                           str(tmp_path / "x.xlsx")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unsupported file type" in proc.stderr and "Traceback" not in proc.stderr


def test_output_piped_into_a_closed_reader_stops_without_traceback(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "run", "--steps", "2",
                             "--out", str(tmp_path / "r.csv")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # like `| head` exiting before sovsim writes its table
    stderr = proc.stderr.read()
    assert proc.wait() == 141
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
