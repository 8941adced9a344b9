"""Two-tower model beside ALS and most-popular, and its training and retrieval speed.

Accuracy (the default): the random-holdout protocol of the candidate-generator issue. On
MovieLens 100K and latest-small (folders under ``--datasets``, by default
``$RECSTACK_DATASETS``, else ``../shared/datasets``), every rating is a positive
interaction, each user's rows are split 80/20 at random (``random_split(data, 0.2,
seed=0)``), and every model ranks the full catalog with the user's training items
excluded; nDCG@10, recall@10 and HR@10 are means over test users. ALS is
``create_model("als", factors=64, iterations=15, regularization=0.05)``.

Speed (``--speed``): the two-tower model on synthetic data
(``generate(n_users=6000, n_items=3700, n_interactions=1_000_000, seed=0)`` by default) on
``--threads`` CPU threads: training throughput (training rows per second, from the times
between epochs, so that building the features is not counted), the whole fit, the time to
compute the top 100 items of every user (seen items excluded), and the peak resident
memory of the process after each step (``ru_maxrss``: it includes the data and torch).

Prints markdown. Run ``python benchmarks/two_tower.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from contextlib import contextmanager
from typing import Any

from _machine import add_datasets_argument, load_average, peak_rss_mib, require_datasets

DATASETS = {"ml-100k": "100k", "ml-latest-small": "latest-small"}
ALS_PARAMS = {"factors": 64, "iterations": 15, "regularization": 0.05}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_datasets_argument(parser, "ml-100k/ and ml-latest-small/")
    parser.add_argument("--only", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument("--speed", action="store_true", help="measure speed instead")
    parser.add_argument("--threads", type=int, default=2, help="torch and BLAS threads")
    parser.add_argument("--seed", type=int, default=0, help="split and model seed")
    parser.add_argument("--users", type=int, default=6000, help="--speed: synthetic users")
    parser.add_argument("--items", type=int, default=3700, help="--speed: synthetic items")
    parser.add_argument("--interactions", type=int, default=1_000_000,
                        help="--speed: synthetic interactions")
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                        help="two_tower hyperparameters, e.g. --set epochs=5 dim=32")
    args = parser.parse_args(argv)
    if not args.speed:
        require_datasets(args.datasets, args.only, option="--datasets")
    params = _two_tower_params(args.set, args.seed)

    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads):
        if args.speed:
            speed(args, params)
        else:
            accuracy(args, params)
    return 0


def _two_tower_params(assignments: list[str], seed: int) -> dict[str, Any]:
    import ast

    params: dict[str, Any] = {"seed": seed, "device": "cpu"}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def _header(args: argparse.Namespace, params: dict[str, Any]) -> None:
    import torch

    from recstack import __version__
    from recstack.models import create_model

    print(f"- recstack {__version__}, torch {torch.__version__}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{args.threads} threads, load average before: {load_average()}")
    print(f"- two_tower: {create_model('two_tower', **params).get_params()}")
    print(f"- command: python {' '.join(sys.argv)}\n")


def accuracy(args: argparse.Namespace, params: dict[str, Any]) -> None:
    from recstack.data.movielens import load_movielens
    from recstack.data.splits import random_split
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models import create_model

    print("# Two-tower vs ALS and most-popular: random 80/20 holdout, full-catalog ranking\n")
    _header(args, params)
    print(f"- ALS: {ALS_PARAMS}\n")
    evaluator = Evaluator(metrics=("ndcg", "recall", "hit_rate"), ks=(10,))
    print("| dataset | model | nDCG@10 | recall@10 | HR@10 | fit s |")
    print("|---|---|---:|---:|---:|---:|")
    for folder in args.only:
        data = load_movielens(args.datasets / folder, DATASETS[folder]).implicit()
        split = random_split(data, 0.2, seed=args.seed)
        models = {"most_popular": create_model("most_popular"),
                  "als": create_model("als", **ALS_PARAMS, num_threads=args.threads,
                                      seed=args.seed),
                  "two_tower": create_model("two_tower", **params)}
        for name, model in models.items():
            started = time.perf_counter()
            model.fit(split.train)
            fit_seconds = time.perf_counter() - started
            means = evaluator.evaluate(model, split.train, split.test).means()
            print(f"| {folder} | {name} | {means['ndcg@10']:.4f} | {means['recall@10']:.4f} "
                  f"| {means['hit_rate@10']:.4f} | {fit_seconds:.1f} |", flush=True)
    print(f"\nload average after: {load_average()}")


def speed(args: argparse.Namespace, params: dict[str, Any]) -> None:
    import numpy as np

    from recstack.data.synthetic import generate
    from recstack.models import create_model

    print("# Two-tower speed on synthetic data\n")
    _header(args, params)
    started = time.perf_counter()
    data = generate(n_users=args.users, n_items=args.items, n_interactions=args.interactions,
                    seed=args.seed)
    print(f"- data: {data!r} (generated in {time.perf_counter() - started:.0f} s, peak RSS "
          f"{peak_rss_mib():.0f} MiB)\n")

    model = create_model("two_tower", **params)
    ticks = _EpochTicks()
    started = time.perf_counter()
    model.fit(data, progress=ticks)
    fit_seconds = time.perf_counter() - started
    fit_rss = peak_rss_mib()
    epoch_seconds = ticks.epoch_seconds()
    throughput = len(data) / float(np.median(epoch_seconds))

    users = np.arange(data.n_users)
    started = time.perf_counter()
    items, _ = model.recommend(data.users.to_external(users), k=100)
    top_seconds = time.perf_counter() - started
    assert items.shape == (data.n_users, 100)

    print("| step | value |")
    print("|---|---:|")
    print(f"| training rows / s (median epoch) | {throughput:,.0f} |")
    print(f"| s / epoch (median of {len(epoch_seconds)}) | {np.median(epoch_seconds):.1f} |")
    print(f"| fit s (features + {len(epoch_seconds)} epochs + export) | {fit_seconds:.1f} |")
    print(f"| peak RSS after fit, MiB | {fit_rss:.0f} |")
    print(f"| top-100 for all {data.n_users:,} users, s | {top_seconds:.2f} |")
    print(f"| peak RSS after top-100, MiB | {peak_rss_mib():.0f} |")
    print(f"\nload average after: {load_average()}")


class _EpochTicks:
    """A progress reporter that records when each training epoch ends."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def epoch_seconds(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Any:
        ticks = self
        ticks.times = [time.perf_counter()]

        class Task:
            def advance(self, n: int = 1) -> None:
                if n:
                    ticks.times.append(time.perf_counter())

            def report(self, **values: Any) -> None:
                pass

        yield Task()




if __name__ == "__main__":
    raise SystemExit(main())
