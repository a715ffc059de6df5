"""Golden answers: 300 varied farms answered as before the one-core refactor.

``golden_answers.json`` was written by the pre-refactor service path; the
answers of today's code must equal it to 1e-9 (numbers) and exactly
(everything else). A deliberate change of the science regenerates the file
in a commit that says why (``python tests/recommend/golden_farms.py --write``).
"""

import json
import math
from pathlib import Path

import pytest

from recommender.inputs.farm import FarmContext
from recommender.recommend.options import Options

GOLDEN = Path(__file__).with_name("golden_answers.json")
TOLERANCE = 1e-9


def differences(expected, actual, path="") -> list[str]:
    """Where ``actual`` differs from ``expected`` (numbers beyond the tolerance)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = expected.keys() | actual.keys()
        return [d for k in sorted(keys) for d in differences(expected.get(k), actual.get(k), f"{path}.{k}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items, now {len(actual)}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]")]
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) \
                and math.isclose(expected, actual, rel_tol=0, abs_tol=TOLERANCE):
            return []
    elif expected == actual:
        return []
    return [f"{path}: {expected!r} -> {actual!r}"]


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_answers_unchanged(golden, small_model, engine):
    from recommender.model.candidates import CandidateSource
    from recommender.model.reference_set import reference_probe
    from recommender.recommend.service import ServedModel

    served = ServedModel.load(small_model, engine, reference_probe(CandidateSource(engine)))
    found = []
    for case in golden:
        answer = served.recommend(FarmContext.model_validate(case["farm"]), Options(**case["options"]))
        answer = answer.model_dump(mode="json", by_alias=True, exclude={"model"})
        found += [f"{case['farm']['farm_id']}{d}" for d in differences(case["answer"], answer)]
    assert not found, f"{len(found)} differences, first ones:\n" + "\n".join(found[:20])
