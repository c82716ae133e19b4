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
import pandas as pd

from pmed_utils.genomics._blocks import single_threaded
from pmed_utils.validation import Interval, validate_params

__all__ = ["check_cluster", "chunk_memory", "is_chunked", "task_stream_frame", "worker_peak_memory"]

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
        raise TypeError(
            f"The 'client' parameter of {func} must be a dask.distributed.Client; got {type(client).__name__}."
        )
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


def _peak_rss() -> int:
    """This process's peak resident memory in bytes."""
    try:  # Linux: the high-water mark of this process's own memory, reset by exec
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    import sys

    # Elsewhere ru_maxrss (bytes on macOS); on Linux it would carry over the parent's peak from before exec.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


@validate_params({"client": [object]})
def worker_peak_memory(client: Any) -> pd.DataFrame:
    """Each worker process's peak resident memory so far, next to its memory limit.

    Parameters
    ----------
    client : dask.distributed.Client
        The client of a cluster whose workers are separate processes (with
        ``processes=False`` every worker reports the whole process's peak).

    Returns
    -------
    DataFrame
        One row per worker: ``worker`` (address), ``peak_mb``, ``limit_mb``
        (NaN when the worker has no limit) and ``share`` = peak / limit.

    Examples
    --------
    >>> from distributed import Client, LocalCluster
    >>> with LocalCluster(n_workers=1, processes=False, memory_limit="8GB", dashboard_address=":0") as cluster, \\
    ...         Client(cluster) as client:
    ...     table = worker_peak_memory(client)
    >>> table.columns.tolist(), bool(table["peak_mb"].iloc[0] > 10)
    (['worker', 'peak_mb', 'limit_mb', 'share'], True)
    """
    peaks = client.run(_peak_rss)
    limits = _worker_memory_limits(client)
    rows = []
    for address, peak in sorted(peaks.items()):
        limit = limits.get(address, 0) / 1e6 or np.nan
        rows.append({"worker": address, "peak_mb": peak / 1e6, "limit_mb": limit, "share": peak / 1e6 / limit})
    return pd.DataFrame(rows, columns=["worker", "peak_mb", "limit_mb", "share"])


@validate_params({"records": ["array-like"]})
def task_stream_frame(records: Sequence[dict]) -> pd.DataFrame:
    """The Dask dashboard's task stream as a table: one row per task's compute, on which worker thread, when.

    Parameters
    ----------
    records : list of dict
        ``get_task_stream(client).data`` (``distributed.get_task_stream``).

    Returns
    -------
    DataFrame
        Columns ``worker``, ``thread`` (an integer per worker thread, for
        drawing), ``task`` (the task's function name, e.g. ``read_bed_chunk``),
        ``start`` and ``stop`` (seconds since the first task started); sorted by start.

    Examples
    --------
    >>> records = [{"key": ("read_bed_chunk-ab", 0), "worker": "w1", "thread": 7,
    ...             "startstops": [{"action": "compute", "start": 10.0, "stop": 12.5}]}]
    >>> task_stream_frame(records)[["task", "start", "stop", "thread"]].values.tolist()
    [['read_bed_chunk', 0.0, 2.5, 0]]
    """
    rows = []
    for record in records:
        key = record["key"][0] if isinstance(record["key"], tuple) else record["key"]
        name = str(key).split("-")[0]
        for part in record.get("startstops", ()):
            if part["action"] == "compute":
                rows.append((record["worker"], record.get("thread"), name, part["start"], part["stop"]))
    frame = pd.DataFrame(rows, columns=["worker", "thread_id", "task", "start", "stop"])
    if frame.empty:
        return pd.DataFrame(columns=["worker", "thread", "task", "start", "stop"])
    origin = frame["start"].min()
    frame[["start", "stop"]] -= origin
    keys = list(zip(frame["worker"], frame["thread_id"].astype(str), strict=True))
    lanes = {lane: i for i, lane in enumerate(sorted(set(keys)))}
    frame["thread"] = [lanes[key] for key in keys]
    return frame[["worker", "thread", "task", "start", "stop"]].sort_values("start", ignore_index=True)


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
    from dask.base import tokenize

    genotypes = _single_sample_chunk(genotypes)
    shared_args = tuple(dask.delayed(a, pure=True) if isinstance(a, np.ndarray) else a for a in args)
    shared_kwargs = {k: dask.delayed(v, pure=True) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    tasks = []
    start = 0
    for block, width in zip(genotypes.to_delayed()[0], genotypes.chunks[1], strict=True):
        sliced = {k: v[start : start + width] for k, v in (per_variant or {}).items()}
        task_kwargs = {**shared_kwargs, **sliced}
        # Named after the statistic, so the dashboard's task stream reads "gwas_linear", "read_bed_chunk".
        name = f"{func.__name__}-{tokenize(func.__name__, block.key, shared_args, task_kwargs)}"
        tasks.append(dask.delayed(_run_chunk)(func, block, shared_args, task_kwargs, dask_key_name=name))
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
    import dask.array as da
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    path = os.fspath(bed)
    starts = list(range(0, n_variants, chunk_variants))
    widths = tuple(min(chunk_variants, n_variants - start) for start in starts)
    if not widths:
        return da.zeros((n_samples, 0), dtype=np.int8, chunks=(max(n_samples, 1), 1))
    # One task per chunk, named for the dashboard; a rewritten file gets new keys (its mtime).
    name = f"read_bed_chunk-{tokenize(os.path.abspath(path), os.stat(path).st_mtime_ns, chunk_variants)}"
    tasks: dict[Any, Any] = {
        (name, 0, i): (read_bed_chunk, path, n_samples, n_variants, start, start + width)
        for i, (start, width) in enumerate(zip(starts, widths, strict=True))
    }
    graph = HighLevelGraph.from_collections(name, tasks, dependencies=())
    return da.Array(graph, name, chunks=((n_samples,), widths), dtype=np.int8)


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
