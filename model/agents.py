"""Mesa agents: states, suppliers and the regional body.

Agents carry identity and expose their slice of the model's arrays as attributes; each
agent type's phase (``step_all`` / ``step``) calls the mechanism functions on whole arrays.
Workflows are data (arrays indexed by workflow), not agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .parameters import STATE_OUTCOMES

if TYPE_CHECKING:
    from .model import SovereigntyModel


class StateAgent(mesa.Agent):
    """A state in the region: budget, capacities, workflows, trust, policies."""

    def __init__(self, model: SovereigntyModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.data = model.spec.states[index]
        self.iso3 = self.data.iso3
        self.name = self.data.name

    @staticmethod
    def step_all(model: SovereigntyModel) -> None:
        """States' phase: invest, run national programmes (M5), evaluate (M2), migrate off
        cut-off suppliers (M6), renew contracts (M1, M4, M8), deepen lock-in (M1)."""
        model.state_phase()

    def step(self) -> None:
        raise NotImplementedError("states act together: call StateAgent.step_all(model)")

    @property
    def budget(self) -> float:
        """AI budget, USD m per quarter."""
        return float(self.model.budget[self.index])

    @property
    def workflows(self) -> int:
        return int(self.model.n_workflows[self.index])

    def policy(self, name: str):
        """This state's value of a state lever."""
        return self.model.lever[name][self.index].item()


def _state_outcome(name: str, doc: str) -> property:
    def get(self: StateAgent) -> float:
        return float(self.model.metric(name)[self.index])
    get.__doc__ = doc
    return property(get)


for _o in STATE_OUTCOMES:
    setattr(StateAgent, _o.name, _state_outcome(_o.name, f"{_o.label} ({_o.unit})."))


class VendorAgent(mesa.Agent):
    """A supplier of AI capability (model or compute layer); national programmes included."""

    def __init__(self, model: SovereigntyModel, index: int, state: int | None = None) -> None:
        super().__init__(model)
        self.index = index
        self.state = state  # owning state's index, for a national programme
        archetype = model.archetypes[index]
        self.kind = archetype.kind
        self.layer = archetype.layer
        if state is None:
            self.key, self.bloc, self.label = archetype.key, archetype.bloc, archetype.label
        else:
            iso3 = model.iso3[state]
            self.key, self.bloc = f"national_{iso3}", iso3
            self.label = f"National model ({iso3})"

    @staticmethod
    def step_all(model: SovereigntyModel) -> None:
        """Suppliers' phase: bargain with each buyer or bloc (M4) and set prices; supply
        restrictions (M6) are already in the availability mask."""
        model._price_quotes()

    def step(self) -> None:
        raise NotImplementedError("suppliers act together: call VendorAgent.step_all(model)")

    @property
    def quality(self) -> float:
        """True quality now (for a national programme: its owner's model)."""
        if self.state is not None:
            return float(self.model.nm_quality[self.state])
        return float(self.model.quality[self.index])

    @property
    def unit_cost(self) -> float:
        return float(self.model.unit_cost[self.index])

    @property
    def active(self) -> bool:
        return bool(self.model.active[self.index])


class RegionalBodyAgent(mesa.Agent):
    """The regional coordination body (ASEAN-like): pooled evaluation, joint procurement,
    shared standards, cohesion."""

    def step(self) -> None:
        """Collect contributions, update pooled capacity, test suppliers for all members
        (M3), update members' trust and exits (M7)."""
        self.model.body_phase()

    @property
    def cohesion(self) -> float:
        return self.model.cohesion

    @property
    def members(self) -> list[str]:
        return [c for c, m in zip(self.model.iso3, self.model.member) if m]
