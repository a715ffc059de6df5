"""Service settings, read from the environment (prefix ``RECOMMENDER_``).

Fail closed: ``RECOMMENDER_API_KEYS`` unset means no keys (an open service,
the operator's choice); set but holding no key (``""``, ``","``, or
``"${K1},${K2}"`` with both unset) is a mistake and refuses to start rather
than silently serving without keys. Keys are never logged or shown
(:func:`describe_errors` leaves input values out).
"""

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from recommender.model.registry import default_models_dir


class Settings(BaseSettings):
    """Everything the service can be told, e.g. ``RECOMMENDER_API_KEYS=k1,k2``."""

    model_config = SettingsConfigDict(env_prefix="RECOMMENDER_", frozen=True)

    models_dir: Path = Field(default_factory=default_models_dir,
                             description="Model registry; the default model is built there on first run")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default=[], repr=False,
        description="Accepted X-API-Key values, comma-separated; none: no key needed")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[], description="Origins allowed by CORS, comma-separated ('*' for any); none: CORS off")
    max_batch_farms: int = Field(default=100, ge=1, le=10_000, description="Farms per batch request")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body, bytes")
    model_check_seconds: float = Field(
        default=10.0, gt=0, description="How often the IN_SERVICE pointer is checked for a new model")
    threads: int = Field(default=1, ge=1, le=64,
                         description="Native threads per worker (onnxruntime, BLAS, OpenMP)")

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value, info: ValidationInfo):
        if isinstance(value, str):
            items = [item.strip() for item in value.split(",") if item.strip()]
            if info.field_name == "api_keys" and not items:
                raise ValueError("is set but holds no key (blank after splitting on commas); give "
                                 "comma-separated keys, or unset the variable to serve without keys")
            return items
        return value


def describe_errors(error: ValidationError) -> str:
    """Settings errors on one line, naming each variable, never its value (it may be a key)."""
    return "; ".join(f"RECOMMENDER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
                     for e in error.errors())
