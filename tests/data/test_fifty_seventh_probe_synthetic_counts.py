"""A count of a synthetic:... spec is written in digits, as --users and TOML integers are."""

from __future__ import annotations

import pytest

from recstack.data.movielens import RELEASES, release
from recstack.data.sources import load_source, resolve_source
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError, RecstackError


@pytest.mark.parametrize("setting, example", [
    ("n_users=5e3", "n_users=5000"),
    ("n_users=500.0", "n_users=500"),
    ("n_items=1E2", "n_items=100"),
    ("seed=1.0", "seed=1"),
    ("months=12.", "months=12"),
])
def test_a_count_written_as_a_decimal_is_refused(setting, example) -> None:
    with pytest.raises(ConfigError, match=rf"synthetic option {setting.split('=')[0]}: .*"
                                          rf"whole number.*e\.g\. {example}$"):
        resolve_source(f"synthetic:{setting}")


def test_a_fraction_for_a_count_is_refused_without_an_example() -> None:
    with pytest.raises(ConfigError, match=r"n_users: read 500\.5.*whole number") as caught:
        resolve_source("synthetic:n_users=500.5")
    assert "e.g." not in str(caught.value)


def test_counts_in_digits_and_decimal_settings_are_read() -> None:
    data = load_source("synthetic:n_users=60,n_items=40,n_interactions=900,drift=0.5,"
                       "noise=1e-1")
    assert (data.n_users, len(data)) == (60, 900)


def test_the_python_api_refuses_whole_floats_for_counts_as_the_models_do() -> None:
    # a float is no count in Python either, as factors=64.0 is refused by every model
    # (it was taken here alone); the message gives the count in digits
    with pytest.raises(ConfigError, match=r"n_users must be an integer, got 300\.0 \(a whole "
                                          r"number is written in digits alone.*n_users=300\)"):
        SyntheticConfig(n_users=300.0, n_interactions=6000)


@pytest.mark.parametrize("name", ["", "   ", "ml-", "movielens-"])
def test_an_empty_movielens_release_name_lists_the_releases(name) -> None:
    with pytest.raises(RecstackError, match="names no release") as caught:
        release(name)
    assert all(known in str(caught.value) for known in RELEASES)
