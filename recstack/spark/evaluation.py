r"""Full-catalog evaluation on Spark: block-wise top-K and the ranking metrics.

Scores are never materialised as users x items. Users and items are cut into blocks of
``block_size``; the cross join of user blocks with item blocks gives one task per block
pair, which scores it (``U_b I_b^T``, float32 as on a single machine), masks the block's
training pairs with ``-inf``, and keeps each user's top ``K`` within the block. A per-user
top ``K`` over those candidates (at most ``K`` per item block) gives the final lists. Equal
scores rank the lower item index first, the rule of :mod:`recstack.topk`. A test user
without a training row is ranked by item popularity (:func:`popularity_lists`), as one
machine's Evaluator ranks such a user of a factor model.

The metrics have the definitions of :mod:`recstack.metrics.ranking` and the ground truth
of :meth:`recstack.evaluation.evaluator.Evaluator.relevance` (:func:`relevance`): one grade
per test pair (``duplicate_grade``), relevant when its value is at least
``relevance_threshold`` (or always), graded by its value with ``graded`` (else 1). With
:math:`g_r` the grade at rank :math:`r` (0 when not relevant), :math:`h_r = [g_r > 0]`,
:math:`H@k = \sum_{r\le k} h_r` and :math:`R` the user's relevant items,

.. math::

    P@k = \frac{H@k}{k},\quad R@k = \frac{H@k}{R},\quad
    \mathrm{nDCG@k} = \frac{\sum_{r \le k} (2^{g_r} - 1) / \log_2(r+1)}
                           {\sum_{r=1}^{\min(R,k)} (2^{g^*_r} - 1)/\log_2(r+1)},\quad
    \mathrm{AP@k} = \frac{1}{\min(R,k)} \sum_{r \le k} \frac{H@r}{r} h_r,

with :math:`g^*` the user's grades sorted best first (``ndcg_linear``: gain :math:`g`
instead of :math:`2^g - 1`; both are the binary nDCG when every grade is 1); hit rate
:math:`[H@k > 0]`, reciprocal rank :math:`1/r_1` (0 when :math:`r_1 > k`), capped recall
:math:`H@k / \min(R, k)` and F1 :math:`2 H@k / (k + R)`, each averaged over the users with
:math:`R > 0`. The list metrics (catalog coverage, novelty, average popularity) are those
of :mod:`recstack.metrics.beyond_accuracy` as the Evaluator computes them (see
:func:`ranking_metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from recstack.data.interactions import check_threshold, is_one_of
from recstack.errors import ConfigError, RecstackError, shown
from recstack.metrics._validation import MetricInputError
from recstack.metrics.ranking import (
    _MAX_EXPONENTIAL_GRADE,
    _SAFE_GAIN_EXPONENT,
    NDCG_ROUNDING,
    SUM_ROUNDING,
)
from recstack.spark.data import (
    ITEM_INDEX,
    USER_INDEX,
    VALUE,
    SparkInteractions,
    as_count_bound,
    check_index_columns,
    check_session,
    warn_of_a_threshold_keeping_every_row,
)
from recstack.specs import (
    arguments_named,
    cutoffs_problem,
    cutoffs_text,
    did_you_mean,
    whole_exact_as_int,
)

#: list metrics of the Evaluator computed here (diversity needs item features: not here)
LIST_METRICS = ("coverage", "novelty", "popularity")
#: metrics computed here, named as in recstack.metrics.ranking and the Evaluator
SPARK_METRICS = ("precision", "recall", "recall_capped", "hit_rate", "f1", "mrr", "map",
                 "ndcg", "ndcg_linear") + LIST_METRICS
FEATURES = "features"
SCORE = "score"
RANK = "rank"


def factor_frame(spark: Any, factors: np.ndarray, index_column: str) -> Any:
    """A ``(index, features)`` DataFrame of a factor matrix (row ``i`` is index ``i``)."""
    import pandas as pd

    check_session(spark, "factor_frame(spark, factors, index_column)")
    if not is_one_of(index_column, (USER_INDEX, ITEM_INDEX)):
        # (an array of names was numpy's "truth value of an array ... is ambiguous")
        near = (did_you_mean(index_column, (USER_INDEX, ITEM_INDEX))
                if isinstance(index_column, str) else "")
        raise ConfigError(f"factor_frame: index_column must be {USER_INDEX!r} or "
                          f"{ITEM_INDEX!r}, got {shown(index_column)}{near}")
    index_column = str(index_column)
    matrix: np.ndarray | None
    try:
        matrix = np.asarray(factors, np.float32)
    except (TypeError, ValueError):
        matrix = None
    if matrix is None or matrix.ndim != 2 or not np.isfinite(matrix).all():
        raise RecstackError(f"factor_frame ({index_column}): expected a 2-D matrix of finite "
                            "numbers (one row of factors per index), got "
                            + ("values that are not numbers" if matrix is None else
                               f"shape {matrix.shape}" if matrix.ndim != 2 else
                               "NaN or infinite values (beyond float32's range)"))
    frame = pd.DataFrame({index_column: np.arange(len(matrix), dtype=np.int32),
                          FEATURES: list(matrix)})
    return spark.createDataFrame(frame, f"{index_column} int, {FEATURES} array<float>")


@arguments_named
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

    k, block_size = _whole_count(k, "k"), _whole_count(block_size, "block_size")
    _check_factor_frame(user_factors, "user_factors", USER_INDEX)
    _check_factor_frame(item_factors, "item_factors", ITEM_INDEX)
    _check_factor_rows(user_factors, "user_factors", USER_INDEX)
    _check_factor_rows(item_factors, "item_factors", ITEM_INDEX)
    _check_data(train, "train", optional=True)
    _check_same_dimensions(user_factors, item_factors)
    if train is not None:
        _check_factor_indices(user_factors, "user_factors", USER_INDEX, train.n_users)
        _check_factor_indices(item_factors, "item_factors", ITEM_INDEX, train.n_items)
    if users is not None:
        users = check_index_columns(users, "users", [USER_INDEX])
        user_factors = user_factors.join(users.select(USER_INDEX).distinct(), USER_INDEX)
    # past Java's long (k = 2**63) the literals were a Py4J NumberFormatException; no
    # index or list reaches that, so the ranking is the same
    k_bound, block_size = as_count_bound(k), as_count_bound(block_size)
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
    return (candidates.withColumn(RANK, F.row_number().over(order))
            .filter(F.col(RANK) <= k_bound)
            .select(USER_INDEX, RANK, ITEM_INDEX, SCORE))


def _whole_count(value: Any, name: str) -> int:
    """A count setting (``k``, ``block_size``) as a Python int >= 1, read as one machine's
    Evaluator reads its counts (``batch_size``): a numpy integer (``np.int64(10)``, as
    ``max(np.array(ks))`` gives it) or a whole Decimal or Fraction is the count it names (a
    numpy integer was refused as "got np.int64(10)"), and a number in quotes or a whole
    number with a point is refused saying how to write it (``k="10"``: write it without
    the quotes), as the Evaluator and the Spark models say it."""
    from recstack.evaluation.evaluator import _positive
    from recstack.metrics._validation import how_to_write

    count = whole_exact_as_int(value)
    if isinstance(count, bool | np.bool_) or not isinstance(count, int | np.integer) \
            or count < 1:
        raise ConfigError(f"{name} must be a positive integer, got {shown(value)}"
                          f"{how_to_write(value, int, name, _positive)}")
    return int(count)


def _check_metrics(metrics: Any) -> list[str]:
    """The single-machine evaluator's rule and words (a list of known names; a misspelt one
    gets the nearest, a cut-off in a name is pointed to ``ks``), and the names as a list.

    A set, a generator, an iterator or a dict's keys are read as the Evaluator reads them
    (:func:`~recstack.evaluation.evaluator.listed_settings`: a set in sorted order; a
    generator was refused with its memory address), and a pandas Series as the plain list
    of names it holds."""
    from recstack.evaluation.evaluator import (
        check_metric_names,
        listed_settings,
        pandas_as_list,
    )

    metrics = listed_settings(pandas_as_list(metrics, "metrics"), "metrics")
    check_metric_names(metrics, list(SPARK_METRICS), "the Spark evaluator has ")
    return [str(name) for name in metrics]


def _check_factor_frame(factors: Any, name: str, index_column: str) -> None:
    """Refuse factors that are not a Spark DataFrame ``(index, features)``: a numpy matrix
    failed deep inside Spark ("'numpy.ndarray' object has no attribute 'join'")."""
    columns = getattr(factors, "columns", None)
    if (not hasattr(factors, "sparkSession") or not isinstance(columns, list)
            or index_column not in columns or FEATURES not in columns):
        got = (f"a {type(factors).__name__} of shape {factors.shape}"
               if isinstance(factors, np.ndarray) else
               f"columns {columns}" if isinstance(columns, list) else type(factors).__name__)
        raise ConfigError(f"{name}: expected a Spark DataFrame ({index_column}, {FEATURES}), "
                          f"got {got}; make one with recstack.spark.evaluation.factor_frame("
                          f"spark, matrix, {index_column!r}) or take SparkALS's "
                          f"{'user' if index_column == USER_INDEX else 'item'}_factors_")


def _check_factor_rows(factors: Any, name: str, index_column: str) -> None:
    """Refuse factor rows a model never gives: an index on two rows (factors unioned with
    others': a repeated user failed in a Python worker, a repeated item was ranked twice
    in one list, its hit counted twice) or a row without an index or features. One job
    per frame."""
    from pyspark.sql import functions as F

    kind = factors.schema[index_column].dataType.simpleString()
    if kind not in ("int", "bigint", "smallint", "tinyint"):
        raise ConfigError(f"{name}: {index_column} holds {kind}; expected whole-number "
                          "indices (int), as factor_frame and SparkALS give them")
    found = (factors.groupBy(index_column)
             .agg(F.count(F.lit(1)).alias("_n"),
                  F.max(F.col(FEATURES).isNull().cast("int")).alias("_missing"))
             .filter(F.col(index_column).isNull() | (F.col("_n") > 1) | (F.col("_missing") > 0))
             .orderBy(index_column).limit(1).collect())
    if found:
        row = found[0]
        what = ("a row without an index (null)" if row[index_column] is None
                else f"{index_column} {row[index_column]} on {row['_n']} rows"
                if row["_n"] > 1 else f"{index_column} {row[index_column]} without features "
                "(null)")
        raise ConfigError(f"{name}: {what}; expected one row of features per index, as "
                          "factor_frame and SparkALS give them (factors unioned with another "
                          "model's?)")


def _check_data(data: Any, name: str, *, optional: bool = False) -> None:
    """Refuse ``train``/``test`` that are not :class:`SparkInteractions` (a Spark or pandas
    DataFrame failed inside the job: "'DataFrame' object has no attribute 'frame'")."""
    if optional and data is None:
        return
    if not isinstance(data, SparkInteractions):
        raise ConfigError(f"{name}: expected SparkInteractions (from recstack.spark.data: "
                          f"encode, read_table, from_interactions, or a split's {name}), got "
                          f"{type(data).__name__}"
                          + ("; recstack.spark.data.encode(frame) indexes a DataFrame of "
                             "user_id, item_id[, value][, timestamp]"
                             if hasattr(data, "columns") else ""))


def _check_lists(lists: Any) -> None:
    """Refuse top-K ``lists`` that are not :func:`top_k`'s ``user_index, rank,
    item_index`` with ranks from 1, one item per rank and each item once per user: a
    pandas table failed on a Column comparison, a missing ``rank`` with Spark's
    UNRESOLVED_COLUMN, a rank of 0 with a division by zero, and a list holding an item
    twice counted its hit twice (precision above 1)."""
    from pyspark.sql import functions as F

    check_index_columns(lists, "lists", [USER_INDEX, RANK, ITEM_INDEX], low={RANK: 1})
    repeated = (lists.groupBy(USER_INDEX)
                .agg(F.count(F.lit(1)).alias("_n"), F.countDistinct(RANK).alias("_ranks"),
                     F.countDistinct(ITEM_INDEX).alias("_items"))
                .filter((F.col("_ranks") < F.col("_n")) | (F.col("_items") < F.col("_n")))
                .limit(1).collect())
    if repeated:
        row = repeated[0]
        what = "a rank" if row["_ranks"] < row["_n"] else "an item"
        raise RecstackError(f"lists: user_index {row[USER_INDEX]} has {what} twice in its "
                            f"list ({row['_n']} rows, {row['_ranks']} distinct ranks, "
                            f"{row['_items']} distinct items); expected top_k's lists: one "
                            "row per rank, each item at most once per user")


def _check_same_vocabularies(train: SparkInteractions, test: SparkInteractions) -> None:
    """Refuse ``train`` and ``test`` indexed apart (two files read each with its own
    ``read_table``): index 3 is then another user or item in each, the training pairs
    excluded and the hits counted were other people's, and the metrics came out as
    plausible numbers that meant nothing. Splits of one :class:`SparkInteractions` share
    their vocabularies and are not checked again; others are compared, one job per
    vocabulary, id by id."""
    from pyspark.sql import functions as F

    from recstack.spark.data import ITEM_ID, USER_ID

    for kind, id_column, index_column, theirs, ours in (
            ("user", USER_ID, USER_INDEX, test.users, train.users),
            ("item", ITEM_ID, ITEM_INDEX, test.items, train.items)):
        if theirs is ours:
            continue
        mine = ours.select(F.col(id_column).alias("_train_id"),
                           F.col(index_column).alias(index_column))
        differing = (theirs.join(mine, index_column, "left")
                     .filter(F.col("_train_id").isNull()
                             | (F.col("_train_id").cast("string")
                                != F.col(id_column).cast("string")))
                     .orderBy(index_column).limit(1).collect())
        if differing:
            row = differing[0]
            held = (f"{kind} {row['_train_id']!r}" if row["_train_id"] is not None
                    else f"no {kind}")
            raise ConfigError(
                f"test and train were indexed apart: {index_column} {row[index_column]} is "
                f"the {kind} {row[id_column]!r} in test and {held} in train, so the training "
                "pairs excluded and the hits counted would be other ids'; split one "
                "SparkInteractions (random_split, temporal_split, leave_last_out) or index "
                "both from one frame (encode(train_frame.union(test_frame))) and split it")


def _check_same_dimensions(user_factors: Any, item_factors: Any) -> None:
    """User and item factors of one length (the first row of each; a model's factors all
    have one): a mismatch failed inside a Python worker (numpy's "matmul: Input operand 1
    has a mismatch in its core dimension") after the shuffles."""
    from pyspark.sql import functions as F

    lengths = []
    for frame in (user_factors, item_factors):
        first = frame.select(F.size(FEATURES).alias("n")).limit(1).collect()
        lengths.append(first[0]["n"] if first else None)
    if None not in lengths and lengths[0] != lengths[1]:
        raise ConfigError(f"user_factors have {lengths[0]} features per row, item_factors "
                          f"{lengths[1]}; they must come from one model")


def _check_factor_indices(factors: Any, name: str, index_column: str, n: int) -> None:
    """Refuse factors indexed beyond the training data's vocabulary (``0..n-1``): factors
    of another dataset's model ranked items no test row can name (and users no list was
    asked for), and the metrics came out as plausible numbers that meant nothing."""
    from pyspark.sql import functions as F

    low, high = factors.agg(F.min(index_column), F.max(index_column)).first()
    if high is not None and (low < 0 or high >= n):
        kind = "users" if index_column == USER_INDEX else "items"
        raise ConfigError(f"{name}: {index_column} {high if high >= n else low} is outside "
                          f"the training data's {n:,} {kind} (indices 0 to {n - 1}): the "
                          "factors come from a model fitted on other data; fit it on this "
                          "train (or its SparkInteractions)")


def _cutoffs(ks: Any) -> list[int]:
    """The cut-offs K, sorted: a non-empty list of distinct positive integers (2.7 or "10"
    are refused, not read as 2 or 10; a repeated K is refused, as one machine does)."""
    from recstack.evaluation.evaluator import (
        _cutoff_problem,
        _shown_list,
        listed_settings,
        pandas_as_list,
    )

    # a set, a generator, a dict's keys or a pandas Series as the list it holds, read as
    # one machine's Evaluator reads them (they were refused with a generator's address)
    ks = listed_settings(pandas_as_list(ks, "ks"), "ks")
    # a 1-D numpy array as one machine's Evaluator takes it
    values = (list(ks) if isinstance(ks, list | tuple | range)
              or (isinstance(ks, np.ndarray) and ks.ndim == 1) else None)
    if values:  # a whole Decimal(10) is the cut-off 10, as one machine's Evaluator reads it
        values = [whole_exact_as_int(k) for k in values]
    if not values or any(isinstance(k, bool | np.bool_) or not isinstance(k, int | np.integer)
                         or k < 1 for k in values):
        # which entry and where, in the Evaluator's words (K = 0 at position 1 is below 1)
        raise ConfigError(f"ks must be a non-empty list of positive integers such as [10, "
                          f"20], got {_shown_list(ks)}{_cutoff_problem(ks)}")
    # the Evaluator's bound (specs.K_MAX, MAX_CUTOFFS): ks = [10**12] ran the top-K job
    # with lists of 10**12 items per user before anything said the K was a typo
    problem = cutoffs_problem(values)
    if problem:
        raise ConfigError(f"ks = {cutoffs_text(values)}: {problem}")
    if len({int(k) for k in values}) != len(values):
        # as one machine's Evaluator and experiment files refuse them (here a repeat was
        # dropped without a word)
        raise ConfigError(f"ks = {[int(k) for k in values]}: each K once")
    return sorted({int(k) for k in values})


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


def relevance(test: SparkInteractions, *, relevance_threshold: float | None = None,
              graded: bool = False, duplicate_grade: str = "last") -> Any:
    """The ground truth as :meth:`recstack.evaluation.evaluator.Evaluator.relevance` builds
    it: one value per (user, item) pair by ``duplicate_grade`` (``last``, ``first``,
    ``max``, ``mean``; never summed), then the threshold (``value >= threshold``), then the
    grade: the value with ``graded`` (only grades > 0 are relevant), else 1.

    Returns
    -------
    DataFrame
        ``user_index, item_index, _grade`` (float64).
    """
    from pyspark.sql import functions as F

    from recstack.evaluation.evaluator import DUPLICATE_GRADES
    from recstack.spark.filters import deduplicated

    if not is_one_of(duplicate_grade, DUPLICATE_GRADES):
        # one machine's words (the Evaluator's); an array of names was numpy's "truth value
        # of an array ... is ambiguous"
        near = (did_you_mean(duplicate_grade, DUPLICATE_GRADES)
                if isinstance(duplicate_grade, str) else "")
        raise ConfigError(f"duplicate_grade must be one of {', '.join(DUPLICATE_GRADES)}, "
                          f"got {shown(duplicate_grade)}{near}")
    duplicate_grade = str(duplicate_grade)  # np.str_ as Python's str
    # as the single-machine Evaluator, by its rule (check_threshold): a NaN threshold
    # selects nothing, a truthy "no" grades; a Decimal or Fraction is a number there too
    relevance_threshold = check_threshold(relevance_threshold, "relevance_threshold")
    if not isinstance(graded, bool | np.bool_):
        raise ConfigError(f"graded must be True or False, got {graded!r}")
    _check_data(test, "test")
    pairs = deduplicated(test, duplicate_grade).frame
    # the values are float32 on a single machine; compare and grade with those
    value = F.col(VALUE).cast("float").cast("double")
    if relevance_threshold is not None:
        # a threshold below every rating (0.4 written for 4 stars) counted every test pair
        # as relevant without a word, where the one-machine Evaluator warns of it
        warn_of_a_threshold_keeping_every_row(
            test.with_frame(pairs), relevance_threshold,
            f"relevance_threshold={relevance_threshold:g} counts every test pair as "
            "relevant", "test values", "no pair is left out")
        # compared in float32, as one machine compares (at_least): the rating 3.6, held as
        # float32(3.6) = 3.5999999, is relevant at the threshold 3.6; compared with the
        # float64 threshold it was not, and the metrics differed from one machine's
        pairs = pairs.filter(F.col(VALUE).cast("float")
                             >= F.lit(float(relevance_threshold)).cast("float"))
    truth = pairs.select(USER_INDEX, ITEM_INDEX,
                         (value if graded else F.lit(1.0)).alias("_grade"))
    return truth.filter(F.col("_grade") > 0) if graded else truth


@arguments_named
def ranking_metrics(lists: Any, test: SparkInteractions, ks: Sequence[int], *,
                    metrics: Sequence[str] = ("precision", "recall", "ndcg", "map"),
                    relevance_threshold: float | None = None, graded: bool = False,
                    duplicate_grade: str = "last", train: SparkInteractions | None = None,
                    novelty_smoothing: float = 1.0) -> tuple[Any, dict[str, float]]:
    """Per-user metrics of top-K ``lists`` (from :func:`top_k`) against ``test``, and their
    means over the users with a relevant test item (see the module docstring), with the
    ground truth of :func:`relevance`.

    The list metrics (``coverage``, ``novelty``, ``popularity``) need ``train`` (the
    item popularity is counted there, and coverage divides by its catalog size); they are
    computed on the lists of the evaluated users, as the Evaluator does.

    Returns
    -------
    (DataFrame, dict)
        ``user_index`` and one column per per-user ``metric@k``; the means by the same
        names, and ``coverage@k`` (one value for the catalog).

    The lists are checked first (integer indices, ranks from 1, no rank or item twice for
    a user): two jobs over them, so cache lists that are costly to compute.
    """
    # read once here: a generator of names or cut-offs is spent after one reading
    metrics, ks = _check_metrics(metrics), _cutoffs(ks)
    _smoothing(novelty_smoothing)
    _check_lists(lists)
    return _ranking_metrics(lists, test, ks, metrics=metrics,
                            relevance_threshold=relevance_threshold, graded=graded,
                            duplicate_grade=duplicate_grade, train=train,
                            novelty_smoothing=novelty_smoothing)


def _ranking_metrics(lists: Any, test: SparkInteractions, ks: Sequence[int], *,
                     metrics: Sequence[str] = ("precision", "recall", "ndcg", "map"),
                     relevance_threshold: float | None = None, graded: bool = False,
                     duplicate_grade: str = "last", train: SparkInteractions | None = None,
                     novelty_smoothing: float = 1.0, warn_of_strangers: bool = False
                     ) -> tuple[Any, dict[str, float]]:
    """:func:`ranking_metrics` of lists known to be :func:`top_k`'s (not checked again:
    the check would run the top-K job once more); ``warn_of_strangers``: warn of evaluated
    users without a training row (:func:`_warn_if_no_history`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    metrics = _check_metrics(metrics)
    ks = _cutoffs(ks)
    _smoothing(novelty_smoothing)
    _check_data(test, "test")
    _check_data(train, "train", optional=True)
    if train is not None:
        _check_same_vocabularies(train, test)
    listed = [m for m in metrics if m in LIST_METRICS]
    if listed and train is None:
        raise ConfigError(f"{', '.join(listed)} need the training data: pass train=")
    ranking = [m for m in metrics if m not in LIST_METRICS]
    truth = relevance(test, relevance_threshold=relevance_threshold, graded=graded,
                      duplicate_grade=duplicate_grade)
    n_relevant = truth.groupBy(USER_INDEX).agg(F.count(F.lit(1)).alias("_R"))
    if n_relevant.limit(1).count() == 0:
        raise RecstackError("no test user has a relevant item"
                            + (f" (relevance_threshold={relevance_threshold})"
                               if relevance_threshold is not None else ""))
    if warn_of_strangers and train is not None:
        _warn_if_no_history(n_relevant.select(USER_INDEX), train)
    k_max = max(ks)
    discount = 1.0 / F.log2(F.col(RANK) + 1.0)
    if "ndcg" in ranking and graded:
        # 2**g overflows to inf past this grade, and the nDCG became NaN or 0 without a
        # word; one machine's ndcg refuses it in these words
        top = truth.agg(F.max("_grade")).first()[0]
        if top is not None and top > _MAX_EXPONENTIAL_GRADE:
            raise MetricInputError(
                f"relevance grade {float(top):g} is too large for the exponential gain "
                f"2**g - 1 (grades up to {_MAX_EXPONENTIAL_GRADE} fit a float); use the "
                "linear gain (metric 'ndcg_linear') or rescale the grades")
    # a user's gains whose sum would pass the float range (three grades of 1023 under the
    # exponential gain, of 1e308 under the linear one: inf / inf, a NaN nDCG) are divided by
    # a power of two first, as recstack.metrics.ranking does: exact, so the nDCG (a ratio)
    # is as it was, and every other user's gains are not touched (a shift of 0)
    if "ndcg" in ranking or "ndcg_linear" in ranking:
        truth = truth.withColumn("_gmax", F.max("_grade").over(Window.partitionBy(USER_INDEX)))
    largest = {"ndcg": F.pow(F.lit(2.0), F.col("_gmax")) - 1.0, "ndcg_linear": F.col("_gmax")}
    scale = {name: F.pow(F.lit(2.0), -F.greatest(
        F.floor(F.log2(top_gain)) + 1.0 - _SAFE_GAIN_EXPONENT, F.lit(0.0)))
        for name, top_gain in largest.items()}
    gains = {"ndcg": (F.pow(F.lit(2.0), F.col("_grade")) - 1.0) * scale["ndcg"],
             "ndcg_linear": F.col("_grade") * scale["ndcg_linear"]}
    # the ideal list: the user's grades, best first (Jarvelin & Kekalainen 2002)
    ideal_rank = F.row_number().over(Window.partitionBy(USER_INDEX).orderBy(
        F.col("_grade").desc(), F.col(ITEM_INDEX)))
    ideal_sums = [
        F.sum(F.when(F.col(RANK) <= k, gain * discount).otherwise(0.0)).alias(f"_i{name}{k}")
        for name, gain in gains.items() if name in ranking for k in ks]
    # only for a DCG metric: Spark refuses an aggregation of nothing ("exprs should not be
    # empty"), which every metric list without ndcg asked for
    ideal = (truth.withColumn(RANK, ideal_rank).filter(F.col(RANK) <= k_max)
             .groupBy(USER_INDEX).agg(*ideal_sums) if ideal_sums else None)
    # lists that are a union of lists partitioned by user (evaluate_factors' popularity
    # lists of users without a training row beside top_k's) take, in Spark 4, their
    # children's partitioning, though the union's partitions are the two sides' one after
    # the other: a join of them with another table by user then failed with "Can't zip RDDs
    # with unequal numbers of partitions" (with list metrics asked for). One exchange by
    # (user, rank), which no such union claims already (Spark would drop an exchange by
    # user alone as redundant), gives the joins a partitioning that is what it says.
    lists = lists.filter(F.col(RANK) <= k_max).repartition(USER_INDEX, RANK)
    by_rank = Window.partitionBy(USER_INDEX).orderBy(RANK).rowsBetween(
        Window.unboundedPreceding, Window.currentRow)
    hits = (lists.join(truth, [USER_INDEX, ITEM_INDEX], "left")
            .withColumn("_hit", F.col("_grade").isNotNull().cast("int"))
            .withColumn("_hits_so_far", F.sum("_hit").over(by_rank)))
    aggregates = []
    for k in ks:
        within = F.col(RANK) <= k
        hit = F.when(within, F.col("_hit")).otherwise(0)
        aggregates += [F.sum(hit).alias(f"_H{k}"),
                       F.sum(hit * F.col("_hits_so_far") / F.col(RANK)).alias(f"_ap{k}"),
                       F.min(F.when(within & (F.col("_hit") == 1), F.col(RANK))).alias(f"_r1{k}")]
        aggregates += [F.sum(F.when(within & (F.col("_hit") == 1), gain * discount)
                             .otherwise(0.0)).alias(f"_d{name}{k}")
                       for name, gain in gains.items() if name in ranking]
    per_user = n_relevant.join(hits.groupBy(USER_INDEX).agg(*aggregates), USER_INDEX, "left")
    if ideal is not None:
        per_user = per_user.join(ideal, USER_INDEX, "left")
    columns = [F.col(USER_INDEX)]
    for k in ks:
        found = F.coalesce(F.col(f"_H{k}"), F.lit(0)).cast("double")
        n_rel = F.col("_R").cast("double")
        capped = F.least(n_rel, F.lit(float(k)))
        formulas = {
            "precision": found / k,
            "recall": found / n_rel,
            "recall_capped": found / capped,
            "hit_rate": (found > 0).cast("double"),
            "f1": 2.0 * found / (n_rel + k),
            "mrr": F.coalesce(1.0 / F.col(f"_r1{k}"), F.lit(0.0)),
            "map": F.coalesce(F.col(f"_ap{k}"), F.lit(0.0)) / capped,
        }
        for name in gains:
            if name in ranking:
                ratio = (F.coalesce(F.col(f"_d{name}{k}"), F.lit(0.0))
                         / F.col(f"_i{name}{k}"))
                # a list in the ideal order is 1, as the one-machine metrics give it: the
                # two sums of the same terms, added in other orders, came out 1 +- 1 ulp
                # (recstack.metrics.ranking's rule: above 1 by at most NDCG_ROUNDING, or
                # below it within the rounding of a k-term sum)
                formulas[name] = F.when((ratio <= 1.0 + NDCG_ROUNDING)
                                        & (ratio >= 1.0 - SUM_ROUNDING * k),
                                        F.lit(1.0)).otherwise(ratio)
        columns += [formulas[name].alias(f"{name}@{k}") for name in ranking]
    per_user = per_user.select(*columns)
    aggregate: dict[str, float] = {}
    if listed:
        assert train is not None
        evaluated = lists.join(n_relevant.select(USER_INDEX), USER_INDEX)
        list_user, aggregate = _list_metrics(evaluated, train, ks, listed, novelty_smoothing)
        per_user = per_user.join(list_user, USER_INDEX, "left")
    names = [f"{name}@{k}" for name in ranking + [m for m in listed if m != "coverage"]
             for k in ks]
    # coverage alone has no per-user column to average (an empty aggregation, refused)
    means = (per_user.agg(*[F.avg(name).alias(name) for name in names]).first().asDict()
             if names else {})
    return per_user, {name: float(means[name]) for name in names} | aggregate


def _smoothing(smoothing: Any) -> float:
    """``novelty_smoothing`` checked by the single-machine Evaluator's rule and words (any
    finite real number >= 0), whatever the metrics asked for: -1 or inf was refused only
    when novelty or popularity was among them, and passed without a word otherwise."""
    from recstack.data.interactions import check_threshold

    try:
        value = None if smoothing is None else check_threshold(smoothing,
                                                                "novelty_smoothing")
    except ConfigError:
        value = None
    if value is None or value < 0:
        from recstack.evaluation.evaluator import _finite_at_least_0
        from recstack.metrics._validation import how_to_write

        # a number in quotes told how to write it, in the Evaluator's words
        raise ConfigError("novelty_smoothing must be a finite number >= 0, got "
                          f"{shown(smoothing)}" + how_to_write(
                              smoothing, float, "novelty_smoothing", _finite_at_least_0))
    return float(value)


def _list_metrics(lists: Any, train: SparkInteractions, ks: Sequence[int],
                  metrics: Sequence[str], smoothing: float) -> tuple[Any, dict[str, float]]:
    r"""The Evaluator's list metrics (:mod:`recstack.metrics.beyond_accuracy`): catalog
    coverage :math:`|\bigcup_u L_u@k| / n_\text{items}`, novelty
    :math:`\frac{1}{|L_u|}\sum_{i \in L_u} -\log_2 \frac{c_i + s}{n_\text{users} + s}`
    and average popularity :math:`\frac{1}{|L_u|}\sum_{i \in L_u} c_i`, with
    :math:`c_i` the training users of item :math:`i` (a pair counts when its summed value
    is not 0, as :func:`~recstack.metrics.beyond_accuracy.item_user_counts` counts the
    training matrix) and :math:`n_\text{users}` the training vocabulary's size."""
    from pyspark.sql import functions as F

    smoothing = _smoothing(smoothing)
    popularity = (train.frame.groupBy(USER_INDEX, ITEM_INDEX).agg(F.sum(VALUE).alias("_v"))
                  .filter(F.col("_v") != 0).groupBy(ITEM_INDEX)
                  .agg(F.count(F.lit(1)).cast("double").alias("_c")))
    scored = (lists.join(popularity, ITEM_INDEX, "left").fillna(0.0, ["_c"])
              .withColumn("_info", -F.log2((F.col("_c") + float(smoothing))
                                           / F.lit(float(train.n_users + smoothing)))))
    if "novelty" in metrics and smoothing == 0:
        unseen = scored.filter(F.col("_c") == 0).select(ITEM_INDEX).limit(5).collect()
        if unseen:
            raise RecstackError(
                f"recommended holds items no training user interacted with (e.g. "
                f"{sorted(r[0] for r in unseen)}); their novelty -log2(0) is infinite (pass "
                "novelty_smoothing > 0, e.g. 1)")
    aggregates = []
    aggregate: dict[str, float] = {}
    for k in ks:
        within = F.col(RANK) <= k
        if "novelty" in metrics:
            aggregates.append(F.avg(F.when(within, F.col("_info"))).alias(f"novelty@{k}"))
        if "popularity" in metrics:
            aggregates.append(F.avg(F.when(within, F.col("_c"))).alias(f"popularity@{k}"))
        if "coverage" in metrics:
            covered = lists.filter(within).select(ITEM_INDEX).distinct().count()
            aggregate[f"coverage@{k}"] = covered / train.n_items
    per_user = (scored.groupBy(USER_INDEX).agg(*aggregates) if aggregates
                else lists.select(USER_INDEX).distinct())
    return per_user, aggregate


@arguments_named
def evaluate_factors(user_factors: Any, item_factors: Any, train: SparkInteractions,
                     test: SparkInteractions, *, ks: Sequence[int] = (10, 20),
                     metrics: Sequence[str] = ("precision", "recall", "ndcg", "map"),
                     relevance_threshold: float | None = None, graded: bool = False,
                     duplicate_grade: str = "last", novelty_smoothing: float = 1.0,
                     block_size: int = 4096) -> tuple[Any, dict[str, float]]:
    """Full-catalog evaluation of a factor model (scores ``x_u . y_i``) with training items
    excluded: :func:`top_k` for the test users, then :func:`ranking_metrics` (arguments as
    :class:`recstack.evaluation.evaluator.Evaluator`'s).

    A test user without a training row (the model learned nothing of them: Spark's ALS
    gives them no factors) is ranked by item popularity, the training users of each item,
    ties to the lower item index (:func:`popularity_lists`), as the single-machine
    Evaluator ranks such a user of a factor model (``Recommender.score_users``' fallback,
    e.g. for :meth:`SparkALS.to_recstack`'s ALS); they had no list here and scored 0 on
    every metric, so the means were below one machine's. A
    :class:`~recstack.evaluation.evaluator.NoHistoryWarning` is given by the
    Evaluator's rule (a share of at least ``NO_HISTORY_SHARE`` of the evaluated users)."""
    # before the top-k job, not after it; read once (a generator is spent after one reading)
    metrics, ks = _check_metrics(metrics), _cutoffs(ks)
    _smoothing(novelty_smoothing)
    block_size = _whole_count(block_size, "block_size")  # before any job, as the others
    _check_data(train, "train")
    _check_data(test, "test")
    _check_same_vocabularies(train, test)  # before the top-k job, not after it
    test_users = test.frame.select(USER_INDEX).distinct()
    known = test_users.join(train.frame.select(USER_INDEX), USER_INDEX, "left_semi")
    # their indices are whole numbers, once each, before they are matched to the users
    _check_factor_frame(user_factors, "user_factors", USER_INDEX)
    _check_factor_rows(user_factors, "user_factors", USER_INDEX)
    _refuse_users_without_factors(test_users, user_factors, train)
    # as one machine's Evaluator (CutoffBeyondCatalogWarning): a K past the catalog gave
    # every list the whole catalog, recall 1 for everyone, without a word here
    from recstack.evaluation.evaluator import _warn_if_cutoff_beyond_catalog

    _warn_if_cutoff_beyond_catalog(_cutoffs(ks), train.n_items)
    lists = top_k(user_factors, item_factors, train, max(_cutoffs(ks)), users=known,
                  block_size=block_size)
    strangers = test_users.join(known, USER_INDEX, "left_anti")
    lists = lists.unionByName(popularity_lists(strangers, train, max(_cutoffs(ks))))
    return _ranking_metrics(lists, test, ks, metrics=metrics,
                            relevance_threshold=relevance_threshold, graded=graded,
                            duplicate_grade=duplicate_grade, train=train,
                            novelty_smoothing=novelty_smoothing, warn_of_strangers=True)


def popularity_lists(users: Any, train: SparkInteractions, k: int) -> Any:
    """The list a user without training rows gets from the single-machine Evaluator for a
    factor model: the ``k`` items with the most training users (each (user, item) pair
    once, a value of 0 included: the entries of each column of the training matrix, as
    ``Recommender._item_row_counts`` counts them for ALS), ties to the lower item index
    (:func:`recstack.topk.top_k`'s rule), items without a user last (score 0), nothing
    excluded (the user has no history). Rows as :func:`top_k`'s: ``user_index, rank,
    item_index, score`` for each of ``users`` (a DataFrame with a ``user_index``)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    counts = (train.frame.select(USER_INDEX, ITEM_INDEX).distinct().groupBy(ITEM_INDEX)
              .agg(F.count(F.lit(1)).cast("float").alias(SCORE)))
    order = Window.orderBy(F.col(SCORE).desc(), F.col(ITEM_INDEX))
    ranked = (train.items.select(F.col(ITEM_INDEX).cast("int").alias(ITEM_INDEX))
              .join(counts, ITEM_INDEX, "left").fillna(0.0, [SCORE])
              .orderBy(F.col(SCORE).desc(), F.col(ITEM_INDEX))
              .limit(as_count_bound(min(k, train.n_items)))
              .withColumn(RANK, F.row_number().over(order)))
    return (users.select(F.col(USER_INDEX).cast("int").alias(USER_INDEX)).distinct()
            .crossJoin(ranked).select(USER_INDEX, RANK, ITEM_INDEX, SCORE))


def _refuse_users_without_factors(test_users: Any, user_factors: Any,
                                  train: SparkInteractions) -> None:
    """Refuse ``user_factors`` that lack test users with training rows (factors of part of
    the users, or of another model's users): :func:`top_k` gave them no list, and their
    metrics counted as 0, a plausible mean that meant nothing. Test users without a
    training row are left to :func:`_warn_if_no_history` (a model has no factors for
    them). One job: the test users with history, less those with factors."""
    from recstack.spark.data import USER_ID

    with_history = test_users.join(train.frame.select(USER_INDEX), USER_INDEX, "left_semi")
    missing = with_history.join(user_factors.select(USER_INDEX), USER_INDEX, "left_anti")
    first = (missing.orderBy(USER_INDEX).limit(1)
             .join(train.users.select(USER_INDEX, USER_ID), USER_INDEX, "left").collect())
    if not first:
        return
    example = first[0]
    n_missing, n_with = missing.count(), with_history.count()
    raise ConfigError(
        f"user_factors: {n_missing:,} of the {n_with:,} test users with training rows "
        f"have no factors (e.g. user {example[USER_ID]!r}, {USER_INDEX} "
        f"{example[USER_INDEX]}), so they would get no list and score 0 on every metric; "
        "pass the factors of a model fitted on this train (SparkALS's user_factors_, or "
        "factor_frame(spark, matrix, 'user_index') with one row per user)")


def _warn_if_no_history(evaluated: Any, train: SparkInteractions) -> None:
    """Warn by the single-machine Evaluator's rule (:class:`NoHistoryWarning`,
    :data:`~recstack.evaluation.evaluator.NO_HISTORY_SHARE`) when a share of at least one
    in ten of the ``evaluated`` users (those with a relevant test item) have no training
    row: their lists are item popularity (:func:`popularity_lists`), not the model's, and
    each mean is pulled towards that ranking's; and, with the usual cause, when not one has
    (a held-out-users split's test given with its train). Here only the case of none was
    warned of, so a quarter of the users ranked by popularity passed without a word. One
    job (the evaluated users without a training row, and all of them, counted at once)."""
    import warnings

    from pyspark.sql import functions as F

    from recstack.data.interactions import caller_stacklevel
    from recstack.evaluation.evaluator import NO_HISTORY_SHARE, NoHistoryWarning

    marked = evaluated.join(train.frame.select(USER_INDEX).distinct()
                            .withColumn("_known", F.lit(1)), USER_INDEX, "left")
    counts = marked.agg(F.count(F.lit(1)).alias("n"),
                        F.sum(F.when(F.col("_known").isNull(), 1).otherwise(0)).alias("w")
                        ).first()
    n_users, without = int(counts["n"]), int(counts["w"] or 0)
    if without == 0 or n_users == 0:
        return
    if without < n_users:
        share = without / n_users
        if share < NO_HISTORY_SHARE:
            return
        warnings.warn(NoHistoryWarning(
            f"{without:,} of the {n_users:,} evaluated test users ({share:.0%}) "
            f"{'has' if without == 1 else 'have'} no training row: their lists are item "
            f"popularity, not the model's, so each averaged metric is pulled towards that "
            f"ranking's by up to {share:.0%}; to measure only users the model knows, keep "
            "the test rows of users with a training row (recstack's own splits set the "
            "others apart)"), stacklevel=caller_stacklevel())
        return
    warnings.warn(NoHistoryWarning(
        f"none of the {n_users:,} test users has a training row, so the model has no "
        "factors for them and every list is item popularity; for held-out users "
        "(user_split) fit on split.train plus split.fold_in, or evaluate a split whose "
        "test users are in train"), stacklevel=caller_stacklevel())
