"""The ``recommender`` command line: a thin shell over the library."""

import click

from .assess import assess
from .models import model
from .train import train
from .practices import practices
from .recommend import recommend
from .score import score
from .serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="soil-carbon-recommender")
def main() -> None:
    """Soil-carbon practice recommendations for the 4 per 1000 initiative.

    Estimates (IPCC 2019 Tier 1 prior, refined by a trained model) are in
    t C/ha/yr for the top 30 cm of soil. Run `recommender COMMAND --help` for
    each command.
    """


main.add_command(practices)
main.add_command(assess)
main.add_command(train)
main.add_command(model)
main.add_command(recommend)
main.add_command(serve)
main.add_command(score)
