"""Why a practice is expected to gain what it gains: a sentence per driver."""

from functools import lru_cache

from recommender.inputs.farm import ContextKey
from recommender.science.state import apply_practices
from recommender.science.tier1 import Tier1Engine


@lru_cache(maxsize=65536)
def tier1_drivers(engine: Tier1Engine, key: ContextKey, practice_id: str) -> str:
    """The Tier 1 factor changes and published rate behind a practice's gain."""
    practice = engine.kb.practices[practice_id]
    region = engine.region[key.climate_zone]
    current = engine.current_state(key)
    parts = []
    if practice.sets:
        new = apply_practices(current, [practice])
        # A land-use change moves the field to the other system's table
        # (cropland <-> grassland): each level is read from its own table.
        for (system, factor, before), (new_system, _, after) in zip(current.factor_keys(), new.factor_keys()):
            if before != after:
                # The engine's arrays hold the tables' central values; indexing the
                # table itself costs ~0.15 ms, a lot for batch scoring.
                f_before, f_after = (
                    engine.draws.factor_central[engine.draws.factor_index[(table, factor, level, region)]]
                    for table, level in ((system, before), (new_system, after))
                )
                tables = system if system == new_system else f"{system} -> {new_system}"
                parts.append(
                    f"IPCC Tier 1 {factor} {before} -> {after} ({f_before:.2f} -> {f_after:.2f}, "
                    f"{region.replace('_', ' ')}, {tables} table)"
                )
        if new.land_use != current.land_use and not parts:
            parts.append(f"land use {current.land_use} -> {new.land_use}")
    if practice.rate is not None:
        depth = f" over 0-{practice.rate.depth_cm:g} cm" if practice.rate.depth_cm else ""
        parts.append(
            f"published rate {practice.rate.mean:.2f} t C/ha/yr ({practice.rate.low:.2f}-"
            f"{practice.rate.high:.2f}){depth}, source {practice.rate.source}"
        )
    return "; ".join(parts)


def rationale(drivers: str, expected: float, tier1: float) -> str:
    """The drivers plus what the trained model changed relative to Tier 1."""
    correction = expected - tier1
    return (
        f"{drivers}. Tier 1 prior {tier1:.3f} t C/ha/yr; trained model "
        f"{'+' if correction >= 0 else ''}{correction:.3f} -> {expected:.3f} t C/ha/yr"
    )
