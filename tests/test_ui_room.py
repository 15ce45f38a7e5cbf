"""The room-facing behaviour, in process: notices do not rebuild the page, a scenario with
its own region works everywhere, and a failed render gives one line, not a traceback."""

from __future__ import annotations

import ipyvuetify as v
import solara
from ui_helpers import (
    button,
    ensemble_on,
    html,
    open_advanced,
    tab,
    textarea,
    texts,
    with_class,
)

from ui.components import Guarded

CUSTOM_REGION = """name: trio
description: Three invented states with their own data.
region:
  states:
    - {iso3: AAA, name: Aland, population: 5000000, gdp_usd: 2.0e11, ai_readiness: 60}
    - {iso3: BBB, name: Borduria, population: 20000000, gdp_usd: 5.0e11, ai_readiness: 45}
    - {iso3: CCC, name: Carpathia, population: 1000000, gdp_usd: 4.0e10, ai_readiness: 70}
policies:
  all: {interop_standards: 0.5}
  BBB: {national_model: true}
horizon: 40
"""


def select(rc, label: str) -> v.Select:
    return rc.find(v.Select, label=label).widget


def notice(rc) -> str:
    return " ".join(c for w in rc.find(v.Html, class_="ui-message").widgets
                    for c in w.children if isinstance(c, str))


def test_a_notice_keeps_pickers_open_panels_and_pasted_text(page) -> None:
    button(page, "▸ Paste scenario YAML").click()
    textarea(page, "Scenario YAML").v_model = "name: half typed\n"
    open_advanced(page)
    button(page, "▸ Assumptions").click()
    select(page, "Target").v_model = "SGP"
    select(page, "Bloc").v_model = "B"
    select(page, "Lasts").v_model = "4 quarters"
    button(page, "Reset").click()
    button(page, "Step").click()
    assert notice(page) == ""
    button(page, "Export control").click()
    assert notice(page) == ("Scheduled: Export control by bloc B on models and compute, "
                            "against Singapore (SGP), for 4 quarters (2–5)")
    for _ in range(2):  # the notice appeared, then it is dismissed: nothing else changes
        assert select(page, "Target").v_model == "SGP"
        assert select(page, "Bloc").v_model == "B"
        assert select(page, "Lasts").v_model == "4 quarters"
        assert textarea(page, "Scenario YAML").v_model == "name: half typed\n"
        assert with_class(page, "panel-assumptions") and with_class(page, "panel-paste")
        button(page, "Dismiss").click()
        assert notice(page) == ""
    button(page, "Export control").click()  # the next press still targets SGP, bloc B
    log = html(page, "event-log")
    assert log.count("SGP") == 2 and "bloc=B" in log and "bloc=A" not in log


def test_a_bad_paste_keeps_the_pasted_text_to_correct(page) -> None:
    button(page, "▸ Paste scenario YAML").click()
    textarea(page, "Scenario YAML").v_model = "extends: baseline\nhorizon: .inf\n"
    button(page, "Load pasted YAML").click()
    assert "horizon" in notice(page)
    assert textarea(page, "Scenario YAML").v_model == "extends: baseline\nhorizon: .inf\n"


def load_pasted(rc, text: str) -> None:
    button(rc, "▸ Paste scenario YAML").click()
    textarea(rc, "Scenario YAML").v_model = text
    button(rc, "Load pasted YAML").click()


def test_scenario_with_its_own_region_works_everywhere(page) -> None:
    load_pasted(page, CUSTOM_REGION)
    assert notice(page) == ""
    cards = html(page, "state-cards")
    assert cards.count("class='state-card'") == 3 and "Borduria" in cards
    control = html(page, "chart-control")
    assert 'data-series="Control index baseline"' in control
    assert "baseline policies on this scenario's region" in texts(page)
    select(page, "Show").v_model = "BBB"
    assert html(page, "chart-control") != control
    button(page, "Reset").click()
    button(page, "Step").click()
    select(page, "Target").v_model = "CCC"
    button(page, "Export control").click()
    assert "Carpathia (CCC)" in notice(page)
    ensemble_on(page)
    assert 'data-series="band:Control index"' in html(page, "chart-control")
    tab(page, "Compare")
    select(page, "Scenario B").v_model = "(current setup)"
    assert "B: (current setup)" in html(page, "delta-panel")


@solara.component
def Broken(path: str):
    raise ValueError(f"cannot read {path}: nothing there\nsecond line")


def test_a_failed_render_gives_one_line_and_a_fresh_workshop() -> None:
    def body(generation: int) -> None:
        if generation == 0:
            Broken("/srv/app/secret.yaml")
        else:
            solara.Text("fresh workshop", classes=["fresh"])

    box, rc = solara.render(Guarded(body), handle_error=False)
    shown = texts(rc)
    assert "This view could not be shown: cannot read (path) nothing there second line" \
        in shown
    assert "/srv" not in shown and "Traceback" not in shown
    button(rc, "Reopen the workshop").click()
    assert "fresh workshop" in texts(rc)
    rc.close()


def test_picking_the_current_scenario_again_starts_it_afresh(page) -> None:
    for _ in range(2):  # the picker works again after a pick
        page.find(v.Slider).widgets[0].v_model = 0.05
        button(page, "Reset").click()
        button(page, "Step").click()
        button(page, "Regional summit").click()
        assert "Now: baseline · changed in the workshop" in texts(page)
        select(page, "Start a scenario afresh").v_model = "baseline"
        assert "Now: baseline\n" in texts(page) + "\n"
        assert "changed in the workshop" not in texts(page)
        assert "No events yet." in texts(page)
        assert "Quarter 40 / 40" in texts(page)


def test_downloads_replay_the_session_under_its_own_name(catalog) -> None:
    from dataclasses import replace

    import pandas as pd

    from model.scenario_file import loads_scenario
    from ui import exports
    from ui import state as st
    from ui.sim import LiveRun, run_full

    s = st.initial_state("baseline", catalog.load("baseline"))
    s = st.set_value(s, "interop_standards", 0.5)
    s = st.set_override(s, "SGP", "national_model", True)
    s = st.inject(replace(s, step=3), "export_control", ("all",), bloc="B", duration=4)
    assert s.step == 3
    text = exports.export_yaml(catalog, s.setup)
    replay = loads_scenario(text, "exported.yaml")
    assert replay.name == "baseline_workshop" == exports.export_filename(s.setup)
    assert "Edited in the sovsim workshop from 'baseline'" in replay.description
    assert "interop_standards=0.5" in replay.description
    assert replay.digest() == s.setup.spec().digest()
    assert (run_full(replay).state_metrics
            == LiveRun().advance_to(s.setup.spec(), 40).state_metrics).all()
    from io import StringIO

    table = pd.read_csv(StringIO(exports.whole_run_csv(s.setup)))
    assert sorted(table["step"].unique()) == list(range(41))  # quarter 3 on screen
    assert set(table["scenario"]) == {"baseline_workshop"}
    fresh = st.initial_state("baseline", catalog.load("baseline"))
    assert exports.export_filename(fresh.setup) == "baseline"


def test_headline_numbers_are_for_people_and_coloured_by_direction(catalog) -> None:
    from ui.headline import BETTER, HEADLINE, WORSE, headline_cells, people_number
    from ui.sim import run_full

    assert people_number(1580.0, "USD m") == "US$1.6 bn"
    assert people_number(158.0, "USD m per quarter") == "US$158 m"
    assert people_number(16.43, "quarters") == "16.4 quarters"
    assert "e+" not in people_number(12345.0, "HHI 0-10,000")
    baseline = run_full(catalog.load("baseline"))
    possession = {c["name"]: c for c in headline_cells(
        run_full(catalog.load("possession_under_shock")), baseline)}
    coordinated = {c["name"]: c for c in headline_cells(
        run_full(catalog.load("coordinated_under_shock")), baseline)}
    assert list(possession) == [name for name, _ in HEADLINE]
    assert possession["outage_quarters"]["color"] == WORSE  # more outage than baseline
    assert possession["possession_index"]["color"] == BETTER
    assert coordinated["control_index"]["color"] == BETTER
    # the shock lesson: coordination loses fewer quarters of service than possession
    assert float(coordinated["outage_quarters"]["value"].split()[0]) < \
        float(possession["outage_quarters"]["value"].split()[0])


def test_headline_is_on_the_page(page) -> None:
    bar = html(page, "headline")
    assert "data-outcome='outage_quarters'" in bar and "Region, quarter 40 of 40" in bar


def test_reset_after_each_of_five_scenario_switches(page, catalog) -> None:
    for name in ("possession", "mixed", "baseline", "possession_under_shock", "possession"):
        select(page, "Start a scenario afresh").v_model = name
        assert f"Now: {name}" in texts(page)
        button(page, "Reset").click()
        assert "Quarter 0 / 40" in texts(page), name
