"""``recommender climate-zone`` through click's CliRunner."""

import json

from click.testing import CliRunner

from recommender.cli import main

SASKATOON_MONTHS = "-17,-13,-5.8,4.4,11.5,16,18.2,17.3,11.2,4.5,-6.2,-14.3"


def run(*args: str):
    return CliRunner().invoke(main, ["climate-zone", *args])


def test_text_answer_names_zone_rule_and_borderline():
    result = run("--mat", "3.3", "--map", "350", "--elevation", "480")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "cool_temperate_dry (Cool temperate dry)"
    assert lines[1].startswith("MAT 3.3 °C in (0, 10] → cool temperate; MAP/PET = 350/384 = 0.91 ≤ 1 → dry")
    assert lines[2] == "PET 384 mm/yr (turc_annual); MAP/PET 0.91"
    assert lines[3].startswith("Borderline")


def test_json_with_months_is_the_api_body():
    result = run("--mat", "3.3", "--map", "350", "--months", SASKATOON_MONTHS, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert (answer["climate_zone"], answer["pet_method"], answer["borderline"]) == (
        "cool_temperate_dry", "holdridge_monthly", False)
    assert len(answer["inputs"]["monthly_temperature_c"]) == 12


def test_pet_overrides_and_tropics_say_no_pet():
    assert run("--mat", "3.3", "--map", "350", "--pet", "300").output.startswith("cool_temperate_moist")
    tropical = run("--mat", "27", "--map", "2300", "--elevation", "92")
    assert tropical.output.splitlines()[0] == "tropical_wet (Tropical wet)" and "PET" not in tropical.output


def test_bad_input_names_the_option():
    missing = run("--mat", "27", "--map", "2300")
    assert missing.exit_code == 2 and "--elevation: needed at a tropical site" in missing.output
    assert "--mat: NaN and Infinity are not numbers; give a finite number" in run("--mat", "nan", "--map", "350").output
    short = run("--mat", "3.3", "--map", "350", "--months", "1,2,3")
    assert short.exit_code == 2 and "12 numbers separated by commas" in short.output
    assert "--months" in run("--mat", "3.3", "--map", "350", "--months", "1,2,x,4,5,6,7,8,9,10,11,12").output
