"""GF-CF with ``alpha = 0`` and BSPM with ``beta = 0`` run the linear filter alone and
compute no SVD (the docstrings say the SVD is skipped; a ``k`` above the data's size is
already accepted then). Training data of one user or one item was nevertheless refused,
"the truncated SVD needs k >= 1 below both, so no value works", for an SVD never computed.
It now fits; with the ideal filter on, the refusal names the setting that turns it off.

Reference values by hand, for users a, b, c with items x, y (a: x; b: x; c: x and y): the
linear filter scores a history r by ``r @ P``, with ``P = R~^T R~`` and ``R~ = D_U^-1/2 R
D_I^-1/2`` (user degrees 1, 1, 2; item degrees 3, 1), so ``P = [[5/6, 1/sqrt(12)],
[1/sqrt(12), 1/2]]``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model

WITHOUT_SVD = {"gf_cf": {"alpha": 0}, "bspm": {"beta": 0}}
ONE_ITEM = (np.array(["a", "b", "c"]), np.array(["x", "x", "x"]))
ONE_USER = (np.array(["a", "a", "a", "a"]), np.array(["w", "x", "y", "z"]))


def test_the_linear_filter_alone_has_the_values_worked_by_hand():
    train = Interactions.from_arrays(np.array(["a", "b", "c", "c"]),
                                     np.array(["x", "x", "x", "y"]))
    model = create_model("gf_cf", alpha=0).fit(train)
    items, scores = model.recommend(["a", "b", "c"], k=2)
    assert items.tolist() == [["y", None], ["y", None], [None, None]]
    np.testing.assert_allclose(scores[:2, 0], [1 / math.sqrt(12)] * 2, rtol=1e-6)
    assert np.isneginf(scores[:, 1]).all() and np.isneginf(scores[2]).all()
    np.testing.assert_allclose(model.score_histories(np.array([[1.0, 1.0]])),
                               [[5 / 6 + 1 / math.sqrt(12), 1 / math.sqrt(12) + 1 / 2]],
                               rtol=1e-6)


@pytest.mark.parametrize("name", sorted(WITHOUT_SVD))
@pytest.mark.parametrize("data", [ONE_ITEM, ONE_USER], ids=["one item", "one user"])
def test_one_user_or_one_item_fits_without_the_ideal_filter(name, data, tmp_path):
    train = Interactions.from_arrays(*data)
    model = create_model(name, **WITHOUT_SVD[name]).fit(train)
    users = train.users.to_external(np.arange(len(train.users)))
    items, scores = model.recommend(users, k=2)
    # every user has every item of the catalog in both: nothing is left to recommend
    assert (items == None).all() and np.isneginf(scores).all()  # noqa: E711 (elementwise)
    model.save(tmp_path / "m")
    assert load_model(tmp_path / "m").recommend(users, k=2)[0].tolist() == items.tolist()
    n_items = len(train.items)
    scored = model.score_histories(np.ones((1, n_items)))
    assert scored.shape == (1, n_items) and np.isfinite(scored).all()


def test_one_user_scores_its_items_alike_by_hand():
    # R~ is 1/2 everywhere (user degree 4, item degrees 1): P = 1/4 everywhere, and a full
    # history scores each item 4 * 1/4 = 1
    model = create_model("gf_cf", alpha=0).fit(Interactions.from_arrays(*ONE_USER))
    np.testing.assert_allclose(model.score_histories(np.ones((1, 4))), np.ones((1, 4)),
                               rtol=1e-6)


@pytest.mark.parametrize(("name", "weight"), [("gf_cf", "alpha"), ("bspm", "beta")])
def test_with_the_ideal_filter_the_refusal_names_the_setting_that_turns_it_off(name, weight):
    with pytest.raises(RecstackError, match=rf"^{name}: the training data has 3 user\(s\) and "
                                            r"1 item\(s\), .*no value works: a graph filter "
                                            r"with its ideal filter needs at least 2 users "
                                            rf"and 2 items \(set {weight} = 0 for the linear "
                                            r"filter alone, which needs no SVD, or use a model "
                                            r"without an SVD, e\.g\. ease or item_knn\)$"):
        create_model(name, k=1).fit(Interactions.from_arrays(*ONE_ITEM))
