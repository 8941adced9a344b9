"""Loading a MovieLens-20M-sized `ratings.csv`: recstack's loader against pandas.read_csv.

Writes a synthetic file in the exact MovieLens 20M layout (``userId,movieId,rating,timestamp``
with a header) into ``benchmarks/_data/`` (git-ignored; reused by later runs), then loads it
in fresh child processes, each measuring its own wall time and peak resident memory, so
one measurement cannot inherit another's memory:

- ``recstack``: ``load_movielens`` on the folder (ratings parsed and validated, ids
  encoded, the ``Interactions`` arrays built, plus the small ``movies.csv``);
- ``pandas``: ``pandas.read_csv`` of the same file with the same column types (parsing
  only; no validation and no id encoding, so it does less work than recstack);
- ``recstack, no numba``: ``load_movielens`` as if numba were not installed (pyarrow's
  reader and numpy's id encoding).

Each child imports its libraries before the clock starts, so the time is the load alone,
and reports the growth of its peak RSS over the RSS after the imports ("load peak"): the
memory the load itself needed, to compare with the arrays it produced.

With numba installed, recstack parses the file and encodes the ids with compiled kernels.
The recstack child warms them before the clock (it loads their machine code from numba's
cache, or compiles them where there is none yet), as a long-running process would have.
Those costs are measured apart, each in a fresh process, and printed under the table:
the very first call on a machine compiles the kernels (a one-time cost: ``cache=True``
keeps the machine code for later processes), and every later process loads them from
the cache once (importing numba and loading the cached code).

Run:  python benchmarks/load_ratings.py [--rows 20000000] [--repeat 3]
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

DATA = Path(__file__).resolve().parent / "_data"

CHILD = r"""
import json, os, resource, sys, time
which, folder = sys.argv[1], sys.argv[2]
if which == "recstack, no numba":
    sys.modules["numba"] = None  # as if numba were not installed: pyarrow and numpy only
    from recstack.data.movielens import load_movielens
elif which == "recstack":
    from recstack.data.movielens import load_movielens
    try:  # the compiled kernels, warmed before the clock (their cost is measured apart)
        import numba  # noqa: F401
    except ImportError:
        pass
    else:
        from recstack.data import _fast_csv, _fast_ids
        _fast_csv.warm_up()
        _fast_ids.warm_up()
else:
    import pandas as pd
try:  # resident memory now (KiB), not the high-water mark of the imports
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
except OSError:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if which.startswith("recstack"):
    data = load_movielens(folder, variant="20m")
    rows = len(data)
    output = sum(a.nbytes for a in (data.user_index, data.item_index, data.value, data.timestamp))
else:
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


# The one-time costs of the compiled kernels: importing numba and loading (or compiling)
# them, in a fresh process whose libraries are already imported.
WARM_UP_CHILD = r"""
import json, time
import numpy, pandas, pyarrow
import recstack.data.movielens
started = time.perf_counter()
import numba
from recstack.data import _fast_csv, _fast_ids
_fast_csv.warm_up()
_fast_ids.warm_up()
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def measure(which: str, folder: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, which, str(folder)], check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def warm_up_seconds(cache_dir: str | None) -> float | None:
    """Seconds to import numba and ready the kernels in a fresh process; ``cache_dir``
    an empty folder to time a compilation from scratch. None without numba."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return None
    env = dict(os.environ, **({"NUMBA_CACHE_DIR": cache_dir} if cache_dir else {}))
    result = subprocess.run([sys.executable, "-c", WARM_UP_CHILD], check=True,
                            capture_output=True, text=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = DATA / f"ratings-{args.rows}"
    if not (folder / "movies.csv").is_file():  # movies.csv is written last
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_ratings(folder, args.rows)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    size_mib = (folder / "ratings.csv").stat().st_size / 2**20
    runs: dict[str, list[dict]] = {"recstack": [], "pandas": [], "recstack, no numba": []}
    for _ in range(args.repeat):  # interleaved, so drift in machine load hits both alike
        for which in runs:
            runs[which].append(measure(which, folder))
    print(f"\nMachine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; file: {args.rows:,} rows, {size_mib:,.0f} MiB; "
          f"best of {args.repeat} (median in brackets)\n")
    print("| loader | time (s) | peak RSS (MiB) | load peak (MiB) | output arrays (MiB) "
          "| load peak / output |")
    print("|---|---|---|---|---|---|")
    for which, results in runs.items():
        times = sorted(r["seconds"] for r in results)
        best = min(results, key=lambda r: r["seconds"])
        peak = min(r["peak_mib"] for r in results)
        growth = min(r["peak_mib"] - r["baseline_mib"] for r in results)
        print(f"| {which} | {times[0]:.2f} ({times[len(times) // 2]:.2f}) | {peak:,.0f} | "
              f"{growth:,.0f} | {best['output_mib']:,.0f} | "
              f"{growth / best['output_mib']:.2f}x |")
    ratio = min(r["seconds"] for r in runs["recstack"]) / min(
        r["seconds"] for r in runs["pandas"])
    print(f"\nrecstack / pandas time ratio: {ratio:.2f}")
    with tempfile.TemporaryDirectory() as empty_cache:
        compile_seconds = warm_up_seconds(empty_cache)
    cached_seconds = warm_up_seconds(None)
    if compile_seconds is None or cached_seconds is None:
        print("numba is not installed: recstack read the file with pyarrow")
    else:
        print(f"compiled kernels, not in the times above: first call on a machine (compiles "
              f"them) {compile_seconds:.2f} s; first call in each later process (imports "
              f"numba, loads them from the cache) {cached_seconds:.2f} s")


if __name__ == "__main__":
    main()
