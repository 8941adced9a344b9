"""Thirtieth probe, Unix seconds written in quotes (``start = "1600000000"`` in an
experiment file): the time options read text as an ISO date, so the bound was refused as
"cannot read '1600000000' as a time; use Unix seconds or an ISO date", telling the user
to do what they had done. Now the message says that the number is in quotes and gives it
unquoted."""

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.filters import TimeWindow, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, RecstackError

EXPERIMENT = """\
[data]
source = "synthetic:n_users=30,n_items=20,n_interactions=200,n_genres=3"

[[filters]]
type = "time_window"
start = {start}

[split]
method = "random"

[[models]]
type = "most_popular"
"""


def test_a_quoted_bound_in_an_experiment_file_is_told_to_lose_its_quotes(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.format(start='"1600000000"'))
    with pytest.raises(ConfigError, match=r"\[\[filters\]\] #1 start: '1600000000' is a number "
                                          r"in quotes, which is text; drop the quotes: "
                                          r"1600000000$") as error:
        load_experiment(path)
    assert "use Unix seconds" not in str(error.value)


def test_the_same_bound_unquoted_is_read(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.format(start="1600000000"))
    (window,) = load_experiment(path).filters
    assert window.start == 1600000000


@pytest.mark.parametrize(("written", "told"), [
    (" 1600000000 ", "drop the quotes: 1600000000"),
    ("1.6e9", "write it as a whole number without quotes: 1600000000"),
    ("1600000000.5", "give whole Unix seconds without quotes, such as 1600000000"),
])
def test_other_numbers_in_quotes_are_shown_as_numbers(written, told):
    data = Interactions.from_arrays([1, 2], [10, 10], timestamps=[1600000000, 1600000001])
    with pytest.raises(ConfigError, match=rf"^time_window: start: '{written}' is a number in "
                                          rf"quotes, which is text; {told}$"):
        apply_filters(data, [TimeWindow(start=written)])


def test_a_quoted_cutoff_and_a_quoted_partition_bound_say_it_too(tmp_path):
    data = Interactions.from_arrays([1, 2], [10, 10], timestamps=[1600000000, 1600000001])
    with pytest.raises(ConfigError, match=r"^cutoff: '1600000000' is a number in quotes"):
        temporal_split(data, cutoff="1600000000")
    root = write_partitioned(data, tmp_path / "log")
    with pytest.raises(RecstackError, match=r"^start: '1600000000' is a number in quotes, "
                                            r"which is text; drop the quotes: 1600000000$"):
        read_partitioned(root, start="1600000000")


def test_an_iso_date_in_quotes_is_still_read():
    data = Interactions.from_arrays([1, 2], [10, 10], timestamps=[1600000000, 1600000001])
    kept, _ = apply_filters(data, [TimeWindow(start="2020-09-13T12:26:41")])
    assert kept.timestamp.tolist() == [1600000001]  # 1600000001 is 2020-09-13T12:26:41Z


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.format(start='"1600000000"'))
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "is a number in quotes, which is text; drop the quotes: 1600000000" in err


def test_a_float_bound_is_not_called_a_number_in_quotes():
    from recstack.data.filters import to_unix_seconds

    with pytest.raises(ConfigError) as raised:
        to_unix_seconds(1_704_067_200.5, "start")
    assert str(raised.value).startswith("start: cannot read 1704067200.5 as a time")
    assert "quotes" not in str(raised.value)
