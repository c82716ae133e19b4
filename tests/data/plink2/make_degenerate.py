"""Write degenerate.bed/.bim/.fam: variants and samples on which some statistics are undefined.

Run from the repository root: python tests/data/plink2/make_degenerate.py
"""

import numpy as np
import pandas as pd

from pmed_utils.genomics.io import write_plink

rng = np.random.default_rng(11)
n = 60
g = np.empty((n, 8), np.int8)
g[:, 0] = rng.binomial(2, 0.3, n)  # ordinary
g[:, 1] = rng.binomial(2, 0.5, n)  # ordinary
g[:, 2] = 0  # monomorphic (reference)
g[:, 3] = 2  # monomorphic (alternative), some missing below
g[rng.random(n) < 0.2, 3] = -1
g[:, 4] = 1  # every call heterozygous
g[:, 5] = -1  # no call at all
g[:, 6] = g[:, 0]  # a copy of variant 0 (r² = 1)
g[:, 7] = rng.binomial(2, 0.2, n)
g[0, :] = -1  # a sample without any call
g[1, :] = -1  # a sample called only at the monomorphic variants
g[1, 2] = 0
g[1, 3] = 2
ids = ["ok_a", "ok_b", "mono_ref", "mono_alt", "all_het", "no_call", "copy_of_ok_a", "ok_c"]
variants = pd.DataFrame({"chrom": 1, "pos": 1000 * np.arange(1, 9), "id": ids, "ref": "A", "alt": "G"})
samples = pd.DataFrame({"id": ["no_calls", "mono_only"] + [f"s{i:02d}" for i in range(2, n)], "sex": 0})
write_plink("tests/data/plink2/degenerate", g, variants, samples)
