"""The chunk scorer gives each farm what the API's ``recommend`` gives it."""

import numpy as np
import pytest

from recommender.batch.ids import SeenIds
from recommender.batch.scoring import ROW_COLUMNS, SUMMARY_COLUMNS, TRAJECTORY_COLUMNS, chunk_scorer
from recommender.batch.validation import validate_chunk
from recommender.inputs.farm import FarmContext
from recommender.model.candidates import CandidateSource
from recommender.model.distinct_rows import DistinctRowsModel
from recommender.model.reference_set import context_candidates
from recommender.recommend.answer import ModelStamp
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender


def _contexts(survey):
    """The valid rows of ``survey`` as FarmContexts, with their row numbers."""
    valid = validate_chunk(survey, 1, SeenIds()).contexts
    records = survey.iloc[valid["row"] - 1].drop(columns="region").to_dict("records")
    farms = []
    for record in records:
        data = {k: v for k, v in record.items() if v != ""}
        data["current_practices"] = [p for p in data.get("current_practices", "").split(";") if p]
        data |= {k: float(data[k]) for k in ("clay_pct", "soc_t_ha", "area_ha") if k in data}  # CSV text cells
        farms.append(FarmContext.model_validate(data))
    return valid, farms


#: ONNX and scikit-learn agree to ~1e-15 t C/ha/yr.
TOLERANCE = 1e-9


@pytest.mark.parametrize("onnx", [False, True])
@pytest.mark.parametrize("options", [Options(), Options(objective="balanced", top_k=3, bundle_size=2)])
def test_scores_equal_the_api_answer_for_each_farm(survey, small_model, engine, onnx, options):
    valid, farms = _contexts(survey)
    scored = chunk_scorer(small_model.model, engine, options, small_model.version, onnx)(valid)
    assert list(scored.rows.columns) == list(ROW_COLUMNS)
    assert list(scored.summary.columns) == list(SUMMARY_COLUMNS)
    reference = Recommender(engine, small_model.model, ModelStamp(version=small_model.version, trained_at=""))
    answers = [reference.answer(farm, options).model_dump(by_alias=True) for farm in farms]
    assert len(scored.summary) == len(farms)
    for answer, (_, summary) in zip(answers, scored.summary.iterrows()):
        rows = scored.rows[scored.rows["farm_id"] == answer["farm_id"]]
        expected = answer["recommendations"]
        assert rows["rank"].tolist() == [r["rank"] for r in expected]
        assert rows["practice_id"].tolist() == [r["practice_id"] for r in expected]
        assert rows["rationale"].tolist() == [r["rationale"] for r in expected]
        for column, key in (("expected_gain_t_c_ha_yr", "expected_gain_t_c_ha_yr"),
                            ("share_of_4p1000_target", "share_of_4p1000_target"),
                            ("gain_over_horizon_t_c_ha", "gain_over_horizon_t_c_ha"),
                            ("soc_at_horizon_t_c_ha", "soc_at_horizon_t_c_ha"),
                            ("equilibrium_soc_t_ha", "equilibrium_soc_t_ha"),
                            ("net_climate_t_co2e_ha_yr", "net_climate_t_co2e_ha_yr")):
            assert rows[column].tolist() == pytest.approx([r[key] for r in expected], abs=TOLERANCE)
        assert rows["interval_p10_t_c_ha_yr"].tolist() == pytest.approx(
            [r["interval_t_c_ha_yr"][0] for r in expected], abs=TOLERANCE)
        assert rows["field_range_p90_t_c_ha_yr"].tolist() == pytest.approx(
            [r["field_range_t_c_ha_yr"][1] for r in expected], abs=TOLERANCE)
        assert rows["emissions_t_co2e_ha_yr_n2o"].tolist() == pytest.approx(
            [r["emissions_t_co2e_ha_yr"]["n2o"] for r in expected], abs=TOLERANCE)
        assert rows["carbon_origin"].tolist() == [r["carbon_origin"] for r in expected]
        assert rows["capped_by_capacity"].tolist() == [r["capped_by_capacity"] for r in expected]
        assert rows["caveats"].tolist() == [" | ".join(r["caveats"]) for r in expected]
        assert summary["baseline_capacity_t_c_ha"] == pytest.approx(answer["baseline"]["capacity_t_c_ha"])
        assert summary["baseline_soc_t_ha"] == pytest.approx(answer["baseline"]["soc_t_ha"], abs=TOLERANCE)
        assert summary["baseline_soc_source"] == answer["baseline"]["soc_source"]
        bundle = answer["bundle"]
        if bundle is None:
            assert summary["bundle_practice_ids"] != summary["bundle_practice_ids"]  # NaN
        else:
            assert summary["bundle_practice_ids"] == ";".join(bundle["practice_ids"])
            assert summary["bundle_expected_gain_t_c_ha_yr"] == pytest.approx(
                bundle["expected_gain_t_c_ha_yr"], abs=TOLERANCE)
            assert summary["bundle_meets_4p1000"] == bundle["meets_4p1000"]


def test_trajectories_are_the_answers_paths_in_a_long_table(survey, small_model, engine):
    valid, farms = _contexts(survey)
    options = Options(top_k=3, bundle_size=2, horizon_years=12.5)
    scored = chunk_scorer(small_model.model, engine, options, small_model.version, trajectories=True)(valid)
    assert list(scored.trajectories.columns) == list(TRAJECTORY_COLUMNS)
    reference = Recommender(engine, small_model.model, ModelStamp(version=small_model.version, trained_at=""))
    for farm in farms:
        answer = reference.answer(farm, options)
        items = [(r.rank, r.practice_id, r.trajectories) for r in answer.recommendations]
        if answer.bundle:
            items.append((0, ";".join(answer.bundle.practice_ids), answer.bundle.trajectories))
        expected = [(rank, ids, path.method, year, soc) for rank, ids, paths in items for path in paths
                    for year, soc in zip(path.years, path.soc_t_ha)]
        got = scored.trajectories[scored.trajectories["farm_id"] == farm.farm_id]
        assert [row[:4] for row in expected] == list(zip(got["rank"], got["practice_ids"], got["method"], got["year"]))
        assert got["soc_t_ha"].tolist() == pytest.approx([row[4] for row in expected], abs=TOLERANCE)
        # 0, 1, ..., 12, 12.5: 14 years per method and listed item (RothC: not on paddies).
        assert len(got) == 14 * (3 if farm.land_use != "paddy_rice" else 2) * len(items)
    assert chunk_scorer(small_model.model, engine, options, small_model.version)(valid).trajectories is None


def test_distinct_rows_model_predicts_exactly_what_the_model_predicts(survey, small_model, engine):
    valid = validate_chunk(survey, 1, SeenIds()).contexts
    valid["soc_t_ha"] = np.random.default_rng(1).uniform(10, 150, len(valid))  # all different
    features = context_candidates(CandidateSource(engine), valid).features
    model = DistinctRowsModel(small_model.model)
    half = np.arange(len(features) // 2)
    first = model.residuals(features.take(half))
    whole = model.residuals(features)  # half of it remembered from the first call
    direct = small_model.model.residuals(features)
    assert (first == direct[half]).all()
    assert (whole == direct).all()
    assert model.predicted_rows < len(features)
    predicted = model.predicted_rows
    assert (model.residuals(features.take(half[::-1])) == direct[half[::-1]]).all()
    assert model.predicted_rows == predicted  # all remembered
