"""UI state, runs, share links and charts, without rendering."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from model import LEVERS, ScenarioSpec, run
from model.scenario_file import load_scenario, loads_scenario
from ui import charts, share
from ui import state as st
from ui.catalog import shipped_catalog
from ui.sim import ENSEMBLE_PACE_ENV, REGION, LiveRun, ensemble_pace, run_ensemble, run_full


@pytest.fixture(scope="module")
def catalog():
    return shipped_catalog()


@pytest.fixture
def fresh(catalog) -> st.AppState:
    return st.initial_state("baseline", catalog.load("baseline"))


def test_stepped_run_equals_full_run_and_restarts_on_change() -> None:
    spec = ScenarioSpec()
    live = LiveRun()
    part = live.advance_to(spec, 10)
    model = live.model
    whole = live.advance_to(spec, 40)
    assert live.model is model  # kept stepping the same model
    assert part.step == 10 and whole.step == 40
    np.testing.assert_array_equal(whole.state_metrics, run_full(spec).state_metrics)
    np.testing.assert_array_equal(part.state_metrics, whole.state_metrics[:11])
    changed = spec.with_values(interop_standards=1.0)
    again = live.advance_to(changed, 40)
    assert live.model is not model
    assert not np.array_equal(again.state_metrics, whole.state_metrics)


def test_region_series_match_the_results_frame() -> None:
    spec = ScenarioSpec()
    traj = run_full(spec)
    region = run(spec).region
    for metric in ("control_index", "cumulative_cost", "incidents", "cohesion"):
        np.testing.assert_allclose(traj.series(metric, REGION), region[metric].to_numpy())


def test_lever_change_keeps_quarter_and_bad_value_gives_message(fresh) -> None:
    at = replace(fresh, step=12)
    changed = st.set_value(at, "interop_standards", 0.5)
    assert changed.step == 12 and changed.setup.spec().value("interop_standards") == 0.5
    bad = st.set_value(at, "interop_standards", 7.0)
    assert bad.setup == at.setup
    assert bad.message == ("policies.all.interop_standards: 7.0 is out of range; allowed: a "
                           "number from 0.0 to 1.0 (adoption 0-1)")


def test_override_applies_to_one_state_only(fresh) -> None:
    s = st.set_override(fresh, "SGP", "national_model", True)
    spec = s.setup.spec()
    assert spec.value("national_model", "SGP") is True
    assert spec.value("national_model", "VNM") is False
    assert st.clear_overrides(s, "SGP").setup.spec().value("national_model", "SGP") is False


def test_live_event_is_scheduled_next_quarter_and_exported(fresh, catalog, tmp_path) -> None:
    s = st.inject(replace(fresh, step=5), "vendor_cutoff", ("IDN",), vendor="cloud_a")
    assert s.message == ("Scheduled: Supplier cut-off: Hyperscale cloud (bloc A) stops serving "
                         "Indonesia (IDN), from quarter 6 until the end of the run")
    spec = s.setup.spec()
    assert [e.to_dict() for e in spec.events] == [
        {"step": 6, "kind": "vendor_cutoff", "targets": ["IDN"],
         "params": {"vendor": "cloud_a"}}]
    path = tmp_path / "exported.yaml"
    path.write_text(catalog.dump(spec))
    reloaded = load_scenario(path)
    assert reloaded.digest() == spec.digest()
    np.testing.assert_array_equal(run_full(reloaded).state_metrics,
                                  LiveRun().advance_to(spec, 40).state_metrics)


def test_inject_at_horizon_is_refused_with_a_message(fresh) -> None:
    s = st.inject(fresh, "regional_summit", ("all",))
    assert s.setup.live_events == ()
    assert "last quarter (40)" in s.message


def test_play_step_reset(fresh) -> None:
    s = st.play(fresh)  # at the end: plays again from the start
    assert s.playing and s.step == 0
    s = st.step_once(replace(s, step=39))
    assert s.step == 40 and not s.playing
    assert st.reset(s).step == 0


def test_share_link_round_trip(fresh, catalog) -> None:
    s = st.set_value(fresh, "joint_procurement", True)
    s = st.set_override(s, "KHM", "own_evaluation_share", 0.1)
    s = st.inject(replace(s, step=3), "price_shock", ("all",), bloc="B")
    s = replace(s, focus="KHM", ensemble=True, ensemble_size=50, tab=1,
                compare=("possession", "mixed"))
    query = share.encode(s, catalog)
    back = share.decode("?" + query, catalog)
    assert back.setup.spec() == s.setup.spec()
    assert (back.step, back.focus, back.ensemble, back.ensemble_size, back.tab,
            back.compare) == (3, "KHM", True, 50, 1, ("possession", "mixed"))


def test_share_link_of_an_upload_carries_the_scenario(fresh, catalog) -> None:
    text = "name: mine\nextends: baseline\npolicies:\n  all:\n    interop_standards: 0.7\n"
    s = st.load_scenario(fresh, "mine.yaml", loads_scenario(text, "mine.yaml"))
    back = share.decode(share.encode(s, catalog), catalog)
    assert back.setup.scenario == "mine.yaml"
    assert back.setup.spec().value("interop_standards") == 0.7


@pytest.mark.parametrize("query, message", [
    ("s=!!!", "share link: not a sovsim link"),
    ("x=1", "share link: no 's=' parameter"),
])
def test_bad_share_links_fail_with_one_line(query, message, catalog) -> None:
    with pytest.raises(share.ShareError) as info:
        share.decode(query, catalog)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_ensemble_uses_seeds_one_to_n_and_band_brackets_median() -> None:
    spec = ScenarioSpec(horizon=12)
    ens = run_ensemble(spec, n=5)
    assert ens.seeds == (1, 2, 3, 4, 5)
    np.testing.assert_array_equal(ens.state_metrics[2], run_full(spec, seed=3).state_metrics)
    med, lo, hi = ens.band("control_index")
    assert np.all(lo <= med) and np.all(med <= hi) and np.any(lo < hi)


@pytest.mark.parametrize("raw, pace", [("", 0.0), ("0.1", 0.1), (" 0.5 ", 0.5)])
def test_ensemble_pace_from_environment(monkeypatch, raw: str, pace: float) -> None:
    monkeypatch.setenv(ENSEMBLE_PACE_ENV, raw)
    assert ensemble_pace() == pace


@pytest.mark.parametrize("raw", ["-0.1", "0.6", "nan", "slow"])
def test_bad_ensemble_pace_is_named(monkeypatch, raw: str) -> None:
    monkeypatch.setenv(ENSEMBLE_PACE_ENV, raw)
    with pytest.raises(ValueError, match=f"{ENSEMBLE_PACE_ENV}='{raw}'"):
        ensemble_pace()


def test_chart_svg_has_run_baseline_band_and_provenance() -> None:
    traj = run_full(ScenarioSpec())
    svg = charts.line_chart("x", "T", [charts.Line("run", traj.series("control_index"), "#000"),
                                       charts.Line("base", traj.series("control_index"), "#000",
                                                   dashed=True)],
                            40, traj.provenance, [charts.Band("b", np.zeros(41), np.ones(41),
                                                              "#000")])
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="5,4"' in svg
    assert 'data-series="band:b"' in svg
    assert f"scenario {traj.provenance['scenario_hash']} · seed 1" in svg


def test_every_lever_has_a_group_shown_in_the_panel() -> None:
    from ui.components import GROUPS
    assert {p.group for p in LEVERS} <= {g for g, _, _ in GROUPS}


def test_sovsim_app_is_a_command_with_one_line_errors(capsys) -> None:
    from experiments.cli import main
    assert main(["app", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert err == "sovsim: error: --port 70000: expected 1-65535\n"


def test_downloads_reproduce_the_run_with_provenance(fresh, catalog, tmp_path) -> None:
    import io

    import pandas as pd

    from ui.catalog import scenario_yaml

    s = st.inject(replace(st.set_value(fresh, "joint_procurement", True), step=7),
                  "regional_summit", ("all",))
    spec = s.setup.spec()
    traj = LiveRun().advance_to(spec, 40)
    text = scenario_yaml(catalog, spec, traj.provenance)
    assert text.startswith(f"# exported from the sovsim workshop UI: model 0.1.0, scenario "
                           f"hash {spec.digest()}, seed 1\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    np.testing.assert_array_equal(run_full(load_scenario(path)).state_metrics,
                                  traj.state_metrics)
    frame = pd.read_csv(io.StringIO(traj.results_csv()))
    assert len(frame) == 41 * 11
    assert set(frame["scenario_hash"]) == {spec.digest()} and set(frame["seed"]) == {1}
    expected = run(spec).states
    np.testing.assert_allclose(frame["control_index"], expected["control_index"])


def test_every_front_end_package_solara_asks_for_is_vendored() -> None:
    from ui.assets import missing, required_packages

    names = {name for name, _ in required_packages()}
    assert {"requirejs", "@widgetti/solara-vuetify3-app", "font-awesome"} <= names
    assert missing() == [], "run python scripts/vendor_solara_assets.py"


@pytest.mark.parametrize("name", ["baseline", "possession_under_shock", "coordinated_resilience"])
def test_results_csv_is_the_text_pandas_writes(name) -> None:
    """The UI writes its CSV without pandas; the text is pandas' own, cell for cell."""
    from model.results import PROVENANCE_COLUMNS, tidy_states

    traj = run_full(shipped_catalog().load(name))
    frame = tidy_states(traj.state_metrics, traj.iso3)
    for key in PROVENANCE_COLUMNS:
        frame[key] = traj.provenance[key]
    assert traj.results_csv() == frame.to_csv(index=False)


def test_the_ui_server_never_imports_pandas(tmp_path) -> None:
    """A page, its downloads and a room's export, in a fresh interpreter: pandas stays out
    of sys.modules (a lazy import raced reacton's renders; see ui/sim.py)."""
    import subprocess
    import sys

    code = f"""
import sys
import solara
import app
from ui import exports, state as st
from ui.catalog import shipped_catalog
from ui.rooms.service import RoomService
catalog = shipped_catalog()
box, rc = solara.render(app.Workshop(catalog, None), handle_error=False)
setup = st.initial_state("baseline", catalog.load("baseline")).setup
assert exports.whole_run_csv(setup).startswith("step,iso3,")
svc = RoomService(catalog, {str(tmp_path / "rooms.db")!r})
room, token = svc.create("baseline", 4, 2)
svc.advance(room, token)
assert svc.export(room, token)[1].startswith("step,iso3,")
print("pandas" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
