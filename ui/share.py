"""Share links: the scenario, lever changes, overrides, live events and view in a URL.

The state is written as compact JSON, compressed and base64url-encoded into one query
parameter ``s``; :func:`decode` turns it back into an :class:`AppState` or raises
:class:`ShareError` with a one-line message.

A link is untrusted input: every field is type-checked, the token and its decompressed JSON
are bounded (:mod:`ui.limits`), scenarios are named from the shipped catalog or carried in
full, and nothing in a link can make the server open a file.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from model import EVENT_KINDS, Event
from model.spec import SpecError

from . import limits
from .catalog import Catalog
from .limits import short
from .sim import ENSEMBLE_SIZES, REGION
from .state import CURRENT, PRESENTATION_CHARTS, AppState, Setup, initial_state

PARAM = "s"
VERSION = 1
TABS = (0, 1, 2, 3, 4)


class ShareError(ValueError):
    """A share link that cannot be opened."""


def encode(state: AppState, catalog: Catalog) -> str:
    """The query string (``s=...``) that restores ``state``."""
    setup = state.setup
    body: dict[str, Any] = {"v": VERSION, "val": dict(setup.values),
                            "ov": {k: dict(v) for k, v in setup.overrides.items()},
                            "ev": [e.to_dict() for e in setup.live_events],
                            "t": state.step, "f": state.focus, "ens": state.ensemble,
                            "n": state.ensemble_size,
                            "tab": state.tab, "cmp": list(state.compare)}
    if state.present:
        body["pm"] = True
    if state.big != PRESENTATION_CHARTS:
        body["big"] = list(state.big)
    if state.story:
        body["st"], body["ch"] = state.story, state.chapter
    if setup.scenario in catalog.descriptions:
        body["sc"] = setup.scenario
    else:  # an uploaded scenario travels in full
        body["yaml"] = catalog.dump(setup.base)
        body["file"] = setup.scenario
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return f"{PARAM}={base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip('=')}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a link may carry")


def _body(token: str) -> dict:
    """The link's JSON, decoded within the size limits."""
    if len(token) > limits.MAX_LINK_CHARS:
        raise ShareError(f"share link: too long ({len(token):,} characters; at most "
                         f"{limits.MAX_LINK_CHARS:,})")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, limits.MAX_LINK_BYTES)
        if inflater.unconsumed_tail:
            raise ShareError(f"share link: unpacks to more than {limits.MAX_LINK_BYTES:,} "
                             "bytes")
        body = json.loads(raw, parse_constant=_no_constant)
    except ShareError:
        raise
    except (binascii.Error, zlib.error, ValueError, RecursionError):
        raise ShareError("share link: not a sovsim link (cut short or changed: it does "
                         "not unpack)") from None
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise ShareError("share link: made by another sovsim version; "
                         f"expected format {VERSION}")
    return body


def _field(body: dict, key: str, kind: type, default: Any) -> Any:
    """``body[key]`` (or ``default``) if it is a ``kind``; true/false is no number here."""
    value = body.get(key, default)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ShareError(f"share link: field {key!r} has the wrong type "
                         f"({type(value).__name__})")
    return value


def _scalar_values(values: dict, where: str) -> dict[str, Any]:
    for name, value in values.items():
        if not isinstance(value, (bool, int, float)):
            raise ShareError(f"share link: {where} {short(name)!r}: not a number or on/off")
    return dict(values)


def _events(rows: list, codes: list[str]) -> tuple[Event, ...]:
    if len(rows) > limits.MAX_LIVE_EVENTS:
        raise ShareError(f"share link: {len(rows):,} live events; at most "
                         f"{limits.MAX_LIVE_EVENTS}")
    events = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ShareError(f"share link: live event {i + 1} is not a mapping")
        step, kind = row.get("step"), row.get("kind")
        if not isinstance(step, int) or isinstance(step, bool):
            raise ShareError(f"share link: live event {i + 1}: quarter {short(step)!r} is not "
                             "a whole number")
        if not isinstance(kind, str) or kind not in EVENT_KINDS:
            raise ShareError(f"share link: live event {i + 1}: unknown kind {short(kind)!r}")
        targets = row.get("targets", "all")
        if targets == "all":
            targets = ("all",)
        elif (isinstance(targets, list) and 0 < len(targets) <= len(codes)
              and all(isinstance(t, str) for t in targets)):
            targets = tuple(targets)
        else:
            raise ShareError(f"share link: live event {i + 1}: targets must be 'all' or a "
                             "list of state codes")
        params = row.get("params", {})
        if not isinstance(params, dict):
            raise ShareError(f"share link: live event {i + 1}: parameters are not a mapping")
        events.append(Event(step, kind, targets, dict(params)))
    return tuple(events)


def _setup(body: dict, catalog: Catalog) -> Setup:
    if "sc" in body:
        name = body["sc"]
        if not isinstance(name, str) or name not in catalog.descriptions:
            raise ShareError(f"share link: scenario {short(name)!r} is not shipped here; "
                             f"shipped: {', '.join(catalog.names)}")
        base = catalog.load(name)
    else:
        text, name = body.get("yaml"), body.get("file", "shared.yaml")
        if not isinstance(text, str) or not isinstance(name, str):
            raise ShareError("share link: names no shipped scenario and carries none")
        name = limits.clean_filename(name)
        base = catalog.loads(text, name)
    values = _scalar_values(_field(body, "val", dict, {}), "lever")
    overrides = {}
    for iso3, levers in _field(body, "ov", dict, {}).items():
        if not isinstance(levers, dict):
            raise ShareError(f"share link: overrides for {short(iso3)!r} are not a mapping")
        overrides[iso3] = _scalar_values(levers, f"{short(iso3)} lever")
    events = _events(_field(body, "ev", list, []), [s.iso3 for s in base.states])
    return Setup(name, base, values, overrides, events)


def decode(search: str, catalog: Catalog) -> AppState:
    """The state a share link's query string encodes."""
    values = parse_qs(search.lstrip("?")).get(PARAM)
    if not values:
        raise ShareError(f"share link: no '{PARAM}=' parameter in {short(search)!r}")
    body = _body(values[0])
    try:
        setup = _setup(body, catalog)
        spec = setup.spec()
    except catalog.errors as exc:
        raise ShareError(f"share link: {exc}") from None
    except SpecError as exc:
        raise ShareError(f"share link: {exc}") from None
    step = _field(body, "t", int, spec.horizon)
    if not 0 <= step <= spec.horizon:
        raise ShareError(f"share link: quarter {step} outside 0..{spec.horizon}")
    focus = _field(body, "f", str, REGION)
    if focus != REGION and focus not in [s.iso3 for s in spec.states]:
        raise ShareError(f"share link: unknown state {short(focus)!r}")
    n = _field(body, "n", int, ENSEMBLE_SIZES[1])
    if n not in ENSEMBLE_SIZES:
        raise ShareError(f"share link: ensemble size {n}; allowed: "
                         f"{', '.join(map(str, ENSEMBLE_SIZES))}")
    ensemble = _field(body, "ens", bool, False)
    if ensemble and not limits.ensemble_allowed(spec, n):
        raise ShareError(f"share link: an ensemble of {n} runs of this scenario is more than "
                         "the workshop runs per session")
    tab = _field(body, "tab", int, 0)
    if tab not in TABS:
        raise ShareError(f"share link: unknown tab {tab}")
    compare = _field(body, "cmp", list, ["", ""])
    choices = ("", CURRENT, *catalog.names)
    if len(compare) != 2 or not all(isinstance(c, str) and c in choices for c in compare):
        shown = ", ".join(repr(short(c)) for c in compare[:2])
        raise ShareError(f"share link: comparison {shown} names no shipped scenario; "
                         f"shipped: {', '.join(catalog.names)}")
    from .charts import CHART_BY_KEY
    from .stories import STORY_BY_KEY

    present = _field(body, "pm", bool, False)
    big = _field(body, "big", list, list(PRESENTATION_CHARTS))
    if len(big) != 2 or not all(isinstance(k, str) and k in CHART_BY_KEY for k in big) \
            or big[0] == big[1]:
        raise ShareError(f"share link: presentation charts {short(big)!r} are not two of "
                         f"{', '.join(CHART_BY_KEY)}")
    story = _field(body, "st", str, "")
    chapter = _field(body, "ch", int, 0)
    if story and (story not in STORY_BY_KEY
                  or not 0 <= chapter < len(STORY_BY_KEY[story].chapters)):
        raise ShareError(f"share link: unknown story {short(story)!r} or chapter")
    return replace(initial_state(setup.scenario, setup.base), setup=setup, step=step,
                   focus=focus, ensemble=ensemble, ensemble_size=n, tab=tab,
                   compare=(compare[0], compare[1]), present=present,
                   big=(big[0], big[1]), story=story, chapter=chapter)
