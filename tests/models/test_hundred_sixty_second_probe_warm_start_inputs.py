"""Hundred-sixty-second bad-input probe: ``fit_from`` with data whose ids are of another
type than the previous model's (text for a model of integer ids) was refused with "warm
start: ...", naming no model, where every other refusal of ``fit_from`` starts with it;
and a saved model's folder given as ``previous`` was refused as "got str", without saying
that a folder is read with ``load_model``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model


def _data(text: bool = False) -> Interactions:
    users = np.repeat(np.arange(8), 3)
    items = (users + np.tile(np.arange(3), 8)) % 6
    if text:
        users = np.array([f"u{u}" for u in users], dtype=object)
        items = np.array([f"i{i}" for i in items], dtype=object)
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("model", ["als", "bpr"])
def test_ids_of_another_type_name_the_model(model):
    previous = create_model(model, factors=4, **({"iterations": 2} if model == "als"
                                                 else {"epochs": 2})).fit(_data())
    fresh = create_model(model, **previous.get_params())
    with pytest.raises(ConfigError, match=rf"^{model}: warm start: the previous model's ids "
                                          r"are numbers \(e\.g\. \[0, 1, 2\]\) and these are "
                                          r"text"):
        fresh.fit_from(previous, _data(text=True))


@pytest.mark.parametrize("as_path", [str, Path])
def test_a_saved_folder_as_previous_says_to_load_it(tmp_path, as_path):
    previous = create_model("als", factors=4, iterations=2).fit(_data())
    previous.save(tmp_path / "m")
    fresh = create_model("als", factors=4, iterations=2)
    folder = str(tmp_path / "m")
    with pytest.raises(ConfigError) as refused:
        fresh.fit_from(as_path(folder), _data())
    assert str(refused.value) == (
        f"als: a warm start needs a previous als model, got {type(as_path(folder)).__name__} "
        f"({folder!r}); a saved model's folder is read with recstack.models.load_model: "
        "call fit_from(load_model(path), train)")
    # what it says works
    assert fresh.fit_from(load_model(folder), _data()).is_fitted


def test_other_objects_are_refused_as_before():
    fresh = create_model("als", factors=4, iterations=2)
    with pytest.raises(ConfigError, match=r"^als: a warm start needs a previous als model, "
                                          r"got NoneType$"):
        fresh.fit_from(None, _data())
