"""Soil-carbon practice recommendations for the 4 per 1000 initiative.

The library, by layer (each imports only the ones above it):

* :mod:`recommender.knowledge`: the tables of ``recommender/data`` (IPCC
  Tier 1 factors and stocks, the practice catalogue, method constants), each
  with its source, loaded and checked;
* :mod:`recommender.inputs`: what a farm is (:class:`FarmContext`, the one
  definition of a valid farm) and its rules applied to table columns;
* :mod:`recommender.science`: the carbon accounting (IPCC Tier 1 engine,
  uncertainty, depth correction) and the RothC process model;
* :mod:`recommender.model`: the trained gain model, its inputs, its ONNX
  conversion and the model registry;
* :mod:`recommender.recommend`: the ranking kernel and the typed
  :class:`Answer`, for one farm or many;
* :mod:`recommender.batch`: surveys in files, on one machine or Dask.

The command line (:mod:`recommender.cli`), the HTTP service (``api/``) and
retraining (``training/``) are shells around it.
"""

from importlib import import_module
from typing import Any

#: The public surface, by where each name lives; imported on first use so
#: that ``import recommender`` (and every CLI command) stays quick.
_PUBLIC = {
    "FarmContext": "recommender.inputs.farm",
    "ContextKey": "recommender.inputs.farm",
    "Options": "recommender.recommend.options",
    "OBJECTIVES": "recommender.recommend.objectives",
    "Answer": "recommender.recommend.answer",
    "Recommender": "recommender.recommend.recommender",
    "ServedModel": "recommender.recommend.service",
    "ModelService": "recommender.recommend.service",
    "ModelRegistry": "recommender.model.registry",
    "Tier1Engine": "recommender.science.tier1",
    "load_knowledge_base": "recommender.knowledge",
    "catalogue": "recommender.knowledge.catalogue",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'recommender' has no attribute '{name}'")
    return getattr(import_module(_PUBLIC[name]), name)
