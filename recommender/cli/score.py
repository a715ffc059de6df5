"""``recommender score``: rank practices for every farm of a survey file."""

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from recommender.batch.local import DEFAULT_CHUNK_ROWS, score_local
from recommender.batch.partitions import DASK_PARTITION_ROWS
from recommender.batch.safety import check_destinations, clean_stale_partials
from recommender.batch.scoring import chunk_scorer
from recommender.batch.validation import SurveyError
from recommender.batch.writing import FORMATS, OutputError, destinations
from recommender.cli._default_model import build_default
from recommender.cli._options import ranking_options
from recommender.model.registry import ModelRegistry, RegistryError, default_models_dir
from recommender.recommend.options import Options
from recommender.science.tier1 import Tier1Engine


@click.command()
@click.argument("source", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Ranked rows, one per farm and rank (.csv or .parquet; with --engine dask a "
                   "folder of Parquet parts).")
@ranking_options
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Format of every output [default: each from its own suffix; CSV unless "
                   ".parquet]. The Dask engine writes Parquet.")
@click.option("--rejects", type=click.Path(path_type=Path),
              help="Rejected rows with their row number and reasons [default: OUTPUT's name + .rejects].")
@click.option("--summary", type=click.Path(path_type=Path),
              help="One line per scored farm: best practice, best bundle, share of the target "
                   "[default: OUTPUT's name + .summary].")
@click.option("--trajectories", type=click.Path(path_type=Path),
              help="Also write each listed practice's and bundle's stock year by year (a long table: "
                   "farm, rank (0: the bundle), method, year, soc_t_ha; about 40 rows per practice "
                   "and farm at a 20-year horizon) [default: not written].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: stream chunks in this process; dask: partitions on a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); a local cluster when omitted.")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Workers of the local Dask cluster [default: one per core].")
@click.option("--chunk-size", type=click.IntRange(1000), default=None,
              help=f"Rows per chunk (local) or per partition (dask); memory grows with it [default: "
                   f"{DEFAULT_CHUNK_ROWS:,} local, {DASK_PARTITION_ROWS:,} dask].")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models]; the default "
                   "model is built there if none is in service.")
def score(source: Path, output: Path, options: Options, fmt: str | None, rejects: Path | None,
          summary: Path | None, trajectories: Path | None, engine: str, scheduler: str | None,
          workers: int | None, chunk_size: int | None, models_dir: Path | None) -> None:
    """Score a farm survey (CSV or Parquet, one farm per row) with the model in service.

    Columns are the farm-context fields of the README: farm_id,
    climate_zone, soil_texture and land_use are required (farm_id unique);
    soil_class, degradation, current_practices, clay_pct, soc_t_ha and
    area_ha are optional; other columns are ignored. In CSV,
    current_practices lists catalogue ids separated by ';'.

    Every row is either scored or rejected. OUTPUT gets the ranked practices
    of each farm (expected gain t C/ha/yr, 10-90 % interval, share of the
    4 per 1000 target, co-benefits, cost, rationale, caveats, the farm's
    baseline); the summary one line per farm (best practice, best bundle);
    the rejects file each rejected row's number (first data row = 1) and
    reasons; --trajectories, on request, the stock year by year of each
    listed practice and bundle. The files appear only once the run is complete; an output never
    replaces a folder, an input or another output, and temporary files of an
    earlier interrupted run to the same outputs are removed.
    """
    if scheduler and engine != "dask":
        raise click.BadParameter("a scheduler is only used with --engine dask", param_hint="--scheduler")
    if engine == "dask" and fmt == "csv":
        raise click.BadParameter("the Dask engine writes partitioned Parquet", param_hint="--format")
    for hint, path in (("-o", output), ("--rejects", rejects), ("--summary", summary),
                       ("--trajectories", trajectories)):
        if engine == "dask" and path is not None and path.suffix.lower() in (".csv", ".gz"):
            raise click.BadParameter(f"{path}: the Dask engine writes folders of Parquet parts; name it "
                                     "without .csv (or use the local engine)", param_hint=hint)
    try:
        where = destinations(output, "parquet" if engine == "dask" else fmt, rejects, summary, trajectories)
        check_destinations(where, [source])
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    removed, kept = clean_stale_partials(where)
    for path in removed:
        click.echo(f"removed {path}, a temporary file of an earlier interrupted run", err=True)
    for path in kept:
        click.echo(f"note: {path} belongs to a run still going (same outputs?)", err=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    registry = ModelRegistry(models_dir or default_models_dir())
    try:
        if engine == "dask":
            from recommender.batch.distributed import Settings, score_dask, start_local_cluster  # imports Dask

            logging.getLogger("distributed").setLevel(logging.WARNING)
            # The model loads while the local cluster's workers start and import.
            with ThreadPoolExecutor(1) as pool:
                loading = pool.submit(registry.load_or_build, build_default)
                cluster = None if scheduler else start_local_cluster(workers)
                try:
                    loaded = loading.result()
                    address = scheduler if cluster is None else cluster.scheduler_address
                    counts = score_dask(source, where, loaded.model, Settings(loaded.version, options, onnx=True),
                                        scheduler=address, chunk_size=chunk_size or DASK_PARTITION_ROWS)
                finally:
                    if cluster is not None:
                        cluster.close()
        else:
            loaded = registry.load_or_build(build_default)
            scorer = chunk_scorer(loaded.model, Tier1Engine(), options, loaded.version,
                                  trajectories=trajectories is not None)
            counts = score_local(source, where, scorer, chunk_size or DEFAULT_CHUNK_ROWS)
    except (SurveyError, RegistryError, OutputError) as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:  # disk full, folder removed or made read-only during the run
        raise click.ClickException(f"scoring stopped, no output written: {error}") from error
    click.echo(f"{counts.line()}, model {loaded.version}")
    click.echo(f"output: {where.output}\nsummary: {where.summary}\nrejects: {where.rejects}")
    if where.trajectories:
        click.echo(f"trajectories: {where.trajectories}")
