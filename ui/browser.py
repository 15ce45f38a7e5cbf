"""Small pieces that act in the participant's browser: the address bar that always holds
the session's state, a Copy-link button, and a QR code of the link.

The two widgets are ipyvue templates written here (no extra front-end package, nothing
fetched from a CDN). The QR code is drawn on the server by ``segno`` (pure Python) as
inline SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import ipyvue
import solara
import traitlets

#: Longest link drawn as a QR code (a phone camera still reads version ~25 at level L).
MAX_QR_CHARS = 1_800


class _UrlSync(ipyvue.VueTemplate):
    """Writes ``?query`` into the address bar with ``history.replaceState`` (no reload, no
    history entry per lever move) and reports the page's origin and path back, so the
    server can draw a QR code of the full link."""

    query = traitlets.Unicode("").tag(sync=True)
    base = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode("""
<template><span class="url-sync" :data-query="query" style="display:none"></span></template>
<script>
module.exports = {
  mounted() { this.base = window.location.origin + window.location.pathname; this.apply(); },
  watch: { query() { this.apply(); } },
  methods: {
    apply() {
      const url = window.location.pathname + (this.query ? "?" + this.query : "");
      if (window.location.pathname + window.location.search !== url) {
        window.history.replaceState(window.history.state, "", url);
      }
    }
  }
}
</script>""").tag(sync=True)


@solara.component
def UrlSync(query: str, on_base: Callable[[str], None] | None = None):
    """Keeps the address bar equal to ``?query``; ``on_base`` gets the page's address
    without the query once the browser has reported it."""
    _UrlSync.element(query=query, on_base=on_base)


class _CopyLink(ipyvue.VueTemplate):
    url = traitlets.Unicode("").tag(sync=True)
    copied = traitlets.Bool(False).tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <button class="copy-link" type="button" @click="copy"
   style="font-size:18px;padding:8px 16px;border:2px solid #1f5fa8;border-radius:6px;
          background:#fff;color:#1f5fa8;font-weight:600;cursor:pointer">
    {{ copied ? "Link copied" : "Copy link" }}</button>
</template>
<script>
module.exports = {
  methods: {
    copy() {
      const url = this.url || window.location.href;
      const done = () => { this.copied = true; setTimeout(() => { this.copied = false; }, 2500); };
      const fallback = () => {
        const box = document.createElement("textarea");
        box.value = url; document.body.appendChild(box); box.select();
        try { document.execCommand("copy"); done(); } finally { box.remove(); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, fallback);
      } else { fallback(); }
    }
  }
}
</script>""").tag(sync=True)


@solara.component
def CopyLink(url: str):
    """A button that copies ``url`` (the full share link) to the clipboard."""
    _CopyLink.element(url=url)


@lru_cache(maxsize=64)
def qr_svg(url: str, scale: int = 4) -> str:
    """The QR code of ``url`` as inline SVG (empty if the link is too long to scan)."""
    if len(url) > MAX_QR_CHARS:
        return ""
    import segno  # imported when a QR code is first drawn, not at server start

    qr = segno.make(url, error="l", micro=False)
    svg = qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg data-qr="1" role="img" aria-label="QR code of the '
                       'share link" ', 1)
