"""Start the workshop app as a real ``solara run`` server, and a headless Chromium for it.

Used by ``sovsim app``, the browser tests, the benchmark and the screenshot script.
"""

from __future__ import annotations

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
APP = ROOT / "app.py"
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
    cmd = [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
           "--no-open"]
    return [*cmd, "--production"] if production else cmd


def environment() -> dict[str, str]:
    """The server's environment: this checkout importable, no telemetry calls."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # Let the server cache compiled imports (Solara, Mesa, pandas: ~2 s of compiling on
    # every start otherwise, where PYTHONDONTWRITEBYTECODE is set machine-wide).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@contextmanager
def running_server(log: Path, port: int | None = None, timeout: float = 60.0,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """A production ``solara run app.py`` on a free port; yields its URL, stops it after."""
    missing = missing_assets()
    if missing:
        raise RuntimeError(f"Solara assets not vendored ({', '.join(missing)}): run "
                           "python scripts/vendor_solara_assets.py")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command("127.0.0.1", port), cwd=ROOT,
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
            time.sleep(0.2)
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
