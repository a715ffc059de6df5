"""``recommender score`` never replaces what the user did not name as an output (issue 12, 1 and 8)."""

import os
import subprocess
import sys

import pandas as pd
import pytest
from batch_survey import BAD, write_survey

from recommender.batch.safety import check_destinations, clean_stale_partials
from recommender.batch.writing import OutputError, destinations


@pytest.fixture()
def score(small_registry, run_cli):
    def run(*args, cwd=None):
        return run_cli("score", *args, "--models-dir", small_registry.root, cwd=cwd)
    return run


@pytest.fixture()
def source(tmp_path, survey):
    return write_survey(survey, tmp_path / "s.csv")


def test_an_existing_folder_is_refused_and_left_intact(tmp_path, source, score, one_line_error):
    folder = tmp_path / "v" / "sub"
    folder.mkdir(parents=True)
    (tmp_path / "v" / "important.txt").write_text("precious")
    one_line_error(*score(source, "-o", tmp_path / "v"), "is an existing folder")
    assert (tmp_path / "v" / "important.txt").read_text() == "precious" and folder.is_dir()


def test_the_current_folder_is_refused(tmp_path, source, score, one_line_error):
    one_line_error(*score(source, "-o", ".", cwd=tmp_path), "-o .: is an existing folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


def test_an_output_equal_to_the_input_is_refused(tmp_path, source, score, one_line_error):
    before = source.read_bytes()
    one_line_error(*score(source, "-o", source), "is the input")
    one_line_error(*score(source, "-o", tmp_path / "x.csv", "--rejects", tmp_path / "." / "s.csv"),
                          "--rejects", "is the input")
    assert source.read_bytes() == before


def test_an_output_inside_an_input_folder_is_refused(tmp_path, survey):
    parts = tmp_path / "parts"
    parts.mkdir()
    write_survey(survey, parts / "a.parquet")
    with pytest.raises(OutputError, match="is the input"):
        check_destinations(destinations(parts / "scores.parquet"), [parts])


def test_two_outputs_on_one_file_are_refused(tmp_path, source, score, one_line_error):
    one_line_error(*score(source, "-o", tmp_path / "a.parquet", "--rejects", tmp_path / "a.parquet"),
                          "are both")
    assert not (tmp_path / "a.parquet").exists()


def test_each_output_takes_the_format_of_its_suffix(tmp_path, source, survey, score):
    status, output = score(source, "-o", tmp_path / "scores.parquet", "--rejects", tmp_path / "rejects.csv")
    assert status == 0, output
    assert len(pd.read_csv(tmp_path / "rejects.csv")) == len(BAD)  # CSV text, not Parquet bytes
    assert len(pd.read_parquet(tmp_path / "scores.summary.parquet")) == len(survey) - len(BAD)
    assert destinations("a.parquet", "csv", rejects="r.parquet").rejects_format == "csv"  # --format: all


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path, source, score):
    dead = tmp_path / f".out.csv.partial-{_dead_pid()}-0123abcd"
    dead.write_text("half a run")
    old_style = tmp_path / ".out.rejects.csv.partial-89abcdef"
    old_style.write_text("half a run")
    running = tmp_path / f".out.summary.csv.partial-{os.getpid()}-0123abcd"  # this test's process is alive
    running.write_text("a run going on")
    status, output = score(source, "-o", tmp_path / "out.csv")
    assert status == 0, output
    assert not dead.exists() and not old_style.exists() and running.exists()
    assert f"removed {dead}" in output and "a run still going" in output
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name and p != running]


def test_cleaning_leaves_other_files_alone(tmp_path):
    keep = [tmp_path / ".out.csv.partial-notours", tmp_path / "out.csv.partial-123-0123abcd",
            tmp_path / ".other.csv.partial-1-0123abcd"]
    for path in keep:
        path.write_text("x")
    assert clean_stale_partials(destinations(tmp_path / "out.csv")) == ([], [])
    assert all(path.exists() for path in keep)
