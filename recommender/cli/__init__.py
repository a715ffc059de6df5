"""The ``recommender`` command line: a thin shell over the library.

No traceback reaches a user: each command turns the errors it expects into
one line that says what, where and how to fix; anything else is caught here
and told in one line with exit status 1 (``RECOMMENDER_DEBUG=1`` shows the
traceback, for a bug report).
"""

import os
from importlib import import_module

import click

#: Set (to anything but empty or 0) to let unexpected errors show their traceback.
DEBUG_ENV = "RECOMMENDER_DEBUG"

#: Command name -> (module of ``recommender.cli`` defining it under that
#: name, one-line help). Modules are imported on use, so a quick command (or
#: ``--help``) does not pay for the service, scikit-learn or training
#: imports of the others.
COMMANDS = {
    "practices": ("practices", "List the practice catalogue: family, where it applies, effect, cost."),
    "assess": ("assess", "Tier 1 stock, 4 per 1000 target and the gain of every applicable practice."),
    "recommend": ("recommend", "Rank the practices for one farm with the model in service."),
    "serve": ("serve", "Serve the recommendation API and the advisor page."),
    "score": ("score", "Score a farm survey (CSV or Parquet) with the model in service."),
    "train": ("train", "Train a model on the reference set plus your observations; evaluate, save, promote."),
    "model": ("models", "List, inspect, verify and promote the models of the registry."),
    "rothc": ("rothc", "Run the RothC soil-carbon model on an input file."),
    "climate-zone": ("climate_zone", "The IPCC climate zone of a site from its climate normals."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        # A dash in the command name is an underscore in the Python name.
        return getattr(import_module(f"{__name__}.{COMMANDS[name][0]}"), name.replace("-", "_"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:
            if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                raise
            message = str(error).splitlines()[0] if str(error) else ""
            raise click.ClickException(
                f"unexpected {type(error).__name__}: {message} (a bug: please report it with the command; "
                f"{DEBUG_ENV}=1 shows the details)") from error


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="soil-carbon-recommender")
def main() -> None:
    """Soil-carbon practice recommendations for the 4 per 1000 initiative.

    Estimates (IPCC 2019 Tier 1 prior, refined by a trained model) are in
    t C/ha/yr for the top 30 cm of soil. Run `recommender COMMAND --help` for
    each command.
    """
