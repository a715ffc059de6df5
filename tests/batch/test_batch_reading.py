"""Reading surveys in chunks: row numbers, CSV and Parquet, lists or text practices."""

import pandas as pd
import pytest
from batch_survey import write_survey

from recommender.batch.reading import read_chunks, survey_columns
from recommender.batch.validation import SurveyError


@pytest.mark.parametrize("name, lists", [("s.csv", False), ("s.parquet", False), ("s.parquet", True)])
def test_chunks_number_rows_from_one_and_read_the_same_cells(tmp_path, survey, name, lists):
    path = write_survey(survey, tmp_path / name, row_group=25, lists=lists)
    chunks = list(read_chunks(path, 20))
    assert [c.first_row for c in chunks] == list(range(1, len(survey) + 1, 20))
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert "region" not in frame  # only farm-context columns are read
    expected = survey.drop(columns="region")
    if lists:  # empty items of a ';' list are dropped by a list column
        expected["current_practices"] = expected["current_practices"].map(
            lambda v: ";".join(p for p in v.split(";") if p))
    assert frame.fillna("").astype(str).equals(expected.astype(str))


def test_csv_with_byte_order_mark(tmp_path, survey):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + survey.to_csv(index=False), encoding="utf-8")
    assert survey_columns(path)[0] == "farm_id"
    assert next(read_chunks(path, 1000)).frame.columns[0] == "farm_id"


@pytest.mark.parametrize("chunk_size", [3, 1000])
def test_ragged_lines_take_their_place_as_malformed_rows(tmp_path, chunk_size):
    """Issue 12, item 8: the file is read on, each ragged line named by its data-row number."""
    lines = [f"F{i},tropical_dry,loam,cropland" for i in range(1, 11)]
    lines[3] = "F4,tropical_dry,loam"  # data row 4: a field short
    lines[7] = "F8,tropical_dry,loam,cropland,extra"  # data row 8: a field too many
    path = tmp_path / "ragged.csv"
    path.write_text("farm_id,climate_zone,soil_texture,land_use\n" + "\n".join(lines) + "\n")
    chunks = list(read_chunks(path, chunk_size))
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    malformed = {row: reason for c in chunks for row, reason in c.malformed.items()}
    assert len(frame) == 10 and frame["farm_id"].tolist()[4:7] == ["F5", "F6", "F7"]
    assert frame.loc[[3, 7], "farm_id"].tolist() == ["", ""]
    assert malformed == {4: malformed[4], 8: malformed[8]}
    assert "has 3 fields, the header 4" in malformed[4] and "has 5 fields, the header 4" in malformed[8]


def test_a_csv_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("farm_id,climate_zone,soil_texture,land_use\nF\xe9,tropical_dry,loam,cropland\n".encode("latin-1"))
    with pytest.raises(SurveyError, match="UTF-8"):
        list(read_chunks(path, 1000))


def test_a_folder_of_parquet_parts_reads_as_one_survey_in_name_order(tmp_path, survey):
    folder = tmp_path / "survey"
    folder.mkdir()
    write_survey(survey.iloc[40:], folder / "part-1.parquet")
    write_survey(survey.iloc[:40], folder / "part-0.parquet")
    frame = pd.concat([c.frame for c in read_chunks(folder, 25)], ignore_index=True)
    assert frame["farm_id"].tolist() == survey["farm_id"].tolist()
    assert survey_columns(folder) == list(survey.columns)
