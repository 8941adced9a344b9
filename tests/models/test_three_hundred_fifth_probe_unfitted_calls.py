"""Three hundred fifth bad-input probe, calls on an unfitted model: ``loss()``,
``fold_in()``, ``score_histories()``, ``candidates()``, ``rerank_lists()``, ``score()`` and
reading ``sequence_length_`` were refused "call fit() before asking for recommendations", a
call the user had not made (the twelfth probe had named ``save`` and the embedding methods
alone); and a hyperparameter changed since fit was refused "so recommendations cannot use
the new ones" whatever was called. The refusal now names the call the user made."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


def unfitted_refusal(name: str, call: str) -> str:
    return rf"^{name}: call fit\(\) before {call}$"


@pytest.mark.parametrize(("name", "params", "call", "words"), [
    ("ials", {}, lambda m: m.loss(), r"loss\(\)"),
    ("ials", {}, lambda m: m.fold_in(sp.csr_matrix((1, 3))), r"fold_in\(\)"),
    ("als", {}, lambda m: m.fold_in(sp.csr_matrix((1, 3))), r"fold_in\(\)"),
    # the blend's score_histories, and the one item_knn's file defines for itself
    ("blend", {}, lambda m: m.score_histories(sp.csr_matrix((1, 3))), r"score_histories\(\)"),
    ("item_knn", {}, lambda m: m.score_histories(sp.csr_matrix((1, 3))),
     r"score_histories\(\)"),
    ("ease", {}, lambda m: m.score([1], [2]), r"score\(\)"),
    ("rp3beta", {}, lambda m: m.similar_items([1]), r"similar_items\(\)"),
    ("two_stage", {}, lambda m: m.candidates(np.array([0])), r"candidates\(\)"),
    ("reranked", {}, lambda m: m.rerank_lists(np.array([0])), r"rerank_lists\(\)"),
    # a property, read rather than called
    ("sasrec", {}, lambda m: m.sequence_length_, "reading sequence_length_"),
])
def test_an_unfitted_model_names_the_call_refused(name, params, call, words):
    with pytest.raises(RecstackError, match=unfitted_refusal(name, words)):
        call(create_model(name, **params))


@pytest.mark.parametrize(("name", "call"), [
    ("ease", lambda m: m.recommend([1], k=1)),
    ("two_stage", lambda m: m.recommend([1], k=1)),
    ("sasrec", lambda m: m.recommend_sequences([[1]], k=1)),
])
def test_asking_for_recommendations_is_refused_in_those_words(name, call):
    with pytest.raises(RecstackError, match=unfitted_refusal(name,
                                                             "asking for recommendations")):
        call(create_model(name))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(12), 4)
    items = np.concatenate([rng.choice(8, 4, replace=False) for _ in range(12)])
    return Interactions.from_arrays(users, items)


def test_a_setting_changed_since_fit_names_the_call_it_refuses(data):
    model = create_model("ials", factors=4, iterations=2, block_size=None).fit(data)
    model.factors = 5
    with pytest.raises(ConfigError, match=r"^ials: factors=4 at fit, now 5; the learned arrays "
                                          r"were fitted with the values of fit, so loss\(\) "
                                          r"cannot use"):
        model.loss()
    with pytest.raises(ConfigError, match=r"so recommendations cannot use"):
        model.recommend([0], k=1)
    model.factors = 4
    assert np.isfinite(model.loss())
