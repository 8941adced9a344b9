"""Training that diverges is refused at the first epoch it shows, naming what to change.

Two-tower's ``temperature=1e-30`` trained every epoch to a mean loss of 1.6e+29 and kept
the model; LightGCN's ``learning_rate=1e8`` reached 5.8e+15; SASRec's reached NaN and was
refused only after its last epoch, from the vectors. The trainer now stops at the first
epoch whose mean loss is NaN, infinite or (for these likelihood losses) beyond 10,000,
before that epoch is checkpointed, and the refusal names the setting to change."""

import json
import math

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402
from recstack.models.torch_training import MAX_LIKELIHOOD_LOSS, TorchTrainer  # noqa: E402


def small_data():
    return generate(n_users=60, n_items=40, n_interactions=1000, seed=0)


def _constant_loss_run(values, tmp_path=None, **settings):
    """A trainer whose epoch e has the mean loss values[e] exactly."""
    module = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.0)
    x = torch.ones(4, 2)
    seen = []

    def batches(epoch, generator):
        seen.append(epoch)
        yield epoch, 0
        yield epoch, 1

    def loss(m, batch):
        epoch, _ = batch
        return m(x).sum() * 0 + values[epoch]

    trainer = TorchTrainer(epochs=len(values), seed=0, model="toy",
                           checkpoint_dir=None if tmp_path is None else tmp_path / "ck",
                           **settings)
    return trainer, lambda: trainer.fit(module, optimizer, batches, loss), seen


@pytest.mark.parametrize(("bad", "said"), [
    (math.inf, "inf"), (math.nan, "nan"), (-math.inf, "-inf")])
def test_a_loss_that_is_not_finite_stops_training_at_its_epoch(bad, said):
    _, fit, seen = _constant_loss_run([0.5, bad, 0.25])
    with pytest.raises(RecstackError) as caught:
        fit()
    assert str(caught.value) == (f"toy: training diverged in epoch 2: its mean training "
                                 f"loss is {said}; lower the learning rate")
    assert seen == [0, 1]


def test_a_loss_beyond_the_stated_bound_is_refused_and_not_checkpointed(tmp_path):
    _, fit, seen = _constant_loss_run([3.0, 5e4, 1.0], tmp_path, max_loss=1e4,
                                      diverged_hint="raise temperature")
    with pytest.raises(RecstackError) as caught:
        fit()
    assert str(caught.value) == ("toy: training diverged in epoch 2: its mean training loss "
                                 "is 5e+04, beyond 10,000, the most a training that learns "
                                 "reaches; raise temperature")
    assert seen == [0, 1]
    # the last checkpoint is the sound first epoch
    assert json.loads((tmp_path / "ck" / "state.json").read_text())["epochs_done"] == 1


def test_a_loss_at_the_bound_or_without_one_trains_on():
    assert _constant_loss_run([1e4, 2.0], max_loss=1e4)[1]().epochs[0]["loss"] == 1e4
    assert _constant_loss_run([2.0**100, 2.0])[1]().epochs[0]["loss"] == 2.0**100


def test_two_tower_with_a_tiny_temperature_names_the_temperature():
    with pytest.raises(RecstackError) as caught:
        create_model("two_tower", temperature=1e-30, epochs=3).fit(small_data())
    message = str(caught.value)
    assert message.startswith("two_tower: training diverged in epoch 1: its mean training "
                              "loss is ")
    assert message.endswith(", beyond 10,000, the most a training that learns reaches; "
                            "temperature=1e-30 divides the cosine scores (at most 1 in "
                            "size) into the loss: raise it (default 0.2), or lower the "
                            "learning rate (learning_rate=0.002)")


def test_lightgcn_with_a_huge_learning_rate_names_the_learning_rate():
    with pytest.raises(RecstackError, match=r"^lightgcn: training diverged in epoch \d: its "
                       r"mean training loss is .*; lower the learning rate "
                       r"\(learning_rate=100000000.0; default 0.001\)$"):
        create_model("lightgcn", learning_rate=1e8, epochs=3).fit(small_data())


def test_sound_settings_still_train():
    model = create_model("two_tower", epochs=2).fit(small_data())
    assert all(epoch["loss"] < MAX_LIKELIHOOD_LOSS for epoch in model.history_.epochs)
