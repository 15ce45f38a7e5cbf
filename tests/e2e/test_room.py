"""In headless Chromium: hostile share links and pastes, notices that leave the page alone,
and a scenario with its own region."""

from __future__ import annotations

import pytest
from hostile import BROWSER_LINKS, LINKS, SERVER_SECRETS
from playwright.sync_api import Browser, Page, expect

from .conftest import open_app, wait_drawn

CUSTOM_REGION = """name: trio
region:
  states:
    - {iso3: AAA, name: Aland, population: 5000000, gdp_usd: 2.0e11, ai_readiness: 60}
    - {iso3: BBB, name: Borduria, population: 20000000, gdp_usd: 5.0e11, ai_readiness: 45}
    - {iso3: CCC, name: Carpathia, population: 1000000, gdp_usd: 4.0e10, ai_readiness: 70}
horizon: 40
"""


#: The live events' top in the page, wherever a click scrolled it: the viewport position plus
#: the scroll offsets of the window and of every scrolling ancestor (Solara's app scrolls an
#: inner container, so a click on a button low on the page scrolls that, not the window).
TOP_OF_LIVE_EVENTS = """() => {
  const el = document.querySelector('.live-events');
  let top = el.getBoundingClientRect().top + window.scrollY;
  for (let p = el.parentElement; p; p = p.parentElement) top += p.scrollTop;
  return top;
}"""


def settled(page: Page, script: str, timeout_ms: int = 15000) -> float:
    """A layout measurement once the page has stopped moving (two readings 400 ms apart
    agree): what moves afterwards was moved by what the test does next."""
    last = page.evaluate(script)
    for _ in range(timeout_ms // 400):
        page.wait_for_timeout(400)
        now = page.evaluate(script)
        if now == last:
            return now
        last = now
    raise AssertionError("the page kept moving")


def click_button(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).first.click()


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the (Vuetify 3) select labelled ``label``."""
    field = page.locator(".v-select").filter(has=page.locator("label", has_text=label)).first
    field.locator(".v-field").first.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(field).to_contain_text(option)


def shown_text(page: Page) -> str:
    return page.locator("body").inner_text()


def assert_page_harmless(page: Page) -> None:
    text = shown_text(page)
    for secret in SERVER_SECRETS:
        assert secret not in text, secret


@pytest.fixture(scope="module")
def hostile_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", BROWSER_LINKS)
def test_hostile_link_gives_one_line_and_a_working_session(hostile_page: Page,
                                                          server_url: str, name: str) -> None:
    page = hostile_page
    page.goto(server_url + LINKS[name], wait_until="commit")
    wait_drawn(page)
    message = page.locator(".ui-message")
    expect(message).to_contain_text("share link:")
    assert "\n" not in message.inner_text().strip()
    assert_page_harmless(page)
    expect(page.locator(".quarter-label")).to_have_text("Quarter 40 / 40")  # the default
    click_button(page, "Reset")
    click_button(page, "Step")
    expect(page.locator(".quarter-label")).to_have_text("Quarter 1 / 40")


def paste(page: Page, text: str) -> None:
    if not page.locator(".panel-paste").count():
        page.locator(".toggle-paste").click()
    page.get_by_label("Scenario YAML").fill(text)
    click_button(page, "Load pasted YAML")


@pytest.mark.parametrize("text", ["extends: pyproject.toml\n", "extends: README.md\n",
                                  "extends: /etc/passwd\n", "extends: " + "a" * 3000 + "\n",
                                  "extends: baseline\nhorizon: .inf\n"])
def test_hostile_paste_gives_one_line_and_keeps_the_text(app_page: Page, text: str) -> None:
    paste(app_page, text)
    expect(app_page.locator(".ui-message")).not_to_be_empty()
    assert_page_harmless(app_page)
    expect(app_page.get_by_label("Scenario YAML")).to_have_value(text)
    click_button(app_page, "Dismiss")
    expect(app_page.locator(".ui-notice")).to_be_hidden()


def test_notice_leaves_pickers_panels_and_pasted_text_alone(browser: Browser,
                                                            server_url: str) -> None:
    page = open_app(browser, server_url)
    page.locator(".toggle-paste").click()
    page.get_by_label("Scenario YAML").fill("name: half typed\n")
    page.locator(".toggle-advanced").click()
    page.locator(".toggle-assumptions").click()
    choose(page, "Target", "SGP")
    choose(page, "Bloc", "B")
    choose(page, "Lasts", "4 quarters")
    click_button(page, "Reset")
    click_button(page, "Step")
    expect(page.locator(".quarter-label")).to_have_text("Quarter 1 / 40")
    top = settled(page, TOP_OF_LIVE_EVENTS)  # the charts above finish drawing first
    click_button(page, "Export control")
    expect(page.locator(".ui-message")).to_have_text(
        "Scheduled: Export control by bloc B on models and compute, against Singapore (SGP), "
        "for 4 quarters (2–5)")
    for field, value in (("Target", "SGP"), ("Bloc", "B"), ("Lasts", "4 quarters")):
        expect(page.locator(".v-select").filter(
            has=page.locator("label", has_text=field)).first).to_contain_text(value)
    expect(page.get_by_label("Scenario YAML")).to_have_value("name: half typed\n")
    expect(page.locator(".panel-assumptions")).to_be_visible()
    after = page.evaluate(TOP_OF_LIVE_EVENTS)
    assert after == top, "the page moved when the notice appeared"
    click_button(page, "Export control")  # the second press: same target and bloc
    log = page.locator(".event-log")
    expect(log).to_contain_text("bloc=B")
    assert "bloc=A" not in log.inner_text()
    page.context.close()


def test_scenario_with_its_own_region_in_the_browser(browser: Browser, server_url: str) -> None:
    page = open_app(browser, server_url)
    paste(page, CUSTOM_REGION)
    expect(page.locator(".state-card")).to_have_count(3)
    expect(page.locator(".state-cards")).to_contain_text("Borduria")
    expect(page.locator('[data-chart=control] polyline[data-series="Control index baseline"]')
           ).to_have_count(1)
    choose(page, "Show", "BBB")
    page.locator(".v-btn-toggle button", has_text="Compare").click()
    choose(page, "Scenario B", "(current setup)")
    expect(page.locator(".delta-panel")).to_contain_text("B: (current setup)")
    assert_page_harmless(page)
    page.context.close()


SMALL_TEXT = """() => { const small = [];
  for (const el of document.querySelectorAll('.sovsim-room *')) {
    if (el.closest('svg') || !el.offsetParent) continue;
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (ownText && size < 18) small.push(`${el.tagName}.${el.className} ${size}px`);
  }
  return small; }"""


def test_projector_text_is_at_least_18px_and_headline_is_large(browser: Browser,
                                                              server_url: str) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server_url, wait_until="commit")
    wait_drawn(page)
    assert page.evaluate(SMALL_TEXT) == []
    value = page.locator("[data-outcome=outage_quarters] .hl-value")
    expect(value).to_have_text("0.0 quarters")
    assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 32
    page.mouse.wheel(0, 3000)  # the headline stays on screen while scrolling
    page.wait_for_timeout(300)
    box = page.locator(".headline").bounding_box()
    assert box is not None and 0 <= box["y"] < 1080
    context.close()


def test_phone_width_has_no_sideways_scroll(browser: Browser, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server_url, wait_until="commit")
    wait_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("[data-outcome=control_index]")).to_be_visible()
    context.close()


def test_headline_moves_with_a_live_export_control(browser: Browser, server_url: str) -> None:
    page = open_app(browser, server_url)
    outage = page.locator("[data-outcome=outage_quarters]")
    expect(outage).to_contain_text("= baseline")
    click_button(page, "Reset")
    click_button(page, "Step")
    click_button(page, "Export control")
    for quarter in range(2, 9):
        click_button(page, "Step")
        expect(page.locator(".quarter-label")).to_have_text(f"Quarter {quarter} / 40")
    expect(outage.locator(".hl-change")).to_contain_text("vs baseline")
    color = outage.locator(".hl-change").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(183, 28, 28)", color  # worse than the baseline: red
    page.context.close()
