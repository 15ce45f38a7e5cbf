"""The states of a region: the data that drive budgets, workflow counts and capacities.

The default region is the 11 ASEAN members from ``model/data/asean_states.csv`` (sources in
``model/data/SOURCES.md``). A custom region is any sequence of :class:`StateData`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class StateData:
    """One state's input data, as in the region CSV."""

    iso3: str
    name: str
    population: float
    gdp_usd: float
    ai_readiness: float  # Oxford Insights Government AI Readiness score, 0-100
    datacenter_mw: float = 0.0  # 0 where no figure was found
    national_model: str = ""  # existing national model programme(s), empty if none
    eval_body: str = ""  # existing AI evaluation body, empty if none

    def __post_init__(self) -> None:
        if len(self.iso3) != 3 or not self.iso3.isalpha() or not self.iso3.isupper():
            raise ValueError(f"iso3 must be three capital letters, got {self.iso3!r}")
        for field, value, high in (("population", self.population, 1e10),
                                   ("gdp_usd", self.gdp_usd, 1e15),
                                   ("ai_readiness", self.ai_readiness, 100),
                                   ("datacenter_mw", self.datacenter_mw, 1e6)):
            if not (isinstance(value, (int, float)) and not isinstance(value, bool)
                    and math.isfinite(value) and 0 <= value <= high):
                raise ValueError(f"{field} must be a number from 0 to {high:g}, got {value!r}")
        if self.gdp_usd <= 0:
            raise ValueError(f"gdp_usd must be positive, got {self.gdp_usd!r}")


def _float(text: str) -> float:
    return float(text) if text.strip() else 0.0


@cache
def asean_states() -> tuple[StateData, ...]:
    """The default region: 11 ASEAN states, World Bank 2023 and Oxford Insights 2024 data."""
    text = resources.files("model.data").joinpath("asean_states.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        StateData(iso3=r["iso3"], name=r["name"], population=_float(r["population"]),
                  gdp_usd=_float(r["gdp_usd"]), ai_readiness=_float(r["ai_readiness_score"]),
                  datacenter_mw=_float(r["datacenter_mw"]),
                  national_model=r["national_model"].strip(), eval_body=r["eval_body"].strip())
        for r in rows
    )
