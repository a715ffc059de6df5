"""A plain-Python oracle of the ranking kernel: one farm at a time, loops only."""

from recommender.knowledge import load_knowledge_base


def score(objective: str, expected: float, p10: float, practice_id: str, farm_best: float) -> float:
    practice = load_knowledge_base().practices[practice_id]
    middle_cost = (practice.cost.usd_ha_min + practice.cost.usd_ha_max) / 2
    if objective == "carbon":
        return expected
    if objective == "robust":
        return p10
    if objective == "cost":
        return expected / max(middle_cost, 1.0)
    return 0.5 * expected / max(farm_best, 1e-9) + 0.5 * sum(practice.cobenefits.values()) / 12


def ranked(objective: str, rows: list[dict]) -> list[dict]:
    """``rows`` (practice_id, expected, p10) best first; ties by practice id."""
    best = max((r["expected"] for r in rows), default=0.0)
    return sorted(rows, key=lambda r: (-score(objective, r["expected"], r["p10"], r["practice_id"], best),
                                       r["practice_id"]))


def excludes(first: str, later: str) -> bool:
    """Whether ``later`` may not join a bundle holding ``first``."""
    practices = load_knowledge_base().practices
    a, b = practices[first], practices[later]
    if later in a.conflicts_with:
        return True
    if b.rate is not None or not b.sets or a is b:
        return False
    order = {"input": ("low", "medium", "high_without_manure", "high_with_manure"),
             "grassland_input": ("medium", "high"),
             "grassland_management": ("severely_degraded", "moderately_degraded", "nominally_managed", "improved")}
    for dimension, level in b.sets.items():
        reached = a.sets.get(dimension)
        if reached is None:
            return False
        below = dimension not in order or order[dimension].index(reached) < order[dimension].index(level)
        if reached != level and below:
            return False
    return True


def bundle(ranked_rows: list[dict], size: int) -> list[str]:
    """Greedy in rank order: positive gains, no exclusion by a member already chosen."""
    chosen: list[str] = []
    for row in ranked_rows:
        if len(chosen) == size:
            break
        if row["expected"] > 0 and not any(excludes(c, row["practice_id"]) for c in chosen):
            chosen.append(row["practice_id"])
    return chosen
