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


def test_csv_with_byte_order_mark_and_ragged_line(tmp_path, survey):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + survey.to_csv(index=False), encoding="utf-8")
    assert survey_columns(path)[0] == "farm_id"
    assert next(read_chunks(path, 1000)).frame.columns[0] == "farm_id"
    path.write_text("farm_id,climate_zone,soil_texture,land_use\nA,tropical_dry,loam\n")
    with pytest.raises(SurveyError, match="as many fields as the header"):
        list(read_chunks(path, 1000))


def test_a_folder_of_parquet_parts_reads_as_one_survey_in_name_order(tmp_path, survey):
    folder = tmp_path / "survey"
    folder.mkdir()
    write_survey(survey.iloc[40:], folder / "part-1.parquet")
    write_survey(survey.iloc[:40], folder / "part-0.parquet")
    frame = pd.concat([c.frame for c in read_chunks(folder, 25)], ignore_index=True)
    assert frame["farm_id"].tolist() == survey["farm_id"].tolist()
    assert survey_columns(folder) == list(survey.columns)
