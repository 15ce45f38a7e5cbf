"""Plain-language wording shared by state changes and components: supplier names and a
one-line description of an event (what, who, for how long)."""

from __future__ import annotations

from collections.abc import Mapping

from model import EVENT_KINDS, PARAMETERS, Event
from model.vendors import ARCHETYPES, NATIONAL_COMPUTE, NATIONAL_PROGRAMME

VENDOR_LABELS = {a.key: a.label for a in (*ARCHETYPES, NATIONAL_PROGRAMME, NATIONAL_COMPUTE)}
VENDOR_LABELS["national"] = "Own national model"
LAYER_WORDS = {"model": "models", "compute": "cloud compute", "both": "models and compute"}


def targets_text(targets: tuple[str, ...], names: Mapping[str, str]) -> str:
    """'all states' or the states' names (with their codes)."""
    if tuple(targets) == ("all",):
        return "all states"
    return ", ".join(f"{names[c]} ({c})" if c in names else c for c in targets)


def duration_text(event: Event) -> str:
    """When the event acts, in quarters."""
    params = {p.name for p in EVENT_KINDS[event.kind].params}
    if "duration" not in params:
        return f"at quarter {event.step}"
    quarters = int(event.param("duration"))
    if quarters <= 0:
        return f"from quarter {event.step} until the end of the run"
    last = event.step + quarters - 1
    return f"for {quarters} quarter{'s' if quarters != 1 else ''} ({event.step}–{last})"


def describe_event(event: Event, names: Mapping[str, str]) -> str:
    """One line naming the event, its target, bloc or supplier, and its duration."""
    who = targets_text(event.targets, names)
    if event.kind not in EVENT_KINDS:  # the model's own happenings (a member leaving, ...)
        extra = ", ".join(f"{k} {v}" for k, v in event.params.items())
        return (f"{event.kind.replace('_', ' ').capitalize()} ({who})"
                + (f", {extra}" if extra else "") + f", at quarter {event.step}")
    when = duration_text(event)
    label = EVENT_KINDS[event.kind].label
    if event.kind == "export_control":
        layer = event.param("layer")
        what = f"{label} by bloc {event.param('bloc')} on {LAYER_WORDS.get(layer, layer)}, " \
            f"against {who}"
    elif event.kind == "vendor_cutoff":
        vendor = VENDOR_LABELS.get(event.param("vendor"), event.param("vendor"))
        what = f"{label}: {vendor} stops serving {who}"
    elif event.kind == "price_shock":
        vendor = event.param("vendor")
        whose = VENDOR_LABELS.get(vendor, vendor) if vendor else \
            f"every bloc {event.param('bloc')} supplier"
        what = f"{label}: {whose} costs ×{event.param('factor')} for {who}"
        when = f"from quarter {event.step}, for good"
    elif event.kind == "regional_summit":
        what = f"{label}: members' trust +{event.param('trust_boost')} ({who})"
    elif event.kind == "set_lever" and event.params.get("lever") in PARAMETERS:
        p, value = PARAMETERS[event.params["lever"]], event.params.get("value")
        shown = ("on" if value else "off") if isinstance(value, bool) else f"{value:g}"
        whose = "the regional body" if p.scope == "region" else who
        what = f"{label}: {p.label} {shown} for {whose}"
        when = f"from quarter {event.step}"
    else:
        extra = ", ".join(f"{k} {v}" for k, v in event.params.items())
        what = f"{label} on {who}" + (f" ({extra})" if extra else "")
    return f"{what}, {when}"
