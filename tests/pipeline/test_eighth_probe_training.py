"""Eighth bad-input probe of settings read only under another setting's value: the
two-stage model's negative_rate with negatives = 'all', label_fraction with window =
'user' and user_labels with window = 'time', a neural ranker's focal_gamma, focal_alpha
and margin under another loss, mmr's column without features = 'column' and
exposure_fairness's head_items with a group_column were each ignored without a word; now
fit refuses them (before anything is fitted), naming the setting that decides. A saved
model is not checked again, so one fitted while such a setting was ignored still loads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.pipeline.rerank import MMR, ExposureFairness
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema
from recstack.pipeline.settings import refuse_unread_settings


@pytest.fixture(scope="module")
def log() -> Interactions:
    return generate(n_users=40, n_items=25, n_interactions=500, seed=3)


@pytest.mark.parametrize(("settings", "said", "reading"), [
    ({"negative_rate": 0.2}, "negative_rate = 0.2 is read only with negatives = 'uniform' or "
                             "'hard', and negatives is 'all'", {"negatives": "hard"}),
    ({"window": "user", "label_fraction": 0.1},
     "label_fraction = 0.1 is read only with window = 'time', and window is 'user'",
     {"window": "time"}),
    ({"user_labels": 3}, "user_labels = 3 is read only with window = 'user', and window is "
                         "'time'", {"window": "user"}),
])
def test_a_two_stage_setting_another_makes_unused_is_refused(log, settings, said, reading):
    model = create_model("two_stage", **settings)
    with pytest.raises(ConfigError, match=said + r".*when = \{"):
        model.fit(log)
    # with the setting that reads it, or at its default, it is no mistake
    for fine in (settings | reading, {name: model.params[name].default for name in settings}):
        other = create_model("two_stage", **fine)
        refuse_unread_settings("two_stage", other, other.read_only_with)


def test_a_two_stage_rankers_setting_for_another_loss_is_refused_before_any_fit(log):
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "wide_deep", "loss": "bce", "focal_gamma": 3.0})
    with pytest.raises(ConfigError, match=r"^two_stage: ranker \(wide_deep\): focal_gamma = "
                       "3.0 is read only with loss = 'focal', and loss is 'bce'"):
        model.fit(log)
    assert not hasattr(model, "generators_")


def test_make_training_data_refuses_a_rate_that_all_ignores(log):
    from recstack.pipeline import training_data as t
    from recstack.pipeline.features import FeatureBuilder

    cutoff = t.window_cutoff(log, 0.2)
    history, window = t.time_window(log, cutoff)
    with pytest.raises(RecstackError, match="^training data: negative_rate = 0.2 is read only "
                       "with negatives = 'uniform' or 'hard'"):
        t.make_training_data(history, window, lambda: [create_model("most_popular")],
                             FeatureBuilder(), cutoff=cutoff, n_candidates=5,
                             negative_rate=0.2)


@pytest.mark.parametrize(("settings", "said"), [
    ({"loss": "bce", "focal_alpha": 0.25}, "focal_alpha = 0.25 is read only with loss = "
                                           "'focal', and loss is 'bce'"),
    ({"loss": "bpr", "margin": 2.0}, "margin = 2.0 is read only with loss = 'hinge'"),
])
def test_a_neural_rankers_setting_for_another_loss_is_refused(settings, said):
    pytest.importorskip("torch")
    from recstack.pipeline.rankers import create_ranker

    schema = FeatureSchema((Feature("signal", "numeric"),))
    numeric = np.arange(8, dtype=np.float32).reshape(8, 1)
    groups = np.repeat(np.arange(2), 4)
    frame = FeatureFrame(schema, numeric, np.zeros((8, 0), np.int64), groups, np.arange(8),
                         groups)
    with pytest.raises(ConfigError, match=f"^wide_deep: {said}"):
        create_ranker("wide_deep", epochs=1, **settings).fit(frame, numeric[:, 0] % 2)


def items() -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3], "genres": ["A", "B", "A|B"],
                          "tier": ["x", "y", "x"]})
    return Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], item_table=table)


@pytest.mark.parametrize(("step", "said"), [
    (MMR(features="model", column="genre"), "column = 'genre' is read only with features = "
                                            "'column', and features is 'model'"),
    (ExposureFairness(group_column="tier", head_items=0.5),
     r"head_items = 0.5 is read only with group_column = None \(not set\), and group_column "
     "is 'tier'"),
])
def test_a_rerankers_setting_another_makes_unused_is_refused(step, said):
    with pytest.raises(ConfigError, match=f"^{step.name}: {said}"):
        step.fit(items(), item_vectors=np.eye(3))


def test_a_chain_step_setting_is_refused_before_the_wrapped_model_fits(log):
    model = create_model("reranked", model={"type": "most_popular"},
                         chain=[{"type": "mmr", "features": "model", "column": "genre"}])
    with pytest.raises(ConfigError, match=r"^reranked: chain\[0\] \(mmr\): column = 'genre' "
                       "is read only with features = 'column'"):
        model.fit(log)
    assert not hasattr(model, "model_")
