"""Two-hundred-forty-ninth bad-input probe, the shared option check of the declared steps
(:class:`recstack.specs.Spec`) in Python: ``k_core(data, user_min="2")`` and
``user_min=2.0`` said only "expected an integer", where an experiment file's
``user_min = "2"`` is told how to write it. Every step built from Python now gets the
same hint, and only where the number it spells passes the option's own check
(``user_min=0.0`` is not told to write ``user_min = 0``, refused next)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.filters import KCore, k_core
from recstack.data.splits import leave_last_out
from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.specs import build_spec


@pytest.fixture(scope="module")
def data():
    return generate(n_users=30, n_items=20, n_interactions=300, seed=0)


@pytest.mark.parametrize("given, message", [
    ("2", "k_core: user_min = '2': expected an integer (a number in quotes is text: write "
          "it without them, user_min = 2)"),
    (2.0, "k_core: user_min = 2.0: expected an integer (a whole number is written in "
          "digits alone, without a point or an exponent: user_min = 2)"),
    (np.float64(3), "k_core: user_min = 3.0: expected an integer (a whole number is "
                    "written in digits alone, without a point or an exponent: user_min = 3)"),
    (1e3, "k_core: user_min = 1000.0: expected an integer (a whole number is written in "
          "digits alone, without a point or an exponent: user_min = 1000)"),
])
def test_a_number_spelt_as_text_or_with_a_point_is_told_how_to_write_it(data, given,
                                                                         message):
    with pytest.raises(ConfigError) as caught:
        k_core(data, user_min=given)
    assert str(caught.value) == message


def test_a_split_built_in_python_gets_the_hint_too(data):
    with pytest.raises(ConfigError) as caught:
        leave_last_out(data, n="1")
    assert str(caught.value) == ("leave_last_out: n = '1': expected an integer (a number "
                                 "in quotes is text: write it without them, n = 1)")


@pytest.mark.parametrize("given, message", [
    (0.0, "k_core: user_min = 0.0: expected an integer (a whole number is written in "
          "digits alone, and user_min = 0 is refused too: must be >= 1)"),
    ("0", "k_core: user_min = '0': expected an integer (a number in quotes is text, and "
          "user_min = 0 unquoted is refused too: must be >= 1)"),
])
def test_no_spelling_is_suggested_that_the_option_refuses(data, given, message):
    with pytest.raises(ConfigError) as caught:
        k_core(data, user_min=given)
    assert str(caught.value) == message


@pytest.mark.parametrize("given, message", [
    (0.0, 'user_min = 0.0: expected an integer (a whole number is written in digits alone, '
          'and user_min = 0 is refused too: must be >= 1)'),
    ("0e0", 'user_min = "0e0": expected an integer (a number in quotes is text, and '
            'user_min = 0 unquoted is refused too: must be >= 1)'),
])
def test_a_file_or_flag_value_is_held_to_the_same_rule(given, message):
    with pytest.raises(ConfigError) as caught:
        build_spec(KCore, {"user_min": given})
    assert str(caught.value) == message


@pytest.mark.parametrize("given", ["two", 2.5, "true"])
def test_values_that_spell_no_whole_number_get_no_hint(data, given):
    with pytest.raises(ConfigError) as caught:
        k_core(data, user_min=given)
    assert str(caught.value).endswith(": expected an integer")


def test_a_boolean_count_is_told_booleans_are_no_numbers(data):
    # True is the int 1 to Python, so without its own words it reads as a count of one
    with pytest.raises(ConfigError) as caught:
        k_core(data, user_min=True)
    assert str(caught.value) == ("k_core: user_min = True: expected an integer (true and "
                                 "false are not numbers: write user_min as a whole number "
                                 "in digits)")
