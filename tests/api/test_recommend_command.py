"""``recommender recommend`` prints the ranking the API gives."""

import json

import pytest
from click.testing import CliRunner

from recommender.cli import main


@pytest.fixture
def farm_file(farm, tmp_path):
    path = tmp_path / "farm.json"
    path.write_text(json.dumps(farm))
    return path


@pytest.mark.parametrize("options", [{}, {"objective": "robust", "top_k": 7, "bundle_size": 2,
                                          "horizon_years": 35.5}])
def test_json_is_the_api_answer(client, farm, farm_file, small_registry, options):
    flags = {"objective": "--objective", "top_k": "--top-k", "bundle_size": "--bundle-size",
             "horizon_years": "--horizon"}
    arguments = ["recommend", "--farm", str(farm_file), "--format", "json",
                 "--models-dir", str(small_registry.root)]
    for name, value in options.items():
        arguments += [flags[name], str(value)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    api = client.post("/v1/recommendations", json={**farm, **options}).json()
    # Same values, and the same keys in the same order.
    assert json.dumps(json.loads(result.output)) == json.dumps(api)


def test_table(farm_file, small_registry):
    result = CliRunner().invoke(main, ["recommend", "--farm", str(farm_file), "--models-dir",
                                       str(small_registry.root), "--top-k", "3"])
    assert result.exit_code == 0, result.output
    assert "4 per 1000 target" in result.output and "Best bundle" in result.output
    # The inverse 4 per 1000 (RothC) and the spread of the methods are printed too.
    assert "Reaching it under RothC takes" in result.output and "methods" in result.output
    assert result.output.count("\n1  ") + result.output.count("\n3  ") == 2


def test_bad_farm_names_the_field(farm, tmp_path, small_registry):
    path = tmp_path / "farm.json"
    path.write_text(json.dumps({**farm, "land_use": "moon"}))
    result = CliRunner().invoke(main, ["recommend", "--farm", str(path), "--models-dir", str(small_registry.root)])
    assert result.exit_code == 2 and "land_use" in result.output and "grassland" in result.output
