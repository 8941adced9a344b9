"""Three-hundred-sixteenth probe, NeuMF's fine-tuning stage: with ``pretrain=True`` the
pre-trained NeuMF was always fine-tuned with plain SGD at ``learning_rate`` (the paper's
text), which on MovieLens 100K barely moved it (log loss 0.212 to 0.205 in 20 epochs),
and the reference README's runs keep Adam. ``pretrain_learner`` ("sgd", "adam",
"adagrad", "rmsprop": the reference code's ``--learner``) and ``pretrain_learning_rate``
now choose it; without ``pretrain`` they are refused, as every setting read only under
another's value is."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import edit_meta

torch = pytest.importorskip("torch") if importlib.util.find_spec("torch") else None
pytestmark = pytest.mark.skipif(torch is None, reason="needs PyTorch")

SMALL = {"factors": 4, "layers": (8, 4), "reg_layers": (0.0, 0.0), "epochs": 3,
         "batch_size": 64, "device": "cpu", "num_threads": 1}


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 6)
    items = np.concatenate([rng.choice(20, 6, replace=False) for _ in range(30)])
    return Interactions.from_arrays(users, items)


@pytest.fixture
def optimisers(monkeypatch):
    """Every optimiser built during a fit, as (class name, learning rate, other options)."""
    built: list[tuple[str, float, dict]] = []
    for name in ("SGD", "Adam", "Adagrad", "RMSprop"):
        real = getattr(torch.optim, name)

        def spy(params, *args, _real=real, _name=name, **kwargs):
            built.append((_name, kwargs.get("lr"),
                          {k: v for k, v in kwargs.items() if k != "lr"}))
            return _real(params, *args, **kwargs)

        monkeypatch.setattr(torch.optim, name, spy)
    return built


@pytest.mark.parametrize(("learner", "optimiser", "options"), [
    ("sgd", "SGD", {}), ("adam", "Adam", {}), ("adagrad", "Adagrad", {}),
    ("rmsprop", "RMSprop", {"alpha": 0.9})])  # Keras' rho, the reference code's
def test_the_fine_tuning_stage_uses_the_chosen_learner(train, optimisers, learner,
                                                       optimiser, options):
    create_model("neumf", **SMALL, pretrain=True, learning_rate=0.01,
                 pretrain_learner=learner).fit(train)
    # GMF and the MLP pre-train with Adam at learning_rate; NeuMF then fine-tunes with
    # the learner chosen, at learning_rate as pretrain_learning_rate is not given
    assert optimisers == [("Adam", 0.01, {}), ("Adam", 0.01, {}), (optimiser, 0.01, options)]


def test_the_fine_tuning_rate_is_its_own(train, optimisers):
    create_model("neumf", **SMALL, pretrain=True, learning_rate=0.01,
                 pretrain_learner="adam", pretrain_learning_rate=0.002).fit(train)
    assert optimisers == [("Adam", 0.01, {}), ("Adam", 0.01, {}), ("Adam", 0.002, {})]


def test_the_default_is_the_papers_sgd_at_learning_rate(train, optimisers):
    model = create_model("neumf", **SMALL, pretrain=True, learning_rate=0.01)
    assert (model.pretrain_learner, model.pretrain_learning_rate) == ("sgd", None)
    model.fit(train)
    assert optimisers[-1] == ("SGD", 0.01, {})


def test_adam_fine_tunes_further_than_sgd_at_the_same_rate(train):
    # SGD at 0.001 on a mean log loss barely moves the pre-trained weights; Adam's steps
    # are about the rate in size whatever the gradient's scale
    def loss_drop(learner):
        model = create_model("neumf", **SMALL, pretrain=True, learning_rate=0.001,
                             pretrain_learner=learner).fit(train)
        losses = [epoch["loss"] for epoch in model.history_.epochs]
        return losses[0] - losses[-1]

    sgd, adam = loss_drop("sgd"), loss_drop("adam")
    # measured: SGD 0.6616 -> 0.6570 (0.005), Adam 0.6568 -> 0.6266 (0.030)
    assert sgd < 0.01
    assert adam > 3 * max(sgd, 1e-3)


@pytest.mark.parametrize(("name", "value"), [("pretrain_learner", "adam"),
                                             ("pretrain_learning_rate", 0.01)])
def test_a_fine_tuning_setting_without_pretraining_is_refused(train, name, value):
    model = create_model("neumf", **SMALL, **{name: value})
    with pytest.raises(ConfigError, match=(
            rf"^neumf: {name} = {value!r} is read only with pretrain = True, and pretrain "
            rf"is False, so it would be ignored; set pretrain = True to use it, or leave "
            rf"{name} out$")):
        model.fit(train)
    assert not hasattr(model, "history_")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("pretrain_learner", "Adam", r"pretrain_learner must be one of"),
    ("pretrain_learner", "adamw", r"pretrain_learner must be one of"),
    ("pretrain_learner", None, r"pretrain_learner"),
    ("pretrain_learning_rate", 0.0, r"pretrain_learning_rate must be > 0"),
    ("pretrain_learning_rate", -1e-3, r"pretrain_learning_rate must be > 0"),
    ("pretrain_learning_rate", float("nan"), r"pretrain_learning_rate"),
    ("pretrain_learning_rate", "0.01", r"pretrain_learning_rate must be"),
    ("pretrain_learning_rate", True, r"pretrain_learning_rate must be")])
def test_wrong_fine_tuning_values_are_refused_naming_the_setting(train, name, value, message):
    with pytest.raises(ConfigError, match=rf"^neumf: {message}"):
        create_model("neumf", **SMALL, pretrain=True, **{name: value}).fit(train)


@pytest.mark.parametrize("learner", ["sgd", "adam"])
def test_a_diverged_fine_tuning_names_its_own_rate(train, learner):
    model = create_model("neumf", **SMALL, pretrain=True, pretrain_learner=learner,
                         pretrain_learning_rate=1e30)
    with pytest.raises(RecstackError, match=(
            r"^neumf: training diverged in epoch 1: its mean training loss is nan; lower the "
            r"learning rate \(pretrain_learning_rate=1e\+30; default: learning_rate's "
            r"0\.001\)$")):
        model.fit(train)


def test_saved_and_loaded_with_the_fine_tuning_settings(train, tmp_path):
    model = create_model("neumf", **SMALL, pretrain=True, pretrain_learner="rmsprop",
                         pretrain_learning_rate=0.003).fit(train)
    loaded = load_model(model.save(tmp_path / "model"))
    assert (loaded.pretrain_learner, loaded.pretrain_learning_rate) == ("rmsprop", 0.003)
    np.testing.assert_array_equal(loaded.score_users([0, 1]), model.score_users([0, 1]))


def test_a_file_saved_before_the_settings_loads_with_the_defaults(train, tmp_path):
    # the three settings were added after NeuMF files were first saved: such a file (its
    # params without them) was refused as damaged, "missing: ['num_threads', ...]"
    model = create_model("neumf", **SMALL, pretrain=True).fit(train)
    folder = model.save(tmp_path / "model")

    def older(meta):
        del meta["params"]["pretrain_learner"]
        del meta["params"]["pretrain_learning_rate"]
        del meta["params"]["num_threads"]

    loaded = load_model(edit_meta(folder, older))
    assert (loaded.pretrain_learner, loaded.pretrain_learning_rate,
            loaded.num_threads) == ("sgd", None, None)
    np.testing.assert_array_equal(loaded.score_users([0, 1]), model.score_users([0, 1]))


@pytest.mark.parametrize("name", ["mf", "lightgcn", "sasrec", "two_tower", "neural_mf"])
def test_torch_model_files_saved_before_num_threads_still_load(name):
    # every torch model declares num_threads as added after its first saved files
    from recstack.models.registry import model_class

    assert model_class(name).params["num_threads"].added_later


def test_any_other_missing_setting_still_marks_the_file_damaged(train, tmp_path):
    folder = create_model("neumf", **SMALL).fit(train).save(tmp_path / "model")

    def damaged(meta):
        del meta["params"]["factors"]

    with pytest.raises(RecstackError, match=r"missing: \['factors'\]"):
        load_model(edit_meta(folder, damaged))
