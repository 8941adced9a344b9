"""NeuMF under NCF's sampled protocol, beside the classic baselines, on real MovieLens.

The protocol of He et al. ("Neural Collaborative Filtering", WWW 2017, section 4.1), on
MovieLens 100K and latest-small found under ``--datasets`` (default:
``$RECSTACK_DATASETS``, else ``../shared/datasets``):

1. every rating is an implicit interaction (``Interactions.implicit()``); no filtering
   (both releases, like the paper's ML-1M, keep only users with at least 20 ratings);
2. leave-one-out by time (``leave_last_out(data, 1)``): each user's latest interaction is
   held out (ties in time broken by row order, as recstack's split documents);
3. the held-out item ranked among itself and 100 items the user never interacted with,
   sampled uniformly with ``--seed`` (``recstack.evaluation.sampled.evaluate_sampled``;
   the paper samples 100 beside the held-out item, its released files hold 99);
4. HR@10 and NDCG@10 per user, their means with 95% t intervals over users.

Models: ``most_popular``, ``item_knn``, ``bpr`` and ``als`` with recstack's defaults (ALS's
solver on ``--threads`` threads, 1 by default, which does not change its result), ``neumf`` with the
paper's defaults (8 predictive factors, MLP [64, 32, 16, 8], 4 negatives, Adam 0.001,
batches of 256, 20 epochs) and ``neumf`` with ``pretrain=True``. recstack's NeuMF does
not expose GMF or the MLP alone as models, so those rows of the paper are absent.
``--epochs`` and ``--batch-size`` change NeuMF's training from the paper's; the table
says what ran. Each fit is timed and its peak resident memory measured (the process's
high-water mark reset before the fit, Linux). Torch runs on ``--threads`` threads.

Progress goes to stderr; the markdown to stdout and, with ``--out``, to that file
(written to a temporary file, then renamed). Examples::

    python benchmarks/ncf.py --out /tmp/ncf.md
    python benchmarks/ncf.py --only ml-100k --epochs 5 --no-pretrain
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from _machine import (
    add_datasets_argument,
    load_average,
    require_datasets,
    reset_peak,
    status_bytes,
)

DATASETS = {"ml-100k": "100k", "ml-latest-small": "latest-small"}
MIB = 2**20
K = 10
NEGATIVES = 100
#: the paper's NeuMF with pre-training on ML-1M (Table 3 / Figure 4, 8 factors)
PAPER = {"hit_rate@10": 0.730, "ndcg@10": 0.447}
LABELS = ("most_popular", "item_knn", "bpr", "als", "neumf", "neumf (pretrain)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_datasets_argument(parser, "ml-100k/ and ml-latest-small/")
    parser.add_argument("--only", choices=tuple(DATASETS), nargs="+", default=list(DATASETS))
    parser.add_argument("--threads", type=positive, default=1,
                        help="torch and ALS threads (default 1: NeuMF's small batches ran "
                             "30x slower on 2 threads of a busy 2-core machine)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the sampled negatives and of every model (default 0)")
    parser.add_argument("--epochs", type=positive, default=20,
                        help="NeuMF's epochs (and each pre-training stage's; paper: 20)")
    parser.add_argument("--batch-size", type=positive, default=256,
                        help="NeuMF's minibatch (paper: 256)")
    parser.add_argument("--no-pretrain", action="store_true",
                        help="skip NeuMF with pre-training (three fits' worth of time)")
    parser.add_argument("--pretrain-learner", choices=("sgd", "adam", "adagrad", "rmsprop"),
                        default="sgd",
                        help="the optimiser fine-tuning the pre-trained NeuMF (neumf's "
                             "pretrain_learner; default sgd, the paper's text; the reference "
                             "README's runs use adam)")
    parser.add_argument("--models", nargs="+", choices=LABELS, default=list(LABELS),
                        help="rows to run (default: all)")
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    return parser.parse_args(argv)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text}")
    return value


def models(args: argparse.Namespace) -> dict[str, tuple[str, dict[str, Any]]]:
    """Row label -> (registered model name, parameters)."""
    neumf = {"seed": args.seed}
    if args.epochs != 20:
        neumf["epochs"] = args.epochs
    if args.batch_size != 256:
        neumf["batch_size"] = args.batch_size
    chosen: dict[str, tuple[str, dict[str, Any]]] = {
        "most_popular": ("most_popular", {}),
        "item_knn": ("item_knn", {}),
        "bpr": ("bpr", {"seed": args.seed}),
        "als": ("als", {"num_threads": args.threads, "seed": args.seed}),
        "neumf": ("neumf", neumf),
    }
    if not args.no_pretrain:
        learner = ({"pretrain_learner": args.pretrain_learner}
                   if args.pretrain_learner != "sgd" else {})
        chosen["neumf (pretrain)"] = ("neumf", neumf | {"pretrain": True} | learner)
    return {label: row for label, row in chosen.items() if label in args.models}


def progress(message: str) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.out is not None and args.out.is_dir():
        print(f"ncf.py: --out {args.out} is a folder; give a file name", file=sys.stderr)
        return 2
    require_datasets(args.datasets, args.only, option="--datasets")
    import torch

    torch.set_num_threads(args.threads)
    from recstack import __version__

    started = datetime.datetime.now(datetime.UTC)
    lines = [f"- command: `python {' '.join(sys.argv)}`",
             f"- date: {started:%Y-%m-%d %H:%M} UTC; recstack {__version__}, torch "
             f"{torch.__version__}, numpy {__import__('numpy').__version__}",
             f"- machine: {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, torch and ALS on {args.threads} thread(s); load "
             f"average before: "
             f"{load_average()}",
             f"- protocol: all ratings implicit, leave-last-out by time, the held-out item "
             f"ranked among {NEGATIVES} sampled items the user never interacted with "
             f"(seed {args.seed}, ties: expected rank), HR@{K} and NDCG@{K} with 95% t "
             "intervals over users"]
    chosen = models(args)
    for label, (name, params) in chosen.items():
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        lines.append(f"- {label}: `{name}`, defaults" + (f" except {shown}" if shown else ""))
    print("\n".join(lines), flush=True)
    for folder in args.only:
        section = run_dataset(args, folder, chosen)
        print("\n".join(section), flush=True)
        lines += section
    finished = datetime.datetime.now(datetime.UTC)
    tail = (f"\nwall time {(finished - started).total_seconds() / 60:.1f} min; "
            f"load average after: {load_average()}")
    print(tail)
    lines.append(tail)
    if args.out is not None:
        from recstack.atomic import write_text

        write_text(args.out, "\n".join(lines) + "\n")
        progress(f"wrote {args.out}")
    return 0


def run_dataset(args: argparse.Namespace, folder: str,
                chosen: dict[str, tuple[str, dict[str, Any]]]) -> list[str]:
    from recstack.data.movielens import load_movielens
    from recstack.data.splits import TiedLastRowsWarning, leave_last_out
    from recstack.evaluation.sampled import evaluate_sampled
    from recstack.models import create_model

    progress(f"{folder}: loading and splitting")
    data = load_movielens(args.datasets / folder, DATASETS[folder]).implicit()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TiedLastRowsWarning)
        split = leave_last_out(data, 1)
    tied = next((re.search(r"for ([\d,]+) users of the ([\d,]+)", str(w.message))
                 for w in caught if issubclass(w.category, TiedLastRowsWarning)), None)
    out = [f"\n### {folder}\n",
           f"{data.n_users:,} users x {data.n_items:,} items, {len(data):,} interactions; "
           f"{split.report.test_rows:,} held out, {len(split.train):,} for training"
           + (f"; {split.report.set_apart_rows:,} held-out rows set apart by the split (an "
              "item never in training), their users not evaluated"
              if split.report.set_apart_rows else "")
           + (f"; for {tied[1]} of the {tied[2]} users the held-out row shares its time "
              "with a training row, and row order chose which is held out" if tied else "")
           + "\n",
           f"| model | HR@{K} | 95% CI | NDCG@{K} | 95% CI | fit s | peak RSS MiB |",
           "|---|---:|---|---:|---|---:|---:|"]
    for label, (name, params) in chosen.items():
        progress(f"{folder}: fitting {label}")
        before = reset_peak()
        begun = time.perf_counter()
        model = create_model(name, **params).fit(split.train)
        seconds = time.perf_counter() - begun
        peak = status_bytes("VmHWM")
        progress(f"{folder}: {label} fitted in {seconds:.0f} s; evaluating")
        summary = evaluate_sampled(model, split.train, split.test, ks=(K,),
                                   n_negatives=NEGATIVES, seed=args.seed).summary()
        hit, ndcg = summary[f"hit_rate@{K}"], summary[f"ndcg@{K}"]
        row = (f"| {label} | {hit.mean:.4f} | {hit.ci_low:.3f}-{hit.ci_high:.3f} "
               f"| {ndcg.mean:.4f} | {ndcg.ci_low:.3f}-{ndcg.ci_high:.3f} "
               f"| {seconds:.0f} | {peak / MIB:,.0f} (before {before / MIB:,.0f}) |")
        progress(f"{folder}: {row}")
        out.append(row)
        for stage in ("gmf_history_", "mlp_history_", "history_"):
            history = getattr(model, stage, None)
            if name == "neumf" and history is not None and history.epochs:
                losses = [epoch["loss"] for epoch in history.epochs]
                progress(f"{folder}: {label} {stage.rstrip('_')} loss by epoch: "
                         + ", ".join(f"{loss:.4f}" for loss in losses))
    return out


if __name__ == "__main__":
    sys.exit(main())
