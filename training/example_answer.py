"""The example answers in the API docs: the README farm answered by the default model.

``python -m training.example_answer [--models-dir DIR]`` answers the README
farm (``FarmContext``'s example) with the model in service of ``DIR`` (the
default model is built there when none is) and rewrites
``recommender/data/example_answer.json``: the answer of
``POST /v1/recommendations`` and of ``POST /v1/scenarios`` for
:data:`EXAMPLE_SCENARIOS`. Rerun it when the science changes, so the
documentation shows today's numbers.
"""

import argparse
import json
from importlib import resources
from pathlib import Path

from recommender.inputs.farm import FarmContext
from recommender.model.registry import ModelRegistry, default_models_dir
from recommender.recommend.options import Options
from recommender.recommend.service import ModelService
from recommender.science.tier1 import Tier1Engine

from .default import build_default

EXAMPLE_SCENARIOS = (("cover_crops",), ("cover_crops", "legume_rotation"), ("no_till",))


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def example_answers(models_dir: Path) -> dict:
    service = ModelService(ModelRegistry(models_dir), Tier1Engine(), build=build_default)
    service.refresh()
    if service.current is None:
        raise SystemExit(f"no usable model in {models_dir}: {service.last_error}")
    farm = FarmContext.model_validate(FarmContext.model_config["json_schema_extra"]["examples"][0])
    options = Options(top_k=3, bundle_size=3)
    answer = service.current.recommend(farm, options).model_dump(mode="json")
    scenarios = service.current.scenarios(farm, EXAMPLE_SCENARIOS, options).model_dump(mode="json")
    # Trajectories shortened to every fifth year: the docs show their shape, not every value.
    for outcome in [*answer["recommendations"], answer["bundle"],
                    *(s["outcome"] for s in scenarios["scenarios"] if s["outcome"])]:
        for path in outcome["trajectories"]:
            path["years"], path["soc_t_ha"] = path["years"][::5], path["soc_t_ha"][::5]
    return _rounded({"answer": answer, "scenarios": scenarios})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models]")
    args = parser.parse_args(argv)
    target = Path(str(resources.files("recommender") / "data" / "example_answer.json"))
    payload = example_answers(args.models_dir or default_models_dir())
    target.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
