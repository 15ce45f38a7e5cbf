"""Where scenarios come from: the shipped scenario files, uploads, and YAML export.

Components receive a :class:`Catalog` instead of importing the loader, so tests can hand
them a catalog of specs built in code; the app uses :func:`shipped_catalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from model import ScenarioSpec


@dataclass(frozen=True)
class Catalog:
    """Named scenarios with descriptions, a loader, an upload parser and a YAML writer.

    ``loads(text, filename)`` and ``load(name)`` raise one of ``errors`` with a one-line
    message (the same message the ``sovsim`` command line prints).
    """

    descriptions: Mapping[str, str]
    load: Callable[[str], ScenarioSpec]
    loads: Callable[[str, str], ScenarioSpec]
    dump: Callable[[ScenarioSpec], str]
    baseline: str
    default: str
    errors: tuple[type[Exception], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.descriptions)


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
    return Catalog(
        descriptions=MappingProxyType({n: shipped[n].description for n in names}),
        load=sf.load_scenario, loads=sf.loads_scenario, dump=sf.dump_scenario,
        baseline=baseline, default=baseline, errors=(sf.ScenarioError,))
