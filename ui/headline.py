"""The headline bar: the four numbers that tell the strategies apart, in large type, at the
current quarter and against the baseline at the same quarter, the change coloured by
whether it is better or worse. Labels and units come from the outcome declarations in
:mod:`model.parameters`; only which outcomes lead and which way is better is chosen here."""

from __future__ import annotations

from html import escape

import solara

from model import OUTCOMES

from .html import Html
from .sim import Trajectory

#: (outcome, +1 if higher is better, -1 if lower is better), in the order shown.
HEADLINE = (("control_index", +1), ("possession_index", +1), ("cumulative_cost", -1),
            ("outage_quarters", -1))
BETTER, WORSE, SAME = "#1b5e20", "#b71c1c", "#546e7a"


def people_number(value: float, unit: str) -> str:
    """A number as a person reads it: no exponents, thousands separated, money in US$."""
    if unit.startswith("USD m"):
        if abs(value) >= 1000:
            return f"US${value / 1000:,.1f} bn"
        return f"US${value:,.0f} m"
    if unit.startswith("quarters"):
        return f"{value:,.1f} quarters"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def change_text(diff: float, unit: str) -> str:
    if unit.startswith("USD m"):
        sign = "+" if diff > 0 else "−"
        return sign + people_number(abs(diff), unit)
    text = people_number(abs(diff), unit)
    return ("+" if diff > 0 else "−") + text


def headline_cells(run: Trajectory, baseline: Trajectory) -> list[dict[str, str]]:
    """Label, value, change against the baseline and its colour, per headline outcome
    declared by the model (outcomes it no longer declares are left out)."""
    t = run.step
    cells = []
    for name, better in HEADLINE:
        if name not in OUTCOMES:
            continue
        o = OUTCOMES[name]
        now = float(run.series(name)[t])
        base = float(baseline.series(name)[min(t, baseline.step)])
        diff = now - base
        scale = max(abs(base), abs(now), 1e-9)
        if abs(diff) / scale < 5e-3:
            change, color = "= baseline", SAME
        else:
            change = f"{change_text(diff, o.unit)} vs baseline"
            color = BETTER if diff * better > 0 else WORSE
        cells.append({"name": name, "label": o.label, "value": people_number(now, o.unit),
                      "change": change, "color": color, "tip": f"{o.description} ({o.unit})"})
    return cells


HEADLINE_CSS = """<style>
.headline-bar{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-end}
.headline-cell{min-width:150px}
.headline-cell .hl-label{font-size:18px;color:#37474f}
.headline-cell .hl-value{font-size:36px;font-weight:700;line-height:1.1}
.headline-cell .hl-change{font-size:20px;font-weight:600}
.headline-quarter{font-size:20px;color:#37474f}
@media (max-width:600px){.headline-cell{min-width:140px}.headline-cell .hl-value{font-size:26px}
.headline-cell .hl-change,.headline-quarter{font-size:16px}.headline-cell .hl-label{font-size:15px}}
</style>"""


def headline_html(run: Trajectory, baseline: Trajectory) -> str:
    cells = "".join(
        f"<div class='headline-cell' data-outcome='{c['name']}' title='{escape(c['tip'])}'>"
        f"<div class='hl-label'>{escape(c['label'])}</div>"
        f"<div class='hl-value'>{escape(c['value'])}</div>"
        f"<div class='hl-change' style='color:{c['color']}'>{escape(c['change'])}</div></div>"
        for c in headline_cells(run, baseline))
    return (f"{HEADLINE_CSS}<div class='headline-bar'>{cells}<div class='headline-quarter'>"
            f"Region, quarter {run.step} of {run.horizon}</div></div>")


@solara.component
def HeadlineBar(run: Trajectory, baseline: Trajectory):
    """Always on screen (sticky at the top while scrolling)."""
    Html(headline_html(run, baseline), classes=["headline"])  # sticky: ui/static/custom.css
