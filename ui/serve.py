"""``python -m ui.serve run app.py ...``: ``solara run``, with websocket frames written
straight from each session's thread, and the page's modules imported up front with the
garbage collector paused (:func:`preload`).

By default Solara hands every outgoing widget message to the event loop (one thread
handoff, task and loop wake-up per message), and the one event loop serves every session:
with ten sessions playing, a lever change waited there for its six messages in turn.
Solara's ``SOLARA_SERVER_SYNC_WS_WRITE`` (set by :func:`ui.server.environment`) writes the
frames from the sending thread instead; it needs uvicorn's ``websockets`` protocol, not the
``websockets-sansio`` one that uvicorn's "auto" picks, and ``solara run`` has no option for
it, so this launcher points "auto" there before Solara's command line starts the server.
Measured in headless Chromium with ten sessions (benchmarks/bench_ui.py), the median lever
change went from ~450 ms to ~255 ms. Where the protocol is unavailable (a later uvicorn
without it), Solara logs one warning and uses its default path: the workshop still works;
this launcher lets that warning through Solara's log configuration (which otherwise shows
errors only), and tests/e2e/test_browser.py fails on it, so it does not go unnoticed.
"""

from __future__ import annotations

import gc
import importlib
import warnings

#: The workshop's modules the page imports (with Solara): loaded by :func:`preload`.
PAGE_MODULES = ("components", "headline", "session", "rooms.pages")


def use_sync_websocket_protocol() -> None:
    import uvicorn.config

    uvicorn.config.WS_PROTOCOLS["auto"] = uvicorn.config.WS_PROTOCOLS["websockets"]
    # uvicorn marks that protocol deprecated in favour of the sans-io one, which Solara's
    # synchronous writes cannot use yet; chosen knowingly, so not a warning for the log
    warnings.filterwarnings("ignore", message="The `websockets` implementation is deprecated",
                            category=uvicorn.config.UvicornDeprecationWarning)


def show_fallback_warning() -> None:
    """Let Solara's one-line warning that synchronous writes are unavailable reach the log."""
    from solara.__main__ import LOGGING_CONFIG

    LOGGING_CONFIG["loggers"]["solara.server.sync_ws_write"] = {
        "handlers": ["default"], "level": "WARNING", "propagate": False}


def preload() -> None:
    """Import Solara and the workshop's modules with the garbage collector paused, then
    freeze what they allocated. Collections during those imports only walk objects that
    live as long as the server (a tenth of the start-up, ~80 ms here); frozen, they are
    left out of every later full collection too, which under a room's load paused all
    sessions for ~100 ms every ~10 s."""
    gc.disable()
    try:
        import solara  # noqa: F401 - the import is the point

        for name in PAGE_MODULES:
            importlib.import_module(f"{__package__}.{name}")
    finally:
        gc.enable()
    gc.freeze()


def main() -> None:
    use_sync_websocket_protocol()
    show_fallback_warning()
    preload()
    from solara.__main__ import main as solara_main

    solara_main()


if __name__ == "__main__":
    main()
