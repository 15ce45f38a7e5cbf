"""Untrusted input (share links, pastes, uploads) never names a server file, never shows a
traceback, and never costs the server more than the limits in :mod:`ui.limits`."""

from __future__ import annotations

import time

import pytest
import solara
from hostile import LINKS, PASTES, ROOT, assert_harmless, carried, link
from ui_helpers import button, texts

import app
from ui import actions, share
from ui import state as st
from ui.catalog import NotShipped, shipped_catalog
from ui.session import first_state


@pytest.fixture(scope="module")
def catalog():
    return shipped_catalog()


@pytest.mark.parametrize("name", sorted(PASTES))
def test_hostile_paste_gets_a_harmless_one_line_message(catalog, name) -> None:
    before = st.initial_state("baseline", catalog.load("baseline"))
    after = actions.upload(catalog, "pasted.yaml", PASTES[name].encode())(before)
    assert after.setup == before.setup
    assert_harmless(after.message)


@pytest.mark.parametrize("name", sorted(LINKS))
def test_hostile_link_opens_the_default_view_with_a_harmless_message(catalog, name) -> None:
    started = time.process_time()
    state = first_state(catalog, LINKS[name])
    assert time.process_time() - started < 2.0, "a link may not keep the server busy"
    if name == "file path with a good scenario":  # opens, under a name without directories
        assert state.setup.scenario == "passwd" and not state.message
        return
    assert state.setup.scenario == catalog.default and state.compare == ("", "")
    assert_harmless(state.message)


@pytest.mark.parametrize("name", ["/etc/passwd", "../pyproject.toml", "pyproject.toml",
                                  "README.md", str(ROOT / "scenarios" / "baseline.yaml")])
def test_catalog_loads_shipped_names_only(catalog, name) -> None:
    with pytest.raises(NotShipped) as info:
        catalog.load(name)
    assert_harmless(str(info.value))


def test_paste_may_extend_a_shipped_scenario(catalog) -> None:
    spec = catalog.loads("extends: possession\nname: mine\n", "pasted.yaml")
    assert spec.name == "mine"
    assert spec.policies == catalog.load("possession").policies


@pytest.mark.parametrize("name", ["cmp /etc/passwd", "step Infinity", "200,000 live events",
                                  "carried: extends pyproject.toml", "cmp unknown name"])
def test_page_opened_from_hostile_link_keeps_working(catalog, name) -> None:
    box, rc = solara.render(app.Workshop(catalog, LINKS[name]), handle_error=False)
    assert "share link:" in texts(rc)
    button(rc, "Reset").click()
    button(rc, "Step").click()
    assert "Quarter 1 / 40" in texts(rc)
    rc.close()


def test_live_events_are_capped_per_session(catalog) -> None:
    from ui.limits import MAX_LIVE_EVENTS

    state = st.reset(st.initial_state("baseline", catalog.load("baseline")))
    for _ in range(MAX_LIVE_EVENTS):
        state = st.inject(state, "regional_summit", ("all",))
    assert len(state.setup.live_events) == MAX_LIVE_EVENTS
    after = st.inject(state, "regional_summit", ("all",))
    assert len(after.setup.live_events) == MAX_LIVE_EVENTS
    assert "at most" in after.message


def test_link_with_the_most_live_events_allowed_opens(catalog) -> None:
    from ui.limits import MAX_LIVE_EVENTS

    events = ",".join('{"step":2,"kind":"regional_summit","targets":"all"}'
                      for _ in range(MAX_LIVE_EVENTS))
    state = first_state(catalog, link(ev=f"[{events}]"))
    assert not state.message and len(state.setup.live_events) == MAX_LIVE_EVENTS


def test_ensemble_over_the_session_budget_is_refused(catalog) -> None:
    long_run = catalog.loads("extends: baseline\nhorizon: 120\n", "long.yaml")
    state = st.initial_state("long.yaml", long_run)
    refused = st.set_ensemble(state, True)  # 20 runs x 120 quarters: over the budget
    assert not refused.ensemble and "choose 10 runs or fewer" in refused.message
    small = st.set_ensemble(st.set_ensemble_size(state, 10), True)
    assert small.ensemble and small.ensemble_size == 10 and not small.message
    bigger = st.set_ensemble_size(small, 50)
    assert bigger.ensemble_size == 10 and "more than one session may run" in bigger.message
    assert first_state(catalog, carried("extends: baseline\nhorizon: 120\n", ens="true",
                                        n=50)).message


def test_share_round_trip_of_an_uploaded_scenario(catalog) -> None:
    base = catalog.loads("extends: possession\nname: mine\n", "../secret/mine.yaml")
    state = st.initial_state("mine.yaml", base)
    again = share.decode(share.encode(state, catalog), catalog)
    assert again.setup.spec() == state.setup.spec()


def test_a_huge_upload_is_refused_before_parsing(catalog) -> None:
    from ui.limits import MAX_UPLOAD_BYTES

    huge = ("description: " + "x" * (MAX_UPLOAD_BYTES + 10) + "\n").encode()
    before = st.initial_state("baseline", catalog.load("baseline"))
    started = time.process_time()
    after = actions.upload(catalog, "../../big.yaml", huge)(before)
    assert time.process_time() - started < 0.05
    assert after.message.startswith("big.yaml: file too large")
    with pytest.raises(catalog.errors):
        catalog.loads(huge.decode(), "big.yaml")
