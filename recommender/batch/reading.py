"""Reading farm surveys (CSV, Parquet, or a folder of Parquet parts) in chunks of rows.

Only the farm-context columns are read; every CSV cell is read as text (a
bad number must reach validation as the text the user wrote, not stop the
read). In CSV, ``current_practices`` holds ids separated by ``;``; in Parquet
it may also be a list of strings, which is joined the same way here so that
validation sees one form. Chunks carry the 1-based data-row number of their
first row (the header is not counted), so a reject names the row a user
finds in a spreadsheet (CSV line = row + 1).

A CSV row with the wrong number of fields does not stop the read: it takes
its place in the chunk as an empty row, listed in ``Chunk.malformed`` with
the reason, and the engine rejects it with that reason. The fast reader
(pyarrow) cannot tell where in a block it skipped a row, so at the first
such row the rest of the file is read by Python's ``csv`` module, from the
first row not yet handed out.
"""

import csv
import gzip
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from recommender.batch.validation import INPUT_COLUMNS, PRACTICE_SEPARATOR, SurveyError

FORMATS = {".csv": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: Bytes the CSV reader parses at a time (larger blocks parse faster; a chunk
#: of rows is assembled from as many blocks as it needs).
CSV_BLOCK_BYTES = 8 << 20


#: Hidden column of CSV batches: why a row is malformed (null if it is not).
_MALFORMED = "__malformed__"
#: Rows per batch of the CSV fallback reader.
_FALLBACK_ROWS = 50_000


@dataclass(frozen=True)
class Chunk:
    """Consecutive survey rows: ``frame`` holds the cells, ``first_row`` the
    1-based data-row number of its first row, ``malformed`` the rows (by
    data-row number) that could not be split into the header's fields, with
    the reason; their cells are empty."""

    first_row: int
    frame: pd.DataFrame
    malformed: dict[int, str] = field(default_factory=dict)

    def mark_malformed(self, rejects: pd.DataFrame) -> pd.DataFrame:
        """``rejects`` of this chunk with the malformed rows' reason in place
        of what validation said of their empty cells."""
        if not self.malformed:
            return rejects
        rejects = rejects.copy()
        hit = rejects["row"].isin(list(self.malformed))
        rejects.loc[hit, "columns"] = "-"
        rejects.loc[hit, "reason"] = rejects.loc[hit, "row"].map(self.malformed)
        return rejects


def survey_format(path: Path | str) -> str:
    """``"csv"`` or ``"parquet"`` from the file name (a folder holds Parquet
    parts), or :class:`SurveyError`."""
    path = Path(path)
    kind = "parquet" if path.is_dir() else FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SurveyError(f"{path}: unsupported file type; use .csv (or .csv.gz) or .parquet")
    return kind


def parquet_files(path: Path | str) -> list[Path]:
    """The Parquet file, or a folder's ``*.parquet`` files in name order (a partitioned survey)."""
    path = Path(path)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise SurveyError(f"{path}: no .parquet files in this folder")
    return files


def parquet_file(path: Path) -> pq.ParquetFile:
    """An open Parquet file, or :class:`SurveyError` saying why it cannot be read."""
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise SurveyError(f"{path}: not a readable Parquet file ({error}); check it was written completely") \
            from error


def survey_columns(path: Path | str) -> list[str]:
    """The column names of a survey (its header, or its first Parquet file's schema)."""
    path = Path(path)
    if survey_format(path) == "parquet":
        return list(parquet_file(parquet_files(path)[0]).schema_arrow.names)
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (UnicodeDecodeError, OSError, csv.Error) as error:
        raise SurveyError(f"{path}: cannot read the header ({error}); save the file as UTF-8 CSV") from error


def survey_rows(path: Path | str) -> int | None:
    """The number of rows of a Parquet survey (from its metadata); None for CSV."""
    if survey_format(path) != "parquet":
        return None
    return sum(parquet_file(f).metadata.num_rows for f in parquet_files(path))


def read_chunks(path: Path | str, chunk_size: int) -> Iterator[Chunk]:
    """The farm-context columns of a survey, ``chunk_size`` rows at a time."""
    path = Path(path)
    columns = [c for c in survey_columns(path) if c in INPUT_COLUMNS]
    batches: Iterator[pa.RecordBatch]
    if survey_format(path) == "parquet":
        batches = itertools.chain.from_iterable(
            parquet_file(f).iter_batches(batch_size=chunk_size, columns=columns) for f in parquet_files(path))
    else:
        batches = _csv_batches(path, columns)
    first_row = 1
    for table in _rechunk(batches, chunk_size):
        chunk = _chunk(table, first_row)
        yield chunk
        first_row += len(chunk.frame)


def _chunk(table: pa.Table, first_row: int) -> Chunk:
    """A chunk of rows numbered from ``first_row``, the malformed ones listed."""
    malformed = {}
    if _MALFORMED in table.column_names:
        reasons = table.column(_MALFORMED)
        at = np.flatnonzero(pc.is_valid(reasons).to_numpy(zero_copy_only=False))
        malformed = {first_row + int(i): reasons[int(i)].as_py() for i in at}
        table = table.drop_columns([_MALFORMED])
    return Chunk(first_row, to_frame(table), malformed)


def csv_data_start(path: Path | str) -> int:
    """Byte offset of a (not compressed) CSV's first data line, after its header."""
    with open(path, "rb") as handle:
        handle.readline()
        return handle.tell()


def read_csv_block(path: Path | str, start: int, stop: int, columns: Sequence[str]) -> Chunk:
    """The rows of a CSV whose lines start at bytes [``start``, ``stop``), one
    chunk numbered from 1 (a partition of the Dask engine; ``start`` is at or
    after :func:`csv_data_start`). A quoted value holding a line break must
    not straddle a block boundary."""
    with open(path, "rb") as handle:
        header = handle.readline()
        data_start = handle.tell()
        if start > data_start:  # a line starting before ``start`` belongs to the previous block
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                handle.readline()
        else:
            handle.seek(data_start)
        begin = handle.tell()
        block = handle.read(max(0, stop - begin)) if begin < stop else b""
        if block and not block.endswith(b"\n"):
            block += handle.readline()  # finish the line that starts before ``stop``
    batches = list(_csv_batches(Path(path), list(columns), header + block))
    schema = pa.schema([(c, pa.string()) for c in columns] + [(_MALFORMED, pa.string())])
    return _chunk(pa.Table.from_batches(batches, schema=schema), 1)


def _csv_batches(path: Path, columns: list[str], text: bytes | None = None) -> Iterator[pa.RecordBatch]:
    """Record batches of the CSV file ``path`` (or of ``text``: its header and
    some of its lines), with the ``_MALFORMED`` column."""
    skipped = []

    def skip(row) -> str:
        skipped.append(row)
        return "skip"

    handed_out = 0
    try:
        reader = pacsv.open_csv(
            pa.input_stream(path, compression="detect") if text is None else pa.BufferReader(text),
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns}, include_columns=columns,
                strings_can_be_null=False,
            ),
        )
        for batch in reader:
            if skipped:  # this batch (or one read ahead) lost a row: its place is unknown
                break
            handed_out += batch.num_rows
            # Same columns as the fallback's batches, which may follow in one chunk.
            yield batch.append_column(_MALFORMED, pa.nulls(batch.num_rows, pa.string()))
    except pa.ArrowInvalid as error:
        raise SurveyError(f"{path}: {error}; save it as UTF-8 CSV with a header line") from error
    if skipped:
        yield from _csv_batches_exact(path, columns, handed_out, text)


def _csv_batches_exact(path: Path, columns: list[str], start: int,
                       text: bytes | None = None) -> Iterator[pa.RecordBatch]:
    """The rows after the first ``start`` with Python's reader, which knows
    each row's number: a row with the wrong field count becomes an empty row
    with its reason in the ``_MALFORMED`` column."""
    opened: TextIO
    if text is not None:
        opened = io.TextIOWrapper(io.BytesIO(text), encoding="utf-8-sig", newline="")
    elif path.suffix.lower() == ".gz":
        opened = gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    else:
        opened = open(path, encoding="utf-8-sig", newline="")
    with opened as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        wanted = [header.index(c) for c in columns]
        rows = (fields for fields in reader if fields)  # pyarrow skips empty lines too
        for _ in itertools.islice(rows, start):
            pass
        while True:
            block = list(itertools.islice(rows, _FALLBACK_ROWS))
            if not block:
                return
            cells: list[list[str]] = []
            reasons: list[str | None] = []
            for fields in block:
                if len(fields) == len(header):
                    cells.append([fields[i] for i in wanted])
                    reasons.append(None)
                else:
                    cells.append([""] * len(wanted))
                    reasons.append(f"the line has {len(fields)} fields, the header {len(header)}; quote values "
                                   "that contain commas, and check for a missing or extra separator")
            arrays = [pa.array(list(column), pa.string()) for column in zip(*cells)]
            yield pa.RecordBatch.from_arrays([*arrays, pa.array(reasons, pa.string())],
                                             names=[*columns, _MALFORMED])


def _rechunk(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """Tables of exactly ``size`` rows (the last one shorter) from batches of any size."""
    pending, rows = [], 0
    for batch in batches:
        pending.append(batch)
        rows += batch.num_rows
        while rows >= size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield pa.Table.from_batches(pending)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame of survey cells, with list-valued practices joined by ``;``
    and binary columns read as UTF-8 text."""
    for index, column in enumerate(table.schema):
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            try:
                table = table.set_column(index, column.name, table.column(index).cast(pa.string()))
            except pa.ArrowInvalid as error:
                raise SurveyError(f"column '{column.name}' holds bytes that are not UTF-8 text; "
                                  "store it as a string column") from error
    name = "current_practices"
    if name in table.column_names:
        kind = table.schema.field(name).type
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            table = table.set_column(table.schema.get_field_index(name), name,
                                     join_practices(table.column(name)))
    return table.to_pandas()


def join_practices(lists: pa.ChunkedArray) -> pa.ChunkedArray:
    """List cells as ``;``-joined text (a missing item becomes an empty one, which is ignored)."""
    chunks = []
    for chunk in lists.chunks:
        items = pc.fill_null(chunk.values.cast(pa.string()), "")
        chunks.append(pc.binary_join(type(chunk).from_arrays(chunk.offsets, items, mask=chunk.is_null()),
                                     PRACTICE_SEPARATOR))
    return pa.chunked_array(chunks, type=pa.string())
