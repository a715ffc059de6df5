"""The Dask engine: the same validation and scoring, one partition per task.

The survey is cut into partitions of at most ``chunk_size`` rows (Parquet
row groups, split when larger; CSV byte ranges of about ``chunk_size`` rows,
each line belonging to the range it starts in) and two passes run as plain
``distributed`` tasks on a cluster (the ``scheduler`` given, or a
``LocalCluster``):

1. each partition's farm-id hashes and length: the client finds the ids that
   occur more than once, the row that first has each, and each partition's
   first row number (16 bytes a farm, as the local engine's memory of ids);
2. each partition validated and scored by the local engine's chunk scorer,
   its parts of the three Parquet datasets (output, summary, rejects) written
   into temporary folders under their final names, so a task that runs twice
   (its worker died) overwrites its own parts; the folders are renamed into
   place when every task is done.

The model (and pass 1's duplicates) reach every worker once, in a worker
plugin: a worker that dies and restarts gets them again, which scattered
data would not survive. Each worker thread builds its scorer once (ONNX
conversion, memory of predicted rows) and keeps it across the partitions it
scores: no cost per task that the local engine does not pay. A worker lost
mid-job only costs its partitions a second run. Results equal the local
engine's row for row. Workers need the survey and the output folder on a
filesystem they share with the client.
"""

import logging
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import dask
import numpy as np
from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker
from tqdm import tqdm

from recommender.batch.ids import KnownDuplicates, id_hashes
from recommender.batch.partitions import DASK_PARTITION_ROWS, Piece, plan, read_piece
from recommender.batch.reading import Chunk, survey_columns
from recommender.batch.scoring import ROW_SCHEMA, SUMMARY_SCHEMA, TRAJECTORY_SCHEMA, chunk_scorer
from recommender.batch.validation import REJECT_SCHEMA, check_columns, farm_ids, validate_chunk
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

log = logging.getLogger(__name__)

#: A part written completely; anything else in a temporary folder is the
#: leftover of a task whose worker died while writing.
_PART = re.compile(r"part-\d{6}\.parquet")


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its partition and the model."""

    version: str
    options: Options
    onnx: bool
    trajectories: bool = False


def _ids(piece: Piece) -> tuple[np.ndarray, np.ndarray, int]:
    """Pass 1 for one partition: hashes of its non-empty farm ids, their
    0-based positions, and its number of rows."""
    frame = read_piece(piece, only=["farm_id"]).frame
    ids = farm_ids(frame)
    given = ids.notna().to_numpy()
    return id_hashes(ids[given].to_numpy(object)), np.flatnonzero(given), len(frame)


def duplicates_and_first_rows(found: list[tuple[np.ndarray, np.ndarray, int]]) -> tuple[KnownDuplicates, np.ndarray]:
    """The survey's duplicated ids (with the row first having each) and the
    first row number of every partition, from pass 1's answers in order."""
    lengths = np.array([length for _, _, length in found], dtype=np.int64)
    first_rows = np.concatenate([[1], 1 + np.cumsum(lengths)[:-1]]).astype(np.int64)
    hashes = np.concatenate([h for h, _, _ in found] or [np.zeros(0, np.uint64)])
    rows = np.concatenate([first + positions for (_, positions, _), first in zip(found, first_rows)]
                          or [np.zeros(0, np.int64)])
    order = np.lexsort((rows, hashes))  # by hash, then row: the first row of each hash leads
    hashes, rows = hashes[order], rows[order]
    leads = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    counts = np.diff(np.r_[leads, len(hashes)])
    repeated = leads[counts > 1]
    return KnownDuplicates(hashes[repeated], rows[repeated]), first_rows


class Shared(WorkerPlugin):
    """A value every task of a job reads, held once by each worker (and given
    again to a worker that joins or restarts)."""

    def __init__(self, value: object):
        self.value = value


def _shared(name: str) -> Any:
    plugin = get_worker().plugins[name]
    assert isinstance(plugin, Shared)
    return plugin.value


_worker = threading.local()


def _scorer(model: GainModel, settings: Settings):
    """This worker thread's scoring function, built on its first partition of this model."""
    key = (id(model), settings)
    if getattr(_worker, "key", None) != key:
        _worker.score = chunk_scorer(model, Tier1Engine(), settings.options, settings.version, settings.onnx,
                                     settings.trajectories)
        _worker.key = key
    return _worker.score


def _score_piece(piece: Piece, number: int, first_row: int, job: str, settings: Settings,
                 folders: dict[str, str]) -> dict:
    """Pass 2 for one partition: validate, score, write its parts into the
    ``folders`` of the outputs (by name); return its counts. ``job`` names
    the shared model and duplicates."""
    model, duplicates = _shared(f"{job}-model"), _shared(f"{job}-duplicates")
    chunk = read_piece(piece)
    chunk = Chunk(first_row, chunk.frame, {first_row - 1 + row: why for row, why in chunk.malformed.items()})
    validated = validate_chunk(chunk.frame, first_row, duplicates)
    scored = _scorer(model, settings)(validated.contexts)
    name = f"part-{number:06d}.parquet"
    tables = {"output": (scored.rows, ROW_SCHEMA), "summary": (scored.summary, SUMMARY_SCHEMA),
              "rejects": (chunk.mark_malformed(validated.rejects), REJECT_SCHEMA),
              "trajectories": (scored.trajectories, TRAJECTORY_SCHEMA)}
    for output, folder in folders.items():
        data, schema = tables[output]
        # Written aside and renamed: a retry of this task replaces its part whole.
        aside = Path(folder) / f".{name}.{uuid.uuid4().hex[:8]}"
        write_table(to_table(data, schema), aside, "parquet")
        os.replace(aside, Path(folder) / name)
    return {"read": len(chunk.frame), "scored": len(validated.contexts), "rejected": len(validated.rejects),
            "rows_written": len(scored.rows)}


def start_local_cluster(workers: int | None = None) -> LocalCluster:
    """A cluster of ``workers`` single-threaded processes on this machine
    (default: one per core), its workers importing the scoring code as they
    start (while the caller does something else, e.g. loads the model)."""
    # One worker runs in this process: a process of its own would only add
    # its start-up, a second copy of the libraries and the model, and IPC.
    processes = (workers or os.cpu_count() or 1) > 1
    # The statistical profiler samples each task's stack every 10 ms: a cost
    # per task the local engine does not pay, for a dashboard nobody reads.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=None,
                            silence_logs=logging.WARNING, **({"preload": [__name__]} if processes else {}))


def score_dask(source: Path | str, where: Destinations, model: GainModel, settings: Settings, *,
               scheduler: str | None = None, workers: int | None = None, chunk_size: int = DASK_PARTITION_ROWS,
               progress: bool | None = None) -> Counts:
    """Score the survey ``source`` on a Dask cluster into Parquet folders ``where``.

    Parameters
    ----------
    source : path
        CSV, Parquet file, or folder of Parquet files (read in name order).
    where : Destinations
        Output, rejects, summary (and time paths) folders (all Parquet).
    model : GainModel
        The model in service (sent once to each worker).
    settings : Settings
        Model version, ranking options and whether to run the model in ONNX
        (the time paths are given when ``where`` names a place for them).
    scheduler : str, optional
        Address of a running scheduler; a ``LocalCluster`` of ``workers``
        single-threaded processes when omitted.
    chunk_size : int
        Rows per partition (Parquet row groups are split; CSV ranges hold about as many).
    progress : bool, optional
        Progress bar with farms/s (default: when stderr is a terminal).

    Returns
    -------
    Counts
        As the local engine's; ``read`` equals the survey's rows.
    """
    if {fmt for _, _, fmt in where.items()} != {"parquet"}:
        raise ValueError("the Dask engine writes partitioned Parquet; use --format parquet (or the "
                         "local engine for CSV)")
    started = time.perf_counter()
    check_columns(survey_columns(source))
    pieces = plan(source, chunk_size)
    cluster = None if scheduler else start_local_cluster(workers)
    settings = replace(settings, trajectories=where.trajectories is not None)
    finals = {name: path for name, path, _ in where.items()}  # in the order of renaming: the output last
    temporary = {name: temporary_path(path) for name, path in finals.items()}
    job = f"score-{uuid.uuid4().hex[:12]}"
    try:
        with Client(scheduler or cluster) as client:
            # The model travels while pass 1 runs, once to each worker.
            client.register_plugin(Shared(model), name=f"{job}-model")
            found = client.gather(client.map(_ids, pieces, key=[f"{job}-ids-{i}" for i in range(len(pieces))]))
            duplicates, first_rows = duplicates_and_first_rows(found)
            client.register_plugin(Shared(duplicates), name=f"{job}-duplicates")
            for folder in temporary.values():
                folder.mkdir()
            names = {name: str(folder) for name, folder in temporary.items()}
            futures = [client.submit(_score_piece, piece, number, int(first_rows[number]), job, settings, names,
                                     key=f"{job}-part-{number}") for number, piece in enumerate(pieces)]
            try:
                counts = _run(futures, progress)
            finally:  # a long-lived cluster does not keep the job's model
                for name in ("model", "duplicates"):
                    client.unregister_worker_plugin(f"{job}-{name}")
        for folder in temporary.values():
            for leftover in [p for p in folder.iterdir() if not _PART.fullmatch(p.name)]:
                remove(leftover)  # a part half-written by a worker that died
        for name, final in finals.items():  # the output last
            move_into_place(temporary[name], final)
    except BaseException:
        for folder in temporary.values():
            remove(folder)
        raise
    finally:
        if cluster is not None:
            cluster.close()
    counts.seconds = time.perf_counter() - started
    return counts


def _run(futures: list[Future], progress: bool | None) -> Counts:
    """Wait for every partition, with a progress bar fed as partitions finish."""
    counts = Counts()
    with tqdm(unit=" farms", unit_scale=True, desc="scoring",
              disable=None if progress is None else not progress) as bar:
        for future in as_completed(futures):
            done = future.result()
            counts.add(done["read"], done["scored"], done["rejected"], done["rows_written"])
            bar.update(done["read"])
    return counts

