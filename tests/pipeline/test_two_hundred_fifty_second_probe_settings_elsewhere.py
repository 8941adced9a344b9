"""Two-hundred-fifty-second probe: a two-stage model's setting written in the wrong table.

The model's settings sit in three places: its own table (``n_candidates``, ``negatives``,
``seed``...), its ``features`` table (``half_life_days``...) and its ``ranker`` table
(``learning_rate``...). One written in another part's table was "unknown feature option(s)
['n_candidates']" or "logistic: no parameter 'half_life_days'", which left the reader to
find where it goes (or that the ranker's type was wrong). It is now told what it is and
where to write it; a misspelling still gets the nearest name, and a name of nothing the
message it had.
"""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rankers.registry import create_ranker

GENERATORS = [{"type": "most_popular"}]


def _two_stage(**settings):
    return create_model("two_stage", generators=GENERATORS, **settings)


def test_a_model_setting_in_the_features_table_is_sent_to_the_model_table():
    with pytest.raises(ConfigError) as caught:
        _two_stage(features={"n_candidates": 50}).validate_params()
    message = str(caught.value)
    assert "two_stage: features: unknown feature option(s) ['n_candidates'], which is a " \
           "setting of the two_stage model itself: write it in the model's own table, " \
           "beside ranker and features (n_candidates = ...)" in message
    assert "the options are ['context_columns'" in message  # the list is still given


def test_a_ranker_setting_in_the_features_table_names_the_rankers_and_the_table():
    with pytest.raises(ConfigError) as caught:
        FeatureBuilder.from_options({"num_leaves": 63}, "two_stage: features")
    assert "['num_leaves'], which is a setting of the lightgbm ranker: write it in the " \
           "model's ranker table (ranker = {type = 'lightgbm', num_leaves = ...})" \
           in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        FeatureBuilder.from_options({"learning_rate": 0.1}, "two_stage: features")
    assert "a setting of the rankers dcn_v2, lightgbm, multitask and wide_deep" \
           in str(caught.value)


def test_one_of_several_unknown_options_is_named_when_told_where_it_goes():
    with pytest.raises(ConfigError) as caught:
        FeatureBuilder.from_options({"negatives": "hard", "zzz": 1}, "two_stage: features")
    message = str(caught.value)
    assert "unknown feature option(s) ['negatives', 'zzz'] ('negatives' is a setting of " \
           "the two_stage model itself" in message


@pytest.mark.parametrize("key, told", [
    ("half_life_days", "which is a feature option: write it in the model's features table "
                       "(features = {half_life_days = ...})"),
    ("negatives", "which is a setting of the two_stage model itself: write it in the "
                  "model's own table, beside ranker and features (negatives = ...)"),
    ("num_leaves", "which is a setting of the lightgbm ranker: check the ranker's type, or "
                   "leave it out"),
])
def test_a_setting_of_another_part_in_the_ranker_table_is_told_where_it_goes(key, told):
    with pytest.raises(ConfigError) as caught:
        create_ranker("logistic", **{key: 1})
    message = str(caught.value)
    assert message.startswith(f"logistic: no parameter {key!r}, {told}; its parameters: "
                              "loss, C, class_weight")
    # and inside a two-stage model's ranker table, with the model named first
    with pytest.raises(ConfigError) as caught:
        _two_stage(ranker={"type": "logistic", key: 1}).validate_params()
    assert str(caught.value).startswith("two_stage: ranker (logistic): ")
    assert told in str(caught.value)


def test_a_setting_both_of_the_model_and_of_other_rankers_names_both():
    with pytest.raises(ConfigError) as caught:
        create_ranker("logistic", seed=3)
    message = str(caught.value)
    assert "a setting of the two_stage model itself" in message
    assert "it is also a setting of the rankers dcn_v2, lightgbm, multitask and wide_deep" \
           in message


def test_misspellings_and_names_of_nothing_keep_their_messages():
    with pytest.raises(ConfigError, match=r"\(did you mean 'half_life_days'\?\); the "
                                          r"options are"):
        FeatureBuilder.from_options({"half_life": 7}, "two_stage: features")
    with pytest.raises(ConfigError) as caught:
        FeatureBuilder.from_options({"colour": 7}, "two_stage: features")
    assert str(caught.value).startswith("two_stage: features: unknown feature option(s) "
                                        "['colour']; the options are")
    with pytest.raises(ConfigError, match=r"no parameter 'learning_rat' \(did you mean "
                                          r"'learning_rate'\?\)"):
        create_ranker("lightgbm", learning_rat=0.1)
    with pytest.raises(ConfigError) as caught:
        create_ranker("lightgbm", colour=1)
    assert str(caught.value).startswith("lightgbm: no parameter 'colour'; its parameters")
    # the ranker's own settings are taken as before
    assert create_ranker("lightgbm", learning_rate=0.2).learning_rate == 0.2
