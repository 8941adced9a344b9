"""One local Spark session for the whole test run (starting one takes seconds), skipped
with the reason when pyspark or Java is missing; and MovieLens 100K when it is present."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from recstack.errors import RecstackError


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="the Spark backend needs pyspark: "
                        'pip install "recstack[spark]"')
    from recstack.spark.session import SparkSettings, find_java, spark_session

    try:
        find_java()
    except RecstackError as error:
        pytest.skip(str(error))
    # the Python workers need this environment's numpy, pandas and recstack (pyspark reads
    # the variable when the context starts; the spark.pyspark.python setting is spark-submit's)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # local[2, 2]: two threads, and a failed task is tried twice (the retry test needs it;
    # plain local[2] gives up at the first failure)
    session = spark_session(SparkSettings(master="local[2,2]", app_name="recstack-tests", conf={
        "spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "4",
        "spark.ui.enabled": "false", "spark.driver.memory": "2g",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.python.worker.reuse": "true"}))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def ml100k():
    """MovieLens 100K from RECSTACK_DATASETS, as implicit positives (every rating = 1)."""
    from recstack.data.movielens import load_movielens

    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / "ml-100k").is_dir():
        pytest.skip("RECSTACK_DATASETS does not name a folder holding ml-100k/")
    return load_movielens(Path(root) / "ml-100k")
