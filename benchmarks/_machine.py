"""What the benchmark scripts record about the machine while they run, and where they find
the shared datasets."""

from __future__ import annotations

import argparse
import os
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

#: ``../shared/datasets`` seen from the repository root, found from this file rather than
#: the working folder so that a script started from anywhere finds the same datasets
SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
#: how the scripts' help names the folder :func:`datasets_root` returns
DATASETS_ROOT_HELP = "$RECSTACK_DATASETS, else ../shared/datasets beside the repository"


def datasets_root() -> Path:
    """The folder holding the datasets: ``$RECSTACK_DATASETS``, else ``../shared/datasets``
    beside the repository."""
    return Path(os.environ.get("RECSTACK_DATASETS") or SHARED_DATASETS)


def add_datasets_argument(parser: argparse.ArgumentParser, holding: str) -> None:
    """The ``--datasets FOLDER`` option of a script that reads datasets from one folder;
    ``holding`` says what that folder holds (``"ml-100k/ and ml-latest-small/"``)."""
    parser.add_argument("--datasets", type=Path, default=datasets_root(), metavar="FOLDER",
                        help=f"folder holding {holding} (default: {DATASETS_ROOT_HELP}; "
                             "now %(default)s)")


def require_datasets(root: Path, folders: Sequence[str], *, option: str | None = None,
                     containing: str = "") -> None:
    """Exit with status 2 (argparse's, for a bad argument) before any work when one of
    ``folders`` (or the file ``containing`` in it) is missing under ``root``, naming each
    missing one and how to point the script elsewhere: ``option`` is the script's own
    flag for ``root``, where it has one."""
    missing = [f"{folder}/{containing}" for folder in folders
               if not ((root / folder / containing).is_file() if containing
                       else (root / folder).is_dir())]
    if not missing:
        return
    tops = dict.fromkeys(f"{folder.split('/')[0]}/" for folder in folders)
    setting = f"{option} or RECSTACK_DATASETS" if option else "RECSTACK_DATASETS"
    print(f"{Path(sys.argv[0]).name}: no {', '.join(missing)} under {root}; set {setting} "
          f"to the folder holding {' and '.join(tops)}", file=sys.stderr)
    raise SystemExit(2)


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
