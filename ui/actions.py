"""State changes that need the scenario catalog: picking and uploading scenarios.

Each function returns a change (``AppState -> AppState``) for the session's ``update``; a
scenario that does not load leaves the setup as it was and shows the loader's one-line
message (the same as ``sovsim run`` prints).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from . import state as st
from .catalog import Catalog
from .limits import MAX_UPLOAD_BYTES, clean_filename
from .state import AppState

Change = Callable[[AppState], AppState]


def _message(text: str) -> Change:
    return lambda a: replace(a, message=text)


def pick(catalog: Catalog, name: str) -> Change:
    """Switch to a shipped scenario."""
    try:
        base = catalog.load(name)
    except catalog.errors as exc:
        return _message(str(exc))
    return lambda a: st.load_scenario(a, name, base)


def upload(catalog: Catalog, filename: str, data: bytes) -> Change:
    """Switch to an uploaded (or pasted) scenario file."""
    filename = clean_filename(filename)
    if len(data) > MAX_UPLOAD_BYTES:  # refused before decoding or parsing
        return _message(f"{filename}: file too large ({len(data):,} bytes; at most "
                        f"{MAX_UPLOAD_BYTES:,})")
    try:
        base = catalog.loads(data.decode("utf-8"), filename)
    except UnicodeDecodeError:
        return _message(f"{filename}: not a UTF-8 text file")
    except catalog.errors as exc:
        return _message(str(exc))
    return lambda a: st.load_scenario(a, filename, base)
