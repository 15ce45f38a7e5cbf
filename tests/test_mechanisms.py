"""One unit test per mechanism (M1-M9), against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from model import (
    bargaining,
    cohesion,
    diversification,
    evaluation,
    incidents,
    lockin,
    procurement,
    supply,
)
from model import national_programme as nmp


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
            noise=np.array([[1.0, 1.0]]), evaluable=np.array([True, True]))
        assert tested.tolist() == [[True, False]]
        assert known2.tolist() == [[True, False]]
        assert est2[0, 0] == pytest.approx(0.6 + 1.0 * evaluation.EVALUATION_NOISE * 0.5)
        assert est2[0, 1] == 0.0

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
            pooled_evaluation=True, regional_contribution_share=0.1, own_evaluation_share=0.0),
            collect=False)
        model.run()
        assert model.known[0].any()
        assert (model.known[0] == model.known[1]).all()
        assert not model.known[2].any()


class TestM4Bargaining:
    def test_outside_options(self):
        # 3 / 4 / (1 + 0.5) = 0.5
        assert bargaining.outside_options(3.0, 0.5) == pytest.approx(0.5)
        assert bargaining.outside_options(-1.0, 0.0) == 0.0

    def test_demand_effect_saturates(self):
        assert bargaining.demand_effect(20.0, 20.0) == pytest.approx(0.5)
        assert bargaining.demand_effect(1e9, 20.0) == pytest.approx(1.0, abs=1e-6)

    def test_power_and_markup(self):
        power = bargaining.bargaining_power(0.5, 0.5, 0.5, 0.5, 0.7)
        assert power == pytest.approx(0.35)
        assert bargaining.markup(0.6, 1.2, power) == pytest.approx(0.6 * 1.2 * 0.65)


class TestM5NationalProgramme:
    def test_affordability(self):
        assert nmp.affordable(30.0, np.array([20.0, 10.0]), 2.0).tolist() == [True, False]

    def test_cost_profile(self):
        got = nmp.quarterly_cost(np.array([-1, 0, 3, 4]), 30.0, 1.5, 4)
        assert got == pytest.approx([0.0, 9.0, 9.0, 1.5])

    def test_learning_curve(self):
        # 0.3 + 0.1 * 0.8 * 1.0 * (0.5 + 0.5 * 0) * (0.7 - 0.3) = 0.316
        assert nmp.learn(0.3, 0.7, 0.1, 0.8, 1.0, 0.0) == pytest.approx(0.316)
        assert nmp.learn(0.3, 0.7, 0.1, 0.8, 0.0, 1.0) == pytest.approx(0.3)  # no chips


class TestM6Supply:
    def test_workflows_on_an_unavailable_supplier_are_cut_off(self):
        unavailable = np.array([[False, True, False], [False, False, False]])
        owner, model, compute = np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([2, 2, 0])
        got = supply.cut_off(np.array([owner * 3 + model, owner * 3 + compute]), unavailable)
        assert got.tolist() == [False, True, False]

    def test_restrictions_expire(self):
        assert supply.expire(np.array([3, 5]), 4).tolist() == [False, True]


class TestM7Cohesion:
    def test_rhetoric_erodes_trust(self):
        trust = np.array([0.5, 0.5, 0.5, 0.9])
        member = np.array([True, True, True, False])
        rhetoric = np.array([0.2, 0.4, 0.6, 1.0])
        got = cohesion.update_trust(trust, member, 0.0, rhetoric, 0.0, 0.1, 0.0)
        # state 0: others' mean (0.4 + 0.6) / 2 = 0.5; pressure 0.5 * (0.2 + 0.5) = 0.35
        assert got[0] == pytest.approx(0.5 - 0.1 * 0.35)
        assert got[3] == 0.9  # non-members unchanged

    def test_visible_gains_restore_trust_and_clip(self):
        got = cohesion.update_trust(np.array([0.95]), np.array([True]), np.array([1.0]),
                                    np.array([0.0]), 0.0, 0.1, 0.0)
        assert got[0] == 1.0

    def test_cohesion_and_exits(self):
        trust, member = np.array([0.1, 0.5, 0.9]), np.array([True, True, False])
        assert cohesion.cohesion(trust, member) == pytest.approx(0.3)
        assert cohesion.exits(trust, member, 0.2).tolist() == [True, False, False]
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
                                  2.0, 0.7)
        assert p == pytest.approx([0.03, 0.01 * 1.6, 0.02 * 1.6])

    def test_probability_is_capped(self):
        assert incidents.probability(1.0, 0.0, 0, 5.0, 0.5) == 1.0


class TestTender:
    def test_switching_penalty_and_layers(self):
        utility = np.array([[1.0, 0.9, 0.0, 0.5]])
        is_model = np.array([True, True, False, False])
        got = procurement.charge_switching(utility, is_model, np.array([[1], [2]]),
                                           np.array([[0.2], [0.6]]))
        assert got[0] == pytest.approx([0.8, 0.9, 0.0, -0.1])
        winners = procurement.choose(got, np.ones((1, 4), bool), np.zeros((1, 4), bool),
                                     (slice(0, 2), slice(2, 4)), np.array([[1], [2]]))
        assert winners.tolist() == [[1], [2]]

    def test_bars_are_dropped_when_nothing_else_is_left(self):
        allowed = np.array([[True, False, True, True]])
        barred = np.array([[True, False, False, False]])
        winners = procurement.choose(np.zeros((1, 4)), allowed, barred,
                                     (slice(0, 2), slice(2, 4)), np.array([[1], [3]]))
        assert winners[0, 0] == 0

    def test_complete_fast_path_agrees_with_the_checked_path(self):
        rng = np.random.default_rng(0)
        utility = rng.normal(size=(50, 5))
        allowed = np.ones((50, 5), bool)
        allowed[:, 1] = False
        none = np.zeros((50, 5), bool)
        layers, current = (slice(0, 3), slice(3, 5)), np.zeros((2, 50), dtype=np.int64)
        fast = procurement.choose(utility, allowed, none, layers, current, complete=True)
        checked = procurement.choose(utility, allowed, none, layers, current)
        assert (fast == checked).all() and not (fast[0] == 1).any()

    def test_nothing_allowed_keeps_the_current_supplier(self):
        winners = procurement.choose(np.zeros((1, 4)), np.zeros((1, 4), bool),
                                     np.zeros((1, 4), bool), (slice(0, 2), slice(2, 4)),
                                     np.array([[1], [3]]))
        assert winners.tolist() == [[1], [3]]

    def test_score_prefers_quality_and_penalises_price_and_unreliability(self):
        s = procurement.score(np.array([[0.8, 0.8, 0.9]]), np.array([[0.99, 0.9, 0.99]]),
                              np.array([True]), np.array([[1.0, 1.0, 2.0]]), 0.0,
                              np.zeros((1, 3)), 0.3)
        expected = [0.8 - 5 * 0.01 - 0.3, 0.8 - 5 * 0.1 - 0.3, 0.9 - 5 * 0.01 - 0.6]
        assert s[0] == pytest.approx(expected)
