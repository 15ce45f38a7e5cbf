"""Start the workshop app as a real ``solara run`` server, and a headless Chromium for it.

Used by ``sovsim app``, the browser tests, the benchmark and the screenshot script.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Served as Solara's extra assets: its ``custom.css`` (the page's style sheet) goes in the
#: ``<head>`` of every page, so the first paint is already room-size (see ui/style.py).
STATIC = Path(__file__).resolve().parent / "static"
APP = ROOT / "app.py"
#: True when running from an installed wheel (this module is ``sovsim.ui.server``); False in
#: a checkout, where the packages are importable from ROOT by their repository names.
INSTALLED = __name__.startswith("sovsim.")
#: Solara's SameSite warning: on plain http at any host but "localhost" (127.0.0.1, a room's
#: LAN address) Solara cannot set a SameSite=None cookie (only needed when the page is
#: embedded in an iframe, which the workshop is not), warns 12 lines on the first page load
#: and falls back to SameSite=Lax, which is right here. Ignored by its exact text and module.
SAMESITE_FILTER = ("ignore:Cookies with samesite=none require https:UserWarning:"
                   "solara.server.starlette")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


#: A browser session (kernel) that has been disconnected this long is closed, and its model,
#: runs and ensembles are released (Solara's own default is 24 hours). A participant whose
#: tab closes or whose laptop sleeps longer than this gets a fresh session on return; their
#: address bar still holds the share link, so a reload restores the view. Override with the
#: environment variable SOLARA_KERNEL_CULL_TIMEOUT (e.g. "30s", "10m").
CULL_TIMEOUT = "2m"


def apply_cull_timeout() -> str:
    """Set Solara's cull timeout to :data:`CULL_TIMEOUT` unless the environment chose one;
    returns the timeout in effect."""
    import solara.server.settings as settings

    if not os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT"):
        settings.kernel.cull_timeout = CULL_TIMEOUT
    return settings.kernel.cull_timeout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_assets() -> list[str]:
    """Front-end packages Solara needs that are not vendored (see :mod:`ui.assets`);
    empty when the app works offline."""
    from .assets import missing

    return missing()


def command(host: str, port: int, production: bool = True) -> list[str]:
    # Installed: the module sovsim.app (a script path would put the package folder on the
    # server's sys.path); a checkout: the file, which development mode reloads on change.
    app = "sovsim.app" if INSTALLED else str(APP)
    # ``solara run`` through ui/serve.py, which lets Solara write websocket frames from each
    # session's thread (see that module)
    launcher = "sovsim.ui.serve" if INSTALLED else "ui.serve"
    cmd = [sys.executable, "-m", launcher, "run", app, "--host", host, "--port", str(port),
           "--no-open"]
    return [*cmd, "--production"] if production else cmd


def workdir() -> Path | None:
    """The server's working directory: the checkout, or (installed) the caller's."""
    return None if INSTALLED else ROOT


def environment() -> dict[str, str]:
    """The server's environment: a checkout importable, no telemetry calls, no Solara
    badge, the page's style sheet in its head, websocket frames written from each session's
    thread, reacton's fast renderer, an allocator that gives memory back, Solara's SameSite
    warning (see :data:`SAMESITE_FILTER`) silenced."""
    env = dict(os.environ)
    if not INSTALLED:
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # Solara's "This website runs on Solara" badge sits over the last chart row and the
    # event buttons at the bottom right of a projector-sized page.
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    # websocket frames written from each session's thread, not queued on the one event loop
    # that serves every session (see ui/serve.py)
    env["SOLARA_SERVER_SYNC_WS_WRITE"] = "true"
    env["SOLARA_ASSETS_EXTRA_LOCATIONS"] = ",".join(
        filter(None, [str(STATIC), env.get("SOLARA_ASSETS_EXTRA_LOCATIONS")]))
    # Reacton's renderer that walks only the parts of the page that changed (opt-in in
    # reacton 1.11, tested by reacton against the default one): a quarter's step re-renders
    # in ~17 ms instead of ~37 ms, which is what lets a room of sessions play at once.
    env["REACTON_FAST"] = "1"
    # Memory a closed session held goes back to the system once it is culled: Python's
    # small-object arenas stay pinned by a few survivors, and glibc's per-thread arenas
    # (each ensemble runs in a thread) fragment; with both off, measured on 8 sessions,
    # 72% comes back instead of 44% (tests/e2e/test_session_cull.py), for ~3% slower renders.
    env.setdefault("PYTHONMALLOC", "malloc")
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), SAMESITE_FILTER]))
    # Let the server cache compiled imports (Solara and its widget libraries: seconds of
    # compiling on every start otherwise, where PYTHONDONTWRITEBYTECODE is set machine-wide).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (a socket in TIME_WAIT does not count,
    as for the server itself, which binds with SO_REUSEADDR)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


@contextmanager
def running_server(log: Path, port: int | None = None, timeout: float = 60.0,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """The production server of :func:`command` on a free port; yields its URL, stops it
    after."""
    missing = missing_assets()
    if missing:
        raise RuntimeError(f"Solara assets not vendored ({', '.join(missing)}): run "
                           "sovsim app --vendor-assets")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command("127.0.0.1", port), cwd=workdir(),
                                env={**environment(), **(env or {})},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"solara server exited with {proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"solara server not ready after {timeout:.0f} s; see {log}")
            time.sleep(0.05)  # the first page waits on this poll
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (never ``playwright install``)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
