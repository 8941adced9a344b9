"""A rating model whose training collapsed to one prediction: ``neural_mf`` with a huge
learning rate (50, 1e3, 1e6) killed every unit of its MLP, so every predicted rating was
the sigmoid's floor, the lowest rating, for every user and item; fit returned a model that
served it without a word. Now fit refuses it, naming the learning rate, and leaves the
model unfitted."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

QUICK = {"factors": 8, "layers": (16,), "epochs": 2, "batch_size": 128, "device": "cpu"}


@pytest.fixture(scope="module")
def ratings():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(60), 15), rng.integers(0, 40, 900),
                                    rng.integers(1, 6, 900).astype(float), np.arange(900),
                                    duplicates="last", rating_range=(1, 5))


@pytest.mark.parametrize("learning_rate", [50.0, 1e6])
def test_neural_mf_whose_predictions_all_collapsed_is_refused(ratings, learning_rate):
    model = create_model("neural_mf", learning_rate=learning_rate, **QUICK)
    with pytest.raises(RecstackError, match=r"^neural_mf: training collapsed: every predicted "
                                            r"rating is 1, for every user and item, although "
                                            r"the training ratings vary \(1 to 5\), with .*"
                                            rf"learning_rate={learning_rate!r}.*; lower the "
                                            r"learning rate"):
        model.fit(ratings)
    assert not model.is_fitted


def test_a_usual_learning_rate_still_fits(ratings):
    model = create_model("neural_mf", learning_rate=0.01, **QUICK).fit(ratings)
    assert np.ptp(model.score_users(np.arange(10))) > 0


def test_ratings_that_are_all_equal_may_be_predicted_equal():
    # one rating value everywhere: one prediction everywhere is the right answer
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(30), 5), rng.integers(0, 20, 150),
                                    np.full(150, 3.0), np.arange(150), duplicates="last",
                                    rating_range=(1, 5))
    create_model("neural_mf", learning_rate=50.0, **QUICK).fit(data)
