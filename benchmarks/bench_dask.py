"""The Dask engine against the local one, side by side in one run (issue 12).

On a synthetic survey with measured stocks (``generate_farms.py``, 300k farms
by default) it runs ``recommender score`` as a user would (a fresh process:
imports, model load, cluster start-up included) with the local engine and
the Dask engine on 1 and 2 local workers, ``--repeats`` times in turn (the
machine is shared: alternating runs meet the same background load), and
keeps each engine's fastest run. Peak memory is the resident memory of the
process and all its children (scheduler, nannies, workers).

Targets: Dask with 1 worker <= 1.25 x the local engine's wall time; Dask with
2 workers < 2 GB in all. The farms/s per core of the Dask engine (1 worker:
one core scoring) feed ``benchmarks/SCALE.md``. Figures and the machine go
between ``<!-- dask:start -->`` and ``<!-- dask:end -->`` of ``RESULTS.md``.

Usage::

    python benchmarks/bench_dask.py [--farms 300000] [--repeats 2] [--models-dir DIR] [--work DIR]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_batch import BAD_ROWS, machine, score
from generate_farms import generate_farms, write
from results_file import replace_section

ENGINES = {"local": [], "dask, 1 worker": ["--engine", "dask", "--workers", "1"],
           "dask, 2 workers": ["--engine", "dask", "--workers", "2"]}
TARGET_RATIO = 1.25
TARGET_MB = 2000.0


def measure(survey: Path, work: Path, models_dir: Path, repeats: int) -> dict[str, dict]:
    """Each engine's fastest run (and the peak memory of that run), with
    every run's wall time and peak memory under ``runs``."""
    best: dict[str, dict] = {}
    runs: dict[str, list] = {engine: [] for engine in ENGINES}
    for repeat in range(repeats):
        for engine, extra in ENGINES.items():
            figures = score(survey, work / "scores.parquet", models_dir, extra)
            print(f"run {repeat + 1} {engine:<16} wall {figures['wall_s']:6.1f} s  "
                  f"scoring {figures['scoring_s']:6.1f} s  peak {figures['peak_mb']:7,.0f} MB", flush=True)
            runs[engine].append((figures["wall_s"], figures["peak_mb"]))
            if engine not in best or figures["wall_s"] < best[engine]["wall_s"]:
                best[engine] = figures
    for engine in best:
        best[engine]["runs"] = runs[engine]
    return best


def markdown(best: dict[str, dict], farms: int, repeats: int, loads: tuple[float, float], version: str) -> str:
    local, one, two = best["local"], best["dask, 1 worker"], best["dask, 2 workers"]
    ratio = one["wall_s"] / local["wall_s"]
    per_core = farms / one["scoring_s"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python benchmarks/bench_dask.py` "
        f"(default model {version}). Machine: {machine()}. Load average (1 min) {loads[0]:.2f} at the start, "
        f"{loads[1]:.2f} at the end: other jobs share the 2 cores.",
        "",
        f"`recommender score survey.parquet -o scores.parquet` on {farms:,} farms with measured stocks "
        f"({BAD_ROWS} bad rows, row groups of 100,000), fresh process each time (imports, model load, cluster "
        f"start-up included); the three engines in turn, {repeats} times, the fastest run of each kept; peak RSS "
        "of the process and all its children.",
        "",
        "| engine | wall s | scoring s | farms/s (wall) | peak RSS MB | wall / local |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in best.items():
        lines.append(f"| {name} | {r['wall_s']:.1f} | {r['scoring_s']:.1f} | {farms / r['wall_s']:,.0f} | "
                     f"{r['peak_mb']:,.0f} | {r['wall_s'] / local['wall_s']:.2f} |")
    lines += [
        "",
        "Every run, in order (wall s / peak MB): " + "; ".join(
            f"{name}: " + ", ".join(f"{wall:.1f} s / {peak:,.0f} MB" for wall, peak in r["runs"])
            for name, r in best.items()) + ".",
        "",
        f"- Dask, 1 worker / local: {ratio:.2f} (target <= {TARGET_RATIO}): "
        f"{'met' if ratio <= TARGET_RATIO else 'missed'}.",
        f"- Dask, 2 workers, peak memory in all: {two['peak_mb']:,.0f} MB (target < {TARGET_MB:,.0f}): "
        f"{'met' if two['peak_mb'] < TARGET_MB else 'missed'}.",
        f"- Farms/s per core through Dask (1 worker, scoring time): {per_core:,.0f} "
        "(see `benchmarks/SCALE.md`).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--farms", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="model registry (default: $RECOMMENDER_MODELS_DIR or ./models; built if empty)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the survey and outputs (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    from recommender.model.registry import ModelRegistry, default_models_dir
    from training.default import build_default

    models_dir = args.models_dir or default_models_dir()
    version = ModelRegistry(models_dir).load_or_build(build_default).version
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-dask-"))
    work.mkdir(parents=True, exist_ok=True)
    survey = work / f"measured-{args.farms}.parquet"
    if not survey.exists():
        write(generate_farms(args.farms, seed=0, measured=True, bad_rows=BAD_ROWS), survey)
    load_at_start = os.getloadavg()[0]
    best = measure(survey, work, models_dir, args.repeats)
    text = markdown(best, args.farms, args.repeats, (load_at_start, os.getloadavg()[0]), version)
    print(text)
    if not args.no_write:
        replace_section("dask", text)


if __name__ == "__main__":
    main()
