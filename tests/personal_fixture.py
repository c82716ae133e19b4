"""A small simulated cohort and a known logistic model, for the personal-risk tests.

The model's log-odds is ``b0 + Σ b_j (x_j − m_j)`` over the image score (mean
pixel intensity), PRS, age, BMI and smoking, so every contribution is known in
closed form; its resamples draw the coefficients around the fitted ones. A
missing image falls back to the image term at its mean (contribution 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TERMS = ("image", "prs", "age", "bmi", "smoking")
COEF = {"image": 8.0, "prs": 0.9, "age": 0.03, "bmi": 0.08, "smoking": 0.7}
INTERCEPT = -2.0


def make_people(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    population = rng.choice(["CEU", "YRI", "CHB"], size=n, p=[0.7, 0.25, 0.05])
    people = pd.DataFrame(
        {
            "person_id": [f"P{i:04d}" for i in range(n)],
            "population": population,
            "sex": rng.integers(0, 2, n),
            "age": rng.uniform(40, 70, n).round(),
            "bmi": rng.normal(27, 4, n).round(1),
            "smoking": rng.integers(0, 2, n) * (rng.random(n) < 0.5),
            "split": rng.choice(["train", "validation", "test"], size=n, p=[0.6, 0.2, 0.2]),
            "prs": rng.normal(size=n),
        }
    )
    disease = rng.random(n) < 0.3
    images = rng.normal(0.45 + 0.1 * disease[:, None, None], 0.05, size=(n, 28, 28)).clip(0, 1)
    people["disease"] = disease.astype(int)
    return people, images


class ToyModel:
    """Known coefficients; means taken from the people it is given at construction."""

    image_shape = (28, 28)
    interval_method = "coefficient draws"

    def __init__(self, people: pd.DataFrame, images: np.ndarray, sd: float = 0.05):
        self.means = {t: float(self._column(people, images, t).mean()) for t in TERMS}
        self.sd = sd

    @staticmethod
    def _column(people: pd.DataFrame, images: np.ndarray | None, term: str) -> np.ndarray:
        if term == "image":
            if images is None:
                return np.full(len(people), np.nan)
            return np.asarray(images, dtype=float).reshape(len(people), -1).mean(axis=1)
        return people[term].to_numpy(dtype=float)

    def _design(self, people: pd.DataFrame, images: np.ndarray | None) -> np.ndarray:
        cols = []
        for t in TERMS:
            x = self._column(people, images, t) - self.means[t]
            cols.append(np.where(np.isfinite(x), x, 0.0))  # fallback: a missing modality sits at its mean
        return np.column_stack(cols)

    def baseline(self) -> float:
        return INTERCEPT

    def contributions(self, people: pd.DataFrame, images: np.ndarray | None) -> pd.DataFrame:
        X = self._design(people, images)
        frame = pd.DataFrame(X * np.array([COEF[t] for t in TERMS]), columns=list(TERMS), index=people.index)
        frame.insert(0, "baseline", INTERCEPT)
        return frame

    def log_odds_draws(self, people, images, n_draws, random_state) -> np.ndarray:
        rng = np.random.default_rng(random_state)
        b = np.array([INTERCEPT] + [COEF[t] for t in TERMS])
        draws = b + rng.normal(0, self.sd, size=(n_draws, b.size)) * np.maximum(np.abs(b), 0.1)
        X = np.column_stack([np.ones(len(people)), self._design(people, images)])
        return draws @ X.T
