"""Spark backend at scale: load + k-core + split + ALS fit + evaluation, on Spark and on one
machine, on the same time-partitioned Parquet data in one run.

The data are ``recstack.data.synthetic.generate`` (default 20M interactions, MovieLens-20M
shaped: 138,000 users x 27,000 items) written with ``write_partitioned`` (year/month). Both
paths then run the same pipeline: read the partitioned dataset, k-core (5, 5), per-user
random 80/20 split, implicit ALS (same factors, lambda, alpha, iterations, seed), full-
catalog top-K evaluation (nDCG@10, recall@10) of ``--eval-users`` test users. Each stage
is timed; peak memory is the driver process's (``ru_maxrss``) and the JVM's (``VmHWM`` of
the Spark JVM, read from /proc; local mode runs the executors inside it).

The last section is an ESTIMATE, on paper, of a cluster for 1B interactions, from this
run's measured seconds per million rows per core of each Spark stage, assuming the
stages scale linearly in rows and divide evenly over executor cores (shuffle network
time and skew are not measured here, so a factor ``--overhead`` is applied).

Run ``python benchmarks/spark_scale.py --help``; a quick check:
``nice python benchmarks/spark_scale.py --interactions 500000 --users 20000 --items 5000``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import load_average, peak_rss_mib  # noqa: E402


def _jvm_peak_mib(spark) -> float:
    """Peak resident memory of the Spark JVM (the gateway's java process)."""
    pid = spark.sparkContext._gateway.proc.pid
    best = 0.0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return best


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        if children.exists():
            found += [int(c) for c in children.read_text().split()]
    return found + [g for c in found for g in _children(c)]


class Clock:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def stage(self, name: str, action):
        start = time.perf_counter()
        result = action()
        self.times[name] = time.perf_counter() - start
        print(f"  {name}: {self.times[name]:.1f} s", flush=True)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=20_000_000)
    parser.add_argument("--users", type=int, default=138_000)
    parser.add_argument("--items", type=int, default=27_000)
    parser.add_argument("--factors", type=int, default=32)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--eval-users", type=int, default=5_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--executors", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--cores-per-executor", type=int, default=4)
    parser.add_argument("--overhead", type=float, default=2.0,
                        help="factor for shuffle network time and skew in the estimate")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    from recstack.data.filters import KCore
    from recstack.data.partitioned import read_partitioned, write_partitioned
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.evaluation.evaluator import Evaluator
    from recstack.models.als import ALS
    from recstack.spark import data as sd
    from recstack.spark import evaluation as se
    from recstack.spark.models import SparkALS
    from recstack.spark.session import SparkSettings, spark_session

    hyper = {"factors": args.factors, "regularization": 0.05, "alpha": 3.0,
             "iterations": args.iterations, "seed": 0}
    print(f"# spark_scale: {args.interactions:,} interactions, {args.users:,} users x "
          f"{args.items:,} items, master {args.master}, cores {os.cpu_count()}, "
          f"load {load_average()}")
    with tempfile.TemporaryDirectory(prefix="spark-scale-") as work:
        root = Path(work) / "log"
        data = generate(n_users=args.users, n_items=args.items,
                        n_interactions=args.interactions, seed=0)
        write_partitioned(data, root)
        n_files = len(list(root.rglob("*.parquet")))
        del data

        print("single machine:")
        local = Clock()
        loaded = local.stage("load", lambda: read_partitioned(root))
        kept = local.stage("k-core", lambda: KCore(5, 5).apply(loaded.implicit())[0])
        split = local.stage("split", lambda: random_split(kept, 0.2, seed=0))
        model = local.stage("ALS fit", lambda: ALS(**hyper).fit(split.train))
        test_users = np.unique(split.test.user_index)[:args.eval_users]
        test = split.test.for_users(test_users)
        local_metrics = local.stage("evaluate", lambda: Evaluator(
            metrics=["ndcg", "recall"], ks=[10]).evaluate(model, split.train, test).means())
        local_peak = peak_rss_mib()

        print("spark:")
        spark = spark_session(SparkSettings(master=args.master, conf={
            "spark.driver.memory": args.driver_memory, "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": str(4 * (os.cpu_count() or 2))}))
        spark.sparkContext.setLogLevel("ERROR")
        cores = spark.sparkContext.defaultParallelism
        timed = Clock()

        def load():
            frame = sd.read_partitioned(spark, root)
            frame = frame.with_frame(frame.frame.cache())
            frame.frame.count()
            return frame

        frame = timed.stage("load", load)
        implicit = frame.with_frame(frame.frame.withColumn("value", frame.frame.value * 0 + 1.0))
        kept_spark = timed.stage("k-core", lambda: sd.k_core(implicit, 5, 5)[0])
        spark_split = timed.stage("split", lambda: sd.random_split(kept_spark, 0.2, seed=0))
        spark_model = timed.stage("ALS fit", lambda: SparkALS(**hyper, blocks=cores).fit(
            spark_split.train))
        users = spark_split.test.frame.select(sd.USER_INDEX).distinct().orderBy(
            sd.USER_INDEX).limit(args.eval_users)
        spark_test = spark_split.test.with_frame(spark_split.test.frame.join(users,
                                                                             sd.USER_INDEX))
        spark_metrics = timed.stage("evaluate", lambda: se.evaluate_factors(
            spark_model.user_factors_, spark_model.item_factors_, spark_split.train,
            spark_test, ks=[10], metrics=["ndcg", "recall"], block_size=2048)[1])
        jvm_peak = _jvm_peak_mib(spark)
        driver_peak = peak_rss_mib()

    print("\n| stage | single machine s | spark s |\n|---|---|---|")
    for name in local.times:
        print(f"| {name} | {local.times[name]:.1f} | {timed.times[name]:.1f} |")
    print(f"| total | {sum(local.times.values()):.1f} | {sum(timed.times.values()):.1f} |")
    print(f"\npeak memory: single machine {local_peak:,.0f} MiB (python); spark driver "
          f"{driver_peak:,.0f} MiB (python, after both), JVM {jvm_peak:,.0f} MiB")
    print(f"accuracy (eval users {args.eval_users:,}): single machine ndcg@10 "
          f"{local_metrics['ndcg@10']:.4f}, spark ndcg@10 {spark_metrics['ndcg@10']:.4f}")
    print(f"input: {n_files} Parquet files (partitions)")

    per_million_core = {name: seconds * cores / (args.interactions / 1e6)
                        for name, seconds in timed.times.items() if name != "evaluate"}
    print("\n## ESTIMATE (on paper, not measured) for 1B interactions")
    print("core-seconds per million rows measured here: " + ", ".join(
        f"{k} {v:.2f}" for k, v in per_million_core.items()))
    for executors in args.executors:
        total_cores = executors * args.cores_per_executor
        seconds = sum(per_million_core.values()) * 1000 / total_cores * args.overhead
        ratings_gib = 1e9 * 12 / 2**30 / executors  # (user int, item int, value float)
        print(f"- {executors} executors x {args.cores_per_executor} cores: ~{seconds / 60:.0f} "
              f"min for load + k-core + split + ALS fit ({args.iterations} iterations), "
              f"x{args.overhead} for shuffle and skew; memory: ALS holds ~{ratings_gib:.1f} "
              "GiB of ratings per executor plus factor blocks")


if __name__ == "__main__":
    main()
