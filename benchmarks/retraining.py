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
- ``stale``: the expanding model of the first evaluation month, never retrained;
- ``popular-1``: the most popular items of the last month (a baseline).

Prints a markdown table (nDCG@10 per month, mean, fit seconds per retrain). Run
``python benchmarks/retraining.py --help`` for the options.
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

    def full(train: Any) -> tuple[Any, float]:
        started = time.perf_counter()
        model = create_model("als", **als, iterations=args.iterations).fit(train.compact())
        return model, time.perf_counter() - started

    results: dict[str, dict[int, float]] = {}
    costs: dict[str, list[float]] = {}

    def record(name: str, t: int, model: Any, train: Any, seconds: float | None) -> None:
        values = holdout_metric(model, train, rows(t, t + 1), metric="ndcg", k=10,
                                relevance_threshold=4.0)
        results.setdefault(name, {})[t] = float(values.mean())
        if seconds is not None:
            costs.setdefault(name, []).append(seconds)

    first_eval = args.months - args.eval
    stale = warm = None
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
            warm, seconds = _warm_start(warm, train, als, args.warm_iterations)
        record("warm-expanding", t, warm, train, seconds)
        last = rows(t - 1, t)
        started = time.perf_counter()
        popular = create_model("most_popular").fit(last.compact())
        record("popular-1", t, popular, last, time.perf_counter() - started)

    months = list(range(first_eval, args.months))
    print(f"recstack retraining benchmark: {args.users:,} users, {args.items:,} items, "
          f"{args.interactions:,} interactions over {args.months} months, drift "
          f"{args.drift}; ALS {args.factors} factors, {args.iterations} iterations (warm: "
          f"{args.warm_iterations}), {args.threads} threads")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {load_average()}\n")
    header = " | ".join(f"month {t + 1}" for t in months)
    print(f"| strategy | {header} | mean nDCG@10 | fit s per retrain |")
    print("|---" * (len(months) + 3) + "|")
    for name, by_month in results.items():
        cells = " | ".join(f"{by_month[t]:.4f}" for t in months)
        cost = costs.get(name)
        cost_text = f"{np.mean(cost):.2f}" if cost else "-"
        print(f"| {name} | {cells} | {np.mean(list(by_month.values())):.4f} | {cost_text} |")
    return 0


def _warm_start(previous: Any, train: Any, als: dict[str, Any], iterations: int
                ) -> tuple[Any, float]:
    """ALS on ``train`` from ``previous``'s factors (:meth:`recstack.models.als.ALS.fit_from`,
    what ``[training] warm_start`` does in a pipeline), with ``iterations`` sweeps."""
    from recstack.models.registry import create_model

    started = time.perf_counter()
    model = create_model("als", **(als | {"iterations": iterations}))
    model.fit_from(previous, train.compact())
    return model, time.perf_counter() - started

if __name__ == "__main__":
    raise SystemExit(main())
