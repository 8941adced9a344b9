"""Held-out users and k-fold cross-validation as distributed operations, and
:func:`apply_split`, which runs any split spec of the ``SPLITS`` registry (an experiment
file's ``[split]``) on Spark.

The random, temporal and leave-last-N splits live in :mod:`recstack.spark.data`; this
module adds :func:`user_split` (:func:`recstack.data.splits.user_split`) and
:func:`kfold_split` (:func:`recstack.data.splits.kfold_split`), with the same counts per
user, the same reports and the same rules for what is set apart.

Seeds. As for the random split (see :mod:`recstack.spark.data`), numpy's generator
cannot be reproduced across executors, so every random choice is the order of a 64-bit
hash of the seed and a stable position, salted by what it decides:

- ``user_split``: the held-out users are the ``n_held`` users with the smallest
  ``xxhash64(seed, "users", user_index)`` (``n_held = max(1, share_count(test_users,
  active users))``, as on a single machine: a half rounded up); with ``by_time=False``
  each held-out user's rows are ordered by ``xxhash64(seed, "rows", row)``, and the first
  ``max(share_count(1 - fold_in_fraction, n), 1)`` of them are the test targets
  (``by_time=True``: the latest rows, ties to the earlier row, exactly as on a single
  machine).
- ``kfold_split``: with ``stratify="user"`` each user's rows are ordered by
  ``xxhash64(seed, "kfold", row)`` and dealt round-robin from a per-user offset
  ``xxhash64(seed, "offset", user_index) mod k``; with ``stratify=None`` all rows are
  ordered by that hash and row ``r`` of the order goes to fold ``r mod k``.

The same seed therefore gives the same number of held-out users and, for every user, the
same number of test (and fold-in) rows as the single-machine split, and the same number of
rows per fold; the users and rows chosen are drawn from the same (uniform) distribution,
but are not numpy's. Neither depends on the partitioning or the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from recstack.data.splits import (
    SPLITS,
    KFold,
    LeaveLastOut,
    RandomSplit,
    SplitSpec,
    TemporalSplit,
    UserSplit,
    _exact_as_read,
    check_every_fold_has_rows,
    exact_share,
    fold_set_apart_message,
    kfold_stratify,
    no_training_users,
    refuse_a_count_for_a_share,
    share_count,
    too_few_rows_for_folds,
)
from recstack.errors import ConfigError, EmptyResultError, RecstackError
from recstack.spark.data import (
    ITEM_INDEX,
    ROW,
    SHARE,
    SIZE,
    USER_INDEX,
    SparkInteractions,
    SparkSplit,
    _finish,
    _materialise,
    check_data,
    latest_first,
    leave_last_out,
    random_split,
    require_rows,
    shares_of_sizes,
    split_seed,
    temporal_split,
    warn_of_tied_last_rows,
)
from recstack.specs import arguments_named

#: the split methods this backend runs (the names of the SPLITS registry)
SPARK_SPLITS = ("random", "temporal", "leave_last_out", "users", "kfold")


@arguments_named
def user_split(data: SparkInteractions, test_users: float = 0.2, *,
               fold_in_fraction: float = 0.8, by_time: bool = False, seed: int = 0
               ) -> SparkSplit:
    """Held-out users (:func:`recstack.data.splits.user_split`): a share of the users is
    kept out of training; of each held-out user's rows ``fold_in_fraction`` is the
    revealed history (``SparkSplit.fold_in``) and the rest the test targets. Seeds: see
    the module notes."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    check_data(data, "user_split(data)")
    # a count of users where the share belongs, told as the share it is of these users, as
    # one machine tells it (the users are counted, a job, only for such a count)
    refuse_a_count_for_a_share(test_users, "test_users", "user_split",
                               "the share of users held out of training", "users",
                               lambda: data.frame.select(USER_INDEX).distinct().count())
    spec = UserSplit(test_users, fold_in_fraction, by_time, seed)
    # fold_in_fraction=Decimal("0.8") was a TypeError of 1.0 - Decimal: exact numbers as
    # the spec read them, as one machine reads and reports them
    test_users = _exact_as_read(test_users, spec.test_users)
    fold_in_fraction = _exact_as_read(fold_in_fraction, spec.fold_in_fraction)
    seed, by_time = spec.seed, spec.by_time  # np.True_ as True, reported as a bool
    seed = split_seed(seed, "users")
    if by_time and not data.has_timestamps:
        raise RecstackError("user split by_time needs timestamps; these data have none")
    active = data.frame.select(USER_INDEX).distinct()
    n_active = active.count()
    if n_active == 0:
        raise EmptyResultError("cannot split: the data have no rows")
    n_held = max(1, share_count(test_users, n_active))
    if n_held >= n_active:
        raise EmptyResultError(no_training_users(n_held, n_active, test_users))
    held = _first_by_hash(active, F.xxhash64(F.lit(int(seed)), F.lit("users"),
                                             F.col(USER_INDEX)), [USER_INDEX], n_held)
    held = held.select(USER_INDEX).withColumn("_held", F.lit(True))
    key = F.xxhash64(F.lit(int(seed)), F.lit("rows"), F.col(ROW))
    by_user = Window.partitionBy(USER_INDEX)
    # position 0 is the row revealed last (the largest key), so the latest rows become the
    # test targets; among rows at one time the later row in the data is the later event, as
    # on one machine and in leave_last_out (the earlier row was held out here, where one
    # machine holds out the later)
    # (and the fraction of a second, where the data keep one, before the row: see
    # latest_first)
    order = latest_first(data) if by_time else [key.desc(), F.col(ROW).asc()]
    position = F.row_number().over(by_user.orderBy(*order)) - 1
    size = F.count(F.lit(1)).over(by_user)
    sized = shares_of_sizes(data.frame.join(held, USER_INDEX, "left").withColumn(SIZE, size),
                            1 - exact_share(fold_in_fraction))
    n_target = F.greatest(F.col(SHARE), F.lit(1))
    row_held = F.coalesce(F.col("_held"), F.lit(False))
    # positions and target counts kept for the tie warning (by_time)
    flagged = (sized.withColumn("_position", position).withColumn("_n_target", n_target)
               .withColumn("_is_test", row_held & (F.col("_position") < F.col("_n_target")))
               .withColumn("_is_fold_in", row_held & ~F.col("_is_test"))
               .drop("_held", SIZE, SHARE))
    split = _finish(data, flagged, "user", {"test_users": test_users,
                                            "fold_in_fraction": fold_in_fraction,
                                            "by_time": by_time, "seed": seed}, fold_in=True)
    if by_time:
        # one machine's TiedLastRowsWarning: a target at the time of a revealed row
        warn_of_tied_last_rows(data, flagged.filter(F.col("_is_test") | F.col("_is_fold_in")),
                               F.col("_n_target"), "user split (by_time=True)",
                               "the fold-in history")
    _warn_of_users_without_fold_in(data, split, fold_in_fraction)
    return split


def _warn_of_users_without_fold_in(data: SparkInteractions, split: SparkSplit,
                                   fold_in_fraction: float) -> None:
    """One machine's :class:`~recstack.data.splits.NoFoldInWarning`, in its words: held-out
    test users without a fold-in row (a single row, all of a few rows held out as targets,
    or their revealed rows set apart) are scored as strangers, and the Spark split said
    nothing of them. One job: the test users less the revealed ones, with their sizes."""
    from pyspark.sql import functions as F

    from recstack.data.splits import warn_of_users_without_fold_in

    tested = split.test.frame.select(USER_INDEX).distinct()
    revealed = (split.fold_in.frame.select(USER_INDEX).distinct() if split.fold_in is not None
                else tested.limit(0))
    sizes = data.frame.groupBy(USER_INDEX).agg(F.count(F.lit(1)).alias("_size"))
    row = (tested.join(revealed.withColumn("_revealed", F.lit(True)), USER_INDEX, "left")
           .join(sizes, USER_INDEX, "left")
           .agg(F.count(F.lit(1)).alias("tested"),
                F.sum(F.when(F.col("_revealed").isNull(), 1).otherwise(0)).alias("without"),
                F.sum(F.when(F.col("_revealed").isNull() & (F.col("_size") == 1), 1)
                      .otherwise(0)).alias("single"))
           .collect()[0])
    warn_of_users_without_fold_in(int(row["tested"]), int(row["without"] or 0),
                                  int(row["single"] or 0), fold_in_fraction)


@arguments_named
def kfold_split(data: SparkInteractions, k: int = 5, *, stratify: str | None = "user",
                seed: int = 0) -> Iterator[SparkSplit]:
    """``k`` splits whose test parts partition the data
    (:func:`recstack.data.splits.kfold_split`); the folds are assigned once (one
    materialised pass) and each split is built when it is asked for. Seeds: see the
    module notes."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    stratify = kfold_stratify(stratify)  # one machine's rule and words
    spec = KFold(k, "none" if stratify is None else stratify, seed)
    k, seed = spec.k, spec.seed  # as the spec read them: Decimal(2) is 2
    check_data(data, "kfold_split(data)")
    seed = split_seed(seed, "kfold")
    require_rows(data)
    rows = data.frame.count()
    if k > rows:
        # the single-machine split's words (recstack.data.splits.kfold_split), not "fold 1
        # would have no test rows ...; choose a smaller k" without the number of rows
        advice = (f"choose a k of at most {rows:,}" if rows >= 2 else
                  "k-fold needs at least 2 rows, one per fold")
        raise EmptyResultError(
            f"kfold: {too_few_rows_for_folds(k, rows)}; {advice}")
    key = F.xxhash64(F.lit(int(seed)), F.lit("kfold"), F.col(ROW))
    if stratify == "user":
        position = F.row_number().over(Window.partitionBy(USER_INDEX).orderBy(key, ROW)) - 1
        # a per-user offset, so that fold 0 does not always get users' first rows
        offset = F.pmod(F.xxhash64(F.lit(int(seed)), F.lit("offset"), F.col(USER_INDEX)),
                        F.lit(k))
        folded = data.frame.withColumn("_fold", F.pmod(position + offset, F.lit(k)))
    else:
        ranked = _first_by_hash(data.frame, key, [ROW], None)
        folded = ranked.withColumn("_fold", F.pmod(F.col("_order"), F.lit(k))).drop("_order")
    folded = _materialise(folded)
    # every fold must have test rows: found here, not when the folds before it have run
    per_fold = dict(folded.groupBy("_fold").count().collect())  # at most min(k, rows)
    check_every_fold_has_rows(k, np.sort(list(per_fold)), sum(per_fold.values()), stratify)
    _refuse_folds_set_apart(folded, k)
    return _kfold_folds(data, folded, k, stratify, seed)


def _refuse_folds_set_apart(folded: Any, k: int) -> None:
    """Refuse, before the first fold runs, a fold whose test rows would all be set apart
    as :func:`recstack.spark.data._finish` sets them apart (an item or user with no row in
    the other folds, a pair the other folds hold too), in the words of one machine's
    :func:`recstack.data.splits.kfold_split`: that fold's split failed only after the
    folds before it had been trained and evaluated. One job: counts by key and by (key,
    fold), then the folds that would keep no row."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    def only_in_fold(*keys: str) -> Any:
        # each row: whether every row of its key lies in the row's own fold
        rows = F.count(F.lit(1))
        return rows.over(Window.partitionBy(*keys)) == rows.over(
            Window.partitionBy(*keys, "_fold"))

    judged = folded.select(
        "_fold", only_in_fold(ITEM_INDEX).alias("_cold_item"),
        only_in_fold(USER_INDEX).alias("_cold_user"),
        (~only_in_fold(USER_INDEX, ITEM_INDEX)).alias("_repeated"))
    item, user, pair = F.col("_cold_item"), F.col("_cold_user"), F.col("_repeated")

    def rows_where(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0))

    empty = (judged.groupBy("_fold")
             .agg(F.count(F.lit(1)).alias("rows"),
                  rows_where(~item & ~user & ~pair).alias("kept"),
                  rows_where(item).alias("item"), rows_where(user & ~item).alias("user"),
                  rows_where(pair & ~item & ~user).alias("pair"))
             .filter(F.col("kept") == 0).orderBy("_fold").limit(1).collect())
    if not empty:
        return
    fold = empty[0]
    # one machine's words, counts and nouns in agreement ("3 rows of items in no other
    # fold"; it said "3 of items in no other fold")
    raise EmptyResultError(fold_set_apart_message(
        k, int(fold["_fold"]), int(fold["rows"]), int(fold["item"]), int(fold["user"]),
        int(fold["pair"])))


def _kfold_folds(data: SparkInteractions, folded: Any, k: int, stratify: str | None,
                 seed: int) -> Iterator[SparkSplit]:
    from pyspark.sql import functions as F

    for i in range(k):
        flagged = folded.withColumn("_is_test", F.col("_fold") == i).drop("_fold")
        yield _finish(data, flagged, "kfold", {"k": k, "fold": i, "stratify": stratify,
                                               "seed": seed})


@arguments_named
def apply_split(data: SparkInteractions, spec: SplitSpec) -> list[SparkSplit]:
    """Run a split spec (an experiment file's ``[split]``, e.g.
    ``load_experiment(path).split``, or ``SPLITS.build(...)``) as
    :meth:`SplitSpec.apply` does: one split, or every fold of a cross-validation. A method
    without a distributed version is refused, naming it."""
    if not isinstance(spec, SplitSpec):
        raise ConfigError(f"split: expected a split method such as RandomSplit(0.2) (one of "
                          f"{', '.join(SPLITS.names())}), got {spec!r}")
    check_data(data, "apply_split(data)")
    if isinstance(spec, RandomSplit):
        return [random_split(data, spec.test_fraction, seed=spec.seed)]
    if isinstance(spec, TemporalSplit):
        if spec.cutoff is not None:
            return [temporal_split(data, spec.cutoff)]
        fraction = 0.2 if spec.test_fraction is None else spec.test_fraction
        return [temporal_split(data, test_fraction=fraction)]
    if isinstance(spec, LeaveLastOut):
        return [leave_last_out(data, spec.n)]
    if isinstance(spec, UserSplit):
        return [user_split(data, spec.test_users, fold_in_fraction=spec.fold_in_fraction,
                           by_time=spec.by_time, seed=spec.seed)]
    if isinstance(spec, KFold):
        return list(kfold_split(data, spec.k, seed=spec.seed,
                                stratify=None if spec.stratify == "none" else spec.stratify))
    raise RecstackError(f"split method {spec.kind_name or type(spec).__name__!r} has no "
                        f"distributed version in the Spark backend; it runs "
                        f"{', '.join(SPARK_SPLITS)} (split on a single machine, or choose "
                        "one of those)")


def _first_by_hash(frame: Any, key: Any, tie_break: list[str], n: int | None) -> Any:
    """``frame``'s rows in the order of ``key`` (then ``tie_break``) with their 0-based
    position as ``_order``; only the first ``n`` when ``n`` is given. A distributed sort
    (range partitioning) and Spark's ``zipWithIndex``: nothing is collected."""
    from pyspark.sql.types import LongType, StructField, StructType

    ordered = frame.withColumn("_key", key).orderBy("_key", *tie_break).drop("_key")
    schema = StructType(ordered.schema.fields + [StructField("_order", LongType(), False)])
    numbered = ordered.rdd.zipWithIndex()
    if n is not None:
        numbered = numbered.filter(lambda pair: pair[1] < n)
    rows = numbered.map(lambda pair: (*pair[0], pair[1]))
    return frame.sparkSession.createDataFrame(rows, schema)
