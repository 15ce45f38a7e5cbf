"""Mesa agents: states, suppliers and the regional body, as views onto the components.

The components (:mod:`model.model`'s ``PROCESS``) do the work on whole arrays, so all
states act simultaneously within a phase; an agent is the entry point a user (or Mesa's
tools) reaches for: a state's levers, budget and outcomes; a supplier's prices; the body's
members. This module imports nothing from the model at run time (no import circle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from .parameters import STATE_OUTCOMES

if TYPE_CHECKING:
    from .model import SovereigntyModel


class StateAgent(mesa.Agent):
    """A state in the region: budget, capacities, workflows, trust, policies, outcomes."""

    def __init__(self, model: SovereigntyModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.data = model.spec.states[index]
        self.iso3 = self.data.iso3
        self.name = self.data.name

    def step(self) -> None:
        raise NotImplementedError("states act together, in the model's phases: "
                                  "call model.step()")

    @property
    def budget(self) -> float:
        """AI budget, USD m per quarter."""
        return float(self.model.accounts.budget[self.index])

    @property
    def workflows(self) -> int:
        return int(self.model.workflows.per_state[self.index])

    def policy(self, name: str) -> Any:
        """This state's value of a state lever now in force."""
        return self.model.policy.lever[name][self.index].item()


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
        archetype = model.suppliers.archetypes[index]
        self.kind = archetype.kind
        self.layer = archetype.layer
        if state is None:
            self.key, self.bloc, self.label = archetype.key, archetype.bloc, archetype.label
        else:
            iso3 = model.iso3[state]
            self.key, self.bloc = f"national_{iso3}", iso3
            self.label = f"National model ({iso3})"

    def step(self) -> None:
        raise NotImplementedError("suppliers act together, in the model's phases: "
                                  "call model.step()")

    @property
    def quality(self) -> float:
        """True quality now (for a national programme: its owner's model)."""
        if self.state is not None:
            return float(self.model.programmes.quality[self.state])
        return float(self.model.world.quality[0, self.index])

    @property
    def unit_cost(self) -> float:
        return float(self.model.world.unit_cost[0, self.index])

    @property
    def active(self) -> bool:
        return bool(self.model.world.active[0, self.index])

    def price_for(self, iso3: str) -> float:
        """Price per workflow-quarter this supplier charges a state now (US$ m)."""
        return float(self.model.market.price[self.model.region.index[iso3], self.index])


class RegionalBodyAgent(mesa.Agent):
    """The regional coordination body (ASEAN-like): pooled evaluation, joint procurement,
    shared standards, cohesion."""

    def step(self) -> None:
        raise NotImplementedError("the body acts in the model's phases: call model.step()")

    @property
    def cohesion(self) -> float:
        return self.model.cohesion

    @property
    def members(self) -> list[str]:
        return [c for c, m in zip(self.model.iso3, self.model.body.member, strict=True) if m]
