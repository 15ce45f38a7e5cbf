"""What one share link, paste or session may cost the server.

Every participant can open links and paste scenarios, so each request is bounded before any
work is done: a crafted input gets a one-line refusal, never minutes of CPU or a gigabyte of
memory for the whole room.
"""

from __future__ import annotations

from model import ScenarioSpec

#: Characters of the ``s=`` token in a share link (a shipped scenario with a full workshop of
#: lever changes and live events needs ~1 KB; a link carrying a custom scenario a few KB).
MAX_LINK_CHARS = 64_000
#: Bytes of JSON after decompression (a zlib bomb stops here, not in memory).
MAX_LINK_BYTES = 300_000
#: Live events one session (or link) may hold; a 90-minute workshop injects a dozen.
MAX_LIVE_EVENTS = 60
#: Quarters a scenario may run in the UI (the model allows more for batch work).
MAX_HORIZON = 120
#: States in a custom region shown in the UI.
MAX_STATES = 40
#: State-quarters an ensemble may simulate (replications × quarters × states): 50 runs of
#: the 11-state, 40-quarter default fit; a longer or larger scenario gets fewer runs.
MAX_ENSEMBLE_WORK = 50 * 40 * 11
#: Bytes of an uploaded or pasted scenario (the scenario loader's own limit, 256 KiB):
#: checked before any parsing, so a huge drop costs nothing.
MAX_UPLOAD_BYTES = 256 * 1024
#: Characters of a file name shown in messages.
MAX_FILENAME = 80


class LimitError(ValueError):
    """A request over one of the limits above (one-line message)."""


def check_spec(spec: ScenarioSpec, what: str) -> None:
    """Raise :class:`LimitError` if the UI should not run ``spec`` at all."""
    if spec.horizon > MAX_HORIZON:
        raise LimitError(f"{what}: horizon {spec.horizon} quarters is more than the workshop "
                         f"runs ({MAX_HORIZON}); use 'sovsim run' for longer runs")
    if len(spec.states) > MAX_STATES:
        raise LimitError(f"{what}: {len(spec.states)} states is more than the workshop shows "
                         f"({MAX_STATES})")


def ensemble_allowed(spec: ScenarioSpec, n: int) -> bool:
    """Whether an ensemble of ``n`` runs of ``spec`` fits the per-session budget."""
    return n * spec.horizon * len(spec.states) <= MAX_ENSEMBLE_WORK


def short(text: object, limit: int = 40) -> str:
    """User input quoted in a message: one line, at most ``limit`` characters, and never a
    path (a message must not confirm what exists where on the server)."""
    shown = " ".join(str(text).split())
    if "/" in shown or "\\" in shown:
        return "(a file path)"
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def clean_filename(name: object) -> str:
    """An uploaded file's name as shown in messages: no directories, bounded length."""
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "upload.yaml"
    return short(base, MAX_FILENAME)
