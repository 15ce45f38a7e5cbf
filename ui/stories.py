"""Takeaway stories: guided scenarios that step through the moments that matter, each with
a short caption, the two charts to look at, and (where the story needs it) live events.

A story is data; :func:`open_chapter` turns a chapter into an :class:`~ui.state.AppState`
(pure, like every state change), so a story chapter is also a share link. Captions may
quote the run's numbers at that quarter (``{control}``, ``{possession}``, ``{cost}``,
``{outage}``, ``{continuity}``), filled in by :func:`caption`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from model import Event

from .catalog import Catalog
from .headline import people_number
from .sim import Trajectory
from .state import AppState, Setup, initial_state


@dataclass(frozen=True)
class Chapter:
    scenario: str
    step: int
    caption: str
    charts: tuple[str, str] = ("control", "resilience")
    events: tuple[Event, ...] = ()  # live events the chapter adds (as if pressed)


@dataclass(frozen=True)
class Story:
    key: str
    title: str
    chapters: tuple[Chapter, ...]


SHOCK = ("outage", "resilience")
STORIES: tuple[Story, ...] = (
    Story("shock", "Possession vs coordination under an export control", (
        Chapter("possession_under_shock", 11,
                "The possession strategy: a national model and domestic compute. Quarter "
                "11, just before the shock: possession index {possession}, control index "
                "{control}.", ("control", "outage")),
        Chapter("possession_under_shock", 16,
                "Quarter 12: bloc A restricts models and compute for two years (shaded). "
                "The national model still needs bloc-A chips and cloud: by quarter 16 the "
                "region has lost {outage} of service.", SHOCK),
        Chapter("possession_under_shock", 40,
                "End of the run: {outage} of lost service in total (headline, top right), "
                "at a cumulative cost of {cost}.", SHOCK),
        Chapter("coordinated_under_shock", 16,
                "The same shock under coordinated resilience (standards, diversification, "
                "pooled evaluation): {outage} of service lost by quarter 16.", SHOCK),
        Chapter("coordinated_under_shock", 40,
                "End of the run: {outage} lost, cost {cost}. Compare the outage with the "
                "possession strategy's: owning a model did not buy continuity.", SHOCK),
    )),
    Story("own-vs-control", "Owning a model is not controlling the system", (
        Chapter("baseline", 40,
                "The status quo: control index {control}, possession index {possession} "
                "after ten years.", ("control", "dependence")),
        Chapter("possession", 40,
                "Possession: a national model raises the possession index to {possession}; "
                "the control index is {control}. Look at the largest supplier share: chips "
                "and cloud still come from outside.", ("control", "dependence")),
        Chapter("coordinated_resilience", 40,
                "Coordinated resilience owns less (possession {possession}) but controls more "
                "(control {control}): the capacity to test, switch and bargain.",
                ("control", "leverage")),
    )),
    Story("rhetoric", "Possessive rhetoric erodes the regional body", (
        Chapter("coordinated_resilience", 40,
                "Coordinated resilience with a calm tone: the regional body holds together "
                "(cohesion chart).", ("cohesion", "control")),
        Chapter("rhetoric_erosion", 20,
                "Rhetoric turns possessive: trust and cohesion fall by quarter 20; pooled "
                "bargaining weakens.", ("cohesion", "leverage")),
        Chapter("rhetoric_erosion", 40,
                "End of the run: control index {control}. The same coordination levers buy "
                "less when members do not trust the body.", ("cohesion", "control")),
    )),
    Story("price-summit", "A price shock, then a regional summit", (
        Chapter("baseline", 10,
                "The status quo at quarter 10: spend per quarter is steady.", ("spend", "cohesion"),
                (Event(9, "price_shock", ("all",), {"bloc": "A", "factor": 1.5}),)),
        Chapter("baseline", 20,
                "Quarter 9: bloc A's suppliers raise prices by half (marker). Spend per quarter "
                "jumps and stays up; cumulative cost {cost} by quarter 20.", ("spend", "cost"),
                (Event(9, "price_shock", ("all",), {"bloc": "A", "factor": 1.5}),)),
        Chapter("baseline", 40,
                "Quarter 21: a regional summit lifts members' trust (marker); watch cohesion "
                "rise after it.", ("cohesion", "spend"),
                (Event(9, "price_shock", ("all",), {"bloc": "A", "factor": 1.5}),
                 Event(21, "regional_summit", ("all",), {}))),
    )),
)
STORY_BY_KEY = {s.key: s for s in STORIES}


def available(catalog: Catalog) -> tuple[Story, ...]:
    """The stories whose scenarios are all shipped here."""
    return tuple(s for s in STORIES if all(c.scenario in catalog.descriptions
                                           for c in s.chapters))


def open_chapter(state: AppState, catalog: Catalog, key: str, index: int) -> AppState:
    """The workshop showing chapter ``index`` of story ``key`` in presentation mode."""
    story = STORY_BY_KEY[key]
    index = max(0, min(index, len(story.chapters) - 1))
    ch = story.chapters[index]
    base = catalog.load(ch.scenario)
    fresh = initial_state(ch.scenario, base)
    setup = Setup(ch.scenario, base, live_events=ch.events)
    return replace(fresh, setup=setup, step=min(ch.step, base.horizon), speed=state.speed,
                   present=True, big=ch.charts, story=key, chapter=index, tab=0)


def leave(state: AppState) -> AppState:
    return replace(state, story="", chapter=0)


def caption(chapter: Chapter, run: Trajectory) -> str:
    """The chapter's caption with the run's region numbers at its quarter."""
    from model import OUTCOMES

    def value(name: str) -> str:
        if name not in OUTCOMES:
            return "n/a"
        return people_number(float(run.series(name)[run.step]), OUTCOMES[name].unit)

    return chapter.caption.format(control=value("control_index"),
                                  possession=value("possession_index"),
                                  cost=value("cumulative_cost"),
                                  outage=value("outage_quarters"),
                                  continuity=value("service_continuity"))
