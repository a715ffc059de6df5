"""The model in service, ready to answer and kept current: what the API and
``recommender recommend`` answer with.

A :class:`ServedModel` is a verified registry model converted to ONNX and
checked against its scikit-learn original. A :class:`ModelService` holds the
one in use and follows the registry's ``IN_SERVICE`` pointer: a newly promoted
model is loaded beside the old one and swapped in with one reference
assignment, so a request in flight finishes on the model it started with and
none fails; a model that does not load (or a damaged pointer) is logged once
and the old one kept, and :attr:`ModelService.problem` says what is wrong
without naming paths (it reaches unauthenticated clients through ``/readyz``).
"""

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from pydantic import ValidationError

from recommender.inputs.errors import error_records
from recommender.inputs.farm import FARM_ID_MAX_LENGTH, FarmContext
from recommender.model.candidates import CandidateSource
from recommender.model.features import Features
from recommender.model.onnx import OnnxConversionError, checked_conversion
from recommender.model.reference_set import reference_probe
from recommender.model.registry import LoadedModel, ModelRegistry
from recommender.recommend.answer import Answer, ModelStamp, ScenarioAnswer
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender
from recommender.recommend.scenarios import scenarios
from recommender.science.tier1 import Tier1Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedModel:
    """A registry model converted to ONNX, answering through the one recommendation path."""

    loaded: LoadedModel
    recommender: Recommender

    @classmethod
    def load(cls, loaded: LoadedModel, engine: Tier1Engine, probe: Features, threads: int = 1) -> "ServedModel":
        """Convert ``loaded.model`` and check it on the ``probe`` rows.

        Raises
        ------
        OnnxConversionError
            If the model cannot be converted or the converted model's
            predictions differ from the original's (``checked_conversion``).
        """
        try:
            scorer = checked_conversion(loaded.model, probe, threads)
        except OnnxConversionError as error:
            raise OnnxConversionError(f"model '{loaded.version}': {error}; not serving it") from error
        stamp = ModelStamp(version=loaded.version, trained_at=loaded.manifest["created"])
        return cls(loaded, Recommender(engine, scorer, stamp))

    @property
    def version(self) -> str:
        return self.loaded.version

    def recommend(self, context: FarmContext, options: Options = Options()) -> Answer:
        """The answer for one farm."""
        return self.recommender.answer(context, options)

    def scenarios(self, context: FarmContext, sets: Sequence[Sequence[str]],
                  options: Options = Options()) -> ScenarioAnswer:
        """The outcome of each set of practices on one farm
        (:func:`recommender.recommend.scenarios.scenarios`)."""
        return scenarios(self.recommender, context, sets, options)

    def recommend_batch(self, farms: Sequence[Mapping], options: Options = Options()) -> list[dict]:
        """Validate and answer each farm on its own, in input order.

        Each item is ``{"index", "status": "ok", "farm_id", "answer"}`` or, for
        a farm that does not validate, ``{"index", "status": "invalid",
        "farm_id", "errors"}`` with the field / problem / allowed records.
        """
        results = []
        for index, farm in enumerate(farms):
            try:
                context = FarmContext.model_validate(farm)
            except ValidationError as error:
                farm_id = farm.get("farm_id") if isinstance(farm, Mapping) else None
                # Echoed when it is a usable id.
                results.append({
                    "index": index, "status": "invalid",
                    "farm_id": farm_id if isinstance(farm_id, str) and len(farm_id) <= FARM_ID_MAX_LENGTH else None,
                    "answer": None, "errors": error_records(error),
                })
                continue
            results.append({"index": index, "status": "ok", "farm_id": context.farm_id,
                            "answer": self.recommend(context, options), "errors": None})
        return results


class ModelService:
    """The model in service, followed through the registry's pointer.

    Parameters
    ----------
    registry : ModelRegistry
        Where models and the ``IN_SERVICE`` pointer live.
    engine : Tier1Engine
        Shared by every model served.
    build : callable, optional
        Builds a model when the registry has none in service (first run);
        ``registry.load_or_build`` is used with it.
    threads : int
        onnxruntime threads per model.
    """

    def __init__(self, registry: ModelRegistry, engine: Tier1Engine,
                 build: Callable[[ModelRegistry], str] | None = None, threads: int = 1):
        self.registry = registry
        self.engine = engine
        self.build = build
        self.threads = threads
        #: The model answering requests; ``None`` until the first one loads.
        #: Replaced as a whole, never modified: readers need no lock.
        self.current: ServedModel | None = None
        #: Why the last load failed, if it did (logged; may name paths).
        self.last_error: str | None = None
        self._loading = threading.Lock()

    @property
    def problem(self) -> str | None:
        """Why the model in service cannot be (re)loaded, with paths left
        out: safe to tell any client. None when all is well."""
        return None if self.last_error is None else redact_paths(self.last_error)

    @cached_property
    def probe(self) -> Features:
        """Model inputs of the reference grid on which each converted model is checked."""
        return reference_probe(CandidateSource(self.engine))

    def refresh(self) -> bool:
        """Load the model in service if it is not the one served; True if swapped."""
        with self._loading:
            version = None
            try:
                # A damaged pointer raises here: handled like any failed load.
                version = self.registry.in_service_version()
                if self.current is not None and version == self.current.version:
                    self.last_error = None
                    return False
                if version is None and self.build is not None:
                    loaded = self.registry.load_or_build(self.build)
                else:
                    loaded = self.registry.load(version)
                served = ServedModel.load(loaded, self.engine, self.probe, self.threads)
            # Whatever goes wrong with the pointer or a new model (damaged,
            # missing, tampered, not convertible), the model in use keeps serving.
            except Exception as error:  # noqa: BLE001
                message = f"{type(error).__name__}: {error}"
                # Logged once per distinct failure, not at every check.
                if message != self.last_error:
                    log.error("could not load model %s from %s: %s; still serving %s", version or "in service",
                              self.registry.root, message,
                              self.current.version if self.current else "nothing")
                self.last_error = message
                return False
            previous, self.current, self.last_error = self.current, served, None
            log.info("serving model %s%s", served.version,
                     f" (was {previous.version})" if previous else "")
            return True

    def follow(self, interval_seconds: float, stop: threading.Event) -> None:
        """Load the model in service now, then check the pointer every
        ``interval_seconds`` until ``stop`` is set (run it in a thread).

        ``refresh`` handles every failure it expects; anything else is logged
        and the loop goes on, so the thread outlives any registry content.
        """
        while True:
            try:
                self.refresh()
            except Exception:  # the follower must never die
                log.exception("model follower: unexpected error; checking again in %g s", interval_seconds)
            if stop.wait(interval_seconds):
                return


#: An absolute path (``/a/b``): a word or dot does not precede it, so units
#: such as ``t C/ha/yr`` are left alone.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/[^\s'\",;()]*")


def redact_paths(message: str) -> str:
    """``message`` with absolute paths replaced by ``<path>``."""
    return _ABSOLUTE_PATH.sub("<path>", message)
