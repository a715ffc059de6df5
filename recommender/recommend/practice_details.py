"""What an answer says of each practice and farm, as arrays for the answer table."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.inputs.farm import ContextKey
from recommender.knowledge import COBENEFITS, load_knowledge_base
from recommender.science.rothc.climate import MonthlyClimate


@dataclass(frozen=True)
class TextColumn:
    """A text column of an answer table: each distinct text stored once, so
    millions of rows cost codes, not strings. Row i reads ``texts[codes[i]]``
    (a code of -1: missing); ``texts`` are distinct (lists of text as tuples)."""

    codes: np.ndarray
    texts: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, texts: list) -> "TextColumn":
        return cls(np.asarray(codes, dtype=np.int64), _objects(texts))

    @classmethod
    def factorized(cls, values: Sequence) -> "TextColumn":
        """The column of ``values``, each distinct one stored once."""
        codes, uniques = pd.factorize(_objects(list(values)))
        return cls.of(codes, list(uniques))

    def __getitem__(self, rows):
        """A row's text (None if missing), or the column of several rows."""
        if isinstance(rows, int | np.integer):
            code = int(self.codes[rows])
            return None if code < 0 else self.texts[code]
        return TextColumn(self.codes[rows], self.texts)

    def __len__(self) -> int:
        return len(self.codes)

    def tolist(self) -> list:
        cells = self.texts[self.codes] if len(self.texts) else np.full(len(self.codes), None, dtype=object)
        if (self.codes < 0).any():
            cells[self.codes < 0] = None
        return cells.tolist()


def _objects(values: list) -> np.ndarray:
    """An object array of ``values`` (tuples stay single cells)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(frozen=True)
class PracticeDetails:
    """Per practice code (catalogue position): the fields an answer shows."""

    ids: np.ndarray
    names: np.ndarray
    families: np.ndarray
    cobenefits: dict[str, np.ndarray]
    cost_class: np.ndarray
    cost_min: np.ndarray
    cost_max: np.ndarray
    caveats: np.ndarray
    origins: np.ndarray
    origin_reasons: np.ndarray

    def text(self, field: str, code: np.ndarray) -> TextColumn:
        """The answer's text ``field`` (``practice_id``, ``name``, ``family``,
        ``cost_class``, ``caveats``, ``carbon_origin``, ``carbon_origin_reason``)
        of the practices ``code``."""
        per_code, categories = _coded(field)
        return TextColumn(per_code[code], categories)


#: A column of an answer table: numbers or flags as an array, text as a TextColumn.
Column = np.ndarray | TextColumn


@lru_cache(maxsize=1)
def practice_details() -> PracticeDetails:
    practices = list(load_knowledge_base().practices.values())
    return PracticeDetails(
        ids=_objects([p.id for p in practices]),
        names=_objects([p.name for p in practices]),
        families=_objects([p.family for p in practices]),
        cobenefits={name: np.array([p.cobenefits[name] for p in practices]) for name in COBENEFITS},
        cost_class=_objects([p.cost.cost_class for p in practices]),
        cost_min=np.array([p.cost.usd_ha_min for p in practices], dtype=float),
        cost_max=np.array([p.cost.usd_ha_max for p in practices], dtype=float),
        caveats=_objects([tuple(p.caveats) for p in practices]),
        origins=_objects([p.origin.kind for p in practices]),
        origin_reasons=_objects([p.origin.reason for p in practices]),
    )


_TEXT_FIELDS = {"practice_id": "ids", "name": "names", "family": "families", "cost_class": "cost_class",
                "caveats": "caveats", "carbon_origin": "origins", "carbon_origin_reason": "origin_reasons"}


@lru_cache(maxsize=len(_TEXT_FIELDS))
def _coded(field: str) -> tuple[np.ndarray, np.ndarray]:
    """Each practice's position among the distinct values of ``field``, and those values."""
    column = TextColumn.factorized(getattr(practice_details(), _TEXT_FIELDS[field]))
    return column.codes, column.texts


@lru_cache(maxsize=1)
def static_fields() -> list[dict]:
    """The nested fields of a recommendation that depend on the practice alone, by code."""
    details = practice_details()
    return [{"cobenefits": {name: int(details.cobenefits[name][c]) for name in COBENEFITS},
             "cost": {"class": details.cost_class[c], "usd_ha_min": float(details.cost_min[c]),
                      "usd_ha_max": float(details.cost_max[c])},
             "caveats": list(details.caveats[c])} for c in range(len(details.ids))]


@dataclass(frozen=True)
class Farms:
    """The farms of a table: ``keys[context]`` is each farm's context, ``stock``
    its stock (t C/ha, measured where ``measured``, else Tier 1), ``capacity``
    its soil's ceiling (t C/ha) and ``headroom`` the largest yearly gain that
    stays within it (t C/ha/yr over the transition); ``climate`` the monthly
    climate RothC takes for every farm of the table (a single farm's own),
    or None for each zone's representative one."""

    keys: list[ContextKey]
    context: np.ndarray
    stock: np.ndarray
    measured: np.ndarray
    capacity: np.ndarray
    headroom: np.ndarray
    climate: MonthlyClimate | None = None


@dataclass(frozen=True)
class SetClimate:
    """Per set of practices adopted together: its extra emissions (n x 2: N2O,
    CH4, t CO2e/ha/yr) and the share of its gain taken from the air."""

    emissions: np.ndarray
    removal: np.ndarray
