"""Markdown tables of every declaration, for docs/ODD.md (kept current by a test)."""

from __future__ import annotations

from .calibration import appeal_targets
from .events import EVENT_KINDS
from .parameters import CONSTANTS, LEVERS, REGION_OUTCOMES, STATE_OUTCOMES, UNCERTAINTIES
from .vendors import ARCHETYPES, NATIONAL_COMPUTE, NATIONAL_PROGRAMME


def _fmt(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _params(params, with_scope: bool) -> list[str]:
    head = "| name | label | unit | default | range | "
    head += "scope / group | " if with_scope else ""
    head += "source | meaning |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for p in params:
        rng = "true/false" if p.type == "bool" else f"{p.low} – {p.high}"
        scope = f"{p.scope} / {p.group} | " if with_scope else ""
        lines.append(f"| `{p.name}` | {p.label} | {p.unit} | {_fmt(p.default)} | {rng} | "
                     f"{scope}{p.source} | {p.description} |")
    return lines


def _outcomes(outcomes) -> list[str]:
    lines = ["| name | family | unit | meaning |", "|---|---|---|---|"]
    lines += [f"| `{o.name}` | {o.family} | {o.unit} | {o.description} |" for o in outcomes]
    return lines


def _suppliers() -> list[str]:
    lines = ["| key | kind | bloc | layer | quality | hype | unit cost | reliability | "
             "claimed reliability | portability | language fit | markup factor | "
             "progress factor | initial share | appeal | source |", "|" + "---|" * 16]
    for a in (*ARCHETYPES, NATIONAL_PROGRAMME, NATIONAL_COMPUTE):
        lines.append(
            f"| `{a.key}` | {a.kind} | {a.bloc or 'owner'} | {a.layer} | {a.quality} | {a.hype} | "
            f"{a.unit_cost} | {a.reliability} | {a.claimed_reliability} | {a.portability} | "
            f"{a.language_fit} | {a.markup_factor} | {a.progress_factor} | {a.initial_share} | "
            f"{a.appeal} | {a.source} |")
    return lines


def _events() -> list[str]:
    lines = ["| kind | what it does | parameters (default) |", "|---|---|---|"]
    for k in EVENT_KINDS.values():
        params = "; ".join(f"{p.name} ({_fmt(p.default)}): {p.description}" for p in k.params)
        lines.append(f"| `{k.name}` | {k.description} | {params or '—'} |")
    return lines


def render_tables() -> str:
    """All generated tables, as one markdown block."""
    parts = [
        ("Levers (policies)", _params(LEVERS, True)),
        ("Uncertainties (exogenous parameters)", _params(UNCERTAINTIES, False)),
        ("Structural constants (fixed in scenarios, documented like the rest)",
         _params(CONSTANTS, False)),
        ("Suppliers (appeal: calibrated, targets "
         f"{', '.join(appeal_targets()) or 'none'}; model/data/calibration.yaml)", _suppliers()),
        ("Events", _events()),
        ("Outcomes per state and step", _outcomes(STATE_OUTCOMES)),
        ("Outcomes for the region per step", _outcomes(REGION_OUTCOMES)),
    ]
    return "".join(f"### {title}\n\n" + "\n".join(lines) + "\n\n" for title, lines in parts)
