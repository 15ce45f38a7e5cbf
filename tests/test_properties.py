"""Hypothesis property tests: invariants hold for any valid levers and uncertainties."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from model import LEVERS, UNCERTAINTIES, ScenarioSpec, SovereigntyModel
from model.model import STATE_INDEX


def _value(p):
    if p.type == "bool":
        return st.booleans()
    if p.type == "int":
        return st.integers(int(p.low), int(p.high))
    return st.floats(float(p.low), float(p.high), allow_nan=False)


def _values(params):
    return st.fixed_dictionaries({}, optional={p.name: _value(p) for p in params})


values = st.tuples(_values(LEVERS), _values(UNCERTAINTIES), st.integers(0, 2**32))


def check_invariants(model: SovereigntyModel) -> None:
    m = model.state_metrics[: model.steps + 1]
    col = STATE_INDEX
    for layer in model.layers:
        assert np.allclose(model.shares[:, layer].sum(axis=1), 1.0)
    hhi = m[..., col["supplier_hhi"]]
    assert ((hhi >= 0) & (hhi <= 10_000 + 1e-6)).all()
    for name in ("external_share", "largest_supplier_share", "bargaining_power",
                 "evaluated_share", "control_index", "possession_index", "service_continuity",
                 "public_value", "trust", "exit_ability", "price_discipline",
                 "national_model_share", "national_compute_share", "standards_level"):
        v = m[..., col[name]]
        assert ((v >= -1e-12) & (v <= 1 + 1e-12)).all(), name
    for name in ("spend", "cumulative_cost", "markup_paid", "incidents", "outage_quarters",
                 "switching_cost_ratio", "cost_per_workflow"):
        assert (m[..., col[name]] >= -1e-9).all(), name
    cumulative = m[..., col["cumulative_cost"]]
    assert (np.diff(cumulative, axis=0) >= -1e-9).all()
    assert (m[..., col["spend"]] <= m[..., col["budget"]] + 1e-9).all()  # within budget
    assert (m[..., col["unfunded"]] >= -1e-12).all()
    assert (m[0] == SovereigntyModel(replace(model.spec, policies={}, overrides={},
                                            regional_body={}, horizon=1),
                                    collect=False).state_metrics[0]).all()  # q0: status quo
    assert np.isfinite(m).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
@example(({}, {}, 1))
@example(({"national_model": True, "ours_premium": 0.5, "diversification_cap": 0.2,
           "require_evaluation": True, "pooled_evaluation": True, "joint_procurement": True,
           "regional_contribution_share": 0.1}, {"restriction_rate": 0.1}, 7))
@example(({"ai_budget_share": 0.0001, "contract_term": 2}, {"switching_cost_max": 3.0,
                                                            "migration_max_quarters": 16}, 0))
def test_invariants_hold_for_any_valid_inputs(args):
    levers, uncertainties, seed = args
    spec = ScenarioSpec(horizon=12, seed=seed, uncertainties=uncertainties).with_values(**levers)
    model = SovereigntyModel(spec, collect=False)
    model.run()
    check_invariants(model)
