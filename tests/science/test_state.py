from recommender.science.state import State, apply_practices, baseline_state


def test_baselines(kb):
    assert baseline_state(kb, "cropland", "none") == State("long_term_cultivated", "full_tillage", "medium")
    assert baseline_state(kb, "cropland", "severe").input == "low"
    grass = baseline_state(kb, "grassland", "moderate")
    assert grass.grassland_management == "moderately_degraded"
    assert baseline_state(kb, "perennial_cropland", "none").tillage is None


def test_each_kind_of_input_step_counts_once(kb):
    p, medium = kb.practices, baseline_state(kb, "cropland", "none")
    # One residue step: cover crops, green manure and legume rotation share it.
    assert apply_practices(medium, [p["cover_crops"]]).input == "high_without_manure"
    assert apply_practices(medium, [p["cover_crops"], p["legume_rotation"]]).input == "high_without_manure"
    # Manure is one amendment step from where the field is, not two: medium -> high.
    assert apply_practices(medium, [p["manure"]]).input == "high_without_manure"
    assert apply_practices(medium, [p["manure"], p["compost"]]).input == "high_without_manure"
    # A residue step and an amendment step: high input with manure.
    assert apply_practices(medium, [p["manure"], p["green_manure"]]).input == "high_with_manure"


def test_floors_then_steps_whatever_the_order(kb):
    p, degraded = kb.practices, baseline_state(kb, "cropland", "severe")
    assert degraded.input == "low"
    assert apply_practices(degraded, [p["residue_retention"]]).input == "medium"
    assert apply_practices(degraded, [p["cover_crops"]]).input == "medium"
    one = apply_practices(degraded, [p["cover_crops"], p["residue_retention"]])
    other = apply_practices(degraded, [p["residue_retention"], p["cover_crops"]])
    assert one.input == other.input == "high_without_manure"


def test_cropland_to_grassland_takes_the_set_aside_factor_during_the_transition(kb):
    state = apply_practices(baseline_state(kb, "cropland", "none"), [kb.practices["cropland_to_grassland"]])
    assert state.factor_keys()[0] == ("cropland", "F_LU", "set_aside")


def test_set_aside_uses_land_use_factor_only(kb):
    state = apply_practices(baseline_state(kb, "cropland", "none"), [kb.practices["set_aside"]])
    assert state.factor_keys() == (
        ("cropland", "F_LU", "set_aside"),
        ("cropland", "F_MG", "full_tillage"),
        ("cropland", "F_I", "medium"),
    )


def test_relative_effects_are_kept_in_the_state(kb):
    state = apply_practices(baseline_state(kb, "cropland", "none"), [kb.practices["alley_cropping"]])
    assert state.effects == {"agroforestry_cropland"}
