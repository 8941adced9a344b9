"""Sixty-sixth bad-input probe of the Spark path: text ids spelled as other tools write a
missing value (``NA``, ``null``, ``nan``...) were kept by the Spark loader without a word,
while one machine warns of them (:class:`~recstack.data.MissingValueIdWarning`). The
same input now gives the same warning and the same ids on both."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data.files import MissingValueIdWarning, load_table


def _missing(caught):
    return [w for w in caught if issubclass(w.category, MissingValueIdWarning)]


def test_encode_warns_of_ids_spelled_as_missing_as_one_machine(spark):
    from recstack.data.interactions import Interactions
    from recstack.spark.data import encode

    frame = pd.DataFrame({"user_id": ["a", "NA", "b", "null", "nan"],
                          "item_id": ["x", "y", "x", "y", "z"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = encode(spark.createDataFrame(frame)).to_interactions()
    found = _missing(caught)
    assert len(found) == 1
    message = str(found[0].message)
    assert "column 'user_id'" in message and "3 id(s)" in message
    assert "'NA', 'nan', 'null'" in message
    with pytest.warns(MissingValueIdWarning):
        local = Interactions.from_frame(frame)
    assert sorted(data.users.external_ids.tolist()) == sorted(local.users.external_ids.tolist())


def test_read_table_warns_of_an_na_among_integer_ids(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,10\nNA,11\n2,12\n")
    with pytest.warns(MissingValueIdWarning) as caught:
        load_table(path)
    assert "every id is read as text" in str(caught[0].message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = read_table(spark, path)
    found = _missing(caught)
    assert len(found) == 1 and "every id is read as text" in str(found[0].message)
    assert sorted(data.to_interactions().users.external_ids.tolist()) == ["1", "2", "NA"]


def test_ordinary_text_ids_give_no_warning(spark):
    from recstack.spark.data import encode

    frame = spark.createDataFrame(pd.DataFrame({"user_id": ["nana", "NAB"],
                                                "item_id": ["x", "none of it"]}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encode(frame)
    assert not _missing(caught)
