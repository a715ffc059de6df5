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
        "grassland_management": LEVELS[("grassland", "F_MG")],
        "grassland_input": LEVELS[("grassland", "F_I")],
    }
)
COBENEFITS = ("erosion_resistance", "water_retention", "fertility", "biodiversity")
#: Co-benefit scores run from 0 (none) to this (strong), per service.
COBENEFIT_MAX = 3
COST_CLASSES = ("low", "medium", "high")
#: The kinds of cropland input step (``recommender.science.state``).
INPUT_STEPS = ("residue", "amendment")
#: Where the carbon a practice adds comes from, and the share of its gain
#: each kind counts as a removal from the air.
ORIGINS = {"removal": 1.0, "transfer": 0.0, "mixed": None}


@dataclass(frozen=True)
class CarbonOrigin:
    """Whether a practice's carbon is taken from the air on the field
    (``removal``), brought from elsewhere (``transfer``) or both (``mixed``),
    the share of its gain that is a removal, and why."""

    kind: str
    removal_share: float
    reason: str


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
    input_floor: str | None
    input_step: str | None
    effect: str | None
    biochar: bool
    origin: CarbonOrigin
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
        unknown = sorted(set(effect) - {"sets", "input", "relative", "biochar"})
        if unknown:
            raise KnowledgeBaseError(f"{NAME}: {where}: unknown effect key(s) {unknown}; allowed: sets, input, "
                                     "relative, biochar.")
        inputs = dict(effect.get("input") or {})
        floor, step = inputs.pop("floor", None), inputs.pop("step", None)
        if inputs or (floor is not None and floor not in LEVELS[("cropland", "F_I")]) or \
                (step is not None and step not in INPUT_STEPS):
            raise KnowledgeBaseError(f"{NAME}: {where}: effect.input needs floor (one of "
                                     f"{LEVELS[('cropland', 'F_I')]}) or step (one of {INPUT_STEPS}).")
        if not (sets or floor or step or effect.get("relative") or effect.get("biochar")):
            raise KnowledgeBaseError(f"{NAME}: {where}: effect needs sets, input, relative or biochar.")
        origin = _origin(raw["origin"], where)
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
            input_floor=floor,
            input_step=step,
            effect=effect.get("relative"),
            biochar=bool(effect.get("biochar")),
            origin=origin,
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


def _origin(raw: dict, where: str) -> CarbonOrigin:
    kind, share = str(raw.get("kind")), raw.get("removal_share")
    fixed = ORIGINS.get(kind, -1.0)
    if fixed == -1.0 or not isinstance(share, int | float) or not 0 <= share <= 1 or \
            (fixed is not None and share != fixed) or (fixed is None and share in (0, 1)) or not raw.get("reason"):
        raise KnowledgeBaseError(
            f"{NAME}: {where}: origin needs kind (removal: removal_share 1, transfer: 0, mixed: between) "
            "and a reason.")
    return CarbonOrigin(kind, float(share), str(raw["reason"]))


def load_practices(sources: Mapping[str, Any], relative_effects=()) -> dict[str, Practice]:
    """The catalogue as ``id -> Practice``, checked for integrity.

    Checks: unique ids; every source key resolves in ``sources``; relative
    effects name rows of ``relative_effects``; conflicts
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
        if practice.effect is not None and practice.effect not in relative_effects:
            raise KnowledgeBaseError(
                f"{NAME}: practice '{practice.id}' has unknown relative effect '{practice.effect}'; "
                f"allowed: {', '.join(relative_effects)} (relative_effects.csv).")
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
