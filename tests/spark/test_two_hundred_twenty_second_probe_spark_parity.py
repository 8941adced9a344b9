"""Spark, two parity gaps with one machine: a misspelt setting name was ignored without a
word (now refused at session start, naming the setting meant), and ``read_partitioned``
dropped the context columns ``write_partitioned`` recorded, which one machine's reader
keeps (now carried, and collected into ``Interactions.context``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned as read_on_one_machine
from recstack.data.partitioned import write_partitioned
from recstack.errors import ConfigError
from recstack.spark.data import compact, read_partitioned
from recstack.spark.session import SparkSettings, known_setting_names, spark_session

T = 1_700_000_000  # 2023-11-14
DAY = 86_400


def test_a_misspelt_setting_is_refused_at_session_start(spark):
    known = known_setting_names(spark)
    # the running Spark declares its settings (core and SQL)
    assert known is not None and "spark.executor.memory" in known
    assert "spark.sql.shuffle.partitions" in known
    with pytest.raises(ConfigError, match=r"^SparkSettings conf .*'spark\.sql\.shufle\."
                                          r"partitions' is not a setting Spark knows \(did "
                                          r"you mean 'spark\.sql\.shuffle\.partitions'\?\)"):
        spark_session(SparkSettings(conf={"spark.sql.shufle.partitions": "3"}))
    # the shared session was not stopped: it was running before the call
    assert spark.range(3).count() == 3


def test_read_partitioned_keeps_the_recorded_context_columns(spark, tmp_path):
    frame = pd.DataFrame({"user_id": [1, 1, 2, 3, 2], "item_id": [10, 11, 10, 12, 12],
                          "value": [4.0, 3.0, 5.0, 1.0, 2.0],
                          "timestamp": [T, T + 40 * DAY, T + DAY, T + 50 * DAY, T + 2],
                          "device": ["web", "app", "web", None, "tv"],
                          "price": [1.5, 2.0, np.nan, 4.0, 5.0]})
    root = tmp_path / "logs"
    write_partitioned(Interactions.from_frame(frame, context_cols=["device", "price"]), root)
    data = read_partitioned(spark, str(root))
    assert data.context_cols == ("device", "price")
    collected = data.to_interactions()
    expected = read_on_one_machine(root)
    # rows in time order, each with its own context (worked by hand from the frame)
    assert collected.context["device"].tolist()[:4] == ["web", "tv", "web", "app"]
    assert collected.context["device"].isna().tolist() == [False] * 4 + [True]
    np.testing.assert_array_equal(collected.context["price"], [1.5, 5.0, np.nan, 2.0, 4.0])
    pd.testing.assert_frame_equal(collected.to_frame(), expected.to_frame())
    # a step that keeps the frame's columns keeps them too
    assert compact(data).to_interactions().context.shape == (5, 2)
