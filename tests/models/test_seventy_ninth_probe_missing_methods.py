"""Seventy-ninth bad-input probe, models: a method of the contract that only some models
have (``score_histories``, ``fold_in``, ``fit_from``...) asked of a model without it gave
a bare AttributeError ("'Reranked' object has no attribute 'score_histories'"); it is now
refused in the project's words, naming the model, the models that have it and what to do
instead, while ``hasattr`` still says no."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.base import _OPTIONAL_METHODS, MissingMethodError, Recommender
from recstack.models.registry import available_models, create_model, model_class

DATA = Interactions.from_frame(pd.DataFrame({"user_id": [1, 1, 2, 2, 3],
                                             "item_id": [1, 2, 2, 3, 1]}))


def _public_methods(cls: type) -> set[str]:
    return {name for name, value in inspect.getmembers(cls)
            if not name.startswith("_") and not name.endswith("_") and callable(value)}


def test_every_method_some_models_lack_is_declared():
    # a registry of all models, so that a method added to one model is not forgotten
    common = _public_methods(Recommender)
    some = set()
    for name in available_models():
        some |= _public_methods(model_class(name)) - common
    assert some <= set(_OPTIONAL_METHODS), sorted(some - set(_OPTIONAL_METHODS))


def _lacking() -> list[tuple[str, str]]:
    """Every (model, method) pair where the model has neither the method nor a
    hyperparameter of that name."""
    return [(model, method) for model in available_models()
            for method in sorted(_OPTIONAL_METHODS)
            if not callable(getattr(model_class(model), method, None))
            and method not in model_class(model).params]


@pytest.mark.parametrize(("model", "method"), _lacking())
def test_a_missing_method_is_refused_naming_model_and_remedy(model, method):
    instance = model_class(model)()
    assert not hasattr(instance, method)
    assert getattr(instance, method, None) is None
    with pytest.raises(MissingMethodError) as refused:
        getattr(instance, method)
    error = refused.value
    assert isinstance(error, RecstackError) and isinstance(error, AttributeError)
    message = str(error)
    assert message.startswith(f"{model}: this model has no {method}(); models that have "
                              "it: ")
    having = [name for name in available_models()
              if callable(getattr(model_class(name), method, None))]
    assert ", ".join(having) in message
    assert model not in message.split("models that have it: ")[1].split(";")[0].split(", ")
    # a model's own advice where it has one (SASRec's: its sequences), else the contract's
    advice = model_class(model).missing_method_advice.get(method, _OPTIONAL_METHODS[method])
    assert message.endswith(advice)


def test_the_reranked_model_refuses_score_histories_in_words():
    model = create_model("reranked", model={"type": "item_knn"}).fit(DATA)
    with pytest.raises(RecstackError, match=r"^reranked: this model has no "
                                            r"score_histories\(\); models that have it: "
                                            r".*\bease\b.*; to score users"):
        model.score_histories([[1.0, 0.0, 0.0]])
    # the hint for users without history still says the model cannot score them
    assert "cannot score users from their interactions" in model._no_history_hint()


def test_other_missing_attributes_stay_plain_attribute_errors():
    model = create_model("ease")
    with pytest.raises(AttributeError) as raised:
        model.score_histoies  # noqa: B018 (a misspelling)
    assert not isinstance(raised.value, RecstackError)
    assert "score_histoies" in str(raised.value)
    with pytest.raises(AttributeError):
        model.similarity_  # noqa: B018 (learned state of an unfitted model)


def test_the_reranked_model_without_item_vectors_blames_its_wrapped_model():
    # the generic refusal said "this model has no item embeddings; models that do: ...,
    # reranked, ...", contradicting itself
    model = create_model("reranked", model={"type": "item_knn"}).fit(DATA)
    with pytest.raises(RecstackError) as refused:
        model.item_embeddings()
    message = str(refused.value)
    assert message.startswith("reranked: this model has no item embeddings: its wrapped "
                              "model (item_knn) has none; wrap a model that has them: ")
    listed = message.split("wrap a model that has them: ")[1].split(", ")
    assert "als" in listed and "reranked" not in listed and "item_knn" not in listed
