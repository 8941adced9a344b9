"""``fold_in`` of histories with no interaction (a new user whose items were all unknown
to the model, so every column stayed empty): ALS and iALS returned factors of exactly 0,
so every score from them was 0 and a list ranked by them was the catalog in index order,
without a word (``score_histories`` of the same rows warns and gives item popularity).
Now fold_in warns, naming the rows, where it was called."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import PopularityFallbackWarning


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(60), 15), rng.integers(0, 40, 900),
                                    None, np.arange(900), duplicates="last")


@pytest.mark.parametrize("name", ["als", "ials"])
def test_fold_in_of_empty_histories_warns_naming_the_rows(train, name):
    model = create_model(name, factors=8, iterations=3).fit(train)
    histories = np.zeros((3, len(model.items_)))
    histories[1, 3] = 1.0
    with pytest.warns(UserWarning, match=rf"^{name}: fold_in: 2 of 3 histories are empty \(no "
                                         r"interaction: rows \[0, 2\]\); their factors are 0, "
                                         r"so every score from them is 0") as caught:
        factors = model.fold_in(histories)
    assert [w.filename for w in caught] == [__file__]  # said where fold_in was called
    # what the warning says: the minimiser of the loss with no observation is 0
    assert not factors[[0, 2]].any() and factors[1].any()
    # score_histories keeps its own single warning (popularity), not fold_in's too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.score_histories(histories)
    assert [w.category for w in caught] == [PopularityFallbackWarning]


@pytest.mark.parametrize("name", ["als", "ials"])
def test_fold_in_of_histories_with_interactions_is_silent(train, name):
    model = create_model(name, factors=8, iterations=3).fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fold_in(train.to_csr()[:5])
