"""Experiment files: scenarios x a design over levers/uncertainties x replications.

An experiment file (YAML, loaded with ``yaml.safe_load``) names one or more scenarios, the
levers and uncertainties that vary and how (full factorial, Latin hypercube, Sobol, Morris),
the number of replications, a root seed, the horizon and which outcomes to keep. Every value
is checked against the declarations in :mod:`model.parameters`; errors name the file, the
field path, the bad value and what is allowed (:class:`ExperimentError`).

The run plan is generated, never stored: run ``(scenario, point, replication)`` gets the
design's point ``point`` and the seed of ``(point, replication)``, spawned from the root seed
with :class:`numpy.random.SeedSequence`. The same seeds are used for every scenario, so
scenario comparisons are paired (common random numbers).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from model.parameters import OUTCOMES, PARAMETERS, suggest
from model.results import MODEL_VERSION
from model.spec import MAX_HORIZON, ScenarioSpec

Method = Literal["full_factorial", "latin_hypercube", "sobol", "morris"]
METHODS: tuple[str, ...] = ("full_factorial", "latin_hypercube", "sobol", "morris")
KeepLevel = Literal["per_step_state", "per_step", "final"]
#: per_step_state: every step x state (+ region per step + finals); per_step: region
#: aggregates per step (+ finals); final: last-step summaries per state and for the region.
KEEP_LEVELS: tuple[str, ...] = ("per_step_state", "per_step", "final")
MAX_RUNS = 10_000_000
TOP_KEYS = ("name", "description", "scenarios", "design", "replications", "seed", "horizon",
            "keep", "analysis")


class ExperimentError(ValueError):
    """An invalid experiment file: ``file: field.path: message``."""

    def __init__(self, source: str, path: str, message: str):
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a declared lever or uncertainty, its bounds or its values."""

    name: str
    low: float | int | bool
    high: float | int | bool
    values: tuple[Any, ...] = ()  # explicit levels (full factorial only)

    @property
    def parameter(self):
        return PARAMETERS[self.name]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.values:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True)
class Design:
    """How the factors vary. ``samples``: LHS points, Sobol base N (a power of 2) or Morris
    trajectories; ``levels``: full-factorial levels per numeric factor or Morris grid levels."""

    method: str = "full_factorial"
    factors: tuple[Factor, ...] = ()
    samples: int = 16
    levels: int = 3
    second_order: bool = False
    seed: int = 0

    def points(self) -> np.ndarray:
        """The design matrix (points x factors), as object values (bools, ints, floats)."""
        if not self.factors:
            return np.empty((1, 0), dtype=object)
        if self.method == "full_factorial":
            axes = [self._levels(f) for f in self.factors]
            grids = np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij")
            idx = np.stack([g.ravel() for g in grids], axis=1)
            out = np.empty(idx.shape, dtype=object)
            for j, a in enumerate(axes):
                out[:, j] = [a[k] for k in idx[:, j]]
            return out
        raw = self._sample()
        out = np.empty(raw.shape, dtype=object)
        for j, f in enumerate(self.factors):
            out[:, j] = [_coerce(f, x) for x in raw[:, j]]
        return out

    def problem(self) -> dict[str, Any]:
        """The SALib problem for the factors."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[float(f.low), float(f.high)] for f in self.factors]}

    def n_points(self) -> int:
        D = len(self.factors)
        if D == 0:
            return 1
        if self.method == "full_factorial":
            return math.prod(len(self._levels(f)) for f in self.factors)
        if self.method == "latin_hypercube":
            return self.samples
        if self.method == "sobol":
            return self.samples * (2 * D + 2 if self.second_order else D + 2)
        return self.samples * (D + 1)  # morris

    def _levels(self, f: Factor) -> list[Any]:
        if f.values:
            return list(f.values)
        p = f.parameter
        if p.type == "bool":
            return sorted({bool(f.low), bool(f.high)})
        grid = np.linspace(float(f.low), float(f.high), self.levels)
        if p.type == "int":
            return list(dict.fromkeys(int(round(x)) for x in grid))
        return [float(x) for x in grid]

    def _sample(self) -> np.ndarray:
        import warnings

        problem = self.problem()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "latin_hypercube":
                from SALib.sample import latin
                return latin.sample(problem, self.samples, seed=self.seed)
            if self.method == "sobol":
                from SALib.sample import sobol
                return sobol.sample(problem, self.samples, calc_second_order=self.second_order,
                                    seed=self.seed)
            from SALib.sample import morris
            return morris.sample(problem, self.samples, num_levels=self.levels, seed=self.seed)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "samples": self.samples, "levels": self.levels,
                "second_order": self.second_order,
                "factors": {f.name: f.to_dict() for f in self.factors}}


def _coerce(f: Factor, x: float) -> Any:
    p = f.parameter
    if p.type == "int":
        return int(min(max(round(x), f.low), f.high))
    return float(min(max(x, f.low), f.high))


@dataclass(frozen=True)
class RunTask:
    """One run of the plan."""

    scenario: str
    point: int
    replication: int
    seed: int
    params: dict[str, Any]

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.scenario, self.point, self.replication)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: resolved scenarios (already at the experiment's horizon)."""

    name: str
    scenarios: tuple[tuple[str, ScenarioSpec], ...]
    design: Design = field(default_factory=Design)
    replications: int = 10
    seed: int = 0
    horizon: int = 40
    keep: str = "final"
    outcomes: tuple[str, ...] = ()  # kept outcomes; empty = all
    analysis_outcomes: tuple[str, ...] = ("control_index", "possession_index",
                                          "cumulative_cost", "largest_supplier_share")
    description: str = ""
    source: str = "<python>"

    def __post_init__(self) -> None:
        src = self.source
        if not self.scenarios:
            raise ExperimentError(src, "scenarios", "expected at least one scenario")
        labels = [label for label, _ in self.scenarios]
        for label in labels:
            if labels.count(label) > 1:
                raise ExperimentError(src, "scenarios", f"scenario name {label!r} appears "
                                      "twice; give each scenario a distinct name")
        resolved = []
        for i, (label, spec) in enumerate(self.scenarios):
            try:
                resolved.append((label, replace(spec, horizon=self.horizon)))
            except ValueError as exc:
                raise ExperimentError(src, f"scenarios[{i}]", f"{label}: {exc} (with the "
                                      f"experiment's horizon {self.horizon})") from None
        object.__setattr__(self, "scenarios", tuple(resolved))

    # -- the plan ----------------------------------------------------------------------------
    @property
    def n_points(self) -> int:
        return self.design.n_points()

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * self.n_points * self.replications

    def seeds(self) -> np.ndarray:
        """Seeds (points x replications) as int64, spawned from the root seed."""
        root = np.random.SeedSequence(self.seed)
        out = np.empty((self.n_points, self.replications), dtype=np.int64)
        for p, child in enumerate(root.spawn(self.n_points)):
            for r, grand in enumerate(child.spawn(self.replications)):
                out[p, r] = int(grand.generate_state(1, np.uint64)[0] >> np.uint64(1))
        return out

    def tasks(self) -> Iterator[RunTask]:
        """Every run, point-major then replication then scenario (so partial results of an
        interrupted sweep are still paired across scenarios)."""
        points = self.design.points()
        seeds = self.seeds()
        names = [f.name for f in self.design.factors]
        for p in range(points.shape[0]):
            params = {n: _plain(v) for n, v in zip(names, points[p])}
            for r in range(self.replications):
                for label, _ in self.scenarios:
                    yield RunTask(label, p, r, int(seeds[p, r]), params)

    def spec(self, scenario: str) -> ScenarioSpec:
        return dict(self.scenarios)[scenario]

    def to_dict(self) -> dict[str, Any]:
        """The resolved definition (stored with the experiment in the database)."""
        return {"name": self.name, "description": self.description,
                "scenarios": {label: {"name": spec.name, "hash": spec.digest()}
                              for label, spec in self.scenarios},
                "design": self.design.to_dict(), "replications": self.replications,
                "seed": self.seed, "horizon": self.horizon,
                "keep": {"level": self.keep, "outcomes": list(self.outcomes)},
                "analysis": {"outcomes": list(self.analysis_outcomes)},
                "n_runs": self.n_runs, "model_version": model_version()}

    def digest(self) -> str:
        """A content hash of everything that decides which runs exist and what they compute."""
        body = self.to_dict()
        body.pop("description")
        body.pop("analysis")
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@cache
def model_code_hash() -> str:
    """A hash of the model's source and data files: results of different model code are
    never mixed under one experiment, even if ``MODEL_VERSION`` was not bumped."""
    import model

    root = Path(model.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".csv") and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def model_version() -> str:
    """``MODEL_VERSION+code hash``, stored with every run."""
    return f"{MODEL_VERSION}+{model_code_hash()}"


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


# ---------------------------------------------------------------------------- file loading
def load_experiment(source: str | Path) -> Experiment:
    """Read and validate an experiment file; raise :class:`ExperimentError` if it is bad."""
    import yaml

    path = Path(source)
    src = str(source)
    if not path.is_file():
        raise ExperimentError(src, "", "no such experiment file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ExperimentError(src, where, f"not valid YAML: {problem}") from None
    except UnicodeDecodeError:
        raise ExperimentError(src, "", "not a UTF-8 text file") from None
    return experiment_from_dict(data, source=src, base_dir=path.parent)


def experiment_from_dict(data: Any, *, source: str = "<dict>",
                         base_dir: Path | None = None) -> Experiment:
    """Validate a parsed experiment mapping (see :func:`load_experiment`)."""
    src = source
    err = _Errors(src)
    if not isinstance(data, Mapping):
        raise ExperimentError(src, "", f"expected a mapping of experiment fields, got "
                              f"{type(data).__name__}")
    for key in data:
        if key not in TOP_KEYS:
            err.fail(str(key), f"unknown field{suggest(str(key), TOP_KEYS)}; allowed: "
                     f"{', '.join(TOP_KEYS)}")
    name = data.get("name", Path(source).stem if source != "<dict>" else None)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        err.fail("name", f"expected a non-empty name of at most 200 characters, got {name!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        err.fail("description", f"expected text, got {description!r}")
    horizon = _int(err, data, "horizon", 40, 1, MAX_HORIZON)
    replications = _int(err, data, "replications", 10, 1, 100_000)
    seed = _int(err, data, "seed", 0, 0, 2**63 - 1)
    scenarios = _scenarios(err, data.get("scenarios"), base_dir)
    design = _design(err, data.get("design", {}), seed)
    keep, outcomes = _keep(err, data.get("keep", {}))
    analysis = data.get("analysis", {})
    if not isinstance(analysis, Mapping):
        err.fail("analysis", f"expected a mapping with 'outcomes', got {analysis!r}")
    for key in analysis:
        if key != "outcomes":
            err.fail(f"analysis.{key}", "unknown field; allowed: outcomes")
    a_outcomes = _outcome_list(err, analysis.get("outcomes", list(Experiment.analysis_outcomes)),
                               "analysis.outcomes")
    kept = set(outcomes) if outcomes else set(OUTCOMES)
    for i, o in enumerate(a_outcomes):
        if o not in kept:
            err.fail(f"analysis.outcomes[{i}]", f"{o!r} is not kept (keep.outcomes); kept: "
                     f"{', '.join(sorted(kept))}")
    exp = Experiment(name=name, scenarios=scenarios, design=design, replications=replications,
                     seed=seed, horizon=horizon, keep=keep, outcomes=tuple(outcomes),
                     analysis_outcomes=tuple(a_outcomes), description=description, source=src)
    if exp.n_runs > MAX_RUNS:
        err.fail("design", f"{exp.n_runs} runs is more than the limit of {MAX_RUNS}")
    return exp


class _Errors:
    def __init__(self, source: str):
        self.source = source

    def fail(self, path: str, message: str):
        raise ExperimentError(self.source, path, message)


def _int(err: _Errors, data: Mapping, key: str, default: int, low: int, high: int,
         path: str | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        err.fail(path or key, f"expected a whole number from {low} to {high}, got {value!r}")
    return value


def _scenarios(err: _Errors, raw: Any, base_dir: Path | None
               ) -> tuple[tuple[str, ScenarioSpec], ...]:
    if raw is None:
        err.fail("scenarios", "missing; expected a list of scenario names or files, e.g. "
                 "[possession, coordinated_resilience]")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        err.fail("scenarios", f"expected a non-empty list of scenario names or files, "
                 f"got {raw!r}")
    out = []
    for i, entry in enumerate(raw):
        path = f"scenarios[{i}]"
        label = None
        if isinstance(entry, Mapping):
            unknown = set(entry) - {"name", "file"}
            if unknown:
                err.fail(f"{path}.{sorted(unknown)[0]}", "unknown field; allowed: name, file")
            label, entry = entry.get("name"), entry.get("file")
            if label is not None and (not isinstance(label, str) or not label):
                err.fail(f"{path}.name", f"expected a non-empty name, got {label!r}")
        if not isinstance(entry, str) or not entry:
            err.fail(path, f"expected a shipped scenario name or a YAML file, got {entry!r}")
        spec = _load_scenario(err, entry, base_dir, path)
        out.append((label or spec.name or Path(entry).stem, spec))
    return tuple(out)


def _load_scenario(err: _Errors, ref: str, base_dir: Path | None, path: str) -> ScenarioSpec:
    try:
        from model.scenario_file import ScenarioError, load_scenario
    except ImportError:
        err.fail(path, "this sovsim has no scenario loader (model.scenario_file)")
    target: str | Path = ref
    if base_dir is not None and ref.endswith((".yaml", ".yml")):
        candidate = base_dir / ref
        if not Path(ref).is_file() and candidate.is_file():
            target = candidate
    try:
        return load_scenario(target)
    except ScenarioError as exc:
        err.fail(path, f"scenario {ref!r}: {exc}")
    except (ValueError, OSError) as exc:
        err.fail(path, f"scenario {ref!r}: {exc}")
    raise AssertionError("unreachable")


DESIGN_KEYS = ("method", "factors", "samples", "levels", "second_order")


def _design(err: _Errors, raw: Any, seed: int) -> Design:
    if not isinstance(raw, Mapping):
        err.fail("design", f"expected a mapping with method and factors, got {raw!r}")
    for key in raw:
        if key not in DESIGN_KEYS:
            err.fail(f"design.{key}", f"unknown field{suggest(str(key), DESIGN_KEYS)}; "
                     f"allowed: {', '.join(DESIGN_KEYS)}")
    method = raw.get("method", "full_factorial")
    if method not in METHODS:
        err.fail("design.method", f"unknown method {method!r}{suggest(str(method), METHODS)}; "
                 f"allowed: {', '.join(METHODS)}")
    samples = _int(err, raw, "samples", 16, 1, 1_000_000, "design.samples")
    levels = _int(err, raw, "levels", 4 if method == "morris" else 3, 2, 1000, "design.levels")
    second = raw.get("second_order", False)
    if not isinstance(second, bool):
        err.fail("design.second_order", f"expected true or false, got {second!r}")
    if method == "sobol" and samples & (samples - 1):
        err.fail("design.samples", f"Sobol designs need a power of 2, got {samples}")
    factors_raw = raw.get("factors", {})
    if factors_raw is None:
        factors_raw = {}
    if isinstance(factors_raw, list):  # a list of names: declared ranges
        factors_raw = {name: {} for name in factors_raw if isinstance(name, str)} \
            if all(isinstance(n, str) for n in factors_raw) else factors_raw
    if not isinstance(factors_raw, Mapping):
        err.fail("design.factors", f"expected a mapping of parameter names to ranges, got "
                 f"{factors_raw!r}")
    factors = tuple(_factor(err, str(name), spec, method)
                    for name, spec in factors_raw.items())
    if method in ("sobol", "morris") and len(factors) < 2:
        err.fail("design.factors", f"{method} needs at least 2 factors, got {len(factors)}")
    return Design(method=method, factors=factors, samples=samples, levels=levels,
                  second_order=second, seed=seed % 2**32)


def _factor(err: _Errors, name: str, raw: Any, method: str) -> Factor:
    path = f"design.factors.{name}"
    if name not in PARAMETERS:
        err.fail(path, f"unknown lever or uncertainty{suggest(name, PARAMETERS)}; allowed: "
                 f"{', '.join(sorted(PARAMETERS))}")
    p = PARAMETERS[name]
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        err.fail(path, f"expected a mapping with low/high or values (or {{}} for the declared "
                 f"range), got {raw!r}")
    for key in raw:
        if key not in ("low", "high", "values"):
            err.fail(f"{path}.{key}", "unknown field; allowed: low, high, values")
    if "values" in raw:
        if method != "full_factorial":
            err.fail(f"{path}.values", f"explicit values need method full_factorial; "
                     f"{method} samples between low and high")
        values = raw["values"]
        if not isinstance(values, list) or not values:
            err.fail(f"{path}.values", f"expected a non-empty list, got {values!r}")
        checked = []
        for k, v in enumerate(values):
            try:
                checked.append(p.check(v))
            except ValueError as exc:
                err.fail(f"{path}.values[{k}]", str(exc))
        return Factor(name, min(checked), max(checked), tuple(checked))
    if p.type == "bool" and method != "full_factorial":
        err.fail(path, f"{name} is on/off; {method} needs numeric factors (use full_factorial "
                 "or compare it as two scenarios)")
    bounds = {}
    for key in ("low", "high"):
        value = raw.get(key, getattr(p, key))
        try:
            bounds[key] = p.check(value)
        except ValueError as exc:
            err.fail(f"{path}.{key}", f"{exc} (bounds must lie inside the declared range)")
    if p.type != "bool" and not bounds["low"] < bounds["high"]:
        err.fail(path, f"low ({bounds['low']}) must be below high ({bounds['high']})")
    return Factor(name, bounds["low"], bounds["high"])


def _keep(err: _Errors, raw: Any) -> tuple[str, list[str]]:
    if isinstance(raw, str):
        raw = {"level": raw}
    if not isinstance(raw, Mapping):
        err.fail("keep", f"expected a mapping with level and outcomes, got {raw!r}")
    for key in raw:
        if key not in ("level", "outcomes"):
            err.fail(f"keep.{key}", "unknown field; allowed: level, outcomes")
    level = raw.get("level", "final")
    if level not in KEEP_LEVELS:
        err.fail("keep.level", f"unknown level {level!r}{suggest(str(level), KEEP_LEVELS)}; "
                 f"allowed: {', '.join(KEEP_LEVELS)}")
    outcomes = _outcome_list(err, raw.get("outcomes", []), "keep.outcomes")
    return level, outcomes


def _outcome_list(err: _Errors, raw: Any, path: str) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        err.fail(path, f"expected a list of outcome names, got {raw!r}")
    for i, o in enumerate(raw):
        if o not in OUTCOMES:
            err.fail(f"{path}[{i}]", f"unknown outcome {o!r}{suggest(str(o), OUTCOMES)}; "
                     f"allowed: {', '.join(OUTCOMES)}")
    return list(dict.fromkeys(raw))
