"""A small farm survey with the typical mistakes of real ones, and how to write it."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: Good farms: a few contexts repeated, some with measured stocks and clay.
GOOD = [
    {"climate_zone": "warm_temperate_moist", "soil_texture": "silt_loam", "land_use": "cropland"},
    {"climate_zone": "warm_temperate_moist", "soil_texture": "silt_loam", "land_use": "cropland",
     "current_practices": "reduced_tillage", "soc_t_ha": "48.5"},
    {"climate_zone": "tropical_moist", "soil_texture": "clay", "land_use": "grassland",
     "degradation": "moderate"},
    {"climate_zone": "tropical_dry", "soil_texture": "sand", "land_use": "cropland", "clay_pct": "9",
     "current_practices": "cover_crops;no_till"},
    {"climate_zone": "cool_temperate_dry", "soil_texture": "loam", "land_use": "paddy_rice",
     "soc_t_ha": "31.2", "area_ha": "4"},
    {"climate_zone": "boreal_moist", "soil_texture": "loamy_sand", "land_use": "perennial_cropland",
     "degradation": "severe"},
]
#: (column, value, what the reason must say) of the rows that must be rejected.
BAD = [
    ("climate_zone", "tropcal_dry", "climate_zone: Input should be 'tropical_montane'"),
    ("soil_texture", "", "soil_texture: Field required"),
    ("farm_id", "<duplicate>", "farm_id: duplicate: row 1 has the same farm_id"),
    ("current_practices", "cover_crops,no_till", "separate ids with ';'"),
    ("current_practices", "no_till;reduced_tillage", "cannot both be current practices"),
    ("current_practices", "rice_straw_management", "do not apply to land_use 'cropland'"),
    ("soc_t_ha", "abc", "soc_t_ha: Input should be a valid number (got 'abc')"),
    ("clay_pct", "140", "clay_pct: Input should be greater than or equal to 0 and less than or equal to 100"),
    ("farm_id", "", "farm_id: required value is empty"),
    ("soil_class", "spodic", "give a measured soc_t_ha"),
]
COLUMNS = ["farm_id", "climate_zone", "soil_texture", "soil_class", "land_use", "degradation",
           "current_practices", "clay_pct", "soc_t_ha", "area_ha", "region"]


def make_survey(n_good: int = 60, seed: int = 0) -> pd.DataFrame:
    """``n_good`` good farms drawn from ``GOOD`` with the ``BAD`` rows spread among
    them, as text cells (a CSV's view); ``region`` is an extra column to ignore.

    ``attrs["bad_rows"]`` maps each bad row's expected reason to its 1-based row number.
    """
    rng = np.random.default_rng(seed)
    rows = [dict(GOOD[i], farm_id=f"F{k:04d}", region="north") for k, i in
            enumerate(rng.integers(0, len(GOOD), n_good))]
    step = n_good // len(BAD)
    for j, (column, value, _) in enumerate(BAD):
        bad = dict(GOOD[0], farm_id=f"B{j:03d}")
        bad[column] = rows[0]["farm_id"] if value == "<duplicate>" else value
        if column == "soil_class":  # spodic soils have no Table 2.3 stock in the tropics
            bad["climate_zone"] = "tropical_dry"
        rows.insert(3 + j * step, bad)
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS).fillna("")
    frame.attrs["bad_rows"] = {reason: 4 + j * step for j, (_, _, reason) in enumerate(BAD)}
    return frame


def write_survey(frame: pd.DataFrame, path: Path, row_group: int | None = None, lists: bool = False) -> Path:
    """``frame`` as CSV or Parquet (text cells; practices as lists with ``lists``)."""
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
        return path
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if lists:
        practices = [[p for p in v.split(";") if p] for v in frame["current_practices"]]
        table = table.set_column(table.schema.get_field_index("current_practices"), "current_practices",
                                 pa.array(practices, type=pa.list_(pa.string())))
    pq.write_table(table, path, row_group_size=row_group)
    return path
