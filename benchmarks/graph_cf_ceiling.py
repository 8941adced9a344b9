"""How far a blend of recstack's models, or ALS alone, could go on the graph-CF splits if the
TEST file chose for it: a ceiling, never a result.

The table of ``graph_cf.py`` chooses everything on ``valid.txt``. This diagnostic answers a
different question: is the issue's target (the best entry 2% above EASE and `implicit`'s
tuned ALS) within reach of these model families at all, whatever the validation file says?

1. Every blend member (ALS, iALS, EASE, RP3beta, BSPM, item-kNN, LightGCN++, with the
   parameters of ``--tuned``) is fitted on train + valid and scores the full catalog for
   every test user, z-scored per user as the blend does (:class:`recstack.models.blend.Blend`).
2. **Blend ceiling.** Coordinate ascent over the blend weights, each member's weight in turn
   on a grid (:data:`WEIGHT_GRID`) with the others fixed, ``--rounds`` rounds, starting from
   the best single member, maximising recall@20 (then, separately, nDCG@20) ON THE TEST
   FILE. Coordinate ascent finds a local optimum: the figure is what a search of the kind
   the blend runs reaches with the test file as its guide.
3. **ALS ceiling** (``--als-grid``): recstack's ALS refit on train + valid for every point
   of a grid of factors x regularisation x alpha, each scored on the test file.

Metrics as ``graph_cf.py``: full-catalog ranking, train and valid items masked,
recall@20 over all of the user's test items, binary nDCG@20 with the ideal over
min(test items, 20), averaged over test users.

Run:  RECSTACK_DATASETS=../shared/datasets OMP_NUM_THREADS=1 nice python
      benchmarks/graph_cf_ceiling.py --dataset lastfm --tuned benchmarks/graph_cf_tuned.json
      [--als-grid] [--rounds 3] [--members als ials ...] [--params ials '{"factors": 256}']
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recstack.data.adjacency import load_adjacency_splits
from recstack.models.registry import create_model
from recstack.topk import top_k

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import DATASETS_ROOT_HELP, datasets_root, require_datasets  # noqa: E402

K = 20
MEMBERS = ("als", "ials", "ease", "rp3beta", "bspm", "item_knn", "lightgcn_pp")
#: a member's weight relative to the others (the ranking depends only on ratios)
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)
ALS_GRID = {"factors": (128, 234, 512), "regularization": (10.0, 30.0, 68.0, 150.0),
            "alpha": (8.0, 12.0, 18.0, 25.0)}


class TestScorer:
    """Recall@20 and nDCG@20 of full-catalog score rows for the test users."""

    def __init__(self, seen: sp.csr_matrix, truth: sp.csr_matrix) -> None:
        self.users = np.flatnonzero(np.diff(truth.indptr))
        self.seen = seen[self.users].toarray() > 0
        self.truth = truth[self.users].toarray() > 0
        self.n_relevant = self.truth.sum(axis=1)
        self.discount = 1.0 / np.log2(np.arange(2, K + 2))
        self.ideal = np.cumsum(self.discount)[np.minimum(self.n_relevant, K) - 1]

    def __call__(self, scores: np.ndarray) -> tuple[float, float]:
        masked = np.where(self.seen, -np.inf, scores)
        top, _ = top_k(masked, K)
        hits = np.take_along_axis(self.truth, top, axis=1)
        recall = hits.sum(axis=1) / self.n_relevant
        ndcg = (hits * self.discount).sum(axis=1) / self.ideal
        return float(recall.mean()), float(ndcg.mean())


def zscored(scores: np.ndarray) -> np.ndarray:
    scores = scores.astype(np.float32)
    spread = scores.std(axis=1, keepdims=True)
    return (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)


def blend_ceiling(parts: list[np.ndarray], score: TestScorer, metric: int, rounds: int
                  ) -> tuple[tuple[float, float], np.ndarray]:
    singles = [score(p) for p in parts]
    weights = np.zeros(len(parts))
    weights[int(np.argmax([s[metric] for s in singles]))] = 1.0
    best = singles[int(np.argmax([s[metric] for s in singles]))]
    for _ in range(rounds):
        improved = False
        for member, value in itertools.product(range(len(parts)), WEIGHT_GRID):
            trial = weights.copy()
            trial[member] = value
            if not trial.any() or np.array_equal(trial, weights):
                continue
            outcome = score(sum(w * p for w, p in zip(trial, parts, strict=True) if w))
            if outcome[metric] > best[metric]:
                best, weights, improved = outcome, trial, True
        if not improved:
            break
    return best, weights / weights.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True,
                        help="folder under lightgcn-splits/ in the datasets folder "
                             f"({DATASETS_ROOT_HELP})")
    parser.add_argument("--tuned", type=Path, required=True,
                        help="JSON rows with dataset, model and params (graph_cf.py --json)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--als-grid", action="store_true",
                        help="also refit ALS on a grid of its parameters, scored on test")
    parser.add_argument("--members", nargs="+", choices=MEMBERS, default=list(MEMBERS),
                        help="the blend members (default: all)")
    parser.add_argument("--params", nargs=2, action="append", default=[],
                        metavar=("MODEL", "JSON"),
                        help="a member's parameters instead of --tuned's, e.g. ials "
                             "'{\"factors\": 256}' (repeatable)")
    args = parser.parse_args()
    root = datasets_root()
    require_datasets(root, [f"lightgcn-splits/{args.dataset}"], containing="train.txt")
    splits = load_adjacency_splits(root / "lightgcn-splits" / args.dataset)
    train = splits.refit_train()
    shape = (len(train.users), len(train.items))
    seen = sp.csr_matrix((np.ones(len(train.user_index)), (train.user_index,
                                                           train.item_index)), shape=shape)
    test = splits.test
    truth = sp.csr_matrix((np.ones(len(test.user_index)), (test.user_index,
                                                          test.item_index)), shape=shape)
    score = TestScorer(seen, truth)
    tuned = {row["model"]: row["params"]
             for row in json.loads(args.tuned.read_text(encoding="utf-8"))
             if row["dataset"] == args.dataset}
    for name, params in args.params:
        try:
            tuned[name] = json.loads(params)
        except json.JSONDecodeError as error:
            parser.error(f"--params {name}: not JSON ({error})")
        if name not in args.members or not isinstance(tuned[name], dict):
            parser.error(f"--params {name}: expected one of --members and a JSON object")
    started = time.perf_counter()
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; command: {' '.join(sys.argv)}", "",
             f"| {args.dataset} | recall@{K} | nDCG@{K} | weights (test-chosen) |",
             "|---|---:|---:|---|"]
    parts = []
    for name in args.members:
        model = create_model(name, **tuned.get(name, {})).fit(train)
        parts.append(zscored(model.score_users(score.users)))
        recall, ndcg = score(parts[-1])
        lines.append(f"| {name} alone | {recall:.4f} | {ndcg:.4f} | |")
        print(f"  {name}: {recall:.4f} / {ndcg:.4f}", file=sys.stderr)
    for metric, label in enumerate(("recall", "nDCG")):
        (recall, ndcg), weights = blend_ceiling(parts, score, metric, args.rounds)
        shown = ", ".join(f"{n} {w:.3g}" for n, w in zip(args.members, weights, strict=True) if w)
        lines.append(f"| blend, weights chosen on test for {label}@{K} | {recall:.4f} | "
                     f"{ndcg:.4f} | {shown} |")
        print(lines[-1], file=sys.stderr)
    if args.als_grid:
        results = []
        for values in itertools.product(*ALS_GRID.values()):
            params = dict(zip(ALS_GRID, values, strict=True))
            model = create_model("als", **params).fit(train)
            results.append((score(model.score_users(score.users)), params))
        for metric, label in enumerate(("recall", "nDCG")):
            (recall, ndcg), params = max(results, key=lambda r: r[0][metric])
            lines.append(f"| ALS, parameters chosen on test for {label}@{K} "
                         f"({len(results)}-point grid) | {recall:.4f} | {ndcg:.4f} | "
                         f"{params} |")
            print(lines[-1], file=sys.stderr)
    lines.append("")
    lines.append(f"{time.perf_counter() - started:.0f} s in all")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
