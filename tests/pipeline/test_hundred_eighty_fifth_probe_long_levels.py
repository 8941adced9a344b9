"""Hundred-eighty-fifth probe: a categorical level that is an integer of more than 4,300
digits (which Python refuses to write as text) failed the feature builder with Python's
"Exceeds the limit (4300 digits) for integer string conversion" ValueError, at fit and at
serving, in a single-valued and in a multi-valued column. Such a level is now keyed by its
digits, as any whole number is: the same number of any exact type, and its text, are one
level. Codes worked by hand: the levels are sorted as text, code 0 is the unknown level."""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.pipeline.features import FeatureBuilder

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from test_hundred_eightieth_probe_number_levels import codes, fitted, levels, log  # noqa: E402

BIG = 10**5000
#: 10**5000 written out: "1" and 5,000 zeros
BIG_TEXT = "1" + "0" * 5000


def test_a_level_of_thousands_of_digits_is_fitted_by_its_digits():
    builder = fitted(log(["a", BIG, 2]))
    # sorted as text: "1000...0" < "2" < "a"
    assert levels(builder, "occ") == (BIG_TEXT, "2", "a")
    # u0 "a" is code 3, u1 (10**5000) code 1, u2 code 2
    assert codes(builder, log(["a", BIG, 2]), "user_occ") == [3, 1, 2]


@pytest.mark.parametrize("same", [BIG, Decimal("1e5000"), Fraction(BIG, 1), BIG_TEXT,
                                  Fraction(3 * BIG, 3)],
                         ids=["int", "Decimal", "Fraction", "text", "Fraction-3"])
def test_the_same_long_number_of_any_type_is_the_same_level(same):
    builder = fitted(log(["a", BIG, 2]))
    assert codes(builder, log([same, "a", 2]), "user_occ") == [1, 3, 2]


def test_another_long_number_is_an_unknown_level():
    builder = fitted(log(["a", 1, 2]))
    # 10**5000 was never seen: code 0, not a ValueError; 1.0 is the level "1"
    assert codes(builder, log([BIG, 1.0, Fraction(BIG + 1, 3)]), "user_occ") == [0, 1, 0]


def test_a_long_label_in_a_list_column():
    builder = fitted(log(["a", 1, 2], [[BIG], ["y"], ["z"]]))
    assert levels(builder, "genres") == (BIG_TEXT, "y", "z")
    # each item's first label: i0 10**5000 (code 1), i1 "y" (2), i2 "z" (3)
    assert codes(builder, log(["a", 1, 2], [[BIG], ["y"], ["z"]]), "item_genres") == [1, 2, 3]


def test_a_saved_builder_keeps_the_long_level():
    builder = FeatureBuilder.from_json(fitted(log(["a", -BIG, 2])).to_json())
    assert levels(builder, "occ")[0] == "-" + BIG_TEXT
    assert codes(builder, log(["a", -BIG, 2]), "user_occ") == [3, 1, 2]
