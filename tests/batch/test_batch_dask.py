"""The Dask engine on a real distributed cluster gives the local engine's results."""

import pandas as pd
import pytest
from batch_survey import write_survey
from distributed import LocalCluster

from recommender.batch.distributed import Settings, score_dask
from recommender.batch.local import score_local
from recommender.batch.writing import destinations
from recommender.recommend.options import Options


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.parametrize("source", ["in.parquet", "in.csv"])
def test_dask_and_local_engines_give_identical_results(tmp_path, survey, scorer, small_model, cluster, source):
    path = write_survey(survey, tmp_path / source, row_group=16)  # 5 partitions (CSV: ~10-row blocks)
    local = destinations(tmp_path / "local.parquet")
    score_local(path, local, scorer)
    where = destinations(tmp_path / "dask.parquet")
    counts = score_dask(path, where, small_model.model, Settings(small_model.version, Options(), onnx=True),
                        scheduler=cluster.scheduler_address, chunk_size=10)
    assert counts.read == len(survey) == counts.scored + counts.rejected
    assert where.output.is_dir() and len(list(where.output.glob("part-*.parquet"))) > 1
    for name, order in (("output", ["row", "rank"]), ("summary", ["row"]), ("rejects", ["row"])):
        expected = pd.read_parquet(getattr(local, name))
        found = pd.read_parquet(getattr(where, name)).sort_values(order).reset_index(drop=True)
        pd.testing.assert_frame_equal(found, expected, check_categorical=False)
    # The duplicate of row 1 sits in another partition and is still found.
    rejects = pd.read_parquet(where.rejects)
    assert rejects["reason"].str.contains("duplicate: row 1 has the same farm_id").sum() == 1
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_dask_engine_writes_parquet_only(tmp_path, small_model):
    with pytest.raises(ValueError, match="partitioned Parquet"):
        score_dask(tmp_path / "in.csv", destinations(tmp_path / "out.csv"), small_model.model,
                   Settings(small_model.version, Options(), onnx=True))
