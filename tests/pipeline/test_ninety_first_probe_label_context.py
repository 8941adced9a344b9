"""Ninety-first bad-input probe, ``features.label_context``: its users and items are
indices, as everywhere, but floats were cut (``1.5`` read as user 1), and an item index
past the catalog met another user's key (``users * n_items + items``): user 0's item
``n_items + 1`` took user 1's row with item 1 as its own context, silently. Lengths that
differ were numpy's broadcast error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.features import label_context


@pytest.fixture()
def window():
    # user 0 saw items 0 and 1 (rows 0, 1), user 1 saw item 1 (row 2)
    return Interactions.from_arrays(np.array([0, 0, 1]), np.array([0, 1, 1]), None,
                                    np.array([10, 20, 30]),
                                    context=pd.DataFrame({"row": [0, 1, 2]}))


def test_the_rows_own_context_for_valid_indices(window):
    users, items = window.users.to_index(np.array([1])), window.items.to_index(np.array([1]))
    context = label_context(users, items, np.array([1]), window)
    assert context["row"].tolist() == [2]  # the positive's own row


def test_an_item_past_the_catalog_is_refused_not_read_as_another_users(window):
    users = window.users.to_index(np.array([0]))
    with pytest.raises(RecstackError, match=rf"label_context: unknown item "
                       rf"{window.n_items + 1} in items at row 0; items are "
                       rf"0..{window.n_items - 1}"):
        label_context(users, np.array([window.n_items + 1]), np.array([1]), window)


@pytest.mark.parametrize("users", [np.array([0.0]), np.array([0.5])])
def test_float_users_are_refused(window, users):
    with pytest.raises(RecstackError, match="label_context: users must hold integer user "
                       "indices, got floats"):
        label_context(users, np.array([0]), np.array([1]), window)


def test_lengths_that_differ_are_named(window):
    with pytest.raises(RecstackError, match="label_context: .*users.*1.*items.*2"):
        label_context(np.array([0]), np.array([0, 1]), np.array([1, 0]), window)
