"""Controlled vocabularies of the farm context.

These are the schema of the input, not coefficients: every value here has a
row in a table of ``recommender/data`` (checked by the knowledge-base tests).
"""

from enum import StrEnum


class ClimateZone(StrEnum):
    """The 12 IPCC climate zones (2019 Refinement Vol. 4 Ch. 3 Annex 3A.5)."""

    TROPICAL_MONTANE = "tropical_montane"
    TROPICAL_WET = "tropical_wet"
    TROPICAL_MOIST = "tropical_moist"
    TROPICAL_DRY = "tropical_dry"
    WARM_TEMPERATE_MOIST = "warm_temperate_moist"
    WARM_TEMPERATE_DRY = "warm_temperate_dry"
    COOL_TEMPERATE_MOIST = "cool_temperate_moist"
    COOL_TEMPERATE_DRY = "cool_temperate_dry"
    BOREAL_MOIST = "boreal_moist"
    BOREAL_DRY = "boreal_dry"
    POLAR_MOIST = "polar_moist"
    POLAR_DRY = "polar_dry"


class SoilTexture(StrEnum):
    """The 12 USDA soil texture classes."""

    SAND = "sand"
    LOAMY_SAND = "loamy_sand"
    SANDY_LOAM = "sandy_loam"
    LOAM = "loam"
    SILT_LOAM = "silt_loam"
    SILT = "silt"
    SANDY_CLAY_LOAM = "sandy_clay_loam"
    CLAY_LOAM = "clay_loam"
    SILTY_CLAY_LOAM = "silty_clay_loam"
    SANDY_CLAY = "sandy_clay"
    SILTY_CLAY = "silty_clay"
    CLAY = "clay"


class SoilClass(StrEnum):
    """IPCC mineral soil classes (2019 Refinement Vol. 4 Ch. 3 Annex 3A.5)."""

    HAC = "HAC"
    LAC = "LAC"
    SANDY = "sandy"
    SPODIC = "spodic"
    VOLCANIC = "volcanic"
    WETLAND = "wetland"


class LandUse(StrEnum):
    """Land use of the farm's field, as extension agents describe it."""

    CROPLAND = "cropland"
    PERENNIAL_CROPLAND = "perennial_cropland"
    PADDY_RICE = "paddy_rice"
    GRASSLAND = "grassland"


class Degradation(StrEnum):
    """Degradation status of the field."""

    NONE = "none"
    MODERATE = "moderate"
    SEVERE = "severe"


class Family(StrEnum):
    """The four families of practices of the 4 per 1000 initiative."""

    AGROECOLOGY = "agroecology"
    AGROFORESTRY = "agroforestry"
    CONSERVATION_AGRICULTURE = "conservation_agriculture"
    LANDSCAPE_MANAGEMENT = "landscape_management"


class FactorRegion(StrEnum):
    """Climate regions in which IPCC Tables 5.5 and 6.2 give stock change factors."""

    COOL_TEMPERATE_BOREAL_DRY = "cool_temperate_boreal_dry"
    COOL_TEMPERATE_BOREAL_MOIST = "cool_temperate_boreal_moist"
    WARM_TEMPERATE_DRY = "warm_temperate_dry"
    WARM_TEMPERATE_MOIST = "warm_temperate_moist"
    TROPICAL_DRY = "tropical_dry"
    TROPICAL_MOIST = "tropical_moist"
    TROPICAL_WET = "tropical_wet"
    TROPICAL_MONTANE = "tropical_montane"


def allowed(enum: type[StrEnum]) -> str:
    """The allowed values of ``enum`` as one readable string for error messages."""
    return ", ".join(member.value for member in enum)
