"""The participatory workshop in headless Chromium: a facilitator and three teams on their
own devices; join, claim, submit, inject, advance, the projector screen; a reload rejoins the
seat; a team's link cannot reach another seat; a server killed mid-game (SIGKILL) comes back
with nothing lost."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from ui_helpers import server_process

from ui.server import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rooms_server(tmp_path_factory) -> Iterator[dict]:
    """A server of its own, with its own rooms database, that a test may kill."""
    folder = tmp_path_factory.mktemp("rooms")
    state = {"db": str(folder / "rooms.sqlite"), "log": folder / "solara.log",
             "port": free_port()}
    state["proc"], state["url"] = server_process(state["log"], state["port"],
                                                 {"SOVSIM_ROOMS_DB": state["db"]})
    yield state
    if state["proc"].poll() is None:
        state["proc"].terminate()
        state["proc"].wait(timeout=10)


def device(browser: Browser, width: int = 1400, height: int = 950) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)
    return page


def open_room(browser: Browser, url: str, rounds: int = 10) -> tuple[Page, str, str]:
    fac = device(browser)
    fac.goto(url + "facilitate", wait_until="commit")
    fac.locator(".open-room").click()
    fac.wait_for_selector("[data-room-code]", timeout=90_000)
    q = parse_qs(urlparse(fac.url).query)
    return fac, q["room"][0], q["key"][0]


def join(browser: Browser, url: str, code: str, seat: str, team: str,
         width: int = 1200) -> Page:
    page = device(browser, width, 900)
    page.goto(url + "join", wait_until="commit")
    page.locator(".room-code-input input").fill(code.lower())  # case is forgiven
    page.locator(".enter-code").click()
    page.locator(".team-name input").fill(team)
    page.locator(f".seat-{seat}").click()
    page.wait_for_selector(".team-headline", timeout=90_000)
    expect(page.locator(".team-title")).to_contain_text(team)
    return page


def token_of(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["token"][0]


def test_facilitator_and_three_teams_play_two_rounds(browser: Browser, rooms_server):
    url = rooms_server["url"]
    fac, code, key = open_room(browser, url)
    teams = {"IDN": join(browser, url, code, "IDN", "Garuda", width=390),  # a phone
             "SGP": join(browser, url, code, "SGP", "Merlion"),
             "VNM": join(browser, url, code, "VNM", "Lotus")}
    # a taken seat is not offered to the next participant
    late = device(browser)
    late.goto(url + f"join?room={code}", wait_until="commit")
    late.wait_for_selector(".seat-THA")
    assert late.locator(".seat-IDN").count() == 0
    # each team sees its own state and levers, no other state's seat or levers
    for seat, page in teams.items():
        expect(page.locator(".team-title")).to_contain_text(
            {"IDN": "Indonesia", "SGP": "Singapore", "VNM": "Viet Nam"}[seat])
        assert page.locator(".lever-possessive_rhetoric").count() == 1
        assert page.locator("[class*=seat-]").count() == 0
    # IDN builds a national model; SGP submits as it is; VNM stays away (absent team)
    idn = teams["IDN"]
    idn.locator(".lever-national_model input").check()
    idn.locator(".submit").click()
    expect(idn.locator(".submit-state")).to_contain_text("Submitted")
    teams["SGP"].locator(".vote-pooled_evaluation input").check()
    teams["SGP"].locator(".submit").click()
    expect(fac.locator(".submitted-count")).to_contain_text("2 of 3 teams have submitted")
    expect(fac.locator("[data-state=IDN] .status")).to_contain_text("submitted")
    expect(fac.locator("[data-state=VNM] .status")).to_contain_text("waiting")
    # the facilitator injects an event for the next round, then advances
    fac.get_by_role("button", name="Export control").click()
    expect(fac.locator(".pending-events")).to_contain_text("export_control")
    fac.locator(".advance").click()
    expect(fac.locator(".room-status")).to_contain_text("Round 2 of 10")
    screen = device(browser, 1920, 1080)
    screen.goto(url + f"screen/{code}", wait_until="commit")
    expect(screen.locator(".screen-table")).to_contain_text("Garuda")
    for team in ("Merlion", "Lotus"):
        expect(screen.locator(".screen-table")).to_contain_text(team)
    timeline = screen.locator(".screen-timeline")
    expect(timeline).to_contain_text("Export control")
    expect(timeline).to_contain_text("national model")
    # every team's page follows the round (polled, no reload)
    for page in teams.values():
        expect(page.locator(".team-title")).to_contain_text("Round 2 of 10")
    # round 2: VNM (absent in round 1) joins in; the facilitator advances again
    teams["VNM"].locator(".lever-require_evaluation input").check()
    teams["VNM"].locator(".submit").click()
    expect(fac.locator(".submitted-count")).to_contain_text("1 of 3")
    fac.locator(".advance").click()
    expect(screen.locator(".room-big").first).to_contain_text("Round 3 of 10")
    expect(timeline).to_contain_text("high-stakes")
    expect(screen.locator(".headline-quarter")).to_contain_text("quarter 8 of 40")
    # a reload rejoins the seat, with the lever still in force
    idn.reload(wait_until="commit")
    expect(idn.locator(".team-title")).to_contain_text("Garuda · Indonesia · Round 3")
    expect(idn.locator(".lever-national_model input")).to_be_checked()
    # a team's token on another seat's address is refused by the server
    spy = device(browser)
    spy.goto(url + f"join?room={code}&seat=SGP&token={token_of(idn)}", wait_until="commit")
    expect(spy.locator(".ui-message")).to_contain_text("not valid")
    assert spy.locator(".submit").count() == 0
    # a facilitator address with a team's token is refused too
    spy.goto(url + f"facilitate?room={code}&key={token_of(idn)}", wait_until="commit")
    expect(spy.locator(".ui-message")).to_contain_text("only the facilitator")
    assert spy.locator(".advance").count() == 0
    for page in (fac, screen, late, spy, *teams.values()):
        page.context.close()


def test_a_server_killed_mid_game_comes_back_with_nothing_lost(browser: Browser,
                                                               rooms_server):
    url = rooms_server["url"]
    fac, code, key = open_room(browser, url)
    idn = join(browser, url, code, "IDN", "Garuda")
    sgp = join(browser, url, code, "SGP", "Merlion")
    idn.locator(".lever-national_model input").check()
    idn.locator(".submit").click()
    expect(fac.locator(".submitted-count")).to_contain_text("1 of 2")
    fac.locator(".advance").click()
    expect(fac.locator(".room-status")).to_contain_text("Round 2 of 10")
    sgp.locator(".lever-require_evaluation input").check()
    sgp.locator(".submit").click()  # submitted, not yet played
    expect(fac.locator(".submitted-count")).to_contain_text("1 of 2")
    os.kill(rooms_server["proc"].pid, signal.SIGKILL)
    rooms_server["proc"].wait(timeout=10)
    rooms_server["proc"], _ = server_process(rooms_server["log"], rooms_server["port"],
                                             {"SOVSIM_ROOMS_DB": rooms_server["db"]})
    for page in (fac, idn, sgp):  # every device reloads (or its websocket reconnects)
        page.reload(wait_until="commit")
    # a freshly started server draws its first pages slowly (imports, first render): wait
    # for each page as the other tests wait for a first page, then check what it shows
    fac.wait_for_selector(".submitted-count", timeout=90_000)
    for page in (idn, sgp):
        page.wait_for_selector(".team-title", timeout=90_000)
    expect(idn.locator(".team-title")).to_contain_text("Garuda · Indonesia · Round 2")
    expect(idn.locator(".lever-national_model input")).to_be_checked()
    expect(sgp.locator(".submit-state")).to_contain_text("Submitted")
    expect(fac.locator(".submitted-count")).to_contain_text("1 of 2")
    fac.locator(".advance").click()
    expect(fac.locator(".room-status")).to_contain_text("Round 3 of 10")
    expect(sgp.locator(".team-title")).to_contain_text("Round 3")
    expect(idn.locator(".team-headline")).to_contain_text("quarter 8 of 40")  # polled
    for page in (fac, idn, sgp):
        page.context.close()
