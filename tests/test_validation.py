"""The default calibration reproduces the empirical patterns (model/data/targets.yaml).

Fast: three paired seeds of the three runs the targets need (status quo, joint procurement,
a cut-off). A target drifting out of its tolerance fails here; regenerate docs/VALIDATION.md
(scripts/validation_report.py) and, if the change is deliberate, re-run `sovsim calibrate`.
"""

from __future__ import annotations

import pytest

from experiments import calibrate as cal

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def targets():
    return cal.load_targets()


@pytest.fixture(scope="module")
def results(targets):
    groups, ts = targets
    return {r.target.name: r for r in cal.evaluate(ts, groups,
                                                   cal.Runs(cal.Setting.current(), SEEDS))}


def test_targets_declared_with_sources_and_tolerances(targets):
    groups, ts = targets
    assert {"small", "large"} <= set(groups)
    assert len(ts) >= 8
    for t in ts:
        assert t.source and t.low <= t.high, t.name
        if t.fits:
            assert t.point is not None and t.low <= t.point <= t.high, t.name


@pytest.mark.parametrize("name", [t.name for t in cal.load_targets()[1]])
def test_target_within_tolerance(results, name):
    r = results[name]
    if r.target.known_failure:
        # a documented failure must stay one (else update targets.yaml and VALIDATION.md)
        assert not r.passed, f"{name} now passes: drop its known_failure note"
        pytest.xfail(r.target.known_failure)
    assert r.passed, (f"{name}: {r.value:.4g} (seeds {r.per_seed}) outside "
                      f"[{r.target.low}, {r.target.high}]")


def test_the_check_can_fail(targets):
    """Without the fitted appeal (the model before calibration) the status quo drifts, and
    the check says so."""
    groups, ts = targets
    shares = [t for t in ts if t.name == "status_quo_shares"]
    before = cal.evaluate(shares, groups, cal.Runs(cal.Setting.declared(), SEEDS[:2]))[0]
    assert not before.passed and before.value > 0.1


def test_declarations_show_the_calibration():
    from model.calibration import parameter_values, supplier_appeal
    from model.parameters import CONSTANT_VALUES, PARAMETERS, UNCERTAINTIES
    from model.vendors import ARCHETYPES
    fitted = parameter_values()
    assert set(fitted) == set(cal.FITTED_NUMBERS)
    declared = {p.name: p for p in UNCERTAINTIES}
    for name, entry in fitted.items():
        value = PARAMETERS[name].default if name in PARAMETERS else CONSTANT_VALUES[name]
        assert value == entry["value"]
        if name in declared:
            assert declared[name].source.startswith("calibrated: targets ")
    assert {a.key: a.appeal for a in ARCHETYPES} == supplier_appeal()
