"""The observation schema: one observed SOC change of a practice on a site.

One row is one comparison: a practice (or a combination joined with ``+``)
adopted on a field whose context is described by the farm-context columns,
with the observed change of the SOC stock over a layer ``0-depth_cm``. The
column table, units and rules are documented in ``training/README.md``;
``COLUMNS`` below is the machine-readable version.

Files are read (CSV or Parquet), every row is validated column by column
(vectorised; the farm-context semantics are those of
``recommender.context.FarmContext``), and the good rows come back in canonical
form: the change over 0-30 cm in ``delta_soc_t_ha_yr_30cm`` (depth correction
of ``recommender.depth``), ``soil_class`` resolved by
``recommender.soils.derive_soil_class``, ``current_practices`` as sorted
tuples of ids and combinations in sorted id order. A bad row is never dropped
silently: it raises :class:`ObservationError`, or with ``skip_bad_rows=True``
it is skipped and reported.
"""

import csv
import gzip
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from recommender.science.depth import MAX_DEPTH_CM, MIN_DEPTH_CM, to_reference_depth
from recommender.knowledge import KnowledgeBase, load_knowledge_base, practice_set_problems
from recommender.inputs.soils import SANDY_MAX_CLAY_PCT, derive_soil_class
from recommender.vocabulary import ClimateZone, Degradation, LandUse, SoilClass, SoilTexture, allowed


class Column(NamedTuple):
    """One column of the schema."""

    kind: str  # "text" or "number"
    required: bool
    unit: str
    description: str


COLUMNS: dict[str, Column] = {
    "study_id": Column("text", True, "", "Identifier of the study (publication, trial, survey)"),
    "site_id": Column("text", True, "", "Identifier of the site within the study"),
    "practice": Column("text", True, "", "Catalogue id of the practice adopted; a combination joins ids with '+'"),
    "climate_zone": Column("text", True, "", f"IPCC climate zone: {allowed(ClimateZone)}"),
    "soil_texture": Column("text", True, "", f"USDA texture class: {allowed(SoilTexture)}"),
    "soil_class": Column("text", False, "", f"IPCC soil class (derived when empty): {allowed(SoilClass)}"),
    "land_use": Column("text", True, "", f"Land use of the field: {allowed(LandUse)}"),
    "degradation": Column("text", False, "", f"Degradation status (default none): {allowed(Degradation)}"),
    "current_practices": Column(
        "text", False, "", "Practices already in place before the change, ids separated by ';'"
    ),
    "clay_pct": Column("number", False, "%", "Clay content"),
    "soc_t_ha": Column("number", False, "t C/ha", "SOC stock of the control (or before), 0-30 cm"),
    "delta_soc_t_ha_yr": Column(
        "number", False, "t C/ha/yr", "Observed change over 0-depth_cm: treatment minus control per year"
    ),
    "soc_before_t_ha": Column("number", False, "t C/ha", "Stock over 0-depth_cm before (or of the control)"),
    "soc_after_t_ha": Column("number", False, "t C/ha", "Stock over 0-depth_cm after (or of the treatment)"),
    "years": Column("number", False, "yr", "Duration of the practice; required with soc_before/soc_after"),
    "depth_cm": Column("number", True, "cm", f"Bottom of the sampled layer 0-d, {MIN_DEPTH_CM:g} to {MAX_DEPTH_CM:g}"),
}
#: Columns of the canonical output, in order (extra input columns follow).
OUTPUT_COLUMNS = (
    "study_id", "site_id", "practice", "climate_zone", "soil_texture", "soil_class", "land_use",
    "degradation", "current_practices", "clay_pct", "soc_t_ha", "depth_cm", "years",
    "delta_soc_t_ha_yr", "delta_soc_t_ha_yr_30cm", "soc_before_t_ha", "soc_after_t_ha",
    "source_file", "source_row",
)
PRACTICE_SEPARATOR = "+"
CURRENT_SEPARATOR = ";"
MAX_YEARS = 200.0
MAX_STOCK_T_HA = 1000.0
#: Larger annual changes are unit mistakes (kg instead of t, or a stock
#: instead of a rate), not observations; the bound is far above any
#: published mineral-soil rate.
MAX_ABS_DELTA_T_HA_YR = 50.0
#: How far a given delta may differ from (after - before) / years.
DELTA_TOLERANCE = (0.01, 0.01)  # (absolute t C/ha/yr, relative)
SHOWN_PROBLEMS = 20
SUFFIXES = {".csv": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}


class Problem(NamedTuple):
    """One bad value: where it is, what it is and how to fix it."""

    file: str
    row: int | None  # 1-based data row (header excluded); None for the whole file
    column: str
    value: object
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row is not None else self.file
        value = "" if self.row is None else f" = {self.value!r}"
        return f"{where}, column '{self.column}'{value}: {self.problem}"


class ObservationError(ValueError):
    """Observation file(s) with bad values; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        rows = {(p.file, p.row) for p in self.problems if p.row is not None}
        lines = [f"  - {p}" for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"  ... and {len(self.problems) - SHOWN_PROBLEMS} more problem(s)")
        advice = (
            "fix these values (see training/README.md for the schema), or pass "
            "skip_bad_rows=True to keep the good rows and get the bad ones reported"
            if rows
            else "fix the file(s) (see training/README.md for the schema)"
        )
        super().__init__(
            f"{len(self.problems)} problem(s) in {len(rows)} row(s) of observation data; {advice}:\n"
            + "\n".join(lines)
        )


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
    kb = load_knowledge_base()
    goods, problems, rows_read = [], [], 0
    for name, frame in sources:
        good, found = _validate(frame, name, kb)
        goods.append(good)
        problems.extend(found)
        rows_read += len(frame)
    if problems and not skip_bad_rows:
        raise ObservationError(problems)
    observations = pd.concat(goods, ignore_index=True) if goods else pd.DataFrame()
    return ObservationSet(observations, tuple(problems), rows_read, tuple(n for n, _ in sources))


# -- validating ---------------------------------------------------------------
class _Checker:
    """Collects problems of one source as boolean masks over its rows."""

    def __init__(self, source: str, raw: pd.DataFrame):
        self.source = source
        self.raw = raw
        self.problems: list[Problem] = []

    def flag(self, mask, column: str, problem) -> None:
        """Report ``problem`` (str, or Series of per-row str) where ``mask`` holds."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        positions = np.flatnonzero(mask)
        values = self.raw[column].iloc[positions] if column in self.raw else [None] * len(positions)
        texts = problem.iloc[positions] if isinstance(problem, pd.Series) else [problem] * len(positions)
        for position, value, text in zip(positions, values, texts):
            self.problems.append(Problem(self.source, int(position) + 1, column, _plain(value), text))

    @property
    def bad_rows(self) -> np.ndarray:
        bad = np.zeros(len(self.raw), dtype=bool)
        bad[[p.row - 1 for p in self.problems if p.row is not None]] = True
        return bad


def _plain(value):
    if isinstance(value, (np.generic,)):
        return value.item()
    return value


def _text(series: pd.Series) -> pd.Series:
    """Stripped strings, ``None`` for empty or missing cells; lists joined by ';'."""
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        stripped = series.astype("string").str.strip()
        return stripped.mask(stripped.eq("") | stripped.isna()).astype(object).where(
            lambda s: s.notna(), None
        )

    # Parquet may hold numbers or lists (e.g. current_practices); go cell by cell.
    def one(value):
        if isinstance(value, (list, tuple, np.ndarray)):
            value = CURRENT_SEPARATOR.join(str(v) for v in value)
        elif value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        value = str(value).strip()
        return value or None

    return series.map(one).astype(object)


def _number(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats (NaN when empty) and the mask of cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
        return values, pd.Series(False, index=series.index)
    text = _text(series)
    values = pd.to_numeric(text, errors="coerce").astype(float)
    return values, text.notna() & values.isna()


def _validate(raw: pd.DataFrame, source: str, kb: KnowledgeBase) -> tuple[pd.DataFrame, list[Problem]]:
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    check = _Checker(source, raw)
    _check_columns(raw, check)
    if check.problems:  # rows cannot be judged without their columns
        raise ObservationError(check.problems)

    n = len(raw)
    text = {c: _text(raw[c]) if c in raw else pd.Series([None] * n, dtype=object)
            for c, spec in COLUMNS.items() if spec.kind == "text"}
    number, not_number = {}, {}
    for name, spec in COLUMNS.items():
        if spec.kind != "number":
            continue
        if name in raw:
            number[name], not_number[name] = _number(raw[name])
            check.flag(not_number[name], name, f"not a number; give {spec.unit or 'a number'}")
        else:
            number[name] = pd.Series(np.nan, index=raw.index)
            not_number[name] = pd.Series(False, index=raw.index)

    for name in ("study_id", "site_id", "climate_zone", "soil_texture", "land_use", "practice"):
        check.flag(text[name].isna(), name, "required value is empty")
    for name, enum in (
        ("climate_zone", ClimateZone),
        ("soil_texture", SoilTexture),
        ("soil_class", SoilClass),
        ("land_use", LandUse),
        ("degradation", Degradation),
    ):
        unknown = text[name].notna() & ~text[name].isin([m.value for m in enum])
        check.flag(unknown, name, f"unknown value; allowed: {allowed(enum)}")
    text["degradation"] = text["degradation"].fillna(Degradation.NONE.value)

    _check_numbers(number, check)
    delta = _check_change(number, not_number, check)
    _check_practices(text, kb, check)
    soil_class = _resolve_soil_class(text, number, kb, check)

    good = ~check.bad_rows
    out = pd.DataFrame(
        {
            "study_id": text["study_id"],
            "site_id": text["site_id"],
            "practice": text["practice"],
            "climate_zone": text["climate_zone"],
            "soil_texture": text["soil_texture"],
            "soil_class": soil_class,
            "land_use": text["land_use"],
            "degradation": text["degradation"],
            "current_practices": text["current_practices"],
            "clay_pct": number["clay_pct"],
            "soc_t_ha": number["soc_t_ha"],
            "depth_cm": number["depth_cm"],
            "years": number["years"],
            "delta_soc_t_ha_yr": delta,
            "delta_soc_t_ha_yr_30cm": np.nan,
            "soc_before_t_ha": number["soc_before_t_ha"],
            "soc_after_t_ha": number["soc_after_t_ha"],
            "source_file": source,
            "source_row": np.arange(1, n + 1),
        }
    )[good].reset_index(drop=True)
    if len(out):
        out["practice"] = out["practice"].map(_canonical_combination)
        out["current_practices"] = out["current_practices"].map(_current_tuple)
        out["delta_soc_t_ha_yr_30cm"] = to_reference_depth(
            out["delta_soc_t_ha_yr"].to_numpy(), out["depth_cm"].to_numpy(), out["land_use"].to_numpy()
        )
    else:
        out["current_practices"] = pd.Series(dtype=object)
    extras = [c for c in raw.columns if c not in COLUMNS and c not in OUTPUT_COLUMNS]
    for column in extras:
        out[column] = raw.loc[good, column].to_numpy()
    problems = sorted(check.problems, key=lambda p: (p.row or 0, list(raw.columns).index(p.column)
                                                     if p.column in raw.columns else len(raw.columns)))
    return out, problems


def _check_columns(raw: pd.DataFrame, check: _Checker) -> None:
    for name, spec in COLUMNS.items():
        if spec.required and name not in raw:
            check.problems.append(Problem(check.source, None, name, None,
                                          f"missing required column '{name}' ({spec.description})"))
    has_delta = "delta_soc_t_ha_yr" in raw
    has_pair = {"soc_before_t_ha", "soc_after_t_ha", "years"} <= set(raw.columns)
    if not (has_delta or has_pair):
        check.problems.append(Problem(
            check.source, None, "delta_soc_t_ha_yr", None,
            "no observed change: add a column delta_soc_t_ha_yr (t C/ha/yr), or the three columns "
            "soc_before_t_ha, soc_after_t_ha (t C/ha) and years",
        ))
    known = list(COLUMNS) + list(OUTPUT_COLUMNS)
    for column in raw.columns:
        if column in known:
            continue
        close = get_close_matches(column, known, n=1, cutoff=0.85)
        if close:
            # Extra columns pass through unvalidated, so a typo of a schema
            # column would silently lose its values.
            check.problems.append(Problem(check.source, None, column, None,
                                          f"unknown column; did you mean '{close[0]}'? rename it"))


def _check_numbers(number: dict[str, pd.Series], check: _Checker) -> None:
    def outside(name, low, high, low_open=False, message=None):
        values = number[name]
        too_low = values <= low if low_open else values < low
        bad = values.notna() & (too_low | (values > high))
        bracket = "(" if low_open else "["
        check.flag(bad, name, message or f"out of range; allowed {bracket}{low:g}, {high:g}] {COLUMNS[name].unit}")

    outside("clay_pct", 0, 100)
    outside("soc_t_ha", 0, MAX_STOCK_T_HA, low_open=True)
    outside("soc_before_t_ha", 0, MAX_STOCK_T_HA, low_open=True)
    outside("soc_after_t_ha", 0, MAX_STOCK_T_HA, low_open=True)
    outside("years", 0, MAX_YEARS, low_open=True)
    depth = number["depth_cm"]
    check.flag(depth.isna(), "depth_cm", "required value is empty; give the bottom of the sampled layer 0-d, cm")
    outside("depth_cm", MIN_DEPTH_CM, MAX_DEPTH_CM,
            message=f"out of range; allowed [{MIN_DEPTH_CM:g}, {MAX_DEPTH_CM:g}] cm (bottom of a layer "
                    "that starts at the surface; the depth correction is not defined outside it)")


def _check_change(number: dict[str, pd.Series], not_number: dict[str, pd.Series], check: _Checker) -> pd.Series:
    """The annual change over 0-depth_cm (t C/ha/yr), checking both ways of giving it."""
    delta, before, after, years = (number[c] for c in
                                   ("delta_soc_t_ha_yr", "soc_before_t_ha", "soc_after_t_ha", "years"))
    has_pair = before.notna() & after.notna()
    given = ~(not_number["delta_soc_t_ha_yr"] | not_number["soc_before_t_ha"] | not_number["soc_after_t_ha"])
    check.flag(given & delta.isna() & before.isna() & after.isna(), "delta_soc_t_ha_yr",
               "no observed change: give delta_soc_t_ha_yr (t C/ha/yr), or soc_before_t_ha, "
               "soc_after_t_ha (t C/ha) and years")
    check.flag(before.notna() ^ after.notna(), "soc_after_t_ha" if "soc_after_t_ha" in check.raw
               else "soc_before_t_ha", "give both soc_before_t_ha and soc_after_t_ha, or neither")
    check.flag(has_pair & delta.isna() & years.isna(), "years",
               "required with soc_before_t_ha and soc_after_t_ha; give the duration in years")
    with np.errstate(invalid="ignore", divide="ignore"):
        from_pair = (after - before) / years
    absolute, relative = DELTA_TOLERANCE
    disagree = delta.notna() & from_pair.notna() & (
        (delta - from_pair).abs() > absolute + relative * from_pair.abs()
    )
    check.flag(disagree, "delta_soc_t_ha_yr",
               "disagrees with (soc_after_t_ha - soc_before_t_ha) / years; correct one of them or leave "
               "delta_soc_t_ha_yr empty")
    delta = delta.fillna(from_pair)
    check.flag(np.isinf(delta), "delta_soc_t_ha_yr", "not a finite number")
    check.flag(delta.abs() > MAX_ABS_DELTA_T_HA_YR, "delta_soc_t_ha_yr",
               f"implausible: more than {MAX_ABS_DELTA_T_HA_YR:g} t C/ha/yr; the unit is t C/ha/yr "
               "(not kg C/ha/yr, not a stock)")
    return delta


def _split(value: str | None, separator: str) -> list[str]:
    return [] if value is None else [part.strip() for part in value.split(separator)]


def _canonical_combination(value: str) -> str:
    return PRACTICE_SEPARATOR.join(sorted(_split(value, PRACTICE_SEPARATOR)))


def _current_tuple(value: str | None) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(p for p in _split(value, CURRENT_SEPARATOR) if p)))


def _practice_problems(practice, current, land_use, kb: KnowledgeBase) -> tuple[str | None, str | None]:
    """Problems of (``practice``, ``current_practices``) for one distinct row context."""
    catalogue = kb.practices
    current_ids = [p for p in _split(current, CURRENT_SEPARATOR) if p]
    issues_current = practice_set_problems(
        catalogue, current_ids, land_use, together="cannot both be current practices"
    )
    known_current = [p for p in dict.fromkeys(current_ids) if p in catalogue]

    issues = []
    if practice is not None:
        parts = _split(practice, PRACTICE_SEPARATOR)
        if "" in parts:
            issues.append(f"empty id in the combination; join catalogue ids with '{PRACTICE_SEPARATOR}'")
        parts = [p for p in parts if p]
        if len(set(parts)) < len(parts):
            issues.append("a practice id is repeated in the combination")
        issues += practice_set_problems(
            catalogue, parts, land_use, f" (a combination joins ids with '{PRACTICE_SEPARATOR}')"
        )
        known = [p for p in dict.fromkeys(parts) if p in catalogue]
        already = [p for p in known if p in known_current]
        if already:
            issues.append(f"{already} already in current_practices; the observed practice must be a change")
        clashes = [f"'{p}' conflicts with current practice '{c}'"
                   for p in known for c in known_current if c in catalogue[p].conflicts_with]
        if clashes:
            issues.append("; ".join(clashes) + " (a field cannot be under both)")
    return ("; ".join(issues) or None), ("; ".join(issues_current) or None)


def _check_practices(text: dict[str, pd.Series], kb: KnowledgeBase, check: _Checker) -> None:
    # Rows repeat few distinct contexts, so each one is checked once and mapped back.
    land_use = text["land_use"].where(text["land_use"].isin([u.value for u in LandUse]), None)
    keys = pd.DataFrame({"practice": text["practice"], "current": text["current_practices"],
                         "land_use": land_use})
    codes = keys.fillna("\0").groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(keys))).groupby(codes).first()
    verdicts = {
        code: _practice_problems(keys["practice"].iat[i], keys["current"].iat[i], keys["land_use"].iat[i], kb)
        for code, i in first.items()
    }
    code_series = pd.Series(codes, index=keys.index)
    practice_issue = code_series.map({c: v[0] for c, v in verdicts.items()}).astype(object)
    current_issue = code_series.map({c: v[1] for c, v in verdicts.items()}).astype(object)
    check.flag(practice_issue.notna(), "practice", practice_issue)
    check.flag(current_issue.notna(), "current_practices", current_issue)


def _resolve_soil_class(text, number, kb: KnowledgeBase, check: _Checker) -> pd.Series:
    """Stated or derived IPCC soil class; flags contexts Table 2.3 has no stock for."""
    zone, texture, stated = text["climate_zone"], text["soil_texture"], text["soil_class"]
    valid = (
        zone.isin([z.value for z in ClimateZone])
        & texture.isin([t.value for t in SoilTexture])
        & (stated.isna() | stated.isin([c.value for c in SoilClass]))
    )
    clay = number["clay_pct"]
    # derive_soil_class only asks whether clay is below SANDY_MAX_CLAY_PCT, so a
    # representative value per side of that threshold gives the same answer.
    clay_side = np.where(clay.isna(), -1, np.where(clay < SANDY_MAX_CLAY_PCT, 0, 1))
    keys = pd.DataFrame(
        {"zone": zone, "texture": texture, "stated": stated.fillna(""), "clay": clay_side}
    )[valid]
    resolved = pd.Series([None] * len(zone), index=zone.index, dtype=object)
    if len(keys):
        representative = {-1: None, 0: 0.0, 1: SANDY_MAX_CLAY_PCT}
        distinct = keys.drop_duplicates().copy()
        distinct["resolved"] = [
            derive_soil_class(kb, r.texture, r.zone, representative[r.clay], r.stated or None).value
            for r in distinct.itertuples(index=False)
        ]
        resolved[valid] = keys.merge(distinct, how="left", on=list(keys.columns))["resolved"].to_numpy()
    stocks = kb.reference_stocks["soc_ref_t_c_ha"]
    looked_up = stocks.reindex(pd.MultiIndex.from_arrays([zone.fillna(""), resolved.fillna("")])).to_numpy()
    no_stock = resolved.notna() & np.isnan(looked_up) & number["soc_t_ha"].isna()
    message = pd.Series(None, index=zone.index, dtype=object)
    message[no_stock] = [
        f"IPCC Table 2.3 gives no reference stock for {c} soils in {z}; give a measured soc_t_ha "
        "(t C/ha, 0-30 cm) or another soil_class"
        for z, c in zip(zone[no_stock], resolved[no_stock])
    ]
    check.flag(no_stock, "soc_t_ha", message)
    return resolved

