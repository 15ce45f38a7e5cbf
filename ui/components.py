"""Solara components of the workshop UI. Each takes plain values and typed callbacks;
none holds simulation state of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import reacton.ipyvuetify as rv
import solara

from model import (
    EVENT_KINDS,
    LEVERS,
    OUTCOMES,
    REGION_OUTCOMES,
    STATE_OUTCOMES,
    UNCERTAINTIES,
    Event,
    ScenarioSpec,
)
from model.parameters import STATE_LEVERS, Parameter

from . import charts, limits
from .catalog import Catalog, default_comparison
from .headline import change_text, people_number
from .html import Html
from .sim import (
    ENSEMBLE_SIZES,
    REGION,
    Ensemble,
    EnsembleCache,
    Trajectory,
    outcome_series,
    run_full,
)
from .state import CURRENT, LIVE_EVENT_KINDS, SPEEDS, AppState, Setup
from .wording import VENDOR_LABELS, describe_event

ValueCallback = Callable[[str, Any], None]
GROUPS = (("possession", "Possession levers", "What the state owns: 'our own model, our own "
           "stack'."),
          ("coordination", "Coordination levers", "Coordinated resilience: the capacity to "
           "test, switch and bargain, alone or pooled."),
          ("general", "Budget and contracts", "Applies to both strategies."))
CARD_METRICS = ("largest_supplier_share", "control_index", "possession_index",
                "cumulative_cost", "service_continuity")


def tooltip_text(p: Parameter) -> str:
    rng = "on/off" if p.type == "bool" else f"{p.low} to {p.high}"
    return f"{p.description} Unit: {p.unit} ({rng}). Source: {p.source}."


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


TABS = ("Workshop", "Compare", "About this model", "Glossary", "Takeaway stories")
#: The order the tabs are shown in (``TABS`` keeps the indices share links use).
TAB_ORDER = (0, 4, 1, 2, 3)


@solara.component
def TabBar(tab: int, on_tab: Callable[[int], None]):
    """The page's sections; only the chosen one is rendered."""
    solara.ToggleButtonsSingle(value=TABS[tab], values=[TABS[i] for i in TAB_ORDER],
                               on_value=lambda label: on_tab(TABS.index(label)))


# Centred by margins, not by left: 50% + translate, so on a phone the notice may use the
# whole width (it wrapped to half the screen, a word a line, over the levers).
NOTICE_STYLE = ("position: fixed; bottom: 16px; left: 0; right: 0; margin: 0 auto; "
                "width: fit-content; box-sizing: border-box; "
                "z-index: 1000; max-width: min(94vw, 1100px); padding: 10px 16px; "
                "border-radius: 6px; background: #fff8e1; border: 2px solid #f9a825; "
                "box-shadow: 0 4px 16px rgba(0,0,0,.25); align-items: center; gap: 12px; "
                "font-size: 18px")


@solara.component
def Notice(message: str, on_dismiss: Callable[[], None]):
    """The one notice slot: always in the page (hidden when empty, floating over the
    bottom edge when shown), so a notice never changes the component tree and pickers,
    open panels and pasted text survive it."""
    shown = "flex" if message else "none"
    with solara.Div(classes=["ui-notice"], style=f"{NOTICE_STYLE}; display: {shown}"):
        solara.Text(message, classes=["ui-message"])
        solara.Button("Dismiss", text=True, on_click=on_dismiss, classes=["notice-dismiss"])


def one_line(error: BaseException) -> str:
    """An exception as one line without server paths or a traceback."""
    text = " ".join(str(error).split()) or type(error).__name__
    words = ["(path)" if "/" in w or "\\" in w else w for w in text.split()]
    text = " ".join(words)
    return text if len(text) <= 160 else text[:159] + "…"


@solara.component
def Guarded(body: Callable[[int], None]):
    """Renders ``body(generation)``; if rendering fails, shows a one-line message and a
    button that reopens a fresh workshop (``generation`` + 1) instead of a traceback."""
    error, clear = solara.use_exception()
    generation, set_generation = solara.use_state(0)
    if error is not None:
        with solara.Column(classes=["ui-crash"], style="padding: 16px; font-size: 18px"):
            solara.Error(f"This view could not be shown: {one_line(error)}",
                         classes=["ui-crash-message"])

            def reopen() -> None:
                set_generation(generation + 1)
                clear()

            solara.Button("Reopen the workshop", on_click=reopen, color="primary")
        return
    body(generation)


def markdown_html(text: str) -> str:
    """Markdown rendered on the server (tables, code), so no extra front-end library is
    needed (Solara's Markdown component loads mermaid from a CDN)."""
    import re

    import markdown

    lines, previous = [], ""
    for line in text.splitlines():
        # python-markdown needs a blank line before a list that follows a paragraph
        if re.match(r"\s*([-*+]|\d+\.) ", line) and previous.strip() and not re.match(
                r"\s*([-*+]|\d+\.) ", previous) and not previous.startswith("|"):
            lines.append("")
        lines.append(line)
        previous = line
    body = markdown.markdown("\n".join(lines), extensions=["tables", "fenced_code", "toc"])
    return MARKDOWN_CSS + body


MARKDOWN_CSS = ("<style>.md-doc table{border-collapse:collapse;margin:6px 0 12px}"
                ".md-doc td,.md-doc th{border-bottom:1px solid #ddd;padding:3px 8px;"
                "vertical-align:top;text-align:left}.md-doc p{margin:0 0 .7em}"
                ".md-doc ul,.md-doc ol{margin:0 0 .7em 1.5em}"
                ".md-doc h2,.md-doc h3{margin:1em 0 .4em}</style>")


@solara.component
def ParameterControl(p: Parameter, value: Any, on_value: ValueCallback, changed: bool = False):
    """A checkbox or slider for one declared parameter, with its tooltip.

    The slider is Vuetify's own, bound to the session state (no state of its own): a move
    re-renders the page once, and the value the user set last is the value that stays."""
    mark = " •" if changed else ""
    sent = solara.use_ref(None)  # the value the browser last sent, as it sent it

    def from_browser(v: Any) -> None:
        sent.current = v
        on_value(p.name, int(v) if p.type == "int" else _round(float(v)))

    # Give the slider back exactly what the browser sent while it stands for the value in
    # effect: a rounded copy would differ, be sent back, and (under load, arriving after
    # the next key press) move the slider back a step, losing that step.
    shown = value
    if sent.current is not None and p.type != "bool":
        raw = sent.current
        if (int(raw) if p.type == "int" else _round(float(raw))) == value:
            shown = raw
    with solara.Tooltip(tooltip_text(p)), solara.Column(gap="0px", classes=[f"lever-{p.name}"]):
        if p.type == "bool":
            solara.Checkbox(label=p.label + mark, value=bool(value),
                            on_value=lambda v: on_value(p.name, bool(v)))
            return
        solara.Text(f"{p.label}{mark}: {_fmt(value)} ({p.unit})", classes=["lever-label"])
        if p.type == "int":
            rv.Slider(v_model=shown, min=int(p.low), max=int(p.high), step=1,
                      thumb_label=True, hide_details=True, density="default",
                      on_v_model=from_browser)
        else:
            rv.Slider(v_model=shown, min=float(p.low), max=float(p.high),
                      step=_round((float(p.high) - float(p.low)) / 100), thumb_label=True,
                      hide_details=True, density="default", on_v_model=from_browser)


@solara.component
def ScenarioPicker(catalog: Catalog, current: str, on_pick: Callable[[str], None],
                   on_upload: Callable[[str, bytes], None], edited: bool = False):
    """Shipped scenarios with their descriptions, and a YAML upload. The picker starts
    empty after every pick, so picking the current scenario again reloads it afresh."""
    picks, set_picks = solara.use_state(0)

    def pick(name: str | None) -> None:
        set_picks(picks + 1)  # a fresh picker
        if name:
            on_pick(name)

    solara.Text(f"Now: {current}" + (" · changed in the workshop" if edited else ""),
                classes=["scenario-current"], style="font-weight: bold; font-size: 20px")
    solara.Text(catalog.descriptions.get(current, f"uploaded file {current}"),
                classes=["scenario-description", "hint"])
    with solara.Tooltip("Picking a scenario (the current one too) starts it afresh: lever "
                        "changes, overrides and live events are dropped."):
        solara.Select(label="Start a scenario afresh", value=None, values=list(catalog.names),
                      on_value=pick, classes=["scenario-picker"]).key(f"scenario-picker-{picks}")

    def own_file() -> None:
        solara.FileDrop(label="Drop a scenario YAML file here",
                        on_file=lambda info: on_upload(info["name"], info["data"]), lazy=False)
        PasteBox(on_upload)

    Collapsible("Paste scenario YAML", "paste", own_file)


@solara.component
def PasteBox(on_upload: Callable[[str, bytes], None]):
    text, set_text = solara.use_state("")
    solara.InputTextArea(label="Scenario YAML", value=text, on_value=set_text, rows=6,
                         continuous_update=True)
    solara.Button("Load pasted YAML", on_click=lambda: on_upload("pasted.yaml", text.encode()),
                  disabled=not text.strip())


#: The levers of presentation mode and of the main screen, possession first; every other
#: lever is under "Advanced".
KEY_LEVERS = ("national_model", "domestic_compute_share", "possessive_rhetoric",
              "own_evaluation_share", "interop_standards", "diversification_cap",
              "joint_procurement", "pooled_evaluation")


@solara.component
def LeverPanel(setup: Setup, on_value: ValueCallback, names: tuple[str, ...] | None = None,
               skip: tuple[str, ...] = ()):
    """Levers generated from the declarations, grouped possession / coordination: only
    ``names`` if given, never those in ``skip``."""
    for group, title, blurb in GROUPS:
        chosen = [p for p in LEVERS if p.group == group and p.name not in skip
                  and (names is None or p.name in names)]
        if not chosen:
            continue
        with solara.Card(title, subtitle=blurb, classes=[f"levers-{group}"]):
            for p in chosen:
                changed = p.name in setup.values
                ParameterControl(p, setup.value(p.name), on_value, changed=changed)
                if p.scope == "region":
                    solara.Text("regional body", classes=["regional-body-note"],
                                style="color: #607d8b")


@solara.component
def AdvancedPanel(setup: Setup, override_state: str, on_value: ValueCallback,
                  on_state: Callable[[str], None],
                  on_override: Callable[[str, str, Any], None],
                  on_clear: Callable[[str], None]):
    """Everything beyond the key levers, collapsed (and not rendered) until opened."""
    def body() -> None:
        LeverPanel(setup, on_value, skip=KEY_LEVERS)
        AssumptionsPanel(setup, on_value)
        OverridesPanel(setup, override_state, on_state, on_override, on_clear)

    Collapsible("Advanced: more levers, assumptions, per-state overrides", "advanced", body)


@solara.component
def Collapsible(title: str, key: str, body: Callable[[], None]):
    """A section that renders its body only while open (keeps the page light)."""
    is_open, set_open = solara.use_state(False)
    solara.Button(("▾ " if is_open else "▸ ") + title, text=True, classes=[f"toggle-{key}"],
                  on_click=lambda: set_open(not is_open), style="text-transform: none")
    if is_open:
        with solara.Column(classes=[f"panel-{key}"]):
            body()


@solara.component
def AssumptionsPanel(setup: Setup, on_value: ValueCallback):
    """Uncertainties about the world, apart from policy levers, collapsed by default."""
    def body() -> None:
        solara.Text("Uncertain facts about the world, not policy choices: vary them to see "
                    "how robust a strategy is.", classes=["hint"])
        for p in UNCERTAINTIES:
            ParameterControl(p, setup.value(p.name), on_value, changed=p.name in setup.values)

    Collapsible("Assumptions", "assumptions", body)


@solara.component
def OverridesPanel(setup: Setup, iso3: str, on_state: Callable[[str], None],
                   on_override: Callable[[str, str, Any], None],
                   on_clear: Callable[[str], None]):
    """State levers for one chosen state, on top of the all-states values."""
    codes = [s.iso3 for s in setup.base.states]
    names = {s.iso3: s.name for s in setup.base.states}

    def body() -> None:
        solara.Select(label="State", value=iso3, values=codes, on_value=on_state)
        mine = setup.overrides.get(iso3, {})
        solara.Text(f"{names[iso3]}: {len(mine)} lever(s) overridden"
                    + (f" ({', '.join(sorted(mine))})" if mine else ""),
                    classes=["override-summary"])
        for p in STATE_LEVERS:
            ParameterControl(p, setup.value(p.name, iso3),
                             lambda name, v: on_override(iso3, name, v),
                             changed=p.name in mine)
        solara.Button(f"Clear overrides for {iso3}", on_click=lambda: on_clear(iso3),
                      disabled=not mine, text=True)

    Collapsible("Per-state overrides", "overrides", body)


@solara.component
def RunControls(state: AppState, horizon: int, codes: list[str],
                on_change: Callable[[Callable[[AppState], AppState]], None],
                progress: tuple[int, int] = (0, 0)):
    """Play, pause, step, reset, speed, ensemble toggle (with progress and Cancel while it
    is computed), the focus (region or a state) and presentation mode."""
    from . import state as st

    with solara.Row(style="align-items: center; flex-wrap: wrap", classes=["run-controls"]):
        solara.Button("Play", icon_name="mdi-play", on_click=lambda: on_change(st.play),
                      disabled=state.playing, color="primary")
        solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: on_change(st.pause),
                      disabled=not state.playing)
        solara.Button("Step", icon_name="mdi-step-forward",
                      on_click=lambda: on_change(st.step_once), disabled=state.step >= horizon)
        solara.Button("Reset", icon_name="mdi-restore", on_click=lambda: on_change(st.reset))
        solara.Text(f"Quarter {state.step} / {horizon}", classes=["quarter-label"])
        solara.Select(label="Speed (quarters/s)", value=str(int(state.speed)),
                      values=[str(int(s)) for s in SPEEDS],
                      style="min-width: 230px; max-width: 260px",
                      on_value=lambda v: on_change(lambda s: _speed(s, float(v))))
        solara.Switch(label="Presentation mode", value=state.present,
                      on_value=lambda v: on_change(lambda s: st.set_present(s, bool(v))),
                      classes=["present-switch"])
    with solara.Row(style="align-items: center; flex-wrap: wrap", classes=["ensemble-controls"]):
        solara.Switch(label=f"Ensemble: {state.ensemble_size} runs, median and 90% band",
                      value=state.ensemble, classes=["ensemble-switch"],
                      on_value=lambda v: on_change(lambda s: st.set_ensemble(s, bool(v))))
        solara.Select(label="Runs (seeds 1..N)", value=str(state.ensemble_size),
                      values=[str(n) for n in ENSEMBLE_SIZES],
                      style="min-width: 200px; max-width: 230px",
                      on_value=lambda v: on_change(lambda s: st.set_ensemble_size(s, int(v))))
        solara.Select(label="Show", value=state.focus, values=[REGION, *codes],
                      style="max-width: 130px",
                      on_value=lambda v: on_change(lambda s: _focus(s, v)))
        EnsembleProgress(progress, lambda: on_change(_cancel_ensemble))


def _cancel_ensemble(s: AppState) -> AppState:
    return replace(s, ensemble=False, message="Ensemble cancelled; showing the single run.")


@solara.component
def EnsembleProgress(progress: tuple[int, int], on_cancel: Callable[[], None]):
    """While an ensemble is computed (in the background): how far, and Cancel."""
    done, total = progress
    if not total:  # the last item of its row: appearing shifts nothing else
        return
    with solara.Row(classes=["ensemble-progress"], style="align-items: center; gap: 12px"):
        solara.ProgressLinear(value=100 * done / total if total else 0,
                              style="min-width: 160px; width: 200px")
        solara.Text(f"Ensemble: {done} of {total} runs", classes=["ensemble-progress-text"])
        solara.Button("Cancel", on_click=on_cancel, outlined=True, classes=["ensemble-cancel"])


def _speed(s: AppState, v: float) -> AppState:
    return replace(s, speed=v)


def _focus(s: AppState, v: str) -> AppState:
    return replace(s, focus=v)


MARKER_WORDS = {"export_control": "Export control", "vendor_cutoff": "Cut-off",
                "price_shock": "Price shock", "regional_summit": "Summit"}


def event_markers(spec: ScenarioSpec, log: tuple = ()) -> tuple[charts.Marker, ...]:
    """A marker per event of the scenario (its own and live ones) and per random event the
    run has fired; restrictions that last are shaded for their quarters."""
    out = []
    seen = set()
    events = list(spec.events)
    for e in log:  # random events fired so far (the scenario's are in spec.events)
        if e.get("origin") == "random" and e.get("kind") in EVENT_KINDS:
            targets = e.get("targets", "all")
            events.append(Event(int(e["step"]), e["kind"],
                                ("all",) if targets == "all" else tuple(targets),
                                dict(e.get("params") or {})))
    for e in events:
        if e.kind not in EVENT_KINDS or e.step > spec.horizon:
            continue
        word = MARKER_WORDS.get(e.kind, EVENT_KINDS[e.kind].label)
        names = {p.name for p in EVENT_KINDS[e.kind].params}
        if e.kind == "export_control" or (e.kind == "price_shock" and not e.param("vendor")):
            word += f" ({bloc_name(e.param('bloc'))})"
        elif e.kind == "vendor_cutoff":
            word += f" ({VENDOR_LABELS.get(e.param('vendor'), 'a supplier')})"
        if e.targets != ("all",):
            word += " · " + ",".join(e.targets)
        until = None
        if "duration" in names:
            d = int(e.param("duration"))
            until = spec.horizon if d <= 0 else min(e.step + d - 1, spec.horizon)
        color = {"regional_summit": "#2e7d32", "price_shock": "#e65100"}.get(e.kind, "#b71c1c")
        key = (e.step, word)
        if key in seen:
            continue
        seen.add(key)
        out.append(charts.Marker(e.step, word, until, color))
    return tuple(out)


def bloc_name(bloc: object) -> str:
    return BLOC_NAMES.get(str(bloc), str(bloc))


#: How the two supplier blocs are named on screen (the model calls them A and B).
BLOC_NAMES = {"A": "bloc A", "B": "bloc B"}
BLOC_TEXT = ("Bloc A: the bloc whose frontier labs and hyperscale clouds serve most of the "
             "region today, and whose chips every data centre needs. Bloc B: the other big "
             "supplier bloc, a smaller share. Restrictions and price shocks come from one "
             "bloc at a time.")


def chart_svgs(run: Trajectory, baseline: Trajectory, focus: str,
               ensemble: Ensemble | None = None,
               baseline_ensemble: Ensemble | None = None,
               keys: tuple[str, ...] | None = None,
               markers: tuple[charts.Marker, ...] = (),
               large: bool = False) -> dict[str, str]:
    """SVG of every chart (or those in ``keys``): the run (solid), the baseline (dashed),
    bands in ensemble mode, and the events as markers."""
    out = {}
    for c in charts.CHARTS:
        if keys is not None and c.key not in keys:
            continue
        if focus != REGION and any(OUTCOMES[m].level != "state" for m in c.metrics):
            use = REGION  # a regional outcome (cohesion) is the region's for any focus
        else:
            use = focus
        lines, bands = [], []
        for i, metric in enumerate(c.metrics):
            label = charts.metric_label(metric)
            color = charts.PALETTE[i]
            if ensemble is not None and baseline_ensemble is not None:
                med, lo, hi = ensemble.band(metric, use)
                bmed, blo, bhi = baseline_ensemble.band(metric, use)
                bands += [charts.Band(f"{label} baseline", blo, bhi, charts.BASELINE_COLOR),
                          charts.Band(label, lo, hi, color)]
                lines += [charts.Line(f"{label} (median)", med, color),
                          charts.Line(f"{label} baseline (median)", bmed, color, dashed=True)]
            else:
                lines += [charts.Line(label, run.series(metric, use), color),
                          charts.Line(f"{label} baseline", baseline.series(metric, use),
                                      color, dashed=True)]
        high = [OUTCOMES[m].high for m in c.metrics]
        y_max = 1.0 if all(h == 1 for h in high) else None
        prov = ensemble.provenance if ensemble is not None else run.provenance
        size = {"width": 330, "height": 190} if large else {}  # larger type when scaled up
        out[c.key] = charts.line_chart(c.key, c.title, lines, run.horizon, prov, bands,
                                       y_max=y_max, markers=markers, **size)
    return out


@solara.component
def Charts(run: Trajectory, baseline: Trajectory, focus: str,
           ensemble: Ensemble | None = None, baseline_ensemble: Ensemble | None = None,
           baseline_label: str = "the baseline", keys: tuple[str, ...] | None = None,
           large: bool = False):
    """The time charts (all, or ``keys`` large in presentation mode), with event markers."""
    markers = solara.use_memo(lambda: event_markers(run.spec, run.event_log),
                              [run.spec, len(run.event_log)])
    svgs = chart_svgs(run, baseline, focus, ensemble, baseline_ensemble, keys, markers, large)
    where = "the region" if focus == REGION else focus
    solara.Text(f"Outcomes for {where}: solid = this run"
                + (f" (median of {len(ensemble.seeds)} runs, shaded = 90% band)"
                   if ensemble else "")
                + f"; dashed = {baseline_label}; marked lines = events, shaded = "
                  "restriction in force.", classes=["charts-legend"])
    with solara.Row(style="flex-wrap: wrap; gap: 8px",
                    classes=["charts-large" if large else "charts-all"]):
        for key in (keys or svgs):
            Html(tag="div", content=svgs[key], classes=[f"chart-{key}"])


@solara.component
def PresentationCharts(run: Trajectory, baseline: Trajectory, focus: str,
                       big: tuple[str, str], on_big: Callable[[int, str], None],
                       ensemble: Ensemble | None = None,
                       baseline_ensemble: Ensemble | None = None,
                       baseline_label: str = "the baseline"):
    """Presentation mode's two large charts, each with a picker for the facilitator."""
    titles = {c.title: c.key for c in charts.CHARTS}
    with solara.Row(style="flex-wrap: wrap; gap: 8px", classes=["big-pickers"]):
        for slot in (0, 1):
            solara.Select(label=f"Chart {slot + 1}", value=charts.CHART_BY_KEY[big[slot]].title,
                          values=list(titles), style="min-width: 260px; max-width: 560px",
                          on_value=lambda t, slot=slot: on_big(slot, titles[t]),
                          classes=[f"big-picker-{slot}"])
    Charts(run, baseline, focus, ensemble, baseline_ensemble, baseline_label, keys=big,
           large=True)


def cards_html(run: Trajectory, baseline: Trajectory) -> str:
    """A card per state with key indicators at the current quarter and change vs baseline."""
    t = run.step
    names = {s.iso3: s.name for s in run.spec.states}
    cards = []
    for code in run.iso3:
        rows = []
        for m in CARD_METRICS:
            now = float(run.series(m, code)[t])
            base = float(baseline.series(m, code)[min(t, baseline.step)])
            diff = now - base
            color = "#777" if abs(diff) < 1e-9 else ("#2e7d32" if (diff > 0) == (
                m in ("control_index", "possession_index", "service_continuity")) else "#c62828")
            unit = OUTCOMES[m].unit
            change = "=" if abs(diff) < 1e-9 else change_text(diff, unit)
            rows.append(f"<tr><td>{escape(OUTCOMES[m].label)}</td>"
                        f"<td><b>{escape(people_number(now, unit))}</b></td>"
                        f"<td style='color:{color}'>{escape(change)}</td></tr>")
        member = bool(run.series("member", code)[t])
        cards.append(
            f"<div class='state-card' data-state='{code}' style='border:1px solid #ccc;"
            f"border-radius:6px;padding:6px;width:230px'>"
            f"<div><b>{escape(names[code])}</b> ({code})"
            f"{'' if member else ' · <i>outside the regional body</i>'}</div>"
            f"<table style='width:100%'>{''.join(rows)}</table></div>")
    return (f"<div style='display:flex;flex-wrap:wrap;gap:6px'>{''.join(cards)}</div>"
            f"<div class='hint' style='color:#607d8b'>Quarter {t}; third column: change "
            f"against the baseline at the same quarter.</div>")


@solara.component
def StateCards(run: Trajectory, baseline: Trajectory):
    Html(tag="div", content=cards_html(run, baseline), classes=["state-cards"])


@solara.component
def Network(run: Trajectory):
    labels = [VENDOR_LABELS.get(k, k) for k in run.vendor_keys]
    Html(tag="div", classes=["chart-network"], content=charts.network(
        run.iso3, labels, run.vendor_is_model, run.shares, run.step, run.provenance))


EVENT_LOG_CSS = ("<style>.event-log table{border-collapse:collapse;font-size:18px;"
                 "min-width:min(100%,640px)}.event-log th{background:#eceff1;text-align:left}"
                 ".event-log td.settings{color:#607d8b}"
                 ".event-log td,.event-log th{border-bottom:1px solid #cfd8dc;padding:6px 10px;"
                 "vertical-align:top}.event-log tr.pending td{color:#8d6e63;"
                 "font-style:italic}</style>")


@dataclass(frozen=True)
class EventRow:
    quarter: str  # "5", or "6 (next)" for a live event still to fire
    origin: str  # scenario, random, live, "live, pending"
    event: Event

    @property
    def settings(self) -> str:
        """The event's settings in words (suppliers by name, blocs named)."""
        words = {"vendor": lambda v: VENDOR_LABELS.get(v, v) if v else "any",
                 "duration": lambda d: "until the end" if int(d) <= 0
                 else f"{d} quarters"}
        return ", ".join(f"{k}={words[k](v) if k in words else v}"
                         for k, v in self.event.params.items())


def event_rows(run: Trajectory, live: tuple[Event, ...]) -> list[EventRow]:
    """Fired events (from the run's log) and live events still pending, in order."""
    rows = []
    live_keys = {(e.step, e.kind, tuple(e.targets)) for e in live}
    for e in run.event_log:
        targets = e.get("targets", "all")
        targets = ("all",) if targets == "all" else tuple(targets)
        origin = "live" if e["origin"] == "scenario" and (e["step"], e["kind"], targets) \
            in live_keys else e["origin"]
        event = Event(int(e["step"]), e["kind"], targets, dict(e.get("params") or {}))
        rows.append(EventRow(str(e["step"]), origin, event))
    rows += [EventRow(f"{e.step} (next)", "live, pending", e) for e in live if e.step > run.step]
    return rows


@solara.component
def EventLog(run: Trajectory, live: tuple[Event, ...]):
    """The events so far as a table: quarter, origin, what happens (in words), settings."""
    rows = event_rows(run, live)
    if not rows:
        solara.Text("No events yet.", classes=["event-log-empty"])
        return
    names = {s.iso3: s.name for s in run.spec.states}
    body = "".join(
        f"<tr class='{'pending' if 'pending' in row.origin else 'fired'}'>"
        f"<td>{escape(row.quarter)}</td><td>{escape(row.origin)}</td>"
        f"<td>{escape(describe_event(row.event, names))}</td>"
        f"<td class='settings'>{escape(row.settings)}</td></tr>"
        for row in rows)
    Html(tag="div", classes=["event-log"], content=(
        f"{EVENT_LOG_CSS}<table><tr><th>Quarter</th><th>Origin</th><th>What happens</th>"
        f"<th>Settings</th></tr>{body}</table>"))


DURATIONS = {"until the end": 0, "2 quarters": 2, "4 quarters": 4, "8 quarters": 8}


@solara.component
def LiveEvents(codes: list[str], vendor_keys: tuple[str, ...],
               on_inject: Callable[..., None]):
    """Facilitator buttons: inject an event at the next quarter for the chosen targets.
    Suppliers and blocs are shown by name, with what the blocs are."""
    target, set_target = solara.use_state("all states")
    bloc, set_bloc = solara.use_state("A")
    vendor, set_vendor = solara.use_state(vendor_keys[0])
    lasts, set_lasts = solara.use_state("until the end")
    if target not in ("all states", *codes):  # another scenario with another region
        target = "all states"
    targets = ("all",) if target == "all states" else (target,)
    duration = DURATIONS[lasts]
    choices = [k for k in vendor_keys if k != "national"]
    vendor_names = {VENDOR_LABELS.get(k, k): k for k in choices}
    with solara.Row(style="align-items: center; flex-wrap: wrap", classes=["live-events"]):
        solara.Select(label="Target", value=target, values=["all states", *codes],
                      on_value=set_target, style="max-width: 140px")
        solara.Select(label="Bloc", value=bloc, values=["A", "B"], on_value=set_bloc,
                      style="max-width: 100px")
        solara.Select(label="Supplier", value=VENDOR_LABELS.get(vendor, vendor),
                      values=list(vendor_names),
                      on_value=lambda name: set_vendor(vendor_names.get(name, vendor)),
                      style="min-width: 230px; max-width: 300px")
        solara.Select(label="Lasts", value=lasts, values=list(DURATIONS), on_value=set_lasts,
                      style="min-width: 190px; max-width: 220px")
        params = {"export_control": {"bloc": bloc, "duration": duration},
                  "vendor_cutoff": {"vendor": vendor, "duration": duration},
                  "price_shock": {"bloc": bloc}, "regional_summit": {}}
        for kind in LIVE_EVENT_KINDS:
            k = EVENT_KINDS[kind]
            with solara.Tooltip(k.description):
                solara.Button(k.label, icon_name="mdi-flash", color="warning", outlined=True,
                              on_click=lambda kind=kind: on_inject(kind, targets,
                                                                   **params[kind]))
    solara.Text(BLOC_TEXT, classes=["hint", "bloc-text"])


def plain_number(value: float, signed: bool = False) -> str:
    """A number without exponents: thousands separated above 1,000, else 3 significant
    digits."""
    sign = "+" if signed and value >= 0 else ""
    if abs(value) >= 1000:
        return f"{sign}{value:,.0f}"
    return f"{sign}{float(f'{value:.3g}'):g}"


def delta_rows(a: Trajectory, b: Trajectory) -> list[tuple[str, float, float, float]]:
    """(outcome, A, B, B - A) at the last quarter, for the region; incidents summed."""
    rows = []
    for m in ("largest_supplier_share", "supplier_hhi", "external_share", "markup_paid",
              "cumulative_cost", "control_index", "possession_index", "evaluated_share",
              "service_continuity", "incidents", "public_value", "cohesion"):
        if m == "incidents":
            va, vb = float(a.series(m).sum()), float(b.series(m).sum())
            label = "Incidents (total over the run)"
        else:
            va, vb, label = a.final(m), b.final(m), OUTCOMES[m].label
        rows.append((label, va, vb, vb - va))
    return rows


#: (outcome, +1 if higher is better, -1 if lower) of the comparison, in the order shown.
COMPARE_METRICS = (("control_index", +1), ("possession_index", +1),
                   ("service_continuity", +1), ("outage_quarters", -1),
                   ("cumulative_cost", -1), ("largest_supplier_share", -1))


def compare_svgs(a: Trajectory, b: Trajectory, names: tuple[str, str],
                 ens_a: Ensemble | None = None,
                 ens_b: Ensemble | None = None) -> list[tuple[str, str, str]]:
    """Per outcome: (key, overlay SVG of A and B on the same axes, SVG of B − A over time,
    green where B is better). With ensembles: medians with 90% bands, and the median of
    the paired differences (seed i of A against seed i of B) with its band."""
    out = []
    markers = tuple(sorted(set(event_markers(a.spec, a.event_log))
                           | set(event_markers(b.spec, b.event_log)),
                           key=lambda m: (m.step, m.label)))
    for metric, better in COMPARE_METRICS:
        o = OUTCOMES[metric]
        label = o.label
        lines, bands = [], []
        if ens_a is not None and ens_b is not None:
            for tag, e, color in (("A", ens_a, charts.PALETTE[0]), ("B", ens_b, charts.PALETTE[1])):
                med, lo, hi = e.band(metric)
                bands.append(charts.Band(f"{tag}: {names[0 if tag == 'A' else 1]}", lo, hi,
                                         color))
                lines.append(charts.Line(f"{tag}: {names[0 if tag == 'A' else 1]} (median)",
                                         med, color))
            va = outcome_series(ens_a.state_metrics, ens_a.region_metrics, ens_a.iso3, metric,
                                REGION)
            vb = outcome_series(ens_b.state_metrics, ens_b.region_metrics, ens_b.iso3, metric,
                                REGION)
            low, delta, high = np.percentile(vb - va, [5, 50, 95], axis=0)
            prov = ens_a.provenance
        else:
            lines = [charts.Line(f"A: {names[0]}", a.series(metric), charts.PALETTE[0]),
                     charts.Line(f"B: {names[1]}", b.series(metric), charts.PALETTE[1])]
            delta, low, high = b.series(metric) - a.series(metric), None, None
            prov = a.provenance
        y_max = 1.0 if o.high == 1 else None
        overlay = charts.line_chart(f"cmp-{metric}", f"{label}: A and B", lines, a.horizon,
                                    prov, bands, y_max=y_max, markers=markers)
        diff = charts.delta_chart(f"delta-{metric}", f"{label}: B − A", delta, a.horizon,
                                  prov, better, low, high, markers=markers)
        out.append((metric, overlay, diff))
    return out


@solara.component
def ComparePanel(catalog: Catalog, names: tuple[str, str], a: Trajectory, b: Trajectory,
                 on_names: Callable[[str, str], None], ens_a: Ensemble | None = None,
                 ens_b: Ensemble | None = None, progress: tuple[int, int] = (0, 0)):
    """Two scenarios overlaid on the same axes, each outcome with a coloured panel of the
    difference over time, and a table of the final quarter."""
    choices = [*catalog.names, CURRENT]
    with solara.Row(style="flex-wrap: wrap"):
        solara.Select(label="Scenario A", value=names[0], values=choices,
                      on_value=lambda v: on_names(v, names[1]), style="min-width: 260px")
        solara.Select(label="Scenario B", value=names[1], values=choices,
                      on_value=lambda v: on_names(names[0], v), style="min-width: 260px")
    if progress[1]:
        solara.Text(f"Ensembles of both scenarios: {progress[0]} of {progress[1]} runs…",
                    classes=["compare-progress"])
    solara.Text("Blue = A, orange = B" + (", medians with 90% bands" if ens_a else "")
                + ". Under each chart: B − A over time, green where B is better, red where "
                  "worse.", classes=["hint"])
    with solara.Row(style="flex-wrap: wrap; gap: 8px", classes=["compare-charts"]):
        for metric, overlay, diff in compare_svgs(a, b, names, ens_a, ens_b):
            with solara.Column(gap="0px", classes=[f"compare-{metric}"],
                               style="flex: 1 1 min(440px, 100%); max-width: 640px"):
                Html(tag="div", content=overlay, classes=["chart-overlay"])
                Html(tag="div", content=diff, classes=["chart-delta"])
    rows = delta_rows(a, b)
    body = "".join(f"<tr><td>{escape(label)}</td><td>{plain_number(va)}</td>"
                   f"<td>{plain_number(vb)}</td><td><b>{plain_number(d, signed=True)}</b></td>"
                   "</tr>" for label, va, vb, d in rows)
    Html(tag="div", classes=["delta-panel"], content=(
        f"<table style='font-size:18px' cellpadding='4'><tr><th>Region, final quarter</th>"
        f"<th>A: {escape(names[0])}</th><th>B: {escape(names[1])}</th><th>B − A</th></tr>"
        f"{body}</table>"))


@solara.component
def CompareTab(catalog: Catalog, compare: tuple[str, str], current: ScenarioSpec,
               on_names: Callable[[str, str], None], cache: EnsembleCache | None = None,
               ensemble: bool = False, n: int = ENSEMBLE_SIZES[1]):
    """The comparison with its runs (memoised): ``compare`` names, "" for the defaults;
    with ``ensemble``, both scenarios' ensembles (computed in the background)."""
    from .session import use_ensembles

    default_a, default_b = default_comparison(catalog, CURRENT)
    names = (compare[0] or default_a, compare[1] or default_b)

    def spec_of(name: str) -> ScenarioSpec:
        return current if name == CURRENT else catalog.load(name)

    spec_a = solara.use_memo(lambda: spec_of(names[0]), [names[0], current if names[0] ==
                                                         CURRENT else None])
    spec_b = solara.use_memo(lambda: spec_of(names[1]), [names[1], current if names[1] ==
                                                         CURRENT else None])
    a = solara.use_memo(lambda: run_full(spec_a), [spec_a])
    b = solara.use_memo(lambda: run_full(spec_b), [spec_b])
    own = solara.use_memo(EnsembleCache, [])
    wanted = ensemble and limits.ensemble_allowed(spec_a, n) and limits.ensemble_allowed(
        spec_b, n)
    ens_a, ens_b, progress = use_ensembles(cache or own, spec_a, spec_b, wanted, n)
    ComparePanel(catalog, names, a, b, on_names, ens_a, ens_b, progress)


@solara.component
def SharePanel(query: str, yaml_text: Callable[[], str], csv_text: Callable[[], str],
               filename: str, provenance: dict, base_url: str = "", playing: bool = False):
    """Share link (also always in the address bar), Copy, a QR code, downloads, and the
    provenance they carry. The QR code is drawn when playback pauses: the link changes
    every quarter, nobody scans a moving view, and drawing it took ~11 ms of the server's
    time per quarter per playing session (a tenth of a loaded server's time)."""
    from .browser import CopyLink, qr_svg

    p = provenance
    url = f"{base_url}?{query}" if base_url else f"?{query}"
    with solara.Row(style="flex-wrap: wrap; align-items: center; gap: 16px",
                    classes=["share-row"]):
        with solara.Column(gap="6px", style="min-width: 0; flex: 1 1 320px"):
            Html(tag="h3", content="Share this view")
            solara.Text("The address bar always holds this exact view: copy it, or scan the "
                        "code. Opening it (or reloading) restores the session.",
                        classes=["hint"])
            CopyLink(url)
            Html(tag="a", content="Open the share link in a new tab",
                 attributes={"href": f"?{query}", "id": "share-link",
                             "target": "_blank"})
        if playing:
            qr = "<div class='hint'>(the QR code is drawn when playback pauses)</div>"
        elif base_url:
            qr = qr_svg(url) or ("<div class='hint'>(link too long for a QR code: use Copy "
                                 "link)</div>")
        else:
            qr = ""
        Html(tag="div", classes=["share-qr"], content=qr)
    with solara.Row(style="flex-wrap: wrap"):
        solara.FileDownload(yaml_text, filename=f"{filename}.yaml",
                            label="Download scenario (YAML for sovsim run)")
        solara.FileDownload(csv_text, filename=f"{filename}_results.csv",
                            label="Download results (CSV)", mime_type="text/csv")
    solara.Text(f"Provenance: sovsim {p['model_version']}, scenario '{p['scenario']}' "
                f"hash {p['scenario_hash']}, seed {p['seed']}", classes=["provenance"])


@solara.component
def StoryPicker(stories: tuple, on_open: Callable[[str], None]):
    """Start a takeaway story (it opens in presentation mode)."""
    titles = {s.title: s.key for s in stories}
    picks, set_picks = solara.use_state(0)

    def pick(title: str | None) -> None:
        set_picks(picks + 1)
        if title:
            on_open(titles[title])

    solara.Select(label="Takeaway story", value=None, values=list(titles), on_value=pick,
                  classes=["story-picker"]).key(f"story-picker-{picks}")


@solara.component
def StoryList(stories: tuple, on_open: Callable[[str], None]):
    """The takeaway stories, each with its steps and a Start button."""
    Html(tag="h3", content="Takeaway stories")
    solara.Text("Each story steps through a scenario in presentation mode, with a caption at "
                "the moments that matter. Next and Back move between them.", classes=["hint"])
    for story in stories:
        with solara.Card(story.title, classes=[f"story-{story.key}"]):
            Html(tag="ol", content="".join(
                f"<li>{escape(c.scenario)}, quarter {c.step}</li>" for c in story.chapters),
                attributes={"style": "font-size: 18px"})
            solara.Button("Start", color="primary", on_click=lambda k=story.key: on_open(k),
                          classes=[f"start-{story.key}"])


@solara.component
def StoryBar(title: str, index: int, count: int, caption: str,
             on_go: Callable[[int], None], on_leave: Callable[[], None]):
    """The story being told: its caption at this moment, Back / Next, and Leave."""
    with solara.Column(classes=["story-bar"], style="border-left: 6px solid #1f5fa8; "
                       "background: #e3f2fd; padding: 10px 14px; gap: 6px"):
        Html(tag="div", classes=["story-title"], content=(
            f"<b style='font-size:22px'>{escape(title)}</b> <span style='font-size:18px'>· "
            f"step {index + 1} of {count}</span>"))
        Html(tag="div", classes=["story-caption"], content=escape(caption))
        with solara.Row(style="flex-wrap: wrap"):
            solara.Button("Back", icon_name="mdi-chevron-left", disabled=index == 0,
                          on_click=lambda: on_go(index - 1), classes=["story-back"])
            solara.Button("Next", icon_name="mdi-chevron-right", color="primary",
                          disabled=index >= count - 1, on_click=lambda: on_go(index + 1),
                          classes=["story-next"])
            solara.Button("Leave the story", text=True, on_click=on_leave)


def odd_path() -> Path:
    return Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


@solara.component
def About(path: Path | None = None):
    """'About this model', from docs/ODD.md."""
    path = path or odd_path()
    if not path.is_file():
        solara.Error(f"The model description {path} is missing from this installation, so it "
                     "cannot be shown; see docs/ODD.md in the sovsim repository.")
        return
    Html(tag="div", classes=["about-model", "md-doc"],
         content=markdown_html(path.read_text(encoding="utf-8")))


def glossary_markdown() -> str:
    """Plain-language glossary of every outcome, lever and assumption."""
    out = ["## Outcomes (what the model reports)", "", "| Outcome | Family | Unit | Meaning |",
           "|---|---|---|---|"]
    for o in (*STATE_OUTCOMES, *REGION_OUTCOMES):
        out.append(f"| **{o.label}** | {o.family} | {o.unit} | {o.description} |")
    out += ["", "## Policy levers (what a scenario chooses)", "",
            "| Lever | Group | Applies to | Unit | Meaning | Source |", "|---|---|---|---|---|---|"]
    for p in LEVERS:
        scope = "the regional body" if p.scope == "region" else "each state"
        out.append(f"| **{p.label}** | {p.group} | {scope} | {p.unit} | {p.description} | "
                   f"{p.source} |")
    out += ["", "## Assumptions (uncertain facts about the world)", "",
            "| Assumption | Default | Range | Unit | Meaning | Source |",
            "|---|---|---|---|---|---|"]
    for p in UNCERTAINTIES:
        out.append(f"| **{p.label}** | {_fmt(p.default)} | {p.low} to {p.high} | {p.unit} | "
                   f"{p.description} | {p.source} |")
    return "\n".join(line.replace("\n", " ") for line in out)


@solara.component
def Glossary():
    Html(tag="div", classes=["glossary", "md-doc"],
         content=markdown_html(glossary_markdown()))
