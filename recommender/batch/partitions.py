"""A survey cut into partitions of a bounded number of rows, each read on its own.

The Dask engine's unit of work: Parquet row groups, split when larger than
the partition size, or CSV byte ranges holding about as many rows (each line
belongs to the range it starts in, so a quoted value holding a line break
must not straddle two ranges; a gzip file is one partition). Reading a
partition gives the cells the local engine's reader gives for the same
rows, malformed CSV lines included. No Dask here: the command line reads
the default partition size without importing it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.batch.reading import (
    Chunk,
    csv_data_start,
    parquet_file,
    parquet_files,
    read_chunks,
    read_csv_block,
    survey_columns,
    survey_format,
    to_frame,
)
from recommender.batch.validation import INPUT_COLUMNS

#: Rows per partition by default: half the local engine's chunk, so that a
#: worker's peak memory stays under 1 GB and a few workers share a
#: 100,000-row survey evenly.
DASK_PARTITION_ROWS = 50_000
#: Bytes of CSV per partition for each row asked for (survey rows are 60-120 bytes).
CSV_BYTES_PER_ROW = 100


@dataclass(frozen=True)
class Piece:
    """One partition: rows [``start``, ``stop``) of a Parquet row group, or
    the CSV lines starting in bytes [``start``, ``stop``) (``group`` -1)."""

    path: str
    group: int
    start: int
    stop: int


def plan(source: Path | str, chunk_size: int) -> list[Piece]:
    """The partitions of a survey, in file order, of at most ~``chunk_size`` rows."""
    source = Path(source)
    if survey_format(source) == "parquet":
        pieces = []
        for path in parquet_files(source):
            metadata = parquet_file(path).metadata
            for group in range(metadata.num_row_groups):
                rows = metadata.row_group(group).num_rows
                pieces += [Piece(str(path), group, start, min(rows, start + chunk_size))
                           for start in range(0, rows, chunk_size)]
        return pieces
    if source.suffix.lower() == ".gz":  # a gzip stream cannot be entered in the middle
        return [Piece(str(source), -1, 0, -1)]
    start, size = csv_data_start(source), source.stat().st_size
    step = chunk_size * CSV_BYTES_PER_ROW
    return [Piece(str(source), -1, offset, min(size, offset + step))
            for offset in range(start, max(size, start + 1), step)]


def read_piece(piece: Piece, only: Sequence[str] = INPUT_COLUMNS) -> Chunk:
    """The farm-context columns (those of ``only``) of one partition, rows numbered from 1."""
    path = Path(piece.path)
    columns = [c for c in survey_columns(path) if c in only]
    if piece.group >= 0:
        table = parquet_file(path).read_row_group(piece.group, columns=columns)
        return Chunk(1, to_frame(table.slice(piece.start, piece.stop - piece.start)))
    if piece.stop < 0:
        chunks = list(read_chunks(path, 1 << 62))
        if not chunks:
            return Chunk(1, pd.DataFrame({c: pd.Series(dtype=object) for c in columns}))
        return Chunk(1, chunks[0].frame[columns], chunks[0].malformed)
    return read_csv_block(path, piece.start, piece.stop, columns)
