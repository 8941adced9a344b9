"""Fifth bad-input probe of the Spark path: ids by the single-machine rule, and the
evaluator's arguments checked before any job, in the single-machine words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError

ROWS = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 1, 3, 2],
                     "value": [1.0] * 5, "timestamp": [1, 2, 3, 4, 5]})


def test_float_and_boolean_ids_follow_the_single_machine_rule(spark):
    from recstack.spark.data import encode

    whole = ROWS.assign(user_id=[1.0, 1.0, 2.0, 2.0, 3.0])
    data = encode(spark.createDataFrame(whole)).to_interactions()
    # 1.0 is the integer 1 on one machine; Spark kept 1.0, 2.0, 3.0 as float ids
    assert data.users.external_ids.tolist() == [1, 2, 3]
    assert data.users.external_ids.dtype.kind == "i"
    assert Interactions.from_frame(whole).users.external_ids.tolist() == [1, 2, 3]

    fraction = ROWS.assign(user_id=[1.0, 1.0, 2.5, 2.5, 3.0])
    with pytest.raises(DataFormatError, match=r"column 'user_id': 2.5 is not a whole number "
                                              r"below 2\*\*53"):
        encode(spark.createDataFrame(fraction))  # 2.5 was a user
    with pytest.raises(DataFormatError, match=r"2.5, not a whole number below 2\*\*53"):
        Interactions.from_frame(fraction)

    booleans = ROWS.assign(item_id=[True, False, True, False, True])
    with pytest.raises(DataFormatError, match=r"column 'item_id': holds boolean"):
        encode(spark.createDataFrame(booleans))  # True and False were two items
    with pytest.raises(DataFormatError, match=r"True, a boolean"):
        Interactions.from_frame(booleans)


def test_the_evaluator_refuses_numpy_factors_and_misspelt_metrics_by_name(spark):
    from recstack.spark.data import encode
    from recstack.spark.evaluation import evaluate_factors, factor_frame

    data = encode(spark.createDataFrame(ROWS))
    users = factor_frame(spark, np.ones((3, 2)), "user_index")
    items = factor_frame(spark, np.ones((3, 2)), "item_index")
    with pytest.raises(ConfigError, match=r"user_factors: expected a Spark DataFrame "
                                          r"\(user_index, features\), got a ndarray of shape "
                                          r"\(3, 2\); make one with .*factor_frame"):
        evaluate_factors(np.ones((3, 2)), items, data, data, ks=[2])
    with pytest.raises(ConfigError, match=r"unknown metric\(s\) \['ndgc'\] \(did you mean "
                                          r"'ndcg'\?\); the Spark evaluator has"):
        evaluate_factors(users, items, data, data, ks=[2], metrics=["ndgc"])
    with pytest.raises(ConfigError, match=r"metrics must be a non-empty list of names"):
        evaluate_factors(users, items, data, data, ks=[2], metrics="ndcg")


def test_misspelt_choices_get_the_nearest_name_before_any_data_is_read():
    pytest.importorskip("pyspark")
    from recstack.spark.models import SparkALS
    from recstack.spark.splits import kfold_split

    with pytest.raises(ConfigError, match=r"cold_start: expected one of error, nan, got "
                                          r"'nann' \(did you mean 'nan'\?\)"):
        SparkALS(cold_start="nann").fit(None)
    with pytest.raises(ConfigError, match=r"stratify must be 'user' or None, got 'usr' \(did "
                                          r"you mean 'user'\?\)"):
        kfold_split(None, k=2, stratify="usr")
