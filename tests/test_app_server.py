"""``sovsim app`` as a process (issue 11 items 3 and 4): stopped by SIGTERM it frees its port,
a taken port is said in one line, and Solara's SameSite warning does not reach the log."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ui import server

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(bool(server.missing_assets()),
                                reason="Solara assets not vendored (sovsim app --vendor-assets)")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_sigterm_stops_the_server_and_frees_the_port(tmp_path):
    port = server.free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(tmp_path / "app.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "app", "--port",
                                 str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert _wait(lambda: _answers(url), 60), (tmp_path / "app.log").read_text()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        assert _wait(lambda: not _answers(url), 10), "a server still answers after SIGTERM"
        assert not server.port_in_use("127.0.0.1", port)
    finally:
        proc.kill()
        proc.wait()


def test_a_taken_port_is_one_clear_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "experiments.cli", "app", "--port",
                               str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"sovsim: error: port {port} on 127.0.0.1 is already in use (another sovsim app still "
        "running?): stop it, or choose another with --port"]


def test_no_samesite_warning_on_first_page_load(tmp_path):
    log = tmp_path / "solara.log"
    with server.running_server(log) as url:  # 127.0.0.1, not "localhost": the warning's case
        assert "127.0.0.1" in url
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert "samesite=lax" in response.headers.get("set-cookie", "").lower()
        time.sleep(0.5)
    text = log.read_text()
    assert "samesite" not in text.lower(), text
    assert "Warning" not in text, text


def test_the_server_starts_without_mesa_or_pandas() -> None:
    """What the server imports before its first page (Solara and the app): no Mesa
    (sessions step the engine directly) and no pandas (0.2 s of start-up; importing it
    while sessions render races reacton's look-up of it, so the UI never does: see
    ui/sim.py and tests/test_ui_state.py::test_the_ui_server_never_imports_pandas)."""
    code = ("import sys, solara.server.starlette, app; "
            "print(sorted(m for m in ('mesa', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=server.environment(),
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_launcher_preloads_the_page_with_the_collector_back_on() -> None:
    """ui/serve.py imports Solara and the page's modules before Solara's command line, with
    garbage collection paused, then freezes them: collection must be on again after."""
    code = ("import gc, sys; from ui import serve; serve.preload(); "
            "print(gc.isenabled(), gc.get_freeze_count() > 10_000, "
            "all(f'ui.{m}' in sys.modules for m in serve.PAGE_MODULES), 'solara' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=server.environment(),
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1] == "True True True True"
