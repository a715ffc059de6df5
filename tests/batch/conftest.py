"""Batch-scoring fixtures: the survey of ``batch_survey`` and a scorer of the small model."""

import pandas as pd
import pytest
from batch_survey import make_survey

from recommender.batch.scoring import chunk_scorer
from recommender.recommend.options import Options


@pytest.fixture(scope="session")
def survey() -> pd.DataFrame:
    return make_survey()


@pytest.fixture(scope="session")
def scorer(small_model, engine):
    """The chunk scorer of the small model with the default options."""
    return chunk_scorer(small_model.model, engine, Options(), small_model.version)
