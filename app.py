"""sovsim workshop UI: ``solara run app.py`` or ``sovsim app``.

This module only composes components from :mod:`ui`; state and runs live in the session
hook (one model per browser session).
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

import solara

from ui import actions, exports, share
from ui import state as st
from ui.catalog import Catalog, shipped_catalog
from ui.components import (
    About,
    AssumptionsPanel,
    Charts,
    CompareTab,
    EventLog,
    Glossary,
    Guarded,
    LeverPanel,
    LiveEvents,
    Network,
    Notice,
    OverridesPanel,
    RunControls,
    ScenarioPicker,
    SharePanel,
    StateCards,
    TabBar,
)
from ui.headline import HeadlineBar
from ui.rooms.pages import FacilitatePage, JoinPage, ScreenPage
from ui.session import use_session
from ui.style import RoomStyle


@solara.component
def Workshop(catalog: Catalog, search: str | None = None):
    s = use_session(catalog, search)
    state, spec, update = s.state, s.spec, s.update
    codes = [x.iso3 for x in spec.states]

    solara.Title("sovsim workshop")
    RoomStyle()
    with solara.Column(style="padding: 8px", classes=["sovsim-room"]):
        solara.HTML(tag="h2", unsafe_innerHTML=f"sovsim: possession or control? · scenario "
                    f"<b>{escape(state.setup.scenario)}</b>")
        HeadlineBar(s.run, s.baseline)
        Notice(state.message, lambda: update(st.dismiss))
        TabBar(state.tab, lambda i: update(lambda a: replace(a, tab=i)))
        if state.tab == 0:
            with solara.ColumnsResponsive(default=[12], large=[4, 8], xlarge=[3, 9]):
                with solara.Column():
                    ScenarioPicker(catalog, state.setup.scenario,
                                   lambda name: update(actions.pick(catalog, name)),
                                   lambda f, data: update(actions.upload(catalog, f, data)),
                                   edited=state.setup.edited)
                    LeverPanel(state.setup,
                               lambda n, v: update(lambda a: st.set_value(a, n, v)))
                    AssumptionsPanel(state.setup,
                                     lambda n, v: update(lambda a: st.set_value(a, n, v)))
                    OverridesPanel(
                        state.setup, state.override_state,
                        lambda c: update(lambda a: replace(a, override_state=c)),
                        lambda c, n, v: update(lambda a: st.set_override(a, c, n, v)),
                        lambda c: update(lambda a: st.clear_overrides(a, c)))
                with solara.Column():
                    RunControls(state, spec.horizon, codes, update)
                    LiveEvents(codes, s.run.vendor_keys, lambda kind, targets, **p: update(
                        lambda a: st.inject(a, kind, targets, **p)))
                    Charts(s.run, s.baseline, state.focus, s.ensemble, s.baseline_ensemble,
                           s.baseline_label)
                    StateCards(s.run, s.baseline)
                    with solara.Row(style="flex-wrap: wrap"):
                        Network(s.run)
                        with solara.Column():
                            solara.HTML(tag="h4", unsafe_innerHTML="Event log")
                            EventLog(s.run, state.setup.live_events)
                            solara.Button("Remove live events", text=True,
                                          disabled=not state.setup.live_events,
                                          on_click=lambda: update(st.clear_live_events))
                    SharePanel(share.encode(state, catalog),
                               lambda: exports.export_yaml(catalog, state.setup),
                               lambda: exports.whole_run_csv(state.setup),
                               exports.export_filename(state.setup),
                               dict(s.run.provenance))
        elif state.tab == 1:
            CompareTab(catalog, state.compare, spec,
                       lambda x, y: update(lambda a: replace(a, compare=(x, y))))
        elif state.tab == 2:
            About()
        else:
            Glossary()


@solara.component
def Page():
    router = solara.use_router()
    catalog = solara.use_memo(shipped_catalog, [])
    # A fresh workshop (without the link that may have caused it) after a failed render.
    Guarded(lambda generation: Workshop(catalog, router.search if generation == 0 else None)
            .key(f"workshop-{generation}"))


# The participatory workshop (issue 12): facilitator console, team page, projector screen.
@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route(path="/", component=Page, label="Workshop", layout=Layout),
    solara.Route(path="facilitate", component=FacilitatePage, label="Facilitate"),
    solara.Route(path="join", component=JoinPage, label="Join"),
    solara.Route(path="screen", component=ScreenPage, label="Screen"),
]
