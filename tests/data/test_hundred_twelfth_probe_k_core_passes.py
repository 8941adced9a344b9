"""k_core that empties the data says after which pass, and what each pass removed."""

from __future__ import annotations

import pytest

from recstack.data.filters import KCore, apply_filters, k_core
from recstack.data.interactions import Interactions
from recstack.errors import EmptyResultError


def test_a_k_core_emptied_over_several_passes_names_each_pass():
    # users 1: items 1, 2; 2: items 1, 3; 3: item 3. With 2-cores: pass 1 drops user 3
    # and item 2 (one row each) -> rows (1,1), (2,1), (2,3); pass 2 drops user 1 and item
    # 3 -> row (2,1); pass 3 drops user 2 and item 1 -> nothing
    data = Interactions.from_arrays([1, 1, 2, 2, 3], [1, 2, 1, 3, 3])
    with pytest.raises(EmptyResultError) as info:
        k_core(data, 2, 2)
    message = str(info.value)
    assert "after pass 3" in message
    assert ("pass 1 removed 1 user(s) and 1 item(s), 3 row(s) left; pass 2 removed 1 "
            "user(s) and 1 item(s), 1 row(s) left; pass 3 removed 1 user(s) and 1 item(s), "
            "0 row(s) left") in message


def test_bars_no_one_meets_empty_it_in_the_first_pass():
    data = Interactions.from_arrays([1, 1, 2], [1, 2, 1])
    with pytest.raises(EmptyResultError, match=r"after pass 1: pass 1 removed 2 user\(s\) "
                                               r"and 2 item\(s\), 0 row\(s\) left"):
        apply_filters(data, [KCore(user_min=5, item_min=5)])


def test_a_long_chain_of_passes_is_shortened():
    # a path user i - item i - user i+1 ...: each 2-core pass peels both ends
    users = [u for u in range(12) for _ in (0, 1)][1:-1]
    items = [i for i in range(11) for _ in (0, 1)]
    data = Interactions.from_arrays(users, items, duplicates="error")
    with pytest.raises(EmptyResultError) as info:
        k_core(data, 2, 2)
    message = str(info.value)
    assert "more passes)" in message
    assert message.count("removed") <= 5  # the step's own "removed all" and 4 passes
