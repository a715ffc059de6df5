"""``recommender serve``: the HTTP API under uvicorn."""

import copy
import os
from pathlib import Path

import click

from recommender.model.registry import MODELS_DIR_ENV

#: Native thread pools limited per worker, before any worker starts them.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _log_config() -> dict:
    """uvicorn's logging, plus the project's own loggers (model loads, first-run build)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for name in ("recommender", "training"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes; each loads the model once and uses one core.")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models].")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One log line per request (costs ~10 % of throughput).")
def serve(host: str, port: int, workers: int, models_dir: Path | None, access_log: bool) -> None:
    """Serve the recommendation API (OpenAPI docs at /docs).

    POST /v1/recommendations, POST /v1/recommendations/batch, GET
    /v1/practices, GET /v1/model, GET /healthz, GET /readyz. On first run,
    with no model in service, the default model is built from the reference
    set (about half a minute; /readyz answers 200 once it is loaded). Other
    settings come from RECOMMENDER_* environment variables (see README).
    """
    # Imported here: the other commands need not load the web stack.
    import uvicorn
    from pydantic import ValidationError

    from api.settings import Settings, describe_errors

    # Workers are new processes: they read the registry and thread limits
    # from the environment.
    if models_dir is not None:
        os.environ[MODELS_DIR_ENV] = str(models_dir)
    try:
        threads = str(Settings().threads)  # also fails fast on a bad RECOMMENDER_* variable
    except ValidationError as error:
        raise click.ClickException(f"bad setting: {describe_errors(error)} (see the README's settings table)") \
            from None
    for name in _THREAD_VARIABLES:
        os.environ.setdefault(name, threads)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=access_log, log_config=_log_config())
