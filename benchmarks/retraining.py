"""Retraining strategies on drifting data: accuracy on each next month, and their cost.

The synthetic generator (``recstack.data.synthetic``) with strong taste drift
(``drift=0.8``) over 12 months. For each evaluation month ``t`` (the last ``--eval``
months), every strategy trains on months before ``t`` and is evaluated on month ``t`` as
the pipeline's gate evaluates (:func:`recstack.ops.gate.holdout_metric`: full catalog,
the training window's and the model's own items excluded, users the model knows):

- ``expanding``: ALS retrained from scratch on every earlier month;
- ``sliding-3``: ALS retrained from scratch on the last 3 months;
- ``warm-expanding``: ALS on every earlier month, started from last month's factors
  (:meth:`recstack.models.als.ALS.fit_from`, the pipeline's ``[training] warm_start``)
  with ``--warm-iterations`` sweeps instead of ``--iterations``;
- ``fold-in-2``: ALS on every earlier month retrained from scratch every other
  evaluation month; in between, the last retrained model with the new users and items of
  the window folded in, no training (:func:`recstack.ops.fold_in.fold_in_model`, the
  pipeline's ``[training] fold_in_between = 1``);
- ``bpr-expanding``: BPR retrained from scratch (``--bpr-epochs``) on every earlier month;
- ``bpr-warm-expanding``: BPR on every earlier month, started from last month's BPR
  (:meth:`recstack.models.bpr.BPR.fit_from`) with ``--bpr-warm-epochs`` epochs;
- ``lightgcn-expanding``: LightGCN (a torch model) retrained from scratch
  (``--lightgcn-epochs``; ``0`` leaves both LightGCN strategies out) on every earlier month;
- ``lightgcn-warm-expanding``: LightGCN started from last month's layer-0 embeddings
  (:meth:`recstack.models.lightgcn.LightGCN.fit_from`) with ``--lightgcn-warm-epochs``;
- ``stale``: the expanding model of the first evaluation month, never retrained;
- ``popular-1``: the most popular items of the last month (a baseline).

Every model is evaluated on the users it knows (a fold-in model knows last month's new
users, a stale one does not). Prints a markdown table (nDCG@10 per month, mean, and per
retrain the wall-clock and the process CPU seconds: the CPU time is the figure to compare
on a loaded machine). Run ``python benchmarks/retraining.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from typing import Any

import numpy as np
import pandas as pd
from _machine import load_average


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=6000)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--interactions", type=int, default=300_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--eval", type=int, default=5, help="evaluation months (the last)")
    parser.add_argument("--drift", type=float, default=0.8)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--warm-iterations", type=int, default=3)
    parser.add_argument("--bpr-epochs", type=int, default=100)
    parser.add_argument("--bpr-warm-epochs", type=int, default=15)
    parser.add_argument("--bpr-learning-rate", type=float, default=0.05)
    parser.add_argument("--lightgcn-epochs", type=int, default=40)
    parser.add_argument("--lightgcn-warm-epochs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from recstack.data.synthetic import generate
    from recstack.models.registry import create_model
    from recstack.ops.gate import holdout_metric

    data = generate(n_users=args.users, n_items=args.items, n_interactions=args.interactions,
                    months=args.months, drift=args.drift, seed=args.seed).sort_by_time()
    starts = pd.date_range("2019-01-01", periods=args.months + 1, freq="MS", tz="UTC")
    bounds = np.array([int(moment.timestamp()) for moment in starts])
    month = np.searchsorted(bounds, data.timestamp, side="right") - 1
    als = {"factors": args.factors, "regularization": 30.0, "alpha": 3.0,
           "num_threads": args.threads, "seed": args.seed}

    def rows(first: int, stop: int) -> Any:
        return data.select(np.flatnonzero((month >= first) & (month < stop)))

    bpr = {"factors": args.factors, "learning_rate": args.bpr_learning_rate,
           "seed": args.seed}

    # larger batches than the paper's 2,048 and a larger step: every batch propagates the
    # whole graph, so this keeps a CPU epoch to seconds
    lightgcn = {"dim": args.factors, "batch_size": 8192, "learning_rate": 0.005,
                "seed": args.seed}

    def timed(function: Any, *arguments: Any) -> tuple[Any, tuple[float, float]]:
        """``function(*arguments)`` and its (wall, process CPU) seconds."""
        wall, cpu = time.perf_counter(), time.process_time()
        model = function(*arguments)
        return model, (time.perf_counter() - wall, time.process_time() - cpu)

    def full(train: Any) -> tuple[Any, tuple[float, float]]:
        return timed(create_model("als", **als, iterations=args.iterations).fit,
                     train.compact())

    results: dict[str, dict[int, float]] = {}
    costs: dict[str, list[tuple[float, float]]] = {}

    def record(name: str, t: int, model: Any, train: Any,
               seconds: tuple[float, float] | None) -> None:
        values = holdout_metric(model, train, rows(t, t + 1), metric="ndcg", k=10,
                                relevance_threshold=4.0)
        results.setdefault(name, {})[t] = float(values.mean())
        if seconds is not None:
            costs.setdefault(name, []).append(seconds)

    def full_and_warm(name: str, params: dict[str, Any], epochs: int, warm_epochs: int,
                      previous: Any, t: int, train: Any) -> Any:
        """Month ``t``'s full retrain of ``name`` and its warm start from ``previous`` (last
        month's warm model; None: the first month, which starts from the full retrain),
        both recorded; returns the warm model."""
        full_model, seconds = timed(create_model(name, **params, epochs=epochs).fit,
                                    train.compact())
        record(f"{name}-expanding", t, full_model, train, seconds)
        if previous is None:
            warm_model, seconds = full_model, None
        else:
            warm_model, seconds = timed(
                create_model(name, **params, epochs=warm_epochs).fit_from, previous,
                train.compact())
        record(f"{name}-warm-expanding", t, warm_model, train, seconds)
        return warm_model

    from recstack.ops.fold_in import fold_in_model

    first_eval = args.months - args.eval
    stale = warm = retrained = bpr_warm = lightgcn_warm = None
    for t in range(first_eval, args.months):
        train = rows(0, t)
        model, seconds = full(train)
        record("expanding", t, model, train, seconds)
        if stale is None:
            stale = model
        record("stale", t, stale, train, None)
        window = rows(t - 3, t)
        sliding, seconds = full(window)
        record("sliding-3", t, sliding, window, seconds)
        if warm is None:
            warm, seconds = model, None  # the first month starts from a full retrain
        else:
            warm, seconds = timed(create_model("als", **als,
                                               iterations=args.warm_iterations).fit_from,
                                  warm, train.compact())
        record("warm-expanding", t, warm, train, seconds)
        if (t - first_eval) % 2 == 0:
            retrained = model  # this month's full retrain (timed above, as expanding)
            record("fold-in-2", t, model, train, None)
        else:
            folded, seconds = timed(fold_in_model, retrained, train.compact())
            record("fold-in-2", t, folded, train, seconds)
        bpr_warm = full_and_warm("bpr", bpr, args.bpr_epochs, args.bpr_warm_epochs, bpr_warm,
                                 t, train)
        if args.lightgcn_epochs > 0:
            lightgcn_warm = full_and_warm("lightgcn", lightgcn, args.lightgcn_epochs,
                                          args.lightgcn_warm_epochs, lightgcn_warm, t, train)
        last = rows(t - 1, t)
        popular, seconds = timed(create_model("most_popular").fit, last.compact())
        record("popular-1", t, popular, last, seconds)

    months = list(range(first_eval, args.months))
    print(f"recstack retraining benchmark: {args.users:,} users, {args.items:,} items, "
          f"{args.interactions:,} interactions over {args.months} months, drift "
          f"{args.drift}; ALS {args.factors} factors, {args.iterations} iterations (warm: "
          f"{args.warm_iterations}), {args.threads} threads; BPR {args.factors} factors, "
          f"step {args.bpr_learning_rate}, {args.bpr_epochs} epochs at most (warm: "
          f"{args.bpr_warm_epochs}), one thread; LightGCN {args.factors} dimensions, batch "
          f"8192, step 0.005, {args.lightgcn_epochs} epochs (warm: "
          f"{args.lightgcn_warm_epochs})")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {load_average()}\n")
    header = " | ".join(f"month {t + 1}" for t in months)
    print(f"| strategy | {header} | mean nDCG@10 | wall s per retrain | CPU s per retrain |")
    print("|---" * (len(months) + 4) + "|")
    for name, by_month in results.items():
        cells = " | ".join(f"{by_month[t]:.4f}" for t in months)
        cost = np.array(costs.get(name, []))
        wall_text, cpu_text = ((f"{cost[:, 0].mean():.2f}", f"{cost[:, 1].mean():.2f}")
                               if len(cost) else ("-", "-"))
        print(f"| {name} | {cells} | {np.mean(list(by_month.values())):.4f} | {wall_text} "
              f"| {cpu_text} |")
    print("\nfold-in-2 costs: only its fold-in months (its retrains are the expanding ones)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
