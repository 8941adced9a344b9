"""Accuracy of the two-stage recommender against its best tuned single generator, on real
MovieLens data under a per-user temporal protocol.

Protocol: for each split seed, a seeded random 90% of the users is kept (the seed's only
randomness: the temporal split itself is deterministic); each kept user's last
``--holdout`` interactions by time are the test (`leave_last_out`; test items never seen in
training are set apart), every rating counts as an interaction. Each single generator gets
the same optuna budget (``--trials`` seeded TPE trials over its default search space) on a
validation split carved the same way out of the training part (each user's last
``--holdout`` training interactions), is refitted on the whole training part and ranks the
full catalog, training items excluded. The two-stage model uses the tuned generators as its
candidate sources (plus most_popular) and learns its ranker from the per-user window before
the test (``window = "user"``: each user's last ``--holdout`` training interactions label
the ranker's examples; the generators and features see the rest); it never sees the test
window. Reported: nDCG@10, recall@10, precision@1 averaged over the seeds, the merged
candidates' recall ceiling, fit and inference seconds, and a paired Wilcoxon test (per user,
all seeds pooled) of the best two-stage configuration against the best single generator.

With ``--speed N``, instead: the serving path's throughput on the synthetic dataset with N
users (most_popular and item_knn proposing 100 items each, about 200 merged candidates per
user): candidates, feature assembly and LightGBM ranking in batches of ``--batch`` users
(memory bounded by the batch), the peak resident memory, and LightGBM's training time on
the frame of the ranker's examples.

Run:  RECSTACK_DATASETS=../shared/datasets nice python benchmarks/two_stage.py \
          [--datasets ml-100k ml-latest-small] [--seeds 3] [--trials 10]
      nice python benchmarks/two_stage.py --speed 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.splits import leave_last_out
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult
from recstack.models.registry import create_model, model_class
from recstack.pipeline.candidates import candidate_recall
from recstack.tuning import search

sys.path.insert(0, str(Path(__file__).parent))
from _machine import load_average, peak_rss_mib  # noqa: E402

GENERATORS = ("most_popular", "item_knn", "rp3beta", "ease")
RANKERS: dict[str, dict[str, Any]] = {
    "lightgbm-binary": {"type": "lightgbm", "loss": "binary"},
    "lightgbm-lambdarank": {"type": "lightgbm", "loss": "lambdarank"},
    "logistic": {"type": "logistic"},
}
METRICS = ("ndcg@10", "recall@10", "precision@1")


def users_subset(data: Interactions, seed: int, share: float = 0.9) -> Interactions:
    rng = np.random.default_rng(seed)
    keep = rng.random(data.n_users) < share
    return data.for_users(keep).compact()


def tuned_params(name: str, train: Interactions, trials: int, holdout: int, seed: int
                 ) -> dict[str, Any]:
    space = model_class(name).search_space
    if not space or trials == 0:
        return {}
    inner = leave_last_out(train, holdout)
    best, _, _ = search(name, inner.train, inner.test, space, trials=trials, seed=seed,
                        metric="ndcg@10")
    return best


def timed_evaluation(model: Any, train: Interactions, test: Interactions, label: str
                     ) -> tuple[EvaluationResult, float, float]:
    evaluator = Evaluator(metrics=("ndcg", "recall", "precision"), ks=(1, 10))
    start = time.perf_counter()
    model.fit(train)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    result = evaluator.evaluate(model, train, test, name=label)
    return result, fitted, time.perf_counter() - start


def run_dataset(name: str, root: Path, args: argparse.Namespace) -> pd.DataFrame:
    data = load_movielens(root / name)
    rows: list[dict[str, Any]] = []
    per_user: dict[str, list[EvaluationResult]] = {}
    for seed in range(args.seeds):
        split = leave_last_out(users_subset(data, seed), args.holdout)
        train, test = split.train, split.test
        tuned = {g: tuned_params(g, train, args.trials, args.holdout, seed)
                 for g in GENERATORS}
        print(f"[{name} seed {seed}] tuned: {tuned}", flush=True)
        for g in GENERATORS:
            result, fit_s, eval_s = timed_evaluation(create_model(g, **tuned[g]), train,
                                                     test, g)
            rows.append({"seed": seed, "model": g, **_means(result), "fit_s": fit_s,
                         "eval_s": eval_s, "candidate_recall": np.nan})
            per_user.setdefault(g, []).append(result)
            print(rows[-1], flush=True)
        sources = [{"type": g, **tuned[g]} for g in GENERATORS]
        for label, ranker in RANKERS.items():
            if label not in args.rankers:
                continue
            model = create_model("two_stage", generators=sources, ranker=dict(ranker),
                                 n_candidates=args.candidates, window="user",
                                 user_labels=args.holdout, seed=seed)
            result, fit_s, eval_s = timed_evaluation(model, train, test,
                                                     f"two_stage[{label}]")
            ceiling = candidate_recall(model.candidates(np.unique(test.user_index)), test)
            rows.append({"seed": seed, "model": f"two_stage[{label}]", **_means(result),
                         "fit_s": fit_s, "eval_s": eval_s, "candidate_recall": ceiling})
            per_user.setdefault(f"two_stage[{label}]", []).append(result)
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows).groupby("model", sort=False).mean(numeric_only=True)
    table = table.drop(columns="seed")
    singles = table.loc[list(GENERATORS)]
    stages = table.drop(index=list(GENERATORS))
    best_single = singles["ndcg@10"].idxmax()
    best_stage = stages["ndcg@10"].idxmax()
    print(f"\n## {name}: {args.seeds} seeds, holdout {args.holdout}, {args.trials} trials, "
          f"{args.candidates} candidates per source\n")
    print(table.to_markdown(floatfmt=".4f"))
    for metric in METRICS:
        gain = table.loc[best_stage, metric] / table.loc[best_single, metric] - 1
        test_result = _pooled(per_user[best_stage]).compare(_pooled(per_user[best_single]),
                                                            metric)
        print(f"{best_stage} vs {best_single} on {metric}: {gain:+.1%} ({test_result})")
    return table


def _means(result: EvaluationResult) -> dict[str, float]:
    means = result.means()
    return {m: means[m] for m in METRICS}


def _pooled(results: list[EvaluationResult]) -> EvaluationResult:
    """One result whose users are (seed, user) pairs, for a paired test over all seeds."""
    frames = []
    for seed, result in enumerate(results):
        frame = result.per_user.copy()
        frame.index = [f"{seed}:{u}" for u in frame.index]
        frames.append(frame)
    return EvaluationResult(model=results[0].model, per_user=pd.concat(frames))


def speed(n_users: int, batch: int) -> None:
    from recstack.data.synthetic import generate
    from recstack.pipeline.candidates import generate_candidates, source_names
    from recstack.pipeline.features import FeatureBuilder
    from recstack.pipeline.rankers import create_ranker
    from recstack.pipeline.training_data import make_training_data, user_window

    start = time.perf_counter()
    data = generate(n_users=n_users, n_items=5_000, n_interactions=40 * n_users, seed=0)
    print(f"synthetic {data}: generated in {time.perf_counter() - start:.0f} s", flush=True)

    def generators() -> list[Any]:
        return [create_model("most_popular"), create_model("item_knn", neighbors=100)]

    history, window, cutoff = user_window(data, 5)
    start = time.perf_counter()
    examples = make_training_data(history, window, generators, FeatureBuilder(),
                                  cutoff=cutoff, n_candidates=100, negatives="uniform",
                                  negative_rate=0.2)
    print(f"ranker examples: {len(examples.labels):,} rows x "
          f"{len(examples.frame.schema.names)} features in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    ranker = create_ranker("lightgbm", loss="binary").fit(examples.frame, examples.labels)
    print(f"LightGBM training (300 trees): {time.perf_counter() - start:.1f} s", flush=True)
    serving = generators()
    for generator in serving:
        generator.fit(data)
    builder = FeatureBuilder().fit(data, source_names(serving), 100)
    state = builder.statistics(data, int(data.timestamp.max()) + 1)
    users = np.arange(data.n_users)
    seen = data.to_csr()
    seconds = {"candidates": 0.0, "features": 0.0, "ranking": 0.0}
    rows = 0
    for first in range(0, len(users), batch):
        chunk = users[first:first + batch]
        t0 = time.perf_counter()
        candidates = generate_candidates(serving, chunk, 100, exclude=seen,
                                         sources=builder.sources_)
        t1 = time.perf_counter()
        frame = builder.build(candidates, state)
        t2 = time.perf_counter()
        ranker.score(frame)
        t3 = time.perf_counter()
        seconds["candidates"] += t1 - t0
        seconds["features"] += t2 - t1
        seconds["ranking"] += t3 - t2
        rows += len(candidates)
    total = sum(seconds.values())
    print(f"serving {len(users):,} users, {rows / len(users):.0f} candidates each, batches of "
          f"{batch:,}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
          + f"; {len(users) / total:,.0f} users/s, {rows / total:,.0f} rows/s; peak RSS "
          f"{peak_rss_mib():.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["ml-100k"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--holdout", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--rankers", nargs="+", default=list(RANKERS))
    parser.add_argument("--speed", type=int, default=0, help="users of the speed run")
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    root = Path(os.environ.get("RECSTACK_DATASETS", "../shared/datasets"))
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, load {load_average()}")
    if args.speed:
        speed(args.speed, args.batch)
        return
    for name in args.datasets:
        start = time.perf_counter()
        run_dataset(name, root, args)
        print(f"{name}: {time.perf_counter() - start:.0f} s, peak RSS {peak_rss_mib():.0f} "
              "MiB", flush=True)


if __name__ == "__main__":
    main()
