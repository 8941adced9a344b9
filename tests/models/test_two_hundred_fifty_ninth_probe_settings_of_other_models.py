"""Two-hundred-fifty-ninth bad-input probe: a setting given to a model that does not take
it (``create_model("ease", factors=64)``, ``create_model("als", neighbors=50)``, a
generator's table with another model's setting, ``TwoStage(half_life_days=7)`` at the
two-stage model's top level) was "no parameter 'factors'", with a suggestion only when it was
spelt close to one of the model's own: the reader was left to find that the model type, or
the table, was the mistake. The refusal now names the models that take it (for the
two-stage model, the table it goes in), after the nearest of the model's own where there is
one."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.base import setting_of_another_model
from recstack.models.registry import MODELS, available_models, model_class
from recstack.pipeline.two_stage import TwoStage
from recstack.specs import did_you_mean

CHECK = "check the model's type, or leave it out"


@pytest.fixture(autouse=True)
def _recstack_models_only():
    # benchmarks/graph_cf.py registers implicit's ALS as the model "implicit_als" (a factor
    # model too) when a test imports it earlier in the session; it would then rightly be
    # listed among the models that take factors: these tests pin recstack's own models
    benchmark_model = MODELS._classes.pop("implicit_als", None)
    yield
    if benchmark_model is not None:
        MODELS._classes["implicit_als"] = benchmark_model


def _refusal(call) -> str:
    with pytest.raises(ConfigError) as refused:
        call()
    return str(refused.value)


def test_a_factor_models_setting_given_to_ease_names_the_factor_models():
    assert _refusal(lambda: create_model("ease", factors=64)) == (
        "ease: no parameter 'factors' (a setting of the models als, bpr, ials, mf, neumf and "
        f"neural_mf: {CHECK}); its parameters: regularization, binary, dtype")


def test_a_neighbour_models_setting_given_to_als_names_the_neighbour_models():
    assert _refusal(lambda: create_model("als", neighbors=50)).startswith(
        "als: no parameter 'neighbors' (a setting of the models item_knn, rp3beta and "
        f"user_knn: {CHECK}); its parameters: factors, regularization")


def test_one_model_is_named_in_the_singular():
    assert _refusal(lambda: create_model("item_knn", loss="bpr")).startswith(
        f"item_knn: no parameter 'loss' (a setting of the sasrec model: {CHECK}); ")


def test_the_nearest_of_the_models_own_comes_first():
    # 'block_size' is ials's; given to mf it is more likely a slip of its batch_size
    assert _refusal(lambda: create_model("mf", block_size=3)).startswith(
        "mf: no parameter 'block_size' (did you mean 'batch_size'?) (if not, it is a setting "
        f"of the ials model: {CHECK}); its parameters: factors, epochs, batch_size")
    # a slip that is no other model's setting keeps the message it had
    assert _refusal(lambda: create_model("als", factor=3)).startswith(
        "als: no parameter 'factor' (did you mean 'factors'?); its parameters: ")


def test_a_name_no_model_takes_keeps_the_message_it_had():
    assert _refusal(lambda: create_model("ease", zzz=1)) == (
        "ease: no parameter 'zzz'; its parameters: regularization, binary, dtype")


def test_each_unknown_name_is_told_whose_it_is():
    assert _refusal(lambda: create_model("item_knn", factors=3, zzz=1)).startswith(
        "item_knn: no parameter 'factors' (a setting of the models als, bpr, ials, mf, neumf and "
        f"neural_mf: {CHECK}), 'zzz'; its parameters: neighbors, ")


def test_a_generators_table_with_another_models_setting_names_the_models():
    message = _refusal(
        lambda: TwoStage(generators=[{"type": "ease", "factors": 64}]).validate_params())
    assert message.startswith("two_stage: generators[0] (ease): ease: no parameter 'factors' "
                              "(a setting of the models als, bpr, ials, mf, neumf and neural_mf: ")


def test_a_feature_option_at_the_two_stage_models_top_level_is_told_its_table():
    assert _refusal(lambda: TwoStage(max_levels=3)).startswith(
        "two_stage: no parameter 'max_levels' (a feature option: write it in the model's "
        "features table (features = {max_levels = ...})); its parameters: generators, ")
    # half_life_days is a feature option and most_popular's setting: both places are told
    assert _refusal(lambda: create_model("two_stage", half_life_days=7)).startswith(
        "two_stage: no parameter 'half_life_days' (a feature option: write it in the model's "
        "features table (features = {half_life_days = ...}); it is also a setting of the "
        "most_popular model: write it in the generator's table (generators = [{type = "
        "'most_popular', half_life_days = ...}])); its parameters: generators, ")


def test_a_rankers_setting_at_the_two_stage_models_top_level_is_told_its_table():
    message = _refusal(lambda: TwoStage(learning_rate=0.05))
    assert message.startswith(
        "two_stage: no parameter 'learning_rate' (a setting of the rankers dcn_v2, lightgbm, "
        "multitask and wide_deep: write it in the model's ranker table (ranker = {type = "
        "'dcn_v2', learning_rate = ...}); it is also a setting of the models bpr, ")
    assert "write it in the generator's table (generators = [{type = 'bpr', " in message
    assert _refusal(lambda: TwoStage(factors=8)).startswith(
        "two_stage: no parameter 'factors' (a setting of the models als, bpr, ials, mf, neumf and "
        "neural_mf: write it in the generator's table (generators = [{type = 'als', "
        "factors = ...}])); ")


def _recstack_models() -> list[str]:
    # without the benchmark's implicit_als (see _recstack_models_only), whether or not a
    # test imported it before this module was collected
    return [name for name in available_models() if name != "implicit_als"]


@pytest.mark.parametrize("model", _recstack_models())
def test_every_models_refusal_names_exactly_the_models_that_take_the_setting(model):
    own = model_class(model).params
    settings = {name for other in _recstack_models() for name in model_class(other).params}
    for name in sorted(settings - set(own)):
        owners = [other for other in _recstack_models()
                  if other != model and name in model_class(other).params]
        message = _refusal(lambda name=name: create_model(model, **{name: 1}))
        told = message.split("; its parameters: ")[0]
        assert told.startswith(f"{model}: no parameter {name!r}{did_you_mean(name, own)}")
        if model == "two_stage":
            assert "write it in the generator's table" in told, name
        else:
            assert told.endswith(f": {CHECK})"), (model, name)
            listed = told.split("a setting of the ")[1].split(":")[0]
            listed = listed.removeprefix("models ").removesuffix(" model")
            assert listed.replace(" and ", ", ").split(", ") == owners, (model, name)


def test_the_hint_is_public_for_other_refusals():
    assert setting_of_another_model(model_class("ease"), "factors") == (
        f"a setting of the models als, bpr, ials, mf, neumf and neural_mf: {CHECK}")
    assert setting_of_another_model(model_class("ease"), "zzz") == ""
    assert setting_of_another_model(model_class("ease"), 3) == ""
