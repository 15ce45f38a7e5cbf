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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, NoReturn

import numpy as np

from model.parameters import OUTCOMES, PARAMETERS, Parameter, suggest
from model.scenario_file import MAX_PROBLEMS
from model.spec import (
    MAX_DESCRIPTION,
    MAX_HORIZON,
    MAX_LABEL,
    RuleError,
    ScenarioSpec,
    check_name,
    check_text,
    check_whole,
)
from model.version import MODEL_VERSION

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
    """An invalid experiment file: ``file: field.path: message`` (one line, bounded).

    ``problems`` lists every independent problem found in the file (this one first, at
    most :data:`model.scenario_file.MAX_PROBLEMS`); ``str(e)`` is the first."""

    def __init__(self, source: str, path: str, message: str):
        from model.scenario_file import _bounded, _printable

        path = _bounded(_printable(path), 120)
        where = f"{_printable(source)}: {path}" if path else _printable(source)
        super().__init__(f"{where}: {_bounded(_printable(' '.join(message.split())), 1200)}")
        self.source = source
        self.path = path
        self.message = message
        self.problems: list[ExperimentError] = [self]


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
    #: Sobol and Morris: every point of one base sample (Sobol: the rows A, AB_1..AB_D, B
    #: SALib builds from it; Morris: one trajectory) gets the same seeds, so the
    #: estimators' differences cancel seed noise (common random numbers).
    common_seeds: bool = True

    def seed_block(self) -> int:
        """How many consecutive design points share one set of seeds (1: none shared)."""
        D = len(self.factors)
        if not self.common_seeds or D == 0:
            return 1
        if self.method == "sobol":
            return 2 * D + 2 if self.second_order else D + 2
        if self.method == "morris":
            return D + 1
        return 1

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
        out = {"method": self.method, "samples": self.samples, "levels": self.levels,
               "second_order": self.second_order,
               "factors": {f.name: f.to_dict() for f in self.factors}}
        if self.method in ("sobol", "morris"):  # changes the seeds, so part of the digest
            out["common_seeds"] = self.common_seeds
        return out


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
    #: (label, file) of each scenario as the loader found it (a shipped name or a path)
    scenario_files: tuple[tuple[str, str], ...] = ()

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

    def seed_of(self, point: int, replication: int) -> int:
        """The seed of run ``(point, replication)``: child ``replication`` of child ``point``
        of the root :class:`numpy.random.SeedSequence` (what ``root.spawn`` would give),
        computed on its own so a plan of millions of runs never builds them all first.

        In Sobol and Morris designs with ``common_seeds`` (the default), ``point`` is first
        replaced by its base sample (``point // design.seed_block()``): the A, B and AB rows
        of one base sample, or the points of one Morris trajectory, share their seeds."""
        point //= self.design.seed_block()
        grand = np.random.SeedSequence(self.seed, spawn_key=(point, replication))
        return int(grand.generate_state(1, np.uint64)[0] >> np.uint64(1))

    def seeds(self) -> np.ndarray:
        """Seeds (points x replications) as int64, spawned from the root seed."""
        out = np.empty((self.n_points, self.replications), dtype=np.int64)
        for p in range(self.n_points):
            for r in range(self.replications):
                out[p, r] = self.seed_of(p, r)
        return out

    def tasks(self) -> Iterator[RunTask]:
        """Every run, point-major then replication then scenario (so partial results of an
        interrupted sweep are still paired across scenarios)."""
        points = self.design.points()
        names = [f.name for f in self.design.factors]
        for p in range(points.shape[0]):
            params = {n: _plain(v) for n, v in zip(names, points[p])}
            for r in range(self.replications):
                seed = self.seed_of(p, r)  # streamed: the first runs start at once
                for label, _ in self.scenarios:
                    yield RunTask(label, p, r, seed, params)

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


#: Definition entries an extension may change (grow); everything else must stay the same.
EXTENDABLE = ("replications", "samples")


def extension_problem(stored: dict[str, Any], new: Experiment) -> str | None:
    """Why ``new`` cannot extend the experiment stored with definition ``stored`` (None: it
    can). An extension only adds runs: more replications (run seeds depend only on the root
    seed, the point and the replication, so stored runs keep theirs) and/or a larger sample
    of the same design whose first points are the stored ones (Sobol and Morris samples
    nest; a Latin hypercube or a changed factorial grid does not)."""
    mine = new.to_dict()
    old_design, new_design = dict(stored.get("design", {})), dict(mine["design"])
    changed = sorted(
        k for k in set(stored) | set(mine)
        if k not in ("replications", "n_runs", "design", "description", "analysis")
        and stored.get(k) != mine.get(k))
    changed += sorted(f"design.{k}" for k in set(old_design) | set(new_design)
                      if k != "samples" and old_design.get(k) != new_design.get(k))
    if changed:
        return f"it changes {', '.join(changed)} (an extension may only add replications or " \
               "design samples)"
    old_reps, old_samples = int(stored["replications"]), int(old_design["samples"])
    if new.replications < old_reps or new.design.samples < old_samples:
        return (f"it has fewer runs (replications {new.replications} < {old_reps} or samples "
                f"{new.design.samples} < {old_samples}); an extension only adds runs")
    if new.design.samples != old_samples and new.design.factors \
            and new.design.method != "full_factorial":
        before = replace(new.design, samples=old_samples)
        old_points, new_points = before.points(), new.design.points()
        if new_points.shape[0] < old_points.shape[0] or any(
                _plain(a) != _plain(b) for a, b in zip(old_points.ravel(),
                                                       new_points[:old_points.shape[0]].ravel())):
            return (f"a {new.design.method} sample of {new.design.samples} does not start with "
                    f"the stored sample of {old_samples} (Latin hypercubes do not nest; Sobol "
                    "and Morris samples do)")
    return None


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
#: Experiment files are read through the scenario loader's bounded YAML path, with the same
#: caps (file size, nesting, aliases, values) and duplicate keys refused.
MAX_EXPERIMENT_BYTES = 256 * 1024


def load_experiment(source: str | Path) -> Experiment:
    """Read and validate an experiment file; raise :class:`ExperimentError` if it is bad.

    Scenario files named in it are resolved relative to the experiment file's folder."""
    from model.scenario_file import ScenarioError, parse_yaml, read_yaml

    path = Path(source)
    src = str(source)
    try:
        if not path.exists():
            raise ExperimentError(src, "", "no such experiment file")
        data = parse_yaml(read_yaml(path, src, what="experiment",
                                    max_bytes=MAX_EXPERIMENT_BYTES),
                          src, what="experiment", top_keys=TOP_KEYS,
                          max_bytes=MAX_EXPERIMENT_BYTES)
    except ScenarioError as exc:
        raise ExperimentError(src, exc.field, exc.detail) from None
    except OSError as exc:  # e.g. a path too long for the file system
        raise ExperimentError(src, "", f"cannot read experiment file: "
                              f"{exc.strerror or exc}") from None
    return experiment_from_dict(data, source=src, base_dir=path.parent)


def experiment_from_dict(data: Any, *, source: str = "<dict>",
                         base_dir: Path | None = None) -> Experiment:
    """Validate a parsed experiment mapping (see :func:`load_experiment`).

    Independent fields are all checked: the :class:`ExperimentError` raised lists every
    problem in ``.problems`` (bounded)."""
    src = source
    err = _Errors(src)
    if not isinstance(data, Mapping):
        raise ExperimentError(src, "", f"expected a mapping of experiment fields, got "
                              f"{_short(data)}")
    for key in data:
        with err.section():
            if key not in TOP_KEYS:
                err.fail(_key(key), f"unknown field{suggest(str(key), TOP_KEYS)}; "
                         f"allowed: {', '.join(TOP_KEYS)}")
    name: Any = Path(source).stem if source != "<dict>" else None
    description: Any = ""
    with err.section():
        name = _label(err, data.get("name", name), "name", "an experiment name")
    with err.section():
        description = data.get("description", "")
        try:
            description = check_text(description, limit=MAX_DESCRIPTION,
                                     what="plain-language text", multiline=True)
        except RuleError as exc:
            err.fail("description", f"{exc.problem}, got {_short(description)}; allowed: "
                     f"{exc.allowed}")
    horizon, replications, seed = 40, 10, 0
    with err.section():
        horizon = _int(err, data, "horizon", 40, 1, MAX_HORIZON)
    with err.section():
        replications = _int(err, data, "replications", 10, 1, 100_000)
    with err.section() as seed_check:
        seed = _int(err, data, "seed", 0, 0, 2**63 - 1)
    scenarios: tuple[tuple[str, ScenarioSpec], ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    with err.section():
        scenarios, files = _scenarios(err, data.get("scenarios"), base_dir)
    design = Design()
    if not seed_check.failed:  # the design's sample seed derives from it
        with err.section():
            design = _design(err, data.get("design", {}), seed)
    keep, outcomes = "final", []
    with err.section() as keep_check:
        keep, outcomes = _keep(err, data.get("keep", {}))
    a_outcomes = list(Experiment.analysis_outcomes)
    with err.section():
        analysis = data.get("analysis", {})
        if analysis is None:
            analysis = {}
        if not isinstance(analysis, Mapping):
            err.fail("analysis", f"expected a mapping with 'outcomes', got "
                     f"{_short(analysis)}")
        for key in analysis:
            if key != "outcomes":
                err.fail(f"analysis.{_key(key)}", "unknown field; allowed: outcomes")
        a_outcomes = _outcome_list(err, analysis.get("outcomes",
                                                     list(Experiment.analysis_outcomes)),
                                   "analysis.outcomes")
        kept = set(outcomes) if outcomes else set(OUTCOMES)
        for i, o in enumerate(a_outcomes):
            if o not in kept and not keep_check.failed:
                err.fail(f"analysis.outcomes[{i}]", f"{o!r} is not kept (keep.outcomes); "
                         f"kept: {', '.join(sorted(kept))}")
    err.raise_any()
    exp = Experiment(name=name, scenarios=scenarios, design=design, replications=replications,
                     seed=seed, horizon=horizon, keep=keep, outcomes=tuple(outcomes),
                     analysis_outcomes=tuple(a_outcomes), description=description, source=src,
                     scenario_files=files)
    if exp.n_runs > MAX_RUNS:
        err.fail("design", f"{exp.n_runs:,} runs is more than the limit of {MAX_RUNS:,}; "
                 "use fewer design points, scenarios or replications")
    return exp


def _short(value: object, limit: int = 60) -> str:
    """A bounded rendering of a bad value for messages."""
    if isinstance(value, Mapping):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} items" if value else "an empty list"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _key(key: object) -> str:
    """A mapping key as a bounded piece of a field path."""
    text = str(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _label(err: _Errors, value: Any, path: str, what: str) -> str:
    """A name stored in the results database: one printable line of at most MAX_LABEL."""
    try:
        return check_name(value, limit=MAX_LABEL, what=what)
    except RuleError as exc:
        shown = f"{len(value)} characters" if isinstance(value, str) and \
            len(value) > MAX_LABEL else _short(value)
        err.fail(path, f"{exc.problem}, got {shown}; allowed: {exc.allowed}")


class _Errors:
    """Collects an experiment file's problems; ``section()`` blocks run on regardless."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[ExperimentError] = []

    def fail(self, path: str, message: str) -> NoReturn:
        raise ExperimentError(self.source, path, message)

    def section(self) -> _Section:
        return _Section(self)

    def raise_any(self) -> None:
        if self.errors:
            first = self.errors[0]
            first.problems = self.errors[:MAX_PROBLEMS]
            raise first


class _Section:
    def __init__(self, errors: _Errors) -> None:
        self.errors = errors
        self.failed = False

    def __enter__(self) -> _Section:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, ExperimentError):
            self.failed = True
            self.errors.errors.extend(exc.problems)
            if len(self.errors.errors) >= MAX_PROBLEMS:
                self.errors.raise_any()
            return True
        return False


def _int(err: _Errors, data: Mapping, key: str, default: int, low: int, high: int,
         path: str | None = None) -> int:
    value = data.get(key, default)
    try:
        return check_whole(value, low, high)
    except RuleError as exc:
        err.fail(path or key, f"{exc.problem}: expected a whole number from {low} to {high}, "
                 f"got {_short(value)}")


def _scenarios(err: _Errors, raw: Any, base_dir: Path | None
               ) -> tuple[tuple[tuple[str, ScenarioSpec], ...], tuple[tuple[str, str], ...]]:
    if raw is None:
        err.fail("scenarios", "missing; expected a list of scenario names or files, e.g. "
                 "[possession, coordinated_resilience]")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        err.fail("scenarios", f"expected a non-empty list of scenario names or files, "
                 f"got {_short(raw)}")
    out = []
    files: list[tuple[str, str]] = []
    inner = _Errors(err.source)
    for i, entry in enumerate(raw):
        with inner.section():
            path = f"scenarios[{i}]"
            label = None
            if isinstance(entry, Mapping):
                unknown = [k for k in entry if k not in ("name", "file")]
                if unknown:
                    err.fail(f"{path}.{_key(unknown[0])}",
                             "unknown field; allowed: name, file")
                label, entry = entry.get("name"), entry.get("file")
                if label is not None:
                    label = _label(err, label, f"{path}.name", "a scenario label")
            if not isinstance(entry, str) or not entry:
                err.fail(path, f"expected a shipped scenario name or a YAML file, got "
                         f"{_short(entry)}")
            spec = _load_scenario(err, entry, base_dir, path)
            if label is None:
                label = _label(err, spec.name or Path(entry).stem, f"{path}", "a scenario label")
            out.append((label, spec))
            files.append((label, _shown_source(entry, base_dir)))
    inner.raise_any()
    return tuple(out), tuple(files)


def scenario_path(ref: str, base_dir: Path | None) -> str | Path:
    """Where an experiment's scenario reference points: a relative path is relative to the
    experiment file's folder (never the working directory); a name is a shipped scenario."""
    from model.scenario_file import _looks_like_path

    if base_dir is not None and _looks_like_path(ref) and not Path(ref).is_absolute():
        return base_dir / ref
    return ref


def _shown_source(ref: str, base_dir: Path | None) -> str:
    from model.scenario_file import _shipped_paths

    target = scenario_path(ref, base_dir)
    if isinstance(target, Path):
        return str(target)
    shipped = _shipped_paths().get(ref)
    return f"{ref} (shipped: {shipped})" if shipped else ref


def _load_scenario(err: _Errors, ref: str, base_dir: Path | None, path: str) -> ScenarioSpec:
    from model.scenario_file import ScenarioError, load_scenario

    target = scenario_path(ref, base_dir)
    try:
        return load_scenario(target)
    except ScenarioError as exc:
        err.fail(path, f"scenario {_short(ref)}: {exc}")
    except (ValueError, OSError) as exc:
        err.fail(path, f"scenario {_short(ref)}: {exc}")


DESIGN_KEYS = ("method", "factors", "samples", "levels", "second_order", "common_seeds")
#: Sobol's default base sample: N >= 256 keeps most first-order intervals narrower than
#: +-0.1 (N = 16 left 95-97% of them straddling 0).
SOBOL_DEFAULT_SAMPLES = 256


def _design(err: _Errors, raw: Any, seed: int) -> Design:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        err.fail("design", f"expected a mapping with method and factors, got {_short(raw)}")
    for key in raw:
        if key not in DESIGN_KEYS:
            err.fail(f"design.{_key(key)}", f"unknown field"
                     f"{suggest(str(key), DESIGN_KEYS)}; allowed: {', '.join(DESIGN_KEYS)}")
    method = raw.get("method", "full_factorial")
    if not isinstance(method, str) or method not in METHODS:
        hint = suggest(method, METHODS) if isinstance(method, str) else ""
        err.fail("design.method", f"unknown method {_short(method)}{hint}; "
                 f"allowed: {', '.join(METHODS)}")
    samples = _int(err, raw, "samples", SOBOL_DEFAULT_SAMPLES if method == "sobol" else 16,
                   1, 1_000_000, "design.samples")
    levels = _int(err, raw, "levels", 4 if method == "morris" else 3, 2, 1000, "design.levels")
    second = Parameter.plain(raw.get("second_order", False))
    if not isinstance(second, bool):
        err.fail("design.second_order", f"expected true or false, got {_short(second)}")
    common = Parameter.plain(raw.get("common_seeds", True))
    if not isinstance(common, bool):
        err.fail("design.common_seeds", f"expected true or false, got {_short(common)}")
    if method == "sobol" and samples & (samples - 1):
        err.fail("design.samples", f"Sobol designs need a power of 2, got {samples}")
    # Sobol and Morris screen every declared uncertainty unless told otherwise.
    factors_raw = raw.get("factors", "uncertainties" if method in ("sobol", "morris") else {})
    if factors_raw is None:
        factors_raw = {}
    if factors_raw == "uncertainties":
        from model.parameters import UNCERTAINTIES

        factors_raw = {p.name: {} for p in UNCERTAINTIES if p.type != "bool"}
    if isinstance(factors_raw, list):  # a list of names: declared ranges
        factors_raw = {name: {} for name in factors_raw if isinstance(name, str)} \
            if all(isinstance(n, str) for n in factors_raw) else factors_raw
    if not isinstance(factors_raw, Mapping):
        err.fail("design.factors", f"expected a mapping of parameter names to ranges, got "
                 f"{_short(factors_raw)}")
    inner = _Errors(err.source)
    factors_list = []
    for name, spec in factors_raw.items():
        with inner.section():
            if not isinstance(name, str):
                err.fail(f"design.factors.{_key(name)}", "expected a lever or "
                         "uncertainty name")
            factors_list.append(_factor(err, name, spec, method))
    inner.raise_any()
    factors = tuple(factors_list)
    if method in ("sobol", "morris") and len(factors) < 2:
        err.fail("design.factors", f"{method} needs at least 2 factors, got {len(factors)}")
    return Design(method=method, factors=factors, samples=samples, levels=levels,
                  second_order=second, seed=seed % 2**32, common_seeds=common)


def _factor(err: _Errors, name: str, raw: Any, method: str) -> Factor:
    path = f"design.factors.{_key(name)}"
    if name not in PARAMETERS:
        err.fail(path, f"unknown lever or uncertainty{suggest(name, PARAMETERS)}; allowed: "
                 f"{', '.join(sorted(PARAMETERS))}")
    p = PARAMETERS[name]
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        err.fail(path, f"expected a mapping with low/high or values (or {{}} for the declared "
                 f"range), got {_short(raw)}")
    for key in raw:
        if key not in ("low", "high", "values"):
            err.fail(f"{path}.{_key(key)}", "unknown field; allowed: low, high, values")
    if "values" in raw:
        if method != "full_factorial":
            err.fail(f"{path}.values", f"explicit values need method full_factorial; "
                     f"{method} samples between low and high")
        values = raw["values"]
        if not isinstance(values, list) or not values:
            err.fail(f"{path}.values", f"expected a non-empty list, got {_short(values)}")
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
    if raw is None:
        raw = {}
    if isinstance(raw, str):
        raw = {"level": raw}
    if not isinstance(raw, Mapping):
        err.fail("keep", f"expected a mapping with level and outcomes, got {_short(raw)}")
    for key in raw:
        if key not in ("level", "outcomes"):
            err.fail(f"keep.{_key(key)}", "unknown field; allowed: level, outcomes")
    level = raw.get("level", "final")
    if not isinstance(level, str) or level not in KEEP_LEVELS:
        hint = suggest(level, KEEP_LEVELS) if isinstance(level, str) else ""
        err.fail("keep.level", f"unknown level {_short(level)}{hint}; "
                 f"allowed: {', '.join(KEEP_LEVELS)}")
    outcomes = _outcome_list(err, raw.get("outcomes", []), "keep.outcomes")
    return level, outcomes


def _outcome_list(err: _Errors, raw: Any, path: str) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        err.fail(path, f"expected a list of outcome names, got {_short(raw)}")
    for i, o in enumerate(raw):
        if not isinstance(o, str):
            err.fail(f"{path}[{i}]", f"expected an outcome name, got {_short(o)}; allowed: "
                     f"{', '.join(OUTCOMES)}")
        if o not in OUTCOMES:
            err.fail(f"{path}[{i}]", f"unknown outcome {_short(o)}{suggest(o, OUTCOMES)}; "
                     f"allowed: {', '.join(OUTCOMES)}")
    return list(dict.fromkeys(raw))
