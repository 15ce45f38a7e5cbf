"""Issue 11, items 14, 16, 26, 29: the sweep CLI with a workerless Dask scheduler, huge
designs, paths relative to the experiment file, outputs under the output folder, and the
top-level CLI polish. Real processes, real databases, no mocks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from experiments.cli import main
from experiments.cli_sweep import LARGE_RUNS

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, data: dict | str) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


# ---------------------------------------------------------------------------- item 16
def test_version_and_bare_sovsim_prints_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("sovsim ")
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sovsim") and "examples:" in out and "sovsim sweep" in out


def test_analyze_help_says_95_percent_once(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    out = capsys.readouterr().out
    assert "95% intervals" in out and "95%%" not in out


# ---------------------------------------------------------------------------- item 29
def test_huge_designs_say_the_count_and_estimate_and_need_force(tmp_path, capsys):
    exp = write(tmp_path / "huge.yaml", {
        "name": "huge", "scenarios": ["baseline"], "replications": 100_000,
        "design": {"method": "latin_hypercube", "samples": 20,
                   "factors": {"restriction_rate": {}}}})
    db = tmp_path / "huge.sqlite"
    start = time.monotonic()
    rc = main(["sweep", str(exp), "--db", str(db), "--no-progress", "--workers", "1"])
    captured = capsys.readouterr()
    assert rc == 2 and time.monotonic() - start < 30
    assert "2,000,000 runs" in captured.out and "estimated time: about" in captured.out
    assert f"more than {LARGE_RUNS:,}" in captured.err and "--force" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert not db.exists()  # refused before anything was written


def test_run_plans_are_streamed_not_built_first():
    from experiments.design import experiment_from_dict

    exp = experiment_from_dict({"name": "big", "scenarios": ["baseline"],
                                "replications": 100_000, "design": {
                                    "method": "latin_hypercube", "samples": 50,
                                    "factors": {"restriction_rate": {}}}})
    start = time.monotonic()
    first = [t for t, _ in zip(exp.tasks(), range(1000), strict=False)]
    assert time.monotonic() - start < 2  # 5 million runs: the first ones come at once
    assert first[0].seed == int(exp.seeds()[0, 0]) if exp.n_points * exp.replications < 10 \
        else first[0].seed == exp.seed_of(0, 0)
    small = experiment_from_dict({"name": "s", "scenarios": ["baseline"], "replications": 3,
                                  "design": {"method": "latin_hypercube", "samples": 4,
                                             "factors": {"restriction_rate": {}}}})
    seeds = small.seeds()
    assert [t.seed for t in small.tasks()] == [int(seeds[p, r]) for p in range(4)
                                               for r in range(3)]


# ---------------------------------------------------------------------------- item 26
def test_scenario_paths_resolve_against_the_experiment_file_not_the_cwd(tmp_path, monkeypatch,
                                                                        capsys):
    folder = tmp_path / "study"
    folder.mkdir()
    write(folder / "mine.yaml", "name: mine\nextends: baseline\nhorizon: 6\n"
                                "regional_body: {pooled_evaluation: true}\n")
    write(tmp_path / "mine.yaml", "name: wrong\nextends: baseline\n")  # in the cwd
    exp = write(folder / "exp.yaml", {"name": "paths", "scenarios": ["mine.yaml"],
                                      "replications": 1, "horizon": 6})
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(exp)]) == 0
    capsys.readouterr()
    db = tmp_path / "p.sqlite"
    assert main(["sweep", str(exp), "--db", str(db), "--workers", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"scenario mine: {folder / 'mine.yaml'}" in out


def test_outputs_stay_under_the_output_folder(tmp_path, monkeypatch, capsys):
    from experiments.design import experiment_from_dict
    from experiments.runner import run_sweep
    from experiments.storage import Storage

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    db = f"sqlite:///{work / 'r.sqlite'}"
    exp = experiment_from_dict({"name": "ok", "scenarios": ["baseline"], "replications": 2,
                                "horizon": 4})
    run_sweep(exp, db, workers=1, progress=False)
    with Storage(db) as st, st.engine.begin() as conn:  # a name from an older, laxer sovsim
        conn.execute(st.experiments.update().values(name="../../escaped"))
    assert main(["export", "../../escaped", "--db", db]) == 0
    assert main(["analyze", "../../escaped", "--db", db]) == 0
    capsys.readouterr()
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.parts[0] == "work" for p in written), written
    assert Path("work/out/_.._escaped.csv") in written


def test_an_unreadable_or_overlong_experiment_path_is_one_line(tmp_path, capsys):
    long = tmp_path / ("x" * 300 + ".yaml")
    assert main(["validate", str(long)]) == 2
    assert main(["sweep", str(long), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(line.startswith(("sovsim: error: ", "1 of 1"))
                                          for line in err.splitlines())


# ---------------------------------------------------------------------------- item 14
def test_a_dask_scheduler_without_workers_warns_and_exits_clearly(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        exp = write(tmp_path / "d.yaml", {"name": "d", "scenarios": ["baseline"],
                                          "replications": 2, "horizon": 4})
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "experiments.cli", "sweep", str(exp),
                               "--db", str(tmp_path / "d.sqlite"), "--no-progress",
                               "--dask", f"tcp://127.0.0.1:{port}", "--dask-timeout", "3"],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        elapsed = time.monotonic() - start
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "no Dask worker has joined" in proc.stderr  # the warning, while it waits
    assert f"no Dask worker joined scheduler tcp://127.0.0.1:{port} within 3 s" in proc.stderr
    assert "dask worker" in proc.stderr
    assert elapsed < 60


# ---------------------------------------------------------------------------- item 11
def test_reading_a_missing_database_says_so_and_creates_nothing(tmp_path, capsys):
    exp = write(tmp_path / "m.yaml", {"name": "m", "scenarios": ["baseline"],
                                      "replications": 2, "horizon": 4})
    db = tmp_path / "never.sqlite"
    assert main(["results", "m", "--db", str(db)]) == 2
    assert "no database file" in capsys.readouterr().err
    assert main(["results", str(exp), "--db", str(db)]) == 0
    assert "not run yet" in capsys.readouterr().out
    assert main(["export", "m", "--db", str(db)]) == 2
    assert "no database file" in capsys.readouterr().err
    assert not db.exists()


def test_db_in_a_missing_folder_is_one_clear_line(tmp_path, capsys):
    exp = write(tmp_path / "m.yaml", {"name": "m", "scenarios": ["baseline"],
                                      "replications": 2, "horizon": 4})
    db = tmp_path / "no" / "such" / "r.sqlite"
    assert main(["sweep", str(exp), "--db", str(db), "--workers", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"folder {db.parent} does not exist" in err[0], err


# ---------------------------------------------------------------------------- item 16
def test_ctrl_c_in_a_sweep_says_what_is_stored_and_how_to_resume(tmp_path):
    """Ctrl-C (SIGINT) mid-sweep: exit 130, one line saying how many runs are stored and to
    rerun the same command; the rerun finishes the rest, every run exactly once."""
    import re
    import signal

    exp = write(tmp_path / "long.yaml", {"name": "long", "scenarios": ["baseline"],
                                         "replications": 5000, "horizon": 40})
    cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(exp), "--db",
           str(tmp_path / "long.sqlite"), "--no-progress", "--workers", "1", "--batch", "64"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    db = tmp_path / "long.sqlite"
    deadline = time.monotonic() + 60
    while not db.exists() and time.monotonic() < deadline:  # start-up done
        time.sleep(0.2)
    time.sleep(3)  # some batches stored, far from all 5,000
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    said = re.search(r"interrupted: (\d+) of 5000 runs are stored in .*long\.sqlite "
                     r"\((\d+) from this sweep\); rerun the same command to resume", err)
    assert said, err
    stored = int(said.group(1))
    assert 0 < stored < 5000
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{5000 - stored} runs done, 0 failed, {stored} already" in again.stdout
