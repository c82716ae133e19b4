"""Genotype files: PLINK 1 binary (.bed/.bim/.fam, via bed-reader) and VCF 4.2 (GT only).

pmed's genotype matrices count the *alternative* allele (0/1/2, -1 missing).
In the .bim file we write ALT as allele 1 (A1) and REF as allele 2, so that
PLINK's A1 dosage equals our count and ``plink2 --bfile`` reads our files as we do.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._checks import check_genotypes

__all__ = ["write_plink", "read_plink", "write_vcf", "read_vcf", "bed_file_size"]

BED_MAGIC = bytes([0x6C, 0x1B, 0x01])


def bed_file_size(n_samples: int, n_variants: int) -> int:
    """Bytes of a variant-major PLINK 1 .bed file: the 3-byte header, then 2 bits per call,
    each variant padded to whole bytes.

    Examples
    --------
    >>> bed_file_size(9, 7)
    24
    """
    return len(BED_MAGIC) + n_variants * ((n_samples + 3) // 4)


def write_plink(prefix: str | os.PathLike, genotypes: ArrayLike, variants: pd.DataFrame,
                samples: pd.DataFrame) -> Path:
    """Write ``prefix.bed/.bim/.fam``. Sample columns used: id, sex (0 female/1 male), optional phenotype ``disease``.

    Returns the .bed path.

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bed = write_plink(Path(tmp) / "toy", g, variants, samples)
    ...     first_bim_line = (Path(tmp) / "toy.bim").read_text().splitlines()[0].split()
    ...     back, _, _ = read_plink(Path(tmp) / "toy")
    >>> bed.name
    'toy.bed'
    >>> first_bim_line  # chrom, id, cM, position, A1 = ALT, A2 = REF
    ['1', 'rs1', '0.0', '100', 'G', 'A']
    >>> back.tolist()  # the same genotypes come back, the missing call included
    [[0, 1, 2], [1, -1, 0]]
    """
    from bed_reader import to_bed

    g = check_genotypes(genotypes, "write_plink")
    if len(variants) != g.shape[1] or len(samples) != g.shape[0]:
        raise ValueError(
            f"write_plink: genotypes are {g.shape[0]} samples × {g.shape[1]} variants but the tables have "
            f"{len(samples)} samples and {len(variants)} variants."
        )
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    values = np.where(g < 0, np.int8(-127), g)  # bed-reader's int8 code for a missing call
    sex = samples["sex"].to_numpy() if "sex" in samples else np.zeros(len(samples))
    pheno = samples["disease"].to_numpy() + 1 if "disease" in samples else np.full(len(samples), -9)
    properties = {
        "fid": samples["id"].astype(str).to_numpy(),
        "iid": samples["id"].astype(str).to_numpy(),
        "sex": np.where(sex == 1, 1, 2).astype(np.int32),  # PLINK: 1 male, 2 female
        "pheno": pheno.astype(str),
        "chromosome": variants["chrom"].astype(str).to_numpy(),
        "sid": variants["id"].astype(str).to_numpy(),
        "bp_position": variants["pos"].astype(np.int32).to_numpy(),
        "allele_1": variants["alt"].astype(str).to_numpy(),
        "allele_2": variants["ref"].astype(str).to_numpy(),
    }
    bed = prefix.with_suffix(".bed")
    to_bed(bed, values, properties=properties, count_A1=True)
    return bed


def _check_bed(bed: Path, n_samples: int, n_variants: int) -> None:
    if not bed.is_file():
        raise FileNotFoundError(f"No .bed file at {bed}.")
    with open(bed, "rb") as fh:
        magic = fh.read(3)
    if magic != BED_MAGIC:
        raise ValueError(
            f"{bed} is not a PLINK 1 .bed file in variant-major mode: its first bytes are {magic.hex(' ')}, "
            f"expected {BED_MAGIC.hex(' ')}. Re-export it with plink --make-bed."
        )
    expected = bed_file_size(n_samples, n_variants)
    size = bed.stat().st_size
    if size != expected:
        raise ValueError(
            f"{bed} has {size} bytes but {n_samples} samples × {n_variants} variants need {expected}: the .bed "
            "does not match its .fam/.bim (truncated file, or files from different data sets)."
        )


def read_plink(prefix: str | os.PathLike) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Read ``prefix.bed/.bim/.fam`` into (int8 genotypes counting A1, variants, samples).

    ``variants`` has chrom, pos, id, ref (= A2), alt (= A1); ``samples`` has
    fid, id, sex (0 female, 1 male, -1 unknown) and the .fam phenotype.

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_plink(Path(tmp) / "toy", g, variants, samples)
    ...     back, bim, fam = read_plink(Path(tmp) / "toy")
    >>> back.dtype, back.tolist()
    (dtype('int8'), [[0, 1, 2], [1, -1, 0]])
    >>> bim
       chrom  pos   id ref alt
    0      1  100  rs1   A   G
    1      1  200  rs2   C   T
    2      2  300  rs3   G   A
    >>> fam[["id", "sex"]]
       id  sex
    0  s1    0
    1  s2    1
    """
    from bed_reader import open_bed

    prefix = Path(prefix)
    bed = prefix.with_suffix(".bed")
    for suffix in (".bim", ".fam"):
        if not prefix.with_suffix(suffix).is_file():
            raise FileNotFoundError(f"No {suffix} file at {prefix.with_suffix(suffix)} (needed next to {bed}).")
    fam = pd.read_csv(prefix.with_suffix(".fam"), sep=r"\s+", header=None, dtype=str,
                      names=["fid", "id", "father", "mother", "sex", "phenotype"])
    bim = pd.read_csv(prefix.with_suffix(".bim"), sep=r"\s+", header=None, dtype=str,
                      names=["chrom", "id", "cm", "pos", "alt", "ref"])
    _check_bed(bed, len(fam), len(bim))
    with open_bed(bed, count_A1=True, iid_count=len(fam), sid_count=len(bim)) as reader:
        g = reader.read(dtype=np.int8)
    for start in range(0, g.shape[1], 8192):  # bed-reader's missing code -> ours, in blocks to bound memory
        block = g[:, start:start + 8192]
        block[block == -127] = -1
    variants = pd.DataFrame({
        "chrom": pd.to_numeric(bim["chrom"], errors="coerce").fillna(-1).astype(int),
        "pos": bim["pos"].astype(np.int64), "id": bim["id"], "ref": bim["ref"], "alt": bim["alt"],
    })
    sex = fam["sex"].map({"1": 1, "2": 0}).fillna(-1).astype(int)
    samples = pd.DataFrame({"fid": fam["fid"], "id": fam["id"], "sex": sex, "phenotype": fam["phenotype"]})
    return g, variants, samples


def write_vcf(path: str | os.PathLike, genotypes: ArrayLike, variants: pd.DataFrame,
              samples: pd.DataFrame) -> Path:
    """Write an unphased VCF 4.2 with GT only (``.vcf`` or ``.vcf.gz``).

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_vcf(Path(tmp) / "toy.vcf", g, variants, samples)
    ...     lines = path.read_text().splitlines()
    ...     back, _, _ = read_vcf(path)
    >>> lines[3].split()[-2:]  # the #CHROM header ends with the sample ids
    ['s1', 's2']
    >>> [line.split()[-2:] for line in lines[4:]]  # one line per variant: GT of s1, s2
    [['0/0', '0/1'], ['0/1', './.'], ['1/1', '0/0']]
    >>> back.tolist()
    [[0, 1, 2], [1, -1, 0]]
    """
    g = check_genotypes(genotypes, "write_vcf")
    path = Path(path)
    gt = np.array(["0/0", "0/1", "1/1", "./."])
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as fh:
        fh.write("##fileformat=VCFv4.2\n##source=pmed\n")
        fh.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples["id"].astype(str)) + "\n")
        codes = np.where(g < 0, 3, g)
        for j, row in enumerate(variants.itertuples(index=False)):
            fh.write(f"{row.chrom}\t{row.pos}\t{row.id}\t{row.ref}\t{row.alt}\t.\tPASS\t.\tGT\t"
                     + "\t".join(gt[codes[:, j]]) + "\n")
    return path


def read_vcf(path: str | os.PathLike) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Read a biallelic VCF's GT field into (int8 alt counts, variants, samples).

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_vcf(Path(tmp) / "toy.vcf.gz", g, variants, samples)
    ...     back, bim, ids = read_vcf(path)
    >>> back.dtype, back.tolist()
    (dtype('int8'), [[0, 1, 2], [1, -1, 0]])
    >>> bim["id"].tolist(), bim["alt"].tolist(), ids["id"].tolist()
    (['rs1', 'rs2', 'rs3'], ['G', 'T', 'A'], ['s1', 's2'])
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No VCF file at {path}.")
    opener = gzip.open if path.suffix == ".gz" else open
    rows, calls, header = [], [], None
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#CHROM"):
                header = fields
                continue
            if header is None:
                raise ValueError(f"{path} has no #CHROM header line: not a VCF file.")
            if "," in fields[4]:
                raise ValueError(f"{path}: variant {fields[2]} has several ALT alleles; split multi-allelic sites first.")
            fmt = fields[8].split(":")
            gt_index = fmt.index("GT")
            rows.append((fields[0], int(fields[1]), fields[2], fields[3], fields[4]))
            gts = [f.split(":")[gt_index].replace("|", "/") for f in fields[9:]]
            calls.append([-1 if "." in x else sum(int(a) for a in x.split("/")) for x in gts])
    g = np.array(calls, dtype=np.int8).T if calls else np.zeros((len(header) - 9, 0), np.int8)
    variants = pd.DataFrame(rows, columns=["chrom", "pos", "id", "ref", "alt"])
    variants["chrom"] = pd.to_numeric(variants["chrom"], errors="coerce").fillna(-1).astype(int)
    return g, variants, pd.DataFrame({"id": header[9:]})
