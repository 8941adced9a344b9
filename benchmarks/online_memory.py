"""Time and peak memory of ``recstack online`` on synthetic event logs of growing length.

For each number of events (``--events``, default 1, 2 and 5 million) a seeded log of the
service's event columns is written to a temporary folder, as a log folder of Parquet parts
and as one CSV file, and ``recstack online`` measures it in a child process; the child's
wall time and peak resident memory (its ``VmHWM`` in ``/proc``, polled) are
reported as a Markdown table on stdout, and with ``--json FILE`` as JSON too.

    python benchmarks/online_memory.py --events 1000000,2000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: events per Parquet part, as the service rotates its log files
PART_ROWS = 250_000
#: the events of a session, on average
EVENTS_PER_SESSION = 10
START = 1_796_000_000.0


def synthetic_events(count: int, seed: int) -> pd.DataFrame:
    """``count`` events of the service's event schema: sessions of about
    :data:`EVENTS_PER_SESSION` events in three variants, each session's clicks and
    purchases on items it was shown, amounts on purchases and costs on impressions."""
    rng = np.random.default_rng(seed)
    sessions = max(count // EVENTS_PER_SESSION, 3)
    session = np.sort(rng.integers(0, sessions, count))
    # the first event of each session an impression of item 0, which its clicks are on
    first = np.r_[True, session[1:] != session[:-1]]
    event = rng.choice(np.array(["impression", "click", "purchase"]), count,
                       p=[0.8, 0.15, 0.05])
    event[first] = "impression"
    item = np.where(event == "impression", rng.integers(0, 500, count), 0)
    item[first] = 0
    session_text = np.char.add("s", session.astype(str))
    return pd.DataFrame({
        "time": pd.Timestamp("2026-12-01", tz="UTC"),
        "timestamp": START + session * 0.5 + rng.uniform(0, 1800, count),
        "event": event,
        "user_id": np.char.add("u", session.astype(str)),
        "item_id": np.char.add("i", item.astype(str)),
        "session_id": session_text,
        "variant": np.array(["control", "B", "C"])[session % 3],
        "model": "als",
        "request_id": np.char.add("r", np.arange(count).astype(str)),
        "position": (rng.integers(1, 11, count)).astype(np.int32),
        "revenue": np.where(event == "purchase", rng.uniform(1, 100, count).round(2), np.nan),
        "cost": np.where(event == "impression", 0.001, np.nan),
    })


def write_logs(events: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """The log as the service's folder of Parquet parts, and as one CSV export."""
    parts = folder / "log" / "events"
    parts.mkdir(parents=True)
    for number, start in enumerate(range(0, len(events), PART_ROWS), start=1):
        table = pa.Table.from_pandas(events.iloc[start:start + PART_ROWS],
                                     preserve_index=False)
        pq.write_table(table, parts / f"events-20261201T{number:06d}000000Z-1-{number}.parquet")
    csv = folder / "events.csv"
    export = events.drop(columns="time")
    export.to_csv(csv, index=False)
    return {"parquet": folder / "log", "csv": csv}


def measure(location: Path) -> dict[str, float]:
    """Wall seconds and peak resident MiB of ``recstack online location`` in a child.

    The peak is the child's ``VmHWM`` in ``/proc``, read until it exits: its
    ``ru_maxrss`` counts the memory of this process too, which it held when forked
    (Linux keeps the peak across ``exec``)."""
    command = [sys.executable, "-m", "recstack.cli", "online", str(location)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status_file = Path(f"/proc/{child.pid}/status")
    peak_kib = 0
    while child.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = max(peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # exited between the poll and the read
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    error = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"recstack online {location} failed:\n{error}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_kib / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1000000,2000000,5000000",
                        help="numbers of events, comma-separated (default: 1, 2 and 5 M)")
    parser.add_argument("--formats", default="parquet,csv",
                        help="log formats measured: parquet (a log folder), csv")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the rows here")
    args = parser.parse_args(argv)
    counts = [int(float(text)) for text in args.events.split(",") if text.strip()]
    formats = [text.strip() for text in args.formats.split(",") if text.strip()]
    rows = []
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="recstack-online-") as folder:
            locations = write_logs(synthetic_events(count, args.seed), Path(folder))
            for kind in formats:
                result = measure(locations[kind])
                rows.append({"events": count, "format": kind, **result,
                             "mib_per_million_events": round(
                                 result["peak_rss_mib"] / (count / 1e6), 1)})
                print(f"{count:,} events, {kind}: {result}", file=sys.stderr, flush=True)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")
    print("| events | format | seconds | peak RSS (MiB) | MiB per million events |")
    print("|---:|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['events']:,} | {row['format']} | {row['seconds']} | "
              f"{row['peak_rss_mib']} | {row['mib_per_million_events']} |")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
