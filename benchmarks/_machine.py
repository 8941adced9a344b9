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


def status_bytes(key: str, pid: int | str = "self") -> int:
    """A memory figure of a process (this one by default) from ``/proc/PID/status``
    (Linux), in bytes: ``VmRSS`` (resident now) or ``VmHWM`` (its high-water mark)."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def cpu_seconds(pid: int | str = "self") -> float:
    """User plus system CPU seconds a process (this one by default) has used, from
    ``/proc/PID/stat`` (Linux)."""
    with open(f"/proc/{pid}/stat") as handle:
        # the command name (field 2) may hold spaces: count fields after its ")"
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak() -> int:
    """Reset this process's peak resident memory to what is resident now (Linux), and
    return that, so a later ``status_bytes("VmHWM")`` measures only what came after."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    return status_bytes("VmRSS")
