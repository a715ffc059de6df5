"""Ranked, explained recommendations for farms: the answer the API and CLI give."""

from dataclasses import dataclass
from typing import Sequence

from recommender.inputs.farm import FarmContext
from recommender.recommend.explain import rationale, tier1_drivers
from recommender.model.registry import LoadedModel
from recommender.recommend.ranking import best_bundles, contexts_frame, rank, score_candidates
from recommender.science.tier1 import ContextKey, Tier1Engine


#: Accepted ranges of the options (inclusive), shared by the API and the CLI.
TOP_K_RANGE = (1, 30)
BUNDLE_SIZE_RANGE = (0, 6)
HORIZON_YEARS_RANGE = (1.0, 100.0)


@dataclass(frozen=True)
class Options:
    """How to rank: ``objective`` (see ``recommender.ranking``), how many
    practices to return, the bundle size (0 for none) and the horizon (years)."""

    objective: str = "carbon"
    top_k: int = 5
    bundle_size: int = 3
    horizon_years: float = 20.0


def _gain_fields(expected: float, p10: float, p90: float, target: float, co2_per_c: float) -> dict:
    return {
        "expected_gain_t_c_ha_yr": round(float(expected), 6),
        "interval_t_c_ha_yr": [round(float(p10), 6), round(float(p90), 6)],
        "expected_gain_t_co2e_ha_yr": round(float(expected) * co2_per_c, 6),
        "share_of_4p1000_target": round(float(expected) / target, 6),
        "meets_4p1000": bool(expected >= target),
    }


def recommendation_record(engine: Tier1Engine, key: ContextKey, practice_id: str, rank: int,
                          gain: tuple[float, float, float], tier1_gain: float, target: float,
                          horizon_years: float) -> dict:
    """One ranked practice of an answer; ``gain`` is (expected, p10, p90), t C/ha/yr."""
    practice = engine.kb.practices[practice_id]
    expected, p10, p90 = gain
    return {
        "rank": int(rank),
        "practice_id": practice_id,
        "name": practice.name,
        "family": practice.family.value,
        **_gain_fields(expected, p10, p90, target, engine.co2_per_c),
        "gain_over_horizon_t_c_ha": round(
            float(expected) * min(horizon_years, practice.years_to_saturation), 6
        ),
        "years_to_saturation": practice.years_to_saturation,
        "cobenefits": dict(practice.cobenefits),
        "cost": {
            "class": practice.cost.cost_class,
            "usd_ha_min": practice.cost.usd_ha_min,
            "usd_ha_max": practice.cost.usd_ha_max,
        },
        "rationale": rationale(tier1_drivers(engine, key, practice_id), expected, tier1_gain),
        "caveats": list(practice.caveats),
    }


def answer_record(farm_id: str | None, measured: bool, key: ContextKey, stock: float, target: float,
                  recommendations: list[dict], bundle: tuple | None, loaded: LoadedModel,
                  engine: Tier1Engine) -> dict:
    """One farm's answer; ``bundle`` is (practice ids, expected, p10, p90) or None."""
    if bundle is not None:
        ids, expected, p10, p90 = bundle
        bundle = {"practice_ids": list(ids), **_gain_fields(expected, p10, p90, target, engine.co2_per_c)}
    return {
        "farm_id": farm_id,
        "baseline": {
            "soc_t_ha": round(float(stock), 6),
            "soc_source": "measured" if measured else "ipcc_tier1",
            "soil_class": key.soil_class,
            "target_4p1000_t_c_ha_yr": round(float(target), 6),
        },
        "recommendations": recommendations,
        "bundle": bundle,
        "model": {"version": loaded.version, "trained_at": loaded.manifest["created"]},
    }


def recommend(
    contexts: Sequence[FarmContext], loaded: LoadedModel, engine: Tier1Engine, options: Options = Options()
) -> list[dict]:
    """One JSON-ready answer per farm, in input order.

    Each answer has ``farm_id``, ``baseline`` (stock and 4 per 1000 target),
    ``recommendations`` (ranked), ``bundle`` and ``model``. All farms are
    scored in one vectorised call; ``recommender.single`` answers one farm at
    a time faster, with the same result.
    """
    frame = contexts_frame(contexts)
    ranked = rank(score_candidates(frame, loaded.model, engine), options.objective)
    bundles = (
        best_bundles(ranked, frame, engine, options.bundle_size).set_index("row")
        if options.bundle_size > 0 else None
    )
    top = ranked[ranked["rank"] <= options.top_k]
    answers = []
    for row, context in enumerate(contexts):
        key = ContextKey.of(context)
        stock = context.soc_t_ha if context.soc_t_ha is not None else engine.tier1_stock(key)[0]
        target = engine.target_fraction * stock
        recommendations = [
            recommendation_record(engine, key, item.practice_id, item.rank,
                                  (item.expected, item.p10, item.p90), item.tier1_gain_t_c_ha_yr,
                                  target, options.horizon_years)
            for item in top[top["row"] == row].itertuples(index=False)
        ]
        bundle = None
        if bundles is not None and row in bundles.index:
            b = bundles.loc[row]
            bundle = (b["practice_ids"], b["expected"], b["p10"], b["p90"])
        answers.append(answer_record(context.farm_id, context.soc_t_ha is not None, key, stock, target,
                                     recommendations, bundle, loaded, engine))
    return answers
