"""Screenshots of the workshop UI for the README and docs (``docs/img/*.png``).

Each view is opened through a share link built here, so the pictures are reproducible:
the main view (coordinated resilience at quarter 24 after a live export control), the
comparison (possession against coordinated resilience, overlaid, with delta panels), the
ensemble bands, a takeaway story, and presentation mode (key levers beside two large charts)
at room and phone sizes: 1920x1080 (projector), 1920x1080 at 150% zoom (1280x720 CSS pixels
at device scale 1.5) and 390x844 (phone).

Usage: ``python scripts/ui_screenshots.py [--out docs/img]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from ui import share  # noqa: E402
from ui import state as st  # noqa: E402
from ui.catalog import shipped_catalog  # noqa: E402
from ui.server import launch_chromium, running_server  # noqa: E402


def views() -> dict[str, str]:
    """File name -> share-link query of each view."""
    catalog = shipped_catalog()
    name = "coordinated_resilience"
    s = st.initial_state(name, catalog.load(name))
    s = st.inject(replace(s, step=12), "export_control", ("all",), bloc="A", layer="both")
    main = replace(s, step=24, message="")
    from ui import stories

    story = stories.open_chapter(main, catalog, "shock", 1)
    return {"main.png": share.encode(main, catalog),
            "present.png": share.encode(replace(main, present=True), catalog),
            "story.png": share.encode(story, catalog),
            "compare.png": share.encode(replace(main, tab=1), catalog),
            "ensemble.png": share.encode(replace(main, step=40, ensemble=True), catalog)}


#: Room and phone sizes of the main view: (CSS width, CSS height, device scale).
SIZES = {"main-1920x1080.png": (1920, 1080, 1.0), "main-1920x1080-zoom150.png": (1280, 720, 1.5),
         "main-390x844.png": (390, 844, 1.0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.mkdtemp()) / "solara.log"
    with running_server(log) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        shots = [(name, query, SIZES.get(name, (1600, 1200, 1.0)))
                 for name, query in views().items()]
        # room and phone sizes: presentation mode, key levers beside the two large charts
        shots += [(name, views()["present.png"], size) for name, size in SIZES.items()]
        for filename, query, (width, height, scale) in shots:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=scale)
            page.goto(f"{url}?{query}")
            ready = "[data-chart=cmp-control_index]" if filename == "compare.png" else \
                "[data-chart] polyline"
            page.wait_for_selector(ready, timeout=240_000)
            if filename == "ensemble.png":
                page.wait_for_selector('[data-chart=control] [data-series^="band:"]',
                                       timeout=240_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(args.out / filename),
                            full_page=filename in ("compare.png", "ensemble.png"))
            print(f"wrote {args.out / filename}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
