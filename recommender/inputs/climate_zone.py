"""The IPCC climate zone of a site from its climate normals.

Decision rule of the IPCC 2019 Refinement, Vol. 4 Ch. 3 Annex 3A.5
(Figure 3A.5.2, with Corrigendum 1), applied in this order (thresholds and
coefficients, with their sources, in ``recommender/data/climate_zone_rule.csv``):

1. *Tropical* if MAT > 18 C and the site is frost-free (at most 7 frost days
   a year): *montane* above 1000 m elevation, else *wet* if MAP > 2000 mm,
   *moist* if 1000 < MAP <= 2000 mm, *dry* if MAP <= 1000 mm. PET is not used.
2. *Warm temperate* if MAT > 10 C; *cool temperate* if MAT > 0 C;
   otherwise *boreal*, or *polar* when every month is below 10 C.
3. Outside the tropics, *moist* if MAP / PET > 1, else *dry*.

PET (mm/yr) is taken from what is given, site by site (``pet_method``):

* ``given``: the PET supplied (best: IPCC's own map used a Penman-Monteith
  PET from CRU TS data);
* ``holdridge_monthly``: with 12 monthly mean temperatures, Holdridge's (1967)
  PET = 58.93 x biotemperature, the biotemperature being the mean of the
  months each clipped to 0-30 C. It needs no latitude (Thornthwaite's PET
  needs day lengths), and put seven stations of known zone (Saskatoon,
  Astana, Rothamsted, Montpellier, Kampala, Niamey, Manaus) in their zones;
* ``turc_annual``: with MAT alone, Turc's (1954) evaporative capacity
  L(T) = 300 + 25 T + 0.05 T^3 as a PET proxy. It also put the seven
  stations in their zones, where 58.93 x MAT put Saskatoon and Astana in
  *moist* (MAT averages away the warm season). It is biased low in strongly
  continental climates (cold winters, hot dry summers), so such sites lean
  *moist*; L reaches 0 at T = -10 C, below which every site is *moist*.

A site whose MAP / PET lies within 0.9-1.1 is flagged ``borderline``: the
proxies differ by more than that, so the moist/dry call may flip with a
better PET. Other approximations, used only where the input is missing:

* **Frost days**. When not given, MAT > 18 C is taken as frost-free.
* **Polar vs boreal** needs the warmest month: ``warmest_month_c``, else the
  warmest of the 12 months. Without either, a site with MAT <= 0 C is classed
  *boreal*: the polar zone lies beyond the tree line, where cropland and
  managed grassland are practically absent.

Missing MAT or MAP gives a missing zone; so does a missing elevation where
the site is tropical (montane cannot be told apart).
"""

from functools import cache
from typing import Annotated, Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from recommender.knowledge import load_knowledge_base
from recommender.knowledge.climate_rule import ClimateRule, load_climate_rule
from recommender.vocabulary import ClimateZone

MONTHS = 12
#: How the PET of a site was obtained (None: tropical, PET not used).
PetMethod = Literal["given", "holdridge_monthly", "turc_annual"]
#: How the rule text names each PET (``{holdridge}``: the coefficient of the rule table).
_PET_NOTE = {
    "given": "PET given",
    "holdridge_monthly": "PET: Holdridge {holdridge:g} x biotemperature from the 12 months",
    "turc_annual": "PET: Turc's L(T) from MAT",
}


@cache
def climate_rule() -> ClimateRule:
    """The rule's thresholds and coefficients (``climate_zone_rule.csv``), read once."""
    return load_climate_rule()


def turc_pet_mm(mat_c) -> np.ndarray:
    """Turc's (1954) evaporative capacity L(T) (mm/yr) from MAT (C), floored at 0.

    L = 300 + 25 T + 0.05 T^3 is the limit of Turc's annual actual
    evapotranspiration when rain is plentiful: a temperature-only evaporative
    demand, used here as a PET proxy when nothing better is given.
    """
    rule = climate_rule()
    t = np.asarray(mat_c, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        capacity = rule.turc_l_intercept_mm + rule.turc_l_linear_mm_per_c * t + rule.turc_l_cubic_mm_per_c3 * t**3
    return np.maximum(capacity, 0.0)


def holdridge_pet_mm(monthly_temperature_c) -> np.ndarray:
    """Holdridge's (1967) PET (mm/yr) from 12 monthly mean temperatures (C).

    PET = 58.93 x biotemperature, the biotemperature being the mean of the
    months each clipped to 0-30 C (plants do not grow below 0 C, nor faster
    above 30 C). ``monthly_temperature_c`` has the months on its last axis.
    """
    rule = climate_rule()
    months = np.asarray(monthly_temperature_c, dtype=float)
    if months.shape[-1:] != (MONTHS,):
        raise ValueError(f"monthly_temperature_c needs {MONTHS} values per site, got shape {months.shape}")
    biotemperature = np.clip(months, rule.biotemperature_min_c, rule.biotemperature_max_c).mean(axis=-1)
    return rule.holdridge_pet_mm_per_c * biotemperature


def _column(value, size: int) -> np.ndarray:
    if value is None:
        return np.full(size, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


def _months(value, size: int) -> np.ndarray:
    if value is None:
        return np.full((size, MONTHS), np.nan)
    months = np.asarray(value, dtype=float)
    if months.shape not in ((MONTHS,), (1, MONTHS), (size, MONTHS)):
        raise ValueError(f"monthly_temperature_c: {MONTHS} values per site, as one list or an array "
                         f"({size}, {MONTHS}); got shape {months.shape}")
    return np.broadcast_to(months, (size, MONTHS))


def _tropical(mat, frost) -> np.ndarray:
    """Tropical by temperature: MAT above the threshold and frost-free (unknown frost counts as free)."""
    rule = climate_rule()
    # Comparisons with NaN are False, so each mask is "known and true".
    return (mat > rule.tropical_min_mat_c) & ~(frost > rule.tropical_max_frost_days)


class _Sites(NamedTuple):
    """The inputs as aligned arrays, and what the rule made of them."""

    mat: np.ndarray
    rain: np.ndarray
    elevation: np.ndarray
    frost: np.ndarray
    warmest: np.ndarray
    zone: np.ndarray
    pet: np.ndarray
    pet_method: np.ndarray
    ratio: np.ndarray
    borderline: np.ndarray


def _decide(mat_c, map_mm, elevation_m, pet_mm, warmest_month_c, frost_days, monthly_temperature_c) -> _Sites:
    """The rule of the module docstring, vectorised over sites."""
    mat = np.atleast_1d(np.asarray(mat_c, dtype=float)).copy()
    size = mat.size
    rain, elevation, given = _column(map_mm, size), _column(elevation_m, size), _column(pet_mm, size)
    frost = _column(frost_days, size)
    months = _months(monthly_temperature_c, size)
    rule = climate_rule()

    months_known = np.isfinite(months).all(axis=1)
    warmest = _column(warmest_month_c, size)
    warmest = np.where(np.isnan(warmest) & months_known, months.max(axis=1), warmest)
    method = np.select([~np.isnan(given), months_known], ["given", "holdridge_monthly"], "turc_annual")
    pet = np.select([~np.isnan(given), months_known], [given, holdridge_pet_mm(months)], turc_pet_mm(mat))

    tropical = _tropical(mat, frost)
    extratropical = ~tropical & ~np.isnan(mat) & ~np.isnan(rain)
    # Products, not ratios: PET = 0 needs no special case (any rain is moist).
    moist = rain > rule.moist_min_map_over_pet * pet
    borderline = (extratropical & (pet > 0) & (rain >= rule.borderline_min_ratio * pet)
                  & (rain <= rule.borderline_max_ratio * pet))
    polar = warmest < rule.polar_max_warmest_month_c
    lowland = elevation <= rule.montane_min_elevation_m

    conditions = [
        tropical & (elevation > rule.montane_min_elevation_m),
        tropical & lowland & (rain > rule.tropical_wet_min_map_mm),
        tropical & lowland & (rain > rule.tropical_moist_min_map_mm) & (rain <= rule.tropical_wet_min_map_mm),
        tropical & lowland & (rain <= rule.tropical_moist_min_map_mm),
    ]
    choices = [ClimateZone.TROPICAL_MONTANE, ClimateZone.TROPICAL_WET, ClimateZone.TROPICAL_MOIST,
               ClimateZone.TROPICAL_DRY]
    cool = mat <= rule.warm_temperate_min_mat_c
    cold = mat <= rule.cool_temperate_min_mat_c
    bands = [
        (~cool, ClimateZone.WARM_TEMPERATE_MOIST, ClimateZone.WARM_TEMPERATE_DRY),
        (cool & ~cold, ClimateZone.COOL_TEMPERATE_MOIST, ClimateZone.COOL_TEMPERATE_DRY),
        (cold & polar, ClimateZone.POLAR_MOIST, ClimateZone.POLAR_DRY),
        (cold & ~polar, ClimateZone.BOREAL_MOIST, ClimateZone.BOREAL_DRY),
    ]
    for band, wet_zone, dry_zone in bands:
        conditions += [extratropical & band & moist, extratropical & band & ~moist]
        choices += [wet_zone, dry_zone]
    zones = np.select(conditions, [zone.value for zone in choices], default="").astype(object)
    zones[zones == ""] = None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(extratropical & (pet > 0), rain / pet, np.nan)
    method = method.astype(object)
    method[~extratropical] = None
    return _Sites(mat, rain, elevation, frost, warmest, zones, np.where(extratropical, pet, np.nan), method, ratio,
                  borderline)


def climate_zone_table(mat_c, map_mm, elevation_m=None, pet_mm=None, *, warmest_month_c=None, frost_days=None,
                       monthly_temperature_c=None) -> pd.DataFrame:
    """IPCC climate zone of each site, with the PET used and the rule that decided it.

    Parameters are those of :func:`ipcc_climate_zone`.

    Returns
    -------
    pandas.DataFrame
        One row per site (index of ``mat_c`` when it is a Series):
        ``climate_zone`` (``ClimateZone`` value or None), ``pet_mm`` and
        ``pet_method`` (NaN and None where PET is not used: tropical or
        undecided sites), ``moist_ratio`` (MAP / PET, NaN where PET is not
        used or is 0), ``borderline`` (MAP / PET within the borderline band:
        the moist/dry call is uncertain) and ``rule`` (one line naming the
        numbers that decided the zone; written site by site, so
        :func:`ipcc_climate_zone` is the quicker call for the zone alone).
    """
    sites = _decide(mat_c, map_mm, elevation_m, pet_mm, warmest_month_c, frost_days, monthly_temperature_c)
    rule = climate_rule()
    text = [_explain(rule, *row) for row in zip(*sites)]
    # dtype object keeps None for a missing zone or method (pandas would infer strings with NaN).
    return pd.DataFrame({"climate_zone": pd.Series(sites.zone, dtype=object), "pet_mm": sites.pet,
                         "pet_method": pd.Series(sites.pet_method, dtype=object), "moist_ratio": sites.ratio,
                         "borderline": sites.borderline, "rule": text}).set_axis(
        mat_c.index if isinstance(mat_c, pd.Series) else pd.RangeIndex(len(text)))


def _explain(rule: ClimateRule, mat, rain, elevation, frost, warmest, zone, pet, method, ratio, borderline) -> str:
    """The one-line reason for one site's zone (or for its missing zone)."""
    if np.isnan(mat) or np.isnan(rain):
        return f"{'MAT' if np.isnan(mat) else 'MAP'} missing: no zone"
    hot, cool, cold = rule.tropical_min_mat_c, rule.warm_temperate_min_mat_c, rule.cool_temperate_min_mat_c
    if bool(_tropical(mat, frost)):
        frost_text = ("frost days not given (taken as frost-free)" if np.isnan(frost)
                      else f"{frost:g} frost days ≤ {rule.tropical_max_frost_days:g}")
        head = f"MAT {mat:g} °C > {hot:g} and {frost_text} → tropical; "
        montane, wet, moist = rule.montane_min_elevation_m, rule.tropical_wet_min_map_mm, rule.tropical_moist_min_map_mm
        if np.isnan(elevation):
            return head + f"elevation missing: montane (> {montane:g} m) cannot be told apart, no zone"
        if elevation > montane:
            return head + f"elevation {elevation:g} m > {montane:g} → montane"
        moisture = (f"> {wet:g} → wet" if rain > wet else f"in ({moist:g}, {wet:g}] → moist" if rain > moist
                    else f"≤ {moist:g} → dry")
        return head + f"elevation {elevation:g} m ≤ {montane:g}; MAP {rain:g} mm {moisture}"
    if mat > hot:
        band = (f"MAT {mat:g} °C > {hot:g} but {frost:g} frost days > {rule.tropical_max_frost_days:g} "
                "→ warm temperate")
    elif mat > cool:
        band = f"MAT {mat:g} °C in ({cool:g}, {hot:g}] → warm temperate"
    elif mat > cold:
        band = f"MAT {mat:g} °C in ({cold:g}, {cool:g}] → cool temperate"
    elif np.isnan(warmest):
        band = f"MAT {mat:g} °C ≤ {cold:g}, warmest month not given → boreal (assumed, not polar)"
    else:
        sign, name = ("<", "polar") if warmest < rule.polar_max_warmest_month_c else ("≥", "boreal")
        band = f"MAT {mat:g} °C ≤ {cold:g}, warmest month {warmest:g} °C {sign} " \
               f"{rule.polar_max_warmest_month_c:g} → {name}"
    moist_word = "moist" if zone.endswith("_moist") else "dry"
    threshold = rule.moist_min_map_over_pet
    if np.isnan(ratio):
        split = f"PET = 0 mm, MAP {rain:g} mm → {moist_word}"
    else:
        sign = ">" if moist_word == "moist" else "≤"
        split = f"MAP/PET = {rain:g}/{pet:.0f} = {ratio:.2f} {sign} {threshold:g} → {moist_word}"
    flag = (f"; borderline: MAP/PET within {rule.borderline_min_ratio:g}-{rule.borderline_max_ratio:g}"
            if borderline else "")
    note = _PET_NOTE[method].format(holdridge=rule.holdridge_pet_mm_per_c)
    return f"{band}; {split} ({note}){flag}"


def ipcc_climate_zone(mat_c, map_mm, elevation_m=None, pet_mm=None, *, warmest_month_c=None, frost_days=None,
                      monthly_temperature_c=None) -> pd.Series:
    """IPCC climate zone of each site (rule and approximations: module docstring).

    Parameters
    ----------
    mat_c : float or array-like
        Mean annual temperature, C.
    map_mm : float or array-like
        Mean annual precipitation, mm/yr.
    elevation_m : float or array-like, optional
        Elevation, m above sea level; needed for tropical sites only.
    pet_mm : float or array-like, optional
        Mean annual potential evapotranspiration, mm/yr; where missing, PET is
        estimated from the monthly temperatures, else from MAT.
    warmest_month_c : float or array-like, optional
        Mean temperature of the warmest month, C (polar vs boreal); where
        missing, the warmest of ``monthly_temperature_c``.
    frost_days : float or array-like, optional
        Frost days per year (tropical needs at most 7).
    monthly_temperature_c : array-like, optional
        The 12 monthly mean temperatures, C: an array (n, 12), or one list of
        12 for every site. A site with any month missing counts as without.

    Returns
    -------
    pandas.Series
        ``recommender.vocabulary.ClimateZone`` values (str), ``None`` where
        the inputs do not decide the zone. Keeps the index of ``mat_c`` when
        it is a Series. :func:`climate_zone_table` also gives the PET and the
        rule used.

    Examples
    --------
    >>> ipcc_climate_zone([25, 12, 12], [1500, 900, 500], [200, 300, 300]).tolist()
    ['tropical_moist', 'warm_temperate_moist', 'warm_temperate_dry']
    """
    zone = _decide(mat_c, map_mm, elevation_m, pet_mm, warmest_month_c, frost_days, monthly_temperature_c).zone
    return pd.Series(zone, index=mat_c.index if isinstance(mat_c, pd.Series) else None, dtype=object)


def _number(low: float, high: float, description: str, unit: str):
    """A finite number within [low, high] (a bound beyond which the figure is a unit or typing mistake)."""
    return Field(ge=low, le=high, allow_inf_nan=False, description=description, json_schema_extra={"unit": unit})


class ClimateNormals(BaseModel):
    """The climate normals of one site (the query of ``GET /v1/climate-zone``).

    Invalid values raise ``pydantic.ValidationError`` naming the field; a
    tropical site (MAT > 18 C, frost-free) without ``elevation_m`` is refused,
    since montane cannot be told apart.
    """

    model_config = ConfigDict(frozen=True, extra="forbid",
                              json_schema_extra={"examples": [{"mat_c": 3.3, "map_mm": 350, "elevation_m": 480}]})

    mat_c: Annotated[float, _number(-60, 40, "Mean annual temperature", "deg C")]
    map_mm: Annotated[float, _number(0, 15000, "Mean annual precipitation", "mm/yr")]
    pet_mm: Annotated[float | None, _number(0, 5000, "Mean annual potential evapotranspiration; "
                                                     "estimated from the temperatures when absent", "mm/yr")] = None
    monthly_temperature_c: Annotated[
        list[Annotated[float, _number(-70, 50, "Monthly mean temperature", "deg C")]] | None,
        Field(min_length=MONTHS, max_length=MONTHS, description="The 12 monthly mean temperatures, January to "
              "December (any order will do): PET from Holdridge's biotemperature, and polar vs boreal"),
    ] = None
    frost_days: Annotated[float | None, _number(0, 366, "Frost days per year; frost-free when absent",
                                                "days/yr")] = None
    warmest_month_c: Annotated[float | None, _number(-70, 50, "Mean temperature of the warmest month "
                                                              "(polar vs boreal)", "deg C")] = None
    # After mat_c and frost_days: its check reads them.
    elevation_m: Annotated[float | None, Field(ge=-500, le=9000, allow_inf_nan=False, validate_default=True,
                                               description="Elevation above sea level; needed at tropical sites",
                                               json_schema_extra={"unit": "m"})] = None

    @field_validator("elevation_m")
    @classmethod
    def _needed_in_the_tropics(cls, value: float | None, info: ValidationInfo) -> float | None:
        mat, frost = info.data.get("mat_c"), info.data.get("frost_days")
        if value is None and mat is not None and _tropical(mat, np.nan if frost is None else frost):
            rule = climate_rule()
            raise ValueError(f"needed at a tropical site (MAT {mat:g} °C > {rule.tropical_min_mat_c:g}, frost-free): "
                             f"tropical montane is above {rule.montane_min_elevation_m:g} m")
        return value


class ClimateZoneAnswer(BaseModel):
    """The IPCC climate zone of a site and the rule that decided it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "climate_zone": "cool_temperate_dry", "label": "Cool temperate dry",
        "rule": "MAT 3.3 °C in (0, 10] → cool temperate; MAP/PET = 350/384 = 0.91 ≤ 1 → dry "
                "(PET: Turc's L(T) from MAT); borderline: MAP/PET within 0.9-1.1",
        "pet_mm": 384.3, "pet_method": "turc_annual", "moist_ratio": 0.911, "borderline": True,
        "inputs": {"mat_c": 3.3, "map_mm": 350, "pet_mm": None, "monthly_temperature_c": None, "frost_days": None,
                   "warmest_month_c": None, "elevation_m": 480},
    }]})

    climate_zone: ClimateZone
    label: str
    rule: str = Field(description="The numbers that decided the zone, in one line")
    pet_mm: float | None = Field(description="PET used for moist/dry, mm/yr; null where not used (tropics)")
    pet_method: PetMethod | None = Field(description="given, holdridge_monthly (12 months) or turc_annual (MAT)")
    moist_ratio: float | None = Field(description="MAP / PET; moist above 1. Null where PET is not used or is 0")
    borderline: bool = Field(description="MAP / PET close to 1 (band in climate_zone_rule.csv): moist or dry "
                                         "may flip with a better PET")
    inputs: ClimateNormals


def climate_zone_answer(normals: ClimateNormals) -> ClimateZoneAnswer:
    """The zone of one site, with its PET, ratio, borderline flag and rule."""
    # One site: the arrays of the rule, without a DataFrame (a tenth of the time).
    sites = _decide(normals.mat_c, normals.map_mm, normals.elevation_m, normals.pet_mm, normals.warmest_month_c,
                    normals.frost_days, normals.monthly_temperature_c)
    zone, pet, ratio = sites.zone[0], float(sites.pet[0]), float(sites.ratio[0])
    return ClimateZoneAnswer(
        climate_zone=zone,
        label=load_knowledge_base().climate_zones.at[zone, "label"],
        rule=_explain(climate_rule(), *(column[0] for column in sites)),
        pet_mm=None if np.isnan(pet) else pet,
        pet_method=sites.pet_method[0],
        moist_ratio=None if np.isnan(ratio) else ratio,
        borderline=bool(sites.borderline[0]),
        inputs=normals,
    )
