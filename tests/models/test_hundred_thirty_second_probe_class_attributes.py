"""``model.name = "als"`` on an EASE model was stored on the instance: ``save`` wrote "als"
into model.json, whose load then failed naming ALS's hyperparameters (and the registry and
results keyed on the wrong name). The contract's other class attributes
(``predicts_ratings``, ``serves_users_without_history``...) changed how the base class
served the model without the model having changed. Setting any of them on a model is now
refused, naming it; hyperparameters are set as before."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.persistence import load_model

CONTRACT = ["name", "params", "predicts_ratings", "search_space",
            "serves_users_without_history", "history_fallback",
            "own_ranking_without_history", "places_items_by_content"]


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(30), 6), rng.integers(0, 20, 180),
                                    duplicates="last")


def test_renaming_a_model_is_refused_and_it_saves_as_its_type(train, tmp_path):
    model = create_model("ease", regularization=10.0).fit(train)
    with pytest.raises(ConfigError, match=r"^ease: name is the model's registered type.*"
                                          r"cannot be set on a model"):
        model.name = "als"
    assert model.name == "ease" and "name" not in vars(model)
    loaded = load_model(model.save(tmp_path / "m"))
    assert type(loaded) is type(model)


@pytest.mark.parametrize("attribute", CONTRACT[1:])
@pytest.mark.parametrize("kind", ["ease", "reranked", "blend"])
def test_every_class_attribute_of_the_contract_is_refused_on_a_model(attribute, kind):
    model = create_model(kind)
    before = getattr(type(model), attribute)
    with pytest.raises(ConfigError, match=rf"^{kind}: {attribute} is declared by the model's "
                                          "class"):
        setattr(model, attribute, True)
    assert getattr(model, attribute) is before


def test_hyperparameters_and_own_attributes_are_still_set():
    model = create_model("ease")
    model.regularization = 3.0
    model.my_note = "kept"  # a name near no hyperparameter: the user's own
    assert model.get_params()["regularization"] == 3.0 and model.my_note == "kept"
