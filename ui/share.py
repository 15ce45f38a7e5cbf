"""Share links: the scenario, lever changes, overrides, live events and view in a URL.

The state is written as compact JSON, compressed and base64url-encoded into one query
parameter ``s``; :func:`decode` turns it back into an :class:`AppState` or raises
:class:`ShareError` with a one-line message.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from model import Event
from model.spec import SpecError

from .catalog import Catalog
from .sim import ENSEMBLE_SIZE, ENSEMBLE_SIZES, REGION
from .state import AppState, Setup, initial_state

PARAM = "s"
VERSION = 1


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
    if setup.scenario in catalog.descriptions:
        body["sc"] = setup.scenario
    else:  # an uploaded scenario travels in full
        body["yaml"] = catalog.dump(setup.base)
        body["file"] = setup.scenario
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return f"{PARAM}={base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip('=')}"


def decode(search: str, catalog: Catalog) -> AppState:
    """The state a share link's query string encodes."""
    values = parse_qs(search.lstrip("?")).get(PARAM)
    if not values:
        raise ShareError(f"share link: no '{PARAM}=' parameter in {search[:40]!r}")
    token = values[0]
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        body = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise ShareError(f"share link: not a sovsim link (cannot decode: {exc})") from None
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise ShareError("share link: made by another sovsim version; "
                         f"expected format {VERSION}")
    try:
        if "sc" in body:
            if body["sc"] not in catalog.descriptions:
                raise ShareError(f"share link: scenario {body['sc']!r} is not shipped here; "
                                 f"shipped: {', '.join(catalog.names)}")
            name, base = body["sc"], catalog.load(body["sc"])
        else:
            name, base = str(body["file"]), catalog.loads(body["yaml"], str(body["file"]))
        events = tuple(Event(int(e["step"]), e["kind"], ("all",) if e["targets"] == "all"
                             else tuple(e["targets"]), dict(e.get("params", {})))
                       for e in body["ev"])
        setup = Setup(name, base, dict(body["val"]),
                      {k: dict(v) for k, v in body["ov"].items()}, events)
        spec = setup.spec()
    except catalog.errors as exc:
        raise ShareError(f"share link: {exc}") from None
    except SpecError as exc:
        raise ShareError(f"share link: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise ShareError(f"share link: malformed ({exc!r})") from None
    step = body.get("t", spec.horizon)
    if not isinstance(step, int) or not 0 <= step <= spec.horizon:
        raise ShareError(f"share link: step {step!r} outside 0..{spec.horizon}")
    focus = body.get("f", REGION)
    if focus != REGION and focus not in [s.iso3 for s in spec.states]:
        raise ShareError(f"share link: unknown state {focus!r}")
    n = body.get("n", ENSEMBLE_SIZE)
    if n not in ENSEMBLE_SIZES:
        raise ShareError(f"share link: ensemble size {n!r}; allowed: "
                         f"{', '.join(map(str, ENSEMBLE_SIZES))}")
    tab = body.get("tab", 0)
    compare = body.get("cmp", ["", ""])
    if tab not in (0, 1, 2, 3) or not (isinstance(compare, list) and len(compare) == 2):
        raise ShareError("share link: malformed view (tab or comparison)")
    return replace(initial_state(name, base), setup=setup, step=step, focus=focus,
                   ensemble=bool(body.get("ens", False)), ensemble_size=n, tab=tab,
                   compare=(str(compare[0]), str(compare[1])))
