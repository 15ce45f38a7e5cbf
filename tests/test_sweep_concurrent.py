"""Issue 11, item 19: several ``sovsim sweep`` processes on one database split the work.

Real processes on a real SQLite file and a real PostgreSQL database: each run is claimed
by one process at a time (a lease in the ``claims`` table), so together they store every
run exactly once and neither runs them all; a killed claimer's runs go back to the pool.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine
from test_storage_faults import ROOT, experiment_file, stored, sweep_cmd

from experiments.design import experiment_from_dict
from experiments.storage import Storage, build_metadata

PG_ENV = "SOVSIM_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite'}"
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI")
        pytest.skip(f"{PG_ENV} not set (scripts/test.sh sets it)")
    engine = create_engine(url)
    build_metadata().drop_all(engine)
    engine.dispose()
    return url


def done_count(out: str) -> int:
    match = re.search(r"^(\d+) runs done", out, re.M)
    assert match, out
    return int(match.group(1))


def test_two_sweep_processes_split_the_runs_and_store_each_once(db, tmp_path):
    n = 240
    exp = experiment_file(tmp_path, name="shared", replications=n)
    Storage(db).close()  # the schema exists before both start (as on a team's server)
    start = time.monotonic()
    procs = [subprocess.Popen(sweep_cmd(exp, db), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    elapsed = time.monotonic() - start
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    done = [done_count(out) for out, _ in outs]
    assert sum(done) == n, outs
    assert all(d > 0 for d in done), done  # each did part of the work, neither all of it
    assert all("taken by other sweep processes" in out for out, _ in outs)
    assert stored(db) == (n, n)
    print(f"two processes: {done} runs in {elapsed:.1f} s")


def test_claims_of_a_killed_process_return_to_the_pool(tmp_path):
    db = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    exp = experiment_from_dict({"name": "k", "scenarios": ["baseline"], "replications": 4,
                                "horizon": 4}, source="k.yaml")
    with Storage(db) as st:
        eid = st.register(exp.name, exp.digest(), exp.n_runs, exp.keep, exp.to_dict())
        keys = [t.key for t in exp.tasks()]
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()


        host = socket.gethostname()
        assert st.claim(eid, keys[:2], f"{host}:{dead}", 600) == keys[:2]  # a gone process
        assert st.claim(eid, keys[2:], "elsewhere:1", 600) == keys[2:]  # live, other host
        assert st.claim(eid, keys, "me:2", 600) == keys[:2]  # the dead one's, not the live
        st.renew(eid, "elsewhere:1", -1)  # its lease runs out
        assert st.claim(eid, keys, "me:2", 600) == keys  # expired leases are taken over
