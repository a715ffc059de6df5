"""The model folder's plots (PNG, matplotlib without a display).

* ``predicted_vs_observed.png``: held-out observations against the model and
  Tier 1 (cross-validation), or without observations the model's expected gain
  against the Tier 1 central gain on the held-out reference set;
* ``interval_calibration.png``: share of values below, inside and above the
  10-90 % interval, per method (cross-validation) or per practice (reference
  set: Monte Carlo draws); 0.1 / 0.8 / 0.1 is perfect calibration;
* ``gain_by_practice_climate.png``: the model's median expected gain by
  practice and climate zone over the held-out reference contexts.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .evaluation import CrossValidation  # noqa: E402

FOLDER = "plots"
DPI = 110
UNIT = "t C/ha/yr"


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)
    return path


def _identity(axis, values) -> None:
    low, high = np.nanpercentile(values, [0.5, 99.5])
    axis.plot([low, high], [low, high], color="black", linewidth=0.8, label="1:1")
    axis.set_xlim(low, high)
    axis.set_ylim(low, high)


def predicted_vs_observed(path: Path, cv: CrossValidation | None, reference: pd.DataFrame) -> Path:
    if cv is not None:
        frame = cv.predictions
        methods = [m for m in ("model", "tier1") if m in frame]
        figure, axes = plt.subplots(1, len(methods), figsize=(5 * len(methods), 4.6), squeeze=False)
        for axis, method in zip(axes[0], methods):
            axis.scatter(frame["observed"], frame[method], s=9, alpha=0.5)
            _identity(axis, np.concatenate([frame["observed"], frame[method]]))
            mae = cv.metrics.loc[method, "study_mae"]
            axis.set_title(f"{method}: held-out studies (study MAE {mae:.3f})")
            axis.set_xlabel(f"observed, {UNIT} (0-30 cm, over its duration)")
            axis.set_ylabel(f"predicted, {UNIT}")
        return _save(figure, path)
    figure, axis = plt.subplots(figsize=(5.2, 4.6))
    axis.hexbin(reference["tier1_gain_t_c_ha_yr"], reference["expected"], gridsize=60, bins="log", mincnt=1)
    _identity(axis, np.concatenate([reference["tier1_gain_t_c_ha_yr"], reference["expected"]]))
    axis.set_title("held-out reference set: model vs Tier 1")
    axis.set_xlabel(f"Tier 1 central gain, {UNIT}")
    axis.set_ylabel(f"model expected gain, {UNIT}")
    return _save(figure, path)


def _calibration_table(observed, low, high, groups) -> pd.DataFrame:
    observed, low, high = (np.asarray(v, dtype=float) for v in (observed, low, high))
    table = pd.DataFrame({"below p10": observed < low, "inside": (observed >= low) & (observed <= high),
                          "above p90": observed > high, "group": np.asarray(groups)})
    return table.groupby("group").mean()


def interval_calibration(path: Path, cv: CrossValidation | None, reference: pd.DataFrame) -> Path:
    if cv is not None:
        frame = cv.predictions
        methods = [c for c in ("model", "in_service", "tier1", "practice_median", "global_median") if c in frame]
        table = pd.concat([_calibration_table(frame["observed"], frame[f"{m}_p10"], frame[f"{m}_p90"],
                                              np.repeat(m, len(frame))) for m in methods]).loc[methods]
        title = "held-out observations"
    else:
        table = _calibration_table(reference["gain_t_c_ha_yr"], reference["p10"], reference["p90"],
                                   reference["practice_id"])
        title = "held-out reference set (Tier 1 Monte Carlo draws)"
    figure, axis = plt.subplots(figsize=(max(5.0, 0.45 * len(table) + 2), 4.8))
    bottom = np.zeros(len(table))
    for column, colour in (("below p10", "#d95f02"), ("inside", "#1b9e77"), ("above p90", "#7570b3")):
        axis.bar(table.index, table[column], bottom=bottom, color=colour, label=column)
        bottom += table[column].to_numpy()
    for level in (0.1, 0.9):
        axis.axhline(level, color="black", linewidth=0.8, linestyle="--")
    axis.set_ylabel("share")
    axis.set_title(f"10-90 % interval calibration: {title}")
    axis.tick_params(axis="x", labelrotation=70)
    axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return _save(figure, path)


def gain_by_practice_climate(path: Path, reference: pd.DataFrame) -> Path:
    pairs = reference.drop_duplicates(["row", "practice_id"])
    table = pairs.pivot_table(index="practice_id", columns="climate_zone", values="expected", aggfunc="median")
    figure, axis = plt.subplots(figsize=(1.0 * len(table.columns) + 3, 0.32 * len(table) + 2.5))
    limit = np.nanmax(np.abs(table.to_numpy()))
    image = axis.imshow(table.to_numpy(), cmap="RdYlGn", vmin=-limit, vmax=limit, aspect="auto")
    axis.set_xticks(range(len(table.columns)), table.columns, rotation=60, ha="right")
    axis.set_yticks(range(len(table.index)), table.index)
    figure.colorbar(image, ax=axis, label=f"median expected gain, {UNIT}")
    axis.set_title("model gain by practice and climate zone (held-out reference contexts)")
    return _save(figure, path)


def write_plots(folder: Path, cv: CrossValidation | None, reference: pd.DataFrame) -> list[Path]:
    """Write the three plots into ``folder/plots``; return their paths.

    Parameters
    ----------
    folder : Path
        The model folder (staging, before it is renamed into place).
    cv : CrossValidation or None
        Held-out predictions, when the model was cross-validated on observations.
    reference : pandas.DataFrame
        The held-out reference set with the model's ``expected``, ``p10``, ``p90``.
    """
    out = Path(folder) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    return [
        predicted_vs_observed(out / "predicted_vs_observed.png", cv, reference),
        interval_calibration(out / "interval_calibration.png", cv, reference),
        gain_by_practice_climate(out / "gain_by_practice_climate.png", reference),
    ]
