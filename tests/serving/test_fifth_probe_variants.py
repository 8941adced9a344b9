"""Fifth bad-input probe: A/B variant assignment from Python."""

from __future__ import annotations

import hashlib

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.variants import VariantAssigner


def _position(text: str, salt: str) -> float:
    # the module docstring's formula, written out independently
    return int.from_bytes(hashlib.sha256(f"{salt}:{text}".encode()).digest()[:8],
                          "big") / 2**64


@pytest.mark.parametrize("shares, message", [
    ([float("nan"), 1.0], "got nan"),  # NaN passed both checks: everyone went to "a"
    ([float("nan"), float("nan")], "got nan"),
    (["x", 1.0], "got 'x'"),  # was numpy's "could not convert string to float"
    ([True, False], "got True"),
    ([[0.5], [0.5]], r"got \[0.5\]"),
    ([-0.5, 1.5], "got -0.5"),
])
def test_shares_must_be_finite_positive_numbers(shares, message):
    with pytest.raises(ConfigError, match=r"each variant share must be a finite number above "
                                          r"0 .*" + message):
        VariantAssigner(["a", "b"], shares, "salt")


def test_shares_that_do_not_sum_to_one_say_the_sum_and_percentages_are_named():
    with pytest.raises(ConfigError, match=r"must sum to 1, got \[0.4, 0.5\] \(sum 0.9\)"):
        VariantAssigner(["a", "b"], [0.4, 0.5], "salt")
    with pytest.raises(ConfigError, match=r"shares are fractions \(0.5, not 50\)"):
        VariantAssigner(["a", "b"], [50, 50], "salt")


@pytest.mark.parametrize("names, message", [
    (["a", "a"], r"distinct: 'a' names variants 1 and 2 of the list"),
    (["a", None], "non-empty text, got None"),
    (["", "b"], "non-empty text, got ''"),
    ("ab", "a list of names, got 'ab'"),
])
def test_names_must_be_distinct_non_empty_text(names, message):
    with pytest.raises(ConfigError, match=message):
        VariantAssigner(names, [0.5, 0.5], "salt")


@pytest.mark.parametrize("salt", [None, b"salt", 3])
def test_a_salt_that_is_not_text_is_refused(salt):
    # None hashed as "None:..." and b"salt" as "b'salt':..." without a word
    with pytest.raises(ConfigError, match=r"the variant salt must be text"):
        VariantAssigner(["a", "b"], [0.5, 0.5], salt)


def test_one_user_gets_one_arm_however_the_id_is_written():
    assigner = VariantAssigner(["a", "b"], [0.5, 0.5], "s")
    # " 7" hashed its blank (0.766, arm b) while the service trims it to "7" (0.144, arm a)
    assert _position("7", "s") < 0.5 < _position(" 7", "s")
    for spelling in (7, 7.0, "7", " 7", "7 ", b"7"):
        assert assigner.assign(spelling) == "a", spelling
    assert assigner.assign("-0") == assigner.assign(0) == assigner.assign("0")
    assert assigner.assign("007") == ("a" if _position("007", "s") < 0.5 else "b")


@pytest.mark.parametrize("user", [None, True, 1.5, float("nan"), "  "])
def test_a_user_id_that_is_no_id_is_refused(user):
    assigner = VariantAssigner(["a", "b"], [0.5, 0.5], "s")
    with pytest.raises(RecstackError, match=r"user id"):
        assigner.assign(user)
