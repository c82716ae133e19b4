"""Write firth.bed/.bim/.fam: the people of fixture.* with variants that separate cases from controls.

Run from the repository root: python tests/data/plink2/make_firth_fixture.py
(then run_plink2.sh makes PLINK 2's reference output from it). The phenotype and
covariate files are fixture.pheno and fixture.covar (same people, same order).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from pmed_utils.genomics.io import read_plink, write_plink

HERE = Path(__file__).resolve().parent

g, v, s = read_plink(HERE / "fixture")
pheno = pd.read_csv(HERE / "fixture.pheno", sep="\t")
assert (pheno["IID"].to_numpy() == s["id"].to_numpy()).all()
case = (pheno["disease"] == 2).to_numpy()
cases, controls = np.flatnonzero(case), np.flatnonzero(~case)
rng = np.random.default_rng(11)
n = len(s)
planted = []


def plant(values):
    planted.append(np.asarray(values, dtype=np.int8))


col = np.zeros(n)
col[cases[:4]] = 1  # quasi-complete separation: 4 case carriers, no control carrier
plant(col)
col = np.zeros(n)
col[controls[:6]] = 1  # 6 control carriers, no case carrier
plant(col)
col = np.zeros(n)
col[cases[:3]] = 2  # homozygous cases only
col[cases[3:5]] = 1
plant(col)
col = np.zeros(n)
col[cases[:2]] = 1  # two case carriers and missing calls elsewhere
col[rng.choice(n, 10, replace=False)] = -1
col[cases[:2]] = 1
plant(col)
col = np.zeros(n)
col[cases[::2]] = 1  # half the cases carry it, no control: separation at a common frequency
plant(col)
col = np.where(case, 1, 0)  # complete separation: every case het, every control hom-ref
plant(col)
col = rng.binomial(2, 0.02, n)
col[controls] = 0  # a rare allele seen in cases only, with a few missing calls
col[rng.choice(controls, 5, replace=False)] = -1
plant(col)

base = list(range(300))  # ordinary variants (with missing calls) around the planted ones
genotypes = np.column_stack([g[:, base]] + planted)
extra = pd.DataFrame(
    {
        "chrom": 3,
        "pos": 1000 * (np.arange(len(planted)) + 1),
        "id": [f"sep{i + 1}" for i in range(len(planted))],
        "ref": "A",
        "alt": "G",
    }
)
variants = pd.concat([v.iloc[base][["chrom", "pos", "id", "ref", "alt"]], extra], ignore_index=True)
write_plink(HERE / "firth", genotypes, variants, s)
print(genotypes.shape)
