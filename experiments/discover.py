"""Scenario discovery: where each hypothesis holds and where it fails (``sovsim discover``).

A *hypothesis file* (``experiments/hypotheses/*.yaml``) states one claim of DESIGN.md §9 as
a predicate over paired outcomes per state::

    name: H6
    claim: Evaluation capacity reduces incidents (by at least 5%)
    scenarios:                       # label -> shipped name, scenario file or inline scenario
      baseline: baseline
      evaluation: {extends: baseline, policies: {all: {own_evaluation_share: 0.15}}}
    states: all                      # all | small | large | a list of ISO3 codes
    applies: sum(baseline.incidents) > 0            # optional: where the claim is judged
    predicate: sum(evaluation.incidents) < 0.95 * sum(baseline.incidents)
    design: {method: latin_hypercube, samples: 128} # factors: every uncertainty (default)
    replications: 2
    default_replications: 10         # runs at the default calibration (the verdict)

Expressions: ``label.outcome`` is the state's final value (mean over replications, which
share seeds across scenarios: paired); ``sum(label.outcome)`` and ``mean(label.outcome)``
run over the quarters; numbers, ``+ - * /``, ``abs()``, comparisons, ``and``, ``or``,
``not``; bare names refer to ``define:`` entries. Each (design point, state) pair holds or
fails; PRIM (EMA Workbench) and a CART tree (scikit-learn) then describe the region of the
uncertainty space where it holds and where it fails, in plain language with coverage
(share of all holding cases inside the box) and density (share of cases in the box that
hold).

Every model run goes through :func:`experiments.runner.run_sweep` (stored, resumable).
"""

from __future__ import annotations

import ast
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.parameters import OUTCOMES, PARAMETERS, STATE_OUTCOMES
from model.region import asean_states

from .design import Design, Experiment, ExperimentError, _design, _Errors, _short

TOP_KEYS = ("name", "claim", "description", "scenarios", "states", "define", "applies",
            "predicate", "design", "replications", "default_replications", "seed", "horizon")
STATE_OUTCOME_NAMES = tuple(o.name for o in STATE_OUTCOMES)
FUNCTIONS = ("sum", "mean", "final", "abs")
#: The five smallest economies of the default region (GDP, World Bank 2023); the rest are
#: the large group.
SMALL_STATES: tuple[str, ...] = tuple(
    s.iso3 for s in sorted(asean_states(), key=lambda s: s.gdp_usd)[:5])
LARGE_STATES: tuple[str, ...] = tuple(s.iso3 for s in asean_states()
                                      if s.iso3 not in SMALL_STATES)
GROUPS: dict[str, tuple[str, ...]] = {"small": SMALL_STATES, "large": LARGE_STATES}
HYPOTHESES_DIR = Path(__file__).parent / "hypotheses"


class HypothesisError(ExperimentError):
    """An invalid hypothesis file (file, field, bad value, what is allowed)."""


# ---------------------------------------------------------------------------- expressions
@dataclass(frozen=True)
class Expr:
    """A checked predicate expression: its text, parse tree and the terms it reads."""

    text: str
    tree: ast.Expression
    terms: frozenset[tuple[str, str, str]]  # (aggregate, scenario label, outcome)
    names: frozenset[str]


def parse_expr(text: Any, labels: Sequence[str], defined: Sequence[str], source: str,
               path: str) -> Expr:
    """Parse and check one expression; :class:`HypothesisError` names what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise HypothesisError(source, path, f"expected an expression such as "
                              f"'a.cumulative_cost < b.cumulative_cost', got {_short(text)}")
    if len(text) > 2000:
        raise HypothesisError(source, path, "expression longer than 2000 characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise HypothesisError(source, path, f"not a valid expression ({exc.msg}) in "
                              f"{_short(text)}") from None
    terms: set[tuple[str, str, str]] = set()
    names: set[str] = set()
    allowed_ops = (ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult,
                   ast.Div, ast.Lt, ast.LtE, ast.Gt, ast.GtE)

    def term(node: ast.AST, agg: str) -> None:
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            raise HypothesisError(source, path, f"{agg}() takes one scenario.outcome term, got "
                                  f"{_short(ast.unparse(node))}")
        label, outcome = node.value.id, node.attr
        if label not in labels:
            raise HypothesisError(source, path, f"unknown scenario {label!r} in "
                                  f"{_short(text)}; allowed: {', '.join(labels)}")
        if outcome not in STATE_OUTCOME_NAMES:
            from model.parameters import suggest
            raise HypothesisError(source, path, f"unknown state outcome {outcome!r}"
                                  f"{suggest(outcome, STATE_OUTCOME_NAMES)}; allowed: "
                                  f"{', '.join(STATE_OUTCOME_NAMES)}")
        terms.add((agg, label, outcome))

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.Expression):
            walk(node.body)
        elif isinstance(node, ast.BoolOp | ast.BinOp | ast.UnaryOp | ast.Compare):
            op_nodes = ([node.op] if not isinstance(node, ast.Compare) else list(node.ops))
            for op in op_nodes:
                if not isinstance(op, allowed_ops):
                    raise HypothesisError(source, path, f"operator {type(op).__name__} is not "
                                          "allowed; allowed: + - * / < <= > >= and or not")
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, ast.operator | ast.boolop | ast.unaryop | ast.cmpop):
                    walk(child)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise HypothesisError(source, path, f"only numbers are allowed as constants, "
                                      f"got {node.value!r}")
        elif isinstance(node, ast.Attribute):
            term(node, "final")
        elif isinstance(node, ast.Call):
            fn = node.func.id if isinstance(node.func, ast.Name) else None
            if fn not in FUNCTIONS or len(node.args) != 1 or node.keywords:
                raise HypothesisError(source, path, f"unknown call {_short(ast.unparse(node))};"
                                      f" allowed: {', '.join(f + '(x)' for f in FUNCTIONS)}")
            if fn == "abs":
                walk(node.args[0])
            else:
                term(node.args[0], fn)
        elif isinstance(node, ast.Name):
            if node.id not in defined:
                raise HypothesisError(source, path, f"unknown name {node.id!r}; a term is "
                                      "scenario.outcome, a bare name must be one of define: "
                                      f"{', '.join(defined) or '(none defined)'}")
            names.add(node.id)
        else:
            raise HypothesisError(source, path, f"{type(node).__name__} is not allowed in a "
                                  f"predicate ({_short(text)})")

    walk(tree)
    return Expr(text.strip(), tree, frozenset(terms), frozenset(names))


def evaluate(expr: Expr, values: Mapping[tuple[str, str, str], np.ndarray],
             defined: Mapping[str, Any]) -> np.ndarray:
    """The expression's value on aligned arrays (one element per (point, state) row)."""
    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return defined[node.id]
        if isinstance(node, ast.Attribute):
            return values[("final", node.value.id, node.attr)]
        if isinstance(node, ast.Call):
            if node.func.id == "abs":
                return np.abs(ev(node.args[0]))
            arg = node.args[0]
            return values[(node.func.id, arg.value.id, arg.attr)]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return np.logical_not(v) if isinstance(node.op, ast.Not) else \
                (-v if isinstance(node.op, ast.USub) else v)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            with np.errstate(divide="ignore", invalid="ignore"):
                return {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                        ast.Div: np.divide}[type(node.op)](a, b)
        if isinstance(node, ast.BoolOp):
            parts = [np.asarray(ev(v), bool) for v in node.values]
            f = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            out = parts[0]
            for p in parts[1:]:
                out = f(out, p)
            return out
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            out = None
            for op, right_node in zip(node.ops, node.comparators):
                right = ev(right_node)
                cmp = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
                       ast.GtE: np.greater_equal}[type(op)](left, right)
                out = cmp if out is None else np.logical_and(out, cmp)
                left = right
            return out
        raise TypeError(type(node).__name__)  # parse_expr refused it already

    return ev(expr.tree)


# ---------------------------------------------------------------------------- the file
@dataclass(frozen=True)
class Hypothesis:
    """A validated hypothesis file: the claim, its experiments and its predicate."""

    name: str
    claim: str
    experiment: Experiment  # the sweep over the uncertainties
    default: Experiment  # the default calibration, with more replications
    states: tuple[str, ...]
    predicate: Expr
    applies: Expr | None = None
    define: tuple[tuple[str, Expr], ...] = ()
    source: str = "<dict>"
    description: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.experiment.scenarios)

    def terms(self) -> frozenset[tuple[str, str, str]]:
        out = set(self.predicate.terms)
        if self.applies is not None:
            out |= self.applies.terms
        for _, e in self.define:
            out |= e.terms
        return frozenset(out)


def load_hypothesis(source: str | Path) -> Hypothesis:
    """Read and validate a hypothesis file (:class:`HypothesisError` if it is bad)."""
    from model.scenario_file import ScenarioError, parse_yaml, read_yaml

    path = Path(source)
    src = str(source)
    if not path.is_file():
        raise HypothesisError(src, "", "no such hypothesis file")
    try:
        data = parse_yaml(read_yaml(path, src, what="hypothesis"), src, what="hypothesis",
                          top_keys=TOP_KEYS)
    except ScenarioError as exc:
        raise HypothesisError(src, exc.field, exc.detail) from None
    return hypothesis_from_dict(data, source=src, base_dir=path.parent)


def hypothesis_from_dict(data: Any, *, source: str = "<dict>",
                         base_dir: Path | None = None) -> Hypothesis:
    src = source
    if not isinstance(data, Mapping):
        raise HypothesisError(src, "", f"expected a mapping of hypothesis fields, got "
                              f"{_short(data)}")
    for key in data:
        if key not in TOP_KEYS:
            from model.parameters import suggest
            raise HypothesisError(src, str(key), f"unknown field{suggest(str(key), TOP_KEYS)};"
                                  f" allowed: {', '.join(TOP_KEYS)}")
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str) or not name.isidentifier() or len(name) > 40:
        raise HypothesisError(src, "name", f"expected a short identifier (letters, digits, _), "
                              f"got {_short(name)}")
    claim = data.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise HypothesisError(src, "claim", f"expected the claim in plain words, got "
                              f"{_short(claim)}")
    scenarios = _scenarios(data.get("scenarios"), src, base_dir)
    labels = [label for label, _ in scenarios]
    states = _states(data.get("states", "all"), src)
    defines: list[tuple[str, Expr]] = []
    raw_define = data.get("define", {}) or {}
    if not isinstance(raw_define, Mapping):
        raise HypothesisError(src, "define", f"expected a mapping of name: expression, got "
                              f"{_short(raw_define)}")
    for key, text in raw_define.items():
        if not isinstance(key, str) or not key.isidentifier() or key in labels:
            raise HypothesisError(src, f"define.{key}", "expected an identifier that is not a "
                                  "scenario label")
        defines.append((key, parse_expr(text, labels, [k for k, _ in defines], src,
                                        f"define.{key}")))
    defined = [k for k, _ in defines]
    if "predicate" not in data:
        raise HypothesisError(src, "predicate", "missing; expected an expression over paired "
                              "outcomes, e.g. 'a.cumulative_cost < b.cumulative_cost'")
    predicate = parse_expr(data["predicate"], labels, defined, src, "predicate")
    applies = parse_expr(data["applies"], labels, defined, src, "applies") \
        if data.get("applies") is not None else None
    err = _Errors(src)
    seed = _whole(data, "seed", 0, 0, 2**63 - 1, src)
    raw_design = data.get("design", {}) or {}
    if not isinstance(raw_design, Mapping):
        raise HypothesisError(src, "design", f"expected a mapping, got {_short(raw_design)}")
    raw_design = {"method": "latin_hypercube", "samples": 128, "factors": "uncertainties",
                  **raw_design}
    try:
        design = _design(err, raw_design, seed)
    except ExperimentError as exc:
        raise HypothesisError(src, exc.path, exc.message) from None
    if design.method not in ("latin_hypercube", "full_factorial"):
        raise HypothesisError(src, "design.method", f"discovery needs space-filling points; "
                              f"got {design.method}; allowed: latin_hypercube, full_factorial")
    reps = _whole(data, "replications", 2, 1, 1000, src)
    default_reps = _whole(data, "default_replications", 10, 1, 10_000, src)
    horizon = _whole(data, "horizon", 40, 1, 400, src)
    hyp_terms = set(predicate.terms) | (set(applies.terms) if applies else set())
    for _, e in defines:
        hyp_terms |= e.terms
    used = sorted({o for _, _, o in hyp_terms})
    keep = "per_step_state" if any(a in ("sum", "mean") for a, _, _ in hyp_terms) else "final"
    used_labels = {label for _, label, _ in hyp_terms}
    unused = [label for label in labels if label not in used_labels]
    if unused:
        raise HypothesisError(src, "scenarios", f"scenario {unused[0]!r} is not used by the "
                              "predicate, applies or define; remove it or use it")
    common = dict(scenarios=tuple(scenarios), seed=seed, horizon=horizon, keep=keep,
                  outcomes=tuple(used), analysis_outcomes=tuple(used),
                  description=str(data.get("description", "") or ""), source=src)
    try:
        experiment = Experiment(name=f"hypothesis_{name}", design=design, replications=reps,
                                **common)
        default = Experiment(name=f"hypothesis_{name}_default", design=Design(),
                             replications=default_reps, **common)
    except ExperimentError as exc:
        raise HypothesisError(src, exc.path, exc.message) from None
    return Hypothesis(name, " ".join(claim.split()), experiment, default, states, predicate,
                      applies, tuple(defines), src, common["description"])


def _whole(data: Mapping, key: str, default: int, low: int, high: int, src: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise HypothesisError(src, key, f"expected a whole number from {low} to {high}, got "
                              f"{_short(value)}")
    return value


def _states(raw: Any, src: str) -> tuple[str, ...]:
    codes = tuple(s.iso3 for s in asean_states())
    if raw == "all":
        return codes
    if isinstance(raw, str) and raw in GROUPS:
        return GROUPS[raw]
    if isinstance(raw, list) and raw and all(isinstance(c, str) and c in codes for c in raw):
        return tuple(dict.fromkeys(raw))
    raise HypothesisError(src, "states", f"expected all, small, large or a list of ISO3 codes "
                          f"({', '.join(codes)}), got {_short(raw)}")


def _scenarios(raw: Any, src: str, base_dir: Path | None) -> list[tuple[str, Any]]:
    import yaml

    from model.scenario_file import ScenarioError, load_scenario, loads_scenario

    from .design import scenario_path

    if not isinstance(raw, Mapping) or len(raw) < 1:
        raise HypothesisError(src, "scenarios", "expected a mapping of label: scenario (a "
                              f"shipped name, a file or an inline scenario), got {_short(raw)}")
    out = []
    for label, entry in raw.items():
        path = f"scenarios.{label}"
        if not isinstance(label, str) or not label.isidentifier() or label in FUNCTIONS:
            raise HypothesisError(src, path, "a scenario label must be an identifier "
                                  "(letters, digits, _) and not a function name")
        try:
            if isinstance(entry, str):
                spec = load_scenario(scenario_path(entry, base_dir))
            elif isinstance(entry, Mapping):
                spec = loads_scenario(yaml.safe_dump({"name": label, **entry}),
                                      filename=f"{src}:{path}")
            else:
                raise HypothesisError(src, path, f"expected a shipped scenario name, a file or "
                                      f"an inline scenario mapping, got {_short(entry)}")
        except (ScenarioError, ValueError, OSError) as exc:
            if isinstance(exc, HypothesisError):
                raise
            raise HypothesisError(src, path, str(exc)) from None
        out.append((label, spec))
    return out


def hypothesis_files(folder: Path = HYPOTHESES_DIR) -> list[Path]:
    """The shipped hypothesis files, in atlas order (H1..H6, then the headline)."""
    files = sorted(folder.glob("*.yaml"))
    return sorted(files, key=lambda p: (p.stem == "headline", p.stem))


# ---------------------------------------------------------------------------- running
def ensure_runs(hyp: Hypothesis, db: str | None, *, workers: int | None = None,
                progress: bool = True, run: bool = True) -> dict[str, float]:
    """Run (or resume) the hypothesis's sweep and its default-calibration runs; return the
    wall seconds each took in this call (0 when all runs were stored already)."""
    from .runner import run_sweep
    from .storage import Storage, StorageError

    seconds = {}
    for exp in (hyp.default, hyp.experiment):
        if not run:
            try:
                with Storage(db, create=False) as storage:
                    row = storage.experiment(exp.name)
                    done = sum(c["done"] for c in storage.counts(row["id"]).values())
            except StorageError as exc:
                raise StorageError(f"{exc}; run `sovsim discover {hyp.source}` first") from None
            if row["digest"] != exp.digest():
                raise StorageError(f"experiment {exp.name} in the database was run with a "
                                   f"different definition than {hyp.source}; rerun discover")
            if done < exp.n_runs:
                raise StorageError(f"{exp.name}: {done} of {exp.n_runs} runs stored; run "
                                   f"`sovsim discover {hyp.source}` to finish them")
            seconds[exp.name] = 0.0
            continue
        t0 = time.perf_counter()
        run_sweep(exp, db, workers=workers, progress=progress)
        seconds[exp.name] = time.perf_counter() - t0
    return seconds


def stored_wall_seconds(db: str | None, name: str) -> tuple[int, float]:
    """(runs, wall seconds from the first run's start to the last run's end) of a stored
    experiment."""
    from sqlalchemy import func, select

    from .storage import Storage

    with Storage(db, create=False) as storage:
        exp = storage.experiment(name)
        r = storage.runs.c
        with storage.engine.connect() as conn:
            n, lo, hi = conn.execute(select(func.count(), func.min(r.started_at),
                                            func.max(r.finished_at))
                                     .where(r.experiment_id == exp["id"],
                                            r.status == "done")).one()
    return int(n), ((hi - lo).total_seconds() if lo is not None and hi is not None else 0.0)


def term_values(hyp: Hypothesis, db: str | None, experiment: Experiment
                ) -> tuple[pd.DataFrame, dict[tuple[str, str, str], np.ndarray]]:
    """One row per (point, state) of the hypothesis's states (index frame, with the design's
    factors), and each term as an array aligned to those rows (mean over replications)."""
    from .analysis import load_results

    frame = load_results(db, experiment.name)
    if frame.empty:
        raise ValueError(f"experiment {experiment.name} has no finished runs")
    frame = frame[frame["iso3"].isin(hyp.states)]
    frame = frame.assign(scenario=frame["scenario"].astype(str))
    last = frame["step"] == frame.groupby("run_id")["step"].transform("max")
    keys = ["scenario", "point", "replication", "iso3"]
    per_run: dict[str, pd.DataFrame] = {}
    outcomes = sorted({o for _, _, o in hyp.terms()})
    per_run["final"] = frame[last].set_index(keys)[outcomes]
    if any(a in ("sum", "mean") for a, _, _ in hyp.terms()):
        g = frame.groupby(keys, observed=True)[outcomes]
        per_run["sum"], per_run["mean"] = g.sum(), g.mean()
    # the rows: (point, state) pairs present in every scenario
    rows = None
    for label in hyp.labels:
        idx = per_run["final"].xs(label, level="scenario").reset_index()[["point", "iso3"]]
        idx = pd.MultiIndex.from_frame(idx.drop_duplicates())
        rows = idx if rows is None else rows.intersection(idx)
    rows = rows.sort_values()
    values = {}
    for agg, label, outcome in hyp.terms():
        s = per_run[agg].xs(label, level="scenario")[outcome]
        values[(agg, label, outcome)] = (s.groupby(["point", "iso3"]).mean()
                                         .reindex(rows).to_numpy(float))
    index = rows.to_frame(index=False)
    names = [f.name for f in experiment.design.factors]
    if names:
        params = frame.groupby("point")[names].first()
        index = index.join(params, on="point")
    return index, values


def verdicts(hyp: Hypothesis, db: str | None, experiment: Experiment | None = None
             ) -> pd.DataFrame:
    """One row per (point, state): the factors, ``applies`` and ``holds``."""
    experiment = experiment or hyp.experiment
    index, values = term_values(hyp, db, experiment)
    defined: dict[str, Any] = {}
    for key, e in hyp.define:
        defined[key] = evaluate(e, values, defined)
    holds = np.asarray(evaluate(hyp.predicate, values, defined), bool)
    if holds.ndim == 0:
        holds = np.full(len(index), bool(holds))
    applies = np.ones(len(index), bool) if hyp.applies is None else \
        np.asarray(evaluate(hyp.applies, values, defined), bool)
    out = index.assign(applies=applies, holds=holds & applies)
    out["group"] = np.where(out["iso3"].isin(SMALL_STATES), "small", "large")
    return out


# ---------------------------------------------------------------------------- discovery
@dataclass
class Finding:
    """A box (PRIM) or a leaf (CART) where the claim holds (or fails)."""

    method: str  # "PRIM" or "CART"
    kind: str  # "holds" or "fails"
    group: str  # "all", "small", "large"
    limits: list[tuple[str, float | None, float | None]]  # (factor, low, high); None: open
    coverage: float
    density: float
    base_rate: float
    cases: int

    def text(self, claim_short: str) -> str:
        who = {"all": "", "small": " for small states", "large": " for large states"}
        cond = describe_limits(self.limits)
        if not cond:
            return (f"{claim_short} {self.kind}{who[self.group]} across the declared ranges "
                    f"(in {self.density:.0%} of {self.cases} cases; no smaller box is denser)")
        stats = (f"coverage {self.coverage:.2f}, density {self.density:.2f}; {self.method}, "
                 f"{self.cases} cases, base rate {self.base_rate:.2f}")
        if self.density < 0.5:  # a box where the claim still mostly does the opposite
            return (f"{claim_short} {self.kind}{who[self.group]} in no simple region: the "
                    f"best box, {cond}, raises its rate only from {self.base_rate:.0%} to "
                    f"{self.density:.0%} ({stats})")
        return f"{claim_short} {self.kind}{who[self.group]} when {cond} ({stats})"

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "kind": self.kind, "group": self.group,
                "limits": [{"factor": f, "low": lo, "high": hi} for f, lo, hi in self.limits],
                "coverage": self.coverage, "density": self.density,
                "base_rate": self.base_rate, "cases": self.cases}


def _num(value: float, unit: str) -> str:
    text = f"{value:.3g}"
    if unit.startswith("USD m"):
        return f"US${text} m{unit[len('USD m'):]}"
    if unit.startswith("USD bn"):
        return f"US${text} bn"
    if unit in ("quarters", "years of spend", "years of service spend", "years of AI budget"):
        return f"{text} {unit}"
    return text


#: Labels of the state descriptors discovery adds to the uncertainties.
STATE_FEATURES = {"state_gdp_usd_bn": ("the state's GDP", "USD bn")}


def describe_limits(limits: Sequence[tuple[str, float | None, float | None]]) -> str:
    """'local-language need > 0.8 and national model build cost < US$40 m'."""
    parts = []
    for name, lo, hi in limits:
        p = PARAMETERS.get(name)
        if p is not None:
            label, unit = p.label[0].lower() + p.label[1:], p.unit
        else:
            label, unit = STATE_FEATURES.get(name, (name.replace("_", " "), ""))
        if lo is not None and hi is not None:
            parts.append(f"{label} is between {_num(lo, '')} and {_num(hi, unit)}")
        elif lo is not None:
            parts.append(f"{label} > {_num(lo, unit)}")
        elif hi is not None:
            parts.append(f"{label} < {_num(hi, unit)}")
    return " and ".join(parts)


def prim_box(x: pd.DataFrame, y: np.ndarray, *, min_density: float = 0.8,
             max_dims: int = 3) -> tuple[list[tuple[str, float | None, float | None]],
                                         float, float] | None:
    """PRIM (EMA Workbench) on ``x`` for the cases ``y``: of the boxes on the peeling
    trajectory that restrict at most ``max_dims`` factors and reach a density of at least
    ``min_density`` (and half-way from the base rate to 1), the one of largest coverage x
    density (else the densest covering a quarter of the cases).

    Returns (limits, coverage, density)."""
    import warnings

    from ema_workbench.analysis import prim

    y = np.asarray(y, bool)
    if y.all() or not y.any() or len(y) < 10:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x.reset_index(drop=True), y, peel_alpha=0.05, mass_min=0.05)
        box = p.find_box()
    traj = box.peeling_trajectory
    ok = traj[traj["res_dim"] <= max_dims]
    if ok.empty:
        ok = traj
    # a box must be denser than the base rate to say anything: at least half-way from the
    # base rate to 1 (so a claim failing in 92% of cases gets the box where it fails ~96%)
    target = max(min_density, (1 + float(y.mean())) / 2)
    dense = ok[ok["density"] >= target]
    if not dense.empty:  # of those, the best coverage x density
        i = int((dense["coverage"] * dense["density"]).idxmax())
    else:  # no box that dense: the densest that still covers a quarter of the cases
        wide = ok[ok["coverage"] >= 0.25]
        i = int((wide if not wide.empty else ok)["density"].idxmax())
    lims = box.box_lims[i]
    init = p.box_init
    limits = []
    for col in x.columns:
        lo, hi = float(lims.loc[0, col]), float(lims.loc[1, col])
        lo0, hi0 = float(init.loc[0, col]), float(init.loc[1, col])
        span = (hi0 - lo0) or 1.0
        low = lo if (lo - lo0) / span > 1e-9 else None
        high = hi if (hi0 - hi) / span > 1e-9 else None
        if low is not None or high is not None:
            limits.append((col, low, high))
    return limits, float(traj.loc[i, "coverage"]), float(traj.loc[i, "density"])


def cart_tree(x: pd.DataFrame, y: np.ndarray, *, max_depth: int = 3, seed: int = 0):
    """A scikit-learn CART classifier of holds/fails on ``x`` (shallow, readable)."""
    from sklearn.tree import DecisionTreeClassifier

    leaf = max(5, len(y) // 40)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf,
                                  random_state=seed)
    tree.fit(x.to_numpy(float), np.asarray(y, bool))
    return tree


def cart_leaf(tree, x: pd.DataFrame, y: np.ndarray, kind: bool
              ) -> tuple[list[tuple[str, float | None, float | None]], float, float] | None:
    """The CART leaf with the most cases of ``kind`` at density >= 0.5 of that kind,
    as (limits, coverage, density)."""
    t = tree.tree_
    y = np.asarray(y, bool)
    target = y if kind else ~y
    if not target.any():
        return None
    leaves = tree.apply(x.to_numpy(float))
    best = None
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        hits = int((target & inside).sum())
        density = hits / int(inside.sum())
        if density >= 0.5 and (best is None or hits > best[1]):
            best = (leaf, hits, density)
    if best is None:
        return None
    leaf, hits, density = best
    # the path from the root to the leaf
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child >= 0:
                parent[child] = (node, side)
    bounds: dict[str, list[float | None]] = {}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name = x.columns[t.feature[node]]
        lo_hi = bounds.setdefault(name, [None, None])
        thr = float(t.threshold[node])
        if side == "le":
            lo_hi[1] = thr if lo_hi[1] is None else min(lo_hi[1], thr)
        else:
            lo_hi[0] = thr if lo_hi[0] is None else max(lo_hi[0], thr)
    limits = [(n, lo, hi) for n, (lo, hi) in bounds.items()]
    return limits, hits / int(target.sum()), density


@dataclass
class Discovery:
    hypothesis: Hypothesis
    verdicts: pd.DataFrame  # (point, state) rows of the sweep
    default: pd.DataFrame  # (state) rows at the default calibration
    findings: list[Finding] = field(default_factory=list)
    trees: dict[str, str] = field(default_factory=dict)  # group -> export_text
    runs: int = 0
    wall_seconds: float = 0.0
    files: list[Path] = field(default_factory=list)

    def share(self, frame: pd.DataFrame, group: str) -> float:
        f = frame[frame["applies"]]
        if group != "all":
            f = f[f["group"] == group]
        return float(f["holds"].mean()) if len(f) else float("nan")

    def best(self, kind: str, group: str = "all") -> Finding | None:
        """The most informative finding of ``kind`` for ``group``, PRIM's or CART's: the
        largest coverage x lift, lift being how far the density rises from the base rate
        towards 1 (a box no denser than the base rate scores 0)."""
        def score(f: Finding) -> float:
            lift = (f.density - f.base_rate) / (1 - f.base_rate) if f.base_rate < 1 else 0.0
            return f.coverage * max(lift, 0.0) + (1e-9 if f.method == "PRIM" else 0.0)

        found = [f for f in self.findings if f.kind == kind and f.group == group]
        return max(found, key=score) if found else None


def feature_frame(v: pd.DataFrame, factors: Sequence[str], with_state: bool) -> pd.DataFrame:
    x = v[list(factors)].astype(float).copy()
    if with_state:
        gdp = {s.iso3: s.gdp_usd / 1e9 for s in asean_states()}
        x["state_gdp_usd_bn"] = v["iso3"].map(gdp).astype(float).to_numpy()
    return x


def discover(hyp: Hypothesis, db: str | None, *, min_density: float = 0.8) -> Discovery:
    """Verdicts at the default calibration and over the sweep, and PRIM boxes and CART
    trees of where the claim holds and fails (per state group and for all its states)."""
    from sklearn.tree import export_text

    v = verdicts(hyp, db)
    d = verdicts(hyp, db, hyp.default)
    runs, wall = stored_wall_seconds(db, hyp.experiment.name)
    runs_d, wall_d = stored_wall_seconds(db, hyp.default.name)
    out = Discovery(hyp, v, d, runs=runs + runs_d, wall_seconds=wall + wall_d)
    factors = [f.name for f in hyp.experiment.design.factors]
    groups = ["all"] + [g for g in ("small", "large") if (v["group"] == g).any()]
    if set(groups) == {"all", "small"} or set(groups) == {"all", "large"}:
        groups = ["all"]  # one group only: "all" is that group
    for group in groups:
        part = v[v["applies"]] if group == "all" else v[v["applies"] & (v["group"] == group)]
        if len(part) < 10:
            continue
        x = feature_frame(part, factors, with_state=group == "all" and
                          part["iso3"].nunique() > 1)
        y = part["holds"].to_numpy(bool)
        base = float(y.mean())
        for kind, target in (("holds", y), ("fails", ~y)):
            found = prim_box(x, target, min_density=min_density)
            if found is not None:
                limits, cov, den = found
                out.findings.append(Finding("PRIM", kind, group, limits, cov, den,
                                            base if kind == "holds" else 1 - base, len(y)))
        if 0 < y.mean() < 1:
            tree = cart_tree(x, y)
            out.trees[group] = export_text(tree, feature_names=list(x.columns),
                                           class_names=["fails", "holds"], decimals=3)
            for kind in (True, False):
                leaf = cart_leaf(tree, x, y, kind)
                if leaf is not None:
                    limits, cov, den = leaf
                    out.findings.append(Finding("CART", "holds" if kind else "fails", group,
                                                limits, cov, den,
                                                base if kind else 1 - base, len(y)))
    return out


# ---------------------------------------------------------------------------- reporting
def short_claim(hyp: Hypothesis) -> str:
    return f"{hyp.name}"


def report_lines(disc: Discovery) -> list[str]:
    hyp = disc.hypothesis
    lines = [f"{hyp.name}: {hyp.claim}"]
    d = disc.default
    held = sorted(d.loc[d["holds"], "iso3"])
    judged = sorted(d.loc[d["applies"], "iso3"])
    lines.append(f"  at the default calibration ({hyp.default.replications} paired "
                 f"replications): holds for {len(held)} of {len(judged)} states judged"
                 f" ({', '.join(held) or 'none'}); small states "
                 f"{_pct(disc.share(d, 'small'))}, large states {_pct(disc.share(d, 'large'))}")
    v = disc.verdicts
    n_points = v["point"].nunique()
    lines.append(f"  over {n_points} points of the declared ranges x {len(hyp.states)} states "
                 f"({disc.runs} runs, {disc.wall_seconds:.0f} s wall): holds in "
                 f"{_pct(disc.share(v, 'all'))} of judged (point, state) cases; small "
                 f"{_pct(disc.share(v, 'small'))}, large {_pct(disc.share(v, 'large'))}")
    for f in disc.findings:
        lines.append("  - " + f.text(hyp.name))
    if not disc.findings:
        lines.append("  - no box: the claim holds everywhere or nowhere in the sample")
    return lines


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{x:.0%}"


def write_outputs(disc: Discovery, out_dir: Path) -> list[Path]:
    """boxes.json, verdicts.csv, default.csv, tree_<group>.txt, findings.txt and a PNG."""
    out_dir.mkdir(parents=True, exist_ok=True)
    hyp = disc.hypothesis
    files = []
    (out_dir / "boxes.json").write_text(json.dumps(
        {"hypothesis": hyp.name, "claim": hyp.claim,
         "findings": [f.to_dict() for f in disc.findings]}, indent=2, default=_json))
    files.append(out_dir / "boxes.json")
    disc.verdicts.to_csv(out_dir / "verdicts.csv", index=False)
    disc.default.to_csv(out_dir / "default.csv", index=False)
    files += [out_dir / "verdicts.csv", out_dir / "default.csv"]
    for group, text in disc.trees.items():
        path = out_dir / f"tree_{group}.txt"
        path.write_text(text)
        files.append(path)
    (out_dir / "findings.txt").write_text("\n".join(report_lines(disc)) + "\n")
    files.append(out_dir / "findings.txt")
    files.append(plot(disc, out_dir / f"{hyp.name}.png"))
    return files


def _json(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)


def plot(disc: Discovery, path: Path) -> Path:
    """Left: the cases on the two factors of the PRIM 'holds' box (or the two CART splits),
    holding in blue, failing in orange, the box drawn; right: share holding per state."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    hyp = disc.hypothesis
    v = disc.verdicts[disc.verdicts["applies"]]
    fig = Figure(figsize=(11, 4.4), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1])
    box = disc.best("holds") or disc.best("fails")
    factors = [f.name for f in hyp.experiment.design.factors]
    dims = [f for f, _, _ in box.limits if f in factors][:2] if box else []
    for f in factors:
        if len(dims) >= 2:
            break
        if f not in dims:
            dims.append(f)
    if len(dims) == 2 and len(v):
        jitter = v.groupby("point")[dims].first()
        share = v.groupby("point")["holds"].mean()
        sc = ax.scatter(jitter[dims[0]], jitter[dims[1]], c=share, cmap="coolwarm_r",
                        vmin=0, vmax=1, s=18, edgecolors="none")
        fig.colorbar(sc, ax=ax, label="share of states where it holds")
        if box:
            lim = {f: (lo, hi) for f, lo, hi in box.limits}
            (x0, x1), (y0, y1) = [
                (lim.get(d, (None, None))[0] if lim.get(d, (None, None))[0] is not None
                 else jitter[d].min(),
                 lim.get(d, (None, None))[1] if lim.get(d, (None, None))[1] is not None
                 else jitter[d].max()) for d in dims]
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2,
                                   edgecolor="black"))
            ax.set_title(f"{box.method} box where it {box.kind}: coverage {box.coverage:.2f}, "
                         f"density {box.density:.2f}", fontsize=9)
        ax.set_xlabel(_axis(dims[0]), fontsize=8)
        ax.set_ylabel(_axis(dims[1]), fontsize=8)
    per_state = v.groupby("iso3")["holds"].mean().reindex(hyp.states).dropna()
    d = disc.default.set_index("iso3")
    colors = ["#4c72b0" if s in SMALL_STATES else "#dd8452" for s in per_state.index]
    ax2.bar(range(len(per_state)), per_state.to_numpy(), color=colors)
    for k, s in enumerate(per_state.index):
        if s in d.index and bool(d.loc[s, "applies"]):
            ax2.text(k, min(per_state.iloc[k] + 0.03, 0.97), "✓" if d.loc[s, "holds"] else "✗",
                     ha="center", fontsize=9)
    ax2.set_xticks(range(len(per_state)), per_state.index, rotation=45, fontsize=8)
    ax2.set_ylim(0, 1)
    ax2.set_ylabel("share of sampled points where it holds")
    ax2.set_title("per state (blue: small, orange: large; ✓/✗: default calibration)",
                  fontsize=9)
    fig.suptitle(f"{hyp.name}: {_wrap(hyp.claim, 110)}", fontsize=10)
    fig.savefig(path, dpi=100)
    return path


def _axis(name: str) -> str:
    p = PARAMETERS.get(name)
    return f"{p.label} ({p.unit})" if p else name


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def atlas_row(disc: Discovery) -> dict[str, Any]:
    """One row of the atlas table."""
    d = disc.default
    holds, fails = disc.best("holds"), disc.best("fails")
    return {"hypothesis": disc.hypothesis.name,
            "default_small": disc.share(d, "small"), "default_large": disc.share(d, "large"),
            "default_all": disc.share(d, "all"),
            "sampled_all": disc.share(disc.verdicts, "all"),
            "holds_when": holds.text(disc.hypothesis.name) if holds else "",
            "fails_when": fails.text(disc.hypothesis.name) if fails else "",
            "runs": disc.runs, "wall_s": disc.wall_seconds}


def is_finite(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x)


__all__ = ["OUTCOMES", "Discovery", "Finding", "Hypothesis", "HypothesisError", "atlas_row",
           "cart_leaf", "cart_tree", "describe_limits", "discover", "ensure_runs",
           "evaluate", "hypothesis_files", "load_hypothesis", "parse_expr", "prim_box",
           "report_lines", "verdicts", "write_outputs"]
