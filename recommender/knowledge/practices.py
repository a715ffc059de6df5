"""The practice catalogue: what each practice is, where it applies, what it does."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from recommender.knowledge._tables import KnowledgeBaseError, read_yaml
from recommender.knowledge.factors import LEVELS
from recommender.vocabulary import ClimateZone, Degradation, Family, LandUse

NAME = "practices.yaml"

#: IPCC state dimensions a practice may set, and their allowed levels.
STATE_LEVELS: Mapping[str, list[str]] = MappingProxyType(
    {
        "land_use": LEVELS[("cropland", "F_LU")] + LEVELS[("grassland", "F_LU")],
        "tillage": LEVELS[("cropland", "F_MG")],
        "input": LEVELS[("cropland", "F_I")],
        "grassland_management": LEVELS[("grassland", "F_MG")],
        "grassland_input": LEVELS[("grassland", "F_I")],
    }
)
COBENEFITS = ("erosion_resistance", "water_retention", "fertility", "biodiversity")
#: Co-benefit scores run from 0 (none) to this (strong), per service.
COBENEFIT_MAX = 3
COST_CLASSES = ("low", "medium", "high")


@dataclass(frozen=True)
class Rate:
    """A published SOC accrual rate, t C/ha/yr, with its 95 % interval."""

    mean: float
    low: float
    high: float
    source: str
    interval: str = ""
    depth_cm: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Cost:
    """Indicative cost class and range, USD/ha."""

    cost_class: str
    usd_ha_min: float
    usd_ha_max: float
    basis: str
    source: str


@dataclass(frozen=True)
class Practice:
    """One practice of the catalogue (see ``recommender/data/practices.yaml``)."""

    id: str
    name: str
    family: Family
    description: str
    land_uses: frozenset[LandUse]
    climate_zones: frozenset[ClimateZone]
    degradation: frozenset[Degradation]
    conflicts_with: frozenset[str]
    sets: Mapping[str, str]
    rate: Rate | None
    cobenefits: Mapping[str, int]
    cobenefits_source: str
    cost: Cost
    years_to_saturation: float
    saturation_source: str
    caveats: tuple[str, ...]
    sources: tuple[str, ...]


def _members(enum, values, where: str) -> frozenset:
    if values == "all":
        return frozenset(enum)
    try:
        return frozenset(enum(value) for value in values)
    except (TypeError, ValueError) as error:
        allowed = ", ".join(member.value for member in enum)
        raise KnowledgeBaseError(f"{NAME}: {where}: {error}; allowed: all, {allowed}.") from error


def _practice(raw: dict) -> Practice:
    where = f"practice '{raw.get('id', '?')}'"
    try:
        effect = raw.get("effect") or {}
        sets = dict(effect.get("sets") or {})
        for dimension, level in sets.items():
            if dimension not in STATE_LEVELS or level not in STATE_LEVELS[dimension]:
                raise KnowledgeBaseError(
                    f"{NAME}: {where}: effect.sets {dimension}={level} is not an IPCC state; "
                    f"allowed: {dict(STATE_LEVELS)}."
                )
        rate = Rate(**effect["rate"]) if effect.get("rate") else None
        if rate is not None and not rate.low <= rate.mean <= rate.high:
            raise KnowledgeBaseError(f"{NAME}: {where}: rate needs low <= mean <= high.")
        if not sets and rate is None:
            raise KnowledgeBaseError(f"{NAME}: {where}: effect needs 'sets' or 'rate'.")
        cost = dict(raw["cost"])
        cobenefits = dict(raw["cobenefits"])
        if set(cobenefits) != set(COBENEFITS) or not all(
            isinstance(v, int) and 0 <= v <= COBENEFIT_MAX for v in cobenefits.values()
        ):
            raise KnowledgeBaseError(
                f"{NAME}: {where}: cobenefits needs integers 0..{COBENEFIT_MAX} for {', '.join(COBENEFITS)}."
            )
        if cost["class"] not in COST_CLASSES or cost["usd_ha_min"] > cost["usd_ha_max"]:
            raise KnowledgeBaseError(
                f"{NAME}: {where}: cost needs class in {COST_CLASSES} and usd_ha_min <= usd_ha_max."
            )
        return Practice(
            id=str(raw["id"]),
            name=str(raw["name"]),
            family=next(iter(_members(Family, [raw["family"]], f"{where} family"))),
            description=str(raw["description"]),
            land_uses=_members(LandUse, raw["land_uses"], f"{where} land_uses"),
            climate_zones=_members(ClimateZone, raw["climate_zones"], f"{where} climate_zones"),
            degradation=_members(Degradation, raw["degradation"], f"{where} degradation"),
            conflicts_with=frozenset(raw.get("conflicts_with") or ()),
            sets=MappingProxyType(sets),
            rate=rate,
            cobenefits=MappingProxyType(cobenefits),
            cobenefits_source=str(raw["cobenefits_source"]),
            cost=Cost(
                cost_class=cost["class"],
                usd_ha_min=float(cost["usd_ha_min"]),
                usd_ha_max=float(cost["usd_ha_max"]),
                basis=str(cost.get("basis", "")),
                source=str(cost["source"]),
            ),
            years_to_saturation=float(raw["years_to_saturation"]),
            saturation_source=str(raw["saturation_source"]),
            caveats=tuple(raw.get("caveats") or ()),
            sources=tuple(raw["sources"]),
        )
    except KeyError as error:
        raise KnowledgeBaseError(f"{NAME}: {where}: missing key {error}.") from error
    except TypeError as error:
        raise KnowledgeBaseError(f"{NAME}: {where}: malformed entry: {error}.") from error


def load_practices(sources: Mapping[str, Any]) -> dict[str, Practice]:
    """The catalogue as ``id -> Practice``, checked for integrity.

    Checks: unique ids; every source key resolves in ``sources``; conflicts
    name known practices and are symmetric; two practices that change the land
    use conflict (a field has one land use).
    """
    document = read_yaml(NAME)
    if not isinstance(document, dict) or not isinstance(document.get("practices"), list):
        raise KnowledgeBaseError(f"{NAME}: needs a top-level 'practices:' list.")
    catalogue: dict[str, Practice] = {}
    for raw in document["practices"]:
        practice = _practice(raw)
        if practice.id in catalogue:
            raise KnowledgeBaseError(f"{NAME}: duplicate practice id '{practice.id}'.")
        catalogue[practice.id] = practice
    for practice in catalogue.values():
        keys = set(practice.sources) | {practice.saturation_source}
        if practice.rate is not None:
            keys.add(practice.rate.source)
        unresolved = sorted(keys - set(sources))
        if unresolved:
            raise KnowledgeBaseError(
                f"{NAME}: practice '{practice.id}' cites unknown source(s) {unresolved}."
            )
        for other in practice.conflicts_with:
            if other not in catalogue:
                raise KnowledgeBaseError(
                    f"{NAME}: practice '{practice.id}' conflicts with unknown practice '{other}'."
                )
            if practice.id not in catalogue[other].conflicts_with:
                raise KnowledgeBaseError(
                    f"{NAME}: '{practice.id}' conflicts with '{other}' but not the reverse; "
                    "list the conflict on both practices."
                )
    changes_land_use = [p for p in catalogue.values() if "land_use" in p.sets]
    for i, first in enumerate(changes_land_use):
        for second in changes_land_use[i + 1 :]:
            if second.id not in first.conflicts_with:
                raise KnowledgeBaseError(
                    f"{NAME}: '{first.id}' and '{second.id}' both change the land use; "
                    "they must conflict."
                )
    return catalogue


def practice_set_problems(
    catalogue: Mapping[str, Practice],
    ids: list[str],
    land_use: str | None,
    unknown_hint: str = "",
    together: str = "cannot be adopted together",
) -> list[str]:
    """What is wrong with adopting ``ids`` together on a field of ``land_use``.

    Unknown ids (with the allowed ones), pairs that conflict, and practices
    that do not apply to the land use; an empty list when nothing is wrong.
    ``together`` says what the ids are (e.g. "cannot both be current practices").
    One wording for every entry point (farm context, observations, batch).
    """
    problems = []
    unknown = [pid for pid in ids if pid not in catalogue]
    if unknown:
        problems.append(
            f"unknown practice id(s) {unknown}; allowed: {', '.join(sorted(catalogue))}{unknown_hint}"
        )
    known = list(dict.fromkeys(pid for pid in ids if pid in catalogue))
    for i, first in enumerate(known):
        for second in known[i + 1 :]:
            if second in catalogue[first].conflicts_with:
                problems.append(
                    f"'{first}' and '{second}' conflict and {together} "
                    "(a field cannot be under both); keep one"
                )
    if land_use is not None:
        misplaced = [pid for pid in known if land_use not in catalogue[pid].land_uses]
        if misplaced:
            uses = {pid: sorted(u.value for u in catalogue[pid].land_uses) for pid in misplaced}
            problems.append(
                f"practice(s) {misplaced} do not apply to land_use '{land_use}' (they apply to {uses})"
            )
    return problems
