"""Sequential recommendation: SASRec's accuracy against ALS and most-popular, and its speed.

Accuracy (the default mode), on MovieLens 100K and latest-small, found under
``--datasets`` (default: ``$RECSTACK_DATASETS``, else ``../shared/datasets``):

1. every rating is an implicit interaction (``Interactions.implicit()``);
2. 5-core filtering (``KCore(5, 5)``: every user and item keeps at least 5 rows), the
   documented default for sequential data;
3. leave-last-out by time (``leave_last_out(data, 1)``): each user's latest interaction is
   the test item;
4. full-catalog ranking with each user's training items excluded (``Evaluator``), HR@10
   and nDCG@10; no sampled negatives anywhere.

Models: ``most_popular``, ``als`` (``factors=64, iterations=15, regularization=0.05``) and
``sasrec`` with the parameters printed above the table (its own early stopping holds out
each user's last *training* item; the test items are never seen in training).

Speed (``--speed``), on the synthetic dataset (``recstack.data.synthetic.generate``, about
1M interactions: 6,000 users x 3,700 items), 5-core filtered and split the same way:

- training throughput: training sequences (users) and next-item examples (non-padded
  target positions) per second, from the median epoch time of ``--speed-epochs`` epochs
  without validation;
- time to the top-100 of every user: ``recommend(users, k=100)`` from the user states
  ``fit`` stores (numpy: scores, training-item masking, partial sort), and end to end
  from each user's sequence (``score_sequences``: the network's forward pass for every
  user, then the same masking and top-100);
- peak resident memory of each phase (sampled every 5 ms from ``/proc/self/statm``),
  next to the resident memory before it.

Torch runs on ``--threads`` CPU threads (2 by default) and ALS's solver on as many. Prints
markdown. Examples::

    python benchmarks/sequential.py
    python benchmarks/sequential.py --only ml-100k --loss bce --negatives 1
    python benchmarks/sequential.py --speed
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from _machine import add_datasets_argument, load_average, require_datasets

DATASETS = {"ml-100k": "100k", "ml-latest-small": "latest-small"}
MIB = 2**20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_datasets_argument(parser, "ml-100k/ and ml-latest-small/")
    parser.add_argument("--only", choices=tuple(DATASETS), nargs="+", default=list(DATASETS))
    parser.add_argument("--speed", action="store_true",
                        help="measure speed and memory on synthetic data instead of accuracy")
    parser.add_argument("--threads", type=int, default=2, help="torch and ALS threads")
    sasrec = parser.add_argument_group("SASRec")
    sasrec.add_argument("--max-length", type=int, default=200)
    sasrec.add_argument("--hidden", type=int, default=64)
    sasrec.add_argument("--blocks", type=int, default=2)
    sasrec.add_argument("--heads", type=int, default=1)
    sasrec.add_argument("--dropout", type=float, default=0.2)
    sasrec.add_argument("--loss", choices=("softmax", "bce"), default="softmax")
    sasrec.add_argument("--negatives", type=int, default=1)
    sasrec.add_argument("--epochs", type=int, default=200)
    sasrec.add_argument("--batch-size", type=int, default=32)
    sasrec.add_argument("--learning-rate", type=float, default=1e-3)
    sasrec.add_argument("--patience", type=int, default=10)
    sasrec.add_argument("--seed", type=int, default=0)
    speed = parser.add_argument_group("--speed")
    speed.add_argument("--users", type=int, default=6_000)
    speed.add_argument("--items", type=int, default=3_700)
    speed.add_argument("--interactions", type=int, default=1_000_000)
    speed.add_argument("--speed-epochs", type=int, default=3)
    speed.add_argument("--speed-max-length", type=int, default=50)
    speed.add_argument("--speed-batch-size", type=int, default=128)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.speed:
        require_datasets(args.datasets, args.only, option="--datasets")
    import torch

    torch.set_num_threads(args.threads)
    from recstack import __version__

    print(f"# Sequential recommendation ({'speed' if args.speed else 'accuracy'})\n")
    print(f"- recstack {__version__}, torch {torch.__version__}, {args.threads} threads; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average before: {load_average()}")
    print(f"- command: python {' '.join(sys.argv)}")
    if args.speed:
        speed(args)
    else:
        accuracy(args)
    print(f"\nload average after: {load_average()}")
    return 0


def sasrec_params(args: argparse.Namespace, **overrides: Any) -> dict[str, Any]:
    params = {"max_length": args.max_length, "hidden": args.hidden, "blocks": args.blocks,
              "heads": args.heads, "dropout": args.dropout, "loss": args.loss,
              "negatives": args.negatives, "epochs": args.epochs,
              "batch_size": args.batch_size, "learning_rate": args.learning_rate,
              "patience": args.patience, "validation": True, "device": "cpu",
              "seed": args.seed}
    return params | overrides


def prepare(data: Any) -> tuple[Any, Any]:
    """Implicit, 5-core, leave-last-out: (filtered data, split)."""
    from recstack.data.filters import KCore, apply_filters
    from recstack.data.splits import leave_last_out

    filtered, _ = apply_filters(data.implicit(), [KCore(5, 5)])
    return filtered, leave_last_out(filtered, 1)


# ---------------------------------------------------------------------------- accuracy
def accuracy(args: argparse.Namespace) -> None:
    from recstack.data.movielens import load_movielens
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models import create_model

    models = {
        "most_popular": {},
        "als": {"factors": 64, "iterations": 15, "regularization": 0.05,
                "num_threads": args.threads, "seed": args.seed},
        "sasrec": sasrec_params(args),
    }
    print("- protocol: all ratings implicit, 5-core (KCore(5, 5)), leave-last-out by time, "
          "full-catalog ranking with training items excluded (no sampled negatives)")
    for name, params in models.items():
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"- {name}: {shown or 'no parameters'}")
    evaluator = Evaluator(metrics=("hit_rate", "ndcg"), ks=(10,))
    for folder in args.only:
        raw = load_movielens(args.datasets / folder, DATASETS[folder])
        data, split = prepare(raw)
        print(f"\n## {folder}\n")
        print(f"{data!r} after 5-core (from {len(raw):,} ratings); "
              f"{split.report.test_rows:,} test users, {len(split.train):,} training rows"
              + (f", {split.report.set_apart_rows:,} test rows set apart"
                 if split.report.set_apart_rows else "") + "\n")
        print("| model | HR@10 | nDCG@10 | fit s | epochs (best) |")
        print("|---|---:|---:|---:|---:|")
        for name, params in models.items():
            started = time.perf_counter()
            model = create_model(name, **params).fit(split.train)
            seconds = time.perf_counter() - started
            means = evaluator.evaluate(model, split.train, split.test).means()
            epochs = ""
            if name == "sasrec":
                history = model.history_
                epochs = f"{len(history.epochs)} ({(history.best_epoch or 0) + 1})"
            print(f"| {name} | {means['hit_rate@10']:.4f} | {means['ndcg@10']:.4f} "
                  f"| {seconds:.0f} | {epochs} |", flush=True)


# ---------------------------------------------------------------------------- speed
def speed(args: argparse.Namespace) -> None:
    from recstack.data.synthetic import generate
    from recstack.models.sasrec import SASRec
    from recstack.topk import mask_rows, top_k

    with peak_rss() as data_memory:
        raw = generate(n_users=args.users, n_items=args.items,
                       n_interactions=args.interactions, seed=args.seed)
        data, split = prepare(raw)
    train = split.train
    params = sasrec_params(args, max_length=args.speed_max_length, epochs=args.speed_epochs,
                           batch_size=args.speed_batch_size, validation=False)
    print(f"- data: synthetic {raw!r}; after 5-core and leave-last-out {len(train):,} "
          f"training rows, {train.n_users:,} users x {train.n_items:,} items")
    print(f"- sasrec: {', '.join(f'{k}={v}' for k, v in params.items())}\n")

    model = SASRec(**params)
    ticks = EpochTicks()
    with peak_rss() as fit_memory:
        started = time.perf_counter()
        model.fit(train, progress=ticks)
        fit_seconds = time.perf_counter() - started
    lengths = np.minimum(train.user_counts(), params["max_length"] + 1)
    sequences_per_epoch = int((lengths >= 2).sum())
    examples_per_epoch = int(np.maximum(lengths - 1, 0).sum())
    epoch_seconds = statistics.median(ticks.epoch_seconds())

    users = np.arange(train.n_users)
    with peak_rss() as stored_memory:
        started = time.perf_counter()
        model.recommend(train.users.to_external(users), k=100)
        stored_seconds = time.perf_counter() - started

    ordered = train.sort_by_user_time()
    histories = np.split(ordered.item_index, np.cumsum(ordered.user_counts())[:-1])
    seen = train.to_csr()
    with peak_rss() as forward_memory:
        started = time.perf_counter()
        for start in range(0, len(users), 1024):
            batch = users[start:start + 1024]
            scores = model.score_sequences([histories[u] for u in batch])
            mask_rows(scores, seen[batch])
            top_k(scores, 100)
        forward_seconds = time.perf_counter() - started

    print("| measure | value |")
    print("|---|---:|")
    print(f"| training sequences (users) per epoch | {sequences_per_epoch:,} |")
    print(f"| next-item examples per epoch | {examples_per_epoch:,} |")
    print(f"| median epoch s ({params['epochs']} epochs) | {epoch_seconds:.1f} |")
    print(f"| training throughput, sequences / s | {sequences_per_epoch / epoch_seconds:,.0f} |")
    print(f"| training throughput, examples / s | {examples_per_epoch / epoch_seconds:,.0f} |")
    print(f"| whole fit s (incl. encoding every user) | {fit_seconds:.1f} |")
    print(f"| top-100 for all {len(users):,} users from stored states s "
          f"| {stored_seconds:.2f} |")
    print(f"| top-100 for all users from their sequences (forward pass) s "
          f"| {forward_seconds:.2f} |")
    print(f"| peak RSS while generating and splitting data MiB | {data_memory.peak:,.0f} |")
    print(f"| peak RSS while fitting MiB (before: {fit_memory.before:,.0f}) "
          f"| {fit_memory.peak:,.0f} |")
    print(f"| peak RSS, top-100 from stored states MiB (before: {stored_memory.before:,.0f}) "
          f"| {stored_memory.peak:,.0f} |")
    print(f"| peak RSS, top-100 from sequences MiB (before: {forward_memory.before:,.0f}) "
          f"| {forward_memory.peak:,.0f} |")


class EpochTicks:
    """A progress reporter (recstack.progress) that records when each epoch ends."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def epoch_seconds(self) -> list[float]:
        return np.diff([self.begin, *self.times]).tolist()

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Any]:
        self.begin = time.perf_counter()
        ticks = self

        class Task:
            def advance(self, n: int = 1) -> None:
                ticks.times.extend([time.perf_counter()] * n)

            def report(self, **values: Any) -> None:
                pass

        yield Task()


class _PeakRSS:
    before: float = 0.0
    peak: float = 0.0


@contextmanager
def peak_rss(interval: float = 0.005) -> Iterator[_PeakRSS]:
    """Resident memory (MiB) before the block and its peak during it, sampled by a thread
    (``ru_maxrss`` cannot be reset between phases of one process)."""
    result = _PeakRSS()
    result.before = result.peak = _rss_mib()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            result.peak = max(result.peak, _rss_mib())
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        done.set()
        sampler.join()
        result.peak = max(result.peak, _rss_mib())


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB
    except OSError:  # not Linux: the process's peak so far
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024



if __name__ == "__main__":
    raise SystemExit(main())
