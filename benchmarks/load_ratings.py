"""Loading a MovieLens-20M-sized `ratings.csv`: recstack's loader against pandas.read_csv.

Writes a synthetic file in the exact MovieLens 20M layout (``userId,movieId,rating,timestamp``
with a header), then loads it in fresh child processes, each measuring its own wall time and
peak resident memory, so one measurement cannot inherit another's memory:

- ``recstack``: ``load_movielens`` on the folder (ratings parsed, ids encoded, the
  ``Interactions`` arrays built);
- ``pandas``: ``pandas.read_csv`` of the same file with the same column types (parsing
  only; no id encoding, so it does less work than recstack).

Run:  python benchmarks/load_ratings.py [--rows 20000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
which, folder = sys.argv[1], sys.argv[2]
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if which == "recstack":
    from recstack.data.movielens import load_movielens
    data = load_movielens(folder, variant="20m")
    rows = len(data)
    output = sum(a.nbytes for a in (data.user_index, data.item_index, data.value, data.timestamp))
else:
    import pandas as pd
    frame = pd.read_csv(folder + "/ratings.csv", dtype={"userId": "int32", "movieId": "int32",
                        "rating": "float32", "timestamp": "int64"})
    rows = len(frame)
    output = int(frame.memory_usage(index=False).sum())
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "baseline_mib": baseline / 1024,
                  "rows": rows, "output_mib": output / 2**20}))
"""


def write_ratings(folder: Path, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from recstack.data.synthetic import generate

    n_users = max(1_000, rows * 138_000 // 20_000_000)
    n_items = max(500, rows * 27_000 // 20_000_000)
    data = generate(n_users=n_users, n_items=n_items, n_interactions=rows, seed=0)
    # MovieLens ids start at 1 and ratings are written with one decimal
    table = pa.table({
        "userId": pa.array(data.user_index.astype(np.int32) + 1),
        "movieId": pa.array(data.item_index.astype(np.int32) + 1),
        "rating": pa.array(data.value.astype(np.float64)),
        "timestamp": pa.array(data.timestamp),
    })
    pacsv.write_csv(table, folder / "ratings.csv")
    # a minimal movies.csv so the folder is a complete MovieLens 20M release
    movies = pa.table({"movieId": pa.array(np.arange(1, n_items + 1, dtype=np.int32)),
                       "title": pa.array([f"Movie {i} (2000)" for i in range(1, n_items + 1)]),
                       "genres": pa.array(["Drama"] * n_items)})
    pacsv.write_csv(movies, folder / "movies.csv")


def measure(which: str, folder: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, which, str(folder)], check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recstack-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_ratings(folder, args.rows)
        size_mib = (folder / "ratings.csv").stat().st_size / 2**20
        print(f"wrote {args.rows:,} rows ({size_mib:,.0f} MiB) in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        runs: dict[str, list[dict]] = {"recstack": [], "pandas": []}
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits both alike
            for which in runs:
                runs[which].append(measure(which, folder))
    print(f"\nMachine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; file: {args.rows:,} rows, {size_mib:,.0f} MiB; "
          f"best of {args.repeat} (median in brackets)\n")
    print("| loader | time (s) | peak RSS (MiB) | output arrays (MiB) | peak / output |")
    print("|---|---|---|---|---|")
    for which, results in runs.items():
        times = sorted(r["seconds"] for r in results)
        best = min(results, key=lambda r: r["seconds"])
        peak = min(r["peak_mib"] for r in results)
        print(f"| {which} | {times[0]:.2f} ({times[len(times) // 2]:.2f}) | {peak:,.0f} | "
              f"{best['output_mib']:,.0f} | {peak / best['output_mib']:.1f}x |")
    ratio = min(r["seconds"] for r in runs["recstack"]) / min(
        r["seconds"] for r in runs["pandas"])
    print(f"\nrecstack / pandas time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
