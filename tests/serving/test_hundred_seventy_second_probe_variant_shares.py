"""Variant shares and assignment (hundred_seventy_second probe): shares of 0.3333333 each
were refused as "must sum to 1, got 1" (the sum written with six digits); Decimal shares
were "not a finite number above 0" and a share too large for a float an OverflowError; a
list given to assign() a numpy TypeError; an empty salt was taken from Python (the settings
refuse it); a variant's share given as text said "(default PydanticUndefined)" under a
doubled place "field 'variants.0': field 'share'"."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.settings import ServiceSettings
from recstack.serving.variants import VariantAssigner, bucket


def test_a_sum_just_short_of_one_is_written_with_its_digits():
    with pytest.raises(ConfigError) as raised:
        VariantAssigner(["a", "b", "c"], [0.3333333] * 3, "s")
    assert str(raised.value) == (
        "variant shares must sum to 1, got [0.3333333, 0.3333333, 0.3333333] (sum "
        "0.9999999), 1e-07 short of 1; make the shares add up to exactly 1")


def test_the_settings_say_the_same():
    arms = [{"name": n, "model": "als", "share": 0.3333333} for n in "abc"]
    with pytest.raises(ConfigError, match=r"got \[0.3333333, 0.3333333, 0.3333333\] \(sum "
                                          r"0.9999999\), 1e-07 short of 1"):
        ServiceSettings.create(registry="models", variants=arms)
    arms = [{"name": "a", "model": "als", "share": 0.75},
            {"name": "b", "model": "als", "share": 0.5}]
    with pytest.raises(ConfigError, match=r"\(sum 1.25\), 0.25 over 1"):
        ServiceSettings.create(registry="models", variants=arms)


def test_a_share_given_as_text_names_its_field_once_and_no_default():
    arms = [{"name": "a", "model": "als", "share": "0.5"},
            {"name": "b", "model": "als", "share": 0.5}]
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", variants=arms)
    assert str(raised.value) == ("serve settings: field 'variants.0.share': the text '0.5' "
                                 "is not a number; write a number without quotes")


@pytest.mark.parametrize("shares", [
    [Decimal("0.25"), Decimal("0.75")], [Fraction(1, 4), Fraction(3, 4)],
    np.array([0.25, 0.75], np.float32), [np.float64(0.25), np.float64(0.75)]])
def test_any_real_number_is_a_share(shares):
    assigner = VariantAssigner(["a", "b"], shares, "s")
    # the arm by the module's formula: bucket below 0.25 is a, else b
    for user in ("1", "2", "3", "4", "5", "6"):
        assert assigner.assign(user) == ("a" if bucket(user, "s") < 0.25 else "b")


def test_a_share_too_large_for_a_float_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"finite number above 0 .*got a 401-digit "
                                          r"integer in \[a 401-digit integer, 0.5\]"):
        VariantAssigner(["a", "b"], [10**400, 0.5], "s")


def test_shares_of_another_shape_are_refused():
    with pytest.raises(ConfigError, match=r"a flat list of numbers, one per variant, got "
                                          r"array\(\[\[0.5\], \[0.5\]\]\)"):
        VariantAssigner(["a", "b"], np.array([[0.5], [0.5]]), "s")


def test_an_empty_salt_is_refused_as_the_settings_refuse_it():
    with pytest.raises(ConfigError, match=r"the variant salt must be text \(not empty\), "
                                          r"got ''"):
        VariantAssigner(["a", "b"], [0.5, 0.5], "")


@pytest.mark.parametrize("user", [[7], (7,), np.array([7]), [[7]], []])
def test_assign_takes_one_user(user):
    with pytest.raises(ConfigError, match=r"user id: assign takes one user id, got .*; "
                                          r"assign each user in turn"):
        VariantAssigner(["a", "b"], [0.5, 0.5], "s").assign(user)


def test_a_zero_dimensional_array_is_one_user():
    assigner = VariantAssigner(["a", "b"], [0.5, 0.5], "s")
    assert assigner.assign(np.array(7)) == assigner.assign(7) == assigner.assign("7")


@pytest.mark.parametrize(("values", "message"), [
    ({"registry": ""}, "field 'registry': is empty; give the model registry's folder or URL"),
    ({"registry": "models", "variant_salt": ""},
     "field 'variant_salt': is empty; give a value or leave the setting out for its default"),
    ({"registry": "models", "variant_salt": "s" * 101},
     "field 'variant_salt': has 101 characters; give at most 100"),
])
def test_empty_and_over_long_text_settings_are_worded(values, message):
    # pydantic's "String should have at least 1 character"
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(**values)
    assert str(raised.value) == f"serve settings: {message}"
