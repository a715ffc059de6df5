"""Soak test of the service (issue 12): bounded time, mixed traffic, model swaps.

``recommender serve`` (one worker, a real uvicorn server) is driven for
``--minutes`` (10 by default) by 8 concurrent clients sending a mix of valid
and invalid requests: single farms with measured stocks (never a cached
answer), batches, the catalogue, bad fields, NaN, bodies that are not JSON or
not sent as JSON, oversize bodies, wrong keys. Every minute the registry's
``IN_SERVICE`` pointer alternates between two models, as an operator's
promotion would. The server's resident memory (process and children) is
sampled every second.

It reports (and checks): 0 responses 5xx; 0 failed requests (a transport
error, or a status other than the one the request calls for: 200 for valid
ones, the documented 4xx for each invalid kind); RSS growth under 10 % from
the end of the first minute (or of the first tenth of a shorter run) to the
end. Figures and the machine description go between the soak markers of
``benchmarks/RESULTS.md``.

Usage::

    python benchmarks/soak.py [--minutes 10] [--models-dir models] [--no-write]
"""

import argparse
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from results_file import replace_section  # noqa: E402

CONCURRENCY = 8
API_KEY = "soak-key"
#: Largest accepted body the server is started with (bytes).
MAX_BODY_BYTES = 65_536
RSS_GROWTH_LIMIT = 0.10
ZONES = ["tropical_montane", "tropical_wet", "tropical_moist", "tropical_dry", "warm_temperate_moist",
         "warm_temperate_dry", "cool_temperate_moist", "cool_temperate_dry", "boreal_moist", "boreal_dry",
         "polar_moist", "polar_dry"]
TEXTURES = ["sand", "loamy_sand", "sandy_loam", "loam", "silt_loam", "silt", "sandy_clay_loam", "clay_loam",
            "silty_clay_loam", "sandy_clay", "silty_clay", "clay"]
LAND_USES = ["cropland", "grassland", "paddy_rice", "perennial_cropland"]
JSON = {"content-type": "application/json"}


@dataclass
class Tally:
    """What the clients saw, shared by their threads (under ``lock``)."""

    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int | None, expected: int, detail: str = "") -> None:
        with self.lock:
            self.kinds[kind] += 1
            self.statuses[status] += 1
            if status != expected:
                self.failures.append(f"{kind}: {status} (expected {expected}) {detail[:200]}")

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status is not None and status >= 500)


def candidate_farms(count: int, seed: int) -> list[dict]:
    """Farms over the whole vocabulary, each with a measured stock (no cached answer)."""
    rng = random.Random(seed)
    return [{"farm_id": f"soak-{i}", "climate_zone": rng.choice(ZONES), "soil_texture": rng.choice(TEXTURES),
             "land_use": rng.choice(LAND_USES), "soc_t_ha": round(rng.uniform(10, 150), 1)}
            for i in range(count)]


def requests_mix(valid: list[dict], rng: random.Random):
    """One request of the mix: (kind, method, path, keyword arguments, expected status)."""
    farm = rng.choice(valid)
    choice = rng.random()
    if choice < 0.45:
        return "valid farm", "POST", "/v1/recommendations", {"json": farm}, 200
    if choice < 0.55:
        return "valid batch", "POST", "/v1/recommendations/batch", {"json": {"farms": rng.sample(valid, 5)}}, 200
    if choice < 0.60:
        return "catalogue", "GET", "/v1/practices", {}, 200
    if choice < 0.65:
        return "readiness", "GET", "/readyz", {}, 200
    if choice < 0.72:
        return "bad field", "POST", "/v1/recommendations", {"json": {**farm, "climate_zone": "mars"}}, 422
    if choice < 0.77:
        body = json.dumps({**farm, "clay_pct": "NAN_HERE"}).replace('"NAN_HERE"', "NaN")
        return "NaN", "POST", "/v1/recommendations", {"content": body, "headers": JSON}, 422
    if choice < 0.82:
        return "not JSON", "POST", "/v1/recommendations", {"content": b'{"farm_id": ', "headers": JSON}, 400
    if choice < 0.87:
        return "wrong Content-Type", "POST", "/v1/recommendations", {
            "content": json.dumps(farm), "headers": {"content-type": "text/plain"}}, 415
    if choice < 0.92:
        return "oversize", "POST", "/v1/recommendations", {
            "content": b" " * (MAX_BODY_BYTES + 1), "headers": JSON}, 413
    if choice < 0.96:
        return "wrong key", "POST", "/v1/recommendations", {"json": farm, "headers": {"X-API-Key": "nope"}}, 401
    return "unknown path", "GET", "/v1/nothing", {}, 404


def client(base_url: str, valid: list[dict], tally: Tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base_url, headers={"X-API-Key": API_KEY}, timeout=30) as http:
        while not stop.is_set():
            kind, method, path, arguments, expected = requests_mix(valid, rng)
            try:
                response = http.request(method, path, **arguments)
                tally.record(kind, response.status_code, expected, response.text)
            except httpx.HTTPError as error:
                tally.record(kind, None, expected, f"{type(error).__name__}: {error}")


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and its children."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def two_models(root: Path) -> tuple[str, str]:
    """The model in service and a second one to alternate with (a re-saved copy if the registry has one only)."""
    from recommender.model.registry import ModelRegistry
    from training.default import build_default

    registry = ModelRegistry(root)
    loaded = registry.load_or_build(build_default)
    others = [v for v in registry.versions() if v != loaded.version]
    for other in reversed(others):
        try:
            registry.verify(other)
            return loaded.version, other
        except Exception:  # noqa: BLE001 - an unusable old model: try the next
            continue
    return loaded.version, registry.save(loaded.model, data_fingerprint="soak copy", metrics={})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(base_url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout} s")


def soak(models_dir: Path, minutes: float, log: Path, promote_every: float = 60.0) -> dict:
    """Run the soak against a copy of ``models_dir``; return its figures."""
    from recommender.model.registry import ModelRegistry

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    root = work / "models"
    shutil.copytree(models_dir, root, ignore=shutil.ignore_patterns(".*"))
    first, second = two_models(root)
    registry = ModelRegistry(root)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RECOMMENDER_API_KEYS": API_KEY, "RECOMMENDER_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
           "RECOMMENDER_MODEL_CHECK_SECONDS": "1"}
    command = [sys.executable, "-c", "from recommender.cli import main; main()", "serve", "--port", str(port),
               "--models-dir", str(root), "--no-access-log"]
    tally, stop, samples, promotions = Tally(), threading.Event(), [], []
    with open(log, "w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        try:
            wait_ready(base_url)
            with httpx.Client(base_url=base_url, headers={"X-API-Key": API_KEY}) as http:
                valid = [f for f in candidate_farms(100, seed=1)
                         if http.post("/v1/recommendations", json=f).status_code == 200]
            process = psutil.Process(server.pid)
            threads = [threading.Thread(target=client, args=(base_url, valid, tally, stop, seed))
                       for seed in range(CONCURRENCY)]
            for thread in threads:
                thread.start()
            started = time.monotonic()
            duration = minutes * 60
            next_promotion, turn = started + min(promote_every, duration / 3), 0
            while (now := time.monotonic()) < started + duration:
                samples.append((now - started, tree_rss(process)))
                if now >= next_promotion:
                    turn += 1
                    version = second if turn % 2 else first
                    registry.promote(version)
                    promotions.append(version)
                    next_promotion += min(promote_every, duration / 3)
                time.sleep(1.0)
            stop.set()
            for thread in threads:
                thread.join()
            seconds = time.monotonic() - started
            with httpx.Client(base_url=base_url) as http:
                served = http.get("/readyz").json()
        finally:
            server.terminate()
            server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    warm = min(60.0, duration / 10)
    baseline = next(rss for t, rss in samples if t >= warm) if any(t >= warm for t, _ in samples) else samples[0][1]
    final = samples[-1][1]
    return {"minutes": minutes, "seconds": seconds, "requests": tally.total, "req_s": tally.total / seconds,
            "kinds": dict(tally.kinds), "statuses": {str(k): v for k, v in sorted(tally.statuses.items(),
                                                                                  key=lambda kv: str(kv[0]))},
            "server_errors": tally.server_errors, "failed": len(tally.failures), "failures": tally.failures[:10],
            "promotions": len(promotions), "served_at_end": served["model_version"],
            "expected_at_end": promotions[-1] if promotions else first, "valid_farms": len(valid),
            "rss_baseline_mb": baseline / 1e6, "rss_final_mb": final / 1e6,
            "rss_peak_mb": max(rss for _, rss in samples) / 1e6, "rss_growth": (final - baseline) / baseline,
            "warm_seconds": warm}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    from importlib.metadata import version

    libraries = ", ".join(f"{name} {version(name)}" for name in ("fastapi", "uvicorn", "onnxruntime", "skops"))
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, {libraries}")


def verdict(report: dict) -> list[str]:
    """The checks of issue 12, each with its figure; empty when all pass."""
    problems = []
    if report["server_errors"]:
        problems.append(f"{report['server_errors']} responses 5xx")
    if report["failed"]:
        problems.append(f"{report['failed']} failed requests, e.g. {report['failures'][:3]}")
    if report["rss_growth"] >= RSS_GROWTH_LIMIT:
        problems.append(f"RSS grew {100 * report['rss_growth']:.1f} % (limit {100 * RSS_GROWTH_LIMIT:.0f} %)")
    if report["served_at_end"] != report["expected_at_end"]:
        problems.append(f"serving {report['served_at_end']} at the end, not the last promoted "
                        f"{report['expected_at_end']}")
    return problems


def markdown(report: dict, loads: tuple[float, float]) -> str:
    failed = verdict(report)
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(report["kinds"].items(), key=lambda kv: -kv[1]))
    return "\n".join([
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python benchmarks/soak.py "
        f"--minutes {report['minutes']:g}`. Machine: {machine()}. Load average (1 min) {loads[0]:.2f} at the "
        f"start, {loads[1]:.2f} at the end (the 8 clients share the 2 cores with the server).",
        "",
        f"`recommender serve` (1 worker, API keys on, body limit {MAX_BODY_BYTES:,} bytes), {CONCURRENCY} concurrent "
        f"clients for {report['seconds']:.0f} s, a promotion every minute alternating between two models "
        f"({report['promotions']} promotions; the last promoted was served at the end: "
        f"{'yes' if report['served_at_end'] == report['expected_at_end'] else 'NO'}).",
        "",
        "| requests | req/s | 5xx | failed | RSS after warm-up MB | RSS at end MB | peak MB | growth |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {report['requests']:,} | {report['req_s']:,.0f} | {report['server_errors']} | {report['failed']} | "
        f"{report['rss_baseline_mb']:,.0f} | {report['rss_final_mb']:,.0f} | {report['rss_peak_mb']:,.0f} | "
        f"{100 * report['rss_growth']:+.1f} % |",
        "",
        f"Mix: {kinds}. Statuses: " + ", ".join(f"{k}: {v:,}" for k, v in report["statuses"].items()) + ".",
        "",
        "Target: 0 x 5xx, 0 failed requests (each got the status it calls for), RSS growth < 10 % from the end "
        f"of the warm-up ({report['warm_seconds']:.0f} s) to the end: "
        + ("met." if not failed else "MISSED: " + "; ".join(failed) + "."),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run (10: the issue's soak)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="model registry to copy (default: $RECOMMENDER_MODELS_DIR or ./models; built if empty)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    from recommender.model.registry import default_models_dir

    models_dir = args.models_dir or default_models_dir()
    models_dir.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()[0]
    log = Path(tempfile.mkdtemp(prefix="soak-log-")) / "server.log"
    report = soak(models_dir, args.minutes, log)
    text = markdown(report, (load_at_start, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        replace_section("soak", text)
    if verdict(report):
        print(f"server log: {log}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
