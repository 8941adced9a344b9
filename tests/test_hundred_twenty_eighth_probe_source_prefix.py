"""Hundred-twenty-eighth probe: a synthetic spec with a misspelt (or another) prefix before
its ``:`` was read as a synthetic spec, the prefix never looked at."""

from __future__ import annotations

import pytest

from recstack.data.sources import parse_synthetic_spec
from recstack.errors import ConfigError


@pytest.mark.parametrize("spec, prefix, near", [
    ("synthtic:n_users=5", "synthtic", True), ("Synthetic:n_users=5", "Synthetic", True),
    ("movielens:n_users=5", "movielens", False), (":n_users=5", "", False)])
def test_a_prefix_other_than_synthetic_is_refused_naming_it(spec, prefix, near):
    with pytest.raises(ConfigError) as caught:
        parse_synthetic_spec(spec)
    message = str(caught.value)
    assert f"the prefix {prefix!r} is not 'synthetic'" in message
    assert message.endswith("write synthetic:n_users=5")
    assert ("did you mean 'synthetic'?" in message) is near


def test_a_misspelt_name_alone_gets_the_nearest():
    with pytest.raises(ConfigError, match=r"expected 'synthetic' or 'synthetic:name=value,"
                                          r"\.\.\.' \(did you mean 'synthetic'\?\)"):
        parse_synthetic_spec("synthetc")


def test_the_right_prefix_still_parses():
    assert parse_synthetic_spec("synthetic:n_users=5,seed=2") == {"n_users": 5, "seed": 2}


def test_filters_keep_their_own_names():
    # --filter reads name:options with the same option reader; its name is a filter's
    from recstack.cli import _parse_filter
    from recstack.errors import RecstackError

    assert _parse_filter("k_core:user_min=3,item_min=2").user_min == 3
    assert _parse_filter("k_core").item_min == 5
    with pytest.raises(RecstackError, match=r"^--filter k_core:user_min=3,,item_min=2: option "
                                            r"2 of 3"):
        _parse_filter("k_core:user_min=3,,item_min=2")


def test_the_command_line_names_the_misspelt_source(tmp_path, monkeypatch, capsys):
    from recstack.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(["data", "info", "synthtic:n_users=5"])
    assert code != 0
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "synthetic:n_users=5" in err, err


def test_a_filters_corrected_spelling_names_the_filter_not_synthetic():
    # it said "separate name=value options by commas: synthetic:user_min=2,item_min=3"
    from recstack.cli import _parse_filter
    from recstack.errors import RecstackError

    with pytest.raises(RecstackError) as caught:
        _parse_filter("k_core:user_min=2 item_min=3")
    message = str(caught.value)
    assert message.endswith("separate name=value options by commas: "
                            "k_core:user_min=2,item_min=3"), message
    assert "synthetic" not in message


@pytest.mark.parametrize("text", ["nan", "NaN"])
def test_a_nan_setting_is_not_said_to_be_in_quotes(text):
    # it was told to "write it without them, threshold = nan": there were no quotes
    from recstack.cli import _parse_filter
    from recstack.errors import RecstackError

    with pytest.raises(RecstackError) as caught:
        _parse_filter(f"min_value:threshold={text}")
    message = str(caught.value)
    assert "quotes" not in message
    assert message.endswith("(NaN is not a number any setting takes: give a number in "
                            "digits)"), message
