"""The ranking options every command that ranks offers (recommend, score)."""

import functools
from collections.abc import Callable

import click

from recommender.recommend.objectives import OBJECTIVES, describe_objectives
from recommender.recommend.options import BUNDLE_SIZE_RANGE, HORIZON_YEARS_RANGE, TOP_K_RANGE, Options

_DEFAULT = Options()


def ranking_options(command: Callable) -> Callable:
    """Add --objective, --top-k, --bundle-size and --horizon to ``command``
    (it receives them as ``options``, an :class:`Options`)."""
    decorators = [
        click.option("--objective", type=click.Choice(list(OBJECTIVES)), default=_DEFAULT.objective,
                     show_default=True, help=describe_objectives() + "."),
        click.option("--top-k", type=click.IntRange(*TOP_K_RANGE), default=_DEFAULT.top_k, show_default=True,
                     help="How many practices to list per farm."),
        click.option("--bundle-size", type=click.IntRange(*BUNDLE_SIZE_RANGE), default=_DEFAULT.bundle_size,
                     show_default=True, help="Most practices in a bundle; 0 for none."),
        click.option("--horizon", type=click.FloatRange(*HORIZON_YEARS_RANGE), default=_DEFAULT.horizon_years,
                     show_default=True, help="Years over which to sum each gain (saturation applies)."),
    ]

    # ``wraps`` also carries the click options already attached to ``command``.
    @functools.wraps(command)
    def with_options(objective: str, top_k: int, bundle_size: int, horizon: float, **kwargs):
        options = Options(objective=objective, top_k=top_k, bundle_size=bundle_size, horizon_years=horizon)
        return command(options=options, **kwargs)

    for decorate in reversed(decorators):
        with_options = decorate(with_options)
    return with_options
