"""The local engine: stream a survey through validation and scoring, chunk by chunk.

Memory holds one chunk, its results and those of the chunk before (being
written meanwhile), the survey's id hashes (16 bytes a farm) and bounded
caches (contexts, predicted rows), whatever the file size.
Every row read is either scored (rows in the output, one line in the
summary) or rejected (one line in the rejects file).
"""

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from recommender.batch.ids import SeenIds
from recommender.batch.reading import read_chunks, survey_columns, survey_rows
from recommender.batch.scoring import ROW_SCHEMA, SUMMARY_SCHEMA, TRAJECTORY_SCHEMA, Scored
from recommender.batch.validation import REJECT_SCHEMA, check_columns, validate_chunk
from recommender.batch.writing import ChunkedOutputs, Counts, Destinations

DEFAULT_CHUNK_ROWS = 100_000


def score_local(source: Path | str, where: Destinations, score: Callable[[pd.DataFrame], Scored],
                chunk_size: int = DEFAULT_CHUNK_ROWS, progress: bool | None = None) -> Counts:
    """Score the survey ``source`` into ``where``.

    Parameters
    ----------
    source : path
        CSV (``.csv``, ``.csv.gz``) or Parquet survey (or folder of Parquet
        parts), one farm per row.
    where : Destinations
        Output, rejects, summary (and time paths) paths and formats.
    score : callable
        Valid contexts -> :class:`~recommender.batch.scoring.Scored`
        (``score_contexts`` with its model, engine and options bound).
    chunk_size : int
        Rows per chunk (memory grows with it; ~100,000 uses a few hundred MB).
    progress : bool, optional
        Show a progress bar with farms/s on stderr (default: when it is a terminal).

    Returns
    -------
    Counts
        Rows read, scored and rejected, ranked rows written and seconds.

    Raises
    ------
    SurveyError
        The file cannot be read or lacks required columns; nothing is written.
    """
    started = time.perf_counter()
    check_columns(survey_columns(source))
    total = survey_rows(source)
    counts = Counts()
    seen = SeenIds()
    schemas = {"output": ROW_SCHEMA, "summary": SUMMARY_SCHEMA, "rejects": REJECT_SCHEMA,
               "trajectories": TRAJECTORY_SCHEMA}
    with ChunkedOutputs(where, schemas) as outputs, \
            tqdm(total=total, unit=" farms", unit_scale=True, disable=None if progress is None else not progress,
                 desc="scoring") as bar:
        for chunk in read_chunks(source, chunk_size):
            validated = validate_chunk(chunk.frame, chunk.first_row, seen)
            scored = score(validated.contexts)
            outputs.write({"output": scored.rows, "summary": scored.summary, "trajectories": scored.trajectories,
                           "rejects": chunk.mark_malformed(validated.rejects)})
            counts.add(len(chunk.frame), len(validated.contexts), len(validated.rejects), len(scored.rows))
            bar.update(len(chunk.frame))
    counts.seconds = time.perf_counter() - started
    return counts
