"""The same data, models and metrics on a Spark cluster (``pip install "recstack[spark]"``).

- :mod:`recstack.spark.session`: a SparkSession from settings (experiment file or
  environment); a missing pyspark or Java is reported with the install command.
- :mod:`recstack.spark.data`: reading (partitioned Parquet with pruning, CSV/Parquet with
  column roles), the id-to-index encoding, k-core and the splits.
- :mod:`recstack.spark.models`: implicit ALS (exported to :class:`recstack.models.als.ALS`),
  popularity, item co-occurrence neighbours.
- :mod:`recstack.spark.evaluation`: block-wise full-catalog top-K and ranking metrics.

Importing this package imports no pyspark; each module imports it where it is used.
"""
