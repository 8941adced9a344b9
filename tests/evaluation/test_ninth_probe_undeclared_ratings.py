"""Ninth bad-input probe: ratings read without a declared rating scale.

``load_table("ratings.csv")`` reads the ``rating`` column as values but, without
``rating_range``, the interactions are implicit; the rating model and the rating metrics
then said only "(rating_range is None)". They now name the values seen and the option
that declares the scale."""
import numpy as np
import pytest

from recstack.data.files import load_table
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings

HINT = (r"their values run from 2 to 5: if these are ratings, declare the rating scale when "
        r"loading, load_table\(\.\.\., rating_range=\(LOW, HIGH\)\)")


@pytest.fixture
def ratings(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("userId,movieId,rating\n1,10,4\n1,11,2\n2,10,5\n")
    return load_table(path)


class ConstantRatings:
    """A rating predictor: 3 stars for every pair."""

    predicts_ratings = True
    name = "constant"

    def score(self, users, items):
        return np.full(len(users), 3.0)


def test_rating_metrics_name_the_option_that_declares_the_scale(ratings, tmp_path):
    with pytest.raises(RecstackError, match=r"\(rating_range is None\); " + HINT):
        evaluate_ratings(ConstantRatings(), ratings)
    # implicit feedback, every value 1, gets no rating hint
    clicks = tmp_path / "clicks.csv"
    clicks.write_text("user_id,item_id\n1,10\n2,11\n")
    with pytest.raises(RecstackError) as raised:
        evaluate_ratings(ConstantRatings(), load_table(clicks))
    assert str(raised.value).endswith("(rating_range is None)")


def test_the_rating_model_names_the_option_that_declares_the_scale(ratings):
    pytest.importorskip("torch")
    from recstack.models import create_model
    with pytest.raises(RecstackError, match=HINT):
        create_model("mf").fit(ratings)

