"""The constants of RothC, read from ``recommender/data/rothc_parameters.csv``.

Every constant of the model lives in that table with its unit and the section
of the model description it comes from, so a reviewer can check each number
against its source and nobody has to read the code to change one. This module
turns the table into a frozen dataclass that the model functions take as
``params``.
"""

from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

NAME = "rothc_parameters.csv"


@dataclass(frozen=True)
class RothCParameters:
    """The constants of the standard (1990) RothC model.

    Field names are the ``parameter`` column of ``rothc_parameters.csv``,
    which gives each one's unit and source. Construct with
    :func:`load_parameters`, or with :func:`dataclasses.replace` on its
    result to explore a change (e.g. a different HUM rate constant).
    """

    k_dpm: float
    k_rpm: float
    k_bio: float
    k_hum: float
    bio_fraction: float
    co2_ratio_scale: float
    co2_ratio_base: float
    co2_ratio_clay_amplitude: float
    co2_ratio_clay_rate: float
    temperature_numerator: float
    temperature_scale: float
    temperature_offset: float
    temperature_minimum: float
    tsmd_intercept: float
    tsmd_clay: float
    tsmd_clay_squared: float
    tsmd_reference_depth: float
    evaporation_factor: float
    bare_soil_fraction: float
    moisture_breakpoint: float
    moisture_minimum: float
    cover_factor: float
    fym_dpm: float
    fym_rpm: float
    fym_hum: float
    dpm_rpm_crop: float
    dpm_rpm_grassland: float
    dpm_rpm_woodland: float
    iom_coefficient: float
    iom_exponent: float
    radiocarbon_half_life: float
    radiocarbon_mean_life: float
    iom_age: float

    @property
    def rate_constants(self) -> np.ndarray:
        """Decomposition rate constants of DPM, RPM, BIO, HUM (1/yr), in pool order."""
        return np.array([self.k_dpm, self.k_rpm, self.k_bio, self.k_hum])

    @property
    def radiocarbon_decay(self) -> float:
        """Radioactive decay constant of 14C (1/yr): ln 2 / half-life."""
        return float(np.log(2.0) / self.radiocarbon_half_life)


#: Parameters that are shares of a whole, so must lie in [0, 1].
_FRACTIONS = ("bio_fraction", "bare_soil_fraction", "moisture_breakpoint", "moisture_minimum",
              "cover_factor", "fym_dpm", "fym_rpm", "fym_hum")
#: Parameters that must be strictly positive for the model to make sense.
_POSITIVE = ("k_dpm", "k_rpm", "k_bio", "k_hum", "co2_ratio_scale", "temperature_numerator",
             "temperature_scale", "tsmd_reference_depth", "evaporation_factor", "radiocarbon_half_life",
             "radiocarbon_mean_life", "dpm_rpm_crop", "dpm_rpm_grassland", "dpm_rpm_woodland")


@lru_cache(maxsize=1)
def load_parameters() -> RothCParameters:
    """Read and check ``rothc_parameters.csv`` (cached: the table is read once).

    Raises
    ------
    KnowledgeBaseError
        Naming the file, and the data row and column to fix, when a column,
        a parameter or a value is missing, unknown or out of range.
    """
    # Imported here: the knowledge package pulls in pandas, which only the
    # table reading needs, not importing the model.
    from recommender.knowledge._tables import KnowledgeBaseError, read_table

    frame = read_table(
        NAME,
        {"parameter": "str", "value": "float", "unit": "str", "source": "str", "note": "str?"},
        ["parameter"],
    )
    names = [field.name for field in fields(RothCParameters)]
    rows = {name: row + 1 for row, name in enumerate(frame["parameter"])}
    unknown = [name for name in rows if name not in names]
    if unknown:
        raise KnowledgeBaseError(
            f"{NAME}: data row {rows[unknown[0]]}, column 'parameter': unknown parameter "
            f"'{unknown[0]}'; RothC has {', '.join(names)}."
        )
    missing = [name for name in names if name not in rows]
    if missing:
        raise KnowledgeBaseError(f"{NAME}: missing parameter(s) {missing}.")
    values = {name: float(value) for name, value in zip(frame["parameter"], frame["value"])}

    def refuse(name: str, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{NAME}: data row {rows[name]}, column 'value': {name} {problem}.")

    for name in _FRACTIONS:
        if not 0.0 <= values[name] <= 1.0:
            raise refuse(name, f"is a share and must lie in [0, 1], got {values[name]}")
    for name in _POSITIVE:
        if not values[name] > 0.0:
            raise refuse(name, f"must be positive, got {values[name]}")
    fym = values["fym_dpm"] + values["fym_rpm"] + values["fym_hum"]
    if abs(fym - 1.0) > 1e-9:
        raise refuse("fym_hum", f"makes the manure split fym_dpm + fym_rpm + fym_hum = {fym}, not 1")
    return RothCParameters(**values)
