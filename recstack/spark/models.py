r"""Models trained on Spark: implicit ALS (``pyspark.ml.recommendation.ALS``), popularity and
item co-occurrence neighbours, each a distributed job over :class:`SparkInteractions`.

A fitted :class:`SparkALS` exports to the single-machine contract
(:meth:`SparkALS.to_recstack`): a :class:`recstack.models.als.ALS` holding the cluster's
factors, which saves as a normal recstack artifact and is served unchanged.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from recstack.data.interactions import is_one_of
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.spark.data import (
    ITEM_INDEX,
    JAVA_INT_MAX,
    USER_INDEX,
    SparkInteractions,
    check_index_columns,
)
from recstack.spark.evaluation import FEATURES
from recstack.spark.session import require_pyspark
from recstack.specs import SEED_MAX, arguments_named, number_spelling_hint, whole_exact_as_int

#: what a user without factors gets where scores are asked for pairs (see SparkALS)
COLD_START = ("error", "nan")
#: Spark's settings are Java ints (rank, blocks, iterations, limits: JAVA_INT_MAX) and longs
#: (the seed)
JAVA_LONG_MAX = 2**63 - 1
#: the rating given to Spark for a recorded value of 0 (float32's smallest normal number)
_SMALLEST_RATING = float(np.finfo(np.float32).tiny)
#: the most blocks a side: Spark partitions the ratings into numUserBlocks * numItemBlocks
#: parts counted in a Java int, so blocks=10**6 overflowed it and failed inside the job
#: (an ArrayIndexOutOfBoundsException from ALS.partitionRatings)
MAX_BLOCKS = int(JAVA_INT_MAX ** 0.5)


class SparkALS:
    r"""Implicit-feedback ALS (Hu, Koren & Volinsky 2008) on a cluster, through
    ``pyspark.ml.recommendation.ALS`` with ``implicitPrefs=True``.

    Confidence is :math:`c_{ui} = 1 + \alpha\, r_{ui}` (Spark uses :math:`|r_{ui}|`; values
    must be >= 0 here, as in :class:`recstack.models.als.ALS`), preference 1 where an
    interaction is recorded (value 0 included: Spark would skip a rating of 0, so it is
    given as float32's smallest normal number, whose confidence is 1), and the objective is

    .. math::

        \sum_{u,i} c_{ui} (p_{ui} - x_u^\top y_i)^2
        + \lambda \Big(\sum_u n_u \lVert x_u \rVert^2 + \sum_i n_i \lVert y_i \rVert^2\Big)

    (Hu et al. 2008, eq. 3, with Spark's weighted penalty). Note the :math:`n_u, n_i`
    (the items of each user and the users of each item): Spark scales :math:`\lambda` by
    them (ALS-WR, Zhou et al. 2008; Spark's "scaling of the regularization parameter"),
    recstack's ALS and the implicit library do not. The same ``regularization``
    therefore regularises :math:`n_u` (or :math:`n_i`) times more here: a user's penalty
    :math:`\lambda\, n_u` here is recstack's :math:`\lambda` with
    :math:`\lambda_\text{recstack} = \lambda_\text{Spark}\, n_u`. To port a
    ``regularization`` tuned for :class:`recstack.models.als.ALS` (default 30), divide it
    by the mean rows per user (and per item: the two means differ, so no one value
    matches both sides, nor users of different activity); to port one tuned here, multiply.

    Parameters
    ----------
    factors, alpha, iterations, seed
        As in :class:`recstack.models.als.ALS` (``rank``, ``alpha``, ``maxIter``, ``seed``
        in Spark); ``alpha`` has the same meaning on both (confidence
        :math:`1 + \alpha r`).
    regularization
        Spark's ``regParam``: the :math:`\lambda` above, multiplied by each user's and
        item's row count (ALS-WR), so NOT the ``regularization`` of
        :class:`recstack.models.als.ALS` (see above); the default 0.1 here is Spark's
        scale, recstack's ALS defaults to 30 on its own.
    blocks
        Spark's ``numUserBlocks`` = ``numItemBlocks`` (parallelism of each step).
    checkpoint_interval
        Checkpoint the factors every this many iterations (long runs: bounds the lineage a
        lost executor makes Spark recompute). Needs a checkpoint directory on the session
        (``checkpoint_dir`` below, or
        :class:`recstack.spark.session.SparkSettings.checkpoint_dir`); without one Spark
        ignores it.
    checkpoint_dir
        Sets the session's checkpoint directory before fitting (on a cluster: a shared
        filesystem path such as ``hdfs://...``); None keeps the session's.
    cold_start
        What :meth:`score_pairs` does with a user or item that has no factors (it had no
        training row): ``"error"`` refuses, naming how many and one example; ``"nan"``
        gives NaN scores. Never silently dropped (Spark's ``coldStartStrategy="drop"``).
    """

    @arguments_named
    def __init__(self, *, factors: int = 64, regularization: float = 0.1, alpha: float = 3.0,
                 iterations: int = 15, seed: int = 0, blocks: int = 4,
                 checkpoint_interval: int = 10, cold_start: str = "error",
                 checkpoint_dir: str | None = None) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed
        self.blocks = blocks
        self.checkpoint_interval = checkpoint_interval
        self.cold_start = cold_start
        self.checkpoint_dir = checkpoint_dir

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (
            "factors", "regularization", "alpha", "iterations", "seed", "blocks",
            "checkpoint_interval", "cold_start", "checkpoint_dir")}

    def _validate(self) -> None:
        for name in ("factors", "iterations", "blocks", "checkpoint_interval"):
            # stored as the int read (Decimal("64") is 64, for Spark and to_recstack())
            setattr(self, name, check_integer("SparkALS", name, getattr(self, name)))
        if self.blocks > MAX_BLOCKS:
            raise ConfigError(f"SparkALS blocks: expected an integer in [1, {MAX_BLOCKS}], "
                              f"got {self.blocks}: Spark splits the ratings into blocks x "
                              f"blocks parts, at most {JAVA_INT_MAX} (a Java int); a few "
                              "times the cluster's cores is the usual choice")
        for name in ("regularization", "alpha"):
            check_number("SparkALS", name, getattr(self, name))
        # the one rule of seeds (recstack.specs.SEED_MAX), not the Java long Spark holds:
        # 2**40 was taken here and refused by an experiment file's [[models]] seed
        self.seed = check_integer("SparkALS", "seed", self.seed, low=0, high=SEED_MAX)
        # the bounds of recstack's ALS, whose artifact to_recstack() makes: factors=70000 or
        # iterations=10**6 trained on the cluster, then to_recstack() refused them
        from recstack.models.als import ALS

        for name in ("factors", "iterations", "regularization", "alpha"):
            ALS.params[name].check("SparkALS", name, getattr(self, name))
        if self.checkpoint_dir is not None and not (
                isinstance(self.checkpoint_dir, str | os.PathLike)
                and str(self.checkpoint_dir).strip()):
            # str() of anything made a folder: checkpoint_dir=5 checkpointed into ./5
            raise ConfigError(f"SparkALS checkpoint_dir: expected a folder path (text) or "
                              f"None, got {self.checkpoint_dir!r}")
        if not is_one_of(self.cold_start, COLD_START):
            # (an array of names was numpy's "truth value of an array ... is ambiguous")
            from recstack.specs import did_you_mean

            near = (did_you_mean(self.cold_start, COLD_START)
                    if isinstance(self.cold_start, str) else "")
            raise ConfigError(f"SparkALS cold_start: expected one of {', '.join(COLD_START)}, "
                              f"got {shown(self.cold_start)}{near}")
        self.cold_start = str(self.cold_start)

    @arguments_named
    def fit(self, train: SparkInteractions) -> SparkALS:
        """Fit on ``train``; sets ``user_factors_`` and ``item_factors_`` (DataFrames
        ``(index, features)``) and ``train_`` (the data, for the export)."""
        require_pyspark()  # the install command, not a ModuleNotFoundError traceback
        from pyspark.ml.recommendation import ALS as SparkMLALS
        from pyspark.sql import functions as F

        self._validate()
        check_train("SparkALS", train)
        if self.checkpoint_dir is not None:
            train.frame.sparkSession.sparkContext.setCheckpointDir(str(self.checkpoint_dir))
        refuse_negative_values(
            "SparkALS", train, "ALS reads a value as the confidence 1 + alpha * value of an "
            "interaction, so values must be >= 0 (a negative one, a dislike, would turn it "
            "below 1)")
        solver = SparkMLALS(
            rank=self.factors, maxIter=self.iterations, regParam=float(self.regularization),
            alpha=float(self.alpha), implicitPrefs=True, seed=self.seed,
            numUserBlocks=self.blocks, numItemBlocks=self.blocks,
            checkpointInterval=self.checkpoint_interval, coldStartStrategy="nan",
            userCol=USER_INDEX, itemCol=ITEM_INDEX, ratingCol="value")
        # repeated (user, item) rows are summed, as recstack's training matrix does
        ratings = train.frame.groupBy(USER_INDEX, ITEM_INDEX).agg(F.sum("value").alias("value"))
        # a recorded value of 0 is an interaction of preference 1 and confidence 1 in
        # recstack's ALS; Spark skips a rating <= 0 (no preference, no weight, not counted
        # in the ALS-WR lambda), so such rows were silently dropped (and a user with only
        # zeros failed in LAPACK). The smallest normal float32 is a rating > 0 whose
        # confidence 1 + alpha * r is 1 in float arithmetic.
        ratings = ratings.withColumn("value", F.when(F.col("value") > 0, F.col("value"))
                                     .otherwise(F.lit(_SMALLEST_RATING)))
        self.model_ = _fitted(solver, ratings, self)
        self.user_factors_ = self.model_.userFactors.withColumnRenamed("id", USER_INDEX)
        self.item_factors_ = self.model_.itemFactors.withColumnRenamed("id", ITEM_INDEX)
        self.train_ = train
        return self

    def _require_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise RecstackError("SparkALS: call fit() first")

    @arguments_named
    def score_pairs(self, pairs: Any) -> Any:
        """Scores ``x_u . y_i`` of a DataFrame of ``user_index, item_index`` pairs (column
        ``prediction``); cold users and items as ``cold_start`` says."""
        from pyspark.sql import functions as F

        self._require_fitted()
        pairs = check_index_columns(pairs, "the pairs to score", [USER_INDEX, ITEM_INDEX])
        if "prediction" in pairs.columns:
            raise ConfigError("SparkALS.score_pairs: the pairs already have a 'prediction' "
                              "column, where the scores go; drop or rename it")
        scored = self.model_.transform(pairs)
        if self.cold_start == "error":
            cold = scored.filter(F.isnan("prediction"))
            first = cold.limit(1).collect()
            if first:
                raise RecstackError(
                    f"SparkALS: {cold.count():,} pairs have a user or item without factors "
                    f"(no training row), e.g. user_index {first[0][USER_INDEX]}, item_index "
                    f"{first[0][ITEM_INDEX]}; score them with cold_start='nan', or drop them "
                    "explicitly before scoring")
        return scored

    def factor_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Dense float32 factors in index order; a user or item without factors (no
        training row) gets a zero row, whose scores are all 0."""
        self._require_fitted()
        return (_dense(self.user_factors_, USER_INDEX, self.train_.n_users, self.factors),
                _dense(self.item_factors_, ITEM_INDEX, self.train_.n_items, self.factors))

    def to_recstack(self) -> Any:
        """A fitted :class:`recstack.models.als.ALS` with these factors, vocabularies and
        training matrix: save it with ``.save(path)`` and load it with
        :func:`recstack.models.load_model`, like any recstack model.

        Its scores and recommendations are Spark's factors'. Its settings are these
        (``regularization`` included, as given here), but ALS reads ``regularization``
        unscaled where Spark scaled it by each user's and item's row count (ALS-WR, see
        the class docstring): refitting the export, or starting a recstack ALS from these
        settings, regularises much less than the cluster did; to come near the
        cluster's fit on one machine, give ALS about this ``regularization`` times the
        mean rows per user."""
        from recstack.models.als import ALS

        self._require_fitted()
        train = self.train_.to_interactions()
        model = ALS(factors=self.factors, regularization=float(self.regularization),
                    alpha=float(self.alpha), iterations=self.iterations, seed=self.seed)
        model.validate_params()
        model.users_, model.items_ = train.users, train.items
        model.seen_ = train.to_csr()
        model.user_factors_, model.item_factors_ = self.factor_arrays()
        return model


class SparkPopularity:
    """Items ranked by their number of distinct training users (ties: lower item index).

    This is Dacrema et al.'s TopPop: :class:`recstack.models.baselines.MostPopular` fitted
    on ``train.deduplicate()`` gives the same counts and order. ``MostPopular`` on the
    rows as they are counts a user's repeated rows every time (RecBole's Pop), so on data
    with repeated (user, item) rows the two lists differ. A value of 0 counts (a recorded
    pair); negative values are refused, as ``MostPopular`` refuses them.
    """

    @arguments_named
    def __init__(self) -> None:
        # it takes no settings: SparkPopularity(k=10) was Python's "takes no arguments"
        pass

    @arguments_named
    def fit(self, train: SparkInteractions) -> SparkPopularity:
        require_pyspark()
        from pyspark.sql import functions as F

        check_train("SparkPopularity", train)
        # as MostPopular refuses them: a dislike (-1) counted as one more user of the item
        refuse_negative_values("SparkPopularity", train, "it counts every user of an item "
                               "as one interaction, so a negative value (a dislike) would "
                               "count as an interaction")
        self.item_users_ = (train.frame.groupBy(ITEM_INDEX)
                            .agg(F.countDistinct(USER_INDEX).alias("users")))
        self.train_ = train
        return self

    @arguments_named
    def top(self, k: int) -> Any:
        """The ``k`` most popular items: ``item_index, users`` (all of them when the
        catalog has fewer)."""
        from pyspark.sql import functions as F

        if not hasattr(self, "item_users_"):
            raise RecstackError("SparkPopularity: call fit() first")
        k = check_integer("SparkPopularity", "k", k, high=None)
        ranked = self.item_users_.orderBy(F.col("users").desc(), F.col(ITEM_INDEX))
        return ranked.limit(min(k, self.train_.n_items))


class SparkItemCooccurrence:
    r"""Item-item cosine neighbours from co-occurrence, as a distributed self-join.

    With :math:`c_{ij}` the number of users who have both items, :math:`n_i` the users
    of item :math:`i` (binary) and :math:`\lambda` = ``shrink``,

    .. math:: s_{ij} = \frac{c_{ij}}{\sqrt{n_i}\,\sqrt{n_j} + \lambda}

    (Sarwar et al. 2001; the shrunk cosine of :class:`recstack.models.knn.ItemKNN`), and
    each item keeps its ``neighbors`` most similar other items (ties: lower index). The
    arithmetic is float32 step by step as in ``ItemKNN`` (each step computed in float64
    and rounded to float32, which gives the float32 result exactly), so the similarities,
    and the ties at the cut, are bit for bit those of ``ItemKNN`` (see :meth:`to_recstack`).

    The self-join costs :math:`\sum_u n_u^2` pairs: users with more than
    ``max_user_items`` items are left out of the co-occurrence (counted in
    ``users_left_out_``), as very long histories say little about item similarity.
    """

    @arguments_named
    def __init__(self, *, neighbors: int = 50, max_user_items: int = 1000,
                 shrink: float = 0.0) -> None:
        self.neighbors = neighbors
        self.max_user_items = max_user_items
        self.shrink = shrink

    @arguments_named
    def fit(self, train: SparkInteractions) -> SparkItemCooccurrence:
        require_pyspark()
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        from recstack.models.knn import ItemKNN

        for name in ("neighbors", "max_user_items"):
            # a Java long at most: 10**30 was a Py4JError traceback (NumberFormatException)
            # from the comparison Spark was given
            setattr(self, name, check_integer("SparkItemCooccurrence", name,
                                              getattr(self, name), high=JAVA_LONG_MAX))
        check_number("SparkItemCooccurrence", "shrink", self.shrink)
        # the bounds of ItemKNN, whose arithmetic this is and whose model to_recstack()
        # makes: a shrink beyond float32's range was inf here, every similarity 0, and
        # every item left without neighbours without a word
        ItemKNN.params["shrink"].check("SparkItemCooccurrence", "shrink", self.shrink)
        check_train("SparkItemCooccurrence", train)
        # as ItemKNN (binary=True) refuses them: a dislike (-1) counted as a co-occurrence,
        # and to_recstack() gave similarities ItemKNN refuses to fit
        refuse_negative_values("SparkItemCooccurrence", train, "it counts every recorded "
                               "pair as 1, so a negative value (a dislike) would count as an "
                               "interaction")
        pairs = train.frame.select(USER_INDEX, ITEM_INDEX).distinct()
        lengths = pairs.groupBy(USER_INDEX).count()
        too_long = lengths.filter(F.col("count") > self.max_user_items)
        self.users_left_out_ = too_long.count()
        pairs = pairs.join(too_long.select(USER_INDEX), USER_INDEX, "left_anti")
        # sqrt(n_i) rounded to float32, as ItemKNN's column norms
        item_users = pairs.groupBy(ITEM_INDEX).agg(
            F.sqrt(F.count(F.lit(1)).cast("double")).cast("float").alias("_norm"))
        left = pairs.withColumnRenamed(ITEM_INDEX, "item")
        right = pairs.withColumnRenamed(ITEM_INDEX, "neighbor")
        counts = (left.join(right, USER_INDEX).filter(F.col("item") != F.col("neighbor"))
                  .groupBy("item", "neighbor").agg(F.count(F.lit(1)).alias("_c")))
        n_item = item_users.select(F.col(ITEM_INDEX).alias("item"), F.col("_norm").alias("_ni"))
        n_neighbor = item_users.select(F.col(ITEM_INDEX).alias("neighbor"),
                                       F.col("_norm").alias("_nj"))
        shrink32 = float(np.float32(self.shrink))

        def float32(column: Any) -> Any:
            return column.cast("float").cast("double")

        denominator = float32(float32(F.col("_ni").cast("double") * F.col("_nj").cast("double"))
                              + F.lit(shrink32))
        similarity = (counts.join(n_item, "item").join(n_neighbor, "neighbor")
                      .withColumn("similarity", F.when(denominator > 0, (
                          F.col("_c").cast("double") / denominator).cast("float"))
                                  .otherwise(F.lit(0.0).cast("float")))
                      .filter(F.col("similarity") > 0))
        _refuse_subnormal_similarities(similarity, float(self.shrink), train.n_users)
        order = Window.partitionBy("item").orderBy(F.col("similarity").desc(), F.col("neighbor"))
        self.neighbors_ = (similarity.withColumn("rank", F.row_number().over(order))
                           .filter(F.col("rank") <= self.neighbors)
                           .select("item", "rank", "neighbor", "similarity"))
        self.train_ = train
        return self

    @arguments_named
    def to_recstack(self, *, normalize_similarity: bool = False) -> Any:
        """A fitted :class:`recstack.models.knn.ItemKNN` whose similarity matrix holds these
        neighbours (row ``i``: item ``i``'s neighbours), with the training matrix and
        vocabularies: save it with ``.save(path)``, load it with
        :func:`recstack.models.load_model`.

        It equals ``ItemKNN`` fitted on the same data with ``neighbors`` = this
        ``neighbors``, ``shrink`` = this ``shrink``, ``similarity="cosine"``,
        ``normalize=True``, ``feature_weighting="none"``, ``binary=True`` and the given
        ``normalize_similarity`` (which only rescales at scoring time): the same matrix and
        the same recommendations. Only when no user was left out (``users_left_out_`` 0:
        ItemKNN has no ``max_user_items``); otherwise the export is refused. ItemKNN's
        other similarities and weightings (asymmetric, jaccard, lift, TF-IDF, BM25) have no
        distributed counterpart here.
        """
        import scipy.sparse as sp

        from recstack.models.knn import ItemKNN

        if not hasattr(self, "neighbors_"):
            raise RecstackError("SparkItemCooccurrence: call fit() first")
        if self.users_left_out_:
            raise RecstackError(
                f"SparkItemCooccurrence: {counted(self.users_left_out_, 'user')} with more than "
                f"max_user_items={self.max_user_items} items "
                f"{'was' if self.users_left_out_ == 1 else 'were'} left out, which ItemKNN "
                "does not do; refit with a max_user_items above the longest history to "
                "export it as item_knn")
        train = self.train_.to_interactions()
        rows = self.neighbors_.select("item", "neighbor", "similarity").toPandas()
        similarity = sp.csr_matrix(
            (rows["similarity"].to_numpy(np.float32),
             (rows["item"].to_numpy(np.int32), rows["neighbor"].to_numpy(np.int32))),
            shape=(train.n_items, train.n_items), dtype=np.float32)
        similarity.sort_indices()
        model = ItemKNN(neighbors=self.neighbors, similarity="cosine",
                        shrink=float(self.shrink), normalize=True, feature_weighting="none",
                        binary=True, normalize_similarity=normalize_similarity)
        model.validate_params()
        model.users_, model.items_ = train.users, train.items
        model.seen_ = train.to_csr()
        model.similarity_ = similarity
        model._length_norm = None
        model._scoring = model._scoring_matrix()
        return model


def _refuse_subnormal_similarities(similarity: Any, shrink: float, n_users: int) -> None:
    """ItemKNN's refusal of a ``shrink`` that pushes similarities below float32's smallest
    normal number, where they lose their digits and ties follow rounding
    (:func:`recstack.models.knn._refuse_subnormal_similarities`; the cluster kept them, and
    to_recstack() gave a model ItemKNN would not fit). Each similarity is at least
    ``1 / (n_users + shrink)``, so the similarities are looked at only when that bound is
    below the limit (a shrink near 1e38)."""
    from pyspark.sql import functions as F

    from recstack.models.base import FLOAT32_TINY
    from recstack.models.knn import _refuse_subnormal_similarities as refuse

    if shrink <= 0 or 1.0 / (n_users + shrink) >= FLOAT32_TINY:
        return
    smallest, largest = similarity.agg(F.min("similarity"), F.max("similarity")).first()
    if smallest is None:
        return
    import scipy.sparse as sp

    refuse("SparkItemCooccurrence", sp.csr_matrix(np.array([[smallest, largest]], np.float32)),
           shrink, "item")


def _fitted(solver: Any, ratings: Any, owner: SparkALS) -> Any:
    """``solver.fit(ratings)``, with Spark's failure to solve a singular system told in
    recstack's words: regularization = 0 with fewer items (or users) than factors left the
    normal equations singular, a Py4J traceback of LAPACK's "dppsv returned 4"."""
    try:
        return solver.fit(ratings)
    except Exception as error:
        if "SingularMatrixException" not in str(error):
            raise
        raise RecstackError(
            f"SparkALS: Spark could not solve the least-squares system of a user or item "
            f"(LAPACK: the matrix is not positive definite) with regularization = "
            f"{owner.regularization:g} and factors = {owner.factors}: without "
            "regularization the system is singular when the factors outnumber the items "
            "(or users) that determine them; give regularization > 0, or fewer factors"
            ) from None


def _dense(frame: Any, index_column: str, n: int, n_factors: int) -> np.ndarray:
    rows = frame.select(index_column, FEATURES).toPandas()
    result = np.zeros((n, n_factors), np.float32)
    if len(rows):
        result[rows[index_column].to_numpy()] = np.stack(rows[FEATURES].to_numpy())
    return result


# ------------------------------------------------------------------ argument checks
def check_integer(owner: str, name: str, value: Any, *, low: int = 1,
                  high: int | None = JAVA_INT_MAX) -> int:
    """An integer setting in ``[low, high]`` (``high``: what Spark's Java side holds), as a
    Python int. A whole exact number (``Decimal("64")``, ``Fraction(8, 2)``) is the int it
    names, as one machine's models read it (``factors=Decimal("64")`` was refused here);
    a fraction or a float (``64.0``) is refused as given."""
    given, value = value, whole_exact_as_int(value)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low \
            or (high is not None and value > high):
        value = given
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        # rank="10" or "1_0" was refused without the number's spelling
        raise ConfigError(f"{owner} {name}: expected an integer {bound}, got {value!r}"
                          f"{number_spelling_hint(value, int, name)}")
    return int(value)


def check_number(owner: str, name: str, value: Any) -> None:
    """A finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not (
            0 <= value < float("inf")):
        raise ConfigError(f"{owner} {name}: expected a finite number >= 0, got {value!r}"
                          f"{number_spelling_hint(value, float, name)}")


def refuse_negative_values(owner: str, train: SparkInteractions, role: str) -> None:
    """Refuse negative interaction values, in the words of the single-machine sibling
    (:meth:`recstack.models.base.Recommender._refuse_negative_occurrences`: how many, one
    example with its ids, why, and what to keep). One job when there is none (the first
    negative row); two more only to name them."""
    from pyspark.sql import functions as F

    from recstack.spark.data import ITEM_ID, USER_ID

    negative = train.frame.filter(F.col("value") < 0)
    first = negative.limit(1).collect()
    if not first:
        return
    row = first[0]
    user = train.users.filter(F.col(USER_INDEX) == int(row[USER_INDEX])).first()
    item = train.items.filter(F.col(ITEM_INDEX) == int(row[ITEM_INDEX])).first()
    raise RecstackError(
        f"{owner}: {negative.count():,} of {train.frame.count():,} interaction values are "
        f"negative (e.g. {float(row['value']):g} for user "
        f"{user[USER_ID] if user is not None else row[USER_INDEX]!r}, item "
        f"{item[ITEM_ID] if item is not None else row[ITEM_INDEX]!r}); {role}; keep the rows "
        "that are interactions (recstack.spark.filters.min_value, or a min_value filter)")


def check_train(owner: str, train: Any) -> None:
    """Training data: :class:`SparkInteractions` with at least one row (Spark's own
    failures on empty data read "requirement failed: No ratings available")."""
    if not isinstance(train, SparkInteractions):
        raise RecstackError(f"{owner}: fit() takes SparkInteractions (from "
                            "recstack.spark.data: encode, read_table, from_interactions...), "
                            f"got {type(train).__name__}")
    if train.n_users == 0 or train.frame.limit(1).count() == 0:
        raise RecstackError(f"{owner}: cannot fit on empty interactions")
