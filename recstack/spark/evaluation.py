r"""Full-catalog evaluation on Spark: block-wise top-K and the ranking metrics.

Scores are never materialised as users x items. Users and items are cut into blocks of
``block_size``; the cross join of user blocks with item blocks gives one task per block
pair, which scores it (``U_b I_b^T``, float32 as on a single machine), masks the block's
training pairs with ``-inf``, and keeps each user's top ``K`` within the block. A per-user
top ``K`` over those candidates (at most ``K`` per item block) gives the final lists. Equal
scores rank the lower item index first, the rule of :mod:`recstack.topk`.

The metrics have the definitions of :mod:`recstack.metrics.ranking` with binary relevance
(a test pair is relevant when its value is at least ``relevance_threshold``, or always):
with :math:`h_r` = 1 when rank :math:`r` holds a relevant item, :math:`H@k = \sum_{r\le k}
h_r` and :math:`R` the user's relevant items,

.. math::

    P@k = \frac{H@k}{k},\quad R@k = \frac{H@k}{R},\quad
    \mathrm{nDCG@k} = \frac{\sum_{r \le k} h_r / \log_2(r+1)}
                           {\sum_{r=1}^{\min(R,k)} 1/\log_2(r+1)},\quad
    \mathrm{AP@k} = \frac{1}{\min(R,k)} \sum_{r \le k} \frac{H@r}{r} h_r,

hit rate :math:`[H@k > 0]` and reciprocal rank :math:`1/r_1` (0 when :math:`r_1 > k`),
each averaged over the users with :math:`R > 0`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from recstack.errors import ConfigError, RecstackError
from recstack.spark.data import ITEM_INDEX, USER_INDEX, SparkInteractions

#: metrics computed here (binary relevance), named as in recstack.metrics.ranking
SPARK_METRICS = ("precision", "recall", "ndcg", "map", "hit_rate", "mrr")
FEATURES = "features"
SCORE = "score"
RANK = "rank"


def factor_frame(spark: Any, factors: np.ndarray, index_column: str) -> Any:
    """A ``(index, features)`` DataFrame of a factor matrix (row ``i`` is index ``i``)."""
    import pandas as pd

    factors = np.asarray(factors, np.float32)
    frame = pd.DataFrame({index_column: np.arange(len(factors), dtype=np.int32),
                          FEATURES: list(factors)})
    return spark.createDataFrame(frame, f"{index_column} int, {FEATURES} array<float>")


def top_k(user_factors: Any, item_factors: Any, train: SparkInteractions | None, k: int, *,
          users: Any = None, block_size: int = 4096) -> Any:
    """Each user's top ``k`` items by ``x_u . y_i``, training items excluded.

    Parameters
    ----------
    user_factors, item_factors
        DataFrames ``(user_index, features)`` and ``(item_index, features)`` (float arrays).
    train
        Interactions whose (user, item) pairs are excluded (None: exclude nothing).
    k
        List length.
    users
        A DataFrame with a ``user_index`` column: rank only these users (default: all).
    block_size
        Users and items per block: a task holds ``block_size**2`` float32 scores.

    Returns
    -------
    DataFrame
        ``user_index, rank (1-based), item_index, score``; fewer than ``k`` rows for a user
        when fewer items are left after the exclusion.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ConfigError(f"k must be a positive integer, got {k!r}")
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ConfigError(f"block_size must be a positive integer, got {block_size!r}")
    if users is not None:
        user_factors = user_factors.join(users.select(USER_INDEX).distinct(), USER_INDEX)
    user_blocks = (user_factors.withColumn("_ublock", F.floor(F.col(USER_INDEX) / block_size))
                   .groupBy("_ublock")
                   .agg(F.collect_list(USER_INDEX).alias("block_users"),
                        F.collect_list(FEATURES).alias("block_user_factors")))
    if train is not None:
        seen = (train.frame.select(USER_INDEX, ITEM_INDEX).distinct()
                .withColumn("_ublock", F.floor(F.col(USER_INDEX) / block_size))
                .groupBy("_ublock")
                .agg(F.collect_list(USER_INDEX).alias("block_seen_users"),
                     F.collect_list(ITEM_INDEX).alias("block_seen_items")))
        user_blocks = user_blocks.join(seen, "_ublock", "left")
    else:
        user_blocks = (user_blocks.withColumn("block_seen_users", F.array().cast("array<int>"))
                       .withColumn("block_seen_items", F.array().cast("array<int>")))
    item_blocks = (item_factors.withColumn("_iblock", F.floor(F.col(ITEM_INDEX) / block_size))
                   .groupBy("_iblock")
                   .agg(F.collect_list(ITEM_INDEX).alias("block_items"),
                        F.collect_list(FEATURES).alias("block_item_factors")))
    pairs = user_blocks.crossJoin(item_blocks)
    candidates = pairs.mapInPandas(_block_top_k(k),
                                   f"{USER_INDEX} int, {ITEM_INDEX} int, {SCORE} float")
    order = Window.partitionBy(USER_INDEX).orderBy(F.col(SCORE).desc(), F.col(ITEM_INDEX))
    return (candidates.withColumn(RANK, F.row_number().over(order)).filter(F.col(RANK) <= k)
            .select(USER_INDEX, RANK, ITEM_INDEX, SCORE))


def _block_top_k(k: int) -> Any:
    """The per-block-pair task: score, mask the training pairs, keep each user's top ``k``."""

    def run(batches: Any) -> Any:
        import pandas as pd

        from recstack.topk import top_k as select

        for batch in batches:
            for row in batch.itertuples(index=False):
                users = np.asarray(row.block_users, np.int32)
                items = np.asarray(row.block_items, np.int32)
                item_order = np.argsort(items, kind="stable")  # column order = item order
                items = items[item_order]
                user_matrix = np.stack(row.block_user_factors).astype(np.float32)
                item_matrix = np.stack(row.block_item_factors).astype(np.float32)[item_order]
                scores = user_matrix @ item_matrix.T
                seen_users = _array(row.block_seen_users)
                if len(seen_users):
                    seen_items = _array(row.block_seen_items)
                    column = np.searchsorted(items, seen_items)
                    column = np.minimum(column, len(items) - 1)
                    in_block = items[column] == seen_items
                    user_position = pd.Index(users).get_indexer(seen_users[in_block])
                    keep = user_position >= 0
                    scores[user_position[keep], column[in_block][keep]] = -np.inf
                top, top_scores = select(scores, min(k, len(items)))
                valid = np.isfinite(top_scores)
                rows = np.broadcast_to(users[:, None], top.shape)
                yield pd.DataFrame({USER_INDEX: rows[valid], ITEM_INDEX: items[top[valid]],
                                    SCORE: top_scores[valid].astype(np.float32)})

    return run


def _array(values: Any) -> np.ndarray:
    return np.zeros(0, np.int32) if values is None else np.asarray(values, np.int32)


def ranking_metrics(lists: Any, test: SparkInteractions, ks: Sequence[int], *,
                    metrics: Sequence[str] = ("precision", "recall", "ndcg", "map"),
                    relevance_threshold: float | None = None) -> tuple[Any, dict[str, float]]:
    """Per-user metrics of top-K ``lists`` (from :func:`top_k`) against ``test``, and their
    means over the users with a relevant test item (see the module docstring).

    Returns
    -------
    (DataFrame, dict)
        ``user_index`` and one column per ``metric@k``; the means by the same names.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    unknown = [m for m in metrics if m not in SPARK_METRICS]
    if unknown or not metrics:
        raise ConfigError(f"unknown metric(s) {unknown or metrics}; the Spark evaluator has "
                          f"{', '.join(SPARK_METRICS)}")
    ks = sorted({int(k) for k in ks})
    if not ks or ks[0] < 1:
        raise ConfigError(f"ks must be positive integers such as [10, 20], got {ks!r}")
    relevant = test.frame
    if relevance_threshold is not None:
        relevant = relevant.filter(F.col("value") >= float(relevance_threshold))
    truth = relevant.select(USER_INDEX, ITEM_INDEX).distinct().withColumn("_hit", F.lit(1))
    n_relevant = truth.groupBy(USER_INDEX).agg(F.count(F.lit(1)).alias("_R"))
    if n_relevant.limit(1).count() == 0:
        raise RecstackError("no test user has a relevant item")
    by_rank = Window.partitionBy(USER_INDEX).orderBy(RANK).rowsBetween(
        Window.unboundedPreceding, Window.currentRow)
    hits = (lists.join(truth, [USER_INDEX, ITEM_INDEX], "left").fillna(0, ["_hit"])
            .withColumn("_hits_so_far", F.sum("_hit").over(by_rank)))
    discount = 1.0 / F.log2(F.col(RANK) + 1.0)
    # IDCG@k for R relevant items: cumulative 1/log2(r+1), looked up at min(R, k)
    cumulative = np.cumsum(1.0 / np.log2(np.arange(2, max(ks) + 2)))
    ideal_table = F.array(*[F.lit(float(v)) for v in cumulative])
    aggregates = []
    for k in ks:
        within = F.col(RANK) <= k
        hit = F.when(within, F.col("_hit")).otherwise(0)
        aggregates += [F.sum(hit).alias(f"_H{k}"),
                       F.sum(hit * discount).alias(f"_dcg{k}"),
                       F.sum(hit * F.col("_hits_so_far") / F.col(RANK)).alias(f"_ap{k}"),
                       F.min(F.when(within & (F.col("_hit") == 1), F.col(RANK))).alias(f"_r1{k}")]
    per_user = n_relevant.join(hits.groupBy(USER_INDEX).agg(*aggregates), USER_INDEX, "left")
    columns = [F.col(USER_INDEX)]
    for k in ks:
        found = F.coalesce(F.col(f"_H{k}"), F.lit(0)).cast("double")
        capped = F.least(F.col("_R"), F.lit(k)).cast("int")
        formulas = {
            "precision": found / k,
            "recall": found / F.col("_R"),
            "ndcg": F.coalesce(F.col(f"_dcg{k}"), F.lit(0.0)) / F.element_at(ideal_table, capped),
            "map": F.coalesce(F.col(f"_ap{k}"), F.lit(0.0)) / capped,
            "hit_rate": (found > 0).cast("double"),
            "mrr": F.coalesce(1.0 / F.col(f"_r1{k}"), F.lit(0.0)),
        }
        columns += [formulas[name].alias(f"{name}@{k}") for name in metrics]
    per_user = per_user.select(*columns)
    names = [f"{name}@{k}" for k in ks for name in metrics]
    means = per_user.agg(*[F.avg(name).alias(name) for name in names]).first().asDict()
    return per_user, {name: float(means[name]) for name in names}


def evaluate_factors(user_factors: Any, item_factors: Any, train: SparkInteractions,
                     test: SparkInteractions, *, ks: Sequence[int] = (10, 20),
                     metrics: Sequence[str] = ("precision", "recall", "ndcg", "map"),
                     relevance_threshold: float | None = None, block_size: int = 4096
                     ) -> tuple[Any, dict[str, float]]:
    """Full-catalog evaluation of a factor model (scores ``x_u . y_i``) with training items
    excluded: :func:`top_k` for the test users, then :func:`ranking_metrics`."""
    test_users = test.frame.select(USER_INDEX).distinct()
    lists = top_k(user_factors, item_factors, train, max(ks), users=test_users,
                  block_size=block_size)
    return ranking_metrics(lists, test, ks, metrics=metrics,
                           relevance_threshold=relevance_threshold)
