"""Example answers (the README farm, answered by the default model), shown in the API docs.

Written by ``python -m training.example_answer`` with today's science, so the
documentation shows real numbers; it is documentation, nothing reads it as
data.
"""

import json
from importlib import resources

_EXAMPLES = json.loads((resources.files("recommender") / "data" / "example_answer.json").read_text(encoding="utf-8"))

#: The answer of ``POST /v1/recommendations`` (top 3, bundles of up to 3).
EXAMPLE = _EXAMPLES["answer"]
#: The answer of ``POST /v1/scenarios`` for three sets, one of them refused.
SCENARIO_EXAMPLE = _EXAMPLES["scenarios"]
