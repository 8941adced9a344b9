"""Full-catalog evaluation speed, and recstack's metric step against ranx on the same lists.

Setting (issue 3): 100,000 users x 50,000 items, 64-dimensional factor scores, top 100,
every ranking metric at K = 10, 20, 50, 100. Each user has 20 training items (masked) and
5 held-out items. The script

1. runs recstack's `Evaluator` end to end (scoring matrix products, masking, top-K,
   metrics) twice in the same process: first with the top-K selection recstack had before
   issue 9 (`argpartition` per row, then a sort of the K; kept below as `legacy_top_k`),
   then with today's (:mod:`recstack.topk`), and reports users per second of each and
   peak memory;
2. times the steps of the evaluation loop separately over the evaluator's own batches:
   the scoring matrix product, the masking, and the top-K selection (today's compiled
   kernel, its numpy fallback and the legacy one), each using both cores where it can;
3. times the metric step alone on the resulting top-100 lists, and ranx's `evaluate` on the
   very same lists and ground truth (ranx's one-off numba compilation is excluded by a
   warm-up call on a small input; building ranx's Qrels/Run objects is timed separately;
   skipped with ``--skip-ranx``);
4. checks that both give the same means, and profiles the whole evaluation to show where
   the time goes.

Run:  python benchmarks/evaluation_speed.py [--users 100000] [--items 50000] [--skip-ranx]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import resource
import sys
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recstack import topk
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.evaluation import evaluator as evaluator_module
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics.ranking import ranking_metrics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import load_average  # noqa: E402

KS = (10, 20, 50, 100)
METRICS = ("precision", "recall", "hit_rate", "f1", "mrr", "map", "ndcg", "ndcg_linear",
           "recall_capped")
# recstack name -> ranx name (ranx's ndcg uses linear gain; ndcg_burges uses 2^rel - 1).
# ranx's map divides by the number of relevant items; with 5 relevant items per user and
# K >= 10 that equals recstack's min(R, K) normalisation, so the means must agree.
RANX_NAMES = {"precision": "precision", "recall": "recall", "hit_rate": "hit_rate",
              "f1": "f1", "mrr": "mrr", "map": "map", "ndcg": "ndcg_burges",
              "ndcg_linear": "ndcg"}


class FactorModel:
    name = "factors"

    def __init__(self, user_factors: np.ndarray, item_factors: np.ndarray) -> None:
        self.user_factors, self.item_factors = user_factors, item_factors

    def score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self.user_factors[user_indices] @ self.item_factors.T


def synthetic_split(n_users: int, n_items: int, seed: int = 0
                    ) -> tuple[Interactions, Interactions, FactorModel]:
    rng = np.random.default_rng(seed)
    per_user_train, per_user_test = 20, 5
    picks = np.stack([rng.choice(n_items, per_user_train + per_user_test, replace=False)
                      for _ in range(min(n_users, 2000))])
    # tile a few thousand distinct rows to all users: fast to build, all rows valid
    picks = picks[np.arange(n_users) % len(picks)]
    picks = (picks + np.arange(n_users)[:, None] * 7919) % n_items  # keeps rows distinct
    users = np.repeat(np.arange(n_users, dtype=np.int32), per_user_train + per_user_test)
    items = picks.ravel().astype(np.int32)
    is_test = np.tile(np.r_[np.zeros(per_user_train, bool), np.ones(per_user_test, bool)],
                      n_users)
    data = Interactions(users, items, np.ones(len(users), np.float32), None,
                        IdMap.range(n_users), IdMap.range(n_items))
    model = FactorModel(rng.standard_normal((n_users, 64), dtype=np.float32) / 8,
                        rng.standard_normal((n_items, 64), dtype=np.float32) / 8)
    return data.select(~is_test), data.select(is_test), model


def legacy_top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """recstack's top-K before issue 9, for the before/after comparison: a partial sort
    (``argpartition``) of each row, then a sort of the K it picked (arbitrary members of a
    tie group at the cut-off; rows that are mostly zeros went through unique keys)."""
    n_items = scores.shape[1]
    k = min(k, n_items)
    if n_items - np.count_nonzero(scores, axis=1).min(initial=n_items) > n_items // 2:
        bits = np.ascontiguousarray(scores, dtype=np.float32).view(np.int32)
        ordered = (bits ^ ((bits >> 31) & 0x7FFFFFFF)).astype(np.int64)
        keys = (ordered << 32) | (n_items - 1 - np.arange(n_items, dtype=np.int64))
        part = np.argpartition(keys, n_items - k, axis=1)[:, n_items - k:]
    else:
        part = np.argpartition(scores, n_items - k, axis=1)[:, n_items - k:]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_scores, order, axis=1)


def legacy_top_k_threaded(scores: np.ndarray, k: int, executor: Executor | None, workers: int,
                          **_: object) -> tuple[np.ndarray, np.ndarray]:
    if executor is None or workers < 2 or scores.shape[0] < 2 * workers:
        return legacy_top_k(scores, k)
    parts = list(executor.map(lambda chunk: legacy_top_k(chunk, k),
                              np.array_split(scores, workers)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def time_steps(model: FactorModel, exclude: sp.csr_matrix, n_users: int, batch: int,
               threads: int) -> dict[str, float]:
    """Seconds spent in each step of the evaluation loop, over the evaluator's batches."""
    spent = dict.fromkeys(["scoring", "masking", "top-K", "top-K numpy fallback",
                           "top-K legacy"], 0.0)
    with ThreadPoolExecutor(threads) as executor:
        for start in range(0, n_users, batch):
            users = np.arange(start, min(start + batch, n_users))
            started = time.perf_counter()
            scores = model.score_users(users)
            spent["scoring"] += time.perf_counter() - started
            started = time.perf_counter()
            topk.mask_rows(scores, exclude[users])
            spent["masking"] += time.perf_counter() - started
            for step, select in (
                    ("top-K", lambda s: topk.top_k_threaded(s, 100, executor, threads)),
                    ("top-K numpy fallback", lambda s: topk.top_k_threaded(
                        s, 100, executor, threads, method="numpy")),
                    ("top-K legacy", lambda s: legacy_top_k_threaded(s, 100, executor, threads))):
                started = time.perf_counter()
                select(scores)
                spent[step] += time.perf_counter() - started
    return spent


def ranx_inputs(top: np.ndarray, truth: sp.csr_matrix, scores: np.ndarray):
    from ranx import Qrels, Run

    qrels = {}
    run = {}
    indptr, indices = truth.indptr, truth.indices
    for u in range(top.shape[0]):
        qrels[str(u)] = {str(i): 1 for i in indices[indptr[u]:indptr[u + 1]]}
        run[str(u)] = {str(i): float(s) for i, s in zip(top[u], scores[u], strict=True)}
    return Qrels(qrels), Run(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--profile-users", type=int, default=20_000,
                        help="users in the profiled run (profiling slows Python code)")
    parser.add_argument("--skip-ranx", action="store_true",
                        help="leave out the metric-step comparison with ranx")
    args = parser.parse_args()

    import threadpoolctl

    blas = threadpoolctl.threadpool_info()
    threads = os.cpu_count() or 1
    print(f"Machine: {platform.machine()}, {threads} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, BLAS threads {[b.get('num_threads') for b in blas]}, "
          f"top-K kernel: {'numba' if topk.numba_available() else 'numpy'}; "
          f"load average before: {load_average()}")
    train, test, model = synthetic_split(args.users, args.items)
    evaluator = Evaluator(metrics=METRICS, ks=KS)
    topk.top_k(np.zeros((1, 2), np.float32), 1)  # the kernel's compilation or cache load

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = {}
    results = {}
    for label in ("before (legacy top-K)", "after (recstack.topk)"):
        if label.startswith("before"):
            evaluator_module.top_k_threaded = legacy_top_k_threaded
        started = time.perf_counter()
        results[label] = evaluator.evaluate(model, train, test)
        seconds[label] = time.perf_counter() - started
        evaluator_module.top_k_threaded = topk.top_k_threaded
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nEvaluator, end to end: {args.users:,} users x {args.items:,} items, 64 factors, "
          f"top 100, {len(METRICS)} metrics at K={KS} (same process, same data):")
    print("| top-K selection | seconds | users/s |")
    print("|---|---|---|")
    for label, value in seconds.items():
        print(f"| {label} | {value:.1f} | {args.users / value:,.0f} |")
    before, after = seconds.values()
    print(f"speed-up {before / after:.2f}x; peak RSS {rss_after:,.0f} MiB (before the runs "
          f"{rss_before:,.0f} MiB); load average after: {load_average()}")
    first, second = (r.means() for r in results.values())
    worst_mean = max(abs(first[m] - second[m]) for m in first)
    print(f"largest difference of a mean between the two runs: {worst_mean:.2e} "
          "(random float32 scores: ties are rare)")

    exclude = train.to_csr()
    n_items = args.items
    batch = max(1, evaluator.memory_budget_bytes // (n_items * 16))
    spent = time_steps(model, exclude, args.users, batch, threads)
    print(f"\nSteps of the evaluation loop, {batch} users per batch, {threads} threads "
          "for the selection:")
    print("| step | seconds | relative to scoring |")
    print("|---|---|---|")
    for step, value in spent.items():
        print(f"| {step} | {value:.2f} | {value / spent['scoring']:.2f} |")

    # the same top-100 lists for the metric-step comparison
    truth = evaluator.relevance(test)
    tops, top_scores = [], []
    for start in range(0, args.users, 2000):
        users = np.arange(start, min(start + 2000, args.users))
        scores = model.score_users(users)
        topk.mask_rows(scores, exclude[users])
        t, s = topk.top_k(scores, 100)
        tops.append(t)
        top_scores.append(s)
    top, top_score = np.concatenate(tops), np.concatenate(top_scores)

    started = time.perf_counter()
    ours = ranking_metrics(top, truth, KS, METRICS)
    ours_seconds = time.perf_counter() - started
    if args.skip_ranx:
        print(f"\nMetric step on the same {args.users:,} top-100 lists: {ours_seconds:.2f} s "
              f"({args.users / ours_seconds:,.0f} users/s); ranx skipped")
        profile(args, train, test, evaluator, model)
        return

    from ranx import evaluate as ranx_evaluate

    small_q, small_r = ranx_inputs(top[:50], truth[:50], top_score[:50])
    ranx_metrics = [f"{RANX_NAMES[m]}@{k}" for m in METRICS if m in RANX_NAMES for k in KS]
    ranx_evaluate(small_q, small_r, ranx_metrics)  # numba compilation, not timed
    started = time.perf_counter()
    qrels, run = ranx_inputs(top, truth, top_score)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = ranx_evaluate(qrels, run, ranx_metrics)
    ranx_seconds = time.perf_counter() - started

    worst = 0.0
    for m, ranx_name in RANX_NAMES.items():
        for k in KS:
            worst = max(worst, abs(np.nanmean(ours[f"{m}@{k}"]) - theirs[f"{ranx_name}@{k}"]))
    print(f"\nMetric step on the same {args.users:,} top-100 lists "
          f"({len(ranx_metrics)} metric@K values common to both; recstack also computes "
          f"recall_capped):")
    print("| library | metric step (s) | users/s | input building (s) |")
    print("|---|---|---|---|")
    print(f"| recstack | {ours_seconds:.2f} | {args.users / ours_seconds:,.0f} | 0 "
          "(takes the top-K array and a CSR) |")
    print(f"| ranx | {ranx_seconds:.2f} | {args.users / ranx_seconds:,.0f} | "
          f"{build_seconds:.1f} (dicts -> Qrels/Run) |")
    print(f"\nrecstack / ranx metric-step time ratio: {ours_seconds / ranx_seconds:.2f} "
          f"(below 1 means recstack is faster); largest difference of a mean: {worst:.2e}")
    profile(args, train, test, evaluator, model)


def profile(args: argparse.Namespace, train: Interactions, test: Interactions,
            evaluator: Evaluator, model: FactorModel) -> None:
    n_profile = min(args.profile_users, args.users)
    profile_train = train.for_users(np.arange(n_profile))
    profile_test = test.for_users(np.arange(n_profile))
    profiler = cProfile.Profile()
    profiler.enable()
    evaluator.evaluate(model, profile_train, profile_test)
    profiler.disable()
    print(f"\nProfile of the evaluation of {n_profile:,} users (top functions by own time):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(8)


if __name__ == "__main__":
    main()
