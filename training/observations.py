"""The observation schema: one observed SOC change of a practice on a site.

One row is one comparison: a practice (or a combination joined with ``;``)
adopted on a field whose context is described by the farm columns,
with the observed change of the SOC stock over a layer ``0-depth_cm``. The
column table, units and rules are documented in ``training/README.md``;
``COLUMNS`` below is the machine-readable version.

Files are read (CSV or Parquet) and every row is validated
(``training.observation_checks``; the farm columns by
``recommender.inputs.columns``, the rules of ``FarmContext``). The good rows
come back in canonical form: the change over 0-30 cm in
``delta_soc_t_ha_yr_30cm`` (depth correction of ``recommender.science.depth``),
``soil_class`` resolved, ``current_practices`` as sorted tuples of ids and
combinations in sorted id order. A bad row is never dropped
silently: it raises :class:`ObservationError`, or with ``skip_bad_rows=True``
it is skipped and reported.
"""

import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from training.observation_checks import validate
from training.observation_schema import COLUMNS, OUTPUT_COLUMNS, ObservationError, Problem

__all__ = ["COLUMNS", "OUTPUT_COLUMNS", "ObservationError", "ObservationSet", "Problem", "read_observations",
           "validate_observations"]

SUFFIXES = {".csv": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class ObservationSet:
    """Validated observations and the report of the rows that were skipped.

    Attributes
    ----------
    observations : pandas.DataFrame
        Good rows in canonical form (``OUTPUT_COLUMNS`` then extra columns).
    skipped : tuple of Problem
        Every problem of every skipped row (empty unless ``skip_bad_rows``).
    rows_read : int
        Data rows read from all sources.
    """

    observations: pd.DataFrame
    skipped: tuple[Problem, ...] = ()
    rows_read: int = 0
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rows_skipped(self) -> int:
        return len({(p.file, p.row) for p in self.skipped})

    def report(self) -> str:
        """One line of counts, then one line per problem of the skipped rows."""
        head = (
            f"{self.rows_read} row(s) read from {len(self.sources)} source(s): "
            f"{len(self.observations)} valid, {self.rows_skipped} skipped"
        )
        return "\n".join([head] + [f"  - {p}" for p in self.skipped])


# -- reading ----------------------------------------------------------------
def _read_file(path: Path) -> pd.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ObservationError(
            [Problem(str(path), None, "-", None, "unsupported file type; use .csv (or .csv.gz) or .parquet")]
        )
    if not path.is_file():
        raise ObservationError([Problem(str(path), None, "-", None, "file not found")])
    if kind == "csv":
        # A row with more fields than the header would shift its cells (pandas
        # even reads the first such row's extra fields as an index): one
        # problem per such row instead, naming its field count.
        misshapen = _misshapen_rows(path)
        if misshapen:
            raise ObservationError(misshapen)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False)
    return pd.read_parquet(path)


def _misshapen_rows(path: Path) -> list[Problem]:
    """A problem for each CSV row whose number of fields differs from the header's."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            return [Problem(str(path), row, "-", None,
                            f"the row has {len(fields)} fields, the header {len(header)}; quote values that "
                            "contain commas, and check for a missing or extra separator")
                    for row, fields in enumerate((f for f in reader if f), start=1) if len(fields) != len(header)]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ObservationError([Problem(str(path), None, "-", None, f"cannot be read as UTF-8 CSV ({error})")]) \
            from error


def read_observations(paths, skip_bad_rows: bool = False) -> ObservationSet:
    """Read and validate observation files (CSV or Parquet).

    Parameters
    ----------
    paths : str, Path or iterable of them
        ``.csv`` (optionally ``.csv.gz``) or ``.parquet`` files in the schema
        of ``training/README.md``.
    skip_bad_rows : bool
        False: any bad row raises :class:`ObservationError`. True: bad rows are
        skipped and listed in ``ObservationSet.skipped``.

    Returns
    -------
    ObservationSet
        The good rows of all files in canonical form.

    Raises
    ------
    ObservationError
        A file that cannot be read or lacks a required column (always), or
        bad rows when ``skip_bad_rows`` is False. Each problem names the file,
        the 1-based data row, the column, the value and the allowed values.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no observation file given")
    frames = [_read_file(path) for path in paths]
    return _validate_many([(str(p), f) for p, f in zip(paths, frames)], skip_bad_rows)


def validate_observations(
    frame: pd.DataFrame, source: str = "<DataFrame>", skip_bad_rows: bool = False
) -> ObservationSet:
    """Validate observations already in memory (same rules as :func:`read_observations`)."""
    return _validate_many([(source, frame)], skip_bad_rows)


def _validate_many(sources: list[tuple[str, pd.DataFrame]], skip_bad_rows: bool) -> ObservationSet:
    goods, problems, rows_read = [], [], 0
    for name, frame in sources:
        good, found = validate(frame, name)
        goods.append(good)
        problems.extend(found)
        rows_read += len(frame)
    if problems and not skip_bad_rows:
        raise ObservationError(problems)
    observations = pd.concat(goods, ignore_index=True) if goods else pd.DataFrame()
    return ObservationSet(observations, tuple(problems), rows_read, tuple(n for n, _ in sources))
