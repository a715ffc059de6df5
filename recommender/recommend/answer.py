"""The answer for one farm: the one typed shape every entry point gives.

The API returns :class:`Answer` as its response schema, ``recommender
recommend --format json`` prints it, and batch scoring writes it flattened
(``recommender.recommend.flat``). Units: t C/ha (0-30 cm) for stocks,
t C/ha/yr for gains, t CO2e/ha/yr for CO2 equivalents and emissions, USD/ha
for costs. A yearly gain holds for ``years_to_saturation`` years (the IPCC
transition); then the stock stays at ``equilibrium_soc_t_ha``.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from recommender.inputs.errors import FieldError
from recommender.knowledge.catalogue import Cobenefits, Cost
from recommender.recommend.example import EXAMPLE, SCENARIO_EXAMPLE
from recommender.vocabulary import Family

_RECOMMENDATION = EXAMPLE["recommendations"][0]


def _examples(example: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class Trajectory(BaseModel):
    """The field's stock year by year if it adopts the practice now, by one method."""

    model_config = _examples(_RECOMMENDATION["trajectories"][0])

    method: str = Field(description="model: the answer's own expected gain (the model in service); "
                                    "ipcc_tier1: the accounting alone (IPCC Tier 1 and relative effects); "
                                    "rothc: the RothC process model from today's stock (absent where RothC "
                                    "does not apply: paddy rice)")
    years: list[float] = Field(description="Years from now, 0 to the horizon")
    soc_t_ha: list[float] = Field(description="SOC stock, t C/ha, 0-30 cm")


class Emissions(BaseModel):
    """Extra greenhouse gases the practice causes, t CO2e/ha/yr (GWP100, IPCC AR6)."""

    model_config = _examples(_RECOMMENDATION["emissions_t_co2e_ha_yr"])

    n2o: float = Field(description="N2O from the nitrogen it adds (IPCC 2019 Vol. 4 Ch. 11)")
    ch4: float = Field(description="CH4 from organic amendments of a paddy (IPCC 2019 Vol. 4 Ch. 5)")


class Outcome(BaseModel):
    """What adopting a practice, or a set of practices, does for the field and the climate."""

    model_config = _examples(SCENARIO_EXAMPLE["scenarios"][0]["outcome"])

    expected_gain_t_c_ha_yr: float = Field(
        description="Expected SOC gain, t C/ha/yr (0-30 cm), for years_to_saturation years, capped at capacity")
    interval_t_c_ha_yr: list[float] = Field(
        min_length=2, max_length=2, json_schema_extra={"flat": ["interval_p10_t_c_ha_yr", "interval_p90_t_c_ha_yr"]},
        description="10-90 % interval [p10, p90] of the EXPECTED gain: the uncertainty of the mean effect "
                    "(IPCC's +/- ranges, the model's quantiles), not what one field will see")
    field_range_t_c_ha_yr: list[float] = Field(
        min_length=2, max_length=2, json_schema_extra={"flat": ["field_range_p10_t_c_ha_yr",
                                                                "field_range_p90_t_c_ha_yr"]},
        description="10-90 % range [p10, p90] of what ONE field may see: the between-site spread fitted on "
                    "paired field observations (SoilHealthDB)")
    structural_range_t_c_ha_yr: list[float] = Field(
        min_length=2, max_length=2, json_schema_extra={"flat": ["structural_range_low_t_c_ha_yr",
                                                                "structural_range_high_t_c_ha_yr"]},
        description="[lowest, highest] yearly gain over the horizon across the methods of `trajectories` "
                    "(trained model, IPCC Tier 1, RothC): how far the models disagree")
    accounting_prior_t_c_ha_yr: float = Field(
        description="The accounting's gain alone (IPCC Tier 1 and relative effects, capped at capacity): the "
                    "prior that the trained model corrects into expected_gain_t_c_ha_yr")
    expected_gain_t_co2e_ha_yr: float = Field(description="The gain in CO2 equivalent, t CO2e/ha/yr (x 44/12)")
    share_of_4p1000_target: float = Field(description="Gain / the farm's 4 per 1000 target")
    meets_4p1000: bool = Field(description="Whether the gain reaches the 4 per 1000 target")
    years_to_saturation: float = Field(description="Years the yearly gain holds; then the stock is at equilibrium")
    gain_over_horizon_t_c_ha: float = Field(description="Stock gained by the horizon: the first trajectory's last "
                                                        "minus first value")
    soc_at_horizon_t_c_ha: float = Field(description="The stock at the horizon, t C/ha")
    equilibrium_soc_t_ha: float = Field(description="The stock the field tends to with the practice, t C/ha")
    capped_by_capacity: bool = Field(description="Whether the soil's carbon capacity limited the gain")
    carbon_origin: Literal["removal", "transfer", "mixed"] = Field(
        description="removal: CO2 taken from the air on this field; transfer: carbon brought from elsewhere; mixed")
    carbon_origin_reason: str
    emissions_t_co2e_ha_yr: Emissions
    net_climate_t_co2e_ha_yr: float = Field(
        description="The gain taken from the air (removal share x CO2e) minus the emissions the practice causes; "
                    "carbon brought from elsewhere counts zero (leakage)")
    trajectories: list[Trajectory] = Field(description="The first is the path of this answer's expected gain")


class PracticeHead(BaseModel):
    rank: int = Field(ge=1)
    practice_id: str
    name: str
    family: Family


class Recommendation(Outcome, PracticeHead):
    """One ranked practice."""

    model_config = _examples(_RECOMMENDATION)

    cobenefits: Cobenefits
    cost: Cost
    rationale: str = Field(description="The factors, effects and methods behind the gain, whether the trained "
                                       "model raises or lowers the accounting prior, and the capacity cap where "
                                       "it binds")
    caveats: list[str]


class Members(BaseModel):
    practice_ids: list[str]


class Bundle(Outcome, Members):
    """The best set of compatible practices adopted together (never more than the sum of their gains)."""

    model_config = _examples(EXAMPLE["bundle"])


class Baseline(BaseModel):
    """The farm's current stock, its soil's capacity and its 4 per 1000 target."""

    model_config = _examples(EXAMPLE["baseline"])

    soc_t_ha: float = Field(description="Current SOC stock, t C/ha, 0-30 cm")
    soc_source: Literal["measured", "ipcc_tier1"]
    soil_class: str = Field(description="IPCC soil class used (stated or derived)")
    capacity_t_c_ha: float = Field(
        description="The soil's SOC ceiling, t C/ha, 0-30 cm (recommender/data/capacity.csv)")
    target_4p1000_t_c_ha_yr: float = Field(description="0.4 % of the stock per year")
    input_needed_for_4p1000_t_c_ha_yr: float | None = Field(
        description="Extra carbon input a year (plant residues, t C/ha/yr) that raises the stock by 4 per 1000 "
                    "a year on average over 20 years under RothC (None where RothC does not apply)")
    input_needed_for_4p1000_residue_dm_t_ha_yr: float | None = Field(
        description="The same as crop-residue dry matter, t DM/ha/yr (0.45 t C/t DM)")
    input_needed_for_4p1000_manure_dm_t_ha_yr: float | None = Field(
        description="The same reached with cattle farmyard manure instead, t DM/ha/yr (solved as manure, which "
                    "decomposes differently; 0.428 t C/t DM)")


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


class ScenarioResult(BaseModel):
    """One set of practices the user asked about: its outcome, or why it cannot be adopted."""

    model_config = _examples(SCENARIO_EXAMPLE["scenarios"][-1])

    practice_ids: list[str]
    status: Literal["ok", "invalid"]
    errors: list[FieldError] | None
    outcome: Outcome | None = Field(description="As a bundle's: gain, both ranges, trajectories, equilibrium, "
                                                "capacity, origin, emissions, net climate")


class ScenarioAnswer(BaseModel):
    """The outcome of each set of practices asked about, in the order asked."""

    model_config = _examples(SCENARIO_EXAMPLE)

    farm_id: str | None
    baseline: Baseline
    scenarios: list[ScenarioResult]
    model: ModelStamp
