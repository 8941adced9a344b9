"""Hundred-eighty-first probe of the Spark backend: a byte-order mark before
``RECSTACK_SPARK_CONF`` (a value read from a file a Windows editor saved) was "not valid
JSON (Unexpected UTF-8 BOM)"; a side table that repeats a key was "item_id repeats in the
side table: ['2']" where the one-machine loader names the table, the rows and how the key
was written; and nDCG of a list in the ideal order came out 1 +- 1 ulp for some users (two
sums of the same terms added in different orders), where the one-machine metrics give
exactly 1. Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import DataFormatError
from recstack.spark.session import CONF_ENV, MASTER_ENV, SparkSettings


@pytest.mark.parametrize("value", ['\ufeff{"spark.a": "1"}', '\ufeff {"spark.a": "1"}\n'])
def test_a_byte_order_mark_before_the_spark_conf_is_no_part_of_it(value):
    assert SparkSettings().resolved({CONF_ENV: value}).conf == {"spark.a": "1"}


def test_a_byte_order_mark_alone_is_unset_and_before_a_master_is_dropped():
    settings = SparkSettings().resolved({CONF_ENV: "\ufeff", MASTER_ENV: "\ufefflocal[2]"})
    assert settings.conf == {} and settings.master == "local[2]"


def test_a_repeated_side_table_key_names_the_table_rows_and_spellings(spark):
    from recstack.spark.data import encode, with_side_tables

    data = encode(spark.createDataFrame(pd.DataFrame({"user_id": [1, 1, 2],
                                                      "item_id": ["7", "8", "9"]})))
    # rows 1 and 3 (from 0) are one key once trimmed; rows 0 and 2 another: 4 rows
    table = spark.createDataFrame(pd.DataFrame({"item_id": ["8", " 7", "8", "7 ", "9"],
                                                "title": list("abcde")}))
    with pytest.raises(DataFormatError) as caught:
        with_side_tables(data, item_table=table)
    assert caught.value.detail == ("in the item table, 'item_id' repeats the key '8' at rows "
                                   "0, 2 (4 rows share a key with another)")
    assert caught.value.column == "item_id" and caught.value.expected == "one row per id"


def test_ndcg_of_lists_in_the_ideal_order_is_exactly_one(spark):
    from recstack.data.idmap import IdMap
    from recstack.data.interactions import Interactions
    from recstack.spark import data as sd
    from recstack.spark import evaluation as se

    # 60 users with 12 graded items each, listed best grade first (ties by item index, as
    # the ideal list is ordered): every term of DCG is the ideal's term at the same rank
    rng = np.random.default_rng(0)
    n_users, per = 60, 12
    users = np.repeat(np.arange(n_users), per).astype(np.int32)
    items = np.concatenate([rng.permutation(40)[:per] for _ in range(n_users)]).astype(np.int32)
    grades = rng.integers(1, 6, size=len(users)).astype(np.float32)
    test = Interactions(users, items, grades, None, IdMap.range(n_users), IdMap.range(40))
    rows = []
    for user in range(n_users):
        mine = users == user
        order = np.lexsort((items[mine], -grades[mine]))
        rows += [(user, int(item), rank + 1) for rank, item in enumerate(items[mine][order])]
    rng.shuffle(rows)  # rows in another order than the ranks: the sums add in other orders
    lists = spark.createDataFrame(rows, f"{sd.USER_INDEX} int, {sd.ITEM_INDEX} int, "
                                        f"{se.RANK} int")
    per_user, means = se.ranking_metrics(lists, sd.from_interactions(spark, test), [5, 12],
                                         metrics=["ndcg", "ndcg_linear"], graded=True)
    values = per_user.toPandas().drop(columns=[sd.USER_INDEX])
    assert len(values) == n_users
    assert (values.to_numpy() == 1.0).all()
    assert all(mean == 1.0 for mean in means.values())
