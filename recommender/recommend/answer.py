"""The answer for one farm: the one typed shape every entry point gives.

The API returns :class:`Answer` as its response schema, ``recommender
recommend --format json`` prints it, and batch scoring writes it flattened
(:func:`flat_columns`: nested fields joined by ``_``, lists of text joined,
intervals as two columns). Units: t C/ha (0-30 cm) for stocks, t C/ha/yr for
gains, t CO2e/ha/yr for CO2 equivalents, USD/ha for costs.
"""

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from recommender.inputs.errors import FieldError
from recommender.knowledge.catalogue import Cobenefits, Cost
from recommender.vocabulary import Family

EXAMPLE: dict[str, Any] = {
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
_RECOMMENDATION = EXAMPLE["recommendations"][0]


def _examples(example: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


# The gain fields of a recommendation and of a bundle (declared in each, in
# the same order, so the JSON reads the same everywhere).
ExpectedGain = Annotated[float, Field(description="Expected SOC gain, t C/ha/yr (0-30 cm)")]
Interval = Annotated[list[float], Field(
    min_length=2, max_length=2, description="10-90 % interval [p10, p90] of the expected gain, t C/ha/yr",
    json_schema_extra={"flat": ["interval_p10_t_c_ha_yr", "interval_p90_t_c_ha_yr"]})]
GainCO2e = Annotated[float, Field(description="The gain in CO2 equivalent, t CO2e/ha/yr (x 44/12)")]
ShareOfTarget = Annotated[float, Field(description="Gain / the farm's 4 per 1000 target")]
MeetsTarget = Annotated[bool, Field(description="Whether the gain reaches the 4 per 1000 target")]


class Recommendation(BaseModel):
    """One ranked practice."""

    model_config = _examples(_RECOMMENDATION)

    rank: int = Field(ge=1)
    practice_id: str
    name: str
    family: Family
    expected_gain_t_c_ha_yr: ExpectedGain
    interval_t_c_ha_yr: Interval
    expected_gain_t_co2e_ha_yr: GainCO2e
    share_of_4p1000_target: ShareOfTarget
    meets_4p1000: MeetsTarget
    gain_over_horizon_t_c_ha: float = Field(description="Gain summed over horizon_years, until saturation")
    years_to_saturation: float
    cobenefits: Cobenefits
    cost: Cost
    rationale: str = Field(description="The Tier 1 factors and published rates behind the gain, "
                                       "and the trained model's correction")
    caveats: list[str]


class Bundle(BaseModel):
    """The best set of compatible practices adopted together."""

    model_config = _examples(EXAMPLE["bundle"])

    practice_ids: list[str]
    expected_gain_t_c_ha_yr: ExpectedGain
    interval_t_c_ha_yr: Interval
    expected_gain_t_co2e_ha_yr: GainCO2e
    share_of_4p1000_target: ShareOfTarget
    meets_4p1000: MeetsTarget


class Baseline(BaseModel):
    """The farm's current stock and its 4 per 1000 target."""

    model_config = _examples(EXAMPLE["baseline"])

    soc_t_ha: float = Field(description="Current SOC stock, t C/ha, 0-30 cm")
    soc_source: Literal["measured", "ipcc_tier1"]
    soil_class: str = Field(description="IPCC soil class used (stated or derived)")
    target_4p1000_t_c_ha_yr: float = Field(description="0.4 % of the stock per year")


class ModelStamp(BaseModel):
    """The model that answered."""

    model_config = _examples(EXAMPLE["model"])

    version: str
    trained_at: str


class Answer(BaseModel):
    """Ranked, explained practices for one farm."""

    model_config = _examples(EXAMPLE)

    farm_id: str | None
    baseline: Baseline
    recommendations: list[Recommendation]
    bundle: Bundle | None = Field(description="None when no practice has a positive expected gain, "
                                              "or bundle_size is 0")
    model: ModelStamp


_BATCH_EXAMPLE: list[Any] = [
    {"index": 0, "status": "ok", "farm_id": "demo-001", "answer": EXAMPLE, "errors": None},
    {"index": 1, "status": "invalid", "farm_id": "demo-002", "answer": None,
     "errors": [{"field": "land_use", "problem": "Field required", "allowed": None}]},
]


class BatchItem(BaseModel):
    """The answer for one farm of a batch, or why it could not be answered."""

    model_config = ConfigDict(json_schema_extra={"examples": _BATCH_EXAMPLE})

    index: int = Field(ge=0, description="Position of the farm in the request")
    status: Literal["ok", "invalid"]
    farm_id: str | None
    answer: Answer | None
    errors: list[FieldError] | None


def flat_columns(model: type[BaseModel], prefix: str = "") -> list[tuple[tuple[str, ...], str, type]]:
    """``(path, column, type)`` of every leaf of ``model``, as batch scoring writes it.

    Nested models are joined with ``_`` (``cost.usd_ha_min`` ->
    ``cost_usd_ha_min``; ``cost.class`` by its JSON name); a field may name its
    own columns (``json_schema_extra={"flat": [...]}``, one per list item).
    ``type`` is ``float``, ``int``, ``bool`` or ``str`` (text, lists of text
    joined). Lists of models are not flattened (a row of batch output is one
    of them).
    """
    columns = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        annotation = field.annotation
        nested = _model_of(annotation)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if nested is not None and get_origin(annotation) is not list:
            columns += [((name, *path), column, kind)
                        for path, column, kind in flat_columns(nested, f"{prefix}{key}_")]
        elif "flat" in extra:
            item = get_args(annotation)[0]
            names = extra["flat"]
            assert isinstance(names, list)
            columns += [((name, str(i)), f"{prefix}{column}", item) for i, column in enumerate(names)]
        elif nested is None:
            columns.append(((name,), f"{prefix}{key}", _leaf_type(annotation)))
    return columns


def _leaf_type(annotation) -> type:
    """``float``, ``int``, ``bool`` or ``str`` for a leaf's annotation."""
    for kind in (bool, int, float):  # bool first: it is an int
        if annotation is kind or kind in get_args(annotation):
            return kind
    return str


def _model_of(annotation) -> type[BaseModel] | None:
    """The model class in ``annotation`` (``M``, ``M | None``, ``list[M]``), if any."""
    candidates = [annotation, *get_args(annotation)]
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
