"""Reading the package's data tables with schema checks and clear errors."""

from importlib import resources
from typing import Any

import pandas as pd
import yaml


class KnowledgeBaseError(ValueError):
    """A table of the knowledge base is missing, malformed or inconsistent."""


def data_path(name: str):
    """Path of a packaged data file (never read from the working directory)."""
    return resources.files("recommender") / "data" / name


def read_table(name: str, columns: dict[str, str], key: list[str]) -> pd.DataFrame:
    """Read ``recommender/data/<name>`` and check its columns, types and key.

    Parameters
    ----------
    name : str
        File name in ``recommender/data``.
    columns : dict
        Required column -> ``"str"``, ``"float"``, or ``"str?"`` / ``"float?"``
        for columns that may be empty.
    key : list of str
        Columns whose combination must be unique.
    """
    with data_path(name).open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KnowledgeBaseError(
            f"{name}: missing column(s) {missing}; the table needs {list(columns)}."
        )
    for column, kind in columns.items():
        if kind == "str?":
            continue
        if kind == "str":
            empty = frame.index[frame[column].str.strip() == ""]
            if len(empty):
                raise KnowledgeBaseError(
                    f"{name}: column '{column}' is empty on data row(s) {list(empty + 1)}."
                )
            continue
        values = pd.to_numeric(frame[column].replace("", None), errors="coerce")
        bad = frame.index[values.isna() & (frame[column] != "")]
        if len(bad) or (kind == "float" and values.isna().any()):
            rows = list(bad + 1) if len(bad) else list(frame.index[values.isna()] + 1)
            raise KnowledgeBaseError(
                f"{name}: column '{column}' needs a number on data row(s) {rows}."
            )
        frame[column] = values.astype(float)
    duplicated = frame[frame.duplicated(key, keep=False)]
    if len(duplicated):
        raise KnowledgeBaseError(
            f"{name}: duplicate key {key} on data row(s) {list(duplicated.index + 1)}."
        )
    return frame


def read_yaml(name: str) -> Any:
    """Load ``recommender/data/<name>`` as YAML."""
    with data_path(name).open("r", encoding="utf-8") as handle:
        try:
            return yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise KnowledgeBaseError(f"{name}: not valid YAML: {error}") from error


def require_values(name: str, frame: pd.DataFrame, column: str, allowed) -> None:
    """Refuse values of ``column`` outside ``allowed``, naming them."""
    unknown = sorted(set(frame[column]) - set(allowed))
    if unknown:
        raise KnowledgeBaseError(
            f"{name}: column '{column}' has unknown value(s) {unknown}; "
            f"allowed: {', '.join(sorted(allowed))}."
        )
