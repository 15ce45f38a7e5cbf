"""Contract every agent type passes (Axelrod-style base class)."""

from __future__ import annotations

import mesa
import pytest

from model import ScenarioSpec, SovereigntyModel
from model.agents import RegionalBodyAgent, StateAgent, VendorAgent


@pytest.fixture(scope="module")
def model() -> SovereigntyModel:
    model = SovereigntyModel(ScenarioSpec(horizon=6), national_model=True, collect=False)
    model.run()
    return model


class AgentContract:
    """Subclasses set ``agent_type``, ``minimum`` and ``attributes``; every agent type
    must pass these."""

    agent_type: type[mesa.Agent]
    minimum: int = 1
    attributes: tuple[str, ...] = ()

    def agents(self, model):
        return model.agents_by_type[self.agent_type].to_list()

    def test_registered_with_the_model(self, model):
        agents = self.agents(model)
        assert len(agents) >= self.minimum
        assert all(a.model is model for a in agents)
        assert len({a.unique_id for a in agents}) == len(agents)

    def test_has_a_phase_entry_point(self, model):
        assert callable(getattr(self.agent_type, "step_all", None)) or \
            self.agent_type.step is not mesa.Agent.step

    def test_documented(self):
        assert self.agent_type.__doc__ and len(self.agent_type.__doc__) > 20

    def test_attributes_are_plain_values(self, model):
        for agent in self.agents(model):
            for name in self.attributes:
                value = getattr(agent, name)
                assert isinstance(value, (str, int, float, bool, list)), (name, type(value))


class TestStateAgent(AgentContract):
    agent_type = StateAgent
    minimum = 11
    attributes = ("iso3", "name", "budget", "workflows", "control_index", "possession_index",
                  "largest_supplier_share", "cumulative_cost")

    def test_outcomes_match_the_model_arrays(self, model):
        for agent in self.agents(model):
            assert agent.control_index == model.metric("control_index")[agent.index]


class TestVendorAgent(AgentContract):
    agent_type = VendorAgent
    minimum = 7
    attributes = ("key", "kind", "layer", "bloc", "label", "quality", "unit_cost", "active")

    def test_national_programmes_are_vendors_owned_by_their_state(self, model):
        national = [a for a in self.agents(model) if a.kind == "national_programme"]
        assert national and all(a.bloc == model.iso3[a.state] for a in national)


class TestRegionalBodyAgent(AgentContract):
    agent_type = RegionalBodyAgent
    attributes = ("cohesion", "members")
