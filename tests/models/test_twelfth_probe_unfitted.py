"""Twelfth probe, an unfitted model: ``save`` and the embedding methods were refused with
"call fit() before asking for recommendations", which named another call."""

import pytest

from recstack.errors import RecstackError
from recstack.models import create_model


def test_saving_an_unfitted_model_names_save(tmp_path):
    with pytest.raises(RecstackError, match=r"^ease: call fit\(\) before save\(\)$"):
        create_model("ease").save(tmp_path / "model")
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("method", ["item_embeddings", "user_embeddings"])
def test_embeddings_of_an_unfitted_model_name_the_method(method):
    with pytest.raises(RecstackError, match=rf"^als: call fit\(\) before {method}\(\)$"):
        getattr(create_model("als"), method)()


def test_recommend_on_an_unfitted_model_is_refused_as_before():
    with pytest.raises(RecstackError, match=r"^ease: call fit\(\) before asking for "
                                            r"recommendations$"):
        create_model("ease").recommend([1], k=1)
