"""Duplicate farm ids: streaming memory and the Dask engine's first pass agree."""

import numpy as np

from recommender.batch.ids import KnownDuplicates, SeenIds, id_hashes


def test_seen_ids_name_the_first_row_across_many_chunks():
    rng = np.random.default_rng(0)
    ids = np.array([f"farm-{i}" for i in rng.integers(0, 3000, 10_000)], dtype=object)
    expected, first = [], {}
    for row, farm in enumerate(ids, start=1):
        expected.append(first.setdefault(farm, row))
    seen, found = SeenIds(), []
    for start in range(0, len(ids), 700):  # many chunks: exercises the merging of runs
        rows = np.arange(start + 1, min(start + 700, len(ids)) + 1)
        found.extend(seen.first_rows(id_hashes(ids[start:start + 700]), rows))
    assert found == expected
    assert len(seen) == len(set(ids))


def test_known_duplicates_answer_like_seen_ids():
    ids = np.array(["a", "b", "a", "c", "b", "a"], dtype=object)
    rows = np.arange(1, 7)
    streaming = SeenIds().first_rows(id_hashes(ids), rows)
    known = KnownDuplicates(id_hashes(np.array(["a", "b"], dtype=object)), np.array([1, 2]))
    assert known.first_rows(id_hashes(ids), rows).tolist() == streaming.tolist() == [1, 2, 1, 4, 2, 1]
