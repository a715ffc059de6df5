"""Turning validation errors into field / problem / allowed-values records.

Shared by the CLI, the API and batch scoring so a bad value reads the same
everywhere.
"""

import math
import re
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: JSON parsers (Python's among them) accept NaN and Infinity; the range
#: message pydantic gives for them ("should be <= 100") would mislead.
NOT_FINITE = "NaN and Infinity are not numbers; give a finite number (or leave the field out)"

class FieldError(BaseModel):
    """One problem with an input: which field, what is wrong, what is allowed."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"field": "land_use", "problem": "Field required", "allowed": None}]})

    field: str = Field(description="Dotted path of the field, '(body)' for the body as a whole")
    problem: str
    allowed: list[str] | None = Field(description="Allowed values, where they are a list")


def error_records(error: ValidationError | Sequence[Mapping]) -> list[dict]:
    """One record per problem: ``field`` (dotted path), ``problem``, ``allowed``.

    ``error`` is a ``ValidationError`` or the list of its ``errors()`` (the
    form web frameworks hand over).
    """
    records = []
    items = error.errors(include_url=False) if isinstance(error, ValidationError) else error
    for item in items:
        field = ".".join(str(part) for part in item["loc"]) or "(body)"
        message = item["msg"].removeprefix("Value error, ")
        value = item.get("input")
        if isinstance(value, float) and not math.isfinite(value):
            message = NOT_FINITE
        allowed = None
        expected = (item.get("ctx") or {}).get("expected")
        if expected:
            allowed = [v.strip().strip("'") for v in re.split(r",| or ", expected) if v.strip()]
        elif "allowed: " in message:
            allowed = [v.strip() for v in message.split("allowed: ", 1)[1].split(",")]
        records.append({"field": field, "problem": message, "allowed": allowed})
    return records


def describe(error: ValidationError) -> str:
    """A readable multi-line description of a validation error."""
    return "\n".join(f"{r['field']}: {r['problem']}" for r in error_records(error))
