"""Shared fixtures: a small set of finished runs reused across tests (runs are ~15 ms)."""

from __future__ import annotations

import os

import pytest

from model import ScenarioSpec, SovereigntyModel


def pytest_configure(config) -> None:
    # In-process UI tests render with the renderer the server uses
    from ui.server import environment

    os.environ["REACTON_FAST"] = environment()["REACTON_FAST"]


@pytest.fixture(scope="session")
def default_model() -> SovereigntyModel:
    model = SovereigntyModel(ScenarioSpec(), collect=True)
    model.run()
    return model


@pytest.fixture(scope="module")
def catalog():
    """The shipped scenarios, for in-process UI tests."""
    from ui.catalog import shipped_catalog
    return shipped_catalog()


@pytest.fixture
def page(catalog):
    """A fresh workshop page rendered in process (``solara.render``)."""
    import solara

    import app
    box, rc = solara.render(app.Workshop(catalog, None), handle_error=False)
    yield rc
    rc.close()
