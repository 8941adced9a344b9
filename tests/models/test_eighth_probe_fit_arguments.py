"""Eighth bad-input probe, keywords ``fit`` does not take: ``fit(train, validation=valid)``
(as the README shows for BPR, LightGCN and the blend) on a model that uses no validation
rows, a hyperparameter given to ``fit`` instead of the constructor, and a misspelt
``progress``: each ended in Python's TypeError ("got an unexpected keyword argument"),
which said neither what the argument is nor where it belongs."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

TRAIN = Interactions.from_arrays(np.arange(40) % 8, np.arange(40) % 7)


@pytest.mark.parametrize("name", ["ease", "als", "item_knn", "most_popular"])
def test_validation_rows_for_a_model_without_validation_are_refused_by_name(name):
    with pytest.raises(ConfigError, match=rf"^{name}: fit\(\) takes no validation rows \(it "
                                          r"neither early-stops nor learns weights on them\); "
                                          r"the models that do: blend, bpr, lightgcn, "
                                          r"lightgcn_pp, mult_dae, mult_vae$"):
        create_model(name).fit(TRAIN, validation=TRAIN)


def test_a_hyperparameter_given_to_fit_points_to_the_constructor():
    with pytest.raises(ConfigError, match=r"^ease: fit\(\) takes no regularization=3.0: "
                                          r"regularization is a hyperparameter; give it when "
                                          r"creating the model \(create_model\('ease', "
                                          r"regularization=...\)\); fit takes train and "
                                          r"progress$"):
        create_model("ease").fit(TRAIN, regularization=3.0)
    with pytest.raises(ConfigError, match=r"^bpr: fit\(\) takes no epochs=3: .*fit takes "
                                          r"train, progress and validation$"):
        create_model("bpr").fit(TRAIN, epochs=3)


def test_a_misspelt_argument_gets_a_suggestion():
    with pytest.raises(ConfigError, match=r"^als: fit\(\) got an unexpected argument "
                                          r"'progres' \(did you mean 'progress'\?\); it takes "
                                          r"train and progress$"):
        create_model("als").fit(TRAIN, progres=None)
    with pytest.raises(ConfigError, match=r"'validaton' \(did you mean 'validation'\?\)"):
        create_model("lightgcn").fit(TRAIN, validaton=TRAIN)


def test_the_model_is_left_unfitted():
    model = create_model("ease")
    with pytest.raises(ConfigError):
        model.fit(TRAIN, validation=TRAIN)
    assert not model.is_fitted
