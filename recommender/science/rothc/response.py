"""Trajectories of RothC as linear functions of start pools and inputs.

Under drivers that repeat every year, the pools at the end of each year are
an affine function of the pools at the start and of the inputs (see
:mod:`.equilibrium`). Composing the annual maps once per distinct context
gives that function for every year of a horizon; a field's trajectory after a
change of practice is then a few multiply-adds, whatever its measured stock
or the input it tries. Identical contexts share one response.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from .equilibrium import annual_maps
from .model import Array, Drivers
from .parameters import RothCParameters


@dataclass(frozen=True)
class LinearResponse:
    """Active pools year by year under repeated drivers, linear in start pools and inputs.

    At the end of year ``y`` (``y = 0`` is the start) the active pools are
    ``initial[:, y] @ start + plant[:, y] * plant_scale + fym[:, y] * fym_scale``,
    the scales multiplying the drivers' inputs. Build it once per distinct
    context; evaluate it for many fields (``index`` maps each to its context)
    with other start pools (a measured stock) and inputs (a practice).

    Attributes
    ----------
    initial : (n, years + 1, 4, 4) response to the start pools.
    plant, fym : (n, years + 1, 4) response to the drivers' plant and FYM inputs.
    """

    initial: Array
    plant: Array
    fym: Array

    @cached_property
    def _soc_weights(self) -> tuple[Array, Array, Array]:
        return self.initial.sum(axis=2), self.plant.sum(axis=2), self.fym.sum(axis=2)

    def active(self, start: ArrayLike, plant_scale: ArrayLike = 1.0, fym_scale: ArrayLike = 1.0,
               index: ArrayLike | None = None) -> Array:
        """(m, years + 1, 4) active pools of m fields starting from ``start`` (m, 4)."""
        rows = slice(None) if index is None else np.asarray(index)
        return (np.einsum("myij,mj->myi", self.initial[rows], np.asarray(start, dtype=float))
                + self.plant[rows] * _column(plant_scale)[..., None]
                + self.fym[rows] * _column(fym_scale)[..., None])

    def soc(self, start: ArrayLike, iom: ArrayLike, plant_scale: ArrayLike = 1.0, fym_scale: ArrayLike = 1.0,
            index: ArrayLike | None = None) -> Array:
        """(m, years + 1) total SOC (t C/ha) of m fields starting from active pools ``start`` (m, 4)."""
        rows = slice(None) if index is None else np.asarray(index)
        initial, plant, fym = self._soc_weights
        return (np.einsum("myj,mj->my", initial[rows], np.asarray(start, dtype=float))
                + plant[rows] * _column(plant_scale) + fym[rows] * _column(fym_scale) + _column(iom))

    def plant_scale_for_soc(self, start: ArrayLike, iom: ArrayLike, target_soc: ArrayLike, year: int,
                            fym_scale: ArrayLike = 1.0, index: ArrayLike | None = None) -> Array:
        """(m,) multiplier of the plant input that brings SOC to ``target_soc`` at the end of ``year``.

        SOC is linear in the multiplier, so this is a division: the inverse
        question "what input reaches +4 per 1000 a year?" without a search.
        """
        rows = slice(None) if index is None else np.asarray(index)
        initial, plant, fym = (weights[rows, year] for weights in self._soc_weights)
        without = (np.einsum("mj,mj->m", initial, np.asarray(start, dtype=float))
                   + fym * np.asarray(fym_scale, dtype=float) + np.asarray(iom, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.asarray(target_soc, dtype=float) - without) / plant


def _column(value: ArrayLike) -> Array:
    """A scalar or per-field (m,) value as a column that broadcasts over years."""
    return np.asarray(value, dtype=float).reshape(-1, 1)


def linear_response(drivers: Drivers, n_years: int, params: RothCParameters | None = None) -> LinearResponse:
    """Year-by-year response of the active pools to start pools and inputs under repeated drivers.

    Composes the annual maps ``n_years`` times (one 4 x 4 product per field
    and year), after which any start pools and input multipliers are
    evaluated by :class:`LinearResponse` without running the model; it holds
    24 numbers per context and year (about 19 kB per context for 100 years).
    Year 0 is the start, which is the end of a year (December when the drivers
    start in January). The moisture deficit follows its settled cycle from
    the first year: exact when the change keeps the cover and climate, as the
    start then has that deficit; a change of cover moves the first months'
    deficit slightly, which :func:`~.model.simulate` follows exactly.
    """
    maps = annual_maps(drivers, params)
    n_fields, years = maps.transition.shape[:2]
    initial = np.empty((n_fields, n_years + 1, 4, 4))
    plant = np.empty((n_fields, n_years + 1, 4))
    fym = np.empty((n_fields, n_years + 1, 4))
    initial[:, 0] = np.eye(4)
    plant[:, 0] = fym[:, 0] = 0.0
    for year in range(n_years):
        transition = maps.transition[:, year % years]
        initial[:, year + 1] = transition @ initial[:, year]
        plant[:, year + 1] = np.einsum("nij,nj->ni", transition, plant[:, year]) + maps.plant[:, year % years]
        fym[:, year + 1] = np.einsum("nij,nj->ni", transition, fym[:, year]) + maps.fym[:, year % years]
    return LinearResponse(initial=initial, plant=plant, fym=fym)
