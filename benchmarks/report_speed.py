"""How long ``recstack report`` takes, and how large the page is, for 6 models on
MovieLens 100K (issue #14: under 30 s on 2 cores including t-SNE, under 10 MB).

The experiment (most_popular, random, item_knn, ease, als, bpr on a random 80/20 split) is
evaluated once into a temporary folder (not timed); then the report is written and timed
twice, with the t-SNE maps and Plotly charts: from the plain results folder (the report
reloads the data and refits every model, see :mod:`recstack.analysis.report`), and after
the fitted models were saved into ``RESULTS/models/<label>/`` (what the evaluate step does
when asked to keep its models; the report then loads instead of refitting). The data
folder is ``$RECSTACK_DATASETS/ml-100k`` (or ``--data``).

Usage::

    nice python benchmarks/report_speed.py
    nice python benchmarks/report_speed.py --static       # matplotlib PNG fallback

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import DATASETS_ROOT_HELP, datasets_root, load_average, peak_rss_mib  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=datasets_root() / "ml-100k",
                        help=f"the MovieLens 100K folder (default: ml-100k/ in "
                             f"{DATASETS_ROOT_HELP})")
    parser.add_argument("--static", action="store_true", help="PNG charts instead of Plotly")
    parser.add_argument("--projection", choices=("tsne", "umap", "none"), default="tsne")
    parser.add_argument("--threads", type=int, default=1, help="t-SNE threads")
    return parser.parse_args(argv)


def experiment_raw(data: Path) -> dict:
    return {
        "name": "report-speed-ml100k",
        "seed": 0,
        "data": {"source": str(data)},
        "split": {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["precision", "recall", "ndcg", "map", "hit_rate",
                                   "coverage", "novelty"],
                       "ks": [5, 10, 20], "relevance_threshold": 4.0},
        "models": [
            {"type": "most_popular"},
            {"type": "random", "seed": 0},
            {"type": "item_knn", "neighbors": 100},
            {"type": "ease", "regularization": 200.0},
            {"type": "als", "factors": 64, "regularization": 10.0, "iterations": 15,
             "seed": 0},
            {"type": "bpr", "factors": 64, "seed": 0},
        ],
    }


def _cpu_seconds() -> float:
    """User plus system CPU time of this process and its threads so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from recstack.analysis.report import write_report
    from recstack.config import parse_experiment
    from recstack.experiment import build_models, make_split, prepare_data, run_experiment

    if not (args.data / "u.data").exists():
        raise SystemExit(f"{args.data}: no MovieLens 100K here; set RECSTACK_DATASETS or "
                         "pass --data")
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results"
        experiment = parse_experiment(experiment_raw(args.data), source="report_speed",
                                      base=Path.cwd())
        started = time.perf_counter()
        run_experiment(experiment, out=results)
        evaluate_s = time.perf_counter() - started
        projection = None if args.projection == "none" else args.projection
        kind = "static" if args.static else "Plotly"
        rows = []
        for how in ("refitted", "saved"):
            if how == "saved":
                # what the evaluate step would do with `[report] save_models = true`
                split = make_split(experiment, prepare_data(experiment)[0])
                for label, model in build_models(experiment):
                    model.fit(split.train).save(results / "models" / label)
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            page = write_report(results, interactive=not args.static, projection=projection,
                                n_threads=args.threads)
            rows.append((f"report ({args.projection}, {kind}), models {how}",
                         time.perf_counter() - started, _cpu_seconds() - cpu_started,
                         page.stat().st_size))
    # on a shared machine the wall time grows with the other jobs' load; the CPU time of
    # this process (every thread) is what the report costs a dedicated machine at most
    print("| what | value |\n| --- | --- |")
    print(f"| evaluate (6 models, not part of the target) | {evaluate_s:.1f} s |")
    for what, seconds, cpu, size in rows:
        print(f"| {what} | {seconds:.1f} s wall, {cpu:.1f} s CPU, {size / 2**20:.2f} MiB |")
    print(f"| cores / load average | {os.cpu_count()} / {load_average()} |")
    print(f"| peak memory | {peak_rss_mib():.0f} MiB |")


if __name__ == "__main__":
    main()
