"""Where scenarios come from: the shipped scenario files, uploads, and YAML export.

Components receive a :class:`Catalog` instead of importing the loader, so tests can hand
them a catalog of specs built in code; the app uses :func:`shipped_catalog`.

The catalog is the only way user input reaches the scenario loader, and it never lets that
input name a file on the server: :meth:`Catalog.load` takes shipped scenario names only, and
:meth:`Catalog.loads` (uploads, pastes, scenarios carried in a share link) refuses an
``extends:`` that is not a shipped name before the loader sees it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from model import ScenarioSpec

from .limits import MAX_UPLOAD_BYTES, LimitError, check_spec, clean_filename, short


class NotShipped(ValueError):
    """A scenario name (or ``extends:``) that is not one of the shipped scenarios."""


@dataclass(frozen=True)
class Catalog:
    """Named scenarios with descriptions, a loader, an upload parser and a YAML writer.

    ``read_shipped(name)`` loads a shipped scenario and ``parse_upload(text, filename)``
    parses uploaded text; both raise one of ``errors`` with a one-line message (the same
    message the ``sovsim`` command line prints). Call :meth:`load` and :meth:`loads`, which
    check user input first.
    """

    descriptions: Mapping[str, str]
    read_shipped: Callable[[str], ScenarioSpec]
    parse_upload: Callable[[str, str], ScenarioSpec]
    dump: Callable[[ScenarioSpec], str]
    baseline: str
    default: str
    loader_errors: tuple[type[Exception], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.descriptions)

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        """Everything :meth:`load` and :meth:`loads` raise for bad input."""
        return (*self.loader_errors, NotShipped, LimitError)

    def load(self, name: object) -> ScenarioSpec:
        """A shipped scenario by name; any other name (a path, say) is refused unread."""
        if not isinstance(name, str) or name not in self.descriptions:
            raise NotShipped(f"{short(name)!r} is not a shipped scenario; shipped: "
                             f"{', '.join(self.names)}")
        return self.read_shipped(name)

    def loads(self, text: str, filename: str) -> ScenarioSpec:
        """A scenario from uploaded or pasted text, carried in full: its ``extends:`` may
        name shipped scenarios only, and it must fit the workshop's limits."""
        filename = clean_filename(filename)
        if len(text) > MAX_UPLOAD_BYTES:
            raise LimitError(f"{filename}: file too large ({len(text):,} characters; at most "
                             f"{MAX_UPLOAD_BYTES:,} bytes)")
        parent = declared_parent(text)
        if parent is not None and parent not in self.descriptions:
            raise NotShipped(f"{filename}: extends: {short(parent)!r} is not a shipped "
                             f"scenario (uploads may extend shipped scenarios only: "
                             f"{', '.join(self.names)})")
        spec = self.parse_upload(text, filename)
        check_spec(spec, filename)
        return spec


def declared_parent(text: str | bytes) -> object:
    """The top-level ``extends:`` value of a YAML scenario text, or None if it has none or
    does not parse (then the scenario loader refuses it before resolving any parent).

    Read with PyYAML's safe loader on the constructed data, so merge keys (``<<: *a``) that
    would smuggle an ``extends`` in are seen exactly as the loader will see them."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError, OverflowError):
        return None
    if not isinstance(data, dict):
        return None
    return data.get("extends")


def scenario_yaml(catalog: Catalog, spec: ScenarioSpec, provenance: Mapping[str, object]) -> str:
    """The scenario as YAML that ``sovsim run`` accepts, headed by a provenance comment."""
    p = provenance
    return (f"# exported from the sovsim workshop UI: model {p['model_version']}, "
            f"scenario hash {p['scenario_hash']}, seed {p['seed']}\n" + catalog.dump(spec))


def default_comparison(catalog: Catalog, current: str) -> tuple[str, str]:
    """Possession against coordinated resilience when both are shipped, else baseline
    against the current setup (``current`` names it)."""
    if {"possession", "coordinated_resilience"} <= set(catalog.names):
        return "possession", "coordinated_resilience"
    return catalog.baseline, current


def shipped_catalog() -> Catalog:
    """The scenarios shipped in ``scenarios/`` (via :mod:`model.scenario_file`)."""
    from model import scenario_file as sf

    shipped = sf.shipped_scenarios()
    if not shipped:
        raise RuntimeError("no shipped scenarios found (scenarios/*.yaml)")
    names = tuple(sorted(shipped))
    baseline = "baseline" if "baseline" in shipped else names[0]

    @functools.cache
    def read_shipped(name: str) -> ScenarioSpec:  # specs are immutable: share the parse
        # by its shipped name (checked by Catalog.load), so messages name no server path
        return sf.load_scenario(shipped[name].name)

    def parse_upload(text: Any, filename: str) -> ScenarioSpec:
        return sf.loads_scenario(text, filename)

    return Catalog(
        descriptions=MappingProxyType({n: shipped[n].description for n in names}),
        read_shipped=read_shipped, parse_upload=parse_upload, dump=sf.dump_scenario,
        baseline=baseline, default=baseline, loader_errors=(sf.ScenarioError,))
