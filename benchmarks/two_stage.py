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
window. Rankers (``--rankers``, :data:`RANKERS`): every family with every loss it supports,
LightGBM (binary, lambdarank), logistic regression, and Wide & Deep, DCN v2 and the
multitask model each with bce, focal, bpr, ranknet, hinge, softmax and lambdarank.
Reported: nDCG@10, recall@10, precision@1 averaged over the seeds, the merged candidates'
recall ceiling, fit seconds (wall and the process's CPU), inference seconds, and paired
tests (Student's t and Wilcoxon) of every two-stage configuration against the best single
generator, with one value per distinct user: the user's mean over the seeds (the seeds'
user samples overlap and a user's test window is the same in each).

With ``--speed N``, instead: the serving path's throughput on the synthetic dataset with N
users (most_popular and item_knn proposing ``--per-user`` items each, their lists read in
interleaved rank order until every user has exactly ``--per-user`` distinct candidates):
candidates, feature assembly and LightGBM ranking in batches of ``--batch`` users (memory
bounded by the batch), the peak resident memory, and LightGBM's training time on the frame
of the ranker's examples (the union of the two top-``--per-user`` lists of the users' label
windows, a fifth of the negatives kept).

``synthetic-<N>`` in ``--datasets`` is the built-in generator with N users, 5,000 items and
20 interactions per user (seed 0), run with the same protocol; for its size the options
``--eval-users`` (tune and evaluate on a seeded sample of that many users, the same for
every model of a seed), ``--negative-rate`` (keep that share of the ranker's negatives) and
``--torch-epochs`` / ``--batch-groups`` cut the cost. ``--seed-list K --keep DIR`` runs one
seed (one process per seed in parallel) and ``--combine DIR`` prints the table and the
paired tests of all kept seeds. A (dataset, seed, model) already kept in DIR is read back,
not rerun, and the generators' tuned parameters are kept too (``DIR/tuned/DATASET__SEED.json``)
and reused, so a second run that adds rankers neither retunes nor recomputes.

Run:  RECSTACK_DATASETS=../shared/datasets nice python benchmarks/two_stage.py \
          [--datasets ml-100k ml-latest-small] [--seeds 3] [--trials 10]
      nice python benchmarks/two_stage.py --datasets synthetic-100000 --seed-list 0 \
          --trials 2 --eval-users 5000 --negative-rate 0.1 --torch-epochs 2 \
          --batch-groups 256 --rankers lightgbm-binary wide_deep-bce multitask-softmax \
          --keep KEEP   (likewise seeds 1 and 2), then --combine KEEP
      nice python benchmarks/two_stage.py --speed 100000 [--per-user 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recstack.atomic import write_text, write_with
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.splits import leave_last_out
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult, PairedTest
from recstack.models.registry import create_model, model_class
from recstack.pipeline.candidates import candidate_recall
from recstack.tuning import search

sys.path.insert(0, str(Path(__file__).parent))
from _machine import (  # noqa: E402
    DATASETS_ROOT_HELP,
    datasets_root,
    load_average,
    peak_rss_mib,
    require_datasets,
)

GENERATORS = ("most_popular", "item_knn", "rp3beta", "ease")
TORCH_RANKERS = ("wide_deep", "dcn_v2", "multitask")
#: every ranker family with every loss it supports (LightGBM: binary, lambdarank; logistic:
#: the log loss; each torch family: recstack.pipeline.rankers.losses.LOSSES)
TORCH_LOSSES = ("bce", "focal", "bpr", "ranknet", "hinge", "softmax", "lambdarank")
RANKERS: dict[str, dict[str, Any]] = {
    "lightgbm-binary": {"type": "lightgbm", "loss": "binary"},
    "lightgbm-lambdarank": {"type": "lightgbm", "loss": "lambdarank"},
    "logistic": {"type": "logistic", "loss": "bce"},
} | {f"{family}-{loss}": {"type": family, "loss": loss}
     for family in TORCH_RANKERS for loss in TORCH_LOSSES}
#: the synthetic dataset of the accuracy run: ``synthetic-<users>`` in --datasets
SYNTHETIC_ITEMS = 5_000
SYNTHETIC_ROWS_PER_USER = 20
METRICS = ("ndcg@10", "recall@10", "precision@1")
#: each model's per-user results, with the split seed of each
PerUser = dict[str, list[tuple[int, EvaluationResult]]]


def users_subset(data: Interactions, seed: int, share: float = 0.9) -> Interactions:
    rng = np.random.default_rng(seed)
    keep = rng.random(data.n_users) < share
    return data.for_users(keep).compact()


def tuned_params(name: str, train: Interactions, trials: int, holdout: int, seed: int,
                 eval_users: int = 0) -> dict[str, Any]:
    space = model_class(name).search_space
    if not space or trials == 0:
        return {}
    inner = leave_last_out(train, holdout)
    validation = evaluation_users(inner.test, eval_users, seed)
    best, _, _ = search(name, inner.train, validation, space, trials=trials, seed=seed,
                        metric="ndcg@10")
    return best


def timed_evaluation(model: Any, train: Interactions, test: Interactions, label: str
                     ) -> tuple[EvaluationResult, float, float, float]:
    """The result, fit seconds (wall and this process's CPU: the machine is shared, so
    the CPU figure is the steadier one) and evaluation seconds (wall)."""
    evaluator = Evaluator(metrics=("ndcg", "recall", "precision"), ks=(1, 10))
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(train)
    fitted, fitted_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    result = evaluator.evaluate(model, train, test, name=label)
    return result, fitted, fitted_cpu, time.perf_counter() - start


def load_dataset(name: str, root: Path) -> Interactions:
    """A MovieLens folder under ``root``, or ``synthetic-<n_users>``: the built-in generator
    with 5,000 items and 20 interactions per user on average (seed 0)."""
    if not name.startswith("synthetic-"):
        return load_movielens(root / name)
    from recstack.data.synthetic import generate

    n_users = int(name.split("-", 1)[1])
    return generate(n_users=n_users, n_items=SYNTHETIC_ITEMS,
                    n_interactions=SYNTHETIC_ROWS_PER_USER * n_users, seed=0)


def evaluation_users(test: Interactions, n: int, seed: int) -> Interactions:
    """The test rows of a seeded random sample of ``n`` test users (all when ``n`` is 0);
    every model of a seed is evaluated on the same users, so the test stays paired."""
    users = np.unique(test.user_index)
    if not n or n >= len(users):
        return test
    chosen = np.random.default_rng(1_000 + seed).choice(users, size=n, replace=False)
    return test.for_users(chosen)


def run_dataset(name: str, root: Path, args: argparse.Namespace) -> pd.DataFrame:
    data = load_dataset(name, root)
    print(f"{name}: {data}", flush=True)
    rows: list[dict[str, Any]] = []
    per_user: PerUser = {}
    seeds = args.seed_list if args.seed_list is not None else list(range(args.seeds))
    for seed in seeds:
        split = leave_last_out(users_subset(data, seed), args.holdout)
        train, test = split.train, evaluation_users(split.test, args.eval_users, seed)
        labels = [*GENERATORS, *(f"two_stage[{r}]" for r in args.rankers)]
        kept = {label: _kept(args, name, seed, label) for label in labels}
        for label, found in kept.items():
            if found is not None:
                rows.append(found[0])
                per_user.setdefault(label, []).append((seed, found[1]))
                print(f"kept: {found[0]}", flush=True)
        if all(found is not None for found in kept.values()):
            continue
        tuned = _tuned(name, train, seed, args)
        print(f"[{name} seed {seed}] tuned: {tuned}", flush=True)
        for g in GENERATORS:
            if kept[g] is not None:
                continue
            result, fit_s, fit_cpu_s, eval_s = timed_evaluation(
                create_model(g, **tuned[g]), train, test, g)
            rows.append({"seed": seed, "model": g, **_means(result), "fit_s": fit_s,
                         "fit_cpu_s": fit_cpu_s, "eval_s": eval_s,
                         "candidate_recall": np.nan})
            per_user.setdefault(g, []).append((seed, result))
            print(rows[-1], flush=True)
            _keep(args, name, rows[-1], result)
        sources = [{"type": g, **tuned[g]} for g in GENERATORS]
        for label in args.rankers:  # in the command line's order
            if kept[f"two_stage[{label}]"] is not None:
                continue
            ranker = dict(RANKERS[label])
            if args.torch_epochs and ranker["type"] in TORCH_RANKERS:
                ranker |= {"epochs": args.torch_epochs, "batch_groups": args.batch_groups}
            sampling = ({} if args.negative_rate >= 1 else
                        {"negatives": "uniform", "negative_rate": args.negative_rate})
            model = create_model("two_stage", generators=sources, ranker=dict(ranker),
                                 n_candidates=args.candidates, window="user",
                                 user_labels=args.holdout, seed=seed, **sampling)
            result, fit_s, fit_cpu_s, eval_s = timed_evaluation(model, train, test,
                                                                f"two_stage[{label}]")
            # the label must name the ranker and loss that were trained, not just asked for
            fitted = (model.ranker_.name, model.ranker_.loss)
            if fitted != (ranker["type"], ranker["loss"]):
                raise RuntimeError(f"two_stage[{label}] trained {fitted}")
            ceiling = candidate_recall(model.candidates(np.unique(test.user_index)), test)
            rows.append({"seed": seed, "model": f"two_stage[{label}]", **_means(result),
                         "fit_s": fit_s, "fit_cpu_s": fit_cpu_s, "eval_s": eval_s,
                         "candidate_recall": ceiling})
            per_user.setdefault(f"two_stage[{label}]", []).append((seed, result))
            print(rows[-1], flush=True)
            _keep(args, name, rows[-1], result)
    return summarise(name, rows, per_user, args)


#: the options that label a kept run's table (--combine prints them from the kept rows)
RUN_SETTINGS = ("trials", "holdout", "candidates")


def _tuned(dataset: str, train: Interactions, seed: int, args: argparse.Namespace
           ) -> dict[str, dict[str, Any]]:
    """The generators' tuned parameters; with --keep DIR read from (or written to)
    ``DIR/tuned/DATASET__SEED.json``, so a later run adding rankers does not retune."""
    path = Path(args.keep) / "tuned" / f"{dataset}__{seed}.json" if args.keep else None
    if path is not None and path.exists():
        return json.loads(path.read_text())
    tuned = {g: tuned_params(g, train, args.trials, args.holdout, seed, args.eval_users)
             for g in GENERATORS}
    if path is not None:
        # numpy scalars (optuna may hand them back) are written as Python numbers
        write_text(path, json.dumps(tuned, default=lambda value: value.item()))
    return tuned


def _kept(args: argparse.Namespace, dataset: str, seed: int, model: str
          ) -> tuple[dict[str, Any], EvaluationResult] | None:
    """With --keep DIR: the row and per-user values kept for (dataset, seed, model), or
    None when there are none; kept with other settings is an error, not a silent mix."""
    if not args.keep:
        return None
    row_path = Path(args.keep) / f"{dataset}__{seed}__{model}.json"
    if not row_path.exists():  # written last (_keep): it says the run is complete
        return None
    row = json.loads(row_path.read_text())
    for key in RUN_SETTINGS:
        if key in row and row.pop(key) != getattr(args, key):
            raise SystemExit(f"{row_path}: kept with another --{key} than this run's "
                             f"{getattr(args, key)}; use another --keep folder")
    frame = pd.read_csv(row_path.with_suffix(".csv"), index_col=0)
    return row, EvaluationResult(model=model, per_user=frame)


def _keep(args: argparse.Namespace, dataset: str, row: dict[str, Any],
          result: EvaluationResult) -> None:
    """With --keep DIR: the row and the per-user values on disk, for --combine and for
    a later run (which reads them back instead of recomputing)."""
    if not args.keep:
        return
    folder = Path(args.keep)
    stem = f"{dataset}__{row['seed']}__{row['model']}"
    write_with(folder / f"{stem}.csv", result.per_user.to_csv)
    settings = {key: getattr(args, key) for key in RUN_SETTINGS}
    write_text(folder / f"{stem}.json", pd.Series(row | settings).to_json())


def combine(folder: Path, args: argparse.Namespace) -> None:
    """The table and paired tests of runs kept with --keep (e.g. one process per seed)."""
    by_dataset: dict[str, tuple[list[dict[str, Any]], PerUser]] = {}
    for path in sorted(folder.glob("*.json")):
        dataset = path.name.split("__")[0]
        row = json.loads(path.read_text())
        # the kept runs' own settings label the table, not this command line's defaults
        for key in RUN_SETTINGS:
            setattr(args, key, row.pop(key, getattr(args, key)))
        rows, per_user = by_dataset.setdefault(dataset, ([], {}))
        rows.append(row)
        frame = pd.read_csv(path.with_suffix(".csv"), index_col=0)
        per_user.setdefault(row["model"], []).append(
            (int(row["seed"]), EvaluationResult(model=row["model"], per_user=frame)))
    for dataset, (rows, per_user) in by_dataset.items():
        args.seeds = len({r["seed"] for r in rows})
        summarise(dataset, rows, per_user, args)


def summarise(name: str, rows: list[dict[str, Any]],
              per_user: PerUser, args: argparse.Namespace
              ) -> pd.DataFrame:
    table = pd.DataFrame(rows).groupby("model", sort=False).mean(numeric_only=True)
    table = table.drop(columns="seed")
    order = {m: i for i, m in enumerate([*GENERATORS, *(f"two_stage[{r}]" for r in RANKERS)])}
    table = table.loc[sorted(table.index, key=lambda m: order.get(m, len(order)))]
    singles = table.loc[list(GENERATORS)]
    stages = table.drop(index=list(GENERATORS))
    best_single = singles["ndcg@10"].idxmax()
    best_stage = stages["ndcg@10"].idxmax()
    print(f"\n## {name}: {args.seeds} seeds, holdout {args.holdout}, {args.trials} trials, "
          f"{args.candidates} candidates per source\n")
    print(table.to_markdown(floatfmt=".4f"))
    for metric in METRICS:
        gain = table.loc[best_stage, metric] / table.loc[best_single, metric] - 1
        test_result = _paired(per_user[best_stage], per_user[best_single], metric)
        print(f"{best_stage} vs {best_single} on {metric}: {gain:+.1%} ({test_result})")
    # every configuration, not only the best: the best of many is picked on the test itself
    versus = {}
    for model in stages.index:
        cells = {}
        for metric in METRICS:
            test_result = _paired(per_user[model], per_user[best_single], metric)
            gain = table.loc[model, metric] / table.loc[best_single, metric] - 1
            cells[metric] = (f"{gain:+.1%} (p {test_result.t_p_value:.2g} / "
                             f"{test_result.wilcoxon_p_value:.2g})")
        versus[model] = cells
    print(f"\nEach two-stage configuration against {best_single}: the gain of the seeds' "
          "means (paired t p / Wilcoxon p, one value per user: its mean over the seeds)\n")
    print(pd.DataFrame.from_dict(versus, orient="index").rename_axis("model").to_markdown())
    return table


def _means(result: EvaluationResult) -> dict[str, float]:
    means = result.means()
    return {m: means[m] for m in METRICS}


def _paired(a: list[tuple[int, EvaluationResult]], b: list[tuple[int, EvaluationResult]],
            metric: str) -> PairedTest:
    """Paired test of ``a`` against ``b`` with one value per distinct user: the user's mean
    over the seeds both models ran. The seeds keep overlapping 90% samples of the same users
    and a user's test window is the same in each, so (seed, user) rows are not independent:
    pooling them would count most users three times and understate the p-values."""
    seeds = {seed for seed, _ in a} & {seed for seed, _ in b}

    def by_user(results: list[tuple[int, EvaluationResult]]) -> EvaluationResult:
        frame = pd.concat(r.per_user for seed, r in results if seed in seeds)
        return EvaluationResult(model=results[0][1].model,
                                per_user=frame.groupby(level=0).mean())

    return by_user(a).compare(by_user(b), metric)


def speed(n_users: int, batch: int, per_user: int) -> None:
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
                                  cutoff=cutoff, n_candidates=per_user, negatives="uniform",
                                  negative_rate=0.2)
    print(f"ranker examples: {len(examples.labels):,} rows x "
          f"{len(examples.frame.schema.names)} features in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    ranker = create_ranker("lightgbm", loss="binary").fit(examples.frame, examples.labels)
    print(f"LightGBM training (300 trees): {time.perf_counter() - start:.1f} s wall, "
          f"{time.process_time() - cpu:.1f} s CPU", flush=True)
    serving = generators()
    for generator in serving:
        generator.fit(data)
    builder = FeatureBuilder().fit(data, source_names(serving), per_user)
    state = builder.statistics(data, int(data.timestamp.max()) + 1)
    users = np.arange(data.n_users)
    seen = data.to_csr()
    seconds = {"candidates": 0.0, "features": 0.0, "ranking": 0.0}
    rows = 0
    fewest = per_user
    cpu = time.process_time()
    for first in range(0, len(users), batch):
        chunk = users[first:first + batch]
        t0 = time.perf_counter()
        candidates = generate_candidates(serving, chunk, per_user, exclude=seen,
                                         sources=builder.sources_, per_user=per_user)
        t1 = time.perf_counter()
        frame = builder.build(candidates, state)
        t2 = time.perf_counter()
        ranker.score(frame)
        t3 = time.perf_counter()
        seconds["candidates"] += t1 - t0
        seconds["features"] += t2 - t1
        seconds["ranking"] += t3 - t2
        rows += len(candidates)
        fewest = min(fewest, int(np.bincount(candidates.users - chunk[0]).min()))
    total = sum(seconds.values())
    print(f"serving {len(users):,} users, {rows / len(users):.1f} candidates each (fewest "
          f"{fewest}), batches of "
          f"{batch:,}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
          + f"; {len(users) / total:,.0f} users/s, {rows / total:,.0f} rows/s (wall; CPU "
          f"{time.process_time() - cpu:.0f} s in all); peak RSS "
          f"{peak_rss_mib():.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["ml-100k"],
                        help=f"MovieLens folders in the datasets folder ({DATASETS_ROOT_HELP}),"
                             " or synthetic-<users>")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--holdout", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--rankers", nargs="+", default=list(RANKERS), choices=list(RANKERS),
                        metavar="RANKER", help="run these, in this order (default: all: "
                        + ", ".join(RANKERS) + ")")
    parser.add_argument("--seed-list", type=int, nargs="+", default=None,
                        help="run these split seeds (instead of 0 .. --seeds - 1)")
    parser.add_argument("--keep", default="", help="write each result to this folder")
    parser.add_argument("--combine", default="",
                        help="print the table of the results kept in this folder, run nothing")
    parser.add_argument("--eval-users", type=int, default=0,
                        help="evaluate (and tune) on a seeded sample of this many test "
                             "(validation) users (0: all)")
    parser.add_argument("--torch-epochs", type=int, default=0,
                        help="epochs of the torch rankers (0: their default, 10)")
    parser.add_argument("--batch-groups", type=int, default=64,
                        help="with --torch-epochs: users (groups) per torch minibatch")
    parser.add_argument("--negative-rate", type=float, default=1.0,
                        help="keep this share of the ranker's negatives (uniform sampling)")
    parser.add_argument("--speed", type=int, default=0, help="users of the speed run")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--per-user", type=int, default=200,
                        help="candidates per user of the speed run")
    args = parser.parse_args()
    root = datasets_root()
    if not (args.speed or args.combine):
        require_datasets(root, [name for name in args.datasets
                                if not name.startswith("synthetic-")])
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, load {load_average()}")
    if args.speed:
        speed(args.speed, args.batch, args.per_user)
        return
    if args.combine:
        combine(Path(args.combine), args)
        return
    for name in args.datasets:
        start = time.perf_counter()
        run_dataset(name, root, args)
        print(f"{name}: {time.perf_counter() - start:.0f} s, peak RSS {peak_rss_mib():.0f} "
              "MiB", flush=True)


if __name__ == "__main__":
    main()
