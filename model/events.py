"""Events: scheduled in a scenario, drawn at random, or injected live by a facilitator.

Each kind declares its parameters (type, default, allowed values), so the scenario schema,
the UI buttons and the docs come from one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EventParam:
    name: str
    type: str  # "bloc", "vendor", "layer", "lever", "value", "int", "float"
    default: Any
    low: float | None = None
    high: float | None = None
    description: str = ""


@dataclass(frozen=True)
class EventKind:
    name: str
    label: str
    description: str
    params: tuple[EventParam, ...] = ()


_DURATION = EventParam("duration", "int", 0, 0, 400,
                       "quarters it lasts; 0 = until the end of the run")

EVENT_KINDS: dict[str, EventKind] = {k.name: k for k in (
    EventKind("export_control", "Export control",
              "A bloc stops supplying the target states (its models, its clouds, or both); "
              "restricting compute also cuts their chip access.",
              (EventParam("bloc", "bloc", "A", description="A or B"),
               EventParam("layer", "layer", "both", description="model, compute or both"),
               _DURATION)),
    EventKind("vendor_cutoff", "Supplier cut-off",
              "One supplier stops serving the target states.",
              (EventParam("vendor", "vendor", "frontier_a", description="supplier key"),
               _DURATION)),
    EventKind("price_shock", "Price shock",
              "A supplier (or every supplier of a bloc) multiplies its unit cost, for good.",
              (EventParam("vendor", "vendor", "", description="supplier key, or empty"),
               EventParam("bloc", "bloc", "A", description="used when vendor is empty"),
               EventParam("factor", "float", 1.5, 0.1, 10.0, "unit cost multiplier"))),
    EventKind("supplier_exit", "Supplier exit",
              "A supplier leaves the market for good; its workflows must migrate.",
              (EventParam("vendor", "vendor", "regional_model", description="supplier key"),)),
    EventKind("model_failure", "Major model failure",
              "A supplier's models fail badly this quarter: incident risk multiplied.",
              (EventParam("vendor", "vendor", "frontier_a", description="supplier key"),
               EventParam("factor", "float", 5.0, 1.0, 50.0, "incident risk multiplier"))),
    EventKind("chip_shortage", "Chip shortage",
              "Compute gets dearer and chips scarce for everyone for a while.",
              (EventParam("factor", "float", 1.3, 1.0, 5.0, "compute unit cost multiplier"),
               EventParam("duration", "int", 4, 1, 400, "quarters it lasts"))),
    EventKind("regional_summit", "Regional summit",
              "A summit lifts members' trust in the regional body.",
              (EventParam("trust_boost", "float", 0.15, 0.0, 1.0, "trust points"),)),
    EventKind("political_shift", "Political shift",
              "The target states' possessive rhetoric changes to a new level.",
              (EventParam("rhetoric", "float", 0.8, 0.0, 1.0, "0-1 scale"),)),
    EventKind("set_lever", "Policy change",
              "From this quarter on, a lever takes a new value: a state lever for the target "
              "states, a regional-body lever for the region (targets must then be all). "
              "A game of the participatory workshop is its scenario plus these events.",
              (EventParam("lever", "lever", "possessive_rhetoric",
                          description="a lever's name (state or regional body)"),
               EventParam("value", "value", 0.1,
                          description="the new value, within the lever's declared range"))),
)}

BLOCS = ("A", "B")
LAYERS = ("model", "compute", "both")


@dataclass(frozen=True)
class Event:
    """Something that happens at the start of quarter ``step`` (1-based) to ``targets``
    (ISO3 codes, or ``("all",)``)."""

    step: int
    kind: str
    targets: tuple[str, ...] = ("all",)
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        for p in EVENT_KINDS[self.kind].params:
            if p.name == name:
                return p.default
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step, "kind": self.kind}
        if tuple(self.targets) != ("all",):
            out["targets"] = list(self.targets)
        else:
            out["targets"] = "all"
        if self.params:
            out["params"] = dict(self.params)
        return out
