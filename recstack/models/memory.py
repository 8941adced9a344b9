"""How much memory a model may still take, so that models can refuse up front (with the bytes
needed) instead of being killed halfway through a fit."""

from __future__ import annotations

import os
from pathlib import Path

from recstack.errors import RecstackError


def available_memory_bytes() -> tuple[int, str]:
    """Memory this process can still take, and where that number came from: the kernel's
    ``MemAvailable`` (or free pages), lowered to the cgroup v2 limit's headroom when a
    container sets one."""
    available, source = None, "available (MemAvailable)"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            source = "available (free pages)"
        except (ValueError, OSError, AttributeError):
            return 2**63 - 1, "unknown (no limit applied)"
    try:
        cgroup = Path("/sys/fs/cgroup")
        limit_text = (cgroup / "memory.max").read_text().strip()
        if limit_text != "max":
            headroom = int(limit_text) - int((cgroup / "memory.current").read_text())
            if headroom < available:
                available, source = max(headroom, 0), "left under the cgroup memory limit"
    except (OSError, ValueError):
        pass
    return available, source


def gib(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


def require_memory(model: str, needed: int, what: str, remedy: str | None = None) -> None:
    """Refuse, before allocating, a step that needs ``needed`` bytes when the process cannot
    take them; the message names the model, the step, both sizes (in GiB and in bytes),
    where the limit came from and, given ``remedy``, what to change ("lower neighbors ...")."""
    available, source = available_memory_bytes()
    if needed > available:
        raise RecstackError(f"{model}: {what} needs about {gib(needed)} ({needed:,} bytes) "
                            f"but only {gib(available)} ({available:,} bytes) is {source}"
                            + (f"; {remedy}" if remedy else ""))


def rows_that_fit(row_bytes: int, budget: int, other_bytes: int) -> int:
    """How many rows of ``row_bytes`` each a working block takes at once: as many as
    ``budget`` bytes hold, fewer when the memory available beyond ``other_bytes`` (what the
    step holds besides the block) is less, and at least 1 (a step that cannot take even one
    row is then refused by :func:`require_memory`). Blocks of a fixed size refused a fit on
    a machine with less free than the block alone, which smaller blocks would have done,
    with the same result."""
    available, _ = available_memory_bytes()
    room = min(int(budget), available - int(other_bytes))
    return max(1, room // max(int(row_bytes), 1))
