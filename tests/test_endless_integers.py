"""Integers too long for Python to write or read as text (over 4,300 digits): a message
about one must not itself fail with Python's "Exceeds the limit" ValueError."""

from __future__ import annotations

import random

import numpy as np
import pytest

from recstack import strict_json
from recstack.errors import digit_count, shown, shown_number


def test_digit_count_is_the_length_of_the_decimal_text() -> None:
    rng = random.Random(0)
    values = [0, 1, 9, 10, 99, 100, 10**20 - 1, 10**20, -(10**20), 2**70]
    values += [rng.randrange(1, 10 ** rng.randrange(1, 1000)) for _ in range(500)]
    for value in values:
        assert digit_count(value) == len(str(abs(value)))


def test_digit_count_past_pythons_text_limit() -> None:
    assert digit_count(10**5000) == 5001
    assert digit_count(10**5000 - 1) == 5000


def test_shown_names_an_endless_integer_by_its_length() -> None:
    assert shown(10**5000) == "a 5,001-digit integer"
    assert shown(-(10**5000)) == "a 5,001-digit integer"
    # below the limit the value is written as it is
    assert shown(10**30) == "1" + "0" * 30
    assert shown(np.int64(7)) == "7"


def test_shown_number_shortens_past_twenty_digits() -> None:
    assert shown_number(12) == "12"
    assert shown_number(np.int64(10**18)) == str(10**18)
    assert shown_number(10**19) == str(10**19)
    assert shown_number(10**400) == "a 401-digit integer"
    assert shown_number(10**5000) == "a 5,001-digit integer"


def test_strict_json_refuses_an_endless_integer_by_its_length() -> None:
    with pytest.raises(ValueError, match=r"^a 5,001-digit integer is too long to be a number"):
        strict_json.loads('{"k": 1' + "0" * 5000 + "}")
    with pytest.raises(ValueError, match=r"^a 5,000-digit integer"):
        strict_json.loads("[-" + "9" * 5000 + "]")
    assert strict_json.loads('{"k": -12, "f": 1.5, "n": ' + "9" * 300 + "}") == {
        "k": -12, "f": 1.5, "n": int("9" * 300)}


def test_cut_offs_and_synthetic_sizes_name_an_endless_integer() -> None:
    from recstack.data.synthetic import SyntheticConfig
    from recstack.errors import ConfigError
    from recstack.evaluation.evaluator import Evaluator

    with pytest.raises(ConfigError, match=r"K = a 5,001-digit integer is above 10000"):
        Evaluator(ks=[10**5000])
    with pytest.raises(ConfigError, match=r"n_users must be at most .*a 5,001-digit number"):
        SyntheticConfig(n_users=10**5000)
