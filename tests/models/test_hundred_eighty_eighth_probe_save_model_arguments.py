"""``recstack.models.persistence.save_model(model, path, overwrite=...)`` checks its
arguments as ``model.save(path, overwrite=...)`` does:

- something other than a model in the model's place (a path, the two arguments swapped, a
  model's name, a class) failed with "AttributeError: 'str' object has no attribute
  '_require_fitted'";
- ``overwrite=np.True_`` (taken by ``model.save``) was refused, and ``overwrite="no"`` was
  refused without the model or the call ("overwrite must be True or False, got 'no'").
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model
from recstack.models.baselines import MostPopular
from recstack.models.persistence import save_model


@pytest.fixture(scope="module")
def fitted():
    return create_model("most_popular").fit(Interactions.from_arrays(np.array([0, 1, 1]),
                                                                     np.array([0, 0, 1])))


def test_the_arguments_swapped_are_said_to_be(fitted, tmp_path):
    target = tmp_path / "m"
    with pytest.raises(ConfigError) as refused:
        save_model(str(target), fitted)
    assert str(refused.value) == (
        f"save_model(model, path): model must be a fitted recstack model, got str "
        f"'{target}'; model and path are in each other's place: call save_model(model, "
        "path), or model.save(path)")
    assert not target.exists()


@pytest.mark.parametrize(("model", "given"), [
    ("ease", "str 'ease'"),
    (None, "NoneType None"),
    (MostPopular, "the class MostPopular itself"),
])
def test_something_else_in_the_model_place_is_named(tmp_path, model, given):
    with pytest.raises(ConfigError) as refused:
        save_model(model, tmp_path / "m")
    assert str(refused.value) == (
        f"save_model(model, path): model must be a fitted recstack model, got {given}; fit "
        "one first (recstack.models.create_model(name).fit(train))")


def test_numpy_true_overwrites_as_model_save_does(fitted, tmp_path):
    target = tmp_path / "m"
    save_model(fitted, target)
    assert save_model(fitted, target, overwrite=np.bool_(True)) == target
    assert load_model(target).recommend([0], k=2)[0].tolist() == [[1, -1]]


@pytest.mark.parametrize("overwrite", ["no", 1, None])
def test_an_overwrite_that_is_no_flag_names_the_model_and_the_call(fitted, tmp_path,
                                                                   overwrite):
    target = tmp_path / "m"
    save_model(fitted, target)
    with pytest.raises(ConfigError) as refused:
        save_model(fitted, target, overwrite=overwrite)
    assert str(refused.value) == ("most_popular: save_model: overwrite must be True or False, "
                                  f"got {overwrite!r}")
