"""``recommender model list|show|promote|verify``: the model registry."""

from pathlib import Path

import click

from recommender.cli._output import echo_json, echo_table
from recommender.model.provenance import trained_on
from recommender.model.registry import ModelRegistry, PointerError, RegistryError, default_models_dir

models_dir_option = click.option(
    "--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models].")


def _registry(models_dir: Path | None) -> ModelRegistry:
    return ModelRegistry(models_dir or default_models_dir())


def _in_service(registry: ModelRegistry) -> str | None:
    """The version in service; a damaged pointer is told on stderr and read as none."""
    try:
        return registry.in_service_version()
    except PointerError as error:
        click.echo(f"warning: {error}", err=True)
        return None


def _headline(manifest: dict) -> dict:
    """The few figures that tell models apart in a listing."""
    metrics = manifest.get("metrics") or {}
    agreement = metrics.get("reference_agreement") or {}
    model_cv = ((metrics.get("cross_validation") or {}).get("methods") or {}).get("model") or {}
    rows = (manifest.get("training") or {}).get("rows") or {}

    def figure(value, digits=3):
        return "-" if value is None else f"{value:.{digits}f}"

    return {
        "observations": rows.get("observations", "-"),
        "study MAE": figure(model_cv.get("study_mae")),
        "vs Tier 1 %": figure(model_cv.get("vs_tier1_pct"), 1),
        "MAE vs Tier 1": figure(agreement.get("mae_vs_engine"), 4),
        "10-90 % cover": figure(agreement.get("coverage")),
    }


@click.group("model")
def model() -> None:
    """List, inspect, verify and promote the trained models of the registry.

    A registry is a folder of versioned model folders (artifact, manifest,
    MODEL_CARD.md, plots) and an IN_SERVICE pointer naming the model the API
    and batch scoring use.
    """


@model.command("list")
@models_dir_option
def list_models(models_dir: Path | None) -> None:
    """Every model, oldest first; * marks the one in service."""
    registry = _registry(models_dir)
    versions = registry.versions()
    if not versions:
        click.echo(f"no model in {registry.root}; run `recommender train --promote`")
        return
    current = _in_service(registry)
    rows = []
    for version in versions:
        try:
            manifest = registry.manifest(version)
        except RegistryError as error:
            rows.append({"": "", "version": version, "created": f"damaged: {error}"})
            continue
        rows.append({"": "*" if version == current else "", "version": version,
                     "created": manifest.get("created", "?"), **_headline(manifest)})
    echo_table(rows, ["", "version", "created", "observations", "study MAE", "vs Tier 1 %", "MAE vs Tier 1",
                      "10-90 % cover"])


@model.command("show")
@click.argument("version")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@models_dir_option
def show(version: str, fmt: str, models_dir: Path | None) -> None:
    """A model's manifest (json) or its model card (text)."""
    registry = _registry(models_dir)
    try:
        manifest = registry.manifest(version)
    except RegistryError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        echo_json(manifest)
        return
    click.echo(trained_on(manifest) + "\n")
    card = registry.root / version / "MODEL_CARD.md"
    if card.is_file():
        click.echo(card.read_text(encoding="utf-8"))
    else:
        echo_json(manifest)
    in_service = _in_service(registry) == version
    click.echo(f"\n{'In service' if in_service else 'Not in service'}; folder {registry.root / version}")


@model.command("promote")
@click.argument("version")
@models_dir_option
def promote(version: str, models_dir: Path | None) -> None:
    """Put VERSION in service after verifying it (atomic pointer swap).

    This is the operator's switch, e.g. to roll back: it does not re-run the
    not-worse comparison that `recommender train --promote` applies.
    """
    registry = _registry(models_dir)
    try:
        before = registry.in_service_version()
    except PointerError:
        before = "a damaged pointer"  # promote repairs it
    try:
        registry.promote(version)
    except RegistryError as error:
        raise click.ClickException(f"not promoted: {error}") from error
    click.echo(f"In service: {before or 'none'} -> {version}")


@model.command("verify")
@click.argument("version", required=False)
@click.option("--all", "every", is_flag=True, help="Verify every model of the registry.")
@models_dir_option
def verify(version: str | None, every: bool, models_dir: Path | None) -> None:
    """Check artifact SHA-256, size and library versions (default: the model in service).

    Exits with status 1 if any model fails.
    """
    registry = _registry(models_dir)
    if every:
        versions = registry.versions()
    else:
        try:
            version = version or registry.in_service_version()
        except PointerError as error:
            raise click.ClickException(str(error)) from error
        if version is None:
            raise click.ClickException(f"no model in service in {registry.root}; name a VERSION or use --all")
        versions = [version]
    failures = 0
    for name in versions:
        try:
            registry.verify(name)
            click.echo(f"ok      {name}")
        except RegistryError as error:
            failures += 1
            click.echo(f"FAILED  {name}: {error}", err=True)
    if failures:
        raise click.ClickException(f"{failures} of {len(versions)} model(s) failed verification")
