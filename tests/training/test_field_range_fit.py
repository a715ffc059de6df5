"""Fitting the field range on paired observations (training/field_range.py)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.field_range import departures, fit, held_out_coverage, table

SOILHEALTHDB = Path(__file__).resolve().parents[3] / "shared" / "data" / "soilhealthdb" / "SoilHealthDB_V2.csv"


def synthetic(n_studies=60, per_study=8, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    studies = np.repeat([f"s{i}" for i in range(n_studies)], per_study)
    return pd.DataFrame({"study_id": studies, "stock": rng.uniform(20, 80, len(studies)),
                         "departure": rng.normal(0.5, 1.0, len(studies))})


def test_recovers_the_quantiles_of_a_known_spread():
    figures = fit(synthetic())
    # Normal(0.5, 1): p10 = 0.5 - 1.2816, p90 = 0.5 + 1.2816 (sampling error of 480 draws ~ 0.08)
    assert figures["p10_intercept"] == pytest.approx(0.5 - 1.2816, abs=0.2)
    assert figures["p90_intercept"] == pytest.approx(0.5 + 1.2816, abs=0.2)
    assert figures["p10_per_stock"] == figures["p90_per_stock"] == 0.0


def test_held_out_coverage_is_near_eighty_percent_and_stated_in_the_table():
    frame = synthetic()
    coverage = held_out_coverage(frame, seeds=2)
    assert 0.72 <= coverage[1] <= coverage[0] <= coverage[2] <= 0.88
    text = table(fit(frame), coverage, frame)
    assert text.startswith("parameter,value,unit,source,note\n") and "60 studies" in text


@pytest.mark.slow
@pytest.mark.skipif(not SOILHEALTHDB.is_file(), reason=f"SoilHealthDB not found at {SOILHEALTHDB}")
def test_the_stored_range_is_what_soilhealthdb_gives(engine, kb):
    from training.datasets.soilhealthdb import convert

    frame = departures(convert(SOILHEALTHDB, engine).observations, engine)
    figures = fit(frame)
    for name in ("p10_intercept", "p90_intercept"):
        assert kb.field_range[name] == pytest.approx(figures[name], abs=1e-5), name
    mean, low, high = held_out_coverage(frame)
    assert 0.75 <= low and high <= 0.85  # the target: 80 +/- 5 % of held-out studies
    assert kb.field_range["heldout_coverage"] == pytest.approx(mean, abs=1e-4)
