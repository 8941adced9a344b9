"""Three hundred fifth bad-input probe, negative values in implicit training data: NeuMF
learns every recorded pair as a positive, as BPR does, but where BPR (and every other model
that reads which pairs occur) refuses a negative value, a dislike, NeuMF learned it as a
positive without a word. Every registered model is checked, so that none is forgotten."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import available_models, create_model
from tests.models.quick_params import quick_params

#: models that may fit on negative implicit values, and why
TAKE_NEGATIVE_VALUES = {
    "random": "it reads no value",
    # explicit-rating models: they refuse implicit data (no rating_range) before any value
    "mf": "explicit ratings only",
    "neural_mf": "explicit ratings only",
}


@pytest.fixture(scope="module")
def disliked():
    """Ten users with four items each, (u, u+1, u+2, u+3) mod 8, liked (+1) and disliked
    (-1) in turn, each user's k-th row at time 100 k + u (so that a two-stage model's label
    window holds users with a history)."""
    users = np.repeat(np.arange(10), 4)
    step = np.tile(np.arange(4), 10)
    items = (users + step) % 8
    values = np.where(step % 2, -1.0, 1.0)
    return Interactions.from_arrays(users, items, values, 100 * step + users)


def test_neumf_refuses_a_dislike_as_bpr_does(disliked):
    for name in ("bpr", "neumf"):
        with pytest.raises(RecstackError, match=(
                rf"^{name}: 20 of 40 interaction values are negative \(e\.g\. -1 for user 0, "
                r"item 1\); it learns every recorded pair as a positive, so a negative value "
                r"\(a dislike\) would count as an interaction; keep the rows that are "
                r"interactions")):
            create_model(name, **quick_params(name)).fit(disliked)


@pytest.mark.parametrize("name", sorted(set(available_models()) - set(TAKE_NEGATIVE_VALUES)))
def test_no_model_learns_a_dislike_as_an_interaction(disliked, name):
    with pytest.raises(RecstackError, match=r"interaction values are negative|implicit"):
        create_model(name, **quick_params(name)).fit(disliked)
