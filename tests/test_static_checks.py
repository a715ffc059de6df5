"""The code passes its linter and its type checker (part of the one test command)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "recommender", "api", "training", "tests", "benchmarks", "tools")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_library_type_checks():
    result = run("mypy", "recommender")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_library_imports_no_shell():
    """Dependencies point down: the library (apart from its command line)
    never imports training, the API or web frameworks."""
    offenders = []
    for path in (ROOT / "recommender").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "recommender").parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1 and \
                    words[1].split(".")[0] in ("training", "api", "fastapi", "starlette", "typer", "uvicorn"):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_modules_stay_small():
    """One idea per module: none over 400 lines outside the tests."""
    paths = [p for folder in ("recommender", "api", "training", "benchmarks") for p in (ROOT / folder).rglob("*.py")]
    lengths = {p.relative_to(ROOT): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    long = [f"{path}: {n}" for path, n in lengths.items() if n > 400]
    assert not long, long


def test_the_service_loads_no_training_code():
    """A service worker imports neither training code nor plotting (the first-run build imports them lazily)."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, api.main; "
                             "print(sorted(m for m in ('matplotlib', 'training') if m in sys.modules))"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    assert loaded == "[]"
