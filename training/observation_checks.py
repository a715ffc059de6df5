"""Checking observation rows, column by column, for a whole file at once.

The farm columns are checked by :func:`recommender.inputs.columns.check_farm_columns`
(the rules of ``FarmContext``: the same enums, ranges and messages as the API
and batch scoring); the rest here: identifiers, the observed change (given as
a rate, or as stocks before and after and a duration), the sampled depth and
the practice observed, which must be a change from the current practices.
"""

from difflib import get_close_matches
from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.inputs.columns import (
    FARM_COLUMNS,
    PRACTICE_SEPARATOR,
    Problems,
    check_farm_columns,
    number_cells,
    practice_list,
    text_cells,
)
from recommender.inputs.farm import MAX_STOCK_T_HA, ContextKey
from recommender.knowledge import load_knowledge_base, practice_set_problems
from recommender.science.depth import MAX_DEPTH_CM, MIN_DEPTH_CM, to_reference_depth
from training.observation_schema import (
    COLUMNS,
    DELTA_TOLERANCE,
    MAX_ABS_DELTA_T_HA_YR,
    MAX_YEARS,
    OUTPUT_COLUMNS,
    ObservationError,
    Problem,
)

#: Observation columns besides the farm's that hold numbers.
NUMBERS = ("delta_soc_t_ha_yr", "soc_before_t_ha", "soc_after_t_ha", "years", "depth_cm")


def validate(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The good rows of ``raw`` in canonical form, and every problem of the bad ones.

    Raises
    ------
    ObservationError
        A missing required column or a misspelt one (rows cannot be judged without them).
    """
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(raw, source)
    problems = Problems(raw)
    ids = {c: text_cells(raw[c]) for c in ("study_id", "site_id", "practice")}
    for name, values in ids.items():
        problems.flag(values.isna().to_numpy(), name, "required value is empty")
    farm = check_farm_columns(raw.drop(columns=[c for c in ("farm_id", "area_ha") if c in raw]), problems)
    number = {c: number_cells(raw[c], c, problems)[0] if c in raw else np.full(len(raw), np.nan) for c in NUMBERS}
    _check_numbers(number, problems)
    delta = _check_change(number, raw, problems)
    _check_practices(ids["practice"], farm.keys, problems)

    good = ~problems.bad_rows()
    keys = farm.keys[good]
    out = pd.DataFrame({
        "study_id": ids["study_id"][good].to_numpy(object),
        "site_id": ids["site_id"][good].to_numpy(object),
        "practice": [_canonical(p) for p in ids["practice"][good]],
        "climate_zone": [k.climate_zone for k in keys],
        "soil_texture": farm.text["soil_texture"][good].to_numpy(object),
        "soil_class": [k.soil_class for k in keys],
        "land_use": [k.land_use for k in keys],
        "degradation": [k.degradation for k in keys],
        "current_practices": pd.Series([k.current_practices for k in keys], dtype=object),
        "clay_pct": farm.numbers["clay_pct"][good],
        "soc_t_ha": farm.numbers["soc_t_ha"][good],
        "depth_cm": number["depth_cm"][good],
        "years": number["years"][good],
        "delta_soc_t_ha_yr": delta[good],
        "delta_soc_t_ha_yr_30cm": np.nan,
        "soc_before_t_ha": number["soc_before_t_ha"][good],
        "soc_after_t_ha": number["soc_after_t_ha"][good],
        "source_file": source,
        "source_row": np.flatnonzero(good) + 1,
    }, columns=list(OUTPUT_COLUMNS))
    if len(out):
        out["delta_soc_t_ha_yr_30cm"] = to_reference_depth(
            out["delta_soc_t_ha_yr"].to_numpy(), out["depth_cm"].to_numpy(), out["land_use"].to_numpy())
    for column in [c for c in raw.columns if c not in COLUMNS and c not in OUTPUT_COLUMNS and c not in FARM_COLUMNS]:
        out[column] = raw.loc[good, column].to_numpy()
    found = problems.table()
    return out, [Problem(source, int(position) + 1, column, _plain(value), message)
                 for position, column, message, value in found.itertuples(index=False)]


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _canonical(practice: str) -> str:
    """A combination in sorted id order (``no_till;cover_crops`` -> ``cover_crops;no_till``)."""
    return PRACTICE_SEPARATOR.join(sorted(practice_list(practice)))


def _check_columns(raw: pd.DataFrame, source: str) -> None:
    problems = [Problem(source, None, name, None, f"missing required column '{name}' ({spec.description})")
                for name, spec in COLUMNS.items() if spec.required and name not in raw]
    if "delta_soc_t_ha_yr" not in raw and not {"soc_before_t_ha", "soc_after_t_ha", "years"} <= set(raw.columns):
        problems.append(Problem(
            source, None, "delta_soc_t_ha_yr", None,
            "no observed change: add a column delta_soc_t_ha_yr (t C/ha/yr), or the three columns "
            "soc_before_t_ha, soc_after_t_ha (t C/ha) and years"))
    known = list(COLUMNS) + list(OUTPUT_COLUMNS)
    for column in raw.columns:
        close = get_close_matches(column, known, n=1, cutoff=0.85) if column not in known else None
        if close:
            # Extra columns pass through unvalidated, so a typo of a schema
            # column would silently lose its values.
            problems.append(Problem(source, None, column, None,
                                    f"unknown column; did you mean '{close[0]}'? rename it"))
    if problems:
        raise ObservationError(problems)


def _check_numbers(number: dict[str, np.ndarray], problems: Problems) -> None:
    def outside(name: str, low: float, high: float, low_open: bool = False, message: str | None = None) -> None:
        values = number[name]
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(values) & ((values <= low if low_open else values < low) | (values > high))
        bracket = "(" if low_open else "["
        problems.flag(bad, name, message or f"out of range; allowed {bracket}{low:g}, {high:g}] {COLUMNS[name].unit}")

    outside("soc_before_t_ha", 0, MAX_STOCK_T_HA, low_open=True)
    outside("soc_after_t_ha", 0, MAX_STOCK_T_HA, low_open=True)
    outside("years", 0, MAX_YEARS, low_open=True)
    problems.flag(np.isnan(number["depth_cm"]), "depth_cm",
                  "required value is empty; give the bottom of the sampled layer 0-d, cm")
    outside("depth_cm", MIN_DEPTH_CM, MAX_DEPTH_CM,
            message=f"out of range; allowed [{MIN_DEPTH_CM:g}, {MAX_DEPTH_CM:g}] cm (bottom of a layer "
                    "that starts at the surface; the depth correction is not defined outside it)")


def _check_change(number: dict[str, np.ndarray], raw: pd.DataFrame, problems: Problems) -> np.ndarray:
    """The annual change over 0-depth_cm (t C/ha/yr), checking both ways of giving it."""
    delta, before, after, years = (number[c] for c in NUMBERS[:4])
    given = {c: text_cells(raw[c]).notna().to_numpy() if c in raw else np.zeros(len(raw), bool) for c in NUMBERS[:3]}
    none_given = ~(given["delta_soc_t_ha_yr"] | given["soc_before_t_ha"] | given["soc_after_t_ha"])
    problems.flag(none_given, "delta_soc_t_ha_yr",
                  "no observed change: give delta_soc_t_ha_yr (t C/ha/yr), or soc_before_t_ha, "
                  "soc_after_t_ha (t C/ha) and years")
    problems.flag(~np.isnan(before) ^ ~np.isnan(after), "soc_after_t_ha" if "soc_after_t_ha" in raw
                  else "soc_before_t_ha", "give both soc_before_t_ha and soc_after_t_ha, or neither")
    has_pair = ~np.isnan(before) & ~np.isnan(after)
    problems.flag(has_pair & np.isnan(delta) & np.isnan(years), "years",
                  "required with soc_before_t_ha and soc_after_t_ha; give the duration in years")
    with np.errstate(invalid="ignore", divide="ignore"):
        from_pair = (after - before) / years
    absolute, relative = DELTA_TOLERANCE
    with np.errstate(invalid="ignore"):
        disagree = ~np.isnan(delta) & ~np.isnan(from_pair) & (np.abs(delta - from_pair) > absolute
                                                                + relative * np.abs(from_pair))
    problems.flag(disagree, "delta_soc_t_ha_yr", "disagrees with (soc_after_t_ha - soc_before_t_ha) / years; "
                                                 "correct one of them or leave delta_soc_t_ha_yr empty")
    delta = np.where(np.isnan(delta), from_pair, delta)
    problems.flag(np.isinf(delta), "delta_soc_t_ha_yr", "not a finite number")
    with np.errstate(invalid="ignore"):
        problems.flag(np.abs(delta) > MAX_ABS_DELTA_T_HA_YR, "delta_soc_t_ha_yr",
                      f"implausible: more than {MAX_ABS_DELTA_T_HA_YR:g} t C/ha/yr; the unit is t C/ha/yr "
                      "(not kg C/ha/yr, not a stock)")
    return delta


def _check_practices(practice: pd.Series, keys: np.ndarray, problems: Problems) -> None:
    """The observed practice: known, compatible, applicable, and a change from the current ones."""
    # Rows repeat few distinct (practice, context) pairs: each is judged once.
    verdicts = [_practice_problem(p if isinstance(p, str) else None, key) for p, key in zip(practice, keys)]
    bad = np.array([v is not None for v in verdicts])
    problems.flag(bad, "practice", lambda at: [verdicts[i] for i in at], practice)


@lru_cache(maxsize=65536)
def _practice_problem(practice: str | None, key: ContextKey | None) -> str | None:
    if practice is None:
        return None
    catalogue = load_knowledge_base().practices
    parts = practice_list(practice)
    issues = []
    if len(set(parts)) < len(parts):
        issues.append("a practice id is repeated in the combination")
    hint = f" (a combination joins ids with '{PRACTICE_SEPARATOR}')"
    issues += practice_set_problems(catalogue, parts, key.land_use if key else None, hint)
    current = key.current_practices if key else ()
    known = [p for p in dict.fromkeys(parts) if p in catalogue]
    already = [p for p in known if p in current]
    if already:
        issues.append(f"{already} already in current_practices; the observed practice must be a change")
    clashes = [f"'{p}' conflicts with current practice '{c}'" for p in known for c in current
               if c in catalogue[p].conflicts_with]
    if clashes:
        issues.append("; ".join(clashes) + " (a field cannot be under both)")
    return "; ".join(issues) or None
