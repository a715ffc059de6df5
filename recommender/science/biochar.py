"""Biochar by the IPCC 2019 Refinement's Appendix 4 method (Vol. 4 Ch. 2).

Biochar carbon is not a change of the soil's equilibrium: it is the char
itself, of which a share persists. For a declared yearly application::

    carbon added = application x F_C x F_perm        [t C/ha/yr]

with F_C the organic carbon content of the char (by feedstock and process)
and F_perm the share left after 100 years, from the production temperature
(the corrigendum's regression F_perm = 0.001 T + 0.251). The declared
application and its process are the engine's defaults
(``recommender/data/biochar.csv``), labelled as such in every answer.
"""

from recommender.knowledge import KnowledgeBase

#: The uncertain figures of the product, by their row in ``biochar.csv``.
FACTORS = ("application_t_dm_ha_yr", "organic_carbon_fraction", "permanence")


def biochar_figures(kb: KnowledgeBase) -> dict[str, tuple[float, float]]:
    """Each factor of the product: its value and 95 % error (+/- %)."""
    table = kb.biochar
    permanence = (table.at["permanence_intercept", "value"]
                  + table.at["permanence_slope_per_c", "value"] * table.at["production_temperature_c", "value"])
    return {
        "application_t_dm_ha_yr": (table.at["application_t_dm_ha_yr", "value"],
                                   table.at["application_t_dm_ha_yr", "error_pct"]),
        "organic_carbon_fraction": (table.at["organic_carbon_fraction", "value"],
                                    table.at["organic_carbon_fraction", "error_pct"]),
        "permanence": (float(permanence), table.at["permanence_error_pct", "value"]),
    }


def biochar_rate(kb: KnowledgeBase) -> float:
    """Biochar carbon added per year, t C/ha/yr (central)."""
    rate = 1.0
    for value, _ in biochar_figures(kb).values():
        rate *= value
    return float(rate)
