"""One unit test per mechanism (M1-M9 and the 2.0 economics), against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from model import (
    bargaining,
    capacity,
    cohesion,
    diversification,
    evaluation,
    incidents,
    lockin,
    metrics,
    procurement,
    supply,
)
from model import national_programme as nmp

LAYERS = (slice(0, 2), slice(2, 4))
WEIGHTS = (0.3, 0.3, 0.2, 0.2)


class TestM1LockIn:
    def test_depth_closes_a_share_of_the_remaining_gap(self):
        assert lockin.deepen(np.array([0.0, 0.5]), 0.1) == pytest.approx([0.1, 0.55])

    def test_exposure_falls_with_portability_and_standards(self):
        # 0.5 * (1 - 0.3) * (1 - 0.6 * 0.5) = 0.245
        assert lockin.exposure(0.5, 0.3, 0.5, 0.6) == pytest.approx(0.245)
        assert lockin.exposure(0.5, 1.0, 0.0, 0.6) == 0.0

    def test_switching_cost_is_years_of_spend(self):
        assert lockin.switching_cost(0.245, 4.0, 1.0) == pytest.approx(0.98)

    def test_migration_time_has_a_floor_of_one_quarter(self):
        got = lockin.migration_quarters(np.array([0.0, 0.245, 1.0]), 6)
        assert got.tolist() == [1, 2, 6]  # ceil(6 * 0.245) = ceil(1.47) = 2


class TestM2M3Evaluation:
    def test_capacity_is_half_at_the_half_capacity_stock(self):
        assert evaluation.capacity(20.0, 20.0) == pytest.approx(0.5)

    def test_stock_depreciates_then_adds_investment(self):
        assert evaluation.accumulate(10.0, 2.0, 0.05) == pytest.approx(11.5)

    def test_a_test_reveals_truth_with_noise_shrinking_in_capacity(self):
        known = np.array([[False, False]])
        estimate = np.zeros((1, 2))
        true_q = np.array([0.6, 0.8])
        known2, est2, tested = evaluation.evaluate(
            known, estimate, np.array([0.5]), true_q, draws=np.array([[0.3, 0.7]]),
            noise=np.array([[1.0, 1.0]]), evaluable=np.array([True, True]), noise_scale=0.1)
        assert tested.tolist() == [[True, False]]
        assert known2.tolist() == [[True, False]]
        assert est2[0, 0] == pytest.approx(0.6 + 1.0 * 0.1 * 0.5)
        assert est2[0, 1] == 0.0

    def test_a_current_evaluation_is_not_bought_again(self):
        known = np.array([[True]])
        _, est, tested = evaluation.evaluate(known, np.array([[0.4]]), np.array([1.0]),
                                             np.array([0.9]), np.array([[0.0]]),
                                             np.array([[0.0]]), np.array([True]), 0.1)
        assert not tested.any() and est[0, 0] == 0.4

    def test_unevaluated_buyers_believe_the_claim(self):
        got = evaluation.perceived(np.array([True, False]), np.array([0.6, 0.6]),
                                   np.array([0.9, 0.9]))
        assert got.tolist() == [0.6, 0.9]

    def test_one_pooled_test_serves_every_member_and_no_outsider(self):
        from model import ScenarioSpec, SovereigntyModel, StateData
        # readiness 0 and no evaluation body: states start unable to test anything
        states = tuple(StateData(c, c, 1e7, 5e10, 0.0) for c in ("AAA", "BBB", "CCC"))
        spec = ScenarioSpec(states=states, horizon=12, overrides={"CCC": {"member": False}})
        model = SovereigntyModel(spec.with_values(
            pooled_evaluation=True, own_evaluation_share=0.0), collect=False)
        model.run()
        known = model.evaluation.known
        assert known[0].any()
        assert (known[0] == known[1]).all()
        assert not known[2].any()


class TestM4Bargaining:
    def test_outside_options(self):
        # 3 / 4 / (1 + 0.5) = 0.5
        assert bargaining.outside_options(3.0, 0.5) == pytest.approx(0.5)
        assert bargaining.outside_options(-1.0, 0.0) == 0.0

    def test_demand_effect_saturates(self):
        assert bargaining.demand_effect(20.0, 20.0) == pytest.approx(0.5)
        assert bargaining.demand_effect(1e9, 20.0) == pytest.approx(1.0, abs=1e-6)

    def test_power_and_markup(self):
        power = bargaining.bargaining_power(0.5, 0.5, 0.5, 0.5, 0.7, WEIGHTS)
        assert power == pytest.approx(0.35)
        assert bargaining.markup(0.6, 1.2, power) == pytest.approx(0.6 * 1.2 * 0.65)

    def test_weights_are_normalised(self):
        assert bargaining.bargaining_power(1.0, 0.0, 0.0, 0.0, 1.0, (2, 0, 0, 0)) == 1.0

    def test_markup_rises_with_share_and_scarcity(self):
        # share 0.5 vs initial 0.3, slope 1: power 1.2; utilisation 0.9, threshold 0.8:
        # tight 0.5, scarcity 1: x 1.5 -> 1.8
        got = bargaining.supply_multiplier(0.5, 0.3, 0.9, 1.0, 1.0, 0.8)
        assert got == pytest.approx(1.8)
        assert bargaining.supply_multiplier(0.1, 0.3, 0.5, 1.0, 1.0, 0.8) == pytest.approx(0.8)
        assert bargaining.supply_multiplier(0.0, 0.9, 0.0, 3.0, 0.0, 0.8) == 0.2  # floor


class TestM5NationalProgramme:
    def test_affordability(self):
        assert nmp.affordable(30.0, np.array([20.0, 10.0]), 2.0).tolist() == [True, False]

    def test_learning_curve(self):
        # 0.3 + 0.1 * 0.8 * 1.0 * (0.5 + 0.5 * 0) * (0.7 - 0.3) = 0.316
        assert nmp.learn(0.3, 0.7, 0.1, 0.8, 1.0, 0.0, 0.5) == pytest.approx(0.316)
        assert nmp.learn(0.3, 0.7, 0.1, 0.8, 0.0, 1.0, 0.5) == pytest.approx(0.3)  # no chips

    def test_a_fine_tune_cannot_pass_its_base(self):
        assert nmp.learn(0.8, 0.7, 0.3, 1.0, 1.0, 1.0, 0.5) == pytest.approx(0.7)

    def test_talent_spillover_closes_part_of_the_capacity_gap(self):
        # 1 - (1 - 0.2) * (1 - 0.5 * 0.5) = 0.4
        assert capacity.spillover(0.2, 0.5, 0.5) == pytest.approx(0.4)
        assert capacity.spillover(0.2, 0.0, 0.5) == pytest.approx(0.2)


class TestM6Supply:
    def test_workflows_on_an_unavailable_supplier_are_cut_off(self):
        unavailable = np.array([[False, True, False], [False, False, False]])
        owner, model, compute = np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([2, 2, 0])
        got = supply.cut_off(np.array([owner * 3 + model, owner * 3 + compute]), unavailable)
        assert got.tolist() == [False, True, False]

    def test_restrictions_expire(self):
        assert supply.expire(np.array([3, 5]), 4).tolist() == [False, True]

    def test_capacity_rations_awards_by_value(self):
        utility = np.array([[1.0, 0.5], [0.9, 0.1], [0.8, 0.7]])
        winner, unplaced = procurement.ration(utility, np.zeros(3, dtype=np.int64),
                                              lambda w: w, np.array([1.0, 5.0]))
        assert winner.tolist() == [0, 1, 1] and not unplaced.any()

    def test_no_room_anywhere_leaves_a_workflow_unplaced(self):
        utility = np.array([[1.0, -np.inf], [0.9, -np.inf]])
        winner, unplaced = procurement.ration(utility, np.zeros(2, dtype=np.int64),
                                              lambda w: w, np.array([1.0, 5.0]))
        assert unplaced.tolist() == [False, True]


class TestM7Cohesion:
    def test_rhetoric_pressure(self):
        member = np.array([True, True, True, False])
        rhetoric = np.array([0.2, 0.4, 0.6, 1.0])
        got = cohesion.pressure(rhetoric, member, 0.0, 0.5, 0.5)
        # state 0: others' mean (0.4 + 0.6) / 2 = 0.5; pressure 0.5 * 0.2 + 0.5 * 0.5 = 0.35
        assert got[0] == pytest.approx(0.35)
        # a non-member: all three members' mean rhetoric 0.4
        assert got[3] == pytest.approx(0.5 * 1.0 + 0.5 * 0.4)

    def test_trust_reverts_to_its_anchor(self):
        got = cohesion.update_trust(np.array([0.2, 1.0]), 0.6, 0.5, 0.0, 0.0, 0.1, 0.0)
        assert got == pytest.approx([0.4, 0.8])

    def test_gains_restore_trust_and_clip(self):
        got = cohesion.update_trust(np.array([0.95]), 0.6, 0.0, np.array([1.0]), 0.0, 0.1, 0.0)
        assert got[0] == 1.0

    def test_exits_and_reentries(self):
        trust, member = np.array([0.1, 0.5, 0.9]), np.array([True, True, False])
        assert cohesion.cohesion(trust, member) == pytest.approx(0.3)
        assert cohesion.exits(trust, member, 0.2).tolist() == [True, False, False]
        willing = np.array([True, True, True])
        assert cohesion.reentries(trust, member, willing, 0.2, 0.1).tolist() == \
            [False, False, True]
        assert not cohesion.reentries(trust, member, ~willing, 0.2, 0.1).any()
        assert cohesion.cohesion(trust, np.zeros(3, bool)) == 0.0


class TestM8Diversification:
    def test_suppliers_at_or_over_the_cap_are_barred(self):
        got = diversification.over_cap(np.array([[0.5, 0.4, 0.1]]), np.array([0.4]))
        assert got.tolist() == [[True, True, False]]

    def test_a_cap_of_one_bars_nobody_not_even_a_sole_supplier(self):
        got = diversification.over_cap(np.array([[1.0, 0.0], [0.6, 0.4]]), np.array([1.0, 0.5]))
        assert got.tolist() == [[False, False], [True, False]]


class TestM9Incidents:
    def test_unevaluated_use_multiplies_risk(self):
        p = incidents.probability(0.01, np.array([0.95, 0.95, 0.90]), np.array([0, 1, 1]),
                                  2.0, 0.7, 0.05)
        assert p == pytest.approx([0.03, 0.01 * 1.6, 0.02 * 1.6])

    def test_probability_is_capped(self):
        assert incidents.probability(1.0, 0.0, 0, 5.0, 0.5, 0.05) == 1.0


class TestTender:
    def test_switching_penalty_and_layers(self):
        utility = np.array([[1.0, 0.9, 0.0, 0.5]])
        is_model = np.array([True, True, False, False])
        got = procurement.charge_switching(utility, is_model, np.array([[1], [2]]),
                                           np.array([[0.2], [0.6]]))
        assert got[0] == pytest.approx([0.8, 0.9, 0.0, -0.1])
        assert procurement.best(got, LAYERS).tolist() == [[1], [2]]

    def test_bars_are_dropped_when_nothing_else_is_left(self):
        allowed = np.array([[True, False, True, True]])
        barred = np.array([[True, False, False, False]])
        ok = procurement.relax_bars(allowed, barred, LAYERS)
        assert ok.tolist() == [[True, False, True, True]]
        ok = procurement.relax_bars(allowed, np.array([[False, False, True, False]]), LAYERS)
        assert ok.tolist() == [[True, False, False, True]]

    def test_score_prefers_quality_and_penalises_price_and_unreliability(self):
        s = procurement.score(np.array([[0.8, 0.8, 0.9]]), np.array([[0.99, 0.9, 0.99]]),
                              np.array([True]), np.array([[1.0, 1.0, 2.0]]), 0.0,
                              np.zeros((1, 3)), 0.3, 5.0)
        expected = [0.8 - 5 * 0.01 - 0.3, 0.8 - 5 * 0.1 - 0.3, 0.9 - 5 * 0.01 - 0.6]
        assert s[0] == pytest.approx(expected)

    def test_rank_within_groups(self):
        got = procurement.rank_within(np.array([1, 0, 1, 0]), np.array([0.5, 0.1, 0.9, 0.3]))
        assert got.tolist() == [1, 1, 0, 0]


class TestIndices:
    def test_weighted_mean_with_zero_weights_falls_back_to_equal(self):
        a, b = np.array([1.0]), np.array([0.0])
        assert metrics.weighted((a, b), (3.0, 1.0)) == pytest.approx([0.75])
        assert metrics.weighted((a, b), (0.0, 0.0)) == pytest.approx([0.5])
