"""Building the default model on first use: training code, imported only when it runs."""

from recommender.model.registry import ModelRegistry


def build_default(registry: ModelRegistry) -> str:
    """Train the default model into ``registry``; return its version."""
    from training.default import build_default as build

    return build(registry)
