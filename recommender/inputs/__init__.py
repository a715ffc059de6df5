"""What the engine is told about a farm.

* :mod:`.farm`: :class:`~.farm.FarmContext`, the one definition of a valid
  farm (field), and its categorical :class:`~.farm.ContextKey`;
* :mod:`.columns`: the same rules applied to the columns of a table of farms
  (surveys, observation files);
* :mod:`.errors`: a validation error as field / problem / allowed values;
* :mod:`.soils`, :mod:`.climate_zone`: the IPCC soil class and climate zone
  when the farm does not state them.
"""
