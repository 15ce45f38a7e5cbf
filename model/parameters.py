"""Every lever, uncertainty and outcome of sovsim, declared once.

The scenario schema, the UI controls, the sweep designs and docs/ODD.md are all generated
from (or checked against) these declarations: they are the single source of truth for a
parameter's unit, default, range and source.

* A **lever** is a policy choice (what a scenario sets). Its ``scope`` says where it lives:
  ``state`` levers can differ per state (``policies.all`` plus per-ISO3 overrides in a
  scenario file), ``region`` levers belong to the regional body.
* An **uncertainty** is an exogenous parameter of the world (what a sweep varies).
* An **outcome** is a metric the model reports, per state per step or for the region.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

ParamType = Literal["float", "int", "bool"]
LeverGroup = Literal["possession", "coordination", "general"]


@dataclass(frozen=True)
class Parameter:
    """A typed, bounded model input."""

    name: str
    kind: Literal["lever", "uncertainty", "constant"]
    type: ParamType
    default: float | int | bool
    low: float | int | bool
    high: float | int | bool
    unit: str
    source: str
    label: str
    description: str
    scope: Literal["state", "region", "world"] = "world"
    group: LeverGroup = "general"

    def check(self, value: object) -> float | int | bool:
        """Return ``value`` coerced to this parameter's type, or raise ``ValueError``.

        Numpy scalars (``np.int64``, ``np.bool_``, ``np.float64`` from any sampler) count as
        the Python value they hold. The error message says what is allowed, so callers can
        add file and field path.
        """
        value = self.plain(value)
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(f"expected true or false, got {value!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number ({self.allowed()}), got {value!r}")
        if isinstance(value, float) and not abs(value) < float("inf"):  # nan, inf, 1e400
            raise ValueError(f"expected a finite number ({self.allowed()}), got {value!r}")
        if self.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"expected a whole number ({self.allowed()}), got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise ValueError(f"{value!r} is out of range; allowed: {self.allowed()}")
        return value

    @staticmethod
    def plain(value: object) -> object:
        """A numpy scalar (``np.int64``, ``np.bool_``, ``np.float64``, ...) as the Python value
        it holds; anything else unchanged. Values reach sovsim from samplers and arrays as
        numpy scalars, and every check treats them as the built-in values they stand for."""
        if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
            return value.item()  # type: ignore[attr-defined]
        return value

    def allowed(self) -> str:
        if self.type == "bool":
            return "true or false"
        kind = "a whole number" if self.type == "int" else "a number"
        return f"{kind} from {self.low} to {self.high} ({self.unit})"


@dataclass(frozen=True)
class Outcome:
    """A metric reported by the model."""

    name: str
    family: str
    unit: str
    low: float
    high: float | None
    label: str
    description: str
    level: Literal["state", "region"] = "state"


def _lever(name, type_, default, low, high, unit, source, label, description, scope="state",
           group="general") -> Parameter:
    return Parameter(name, "lever", type_, default, low, high, unit, source, label, description,
                     scope, group)


def _unc(name, type_, default, low, high, unit, source, label, description) -> Parameter:
    return Parameter(name, "uncertainty", type_, default, low, high, unit, source, label,
                     description, "world", "general")


A = "assumption"

LEVERS: tuple[Parameter, ...] = (
    # --- general ---------------------------------------------------------------------------
    _lever("ai_budget_share", "float", 0.0005, 0.0001, 0.005, "share of GDP per year",
           A + " (order of magnitude of public AI programmes, e.g. Singapore's)",
           "Public AI budget",
           "Yearly public spending on AI, as a share of GDP; funds services and investments."),
    _lever("contract_term", "int", 8, 2, 20, "quarters", A,
           "Contract length",
           "How long a workflow's supply contract runs before it is re-tendered."),
    # --- possession --------------------------------------------------------------------------
    _lever("national_model", "bool", False, False, True, "on/off", A,
           "Build a national model",
           "Start a national foundation-model programme if the budget can afford it.",
           group="possession"),
    _lever("ours_premium", "float", 0.0, 0.0, 0.5, "utility points", A,
           "'Ours' premium",
           "Extra weight procurement gives the state's own national model over others.",
           group="possession"),
    _lever("domestic_compute_share", "float", 0.0, 0.0, 0.3, "share of AI budget", A,
           "Domestic compute investment",
           "Share of the AI budget spent building national data-centre and chip capacity.",
           group="possession"),
    _lever("possessive_rhetoric", "float", 0.1, 0.0, 1.0, "0-1 scale", A,
           "Possessive rhetoric",
           "How loudly the state frames AI as 'ours, ours, ours'; erodes regional trust.",
           group="possession"),
    # --- coordination ------------------------------------------------------------------------
    _lever("own_evaluation_share", "float", 0.02, 0.0, 0.2, "share of AI budget", A,
           "Own evaluation capacity",
           "Share of the AI budget spent on the state's own testing and evaluation capacity.",
           group="coordination"),
    _lever("procurement_capacity_share", "float", 0.02, 0.0, 0.2, "share of AI budget", A,
           "Procurement capacity",
           "Share of the AI budget spent on contract and procurement skills.",
           group="coordination"),
    _lever("member", "bool", True, False, True, "on/off",
           "ASEAN membership (SOURCES.md: 11 members since 26 Oct 2025)",
           "Member of the regional body",
           "Whether the state takes part in the regional body's pooled arrangements.",
           group="coordination"),
    _lever("regional_contribution_share", "float", 0.0, 0.0, 0.1, "share of AI budget",
           A + " (PAHO members pay 3-3.5% as working capital, SOURCES.md)",
           "Contribution to the regional body",
           "Share of the AI budget paid into pooled evaluation and joint procurement.",
           group="coordination"),
    _lever("interop_standards", "float", 0.0, 0.0, 1.0, "adoption 0-1", A,
           "Interoperability standards",
           "How fully the state's systems follow open interoperability standards; cuts lock-in.",
           group="coordination"),
    _lever("diversification_cap", "float", 1.0, 0.2, 1.0, "max supplier share",
           A + " (cf. HHI thresholds in the 2023 US Merger Guidelines, SOURCES.md)",
           "Diversification cap",
           "No supplier may win new contracts once it holds this share of a layer's workflows.",
           group="coordination"),
    _lever("require_evaluation", "bool", False, False, True, "on/off", A,
           "Evaluate before high-stakes use",
           "High-stakes workflows may only go to suppliers the state (or its pool) has evaluated.",
           group="coordination"),
    # --- regional body -----------------------------------------------------------------------
    _lever("pooled_evaluation", "bool", False, False, True, "on/off",
           "ASEAN AI Safety Network (declared 26 Oct 2025, SOURCES.md)",
           "Pooled evaluation",
           "The regional body tests suppliers once and shares the results with every member.",
           scope="region", group="coordination"),
    _lever("joint_procurement", "bool", False, False, True, "on/off",
           "pooled procurement cut prices 11-44% in health (PAHO, OECS; SOURCES.md)",
           "Joint procurement",
           "Members bargain with suppliers as one bloc.",
           scope="region", group="coordination"),
    _lever("shared_standards", "float", 0.0, 0.0, 1.0, "level 0-1", A,
           "Shared regional standards",
           "Level of the interoperability standard the regional body agrees for all members.",
           scope="region", group="coordination"),
)

UNCERTAINTIES: tuple[Parameter, ...] = (
    _unc("language_need", "float", 0.5, 0.05, 0.95, "mean share 0-1", A,
         "Local-language need",
         "Average share of a workflow's work that needs the local language (Beta(4m, 4(1-m)))."),
    _unc("frontier_quality_growth", "float", 0.03, 0.0, 0.1, "share of remaining gap per quarter",
         A, "Frontier progress",
         "How fast frontier model quality closes the gap to the ceiling each quarter."),
    _unc("compute_cost_decline", "float", 0.04, 0.0, 0.1, "share per quarter", A,
         "Compute cost decline", "Quarterly fall in suppliers' unit costs."),
    _unc("restriction_rate", "float", 0.0, 0.0, 0.1, "probability per bloc per quarter",
         A + " (AI Diffusion Rule tiers, Jan-May 2025; SOURCES.md)",
         "Random export controls",
         "Chance each quarter that a bloc restricts model and compute supply to some states."),
    _unc("restriction_duration", "int", 8, 1, 40, "quarters", A,
         "Length of random restrictions", "How long a randomly drawn restriction lasts."),
    _unc("base_markup", "float", 0.6, 0.1, 1.5, "share of unit cost", A,
         "Supplier markup", "Markup a supplier charges a buyer with no bargaining power."),
    _unc("max_bargaining_power", "float", 0.7, 0.2, 1.0, "share of markup", A,
         "Ceiling on buyer power",
         "Largest share of the markup even the strongest buyer can bargain away."),
    _unc("demand_half_saturation", "float", 20.0, 2.0, 200.0, "USD m per quarter",
         A + " (saturating pooling gain, Chipty & Snyder 1999; SOURCES.md)",
         "Demand for half the size effect",
         "Quarterly spend at which a buyer gets half the bargaining effect of size."),
    _unc("lockin_growth", "float", 0.1, 0.02, 0.4, "share of remaining depth per quarter",
         A + " (Klemperer 1987; Ofcom 2023; SOURCES.md)", "Lock-in growth",
         "How fast a workflow becomes entangled with its supplier."),
    _unc("switching_cost_max", "float", 1.0, 0.2, 3.0, "years of spend",
         A + " (re-platforming 35-60% of deployment cost [low], SOURCES.md)",
         "Maximum switching cost",
         "Cost to leave a fully locked-in, non-portable supplier, in years of its spend."),
    _unc("standards_effect", "float", 0.6, 0.0, 1.0, "share of switching cost removed", A,
         "Effect of standards", "Share of switching cost that full interoperability removes."),
    _unc("migration_max_quarters", "int", 6, 1, 16, "quarters", A,
         "Maximum migration time",
         "Outage of a fully locked-in workflow forced off a cut-off supplier."),
    _unc("evaluation_effectiveness", "float", 0.7, 0.2, 1.0, "share of risk removed", A,
         "Evaluation effectiveness",
         "Share of the extra incident risk that evaluating a supplier removes."),
    _unc("evaluation_half_capacity", "float", 20.0, 2.0, 200.0, "USD m of capacity stock", A,
         "Evaluation capacity for half effect",
         "Accumulated evaluation investment giving half of full testing capacity."),
    _unc("evaluation_staleness", "float", 0.25, 0.0, 1.0, "probability per quarter",
         A + " (roughly one major model release a year)", "Evaluations going stale",
         "Chance each quarter that a supplier's new release voids earlier evaluations."),
    _unc("capacity_depreciation", "float", 0.05, 0.0, 0.2, "share per quarter", A,
         "Capacity depreciation", "Quarterly loss of evaluation, procurement and compute stocks."),
    _unc("national_model_capex", "float", 30.0, 3.0, 300.0, "USD m",
         "SGP S$70 m, ThaiLLM 120 m baht (SOURCES.md)", "National model build cost",
         "Up-front cost of a national model programme, paid over its build time."),
    _unc("national_model_opex", "float", 1.5, 0.1, 20.0, "USD m per quarter", A,
         "National model running cost", "Quarterly cost of keeping a national model going."),
    _unc("national_model_learning_rate", "float", 0.08, 0.01, 0.3, "share of gap per quarter",
         A, "National model learning rate",
         "How fast a national model closes the gap to its quality ceiling."),
    _unc("incident_base_rate", "float", 0.01, 0.0, 0.1, "per high-stakes workflow per quarter",
         A, "Incident base rate",
         "Quarterly incident chance of a high-stakes workflow on a 95%-reliable supply chain,\n"
         "before the extra risk of unevaluated use."),
    _unc("unevaluated_risk_multiplier", "float", 2.0, 0.0, 6.0, "extra risk multiple", A,
         "Risk of unevaluated use",
         "Extra incident risk, as a multiple of base, of deploying without evaluation."),
    _unc("cohesion_sensitivity", "float", 0.04, 0.0, 0.2, "trust per quarter",
         A + " (Jervis 1978, SOURCES.md)", "Cohesion sensitivity",
         "How strongly rhetoric and visible joint gains move members' trust."),
)


def _const(name, type_, default, low, high, unit, source, label, description) -> Parameter:
    return Parameter(name, "constant", type_, default, low, high, unit, source, label,
                     description, "world", "general")


#: Structural numbers: documented like the rest, fixed in scenarios (change them in code).
CONSTANTS: tuple[Parameter, ...] = (
    _const("workflows_base", "int", 6, 1, 20, "workflows", A, "Workflows of the smallest state",
           "Workflows per state: base + scale x readiness x log10(1 + GDP in US$ bn) "
           "+ population scale x log10(1 + population in millions)."),
    _const("workflows_scale", "float", 10.0, 0.0, 30.0, "workflows", A, "Workflow scaling",
           "How fast the workflow count grows with AI readiness and economic size."),
    _const("workflows_population_scale", "float", 2.0, 0.0, 10.0, "workflows", A,
           "Workflows from population",
           "How the workflow count grows with population (more people to serve)."),
    _const("high_stakes_share", "float", 0.35, 0.0, 1.0, "share of workflows", A,
           "High-stakes share", "Share of workflows that are high stakes (health, benefits, ...)."),
    _const("high_stakes_weight", "float", 3.0, 1.0, 10.0, "weight", A, "High-stakes weight",
           "Stakes weight of a high-stakes workflow (routine = 1)."),
    _const("service_budget_share", "float", 0.5, 0.1, 0.9, "share of AI budget", A,
           "Service share at reference prices",
           "Calibration: workflow volume is set so services cost this share of the budget at t=0."),
    _const("national_model_build_quarters", "int", 4, 1, 12, "quarters", A,
           "National model build time", "Quarters from launch to first deployable release."),
    _const("national_model_affordability", "float", 2.0, 0.5, 10.0, "years of AI budget", A,
           "Affordability threshold",
           "A state builds only if the capex is at most this many years of its AI budget."),
    _const("national_model_ceiling", "float", 0.85, 0.5, 1.0, "share of frontier quality",
           A + " (from-scratch national LLMs are 1-8B parameters, SOURCES.md)",
           "National model ceiling", "Best quality a national model can reach, vs the frontier."),
    _const("trust_exit_threshold", "float", 0.2, 0.0, 0.5, "trust 0-1", A, "Exit threshold",
           "A member whose trust falls below this leaves the regional body for good."),
    _const("initial_trust", "float", 0.6, 0.0, 1.0, "trust 0-1", A, "Initial trust",
           "Members' trust in the regional body at the start."),
    _const("trust_noise", "float", 0.01, 0.0, 0.1, "trust per quarter", A, "Trust noise",
           "Standard deviation of the quarterly random shock to each member's trust."),
    _const("procurement_noise", "float", 0.05, 0.0, 0.5, "utility points", A,
           "Procurement noise", "Scale of idiosyncratic (Gumbel) taste in each tender."),
    _const("price_weight", "float", 0.3, 0.0, 2.0, "utility per reference price", A,
           "Price sensitivity", "Weight of price, relative to a reference price, in tenders."),
    _const("compute_half_capacity", "float", 200.0, 10.0, 2000.0, "USD m of capacity stock",
           A, "Compute for half effect",
           "Domestic compute stock giving half of full national compute capacity."),
    _const("datacenter_mw_value", "float", 0.2, 0.0, 20.0, "USD m of compute stock per MW",
           A + " (MW figures are order of magnitude only, SOURCES.md)", "Initial compute per MW",
           "Initial domestic compute stock credited per MW of data-centre capacity."),
    _const("restricted_chip_access", "float", 0.2, 0.0, 1.0, "share of normal access", A,
           "Chip access under export control",
           "Share of normal chip access left while a bloc restricts compute to a state."),
    _const("shortage_chip_access", "float", 0.5, 0.0, 1.0, "share of normal access", A,
           "Chip access in a shortage", "Ceiling on every state's chip access during a shortage."),
    _const("initial_evaluation_readiness", "float", 0.2, 0.0, 2.0, "half-capacity stocks", A,
           "Initial evaluation from readiness",
           "Initial evaluation stock per unit of AI readiness (0-1), in half-capacity stocks."),
    _const("initial_evaluation_body", "float", 1.0, 0.0, 5.0, "half-capacity stocks",
           "eval bodies in asean_states.csv (AI Verify SGP; ETDA AIGC THA)",
           "Initial evaluation from an existing body",
           "Extra initial evaluation stock of a state with an evaluation body."),
    _const("initial_procurement_readiness", "float", 0.5, 0.0, 2.0, "half-capacity stocks", A,
           "Initial procurement from readiness",
           "Initial procurement stock per unit of AI readiness (0-1), in half-capacity stocks."),
    _const("initial_lockin_max", "float", 0.8, 0.0, 1.0, "depth 0-1", A,
           "Initial lock-in", "Initial lock-in depths are uniform between 0 and this value."),
    _const("open_weight_talent_floor", "float", 0.7, 0.0, 1.0, "share of quality", A,
           "Open weights without talent",
           "Share of open-weight quality a state gets with zero talent; the rest scales "
           "with talent (AI readiness)."),
)

PARAMETERS: dict[str, Parameter] = {p.name: p for p in LEVERS + UNCERTAINTIES}
CONSTANT_VALUES: dict[str, float | int | bool] = {p.name: p.default for p in CONSTANTS}
STATE_LEVERS = tuple(p for p in LEVERS if p.scope == "state")
REGION_LEVERS = tuple(p for p in LEVERS if p.scope == "region")


def _out(name, family, unit, low, high, label, description, level="state") -> Outcome:
    return Outcome(name, family, unit, low, high, label, description, level)


STATE_OUTCOMES: tuple[Outcome, ...] = (
    _out("supplier_hhi", "dependence", "HHI 0-10,000", 0, 10_000, "Supplier concentration",
         "Herfindahl index of stakes-weighted supplier shares, mean of model and compute layers."),
    _out("external_share", "dependence", "share", 0, 1, "External share",
         "Share of stakes-weighted supply (both layers) from suppliers outside the region."),
    _out("largest_supplier_share", "dependence", "share", 0, 1, "Largest supplier share",
         "Largest single supplier's stakes-weighted share, in the more concentrated layer."),
    _out("bargaining_power", "leverage", "share 0-1", 0, 1, "Bargaining power",
         "Buyer's share of the supplier markup it can bargain away (mean of both layers)."),
    _out("markup_paid", "leverage", "share of unit cost", 0, None, "Markup paid",
         "Average markup over unit cost on the services the state buys."),
    _out("spend", "cost", "USD m per quarter", 0, None, "Spend",
         "Spending this quarter: services, investments, national model, contributions."),
    _out("cumulative_cost", "cost", "USD m", 0, None, "Cumulative cost",
         "Total spend since the start of the run."),
    _out("cost_per_workflow", "cost", "USD m per workflow", 0, None, "Cost per workflow served",
         "Spend this quarter divided by the number of workflows served."),
    _out("evaluated_share", "control", "share", 0, 1, "Evaluated high-stakes share",
         "Share of high-stakes workflows whose model supplier has been independently evaluated."),
    _out("switching_cost_ratio", "control", "years of spend", 0, None, "Switching-cost ratio",
         "Cost to leave all current suppliers divided by a year's spend on them."),
    _out("control_index", "control", "index 0-1", 0, 1, "Control index",
         "Mean of evaluated share, bargaining power and switchability 1/(1+switching-cost ratio)."),
    _out("possession_index", "possession", "index 0-1", 0, 1, "Possession index",
         "Nationally owned share of the value chain: model, compute and training layers."),
    _out("service_continuity", "resilience", "share", 0, 1, "Service continuity",
         "Share of workflows served this quarter."),
    _out("outage_quarters", "resilience", "quarters", 0, None, "Outage (cumulative)",
         "Cumulative lost service, in quarters of full outage."),
    _out("incidents", "harm", "count per quarter", 0, None, "Incidents",
         "High-stakes incidents this quarter."),
    _out("public_value", "value", "index 0-1", 0, 1, "Public value",
         "Stakes-weighted quality x language fit of served workflows, net of incidents."),
    _out("trust", "region", "0-1", 0, 1, "Trust in the regional body",
         "The state's trust in the regional body; it leaves below the exit threshold."),
    _out("member", "region", "0/1", 0, 1, "Member",
         "1 while the state takes part in the regional body."),
)

REGION_OUTCOMES: tuple[Outcome, ...] = (
    _out("cohesion", "region", "0-1", 0, 1, "Cohesion",
         "Mean trust of current members; scales the body's effectiveness.", "region"),
    _out("members", "region", "count", 0, None, "Members",
         "Number of states in the regional body.", "region"),
    _out("pooled_evaluation_capacity", "region", "0-1", 0, 1, "Pooled evaluation capacity",
         "The body's testing capacity, before scaling by cohesion.", "region"),
)

#: State outcomes aggregated into the region frame: summed ones, the rest are means.
SUMMED_OUTCOMES = frozenset({"spend", "cumulative_cost", "incidents", "outage_quarters"})
OUTCOMES: dict[str, Outcome] = {o.name: o for o in STATE_OUTCOMES + REGION_OUTCOMES}

#: Outcomes a short summary shows, grouped as in the design's families.
SUMMARY_OUTCOMES = ("largest_supplier_share", "bargaining_power", "cumulative_cost",
                    "control_index", "possession_index")


def suggest(name: str, choices) -> str:
    """A ' (did you mean X?)' hint for a misspelt name, or ''."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def defaults(kind: str | None = None) -> dict[str, float | int | bool]:
    """Default values of all parameters, or only of ``kind`` ('lever' or 'uncertainty')."""
    return {p.name: p.default for p in PARAMETERS.values() if kind in (None, p.kind)}
