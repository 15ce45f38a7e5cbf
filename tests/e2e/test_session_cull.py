"""Issue 11 item 20: closed browser sessions are culled after the documented idle time
(ui.server.CULL_TIMEOUT, here shortened through SOLARA_KERNEL_CULL_TIMEOUT), their models
and caches released, and the server's memory comes back."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
from playwright.sync_api import Browser

from ui.server import CULL_TIMEOUT, running_server

from .conftest import open_app

SESSIONS = 8


def server_process(url: str) -> psutil.Process:
    port = url.rstrip("/").rsplit(":", 1)[1]
    for child in psutil.Process().children(recursive=True):
        try:
            cmd = child.cmdline()
        except psutil.Error:
            continue
        # started by ui.server.command: ``python -m ui.serve run app.py ... --port N``
        if "run" in cmd and "--port" in cmd and port in cmd:
            return child
    raise AssertionError("solara server process not found")


def rss_mb(proc: psutil.Process) -> float:
    return proc.memory_info().rss / 2**20


def test_documented_cull_timeout_is_minutes_not_a_day() -> None:
    import solara.server.settings as settings

    from ui.server import apply_cull_timeout

    assert CULL_TIMEOUT == "2m"
    assert apply_cull_timeout() in (CULL_TIMEOUT, settings.kernel.cull_timeout)


def test_closed_sessions_are_culled_and_memory_returns(browser: Browser,
                                                       tmp_path: Path) -> None:
    with running_server(tmp_path / "solara.log",
                        env={"SOLARA_KERNEL_CULL_TIMEOUT": "3s"}) as url:
        proc = server_process(url)
        # one session first, with an ensemble: what any first session imports and caches
        # for good (modules, the shipped scenarios) is not a session's memory
        warm = open_app(browser, url)
        warm.locator(".ensemble-switch input").click()
        warm.wait_for_selector('[data-chart=control] [data-series^="band:"]', timeout=300_000)
        warm.context.close()
        time.sleep(6)
        idle = rss_mb(proc)
        pages = []
        for _ in range(SESSIONS):  # one after the other: the machine is shared
            page = open_app(browser, url)
            page.locator(".ensemble-switch input").click()  # each session holds runs
            page.wait_for_selector('[data-chart=control] [data-series^="band:"]',
                                   timeout=300_000)
            pages.append(page)
        peak = rss_mb(proc)
        for page in pages:
            page.context.close()
        deadline = time.monotonic() + 60
        after = rss_mb(proc)
        while time.monotonic() < deadline:
            time.sleep(2)
            after = rss_mb(proc)
            if after - idle <= 0.5 * (peak - idle):
                break
        print(f"server memory: idle {idle:.0f} MB, {SESSIONS} sessions {peak:.0f} MB, "
              f"after closing and culling {after:.0f} MB")
        assert peak > idle + 10, "the sessions did not use memory; nothing to show"
        assert after - idle <= 0.5 * (peak - idle)
