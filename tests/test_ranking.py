"""Ranking and bundles: vectorised over farms, same answer as one farm at a time."""

import itertools

import numpy as np
import pytest

from recommender.knowledge.catalogue import practice_table
from recommender.inputs.farm import FarmContext
from recommender.recommend.ranking import best_bundles, contexts_frame, rank, score_candidates

FARMS = [
    FarmContext(climate_zone="warm_temperate_moist", soil_texture="silt_loam", land_use="cropland",
                current_practices=["reduced_tillage"]),
    FarmContext(climate_zone="tropical_dry", soil_texture="sand", land_use="grassland", degradation="severe"),
    FarmContext(climate_zone="cool_temperate_dry", soil_texture="clay", land_use="cropland",
                degradation="moderate", soc_t_ha=35.0),
    FarmContext(climate_zone="tropical_moist", soil_texture="clay_loam", land_use="paddy_rice"),
    FarmContext(climate_zone="warm_temperate_moist", soil_texture="silt_loam", land_use="cropland",
                current_practices=["reduced_tillage"]),
]


@pytest.fixture(scope="module")
def scored(small_model, engine):
    return score_candidates(contexts_frame(FARMS), small_model.model, engine)


@pytest.mark.parametrize("objective", ["carbon", "robust", "cost", "balanced"])
def test_rank_orders_each_farm(scored, objective):
    ranked = rank(scored, objective, top_k=4)
    for _, farm in ranked.groupby("row"):
        assert list(farm["rank"]) == list(range(1, len(farm) + 1))
        assert (np.diff(farm["score"]) <= 1e-12).all()


def test_unknown_objective_is_refused(scored):
    with pytest.raises(ValueError, match="allowed: carbon, robust, cost, balanced"):
        rank(scored, "speed")


def test_current_and_conflicting_practices_never_recommended(scored, kb):
    ranked = rank(scored)
    first = set(ranked.loc[ranked["row"] == 0, "practice_id"])
    assert "reduced_tillage" not in first and "no_till" not in first


def test_intervals_contain_expected(scored):
    assert (scored["p10"] <= scored["expected"]).all() and (scored["expected"] <= scored["p90"]).all()


def test_bundles_are_compatible_and_bounded(scored, engine, kb):
    frame = contexts_frame(FARMS)
    for size in (1, 2, 3, 5):
        bundles = best_bundles(rank(scored), frame, engine, size)
        for ids in bundles["practice_ids"]:
            assert 1 <= len(ids) <= size
            for a, b in itertools.combinations(ids, 2):
                assert b not in kb.practices[a].conflicts_with
        assert (bundles["p10"] <= bundles["expected"]).all()
        assert (bundles["expected"] <= bundles["p90"]).all()


def test_bundle_starts_with_the_best_practice(scored, engine):
    ranked = rank(scored)
    bundles = best_bundles(ranked, contexts_frame(FARMS), engine, 3).set_index("row")
    for row, farm in ranked[ranked["expected"] > 0].groupby("row"):
        assert bundles.loc[row, "practice_ids"][0] == farm.iloc[0]["practice_id"]


def test_bundle_tier1_gain_matches_engine(scored, engine):
    bundles = best_bundles(rank(scored), contexts_frame(FARMS), engine, 3).set_index("row")
    for row, farm in enumerate(FARMS):
        if row in bundles.index:
            ids = bundles.loc[row, "practice_ids"]
            expected = engine.bundle(farm, ids).gain_t_c_ha_yr
            assert bundles.loc[row, "tier1_gain_t_c_ha_yr"] == pytest.approx(expected)


def test_many_farms_equal_one_at_a_time(scored, small_model, engine):
    together = rank(scored)
    for row, farm in enumerate(FARMS):
        alone = rank(score_candidates(contexts_frame([farm]), small_model.model, engine))
        mine = together[together["row"] == row]
        assert list(alone["practice_id"]) == list(mine["practice_id"])
        np.testing.assert_allclose(alone["expected"], mine["expected"])


def test_conflict_matrix_is_symmetric():
    conflicts = practice_table().attrs["conflicts"]
    assert (conflicts == conflicts.T).all() and not conflicts.diagonal().any()


def test_bundle_skips_practices_that_add_nothing(small_model, engine):
    excludes = practice_table().attrs["bundle_excludes"]
    code = practice_table()["code"]
    # Manure and compost both set IPCC "high input with manure": one is enough.
    assert excludes[code["manure"], code["compost"]] and excludes[code["compost"], code["manure"]]
    # A rate practice always adds its rate.
    assert not excludes[code["manure"], code["cover_crops"]]
    farm = [FarmContext(climate_zone="warm_temperate_moist", soil_texture="loam", land_use="cropland")]
    frame = contexts_frame(farm)
    bundles = best_bundles(rank(score_candidates(frame, small_model.model, engine)), frame, engine, 6)
    [ids] = bundles["practice_ids"]
    assert not {"manure", "compost"} <= set(ids)
