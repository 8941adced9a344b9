"""Ninety-fourth bad-input probe: hyperparameters set to other values after ``fit``
(``model.regularization = 500.0``). The learned arrays follow the values of fit, so
``recommend`` silently ignored the new value and ``save`` wrote it into model.json beside
arrays it does not describe (``neighbors = 'ten'`` even saved a model load_model refuses).
Now every fitted model's methods refuse a changed hyperparameter, naming it with both
values, as the rankers and re-rankers do; the ones that only say where a model runs
(``num_threads``, ``device``, ``checkpoint_dir``) may change, checked as fit checks them."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model


@pytest.fixture(scope="module")
def train() -> Interactions:
    # 6 users x 6 items: user u has items u and u+1 (mod 6)
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile(np.arange(2), 6)) % 6
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("call", ["recommend", "score_users", "save"])
def test_a_changed_hyperparameter_is_refused(train, tmp_path, call):
    model = create_model("ease", regularization=10.0).fit(train)
    model.regularization = 500.0
    with pytest.raises(ConfigError, match=r"ease: regularization=10\.0 at fit, now 500\.0; "
                                          r".*call fit\(\) again.*or set them back"):
        if call == "recommend":
            model.recommend([0], 2)
        elif call == "score_users":
            model.score_users(np.arange(2))
        else:
            model.save(tmp_path / "model")
    assert not (tmp_path / "model").exists()  # nothing half-written


def test_an_invalid_value_set_after_fit_is_not_saved(train, tmp_path):
    model = create_model("item_knn", neighbors=3).fit(train)
    model.neighbors = "ten"  # was saved, and then refused by load_model
    with pytest.raises(ConfigError, match=r"neighbors=3 at fit, now 'ten'"):
        model.save(tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_set_back_or_refit_works(train, tmp_path):
    model = create_model("ease", regularization=10.0).fit(train)
    before = model.score_users(np.arange(6))
    model.regularization = 500.0
    with pytest.raises(ConfigError):
        model.recommend([0], 2)
    model.regularization = 10  # the same value, as an int
    np.testing.assert_array_equal(model.score_users(np.arange(6)), before)
    model.regularization = 500.0
    model.fit(train)  # fitted with the new value: the value of fit now
    fresh = create_model("ease", regularization=500.0).fit(train)
    np.testing.assert_allclose(model.score_users(np.arange(6)), fresh.score_users(np.arange(6)))
    assert load_model(model.save(tmp_path / "model")).regularization == 500.0


def test_a_sequence_in_another_form_is_the_same_value(train):
    model = create_model("blend", members=[{"type": "most_popular"}, {"type": "item_knn"}],
                         weights=[1.0, 3.0]).fit(train)
    model.weights = (1.0, 3.0)  # a tuple of the same values: not a change
    model.recommend([0], 2)


def test_a_member_edited_in_place_is_refused(train):
    model = create_model("blend", members=[{"type": "most_popular"}, {"type": "item_knn"}],
                         weights=[1.0, 3.0]).fit(train)
    model.members[1]["neighbors"] = 2  # a blend's members are fitted ones: ignored before
    with pytest.raises(ConfigError, match=r"blend: members=.* at fit, now .*'neighbors': 2"):
        model.recommend([0], 2)


def test_a_loaded_model_refuses_a_changed_hyperparameter(train, tmp_path):
    folder = create_model("ease", regularization=10.0).fit(train).save(tmp_path / "model")
    loaded = load_model(folder)
    loaded.binary = False
    with pytest.raises(ConfigError, match=r"binary=True at fit, now False"):
        loaded.recommend([0], 2)


def test_where_it_runs_may_change_and_is_checked(train, tmp_path):
    model = create_model("als", factors=4, iterations=2, num_threads=1).fit(train)
    model.num_threads = 2  # says where it runs, not what it learned
    model.recommend([0], 2)
    assert load_model(model.save(tmp_path / "model")).num_threads == 2
    model.num_threads = "two"
    with pytest.raises(ConfigError, match=r"als: num_threads must be int, got 'two'"):
        model.save(tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_a_refused_refit_keeps_the_old_fit_and_its_values(train):
    model = create_model("ease", regularization=10.0).fit(train)
    before = model.score_users(np.arange(6))
    model.regularization = -1.0
    with pytest.raises(ConfigError, match=r"regularization must be"):
        model.fit(train)  # refused before anything was learned: the old fit stands
    with pytest.raises(ConfigError, match=r"regularization=10\.0 at fit, now -1\.0"):
        model.recommend([0], 2)
    model.regularization = 10.0
    np.testing.assert_array_equal(model.score_users(np.arange(6)), before)
