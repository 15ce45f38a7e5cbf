"""Scenario files: YAML in, a validated :class:`~model.spec.ScenarioSpec` out, and back.

A scenario file is the one format facilitators, researchers, students, the UI and the sweeps
share, so the loader treats every file as untrusted input:

* **safe loading only** - a :class:`yaml.SafeLoader` subclass (no tags that build Python
  objects), duplicate keys rejected, and hard caps on file size, nesting depth, aliases and
  the number of nodes an alias graph expands to (so an "alias bomb" fails fast);
* **one-line errors** - every problem is a :class:`ScenarioError` whose text names the file,
  the field path, the bad value and what is allowed;
* **validation generated from the declarations** in :mod:`model.parameters` and
  :mod:`model.events`: a lever, uncertainty or event kind added there is accepted here, and
  appears in :func:`scenario_schema`, without touching this module.

Format (see ``docs/scenarios.md``)::

    name: possession
    description: National models where affordable ...
    extends: baseline            # a shipped name or a path relative to this file
    region: asean                # or {states: [{iso3, name, population, gdp_usd, ...}]}
    policies:
      all: {national_model: true, ours_premium: 0.2}
      SGP: {domestic_compute_share: 0.1}
    regional_body: {pooled_evaluation: true, members: all}
    uncertainties: {restriction_rate: 0.02}
    events:
      - {step: 12, kind: export_control, targets: [VNM, MYS], params: {bloc: A}}
    horizon: 40
    seed: 1

``extends`` loads the parent (itself a valid scenario), then deep-merges this file over it:
mappings merge key by key, anything else (lists such as ``events``, scalars) replaces the
parent's value, and ``null`` removes an inherited value (back to the default). ``name`` and
``description`` are never inherited.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .events import BLOCS, EVENT_KINDS, LAYERS, Event, EventParam
from .parameters import PARAMETERS, REGION_LEVERS, STATE_LEVERS, UNCERTAINTIES, Parameter
from .parameters import suggest as _suggest
from .region import StateData, asean_states
from .spec import (
    LEVER_NAMES,
    MAX_DESCRIPTION,
    MAX_HORIZON,
    MAX_NAME,
    MAX_SEED,
    VENDOR_KEYS,
    RuleError,
    ScenarioSpec,
    SpecError,
    check_event_param,
    check_name,
    check_text,
    check_whole,
    parameter_problem,
)

__all__ = ["ScenarioError", "ShippedScenario", "load_scenario", "loads_scenario",
           "dump_scenario", "shipped_scenarios", "scenario_schema", "parse_yaml", "read_yaml",
           "MAX_BYTES", "MAX_PROBLEMS"]

# Limits. Real scenario files are a few KB; these bound time and memory on hostile input.
MAX_BYTES = 256 * 1024  # file size
MAX_DEPTH = 12  # nesting of YAML collections (a valid scenario needs 6)
MAX_ALIASES = 100  # *alias references
MAX_NODES = 20_000  # nodes after expanding aliases (what validation would have to walk)
MAX_EXTENDS = 8  # parents in an extends chain (a file and 8 ancestors above it)
MAX_EVENTS = 1000
MAX_STATES = 100
MAX_PROBLEMS = 20  # problems reported for one file (validate lists them all, up to this)
_MAX_FIELD = 120  # characters of a field path shown in a message
_MAX_PART = 400  # characters of a problem or of the allowed values shown in a message

TOP_KEYS = ("name", "description", "extends", "region", "policies", "regional_body",
            "uncertainties", "events", "horizon", "seed")
EVENT_KEYS = ("step", "kind", "targets", "params")
MEMBERS_KEY = "members"  # regional_body.members: sugar for per-state `member` overrides


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_NO_VALUE = _Missing()


def _show(value: object, limit: int = 60) -> str:
    """A short, one-line rendering of a bad value, YAML-flavoured."""
    if value is True or value is False:
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, dict):
        text = "a mapping" if value else "an empty mapping"
    elif isinstance(value, list):
        text = "a list" if value else "an empty list"
    elif isinstance(value, _Literal):
        text, limit = str(value), 2 * limit
    else:
        text = repr(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Literal(str):
    """A value already rendered for a message (shown without quotes)."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _printable(text: str) -> str:
    """Text safe to print on a terminal: escapes (ANSI/OSC), NUL, newlines and lone
    surrogates shown as ``\\x1b``-style escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ScenarioError(ValueError):
    """An invalid scenario file. ``str(e)`` is one line:
    ``"<file>: <field.path>: <problem> (got <value>); allowed: <...>"``.

    Attributes: ``file`` (as given or shipped name), ``field`` (dotted path, ``events[2].step``;
    a line/column position for YAML syntax problems), ``problem``, ``value`` (the bad value,
    or a description of it), ``allowed``, and ``problems``: every independent problem found
    in the file (this one first; at most :data:`MAX_PROBLEMS`). ``str(e)`` is the first.
    Each part is bounded, so a hostile file cannot produce a huge message.
    """

    def __init__(self, file: str, field: str, problem: str, value: object = _NO_VALUE,
                 allowed: str = ""):
        self.file = str(file)
        self.field = field or "(top level)"
        self.problem = _one_line(problem)
        self.value = None if value is _NO_VALUE else value
        self.allowed = _one_line(allowed)
        self.problems: list[ScenarioError] = [self]
        detail = _bounded(_printable(self.problem), _MAX_PART)
        if value is not _NO_VALUE:
            detail += f" (got {_printable(_show(value))})"
        if self.allowed:
            detail += f"; allowed: {_bounded(_printable(self.allowed), _MAX_PART)}"
        #: the message without the file and field (for callers that add their own location)
        self.detail = detail
        where = f"{_bounded(_printable(self.file), _MAX_PART)}: " \
                f"{_bounded(_printable(self.field), _MAX_FIELD)}"
        super().__init__(f"{where}: {detail}")


def _with_problems(errors: list[ScenarioError]) -> ScenarioError:
    first = errors[0]
    first.problems = errors[:MAX_PROBLEMS]
    return first


class _Problems:
    """Collects independent problems of one file; ``check()`` blocks run on regardless."""

    def __init__(self) -> None:
        self.errors: list[ScenarioError] = []

    def check(self) -> _Check:
        return _Check(self)

    def raise_any(self) -> None:
        if self.errors:
            raise _with_problems(self.errors)


class _Check:
    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.failed = False

    def __enter__(self) -> _Check:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, ScenarioError):
            self.failed = True
            self.problems.errors.extend(exc.problems)
            if len(self.problems.errors) >= MAX_PROBLEMS:
                raise _with_problems(self.problems.errors) from None
            return True
        return False


class ShippedScenario(NamedTuple):
    name: str
    path: Path
    description: str


# --------------------------------------------------------------------------------------------
# Safe, bounded YAML parsing
# --------------------------------------------------------------------------------------------

class _TooMuch(Exception):
    """Raised from inside the YAML composer when a limit is exceeded."""

    def __init__(self, problem: str, mark, value: object, allowed: str):
        super().__init__(problem)
        self.problem, self.mark, self.value, self.allowed = problem, mark, value, allowed


class _BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that counts depth and aliases while composing, before any recursion or
    construction can run away (the composer is recursive; deep input would otherwise hit
    Python's recursion limit)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _TooMuch("too many aliases (possible alias bomb)",
                               self.peek_event().start_mark, _Literal(f"{self._aliases}+"),
                               f"at most {MAX_ALIASES} aliases")
            return super().compose_node(parent, index)
        self._nodes += 1
        if self._nodes > MAX_NODES:  # stop a huge flat document early, not after composing
            raise _TooMuch("too many values in the document", self.peek_event().start_mark,
                           _Literal(f"more than {MAX_NODES}"), f"at most {MAX_NODES} values")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooMuch("nesting too deep", self.peek_event().start_mark,
                               _Literal(f"{self._depth}+ levels"),
                               f"at most {MAX_DEPTH} levels of lists and mappings")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.1 (PyYAML) reads 1e9 and 1.0e9 as text: it wants a dot and a signed exponent.
# GDP and population are naturally written that way, so read them as numbers, as YAML 1.2
# does.
_BoundedSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))



def _no_sexagesimal(tag: str):
    """YAML 1.1 reads ``1:00`` as 60 (base 60) and ``1:30.5`` as 90.5; YAML 1.2 and every
    reader of these files read text. Numbers must be written as numbers, so such a value
    stays text and validation says a number was expected."""
    base = yaml.SafeLoader.yaml_constructors[tag]

    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        if ":" in str(node.value):
            return loader.construct_scalar(node)
        return base(loader, node)

    return construct


for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    _BoundedSafeLoader.add_constructor(_tag, _no_sexagesimal(_tag))

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _position(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"


def _check_tree(node: yaml.Node, file: str) -> None:
    """Reject duplicate keys (with their field path) and alias graphs that expand too far."""
    visits = 0
    # Iterative walk: a path-tracking recursion is what an alias bomb would exploit.
    stack: list[tuple[yaml.Node, str]] = [(node, "")]
    while stack:
        current, path = stack.pop()
        visits += 1
        if visits > MAX_NODES:
            # composing counted at most MAX_NODES nodes, so aliases did this
            raise ScenarioError(file, path or "(top level)",
                                "aliases expand to too many values (alias bomb?)",
                                _Literal(f"more than {MAX_NODES}"),
                                f"at most {MAX_NODES} values after expanding aliases")
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, Any] = {}
            for key_node, value_node in current.value:
                if key_node.tag == _MERGE_TAG:
                    stack.append((value_node, path))
                    continue
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                child = f"{path}.{key}" if path else str(key)
                if key is not None:
                    if key in seen:
                        raise ScenarioError(
                            file, child, f"duplicate key (first at line "
                            f"{seen[key].line + 1}, again at line "
                            f"{key_node.start_mark.line + 1})", key, "each key once per mapping")
                    seen[key] = key_node.start_mark
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                stack.append((item, f"{path}[{i}]"))


def _parse(data: bytes | str, file: str) -> Any:
    return parse_yaml(data, file)


def parse_yaml(data: bytes | str, file: str, *, what: str = "scenario",
               top_keys: tuple[str, ...] = TOP_KEYS, max_bytes: int = MAX_BYTES) -> Any:
    """Bytes or text of a sovsim YAML file -> plain Python data, within the limits (size,
    nesting, aliases, values), duplicate keys refused; :class:`ScenarioError` otherwise.

    Scenario and experiment files both come through here; ``what`` and ``top_keys`` only
    change the wording of messages."""
    fields = f"a YAML mapping of {what} fields (" + ", ".join(top_keys) + ")"
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise ScenarioError(file, "(file)", "file too large", _Literal(f"{len(data)}+ bytes"),
                                f"at most {max_bytes} bytes")
        if b"\x00" in data:
            where = data.index(b"\x00")
            raise ScenarioError(file, "(file)", "binary file (contains NUL bytes)",
                                _Literal(f"byte {where} is NUL"),
                                "a UTF-8 YAML text file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = data[exc.start:exc.start + 4]
            raise ScenarioError(file, "(file)", f"not UTF-8 text (bad byte at offset "
                                f"{exc.start})", bad, "a UTF-8 YAML text file") from None
    else:
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text) > max_bytes:
            raise ScenarioError(file, "(file)", "file too large",
                                _Literal(f"{len(text)}+ characters"), f"at most {max_bytes} bytes")
        if "\x00" in text:
            raise ScenarioError(file, "(file)", "binary file (contains NUL characters)",
                                _Literal("NUL"), "a UTF-8 YAML text file")
    if text.startswith("\ufeff"):
        raise ScenarioError(file, "(file)", "more than one byte-order mark at the start",
                            _Literal("U+FEFF U+FEFF"), "UTF-8 text with at most one BOM")
    if not text.strip():
        raise ScenarioError(file, "(file)", f"empty {what} file", _Literal("nothing"), fields)
    loader = None
    try:
        loader = _BoundedSafeLoader(text)  # its reader already rejects control characters
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(file, "(file)", f"empty {what} file (only comments)",
                                _Literal("nothing"), fields)
        _check_tree(node, file)
        return loader.construct_document(node)
    except ScenarioError:
        raise
    except _TooMuch as exc:
        raise ScenarioError(file, _position(exc.mark), exc.problem, exc.value,
                            exc.allowed) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if "constructor for the tag" in problem:
            tag = problem.split("tag", 1)[1].strip()
            raise ScenarioError(file, _position(mark), f"tag not allowed in {_a(what)} file",
                                _Literal(tag), "plain YAML (no !tags)") from None
        if exc.context and exc.problem:
            problem = f"{exc.context}: {exc.problem}"
        raise ScenarioError(file, _position(mark), f"malformed YAML: {problem}",
                            _Literal(_snippet(text, mark)), "valid YAML") from None
    except yaml.reader.ReaderError as exc:  # a control character in the text
        raise ScenarioError(file, "(file)", "character not allowed in YAML",
                            _Literal(f"#x{exc.character:04x} at character {exc.position}"),
                            "printable UTF-8 text (tabs and newlines are fine)") from None
    except yaml.YAMLError as exc:  # any other parser complaint without a position
        raise ScenarioError(file, "(file)", f"malformed YAML: {_one_line(str(exc))[:120]}",
                            _Literal("unreadable text"), "valid YAML text") from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer with 10,000 digits
        problem = "number too long to read" if "digits" in str(exc) else \
            f"unreadable value: {_one_line(str(exc))[:80]}"
        raise ScenarioError(file, "(file)", problem, _Literal("a value PyYAML cannot convert"),
                            "ordinary numbers (at most 4300 digits), text, true/false") from None
    except RecursionError:  # belt and braces: MAX_DEPTH should make this unreachable
        raise ScenarioError(file, "(file)", "nesting too deep", _Literal("deep nesting"),
                            f"at most {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


def _snippet(text: str, mark) -> str:
    if mark is None:
        return "?"
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return repr(line.strip()[:40])


# --------------------------------------------------------------------------------------------
# Validation: raw data -> ScenarioSpec
# --------------------------------------------------------------------------------------------

def _did_you_mean(key: object, choices) -> str:
    choices = list(choices)
    if isinstance(key, str):
        for c in choices:
            if c.lower() == key.lower() and c != key:
                return f" (did you mean '{c}'?)"
        return _suggest(key, choices)
    return ""


def _check_keys(data: dict, allowed, file: str, path: str, what: str = "key") -> None:
    allowed = list(allowed)
    found = _Problems()
    for key in data:
        with found.check():
            where = f"{path}.{key}" if path else str(key)
            if not isinstance(key, str):
                raise ScenarioError(file, where, f"{what} must be text", key,
                                    ", ".join(allowed))
            if key not in allowed:
                raise ScenarioError(file, where, f"unknown {what}{_did_you_mean(key, allowed)}",
                                    key, ", ".join(allowed))
    found.raise_any()


def _mapping(value: object, file: str, path: str, allowed: str) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(file, path, "expected a mapping", value, allowed)
    return value


def _whole(value: object, low: int, high: int, file: str, path: str, what: str) -> int:
    try:
        return check_whole(value, low, high, what)
    except RuleError as exc:
        raise ScenarioError(file, path, exc.problem, value, exc.allowed) from None


def _text(value: object, file: str, path: str, limit: int, what: str,
          multiline: bool = False) -> str:
    try:
        return check_text(value, limit=limit, what=what, multiline=multiline)
    except RuleError as exc:
        shown = _Literal(f"{len(value)} characters") if isinstance(value, str) and \
            len(value) > limit else value
        raise ScenarioError(file, path, exc.problem, shown, exc.allowed) from None


def _param(p: Parameter, value: object, file: str, path: str) -> float | int | bool:
    try:
        return p.check(value)
    except ValueError:
        exc = parameter_problem(p, value)
        raise ScenarioError(file, path, exc.problem, value, exc.allowed) from None


def _params(data: object, declared: tuple[Parameter, ...], file: str, path: str,
            what: str) -> dict[str, Any]:
    names = {p.name: p for p in declared}
    data = _mapping(data, file, path, f"a mapping of {what}: " + ", ".join(names))
    out = {}
    found = _Problems()
    for key, value in data.items():
        with found.check():
            where = f"{path}.{key}"
            if isinstance(key, str) and key not in names and key in PARAMETERS:
                home = _home(PARAMETERS[key])
                raise ScenarioError(file, where, f"{key} is not one of the {what}; "
                                    f"set it under {home}", key, ", ".join(names))
            _check_keys({key: value}, names, file, path, what="parameter")
            if value is None:  # null = not set (the default)
                continue
            out[key] = _param(names[key], value, file, where)
    found.raise_any()
    return out


def _home(p: Parameter) -> str:
    if p.kind == "uncertainty":
        return "uncertainties"
    return "regional_body" if p.scope == "region" else "policies.all (or policies.<ISO3>)"


_STATE_FIELDS: dict[str, tuple[str, float, float, bool]] = {
    # name: (type, low, high, required) - mirrors StateData's own checks so the message can
    # name the field path; StateData.__post_init__ remains the authority.
    "iso3": ("iso3", 0, 0, True),
    "name": ("text", 0, 0, True),
    "population": ("number", 0, 1e10, True),
    "gdp_usd": ("number", 0, 1e15, True),
    "ai_readiness": ("number", 0, 100, True),
    "datacenter_mw": ("number", 0, 1e6, False),
    "national_model": ("text", 0, 0, False),
    "eval_body": ("text", 0, 0, False),
}


def _iso3_ok(value: object) -> bool:
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha() \
        and value.isupper()


def _states(region: object, file: str) -> tuple[StateData, ...]:
    allowed = "asean, or a mapping {states: [{iso3, name, population, gdp_usd, ai_readiness}]}"
    if region is None or region == "asean":
        return asean_states()
    if isinstance(region, str):
        raise ScenarioError(file, "region", f"unknown region{_did_you_mean(region, ['asean'])}",
                            region, allowed)
    region = _mapping(region, file, "region", allowed)
    _check_keys(region, ["states"], file, "region")
    rows = region.get("states")
    if not isinstance(rows, list) or not rows:
        raise ScenarioError(file, "region.states", "expected a non-empty list of states",
                            _NO_VALUE if "states" not in region else rows,
                            f"1 to {MAX_STATES} mappings with "
                            + ", ".join(_STATE_FIELDS))
    if len(rows) > MAX_STATES:
        raise ScenarioError(file, "region.states", "too many states",
                            _Literal(f"{len(rows)} states"), f"at most {MAX_STATES}")
    states, seen = [], {}
    for i, row in enumerate(rows):
        path = f"region.states[{i}]"
        row = _mapping(row, file, path, "a mapping with " + ", ".join(_STATE_FIELDS))
        _check_keys(row, _STATE_FIELDS, file, path, what="state field")
        values = {}
        for name, (kind, low, high, required) in _STATE_FIELDS.items():
            where = f"{path}.{name}"
            if row.get(name) is None:
                if required:
                    raise ScenarioError(file, where, "missing required field",
                                        _Literal("nothing"), _state_field_allowed(name))
                continue
            value = row[name]
            if kind == "iso3":
                if not _iso3_ok(value):
                    raise ScenarioError(file, where, "not an ISO3 code", value,
                                        _state_field_allowed(name))
                if value in seen:
                    raise ScenarioError(file, where, f"duplicate state (also "
                                        f"region.states[{seen[value]}])", value,
                                        "each ISO3 code once")
                seen[value] = i
            elif kind == "text":
                value = _text(value, file, where, 200, _state_field_allowed(name))
            else:
                number = isinstance(value, (int, float)) and not isinstance(value, bool)
                if not number or not math.isfinite(value):
                    raise ScenarioError(file, where, "expected a number", value,
                                        _state_field_allowed(name))
                if not low <= value <= high or (name == "gdp_usd" and value <= 0):
                    raise ScenarioError(file, where, "out of range", value,
                                        _state_field_allowed(name))
                value = float(value)
            values[name] = value
        try:
            states.append(StateData(**values))
        except ValueError as exc:  # pragma: no cover - mirrored checks above come first
            raise ScenarioError(file, path, str(exc), row) from None
    return tuple(states)


def _state_field_allowed(name: str) -> str:
    kind, low, high, _ = _STATE_FIELDS[name]
    if kind == "iso3":
        return "three capital letters (ISO 3166-1 alpha-3, e.g. IDN)"
    if kind == "text":
        return "text"
    if name == "gdp_usd":
        return f"a number above 0, at most {high:g} (US$)"
    return f"a number from {low:g} to {high:g}"


def _iso3_list(value: object, codes: tuple[str, ...], file: str, path: str) -> tuple[str, ...]:
    allowed = "all, or a list of ISO3 codes of this region: " + ", ".join(codes)
    if value == "all":
        return ("all",)
    if not isinstance(value, list) or not value:
        raise ScenarioError(file, path, "expected 'all' or a non-empty list of ISO3 codes",
                            value, allowed)
    out: list[str] = []
    for i, code in enumerate(value):
        if code not in codes:
            raise ScenarioError(file, f"{path}[{i}]", f"unknown state"
                                f"{_did_you_mean(code, codes)}", code, allowed)
        if code in out:
            raise ScenarioError(file, f"{path}[{i}]", "state listed twice", code,
                                "each ISO3 code once")
        out.append(code)
    return tuple(out)


def _event_param(p: EventParam, kind: str, value: object, file: str, path: str) -> Any:
    try:
        return check_event_param(p, kind, value)
    except RuleError as exc:
        raise ScenarioError(file, path, exc.problem, value, exc.allowed) from None


def _events(data: object, codes: tuple[str, ...], horizon: int, file: str) -> tuple[Event, ...]:
    allowed_item = "a mapping {step, kind, targets, params}"
    if not isinstance(data, list):
        raise ScenarioError(file, "events", "expected a list of events", data,
                            "a list of mappings {step, kind, targets, params}")
    if len(data) > MAX_EVENTS:
        raise ScenarioError(file, "events", "too many events", _Literal(f"{len(data)} events"),
                            f"at most {MAX_EVENTS}")
    events = []
    found = _Problems()
    for i, item in enumerate(data):
        with found.check():
            path = f"events[{i}]"
            item = _mapping(item, file, path, allowed_item)
            _check_keys(item, EVENT_KEYS, file, path, what="event field")
            if item.get("kind") is None:
                raise ScenarioError(file, f"{path}.kind", "missing event kind", _Literal("nothing"),
                                    ", ".join(EVENT_KINDS))
            kind = item["kind"]
            if not isinstance(kind, str) or kind not in EVENT_KINDS:
                raise ScenarioError(file, f"{path}.kind", f"unknown event kind"
                                    f"{_did_you_mean(kind, EVENT_KINDS)}", kind,
                                    ", ".join(EVENT_KINDS))
            if item.get("step") is None:
                raise ScenarioError(file, f"{path}.step", "missing step", _Literal("nothing"),
                                    f"a whole number from 1 to the horizon ({horizon})")
            step = item["step"]
            if isinstance(step, (int, float)) and not isinstance(step, bool) and step > horizon:
                raise ScenarioError(file, f"{path}.step", f"event after the end of the run "
                                    f"(horizon {horizon})", step,
                                    f"a step from 1 to {horizon}, or raise the horizon")
            step = _whole(step, 1, horizon, file, f"{path}.step", "a step (quarter)")
            raw_targets = item.get("targets")
            targets = _iso3_list("all" if raw_targets is None else raw_targets, codes, file,
                                 f"{path}.targets")
            declared = {p.name: p for p in EVENT_KINDS[kind].params}
            raw = item.get("params")
            raw = _mapping({} if raw is None else raw, file, f"{path}.params",
                           f"a mapping of {kind} parameters: " + (", ".join(declared) or "none"))
            params = {}
            for key, value in raw.items():
                where = f"{path}.params.{key}"
                if not declared:
                    raise ScenarioError(file, where, f"{kind} takes no parameters", key, "none")
                _check_keys({key: value}, declared, file, f"{path}.params",
                            what=f"parameter for {kind}")
                if value is None:
                    continue
                params[key] = _event_param(declared[key], kind, value, file, where)
            events.append(Event(step=step, kind=kind, targets=targets, params=params))
    found.raise_any()
    return tuple(events)


def _members(value: object, codes: tuple[str, ...], policies: dict, overrides: dict,
             file: str) -> None:
    """Apply ``regional_body.members`` as per-state ``member`` overrides (in place)."""
    members = _iso3_list(value, codes, file, f"regional_body.{MEMBERS_KEY}")
    base = policies.get("member", PARAMETERS["member"].default)
    for code in codes:
        wanted = members == ("all",) or code in members
        given = overrides.get(code, {}).get("member")
        if given is not None and given != wanted:
            raise ScenarioError(file, f"policies.{code}.member",
                                f"contradicts regional_body.{MEMBERS_KEY}", given,
                                f"{str(wanted).lower()} (or drop one of the two settings)")
        if wanted != base:
            overrides.setdefault(code, {})["member"] = wanted


def _build(data: dict, file: str, default_name: str) -> ScenarioSpec:
    """Validate merged raw data (no ``extends`` left) and make the spec.

    Independent sections are all checked, so one :class:`ScenarioError` carries every
    problem of the file (``.problems``); sections that depend on a bad one (events on a bad
    horizon, policies on a bad region) are skipped rather than reported twice."""
    _check_keys(data, TOP_KEYS, file, "")
    get = {k: v for k, v in data.items() if v is not None}
    found = _Problems()
    name, description, horizon, seed = default_name, "", 40, 1
    with found.check():
        name = _name(get.get("name", default_name), file, "name", MAX_NAME, "a scenario name")
    with found.check():
        description = _text(get.get("description", ""), file, "description",
                            MAX_DESCRIPTION, "plain-language text", multiline=True)
    with found.check() as horizon_check:
        horizon = _whole(get.get("horizon", 40), 1, MAX_HORIZON, file, "horizon",
                         "a whole number of quarters")
    with found.check():
        seed = _whole(get.get("seed", 1), 0, MAX_SEED, file, "seed", "a whole number")
    states: tuple[StateData, ...] = ()
    with found.check() as region_check:
        states = _states(get.get("region"), file)
    if region_check.failed:
        found.raise_any()  # policies, members and events all name states of the region
    codes = tuple(s.iso3 for s in states)

    allowed_policy_keys = ["all", *codes]
    policies: dict[str, Any] = {}
    overrides: dict[str, dict[str, Any]] = {}
    raw_policies: dict = {}
    with found.check():
        raw_policies = _mapping(get.get("policies", {}), file, "policies",
                                "a mapping with 'all' and/or ISO3 codes ("
                                + ", ".join(codes) + ")")
    for key, value in raw_policies.items():
        with found.check():
            if key != "all" and key not in codes:
                raise ScenarioError(file, f"policies.{key}", "unknown state"
                                    f"{_did_you_mean(key, allowed_policy_keys)}", key,
                                    "all, or an ISO3 code of this region: " + ", ".join(codes))
            if value is None:
                continue
            values = _params(value, STATE_LEVERS, file, f"policies.{key}", "state levers")
            if key == "all":
                policies = values
            elif values:
                overrides[key] = values

    raw_body: dict = {}
    with found.check():
        raw_body = _mapping(get.get("regional_body", {}), file, "regional_body",
                            "a mapping of " + ", ".join([p.name for p in REGION_LEVERS]
                                                         + [MEMBERS_KEY]))
    members = raw_body.get(MEMBERS_KEY)
    body_levers = {k: v for k, v in raw_body.items() if k != MEMBERS_KEY}
    regional_body: dict[str, Any] = {}
    with found.check():
        regional_body = _params(body_levers, REGION_LEVERS, file, "regional_body",
                                "regional body levers")
    if members is not None:
        with found.check():
            _members(members, codes, policies, overrides, file)

    uncertainties: dict[str, Any] = {}
    with found.check():
        uncertainties = _params(get.get("uncertainties", {}), UNCERTAINTIES, file,
                                "uncertainties", "uncertainties")
    events: tuple[Event, ...] = ()
    if not horizon_check.failed:  # event steps are checked against the horizon
        with found.check():
            events = _events(get.get("events", []), codes, horizon, file)
    found.raise_any()
    try:
        return ScenarioSpec(name=name, description=description, states=states,
                            policies=policies, overrides=overrides,
                            regional_body=regional_body, uncertainties=uncertainties,
                            events=events, horizon=horizon, seed=seed)
    except SpecError as exc:  # the spec's own checks are the last line of defence
        raise ScenarioError(file, exc.path, exc.message) from None


def _name(value: object, file: str, path: str, limit: int, what: str) -> str:
    try:
        return check_name(value, limit=limit, what=what)
    except RuleError as exc:
        shown = _Literal(f"{len(value)} characters") if isinstance(value, str) and \
            len(value) > limit else value
        raise ScenarioError(file, path, exc.problem, shown, exc.allowed) from None


# --------------------------------------------------------------------------------------------
# Inheritance and sources
# --------------------------------------------------------------------------------------------

def _merge(parent: object, child: object) -> object:
    """Deep-merge ``child`` over ``parent``: mappings key by key, null deletes, else replace."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for key, value in child.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = _merge(out[key], value)
            else:
                out[key] = _merge({}, value) if isinstance(value, dict) else value
        return out
    if isinstance(child, dict):
        return _merge({}, child)
    return child


def _shipped_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    # The repository's scenarios/ in a checkout; model/shipped_scenarios in a wheel
    # (pyproject's hatch force-include copies scenarios/ there).
    return [here.parent / "scenarios", here / "shipped_scenarios"]


def _shipped_paths() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in _shipped_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def shipped_scenarios() -> dict[str, ShippedScenario]:
    """The scenarios shipped with sovsim, by name (sorted), with their descriptions."""
    out = {}
    for name, path in _shipped_paths().items():
        try:
            raw = _parse(_read(path, str(path)), str(path))
            description = raw.get("description", "") if isinstance(raw, dict) else ""
        except ScenarioError:
            description = ""
        out[name] = ShippedScenario(name, path, description if isinstance(description, str)
                                    else "")
    return out


def _read(path: Path, file: str) -> bytes:
    return read_yaml(path, file)


def read_yaml(path: Path, file: str, *, what: str = "scenario",
              max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes + 1`` of them (so a huge file or a
    device such as ``/dev/zero`` is never read whole); :class:`ScenarioError` naming ``file``
    if it is missing, a directory, a device or unreadable."""
    try:
        if not path.is_file():
            what_it_is = "a directory" if path.is_dir() else "no such file" \
                if not path.exists() else "not a regular file"
            raise ScenarioError(file, "(file)", f"cannot read {what}: {what_it_is}",
                                _Literal(str(path)), "a .yaml file")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)  # never read a huge file whole
    except OSError as exc:
        raise ScenarioError(file, "(file)", f"cannot read {what}: {exc.strerror or exc}",
                            _Literal(str(path)), "a readable .yaml file") from None


def _exists(path: Path, file: str, field: str) -> bool:
    """Whether ``path`` exists; a path the system cannot even look up (too long, a
    component that is not a folder, no permission) is a one-line ScenarioError."""
    try:
        path.stat()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ScenarioError(file, field, f"cannot read scenario: {exc.strerror or exc}",
                            _Literal(_bounded(str(path), 200)), "a readable .yaml file") from None


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml")) or text.startswith(".")


def _locate(source: str | Path, base: Path | None, file: str, field: str) -> tuple[Path, str]:
    """Resolve a scenario reference to (path, label for messages)."""
    shipped = _shipped_paths()
    if isinstance(source, Path) or _looks_like_path(str(source)):
        path = Path(source)
        if base is not None and not path.is_absolute():
            path = base / path
        if not _exists(path, file, field):
            hint = _did_you_mean(Path(source).stem, shipped)
            raise ScenarioError(file, field, f"scenario file not found{hint}",
                                str(source), "a path to a .yaml file, or a shipped scenario: "
                                + ", ".join(shipped))
        return path, str(source) if base is None else str(path)
    name = str(source)
    if name in shipped:
        return shipped[name], name
    if base is None and _exists(Path(name), file, field) and Path(name).is_file():
        return Path(name), name
    raise ScenarioError(file, field, f"unknown scenario{_did_you_mean(name, shipped)}", name,
                        "a path to a .yaml file, or a shipped scenario: " + ", ".join(shipped))


def _resolve(raw: object, file: str, base: Path | None, chain: tuple[str, ...],
             allow_paths: bool) -> dict:
    """Raw data of one file -> merged raw data with its ``extends`` chain applied.

    Each parent is first built into a spec on its own, so an error inside a parent names the
    parent's file."""
    if not isinstance(raw, dict):
        raise ScenarioError(file, "(top level)", "expected a mapping of scenario fields", raw,
                            ", ".join(TOP_KEYS))
    _check_keys(raw, TOP_KEYS, file, "")
    parent_ref = raw.get("extends")
    own = {k: v for k, v in raw.items() if k != "extends"}
    if parent_ref is None:
        return _merge({}, own)
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ScenarioError(file, "extends", "expected a scenario name or path", parent_ref,
                            "a shipped scenario name or a path relative to this file")
    if not allow_paths and _looks_like_path(parent_ref):
        raise ScenarioError(file, "extends", "uploaded scenarios can only extend shipped "
                            "scenarios", parent_ref, ", ".join(_shipped_paths()))
    path, label = _locate(parent_ref, base, file, "extends")
    key = str(path.resolve())
    if key in chain:
        loop = " -> ".join([Path(c).name for c in chain[chain.index(key):]] + [path.name])
        raise ScenarioError(file, "extends", "extends cycle", _Literal(loop),
                            "a chain of parents that ends in a scenario without extends")
    if len(chain) > MAX_EXTENDS:  # chain: the loaded file and the parents read so far
        names = " -> ".join([Path(c).name for c in chain] + [path.name])
        raise ScenarioError(file, "extends", f"extends chain too long ({len(chain)} "
                            f"parents)", _Literal(names),
                            f"at most {MAX_EXTENDS} parents above the loaded file")
    try:
        data = _read(path, label)
    except ScenarioError as exc:  # name the file whose extends points there
        raise ScenarioError(file, "extends", f"parent {exc.problem}", parent_ref,
                            exc.allowed) from None
    parent_raw = _parse(data, label)
    parent = _resolve(parent_raw, label, path.parent, (*chain, key), allow_paths=True)
    _build(parent, label, path.stem)  # the parent must be valid on its own
    parent = {k: v for k, v in parent.items() if k not in ("name", "description")}
    return _merge(parent, own)  # type: ignore[return-value]


def load_scenario(source: str | Path) -> ScenarioSpec:
    """Load a scenario from a YAML file path, or a shipped scenario by name ("baseline").

    Raises :class:`ScenarioError` (one line: file, field, bad value, what is allowed)."""
    path, label = _locate(source, None, str(source), "(file)")
    chain = (str(path.resolve()),)
    raw = _parse(_read(path, label), label)
    merged = _resolve(raw, label, path.parent, chain, allow_paths=True)
    return _build(merged, label, path.stem)


def loads_scenario(text: str | bytes, filename: str = "<upload>") -> ScenarioSpec:
    """Load a scenario from text or bytes (e.g. a UI upload). ``extends`` may name shipped
    scenarios only: an upload cannot make the server read arbitrary files."""
    if isinstance(text, str) and len(text) > MAX_BYTES:
        text = text[: MAX_BYTES + 1]
    raw = _parse(text, filename)
    merged = _resolve(raw, filename, None, (), allow_paths=False)
    stem = Path(filename).stem.strip("<>") or "upload"
    return _build(merged, filename, stem)


def _plain(value: Any) -> Any:
    """Python built-ins only (specs built in code may hold numpy scalars, which safe_dump
    refuses)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def dump_scenario(spec: ScenarioSpec) -> str:
    """The fully resolved scenario as YAML; :func:`loads_scenario` gives back an equal spec."""
    data = spec.to_dict()
    order = ["name", "description", "region", "policies", "regional_body", "uncertainties",
             "events", "horizon", "seed"]
    data = _plain({k: data[k] for k in order if k in data})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=90,
                          default_flow_style=False)


# --------------------------------------------------------------------------------------------
# JSON schema, generated from the declarations
# --------------------------------------------------------------------------------------------

def _param_schema(p: Parameter) -> dict:
    out: dict[str, Any] = {"title": p.label, "description": f"{p.description} [{p.unit}]",
                           "default": p.default}
    if p.type == "bool":
        out["type"] = "boolean"
    else:
        out.update(type="integer" if p.type == "int" else "number", minimum=p.low,
                   maximum=p.high)
    return out


def _params_schema(declared, extra: dict | None = None) -> dict:
    props = {p.name: _param_schema(p) for p in declared}
    props.update(extra or {})
    return {"type": "object", "additionalProperties": False, "properties": props}


def _event_param_schema(p: EventParam, kind: str) -> dict:
    out: dict[str, Any] = {"description": p.description, "default": p.default}
    if p.type in ("bloc", "layer", "vendor", "lever"):
        values = list({"bloc": BLOCS, "layer": LAYERS, "vendor": VENDOR_KEYS,
                       "lever": LEVER_NAMES}[p.type])
        if p.type == "vendor" and kind == "price_shock":
            values.append("")
        out["enum"] = values
    elif p.type == "value":
        out["type"] = ["boolean", "number"]
    else:
        out.update(type="integer" if p.type == "int" else "number", minimum=p.low,
                   maximum=p.high)
    return out


def scenario_schema() -> dict:
    """A JSON schema (draft 2020-12) of the scenario format, built from the declarations.

    It describes a single file's shape; cross-field rules (ISO3 codes must be states of the
    region, event steps within the horizon, ``extends`` resolution) are checked by the
    loader."""
    iso3 = {"type": "string", "pattern": "^[A-Z]{3}$"}
    targets = {"oneOf": [{"const": "all"}, {"type": "array", "items": iso3, "minItems": 1,
                                           "uniqueItems": True}]}
    state = {"type": "object", "additionalProperties": False,
             "required": [k for k, v in _STATE_FIELDS.items() if v[3]], "properties": {}}
    for name, (kind, low, high, _) in _STATE_FIELDS.items():
        if kind == "iso3":
            state["properties"][name] = iso3
        elif kind == "text":
            state["properties"][name] = {"type": "string", "maxLength": 200}
        else:
            state["properties"][name] = {"type": "number", "minimum": low, "maximum": high}
    state["properties"]["gdp_usd"]["exclusiveMinimum"] = 0
    events = []
    for kind in EVENT_KINDS.values():
        events.append({
            "type": "object", "additionalProperties": False, "required": ["step", "kind"],
            "title": kind.label, "description": kind.description,
            "properties": {
                "step": {"type": "integer", "minimum": 1, "maximum": MAX_HORIZON},
                "kind": {"const": kind.name},
                "targets": targets,
                "params": {"type": "object", "additionalProperties": False,
                           "properties": {p.name: _event_param_schema(p, kind.name)
                                          for p in kind.params}}}})
    state_levers = _params_schema(STATE_LEVERS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sovsim scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME},
            "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
            "extends": {"type": "string", "minLength": 1,
                        "description": "a shipped scenario name or a path relative to the file"},
            "region": {"oneOf": [
                {"const": "asean"},
                {"type": "object", "additionalProperties": False, "required": ["states"],
                 "properties": {"states": {"type": "array", "minItems": 1,
                                           "maxItems": MAX_STATES, "items": state}}}]},
            "policies": {"type": "object", "properties": {"all": state_levers},
                         "patternProperties": {"^[A-Z]{3}$": state_levers},
                         "additionalProperties": False},
            "regional_body": _params_schema(REGION_LEVERS, {MEMBERS_KEY: targets}),
            "uncertainties": _params_schema(UNCERTAINTIES),
            "events": {"type": "array", "maxItems": MAX_EVENTS, "items": {"oneOf": events}},
            "horizon": {"type": "integer", "minimum": 1, "maximum": MAX_HORIZON,
                        "default": 40},
            "seed": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1, "default": 1},
        },
    }



# --------------------------------------------------------------------------------------------
# Reference tables for docs/scenarios.md, generated like the schema
# --------------------------------------------------------------------------------------------

def _allowed_cell(p: Parameter) -> str:
    return "true / false" if p.type == "bool" else \
        f"{'whole number' if p.type == 'int' else 'number'} {p.low} – {p.high}"


def reference_tables() -> str:
    """Markdown tables of every key a scenario file accepts (docs/scenarios.md, kept current
    by a test; regenerate with ``python scripts/gen_docs.py``)."""
    def params(title: str, where: str, declared) -> list[str]:
        lines = [f"### {title} (`{where}`)", "", "| key | allowed | default | unit | meaning |",
                 "|---|---|---|---|---|"]
        for p in declared:
            default = str(p.default).lower() if isinstance(p.default, bool) else p.default
            lines.append(f"| `{p.name}` | {_allowed_cell(p)} | {default} | {p.unit} | "
                         f"{_one_line(p.description)} |")
        return [*lines, ""]

    lines = params("State levers", "policies.all / policies.<ISO3>", STATE_LEVERS)
    lines += params("Regional body levers", "regional_body", REGION_LEVERS)
    lines += params("Uncertainties", "uncertainties", UNCERTAINTIES)
    lines += ["### Event kinds (`events[].kind`, `events[].params`)", "",
              "| kind | what happens | params: allowed (default) |", "|---|---|---|"]
    for kind in EVENT_KINDS.values():
        cells = []
        for p in kind.params:
            if p.type in ("bloc", "layer", "vendor"):
                values = list({"bloc": BLOCS, "layer": LAYERS, "vendor": VENDOR_KEYS}[p.type])
                if p.type == "vendor" and kind.name == "price_shock":
                    values.append('""')
                allowed = " / ".join(values)
            elif p.type == "lever":
                allowed = "any lever above"
            elif p.type == "value":
                allowed = "within the lever's range"
            else:
                allowed = f"{p.low:g} – {p.high:g}"
            cells.append(f"`{p.name}`: {allowed} ({p.default!r}; {p.description})")
        lines.append(f"| `{kind.name}` | {kind.description} | {'<br>'.join(cells) or '—'} |")
    lines += ["", "### Shipped scenarios", "", "| name | description |", "|---|---|"]
    for item in shipped_scenarios().values():
        lines.append(f"| `{item.name}` | {_one_line(item.description)} |")
    return "\n".join(lines) + "\n"


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word
