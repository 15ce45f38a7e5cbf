"""What the Download buttons hand out: the edited scenario as YAML that replays the run,
and the whole run (quarter 0 to the horizon, whatever quarter is on screen) as CSV."""

from __future__ import annotations

from .catalog import Catalog, scenario_yaml
from .sim import provenance, run_full
from .state import Setup


def export_yaml(catalog: Catalog, setup: Setup) -> str:
    """YAML for ``sovsim run``: the scenario under its own (edited) name, with the levers,
    overrides and live events of the session, headed by provenance."""
    spec = setup.export_spec()
    return scenario_yaml(catalog, spec, provenance(spec))


def whole_run_csv(setup: Setup) -> str:
    """The tidy per-state table of the full run (every quarter to the horizon)."""
    return run_full(setup.export_spec()).results_csv()


def export_filename(setup: Setup) -> str:
    """File name stem of both downloads."""
    return setup.export_name()
