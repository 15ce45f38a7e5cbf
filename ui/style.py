"""Room-size type and a layout that fits a phone: one style sheet for the whole page.

The sheet is ``ui/static/custom.css``. ``sovsim app`` (and every server started through
:mod:`ui.server`) serves that folder as Solara's extra assets, so the sheet is in the page's
``<head>`` and the first paint has it; :func:`RoomStyle` also inserts it from the page, for a
server started as ``solara run app.py``, where it arrives once the widgets are drawn.
"""

from __future__ import annotations

from functools import cache

import solara

from .server import STATIC

CSS_FILE = STATIC / "custom.css"


@cache
def room_css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


@solara.component
def RoomStyle():
    solara.Style(room_css())
