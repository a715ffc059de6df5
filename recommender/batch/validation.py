"""Validating survey rows: each one becomes a farm context or a reject with its reasons.

The rules are those of :class:`recommender.context.FarmContext`, applied to a
whole chunk at once:

* the categorical part of a row (zone, texture, soil class, land use,
  degradation, current practices, which side of the sandy clay threshold its
  ``clay_pct`` falls, whether it has a ``soc_t_ha``) is validated by
  ``FarmContext`` itself, once per distinct combination (surveys repeat a few
  thousand of them), so messages read as in the API and CLI;
* numbers are parsed and range-checked as arrays, with the bounds declared on
  ``FarmContext``'s fields;
* ``farm_id`` is required here (``FarmContext`` makes it optional) and must be
  unique across the survey: rows after the first with the same id are
  rejected, naming the first row.

Cells are stripped of surrounding spaces and an empty cell is a missing
value; ``current_practices`` holds ids separated by ``;`` (empty items are
ignored). Columns that are not farm-context fields are ignored.
"""

from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from typing import Callable, Protocol, Sequence

import annotated_types
import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import ValidationError

from recommender.inputs.farm import FarmContext
from recommender.inputs.soils import SANDY_MAX_CLAY_PCT
from recommender.inputs.farm import ContextKey
from recommender.inputs.errors import error_records
from recommender.batch.ids import id_hashes
from recommender.arrays import distinct

#: Text columns, in the order their problems are reported.
TEXT_COLUMNS = ("farm_id", "climate_zone", "soil_texture", "soil_class", "land_use", "degradation",
                "current_practices")
NUMBER_COLUMNS = ("clay_pct", "soc_t_ha", "area_ha")
INPUT_COLUMNS = TEXT_COLUMNS + NUMBER_COLUMNS
REQUIRED_COLUMNS = ("farm_id", "climate_zone", "soil_texture", "land_use")
PRACTICE_SEPARATOR = ";"
UNITS = {"clay_pct": "%", "soc_t_ha": "t C/ha, 0-30 cm", "area_ha": "ha"}
#: The categorical fields ``FarmContext`` validates together.
_COMBINATION = ("climate_zone", "soil_texture", "soil_class", "land_use", "degradation", "current_practices")
#: ``derive_soil_class`` only asks which side of the sandy threshold clay is
#: on, so one value per side stands for every measured clay content.
_CLAY_STAND_IN = {-1: None, 0: 0.0, 1: SANDY_MAX_CLAY_PCT}
#: Any valid stock: ``FarmContext`` only asks whether one is given.
_STOCK_STAND_IN = 1.0
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
    problems = [f"missing required column '{name}'" for name in REQUIRED_COLUMNS if name not in columns]
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
            f"(required: {', '.join(REQUIRED_COLUMNS)}); see the README's farm table"
        )
    return ignored


def validate_chunk(raw: pd.DataFrame, first_row: int, ids: FirstRows) -> Validated:
    """Validate one chunk of survey rows.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as read (text, or numbers from Parquet); any subset of
        ``INPUT_COLUMNS`` with at least ``REQUIRED_COLUMNS``.
    first_row : int
        1-based data-row number of the chunk's first row in the survey.
    ids : FirstRows
        Duplicate-id memory of the survey (see :mod:`recommender.batch.ids`).
    """
    n = len(raw)
    rows = np.arange(first_row, first_row + n, dtype=np.int64)
    text = {c: _text(raw[c]) if c in raw else pd.Series(pd.NA, index=raw.index, dtype="str")
            for c in TEXT_COLUMNS}
    problems = _Problems(text, raw)

    farm_id = text["farm_id"]
    has_id = farm_id.notna().to_numpy()
    problems.flag(~has_id, "farm_id", "required value is empty; give every farm an identifier")
    max_length = _constraint("farm_id", annotated_types.MaxLen).max_length
    problems.flag(farm_id.str.len().fillna(0).gt(max_length).to_numpy(), "farm_id",
                  f"longer than {max_length} characters")
    first = rows.copy()
    first[has_id] = ids.first_rows(id_hashes(farm_id[has_id].to_numpy(object)), rows[has_id])
    problems.flag(first != rows, "farm_id", lambda at: [
        f"duplicate: row {row} has the same farm_id; farm ids must be unique" for row in first[at]
    ])

    numbers = {c: _numbers(raw[c] if c in raw else None, n, c, problems) for c in NUMBER_COLUMNS}
    key, judged = _judge_combinations(text, numbers)
    problems.flag_combinations(key, judged)

    valid = ~problems.bad_rows()
    contexts = pd.DataFrame({"row": rows[valid], "farm_id": pd.Series(farm_id[valid].to_numpy(object),
                                                                      dtype=object)})
    for j, name in enumerate(ContextKey._fields):
        values = np.empty(len(judged), dtype=object)
        for index, (context, _) in enumerate(judged):  # one by one: tuples must stay single cells
            values[index] = context[j] if context else None
        if name == "current_practices":
            contexts[name] = values[key[valid]]
        else:  # few distinct values: categories make every later grouping and copy cheap
            codes, categories = pd.factorize(values)
            contexts[name] = pd.Categorical.from_codes(codes[key[valid]], pd.Index(categories, dtype=object))
    contexts["soc_t_ha"] = numbers["soc_t_ha"][0][valid]
    return Validated(contexts, problems.rejects(rows))


# -- cells --------------------------------------------------------------------
def farm_ids(raw: pd.DataFrame) -> pd.Series:
    """The farm ids of raw rows as validation reads them (stripped; missing when empty)."""
    return _text(raw["farm_id"])


def _text(series: pd.Series) -> pd.Series:
    """Stripped text, missing where empty."""
    text = series.astype("str").str.strip() if series.dtype != "str" else series.str.strip()
    return text.mask(text.eq(""))


def _constraint(field: str, kind: type):
    return next((m for m in FarmContext.model_fields[field].metadata if isinstance(m, kind)), None)


def _bounds(field: str) -> tuple[str, Callable[[np.ndarray], np.ndarray]]:
    """``FarmContext``'s bounds of a number field: as words, and as a test of values."""
    phrases, tests = [], []
    for kind, attribute, words, compare in (
        (annotated_types.Gt, "gt", "greater than", np.greater),
        (annotated_types.Ge, "ge", "greater than or equal to", np.greater_equal),
        (annotated_types.Lt, "lt", "less than", np.less),
        (annotated_types.Le, "le", "less than or equal to", np.less_equal),
    ):
        bound = _constraint(field, kind)
        if bound is not None:
            limit = getattr(bound, attribute)
            phrases.append(f"{words} {limit:g}")
            tests.append(lambda x, compare=compare, limit=limit: compare(x, limit))
    return " and ".join(phrases), lambda x: np.logical_and.reduce([test(x) for test in tests])


def _numbers(series: pd.Series | None, n: int, column: str, problems: "_Problems") -> tuple[np.ndarray, np.ndarray]:
    """Valid floats (NaN when empty or bad), and where a value was given.

    Flags text that is no finite number and values outside ``FarmContext``'s
    range. A NaN in a numeric Parquet column is a missing value, as pandas
    writes it.
    """
    if series is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        given = ~np.isnan(values)
    else:
        text = _text(series)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = text.notna().to_numpy()
    not_number = given & np.isnan(values)
    problems.flag(not_number, column, "Input should be a valid number")
    phrase, inside = _bounds(column)
    with np.errstate(invalid="ignore"):
        outside = given & ~not_number & ~inside(values)
    problems.flag(outside, column, f"Input should be {phrase} ({UNITS[column]})")
    return np.where(given & ~not_number & ~outside, values, np.nan), given


# -- categorical combinations -------------------------------------------------
def _judge_combinations(text: dict, numbers: dict) -> tuple[np.ndarray, list]:
    """Each row's combination index, and each combination's verdict (``_judge``)."""
    clay = numbers["clay_pct"][0]
    # A bad clay value is absent for FarmContext's soil-class rule; a bad
    # stock is still given (the missing-stock rule does not apply to it).
    clay_side = np.where(np.isnan(clay), -1, (clay >= SANDY_MAX_CLAY_PCT).astype(int))
    stock_given = numbers["soc_t_ha"][1]
    key, first = distinct([text[c] for c in _COMBINATION] + [clay_side, stock_given])
    cells = [text[c].iloc[first].to_numpy(object, na_value=None) for c in _COMBINATION]
    judged = [_judge(*values) for values in zip(*cells, clay_side[first].tolist(), stock_given[first].tolist())]
    return key, judged


@lru_cache(maxsize=65536)
def _judge(climate_zone, soil_texture, soil_class, land_use, degradation, practices, clay_side, stock_given):
    """``(ContextKey or None, ((column, problem), ...))`` for one combination, by ``FarmContext``."""
    listed = [p.strip() for p in practices.split(PRACTICE_SEPARATOR)] if practices else []
    fields = {
        "climate_zone": climate_zone, "soil_texture": soil_texture, "soil_class": soil_class,
        "land_use": land_use, "degradation": degradation,
        "current_practices": [p for p in listed if p],
        "clay_pct": _CLAY_STAND_IN[clay_side], "soc_t_ha": _STOCK_STAND_IN if stock_given else None,
    }
    try:
        context = FarmContext.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        found = []
        for record in error_records(error):
            problem = record["problem"]
            if record["field"] == "current_practices" and any(s in practices for s in ",|"):
                problem += f" (separate ids with '{PRACTICE_SEPARATOR}')"
            found.append((record["field"], problem))
        return None, tuple(found)
    return context.key, ()


# -- problems -----------------------------------------------------------------
class _Problems:
    """Problems of one chunk, collected as (row positions, column, message)."""

    def __init__(self, text: dict[str, pd.Series], raw: pd.DataFrame):
        self.text, self.raw = text, raw
        self.found: list[pd.DataFrame] = []

    def flag(self, mask: np.ndarray, column: str, problem: str | Callable[[np.ndarray], list]) -> None:
        """Report ``problem`` where ``mask`` holds (a callable gets the positions
        and returns one message each)."""
        positions = np.flatnonzero(mask)
        if len(positions) == 0:
            return
        self._add(positions, column, problem(positions) if callable(problem) else problem)

    def flag_combinations(self, key: np.ndarray, judged: list) -> None:
        for index, (_, found) in enumerate(judged):
            if found:
                positions = np.flatnonzero(key == index)
                for column, problem in found:
                    self._add(positions, column, problem)

    def _add(self, positions, column: str, messages) -> None:
        cells = self.text[column] if column in self.text else self.raw.get(column)
        values = (cells.iloc[positions].to_numpy(object) if cells is not None
                  else np.full(len(positions), None, dtype=object))
        self.found.append(pd.DataFrame({"position": positions, "column": column,
                                        "message": messages, "value": values}))

    def bad_rows(self) -> np.ndarray:
        bad = np.zeros(len(self.raw), dtype=bool)
        for found in self.found:
            bad[found["position"].to_numpy()] = True
        return bad

    def rejects(self, rows: np.ndarray) -> pd.DataFrame:
        """One row per rejected input row: its number, id, the columns at fault and why."""
        if not self.found:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str") for c in REJECT_COLUMNS})
        found = pd.concat(self.found, ignore_index=True)
        order = {c: i for i, c in enumerate(INPUT_COLUMNS)}
        found = found.assign(_order=found["column"].map(order)).sort_values(["position", "_order"], kind="stable")
        found["text"] = [
            f"{column}: {message}" + ("" if value is None or pd.isna(value) else f" (got {value!r})")
            for column, message, value in zip(found["column"], found["message"], found["value"])
        ]
        grouped = found.groupby("position", sort=True)
        positions = grouped.size().index.to_numpy()
        return pd.DataFrame({
            "row": rows[positions],
            "farm_id": self.text["farm_id"].iloc[positions].to_numpy(object),
            "columns": grouped["column"].agg(lambda c: PRACTICE_SEPARATOR.join(dict.fromkeys(c))).to_numpy(),
            "reason": grouped["text"].agg(" | ".join).to_numpy(),
        })
