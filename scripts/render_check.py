"""Open the workshop page in headless Chromium with every host but the server unreachable,
and wait until its charts are drawn: proof that the page renders offline.

Usage: ``python scripts/render_check.py URL [--timeout SECONDS]``; exit 0 when drawn, 1 (one
line) when not. Used by scripts/wheel_check.sh against a server installed from the wheel.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SELECTOR = "[data-chart=control] polyline"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--selector", default=SELECTOR, help="CSS selector that means drawn")
    parser.add_argument("--click", action="append", default=[], metavar="TEXT",
                        help="then press the button labelled TEXT ... (repeatable: in turn)")
    parser.add_argument("--expect", action="append", default=[], metavar="TEXT",
                        help="... and wait until TEXT is on the page (one per --click)")
    args = parser.parse_args(argv)
    if len(args.click) != len(args.expect):
        parser.error("give one --expect for each --click")
    from playwright.sync_api import Error, sync_playwright

    # Only 127.0.0.1 resolves: a page needing a CDN (or anything online) cannot draw.
    offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, offline])
        try:
            page = browser.new_page()
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(args.url, wait_until="commit")
            page.wait_for_selector(args.selector, timeout=args.timeout * 1000)
            for label, text in zip(args.click, args.expect, strict=True):
                page.get_by_role("button", name=label).first.click()
                page.get_by_text(text).first.wait_for(timeout=args.timeout * 1000)
        except Error as exc:
            print(f"render_check: page not drawn: {str(exc).splitlines()[0]}; failed "
                  f"requests: {failed[:5]}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    then = "".join(f", then {label!r} gave {text!r}"
                   for label, text in zip(args.click, args.expect, strict=True))
    print(f"render_check: {args.url} drawn offline ({args.selector}{then})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
