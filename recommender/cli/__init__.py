"""The ``recommender`` command line: a thin shell over the library."""

from importlib import import_module

import click

#: Command name -> module of ``recommender.cli`` defining it under that name.
#: Imported on use, so a quick command does not pay for the service or
#: scikit-learn imports of the others.
COMMANDS = {
    "practices": "practices",
    "assess": "assess",
    "recommend": "recommend",
    "serve": "serve",
    "score": "score",
    "train": "train",
    "model": "models",
    "rothc": "rothc",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return getattr(import_module(f"{__name__}.{COMMANDS[name]}"), name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="soil-carbon-recommender")
def main() -> None:
    """Soil-carbon practice recommendations for the 4 per 1000 initiative.

    Estimates (IPCC 2019 Tier 1 prior, refined by a trained model) are in
    t C/ha/yr for the top 30 cm of soil. Run `recommender COMMAND --help` for
    each command.
    """
