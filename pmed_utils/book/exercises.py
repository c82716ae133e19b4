"""Answer checkers for the book's exercises.

Each checkable exercise in a chapter has a label such as ``ex-11-het``; the reader
computes an answer and calls :func:`check` with that label. The checker computes
the right answer itself (from the package's own functions or data, never from a
stored constant where it can be computed), says whether the reader's answer
matches, and explains why, recognising the usual mistakes.

Examples
--------
>>> from pmed_utils.book.exercises import check
>>> result = check("ex-11-het", 0.21)
>>> result.correct
False
>>> print(result)  # doctest: +ELLIPSIS
Not yet (ex-11-het). 0.21 is p·q: there are two ways to be heterozygous ...
>>> check("ex-11-het", 0.42).correct
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmed_utils.validation import validate_params

__all__ = ["CheckResult", "check", "list_exercises"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: ``correct`` and a message that explains it.

    :func:`check` returns one. It prints (and shows at the end of a notebook
    cell) as one sentence, and is truthy exactly when the answer is right.

    Examples
    --------
    >>> result = check("ex-11-het", 0.42)
    >>> result.exercise, result.correct, bool(result)
    ('ex-11-het', True, True)
    >>> wrong = CheckResult("ex-00-demo", False, "That is p, not 2pq.")
    >>> wrong
    Not yet (ex-00-demo). That is p, not 2pq.
    >>> "try again" if not wrong else "done"
    'try again'
    """

    exercise: str
    correct: bool
    message: str

    def __str__(self) -> str:
        verdict = "Correct" if self.correct else "Not yet"
        return f"{verdict} ({self.exercise}). {self.message}"

    def __repr__(self) -> str:  # what a notebook shows when check() ends a cell
        return str(self)

    def __bool__(self) -> bool:
        return self.correct


@dataclass(frozen=True)
class _Exercise:
    chapter: str
    question: str
    solve: Callable[[], Any]
    why: str  # the explanation given with a correct answer
    hint: str  # given with a wrong answer that matches no known mistake
    mistakes: list[tuple[Callable[[], Any], str]] = field(default_factory=list)
    rtol: float = 1e-3  # the questions ask for 4 significant digits


def _wdbc_z_score(ddof: int) -> float:
    from pmed_utils.datasets import load_wdbc

    radius = load_wdbc()[0]["mean radius"]
    return float((20.0 - radius.mean()) / radius.std(ddof=ddof))


def _daetwyler(h2: float = 0.5, n: float = 10_000, m_e: float = 60_000) -> float:
    from pmed_utils.genomics.theory import daetwyler_expected_r2

    return daetwyler_expected_r2(h2, n, m_e)


def _bed_bytes(n_people: int, n_variants: int) -> int:
    from pmed_utils.genomics.io import bed_file_size

    return bed_file_size(n_people, n_variants)


def _lambda_gc(median_chi2: float) -> float:
    from scipy import stats

    from pmed_utils.genomics.gwas import genomic_inflation

    # one p-value whose χ² is the given median: λ_GC is then that median over the null median
    return genomic_inflation([stats.chi2.sf(median_chi2, 1)])


def _seed_cnn_parameters(with_bias: bool = True) -> int:
    from pmed_utils.models import seed_cnn

    model = seed_cnn()
    if with_bias:
        return int(model.count_params())
    return int(sum(w.numpy().size for w in model.trainable_weights if len(w.shape) > 1))


def _small_cnn_features() -> int:
    from pmed_utils.models import small_cnn

    return int(small_cnn().get_layer("features").output.shape[-1])


def _fused_risk(genomic: float, image: float, prior: float) -> float:
    odds = (genomic / (1 - genomic)) * (image / (1 - image)) / (prior / (1 - prior))
    return odds / (1 + odds)


def _chouldechova_fpr(base_rate: float, ppv: float, tpr: float) -> float:
    return base_rate / (1 - base_rate) * (1 - ppv) / ppv * tpr


def _ppv(sensitivity: float = 0.90, specificity: float = 0.95, prevalence: float = 0.02) -> float:
    true_pos = sensitivity * prevalence
    return true_pos / (true_pos + (1 - specificity) * (1 - prevalence))


_EXERCISES: dict[str, _Exercise] = {
    "ex-01-zscore": _Exercise(
        chapter="01_pipeline_at_a_glance",
        question="With the mean and standard deviation of 'mean radius' over all 569 WDBC tumours, what "
        "z-score does StandardScaler give a tumour of mean radius 20.0 (4 decimals)?",
        solve=lambda: _wdbc_z_score(ddof=0),
        why="z = (x − mean) / sd with the population sd (ddof=0), which is what StandardScaler uses.",
        hint="Subtract the column mean and divide by its standard deviation: (20 − mean) / sd.",
        mistakes=[
            (
                lambda: _wdbc_z_score(ddof=1),
                "You divided by the sample sd (ddof=1, the pandas .std() default); StandardScaler uses "
                "the population sd, ddof=0: X['mean radius'].std(ddof=0).",
            )
        ],
        rtol=2e-4,  # tight enough to tell ddof=0 from ddof=1 (they differ by 9e-4)
    ),
    "ex-10-bed": _Exercise(
        chapter="10_genotype_cohort",
        question="How many bytes does a PLINK .bed file take for 6,001 people and 50,000 variants?",
        solve=lambda: _bed_bytes(6001, 50_000),
        why="Two bits per call, four calls per byte, each variant padded to whole bytes: "
        "⌈6001 / 4⌉ = 1501 bytes per variant, times 50,000, plus the 3-byte header = 75,050,003.",
        hint="Bytes per variant = ceil(people / 4); add the 3-byte header once. "
        "pmed_utils.genomics.io writes such files: compare with Path('x.bed').stat().st_size.",
        mistakes=[
            (lambda: 6001 * 50_000, "That is one byte per call; a .bed call takes 2 bits, so four fit in a byte."),
            (lambda: 6001 * 50_000 / 8, "That is one bit per call; a call needs 2 bits (0, 1, 2 or missing)."),
            (lambda: 3 + 50_000 * 6001 / 4, "Each variant starts on a new byte: round 6001 / 4 up to 1501 bytes."),
            (lambda: 50_000 * 1501, "Almost: the file also starts with a 3-byte header (magic number and mode)."),
        ],
        rtol=1e-12,  # an exact count of bytes
    ),
    "ex-11-het": _Exercise(
        chapter="11_genotype_qc",
        question="A variant's alternative allele has frequency p = 0.3. Under Hardy–Weinberg equilibrium, "
        "what fraction of people are heterozygous?",
        solve=lambda: 2 * 0.3 * 0.7,
        why="Heterozygotes carry one allele of each kind, in two possible orders: 2·p·q = 2 · 0.3 · 0.7 = 0.42. "
        "The QC chapter's HWE test compares exactly this expectation with the observed counts.",
        hint="Under HWE the genotype frequencies are p², 2pq and q², with q = 1 − p.",
        mistakes=[
            (
                lambda: 0.3 * 0.7,
                "0.21 is p·q: there are two ways to be heterozygous (alt from mother or "
                "from father), so multiply by 2.",
            ),
            (lambda: 0.3**2, "0.09 is p², the frequency of alt/alt homozygotes."),
            (lambda: 0.7**2, "0.49 is q², the frequency of ref/ref homozygotes."),
        ],
    ),
    "ex-12-lambda": _Exercise(
        chapter="12_gwas",
        question="In a GWAS the median χ² statistic (1 degree of freedom) is 0.60. What is λ_GC (3 decimals)?",
        solve=lambda: _lambda_gc(0.60),
        why="λ_GC = observed median χ² / median of χ² with 1 df (0.4549) = 0.60 / 0.4549 ≈ 1.319.",
        hint="Divide the observed median χ² by the median of a χ² distribution with 1 degree of freedom "
        "(scipy.stats.chi2.ppf(0.5, 1)).",
        mistakes=[
            (lambda: 0.60 / 0.5, "0.5 is the median of uniform p-values, not of χ²₁; its median is 0.4549."),
            (
                lambda: 0.60,
                "0.60 is the median χ² itself (or divided by 1, the mean of χ²₁); λ_GC divides "
                "it by the null median, 0.4549, which a few true signals do not move.",
            ),
        ],
        rtol=1e-3,
    ),
    "ex-13-daetwyler": _Exercise(
        chapter="13_polygenic_risk",
        question="With h² = 0.5, N = 10,000 people and M_e = 60,000 effective independent segments, what "
        "r² does Daetwyler's formula expect for a polygenic score (4 significant digits)?",
        solve=_daetwyler,
        why="r² = h² / (1 + M_e / (N·h²)) = 0.5 / (1 + 60,000 / 5,000) = 0.5 / 13: with six times more "
        "independent segments than people, most of h² is out of reach.",
        hint="Use r² = h² / (1 + M_e / (N·h²)); pmed_utils.genomics.daetwyler_expected_r2 computes it.",
        mistakes=[
            (lambda: 0.5 / (1 + 60_000 / 10_000), "You divided M_e by N alone; the denominator is 1 + M_e / (N·h²)."),
            (lambda: 0.5 * 10_000 / 60_000, "That drops the 1 in 1 + M_e/(N·h²) (and the h² inside)."),
        ],
    ),
    "ex-20-shape": _Exercise(
        chapter="20_medical_images",
        question="What shape does to_model_input(data.images['train'], size=64, channels=3) return for "
        "BreastMNIST? Answer with a tuple.",
        solve=lambda: (546, 64, 64, 3),
        why="546 training images, resized to 64 × 64, with the grey channel repeated 3 times, channels last "
        "(Keras' default): the seed CNN's input.",
        hint="Keras wants (images, height, width, channels); count the training images in data.card.split_sizes.",
        mistakes=[
            (lambda: (546, 64, 64), "The channel axis is missing: Conv2D needs 4-D input."),
            (lambda: (546, 3, 64, 64), "That is channels-first (PyTorch's layout); Keras uses channels last."),
            (lambda: (546, 28, 28, 3), "to_model_input resizes to `size` = 64, not the stored 28."),
        ],
    ),
    "ex-21-params": _Exercise(
        chapter="21_cnn_lesion_detection",
        question="How many trainable parameters does seed_cnn() have?",
        solve=_seed_cnn_parameters,
        why="Conv2D: 3·3·3·32 + 32 = 896; after 2×2 pooling the 31·31·32 = 30,752 values feed Dense 128: "
        "30,752·128 + 128 = 3,936,384; the output adds 129. Almost all of it is the Dense layer after "
        "Flatten — which is why the stronger CNN uses global average pooling instead.",
        hint="Count weights + biases per layer: Conv2D k·k·c_in·c_out + c_out, Dense n_in·n_out + n_out. "
        "A 3×3 convolution without padding shrinks 64 to 62; 2×2 pooling halves it.",
        mistakes=[
            (
                lambda: _seed_cnn_parameters(with_bias=False),
                "You counted the weights but not the biases (one per filter or unit).",
            ),
            (
                lambda: 896 + (32 * 32 * 32) * 128 + 128 + 129,
                "A 3×3 convolution without padding gives 62×62, so pooling gives 31×31, not 32×32.",
            ),
        ],
        rtol=0.0,
    ),
    "ex-22-features": _Exercise(
        chapter="22_cnn_features_classical_models",
        question="How many numbers does extract_features return per image for small_cnn() with its default filters?",
        solve=lambda: _small_cnn_features(),
        why="One per filter of the last convolution block: global average pooling turns each filter's "
        "7 × 7 map into its mean.",
        hint="Look at small_cnn().get_layer('features').output.shape, or count the filters of the last block.",
        mistakes=[
            (lambda: 28 * 28, "784 is the number of pixels; the features come after the convolutions."),
            (
                lambda: 7 * 7 * _small_cnn_features(),
                "That is Flatten of the last 7 × 7 maps; global average pooling keeps one number per map.",
            ),
            (lambda: 64, "64 is the middle block; the features are the pooled maps of the last block."),
        ],
        rtol=0.0,
    ),
    "ex-50-prior": _Exercise(
        chapter="50_multimodal_fusion",
        question="A genomic model gives a person a risk of 0.30 and an image model a risk of 0.60, both "
        "trained where 20% of people have the disease. What is the fused risk (4 significant digits)?",
        solve=lambda: _fused_risk(0.30, 0.60, 0.20),
        why="Each model's odds over the prior odds is its likelihood ratio: 1.714 and 6. The fused odds "
        "are 0.25 × 1.714 × 6 = 2.571, a risk of 0.72: the prior is counted once.",
        hint="Turn each risk and the prior into odds; multiply the prior odds by each model's odds ratio "
        "to the prior (its likelihood ratio); turn the result back into a probability.",
        mistakes=[
            (
                lambda: _fused_risk(0.30, 0.60, 0.5),
                "That adds the two log-odds without the prior correction: the prior odds are counted twice.",
            ),
            (lambda: 0.45, "Averaging the two risks is not a combination of evidence."),
        ],
    ),
    "ex-62-identity": _Exercise(
        chapter="62_fairness",
        question="At a threshold a model has PPV 0.6 and TPR 0.7 in a group whose base rate is 10%. "
        "What is its FPR in that group (4 significant digits)?",
        solve=lambda: _chouldechova_fpr(0.1, 0.6, 0.7),
        why="FPR = p/(1 − p) · (1 − PPV)/PPV · TPR = 0.1/0.9 · 0.4/0.6 · 0.7 ≈ 0.0519 (Chouldechova 2017); "
        "with a base rate of 30% the same PPV and TPR force an FPR of 0.2.",
        hint="Write the true and false positives per person in terms of p, TPR and PPV; FPR is the false "
        "positives over the share of non-cases, 1 − p.",
        mistakes=[
            (lambda: _chouldechova_fpr(0.3, 0.6, 0.7), "That is the FPR for a base rate of 30%; this group's is 10%."),
            (lambda: 0.4, "0.4 is 1 − PPV, the share of false positives among the positives, not the FPR."),
        ],
    ),
    "ex-30-ppv": _Exercise(
        chapter="30_model_evaluation",
        question="A test has sensitivity 0.90 and specificity 0.95, and 2% of the screened people have the "
        "disease. What is its PPV (the chance that a positive result is a true case; 4 significant digits)?",
        solve=_ppv,
        why="PPV = sens·prev / (sens·prev + (1 − spec)·(1 − prev)) = 0.018 / (0.018 + 0.049) ≈ 0.27: in a "
        "low-prevalence population most positives are false, even for a good test.",
        hint="Count, per 1,000 people, the true positives (sens × cases) and the false positives "
        "((1 − spec) × non-cases); PPV is the share of true ones among all positives.",
        mistakes=[
            (lambda: 0.90, "0.90 is the sensitivity, P(positive | disease); PPV is P(disease | positive)."),
            (lambda: 0.95, "0.95 is the specificity; PPV also depends on how rare the disease is."),
            (lambda: _ppv(prevalence=0.5), "That PPV assumes half the people are cases; use 2%."),
        ],
    ),
}


@validate_params({})
def list_exercises() -> pd.DataFrame:
    """The checkable exercises: label, chapter and question.

    Returns
    -------
    DataFrame
        One row per exercise, indexed by its label (str), with columns
        ``chapter`` (the notebook's name) and ``question`` (str).

    Examples
    --------
    >>> "ex-30-ppv" in list_exercises().index
    True
    """
    return pd.DataFrame(
        [{"exercise": k, "chapter": e.chapter, "question": e.question} for k, e in _EXERCISES.items()]
    ).set_index("exercise")


def _as_answer(answer: Any, expected: Any, exercise: str) -> Any:
    """Coerce the reader's answer to the expected kind, or say what kind is wanted."""
    if isinstance(expected, tuple):
        try:
            return tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            raise ValueError(
                f"The answer to {exercise} must be a tuple of integers such as (10, 32, 32, 1); got {answer!r}."
            ) from None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise ValueError(f"The answer to {exercise} must be a number; got {answer!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"The answer to {exercise} must be a finite number; got {answer!r}.")
    return value


def _matches(answer: Any, target: Any, rtol: float) -> bool:
    if isinstance(target, tuple):
        return answer == target
    return math.isclose(answer, float(target), rel_tol=rtol, abs_tol=1e-12)


@validate_params({"exercise": ["str"], "answer": [object]})
def check(exercise: str, answer: Any) -> CheckResult:
    """Check an answer to one of the book's exercises and explain the verdict.

    Parameters
    ----------
    exercise : str
        The exercise's label as printed in the book, e.g. ``"ex-11-het"``
        (:func:`list_exercises` lists them).
    answer : float, int or tuple of int
        Your answer (any object; one of the wrong kind is refused with a message). Numbers are accepted within a small relative tolerance
        (the exercise's ``rtol``, about the precision of a 4-digit printout).

    Returns
    -------
    CheckResult
        ``correct`` and a ``message``; it prints as one sentence and is truthy
        when the answer is right.

    Raises
    ------
    ValueError
        For an unknown exercise label (the valid ones are listed), or an answer
        of the wrong kind (not a number, NaN, not a tuple).

    Examples
    --------
    >>> check("ex-30-ppv", 0.2687).correct
    True
    >>> print(check("ex-30-ppv", 0.9))  # doctest: +ELLIPSIS
    Not yet (ex-30-ppv). 0.90 is the sensitivity, ...
    """
    if exercise not in _EXERCISES:
        raise ValueError(f"Unknown exercise {exercise!r}; checkable exercises are {sorted(_EXERCISES)}.")
    spec = _EXERCISES[exercise]
    target = spec.solve()
    value = _as_answer(answer, target, exercise)
    if _matches(value, target, spec.rtol):
        return CheckResult(exercise, True, spec.why)
    for mistake, explanation in spec.mistakes:
        if _matches(value, mistake(), spec.rtol):
            return CheckResult(exercise, False, explanation)
    return CheckResult(exercise, False, spec.hint)
