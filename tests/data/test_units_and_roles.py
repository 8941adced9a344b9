"""Two silent misreadings of a well-formed file, now refused with one line.

1. Under ``timestamp_unit = "auto"`` one value of another magnitude used to change the
   unit of the whole column (one millisecond time among seconds sent every other row to
   January 1970). A column whose values look like two units is refused, naming a row of
   each; a column in one unit loads as before.
2. One column could be read for two roles (``--item-col user_id``: users were also the
   items; ``--timestamp-col value``: ratings were read as times). It is refused, naming
   the column, both roles and the option to change.

Expected values are worked out by hand from the rows written in each test.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import TableRoles, load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.sources import LoaderOptions, loader_options
from recstack.errors import ConfigError, DataFormatError, RecstackError

#: 2000-07-30T18:45:03Z in seconds, and the same instant in milliseconds
SECONDS = 964_982_703
MILLISECONDS = 964_982_703_000


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run_cli(capsys, *argv: str) -> tuple[int, str]:
    """Exit status and stderr of one command run in-process; an exception escaping
    ``main`` (a traceback for a user) fails the test by itself."""
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse's own refusals
        code = stop.code
    return code, capsys.readouterr().err


# ---------------------------------------------------------------------------- 1. units
def test_one_millisecond_time_among_seconds_is_refused_naming_a_row_of_each(tmp_path):
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n1,1,964982703\n"
                                      "1,2,964982800\n2,1,964982900\n2,3,964982703000\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    error = caught.value
    # the header is line 1: the fourth data row is line 5, the first line 2
    assert (error.file, error.line, error.column) == (str(path), 5, "timestamp")
    assert str(error) == (
        f"{path}:5: column 'timestamp': found 964982703000, which looks like milliseconds, "
        "but line 2 holds 964982703, which looks like seconds (expected one unit for the "
        "whole column: correct the rows in the other unit, or set timestamp_unit to 's' or "
        "'ms')")


def test_one_nanosecond_sized_value_among_seconds_is_refused(tmp_path):
    # beyond int64, so read as a float: once it made every row nanoseconds (year 5138)
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n1,1,964982703\n"
                                      "1,2,99999999999999999999\n2,1,964982900\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert caught.value.line == 3
    assert "found 99999999999999999999, which looks like nanoseconds" in message
    assert "line 2 holds 964982703, which looks like seconds" in message
    assert "set timestamp_unit to 's' or 'ns'" in message


def test_the_row_named_first_is_the_first_of_the_column(tmp_path):
    # milliseconds first, then a seconds row: the refusal is at the seconds row
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n1,1,964982703000\n"
                                      "1,2,964982800000\n2,1,964982703\n")
    with pytest.raises(DataFormatError, match=r"ts\.csv:4: column 'timestamp': found "
                                              r"964982703, which looks like seconds, but "
                                              r"line 2 holds 964982703000, which looks like "
                                              r"milliseconds"):
        load_table(path)


def test_a_parquet_file_names_rows_counted_from_one(tmp_path):
    path = tmp_path / "ts.parquet"
    pq.write_table(pa.table({"user_id": [1, 1, 2], "item_id": [1, 2, 3],
                             "timestamp": [MILLISECONDS, MILLISECONDS + 97_000, SECONDS]}),
                   path)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == (
        f"{path}: column 'timestamp': row 3: found 964982703, which looks like seconds, but "
        "row 1 holds 964982703000, which looks like milliseconds (expected one unit for the "
        "whole column: correct the rows in the other unit, or set timestamp_unit to 's' or "
        "'ms')")


def test_the_cli_refuses_mixed_units_with_exit_status_2_and_one_line(tmp_path, capsys):
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n1,1,964982703\n"
                                      "2,3,964982703000\n")
    code, err = _run_cli(capsys, "data", "info", str(path))
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"{path}:3: column 'timestamp': found 964982703000" in err
    assert "line 2 holds 964982703" in err


def test_a_unit_set_by_hand_reads_such_a_column(tmp_path):
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n1,1,964982703\n"
                                      "2,3,964982703000\n")
    # 964982703 ms is 964982.703 s, floored
    assert load_table(path, timestamp_unit="ms").timestamp.tolist() == [964_982, SECONDS]


def test_a_unit_recorded_in_the_file_is_trusted(tmp_path):
    path = tmp_path / "ts.parquet"
    table = pa.table({"user_id": [1, 2], "item_id": [1, 3],
                      "timestamp": [SECONDS, MILLISECONDS]})
    roles = TableRoles(timestamp="timestamp", timestamp_unit="ms")
    pq.write_table(table.replace_schema_metadata(roles.to_metadata()), path)
    assert load_table(path).timestamp.tolist() == [964_982, SECONDS]


@pytest.mark.parametrize(("stamps", "seconds"), [
    # zero is 1970-01-01 in every unit: it does not make a column mixed
    (["0", "964982703000"], [0, SECONDS]),
    (["964982703", "0"], [SECONDS, 0]),
    (["0", "0"], [0, 0]),
    # before 1970, in seconds: -86400 is 1969-12-31
    (["-86400", "964982703"], [-86_400, SECONDS]),
    # seconds from 1973 to 5138 (the whole range that looks like seconds)
    (["100000000", "99999999999"], [100_000_000, 99_999_999_999]),
    # one unit, fractions floored: 964982703500 ms is 964982703.5 s
    (["964982703000", "964982703500"], [SECONDS, SECONDS]),
    (["964982703.5", "964982800"], [SECONDS, 964_982_800]),
    (["964982703000000", "964982703999999"], [SECONDS, SECONDS]),
])
def test_a_column_in_one_unit_loads_as_before(tmp_path, stamps, seconds):
    rows = "".join(f"1,{i},{t}\n" for i, t in enumerate(stamps))
    path = _write(tmp_path, "ts.csv", "user_id,item_id,timestamp\n" + rows)
    assert load_table(path).timestamp.tolist() == seconds


# ---------------------------------------------------------------------------- 2. roles
ROLES_CSV = "user_id,item_id,value\n1,10,5\n2,20,3\n3,30,4\n"


def test_the_cli_refuses_an_item_column_that_holds_the_users(tmp_path, capsys):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    code, err = _run_cli(capsys, "data", "info", str(path), "--item-col", "user_id")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.strip() == (
        f"recstack: error: {path}: column 'user_id' would hold both the user ids (found by "
        "its name) and the item ids (named with --item-col); one column cannot hold two "
        "roles: name another column with --item-col, or name the column of the user ids with "
        "--user-col")


def test_the_cli_refuses_ratings_read_as_times(tmp_path, capsys):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    code, err = _run_cli(capsys, "data", "info", str(path), "--timestamp-col", "value")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.strip() == (
        f"recstack: error: {path}: column 'value' would hold both the values (found by its "
        "name) and the timestamps (named with --timestamp-col); one column cannot hold two "
        "roles: name another column with --timestamp-col, or name the column of the values "
        "with --value-col (--no-value-col for none)")


def test_one_column_named_for_two_roles_is_refused(tmp_path):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    with pytest.raises(RecstackError) as caught:
        load_table(path, user_col="user_id", item_col="user_id")
    assert str(caught.value) == (
        f"{path}: column 'user_id' would hold both the user ids (named with user_col) and "
        "the item ids (named with item_col); one column cannot hold two roles: name "
        "different columns with user_col and item_col")


@pytest.mark.parametrize(("options", "column", "roles"), [
    ({"user_col": "item_id"}, "item_id", ("user ids", "item ids")),
    ({"value_col": "user_id"}, "user_id", ("user ids", "values")),
    ({"timestamp_col": "item_id"}, "item_id", ("item ids", "timestamps")),
    ({"user_col": "value"}, "value", ("user ids", "values")),
])
def test_a_named_column_that_another_role_finds_by_name_is_refused(tmp_path, options,
                                                                   column, roles):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    with pytest.raises(RecstackError) as caught:
        load_table(path, **options)
    message = str(caught.value)
    assert message.startswith(f"{path}: column {column!r} would hold both the {roles[0]} (")
    assert f") and the {roles[1]} (" in message


def test_a_well_known_name_counts_like_the_default_one(tmp_path, caplog):
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating\n1,10,5\n")
    with caplog.at_level(logging.INFO, logger="recstack.data.files"), \
            pytest.raises(RecstackError, match="column 'rating' would hold both the values "
                                               r"\(found by its name\) and the timestamps"):
        load_table(path, timestamp_col="rating")
    # no note of a choice that is refused
    assert not [r for r in caplog.records if "reading the values" in r.getMessage()]
    # saying that the file has no values settles it: the ratings are the times
    data = load_table(path, value_col=None, timestamp_col="rating")
    assert data.value.tolist() == [1.0] and data.timestamp.tolist() == [5]


def test_a_named_column_still_settles_between_several_well_known_ones(tmp_path):
    # rating and score could both hold the values; score named as the times leaves rating
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating,score\n1,10,5,7\n")
    data = load_table(path, timestamp_col="score")
    assert data.value.tolist() == [5.0] and data.timestamp.tolist() == [7]


def test_a_column_recorded_for_another_role_is_refused(tmp_path):
    data = Interactions.from_arrays([1, 2], [5, 6], [2.0, 3.0], [100, 200],
                                    rating_range=(1.0, 5.0))
    path = save_table(data, tmp_path / "saved.parquet")
    with pytest.raises(RecstackError) as caught:
        load_table(path, value_col="timestamp")
    assert str(caught.value) == (
        f"{path}: column 'timestamp' would hold both the values (named with value_col) and "
        "the timestamps (recorded in the file's metadata); one column cannot hold two "
        "roles: name another column with value_col, or name the column of the timestamps "
        "with timestamp_col (timestamp_col=None for none)")


def test_naming_the_column_a_role_would_find_anyway_is_accepted(tmp_path):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    data = load_table(path, user_col="user_id", item_col="item_id", value_col="value")
    assert data.to_frame().values.tolist() == [[1, 10, 5.0], [2, 20, 3.0], [3, 30, 4.0]]


def test_a_role_column_is_still_refused_as_context(tmp_path):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    with pytest.raises(RecstackError, match="column 'value' holds the values; it cannot "
                                            "also be a context column"):
        load_table(path, context=["value"])


def test_options_naming_one_column_twice_are_refused_before_reading(tmp_path):
    # in an experiment file this used to surface much later, as a confusing split error
    with pytest.raises(ConfigError) as caught:
        loader_options({"user_col": "user_id", "item_col": "user_id"}, "x.toml: [data] ")
    assert str(caught.value) == (
        "x.toml: [data] user_col and item_col are both 'user_id': one column cannot hold both the "
        "user ids and the item ids; name a different column with user_col or item_col")
    with pytest.raises(ConfigError, match="value_col and timestamp_col are both 'when': one column "
                                          "cannot hold both the values and the timestamps"):
        LoaderOptions(value_col="when", timestamp_col="when")


def test_the_cli_refuses_two_flags_naming_one_column(tmp_path, capsys):
    path = _write(tmp_path, "roles.csv", ROLES_CSV)
    code, err = _run_cli(capsys, "data", "info", str(path), "--user-col", "value",
                         "--item-col", "value")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "--user-col and --item-col are both 'value': one column cannot hold both the user ids " \
           "and the item ids" in err


def test_seconds_read_with_the_unit_ms_are_kept_with_a_warning(tmp_path):
    # seconds under timestamp_unit="ms" all landed in January 1970 without a word
    path = _write(tmp_path, "ts.csv", f"user_id,item_id,timestamp\n1,1,{SECONDS}\n"
                                      f"2,3,{SECONDS - 86_400}\n")
    with pytest.warns(UserWarning, match=r"column 'timestamp': timestamp_unit='ms' puts every "
                                         r"time on or before 1970-01-12, but the numbers look "
                                         r"like seconds \(the largest, 964982703, is "
                                         r"2000-07-30 so\); set timestamp_unit='s'"):
        data = load_table(path, timestamp_unit="ms")
    assert data.timestamp.tolist() == [964_982, 964_896]  # read as told, floored
    # the unit of the numbers' own magnitude, or small numbers in any unit: no warning
    small = _write(tmp_path, "small.csv", "user_id,item_id,timestamp\n1,1,5000\n2,3,7000\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_table(path, timestamp_unit="s").timestamp.tolist() == [
            SECONDS, SECONDS - 86_400]
        assert load_table(small, timestamp_unit="ms").timestamp.tolist() == [5, 7]
