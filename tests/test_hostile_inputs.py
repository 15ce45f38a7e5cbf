"""Issue 11, items 5-7, 21-23, 27, 28: hostile and surprising scenario and experiment files.

Every case goes through the real loaders (and the real CLI where the issue names it): a
one-line message naming the file, the field path, the bad value and what is allowed, exit
code 2, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from experiments.cli import main
from experiments.design import ExperimentError, experiment_from_dict, load_experiment
from model.events import Event
from model.parameters import PARAMETERS
from model.scenario_file import MAX_PROBLEMS, ScenarioError, load_scenario, loads_scenario
from model.spec import ScenarioSpec, SpecError

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_CAP = 1500  # no message of a hostile file may be longer than this


def scenario_error(text: str | bytes, name: str = "hostile.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, name)
    err = info.value
    assert "\n" not in str(err) and len(str(err)) < MESSAGE_CAP, str(err)
    return err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def experiment_yaml(**fields) -> str:
    data = {"name": "hostile", "scenarios": ["baseline"], "replications": 2, "horizon": 4,
            "design": {"method": "full_factorial", "factors": {}}}
    data.update(fields)
    return yaml.safe_dump(data)


# ---------------------------------------------------------------------------- item 22
@pytest.mark.parametrize("field", ["contract_term", "restriction_duration",
                                   "migration_max_quarters"])
@pytest.mark.parametrize("value", [".inf", "-.inf", "1e400", "-1e400", ".nan"])
def test_infinite_values_in_integer_fields_are_refused(field, value):
    home = "uncertainties" if PARAMETERS[field].kind == "uncertainty" else "policies.all"
    text = f"{home.split('.')[0]}: " + ("{all: {%s: %s}}" if home == "policies.all"
                                         else "{%s: %s}") % (field, value)
    err = scenario_error(text)
    assert err.field == f"{home}.{field}"
    assert "whole number from" in err.allowed


@pytest.mark.parametrize("params", ["[]", "false", "0", "''", "[1, 2]"])
def test_event_params_of_the_wrong_type_are_refused(params):
    err = scenario_error(f"events: [{{step: 2, kind: regional_summit, params: {params}}}]")
    assert err.field == "events[0].params"
    assert err.problem == "expected a mapping"
    assert "trust_boost" in err.allowed


def test_event_integer_param_infinite():
    err = scenario_error("events: [{step: 2, kind: chip_shortage, params: {duration: .inf}}]")
    assert err.field == "events[0].params.duration" and "whole number" in err.problem


def test_double_byte_order_mark_is_refused():
    err = scenario_error(b"\xef\xbb\xbf\xef\xbb\xbfname: x\n")
    assert "byte-order mark" in err.problem
    # one BOM is ordinary UTF-8 practice and fine
    assert loads_scenario(b"\xef\xbb\xbfname: x\n").name == "x"


@pytest.mark.parametrize("text", [
    # a long key reached through aliases: the field path must not grow without bound
    "policies: {all: &a {" + "k" * 20000 + ": 1}}\nuncertainties: *a\n",
    "events: &e [" + ", ".join(["{step: 1, kind: " + "x" * 3000 + "}"] * 5) + "]\n",
    "a: &a [" + ",".join(["v" * 2000] * 10) + "]\nb: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n",
    "name: &n " + "n" * 50000 + "\ndescription: *n\n",
])
def test_messages_of_alias_bombs_and_huge_values_are_bounded(text):
    err = scenario_error(text)
    assert all(len(str(p)) < MESSAGE_CAP for p in err.problems)


def _chain(tmp_path: Path, parents: int) -> Path:
    """file c{parents} extends c{parents-1} ... extends c0 (no extends)."""
    write(tmp_path, "c0.yaml", "name: c0\nhorizon: 12\n")
    for i in range(1, parents + 1):
        write(tmp_path, f"c{i}.yaml", f"name: c{i}\nextends: ./c{i - 1}.yaml\n")
    return tmp_path / f"c{parents}.yaml"


def test_a_chain_of_eight_extends_is_allowed_and_nine_is_refused_naming_the_chain(tmp_path):
    assert load_scenario(_chain(tmp_path, 8)).horizon == 12  # the docs allow 8
    with pytest.raises(ScenarioError) as info:
        load_scenario(_chain(tmp_path, 9))
    err = info.value
    assert err.field == "extends" and "too long (9 parents)" in err.problem
    assert "c9.yaml -> c8.yaml" in str(err) and "c0.yaml" in str(err)


@pytest.mark.parametrize("target,words", [
    ("./folder", "a directory"), ("/dev/zero", "not a regular file"),
    ("./missing.yaml", "not found")])
def test_a_bad_parent_is_reported_in_the_file_that_extends_it(tmp_path, target, words):
    (tmp_path / "folder").mkdir()
    write(tmp_path, "mid.yaml", f"name: mid\nextends: {target}\n")
    top = write(tmp_path, "top.yaml", "name: top\nextends: ./mid.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    err = info.value
    assert err.file.endswith("mid.yaml") and err.field == "extends" and words in err.problem


def test_a_problem_deep_in_an_extends_chain_names_its_own_file(tmp_path):
    top = _chain(tmp_path, 5)
    write(tmp_path, "c2.yaml", "name: c2\nextends: ./c1.yaml\nhorizon: 1e400\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    assert info.value.file.endswith("c2.yaml") and info.value.field == "horizon"


# ---------------------------------------------------------------------------- item 28
@pytest.mark.parametrize("text,field", [
    ("horizon: 1:00", "horizon"),
    ("seed: 1:30:00", "seed"),
    ("policies: {all: {ours_premium: 0:30.5}}", "policies.all.ours_premium"),
    ("events: [{step: '1:00', kind: regional_summit}]", "events[0].step"),
    ("events: [{step: 1:00, kind: regional_summit}]", "events[0].step"),
])
def test_sexagesimal_numbers_are_not_numbers(text, field):
    err = scenario_error(text)
    assert err.field == field and "expected a" in err.problem
    assert ":" in str(err.value)


def test_sexagesimal_in_an_experiment_file(tmp_path):
    path = write(tmp_path, "exp.yaml", experiment_yaml().replace("horizon: 4", "horizon: 1:00"))
    with pytest.raises(ExperimentError, match=r"exp\.yaml: horizon: .*'1:00'"):
        load_experiment(path)


# ---------------------------------------------------------------------------- items 21, 27
@pytest.mark.parametrize("name,words", [
    ('"\\uD800x"', "lone surrogate"),
    ('"\\e[31mred\\e[0m"', "U+001B"),
    ('"\\e]0;title\\a"', "U+001B"),
    ('"a\\0b"', "U+0000"),
    ('"two\\nlines"', "U+000A"),
    ("x" * 201, "too long"),
    ("''", "empty name"),
])
def test_names_are_checked_once_where_they_enter(name, words, capsys):
    err = scenario_error(f"name: {name}\n")
    assert err.field == "name" and words in err.problem
    shown = str(err)
    assert "\x1b" not in shown and "\x00" not in shown
    shown.encode("utf-8")  # printable back
    with pytest.raises(SpecError, match=words.replace("+", r"\+")):
        ScenarioSpec(name=yaml.safe_load(f"v: {name}")["v"])  # the Python API too


def test_descriptions_may_have_newlines_but_no_escapes():
    assert loads_scenario('description: "line one\\nline two"\n').description.count("\n") == 1
    err = scenario_error('description: "bad \\e[2J"\n')
    assert err.field == "description" and "U+001B" in err.problem


def test_hostile_names_through_the_cli_are_never_printed_raw(tmp_path, capsys):
    path = write(tmp_path, "ansi.yaml", 'name: "\\e]0;pwned\\a\\e[2J"\n')
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err + captured.out and "\x07" not in captured.err


@pytest.mark.parametrize("label,words", [
    ("x" * 201, "too long"), ("a\x00b", "U+0000"), ("\x1b[1mX", "U+001B"),
    ("\ud800", "lone surrogate"), ("two\nlines", "U+000A")])
def test_experiment_and_scenario_labels_that_would_break_the_database(label, words):
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict({"name": "e", "scenarios": [{"name": label, "file": "baseline"}]},
                             source="exp.yaml")
    assert "scenarios[0].name" in str(info.value) and words in str(info.value)
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict({"name": label, "scenarios": ["baseline"]}, source="exp.yaml")
    assert ": name: " in str(info.value) and words in str(info.value)
    assert "\x1b" not in str(info.value) and "\x00" not in str(info.value)


# ---------------------------------------------------------------------------- item 7
def test_numpy_scalars_are_accepted_wherever_values_enter():
    spec = ScenarioSpec(horizon=np.int64(12), seed=np.uint32(5),
                        policies={"contract_term": np.int64(6), "national_model": np.bool_(True),
                                  "ours_premium": np.float64(0.1)},
                        regional_body={"pooled_evaluation": np.bool_(True)},
                        events=(Event(step=np.int64(3), kind="chip_shortage",
                                      params={"duration": np.int32(2),
                                              "factor": np.float32(1.5)}),))
    assert spec.horizon == 12 and type(spec.horizon) is int and type(spec.seed) is int
    assert spec.value("contract_term") == 6 and spec.value("national_model") is True
    assert spec.with_values(restriction_rate=np.float64(0.01),
                            member=np.bool_(False)).value("member") is False
    for name, value in [("contract_term", np.int64(6)), ("member", np.bool_(True)),
                        ("ours_premium", np.float32(0.25))]:
        assert PARAMETERS[name].check(value) == value.item()
    exp = experiment_from_dict({"name": "np", "scenarios": ["baseline"],
                                "replications": np.int64(2), "horizon": np.int64(4),
                                "seed": np.uint64(7),
                                "design": {"method": "full_factorial",
                                           "factors": {"contract_term": {
                                               "values": [np.int64(4), np.int64(8)]},
                                               "member": {"values": [np.bool_(True)]}}}})
    assert exp.n_runs == 4 and exp.replications == 2


def test_numpy_scalars_as_mesa_keywords_and_in_batch_run():
    """What a sampler hands Mesa: numpy values as SovereigntyModel keywords and through
    mesa.batch_run, the same runs as plain Python values."""
    import mesa

    from model import SovereigntyModel
    plain = SovereigntyModel(rng=3, horizon=4, collect=False, contract_term=6,
                             national_model=True, restriction_rate=0.01)
    typed = SovereigntyModel(rng=np.int64(3), horizon=np.int64(4), collect=False,
                             contract_term=np.int64(6), national_model=np.bool_(True),
                             restriction_rate=np.float64(0.01))
    plain.run()
    typed.run()
    assert typed.seed == 3 and type(typed.seed) is int
    np.testing.assert_array_equal(typed.state_metrics, plain.state_metrics)
    rows = mesa.batch_run(SovereigntyModel, {"horizon": [np.int64(2)],
                                             "contract_term": [np.int64(4), np.int64(8)],
                                             "pooled_evaluation": [np.bool_(True)]},
                          rng=[np.int64(1)], number_processes=1, data_collection_period=-1,
                          display_progress=False)
    assert len({r["RunId"] for r in rows}) == 2  # (rows are per agent too)
    assert sorted({int(r["contract_term"]) for r in rows}) == [4, 8]


# ---------------------------------------------------------------------------- item 23
@pytest.mark.parametrize("change,path,words", [
    ({"design": {"factors": {"contract_term": {"low": float("inf")}}}},
     "design.factors.contract_term.low", "finite"),
    ({"design": {"factors": {"contract_term": {"high": float("-inf")}}}},
     "design.factors.contract_term.high", "finite"),
    ({"design": {"method": "latin_hypercube", "samples": float("inf"),
                 "factors": {"restriction_rate": {}}}}, "design.samples", "whole number"),
    ({"seed": float("inf")}, "seed", "whole number"),
    ({"keep": {"outcomes": [{"a": 1}]}}, "keep.outcomes[0]", "expected an outcome name"),
    ({"keep": {"outcomes": [["control_index"]]}}, "keep.outcomes[0]", "outcome name"),
    ({"analysis": {"outcomes": [{"x": 1}]}}, "analysis.outcomes[0]", "outcome name"),
    ({"keep": {"level": {"a": 1}}}, "keep.level", "unknown level"),
    ({"design": {"method": ["sobol"]}}, "design.method", "unknown method"),
    ({"scenarios": [{"file": {"a": 1}}]}, "scenarios[0]", "expected a shipped scenario"),
])
def test_hostile_experiment_values_give_one_line_errors(change, path, words):
    data = yaml.safe_load(experiment_yaml())
    data.update(change)
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict(data, source="exp.yaml")
    text = str(info.value)
    assert f"exp.yaml: {path}: " in text and words in text, text
    assert len(text) < MESSAGE_CAP


def test_a_five_thousand_digit_seed(tmp_path):
    path = write(tmp_path, "exp.yaml", experiment_yaml(seed=1).replace("seed: 1",
                                                                      "seed: " + "9" * 5000))
    with pytest.raises(ExperimentError, match=r"exp\.yaml: \(file\): number too long"):
        load_experiment(path)


@pytest.mark.parametrize("make,words", [
    (lambda: experiment_yaml() + "replications: 50\n", "duplicate key"),
    (lambda: "name: x\n" + "a: " + "[" * 20000 + "]" * 20000 + "\n", "nesting too deep"),
    (lambda: experiment_yaml() + "junk: [" + ", ".join(["1"] * 3_000_000) + "]\n",
     "file too large"),
    (lambda: experiment_yaml() + "# " + "x" * 100_000_000 + "\n", "file too large"),
    (lambda: "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
             "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
             "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
     "alias"),
    (lambda: "\ufeff\ufeffname: x\n", "byte-order mark"),
    (lambda: "name: !!python/object/apply:os.system ['true']\n", "tag not allowed"),
])
def test_experiment_files_go_through_the_bounded_loader(tmp_path, make, words):
    path = write(tmp_path, "exp.yaml", make())
    start = time.monotonic()
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert time.monotonic() - start < 10
    assert words in str(info.value) and str(info.value).startswith(f"{path}: ")
    assert len(str(info.value)) < MESSAGE_CAP


def test_experiment_duplicate_keys_are_refused_not_last_wins(tmp_path):
    path = write(tmp_path, "exp.yaml", experiment_yaml() + "replications: 50\n")
    with pytest.raises(ExperimentError, match=r"replications: duplicate key \(first at line"):
        load_experiment(path)


# ---------------------------------------------------------------------------- items 5, 6
def test_validate_accepts_experiment_files(capsys):
    rc = main(["validate", str(ROOT / "experiments" / "possession_vs_coordination.yaml")])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert out.startswith("ok  ") and "experiment possession_vs_coordination" in out
    assert "3 scenarios" in out and "3,360 runs" in out


def test_validate_reports_every_independent_problem_of_a_scenario(tmp_path, capsys):
    path = write(tmp_path, "many.yaml", "\n".join([
        "name: many", "horizon: 0", "seed: -1", "colour: red",
        "policies: {all: {ours_premium: 9, contract_term: 0.5}, XYZ: {member: true}}",
        "regional_body: {pooled_evaluation: maybe}",
        "uncertainties: {restriction_rate: 2}", ""]))
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "1 of 1 file(s) invalid"
    problems = lines[:-1]
    assert all(line.startswith(f"sovsim: error: {path}: ") for line in problems)
    fields = [line.split(": ")[3] for line in problems]
    # colour is refused at the top level before anything else; the rest once it is gone
    assert fields == ["colour"]
    path.write_text(path.read_text().replace("colour: red\n", ""))
    assert main(["validate", str(path)]) == 2
    problems = capsys.readouterr().err.splitlines()[:-1]
    fields = [line.split(": ")[3] for line in problems]
    assert fields == ["horizon", "seed", "policies.all.ours_premium",
                      "policies.all.contract_term", "policies.XYZ",
                      "regional_body.pooled_evaluation", "uncertainties.restriction_rate"]


def test_validate_reports_every_problem_of_an_experiment(tmp_path, capsys):
    path = write(tmp_path, "exp.yaml", "\n".join([
        "name: bad", "scenarios: [baseline, posession]", "replications: 0", "horizon: 1:00",
        "design: {method: sobol, samples: 3, factors: {restriction_rate: {}, nope: {}}}",
        "keep: {level: all}", ""]))
    assert main(["validate", str(path)]) == 2
    problems = capsys.readouterr().err.splitlines()[:-1]
    fields = [line.split(": ")[3] for line in problems]
    assert fields == ["horizon", "replications", "scenarios[1]", "design.samples",
                      "keep.level"], problems


def test_problems_per_file_are_bounded(tmp_path, capsys):
    levers = ", ".join(f"{p.name}: 1e9" for p in PARAMETERS.values()
                       if p.kind == "lever" and p.scope == "state" and p.type != "bool")
    unc = ", ".join(f"{p.name}: -1e9" for p in PARAMETERS.values() if p.kind == "uncertainty")
    path = write(tmp_path, "lots.yaml", f"policies: {{all: {{{levers}}}}}\n"
                                        f"uncertainties: {{{unc}}}\n")
    assert main(["validate", str(path)]) == 2
    problems = capsys.readouterr().err.splitlines()[:-1]
    assert len(problems) == MAX_PROBLEMS


def test_hostile_files_through_the_real_cli_exit_2_without_traceback(tmp_path):
    files = [
        write(tmp_path, "inf.yaml", "policies: {all: {contract_term: .inf}}\n"),
        write(tmp_path, "params.yaml", "events: [{step: 1, kind: regional_summit, params: []}]\n"),
        write(tmp_path, "sexa.yaml", "horizon: 1:00\n"),
        write(tmp_path, "surrogate.yaml", 'name: "\\uD800x"\n'),
        write(tmp_path, "exp.yaml", experiment_yaml() + "replications: 50\n"),
        write(tmp_path, "exp2.yaml", experiment_yaml(keep={"outcomes": [{"a": 1}]})),
    ]
    proc = subprocess.run([sys.executable, "-m", "experiments.cli", "validate",
                           *map(str, files)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1] == f"{len(files)} of {len(files)} file(s) invalid"
    for path in files:
        assert f"sovsim: error: {path}: " in proc.stderr
