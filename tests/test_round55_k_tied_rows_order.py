"""TiedLastRowsWarning only where the tied rows stand in an order of their item ids or
values. It fired on every leave-last-out split of MovieLens 100K (415 of 943 users), whose
``u.data`` lists ratings in no order, so row order already broke the ties as the advised
shuffle would; a file sorted by item within a user (latest-small's) is still warned of."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import TiedLastRowsWarning, leave_last_out, user_split


def _tied_log(sort_items: bool, n_users: int = 40) -> Interactions:
    """Each user rates 8 of 30 items, the last two at one time: a tie at the boundary of
    leave_last_out(n=1), with the tied rows in random or ascending item order."""
    rng = np.random.default_rng(0)
    rows = []
    for user in range(n_users):
        items = rng.choice(30, 8, replace=False)
        if sort_items:
            items = np.sort(items)
        for position, item in enumerate(items):
            rows.append((user, int(item), float(rng.integers(1, 6)),
                         1_000_000 + 60 * min(position, 6)))
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "value", "timestamp"])
    return Interactions.from_frame(frame)


def _tied_warnings(split_function) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        split_function()
    return [w for w in caught if issubclass(w.category, TiedLastRowsWarning)]


def test_ties_in_no_order_are_not_warned_of() -> None:
    data = _tied_log(sort_items=False)
    assert _tied_warnings(lambda: leave_last_out(data)) == []
    assert _tied_warnings(lambda: user_split(data, 0.5, fold_in_fraction=0.8,
                                             by_time=True, seed=0)) == []


def test_ties_in_item_order_are_warned_of_naming_the_order() -> None:
    data = _tied_log(sort_items=True)
    caught = _tied_warnings(lambda: leave_last_out(data))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("leave_last_out: for 40 users of the 40 with test rows")
    assert "the tied rows are in item id order in the data" in message
    assert "shuffle them with a seed" in message


def test_ties_in_value_order_are_warned_of() -> None:
    # items in no order, but within each tie the higher rating comes later in the file
    rng = np.random.default_rng(1)
    rows = []
    for user in range(20):
        items = rng.choice(30, 4, replace=False)
        ratings = [3.0, 4.0, 2.0, 5.0]
        for position, (item, rating) in enumerate(zip(items, ratings, strict=True)):
            rows.append((user, int(item), rating, 500 + min(position, 2)))
    data = Interactions.from_frame(
        pd.DataFrame(rows, columns=["user_id", "item_id", "value", "timestamp"]))
    caught = _tied_warnings(lambda: leave_last_out(data))
    assert len(caught) == 1
    assert "in value order in the data" in str(caught[0].message)


def test_a_few_ties_are_warned_of_whatever_their_order() -> None:
    # three tied users cannot show an order: the warning stays, without naming one
    data = _tied_log(sort_items=False, n_users=3)
    caught = _tied_warnings(lambda: leave_last_out(data))
    assert len(caught) == 1
    assert "order in the data" not in str(caught[0].message)


def _movielens(name: str) -> Path:
    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / name).is_dir():
        pytest.skip(f"RECSTACK_DATASETS does not name a folder holding {name}/")
    return Path(root) / name


def test_movielens_100k_in_no_order_is_silent_and_latest_small_sorted_is_warned_of() -> None:
    from recstack.data.movielens import load_movielens

    data = load_movielens(_movielens("ml-100k"))
    assert _tied_warnings(lambda: leave_last_out(data)) == []
    data = load_movielens(_movielens("ml-latest-small"))
    caught = _tied_warnings(lambda: leave_last_out(data))
    assert len(caught) == 1
    # 94 users' last rated second holds a row kept in training (counted by hand from
    # ratings.csv, whose rows for a user are in movieId order)
    assert "for 94 users of the 610" in str(caught[0].message)
    assert "item id order" in str(caught[0].message)
