"""Fourteenth bad-input probe, nearline fold-in called from Python: ``fold_in_model`` given
the window as a DataFrame failed with an AttributeError on ``.to_csr``, and
``use_fold_in`` given the schedule as text failed comparing it with 0 (or, for the
strategies, counted the letters of one strategy's name as runs)."""

from __future__ import annotations

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model
from recstack.ops.fold_in import fold_in_model, use_fold_in


@pytest.fixture(scope="module")
def fitted():
    data = generate(n_users=60, n_items=30, n_interactions=600, seed=0)
    return create_model("als", factors=4, iterations=2, seed=0).fit(data), data


def test_a_window_that_is_not_interactions_is_named(fitted):
    model, data = fitted
    with pytest.raises(RecstackError) as refused:
        fold_in_model(model, data.to_frame())
    assert str(refused.value).startswith("train must be recstack Interactions")
    assert str(refused.value).endswith("got DataFrame")
    assert fold_in_model(model, data).item_factors_.shape == (data.n_items, 4)


def test_the_schedule_is_refused_by_name(fitted):
    model, _ = fitted
    with pytest.raises(ConfigError) as refused:
        use_fold_in("2", [], model)
    assert str(refused.value) == ("use_fold_in: between must be a whole number of runs >= 0 "
                                  "([training] fold_in_between), got '2'")
    with pytest.raises(ConfigError, match=r"^use_fold_in: strategies must be a list of the "
                                          r"completed runs' strategies .*got 'fold_in'$"):
        use_fold_in(2, "fold_in", model)
    # one retrain then one fold-in: a second fold-in is due, a third is not
    assert use_fold_in(2, ["retrain", "fold_in"], model)
    assert not use_fold_in(2, ["retrain", "fold_in", "fold_in"], model)
