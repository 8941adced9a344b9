"""Every refusal of a choice in the models names the nearest choice, in one wording.

The hyperparameter check did ("got 'NDCG' (did you mean 'ndcg'?)"), but the functions
that take a choice themselves did not: ``pruned_item_similarity`` and ``weight_features``
("similarity must be one of (...), got 'Cosine'"), ``validation_metric`` (a bare
ValueError) and the ODE solver ("unknown ODE solver 'rk-4'; one of (...)")."""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.models.base import choice_error
from recstack.models.graph_filters import SOLVERS, integrate
from recstack.models.knn import pruned_item_similarity, weight_features
from recstack.models.training import validation_metric

EYE = sp.csr_matrix(np.eye(3, dtype=np.float32))


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: pruned_item_similarity(EYE, "Cosine", 2),
     "similarity must be one of ('cosine', 'asymmetric', 'jaccard', 'lift'), got 'Cosine' "
     "(did you mean 'cosine'?)"),
    (lambda: weight_features(EYE, "tfidf"),
     "feature_weighting must be one of ('none', 'tf-idf', 'bm25'), got 'tfidf' "
     "(did you mean 'tf-idf'?)"),
    (lambda: weight_features(EYE, np.str_("BM25")),
     "feature_weighting must be one of ('none', 'tf-idf', 'bm25'), got 'BM25' "
     "(did you mean 'bm25'?)"),
    (lambda: validation_metric(None, None, None, metric="NDCG"),
     "metric must be one of ('ndcg', 'recall'), got 'NDCG' (did you mean 'ndcg'?)"),
])
def test_a_misspelt_choice_is_named_with_the_nearest(call, expected):
    with pytest.raises(ConfigError) as caught:
        call()
    assert str(caught.value) == expected


def test_a_choice_far_from_every_one_lists_them_without_a_guess():
    with pytest.raises(ConfigError) as caught:
        weight_features(EYE, 7)
    assert str(caught.value) == ("feature_weighting must be one of ('none', 'tf-idf', "
                                 "'bm25'), got 7")


@pytest.mark.parametrize("steps", [1, 0])
def test_the_ode_solver_is_refused_in_the_same_words(steps):
    with pytest.raises(ConfigError) as caught:
        integrate(lambda state: state, np.ones(2), 1.0, steps, "rk-4")
    assert str(caught.value) == (f"solver must be one of {SOLVERS}, got 'rk-4' (did you "
                                 "mean 'rk4'?)")


def test_the_shared_refusal_names_the_model_when_given():
    assert str(choice_error("loss", "BPR", ("softmax", "bce"), model="sasrec")) == (
        "sasrec: loss must be one of ('softmax', 'bce'), got 'BPR'")


def test_the_hyperparameter_check_keeps_its_words():
    from recstack.models.registry import create_model
    from tests.models.test_hundred_ninety_seventh_probe_diverged_loss import small_data

    with pytest.raises(ConfigError) as caught:
        create_model("item_knn", similarity="jacard").fit(small_data())
    assert str(caught.value) == ("item_knn: similarity must be one of ('cosine', "
                                 "'asymmetric', 'jaccard', 'lift'), got 'jacard' (did you "
                                 "mean 'jaccard'?)")
