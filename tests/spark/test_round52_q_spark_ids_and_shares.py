"""Round 52 (Q), the Spark loaders as one machine's.

A frame without ``user_id`` said "no column 'user_id' for ids" with no hint where
one machine's ``from_frame`` says "'userId' seems to hold the user ids"; ``"1,000"`` and
``"1e3"`` beside ``"1000"`` were no look-alike pair on Spark (its plain form kept the
comma, and knew no exponent); ``temporal_split(data, test_fraction=30)`` gave the generic
"30 / the number of rows"."""

import warnings

import pandas as pd
import pytest

from recstack.data import Interactions, LookalikeIdWarning
from recstack.errors import ConfigError, UnknownColumnError


def test_a_missing_id_column_names_the_one_that_seems_to_hold_the_ids(spark, tmp_path):
    from recstack.spark.data import encode, read_table

    frame = spark.createDataFrame([(1, 2)], ["user_id", "ItemID"])
    with pytest.raises(UnknownColumnError) as refused:
        encode(frame)
    assert str(refused.value) == (
        "data: no column 'item_id' for item ids; the columns are: 'user_id', 'ItemID'; "
        "'ItemID' seems to hold the item ids: rename it, "
        "frame.withColumnRenamed('ItemID', 'item_id')")
    # read_table has the option, as from_frame: the same words as one machine's
    path = tmp_path / "log.parquet"
    pd.DataFrame({"userId": [1], "item_id": [2]}).to_parquet(path)
    with pytest.raises(UnknownColumnError) as refused:
        read_table(spark, path)
    assert str(refused.value) == (
        f"{path}: no column 'user_id' for user ids; the columns are: 'userId', 'item_id'; "
        "'userId' seems to hold the user ids: name it with user_col='userId'")
    with pytest.raises(UnknownColumnError) as on_one_machine:
        Interactions.from_frame(pd.DataFrame({"userId": [1], "item_id": [2]}))
    assert str(refused.value) == f"{path}: {on_one_machine.value}"


@pytest.mark.parametrize(("written", "plain"), [("1,000", "1000"), ("1e3", "1000"),
                                                ("1.5E+03", "1500")])
def test_grouped_and_exponent_ids_beside_their_plain_digits_are_warned_of(spark, written,
                                                                          plain):
    from recstack.spark.data import encode

    frame = spark.createDataFrame([(written, "a"), (plain, "b"), ("7", "c")],
                                  "user_id string, item_id string")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoded = encode(frame)
    found = [str(w.message) for w in caught if issubclass(w.category, LookalikeIdWarning)]
    assert len(found) == 1, found
    assert f"{written!r}" in found[0] and f"{plain!r}" in found[0], found[0]
    assert encoded.n_users == 3  # kept apart, as written


def test_exponent_forms_that_are_no_integer_are_not_warned_of(spark):
    from recstack.spark.data import encode

    frame = spark.createDataFrame([("1e-3", "a"), ("0", "b"), ("1.25e1", "c"), ("12", "d")],
                                  "user_id string, item_id string")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert encode(frame).n_users == 4


def test_a_count_of_rows_for_a_temporal_split_says_its_share(spark):
    from recstack.spark.data import from_interactions, temporal_split

    # 30 / 600 = 0.05, by hand
    data = from_interactions(spark, Interactions.from_arrays(
        [i % 20 for i in range(600)], [i % 7 for i in range(600)],
        timestamps=list(range(600))))
    with pytest.raises(ConfigError) as refused:
        temporal_split(data, test_fraction=30)
    assert str(refused.value) == (
        "temporal split: test_fraction=30 must be in (0, 1): it is the share of all rows, "
        "the latest, held out for test, not a count or a percentage: 30 rows would be "
        "test_fraction=0.05 of these 600 rows, and 30% is 0.3")


def test_a_count_of_users_for_a_user_split_says_its_share(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.splits import user_split

    # 5 / 20 users = 0.25, by hand
    data = from_interactions(spark, Interactions.from_arrays(
        [i % 20 for i in range(200)], [i % 7 for i in range(200)]))
    with pytest.raises(ConfigError) as refused:
        user_split(data, test_users=5)
    assert str(refused.value) == (
        "user_split: test_users=5 must be in (0, 1): it is the share of users held out of "
        "training, not a count or a percentage: 5 users would be test_users=0.25 of these "
        "20 users, and 5% is 0.05")
