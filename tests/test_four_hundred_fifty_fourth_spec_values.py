"""A ``synthetic:name=value,...`` spec's refused value is shown as the user typed it (``5e3``,
``-0``), and a number written with a unit suffix (``10k``) is named as such, with its digits."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.data.sources import load_source
from recstack.errors import ConfigError
from recstack.specs import NUMBER_TEXT_RULE


def _refusal(capsys, spec: str) -> str:
    assert main(["data", "info", spec]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("recstack: error: "), captured.err
    return lines[0].removeprefix("recstack: error: ")


@pytest.mark.parametrize("written, digits", [
    ("5e3", 5000), ("1E3", 1000), ("5.0e3", 5000), ("2.5e3", 2500), ("+5e3", 5000),
])
def test_a_decimal_count_is_shown_as_typed(capsys, written, digits):
    # before: "synthetic option n_users: read 5000.0, written with a decimal point or an
    # exponent; ..." for 5e3 (and 1E3 as 1000.0): the number read, not the text typed
    message = _refusal(capsys, f"synthetic:n_users={written}")
    assert message.startswith(f"synthetic option n_users: read {written}, written with a "
                              "decimal point or an exponent; n_users is a whole number")
    assert message.endswith(f"; e.g. n_users={digits}")
    assert f"{digits}.0" not in message


def test_a_setting_refused_by_the_generator_names_the_value_as_typed(capsys):
    # before: "synthetic: noise must be between 0 and 1000, got 5000.0", a value not typed
    message = _refusal(capsys, "synthetic:noise=5e3")
    assert message == ("synthetic: noise must be between 0 and 1000, got 5000.0 "
                       "(written noise=5e3)")


@pytest.mark.parametrize("written", ["-0", "+0", "00"])
def test_a_zero_count_written_otherwise_is_shown_as_typed(capsys, written):
    # before: "synthetic: n_users must be at least 1, got 0", for n_users=-0
    message = _refusal(capsys, f"synthetic:n_users={written}")
    assert message == f"synthetic: n_users must be at least 1, got 0 (written n_users={written})"


def test_a_value_typed_as_read_gets_no_note(capsys):
    # the note is there only where the typed text differs from the number shown
    assert _refusal(capsys, "synthetic:n_users=0") == \
        "synthetic: n_users must be at least 1, got 0"


@pytest.mark.parametrize("name, written, digits", [
    ("n_users", "10k", "10000"),  # 10 * 1,000
    ("n_users", "10K", "10000"),
    ("n_items", "1.5M", "1500000"),  # 1.5 * 1,000,000
    ("n_interactions", "2B", "2000000000"),  # 2 * 1,000,000,000
    ("noise", "0.5k", "500"),
    ("n_users", "10 k", "10000"),
])
def test_a_number_with_a_unit_suffix_is_named_with_its_digits(capsys, name, written, digits):
    # before: "synthetic: n_users must be an integer, got '10k'", the suffix unmentioned
    message = _refusal(capsys, f"synthetic:{name}={written}")
    suffix = written[-1]
    assert message == (f"synthetic option {name}={written}: a number takes no unit suffix "
                       f"({suffix!r}); it is written in {NUMBER_TEXT_RULE}; write "
                       f"{name}={digits}")


@pytest.mark.parametrize("written", ["0.0001k", "0k"])
def test_no_digits_are_offered_that_are_no_count(capsys, written):
    # 0.0001k is 0.1 users and 0k none: n_users is a whole number of at least 1
    message = _refusal(capsys, f"synthetic:n_users={written}")
    assert message.startswith(f"synthetic option n_users={written}: a number takes no unit "
                              "suffix ('k')")
    assert "write n_users=" not in message


def test_a_long_suffixed_number_is_refused_in_a_short_message():
    # thousands of digits before a suffix: the digits are not written out (Python refuses
    # to write an integer of over 4,300 digits) and the value is cut
    with pytest.raises(ConfigError) as caught:
        load_source("synthetic:n_users=" + "9" * 5000 + "k")
    message = str(caught.value)
    assert message.startswith("synthetic option n_users=999")
    assert "(5,001 characters): a number takes no unit suffix ('k')" in message
    assert len(message) < 400
