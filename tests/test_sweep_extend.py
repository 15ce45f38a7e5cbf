"""Extending a sweep (issue 11 item 15): more replications or a larger nested sample of the
same design keep the stored runs, which are tagged with the extension that added them;
anything else is still refused in one line."""

from __future__ import annotations

import pytest

from experiments.analysis import load_region
from experiments.cli import main
from experiments.design import experiment_from_dict
from experiments.runner import run_sweep
from experiments.storage import Storage, StorageError


def _exp(**over):
    base = {"name": "ext", "scenarios": ["baseline"], "replications": 2, "seed": 11,
            "horizon": 2, "keep": {"level": "final"},
            "design": {"method": "sobol", "samples": 2,
                       "factors": {"base_markup": {}, "lockin_growth": {}}}}
    return experiment_from_dict({**base, **over})


def _stored(db):
    with Storage(db) as st, st.engine.connect() as conn:
        r = st.runs.c
        return {(row.scenario, row.point, row.replication): (row.id, row.seed, row.params)
                for row in conn.execute(st.runs.select().with_only_columns(
                    r.id, r.scenario, r.point, r.replication, r.seed, r.params))}


def test_more_replications_and_samples_keep_stored_runs(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    first = run_sweep(_exp(), db, workers=1, progress=False)
    assert first.done == 8 * 2  # Sobol N=2, two factors: 8 points
    before = _stored(db)

    more_reps = run_sweep(_exp(replications=3), db, workers=1, progress=False)
    assert more_reps.done == 8 and more_reps.skipped == len(before)
    bigger = _exp(replications=3, design={"method": "sobol", "samples": 4,
                                          "factors": {"base_markup": {},
                                                      "lockin_growth": {}}})
    grown = run_sweep(bigger, db, workers=1, progress=False)
    assert grown.done == 16 * 3 - 8 * 3

    after = _stored(db)
    assert len(after) == 16 * 3
    assert all(after[k] == v for k, v in before.items())  # same rows, ids, seeds, params
    finals = load_region(db, "ext")
    assert finals.groupby("extension").size().to_dict() == {1: 16, 2: 8, 3: 24}
    assert (finals.loc[finals["extension"] == 2, "replication"] == 2).all()
    assert (finals.loc[finals["extension"] == 3, "point"] >= 8).all()

    # the earlier file still runs (nothing to do), and `results` lists the extensions
    assert run_sweep(_exp(), db, workers=1, progress=False).done == 0
    capsys.readouterr()
    assert main(["results", "ext", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "extensions (runs are tagged" in out and "  3: hash" in out


@pytest.mark.parametrize(("change", "why"), [
    ({"seed": 12}, "it changes seed"),
    ({"replications": 1}, "fewer runs"),
    ({"design": {"method": "latin_hypercube", "samples": 8,
                 "factors": {"base_markup": {}, "lockin_growth": {}}}}, "design.method"),
])
def test_changes_that_are_not_extensions_are_refused(tmp_path, change, why):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    run_sweep(_exp(replications=1 if "seed" in change else 2), db, workers=1, progress=False)
    with pytest.raises(StorageError, match=why):
        run_sweep(_exp(**change), db, workers=1, progress=False)


def test_a_latin_hypercube_does_not_nest(tmp_path):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    lhs = {"method": "latin_hypercube", "samples": 3, "factors": {"base_markup": {}}}
    run_sweep(_exp(replications=1, design=lhs), db, workers=1, progress=False)
    with pytest.raises(StorageError, match="Latin hypercubes do not nest"):
        run_sweep(_exp(replications=1, design={**lhs, "samples": 6}), db, workers=1,
                  progress=False)
