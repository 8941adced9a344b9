"""``[data] value_col = false``: a log without a value column, every row an implicit
positive (Python's ``load_table(value_col=None)``), spelled in an experiment file."""

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.experiment import prepare_data, run_experiment

# 4 users, 3 items, no value column; user 3 viewed item 0 twice (kept: "keep" is the
# loader's default); each user's last item was seen by another user before
CLICKS = ("user_id,item_id,timestamp\n"
          "0,0,100\n0,1,101\n0,2,102\n1,1,103\n1,2,104\n1,0,105\n"
          "2,2,106\n2,0,107\n2,1,108\n3,0,109\n3,0,110\n3,1,111\n")


def write_experiment(folder, data_lines, extra=""):
    path = folder / "exp.toml"
    path.write_text(f"""
[data]
{data_lines}
[split]
method = "leave_last_out"
[evaluation]
metrics = ["recall"]
ks = [2]
[[models]]
type = "most_popular"
{extra}""")
    return path


def test_a_log_without_a_rating_column_runs_through_an_experiment_file(tmp_path, capsys):
    (tmp_path / "clicks.csv").write_text(CLICKS)
    path = write_experiment(tmp_path, 'source = "clicks.csv"\nvalue_col = false')
    exp = load_experiment(path)
    data, _ = prepare_data(exp)
    assert len(data) == 12 and np.array_equal(data.value, np.ones(12, np.float32))
    assert data.timestamp is not None
    assert len(run_experiment(exp).results) == 1
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "summary.csv").is_file()


def test_a_column_named_like_values_is_not_read(tmp_path):
    # "rating" is a well-known name of the value column: read unless value_col = false
    (tmp_path / "rated.csv").write_text("user_id,item_id,rating\n0,0,5\n0,1,2\n1,0,4\n"
                                        "1,1,1\n2,0,3\n2,1,5\n")
    read = prepare_data(load_experiment(write_experiment(tmp_path, 'source = "rated.csv"')))[0]
    assert read.value.tolist() == [5, 2, 4, 1, 3, 5]
    path = write_experiment(tmp_path, 'source = "rated.csv"\nvalue_col = false')
    assert prepare_data(load_experiment(path))[0].value.tolist() == [1.0] * 6


def test_two_columns_named_like_values_need_no_choice(tmp_path):
    # rating and count are both well-known value names: without value_col the loader
    # refuses to guess; a log read as implicit has no value column to choose
    (tmp_path / "both.csv").write_text("user_id,item_id,rating,count\n0,0,5,1\n1,1,4,2\n"
                                       "2,0,3,1\n2,1,5,3\n")
    path = write_experiment(tmp_path, 'source = "both.csv"\nvalue_col = false')
    assert prepare_data(load_experiment(path))[0].value.tolist() == [1.0] * 4


@pytest.mark.parametrize(("value", "shown"), [("true", "true"), ("3", "3"),
                                              ('["rating"]', "['rating']")])
def test_other_values_than_a_name_or_false_are_refused_when_the_file_is_read(tmp_path, value,
                                                                            shown):
    (tmp_path / "clicks.csv").write_text(CLICKS)
    path = write_experiment(tmp_path, f'source = "clicks.csv"\nvalue_col = {value}')
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value) == (
        f"{path}: [data] value_col = {shown}: expected a column name (a string), or false "
        "for a log without values (every row an implicit positive, 1.0)")


def test_a_rating_range_without_values_is_refused_when_the_file_is_read(tmp_path):
    (tmp_path / "clicks.csv").write_text(CLICKS)
    path = write_experiment(tmp_path, 'source = "clicks.csv"\nvalue_col = false\n'
                                      'rating_range = [1, 5]')
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value) == (
        f"{path}: [data] value_col = false: the log has no values, so rating_range = "
        "[1.0, 5.0] has nothing to check; drop it, or name the value column")


def test_value_col_false_is_a_loader_option_like_the_others(tmp_path):
    path = write_experiment(tmp_path, 'source = "synthetic"\nvalue_col = false')
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value) == (f"{path}: [data] value_col: loader options apply to CSV, "
                                "TSV and Parquet files, not to a synthetic source")


def test_the_parts_of_data_already_split_are_read_without_values(tmp_path):
    (tmp_path / "train.csv").write_text("user_id,item_id,rating\n0,0,5\n0,1,2\n1,0,4\n")
    (tmp_path / "test.csv").write_text("user_id,item_id,rating\n0,2,1\n1,1,3\n")
    path = tmp_path / "exp.toml"
    path.write_text('[data]\ntrain = "train.csv"\ntest = "test.csv"\nvalue_col = false\n'
                    '[evaluation]\nmetrics = ["recall"]\nks = [1]\n'
                    '[[models]]\ntype = "most_popular"\n')
    result = run_experiment(load_experiment(path))
    # popularity over train: item 0 twice, item 1 once; user 0 masks {0, 1} and gets item
    # 2 (a hit), user 1 masks {0} and gets item 1 (a hit): recall@1 = 1 for both
    assert result.results[0].means()["recall@1"] == 1.0


def test_the_command_line_spells_it_no_value_col(tmp_path, capsys):
    (tmp_path / "rated.csv").write_text("user_id,item_id,rating\n0,0,5\n0,1,2\n1,0,4\n")
    assert main(["data", "info", str(tmp_path / "rated.csv"), "--no-value-col"]) == 0
    out = capsys.readouterr().out
    # every row is 1.0: one bar of three rows, none of the ratings 5, 2, 4
    assert "values\n       1             3" in out, out
    assert main(["data", "info", str(tmp_path / "rated.csv"), "--no-value-col",
                 "--value-col", "rating"]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "--no-value-col and --value-col rating: give one (a log either has a value column "
        "or not)")
    assert main(["data", "info", str(tmp_path / "rated.csv"), "--no-value-col",
                 "--rating-range", "1,5"]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "--no-value-col: the log has no values, so --rating-range 1,5 has nothing to check; "
        "drop it, or name the value column")
