"""What the benchmark scripts record about the machine while they run."""

from __future__ import annotations

import os
import resource


def load_average() -> str:
    """The 1, 5 and 15-minute load averages, or "unknown" where the OS has none."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
