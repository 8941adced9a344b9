"""Calibrating a ranker trained with downsampled negatives: ECE, log loss, NCE, AUC and the
calibration ratio before and after each calibrator, on MovieLens 100K.

Protocol: each user's last 5 ratings by time are the label window (``leave_last_out``);
EASE (regularization 500) fitted on the rest proposes each user's 50 best unseen items,
labelled 1 when the user rated the item in the window. Users are split at random (seed 0)
into three disjoint groups: the ranker's (50%), the calibrators' (25%) and the test's
(25%), so that no calibrator is fitted on the ranker's training examples and nothing is
measured on what it was fitted on. The ranker is a LightGBM binary classifier (100 trees,
31 leaves) over six features (EASE score, EASE rank, log item popularity, log user
activity, cosine of the item's genres with the user's history genres, release year),
trained on all positives and a uniform ``--rate`` of the negatives (default 5%), so its
probabilities are on the downsampled scale. Calibrators: Platt (on Platt's smoothed
targets, the default, and on the 0/1 labels, ``targets="labels"``) and temperature scaling on
the ranker's logit, isotonic regression and histogram binning (15 quantile bins) on its
probability, and the downsampling correction q = p / (p + (1 - p) / w) (nothing fitted).
Per-segment ECE (user activity and item popularity buckets) for the raw and the isotonic
probabilities.

Run:  RECSTACK_DATASETS=../shared/datasets OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      nice python benchmarks/calibration.py [--rate 0.05]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from recstack.data.movielens import load_movielens
from recstack.data.splits import leave_last_out
from recstack.metrics.beyond_accuracy import item_user_counts
from recstack.metrics.classification import (
    calibration_ratio,
    expected_calibration_error,
    log_loss,
    normalized_cross_entropy,
    roc_auc,
)
from recstack.metrics.lists import history_genre_distribution, item_genre_shares
from recstack.models.registry import create_model
from recstack.pipeline.calibration import (
    DownsamplingCorrection,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    activity_buckets,
    calibration_by_segment,
)
from recstack.pipeline.rerank.base import item_column, multi_hot
from recstack.topk import mask_rows, top_k

sys.path.insert(0, str(Path(__file__).parent))
from _machine import datasets_root, load_average, require_datasets  # noqa: E402

N_CANDIDATES = 50


def examples(root: Path) -> dict[str, np.ndarray]:
    data = load_movielens(root / "ml-100k")
    split = leave_last_out(data, 5)
    history, window = split.train, split.test
    ease = create_model("ease", regularization=500.0).fit(history)
    users = np.arange(history.n_users)
    scores = np.array(ease.score_users(users), dtype=np.float64)
    mask_rows(scores, history.to_csr())
    top, values = top_k(scores, N_CANDIDATES)
    rows = np.repeat(users, N_CANDIDATES)
    items = top.ravel()
    label_matrix = window.to_csr()
    labels = (np.asarray(label_matrix[rows, items]).ravel() > 0).astype(np.float64)
    item_count = item_user_counts(history.to_csr())
    user_count = np.diff(history.to_csr().indptr)
    genres, _ = multi_hot(item_column(history, "genres", "benchmark"), "benchmark")
    user_genres = history_genre_distribution(history.to_csr(), genres)
    shares = item_genre_shares(genres)
    item_vec, user_vec = shares[items], user_genres[rows]
    denominator = np.linalg.norm(item_vec, axis=1) * np.linalg.norm(user_vec, axis=1)
    match = np.divide((item_vec * user_vec).sum(axis=1), denominator,
                      out=np.zeros(len(rows)), where=denominator > 0)
    year = item_column(history, "year", "benchmark").astype("float64").fillna(1990.0)
    features = np.column_stack([
        values.ravel(), np.tile(np.arange(N_CANDIDATES), history.n_users),
        np.log1p(item_count[items]), np.log1p(user_count[rows]), match,
        year.to_numpy()[items]])
    return {"features": features, "labels": labels, "users": rows, "items": items,
            "user_count": user_count[rows], "item_count": item_count[items],
            "n_users": np.array(history.n_users)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.05)
    args = parser.parse_args()
    root = datasets_root()
    require_datasets(root, ["ml-100k"])
    import lightgbm as lgb

    began = time.perf_counter()
    ex = examples(root)
    rng = np.random.default_rng(0)
    group = rng.choice(3, size=int(ex["n_users"]), p=[0.5, 0.25, 0.25])[ex["users"]]
    fit_rows = np.flatnonzero(group == 0)
    positive = ex["labels"][fit_rows] > 0
    kept = fit_rows[positive | (rng.random(len(fit_rows)) < args.rate)]
    booster = lgb.train({"objective": "binary", "num_leaves": 31, "learning_rate": 0.05,
                         "verbose": -1, "seed": 0, "num_threads": 1},
                        lgb.Dataset(ex["features"][kept], ex["labels"][kept]),
                        num_boost_round=100)
    cal, test = np.flatnonzero(group == 1), np.flatnonzero(group == 2)
    logit = booster.predict(ex["features"], raw_score=True)
    prob = 1.0 / (1.0 + np.exp(-logit))
    y = ex["labels"]
    outputs = {"raw (downsampled scale)": prob[test]}
    fitted = {
        "Platt (logit)": PlattCalibrator().fit(logit[cal], y[cal]).predict(logit[test]),
        "Platt, 0/1 labels as targets (logit)": PlattCalibrator(targets="labels").fit(
            logit[cal], y[cal]).predict(logit[test]),
        "temperature (logit)": TemperatureCalibrator().fit(logit[cal], y[cal]).predict(
            logit[test]),
        "isotonic (probability)": IsotonicCalibrator().fit(prob[cal], y[cal]).predict(
            prob[test]),
        "histogram, 15 bins (probability)": HistogramCalibrator(n_bins=15).fit(
            prob[cal], y[cal]).predict(prob[test]),
        f"downsampling correction (w = {args.rate})": DownsamplingCorrection(
            rate=args.rate).fit().predict(prob[test]),
    }
    outputs.update(fitted)
    seconds = time.perf_counter() - began
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, load {load_average()}",
             "", f"Examples: {len(y):,} (user, candidate) pairs, base rate {y.mean():.4f}; "
             f"ranker trained on {len(kept):,} rows ({len(fit_rows):,} before keeping "
             f"{args.rate:.0%} of negatives), calibrators on {len(cal):,}, measured on "
             f"{len(test):,}; {seconds:.1f} s in all.", "",
             "| probabilities | ECE | log loss | NCE | AUC | calibration ratio |",
             "|---|---|---|---|---|---|"]
    for name, p in outputs.items():
        lines.append(f"| {name} | {expected_calibration_error(y[test], p):.4f} | "
                     f"{log_loss(y[test], p):.4f} | "
                     f"{normalized_cross_entropy(y[test], p):.4f} | "
                     f"{roc_auc(y[test], p):.4f} | {calibration_ratio(y[test], p):.3f} |")
    lines += ["", "ECE per segment (test users):", "",
              "| segment | value | n | positives | ECE raw | ECE isotonic | ratio raw | "
              "ratio isotonic |", "|---|---|---|---|---|---|---|---|"]
    segments = {"user activity": activity_buckets(ex["user_count"][test], (20, 50, 150)),
                "item popularity": activity_buckets(ex["item_count"][test], (20, 100, 250))}
    raw = calibration_by_segment(y[test], prob[test], segments)
    iso = calibration_by_segment(y[test], fitted["isotonic (probability)"], segments)
    for (_, a), (_, b) in zip(raw.iterrows(), iso.iterrows(), strict=True):
        lines.append(f"| {a['segment']} | {a['value']} | {a['n']} | {a['positives']} | "
                     f"{a['ece']:.4f} | {b['ece']:.4f} | {a['calibration_ratio']:.2f} | "
                     f"{b['calibration_ratio']:.2f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
