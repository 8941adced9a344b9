"""Two-hundred-twenty-seventh bad-input probe: counts in messages agree with their nouns,
and the synthetic generator's defaults fit small sizes.

Messages wrote a count before a plural whatever the count: "1 unknown ids", "removed all
1 rows", "there are only 1 rows", "(2 of items in no other fold)", "holding out 1 of 1
users", "1 user ids but 2 item ids", "removed 3 rows, 1 users". And ``generate(n_items=5)``
was refused for the default 12 genres, ``generate(n_users=1)`` for the default 100,000
interactions: a setting left at its default now fits the settings given, while a value
given (even one equal to the default) is still checked.
"""

from __future__ import annotations

import warnings

import pytest

from recstack.data.filters import FilterLeftNothingWarning, KCore, apply_filters
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions, concat
from recstack.data.splits import kfold_split, user_split
from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import ConfigError, DataFormatError, EmptyResultError, RecstackError


def _one_row() -> Interactions:
    return Interactions.from_arrays([1], [1])


# --------------------------------------------------------------------------- counted nouns
def test_one_unknown_id_is_one_id():
    with pytest.raises(RecstackError) as caught:
        IdMap([5]).to_index([9], what="user ids")
    assert str(caught.value) == ("1 unknown user id (of 1 looked up), e.g. [9]; this map has "
                                 "1 user id, which is an integer")
    with pytest.raises(RecstackError) as caught:
        IdMap(["a", "b"]).to_index(["x", "y", "x"], what="item ids")
    # three looked up, two distinct examples; the map's two ids
    assert str(caught.value) == ("3 unknown item ids (of 3 looked up), e.g. ['x', 'y']; this "
                                 "map has 2 item ids, which are text")
    assert repr(IdMap([5])) == "IdMap(1 id: 5)"


def test_a_filter_that_removes_the_only_row_says_so():
    with pytest.warns(FilterLeftNothingWarning, match=r"^k_core\(user_min=2, item_min=2\) "
                                                      r"removed the only row \(before it"):
        KCore(2, 2).apply(_one_row())
    with pytest.raises(EmptyResultError, match=r"^filter step 1 of 1, k_core\(user_min=2, "
                                               r"item_min=2\), removed the only remaining row "
                                               r"\(before it"):
        apply_filters(_one_row(), [KCore(2, 2)])


def test_a_filter_step_counts_one_user_as_one():
    # users 0 (3 rows) and 1 (2 rows) meet user_min=2, user 2 (1 row, item 3) does not;
    # items 0 and 1 have 2 rows, item 2 one: k-core removes user 2, items 2 and 3, 2 rows
    data = Interactions.from_arrays([0, 0, 0, 1, 1, 2], [0, 1, 2, 0, 1, 3])
    _, steps = apply_filters(data, [KCore(2, 2)])
    assert str(steps[0]) == ("k_core(user_min=2, item_min=2): removed 2 rows, 1 user, 2 items "
                             "(4 rows left)")


def test_k_fold_of_one_row_says_one_row():
    with pytest.raises(EmptyResultError, match=r"^kfold: k = 2 folds, but there is only 1 row, "
                                               r"so some fold would have no test rows; "):
        kfold_split(_one_row(), 2)


def test_k_fold_set_apart_counts_rows():
    # user 0 rates items 0 and 1, user 1 item 2: every fold-0 row is of an item no other
    # fold has (items are rated once)
    data = Interactions.from_arrays([0, 0, 1], [0, 1, 2])
    with pytest.raises(EmptyResultError) as caught:
        list(kfold_split(data, 2, stratify=None, seed=0))
    message = str(caught.value)
    assert "rows would all be set apart (2 rows of items in no other fold)" in message
    assert " of items in no other fold" not in message.replace("rows of items", "")


def test_a_user_split_of_the_one_user_says_one_user():
    with pytest.raises(EmptyResultError, match=r"^user split: holding out the one user "
                                               r"\(test_users=0\.5\) leaves no training users$"):
        user_split(_one_row(), 0.5, seed=0)


def test_arrays_of_other_lengths_are_counted():
    with pytest.raises(DataFormatError, match=r"^2 user ids but 1 item id \(expected"):
        Interactions.from_arrays([1, 2], [1])
    with pytest.raises(ConfigError, match=r"\(1 id in part 1, 2 here\)"):
        concat([Interactions.from_arrays([1], [1]), Interactions.from_arrays([1, 2], [1, 1])])


def test_a_threshold_above_the_one_value_says_one_value():
    data = Interactions.from_arrays([1], [1], [3.0])
    with pytest.raises(EmptyResultError, match=r"^implicit\(threshold=4\) keeps no row: the one "
                                               r"value is 3; choose a threshold of at most 3$"):
        data.implicit(4)


# --------------------------------------------------------------------------- generator
@pytest.mark.parametrize(("settings", "expected"), [
    # 5 items: 5 genres; at most 5 // 2 = 2 rows per user; 2,000 x 5 // 2 = 5,000 rows
    (dict(n_items=5), dict(n_genres=5, min_user_interactions=2, n_interactions=5_000)),
    # one user, 1,500 items: at most half the catalogue, 750 rows
    (dict(n_users=1), dict(n_genres=12, min_user_interactions=5, n_interactions=750)),
    # the smallest catalogue: 2 items, 1 user: one row
    (dict(n_users=1, n_items=2), dict(n_genres=2, min_user_interactions=1, n_interactions=1)),
    # as many rows as users: one each
    (dict(n_users=100, n_interactions=100), dict(min_user_interactions=1)),
    # 100,000 users need 500,000 rows at 5 each: the default rises to that
    (dict(n_users=100_000, n_items=100), dict(n_interactions=500_000)),
    # from June 9999 only 6 whole months fit before the end of the calendar
    (dict(n_users=3, n_items=10, start="9999-06-01"), dict(months=6, n_interactions=15)),
])
def test_defaults_fit_small_sizes(settings, expected):
    config = SyntheticConfig(**settings)
    assert {name: getattr(config, name) for name in expected} == expected
    if config.n_interactions <= 1_000:
        data = generate(**settings)
        assert len(data) == config.n_interactions
        assert data.n_users == config.n_users


def test_the_default_config_is_unchanged():
    config = SyntheticConfig()
    assert (config.n_users, config.n_items, config.n_interactions, config.n_genres,
            config.min_user_interactions, config.months) == (2000, 1500, 100_000, 12, 5, 24)


@pytest.mark.parametrize(("settings", "says"), [
    (dict(n_items=5, n_genres=12), r"^n_genres must be between 1 and 5 \(the named genres, "
                                   r"and at most n_items\), got 12$"),
    (dict(n_items=8, min_user_interactions=5), r"^min_user_interactions \(5\) must be at most "
                                               r"half of n_items \(4\)$"),
    (dict(n_users=3, n_items=10, start="9999-06-01", months=24),
     r"months \(24\) from start '9999-06-01' run past the year 9999; from that start at most "
     r"6 months fit"),
    (dict(n_users=100, n_interactions=99), r"^n_interactions \(99\) must be at least n_users "
                                           r"\(every user has at least one row\) = 100; "),
    (dict(n_users=2, n_items=3, n_interactions=100), r"^n_interactions \(100\) must be at most "
                                                     r"n_users \* n_items / 2 = 3 "),
])
def test_values_given_are_still_checked(settings, says):
    with pytest.raises(ConfigError, match=says):
        SyntheticConfig(**settings)


def test_overrides_of_a_config_refit_its_defaults():
    # the 5 genres SyntheticConfig(n_items=5) fitted are a default: with 500 items it is 12
    small = SyntheticConfig(n_items=5, n_users=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = generate(small, n_items=500, n_interactions=50)
    assert (len(data), data.n_users) == (50, 10)
    assert data.item_table is not None
    # (before, the config's 5 genres were kept as if given: 5 genres over 500 items)
    assert data.item_table["genres"].explode().nunique() == 12
    # a value the config was given is kept
    given = SyntheticConfig(n_items=20, n_genres=3, n_users=10)
    with pytest.raises(ConfigError, match=r"^n_genres must be between 1 and 2 .*got 3$"):
        generate(given, n_items=2)


def test_an_adjacency_split_summary_counts_in_agreement():
    from recstack.data.adjacency import AdjacencyReport

    summary = AdjacencyReport(files={"train": "train.txt", "test": "test.txt"}, users=1,
                               items=2, train_rows=1, valid_rows=0, test_rows=2,
                               duplicate_rows={"train": 1}, users_without_train=1,
                               test_cold_item_rows=2, test_repeated_pair_rows=1)
    assert str(summary).splitlines() == [
        "adjacency-list split (1 user, 2 items)",
        "  train: 1 row (train.txt)",
        "  test:  2 rows (test.txt)",
        "  note: 1 user has no training rows (cold users)",
        "  note: 2 test rows have an item in neither train nor valid",
        "  note: 1 test row repeats a train or valid pair",
        "  note: 1 item listed twice on one line of train, read once",
    ]
