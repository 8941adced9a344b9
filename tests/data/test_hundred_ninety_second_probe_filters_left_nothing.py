"""A filter's own ``apply`` that removes every row says so (it returned empty data without
a word, where apply_filters and k_core refuse the same step, naming why)."""

import warnings

import numpy as np
import pytest

from recstack.data.filters import (
    FilterLeftNothingWarning,
    KCore,
    MinValue,
    TimeWindow,
    apply_filters,
)
from recstack.data.interactions import Interactions
from recstack.errors import EmptyResultError


def chain() -> Interactions:
    # a-x a-y b-y b-z c-z c-w d-w: under user_min=item_min=2 each pass removes one user and
    # one item at the chain's ends (pass 1: d and x, rows a-x and d-w, 5 left; pass 2: a
    # and w, 3 left; pass 3: c and y, 1 left (b-z); pass 4: b and z, 0 left)
    return Interactions.from_arrays(list("aabbccd"), list("xyyzzww"))


def test_a_k_core_that_empties_the_data_warns_naming_the_bars_and_every_pass():
    with pytest.warns(FilterLeftNothingWarning) as caught:
        result, step = KCore(2, 2).apply(chain())
    assert len(result) == 0 and step.rows_before == 7 and step.rows_after == 0
    message = str(caught[0].message)
    assert message.startswith("k_core(user_min=2, item_min=2) removed all 7 rows (")
    assert ("pass 1 removed 1 user(s) and 1 item(s), 5 row(s) left; pass 2 removed 1 "
            "user(s) and 1 item(s), 3 row(s) left; pass 3 removed 1 user(s) and 1 item(s), "
            "1 row(s) left; pass 4 removed 1 user(s) and 1 item(s), 0 row(s) left") in message
    assert "removing the users under 2 and the items under 2" in message
    # the warning points at this file, the user's call
    assert caught[0].filename == __file__


def test_a_k_core_above_every_user_names_the_busiest_user():
    with pytest.warns(FilterLeftNothingWarning, match=r"k_core\(user_min=3, item_min=1\) "
                      r"removed all 7 rows \(before it, the most rows of one user were 2 "
                      r"and of one item 2;.*after pass 1: pass 1 removed 4 user\(s\) and 0 "
                      r"item\(s\), 0 row\(s\) left\)"):
        KCore(user_min=3, item_min=1).apply(chain())


def test_a_threshold_above_every_value_and_a_window_outside_the_times_warn():
    data = Interactions.from_arrays(list("aabb"), list("xyxy"), [1, 3, 4, 5],
                                    [86400, 2 * 86400, 3 * 86400, 4 * 86400])
    with pytest.warns(FilterLeftNothingWarning, match=r"min_value\(threshold=6\) removed all "
                      r"4 rows \(the largest value is 5\)"):
        assert len(MinValue(6).apply(data)[0]) == 0
    with pytest.warns(FilterLeftNothingWarning, match=r"removed all 4 rows \(the data's times "
                      r"run from 1970-01-02T00:00:00Z to 1970-01-05T00:00:00Z\)"):
        assert len(TimeWindow("1990-01-01", "1991-01-01").apply(data)[0]) == 0


def test_a_filter_that_keeps_rows_does_not_warn_and_the_filter_list_still_refuses():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept, _ = KCore(1, 1).apply(chain())
        assert len(kept) == 7
        kept, _ = KCore(2, 1).apply(chain())  # d goes: 6 rows
        assert len(kept) == 6 and "d" not in kept.users.external_ids.tolist()
        # the list refuses the step, with no warning besides
        with pytest.raises(EmptyResultError, match=r"filter step 1 of 1, k_core\(user_min=2, "
                           r"item_min=2\), removed all 7 remaining rows"):
            apply_filters(chain(), [KCore(2, 2)])


def test_data_empty_before_the_filter_do_not_warn():
    empty = chain().select(np.zeros(7, bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(KCore(2, 2).apply(empty)[0]) == 0
