"""No traceback reaches a user: each path of issue 12 (item 4) ends in one line and a non-zero exit."""

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recommender.model.registry import MANIFEST

FARM = {"farm_id": "f1", "climate_zone": "warm_temperate_moist", "soil_texture": "silt_loam",
        "land_use": "cropland"}


@pytest.mark.parametrize("env, expected", [
    ({"RECOMMENDER_MAX_BODY_BYTES": "10"}, "RECOMMENDER_MAX_BODY_BYTES: Input should be greater than or equal"),
    ({"RECOMMENDER_API_KEYS": ","}, "RECOMMENDER_API_KEYS: is set but holds no key"),
    ({"RECOMMENDER_API_KEYS": " , "}, "unset the variable to serve without keys"),
    ({"RECOMMENDER_MODEL_CHECK_SECONDS": "soon"}, "RECOMMENDER_MODEL_CHECK_SECONDS"),
])
def test_serve_refuses_a_bad_setting_in_one_line(tmp_path, env, expected, one_line_error, run_cli):
    one_line_error(*run_cli("serve", "--models-dir", tmp_path, env=env), "bad setting", expected)


def test_a_blank_key_list_is_refused_and_never_printed(tmp_path, one_line_error, run_cli):
    status, output = run_cli("serve", "--models-dir", tmp_path,
                             env={"RECOMMENDER_API_KEYS": "", "RECOMMENDER_MAX_BODY_BYTES": "secret-ish"})
    one_line_error(status, output, "RECOMMENDER_API_KEYS")
    assert "secret-ish" not in output


DAMAGES = {
    "missing key": lambda m: json.dumps({k: v for k, v in m.items() if k != "artifact"}).encode(),
    "JSON list": lambda m: json.dumps([m]).encode(),
    "not UTF-8": lambda m: b"\xff\xfe" + json.dumps(m).encode(),
}


@pytest.fixture(params=list(DAMAGES))
def damaged(request, small_registry, tmp_path):
    """A copy of the small registry whose model in service has a damaged manifest."""
    root = tmp_path / "models"
    shutil.copytree(small_registry.root, root)
    version = (root / "IN_SERVICE").read_text().strip()
    path = root / version / MANIFEST
    path.write_bytes(DAMAGES[request.param](json.loads(path.read_text())))
    return root, version


@pytest.mark.slow
def test_a_damaged_manifest_is_told_in_one_line(damaged, tmp_path, one_line_error, run_cli):
    root, version = damaged
    farm = tmp_path / "farm.json"
    farm.write_text(json.dumps(FARM))
    survey = tmp_path / "s.csv"
    survey.write_text("farm_id,climate_zone,soil_texture,land_use\nf1,warm_temperate_moist,silt_loam,cropland\n")
    for args in (["model", "verify"], ["model", "promote", version],
                 ["recommend", "--farm", farm], ["score", survey, "-o", tmp_path / "out.csv"]):
        status, output = run_cli(*args, "--models-dir", root)
        assert status != 0 and "Traceback" not in output, (args, output)
        assert version in output and "manifest" in output, (args, output)
        if args[:2] != ["model", "verify"]:  # verify lists each model, then the count that failed
            one_line_error(status, output)


@pytest.fixture()
def score(small_registry, run_cli):
    def run(*args):
        return run_cli("score", *args, "--models-dir", small_registry.root)
    return run


@pytest.fixture()
def survey(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("farm_id,climate_zone,soil_texture,land_use\nf1,warm_temperate_moist,silt_loam,cropland\n")
    return path


def test_score_into_a_missing_folder(tmp_path, survey, score, one_line_error):
    one_line_error(*score(survey, "-o", tmp_path / "nowhere" / "out.csv"), "does not exist")


def test_score_into_a_read_only_folder(tmp_path, survey, score, one_line_error):
    # /sys is mounted read-only: refused even for root, who ignores permission bits.
    one_line_error(*score(survey, "-o", "/sys/out.csv"), "/sys/out.csv")


def test_score_a_zero_byte_parquet(tmp_path, score, one_line_error):
    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    one_line_error(*score(empty, "-o", tmp_path / "out.csv"), "not a readable Parquet file")


def test_score_a_binary_farm_id_column(tmp_path, score, one_line_error):
    path = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"farm_id": pa.array([b"a\xff", b"b"], pa.binary()),
                             "climate_zone": ["tropical_dry"] * 2, "soil_texture": ["loam"] * 2,
                             "land_use": ["cropland"] * 2}), path)
    one_line_error(*score(path, "-o", tmp_path / "out.csv"), "farm_id", "not UTF-8")


def test_a_binary_column_of_utf8_text_is_read_as_text(tmp_path, score):
    path = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"farm_id": pa.array([b"a", b"b"], pa.binary()),
                             "climate_zone": ["tropical_dry"] * 2, "soil_texture": ["loam"] * 2,
                             "land_use": ["cropland"] * 2}), path)
    status, output = score(path, "-o", tmp_path / "out.csv")
    assert status == 0 and "2 scored" in output, output


def test_score_into_the_current_folder(tmp_path, survey, score, one_line_error):
    one_line_error(*score(survey, "-o", tmp_path), "is an existing folder")
