"""Request and response schemas of the HTTP API (inputs and outputs kept apart).

Inputs reuse the library's :class:`~recommender.context.FarmContext`, so a
farm is validated the same way everywhere; outputs describe exactly the JSON
``recommender.recommend`` produces. Units: t C/ha (0-30 cm) for stocks,
t C/ha/yr for gains, t CO2e/ha/yr for CO2 equivalents, USD/ha for costs.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from recommender.inputs.farm import FarmContext
from recommender.knowledge.practices import COST_CLASSES
from recommender.recommend.ranking import OBJECTIVES
from recommender.recommend.records import BUNDLE_SIZE_RANGE, HORIZON_YEARS_RANGE, TOP_K_RANGE, Options
from recommender.vocabulary import Family

EXAMPLE_FARM = FarmContext.model_config["json_schema_extra"]["examples"][0]

# -- inputs -------------------------------------------------------------------


class RankingOptions(BaseModel):
    """How to rank the practices of a farm."""

    top_k: Annotated[int, Field(ge=TOP_K_RANGE[0], le=TOP_K_RANGE[1],
                                description="How many practices to return")] = 5
    objective: Annotated[Literal[OBJECTIVES], Field(
        description="carbon: expected gain; robust: 10 % quantile of the gain; cost: gain per "
                    "USD/ha; balanced: half gain, half co-benefits")] = "carbon"
    horizon_years: Annotated[float, Field(
        ge=HORIZON_YEARS_RANGE[0], le=HORIZON_YEARS_RANGE[1],
        description="Years over which gain_over_horizon_t_c_ha sums the gain (saturation applies)")] = 20.0
    bundle_size: Annotated[int, Field(ge=BUNDLE_SIZE_RANGE[0], le=BUNDLE_SIZE_RANGE[1],
                                      description="Most practices in the bundle; 0 for no bundle")] = 3

    def options(self) -> Options:
        return Options(objective=self.objective, top_k=self.top_k, bundle_size=self.bundle_size,
                       horizon_years=self.horizon_years)


class RecommendationRequest(RankingOptions, FarmContext):
    """One farm (field) and how to rank its practices."""

    model_config = ConfigDict(json_schema_extra={
        "examples": [{**EXAMPLE_FARM, "top_k": 5, "objective": "carbon", "horizon_years": 20, "bundle_size": 3}]
    })


class BatchRequest(RankingOptions):
    """Several farms ranked with the same options."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"farms": [EXAMPLE_FARM, {**EXAMPLE_FARM, "farm_id": "demo-002", "land_use": "grassland",
                                               "current_practices": []}],
                      "objective": "robust", "top_k": 3}]
    })

    # Each farm is validated on its own, so that one bad farm is answered in
    # place instead of failing the request: the schema accepts any object.
    farms: Annotated[
        list[Annotated[dict[str, Any], WithJsonSchema({
            "type": "object", "additionalProperties": True,
            "description": "A farm: the fields of POST /v1/recommendations without the options",
        })]],
        Field(min_length=1, description="Farms; at most RECOMMENDER_MAX_BATCH_FARMS (100 by default)"),
    ]


# -- outputs ------------------------------------------------------------------

RESPONSE_EXAMPLE = {
    "farm_id": "demo-001",
    "baseline": {"soc_t_ha": 46.368, "soc_source": "ipcc_tier1", "soil_class": "HAC",
                 "target_4p1000_t_c_ha_yr": 0.185472},
    "recommendations": [{
        "rank": 1, "practice_id": "compost", "name": "Compost", "family": "agroecology",
        "expected_gain_t_c_ha_yr": 1.035, "interval_t_c_ha_yr": [0.761, 1.344],
        "expected_gain_t_co2e_ha_yr": 3.797, "share_of_4p1000_target": 5.58, "meets_4p1000": True,
        "gain_over_horizon_t_c_ha": 20.71, "years_to_saturation": 20.0,
        "cobenefits": {"erosion_resistance": 1, "water_retention": 2, "fertility": 3, "biodiversity": 2},
        "cost": {"class": "medium", "usd_ha_min": 50.0, "usd_ha_max": 300.0},
        "rationale": "IPCC Tier 1 F_I medium -> high_with_manure (1.00 -> 1.44, warm temperate moist, "
                     "cropland table). Tier 1 prior 1.020 t C/ha/yr; trained model +0.015 -> 1.035 t C/ha/yr",
        "caveats": ["Compost from outside the farm moves carbon rather than removing it from the air "
                    "(leakage)."],
    }],
    "bundle": {"practice_ids": ["compost", "cover_crops", "no_till"], "expected_gain_t_c_ha_yr": 1.6,
               "interval_t_c_ha_yr": [1.2, 2.0], "expected_gain_t_co2e_ha_yr": 5.87,
               "share_of_4p1000_target": 8.6, "meets_4p1000": True},
    "model": {"version": "20261125T104722Z-9afcfb6e", "trained_at": "2026-11-25T10:47:22+00:00"},
}


class FieldError(BaseModel):
    """One problem with the input."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"field": "land_use", "problem": "Field required", "allowed": None}]})

    field: str = Field(description="Dotted path of the field, '(body)' for the body as a whole")
    problem: str
    allowed: list[str] | None = Field(description="Allowed values, where they are a list")


class ValidationErrorResponse(BaseModel):
    """HTTP 422: the input does not validate."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": [{
        "field": "climate_zone", "problem": "Input should be 'tropical_montane', ... or 'polar_dry'",
        "allowed": ["tropical_montane", "tropical_wet", "...", "polar_dry"]}]}]})

    detail: list[FieldError]


class ErrorResponse(BaseModel):
    """Any other error (400, 401, 404, 409, 413, 503)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "missing or unknown X-API-Key"}]})

    detail: str


_RECOMMENDATION = RESPONSE_EXAMPLE["recommendations"][0]


class Cobenefits(BaseModel):
    """Effect on the four ecosystem services of soil organic matter, 0 (none) to 3."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RECOMMENDATION["cobenefits"]]})

    erosion_resistance: int
    water_retention: int
    fertility: int
    biodiversity: int


class Cost(BaseModel):
    """Indicative cost, USD/ha/yr (negative: a net saving)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [_RECOMMENDATION["cost"]]})

    cost_class: Literal[COST_CLASSES] = Field(alias="class")
    usd_ha_min: float
    usd_ha_max: float


# The gain fields of a recommendation and of a bundle (declared in each, in
# the order of the library's answer, so the JSON reads the same everywhere).
ExpectedGain = Annotated[float, Field(description="Expected SOC gain, t C/ha/yr (0-30 cm)")]
Interval = Annotated[list[float], Field(min_length=2, max_length=2, description="10-90 % interval [p10, p90]")]
GainCO2e = Annotated[float, Field(description="The gain in CO2 equivalent, t CO2e/ha/yr (x 44/12)")]
ShareOfTarget = Annotated[float, Field(description="Gain / the farm's 4 per 1000 target")]


class Recommendation(BaseModel):
    """One ranked practice."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RECOMMENDATION]})

    rank: int = Field(ge=1)
    practice_id: str
    name: str
    family: Family
    expected_gain_t_c_ha_yr: ExpectedGain
    interval_t_c_ha_yr: Interval
    expected_gain_t_co2e_ha_yr: GainCO2e
    share_of_4p1000_target: ShareOfTarget
    meets_4p1000: bool
    gain_over_horizon_t_c_ha: float = Field(description="Gain summed over horizon_years, until saturation")
    years_to_saturation: float
    cobenefits: Cobenefits
    cost: Cost
    rationale: str = Field(description="The Tier 1 factors and published rates behind the gain, "
                                       "and the trained model's correction")
    caveats: list[str]


class Bundle(BaseModel):
    """The best set of compatible practices adopted together."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSE_EXAMPLE["bundle"]]})

    practice_ids: list[str]
    expected_gain_t_c_ha_yr: ExpectedGain
    interval_t_c_ha_yr: Interval
    expected_gain_t_co2e_ha_yr: GainCO2e
    share_of_4p1000_target: ShareOfTarget
    meets_4p1000: bool


class Baseline(BaseModel):
    """The farm's current stock and its 4 per 1000 target."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSE_EXAMPLE["baseline"]]})

    soc_t_ha: float = Field(description="Current SOC stock, t C/ha, 0-30 cm")
    soc_source: Literal["measured", "ipcc_tier1"]
    soil_class: str = Field(description="IPCC soil class used (stated or derived)")
    target_4p1000_t_c_ha_yr: float = Field(description="0.4 % of the stock per year")


class ModelStamp(BaseModel):
    """The model that answered."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSE_EXAMPLE["model"]]})

    version: str
    trained_at: str


class RecommendationResponse(BaseModel):
    """Ranked, explained practices for one farm."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSE_EXAMPLE]})

    farm_id: str | None
    baseline: Baseline
    recommendations: list[Recommendation]
    bundle: Bundle | None = Field(description="None when no practice has a positive expected gain, "
                                              "or bundle_size is 0")
    model: ModelStamp


_BATCH_EXAMPLE = {"results": [
    {"index": 0, "status": "ok", "farm_id": "demo-001", "answer": RESPONSE_EXAMPLE, "errors": None},
    {"index": 1, "status": "invalid", "farm_id": "demo-002", "answer": None,
     "errors": [{"field": "land_use", "problem": "Field required", "allowed": None}]},
]}


class BatchItem(BaseModel):
    """The answer for one farm of a batch, or why it could not be answered."""

    model_config = ConfigDict(json_schema_extra={"examples": _BATCH_EXAMPLE["results"]})

    index: int = Field(ge=0, description="Position of the farm in the request")
    status: Literal["ok", "invalid"]
    farm_id: str | None
    answer: RecommendationResponse | None
    errors: list[FieldError] | None


class BatchResponse(BaseModel):
    """One item per farm of the request, in its order."""

    model_config = ConfigDict(json_schema_extra={"examples": [_BATCH_EXAMPLE]})

    results: list[BatchItem]


_RATE = {"mean": 0.32, "low": 0.16, "high": 0.48, "source": "poeplau_don_2015",
         "interval": "95% CI (mean +/- 2 SE)", "depth_cm": 22.0, "note": "meta-analysis of 139 plots"}
_SOURCE = {"key": "ipcc2019_v4_ch5", "citation": "IPCC (2019) 2019 Refinement, Vol. 4, Ch. 5 Cropland, Table 5.5",
           "doi_or_url": "https://www.ipcc-nggip.iges.or.jp/public/2019rf/vol4.html"}
_PRACTICE = {
    "id": "reduced_tillage", "name": "Reduced tillage", "family": "conservation_agriculture",
    "description": "Replace ploughing with shallow or strip tillage.", "land_uses": ["cropland"],
    "climate_zones": ["warm_temperate_moist"], "degradation": ["none", "moderate", "severe"],
    "conflicts_with": ["no_till"], "effect": {"sets": {"tillage": "reduced_tillage"}, "rate": None},
    "cobenefits": {"erosion_resistance": 2, "water_retention": 1, "fertility": 1, "biodiversity": 1},
    "cobenefits_source": "estimate", "cost": {"class": "low", "usd_ha_min": -20.0, "usd_ha_max": 30.0,
                                              "basis": "per ha per year", "source": "estimate"},
    "years_to_saturation": 20.0, "caveats": [], "sources": [_SOURCE]}


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

    model_config = ConfigDict(json_schema_extra={"examples": [
        _PRACTICE["effect"], {"sets": {}, "rate": _RATE}]})

    sets: dict[str, str] = Field(description="IPCC Tier 1 state levels the practice sets")
    rate: Rate | None


class CostDetail(Cost):
    """Indicative cost with its basis and source."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PRACTICE["cost"]]})

    basis: str
    source: str


class Source(BaseModel):
    """A reference behind a practice's figures."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SOURCE]})

    key: str
    citation: str
    doi_or_url: str


class Practice(BaseModel):
    """One practice of the catalogue."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PRACTICE]})

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


class ModelInfo(BaseModel):
    """The model in service: its manifest (training data, library versions, metrics)."""

    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [{
        "version": "20261125T104722Z-9afcfb6e", "trained_at": "2026-11-25T10:47:22+00:00",
        "metrics": {}, "manifest": {"format_version": 1, "version": "20261125T104722Z-9afcfb6e"}}]})

    version: str
    trained_at: str
    metrics: dict[str, Any]
    manifest: dict[str, Any]


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether a model is loaded; ``detail`` says why not, ``warning`` what is
    wrong while the loaded model keeps serving (a damaged ``IN_SERVICE``
    pointer, a promoted model that does not load). No paths are given."""

    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"status": "ready", "model_version": "20261125T104722Z-9afcfb6e", "detail": None, "warning": None},
        {"status": "ready", "model_version": "20261125T104722Z-9afcfb6e", "detail": None,
         "warning": "PointerError: <path> is not text (damaged); put a model in service with "
                    "`recommender model promote VERSION` (see `recommender model list`)"}]})

    status: Literal["ready", "not_ready"]
    model_version: str | None
    detail: str | None = Field(description="Why no model is loaded (not_ready only)")
    warning: str | None = Field(
        default=None, description="Ready, but the model in service cannot be followed: the pointer is "
                                  "damaged or names a model that does not load; the model_version keeps serving")
