"""API throughput of this checkout against another one, side by side on the same machine.

The machine is shared and noisy, so figures are only comparable within one
run: each round starts one checkout's ``recommender serve`` (1 worker, its own
default model, built on first use), loads it with ``wrk`` (8 connections),
stops it, then does the same for the other checkout, alternating which goes
first. Per checkout it measures the trivial endpoint (``GET /healthz``, the
ceiling the HTTP stack allows), the README farm (answer cached) and farms with
measured stocks (scored on every request). The medians over rounds go between
the ``api-compare`` markers of ``benchmarks/RESULTS.md``.

Usage::

    git worktree add /tmp/baseline <commit>
    python benchmarks/compare_api.py --baseline /tmp/baseline [--rounds 3] [--seconds 10]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench_api import CONCURRENCY, README_FARM, machine, measured_farms, server, wrk_load
from results_file import replace_section

HERE = Path(__file__).resolve().parents[1]


def wrk_get(url: str, seconds: float) -> dict:
    output = subprocess.run(["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{seconds:g}s", f"{url}/healthz"],
                            capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return {"req_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)))}


@contextmanager
def checkout(path: Path, models_dir: Path):
    """A server of the checkout at ``path`` (its code first on the path of the server process)."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(path)
    try:
        with server(models_dir, 1) as url:
            yield url
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = previous


def build(path: Path, models_dir: Path) -> None:
    """The checkout's default model, built before any server is timed."""
    subprocess.run([sys.executable, "-c", "from recommender.cli import main; main()", "train", "--promote",
                    "--models-dir", str(models_dir)], env={**os.environ, "PYTHONPATH": str(path)},
                   check=True, capture_output=True, timeout=900)


def measure(url: str, bodies: dict[str, list[str]], seconds: float) -> dict:
    wrk_get(url, 2)
    figures = {"healthz": wrk_get(url, seconds)}
    for name, workload in bodies.items():
        wrk_load(url, workload, CONCURRENCY, 2)  # warm-up: caches, connections
        figures[name] = wrk_load(url, workload, CONCURRENCY, seconds)
    return figures


def commit_of(path: Path) -> str:
    return subprocess.run(["git", "-C", str(path), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()[:72]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="Another checkout of the project.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave RESULTS.md alone.")
    args = parser.parse_args()
    farms = measured_farms(200)
    bodies = {"readme_farm": [json.dumps(README_FARM)], "measured_farms": [json.dumps(f) for f in farms]}
    checkouts = {"baseline": args.baseline.resolve(), "this": HERE}
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    started = machine()
    with tempfile.TemporaryDirectory() as scratch:
        for name, path in checkouts.items():
            build(path, Path(scratch) / name)
        for round_ in range(args.rounds):
            order = list(checkouts) if round_ % 2 == 0 else list(reversed(checkouts))
            for name in order:
                with checkout(checkouts[name], Path(scratch) / name) as url:
                    runs[name].append(measure(url, bodies, args.seconds))
                print(name, json.dumps(runs[name][-1]), flush=True)
    rows = []
    for workload in ("healthz", "readme_farm", "measured_farms"):
        for name in checkouts:
            figures = [run[workload] for run in runs[name]]
            req_s = statistics.median(f["req_s"] for f in figures)
            share = req_s / statistics.median(run["healthz"]["req_s"] for run in runs[name])
            p50 = statistics.median(f["p50_ms"] for f in figures) if "p50_ms" in figures[0] else None
            p99 = statistics.median(f["p99_ms"] for f in figures) if "p99_ms" in figures[0] else None
            failed = sum(f.get("failed", 0) for f in figures)
            rows.append(f"| {workload} | {name}: {commit_of(checkouts[name])} | {req_s:.0f} | {share:.0%} | "
                        f"{'-' if p50 is None else p50} | {'-' if p99 is None else p99} | {failed} |")
    text = "\n".join([
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python benchmarks/compare_api.py` "
        f"({args.rounds} rounds, alternating order, {args.seconds:g} s per load, wrk, {CONCURRENCY} connections, "
        "1 worker; medians over rounds).",
        "",
        f"Machine: {started['nproc']} cores ({started['cpu']}), {started['memory_gib']} GiB, {started['os']}, "
        f"Python {started['python']}; load average at start {started['load_average_at_start']}, at end "
        f"{[round(x, 2) for x in os.getloadavg()]}.",
        "",
        "| workload | checkout | req/s | of /healthz | p50 ms | p99 ms | failed |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "healthz: `GET /healthz`, the HTTP stack's own ceiling on this machine in this run; readme_farm: the "
        "README's farm again and again (cached answer); measured_farms: 200 farms with measured stocks in "
        "turn (ranked on every request).",
    ])
    print(text)
    if not args.no_write:
        replace_section("api-compare", text)


if __name__ == "__main__":
    main()
