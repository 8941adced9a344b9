"""Twentieth bad-input probe of the Spark path's reading and writing: the ``row`` column a
frame may bring (text, missing, repeated), input columns named like encode's outputs,
read_table's column names that are no text, misspelt or overridden reader options, and an
overwrite that would delete a file."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError, DataFormatError, RecstackError


@pytest.mark.parametrize(("rows", "schema", "says"), [
    ([(1, 2, "x")], "user_id long, item_id long, row string", r"column 'row': holds string"),
    ([(1, 2, None), (1, 3, 0)], "user_id long, item_id long, row long",
     r"column 'row': a missing \(null\) value on the row \(user_id=1, item_id=2, row=None\)"),
    ([(1, 2, 7), (1, 3, 7), (2, 3, 8)], "user_id long, item_id long, row long",
     r"column 'row': the row number 7 is on 2 rows"),
])
def test_a_given_row_column_must_number_the_rows(spark, rows, schema, says):
    from recstack.spark.data import encode

    # before: accepted; the row breaks ties (leave-last-N, deduplicate first/last, the
    # random splits), which a repeated or missing number left to Spark's partitioning
    with pytest.raises(DataFormatError, match=rf"^data: {says}.*\(expected a distinct integer "
                                              r"on every row"):
        encode(spark.createDataFrame(rows, schema))


def test_a_given_row_column_is_kept(spark):
    from recstack.spark.data import encode

    data = encode(spark.createDataFrame([(1, 2, 5), (1, 3, 9)], "user_id long, item_id long, "
                                        "row int"))
    assert sorted(r["row"] for r in data.frame.collect()) == [5, 9]


def test_columns_named_like_the_outputs_are_dropped_as_other_columns(spark):
    from recstack.spark.data import encode

    frame = spark.createDataFrame([(1, 20, 5, 6), (2, 10, 5, 6)],
                                  "user_id long, item_id long, user_index int, item_index int")
    # before: AMBIGUOUS_REFERENCE "Reference `user_index` is ambiguous"
    data = encode(frame)
    rows = sorted((r["user_index"], r["item_index"]) for r in data.frame.collect())
    assert rows == [(0, 1), (1, 0)]  # users 1, 2 -> 0, 1; items 10, 20 -> 0, 1


@pytest.fixture
def ratings(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id,rating\n1,2,3.5\n2,3,4\n")
    return path


def test_column_names_must_be_text(spark, ratings):
    from recstack.spark.data import read_table

    # before: PySparkKeyError "Key `user_id` does not exist"
    with pytest.raises(ConfigError, match=r"ratings\.csv: user_col must name a column of the "
                                          r"file \(text\), got None"):
        read_table(spark, ratings, user_col=None)
    with pytest.raises(ConfigError, match=r"value_col must name a column of the file \(text\) "
                                          r"or None, got \['rating'\]"):
        read_table(spark, ratings, value_col=["rating"])


def test_reader_options_spark_would_ignore_or_that_read_table_sets_are_refused(spark,
                                                                               ratings):
    from recstack.spark.data import read_table

    # before: Spark ignored the misspelt name and read the file with its default comma
    with pytest.raises(ConfigError, match=r"ratings\.csv: unknown csv reader option 'delimeter' "
                                          r"\(did you mean 'delimiter'\?\); Spark would ignore "
                                          r"it \(known: .*sep, delimiter"):
        read_table(spark, ratings, options={"delimeter": ";"})
    # before: read_table set header=true after the user's options: silently overridden
    with pytest.raises(ConfigError, match=r"option 'Header' is set by read_table: csv files are "
                                          r"read with their header line"):
        read_table(spark, ratings, options={"Header": "false"})
    with pytest.raises(ConfigError, match=r"unknown parquet reader option 'sep'"):
        read_table(spark, ratings, file_format="parquet", options={"sep": ","})
    # names are compared ignoring case, as Spark compares them
    assert read_table(spark, ratings, options={"SEP": ",", "timezone": "UTC"}).n_users == 2


def test_a_comma_separated_header_read_with_another_separator_is_named(spark, ratings):
    from recstack.spark.data import read_table

    # before: "no column 'user_id' ...; the columns are: 'user_id,item_id,rating'"
    with pytest.raises(DataFormatError, match=r"the header is one column, "
                                              r"'user_id,item_id,rating': its fields seem to be "
                                              r"separated by ',' \(a comma\), but it was "
                                              r"read with sep = ';' \(Spark reads ';'\); pass "
                                              r"options=\{\"sep\": \",\"\}"):
        read_table(spark, ratings, options={"sep": ";"})


def test_overwrite_refuses_to_delete_a_file(spark, tmp_path):
    from recstack.spark.data import write_parquet

    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    frame = spark.createDataFrame([(1, 2)], "user_id long, item_id long")
    # before: Spark deleted the file and wrote a Parquet folder in its place
    with pytest.raises(RecstackError, match=r"notes\.txt: is a file, not a Parquet output "
                                            r"folder, which overwrite=True would delete"):
        write_parquet(frame, target, overwrite=True)
    assert target.read_text() == "keep me"
