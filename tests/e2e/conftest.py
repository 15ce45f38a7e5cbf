"""Browser tests: one real ``solara run app.py --production`` server and one headless
Chromium for the whole session; every test gets fresh browser contexts (sessions)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ui.server import launch_chromium, running_server

pytestmark = pytest.mark.e2e
# The machine is shared (2 cores, other sessions running): wait longer than the defaults
# before calling a redraw missing.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "solara.log"


@pytest.fixture(scope="session")
def server_url(server_log: Path) -> Iterator[str]:
    with running_server(server_log) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def open_app(browser: Browser, url: str, wait: bool = True) -> Page:
    """A new session (browser context) with the app loaded and charts drawn."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url, wait_until="commit")
    if wait:
        wait_drawn(page)
    return page


def wait_drawn(page: Page) -> None:
    # generous: the machine is shared, and five sessions load at once in one test
    page.wait_for_selector("[data-chart=control] polyline", timeout=120_000)
    # the charts can be drawn while Solara's loading screen is still fading out (a
    # page-wide transition, 19,000 px wide on a phone in mid-flight): wait until it is gone
    page.wait_for_selector(".solara-loader", state="detached", timeout=30_000)


@pytest.fixture(scope="module")
def app_page(browser: Browser, server_url: str) -> Iterator[Page]:
    """One session shared by a module's tests (page loads cost ~3 s each); tests that
    need a known quarter press Reset first."""
    page = open_app(browser, server_url)
    yield page
    page.context.close()
