"""Ninety-ninth bad-input probe: models assembled from arrays rather than by ``fit`` (a
fold-in's new model, a blend's members, a two-stage model's generators and a re-ranked
model's wrapped model restored by ``load_model``) skipped the changed-hyperparameter check:
``model.factors = 99`` on a folded-in ALS model recommended on silently, from arrays of 8
factors. Every model holding learned state now carries the values it holds them with.
And a value set before fit in another (equal) form, a tuple for a list or a numpy number,
was refused as "changed" by the first call after fit."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model
from recstack.ops.fold_in import fold_in_model
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def train() -> Interactions:
    # 8 users x 8 items: user u has items u, u+1 and u+2 (mod 8)
    users = np.repeat(np.arange(8), 3)
    items = (users + np.tile(np.arange(3), 8)) % 8
    return Interactions.from_arrays(users, items)


def test_a_folded_in_model_refuses_a_changed_hyperparameter(train, tmp_path):
    folded = fold_in_model(create_model("als", **quick_params("als")).fit(train), train)
    folded.recommend([0], 2)  # unchanged: served
    folded.factors = 99
    with pytest.raises(ConfigError, match=r"^als: factors=8 at fit, now 99; .*call fit\(\) "
                                          r"again"):
        folded.recommend([0], 2)
    with pytest.raises(ConfigError, match="factors=8 at fit, now 99"):
        folded.save(tmp_path / "model")
    assert not (tmp_path / "model").exists()
    folded.factors = 8
    folded.recommend([0], 2)


def test_a_loaded_blends_member_refuses_a_changed_hyperparameter(train, tmp_path):
    create_model("blend", **quick_params("blend")).fit(train).save(tmp_path / "blend")
    member = load_model(tmp_path / "blend").members_[0]
    member.regularization = 999.0
    with pytest.raises(ConfigError, match=r"^ease: regularization=10\.0 at fit, now 999\.0"):
        member.recommend([0], 2)


def test_loaded_nested_models_refuse_a_changed_hyperparameter(tmp_path):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 30, 400), rng.integers(0, 25, 400),
                                    timestamps=np.arange(400))
    data = data.select(np.unique(data.user_index * 100 + data.item_index,
                                 return_index=True)[1])
    create_model("two_stage", **quick_params("two_stage")).fit(data).save(tmp_path / "ts")
    generator = load_model(tmp_path / "ts").generators_[1]
    generator.neighbors = 3
    with pytest.raises(ConfigError, match=r"^item_knn: neighbors=20 at fit, now 3"):
        generator.recommend([generator.users_.to_external(np.array([0]))[0]], 2)
    create_model("reranked", **quick_params("reranked")).fit(data).save(tmp_path / "rr")
    wrapped = load_model(tmp_path / "rr").model_
    wrapped.neighbors = 3
    with pytest.raises(ConfigError, match=r"^item_knn: neighbors=20 at fit, now 3"):
        wrapped.recommend([wrapped.users_.to_external(np.array([0]))[0]], 2)


@pytest.mark.parametrize(("name", "param", "value"), [
    ("blend", "members", ({"type": "ease", "regularization": 10.0},
                          {"type": "rp3beta", "neighbors": 20})),
    ("ease", "regularization", np.float64(10.0)),
])
def test_a_value_set_before_fit_in_another_form_is_not_changed(train, tmp_path, name, param,
                                                               value):
    model = create_model(name, **quick_params(name))
    setattr(model, param, value)
    model.fit(train)
    model.recommend([0], 2)  # was refused: "members=(...) at fit, now (...)"
    model.save(tmp_path / "model")
    assert load_model(tmp_path / "model").recommend([0], 2)[0].tolist() == \
        model.recommend([0], 2)[0].tolist()


@pytest.mark.parametrize("name", ["als", "bpr"])
def test_a_warm_start_from_a_model_with_a_changed_hyperparameter_is_refused(train, name):
    previous = create_model(name, **quick_params(name)).fit(train)
    previous.factors = 4
    # was "the previous vectors have shape (8,) per row, this model (4,)": compared with
    # the value set after fit, as if the vectors had 4 factors
    with pytest.raises(ConfigError, match=rf"^{name}: fit_from\(previous\): the previous "
                                          r"model has factors=8 at fit, now 4; "):
        create_model(name, **{**quick_params(name), "factors": 4}).fit_from(previous, train)
    assert not type(previous).warm_compatible(previous, {**quick_params(name), "factors": 4})
    assert type(previous).warm_compatible(previous, quick_params(name))
