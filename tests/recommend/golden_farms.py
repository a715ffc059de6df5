"""The 300 farms (with their ranking options) of the golden-answer test.

Deterministic and spread over the whole vocabulary: every land use, climate
zone, objective and bundle size, with and without measured stocks, stated
soil classes and current practices.

``python tests/recommend/golden_farms.py --write`` answers them with today's
code and the tests' small model and rewrites ``golden_answers.json``: do it
only for a deliberate change of the answers, in a commit that says why.
"""

import random

from pydantic import ValidationError

GOLDEN_FARMS = 300
OBJECTIVES = ("carbon", "robust", "cost", "balanced")
ZONES = ("tropical_montane", "tropical_wet", "tropical_moist", "tropical_dry", "warm_temperate_moist",
         "warm_temperate_dry", "cool_temperate_moist", "cool_temperate_dry", "boreal_moist", "boreal_dry",
         "polar_moist", "polar_dry")
TEXTURES = ("sand", "loamy_sand", "sandy_loam", "loam", "silt_loam", "silt", "sandy_clay_loam", "clay_loam",
            "silty_clay_loam", "sandy_clay", "silty_clay", "clay")
LAND_USES = ("cropland", "perennial_cropland", "paddy_rice", "grassland")
DEGRADATION = ("none", "moderate", "severe")
SOIL_CLASSES = ("HAC", "LAC", "sandy", "spodic", "volcanic", "wetland")


def golden_cases(practices_by_land_use: dict[str, list[str]], is_valid) -> list[tuple[dict, dict]]:
    """``(farm, options)`` pairs; ``is_valid(farm)`` tells a farm the engine accepts.

    ``practices_by_land_use`` lists the catalogue ids that apply to each land use.
    """
    rng = random.Random(2026)
    cases: list[tuple[dict, dict]] = []
    attempt = 0
    while len(cases) < GOLDEN_FARMS:
        attempt += 1
        n = len(cases)
        land_use = LAND_USES[n % len(LAND_USES)]
        farm = {
            "farm_id": f"golden-{n:03d}",
            "climate_zone": ZONES[(n // len(LAND_USES) + attempt) % len(ZONES)],
            "soil_texture": rng.choice(TEXTURES),
            "land_use": land_use,
            "degradation": rng.choice(DEGRADATION),
            "current_practices": rng.sample(practices_by_land_use[land_use],
                                            rng.choice((0, 0, 1, 1, 2))),
        }
        if rng.random() < 0.15:
            farm["soil_class"] = rng.choice(SOIL_CLASSES)
        if rng.random() < 0.2:
            farm["clay_pct"] = round(rng.uniform(1, 60), 1)
        if rng.random() < 0.5:
            farm["soc_t_ha"] = round(rng.lognormvariate(3.8, 0.5), 3)
        if rng.random() < 0.3:
            farm["area_ha"] = round(rng.uniform(0.5, 200), 2)
        options = {
            "objective": OBJECTIVES[n % len(OBJECTIVES)],
            "top_k": rng.choice((1, 3, 5, 5, 10, 30)),
            "bundle_size": n % 7,
            "horizon_years": rng.choice((1.0, 5.0, 20.0, 20.0, 35.0, 100.0)),
        }
        try:
            if is_valid(farm):
                cases.append((farm, options))
        except ValidationError:
            continue
    return cases


def answers() -> list[dict]:
    """The golden cases answered by today's code through the service's path."""
    import tempfile

    from small_model import small_model

    from recommender.inputs.farm import FarmContext
    from recommender.knowledge import load_knowledge_base
    from recommender.model.candidates import CandidateSource
    from recommender.model.reference_set import reference_probe
    from recommender.model.registry import ModelRegistry
    from recommender.recommend.options import Options
    from recommender.recommend.service import ServedModel
    from recommender.science.tier1 import Tier1Engine

    engine = Tier1Engine()
    practices = load_knowledge_base().practices.values()
    by_use = {u: [p.id for p in practices if u in {x.value for x in p.land_uses}] for u in LAND_USES}
    registry = ModelRegistry(tempfile.mkdtemp())
    registry.promote(registry.save(small_model(engine), data_fingerprint="tests", metrics={}))
    served = ServedModel.load(registry.load(), engine, reference_probe(CandidateSource(engine)))
    out = []
    for farm, options in golden_cases(by_use, lambda f: FarmContext.model_validate(f) is not None):
        answer = served.recommend(FarmContext.model_validate(farm), Options(**options))
        out.append({"farm": farm, "options": options,
                    "answer": answer.model_dump(mode="json", by_alias=True, exclude={"model"})})
    return out


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1]))
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/recommend/golden_farms.py --write")
    target = Path(__file__).with_name("golden_answers.json")
    target.write_text(json.dumps(answers(), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {target}")
