"""Reading the input file of the reference RothC code (``RothC_input.dat``).

The format, as in Rothamsted's example: three free lines, a line naming the
site values (``clay depth iom nsteps``), their values, a free line of units,
a line naming the monthly columns, then one row per month: year, month,
% modern C, air temperature (deg C), rainfall (mm), open-pan evaporation (mm),
plant C input (t C/ha), FYM C input (t C/ha), plant cover (0/1), DPM/RPM
ratio. The first 12 rows are the year repeated for the spin-up to
equilibrium; the rest are run forward from there. Any problem is reported
with the file, the line and what is wrong, because these files are edited
by hand.
"""

import math
from dataclasses import dataclass
from os import PathLike

import numpy as np

from .model import MONTHS_PER_YEAR, Array, Drivers

SITE_NAMES = ("clay", "depth", "iom", "nsteps")
COLUMNS = ("year", "month", "modern", "Tmp", "Rain", "Evap", "C_inp", "FYM", "PC", "DPM_RPM")
_SITE_LINE = 4
_COLUMNS_LINE = 7
#: Columns that cannot be negative (evaporation can: the example has -0.5 mm, condensation).
_NON_NEGATIVE = ("modern", "Rain", "C_inp", "FYM", "DPM_RPM")


class RothCInputError(ValueError):
    """A RothC input file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class RothCInput:
    """The content of a RothC input file for one field.

    ``rows`` holds the monthly columns of :data:`COLUMNS` as arrays of
    ``n_steps`` values (``year`` and ``month`` as integers).
    """

    clay: float
    depth: float
    iom: float
    rows: dict[str, Array]

    @property
    def n_steps(self) -> int:
        return len(self.rows["month"])

    def drivers(self, start: int, stop: int) -> Drivers:
        """Drivers of rows ``start:stop`` (0-based), as a batch of one field."""

        def monthly(column: str) -> Array:
            return self.rows[column][None, start:stop].astype(float)

        return Drivers(temperature=monthly("Tmp"), rainfall=monthly("Rain"), evaporation=monthly("Evap"),
                       plant_cover=monthly("PC"), plant_input=monthly("C_inp"), clay=np.array([self.clay]),
                       depth=np.array([self.depth]), fym_input=monthly("FYM"), dpm_rpm_ratio=monthly("DPM_RPM"),
                       modern=monthly("modern"))

    @property
    def spinup(self) -> Drivers:
        """The first 12 months, repeated to reach equilibrium."""
        return self.drivers(0, MONTHS_PER_YEAR)

    @property
    def forward(self) -> Drivers:
        """The months after the spin-up year, run from the equilibrium."""
        return self.drivers(MONTHS_PER_YEAR, self.n_steps)


def _number(token: str, where: str, what: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise RothCInputError(f"{where}: {what} must be a number, got {token!r}") from None
    if not math.isfinite(value):
        raise RothCInputError(f"{where}: {what} must be a finite number, got {token!r}")
    return value


def _names(lines: list[str], number: int, expected: tuple[str, ...], source: str) -> None:
    found = lines[number - 1].split() if len(lines) >= number else []
    if [name.lower() for name in found] != [name.lower() for name in expected]:
        raise RothCInputError(f"{source}, line {number}: expected the names {' '.join(expected)}, "
                              f"found {' '.join(found) or 'nothing'}")


def parse_input(text: str, source: str = "<text>") -> RothCInput:
    """Parse the text of a RothC input file; ``source`` names it in error messages.

    Raises
    ------
    RothCInputError
        With ``source``, the line number and the problem.
    """
    lines = text.splitlines()
    _names(lines, _SITE_LINE, SITE_NAMES, source)
    where = f"{source}, line {_SITE_LINE + 1}"
    tokens = lines[_SITE_LINE].split() if len(lines) > _SITE_LINE else []
    if len(tokens) != len(SITE_NAMES):
        raise RothCInputError(f"{where}: expected {len(SITE_NAMES)} values ({' '.join(SITE_NAMES)}), "
                              f"found {len(tokens)}")
    clay, depth, iom, steps = (_number(token, where, name) for token, name in zip(tokens, SITE_NAMES))
    if not 0.0 <= clay <= 100.0:
        raise RothCInputError(f"{where}: clay must be a percentage in [0, 100], got {clay:g}")
    if depth <= 0.0 or iom < 0.0:
        raise RothCInputError(f"{where}: depth must be positive and iom not negative, got {depth:g} and {iom:g}")
    if steps != int(steps) or steps < MONTHS_PER_YEAR:
        raise RothCInputError(f"{where}: nsteps must be a whole number of months, at least "
                              f"{MONTHS_PER_YEAR} (the spin-up year), got {steps:g}")
    _names(lines, _COLUMNS_LINE, COLUMNS, source)
    numbered = [(number, line) for number, line in enumerate(lines[_COLUMNS_LINE:], _COLUMNS_LINE + 1)
                if line.strip()]
    if len(numbered) != steps:
        raise RothCInputError(f"{source}, line {_SITE_LINE + 1}: nsteps is {steps:g} but the file has "
                              f"{len(numbered)} monthly rows")
    values = np.empty((len(numbered), len(COLUMNS)))
    for row, (number, line) in enumerate(numbered):
        values[row] = _parse_row(line, f"{source}, line {number}", spinup_month=row + 1 if row < 12 else None)
    rows = {name: values[:, column] for column, name in enumerate(COLUMNS)}
    rows["year"], rows["month"] = rows["year"].astype(int), rows["month"].astype(int)
    return RothCInput(clay=clay, depth=depth, iom=iom, rows=rows)


def _parse_row(line: str, where: str, spinup_month: int | None) -> list[float]:
    tokens = line.split()
    if len(tokens) != len(COLUMNS):
        raise RothCInputError(f"{where}: expected {len(COLUMNS)} values ({' '.join(COLUMNS)}), found {len(tokens)}")
    values = [_number(token, where, name) for token, name in zip(tokens, COLUMNS)]
    named = dict(zip(COLUMNS, values))
    if named["year"] != int(named["year"]):
        raise RothCInputError(f"{where}: year must be a whole number, got {tokens[0]}")
    if named["month"] not in range(1, 13):
        raise RothCInputError(f"{where}: month must be 1 to 12, got {tokens[1]}")
    if spinup_month is not None and named["month"] != spinup_month:
        raise RothCInputError(f"{where}: the first 12 rows are the spin-up year, January to December; "
                              f"expected month {spinup_month}, got {tokens[1]}")
    if named["PC"] not in (0.0, 1.0):
        raise RothCInputError(f"{where}: PC (plant cover) must be 0 or 1, got {tokens[8]}")
    for name in _NON_NEGATIVE:
        if named[name] < 0.0:
            raise RothCInputError(f"{where}: {name} cannot be negative, got {tokens[COLUMNS.index(name)]}")
    return values


def read_input(path: str | PathLike[str]) -> RothCInput:
    """Read and parse a RothC input file (see :func:`parse_input`)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise RothCInputError(f"{path}: cannot read the RothC input file ({reason})") from None
    return parse_input(text, source=str(path))
