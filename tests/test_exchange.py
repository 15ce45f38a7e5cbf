"""Types and provenance survive exchange (issue 11 item 12): categorical iso3/scenario in
every frame and dictionary-encoded in Parquet; Parquet and CSV files carry model version,
scenario hash and units; a compact Results repr and HTML; tqdm.auto progress bars."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from experiments.cli import main
from model import MODEL_VERSION, run
from model.exchange import read_metadata, sidecar

TINY = """name: tiny_x
scenarios: [baseline, possession]
design: {method: full_factorial, factors: {base_markup: {values: [0.1, 0.3]}}}
replications: 1
seed: 3
horizon: 2
keep: {level: final}
"""


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    where = tmp_path_factory.mktemp("exchange")
    (where / "tiny.yaml").write_text(TINY)
    db = f"sqlite:///{where / 't.db'}"
    assert main(["sweep", str(where / "tiny.yaml"), "--db", db, "--workers", "1",
                 "--no-progress"]) == 0
    return where, db


def _dictionary(path, column):
    return pa.types.is_dictionary(pq.read_schema(path).field(column).type)


def test_load_results_has_categorical_iso3_and_scenario(stored):
    from experiments.analysis import load_region, load_results

    _, db = stored
    frame = load_results(db, "tiny_x")
    assert isinstance(frame["iso3"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["scenario"].dtype, pd.CategoricalDtype)
    assert list(frame["scenario"].cat.categories) == ["baseline", "possession"]
    assert isinstance(load_region(db, "tiny_x")["scenario"].dtype, pd.CategoricalDtype)


def test_export_parquet_is_dictionary_encoded_with_provenance(stored, capsys):
    where, db = stored
    out = where / "x.parquet"
    assert main(["export", "tiny_x", "--db", db, "--format", "parquet", "--out", str(out)]) == 0
    assert _dictionary(out, "iso3") and _dictionary(out, "scenario")
    meta = read_metadata(out)
    assert meta["model_version"].startswith(MODEL_VERSION)  # the sweep's, with a code hash
    assert set(meta["scenario_hashes"]) == {"baseline", "possession"}
    assert meta["units"]["cumulative_cost"] == "USD m" and meta["units"]["step"] == "quarter"
    back = pd.read_parquet(out)
    assert isinstance(back["iso3"].dtype, pd.CategoricalDtype)


def test_export_csv_has_a_csvw_sidecar(stored):
    where, db = stored
    out = where / "x.csv"
    assert main(["export", "tiny_x", "--db", db, "--out", str(out)]) == 0
    doc = json.loads(sidecar(out).read_text())
    assert doc["url"] == "x.csv" and "http://www.w3.org/ns/csvw" in doc["@context"]
    names = [c["name"] for c in doc["tableSchema"]["columns"]]
    assert names == list(pd.read_csv(out, nrows=1).columns)
    assert read_metadata(out)["scenario_hashes"].keys() == {"baseline", "possession"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_run_output_carries_provenance(tmp_path, suffix):
    out = tmp_path / f"r{suffix}"
    assert main(["run", "possession", "--steps", "2", "--out", str(out)]) == 0
    meta = read_metadata(out)
    assert meta["model_version"] == MODEL_VERSION
    (name, digest), = meta["scenario_hashes"].items()
    assert name == "possession" and len(digest) >= 8
    assert meta["units"]["control_index"] == "index 0-1"
    if suffix == ".parquet":
        assert _dictionary(out, "iso3") and _dictionary(out, "scenario")


def test_results_to_file_carries_provenance(tmp_path):
    res = run(steps=2, seed=4)
    res.to_file(tmp_path / "r.parquet")
    meta = read_metadata(tmp_path / "r.parquet")
    assert meta["seed"] == 4 and meta["scenario_hashes"] == {
        res.provenance["scenario"]: res.provenance["scenario_hash"]}


def test_results_repr_is_compact_and_has_html():
    res = run(steps=2, seed=4)
    text = repr(res)
    assert "\n" not in text and len(text) < 200, text
    assert res.provenance["scenario_hash"] in text and "seed 4" in text
    html = res._repr_html_()
    assert "<table" in html and res.provenance["scenario_hash"] in html


def test_progress_bars_use_tqdm_auto(monkeypatch, tmp_path):
    import tqdm.auto

    made = []

    class Bar(tqdm.auto.tqdm):
        def __init__(self, *a, **k):
            made.append(k.get("desc"))
            super().__init__(*a, **{**k, "disable": True})

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    from experiments.cli_scenarios import _progress
    from experiments.design import experiment_from_dict
    from experiments.runner import run_sweep

    with _progress(1, "one"):
        pass
    exp = experiment_from_dict({"name": "bar", "scenarios": ["baseline"], "replications": 1,
                                "horizon": 2})
    run_sweep(exp, f"sqlite:///{tmp_path / 'b.db'}", workers=1, progress=True)
    assert made == ["one", "bar"]
