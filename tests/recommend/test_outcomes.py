"""What each recommendation says beyond its gain: time path, capacity, origin, emissions, net climate."""

import numpy as np
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
        model, tier1, rothc = outcome.trajectories
        assert (model.method, tier1.method, rothc.method) == ("model", "ipcc_tier1", "rothc")
        assert model.years[0] == 0 and model.years[-1] == horizon and model.soc_t_ha[0] == pytest.approx(stock)
        # Linear for D = 20 years, then flat at the equilibrium.
        gain, years = outcome.expected_gain_t_c_ha_yr, outcome.years_to_saturation
        assert years == 20
        assert model.soc_t_ha[-1] == pytest.approx(stock + gain * min(horizon, years))
        assert outcome.gain_over_horizon_t_c_ha == pytest.approx(model.soc_t_ha[-1] - model.soc_t_ha[0])
        assert outcome.soc_at_horizon_t_c_ha == pytest.approx(model.soc_t_ha[-1])
        assert outcome.equilibrium_soc_t_ha == pytest.approx(stock + gain * years)
        assert max(model.soc_t_ha) <= answer.baseline.capacity_t_c_ha + 1e-9
        # RothC from today's stock, smooth (one direction, no oscillation), within the capacity.
        assert rothc.years == model.years and rothc.soc_t_ha[0] == pytest.approx(stock)
        steps = np.diff(rothc.soc_t_ha)
        assert (steps >= -1e-9).all() or (steps <= 1e-9).all()
        assert max(rothc.soc_t_ha) <= answer.baseline.capacity_t_c_ha + 1e-9
        # The structural range spans each method's yearly gain over the horizon.
        low, high = outcome.structural_range_t_c_ha_yr
        per_method = [(path.soc_t_ha[-1] - stock) / horizon for path in outcome.trajectories]
        assert low == pytest.approx(min(per_method)) and high == pytest.approx(max(per_method))


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


# -- RothC beside the other methods -------------------------------------------------
def test_the_input_needed_for_4p1000_scales_with_the_stock(recommender):
    once = recommender.answer(FARM.model_copy(update={"soc_t_ha": 40.0}), Options()).baseline
    twice = recommender.answer(FARM.model_copy(update={"soc_t_ha": 80.0}), Options()).baseline
    assert once.input_needed_for_4p1000_t_c_ha_yr > 0
    assert 1.5 <= twice.input_needed_for_4p1000_t_c_ha_yr / once.input_needed_for_4p1000_t_c_ha_yr <= 2.5
    # Dry matter: residues at 0.45 t C/t DM (recommender/data/carbon_fractions.csv).
    assert once.input_needed_for_4p1000_residue_dm_t_ha_yr == pytest.approx(
        once.input_needed_for_4p1000_t_c_ha_yr / 0.45)
    assert once.input_needed_for_4p1000_manure_dm_t_ha_yr > 0


def test_a_scenario_adding_the_input_needed_reaches_4p1000_under_rothc(recommender):
    # Residue retention's RothC row adds plant input; the 4 per 1000 input is what a field must add
    # for SOC(20) - S = 20 x 0.004 x S. Both are plant carbon spread alike, so a field whose
    # residue input equals the need gains 4 per 1000 a year, and one with less gains less.
    answer = recommender.answer(FARM, Options(top_k=30))
    stock = answer.baseline.soc_t_ha
    needed = answer.baseline.input_needed_for_4p1000_t_c_ha_yr
    paths = recommender.rothc.paths(FARM.key, [stock], [()], np.arange(21.0), extra_plant_input=needed)[0, 0]
    assert (paths[20] - stock) / 20 == pytest.approx(0.004 * stock, rel=0.05)


def test_the_farm_s_own_climate_drives_rothc(recommender):
    months = {"monthly_temperature_c": [3.5, 3.9, 5.8, 7.8, 11.1, 14.0, 16.4, 16.2, 13.6, 10.3, 6.4, 4.2],
              "monthly_rainfall_mm": [70, 53, 56, 52, 57, 53, 51, 65, 67, 77, 76, 79],
              "monthly_pan_evaporation_mm": [8, 15, 35, 58, 84, 93, 97, 78, 49, 27, 11, 6]}
    zone = recommender.answer(FARM, Options(bundle_size=0))
    own = recommender.answer(FARM.model_copy(update=months), Options(bundle_size=0))
    def rothc(answer):
        return [t.soc_t_ha for r in answer.recommendations for t in r.trajectories if t.method == "rothc"]

    assert rothc(zone) and rothc(zone) != rothc(own)
    assert zone.baseline.input_needed_for_4p1000_t_c_ha_yr != own.baseline.input_needed_for_4p1000_t_c_ha_yr
    # Only RothC uses the monthly climate: the ranking's gains are the same.
    assert [r.expected_gain_t_c_ha_yr for r in zone.recommendations] == \
        [r.expected_gain_t_c_ha_yr for r in own.recommendations]


def test_rothc_is_left_out_where_it_does_not_apply(recommender):
    paddy = FarmContext(climate_zone="tropical_moist", soil_texture="clay_loam", land_use="paddy_rice")
    answer = recommender.answer(paddy, Options(top_k=30))
    assert answer.baseline.input_needed_for_4p1000_t_c_ha_yr is None
    for outcome in outcomes(answer):
        assert [t.method for t in outcome.trajectories] == ["model", "ipcc_tier1"]
        low, high = outcome.structural_range_t_c_ha_yr
        assert low <= outcome.expected_gain_t_c_ha_yr <= high


def test_the_rationale_says_when_the_methods_disagree_by_more_than_twofold(recommender):
    answer = recommender.answer(FARM, Options(top_k=30))
    flagged = 0
    for r in answer.recommendations:
        low, high = r.structural_range_t_c_ha_yr
        # Factor 2 and floor 0.01 t C/ha/yr (recommender/data/method.csv).
        disagree = high - 2 * max(low, 0.0) > 0.01
        assert ("disagree by more than a factor of two" in r.rationale) == disagree, r.practice_id
        flagged += disagree
    assert 0 < flagged < len(answer.recommendations)
