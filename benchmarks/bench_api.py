"""Latency and throughput of the recommendation service (issue 4).

Measures, with the model in service (the default model, built if missing):

* in process: p50 / p99 of one farm's answer through the served model (the
  API's code path without HTTP), for the README farm (whose answer is cached
  after the first call) and for farms with measured stocks (never cached),
  against the vectorised scikit-learn path;
* over HTTP, ``recommender serve`` with 1 and 2 workers on 127.0.0.1:
  req/s and p50 / p99 under 8 concurrent connections, and one connection's
  latency, for the same two workloads.

Load comes from a second process: ``wrk`` when installed (``apt-get install
wrk``), else a bounded async httpx client. Every run is bounded in time
(``--seconds``) and, for the httpx client, in count. Figures and the machine
description are written between the api markers of ``benchmarks/RESULTS.md``.

Usage::

    python benchmarks/bench_api.py [--seconds 10] [--models-dir models] [--no-write]
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from threadpoolctl import threadpool_limits

from recommender.inputs.farm import FarmContext
from recommender.knowledge import load_knowledge_base
from recommender.model.registry import ModelRegistry, default_models_dir
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender
from recommender.recommend.service import ModelService
from recommender.science.tier1 import Tier1Engine
from recommender.vocabulary import ClimateZone, LandUse, SoilTexture
from training.default import build_default

sys.path.insert(0, str(Path(__file__).parent))
from results_file import replace_section  # noqa: E402

README_FARM = {"farm_id": "demo-001", "climate_zone": "warm_temperate_moist", "soil_texture": "silt_loam",
               "land_use": "cropland", "current_practices": ["reduced_tillage"], "area_ha": 12.5}
CONCURRENCY = 8
HTTPX_MAX_REQUESTS = 200_000
TARGET = {"req_s": 1500, "p50_ms": 5, "p99_ms": 25}


def measured_farms(count: int, seed: int = 1) -> list[dict]:
    """Valid farms over the whole vocabulary, each with a measured stock (no cached answer)."""
    rng = random.Random(seed)
    practices = load_knowledge_base().practices.values()
    farms = []
    while len(farms) < count:
        land_use = rng.choice(list(LandUse))
        usable = [p.id for p in practices if land_use in p.land_uses]
        farm = {"farm_id": f"bench-{len(farms)}", "climate_zone": rng.choice(list(ClimateZone)).value,
                "soil_texture": rng.choice(list(SoilTexture)).value, "land_use": land_use.value,
                "current_practices": rng.sample(usable, rng.randint(0, 1)),
                "soc_t_ha": round(rng.uniform(10, 150), 1)}
        try:
            FarmContext.model_validate(farm)
        except ValidationError:
            continue
        farms.append(farm)
    return farms


def percentiles_ms(seconds: list[float]) -> dict:
    p50, p99 = np.percentile(np.asarray(seconds) * 1000, [50, 99])
    return {"p50_ms": round(float(p50), 3), "p99_ms": round(float(p99), 3)}


def in_process(models_dir: Path, farms: list[dict], seconds: float) -> dict:
    """Latency of the served model's answer (ONNX), and of the same path with scikit-learn."""
    service = ModelService(ModelRegistry(models_dir), Tier1Engine(), build=build_default)
    service.refresh()
    served = service.current
    results = {"model": served.version}
    workloads = {"readme_farm": [FarmContext.model_validate(README_FARM)],
                 "measured_farms": [FarmContext.model_validate(f) for f in farms]}
    for name, contexts in workloads.items():
        for context in contexts:  # warm the per-context caches, as a running service has them
            served.recommend(context)
        timings, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            for context in contexts:
                started = time.perf_counter()
                served.recommend(context)
                timings.append(time.perf_counter() - started)
        results[name] = percentiles_ms(timings)
    timings = []
    sklearn = Recommender(service.engine, served.loaded.model, served.recommender.stamp)
    with threadpool_limits(1):  # as a server worker runs: one core, no OpenMP contention
        for context in workloads["measured_farms"][:50]:
            started = time.perf_counter()
            sklearn.answer(context, Options())
            timings.append(time.perf_counter() - started)
    results["sklearn_one_farm"] = percentiles_ms(timings)
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(models_dir: Path, workers: int):
    """``recommender serve`` on a free port of 127.0.0.1, ready; yields its URL."""
    port = free_port()
    command = [sys.executable, "-c", "from recommender.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers), "--models-dir", str(models_dir), "--no-access-log"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                # Every worker must be up: ask until several answers came back ready.
                if all(httpx.get(f"{url}/readyz").status_code == 200 for _ in range(4 * workers)):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server not ready")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wrk_load(url: str, bodies: list[str], connections: int, seconds: float) -> dict:
    """req/s and latency percentiles from ``wrk`` posting ``bodies`` in turn."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("bodies = {\n" + ",\n".join(json.dumps(b) for b in bodies) + "\n}\n"
                     "i = 0\nrequest = function()\n  i = i % #bodies + 1\n"
                     '  return wrk.format("POST", nil, {["Content-Type"]="application/json"}, bodies[i])\n'
                     "end\n")
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", script.name,
             f"{url}/v1/recommendations"],
            capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)

    def milliseconds(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return round(float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit], 3)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"req_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))),
            "p50_ms": milliseconds("50%"), "p99_ms": milliseconds("99%"),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "failed": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else None}


def _httpx_client(url: str, bodies: list[str], connections: int, seconds: float, queue) -> None:
    """Bounded async load: ``connections`` loops until ``seconds`` or the request cap."""
    import httpx

    async def run() -> dict:
        timings, failed, sent = [], 0, 0
        deadline = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=url, limits=limits) as client:
            async def loop(offset: int) -> None:
                nonlocal failed, sent
                i = offset
                while time.monotonic() < deadline and sent < HTTPX_MAX_REQUESTS:
                    sent += 1
                    started = time.perf_counter()
                    response = await client.post("/v1/recommendations", content=bodies[i % len(bodies)],
                                                 headers={"content-type": "application/json"})
                    timings.append(time.perf_counter() - started)
                    failed += response.status_code != 200
                    i += 1
            started = time.monotonic()
            await asyncio.gather(*(loop(k) for k in range(connections)))
            elapsed = time.monotonic() - started
        return {"req_s": round(len(timings) / elapsed), **percentiles_ms(timings),
                "requests": len(timings), "failed": failed, "socket_errors": None}

    queue.put(asyncio.run(run()))


def load(url: str, bodies: list[str], connections: int, seconds: float) -> dict:
    if shutil.which("wrk"):
        return {**wrk_load(url, bodies, connections, seconds), "client": "wrk"}
    queue = multiprocessing.get_context("spawn").Queue()
    client = multiprocessing.get_context("spawn").Process(
        target=_httpx_client, args=(url, bodies, connections, seconds, queue))
    client.start()
    result = queue.get(timeout=seconds + 120)
    client.join()
    return {**result, "client": "httpx (async, second process)"}


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    cpuinfo = Path("/proc/cpuinfo").read_text()
    libraries = ["fastapi", "starlette", "uvicorn", "pydantic", "onnxruntime", "skl2onnx", "scikit-learn",
                 "numpy", "pandas"]
    optional = {}
    for name in ("httptools", "uvloop"):
        try:
            optional[name] = version(name)
        except Exception:  # noqa: BLE001 - absent: uvicorn falls back to h11 / asyncio
            optional[name] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1).strip(),
        "memory_gib": round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": {**{name: version(name) for name in libraries}, **optional},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured {report['date']} by `python benchmarks/bench_api.py` (model {report['in_process']['model']}, "
        f"load from {report['http'][0]['readme_farm']['client']} on 127.0.0.1, {CONCURRENCY} connections, "
        f"{report['seconds']:g} s per run).",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
        + f". Load average at start {m['load_average_at_start']}, at end {m['load_average_at_end']} "
          "(other jobs on the machine skew the figures).",
        "",
        f"Target: >= {TARGET['req_s']} req/s at {CONCURRENCY} concurrent with 1 worker, p50 < {TARGET['p50_ms']} ms, "
        f"p99 < {TARGET['p99_ms']} ms (POST /v1/recommendations).",
        "",
        "In process (one farm's answer, no HTTP):",
        "",
        "| path | p50 ms | p99 ms |",
        "|---|---|---|",
    ]
    ip = report["in_process"]
    for name, label in (("readme_farm", "served model, README farm (cached answer)"),
                        ("measured_farms", "served model, farms with measured stock (ONNX, no answer cache)"),
                        ("sklearn_one_farm", "the same path with scikit-learn instead of ONNX, measured farms")):
        lines.append(f"| {label} | {ip[name]['p50_ms']} | {ip[name]['p99_ms']} |")
    lines += ["", "Over HTTP (`recommender serve`, POST /v1/recommendations):", "",
              "| workers | workload | connections | req/s | p50 ms | p99 ms | requests | failed |",
              "|---|---|---|---|---|---|---|---|"]
    for run in report["http"]:
        for workload in ("readme_farm", "measured_farms", "readme_farm_one_connection"):
            r = run[workload]
            connections = 1 if workload.endswith("one_connection") else CONCURRENCY
            name = workload.replace("_one_connection", "")
            lines.append(f"| {run['workers']} | {name} | {connections} | {r['req_s']} | {r['p50_ms']} | "
                         f"{r['p99_ms']} | {r['requests']} | {r['failed']} |")
    lines += ["", "readme_farm: the README's example farm again and again (its answer is cached by context "
                  "and options); measured_farms: 200 farms with measured stocks in turn (scored by ONNX on "
                  "every request). The load generator shares the 2 cores with the workers."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each load run (bounded).")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="Model registry (default: $RECOMMENDER_MODELS_DIR or ./models).")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave RESULTS.md alone.")
    args = parser.parse_args()
    models_dir = args.models_dir or default_models_dir()
    report = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seconds": args.seconds,
              "machine": machine()}
    farms = measured_farms(200)
    report["in_process"] = in_process(models_dir, farms, min(args.seconds, 5))
    print(json.dumps(report["in_process"], indent=1), flush=True)
    bodies = {"readme_farm": [json.dumps(README_FARM)], "measured_farms": [json.dumps(f) for f in farms]}
    report["http"] = []
    for workers in (1, 2):
        with server(models_dir, workers) as url:
            run = {"workers": workers}
            for name, workload in bodies.items():
                load(url, workload, CONCURRENCY, 2)  # warm-up: caches, connections
                run[name] = load(url, workload, CONCURRENCY, args.seconds)
            run["readme_farm_one_connection"] = load(url, bodies["readme_farm"], 1, min(args.seconds, 5))
        report["http"].append(run)
        print(json.dumps(run, indent=1), flush=True)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = markdown(report)
    print(text)
    if not args.no_write:
        replace_section("api", text)


if __name__ == "__main__":
    main()
