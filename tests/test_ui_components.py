"""The workshop page rendered in-process with ``solara.render``: what is shown after clicks."""

from __future__ import annotations

import time

import ipyvuetify as v
import pytest
import solara
from ui_helpers import (
    blocks,
    button,
    descendants,
    ensemble_on,
    html,
    lever,
    lever_label,
    open_advanced,
    share_query,
    tab,
    textarea,
    texts,
    wait_for,
    with_class,
)

import app
from model import LEVERS, STATE_OUTCOMES, UNCERTAINTIES
from ui import share
from ui import state as st
from ui.components import About


def control_chart(rc) -> str:
    return html(rc, "chart-control")


def quarter(rc) -> str:
    return [t for t in texts(rc).splitlines() if t.startswith("Quarter ")][0]


def test_first_view_shows_every_chart_with_baseline_and_cards(page) -> None:
    for key in ("dependence", "hhi", "leverage", "cost", "control", "resilience", "incidents",
                "network"):
        assert f'data-chart="{key}"' in html(page, f"chart-{key}")
    assert 'data-series="Control index baseline"' in control_chart(page)
    assert "stroke-dasharray" in control_chart(page)
    assert html(page, "state-cards").count("class='state-card'") == 11
    assert quarter(page) == "Quarter 40 / 40"


def test_lever_change_reruns_and_redraws(page) -> None:
    before = control_chart(page)
    lever(page, "own_evaluation_share").v_model = 0.2
    after = control_chart(page)
    assert after != before
    assert lever_label(page, "own_evaluation_share").startswith("Own evaluation capacity •: 0.2")
    assert quarter(page) == "Quarter 40 / 40"


def test_levers_grouped_with_tooltips(page) -> None:
    open_advanced(page)
    for group in ("possession", "coordination", "general"):
        assert with_class(page, f"levers-{group}")
    possession = descendants(with_class(page, "levers-possession")[0])
    possession += descendants(with_class(page, "levers-possession")[1])
    tips = [w for w in possession if isinstance(w, v.Tooltip)]
    assert len(tips) == sum(p.group == "possession" for p in LEVERS)  # key + advanced
    national = next(p for p in LEVERS if p.name == "national_model")
    assert any(national.description in str(t.children) and national.source in str(t.children)
               for t in tips)


def test_assumptions_collapsed_until_opened(page) -> None:
    assert not with_class(page, "panel-assumptions")
    assert not with_class(page, f"lever-{UNCERTAINTIES[0].name}")
    open_advanced(page)
    button(page, "▸ Assumptions").click()
    assert with_class(page, "panel-assumptions")
    before = control_chart(page)
    lever(page, "evaluation_effectiveness").v_model = 0.2
    assert control_chart(page) != before


def test_per_state_override(page) -> None:
    open_advanced(page)
    button(page, "▸ Per-state overrides").click()
    # the Philippines has no national model today (Singapore's already runs in every scenario)
    page.find(v.Select, label="State").widget.v_model = "PHL"
    before = html(page, "state-cards")
    lever(page, "national_model", v.Checkbox, panel="panel-overrides").v_model = True
    assert "Philippines: 1 lever(s) overridden (national_model)" in texts(page)
    assert html(page, "state-cards") != before


def test_step_reset_and_live_event(page) -> None:
    button(page, "Reset").click()
    assert quarter(page) == "Quarter 0 / 40"
    button(page, "Step").click()
    button(page, "Export control").click()
    assert ("Scheduled: Export control by bloc A on models and compute, against all states, "
            "from quarter 2 until the end of the run") in texts(page)
    assert "live, pending" in html(page, "event-log")
    button(page, "Step").click()
    log = html(page, "event-log")
    assert "<td>2</td><td>live</td><td>Export control by bloc A on models and compute" in log
    assert "bloc=A" in log


def test_play_advances_and_pause_stops(page) -> None:
    button(page, "Reset").click()
    page.find(v.Select, label="Speed (quarters/s)").widget.v_model = "8"
    button(page, "Play").click()
    time.sleep(2.0)  # the clock says 16 quarters; a slow machine jumps to them
    button(page, "Pause").click()
    reached = int(quarter(page).split()[1])
    assert 2 <= reached < 40
    time.sleep(0.4)
    assert int(quarter(page).split()[1]) == reached


def test_ensemble_shows_bands(page) -> None:
    assert "band:" not in control_chart(page)
    ensemble_on(page)
    chart = control_chart(page)
    assert 'data-series="band:Control index"' in chart
    assert "Control index (median)" in chart and "seed 1..20" in chart
    page.find(v.Select, label="Runs (seeds 1..N)").widget.v_model = "10"
    wait_for(lambda: "seed 1..10" in control_chart(page))  # computed in the background
    assert "median of 10 runs" in texts(page)


def test_bad_upload_shows_the_cli_message(page, catalog) -> None:
    with pytest.raises(catalog.errors[0]) as info:
        catalog.loads(b"policies:\n  all:\n    ai_budget_share: 9\n", "pasted.yaml")
    app_upload(page, "bad.yaml", b"policies:\n  all:\n    ai_budget_share: 9\n")
    assert str(info.value) in texts(page)


def app_upload(rc, name: str, data: bytes) -> None:
    """Paste a scenario and press Load (the same handler as a dropped file)."""
    button(rc, "▸ Paste scenario YAML").click()
    textarea(rc, "Scenario YAML").v_model = data.decode()
    button(rc, "Load pasted YAML").click()


def test_good_upload_switches_scenario(page) -> None:
    app_upload(page, "mine.yaml", b"name: mine\nextends: possession\n")
    assert "uploaded file pasted.yaml" in texts(page)
    assert "scenario <b>pasted.yaml</b>" in [b for b in blocks(page) if b.startswith("<h2>")][0]
    assert 'data-series="Possession index"' in control_chart(page)


def test_scenario_picker_describes_and_loads(page, catalog) -> None:
    page.find(v.Select, label="Start a scenario afresh").widget.v_model = "possession"
    assert catalog.descriptions["possession"] in texts(page)
    assert 'data-series="Possession index"' in control_chart(page)


def test_compare_tab_shows_both_and_deltas(page) -> None:
    tab(page, "Compare")
    delta = html(page, "delta-panel")
    assert "A: possession" in delta and "B: coordinated_resilience" in delta
    assert "Possession index" in delta and "B − A" in delta
    overlays, deltas = blocks(page, "chart-overlay"), blocks(page, "chart-delta")
    control = next(c for c in overlays if 'data-chart="cmp-control_index"' in c)
    assert 'data-series="A: possession"' in control
    assert 'data-series="B: coordinated_resilience"' in control  # the same axes
    outage = next(c for c in deltas if 'data-chart="delta-outage_quarters"' in c)
    assert "data-delta=" in outage or "B − A" in outage
    page.find(v.Select, label="Scenario B").widget.v_model = "possession"
    assert "<b>+0</b>" in html(page, "delta-panel")


def test_about_and_glossary(page) -> None:
    tab(page, "Glossary")
    glossary = html(page, "glossary")
    for item in (*STATE_OUTCOMES, *LEVERS, *UNCERTAINTIES):
        assert item.label.replace("'", "&#x27;").split("&")[0] in glossary or \
            item.label in glossary
    tab(page, "About this model")
    assert "<h1" in html(page, "about-model")


def test_about_says_clearly_when_odd_is_missing(tmp_path) -> None:
    box, rc = solara.render(About(tmp_path / "ODD.md"), handle_error=False)
    assert "is missing from this installation" in texts(rc)


def test_share_link_opens_same_view(page, catalog) -> None:
    lever(page, "interop_standards").v_model = 0.8
    button(page, "Reset").click()
    button(page, "Step").click()
    query = share_query(page)
    box, other = solara.render(app.Workshop(catalog, query), handle_error=False)
    assert quarter(other) == "Quarter 1 / 40"
    assert control_chart(other) == control_chart(page)
    assert lever_label(other, "interop_standards").startswith("Interoperability standards •: 0.8")
    other.close()


def test_bad_share_link_opens_default_with_message(catalog) -> None:
    box, rc = solara.render(app.Workshop(catalog, "?s=nonsense"), handle_error=False)
    assert "share link: not a sovsim link" in texts(rc)
    assert quarter(rc) == "Quarter 40 / 40"
    rc.close()


def test_two_sessions_are_isolated(catalog) -> None:
    _, a = solara.render(app.Workshop(catalog, None), handle_error=False)
    _, b = solara.render(app.Workshop(catalog, None), handle_error=False)
    b_before = control_chart(b)
    lever(a, "interop_standards").v_model = 1.0
    button(a, "Reset").click()
    assert quarter(a) == "Quarter 0 / 40" and quarter(b) == "Quarter 40 / 40"
    assert control_chart(b) == b_before
    a.close()
    b.close()


def test_share_encode_uses_catalog_name(catalog) -> None:
    s = st.initial_state("possession", catalog.load("possession"))
    assert share.decode(share.encode(s, catalog), catalog).setup.scenario == "possession"


def test_twenty_sessions_each_keep_their_own_model(catalog) -> None:
    sessions = [solara.render(app.Workshop(catalog, None), handle_error=False)[1]
                for _ in range(20)]
    for n, rc in enumerate(sessions):
        lever(rc, "interop_standards").v_model = n / 20
    button(sessions[0], "Reset").click()
    for n, rc in enumerate(sessions):
        assert lever_label(rc, "interop_standards").split(":")[1].split()[0] == f"{n / 20:.4g}"
        assert quarter(rc) == ("Quarter 0 / 40" if n == 0 else "Quarter 40 / 40")
    charts = {control_chart(rc) for rc in sessions}
    assert len(charts) > 10  # different settings, different runs: nothing shared
    for rc in sessions:
        rc.close()
