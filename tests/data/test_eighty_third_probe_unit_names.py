"""A timestamp unit spelled another way ("sec", "millis", "µs") is refused with the unit it
names, in Python, on the command line and in an experiment file."""

import pytest

from recstack.data.files import load_table
from recstack.data.sources import LoaderOptions
from recstack.errors import RecstackError
from recstack.specs import build_spec

# other spellings and the unit each names, from the definitions of the units
NAMES = [("sec", "s"), ("secs", "s"), ("seconds", "s"), ("Second", "s"), ("S", "s"),
         ("epoch", "s"), ("msec", "ms"), ("millis", "ms"), ("milliseconds", "ms"),
         ("MS", "ms"), ("milisecond", "ms"), ("usec", "us"), ("micros", "us"),
         ("microseconds", "us"), ("\u00b5s", "us"), ("\u03bcs", "us"), ("nsec", "ns"),
         ("nanos", "ns"), ("nanoseconds", "ns"), ("NS", "ns"), ("automatic", "auto"),
         ("Auto", "auto")]


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,2,100\n")
    return path


@pytest.mark.parametrize("given, unit", NAMES)
def test_python_loaders_name_the_unit(log, given, unit):
    with pytest.raises(RecstackError, match=rf"unknown timestamp_unit {given!r} \(did you "
                                            rf"mean '{unit}'\?\)"):
        load_table(log, timestamp_col="timestamp", timestamp_unit=given)


@pytest.mark.parametrize("given, unit", NAMES)
def test_loader_options_name_the_unit(given, unit):
    with pytest.raises(RecstackError, match=rf"must be one of 's', 'ms', 'us', 'ns', 'auto' "
                                            rf"\(did you mean '{unit}'\?\)"):
        build_spec(LoaderOptions, {"timestamp_unit": given})


@pytest.mark.parametrize("given", ["minutes", "min", "hours", "days", "d"])
def test_units_unix_time_is_never_counted_in_are_said_to_be(log, given):
    with pytest.raises(RecstackError, match=r"never in (minutes|hours|days): convert the "
                                            r"column to seconds first"):
        load_table(log, timestamp_col="timestamp", timestamp_unit=given)


@pytest.mark.parametrize("given", ["zz", "banana"])
def test_nothing_near_gives_no_suggestion(log, given):
    with pytest.raises(RecstackError) as caught:
        load_table(log, timestamp_col="timestamp", timestamp_unit=given)
    assert "did you mean" not in str(caught.value)


def test_the_command_line_names_the_unit(log, capsys):
    from recstack.cli import main

    code = main(["data", "info", str(log), "--timestamp-unit", "sec"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "(did you mean 's'?)" in err
