"""Accuracy, fit time and peak memory of every candidate generator under the graph-CF
protocol, on the LightGCN++ splits of MovieLens 1M and Last.fm, beside the `implicit`
library's ALS given the same tuning budget.

Protocol (the one ``[data] split = FOLDER`` runs in an experiment file, see
:mod:`recstack.config`): for each dataset folder under ``$RECSTACK_DATASETS/lightgcn-splits/``
(``train.txt``, ``valid.txt``, ``test.txt``), each model with a search space is tuned by
optuna's seeded TPE sampler (``--trials`` trials, the same seed for every model, the
model's own default search space ``model_class(name).search_space``, less the dimensions
that act only on timestamps, which these files do not have) on ``valid.txt`` with
``train.txt`` as its only training data, maximising recall@20; it is then refit on train
plus valid with the best parameters and ranked over the full catalog for every test user,
train and valid items masked: recall@20 (hits over all of the user's test items) and
nDCG@20 (binary, ideal over min(test items, 20)), the evaluator's ``recall`` and ``ndcg``.

Each model is tuned in one child process and refit in another, so that the refit's fit time
and peak memory are its own: the peak is the child's ``ru_maxrss`` (resident memory, which
numpy and BLAS allocations count in, unlike tracemalloc) at the end of the fit, shown whole
(libraries and data included) and above the resident memory the child had once its
libraries and the data were loaded; the evaluation's own peak (its score batches) is left
out of the table and kept in ``--json``.

The blend blends the tuned ALS, iALS, EASE, RP3beta, BSPM, item-kNN, LightGCN++ and
Mult-VAE of the same run when they were run before it (or their parameters from
``--tuned``). Its weights are tuned like any other hyperparameter: the members are fitted
on ``train.txt`` and the weights chosen on ``valid.txt`` by recall@20
(``Blend.from_fitted(members, train, validation=valid)``); the blend is then assembled from
the members refit on train + valid, with those weights fixed. The test file never reaches
it. Each member is fitted in a process of its own and saved (recstack's model format) in
``--member-cache`` with its fit time and peak memory, where a later run finds it rather
than fitting it again (LightGCN++ takes most of an hour on Last.fm); the blend's fit time
is its members' fit times plus its assembly, and its peak the largest of its members' fits
and of its assembly.

``--tuned FILE`` reuses the tuned parameters of an earlier run (the ``--json`` file it
wrote, or any JSON list of rows with ``dataset``, ``model`` and ``params``): a model found
there is refit with them and not tuned again; a fixed-recipe model, when its row has the
same recipe, with the epoch count its early stopping chose.

Run:  RECSTACK_DATASETS=../shared/datasets nice python benchmarks/graph_cf.py --trials 20
      [--datasets ml-1m lastfm] [--models ease gf_cf ...] [--time-budget SECONDS]
      [--tuned earlier.json] [--member-cache DIR]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models.base import Param, Recommender
from recstack.models.registry import register
from recstack.progress import Progress

K = 20
METRIC = f"recall@{K}"
MODELS = ("most_popular", "item_knn", "ease", "als", "implicit_als", "ials", "bpr",
          "rp3beta", "lightgcn", "lightgcn_pp", "gf_cf", "bspm", "mult_vae", "blend")
DATASETS = ("ml-1m", "lastfm")
#: models too slow to tune on a CPU: a fixed recipe per dataset instead of a search; their
#: epoch count is found by early stopping on ``valid.txt`` (trained on ``train.txt``), then
#: they are refit on train + valid for that many epochs. LightGCN: the paper's model (3
#: layers, lambda 1e-4); on Last.fm (64k training pairs, about a second an epoch) the
#: paper's 64 dimensions, batch of 2,048 and Adam step of 0.001; on ML-1M batches 16x the
#: paper's and a larger step, since every batch propagates the whole graph (13 s an epoch
#: at 2,048 on 2 idle cores), and 128 dimensions, BPR's there: the best of four recipes
#: by validation nDCG@20 (64 dims at 32,768 / 0.005: 0.1964; at 32,768 / 0.02: 0.1930;
#: at 8,192 / 0.004: 0.1968; 128 dims at 32,768 / 0.005: 0.2023). LightGCN++: the same
#: training recipes, with the authors' settings for each dataset (their code's run.sh:
#: Last.fm alpha 0.6, beta -0.1, gamma 0.2, the model's defaults; ML-1M 0.5, 0, 0). On
#: Last.fm LightGCN++'s validation nDCG@20 rises slowly for hundreds of epochs (0.2036 at
#: epoch 200, 0.2070 at 300, 0.2110 at 467) with plateaus longer than 20 epochs, where
#: patience 20 stopped it at 202, so its patience there is 100
FIXED_RECIPES: dict[str, dict[str, dict[str, Any]]] = {
    "lightgcn": {
        "ml-1m": {"dim": 128, "batch_size": 32768, "learning_rate": 0.005, "epochs": 600,
                  "patience": 15},
        "lastfm": {"batch_size": 2048, "learning_rate": 0.001, "epochs": 1000, "patience": 20},
    },
    "lightgcn_pp": {
        "ml-1m": {"dim": 128, "batch_size": 32768, "learning_rate": 0.005, "epochs": 600,
                  "patience": 15, "alpha": 0.5, "beta": 0.0, "gamma": 0.0},
        "lastfm": {"batch_size": 2048, "learning_rate": 0.001, "epochs": 1000, "patience": 100,
                   "alpha": 0.6, "beta": -0.1, "gamma": 0.2},
    },
}
#: the members of the blend (both factor models, the linear autoencoder, the random walk,
#: the graph filter, the neighbourhood model, the graph network, the variational
#: autoencoder), taken with their tuned parameters when run before it
BLEND_MEMBERS = ("als", "ials", "ease", "rp3beta", "bspm", "item_knn", "lightgcn_pp",
                 "mult_vae")


@register
class ImplicitALS(Recommender):
    """The `implicit` library's ALS (CPU), scored as user-item factor dot products; a thin
    adapter for this benchmark only.

    Its confidence of a positive is ``alpha * r`` where recstack's ALS takes ``1 + alpha *
    r``: on 0/1 data its alpha range is recstack's shifted by one, so both searches propose
    the same confidences."""

    name = "implicit_als"
    params: ClassVar[dict[str, Param]] = {
        "factors": Param(int, low=1, default=64, doc="latent factors",
                         search={"type": "int", "low": 16, "high": 256, "log": True}),
        "regularization": Param((int, float), low=0, default=0.01, doc="L2 penalty",
                                search={"type": "float", "low": 0.01, "high": 100.0,
                                        "log": True}),
        "alpha": Param((int, float), low=0, default=1.0, doc="confidence scale",
                       search={"type": "float", "low": 1.0, "high": 21.0}),
        "iterations": Param(int, low=1, default=15, doc="ALS sweeps"),
    }

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        model = AlternatingLeastSquares(factors=self.factors,
                                        regularization=self.regularization,
                                        alpha=self.alpha, iterations=self.iterations,
                                        random_state=0)
        # implicit's own threads do the work; BLAS threads inside them would oversubscribe
        with threadpool_limits(1, "blas"):
            model.fit(train.to_csr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, np.float32)
        self.item_factors_ = np.asarray(model.item_factors, np.float32)

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self.user_factors_[user_indices] @ self.item_factors_.T


# ------------------------------------------------------------------------ child processes
def _resident_mib() -> float:
    """Resident memory now (not the high-water mark), in MiB."""
    import resource

    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: the models whose ``patience`` is read only to early-stop on validation rows: a fit
#: without them (the refit on train + valid, a blend's members) refuses it
_PATIENCE_NEEDS_VALIDATION = ("lightgcn", "lightgcn_pp")


def _unvalidated_params(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` for a fit given no validation rows: the recipe's ``patience`` (which chose
    the epoch count on valid) dropped where only validation reads it, also in a blend's
    members; it was ignored there, and is now refused."""
    if name == "blend" and "members" in params:
        return params | {"members": [_unvalidated_params(m.get("type", ""), m)
                                     for m in params["members"]]}
    if name in _PATIENCE_NEEDS_VALIDATION and not params.get("validation_fraction"):
        return {k: v for k, v in params.items() if k != "patience"}
    return params


def _member_folder(cache: str, folder: str, split: str, member: dict[str, Any]) -> Path:
    """Where a blend member fitted on ``split`` (``train`` or ``refit``) of the dataset
    ``folder`` is kept: one folder per model and hyperparameters (a digest of them) under
    one per dataset (its name and a digest of its split files' bytes, so that two datasets
    of one name never share members), beside the member's ``.json`` record. The code is not
    in the key: empty the cache after changing a model."""
    params = {k: v for k, v in member.items() if k != "type"}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    return (Path(cache) / f"{Path(folder).name}-{_data_digest(folder)}" / split
            / f"{member['type']}-{digest}")


@functools.cache
def _data_digest(folder: str) -> str:
    """A digest of a dataset folder's split files, read once per process."""
    data = hashlib.sha256()
    for part in ("train.txt", "valid.txt", "test.txt"):
        data.update((Path(folder) / part).read_bytes())
    return data.hexdigest()[:16]


def _cached_members(job: dict[str, Any], split: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """The blend's members fitted on ``split``, loaded from the member cache, with their
    records (fit time, peak memory)."""
    from recstack.models.persistence import load_model

    folders = [_member_folder(job["cache"], job["folder"], split, member)
               for member in _unvalidated_params("blend", job["params"])["members"]]
    records = [json.loads(folder.with_suffix(".json").read_text(encoding="utf-8"))
               for folder in folders]
    return [load_model(folder) for folder in folders], records


def _child(job: dict[str, Any]) -> dict[str, Any]:
    """One step for one model on one dataset: ``tune`` (search on valid) or ``fit`` (refit
    on train + valid, evaluate on test)."""
    import resource

    from recstack.config import tunable_space
    from recstack.data.adjacency import load_adjacency_splits
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models.registry import create_model
    from recstack.tuning import search

    parts = load_adjacency_splits(job["folder"])
    name = job["model"]
    params = dict(job.get("params") or {})
    if job["step"] == "member":
        # one blend member fitted on train (to choose the weights) or train + valid (the
        # refit), kept in the cache with what its fit cost
        folder = _member_folder(job["cache"], job["folder"], job["split"], params)
        if folder.with_suffix(".json").exists():
            # fitted by an earlier run: its fit time and peak are that run's
            return json.loads(folder.with_suffix(".json").read_text(encoding="utf-8")) | {
                "cached": True}
        member = {k: v for k, v in params.items() if k != "type"}
        create_model(params["type"], **member)  # its libraries, before the baseline
        baseline = _resident_mib()
        started = time.perf_counter()
        model = create_model(params["type"], **member).fit(
            parts.train if job["split"] == "train" else parts.refit_train())
        record = {"fit_s": time.perf_counter() - started, "baseline_mib": baseline,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        model.save(folder, overwrite=True)
        # written last: a member whose record exists is complete
        folder.with_suffix(".json").write_text(json.dumps(record), encoding="utf-8")
        return record
    create_model(name, **params)  # import the model's libraries before the baseline
    if job["step"] == "weights":
        from recstack.models.blend import Blend

        started = time.perf_counter()
        members, records = _cached_members(job, "train")
        # the validation rows choose the weights; the members were fitted without them
        model = Blend.from_fitted(members, parts.train, validation=parts.valid,
                                  **{k: v for k, v in params.items() if k != "members"})
        return {"weights": [round(float(w), 6) for w in model.weights_],
                "validation": model.validation_score_,
                "tune_s": time.perf_counter() - started + sum(r["fit_s"] for r in records)}
    if job["step"] == "epochs":
        started = time.perf_counter()
        model = create_model(name, **params).fit(parts.train, validation=parts.valid)
        history = model.history_
        return {"validation": history.best_score, "best_epoch": history.best_epoch,
                "epochs_run": len(history.epochs), "tune_s": time.perf_counter() - started}
    if job["step"] == "tune":
        # the model's default space, less what needs timestamps (these files have none)
        space = tunable_space(name, timestamps=False)
        started = time.perf_counter()
        best, value, trials = search(name, parts.train, parts.valid, space, base_params=params,
                                     metric=METRIC, trials=job["trials"], seed=job["seed"],
                                     timeout=job.get("time_budget"))
        return {"params": best, "validation": value, "trials": len(trials),
                "tune_s": time.perf_counter() - started}
    refit = parts.refit_train()
    baseline = _resident_mib()
    started = time.perf_counter()
    if name == "blend":
        from recstack.models.blend import Blend

        members, records = _cached_members(job, "refit")
        model = Blend.from_fitted(members, refit, weights=params["weights"])
    else:
        model = create_model(name, **_unvalidated_params(name, params)).fit(refit)
        records = []
    fit_s = time.perf_counter() - started + sum(r["fit_s"] for r in records)
    fit_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for record in records:
        # the blend's peak: the largest of its members' fits and of its own assembly
        if record["peak_mib"] > fit_peak:
            fit_peak, baseline = record["peak_mib"], record["baseline_mib"]
    result = Evaluator(metrics=("recall", "ndcg"), ks=(K,)).evaluate(model, refit, parts.test,
                                                                     name=name)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    means = result.means()
    return {"recall": means[f"recall@{K}"], "ndcg": means[f"ndcg@{K}"], "fit_s": fit_s,
            "peak_mib": fit_peak, "evaluation_peak_mib": peak, "baseline_mib": baseline,
            "users": len(result.per_user)}


def run_child(job: dict[str, Any]) -> dict[str, Any]:
    """Run :func:`_child` in a fresh interpreter; its result is the last stdout line."""
    process = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)],
                             capture_output=True, text=True)
    if process.returncode != 0:
        tail = (process.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": f"{job['step']} failed: {tail[:200]}"}
    return json.loads(process.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------- the run
def _same_recipe(earlier_row: dict[str, Any] | None, recipe: dict[str, Any]) -> bool:
    """Whether an earlier run's row used ``recipe`` (its epochs aside, which that run's
    early stopping chose): then its epoch count is reused rather than searched again."""
    if earlier_row is None:
        return False
    params = {k: v for k, v in earlier_row["params"].items() if k != "epochs"}
    return params == {k: v for k, v in recipe.items() if k != "epochs"}


def benchmark(folder: Path, models: list[str], trials: int, seed: int,
              time_budget: float | None, rows: list[dict[str, Any]],
              save: Any, earlier: dict[str, dict[str, Any]], cache: str) -> list[dict[str, Any]]:
    """Tune, refit and evaluate each model on one dataset folder, appending to ``rows`` and
    calling ``save(rows)`` after each model (so a long run keeps what it has done).
    ``earlier`` maps a model to its row from an earlier run, whose parameters are reused;
    ``cache`` is the folder of the blend's fitted members."""
    from recstack.config import tunable_space

    tuned = {name: row["params"] for name, row in earlier.items()}
    for name in models:
        job: dict[str, Any] = {"folder": str(folder), "model": name, "trials": trials,
                               "seed": seed, "time_budget": time_budget, "cache": cache}
        row: dict[str, Any] = {"dataset": folder.name, "model": name, "trials": 0,
                               "tune_s": 0.0, "params": {}}
        if name == "blend":
            members = [{"type": m} | tuned.get(m, {}) for m in BLEND_MEMBERS]
            # the weights maximise the protocol's metric, as every other model's search does
            chooser = {"members": members, "metric": METRIC.partition("@")[0], "metric_k": K}
            outcome, cached = {}, 0
            for split in ("train", "refit"):
                for member in _unvalidated_params(name, chooser)["members"]:
                    outcome = run_child(job | {"step": "member", "split": split,
                                               "params": member})
                    cached += bool(outcome.get("cached"))
                    if "error" in outcome:
                        break
                if "error" in outcome:
                    break
            if "error" not in outcome:
                outcome = run_child(job | {"step": "weights", "params": chooser})
                # the members' fit times (and peaks) of those an earlier run fitted are its
                row["members_from_cache"] = cached
            if "error" in outcome:
                rows.append(row | outcome)
                print(f"  {folder.name} {name}: {outcome['error']}", file=sys.stderr)
                continue
            weights = outcome.pop("weights")
            row |= outcome
            row["params"] = {"members": members, "weights": weights}
        elif (name in FIXED_RECIPES and folder.name in FIXED_RECIPES[name]
              and not _same_recipe(earlier.get(name), FIXED_RECIPES[name][folder.name])):
            recipe = FIXED_RECIPES[name][folder.name]
            outcome = run_child(job | {"step": "epochs", "params": recipe})
            if "error" in outcome:
                rows.append(row | outcome)
                print(f"  {folder.name} {name}: {outcome['error']}", file=sys.stderr)
                continue
            row |= outcome
            # epochs are counted from 1 in the history; refit for exactly the best count
            row["params"] = recipe | {"epochs": int(outcome["best_epoch"]) + 1}
        elif name in earlier:
            row |= {key: earlier[name][key] for key in ("params", "trials", "tune_s",
                                                        "validation", "best_epoch",
                                                        "epochs_run") if key in earlier[name]}
            row["reused"] = True
        elif tunable_space(name, timestamps=False):
            outcome = run_child(job | {"step": "tune"})
            if "error" in outcome:
                rows.append(row | outcome)
                print(f"  {folder.name} {name}: {outcome['error']}", file=sys.stderr)
                continue
            row |= outcome
        outcome = run_child(job | {"step": "fit", "params": row["params"]})
        row |= outcome
        if name != "blend" and "error" not in row:
            # a blend later in the same run takes this run's parameters, not the --tuned file's
            tuned[name] = row["params"]
        rows.append(row)
        save(rows)
        if "error" in row:
            print(f"  {folder.name} {name}: {row['error']}", file=sys.stderr)
        else:
            print(f"  {folder.name} {name}: recall@{K} {row['recall']:.4f} nDCG@{K} "
                  f"{row['ndcg']:.4f} (tune {row['tune_s']:.0f} s, fit {row['fit_s']:.1f} s, "
                  f"peak {row['peak_mib']:.0f} MiB)", file=sys.stderr)
    return rows


def _short(params: dict[str, Any]) -> str:
    def show(value: Any) -> Any:
        if isinstance(value, float):
            return float(f"{value:.4g}")
        if isinstance(value, list):
            return [show(v) for v in value]
        if isinstance(value, dict):
            return {k: show(v) for k, v in value.items()}
        return value

    return ", ".join(f"{k}={show(v)}" for k, v in params.items()) or "defaults"


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [f"| dataset | model | recall@{K} | nDCG@{K} | fit (s) | peak RSS (MiB) | "
             f"above data (MiB) | tuning trials | tuning (s) | tuned parameters |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['dataset']} | {r['model']} | {r['error']} | | | | | "
                         f"{r['trials']} | {r['tune_s']:.0f} | |")
            continue
        lines.append(f"| {r['dataset']} | {r['model']} | {r['recall']:.4f} | {r['ndcg']:.4f} | "
                     f"{r['fit_s']:.1f} | {r['peak_mib']:.0f} | "
                     f"{r['peak_mib'] - r['baseline_mib']:.0f} | {r['trials']} | "
                     f"{r['tune_s']:.0f} | {_short(r['params'])} |")
    return "\n".join(lines)


def main() -> None:
    # imported here, not at the top, so that a test can load this file by its path
    from _machine import DATASETS_ROOT_HELP, datasets_root, load_average, require_datasets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS),
                        help="folders under lightgcn-splits/ in the datasets folder "
                             f"({DATASETS_ROOT_HELP})")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS,
                        metavar="MODEL", help=f"any of: {', '.join(MODELS)}")
    parser.add_argument("--trials", type=int, default=20,
                        help="optuna trials per tunable model (the same for every model)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the TPE sampler")
    parser.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                        help="stop a model's search after this long (the trials finished "
                             "are shown); the refit is not cut short")
    parser.add_argument("--out", type=Path, default=None,
                        help="also write the markdown table to this file")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write every row (tuned parameters, validation values, "
                             "evaluation peak) as JSON to this file")
    parser.add_argument("--tuned", type=Path, default=None,
                        help="reuse the tuned parameters of the models found in this JSON "
                             "(an earlier run's --json): refit, not tuned again")
    parser.add_argument("--member-cache", type=Path, default=None, metavar="DIR",
                        help="keep the blend's members, fitted once per dataset and split, "
                             "in this folder and reuse those found there, their fit times "
                             "and peaks included (default: a temporary folder, removed at "
                             "the end); empty it after changing a model's code")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return
    if args.trials < 1:
        parser.error("--trials must be >= 1")
    root = datasets_root()
    require_datasets(root, [f"lightgcn-splits/{name}" for name in args.datasets],
                     containing="train.txt")
    folders = [root / "lightgcn-splits" / name for name in args.datasets]

    def save(rows: list[dict[str, Any]]) -> None:
        if args.json is not None:
            args.json.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")

    earlier: dict[str, dict[str, dict[str, Any]]] = {}
    if args.tuned is not None:
        for row in json.loads(args.tuned.read_text(encoding="utf-8")):
            if "error" not in row:
                earlier.setdefault(row["dataset"], {})[row["model"]] = row

    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="graph-cf-members-") as temporary:
        cache = str(args.member_cache or temporary)
        for folder in folders:
            benchmark(folder, args.models, args.trials, args.seed, args.time_budget, rows,
                      save, earlier.get(folder.name, {}), cache)
    text = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average {load_average()}; command: "
            f"{' '.join(sys.argv)}; {time.perf_counter() - started:.0f} s in all\n\n"
            + markdown(rows))
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    save(rows)


if __name__ == "__main__":
    main()
