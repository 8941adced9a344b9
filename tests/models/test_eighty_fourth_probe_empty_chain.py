"""A ``reranked`` model with ``chain = []`` is accepted as the identity (the wrapped model's
own lists, a baseline beside the same model re-ranked); its documentation says so, and its
lists are the wrapped model's."""

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.registry import model_class


def test_the_documentation_says_an_empty_chain_is_the_identity():
    cls = model_class("reranked")
    assert "empty (the default): the identity" in cls.describe_params()
    assert "``chain`` (the default) is\nthe identity" in cls.__doc__.split("Parameters")[0]
    assert repr(create_model("reranked", chain=())) == \
        "Reranked(model={'type': 'ease'}, chain=[], n_candidates=100)"


def test_an_empty_chain_gives_the_wrapped_models_lists():
    rng = np.random.default_rng(1)
    data = Interactions.from_arrays(rng.integers(0, 25, 300), rng.integers(0, 20, 300),
                                    np.ones(300), np.arange(300))
    users = data.users.external_ids[:6]
    inner = create_model("item_knn").fit(data)
    for n_candidates in (5, 100):
        wrapped = create_model("reranked", model={"type": "item_knn"}, chain=[],
                               n_candidates=n_candidates).fit(data)
        for k in (3, 20):
            np.testing.assert_array_equal(wrapped.recommend(users, k=k)[0],
                                          inner.recommend(users, k=k)[0])
