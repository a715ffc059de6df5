"""Benchmark of batch scoring: farms/s and peak memory, end to end.

For 100k and 1M synthetic farms (``generate_farms.py``), categorical-only
and with measured stocks, it runs ``recommender score`` as a user would (a
fresh process: imports, model load and start-up included) with the local
engine and the Dask engine on 1 and 2 local workers, and samples the resident
memory of the process and all its children (Dask workers) every 50 ms. It
also measures the raw predict rate of the model on the same farms' candidate
rows (scikit-learn, and ONNX on 1 and 2 threads), and how many rows batch
scoring actually predicts once identical contexts and rows are deduplicated.

Figures are printed and written, with the machine's description, between
``<!-- batch:start -->`` and ``<!-- batch:end -->`` in ``benchmarks/RESULTS.md``.

Usage::

    python benchmarks/bench_batch.py [--sizes 100000 1000000] [--models-dir DIR] [--work DIR]
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from generate_farms import generate_farms, write  # noqa: E402
from results_file import replace_section  # noqa: E402

BAD_ROWS = 20
#: Target of issue 5 for a 1M-farm survey on 2 cores, s and MB.
TARGET_SECONDS = {"categorical": 15.0, "measured": 60.0}
TARGET_MB = 2000.0
SUMMARY_LINE = re.compile(r"([\d,]+) farms read: ([\d,]+) scored, ([\d,]+) rejected; ([\d,]+) ranked rows "
                          r"in ([\d.]+) s")
ENGINES = {"local": [], "dask, 1 worker": ["--engine", "dask", "--workers", "1"],
           "dask, 2 workers": ["--engine", "dask", "--workers", "2"]}


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS of the process tree (MB) and stdout of ``command`` (run with ``env``)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return time.perf_counter() - started, peak / 1e6, out


def score(source: Path, output: Path, models_dir: Path, extra: list[str]) -> dict:
    """One ``recommender score`` run: its figures."""
    for stale in output.parent.glob(output.name.split(".")[0] + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    command = [shutil.which("recommender"), "score", str(source), "-o", str(output),
               "--models-dir", str(models_dir), *extra]
    wall, peak_mb, out = run_measured(command)
    read, scored, rejected, rows, seconds = SUMMARY_LINE.search(out).groups()
    read = int(read.replace(",", ""))
    return {"farms": read, "rejected": int(rejected.replace(",", "")), "rows": int(rows.replace(",", "")),
            "wall_s": wall, "scoring_s": float(seconds), "peak_mb": peak_mb}


def predict_rates(survey: Path, models_dir: Path, rows: int = 200_000) -> dict:
    """Raw predict rates (rows/s) on the candidate rows of the survey's first farms,
    and the share of rows batch scoring predicts after deduplication."""
    from threadpoolctl import threadpool_limits

    from recommender.batch.ids import SeenIds
    from recommender.batch.reading import read_chunks
    from recommender.batch.validation import validate_chunk
    from recommender.model.candidates import CandidateSource
    from recommender.model.distinct_rows import DistinctRowsModel
    from recommender.model.onnx import OnnxGainModel
    from recommender.model.reference_set import context_candidates
    from recommender.model.registry import ModelRegistry
    from recommender.science.tier1 import Tier1Engine

    model = ModelRegistry(models_dir).load().model
    contexts = validate_chunk(next(read_chunks(survey, 100_000)).frame, 1, SeenIds()).contexts
    features = context_candidates(CandidateSource(Tier1Engine()), contexts).features
    per_farm = len(features) / len(contexts)
    sample = features.take(np.arange(min(rows, len(features))))
    rates = {}
    for name, predictor, threads in (("scikit-learn, 1 thread", model, 1), ("scikit-learn, 2 threads", model, 2),
                                     ("ONNX, 1 thread", OnnxGainModel(model, 1), 1),
                                     ("ONNX, 2 threads", OnnxGainModel(model, 2), 2)):
        with threadpool_limits(threads):
            predictor.residuals(sample.take(np.arange(1000)))
            started = time.perf_counter()
            predictor.residuals(sample)
            rates[name] = len(sample) / (time.perf_counter() - started)
    deduplicated = DistinctRowsModel(model, OnnxGainModel(model, 1))
    deduplicated.residuals(features)
    return {"candidates_per_farm": per_farm, "rates": rates,
            "predicted_share": deduplicated.predicted_rows / len(features)}


def machine() -> str:
    import dask
    import distributed
    import onnxruntime
    import pandas
    import pyarrow
    import sklearn

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = ", ".join(f"{m.__name__} {m.__version__}" for m in
                         (np, pandas, pyarrow, sklearn, onnxruntime, dask, distributed))
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, {versions}")


def markdown(results: list[dict], rates: dict, loads: tuple[float, float], when: str, version: str) -> str:
    lines = [
        f"Measured {when} by `python benchmarks/bench_batch.py` (default model {version}). Machine: {machine()}. "
        f"Load average (1 min) {loads[0]:.2f} at the start, {loads[1]:.2f} at the end: other jobs "
        "sharing the 2 cores slow every figure.",
        "",
        "End to end: `recommender score survey.parquet -o scores.parquet` in a fresh process "
        "(imports, model load and ONNX conversion included), default options (top 5, bundles of 3), "
        f"{BAD_ROWS} bad rows per survey; peak RSS of the process and its children (Dask workers). "
        "Categorical-only farms have no measured stock; measured farms carry soc_t_ha (0.1 t C/ha "
        "precision) and clay_pct.",
        "",
        "| farms | contexts | engine | wall s | scoring s | farms/s (wall) | peak RSS MB | ranked rows |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r['farms']:,} | {r['kind']} | {r['engine']} | {r['wall_s']:.1f} | {r['scoring_s']:.1f} "
                     f"| {r['farms'] / r['wall_s']:,.0f} | {r['peak_mb']:,.0f} | {r['rows']:,} |")
    lines += ["", "Target (1M farms, 2 cores): measured stocks < 60 s and < 2,000 MB; categorical-only < 15 s."]
    for r in results:
        if r["farms"] >= 1_000_000 and r["engine"] == "local" and r["kind"] in TARGET_SECONDS:
            goal = TARGET_SECONDS[r["kind"]]
            verdict = "met" if r["wall_s"] < goal and r["peak_mb"] < TARGET_MB else "missed"
            lines.append(f"- {r['kind']}: {r['wall_s']:.1f} s (goal {goal:g} s), {r['peak_mb']:,.0f} MB: {verdict}.")
    lines += [
        "",
        f"Raw predict rate on the candidate rows of the measured survey ({rates['candidates_per_farm']:.1f} "
        "candidates per farm), three pipelines per row:",
        "",
        "| predictor | rows/s |",
        "|---|---:|",
        *(f"| {name} | {rate:,.0f} |" for name, rate in rates["rates"].items()),
        "",
        f"Batch scoring predicts {100 * rates['predicted_share']:.0f} % of those rows for 100k measured farms "
        "(distinct contexts scored once; rows between the same tree thresholds predicted once), "
        "and a few thousand rows for a whole categorical-only survey.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="model registry (default: $RECOMMENDER_MODELS_DIR or ./models; built if empty)")
    parser.add_argument("--work", type=Path, default=None, help="folder for surveys and outputs (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    from recommender.model.registry import ModelRegistry, default_models_dir
    from training.default import build_default

    models_dir = args.models_dir or default_models_dir()
    version = ModelRegistry(models_dir).load_or_build(build_default).version
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()[0]
    when = time.strftime("%Y-%m-%d")
    results = []
    for size in args.sizes:
        for kind in ("categorical", "measured"):
            survey = work / f"{kind}-{size}.parquet"
            if not survey.exists():
                write(generate_farms(size, seed=0, measured=kind == "measured", bad_rows=BAD_ROWS), survey)
            for engine, extra in ENGINES.items():
                figures = score(survey, work / "scores.parquet", models_dir, extra)
                results.append({"kind": kind, "engine": engine, **figures})
                print(f"{size:>9,} {kind:<11} {engine:<16} wall {figures['wall_s']:6.1f} s  scoring "
                      f"{figures['scoring_s']:6.1f} s  {figures['farms'] / figures['wall_s']:>9,.0f} farms/s  "
                      f"peak {figures['peak_mb']:7,.0f} MB", flush=True)
    rates = predict_rates(work / f"measured-{args.sizes[0]}.parquet", models_dir)
    for name, rate in rates["rates"].items():
        print(f"raw predict {name}: {rate:,.0f} rows/s")
    print(f"rows predicted after deduplication: {100 * rates['predicted_share']:.0f} %")
    text = markdown(results, rates, (load_at_start, os.getloadavg()[0]), when, version)
    if not args.no_write:
        replace_section("batch", text)
    print(text)


if __name__ == "__main__":
    main()
