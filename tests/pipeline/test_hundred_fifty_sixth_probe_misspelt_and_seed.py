"""Misspelt public attributes on policies and calibrators; make_training_data's seed bound."""
import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline import bandits, calibration


@pytest.mark.parametrize("make, name, nearest", [
    (lambda: bandits.EpsilonGreedy(n_items=3), "epsilom", "epsilon"),
    (lambda: bandits.UCB1(n_items=3), "exploraton", "exploration"),
    (lambda: bandits.BetaThompson(n_items=3), "n_item", "n_items"),
    (lambda: bandits.LinUCB(n_items=3, n_features=2), "alpah", "alpha"),
    (lambda: calibration.HistogramCalibrator(), "n_bin", "n_bins"),
])
def test_a_misspelt_attribute_is_refused_with_the_nearest_name(make, name, nearest):
    part = make()
    with pytest.raises(ConfigError, match=rf"no hyperparameter '{name}' \(did you mean "
                                          rf"'{nearest}'\?\)"):
        setattr(part, name, 0.1)
    assert name not in vars(part)


def test_declared_names_learned_state_and_far_names_are_set_as_before():
    policy = bandits.EpsilonGreedy(n_items=3)
    policy.epsilon = 0.2
    policy.owner = "mine"  # near no hyperparameter: the user's own attribute
    assert policy.epsilon == 0.2 and policy.owner == "mine"
    binned = calibration.HistogramCalibrator(n_bins=2, strategy="uniform")
    binned.n_bins = 3
    binned.fit([0.1, 0.2, 0.7, 0.9], [0, 1, 1, 1])
    assert binned.n_bins == 3 and binned.fitted_


@pytest.fixture
def log():
    from recstack.data.interactions import Interactions

    rng = np.random.default_rng(0)
    n = 400
    return Interactions.from_arrays(rng.integers(0, 20, n), rng.integers(0, 30, n),
                                    timestamps=np.arange(n))


@pytest.mark.parametrize("seed, message", [
    (2**32, r"seed = 4294967296: must be <= 4294967295"),
    (2**70, r"seed = 1180591620717411303424: must be <= 4294967295"),
    (-1, r"seed = -1: must be >= 0"),
    (2.5, r"seed must be a whole number in \[0, 4294967295\], got 2\.5"),
])
def test_make_training_data_seed_follows_the_one_seed_rule(log, seed, message):
    from recstack.models import create_model
    from recstack.pipeline import training_data as t
    from recstack.pipeline.features import FeatureBuilder

    cutoff = t.window_cutoff(log, 0.2)
    history, window = t.time_window(log, cutoff)
    with pytest.raises(ConfigError, match="^training data: " + message):
        t.make_training_data(history, window, builder=FeatureBuilder(), seed=seed,
                             make_generators=lambda: [create_model("most_popular")],
                             cutoff=cutoff, n_candidates=5)


def test_a_subclass_keeps_its_own_state_near_a_hyperparameter_name():
    class Remembering(bandits.UCB1):
        def select(self, users, k, **kwargs):
            self.seen = kwargs.get("available")  # near "seed", set by its own method
            return super().select(users, k, **kwargs)

    policy = Remembering(n_items=3)
    policy.select(np.array([0]), 1)
    assert "seen" in vars(policy)
    with pytest.raises(ConfigError, match=r"no hyperparameter 'seen' \(did you mean 'seed'"):
        Remembering(n_items=3).seen = 1  # from outside: a misspelling


def test_a_misspelt_feature_option_is_refused():
    from recstack.pipeline.features import FeatureBuilder

    builder = FeatureBuilder()
    with pytest.raises(ConfigError, match=r"^FeatureBuilder: no hyperparameter "
                                          r"'half_life_day' \(did you mean 'half_life_days'"):
        builder.half_life_day = 7
    builder.half_life_days = 7
    assert builder.get_options()["half_life_days"] == 7
