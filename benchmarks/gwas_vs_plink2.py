"""Benchmark: pmed's QC + GWAS + scoring against PLINK 2 on the same .bed files, in the same run.

    python benchmarks/gwas_vs_plink2.py --samples 5000 --variants 100000

Prints one table: wall time and peak memory of each step for both tools, and the ratio.
Needs the `plink2` executable (Debian package plink2). Genotypes are simulated with
binomial allele counts (a benchmark of speed, not of realism).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from pmed_utils.genomics.gwas import gwas_linear, gwas_logistic
from pmed_utils.genomics.io import read_plink, write_plink
from pmed_utils.genomics.prs import polygenic_score
from pmed_utils.genomics.qc import allele_frequencies, call_rate_per_variant, hwe_exact_pvalues


def _timed(fn):
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, elapsed, peak


def _plink(args, workdir) -> tuple[float, float]:
    cmd = ["/usr/bin/time", "-f", "%M"] + ["plink2", *args, "--silent", "--threads", "2"]
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, int(res.stderr.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--variants", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("plink2") is None:
        print("plink2 is not installed (Debian: apt-get install plink2); nothing to compare against.")
        return 1
    rng = np.random.default_rng(0)
    n, m = args.samples, args.variants
    freq = rng.uniform(0.05, 0.5, m)
    g = rng.binomial(2, freq, (n, m)).astype(np.int8)
    g[rng.random((n, m)) < 0.002] = -1
    samples = pd.DataFrame({"id": [f"s{i}" for i in range(n)], "sex": rng.integers(0, 2, n)})
    variants = pd.DataFrame({"chrom": 1, "pos": np.arange(m) * 100 + 1, "id": [f"v{j}" for j in range(m)],
                             "ref": "A", "alt": "G"})
    y = rng.normal(size=n)
    d = (rng.random(n) < 0.3).astype(int)
    age = rng.normal(50, 10, n)
    w = rng.normal(0, 0.01, m)
    with tempfile.TemporaryDirectory() as tmp:
        write_plink(Path(tmp) / "bench", g, variants, samples)
        pd.DataFrame({"FID": samples.id, "IID": samples.id, "y": y, "d": d + 1}).to_csv(Path(tmp) / "p.txt", sep="\t", index=False)
        pd.DataFrame({"FID": samples.id, "IID": samples.id, "age": age}).to_csv(Path(tmp) / "c.txt", sep="\t", index=False)
        pd.DataFrame({"id": variants.id, "a": "G", "w": w}).to_csv(Path(tmp) / "w.txt", sep="\t", index=False, header=False)
        rows = []
        (gg, _, _), t_read, m_read = _timed(lambda: read_plink(Path(tmp) / "bench"))
        _, t, mem = _timed(lambda: (allele_frequencies(gg), call_rate_per_variant(gg), hwe_exact_pvalues(gg)))
        pt, pm = _plink(["--bfile", "bench", "--freq", "--missing", "--hardy", "--out", "qc"], tmp)
        rows.append(("QC (freq, missing, HWE)", t + t_read, max(mem, m_read), pt, pm))
        _, t, mem = _timed(lambda: gwas_linear(gg, y, age))
        pt, pm = _plink(["--bfile", "bench", "--pheno", "p.txt", "--pheno-name", "y", "--covar", "c.txt",
                         "--glm", "hide-covar", "--out", "lin"], tmp)
        rows.append(("GWAS linear", t, mem, pt, pm))
        _, t, mem = _timed(lambda: gwas_logistic(gg, d, age))
        pt, pm = _plink(["--bfile", "bench", "--pheno", "p.txt", "--pheno-name", "d", "--covar", "c.txt",
                         "--glm", "hide-covar", "no-firth", "--out", "log"], tmp)
        rows.append(("GWAS logistic", t, mem, pt, pm))
        _, t, mem = _timed(lambda: polygenic_score(gg, w, impute="zero"))
        pt, pm = _plink(["--bfile", "bench", "--score", "w.txt", "1", "2", "3", "no-mean-imputation", "--out", "sc"], tmp)
        rows.append(("score", t, mem, pt, pm))
    table = pd.DataFrame(rows, columns=["step", "pmed s", "pmed peak MiB (Python heap)", "plink2 s", "plink2 peak MiB (RSS)"])
    table["time ratio pmed/plink2"] = table["pmed s"] / table["plink2 s"]
    total = table[["pmed s", "plink2 s"]].sum()
    print(f"{n} samples × {m} variants, 2 threads for plink2, process peak RSS of pmed "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(table.round(2).to_string(index=False))
    print(f"total: pmed {total['pmed s']:.1f} s, plink2 {total['plink2 s']:.1f} s, ratio {total['pmed s'] / total['plink2 s']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
