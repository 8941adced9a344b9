"""Ninth bad-input probe: a relevance threshold above every test value.

The README's experiment writes ``relevance_threshold = 4.0``; on implicit feedback (every
value 1.0) every user was without a relevant item and the error said only
"no test user has a relevant item (relevance_threshold=4.0)"."""
import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model


def _split():
    # implicit feedback: every value 1.0; the last three rows are the test part
    data = Interactions.from_arrays([1, 2, 3, 1, 2, 1, 2, 3], [7, 8, 7, 9, 9, 8, 7, 8])
    is_test = np.arange(len(data)) >= 5
    return data.select(~is_test), data.select(is_test)


def test_implicit_feedback_under_a_star_threshold_names_the_highest_value():
    train, test = _split()
    model = create_model("most_popular").fit(train)
    with pytest.raises(RecstackError, match=r"relevance_threshold=4\.0, but the highest test "
                                            r"value is 1, as in implicit feedback; lower "
                                            r"relevance_threshold to at most 1, or leave it "
                                            r"out"):
        Evaluator(metrics=("ndcg",), ks=(2,), relevance_threshold=4.0).evaluate(
            model, train, test)
    # leaving it out counts every test row: 3 users evaluated
    result = Evaluator(metrics=("ndcg",), ks=(2,)).evaluate(model, train, test)
    assert result.summary()["ndcg@2"].n_users == 3
