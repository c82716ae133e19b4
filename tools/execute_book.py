"""Execute the book's notebooks in parallel into Jupyter Book's cache, then print their times.

``make book`` runs this before ``jupyter-book build``. Jupyter Book 1.x executes
notebooks one after another while Sphinx reads them; here they run ``--jobs`` at
a time (each in its own kernel and temporary folder, as ``execute.run_in_temp``
asks) and land in the same jupyter-cache (``_build/.jupyter_cache``) that the
build reads, so the build only renders. A notebook whose code is unchanged is
not executed again. The table at the end lists each notebook's execution time,
slowest first (from the cache, so also for notebooks executed by earlier runs).
Notebooks start longest first, by their ``pmed.book_seconds`` metadata. Each
kernel gets ``cores // jobs`` BLAS and OpenMP threads (as joblib gives its
workers), because two kernels whose BLAS each spin on every core slow each
other down up to threefold.

    python tools/execute_book.py            # two at a time
    python tools/execute_book.py --jobs 3
    python tools/execute_book.py --report   # only the table of times (after the build)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def book_notebooks(root: Path = ROOT) -> list[Path]:
    """The .ipynb files the book's table of contents lists, in book order."""
    found: list[Path] = []

    def walk(node):
        if isinstance(node, dict):
            entry = node.get("file")
            if entry and (root / f"{entry}.ipynb").is_file():
                found.append(root / f"{entry}.ipynb")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((root / "_toc.yml").read_text()))
    return found


def longest_first(notebooks: list[Path]) -> list[Path]:
    """The notebooks by their ``pmed.book_seconds`` metadata, longest first (ties in book order).

    ``book_seconds`` is a notebook's execution time at full parameters, run alone on two
    cores: roughly right is enough. Starting the long notebooks first keeps both workers
    busy to the end, instead of leaving one long notebook running alone at the end.
    """
    import nbformat

    def seconds(path: Path) -> float:
        return float(nbformat.read(path, as_version=4).metadata.get("pmed", {}).get("book_seconds", 0))

    return sorted(notebooks, key=lambda path: -seconds(path))


#: The variables that size the thread pools of OpenBLAS, MKL and OpenMP (numpy, scipy, scikit-learn).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def share_cores(jobs: int, environ: dict | None = None, cores: int | None = None) -> dict[str, str]:
    """Give each of ``jobs`` kernels ``cores // jobs`` BLAS threads (at least one), unless already set.

    Kernels started afterwards inherit ``environ`` (default ``os.environ``), which is
    changed in place; a variable the user set is kept. TensorFlow's own thread pools
    are left alone: sharing them gains nothing and changes its results.
    Returns the variables that were set.
    """
    environ = os.environ if environ is None else environ
    threads = str(max(1, (cores or os.cpu_count() or 1) // jobs))
    chosen = {name: threads for name in THREAD_VARIABLES if name not in environ}
    environ.update(chosen)
    return chosen


#: Tracebacks of a kernel that never started, as opposed to a notebook that failed.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Address already in use")


def _execute(cache_path: str, pk: int, uri: str, timeout: int) -> tuple[str, int, float]:
    """Run one project notebook in a temporary folder and cache it (in a worker process)."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors.basic import ExecutionWorkerTempMProc, ProcessData

    start = time.perf_counter()
    cache = get_cache(cache_path)
    status, _ = ExecutionWorkerTempMProc()(ProcessData(pk, uri, cache, timeout, False))
    if status == 1 and any(m in (cache.get_project_record(pk).traceback or "") for m in KERNEL_START_FAILURES):
        # Two kernels started at once can pick the same free TCP port (jupyter_client closes the
        # socket it probed before the kernel binds it): the notebook never ran, so run it again.
        print(f"{Path(uri).stem}: its kernel did not start (port taken); starting it again", flush=True)
        status, _ = ExecutionWorkerTempMProc()(ProcessData(pk, uri, cache, timeout, False))
    return uri, status, time.perf_counter() - start


def _print_times(cache, records: dict) -> None:
    rows = []
    for path, record in records.items():
        cached = cache.get_cached_project_nb(record.pk)
        seconds = cached.data.get("execution_seconds") if cached is not None else None
        rows.append((float("nan") if seconds is None else float(seconds), Path(path).stem))
    print("\nExecution time of each notebook (from the cache), slowest first:")
    for seconds, name in sorted(rows, key=lambda row: float("inf") if row[0] != row[0] else -row[0]):
        print(f"  {'not executed' if seconds != seconds else f'{seconds:7.1f} s'}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900, as _config.yml)")
    parser.add_argument("--report", action="store_true", help="only print the execution times in the cache")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this repository)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1; got {args.jobs}")

    from jupyter_cache import get_cache

    # Where Jupyter Book 1.x looks with execute.cache: "" in _config.yml.
    cache_path = str(args.root.resolve() / "_build" / ".jupyter_cache")
    cache = get_cache(cache_path)
    notebooks = book_notebooks(args.root.resolve())
    records = {str(path): cache.add_nb_to_project(str(path)) for path in notebooks}
    if args.report:
        _print_times(cache, records)
        return 0
    stale_paths = [path for path in notebooks if cache.get_cached_project_nb(records[str(path)].pk) is None]
    stale = [records[str(path)] for path in longest_first(stale_paths)]
    print(
        f"{len(notebooks)} notebooks, {len(notebooks) - len(stale)} cached, {len(stale)} to execute, {args.jobs} at a time"
    )
    if stale:
        print("Longest first: " + ", ".join(Path(r.uri).stem for r in stale))
    chosen = share_cores(args.jobs)
    if stale and chosen:
        print(f"Each kernel gets {next(iter(chosen.values()))} BLAS thread(s): {', '.join(chosen)}")
    failed = []
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_execute, cache_path, r.pk, r.uri, args.timeout) for r in stale]
        for future in as_completed(futures):
            uri, status, seconds = future.result()
            name = Path(uri).stem
            print(f"  {'done' if status == 0 else 'FAILED'}: {name} ({seconds:.0f} s)", flush=True)
            if status != 0:
                failed.append(name)
    print(f"Executed in {time.perf_counter() - started:.0f} s of wall time.")
    _print_times(cache, records)
    if failed:
        for record in cache.list_project_records():
            if Path(record.uri).stem in failed and record.traceback:
                print(f"\n--- {Path(record.uri).stem} ---\n{record.traceback}", file=sys.stderr)
        print(f"\n{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
