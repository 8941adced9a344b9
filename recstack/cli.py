"""The `recstack` command line: parses arguments, calls the library, prints.

A user's mistake (a `RecstackError`) is printed as one line on stderr with exit code 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from recstack.errors import RecstackError

EXIT_USER_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return args.run(args) or 0
    except RecstackError as error:
        print(f"recstack: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("recstack: interrupted", file=sys.stderr)
        return 130


# --------------------------------------------------------------------------- commands
def _data_info(args: argparse.Namespace) -> int:
    from recstack.data.stats import describe

    data = _load(args)
    summary = describe(data)
    print(json.dumps(summary.to_dict(), indent=2) if args.json else summary)
    return 0


def _data_fetch(args: argparse.Namespace) -> int:
    from recstack.data.fetch import fetch
    from recstack.data.movielens import RELEASES
    from recstack.progress import terminal_progress

    if args.list or args.name is None:
        for known in RELEASES.values():
            pinned = known.sha256[:12] + "..." if known.sha256 else "(no pinned SHA-256)"
            print(f"{known.name:24} {known.url}  {pinned}")
        return 0 if args.list else EXIT_USER_ERROR
    path = fetch(args.name, cache_dir=args.cache_dir, url=args.url, sha256=args.sha256,
                 verify=not args.no_verify, force=args.force,
                 progress=None if args.quiet else terminal_progress())
    print(path)
    return 0


def _data_synth(args: argparse.Namespace) -> int:
    from recstack.data.files import save_table
    from recstack.data.synthetic import generate
    from recstack.progress import terminal_progress

    data = generate(n_users=args.users, n_items=args.items, n_interactions=args.interactions,
                    seed=args.seed, progress=terminal_progress())
    save_table(data, args.out)
    if data.item_table is not None:
        items_path = args.out.with_name(args.out.stem + ".items.parquet")
        _write_parquet_table(data.item_table, items_path)
        print(f"wrote {len(data):,} interactions to {args.out} and {data.n_items:,} items "
              f"to {items_path}")
    return 0


def _data_split(args: argparse.Namespace) -> int:
    from recstack.data import splits
    from recstack.data.filters import apply_filters

    data = _load(args)
    data, steps = apply_filters(data, _filters_from_args(args))
    for step in steps:
        print(step)
    if args.method == "kfold":
        results = {f"fold-{s.report.params['fold']}": s
                   for s in splits.kfold_split(data, args.k, seed=args.seed)}
    else:
        method: Callable[..., splits.Split] = {
            "random": lambda d: splits.random_split(d, args.test_fraction, seed=args.seed),
            "temporal": lambda d: splits.temporal_split(
                d, args.cutoff, test_fraction=None if args.cutoff else args.test_fraction),
            "leave-last": lambda d: splits.leave_last_out(d, args.n),
            "users": lambda d: splits.user_split(d, args.test_fraction,
                                                 fold_in_fraction=args.fold_in_fraction,
                                                 seed=args.seed),
        }[args.method]
        results = {"": method(data)}
    write_splits(results, args.out, overwrite=args.overwrite)
    for name, split in results.items():
        print(f"{name + ': ' if name else ''}{split.report}")
    print(f"wrote {args.out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from recstack.config import load_experiment

    experiment = load_experiment(args.experiment)
    out = args.out or Path(experiment.output or Path("results") / experiment.name)
    _run_and_print(experiment, out)
    return 0


def _tune(args: argparse.Namespace) -> int:
    from recstack.config import load_experiment
    from recstack.progress import terminal_progress
    from recstack.tuning import tune

    experiment = load_experiment(args.experiment)
    result = tune(experiment, progress=terminal_progress())
    out = args.out or args.experiment.with_name(args.experiment.stem + ".tuned.toml")
    result.write_experiment(out)
    print(f"best {result.metric} on the validation split: {result.best_value:.4f} with")
    for name, value in result.best_params.items():
        print(f"  {name} = {value!r}")
    print(f"wrote {out} (run it with: recstack evaluate {out})")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from importlib.resources import files

    from recstack.config import load_experiment
    from recstack.data.stats import describe
    from recstack.data.synthetic import generate
    from recstack.progress import terminal_progress

    print("recstack demo on the built-in synthetic dataset (generated users and items, not "
          "real people: see the README)\n")
    print(describe(generate(progress=terminal_progress())), end="\n\n")
    experiment = load_experiment(files("recstack") / "experiments" / "demo.toml")
    _run_and_print(experiment, args.out)
    return 0


def _run_and_print(experiment: Any, out: Path) -> None:
    import pandas as pd

    from recstack.experiment import run_experiment
    from recstack.progress import terminal_progress

    result = run_experiment(experiment, progress=terminal_progress())
    for step in result.filter_steps:
        print(step)
    print(result.split_report, end="\n\n")
    with pd.option_context("display.width", 200, "display.max_columns", 50,
                           "display.float_format", "{:.4f}".format):
        print(result.table().T)
    for model, diagnostics in result.diagnostics.items():
        for diagnostic in diagnostics:
            print(f"{model}: {diagnostic}")
    for model, test in result.significance.items():
        print(f"{model} vs {result.results[0].model}: {test}")
    print(f"\nwrote {result.write(out)}")


# --------------------------------------------------------------------------- helpers
def write_splits(results: dict[str, Any], out: Path, *, overwrite: bool) -> None:
    """Write each split's parts as Parquet plus report.json into ``out`` (one sub-folder per
    named split). All files go to a temporary folder renamed into place at the end, so an
    interrupted run leaves nothing half-written."""
    import shutil
    import tempfile

    from recstack.data.files import save_table

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise RecstackError(f"{out} already exists and is not empty; pass --overwrite "
                            "or choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, split in results.items():
            folder = staging / name if name else staging
            folder.mkdir(parents=True, exist_ok=True)
            for part in ("train", "test", "fold_in", "set_apart"):
                frame = getattr(split, part)
                if frame is not None:
                    save_table(frame, folder / f"{part}.parquet")
            (folder / "report.json").write_text(json.dumps(split.report.to_dict(), indent=2))
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_parquet_table(frame: Any, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recstack.atomic import write_with

    table = pa.Table.from_pandas(frame, preserve_index=False)
    write_with(path, lambda target: pq.write_table(table, target))


def _load(args: argparse.Namespace) -> Any:
    from recstack.data.sources import ColumnMapping, load_source
    from recstack.progress import terminal_progress

    columns = ColumnMapping(user=args.user_col, item=args.item_col, value=args.value_col,
                            timestamp=args.timestamp_col)
    return load_source(args.source, columns=columns, progress=terminal_progress())


def _filters_from_args(args: argparse.Namespace) -> list[Any]:
    from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow

    filters: list[Any] = []
    if args.dedupe:
        filters.append(Deduplicate(args.dedupe))
    if args.min_value is not None:
        filters.append(MinValue(args.min_value))
    if args.start or args.end:
        filters.append(TimeWindow(args.start, args.end))
    if args.k_core:
        filters.append(KCore(args.k_core, args.k_core))
    return filters


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="a path (MovieLens folder, CSV/TSV/Parquet file, "
                        "partitioned Parquet folder), a fetched dataset name such as "
                        "movielens-100k, or synthetic[:name=value,...]")
    group = parser.add_argument_group("columns of a generic CSV/TSV/Parquet file")
    group.add_argument("--user-col", default="user_id")
    group.add_argument("--item-col", default="item_id")
    group.add_argument("--value-col", default=None, help="rating or weight (default: 1.0)")
    group.add_argument("--timestamp-col", default=None)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recstack", description=(
        "Recommender systems from interaction logs to evaluated recommendations."))
    commands = parser.add_subparsers(title="commands")

    demo = commands.add_parser("demo", help="run the main job on the built-in dataset")
    demo.add_argument("--out", type=Path, default=Path("results") / "demo")
    demo.set_defaults(run=_demo)

    evaluate = commands.add_parser("evaluate", help="run an experiment file (TOML)")
    evaluate.add_argument("experiment", type=Path)
    evaluate.add_argument("--out", type=Path, default=None,
                          help="results folder (default: the file's output, or results/NAME)")
    evaluate.set_defaults(run=_evaluate)

    tune = commands.add_parser("tune", help="search a model's hyperparameters (optuna) on a "
                               "validation split of the training data")
    tune.add_argument("experiment", type=Path, help="an experiment file with a [tune] table")
    tune.add_argument("--out", type=Path, default=None,
                      help="where to write the tuned experiment (default: NAME.tuned.toml)")
    tune.set_defaults(run=_tune)

    data = commands.add_parser("data", help="inspect, fetch, generate and split data")
    data_commands = data.add_subparsers(title="data commands")

    info = data_commands.add_parser("info", help="statistics of a data source")
    _add_source(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(run=_data_info)

    fetch = data_commands.add_parser("fetch", help="download a public dataset into the cache")
    fetch.add_argument("name", nargs="?", help="e.g. movielens-100k (see --list)")
    fetch.add_argument("--list", action="store_true", help="list the known datasets")
    fetch.add_argument("--quiet", action="store_true", help="no progress bars")
    fetch.add_argument("--cache-dir", type=Path, default=None)
    fetch.add_argument("--url", default=None, help="a mirror to download from instead")
    fetch.add_argument("--sha256", default=None, help="expected SHA-256 of the archive")
    fetch.add_argument("--no-verify", action="store_true",
                       help="accept an archive without a pinned digest (10M, latest)")
    fetch.add_argument("--force", action="store_true", help="download again even if cached")
    fetch.set_defaults(run=_data_fetch)

    synth = data_commands.add_parser("synth", help="write the synthetic dataset as Parquet")
    synth.add_argument("--users", type=int, default=2000)
    synth.add_argument("--items", type=int, default=1500)
    synth.add_argument("--interactions", type=int, default=100_000)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True)
    synth.set_defaults(run=_data_synth)

    split = data_commands.add_parser("split", help="filter and split a source into Parquet")
    _add_source(split)
    split.add_argument("--method", choices=["random", "temporal", "leave-last", "users",
                                            "kfold"], default="random")
    split.add_argument("--test-fraction", type=float, default=0.2,
                       help="share of each user's rows (random), of all rows (temporal, "
                       "without --cutoff) or of users (users)")
    split.add_argument("--cutoff", default=None, help="temporal: Unix seconds or ISO date")
    split.add_argument("--n", type=int, default=1, help="leave-last: rows per user")
    split.add_argument("--fold-in-fraction", type=float, default=0.8,
                       help="users: share of a held-out user's history given to the model")
    split.add_argument("--k", type=int, default=5, help="kfold: number of folds")
    split.add_argument("--seed", type=int, default=0)
    split.add_argument("--k-core", type=int, default=0, help="k-core filter before splitting")
    split.add_argument("--min-value", type=float, default=None,
                       help="keep rows with value >= this (e.g. 4 for positives)")
    split.add_argument("--start", default=None, help="time window start (ISO date or seconds)")
    split.add_argument("--end", default=None, help="time window end, exclusive")
    split.add_argument("--dedupe", choices=["sum", "last", "first", "max", "mean"],
                       default=None, help="resolve repeated (user, item) rows")
    split.add_argument("--out", type=Path, required=True)
    split.add_argument("--overwrite", action="store_true")
    split.set_defaults(run=_data_split)
    return parser


if __name__ == "__main__":
    sys.exit(main())
