"""Issue 10, point 4: the graph-CF models at Gowalla size on this machine.

On synthetic data of the size of Gowalla (``recstack.data.synthetic.generate``, 30,000
users x 40,000 items x 1M interactions by default), split at random 80/20 by interaction
(seeded), every measurement in its own child process, which resets its peak resident memory
once the data is loaded (``/proc/self/clear_refs``) and reports the peak above it
(``VmHWM``):

* ``gf_cf`` and ``bspm`` at the papers' Gowalla settings (GF-CF alpha 0.3, k 256; BSPM's
  defaults, the authors' Gowalla script: k 448, EM): fit, then the full evaluation (every
  test user ranked over the whole catalog, training items masked, recall@20 and nDCG@20);
  the target is fit plus evaluation under 5 minutes and peak under 10 GiB each;
* ``lightgcn``: seconds per epoch at the paper's settings (64 dimensions, 3 layers, batch
  2,048), timed over ``--lightgcn-epochs`` epochs;
* iALS++ (``ials``, block 128) and ``implicit``'s ALS (CPU, its own threads) at 256 and 1,024
  factors: seconds per iteration, timed over ``--iterations`` iterations after one warm-up
  fit of one iteration (numba compilation, thread pools), in the same run so the two are
  compared under the same load.

EASE at this size has its own script (``benchmarks/ease_speed.py``).

Usage::

    nice python benchmarks/gowalla_speed.py                 # everything, about 15 minutes
    nice python benchmarks/gowalla_speed.py --only gf_cf bspm
    python benchmarks/gowalla_speed.py --users 3000 --items 4000 --interactions 100000

Prints a markdown table (and the machine, its load and the command).
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

from _machine import load_average, reset_peak, status_bytes

MIB = 2**20
ROOT = Path(__file__).resolve().parents[1]
JOBS = ("gf_cf", "bspm", "lightgcn", "ials_256", "implicit_256", "ials_1024", "implicit_1024")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--items", type=int, default=40_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="+", choices=JOBS, default=list(JOBS))
    parser.add_argument("--iterations", type=int, default=3,
                        help="ALS iterations timed per configuration")
    parser.add_argument("--lightgcn-epochs", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- children
def _peak_above(before: int) -> float:
    return (status_bytes("VmHWM") - before) / MIB


def generate_child(spec: dict) -> dict:
    import numpy as np

    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate

    data = generate(n_users=spec["n_users"], n_items=spec["n_items"],
                    n_interactions=spec["n_interactions"], seed=spec["seed"])
    split = random_split(data, 0.2, seed=spec["seed"])
    for part, name in ((split.train, "train"), (split.test, "test")):
        np.savez(f"{spec['path']}.{name}.npz", user_index=part.user_index,
                 item_index=part.item_index, value=part.value)
    return {"users": data.n_users, "items": data.n_items, "interactions": len(data),
            "train": len(split.train), "test": len(split.test)}


def _load(spec: dict, name: str):
    import numpy as np

    from recstack.data.idmap import IdMap
    from recstack.data.interactions import Interactions

    with np.load(f"{spec['data']}.{name}.npz") as stored:
        return Interactions(stored["user_index"], stored["item_index"], stored["value"], None,
                            IdMap.range(spec["n_users"]), IdMap.range(spec["n_items"]))


def graph_filter_child(spec: dict) -> dict:
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models import create_model

    train, test = _load(spec, "train"), _load(spec, "test")
    model = create_model(spec["model"], **spec["params"])
    evaluator = Evaluator(metrics=("recall", "ndcg"), ks=(20,))
    before = reset_peak()
    start = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - start
    fit_peak = _peak_above(before)
    start = time.perf_counter()
    means = evaluator.evaluate(model, train, test, name=spec["model"]).means()
    return {"fit_s": fit_s, "evaluate_s": time.perf_counter() - start, "fit_peak": fit_peak,
            "peak": _peak_above(before), "recall": means["recall@20"],
            "ndcg": means["ndcg@20"]}


def lightgcn_child(spec: dict) -> dict:
    from recstack.models import create_model

    train = _load(spec, "train")
    epochs = spec["epochs"]
    model = create_model("lightgcn", epochs=epochs, dim=64, layers=3, batch_size=2048, seed=0)
    before = reset_peak()
    start = time.perf_counter()
    model.fit(train)
    return {"per_unit_s": (time.perf_counter() - start) / epochs, "peak": _peak_above(before)}


def _ials(spec: dict, iterations: int):
    from recstack.models import create_model

    return create_model("ials", factors=spec["factors"], iterations=iterations,
                        block_size=min(128, spec["factors"]), seed=0)


def _implicit(spec: dict, iterations: int):
    from implicit.cpu.als import AlternatingLeastSquares

    return AlternatingLeastSquares(factors=spec["factors"], iterations=iterations,
                                   regularization=0.01, random_state=0)


def als_child(spec: dict) -> dict:
    from threadpoolctl import threadpool_limits

    train = _load(spec, "train")
    matrix = train.to_csr()
    iterations = spec["iterations"]

    def fit(n: int) -> None:
        if spec["library"] == "ials":
            _ials(spec, n).fit(train)
        else:
            # implicit runs its own threads; BLAS threads inside them would oversubscribe
            with threadpool_limits(1, "blas"):
                _implicit(spec, n).fit(matrix, show_progress=False)

    fit(1)  # warm-up: numba compilation, thread pools
    before = reset_peak()
    start = time.perf_counter()
    fit(iterations)
    return {"per_unit_s": (time.perf_counter() - start) / iterations,
            "peak": _peak_above(before)}


CHILDREN = {"generate": generate_child, "graph_filter": graph_filter_child,
            "lightgcn": lightgcn_child, "als": als_child}


def run_child(kind: str, spec: dict) -> dict:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(ROOT) + os.pathsep + environment.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps({"kind": kind, **spec})],
        capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": f"{kind} child failed ({result.returncode}): {tail[:300]}"}
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- parent
def jobs(args: argparse.Namespace, base: dict) -> list[tuple[str, str, dict]]:
    chosen = []
    for job in args.only:
        if job == "gf_cf":
            chosen.append((job, "graph_filter", base | {"model": "gf_cf",
                                                        "params": {"alpha": 0.3, "k": 256}}))
        elif job == "bspm":
            chosen.append((job, "graph_filter", base | {"model": "bspm", "params": {}}))
        elif job == "lightgcn":
            chosen.append((job, "lightgcn", base | {"epochs": args.lightgcn_epochs}))
        else:
            library, factors = job.split("_")
            chosen.append((job, "als", base | {"library": library, "factors": int(factors),
                                               "iterations": args.iterations}))
    return chosen


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec.pop("kind")](spec)))
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="recstack-gowalla-") as scratch:
        base = {"n_users": args.users, "n_items": args.items, "seed": args.seed,
                "n_interactions": args.interactions}
        shape = run_child("generate", base | {"path": f"{scratch}/data"})
        if "error" in shape:
            raise SystemExit(shape["error"])
        base["data"] = f"{scratch}/data"
        results = {}
        for job, kind, spec in jobs(args, base):
            results[job] = run_child(kind, spec)
            print(f"  {job}: {results[job]}", file=sys.stderr, flush=True)
    print(f"\n`python benchmarks/gowalla_speed.py {' '.join(sys.argv[1:])}`: "
          f"{shape['users']:,} users x {shape['items']:,} items, {shape['train']:,} training "
          f"and {shape['test']:,} test interactions; {platform.machine()}, "
          f"{os.cpu_count()} cores, load average {load_average()} at the end, "
          f"{time.perf_counter() - started:.0f} s in all\n")
    print("| job | fit (s) | evaluation (s) | fit + evaluation (s) | per epoch / iteration (s) "
          "| peak above data (MiB) | recall@20 | nDCG@20 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for job, r in results.items():
        if "error" in r:
            print(f"| {job} | {r['error']} | | | | | | |")
        elif "fit_s" in r:
            print(f"| {job} | {r['fit_s']:.1f} | {r['evaluate_s']:.1f} | "
                  f"{r['fit_s'] + r['evaluate_s']:.1f} | | {r['peak']:.0f} | "
                  f"{r['recall']:.4f} | {r['ndcg']:.4f} |")
        else:
            print(f"| {job} | | | | {r['per_unit_s']:.2f} | {r['peak']:.0f} | | |")


if __name__ == "__main__":
    main()
