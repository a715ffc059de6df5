"""The Dask engine on a real distributed cluster gives the local engine's results."""

import os
import signal
import sys

import cloudpickle
import pandas as pd
import pytest
from batch_survey import write_survey
from distributed import Client, LocalCluster, WorkerPlugin

from recommender.batch.distributed import Settings, score_dask
from recommender.batch.local import score_local
from recommender.batch.scoring import chunk_scorer
from recommender.batch.writing import destinations
from recommender.recommend.options import Options


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.parametrize("source", ["in.parquet", "in.csv"])
def test_dask_and_local_engines_give_identical_results(tmp_path, survey, engine, small_model, cluster, source):
    path = write_survey(survey, tmp_path / source, row_group=16)  # 5 partitions (CSV: ~10-row blocks)
    local = destinations(tmp_path / "local.parquet", trajectories=tmp_path / "local.paths.parquet")
    score_local(path, local, chunk_scorer(small_model.model, engine, Options(), small_model.version,
                                          trajectories=True))
    where = destinations(tmp_path / "dask.parquet", trajectories=tmp_path / "dask.paths.parquet")
    counts = score_dask(path, where, small_model.model, Settings(small_model.version, Options(), onnx=True),
                        scheduler=cluster.scheduler_address, chunk_size=10)
    assert counts.read == len(survey) == counts.scored + counts.rejected
    assert where.output.is_dir() and len(list(where.output.glob("part-*.parquet"))) > 1
    for name, order in (("output", ["row", "rank"]), ("summary", ["row"]), ("rejects", ["row"]),
                        ("trajectories", ["row"])):
        expected = pd.read_parquet(getattr(local, name))
        found = pd.read_parquet(getattr(where, name)).sort_values(order, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(found, expected, check_categorical=False)
    # The duplicate of row 1 sits in another partition and is still found.
    rejects = pd.read_parquet(where.rejects)
    assert rejects["reason"].str.contains("duplicate: row 1 has the same farm_id").sum() == 1
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_dask_engine_writes_parquet_only(tmp_path, small_model):
    with pytest.raises(ValueError, match="partitioned Parquet"):
        score_dask(tmp_path / "in.csv", destinations(tmp_path / "out.csv"), small_model.model,
                   Settings(small_model.version, Options(), onnx=True))


class KillOnce(WorkerPlugin):
    """Kills the worker process running the first scoring task it sees (once:
    a marker file remembers), as a machine lost mid-job would."""

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and "-part-" in str(key) and not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.slow
def test_a_worker_killed_mid_job_loses_and_duplicates_no_row(tmp_path, survey, scorer, small_model):
    """Issue 12, item 9: the job completes and equals the local engine's, row for row."""
    path = write_survey(survey, tmp_path / "in.parquet", row_group=16)
    local = destinations(tmp_path / "local.parquet")
    score_local(path, local, scorer)
    marker = tmp_path / "killed"
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.register_plugin(KillOnce(str(marker)), name="kill-once")
        where = destinations(tmp_path / "dask.parquet")
        counts = score_dask(path, where, small_model.model, Settings(small_model.version, Options(), onnx=True),
                            scheduler=cluster.scheduler_address, chunk_size=8)
    assert marker.exists()  # a worker did die
    assert counts.read == len(survey) == counts.scored + counts.rejected
    for name, order in (("output", ["row", "rank"]), ("summary", ["row"]), ("rejects", ["row"])):
        expected = pd.read_parquet(getattr(local, name))
        found = pd.read_parquet(getattr(where, name)).sort_values(order, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(found, expected, check_categorical=False)
    assert sorted(p.name for p in where.output.iterdir()) == [f"part-{i:06d}.parquet" for i in range(9)]
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


@pytest.mark.parametrize("name", ["in.csv", "in.parquet"])
def test_partitions_cover_every_row_once_in_order(tmp_path, survey, name):
    """Row-sized partitions: CSV byte ranges cut anywhere, Parquet row groups split."""
    from recommender.batch.partitions import plan, read_piece
    from recommender.batch.reading import read_chunks

    text = survey.to_csv(index=False).splitlines()
    text[7] += ",one too many"  # a malformed line keeps its place
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("\n".join(text) + "\n")
    else:
        write_survey(survey, path, row_group=32)
    pieces = plan(path, 3)
    assert len(pieces) > 10
    whole = next(read_chunks(path, 10_000))
    parts = [read_piece(piece) for piece in pieces]
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(frame, whole.frame)
    if name.endswith(".csv"):
        lengths = [len(p.frame) for p in parts]
        [(at, row)] = [(i, r) for i, p in enumerate(parts) for r in p.malformed]
        assert sum(lengths[:at]) + row == 7 == next(iter(whole.malformed))
