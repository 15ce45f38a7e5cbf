"""sovsim's workshop UI (Solara): state, simulation runs, charts and components.

``app.py`` at the repository root only composes these pieces. Nothing here creates a model
at import time: every model lives in one browser session's component state.
"""
