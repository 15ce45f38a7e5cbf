"""A fully resolved scenario: what a run needs, already validated.

Scenario files (YAML, with inheritance) are turned into a :class:`ScenarioSpec` by the
scenario loader; the Python API also builds them directly. Values are checked against the
declarations in :mod:`model.parameters`; any error names the field path and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .events import BLOCS, EVENT_KINDS, LAYERS, Event
from .parameters import PARAMETERS, REGION_LEVERS, STATE_LEVERS, UNCERTAINTIES, suggest
from .region import StateData, asean_states
from .vendors import ARCHETYPES

MAX_HORIZON = 400
VENDOR_KEYS = tuple(a.key for a in ARCHETYPES)


class SpecError(ValueError):
    """An invalid scenario value; ``path`` is the field path (e.g. ``policies.all.x``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _check_params(values: dict[str, Any], allowed, path: str) -> dict[str, Any]:
    names = {p.name: p for p in allowed}
    out = {}
    for key, value in values.items():
        if key not in names:
            raise SpecError(f"{path}.{key}", f"unknown parameter{suggest(key, names)}; "
                            f"allowed: {', '.join(sorted(names))}")
        try:
            out[key] = names[key].check(value)
        except ValueError as exc:
            raise SpecError(f"{path}.{key}", str(exc)) from None
    return out


@dataclass(frozen=True)
class ScenarioSpec:
    """Policies, uncertainties, events, horizon and seed of one run.

    ``policies`` holds state levers for all states, ``overrides`` state levers per ISO3
    code, ``regional_body`` the region levers, ``uncertainties`` the world parameters.
    Anything not given takes its declared default.
    """

    name: str = "default"
    description: str = ""
    states: tuple[StateData, ...] = field(default_factory=asean_states)
    policies: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    regional_body: dict[str, Any] = field(default_factory=dict)
    uncertainties: dict[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    horizon: int = 40
    seed: int = 1

    def __post_init__(self) -> None:
        if not self.states:
            raise SpecError("region.states", "a region needs at least one state")
        codes = [s.iso3 for s in self.states]
        if len(set(codes)) != len(codes):
            dup = next(c for c in codes if codes.count(c) > 1)
            raise SpecError("region.states", f"ISO3 code {dup!r} appears twice")
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) \
                or not 1 <= self.horizon <= MAX_HORIZON:
            raise SpecError("horizon", f"expected a whole number of quarters from 1 to "
                            f"{MAX_HORIZON}, got {self.horizon!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) \
                or not 0 <= self.seed < 2**63:
            raise SpecError("seed", f"expected a whole number from 0 to 2^63-1, got {self.seed!r}")
        object.__setattr__(self, "policies", _check_params(self.policies, STATE_LEVERS,
                                                           "policies.all"))
        overrides = {}
        for iso3, values in self.overrides.items():
            if iso3 not in codes:
                raise SpecError(f"policies.{iso3}", f"unknown state{suggest(iso3, codes)}; "
                                f"states in this region: {', '.join(codes)}")
            overrides[iso3] = _check_params(values, STATE_LEVERS, f"policies.{iso3}")
        object.__setattr__(self, "overrides", overrides)
        object.__setattr__(self, "regional_body", _check_params(
            self.regional_body, REGION_LEVERS, "regional_body"))
        object.__setattr__(self, "uncertainties", _check_params(
            self.uncertainties, UNCERTAINTIES, "uncertainties"))
        for i, event in enumerate(self.events):
            check_event(event, codes, self.horizon, f"events[{i}]")
        object.__setattr__(self, "events", tuple(sorted(self.events, key=lambda e: e.step)))

    # -- resolution --------------------------------------------------------------------------
    def value(self, name: str, iso3: str | None = None) -> Any:
        """The effective value of a parameter (for ``iso3`` if it is a state lever)."""
        p = PARAMETERS[name]
        if p.kind == "uncertainty":
            return self.uncertainties.get(name, p.default)
        if p.scope == "region":
            return self.regional_body.get(name, p.default)
        if iso3 is not None and name in self.overrides.get(iso3, {}):
            return self.overrides[iso3][name]
        return self.policies.get(name, p.default)

    def state_array(self, name: str) -> np.ndarray:
        """A state lever's values, one per state in region order."""
        dtype = {"bool": bool, "int": np.int64, "float": float}[PARAMETERS[name].type]
        return np.array([self.value(name, s.iso3) for s in self.states], dtype=dtype)

    def with_values(self, **values: Any) -> ScenarioSpec:
        """A copy with levers (for all states / the region) or uncertainties replaced."""
        policies, body, unc = dict(self.policies), dict(self.regional_body), \
            dict(self.uncertainties)
        for name, value in values.items():
            if name not in PARAMETERS:
                raise SpecError(name, f"unknown parameter{suggest(name, PARAMETERS)}")
            p = PARAMETERS[name]
            target = unc if p.kind == "uncertainty" else body if p.scope == "region" \
                else policies
            target[name] = value
        return replace(self, policies=policies, regional_body=body, uncertainties=unc)

    def to_dict(self) -> dict[str, Any]:
        """A plain, YAML/JSON-ready form (defaults of the region are written out in full)."""
        out: dict[str, Any] = {"name": self.name, "description": self.description,
                               "horizon": self.horizon, "seed": self.seed}
        if tuple(self.states) == asean_states():
            out["region"] = "asean"
        else:
            out["region"] = {"states": [dict(s.__dict__) for s in self.states]}
        out["policies"] = {"all": dict(self.policies),
                           **{k: dict(v) for k, v in self.overrides.items()}}
        out["regional_body"] = dict(self.regional_body)
        out["uncertainties"] = dict(self.uncertainties)
        out["events"] = [e.to_dict() for e in self.events]
        return out

    def digest(self) -> str:
        """A short content hash for provenance (name and description excluded)."""
        body = self.to_dict()
        body.pop("name")
        body.pop("description")
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def check_event(event: Event, codes, horizon: int, path: str) -> None:
    """Raise :class:`SpecError` unless ``event`` is valid for this region and horizon."""
    if event.kind not in EVENT_KINDS:
        raise SpecError(f"{path}.kind", f"unknown event kind {event.kind!r}"
                        f"{suggest(str(event.kind), EVENT_KINDS)}; allowed: "
                        f"{', '.join(EVENT_KINDS)}")
    if isinstance(event.step, bool) or not isinstance(event.step, int) \
            or not 1 <= event.step <= horizon:
        raise SpecError(f"{path}.step", f"expected a step from 1 to the horizon ({horizon}), "
                        f"got {event.step!r}")
    targets = tuple(event.targets)
    if targets != ("all",):
        if not targets:
            raise SpecError(f"{path}.targets", "expected 'all' or a list of ISO3 codes, got []")
        for t in targets:
            if t not in codes:
                raise SpecError(f"{path}.targets", f"unknown state {t!r}{suggest(str(t), codes)};"
                                f" states in this region: {', '.join(codes)}")
    declared = {p.name: p for p in EVENT_KINDS[event.kind].params}
    for key, value in event.params.items():
        where = f"{path}.params.{key}"
        if key not in declared:
            raise SpecError(where, f"unknown parameter for {event.kind}{suggest(key, declared)};"
                            f" allowed: {', '.join(declared) or 'none'}")
        p = declared[key]
        if p.type == "bloc" and value not in BLOCS:
            raise SpecError(where, f"unknown bloc {value!r}; allowed: {', '.join(BLOCS)}")
        if p.type == "layer" and value not in LAYERS:
            raise SpecError(where, f"unknown layer {value!r}; allowed: {', '.join(LAYERS)}")
        if p.type == "vendor" and value not in VENDOR_KEYS and not (value == "" and
                                                                   event.kind == "price_shock"):
            raise SpecError(where, f"unknown supplier {value!r}{suggest(str(value), VENDOR_KEYS)}"
                            f"; allowed: {', '.join(VENDOR_KEYS)}")
        if p.type in ("int", "float"):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) \
                and value == value and p.low <= value <= p.high \
                and (p.type == "float" or float(value).is_integer())
            if not ok:
                kind = "a whole number" if p.type == "int" else "a number"
                raise SpecError(where, f"expected {kind} from {p.low} to {p.high} "
                                f"({p.description}), got {value!r}")
