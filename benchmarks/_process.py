"""Run one command and measure it: wall time and peak resident memory, from GNU time."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def measured_run(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak resident bytes and stdout of ``cmd`` run in ``cwd``; raises if it fails."""
    start = time.perf_counter()
    res = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    return elapsed, int(res.stderr.strip().splitlines()[-1]) * 1024, res.stdout
