"""training.observations: reading and validating observation files."""

import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.science.depth import to_reference_depth
from training.observations import (
    COLUMNS,
    OUTPUT_COLUMNS,
    ObservationError,
    read_observations,
    validate_observations,
)

EXAMPLE = resources.files("training") / "examples" / "observations_example.csv"

GOOD = {
    "study_id": "s1",
    "site_id": "site-a",
    "practice": "cover_crops",
    "climate_zone": "warm_temperate_moist",
    "soil_texture": "silt_loam",
    "soil_class": "",
    "land_use": "cropland",
    "degradation": "none",
    "current_practices": "",
    "clay_pct": "18",
    "soc_t_ha": "52",
    "delta_soc_t_ha_yr": "0.3",
    "soc_before_t_ha": "",
    "soc_after_t_ha": "",
    "years": "8",
    "depth_cm": "20",
}


def write_csv(path, rows):
    pd.DataFrame(rows, columns=list(GOOD)).to_csv(path, index=False)
    return path


def test_example_file_loads_in_canonical_form():
    result = read_observations(str(EXAMPLE))
    frame = result.observations
    assert len(frame) == result.rows_read == 10
    assert result.skipped == ()
    assert list(frame.columns[: len(OUTPUT_COLUMNS)]) == list(OUTPUT_COLUMNS)
    expected = to_reference_depth(frame["delta_soc_t_ha_yr"], frame["depth_cm"], frame["land_use"])
    np.testing.assert_allclose(frame["delta_soc_t_ha_yr_30cm"], expected)
    assert frame["soil_class"].notna().all()
    by_site = frame.set_index("site_id")
    assert by_site.loc["D-1", "soil_class"] == "sandy"  # loamy sand, 6 % clay
    assert by_site.loc["C-07", "soil_class"] == "LAC"  # humid tropics
    assert by_site.loc["C-12", "soil_class"] == "volcanic"  # stated
    assert by_site.loc["D-2", "current_practices"] == ("cover_crops", "no_till")
    assert frame["source_row"].tolist() == list(range(1, 11))


def test_readme_documents_every_column():
    readme = (resources.files("training") / "README.md").read_text(encoding="utf-8")
    for column in list(COLUMNS) + ["delta_soc_t_ha_yr_30cm"]:
        assert f"`{column}`" in readme, column


#: The farm columns read as FarmContext's own messages (the API's and batch's).
BAD_VALUES = [
    ("climate_zone", "tropical_hot", "Input should be 'tropical_montane', 'tropical_wet'"),
    ("soil_texture", "siltloam", "Input should be 'sand', 'loamy_sand'"),
    ("soil_class", "HAX", "Input should be 'HAC', 'LAC', 'sandy'"),
    ("land_use", "farm", "Input should be 'cropland', 'perennial_cropland'"),
    ("degradation", "bad", "Input should be 'none', 'moderate' or 'severe'"),
    ("practice", "cover_crop", r"unknown practice id\(s\) \['cover_crop'\]; allowed: .*cover_crops"),
    ("practice", "no_till;reduced_tillage", "conflict and cannot be adopted together"),
    ("practice", "no_till+cover_crops", r"unknown practice id\(s\) \['no_till\+cover_crops'\].*joins ids with ';'"),
    ("practice", "silvopasture", "do not apply to land_use 'cropland'"),
    ("current_practices", "no_till;reduced_tillage", "conflict"),
    ("current_practices", "notill", r"unknown practice id\(s\) \['notill'\]; allowed: "),
    ("current_practices", "cover_crops", "already in current_practices"),
    ("clay_pct", "180", r"greater than or equal to 0 and less than or equal to 100 \(%\)"),
    ("soc_t_ha", "-3", r"greater than or equal to 0.1 and less than or equal to 1000 \(t C/ha, 0-30 cm\)"),
    ("delta_soc_t_ha_yr", "abc", "Input should be a valid number"),
    ("delta_soc_t_ha_yr", "400", "implausible"),
    ("years", "0", r"allowed \(0, 200\] yr"),
    ("depth_cm", "2", r"allowed \[5, 100\] cm"),
    ("depth_cm", "", "required value is empty"),
    ("study_id", "", "required value is empty"),
    ("site_id", "  ", "required value is empty"),
]


@pytest.mark.parametrize("column, value, message", BAD_VALUES)
def test_each_bad_value_is_reported_with_file_row_column_and_allowed(tmp_path, column, value, message):
    path = write_csv(tmp_path / "obs.csv", [GOOD, GOOD, {**GOOD, column: value}])
    with pytest.raises(ObservationError) as caught:
        read_observations(path)
    # current_practices 'cover_crops' is reported on the practice column: the
    # observed practice is already in place.
    expected_column = "practice" if message.startswith("already") else column
    matching = [p for p in caught.value.problems if p.column == expected_column]
    assert matching, caught.value.problems
    problem = matching[0]
    assert (problem.file, problem.row) == (str(path), 3)
    assert problem.value == value
    assert re.search(message, problem.problem), problem.problem
    assert f"{path}, row 3, column '{expected_column}'" in str(caught.value)


def test_missing_reference_stock_needs_a_measured_stock(tmp_path):
    row = {**GOOD, "climate_zone": "boreal_moist", "soil_class": "LAC", "soc_t_ha": ""}
    path = write_csv(tmp_path / "obs.csv", [row])
    with pytest.raises(ObservationError, match="no reference stock for LAC soils in boreal_moist"):
        read_observations(path)
    assert len(read_observations(write_csv(tmp_path / "ok.csv", [{**row, "soc_t_ha": "90"}])).observations) == 1


def test_change_must_be_given_one_way_and_consistently(tmp_path):
    none = {**GOOD, "delta_soc_t_ha_yr": ""}
    half = {**GOOD, "delta_soc_t_ha_yr": "", "soc_before_t_ha": "50"}
    no_years = {**GOOD, "delta_soc_t_ha_yr": "", "soc_before_t_ha": "50", "soc_after_t_ha": "53", "years": ""}
    disagree = {**GOOD, "delta_soc_t_ha_yr": "0.9", "soc_before_t_ha": "50", "soc_after_t_ha": "53"}
    path = write_csv(tmp_path / "obs.csv", [none, half, no_years, disagree])
    with pytest.raises(ObservationError) as caught:
        read_observations(path)
    texts = {p.row: p.problem for p in caught.value.problems}
    assert "no observed change" in texts[1]
    assert "give both soc_before_t_ha and soc_after_t_ha" in texts[2]
    assert "duration in years" in texts[3]
    assert "disagrees with (soc_after_t_ha - soc_before_t_ha) / years" in texts[4]


def test_missing_required_column_refuses_the_file_even_when_skipping(tmp_path):
    path = tmp_path / "obs.csv"
    pd.DataFrame([GOOD]).drop(columns=["depth_cm"]).to_csv(path, index=False)
    with pytest.raises(ObservationError, match="missing required column 'depth_cm'"):
        read_observations(path, skip_bad_rows=True)


def test_misspelt_column_is_refused_not_passed_through(tmp_path):
    path = tmp_path / "obs.csv"
    pd.DataFrame([GOOD]).rename(columns={"clay_pct": "clay_pc"}).to_csv(path, index=False)
    with pytest.raises(ObservationError, match="did you mean 'clay_pct'"):
        read_observations(path)


def test_extra_columns_pass_through(tmp_path):
    path = tmp_path / "obs.csv"
    pd.DataFrame([{**GOOD, "my_note": "plot 7"}]).to_csv(path, index=False)
    assert read_observations(path).observations["my_note"].tolist() == ["plot 7"]


def test_error_lists_the_first_problems_and_the_count(tmp_path):
    path = write_csv(tmp_path / "obs.csv", [{**GOOD, "land_use": "farm"}] * 30)
    with pytest.raises(ObservationError) as caught:
        read_observations(path)
    message = str(caught.value)
    assert message.startswith("30 problem(s) in 30 row(s)")
    assert "... and 10 more problem(s)" in message
    assert "skip_bad_rows=True" in message


def test_skip_keeps_good_rows_and_reports_bad_ones(tmp_path):
    rows = [GOOD, {**GOOD, "climate_zone": "x"}, {**GOOD, "site_id": "b"}, {**GOOD, "depth_cm": "500"}]
    result = read_observations(write_csv(tmp_path / "obs.csv", rows), skip_bad_rows=True)
    assert result.observations["source_row"].tolist() == [1, 3]
    assert result.rows_skipped == 2
    assert sorted(p.row for p in result.skipped) == [2, 4]
    report = result.report()
    assert "4 row(s) read from 1 source(s): 2 valid, 2 skipped" in report
    assert "row 2, column 'climate_zone'" in report and "row 4, column 'depth_cm'" in report


def test_csv_and_parquet_read_the_same(tmp_path):
    rows = [GOOD, {**GOOD, "practice": "no_till;cover_crops", "current_practices": "residue_retention"}]
    csv = write_csv(tmp_path / "obs.csv", rows)
    frame = pd.read_csv(csv, keep_default_na=True)  # numbers as floats, empty cells as NaN/None
    frame["soil_class"] = None
    parquet = tmp_path / "obs.parquet"
    frame.to_parquet(parquet, engine="pyarrow", index=False)
    from_csv = read_observations(csv).observations
    from_parquet = read_observations(parquet).observations
    columns = [c for c in OUTPUT_COLUMNS if c != "source_file"]
    pd.testing.assert_frame_equal(from_csv[columns], from_parquet[columns], check_dtype=False)
    assert from_csv["practice"].iloc[1] == "cover_crops;no_till"  # combinations in sorted id order


def test_several_files_keep_their_own_row_numbers(tmp_path):
    first = write_csv(tmp_path / "a.csv", [GOOD, GOOD])
    second = write_csv(tmp_path / "b.csv", [GOOD, {**GOOD, "land_use": "farm"}])
    result = read_observations([first, second], skip_bad_rows=True)
    assert len(result.observations) == 3
    assert [(p.file, p.row) for p in result.skipped] == [(str(second), 2)]


def test_before_after_form_equals_delta_form(tmp_path):
    delta = {**GOOD, "delta_soc_t_ha_yr": "0.375", "years": "8"}
    pair = {**GOOD, "delta_soc_t_ha_yr": "", "soc_before_t_ha": "40", "soc_after_t_ha": "43", "years": "8"}
    frame = read_observations(write_csv(tmp_path / "obs.csv", [delta, pair])).observations
    assert frame["delta_soc_t_ha_yr"].iloc[1] == pytest.approx(0.375)
    assert frame["delta_soc_t_ha_yr_30cm"].iloc[0] == pytest.approx(frame["delta_soc_t_ha_yr_30cm"].iloc[1])


def test_in_memory_frames_validate_with_the_same_rules():
    frame = pd.DataFrame([GOOD, {**GOOD, "soil_texture": "loamy"}])
    result = validate_observations(frame, source="survey-2024", skip_bad_rows=True)
    assert len(result.observations) == 1
    assert result.skipped[0].file == "survey-2024" and result.skipped[0].column == "soil_texture"


def test_unsupported_file_type_says_what_is_supported(tmp_path):
    path = tmp_path / "obs.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ObservationError, match=r"use \.csv .* or \.parquet"):
        read_observations(path)


def test_a_row_with_extra_fields_is_one_problem_naming_its_field_count(tmp_path):
    """Issue 12, item 8: not dozens of problems of columns shifted by one."""
    from training.observations import ObservationError, read_observations

    lines = (Path(__file__).parents[2] / "training" / "examples" / "observations_example.csv").read_text().splitlines()
    header_fields = len(lines[0].split(","))
    for bad in (1, 3):  # the first data row (pandas would read it as an index) and a later one
        rows = list(lines)
        rows[bad] += ",oops"
        path = tmp_path / "obs.csv"
        path.write_text("\n".join(rows) + "\n")
        with pytest.raises(ObservationError) as caught:
            read_observations(path)
        [problem] = caught.value.problems
        assert problem.row == bad and f"has {header_fields + 1} fields, the header {header_fields}" in problem.problem
