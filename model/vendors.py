"""Supplier archetypes: who sells AI capability to the region, and on what terms.

Suppliers are archetypes ("frontier lab, bloc A"), not real companies. Quality, reliability,
portability and language fit are on 0-1 scales; unit cost is relative to the reference
price of one workflow-quarter (frontier lab A or cloud A = 1.0). Every number is an
assumption unless its ``source`` says otherwise; see docs/ODD.md, "Suppliers".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Layer = Literal["model", "compute"]
VendorKind = Literal["frontier_lab", "hyperscale_cloud", "regional_vendor", "open_weight",
                     "national_programme"]

#: Blocs that are not "outside the region" for external-share purposes.
REGIONAL_BLOC = "region"
OPEN_BLOC = "open"


@dataclass(frozen=True)
class VendorArchetype:
    key: str
    label: str
    kind: VendorKind
    bloc: str  # "A", "B", "region", "open", or the owning state's ISO3
    layer: Layer
    quality: float  # true quality at t=0 (model layer; 1.0 for compute)
    hype: float  # claimed minus true quality
    unit_cost: float  # relative to the reference workflow-quarter price
    reliability: float  # true probability-like reliability
    claimed_reliability: float
    portability: float  # 1 = trivially portable, 0 = fully proprietary
    language_fit: float  # fit to local-language needs
    markup_factor: float  # multiplies the base markup (market power)
    progress_factor: float  # share of frontier quality growth it keeps up with
    initial_share: float  # share of each state's workflows in this layer at t=0
    source: str
    #: utility points in tenders for what the model does not represent (ecosystem,
    #: integration, support, skills): fitted to the initial shares (model/calibration.py)
    appeal: float = 0.0


ARCHETYPES: tuple[VendorArchetype, ...] = (
    VendorArchetype("frontier_a", "Frontier lab (bloc A)", "frontier_lab", "A", "model",
                    0.80, 0.08, 1.0, 0.95, 0.99, 0.3, 0.55, 1.2, 1.0, 0.60,
                    "initial share: a16z/Menlo enterprise shares, OpenAI+Anthropic 56-67% "
                    "[low] (SOURCES.md); rest assumption"),
    VendorArchetype("frontier_b", "Frontier lab (bloc B)", "frontier_lab", "B", "model",
                    0.75, 0.10, 0.8, 0.94, 0.99, 0.35, 0.55, 1.0, 1.0, 0.15, "assumption"),
    VendorArchetype("regional_model", "Regional model vendor", "regional_vendor", "region",
                    "model", 0.60, 0.10, 0.7, 0.92, 0.97, 0.6, 0.85, 0.8, 0.8, 0.10,
                    "assumption (cf. SeaLLMs, SEA-LION as regional multilingual models)"),
    VendorArchetype("open_weight", "Open-weight ecosystem", "open_weight", "open", "model",
                    0.70, 0.0, 0.5, 0.92, 0.92, 0.9, 0.65, 0.3, 0.9, 0.15,
                    "assumption; open weights cannot be withdrawn once downloaded"),
    VendorArchetype("cloud_a", "Hyperscale cloud (bloc A)", "hyperscale_cloud", "A", "compute",
                    1.0, 0.0, 1.0, 0.995, 0.999, 0.3, 1.0, 1.2, 0.0, 0.65,
                    "initial share: Synergy 2024, AWS+Microsoft+Google 63% of world cloud "
                    "(SOURCES.md)"),
    VendorArchetype("cloud_b", "Hyperscale cloud (bloc B)", "hyperscale_cloud", "B", "compute",
                    1.0, 0.0, 0.85, 0.99, 0.999, 0.35, 1.0, 1.0, 0.0, 0.20,
                    "assumption (Alibaba strong in SEA, Synergy 2020, SOURCES.md)"),
    VendorArchetype("regional_cloud", "Regional cloud", "regional_vendor", "region", "compute",
                    1.0, 0.0, 1.1, 0.98, 0.995, 0.6, 1.0, 0.8, 0.0, 0.15,
                    "assumption (local clouds ~1/5 of Vietnam's market, SOURCES.md)"),
)



def _with_appeal(archetypes: tuple[VendorArchetype, ...]) -> tuple[VendorArchetype, ...]:
    """The archetypes with the appeal ``sovsim calibrate`` fitted (model/data/
    calibration.yaml; 0 for a supplier it does not name)."""
    from dataclasses import replace

    from .calibration import supplier_appeal

    fitted = supplier_appeal()
    return tuple(replace(a, appeal=fitted.get(a.key, 0.0)) for a in archetypes)


ARCHETYPES = _with_appeal(ARCHETYPES)

#: A state's own national model programme (one slot per state, bloc = its ISO3). Its quality
#: and language fit come from the programme (M5); the numbers here are for serving it.
NATIONAL_PROGRAMME = VendorArchetype(
    "national", "National model programme", "national_programme", "", "model",
    0.30, 0.05, 0.3, 0.92, 0.97, 0.8, 0.95, 0.0, 0.0, 0.0,
    "assumption; unit cost is the marginal serving cost, capex and opex are paid separately; "
    "quality and language fit come from the programme (M5)")

#: Nationally owned compute (a government data centre): available once the state has built
#: some, up to the workflows its stock can host; served at running cost (the capex was paid
#: as investment), no markup.
NATIONAL_COMPUTE = VendorArchetype(
    "national_compute", "National compute", "national_programme", "", "compute",
    1.0, 0.0, 0.6, 0.98, 0.99, 0.8, 1.0, 0.0, 0.0, 0.0,
    "assumption: running cost only (capex paid as domestic compute investment); a smaller "
    "operator is less reliable than a hyperscaler")

#: The bloc whose chips every data centre in the region depends on (restricting its compute
#: also cuts chip access for national compute building and national model training).
CHIP_BLOC = "A"
