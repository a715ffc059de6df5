"""The extra greenhouse-gas emissions a practice causes on the field.

* **N2O** from the nitrogen a practice adds (``practice_inputs.csv``: crop
  residues of a cover crop or a legume, manure, compost), IPCC 2019 Vol. 4
  Ch. 11 Tier 1: direct emissions ``N x EF1`` (by climate: wet or dry; flooded
  rice apart), indirect ones from volatilised organic N ``N x Frac_GASM x EF4``
  (organic amendments only) and from leached N ``N x Frac_LEACH x EF5`` (wet
  climates only); N2O-N to N2O by 44/28.
* **CH4** on a paddy from organic amendments, IPCC 2019 Vol. 4 Ch. 5
  (Eq. 5.3): the baseline daily emission of a flooded field scaled by
  ``SFo = (1 + sum ROA_i x CFOA_i) ** 0.59`` over the season; a practice emits
  the difference its amendment makes to SFo, on top of those the field
  already receives.

Both in t CO2e/ha/yr with the GWP100 of IPCC AR6 (WG1 Ch. 7 Table 7.15; rice
methane is non-fossil). Factors and sources: ``emission_factors.csv``.
Fields are "wet" where the IPCC climate zone is moist or wet (tropical
montane included) and "dry" where it is dry, as IPCC's EF1 table reads.
"""

from collections.abc import Iterable

from recommender.knowledge import KnowledgeBase

KG_PER_T = 1000.0


def is_wet(kb: KnowledgeBase, climate_zone: str) -> bool:
    return kb.climate_zones.at[climate_zone, "moisture"] != "dry"


def n2o_t_co2e(kb: KnowledgeBase, practice_ids: Iterable[str], climate_zone: str, paddy: bool) -> float:
    """N2O of the nitrogen ``practice_ids`` add, t CO2e/ha/yr."""
    factors = kb.emission_factors["value"]
    wet = is_wet(kb, climate_zone)
    ef1 = factors["ef1_flooded_rice"] if paddy else factors["ef1_organic_wet" if wet else "ef1_dry"]
    ef4 = factors["ef4_wet" if wet else "ef4_dry"]
    leached = factors["frac_leach_wet"] * factors["ef5_leaching"] if wet else 0.0
    n2o_n = 0.0
    for pid in practice_ids:
        if pid not in kb.practice_inputs.index:
            continue
        row = kb.practice_inputs.loc[pid]
        volatilised = factors["frac_gas_organic"] * ef4 if row["nitrogen_kind"] == "organic" else 0.0
        n2o_n += row["nitrogen_kg_ha_yr"] * (ef1 + volatilised + leached)
    return float(n2o_n * factors["n2o_per_n2o_n"] * factors["gwp100_n2o"] / KG_PER_T)


def rice_scaling(kb: KnowledgeBase, practice_ids: Iterable[str]) -> float:
    """IPCC's SFo of a paddy receiving the organic amendments of ``practice_ids``."""
    factors = kb.emission_factors["value"]
    added = 0.0
    for pid in practice_ids:
        if pid in kb.practice_inputs.index:
            row = kb.practice_inputs.loc[pid]
            if row["rice_amendment"]:
                added += row["rice_amendment_t_ha"] * factors[f"cfoa_{row['rice_amendment']}"]
    return float((1.0 + added) ** factors["rice_sfo_exponent"])


def ch4_t_co2e(kb: KnowledgeBase, new: Iterable[str], current: Iterable[str]) -> float:
    """The extra paddy CH4 of adding amendments ``new`` to the ``current`` ones, t CO2e/ha/yr."""
    factors = kb.emission_factors["value"]
    current = list(current)
    extra = rice_scaling(kb, [*current, *new]) - rice_scaling(kb, current)
    season = factors["rice_ch4_baseline_kg_ha_day"] * factors["rice_cultivation_days"]
    return float(season * extra * factors["gwp100_ch4_non_fossil"] / KG_PER_T)
