"""Issue 11, items 18, 24, 25, 30: database faults during a sweep, for real.

Each fault happens to a real database under a real ``sovsim sweep`` process: a SQLite file
on a "full disk" (the process's file-size limit), a SQLite file deleted mid-sweep, a private
PostgreSQL server stopped, restarted or made read-only mid-sweep, and foreign databases.
Each ends in one line on stderr (what failed, which database, that stored runs are safe,
how to resume) with exit code 1 or 2 and no traceback; a rerun after the fault clears
stores every run exactly once.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select, text

from experiments.cli import main
from experiments.storage import build_metadata

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)


def experiment_file(tmp_path: Path, name: str = "faults", replications: int = 300,
                    horizon: int = 20) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "name": name, "scenarios": ["baseline"], "replications": replications,
        "horizon": horizon, "seed": 3, "keep": {"level": "per_step_state"}}))
    return path


def sweep_cmd(exp: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "experiments.cli", "sweep", str(exp), "--db", db,
            "--workers", "1", "--batch", "1", "--no-progress"]


def stored(db: str) -> tuple[int, int]:
    """(runs, distinct run keys) in the database; equal when each run is stored once."""
    engine = create_engine(db)
    try:
        runs = build_metadata().tables["runs"]
        with engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(runs)).scalar_one()
            keys = conn.execute(select(func.count()).select_from(
                select(runs.c.experiment_id, runs.c.scenario, runs.c.point,
                       runs.c.replication).distinct().subquery())).scalar_one()
        return n, keys
    finally:
        engine.dispose()


def wait_for_runs(db: str, at_least: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            n = stored(db)[0]
        except Exception:  # noqa: BLE001 - schema not created yet
            n = 0
        if n >= at_least:
            return n
        time.sleep(0.05)
    raise AssertionError("the sweep stored too few runs in time")


def one_line_fault(proc: subprocess.CompletedProcess | tuple, *words: str) -> str:
    rc, out, err = proc if isinstance(proc, tuple) else (proc.returncode, proc.stdout,
                                                         proc.stderr)
    assert rc in (1, 2), (rc, out, err)
    assert "Traceback" not in err and "[SQL:" not in err and "[parameters:" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("sovsim: error: ") and len(line) < 1500, line
    for w in words:
        assert w in line, (w, line)
    return line


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


# ---------------------------------------------------------------------------- SQLite
def test_full_disk_is_one_line_and_a_rerun_resumes_exactly_once(tmp_path):
    exp = experiment_file(tmp_path, replications=120)
    db = f"sqlite:///{tmp_path / 'full.sqlite'}"
    limit = 3 * 1024 * 1024  # bytes any file of the process may reach: the "disk" fills

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(sweep_cmd(exp, db), capture_output=True, text=True, cwd=ROOT,
                          timeout=300, preexec_fn=small_disk,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    line = one_line_fault(proc, "full.sqlite", "safe", "rerun the same command")
    assert proc.returncode == 1, line
    assert "full" in line or "I/O" in line, line
    before = stored(db)[0]
    assert 0 < before < 120
    again = subprocess.run(sweep_cmd(exp, db), capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{before} already stored" in again.stdout
    assert stored(db) == (120, 120)


def test_sqlite_file_deleted_mid_sweep_is_reported_not_silent(tmp_path):
    exp = experiment_file(tmp_path, replications=400)
    path = tmp_path / "gone.sqlite"
    db = f"sqlite:///{path}"
    proc = subprocess.Popen(sweep_cmd(exp, db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_runs(db, 20, proc)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rc, out, err = finish(proc)
    line = one_line_fault((rc, out, err), "gone.sqlite", "deleted or replaced",
                          "rerun the same command")
    assert rc == 1, line
    assert "runs done" not in out  # never reported as a success
    again = subprocess.run(sweep_cmd(exp, db), capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert "checked: 400 of 400 runs" in again.stdout
    assert stored(db) == (400, 400)


def test_sweep_reports_the_runs_it_verified(tmp_path, capsys):
    exp = experiment_file(tmp_path, replications=3, horizon=4)
    db = f"sqlite:///{tmp_path / 'ok.sqlite'}"
    assert main(["sweep", str(exp), "--db", db, "--workers", "1", "--no-progress"]) == 0
    assert "checked: 3 of 3 runs of faults are stored" in capsys.readouterr().out


def test_a_lock_that_is_never_released_is_one_line_and_a_rerun_resumes(tmp_path):
    import sqlite3

    exp = experiment_file(tmp_path, replications=300)
    path = tmp_path / "locked.sqlite"
    db = f"sqlite:///{path}"
    proc = subprocess.Popen(sweep_cmd(exp, db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_runs(db, 20, proc)
    holder = sqlite3.connect(path, timeout=60)  # another program's write, never committed
    holder.execute("BEGIN IMMEDIATE")
    try:
        rc, out, err = finish(proc, timeout=180)
    finally:
        holder.rollback()
        holder.close()
    line = one_line_fault((rc, out, err), "locked.sqlite", "database is locked",
                          "write lock", "safe", "rerun the same command")
    assert rc == 1, line
    before = stored(db)[0]
    again = subprocess.run(sweep_cmd(exp, db), capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{before} already stored" in again.stdout
    assert stored(db) == (300, 300)


# ---------------------------------------------------------------------------- foreign DBs
FOREIGN = "CREATE TABLE experiments (id INTEGER PRIMARY KEY, title TEXT, started DATE)"


def _foreign_cli(db: str, exp: Path, capsys) -> None:
    for argv in (["sweep", str(exp), "--db", db, "--workers", "1", "--no-progress"],
                 ["results", str(exp), "--db", db], ["export", "faults", "--db", db]):
        rc = main(argv)
        captured = capsys.readouterr()
        line = one_line_fault((rc, captured.out, captured.err), "not a sovsim results database",
                              "experiments")
        assert rc == 2, line


def test_foreign_sqlite_database_is_refused_in_one_line(tmp_path, capsys):
    exp = experiment_file(tmp_path, replications=2, horizon=4)
    path = tmp_path / "theirs.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text(FOREIGN))
        conn.execute(text("INSERT INTO experiments (title) VALUES ('lab notebook')"))
    engine.dispose()
    _foreign_cli(f"sqlite:///{path}", exp, capsys)
    engine = create_engine(f"sqlite:///{path}")  # and it was left untouched
    with engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))}
    engine.dispose()
    assert tables == {"experiments"}


# ---------------------------------------------------------------------------- PostgreSQL
class PrivateServer:
    """A throwaway PostgreSQL cluster this module may stop and start at will."""

    def __init__(self) -> None:
        self.bin = PG_BIN[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="sovsim-pgfault."))
        shutil.chown(self.dir, "postgres")
        self.dir.chmod(0o700)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._as_postgres([str(self.bin / "initdb"), "-D", str(self.dir), "-A", "trust",
                           "-U", "postgres"])
        self.start()
        self._as_postgres([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p",
                           str(self.port), "-U", "postgres", "faults"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/faults"

    def _as_postgres(self, argv: list[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dir), "-l",
                           str(self.dir / "log"), "-w", "-o",
                           f"-c listen_addresses=127.0.0.1 -p {self.port} "
                           f"-c unix_socket_directories={self.dir} -c fsync=off", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w",
                           "stop"])

    def sql(self, statement: str) -> None:
        engine = create_engine(self.url.rsplit("/", 1)[0] + "/postgres",
                               isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()

    def reset(self) -> None:
        self.sql("ALTER DATABASE faults RESET default_transaction_read_only")
        engine = create_engine(self.url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    if not PG_BIN or shutil.which("runuser") is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries are needed for the fault tests under CI")
        pytest.skip("PostgreSQL is not installed")
    srv = PrivateServer()
    yield srv
    srv.remove()


@pytest.fixture
def pg(server):
    server.reset()
    return server


def test_postgres_stopped_mid_sweep_is_one_line_and_resumes_exactly_once(pg, tmp_path):
    exp = experiment_file(tmp_path, replications=300)
    proc = subprocess.Popen(sweep_cmd(exp, pg.url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_runs(pg.url, 20, proc)
    pg.stop()
    start = time.monotonic()
    try:
        rc, out, err = finish(proc, timeout=120)
    finally:
        pg.start()
    line = one_line_fault((rc, out, err), f"127.0.0.1:{pg.port}/faults", "safe",
                          "rerun the same command", "retries")
    assert rc == 1, line
    assert time.monotonic() - start < 60  # bounded retries, then the one line
    before = stored(pg.url)[0]
    again = subprocess.run(sweep_cmd(exp, pg.url), capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{before} already stored" in again.stdout
    assert stored(pg.url) == (300, 300)


def test_postgres_restart_of_about_a_second_is_survived(pg, tmp_path):
    exp = experiment_file(tmp_path, replications=300)
    proc = subprocess.Popen(sweep_cmd(exp, pg.url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_runs(pg.url, 20, proc)
    pg.stop()
    time.sleep(1.0)
    pg.start()
    rc, out, err = finish(proc)
    assert rc == 0, err
    assert "Traceback" not in err
    assert "checked: 300 of 300 runs" in out
    assert stored(pg.url) == (300, 300)


def test_postgres_made_read_only_mid_sweep_is_one_line(pg, tmp_path):
    exp = experiment_file(tmp_path, replications=300)
    proc = subprocess.Popen(sweep_cmd(exp, pg.url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_runs(pg.url, 20, proc)
    pg.sql("ALTER DATABASE faults SET default_transaction_read_only = on")
    pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
           "WHERE datname = 'faults' AND pid <> pg_backend_pid()")
    rc, out, err = finish(proc)
    line = one_line_fault((rc, out, err), "read-only", "safe", "rerun the same command")
    assert rc == 1, line
    before = stored(pg.url)[0]
    pg.sql("ALTER DATABASE faults RESET default_transaction_read_only")
    again = subprocess.run(sweep_cmd(exp, pg.url), capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{before} already stored" in again.stdout
    assert stored(pg.url) == (300, 300)


def test_foreign_postgres_database_is_refused_in_one_line(pg, tmp_path, capsys):
    exp = experiment_file(tmp_path, replications=2, horizon=4)
    engine = create_engine(pg.url)
    with engine.begin() as conn:
        conn.execute(text(FOREIGN.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")))
    engine.dispose()
    _foreign_cli(pg.url, exp, capsys)
    engine = create_engine(pg.url)  # the schema was not touched: still only theirs
    with engine.connect() as conn:
        tables = set(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    engine.dispose()
    assert tables == {"experiments"}
