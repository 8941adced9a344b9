"""Hundred forty-seventh bad-input probe, what a warm start starts from.

``model.fit_from(model, train)`` (a model retrained from its own vectors): BPR replaced its
factors with fresh random ones before reading them, so it started from those, not from its
own, without a word. And a two-tower warm start with another ``text_dim`` or ``max_tags``
kept the previous model's content vocabularies (as documented) while its parameters named
its own: ``text_dim=0`` reported no text features and used the previous model's eight.
Both are now a warm start from the model's own vectors, and a refusal naming the
parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model

QUICK = {
    "als": {"factors": 4, "iterations": 2},
    "bpr": {"factors": 4, "epochs": 2},
}


def data(item_table: pd.DataFrame | None = None) -> Interactions:
    rng = np.random.default_rng(4)
    return Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 15, 300),
                                    np.ones(300), np.arange(300), item_table=item_table)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_model_warm_started_from_itself_starts_from_its_own_vectors(tmp_path, name):
    train = data()
    fitted = create_model(name, **QUICK[name]).fit(train)
    # its own vectors, as a separate object: the saved and loaded model
    fitted.save(tmp_path / "before")
    expected = create_model(name, **QUICK[name]).fit_from(load_model(tmp_path / "before"),
                                                          train)
    assert fitted.fit_from(fitted, train) is fitted
    np.testing.assert_allclose(fitted.score_users(np.arange(5)),
                               expected.score_users(np.arange(5)), rtol=1e-5, atol=1e-6)


def item_table() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    words = "red blue green fast slow big small old new hot cold".split()
    return pd.DataFrame({"item_id": np.arange(15),
                         "title": [" ".join(rng.choice(words, 4)) for _ in range(15)],
                         "tags": ["|".join(rng.choice(words, 3)) for _ in range(15)]})


@pytest.mark.parametrize(("param", "value"), [("text_dim", 4), ("text_dim", 0),
                                              ("max_tags", 2)])
def test_two_tower_warm_start_with_other_content_sizes_is_refused(param, value):
    pytest.importorskip("torch")
    train = data(item_table())
    quick = {"dim": 8, "hidden": 8, "epochs": 1, "device": "cpu", "text_dim": 8,
             "max_tags": 5}
    previous = create_model("two_tower", **quick).fit(train)
    with pytest.raises(ConfigError, match=rf"{param} = {value}, but the previous model has "
                                          rf"{param} = {quick[param]}; a warm start needs "
                                          rf"the same {param}"):
        create_model("two_tower", **(quick | {param: value})).fit_from(previous, train)
    # the same sizes still start warm
    create_model("two_tower", **quick).fit_from(previous, train)
