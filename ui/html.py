"""Blocks of HTML on the page (charts, headline, cards, tables, headings).

They are ipywidgets' ``HTML`` widget, not ``solara.HTML``: ``solara.HTML`` is a Vue template
widget, and the browser compiles each instance (six blob modules apiece) before it can show
it; the workshop page has two dozen of them. Measured in headless Chromium, six page loads
and 48 lever changes alternating between the two servers: a page load took 2.01 s instead
of 2.44 s (median), and a lever change redrew in 133 ms instead of 143 ms (p90 184 instead
of 214 ms), because the browser only sets the new markup.

The block's CSS classes are on its outer element, as with ``solara.HTML``. The style
sheet's rules for ``.sov-html`` (``ui/static/custom.css``) undo the widget library's own
margins, fixed widths and line heights, and let the block stand in its parent's layout
(flex rows, sticky position) as ``solara.HTML`` did: the plain ``div`` that ipyvue wraps
around a non-Vue widget is given ``display: contents``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import ipywidgets
import traitlets
from ipywidgets.widgets.widget import widget_serialization

#: The class every block carries (its rules are in ui/static/custom.css).
BLOCK_CLASS = "sov-html"


class Block(ipywidgets.HTML):
    """ipywidgets' ``HTML`` without a ``Layout`` and an ``HTMLStyle`` widget of its own: the
    style sheet lays every block out, and the browser's widget views skip a missing layout
    or style. One widget per block instead of three: 36 fewer of the page's ~190 widgets
    for the browser to create on a first page."""

    layout = traitlets.Any(None, allow_none=True).tag(sync=True, **widget_serialization)
    style = traitlets.Any(None, allow_none=True).tag(sync=True, **widget_serialization)


def markup(content: str, tag: str = "div", attributes: Mapping[str, str] | None = None) -> str:
    """``content`` as it goes into the block: wrapped in ``tag`` with ``attributes``, except
    a plain div, whose role the block's own element plays."""
    if tag == "div" and not attributes:
        return content
    attrs = "".join(f' {name}="{escape(str(value))}"'
                    for name, value in (attributes or {}).items())
    return f"<{tag}{attrs}>{content}</{tag}>"


def Html(content: str = "", tag: str = "div", classes: Sequence[str] = (),
         attributes: Mapping[str, str] | None = None):
    """A block showing ``content`` (markup the caller built and escaped) in ``tag``."""
    return Block.element(value=markup(content, tag, attributes),
                         _dom_classes=[BLOCK_CLASS, *classes])
