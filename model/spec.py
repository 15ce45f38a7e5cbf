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

from .events import BLOCS, EVENT_KINDS, LAYERS, Event, EventParam
from .parameters import (
    PARAMETERS,
    REGION_LEVERS,
    STATE_LEVERS,
    UNCERTAINTIES,
    Parameter,
    suggest,
)
from .region import StateData, asean_states
from .vendors import ARCHETYPES

MAX_HORIZON = 400
MAX_SEED = 2**63 - 1
MAX_NAME = 100  # a scenario's name
MAX_LABEL = 200  # any name stored in a results database (experiment, scenario label)
MAX_DESCRIPTION = 4000
VENDOR_KEYS = tuple(a.key for a in ARCHETYPES)
#: Levers a ``set_lever`` event may change (state levers, then the regional body's).
LEVER_NAMES = tuple(p.name for p in (*STATE_LEVERS, *REGION_LEVERS))


class SpecError(ValueError):
    """An invalid scenario value; ``path`` is the field path (e.g. ``policies.all.x``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class RuleError(ValueError):
    """A value that breaks one of the rules below: ``problem`` and ``allowed``, no location.

    The rules for names, whole numbers and event parameters are declared once, here: the
    spec, the scenario-file loader and the experiment loader all call these functions and
    add the file and field path themselves."""

    def __init__(self, problem: str, allowed: str):
        super().__init__(f"{problem}; allowed: {allowed}")
        self.problem = problem
        self.allowed = allowed


def check_text(value: object, *, limit: int, what: str = "text",
               multiline: bool = False) -> str:
    """``value`` if it is text that can be shown and stored safely, else :class:`RuleError`.

    Refused: non-text, more than ``limit`` characters, lone surrogates (cannot be written as
    UTF-8), and control characters (NUL, terminal escape sequences; newlines and tabs too
    unless ``multiline``)."""
    value = Parameter.plain(value)
    if not isinstance(value, str):
        raise RuleError("expected text", what)
    allowed = f"{what}, at most {limit} characters" + ("" if multiline else " on one line")
    if len(value) > limit:
        raise RuleError(f"text too long ({len(value)} characters)", allowed)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RuleError(f"text that cannot be written as UTF-8 (lone surrogate "
                        f"U+{ord(value[exc.start]):04X} at character {exc.start})",
                        allowed) from None
    if value.isprintable():  # the common case, in one C loop
        return value
    ok_space = "\n\t\r" if multiline else ""
    for i, ch in enumerate(value):
        if not ch.isprintable() and ch != " " and ch not in ok_space:
            raise RuleError(f"character not allowed (U+{ord(ch):04X} at character {i})",
                            f"{allowed}, printable characters only"
                            + ("" if multiline else " (no newlines, tabs or control codes)"))
    return value


def check_name(value: object, *, limit: int = MAX_NAME, what: str = "a name") -> str:
    """A non-empty, one-line, printable name of at most ``limit`` characters."""
    name = check_text(value, limit=limit, what=what)
    if not name.strip():
        raise RuleError("empty name", f"{what}: non-empty text")
    return name


def check_whole(value: object, low: int, high: int, what: str = "a whole number") -> int:
    """An ``int`` from ``low`` to ``high`` (``20.0`` and numpy integers count), else
    :class:`RuleError`. Never overflows: ``inf`` and ``1e400`` are refused as not whole."""
    value = Parameter.plain(value)
    allowed = f"{what} from {low} to {high}"
    if isinstance(value, float) and abs(value) < float("inf") and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError("expected a whole number", allowed)
    if not low <= value <= high:
        raise RuleError("out of range", allowed)
    return value


def parameter_problem(p: Parameter, value: object) -> RuleError:
    """Why ``p.check(value)`` refused ``value``, as a short problem and what is allowed."""
    value = Parameter.plain(value)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if p.type == "bool":
        problem = "expected true or false"
    elif not number or (isinstance(value, float) and value != value):
        problem = "expected a number"
    elif isinstance(value, float) and not abs(value) < float("inf"):
        problem = "expected a finite number"
    elif p.type == "int" and not float(value).is_integer():
        problem = "expected a whole number"
    else:
        problem = "out of range"
    return RuleError(problem, p.allowed())


def event_param_choices(p: EventParam, kind: str) -> tuple[str, ...] | None:
    """The allowed values of a bloc/layer/supplier event parameter (None for numbers)."""
    choices = {"bloc": BLOCS, "layer": LAYERS, "vendor": VENDOR_KEYS,
               "lever": LEVER_NAMES}.get(p.type)
    if choices is None:
        return None
    return (*choices, "") if (p.type == "vendor" and kind == "price_shock") else tuple(choices)


def check_event_param(p: EventParam, kind: str, value: object) -> Any:
    """``value`` as event parameter ``p`` of event ``kind`` (coerced), else
    :class:`RuleError`."""
    value = Parameter.plain(value)
    choices = event_param_choices(p, kind)
    if choices is not None:
        if not isinstance(value, str) or value not in choices:
            what = {"bloc": "bloc", "layer": "layer", "vendor": "supplier",
                    "lever": "lever"}[p.type]
            hint = suggest(value, [c for c in choices if c]) if isinstance(value, str) else ""
            raise RuleError(f"unknown {what}{hint}",
                            ", ".join(repr(c) if c == "" else c for c in choices))
        return value
    if p.type == "value":  # checked against its lever by check_event
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and abs(value) < float("inf"):
            return value
        raise RuleError("expected true/false or a finite number", p.description)
    kind_text = "a whole number" if p.type == "int" else "a number"
    allowed = f"{kind_text} from {p.low:g} to {p.high:g} ({p.description})"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or (isinstance(value, float) and not abs(value) < float("inf")):
        raise RuleError(f"expected {kind_text}", allowed)
    if p.type == "int" and not float(value).is_integer():
        raise RuleError("expected a whole number", allowed)
    if not p.low <= value <= p.high:  # type: ignore[operator]
        raise RuleError("out of range", allowed)
    return int(value) if p.type == "int" else float(value)


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
        listed = [s.iso3 for s in self.states]
        codes = dict.fromkeys(listed)  # in region order, O(1) membership (1,000-state regions)
        if len(codes) != len(listed):
            seen: set[str] = set()
            dup = next(c for c in listed if c in seen or seen.add(c))
            raise SpecError("region.states", f"ISO3 code {dup!r} appears twice")
        for attr, check in (
                ("name", lambda v: check_name(v, limit=MAX_NAME, what="a scenario name")),
                ("description", lambda v: check_text(v, limit=MAX_DESCRIPTION,
                                                     what="plain-language text",
                                                     multiline=True)),
                ("horizon", lambda v: check_whole(v, 1, MAX_HORIZON,
                                                  "a whole number of quarters")),
                ("seed", lambda v: check_whole(v, 0, MAX_SEED, "a whole number"))):
            value = getattr(self, attr)
            try:
                object.__setattr__(self, attr, check(value))
            except RuleError as exc:
                raise SpecError(attr, f"{exc.problem}, got {_short(value)}; allowed: "
                                f"{exc.allowed}") from None
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
        """A short content hash of the scenario: policies, events, region and uncertainties.
        Name, description, seed and horizon are excluded (seed and horizon are recorded
        beside it), so ``run``, ``compare``, ``show`` and a sweep report the same hash."""
        body = self.to_dict()
        for key in ("name", "description", "seed", "horizon"):
            body.pop(key)
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def check_event(event: Event, codes, horizon: int, path: str) -> None:
    """Raise :class:`SpecError` unless ``event`` is valid for this region and horizon."""
    if event.kind not in EVENT_KINDS:
        raise SpecError(f"{path}.kind", f"unknown event kind {event.kind!r}"
                        f"{suggest(str(event.kind), EVENT_KINDS)}; allowed: "
                        f"{', '.join(EVENT_KINDS)}")
    try:
        check_whole(event.step, 1, horizon)
    except RuleError:
        raise SpecError(f"{path}.step", f"expected a step from 1 to the horizon ({horizon}), "
                        f"got {_short(event.step)}") from None
    targets = tuple(event.targets)
    if targets != ("all",):
        if not targets:
            raise SpecError(f"{path}.targets", "expected 'all' or a list of ISO3 codes, got []")
        for t in targets:
            if t not in codes:
                raise SpecError(f"{path}.targets", f"unknown state {t!r}{suggest(str(t), codes)};"
                                f" states in this region: {', '.join(codes)}")
    if not isinstance(event.params, dict):
        raise SpecError(f"{path}.params", f"expected a mapping of parameters, got "
                        f"{_short(event.params)}")
    declared = {p.name: p for p in EVENT_KINDS[event.kind].params}
    for key, value in event.params.items():
        where = f"{path}.params.{key}"
        if key not in declared:
            raise SpecError(where, f"unknown parameter for {event.kind}"
                            f"{suggest(str(key), declared)};"
                            f" allowed: {', '.join(declared) or 'none'}")
        try:
            check_event_param(declared[key], event.kind, value)
        except RuleError as exc:
            raise SpecError(where, f"{exc.problem}, got {_short(value)}; allowed: "
                            f"{exc.allowed}") from None
    if event.kind == "set_lever":
        check_lever_change(event, path)


def check_lever_change(event: Event, path: str) -> Any:
    """The value of a ``set_lever`` event, checked against its lever (coerced), else
    :class:`SpecError`: both parameters are required, and a regional-body lever applies to
    the whole region (targets ``all``)."""
    for key in ("lever", "value"):
        if key not in event.params:
            raise SpecError(f"{path}.params.{key}", "missing; set_lever needs lever and value")
    p = PARAMETERS[event.params["lever"]]
    if p.scope == "region" and tuple(event.targets) != ("all",):
        raise SpecError(f"{path}.targets", f"{p.name} is a regional-body lever; allowed: all")
    try:
        return p.check(event.params["value"])
    except ValueError:
        exc = parameter_problem(p, event.params["value"])
        raise SpecError(f"{path}.params.value", f"{exc.problem}, got "
                        f"{_short(event.params['value'])}; allowed: {exc.allowed}") from None


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
