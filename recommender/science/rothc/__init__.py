"""RothC, the Rothamsted soil-carbon model (standard 1990 version), vectorised over fields.

Build :class:`Drivers` for many fields (monthly climate, cover and inputs,
clay and depth), then:

* :func:`equilibrium` gives the steady state of drivers repeated for ever,
  exactly and at once, where the reference code spins up for thousands of
  years; :func:`equilibrium_response` keeps the plant and manure parts apart
  so the input giving a target stock is a division
  (:meth:`EquilibriumResponse.input_for_soc`);
* :func:`simulate` runs the model forward month by month from a
  :class:`State`;
* :func:`linear_response` gives pools year by year as a linear function of
  start pools and input multipliers, to evaluate many stocks and practices
  without rerunning the model.

For a farm, :mod:`.farm` (``FarmRothC``: paths of practice sets from
today's stock, and the input needed for 4 per 1000), :mod:`.scenario`
(practices as drivers) and :mod:`.climate` (``MonthlyClimate``) build the
drivers from the farm context; they are imported from their modules, not
here, as they need the knowledge base.

Constants come from ``recommender/data/rothc_parameters.csv`` with their
sources (:func:`load_parameters`); :func:`read_input` reads the reference
code's input files.
"""

from .equilibrium import (
    AnnualMaps,
    EquilibriumResponse,
    annual_maps,
    equilibrium,
    equilibrium_response,
    reference_spinup_years,
)
from .input_file import RothCInput, RothCInputError, parse_input, read_input
from .model import (
    MONTHS_PER_YEAR,
    POOLS,
    Drivers,
    State,
    Trajectory,
    falloon_iom,
    simulate,
    soil_delta14c,
)
from .modifiers import (
    cover_modifier,
    humified_fraction,
    moisture_limits,
    moisture_modifier,
    periodic_tsmd,
    temperature_modifier,
    tsmd_step,
)
from .parameters import RothCParameters, load_parameters
from .response import LinearResponse, linear_response

__all__ = [
    "MONTHS_PER_YEAR",
    "POOLS",
    "AnnualMaps",
    "Drivers",
    "EquilibriumResponse",
    "LinearResponse",
    "RothCInput",
    "RothCInputError",
    "RothCParameters",
    "State",
    "Trajectory",
    "annual_maps",
    "cover_modifier",
    "equilibrium",
    "equilibrium_response",
    "falloon_iom",
    "humified_fraction",
    "linear_response",
    "load_parameters",
    "moisture_limits",
    "moisture_modifier",
    "parse_input",
    "periodic_tsmd",
    "read_input",
    "reference_spinup_years",
    "simulate",
    "soil_delta14c",
    "temperature_modifier",
    "tsmd_step",
]
