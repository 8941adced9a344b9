"""diagnose's check for a model that gives every user the same list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.splits import random_split
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.diagnostics import diagnose, mean_list_overlap
from recstack.evaluation.results import EvaluationResult
from recstack.models.als import ALS
from recstack.models.baselines import MostPopular


def _result(n_users: int, n_items: int | None = 100) -> EvaluationResult:
    frame = pd.DataFrame({"ndcg@2": np.full(n_users, 0.5)},
                         index=pd.Index([f"u{i}" for i in range(n_users)], name="user_id"))
    return EvaluationResult("m", frame, meta={} if n_items is None else {"n_items": n_items})


def test_the_overlap_is_the_mean_of_the_pairs_shares_worked_by_hand():
    # pairs: {1,2}-{1,3} share 1 of 2; {1,2}-{4} and {1,3}-{4} share 0 of 1
    assert mean_list_overlap([[1, 2], [1, 3], [4]]) == pytest.approx((1 / 2 + 0 + 0) / 3)


def test_a_short_list_inside_a_longer_one_is_the_same_and_empty_slots_are_no_items():
    # recommend's -1 pads a short list; a user with no item is in no pair
    lists = np.array([[1, 2, 3], [2, -1, -1], [-1, -1, -1]])
    assert mean_list_overlap(lists) == 1.0
    assert mean_list_overlap([["a", None], ["b", float("nan")]]) == 0.0


def test_fewer_than_two_users_with_items_has_no_overlap():
    assert np.isnan(mean_list_overlap([[1, 2]]))
    assert np.isnan(mean_list_overlap([[], [3]]))


def test_sampling_keeps_the_value_of_identical_lists_and_repeats():
    lists = [[i % 3, 10] for i in range(50)]
    # each pair shares item 10 (1 of 2), and the same residue too (2 of 2) one time in ~3
    exact = mean_list_overlap(lists, max_users=50)
    assert mean_list_overlap(lists, max_users=20) == mean_list_overlap(lists, max_users=20)
    same = sum(1 for i in range(50) for j in range(i + 1, 50) if i % 3 == j % 3)
    assert exact == pytest.approx((same * 1.0 + (1225 - same) * 0.5) / 1225)


def test_diagnose_names_identical_lists_and_not_distinct_ones():
    same = diagnose(_result(4), lists=[[1, 2]] * 4)
    assert [d.kind for d in same] == ["same lists"]
    assert "100%" in same[0].message
    assert diagnose(_result(4), lists=[[1, 2], [3, 4], [5, 6], [7, 8]]) == []


def test_a_catalog_no_longer_than_the_lists_is_not_a_finding():
    assert diagnose(_result(3, n_items=2), lists=[[1, 2]] * 3) == []


@pytest.mark.parametrize("lists, expected", [
    ([[1, 2]] * 3, "3 row(s) but the result holds 4"),
    ([1, 2, 3, 4], "row 1 is 1, not a list"),
    ("1234", "got str"),
    (np.arange(4), "2-D array"),
])
def test_lists_that_are_not_one_per_user_are_refused(lists, expected):
    with pytest.raises(ConfigError, match="lists") as caught:
        diagnose(_result(4), lists=lists)
    assert expected in str(caught.value)


def test_lists_of_one_user_or_empty_lists_are_refused_not_read_as_fine():
    with pytest.raises(RecstackError, match="cannot be told"):
        diagnose(_result(1), lists=[[1, 2]])
    with pytest.raises(RecstackError, match="only 0 of the 3"):
        diagnose(_result(3), lists=[[], [], []])


def test_same_lists_is_a_share():
    with pytest.raises(ConfigError, match="same_lists"):
        diagnose(_result(2), lists=[[1], [2]], same_lists=40)


def test_a_popularity_model_trips_it_and_a_fitted_als_does_not():
    data = generate(n_users=400, n_items=600, n_interactions=20_000, seed=2)
    train = random_split(data, 0.2, seed=0).train
    users = train.users.to_external(np.arange(train.n_users))
    result = _result(len(users), n_items=train.n_items)
    popular = MostPopular().fit(train).recommend(users, 10)[0]
    als = ALS(seed=0).fit(train).recommend(users, 10)[0]
    assert [d.kind for d in diagnose(result, lists=popular)] == ["same lists"]
    assert diagnose(result, lists=als) == []


def test_a_catalog_within_k_whose_items_were_all_seen_is_not_refused():
    # every user trained on both items: the lists are empty slots, and K = 5 holds the
    # whole catalog, so there is nothing to personalise rather than nothing to judge
    assert diagnose(_result(2, n_items=2), lists=np.full((2, 5), -1)) == []


def test_an_item_that_is_a_list_and_a_sample_of_one_user_are_refused():
    with pytest.raises(ConfigError, match=r"row 2 holds \[1\], not an item id"):
        mean_list_overlap([[1], [[1]]])
    with pytest.raises(ConfigError, match="max_users must be a whole number >= 2, got 1"):
        mean_list_overlap([[1], [1]], max_users=1)
