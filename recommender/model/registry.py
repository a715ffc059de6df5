"""The model registry: versioned, verified model folders and the one in service.

Layout of a registry root (``models/`` by default)::

    models/
      IN_SERVICE                 # the version in service (one line)
      20261125T104501Z-1a2b3c4d/
        model.skops              # the GainModel's three pipelines
        manifest.json            # version, created, library versions, data
                                 # fingerprint, feature schema, metrics, SHA-256
        MODEL_CARD.md, plots/*.png

A model folder is written under a temporary name and renamed into place, and
the pointer is replaced atomically, so a reader never sees half a model.

Trust before load: the artifact is in skops' format, which rebuilds objects
from an audited list of types instead of running the code a pickle names;
loading refuses an artifact holding any type outside that list and
``TRUSTED_TYPES``. The manifest's SHA-256, size and library versions catch a
truncated, corrupted or incompatible artifact (they cannot prove who wrote
it: whoever can write the registry can rewrite both).
"""

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

from recommender.model.gain_model import GainModel

log = logging.getLogger(__name__)

#: 2: skops artifact (format 1 was a joblib pickle, refused).
FORMAT_VERSION = 2
ARTIFACT = "model.skops"
MANIFEST = "manifest.json"
POINTER = "IN_SERVICE"
#: The GainModel's pipelines, by name, in the artifact.
PIPELINES = ("expected", "low", "high")
#: Types trusted beyond skops' own audited defaults (numpy, scikit-learn
#: estimators): the fitted trees of HistGradientBoostingRegressor, plain
#: arrays rebuilt attribute by attribute. Anything else is refused.
TRUSTED_TYPES = ("sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",)
#: Libraries whose version must match for a saved model to load as trained.
PINNED = ("scikit-learn", "numpy")
#: Environment variable naming the registry root; ``./models`` when unset.
MODELS_DIR_ENV = "RECOMMENDER_MODELS_DIR"
#: A version is one folder name: letters, digits, ``.``, ``_``, ``-``, not
#: starting with a dot (no path, no traversal).
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: What a manifest must hold for the registry to load the model: key -> type.
REQUIRED = {"format_version": int, "version": str, "created": str, "libraries": dict, "feature_schema": dict,
            "artifact": dict}
ARTIFACT_REQUIRED = {"file": str, "sha256": str, "bytes": int}


class RegistryError(RuntimeError):
    """A model is missing, tampered with, truncated or incompatible."""


class NoModelInService(RegistryError):
    """The registry has no model in service yet."""


class PointerError(RegistryError):
    """The ``IN_SERVICE`` pointer is damaged (unreadable, empty, not a version name)."""


def check_version(version: str) -> str:
    """``version`` if it is a valid version name, else :class:`RegistryError`."""
    if not isinstance(version, str) or not VERSION_NAME.fullmatch(version):
        raise RegistryError(f"{version!r} is not a model version name (letters, digits, '.', '_', '-'; "
                            "see `recommender model list`)")
    return version


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
        "skops": metadata.version("skops"),
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
        folders = [p for p in self.root.iterdir()
                   if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()]
        # Names start with the creation second; within one second, the folder
        # written last is the newest.
        return [p.name for p in sorted(folders, key=lambda p: (p.name.split("-")[0], p.stat().st_mtime_ns, p.name))]

    def in_service_version(self) -> str | None:
        """The version the pointer names; None when there is no pointer.

        Raises
        ------
        PointerError
            The pointer is unreadable, empty or not a version name; it names
            no model (`recommender model promote VERSION` repairs it).
        """
        path = self.root / POINTER
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise PointerError(f"{path} cannot be read ({error.strerror}); {_REPAIR}") from error
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise PointerError(f"{path} is not text (damaged); {_REPAIR}") from None
        if not text:
            raise PointerError(f"{path} is empty; {_REPAIR}")
        if not VERSION_NAME.fullmatch(text):
            raise PointerError(f"{path} holds {text[:60]!r}, not a model version name; {_REPAIR}")
        return text

    def manifest(self, version: str) -> dict:
        path = self.root / check_version(version) / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            known = ", ".join(self.versions()) or "none"
            raise RegistryError(f"no model '{version}' in {self.root} (known: {known})") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise RegistryError(f"{path} is not valid JSON text ({error}); the model folder is damaged") from error
        except OSError as error:
            raise RegistryError(f"{path} cannot be read ({error.strerror})") from error
        if not isinstance(manifest, dict):
            raise RegistryError(f"{path} holds a JSON {type(manifest).__name__}, not an object; "
                                "the model folder is damaged")
        return manifest

    def verify(self, version: str) -> dict:
        """Check the manifest's fields, artifact hash, size and library
        versions; return the manifest."""
        manifest = self.manifest(version)
        if manifest.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
            raise RegistryError(
                f"model '{version}' has format {manifest.get('format_version')}, "
                f"this engine reads format {FORMAT_VERSION}; retrain it with `recommender train`"
            )
        _require(manifest, REQUIRED, f"model '{version}': manifest")
        _require(manifest["artifact"], ARTIFACT_REQUIRED, f"model '{version}': manifest artifact")
        if Path(manifest["artifact"]["file"]).name != manifest["artifact"]["file"]:
            raise RegistryError(f"model '{version}': manifest names artifact {manifest['artifact']['file']!r}, "
                                "not a file of the model folder; refusing to load it")
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
        model = _read_artifact(self.root / version / manifest["artifact"]["file"], manifest, version)
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
            sio.dump({name: getattr(model, name) for name in PIPELINES}, artifact,
                     compression=zipfile.ZIP_DEFLATED)
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
        """Put ``version`` in service (verified first; the pointer swap is
        atomic). Whatever the pointer held before, even damaged, is replaced."""
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


_REPAIR = "put a model in service with `recommender model promote VERSION` (see `recommender model list`)"


def _require(record: dict, fields: dict[str, type], what: str) -> None:
    """Raise :class:`RegistryError` naming the first field of ``fields`` that
    ``record`` lacks or holds with the wrong type."""
    for name, kind in fields.items():
        if name not in record:
            raise RegistryError(f"{what} lacks '{name}' (damaged or hand-edited); retrain or restore the folder")
        if not isinstance(record[name], kind) or isinstance(record[name], bool):
            raise RegistryError(f"{what}: '{name}' should be a {kind.__name__}, not "
                                f"{type(record[name]).__name__}; retrain or restore the folder")


def _read_artifact(path: Path, manifest: dict, version: str) -> GainModel:
    """The GainModel of a verified artifact, after refusing any type not trusted."""
    try:
        untrusted = sio.get_untrusted_types(file=path)
        unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unexpected:
            raise RegistryError(f"model '{version}': artifact holds types this engine does not trust "
                                f"({', '.join(unexpected)}); refusing to load it")
        pipelines: Any = sio.load(path, trusted=list(untrusted))
    except RegistryError:
        raise
    except Exception as error:  # a malformed archive fails in many ways
        raise RegistryError(f"model '{version}': artifact cannot be read ({type(error).__name__}: {error}); "
                            "retrain or restore the folder") from error
    if not (isinstance(pipelines, dict) and all(isinstance(pipelines.get(n), Pipeline) for n in PIPELINES)):
        raise RegistryError(f"model '{version}': artifact does not hold the pipelines {', '.join(PIPELINES)}")
    return GainModel(pipelines["expected"], pipelines["low"], pipelines["high"],
                     feature_schema=manifest["feature_schema"])
