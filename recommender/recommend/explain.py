"""Why a practice is expected to gain what it gains: a sentence per driver."""

from functools import lru_cache

from recommender.inputs.farm import ContextKey
from recommender.science.biochar import biochar_figures
from recommender.science.state import apply_practices
from recommender.science.tier1 import Tier1Engine


@lru_cache(maxsize=65536)
def tier1_drivers(engine: Tier1Engine, key: ContextKey, practice_id: str) -> str:
    """The factor changes (IPCC tables, relative effects), the biochar method
    and the carbon's origin behind a practice's gain."""
    practice = engine.kb.practices[practice_id]
    region = engine.region[key.climate_zone]
    current = engine.current_state(key)
    new = apply_practices(current, [practice])
    parts = []
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
            step = f", one {practice.input_step} step of the input level" if factor == "F_I" and \
                practice.input_step else ""
            parts.append(f"IPCC Tier 1 {factor} {before} -> {after} ({f_before:.2f} -> {f_after:.2f}, "
                         f"{region.replace('_', ' ')}, {tables} table{step})")
    if new.land_use != current.land_use and not parts:
        parts.append(f"land use {current.land_use} -> {new.land_use}")
    if practice.effect and practice.effect not in current.effects:
        row = engine.kb.relative_effects.loc[practice.effect]
        parts.append(f"equilibrium stock x {row['value']:.4g} (+/- {row['error_pct']:g} %, "
                     f"{row['source'].split(' (')[0].split(', doi')[0]})")
    if practice.biochar:
        parts.append(_biochar_method(engine))
    origin = practice.origin
    if origin.kind != "removal":
        parts.append(f"carbon origin {origin.kind}: {origin.reason}; carbon brought from elsewhere is a gain for "
                     f"this field, not a removal from the air (leakage): net climate counts "
                     f"{100 * origin.removal_share:.0f} % of the gain as a removal")
    return "; ".join(parts)


#: What the trained model did to the accounting prior, by the sign of its correction.
CORRECTIONS = ("lowers", "keeps", "raises")


@lru_cache(maxsize=8)
def _biochar_method(engine: Tier1Engine) -> str:
    (application, _), (carbon, _), (permanence, _) = biochar_figures(engine.kb).values()
    return (f"IPCC 2019 Appendix 4 biochar: declared {application:g} t/ha/yr x carbon {carbon:.2f} x "
            f"permanence {permanence:.2f} = {application * carbon * permanence:.2f} t C/ha/yr")


def rationale(drivers: str, correction: str, capacity: float | None = None, disagree: bool = False) -> str:
    """The drivers plus what the trained model did (``correction``, one of
    :data:`CORRECTIONS`), the capacity cap where it binds and whether the
    methods disagree by more than a factor of two (``disagree``).

    The figures themselves are fields of the answer
    (``accounting_prior_t_c_ha_yr``, ``expected_gain_t_c_ha_yr``): the text is
    the same for every field of a context, written once however many farms
    share it.
    """
    text = f"{drivers}. The trained model {correction} the accounting prior (accounting_prior_t_c_ha_yr)"
    if capacity is not None:
        text += f"; capped so the stock stays within the soil's capacity of {capacity:.0f} t C/ha"
    if disagree:
        text += ("; the methods (trained model, IPCC Tier 1, RothC) disagree by more than a factor of two over "
                 "the horizon (structural_range_t_c_ha_yr): treat the gain as uncertain in kind, not only in size")
    return text
