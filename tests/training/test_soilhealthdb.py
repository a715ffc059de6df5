"""training.datasets.soilhealthdb on the real SoilHealthDB V2 file (read, never copied)."""

from pathlib import Path

import pandas as pd
import pytest

from recommender.knowledge import load_knowledge_base
from recommender.vocabulary import ClimateZone
from training.datasets import soilhealthdb as shdb
from training.observations import read_observations

# ../shared beside the project root, where the workplace keeps the user's download.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "soilhealthdb" / "SoilHealthDB_V2.csv"


@pytest.fixture(scope="module")
def raw():
    if not DATA.is_file():
        pytest.skip(f"SoilHealthDB not found at {DATA}; download SoilHealthDB_V2.csv (jinshijian/SoilHealthDB) there")
    return shdb.read_soilhealthdb(DATA)


@pytest.fixture(scope="module")
def conversion(raw):
    return shdb.convert(raw)


def test_parse_depth_reads_text_and_spreadsheet_dates():
    layers = shdb.parse_depth(pd.Series(["0-to-20", "0-10", "7.5-to-15", "20-Oct", "10-May", "abc", None]))
    assert layers["top_cm"].tolist()[:5] == [0, 0, 7.5, 10, 5]
    assert layers["bottom_cm"].tolist()[:5] == [20, 10, 15, 20, 10]
    assert layers.iloc[5:].isna().all().all()


def test_practice_codes_map_to_catalogue_combinations():
    practice, reason = shdb.map_practices(pd.Series(["CC-NT", "ST", "OF-CC", "PF", "NT-RT", None]))
    assert practice.tolist()[:3] == ["cover_crops;no_till", "reduced_tillage", "cover_crops;manure"]
    assert reason.tolist()[3:] == [shdb.UNMAPPED, shdb.CONTRADICTORY, shdb.NO_CODE]
    assert set(shdb.PRACTICE_CODES.values()) <= set(load_knowledge_base().practices)


def test_counts_add_up(raw, conversion):
    observations, dropped, total = conversion
    assert total == len(raw) == 5907
    soc_rows = raw[["OC_C", "OC_T", "OC_Con_C", "OC_Con_T"]].notna().any(axis=1).sum()
    assert soc_rows == 1577
    assert len(observations) + sum(dropped.values()) == total
    assert len(observations) + sum(n for r, n in dropped.items() if r != shdb.NO_SOC) == soc_rows
    assert set(dropped) <= set(shdb.DROP_REASONS)
    assert dropped[shdb.UNMAPPED] == (raw["Conservation_Type"].isin(shdb.UNCONFIRMED_CODES)
                                      & raw[["OC_C", "OC_T", "OC_Con_C", "OC_Con_T"]].notna().any(axis=1)).sum()
    assert len(observations) > 400


def test_practices_are_catalogue_ids(conversion):
    catalogue = load_knowledge_base().practices
    ids = {p for combination in conversion.observations["practice"] for p in combination.split(";")}
    assert ids <= set(catalogue)
    assert not conversion.observations["conservation_type"].isin(shdb.UNCONFIRMED_CODES).any()


def test_converted_rows_validate_strictly(conversion, tmp_path):
    frame = conversion.observations.copy()
    frame["current_practices"] = frame["current_practices"].map(";".join)
    path = tmp_path / "shdb.csv"  # temporary: a converted copy must never be committed
    frame.drop(columns=["delta_soc_t_ha_yr_30cm", "source_file", "source_row"]).to_csv(path, index=False)
    again = read_observations(path).observations
    assert len(again) == len(frame)
    pd.testing.assert_series_equal(
        again["delta_soc_t_ha_yr_30cm"], conversion.observations["delta_soc_t_ha_yr_30cm"], check_names=False
    )


def test_values_are_plausible(conversion):
    obs = conversion.observations
    assert obs["depth_cm"].between(5, 100).all()
    assert (obs["years"] > 0).all()
    assert set(obs["climate_zone"]) <= {z.value for z in ClimateZone}
    assert set(obs["land_use"]) == {"cropland"}  # grassland rows have no catalogue practice
    assert set(obs["soc_basis"]) <= {"stock", "concentration_x_bd", "relative_x_tier1_stock"}
    # Median annual effect of the usual order of published rates (0.1-1 t C/ha/yr).
    assert 0.1 < obs["delta_soc_t_ha_yr_30cm"].median() < 1.0
    assert obs.loc[obs["practice"] == "cover_crops", "delta_soc_t_ha_yr_30cm"].median() < 0.6
    measured = obs["soc_t_ha"].dropna()
    assert measured.between(1, 400).all()
    assert obs["soc_t_ha"].isna().equals(obs["soc_basis"].eq("relative_x_tier1_stock"))


def test_command_line_converts_and_prints_counts(tmp_path, capsys):
    if not DATA.is_file():
        pytest.skip(f"SoilHealthDB not found at {DATA}")
    out = tmp_path / "out.csv"
    assert shdb.main([str(DATA), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5907 rows read; 1577 with SOC" in printed and "unmapped practice code" in printed
    assert len(pd.read_csv(out)) > 400
