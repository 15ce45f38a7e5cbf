"""Sweeps end to end with real processes: serial = 2-process pool = Dask LocalCluster, a
sweep killed with SIGKILL resumes to every run exactly once, and the CLI's error handling."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from sqlalchemy import create_engine, text

from experiments.analysis import load_results
from experiments.design import load_experiment
from experiments.runner import run_sweep

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from experiments.cli import main; sys.exit(main())"
IGNORE = ["run_id"]  # database ids follow completion order; everything else must match


def write_experiment(tmp_path: Path, *, name: str = "tiny", replications: int = 3,
                     horizon: int = 8, samples: int = 4, keep: str = "per_step_state") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: {name}
        scenarios: [possession, coordinated_resilience]
        design:
          method: latin_hypercube
          samples: {samples}
          factors:
            base_markup: {{}}
            lockin_growth: {{low: 0.05, high: 0.3}}
            restriction_rate: {{low: 0.0, high: 0.1}}
        replications: {replications}
        seed: 5
        horizon: {horizon}
        keep: {{level: {keep}}}
        """))
    return path


def sovsim(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, **kw)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """The CLI in this process (fast); subprocesses only where a process must be killed."""
    from experiments.cli import main

    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def frame(db: str, name: str) -> pd.DataFrame:
    df = load_results(db, name).drop(columns=IGNORE)
    return df.sort_values(["scenario", "point", "replication", "step", "iso3"]) \
        .reset_index(drop=True)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    tmp = tmp_path_factory.mktemp("serial")
    path = write_experiment(tmp)
    db = f"sqlite:///{tmp / 'serial.sqlite'}"
    summary = run_sweep(load_experiment(path), db, workers=1, progress=False)
    assert summary.done == 24 and summary.failed == 0
    return path, frame(db, "tiny")


def test_two_process_pool_matches_serial(serial, tmp_path):
    path, want = serial
    db = f"sqlite:///{tmp_path / 'pool.sqlite'}"
    summary = run_sweep(load_experiment(path), db, workers=2, progress=False, chunk_size=2)
    assert summary.done == 24
    got = frame(db, "tiny")
    assert len(got) == 24 * 9 * 11
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # the runs really were spread over two worker processes
    with create_engine(db).connect() as conn:
        workers = conn.execute(text("SELECT count(DISTINCT worker) FROM runs")).scalar()
    assert workers == 2


def test_dask_local_cluster_matches_local_pool(serial, tmp_path):
    path, want = serial
    db = f"sqlite:///{tmp_path / 'dask.sqlite'}"
    summary = run_sweep(load_experiment(path), db, workers=2, dask="local", progress=False,
                        chunk_size=3)
    assert summary.done == 24
    pd.testing.assert_frame_equal(frame(db, "tiny"), want, check_exact=True)


def test_seeds_are_paired_across_scenarios(serial):
    _, df = serial
    seeds = df.groupby(["point", "replication"])["seed"].nunique()
    assert (seeds == 1).all()  # same seed for every scenario at a point and replication
    assert df.groupby(["scenario"], observed=True)["seed"].nunique().eq(12).all()


def test_sigkill_mid_sweep_resumes_to_every_run_exactly_once(tmp_path, capsys):
    path = write_experiment(tmp_path, name="killme", replications=10, horizon=30, samples=8,
                            keep="final")
    exp = load_experiment(path)
    db = tmp_path / "kill.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CLI, "sweep", str(path), "--db", str(db),
                             "--workers", "2", "--batch", "4", "--no-progress"],
                            cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    engine = create_engine(f"sqlite:///{db}")
    done = 0
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            if db.exists():
                try:
                    with engine.connect() as conn:
                        done = conn.execute(text("SELECT count(*) FROM runs")).scalar()
                except Exception:  # noqa: BLE001 - schema not created yet
                    done = 0
            if done >= 10:
                break
        assert proc.poll() is None, f"sweep ended before it could be killed: {proc.stderr}"
        workers = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # its pool workers notice and exit rather than linger as orphans
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert len(workers) >= 2 and not alive, alive
    with engine.connect() as conn:
        partial = conn.execute(text("SELECT count(*) FROM runs")).scalar()
    assert 10 <= partial < exp.n_runs, partial

    result = sovsim("sweep", str(path), "--db", str(db), "--workers", "2", "--no-progress",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{exp.n_runs - partial} runs done" in result.stdout
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT scenario, point, replication FROM runs")).all()
        finals = conn.execute(text("SELECT count(*) FROM state_finals")).scalar()
    engine.dispose()
    assert len(keys) == len(set(keys)) == exp.n_runs
    assert set(keys) == {t.key for t in exp.tasks()}
    assert finals == exp.n_runs * 11
    rc, out, _ = cli(capsys, "sweep", str(path), "--db", str(db), "--no-progress")
    assert rc == 0 and "nothing to do" in out
    rc, out, _ = cli(capsys, "results", str(path), "--db", str(db))
    assert rc == 0 and f"total{exp.n_runs:>31}{0:>8}{0:>9}" in out, out


def test_results_counts_pending(tmp_path, capsys):
    path = write_experiment(tmp_path)
    db = str(tmp_path / "r.sqlite")
    rc, out, _ = cli(capsys, "results", str(path), "--db", db)
    assert rc == 0 and "24 runs pending" in out
    exp = load_experiment(path)
    tasks = list(exp.tasks())[:5]
    from experiments.runner import execute_run
    from experiments.storage import Storage
    with Storage(db) as st:
        exp_id = st.register(exp.name, exp.digest(), exp.n_runs, exp.keep, exp.to_dict())
        st.write(exp_id, [execute_run(exp.spec(t.scenario), t, exp.keep) for t in tasks])
    rc, out, _ = cli(capsys, "results", "tiny", "--db", db)
    assert rc == 0 and f"total{5:>31}{0:>8}{19:>9}" in out, out


def test_bad_experiment_file_is_one_line_exit_2(tmp_path):
    path = write_experiment(tmp_path)
    path.write_text(path.read_text().replace("base_markup: {}", "base_markup: {high: 2.0}"))
    result = sovsim("sweep", str(path), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "design.factors.base_markup.high" in lines[0] and "0.1 to 1.5" in lines[0]
    assert str(path) in lines[0] and "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_exit_2(tmp_path, capsys):
    path = write_experiment(tmp_path)
    bad = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    result = sovsim("sweep", str(path), "--db", bad, cwd=tmp_path)  # the real entry point
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "cannot connect to database" in result.stderr
    for args in (("results", str(path)), ("analyze", "tiny"), ("export", "tiny")):
        rc, _, err = cli(capsys, *args, "--db", bad)
        assert rc == 2, (args, err)
        assert err.count("\n") == 1 and "cannot connect to database" in err, err


def test_export_and_analyze_cli(serial, tmp_path, capsys):
    path, want = serial
    db = tmp_path / "cli.sqlite"
    assert cli(capsys, "sweep", str(path), "--db", str(db), "--workers", "1",
               "--no-progress")[0] == 0
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"tiny.{fmt}"
        rc, _, err = cli(capsys, "export", "tiny", "--db", str(db), "--format", fmt, "--out",
                         str(out))
        assert rc == 0, err
        df = pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
        assert len(df) == len(want)
        assert {"scenario", "seed", "base_markup", "lockin_growth", "step", "iso3",
                "control_index"} <= set(df.columns)
    rc, out, err = cli(capsys, "analyze", str(path), "--db", str(db), "--out",
                       str(tmp_path / "an"))
    assert rc == 0, err
    for name in ("means.png", "paired_differences.png", "timeseries.png", "means.csv",
                 "paired_differences.csv"):
        assert (tmp_path / "an" / name).stat().st_size > 0
    assert "paired differences" in out
    diffs = pd.read_csv(tmp_path / "an" / "paired_differences.csv")
    assert set(diffs["pairs"]) == {12}  # 4 points x 3 replications, paired by seed
