"""The observation schema: the columns of an observation file and how a bad value is reported.

``COLUMNS`` is the machine-readable version of ``training/README.md``'s table.
The farm columns are ``FarmContext``'s fields (their rules live in
``recommender.inputs.columns``); the others describe the observed change.
"""

from typing import NamedTuple

from recommender.inputs.columns import PRACTICE_SEPARATOR
from recommender.science.depth import MAX_DEPTH_CM, MIN_DEPTH_CM
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
    "practice": Column("text", True, "", "Catalogue id of the practice adopted; a combination joins ids with "
                                         f"'{PRACTICE_SEPARATOR}'"),
    "climate_zone": Column("text", True, "", f"IPCC climate zone: {allowed(ClimateZone)}"),
    "soil_texture": Column("text", True, "", f"USDA texture class: {allowed(SoilTexture)}"),
    "soil_class": Column("text", False, "", f"IPCC soil class (derived when empty): {allowed(SoilClass)}"),
    "land_use": Column("text", True, "", f"Land use of the field: {allowed(LandUse)}"),
    "degradation": Column("text", False, "", f"Degradation status (default none): {allowed(Degradation)}"),
    "current_practices": Column(
        "text", False, "", f"Practices already in place before the change, ids separated by '{PRACTICE_SEPARATOR}'"
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
MAX_YEARS = 200.0
#: Larger annual changes are unit mistakes (kg instead of t, or a stock
#: instead of a rate), not observations; the bound is far above any
#: published mineral-soil rate.
MAX_ABS_DELTA_T_HA_YR = 50.0
#: How far a given delta may differ from (after - before) / years.
DELTA_TOLERANCE = (0.01, 0.01)  # (absolute t C/ha/yr, relative)
SHOWN_PROBLEMS = 20


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
