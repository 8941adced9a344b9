"""Two hundred eightieth bad-input probe.

- ``check_threshold`` (``implicit(threshold=...)``, the evaluator's
  ``relevance_threshold``, Spark's evaluation): a threshold spelt as text (``"4"``) was
  refused as "got '4'" alone, while the evaluator's other settings say how to write it; it
  now gets the same hint wherever it is checked, and a spelt number refused as well
  (``"inf"``) gets none.
- ``Interactions.with_item_table`` / ``with_user_table``: the public way to attach a side
  table to loaded interactions, checked and aligned as ``from_arrays`` does it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions, check_threshold
from recstack.errors import ConfigError, DataFormatError
from recstack.evaluation.evaluator import Evaluator

HINT = "(a number in quotes is text: write it without them, {} = {})"


@pytest.mark.parametrize("given, written", [("4", "4"), ("3.5", "3.5"), ("-1", "-1")])
def test_a_quoted_threshold_is_told_how_to_write_it(given, written):
    with pytest.raises(ConfigError) as error:
        check_threshold(given, "threshold")
    assert str(error.value) == (f"threshold must be a finite number or None, got "
                                f"{given!r} {HINT.format('threshold', written)}")


@pytest.mark.parametrize("given", ["inf", "nan", "four", b"4", [4]])
def test_a_spelling_that_would_be_refused_too_gets_no_hint(given):
    with pytest.raises(ConfigError) as error:
        check_threshold(given, "threshold")
    assert "quotes" not in str(error.value)


def test_implicit_and_the_evaluator_give_the_hint_once():
    data = Interactions.from_arrays([1, 2], [1, 2], [4.0, 2.0])
    with pytest.raises(ConfigError, match=r"got '4' \(a number in quotes is text: write it "
                                          r"without them, threshold = 4\)$"):
        data.implicit(threshold="4")
    with pytest.raises(ConfigError) as error:
        Evaluator(relevance_threshold="4")
    assert str(error.value).count("quotes") == 1
    assert str(error.value).endswith("relevance_threshold = 4)")


def test_a_threshold_given_as_a_number_still_works():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3], [4.0, 2.0, 5.0])
    assert len(data.implicit(threshold=4)) == 2  # the ratings 4 and 5


def _data():
    return Interactions.from_arrays(["u1", "u2", "u1"], ["a", "b", "c"], [1.0, 2.0, 3.0])


def test_with_item_table_aligns_to_the_items():
    table = pd.DataFrame({"item_id": ["b", "a", "z"], "title": ["Bee", "Ant", "Zed"]})
    data = _data().with_item_table(table)
    # one row per item in index order (a, b, c); z is no item; c has no row
    assert data.item_table["item_id"].tolist() == ["a", "b", "c"]
    assert data.item_table["title"].tolist() == ["Ant", "Bee", None]
    built = Interactions.from_arrays(["u1", "u2", "u1"], ["a", "b", "c"], [1.0, 2.0, 3.0],
                                     item_table=table)
    pd.testing.assert_frame_equal(data.item_table, built.item_table)
    np.testing.assert_array_equal(data.value, [1.0, 2.0, 3.0])


def test_with_user_table_takes_an_index_named_user_id():
    table = pd.DataFrame({"user_id": ["u2"], "age": [30]}).set_index("user_id")
    data = _data().with_user_table(table)
    assert data.user_table["user_id"].tolist() == ["u1", "u2"]
    # u1 has no row: a missing age, its column still integers (it was objects, [None, 30])
    assert str(data.user_table["age"].dtype) == "Int64"
    assert data.user_table["age"].tolist() == [pd.NA, 30]
    assert data.with_user_table(None).user_table is None


def test_with_item_table_refuses_what_from_arrays_refuses():
    with pytest.raises(ConfigError, match="item table must be a pandas DataFrame"):
        _data().with_item_table([("a", "Ant")])
    with pytest.raises(DataFormatError, match="repeats the key 'a' at rows 0, 1"):
        _data().with_item_table(pd.DataFrame({"item_id": ["a", "a"], "t": [1, 2]}))
    with pytest.raises(DataFormatError, match="none of the side table's 1 key"):
        _data().with_user_table(pd.DataFrame({"user_id": ["nobody"], "t": [1]}))
