"""What the room pages draw, as HTML/SVG strings (testable without a browser): a team's
headline, the table of states, the debrief's possession-against-control map, the QR code."""

from __future__ import annotations

import io
from html import escape

from model import OUTCOMES, PARAMETERS

from .. import charts
from ..headline import BETTER, HEADLINE, HEADLINE_CSS, SAME, WORSE, change_text, people_number
from ..sim import Trajectory
from . import engine as eng
from .engine import Room

TABLE_CSS = """<style>
.room-table table{border-collapse:collapse;width:100%;font-size:20px}
.room-table th,.room-table td{padding:4px 8px;border-bottom:1px solid #cfd8dc;text-align:left}
.room-table td.num{text-align:right;font-variant-numeric:tabular-nums}
.room-table tr.unclaimed td{color:#78909c}
.room-table td.status{white-space:nowrap}
.room-code{font-size:64px;font-weight:800;letter-spacing:6px;font-family:monospace}
.room-big{font-size:24px}
@media (max-width:600px){.room-table table{font-size:15px}.room-table th,.room-table td{
padding:4px 5px}.room-code{font-size:40px}}
</style>"""


def state_headline_html(run: Trajectory, baseline: Trajectory, iso3: str, label: str) -> str:
    """The headline bar for one state (its outcomes against its baseline)."""
    t = run.step
    cells = []
    for name, better in HEADLINE:
        o = OUTCOMES[name]
        now = float(run.series(name, iso3)[t])
        base = float(baseline.series(name, iso3)[min(t, baseline.step)])
        diff = now - base
        if abs(diff) / max(abs(base), abs(now), 1e-9) < 5e-3:
            change, color = "= baseline", SAME
        else:
            change = f"{change_text(diff, o.unit)} vs baseline"
            color = BETTER if diff * better > 0 else WORSE
        cells.append(f"<div class='headline-cell' data-outcome='{name}'>"
                     f"<div class='hl-label'>{escape(o.label)}</div>"
                     f"<div class='hl-value'>{escape(people_number(now, o.unit))}</div>"
                     f"<div class='hl-change' style='color:{color}'>{escape(change)}</div>"
                     f"</div>")
    return (f"{HEADLINE_CSS}<div class='headline-bar'>{''.join(cells)}<div class='"
            f"headline-quarter'>{escape(label)}, quarter {t} of {run.horizon}</div></div>")


def state_chart(run: Trajectory, baseline: Trajectory, iso3: str, metrics=(
        "control_index", "possession_index"), key: str = "team", title: str = "") -> str:
    lines = []
    for i, m in enumerate(metrics):
        label = charts.metric_label(m)
        lines += [charts.Line(label, run.series(m, iso3), charts.PALETTE[i]),
                  charts.Line(f"{label} baseline", baseline.series(m, iso3), charts.PALETTE[i],
                              dashed=True)]
    return charts.line_chart(key, title or f"{iso3}: control and possession", lines,
                             run.horizon, run.provenance, y_max=1.0)


def two_paths_chart(a: Trajectory, b: Trajectory, metric: str, focus: str, key: str,
                    label_b: str) -> str:
    """The game and a fork on the same axes."""
    o = OUTCOMES[metric]
    lines = [charts.Line(f"game: {o.label}", a.series(metric, focus), charts.PALETTE[0]),
             charts.Line(f"{label_b}: {o.label}", b.series(metric, focus), charts.PALETTE[1])]
    where = "region" if focus == "region" else focus
    return charts.line_chart(key, f"{o.label} ({where}): game and fork", lines, a.horizon,
                             a.provenance, y_max=1.0 if o.high == 1 else None, width=520)


def region_chart(run: Trajectory, baseline: Trajectory, metric: str, key: str) -> str:
    o = OUTCOMES[metric]
    lines = [charts.Line(o.label, run.series(metric), charts.PALETTE[0]),
             charts.Line(f"{o.label} without decisions", baseline.series(metric),
                         charts.PALETTE[0], dashed=True)]
    return charts.line_chart(key, f"Region: {o.label}", lines, run.horizon, run.provenance,
                             y_max=1.0 if o.high == 1 else None, width=520, height=260)


def states_table_html(room: Room, run: Trajectory, baseline: Trajectory, online=(),
                      step: int | None = None, submitted: bool = True) -> str:
    """One row per state: team, control, possession, cost, outage (at ``step``), and who has
    submitted this round."""
    t = run.step if step is None else step
    names = {s.iso3: s.name for s in run.spec.states}
    rows = []
    for iso3 in run.iso3:
        seat = room.seats.get(iso3)
        cells = []
        for name, _better in HEADLINE:
            o = OUTCOMES[name]
            now = float(run.series(name, iso3)[t])
            cells.append(f"<td class='num' data-col='{name}'>"
                         f"{escape(people_number(now, o.unit))}</td>")
        status = ""
        if submitted:
            status = ("✔ submitted" if iso3 in room.submissions else
                      "waiting" if seat else "—")
            if seat and iso3 in online:
                status += " <span title='online' style='color:#2e7d32'>●</span>"
        team = escape(seat.team) if seat else "<i title='no team: levers as the scenario'>—</i>"
        rows.append(f"<tr class='{'claimed' if seat else 'unclaimed'}' data-state='{iso3}'>"
                    f"<td><b>{escape(names[iso3])}</b></td><td>{team}</td>{''.join(cells)}"
                    + (f"<td class='status'>{status}</td>" if submitted else "") + "</tr>")
    head = "".join(f"<th>{escape(OUTCOMES[n].label)}</th>" for n, _ in HEADLINE)
    extra = "<th>This round</th>" if submitted else ""
    if room.secretariat and submitted:
        seat = room.seats.get(eng.SECRETARIAT)
        status = "✔ submitted" if eng.SECRETARIAT in room.submissions else (
            "waiting" if seat else "—")
        rows.append(f"<tr data-state='SEC'><td><b>Secretariat</b></td><td>"
                    f"{escape(seat.team) if seat else '—'}</td>"
                    f"<td colspan='{len(HEADLINE)}'>regional body: sets the agenda</td>"
                    f"<td class='status'>{status}</td></tr>")
    return (f"{TABLE_CSS}<div class='room-table'><table><tr><th>State</th><th>Team</th>{head}"
            f"{extra}</tr>{''.join(rows)}</table></div>")


def decisions_html(room: Room, names: dict[str, str]) -> str:
    """Every decision, by round (the debrief's paths)."""
    if not room.decisions:
        return "<p>No decisions yet.</p>"
    rows = []
    for d in room.decisions:
        e = d.event
        who = {"vote": "Regional body (vote)", "facilitator": "Facilitator"}.get(
            d.by, names.get(d.by, d.by))
        team = room.seats[d.by].team if d.by in room.seats else ""
        if e["kind"] == "set_lever":
            p = PARAMETERS[e["params"]["lever"]]
            what = f"{p.label} → {fmt_value(e['params']['value'])}"
        else:
            from model import EVENT_KINDS

            what = f"{EVENT_KINDS[e['kind']].label} for {describe_targets(e, names)}"
        rows.append(f"<tr><td class='num'>{d.round}</td><td>{escape(who)}</td>"
                    f"<td>{escape(team)}</td><td>{escape(what)}</td>"
                    f"<td class='num'>{e['step']}</td></tr>")
    return (f"{TABLE_CSS}<div class='room-table decisions'><table><tr><th>Round</th>"
            f"<th>Who</th><th>Team</th><th>Decision</th><th>From quarter</th></tr>"
            f"{''.join(rows)}</table></div>")


def describe_targets(e: dict, names: dict[str, str]) -> str:
    t = e.get("targets", "all")
    return "all states" if t == "all" else ", ".join(names.get(x, x) for x in t)


def fmt_value(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def possession_control_map(room: Room, run: Trajectory) -> str:
    """Each state's path over the rounds: possession (x) against control (y)."""
    w, h, left, top, pad = 620, 470, 56, 20, 40
    pw, ph = w - left - pad, h - top - 50
    ends = [min(r * room.quarters_per_round, run.step) for r in range(room.round + 1)]
    xs = [run.series("possession_index", c)[ends] for c in run.iso3]
    ys = [run.series("control_index", c)[ends] for c in run.iso3]
    x_max = min(1.0, charts.nice_max(1.1 * max(float(x.max()) for x in xs)))
    y_min = 0.5 if min(float(y.min()) for y in ys) >= 0.5 else 0.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
           f'height="{h}" data-chart="paths" role="img" aria-label="possession against '
           f'control" style="font-family:sans-serif;font-size:13px">']
    for f in (0, 0.5, 1):
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph * (1 - f)}" '
                   f'y2="{top + ph * (1 - f)}" stroke="#ddd"/><text x="{left - 6}" '
                   f'y="{top + ph * (1 - f) + 4}" text-anchor="end">'
                   f'{y_min + (1 - y_min) * f:g}</text>'
                   f'<text x="{left + pw * f}" y="{top + ph + 16}" text-anchor="middle">'
                   f'{x_max * f:.2g}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 10}" text-anchor="middle" font-size="15">'
               f'Possession →</text><text x="14" y="{top + ph / 2}" font-size="15" '
               f'transform="rotate(-90 14 {top + ph / 2})" text-anchor="middle">Control →'
               f'</text>')
    palette = ("#1f5fa8", "#c2571a", "#2e8b57", "#8e44ad", "#b71c1c", "#00838f", "#6d4c41",
               "#ad1457", "#558b2f", "#283593", "#ef6c00")
    def px(a: float) -> float:
        return left + pw * min(a / x_max, 1.0)

    def py(b: float) -> float:
        return top + ph * (1 - max(0.0, (b - y_min) / (1 - y_min)))

    for i, iso3 in enumerate(run.iso3):
        x, y = xs[i], ys[i]
        pts = " ".join(f"{px(float(a)):.1f},{py(float(b)):.1f}" for a, b in zip(x, y))
        c = palette[i % len(palette)]
        ex, ey = px(float(x[-1])), py(float(y[-1]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2" '
                   f'data-series="{iso3}"/><circle cx="{ex:.1f}" cy="{ey:.1f}" r="5" '
                   f'fill="{c}"/><text x="{ex + 7:.1f}" y="{ey + 4:.1f}" fill="{c}" '
                   f'font-weight="bold">{iso3}</text>')
    out.append("</svg>")
    return "".join(out)


def qr_svg(text: str, scale: int = 6) -> str:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=scale, xmldecl=False,
                                     svgns=True, border=2)
    return buf.getvalue().decode()


def round_ends(room: Room) -> list[int]:
    return [r * room.quarters_per_round for r in range(room.round + 1)]


def team_budget(run: Trajectory, iso3: str, levers: dict) -> dict[str, float]:
    """The state's AI budget per quarter (US$ m) and what the team allocates of it."""
    gdp = next(s.gdp_usd for s in run.spec.states if s.iso3 == iso3)
    budget = float(run.spec.value("ai_budget_share", iso3)) * gdp / 4 / 1e6
    share = float(sum(float(levers[n]) for n in eng.BUDGET_LEVERS))
    spent = float(run.series("cumulative_cost", iso3)[run.step])
    return {"budget": budget, "allocated_share": share, "allocated": share * budget,
            "spent": spent, "cap": eng.MAX_ALLOCATION}
