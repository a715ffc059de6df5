"""SoilHealthDB V2 (Jian, Du & Stewart 2020) as observations of the training schema.

SoilHealthDB is a global compilation of paired field comparisons: a
conservation practice against a conventional control on the same site.
Citation: Jian J., Du X., Stewart R.D. (2020) A database for global soil
health assessment. *Scientific Data* 7, 16. Its terms allow use with citation
but not repackaging: this module reads the user's own download
(``SoilHealthDB_V2.csv``); never commit the file or a converted copy.

Every row is converted or counted under the first reason that applies
(``DROP_REASONS``), never dropped silently. The rules (practice codes,
land use, climate zone, texture, depth, how the annual effect is computed,
ids) are set out in ``training/README.md``, section *SoilHealthDB*; the
functions below say which rule each implements.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from recommender.inputs.climate_zone import MONTANE_MIN_ELEVATION_M, ipcc_climate_zone
from recommender.inputs.columns import PRACTICE_SEPARATOR
from recommender.inputs.farm import ContextKey
from recommender.inputs.soils import SANDY_MAX_CLAY_PCT, derive_soil_class
from recommender.knowledge import load_knowledge_base
from recommender.science.depth import (
    MAX_DEPTH_CM,
    MIN_DEPTH_CM,
    cumulative_fraction,
    depth_factor,
    load_depth_distribution,
    reference_depth_cm,
)
from recommender.science.tier1 import Tier1Engine
from recommender.vocabulary import LandUse, SoilTexture

from ..observations import validate_observations

#: SoilHealthDB ``Conservation_Type`` code -> catalogue id (module docstring says why).
PRACTICE_CODES = {
    "CC": "cover_crops",
    "NT": "no_till",
    "RT": "reduced_tillage",
    "ST": "reduced_tillage",
    "OF": "manure",
    "AF": "alley_cropping",
    "SR": "residue_retention",
    "RO": "legume_rotation",
}
#: Codes present in the file whose meaning is not confirmed: dropped.
UNCONFIRMED_CODES = ("PF", "RD", "IN")
#: Tropics of Cancer and Capricorn, degrees latitude.
TROPICS_LATITUDE = 23.44
#: ``GrainCrop`` / ``GrainCropGroup`` values (lower case) that mean a grassland field.
GRASSLAND_CROPS = ("grassland", "pasture")
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

NO_SOC = "no SOC measurement"
NO_CODE = "no practice code"
UNMAPPED = "unmapped practice code"
CONTRADICTORY = "contradictory practice combination"
NOT_FOR_LAND_USE = "practice not in the catalogue for grassland"
NO_PAIR = "SOC of control or treatment missing"
NO_DURATION = "no duration"
NO_DEPTH = "sampling depth missing or unreadable"
NOT_FROM_SURFACE = "layer does not start at 0 cm"
DEPTH_RANGE = f"layer bottom outside {MIN_DEPTH_CM:g}-{MAX_DEPTH_CM:g} cm"
NO_CLIMATE = "no climate (MAT/MAP not reported)"
NO_ELEVATION = "no elevation for a tropical site"
NO_TEXTURE = "no USDA texture class"
NO_REFERENCE_STOCK = "no IPCC reference stock for a concentration-only row"
SCHEMA = "failed the observation schema"
#: Every reason a row can be dropped for, in the order they are tested.
DROP_REASONS = (
    NO_SOC, NO_CODE, UNMAPPED, CONTRADICTORY, NOT_FOR_LAND_USE, NO_PAIR, NO_DURATION, NO_DEPTH,
    NOT_FROM_SURFACE, DEPTH_RANGE, NO_CLIMATE, NO_ELEVATION, NO_TEXTURE, NO_REFERENCE_STOCK, SCHEMA,
)


class Conversion(NamedTuple):
    """Result of :func:`convert`.

    Attributes
    ----------
    observations : pandas.DataFrame
        Converted rows in the canonical form of ``training.observations``.
    dropped : collections.Counter
        Reason -> rows dropped (``no SOC measurement`` included).
    total_rows : int
        Data rows in the file.
    """

    observations: pd.DataFrame
    dropped: Counter
    total_rows: int


def read_soilhealthdb(path) -> pd.DataFrame:
    """The raw SoilHealthDB table (latin-1 CSV, 270 columns)."""
    return pd.read_csv(path, encoding="latin1", low_memory=False)


def _first_reason(reason: pd.Series, mask, text: str) -> None:
    """Give ``text`` to the rows of ``mask`` that have no reason yet."""
    mask = pd.Series(np.asarray(mask, dtype=bool), index=reason.index)
    reason[mask & reason.isna()] = text


def parse_depth(text: pd.Series) -> pd.DataFrame:
    """``top_cm`` and ``bottom_cm`` of ``SamplingDepth`` cells (NaN when unreadable).

    Reads ``0-to-20`` and ``0-20``, and the day-month dates a spreadsheet made
    of ``10-20`` or ``5-10`` (``20-Oct``, ``10-May``).
    """
    cells = text.astype("string").str.strip()
    numbers = cells.str.extract(r"^(\d+(?:\.\d+)?)\s*-\s*(?:to\s*-\s*)?(\d+(?:\.\d+)?)$").astype(float)
    dates = cells.str.extract(r"^(\d+)-([A-Za-z]{3})$")
    month = dates[1].str.lower().map(MONTHS).astype(float)
    day = dates[0].astype(float)
    top = numbers[0].fillna(np.fmin(day, month))
    bottom = numbers[1].fillna(np.fmax(day, month))
    return pd.DataFrame({"top_cm": top, "bottom_cm": bottom}, index=text.index)


def map_practices(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Catalogue combination (``a+b``) of each ``Conservation_Type``, and the drop reason."""
    catalogue = load_knowledge_base().practices

    def one(code):
        if pd.isna(code) or not str(code).strip():
            return None, NO_CODE
        parts = [part.strip().upper() for part in str(code).split("-")]
        if any(part not in PRACTICE_CODES for part in parts):
            return None, UNMAPPED
        ids = sorted(dict.fromkeys(PRACTICE_CODES[part] for part in parts))
        for i, first in enumerate(ids):
            if any(second in catalogue[first].conflicts_with for second in ids[i + 1:]):
                return None, CONTRADICTORY
        return PRACTICE_SEPARATOR.join(ids), None

    verdicts = {code: one(code) for code in codes.dropna().unique()}
    verdicts_nan = one(None)
    practice = codes.map(lambda c: verdicts.get(c, verdicts_nan)[0]).astype(object)
    reason = codes.map(lambda c: verdicts.get(c, verdicts_nan)[1]).astype(object)
    return practice.where(practice.notna(), None), reason.where(reason.notna(), None)


def _climate(raw: pd.DataFrame, site: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """MAT (C), MAP (mm), elevation (m), their source, and the IPCC zone of each row."""
    mat, rain, elevation = raw["MAT"].astype(float), raw["MAP"].astype(float), raw["Elevation"].astype(float)
    source = pd.Series(np.where(mat.notna() & rain.notna(), "MAT/MAP", None), index=raw.index, dtype=object)
    mat = mat.fillna(raw["Tannual"].astype(float))
    rain = rain.fillna(raw["Pannual"].astype(float))
    source[source.isna() & mat.notna() & rain.notna()] = "Tannual/Pannual"
    by_site = pd.DataFrame({"mat": mat, "rain": rain, "elevation": elevation, "site": site}).groupby("site")
    mat = mat.fillna(by_site["mat"].transform("first"))
    rain = rain.fillna(by_site["rain"].transform("first"))
    elevation = elevation.fillna(by_site["elevation"].transform("first"))
    source[source.isna() & mat.notna() & rain.notna()] = "same site"
    zone = ipcc_climate_zone(mat, rain, elevation)
    # Between the tropics and below 1000 m, MAT is above 18 C practically
    # everywhere, and the tropical zones need only MAP and elevation; any MAT
    # stand-in above the threshold takes the same branch of the rule.
    latitude = pd.to_numeric(raw["Latitude"], errors="coerce")
    lowland = mat.isna() & rain.notna() & (latitude.abs() <= TROPICS_LATITUDE) & (elevation < MONTANE_MIN_ELEVATION_M)
    if lowland.any():
        stand_in = pd.Series(np.where(lowland, np.inf, np.nan), index=raw.index)
        zone = zone.where(~lowland, ipcc_climate_zone(stand_in, rain, elevation))
        source[lowland] = "MAP + tropical lowland"
    return mat, rain, elevation, source, zone


def _texture(raw: pd.DataFrame) -> pd.Series:
    names = raw["Texture"].astype("string").str.strip().str.lower().str.replace(r"\s+", "_", regex=True)
    return names.where(names.isin([t.value for t in SoilTexture]), None).astype(object)


def _soil_class(zone: pd.Series, texture: pd.Series, clay: pd.Series) -> pd.Series:
    kb = load_knowledge_base()
    known = zone.notna() & texture.notna()
    side = np.where(clay.isna(), None, np.where(clay < SANDY_MAX_CLAY_PCT, 0.0, SANDY_MAX_CLAY_PCT))
    out = pd.Series(None, index=zone.index, dtype=object)
    cache: dict = {}
    for i in np.flatnonzero(known.to_numpy()):
        key = (zone.iat[i], texture.iat[i], side[i])
        if key not in cache:
            cache[key] = derive_soil_class(kb, key[1], key[0], key[2]).value
        out.iat[i] = cache[key]
    return out


def _tier1_stock(contexts: pd.DataFrame, engine: Tier1Engine) -> pd.Series:
    """Tier 1 stock (t C/ha, 0-30 cm) of each context with no improved practice."""
    stocks: dict[ContextKey, float] = {}
    values = []
    for zone, soil_class, land_use in zip(contexts["climate_zone"], contexts["soil_class"], contexts["land_use"]):
        key = ContextKey(zone, soil_class, land_use, "none", ())
        if key not in stocks:
            stocks[key] = float(engine.tier1_stock(key)[0])
        values.append(stocks[key])
    return pd.Series(values, index=contexts.index, dtype=float)


def convert(source, engine: Tier1Engine | None = None) -> Conversion:
    """Convert SoilHealthDB V2 into observations (rules: module docstring).

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        Path of ``SoilHealthDB_V2.csv``, or the table already read.
    engine : Tier1Engine, optional
        For the Tier 1 stocks of concentration-only rows.

    Returns
    -------
    Conversion
        ``(observations, dropped, total_rows)``; every row is either
        converted or counted in ``dropped`` under one reason.
    """
    raw = source if isinstance(source, pd.DataFrame) else read_soilhealthdb(source)
    name = "<SoilHealthDB>" if isinstance(source, pd.DataFrame) else str(source)
    raw = raw.reset_index(drop=True)
    # Only central Tier 1 stocks are used, so a couple of Monte Carlo draws suffice.
    engine = engine or Tier1Engine(n_draws=2)
    reason = pd.Series(None, index=raw.index, dtype=object)
    number = {c: pd.to_numeric(raw[c], errors="coerce") for c in (
        "OC_C", "OC_T", "OC_Con_C", "OC_Con_T", "BD_C", "BD_T", "SoilBD", "Duration", "ClayPerc",
        "Latitude", "Longitude")}

    has_stock = number["OC_Con_C"].notna() & number["OC_Con_T"].notna()
    has_conc = number["OC_C"].notna() & number["OC_T"].notna()
    any_soc = pd.concat([number[c].notna() for c in ("OC_C", "OC_T", "OC_Con_C", "OC_Con_T")], axis=1).any(axis=1)
    _first_reason(reason, ~any_soc, NO_SOC)

    practice, practice_reason = map_practices(raw["Conservation_Type"])
    for text in (NO_CODE, UNMAPPED, CONTRADICTORY):
        _first_reason(reason, practice_reason.eq(text), text)
    crop = raw["GrainCrop"].astype("string").str.strip().str.lower()
    crop_group = raw["GrainCropGroup"].astype("string").str.strip().str.lower()
    grassland = (crop.isin(GRASSLAND_CROPS) | crop_group.isin(GRASSLAND_CROPS)).fillna(False).to_numpy(bool)
    land_use = pd.Series(np.where(grassland, LandUse.GRASSLAND.value, LandUse.CROPLAND.value), index=raw.index)
    catalogue = load_knowledge_base().practices
    pairs = pd.MultiIndex.from_arrays([practice.fillna(""), land_use])
    applies = {
        (combination, use): all(use in catalogue[p].land_uses for p in combination.split(PRACTICE_SEPARATOR))
        for combination, use in pairs.unique()
        if combination
    }
    misplaced = [bool(combination) and not applies[(combination, use)] for combination, use in pairs]
    _first_reason(reason, misplaced, NOT_FOR_LAND_USE)
    _first_reason(reason, ~(has_stock | has_conc), NO_PAIR)
    duration = number["Duration"]
    _first_reason(reason, ~(duration > 0), NO_DURATION)

    layer = parse_depth(raw["SamplingDepth"])
    depth = layer["bottom_cm"]
    _first_reason(reason, layer["top_cm"].isna() | depth.isna(), NO_DEPTH)
    _first_reason(reason, layer["top_cm"] != 0, NOT_FROM_SURFACE)
    _first_reason(reason, ~((depth >= MIN_DEPTH_CM) & (depth <= MAX_DEPTH_CM)), DEPTH_RANGE)

    site = (raw["StudyID"].astype(str) + "@" + number["Latitude"].round(3).astype(str) + ","
            + number["Longitude"].round(3).astype(str))
    mat, rain, elevation, climate_source, zone = _climate(raw, site)
    tropical_undecided = zone.isna() & (mat > 18) & rain.notna() & elevation.isna()
    _first_reason(reason, zone.isna() & ~tropical_undecided, NO_CLIMATE)
    _first_reason(reason, tropical_undecided, NO_ELEVATION)
    texture = _texture(raw)
    _first_reason(reason, texture.isna(), NO_TEXTURE)

    # Stocks over the sampled layer, t C/ha: reported, else concentration x BD x depth.
    bd_control = number["BD_C"].fillna(number["SoilBD"]).fillna(number["BD_T"])
    bd_treatment = number["BD_T"].fillna(bd_control)
    control = number["OC_Con_C"].where(has_stock, number["OC_C"] * bd_control * depth)
    treatment = number["OC_Con_T"].where(has_stock, number["OC_T"] * bd_treatment * depth)
    measured = control.notna() & treatment.notna()
    basis = pd.Series(np.where(has_stock, "stock", np.where(measured, "concentration_x_bd",
                                                            "relative_x_tier1_stock")), index=raw.index)

    keep = reason.isna()
    soil_class = _soil_class(zone.where(keep), texture.where(keep), number["ClayPerc"])
    relative_rows = keep & ~measured
    tier1 = pd.Series(np.nan, index=raw.index)
    if relative_rows.any():
        contexts = pd.DataFrame({"climate_zone": zone, "soil_class": soil_class, "land_use": land_use})
        tier1[relative_rows] = _tier1_stock(contexts[relative_rows], engine)
    _first_reason(reason, relative_rows & tier1.isna(), NO_REFERENCE_STOCK)
    keep = reason.isna()

    betas = land_use.map(load_depth_distribution()["beta"])
    layer_share = cumulative_fraction(depth, betas) / cumulative_fraction(reference_depth_cm(), betas)
    relative = (number["OC_T"] - number["OC_C"]) / number["OC_C"]
    delta = ((treatment - control) / duration).where(measured, relative * tier1 * layer_share / duration)
    factor = pd.Series(np.nan, index=raw.index)
    factor[keep] = depth_factor(depth[keep], land_use[keep])

    out = pd.DataFrame(
        {
            "study_id": raw["StudyID"].astype(str),
            "site_id": site,
            "practice": practice,
            "climate_zone": zone,
            "soil_texture": texture,
            "land_use": land_use,
            "degradation": "none",
            "clay_pct": number["ClayPerc"],
            "soc_t_ha": (control * factor).where(measured),
            "delta_soc_t_ha_yr": delta,
            "soc_before_t_ha": control.where(measured),
            "soc_after_t_ha": treatment.where(measured),
            "years": duration,
            "depth_cm": depth,
            # Extra columns: carried through unvalidated, for tracing and features.
            "experiment_id": raw["ExperimentID"].astype(str),
            "conservation_type": raw["Conservation_Type"],
            "crop_group": raw["GrainCropGroup"],
            "soc_basis": basis,
            "climate_source": climate_source,
            "mat_c": mat,
            "map_mm": rain,
            "elevation_m": elevation,
            "latitude": number["Latitude"],
            "longitude": number["Longitude"],
            "shdb_row": np.arange(1, len(raw) + 1),
        }
    )[keep]
    result = validate_observations(out, source=name, skip_bad_rows=True)
    dropped = Counter(reason.dropna())
    dropped[SCHEMA] += len({p.row for p in result.skipped})
    return Conversion(result.observations, dropped, len(raw))


def summary(conversion: Conversion) -> str:
    """Readable counts: converted rows, drops by reason, practices, bases."""
    obs, dropped, total = conversion
    lines = [f"{total} rows read; {total - dropped[NO_SOC]} with SOC; {len(obs)} converted"]
    lines += [f"  dropped {count:5d}  {text}" for text, count in dropped.most_common()]
    for column in ("practice", "soc_basis", "climate_source", "climate_zone"):
        if len(obs):
            lines.append(f"{column}:")
            lines += [f"  {count:5d}  {value}" for value, count in obs[column].value_counts().items()]
    return "\n".join(lines)


def main(argv=None) -> int:
    """``python -m training.datasets.soilhealthdb PATH -o out.csv``: convert and print counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="your copy of SoilHealthDB_V2.csv")
    parser.add_argument("-o", "--output", type=Path, help="write the observations here (.csv or .parquet)")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"{args.path}: file not found; download SoilHealthDB_V2.csv (jinshijian/SoilHealthDB)")
    conversion = convert(args.path)
    if args.output:
        frame = conversion.observations.copy()
        frame["current_practices"] = frame["current_practices"].map(";".join)
        if args.output.suffix.lower() in (".parquet", ".pq"):
            frame.to_parquet(args.output, index=False)
        else:
            frame.to_csv(args.output, index=False)
    print(summary(conversion))
    return 0


if __name__ == "__main__":
    sys.exit(main())
