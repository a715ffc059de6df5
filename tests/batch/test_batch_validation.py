"""Vectorised validation: rejects with reasons, and the semantics of FarmContext."""

import contextlib

import numpy as np
import pandas as pd
import pytest
from batch_survey import BAD
from pydantic import ValidationError

from recommender.batch.ids import SeenIds
from recommender.batch.validation import (
    REJECT_COLUMNS,
    SurveyError,
    check_columns,
    validate_chunk,
)
from recommender.inputs.farm import ContextKey, FarmContext


def test_bad_rows_are_rejected_with_row_number_column_and_reason(survey):
    validated = validate_chunk(survey, 1, SeenIds())
    rejects = validated.rejects
    assert list(rejects.columns) == list(REJECT_COLUMNS)
    assert len(rejects) == len(BAD)
    assert len(validated.contexts) + len(rejects) == len(survey)
    reasons = dict(zip(rejects["row"], rejects["reason"]))
    for reason, row in survey.attrs["bad_rows"].items():
        assert reason in reasons[row], (row, reasons[row])
    assert set(rejects["columns"]) >= {"climate_zone", "soil_texture", "farm_id", "current_practices",
                                       "soc_t_ha", "clay_pct"}


def test_valid_contexts_are_resolved_like_farm_context(survey):
    contexts = validate_chunk(survey, 1, SeenIds()).contexts
    first = contexts.iloc[0]
    expected = FarmContext.model_validate(
        {k: v for k, v in survey.iloc[0].items() if v and k != "region"}
        | {"current_practices": [p for p in survey.iloc[0]["current_practices"].split(";") if p]}).key
    assert ContextKey(*(first[f] for f in ContextKey._fields)) == expected
    assert contexts["row"].tolist() == sorted(contexts["row"])


def test_duplicates_are_found_across_chunks(survey):
    seen = SeenIds()
    head, tail = survey.iloc[:30], survey.iloc[30:].copy()
    tail.iloc[0, tail.columns.get_loc("farm_id")] = survey.iloc[5]["farm_id"]
    validate_chunk(head, 1, seen)
    rejects = validate_chunk(tail, 31, seen).rejects
    row = rejects.loc[rejects["row"] == 31, "reason"].item()
    assert "duplicate: row 6 has the same farm_id" in row


def test_missing_and_misspelt_columns_stop_the_run():
    with pytest.raises(SurveyError, match="missing required column 'land_use'"):
        check_columns(["farm_id", "climate_zone", "soil_texture"])
    with pytest.raises(SurveyError, match="did you mean 'soc_t_ha'"):
        check_columns(["farm_id", "climate_zone", "soil_texture", "land_use", "soc_t_hа"])
    assert check_columns(["farm_id", "climate_zone", "soil_texture", "land_use", "region"]) == ["region"]


#: Per column: values FarmContext accepts on their own, then values it refuses
#: (or that make the row invalid with some other values: practices, stocks).
VALUES = {
    "climate_zone": (["warm_temperate_moist", "tropical_dry", "tropical_moist", "boreal_dry"], ["tropcal_dry", ""]),
    "soil_texture": (["loam", "sand", "clay", "loamy_sand"], ["loamy", ""]),
    "soil_class": (["", "", "", "HAC", "LAC"], ["spodic", "wetland", "volcano"]),
    "land_use": (["cropland", "grassland", "paddy_rice", "perennial_cropland"], ["forest", ""]),
    "degradation": (["", "none", "moderate", "severe"], ["high"]),
    "current_practices": (["", "", "no_till", "cover_crops;manure", "biochar", "cover_crops;;"],
                          ["no_till;reduced_tillage", "improved_grazing", "rice_straw_management", "mulch"]),
    "clay_pct": (["", "", "5", "12.5", "100"], ["-1", "abc"]),
    "soc_t_ha": (["", "", "45.2", "1000"], ["0", "1200", "x"]),
    "area_ha": (["", "3.5"], ["0", "inf"]),
}
#: Share of cells drawn from the refused values.
BAD_SHARE = 0.05


def _farm_context_verdict(row: dict) -> set[str]:
    """The fields FarmContext refuses for ``row`` (empty when valid)."""
    data = {k: v for k, v in row.items() if v != ""}
    if "current_practices" in data:
        data["current_practices"] = [p for p in data["current_practices"].split(";") if p]
    for column in ("clay_pct", "soc_t_ha", "area_ha"):  # a survey's text cells, read as numbers when they are
        with contextlib.suppress(KeyError, ValueError):
            data[column] = float(data[column])
    try:
        FarmContext.model_validate(data)
    except ValidationError as error:
        return {str(e["loc"][0]) for e in error.errors()}
    return set()


def test_vectorised_validation_agrees_with_farm_context_on_a_random_sample():
    rng = np.random.default_rng(7)
    sample = pd.DataFrame({c: np.where(rng.random(400) < BAD_SHARE, rng.choice(bad, 400), rng.choice(good, 400))
                           for c, (good, bad) in VALUES.items()})
    sample.insert(0, "farm_id", [f"R{i}" for i in range(len(sample))])
    validated = validate_chunk(sample, 1, SeenIds())
    refused = dict(zip(validated.rejects["row"], validated.rejects["columns"].str.split(";").map(set)))
    verdicts = [_farm_context_verdict(row) for row in sample.to_dict("records")]
    assert 50 < sum(not v for v in verdicts) < 350  # the sample holds both kinds
    for number, verdict in enumerate(verdicts, start=1):
        assert refused.get(number, set()) == verdict, (sample.iloc[number - 1].to_dict(), refused.get(number))
