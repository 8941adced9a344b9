"""Two refusals of a two-stage fit that named a cause other than the setting the user
wrote:

- ``negatives = 'uniform'`` with a ``negative_rate`` so small that the sample keeps no
  negative candidate: the ranker refused "every label is 1, so there is nothing to learn",
  and the user had to find that their own rate had sampled every negative away;
- a ``label_fraction`` so small that the label window holds a row or two, none among the
  candidates: "candidate recall 0; ask for more candidates or other generators" said
  nothing of the window's size.

Both now say the setting and what to write instead."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.imbalance import TooFewNegativesWarning


def _two_stage(**settings):
    return create_model("two_stage", **({"generators": [{"type": "most_popular"}],
                                         "ranker": {"type": "logistic"}, "n_candidates": 3}
                                        | settings))


def _data():
    # 6 users with 4 rows each over items 0..5, at times 0..23 in row order; the last rows
    # (the label window) go to items the most popular generator proposes
    users = np.repeat(np.arange(6), 4)
    items = np.array([0, 1, 2, 3, 0, 1, 4, 2, 0, 2, 3, 5, 1, 2, 4, 0, 0, 3, 5, 1, 2, 4, 5, 3])
    order = np.argsort(np.tile(np.arange(4), 6), kind="stable")  # time: round by round
    times = np.empty(24, np.int64)
    times[order] = np.arange(24)
    return Interactions.from_arrays(users, items, np.ones(24), times)


def test_the_same_data_train_with_every_negative():
    # the reference: the data give both labels when negatives are all kept
    assert _two_stage(negatives="uniform", negative_rate=1.0).fit(_data()).is_fitted


def test_a_uniform_rate_that_keeps_no_negative_names_negative_rate():
    with pytest.raises(RecstackError) as refused, pytest.warns(TooFewNegativesWarning) as said:
        _two_stage(negatives="uniform", negative_rate=1e-9).fit(_data())
    # the sampler's warning is of the examples, not of the generators' fits on the history
    # window (its preamble said they were)
    texts = [str(w.message) for w in said if issubclass(w.category, TooFewNegativesWarning)]
    assert texts and all(text.startswith(
        "two_stage: making the ranker's examples: training data: negative_rate = 1e-09 keeps")
        for text in texts), texts
    message = str(refused.value)
    assert message.startswith("two_stage: ranker (logistic) on the examples of the label "
                              "window: logistic.fit: every label is 1")
    assert message.endswith(
        "; negatives = 'uniform' at negative_rate = 1e-09 kept none of the negative "
        "candidates: raise negative_rate (1 keeps every one), or use negatives = 'all' or "
        "'hard'")


def test_a_label_window_of_one_row_names_label_fraction():
    # label_fraction 0.04: 0.96 of the 24 rows, rounded (the share rule, a half up), is 1,
    # the last row alone (user 5's item 3 at time 23; 1e-9 did so when the window took
    # ceil(f n) rows, and is now refused as no row). Before it, item 0 has 5 users, 2 has
    # 5, 1 has 4, 3, 4 and 5 have 3; user 5 saw 2, 4 and 5, so its one candidate is item 0,
    # not 3
    data = _data()
    with pytest.raises(RecstackError) as refused:
        _two_stage(label_fraction=0.04, n_candidates=1).fit(data)
    message = str(refused.value)
    assert "candidate recall 0" in message
    assert message.endswith(
        "ask for more candidates or other generators, or give the label window more rows "
        "(it holds 1 row(s) of 1 user(s): raise label_fraction)")
