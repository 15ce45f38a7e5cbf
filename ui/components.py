"""Solara components of the workshop UI. Each takes plain values and typed callbacks;
none holds simulation state of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
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

from . import charts
from .catalog import Catalog, default_comparison
from .sim import ENSEMBLE_SIZES, REGION, Ensemble, Trajectory, run_full
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


TABS = ("Workshop", "Compare", "About this model", "Glossary")


@solara.component
def TabBar(tab: int, on_tab: Callable[[int], None]):
    """The page's sections; only the chosen one is rendered."""
    solara.ToggleButtonsSingle(value=TABS[tab], values=list(TABS),
                               on_value=lambda label: on_tab(TABS.index(label)))


NOTICE_STYLE = ("position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); "
                "z-index: 1000; max-width: min(92vw, 1100px); padding: 10px 16px; "
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
    """A checkbox or slider for one declared parameter, with its tooltip."""
    mark = " •" if changed else ""
    with solara.Tooltip(tooltip_text(p)), solara.Column(gap="0px", classes=[f"lever-{p.name}"]):
        if p.type == "bool":
            solara.Checkbox(label=p.label + mark, value=bool(value),
                            on_value=lambda v: on_value(p.name, bool(v)))
            return
        solara.Text(f"{p.label}{mark}: {_fmt(value)} ({p.unit})", classes=["lever-label"])
        if p.type == "int":
            solara.SliderInt(label="", value=int(value), min=int(p.low), max=int(p.high),
                             on_value=lambda v: on_value(p.name, int(v)))
        else:
            solara.SliderFloat(label="", value=float(value), min=float(p.low),
                               max=float(p.high),
                               step=_round((float(p.high) - float(p.low)) / 100),
                               on_value=lambda v: on_value(p.name, _round(v)))


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

    solara.HTML(tag="h3", unsafe_innerHTML="Scenario")
    solara.Text(f"Now: {current}" + (" · changed in the workshop" if edited else ""),
                classes=["scenario-current"], style="font-weight: bold")
    solara.Text(catalog.descriptions.get(current, f"uploaded file {current}"),
                classes=["scenario-description"])
    solara.Select(label="Scenario", value=None, values=list(catalog.names), on_value=pick,
                  classes=["scenario-picker"]).key(f"scenario-picker-{picks}")
    solara.Text("Picking a scenario (the current one too) starts it afresh: lever changes, "
                "overrides and live events are dropped.", classes=["hint"])
    solara.FileDrop(label="…or drop a scenario YAML file here",
                    on_file=lambda info: on_upload(info["name"], info["data"]), lazy=False)
    Collapsible("Paste scenario YAML", "paste", lambda: PasteBox(on_upload))


@solara.component
def PasteBox(on_upload: Callable[[str, bytes], None]):
    text, set_text = solara.use_state("")
    solara.InputTextArea(label="Scenario YAML", value=text, on_value=set_text, rows=6,
                         continuous_update=True)
    solara.Button("Load pasted YAML", on_click=lambda: on_upload("pasted.yaml", text.encode()),
                  disabled=not text.strip())


@solara.component
def LeverPanel(setup: Setup, on_value: ValueCallback):
    """Every lever, generated from the declarations, grouped possession / coordination."""
    for group, title, blurb in GROUPS:
        with solara.Card(title, subtitle=blurb, classes=[f"levers-{group}"]):
            for p in LEVERS:
                if p.group != group:
                    continue
                changed = p.name in setup.values
                ParameterControl(p, setup.value(p.name), on_value, changed=changed)
                if p.scope == "region":
                    solara.Text("regional body", classes=["regional-body-note"],
                                style="color: #607d8b")


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
                on_change: Callable[[Callable[[AppState], AppState]], None]):
    """Play, pause, step, reset, speed, ensemble toggle and the focus (region or a state)."""
    from . import state as st

    with solara.Row(style="align-items: center; flex-wrap: wrap"):
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
        solara.Switch(label=f"Ensemble: {state.ensemble_size} runs, median and 90% band",
                      value=state.ensemble,
                      on_value=lambda v: on_change(lambda s: st.set_ensemble(s, bool(v))))
        solara.Select(label="Runs (seeds 1..N)", value=str(state.ensemble_size),
                      values=[str(n) for n in ENSEMBLE_SIZES],
                      style="min-width: 200px; max-width: 230px",
                      on_value=lambda v: on_change(lambda s: st.set_ensemble_size(s, int(v))))
        solara.Select(label="Show", value=state.focus, values=[REGION, *codes],
                      style="max-width: 130px",
                      on_value=lambda v: on_change(lambda s: _focus(s, v)))


def _speed(s: AppState, v: float) -> AppState:
    return replace(s, speed=v)


def _focus(s: AppState, v: str) -> AppState:
    return replace(s, focus=v)


def chart_svgs(run: Trajectory, baseline: Trajectory, focus: str,
               ensemble: Ensemble | None = None,
               baseline_ensemble: Ensemble | None = None) -> dict[str, str]:
    """SVG of every chart: the run (solid), the baseline (dashed), bands in ensemble mode."""
    out = {}
    for c in charts.CHARTS:
        lines, bands = [], []
        for i, metric in enumerate(c.metrics):
            label = charts.metric_label(metric)
            color = charts.PALETTE[i]
            if ensemble is not None and baseline_ensemble is not None:
                med, lo, hi = ensemble.band(metric, focus)
                bmed, blo, bhi = baseline_ensemble.band(metric, focus)
                bands += [charts.Band(f"{label} baseline", blo, bhi, charts.BASELINE_COLOR),
                          charts.Band(label, lo, hi, color)]
                lines += [charts.Line(f"{label} (median)", med, color),
                          charts.Line(f"{label} baseline (median)", bmed, color, dashed=True)]
            else:
                lines += [charts.Line(label, run.series(metric, focus), color),
                          charts.Line(f"{label} baseline", baseline.series(metric, focus),
                                      color, dashed=True)]
        high = [OUTCOMES[m].high for m in c.metrics]
        y_max = 1.0 if all(h == 1 for h in high) else None
        prov = ensemble.provenance if ensemble is not None else run.provenance
        out[c.key] = charts.line_chart(c.key, c.title, lines, run.horizon, prov, bands,
                                       y_max=y_max)
    return out


@solara.component
def Charts(run: Trajectory, baseline: Trajectory, focus: str,
           ensemble: Ensemble | None = None, baseline_ensemble: Ensemble | None = None,
           baseline_label: str = "the baseline"):
    svgs = chart_svgs(run, baseline, focus, ensemble, baseline_ensemble)
    where = "the region" if focus == REGION else focus
    solara.Text(f"Outcomes for {where}: solid = this run"
                + (f" (median of {len(ensemble.seeds)} runs, shaded = 90% band)"
                   if ensemble else "")
                + f"; dashed = {baseline_label}.")
    with solara.Row(style="flex-wrap: wrap; gap: 8px"):
        for key, svg in svgs.items():
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=[f"chart-{key}"])


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
            rows.append(f"<tr><td>{escape(OUTCOMES[m].label)}</td><td><b>{now:.3g}</b></td>"
                        f"<td style='color:{color}'>{diff:+.2g}</td></tr>")
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
    solara.HTML(tag="div", unsafe_innerHTML=cards_html(run, baseline), classes=["state-cards"])


@solara.component
def Network(run: Trajectory):
    labels = [VENDOR_LABELS.get(k, k) for k in run.vendor_keys]
    solara.HTML(tag="div", classes=["chart-network"], unsafe_innerHTML=charts.network(
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
        return ", ".join(f"{k}={v}" for k, v in self.event.params.items())


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
    solara.HTML(tag="div", classes=["event-log"], unsafe_innerHTML=(
        f"{EVENT_LOG_CSS}<table><tr><th>Quarter</th><th>Origin</th><th>What happens</th>"
        f"<th>Settings</th></tr>{body}</table>"))


DURATIONS = {"until the end": 0, "2 quarters": 2, "4 quarters": 4, "8 quarters": 8}


@solara.component
def LiveEvents(codes: list[str], vendor_keys: tuple[str, ...],
               on_inject: Callable[..., None]):
    """Facilitator buttons: inject an event at the next quarter for the chosen targets."""
    target, set_target = solara.use_state("all states")
    bloc, set_bloc = solara.use_state("A")
    vendor, set_vendor = solara.use_state(vendor_keys[0])
    lasts, set_lasts = solara.use_state("until the end")
    if target not in ("all states", *codes):  # another scenario with another region
        target = "all states"
    targets = ("all",) if target == "all states" else (target,)
    duration = DURATIONS[lasts]
    with solara.Row(style="align-items: center; flex-wrap: wrap", classes=["live-events"]):
        solara.Select(label="Target", value=target, values=["all states", *codes],
                      on_value=set_target, style="max-width: 140px")
        solara.Select(label="Bloc", value=bloc, values=["A", "B"], on_value=set_bloc,
                      style="max-width: 100px")
        choices = [k for k in vendor_keys if k != "national"]
        solara.Select(label="Supplier", value=vendor, values=choices, on_value=set_vendor,
                      style="max-width: 170px")
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


@solara.component
def ComparePanel(catalog: Catalog, names: tuple[str, str], a: Trajectory, b: Trajectory,
                 on_names: Callable[[str, str], None]):
    """Two scenarios side by side (same axes) with a delta panel of key outcomes."""
    choices = [*catalog.names, CURRENT]
    with solara.Row():
        solara.Select(label="Scenario A", value=names[0], values=choices,
                      on_value=lambda v: on_names(v, names[1]))
        solara.Select(label="Scenario B", value=names[1], values=choices,
                      on_value=lambda v: on_names(names[0], v))
    rows = delta_rows(a, b)
    body = "".join(f"<tr><td>{escape(label)}</td><td>{plain_number(va)}</td>"
                   f"<td>{plain_number(vb)}</td><td><b>{plain_number(d, signed=True)}</b></td>"
                   "</tr>" for label, va, vb, d in rows)
    solara.HTML(tag="div", classes=["delta-panel"], unsafe_innerHTML=(
        f"<table style='font-size:18px' cellpadding='4'><tr><th>Region, final quarter</th>"
        f"<th>A: {escape(names[0])}</th><th>B: {escape(names[1])}</th><th>B − A</th></tr>"
        f"{body}</table>"))
    for c in charts.CHARTS:
        if c.key not in ("dependence", "cost", "control", "resilience", "leverage"):
            continue
        peak = max(float(np.max(t.series(m))) for t in (a, b) for m in c.metrics)
        y_max = 1.0 if all(OUTCOMES[m].high == 1 for m in c.metrics) else charts.nice_max(peak)
        with solara.Row(style="gap: 8px"):
            for tag, t in (("A", a), ("B", b)):
                lines = [charts.Line(charts.metric_label(m), t.series(m), charts.PALETTE[i])
                         for i, m in enumerate(c.metrics)]
                svg = charts.line_chart(f"{c.key}-{tag}", f"{tag}: {c.title}", lines,
                                        t.horizon, t.provenance, y_max=y_max)
                solara.HTML(tag="div", unsafe_innerHTML=svg, classes=[f"compare-{tag}"])


@solara.component
def CompareTab(catalog: Catalog, compare: tuple[str, str], current: ScenarioSpec,
               on_names: Callable[[str, str], None]):
    """The comparison with its runs (memoised): ``compare`` names, "" for the defaults."""
    default_a, default_b = default_comparison(catalog, CURRENT)
    names = (compare[0] or default_a, compare[1] or default_b)

    def run_of(name: str) -> Trajectory:
        return run_full(current if name == CURRENT else catalog.load(name))

    a = solara.use_memo(lambda: run_of(names[0]), [names[0], current if names[0] == CURRENT
                                                   else None])
    b = solara.use_memo(lambda: run_of(names[1]), [names[1], current if names[1] == CURRENT
                                                   else None])
    ComparePanel(catalog, names, a, b, on_names)


@solara.component
def SharePanel(query: str, yaml_text: Callable[[], str], csv_text: Callable[[], str],
               filename: str, provenance: dict):
    """Share link, downloads, and the provenance they carry."""
    p = provenance
    solara.HTML(tag="a", unsafe_innerHTML="Share link: opens this exact view",
                attributes={"href": f"?{query}", "id": "share-link", "target": "_blank"})
    solara.InputText(label="Link query (append to this page's address)", value=f"?{query}",
                     disabled=True)
    with solara.Row():
        solara.FileDownload(yaml_text, filename=f"{filename}.yaml",
                            label="Download scenario (YAML for sovsim run)")
        solara.FileDownload(csv_text, filename=f"{filename}_results.csv",
                            label="Download results (CSV)", mime_type="text/csv")
    solara.Text(f"Provenance: sovsim {p['model_version']}, scenario '{p['scenario']}' "
                f"hash {p['scenario_hash']}, seed {p['seed']}", classes=["provenance"])


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
    solara.HTML(tag="div", classes=["about-model", "md-doc"],
                unsafe_innerHTML=markdown_html(path.read_text(encoding="utf-8")))


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
    solara.HTML(tag="div", classes=["glossary", "md-doc"],
                unsafe_innerHTML=markdown_html(glossary_markdown()))
