"""Ranked, explained practices: the one path from farms to answers.

* :mod:`.options`, :mod:`.objectives`: how to rank (adding an objective is a
  function and its description in ``objectives.py``);
* :mod:`.kernel`: scores, ranks and bundles the candidates of n farms with arrays;
* :mod:`.recommender`: candidates, model and kernel together, for one farm or many;
* :mod:`.answer`: the typed :class:`~.answer.Answer` (API schema, CLI JSON, batch columns);
* :mod:`.table`: n farms' answers as columns, read as typed answers or flat rows;
* :mod:`.explain`: the rationale of a gain;
* :mod:`.service`: the model in service, followed through the registry.
"""
