"""Eighth bad-input probe of the two-stage model's training settings: a setting read only
under another setting's value (negative_rate with negatives = 'all', label_fraction with
window = 'user', user_labels with window = 'time') was ignored without a word; now it is
refused before anything is fitted, naming the setting that decides."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


@pytest.mark.parametrize(("settings", "said", "reading"), [
    ({"negative_rate": 0.2}, "negative_rate = 0.2 is read only with negatives = 'uniform' or "
                             "'hard', and negatives is 'all'", {"negatives": "hard"}),
    ({"window": "user", "label_fraction": 0.1},
     "label_fraction = 0.1 is read only with window = 'time', and window is 'user'",
     {"window": "time"}),
    ({"user_labels": 3}, "user_labels = 3 is read only with window = 'user', and window is "
                         "'time'", {"window": "user"}),
])
def test_a_setting_another_makes_unused_is_refused(settings, said, reading):
    with pytest.raises(ConfigError, match=said):
        create_model("two_stage", **settings).validate_params()
    # with the setting that reads it, it is taken
    create_model("two_stage", **settings | reading).validate_params()
    # and its default is no setting given
    create_model("two_stage", **{name: create_model("two_stage").get_params()[name]
                                 for name in settings}).validate_params()


def test_make_training_data_refuses_a_rate_that_all_ignores():
    from recstack.data.synthetic import generate
    from recstack.pipeline import training_data as t
    from recstack.pipeline.features import FeatureBuilder

    log = generate(n_users=40, n_items=25, n_interactions=500, seed=3)
    cutoff = t.window_cutoff(log, 0.2)
    history, window = t.time_window(log, cutoff)
    with pytest.raises(RecstackError, match="^training data: negative_rate = 0.2 is read only "
                       "with negatives = 'uniform' or 'hard'"):
        t.make_training_data(history, window, lambda: [create_model("most_popular")],
                             FeatureBuilder(), cutoff=cutoff, n_candidates=5,
                             negative_rate=0.2)
