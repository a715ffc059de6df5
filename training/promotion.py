"""The not-worse rule: may a challenger replace the model in service?

Both models are scored on the same evaluation (``training.evaluation``): the
same held-out rows of the same folds when observations were given, else the
same held-out reference set. The challenger passes when, for every rule of
its basis, ``challenger <= in_service x (1 + relative) + absolute`` (lower is
better for every metric). The tolerances let a retrain with the same data
and a new seed through, while any real loss of accuracy or calibration blocks
it. ``--force`` overrides the rule; it is also the only way to replace a model
in service that can no longer be loaded (nothing to compare with).
"""

from dataclasses import dataclass
from typing import NamedTuple


class Rule(NamedTuple):
    """Challenger metric must not exceed ``in_service x (1 + relative) + absolute``."""

    metric: str
    relative: float
    absolute: float
    meaning: str


#: Rules by evaluation basis.
RULES: dict[str, tuple[Rule, ...]] = {
    "observations": (
        Rule("study_mae", 0.02, 0.0, "study-weighted MAE on held-out studies, t C/ha/yr"),
        Rule("coverage_error", 0.0, 0.05, "distance of the 10-90 % interval's coverage from 0.8"),
    ),
    "reference": (
        Rule("mae_vs_engine", 0.10, 0.002, "MAE of the expected gain against Tier 1, t C/ha/yr"),
        Rule("coverage_error", 0.0, 0.05, "distance of the 10-90 % band's coverage of Tier 1 draws from 0.8"),
    ),
}


@dataclass(frozen=True)
class Decision:
    """Outcome of the rule.

    Attributes
    ----------
    passed : bool
        True when the challenger may be promoted without ``--force``.
    reason : str
        One sentence for people.
    rows : tuple of dict
        Per rule: ``metric``, ``challenger``, ``in_service``, ``limit``, ``ok``.
    in_service : str or None
        Version compared with.
    note : str or None
        A caveat on the comparison (e.g. the model in service saw the data).
    """

    passed: bool
    reason: str
    rows: tuple[dict, ...] = ()
    in_service: str | None = None
    note: str | None = None

    def as_dict(self) -> dict:
        return {"passed": self.passed, "reason": self.reason, "rows": list(self.rows),
                "in_service": self.in_service, "note": self.note}


def decide(basis: str, challenger: dict, in_service: dict | None, in_service_version: str | None,
           in_service_error: str | None = None) -> Decision:
    """Apply :data:`RULES` ``[basis]`` to two metric dicts of the same evaluation.

    Parameters
    ----------
    basis : {"observations", "reference"}
    challenger, in_service : dict
        Metric name -> value (``in_service`` None when there is none).
    in_service_version : str or None
    in_service_error : str, optional
        Why the model in service could not be evaluated (it failed to load).
    """
    if in_service_error is not None:
        return Decision(False, f"the model in service cannot be evaluated ({in_service_error}); "
                               "promote with --force to replace it", (), in_service_version)
    if in_service is None:
        return Decision(True, "no model in service: nothing to compare with", (), None)
    rows, failed = [], []
    for rule in RULES[basis]:
        limit = in_service[rule.metric] * (1 + rule.relative) + rule.absolute
        ok = challenger[rule.metric] <= limit
        rows.append({"metric": rule.metric, "challenger": challenger[rule.metric],
                     "in_service": in_service[rule.metric], "limit": limit, "ok": bool(ok)})
        if not ok:
            failed.append(f"{rule.metric} {challenger[rule.metric]:.4g} > {limit:.4g} ({rule.meaning})")
    if failed:
        return Decision(False, f"worse than {in_service_version}: " + "; ".join(failed), tuple(rows),
                        in_service_version)
    return Decision(True, f"not worse than {in_service_version} on the same evaluation", tuple(rows),
                    in_service_version)
