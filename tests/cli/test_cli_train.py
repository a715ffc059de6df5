import importlib
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from recommender.cli import main
from recommender.model.registry import ModelRegistry
from training.pipeline import TrainingConfig
from training.promotion import RULES, Rule
from training.synthetic import synthetic_observations

# The package re-exports the command under the module's name; this is the module.
train_command = importlib.import_module("recommender.cli.train")


@pytest.fixture(autouse=True)
def small_training(monkeypatch):
    """The command's wiring is under test here, not the default model's quality."""
    monkeypatch.setattr(train_command, "training_config",
                        lambda seed: TrainingConfig(seed=seed, draws_per_pair=2, extra_contexts=100, max_iter=20))


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def observations_file(tmp_path_factory, engine):
    path = tmp_path_factory.mktemp("data") / "observations.csv"
    synthetic_observations(engine, sites=16, seed=2).to_csv(path, index=False)
    return path


def test_train_promote_produces_model_card_plots_manifest_and_moves_the_pointer(tmp_path):
    result = invoke("train", "--promote", "--models-dir", tmp_path)
    assert result.exit_code == 0, result.output
    registry = ModelRegistry(tmp_path)
    version = registry.in_service_version()
    assert registry.versions() == [version]
    folder = tmp_path / version
    assert {p.name for p in folder.iterdir()} == {"model.skops", "manifest.json", "MODEL_CARD.md", "plots"}
    assert len(list((folder / "plots").glob("*.png"))) == 3
    manifest = registry.verify(version)
    assert manifest["training"]["seed"] == 0 and manifest["metrics"]["basis"] == "reference"
    assert "Agreement with Tier 1" in result.output and f"In service: none -> {version}" in result.output


def test_train_with_observations_compares_with_the_model_in_service(tmp_path, observations_file):
    assert invoke("train", "--data", observations_file, "--folds", 2, "--promote", "--models-dir", tmp_path
                  ).exit_code == 0
    first = ModelRegistry(tmp_path).in_service_version()
    result = invoke("train", "--data", observations_file, "--folds", 2, "--seed", 1, "--models-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert f"Note: the model in service {first} was trained on 1 of these observation file(s)" in result.output
    for label in ("this model", "model in service", "Tier 1 (duration-aware)", "per-practice median",
                  "global median", "Not-worse rule (observations)"):
        assert label in result.output
    registry = ModelRegistry(tmp_path)
    assert registry.in_service_version() == first  # no --promote
    newest = registry.versions()[-1]
    manifest = registry.manifest(newest)
    assert manifest["metrics"]["cross_validation"]["folds"] == 2
    assert set(manifest["metrics"]["cross_validation"]["methods"]) == {
        "model", "in_service", "tier1", "practice_mean", "practice_median", "global_median"}
    assert manifest["promotion_check"]["in_service"] == first
    assert "Grouped 2-fold cross-validation by study" in (tmp_path / newest / "MODEL_CARD.md").read_text()


def test_promotion_refused_by_the_rule_unless_forced(tmp_path, monkeypatch):
    assert invoke("train", "--promote", "--models-dir", tmp_path).exit_code == 0
    first = ModelRegistry(tmp_path).in_service_version()
    monkeypatch.setitem(RULES, "reference", (Rule("mae_vs_engine", 0.0, -1.0, "an impossible bar"),))
    refused = invoke("train", "--promote", "--seed", 1, "--models-dir", tmp_path)
    assert refused.exit_code == train_command.EXIT_NOT_PROMOTED
    assert "not worse" in refused.output and "NO" in refused.output and "Use --force" in refused.output
    assert ModelRegistry(tmp_path).in_service_version() == first
    forced = invoke("train", "--promote", "--force", "--seed", 2, "--models-dir", tmp_path)
    assert forced.exit_code == 0, forced.output
    assert ModelRegistry(tmp_path).in_service_version() not in (first, None)


def test_bad_observation_file_fails_with_file_row_and_column(tmp_path, observations_file):
    bad = tmp_path / "bad.csv"
    bad.write_text(observations_file.read_text().replace("cropland", "moon", 1))
    result = invoke("train", "--data", bad, "--models-dir", tmp_path / "models")
    assert result.exit_code == 1
    assert "bad.csv, row 1, column 'land_use'" in result.output and "skip_bad_rows" in result.output
    assert not (tmp_path / "models").exists() or ModelRegistry(tmp_path / "models").versions() == []
    missing = invoke("train", "--data", tmp_path / "absent.csv", "--models-dir", tmp_path / "models")
    assert missing.exit_code == 1 and "file not found" in missing.output


def test_model_list_show_verify_promote(tmp_path):
    assert invoke("train", "--promote", "--models-dir", tmp_path).exit_code == 0
    assert invoke("train", "--seed", 1, "--models-dir", tmp_path).exit_code == 0
    first, second = ModelRegistry(tmp_path).versions()
    listing = invoke("model", "list", "--models-dir", tmp_path)
    assert listing.exit_code == 0 and f"*  {first}" in listing.output and second in listing.output
    shown = invoke("model", "show", second, "--models-dir", tmp_path)
    assert shown.exit_code == 0 and f"# Model card: {second}" in shown.output and "Not in service" in shown.output
    assert json.loads(invoke("model", "show", second, "--format", "json", "--models-dir", tmp_path).output)[
        "version"] == second
    assert invoke("model", "verify", "--models-dir", tmp_path).output.startswith(f"ok      {first}")
    promoted = invoke("model", "promote", second, "--models-dir", tmp_path)
    assert promoted.exit_code == 0 and f"{first} -> {second}" in promoted.output
    artifact = tmp_path / first / "model.skops"
    artifact.write_bytes(artifact.read_bytes()[:-10])
    failed = invoke("model", "verify", "--all", "--models-dir", tmp_path)
    assert failed.exit_code == 1 and "truncated" in failed.output and f"ok      {second}" in failed.output
    refused = invoke("model", "promote", first, "--models-dir", tmp_path)
    assert refused.exit_code == 1 and "not promoted" in refused.output
    assert ModelRegistry(tmp_path).in_service_version() == second
    unknown = invoke("model", "show", "nope", "--models-dir", tmp_path)
    assert unknown.exit_code == 1 and "no model 'nope'" in unknown.output


def test_models_dir_defaults_to_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RECOMMENDER_MODELS_DIR", str(tmp_path))
    result = invoke("model", "list")
    assert result.exit_code == 0 and str(tmp_path) in result.output


def test_help_lists_every_command_without_importing_them():
    code = ("import sys; from click.testing import CliRunner; from recommender.cli import main; "
            "out = CliRunner().invoke(main, ['--help']).output; "
            "print(out); print([m for m in ('training', 'matplotlib', 'sklearn', 'fastapi') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "train " in result.stdout and "score " in result.stdout
    assert result.stdout.strip().endswith("[]")


@pytest.mark.parametrize("skip", [False, True])
def test_training_on_no_usable_observation_is_refused(tmp_path, skip):
    """Issue 12, item 5: a header-only file (or one whose rows are all skipped) trains nothing."""
    header = "study_id,site_id,practice,climate_zone,soil_texture,land_use,delta_soc_t_ha_yr,years,depth_cm\n"
    data = tmp_path / "obs.csv"
    data.write_text(header + ("s1,a,cover_crops,nowhere,loam,cropland,0.3,10,30\n" if skip else ""))
    result = invoke("train", "--data", data, "--promote", *(["--skip-bad-rows"] if skip else []),
                    "--models-dir", tmp_path / "models")
    assert result.exit_code == 1, result.output
    assert "no usable observation in" in result.output
    assert ("all 1 skipped as invalid (climate_zone" if skip else "0 row(s) read") in result.output
    assert ModelRegistry(tmp_path / "models").versions() == []
