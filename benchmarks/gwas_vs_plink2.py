"""Benchmark: pmed's QC + GWAS + scoring against PLINK 2 on the same .bed files, in the same run.

    python benchmarks/gwas_vs_plink2.py --samples 5000 --variants 100000

Prints one table: wall time and peak memory (resident set size) of each step for
both tools, and the ratios. Each step of each tool runs as its own process that
reads the .bed file and writes its results, so both sides pay for start-up and
file reading, and peak memory is measured the same way (``/usr/bin/time``).
Needs the `plink2` executable (Debian package plink2). Genotypes are simulated
with binomial allele counts (a benchmark of speed, not of realism).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _process import measured_run  # benchmarks/ is on sys.path when a script in it runs

STEPS = {
    "QC (freq, missing, HWE)": ("qc", ["--freq", "--missing", "--hardy"]),
    "GWAS linear": ("linear", ["--pheno", "p.txt", "--pheno-name", "y", "--covar", "c.txt", "--glm", "hide-covar"]),
    "GWAS logistic": (
        "logistic",
        ["--pheno", "p.txt", "--pheno-name", "d", "--covar", "c.txt", "--glm", "hide-covar", "no-firth"],
    ),
    "score": ("score", ["--score", "w.txt", "1", "2", "3", "no-mean-imputation"]),
}


def _measure(cmd: list[str], workdir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    seconds, peak, _ = measured_run(cmd, workdir)
    return seconds, peak / 2**20


def run_pmed_step(step: str, workdir: Path) -> None:
    """One pmed step as PLINK 2 runs it: read the files, compute, write a table."""
    from pmed_utils.genomics.gwas import gwas_linear, gwas_logistic
    from pmed_utils.genomics.io import read_plink
    from pmed_utils.genomics.prs import polygenic_score
    from pmed_utils.genomics.stats import allele_frequencies_from_counts, hwe_exact_pvalues_from_counts, variant_counts

    g, variants, _ = read_plink(workdir / "bench")
    pheno = pd.read_csv(workdir / "p.txt", sep="\t")
    age = pd.read_csv(workdir / "c.txt", sep="\t")["age"].to_numpy()
    if step == "qc":
        counts = variant_counts(g)
        out = pd.DataFrame(
            {
                "id": variants["id"],
                "alt_freq": allele_frequencies_from_counts(counts[:, 1:]),
                "f_miss": counts[:, 0] / len(g),
                "p_hwe": hwe_exact_pvalues_from_counts(counts[:, 1:]),
            }
        )
    elif step == "linear":
        out = gwas_linear(g, pheno["y"], age, variants["id"])
    elif step == "logistic":
        # PLINK 2 runs here with no-firth; our default would refit separated variants by Firth.
        out = gwas_logistic(g, pheno["d"] - 1, age, variants["id"], firth_fallback=False)
    elif step == "score":
        weights = pd.read_csv(workdir / "w.txt", sep="\t", header=None, names=["id", "a", "w"])
        out = pd.DataFrame({"score": polygenic_score(g, weights["w"].to_numpy(), impute="zero")})
    else:
        raise ValueError(f"unknown step {step!r}; choose from {[s for s, _ in STEPS.values()]}")
    out.to_csv(workdir / f"pmed_{step}.tsv", sep="\t", index=False)


def write_cohort(workdir: Path, n: int, m: int, seed: int = 0) -> None:
    """Simulated genotypes (built in blocks of variants to keep memory low), phenotypes, covariates, weights."""
    from pmed_utils.genomics.io import write_plink

    rng = np.random.default_rng(seed)
    g = np.empty((n, m), np.int8)
    for start in range(0, m, 5000):
        stop = min(start + 5000, m)
        block = rng.binomial(2, rng.uniform(0.05, 0.5, stop - start), (n, stop - start)).astype(np.int8)
        block[rng.random(block.shape) < 0.002] = -1
        g[:, start:stop] = block
    samples = pd.DataFrame({"id": [f"s{i}" for i in range(n)], "sex": rng.integers(0, 2, n)})
    variants = pd.DataFrame(
        {"chrom": 1, "pos": np.arange(m) * 100 + 1, "id": [f"v{j}" for j in range(m)], "ref": "A", "alt": "G"}
    )
    write_plink(workdir / "bench", g, variants, samples)
    ids = {"FID": samples.id, "IID": samples.id}
    pd.DataFrame({**ids, "y": rng.normal(size=n), "d": (rng.random(n) < 0.3) + 1}).to_csv(
        workdir / "p.txt", sep="\t", index=False
    )
    pd.DataFrame({**ids, "age": rng.normal(50, 10, n)}).to_csv(workdir / "c.txt", sep="\t", index=False)
    pd.DataFrame({"id": variants.id, "a": "G", "w": rng.normal(0, 0.01, m)}).to_csv(
        workdir / "w.txt", sep="\t", index=False, header=False
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2, help="threads for plink2 (pmed uses all cores it may)")
    parser.add_argument("--pmed-step", help=argparse.SUPPRESS)  # internal: run one step in this process
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pmed_step:
        run_pmed_step(args.pmed_step, args.workdir)
        return 0
    if shutil.which("plink2") is None:
        print("plink2 is not installed (Debian: apt-get install plink2); nothing to compare against.")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        write_cohort(workdir, args.samples, args.variants)
        for label, (step, plink_args) in STEPS.items():
            pt, pm = _measure(
                ["plink2", "--bfile", "bench", *plink_args, "--threads", str(args.threads), "--silent", "--out", step],
                workdir,
            )
            t, mem = _measure([sys.executable, __file__, "--pmed-step", step, "--workdir", str(workdir)], workdir)
            rows.append((label, t, mem, pt, pm))
    table = pd.DataFrame(rows, columns=["step", "pmed s", "pmed peak MiB", "plink2 s", "plink2 peak MiB"])
    table["time ratio"] = table["pmed s"] / table["plink2 s"]
    total = table[["pmed s", "plink2 s"]].sum()
    print(
        f"{args.samples} samples × {args.variants} variants; plink2 with {args.threads} threads; "
        "each step is a separate process that reads the .bed file (times include start-up and reading)"
    )
    print(table.round(2).to_string(index=False))
    print(
        f"total: pmed {total['pmed s']:.1f} s, plink2 {total['plink2 s']:.1f} s, "
        f"ratio {total['pmed s'] / total['plink2 s']:.1f}; largest peak memory: pmed "
        f"{table['pmed peak MiB'].max():.0f} MiB, plink2 {table['plink2 peak MiB'].max():.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
