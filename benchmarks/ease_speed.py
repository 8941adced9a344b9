"""EASE at Gowalla size against a plain float32 inverse, and float32 against float64 accuracy.

Speed (the default): on synthetic data (``recstack.data.synthetic.generate``, 30,000 users
x 40,000 items x 1M interactions by default, the size of Gowalla), each measurement runs
in its own child process:

* ``reference``: plain numpy EASE in float32, the way it is usually written: the Gram matrix
  ``(XᵀX).toarray()`` of the binary float32 matrix, ``λ`` on its diagonal,
  ``P = np.linalg.inv(G)``, ``B = -P / diag(P)`` with a zero diagonal;
* ``inplace``: the leanest plain float32 inverse of the same Gram matrix: ``G`` filled as a
  dense float32 array a block of item rows at a time (so no sparse ``XᵀX`` is ever whole),
  then ``scipy.linalg.inv(G, overwrite_a=True)`` (LAPACK ``sgetrf`` + ``sgetri`` in place)
  and ``B = -P / diag(P)`` in place: one ``n x n`` buffer, where ``np.linalg.inv`` needs
  three. Where multithreaded OpenBLAS crashes it (a signal), it is rerun on one BLAS
  thread, and the table says so;
* ``recstack``: ``EASE(dtype=...)`` fit, with an empty probe cache (its first fit on a
  machine, the multithreaded-BLAS probe included) and then again with the verdict cached.

Each child loads the cached data, resets its peak resident memory to what is resident now
(``/proc/self/clear_refs``), runs, and reports the time and the peak above the loaded data
(``VmHWM``, which ``ru_maxrss`` reads too); for recstack also ``ease_memory_bytes``, the
refusal estimate. The ratio recstack / reference is the figure of issue #10 (at most 1.2x),
taken against the in-place reference when it ran (``--references``: which ones run; at
40,000 items ``np.linalg.inv`` needs about 18 GiB for its three buffers alone).

Accuracy (``--accuracy``): EASE in float32 and in float64 on the graph-CF split of
MovieLens 1M, refit on train + validation, evaluated on test (recall@20, nDCG@20, full
catalog, training items masked), and how many users get identical top-20 lists.

Usage::

    nice python benchmarks/ease_speed.py                                 # full size
    nice python benchmarks/ease_speed.py --items 10000 --users 20000 --interactions 500000
    python benchmarks/ease_speed.py --accuracy
    python benchmarks/ease_speed.py --only recstack --dtype float64      # one side
    nice python benchmarks/ease_speed.py --references inplace           # 40,000 items

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

from _machine import reset_peak, status_bytes

MIB = 2**20
ROOT = Path(__file__).resolve().parents[1]
ML1M = ROOT.parent / "shared" / "datasets" / "lightgcn-splits" / "ml-1m"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--items", type=int, default=40_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--regularization", type=float, default=500.0)
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--only", choices=("reference", "recstack", "both"), default="both")
    parser.add_argument("--references", nargs="+", choices=("numpy", "inplace"),
                        default=["numpy", "inplace"],
                        help="plain versions to run: np.linalg.inv, in-place LAPACK, or both")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where to cache generated data (a temporary folder by default)")
    parser.add_argument("--accuracy", action="store_true",
                        help="compare float32 with float64 on the MovieLens 1M graph-CF split")
    parser.add_argument("--split", type=Path, default=ML1M)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- children
def generate_child(spec: dict) -> dict:
    import numpy as np

    from recstack.data.synthetic import generate

    data = generate(n_users=spec["n_users"], n_items=spec["n_items"],
                    n_interactions=spec["n_interactions"], seed=spec["seed"])
    np.savez(spec["path"], user_index=data.user_index, item_index=data.item_index,
             value=data.value)
    return {}


def _load(spec: dict):
    import numpy as np

    from recstack.data.idmap import IdMap
    from recstack.data.interactions import Interactions

    with np.load(spec["data"]) as stored:
        return Interactions(stored["user_index"], stored["item_index"], stored["value"], None,
                            IdMap.range(spec["n_users"]), IdMap.range(spec["n_items"]))


def reference_child(spec: dict) -> dict:
    import numpy as np

    data = _load(spec)
    matrix = data.to_csr().astype(np.float32)
    matrix.data[:] = 1.0
    before = reset_peak()
    start = time.perf_counter()
    gram = (matrix.T @ matrix).toarray()
    gram[np.diag_indices_from(gram)] += spec["regularization"]
    inverse = np.linalg.inv(gram)
    del gram
    weights = inverse / -np.diag(inverse)
    del inverse
    weights[np.diag_indices_from(weights)] = 0.0
    seconds = time.perf_counter() - start
    return {"fit_s": seconds, "above": status_bytes("VmHWM") - before,
            "dtype": str(weights.dtype), "nnz": matrix.nnz}


def inplace_child(spec: dict) -> dict:
    import numpy as np
    import scipy.linalg

    data = _load(spec)
    matrix = data.to_csr().astype(np.float32)
    matrix.data[:] = 1.0
    by_item = matrix.T.tocsr()
    before = reset_peak()
    start = time.perf_counter()
    n_items = matrix.shape[1]
    gram = np.empty((n_items, n_items), dtype=np.float32)
    rows = 1024
    for first in range(0, n_items, rows):
        (by_item[first:first + rows] @ matrix).toarray(out=gram[first:first + rows])
    gram[np.diag_indices_from(gram)] += spec["regularization"]
    # G is symmetric, so its C-ordered buffer read in Fortran order is G itself: LAPACK can
    # work in place (a C-ordered argument would be copied), and the inverse is symmetric too
    inverse = scipy.linalg.inv(gram.T, overwrite_a=True, check_finite=False).T
    in_place = bool(np.shares_memory(inverse, gram))
    del gram
    inverse /= -np.diag(inverse)
    inverse[np.diag_indices_from(inverse)] = 0.0
    seconds = time.perf_counter() - start
    return {"fit_s": seconds, "above": status_bytes("VmHWM") - before,
            "dtype": str(inverse.dtype), "nnz": matrix.nnz, "in_place": in_place}


def recstack_child(spec: dict) -> dict:
    from recstack.models import ease

    data = _load(spec)
    model = ease.EASE(regularization=spec["regularization"], dtype=spec["dtype"])
    before = reset_peak()
    start = time.perf_counter()
    model.fit(data)
    seconds = time.perf_counter() - start
    threads = ease.blas_threads_survive(data.n_items, spec["dtype"])  # cached by now
    return {"fit_s": seconds, "above": status_bytes("VmHWM") - before, "threads": threads,
            "estimate": ease.ease_memory_bytes(data.n_items, model.seen_.nnz,
                                               dtype=spec["dtype"])}


def accuracy_child(spec: dict) -> dict:
    import numpy as np

    from recstack.data.adjacency import load_adjacency_splits
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models import create_model

    parts = load_adjacency_splits(spec["split"])
    train = parts.refit_train()
    evaluator = Evaluator(metrics=("recall", "ndcg"), ks=(20,))
    users = np.unique(parts.test.user_index)
    rows, tops = {}, {}
    for dtype in ("float64", "float32"):
        start = time.perf_counter()
        model = create_model("ease", regularization=spec["regularization"],
                             dtype=dtype).fit(train)
        fit_s = time.perf_counter() - start
        means = evaluator.evaluate(model, train, parts.test, name=dtype).means()
        items, _ = model.recommend(train.users.to_external(users), k=20)
        tops[dtype] = np.asarray(items)
        rows[dtype] = {"recall": means["recall@20"], "ndcg": means["ndcg@20"],
                       "fit_s": fit_s}
    same = np.all(tops["float32"] == tops["float64"], axis=1)
    overlap = np.mean([len(np.intersect1d(a, b)) / 20
                       for a, b in zip(tops["float32"], tops["float64"], strict=True)])
    return {"rows": rows, "identical_lists": float(same.mean()), "overlap": float(overlap),
            "users": int(len(users)), "items": int(train.n_items)}


CHILDREN = {"generate": generate_child, "reference": reference_child,
            "inplace": inplace_child, "recstack": recstack_child,
            "accuracy": accuracy_child}


def run_child(kind: str, spec: dict, env: dict | None = None, *,
              crash_ok: bool = False) -> dict:
    """Run one measurement in a child process; with ``crash_ok``, a child killed by a
    signal gives ``{"signal": number}`` instead of stopping the benchmark."""
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = str(ROOT) + os.pathsep + environment.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps({"kind": kind, **spec})],
        capture_output=True, text=True, env=environment, check=False)
    if result.returncode < 0 and crash_ok:
        return {"signal": -result.returncode}
    if result.returncode != 0:
        raise SystemExit(f"{kind} child failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_inplace(spec: dict) -> tuple[str, dict]:
    """The in-place reference, on every BLAS thread, or on one where that crashed."""
    outcome = run_child("inplace", spec, crash_ok=True)
    if "signal" not in outcome:
        copied = "" if outcome["in_place"] else " (LAPACK copied it after all)"
        return f"plain float32 in place, `scipy.linalg.inv(overwrite_a=True)`{copied}", outcome
    print(f"  multithreaded sgetrf died with signal {outcome['signal']}; one thread...",
          file=sys.stderr)
    single = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return ("plain float32 in place, `scipy.linalg.inv(overwrite_a=True)`, one BLAS thread "
            f"(threads crashed: signal {outcome['signal']})", run_child("inplace", spec, single))


# --------------------------------------------------------------------------- parent
def accuracy(args: argparse.Namespace) -> None:
    result = run_child("accuracy", {"split": str(args.split),
                                    "regularization": args.regularization})
    print(f"\n`python benchmarks/ease_speed.py {' '.join(sys.argv[1:])}`: EASE "
          f"(regularization {args.regularization:g}) on {args.split.name}, "
          f"{result['users']:,} test users, {result['items']:,} items\n")
    print("| dtype | recall@20 | nDCG@20 | fit (s) |")
    print("|---|---:|---:|---:|")
    for dtype, row in result["rows"].items():
        print(f"| {dtype} | {row['recall']:.4f} | {row['ndcg']:.4f} | {row['fit_s']:.1f} |")
    print(f"\nIdentical top-20 lists float32 vs float64: {result['identical_lists']:.2%} of "
          f"users; mean top-20 overlap {result['overlap']:.4%}.")


def speed(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="recstack-ease-") as scratch:
        data_dir = args.data_dir or Path(scratch)
        data_dir.mkdir(parents=True, exist_ok=True)
        shape = {"n_users": args.users, "n_items": args.items,
                 "n_interactions": args.interactions}
        path = data_dir / (f"synthetic-{args.users}-{args.items}-{args.interactions}-"
                           f"{args.seed}.npz")
        if not path.exists():
            print(f"generating {args.interactions:,} interactions...", file=sys.stderr)
            run_child("generate", {**shape, "seed": args.seed, "path": str(path)})
        spec = {**shape, "data": str(path), "regularization": args.regularization,
                "dtype": args.dtype}
        rows = []
        reference = None
        if args.only in ("reference", "both") and "numpy" in args.references:
            print("plain numpy float32 inverse...", file=sys.stderr)
            reference = run_child("reference", spec)
            rows.append(("plain numpy float32 `np.linalg.inv`", reference))
        if args.only in ("reference", "both") and "inplace" in args.references:
            print("plain float32 inverse in place...", file=sys.stderr)
            rows.append(run_inplace(spec))
            reference = rows[-1][1]
        if args.only in ("recstack", "both"):
            # a cache of its own: the first fit runs the thread probe, the second reads it
            env = {**os.environ, "RECSTACK_CACHE": str(Path(scratch) / "cache")}
            print("recstack EASE, first fit (probe included)...", file=sys.stderr)
            rows.append((f"recstack EASE {args.dtype}, first fit (probe included)",
                         run_child("recstack", spec, env)))
            print("recstack EASE, probe verdict cached...", file=sys.stderr)
            rows.append((f"recstack EASE {args.dtype}, probe verdict cached",
                         run_child("recstack", spec, env)))

    print(f"\n`python benchmarks/ease_speed.py {' '.join(sys.argv[1:])}`".rstrip() + "; "
          f"{args.users:,} users x {args.items:,} items x {args.interactions:,} interactions, "
          f"regularization {args.regularization:g}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} at the end\n")
    if args.only != "both":
        reference = None
    print("| fit | time (s) | peak above data (MiB) | refusal estimate (MiB) "
          "| BLAS threads in potrf | time / reference | memory / reference |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for name, m in rows:
        estimate = f"{m['estimate'] / MIB:,.0f}" if "estimate" in m else ""
        threads = ("" if "threads" not in m
                   else "yes (probe survived)" if m["threads"] else "one (probe crashed)")
        ratios = ("| |" if reference is None or m is reference else
                  f"| {m['fit_s'] / reference['fit_s']:.2f}x "
                  f"| {m['above'] / reference['above']:.2f}x |")
        print(f"| {name} | {m['fit_s']:.1f} | {m['above'] / MIB:,.0f} | {estimate} "
              f"| {threads} {ratios}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec.pop("kind")](spec)))
        return
    if args.accuracy:
        accuracy(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()
