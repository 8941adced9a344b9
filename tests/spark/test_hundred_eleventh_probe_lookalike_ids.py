"""Hundred-eleventh bad-input probe of the Spark path: text ids that differ only in how
they are written (``"007"`` beside ``"7"``, full-width digits, two Unicode forms of an
accent) were kept by the Spark loader without a word, while one machine warns of them
(:class:`~recstack.data.LookalikeIdWarning`). One rule now, the data layer's."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data import LookalikeIdWarning


def _lookalike(caught):
    return [str(w.message) for w in caught if issubclass(w.category, LookalikeIdWarning)]


def _encode_warnings(spark, users):
    from recstack.spark.data import encode

    frame = pd.DataFrame({"user_id": users, "item_id": [f"i{n}" for n in range(len(users))]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encode(spark.createDataFrame(frame))
    return _lookalike(caught)


@pytest.mark.parametrize(("users", "pair"), [
    (["7", "007", "8"], ("'7'", "'007'")),            # leading zeros beside the plain one
    (["+5", "05", "x"], ("'+5'", "'05'")),            # two loose spellings, no plain one
    (["1_000", "1000", "y"], ("'1_000'", "'1000'")),  # digit groups
    (["\uff11\uff12", "12", "x"], ("'\\uff11\\uff12'", "'12'")),  # full-width digits
    (["\u00e9", "e\u0301", "z"], ("'\\xe9'", "'e\\u0301'")),      # NFC and NFD
])
def test_encode_warns_of_lookalike_ids_as_one_machine(spark, users, pair):
    found = _encode_warnings(spark, users)
    assert len(found) == 1, found
    message = found[0]
    assert "column 'user_id'" in message and "1 id(s) differ" in message, message
    assert all(text in message for text in pair), message
    # the rows holding them are named, as the Spark loader names a row
    assert message.count("(the row (user_id=") == 2, message
    # one machine warns of the same input
    from recstack.data.interactions import Interactions

    with pytest.warns(LookalikeIdWarning):
        Interactions.from_frame(pd.DataFrame({"user_id": users, "item_id": users}))


@pytest.mark.parametrize("users", [["a", "b", "c"], ["7", "8", "70"], ["007", "008", "009"],
                                   ["\u00e9t\u00e9", "ete", "x"]])
def test_distinct_ids_give_no_warning(spark, users):
    # zero-padded ids all alike in form, but no two are one number: no pair
    assert _encode_warnings(spark, users) == []


def test_read_table_names_the_file(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n7,1\n007,2\n8,3\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = read_table(spark, path)
    found = _lookalike(caught)
    assert len(found) == 1 and found[0].startswith(f"{path}: column 'user_id'"), found
    # kept as different ids, as written
    assert sorted(data.to_interactions().users.external_ids.tolist()) == ["007", "7", "8"]


def test_a_missing_id_column_lists_the_frames_own_columns(spark):
    # the columns left after dropping the unused ones were listed: 'User_Id' was hidden
    from recstack.errors import UnknownColumnError
    from recstack.spark.data import encode

    frame = spark.createDataFrame([(1, 2, "x")], ["User_Id", "item_id", "title"])
    with pytest.raises(UnknownColumnError) as refused:
        encode(frame)
    # and, as one machine's from_frame says, the column that seems to hold the user ids,
    # with the rename (encode has no user_col)
    assert str(refused.value) == (
        "data: no column 'user_id' for user ids; the columns are: 'User_Id', 'item_id', "
        "'title'; 'User_Id' seems to hold the user ids: rename it, "
        "frame.withColumnRenamed('User_Id', 'user_id')")


@pytest.mark.parametrize(("sep", "read_as"), [(5, "'5'"), (";", "';'")])
def test_a_header_read_as_one_column_names_the_separator_given(spark, tmp_path, sep, read_as):
    # options={"sep": 5} was told to pass options={"sep": ","}, as if it had given none
    from recstack.errors import DataFormatError
    from recstack.spark.data import read_table

    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,2\n")
    with pytest.raises(DataFormatError) as refused:
        read_table(spark, path, options={"sep": sep})
    assert (f"its fields seem to be separated by ',' (a comma), but it was read with sep = "
            f"{sep!r} (Spark reads {read_as}); pass options={{\"sep\": \",\"}}"
            ) in str(refused.value), str(refused.value)
