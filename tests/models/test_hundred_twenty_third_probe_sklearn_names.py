"""scikit-learn's ``set_params`` and ``clone`` asked of a model were Python's bare
AttributeError; they are refused naming the model and the recstack way to do it."""

import pytest

from recstack.models import create_model
from recstack.models.base import MissingMethodError


@pytest.mark.parametrize(("method", "remedy"), [
    ("set_params", "create_model(model.name, **{**model.get_params(), 'name': value})"),
    ("clone", "create_model(model.name, **model.get_params()) makes an unfitted copy"),
])
def test_scikit_learn_names_say_what_to_do(method, remedy):
    model = create_model("als")
    with pytest.raises(MissingMethodError) as refused:
        getattr(model, method)
    message = str(refused.value)
    assert message.startswith(f"als: this model has no {method}()")
    assert remedy in message
    assert not hasattr(model, method)


def test_the_remedy_makes_an_equal_unfitted_model():
    model = create_model("als", factors=16)
    copy = create_model(model.name, **model.get_params())
    assert copy.get_params() == model.get_params() and copy is not model
