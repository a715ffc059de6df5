"""The bibliography every figure of the knowledge base points to."""

from recommender.knowledge._tables import KnowledgeBaseError, read_yaml

NAME = "sources.yaml"


def load_sources() -> dict[str, dict[str, str]]:
    """Source key -> ``{"citation": ..., "doi_or_url": ...}``."""
    sources = read_yaml(NAME)
    if not isinstance(sources, dict) or not sources:
        raise KnowledgeBaseError(f"{NAME}: must map source keys to references.")
    for key, entry in sources.items():
        if not isinstance(entry, dict) or not str(entry.get("citation", "")).strip():
            raise KnowledgeBaseError(f"{NAME}: source '{key}' needs a 'citation'.")
    return sources
