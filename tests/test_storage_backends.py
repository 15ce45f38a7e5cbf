"""Storage against real databases: a SQLite file and a PostgreSQL server.

The PostgreSQL URL comes from ``SOVSIM_TEST_POSTGRES_URL`` (scripts/test.sh starts a server
and exports it). Under CI (``CI`` set) a missing URL fails the PostgreSQL tests; locally they
are skipped.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from experiments.analysis import load_region, load_results
from experiments.design import Design, Experiment, Factor
from experiments.runner import execute_run, outcome_arrays, run_sweep
from experiments.storage import (
    REGION_COLUMNS,
    STATE_COLUMNS,
    Storage,
    StorageError,
    build_metadata,
)
from model import ScenarioSpec, SovereigntyModel, run

PG_ENV = "SOVSIM_TEST_POSTGRES_URL"


def _postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: scripts/test.sh must start PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (scripts/test.sh sets it)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'results.sqlite'}"
    url = _postgres_url()
    engine = create_engine(url)
    build_metadata().drop_all(engine)  # a clean schema for every test
    engine.dispose()
    return url


def small_experiment(name: str = "small", keep: str = "per_step_state", **kw) -> Experiment:
    base = ScenarioSpec(name="base")
    pooled = ScenarioSpec(name="pooled").with_values(pooled_evaluation=True,
                                                      joint_procurement=True)
    values = dict(name=name, scenarios=(("base", base), ("pooled", pooled)),
                  design=Design("full_factorial", (Factor("base_markup", 0.3, 1.2),), levels=2),
                  replications=2, seed=11, horizon=6, keep=keep)
    values.update(kw)
    return Experiment(**values)


def test_schema_and_sqlite_wal(db_url):
    with Storage(db_url) as st, st.engine.connect() as conn:
        version = conn.execute(select(st.schema_info.c.version)).scalar_one()
        assert version == 1
        if st.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    Storage(db_url).close()  # reopening an existing schema is fine


def test_stored_values_equal_a_direct_run(db_url):
    exp = small_experiment()
    summary = run_sweep(exp, db_url, workers=1, progress=False)
    assert (summary.done, summary.failed) == (exp.n_runs, 0)
    df = load_results(db_url, exp.name)
    # one row per run x step x state, the design's parameter as a column
    assert len(df) == exp.n_runs * (exp.horizon + 1) * 11
    assert {"scenario", "point", "replication", "seed", "base_markup", "step",
            "iso3"} <= set(df.columns)
    assert not df.duplicated(["run_id", "step", "iso3"]).any()
    row = df[(df.scenario == "pooled") & (df.point == 1) & (df.replication == 1)]
    spec = exp.spec("pooled").with_values(base_markup=float(row.base_markup.iloc[0]))
    direct = run(spec, seed=int(row.seed.iloc[0])).states
    got = row.sort_values(["step", "iso3"])[list(STATE_COLUMNS)].reset_index(drop=True)
    direct = direct.assign(iso3=direct.iso3.astype(str)).sort_values(["step", "iso3"])
    want = direct[list(STATE_COLUMNS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    finals = load_region(db_url, exp.name)
    assert len(finals) == exp.n_runs and (finals.step == exp.horizon).all()


def test_a_run_can_never_be_stored_twice(db_url):
    exp = small_experiment()
    with Storage(db_url) as st:
        exp_id = st.register(exp.name, exp.digest(), exp.n_runs, exp.keep, exp.to_dict())
        task = next(exp.tasks())
        rec = execute_run(exp.spec(task.scenario), task, exp.keep)
        assert st.write(exp_id, [rec]) == 1
        assert st.write(exp_id, [rec]) == 0  # skipped, not duplicated
        row = {c.name: getattr(rec, c.name, None) for c in st.runs.columns
               if c.name not in ("id", "experiment_id")}
        with pytest.raises(IntegrityError), st.engine.begin() as conn:
            conn.execute(insert(st.runs).values(experiment_id=exp_id, **row))
        with st.engine.connect() as conn:
            assert len(conn.execute(select(st.runs.c.id)).all()) == 1
            n_steps = conn.execute(text("SELECT count(*) FROM state_steps")).scalar()
        assert n_steps == (exp.horizon + 1) * 11


def test_rerun_skips_finished_runs(db_url):
    exp = small_experiment(keep="final")
    first = run_sweep(exp, db_url, workers=1, progress=False)
    again = run_sweep(exp, db_url, workers=1, progress=False)
    assert first.done == exp.n_runs
    assert (again.done, again.failed, again.skipped) == (0, 0, exp.n_runs)
    with Storage(db_url) as st:
        assert st.counts(st.experiment(exp.name)["id"]) == {"base": {"done": 4, "failed": 0},
                                "pooled": {"done": 4, "failed": 0}}


def test_failed_run_is_recorded_and_the_sweep_goes_on(db_url):
    # 99.0 is outside base_markup's declared range: the run raises in the worker
    exp = small_experiment(design=Design("full_factorial", (
        Factor("base_markup", 0.3, 99.0, values=(0.3, 99.0)),)))
    summary = run_sweep(exp, db_url, workers=1, progress=False)
    assert (summary.done, summary.failed) == (4, 4)
    with Storage(db_url) as st, st.engine.connect() as conn:
        rows = conn.execute(select(st.runs.c.status, st.runs.c.error, st.runs.c.params)).all()
    failed = [r for r in rows if r.status == "failed"]
    assert len(failed) == 4 and all(r.params["base_markup"] == 99.0 for r in failed)
    assert all("base_markup" in r.error and "out of range" in r.error for r in failed)
    assert len(load_region(db_url, exp.name)) == 4  # only done runs are results
    retry = run_sweep(exp, db_url, workers=1, progress=False, retry_failed=True)
    assert (retry.done, retry.failed, retry.skipped) == (0, 4, 4)


def test_keep_final_and_chosen_outcomes(db_url):
    exp = small_experiment(keep="final", outcomes=("control_index", "cohesion"))
    run_sweep(exp, db_url, workers=1, progress=False)
    df = load_results(db_url, exp.name)
    assert len(df) == exp.n_runs * 11 and (df.step == exp.horizon).all()
    assert "control_index" in df and "possession_index" not in df
    with Storage(db_url) as st, st.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM state_steps")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM region_finals WHERE "
                                 "possession_index IS NULL")).scalar() == exp.n_runs
    region = load_region(db_url, exp.name)
    assert list(region.columns[-2:]) == ["cohesion", "control_index"]


def test_changed_definition_under_the_same_name_is_refused(db_url):
    run_sweep(small_experiment(keep="final"), db_url, workers=1, progress=False)
    with pytest.raises(StorageError, match="different definition.*changes keep"):
        run_sweep(small_experiment(keep="per_step"), db_url, workers=1, progress=False)
    # more replications are an extension, not a change (tests/test_sweep_extend.py)
    run_sweep(small_experiment(keep="final", replications=3), db_url, workers=1,
              progress=False)


def test_schema_mismatch_is_refused(db_url):
    with Storage(db_url) as st, st.engine.begin() as conn:
        conn.execute(st.schema_info.update().values(version=99))
    with pytest.raises(StorageError, match="schema 99"):
        Storage(db_url)


def test_unreachable_database_is_one_line():
    with pytest.raises(StorageError) as info:
        Storage("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "cannot connect" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(StorageError, match="bad database URL"):
        Storage("nosuchdialect://x")


def test_outcome_arrays_match_results():
    model = SovereigntyModel(replace(ScenarioSpec(), horizon=8, seed=3), collect=False)
    model.run()
    states, region = outcome_arrays(model)
    res = model.results()
    np.testing.assert_array_equal(states.reshape(-1, len(STATE_COLUMNS)),
                                  res.states[list(STATE_COLUMNS)].to_numpy(float))
    np.testing.assert_array_equal(region, res.region[list(REGION_COLUMNS)].to_numpy(float))
