"""Hundred-forty-second probe, one rule for masks.

``given_split`` took a 0/1 integer mask but refused 0.0/1.0 floats (``(x > 3) * 1.0``)
with a message that asked for "0/1", and refused a column of Python booleans (an object
column); a NaN or ``pd.NA`` flag was named only by the dtype. A mask of a pure mask
argument now takes booleans (of any container) or the numbers 0 and 1, and refuses any
other value naming its row. ``select``/``for_users``/``for_items``, which take a mask or
positions, take Python booleans in an object column as a mask and refuse 0.0/1.0 floats
with the conversion, as they refuse integer zeros and ones."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError


@pytest.fixture
def data():
    # three users with two items each; item 10 and 11 are seen by everyone
    return Interactions.from_arrays([1, 1, 1, 2, 2, 2, 3, 3, 3],
                                    [10, 11, 12, 10, 11, 12, 10, 11, 12])


TEST_ROWS = [2, 5]  # item 12 of users 1 and 2: item 12 stays in training through user 3


def _flags(kind):
    flags = np.zeros(9, bool)
    flags[TEST_ROWS] = True
    return {"bool": flags, "int": flags.astype(int), "float": flags.astype(float),
            "float32": flags.astype(np.float32), "object": flags.astype(object),
            "series": pd.Series(flags.astype(float)),
            "nullable": pd.array(flags, dtype="boolean"),
            "Int64": pd.array(flags.astype(int), dtype="Int64")}[kind]


@pytest.mark.parametrize("kind", ["bool", "int", "float", "float32", "object", "series",
                                  "nullable", "Int64"])
def test_given_split_takes_every_form_of_true_false_flags(data, kind):
    split = given_split(data, _flags(kind))
    # by definition: the flagged rows are the test part, the others training
    assert split.test.items.to_external(split.test.item_index).tolist() == [12, 12]
    assert split.test.users.to_external(split.test.user_index).tolist() == [1, 2]
    assert len(split.train) == 7


def test_given_split_takes_a_float_fold_in_mask(data):
    is_test = np.zeros(9)
    is_test[2] = 1.0
    fold_in = np.zeros(9)
    fold_in[[0, 1]] = 1.0
    split = given_split(data, is_test, fold_in_mask=fold_in)
    assert len(split.test) == 1 and len(split.fold_in) == 2 and len(split.train) == 6


@pytest.mark.parametrize(("flags", "shown", "note"), [
    (np.array([0, 0, 0.5, 0, 0, 0, 0, 0, 0]), "0.5", ""),
    (np.array([0, 0, 1, 0, 0, np.nan, 0, 0, 0]), "nan", r" \(a missing flag\)"),
    (pd.array([False, False, True, None, False, False, False, False, False],
              dtype="boolean"), "<NA>", r" \(a missing flag\)"),
    (np.array([0, 0, 2, 0, 0, 0, 0, 0, 0]), "2", ""),
    (np.array(list("001000000")), "'0'", ""),
])
def test_given_split_refuses_other_flags_naming_the_row(data, flags, shown, note):
    row = 0 if shown == "'0'" else 3 if shown == "<NA>" else 5 if shown == "nan" else 2
    with pytest.raises(ConfigError, match=rf"^given split: is_test holds {shown} at row "
                                          rf"{row}{note} of its .* values; expected one "
                                          r"true/false \(or 0/1\) flag per row"):
        given_split(data, flags)


def test_given_split_names_a_bad_fold_in_flag(data):
    is_test = np.zeros(9, bool)
    is_test[2] = True
    with pytest.raises(ConfigError, match=r"^given split: fold_in_mask holds nan at row 1 "):
        given_split(data, is_test, fold_in_mask=np.array([0, np.nan, 0, 0, 0, 0, 0, 0, 0]))


def test_select_takes_python_booleans_in_an_object_column(data):
    flags = np.zeros(9, bool)
    flags[[0, 4]] = True
    chosen = data.select(flags.astype(object))
    assert chosen.items.to_external(chosen.item_index).tolist() == [10, 11]
    assert len(data.for_users(np.array([True, False, True], dtype=object))) == 6


@pytest.mark.parametrize("call", ["select", "for_users"])
def test_float_zeros_and_ones_where_positions_may_stand_say_how_to_pass_a_mask(data, call):
    n = 9 if call == "select" else 3
    flags = np.zeros(n)
    flags[0] = 1.0
    with pytest.raises(ConfigError, match=rf"^{call}: got {n} float zeros and ones for {n} "
                                          r".*: a mask\? Pass it as booleans "
                                          r"\(np\.asarray\(mask, dtype=bool\)\)"):
        getattr(data, call)(flags)
