"""The Dask engine: the same validation and scoring, one partition per task.

``dask.dataframe`` reads the survey in partitions (CSV byte blocks, Parquet
row groups read by the local engine's reader) and two passes run on a
``distributed`` cluster (the ``scheduler`` given, or a ``LocalCluster``):

1. farm-id hashes and partition lengths: the ids that occur more than once
   and the row that first has each (a grouped reduction across partitions),
   and each partition's first row number;
2. ``map_partitions`` of validation and :func:`~recommender.batch.scoring.score_contexts`
   with that knowledge: each task writes its part of the three Parquet
   datasets (output, rejects, summary) into temporary folders and returns
   its counts; the folders are renamed into place when every task is done.

Results equal the local engine's row for row. Workers need the output
folder on a filesystem they share with the client; the model travels with
the task graph. Each worker thread keeps its own engine and model (with its
memory of predicted rows) across the partitions it scores.
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from distributed import Client, LocalCluster, as_completed
from tqdm import tqdm

from recommender.batch.ids import KnownDuplicates, id_hashes
from recommender.batch.reading import parquet_files, survey_columns, survey_format, to_frame
from recommender.batch.scoring import ROW_SCHEMA, SUMMARY_SCHEMA, chunk_scorer
from recommender.batch.validation import INPUT_COLUMNS, REJECT_SCHEMA, check_columns, farm_ids, validate_chunk
from recommender.batch.writing import (
    Counts,
    Destinations,
    move_into_place,
    remove,
    temporary_path,
    to_table,
    write_table,
)
from recommender.model.gain_model import GainModel
from recommender.recommend.options import Options
from recommender.science.tier1 import Tier1Engine

#: Bytes of CSV per partition for each row asked for by ``chunk_size``
#: (survey rows are 60-120 bytes).
CSV_BYTES_PER_ROW = 100
#: Partition numbers are shifted into the high bits of a row key.
_POSITION_BITS = 40
_COUNTS = {"read": "i8", "scored": "i8", "rejected": "i8", "rows_written": "i8"}


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its partition and the model."""

    version: str
    options: Options
    onnx: bool


def read_survey(source: Path | str, chunk_size: int, only: Sequence[str] = INPUT_COLUMNS) -> dd.DataFrame:
    """The survey's farm-context columns (those of ``only``) as a Dask DataFrame
    of text cells. Partitions are the same whatever the columns: Parquet row
    groups, or CSV blocks of ~``chunk_size`` rows."""
    source = Path(source)
    if survey_format(source) == "parquet":
        files = parquet_files(source)
        columns = [c for c in pq.read_schema(files[0]).names if c in only]
        pieces = [(f, group) for f in files for group in range(pq.ParquetFile(f).num_row_groups)]
        meta = to_frame(pq.read_schema(files[0]).empty_table().select(columns))
        return dd.from_map(partial(_read_row_group, columns=columns), pieces, meta=meta)
    columns = [c for c in survey_columns(source) if c in only]
    return dd.read_csv(source, blocksize=None if source.suffix == ".gz" else chunk_size * CSV_BYTES_PER_ROW,
                       usecols=columns, dtype=str, keep_default_na=False, na_filter=False,
                       encoding="utf-8-sig")


def _read_row_group(piece: tuple[Path, int], columns: Sequence[str]) -> pd.DataFrame:
    path, group = piece
    return to_frame(pq.ParquetFile(path).read_row_group(group, columns=list(columns)))


def _id_keys(frame: pd.DataFrame, partition_info=None) -> pd.DataFrame:
    """Hash of each non-empty farm id, with its (partition, position) as one integer."""
    ids = farm_ids(frame)
    given = ids.notna().to_numpy()
    positions = np.flatnonzero(given).astype(np.int64)
    return pd.DataFrame({"hash": id_hashes(ids[given].to_numpy(object)),
                         "key": (partition_info["number"] << _POSITION_BITS) + positions})


def _duplicates(ids: dd.DataFrame) -> tuple[KnownDuplicates, np.ndarray]:
    """Pass 1 over the ``farm_id`` column: the survey's duplicated ids (with
    the row first having each) and the first row number of every partition."""
    keys = ids.map_partitions(_id_keys, meta={"hash": "u8", "key": "i8"})
    grouped = keys.groupby("hash")["key"].agg(["min", "count"], split_out=max(1, ids.npartitions // 16))
    repeated = grouped[grouped["count"] > 1]
    repeated, lengths = dask.compute(repeated, ids.map_partitions(len))
    first_rows = np.concatenate([[1], 1 + np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]])
    first = repeated["min"].to_numpy(np.int64)
    rows = first_rows[first >> _POSITION_BITS] + (first & ((1 << _POSITION_BITS) - 1))
    return KnownDuplicates(repeated.index.to_numpy(np.uint64), rows), first_rows


_worker = threading.local()


def _scorer(model: GainModel, settings: Settings):
    """This worker thread's scoring function (built on its first task)."""
    if getattr(_worker, "settings", None) != settings:
        _worker.score = chunk_scorer(model, Tier1Engine(), settings.options, settings.version, settings.onnx)
        _worker.settings = settings
    return _worker.score


def _score_partition(frame: pd.DataFrame, first_rows: np.ndarray, duplicates: KnownDuplicates,
                     model: GainModel, settings: Settings, folders: tuple[str, str, str],
                     partition_info=None) -> pd.DataFrame:
    """Pass 2 for one partition: validate, score, write its parts into the
    (output, summary, rejects) ``folders``; return its counts."""
    number = partition_info["number"]
    validated = validate_chunk(frame, int(first_rows[number]), duplicates)
    scored = _scorer(model, settings)(validated.contexts)
    name = f"part-{number:06d}.parquet"
    for folder, data, schema in zip(folders, (scored.rows, scored.summary, validated.rejects),
                                    (ROW_SCHEMA, SUMMARY_SCHEMA, REJECT_SCHEMA)):
        write_table(to_table(data, schema), Path(folder) / name, "parquet")
    return pd.DataFrame({"read": [len(frame)], "scored": [len(validated.contexts)],
                         "rejected": [len(validated.rejects)], "rows_written": [len(scored.rows)]})


def score_dask(source: Path | str, where: Destinations, model: GainModel, settings: Settings, *,
               scheduler: str | None = None, workers: int | None = None, chunk_size: int = 100_000,
               progress: bool | None = None) -> Counts:
    """Score the survey ``source`` on a Dask cluster into Parquet folders ``where``.

    Parameters
    ----------
    source : path
        CSV, Parquet file, or folder of Parquet files (read in name order).
    where : Destinations
        Output, rejects and summary folders (``where.format`` must be parquet).
    model : GainModel
        The model in service (sent to the workers with the tasks).
    settings : Settings
        Model version, ranking options and whether to run the model in ONNX.
    scheduler : str, optional
        Address of a running scheduler; a ``LocalCluster`` of ``workers``
        single-threaded processes when omitted.
    chunk_size : int
        Rows per CSV partition (Parquet partitions are the file's row groups).
    progress : bool, optional
        Progress bar with farms/s (default: when stderr is a terminal).

    Returns
    -------
    Counts
        As the local engine's; ``read`` equals the survey's rows.
    """
    if where.format != "parquet":
        raise ValueError("the Dask engine writes partitioned Parquet; use --format parquet (or the "
                         "local engine for CSV)")
    started = time.perf_counter()
    check_columns(survey_columns(source))
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None, silence_logs=logging.WARNING)
    finals = (where.output, where.summary, where.rejects)
    temporary = [temporary_path(path) for path in finals]
    try:
        with Client(scheduler or cluster) as client:
            duplicates, first_rows = _duplicates(read_survey(source, chunk_size, only=["farm_id"]))
            survey = read_survey(source, chunk_size)
            for folder in temporary:
                folder.mkdir()
            counts_frame = survey.map_partitions(
                # The model and the duplicates table enter the graph once, not once per task.
                _score_partition, first_rows, dask.delayed(duplicates), dask.delayed(model), settings,
                tuple(str(f) for f in temporary), meta=_COUNTS,
            )
            counts = _run(client, counts_frame, progress)
        for folder, final in reversed(list(zip(temporary, finals))):  # the output last
            move_into_place(folder, final)
    except BaseException:
        for folder in temporary:
            remove(folder)
        raise
    finally:
        if cluster is not None:
            cluster.close()
    counts.seconds = time.perf_counter() - started
    return counts


def _run(client: Client, counts_frame: dd.DataFrame, progress: bool | None) -> Counts:
    """Compute every partition, with a progress bar fed as partitions finish."""
    counts = Counts()
    futures = client.compute(counts_frame.to_delayed())
    with tqdm(unit=" farms", unit_scale=True, desc="scoring",
              disable=None if progress is None else not progress) as bar:
        for future in as_completed(futures):
            done = future.result().iloc[0]
            counts.add(int(done["read"]), int(done["scored"]), int(done["rejected"]), int(done["rows_written"]))
            bar.update(int(done["read"]))
    return counts
