"""Seventh bad-input probe of the Spark path's files: one column named for two roles, CSV
files that are not UTF-8, paths that are not paths, Spark's reader errors, and
``write_parquet(overwrite=True)`` over a folder of the user's files."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError, DataFormatError, RecstackError


def test_one_column_named_for_two_roles_is_refused(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "rows.csv"
    path.write_text("u,i,t\n1,2,100\n2,3,200\n")
    # before: read, with every row's user also its item (and the times as the values)
    with pytest.raises(ConfigError, match=r"rows.csv: column 'u' would hold both the user "
                                          r"ids \(user_col\) and the item ids \(item_col\); "
                                          r"one column cannot hold two roles"):
        read_table(spark, path, user_col="u", item_col="u")
    with pytest.raises(ConfigError, match=r"column 't' would hold both the values "
                                          r"\(value_col\) and the timestamps"):
        read_table(spark, path, user_col="u", item_col="i", value_col="t", timestamp_col="t")


def test_a_latin1_file_is_named_with_the_encoding_option_that_reads_it(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "names.csv"
    path.write_bytes("user_id,item_id\nJosé,1\nJosè,2\nAna,1\n".encode("latin-1"))
    # before: read, 'José' and 'Josè' both the user 'Jos\ufffd' (two users made one)
    with pytest.raises(DataFormatError) as raised:
        read_table(spark, path)
    message = str(raised.value)
    assert message.startswith(f"{path}: column 'user_id': 'Jos\ufffd' holds bytes that are "
                              "not UTF-8")
    assert 'options={"encoding": "iso-8859-1"}' in message
    read = read_table(spark, path, options={"encoding": "iso-8859-1"})
    assert read.n_users == 3
    assert {row.user_id for row in read.users.collect()} == {"Ana", "José", "Josè"}


def test_a_utf16_header_is_named_as_another_encoding(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "wide.csv"
    path.write_bytes("user_id,item_id\na,1\n".encode("utf-16"))
    # before: "no column 'user_id'; the columns are: '\ufffd\ufffdu\x00s\x00e\x00...'"
    with pytest.raises(DataFormatError, match=r"wide.csv: the header reads as .*: the file "
                                              r"is not UTF-8 text: pass its encoding"):
        read_table(spark, path)


@pytest.mark.parametrize("path", [None, ["rows.csv"], 5, ""])
def test_a_path_that_is_no_path_is_refused_before_spark(spark, path):
    from recstack.spark.data import read_table, write_parquet

    # before: None read the file ./None ("Path does not exist: file:/.../None"), a list
    # failed with "An error occurred while calling o1748.csv."
    with pytest.raises(RecstackError, match=r"read_table path: (expected a path \(text or "
                                            r"pathlib.Path\), got|an empty path)"):
        read_table(spark, path)
    frame = spark.createDataFrame(pd.DataFrame({"user_id": [1], "item_id": [2]}))
    with pytest.raises(RecstackError, match=r"write_parquet path: "):
        write_parquet(frame, path)


def test_a_file_that_is_not_parquet_says_why(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "rows.parquet"
    path.write_text("user_id,item_id\n1,2\n")
    with pytest.raises(RecstackError) as raised:
        read_table(spark, path)
    # before: "cannot read it as parquet (An error occurred while calling o1718.parquet.)"
    message = str(raised.value)
    assert message.startswith(f"{path}: cannot read it as parquet (")
    assert "An error occurred while calling" not in message
    assert "parquet" in message.split("(", 1)[1].lower()


def test_overwrite_keeps_a_folder_of_other_files(spark, tmp_path):
    from recstack.spark.data import write_parquet

    frame = spark.createDataFrame(pd.DataFrame({"user_id": [1, 2], "item_id": [2, 3]}))
    (tmp_path / "ratings.csv").write_text("user_id,item_id\n1,2\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    # before: Spark's overwrite deleted the folder, ratings.csv and notes with it
    with pytest.raises(RecstackError, match=r"is a folder of other files \(notes/todo.txt, "
                                            r"ratings.csv\), not a Parquet output, which "
                                            r"overwrite=True would delete"):
        write_parquet(frame, tmp_path, overwrite=True)
    assert (tmp_path / "ratings.csv").read_text() == "user_id,item_id\n1,2\n"
    assert (tmp_path / "notes" / "todo.txt").is_file()
    # an earlier Parquet output is replaced, as overwrite promises
    out = tmp_path / "out.parquet"
    write_parquet(frame, out)
    write_parquet(frame.limit(1), out, overwrite=True)
    assert spark.read.parquet(str(out)).count() == 1


def test_csv_headers_are_read_as_on_one_machine(spark, tmp_path):
    from recstack.spark.data import read_table

    spaced = tmp_path / "spaced.csv"
    spaced.write_text("user_id, item_id, rating\n1,2,3\n2,3,4\n")
    # before: "no column 'item_id'; the columns are: 'user_id', ' item_id', ' rating'"
    read = read_table(spark, spaced, value_col="rating")
    assert (read.n_users, read.n_items) == (2, 2)
    assert sorted(row.value for row in read.frame.collect()) == [3.0, 4.0]

    twice = tmp_path / "twice.csv"
    twice.write_text("user_id,item_id,item_id\n1,2,3\n")
    # before: "no column 'item_id'; the columns are: 'user_id', 'item_id1', 'item_id2'"
    with pytest.raises(DataFormatError, match=r"twice.csv: the header names column 'item_id' "
                                              r"twice \(Spark read them as 'item_id1', "
                                              r"'item_id2'\)"):
        read_table(spark, twice)

    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("user_id;item_id\n1;2\n")
    # before: "no column 'user_id'; the columns are: 'user_id;item_id'"
    with pytest.raises(DataFormatError, match=r"the header is one column, 'user_id;item_id': "
                                              r"its fields seem to be separated by ';'; pass "
                                              r"options=\{\"sep\": \";\"\}"):
        read_table(spark, semicolons)
    assert read_table(spark, semicolons, options={"sep": ";"}).n_users == 1
