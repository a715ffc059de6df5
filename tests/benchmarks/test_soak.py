"""The soak benchmark, shortened to a smoke test: a real server, mixed traffic, model swaps, no 5xx."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
import soak  # noqa: E402


@pytest.mark.slow
def test_a_short_soak_sees_no_server_error_and_no_failed_request(small_registry, tmp_path):
    report = soak.soak(small_registry.root, minutes=0.15, log=tmp_path / "server.log", promote_every=3)
    assert report["requests"] > 100 and report["promotions"] >= 2
    assert report["server_errors"] == 0
    assert report["failed"] == 0, report["failures"]
    assert set(report["kinds"]) >= {"valid farm", "NaN", "not JSON", "wrong Content-Type", "oversize"}
    assert "Traceback" not in (tmp_path / "server.log").read_text()
