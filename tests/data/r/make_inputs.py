"""Write the inputs of the R reference runs (run from the repository root:
/work/main/.venv/bin/python tests/data/r/make_inputs.py)."""

from pathlib import Path

import numpy as np
import pandas as pd

here = Path(__file__).parent
rng = np.random.default_rng(2026)

# ROC / DeLong: 150 controls, 90 cases, two correlated scores; score_a rounded to create ties.
y = np.r_[np.zeros(150, int), np.ones(90, int)]
base = rng.normal(size=y.size) + 1.0 * y
a = np.round(base + rng.normal(scale=0.5, size=y.size), 1)
b = base + rng.normal(scale=1.0, size=y.size)
pd.DataFrame({"y": y, "score_a": a, "score_b": np.round(b, 6)}).to_csv(here / "roc_input.csv", index=False)

# Calibration: risks twice too extreme and shifted (true slope 0.5, intercept != 0).
n = 800
p_true = rng.uniform(0.03, 0.97, n)
outcome = (rng.random(n) < p_true).astype(int)
logit = np.log(p_true / (1 - p_true))
p_model = 1 / (1 + np.exp(-(2 * logit + 0.4)))
pd.DataFrame({"y": outcome, "p": np.round(p_model, 10)}).to_csv(here / "calibration_input.csv", index=False)
