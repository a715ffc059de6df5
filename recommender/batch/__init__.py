"""Batch scoring of farm surveys: every row scored or rejected with its reason.

The pieces, from the edges to the core:

* :mod:`.reading`: CSV / Parquet surveys in chunks of rows;
* :mod:`.validation`: each chunk split into valid farm contexts and rejects
  (the rules of :class:`recommender.inputs.farm.FarmContext`, vectorised by :mod:`recommender.inputs.columns`);
* :mod:`.ids`: duplicate farm ids across the whole survey;
* :mod:`.scoring`: the pure chunk scorer both engines run (distinct contexts
  scored once, :mod:`.prediction` predicting distinct model rows once);
* :mod:`.writing`: outputs under temporary names, renamed when complete;
  :mod:`.safety`: outputs never replace a folder, an input or each other,
  and a killed run's temporary files are cleaned by the next;
* :mod:`.local` (one process, streaming) and :mod:`.distributed` (Dask,
  imported on demand: it loads Dask; partitions of bounded rows from
  :mod:`.partitions`) run it.
"""

from recommender.batch.local import score_local
from recommender.batch.scoring import ROW_SCHEMA, SUMMARY_SCHEMA, Scored, chunk_scorer, score_contexts
from recommender.batch.validation import REJECT_SCHEMA, SurveyError, validate_chunk
from recommender.batch.writing import Counts, Destinations, destinations

__all__ = [
    "REJECT_SCHEMA",
    "ROW_SCHEMA",
    "SUMMARY_SCHEMA",
    "Counts",
    "Destinations",
    "Scored",
    "SurveyError",
    "chunk_scorer",
    "destinations",
    "score_contexts",
    "score_local",
    "validate_chunk",
]
