"""Thirtieth probe, a ``timestamp_format`` pattern with a directive strptime does not know
(``%Q``, a lone ``%`` at the end): the pattern was accepted and every row then refused
as "cannot read '2020-01-01' as a time (expected a date-time in the format
'%Y-%m-%Q')", blaming the data for the pattern's mistake. The pattern is now refused
before the file is read, naming the directive."""

import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.errors import RecstackError


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,10,2020-01-01\n")
    return path


@pytest.mark.parametrize(("pattern", "what"), [
    ("%Y-%m-%Q", "'%Q' is not"),
    ("%Y-%m-%d %H:%i", "'%i' is not"),
    ("%Y-%m-%d%", "a lone '%' at the end is not"),
])
def test_a_directive_strptime_does_not_know_is_named(log, pattern, what):
    with pytest.raises(RecstackError, match=rf"^timestamp_format '{pattern}': {what} a "
                                            r"strptime directive; use codes such as %Y "
                                            r"\(year\), %m \(month\), %d \(day\)"):
        load_table(log, timestamp_format=pattern)


def test_known_patterns_and_the_other_checks_are_unchanged(log):
    # 2020-01-01T00:00:00Z
    assert load_table(log, timestamp_format="%Y-%m-%d").timestamp.tolist() == [1577836800]
    with pytest.raises(RecstackError, match=r"'%s' \(seconds since 1970\)"):
        load_table(log, timestamp_format="%s")
    with pytest.raises(RecstackError, match=r"names no year"):
        load_table(log, timestamp_format="%m-%d")


def test_the_command_line_names_it_in_one_line(log, capsys):
    assert main(["data", "info", str(log), "--timestamp-format", "%Y-%m-%Q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'%Q' is not a strptime directive" in err
