"""Answers: their shape, the cache, the service's ONNX path and batch's flat rows agree."""

import json

import numpy as np
import pytest
from test_kernel import random_farms, table_of

from recommender.inputs.farm import FarmContext
from recommender.model.onnx import OnnxGainModel
from recommender.recommend.answer import Answer, ModelStamp, Recommendation
from recommender.recommend.flat import RECOMMENDATION_COLUMNS, flat_columns
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender

FARM = FarmContext(farm_id="demo-001", climate_zone="warm_temperate_moist", soil_texture="silt_loam",
                   land_use="cropland", current_practices=["reduced_tillage"], area_ha=12.5)


@pytest.fixture(scope="module")
def recommender(small_model, engine):
    return Recommender(engine, small_model.model, ModelStamp(version=small_model.version, trained_at="then"))


def test_answer_shape_and_invariants(recommender):
    answer = recommender.answer(FARM, Options(top_k=4, bundle_size=3))
    assert answer.farm_id == "demo-001" and answer.model.version == recommender.stamp.version
    assert answer.baseline.target_4p1000_t_c_ha_yr == pytest.approx(0.004 * answer.baseline.soc_t_ha)
    assert [r.rank for r in answer.recommendations] == [1, 2, 3, 4]
    for r in answer.recommendations:
        low, high = r.interval_t_c_ha_yr
        assert low <= r.expected_gain_t_c_ha_yr <= high
        assert r.practice_id not in FARM.current_practices
        assert r.meets_4p1000 == (r.share_of_4p1000_target >= 1)
        assert r.expected_gain_t_co2e_ha_yr == pytest.approx(r.expected_gain_t_c_ha_yr * 44 / 12)
        correction = round(r.expected_gain_t_c_ha_yr - r.accounting_prior_t_c_ha_yr, 3)
        direction = "raises" if correction > 0 else "lowers" if correction < 0 else "keeps"
        assert f"The trained model {direction} the accounting prior" in r.rationale
    assert "no_till" not in answer.bundle.practice_ids and len(answer.bundle.practice_ids) <= 3


def test_no_bundle_when_size_zero_and_the_json_round_trips(recommender):
    answer = recommender.answer(FARM, Options(bundle_size=0, top_k=2))
    assert answer.bundle is None and len(answer.recommendations) == 2
    assert Answer.model_validate_json(answer.model_dump_json(by_alias=True)) == answer
    assert json.loads(answer.model_dump_json(by_alias=True))["recommendations"][0]["cost"]["class"]


def test_cached_answers_carry_each_farm_id(recommender):
    farm = FARM.model_copy(update={"soc_t_ha": None})
    first = recommender.answer(farm.model_copy(update={"farm_id": "a"}), Options())
    second = recommender.answer(farm.model_copy(update={"farm_id": "b"}), Options())
    assert (first.farm_id, second.farm_id) == ("a", "b")
    assert first.model_copy(update={"farm_id": "b"}) == second


def test_onnx_gives_the_scikit_learn_answers(small_model, engine, recommender):
    converted = Recommender(engine, OnnxGainModel(small_model.model), recommender.stamp)
    for farm in random_farms(100, seed=1):
        mine, theirs = converted.answer(farm, Options()), recommender.answer(farm, Options())
        assert [r.practice_id for r in mine.recommendations] == [r.practice_id for r in theirs.recommendations]
        for a, b in zip(mine.recommendations, theirs.recommendations):
            assert a.expected_gain_t_c_ha_yr == pytest.approx(b.expected_gain_t_c_ha_yr, abs=1e-12)


def flatten(recommendation: Recommendation) -> dict:
    """A typed recommendation as batch writes it (the paths of ``flat_columns``)."""
    dumped = recommendation.model_dump(by_alias=False)
    row = {}
    for path, column, _ in flat_columns(Recommendation):
        value = dumped
        for step in path:
            value = value[int(step)] if isinstance(value, list) else value[step]
        row[column] = value
    return row


def test_flat_columns_are_the_typed_answers_flattened(recommender):
    farms = random_farms(50, seed=5)
    options = Options(top_k=6)
    table = table_of(recommender, farms, options)
    columns = table.recommendation_columns
    assert list(RECOMMENDATION_COLUMNS) == [c for c in columns if c != "farm"]
    for f, farm in enumerate(farms):
        rows = np.flatnonzero(columns["farm"] == f)
        typed = [flatten(r) for r in table.answer(f, farm.farm_id).recommendations]
        flat = [{c: columns[c][i] for c in RECOMMENDATION_COLUMNS} for i in rows]
        assert len(typed) == len(flat)
        for mine, theirs in zip(typed, flat):
            for column, value in mine.items():
                expected = theirs[column]
                if isinstance(value, float):
                    assert value == pytest.approx(expected, abs=1e-12), column
                else:
                    assert value == (list(expected) if isinstance(expected, tuple) else expected), column
