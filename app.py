"""sovsim workshop UI: ``solara run app.py`` or ``sovsim app``.

This module only composes components from :mod:`ui`; state and runs live in the session
hook (one model per browser session). Every part of the page is a component given plain
values, so a lever change re-renders only the parts whose values it changes (the levers'
own values, the run's charts, the headline, the link), and the rest is skipped.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

import solara

from ui import actions, exports, share, stories
from ui import state as st
from ui.browser import UrlSync
from ui.catalog import Catalog, shipped_catalog
from ui.components import (
    KEY_LEVERS,
    About,
    AdvancedPanel,
    Charts,
    CompareTab,
    EventLog,
    Glossary,
    Guarded,
    LeverPanel,
    LiveEvents,
    Network,
    Notice,
    PresentationCharts,
    RunControls,
    ScenarioPicker,
    SharePanel,
    StateCards,
    StoryBar,
    StoryList,
    StoryPicker,
    TabBar,
)
from ui.headline import HeadlineBar
from ui.html import Html
from ui.rooms.pages import FacilitatePage, JoinPage, ScreenPage
from ui.server import apply_cull_timeout
from ui.session import use_session
from ui.style import RoomStyle

apply_cull_timeout()


@solara.component
def Workshop(catalog: Catalog, search: str | None = None):
    s = use_session(catalog, search)
    state, spec, update = s.state, s.spec, s.update
    codes = [x.iso3 for x in spec.states]
    base_url, set_base_url = solara.use_state("")
    told = stories.available(catalog)

    def set_value(n, v):
        update(lambda a: st.set_value(a, n, v))

    def open_story(key: str, index: int = 0) -> None:
        update(lambda a: stories.open_chapter(a, catalog, key, index))

    solara.Title("sovsim workshop")
    RoomStyle()
    query = share.encode(state, catalog)
    UrlSync(query, on_base=set_base_url)
    with solara.Column(style="padding: 8px",
                       classes=["sovsim-room", *(["present"] if state.present else [])]):
        Html(tag="h2", content=f"sovsim: possession or control? · scenario "
             f"<b>{escape(state.setup.scenario)}</b>")
        HeadlineBar(s.run, s.baseline)
        Notice(state.message, lambda: update(st.dismiss))
        TabBar(state.tab, lambda i: update(lambda a: replace(a, tab=i)))
        if state.tab == 0:
            with solara.ColumnsResponsive(default=[12], large=[4, 8], xlarge=[3, 9]):
                with solara.Column(classes=["main-left"]):
                    if state.present:  # the levers first, beside the charts they move
                        LeverPanel(state.setup, set_value, names=KEY_LEVERS)
                    ScenarioPicker(catalog, state.setup.scenario,
                                   lambda name: update(actions.pick(catalog, name)),
                                   lambda f, data: update(actions.upload(catalog, f, data)),
                                   edited=state.setup.edited)
                    StoryPicker(told, open_story)
                    if not state.present:
                        LeverPanel(state.setup, set_value, names=KEY_LEVERS)
                    AdvancedPanel(
                        state.setup, state.override_state, set_value,
                        lambda c: update(lambda a: replace(a, override_state=c)),
                        lambda c, n, v: update(lambda a: st.set_override(a, c, n, v)),
                        lambda c: update(lambda a: st.clear_overrides(a, c)))
                with solara.Column(classes=["main-right"]):
                    RunControls(state, spec.horizon, codes, update, s.progress)
                    if state.story in stories.STORY_BY_KEY:
                        story = stories.STORY_BY_KEY[state.story]
                        StoryBar(story.title, state.chapter, len(story.chapters),
                                 stories.caption(story.chapters[state.chapter], s.run),
                                 lambda i: open_story(state.story, i),
                                 lambda: update(stories.leave))
                    if state.present:
                        PresentationCharts(s.run, s.baseline, state.focus, state.big,
                                           lambda i, k: update(lambda a: st.set_big(a, i, k)),
                                           s.ensemble, s.baseline_ensemble, s.baseline_label)
                    else:
                        Charts(s.run, s.baseline, state.focus, s.ensemble,
                               s.baseline_ensemble, s.baseline_label)
                    LiveEvents(codes, s.run.vendor_keys, lambda kind, targets, **p: update(
                        lambda a: st.inject(a, kind, targets, **p)))
                    if not state.present:
                        StateCards(s.run, s.baseline)
                        with solara.Row(style="flex-wrap: wrap"):
                            Network(s.run)
                            with solara.Column():
                                Html(tag="h4", content="Event log")
                                EventLog(s.run, state.setup.live_events)
                                solara.Button("Remove live events", text=True,
                                              disabled=not state.setup.live_events,
                                              on_click=lambda: update(st.clear_live_events))
                    SharePanel(query,
                               lambda: exports.export_yaml(catalog, state.setup),
                               lambda: exports.whole_run_csv(state.setup),
                               exports.export_filename(state.setup),
                               dict(s.run.provenance), base_url, state.playing)
        elif state.tab == 1:
            CompareTab(catalog, state.compare, spec,
                       lambda x, y: update(lambda a: replace(a, compare=(x, y))),
                       s.ensembles, state.ensemble, state.ensemble_size)
        elif state.tab == 2:
            About()
        elif state.tab == 3:
            Glossary()
        else:
            StoryList(told, open_story)


@solara.component
def Page():
    router = solara.use_router()
    catalog = solara.use_memo(shipped_catalog, [])
    # the link the page was opened with: later changes of the address are ours (UrlSync)
    search = solara.use_memo(lambda: router.search, [])
    # A fresh workshop (without the link that may have caused it) after a failed render.
    Guarded(lambda generation: Workshop(catalog, search if generation == 0 else None)
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
