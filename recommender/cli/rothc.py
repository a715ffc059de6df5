"""``recommender rothc run``: the RothC model on a RothC input file.

The output reproduces the reference code's files (``year_results.csv``,
``month_results.csv``) column for column, so results can be compared with
Rothamsted's. The model modules are imported inside the command, so
``recommender --help`` does not pay for numpy or the parameter table.
"""

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..science.rothc.input_file import RothCInput

#: The columns of the reference code's output files.
HEADER = ("Year", "Month", "DPM_t_C_ha", "RPM_t_C_ha", "BIO_t_C_ha", "HUM_t_C_ha", "IOM_t_C_ha", "SOC_t_C_ha",
          "deltaC")


@click.group("rothc")
def rothc() -> None:
    """The RothC soil-carbon model (Rothamsted, standard 1990 version).

    Pools are in t C/ha: decomposable and resistant plant material (DPM,
    RPM), microbial biomass (BIO), humified (HUM) and inert (IOM) organic
    matter; SOC is their sum; deltaC is the delta 14C of the soil (per mil).
    """


@rothc.command("run")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="CSV file to write (replaced only once the run has succeeded).")
@click.option("--monthly", is_flag=True, help="Write every month of the forward run, not each December.")
def run(input_file: Path, output: Path, monthly: bool) -> None:
    """Spin INPUT up to equilibrium, then run it forward month by month.

    INPUT is a file in the format of Rothamsted's RothC_input.dat: the first
    12 months drive the spin-up, the rest the forward run. The yearly output
    has the spun-up state first (Year 1, Month = the months the reference
    code's iterative spin-up would have run), then each December; --monthly
    writes every month of the forward run instead, as month_results.csv.
    """
    _refuse_output(input_file, output)
    from ..knowledge._tables import KnowledgeBaseError
    from ..science.rothc.input_file import RothCInputError, read_input

    try:
        rows = _result_rows(read_input(input_file), monthly, input_file)
    except (RothCInputError, KnowledgeBaseError) as error:
        raise click.ClickException(str(error)) from None
    _write_atomically(output, [",".join(HEADER)] + [",".join(row) for row in rows])
    click.echo(f"wrote {len(rows)} rows to {output}")


def _refuse_output(input_file: Path, output: Path) -> None:
    """Refuse an output that would overwrite the input or is a folder, before any work."""
    if output.is_dir():
        raise click.ClickException(f"{output}: is a folder; give the name of the CSV file to write")
    same = output.resolve() == input_file.resolve() or (
        output.exists() and input_file.exists() and output.samefile(input_file))
    if same:
        raise click.ClickException(f"{output}: is the input file; write the results to another file")
    if not output.parent.is_dir():
        raise click.ClickException(f"{output}: folder {output.parent} does not exist")


def _result_rows(data: "RothCInput", monthly: bool, source: Path) -> list[list[str]]:
    """Rows of the reference output: spun-up state then Decembers, or every month."""
    import numpy as np

    from ..science.rothc.equilibrium import equilibrium, reference_spinup_years
    from ..science.rothc.input_file import RothCInputError
    from ..science.rothc.model import simulate

    def row(year: object, month: object, pools: np.ndarray, delta: float) -> list[str]:
        return [str(year), str(month), *(repr(float(value)) for value in pools), repr(float(pools.sum())),
                repr(float(delta))]

    start = equilibrium(data.spinup, data.iom, radiocarbon=True)
    if not np.isfinite(start.active).all():
        raise RothCInputError(f"{source}: the spin-up year (first 12 monthly rows) has no equilibrium: nothing "
                              f"decomposes in it (every month below -5 deg C)")
    trajectory = simulate(data.forward, start)
    assert trajectory.delta14c is not None
    years, months = data.rows["year"][12:], data.rows["month"][12:]
    rows = [row(*values) for values in zip(years, months, trajectory.pools[0], trajectory.delta14c[0])]
    if monthly:
        return rows
    # The reference code labels its spun-up state Year 1, Month = the months its spin-up ran.
    spinup_months = int(reference_spinup_years(data.spinup)[0]) * 12
    first = row(1, spinup_months, start.pools[0], start.delta14c()[0])
    return [first] + [values for values, month in zip(rows, months) if month == 12]


def _write_atomically(output: Path, lines: list[str]) -> None:
    """Write under a temporary name beside ``output``, then rename it into place.

    A failed or interrupted run leaves any previous results whole, never a
    truncated file.
    """
    descriptor, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write("\n".join(lines) + "\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 is for the temporary file only
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
