"""An answer's fields as flat columns: how batch scoring writes the typed answer."""

from typing import get_args, get_origin

from pydantic import BaseModel

from recommender.recommend.answer import Baseline, Bundle, Recommendation


def flat_columns(model: type[BaseModel], prefix: str = "") -> list[tuple[tuple[str, ...], str, type]]:
    """``(path, column, type)`` of every leaf of ``model``, as batch scoring writes it.

    Nested models are joined with ``_`` (``cost.usd_ha_min`` ->
    ``cost_usd_ha_min``; ``cost.class`` by its JSON name); a field may name its
    own columns (``json_schema_extra={"flat": [...]}``, one per list item).
    ``type`` is ``float``, ``int``, ``bool`` or ``str`` (text, lists of text
    joined). Lists of models are not flattened (a row of batch output is one
    of them).
    """
    columns = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        annotation = field.annotation
        nested = _model_of(annotation)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if nested is not None and get_origin(annotation) is not list:
            columns += [((name, *path), column, kind)
                        for path, column, kind in flat_columns(nested, f"{prefix}{key}_")]
        elif "flat" in extra:
            item = get_args(annotation)[0]
            names = extra["flat"]
            assert isinstance(names, list)
            columns += [((name, str(i)), f"{prefix}{column}", item) for i, column in enumerate(names)]
        elif nested is None:
            columns.append(((name,), f"{prefix}{key}", _leaf_type(annotation)))
    return columns


def _leaf_type(annotation) -> type:
    """``float``, ``int``, ``bool`` or ``str`` for a leaf's annotation."""
    for kind in (bool, int, float):  # bool first: it is an int
        if annotation is kind or kind in get_args(annotation):
            return kind
    return str


def _model_of(annotation) -> type[BaseModel] | None:
    """The model class in ``annotation`` (``M``, ``M | None``, ``list[M]``), if any."""
    candidates = [annotation, *get_args(annotation)]
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)


#: The flat columns (name -> type) of a recommendation, a bundle and a baseline,
#: as the typed answer defines them.
RECOMMENDATION_COLUMNS = {column: kind for _, column, kind in flat_columns(Recommendation)}
BUNDLE_COLUMNS = {column: kind for _, column, kind in flat_columns(Bundle, "bundle_")}
BASELINE_COLUMNS = {column: kind for _, column, kind in flat_columns(Baseline, "baseline_")}
