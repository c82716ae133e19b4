"""Write tests/data/io/toy.vcf: a small hand-made VCF with the features read_vcf must handle.

12 samples x 40 biallelic sites on chr1/chr2 ("chr" prefix), FORMAT GT:DP, a mix of phased
and unphased calls, and missing calls written both as "./." and ".". Run from the repository
root: python tests/data/io/make_toy_vcf.py (then tests/data/io/run_plink2.sh).
"""

from pathlib import Path

import numpy as np

rng = np.random.default_rng(17)
n, m = 12, 40
freq = rng.uniform(0.05, 0.6, m)
haplotypes = (rng.random((n, m, 2)) < freq[None, :, None]).astype(int)
missing = rng.random((n, m)) < 0.06
phased = rng.random((n, m)) < 0.5
lines = [
    "##fileformat=VCFv4.2",
    "##source=pmed tests/data/io/make_toy_vcf.py",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    "\t".join(
        ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"] + [f"P{i:02d}" for i in range(n)]
    ),
]
bases = np.array(list("ACGT"))
for j in range(m):
    ref = rng.integers(4)
    alt = (ref + rng.integers(1, 4)) % 4
    chrom = "chr1" if j < 25 else "chr2"
    pos = 1000 + 137 * j
    calls = []
    for i in range(n):
        if missing[i, j]:
            calls.append("./.:0" if i % 2 else ".")
        else:
            sep = "|" if phased[i, j] else "/"
            calls.append(f"{haplotypes[i, j, 0]}{sep}{haplotypes[i, j, 1]}:{rng.integers(5, 40)}")
    lines.append("\t".join([chrom, str(pos), f"snp{j}", bases[ref], bases[alt], ".", "PASS", ".", "GT:DP"] + calls))
Path(__file__).with_name("toy.vcf").write_text("\n".join(lines) + "\n")
