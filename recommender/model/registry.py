"""The model registry: versioned, verified model folders and the one in service.

Layout of a registry root (``models/`` by default)::

    models/
      IN_SERVICE                 # the version in service (one line)
      20261125T104501Z-1a2b3c4d/
        model.joblib             # the GainModel
        manifest.json            # version, created, library versions, data
                                 # fingerprint, feature schema, metrics, SHA-256
        MODEL_CARD.md, plots/*.png

A model folder is written under a temporary name and renamed into place, and
the pointer is replaced atomically, so a reader never sees half a model.
Loading checks the artifact's SHA-256 and the library versions it was saved
with before unpickling anything.
"""

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib

from recommender.model.gain_model import GainModel

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"
POINTER = "IN_SERVICE"
#: Libraries whose version must match for a pickled model to be trusted.
PINNED = ("scikit-learn", "numpy")
#: Environment variable naming the registry root; ``./models`` when unset.
MODELS_DIR_ENV = "RECOMMENDER_MODELS_DIR"


class RegistryError(RuntimeError):
    """A model is missing, tampered with, truncated or incompatible."""


class NoModelInService(RegistryError):
    """The registry has no model in service yet."""


def default_models_dir() -> Path:
    """The registry root the CLI, the API and batch scoring share.

    ``$RECOMMENDER_MODELS_DIR`` when set, else ``models`` in the working
    directory. Read at call time, so a process (or a test) can change it.
    """
    return Path(os.environ.get(MODELS_DIR_ENV) or "models")


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model artifact depends on."""
    import numpy
    import pandas
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "joblib": joblib.__version__,
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


@dataclass(frozen=True)
class LoadedModel:
    """A verified model and its manifest."""

    version: str
    manifest: dict
    model: GainModel
    path: Path


class ModelRegistry:
    """Versioned model folders under ``root`` and a pointer to the one in service."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -- reading -------------------------------------------------------------
    def versions(self) -> list[str]:
        """Complete model versions, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
        )

    def in_service_version(self) -> str | None:
        try:
            return (self.root / POINTER).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def manifest(self, version: str) -> dict:
        path = self.root / version / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            known = ", ".join(self.versions()) or "none"
            raise RegistryError(f"no model '{version}' in {self.root} (known: {known})") from error
        except json.JSONDecodeError as error:
            raise RegistryError(f"{path} is not valid JSON: {error}; the model folder is damaged") from error

    def verify(self, version: str) -> dict:
        """Check artifact hash, size and library versions; return the manifest."""
        manifest = self.manifest(version)
        if manifest.get("format_version") != FORMAT_VERSION:
            raise RegistryError(
                f"model '{version}' has format {manifest.get('format_version')}, "
                f"this engine reads format {FORMAT_VERSION}; retrain it with `recommender train`"
            )
        artifact = self.root / version / manifest["artifact"]["file"]
        if not artifact.is_file():
            raise RegistryError(f"model '{version}': artifact {artifact} is missing")
        if artifact.stat().st_size != manifest["artifact"]["bytes"]:
            raise RegistryError(
                f"model '{version}': artifact is {artifact.stat().st_size} bytes, manifest says "
                f"{manifest['artifact']['bytes']} (truncated or replaced); refusing to load it"
            )
        if sha256_of(artifact) != manifest["artifact"]["sha256"]:
            raise RegistryError(
                f"model '{version}': artifact SHA-256 does not match its manifest (edited or "
                "corrupted); refusing to load it. Retrain or restore the folder."
            )
        here = library_versions()
        for name in PINNED:
            saved = manifest["libraries"].get(name, "?")
            if _minor(saved) != _minor(here[name]):
                raise RegistryError(
                    f"model '{version}' was saved with {name} {saved}, this environment has "
                    f"{here[name]}; install {name}=={saved} or retrain with `recommender train`"
                )
        return manifest

    def load(self, version: str | None = None) -> LoadedModel:
        """Load ``version`` (default: the one in service) after verifying it."""
        version = version or self.in_service_version()
        if version is None:
            raise NoModelInService(
                f"no model in service in {self.root}; run `recommender train --promote`"
            )
        manifest = self.verify(version)
        model = joblib.load(self.root / version / manifest["artifact"]["file"])
        if not isinstance(model, GainModel):
            raise RegistryError(f"model '{version}': artifact is not a GainModel")
        return LoadedModel(version, manifest, model, self.root / version)

    # -- writing -------------------------------------------------------------
    def save(
        self,
        model: GainModel,
        *,
        data_fingerprint: str,
        metrics: dict,
        extra: dict | None = None,
        write_files: Callable[[Path, dict], None] | None = None,
    ) -> str:
        """Write a new model folder atomically; return its version.

        ``write_files(folder, manifest)`` may add the model card and plots
        before the folder is renamed into place.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        created = datetime.now(UTC)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        try:
            artifact = staging / ARTIFACT
            joblib.dump(model, artifact, compress=3)
            digest = sha256_of(artifact)
            version = self._unused(f"{created:%Y%m%dT%H%M%S}Z-{digest[:8]}")
            manifest = {
                "format_version": FORMAT_VERSION,
                "version": version,
                "created": created.isoformat(timespec="seconds"),
                "libraries": library_versions(),
                "training_data_fingerprint": data_fingerprint,
                "feature_schema": model.feature_schema,
                "metrics": metrics,
                "artifact": {"file": ARTIFACT, "sha256": digest, "bytes": artifact.stat().st_size},
                **(extra or {}),
            }
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if write_files is not None:
                write_files(staging, manifest)
            os.rename(staging, self.root / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("saved model %s in %s", version, self.root)
        return version

    def _unused(self, version: str) -> str:
        """``version``, or ``version-2``, ``-3``... when an identical artifact was
        saved in the same second (renaming onto an existing folder would fail)."""
        candidate, number = version, 1
        while (self.root / candidate).exists():
            number += 1
            candidate = f"{version}-{number}"
        return candidate

    def promote(self, version: str) -> None:
        """Put ``version`` in service (verified first; the pointer swap is atomic)."""
        self.verify(version)
        fd, tmp = tempfile.mkstemp(prefix=".pointer-", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / POINTER)
        log.info("model %s is now in service", version)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load_or_build(self, build: Callable[["ModelRegistry"], str]) -> LoadedModel:
        """The model in service; if there is none, ``build`` one, promote and load it.

        Processes starting together (several server workers) build it once:
        the others wait on a lock and load the result.
        """
        if self.in_service_version() is None:
            with self._lock():
                if self.in_service_version() is None:
                    log.warning("no model in service in %s: building the default model "
                                "from the reference set (first run only)", self.root)
                    self.promote(build(self))
        return self.load()
