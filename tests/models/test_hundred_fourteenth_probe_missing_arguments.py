"""A model method called without a required argument: ``model.score(users)`` without the
items, ``model.fit()``, ``fold_in()``, ``fit_from(train)``. The README promises a
ConfigError naming the model, the method and what it takes (as for a value by position or
a misspelt keyword), but Python's TypeError came out, naming the base class or a mixin
("Recommender.score() missing 1 required positional argument: 'items'"). The required
arguments now default to a marker that the methods' own check (``check_call``) refuses,
so no wrapper stands between the caller and the method: warnings still point at the
caller's line."""

import inspect
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import available_models, create_model
from recstack.models.base import PopularityFallbackWarning
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

#: each public method's required arguments, in order (from the README's signatures)
REQUIRED = {
    "fit": ("train",),
    "recommend": ("users",),
    "score": ("users", "items"),
    "score_users": ("user_indices",),
    "similar_items": ("items",),
    "score_histories": ("histories",),
    "fold_in": ("histories",),
    "save": ("path",),
    "item_vectors": ("item_table",),
    "score_new_items": ("users", "item_table"),
    "embed_items": ("item_rows",),
    "score_sequences": ("sequences",),
    "recommend_sequences": ("sequences",),
    "candidates": ("user_indices",),
    "rerank_lists": ("user_indices",),
}
#: where a model names an argument its own way
OWN_NAMES = {("two_tower", "score_new_items"): ("users", "item_rows")}


def _calls(name):
    cls = model_class(name)
    return [method for method in REQUIRED if callable(getattr(cls, method, None))]


@pytest.mark.parametrize("name", available_models())
def test_every_method_without_its_arguments_names_the_model_and_what_is_missing(name):
    model = create_model(name)  # refused before anything else: not even fitted
    for method in _calls(name):
        needed = OWN_NAMES.get((name, method), REQUIRED[method])
        with pytest.raises(ConfigError) as caught:
            getattr(model, method)()
        message = str(caught.value)
        assert message.startswith(f"{name}: {method}() is missing "
                                  f"{' and '.join(needed)}; call it as {method}("
                                  f"{', '.join(needed)}"), (method, message)


@pytest.mark.parametrize("name", ["als", "ease", "two_stage", "reranked"])
def test_the_second_of_two_arguments_left_out_is_named_alone(name):
    with pytest.raises(ConfigError, match=rf"^{name}: score\(\) is missing items; call it as "
                                          r"score\(users, items"):
        create_model(name).score([1])


@pytest.mark.parametrize("name", ["bpr", "als", "lightgcn", "two_tower", "sasrec"])
def test_fit_from_without_the_training_data_names_it(name):
    model = create_model(name)
    with pytest.raises(ConfigError, match=rf"^{name}: fit_from\(\) is missing previous and "
                                          r"train; call it as fit_from\(previous, train\)"):
        model.fit_from()
    with pytest.raises(ConfigError, match=rf"^{name}: fit_from\(\) is missing train; "):
        model.fit_from(create_model(name))


def test_required_arguments_stay_required_in_the_signatures_help_shows():
    for name in available_models():
        for method in _calls(name):
            parameters = inspect.signature(getattr(model_class(name), method)).parameters
            for argument in OWN_NAMES.get((name, method), REQUIRED[method]):
                assert repr(parameters[argument].default) == "<required>", (name, method)


def test_a_warning_of_a_method_still_points_at_the_callers_line():
    rng = np.random.default_rng(0)
    train = Interactions.from_arrays(np.repeat(np.arange(20), 6), rng.integers(0, 12, 120),
                                     None, np.arange(120), duplicates="last")
    model = create_model("ease", **quick_params("ease")).fit(train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.score_histories(np.zeros((1, len(model.items_))))  # an empty history
    said = [w for w in caught if issubclass(w.category, PopularityFallbackWarning)]
    assert said and said[0].filename == __file__


@pytest.mark.parametrize("name", available_models())
def test_a_method_called_on_the_class_says_to_create_the_model(name):
    # model = ALS (no parentheses), then model.fit(train): the data took self's place, and
    # the call failed inside with an AttributeError ("'Interactions' object has no
    # attribute 'name'") or TypeError ("super(type, obj): obj must be an instance")
    rng = np.random.default_rng(0)
    train = Interactions.from_arrays(np.arange(6), rng.integers(0, 3, 6), None, np.arange(6))
    cls = model_class(name)
    for method, arguments in (("fit", (train,)), ("recommend", ([1],)),
                              ("recommend", ([1], 3)), ("score", ([1], [2])),
                              ("save", ("folder",))):
        with pytest.raises(ConfigError, match=rf"^{method}\(\) was called on a model class, "
                                              rf"not on a model \(its first argument, a "
                                              rf"\w+, took the model's place\); create the "
                                              rf"model first"):
            getattr(cls, method)(*arguments)
    if callable(getattr(cls, "fit_from", None)):
        with pytest.raises(ConfigError, match=r"^fit_from\(\) was called on a model class"):
            cls.fit_from(train, train)
