"""Process a genotype matrix in blocks of variants, on all available cores.

Converting a whole int8 genotype matrix to float64 needs eight times its memory
(4 GB for 5,000 people × 100,000 variants), so every genome-wide statistic works
on blocks of columns instead. NumPy releases the GIL inside large array
operations, so a thread pool runs blocks in parallel without copying data;
BLAS is held to one thread per block meanwhile so that the cores are not
oversubscribed.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from threadpoolctl import threadpool_limits

from pmed_utils.validation import Interval, validate_params

T = TypeVar("T")

__all__ = ["available_cores", "map_variant_blocks"]

# Threads for map_variant_blocks in this context; None = every available core.
_THREADS: ContextVar[int | None] = ContextVar("pmed_block_threads", default=None)


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run map_variant_blocks on one thread inside the block (a Dask task, whose scheduler owns the cores)."""
    token = _THREADS.set(1)
    try:
        yield
    finally:
        _THREADS.reset(token)


@validate_params({})
def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers).

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> n = available_cores()
    >>> isinstance(n, int), 1 <= n <= (os.cpu_count() or 1)
    (True, True)
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


@validate_params(
    {
        "func": ["callable"],
        "n_variants": [Interval(numbers.Integral, 0, None)],
        "block_size": [Interval(numbers.Integral, 1, None)],
        "n_threads": [Interval(numbers.Integral, 1, None), None],
    }
)
def map_variant_blocks(
    func: Callable[[slice], T], n_variants: int, block_size: int, n_threads: int | None = None
) -> list[T]:
    """Apply ``func`` to consecutive blocks of variants, in order, on ``n_threads`` threads.

    Parameters
    ----------
    func : callable
        Called with one ``slice(start, stop)`` of variant indices per block.
    n_variants : int
        Total number of variants.
    block_size : int
        Variants per block (the last block may be shorter).
    n_threads : int, optional
        Threads to use; default :func:`available_cores` (one inside a
        Dask task, see :mod:`pmed_utils.genomics.chunked`).

    Returns
    -------
    list
        ``[func(slice(start, stop)) for each block]``, in block order.

    Examples
    --------
    >>> map_variant_blocks(lambda s: (s.start, s.stop), 5, 2, n_threads=2)
    [(0, 2), (2, 4), (4, 5)]
    """
    slices = [slice(start, min(start + block_size, n_variants)) for start in range(0, n_variants, block_size)]
    if n_threads is None:
        n_threads = _THREADS.get() or available_cores()
    threads = min(n_threads, len(slices))
    if threads <= 1:
        return [func(s) for s in slices]
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
        return list(pool.map(func, slices))
