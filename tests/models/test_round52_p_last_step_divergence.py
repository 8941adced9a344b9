"""A step that diverges in the last epoch is refused, not kept as the model.

Each epoch's loss is measured before its steps, so the last step was never checked: with one
minibatch per epoch and ``epochs=1``, no step was. Mult-VAE with ``learning_rate=1e8`` and
one batch kept scores of 6.9e+09 (one Adam step moves every weight by about the learning
rate) and said nothing. The trainer now measures the trained parameters on a minibatch of
the training data and refuses them when that loss is not finite or beyond the bound.
BPR (numba, no trainer) measures its factors' loss on a sample of training pairs likewise."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402
from recstack.models.torch_training import TorchTrainer  # noqa: E402


def _quadratic_run(learning_rate, **settings):
    """One parameter w starting at 1, loss w**2, one minibatch per epoch, plain SGD: the
    loss each epoch reports is measured before its step; after one step w is
    1 - 2 * learning_rate. Returns the parameter, the history and the loss calls."""
    weight = torch.nn.Parameter(torch.ones(()))
    module = torch.nn.Module()
    module.weight = weight
    optimizer = torch.optim.SGD([weight], lr=learning_rate)
    calls = []

    def batches(epoch, generator):
        yield epoch

    def loss(m, batch):
        calls.append(batch)
        return m.weight ** 2

    history = TorchTrainer(epochs=1, model="toy", max_loss=1e4, **settings).fit(
        module, optimizer, batches, loss)
    return float(weight.detach()), history, calls


def test_a_last_step_past_the_bound_is_refused_naming_the_setting():
    # before the step the loss is 1 (what the epoch reports); after it w = 1 - 2e6,
    # whose loss (2e6 - 1) ** 2 = 4e12 is far beyond 10,000
    with pytest.raises(RecstackError, match=r"toy: training diverged in its last steps "
                                            r"\(epoch 1\).*4e\+12.*lower the learning rate"):
        _quadratic_run(1e6)


def test_a_last_step_to_nan_is_refused():
    with pytest.raises(RecstackError, match=r"toy: training diverged: the loss of the trained "
                                            r"parameters .* is nan: .*overflow float32"):
        _quadratic_run(0.1, result_loss=lambda m, b: m.weight * float("nan"))


def test_mult_vae_weights_past_float32_in_torch_are_refused():
    # learning_rate=1e30: torch's float32 forward gives NaN, while the numpy scoring kept
    # finite scores of 4.7e+31, which the model's own checks let through
    with pytest.raises(RecstackError, match=r"mult_vae: training diverged: .* is nan"):
        create_model("mult_vae", epochs=1, learning_rate=1e30, device="cpu",
                     num_threads=1).fit(_one_batch_data())


def test_a_training_that_learns_ends_as_before():
    weight, history, calls = _quadratic_run(0.1)
    assert weight == pytest.approx(1 - 2 * 0.1)  # one SGD step of w**2 from w = 1
    assert history.epochs[0]["loss"] == pytest.approx(1.0)
    assert calls == [0, 0]  # the step's loss, then the trained parameters' measure


def test_result_loss_replaces_the_loss_in_the_measure():
    _, _, calls = _quadratic_run(0.1, result_loss=lambda m, b: m.weight ** 2)
    assert calls == [0]  # loss() ran for the one step only


def _one_batch_data():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 5)
    items = (users % 10 + rng.integers(0, 5, len(users))) % 15
    return Interactions.from_arrays(users, items, None, np.arange(len(users)),
                                    duplicates="first")


@pytest.mark.parametrize("name", ["mult_vae", "mult_dae"])
def test_mult_vae_one_huge_step_is_refused(name):
    data = _one_batch_data()
    # 30 users in one batch of 500: the one epoch has one step, measured before it
    with pytest.raises(RecstackError, match=rf"{name}: training diverged in its last steps"
                                            r".*learning_rate=100000000\.0"):
        create_model(name, epochs=1, learning_rate=1e8, device="cpu",
                     num_threads=1).fit(data)


def test_mult_vae_with_a_usual_rate_still_trains():
    model = create_model("mult_vae", epochs=2, device="cpu", num_threads=1)
    model.fit(_one_batch_data())
    scores = model.score_users(np.arange(30))
    assert np.isfinite(scores).all() and np.abs(scores).max() < 100


def test_bpr_scores_grown_far_apart_are_refused_before_they_overflow():
    # learning_rate=50 (x regularization 0.01 = 0.5, no sign flip) for one epoch grew the
    # scores to about 1e28 without overflowing float32, and the model was kept; the data
    # hold 98 distinct pairs (duplicates dropped), all measured
    with pytest.raises(RecstackError, match=r"bpr: training diverged: the learned factors' "
                                            r"BPR loss on 98 training pairs is .*beyond "
                                            r"10,000.*learning_rate=50\.0"):
        create_model("bpr", factors=4, epochs=1, learning_rate=50.0).fit(_one_batch_data())


def test_bpr_with_a_usual_rate_still_trains():
    model = create_model("bpr", factors=4, epochs=5, learning_rate=0.05)
    model.fit(_one_batch_data())
    scores = model.score_users(np.arange(30))
    assert np.isfinite(scores).all() and np.abs(scores).max() < 10
