from recommender.inputs.soils import derive_soil_class


def test_sandy_textures_are_sandy_unless_clay_says_otherwise(kb):
    assert derive_soil_class(kb, "sand", "cool_temperate_moist") == "sandy"
    assert derive_soil_class(kb, "loamy_sand", "tropical_dry") == "sandy"
    assert derive_soil_class(kb, "loamy_sand", "cool_temperate_moist", clay_pct=12) == "HAC"
    assert derive_soil_class(kb, "sandy_loam", "cool_temperate_moist") == "HAC"


def test_humid_tropics_are_low_activity_clay(kb):
    assert derive_soil_class(kb, "clay", "tropical_moist") == "LAC"
    assert derive_soil_class(kb, "clay", "tropical_dry") == "HAC"


def test_stated_class_wins(kb):
    assert derive_soil_class(kb, "sand", "tropical_wet", soil_class="volcanic") == "volcanic"
