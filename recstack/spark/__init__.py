"""The same data, models and metrics on a Spark cluster (``pip install "recstack[spark]"``).

- :mod:`recstack.spark.session`: a SparkSession from settings (experiment file or
  environment); a missing pyspark or Java is reported with the install command.
- :mod:`recstack.spark.data`: reading (partitioned Parquet with pruning, CSV/Parquet with
  column roles, MovieLens 100K), the id-to-index encoding, item and user side tables,
  k-core and the random, temporal and leave-last-N splits.
- :mod:`recstack.spark.filters`: min-value, time-window and de-duplication filters, and
  ``apply_filters`` for the specs of an experiment file's ``[[filters]]``.
- :mod:`recstack.spark.splits`: held-out users, k-fold, and ``apply_split`` for the spec
  of an experiment file's ``[split]``.
- :mod:`recstack.spark.models`: implicit ALS (exported to :class:`recstack.models.als.ALS`),
  popularity, item co-occurrence neighbours (exported to
  :class:`recstack.models.knn.ItemKNN`).
- :mod:`recstack.spark.evaluation`: block-wise full-catalog top-K, ranking metrics (binary
  or graded) and the list metrics coverage, novelty and popularity.

Importing this package imports no pyspark; each module imports it where it is used.
"""
