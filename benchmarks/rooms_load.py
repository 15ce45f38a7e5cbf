"""Load of the participatory workshop in real Chromium: a console, a projector screen and
8 teams (30 participants: several devices per team follow the same seat).

Measures the round advance (click to the console showing the next round), each team page's
latency (click to that page showing the new round, timed in the page), and the server's
memory. With ``--screenshots DIR`` it also saves the console, a team page on a 390 px phone
and the screen at 1920x1080 (mid-game and the debrief).

    python benchmarks/rooms_load.py [--participants 30] [--rounds 3] [--screenshots docs/img]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

TEAMS = (("IDN", "Garuda"), ("SGP", "Merlion"), ("VNM", "Lotus"), ("THA", "Elephant"),
         ("MYS", "Harimau"), ("PHL", "Sampaguita"), ("KHM", "Angkor"), ("LAO", "Mekong"))
LEVERS = ("national_model", "require_evaluation", "retire_national_model")
WATCH = """(args) => { const [sel, text] = args; window.__seen = 0;
  const t = setInterval(() => { const e = document.querySelector(sel);
    if (e && e.innerText.includes(text)) { window.__seen = Date.now(); clearInterval(t); } },
  10); }"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--screenshots", type=Path, default=None)
    args = ap.parse_args()

    import psutil
    from playwright.sync_api import expect, sync_playwright
    from ui_helpers import server_process

    from ui.server import free_port, launch_chromium

    folder = Path(tempfile.mkdtemp(prefix="rooms-load-"))
    proc, url = server_process(folder / "solara.log", free_port(),
                               {"SOVSIM_ROOMS_DB": str(folder / "rooms.sqlite")})
    server = psutil.Process(proc.pid)
    rss0 = server.memory_info().rss
    expect.set_options(timeout=120_000)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)

            def device(w=1300, h=900):
                page = browser.new_context(viewport={"width": w, "height": h}).new_page()
                page.set_default_timeout(120_000)
                return page

            fac = device(1500, 1000)
            fac.goto(url + "facilitate", wait_until="commit")
            fac.locator(".open-room").click()
            fac.wait_for_selector("[data-room-code]")
            code = parse_qs(urlparse(fac.url).query)["room"][0]
            teams = {}
            for seat, name in TEAMS:
                page = device(390, 844) if seat == "IDN" else device()
                page.goto(url + f"join?room={code}", wait_until="commit")
                page.locator(".team-name input").fill(name)
                page.locator(f".seat-{seat}").click()
                page.wait_for_selector(".team-headline")
                teams[seat] = page
            extra = []  # more devices per team, on the same seat
            seats = list(teams)
            for i in range(max(0, args.participants - len(teams))):
                page = device()
                page.goto(teams[seats[i % len(seats)]].url, wait_until="commit")
                extra.append(page)
            for page in extra:
                page.wait_for_selector(".team-headline")
            screen = device(1920, 1080)
            screen.goto(url + f"screen/{code}", wait_until="commit")
            screen.wait_for_selector(".screen-table")
            advance, latency, submit = [], [], []
            for r in range(1, args.rounds + 1):
                for i, page in enumerate(teams.values()):
                    box = page.locator(f".lever-{LEVERS[(i + r) % len(LEVERS)]} input")
                    box.set_checked(not box.is_checked())
                    t0 = time.time()
                    page.locator(".submit").click()
                    expect(page.locator(".submit-state")).to_contain_text("Submitted")
                    submit.append(time.time() - t0)
                expect(fac.locator(".submitted-count")).to_contain_text(
                    f"{len(teams)} of {len(teams)}")
                if r == 1 and args.screenshots:
                    shoot(args.screenshots, fac, teams["IDN"], screen, "")
                text = f"Round {r + 1} of" if r < 10 else "Game over"
                for page in teams.values():
                    page.evaluate(WATCH, [".team-title", text])
                t0 = time.time()
                fac.locator(".advance").click()
                expect(fac.locator(".room-status")).to_contain_text(text)
                advance.append(time.time() - t0)
                for page in teams.values():
                    page.wait_for_function("() => window.__seen > 0")
                    latency.append(page.evaluate("() => window.__seen") / 1000 - t0)
            rss = server.memory_info().rss
            report(args, submit, advance, latency, rss0, rss)
            if args.screenshots:
                expect(screen.locator(".headline-quarter")).to_contain_text(
                    f"quarter {4 * args.rounds}")
                shoot(args.screenshots, fac, teams["IDN"], screen, "-playing")
                for r in range(args.rounds + 1, 11):
                    fac.locator(".advance").click()
                    expect(fac.locator(".room-status")).to_contain_text(
                        f"Round {r + 1} of" if r < 10 else "Game over")
                fac.locator(".run-fork").click()
                fac.wait_for_selector("[data-chart=fork-control_index]")
                screen.wait_for_selector("[data-chart=paths]")
                screen.wait_for_selector("[data-chart=screen-fork-control_index]")
                screen.screenshot(path=str(args.screenshots / "rooms-debrief-1920x1080.png"))
                fac.screenshot(path=str(args.screenshots / "rooms-console-fork.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    return 0


def report(args, submit, advance, latency, rss0, rss) -> None:
    def ms(xs):
        return (f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms "
                f"(n={len(xs)})")

    print(f"participants: {args.participants} in {len(TEAMS)} teams + console + screen; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"submit (click to 'Submitted' on the team page): {ms(submit)}")
    print(f"round advance (click to the console showing the next round): {ms(advance)}")
    print(f"team page latency (advance click to the new round on each team's page): "
          f"{ms(latency)}")
    print(f"server memory: {rss0 / 1e6:.0f} MB at start, {rss / 1e6:.0f} MB with everyone "
          f"connected after {args.rounds} rounds", flush=True)


def shoot(folder: Path, fac, team, screen, suffix: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fac.screenshot(path=str(folder / f"rooms-console{suffix}.png"))
    team.locator(".team-title").scroll_into_view_if_needed()
    team.screenshot(path=str(folder / f"rooms-team-390{suffix}.png"))
    screen.screenshot(path=str(folder / f"rooms-screen-1920x1080{suffix}.png"))


if __name__ == "__main__":
    raise SystemExit(main())
