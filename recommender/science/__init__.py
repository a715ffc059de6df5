"""The carbon accounting behind every recommendation.

* :mod:`.state`: the IPCC Tier 1 management state of a field and how
  practices change it;
* :mod:`.tier1`: the Tier 1 engine (stocks, gains, bundles);
* :mod:`.uncertainty`: Monte Carlo draws of every uncertain figure;
* :mod:`.depth`: changes measured over 0-d cm expressed over 0-30 cm;
* :mod:`.rothc`: the RothC process model (monthly pools, analytic spin-up).
"""
