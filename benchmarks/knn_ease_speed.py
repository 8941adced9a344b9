"""Time and peak memory of fitting EASE and item-kNN on synthetic data.

Each measurement runs in its own child process, so that ``ru_maxrss`` (the peak resident
memory, from ``resource.getrusage``) belongs to that measurement alone. Data is generated
once per size by another child and cached as ``.npz``; the measuring child loads it,
records its peak so far (the data), fits, and records the peak again: the difference is
what fitting added. The parent imports nothing heavy, because a child's ``ru_maxrss``
starts from its parent's at ``exec``.

Usage (defaults are the sizes of the issue: EASE on 20,000 items, item-kNN on a
MovieLens-20M-sized matrix)::

    python benchmarks/knn_ease_speed.py
    python benchmarks/knn_ease_speed.py --only knn --similarity jaccard --neighbors 50
    python benchmarks/knn_ease_speed.py --ease-items 5000 --knn-interactions 2000000  # quick
    python benchmarks/knn_ease_speed.py --data-dir /tmp/bench --prepare   # generate once, then
    python benchmarks/knn_ease_speed.py --data-dir /tmp/bench             # measure, when quiet

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 2**20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("ease", "knn", "both"), default="both")
    parser.add_argument("--ease-users", type=int, default=100_000)
    parser.add_argument("--ease-items", type=int, default=20_000)
    parser.add_argument("--ease-interactions", type=int, default=5_000_000)
    parser.add_argument("--regularization", type=float, default=500.0)
    parser.add_argument("--knn-users", type=int, default=138_000)
    parser.add_argument("--knn-items", type=int, default=27_000)
    parser.add_argument("--knn-interactions", type=int, default=20_000_000)
    parser.add_argument("--similarity", choices=("cosine", "jaccard", "lift"), default="cosine")
    parser.add_argument("--neighbors", type=int, default=100)
    parser.add_argument("--shrink", type=float, default=0.0)
    parser.add_argument("--recommend-users", type=int, default=1_000,
                        help="users to recommend top-10 for after fitting (timed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where to cache generated data (a temporary folder by default)")
    parser.add_argument("--prepare", action="store_true",
                        help="only generate and cache the data in --data-dir, measure nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- children
def generate_child(spec: dict) -> dict:
    import numpy as np

    from recstack.data.synthetic import generate

    start = time.perf_counter()
    data = generate(n_users=spec["n_users"], n_items=spec["n_items"],
                    n_interactions=spec["n_interactions"], seed=spec["seed"])
    seconds = time.perf_counter() - start
    np.savez(spec["path"], user_index=data.user_index, item_index=data.item_index,
             value=data.value)
    return {"generate_s": seconds}


def measure_child(spec: dict) -> dict:
    import resource

    import numpy as np

    from recstack.data.idmap import IdMap
    from recstack.data.interactions import Interactions
    from recstack.models import create_model

    def peak_bytes() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

    with np.load(spec["data"]) as stored:
        user_index, item_index, value = (stored["user_index"], stored["item_index"],
                                         stored["value"])
    data = Interactions(user_index, item_index, value, None, IdMap.range(spec["n_users"]),
                        IdMap.range(spec["n_items"]))
    model = create_model(spec["model"], **spec["params"])
    before = peak_bytes()
    start = time.perf_counter()
    model.fit(data)
    fit_s = time.perf_counter() - start
    after_fit = peak_bytes()
    users = np.arange(min(spec["recommend_users"], data.n_users))
    start = time.perf_counter()
    model.recommend(users, k=10)
    recommend_s = time.perf_counter() - start
    if spec["model"] == "ease":
        model_bytes = model.weights_.nbytes
    else:
        s = model.similarity_
        model_bytes = s.data.nbytes + s.indices.nbytes + s.indptr.nbytes
    return {"fit_s": fit_s, "recommend_s": recommend_s, "data_peak": before,
            "fit_peak": after_fit, "final_peak": peak_bytes(), "model_bytes": model_bytes,
            "n_rows": len(data)}


def run_child(kind: str, spec: dict) -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps({"kind": kind, **spec})],
        capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- parent
def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        work = generate_child if spec["kind"] == "generate" else measure_child
        print(json.dumps(work(spec)))
        return

    cases = []
    if args.only in ("ease", "both"):
        cases.append(("ease", (args.ease_users, args.ease_items, args.ease_interactions),
                      {"regularization": args.regularization}, 8))
    if args.only in ("knn", "both"):
        cases.append(("item_knn", (args.knn_users, args.knn_items, args.knn_interactions),
                      {"neighbors": args.neighbors, "similarity": args.similarity,
                       "shrink": args.shrink}, 4))

    with tempfile.TemporaryDirectory(prefix="recstack-bench-") as scratch:
        data_dir = args.data_dir or Path(scratch)
        data_dir.mkdir(parents=True, exist_ok=True)
        rows = []
        for model, (n_users, n_items, n_interactions), params, dense_item_bytes in cases:
            path = data_dir / f"synthetic-{n_users}-{n_items}-{n_interactions}-{args.seed}.npz"
            shape = {"n_users": n_users, "n_items": n_items, "n_interactions": n_interactions}
            if not path.exists():
                print(f"generating {n_interactions:,} interactions...", file=sys.stderr)
                run_child("generate", {**shape, "seed": args.seed, "path": str(path)})
            if args.prepare:
                continue
            print(f"fitting {model}...", file=sys.stderr)
            measured = run_child("measure", {
                **shape, "data": str(path), "model": model, "params": params,
                "recommend_users": args.recommend_users})
            rows.append((model, shape, params, dense_item_bytes * n_items**2, measured))
    if args.prepare:
        return

    print(f"\n`python benchmarks/knn_ease_speed.py {' '.join(sys.argv[1:])}`".rstrip() + "; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| model | data (users x items, rows) | params | fit (s) "
          f"| recommend {args.recommend_users:,} users (s) | peak RSS (MiB) "
          "| fit peak above data (MiB) | model (MiB) | dense item x item (MiB) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for model, shape, params, dense_bytes, m in rows:
        data = (f"{shape['n_users']:,} x {shape['n_items']:,}, {shape['n_interactions']:,}")
        settings = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {model} | {data} | {settings} | {m['fit_s']:.1f} | {m['recommend_s']:.2f} "
              f"| {m['final_peak'] / MIB:,.0f} | {(m['fit_peak'] - m['data_peak']) / MIB:,.0f} "
              f"| {m['model_bytes'] / MIB:,.0f} | {dense_bytes / MIB:,.0f} |")


if __name__ == "__main__":
    main()
