"""Duplicate farm ids across a whole survey, in memory that does not hold the ids.

A farm id is kept as a 64-bit hash (``pandas.util.hash_array``, SipHash of the
UTF-8 text) with the row that first had it: 16 bytes a farm, about 160 MB for
a 10-million-farm census, whatever the id length. Two different ids share a
hash with probability about n**2 / 2**65 (3 in a million for 10 million
farms); such a farm would be rejected as a duplicate with the row it seems to
repeat, never dropped silently.

Both engines answer the same question, "which row first had this id?":
:class:`SeenIds` while streaming chunks in order (local engine),
:class:`KnownDuplicates` from a first pass over all partitions (Dask engine).
"""

import numpy as np
import pandas as pd


def id_hashes(ids: np.ndarray) -> np.ndarray:
    """64-bit hashes of farm ids (an object array of ``str``)."""
    return pd.util.hash_array(np.asarray(ids, dtype=object), categorize=False)


def _first_in_chunk(hashes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct hashes (sorted), the first row of each, and each row's distinct index."""
    unique, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    return unique, rows[first], inverse


class SeenIds:
    """Ids met so far while reading a survey in order.

    The hashes are kept in sorted runs whose sizes at least double from one
    run to the previous (a log-structured merge), so adding a chunk and
    looking ids up both cost O(log n) per id.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(hashes) for hashes, _ in self._runs)

    def first_rows(self, hashes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The row that first had each id (the row itself when new); remembers the new ids.

        ``rows`` are increasing row numbers following those of earlier calls.
        """
        unique, first, inverse = _first_in_chunk(hashes, rows)
        new = np.ones(len(unique), dtype=bool)
        for run_hashes, run_rows in self._runs:
            at = np.minimum(np.searchsorted(run_hashes, unique), len(run_hashes) - 1)
            hit = run_hashes[at] == unique
            first[hit] = run_rows[at[hit]]
            new &= ~hit
        self._add(unique[new], first[new])
        return first[inverse]

    def _add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        if len(hashes) == 0:
            return
        self._runs.append((hashes, rows))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (h1, r1), (h2, r2) = self._runs.pop(), self._runs.pop()
            merged = np.concatenate([h2, h1])
            order = np.argsort(merged, kind="stable")
            self._runs.append((merged[order], np.concatenate([r2, r1])[order]))


class KnownDuplicates:
    """The ids that occur more than once in a survey, with the row that first had each.

    Parameters
    ----------
    hashes, first_rows : numpy.ndarray
        One entry per duplicated id (any order).
    """

    def __init__(self, hashes: np.ndarray, first_rows: np.ndarray):
        order = np.argsort(hashes)
        self._hashes = np.asarray(hashes, dtype=np.uint64)[order]
        self._rows = np.asarray(first_rows, dtype=np.int64)[order]

    def __len__(self) -> int:
        return len(self._hashes)

    def first_rows(self, hashes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The row that first had each id (the row itself for an id that occurs once)."""
        first = np.asarray(rows, dtype=np.int64).copy()
        if len(self._hashes):
            at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
            hit = self._hashes[at] == hashes
            first[hit] = self._rows[at[hit]]
        return first
