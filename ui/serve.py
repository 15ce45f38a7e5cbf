"""``python -m ui.serve run app.py ...``: ``solara run``, with websocket frames written
straight from each session's thread, the page's modules imported up front with the garbage
collector paused (:func:`preload`), and the page's static files compressed as soon as the
server answers (:func:`warm_static_files`).

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
import logging
import re
import sys
import threading
import time
import urllib.request
import warnings

#: The workshop's modules the page imports (with Solara): loaded by :func:`preload`.
PAGE_MODULES = ("components", "headline", "session", "rooms.pages")
#: Scripts the page loads through require.js (not named in its HTML), the largest first.
REQUIRED_SCRIPTS = ("jupyter/nbextensions/jupyter-vue/nodeps-vue-sfc.js",
                    "jupyter/nbextensions/jupyter-vue/nodeps.js",
                    "jupyter/nbextensions/jupyter-vuetify/nodeps.js")
_LOCAL_REFERENCE = re.compile(r'(?:src|href)="/(?!/)([^"?#]+)')
log = logging.getLogger(__name__)


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


def server_url(argv: list[str]) -> str | None:
    """The address this server will answer on, from ``solara run``'s ``--host`` and
    ``--port`` (None for a random port, ``--port 0``)."""
    def option(name: str, default: str) -> str:
        for k, arg in enumerate(argv):
            if arg == name and k + 1 < len(argv):
                return argv[k + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
        return default

    port = option("--port", "8765")
    if port == "0":
        return None
    host = option("--host", "localhost")
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # every address: this one
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def warm_static_files(url: str, timeout: float = 120.0) -> list[str]:
    """Once the server at ``url`` answers, ask it for the page's own files, gzipped.

    Solara compresses each static file on its first request and keeps the result; on a
    fresh server that first compression (0.23 s here, 0.16 s of it Solara's 3.9 MB
    bundle) was inside the first visitor's page load. Asked for here, the first visitor
    gets them from memory (or waits only for the rest of a compression already under way).
    Returns the paths asked for; a failure costs only this head start (logged at debug)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                html = response.read().decode("utf-8", "replace")
            break
        except OSError:
            if time.monotonic() > deadline:
                log.debug("static files not warmed: %s did not answer", url)
                return []
            time.sleep(0.01)
    named = sorted(dict.fromkeys(_LOCAL_REFERENCE.findall(html)),
                   key=lambda path: not path.endswith(".js"))  # scripts first: the largest
    paths = [*named, *REQUIRED_SCRIPTS]
    for path in paths:
        request = urllib.request.Request(url + path, headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except OSError as exc:
            log.debug("static file %s not warmed: %s", path, exc)
    return paths


def main() -> None:
    use_sync_websocket_protocol()
    show_fallback_warning()
    preload()
    url = server_url(sys.argv[1:])
    if url is not None:
        threading.Thread(target=warm_static_files, args=(url,), name="warm-static-files",
                         daemon=True).start()
    from solara.__main__ import main as solara_main

    solara_main()


if __name__ == "__main__":
    main()
