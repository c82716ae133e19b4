"""pmed_utils.genomics.io: PLINK 1 binary and VCF readers/writers, against PLINK 2 where it has an answer.

The PLINK 2 outputs are stored in tests/data/io (made by tests/data/io/run_plink2.sh);
plink2 is not needed to run these tests.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.io import (
    bed_file_size,
    read_plink,
    read_vcf,
    write_plink,
    write_vcf,
)
from pmed_utils.validation import PmedWarning

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
ROOT = Path(__file__).resolve().parents[2]
HAPMAP3 = ROOT / "pmed_utils" / "data" / "genotypes" / "hapmap3" / "HM3_thinned_autosomal_overlap"
KG_NAME = "1kg.ref.phase1_release_v3.20101123_thinned_autosomal_overlap"


def _shared_1kg_prefix() -> Path | None:
    """The 1000 Genomes prefix in the project's shared data folder (../shared from a checkout), if present."""
    for parent in ROOT.parents:
        prefix = parent / "shared" / "data" / "genotypes" / "flashpca_hapmap3_1kg" / KG_NAME
        if prefix.with_name(KG_NAME + ".bed").is_file():
            return prefix
    return None


def _alt_freq(g: np.ndarray) -> np.ndarray:
    called = g >= 0
    return np.where(called, g, 0).sum(axis=0) / (2 * called.sum(axis=0))


def _toy(n: int = 9, m: int = 60, seed: int = 0) -> GenotypeData:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 3, (n, m)).astype(np.int8)
    g[rng.random((n, m)) < 0.05] = -1
    variants = pd.DataFrame(
        {
            "chrom": 1 + (np.arange(m) >= m // 2),
            "pos": 100 + 10 * np.arange(m),
            "id": [f"rs{j}" for j in range(m)],
            "ref": "A",
            "alt": "G",
        }
    )
    samples = pd.DataFrame(
        {"id": [f"s{i}" for i in range(n)], "sex": rng.integers(0, 2, n), "disease": rng.integers(0, 2, n)}
    )
    return GenotypeData(g, variants, samples)


# --- prefixes with dots; real files read as PLINK 2 reads them -------------------------------------


def test_dotted_prefix_round_trip_keeps_the_whole_name(tmp_path):
    data = _toy()
    bed = write_plink(tmp_path / "cohort.v1", data)
    assert bed == tmp_path / "cohort.v1.bed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.v1.bed", "cohort.v1.bim", "cohort.v1.fam"]
    back = read_plink(tmp_path / "cohort.v1")
    assert isinstance(back, GenotypeData)
    np.testing.assert_array_equal(back.genotypes, data.genotypes)
    assert back.variants[["chrom", "pos", "id", "ref", "alt"]].equals(data.variants)
    assert back.samples["id"].tolist() == data.samples["id"].tolist()
    assert back.samples["sex"].tolist() == data.samples["sex"].tolist()
    assert back.samples["phenotype"].astype(int).tolist() == (data.samples["disease"] + 1).tolist()
    # a prefix given with its .bed suffix is understood when no "x.bed.bed" exists
    np.testing.assert_array_equal(read_plink(tmp_path / "cohort.v1.bed").genotypes, data.genotypes)


def test_old_positional_triple_still_works_and_unpacks(tmp_path):
    g, v, s = _toy()
    write_plink(tmp_path / "c", g, v, s)
    g2, _, s2 = read_plink(tmp_path / "c")
    np.testing.assert_array_equal(g2, g)
    assert list(s2.columns) == ["fid", "id", "father", "mother", "sex", "phenotype"]


def test_read_write_read_keeps_the_fam_and_unknown_sex(tmp_path):
    fam = "F1 a 0 0 1 2\nF1 b 0 0 2 1\nF2 c a b 0 -9\n"
    first = _toy(3, 4)
    write_plink(tmp_path / "x", first)
    (tmp_path / "x.fam").write_text(fam)
    data = read_plink(tmp_path / "x")
    assert data.samples["sex"].tolist() == [1, 0, -1]
    write_plink(tmp_path / "y", data)
    assert (tmp_path / "y.fam").read_text().split() == fam.split()


@pytest.mark.skipif(_shared_1kg_prefix() is None, reason="the shared 1000 Genomes files are not on this machine")
def test_1000_genomes_prefix_with_dots_matches_plink2_frequencies():
    data = read_plink(_shared_1kg_prefix())
    assert data.genotypes.shape == (2184 // 2, 14079)
    ref = pd.read_csv(DATA / "1kg_subset.afreq", sep="\t")
    rows = data.variants.set_index("id").index.get_indexer(ref["ID"])
    assert (rows >= 0).all()
    assert (data.variants["alt"].to_numpy()[rows] == ref["ALT"]).all()
    assert (data.variants["ref"].to_numpy()[rows] == ref["REF"]).all()
    freq = _alt_freq(data.genotypes[:, rows])
    np.testing.assert_allclose(freq, ref["ALT_FREQS"], rtol=6e-6)  # PLINK prints 6 significant digits
    np.testing.assert_array_equal(2 * (data.genotypes[:, rows] >= 0).sum(axis=0), ref["OBS_CT"])


def test_hapmap3_matches_plink2_frequencies():
    data = read_plink(HAPMAP3)
    ref = pd.read_csv(DATA / "hapmap3_subset.afreq", sep="\t")
    rows = data.variants.set_index("id").index.get_indexer(ref["ID"])
    np.testing.assert_allclose(_alt_freq(data.genotypes[:, rows]), ref["ALT_FREQS"], rtol=6e-6)
    np.testing.assert_array_equal(2 * (data.genotypes[:, rows] >= 0).sum(axis=0), ref["OBS_CT"])


def test_read_vcf_agrees_with_plink2_reading_the_same_vcf():
    ours = read_vcf(DATA / "toy.vcf")  # GT:DP, phased and unphased, "./." and "." missing, "chr" prefixes
    theirs = read_plink(DATA / "toy_plink2")  # plink2 --vcf toy.vcf --make-bed
    np.testing.assert_array_equal(ours.genotypes, theirs.genotypes)
    for column in ("chrom", "pos", "id", "ref", "alt"):
        assert ours.variants[column].tolist() == theirs.variants[column].tolist(), column
    assert ours.samples["id"].tolist() == theirs.samples["id"].tolist()
    assert (ours.genotypes == -1).sum() > 0 and set(ours.variants["chrom"]) == {1, 2}
    afreq = pd.read_csv(DATA / "toy_plink2.afreq", sep="\t")
    np.testing.assert_allclose(_alt_freq(ours.genotypes), afreq["ALT_FREQS"], rtol=6e-6)


def test_vcf_round_trip(tmp_path):
    data = _toy(30, 50)
    for name in ("c.vcf", "c.vcf.gz"):
        path = write_vcf(tmp_path / name, data)
        back = read_vcf(path)
        np.testing.assert_array_equal(back.genotypes, data.genotypes)
        assert back.variants.equals(data.variants)
        assert back.samples["id"].tolist() == data.samples["id"].tolist()
    with gzip.open(tmp_path / "c.vcf.gz", "rt") as fh:
        assert fh.readline().startswith("##fileformat=VCFv4.2")


# --- .bed/.bim/.fam invariants ------------------------------------------------------------------------


def test_bed_file_size_is_what_write_plink_writes(tmp_path):
    for n in (1, 4, 5, 9):
        bed = write_plink(tmp_path / f"n{n}", _toy(n, 7))
        assert bed.stat().st_size == bed_file_size(n, 7) == 3 + 7 * ((n + 3) // 4)


def test_wrong_magic_bytes_and_sample_major_mode_are_named(tmp_path):
    write_plink(tmp_path / "c", _toy())
    bed = tmp_path / "c.bed"
    data = bed.read_bytes()
    bed.write_bytes(b"\x00\x00\x00" + data[3:])
    with pytest.raises(ValueError, match="first bytes are 00 00 00"):
        read_plink(tmp_path / "c")
    bed.write_bytes(data[:2] + b"\x00" + data[3:])
    with pytest.raises(ValueError, match="sample-major mode"):
        read_plink(tmp_path / "c")


def test_size_mismatch_names_the_files_and_counts(tmp_path):
    write_plink(tmp_path / "c", _toy(9, 60))
    bed = tmp_path / "c.bed"
    bed.write_bytes(bed.read_bytes()[:-5])
    with pytest.raises(
        ValueError,
        match=r"has 178 bytes but the 9 samples of .*c\.fam and the 60 variants of "
        r".*c\.bim need 183",
    ):
        read_plink(tmp_path / "c")


def test_bim_with_a_line_too_many_is_a_size_mismatch(tmp_path):
    write_plink(tmp_path / "c", _toy(9, 60))
    bim = tmp_path / "c.bim"
    bim.write_text(bim.read_text() + "2\trs_extra\t0\t99999\tG\tA\n")
    with pytest.raises(ValueError, match="61 variants of .*need 186.* it holds 60 variants"):
        read_plink(tmp_path / "c")


def test_fam_with_one_line_too_many_is_not_read_as_a_person(tmp_path):
    # 9 people fill 3 bytes per variant with 3 padding slots; a 10th .fam line would be read
    # from the padding bits (homozygous allele 1 everywhere) — PLINK 2 does exactly that.
    write_plink(tmp_path / "c", _toy(9, 60))
    fam = tmp_path / "c.fam"
    fam.write_text(fam.read_text() + "extra extra 0 0 0 -9\n")
    with pytest.raises(
        ValueError,
        match=r"The last 1 of the 10 samples of .*c\.fam \('extra' \(line 10\)\) "
        r"are homozygous for allele 1 at all 60 variants.*1 line\(s\) too many",
    ):
        read_plink(tmp_path / "c")


def test_fam_with_one_line_too_few_leaves_nonzero_padding(tmp_path):
    write_plink(tmp_path / "c", _toy(10, 60))
    fam = tmp_path / "c.fam"
    fam.write_text("".join(fam.read_text().splitlines(keepends=True)[:-1]))
    with pytest.raises(ValueError, match=r"padding bits after the last of the 9 samples of .*c\.fam are not zero"):
        read_plink(tmp_path / "c")


def test_a_genuine_all_homozygous_person_on_few_variants_is_read(tmp_path):
    data = _toy(9, 5)
    g = data.genotypes.copy()
    g[-1] = 2  # hom. ALT = allele 1 everywhere: indistinguishable from padding with so few variants
    write_plink(tmp_path / "c", GenotypeData(g, data.variants, data.samples))
    np.testing.assert_array_equal(read_plink(tmp_path / "c").genotypes, g)


def test_duplicate_sample_ids_are_an_error_and_duplicate_variant_ids_warn(tmp_path):
    write_plink(tmp_path / "c", _toy())
    fam = tmp_path / "c.fam"
    lines = fam.read_text().splitlines()
    fam.write_text("\n".join(lines[:3] + [lines[1]] + lines[4:]) + "\n")
    with pytest.raises(
        ValueError,
        match=r"c\.fam: 1 sample ID\(s\) \(FID IID\) occur\(s\) more than once "
        r"\(first: 's1 s1', lines 2 and 4\)",
    ):
        read_plink(tmp_path / "c")
    write_plink(tmp_path / "d", _toy())
    bim = tmp_path / "d.bim"
    rows = bim.read_text().splitlines()
    rows[5] = rows[5].replace("rs5", "rs2")
    bim.write_text("\n".join(rows) + "\n")
    with pytest.warns(PmedWarning, match=r"1 variant ID\(s\) occur more than once \(first: 'rs2', lines 3 and 6\)"):
        read_plink(tmp_path / "d")


def test_same_iid_in_two_families_warns(tmp_path):
    write_plink(tmp_path / "c", _toy(3, 4))
    (tmp_path / "c.fam").write_text("F1 a 0 0 1 -9\nF2 a 0 0 1 -9\nF2 b 0 0 1 -9\n")
    with pytest.warns(PmedWarning, match="IID"):
        read_plink(tmp_path / "c")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1 rs0 0 100 G\n", r"line 1 has 5 fields; every line of a .bim file has 6"),
        ("1 rs0 0 100 G A\n1 rs1 0 110 G A extra\n", r"line 2 has 7 fields"),
        ("1 rs0 0 1e2.5 G A\n", r"line 1 has position '1e2.5'"),
        ("\n1 rs0 0 100 G A\nGL000 rs1 0 110 G A\n", r"line 3: chromosome 'GL000'"),
    ],
)
def test_malformed_bim_lines_are_named(tmp_path, text, match):
    write_plink(tmp_path / "c", _toy(3, text.count("\n") - text.startswith("\n")))
    (tmp_path / "c.bim").write_text(text)
    with pytest.raises(ValueError, match=match):
        read_plink(tmp_path / "c")


def test_chromosome_names_become_plink_codes(tmp_path):
    write_plink(tmp_path / "c", _toy(3, 4))
    (tmp_path / "c.bim").write_text("X a 0 1 G A\nchrY b 0 2 G A\nMT c 0 3 G A\n22 d 0 4 G A\n")
    assert read_plink(tmp_path / "c").variants["chrom"].tolist() == [23, 24, 26, 22]


def test_missing_and_empty_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No \.bed file at .*nothing\.bed"):
        read_plink(tmp_path / "nothing")
    write_plink(tmp_path / "c", _toy(3, 4))
    (tmp_path / "c.bim").unlink()
    with pytest.raises(FileNotFoundError, match=r"No \.bim file"):
        read_plink(tmp_path / "c")
    write_plink(tmp_path / "e", _toy(3, 4))
    (tmp_path / "e.fam").write_text("")
    with pytest.raises(ValueError, match=r"e\.fam is empty"):
        read_plink(tmp_path / "e")


# --- what the writers refuse ---------------------------------------------------------------------------


def test_writers_refuse_misaligned_parts(tmp_path):
    g, v, s = _toy(9, 60)
    for writer, path in ((write_plink, tmp_path / "p"), (write_vcf, tmp_path / "p.vcf")):
        name = writer.__name__
        with pytest.raises(ValueError, match=f"{name}: genotypes has 10 columns but variants has 60 rows"):
            writer(path, g[:, :10], v, s)
        with pytest.raises(ValueError, match=f"{name}: genotypes has 8 rows but samples has 9 rows"):
            writer(path, g[:8], v, s)
        with pytest.raises(ValueError, match="only 0, 1, 2"):
            writer(path, np.full((9, 60), 3, np.int8), v, s)
        with pytest.raises(ValueError, match="without a samples table"):
            writer(path, g, v)
        with pytest.raises(ValueError, match="must not be given as well"):
            writer(path, GenotypeData(g, v, s), v)
        with pytest.raises(ValueError, match=r"lacks the column\(s\) \['alt'\]"):
            writer(path, g, v.drop(columns="alt"), s)
    assert not any(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize(
    ("table", "column", "values", "match"),
    [
        ("samples", "id", ["a b", "s1", "s2", "s3"], r"'id' value\(s\) that cannot be written.*'a b' in row 0"),
        ("samples", "id", ["s0"] * 4, r"sample ID\(s\) \(FID IID\) occur\(s\) more than once"),
        ("samples", "sex", [3, 0, 1, 0], r"'sex' values \['3'\]"),
        ("samples", "disease", [2, 0, 1, 0], r"'disease' values \['2'\]"),
        ("variants", "pos", [-1, 1, 2, 3, 4], r"'pos' values \[-1\]"),
        ("variants", "alt", ["", "G", "G", "G", "G"], r"'alt' value\(s\) that cannot be written"),
        ("variants", "chrom", ["chrUn"] * 5, r"chromosome 'chrUn'"),
    ],
)
def test_write_plink_refuses_what_plink_cannot_read(tmp_path, table, column, values, match):
    g, v, s = _toy(4, 5)
    tables = {"variants": v, "samples": s}
    tables[table] = tables[table].assign(**{column: values})
    with pytest.raises(ValueError, match=match):
        write_plink(tmp_path / "c", g, tables["variants"], tables["samples"])


def test_write_plink_warns_on_duplicate_variant_ids(tmp_path):
    g, v, s = _toy(4, 5)
    with pytest.warns(PmedWarning, match="variant ID"):
        write_plink(tmp_path / "c", g, v.assign(id=["rs1"] * 5), s)


def test_write_vcf_refuses_duplicate_samples_and_multiallelic_alt(tmp_path):
    g, v, s = _toy(4, 5)
    with pytest.raises(ValueError, match=r"sample id\(s\) occur\(s\) more than once"):
        write_vcf(tmp_path / "c.vcf", g, v, s.assign(id=["a", "a", "b", "c"]))
    with pytest.raises(
        ValueError,
        match=r"'alt' value\(s\) that cannot be written \(empty, or containing "
        r"whitespace or ','\)",
    ):
        write_vcf(tmp_path / "c.vcf", g, v.assign(alt=["G,T"] * 5), s)


# --- VCF content checks ---------------------------------------------------------------------------------

HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n"


def _vcf(tmp_path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "t.vcf"
    path.write_text(header + body)
    return path


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("1\t5\tv1\tA\tG,T\t.\t.\t.\tGT\t0/1\t1/2\n", r"line 3: variant v1 \(1:5\) has 2 ALT alleles; .*biallelic"),
        (
            "1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1\t0/2\n",
            r"line 3, sample 'B' \(variant v1\): GT '0/2' refers to allele 2 but the site has 1 ALT",
        ),
        ("1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1\t1\n", r"line 3, sample 'B'.*ploidy 1; pmed reads diploid calls only"),
        ("1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1/1\t1/1\n", r"line 3, sample 'A'.*ploidy 3"),
        ("1\t5\tv1\tA\tG\t.\t.\t.\tGT\t./1\t1/1\n", r"line 3, sample 'A'.*half-call"),
        ("1\t5\tv1\tA\t.\t.\t.\t.\tGT\t0/0\t0/1\n", r"line 3, sample 'B'.*refers to allele 1 but the site has 0 ALT"),
        ("1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1\n", r"line 3: 10 tab-separated columns but the header has 11 \(2 samples\)"),
        ("1\t5\tv1\tA\tG\t.\t.\t.\tDP\t3\t4\n", r"line 3: the FORMAT column 'DP' has no GT field"),
        ("1\tfive\tv1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\n", r"line 3: POS 'five' is not an integer"),
        (
            "1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\n1\t9\tv2\tA\tG\t.\t.\t.\tGT\t0/x\t0/1\n",
            r"line 4, sample 'A'.*not a genotype",
        ),
    ],
)
def test_bad_vcf_records_are_named_by_line_and_sample(tmp_path, body, match):
    with pytest.raises(ValueError, match=match):
        read_vcf(_vcf(tmp_path, body))


def test_bad_vcf_headers(tmp_path):
    with pytest.raises(ValueError, match="a data line comes before the #CHROM header"):
        read_vcf(_vcf(tmp_path, "1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1\n", header="##fileformat=VCFv4.2\n"))
    with pytest.raises(ValueError, match="no #CHROM header line"):
        read_vcf(_vcf(tmp_path, "", header="##fileformat=VCFv4.2\n"))
    with pytest.raises(ValueError, match="followed by at least one sample"):
        read_vcf(_vcf(tmp_path, "", header="#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"))
    with pytest.raises(ValueError, match=r"line 1: 1 sample id\(s\) occur\(s\) more than once \(first: 'A'"):
        read_vcf(_vcf(tmp_path, "", header="#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tA\n"))
    with pytest.raises(FileNotFoundError, match="No VCF file"):
        read_vcf(tmp_path / "absent.vcf")


def test_vcf_edge_cases_that_are_valid(tmp_path):
    body = (
        "chrX\t5\tv1\tA\tG\t.\t.\t.\tDP:GT\t3:1|0\t4\n"  # GT not first; a field with fewer subfields
        "1\t6\tv2\tA\t.\t.\t.\t.\tGT\t0/0\t.\n"
    )  # no ALT: only 0 and missing are valid
    data = read_vcf(_vcf(tmp_path, body))
    assert data.genotypes.tolist() == [[1, 0], [-1, -1]]
    assert data.variants["chrom"].tolist() == [23, 1]
    with pytest.warns(PmedWarning, match=r"'v1', lines 3 and 4"):
        read_vcf(_vcf(tmp_path, "1\t5\tv1\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\n1\t6\tv1\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\n"))
    empty = read_vcf(_vcf(tmp_path, ""))
    assert empty.genotypes.shape == (2, 0) and empty.samples["id"].tolist() == ["A", "B"]


def test_write_plink_writes_the_bed_plink2_writes(tmp_path):
    # The same genotypes, from the same VCF: our .bed is byte for byte PLINK 2's (same A1 = ALT
    # orientation, missing-call code and zero padding), and the .bim/.fam say the same things.
    bed = write_plink(tmp_path / "toy.v1", read_vcf(DATA / "toy.vcf"))
    assert bed.read_bytes() == (DATA / "toy_plink2.bed").read_bytes()
    ours = pd.read_csv(tmp_path / "toy.v1.bim", sep="\t", header=None)
    theirs = pd.read_csv(DATA / "toy_plink2.bim", sep="\t", header=None)
    pd.testing.assert_frame_equal(ours.drop(columns=2), theirs.drop(columns=2))
    fam = pd.read_csv(tmp_path / "toy.v1.fam", sep=r"\s+", header=None)
    assert fam[1].tolist() == pd.read_csv(DATA / "toy_plink2.fam", sep="\t", header=None)[1].tolist()


def test_bed_variant_bytes_equal_what_write_plink_writes(tmp_path):
    from pmed_utils.genomics.io import BED_MAGIC, bed_variant_bytes

    rng = np.random.default_rng(5)
    for n in (1, 4, 7, 10):  # every padding case
        g = rng.integers(-1, 3, (n, 9)).astype(np.int8)
        variants = pd.DataFrame(
            {"chrom": 1, "pos": np.arange(9) + 1, "id": [f"v{i}" for i in range(9)], "ref": "A", "alt": "G"}
        )
        samples = pd.DataFrame({"id": [f"s{i}" for i in range(n)]})
        write_plink(tmp_path / f"ref{n}", g, variants, samples)
        expected = (tmp_path / f"ref{n}.bed").read_bytes()
        assert BED_MAGIC + bed_variant_bytes(g[:, :4]) + bed_variant_bytes(g[:, 4:]) == expected
