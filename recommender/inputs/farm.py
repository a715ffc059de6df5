"""The farm context: what the engine needs to know about one field."""

import math
from functools import cache, lru_cache
from typing import Annotated, NamedTuple

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from recommender.inputs.soils import derive_soil_class
from recommender.knowledge import load_knowledge_base, practice_set_problems
from recommender.vocabulary import ClimateZone, Degradation, LandUse, SoilClass, SoilTexture

#: Longest farm identifier accepted (it is echoed in every answer and output row).
FARM_ID_MAX_LENGTH = 128
#: Smallest measured stock accepted, t C/ha (0-30 cm); even hyper-arid soils hold more.
MIN_STOCK_T_HA = 0.1
#: Largest: mineral soils stay far below; a larger figure is a unit mistake
#: (kg instead of t) or an organic soil, which IPCC treats apart.
MAX_STOCK_T_HA = 1000.0
#: Plausible bounds of a farm's monthly climate (outside: a unit or typing mistake).
_Month = Annotated[float, Field(strict=True, allow_inf_nan=False)]
MONTHLY_BOUNDS = {"monthly_temperature_c": (-70.0, 60.0), "monthly_rainfall_mm": (0.0, 5000.0),
                  "monthly_pan_evaporation_mm": (0.0, 5000.0)}


# Validation runs once per request in the service: the table look-ups it
# needs are cached (pandas indexing costs ~0.1 ms a call).
@lru_cache(maxsize=4096)
def _soil_class(
    texture: SoilTexture, zone: ClimateZone, clay_pct: float | None, stated: SoilClass | None
) -> SoilClass:
    return derive_soil_class(load_knowledge_base(), texture, zone, clay_pct, stated)


@cache
def _has_reference_stock(zone: str, soil_class: str) -> bool:
    stocks = load_knowledge_base().reference_stocks
    return not pd.isna(stocks.at[(zone, soil_class), "soc_ref_t_c_ha"])


class ContextKey(NamedTuple):
    """The categorical part of a farm: all the science needs besides a measured stock.

    ``soil_class`` is resolved (stated or derived) and ``current_practices``
    sorted, so two farms that the engine cannot tell apart share one key.
    ``soil_texture`` sets the soil's carbon capacity.
    """

    climate_zone: str
    soil_texture: str
    soil_class: str
    land_use: str
    degradation: str
    current_practices: tuple[str, ...]


class FarmContext(BaseModel):
    """One field of a farm. Stocks are t C/ha over 0-30 cm.

    Invalid values raise ``pydantic.ValidationError`` naming the field and the
    allowed values; unknown, inapplicable or contradictory current practices
    are refused with the reason.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "farm_id": "demo-001",
                    "climate_zone": "warm_temperate_moist",
                    "soil_texture": "silt_loam",
                    "land_use": "cropland",
                    "current_practices": ["reduced_tillage"],
                    "degradation": "none",
                    "area_ha": 12.5,
                }
            ]
        },
    )

    farm_id: Annotated[str | None, Field(max_length=FARM_ID_MAX_LENGTH,
                                         description="Your identifier, echoed back")] = None
    climate_zone: Annotated[ClimateZone, Field(description="IPCC climate zone (2019 Vol.4 Ch.3)")]
    soil_texture: Annotated[SoilTexture, Field(description="USDA texture class")]
    soil_class: Annotated[
        SoilClass | None,
        Field(description="IPCC soil class; derived from texture and climate when absent"),
    ] = None
    land_use: Annotated[LandUse, Field(description="Land use of the field")]
    degradation: Annotated[Degradation, Field(description="Degradation status")] = Degradation.NONE
    current_practices: Annotated[
        tuple[str, ...],
        Field(max_length=40, description="Catalogue ids of practices already in place"),
    ] = ()
    # Numbers are strict: a boolean or a numeric string is refused, not read as a number.
    clay_pct: Annotated[float | None, Field(strict=True, allow_inf_nan=False, ge=0, le=100,
                                            description="Clay content, %", json_schema_extra={"unit": "%"})] = None
    soc_t_ha: Annotated[
        float | None,
        # The lower bound keeps the 4 per 1000 target (0.4 % of the stock) a
        # divisor: a stock of ~1e-300 would make shares of it overflow.
        Field(strict=True, allow_inf_nan=False, ge=MIN_STOCK_T_HA, le=MAX_STOCK_T_HA, validate_default=True,
              description="Measured SOC stock, t C/ha, 0-30 cm", json_schema_extra={"unit": "t C/ha, 0-30 cm"}),
    ] = None
    area_ha: Annotated[float | None, Field(strict=True, allow_inf_nan=False, gt=0, le=1e7,
                                           description="Field area, ha", json_schema_extra={"unit": "ha"})] = None
    # The farm's own climate for RothC, January to December; when absent the
    # representative climate of the zone stands in (recommender/data/rothc_climates.csv).
    monthly_temperature_c: Annotated[tuple[_Month, ...] | None, Field(
        min_length=12, max_length=12, description="Mean air temperature of each month, January to December, deg C "
        "(RothC; all three monthly fields or none)", json_schema_extra={"unit": "deg C"})] = None
    monthly_rainfall_mm: Annotated[tuple[_Month, ...] | None, Field(
        min_length=12, max_length=12, description="Rainfall of each month, January to December, mm (RothC)",
        json_schema_extra={"unit": "mm"})] = None
    monthly_pan_evaporation_mm: Annotated[tuple[_Month, ...] | None, Field(
        min_length=12, max_length=12, validate_default=True,
        description="Open-pan evaporation of each month, January to December, mm "
        "(RothC; potential evapotranspiration / 0.75)", json_schema_extra={"unit": "mm"})] = None

    @field_validator("current_practices")
    @classmethod
    def _known_compatible_practices(cls, value: tuple[str, ...], info: ValidationInfo):
        land_use = info.data.get("land_use")
        problems = practice_set_problems(
            load_knowledge_base().practices,
            list(value),
            None if land_use is None else land_use.value,
            together="cannot both be current practices",
        )
        if problems:
            # The first problem alone: its "allowed:" list must end the message.
            raise ValueError(problems[0])
        value = tuple(dict.fromkeys(value))
        return value

    @field_validator("soc_t_ha")
    @classmethod
    def _stock_known(cls, value: float | None, info: ValidationInfo):
        if value is not None or not {"climate_zone", "soil_texture"} <= set(info.data):
            return value
        soil_class = _soil_class(
            info.data["soil_texture"],
            info.data["climate_zone"],
            info.data.get("clay_pct"),
            info.data.get("soil_class"),
        )
        zone = info.data["climate_zone"].value
        if not _has_reference_stock(zone, soil_class.value):
            raise ValueError(
                f"IPCC Table 2.3 gives no reference stock for {soil_class.value} soils in {zone}; "
                "give a measured soc_t_ha (t C/ha, 0-30 cm) or another soil_class"
            )
        return value

    @field_validator("monthly_temperature_c", "monthly_rainfall_mm", "monthly_pan_evaporation_mm")
    @classmethod
    def _plausible_months(cls, value: tuple[float, ...] | None, info: ValidationInfo):
        if value is None:
            return value
        low, high = MONTHLY_BOUNDS[info.field_name or ""]
        if not all(math.isfinite(v) and low <= v <= high for v in value):
            raise ValueError(f"each month must be a number in [{low:g}, {high:g}]")
        return value

    @field_validator("monthly_pan_evaporation_mm", mode="after")
    @classmethod
    def _whole_climate(cls, value: tuple[float, ...] | None, info: ValidationInfo):
        # The last of the three (validated even when absent): the others are in info.data by now.
        given: dict[str, object] = {name: info.data.get(name) for name in MONTHLY_BOUNDS}
        given["monthly_pan_evaporation_mm"] = value
        missing = sorted(name for name, months in given.items() if months is None)
        if missing and len(missing) < len(MONTHLY_BOUNDS):
            raise ValueError(f"a monthly climate needs all of {sorted(MONTHLY_BOUNDS)}; missing {missing}")
        return value

    @property
    def monthly_climate(self) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]] | None:
        """The farm's own (temperature, rainfall, open-pan evaporation) months, if given."""
        if self.monthly_temperature_c is None or self.monthly_rainfall_mm is None \
                or self.monthly_pan_evaporation_mm is None:
            return None
        return self.monthly_temperature_c, self.monthly_rainfall_mm, self.monthly_pan_evaporation_mm

    @property
    def resolved_soil_class(self) -> SoilClass:
        """The stated soil class, or the one derived by ``recommender.inputs.soils``."""
        return _soil_class(self.soil_texture, self.climate_zone, self.clay_pct, self.soil_class)

    @property
    def key(self) -> ContextKey:
        """The farm's categorical part (see :class:`ContextKey`)."""
        return ContextKey(
            self.climate_zone.value,
            self.soil_texture.value,
            self.resolved_soil_class.value,
            self.land_use.value,
            self.degradation.value,
            tuple(sorted(self.current_practices)),
        )
