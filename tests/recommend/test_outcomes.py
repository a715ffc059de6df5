"""What each recommendation says beyond its gain: time path, capacity, origin, emissions, net climate."""

import pytest
from test_kernel import random_farms
from test_recommender import FARM

from recommender.inputs.farm import FarmContext
from recommender.recommend.options import Options
from recommender.science.emissions import n2o_t_co2e

CO2_PER_C = 44 / 12


@pytest.fixture(scope="module")
def recommender(small_model, engine):
    from recommender.recommend.answer import ModelStamp
    from recommender.recommend.recommender import Recommender

    return Recommender(engine, small_model.model, ModelStamp(version=small_model.version, trained_at="then"))


def outcomes(answer):
    return [*answer.recommendations, *([answer.bundle] if answer.bundle else [])]


@pytest.mark.parametrize("horizon", [5.0, 20.0, 35.5])
def test_time_paths_reach_the_equilibrium_at_saturation(recommender, horizon):
    answer = recommender.answer(FARM, Options(top_k=30, bundle_size=3, horizon_years=horizon))
    stock = answer.baseline.soc_t_ha
    for outcome in outcomes(answer):
        model, tier1 = outcome.trajectories
        assert (model.method, tier1.method) == ("model", "ipcc_tier1")
        assert model.years[0] == 0 and model.years[-1] == horizon and model.soc_t_ha[0] == pytest.approx(stock)
        # Linear for D = 20 years, then flat at the equilibrium.
        gain, years = outcome.expected_gain_t_c_ha_yr, outcome.years_to_saturation
        assert years == 20
        assert model.soc_t_ha[-1] == pytest.approx(stock + gain * min(horizon, years))
        assert outcome.gain_over_horizon_t_c_ha == pytest.approx(model.soc_t_ha[-1] - model.soc_t_ha[0])
        assert outcome.soc_at_horizon_t_c_ha == pytest.approx(model.soc_t_ha[-1])
        assert outcome.equilibrium_soc_t_ha == pytest.approx(stock + gain * years)
        assert max(model.soc_t_ha) <= answer.baseline.capacity_t_c_ha + 1e-9


def test_transfers_count_nothing_for_the_climate_and_their_emissions_are_subtracted(recommender):
    answer = recommender.answer(FARM, Options(top_k=30, bundle_size=0))
    by_id = {r.practice_id: r for r in answer.recommendations}
    for practice_id in ("manure", "compost", "biochar"):
        r = by_id[practice_id]
        assert r.carbon_origin == "transfer" and "elsewhere" in r.carbon_origin_reason
        # Net climate = removal share (0) x CO2e - emissions: below the soil-carbon CO2e.
        emitted = r.emissions_t_co2e_ha_yr.n2o + r.emissions_t_co2e_ha_yr.ch4
        assert r.net_climate_t_co2e_ha_yr == pytest.approx(-emitted)
        assert r.net_climate_t_co2e_ha_yr < r.expected_gain_t_co2e_ha_yr
        assert "leakage" in " ".join([r.rationale, *r.caveats]).lower()
    manure = by_id["manure"]
    # Warm temperate moist is wet: 170 kg N -> 0.8445 t CO2e of N2O (tests/science/test_emissions.py).
    assert manure.emissions_t_co2e_ha_yr.n2o == pytest.approx(0.8445, abs=1e-4)
    cover = by_id["cover_crops"]
    assert cover.carbon_origin == "removal"
    assert cover.net_climate_t_co2e_ha_yr == pytest.approx(
        cover.expected_gain_t_co2e_ha_yr - n2o_t_co2e(recommender.engine.kb, ["cover_crops"], FARM.climate_zone,
                                                      paddy=False))


def test_net_climate_objective_ranks_by_net_climate(recommender):
    answer = recommender.answer(FARM, Options(objective="net_climate", top_k=30, bundle_size=0))
    net = [r.net_climate_t_co2e_ha_yr for r in answer.recommendations]
    assert net == sorted(net, reverse=True)
    assert answer.recommendations[0].carbon_origin != "transfer"


def test_field_range_is_wider_than_the_interval_of_the_mean(recommender):
    for farm in random_farms(30, seed=21):
        for outcome in outcomes(recommender.answer(farm, Options(top_k=30, bundle_size=3))):
            low, high = outcome.interval_t_c_ha_yr
            field_low, field_high = outcome.field_range_t_c_ha_yr
            assert field_low <= low + 1e-12 and field_low <= outcome.expected_gain_t_c_ha_yr <= field_high


def test_a_field_near_its_capacity_is_capped_and_says_so(recommender, engine):
    sandy = FarmContext(climate_zone="warm_temperate_dry", soil_texture="sand", land_use="cropland",
                        soc_t_ha=44.0)
    capacity = engine.capacity(sandy.key)
    answer = recommender.answer(sandy, Options(top_k=30, bundle_size=3))
    assert answer.baseline.capacity_t_c_ha == pytest.approx(capacity)
    capped = [o for o in outcomes(answer) if o.capped_by_capacity]
    assert capped
    for outcome in capped:
        assert outcome.equilibrium_soc_t_ha == pytest.approx(capacity)
        assert outcome.expected_gain_t_c_ha_yr == pytest.approx((capacity - 44.0) / 20)
    assert all("capacity" in r.rationale for r in answer.recommendations if r.capped_by_capacity)
