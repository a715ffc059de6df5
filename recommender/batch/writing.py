"""Where batch results go, and the count of what went where.

Every file (or Parquet folder) is written under a hidden temporary name in
its destination folder and renamed into place only when the whole run has
succeeded, the main output last: an interrupted run never leaves a file that
looks complete. A failed run removes its temporary files; a killed one
leaves them, named with its process id so that the next run can tell them
from those of a run still going (:mod:`.safety`). Renaming replaces a file
the user named as an output, never a folder.
"""

import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


#: File suffixes that name a format; any other suffix is the main output's format.
SUFFIX_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
#: Marks a temporary name: ``.NAME.partial-PID-RANDOM``.
PARTIAL = ".partial-"


class OutputError(ValueError):
    """An output that would replace or lose something the user did not name as an output."""


def existing_folder(option: str, path: Path) -> OutputError:
    """The refusal of an output that is an existing folder."""
    return OutputError(f"{option} {path}: is an existing folder; name a new file (or a folder that does not "
                       "exist yet), outputs never replace a folder")


@dataclass(frozen=True)
class Destinations:
    """The outputs of a run, each with its format (``csv`` or ``parquet``):
    output, rejects, summary and, on request, the time paths."""

    output: Path
    rejects: Path
    summary: Path
    format: str
    rejects_format: str = ""
    summary_format: str = ""
    trajectories: Path | None = None
    trajectories_format: str = ""

    def __post_init__(self) -> None:
        # Built by hand with one format: that format for all.
        for name in ("rejects_format", "summary_format", "trajectories_format"):
            if not getattr(self, name):
                object.__setattr__(self, name, self.format)

    def items(self) -> list[tuple[str, Path, str]]:
        """(name, path, format) of each output, in the order they are renamed
        into place (the main output last)."""
        paths = [("trajectories", self.trajectories, self.trajectories_format)] if self.trajectories else []
        return [("rejects", self.rejects, self.rejects_format), ("summary", self.summary, self.summary_format),
                *paths, ("output", self.output, self.format)]


def destinations(output: Path | str, fmt: str | None = None, rejects: Path | str | None = None,
                 summary: Path | str | None = None, trajectories: Path | str | None = None) -> Destinations:
    """Output paths and formats with defaults.

    Each output takes its format from its own suffix (``.parquet``/``.pq``:
    Parquet, ``.csv``: CSV; the output CSV otherwise, the others the
    output's format otherwise); ``fmt`` sets them all. Rejects and summary
    go beside the output as ``NAME.rejects.EXT`` and ``NAME.summary.EXT``
    unless named; the time paths only where named.
    """
    output = Path(output)
    if output.is_dir() or output.name in ("", ".."):
        raise existing_folder("-o", output)
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; allowed: {', '.join(FORMATS)}")
    main = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), "csv")
    suffix = output.suffix or f".{main}"

    def beside(kind: str) -> Path:
        return output.with_name(f"{output.name.removesuffix(output.suffix)}.{kind}{suffix}")

    def format_of(path: Path) -> str:
        return fmt or SUFFIX_FORMATS.get(path.suffix.lower(), main)

    rejects = Path(rejects) if rejects else beside("rejects")
    summary = Path(summary) if summary else beside("summary")
    paths = Path(trajectories) if trajectories else None
    return Destinations(output, rejects, summary, main, format_of(rejects), format_of(summary), paths,
                        format_of(paths) if paths else "")


@dataclass
class Counts:
    """What a run did with the survey's rows: ``read = scored + rejected``."""

    read: int = 0
    scored: int = 0
    rejected: int = 0
    rows_written: int = 0
    seconds: float = 0.0

    def add(self, read: int, scored: int, rejected: int, rows_written: int) -> None:
        self.read += read
        self.scored += scored
        self.rejected += rejected
        self.rows_written += rows_written

    @property
    def farms_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """The run's one-line summary."""
        return (f"{self.read:,} farms read: {self.scored:,} scored, {self.rejected:,} rejected; "
                f"{self.rows_written:,} ranked rows in {self.seconds:.1f} s "
                f"({self.farms_per_second:,.0f} farms/s)")


def to_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table of exactly ``schema`` (same types in every chunk)."""
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(None)


def temporary_path(path: Path) -> Path:
    """A hidden name beside ``path`` for writing it, with this process's id."""
    return path.with_name(f".{path.name}{PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    """Write one table to ``path`` in one go (one Parquet part of the Dask engine)."""
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)


def move_into_place(temporary: Path, final: Path) -> None:
    """Rename ``temporary`` (a file or a folder of parts) to ``final``,
    replacing a file there (the user named it as an output), never a folder."""
    if final.is_dir():
        # Checked before the run (safety.check_destinations); a folder that
        # appeared since is someone else's.
        raise OutputError(f"{final} is a folder (created during the run?); not replacing it. "
                          f"The results are kept in {temporary}")
    if temporary.is_dir() and final.exists():
        final.unlink()  # renaming a folder onto a file fails
    os.replace(temporary, final)


def remove(path: Path) -> None:
    """Delete a temporary file or folder, if it exists."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class TableWriter:
    """Appends tables of one schema to a CSV or Parquet file under a temporary name."""

    def __init__(self, path: Path, fmt: str, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.temporary = temporary_path(path)
        self._writer = (pq.ParquetWriter(self.temporary, schema) if fmt == "parquet"
                        else pacsv.CSVWriter(self.temporary, schema))

    def write(self, frame: pd.DataFrame) -> None:
        self._writer.write_table(to_table(frame, self.schema))

    def close(self) -> None:
        self._writer.close()


class ChunkedOutputs:
    """The output, rejects and summary files of a local run, written chunk by chunk.

    A chunk is written on a background thread while the next one is scored
    (Arrow encodes and compresses without holding the GIL); at most one chunk
    waits to be written, so memory holds two chunks' results, not more.

    Use as a context manager: on a clean exit the files are renamed into
    place (the output last), on an exception they are removed.
    """

    def __init__(self, where: Destinations, schemas: dict[str, pa.Schema]):
        """``schemas``: the schema of each output by name (output, rejects, summary, trajectories)."""
        self.where = where
        self._writers: dict[str, TableWriter] = {}
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="batch-writer")
        self._pending: Future | None = None
        try:
            for name, path, fmt in where.items():
                self._writers[name] = TableWriter(path, fmt, schemas[name])
        except BaseException:
            self._discard()
            raise

    def write(self, tables: dict[str, pd.DataFrame | None]) -> None:
        """Append each output's rows of one chunk (by output name), once the
        previous chunk is written (its error, if any, is raised here)."""
        self._finish_pending()
        frames = {name: frame for name, frame in tables.items()
                  if name in self._writers and frame is not None and len(frame)}
        self._pending = self._thread.submit(self._write_now, frames)

    def _write_now(self, frames: dict[str, pd.DataFrame]) -> None:
        for name, frame in frames.items():
            self._writers[name].write(frame)

    def _finish_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> "ChunkedOutputs":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self._discard()
            return
        try:
            self._finish_pending()
        except BaseException:
            self._discard()
            raise
        self._thread.shutdown()
        for writer in self._writers.values():
            writer.close()
        for writer in self._writers.values():  # rejects, summary, then the output
            move_into_place(writer.temporary, writer.path)

    def _discard(self) -> None:
        # A chunk still being written must finish before its file is closed.
        self._thread.shutdown(wait=True, cancel_futures=True)
        for writer in self._writers.values():
            try:
                writer.close()
            finally:
                remove(writer.temporary)
