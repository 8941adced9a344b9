"""The content model's ``min_df`` at most the number of items, but above every term's
document count, was refused in scikit-learn's words: "After pruning, no terms remain. Try
a lower min_df or a higher max_df" (the model has no max_df) followed by "lower min_df (now
5)", without a value that works. It now says how many documents the most frequent term is
in, which is the largest min_df that keeps a term.

By hand, for the six items below: "film" is in items 0, 2, 3 and 5 (4 documents); every
other word in 2; genre_a and genre_b in 3, genre_c in 2: 8 terms, the most in 4 documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn", reason="scikit-learn is not installed")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402

TABLE = pd.DataFrame({"item_id": np.arange(6),
                      "title": ["space film", "space war", "war film", "love film",
                                "love song", "song film"],
                      "genres": ["a|b", "b", "a", "c", "c|a", "b"]})


@pytest.fixture(scope="module")
def train():
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile([0, 1], 6)) % 6
    return Interactions.from_arrays(users, items, item_table=TABLE)


@pytest.mark.parametrize("min_df", [5, 6])
def test_a_min_df_no_term_reaches_says_the_largest_that_keeps_one(train, min_df):
    with pytest.raises(ConfigError) as refused:
        create_model("content", min_df=min_df).fit(train)
    message = str(refused.value)
    assert message == (f"content: min_df={min_df} keeps no term: none of the 8 terms of the "
                       "item table's columns 'title', 'genres' is in that many item "
                       "documents (the most any term is in: 4 of 6); use min_df <= 4")
    assert "max_df" not in message


def test_the_largest_min_df_said_keeps_the_most_frequent_term(train):
    # one term left: the items with it share one vector, which the model says
    with pytest.warns(UserWarning, match="the same TF-IDF vector"):
        model = create_model("content", min_df=4).fit(train)
    assert model.vocabulary_.tolist() == ["film"]


def test_text_without_any_term_is_still_refused_by_its_columns(train):
    blank = TABLE.assign(title=["", "", "", "", "", ""], genres=[None] * 6)
    data = Interactions.from_arrays(np.arange(6), np.arange(6), item_table=blank)
    with pytest.raises(RecstackError, match=r"^content: cannot build TF-IDF features from the "
                                            r"item table's columns 'title' \(6 of 6 rows "
                                            r"empty or missing\)"):
        create_model("content", min_df=2).fit(data)
