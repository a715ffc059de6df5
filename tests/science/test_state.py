from recommender.science.state import State, apply_practices, baseline_state


def test_baselines(kb):
    assert baseline_state(kb, "cropland", "none") == State("long_term_cultivated", "full_tillage", "medium")
    assert baseline_state(kb, "cropland", "severe").input == "low"
    grass = baseline_state(kb, "grassland", "moderate")
    assert grass.grassland_management == "moderately_degraded"
    assert baseline_state(kb, "perennial_cropland", "none").tillage is None


def test_input_level_only_rises(kb):
    p = kb.practices
    state = apply_practices(baseline_state(kb, "cropland", "none"), [p["manure"], p["green_manure"]])
    assert state.input == "high_with_manure"


def test_land_use_change_resets_dimensions(kb):
    state = apply_practices(baseline_state(kb, "cropland", "none"), [kb.practices["cropland_to_grassland"]])
    assert state.system == "grassland"
    assert state.factor_keys()[1] == ("grassland", "F_MG", "nominally_managed")


def test_set_aside_uses_land_use_factor_only(kb):
    state = apply_practices(baseline_state(kb, "cropland", "none"), [kb.practices["set_aside"]])
    assert state.factor_keys() == (
        ("cropland", "F_LU", "set_aside"),
        ("cropland", "F_MG", "full_tillage"),
        ("cropland", "F_I", "medium"),
    )
