import json
import threading

import pytest

from recommender.model.registry import (
    MANIFEST,
    POINTER,
    ModelRegistry,
    NoModelInService,
    RegistryError,
    default_models_dir,
)


@pytest.fixture()
def registry(tmp_path, small_model):
    """A fresh registry with two saved copies of the small model, the first in service."""
    registry = ModelRegistry(tmp_path / "models")
    first = registry.save(small_model.model, data_fingerprint="a", metrics={})
    registry.save(small_model.model, data_fingerprint="b", metrics={})
    registry.promote(first)
    return registry


def _artifact(registry, version):
    return registry.root / version / registry.manifest(version)["artifact"]["file"]


def test_saved_model_loads_and_verifies(registry):
    loaded = registry.load()
    assert loaded.version == registry.in_service_version() == registry.versions()[0]
    assert loaded.manifest["training_data_fingerprint"] == "a"


def test_tampered_artifact_is_refused(registry):
    version = registry.in_service_version()
    artifact = _artifact(registry, version)
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte edited
    artifact.write_bytes(bytes(data))
    with pytest.raises(RegistryError, match="SHA-256 does not match its manifest.*refusing to load"):
        registry.load()


def test_truncated_artifact_is_refused(registry):
    version = registry.in_service_version()
    artifact = _artifact(registry, version)
    artifact.write_bytes(artifact.read_bytes()[:1000])
    with pytest.raises(RegistryError, match="truncated or replaced"):
        registry.load(version)


def test_incompatible_library_version_is_refused(registry):
    version = registry.in_service_version()
    path = registry.root / version / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match=r"saved with scikit-learn 0.24.2.*install scikit-learn==0.24.2 or retrain"):
        registry.load()


def test_damaged_manifest_and_unknown_version_are_explained(registry):
    version = registry.versions()[1]
    (registry.root / version / MANIFEST).write_text("{not json")
    with pytest.raises(RegistryError, match="not valid JSON"):
        registry.verify(version)
    with pytest.raises(RegistryError, match="no model 'nope'.*known:"):
        registry.load("nope")


def test_no_model_in_service(tmp_path):
    with pytest.raises(NoModelInService, match="recommender train --promote"):
        ModelRegistry(tmp_path).load()


def test_staging_folder_is_invisible_until_renamed(tmp_path, small_model):
    registry = ModelRegistry(tmp_path)
    seen_while_writing = []

    def write_files(folder, manifest):
        (folder / "MODEL_CARD.md").write_text("card")
        seen_while_writing.append((registry.versions(), folder.name))

    version = registry.save(small_model.model, data_fingerprint="x", metrics={}, write_files=write_files)
    versions_then, staging_name = seen_while_writing[0]
    assert versions_then == [] and staging_name.startswith(".staging-")
    assert registry.versions() == [version]
    assert (tmp_path / version / "MODEL_CARD.md").read_text() == "card"


def test_failed_save_leaves_nothing_behind(tmp_path, small_model):
    registry = ModelRegistry(tmp_path)

    def fail(folder, manifest):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        registry.save(small_model.model, data_fingerprint="x", metrics={}, write_files=fail)
    assert registry.versions() == [] and list(tmp_path.iterdir()) == []


def test_promotion_swaps_the_pointer_atomically(registry):
    first, second = registry.versions()
    seen, stop = set(), threading.Event()

    def reader():
        while not stop.is_set():
            seen.add(registry.in_service_version())

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(200):
        registry.promote(second)
        registry.promote(first)
    stop.set()
    thread.join()
    assert seen <= {first, second}  # never a missing or half-written pointer
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".pointer-")]
    assert (registry.root / POINTER).read_text().strip() == first


def test_promoting_a_broken_model_is_refused_and_keeps_the_pointer(registry):
    first, second = registry.versions()
    _artifact(registry, second).write_bytes(b"garbage")
    with pytest.raises(RegistryError):
        registry.promote(second)
    assert registry.in_service_version() == first


def test_load_or_build_builds_once(tmp_path, small_model):
    registry = ModelRegistry(tmp_path)
    calls = []

    def build(target):
        calls.append(1)
        return target.save(small_model.model, data_fingerprint="built", metrics={})

    assert registry.load_or_build(build).manifest["training_data_fingerprint"] == "built"
    registry.load_or_build(build)
    assert len(calls) == 1


def test_default_models_dir_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("RECOMMENDER_MODELS_DIR", raising=False)
    assert str(default_models_dir()) == "models"
    monkeypatch.setenv("RECOMMENDER_MODELS_DIR", str(tmp_path))
    assert default_models_dir() == tmp_path


# -- issue 12: damaged pointer, version names, trust before load --------------
from recommender.model.registry import PointerError, check_version  # noqa: E402


@pytest.mark.parametrize("content", [b"\xff\xfe", b"", b"  \n", b"../../etc/passwd", b"a/b", b".hidden"])
def test_a_damaged_pointer_is_explained(registry, content):
    (registry.root / POINTER).write_bytes(content)
    with pytest.raises(PointerError, match="recommender model promote VERSION"):
        registry.in_service_version()
    with pytest.raises(PointerError):
        registry.load()


def test_promote_repairs_a_damaged_pointer(registry):
    (registry.root / POINTER).write_bytes(b"\xff\xfe")
    version = registry.versions()[1]
    registry.promote(version)
    assert registry.in_service_version() == version


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", "/etc", "..", ".staging-x", "", "x" * 200])
def test_version_names_cannot_leave_the_registry(registry, name):
    with pytest.raises(RegistryError, match="not a model version name"):
        check_version(name)
    with pytest.raises(RegistryError, match="not a model version name"):
        registry.promote(name)


def test_an_artifact_with_an_untrusted_type_is_refused_before_it_runs(registry, tmp_path):
    """skops' loader refuses a type outside the audited list: nothing of it is built."""
    import hashlib

    import skops.io as sio

    version = registry.in_service_version()
    artifact = _artifact(registry, version)
    marker = tmp_path / "ran"
    sio.dump({"expected": Boom(str(marker))}, artifact)  # would write the marker if built
    manifest_path = registry.root / version / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["artifact"].update(sha256=hashlib.sha256(artifact.read_bytes()).hexdigest(),
                                bytes=artifact.stat().st_size)  # whoever writes the registry can do this
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match=r"types this engine does not trust \(test_registry.Boom\)"):
        registry.load()
    assert not marker.exists()


class Boom:
    """Stands for a hostile object: building it leaves a trace."""

    def __init__(self, path: str):
        self.path = path

    def __setstate__(self, state):
        open(state["path"], "w").close()


def test_a_joblib_model_of_format_1_asks_for_retraining(registry):
    version = registry.in_service_version()
    path = registry.root / version / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 1
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match="format 1, this engine reads format 2; retrain it with `recommender tr"):
        registry.load()
