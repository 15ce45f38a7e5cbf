"""Charts as inline SVG strings: no JavaScript, no CDN, tiny to send, instant to redraw.

A chart shows the current run (solid, up to the current step), the baseline scenario
(dashed, full horizon) and, in ensemble mode, median lines with shaded 90% bands. Every
chart carries a provenance line (model version, scenario hash, seed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from model import OUTCOMES

PALETTE = ("#1f5fa8", "#c2571a", "#2e8b57", "#8e44ad")
BASELINE_COLOR = "#555555"


@dataclass(frozen=True)
class ChartDef:
    key: str
    title: str
    metrics: tuple[str, ...]


CHARTS: tuple[ChartDef, ...] = (
    ChartDef("dependence", "Dependence: largest supplier share", ("largest_supplier_share",)),
    ChartDef("hhi", "Dependence: how concentrated suppliers are", ("supplier_hhi",)),
    ChartDef("leverage", "Leverage: markup paid over unit cost", ("markup_paid",)),
    ChartDef("cost", "Cost: cumulative spend (US$ m)", ("cumulative_cost",)),
    ChartDef("spend", "Cost per quarter (US$ m): price shocks show here",
             ("spend",)),
    ChartDef("control", "Control against possession", ("control_index", "possession_index")),
    ChartDef("resilience", "Resilience: service continuity", ("service_continuity",)),
    ChartDef("outage", "Resilience: outage so far (quarters of lost service)",
             ("outage_quarters",)),
    ChartDef("cohesion", "Regional body: cohesion (summits show here)", ("cohesion",)),
    ChartDef("incidents", "Incidents per quarter", ("incidents",)),
)
CHART_BY_KEY = {c.key: c for c in CHARTS}


@dataclass(frozen=True)
class Line:
    """One series: ``values`` for steps 0..len-1; ``dashed`` for a baseline."""

    name: str
    values: np.ndarray
    color: str
    dashed: bool = False


@dataclass(frozen=True)
class Marker:
    """An event on the time axis: a labelled line at ``step``; a restriction that lasts
    shades ``step`` to ``until`` (inclusive)."""

    step: int
    label: str
    until: int | None = None
    color: str = "#b71c1c"


@dataclass(frozen=True)
class Band:
    """A shaded 90% band (5th to 95th percentile) over steps 0..len-1."""

    name: str
    low: np.ndarray
    high: np.ndarray
    color: str


def nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5, 5 x 10^k)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp * 1.0000001:
            return m * exp
    return 10 * exp


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def line_chart(key: str, title: str, lines: Sequence[Line], horizon: int,
               provenance: Mapping[str, object], bands: Sequence[Band] = (),
               y_max: float | None = None, width: int = 380, height: int = 210,
               markers: Sequence[Marker] = (), y_min: float = 0.0) -> str:
    """An SVG line chart; ``data-chart`` and ``data-series`` attributes name its parts."""
    rows, lx = 1, 46.0
    for ln in lines:  # the legend's wrapping, as drawn below
        needed = 22 + 5.0 * len(ln.name)
        if lx > 46 and lx + needed > width:
            rows, lx = rows + 1, 46.0
        lx += needed
    height += 11 * (rows - 1) + 10
    left, right, top, bottom = 46, 10, 24, 54 + 11 * (rows - 1)
    pw, ph = width - left - right, height - top - bottom
    peak = max([float(np.nanmax(v)) for v in [*(ln.values for ln in lines),
                                               *(b.high for b in bands)] if len(v)] or [1.0])
    top_value = y_max if y_max is not None else nice_max(peak)
    span = max(top_value - y_min, 1e-12)

    def x(i: float) -> float:
        return left + pw * i / max(horizon, 1)

    def y(v: float) -> float:
        return top + ph * (1.0 - min(max((v - y_min) / span, -0.05), 1.05))

    def points(values: np.ndarray) -> str:
        return " ".join(f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(values))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" data-chart="{escape(key)}" role="img" '
           f'aria-label="{escape(title)}" style="font-family:sans-serif;font-size:10px">',
           f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>']
    out += marker_svg(markers, x, top, ph)
    for frac in (0.0, 0.5, 1.0):
        gy = top + ph * (1 - frac)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{gy:.1f}" y2="{gy:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 4}" y="{gy + 3:.1f}" text-anchor="end">'
                   f'{_fmt(y_min + span * frac)}</text>')
    if y_min < 0 < top_value:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
                   f'stroke="#78909c" stroke-width="1"/>')
    for q in range(0, horizon + 1, 8 if horizon > 16 else 2):
        out.append(f'<text x="{x(q):.1f}" y="{top + ph + 12}" text-anchor="middle">{q}</text>')
    out.append(f'<text x="{left + pw - 2}" y="{top + ph + 23}" text-anchor="end" '
               f'fill="#666">quarter</text>')
    for b in bands:
        upper = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(b.high)]
        lower = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(b.low)][::-1]
        out.append(f'<polygon points="{" ".join(upper + lower)}" fill="{b.color}" '
                   f'fill-opacity="0.18" stroke="none" data-series="band:{escape(b.name)}">'
                   f'<title>{escape(b.name)}: 90% band</title></polygon>')
    for ln in lines:
        dash = ' stroke-dasharray="5,4"' if ln.dashed else ""
        last = f"{float(ln.values[-1]):.4g}" if len(ln.values) else "n/a"
        out.append(f'<polyline points="{points(ln.values)}" fill="none" stroke="{ln.color}" '
                   f'stroke-width="{1.5 if ln.dashed else 2.2}"{dash} '
                   f'data-series="{escape(ln.name)}"><title>{escape(ln.name)}: {last}'
                   f'</title></polyline>')
    lx, ly = left, top + ph + 32
    for ln in lines:
        dash = ' stroke-dasharray="5,4"' if ln.dashed else ""
        needed = 22 + 5.0 * len(ln.name)
        if lx > left and lx + needed > width:
            lx, ly = left, ly + 11
        out.append(f'<line x1="{lx}" x2="{lx + 14}" y1="{ly}" y2="{ly}" '
                   f'stroke="{ln.color}" stroke-width="2"{dash}/>'
                   f'<text x="{lx + 17}" y="{ly + 3}">{escape(ln.name)}</text>')
        lx += needed
    p = provenance
    out.append(f'<text x="{width - 4}" y="{height - 3}" text-anchor="end" font-size="8" '
               f'fill="#888" data-provenance="1">sovsim {escape(str(p["model_version"]))} · '
               f'scenario {escape(str(p["scenario_hash"]))} · seed {escape(str(p["seed"]))}'
               f'</text></svg>')
    return "".join(out)


def marker_svg(markers: Sequence[Marker], x, top: float, ph: float) -> list[str]:
    """Shaded restriction periods and a labelled line per event (labels staggered in
    three rows so neighbouring events stay readable)."""
    out = []
    for i, m in enumerate(sorted(markers, key=lambda m: m.step)):
        x0 = x(m.step)
        if m.until is not None and m.until >= m.step:
            x1 = x(m.until + 1)
            out.append(f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" '
                       f'height="{ph:.1f}" fill="{m.color}" fill-opacity="0.10" '
                       f'data-marker-period="{m.step}-{m.until}"><title>{escape(m.label)}, '
                       f'quarters {m.step}–{m.until}</title></rect>')
        ly = top + 9 + 9 * (i % 3)
        out.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{top}" y2="{top + ph:.1f}" '
                   f'stroke="{m.color}" stroke-width="1.2" stroke-dasharray="2,2"/>'
                   f'<text x="{x0 + 2:.1f}" y="{ly:.1f}" font-size="8.5" fill="{m.color}" '
                   f'data-marker="{m.step}">{escape(m.label)}</text>')
    return out


def delta_chart(key: str, title: str, delta: np.ndarray, horizon: int,
                provenance: Mapping[str, object], better: int,
                low: np.ndarray | None = None, high: np.ndarray | None = None,
                markers: Sequence[Marker] = (), width: int = 380, height: int = 170) -> str:
    """B minus A over time as bars, green where B is better and red where worse
    (``better`` = +1 if higher is better); an optional band from ``low`` to ``high``."""
    values = [float(v) for v in delta]
    extent = [abs(v) for v in values] + ([abs(float(v)) for v in low] if low is not None
                                         else []) + ([abs(float(v)) for v in high]
                                                     if high is not None else [])
    top_value = nice_max(max(extent or [0.0]) or 1e-9)
    left, right, top, bottom = 46, 10, 24, 30
    pw, ph = width - left - right, height - top - bottom

    def x(i: float) -> float:
        return left + pw * i / max(horizon, 1)

    def y(v: float) -> float:
        return top + ph * (0.5 - 0.5 * max(min(v / top_value, 1.0), -1.0))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" data-chart="{escape(key)}" role="img" '
           f'aria-label="{escape(title)}" style="font-family:sans-serif;font-size:10px">',
           f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>']
    out += marker_svg(markers, x, top, ph)
    for v in (-top_value, 0.0, top_value):
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   f'stroke="{"#78909c" if v == 0 else "#ddd"}"/><text x="{left - 4}" '
                   f'y="{y(v) + 3:.1f}" text-anchor="end">{_fmt(v)}</text>')
    if low is not None and high is not None:
        upper = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(high)]
        lower = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(low)][::-1]
        out.append(f'<polygon points="{" ".join(upper + lower)}" fill="#546e7a" '
                   f'fill-opacity="0.18" data-series="band:delta"/>')
    bar = pw / max(horizon, 1) * 0.8
    for i, v in enumerate(values):
        if abs(v) < 1e-12:
            continue
        color = "#2e7d32" if v * better > 0 else "#c62828"
        y0, y1 = sorted((y(0.0), y(v)))
        out.append(f'<rect x="{x(i) - bar / 2:.1f}" y="{y0:.1f}" width="{bar:.1f}" '
                   f'height="{max(y1 - y0, 0.5):.1f}" fill="{color}" '
                   f'data-delta="{"better" if v * better > 0 else "worse"}"/>')
    for q in range(0, horizon + 1, 8 if horizon > 16 else 2):
        out.append(f'<text x="{x(q):.1f}" y="{top + ph + 12}" text-anchor="middle">{q}</text>')
    p = provenance
    out.append(f'<text x="{width - 4}" y="{height - 3}" text-anchor="end" font-size="8" '
               f'fill="#888" data-provenance="1">green = B better, red = B worse · sovsim '
               f'{escape(str(p["model_version"]))} · seed {escape(str(p["seed"]))}</text></svg>')
    return "".join(out)


def metric_label(name: str) -> str:
    return OUTCOMES[name].label


def network(iso3: Sequence[str], vendor_labels: Sequence[str], vendor_is_model: Sequence[bool],
            shares: np.ndarray, step: int, provenance: Mapping[str, object],
            width: int = 520, height: int = 330) -> str:
    """States (left) and suppliers (right); edge width = the supplier's share of the state's
    stakes-weighted workflows in that layer (model layer blue, compute layer green)."""
    S, V = shares.shape
    top, bottom = 30, 20
    sy = [top + (height - top - bottom) * (i + 0.5) / S for i in range(S)]
    vy = [top + (height - top - bottom) * (j + 0.5) / V for j in range(V)]
    sx, vx = 60, width - 170
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" data-chart="network" role="img" '
           f'aria-label="Dependency network" style="font-family:sans-serif;font-size:10px">',
           f'<text x="6" y="14" font-size="12" font-weight="bold">Dependency network, quarter '
           f'{step}</text>',
           '<text x="6" y="26">edge width = supplier share; blue = models, green = compute'
           '</text>']
    for i in range(S):
        for j in range(V):
            share = float(shares[i, j])
            if share < 0.01:
                continue
            color = PALETTE[0] if vendor_is_model[j] else PALETTE[2]
            out.append(f'<line x1="{sx}" y1="{sy[i]:.1f}" x2="{vx}" y2="{vy[j]:.1f}" '
                       f'stroke="{color}" stroke-opacity="0.45" '
                       f'stroke-width="{0.4 + 9 * share:.2f}" '
                       f'data-edge="{escape(iso3[i])}-{j}"><title>{escape(iso3[i])} → '
                       f'{escape(vendor_labels[j])}: {share:.0%}</title></line>')
    for i, code in enumerate(iso3):
        out.append(f'<circle cx="{sx}" cy="{sy[i]:.1f}" r="5" fill="#333"/>'
                   f'<text x="{sx - 9}" y="{sy[i] + 3:.1f}" text-anchor="end">{escape(code)}'
                   f'</text>')
    for j, label in enumerate(vendor_labels):
        color = PALETTE[0] if vendor_is_model[j] else PALETTE[2]
        out.append(f'<rect x="{vx - 5}" y="{vy[j] - 5:.1f}" width="10" height="10" '
                   f'fill="{color}"/><text x="{vx + 9}" y="{vy[j] + 3:.1f}">{escape(label)}'
                   f'</text>')
    p = provenance
    out.append(f'<text x="{width - 4}" y="{height - 3}" text-anchor="end" font-size="8" '
               f'fill="#888">sovsim {escape(str(p["model_version"]))} · scenario '
               f'{escape(str(p["scenario_hash"]))} · seed {escape(str(p["seed"]))}</text></svg>')
    return "".join(out)
