"""Integers beyond 64 bits given as hyperparameters: one message per mistake, in the words
of the setting.

* A float setting (``regularization``, a blend's ``weights``) given a huge Python integer
  was refused as "must fit in a 64-bit integer", words for an integer setting: an integer
  there is the float it names, so 2**70 is the float 2**70, and one past float32's range
  is refused as any float past it is.
* An integer setting with a declared range (``factors`` in [1, 65536], ``epochs`` <= 10000)
  given 10**30 was told "must fit in a 64-bit integer (at most 9223372036854775807)" before
  its real bound: the declared bound comes first, the long integer by its digit count.
"""

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.persistence import load_model, save_model


@pytest.mark.parametrize("value", [2**70, 10**30, -(2**70)], ids=["2**70", "10**30", "-2**70"])
def test_a_huge_integer_for_a_float_setting_is_the_float_it_names(value):
    model = create_model("ease", regularization=value)
    assert isinstance(model.regularization, float) and model.regularization == float(value)


def test_a_huge_integer_within_float32_is_accepted_for_a_float_setting():
    create_model("ease", regularization=2**70).validate_params()
    create_model("blend", weights=[10**30, 1]).validate_params()


@pytest.mark.parametrize(("value", "written"), [
    (10**39, "a 40-digit integer"),
    (4 * 10**38, "a 39-digit integer"),
    (10**5000, "a 5,001-digit integer"),
    (-(10**39), "a negative 40-digit integer"),
], ids=["10**39", "4e38", "10**5000", "-10**39"])
def test_a_float_setting_past_float32_is_refused_in_float_words(value, written):
    with pytest.raises(ConfigError) as caught:
        create_model("ease", regularization=value).validate_params()
    assert str(caught.value) == (
        "ease: regularization must lie within float32's range (at most 3.4e38 in size: "
        f"recstack computes in float32), got {written}")


def test_a_blend_weight_past_float32_is_refused_in_float_words():
    with pytest.raises(ConfigError, match=r"^blend: weights\[0\] must lie within float32's "
                                          r"range .*got a 5,001-digit integer$"):
        create_model("blend", weights=[10**5000, 1]).validate_params()


@pytest.mark.parametrize(("value", "says"), [
    (10**30, "must be <= 65536, got a 31-digit integer"),
    (2**70, "must be <= 65536, got a 22-digit integer"),
    (10**5000, "must be <= 65536, got a 5,001-digit integer"),
    (-(10**30), "must be >= 1, got a negative 31-digit integer"),
], ids=["10**30", "2**70", "10**5000", "-10**30"])
def test_an_integer_setting_names_its_declared_range_first(value, says):
    with pytest.raises(ConfigError) as caught:
        create_model("als", factors=value).validate_params()
    assert str(caught.value) == f"als: factors {says}"


def test_an_integer_setting_without_an_upper_bound_is_told_the_64_bit_limit():
    with pytest.raises(ConfigError) as caught:
        create_model("item_knn", neighbors=2**70).validate_params()
    assert str(caught.value) == (
        "item_knn: neighbors must fit in a 64-bit integer (at most 9223372036854775807), "
        "got a 22-digit integer; neighbors is int >= 1")


def test_a_seed_of_thousands_of_digits_names_the_seed_rule():
    with pytest.raises(ConfigError, match=r"^als: seed must be <= 4294967295, got a "
                                          r"5,001-digit integer; a seed is "):
        create_model("als", seed=10**5000).validate_params()


def test_the_float_a_huge_integer_names_round_trips_through_a_saved_model(tmp_path):
    from recstack.data.synthetic import generate

    data = generate(n_users=40, n_items=30, n_interactions=400, seed=1)
    model = create_model("blend", weights=[2**70, 2**70]).fit(data)
    # the weights from their definition: each divided by their sum
    np.testing.assert_allclose(model.weights_, [0.5, 0.5])
    save_model(model, tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.get_params() == model.get_params() and again.weights == [2.0**70] * 2
    np.testing.assert_array_equal(again.score_users(np.arange(3)),
                                  model.score_users(np.arange(3)))


def test_setting_a_huge_integer_after_construction_follows_the_same_rule():
    model = create_model("ease")
    model.regularization = 2**70
    assert isinstance(model.regularization, float) and model.regularization == 2.0**70
