"""The default calibration: parameter values fitted by ``sovsim calibrate`` to the patterns
of ``model/data/targets.yaml``, read from ``model/data/calibration.yaml``.

That file is the ONE place calibrated defaults live. :mod:`model.parameters` applies it to
the declarations (each calibrated parameter's default and its source, "calibrated: targets
X, Y"), and :mod:`model.vendors` applies the suppliers' fitted appeal. Editing a number by
hand is possible but ``sovsim calibrate`` rewrites the file; ``docs/VALIDATION.md`` (from
``scripts/validation_report.py``) shows whether the patterns are met.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

FILE = "calibration.yaml"


@cache
def calibration() -> dict[str, Any]:
    """The parsed calibration file (empty sections if it is missing)."""
    try:
        text = resources.files("model.data").joinpath(FILE).read_text("utf-8")
    except FileNotFoundError:
        text = ""
    data = yaml.safe_load(text) or {}
    return {"parameters": data.get("parameters") or {},
            "supplier_appeal": data.get("supplier_appeal") or {},
            **{k: v for k, v in data.items() if k not in ("parameters", "supplier_appeal")}}


def parameter_values() -> dict[str, dict[str, Any]]:
    """``{name: {"value": v, "targets": [...], "previous": old}}`` of calibrated parameters."""
    return calibration()["parameters"]


def supplier_appeal() -> dict[str, float]:
    """Fitted appeal per supplier key (utility points in tenders)."""
    section = calibration()["supplier_appeal"]
    return {k: float(v) for k, v in (section.get("values") or {}).items()}


def appeal_targets() -> list[str]:
    return list(calibration()["supplier_appeal"].get("targets") or [])


def provenance(targets) -> str:
    return "calibrated: targets " + ", ".join(targets) + " (model/data/calibration.yaml)"
