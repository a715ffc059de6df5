"""The local engine: every row accounted for, files complete or absent."""

import pandas as pd
import pyarrow as pa
import pytest
from batch_survey import BAD, write_survey

from recommender.batch.local import score_local
from recommender.batch.validation import SurveyError
from recommender.batch.writing import destinations


def _read(path):
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


@pytest.mark.parametrize("source, output", [("in.csv", "out.csv"), ("in.parquet", "out.parquet"),
                                            ("in.csv", "out.parquet")])
def test_good_rows_are_scored_bad_rows_rejected_and_counts_add_up(tmp_path, survey, scorer, source, output):
    path = write_survey(survey, tmp_path / source, row_group=16)
    where = destinations(tmp_path / output)
    counts = score_local(path, where, scorer, chunk_size=1000)
    rows, summary, rejects = _read(where.output), _read(where.summary), _read(where.rejects)
    assert counts.read == len(survey) == counts.scored + counts.rejected
    assert (counts.scored, counts.rejected, counts.rows_written) == (len(summary), len(BAD), len(rows))
    assert sorted(summary["row"].tolist() + rejects["row"].tolist()) == list(range(1, len(survey) + 1))
    reasons = dict(zip(rejects["row"], rejects["reason"]))
    assert all(reason in reasons[row] for reason, row in survey.attrs["bad_rows"].items())
    assert set(rows["farm_id"]) <= set(summary["farm_id"])
    assert where.rejects.name == f"out.rejects.{output.split('.')[1]}"


def test_chunks_give_the_same_result_as_one_chunk(tmp_path, survey, scorer):
    path = write_survey(survey, tmp_path / "in.csv")
    whole, chunked = destinations(tmp_path / "whole.parquet"), destinations(tmp_path / "chunked.parquet")
    score_local(path, whole, scorer, chunk_size=1000)
    score_local(path, chunked, scorer, chunk_size=7)
    for name in ("output", "summary", "rejects"):
        assert pd.read_parquet(getattr(whole, name)).equals(pd.read_parquet(getattr(chunked, name)))


def test_output_appears_only_when_the_run_is_complete(tmp_path, survey, scorer):
    path = write_survey(survey, tmp_path / "in.csv")
    where = destinations(tmp_path / "out.csv")
    seen = []

    def watching(contexts):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        if len(seen) == 3:
            raise RuntimeError("interrupted")
        return scorer(contexts)

    with pytest.raises(RuntimeError, match="interrupted"):
        score_local(path, where, watching, chunk_size=20)
    # While running, only hidden temporary files existed; after the failure, nothing.
    assert sum(".partial-" in name for name in seen[-1]) == 3
    assert all(name == "in.csv" or name.startswith(".out.") and ".partial-" in name for name in seen[-1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    score_local(path, where, scorer, chunk_size=20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv", "out.rejects.csv",
                                                            "out.summary.csv"]


def test_a_failed_write_stops_the_run_with_its_error_and_leaves_nothing(tmp_path, survey, scorer):
    # Chunks are written on a background thread: its error must still reach the caller.
    path = write_survey(survey, tmp_path / "in.csv")
    chunks = []

    def breaking(contexts):
        chunks.append(len(contexts))
        scored = scorer(contexts)
        if len(chunks) == 2:  # a column the output schema cannot hold
            scored.rows["expected_gain_t_c_ha_yr"] = "not a number"
        return scored

    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError), match="expected_gain_t_c_ha_yr"):
        score_local(path, destinations(tmp_path / "out.parquet"), breaking, chunk_size=20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_file_without_required_columns_writes_nothing(tmp_path, survey, scorer):
    path = write_survey(survey.drop(columns="land_use"), tmp_path / "in.csv")
    with pytest.raises(SurveyError, match="missing required column 'land_use'"):
        score_local(path, destinations(tmp_path / "out.csv"), scorer)
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_a_ragged_line_is_rejected_and_the_rest_scored(tmp_path, survey, scorer):
    """Issue 12, item 8: one malformed line no longer refuses the whole file."""
    text = survey.to_csv(index=False).splitlines()
    text[5] += ",one too many"  # data row 5
    path = tmp_path / "in.csv"
    path.write_text("\n".join(text) + "\n")
    where = destinations(tmp_path / "out.csv")
    counts = score_local(path, where, scorer, chunk_size=1000)
    assert counts.read == len(survey) and counts.rejected == len(BAD) + 1
    rejects = pd.read_csv(where.rejects)
    [reason] = rejects.loc[rejects["row"] == 5, "reason"]
    assert "has 12 fields, the header 11" in reason
    assert 5 not in pd.read_csv(where.summary)["row"].tolist()
