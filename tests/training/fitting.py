"""Fitting a model on the reference set plus observations, as ``run_training`` does (tests only)."""

from training.pipeline import fit, horizon_years, observation_rows, resolve_tau


def train(engine, config, observations, reference):
    tau = resolve_tau(config, observations)
    rows = observation_rows(observations, engine, tau) if observations is not None and len(observations) else None
    return fit(reference, rows, config, tau, horizon_years(engine))
