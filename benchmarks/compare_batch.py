"""Batch scoring of this checkout against another one, side by side on the same machine.

The machine is shared and noisy, so figures are only comparable within one
run: each round scores the same survey (1M farms with measured stocks by
default, the hard case) with ``recommender score`` of one checkout, then of
the other, alternating which goes first. Each checkout uses its own default
model, built first. The medians over rounds go between the ``batch-compare``
markers of ``benchmarks/RESULTS.md``.

Usage::

    git worktree add /tmp/baseline <commit>
    python benchmarks/compare_batch.py --baseline /tmp/baseline [--farms 1000000] [--rounds 2]
"""

import argparse
import os
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_batch import SUMMARY_LINE, machine, run_measured
from compare_api import build, commit_of
from generate_farms import generate_farms, write
from results_file import replace_section

HERE = Path(__file__).resolve().parents[1]


def score(checkout: Path, survey: Path, output: Path, models_dir: Path) -> dict:
    """One ``recommender score`` run of ``checkout`` (its code first on the path)."""
    for stale in output.parent.glob(output.name.split(".")[0] + "*"):
        stale.unlink()
    wall, peak_mb, out = run_measured(["python", "-c", "from recommender.cli import main; main()", "score",
                                       str(survey), "-o", str(output), "--models-dir", str(models_dir)],
                                      env={**os.environ, "PYTHONPATH": str(checkout)})
    return {"wall_s": wall, "peak_mb": peak_mb, "scoring_s": float(SUMMARY_LINE.search(out).group(5))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="Another checkout of the project.")
    parser.add_argument("--checkout", type=Path, default=HERE, help="The checkout compared (default: this one).")
    parser.add_argument("--farms", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave RESULTS.md alone.")
    args = parser.parse_args()
    checkouts = {"this": args.checkout.resolve(), "baseline": args.baseline.resolve()}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        survey = work_dir / "survey.parquet"
        write(generate_farms(args.farms, measured=True, bad_rows=20), survey)
        models = {name: work_dir / f"models-{name}" for name in checkouts}
        for name, path in checkouts.items():
            build(path, models[name])
        runs: dict[str, list[dict]] = {name: [] for name in checkouts}
        for round_ in range(args.rounds):
            order = list(checkouts) if round_ % 2 == 0 else list(reversed(checkouts))
            for name in order:
                runs[name].append(score(checkouts[name], survey, work_dir / f"out-{name}.parquet", models[name]))
                print(name, runs[name][-1], flush=True)
    loads.append(os.getloadavg()[0])
    median = {name: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "scoring_s", "peak_mb")}
              for name, rs in runs.items()}
    lines = [f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python benchmarks/compare_batch.py` "
             f"({args.farms:,} farms with measured stocks, local engine, each checkout with its own default "
             f"model; median of {args.rounds} alternating rounds). Machine: {machine()}. Load average (1 min) "
             f"{loads[0]:.2f} at the start, {loads[1]:.2f} at the end.", "",
             "| checkout | commit | wall s | scoring s | peak RSS MB |", "|---|---|---:|---:|---:|"]
    lines += [f"| {name} | {commit_of(checkouts[name])} | {m['wall_s']:.1f} | {m['scoring_s']:.1f} | "
              f"{m['peak_mb']:,.0f} |" for name, m in median.items()]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        replace_section("batch-compare", text)


if __name__ == "__main__":
    main()
