"""Genotype files: PLINK 1 binary (.bed/.bim/.fam, via bed-reader) and VCF 4.2 (GT only).

pmed's genotype matrices count the *alternative* allele (0/1/2, -1 missing).
In the .bim file we write ALT as allele 1 (A1) and REF as allele 2, so that
PLINK's A1 dosage equals our count and ``plink2 --bfile`` reads our files as we do.

File names are the prefix with ``.bed``, ``.bim``, ``.fam`` appended (as
PLINK's ``--bfile``/``--out`` do), so a prefix may contain dots
(``cohort.v1`` gives ``cohort.v1.bed``). Readers check the invariants of each
format and refuse files that break them, naming the file, the line and the
counts involved, rather than return genotypes that may belong to someone else.
"""

from __future__ import annotations

import gzip
import numbers
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics.chunked import bed_as_dask_array
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.dataset import _as_genotype_data as _as_data
from pmed_utils.validation import Interval, PmedWarning, validate_params

__all__ = ["bed_file_size", "read_plink", "read_vcf", "write_plink", "write_vcf"]

BED_MAGIC = bytes([0x6C, 0x1B, 0x01])

#: PLINK's numeric codes for the human non-autosomes (``--output-chr 26``).
CHROMOSOME_CODES = {"X": 23, "Y": 24, "XY": 25, "MT": 26, "M": 26}

#: A trailing sample that is homozygous for allele 1 at this many variants or
#: more, in the slots of the last byte, is taken for zero padding (see read_plink).
_PADDING_EVIDENCE = 50


@validate_params(
    {"n_samples": [Interval(numbers.Integral, 0, None)], "n_variants": [Interval(numbers.Integral, 0, None)]}
)
def bed_file_size(n_samples: int, n_variants: int) -> int:
    """Bytes of a variant-major PLINK 1 .bed file.

    The file holds a 3-byte header, then 2 bits per call, each variant padded
    to whole bytes: ``3 + n_variants * ceil(n_samples / 4)``.

    Parameters
    ----------
    n_samples : int
        Number of people (lines of the .fam file), ≥ 0.
    n_variants : int
        Number of variants (lines of the .bim file), ≥ 0.

    Returns
    -------
    int
        The exact size in bytes.

    Examples
    --------
    >>> bed_file_size(9, 7)  # 9 people need 3 bytes per variant, the last one padded
    24
    """
    return len(BED_MAGIC) + int(n_variants) * ((int(n_samples) + 3) // 4)


# ---------------------------------------------------------------------------
# Shared checks of tables and file contents
# ---------------------------------------------------------------------------


# 2-bit .bed codes by alternative-allele count (A1 counted): 0 -> 11, 1 -> 10, 2 -> 00, missing -> 01.
_BED_CODE = np.zeros(256, np.uint8)
_BED_CODE[[0, 1, 2, 255]] = [0b11, 0b10, 0b00, 0b01]  # 255 = int8 -1 seen as uint8


def bed_variant_bytes(genotypes: np.ndarray) -> bytes:
    """The variant-major .bed bytes of an int8 (n_samples, n_variants) block (0/1/2, -1 = missing).

    Appending the blocks of consecutive variants after the 3 magic bytes gives the .bed file.
    """
    n, m = genotypes.shape
    codes = _BED_CODE[genotypes.T.view(np.uint8)]  # (m, n)
    padded = np.zeros((m, 4 * ((n + 3) // 4)), np.uint8)  # padding bits stay zero
    padded[:, :n] = codes
    quads = padded.reshape(m, -1, 4)
    return (quads[..., 0] | quads[..., 1] << 2 | quads[..., 2] << 4 | quads[..., 3] << 6).tobytes()


def _plink_files(prefix: str | os.PathLike) -> dict[str, Path]:
    prefix = Path(prefix)
    return {suffix: prefix.with_name(prefix.name + suffix) for suffix in (".bed", ".bim", ".fam")}


def _chromosome_codes(values: pd.Series, where: str, first_line: np.ndarray | None = None) -> pd.Series:
    """Chromosome names as PLINK's integer codes: 1..22, X=23, Y=24, XY=25, MT=26; 'chr' prefixes dropped."""
    text = values.astype(str).str.strip().str.replace(r"^chr", "", regex=True, case=False)
    numeric = pd.to_numeric(text, errors="coerce")
    codes = numeric.where(numeric.notna(), text.str.upper().map(CHROMOSOME_CODES))
    bad = codes.isna() | (codes < 0) | (codes != np.floor(codes))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        line = f"line {int(first_line[i])}: " if first_line is not None else ""
        raise ValueError(
            f"{where}: {line}chromosome {values.iloc[i]!r} is not a chromosome pmed knows "
            f"({int(bad.sum())} such row(s)); use 1-22, X, Y, XY or MT (PLINK 2 refuses other names "
            "without --allow-extra-chr)."
        )
    return codes.astype(np.int64)


def _check_text(frame: pd.DataFrame, column: str, param: str, func: str, forbidden: str = r"\s") -> pd.Series:
    """A column written into a whitespace-delimited file: non-empty text without forbidden characters."""
    values = frame[column]
    if values.isna().any():
        i = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"The '{param}' parameter of {func} has a missing {column!r} in row {i}.")
    text = values.astype(str)
    bad = (text == "") | text.str.contains(forbidden, regex=True)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        extra = "".join(f" or {c!r}" for c in ";," if c in forbidden)
        raise ValueError(
            f"The '{param}' parameter of {func} has {int(bad.sum())} {column!r} value(s) that cannot be "
            f"written (empty, or containing whitespace{extra}); first: {text.iloc[i]!r} in row {i}."
        )
    return text


def _duplicates(keys: pd.Series, ignore: str | None = None) -> pd.Series:
    dup = keys.duplicated(keep=False)
    if ignore is not None:
        dup &= keys != ignore
    return keys[dup]


def _warn_duplicate_variants(ids: pd.Series, where: str, lines: np.ndarray | None = None) -> None:
    dup = _duplicates(ids.astype(str), ignore=".")
    if dup.empty:
        return
    first = dup.iloc[0]
    rows = np.flatnonzero((ids.astype(str) == first).to_numpy())[:2]
    at = (
        "lines " + " and ".join(str(int(lines[r])) for r in rows)
        if lines is not None
        else "rows " + " and ".join(str(int(r)) for r in rows)
    )
    warnings.warn(
        f"{where}: {dup.nunique()} variant ID(s) occur more than once (first: {first!r}, {at}). "
        "PLINK 2 reads such files but refuses them where an ID must pick one variant (--extract, --score); "
        "give each variant its own ID (e.g. plink2 --set-all-var-ids).",
        PmedWarning,
        stacklevel=4,
    )


def _refuse_duplicate_samples(keys: pd.Series, where: str, what: str, lines: np.ndarray | None = None) -> None:
    dup = _duplicates(keys)
    if dup.empty:
        return
    first = dup.iloc[0]
    rows = np.flatnonzero((keys == first).to_numpy())[:2]
    at = (
        "lines " + " and ".join(str(int(lines[r])) for r in rows)
        if lines is not None
        else "rows " + " and ".join(str(int(r)) for r in rows)
    )
    raise ValueError(
        f"{where}: {dup.nunique()} {what} occur(s) more than once (first: {first!r}, {at}). pmed finds people by ID, "
        "as PLINK 2 does wherever it looks samples up (--pheno, --keep: 'Error: Duplicate ID'); rename or remove "
        "the duplicates (a re-genotyped sample, e.g. with '_dup')."
    )


def _plink_sex(samples: pd.DataFrame, func: str) -> np.ndarray:
    if "sex" not in samples:
        return np.zeros(len(samples), np.int32)
    sex = pd.to_numeric(samples["sex"], errors="coerce")
    bad = ~(sex.isin([0, 1, -1]) | sex.isna()) | (samples["sex"].notna() & sex.isna())
    if bad.any():
        raise ValueError(
            f"The 'samples' parameter of {func} has 'sex' values "
            f"{sorted(map(str, samples['sex'][bad].unique()))[:5]}; use 0 (female), 1 (male), "
            "or -1/NaN (unknown)."
        )
    return np.select([sex == 1, sex == 0], [1, 2], 0).astype(np.int32)  # PLINK: 1 male, 2 female, 0 unknown


def _plink_phenotype(samples: pd.DataFrame, func: str) -> np.ndarray:
    if "disease" in samples:
        disease = pd.to_numeric(samples["disease"], errors="coerce")
        bad = ~(disease.isin([0, 1]) | disease.isna()) | (samples["disease"].notna() & disease.isna())
        if bad.any():
            raise ValueError(
                f"The 'samples' parameter of {func} has 'disease' values "
                f"{sorted(map(str, samples['disease'][bad].unique()))[:5]}; use 0 (control), "
                "1 (case) or NaN (unknown)."
            )
        return np.where(disease.isna(), "-9", (disease.fillna(0).astype(int) + 1).astype(str))
    if "phenotype" in samples:
        return _check_text(samples.fillna({"phenotype": "-9"}), "phenotype", "samples", func).to_numpy()
    return np.full(len(samples), "-9")


# ---------------------------------------------------------------------------
# PLINK 1 binary
# ---------------------------------------------------------------------------


@validate_params(
    {
        "prefix": ["path"],
        "data": [GenotypeData, "array-like"],
        "variants": ["dataframe", None],
        "samples": ["dataframe", None],
    }
)
def write_plink(
    prefix: str | os.PathLike,
    data: GenotypeData | ArrayLike,
    variants: pd.DataFrame | None = None,
    samples: pd.DataFrame | None = None,
) -> Path:
    """Write ``prefix.bed``, ``prefix.bim`` and ``prefix.fam`` (PLINK 1 binary, variant-major).

    The suffixes are appended to ``prefix`` (``"cohort.v1"`` writes
    ``cohort.v1.bed``), as ``plink2 --out`` does. ALT is written as allele 1 and
    REF as allele 2, so PLINK's A1 count equals pmed's genotype code.

    Parameters
    ----------
    prefix : str or os.PathLike
        Path of the three files without their suffix; missing folders are created.
    data : GenotypeData or array-like of shape (n_samples, n_variants)
        The dataset, or genotype codes 0/1/2 (ALT counts) with -1 for a missing
        call, in which case ``variants`` and ``samples`` are required.
    variants : DataFrame or None, default None
        With genotypes: one row per column, columns ``chrom`` (1-22, or 23-26 for
        X, Y, XY, MT), ``pos`` (int ≥ 0), ``id``, ``ref``, ``alt`` and optionally ``cm``.
    samples : DataFrame or None, default None
        With genotypes: one row per row, column ``id`` and optionally ``fid``
        (default: ``id``), ``father``, ``mother``, ``sex`` (0 female, 1 male,
        -1 or NaN unknown) and ``disease`` (0/1, written as PLINK's 1/2) or
        ``phenotype`` (written as is).

    Returns
    -------
    pathlib.Path
        The path of the .bed file.

    Raises
    ------
    ValueError
        When the parts do not describe the same people and variants, when an id
        or allele is empty or contains whitespace, or when a (fid, id) pair occurs
        twice (PLINK 2 refuses duplicate sample IDs). Duplicate variant ids warn.

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bed = write_plink(Path(tmp) / "toy.v1", g, variants, samples)
    ...     first_bim_line = (Path(tmp) / "toy.v1.bim").read_text().splitlines()[0].split()
    ...     back = read_plink(Path(tmp) / "toy.v1")
    >>> bed.name
    'toy.v1.bed'
    >>> first_bim_line  # chrom, id, cM, position, A1 = ALT, A2 = REF
    ['1', 'rs1', '0.0', '100', 'G', 'A']
    >>> back.genotypes.tolist()  # the same genotypes come back, the missing call included
    [[0, 1, 2], [1, -1, 0]]
    """
    from bed_reader import to_bed

    data = _as_data(data, variants, samples, "write_plink")
    g, variants, samples = data
    func = "write_plink"
    ids = _check_text(samples, "id", "samples", func)
    fid = _check_text(samples, "fid", "samples", func) if "fid" in samples else ids
    _refuse_duplicate_samples(fid + " " + ids, func, "sample ID(s) (FID IID)")
    parents = {
        col: _check_text(samples.fillna({col: "0"}), col, "samples", func).to_numpy()
        if col in samples
        else np.full(len(samples), "0")
        for col in ("father", "mother")
    }
    chrom = _chromosome_codes(variants["chrom"], "The 'variants' parameter of write_plink")
    pos = pd.to_numeric(variants["pos"], errors="coerce")
    if pos.isna().any() or (pos < 0).any() or (pos != np.floor(pos)).any() or (pos >= 2**31).any():
        bad = variants["pos"][pos.isna() | (pos < 0) | (pos != np.floor(pos)) | (pos >= 2**31)]
        raise ValueError(
            f"The 'variants' parameter of write_plink has 'pos' values {bad.tolist()[:5]}; "
            "positions are integers in [0, 2**31)."
        )
    cm = pd.to_numeric(variants["cm"], errors="coerce").fillna(0.0) if "cm" in variants else np.zeros(len(variants))
    variant_ids = _check_text(variants, "id", "variants", func)
    _warn_duplicate_variants(variant_ids, func)
    properties = {
        "fid": fid.to_numpy(),
        "iid": ids.to_numpy(),
        "father": parents["father"],
        "mother": parents["mother"],
        "sex": _plink_sex(samples, func),
        "pheno": _plink_phenotype(samples, func),
        "chromosome": chrom.astype(str).to_numpy(),
        "sid": variant_ids.to_numpy(),
        "cm_position": np.asarray(cm, dtype=np.float32),
        "bp_position": pos.astype(np.int32).to_numpy(),
        "allele_1": _check_text(variants, "alt", "variants", func).to_numpy(),
        "allele_2": _check_text(variants, "ref", "variants", func).to_numpy(),
    }
    files = _plink_files(prefix)
    files[".bed"].parent.mkdir(parents=True, exist_ok=True)
    values = np.where(g < 0, np.int8(-127), g)  # bed-reader's int8 code for a missing call
    to_bed(
        files[".bed"],
        values,
        properties=properties,
        count_A1=True,
        fam_filepath=files[".fam"],
        bim_filepath=files[".bim"],
    )
    return files[".bed"]


def _read_columns(path: Path, names: list[str], kind: str) -> tuple[pd.DataFrame, np.ndarray]:
    """A whitespace-delimited PLINK text file with exactly len(names) fields per line; blank lines skipped.

    Returns the table and the file's line number of each row. pandas parses
    well-formed files; anything else is re-read line by line for a message
    that names the line.
    """
    what = "sample" if kind == ".fam" else "variant"
    try:
        table = pd.read_csv(
            path, sep=r"\s+", header=None, dtype=str, skip_blank_lines=True, keep_default_na=False, na_values=[""]
        )
        ok = table.shape[1] == len(names) and not table.isna().any().any()
    except (pd.errors.EmptyDataError, pd.errors.ParserError):
        ok = False
    if ok:
        text = None
        lines = np.arange(1, len(table) + 1)
    else:
        text = path.read_text()
        rows, numbers_ = [], []
        for k, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != len(names):
                raise ValueError(
                    f"{path}: line {k} has {len(fields)} fields; every line of a {kind} file has "
                    f"{len(names)} ({' '.join(names)})."
                )
            rows.append(fields)
            numbers_.append(k)
        table = pd.DataFrame(rows, columns=range(len(names)), dtype=str)
        lines = np.array(numbers_, dtype=np.int64)
    if table.empty:
        raise ValueError(f"{path} is empty: a {kind} file has one line per {what}.")
    if text is None:
        with open(path, "rb") as fh:
            blank = [not line.strip() for line in fh]
        if any(blank):  # skipped blank lines shift the numbering
            lines = np.flatnonzero(~np.array(blank)) + 1
    table.columns = names
    return table, lines


def _check_bed(files: dict[str, Path], fam: pd.DataFrame, bim: pd.DataFrame, fam_lines: np.ndarray) -> None:
    bed = files[".bed"]
    n, m = len(fam), len(bim)
    with open(bed, "rb") as fh:
        magic = fh.read(3)
    if magic[:2] != BED_MAGIC[:2]:
        raise ValueError(
            f"{bed} is not a PLINK 1 .bed file: its first bytes are {magic.hex(' ')}, expected "
            f"{BED_MAGIC.hex(' ')}. Re-export it with plink2 --make-bed."
        )
    if magic[2:] != BED_MAGIC[2:]:
        raise ValueError(
            f"{bed} is a PLINK 1 .bed file in sample-major mode (mode byte {magic[2:].hex()}, first bytes "
            f"{magic.hex(' ')}); pmed reads variant-major files (mode byte 01). Re-export it with plink2 --make-bed."
        )
    per_variant = (n + 3) // 4
    expected = bed_file_size(n, m)
    size = bed.stat().st_size
    if size != expected:
        hints = []
        if size > 3 and (size - 3) % m == 0:
            b = (size - 3) // m
            hints.append(f"for {m} variants it holds {b} bytes each, i.e. {4 * b - 3} to {4 * b} samples")
        if size > 3 and (size - 3) % per_variant == 0:
            hints.append(f"for {n} samples it holds {(size - 3) // per_variant} variants")
        raise ValueError(
            f"{bed} has {size} bytes but the {n} samples of {files['.fam']} and the {m} variants of "
            f"{files['.bim']} need {expected} (3 + {m} × {per_variant}): the .bed does not match its .fam/.bim "
            "(a line too many or too few, a truncated file, or files from different data sets)"
            + (f"; {'; '.join(hints)}." if hints else ".")
        )
    last = np.memmap(bed, dtype=np.uint8, mode="r", offset=3, shape=(m, per_variant))[:, -1].copy()
    used = n - 4 * (per_variant - 1)  # samples stored in the last byte of each variant, 1..4
    if used < 4:
        padding = (0xFF << (2 * used)) & 0xFF
        bad = np.flatnonzero(last & padding)
        if bad.size:
            raise ValueError(
                f"{bed}: the padding bits after the last of the {n} samples of {files['.fam']} are not zero in "
                f"{bad.size} of {m} variants (first: {bim['id'].iloc[bad[0]]!r}). The .bed holds more samples "
                "than the .fam lists (a line missing from the .fam) or it is damaged."
            )
    if m >= _PADDING_EVIDENCE and used > 1:
        phantom = 0
        for slot in range(used - 1, 0, -1):  # slot 0 of the last byte is a real person (the size says so)
            if np.any((last >> (2 * slot)) & 0b11):
                break
            phantom += 1
        if phantom:
            rows = range(n - phantom, n)
            listed = ", ".join(f"{fam['id'].iloc[r]!r} (line {int(fam_lines[r])})" for r in rows)
            raise ValueError(
                f"The last {phantom} of the {n} samples of {files['.fam']} ({listed}) are homozygous for allele 1 "
                f"at all {m} variants of {bed}, which is what the zero padding bits of the .bed look like: the "
                f".fam probably has {phantom} line(s) too many ({n - phantom} samples). Remove the extra line(s)."
            )


@validate_params({"prefix": ["path"], "chunk_variants": [Interval(numbers.Integral, 1, None), None]})
def read_plink(prefix: str | os.PathLike, *, chunk_variants: int | None = None) -> GenotypeData:
    """Read ``prefix.bed``, ``prefix.bim`` and ``prefix.fam`` (PLINK 1 binary) into a GenotypeData.

    The suffixes are appended to ``prefix`` (as ``plink2 --bfile`` does), so
    prefixes with dots work; a prefix that itself ends in ``.bed``, ``.bim``
    or ``.fam`` is also accepted when no file has that name plus ``.bed``.

    Parameters
    ----------
    prefix : str or os.PathLike
        Path of the three files without their suffix.
    chunk_variants : int, optional
        Leave the genotypes on disk: ``genotypes`` is then a lazy Dask array
        with one chunk per ``chunk_variants`` variants (all people), read by
        whichever task needs it; the genome-wide statistics compute on it
        chunk by chunk (see :mod:`pmed_utils.genomics.chunked`). Default: read
        everything into memory.

    Returns
    -------
    GenotypeData
        ``genotypes``: int8 array of shape (n_samples, n_variants) counting
        allele 1 (A1, = ALT as pmed writes it), -1 for a missing call.
        ``variants``: chrom (int; X=23, Y=24, XY=25, MT=26), pos (int64), id,
        ref (= A2), alt (= A1). ``samples``: fid, id, father, mother, sex
        (0 female, 1 male, -1 unknown) and the .fam ``phenotype`` as text.
        It unpacks as ``genotypes, variants, samples = read_plink(prefix)``.

    Raises
    ------
    FileNotFoundError
        When one of the three files is missing.
    ValueError
        When the files break the format: the .bed's magic bytes or mode are
        wrong; its size does not match the .fam and .bim line counts; the padding
        bits of a variant's last byte are not zero (the .fam lists fewer people
        than the .bed holds); the trailing samples of the last byte are
        homozygous for allele 1 at every variant (≥ 50 variants), which is what
        a .fam with lines too many looks like (PLINK 2 reads such a file as if
        the padding were people); a line has other than 6 fields; a
        chromosome is unknown; or a (FID, IID) pair occurs twice. pmed finds people
        by ID, so duplicate sample IDs are an error, as in PLINK 2 wherever it looks
        samples up by ID (``--pheno``, ``--keep``). Duplicate variant IDs (other
        than ".") are allowed, as in PLINK 2, with a
        :class:`~pmed_utils.validation.PmedWarning`; so is an IID shared by two families.

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_plink(Path(tmp) / "toy", g, variants, samples)
    ...     data = read_plink(Path(tmp) / "toy")
    >>> data.genotypes.dtype, data.genotypes.tolist()
    (dtype('int8'), [[0, 1, 2], [1, -1, 0]])
    >>> data.variants
       chrom  pos   id ref alt
    0      1  100  rs1   A   G
    1      1  200  rs2   C   T
    2      2  300  rs3   G   A
    >>> data.samples[["id", "sex"]]
       id  sex
    0  s1    0
    1  s2    1
    >>> genotypes, variants, samples = data  # unpacks as a triple
    >>> with tempfile.TemporaryDirectory() as tmp:  # on disk, two variants per chunk
    ...     _ = write_plink(Path(tmp) / "toy", g, variants, samples)
    ...     lazy = read_plink(Path(tmp) / "toy", chunk_variants=2)
    ...     lazy.genotypes.chunks, lazy.genotypes.compute().tolist()
    (((2,), (2, 1)), [[0, 1, 2], [1, -1, 0]])
    """
    from bed_reader import open_bed

    files = _plink_files(prefix)
    name = Path(prefix).name
    if not files[".bed"].is_file() and name[-4:] in (".bed", ".bim", ".fam"):
        stripped = _plink_files(Path(prefix).with_name(name[:-4]))
        if stripped[".bed"].is_file():
            files = stripped
    for suffix, path in files.items():
        if not path.is_file():
            raise FileNotFoundError(
                f"No {suffix} file at {path} (read_plink reads prefix.bed, prefix.bim and "
                f"prefix.fam with prefix = {os.fspath(prefix)!r})."
            )
    fam, fam_lines = _read_columns(files[".fam"], ["fid", "id", "father", "mother", "sex", "phenotype"], ".fam")
    bim, bim_lines = _read_columns(files[".bim"], ["chrom", "id", "cm", "pos", "alt", "ref"], ".bim")
    _check_bed(files, fam, bim, fam_lines)
    _refuse_duplicate_samples(fam["fid"] + " " + fam["id"], str(files[".fam"]), "sample ID(s) (FID IID)", fam_lines)
    dup_iid = _duplicates(fam["id"])
    if not dup_iid.empty:
        warnings.warn(
            f"{files['.fam']}: {dup_iid.nunique()} IID(s) occur in more than one family (first: "
            f"{dup_iid.iloc[0]!r}); pmed identifies people by IID (samples['id']), so make them unique.",
            PmedWarning,
            stacklevel=3,
        )
    _warn_duplicate_variants(bim["id"], str(files[".bim"]), bim_lines)
    pos = pd.to_numeric(bim["pos"], errors="coerce")
    if pos.isna().any() or (pos != np.floor(pos)).any():
        i = int(np.flatnonzero((pos.isna() | (pos != np.floor(pos))).to_numpy())[0])
        raise ValueError(
            f"{files['.bim']}: line {int(bim_lines[i])} has position {bim['pos'].iloc[i]!r}; "
            "the 4th field of a .bim line is a base-pair position (integer)."
        )
    variants = pd.DataFrame(
        {
            "chrom": _chromosome_codes(bim["chrom"], str(files[".bim"]), bim_lines),
            "pos": pos.astype(np.int64),
            "id": bim["id"],
            "ref": bim["ref"],
            "alt": bim["alt"],
        }
    )
    sex = fam["sex"].map({"1": 1, "2": 0}).fillna(-1).astype(int)
    samples = pd.DataFrame(
        {
            "fid": fam["fid"],
            "id": fam["id"],
            "father": fam["father"],
            "mother": fam["mother"],
            "sex": sex,
            "phenotype": fam["phenotype"],
        }
    )
    if chunk_variants is not None:
        return GenotypeData(bed_as_dask_array(files[".bed"], len(fam), len(bim), chunk_variants), variants, samples)
    with open_bed(
        files[".bed"],
        count_A1=True,
        iid_count=len(fam),
        sid_count=len(bim),
        fam_location=files[".fam"],
        bim_location=files[".bim"],
    ) as reader:
        g = reader.read(dtype=np.int8)
    for start in range(0, g.shape[1], 8192):  # bed-reader's missing code -> ours, in blocks to bound memory
        block = g[:, start : start + 8192]
        block[block == -127] = -1
    return GenotypeData(g, variants, samples)


# ---------------------------------------------------------------------------
# VCF
# ---------------------------------------------------------------------------


@validate_params(
    {
        "path": ["path"],
        "data": [GenotypeData, "array-like"],
        "variants": ["dataframe", None],
        "samples": ["dataframe", None],
    }
)
def write_vcf(
    path: str | os.PathLike,
    data: GenotypeData | ArrayLike,
    variants: pd.DataFrame | None = None,
    samples: pd.DataFrame | None = None,
) -> Path:
    """Write an unphased VCF 4.2 with the GT field only (gzip-compressed when ``path`` ends in ``.gz``).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``.vcf`` or ``.vcf.gz``); missing folders are created.
    data : GenotypeData or array-like of shape (n_samples, n_variants)
        The dataset, or genotype codes 0/1/2 (ALT counts) with -1 for a missing
        call, in which case ``variants`` and ``samples`` are required.
    variants : DataFrame or None, default None
        With genotypes: one row per column, columns ``chrom``, ``pos``, ``id``
        (``"."`` for none), ``ref`` and one ``alt`` allele (biallelic sites only).
    samples : DataFrame or None, default None
        With genotypes: one row per row, with unique ``id`` values (the
        sample columns of the VCF, in the order of the genotype rows).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        When the genotypes, variants and samples do not describe the same
        people and variants (so that no column of the file can belong to
        someone else), when a sample id occurs twice, or when an id or allele
        cannot be written (empty, whitespace, a ``,`` in ALT).

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
    ...     back = read_vcf(path)
    >>> lines[3].split()[-2:]  # the #CHROM header ends with the sample ids
    ['s1', 's2']
    >>> [line.split()[-2:] for line in lines[4:]]  # one line per variant: GT of s1, s2
    [['0/0', '0/1'], ['0/1', './.'], ['1/1', '0/0']]
    >>> back.genotypes.tolist()
    [[0, 1, 2], [1, -1, 0]]
    """
    func = "write_vcf"
    g, variants, samples = _as_data(data, variants, samples, func)
    sample_ids = _check_text(samples, "id", "samples", func)
    _refuse_duplicate_samples(sample_ids, func, "sample id(s)")
    chrom = _check_text(variants, "chrom", "variants", func)
    pos = pd.to_numeric(variants["pos"], errors="coerce")
    if pos.isna().any() or (pos < 0).any() or (pos != np.floor(pos)).any():
        bad = variants["pos"][pos.isna() | (pos < 0) | (pos != np.floor(pos))]
        raise ValueError(
            f"The 'variants' parameter of write_vcf has 'pos' values {bad.tolist()[:5]}; positions are integers ≥ 0."
        )
    ids = _check_text(variants, "id", "variants", func, forbidden=r"[\s;]")
    _warn_duplicate_variants(ids, func)
    ref = _check_text(variants, "ref", "variants", func, forbidden=r"[\s,]")
    alt = _check_text(variants, "alt", "variants", func, forbidden=r"[\s,]")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Each call is 4 bytes ("0/1" and a tab); lines are assembled as byte arrays, a block of variants at a time.
    calls = np.frombuffer(b"0/0\t0/1\t1/1\t./.\t", dtype=np.uint8).reshape(4, 4)
    # gzip level 6: level 9 is ~30 times slower on genotype text for a 15% smaller file.
    with gzip.open(path, "wb", compresslevel=6) if path.name.endswith(".gz") else open(path, "wb") as fh:
        fh.write(
            (
                "##fileformat=VCFv4.2\n##source=pmed\n"
                '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(sample_ids) + "\n"
            ).encode()
        )
        fixed = [
            f"{c}\t{p}\t{i}\t{r}\t{a}\t.\tPASS\t.\tGT\t".encode()
            for c, p, i, r, a in zip(chrom, pos.astype(np.int64), ids, ref, alt, strict=True)
        ]
        block = max(1, 2**24 // max(4 * g.shape[0], 1))
        for start in range(0, g.shape[1], block):
            codes = g[:, start : start + block].T
            text = calls[np.where(codes < 0, 3, codes)]  # (variants, samples, 4)
            text[:, -1, 3] = ord("\n")
            text = text.reshape(len(codes), -1)
            for j in range(len(codes)):
                fh.write(fixed[start + j])
                fh.write(text[j].tobytes())
    return path


_GT_CODES = {
    "0/0": 0,
    "0|0": 0,
    "0/1": 1,
    "1/0": 1,
    "0|1": 1,
    "1|0": 1,
    "1/1": 2,
    "1|1": 2,
    "./.": -1,
    ".|.": -1,
    ".": -1,
}
_VCF_COLUMNS = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"]


def _gt_problem(call: str, n_alt: int) -> str:
    alleles = re.split(r"[/|]", call)
    if len(alleles) != 2:
        return f"GT {call!r} has ploidy {len(alleles)}; pmed reads diploid calls only"
    if "." in alleles:
        return (
            f"GT {call!r} is a half-call (one allele missing); PLINK 2 refuses these by default too "
            "(--vcf-half-call), so set both alleles or neither"
        )
    if not all(a.isdigit() for a in alleles):
        return f"GT {call!r} is not a genotype (allele indices separated by / or |)"
    high = max(int(a) for a in alleles)
    return (
        f"GT {call!r} refers to allele {high} but the site has {n_alt} ALT allele(s); "
        "each GT allele index must be 0 (REF) to the number of ALT alleles"
    )


@validate_params({"path": ["path"]})
def read_vcf(path: str | os.PathLike) -> GenotypeData:
    """Read the GT field of a biallelic, diploid VCF (plain or gzip-compressed) into a GenotypeData.

    Only biallelic sites are read (one ALT allele, or ``.`` for none): a site
    with several ALT alleles is an error (split it first, e.g. with
    ``bcftools norm -m -any``). Calls must be diploid; phased and unphased
    calls count the same.

    Parameters
    ----------
    path : str or os.PathLike
        A VCF file; gzip/bgzip compression is recognised from the file's first bytes.

    Returns
    -------
    GenotypeData
        ``genotypes``: int8 array of shape (n_samples, n_variants) counting the
        ALT allele, -1 for a missing call (``./.`` or ``.``). ``variants``:
        chrom (int; X=23, Y=24, XY=25, MT=26, "chr" prefixes dropped), pos
        (int64), id, ref, alt. ``samples``: id, in the order of the header.
        It unpacks as ``genotypes, variants, samples = read_vcf(path)``.

    Raises
    ------
    FileNotFoundError
        When there is no file at ``path``.
    ValueError
        Naming the line (and the sample): no ``#CHROM`` header or no sample
        columns; a data line with another number of columns than the header; a
        site with several ALT alleles; a GT that is not diploid, a half-call
        (PLINK 2 refuses these by default too), or an allele index the site
        does not have; no GT field; a sample id twice in the header (the VCF
        specification forbids it). Duplicate variant IDs warn.

    Examples
    --------
    >>> import tempfile
    >>> g = np.array([[0, 1, 2], [1, -1, 0]], np.int8)  # 2 people × 3 variants, one missing call
    >>> variants = pd.DataFrame({"chrom": [1, 1, 2], "pos": [100, 200, 300], "id": ["rs1", "rs2", "rs3"],
    ...                          "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> samples = pd.DataFrame({"id": ["s1", "s2"], "sex": [0, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_vcf(Path(tmp) / "toy.vcf.gz", g, variants, samples)
    ...     data = read_vcf(path)
    >>> data.genotypes.dtype, data.genotypes.tolist()
    (dtype('int8'), [[0, 1, 2], [1, -1, 0]])
    >>> data.variants["id"].tolist(), data.variants["alt"].tolist(), data.samples["id"].tolist()
    (['rs1', 'rs2', 'rs3'], ['G', 'T', 'A'], ['s1', 's2'])
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No VCF file at {path}.")
    with open(path, "rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    rows: list[tuple[str, str, str, str, str]] = []
    lines: list[int] = []
    calls: list[np.ndarray] = []
    header: list[str] | None = None
    with opener(path, "rt") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.startswith("##"):
                continue
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if line.startswith("#CHROM"):
                if fields[: len(_VCF_COLUMNS)] != _VCF_COLUMNS[: len(fields)] or len(fields) < len(_VCF_COLUMNS) + 1:
                    raise ValueError(
                        f"{path}, line {lineno}: the header must be the tab-separated columns "
                        f"{' '.join(_VCF_COLUMNS)} followed by at least one sample; got {len(fields)} column(s) "
                        f"starting {' '.join(fields[:10])!r}."
                    )
                header = fields
                _refuse_duplicate_samples(pd.Series(fields[9:]), f"{path}, line {lineno}", "sample id(s)")
                continue
            if header is None:
                raise ValueError(
                    f"{path}, line {lineno}: a data line comes before the #CHROM header line (is this a VCF file?)."
                )
            if len(fields) != len(header):
                raise ValueError(
                    f"{path}, line {lineno}: {len(fields)} tab-separated columns but the header has "
                    f"{len(header)} ({len(header) - 9} samples)."
                )
            chrom, pos, vid, ref, alt, _, _, _, fmt = fields[:9]
            if "," in alt:
                raise ValueError(
                    f"{path}, line {lineno}: variant {vid} ({chrom}:{pos}) has {alt.count(',') + 1} "
                    "ALT alleles; read_vcf reads biallelic sites only. Split multi-allelic sites "
                    "first (bcftools norm -m -any, or plink2 --max-alleles 2)."
                )
            keys = fmt.split(":")
            if "GT" not in keys:
                raise ValueError(f"{path}, line {lineno}: the FORMAT column {fmt!r} has no GT field.")
            gt_index = keys.index("GT")
            if len(keys) == 1:
                gts = fields[9:]
            else:
                parts = [f.split(":") for f in fields[9:]]
                gts = [p[gt_index] if len(p) > gt_index else "." for p in parts]
            codes = np.fromiter((_GT_CODES.get(x, 9) for x in gts), dtype=np.int8, count=len(gts))
            n_alt = 0 if alt == "." else 1
            bad = (codes == 9) | ((codes > 0) & (n_alt == 0))
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"{path}, line {lineno}, sample {header[9 + k]!r} (variant {vid}): {_gt_problem(gts[k], n_alt)}."
                )
            rows.append((chrom, pos, vid, ref, alt))
            lines.append(lineno)
            calls.append(codes)
    if header is None:
        raise ValueError(f"{path} has no #CHROM header line: not a VCF file.")
    line_numbers = np.array(lines, dtype=np.int64)
    variants = pd.DataFrame(rows, columns=["chrom", "pos", "id", "ref", "alt"])
    pos = pd.to_numeric(variants["pos"], errors="coerce")
    if pos.isna().any() or (pos != np.floor(pos)).any():
        i = int(np.flatnonzero((pos.isna() | (pos != np.floor(pos))).to_numpy())[0])
        raise ValueError(f"{path}, line {int(line_numbers[i])}: POS {variants['pos'].iloc[i]!r} is not an integer.")
    variants["pos"] = pos.astype(np.int64)
    variants["chrom"] = _chromosome_codes(variants["chrom"], str(path), line_numbers)
    _warn_duplicate_variants(variants["id"], str(path), line_numbers)
    n = len(header) - 9
    g = np.stack(calls, axis=1) if calls else np.zeros((n, 0), np.int8)
    return GenotypeData(g, variants, pd.DataFrame({"id": header[9:]}))
