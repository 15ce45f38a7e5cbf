"""Examples shipped with sovsim (``sovsim.examples`` when installed)."""
