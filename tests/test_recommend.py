from recommender.inputs.farm import FarmContext
from recommender.recommend.records import Options, recommend

FARM = FarmContext(farm_id="demo-001", climate_zone="warm_temperate_moist", soil_texture="silt_loam",
                   land_use="cropland", current_practices=["reduced_tillage"], area_ha=12.5)


def test_answer_shape_and_invariants(small_model, engine, kb):
    [answer] = recommend([FARM], small_model, engine, Options(top_k=4, bundle_size=3))
    assert answer["farm_id"] == "demo-001"
    assert answer["model"]["version"] == small_model.version
    baseline = answer["baseline"]
    assert baseline["target_4p1000_t_c_ha_yr"] == round(0.004 * baseline["soc_t_ha"], 6)
    recs = answer["recommendations"]
    assert [r["rank"] for r in recs] == [1, 2, 3, 4]
    for r in recs:
        low, high = r["interval_t_c_ha_yr"]
        assert low <= r["expected_gain_t_c_ha_yr"] <= high
        assert r["practice_id"] not in FARM.current_practices
        assert r["meets_4p1000"] == (r["share_of_4p1000_target"] >= 1)
        assert "Tier 1 prior" in r["rationale"]
    bundle = answer["bundle"]["practice_ids"]
    assert "no_till" not in bundle and len(bundle) <= 3


def test_no_bundle_when_size_zero_and_answer_is_json(small_model, engine):
    import json

    [answer] = recommend([FARM], small_model, engine, Options(bundle_size=0, top_k=2))
    assert answer["bundle"] is None and len(answer["recommendations"]) == 2
    assert json.loads(json.dumps(answer)) == answer
