import math
import re
from pathlib import Path

import pytest
from sklearn.preprocessing import StandardScaler

from pmed_utils.book.exercises import _EXERCISES, check, list_exercises
from pmed_utils.datasets import load_wdbc

ROOT = Path(__file__).resolve().parents[2]


def _sig(x: float, digits: int = 4) -> float:
    """Round the way a reader copies a printout: to `digits` significant digits."""
    return float(f"{x:.{digits - 1}e}")


def test_answers_are_checked_against_independently_computed_truth():
    # each truth computed here another way than in pmed_utils.book.exercises
    X = load_wdbc()[0][["mean radius"]].to_numpy()
    z = StandardScaler().fit(X).transform([[20.0]])[0, 0]
    assert check("ex-01-zscore", round(z, 4))
    assert check("ex-10-bed", 3 + 50_000 * 1501)
    assert check("ex-11-het", 0.42)
    assert check("ex-12-lambda", 1.319)
    assert check("ex-13-daetwyler", _sig(0.5 / 13))
    assert check("ex-20-shape", (546, 64, 64, 3))
    conv, dense, out = 3 * 3 * 3 * 32 + 32, (31 * 31 * 32) * 128 + 128, 128 + 1
    assert check("ex-21-params", conv + dense + out)
    assert check("ex-22-features", 128)  # the last block of small_cnn() has 128 filters
    assert check("ex-30-ppv", _sig(18 / 67))


@pytest.mark.parametrize("exercise", sorted(_EXERCISES))
def test_wrong_answers_are_refused_and_known_mistakes_explained(exercise):
    spec = _EXERCISES[exercise]
    truth = spec.solve()
    wrong = tuple(v + 1 for v in truth) if isinstance(truth, tuple) else truth * 1.5
    result = check(exercise, wrong)
    assert not result and result.message == spec.hint and str(result).startswith(f"Not yet ({exercise}).")
    for mistake, explanation in spec.mistakes:
        result = check(exercise, mistake())
        assert not result.correct and result.message == explanation
    assert check(exercise, truth).message == spec.why


def test_the_ddof_mistake_is_told_apart_from_the_right_answer():
    X = load_wdbc()[0]["mean radius"]
    result = check("ex-01-zscore", round((20 - X.mean()) / X.std(), 4))  # pandas default ddof=1
    assert not result and "ddof=1" in result.message


def test_bad_answers_and_unknown_exercises_give_clear_errors():
    with pytest.raises(ValueError, match=r"Unknown exercise 'ex-99'; checkable exercises are \['ex-01-zscore'"):
        check("ex-99", 1)
    with pytest.raises(ValueError, match="must be a finite number; got nan"):
        check("ex-30-ppv", math.nan)
    with pytest.raises(ValueError, match="must be a number; got 'about a quarter'"):
        check("ex-30-ppv", "about a quarter")
    with pytest.raises(ValueError, match=r"must be a tuple of integers .*got 546"):
        check("ex-20-shape", 546)


def test_every_checkable_exercise_is_in_its_chapter_with_the_call_to_check():
    table = list_exercises()
    assert list(table.index) == list(_EXERCISES)
    for label, row in table.iterrows():
        text = (ROOT / "notebooks" / f"{row.chapter}.md").read_text()
        assert re.search(rf"```{{exercise}}[^\n]*\n:label: {label}\n", text), f"{label} missing from {row.chapter}"
        assert f'check("{label}", your_answer)' in text
        assert re.search(rf"```{{solution}} {label}\n:class: dropdown\n", text), f"{label} has no hidden solution"


def test_bed_size_exercise_matches_a_file_written_by_pmed(tmp_path):
    import numpy as np
    import pandas as pd

    from pmed_utils.genomics.io import write_plink

    n, m = 9, 7  # 9 people need 3 bytes per variant (the last one padded)
    g = np.zeros((n, m), np.int8)
    samples = pd.DataFrame({"id": [f"p{i}" for i in range(n)], "sex": 0})
    variants = pd.DataFrame(
        {"chrom": 1, "pos": np.arange(1, m + 1), "id": [f"v{j}" for j in range(m)], "ref": "A", "alt": "G"}
    )
    bed = write_plink(tmp_path / "x", g, variants, samples)
    from pmed_utils.book.exercises import _bed_bytes

    assert bed.stat().st_size == _bed_bytes(n, m) == 3 + 7 * 3
