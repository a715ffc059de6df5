"""A farm's fields as table columns: the rules of ``FarmContext``, for many rows at once.

Surveys (batch scoring) and observation files (training) hold farms as rows.
Their farm columns are checked here with the definition of a valid farm,
:class:`~recommender.inputs.farm.FarmContext`, so a bad value reads the same
in a reject file, an observation report, the CLI and the API:

* the columns are ``FarmContext``'s fields;
* the categorical part of a row (zone, texture, soil class, land use,
  degradation, current practices, which side of the sandy clay threshold its
  ``clay_pct`` falls, whether it has a ``soc_t_ha``) is validated by
  ``FarmContext`` itself, once per distinct combination (tables repeat a few
  thousand of them);
* numbers are parsed and range-checked as arrays, with the bounds declared on
  ``FarmContext``'s fields.

Cells are stripped of surrounding spaces and an empty cell is a missing
value; ``current_practices`` holds ids separated by ``;`` (empty items are
ignored).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import annotated_types
import numpy as np
import pandas as pd
from pydantic import ValidationError

from recommender.arrays import distinct
from recommender.inputs.errors import error_records
from recommender.inputs.farm import MONTHLY_BOUNDS, ContextKey, FarmContext
from recommender.inputs.soils import SANDY_MAX_CLAY_PCT

#: The columns of a farm: ``FarmContext``'s fields but its monthly climate (36
#: numbers a survey does not hold: RothC takes the zone's climate), numbers apart.
FARM_COLUMNS = tuple(name for name in FarmContext.model_fields if name not in MONTHLY_BOUNDS)
NUMBER_COLUMNS = tuple(name for name, field in FarmContext.model_fields.items()
                       if field.annotation in (float, float | None))
TEXT_COLUMNS = tuple(name for name in FARM_COLUMNS if name not in NUMBER_COLUMNS)
REQUIRED_COLUMNS = tuple(name for name, field in FarmContext.model_fields.items() if field.is_required())
#: Separates practice ids in a cell, wherever a table lists practices.
PRACTICE_SEPARATOR = ";"
#: The categorical fields ``FarmContext`` validates together.
_COMBINATION = ("climate_zone", "soil_texture", "soil_class", "land_use", "degradation", "current_practices")
#: ``derive_soil_class`` only asks which side of the sandy threshold clay is
#: on, so one value per side stands for every measured clay content.
_CLAY_STAND_IN = {-1: None, 0: 0.0, 1: SANDY_MAX_CLAY_PCT}
#: Any valid stock: ``FarmContext`` only asks whether one is given.
_STOCK_STAND_IN = 1.0


class Problems:
    """Problems of a table's rows, collected as (row positions, column, message, value)."""

    def __init__(self, raw: pd.DataFrame):
        self.raw = raw
        self.found: list[pd.DataFrame] = []

    def flag(self, mask: np.ndarray, column: str, problem: str | Callable[[np.ndarray], list],
             values: pd.Series | None = None) -> None:
        """Report ``problem`` where ``mask`` holds (a callable gets the positions
        and returns one message each); ``values`` are the cells shown (the raw
        column by default)."""
        positions = np.flatnonzero(mask)
        if len(positions) == 0:
            return
        cells = values if values is not None else self.raw.get(column)
        shown = (cells.iloc[positions].to_numpy(object) if cells is not None
                 else np.full(len(positions), None, dtype=object))
        self.found.append(pd.DataFrame({"position": positions, "column": column,
                                        "message": problem(positions) if callable(problem) else problem,
                                        "value": shown}))

    def bad_rows(self) -> np.ndarray:
        bad = np.zeros(len(self.raw), dtype=bool)
        for found in self.found:
            bad[found["position"].to_numpy()] = True
        return bad

    def table(self) -> pd.DataFrame:
        """Every problem: ``position``, ``column``, ``message``, ``value``, by row then column."""
        columns = {"position": "int64", "column": "object", "message": "object", "value": "object"}
        if not self.found:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
        found = pd.concat(self.found, ignore_index=True)
        order = {c: i for i, c in enumerate(self.raw.columns)}
        found = found.assign(_order=found["column"].map(order).fillna(len(order)))
        return found.sort_values(["position", "_order"], kind="stable").drop(columns="_order")


@dataclass(frozen=True)
class FarmCells:
    """The farm columns of a table, checked.

    ``keys[i]`` is row ``i``'s context (``None`` where the row has a problem
    with its farm columns); ``soc_t_ha``, ``clay_pct``, ``area_ha`` are the
    valid numbers (NaN where missing or bad); ``text`` the stripped text cells.
    """

    keys: np.ndarray
    numbers: dict[str, np.ndarray]
    text: dict[str, pd.Series]


def check_farm_columns(raw: pd.DataFrame, problems: Problems) -> FarmCells:
    """Check the farm columns of ``raw`` (any subset of :data:`FARM_COLUMNS`;
    missing ones are empty), reporting into ``problems``."""
    text = {c: text_cells(raw[c]) if c in raw else pd.Series(pd.NA, index=raw.index, dtype="str")
            for c in TEXT_COLUMNS}
    numbers = {c: _numbers(raw[c] if c in raw else None, len(raw), c, problems) for c in NUMBER_COLUMNS}
    clay = numbers["clay_pct"][0]
    # A bad clay value is absent for FarmContext's soil-class rule; a bad
    # stock is still given (the missing-stock rule does not apply to it).
    clay_side = np.where(np.isnan(clay), -1, (clay >= SANDY_MAX_CLAY_PCT).astype(int))
    stock_given = numbers["soc_t_ha"][1]
    key, first = distinct([text[c] for c in _COMBINATION] + [clay_side, stock_given])
    cells = [text[c].iloc[first].to_numpy(object, na_value=None) for c in _COMBINATION]
    judged = [_judge(*values) for values in zip(*cells, clay_side[first].tolist(), stock_given[first].tolist())]
    for index, (_, found) in enumerate(judged):
        for column, problem in found:
            problems.flag(key == index, column, problem, text.get(column))
    contexts = np.empty(len(judged), dtype=object)
    contexts[:] = [context for context, _ in judged]
    return FarmCells(contexts[key], {c: values for c, (values, _) in numbers.items()}, text)


def text_cells(series: pd.Series) -> pd.Series:
    """Stripped text, missing where empty."""
    text = series.astype("str").str.strip() if series.dtype != "str" else series.str.strip()
    return text.mask(text.eq(""))


def practice_list(cell: str | None) -> list[str]:
    """The practice ids of a cell (``;``-separated; empty items ignored)."""
    return [p.strip() for p in cell.split(PRACTICE_SEPARATOR) if p.strip()] if cell else []


def number_cells(series: pd.Series, column: str, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Floats of a column (NaN where empty or not a number) and where a value was given;
    text that is no finite number is reported.

    A NaN in a numeric Parquet column is a missing value, as pandas writes it.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        given = ~np.isnan(values)
    else:
        text = text_cells(series)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = text.notna().to_numpy()
    # The wording of FarmContext's own errors (pydantic's).
    problems.flag(given & np.isnan(values), column, "Input should be a valid number")
    problems.flag(given & np.isinf(values), column, "Input should be a finite number")
    return np.where(np.isfinite(values), values, np.nan), given


def constraint(field: str, kind: type):
    """``FarmContext``'s constraint of type ``kind`` on ``field`` (e.g. ``annotated_types.MaxLen``)."""
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
        bound = constraint(field, kind)
        if bound is not None:
            limit = getattr(bound, attribute)
            phrases.append(f"{words} {limit:g}")
            tests.append(lambda x, compare=compare, limit=limit: compare(x, limit))
    return " and ".join(phrases), lambda x: np.logical_and.reduce([test(x) for test in tests])


def _numbers(series: pd.Series | None, n: int, column: str, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Valid floats (NaN when empty or bad), and where a value was given;
    flags values that are no number or outside ``FarmContext``'s range."""
    if series is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    values, given = number_cells(series, column, problems)
    not_number = given & ~np.isfinite(values)
    phrase, inside = _bounds(column)
    with np.errstate(invalid="ignore"):
        outside = given & ~not_number & ~inside(values)
    extra = FarmContext.model_fields[column].json_schema_extra
    unit = extra.get("unit", "") if isinstance(extra, dict) else ""
    problems.flag(outside, column, f"Input should be {phrase} ({unit})")
    return np.where(given & ~not_number & ~outside, values, np.nan), given


@lru_cache(maxsize=65536)
def _judge(climate_zone, soil_texture, soil_class, land_use, degradation, practices, clay_side, stock_given):
    """``(ContextKey or None, ((column, problem), ...))`` for one combination, by ``FarmContext``."""
    fields = {
        "climate_zone": climate_zone, "soil_texture": soil_texture, "soil_class": soil_class,
        "land_use": land_use, "degradation": degradation, "current_practices": practice_list(practices),
        "clay_pct": _CLAY_STAND_IN[clay_side], "soc_t_ha": _STOCK_STAND_IN if stock_given else None,
    }
    try:
        context = FarmContext.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        found = []
        for record in error_records(error):
            problem = record["problem"]
            if record["field"] == "current_practices" and practices and any(s in practices for s in ",|+"):
                problem += f" (separate ids with '{PRACTICE_SEPARATOR}')"
            found.append((record["field"], problem))
        return None, tuple(found)
    key: ContextKey = context.key
    return key, ()
