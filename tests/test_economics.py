"""Model 2.0: the review's findings, each as a test (issue "Model 2.0: mechanisms and
economics that can say no"). Every benefit has a cost somewhere; quarter 0 is policy-free;
every state lives within its budget."""

from __future__ import annotations

import numpy as np
import pytest

from model import Event, ScenarioSpec, SovereigntyModel, run
from model.metrics import STATE_INDEX

POSSESSION = {"national_model": True, "ours_premium": 0.2, "domestic_compute_share": 0.1,
              "possessive_rhetoric": 0.7}
COORDINATED = {"pooled_evaluation": True, "joint_procurement": True, "shared_standards": 0.7,
               "interop_standards": 0.7, "diversification_cap": 0.5, "require_evaluation": True}
SHOCK = (Event(8, "export_control", ("all",), {"bloc": "A", "duration": 8}),)


def _model(values=None, horizon=40, seed=1, events=()) -> SovereigntyModel:
    model = SovereigntyModel(ScenarioSpec(events=events, horizon=horizon).with_values(
        **(values or {})), rng=seed, collect=False)
    model.run()
    return model


def test_quarter_zero_is_the_same_status_quo_in_every_scenario():
    reference = _model(horizon=2).state_metrics[0]
    for values in (POSSESSION, COORDINATED, {"ai_budget_share": 0.004, "member": False}):
        assert np.array_equal(_model(values, horizon=2).state_metrics[0], reference)
    assert not np.array_equal(_model(COORDINATED, horizon=2).state_metrics[1],
                              _model(horizon=2).state_metrics[1])


@pytest.mark.parametrize("values", [{}, POSSESSION, COORDINATED,
                                    {**POSSESSION, "ai_budget_share": 0.0001},
                                    {**COORDINATED, "national_model": True,
                                     "national_model_from_scratch": True,
                                     "own_evaluation_share": 0.2, "domestic_compute_share": 0.3,
                                     "procurement_capacity_share": 0.2}])
def test_every_state_lives_within_its_budget(values):
    m = _model(values, events=SHOCK).state_metrics
    spend, budget = m[..., STATE_INDEX["spend"]], m[..., STATE_INDEX["budget"]]
    assert (spend <= budget + 1e-9).all()
    assert (m[..., STATE_INDEX["unfunded"]] >= 0).all()


def test_a_short_budget_gives_way_somewhere_real():
    tight = _model({**POSSESSION, "ai_budget_share": 0.0002}).results().region
    assert tight["unfunded"].sum() > 0
    assert tight["service_continuity"].min() < 1.0 or tight["unfunded"].iloc[-1] > 0


def test_pooled_results_are_not_voided_by_the_quarter_that_produced_them():
    model = SovereigntyModel(ScenarioSpec(horizon=20).with_values(
        pooled_evaluation=True, own_evaluation_share=0.0), collect=False)
    for _ in range(20):
        model.step()
        members = model.body.member
        assert (model.evaluation.known[members] >= model.evaluation.pool_known).all()


def test_joint_procurement_fee_is_a_share_of_pooled_purchases():
    model = SovereigntyModel(ScenarioSpec(horizon=6).with_values(joint_procurement=True),
                             collect=False)
    model.step()
    purchases = model.accounts.market_bill.copy()  # not the state's own model or compute
    assert (purchases <= model.accounts.service_bill).all()
    model.step()
    fee = model.u["joint_procurement_fee"]
    assert model.body.due == pytest.approx(fee * purchases)


def test_pooled_evaluation_costs_members_its_running_cost_and_its_evaluations():
    model = SovereigntyModel(ScenarioSpec(horizon=6).with_values(pooled_evaluation=True),
                             collect=False)
    model.step()
    evaluations = model.body.evaluations_last
    model.step()
    u = model.u
    total = u["pooled_evaluation_running_cost"] + evaluations * u["evaluation_cost"]
    assert model.body.due.sum() == pytest.approx(total)


def test_standards_cost_money_to_adopt_and_run():
    plain, adopted = _model(horizon=12), _model({"interop_standards": 1.0}, horizon=12)
    assert adopted.capacities.standards.max() > 0.9
    assert adopted.accounts.funded["standards"].sum() > 0
    a = plain.state_metrics[1:, :, STATE_INDEX["spend"]].sum()
    b = adopted.state_metrics[1:, :, STATE_INDEX["spend"]].sum()
    assert b > a


def test_an_export_control_never_makes_the_region_cheaper_on_average():
    costs = []
    for seed in (1, 2, 3):
        base, shocked = _model(seed=seed), _model(seed=seed, events=SHOCK)
        costs.append(shocked.state_metrics[-1, :, STATE_INDEX["cumulative_cost"]].sum()
                     - base.state_metrics[-1, :, STATE_INDEX["cumulative_cost"]].sum())
        assert shocked.state_metrics[:, :, STATE_INDEX["outage_cost"]].sum() > 0
    assert np.mean(costs) > 0


def test_surviving_suppliers_get_dearer_when_a_bloc_is_cut_off():
    shock = (Event(2, "export_control", ("all",), {"bloc": "A", "duration": 0}),)
    base, shocked = _model(horizon=4), _model(horizon=4, events=shock)
    column = base.suppliers.column["cloud_b"]
    assert shocked.market.utilisation[0, column] > base.market.utilisation[0, column]
    assert (shocked.market.markup[:, column] > base.market.markup[:, column]).all()


def test_migrating_workflows_pay_their_new_supplier_and_the_fallback():
    shock = (Event(3, "export_control", ("IDN",), {"bloc": "A", "duration": 0}),)
    model = SovereigntyModel(ScenarioSpec(horizon=3, events=shock), collect=False)
    model.run()
    k = model.iso3.index("IDN")
    migrating = (model.market.outage_left > 0) & (model.workflows.owner == k)
    assert migrating.any()
    assert model.accounts.outage_cost[k] > 0
    billed = model.accounts.workflow_price[migrating].sum()
    others = model.accounts.workflow_price[(model.workflows.owner == k) & ~migrating].sum()
    assert model.accounts.service_bill[k] == pytest.approx(billed + others)


def test_indices_are_built_from_outcomes_with_declared_weights():
    res = run(seed=2)
    final = res.final()
    u = SovereigntyModel(collect=False).u
    parts = ("evaluated_share", "exit_ability", "price_discipline", "service_continuity")
    weights = [u[f"control_weight_{k}"] for k in ("verified", "exit", "price", "continuity")]
    expected = sum(w * final[p] for w, p in zip(weights, parts, strict=True)) / sum(weights)
    assert final["control_index"].to_numpy() == pytest.approx(expected.to_numpy())
    w = u["possession_weight_model"]
    expected = w * final["national_model_share"] + (1 - w) * final["national_compute_share"]
    assert final["possession_index"].to_numpy() == pytest.approx(expected.to_numpy())


def test_data_centre_megawatts_are_not_counted_as_possession():
    q0 = run(steps=1).states.query("step == 0").set_index("iso3")
    assert q0.loc["SGP", "national_compute_share"] == 0.0  # 985 MW, mostly foreign-owned


def test_fine_tuning_is_cheaper_and_faster_than_training_from_scratch():
    tune = _model({"national_model": True}, horizon=5)
    scratch = _model({"national_model": True, "national_model_from_scratch": True}, horizon=5)
    k = tune.iso3.index("PHL")
    assert tune.programmes.released[k] and not scratch.programmes.released[k]
    assert tune.programmes.capex[k] < scratch.programmes.capex[k]


def test_a_programme_builds_talent_that_raises_evaluation_and_procurement_capacity():
    with_programme = _model({"national_model": True}, horizon=12)
    without = _model(horizon=12)
    k = with_programme.iso3.index("PHL")
    assert with_programme.capacities.evaluation[k] > without.capacities.evaluation[k]
    assert with_programme.capacities.procurement[k] > without.capacities.procurement[k]


def test_trust_reverts_without_arrangements_and_exits_are_reversible():
    region = run(seed=1).region
    assert region["cohesion"].iloc[-1] > 0.5  # the body does not decay on its own
    loud = ScenarioSpec(events=(Event(16, "political_shift", ("all",), {"rhetoric": 0.0}),)
                        ).with_values(possessive_rhetoric=1.0, trust_exit_threshold=0.3)
    model = SovereigntyModel(loud, collect=False)
    model.run()
    kinds = {e["kind"] for e in model.event_log}
    assert {"member_exit", "member_reentry"} <= kinds


def test_enough_workflows_for_stable_state_shares():
    finals = np.array([_model(seed=s, horizon=1).state_metrics[0, :,
                       STATE_INDEX["largest_supplier_share"]] for s in range(1, 6)])
    assert (finals < 1.0).all()
    assert finals.std(axis=0).max() < 0.12


def test_a_retired_programme_takes_no_new_contracts_and_stops_costing():
    model = _model({"retire_national_model": True}, horizon=24)
    k = model.iso3.index("SGP")
    assert not model.programmes.released[k] and model.programmes.opex_due[k] == 0
    assert model.metric("national_model_share")[k] == 0
    outage = model.state_metrics[:, k, STATE_INDEX["outage_quarters"]]
    assert outage[-1] == 0  # workflows moved at renewal, not cut off
