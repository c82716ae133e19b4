"""Write survival_input.csv, the data R's survival package analyses in survival_reference.R."""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(2026)
n = 150
x1 = np.round(rng.normal(size=n), 3)
x2 = rng.integers(0, 2, n)
group = rng.integers(0, 3, n)
onset = rng.exponential(10 / np.exp(0.6 * x1 + 0.5 * x2))
censor = rng.uniform(2, 25, n)
time = np.ceil(np.minimum(onset, censor))  # whole units: many tied times
event = (onset <= censor).astype(int)
out = Path(__file__).with_name("survival_input.csv")
pd.DataFrame({"time": time, "event": event, "x1": x1, "x2": x2, "group": group}).to_csv(out, index=False)
