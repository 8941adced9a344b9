"""The same model listed twice in a blend (or as two generators, or two scorers, of a
two-stage model): the same class with the same hyperparameters, a default written out or
not. The blend fitted it twice and scored the identical table twice (a larger weight in
disguise, learned at twice the cost); the two-stage model proposed the same candidates
twice, its features copies of each other. Now a ConfigError names both places."""

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model

EASE = {"type": "ease"}


@pytest.mark.parametrize("members, first, second", [
    ([EASE, {"type": "ease", "regularization": 500.0}], 0, 1),  # 500 is ease's default
    ([EASE, {"type": "rp3beta"}, dict(EASE)], 0, 2),
    ([{"type": "rp3beta", "beta": 0.6}, EASE, {"type": "rp3beta", "beta": 0.6}], 0, 2),
])
def test_a_blend_refuses_a_member_listed_twice(members, first, second):
    with pytest.raises(ConfigError, match=rf"^blend: members\[{first}\] and members\[{second}\] "
                                          r"are the same model \(.*\); a member listed twice "
                                          r"scores identically and only doubles its weight"):
        create_model("blend", members=members).validate_params()


def test_members_that_differ_in_a_hyperparameter_are_kept():
    create_model("blend", members=[EASE, {"type": "ease", "regularization": 5.0}]
                 ).validate_params()
    create_model("blend", members=[EASE, {"type": "rp3beta"}]).validate_params()


def test_a_two_stage_model_refuses_a_generator_or_scorer_listed_twice():
    ranker = {"type": "logistic"}
    with pytest.raises(ConfigError, match=r"^two_stage: generators\[0\] and generators\[2\] are "
                                          r"the same model \(MostPopular\(.*\)\); a generator "
                                          r"listed twice proposes the same candidates twice"):
        create_model("two_stage", generators=[{"type": "most_popular"}, EASE,
                                              {"type": "most_popular"}],
                     ranker=ranker).validate_params()
    with pytest.raises(ConfigError, match=r"^two_stage: scorers\[0\] and scorers\[1\] are the "
                                          r"same model"):
        create_model("two_stage", generators=[EASE],
                     scorers=[{"type": "content"}, {"type": "content"}],
                     ranker=ranker).validate_params()
    create_model("two_stage", generators=[EASE, {"type": "ease", "regularization": 5.0}],
                 ranker=ranker).validate_params()
