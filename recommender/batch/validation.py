"""Validating survey rows: each one becomes a farm context or a reject with its reasons.

The farm columns are checked by :mod:`recommender.inputs.columns` (the rules
of :class:`~recommender.inputs.farm.FarmContext`, vectorised). A survey adds
its own rules: ``farm_id`` is required (``FarmContext`` makes it optional) and
must be unique across the survey: rows after the first with the same id are
rejected, naming the first row. Columns that are not farm fields are ignored.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Protocol

import annotated_types
import numpy as np
import pandas as pd
import pyarrow as pa

from recommender.batch.ids import id_hashes
from recommender.inputs.columns import (
    FARM_COLUMNS,
    PRACTICE_SEPARATOR,
    REQUIRED_COLUMNS,
    Problems,
    check_farm_columns,
    constraint,
    text_cells,
)
from recommender.inputs.farm import ContextKey

#: The columns a survey is read for, in the order their problems are reported.
INPUT_COLUMNS = FARM_COLUMNS
#: ``farm_id`` is required in a survey: every row must be found again in the outputs.
SURVEY_REQUIRED_COLUMNS = ("farm_id", *REQUIRED_COLUMNS)
#: One row per rejected input row: its 1-based data row (header not
#: counted), farm id, the columns at fault (";"-joined) and the reasons (" | ").
REJECT_SCHEMA = pa.schema([("row", pa.int64()), ("farm_id", pa.string()), ("columns", pa.string()),
                           ("reason", pa.string())])
REJECT_COLUMNS = tuple(REJECT_SCHEMA.names)


class SurveyError(ValueError):
    """A survey file that cannot be scored at all (missing or misspelt columns, unreadable)."""


class FirstRows(Protocol):
    """Which row first had each farm id (see :mod:`recommender.batch.ids`)."""

    def first_rows(self, hashes: np.ndarray, rows: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Validated:
    """One chunk split into valid contexts and rejects.

    Attributes
    ----------
    contexts : pandas.DataFrame
        One row per valid farm: ``row``, ``farm_id``, the ``ContextKey``
        fields (``soil_class`` resolved, ``current_practices`` a sorted
        tuple) and ``soc_t_ha`` (t C/ha, NaN when not measured), in input order.
    rejects : pandas.DataFrame
        One row per rejected input row, columns ``REJECT_COLUMNS``.
    """

    contexts: pd.DataFrame
    rejects: pd.DataFrame


def check_columns(columns: Sequence[str]) -> list[str]:
    """Raise :class:`SurveyError` for missing or misspelt columns; return the ignored ones."""
    problems = [f"missing required column '{name}'" for name in SURVEY_REQUIRED_COLUMNS if name not in columns]
    ignored = []
    for column in columns:
        if column in INPUT_COLUMNS:
            continue
        close = get_close_matches(column, INPUT_COLUMNS, n=1, cutoff=0.8)
        if close and close[0] not in columns:
            # An ignored column would silently lose a misspelt field's values.
            problems.append(f"unknown column '{column}'; did you mean '{close[0]}'? rename it")
        else:
            ignored.append(column)
    if problems:
        raise SurveyError(
            "; ".join(problems) + f". Farm-context columns: {', '.join(INPUT_COLUMNS)} "
            f"(required: {', '.join(SURVEY_REQUIRED_COLUMNS)}); see the README's farm table"
        )
    return ignored


def validate_chunk(raw: pd.DataFrame, first_row: int, ids: FirstRows) -> Validated:
    """Validate one chunk of survey rows.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as read (text, or numbers from Parquet); any subset of
        ``INPUT_COLUMNS`` with at least ``SURVEY_REQUIRED_COLUMNS``.
    first_row : int
        1-based data-row number of the chunk's first row in the survey.
    ids : FirstRows
        Duplicate-id memory of the survey (see :mod:`recommender.batch.ids`).
    """
    rows = np.arange(first_row, first_row + len(raw), dtype=np.int64)
    problems = Problems(raw)
    farm_id = farm_ids(raw)
    has_id = farm_id.notna().to_numpy()
    problems.flag(~has_id, "farm_id", "required value is empty; give every farm an identifier", farm_id)
    max_length = constraint("farm_id", annotated_types.MaxLen).max_length
    problems.flag(farm_id.str.len().fillna(0).gt(max_length).to_numpy(), "farm_id",
                  f"longer than {max_length} characters", farm_id)
    first = rows.copy()
    first[has_id] = ids.first_rows(id_hashes(farm_id[has_id].to_numpy(object)), rows[has_id])
    problems.flag(first != rows, "farm_id", lambda at: [
        f"duplicate: row {row} has the same farm_id; farm ids must be unique" for row in first[at]
    ], farm_id)
    cells = check_farm_columns(raw, problems)

    valid = ~problems.bad_rows()
    contexts = pd.DataFrame({"row": rows[valid], "farm_id": pd.Series(farm_id[valid].to_numpy(object),
                                                                      dtype=object)})
    keys = cells.keys[valid]
    for j, name in enumerate(ContextKey._fields):
        values = np.empty(len(keys), dtype=object)
        values[:] = [key[j] for key in keys]  # one by one: tuples must stay single cells
        if name == "current_practices":
            contexts[name] = values
        else:  # few distinct values: categories make every later grouping and copy cheap
            contexts[name] = pd.Categorical(values)
    contexts["soc_t_ha"] = cells.numbers["soc_t_ha"][valid]
    return Validated(contexts, _rejects(problems, rows, farm_id))


def farm_ids(raw: pd.DataFrame) -> pd.Series:
    """The farm ids of raw rows as validation reads them (stripped; missing when empty)."""
    return text_cells(raw["farm_id"])


def _rejects(problems: Problems, rows: np.ndarray, farm_id: pd.Series) -> pd.DataFrame:
    """One row per rejected input row: its number, id, the columns at fault and why."""
    found = problems.table()
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str") for c in REJECT_COLUMNS})
    found["text"] = [
        f"{column}: {message}" + ("" if value is None or pd.isna(value) else f" (got {value!r})")
        for column, message, value in zip(found["column"], found["message"], found["value"])
    ]
    grouped = found.groupby("position", sort=True)
    positions = grouped.size().index.to_numpy()
    return pd.DataFrame({
        "row": rows[positions],
        "farm_id": farm_id.iloc[positions].to_numpy(object),
        "columns": grouped["column"].agg(lambda c: PRACTICE_SEPARATOR.join(dict.fromkeys(c))).to_numpy(),
        "reason": grouped["text"].agg(" | ".join).to_numpy(),
    })
