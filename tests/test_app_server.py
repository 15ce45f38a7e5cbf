"""``sovsim app`` as a process (issue 11 items 3 and 4): stopped by SIGTERM it frees its port,
a taken port is said in one line, and Solara's SameSite warning does not reach the log."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
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


@pytest.mark.parametrize(("argv", "url"), [
    (["run", "app.py", "--host", "127.0.0.1", "--port", "8800"], "http://127.0.0.1:8800/"),
    (["run", "app.py", "--host=0.0.0.0", "--port=9000"], "http://127.0.0.1:9000/"),
    (["run", "app.py", "--host", "::"], "http://[::1]:8765/"),
    (["run", "app.py", "--port", "0"], None),
])
def test_the_launcher_knows_where_its_server_answers(argv, url) -> None:
    from ui.serve import server_url

    assert server_url(argv) == url


def test_static_files_are_asked_for_once_the_server_answers() -> None:
    """The launcher's warm-up asks for the page's own scripts and style sheets (scripts
    first), gzipped, and then the scripts require.js loads; nothing on other hosts."""
    import http.server

    from ui.serve import REQUIRED_SCRIPTS, warm_static_files

    page = (b'<link href="/_solara/cdn/a.css?v=1"><script src="/_solara/cdn/b.js"></script>'
            b'<a href="https://solara.dev">x</a><img src="//cdn.example/c.png">')
    asked: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            asked.append((self.path, self.headers.get("Accept-Encoding")))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(page if self.path == "/" else b"")

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        paths = warm_static_files(f"http://127.0.0.1:{httpd.server_address[1]}/", timeout=10)
        httpd.shutdown()
    expected = ["_solara/cdn/b.js", "_solara/cdn/a.css", *REQUIRED_SCRIPTS]
    assert paths == expected
    assert [path for path, _ in asked] == ["/", *(f"/{p}" for p in expected)]
    assert all(encoding == "gzip" for _, encoding in asked[1:])
