import json

from click.testing import CliRunner

from recommender.cli import main


def test_help_on_every_command():
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.list_commands(None):
        sub = runner.invoke(main, [name, "--help"])
        assert sub.exit_code == 0, name
        assert len(sub.output) > 100, name


def test_practices_table_and_json(kb):
    runner = CliRunner()
    table = runner.invoke(main, ["practices"])
    assert table.exit_code == 0 and "no_till" in table.output
    records = json.loads(runner.invoke(main, ["practices", "--format", "json"]).output)
    assert {r["id"] for r in records} == set(kb.practices)
    assert all(r["sources"] and r["sources"][0]["citation"] for r in records)


def test_assess_prints_the_worked_example(tmp_path):
    farm = tmp_path / "farm.json"
    farm.write_text(json.dumps({"climate_zone": "warm_temperate_moist", "soil_texture": "silt_loam",
                                "soil_class": "HAC", "land_use": "cropland"}))
    result = CliRunner().invoke(main, ["assess", "--farm", str(farm), "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    gains = {g["practice_ids"][0]: g["gain_t_c_ha_yr"] for g in payload["gains"]}
    assert round(gains["no_till"], 4) == 0.2208


def test_assess_bad_farm_names_the_field(tmp_path):
    farm = tmp_path / "farm.json"
    farm.write_text(json.dumps({"climate_zone": "nowhere", "soil_texture": "loam", "land_use": "cropland"}))
    result = CliRunner().invoke(main, ["assess", "--farm", str(farm)])
    assert result.exit_code == 2
    assert "climate_zone" in result.output and "tropical_montane" in result.output
