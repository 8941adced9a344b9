"""Accuracy of recstack's candidate generators on real MovieLens data, under one protocol,
beside the `implicit` library's own ALS and BPR given the same tuning budget.

Protocol ("holdout"): MovieLens 100K and latest-small; positives are all rated items, or
only ratings >= 4 (`--positives`); every positive counts 1 (implicit feedback); a seeded
80/20 per-user random holdout (`random_split(data, 0.2, seed=0)`); each tunable model gets
the same optuna budget (`--trials`, seeded TPE) on a validation split carved out of the
training part (`random_split(train, 0.2, seed=1)`), is refitted on the whole training part
with the best parameters, and ranked over the full catalog with training items excluded.

Also, with `--recbole`, RecBole's quick-start protocol for BPR on MovieLens 100K (all
ratings as positives, seeded per-user random 80/10/10 split, full ranking), and with
`--surprise`, the explicit factorisation's RMSE under 5-fold cross-validation on 100K.

Run:  RECSTACK_DATASETS=../shared/datasets python benchmarks/accuracy.py [--trials 10]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import time
from typing import Any

import numpy as np
from _machine import DATASETS_ROOT_HELP, datasets_root, require_datasets

from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.splits import kfold_split, random_split
from recstack.evaluation.evaluator import Evaluator
from recstack.models.base import Param, Recommender
from recstack.models.registry import create_model, register
from recstack.progress import Progress
from recstack.tuning import search

METRICS = ("ndcg", "recall", "hit_rate", "map")
K = 10

INT = "int"
FLOAT = "float"
SPACES: dict[str, dict[str, dict[str, Any]]] = {
    "most_popular": {},
    "item_knn": {"neighbors": {"type": INT, "low": 10, "high": 1000, "log": True},
                 "shrink": {"type": FLOAT, "low": 0.0, "high": 200.0},
                 "similarity": {"type": "categorical", "choices": ["cosine", "jaccard", "lift"]}},
    "ease": {"regularization": {"type": FLOAT, "low": 1.0, "high": 5000.0, "log": True}},
    "content": {"popularity_weight": {"type": FLOAT, "low": 0.0, "high": 4.0},
                "binary": {"type": "categorical", "choices": [True, False]}},
    "als": {"factors": {"type": INT, "low": 16, "high": 256, "log": True},
            "regularization": {"type": FLOAT, "low": 1e-3, "high": 50.0, "log": True},
            "alpha": {"type": FLOAT, "low": 0.0, "high": 20.0}},
    "bpr": {"factors": {"type": INT, "low": 16, "high": 256, "log": True},
            "learning_rate": {"type": FLOAT, "low": 1e-3, "high": 0.2, "log": True},
            "regularization": {"type": FLOAT, "low": 1e-5, "high": 0.1, "log": True}},
}
# The implicit library's models get the same spaces and budget. Its ALS takes the
# confidence of a positive as alpha * r where recstack's takes 1 + alpha * r, so on 0/1
# data its alpha range is recstack's shifted by one: both searches then propose the same
# confidences, and the seeded sampler sees the same trials (alpha is searched on a linear
# scale because a log scale does not survive the shift).
SPACES["implicit_als"] = SPACES["als"] | {"alpha": {"type": FLOAT, "low": 1.0, "high": 21.0}}
SPACES["implicit_bpr"] = SPACES["bpr"]
FIXED: dict[str, dict[str, Any]] = {
    "als": {"iterations": 15}, "implicit_als": {"iterations": 15},
    "bpr": {"epochs": 100}, "implicit_bpr": {"epochs": 100},
}


class _ImplicitReference(Recommender):
    """The `implicit` library's own model, scored as factors dot products (benchmark only)."""

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self.user_factors_[user_indices] @ self.item_factors_.T

    def _fit_implicit(self, model: Any, train: Interactions) -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):
            model.fit(train.to_csr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, np.float32)
        self.item_factors_ = np.asarray(model.item_factors, np.float32)


@register
class ImplicitALS(_ImplicitReference):
    name = "implicit_als"
    params = {"factors": Param(int, low=1), "regularization": Param((int, float), low=0),
              "alpha": Param((int, float), low=0), "iterations": Param(int, low=1)}

    def __init__(self, *, factors: int = 64, regularization: float = 0.01, alpha: float = 1.0,
                 iterations: int = 15) -> None:
        self.factors, self.regularization = factors, regularization
        self.alpha, self.iterations = alpha, iterations

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        from implicit.cpu.als import AlternatingLeastSquares

        self._fit_implicit(AlternatingLeastSquares(
            factors=self.factors, regularization=self.regularization, alpha=self.alpha,
            iterations=self.iterations, random_state=0), train)


@register
class ImplicitBPR(_ImplicitReference):
    name = "implicit_bpr"
    params = {"factors": Param(int, low=1), "learning_rate": Param(float, low=0),
              "regularization": Param((int, float), low=0), "epochs": Param(int, low=1)}

    def __init__(self, *, factors: int = 64, learning_rate: float = 0.01,
                 regularization: float = 0.01, epochs: int = 100) -> None:
        self.factors, self.learning_rate = factors, learning_rate
        self.regularization, self.epochs = regularization, epochs

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        self._fit_implicit(BayesianPersonalizedRanking(
            factors=self.factors, learning_rate=self.learning_rate,
            regularization=self.regularization, iterations=self.epochs, random_state=0),
            train)


def holdout(dataset: str, positives: str, models: list[str], trials: int,
            search_seed: int = 0) -> list[dict]:
    data = load_movielens(datasets_root() / dataset)
    threshold = None if positives == "all" else float(positives)
    implicit = data.implicit(threshold=threshold).compact()
    split = random_split(implicit, 0.2, seed=0)
    inner = random_split(split.train, 0.2, seed=1)
    evaluator = Evaluator(metrics=METRICS, ks=(K,))
    rows = []
    for name in models:
        started = time.perf_counter()
        params = dict(FIXED.get(name, {}))
        trials_run: list[dict] = []
        if SPACES.get(name):
            params, _, trials_run = search(name, inner.train, inner.test, SPACES[name],
                                  base_params=params, metric=f"ndcg@{K}", trials=trials,
                                  seed=search_seed)
        model = create_model(name, **params).fit(split.train)
        result = evaluator.evaluate(model, split.train, split.test, name=name)
        summary = result.summary()
        rows.append({"dataset": dataset, "positives": positives, "model": name,
                     "search_seed": search_seed,
                     **{m: summary[f"{m}@{K}"].mean for m in METRICS},
                     "ndcg_ci": (summary[f"ndcg@{K}"].ci_low, summary[f"ndcg@{K}"].ci_high),
                     "params": {k: (round(v, 5) if isinstance(v, float) else v)
                                for k, v in params.items()},
                     "seconds": time.perf_counter() - started, "result": result,
                     "trial_values": [t["value"] for t in trials_run]})
        print(f"  {dataset} {positives} {name}: ndcg@{K}={rows[-1]['ndcg']:.4f} "
              f"({rows[-1]['seconds']:.0f} s)", file=sys.stderr)
    return rows


def recbole_bpr(split_seed: int, model_seed: int) -> dict[str, float]:
    """RecBole's quick-start protocol on MovieLens 100K: every rating is a positive, a seeded
    per-user 80/10/10 random split, full ranking; BPR (default parameters) early-stops on
    validation nDCG@10 of the 10% validation part; test ranking masks train and validation."""
    data = load_movielens(datasets_root() / "ml-100k").implicit()
    outer = random_split(data, 0.1, seed=split_seed)  # test: 10% of each user's rows
    inner = random_split(outer.train, 1 / 9, seed=split_seed)  # validation: 10% of the total
    model = create_model("bpr", seed=model_seed).fit(inner.train, validation=inner.test)
    result = Evaluator(metrics=("recall", "ndcg"), ks=(10,)).evaluate(
        model, outer.train, outer.test)
    return {"recall@10": result.means()["recall@10"], "ndcg@10": result.means()["ndcg@10"]}


def surprise_rmse(params: dict[str, Any]) -> list[dict[str, float]]:
    """5-fold cross-validation over all ratings, as in Surprise's published table."""
    from recstack.evaluation.pointwise import evaluate_ratings

    data = load_movielens(datasets_root() / "ml-100k")
    folds = []
    for split in kfold_split(data, 5, stratify=None, seed=0):
        started = time.perf_counter()
        model = create_model("mf", **params).fit(split.train)
        errors = evaluate_ratings(model, split.test, metrics=("rmse", "mae"))
        folds.append(errors | {"seconds": time.perf_counter() - started,
                               "set_apart": split.report.set_apart_rows})
    return folds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["ml-100k", "ml-latest-small"],
                        help=f"MovieLens folders in the datasets folder ({DATASETS_ROOT_HELP})")
    parser.add_argument("--positives", nargs="+", default=["all", "4"],
                        help="'all' rated items, or a minimum rating such as 4")
    parser.add_argument("--models", nargs="*", default=list(SPACES),
                        help="models for the holdout table (none: skip it)")
    parser.add_argument("--trials", type=int, default=10, help="optuna trials per model")
    parser.add_argument("--search-seeds", type=int, nargs="+", default=[0],
                        help="run every search once per sampler seed")
    parser.add_argument("--recbole", action="store_true")
    parser.add_argument("--surprise", action="store_true")
    args = parser.parse_args()
    read = (args.datasets if args.models else []) + (
        ["ml-100k"] if args.recbole or args.surprise else [])
    require_datasets(datasets_root(), list(dict.fromkeys(read)))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; command: {' '.join(sys.argv)}\n")
    if args.recbole:
        print("RecBole protocol, BPR with default parameters on ML-100K (published band: "
              "recall@10 0.237-0.252, nDCG@10 0.277-0.292):\n")
        print("| split seed | model seed | recall@10 | nDCG@10 |\n|---|---|---|---|")
        runs = []
        for split_seed in (2020, 1, 2, 3, 4):
            for model_seed in (0, 1, 2):
                runs.append(recbole_bpr(split_seed, model_seed))
                print(f"| {split_seed} | {model_seed} | {runs[-1]['recall@10']:.4f} | "
                      f"{runs[-1]['ndcg@10']:.4f} |")
        recall = np.array([r["recall@10"] for r in runs])
        ndcg = np.array([r["ndcg@10"] for r in runs])
        print(f"| mean of {len(runs)} | | {recall.mean():.4f} | {ndcg.mean():.4f} |")
        print(f"| range | | {recall.min():.4f}-{recall.max():.4f} | "
              f"{ndcg.min():.4f}-{ndcg.max():.4f} |\n")
    if args.surprise:
        folds = surprise_rmse({})
        rmse = np.mean([f["rmse"] for f in folds])
        print("Surprise protocol, mf with default parameters on ML-100K: RMSE per fold "
              + ", ".join(f"{f['rmse']:.4f}" for f in folds)
              + f"; mean {rmse:.4f} (Surprise SVD 0.934, SVD++ 0.919); MAE mean "
              f"{np.mean([f['mae'] for f in folds]):.4f}\n")
    if not args.models:
        return
    print(f"Holdout protocol, {args.trials} tuning trials per tunable model "
          f"(nDCG@{K} with its 95% CI):\n")
    print(f"| dataset | positives | search seed | model | nDCG@{K} | recall@{K} | HR@{K} | "
          f"MAP@{K} | tuned parameters | time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for dataset, positives, search_seed in itertools.product(
            args.datasets, args.positives, args.search_seeds):
        rows = holdout(dataset, positives, args.models, args.trials, search_seed)
        popular = next((r for r in rows if r["model"] == "most_popular"), None)
        for r in rows:
            low, high = r["ndcg_ci"]
            mark = "" if popular is None or r is popular else (
                " (beats popular)" if r["ndcg"] > popular["ndcg"] else " (BELOW popular)")
            print(f"| {dataset} | {positives} | {search_seed} | {r['model']} | "
                  f"{r['ndcg']:.4f} [{low:.4f}, {high:.4f}]{mark} | {r['recall']:.4f} | "
                  f"{r['hit_rate']:.4f} | {r['map']:.4f} | {r['params']} | "
                  f"{r['seconds']:.0f} |")
        by_model = {r["model"]: r["trial_values"] for r in rows}
        if "als" in by_model and "implicit_als" in by_model:
            gaps = np.abs(np.subtract(by_model["als"], by_model["implicit_als"]))
            print(f"|  | ALS vs implicit ALS, validation nDCG@{K} trial by trial: "
                  f"{int((gaps < 1e-6).sum())} of {len(gaps)} equal to 1e-6, largest gap "
                  f"{gaps.max():.1e} | | | | | | | | |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
