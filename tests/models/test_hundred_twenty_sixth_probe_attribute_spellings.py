"""A misspelt hyperparameter set as an attribute (``model.factorz = 3``,
``model.regularisation = 0.1``) was stored beside the hyperparameters and silently ignored:
the model trained with its default. Every model, ranker and re-ranker now refuses a new
public attribute near one of its hyperparameters, naming it; its hyperparameters, learned
state (ending in ``_``), private state (starting with ``_``) and attributes near no
hyperparameter (a subclass's own) are set as before."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.registry import available_models
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.rerank.base import create_reranker


@pytest.mark.parametrize("name", available_models())
def test_every_model_refuses_a_misspelt_hyperparameter_set_as_an_attribute(name):
    model = create_model(name)
    first = next(iter(model.params))
    misspelt = first + "z"
    before = model.get_params()
    with pytest.raises(ConfigError, match=f"^{name}: no hyperparameter '{misspelt}' "
                                          f"\\(did you mean '{first}'\\?\\)"):
        setattr(model, misspelt, 1)
    # nothing was stored: the model is as it was
    assert misspelt not in vars(model)
    assert model.get_params() == before


def test_the_british_spelling_names_the_declared_one():
    model = create_model("als")
    with pytest.raises(ConfigError, match="did you mean 'regularization'"):
        model.regularisation = 0.1
    with pytest.raises(ConfigError, match="did you mean 'factors'"):
        model.Factors = 3
    # the message lists the hyperparameters that exist
    with pytest.raises(ConfigError, match="its hyperparameters: factors, regularization"):
        model.factor = 1


def test_a_subclass_sets_its_own_attributes():
    from recstack.models.baselines import MostPopular

    class Fixed(MostPopular):
        def __init__(self, scores, **params):
            super().__init__(**params)
            self.scores = scores  # near no hyperparameter: the subclass's own

    model = Fixed(np.arange(3.0))
    np.testing.assert_array_equal(model.scores, np.arange(3.0))
    model.zzz = 1  # near no hyperparameter either
    assert model.zzz == 1


def test_what_a_model_itself_sets_is_still_set_and_a_fit_follows_the_attribute():
    data = generate(n_users=40, n_items=30, n_interactions=500, seed=1)
    model = create_model("ease")
    model.regularization = 7.0  # a hyperparameter set as an attribute: used
    model.note_ = "learned-looking"  # learned state
    model._scratch = 1  # private state
    model.recommend = model.recommend  # an attribute the class already has
    model.fit(data)
    assert model.regularization == 7.0 and model.fitted_params_["regularization"] == 7.0
    # the item-item matrix of EASE with lambda = 7: B = I - P / diag(P), P = (X'X + 7I)^-1
    x = (data.to_csr().toarray() != 0).astype(np.float64)  # binary=True, the default
    p = np.linalg.inv(x.T @ x + 7.0 * np.eye(x.shape[1]))
    expected = np.eye(x.shape[1]) - p / np.diag(p)
    np.fill_diagonal(expected, 0.0)
    scores = model.score_users(np.array([0]))
    np.testing.assert_allclose(scores[0], (x[0] @ expected), rtol=1e-3, atol=1e-4)


def test_a_ranker_and_a_reranker_refuse_a_misspelt_attribute_too():
    ranker = create_ranker("logistic")
    first = next(iter(ranker.params))
    with pytest.raises(ConfigError, match=f"^logistic: no hyperparameter '{first}z' "
                                          f"\\(did you mean '{first}'\\?\\)"):
        setattr(ranker, first + "z", 1)
    reranker = create_reranker({"type": "popularity_penalty"})
    with pytest.raises(ConfigError, match="^popularity_penalty: no hyperparameter 'strenght' "
                                          "\\(did you mean 'strength'\\?\\)"):
        reranker.strenght = 0.3
    reranker.strength = 0.3
    assert reranker.get_params()["strength"] == 0.3
