"""Helpers for in-process UI tests (``solara.render``)."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets


def blocks(rc, cls: str | None = None) -> list[str]:
    """The markup of every HTML block (:func:`ui.html.Html`), or of those with class ``cls``."""
    return [w.value for w in rc.find(ipywidgets.HTML).widgets
            if cls is None or cls in w._dom_classes]


def html(rc, cls: str) -> str:
    """The markup of the one HTML block with CSS class ``cls``."""
    found = blocks(rc, cls)
    assert len(found) == 1, f"{len(found)} HTML blocks with class {cls!r}"
    return found[0]


def button(rc, label: str) -> v.Btn:
    found = [w for w in rc.find(v.Btn).widgets
             if label in [c for c in w.children if isinstance(c, str)]]
    assert len(found) == 1, f"{len(found)} buttons labelled {label!r}"
    return found[0]


def texts(rc) -> str:
    """All plain text shown by Text/Warning widgets, joined."""
    return "\n".join(c for w in descendants(rc.container) if isinstance(w, (v.Html, v.Alert))
                     for c in w.children if isinstance(c, str))


def descendants(widget) -> list:
    """Every widget below ``widget`` (children and slots)."""
    out, todo = [], [widget]
    while todo:
        w = todo.pop(0)
        kids = list(getattr(w, "children", None) or [])
        for slot in getattr(w, "v_slots", None) or []:
            kids += list(slot.get("children") or []) if isinstance(slot, dict) else []
        for k in kids:
            if hasattr(k, "keys"):  # a widget, not a string
                out.append(k)
                todo.append(k)
    return out


def with_class(rc, cls: str) -> list:
    """Containers (Column/Row sheets) whose CSS classes include ``cls``."""
    return [w for w in descendants(rc.container)
            if cls in (getattr(w, "class_", None) or "").split()]


def lever(rc, name: str, widget=v.Slider, panel: str = ""):
    """The control of parameter ``name``, in the panel with CSS class ``panel`` if given
    (levers also appear in the per-state overrides panel)."""
    scope = descendants(with_class(rc, panel)[0]) if panel else descendants(rc.container)
    boxes = [w for w in scope if f"lever-{name}" in (getattr(w, "class_", None) or "").split()]
    if not panel:
        inside = {id(w) for p in with_class(rc, "panel-overrides") for w in descendants(p)}
        boxes = [b for b in boxes if id(b) not in inside]
    assert len(boxes) == 1, f"{len(boxes)} controls for {name}"
    found = [w for w in descendants(boxes[0]) if isinstance(w, widget)]
    assert len(found) == 1, f"{len(found)} {widget.__name__} in lever-{name}"
    return found[0]


def lever_label(rc, name: str) -> str:
    """The label text of the all-states control of ``name``."""
    box = [b for b in with_class(rc, f"lever-{name}")][-1] if not with_class(
        rc, "panel-overrides") else None
    assert box is not None, "close the overrides panel first"
    return " ".join(c for w in descendants(box) if isinstance(w, v.Html)
                    for c in w.children if isinstance(c, str))


def tab(rc, label: str) -> None:
    """Switch the page's section (the tab bar's toggle buttons)."""
    rc.find(v.BtnToggle).widget.v_model = label


def textarea(rc, label: str) -> v.Textarea:
    return rc.find(v.Textarea, label=label).widget


def server_process(log, port: int, env_extra: dict[str, str]):
    """The production server (``ui.server.command``) as a process the test may kill (SIGKILL) and
    start again on the same port; returns (process, url) once it serves pages."""
    import subprocess
    import time
    import urllib.request

    from ui import server

    env = {**server.environment(), **env_extra}
    with open(log, "ab") as out:
        proc = subprocess.Popen(server.command("127.0.0.1", port), cwd=server.ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"solara server exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"solara server not ready; see {log}")
        time.sleep(0.2)


ADVANCED = "▸ Advanced: more levers, assumptions, per-state overrides"


def open_advanced(rc) -> None:
    """Open the Advanced section (levers beyond the key ones, assumptions, overrides)."""
    button(rc, ADVANCED).click()


def ensemble_on(rc, timeout: float = 120.0) -> None:
    """Turn the ensemble switch on and wait until the background runs are drawn."""
    rc.find(v.Switch, class_="ensemble-switch").widget.v_model = True
    wait_for(lambda: "band:" in html(rc, "chart-control"), timeout)


def wait_for(condition, timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def share_query(rc) -> str:
    """The query the address bar holds (the UrlSync widget's)."""
    from ui.browser import _UrlSync

    return "?" + rc.find(_UrlSync).widget.query
