"""Shared fixtures: a small set of finished runs reused across tests (runs are ~15 ms)."""

from __future__ import annotations

import pytest

from model import ScenarioSpec, SovereigntyModel


@pytest.fixture(scope="session")
def default_model() -> SovereigntyModel:
    model = SovereigntyModel(ScenarioSpec(), collect=True)
    model.run()
    return model
