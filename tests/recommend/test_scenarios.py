"""Scenarios: sets of practices a user chooses, answered as bundles are."""

import pytest
from test_recommender import FARM

from recommender.inputs.farm import FarmContext
from recommender.recommend.answer import ModelStamp
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender
from recommender.recommend.scenarios import MAX_SCENARIOS, scenarios


@pytest.fixture(scope="module")
def recommender(small_model, engine):
    return Recommender(engine, small_model.model, ModelStamp(version=small_model.version, trained_at="then"))


def test_answers_in_order_and_refuses_in_place(recommender):
    sets = [["cover_crops"], ["no_till"], ["manure", "set_aside"], ["bogus"], ["cover_crops", "legume_rotation"]]
    answer = scenarios(recommender, FARM, sets, Options())
    assert [s.practice_ids for s in answer.scenarios] == sets
    assert [s.status for s in answer.scenarios] == ["ok", "invalid", "invalid", "invalid", "ok"]
    no_till, pair, bogus = answer.scenarios[1:4]
    assert "conflicts with current practice" in no_till.errors[0].problem  # the farm already reduces tillage
    assert "conflict" in pair.errors[0].problem and pair.errors[0].field == "scenarios.2"
    assert "unknown practice" in bogus.errors[0].problem and "cover_crops" in bogus.errors[0].problem
    assert answer.baseline == recommender.answer(FARM, Options()).baseline


def test_one_practice_is_answered_as_its_recommendation(recommender):
    answer = scenarios(recommender, FARM, [["biochar"]], Options(horizon_years=30))
    listed = {r.practice_id: r for r in recommender.answer(FARM, Options(top_k=30, horizon_years=30)).recommendations}
    outcome, biochar = answer.scenarios[0].outcome, listed["biochar"]
    for field in ("expected_gain_t_c_ha_yr", "interval_t_c_ha_yr", "field_range_t_c_ha_yr", "equilibrium_soc_t_ha",
                  "net_climate_t_co2e_ha_yr", "carbon_origin", "trajectories"):
        assert getattr(outcome, field) == getattr(biochar, field), field


def test_cover_crops_and_legume_rotation_share_one_input_step(recommender, engine):
    both, cover, legume = (s.outcome for s in scenarios(
        recommender, FARM, [["cover_crops", "legume_rotation"], ["cover_crops"], ["legume_rotation"]],
        Options()).scenarios)
    # Each raises the input from medium to high: one step, x 1.11 on cropland (IPCC F_I high,
    # temperate moist) over 20 years, so together they are credited that step once.
    stock = engine.tier1_stock(FARM.key)[0]
    relative, rate = engine.central_change(FARM.key, ("cover_crops", "legume_rotation"))
    assert relative == pytest.approx(engine.central_change(FARM.key, ("cover_crops",))[0])
    assert relative == pytest.approx((1.11 - 1) / 20) and rate == 0
    assert stock * relative == pytest.approx(46.4 * 0.0055, abs=0.01)  # 0.255 t C/ha/yr of accounting
    # The combined gain: the accounting's one step plus both members' model corrections,
    # never more than the sum of the two.
    assert both.expected_gain_t_c_ha_yr < cover.expected_gain_t_c_ha_yr + legume.expected_gain_t_c_ha_yr
    prior = stock * relative
    correction = (cover.expected_gain_t_c_ha_yr - prior) + (legume.expected_gain_t_c_ha_yr - prior)
    assert both.expected_gain_t_c_ha_yr == pytest.approx(prior + correction)


def test_a_capped_scenario_stops_at_the_capacity(recommender, engine):
    sandy = FarmContext(climate_zone="warm_temperate_dry", soil_texture="sand", land_use="cropland",
                        current_practices=["no_till"])
    outcome = scenarios(recommender, sandy, [["biochar", "alley_cropping", "cover_crops"]], Options()).scenarios[0]
    capacity = engine.capacity(sandy.key)
    gains = [scenarios(recommender, sandy, [[p]], Options()).scenarios[0].outcome.expected_gain_t_c_ha_yr
             for p in ("biochar", "alley_cropping", "cover_crops")]
    assert outcome.outcome.expected_gain_t_c_ha_yr <= sum(gains) + 1e-12
    assert outcome.outcome.equilibrium_soc_t_ha <= capacity + 1e-9


def test_at_most_ten_sets(recommender):
    with pytest.raises(ValueError, match=f"at most {MAX_SCENARIOS}"):
        scenarios(recommender, FARM, [["cover_crops"]] * (MAX_SCENARIOS + 1), Options())
