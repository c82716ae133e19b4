"""Drift detection on the simulated patient stream: each detector's delay per drift and false alarms a year.

Runnable alone (``python benchmarks/_drift.py`` prints the markdown section);
``benchmarks/fusion.py`` appends :func:`drift_section` to
``benchmarks/results/fusion.md``.

Scenario (per seed): the linked cohort (``make_linked_cohort``, 3000 people,
PneumoniaMNIST; a simulated stand-in when that module is absent): an image
model (PCA + logistic regression on the pixels) fitted on the training
people, a logistic risk model (PRS, BMI, smoking, age + image log-odds) on
the validation people, and the test people as the pool of new patients; 36 months × 300 patients from
:func:`pmed_utils.datasets.simulate_stream` with its default drifts
(prevalence odds × 2 at month 9, a scanner change at month 18, BMI +0.8 SD
at month 27). Monitored statistics, each a per-month z: observed − expected
events (outcomes), mean BMI and mean image log-odds (inputs).
Goal: every drift found within 2 months, at most one false alarm a simulated year.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pmed_utils.datasets import binary_target, load_medmnist  # noqa: E402
from pmed_utils.evaluation import (  # noqa: E402
    calibration_by_period,
    evaluate_detectors,
    mean_shift_by_period,
)
from pmed_utils.models import FrozenModel, UpdateScenario, make_update_scenario  # noqa: E402

GOAL_DELAY = 2
GOAL_FALSE_PER_YEAR = 1.0


def _simulated_people(seed: int, n: int = 4000) -> tuple[pd.DataFrame, np.ndarray]:
    """Stand-in for the linked cohort: simulated risk factors, disease, a PneumoniaMNIST image of that class."""
    rng = np.random.default_rng(seed)
    people = pd.DataFrame(
        {
            "prs": rng.normal(size=n),
            "bmi": rng.normal(27, 4.5, n),
            "smoking": rng.binomial(1, 0.25, n),
            "age": rng.uniform(40, 70, n),
        }
    )
    logit = -1.6 + 0.9 * people["prs"] + 0.08 * (people["bmi"] - 27) + 0.6 * people["smoking"]
    people["disease"] = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    people["split"] = np.where(rng.random(n) < 0.5, "train", "test")
    data = load_medmnist("pneumoniamnist")
    images = np.empty((n, 28, 28), dtype=np.uint8)
    for split, source in (("train", "train"), ("test", "test")):
        labels = binary_target(data.labels[source], data.card)
        for cls in (0, 1):
            rows = np.flatnonzero((people["split"] == split).to_numpy() & (people["disease"] == cls).to_numpy())
            pool = np.flatnonzero(labels == cls)
            images[rows] = data.images[source][rng.choice(pool, size=len(rows), replace=len(rows) > len(pool))]
    return people, images


def _people(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        from pmed_utils.datasets.linked import make_linked_cohort
    except ImportError:
        return _simulated_people(seed)
    cohort = make_linked_cohort(random_state=seed)
    return cohort.people, cohort.images


def drift_scenario(seed: int) -> UpdateScenario:
    """Development data, the stream and the risk model's features for one seed."""
    people, images = _people(seed)
    return make_update_scenario(people, images, features=("prs", "bmi", "smoking", "age"), random_state=seed)


def monitored_statistics(scenario: UpdateScenario) -> pd.DataFrame:
    """Per-month z statistics: O−E events of the frozen model, mean BMI, mean image score."""
    model = FrozenModel().fit(scenario.X_development, scenario.development["disease"])
    pred = model.predict_proba(scenario.X)
    month = scenario.month
    stats = {"O−E events": calibration_by_period(scenario.y, pred, month)["oe_z"].to_numpy()}
    for name, column in (("mean BMI", "bmi"), ("mean image score", "image_score")):
        ref = scenario.development[column].to_numpy(dtype=float)
        stats[name] = mean_shift_by_period(
            scenario.features[column], month, reference_mean=ref.mean(), reference_sd=ref.std()
        )["z"].to_numpy()
    return pd.DataFrame(stats, index=np.unique(month))


def drift_table(seeds=(0, 1, 2)) -> pd.DataFrame:
    """One row per (seed, detector, statistic) with delays per drift and false alarms per year."""
    frames = []
    for seed in seeds:
        scenario = drift_scenario(seed)
        table = evaluate_detectors(monitored_statistics(scenario), scenario.stream.drifts["month"])
        table.insert(0, "seed", seed)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def drift_section(seeds=(0, 1, 2)) -> str:
    """The markdown section: each detector's delay per drift and false alarms per simulated year."""
    table = drift_table(seeds)
    drifts = [c for c in table.columns if c.startswith("delay_")]
    kinds = dict(zip(drifts, ("prevalence", "scanner", "environment (BMI)"), strict=False))
    lines = [
        "## Drift detection on the simulated stream",
        "",
        "36 simulated months × 300 patients per seed; drifts at months "
        + ", ".join(f"{c.removeprefix('delay_')} ({kinds.get(c, '')})" for c in drifts)
        + ". Delay in months after the drift (0 = alarm in the drift's own month; — = missed). "
        "Detectors restart on the new normal after each alarm. "
        f"Goal: every drift within {GOAL_DELAY} months, ≤ {GOAL_FALSE_PER_YEAR:g} false alarm a simulated year.",
        "",
        "| seed | detector | statistic | "
        + " | ".join(f"delay @ {c.removeprefix('delay_')}" for c in drifts)
        + " | false alarms / year |",
        "|---|---|---|" + "---|" * len(drifts) + "---|",
    ]
    for row in table.itertuples(index=False):
        r = row._asdict()
        delays = " | ".join("—" if np.isnan(r[c]) else f"{r[c]:.0f}" for c in drifts)
        lines.append(
            f"| {r['seed']} | {r['detector']} | {r['statistic']} | {delays} | {r['false_alarms_per_year']:.2f} |"
        )
    lines.append("")
    combined = table[table["statistic"] == "any"]
    for detector, rows in combined.groupby("detector"):
        delays = rows[drifts].to_numpy(dtype=float)
        found = bool(np.all(delays <= GOAL_DELAY))
        worst_false = float(rows["false_alarms_per_year"].max())
        met = found and worst_false <= GOAL_FALSE_PER_YEAR
        lines.append(
            f"- {detector} (any statistic): longest delay "
            f"{'missed' if np.isnan(delays).any() else f'{np.nanmax(delays):.0f} month(s)'}, "
            f"at most {worst_false:.2f} false alarms a year over seeds {list(seeds)}: "
            f"goal {'met' if met else 'NOT met'}."
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(drift_section())
