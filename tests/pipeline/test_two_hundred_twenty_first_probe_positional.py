"""Two-hundred-twenty-first bad-input probe: settings given by position to the pipeline's
classes that take them by name (a bandit policy, the feature builder, the bandit
environment, ``create_ranker``) were Python's "takes 1 positional argument but 2 were
given", naming neither the class's settings nor how to write them; they are refused as
the models refuse them (``refuse_positional``)."""

import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandits import EpsilonGreedy, LinUCB
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.simulation import BanditEnvironment


def test_a_policy_refuses_values_by_position():
    with pytest.raises(ConfigError, match=r"^epsilon_greedy: got 1 value\(s\) by position "
                                          r"\(5\) where only keywords are taken; give them by "
                                          r"name, e.g. EpsilonGreedy\(n_items=\.\.\.\)"):
        EpsilonGreedy(5)
    with pytest.raises(ConfigError, match=r"^linucb: got 2 value\(s\) by position \(5, 3\)"):
        LinUCB(5, 3)
    assert EpsilonGreedy(n_items=5).n_items == 5


def test_the_feature_builder_refuses_values_by_position():
    with pytest.raises(ConfigError, match=r"^FeatureBuilder: got 1 value\(s\) by position "
                                          r"\(30\) .*FeatureBuilder\(half_life_days=30\)$"):
        FeatureBuilder(30)
    assert FeatureBuilder(half_life_days=7).half_life_days == 7


def test_the_environment_takes_only_its_config_by_position():
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: got 1 value\(s\) by position "
                                          r"\(0\.1\) where only the synthetic config is taken "
                                          r"by position"):
        BanditEnvironment(None, 0.1)


def test_create_ranker_refuses_values_by_position():
    with pytest.raises(ConfigError, match=r"^logistic: got 1 value\(s\) by position \(5\) .*"
                                          r"create_ranker\('logistic', name=value, \.\.\.\)"):
        create_ranker("logistic", 5)
    assert create_ranker("logistic", C=2.0).C == 2.0
