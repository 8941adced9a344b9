"""``recommend(users, k=Decimal("3"))`` was refused ("k must be a positive integer, got
Decimal('3')") where the metrics' k and every whole-number hyperparameter read a whole exact
number as the int it names; and histories given as one list of item ids per user
(``score_histories([[10, 20], [30]])``) were refused by their width, or as no matrix, with
no word on the rows to build, as a single flat list of ids already had."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def data():
    return generate(n_users=50, n_items=30, n_interactions=700, seed=4)


@pytest.fixture(scope="module")
def ease(data):
    return create_model("ease", regularization=10.0).fit(data)


@pytest.mark.parametrize("k", [Decimal("3"), Fraction(3, 1), np.int16(3)])
def test_a_whole_exact_k_is_the_k_it_names(ease, data, k):
    users = data.users.to_external([0, 1])
    items, scores = ease.recommend(users, k=k)
    expected, _ = ease.recommend(users, k=3)
    assert items.shape == (2, 3)
    np.testing.assert_array_equal(items, expected)
    similar, _ = ease.similar_items(data.items.to_external([0]), k=k)
    assert similar.shape == (1, 3)


@pytest.mark.parametrize("k, shown", [(Decimal("2.5"), "Decimal\\('2.5'\\)"),
                                      (Decimal("NaN"), "Decimal\\('NaN'\\)"),
                                      (Fraction(5, 2), "Fraction\\(5, 2\\)"),
                                      (Decimal("0"), "Decimal\\('0'\\)"),
                                      (3.0, "3.0, a float; write the whole number 3 "
                                            "\\(int\\(k\\)\\)")])
def test_a_k_that_is_no_positive_whole_number_is_refused_as_written(ease, data, k, shown):
    with pytest.raises(ConfigError, match=f"^ease: recommend: k must be a positive integer, "
                                          f"got {shown}$"):
        ease.recommend(data.users.to_external([0]), k=k)


def test_the_wrappers_read_an_exact_k_too(data):
    wrapped = create_model("reranked", model={"type": "ease", "regularization": 10.0},
                           n_candidates=10).fit(data)
    items, _ = wrapped.recommend(data.users.to_external([0]), k=Decimal("4"))
    assert items.shape == (1, 4)


@pytest.mark.parametrize("histories", ["square", "ragged", "sets"])
def test_lists_of_item_ids_get_the_rows_to_build(ease, data, histories):
    ids = data.items.external_ids
    given = {"square": [list(ids[:3]), list(ids[3:6])],
             "ragged": [list(ids[:3]), [ids[7]]],
             "sets": ({ids[0]}, {ids[1], ids[2]})}[histories]
    with pytest.raises(RecstackError, match="if lists of item ids were meant \\(one list per "
                                            "user\\), build the users' rows first"):
        ease.score_histories(given)
    # the remedy it gives scores them
    rows = np.zeros((len(given), len(ease.items_)))
    for r, items in enumerate(given):
        rows[r, ease.items_.to_index(list(items))] = 1
    assert ease.score_histories(rows).shape == (len(given), data.n_items)


def test_lists_that_are_not_item_ids_get_no_such_hint(ease):
    for given in ([[10**9, 10**9 + 1]], [[0.5, 1.0]]):
        with pytest.raises(RecstackError) as refused:
            ease.score_histories(given)
        assert "lists of item ids" not in str(refused.value)


@pytest.mark.parametrize("name", ["ease", "reranked"])
def test_a_whole_exact_batch_size_is_the_size_it_names(data, name):
    params = {"regularization": 10.0} if name == "ease" else {
        "model": {"type": "ease", "regularization": 10.0}, "n_candidates": 10}
    model = create_model(name, **params).fit(data)
    users = data.users.to_external(np.arange(7))
    expected, _ = model.recommend(users, k=3)
    items, _ = model.recommend(users, k=3, batch_size=Decimal("2"))
    np.testing.assert_array_equal(items, expected)
    with pytest.raises(ConfigError, match=f"^{name}: recommend: batch_size must be a positive "
                                          "integer .*got Decimal\\('2.5'\\)"):
        model.recommend(users, k=3, batch_size=Decimal("2.5"))
