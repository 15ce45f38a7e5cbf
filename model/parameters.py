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
           "Yearly public spending on AI, as a share of GDP; every quarter's spending must fit "
           "in it (services, investments, fees, national model, switching)."),
    _lever("contract_term", "int", 8, 2, 20, "quarters", A,
           "Contract length",
           "How long a workflow's supply contract runs before it is re-tendered."),
    # --- possession --------------------------------------------------------------------------
    _lever("national_model", "bool", False, False, True, "on/off", A,
           "Build a national model",
           "Start a national model programme where none exists, if the budget can afford it "
           "(programmes that exist today continue in every scenario).",
           group="possession"),
    _lever("national_model_from_scratch", "bool", False, False, True, "on/off",
           "SEA-LION, Typhoon, Sahabat-AI adapt open-weight bases; MaLLaM, PhoGPT were "
           "trained from scratch (SOURCES.md)",
           "Train from scratch",
           "A new programme trains its own base model instead of adapting an open-weight one "
           "(dearer and slower, but not capped by the open base's quality).",
           group="possession"),
    _lever("retire_national_model", "bool", False, False, True, "on/off", A,
           "Retire the national model",
           "Stop the state's national model programme: it wins no new contracts, its workflows "
           "move to other suppliers as their contracts end, and its running cost stops once "
           "none is left.",
           group="possession"),
    _lever("ours_premium", "float", 0.0, 0.0, 0.5, "quality points", A,
           "'Ours' premium",
           "Extra weight procurement gives the state's own national model and compute.",
           group="possession"),
    _lever("domestic_compute_share", "float", 0.0, 0.0, 0.3, "share of AI budget", A,
           "Domestic compute investment",
           "Share of the AI budget spent building nationally owned data-centre capacity.",
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
    _lever("regional_contribution_share", "float", 0.0, 0.0, 0.1, "share of AI budget", A,
           "Voluntary contribution",
           "Extra voluntary contribution to the regional body's testing and procurement "
           "capacity, on top of the fees its arrangements charge.",
           group="coordination"),
    _lever("interop_standards", "float", 0.0, 0.0, 1.0, "adoption 0-1", A,
           "Interoperability standards",
           "Target adoption of open interoperability standards: cuts lock-in, but adopting "
           "costs money and time and running to the standard costs a little every quarter.",
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
           "The regional body tests suppliers once and shares the results with every member; "
           "members share its running cost and a cost per evaluation.",
           scope="region", group="coordination"),
    _lever("joint_procurement", "bool", False, False, True, "on/off",
           "pooled procurement cut prices 11-44% in health (PAHO, OECS; SOURCES.md)",
           "Joint procurement",
           "Members bargain with suppliers as one bloc and pay one bloc price, plus a fee on "
           "pooled purchases.",
           scope="region", group="coordination"),
    _lever("shared_standards", "float", 0.0, 0.0, 1.0, "level 0-1", A,
           "Shared regional standards",
           "Level of the interoperability standard the regional body agrees; members adopt it "
           "(and pay for adopting it) as far as cohesion holds.",
           scope="region", group="coordination"),
)

UNCERTAINTIES: tuple[Parameter, ...] = (
    # --- world and technology ------------------------------------------------------------
    _unc("language_need", "float", 0.5, 0.05, 0.95, "mean share 0-1",
         A + " (per-state offsets in model/data/language_need.csv)", "Local-language need",
         "Regional mean share of a workflow's work that needs a local language; each state's "
         "need is this plus its documented offset."),
    _unc("frontier_quality_growth", "float", 0.03, 0.0, 0.1, "share of remaining gap per quarter",
         A, "Frontier progress",
         "How fast frontier model quality closes the gap to the ceiling each quarter."),
    _unc("compute_cost_decline", "float", 0.04, 0.0, 0.1, "share per quarter", A,
         "Compute cost decline", "Quarterly fall in suppliers' unit costs."),
    _unc("usage_growth", "float", 0.04, 0.0, 0.1, "share per quarter",
         A + " (public AI use grows as it gets cheaper)", "Usage growth",
         "Quarterly growth of each workflow's volume of AI use."),
    _unc("restriction_rate", "float", 0.0, 0.0, 0.1, "probability per bloc per quarter",
         A + " (AI Diffusion Rule tiers, Jan-May 2025; SOURCES.md)",
         "Random export controls",
         "Chance each quarter that a bloc restricts model and compute supply to some states."),
    _unc("restriction_duration", "int", 8, 1, 40, "quarters", A,
         "Length of random restrictions", "How long a randomly drawn restriction lasts."),
    # --- market --------------------------------------------------------------------------
    _unc("base_markup", "float", 0.6, 0.1, 1.5, "share of unit cost",
         A + " (CMA 2025: returns 'substantially above the cost of capital', SOURCES.md)",
         "Supplier markup", "Markup a supplier charges a buyer with no bargaining power."),
    _unc("max_bargaining_power", "float", 0.7, 0.2, 1.0, "share of markup", A,
         "Ceiling on buyer power",
         "Largest share of the markup even the strongest buyer can bargain away."),
    _unc("demand_half_saturation", "float", 20.0, 2.0, 200.0, "USD m per quarter",
         A + " (saturating pooling gain, Chipty & Snyder 1999; SOURCES.md)",
         "Demand for half the size effect",
         "Quarterly spend at which a buyer gets half the bargaining effect of size."),
    _unc("share_markup_slope", "float", 1.0, 0.0, 3.0, "markup multiple per unit share",
         A + " (Lerner: markup rises with market share)", "Market power from share",
         "How much a supplier's markup rises per unit of regional share above its initial "
         "share (and falls below it)."),
    _unc("scarcity_markup", "float", 1.0, 0.0, 3.0, "markup multiple at full capacity",
         A + " (EU COVID vaccines: pooled buyers had 'limited leverage' under scarcity, ECA "
         "2022, SOURCES.md)", "Scarcity pricing",
         "Extra markup multiple a supplier charges as its regional capacity fills up."),
    _unc("capacity_headroom", "float", 1.5, 1.05, 3.0, "capacity / initial load", A,
         "Supplier headroom",
         "Each supplier's capacity for the region, as a multiple of its initial load: how much "
         "substitute supply exists after a shock."),
    _unc("capacity_expansion", "float", 0.05, 0.0, 0.2, "share per quarter at full capacity",
         A, "Capacity expansion",
         "How fast a supplier adds regional capacity when its capacity is full."),
    _unc("price_weight", "float", 0.3, 0.05, 1.5, "quality points per reference price", A,
         "Price sensitivity", "Weight of price, relative to a reference price, in tenders."),
    # --- lock-in and standards -----------------------------------------------------------
    _unc("lockin_growth", "float", 0.1, 0.02, 0.4, "share of remaining depth per quarter",
         A + " (Klemperer 1987; Ofcom 2023; SOURCES.md)", "Lock-in growth",
         "How fast a workflow becomes entangled with its supplier."),
    _unc("switching_cost_max", "float", 1.0, 0.2, 3.0, "years of spend",
         A + " (re-platforming 35-60% of deployment cost [low], SOURCES.md)",
         "Maximum switching cost",
         "Cost to leave a fully locked-in, non-portable supplier, in years of its spend."),
    _unc("standards_effect", "float", 0.6, 0.0, 1.0, "share of switching cost removed", A,
         "Effect of standards", "Share of switching cost that full interoperability removes."),
    _unc("standards_adoption_cost", "float", 0.25, 0.05, 0.6, "years of service spend",
         A + " (bounded by re-platforming at 35-60% of deployment [low], SOURCES.md)",
         "Cost of adopting standards",
         "One-off cost of going from no to full interoperability, in years of service spend."),
    _unc("standards_running_cost", "float", 0.02, 0.0, 0.1, "share of service spend", A,
         "Cost of running to standards",
         "Quarterly compliance overhead of full interoperability, as a share of service spend."),
    _unc("migration_max_quarters", "int", 6, 1, 16, "quarters",
         A + " (documented cut-offs lasted 8 days to indefinite, SOURCES.md)",
         "Maximum migration time",
         "Outage of a fully locked-in workflow forced off a cut-off supplier."),
    _unc("outage_cost_factor", "float", 1.0, 0.2, 3.0, "reference prices per quarter",
         A + " (indirect losses exceed direct ones, Inoue & Todo 2019, SOURCES.md)",
         "Cost of an outage",
         "Emergency and fallback cost of a workflow left unserved by a cut-off, per quarter, "
         "in multiples of its reference price."),
    # --- evaluation and incidents --------------------------------------------------------
    _unc("evaluation_effectiveness", "float", 0.7, 0.2, 1.0, "share of risk removed", A,
         "Evaluation effectiveness",
         "Share of the extra incident risk that evaluating a supplier removes."),
    _unc("evaluation_half_capacity", "float", 20.0, 2.0, 200.0, "USD m of capacity stock", A,
         "Evaluation capacity for half effect",
         "Accumulated evaluation investment giving half of full testing capacity."),
    _unc("evaluation_staleness", "float", 0.25, 0.0, 1.0, "probability per quarter",
         A + " (roughly one major model release a year)", "Evaluations going stale",
         "Chance each quarter that a supplier's new release voids earlier evaluations."),
    _unc("evaluation_cost", "float", 0.5, 0.1, 3.0, "USD m per supplier evaluation", A,
         "Cost of one pooled evaluation",
         "What the regional body pays for each supplier evaluation it runs (shared by members)."),
    _unc("pooled_evaluation_running_cost", "float", 2.0, 0.5, 10.0, "USD m per quarter",
         A + " (ASEAN AI Safe secretariat, Kuala Lumpur 2026, SOURCES.md)",
         "Running cost of pooled testing",
         "Quarterly cost of the regional testing body itself, shared by members."),
    _unc("pool_cost_equal_share", "float", 0.5, 0.0, 1.0, "weight 0-1",
         A + " (ASEAN splits its secretariat budget equally; the UN by capacity to pay)",
         "Equal split of pooled costs",
         "Share of the pooled testing cost split equally among members; the rest is split in "
         "proportion to AI budgets."),
    _unc("capacity_depreciation", "float", 0.05, 0.0, 0.2, "share per quarter", A,
         "Capacity depreciation", "Quarterly loss of evaluation, procurement and compute stocks."),
    _unc("incident_base_rate", "float", 0.01, 0.0, 0.1, "per high-stakes workflow per quarter",
         A, "Incident base rate",
         "Quarterly incident chance of a high-stakes workflow on a 95%-reliable supply chain,\n"
         "before the extra risk of unevaluated use."),
    _unc("unevaluated_risk_multiplier", "float", 2.0, 0.0, 6.0, "extra risk multiple", A,
         "Risk of unevaluated use",
         "Extra incident risk, as a multiple of base, of deploying without evaluation."),
    # --- national programmes -------------------------------------------------------------
    _unc("national_model_capex", "float", 30.0, 3.0, 300.0, "USD m",
         "SGP S$70 m, ThaiLLM 120 m baht (SOURCES.md)", "National model build cost",
         "Up-front cost of training a national model from scratch, paid over its build time."),
    _unc("fine_tune_capex_share", "float", 0.25, 0.05, 0.6, "share of from-scratch capex",
         A + " (SEA-LION v3, Typhoon 2, Sahabat-AI adapt Gemma/Llama/Qwen, SOURCES.md)",
         "Cost of adapting an open base",
         "Capex of the fine-tune route (adapting an open-weight base) as a share of training "
         "from scratch."),
    _unc("national_model_opex", "float", 1.5, 0.1, 20.0, "USD m per quarter", A,
         "National model running cost", "Quarterly cost of keeping a national model going."),
    _unc("national_model_learning_rate", "float", 0.08, 0.01, 0.3, "share of gap per quarter",
         A, "National model learning rate",
         "How fast a national model closes the gap to its quality ceiling."),
    _unc("national_model_ceiling", "float", 0.85, 0.5, 1.0, "share of frontier quality",
         A + " (from-scratch national LLMs are 1-8B parameters, SOURCES.md)",
         "From-scratch ceiling", "Best quality a from-scratch model can reach, vs the frontier."),
    _unc("national_language_fit", "float", 0.95, 0.7, 1.0, "fit 0-1",
         A + " (SEA-LION: 11 regional languages, SOURCES.md)", "National model language fit",
         "How well a national model serves local-language work (open weights: 0.65)."),
    _unc("talent_spillover", "float", 0.3, 0.0, 0.6, "share of capacity gap closed", A,
         "Talent spillover",
         "How far the talent a national programme builds raises the state's evaluation and "
         "procurement capacity (at full programme experience)."),
    # --- regional body -------------------------------------------------------------------
    _unc("joint_procurement_fee", "float", 0.03, 0.01, 0.15, "share of pooled purchases",
         "PAHO Revolving Fund 3-3.5% of purchases; OECS PPS 15% surcharge (SOURCES.md)",
         "Joint procurement fee",
         "Fee members pay the regional body on purchases made through the bloc."),
    _unc("cohesion_sensitivity", "float", 0.04, 0.0, 0.2, "trust per quarter",
         A + " (Jervis 1978, SOURCES.md)", "Cohesion sensitivity",
         "How strongly rhetoric, free-riding and visible joint gains move members' trust."),
    _unc("initial_trust", "float", 0.6, 0.3, 0.9, "trust 0-1", A, "Initial trust",
         "Members' trust in the regional body at the start, and the level it reverts to."),
    _unc("trust_reversion", "float", 0.1, 0.0, 0.3, "share of gap per quarter", A,
         "Trust reversion",
         "How fast trust returns to its initial level absent news (0: a pure integrator)."),
    _unc("trust_exit_threshold", "float", 0.2, 0.05, 0.4, "trust 0-1", A, "Exit threshold",
         "A member whose trust falls below this leaves; it rejoins when trust recovers."),
    # --- how outcomes are weighed (composite indices) ------------------------------------
    _unc("control_weight_verified", "float", 0.25, 0.0, 1.0, "weight", A,
         "Control weight: verified use",
         "Weight of the evaluated share of high-stakes workflows in the control index."),
    _unc("control_weight_exit", "float", 0.25, 0.0, 1.0, "weight", A,
         "Control weight: ability to exit",
         "Weight of the share of spend movable within a contract term in the control index."),
    _unc("control_weight_price", "float", 0.25, 0.0, 1.0, "weight", A,
         "Control weight: price discipline",
         "Weight of unit cost over price paid in the control index."),
    _unc("control_weight_continuity", "float", 0.25, 0.0, 1.0, "weight", A,
         "Control weight: continuity",
         "Weight of service continuity in the control index."),
    _unc("possession_weight_model", "float", 0.5, 0.2, 0.8, "weight 0-1", A,
         "Possession weight: models",
         "Weight of national-model use in the possession index (the rest: national compute)."),
)


def _const(name, type_, default, low, high, unit, source, label, description) -> Parameter:
    return Parameter(name, "constant", type_, default, low, high, unit, source, label,
                     description, "world", "general")


#: Structural numbers: documented like the rest, fixed in scenarios (change them in code).
CONSTANTS: tuple[Parameter, ...] = (
    _const("workflows_base", "int", 30, 1, 100, "workflows", A,
           "Workflows of the smallest state",
           "Workflows per state: base + scale x readiness x log10(1 + GDP in US$ bn) "
           "+ population scale x log10(1 + population in millions); 30 keeps the smallest "
           "state's shares stable across seeds."),
    _const("workflows_scale", "float", 10.0, 0.0, 30.0, "workflows", A, "Workflow scaling",
           "How fast the workflow count grows with AI readiness and economic size."),
    _const("workflows_population_scale", "float", 4.0, 0.0, 10.0, "workflows", A,
           "Workflows from population",
           "How the workflow count grows with population (more people to serve)."),
    _const("high_stakes_share", "float", 0.35, 0.0, 1.0, "share of workflows", A,
           "High-stakes share", "Share of workflows that are high stakes (health, benefits, ...)."),
    _const("high_stakes_weight", "float", 3.0, 1.0, 10.0, "weight", A, "High-stakes weight",
           "Stakes weight of a high-stakes workflow (routine = 1)."),
    _const("service_budget_share", "float", 0.5, 0.1, 0.9, "share of AI budget", A,
           "Service share at reference prices",
           "Calibration: workflow volume is set so services cost this share of the status-quo "
           "budget at t=0."),
    _const("national_model_build_quarters", "int", 6, 1, 12, "quarters", A,
           "From-scratch build time", "Quarters from launch to a from-scratch model's release."),
    _const("fine_tune_build_quarters", "int", 2, 1, 12, "quarters", A,
           "Fine-tune build time", "Quarters from launch to an adapted model's release."),
    _const("national_model_affordability", "float", 2.0, 0.5, 10.0, "years of AI budget", A,
           "Affordability threshold",
           "A state launches only if the capex is at most this many years of its AI budget."),
    _const("national_model_start_quality", "float", 0.3, 0.0, 1.0, "quality 0-1", A,
           "From-scratch first release", "Quality of a from-scratch model at first release."),
    _const("fine_tune_start_share", "float", 0.8, 0.0, 1.0, "share of ceiling", A,
           "Fine-tune first release",
           "Quality of an adapted model at release, as a share of its base's quality."),
    _const("existing_national_share", "float", 0.05, 0.0, 0.5, "share of workflows", A,
           "Initial use of existing national models",
           "Share of a state's workflows on its existing national model at t=0."),
    _const("learning_compute_floor", "float", 0.5, 0.0, 1.0, "share of learning speed", A,
           "Learning without national compute",
           "Share of full learning speed a programme keeps with no national compute."),
    _const("talent_half_experience", "float", 20.0, 1.0, 200.0, "USD m of programme spend", A,
           "Programme experience for half spillover",
           "Cumulative programme spend giving half of the full talent spillover."),
    _const("language_need_concentration", "float", 4.0, 0.5, 50.0, "Beta a + b", A,
           "Spread of language need",
           "Concentration of the Beta distribution of workflows' language need around the "
           "state's mean (higher: workflows alike)."),
    _const("pooled_gain_weight", "float", 0.5, 0.0, 2.0, "trust gain per coverage", A,
           "Visible gain of pooled testing",
           "Trust gain per unit share of suppliers with a current pooled evaluation."),
    _const("voluntary_evaluation_share", "float", 0.5, 0.0, 1.0, "share", A,
           "Voluntary money to testing",
           "Share of voluntary contributions that builds pooled testing (the rest: the bloc's "
           "procurement capacity)."),
    _const("market_power_floor", "float", 0.2, 0.0, 1.0, "markup multiple", A,
           "Lowest market-power multiple",
           "Floor of the market-share markup multiple (a supplier that lost its share)."),
    _const("market_power_ceiling", "float", 3.0, 1.0, 10.0, "markup multiple", A,
           "Highest market-power multiple",
           "Ceiling of the market-share markup multiple."),
    _const("capacity_floor_share", "float", 0.05, 0.0, 0.5, "share of workflows", A,
           "Smallest supplier capacity",
           "A supplier's regional capacity is at least headroom x this share of all workflows "
           "(so a small incumbent can grow)."),
    _const("reentry_margin", "float", 0.1, 0.0, 0.5, "trust 0-1", A, "Re-entry margin",
           "A state that left rejoins once its trust exceeds the exit threshold by this much."),
    _const("trust_noise", "float", 0.01, 0.0, 0.1, "trust per quarter", A, "Trust noise",
           "Standard deviation of the quarterly random shock to each state's trust."),
    _const("rhetoric_own_weight", "float", 0.5, 0.0, 1.0, "weight", A,
           "Own rhetoric in pressure",
           "Weight of a state's own rhetoric (the rest: other members' mean) in the pressure "
           "on its trust."),
    _const("free_riding_weight", "float", 0.5, 0.0, 2.0, "pressure per free-rider share", A,
           "Free-riding pressure", "Pressure on trust per unit share of members in arrears."),
    _const("procurement_noise", "float", 0.05, 0.0, 0.5, "quality points", A,
           "Procurement noise", "Scale of idiosyncratic (Gumbel) taste in each tender."),
    _const("reliability_weight", "float", 5.0, 0.0, 20.0, "quality points per unreliability",
           A, "Weight of reliability",
           "Utility lost per point of perceived unreliability on a high-stakes workflow."),
    _const("weight_outside_options", "float", 0.3, 0.0, 1.0, "weight", A,
           "Bargaining: outside options", "Weight of outside options in bargaining power."),
    _const("weight_demand_size", "float", 0.3, 0.0, 1.0, "weight", A,
           "Bargaining: demand size", "Weight of demand size in bargaining power."),
    _const("weight_evaluation", "float", 0.2, 0.0, 1.0, "weight", A,
           "Bargaining: evaluation", "Weight of evaluation capacity in bargaining power."),
    _const("weight_procurement", "float", 0.2, 0.0, 1.0, "weight", A,
           "Bargaining: procurement skill", "Weight of procurement capacity in bargaining power."),
    _const("unevaluated_credibility", "float", 0.5, 0.0, 1.0, "alternative", A,
           "Credibility of an untested alternative",
           "An unevaluated alternative supplier counts as this much of an outside option."),
    _const("evaluation_noise", "float", 0.1, 0.0, 0.5, "quality points", A, "Evaluation error",
           "Standard deviation of an evaluation's error at zero capacity."),
    _const("reference_unreliability", "float", 0.05, 0.01, 0.5, "unreliability", A,
           "Reference unreliability",
           "Supply-chain unreliability at which the incident base rate applies."),
    _const("utilisation_threshold", "float", 0.8, 0.0, 0.99, "share of capacity", A,
           "Scarcity threshold", "Utilisation above which scarcity pricing and expansion start."),
    _const("exit_cost_threshold", "float", 0.5, 0.0, 3.0, "years of spend", A,
           "Movable spend threshold",
           "A workflow's spend counts as movable if leaving costs at most this many years of it."),
    _const("standards_adoption_rate", "float", 0.1, 0.01, 1.0, "level per quarter", A,
           "Standards adoption speed", "Largest rise in adopted standards level per quarter."),
    _const("compute_half_capacity", "float", 200.0, 10.0, 2000.0, "USD m of capacity stock",
           A, "Compute for half effect",
           "National compute stock giving half of its full effect on national-model learning."),
    _const("compute_capex_quarters", "float", 8.0, 1.0, 40.0, "quarters of reference price",
           A, "Cost of national hosting",
           "Compute stock needed to host one workflow, in quarters of its reference price."),
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



def _calibrated(params: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    """The declarations with the defaults ``sovsim calibrate`` fitted (model/data/
    calibration.yaml): the default becomes the fitted value, the source says which targets
    identify it and what it was before (the range is unchanged)."""
    from dataclasses import replace

    from .calibration import parameter_values, provenance

    fitted = parameter_values()
    out = []
    for p in params:
        entry = fitted.get(p.name)
        if entry is not None:
            value = p.check(entry["value"])
            p = replace(p, default=value, source=f"{provenance(entry['targets'])}; prior "
                        f"default {entry['previous']}: {p.source}")
        out.append(p)
    return tuple(out)


#: The declarations as written above, before calibration (``sovsim calibrate`` starts here).
DECLARED: dict[str, Parameter] = {p.name: p for p in UNCERTAINTIES + CONSTANTS}
UNCERTAINTIES = _calibrated(UNCERTAINTIES)
CONSTANTS = _calibrated(CONSTANTS)
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
         "Buyer's share of the supplier markup it bargains away (its own, or the bloc's under "
         "joint procurement; mean of both layers)."),
    _out("markup_paid", "leverage", "share of unit cost", 0, None, "Markup paid",
         "Average markup over unit cost on the services the state buys."),
    _out("budget", "cost", "USD m per quarter", 0, None, "AI budget",
         "The state's AI budget this quarter; spend never exceeds it."),
    _out("spend", "cost", "USD m per quarter", 0, None, "Spend",
         "Spending this quarter: services, outage fallback, switching, investments, national "
         "model, standards and regional fees."),
    _out("unfunded", "cost", "USD m per quarter", 0, None, "Unfunded commitments",
         "What the state wanted to spend this quarter but could not within its budget "
         "(deferred investment and services dropped)."),
    _out("cumulative_cost", "cost", "USD m", 0, None, "Cumulative cost",
         "Total spend since the start of the run."),
    _out("cost_per_workflow", "cost", "USD m per workflow", 0, None, "Cost per workflow served",
         "Spend this quarter divided by the number of workflows served."),
    _out("evaluated_share", "control", "share", 0, 1, "Evaluated high-stakes share",
         "Share of high-stakes workflows whose model supplier has been independently evaluated."),
    _out("exit_ability", "control", "share", 0, 1, "Ability to exit",
         "Share of service spend the state could move to another available supplier at a "
         "switching cost of at most the movable threshold (years of that spend)."),
    _out("price_discipline", "control", "share 0-1", 0, 1, "Price discipline",
         "Unit cost over price paid on the services bought (1 = paying cost)."),
    _out("switching_cost_ratio", "control", "years of spend", 0, None, "Switching-cost ratio",
         "Cost to leave all current suppliers divided by a year's spend on them."),
    _out("control_index", "control", "index 0-1", 0, 1, "Control index",
         "Weighted mean of evaluated share, ability to exit, price discipline and service "
         "continuity (weights are uncertainties)."),
    _out("national_model_share", "possession", "share", 0, 1, "On national models",
         "Stakes-weighted share of workflows running on the state's own national model."),
    _out("national_compute_share", "possession", "share", 0, 1, "On national compute",
         "Stakes-weighted share of workflows hosted on nationally owned compute."),
    _out("possession_index", "possession", "index 0-1", 0, 1, "Possession index",
         "Weighted mean of national-model and national-compute use (weight an uncertainty)."),
    _out("service_continuity", "resilience", "share", 0, 1, "Service continuity",
         "Share of workflows served this quarter."),
    _out("outage_quarters", "resilience", "quarters", 0, None, "Outage (cumulative)",
         "Cumulative lost service, in quarters of full outage."),
    _out("outage_cost", "resilience", "USD m per quarter", 0, None, "Outage cost",
         "Emergency and fallback cost of workflows cut off this quarter."),
    _out("incidents", "harm", "count per quarter", 0, None, "Incidents",
         "High-stakes incidents this quarter."),
    _out("public_value", "value", "index 0-1", 0, 1, "Public value",
         "Stakes-weighted quality x language fit of served workflows, net of incidents."),
    _out("standards_level", "control", "level 0-1", 0, 1, "Standards adopted",
         "Interoperability standards level the state has actually adopted (and paid for)."),
    _out("trust", "region", "0-1", 0, 1, "Trust in the regional body",
         "The state's trust in the regional body; it leaves below the exit threshold."),
    _out("member", "region", "true/false", 0, 1, "Member",
         "True while the state takes part in the regional body."),
)

REGION_OUTCOMES: tuple[Outcome, ...] = (
    _out("cohesion", "region", "0-1", 0, 1, "Cohesion",
         "Mean trust of current members; scales the body's effectiveness.", "region"),
    _out("members", "region", "count", 0, None, "Members",
         "Number of states in the regional body.", "region"),
    _out("pooled_evaluation_capacity", "region", "0-1", 0, 1, "Pooled evaluation capacity",
         "The body's testing capacity, before scaling by cohesion.", "region"),
    _out("pooled_evaluations", "region", "count per quarter", 0, None, "Pooled evaluations",
         "Supplier evaluations the regional body ran this quarter.", "region"),
)

#: State outcomes aggregated into the region frame: summed ones, the rest are means.
SUMMED_OUTCOMES = frozenset({"budget", "spend", "unfunded", "cumulative_cost", "incidents",
                             "outage_quarters", "outage_cost"})
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
