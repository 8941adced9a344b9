"""Full-catalog evaluation speed, and recstack's metric step against ranx on the same lists.

Setting (issue 3): 100,000 users x 50,000 items, 64-dimensional factor scores, top 100,
every ranking metric at K = 10, 20, 50, 100. Each user has 20 training items (masked) and
5 held-out items. The script

1. runs recstack's `Evaluator` end to end (scoring matrix products, masking, partial sort,
   metrics) and reports users per second and peak memory;
2. times the metric step alone on the resulting top-100 lists, and ranx's `evaluate` on the
   very same lists and ground truth (ranx's one-off numba compilation is excluded by a
   warm-up call on a small input; building ranx's Qrels/Run objects is timed separately);
3. checks that both give the same means, and profiles the whole evaluation to show where
   the time goes.

Run:  python benchmarks/evaluation_speed.py [--users 100000] [--items 50000]
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import resource
import sys
import time

import numpy as np
import scipy.sparse as sp

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics.ranking import ranking_metrics

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
    args = parser.parse_args()

    import threadpoolctl

    blas = threadpoolctl.threadpool_info()
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy "
          f"{np.__version__}, BLAS threads {[b.get('num_threads') for b in blas]}")
    train, test, model = synthetic_split(args.users, args.items)
    evaluator = Evaluator(metrics=METRICS, ks=KS)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    evaluator.evaluate(model, train, test)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nEvaluator, end to end: {args.users:,} users x {args.items:,} items, 64 factors, "
          f"top 100, {len(METRICS)} metrics at K={KS}: {seconds:.1f} s = "
          f"{args.users / seconds:,.0f} users/s; peak RSS {rss_after:,.0f} MiB "
          f"(before the run {rss_before:,.0f} MiB)")

    # the same top-100 lists for the metric-step comparison
    truth = evaluator.relevance(test)
    exclude = train.to_csr()
    from recstack.models.base import mask_rows, top_k

    tops, top_scores = [], []
    for start in range(0, args.users, 2000):
        users = np.arange(start, min(start + 2000, args.users))
        scores = model.score_users(users)
        mask_rows(scores, exclude[users])
        t, s = top_k(scores, 100)
        tops.append(t)
        top_scores.append(s)
    top, top_score = np.concatenate(tops), np.concatenate(top_scores)

    started = time.perf_counter()
    ours = ranking_metrics(top, truth, KS, METRICS)
    ours_seconds = time.perf_counter() - started

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
