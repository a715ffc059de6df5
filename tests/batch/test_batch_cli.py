"""``recommender score``: the command line over the batch engines."""

import pandas as pd
import pytest
from batch_survey import BAD, write_survey
from click.testing import CliRunner

from recommender.cli import main


@pytest.fixture()
def run(small_registry):
    def invoke(*args):
        return CliRunner().invoke(main, ["score", *map(str, args), "--models-dir", str(small_registry.root)])
    return invoke


def test_score_writes_three_files_and_a_summary_line(tmp_path, survey, run):
    source = write_survey(survey, tmp_path / "survey.csv")
    result = run(source, "-o", tmp_path / "scores.csv", "--top-k", 2, "--objective", "robust")
    assert result.exit_code == 0, result.output
    n = len(survey)
    assert f"{n} farms read: {n - len(BAD)} scored, {len(BAD)} rejected" in result.output
    assert "farms/s" in result.output
    rows = pd.read_csv(tmp_path / "scores.csv")
    assert rows.groupby("farm_id")["rank"].max().max() == 2
    assert len(pd.read_csv(tmp_path / "scores.rejects.csv")) == len(BAD)
    assert len(pd.read_csv(tmp_path / "scores.summary.csv")) == n - len(BAD)


def test_trajectories_only_on_request(tmp_path, survey, run):
    source = write_survey(survey, tmp_path / "survey.csv")
    result = run(source, "-o", tmp_path / "scores.parquet", "--top-k", 2, "--bundle-size", 0,
                 "--horizon", 5, "--trajectories", tmp_path / "paths.csv")
    assert result.exit_code == 0, result.output
    assert f"trajectories: {tmp_path / 'paths.csv'}" in result.output
    paths, rows = pd.read_csv(tmp_path / "paths.csv"), pd.read_parquet(tmp_path / "scores.parquet")
    # Three methods, years 0..5; RothC leaves paddy rice out.
    paddy = (pd.read_parquet(tmp_path / "scores.summary.parquet").set_index("row").loc[rows["row"]]
             .reset_index()["baseline_input_needed_for_4p1000_t_c_ha_yr"].isna().to_numpy())
    assert len(paths) == 6 * (3 * (~paddy).sum() + 2 * paddy.sum())
    assert set(paths["method"]) == {"model", "ipcc_tier1", "rothc"}
    last = paths[(paths["year"] == 5) & (paths["method"] == "model")]
    assert last["soc_t_ha"].tolist() == pytest.approx(rows["soc_at_horizon_t_c_ha"].tolist())
    assert "trajectories: " not in run(source, "-o", tmp_path / "again.csv").output


def test_dask_engine_from_the_command_line(tmp_path, survey, run):
    source = write_survey(survey, tmp_path / "survey.parquet", row_group=20)
    result = run(source, "-o", tmp_path / "scores", "--engine", "dask", "--workers", 1)
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(tmp_path / "scores.summary.parquet")) == len(survey) - len(BAD)


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "only used with --engine dask"),
    (["--engine", "dask", "--format", "csv"], "writes partitioned Parquet"),
    (["--engine", "dask", "--rejects", "r.csv"], "folders of Parquet parts"),
])
def test_contradictory_options_are_refused(tmp_path, survey, run, args, message):
    source = write_survey(survey, tmp_path / "survey.csv")
    result = run(source, "-o", tmp_path / "out.csv", *args)
    assert result.exit_code == 2 and message in result.output


def test_a_survey_without_farm_id_fails_with_the_reason(tmp_path, survey, run):
    source = write_survey(survey.drop(columns="farm_id"), tmp_path / "survey.csv")
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert "missing required column 'farm_id'" in result.output
    assert not (tmp_path / "out.csv").exists()
