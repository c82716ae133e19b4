"""Genotype matrices larger than memory: a PLINK .bed as a Dask array, statistics chunk by chunk.

``read_plink(prefix, chunk_variants=...)`` returns a
:class:`~pmed_utils.genomics.dataset.GenotypeData` whose ``genotypes`` is a lazy
``dask.array.Array`` of int8: every chunk holds all people and a run of
variants, read from the .bed by bed-reader only when a task needs it. The
genome-wide statistics of :mod:`~pmed_utils.genomics.stats`,
:mod:`~pmed_utils.genomics.gwas` and :mod:`~pmed_utils.genomics.prs` accept such an
array and run their in-memory code on one chunk per task, on whatever Dask
scheduler is active: the local threads by default, or a
``dask.distributed.Client`` (a ``LocalCluster`` on a laptop, a real cluster
given the scheduler's address) once one has been created. Per-variant results
of a chunk do not depend on the other chunks, so they equal the in-memory
results; a per-person sum (call rate, score) adds the chunks' parts.

Memory: a task holds one int8 chunk (n_samples × chunk_variants bytes) and the
float64 working block of the in-memory code (n_samples × at most 2,048 variants
× 8 bytes, twice). :func:`chunk_memory` gives that bound, and computing on a
cluster whose workers have less memory than it is an error, raised before any
task runs.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pmed_utils.genomics._blocks import single_threaded
from pmed_utils.validation import Interval, validate_params

__all__ = ["check_cluster", "chunk_memory", "is_chunked"]

# The widest float64 block the in-memory code converts at once (see genomics._blocks callers).
_WORK_BLOCK = 2048


def _dask_array_type() -> type | None:
    try:
        import dask.array as da
    except ImportError:  # dask is optional for in-memory work
        return None
    return da.Array


@validate_params({"genotypes": [object]})
def is_chunked(genotypes: Any) -> bool:
    """Whether ``genotypes`` is a Dask array (computed chunk by chunk) rather than in memory.

    Parameters
    ----------
    genotypes : object
        A genotype matrix of any kind.

    Returns
    -------
    bool
        True for a ``dask.array.Array``.

    Examples
    --------
    >>> import dask.array as da
    >>> g = np.zeros((4, 6), np.int8)
    >>> is_chunked(g), is_chunked(da.from_array(g, chunks=(4, 3)))
    (False, True)
    """
    array_type = _dask_array_type()
    return array_type is not None and isinstance(genotypes, array_type)


@validate_params(
    {"n_samples": [Interval(numbers.Integral, 0, None)], "chunk_variants": [Interval(numbers.Integral, 1, None)]}
)
def chunk_memory(n_samples: int, chunk_variants: int) -> int:
    """Bytes one task needs at most: the int8 chunk and two float64 working blocks.

    Parameters
    ----------
    n_samples : int
        People (rows of every chunk).
    chunk_variants : int
        Variants per chunk.

    Returns
    -------
    int
        ``n_samples × (chunk_variants + 2 × 8 × min(chunk_variants, 2048))``.

    Examples
    --------
    >>> chunk_memory(20_000, 10_000) / 1e6  # MB
    855.36
    """
    return int(n_samples) * (int(chunk_variants) + 2 * 8 * min(int(chunk_variants), _WORK_BLOCK))


def _active_client() -> Any | None:
    try:
        from distributed import get_client
    except ImportError:
        return None
    try:
        return get_client()
    except ValueError:  # no client: the local scheduler runs the tasks
        return None


def _worker_memory_limits(client: Any) -> dict[str, int]:
    import inspect

    # Recent distributed lists only the first few workers unless asked for all (n_workers=-1).
    everyone = {"n_workers": -1} if "n_workers" in inspect.signature(client.scheduler_info).parameters else {}
    workers = client.scheduler_info(**everyone)["workers"]
    return {address: int(info.get("memory_limit") or 0) for address, info in workers.items()}


@validate_params({"client": [object], "genotypes": [object]})
def check_cluster(client: Any, genotypes: Any) -> None:
    """Refuse a cluster that cannot compute on ``genotypes``: closed, or workers too small for one chunk.

    The genome-wide functions run this on the active client before they
    submit any task, so a mistake is an error here, not a worker killed for
    its memory halfway through.

    Parameters
    ----------
    client : dask.distributed.Client
        The client of the cluster.
    genotypes : dask.array.Array of int8, shape (n_samples, n_variants)
        A chunked genotype matrix (see :func:`~pmed_utils.genomics.io.read_plink`).

    Returns
    -------
    None

    Raises
    ------
    ValueError
        When the client is closed, the cluster has no workers, or a worker's
        memory limit is below :func:`chunk_memory` for the widest chunk.

    Examples
    --------
    >>> import dask.array as da
    >>> from distributed import Client, LocalCluster
    >>> g = da.zeros((1000, 400), dtype=np.int8, chunks=(1000, 100))
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, memory_limit="50MB",
    ...                   dashboard_address=":0") as cluster, Client(cluster) as client:
    ...     check_cluster(client, g)  # 1000 × (100 + 16 × 100) bytes = 1.7 MB per task: fits
    """
    func = "check_cluster"
    if not hasattr(client, "scheduler_info") or not hasattr(client, "status"):
        raise TypeError(f"The 'client' parameter of {func} must be a dask.distributed.Client; got {type(client).__name__}.")
    if not is_chunked(genotypes):
        raise TypeError(
            f"The 'genotypes' parameter of {func} must be a dask array (read_plink(prefix, chunk_variants=...)); "
            f"got {type(genotypes).__name__}."
        )
    if client.status in ("closing", "closed"):
        raise ValueError(
            f"The 'client' parameter of {func} is {client.status}: create a new Client (or leave none, for "
            "Dask's local threads) before computing."
        )
    limits = _worker_memory_limits(client)
    if not limits:
        raise ValueError(f"The 'client' parameter of {func} has no workers: start some (cluster.scale(n)) first.")
    need = chunk_memory(genotypes.shape[0], max(genotypes.chunks[1], default=1))
    small = {address: limit for address, limit in limits.items() if 0 < limit < need}
    if small:
        address, limit = next(iter(small.items()))
        fits = max(1, (limit // max(genotypes.shape[0], 1) - 1) // 17)
        raise ValueError(
            f"A task on these genotypes needs up to {need / 1e6:.0f} MB (one chunk of {genotypes.shape[0]} people × "
            f"{max(genotypes.chunks[1])} variants and its float64 working blocks), but worker {address} has a memory "
            f"limit of {limit / 1e6:.0f} MB. Read the .bed with chunk_variants <= {fits}, or give the workers more memory."
        )


def _single_sample_chunk(genotypes: Any) -> Any:
    if len(genotypes.chunks[0]) > 1:  # every task needs all people of its variants
        genotypes = genotypes.rechunk({0: -1})
    return genotypes


def _compute(tasks: Sequence[Any], genotypes: Any) -> list[Any]:
    import dask

    client = _active_client()
    if client is not None:
        check_cluster(client, genotypes)
    return list(dask.compute(*tasks))


def _run_chunk(func: Callable[..., Any], block: np.ndarray, args: tuple, kwargs: dict) -> Any:
    # One task = one chunk: the cores are Dask's to share out, so the in-memory code runs on one thread.
    with single_threaded():
        return func(np.asarray(block), *args, **kwargs)


def map_chunks(
    func: Callable[..., Any],
    genotypes: Any,
    *args: Any,
    per_variant: dict[str, np.ndarray] | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Run ``func(chunk, *args, **kwargs)`` on every variant chunk of a Dask genotype matrix.

    ``per_variant`` holds keyword arrays with one entry per variant (e.g.
    variant ids, weights); each task gets the slice for its chunk. Shared
    arrays (phenotype, covariates) are sent to the cluster once, not per task.
    Returns the per-chunk results in variant order.
    """
    import dask

    genotypes = _single_sample_chunk(genotypes)
    shared_args = tuple(dask.delayed(a, pure=True) if isinstance(a, np.ndarray) else a for a in args)
    shared_kwargs = {k: dask.delayed(v, pure=True) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    tasks = []
    start = 0
    for block, width in zip(genotypes.to_delayed()[0], genotypes.chunks[1], strict=True):
        sliced = {k: v[start : start + width] for k, v in (per_variant or {}).items()}
        tasks.append(dask.delayed(_run_chunk, pure=True)(func, block, shared_args, {**shared_kwargs, **sliced}))
        start += width
    return _compute(tasks, genotypes)


def read_bed_chunk(bed: str, n_samples: int, n_variants: int, start: int, stop: int) -> np.ndarray:
    """Variants ``start:stop`` of a variant-major .bed as int8 0/1/2, -1 = missing."""
    from bed_reader import open_bed

    with open_bed(bed, count_A1=True, iid_count=n_samples, sid_count=n_variants, num_threads=1) as reader:
        block = reader.read(index=np.s_[:, start:stop], dtype=np.int8, num_threads=1)
    block[block == -127] = -1
    return block


def bed_as_dask_array(bed: str | os.PathLike, n_samples: int, n_variants: int, chunk_variants: int) -> Any:
    """A lazy (n_samples, n_variants) int8 Dask array over a .bed, one chunk per ``chunk_variants`` variants."""
    import dask
    import dask.array as da

    path = os.fspath(bed)
    columns = []
    for start in range(0, n_variants, chunk_variants):
        stop = min(start + chunk_variants, n_variants)
        token = f"pmed-bed-{os.path.abspath(path)}-{os.stat(path).st_mtime_ns}-{start}-{stop}"
        block = dask.delayed(read_bed_chunk)(path, n_samples, n_variants, start, stop, dask_key_name=token)
        columns.append(da.from_delayed(block, shape=(n_samples, stop - start), dtype=np.int8))
    if not columns:
        return da.zeros((n_samples, 0), dtype=np.int8, chunks=(max(n_samples, 1), 1))
    return da.concatenate(columns, axis=1)


def concat_chunks(func: Callable[..., Any], genotypes: Any, *args: Any, **kwargs: Any) -> Any:
    """Per-variant results of ``func`` over all chunks, in variant order (arrays or DataFrames)."""
    import pandas as pd

    if genotypes.shape[1] == 0:
        kwargs.update(kwargs.pop("per_variant", None) or {})
        return func(np.zeros(genotypes.shape, np.int8), *args, **kwargs)
    parts = map_chunks(func, genotypes, *args, **kwargs)
    if isinstance(parts[0], pd.DataFrame):
        return pd.concat(parts, ignore_index=True)
    return np.concatenate(parts)


def sum_chunks(func: Callable[..., Any], genotypes: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    """The sum over chunks of ``func``'s per-person result (a score, a count of missing calls)."""
    if genotypes.shape[1] == 0:
        kwargs.update(kwargs.pop("per_variant", None) or {})
        return func(np.zeros(genotypes.shape, np.int8), *args, **kwargs)
    return np.sum(map_chunks(func, genotypes, *args, **kwargs), axis=0)
