"""The practice catalogue's public shape: what the API, the CLI and answers show of a practice."""

from dataclasses import asdict
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from recommender.knowledge import load_knowledge_base
from recommender.knowledge.practices import COBENEFIT_MAX, COST_CLASSES, Practice
from recommender.vocabulary import Family

_RATE: dict[str, Any] = {"mean": 0.32, "low": 0.16, "high": 0.48, "source": "poeplau_don_2015",
         "interval": "95% CI (mean +/- 2 SE)", "depth_cm": 22.0, "note": "meta-analysis of 139 plots"}
_SOURCE: dict[str, Any] = {
    "key": "ipcc2019_v4_ch5", "citation": "IPCC (2019) 2019 Refinement, Vol. 4, Ch. 5 Cropland, Table 5.5",
    "doi_or_url": "https://www.ipcc-nggip.iges.or.jp/public/2019rf/vol4.html"}
_EXAMPLE: dict[str, Any] = {
    "id": "reduced_tillage", "name": "Reduced tillage", "family": "conservation_agriculture",
    "description": "Replace ploughing with shallow or strip tillage.", "land_uses": ["cropland"],
    "climate_zones": ["warm_temperate_moist"], "degradation": ["none", "moderate", "severe"],
    "conflicts_with": ["no_till"], "effect": {"sets": {"tillage": "reduced_tillage"}, "rate": None},
    "cobenefits": {"erosion_resistance": 2, "water_retention": 1, "fertility": 1, "biodiversity": 1},
    "cobenefits_source": "estimate", "cost": {"class": "low", "usd_ha_min": -20.0, "usd_ha_max": 30.0,
                                              "basis": "per ha per year", "source": "estimate"},
    "years_to_saturation": 20.0, "caveats": [], "sources": [_SOURCE]}

Score = Annotated[int, Field(ge=0, le=COBENEFIT_MAX)]


class Cobenefits(BaseModel):
    """Effect on the four ecosystem services of soil organic matter, 0 (none) to 3 (strong)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE["cobenefits"]]})

    erosion_resistance: Score
    water_retention: Score
    fertility: Score
    biodiversity: Score


class Cost(BaseModel):
    """Indicative cost, USD/ha/yr (negative: a net saving)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"class": "medium", "usd_ha_min": 50.0, "usd_ha_max": 300.0}]})

    cost_class: Literal[COST_CLASSES] = Field(alias="class")  # type: ignore[valid-type]
    usd_ha_min: float
    usd_ha_max: float


class CostDetail(Cost):
    """Indicative cost with its basis and source."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE["cost"]]})

    basis: str
    source: str


class Rate(BaseModel):
    """A published SOC accrual rate, t C/ha/yr, with its interval."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RATE]})

    mean: float
    low: float
    high: float
    source: str
    interval: str
    depth_cm: float | None
    note: str


class Effect(BaseModel):
    """What a practice does: IPCC Tier 1 state levels it sets and/or a published rate."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE["effect"], {"sets": {}, "rate": _RATE}]})

    sets: dict[str, str] = Field(description="IPCC Tier 1 state levels the practice sets")
    rate: Rate | None


class Source(BaseModel):
    """A reference behind a practice's figures."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SOURCE]})

    key: str
    citation: str
    doi_or_url: str


class PracticeInfo(BaseModel):
    """One practice of the catalogue."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str
    name: str
    family: Family
    description: str
    land_uses: list[str]
    climate_zones: list[str]
    degradation: list[str]
    conflicts_with: list[str]
    effect: Effect
    cobenefits: Cobenefits
    cobenefits_source: str
    cost: CostDetail
    years_to_saturation: float
    caveats: list[str]
    sources: list[Source]


def practice_info(practice: Practice) -> PracticeInfo:
    """One practice in its public shape, with its sources resolved."""
    sources = load_knowledge_base().sources
    return PracticeInfo(
        id=practice.id,
        name=practice.name,
        family=practice.family,
        description=practice.description,
        land_uses=sorted(u.value for u in practice.land_uses),
        climate_zones=sorted(z.value for z in practice.climate_zones),
        degradation=sorted(d.value for d in practice.degradation),
        conflicts_with=sorted(practice.conflicts_with),
        effect=Effect(sets=dict(practice.sets), rate=Rate(**asdict(practice.rate)) if practice.rate else None),
        cobenefits=Cobenefits(**practice.cobenefits),
        cobenefits_source=practice.cobenefits_source,
        cost=CostDetail.model_validate({"class": practice.cost.cost_class, "usd_ha_min": practice.cost.usd_ha_min,
                                        "usd_ha_max": practice.cost.usd_ha_max, "basis": practice.cost.basis,
                                        "source": practice.cost.source}),
        years_to_saturation=practice.years_to_saturation,
        caveats=list(practice.caveats),
        sources=[Source(key=key, citation=sources[key]["citation"], doi_or_url=sources[key].get("doi_or_url", ""))
                 for key in practice.sources],
    )


@lru_cache(maxsize=1)
def catalogue() -> tuple[PracticeInfo, ...]:
    """Every practice of the catalogue, in catalogue order."""
    return tuple(practice_info(p) for p in load_knowledge_base().practices.values())
