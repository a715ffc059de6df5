"""The ranking kernel: n farms at once give what a plain loop over each farm gives."""

import itertools
import random

import numpy as np
import pytest
from oracle import bundle as oracle_bundle
from oracle import ranked as oracle_ranked
from pydantic import ValidationError

from recommender.arrays import FEW_ROWS
from recommender.inputs.farm import FarmContext
from recommender.knowledge import load_knowledge_base
from recommender.recommend.answer import ModelStamp
from recommender.recommend.kernel import _distinct_sets
from recommender.recommend.objectives import OBJECTIVES
from recommender.recommend.options import Options
from recommender.recommend.practice_arrays import practice_arrays
from recommender.recommend.recommender import Recommender
from recommender.vocabulary import ClimateZone, Degradation, LandUse, SoilClass, SoilTexture


def random_farms(count: int, seed: int = 0) -> list[FarmContext]:
    """Valid farms over the whole vocabulary, with and without measured stocks."""
    rng = random.Random(seed)
    practices = load_knowledge_base().practices.values()
    farms: list[FarmContext] = []
    while len(farms) < count:
        land_use = rng.choice(list(LandUse))
        usable = [p.id for p in practices if land_use in p.land_uses]
        fields = {"farm_id": f"farm-{len(farms)}", "climate_zone": rng.choice(list(ClimateZone)),
                  "soil_texture": rng.choice(list(SoilTexture)), "land_use": land_use,
                  "degradation": rng.choice(list(Degradation)),
                  "current_practices": rng.sample(usable, rng.randint(0, 2))}
        if rng.random() < 0.2:
            fields["soil_class"] = rng.choice(list(SoilClass))
        if rng.random() < 0.4:
            fields["soc_t_ha"] = rng.uniform(5, 200)
        try:
            farms.append(FarmContext.model_validate(fields))
        except ValidationError:
            continue  # contradictory random practices: not what this test is about
    return farms


@pytest.fixture(scope="module")
def recommender(small_model, engine):
    return Recommender(engine, small_model.model, ModelStamp(version="test", trained_at=""))


def table_of(recommender, farms, options):
    keys = list(dict.fromkeys(f.key for f in farms))
    context = np.array([keys.index(f.key) for f in farms])
    measured = np.array([np.nan if f.soc_t_ha is None else f.soc_t_ha for f in farms])
    return recommender.table(keys, context, measured, options)


def set_ids(sets):
    """Each set's practice ids, in order."""
    return [sets.practice_sets[k] for k in sets.set_index]


@pytest.mark.parametrize("objective", list(OBJECTIVES))
@pytest.mark.parametrize("bundle_size", [0, 1, 3, 6])
def test_equals_a_loop_over_farms(recommender, engine, objective, bundle_size):
    farms = random_farms(150, seed=bundle_size)
    options = Options(objective=objective, top_k=30, bundle_size=bundle_size)
    table = table_of(recommender, farms, options)
    candidates, ranking = table.candidates, table.ranking
    listed = {f: [] for f in range(len(farms))}
    for index, rank in zip(ranking.top, ranking.top_rank):
        listed[candidates.farm[index]].append((rank, index))
    bundles = dict(zip(ranking.bundles.farm.tolist(), set_ids(ranking.bundles)))
    for f, farm in enumerate(farms):
        rows = [{"practice_id": candidates.features.categories["practice_id"][i], "expected": ranking.expected[i],
                 "p10": ranking.p10[i], "emissions": candidates.n2o[i] + candidates.ch4[i]}
                for i in range(candidates.start[f], candidates.start[f + 1])]
        expected_order = [r["practice_id"] for r in oracle_ranked(objective, rows)]
        got = [candidates.features.categories["practice_id"][i] for _, i in sorted(listed[f])]
        assert got == expected_order, farm
        want_bundle = oracle_bundle(oracle_ranked(objective, rows), bundle_size)
        assert list(bundles.get(f, ())) == want_bundle, farm


def test_bundle_gain_is_the_combined_gain_capped_by_its_members_and_the_capacity(recommender, engine):
    farms = random_farms(80, seed=9)
    table = table_of(recommender, farms, Options(bundle_size=3))
    candidates, ranking = table.candidates, table.ranking
    bundles = ranking.bundles
    for i, f in enumerate(bundles.farm):
        members = bundles.member[bundles.start[i]:bundles.start[i + 1]]
        relative, rate = engine.central_change(farms[f].key, set_ids(bundles)[i])
        correction = sum(ranking.expected[m] - candidates.tier1_gain[m] for m in members)
        combined = candidates.farm_stock[f] * relative + rate + correction
        members_sum = sum(ranking.expected[m] for m in members)
        headroom = table.farms.headroom[f]
        assert bundles.expected[i] == pytest.approx(min(combined, members_sum, headroom))
        assert bundles.expected[i] <= members_sum + 1e-12  # never more than the sum of its members
        assert bundles.p10[i] <= bundles.expected[i] <= bundles.p90[i] <= headroom + 1e-12


def test_no_gain_goes_beyond_capacity(recommender):
    farms = random_farms(150, seed=11)
    table = table_of(recommender, farms, Options(bundle_size=6, top_k=30))
    headroom = table.farms.headroom[table.candidates.farm]
    assert (table.ranking.expected <= headroom + 1e-12).all() and (table.ranking.p90 <= headroom + 1e-12).all()
    assert table.ranking.capped.any()  # some farms start near their ceiling


def test_many_farms_equal_one_at_a_time(recommender):
    farms = random_farms(40, seed=3)
    options = Options(objective="balanced", top_k=10, bundle_size=4)
    together = table_of(recommender, farms, options)
    for f, farm in enumerate(farms):
        assert recommender.answer(farm, options) == together.answer(f, farm.farm_id)


def test_bundles_are_compatible(recommender, kb):
    farms = random_farms(100, seed=4)
    for size in (2, 5):
        for ids in set_ids(table_of(recommender, farms, Options(bundle_size=size)).ranking.bundles):
            assert 1 <= len(ids) <= size
            for a, b in itertools.combinations(ids, 2):
                assert b not in kb.practices[a].conflicts_with


def test_conflicts_are_symmetric_and_manure_excludes_compost():
    arrays = practice_arrays()
    code = {pid: i for i, pid in enumerate(arrays.ids)}
    conflicts = arrays.excludes & arrays.excludes.T
    assert not conflicts.diagonal().any()
    # Manure and compost take the same amendment step of the IPCC input level: a bundle takes one.
    assert arrays.excludes[code["manure"], code["compost"]] and arrays.excludes[code["compost"], code["manure"]]
    # Cover crops take the residue step, manure the amendment step: both count.
    assert not arrays.excludes[code["manure"], code["cover_crops"]]


def test_a_farm_without_candidates_gets_an_empty_answer(recommender):
    farm = FarmContext(climate_zone="tropical_dry", soil_texture="sand", land_use="perennial_cropland",
                       current_practices=["mulching", "biochar"], soc_t_ha=20.0)
    answer = recommender.answer(farm, Options())
    assert answer.bundle is None and all(r.practice_id not in farm.current_practices for r in answer.recommendations)


def test_sets_are_found_alike_for_one_farm_and_for_many():
    ids = np.array([f"p{i}" for i in range(8)], dtype=object)
    rng = np.random.default_rng(5)
    sizes = rng.integers(1, 4, FEW_ROWS * 3)
    codes = rng.integers(0, 8, sizes.sum())
    start = np.concatenate([[0], np.cumsum(sizes)])
    sets, index = _distinct_sets(codes, start, ids)  # numpy's path
    assert len(set(sets)) == len(sets)
    want = [tuple(ids[codes[a:b]]) for a, b in zip(start[:-1], start[1:])]
    assert [sets[k] for k in index] == want
    few_sets, few_index = _distinct_sets(codes, start[:6], ids)  # the dict's path
    assert [few_sets[k] for k in few_index] == want[:5]
